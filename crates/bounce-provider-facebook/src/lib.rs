#![doc = include_str!("../README.md")]

use bounce_core::rules::{by_code, decide_each, host_under_any, RemoteRule};
use bounce_core::standard::rfc3464;
use bounce_core::{Draft, Kind, Mail, Provider, ProviderMatcher, Reason, Report};

/// Facebook's mail hosts (`smtpin.mx.facebook.com`, `mx.facebook.com`).
const RHOSTS: &[&str] = &["facebook.com"];

/// The first line of Facebook's own notices.
const OPENING: &str = "This message was created automatically by Facebook.";

/// Facebook's response codes (postmaster.facebook.com/response_codes) and
/// the reason each means.
const CODES: &[(&str, Reason, &str)] = &[
    // The attempted recipient (or group) address does not exist.
    ("RCP-P1", Reason::UserUnknown, "facebook:RCP-P1"),
    ("INT-P1", Reason::UserUnknown, "facebook:INT-P1"),
    ("INT-P3", Reason::UserUnknown, "facebook:INT-P3"),
    ("INT-P4", Reason::UserUnknown, "facebook:INT-P4"),
    // The recipient's preferences or privacy settings prevent delivery.
    ("RCP-P2", Reason::Filtered, "facebook:RCP-P2"),
    ("RCP-P3", Reason::Filtered, "facebook:RCP-P3"),
    // The message exceeds Facebook's maximum size.
    ("MSG-P1", Reason::EmailTooLarge, "facebook:MSG-P1"),
    ("INT-P2", Reason::EmailTooLarge, "facebook:INT-P2"),
    // An attachment type Facebook does not accept; a header present more
    // than once; a blocked URL; content against the abuse policies.
    ("MSG-P2", Reason::ContentError, "facebook:MSG-P2"),
    ("MSG-P3", Reason::ContentError, "facebook:MSG-P3"),
    ("POL-P6", Reason::ContentError, "facebook:POL-P6"),
    ("POL-P7", Reason::ContentError, "facebook:POL-P7"),
    // The sending IP is on the Spamhaus PBL, or refused for good.
    ("POL-P1", Reason::Blocked, "facebook:POL-P1"),
    ("POL-P2", Reason::Blocked, "facebook:POL-P2"),
    // Mail from the sending server is not accepted for hours.
    ("POL-P3", Reason::Blocked, "facebook:POL-P3"),
    ("POL-P4", Reason::Blocked, "facebook:POL-P4"),
    ("POL-T1", Reason::Blocked, "facebook:POL-T1"),
    ("POL-T2", Reason::Blocked, "facebook:POL-T2"),
    ("POL-T3", Reason::Blocked, "facebook:POL-T3"),
    // The message contains a virus.
    ("POL-P5", Reason::VirusDetected, "facebook:POL-P5"),
    // The MAIL FROM domain does not exist, has no MX, or does not resolve.
    ("DNS-P1", Reason::Rejected, "facebook:DNS-P1"),
    ("DNS-P2", Reason::Rejected, "facebook:DNS-P2"),
    ("DNS-T1", Reason::Rejected, "facebook:DNS-T1"),
    // The sending server has no reverse DNS, or it does not resolve.
    ("DNS-P3", Reason::RequirePtr, "facebook:DNS-P3"),
    ("DNS-T2", Reason::RequirePtr, "facebook:DNS-T2"),
    // Facebook's server has too many connections open.
    ("CON-T1", Reason::SystemError, "facebook:CON-T1"),
    // Too many connections or recipients from the sending server.
    ("CON-T2", Reason::RateLimited, "facebook:CON-T2"),
    ("CON-T3", Reason::RateLimited, "facebook:CON-T3"),
    ("CON-T4", Reason::RateLimited, "facebook:CON-T4"),
    ("MSG-T1", Reason::RateLimited, "facebook:MSG-T1"),
];

struct Facebook;

impl ProviderMatcher for Facebook {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        let from = mail.from_address().to_ascii_lowercase();
        let by_facebook = from.starts_with("mailer-daemon@")
            && from
                .rsplit_once('@')
                .is_some_and(|(_, d)| host_under_any(d, RHOSTS));
        if !by_facebook || !mail.body().contains(OPENING) {
            return None;
        }
        let mut recipients = rfc3464::recipients(mail.dsn()?);
        decide_each(&mut recipients, code);
        (!recipients.is_empty()).then(|| Report::new(recipients))
    }

    fn refine(&self, draft: &Draft) -> Option<(Reason, &'static str)> {
        RULE.refine(draft)
    }
}

/// The remote-host rule: replies of Facebook's hosts, by their codes.
static RULE: RemoteRule = RemoteRule::new(RHOSTS).codes(code);

/// The reason of the first of Facebook's response codes in a reply
/// (`550 5.1.1 RCP-P1 http://postmaster.facebook.com/response_codes?...`).
fn code(text: &str) -> Option<(Reason, &'static str)> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .find_map(|word| by_code(CODES, |c| *c == word))
}

bounce_core::inventory::submit! {
    Provider {
        id: "facebook",
        kind: Kind::Service,
        doc: include_str!("../README.md"),
        fingerprints: &[OPENING],
        rhosts: RHOSTS,
        phrases: &[],
        matcher: &Facebook,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes() {
        assert_eq!(
            code("550 5.1.1 RCP-P1 http://postmaster.facebook.com/response_codes?ip=192.0.2.1#rcp Recipient address does not exist"),
            Some((Reason::UserUnknown, "facebook:RCP-P1"))
        );
        assert_eq!(
            code("550 5.7.1 RCP-P2 ..."),
            Some((Reason::Filtered, "facebook:RCP-P2"))
        );
        assert_eq!(
            code("421 4.7.1 CON-T3 ..."),
            Some((Reason::RateLimited, "facebook:CON-T3"))
        );
        assert_eq!(code("550 XRCP-P1 ..."), None);
        assert_eq!(code("550 no code here"), None);
        for (c, _, rule) in CODES {
            assert_eq!(rule.strip_prefix("facebook:"), Some(*c));
        }
    }
}
