#![doc = include_str!("../README.md")]

use bounce_core::fact::domain_of;
use bounce_core::{Draft, Kind, Mail, Provider, ProviderMatcher, Reason, Report};

/// Domains of SoftBank's mail hosts (`mx2.softbank.ne.jp`...).
const HOSTS: &[&str] = &["softbank.ne.jp", "softbank.jp", "vodafone.ne.jp"];

/// Mail domains of SoftBank phones: the current ones, the Vodafone and
/// J-Phone ones still served (`k.vodafone.ne.jp`, `jp-k.ne.jp`...), and
/// Disney Mobile, which ran on SoftBank's network.
const PHONES: &[&str] = &[
    "softbank.ne.jp",
    "i.softbank.jp",
    "vodafone.ne.jp",
    "jp-c.ne.jp",
    "jp-d.ne.jp",
    "jp-h.ne.jp",
    "jp-k.ne.jp",
    "jp-n.ne.jp",
    "jp-q.ne.jp",
    "jp-r.ne.jp",
    "jp-s.ne.jp",
    "jp-t.ne.jp",
    "disney.ne.jp",
];

/// Whether `host` is `domain` or one of its subdomains (ASCII
/// case-insensitive, a trailing dot ignored).
fn within(host: &str, domains: &[&str]) -> bool {
    let host = host.trim_end_matches('.');
    domains.iter().any(|d| {
        host.len() >= d.len()
            && host.is_char_boundary(host.len() - d.len())
            && host[host.len() - d.len()..].eq_ignore_ascii_case(d)
            && (host.len() == d.len() || host.as_bytes()[host.len() - d.len() - 1] == b'.')
    })
}

/// Whether a recipient (or the address it was forwarded to) is a SoftBank
/// phone.
fn is_phone(d: &Draft) -> bool {
    [&d.recipient, &d.alias]
        .iter()
        .any(|a| a.contains('@') && within(&domain_of(a), PHONES))
}

struct Softbank;

impl ProviderMatcher for Softbank {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        let report = bounce_provider_sendmail::decode(mail)?;
        // SoftBank's own sendmail reported it...
        let reporter = within(&domain_of(mail.from_address()), HOSTS)
            || mail
                .message_id()
                .is_some_and(|id| within(&domain_of(id), HOSTS))
            || report.recipients.iter().any(|d| within(&d.lhost, HOSTS));
        // ...or a sendmail was handing the message (often forwarded) to a
        // SoftBank phone and SoftBank's mail exchanger refused it.
        let hop = report
            .recipients
            .iter()
            .any(|d| within(&d.rhost, HOSTS) && is_phone(d));
        (reporter || hop).then_some(report)
    }

    fn refine(&self, draft: &Draft) -> Option<(Reason, &'static str)> {
        // SoftBank's exchangers accept every RCPT and refuse an address
        // that is no phone's with this reply to DATA.
        let diagnosis = draft.diagnosis.to_ascii_lowercase();
        diagnosis
            .contains("invalid recipient")
            .then_some((Reason::UserUnknown, "softbank:invalid-recipient"))
    }
}

bounce_core::inventory::submit! {
    Provider {
        id: "softbank",
        kind: Kind::Service,
        doc: include_str!("../README.md"),
        fingerprints: &["softbank.ne.jp", "softbank.jp", "vodafone.ne.jp", "jp-k.ne.jp", "jp-d.ne.jp", "jp-t.ne.jp", "jp-h.ne.jp", "jp-c.ne.jp", "jp-r.ne.jp", "jp-n.ne.jp", "jp-s.ne.jp", "jp-q.ne.jp", "disney.ne.jp"],
        rhosts: HOSTS,
        phrases: &[],
        matcher: &Softbank,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains() {
        assert!(within("mx2.softbank.ne.jp.", HOSTS));
        assert!(within("SOFTBANK.NE.JP", HOSTS));
        assert!(!within("notsoftbank.ne.jp", HOSTS));
        assert!(within("k.vodafone.ne.jp", PHONES));
        assert!(within("jp-k.ne.jp", PHONES));
        assert!(!within("y-mobile.ne.jp", PHONES));
        let mut d = Draft::new("user@example.jp");
        assert!(!is_phone(&d));
        d.alias = "090@jp-k.ne.jp".into();
        assert!(is_phone(&d));
    }

    #[test]
    fn invalid_recipient_is_an_unknown_phone() {
        let mut d = Draft::new("090@jp-k.ne.jp");
        d.diagnosis = "550 Invalid recipient: <090@jp-k.ne.jp>".into();
        assert_eq!(
            Softbank.refine(&d),
            Some((Reason::UserUnknown, "softbank:invalid-recipient"))
        );
        d.diagnosis = "421".into();
        assert_eq!(Softbank.refine(&d), None);
    }
}
