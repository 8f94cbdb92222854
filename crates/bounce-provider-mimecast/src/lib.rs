#![doc = include_str!("../README.md")]

use bounce_core::rules::Wordings;
use bounce_core::{text, Draft, Kind, Provider, ProviderMatcher, Reason};

/// Mimecast's wordings (lowercase) and the reasons they name, most specific
/// first.
static WORDINGS: Wordings = Wordings::new(&[
    (
        "host network not allowed",
        Reason::PolicyViolation,
        "mimecast:host-network-not-allowed",
    ),
    (
        "invalid recipient",
        Reason::UserUnknown,
        "mimecast:invalid-recipient",
    ),
    (
        "envelope blocked",
        Reason::Rejected,
        "mimecast:envelope-blocked",
    ),
    (
        "anti-spoofing policy",
        Reason::PolicyViolation,
        "mimecast:anti-spoofing",
    ),
    (
        "ip reputation",
        Reason::BadReputation,
        "mimecast:ip-reputation",
    ),
    ("spf sender invalid", Reason::AuthFailure, "mimecast:spf"),
    ("dkim sender invalid", Reason::AuthFailure, "mimecast:dkim"),
    (
        "dmarc sender invalid",
        Reason::AuthFailure,
        "mimecast:dmarc",
    ),
    (
        "email rejected due to security policies",
        Reason::SpamDetected,
        "mimecast:security-policies",
    ),
    (
        "open relay not allowed",
        Reason::NoRelaying,
        "mimecast:open-relay",
    ),
    (
        "too many concurrent connections",
        Reason::RateLimited,
        "mimecast:connections",
    ),
    (
        "too many connections",
        Reason::RateLimited,
        "mimecast:connections",
    ),
    (
        "maximum message size exceeded",
        Reason::EmailTooLarge,
        "mimecast:message-size",
    ),
]);

struct Mimecast;

impl ProviderMatcher for Mimecast {
    fn refine(&self, draft: &Draft) -> Option<(Reason, &'static str)> {
        wording(&draft.diagnosis)
    }
}

/// The reason one of Mimecast's wordings names.
fn wording(diagnosis: &str) -> Option<(Reason, &'static str)> {
    if text::find_ci(diagnosis, "recipient address rejected").is_some()
        && text::find_ci(diagnosis, "does not exist").is_some()
    {
        return Some((Reason::UserUnknown, "mimecast:recipient-does-not-exist"));
    }
    WORDINGS.find(diagnosis)
}

bounce_core::inventory::submit! {
    Provider {
        id: "mimecast",
        kind: Kind::Gateway,
        doc: include_str!("../README.md"),
        fingerprints: &[],
        rhosts: &["mimecast.com"],
        phrases: &[],
        matcher: &Mimecast,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wordings() {
        let w = wording("554 Host network not allowed - https://community.mimecast.com/docs/DOC-1369#554 [x.us1]");
        assert_eq!(
            w,
            Some((Reason::PolicyViolation, "mimecast:host-network-not-allowed"))
        );
        assert_eq!(
            wording("550 Invalid Recipient - https://community.mimecast.com/docs/DOC-1369#550")
                .unwrap()
                .0,
            Reason::UserUnknown
        );
        assert_eq!(wording("550 5.1.1 mailbox unavailable"), None);
    }
}
