#![doc = include_str!("../README.md")]

mod codes;

use bounce_core::rules::decide_each;
use bounce_core::standard::rfc3464;
use bounce_core::{Command, Draft, Kind, Mail, Provider, ProviderMatcher, Reason, Report};

struct Aol;

impl ProviderMatcher for Aol {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        if !from_aol(mail) {
            return None;
        }
        let dsn = separate_groups(mail.dsn()?);
        let mut recipients = rfc3464::recipients(&dsn);
        let body = mail.body();
        for d in recipients.iter_mut().filter(|d| d.command.is_none()) {
            d.command = paragraph(body, &d.recipient).and_then(Command::find);
        }
        decide_each(&mut recipients, codes::relay_wording);
        (!recipients.is_empty()).then(|| Report::new(recipients))
    }

    fn refine(&self, draft: &Draft) -> Option<(Reason, &'static str)> {
        codes::RULE.refine(draft)
    }
}

/// Whether the bounce is AOL's own: sent by AOL's postmaster or mailer daemon
/// (directly, or through the bounce service that writes its HTML notices),
/// with AOL's `X-AOL-IP` header or its relay's fields in the report.
fn from_aol(mail: &Mail<'_>) -> bool {
    let from = mail.from_address().to_ascii_lowercase();
    let sender = from.rsplit_once('@').is_some_and(|(local, domain)| {
        matches!(local, "postmaster" | "mailer-daemon") && domain == "aol.com"
    });
    sender
        && (mail.header("X-AOL-IP").is_some()
            || mail
                .dsn()
                .is_some_and(|d| d.contains("X-Outbound-Mail-Relay")))
}

/// AOL's reports may run the recipients' fields together without the blank
/// line RFC 3464 puts between them: put one before every `Final-Recipient`.
fn separate_groups(dsn: &str) -> String {
    let mut out = String::with_capacity(dsn.len() + 64);
    let mut previous_blank = true;
    for line in dsn.lines() {
        let starts_group = line
            .get(..16)
            .is_some_and(|h| h.eq_ignore_ascii_case("Final-Recipient:"));
        if starts_group && !previous_blank {
            out.push('\n');
        }
        out.push_str(line);
        out.push('\n');
        previous_blank = line.trim().is_empty();
    }
    out
}

/// The paragraph of a Postfix-style notice about `recipient` (`<address>:
/// host ... said: ... (in reply to RCPT TO command)`).
fn paragraph<'b>(body: &'b str, recipient: &str) -> Option<&'b str> {
    let start = bounce_core::text::find_once(body, &format!("<{recipient}>:"))?;
    let rest = &body[start..];
    Some(rest.find("\n\n").map_or(rest, |end| &rest[..end]))
}

bounce_core::inventory::submit! {
    Provider {
        id: "aol",
        kind: Kind::Service,
        doc: include_str!("../README.md"),
        fingerprints: &["X-AOL-IP:", "X-Outbound-Mail-Relay-Queue-ID"],
        rhosts: codes::RHOSTS,
        phrases: &[],
        matcher: &Aol,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_are_separated() {
        let dsn = "Reporting-MTA: dns; omr.mx.aol.com\n\nFinal-Recipient: rfc822; a@example.org\nStatus: 5.2.2\nFinal-Recipient: rfc822; b@example.org\nStatus: 5.1.1\n";
        let r = rfc3464::recipients(&separate_groups(dsn));
        assert_eq!(r.len(), 2);
        assert_eq!(r[1].recipient, "b@example.org");
        assert_eq!(r[1].status.map(|s| s.to_string()).as_deref(), Some("5.1.1"));
    }

    #[test]
    fn paragraphs() {
        let body = "The mail system\n\n<a@example.org>: host mx.example.org[192.0.2.1] said: 550 no\n    such user (in reply to RCPT TO command)\n\n--\n";
        assert_eq!(
            paragraph(body, "a@example.org").and_then(Command::find),
            Some(Command::Rcpt)
        );
        assert_eq!(paragraph(body, "b@example.org"), None);
    }
}
