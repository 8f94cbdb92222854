#![doc = include_str!("../README.md")]

use bounce_core::{Kind, Mail, Provider, ProviderMatcher, Report};

/// The per-message field of Yandex's delivery-status part.
const QUEUE_ID: &str = "X-Yandex-Queue-ID:";

struct Yandex;

impl ProviderMatcher for Yandex {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        if !from_yandex(mail) {
            return None;
        }
        // Yandex's MTA is Postfix: its notice (after a Russian preamble)
        // and its delivery-status part are Postfix's.
        bounce_provider_postfix::decode(mail)
    }
}

/// Whether the bounce is Yandex's own: its mailer daemon wrote it, and its
/// delivery-status part carries Yandex's per-message fields.
fn from_yandex(mail: &Mail<'_>) -> bool {
    let from = mail.from_address().to_ascii_lowercase();
    let daemon = from.strip_prefix("mailer-daemon@").is_some_and(|d| {
        d.starts_with("yandex.") || d.contains(".yandex.") || d.ends_with(".yandex.net")
    });
    daemon || mail.dsn().is_some_and(|d| d.contains(QUEUE_ID))
}

bounce_core::inventory::submit! {
    Provider {
        id: "yandex",
        kind: Kind::Service,
        doc: include_str!("../README.md"),
        fingerprints: &[QUEUE_ID, "X-Yandex-Sender:"],
        rhosts: &[],
        phrases: &[],
        matcher: &Yandex,
    }
}
