#![doc = include_str!("../README.md")]

use bounce_core::text;
use bounce_core::{Draft, Kind, Mail, Provider, ProviderMatcher, Report};

const ERRORS: &str = "---The following addresses had delivery errors---";
const RECEIVED: &str = "The original message was received at";

struct X1;

impl ProviderMatcher for X1 {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        let body = mail.body();
        let at = body.find(ERRORS)?;
        if !body[..at].contains(RECEIVED) {
            return None;
        }
        let mut drafts: Vec<Draft> = Vec::new();
        for line in body[at + ERRORS.len()..].lines() {
            let line = line.trim();
            if line.is_empty() {
                if drafts.is_empty() {
                    continue;
                }
                break;
            }
            let Some((addr, reason)) = address_and_reason(line) else {
                break;
            };
            let mut d = Draft::new(text::clean_address(addr));
            d.action = "failed".to_owned();
            d.diagnosis = reason.to_owned();
            drafts.push(d);
        }
        (!drafts.is_empty()).then(|| Report::new(drafts))
    }
}

/// `user@example.co.jp [User unknown]`.
fn address_and_reason(line: &str) -> Option<(&str, &str)> {
    let (addr, rest) = line.split_once(char::is_whitespace)?;
    let reason = rest.trim().strip_prefix('[')?.strip_suffix(']')?;
    let addr = addr.trim_matches(['<', '>']);
    text::is_address(addr).then_some((addr, reason.trim()))
}

bounce_core::inventory::submit! {
    Provider {
        id: "x1",
        kind: Kind::Shape,
        doc: include_str!("../README.md"),
        fingerprints: &[ERRORS],
        rhosts: &[],
        phrases: &[],
        matcher: &X1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipient_lines() {
        assert_eq!(
            address_and_reason("a@example.jp [User unknown]"),
            Some(("a@example.jp", "User unknown"))
        );
        assert_eq!(
            address_and_reason("<a@example.jp>   [Mailbox full]"),
            Some(("a@example.jp", "Mailbox full"))
        );
        assert_eq!(address_and_reason("Received: from x [192.0.2.1]"), None);
        assert_eq!(address_and_reason("a@example.jp User unknown"), None);
    }
}
