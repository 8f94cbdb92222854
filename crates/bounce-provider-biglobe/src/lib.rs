#![doc = include_str!("../README.md")]

use bounce_core::text::is_address;
use bounce_core::{Draft, Kind, Mail, Provider, ProviderMatcher, Reason, Report};

/// The heading of the address list.
const ADDRESSES: &str = "----- The following addresses had delivery problems -----";

/// The heading of the explanation.
const INFORMATION: &str = "----- Non-delivered information -----";

/// The domains whose mail BIGLOBE runs: its own and those of the cable
/// operators it serves.
const DOMAINS: &[&str] = &["biglobe.ne.jp", "inacatv.ne.jp", "tmtv.ne.jp", "ttv.ne.jp"];

/// BIGLOBE's sentences that say why.
const SENTENCES: &[(&str, Reason, &str)] = &[(
    "The number of messages in recipient's mailbox exceeded the local limit.",
    Reason::MailboxFull,
    "biglobe:mailbox-limit",
)];

struct Biglobe;

impl ProviderMatcher for Biglobe {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        let from = mail.from_address().to_ascii_lowercase();
        let by_biglobe = from.strip_prefix("postmaster@").is_some_and(|d| {
            DOMAINS
                .iter()
                .any(|s| d == *s || d.ends_with(&format!(".{s}")))
        });
        if !by_biglobe {
            return None;
        }
        let body = mail.body();
        let list = &body[body.find(ADDRESSES)? + ADDRESSES.len()..];
        let (list, information) = match list.find(INFORMATION) {
            Some(at) => (&list[..at], &list[at + INFORMATION.len()..]),
            None => (list, ""),
        };
        let explanation = information
            .lines()
            .map(str::trim)
            .take_while(|l| !l.starts_with("-----"))
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        let said = SENTENCES.iter().find(|(s, _, _)| explanation.contains(s));
        let recipients: Vec<Draft> = list
            .lines()
            .map(str::trim)
            .filter(|l| is_address(l))
            .map(|addr| {
                let mut d = Draft::new(addr);
                d.diagnosis.clone_from(&explanation);
                if let Some(&(_, reason, rule)) = said {
                    d.reason = Some(reason);
                    d.rule = rule;
                }
                d
            })
            .collect();
        (!recipients.is_empty()).then(|| Report::new(recipients))
    }
}

bounce_core::inventory::submit! {
    Provider {
        id: "biglobe",
        kind: Kind::Service,
        doc: include_str!("../README.md"),
        fingerprints: &[INFORMATION],
        rhosts: &[],
        phrases: &[],
        matcher: &Biglobe,
    }
}
