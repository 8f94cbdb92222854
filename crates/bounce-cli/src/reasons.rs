//! `bounce reasons [REASON]`: the vocabulary of reasons with their titles, or
//! one reason in full.

use crate::args::ReasonsArgs;
use crate::lang::{pad, resolve, wrap, Labels, Style};
use bounce_advice::{catalogue, kb, Lang};
use bounce_core::Reason;
use std::fmt::Write as _;
use std::io::{self, Write};
use std::process::ExitCode;

/// Parses a reason name for clap; the error names the whole vocabulary.
pub fn parse_reason(name: &str) -> Result<Reason, String> {
    name.parse::<Reason>().map_err(|_| {
        let names: Vec<&str> = Reason::ALL.iter().map(|r| r.as_str()).collect();
        format!("not a reason; the vocabulary is: {}", names.join(", "))
    })
}

/// The catalogue: one line per reason.
pub fn catalogue_text(lang: Lang) -> String {
    let mut out = String::new();
    for (reason, text) in catalogue(lang) {
        let _ = writeln!(out, "{:<16} {}", reason.as_str(), text.title);
    }
    out
}

/// One reason in full.
pub fn reason_text(reason: Reason, lang: Lang, style: Style) -> String {
    let l = Labels::of(lang);
    let entry = kb().reason(reason);
    let t = entry.text(lang);
    let mut out = String::new();
    let _ = writeln!(out, "{}: {}", style.bold(reason.as_str()), t.title);
    let para = |out: &mut String, text: &str, bullet: bool| {
        let (first, rest) = if bullet { ("- ", "  ") } else { ("", "") };
        for (i, line) in wrap(text, 76 - first.len()).iter().enumerate() {
            let _ = writeln!(out, "  {}{line}", if i == 0 { first } else { rest });
        }
    };
    let _ = writeln!(out, "\n{}", style.bold(l.meaning));
    para(&mut out, &t.meaning, false);
    let _ = writeln!(out, "\n{}", style.bold(l.causes));
    for c in &t.causes {
        para(&mut out, c, true);
    }
    let _ = writeln!(out, "\n{}", style.bold(l.action));
    para(&mut out, &t.action, false);
    out.push('\n');
    let cols = crate::lang::width(l.retry).max(crate::lang::width(l.stop)) + 2;
    let _ = writeln!(
        out,
        "{}{}",
        style.bold(&pad(l.retry, cols)),
        entry.retry.describe(lang)
    );
    let _ = writeln!(
        out,
        "{}{}",
        style.bold(&pad(l.stop, cols)),
        entry.stop.describe(lang)
    );
    out
}

/// Runs `bounce reasons`.
pub fn run(args: ReasonsArgs) -> anyhow::Result<ExitCode> {
    let lang = resolve(args.lang);
    let text = match args.reason {
        None => catalogue_text(lang),
        Some(r) => reason_text(r, lang, Style::detect()),
    };
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
