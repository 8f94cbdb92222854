//! The remote-host rule: what the codes in the replies of AOL's inbound
//! hosts mean.

use bounce_core::rules::{by_code, RemoteRule};
use bounce_core::Reason;

/// AOL's mail domains and the hosts of its own MX (`mailin-01.mx.aol.com`).
/// Its domains are received by Yahoo's hosts now: see the `yahooinc` rule.
pub const RHOSTS: &[&str] = &["aol.com", "aim.com"];

/// AOL's published code families (`421 DYN:T1`, `554 RLY:B1`, `554 RTR:BB`,
/// `421 DNS:NR`...): the part before the colon, and the reason it means.
const FAMILIES: &[(&str, Reason, &str)] = &[
    // The sending IP is dynamic, or looks residential.
    ("DYN", Reason::Blocked, "aol:DYN"),
    // The sending IP is blocked for complaints, spam or a bad reputation.
    ("RLY", Reason::Blocked, "aol:RLY"),
    ("RTR", Reason::Blocked, "aol:RTR"),
    ("HVU", Reason::Blocked, "aol:HVU"),
    // The sending IP has no reverse DNS, or one that does not match.
    ("DNS", Reason::RequirePtr, "aol:DNS"),
    // Too many connections from the sending IP.
    ("CON", Reason::RateLimited, "aol:CON"),
];

/// The remote-host rule: the reason of a reply from AOL's hosts.
pub static RULE: RemoteRule = RemoteRule::new(RHOSTS).codes(reply);

/// What a reply means: its code, else the outbound relay's words about a
/// destination it could not resolve.
fn reply(text: &str) -> Option<(Reason, &'static str)> {
    family(text).or_else(|| relay_wording(text))
}

/// What AOL's outbound relay says of a destination it could not resolve
/// (`Diagnostic-Code: X-Outbound-Mail-Relay; ...`).
pub fn relay_wording(text: &str) -> Option<(Reason, &'static str)> {
    if text.contains("type=MX: Malformed or unexpected name server reply") {
        // The domain's MX records cannot be had: it does not take mail.
        Some((Reason::NotAccept, "aol:malformed-mx-reply"))
    } else if text.contains("Host or domain name not found") {
        Some((Reason::HostUnknown, "aol:host-not-found"))
    } else {
        None
    }
}

/// The family of the first `XXX:YY` code in the text whose prefix is one of
/// AOL's: three capitals, a colon, then capitals and digits.
fn family(text: &str) -> Option<(Reason, &'static str)> {
    let bytes = text.as_bytes();
    let mut colons = bytes
        .iter()
        .enumerate()
        .filter(|(_, &b)| b == b':')
        .map(|(i, _)| i);
    colons.find_map(|colon| {
        let start = colon.checked_sub(3)?;
        let prefix = &bytes[start..colon];
        if start > 0 && bytes[start - 1].is_ascii_alphanumeric() {
            return None;
        }
        let suffix = bytes[colon + 1..]
            .iter()
            .take_while(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            .count();
        if suffix == 0
            || bytes
                .get(colon + 1 + suffix)
                .is_some_and(u8::is_ascii_alphanumeric)
        {
            return None;
        }
        by_code(FAMILIES, |f| f.as_bytes() == prefix)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(rhost: &str, diagnosis: &str) -> Option<Reason> {
        bounce_testkit::refine(&RULE, rhost, diagnosis)
    }

    #[test]
    fn codes() {
        let mx = "mailin-01.mx.aol.com";
        assert_eq!(
            reason(
                mx,
                "421 DYN:T1 http://postmaster.info.aol.com/errors/421dynt1.html"
            ),
            Some(Reason::Blocked)
        );
        assert_eq!(
            reason(
                mx,
                "554 RTR:BB http://postmaster.info.aol.com/errors/554rtrbb.html"
            ),
            Some(Reason::Blocked)
        );
        assert_eq!(
            reason(
                mx,
                "421 4.7.1 : (DNS:NR) http://postmaster.info.aol.com/errors/421dnsnr.html"
            ),
            Some(Reason::RequirePtr)
        );
        assert_eq!(
            reason(mx, "421 CON:B1 too many connections"),
            Some(Reason::RateLimited)
        );
        assert_eq!(reason(mx, "550 MAILBOX NOT FOUND"), None);
        assert_eq!(reason(mx, "550 see http://example.org/FOO:BAR"), None);
        assert_eq!(reason("relay.example.net", "421 DYN:T1"), None);
        assert_eq!(reason(mx, "550 é:T1 ü:AB"), None);
    }
}
