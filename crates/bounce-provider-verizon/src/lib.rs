#![doc = include_str!("../README.md")]

use bounce_core::rules::{decide_each, RemoteRule};
use bounce_core::{Draft, Kind, Mail, Provider, ProviderMatcher, Reason, ReplyCode, Report};

/// Verizon Wireless's messaging gateways: SMS (`vtext.com`) and MMS
/// (`vzwpix.com`).
const RHOSTS: &[&str] = &["vtext.com", "vzwpix.com"];

/// The MMS gateway's sentence for an address that is not a subscriber.
const NO_VALID_RECIPIENTS: &str = "No valid recipients for this MM";

struct Verizon;

impl ProviderMatcher for Verizon {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        let from = mail.from_address().to_ascii_lowercase();
        let (local, domain) = from.rsplit_once('@')?;
        let body = mail.body();
        let mut recipients =
            if local == "sysadmin" && (domain == "vzwpix.com" || domain.ends_with(".vzwpix.com")) {
                mms(body)?
            } else if local == "post_master" && domain == "vtext.com" {
                sms(body)?
            } else {
                return None;
            };
        decide_each(&mut recipients, wording);
        (!recipients.is_empty()).then(|| Report::new(recipients))
    }

    fn refine(&self, draft: &Draft) -> Option<(Reason, &'static str)> {
        RULE.refine(draft)
    }
}

/// The remote-host rule: replies of Verizon's gateways.
static RULE: RemoteRule = RemoteRule::new(RHOSTS).codes(gateway_reply);

/// What a gateway's reply means: Verizon's own sentences, else its 571 (not
/// a reply code RFC 5321 knows, so the dispatcher does not read it): delivery
/// not authorized, the gateway refuses this sender.
fn gateway_reply(text: &str) -> Option<(Reason, &'static str)> {
    if let Some(found) = wording(text) {
        return Some(found);
    }
    let refused = text
        .split_whitespace()
        .any(|w| w == "571" || w.starts_with("571-"));
    refused.then_some((Reason::Rejected, "verizon:571"))
}

/// The MMS gateway's notice: "Message could not be delivered to mobile.",
/// "Error: ..." and, under "Original Message:", the returned message's `To:`.
fn mms(body: &str) -> Option<Vec<Draft>> {
    if !body.contains("Message could not be delivered to mobile") {
        return None;
    }
    let error = field_line(body, "Error:").unwrap_or("");
    let original = &body[body.find("Original Message:")?..];
    let to = field_line(original, "To:")?;
    Some(
        bounce_core::text::addresses(to)
            .map(|addr| {
                let mut d = Draft::new(addr);
                d.diagnosis = error.to_owned();
                d
            })
            .collect(),
    )
}

/// The SMS gateway's notice: the reply (`550 - Requested action not taken:
/// no such user here`) and, under "Message details:", one `RCPT TO:` line per
/// recipient.
fn sms(body: &str) -> Option<Vec<Draft>> {
    let details = &body[body.find("Message details:")?..];
    let error = body
        .lines()
        .map(str::trim)
        .map(|l| l.strip_prefix("Error:").map_or(l, str::trim))
        .find(|l| l.get(..3).and_then(ReplyCode::parse).is_some() && l[3..].starts_with(" - "))
        .unwrap_or("");
    let recipients: Vec<Draft> = details
        .lines()
        .filter_map(|l| l.trim().strip_prefix("RCPT TO:"))
        .filter_map(bounce_core::text::find_address)
        .map(|addr| {
            let mut d = Draft::new(addr);
            d.diagnosis = error.to_owned();
            d
        })
        .collect();
    Some(recipients)
}

/// The value of the first line that starts with `name`.
fn field_line<'t>(text: &'t str, name: &str) -> Option<&'t str> {
    text.lines()
        .map(str::trim)
        .find_map(|l| l.strip_prefix(name))
        .map(str::trim)
}

/// Verizon's own sentences for an address that is not a subscriber.
fn wording(text: &str) -> Option<(Reason, &'static str)> {
    if text.contains(NO_VALID_RECIPIENTS) {
        Some((Reason::UserUnknown, "verizon:no-valid-recipients"))
    } else if text.contains("Requested action not taken: no such user here") {
        Some((Reason::UserUnknown, "verizon:no-such-user"))
    } else {
        None
    }
}

bounce_core::inventory::submit! {
    Provider {
        id: "verizon",
        kind: Kind::Service,
        doc: include_str!("../README.md"),
        fingerprints: &["Message could not be delivered to mobile", "post_master@vtext.com"],
        rhosts: RHOSTS,
        phrases: &[],
        matcher: &Verizon,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mms_notice() {
        let body = "Message could not be delivered to mobile.\nError: No valid recipients for this MM\n\n\nOriginal Message:\nFrom: A <a@example.org>\nTo: 5550100@vzwpix.com\nSubject: hi\n";
        let r = mms(body).unwrap();
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].recipient, "5550100@vzwpix.com");
        assert_eq!(r[0].diagnosis, NO_VALID_RECIPIENTS);
    }

    #[test]
    fn sms_notice() {
        let body = "Error: 550 - Requested action not taken: no such user here\n\nMessage details:\n  Subject: hi\n  MAIL FROM: a@example.org\n  RCPT TO: 5550100@vtext.com\n  RCPT TO: 5550101@vtext.com\n";
        let r = sms(body).unwrap();
        assert_eq!(r.len(), 2);
        assert_eq!(r[1].recipient, "5550101@vtext.com");
        assert_eq!(
            r[0].diagnosis,
            "550 - Requested action not taken: no such user here"
        );
    }

    #[test]
    fn gateway_replies() {
        let d = Draft {
            rhost: "mx.vtext.com".into(),
            diagnosis: "571 Delivery not authorized, message refused".into(),
            ..Draft::default()
        };
        assert_eq!(Verizon.refine(&d), Some((Reason::Rejected, "verizon:571")));
        let other = Draft {
            rhost: "relay.example.net".into(),
            ..d.clone()
        };
        assert_eq!(Verizon.refine(&other), None);
        let full = Draft {
            diagnosis: "552 mailbox full".into(),
            ..d
        };
        assert_eq!(Verizon.refine(&full), None);
    }
}
