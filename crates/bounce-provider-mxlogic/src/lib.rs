#![doc = include_str!("../README.md")]

use bounce_core::text::Needle;
use bounce_core::{rules, text, Draft, Kind, Mail, Provider, ProviderMatcher, Report};
use regex::Regex;
use std::sync::LazyLock;

/// Exim's first sentence, which MX Logic keeps.
const START: &str = "This message was created automatically by mail delivery software.";
/// Where the text ends and the copy of the original headers begins.
const COPY: &[&str] = &[
    "Included is a copy of the message header:",
    "------ This is a copy of the message, including all the headers.",
    "------ This is a copy of the message's headers.",
];
/// Sentences of a delay warning rather than a failure.
const DELAYED: &[&str] = &[
    "No action is required on your part",
    "has been delayed",
    "Delay reason: ",
];

/// `host mx.example.jp [192.0.2.1]` in a diagnostic.
static HOST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\bhost\s+([A-Za-z0-9][-A-Za-z0-9.]*)\s+\[[0-9A-Fa-f.:]+\]").expect("valid regex")
});

/// What [`HOST`] captures in `text` (its group 1), read by hand for ASCII
/// text, so that the expression is built and run only for text that is not
/// (its `\b` and `\s` are Unicode's). The first `host` at a word boundary
/// that the rest follows: white space, the name (its run of name
/// characters: only white space may follow it), white space, and `[`,
/// address characters, `]`.
fn host_name(text: &str) -> Option<&str> {
    if !text.is_ascii() {
        return HOST
            .captures(text)
            .and_then(|c| c.get(1))
            .map(|m| m.as_str());
    }
    let b = text.as_bytes();
    let space = |c: u8| matches!(c, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r');
    let spaces = |from: usize| b[from..].iter().take_while(|&&c| space(c)).count();
    let mut from = 0;
    while let Some(off) = HOST_WORD.find(&text[from..]) {
        let at = from + off;
        from = at + 1;
        if at > 0 && (b[at - 1].is_ascii_alphanumeric() || b[at - 1] == b'_') {
            continue;
        }
        let mut i = at + 4;
        let n = spaces(i);
        if n == 0 || !b.get(i + n).is_some_and(u8::is_ascii_alphanumeric) {
            continue;
        }
        i += n;
        let name_start = i;
        i += b[i..]
            .iter()
            .take_while(|&&c| c.is_ascii_alphanumeric() || c == b'-' || c == b'.')
            .count();
        let name_end = i;
        let n = spaces(i);
        if n == 0 || b.get(i + n) != Some(&b'[') {
            continue;
        }
        i += n + 1;
        let digits = b[i..]
            .iter()
            .take_while(|&&c| c.is_ascii_hexdigit() || c == b'.' || c == b':')
            .count();
        if digits > 0 && b.get(i + digits) == Some(&b']') {
            return Some(&text[name_start..name_end]);
        }
    }
    None
}

/// `host`, looked for by [`host_name`]; the searcher built once.
static HOST_WORD: Needle = Needle::new("host");

struct MxLogic;

impl ProviderMatcher for MxLogic {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        if !written_by_mx_logic(mail) {
            return None;
        }
        // Searchers built once: every candidate's body is searched.
        static START_AT: Needle = Needle::new(START);
        static DELAYED_AT: [Needle; 3] = [
            Needle::new(DELAYED[0]),
            Needle::new(DELAYED[1]),
            Needle::new(DELAYED[2]),
        ];
        let body = mail.body();
        let start = START_AT.find(body)?;
        let body = &body[start + START.len()..];
        let (text_part, original) = split_copy(body);
        let delayed = mail.subject().to_ascii_lowercase().contains("delayed")
            || DELAYED_AT.iter().any(|p| p.contains(text_part));
        let mut drafts = recipients(text_part);
        for d in &mut drafts {
            d.action = if delayed { "delayed" } else { "failed" }.to_owned();
            if let Some(host) = host_name(&d.diagnosis) {
                d.rhost = host.trim_end_matches('.').to_owned();
            }
        }
        if drafts.is_empty() {
            return None;
        }
        let mut report = Report::new(drafts);
        report.original = original.map(str::to_owned);
        Some(report)
    }
}

/// Whether the bounce itself (not a quoted Received line) comes from MX Logic.
fn written_by_mx_logic(mail: &Mail<'_>) -> bool {
    // X-MXL-Hash is stamped on any mail MX Logic relays, so it proves nothing.
    let headers = ["X-MX-Bounce", "X-MXL-NoteHash"];
    if headers.iter().any(|h| mail.header(h).is_some()) {
        return true;
    }
    if mail.message_id().is_some_and(|id| id.starts_with("mxl~")) {
        return true;
    }
    let from = mail.from_address().to_ascii_lowercase();
    from.ends_with("@mxlogic.net") || from.ends_with(".mxlogic.net")
}

/// The explanation, and the header block of the copy of the original.
fn split_copy(body: &str) -> (&str, Option<&str>) {
    // [`COPY`], looked for in one pass: the first offset of any.
    static COPY_AT: rules::Markers = rules::Markers::new(COPY);
    let Some((at, _)) = COPY_AT.first(body) else {
        return (body, None);
    };
    let (head, tail) = body.split_at(at);
    // Skip the marker line and the line of dashes under it.
    let mut rest = text::after_line_with(tail, "\n").unwrap_or("");
    if rest.trim_start().starts_with("---") {
        rest = text::after_line_with(rest, "---").unwrap_or("");
    }
    (head, Some(rest))
}

/// The recipient blocks of the explanation.
fn recipients(text_part: &str) -> Vec<Draft> {
    let mut out: Vec<Draft> = Vec::new();
    let mut open = false;
    for line in text_part.lines() {
        if line.trim().is_empty() {
            open = false;
            continue;
        }
        if let Some((addr, rest)) = recipient_start(line) {
            let mut d = Draft::new(text::clean_address(addr));
            d.diagnosis = rest.trim().to_owned();
            out.push(d);
            open = true;
        } else if open {
            if let Some(d) = out.last_mut() {
                rules::push_diagnosis(d, line.trim());
            }
        }
    }
    out
}

/// `  <user@example.jp>: 550 ...` or Exim's indented `  user@example.jp`.
fn recipient_start(line: &str) -> Option<(&str, &str)> {
    let trimmed = line.trim();
    if let Some(rest) = trimmed.strip_prefix('<') {
        let (addr, rest) = rest.split_once('>')?;
        let rest = rest.strip_prefix(':')?;
        return text::is_address(addr).then_some((addr, rest));
    }
    if line.starts_with([' ', '\t']) {
        let (addr, rest) = match trimmed.split_once(char::is_whitespace) {
            Some((a, r)) => (a, r),
            None => (trimmed, ""),
        };
        let addr = addr.trim_end_matches(':');
        if text::is_address(addr) && (rest.is_empty() || trimmed[addr.len()..].starts_with(':')) {
            return Some((addr, rest));
        }
    }
    None
}

bounce_core::inventory::submit! {
    Provider {
        id: "mxlogic",
        kind: Kind::Gateway,
        doc: include_str!("../README.md"),
        fingerprints: &["X-MX-Bounce", "X-MXL-NoteHash", "<mxl~", "mxlogic.net"],
        rhosts: &[],
        phrases: &[],
        matcher: &MxLogic,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_name_by_hand_matches_the_regular_expression() {
        fn by_regex(t: &str) -> Option<&str> {
            HOST.captures(t).and_then(|c| c.get(1)).map(|m| m.as_str())
        }
        let pieces = [
            "host",
            " ",
            "\t",
            "\n",
            "mx.example.jp",
            "-a",
            ".",
            "[",
            "]",
            "192.0.2.1",
            "::1",
            "x",
            "_",
            "Host",
            "\u{e9}",
            "\u{a0}",
            "g",
            ":",
            "ahost",
        ];
        let mut sentences = bounce_testkit::Sentences::new(0x2545_f491_4f6c_dd1d);
        for _ in 0..20_000 {
            let t = sentences.any_of(&pieces, 10);
            assert_eq!(host_name(&t), by_regex(&t), "{t:?}");
        }
        for t in [
            "host mx.example.jp [192.0.2.1]: 550",
            "SMTP error from remote mail server after RCPT, host  mx-1.example.jp\t[::1] x",
            "ghost mx.jp [1.2.3.4] host mx2.jp [1.2.3.4]",
            "host -mx.jp [1.2.3.4]",
            "host mx.jp []",
            "host mx.jp [1.2.3.4",
            "host mx.jp[1.2.3.4]",
            "_host mx.jp [1.2.3.4]",
            ".host mx.jp [1.2.3.4]",
        ] {
            assert_eq!(host_name(t), by_regex(t), "{t:?}");
        }
    }

    #[test]
    fn both_recipient_forms() {
        let text = "\nA message that you have sent could not be delivered to one or more\nrecipients.  This is a permanent error.  The following address failed:\n\n  \
<a@example.jp>: 550 unknown user\n<a@example.jp>\n\n  b@example.org\n    SMTP error from remote mail server after RCPT TO:<b@example.org>:\n    \
host mx.example.org [192.0.2.1]: 550 5.1.1 no such user\n";
        let r = recipients(text);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].recipient, "a@example.jp");
        assert_eq!(r[0].diagnosis, "550 unknown user <a@example.jp>");
        assert_eq!(r[1].recipient, "b@example.org");
        assert!(r[1]
            .diagnosis
            .starts_with("SMTP error from remote mail server after RCPT TO"));
        assert_eq!(
            &HOST.captures(&r[1].diagnosis).unwrap()[1],
            "mx.example.org"
        );
    }

    #[test]
    fn the_copy_is_split_off() {
        let (head, orig) = split_copy(
            "text\n\nIncluded is a copy of the message header:\n-----\nFrom: a@example.jp\n",
        );
        assert_eq!(head, "text\n\n");
        assert_eq!(orig, Some("From: a@example.jp\n"));
    }
}
