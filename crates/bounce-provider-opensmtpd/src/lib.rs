#![doc = include_str!("../README.md")]

use bounce_core::text::Needle;
use bounce_core::{text, Draft, Kind, Mail, Provider, ProviderMatcher, Reason, Report};

/// The fixed opening of every notice (smtpd/bounce.c, NOTICE_INTRO). Older
/// releases wrote "e-mail", newer ones "email".
const INTRO: &str = "This is the MAILER-DAEMON, please DO NOT REPLY to this";

/// The line that closes the notice: the original message or its headers follow.
const BELOW: &str = "Below is a copy of the original ";

struct OpenSmtpd;

impl ProviderMatcher for OpenSmtpd {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        // Searchers built once: every candidate's body is searched.
        static INTRO_AT: Needle = Needle::new(INTRO);
        static BELOW_AT: Needle = Needle::new(BELOW);
        let body = mail.body();
        let start = INTRO_AT.find(body)?;
        let signed = mail.subject().starts_with("Delivery status notification")
            || mail
                .headers()
                .any(|(n, v)| n.eq_ignore_ascii_case("Received") && v.contains("(OpenSMTPD)"));
        if !signed {
            return None;
        }
        let notice = &body[start..];
        let (notice, original) = match BELOW_AT.find(notice) {
            Some(end) => (
                &notice[..end],
                text::after_line_with_needle(&notice[end..], &BELOW_AT),
            ),
            None => (notice, None),
        };
        let mut recipients: Vec<Draft> =
            text::lines_lf(notice).filter_map(recipient_line).collect();
        // A success notice lists recipients the same way.
        // Searchers built once: every notice is searched.
        static DELIVERED: Needle = Needle::new("successfully delivered to these recipients");
        static RELAYED: Needle = Needle::new("was relayed to these recipients");
        let action = if DELIVERED.contains(notice) {
            "delivered"
        } else if RELAYED.contains(notice) {
            "relayed"
        } else {
            ""
        };
        for d in &mut recipients {
            d.action = action.to_owned();
        }
        if recipients.is_empty() {
            return None;
        }
        let mut report = Report::new(recipients);
        // Older releases quote the original inline, after the notice.
        if mail.original_headers().is_none() {
            report.original = original
                .map(|o| o.trim_start_matches('\n').to_owned())
                .filter(|o| o.contains(':'));
        }
        Some(report)
    }
}

/// `user@example.jp: 550 5.1.1 <user@example.jp>... User Unknown`: a line that
/// starts (unindented) with the address, then the error for it.
fn recipient_line(line: &str) -> Option<Draft> {
    if line.starts_with([' ', '\t']) {
        return None;
    }
    let (addr, rest) = line.split_once(' ')?;
    let addr = addr.strip_suffix(':').unwrap_or(addr);
    if !text::is_address(addr) {
        return None;
    }
    let mut d = Draft::new(addr);
    d.diagnosis = rest.trim().to_owned();
    Some(d)
}

bounce_core::inventory::submit! {
    Provider {
        id: "opensmtpd",
        kind: Kind::Mta,
        doc: include_str!("../README.md"),
        fingerprints: &["This is the MAILER-DAEMON, please DO NOT REPLY to this", "(OpenSMTPD)"],
        rhosts: &[],
        // smtpd/queue.c and smtpd/mta.c: the failure strings OpenSMTPD writes
        // itself when no remote server answered.
        phrases: &[
            (Reason::Expired, "envelope expired"),
            (Reason::HostUnknown, "invalid domain name"),
            (Reason::NotAccept, "destination seem to reject all mails"),
            (Reason::NetworkError, "address family mismatch on destination mxs"),
            (Reason::NetworkError, "all routes to destination blocked"),
            (Reason::NetworkError, "bad dns lookup error code"),
            (Reason::NetworkError, "could not retrieve source address"),
            (Reason::NetworkError, "network error on destination mxs"),
            (Reason::NetworkError, "no mx found for domain"),
            (Reason::NetworkError, "no mx found for destination"),
            (Reason::NetworkError, "no valid route to remote mx"),
            (Reason::NetworkError, "no valid route to destination"),
            (Reason::NetworkError, "temporary failure in mx lookup"),
            (Reason::SecurityError, "could not retrieve credentials"),
        ],
        matcher: &OpenSmtpd,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipient_lines() {
        let d =
            recipient_line("user@example.jp: 550 5.2.2 <user@example.jp>... Mailbox Full").unwrap();
        assert_eq!(d.recipient, "user@example.jp");
        assert_eq!(d.diagnosis, "550 5.2.2 <user@example.jp>... Mailbox Full");
        assert_eq!(
            recipient_line("a@example.org: Envelope expired")
                .unwrap()
                .diagnosis,
            "Envelope expired"
        );
        assert!(recipient_line("    the following list of recipients:").is_none());
        assert!(recipient_line("    user@example.jp: indented").is_none());
        assert!(recipient_line("Subject: hello").is_none());
    }
}
