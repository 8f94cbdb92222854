#![doc = include_str!("../README.md")]

use bounce_core::{Kind, Mail, Provider, ProviderMatcher, Report};
use bounce_provider_qmail_generic as qmail;

/// The domain of lolipop's mail hosts.
const DOMAIN: &str = "lolipop.jp";

struct Lolipop;

impl ProviderMatcher for Lolipop {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        if !is_lolipop_host(greeting_host(mail.body())) && !is_lolipop_host(mail.from_address()) {
            return None;
        }
        qmail::decode(mail)
    }
}

/// The host qmail-send names in its greeting, if any.
fn greeting_host(body: &str) -> &str {
    const GREETING: &str = "This is the qmail-send program at ";
    body.find(GREETING)
        .map(|p| &body[p + GREETING.len()..])
        .and_then(|rest| rest.split([' ', '\n']).next())
        .map_or("", |h| h.trim_end_matches('.'))
}

/// Whether a host name or an address is at lolipop.jp (the domain itself or
/// one of its hosts).
fn is_lolipop_host(host: &str) -> bool {
    let host = host.rsplit('@').next().unwrap_or(host);
    bounce_core::rules::host_under(host.trim_end_matches(['.', '>']), DOMAIN)
}

bounce_core::inventory::submit! {
    Provider {
        id: "lolipop",
        kind: Kind::Service,
        doc: include_str!("../README.md"),
        fingerprints: &[".lolipop.jp"],
        rhosts: &[],
        phrases: &[],
        matcher: &Lolipop,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        assert!(is_lolipop_host("mx12.lolipop.jp"));
        assert!(is_lolipop_host("MAILER-DAEMON@smtp03.LOLIPOP.JP"));
        assert!(!is_lolipop_host("notlolipop.jp"));
        assert!(!is_lolipop_host("lolipop.jp.example.com"));
        assert!(!is_lolipop_host("ロリポップ.jp"));
        assert!(!is_lolipop_host("あlolipop.jp"));
        assert_eq!(
            greeting_host("Hi. This is the qmail-send program at mx12.lolipop.jp.\nI'm afraid"),
            "mx12.lolipop.jp"
        );
        assert_eq!(greeting_host("nothing"), "");
    }
}
