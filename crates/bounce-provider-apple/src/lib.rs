#![doc = include_str!("../README.md")]

use bounce_core::rules::{RemoteRule, Wordings};
use bounce_core::Reason;

/// iCloud Mail's domains and MX hosts (`mx01.mail.icloud.com`...).
const RHOSTS: &[&str] = &["icloud.com", "me.com", "mac.com", "apple.com"];

/// The wordings of iCloud Mail's replies, lowercase, and the reason each
/// means.
static WORDINGS: Wordings = Wordings::new(&[
    // 550 5.1.6 recipient no longer on server: user@icloud.com
    (
        "recipient no longer on server",
        Reason::HasMoved,
        "apple:no-longer-on-server",
    ),
    // 552 5.2.2 <user@icloud.com>: user is over quota
    (
        "user is over quota",
        Reason::MailboxFull,
        "apple:over-quota",
    ),
    // 550 5.1.1 <user@icloud.com>: inactive email address
    (
        "inactive email address",
        Reason::UserUnknown,
        "apple:inactive-address",
    ),
    // 550 5.1.1 <user@icloud.com>: user does not exist
    (
        "user does not exist",
        Reason::UserUnknown,
        "apple:no-such-user",
    ),
    // 550 5.1.1 unknown or illegal alias: user@icloud.com
    (
        "unknown or illegal alias",
        Reason::UserUnknown,
        "apple:unknown-alias",
    ),
    // 554 5.7.1 <user@icloud.com>: Relay access denied
    (
        "relay access denied",
        Reason::NoRelaying,
        "apple:relay-denied",
    ),
    // 554 5.7.1 Your message was rejected due to example.org's DMARC policy.
    ("'s dmarc policy", Reason::AuthFailure, "apple:dmarc"),
    // 554 5.7.1 [HME1] This message was blocked for failing both SPF and DKIM authentication checks.
    (
        "blocked for failing both spf and dkim",
        Reason::AuthFailure,
        "apple:spf-and-dkim",
    ),
    // 550 5.7.1 Mail from IP 192.0.2.1 was rejected due to listing in Spamhaus SBL.
    (
        "rejected due to listing in spamhaus",
        Reason::Blocked,
        "apple:spamhaus-ip",
    ),
    // 550 5.7.1 Your email was rejected due to having a domain present in the Spamhaus DBL
    (
        "rejected due to having a domain present in the spamhaus",
        Reason::Blocked,
        "apple:spamhaus-domain",
    ),
    // 550 5.7.0 Blocked - see https://support.proofpoint.com/dnsbl-lookup.cgi?ip=192.0.2.1
    (
        "blocked - see https://support.proofpoint.com/dnsbl-lookup",
        Reason::Blocked,
        "apple:proofpoint-dnsbl",
    ),
    // 554 mx01.mail.icloud.com ESMTP not accepting connections
    (
        "not accepting connections",
        Reason::Blocked,
        "apple:not-accepting-connections",
    ),
    // 550 5.7.1 [CS01] Message rejected due to local policy.
    (
        "due to local policy",
        Reason::PolicyViolation,
        "apple:local-policy",
    ),
    // 421 4.7.1 Messages to user@icloud.com deferred due to excessive volume.
    (
        "due to excessive volume",
        Reason::RateLimited,
        "apple:excessive-volume",
    ),
    // 550 5.7.1 host/domain does not accept mail
    (
        "host/domain does not accept mail",
        Reason::NotAccept,
        "apple:does-not-accept-mail",
    ),
]);

static RULE: RemoteRule = RemoteRule::new(RHOSTS).wordings(&WORDINGS);

bounce_core::inventory::submit! {
    RULE.provider("apple", include_str!("../README.md"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refine(rhost: &str, diagnosis: &str) -> Option<Reason> {
        bounce_testkit::refine(&RULE, rhost, diagnosis)
    }

    #[test]
    fn wordings() {
        let mx = "mx01.mail.icloud.com";
        assert_eq!(
            refine(mx, "550 5.1.1 <a@icloud.com>: inactive email address"),
            Some(Reason::UserUnknown)
        );
        assert_eq!(
            refine(mx, "552 5.2.2 <a@icloud.com>: user is over quota"),
            Some(Reason::MailboxFull)
        );
        assert_eq!(
            refine("", "550 5.1.6 recipient no longer on server: a@me.com"),
            Some(Reason::HasMoved)
        );
        assert_eq!(refine(mx, "554 5.7.1 Your message was rejected due to example.org's DMARC policy. See https://support.apple.com/en-us/HT204137"), Some(Reason::AuthFailure));
        assert_eq!(refine(mx, "421 4.7.1 Messages to a@icloud.com deferred due to excessive volume. Try again later"), Some(Reason::RateLimited));
        assert_eq!(refine(mx, "550 5.7.1 [CS01] Message rejected due to local policy. Please visit https://support.apple.com/en-us/HT204137"), Some(Reason::PolicyViolation));
        assert_eq!(refine(mx, "451 4.3.0 try again later"), None);
        assert_eq!(
            refine("relay.example.net", "550 5.1.1 inactive email address"),
            None
        );
    }
}
