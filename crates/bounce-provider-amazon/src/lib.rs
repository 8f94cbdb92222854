#![doc = include_str!("../README.md")]

mod notification;
mod ses;

use bounce_core::{Kind, Provider};

bounce_core::inventory::submit! {
    Provider {
        id: "amazonses",
        kind: Kind::Service,
        doc: include_str!("../docs/amazonses.md"),
        fingerprints: &["amazonses.com", "notificationType", "eventType"],
        rhosts: &[],
        phrases: &[],
        matcher: &ses::AmazonSes,
    }
}

bounce_core::inventory::submit! {
    Provider {
        id: "receivingses",
        kind: Kind::Service,
        doc: include_str!("../docs/receivingses.md"),
        fingerprints: &["inbound-smtp."],
        rhosts: &[],
        phrases: &[],
        matcher: &ses::ReceivingSes,
    }
}

bounce_core::inventory::submit! {
    Provider {
        id: "amazonworkmail",
        kind: Kind::Service,
        doc: include_str!("../docs/amazonworkmail.md"),
        fingerprints: &["Amazon WorkMail"],
        rhosts: &[],
        phrases: &[],
        matcher: &ses::AmazonWorkMail,
    }
}
