#![doc = include_str!("../README.md")]

use bounce_core::standard::rfc3464;
use bounce_core::text::Needle;
use bounce_core::{Command, Kind, Mail, Provider, ProviderMatcher, Reason, Report};

/// The first line of SendGrid's notices.
const OPENING: &str = "This is an automatically generated message from SendGrid.";

/// SendGrid's per-message field in its delivery-status part.
const QUEUE_ID: &str = "X-SendGrid-QueueID:";

struct SendGrid;

impl ProviderMatcher for SendGrid {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        let dsn = mail.dsn()?;
        let body = mail.body();
        // Searchers built once, where `str::contains` builds one per call.
        static OPENING_AT: Needle = Needle::new(OPENING);
        static QUEUE_ID_AT: Needle = Needle::new(QUEUE_ID);
        if !OPENING_AT.contains(body) && !QUEUE_ID_AT.contains(dsn) {
            return None;
        }
        let mut recipients = rfc3464::recipients(dsn);
        for d in &mut recipients {
            if d.command.is_none() {
                d.command = summary_line(body, &d.recipient).and_then(Command::find);
            }
            if d.action == "expired" {
                // SendGrid's own action for a message it stopped retrying.
                d.action = "failed".to_owned();
                d.reason = Some(Reason::Expired);
                d.rule = "sendgrid:action-expired";
            }
            if bounce_core::mail::parse_date(&d.date).is_none() {
                // `Arrival-Date: 2012-10-31 04-46-42` is no RFC 5322 date:
                // the bounce's own Date stands for it.
                d.date.clear();
            }
        }
        (!recipients.is_empty()).then(|| Report::new(recipients))
    }
}

/// The notice's line about `recipient` (`user:000000:<user@example.org> :
/// 192.0.2.250 : mx.example.org:[192.0.2.153] : 550 5.1.1 ... in RCPT TO`),
/// whose last words name the stage.
fn summary_line<'b>(body: &'b str, recipient: &str) -> Option<&'b str> {
    let needle = format!("<{recipient}>");
    body.lines().find(|l| {
        l.as_bytes()
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
    })
}

bounce_core::inventory::submit! {
    Provider {
        id: "sendgrid",
        kind: Kind::Service,
        doc: include_str!("../README.md"),
        fingerprints: &[OPENING, QUEUE_ID],
        rhosts: &[],
        phrases: &[],
        matcher: &SendGrid,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_lines() {
        let body = "If you require assistance with this, please contact SendGrid support.\n\nbob:000000:<bob@example.org> : 192.0.2.250 : mx.example.org:[192.0.2.153] : 550 5.1.1 <bob@example.org>... User Unknown  in RCPT TO\n";
        let line = summary_line(body, "bob@example.org").unwrap();
        assert_eq!(Command::find(line), Some(Command::Rcpt));
        assert!(summary_line(body, "eve@example.org").is_none());
    }
}
