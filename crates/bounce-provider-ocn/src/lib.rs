#![doc = include_str!("../README.md")]

mod relayed;

use bounce_core::text;
use bounce_core::{Kind, Mail, Provider, ProviderMatcher, Report};
use bounce_provider_postfix as postfix;

struct Ocn;

impl ProviderMatcher for Ocn {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        decode(mail)
    }
}

/// Words only OCN's notices carry: its support address and the addresses of
/// its pages about error mail.
const MARKS: &[&str] = &[
    "support@ocn.ad.jp",
    "ocn.ne.jp/0/faq/mail/errormail",
    "support.ntt.com/ocn/",
];

/// OCN's own domains, for its hosts.
const DOMAINS: &[&str] = &["ocn.ad.jp", "ocn.ne.jp"];

/// Decodes a bounce sent by OCN: a Postfix notice from one of its hosts or
/// with its support note, or the sendmail-style report of its relays. `None`
/// for anything else.
pub fn decode(mail: &Mail<'_>) -> Option<Report> {
    if !is_ocn(mail) {
        return None;
    }
    if let Some(r) = postfix::decode(mail) {
        return Some(r);
    }
    // OCN's note without Postfix's opening line: the paragraphs follow it.
    let body = mail.body();
    let after = [
        "I'm sorry to have to inform you",
        "For further assistance, please contact",
    ]
    .iter()
    .filter_map(|m| text::after_line_with(body, m))
    .max_by_key(|rest| rest.len());
    if let Some(r) = after.and_then(|rest| postfix::decode_notice(mail, rest)) {
        return Some(r);
    }
    relayed::decode(mail)
}

/// Whether the message comes from OCN: its support note is in the text, or
/// the notice, its sender or its Reporting-MTA names a host of OCN's.
pub fn is_ocn(mail: &Mail<'_>) -> bool {
    let body = mail.body();
    let head = &body[..floor_boundary(body, 16 * 1024)];
    let lower = head.to_ascii_lowercase();
    if MARKS.iter().any(|m| lower.contains(m)) {
        return true;
    }
    if let Some(host) = postfix::opening_host(head) {
        if is_ocn_host(host) {
            return true;
        }
    }
    let from = mail.from_address();
    if from.rsplit_once('@').is_some_and(|(_, d)| is_ocn_host(d)) {
        return true;
    }
    let reporting = mail.dsn().and_then(|d| {
        let groups = text::field_groups(d);
        groups
            .first()
            .and_then(|g| text::field(g, "Reporting-MTA"))
            .map(str::to_owned)
    });
    reporting.is_some_and(|r| is_ocn_host(r.rsplit(';').next().unwrap_or("").trim()))
}

/// Whether `host` is OCN's (`ocn.ad.jp`, `ocn.ne.jp` or below).
pub fn is_ocn_host(host: &str) -> bool {
    bounce_core::rules::host_under_any(host.trim(), DOMAINS)
}

/// The largest char boundary of `s` not above `at`.
fn floor_boundary(s: &str, at: usize) -> usize {
    let mut i = at.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

bounce_core::inventory::submit! {
    Provider {
        id: "ocn",
        kind: Kind::Service,
        doc: include_str!("../README.md"),
        fingerprints: &[
            "support@ocn.ad.jp",
            "ocn.ne.jp/0/faq/mail/errormail",
            "support.ntt.com/ocn/",
            "The following sentences are Japanese.",
            "ocn.ad.jp",
            "ocn.ne.jp",
        ],
        rhosts: &[],
        phrases: &[],
        matcher: &Ocn,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        assert!(is_ocn_host("mfsmax01.ocn.ad.jp"));
        assert!(is_ocn_host("OCN.NE.JP."));
        assert!(!is_ocn_host("example.ocn.ad.jp.example.org"));
        assert!(!is_ocn_host("nocn.ne.jp"));
        assert_eq!(floor_boundary("あい", 4), 3);
    }
}
