#![doc = include_str!("../README.md")]

use bounce_core::rules::{decide_each, join_groups, Wordings};
use bounce_core::standard::rfc3464;
use bounce_core::text;
use bounce_core::{Draft, Kind, Mail, Provider, ProviderMatcher, Reason, Report};

const LIST: &str = "I was unable to deliver your message to the following addresses:";
/// [`LIST`], found by a searcher built once: every candidate is searched.
static LIST_AT: bounce_core::text::Needle = bounce_core::text::Needle::new(LIST);
/// The opening sentence, in the current and the older wording.
const AGENTS: &[&str] = &[
    "This is the mail delivery agent at Symantec Email Security.cloud",
    "This is the mail delivery agent at MessageLabs",
];
/// The paragraph after the reasons, which ends the list.
const TRAILER: &str = "The message subject was:";

/// Email Security.cloud's wordings (lowercase) and the reasons they name.
static WORDINGS: Wordings = Wordings::new(&[
    (
        "please turn on smtp authentication",
        Reason::SecurityError,
        "messagelabs:smtp-authentication",
    ),
    (
        "relay through this server without authentication",
        Reason::SecurityError,
        "messagelabs:smtp-authentication",
    ),
    (
        "connection rejected by policy",
        Reason::Blocked,
        "messagelabs:rejected-by-policy",
    ),
    (
        "message filtered",
        Reason::SpamDetected,
        "messagelabs:message-filtered",
    ),
    (
        "domain authentication fail",
        Reason::AuthFailure,
        "messagelabs:domain-authentication",
    ),
]);

struct MessageLabs;

impl ProviderMatcher for MessageLabs {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        let body = mail.body();
        let list = text::after_line_with_needle(body, &LIST_AT)?;
        let from = mail.from_address().to_ascii_lowercase();
        if !from.ends_with("messagelabs.com") && !AGENTS.iter().any(|a| body.contains(a)) {
            return None;
        }
        let list = &list[..list.find(TRAILER).unwrap_or(list.len())];
        let mut drafts = recipients(list);
        let dsn = mail.dsn().map(rfc3464::recipients).unwrap_or_default();
        join_groups(&mut drafts, dsn, |d, group| {
            d.status = d.status.or(group.status);
            d.lhost = group.lhost;
            d.date = group.date;
            if d.diagnosis.is_empty() {
                d.diagnosis = group.diagnosis;
            }
        });
        for d in drafts.iter_mut().filter(|d| d.action.is_empty()) {
            d.action = "failed".to_owned();
        }
        decide_each(&mut drafts, wording);
        (!drafts.is_empty()).then(|| Report::new(drafts))
    }

    fn refine(&self, draft: &Draft) -> Option<(Reason, &'static str)> {
        wording(&draft.diagnosis)
    }
}

/// The addresses of the list, each with the `Reason:` paragraph after it.
fn recipients(list: &str) -> Vec<Draft> {
    let mut out: Vec<Draft> = Vec::new();
    let mut reason: Option<String> = None;
    for line in list.lines() {
        let line = line.trim();
        if let Some(r) = reason.as_mut() {
            if line.is_empty() {
                let r = reason.take().unwrap_or_default();
                for d in out.iter_mut().filter(|d| d.diagnosis.is_empty()) {
                    d.diagnosis.clone_from(&r);
                }
            } else {
                r.push(' ');
                r.push_str(line);
            }
        } else if let Some(r) = line.strip_prefix("Reason:") {
            reason = Some(r.trim().to_owned());
        } else if text::is_address(line.trim_matches(['<', '>'])) {
            out.push(Draft::new(text::clean_address(line)));
        }
    }
    if let Some(r) = reason {
        for d in out.iter_mut().filter(|d| d.diagnosis.is_empty()) {
            d.diagnosis.clone_from(&r);
        }
    }
    out
}

/// The reason one of Email Security.cloud's wordings names.
fn wording(diagnosis: &str) -> Option<(Reason, &'static str)> {
    if let Some(found) = WORDINGS.find(diagnosis) {
        return Some(found);
    }
    // The Address Registry: "542 user@example.com Rejected".
    let lower = diagnosis.to_ascii_lowercase();
    let t = lower.trim();
    (t.starts_with("542 ") && t.ends_with("rejected"))
        .then_some((Reason::UserUnknown, "messagelabs:542-address-registry"))
}

bounce_core::inventory::submit! {
    Provider {
        id: "messagelabs",
        kind: Kind::Gateway,
        doc: include_str!("../README.md"),
        fingerprints: &["MAILER-DAEMON@messagelabs.com", "Symantec Email Security.cloud", "mail delivery agent at MessageLabs"],
        rhosts: &["messagelabs.com"],
        phrases: &[],
        matcher: &MessageLabs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_address_takes_the_reason_after_it() {
        let list = "\na@example.com\n\nReason: 550 5.1.1 no such user\n   here\n\nb@example.org\nc@example.org\n\nReason: 542 c@example.org Rejected\n";
        let r = recipients(list);
        assert_eq!(r.len(), 3);
        assert_eq!(r[0].diagnosis, "550 5.1.1 no such user here");
        assert_eq!(r[1].diagnosis, "542 c@example.org Rejected");
        assert_eq!(r[2].diagnosis, "542 c@example.org Rejected");
    }

    #[test]
    fn wordings() {
        assert_eq!(
            wording("542 c@example.org Rejected").map(|w| w.0),
            Some(Reason::UserUnknown)
        );
        assert_eq!(
            wording("550-Please turn on SMTP Authentication in your mail client.").map(|w| w.0),
            Some(Reason::SecurityError)
        );
        assert_eq!(wording("550 5.1.1 User unknown"), None);
    }
}
