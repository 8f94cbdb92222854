#![doc = include_str!("../README.md")]

use bounce_core::text::Needle;
use bounce_core::{rules, text, Draft, Kind, Mail, Provider, ProviderMatcher, Report};
use regex::Regex;
use std::sync::LazyLock;

const RECIPIENT: &str = "Unable to deliver message to:";
const REASON: &str = "Delivery failed for the following reason:";
const SUBJECT: &str = "Message delivery has failed";

/// `Server mx.example.org[192.0.2.1] failed with:` and
/// `mx.example.org[192.0.2.1] responded with failure:`.
static SERVER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:Server\s+)?([A-Za-z0-9][-A-Za-z0-9.]*)\[[0-9A-Fa-f.:]+\]\s+(?:failed with|responded with failure):")
        .expect("valid regex")
});

/// What [`SERVER`] captures in `line` (its group 1), read by hand for ASCII
/// text, so that the expression is built and run only for a line that is
/// not (its `\s` is Unicode's). After an optional `Server` and white space
/// (else from the start), the name runs up to `[` (its characters cannot be
/// followed by anything else), then address characters, `]`, white space
/// and one of the two wordings with its colon.
fn server_host(line: &str) -> Option<&str> {
    if !line.is_ascii() {
        return SERVER
            .captures(line)
            .and_then(|c| c.get(1))
            .map(|m| m.as_str());
    }
    let b = line.as_bytes();
    let space = |c: u8| matches!(c, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r');
    let spaces = |from: usize| b[from..].iter().take_while(|&&c| space(c)).count();
    let from = |p: usize| -> Option<&str> {
        if !b.get(p).is_some_and(u8::is_ascii_alphanumeric) {
            return None;
        }
        let end = p + b[p..]
            .iter()
            .take_while(|&&c| c.is_ascii_alphanumeric() || c == b'-' || c == b'.')
            .count();
        if b.get(end) != Some(&b'[') {
            return None;
        }
        let mut i = end + 1;
        let n = b[i..]
            .iter()
            .take_while(|&&c| c.is_ascii_hexdigit() || c == b'.' || c == b':')
            .count();
        if n == 0 || b.get(i + n) != Some(&b']') {
            return None;
        }
        i += n + 1;
        let n = spaces(i);
        let said = &b[i + n..];
        (n > 0
            && (said.starts_with(b"failed with:") || said.starts_with(b"responded with failure:")))
        .then(|| &line[p..end])
    };
    if b.starts_with(b"Server") {
        let n = spaces(6);
        if n > 0 {
            if let Some(host) = from(6 + n) {
                return Some(host);
            }
        }
    }
    from(0)
}

struct MailFoundry;

impl ProviderMatcher for MailFoundry {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        let body = mail.body();
        // Searchers built once, where `str::contains` builds one per call.
        static RECIPIENT_AT: Needle = Needle::new(RECIPIENT);
        static REASON_AT: Needle = Needle::new(REASON);
        if !RECIPIENT_AT.contains(body) || !REASON_AT.contains(body) {
            return None;
        }
        let relayed = mail
            .headers()
            .any(|(n, v)| n.eq_ignore_ascii_case("Received") && v.contains("(MAILFOUNDRY)"));
        if !relayed && !mail.subject().trim().eq_ignore_ascii_case(SUBJECT) {
            return None;
        }
        let drafts = recipients(body);
        (!drafts.is_empty()).then(|| Report::new(drafts))
    }
}

/// One draft per `Unable to deliver message to:` line, with the reason lines
/// that follow it.
fn recipients(body: &str) -> Vec<Draft> {
    let mut out: Vec<Draft> = Vec::new();
    let mut in_reason = false;
    for line in body.lines() {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix(RECIPIENT) {
            in_reason = false;
            if let Some(addr) = text::find_address(rest) {
                out.push(rules::failed_draft(text::clean_address(addr)));
            }
            continue;
        }
        let Some(d) = out.last_mut() else { continue };
        if line == REASON {
            in_reason = true;
        } else if line.is_empty() {
            in_reason = false;
        } else if in_reason {
            if d.rhost.is_empty() {
                if let Some(host) = server_host(line) {
                    d.rhost = host.trim_end_matches('.').to_owned();
                }
            }
            rules::push_diagnosis(d, line);
        }
    }
    out
}

bounce_core::inventory::submit! {
    Provider {
        id: "mailfoundry",
        kind: Kind::Gateway,
        doc: include_str!("../README.md"),
        fingerprints: &["(MAILFOUNDRY)", REASON],
        rhosts: &[],
        phrases: &[],
        matcher: &MailFoundry,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_host_by_hand_matches_the_regular_expression() {
        fn by_regex(t: &str) -> Option<&str> {
            SERVER
                .captures(t)
                .and_then(|c| c.get(1))
                .map(|m| m.as_str())
        }
        let pieces = [
            "Server",
            " ",
            "\t",
            "mx.example.org",
            "-",
            "[",
            "]",
            "192.0.2.1",
            "::1",
            "x",
            " failed with:",
            " responded with failure:",
            "failed with",
            ":",
            "\u{e9}",
            "\u{a0}",
        ];
        let mut sentences = bounce_testkit::Sentences::new(0x9e37_79b9_7f4a_7c15);
        for _ in 0..20_000 {
            let t = sentences.any_of(&pieces, 9);
            assert_eq!(server_host(&t), by_regex(&t), "{t:?}");
        }
        for t in [
            "Server mx.example.org[192.0.2.1] failed with: 550",
            "Server mx-1.example.org[192.0.2.1] failed with: 550",
            "mx.example.org[192.0.2.1] responded with failure: 550",
            "Server[192.0.2.1] failed with:",
            "Server  Server[1.2.3.4]\tfailed with:",
            "Servermx[1.2.3.4] failed with:",
            "Server -mx[1.2.3.4] failed with:",
            "mx[] failed with:",
            "mx[1.2.3.4]failed with:",
        ] {
            assert_eq!(server_host(t), by_regex(t), "{t:?}");
        }
    }

    #[test]
    fn reads_recipient_reason_and_host() {
        let body = "Unable to deliver message to: <a@example.org>\nDelivery failed for the following reason:\n\
mx.example.org[192.0.2.1] responded with failure: 552 mailbox full\n\nThis has been a permanent failure.\n";
        let r = recipients(body);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].recipient, "a@example.org");
        assert_eq!(r[0].rhost, "mx.example.org");
        assert_eq!(
            r[0].diagnosis,
            "mx.example.org[192.0.2.1] responded with failure: 552 mailbox full"
        );
    }
}
