#![doc = include_str!("../README.md")]

use bounce_core::rules;
use bounce_core::{Kind, Mail, Provider, ProviderMatcher, Report};

const START: &str = "Your mail message to the following address(es) could not be delivered";
const COPY: &str = "--- Below this line is a copy of the message.";

struct X4;

impl ProviderMatcher for X4 {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        rules::address_list_report(mail.body(), START, COPY)
    }
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
        let body = format!(
            "{START}:\nis a permanent error.\n\n<a@example.com>:\nRemote host said: 550 no\n\n"
        );
        let r = rules::address_list_report(&body, START, COPY).unwrap();
        assert_eq!(r.recipients.len(), 1);
        assert_eq!(r.recipients[0].diagnosis, "Remote host said: 550 no");
        assert_eq!(r.original, None);
    }
}
