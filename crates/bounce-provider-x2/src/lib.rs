#![doc = include_str!("../README.md")]

use bounce_core::rules;
use bounce_core::{Kind, Mail, Provider, ProviderMatcher, Report};

const START: &str = "Unable to deliver message to the following address(es)";
const ORIGINAL: &str = "--- Original message follows.";

struct X2;

impl ProviderMatcher for X2 {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        rules::address_list_report(mail.body(), START, ORIGINAL)
    }
}

bounce_core::inventory::submit! {
    Provider {
        id: "x2",
        kind: Kind::Shape,
        doc: include_str!("../README.md"),
        fingerprints: &[START],
        rhosts: &[],
        phrases: &[],
        matcher: &X2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs() {
        let body = format!(
            "{START}:\n\n<a@example.com>:\nfirst line\nsecond line\n\n<b@example.com>:\nother\n\n\
Hello <c@example.com>: not a heading\n{ORIGINAL}\n\nFrom: s@example.org\n"
        );
        let r = rules::address_list_report(&body, START, ORIGINAL).unwrap();
        assert_eq!(r.recipients.len(), 2);
        assert_eq!(r.recipients[0].diagnosis, "first line second line");
        assert_eq!(r.recipients[1].diagnosis, "other");
        assert_eq!(r.original.as_deref(), Some("From: s@example.org\n"));
    }
}
