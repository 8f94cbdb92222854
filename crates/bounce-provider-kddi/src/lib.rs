#![doc = include_str!("../README.md")]

use bounce_core::rules::RemoteRule;
use bounce_core::Reason;

/// au's mobile mail domains and their MX hosts (`lsean.ezweb.ne.jp`,
/// `msmx.au.com`).
const RHOSTS: &[&str] = &["ezweb.ne.jp", "au.com"];

static RULE: RemoteRule = RemoteRule::new(RHOSTS).codes(classify);

/// The reason of au's "User unknown" replies: with the address in brackets
/// the mailbox does not exist; with the address left out (`550 : User
/// unknown`) the recipient's own filter refused the sender.
fn classify(diagnosis: &str) -> Option<(Reason, &'static str)> {
    let lower = diagnosis.to_ascii_lowercase();
    let mut filtered = false;
    let mut from = 0;
    // The searcher built once: every diagnosis is searched.
    static USER_UNKNOWN: bounce_core::text::Needle =
        bounce_core::text::Needle::new(": user unknown");
    while let Some(pos) = USER_UNKNOWN.find(&lower[from..]) {
        let at = from + pos;
        let before = lower[..at].trim_end();
        if before.ends_with('>') {
            return Some((Reason::UserUnknown, "kddi:user-unknown"));
        }
        let tail = before.as_bytes();
        if tail.len() >= 3 && tail[tail.len() - 3..].iter().all(u8::is_ascii_digit) {
            filtered = true;
        }
        from = at + 1;
    }
    filtered.then_some((Reason::Filtered, "kddi:refused-by-recipient-filter"))
}

bounce_core::inventory::submit! {
    RULE.provider("kddi", include_str!("../README.md"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use bounce_core::{Draft, ProviderMatcher};

    #[test]
    fn user_unknown_with_and_without_address() {
        assert_eq!(
            classify("550 <a@ezweb.ne.jp>: User unknown"),
            Some((Reason::UserUnknown, "kddi:user-unknown"))
        );
        assert_eq!(
            classify("550 : User unknown 550 : User unknown"),
            Some((Reason::Filtered, "kddi:refused-by-recipient-filter"))
        );
        assert_eq!(
            classify("550 <a@au.com>: User unknown 554 Error: no valid recipients"),
            Some((Reason::UserUnknown, "kddi:user-unknown"))
        );
        assert_eq!(classify("552 mailbox full"), None);
        assert_eq!(classify("Benutzer unbekannt é: User unknown"), None);
        let relay = Draft {
            rhost: "relay.example.net".into(),
            diagnosis: "550 : User unknown".into(),
            ..Draft::default()
        };
        assert_eq!(RULE.refine(&relay), None);
    }
}
