#![doc = include_str!("../README.md")]

use bounce_core::standard::rfc3464;
use bounce_core::{text, Draft, Kind, Mail, Provider, ProviderMatcher, Reason, Report};

/// Domino's explanations that name a reason by themselves, in the languages
/// its router writes.
const EXPLANATIONS: &[(Reason, &str)] = &[
    (Reason::UserUnknown, "not listed in Domino Directory"),
    (
        Reason::UserUnknown,
        "not listed in public Name & Address Book",
    ),
    (
        Reason::UserUnknown,
        "no se encuentra en el Directorio de Domino",
    ),
    (Reason::UserUnknown, "non répertorié dans l'annuaire Domino"),
    (Reason::UserUnknown, "Domino ディレクトリには見つかりません"),
    (Reason::Filtered, "Cannot route mail to user"),
    (
        Reason::SystemError,
        "Several matches found in Domino Directory",
    ),
];

/// Where the text is at, reading it line by line.
#[derive(Clone, Copy, PartialEq, Eq)]
enum At {
    Before,
    Subject,
    Recipients,
    Because,
}

struct Domino;

impl ProviderMatcher for Domino {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        let subject = mail.subject().trim_start();
        if !subject.starts_with("DELIVERY FAILURE") && !subject.starts_with("DELIVERY_FAILURE") {
            return None;
        }
        let (mut drafts, subject_line) = read(mail.body());
        if drafts.is_empty() {
            return None;
        }
        if let Some(dsn) = mail.dsn() {
            merge(&mut drafts, rfc3464::recipients(dsn));
        }
        // Without a copy of the message, the subject the text quotes is all
        // that is known of it.
        let original = match (mail.original_headers(), subject_line) {
            (None, Some(s)) => Some(format!("Subject: {s}\n")),
            _ => None,
        };
        Some(Report {
            recipients: drafts,
            original,
        })
    }
}

/// Reads `Your message / Subject: ... / was not delivered to: / <addresses> /
/// because: / <explanation>`, as often as it comes. Returns the drafts and the
/// quoted subject.
fn read(body: &str) -> (Vec<Draft>, Option<String>) {
    let mut at = At::Before;
    let mut out: Vec<Draft> = Vec::new();
    // Drafts of the current "was not delivered to:" list, which share the
    // explanation that follows it.
    let mut group = 0;
    let mut subject = None;
    for line in body.lines() {
        let t = line.trim();
        match t {
            "Your message" => {
                at = At::Subject;
                continue;
            }
            "was not delivered to:" => {
                at = At::Recipients;
                group = out.len();
                continue;
            }
            "because:" if at != At::Before => {
                at = At::Because;
                continue;
            }
            _ => {}
        }
        if t.is_empty() {
            // A blank line ends an explanation that has begun.
            if at == At::Because && out[group..].iter().any(|d| !d.diagnosis.is_empty()) {
                at = At::Before;
            }
            continue;
        }
        match at {
            At::Subject => {
                if let Some(s) = t.strip_prefix("Subject:") {
                    subject.get_or_insert_with(|| s.trim().to_owned());
                }
            }
            At::Recipients => {
                if let Some(addr) = text::find_address(t) {
                    let mut d = Draft::new(addr);
                    d.action = "failed".to_owned();
                    out.push(d);
                }
            }
            At::Because => {
                for d in &mut out[group..] {
                    if !d.diagnosis.is_empty() {
                        d.diagnosis.push(' ');
                    }
                    d.diagnosis.push_str(t);
                }
            }
            At::Before => {}
        }
    }
    (out, subject)
}

/// Adds what the delivery-status part knows (status, hosts, the diagnostic
/// when the text had none) to the drafts of the same recipients.
fn merge(drafts: &mut [Draft], dsn: Vec<Draft>) {
    for s in dsn {
        let Some(d) = drafts
            .iter_mut()
            .find(|d| d.recipient.eq_ignore_ascii_case(&s.recipient))
        else {
            continue;
        };
        d.status = d.status.or(s.status);
        if d.diagnosis.is_empty() {
            d.diagnosis = s.diagnosis;
        }
        d.diagnostictype = s.diagnostictype;
        if d.rhost.is_empty() {
            d.rhost = s.rhost;
        }
        if d.lhost.is_empty() {
            d.lhost = s.lhost;
        }
        if !s.action.is_empty() {
            d.action = s.action;
        }
    }
}

bounce_core::inventory::submit! {
    Provider {
        id: "domino",
        kind: Kind::Mta,
        doc: include_str!("../README.md"),
        fingerprints: &["DELIVERY FAILURE", "DELIVERY_FAILURE"],
        rhosts: &[],
        phrases: EXPLANATIONS,
        matcher: &Domino,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_blocks() {
        let body = "Your message\n\n  Subject: Test\n\nwas not delivered to:\n\n  a@example.jp\n\nbecause:\n\n\
  ユーザー a (a@example.jp) は\n  Domino ディレクトリには見つかりません。\n\n\
was not delivered to:\n\n  b@example.jp\n  c@example.jp\n\nbecause:\n\n  Cannot route mail to user (b@example.jp)\n";
        let (d, subject) = read(body);
        assert_eq!(subject.as_deref(), Some("Test"));
        assert_eq!(d.len(), 3);
        assert_eq!(
            d[0].diagnosis,
            "ユーザー a (a@example.jp) は Domino ディレクトリには見つかりません。"
        );
        assert_eq!(d[1].recipient, "b@example.jp");
        assert_eq!(d[2].diagnosis, "Cannot route mail to user (b@example.jp)");
        assert!(read("because:\n  a@example.jp\n").0.is_empty());
    }
}
