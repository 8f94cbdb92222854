#![doc = include_str!("../README.md")]

use bounce_core::{rules, text, Draft, Kind, Mail, Provider, ProviderMatcher, Report};
use regex::Regex;
use std::sync::LazyLock;

const RECIPIENT: &str = "Unable to deliver message to:";
const REASON: &str = "Delivery failed for the following reason:";
const SUBJECT: &str = "Message delivery has failed";

/// `Server mx.example.org[192.0.2.1] failed with:` and
/// `mx.example.org[192.0.2.1] responded with failure:`.
static SERVER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:Server\s+)?([A-Za-z0-9][-A-Za-z0-9.]*)\[[0-9A-Fa-f.:]+\]\s+(?:failed with|responded with failure):")
        .expect("valid regex")
});

struct MailFoundry;

impl ProviderMatcher for MailFoundry {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        let body = mail.body();
        if !body.contains(RECIPIENT) || !body.contains(REASON) {
            return None;
        }
        let relayed = mail
            .headers()
            .any(|(n, v)| n.eq_ignore_ascii_case("Received") && v.contains("(MAILFOUNDRY)"));
        if !relayed && !mail.subject().trim().eq_ignore_ascii_case(SUBJECT) {
            return None;
        }
        let drafts = recipients(body);
        (!drafts.is_empty()).then(|| Report::new(drafts))
    }
}

/// One draft per `Unable to deliver message to:` line, with the reason lines
/// that follow it.
fn recipients(body: &str) -> Vec<Draft> {
    let mut out: Vec<Draft> = Vec::new();
    let mut in_reason = false;
    for line in body.lines() {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix(RECIPIENT) {
            in_reason = false;
            if let Some(addr) = text::find_address(rest) {
                out.push(rules::failed_draft(text::clean_address(addr)));
            }
            continue;
        }
        let Some(d) = out.last_mut() else { continue };
        if line == REASON {
            in_reason = true;
        } else if line.is_empty() {
            in_reason = false;
        } else if in_reason {
            if d.rhost.is_empty() {
                if let Some(c) = SERVER.captures(line) {
                    d.rhost = c[1].trim_end_matches('.').to_owned();
                }
            }
            rules::push_diagnosis(d, line);
        }
    }
    out
}

bounce_core::inventory::submit! {
    Provider {
        id: "mailfoundry",
        kind: Kind::Gateway,
        doc: include_str!("../README.md"),
        fingerprints: &["(MAILFOUNDRY)", REASON],
        rhosts: &[],
        phrases: &[],
        matcher: &MailFoundry,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_recipient_reason_and_host() {
        let body = "Unable to deliver message to: <a@example.org>\nDelivery failed for the following reason:\n\
mx.example.org[192.0.2.1] responded with failure: 552 mailbox full\n\nThis has been a permanent failure.\n";
        let r = recipients(body);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].recipient, "a@example.org");
        assert_eq!(r[0].rhost, "mx.example.org");
        assert_eq!(
            r[0].diagnosis,
            "mx.example.org[192.0.2.1] responded with failure: 552 mailbox full"
        );
    }
}
