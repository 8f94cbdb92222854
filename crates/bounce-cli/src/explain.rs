//! `bounce explain TEXT`: the diagnosis of an error text pasted alone (a
//! server's reply, a line of a bounce), as a block like `diagnose` prints or
//! as JSON under the fact's field names plus the advice.

use crate::args::{ExplainArgs, ExplainFormat};
use crate::diagnose::render;
use crate::lang::{resolve, Style};
use bounce_advice::{advise, Advice, Lang};
use bounce_core::{Decoder, Fact};
use serde::Serialize;
use std::io::{self, BufWriter, Read, Write};
use std::process::ExitCode;

/// A fact with its advice: what `parse --advice` and `explain --format json`
/// print. The fact's fields come first, under their usual names.
#[derive(Serialize)]
pub struct WithAdvice<'a> {
    #[serde(flatten)]
    pub fact: &'a Fact,
    pub advice: Advice,
}

impl<'a> WithAdvice<'a> {
    /// `fact` with its advice in `lang`.
    pub fn new(fact: &'a Fact, lang: Lang) -> WithAdvice<'a> {
        WithAdvice {
            fact,
            advice: advise(fact, lang),
        }
    }
}

/// Runs `bounce explain`.
pub fn run(args: ExplainArgs) -> anyhow::Result<ExitCode> {
    let text = if args.text.is_empty() || args.text == ["-"] {
        let mut buf = Vec::new();
        io::stdin().lock().read_to_end(&mut buf)?;
        String::from_utf8_lossy(&buf).into_owned()
    } else {
        args.text.join(" ")
    };
    if text.trim().is_empty() {
        writeln!(
            io::stderr(),
            "bounce: nothing to explain: give the error text as an argument or on standard input"
        )?;
        return Ok(ExitCode::from(2));
    }
    let lang = resolve(args.lang);
    let registry = bounce_providers::registry()?;
    let facts = Decoder::new(registry).explain(&text);
    let mut out = BufWriter::new(io::stdout().lock());
    match args.format {
        ExplainFormat::Text => {
            let style = Style::detect();
            for f in &facts {
                out.write_all(render(f, lang, style).as_bytes())?;
            }
        }
        ExplainFormat::Json => {
            let items: Vec<WithAdvice<'_>> =
                facts.iter().map(|f| WithAdvice::new(f, lang)).collect();
            match items.as_slice() {
                [one] => serde_json::to_writer_pretty(&mut out, one)?,
                many => serde_json::to_writer_pretty(&mut out, many)?,
            }
            out.write_all(b"\n")?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
