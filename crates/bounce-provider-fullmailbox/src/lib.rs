#![doc = include_str!("../README.md")]

use bounce_core::{text, Draft, Kind, Mail, Provider, ProviderMatcher, Reason, Report};

/// What precedes the quoted address.
const LEAD: &str = "Delivery of email to this address";
/// What follows it, and says why.
const FULL: &str = "has failed due to a full mailbox";

struct FullMailbox;

impl ProviderMatcher for FullMailbox {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        let body = mail.body();
        let mut out: Vec<Draft> = Vec::new();
        let mut from = 0;
        while let Some(p) = body[from..].find(LEAD) {
            let lead = from + p;
            let after = lead + LEAD.len();
            let Some(q) = body[after..].find(FULL) else {
                break;
            };
            let full = after + q;
            from = full + FULL.len();
            // The address stands between the two, quoted, often on a line
            // of its own; anything longer is not this notice.
            let between = &body[after..full];
            let Some(addr) = text::find_address(between) else {
                continue;
            };
            if between
                .trim()
                .trim_matches(['"', '<', '>', ' ', '\n'])
                .len()
                != addr.len()
            {
                continue;
            }
            let line_end = body[full..].find("\n\n").map_or(body.len(), |n| full + n);
            let mut d = Draft::new(addr);
            d.action = "failed".to_owned();
            d.diagnosis = body[lead..line_end]
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            out.push(d);
        }
        (!out.is_empty()).then(|| Report::new(out))
    }
}

bounce_core::inventory::submit! {
    Provider {
        id: "fullmailbox",
        kind: Kind::Shape,
        doc: include_str!("../README.md"),
        fingerprints: &[FULL],
        rhosts: &[],
        phrases: &[(Reason::MailboxFull, FULL)],
        matcher: &FullMailbox,
    }
}
