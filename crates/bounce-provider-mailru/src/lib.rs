#![doc = include_str!("../README.md")]

use bounce_core::{Kind, Mail, Provider, ProviderMatcher, Report};

/// The first words of Mail.Ru's Russian preamble ("This message was created
/// automatically by the Mail.Ru server").
const PREAMBLE: &str = "сервером Mail.Ru";

struct MailRu;

impl ProviderMatcher for MailRu {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        if !from_mailru(mail) {
            return None;
        }
        // Mail.Ru's servers run Exim: after the Russian preamble comes
        // Exim's own notice, which the exim decoder reads.
        bounce_provider_exim::decode(mail)
    }
}

/// Whether Mail.Ru's mailer daemon wrote the bounce: sent from a `mail.ru`
/// mailer daemon, or with Mail.Ru's preamble in the text.
fn from_mailru(mail: &Mail<'_>) -> bool {
    let from = mail.from_address().to_ascii_lowercase();
    let daemon = from
        .strip_prefix("mailer-daemon@")
        .is_some_and(|d| d == "mail.ru" || d.ends_with(".mail.ru"));
    daemon || mail.body().contains(PREAMBLE)
}

bounce_core::inventory::submit! {
    Provider {
        id: "mailru",
        kind: Kind::Service,
        doc: include_str!("../README.md"),
        fingerprints: &[PREAMBLE, "mailer-daemon@corp.mail.ru"],
        rhosts: &[],
        phrases: &[],
        matcher: &MailRu,
    }
}
