#![doc = include_str!("../README.md")]

use bounce_core::rules::join_groups;
use bounce_core::standard::rfc3464;
use bounce_core::text;
use bounce_core::{Draft, Kind, Mail, Provider, ProviderMatcher, Reason, Report};

const BULK: &str = "blocked by our bulk email filter";
const FIREWALL: &str = "blocked by our Spam Firewall";
const TO: &str = "Your message to:";

struct Barracuda;

impl ProviderMatcher for Barracuda {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        let body = mail.body();
        let lower_subject = mail.subject().to_ascii_lowercase();
        let lower_body = body.to_ascii_lowercase();
        let notice = [BULK, FIREWALL].iter().any(|p| {
            let p = p.to_ascii_lowercase();
            lower_subject.contains(&p) || lower_body.contains(&p)
        });
        if !notice {
            return None;
        }
        let reason_line = body
            .lines()
            .find_map(|l| l.trim().strip_prefix("Reason:"))
            .map(str::trim);
        let mut drafts: Vec<Draft> = Vec::new();
        let mut lines = body.lines();
        while let Some(line) = lines.next() {
            let Some(rest) = line.trim().strip_prefix(TO) else {
                continue;
            };
            let addr = match text::find_address(rest) {
                Some(a) => Some(a),
                None => lines.next().and_then(text::find_address),
            };
            if let Some(addr) = addr {
                let mut d = Draft::new(text::clean_address(addr));
                d.action = "failed".to_owned();
                drafts.push(d);
            }
        }
        let dsn = mail.dsn().map(rfc3464::recipients).unwrap_or_default();
        join_groups(&mut drafts, dsn, |d, group| {
            d.status = group.status;
            d.replycode = group.replycode;
            d.diagnosis = group.diagnosis;
            d.lhost = group.lhost;
        });
        for d in &mut drafts {
            if d.diagnosis.is_empty() {
                d.diagnosis = reason_line.unwrap_or(FIREWALL).to_owned();
            }
            if d.action.is_empty() {
                d.action = "failed".to_owned();
            }
            let (reason, rule) = verdict(d);
            d.reason = reason;
            d.rule = rule;
        }
        (!drafts.is_empty()).then(|| Report::new(drafts))
    }
}

/// What the notice says of one recipient: a virus when the diagnostic names
/// one, else bulk mail, unless a status says something other than a
/// security or content refusal.
fn verdict(d: &Draft) -> (Option<Reason>, &'static str) {
    if d.diagnosis.to_ascii_lowercase().contains("virus") {
        return (Some(Reason::VirusDetected), "barracuda:virus");
    }
    match d.status {
        Some(s)
            if s.subject() != 7 && s.subject() != 6 && !(s.subject() == 0 && s.detail() == 0) =>
        {
            (None, "")
        }
        _ => (Some(Reason::SpamDetected), "barracuda:bulk-email-filter"),
    }
}

bounce_core::inventory::submit! {
    Provider {
        id: "barracuda",
        kind: Kind::Gateway,
        doc: include_str!("../README.md"),
        fingerprints: &[BULK, FIREWALL],
        rhosts: &[],
        phrases: &[],
        matcher: &Barracuda,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bounce_core::Status;

    #[test]
    fn verdicts() {
        let mut d = Draft::new("a@example.com");
        d.diagnosis = FIREWALL.to_owned();
        assert_eq!(verdict(&d).0, Some(Reason::SpamDetected));
        d.status = Status::parse("5.1.1");
        assert_eq!(verdict(&d).0, None);
        d.status = Status::parse("5.7.1");
        assert_eq!(verdict(&d).0, Some(Reason::SpamDetected));
        d.diagnosis = "550 Virus detected".to_owned();
        assert_eq!(verdict(&d).0, Some(Reason::VirusDetected));
    }
}
