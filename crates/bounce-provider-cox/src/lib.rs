#![doc = include_str!("../README.md")]

use bounce_core::rules::{by_code, RemoteRule, Wordings};
use bounce_core::Reason;

/// Cox's mail domain: the remote-host rule is consulted for its recipients.
const RHOSTS: &[&str] = &["cox.net"];

/// The Cloudmark-hosted MX (`cxr.mx.a.cloudfilter.net`) that receives for
/// Cox's domain.
const HOSTED_MX: &[&str] = &["cloudfilter.net"];

/// Cox's published error codes (`AUP#CODE` at the end of a reply), with the
/// reason each means. `IPBL` and `URLBL` codes are families, see [`code`].
const CODES: &[(&str, Reason, &str)] = &[
    // The sending IP address has been blocked for spam-like behaviour.
    ("CXBL", Reason::Blocked, "cox:CXBL"),
    // The same, temporarily (at most 24 hours).
    ("CDRBL", Reason::Blocked, "cox:CDRBL"),
    // The reverse DNS lookup of the connecting IP address fails.
    ("CXDNS", Reason::RequirePtr, "cox:CXDNS"),
    // The message failed the SPF, DomainKeys or DKIM checks of the sender's domain.
    ("CXSNDR", Reason::AuthFailure, "cox:CXSNDR"),
    // A violation of the SMTP protocol: Cox could not verify the sender.
    ("CXSMTP", Reason::Rejected, "cox:CXSMTP"),
    // Too many concurrent connections from one IP address.
    ("CXCNCT", Reason::RateLimited, "cox:CXCNCT"),
    // The sender mailed too many recipients and must wait.
    ("CXMXRT", Reason::RateLimited, "cox:CXMXRT"),
    // The message was found to be junk.
    ("CXMJ", Reason::SpamDetected, "cox:CXMJ"),
];

/// What Cox's reply means: its error code first, then its wording. Read for
/// Cox's own hosts and for the Cloudmark MX when the recipient is Cox's.
static RULE: RemoteRule = RemoteRule::new(RHOSTS)
    .hosted_by(HOSTED_MX)
    .codes(codes)
    .wordings(&WORDINGS);

/// "550 5.1.1 <user@cox.net> recipient rejected": no such mailbox.
static WORDINGS: Wordings = Wordings::new(&[(
    "recipient rejected",
    Reason::UserUnknown,
    "cox:recipient-rejected",
)]);

/// The reason of the first of Cox's codes among the words of a reply.
fn codes(diagnosis: &str) -> Option<(Reason, &'static str)> {
    diagnosis
        .split(|c: char| !c.is_ascii_alphanumeric())
        .find_map(code)
}

/// The reason of one word of a reply, if it is one of Cox's codes.
fn code(word: &str) -> Option<(Reason, &'static str)> {
    if let Some(found) = by_code(CODES, |c| word.eq_ignore_ascii_case(c)) {
        return Some(found);
    }
    let digits = |prefix: &str| {
        word.len() > prefix.len()
            && word[..prefix.len()].eq_ignore_ascii_case(prefix)
            && word[prefix.len()..].bytes().all(|b| b.is_ascii_digit())
    };
    if digits("IPBL") {
        // The sending IP address is listed in one or more DNSBLs (Spamhaus
        // ZEN, Return Path, Invaluement, Cloudmark CSI): one bit each.
        return Some((Reason::Blocked, "cox:IPBL"));
    }
    if digits("URLBL") {
        // A URL in the message is listed in SURBL, Spamhaus DBL or ivmURI.
        return Some((Reason::SpamDetected, "cox:URLBL"));
    }
    None
}

bounce_core::inventory::submit! {
    RULE.provider("cox", include_str!("../README.md"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use bounce_core::rules::host_under_any;
    use bounce_core::{Draft, ProviderMatcher};

    fn refine(rhost: &str, diagnosis: &str) -> Option<Reason> {
        let d = Draft {
            recipient: "user@cox.net".into(),
            rhost: rhost.into(),
            diagnosis: diagnosis.into(),
            ..Draft::default()
        };
        RULE.refine(&d).map(|r| r.0)
    }

    #[test]
    fn codes() {
        let mx = "cxr.mx.a.cloudfilter.net";
        assert_eq!(
            refine(mx, "550 5.1.0 <a@example.org> sender rejected. Refer to Error Codes section at https://www.cox.com/residential/support/email-error-codes.html for more information. AUP#CDRBL"),
            Some(Reason::Blocked)
        );
        assert_eq!(
            refine(mx, "554 5.7.1 ... AUP#IPBL1010"),
            Some(Reason::Blocked)
        );
        assert_eq!(
            refine(mx, "552 5.7.0 ... AUP#URLBL011"),
            Some(Reason::SpamDetected)
        );
        assert_eq!(
            refine("", "421 4.7.0 ... AUP#CXCNCT"),
            Some(Reason::RateLimited)
        );
        assert_eq!(
            refine(mx, "554 5.7.1 ... AUP#CXDNS"),
            Some(Reason::RequirePtr)
        );
        assert_eq!(
            refine(mx, "550 5.1.1 <a@cox.net> recipient rejected"),
            Some(Reason::UserUnknown)
        );
    }

    #[test]
    fn other_hosts_and_words_are_not_cox() {
        assert_eq!(refine("smtp.example.org", "550 ... AUP#CXBL"), None);
        assert_eq!(refine("", "550 5.7.1 message refused, IPBLOCKED"), None);
        assert_eq!(refine("", "550 5.2.2 mailbox full"), None);
        assert!(host_under_any("CXR.MX.A.cloudfilter.net.", HOSTED_MX));
        assert!(!host_under_any("notcox.net", RHOSTS));
        let elsewhere = Draft {
            recipient: "user@example.org".into(),
            rhost: "mx.a.cloudfilter.net".into(),
            diagnosis: "550 ... AUP#CXBL".into(),
            ..Draft::default()
        };
        assert_eq!(RULE.refine(&elsewhere), None);
    }
}
