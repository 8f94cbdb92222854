#![doc = include_str!("../README.md")]

use bounce_core::dispatch::squeeze;
use bounce_core::{text, Draft, Kind, Mail, Provider, ProviderMatcher, Report};

/// AbstractNotify.java: the line before the error message ...
const ERROR: &str = "Error message below:";
/// ... and the line before the details of the returned message.
const DETAILS: &str = "Message details:";
/// [`DETAILS`], found by a searcher built once: every candidate is searched.
static DETAILS_AT: bounce_core::text::Needle = bounce_core::text::Needle::new(DETAILS);

struct ApacheJames;

impl ProviderMatcher for ApacheJames {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        let signed = mail.subject() == "[BOUNCE]"
            || mail
                .message_id()
                .is_some_and(|id| id.contains(".JavaMail."))
            || mail.headers().any(|(n, v)| {
                n.eq_ignore_ascii_case("Received") && v.contains("JAMES SMTP Server")
            });
        if !signed {
            return None;
        }
        let body = mail.body();
        let details_at = DETAILS_AT.find(body)?;
        let notice = &body[..details_at];
        let details = text::after_line_with_needle(&body[details_at..], &DETAILS_AT).unwrap_or("");
        // The error message, else the notice above it ("Error: Invalid user address").
        let diagnosis = match notice.find(ERROR) {
            Some(at) => squeeze(&notice[at + ERROR.len()..]),
            None => squeeze(notice),
        };
        let mut out = Vec::new();
        for line in details.lines() {
            let Some(rcpts) = line.trim_start().strip_prefix("RCPT TO:") else {
                if line.trim().is_empty() {
                    break;
                }
                continue;
            };
            for addr in text::addresses(rcpts) {
                let mut d = Draft::new(addr);
                d.diagnosis.clone_from(&diagnosis);
                out.push(d);
            }
        }
        (!out.is_empty()).then(|| Report::new(out))
    }
}

bounce_core::inventory::submit! {
    Provider {
        id: "apachejames",
        kind: Kind::Mta,
        doc: include_str!("../README.md"),
        fingerprints: &["Error message below:", "JAMES SMTP Server", ".JavaMail."],
        rhosts: &[],
        phrases: &[],
        matcher: &ApacheJames,
    }
}
