#![doc = include_str!("../README.md")]

use bounce_core::text;
use bounce_core::{Command, Draft, Kind, Mail, Provider, ProviderMatcher, Report};
use regex::Regex;
use std::sync::LazyLock;

const START: &str = "We had trouble delivering your message. Full details follow:";

/// `The following recipients returned permanent errors: A, B. Reason: ...`.
static RETURNED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^The following recipients returned (permanent|temporary) errors:\s*(.+?)\.\s+Reason:\s*(.*)$").expect("valid regex")
});
/// `SMTP Server <host> rejected recipient <addr> (Error following RCPT command). It responded as follows: [...]`.
static REJECTED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^SMTP Server <([^>]*)> rejected recipient <([^>]+)> \(Error following (\w+) command\)\.?\s*(.*)$").expect("valid regex")
});
/// `SMTP Server <host> refused to accept your message (DATA), ...`.
static REFUSED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"SMTP Server <([^>]*)> refused to accept your message \((\w+)\)")
        .expect("valid regex")
});

struct X6;

impl ProviderMatcher for X6 {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        let body = mail.body();
        let details = text::after_line_with(body, START)?;
        let mut drafts: Vec<Draft> = Vec::new();
        for line in details.lines() {
            let line = line.trim();
            if let Some(c) = REJECTED.captures(line) {
                let mut d = Draft::new(text::clean_address(&c[2]));
                d.action = "failed".to_owned();
                d.rhost = c[1].to_owned();
                d.command = Command::parse(&c[3]);
                d.diagnosis = bracketed(&c[4]).to_owned();
                drafts.push(d);
            } else if let Some(c) = RETURNED.captures(line) {
                let action = if &c[1] == "temporary" {
                    "delayed"
                } else {
                    "failed"
                };
                let reason = &c[3];
                let refused = REFUSED.captures(reason);
                for addr in text::addresses(&c[2]) {
                    let mut d = Draft::new(text::clean_address(addr));
                    d.action = action.to_owned();
                    if let Some(r) = &refused {
                        d.rhost = r[1].to_owned();
                        d.command = Command::parse(&r[2]);
                    }
                    d.diagnosis = bracketed(reason).to_owned();
                    drafts.push(d);
                }
            }
        }
        (!drafts.is_empty()).then(|| Report::new(drafts))
    }
}

/// The text in square brackets at the end of a sentence (the remote server's
/// reply), else the whole sentence.
fn bracketed(sentence: &str) -> &str {
    match (sentence.find('['), sentence.rfind(']')) {
        (Some(a), Some(b)) if b > a => sentence[a + 1..b].trim(),
        (Some(a), None) => sentence[a + 1..].trim(),
        _ => sentence.trim(),
    }
}

bounce_core::inventory::submit! {
    Provider {
        id: "x6",
        kind: Kind::Shape,
        doc: include_str!("../README.md"),
        fingerprints: &[START],
        rhosts: &[],
        phrases: &[],
        matcher: &X6,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences() {
        let c = REJECTED
            .captures("SMTP Server <mx.example.org> rejected recipient <a@example.org> (Error following RCPT command). It responded as follows: [550 5.1.1 User unknown]")
            .unwrap();
        assert_eq!(
            (&c[1], &c[2], &c[3]),
            ("mx.example.org", "a@example.org", "RCPT")
        );
        assert_eq!(bracketed(&c[4]), "550 5.1.1 User unknown");
        let c = RETURNED
            .captures("The following recipients returned permanent errors: a@example.org, b@example.org. Reason: SMTP Server <192.0.2.1> refused to accept your message (DATA), with the following error message: [554 5.4.6 loop]")
            .unwrap();
        assert_eq!(text::addresses(&c[2]).count(), 2);
        assert_eq!(&REFUSED.captures(&c[3]).unwrap()[2], "DATA");
        assert_eq!(bracketed(&c[3]), "554 5.4.6 loop");
    }
}
