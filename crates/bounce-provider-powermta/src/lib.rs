#![doc = include_str!("../README.md")]

use bounce_core::standard::rfc3464;
use bounce_core::text::{self, field, Needle};
use bounce_core::{Kind, Mail, Provider, ProviderMatcher, Reason, Report};

/// The first line of the text part.
const INTRO: &str = "Hello, this is the mail server on ";

/// PowerMTA's bounce categories (`X-PowerMTA-BounceCategory`) that say the
/// reason outright. The others (bad-mailbox, bad-domain, inactive-mailbox,
/// message-expired, no-answer-from-host, routing-errors...) are broad enough
/// that the remote server's words decide better.
const CATEGORIES: &[(&str, Reason)] = &[
    ("policy-related", Reason::PolicyViolation),
    ("quota-issues", Reason::MailboxFull),
    ("spam-related", Reason::SpamDetected),
    ("virus-related", Reason::VirusDetected),
];

struct PowerMta;

impl ProviderMatcher for PowerMta {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        let dsn = mail.dsn()?;
        // Searchers built once, where `str::contains` builds one per call.
        static INTRO_AT: Needle = Needle::new(INTRO);
        static FIELD_AT: Needle = Needle::new("X-PowerMTA-");
        if !INTRO_AT.contains(mail.body()) && !FIELD_AT.contains(dsn) {
            return None;
        }
        let mut recipients = rfc3464::recipients(dsn);
        // The per-recipient groups again, for the fields the standard reader
        // does not keep: the category and the explanation after the status.
        let groups: Vec<_> = text::field_groups(dsn)
            .into_iter()
            .filter(|g| {
                [
                    "Final-Recipient",
                    "X-Actual-Recipient",
                    "Original-Recipient",
                ]
                .iter()
                .any(|f| field(g, f).is_some())
            })
            .collect();
        for (d, g) in recipients.iter_mut().zip(&groups) {
            if let Some(note) = field(g, "Status")
                .and_then(|s| s.split_once('('))
                .map(|(_, n)| n.trim_end_matches(')').trim())
            {
                // "5.2.1 (mailbox disabled, not accepting messages)"
                if !note.is_empty() && !d.diagnosis.contains(note) {
                    d.diagnosis = if d.diagnosis.is_empty() {
                        note.to_owned()
                    } else {
                        format!("{} ({note})", d.diagnosis)
                    };
                }
            }
            let category = field(g, "X-PowerMTA-BounceCategory").unwrap_or("").trim();
            if let Some(&(_, reason)) = CATEGORIES
                .iter()
                .find(|(c, _)| c.eq_ignore_ascii_case(category))
            {
                d.reason = Some(reason);
                d.rule = "powermta:bounce-category";
            }
        }
        (!recipients.is_empty()).then(|| Report::new(recipients))
    }
}

bounce_core::inventory::submit! {
    Provider {
        id: "powermta",
        kind: Kind::Mta,
        doc: include_str!("../README.md"),
        fingerprints: &["X-PowerMTA-BounceCategory", "X-PowerMTA-VirtualMTA", "Hello, this is the mail server on "],
        rhosts: &[],
        phrases: &[],
        matcher: &PowerMta,
    }
}
