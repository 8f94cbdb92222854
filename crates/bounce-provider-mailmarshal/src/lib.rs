#![doc = include_str!("../README.md")]

use bounce_core::text;
use bounce_core::{Draft, Kind, Mail, Provider, ProviderMatcher, Report};

const BECAUSE: &str = "Could not be delivered because of";
const AFFECTED: &str = "The following recipients were affected:";
const ADDITIONAL: &str = "Additional Information";

struct MailMarshal;

impl ProviderMatcher for MailMarshal {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        let body = mail.body();
        let because = body.find(BECAUSE)?;
        let affected = because + body[because..].find(AFFECTED)?;
        let diagnosis = body[because + BECAUSE.len()..affected]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let rest = &body[affected + AFFECTED.len()..];
        let (list, info) = match rest.find(ADDITIONAL) {
            Some(at) => (&rest[..at], &rest[at..]),
            None => (rest, ""),
        };
        let fields = info_fields(info);
        let mut drafts: Vec<Draft> = Vec::new();
        for line in list.lines() {
            let line = line.trim();
            if line.is_empty() {
                if drafts.is_empty() {
                    continue;
                }
                break;
            }
            let Some(addr) = text::find_address(line) else {
                continue;
            };
            let mut d = Draft::new(text::clean_address(addr));
            d.action = "failed".to_owned();
            d.diagnosis.clone_from(&diagnosis);
            d.rhost = fields.remote.to_owned();
            d.lhost = fields.reporting.to_owned();
            d.date = fields.date.to_owned();
            drafts.push(d);
        }
        (!drafts.is_empty()).then(|| Report::new(drafts))
    }
}

/// The fields of the "Additional Information" block that we use.
#[derive(Default)]
struct Info<'a> {
    remote: &'a str,
    reporting: &'a str,
    date: &'a str,
}

/// `Name:   <value>` lines of the additional information.
fn info_fields(info: &str) -> Info<'_> {
    let mut out = Info::default();
    for line in info.lines() {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value
            .trim()
            .trim_start_matches('<')
            .trim_end_matches('>')
            .trim();
        match name.trim() {
            "Remote-MTA" => out.remote = value,
            "Reporting-MTA" => out.reporting = value,
            "Last-Attempt-Date" => out.date = value,
            _ => {}
        }
    }
    out
}

bounce_core::inventory::submit! {
    Provider {
        id: "mailmarshal",
        kind: Kind::Gateway,
        doc: include_str!("../README.md"),
        fingerprints: &["Undeliverable Mail: \"", BECAUSE, AFFECTED],
        rhosts: &[],
        phrases: &[],
        matcher: &MailMarshal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn info_block() {
        let i = info_fields("Additional Information\n===\n\nRemote-MTA:         <192.0.2.100>\nReporting-MTA:      <relay.example.com>\n");
        assert_eq!(i.remote, "192.0.2.100");
        assert_eq!(i.reporting, "relay.example.com");
        assert_eq!(i.date, "");
    }
}
