#![doc = include_str!("../README.md")]

use bounce_core::{text, Draft, Kind, Mail, Provider, ProviderMatcher, Reason, Report};

/// The line that opens the list of failures.
const START: &str = "------- Failure Reasons";
/// The line after which the message is returned.
const BOUNDARY: &str = "------- Returned Message";

/// The explanations that name a reason by themselves.
const EXPLANATIONS: &[(Reason, &str)] = &[
    (
        Reason::UserUnknown,
        "User not listed in public Name & Address Book",
    ),
    (Reason::UserUnknown, "ディレクトリのリストにありません"),
    (
        Reason::NetworkError,
        "Message has exceeded maximum hop count",
    ),
];

struct Notes;

impl ProviderMatcher for Notes {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        let body = mail.body();
        let start = body.find(START)?;
        let start = start + body[start..].find('\n')? + 1;
        let (list, copy) = match body[start..].find(BOUNDARY) {
            Some(b) => (&body[start..start + b], Some(&body[start + b..])),
            None => (&body[start..], None),
        };
        let recipients = read(list);
        if recipients.is_empty() {
            return None;
        }
        Some(Report {
            recipients,
            original: copy.and_then(header_block),
        })
    }
}

/// Each failure is an explanation (one or more lines) followed by the
/// address it applies to; addresses listed one after another share the
/// explanation above them.
fn read(list: &str) -> Vec<Draft> {
    let mut out: Vec<Draft> = Vec::new();
    let mut pending: Vec<&str> = Vec::new();
    for line in list.lines() {
        let t = line.trim();
        if t.is_empty() || t.starts_with('-') {
            continue;
        }
        match text::find_address(t) {
            Some(addr) if t.len() <= addr.len() + 2 => {
                let mut d = Draft::new(addr);
                d.action = "failed".to_owned();
                d.diagnosis = if pending.is_empty() {
                    out.last().map(|p| p.diagnosis.clone()).unwrap_or_default()
                } else {
                    pending.join(" ")
                };
                pending.clear();
                out.push(d);
            }
            _ => pending.push(t),
        }
    }
    // Words after the last address belong to it.
    if let (Some(d), false) = (out.last_mut(), pending.is_empty()) {
        if !d.diagnosis.is_empty() {
            d.diagnosis.push(' ');
        }
        d.diagnosis.push_str(&pending.join(" "));
    }
    out
}

/// The header block of the returned message that follows the boundary line.
fn header_block(copy: &str) -> Option<String> {
    let rest = copy.split_once('\n')?.1.trim_start_matches('\n');
    let end = rest.find("\n\n").map_or(rest.len(), |n| n + 1);
    let block = &rest[..end];
    block.contains(':').then(|| block.to_owned())
}

bounce_core::inventory::submit! {
    Provider {
        id: "notes",
        kind: Kind::Mta,
        doc: include_str!("../README.md"),
        fingerprints: &[START],
        rhosts: &[],
        phrases: EXPLANATIONS,
        matcher: &Notes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explanation_precedes_address() {
        let list = "\nUser not listed in public Name & Address Book\na@example.jp\nb@example.jp\n\
Message has exceeded maximum hop count\nc@example.jp\n\n";
        let d = read(list);
        assert_eq!(d.len(), 3);
        assert_eq!(
            d[0].diagnosis,
            "User not listed in public Name & Address Book"
        );
        assert_eq!(d[1].diagnosis, d[0].diagnosis);
        assert_eq!(d[2].recipient, "c@example.jp");
        assert_eq!(d[2].diagnosis, "Message has exceeded maximum hop count");
        assert!(read("nothing here\n").is_empty());
        assert_eq!(
            header_block(
                "------- Returned Message --------\nFrom: a@example.jp\nSubject: x\n\nbody"
            )
            .as_deref(),
            Some("From: a@example.jp\nSubject: x\n")
        );
    }
}
