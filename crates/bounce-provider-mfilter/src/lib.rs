#![doc = include_str!("../README.md")]

use bounce_core::text::{self, Needle};
use bounce_core::{Command, Draft, Kind, Mail, Provider, ProviderMatcher, Report};

const SERVER: &str = "-------server message";
const COMMAND: &str = "-------SMTP command";
const ORIGINAL: &[&str] = &["-------original message", "-------original mail info"];
/// "This mail was generated and sent automatically by m-FILTER".
const SELF: &str = "「m-FILTER」が自動的に生成して送信しています";

struct MFilter;

impl ProviderMatcher for MFilter {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        let body = mail.body();
        // The searcher built once: every candidate's body is searched.
        static SERVER_AT: Needle = Needle::new(SERVER);
        let server_at = SERVER_AT.find(body)?;
        let by_mailer = mail
            .header("X-Mailer")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("m-FILTER"));
        // The searcher built once: a candidate without the header is searched.
        static SELF_AT: Needle = Needle::new(SELF);
        if !by_mailer && !SELF_AT.contains(body) {
            return None;
        }
        let original_at = ORIGINAL
            .iter()
            .filter_map(|m| body.find(m))
            .min()
            .unwrap_or(body.len());
        if original_at < server_at {
            return None;
        }
        let sections = &body[server_at..original_at];
        let mut diagnosis = String::new();
        let mut command = None;
        let mut in_command = false;
        for line in sections.lines().skip(1) {
            let line = line.trim();
            if line == COMMAND {
                in_command = true;
            } else if line.is_empty() {
                continue;
            } else if in_command {
                command = command.or_else(|| Command::parse(line));
            } else {
                if !diagnosis.is_empty() {
                    diagnosis.push(' ');
                }
                diagnosis.push_str(line);
            }
        }
        let mut drafts: Vec<Draft> = Vec::new();
        for line in body[..server_at].lines() {
            let line = line.trim();
            if !text::is_address(line) {
                continue;
            }
            let addr = text::clean_address(line);
            if drafts
                .iter()
                .any(|d| d.recipient.eq_ignore_ascii_case(&addr))
            {
                continue;
            }
            let mut d = Draft::new(addr);
            d.action = "failed".to_owned();
            d.diagnosis.clone_from(&diagnosis);
            d.command = command;
            drafts.push(d);
        }
        if drafts.is_empty() {
            return None;
        }
        let mut report = Report::new(drafts);
        report.original = original_block(&body[original_at..]);
        Some(report)
    }
}

/// The header block of the returned message: the full headers after
/// `-------original message`, or the few fields of `-------original mail info`
/// up to `BODY:`.
fn original_block(rest: &str) -> Option<String> {
    let block = text::after_line_with(rest, "-------original")?;
    // The searcher built once: every block is searched.
    static BODY: Needle = Needle::new("\nBODY:");
    let end = BODY.find(block).map_or(block.len(), |n| n + 1);
    Some(block[..end].to_owned())
}

bounce_core::inventory::submit! {
    Provider {
        id: "mfilter",
        kind: Kind::Gateway,
        doc: include_str!("../README.md"),
        fingerprints: &["X-Mailer: m-FILTER", SERVER],
        rhosts: &[],
        phrases: &[],
        matcher: &MFilter,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn original_info_stops_at_body() {
        let o = original_block(
            "-------original mail info\nFrom: a@example.jp\nSubject: x\nBODY:\n-----\nhello\n",
        )
        .unwrap();
        assert_eq!(o, "From: a@example.jp\nSubject: x\n");
    }
}
