//! `bounce stats`: what a spool holds, as a table, JSON or CSV.

use crate::args::StatsFormat;
use crate::batch::Account;
use bounce_core::Reason;
use serde_json::json;
use std::collections::BTreeMap;
use std::io::{self, Write};

/// Counts over the facts of a batch.
#[derive(Debug, Default)]
pub struct Stats {
    /// Messages, bounces, failures.
    pub account: Account,
    by_reason: BTreeMap<&'static str, u64>,
    by_provider: BTreeMap<String, u64>,
    by_destination: BTreeMap<String, u64>,
    hard: u64,
    soft: u64,
    facts: u64,
}

impl Stats {
    /// Counts one fact.
    pub fn add(&mut self, reason: Reason, provider: String, destination: String, hard: bool) {
        self.facts += 1;
        *self.by_reason.entry(reason.as_str()).or_default() += 1;
        *self.by_provider.entry(provider).or_default() += 1;
        *self.by_destination.entry(destination).or_default() += 1;
        if hard {
            self.hard += 1;
        } else {
            self.soft += 1;
        }
    }

    fn sorted(map: &BTreeMap<impl AsRef<str>, u64>, top: Option<usize>) -> Vec<(&str, u64)> {
        let mut v: Vec<(&str, u64)> = map.iter().map(|(k, &n)| (k.as_ref(), n)).collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        if let Some(n) = top {
            v.truncate(n);
        }
        v
    }

    /// Writes the counts in the chosen format.
    pub fn write(&self, out: &mut impl Write, format: StatsFormat, top: usize) -> io::Result<()> {
        let a = &self.account;
        let reasons = Self::sorted(&self.by_reason, None);
        let providers = Self::sorted(&self.by_provider, None);
        let domains = Self::sorted(&self.by_destination, Some(top));
        match format {
            StatsFormat::Json => {
                let obj = |v: &[(&str, u64)]| {
                    v.iter()
                        .map(|(k, n)| ((*k).to_owned(), json!(n)))
                        .collect::<serde_json::Map<_, _>>()
                };
                let value = json!({
                    "messages": a.messages,
                    "bounces": a.bounces,
                    "not_bounces": a.not_bounces(),
                    "facts": self.facts,
                    "failed_inputs": a.failed,
                    "by_reason": obj(&reasons),
                    "by_provider": obj(&providers),
                    "by_destination": obj(&domains),
                    "hardbounce": {"hard": self.hard, "soft": self.soft},
                });
                serde_json::to_writer_pretty(&mut *out, &value)?;
                writeln!(out)
            }
            StatsFormat::Csv => {
                writeln!(out, "section,key,count")?;
                for (k, n) in [
                    ("messages", a.messages as u64),
                    ("bounces", a.bounces as u64),
                    ("not_bounces", a.not_bounces() as u64),
                    ("facts", self.facts),
                    ("failed_inputs", a.failed.len() as u64),
                ] {
                    writeln!(out, "total,{k},{n}")?;
                }
                for (section, rows) in [
                    ("reason", &reasons),
                    ("provider", &providers),
                    ("destination", &domains),
                ] {
                    for (k, n) in rows.iter() {
                        writeln!(out, "{section},{},{n}", csv_cell(k))?;
                    }
                }
                writeln!(out, "hardbounce,hard,{}", self.hard)?;
                writeln!(out, "hardbounce,soft,{}", self.soft)
            }
            StatsFormat::Table => {
                writeln!(out, "messages      {:>10}", a.messages)?;
                writeln!(out, "  bounces     {:>10}", a.bounces)?;
                writeln!(out, "  not bounces {:>10}", a.not_bounces())?;
                writeln!(out, "  failed      {:>10}", a.failed_messages)?;
                writeln!(
                    out,
                    "facts         {:>10}  (hard {}, soft {})",
                    self.facts, self.hard, self.soft
                )?;
                for (title, rows) in [
                    ("by reason", &reasons),
                    ("by provider", &providers),
                    ("by destination (top)", &domains),
                ] {
                    writeln!(out, "\n{title}")?;
                    for (k, n) in rows.iter() {
                        writeln!(out, "  {:<32} {n:>10}", printable(k))?;
                    }
                }
                if !a.failed.is_empty() {
                    writeln!(out, "\nfailed inputs")?;
                    for f in &a.failed {
                        writeln!(out, "  {}", printable(f))?;
                    }
                }
                Ok(())
            }
        }
    }
}

/// A CSV cell: quoted when needed, and defused when a spreadsheet would run
/// it as a formula (a leading `=`, `+`, `-`, `@`, tab or CR gets a `'`).
pub fn csv_cell(text: &str) -> String {
    let defused = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if defused.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", defused.replace('"', "\"\""))
    } else {
        defused
    }
}

/// Text from a bounce made safe for a terminal: control characters and
/// escape sequences are shown as `\u{..}` instead of being interpreted.
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() && c != '\n'
            || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_defuses_formulas() {
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("example.jp"), "example.jp");
        assert_eq!(csv_cell("@SUM(1)"), "'@SUM(1)");
    }

    #[test]
    fn escapes_are_neutralised() {
        assert_eq!(printable("a\u{1b}[31mred"), "a\\u{1b}[31mred");
        assert_eq!(printable("ok\tno"), "ok\\u{9}no");
    }
}
