//! The human-readable part of a sendmail bounce: the lists of failed
//! addresses ("The following addresses had permanent fatal errors") and the
//! transcript of the SMTP session ("Transcript of session follows"), read
//! line by line into slices of the text.

// `str::trim` as the lines are trimmed, without the Unicode tables for
// ASCII ends: every line of the notice is trimmed.
use bounce_core::text::trim_fast;
use bounce_core::{ReplyCode, Status};

/// Which list a failed address was in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// "had permanent fatal errors": the message was returned.
    Permanent,
    /// "had transient non-fatal errors": sendmail keeps trying.
    Transient,
}

/// One entry of a list of failed addresses:
///
/// ```text
/// <user@example.jp>
///     (reason: 550 5.1.1 <user@example.jp>... User unknown)
///     (expanded from: <alias@example.jp>)
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listed<'a> {
    /// The address as listed, without angle brackets (may be a program,
    /// `|/usr/bin/procmail`, or a local name).
    pub address: &'a str,
    /// The text of `(reason: ...)`, empty when absent.
    pub reason: &'a str,
    /// The text of `(expanded from: ...)`, without brackets, empty when absent.
    pub expanded_from: &'a str,
    /// The list it was in.
    pub severity: Severity,
}

/// A line of the transcript that reports an error: sendmail's own summary
/// (`550 5.1.1 <user@example.jp>... User unknown`), a deferral
/// (`<user@example.jp>... Deferred: Connection refused by mx.example.jp.`) or
/// a local failure (`554 5.3.0 unknown mailer error 1`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorLine<'a> {
    /// The leading SMTP reply code, if the line starts with one.
    pub code: Option<ReplyCode>,
    /// The enhanced status code right after the reply code, if any.
    pub status: Option<Status>,
    /// The address (or program) before `...`, without brackets or quotes;
    /// empty when the line names none.
    pub who: &'a str,
    /// The whole line, trimmed.
    pub line: &'a str,
}

/// One line of the transcript.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Line<'a> {
    /// `... while talking to mx.example.jp.:` — the host, without the
    /// trailing dot and colon, nor brackets around an address.
    Talking(&'a str),
    /// `>>> RCPT To:<user@example.jp>`: what sendmail sent.
    Sent(&'a str),
    /// `<<< 550 5.1.1 User unknown`: what the remote host replied.
    Received(&'a str),
    /// A line reporting an error.
    Error(ErrorLine<'a>),
    /// Anything else (`Message could not be delivered for 5 days`, output of
    /// a local mailer...).
    Text(&'a str),
}

/// The human-readable part of a sendmail bounce.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Notice<'a> {
    /// The entries of the lists of failed addresses, in order.
    pub listed: Vec<Listed<'a>>,
    /// The transcript lines, in order, blank lines left out.
    pub transcript: Vec<Line<'a>>,
}

/// The marker of the transcript section.
pub const TRANSCRIPT: &str = "----- Transcript of session follows -----";
/// The marker of the list of permanently failed addresses.
pub const PERMANENT: &str = "had permanent fatal errors -----";
/// The marker of the list of addresses still being tried.
pub const TRANSIENT: &str = "had transient non-fatal errors -----";

/// What a `----- ... -----` separator line starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Section {
    Preamble,
    List(Severity),
    Transcript,
    Other,
}

/// The title of a `----- Title -----` line, if the line is one.
pub fn separator(line: &str) -> Option<&str> {
    // A line starting with a visible character other than `-` keeps it
    // when trimmed: no separator, whatever follows.
    if line
        .as_bytes()
        .first()
        .is_some_and(|&b| b.is_ascii_graphic() && b != b'-')
    {
        return None;
    }
    let t = trim_fast(line);
    let inner = t.strip_prefix("---")?.trim_start_matches('-');
    let inner = inner.strip_suffix("---")?.trim_end_matches('-');
    let inner = trim_fast(inner);
    (!inner.is_empty()).then_some(inner)
}

impl<'a> Notice<'a> {
    /// Reads the lists and the transcript out of the text of the bounce
    /// (the returned original already cut off).
    pub fn parse(text: &'a str) -> Notice<'a> {
        let mut notice = Notice::default();
        let mut section = Section::Preamble;
        for raw in bounce_core::text::lines_lf(text) {
            // Outside the lists and the transcript only separators count,
            // and a line starting with a visible character other than `-`
            // is none (nor blank): passed over without trimming it.
            if matches!(section, Section::Preamble | Section::Other)
                && raw
                    .as_bytes()
                    .first()
                    .is_some_and(|&b| b.is_ascii_graphic() && b != b'-')
            {
                continue;
            }
            let line = raw.trim_end();
            if let Some(title) = separator(line) {
                section = if title.ends_with("had permanent fatal errors") {
                    Section::List(Severity::Permanent)
                } else if title.ends_with("had transient non-fatal errors") {
                    Section::List(Severity::Transient)
                } else if title.starts_with("Transcript of session follows") {
                    Section::Transcript
                } else {
                    Section::Other
                };
                continue;
            }
            if trim_fast(line).is_empty() {
                continue;
            }
            match section {
                Section::List(severity) => notice.list_line(line, severity),
                Section::Transcript => {
                    // A transcript runs to some lines: room for them at
                    // once, rather than four, eight, then sixteen.
                    if notice.transcript.is_empty() {
                        notice.transcript.reserve(16);
                    }
                    notice.transcript.push(Line::parse(line));
                }
                Section::Preamble | Section::Other => {}
            }
        }
        notice
    }

    fn list_line(&mut self, line: &'a str, severity: Severity) {
        let t = trim_fast(line);
        if line.starts_with([' ', '\t']) && t.starts_with('(') {
            let inner = t.strip_prefix('(').unwrap_or(t);
            let inner = inner.strip_suffix(')').unwrap_or(inner).trim();
            if let Some(last) = self.listed.last_mut() {
                if let Some(r) = strip_prefix_ci(inner, "reason:") {
                    last.reason = r.trim();
                } else if let Some(e) = strip_prefix_ci(inner, "expanded from:") {
                    last.expanded_from = unbracket(e.trim());
                }
            }
            return;
        }
        self.listed.push(Listed {
            address: unbracket(t),
            reason: "",
            expanded_from: "",
            severity,
        });
    }

    /// The index of the first `... while talking to` line, or the length of
    /// the transcript when there is none. Lines before it are sendmail's own
    /// account of the delivery; after it, of the SMTP session.
    pub fn session_start(&self) -> usize {
        self.transcript
            .iter()
            .position(|l| matches!(l, Line::Talking(_)))
            .unwrap_or(self.transcript.len())
    }

    /// The remote host's replies (`<<<` lines), each once, in order.
    pub fn replies(&self) -> Vec<&'a str> {
        let mut out: Vec<&'a str> = Vec::new();
        for l in &self.transcript {
            if let Line::Received(r) = l {
                if !out.contains(r) {
                    out.push(r);
                }
            }
        }
        out
    }
}

impl<'a> Line<'a> {
    /// Classifies one non-blank transcript line.
    pub fn parse(line: &'a str) -> Line<'a> {
        let t = trim_fast(line);
        if let Some(rest) = t
            .strip_prefix("... while talking to ")
            .or_else(|| t.strip_prefix("...while talking to "))
        {
            let host = rest.trim().trim_end_matches(':').trim_end_matches('.');
            return Line::Talking(host.trim_start_matches('[').trim_end_matches(']'));
        }
        if let Some(rest) = t.strip_prefix(">>>") {
            return Line::Sent(trim_fast(rest));
        }
        if let Some(rest) = t.strip_prefix("<<<") {
            return Line::Received(trim_fast(rest));
        }
        match ErrorLine::parse(t) {
            Some(e) => Line::Error(e),
            None => Line::Text(t),
        }
    }
}

impl<'a> ErrorLine<'a> {
    /// Reads `[NNN [X.Y.Z] ][WHO... ]text`; `None` unless the line starts
    /// with a reply code or names an address before `...`.
    pub fn parse(line: &'a str) -> Option<ErrorLine<'a>> {
        let mut rest = line;
        let mut code = None;
        let mut status = None;
        if let Some((head, tail)) = split_at_blank(rest) {
            if let Some(c) = ReplyCode::parse(head) {
                code = Some(c);
                rest = tail.trim_start();
                if let Some((head, tail)) = split_at_blank(rest) {
                    if let Some(s) = Status::parse(head) {
                        status = Some(s);
                        rest = tail.trim_start();
                    }
                }
            }
        }
        let who = match find_ellipsis(rest) {
            Some(dots)
                if rest[dots + 3..].is_empty() || rest[dots + 3..].starts_with([' ', '\t']) =>
            {
                let w = trim_fast(&rest[..dots]);
                let w = unbracket(w);
                // `421 example.org (smtp)... Deferred` names a host, not an address.
                if w.is_empty() || w.contains(' ') && !w.starts_with(['|', '"']) {
                    ""
                } else {
                    w.trim_matches('"')
                }
            }
            _ => "",
        };
        (code.is_some() || !who.is_empty()).then_some(ErrorLine {
            code,
            status,
            who,
            line,
        })
    }

    /// Whether the line is about `address` (ASCII case-insensitive).
    pub fn names(&self, address: &str) -> bool {
        !self.who.is_empty() && !address.is_empty() && self.who.eq_ignore_ascii_case(address)
    }
}

/// `text.split_once([' ', '\t'])`, the blank found a byte at a time rather
/// than a decoded character at a time.
fn split_at_blank(text: &str) -> Option<(&str, &str)> {
    let at = text.bytes().position(|b| b == b' ' || b == b'\t')?;
    Some((&text[..at], &text[at + 1..]))
}

/// `text.find("...")`, without building a substring searcher for every
/// transcript line: the dots are looked for a byte at a time.
fn find_ellipsis(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    let mut from = 0;
    while let Some(i) = b[from..].iter().position(|&c| c == b'.') {
        let at = from + i;
        if b[at..].starts_with(b"...") {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

fn strip_prefix_ci<'t>(text: &'t str, prefix: &str) -> Option<&'t str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// `<user@example.jp>` → `user@example.jp`.
pub fn unbracket(text: &str) -> &str {
    let t = trim_fast(text);
    match t.strip_prefix('<') {
        // Up to the first `>`, as `split('>').next()` cuts it.
        Some(inner) => trim_fast(
            inner
                .bytes()
                .position(|c| c == b'>')
                .map_or(inner, |i| &inner[..i]),
        ),
        None => t,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "The original message was received at Mon, 1 Jan 2024 10:00:00 +0900
from client.example.org [192.0.2.1]

   ----- The following addresses had permanent fatal errors -----
<user@example.jp>
    (reason: 550 5.1.1 <user@example.jp>... User unknown)
    (expanded from: <alias@example.org>)
\"|/usr/bin/procmail\"
    (reason: 255)

   ----- Transcript of session follows -----
... while talking to mx.example.jp.:
>>> RCPT To:<user@example.jp>
<<< 550 5.1.1 <user@example.jp>... User unknown
550 5.1.1 <user@example.jp>... User unknown
<user@example.org>... Deferred: Connection timed out with mx.example.org.
554 5.0.0 Service unavailable
Message could not be delivered for 5 days
";

    #[test]
    fn lists_and_transcript() {
        let n = Notice::parse(TEXT);
        assert_eq!(n.listed.len(), 2);
        assert_eq!(n.listed[0].address, "user@example.jp");
        assert_eq!(
            n.listed[0].reason,
            "550 5.1.1 <user@example.jp>... User unknown"
        );
        assert_eq!(n.listed[0].expanded_from, "alias@example.org");
        assert_eq!(n.listed[1].address, "\"|/usr/bin/procmail\"");
        assert_eq!(n.transcript[0], Line::Talking("mx.example.jp"));
        assert_eq!(n.transcript[1], Line::Sent("RCPT To:<user@example.jp>"));
        assert_eq!(n.session_start(), 0);
        match &n.transcript[3] {
            Line::Error(e) => {
                assert_eq!(e.code.map(|c| c.get()), Some(550));
                assert_eq!(e.status.map(|s| s.to_string()).as_deref(), Some("5.1.1"));
                assert!(e.names("USER@example.jp"));
            }
            other => panic!("{other:?}"),
        }
        match &n.transcript[4] {
            Line::Error(e) => assert_eq!((e.code, e.who), (None, "user@example.org")),
            other => panic!("{other:?}"),
        }
        match &n.transcript[5] {
            Line::Error(e) => assert_eq!(e.who, ""),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            n.transcript[6],
            Line::Text("Message could not be delivered for 5 days")
        );
        assert_eq!(n.replies(), ["550 5.1.1 <user@example.jp>... User unknown"]);
    }

    #[test]
    fn odd_lines() {
        assert_eq!(
            separator("   ----- Unsent message follows -----"),
            Some("Unsent message follows")
        );
        assert_eq!(separator("-----"), None);
        assert_eq!(
            Line::parse("... while talking to [192.0.2.9]:"),
            Line::Talking("192.0.2.9")
        );
        assert!(matches!(
            Line::parse("DBI connect('x',...) failed: FATAL"),
            Line::Text(_)
        ));
        match Line::parse("421 example.org (smtp)... Deferred: Connection timed out") {
            Line::Error(e) => assert_eq!((e.code.map(|c| c.get()), e.who), (Some(421), "")),
            other => panic!("{other:?}"),
        }
    }
}
