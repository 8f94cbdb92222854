#![doc = include_str!("../README.md")]

use bounce_core::{Draft, Kind, Mail, Provider, ProviderMatcher, Report};

struct Sendgrid;

impl ProviderMatcher for Sendgrid {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        // FIXME: recognise the format and read each failed recipient.
        let _ = (mail, Draft::default());
        None
    }
}

bounce_core::inventory::submit! {
    Provider {
        id: "sendgrid",
        kind: Kind::Service,
        doc: include_str!("../README.md"),
        fingerprints: &["FIXME: a phrase or header only this sender writes"],
        rhosts: &[],
        phrases: &[],
        matcher: &Sendgrid,
    }
}
