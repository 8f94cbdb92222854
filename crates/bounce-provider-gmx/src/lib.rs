#![doc = include_str!("../README.md")]

use bounce_core::{Kind, Mail, Provider, ProviderMatcher, Report};
use bounce_provider_einsundeins::{decode_notice, HEADER_FOLLOWS};

struct Gmx;

impl ProviderMatcher for Gmx {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        if !from_gmx(mail) {
            return None;
        }
        // GMX runs the mail system of its parent company, 1&1: the notice is
        // the same, and so is its reader.
        decode_notice(mail.body())
    }
}

/// Whether GMX's mailer daemon wrote the bounce: its `X-GMX-Antispam`
/// header, or a sender under a GMX domain (`mail.gmx.com`, `gmx.net`...).
fn from_gmx(mail: &Mail<'_>) -> bool {
    let from = mail.from_address().to_ascii_lowercase();
    let domain = from.rsplit_once('@').map_or("", |(_, d)| d);
    mail.header("X-GMX-Antispam").is_some()
        || domain.starts_with("gmx.")
        || domain.contains(".gmx.")
}

bounce_core::inventory::submit! {
    Provider {
        id: "gmx",
        kind: Kind::Service,
        doc: include_str!("../README.md"),
        fingerprints: &["X-GMX-Antispam:", HEADER_FOLLOWS],
        rhosts: &[],
        phrases: &[],
        matcher: &Gmx,
    }
}
