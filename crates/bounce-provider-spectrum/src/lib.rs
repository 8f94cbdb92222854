#![doc = include_str!("../README.md")]

use bounce_core::rules::{by_code, RemoteRule};
use bounce_core::{text, Reason};

/// Spectrum's (Charter's) mail domains: the rule is consulted for their
/// recipients and for refusals from hosts under them.
const RHOSTS: &[&str] = &[
    "charter.net",
    "spectrum.net",
    "rr.com",
    "twc.com",
    "brighthouse.com",
];

/// The McAfee MX Logic hosts that receive mail for Spectrum's domains.
const HOSTED_MX: &[&str] = &["mxlogic.net"];

/// Spectrum's published error codes: ranges of the four digits after
/// `AUP#I-` (mail coming in) or `AUP#O-` (mail going out), and the reason
/// each range means.
const CODES: &[((u16, u16), Reason, &str)] = &[
    // The IP address is blocked for suspicious activity.
    ((1000, 1000), Reason::Blocked, "spectrum:1000"),
    // The sending account is blocked, or limited, for suspicious activity.
    ((1010, 1010), Reason::Rejected, "spectrum:1010"),
    ((1020, 1080), Reason::Rejected, "spectrum:1020-1080"),
    // The message cannot be processed now.
    ((1090, 1090), Reason::SystemError, "spectrum:1090"),
    // The connecting IP has no full-circle (forward and reverse) DNS.
    ((1100, 1150), Reason::RequirePtr, "spectrum:1100-1150"),
    // The message goes against the sending domain's security policy.
    ((1160, 1160), Reason::AuthFailure, "spectrum:1160"),
    // The IP is flagged by Cloudmark CSI, or listed by Spamhaus.
    ((1200, 1250), Reason::Blocked, "spectrum:1200-1250"),
    // IPv6 is not accepted.
    ((1260, 1260), Reason::NetworkError, "spectrum:1260"),
    // Too many connections, concurrent or in total.
    ((1300, 1340), Reason::RateLimited, "spectrum:1300-1340"),
    // Too many recipients or messages, per message, session or day.
    ((1350, 1490), Reason::RateLimited, "spectrum:1350-1490"),
    // Sending as another address, or another domain, than the one signed in.
    ((1500, 1520), Reason::Rejected, "spectrum:1500-1520"),
    // Larger than the 20 MB limit.
    ((1530, 1530), Reason::EmailTooLarge, "spectrum:1530"),
    // Too many messages in one session, or recipients in one message.
    ((1540, 1550), Reason::RateLimited, "spectrum:1540-1550"),
    // Too many invalid recipients.
    ((1560, 1560), Reason::PolicyViolation, "spectrum:1560"),
    // Too many recipients in a short time.
    ((1580, 1580), Reason::RateLimited, "spectrum:1580"),
];

/// Spectrum's refusals: no remote host known (the recipient domain made the
/// rule apply), a host of Spectrum's, or the hosted filter
/// (`*.inbound*.mxlogic.net`) that Spectrum's domains point their MX to.
static RULE: RemoteRule = RemoteRule::new(RHOSTS).hosted_by(HOSTED_MX).codes(code);

/// The reason of the `AUP#` code in a reply.
fn code(text: &str) -> Option<(Reason, &'static str)> {
    let number = aup_code(text)?;
    by_code(CODES, |(lo, hi)| (*lo..=*hi).contains(&number))
}

/// The number of an `AUP#I-1310` / `AUP#In-1310` / `AUP#O-1010` code.
fn aup_code(text: &str) -> Option<u16> {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(pos) = text::find_ci(&text[from..], "aup#") {
        let mut i = from + pos + 4;
        while i < bytes.len() && (bytes[i].is_ascii_alphabetic() || bytes[i] == b'-') {
            i += 1;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if i - start == 4 {
            return text[start..i].parse().ok();
        }
        from = start.max(from + pos + 4);
    }
    None
}

bounce_core::inventory::submit! {
    RULE.provider("spectrum", include_str!("../README.md"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use bounce_core::{Draft, ProviderMatcher};

    fn refine(rhost: &str, diagnosis: &str) -> Option<Reason> {
        bounce_testkit::refine(&RULE, rhost, diagnosis)
    }

    #[test]
    fn codes() {
        assert_eq!(
            aup_code("... for more information. AUP#In-1310"),
            Some(1310)
        );
        assert_eq!(aup_code("AUP#O-1010"), Some(1010));
        assert_eq!(aup_code("aup#I-1000 and more"), Some(1000));
        assert_eq!(aup_code("AUP#CXBL"), None);
        assert_eq!(aup_code("AUP#I-13100"), None);
        assert_eq!(
            refine("", "550 5.1.0 <a@example.org> sender rejected. AUP#In-1310"),
            Some(Reason::RateLimited)
        );
        assert_eq!(
            refine("mx.charter.net", "554 5.7.1 AUP#I-1220"),
            Some(Reason::Blocked)
        );
        assert_eq!(
            refine("mx.charter.net", "554 5.7.1 AUP#I-1110"),
            Some(Reason::RequirePtr)
        );
        assert_eq!(
            refine("mx.charter.net", "552 5.3.4 AUP#O-1530"),
            Some(Reason::EmailTooLarge)
        );
        assert_eq!(refine("mx.charter.net", "550 5.1.1 user unknown"), None);
        assert_eq!(refine("relay.example.net", "AUP#I-1000"), None);
        let hosted = Draft {
            recipient: "a@charter.net".into(),
            rhost: "charter.net.inbound10.mxlogic.net".into(),
            diagnosis: "550 5.1.0 sender rejected AUP#I-1000".into(),
            ..Draft::default()
        };
        assert_eq!(RULE.refine(&hosted).map(|r| r.0), Some(Reason::Blocked));
        let elsewhere = Draft {
            recipient: "a@example.org".into(),
            ..hosted
        };
        assert_eq!(RULE.refine(&elsewhere), None);
    }
}
