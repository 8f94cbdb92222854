#![doc = include_str!("../README.md")]

use bounce_core::{text, Draft, Kind, Mail, Provider, ProviderMatcher, Reason, Report, Status};

/// The line that separates the report from the returned message.
const ORIGINAL: &str = "Original message follows.";
/// [`ORIGINAL`], found by a searcher built once: every candidate is searched.
static ORIGINAL_AT: bounce_core::text::Needle = bounce_core::text::Needle::new(ORIGINAL);
/// Where IMail quotes the remote server's reply.
const RESPONSE: &str = "Body of message generated response:";

/// IMail's own error lines and the reason each says, with Sisimai's detail
/// number for a status derived from a reason.
const ERRORS: &[(&str, Reason, u16)] = &[
    ("Unknown user", Reason::UserUnknown, 911),
    ("Invalid final delivery userid", Reason::UserUnknown, 911),
    ("Unknown host", Reason::HostUnknown, 912),
    (
        "User mailbox exceeds allowed size",
        Reason::MailboxFull,
        922,
    ),
    (
        "Requested action not taken: virus detected",
        Reason::VirusDetected,
        970,
    ),
    ("Blacklisted URL in message", Reason::SpamDetected, 980),
    ("Delivery failed ", Reason::Expired, 947),
];

struct IMailServer;

impl ProviderMatcher for IMailServer {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        let body = mail.body();
        let (report, original) = match ORIGINAL_AT.find(body) {
            Some(at) => (
                &body[..at],
                text::after_line_with_needle(&body[at..], &ORIGINAL_AT),
            ),
            None => (body, None),
        };
        let signed = mail
            .header("X-Mailer")
            .is_some_and(|x| x.starts_with("<SMTP32 v"))
            || mail.subject().trim() == "Undeliverable Mail" && original.is_some();
        if !signed {
            return None;
        }
        let mut out: Vec<Draft> = Vec::new();
        let mut response = String::new();
        for line in report.lines() {
            let t = line.trim();
            if !response.is_empty() {
                // The quoted reply runs to the end of the report.
                if !t.is_empty() {
                    response.push(' ');
                    response.push_str(t);
                }
            } else if t.starts_with(RESPONSE) {
                response.push_str(t);
            } else if let Some(d) = recipient_line(t) {
                out.push(d);
            }
        }
        if out.is_empty() {
            return None;
        }
        for d in &mut out {
            if !response.is_empty() {
                d.diagnosis = if d.diagnosis.is_empty() {
                    response.clone()
                } else {
                    format!("{response} {}", d.diagnosis)
                };
            }
            if let Some(&(_, reason, detail)) =
                ERRORS.iter().find(|(e, ..)| d.diagnosis.contains(e))
            {
                d.reason = Some(reason);
                d.rule = "imailserver:error-line";
                d.status = Status::find(&d.diagnosis).or_else(|| Status::new(5, 0, detail));
            }
        }
        let mut r = Report::new(out);
        if mail.original_headers().is_none() {
            r.original = original
                .map(|o| o.trim_start_matches(['\n', '=']).to_owned())
                .filter(|o| o.contains(':'));
        }
        Some(r)
    }
}

/// `Unknown user: user@example.jp` (the error, a colon, the address) or
/// `undeliverable to user@example.jp`.
fn recipient_line(line: &str) -> Option<Draft> {
    if let Some(addr) = line.strip_prefix("undeliverable to ") {
        let addr = addr.trim();
        return text::is_address(addr).then(|| Draft::new(addr));
    }
    let (error, addr) = line.rsplit_once(':')?;
    let addr = addr.trim();
    // A header-like "To: user@example.jp" is not an error line.
    let first = error.split_whitespace().next()?;
    if first.ends_with(':') || !error.contains(' ') || !text::is_address(addr) {
        return None;
    }
    let mut d = Draft::new(addr);
    d.diagnosis = error.trim().to_owned();
    Some(d)
}

bounce_core::inventory::submit! {
    Provider {
        id: "imailserver",
        kind: Kind::Mta,
        doc: include_str!("../README.md"),
        fingerprints: &["X-Mailer: <SMTP32 v", "Undeliverable Mail"],
        rhosts: &[],
        phrases: &[],
        matcher: &IMailServer,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_lines() {
        let d = recipient_line("Unknown user: user@example.jp").unwrap();
        assert_eq!(
            (d.recipient.as_str(), d.diagnosis.as_str()),
            ("user@example.jp", "Unknown user")
        );
        let d = recipient_line("Delivery failed 20 attempts: user@example.jp").unwrap();
        assert_eq!(d.diagnosis, "Delivery failed 20 attempts");
        assert_eq!(
            recipient_line("undeliverable to user@example.jp")
                .unwrap()
                .recipient,
            "user@example.jp"
        );
        assert!(recipient_line("To: user@example.jp").is_none());
        assert!(recipient_line("Date: Thursday, Apr 29, 2008 2:45:56 PM").is_none());
    }
}
