#![doc = include_str!("../README.md")]

use bounce_core::{rules, text, Draft, Kind, Mail, Provider, ProviderMatcher, Report};
use regex::Regex;
use std::sync::LazyLock;

/// Exim's first sentence, which MX Logic keeps.
const START: &str = "This message was created automatically by mail delivery software.";
/// Where the text ends and the copy of the original headers begins.
const COPY: &[&str] = &[
    "Included is a copy of the message header:",
    "------ This is a copy of the message, including all the headers.",
    "------ This is a copy of the message's headers.",
];
/// Sentences of a delay warning rather than a failure.
const DELAYED: &[&str] = &[
    "No action is required on your part",
    "has been delayed",
    "Delay reason: ",
];

/// `host mx.example.jp [192.0.2.1]` in a diagnostic.
static HOST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\bhost\s+([A-Za-z0-9][-A-Za-z0-9.]*)\s+\[[0-9A-Fa-f.:]+\]").expect("valid regex")
});

struct MxLogic;

impl ProviderMatcher for MxLogic {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        if !written_by_mx_logic(mail) {
            return None;
        }
        let body = mail.body();
        let start = body.find(START)?;
        let body = &body[start + START.len()..];
        let (text_part, original) = split_copy(body);
        let delayed = mail.subject().to_ascii_lowercase().contains("delayed")
            || DELAYED.iter().any(|p| text_part.contains(p));
        let mut drafts = recipients(text_part);
        for d in &mut drafts {
            d.action = if delayed { "delayed" } else { "failed" }.to_owned();
            if let Some(c) = HOST.captures(&d.diagnosis) {
                d.rhost = c[1].trim_end_matches('.').to_owned();
            }
        }
        if drafts.is_empty() {
            return None;
        }
        let mut report = Report::new(drafts);
        report.original = original.map(str::to_owned);
        Some(report)
    }
}

/// Whether the bounce itself (not a quoted Received line) comes from MX Logic.
fn written_by_mx_logic(mail: &Mail<'_>) -> bool {
    // X-MXL-Hash is stamped on any mail MX Logic relays, so it proves nothing.
    let headers = ["X-MX-Bounce", "X-MXL-NoteHash"];
    if headers.iter().any(|h| mail.header(h).is_some()) {
        return true;
    }
    if mail.message_id().is_some_and(|id| id.starts_with("mxl~")) {
        return true;
    }
    let from = mail.from_address().to_ascii_lowercase();
    from.ends_with("@mxlogic.net") || from.ends_with(".mxlogic.net")
}

/// The explanation, and the header block of the copy of the original.
fn split_copy(body: &str) -> (&str, Option<&str>) {
    let Some(at) = COPY.iter().filter_map(|m| body.find(m)).min() else {
        return (body, None);
    };
    let (head, tail) = body.split_at(at);
    // Skip the marker line and the line of dashes under it.
    let mut rest = text::after_line_with(tail, "\n").unwrap_or("");
    if rest.trim_start().starts_with("---") {
        rest = text::after_line_with(rest, "---").unwrap_or("");
    }
    (head, Some(rest))
}

/// The recipient blocks of the explanation.
fn recipients(text_part: &str) -> Vec<Draft> {
    let mut out: Vec<Draft> = Vec::new();
    let mut open = false;
    for line in text_part.lines() {
        if line.trim().is_empty() {
            open = false;
            continue;
        }
        if let Some((addr, rest)) = recipient_start(line) {
            let mut d = Draft::new(text::clean_address(addr));
            d.diagnosis = rest.trim().to_owned();
            out.push(d);
            open = true;
        } else if open {
            if let Some(d) = out.last_mut() {
                rules::push_diagnosis(d, line.trim());
            }
        }
    }
    out
}

/// `  <user@example.jp>: 550 ...` or Exim's indented `  user@example.jp`.
fn recipient_start(line: &str) -> Option<(&str, &str)> {
    let trimmed = line.trim();
    if let Some(rest) = trimmed.strip_prefix('<') {
        let (addr, rest) = rest.split_once('>')?;
        let rest = rest.strip_prefix(':')?;
        return text::is_address(addr).then_some((addr, rest));
    }
    if line.starts_with([' ', '\t']) {
        let (addr, rest) = match trimmed.split_once(char::is_whitespace) {
            Some((a, r)) => (a, r),
            None => (trimmed, ""),
        };
        let addr = addr.trim_end_matches(':');
        if text::is_address(addr) && (rest.is_empty() || trimmed[addr.len()..].starts_with(':')) {
            return Some((addr, rest));
        }
    }
    None
}

bounce_core::inventory::submit! {
    Provider {
        id: "mxlogic",
        kind: Kind::Gateway,
        doc: include_str!("../README.md"),
        fingerprints: &["X-MX-Bounce", "X-MXL-NoteHash", "<mxl~", "mxlogic.net"],
        rhosts: &[],
        phrases: &[],
        matcher: &MxLogic,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_recipient_forms() {
        let text = "\nA message that you have sent could not be delivered to one or more\nrecipients.  This is a permanent error.  The following address failed:\n\n  \
<a@example.jp>: 550 unknown user\n<a@example.jp>\n\n  b@example.org\n    SMTP error from remote mail server after RCPT TO:<b@example.org>:\n    \
host mx.example.org [192.0.2.1]: 550 5.1.1 no such user\n";
        let r = recipients(text);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].recipient, "a@example.jp");
        assert_eq!(r[0].diagnosis, "550 unknown user <a@example.jp>");
        assert_eq!(r[1].recipient, "b@example.org");
        assert!(r[1]
            .diagnosis
            .starts_with("SMTP error from remote mail server after RCPT TO"));
        assert_eq!(
            &HOST.captures(&r[1].diagnosis).unwrap()[1],
            "mx.example.org"
        );
    }

    #[test]
    fn the_copy_is_split_off() {
        let (head, orig) = split_copy(
            "text\n\nIncluded is a copy of the message header:\n-----\nFrom: a@example.jp\n",
        );
        assert_eq!(head, "text\n\n");
        assert_eq!(orig, Some("From: a@example.jp\n"));
    }
}
