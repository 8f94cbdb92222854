#![doc = include_str!("../README.md")]

use bounce_core::rules::join_groups;
use bounce_core::standard::rfc3464;
use bounce_core::text;
use bounce_core::{Draft, Kind, Mail, Provider, ProviderMatcher, Report};

/// The sentence that opens the list of failed recipients.
const MARKER: &str = "--- The following addresses had delivery problems ---";
/// [`MARKER`], found by a searcher built once: every candidate is searched.
static MARKER_AT: bounce_core::text::Needle = bounce_core::text::Needle::new(MARKER);

struct McAfee;

impl ProviderMatcher for McAfee {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        let body = mail.body();
        let listed = text::after_line_with_needle(body, &MARKER_AT)?;
        let nai = mail
            .header("X-NAI-Header")
            .is_some_and(|v| v.contains("Modified by McAfee"));
        if !nai
            && !mail
                .subject()
                .trim()
                .eq_ignore_ascii_case("Delivery Status")
        {
            return None;
        }
        let mut drafts: Vec<Draft> = listed.lines().filter_map(recipient_line).collect();
        let dsn = mail.dsn().map(rfc3464::recipients).unwrap_or_default();
        join_groups(&mut drafts, dsn, merge);
        for d in drafts.iter_mut().filter(|d| d.action.is_empty()) {
            d.action = "failed".to_owned();
        }
        (!drafts.is_empty()).then(|| Report::new(drafts))
    }
}

/// `<kijitora@example.jp>   (Unknown user kijitora@example.jp)`: the
/// recipient and the text in parentheses.
fn recipient_line(line: &str) -> Option<Draft> {
    let line = line.trim();
    let rest = line.strip_prefix('<')?;
    let (addr, rest) = rest.split_once('>')?;
    if !text::is_address(addr) {
        return None;
    }
    let mut d = Draft::new(text::clean_address(addr));
    let rest = rest.trim();
    d.diagnosis = rest
        .strip_prefix('(')
        .and_then(|r| r.strip_suffix(')'))
        .unwrap_or(rest)
        .trim()
        .to_owned();
    Some(d)
}

/// Takes what the delivery-status group knows better than the text line.
fn merge(d: &mut Draft, group: Draft) {
    if !group.diagnosis.is_empty() {
        d.diagnosis = group.diagnosis;
        d.diagnostictype = group.diagnostictype;
        d.replycode = group.replycode;
    }
    d.status = d.status.or(group.status);
    if !group.rhost.is_empty() {
        d.rhost = group.rhost;
    }
    if !group.action.is_empty() {
        d.action = group.action;
    }
    if d.date.is_empty() {
        d.date = group.date;
    }
}

bounce_core::inventory::submit! {
    Provider {
        id: "mcafee",
        kind: Kind::Gateway,
        doc: include_str!("../README.md"),
        fingerprints: &["X-NAI-Header", MARKER],
        rhosts: &[],
        phrases: &[],
        matcher: &McAfee,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_recipient_line() {
        let d = recipient_line("<neko@example.jp>   (550 5.1.1 <neko@example.jp>... User unknown)")
            .unwrap();
        assert_eq!(d.recipient, "neko@example.jp");
        assert_eq!(d.diagnosis, "550 5.1.1 <neko@example.jp>... User unknown");
        assert!(
            recipient_line("    --- The following addresses had delivery problems ---").is_none()
        );
        assert!(recipient_line("<not an address>  (x)").is_none());
    }
}
