#![doc = include_str!("../README.md")]

use bounce_core::text;
use bounce_core::{Command, Draft, Kind, Mail, Provider, ProviderMatcher, Report};
use regex::Regex;
use std::sync::LazyLock;

const START: &str = "We had trouble delivering your message. Full details follow:";
/// [`START`], found by a searcher built once: every candidate is searched.
static START_AT: bounce_core::text::Needle = bounce_core::text::Needle::new(START);

/// `The following recipients returned permanent errors: A, B. Reason: ...`.
static RETURNED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^The following recipients returned (permanent|temporary) errors:\s*(.+?)\.\s+Reason:\s*(.*)$").expect("valid regex")
});
/// `SMTP Server <host> rejected recipient <addr> (Error following RCPT command). It responded as follows: [...]`.
static REJECTED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^SMTP Server <([^>]*)> rejected recipient <([^>]+)> \(Error following (\w+) command\)\.?\s*(.*)$").expect("valid regex")
});
/// `SMTP Server <host> refused to accept your message (DATA), ...`.
static REFUSED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"SMTP Server <([^>]*)> refused to accept your message \((\w+)\)")
        .expect("valid regex")
});

struct X6;

impl ProviderMatcher for X6 {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        let body = mail.body();
        let details = text::after_line_with_needle(body, &START_AT)?;
        let mut drafts: Vec<Draft> = Vec::new();
        for line in details.lines() {
            let line = line.trim();
            if let Some([host, addr, command, rest]) = rejected(line) {
                let mut d = Draft::new(text::clean_address(addr));
                d.action = "failed".to_owned();
                d.rhost = host.to_owned();
                d.command = Command::parse(command);
                d.diagnosis = bracketed(rest).to_owned();
                drafts.push(d);
            } else if let Some([kind, addrs, reason]) = returned(line) {
                let action = if kind == "temporary" {
                    "delayed"
                } else {
                    "failed"
                };
                let refused = refused(reason);
                for addr in text::addresses(addrs) {
                    let mut d = Draft::new(text::clean_address(addr));
                    d.action = action.to_owned();
                    if let Some([host, command]) = refused {
                        d.rhost = host.to_owned();
                        d.command = Command::parse(command);
                    }
                    d.diagnosis = bracketed(reason).to_owned();
                    drafts.push(d);
                }
            }
        }
        (!drafts.is_empty()).then(|| Report::new(drafts))
    }
}

// The three sentences are read by hand when the line is ASCII, with the
// same captures as the regular expressions above (where `\w` and `\s` are
// then the ASCII classes), which are costly to build and used only for
// other text.

/// The captures of [`REJECTED`]: host, address, command and the rest.
fn rejected(line: &str) -> Option<[&str; 4]> {
    if !line.is_ascii() {
        let c = REJECTED.captures(line)?;
        return Some([1, 2, 3, 4].map(|i| c.get(i).map_or("", |m| m.as_str())));
    }
    let rest = line.strip_prefix("SMTP Server <")?;
    let (host, rest) = rest.split_once('>')?;
    let rest = rest.strip_prefix(" rejected recipient <")?;
    let (addr, rest) = rest.split_once('>')?;
    if addr.is_empty() {
        return None;
    }
    let rest = rest.strip_prefix(" (Error following ")?;
    let (command, rest) = rest.split_at(ascii_word(rest));
    if command.is_empty() {
        return None;
    }
    let rest = rest.strip_prefix(" command)")?;
    let rest = rest.strip_prefix('.').unwrap_or(rest).trim_start();
    Some([host, addr, command, rest])
}

/// The captures of [`RETURNED`]: the kind of errors, the addresses and the
/// reason.
fn returned(line: &str) -> Option<[&str; 3]> {
    if !line.is_ascii() {
        let c = RETURNED.captures(line)?;
        return Some([1, 2, 3].map(|i| c.get(i).map_or("", |m| m.as_str())));
    }
    let rest = line.strip_prefix("The following recipients returned ")?;
    let kind = ["permanent", "temporary"]
        .into_iter()
        .find(|k| rest.starts_with(k))?;
    let spaced = rest[kind.len()..].strip_prefix(" errors:")?;
    let rest = spaced.trim_start();
    // The reason, when `rest` has `. Reason:` (a dot, whitespace,
    // `Reason:`) at `p`.
    let reason_at = |p: usize| {
        if rest.as_bytes().get(p) != Some(&b'.') {
            return None;
        }
        let after = &rest[p + 1..];
        let words = after.trim_start();
        let reason = words.strip_prefix("Reason:")?;
        (words.len() < after.len()).then(|| reason.trim_start())
    };
    // The addresses are the shortest non-empty run before such a dot.
    if let Some(found) = (1..rest.len()).find_map(|p| Some([kind, &rest[..p], reason_at(p)?])) {
        return Some(found);
    }
    // Failing that, `\s*` gives its last character to the addresses when
    // the dot comes right after it.
    let skipped = spaced.len() - rest.len();
    let reason = reason_at(0).filter(|_| skipped > 0)?;
    Some([kind, &spaced[skipped - 1..skipped], reason])
}

/// The captures of [`REFUSED`], searched anywhere in `reason`: the host and
/// the command.
fn refused(reason: &str) -> Option<[&str; 2]> {
    if !reason.is_ascii() {
        let c = REFUSED.captures(reason)?;
        return Some([1, 2].map(|i| c.get(i).map_or("", |m| m.as_str())));
    }
    const LEAD: &str = "SMTP Server <";
    reason.match_indices(LEAD).find_map(|(at, _)| {
        let (host, rest) = reason[at + LEAD.len()..].split_once('>')?;
        let rest = rest.strip_prefix(" refused to accept your message (")?;
        let (command, rest) = rest.split_at(ascii_word(rest));
        (!command.is_empty() && rest.starts_with(')')).then_some([host, command])
    })
}

/// The length of the run of ASCII word characters (`\w` in ASCII text) that
/// starts `s`.
fn ascii_word(s: &str) -> usize {
    s.bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
        .count()
}

/// The text in square brackets at the end of a sentence (the remote server's
/// reply), else the whole sentence.
fn bracketed(sentence: &str) -> &str {
    match (sentence.find('['), sentence.rfind(']')) {
        (Some(a), Some(b)) if b > a => sentence[a + 1..b].trim(),
        (Some(a), None) => sentence[a + 1..].trim(),
        _ => sentence.trim(),
    }
}

bounce_core::inventory::submit! {
    Provider {
        id: "x6",
        kind: Kind::Shape,
        doc: include_str!("../README.md"),
        fingerprints: &[START],
        rhosts: &[],
        phrases: &[],
        matcher: &X6,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bounce_testkit::by_regex;

    #[test]
    fn hand_readers_match_the_regular_expressions() {
        let lines = [
            "SMTP Server <mx.example.org> rejected recipient <a@example.org> (Error following RCPT command). It responded as follows: [550 5.1.1 User unknown]",
            "SMTP Server <> rejected recipient <a> (Error following DATA command)",
            "SMTP Server <mx> rejected recipient <> (Error following RCPT command).",
            "SMTP Server <mx> rejected recipient <a> (Error following  command).",
            "SMTP Server <mx> rejected recipient <a> (Error following RCPT_2 command)..  x",
            "SMTP Server <m<x> rejected recipient <a<b> (Error following RCPT command)\t. y",
            "SMTP Server <mx> rejected recipient <a> (Error following RCPT-X command).",
            "The following recipients returned permanent errors: a@example.org, b@example.org. Reason: SMTP Server <192.0.2.1> refused to accept your message (DATA), with the following error message: [554 5.4.6 loop]",
            "The following recipients returned temporary errors:   a. b.  Reason:x. Reason: y",
            "The following recipients returned temporary errors: . Reason: y",
            "The following recipients returned temporary errors:. Reason: y",
            "The following recipients returned temporary errors:  . Reason: y",
            "The following recipients returned permanent errors: a.Reason: y",
            "The following recipients returned permanent errors: a..\tReason:",
            "The following recipients returned permanent errors: a . Reason",
            "The following recipients returned fatal errors: a. Reason: b",
            "x SMTP Server <h SMTP Server <i> refused to accept your message (RCPT) SMTP Server <j> refused to accept your message (DATA)",
            "SMTP Server <h> refused to accept your message () SMTP Server <j> refused to accept your message (MAIL_1)",
            "SMTP Server <h> refused to accept your message (DATA",
            "",
        ];
        for line in lines {
            assert_eq!(
                rejected(line).map(|c| c.map(str::to_owned)),
                by_regex::<4>(&REJECTED, line),
                "{line}"
            );
            assert_eq!(
                returned(line).map(|c| c.map(str::to_owned)),
                by_regex::<3>(&RETURNED, line),
                "{line}"
            );
            assert_eq!(
                refused(line).map(|c| c.map(str::to_owned)),
                by_regex::<2>(&REFUSED, line),
                "{line}"
            );
        }
    }

    #[test]
    fn hand_readers_match_the_regular_expressions_on_random_lines() {
        let mut sentences = bounce_testkit::Sentences::new(0x9e37_79b9_7f4a_7c15);
        // Each slot of a sentence is filled with a right or a wrong piece.
        let slots: [&[&str]; 12] = [
            &["", "x ", "SMTP Server <h> "],
            &[
                "SMTP Server <",
                "The following recipients returned ",
                "SMTP Server",
            ],
            &["mx", "", "m<x", "a@b.c", "permanent", "temporary", "fatal"],
            &[">", "", " errors:", " errors: ", " errors:\t ", "> "],
            &[
                " rejected recipient <",
                " refused to accept your message (",
                "a",
                "",
            ],
            &["a@b.c", "", "RCPT", "DATA_1", "a.", ". ", ".", " ."],
            &[
                "> (Error following ",
                ")",
                "",
                ">",
                " Reason:",
                "Reason: ",
                ". Reason: ",
            ],
            &["RCPT", "", "R-1", "a_b", ". Reason:", "."],
            &[" command)", " command", ")", "", " Reason: x", ".  Reason:"],
            &[".", "", " ", "..", ". x"],
            &[
                "",
                " [550 x]",
                "\t y",
                " SMTP Server <j> refused to accept your message (MAIL)",
            ],
            &["", ".", " Reason: z", ")"],
        ];
        // And the same for the first sentence, with fewer wrong pieces.
        let rejection: [&[&str]; 9] = [
            &["SMTP Server <", "SMTP Server <", "x SMTP Server <"],
            &["mx", "", "m<x", "a>"],
            &[
                "> rejected recipient <",
                "> rejected recipient <",
                ">rejected recipient <",
            ],
            &["a@b.c", "", "a<b", "a>"],
            &[
                "> (Error following ",
                "> (Error following ",
                "> (Error following  ",
            ],
            &["RCPT", "", "R-1", "a_b", "DATA"],
            &[" command)", " command)", " command"],
            &[".", "", " ", "..", ". x", "\t.", ".\t"],
            &["", " [550 x]", "\t y", ")"],
        ];
        for k in 0..200_000 {
            let line: String = if k % 2 == 0 {
                sentences.fill(&slots)
            } else {
                sentences.fill(&rejection)
            };
            assert_eq!(
                rejected(&line).map(|c| c.map(str::to_owned)),
                by_regex::<4>(&REJECTED, &line),
                "{line:?}"
            );
            assert_eq!(
                returned(&line).map(|c| c.map(str::to_owned)),
                by_regex::<3>(&RETURNED, &line),
                "{line:?}"
            );
            assert_eq!(
                refused(&line).map(|c| c.map(str::to_owned)),
                by_regex::<2>(&REFUSED, &line),
                "{line:?}"
            );
        }
    }

    #[test]
    fn sentences() {
        let c = REJECTED
            .captures("SMTP Server <mx.example.org> rejected recipient <a@example.org> (Error following RCPT command). It responded as follows: [550 5.1.1 User unknown]")
            .unwrap();
        assert_eq!(
            (&c[1], &c[2], &c[3]),
            ("mx.example.org", "a@example.org", "RCPT")
        );
        assert_eq!(bracketed(&c[4]), "550 5.1.1 User unknown");
        let c = RETURNED
            .captures("The following recipients returned permanent errors: a@example.org, b@example.org. Reason: SMTP Server <192.0.2.1> refused to accept your message (DATA), with the following error message: [554 5.4.6 loop]")
            .unwrap();
        assert_eq!(text::addresses(&c[2]).count(), 2);
        assert_eq!(&REFUSED.captures(&c[3]).unwrap()[2], "DATA");
        assert_eq!(bracketed(&c[3]), "554 5.4.6 loop");
    }
}
