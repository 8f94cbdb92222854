#![doc = include_str!("../README.md")]

use bounce_core::text;
use bounce_core::{Draft, Kind, Mail, Provider, ProviderMatcher, Report};

const START: &str = "Your mail message to the following address(es) could not be delivered";
const COPY: &str = "--- Below this line is a copy of the message.";

struct X4;

impl ProviderMatcher for X4 {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        let body = mail.body();
        let list = text::after_line_with(body, START)?;
        let (list, original) = match list.find(COPY) {
            Some(at) => (&list[..at], text::after_line_with(&list[at..], COPY)),
            None => (list, None),
        };
        let drafts = recipients(list);
        if drafts.is_empty() {
            return None;
        }
        let mut report = Report::new(drafts);
        report.original = original.map(|o| o.trim_start_matches('\n').to_owned());
        Some(report)
    }
}

/// `<address>:` lines, each with the paragraph under it.
fn recipients(list: &str) -> Vec<Draft> {
    let mut out: Vec<Draft> = Vec::new();
    let mut open = false;
    for line in list.lines() {
        let line = line.trim();
        if line.is_empty() {
            open = false;
            continue;
        }
        let head = line.strip_prefix('<').and_then(|l| l.strip_suffix(">:"));
        if let Some(addr) = head.filter(|a| text::is_address(a)) {
            let mut d = Draft::new(text::clean_address(addr));
            d.action = "failed".to_owned();
            out.push(d);
            open = true;
        } else if open {
            if let Some(d) = out.last_mut() {
                if !d.diagnosis.is_empty() {
                    d.diagnosis.push(' ');
                }
                d.diagnosis.push_str(line);
            }
        }
    }
    out
}

bounce_core::inventory::submit! {
    Provider {
        id: "x4",
        kind: Kind::Shape,
        doc: include_str!("../README.md"),
        fingerprints: &[START],
        rhosts: &[],
        phrases: &[],
        matcher: &X4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs() {
        let r =
            recipients("is a permanent error.\n\n<a@example.com>:\nRemote host said: 550 no\n\n");
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].diagnosis, "Remote host said: 550 no");
    }
}
