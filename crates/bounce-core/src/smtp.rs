//! SMTP reply codes (RFC 5321), enhanced status codes (RFC 3463) and SMTP
//! commands: parsing, validation, finding them in free text, and reconciling
//! the two codes when a server's reply contradicts itself.

use crate::literals::Literals;
use serde::{Serialize, Serializer};
use std::fmt;

/// An enhanced mail system status code, `class.subject.detail` (RFC 3463).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Status {
    class: u8,
    subject: u16,
    detail: u16,
}

impl Status {
    /// Builds a status from its parts; `None` unless the class is 2, 4 or 5
    /// and the subject and detail have at most three digits.
    pub fn new(class: u8, subject: u16, detail: u16) -> Option<Status> {
        (matches!(class, 2 | 4 | 5) && subject < 1000 && detail < 1000).then_some(Status {
            class,
            subject,
            detail,
        })
    }

    /// Parses exactly `X.Y.Z`, surrounding whitespace allowed.
    pub fn parse(text: &str) -> Option<Status> {
        // One pass over the bytes: three dot-separated runs of digits, of
        // at most one, three and three digits, none empty.
        let mut parts = [0u16; 3];
        let mut lens = [0usize; 3];
        let mut k = 0;
        for &c in text.trim().as_bytes() {
            match c {
                b'0'..=b'9' if lens[k] < 3 => {
                    parts[k] = parts[k] * 10 + u16::from(c - b'0');
                    lens[k] += 1;
                }
                b'.' if k < 2 => k += 1,
                _ => return None,
            }
        }
        if k != 2 || lens[0] != 1 || lens[1] == 0 || lens[2] == 0 {
            return None;
        }
        Status::new(parts[0] as u8, parts[1], parts[2])
    }

    /// Finds the first well-formed status code in free text. A code must stand
    /// alone: `192.5.1.1` (an address) or `5.1.1.2` is not one.
    pub fn find(text: &str) -> Option<Status> {
        Status::find_all(text).next()
    }

    /// Every well-formed status code in free text, in order.
    pub fn find_all(text: &str) -> impl Iterator<Item = Status> + '_ {
        let bytes = text.as_bytes();
        memchr::memchr_iter(b'.', bytes).filter_map(move |dot| {
            // `dot` is the first dot of a candidate; the class is one digit before it.
            if dot == 0 || !matches!(bytes[dot - 1], b'2' | b'4' | b'5') {
                return None;
            }
            let start = dot - 1;
            if start > 0 && (bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'.') {
                return None;
            }
            let sub_len = digits(&bytes[dot + 1..]);
            if sub_len == 0 || sub_len > 3 || bytes.get(dot + 1 + sub_len) != Some(&b'.') {
                return None;
            }
            let det_start = dot + 2 + sub_len;
            let det_len = digits(&bytes[det_start..]);
            if det_len == 0 || det_len > 3 {
                return None;
            }
            let end = det_start + det_len;
            match bytes.get(end) {
                Some(b) if b.is_ascii_alphanumeric() => return None,
                Some(b'.') if bytes.get(end + 1).is_some_and(u8::is_ascii_digit) => return None,
                _ => {}
            }
            // The digits are checked: their values read directly, as
            // `Status::parse` of `text[start..end]` would read them.
            let value = |d: &[u8]| d.iter().fold(0u16, |v, &c| v * 10 + u16::from(c - b'0'));
            Status::new(
                bytes[start] - b'0',
                value(&bytes[dot + 1..dot + 1 + sub_len]),
                value(&bytes[det_start..end]),
            )
        })
    }

    /// 2 (success), 4 (persistent transient failure) or 5 (permanent failure).
    pub fn class(&self) -> u8 {
        self.class
    }
    /// The subject: 1 addressing, 2 mailbox, 3 mail system, 4 network and
    /// routing, 5 mail delivery protocol, 6 content, 7 security or policy.
    pub fn subject(&self) -> u16 {
        self.subject
    }
    /// The detail within the subject.
    pub fn detail(&self) -> u16 {
        self.detail
    }
    /// `X.0.0`: says nothing beyond the class.
    pub fn is_generic(&self) -> bool {
        self.subject == 0 && self.detail == 0
    }
    /// The same subject and detail in another class.
    pub fn with_class(&self, class: u8) -> Status {
        Status { class, ..*self }
    }

    /// The same text as `to_string()`, written without the formatter (a
    /// fact's status is written once per recipient).
    pub fn to_text(&self) -> String {
        let mut out = String::with_capacity(11);
        self.push_text(&mut out);
        out
    }

    /// Appends [`Status::to_text`] to `out`: the digits gathered on the
    /// stack, then copied at once.
    pub(crate) fn push_text(&self, out: &mut String) {
        let mut buf = [0u8; 11];
        let mut at = put_decimal(&mut buf, 0, u16::from(self.class));
        buf[at] = b'.';
        at = put_decimal(&mut buf, at + 1, self.subject);
        buf[at] = b'.';
        at = put_decimal(&mut buf, at + 1, self.detail);
        // Digits and dots are ASCII: the conversion cannot fail.
        out.push_str(std::str::from_utf8(&buf[..at]).unwrap_or_default());
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.class, self.subject, self.detail)
    }
}

impl Serialize for Status {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A three-digit SMTP reply code (RFC 5321 section 4.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ReplyCode(u16);

impl ReplyCode {
    /// A reply code, if `code` is one: first digit 2 to 5, second 0 to 5.
    pub fn new(code: u16) -> Option<ReplyCode> {
        let (first, second) = (code / 100, code / 10 % 10);
        ((2..=5).contains(&first) && second <= 5).then_some(ReplyCode(code))
    }
    /// Parses exactly three digits, surrounding whitespace allowed.
    pub fn parse(text: &str) -> Option<ReplyCode> {
        let t = text.trim();
        if t.len() != 3 || !t.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        // Three digits: their value read directly.
        ReplyCode::new(t.bytes().fold(0, |v, c| v * 10 + u16::from(c - b'0')))
    }

    /// Finds the reply code of a server's reply quoted in free text: three digits
    /// standing alone, at the start of the text or of a line, or after a word such
    /// as "said:", "<<<" or "error:". Anywhere in the text only 4xx and 5xx
    /// are looked for (the point of quoting a reply in a bounce is the
    /// failure); a 2xx counts only at the very start (`250 2.0.0 OK`).
    pub fn find(text: &str) -> Option<ReplyCode> {
        ReplyCode::find_failure(text).or_else(|| {
            let t = text.trim_start();
            let lead = t.as_bytes();
            (lead.len() >= 4 && lead[0] == b'2' && matches!(lead[3], b' ' | b'-'))
                .then(|| ReplyCode::parse(&t[..3]))
                .flatten()
        })
    }

    /// The first 4xx or 5xx reply standing alone in the text.
    fn find_failure(text: &str) -> Option<ReplyCode> {
        let bytes = text.as_bytes();
        // Only a `4` or a `5` can start one: those found many bytes at a time.
        for i in memchr::memchr2_iter(b'4', b'5', bytes) {
            if i + 3 > bytes.len() {
                break;
            }
            if bytes[i + 1].is_ascii_digit()
                && bytes[i + 2].is_ascii_digit()
                && (i == 0
                    || !is_word(bytes[i - 1])
                        && !matches!(bytes[i - 1], b'.' | b'-' | b'#' | b'/' | b':' | b'+' | b'='))
                && bytes.get(i + 3).is_none_or(|&n| {
                    matches!(
                        n,
                        b' ' | b'-' | b'\t' | b'\r' | b'\n' | b'"' | b')' | b']' | b',' | b';'
                    )
                })
            {
                if let Some(code) = ReplyCode::parse(&text[i..i + 3]) {
                    return Some(code);
                }
            }
        }
        None
    }

    /// The numeric value.
    pub fn get(self) -> u16 {
        self.0
    }
    /// The same text as `to_string()`, written without the formatter.
    pub fn to_text(self) -> String {
        let mut buf = [0u8; 5];
        let at = put_decimal(&mut buf, 0, self.0);
        // Digits are ASCII: the conversion cannot fail.
        std::str::from_utf8(&buf[..at])
            .unwrap_or_default()
            .to_owned()
    }
    /// The first digit.
    pub fn class(self) -> u8 {
        (self.0 / 100) as u8
    }
}

impl fmt::Display for ReplyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl Serialize for ReplyCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The SMTP command a failure answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
#[allow(missing_docs)]
pub enum Command {
    Helo,
    Ehlo,
    StartTls,
    Auth,
    Mail,
    Rcpt,
    Data,
    /// The reply after the message body's final dot; Sisimai calls it DATA too.
    #[serde(rename = "DATA")]
    EndOfData,
    Bdat,
    Rset,
    Quit,
    /// Before any command: the greeting or the connection itself.
    #[serde(rename = "CONN")]
    Connect,
}

impl Command {
    /// The name as output (`MAIL`, `RCPT`, `DATA`...).
    pub fn as_str(self) -> &'static str {
        match self {
            Command::Helo => "HELO",
            Command::Ehlo => "EHLO",
            Command::StartTls => "STARTTLS",
            Command::Auth => "AUTH",
            Command::Mail => "MAIL",
            Command::Rcpt => "RCPT",
            Command::Data | Command::EndOfData => "DATA",
            Command::Bdat => "BDAT",
            Command::Rset => "RSET",
            Command::Quit => "QUIT",
            Command::Connect => "CONN",
        }
    }

    /// Finds the command a transcript or diagnostic names: `in reply to RCPT TO
    /// command`, `>>> DATA`, `after MAIL FROM:`, `end of data`...
    pub fn find(text: &str) -> Option<Command> {
        static PHRASES: std::sync::LazyLock<Literals> = std::sync::LazyLock::new(|| {
            Literals::new(COMMAND_PHRASES.iter().map(|(p, _)| p.to_ascii_lowercase()))
        });
        // The earliest phrase of the table wins, wherever it occurs.
        crate::text::with_ascii_lowercase(text.as_bytes(), |lower| {
            PHRASES.first_id(lower, |_| true)
        })
        .map(|i| COMMAND_PHRASES[i].1)
    }

    /// Parses a bare command word (`RCPT`, `rcpt to`, `MAIL FROM:`...).
    pub fn parse(word: &str) -> Option<Command> {
        let w = word.trim().to_ascii_uppercase();
        let head = w.split([' ', ':']).next().unwrap_or("");
        Some(match head {
            "HELO" => Command::Helo,
            "EHLO" => Command::Ehlo,
            "STARTTLS" => Command::StartTls,
            "AUTH" => Command::Auth,
            "MAIL" => Command::Mail,
            "RCPT" => Command::Rcpt,
            "DATA" => Command::Data,
            "BDAT" => Command::Bdat,
            "RSET" => Command::Rset,
            "QUIT" => Command::Quit,
            "CONN" => Command::Connect,
            _ => return None,
        })
    }
}

const COMMAND_PHRASES: &[(&str, Command)] = &[
    ("end of data", Command::EndOfData),
    ("after end of data", Command::EndOfData),
    ("rcpt to", Command::Rcpt),
    ("mail from", Command::Mail),
    ("in reply to data", Command::Data),
    (">>> data", Command::Data),
    ("after data", Command::Data),
    ("reply to data", Command::Data),
    ("after rcpt", Command::Rcpt),
    ("after mail", Command::Mail),
    (">>> rcpt", Command::Rcpt),
    (">>> mail", Command::Mail),
    ("in reply to ehlo", Command::Ehlo),
    ("in reply to helo", Command::Helo),
    ("after ehlo", Command::Ehlo),
    ("after helo", Command::Helo),
    (">>> ehlo", Command::Ehlo),
    (">>> helo", Command::Helo),
    ("starttls", Command::StartTls),
    ("in reply to auth", Command::Auth),
    ("after auth", Command::Auth),
    ("after bdat", Command::Bdat),
    ("in reply to bdat", Command::Bdat),
    ("after quit", Command::Quit),
    ("in reply to quit", Command::Quit),
    ("after initial connection", Command::Connect),
];

/// Makes a reply code and a status code agree. A permanent reply (5xx)
/// quoted beside a transient status (4.x.x), or the other way round, is a
/// contradiction: the enhanced status is the more specific statement of the
/// two (and the one a DSN states outright), so it stands and the reply code
/// that contradicts it is dropped. Returns the reconciled pair.
pub fn reconcile(
    reply: Option<ReplyCode>,
    status: Option<Status>,
) -> (Option<ReplyCode>, Option<Status>) {
    match (reply, status) {
        (Some(r), Some(s)) if r.class() != s.class() => (None, Some(s)),
        pair => pair,
    }
}

/// Writes `n` in decimal, as `{}` writes it, into `buf` from `at`;
/// returns where it ends. `buf` has room for the five digits of any `u16`
/// after `at` (the callers' buffers are sized for their numbers).
fn put_decimal(buf: &mut [u8], at: usize, n: u16) -> usize {
    let len = match n {
        0..=9 => 1,
        10..=99 => 2,
        100..=999 => 3,
        1000..=9999 => 4,
        _ => 5,
    };
    let mut n = n;
    for d in buf[at..at + len].iter_mut().rev() {
        *d = b'0' + (n % 10) as u8;
        n /= 10;
    }
    at + len
}

fn digits(bytes: &[u8]) -> usize {
    bytes.iter().take_while(|b| b.is_ascii_digit()).count()
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_the_display_text() {
        for (c, sub, det) in [
            (2, 0, 0),
            (4, 7, 1),
            (5, 999, 10),
            (5, 10, 999),
            (4, 100, 0),
        ] {
            let s = Status::new(c, sub, det).unwrap();
            assert_eq!(s.to_text(), s.to_string());
            let wide = s.with_class(255);
            assert_eq!(wide.to_text(), wide.to_string());
        }
        for code in [200, 250, 421, 550, 554, 559] {
            let r = ReplyCode::new(code).unwrap();
            assert_eq!(r.to_text(), r.to_string());
        }
    }

    /// `Status::parse` as it was written with `split` and `str::parse`.
    fn reference_parse(text: &str) -> Option<Status> {
        fn num<T: std::str::FromStr>(s: &str, max_len: usize) -> Option<T> {
            if s.is_empty() || s.len() > max_len || !s.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            s.parse().ok()
        }
        let mut it = text.trim().split('.');
        let class: u8 = num(it.next()?, 1)?;
        let subject = num(it.next()?, 3)?;
        let detail = num(it.next()?, 3)?;
        if it.next().is_some() {
            return None;
        }
        Status::new(class, subject, detail)
    }

    #[test]
    fn status_parses_as_split_and_parse_did() {
        let mut texts: Vec<String> = [
            "",
            ".",
            "..",
            "...",
            "5",
            "5.",
            "5.1",
            "5.1.",
            "5.1.1",
            "5.1.1.",
            "5.1.1.1",
            " 4.7.26 ",
            "\u{3000}5.1.1",
            "05.1.1",
            "5.01.001",
            "5.0001.1",
            "5.1.1000",
            "3.1.1",
            "9.9.9",
            "2.0.0",
            "5..1",
            ".5.1",
            "5.a.1",
            "+5.1.1",
            "5.1.-1",
            "5.1.1 ",
            "5 .1.1",
            "5.999.999",
            "55.1.1",
            "5.1.1\n",
            "５.1.1",
        ]
        .iter()
        .map(|t| t.to_string())
        .collect();
        for c in ["2", "4", "5", "7", "0"] {
            for sub in ["", "0", "1", "12", "123", "1234"] {
                for det in ["", "0", "9", "99", "999", "9999"] {
                    texts.push(format!("{c}.{sub}.{det}"));
                }
            }
        }
        for t in &texts {
            assert_eq!(Status::parse(t), reference_parse(t), "{t:?}");
        }
    }

    #[test]
    fn reply_codes_parse_as_str_parse_did() {
        for t in [
            "", "550", " 421 ", "5500", "55", "650", "560", "199", "200", "+55", "５50", "0550",
        ] {
            let reference = {
                let t = t.trim();
                if t.len() != 3 || !t.bytes().all(|b| b.is_ascii_digit()) {
                    None
                } else {
                    t.parse().ok().and_then(ReplyCode::new)
                }
            };
            assert_eq!(ReplyCode::parse(t), reference, "{t:?}");
        }
    }

    #[test]
    fn status_parses_and_validates() {
        assert_eq!(Status::parse("5.1.1").unwrap().to_string(), "5.1.1");
        assert_eq!(Status::parse(" 4.7.26 ").unwrap().detail(), 26);
        for bad in ["3.1.1", "5.1", "5.1.1.1", "5.a.1", "", "5.1000.1"] {
            assert!(Status::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn status_is_found_alone_only() {
        assert_eq!(
            Status::find("550 5.1.1 <a@b>: User unknown")
                .unwrap()
                .to_string(),
            "5.1.1"
        );
        assert_eq!(Status::find("sorry (#5.7.1)").unwrap().to_string(), "5.7.1");
        assert!(Status::find("host [192.5.1.1] said").is_none());
        assert!(Status::find("version 25.1.1 build").is_none());
        assert!(Status::find("5.1.1.2").is_none());
        assert_eq!(Status::find("status: 4.2.2.").unwrap().to_string(), "4.2.2");
    }

    #[test]
    fn reply_codes() {
        assert_eq!(
            ReplyCode::find("said: 550 5.1.1 unknown").unwrap().get(),
            550
        );
        assert_eq!(ReplyCode::find("<<< 452 4.2.2 full").unwrap().get(), 452);
        assert_eq!(ReplyCode::find("550-5.1.1 The email").unwrap().get(), 550);
        assert!(ReplyCode::find("port 5500 and #550").is_none());
        assert!(ReplyCode::find("192.168.0.550").is_none());
        assert!(ReplyCode::new(599).is_none());
        assert!(ReplyCode::parse("250").is_some());
        assert_eq!(ReplyCode::find("250 2.0.0 OK").unwrap().get(), 250);
        assert!(ReplyCode::find("queued as 250 messages").is_none());
        // A greeting banner before the refusal is not the answer.
        assert_eq!(
            ReplyCode::find("220-mx.example.jp ESMTP 421 4.2.1 try later")
                .unwrap()
                .get(),
            421
        );
    }

    #[test]
    fn contradictions_are_resolved() {
        let (r, s) = reconcile(ReplyCode::parse("550"), Status::parse("4.2.2"));
        assert_eq!((r, s.unwrap().to_string()), (None, "4.2.2".to_owned()));
        let (r, s) = reconcile(ReplyCode::parse("250"), Status::parse("5.1.1"));
        assert!(r.is_none());
        assert_eq!(s.unwrap().to_string(), "5.1.1");
    }

    #[test]
    fn commands() {
        assert_eq!(
            Command::find("(in reply to RCPT TO command)"),
            Some(Command::Rcpt)
        );
        assert_eq!(
            Command::find("(in reply to end of DATA command)"),
            Some(Command::EndOfData)
        );
        assert_eq!(Command::parse("mail from:"), Some(Command::Mail));
        assert_eq!(Command::EndOfData.as_str(), "DATA");
    }
}
