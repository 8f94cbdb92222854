//! `bounce diagnose`: for each failed recipient a block a person can read:
//! who, which provider, the reason, the codes and what they mean, the remote
//! server's own words, what happened and what to do. `bounce explain` prints
//! the same block for pasted text.

use crate::args::DiagnoseArgs;
use crate::batch::{self, Options};
use crate::lang::{pad, resolve, width, wrap, Labels, Style};
use crate::stats::printable;
use bounce_advice::{advise, Lang};
use bounce_core::{Fact, Reason};
use std::fmt::Write as _;
use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

/// Lines are wrapped to this many columns.
const COLUMNS: usize = 80;
/// Prose under a heading is indented by this much.
const INDENT: usize = 4;

/// Renders one fact as a block of text ending with a blank line.
pub fn render(fact: &Fact, lang: Lang, style: Style) -> String {
    let l = Labels::of(lang);
    let advice = advise(fact, lang);
    let mut out = String::new();
    let who = if fact.recipient.is_empty() {
        l.no_recipient.to_owned()
    } else {
        printable(&fact.recipient)
    };
    let _ = writeln!(out, "{}", style.bold(&who));

    // Short fields: label, then the value, continued under itself.
    let mut rows: Vec<(&str, String, bool)> = Vec::new();
    rows.push((l.provider, printable(&fact.smtpagent), false));
    rows.push((
        l.reason,
        format!("{} ({})", advice.title, fact.reason),
        true,
    ));
    if !fact.deliverystatus.is_empty() {
        rows.push((
            l.status,
            join(&printable(&fact.deliverystatus), &advice.status_meaning),
            false,
        ));
    }
    if !fact.replycode.is_empty() {
        rows.push((
            l.replycode,
            join(&printable(&fact.replycode), &advice.replycode_meaning),
            false,
        ));
    }
    if !fact.smtpcommand.is_empty() {
        rows.push((l.command, printable(&fact.smtpcommand), false));
    }
    if !fact.rhost.is_empty() {
        rows.push((l.rhost, printable(&fact.rhost), false));
    }
    if !fact.diagnosticcode.is_empty() {
        rows.push((l.said, printable(&fact.diagnosticcode), false));
    }
    let label_cols = rows
        .iter()
        .map(|(k, _, _)| width(k))
        .chain([width(l.retry), width(l.stop)])
        .max()
        .unwrap_or(0)
        + 2;
    let row = |out: &mut String, label: &str, value: &str, severity: bool| {
        let lines = wrap(value, COLUMNS - 2 - label_cols);
        for (i, line) in lines.iter().enumerate() {
            let text = if severity {
                style.severity(line, fact.hardbounce)
            } else {
                line.clone()
            };
            if i == 0 {
                let _ = writeln!(out, "  {}{text}", style.bold(&pad(label, label_cols)));
            } else {
                let _ = writeln!(out, "  {}{text}", " ".repeat(label_cols));
            }
        }
    };
    for (label, value, severity) in &rows {
        row(
            &mut out,
            label,
            value,
            *severity && fact.reason.is_failure(),
        );
    }

    // Prose: a heading, then indented paragraphs.
    let heading = |out: &mut String, title: &str| {
        let _ = writeln!(out, "  {}", style.bold(title));
    };
    let paragraph = |out: &mut String, text: &str, bullet: bool| {
        let (first, rest) = if bullet { ("- ", "  ") } else { ("", "") };
        for (i, line) in wrap(text, COLUMNS - INDENT - first.len())
            .iter()
            .enumerate()
        {
            let _ = writeln!(
                out,
                "{}{}{line}",
                " ".repeat(INDENT),
                if i == 0 { first } else { rest }
            );
        }
    };
    heading(&mut out, l.meaning);
    paragraph(&mut out, &advice.meaning, false);
    heading(&mut out, l.causes);
    for c in &advice.causes {
        paragraph(&mut out, c, true);
    }
    heading(&mut out, l.action);
    paragraph(&mut out, &advice.action, false);
    if !advice.notes.is_empty() {
        heading(&mut out, l.notes);
        for n in &advice.notes {
            paragraph(&mut out, &printable(n), true);
        }
    }
    row(&mut out, l.retry, advice.retry.describe(lang), false);
    row(&mut out, l.stop, advice.stop.describe(lang), false);
    if !fact.origin.is_empty() && fact.origin != "-" {
        row(&mut out, l.origin, &printable(&fact.origin), false);
    }
    out.push('\n');
    out
}

/// `code: meaning`, or the code alone when nothing is known of it.
fn join(code: &str, meaning: &str) -> String {
    if meaning.is_empty() {
        code.to_owned()
    } else {
        format!("{code}: {meaning}")
    }
}

/// Runs `bounce diagnose`.
pub fn run(args: DiagnoseArgs) -> anyhow::Result<ExitCode> {
    let lang = resolve(args.lang);
    let style = Style::detect();
    let mut out = BufWriter::with_capacity(1 << 16, io::stdout().lock());
    // Rendering happens on the worker threads, as for `parse`.
    let render_all = |decoded: &bounce_core::Decoded, acc: &mut Vec<u8>| {
        for f in decoded
            .facts
            .iter()
            .filter(|f| !matches!(f.reason, Reason::Delivered | Reason::Vacation))
        {
            acc.extend_from_slice(render(f, lang, style).as_bytes());
        }
    };
    let account = batch::run(
        args.paths,
        Options { batch: args.batch },
        render_all,
        |blocks: &mut Vec<u8>| {
            out.write_all(blocks)?;
            blocks.clear();
            Ok(())
        },
    )?;
    out.flush()?;
    crate::commands::report(&account, args.batch.quiet)
}
