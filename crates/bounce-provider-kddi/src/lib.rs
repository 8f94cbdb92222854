#![doc = include_str!("../README.md")]

use bounce_core::{Draft, Kind, Provider, ProviderMatcher, Reason};

/// au's mobile mail domains and their MX hosts (`lsean.ezweb.ne.jp`,
/// `msmx.au.com`).
const RHOSTS: &[&str] = &["ezweb.ne.jp", "au.com"];

struct Kddi;

impl ProviderMatcher for Kddi {
    fn refine(&self, draft: &Draft) -> Option<(Reason, &'static str)> {
        if !draft.rhost.is_empty() && !under(&draft.rhost, RHOSTS) {
            // Another server refused on the way to an au address.
            return None;
        }
        classify(&draft.diagnosis)
    }
}

/// The reason of au's "User unknown" replies: with the address in brackets
/// the mailbox does not exist; with the address left out (`550 : User
/// unknown`) the recipient's own filter refused the sender.
fn classify(diagnosis: &str) -> Option<(Reason, &'static str)> {
    let lower = diagnosis.to_ascii_lowercase();
    let mut filtered = false;
    let mut from = 0;
    while let Some(pos) = lower[from..].find(": user unknown") {
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

/// Whether `host` is one of `suffixes` or a name under one of them.
fn under(host: &str, suffixes: &[&str]) -> bool {
    bounce_core::rules::host_under_any(host, suffixes)
}

bounce_core::inventory::submit! {
    Provider {
        id: "kddi",
        kind: Kind::RemoteHost,
        doc: include_str!("../README.md"),
        fingerprints: &[],
        rhosts: RHOSTS,
        phrases: &[],
        matcher: &Kddi,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(Kddi.refine(&relay), None);
    }
}
