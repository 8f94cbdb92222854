#![doc = include_str!("../README.md")]

use bounce_core::standard::rfc3464;
use bounce_core::text;
use bounce_core::{Draft, Kind, Mail, Provider, ProviderMatcher, Report};

const TO: &str = "NotificationRecipients";
/// "Mail Delivery Subsystem" in base64, as the encoded display name has it.
const ENCODED_NAME: &str = "TWFpbCBEZWxpdmVyeSBTdWJzeXN0ZW0";
const ERRORS: &str = "----- The following addresses had permanent delivery errors -----";
/// [`ERRORS`], found by a searcher built once: every candidate is searched.
static ERRORS_AT: bounce_core::text::Needle = bounce_core::text::Needle::new(ERRORS);

struct X5;

impl ProviderMatcher for X5 {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        let to = mail.to_address();
        if !to
            .split('@')
            .next()
            .is_some_and(|local| local.eq_ignore_ascii_case(TO))
        {
            return None;
        }
        let from = mail.from_text();
        let daemon = from.contains(ENCODED_NAME)
            || from.contains("Mail Delivery Subsystem")
            || mail
                .from_address()
                .to_ascii_lowercase()
                .starts_with("mailer-daemon@");
        if !daemon {
            return None;
        }
        let mut drafts = mail.dsn().map(rfc3464::recipients).unwrap_or_default();
        let mut original = None;
        if drafts.is_empty() {
            // The real bounce attached whole: read its delivery-status part,
            // and its own returned original is the message that bounced.
            if let Some(inner) = mail.attached().and_then(Mail::parse) {
                drafts = inner.dsn().map(rfc3464::recipients).unwrap_or_default();
                original = inner.original_headers().map(str::to_owned);
            }
        }
        if drafts.is_empty() {
            drafts = listed(mail.body());
        }
        (!drafts.is_empty()).then_some(Report {
            recipients: drafts,
            original,
        })
    }
}

/// Addresses listed under the error line of the notification's text.
fn listed(body: &str) -> Vec<Draft> {
    let Some(list) = text::after_line_with_needle(body, &ERRORS_AT) else {
        return Vec::new();
    };
    let mut out: Vec<Draft> = Vec::new();
    for line in list.lines() {
        let line = line.trim();
        if line.is_empty() {
            if out.is_empty() {
                continue;
            }
            break;
        }
        if !text::is_address(line.trim_matches(['<', '>'])) {
            break;
        }
        let mut d = Draft::new(text::clean_address(line));
        d.action = "failed".to_owned();
        out.push(d);
    }
    out
}

bounce_core::inventory::submit! {
    Provider {
        id: "x5",
        kind: Kind::Shape,
        doc: include_str!("../README.md"),
        fingerprints: &[TO],
        rhosts: &[],
        phrases: &[],
        matcher: &X5,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listed_addresses() {
        let body = "The original message was received at x\n\n----- The following addresses had permanent delivery errors -----\na@example.org\n\n";
        let r = listed(body);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].recipient, "a@example.org");
        assert!(
            listed("----- The following addresses had permanent delivery errors -----\n\n")
                .is_empty()
        );
    }
}
