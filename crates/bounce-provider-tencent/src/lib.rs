#![doc = include_str!("../README.md")]

use bounce_core::rules::{RemoteRule, Wordings};
use bounce_core::Reason;

/// Tencent's mail domains and MX hosts (`mx1.qq.com`, `mxbiz1.qq.com`...).
const RHOSTS: &[&str] = &["qq.com", "foxmail.com"];

/// The wordings of Tencent's replies (each has a help page at
/// service.mail.qq.com), lowercase, in the order they are tried: a longer
/// wording before one it contains.
static WORDINGS: Wordings = Wordings::new(&[
    (
        "ip frequency limited",
        Reason::RateLimited,
        "tencent:ip-frequency",
    ),
    (
        "domain frequency limited",
        Reason::RateLimited,
        "tencent:domain-frequency",
    ),
    (
        "sender frequency limited",
        Reason::RateLimited,
        "tencent:sender-frequency",
    ),
    (
        "connection frequency limited",
        Reason::RateLimited,
        "tencent:connection-frequency",
    ),
    ("suspected spam ip", Reason::Blocked, "tencent:spam-ip"),
    (
        "suspected bounce attacks",
        Reason::Blocked,
        "tencent:bounce-attacks",
    ),
    (
        "connection denied",
        Reason::Blocked,
        "tencent:connection-denied",
    ),
    ("spf check failed", Reason::AuthFailure, "tencent:spf"),
    ("dmarc check failed", Reason::AuthFailure, "tencent:dmarc"),
    (
        "message too large",
        Reason::EmailTooLarge,
        "tencent:too-large",
    ),
    (
        "spam is embedded in the email",
        Reason::SpamDetected,
        "tencent:spam-embedded",
    ),
    (
        "mail content denied",
        Reason::SpamDetected,
        "tencent:content-denied",
    ),
    (
        "mail is rejected by recipients",
        Reason::Rejected,
        "tencent:rejected-by-recipient",
    ),
    ("suspected spam", Reason::Rejected, "tencent:suspected-spam"),
    (
        "is a deactivated mailbox",
        Reason::Suspend,
        "tencent:deactivated",
    ),
    (
        "bad address syntax",
        Reason::SyntaxError,
        "tencent:address-syntax",
    ),
    (
        "mailbox not found",
        Reason::UserUnknown,
        "tencent:mailbox-not-found",
    ),
]);

static RULE: RemoteRule = RemoteRule::new(RHOSTS).wordings(&WORDINGS);

bounce_core::inventory::submit! {
    RULE.provider("tencent", include_str!("../README.md"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refine(rhost: &str, diagnosis: &str) -> Option<Reason> {
        bounce_testkit::refine(&RULE, rhost, diagnosis)
    }

    #[test]
    fn wordings() {
        let mx = "mx3.qq.com";
        assert_eq!(refine(mx, "550 Ip frequency limited [abc Blocked IP 192.0.2.1]. http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=20022&&no=1000725"), Some(Reason::RateLimited));
        assert_eq!(
            refine(
                mx,
                "550 Mail content denied. http://service.mail.qq.com/detail/122/171"
            ),
            Some(Reason::SpamDetected)
        );
        assert_eq!(
            refine(mx, "550 Suspected spam ip, please try later"),
            Some(Reason::Blocked)
        );
        assert_eq!(
            refine(
                mx,
                "550 Suspected SPAM. http://service.mail.qq.com/detail/122/71"
            ),
            Some(Reason::Rejected)
        );
        assert_eq!(
            refine(
                mx,
                "550 Mailbox not found. http://service.mail.qq.com/detail/122/169"
            ),
            Some(Reason::UserUnknown)
        );
        assert_eq!(
            refine("", "550 The user's mailbox is a deactivated mailbox"),
            Some(Reason::Suspend)
        );
        assert_eq!(refine(mx, "550 5.7.1 relaying denied"), None);
        assert_eq!(
            refine("relay.example.net", "550 Ip frequency limited"),
            None
        );
    }
}
