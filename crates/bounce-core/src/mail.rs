//! One message, parsed once: headers, the human-readable text of the report,
//! the machine-readable parts (delivery status, feedback report) and the
//! returned original. Decoders read a [`Mail`]; none of them parses MIME.

mod walk;

use crate::text::{self, normalize_text};
use mail_parser::parsers::MessageStream;
use mail_parser::{Header, HeaderName, HeaderValue, Message};
use std::borrow::Cow;
use std::sync::OnceLock;
use walk::{Kind, Slot};

/// A message prepared for the decoders.
pub struct Mail<'a> {
    /// The whole message; empty for pasted text.
    data: &'a [u8],
    /// The top-level header block, parsed (`None` for pasted text): the
    /// fields whose value the walk parsed or whose name it looked up.
    headers: Option<Vec<Header<'a>>>,
    /// Every field of the top-level header block, in order: its name and
    /// where it stands (none for pasted text).
    fields: Vec<walk::Field>,
    /// Where the top-level body starts.
    header_end: usize,
    /// The text, the delivery-status and the feedback-report parts: borrowed
    /// from the message where they stand in it as they are (a single text
    /// part, as most have), rather than copied.
    body: Cow<'a, str>,
    dsn: Option<Cow<'a, str>>,
    feedback: Option<Cow<'a, str>>,
    original: Option<Cow<'a, str>>,
    /// The returned original's fields, when it came as a message/rfc822 part
    /// (found in that part's header block while walking, not read again).
    parsed_original: Option<Parsed>,
    /// The raw bytes of the first message/rfc822 part, as it stands in the
    /// input (not decoded).
    attached: Option<&'a [u8]>,
    /// (Static text for the common types, not a copy per message.)
    content_type: Cow<'static, str>,
    /// The first addresses of From and To and the Message-ID, parsed when
    /// first asked: the walk leaves these values unparsed (most messages
    /// never ask for some of them).
    from: OnceLock<String>,
    to: OnceLock<String>,
    message_id: OnceLock<Option<String>>,
}

impl<'a> Mail<'a> {
    /// Parses a message whose line endings are already LF (see
    /// [`crate::text::normalize_newlines`]). `None` when the bytes hold no
    /// header at all.
    ///
    /// Only the parts a decoder reads are decoded: the text of the outer
    /// message, its delivery-status, feedback-report and returned-header parts,
    /// the header block of a returned message/rfc822 part (never its body),
    /// and HTML only when there is no plain text. Parts begin and end where
    /// mail-parser puts them, so the result is what a full mail-parser parse
    /// gives.
    pub fn parse(bytes: &'a [u8]) -> Option<Mail<'a>> {
        let walked = walk::walk(bytes, true)?;
        if walked.fields.is_empty() {
            return None;
        }
        let mut mail = Mail {
            data: bytes,
            headers: None,
            fields: Vec::new(),
            header_end: walked.body,
            body: Cow::Borrowed(""),
            dsn: None,
            feedback: None,
            original: None,
            parsed_original: None,
            attached: None,
            from: OnceLock::new(),
            to: OnceLock::new(),
            message_id: OnceLock::new(),
            content_type: walk::content_type_of(walk::content_type(&walked.headers)),
        };
        let mut html: Option<Cow<'a, str>> = None;
        for slot in walked.slots {
            match slot {
                Slot::Ignore | Slot::Pending { .. } => {}
                Slot::Text { kind, text } => match kind {
                    Kind::RfcHeaders | Kind::RfcHeader => {
                        if mail.original.is_none() {
                            mail.original = Some(normalized(text));
                        }
                    }
                    Kind::Dsn | Kind::TextDsn => {
                        mail.dsn.get_or_insert_with(|| normalized(text));
                    }
                    Kind::Feedback => {
                        mail.feedback.get_or_insert_with(|| normalized(text));
                    }
                    _ => push_text(&mut mail.body, text),
                },
                Slot::Html(h) => {
                    if html.is_none() {
                        html = Some(h);
                    }
                }
                Slot::Binary { kind, bytes } => {
                    // (Borrowed from the message when the part was not
                    // transfer-encoded.)
                    let lossy = || {
                        normalized(match bytes {
                            Cow::Borrowed(b) => walk::lossy(b),
                            Cow::Owned(v) => Cow::Owned(String::from_utf8(v).unwrap_or_else(|e| {
                                String::from_utf8_lossy(e.as_bytes()).into_owned()
                            })),
                        })
                    };
                    match kind {
                        Kind::Dsn if mail.dsn.is_none() => {
                            mail.dsn = Some(lossy());
                        }
                        Kind::Feedback if mail.feedback.is_none() => {
                            mail.feedback = Some(lossy());
                        }
                        Kind::RfcHeaders | Kind::Original if mail.original.is_none() => {
                            mail.original = Some(lossy());
                        }
                        _ => {}
                    }
                }
                Slot::Nested(n) => {
                    if mail.attached.is_none() {
                        mail.attached = bytes.get(n.start..n.end);
                    }
                    if mail.original.is_none() {
                        mail.original = Some(walk::lossy(n.raw_start(bytes)));
                        mail.parsed_original = Some(Parsed::Fields(n.fields));
                    }
                }
                Slot::Decoded { original, parsed } => {
                    if mail.original.is_none() {
                        mail.original = Some(Cow::Owned(original));
                        mail.parsed_original = Some(Parsed::Read(parsed));
                    }
                }
            }
        }
        if mail.body.trim().is_empty() {
            if let Some(h) = html {
                // Only a message with no plain text pays for decoding HTML and
                // turning it into text.
                let text = walk::html_to_text(&h);
                mail.body = Cow::Owned(normalized(Cow::Owned(text)).into_owned());
            }
        }
        mail.headers = Some(walked.headers);
        mail.fields = walked.fields;
        Some(mail)
    }

    /// A message made of pasted text alone, without headers (`bounce explain`).
    pub fn pasted(text: &str) -> Mail<'static> {
        Mail {
            data: b"",
            headers: None,
            fields: Vec::new(),
            header_end: 0,
            body: Cow::Owned(normalized(Cow::Borrowed(text)).into_owned()),
            dsn: None,
            feedback: None,
            original: None,
            parsed_original: None,
            attached: None,
            content_type: Cow::Borrowed(""),
            from: OnceLock::new(),
            to: OnceLock::new(),
            message_id: OnceLock::new(),
        }
    }

    /// The human-readable text of the message: every text part outside the
    /// returned original, decoded to UTF-8 with LF line endings (HTML turned
    /// into text when there is no plain text).
    pub fn body(&self) -> &str {
        &self.body
    }

    /// The content of a message/delivery-status part (RFC 3464), if any.
    pub fn dsn(&self) -> Option<&str> {
        self.dsn.as_deref()
    }

    /// The content of a message/feedback-report part (RFC 5965), if any.
    pub fn feedback(&self) -> Option<&str> {
        self.feedback.as_deref()
    }

    /// The header block of the returned original message, when it came as a
    /// MIME part (message/rfc822 or text/rfc822-headers).
    pub fn original_headers(&self) -> Option<&str> {
        self.original.as_deref()
    }

    /// The raw bytes of the first attached message (a message/rfc822 part
    /// that was not transfer-encoded), for the decoders of notices that wrap
    /// a whole bounce: `Mail::parse` on it reads the inner bounce. Parsing it
    /// is left to the decoder that needs it, so no other message pays for it.
    pub fn attached(&self) -> Option<&'a [u8]> {
        self.attached
    }

    /// What is known of the returned original when it came as a MIME part:
    /// read from the part's header block while walking, or from the header
    /// block.
    pub fn original(&self) -> Option<Original> {
        self.original_with(true)
    }

    /// [`Mail::original`] with its `to` left empty, not read: for callers
    /// that do not read it (an address is the costliest value to read).
    pub fn original_without_to(&self) -> Option<Original> {
        self.original_with(false)
    }

    fn original_with(&self, to: bool) -> Option<Original> {
        match &self.parsed_original {
            Some(Parsed::Read(o)) => Some(Original {
                to: if to { o.to.clone() } else { String::new() },
                ..o.clone()
            }),
            Some(Parsed::Fields(f)) => Some(Original::from_fields(f, self.data, to)),
            None => self
                .original_headers()
                .map(|block| Original::from_headers_with(block, to)),
        }
    }

    /// The top-level content type, lowercased (`multipart/report`...), empty
    /// when absent.
    pub fn content_type(&self) -> &str {
        &self.content_type
    }

    /// The `report-type` parameter of a multipart/report message.
    pub fn report_type(&self) -> Option<&str> {
        self.value(HeaderName::ContentType)?
            .as_content_type()?
            .attribute("report-type")
    }

    /// The raw value of the first top-level header called `name`
    /// (case-insensitive), trimmed, continuation lines kept as they are.
    pub fn header(&self, name: &str) -> Option<Cow<'_, str>> {
        self.header_where(name, self.fields.iter())
    }

    /// [`Mail::header`] for the last header called `name` (the `Received`
    /// field nearest the message's end, say), without reading the others'
    /// values.
    pub fn last_header(&self, name: &str) -> Option<Cow<'_, str>> {
        self.header_where(name, self.fields.iter().rev())
    }

    /// The raw value of the first of `fields` called `name`.
    fn header_where<'m>(
        &'m self,
        name: &str,
        mut fields: impl Iterator<Item = &'m walk::Field>,
    ) -> Option<Cow<'m, str>> {
        let f = match walk::known_field(name) {
            // The walk gives a field of a known name, however written, as
            // its name: compared by name alone.
            Some(known) => {
                let known = walk::Name::of(&known);
                fields.find(|f| f.name == known)?
            }
            None => fields.find(|f| match self.name_of(f) {
                Ok(known) => known.eq_ignore_ascii_case(name),
                Err(written) => written.eq_ignore_ascii_case(name.as_bytes()),
            })?,
        };
        Some(raw_value(self.data, f))
    }

    /// Every top-level header as (name, raw value), in order.
    pub fn headers(&self) -> impl Iterator<Item = (&str, Cow<'_, str>)> + '_ {
        self.fields.iter().map(move |f| {
            let name = match self.name_of(f) {
                Ok(known) => known,
                // Printable ASCII (see `walk::header_name`): the check
                // always passes.
                Err(written) => std::str::from_utf8(written).unwrap_or_default(),
            };
            (name, raw_value(self.data, f))
        })
    }

    /// The name of a top-level field as mail-parser gives it (`Ok`), or, for
    /// one the walk left empty, as written (`Err`, see `walk::header_name`).
    fn name_of(&self, f: &walk::Field) -> Result<&str, &[u8]> {
        if let Some(known) = f.name.known_str() {
            return Ok(known);
        }
        // A name looked up has its `Header` beside the field's.
        let looked_up = match f.name {
            walk::Name::Unnamed => None,
            _ => self
                .headers
                .iter()
                .flatten()
                .find(|h| h.offset_field == f.offset_field)
                .map(|h| &h.name),
        };
        match looked_up {
            Some(HeaderName::Other(n)) if n.is_empty() => Err(self.written_name(f)),
            Some(name) => Ok(name.as_str()),
            None => Err(self.written_name(f)),
        }
    }

    /// The name of a top-level field that the walk left empty, as written
    /// (see `walk::header_name`).
    fn written_name(&self, f: &walk::Field) -> &[u8] {
        walk::written_name(self.data, f.offset_field as usize, f.offset_start as usize)
    }

    /// The last top-level field of a known name (as [`last_named`] finds it).
    fn last_field(&self, name: &HeaderName<'_>) -> Option<&walk::Field> {
        let name = walk::Name::of(name);
        self.fields.iter().rev().find(|f| f.name == name)
    }

    /// The parsed value of the last top-level header called `name`, as
    /// mail-parser's accessors read it.
    fn value(&self, name: HeaderName<'_>) -> Option<&mail_parser::HeaderValue<'a>> {
        last_named(self.headers.as_ref()?, &name).map(|h| &h.value)
    }

    /// The value of the last top-level header called `name`, parsed now
    /// from where it stands in the message, as the walk would have (for the
    /// fields it leaves unparsed).
    fn parse_last(
        &self,
        name: HeaderName<'_>,
        simple: walk::SimpleParser<'a>,
        full: walk::FullParser<'a>,
    ) -> Option<HeaderValue<'a>> {
        let f = self.last_field(&name)?;
        let start = (f.offset_start as usize).min(self.data.len());
        Some(walk::field_value(self.data, start, simple, full).0)
    }

    /// The address of the first mailbox of the last top-level field called
    /// `name`, read from where it stands (as `parse_last` would parse it,
    /// then [`first_address`]); empty when there is none.
    fn first_address_of(&self, name: HeaderName<'_>) -> String {
        let Some(f) = self.last_field(&name) else {
            return String::new();
        };
        let start = (f.offset_start as usize).min(self.data.len());
        walk::first_address_at(self.data, start)
    }

    /// The decoded Subject.
    pub fn subject(&self) -> &str {
        self.value(HeaderName::Subject)
            .and_then(|v| v.as_text())
            .unwrap_or("")
    }

    /// The address of the first From mailbox, as written.
    pub fn from_address(&self) -> &str {
        self.from
            .get_or_init(|| self.first_address_of(HeaderName::From))
    }

    /// The display name and address of From, as one string for matching
    /// (`Mail Delivery System <MAILER-DAEMON@example.jp>`).
    pub fn from_text(&self) -> Cow<'_, str> {
        self.header("From").unwrap_or(Cow::Borrowed(""))
    }

    /// The address of the first To mailbox, as written.
    pub fn to_address(&self) -> &str {
        self.to
            .get_or_init(|| self.first_address_of(HeaderName::To))
    }

    /// Unix time and offset (`+0900`) of the Date header.
    pub fn date(&self) -> Option<(i64, String)> {
        let d = self.value(HeaderName::Date)?.as_datetime()?;
        Some(date_parts(d))
    }

    /// The Message-ID of the bounce itself, without brackets.
    pub fn message_id(&self) -> Option<&str> {
        self.message_id
            .get_or_init(|| {
                let id = self.parse_last(
                    HeaderName::MessageId,
                    walk::simple_id,
                    MessageStream::parse_id,
                )?;
                id.as_text().map(str::to_owned)
            })
            .as_deref()
    }

    /// The raw header block of the bounce (everything before its body).
    pub fn raw_headers(&self) -> &[u8] {
        match &self.headers {
            Some(_) => &self.data[..self.header_end.min(self.data.len())],
            None => b"",
        }
    }

    /// Whether the message came with headers (false for pasted text).
    pub fn has_headers(&self) -> bool {
        self.headers.is_some()
    }
}

/// The last header called `name` (a known name: the walk leaves most other
/// names unread), as mail-parser's `header_value` finds it. A known name is
/// equal to its own variant alone, so the variants are compared directly
/// rather than through `HeaderName`'s `eq`, a call per field.
fn last_named<'h, 'v>(headers: &'h [Header<'v>], name: &HeaderName<'_>) -> Option<&'h Header<'v>> {
    debug_assert!(!matches!(name, HeaderName::Other(_)));
    let variant = std::mem::discriminant(name);
    headers
        .iter()
        .rev()
        .find(|h| std::mem::discriminant(&h.name) == variant)
}

/// The address of the first mailbox of an address header, or "".
fn first_address<'v>(value: Option<&'v mail_parser::HeaderValue<'_>>) -> &'v str {
    value
        .and_then(|v| v.as_address())
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .unwrap_or("")
}

/// The raw text of a field's value, trimmed; invalid UTF-8 replaced.
fn raw_value<'m>(raw: &'m [u8], h: &walk::Field) -> Cow<'m, str> {
    let start = (h.offset_start as usize).min(raw.len());
    let end = (h.offset_end as usize).clamp(start, raw.len());
    match walk::lossy(&raw[start..end]) {
        Cow::Borrowed(s) => Cow::Borrowed(s.trim()),
        Cow::Owned(s) => Cow::Owned(s.trim().to_owned()),
    }
}

/// Date as Unix seconds and `+HHMM`.
pub fn date_parts(d: &mail_parser::DateTime) -> (i64, String) {
    // What `format!("{sign}{:02}{:02}", ...)` writes, without the
    // formatting machinery (this runs for every date read).
    fn push_two(s: &mut String, v: u8) {
        if v >= 100 {
            s.push(char::from(b'0' + v / 100));
        }
        s.push(char::from(b'0' + v / 10 % 10));
        s.push(char::from(b'0' + v % 10));
    }
    let mut zone = String::with_capacity(5);
    zone.push(if d.tz_before_gmt { '-' } else { '+' });
    push_two(&mut zone, d.tz_hour);
    push_two(&mut zone, d.tz_minute);
    (d.to_timestamp(), zone)
}

/// Parses an RFC 5322 date (`Mon, 1 Jan 2024 10:00:00 +0900`) into Unix
/// seconds and offset.
pub fn parse_date(text: &str) -> Option<(i64, String)> {
    let text = text.trim().as_bytes();
    // The canonical form is read by the walk's fast path, given the text as
    // a field value ending its line (mail-parser reads a date the same at
    // the end of its input as before a line break), copied on the stack.
    let mut line = [0u8; 64];
    let fast = line.get_mut(..text.len() + 1).and_then(|value| {
        value[..text.len()].copy_from_slice(text);
        value[text.len()] = b'\n';
        walk::simple_date(value, 0).map(|(d, _)| d)
    });
    let d = fast.unwrap_or_else(|| MessageStream::new(text).parse_date());
    match d {
        mail_parser::HeaderValue::DateTime(d) if d.is_valid() => Some(date_parts(&d)),
        _ => None,
    }
}

/// [`normalize_text`], which gives text without CR back as it is, after a
/// vector search for CR first (`memchr`'s, faster on long text than the
/// standard library's that `normalize_text` uses): most text has none.
fn normalized(text: Cow<'_, str>) -> Cow<'_, str> {
    if memchr::memchr(b'\r', text.as_bytes()).is_none() {
        return text;
    }
    normalize_text(text)
}

/// Adds a text part to the body: the first one as it is (borrowed when it
/// is), the next ones each on a line of its own.
fn push_text<'a>(body: &mut Cow<'a, str>, t: Cow<'a, str>) {
    if body.is_empty() {
        *body = normalized(t);
        return;
    }
    let body = body.to_mut();
    if !body.ends_with('\n') {
        body.push('\n');
    }
    body.push_str(&normalized(t));
}

/// The returned original of a message/rfc822 part, as the walk left it.
enum Parsed {
    /// Where its fields stand in the message, read when asked.
    Fields(walk::OriginalFields),
    /// Already read (from a transfer-encoded part, decoded while walking).
    Read(Original),
}

/// What is known of the returned original message.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Original {
    /// The original sender (From, else Return-Path).
    pub from: String,
    /// The original To.
    pub to: String,
    /// The decoded Subject.
    pub subject: String,
    /// Message-ID without brackets.
    pub message_id: String,
    /// List-Id.
    pub list_id: String,
    /// Date as Unix seconds and offset.
    pub date: Option<(i64, String)>,
}

impl Original {
    /// Reads the fields of interest from a header block (the start of the
    /// returned original), decoding RFC 2047 encoded words.
    pub fn from_headers(block: &str) -> Original {
        Original::from_headers_with(block, true)
    }

    /// [`Original::from_headers`] with `to` left empty, not read: for callers
    /// that do not read it (an address is the costliest value to read).
    pub fn from_headers_without_to(block: &str) -> Original {
        Original::from_headers_with(block, false)
    }

    fn from_headers_with(block: &str, to: bool) -> Original {
        let block = block.trim_start_matches(['\n', ' ', '\t']).as_bytes();
        Original::from_fields(&walk::OriginalFields::read(block), block, to)
    }

    /// Reads the fields of interest where `fields` found them; `raw` is what
    /// its offsets point into. Each value is parsed as the walk parses a
    /// field (mail-parser's parser for it, or the fast path that gives the
    /// same), the last field of each name counting (as mail-parser's
    /// `header_value` reads them); To only when `to` is asked.
    fn from_fields(fields: &walk::OriginalFields, raw: &[u8], to: bool) -> Original {
        fn parse<'r>(
            raw: &'r [u8],
            at: Option<(usize, usize)>,
            simple: walk::SimpleParser<'r>,
            full: walk::FullParser<'r>,
        ) -> Option<HeaderValue<'r>> {
            at.map(|(start, _)| walk::field_value(raw, start, simple, full).0)
        }
        let address = |at: Option<(usize, usize)>| {
            at.map_or_else(String::new, |(start, _)| walk::first_address_at(raw, start))
        };
        let text = |value: Option<HeaderValue<'_>>| {
            value
                .as_ref()
                .and_then(|v| v.as_text())
                .unwrap_or("")
                .to_owned()
        };
        let raw_of = |at: Option<(usize, usize)>| {
            let (start, end) = at?;
            std::str::from_utf8(raw.get(start..end)?).ok()
        };
        let [from, to_at, subject, message_id, return_path, list_id] = fields.spans();
        let mut from = address(from);
        if from.is_empty() {
            if let Some(rp) = raw_of(return_path) {
                from = text::find_address(rp).unwrap_or("").to_owned();
            }
        }
        Original {
            from,
            to: if to { address(to_at) } else { String::new() },
            subject: text(parse(
                raw,
                subject,
                walk::simple_unstructured,
                MessageStream::parse_unstructured,
            )),
            message_id: text(parse(
                raw,
                message_id,
                walk::simple_id,
                MessageStream::parse_id,
            )),
            list_id: raw_of(list_id)
                .map(|l| l.trim().to_owned())
                .unwrap_or_default(),
            date: fields
                .date()
                .filter(|d| d.is_valid())
                .map(|d| date_parts(&d)),
        }
    }

    /// Reads the fields of interest from a message mail-parser parsed.
    pub fn from_message(msg: &Message<'_>) -> Original {
        let first = |a: Option<&mail_parser::Address<'_>>| {
            a.and_then(|a| a.first())
                .and_then(|a| a.address())
                .unwrap_or("")
                .to_owned()
        };
        let mut from = first(msg.from());
        if from.is_empty() {
            if let Some(rp) = msg.header_raw("Return-Path") {
                from = text::find_address(rp).unwrap_or("").to_owned();
            }
        }
        Original {
            from,
            to: first(msg.to()),
            subject: msg.subject().unwrap_or("").to_owned(),
            message_id: msg.message_id().unwrap_or("").to_owned(),
            list_id: msg
                .header_raw("List-Id")
                .map(|l| l.trim().to_owned())
                .unwrap_or_default(),
            date: msg.date().filter(|d| d.is_valid()).map(date_parts),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DSN: &str = "From: MAILER-DAEMON@mx.example.jp (Mail Delivery System)\n\
To: sender@example.org\n\
Subject: Undelivered Mail Returned to Sender\n\
Date: Mon, 1 Jan 2024 10:00:00 +0900\n\
MIME-Version: 1.0\n\
Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\
\n\
--B\n\
Content-Type: text/plain; charset=us-ascii\n\
\n\
I'm sorry to have to inform you.\n\
--B\n\
Content-Type: message/delivery-status\n\
\n\
Reporting-MTA: dns; mx.example.jp\n\
\n\
Final-Recipient: rfc822; user@example.jp\n\
Action: failed\n\
Status: 5.1.1\n\
--B\n\
Content-Type: message/rfc822\n\
\n\
From: sender@example.org\n\
To: user@example.jp\n\
Subject: =?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?=\n\
Message-ID: <abc@example.org>\n\
\n\
hello\n\
--B--\n";

    #[test]
    fn parts_are_sorted_out() {
        let m = Mail::parse(DSN.as_bytes()).unwrap();
        assert_eq!(m.content_type(), "multipart/report");
        assert_eq!(m.report_type(), Some("delivery-status"));
        assert!(m.body().contains("I'm sorry"));
        assert!(m
            .dsn()
            .unwrap()
            .contains("Final-Recipient: rfc822; user@example.jp"));
        let o = Original::from_headers(m.original_headers().unwrap());
        assert_eq!(o.from, "sender@example.org");
        assert_eq!(o.subject, "テスト");
        assert_eq!(o.message_id, "abc@example.org");
        // The same, To aside, when To is not asked.
        let cleared = Original {
            to: String::new(),
            ..o.clone()
        };
        assert_eq!(
            Original::from_headers_without_to(m.original_headers().unwrap()),
            cleared
        );
        assert_eq!(m.original().unwrap(), o);
        assert_eq!(m.original_without_to().unwrap(), cleared);
        assert_eq!(m.subject(), "Undelivered Mail Returned to Sender");
        assert_eq!(m.from_address(), "MAILER-DAEMON@mx.example.jp");
        assert_eq!(m.date().unwrap(), (1704070800, "+0900".to_owned()));
        assert_eq!(m.header("reporting-mta"), None);
        assert_eq!(m.header("to").as_deref(), Some("sender@example.org"));
    }

    #[test]
    fn dates() {
        assert_eq!(
            parse_date("Thu, 29 Apr 2010 23:34:45 +0900").unwrap().1,
            "+0900"
        );
        assert!(parse_date("garbage").is_none());
    }

    #[test]
    fn dates_read_as_mail_parser_reads_them() {
        let reference = |text: &str| match MessageStream::new(text.trim().as_bytes()).parse_date() {
            HeaderValue::DateTime(d) if d.is_valid() => {
                let sign = if d.tz_before_gmt { '-' } else { '+' };
                Some((
                    d.to_timestamp(),
                    format!("{sign}{:02}{:02}", d.tz_hour, d.tz_minute),
                ))
            }
            _ => None,
        };
        for text in [
            "Thu, 29 Apr 2010 23:34:45 +0900",
            " Mon, 1 Jan 2024 10:00:00 -0130 (EST) ",
            "1 Jan 2024 10:00:00 +0000",
            "Mon, 31 Feb 2024 10:00:00 +0900",
            "Mon, 1 Jan 99 10:00:00 +0900",
            "Mon, 1 Jan 2024 10:00:00 +9999",
            "Mon, 1 Jan 2024 10:00:00 GMT",
            "Mon, 1 Jan 2024 10:00:00 +0900\nX",
            "Mon, 1 Jan 2024 10:00:00 +0900 (a\nb)",
            "Mon,  1 Jan 2024 10:00:00 +0900",
            "Mon, 1 Jan 2024 10:00:00 +0900 (very long comment that does not fit the line buffer)",
            "",
        ] {
            assert_eq!(parse_date(text), reference(text), "{text:?}");
        }
    }

    #[test]
    fn mail_is_send_sync_and_covariant() {
        fn check<T: Send + Sync>() {}
        check::<Mail<'static>>();
        // Covariance: a longer-lived message passes where a shorter one is asked.
        fn shorten<'s>(m: &'s Mail<'static>) -> &'s Mail<'s> {
            m
        }
        let m = Mail::pasted("x");
        assert_eq!(shorten(&m).body(), "x");
    }

    #[test]
    fn no_headers_is_none() {
        assert!(Mail::parse(b"").is_none());
    }

    #[test]
    fn last_header_is_the_last_of_the_headers_of_that_name() {
        let raw = b"Received: by a.example\nX-Tag: 1\nreceived: from b\n by b.example;\nX-Tag: 2\nSubject: s\n\nbody\n";
        let mail = Mail::parse(raw).unwrap();
        for name in ["Received", "RECEIVED", "x-tag", "Subject", "X-None"] {
            let last = mail
                .headers()
                .filter(|(n, _)| n.eq_ignore_ascii_case(name))
                .last()
                .map(|(_, v)| v);
            assert_eq!(mail.last_header(name), last, "{name}");
        }
        assert_eq!(
            mail.last_header("received").as_deref(),
            Some("from b\n by b.example;")
        );
        assert_eq!(mail.header("received").as_deref(), Some("by a.example"));
    }
}
