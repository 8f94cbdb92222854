#![doc = include_str!("../README.md")]

use bounce_core::standard::rfc3464;
use bounce_core::text::{self, Needle};
use bounce_core::{Command, Draft, Kind, Mail, Provider, ProviderMatcher, Report, Status};
use regex::Regex;
use std::sync::LazyLock;

const START: &str = "This is an automatically generated Delivery Status Notification.";
/// [`START`], found by a searcher built once: every candidate is searched.
static START_AT: bounce_core::text::Needle = bounce_core::text::Needle::new(START);

/// `SMTP:RCPT host 192.0.2.8: 553 5.3.0 ...`.
static SMTP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^SMTP:([A-Za-z]{4})\b(?:\s+host\s+([^\s:]+):)?").expect("valid regex")
});

struct X3;

impl ProviderMatcher for X3 {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        let body = mail.body();
        let text_part = text::after_line_with_needle(body, &START_AT)?;
        let mut drafts: Vec<Draft> = Vec::new();
        let mut detail = Draft::default();
        let mut permanent = false;
        // Searchers built once, where `str::contains` builds one per line.
        static FAILED: Needle = Needle::new("failed permanently");
        static ABORTED: Needle = Needle::new("was aborted after");
        for line in text_part.lines() {
            let line = line.trim();
            if let Some(addr) = line
                .strip_prefix("* ")
                .map(str::trim)
                .filter(|a| text::is_address(a))
            {
                let mut d = Draft::new(text::clean_address(addr));
                d.action = "failed".to_owned();
                drafts.push(d);
            } else if FAILED.contains(line) || ABORTED.contains(line) {
                permanent = true;
            } else if let Some(c) = line
                .starts_with("SMTP:")
                .then(|| SMTP.captures(line))
                .flatten()
            {
                detail.command = Command::parse(&c[1]);
                detail.rhost = c.get(2).map_or("", |m| m.as_str()).to_owned();
                detail.diagnosis = line.to_owned();
            } else if let Some(r) = line.strip_prefix("Routing:") {
                detail.diagnosis = r.trim().to_owned();
            }
        }
        if drafts.is_empty() {
            return None;
        }
        let groups = mail.dsn().map(rfc3464::recipients).unwrap_or_default();
        for d in &mut drafts {
            let group = groups
                .iter()
                .find(|g| g.recipient.eq_ignore_ascii_case(&d.recipient));
            d.command = detail.command;
            d.rhost.clone_from(&detail.rhost);
            d.diagnosis.clone_from(&detail.diagnosis);
            if let Some(g) = group {
                if d.diagnosis.is_empty() {
                    d.diagnosis.clone_from(&g.diagnosis);
                }
                if Status::find(&d.diagnosis).is_none() {
                    d.status = g.status;
                }
                d.lhost.clone_from(&g.lhost);
            }
            if d.diagnosis.is_empty() && d.status.is_none() && permanent {
                d.status = Status::new(5, 0, 0);
            }
        }
        Some(Report::new(drafts))
    }
}

bounce_core::inventory::submit! {
    Provider {
        id: "x3",
        kind: Kind::Shape,
        doc: include_str!("../README.md"),
        fingerprints: &[START],
        rhosts: &[],
        phrases: &[],
        matcher: &X3,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_detail() {
        let c = SMTP
            .captures("SMTP:RCPT host 192.0.2.8: 553 5.3.0 <a@example.com>... No such user here")
            .unwrap();
        assert_eq!(&c[1], "RCPT");
        assert_eq!(&c[2], "192.0.2.8");
        assert!(SMTP.captures("Routing: Could not find a gateway").is_none());
    }
}
