//! The MIME walk behind [`super::Mail::parse`]: mail-parser's message state
//! machine (`MessageParser::parse`), followed step by step so that parts
//! begin and end exactly where mail-parser puts them, but doing only the
//! work a decoder needs.
//!
//! - Header values are skipped (with `memchr`) except those that steer the
//!   walk or that are read (the MIME fields, Subject, From, To, Date,
//!   Message-ID), parsed only in the header blocks where they are read (see
//!   [`Block`]): the common simple forms by small parsers of our own
//!   (`simple_content_type`, `simple_unstructured`, `simple_id`,
//!   `simple_date`, `simple_address`) that give what mail-parser's give and
//!   stop where they stop (tested against them), any other by mail-parser's
//!   own field parsers. The outer message's
//!   From, To and Message-ID are parsed by [`super::Mail`] when asked. A
//!   skipped value ends where its parser would have ended (Date's excepted,
//!   which is always parsed), so offsets stay mail-parser's.
//! - HTML is turned into text by [`html_to_text`], mail-parser's function
//!   with what it ignores passed over with `memchr`.
//! - A part is decoded (transfer encoding, then charset) only when its content
//!   is read: the text parts of the outer message, its delivery-status,
//!   feedback-report and returned-header parts, and the first HTML part when
//!   no text came before it (read only when the message has no text at all;
//!   decoded while walking, not scanned and decoded again).
//! - Every other part (attachments, the returned original's body, HTML beside
//!   plain text) is only scanned for where it ends, and for whether
//!   mail-parser's decoder would have refused it (which changes how
//!   mail-parser classifies the part, so it must be known).
//! - Nothing recurses except the parse of a transfer-encoded message/rfc822
//!   part, bounded to the same depth as mail-parser's (3).

use mail_parser::decoders::charsets::map::charset_decoder;
use mail_parser::decoders::quoted_printable::HEX_MAP;
use mail_parser::parsers::MessageStream;
use mail_parser::{Attribute, ContentType, Header, HeaderName, HeaderValue};
use std::borrow::Cow;

/// How deep transfer-encoded message/rfc822 parts are parsed (mail-parser's
/// `MAX_NESTED_ENCODED`).
const MAX_NESTED_ENCODED: usize = 3;

/// mail-parser's classification of a part by its content type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum MimeType {
    /// multipart/*; `digest` when its parts default to message/rfc822.
    Multipart {
        digest: bool,
    },
    TextPlain,
    TextHtml,
    TextOther,
    Message,
    /// Anything that is neither text nor a message (images included).
    Other,
}

/// Returns (is multipart, is text, type), as mail-parser decides them.
fn mime_type(ct: Option<&ContentType<'_>>, parent: MimeType) -> (bool, bool, MimeType) {
    match ct {
        Some(ct) => match ct.ctype() {
            "multipart" => (
                true,
                false,
                MimeType::Multipart {
                    digest: ct.subtype() == Some("digest"),
                },
            ),
            "text" => match ct.subtype() {
                Some("plain") => (false, true, MimeType::TextPlain),
                Some("html") => (false, true, MimeType::TextHtml),
                _ => (false, true, MimeType::TextOther),
            },
            "message" if matches!(ct.subtype(), Some("rfc822" | "global")) => {
                (false, false, MimeType::Message)
            }
            _ => (false, false, MimeType::Other),
        },
        None if parent == (MimeType::Multipart { digest: true }) => {
            (false, false, MimeType::Message)
        }
        None => (false, true, MimeType::TextPlain),
    }
}

/// Content-Transfer-Encoding, as far as mail-parser decodes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Encoding {
    None,
    Base64,
    QuotedPrintable,
}

/// A part of the outer message as [`super::Mail`] sees it, in part order.
pub(crate) enum Slot<'a> {
    /// A multipart container, or a part nobody reads.
    Ignore,
    /// A message/rfc822 part parsed in place, not yet closed (`body`: where
    /// its content starts); stays so when it never is.
    Pending { body: usize },
    /// Text: decoded to UTF-8.
    Text { kind: Kind, text: Cow<'a, str> },
    /// The first HTML part, decoded to UTF-8, when no text with more than
    /// white space came before it; any other HTML part is `Ignore`. (Only a
    /// message without such text reads its first HTML part; one that has
    /// such text after its HTML decodes that HTML for nothing.)
    Html(Cow<'a, str>),
    /// A part that is not text, decoded from its transfer encoding; only kept
    /// for the content types read (see [`Kind::keeps_binary`]).
    Binary { kind: Kind, bytes: Cow<'a, [u8]> },
    /// A message/rfc822 part parsed in place.
    Nested(Nested),
    /// A transfer-encoded message/rfc822 part, already read.
    Decoded {
        original: String,
        parsed: super::Original,
    },
}

/// A returned message parsed in place: what its header block says of it
/// and offsets in the outer message.
pub(crate) struct Nested {
    /// Where the fields [`super::Original`] reads stand (offsets in the
    /// outer message).
    pub(crate) fields: OriginalFields,
    /// Where its header block starts, its body starts and it ends.
    pub(crate) start: usize,
    pub(crate) body: usize,
    pub(crate) end: usize,
}

impl Nested {
    /// What mail-parser's `raw_message()` cut at the first part's body offset
    /// gave: the bytes from the start of the nested message, as many as the
    /// body offset (an offset in the outer message) says.
    ///
    /// FIXME: the header block alone (`data[start..body]`) is what is meant;
    /// this also holds the start of the returned body. Kept so that results
    /// stay those of the full parse; decoders read up to the blank line.
    pub(crate) fn raw_start<'d>(&self, data: &'d [u8]) -> &'d [u8] {
        let raw = data.get(self.start..self.end).unwrap_or_default();
        &raw[..self.body.min(raw.len())]
    }
}

/// The parts of a message that matter to [`super::Mail`]: the first part's
/// headers and offsets and, for the outer message, a slot per part.
pub(crate) struct Walked<'a> {
    /// Number of parts (mail-parser's `parts.len()`).
    parts: usize,
    /// The first part's headers (the message's own header block), kept for
    /// the outer message only: the fields whose value is parsed, and those
    /// whose name is looked up (see [`read_headers`]).
    pub(crate) headers: Vec<Header<'a>>,
    /// Every field of that block, in order.
    pub(crate) fields: Vec<Field>,
    /// What [`super::Original`] reads of the first part's header block, for
    /// a returned message (not collecting).
    original: OriginalFields,
    /// First part: start of its header block, of its body, and its end.
    pub(crate) start: usize,
    pub(crate) body: usize,
    pub(crate) end: usize,
    /// One per part, when collecting (the outer message only).
    pub(crate) slots: Vec<Slot<'a>>,
    collect: bool,
    /// Whether a slot holds text with more than white space that goes to
    /// the body (see [`Kind::is_body`]), and whether one holds HTML.
    body_text: bool,
    html_seen: bool,
}

impl<'a> Walked<'a> {
    fn new(collect: bool) -> Walked<'a> {
        Walked {
            parts: 0,
            headers: Vec::new(),
            fields: Vec::new(),
            original: OriginalFields::default(),
            start: 0,
            body: 0,
            end: 0,
            // Room for the parts of most messages at once.
            slots: if collect {
                Vec::with_capacity(8)
            } else {
                Vec::new()
            },
            collect,
            body_text: false,
            html_seen: false,
        }
    }

    fn is_empty(&self) -> bool {
        self.parts == 0
    }

    fn push(
        &mut self,
        headers: &mut Vec<Header<'a>>,
        fields: &mut Vec<Field>,
        start: usize,
        body: usize,
        end: usize,
        slot: Slot<'a>,
    ) {
        if self.parts == 0 {
            if self.collect {
                // The vector goes with the message; the next parts' fields
                // go into a new one, made when the first comes (a message of
                // a single part has none).
                self.headers = std::mem::take(headers);
                self.fields = std::mem::take(fields);
            } else {
                // A returned message: only what `Original` reads is kept,
                // and the vector is used again for the next part.
                self.original = OriginalFields::of(headers);
                headers.clear();
            }
            self.start = start;
            self.body = body;
            self.end = end;
        } else {
            headers.clear();
        }
        if self.collect {
            self.slots.push(slot);
        }
        self.parts += 1;
    }

    fn set_end(&mut self, part: usize, end: usize) {
        if part == 0 {
            self.end = end;
        }
    }

    fn set_slot(&mut self, part: usize, slot: Slot<'a>) {
        if let Some(s) = self.slots.get_mut(part) {
            *s = slot;
        }
    }

    fn into_nested(self) -> Nested {
        Nested {
            fields: self.original,
            start: self.start,
            body: self.body,
            end: self.end,
        }
    }
}

/// mail-parser's per-level parser state, less what only its body lists need.
struct State<'a> {
    mime_type: MimeType,
    /// Borrowed from the message where it stands there as it is (most do).
    boundary: Option<Cow<'a, [u8]>>,
    part_id: usize,
}

/// The content types [`super::Mail`] tells apart, by their lowercased
/// `type/subtype` (see [`content_type_of`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// text/rfc822-headers
    RfcHeaders,
    /// text/rfc822-header
    RfcHeader,
    /// message/delivery-status, message/global-delivery-status
    Dsn,
    /// text/delivery-status
    TextDsn,
    /// message/feedback-report
    Feedback,
    /// message/rfc822-headers, message/rfc822, message/global-headers
    Original,
    /// Any other, or none.
    Other,
}

impl Kind {
    /// The kind of a part's content type, read without allocating: type and
    /// subtype are compared apart, case aside, as their lowercased
    /// `type/subtype` would be (a type holds no `/`).
    fn of(ct: Option<&ContentType<'_>>) -> Kind {
        let Some(ct) = ct else {
            return Kind::Other;
        };
        let Some(sub) = ct.subtype() else {
            return Kind::Other;
        };
        let is = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
        let ctype = ct.ctype();
        if is(ctype, "text") {
            if is(sub, "rfc822-headers") {
                Kind::RfcHeaders
            } else if is(sub, "rfc822-header") {
                Kind::RfcHeader
            } else if is(sub, "delivery-status") {
                Kind::TextDsn
            } else {
                Kind::Other
            }
        } else if is(ctype, "message") {
            if is(sub, "delivery-status") || is(sub, "global-delivery-status") {
                Kind::Dsn
            } else if is(sub, "feedback-report") {
                Kind::Feedback
            } else if is(sub, "rfc822-headers") || is(sub, "rfc822") || is(sub, "global-headers") {
                Kind::Original
            } else {
                Kind::Other
            }
        } else {
            Kind::Other
        }
    }

    /// Whether [`super::Mail`] adds a text part of this kind to the body.
    fn is_body(self) -> bool {
        !matches!(
            self,
            Kind::RfcHeaders | Kind::RfcHeader | Kind::Dsn | Kind::TextDsn | Kind::Feedback
        )
    }

    /// Whether [`super::Mail`] reads a part of this kind that is not text.
    fn keeps_binary(self) -> bool {
        matches!(
            self,
            Kind::Dsn | Kind::Feedback | Kind::RfcHeaders | Kind::Original
        )
    }
}

/// `type/subtype`, lowercased; empty without a content type. The common
/// ones (read as lowercase tokens, see [`known_token`]) as static text.
pub(crate) fn content_type_of(ct: Option<&ContentType<'_>>) -> Cow<'static, str> {
    match ct {
        Some(ct) => {
            let (ctype, sub) = (ct.ctype(), ct.subtype());
            let known = match (ctype, sub) {
                ("multipart", Some("report")) => "multipart/report",
                ("multipart", Some("mixed")) => "multipart/mixed",
                ("multipart", Some("alternative")) => "multipart/alternative",
                ("multipart", Some("related")) => "multipart/related",
                ("text", Some("plain")) => "text/plain",
                ("text", Some("html")) => "text/html",
                ("message", Some("delivery-status")) => "message/delivery-status",
                ("message", Some("rfc822")) => "message/rfc822",
                _ => "",
            };
            if !known.is_empty() {
                return Cow::Borrowed(known);
            }
            let mut s = String::with_capacity(ctype.len() + sub.map_or(0, |s| s.len() + 1));
            s.push_str(ctype);
            if let Some(sub) = sub {
                s.push('/');
                s.push_str(sub);
            }
            s.make_ascii_lowercase();
            Cow::Owned(s)
        }
        None => Cow::Borrowed(""),
    }
}

/// The value of the last Content-Type field, as mail-parser's
/// `header_value` finds it (a known name is equal to its variant alone, so
/// the variant is matched, with no call to `HeaderName`'s `eq`).
pub(crate) fn content_type<'h, 'a>(headers: &'h [Header<'a>]) -> Option<&'h ContentType<'a>> {
    headers
        .iter()
        .rev()
        .find(|h| matches!(h.name, HeaderName::ContentType))
        .and_then(|h| h.value.as_content_type())
}

/// `String::from_utf8_lossy`, checking first with the faster validator (most
/// text is valid).
pub(crate) fn lossy(bytes: &[u8]) -> Cow<'_, str> {
    match utf8(bytes) {
        Some(s) => Cow::Borrowed(s),
        None => String::from_utf8_lossy(bytes),
    }
}

/// `std::str::from_utf8(bytes).ok()`: for long text (parts, header blocks)
/// by `simdutf8`, which checks it with vector instructions several times
/// faster; for short text (a field value) by the standard library, which
/// has less to set up.
fn utf8(bytes: &[u8]) -> Option<&str> {
    if bytes.len() >= 64 {
        simdutf8::basic::from_utf8(bytes).ok()
    } else {
        std::str::from_utf8(bytes).ok()
    }
}

/// Decodes a part's bytes to text with the charset's decoder, as mail-parser
/// does, or as UTF-8 without one.
fn to_text(bytes: Cow<'_, [u8]>, decoder: Option<fn(&[u8]) -> String>) -> Cow<'_, str> {
    match (bytes, decoder) {
        // us-ascii, latin1 and windows-1252 text is mostly plain ASCII, which
        // that decoder gives back unchanged; it would push it a char at a time.
        (bytes, Some(decode)) if bytes.is_ascii() && is_latin1_decoder(decode) => match bytes {
            Cow::Borrowed(b) => lossy(b),
            Cow::Owned(v) => Cow::Owned(
                String::from_utf8(v)
                    .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
            ),
        },
        (bytes, Some(decode)) => Cow::Owned(decode(&bytes)),
        (Cow::Owned(v), None) => Cow::Owned(
            String::from_utf8(v)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
        ),
        (Cow::Borrowed(b), None) => lossy(b),
    }
}

/// Whether `decode` is mail-parser's windows-1252 decoder (the one for
/// us-ascii and latin1 too), which maps every ASCII byte to itself. A false
/// "no" only costs the slow path.
fn is_latin1_decoder(decode: fn(&[u8]) -> String) -> bool {
    charset_decoder(b"us-ascii").is_some_and(|latin1| std::ptr::fn_addr_eq(decode, latin1))
}

/// Decodes a part from the stream's position, as mail-parser's decoder for
/// the encoding does (quoted-printable by [`decode_quoted_printable`]).
fn decode_with<'x>(
    enc: Encoding,
    stream: &mut MessageStream<'x>,
    data: &'x [u8],
    boundary: &[u8],
) -> (usize, Cow<'x, [u8]>) {
    match enc {
        Encoding::Base64 => stream.decode_base64_mime(boundary),
        Encoding::QuotedPrintable => {
            let start = stream.offset();
            match decode_quoted_printable(data, start, boundary) {
                Some((end, next, bytes)) => {
                    stream.skip_bytes(next - start);
                    (end, Cow::Owned(bytes))
                }
                None => (usize::MAX, Cow::Borrowed(&b""[..])),
            }
        }
        Encoding::None => stream.mime_part(boundary),
    }
}

/// mail-parser's `decode_quoted_printable_mime` from `start`, byte for byte,
/// with runs of ordinary bytes copied at once: (end of the content, offset
/// after the boundary, decoded bytes), or `None` where mail-parser gives up
/// (`=` after `=`, or no boundary).
fn decode_quoted_printable(
    data: &[u8],
    start: usize,
    boundary: &[u8],
) -> Option<(usize, usize, Vec<u8>)> {
    #[derive(PartialEq)]
    enum Qp {
        None,
        Eq,
        Hex1,
    }
    let mut buf: Vec<u8> = Vec::with_capacity(data.len().saturating_sub(start).min(1 << 16));
    let mut state = Qp::None;
    let mut hex1: i8 = 0;
    let mut last = 0u8;
    let mut before = 0u8;
    let mut ws_count = 0usize;
    let mut end = start;
    let mut crlf: &[u8] = b"\n";
    let mut k = start;
    while k < data.len() {
        if state == Qp::None && data[k] == b'=' {
            // The two common escapes, `=XX` and a soft line break, taken at
            // once with the state changes the byte loop would make.
            let hex = |i: usize| data.get(i).map_or(-1, |&b| HEX_MAP[b as usize]);
            if hex(k + 1) != -1 && hex(k + 2) != -1 {
                buf.push(((hex(k + 1) as u8) << 4) | hex(k + 2) as u8);
                ws_count = 0;
                before = data[k + 1];
                last = data[k + 2];
                k += 3;
                continue;
            }
            if data.get(k + 1) == Some(&b'\n') {
                end = k + 1;
                ws_count = 0;
                before = b'=';
                last = b'\n';
                k += 2;
                continue;
            }
        }
        if state == Qp::None {
            if let Some((run, last_lf)) = qp_run(data, k, last, boundary, crlf.len() == 1) {
                // A run of bytes copied as they are; the white space that ends
                // it (after its last line feed, which resets the count) is
                // counted, to be dropped if a line break follows.
                let copied = &data[k..run];
                buf.extend_from_slice(copied);
                if let Some(lf) = last_lf {
                    end = lf;
                }
                let trailing = copied
                    .iter()
                    .rev()
                    .take_while(|&&b| b != b'\n' && b.is_ascii_whitespace())
                    .count();
                ws_count = if trailing == copied.len() {
                    ws_count + trailing
                } else {
                    trailing
                };
                before = if run - k >= 2 { data[run - 2] } else { last };
                last = data[run - 1];
                k = run;
                continue;
            }
        }
        let ch = data[k];
        match ch {
            b'=' => {
                if state == Qp::None {
                    state = Qp::Eq;
                } else {
                    return None;
                }
            }
            b'\n' => {
                end = if last == b'\r' { k - 1 } else { k };
                if state == Qp::Eq {
                    state = Qp::None;
                } else {
                    if ws_count > 0 {
                        buf.truncate(buf.len().wrapping_sub(ws_count));
                    }
                    buf.extend_from_slice(crlf);
                }
                ws_count = 0;
            }
            b'\r' => crlf = b"\r\n",
            b'-' if !boundary.is_empty() && last == b'-' && data[k + 1..].starts_with(boundary) => {
                if before == b'\n' {
                    buf.truncate(buf.len().wrapping_sub(crlf.len() + 1));
                } else {
                    buf.truncate(buf.len().wrapping_sub(1));
                    end = k - 1;
                }
                return Some((end, k + 1 + boundary.len(), buf));
            }
            _ => match state {
                Qp::None => {
                    if ch.is_ascii_whitespace() {
                        ws_count += 1;
                    } else {
                        ws_count = 0;
                    }
                    buf.push(ch);
                }
                Qp::Eq => {
                    hex1 = HEX_MAP[ch as usize];
                    if hex1 != -1 {
                        state = Qp::Hex1;
                    } else if !ch.is_ascii_whitespace() {
                        state = Qp::None;
                        buf.push(b'=');
                        buf.push(ch);
                        ws_count = 0;
                    }
                }
                Qp::Hex1 => {
                    let hex2 = HEX_MAP[ch as usize];
                    state = Qp::None;
                    if hex2 != -1 {
                        buf.push(((hex1 as u8) << 4) | hex2 as u8);
                    } else {
                        buf.push(b'=');
                        buf.push(last);
                        buf.push(ch);
                    }
                    ws_count = 0;
                }
            },
        }
        before = last;
        last = ch;
        k += 1;
    }
    boundary.is_empty().then_some((data.len(), data.len(), buf))
}

/// mail-parser's `html_to_text`, giving the same text, but passing over what
/// it ignores (comments, the inside of a tag after its name, the content of
/// head, style, script and template elements) with `memchr`, and over the
/// letters of words a run at a time.
///
/// The state machine and every state change are mail-parser's; a skipped
/// byte is one whose handling there changes no state that is read before
/// it is reset (see the comment at each skip).
///
/// Adapted from mail-parser 0.11's `src/decoders/html.rs`, © 2020 Stalwart
/// Labs LLC, licensed Apache-2.0 OR MIT (the licences of this project).
pub(crate) fn html_to_text(input: &str) -> String {
    /// Bytes that end a word in text.
    const WORD_END: [bool; 256] = {
        let mut t = [false; 256];
        let ends = b"< \t\r\n&;";
        let mut i = 0;
        while i < ends.len() {
            t[ends[i] as usize] = true;
            i += 1;
        }
        t
    };
    let mut result = String::with_capacity(input.len());
    let text = input;
    let input = input.as_bytes();

    let mut in_tag = false;
    let mut in_head = false;
    let mut in_style = false;
    let mut in_script = false;
    let mut in_template = false;
    let mut in_comment = false;

    let mut is_token_start = true;
    let mut is_after_space = false;
    let mut is_tag_close = false;
    let mut is_new_line = true;

    let mut token_start = 0;
    let mut token_end = 0;

    let mut tag_token_pos = 0;
    let mut comment_pos = 0;

    let mut pos = 0;
    while pos < input.len() {
        let hidden = in_head || in_style || in_script || in_template;
        if in_comment {
            // Only dashes and `>` count in a comment: the dashes just before
            // the next `>` are what `comment_pos` holds when it comes.
            let Some(i) = memchr::memchr(b'>', &input[pos..]) else {
                break;
            };
            let skipped = &input[pos..pos + i];
            let dashes = skipped.iter().rev().take_while(|&&b| b == b'-').count();
            comment_pos = if dashes == skipped.len() {
                comment_pos + dashes
            } else {
                dashes
            };
            pos += i;
        } else if in_tag && tag_token_pos >= 2 {
            // Past a tag's name only `<` and `>` count: what else changes
            // (the token being read) is reset by both.
            let Some(i) = memchr::memchr2(b'<', b'>', &input[pos..]) else {
                break;
            };
            pos += i;
        } else if !in_tag && hidden {
            // Text that is not shown: only `<` counts, and it resets the
            // token being read.
            let Some(i) = memchr::memchr(b'<', &input[pos..]) else {
                break;
            };
            pos += i;
        } else if !in_tag && !WORD_END[input[pos] as usize] {
            // Letters of a word in text: the token grows.
            let end = input[pos..]
                .iter()
                .position(|&b| WORD_END[b as usize])
                .map_or(input.len(), |n| pos + n);
            if is_token_start {
                token_start = pos;
                is_token_start = false;
            }
            token_end = end - 1;
            pos = end;
            continue;
        }
        let ch = input[pos];
        if !in_comment {
            match ch {
                b'<' => {
                    if !in_tag && !hidden && !is_token_start {
                        push_token(
                            &mut result,
                            text,
                            token_start,
                            token_end + 1,
                            is_after_space,
                        );
                        is_after_space = false;
                    }

                    tag_token_pos = 0;
                    in_tag = true;
                    is_token_start = true;
                    is_tag_close = false;
                    pos += 1;
                    continue;
                }
                b'>' if in_tag => {
                    if tag_token_pos == 1 {
                        match input.get(token_start..token_end + 1) {
                            Some(tag)
                                if tag.eq_ignore_ascii_case(b"br")
                                    || (tag.eq_ignore_ascii_case(b"p") && is_tag_close) =>
                            {
                                result.push('\n');
                                is_after_space = false;
                                is_new_line = true;
                            }
                            Some(tag) if tag.eq_ignore_ascii_case(b"head") => {
                                in_head = !is_tag_close;
                            }
                            Some(tag) if tag.eq_ignore_ascii_case(b"style") => {
                                in_style = !is_tag_close;
                            }
                            Some(tag) if tag.eq_ignore_ascii_case(b"script") => {
                                in_script = !is_tag_close;
                            }
                            Some(tag) if tag.eq_ignore_ascii_case(b"template") => {
                                in_template = !is_tag_close;
                            }
                            _ => (),
                        }
                    }

                    in_tag = false;
                    is_token_start = true;
                    pos += 1;
                    continue;
                }
                b'/' if in_tag => {
                    if tag_token_pos == 0 {
                        is_tag_close = true;
                    }
                    pos += 1;
                    continue;
                }
                b'!' if in_tag && tag_token_pos == 0 => {
                    if let Some(b"--") = input.get(pos + 1..pos + 3) {
                        in_comment = true;
                        pos += 1;
                        continue;
                    }
                }
                b' ' | b'\t' | b'\r' | b'\n' => {
                    if !in_tag && !hidden {
                        if !is_token_start {
                            push_token(
                                &mut result,
                                text,
                                token_start,
                                token_end + 1,
                                is_after_space && !is_new_line,
                            );
                            is_new_line = false;
                        }
                        is_after_space = true;
                    }

                    is_token_start = true;
                    // The white space that follows changes nothing more
                    // (the flags just set are set again): passed at once.
                    pos += 1;
                    while matches!(input.get(pos), Some(b' ' | b'\t' | b'\r' | b'\n')) {
                        pos += 1;
                    }
                    continue;
                }
                b'&' if !in_tag && !is_token_start && !in_head => {
                    if in_style || in_script || in_template {
                        pos += 1;
                        continue;
                    }
                    push_token(
                        &mut result,
                        text,
                        token_start,
                        token_end + 1,
                        is_after_space && !is_new_line,
                    );
                    is_new_line = false;
                    is_token_start = true;
                    is_after_space = false;
                }
                b';' if !in_tag && !is_token_start && !in_head => {
                    if in_style || in_script || in_template {
                        pos += 1;
                        continue;
                    }
                    push_token(
                        &mut result,
                        text,
                        token_start,
                        pos + 1,
                        is_after_space && !is_new_line,
                    );
                    is_token_start = true;
                    is_after_space = false;
                    is_new_line = false;
                    pos += 1;
                    continue;
                }
                _ => (),
            }
            if is_token_start {
                token_start = pos;
                is_token_start = false;
                if in_tag {
                    tag_token_pos += 1;
                }
            }
            token_end = pos;
        } else {
            match ch {
                b'-' => comment_pos += 1,
                b'>' if comment_pos == 2 => {
                    comment_pos = 0;
                    in_comment = false;
                    in_tag = false;
                    is_token_start = true;
                }
                _ => comment_pos = 0,
            }
        }
        pos += 1;
    }

    if !in_tag && !is_token_start && !in_head && !in_style && !in_script && !in_template {
        push_token(
            &mut result,
            text,
            token_start,
            token_end + 1,
            is_after_space && !is_new_line,
        );
    }
    result
}

/// mail-parser's `add_html_token` for the token `text[start..end]`: one
/// that is not an entity (`&...;`) is pushed as the text it is, sliced from
/// the document (its ends are next to ASCII bytes, so on character
/// boundaries), rather than checked as UTF-8 once more.
fn push_token(result: &mut String, text: &str, start: usize, end: usize, add_space: bool) {
    use mail_parser::decoders::html::add_html_token;
    let token = &text.as_bytes()[start..end];
    let entity = token.len() >= 2 && token[0] == b'&' && token[token.len() - 1] == b';';
    match text.get(start..end) {
        Some(plain) if !entity => {
            if add_space {
                result.push(' ');
            }
            result.push_str(plain);
        }
        _ => add_html_token(result, token, add_space),
    }
}

/// The end of the run of bytes from `k` that quoted-printable decoding copies
/// as they are (in its plain state): up to a `=`, a carriage return, or a
/// dash that follows a dash (where the boundary may start). `last` is the
/// byte before `k`. `None` when there is no such byte at `k`.
///
/// A line feed is part of the run when `lf_only` (no carriage return seen
/// yet, so a hard line break is written as the line feed itself) and no
/// white space to drop is before it (the byte before it in the run is not
/// white space, or is itself such a line feed): decoding would copy it as it
/// is. Short lines make most runs; without this each line feed took the byte
/// loop. The second value is the offset of the run's last line feed.
fn qp_run(
    data: &[u8],
    k: usize,
    last: u8,
    boundary: &[u8],
    lf_only: bool,
) -> Option<(usize, Option<usize>)> {
    let mut from = k;
    let mut last_lf = None;
    let end = loop {
        let at = find_qp_stop(data, from);
        match data.get(at) {
            Some(b'=' | b'\r') | None => break at,
            Some(b'\n') => {
                let passes = lf_only
                    && at > k
                    && (data[at - 1] == b'\n' || !data[at - 1].is_ascii_whitespace());
                if !passes {
                    break at;
                }
                last_lf = Some(at);
            }
            Some(b'-') => {
                let prev = if at > k { data[at - 1] } else { last };
                if prev == b'-' && !boundary.is_empty() {
                    break at;
                }
            }
            Some(_) => {}
        }
        from = at + 1;
    };
    (end > k).then_some((end, last_lf))
}

/// The offset of the first byte from `from` that may matter to
/// quoted-printable decoding in its plain state (`=`, `-`, or a control
/// byte below 0x0e, line breaks among them; the callers pass over the
/// others), or the length of `data`. Such text stops every few bytes
/// (escapes, line breaks), too often for `memchr`'s set-up to pay: eight
/// bytes are tested at once in a `u64` instead.
fn find_qp_stop(data: &[u8], from: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut i = from;
    while let Some(chunk) = data.get(i..i + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let word = u64::from_le_bytes(word);
        // `-` (0x2d) and `=` (0x3d) differ by the bit 0x10 alone: with it set,
        // a byte is `=` exactly when it was one of them. A flagged byte is
        // zero in `eq` or below 0x0e in `word`; the lowest flag is always a
        // true one (a false flag only follows a true one).
        let eq = (word | (ONES * 0x10)) ^ (ONES * u64::from(b'='));
        let hits =
            (eq.wrapping_sub(ONES) & !eq & HIGH) | (word.wrapping_sub(ONES * 0x0e) & !word & HIGH);
        if hits != 0 {
            return i + (hits.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    data.get(i..)
        .and_then(|rest| {
            rest.iter()
                .position(|&b| b == b'=' || b == b'-' || b < 0x0e)
        })
        .map_or(data.len(), |n| i + n)
}

/// Walks a message. `collect` asks for the parts' slots (the outer message);
/// `None` when no header could be read, as mail-parser's `parse`.
pub(crate) fn walk(data: &[u8], collect: bool) -> Option<Walked<'_>> {
    walk_at(data, MAX_NESTED_ENCODED, collect)
}

fn walk_at(data: &[u8], depth: usize, collect: bool) -> Option<Walked<'_>> {
    let mut stream = MessageStream::new(data);
    let mut message = Walked::new(collect);
    let mut state = State {
        mime_type: MimeType::Message,
        boundary: None,
        part_id: 0,
    };
    let mut stack: Vec<(State<'_>, Option<Walked<'_>>)> = Vec::new();
    let mut part_headers: Vec<Header<'_>> = Vec::new();
    // Every field of the outer header block (see `read_headers`).
    let mut part_fields: Vec<Field> = Vec::new();

    'outer: loop {
        let offset_header = stream.offset();
        let block = if message.parts > 0 {
            Block::Part
        } else if message.collect {
            Block::Outer
        } else {
            Block::Returned
        };
        let (found, offset_body) = read_headers(
            data,
            offset_header,
            &mut part_headers,
            &mut part_fields,
            block,
        );
        stream.skip_bytes(offset_body - offset_header);
        if !found {
            break;
        }
        let ct = content_type(&part_headers);
        let (is_multipart, mut is_text, mut mime_type) = mime_type(ct, state.mime_type);

        if is_multipart {
            let boundary = ct.and_then(boundary_of).or_else(|| {
                lost_boundary(&data[offset_header..offset_body])
                    .map(|b| Cow::Borrowed(b.as_bytes()))
            });
            if let Some(boundary) = boundary {
                if seek_next_part(&mut stream, data, &boundary) {
                    let new_state = State {
                        mime_type,
                        boundary: Some(boundary),
                        part_id: message.parts,
                    };
                    message.push(
                        &mut part_headers,
                        &mut part_fields,
                        offset_header,
                        offset_body,
                        0,
                        Slot::Ignore,
                    );
                    stack.push((state, None));
                    state = new_state;
                    stream.skip_crlf();
                    continue;
                } else {
                    mime_type = MimeType::TextOther;
                    is_text = true;
                }
            }
        }

        let transfer_encoding = part_headers
            .iter()
            .rev()
            .find(|h| matches!(h.name, HeaderName::ContentTransferEncoding))
            .map(|h| &h.value);
        let encoding = match transfer_encoding {
            Some(HeaderValue::Text(e)) if e.eq_ignore_ascii_case("base64") => Encoding::Base64,
            Some(HeaderValue::Text(e)) if e.eq_ignore_ascii_case("quoted-printable") => {
                Encoding::QuotedPrintable
            }
            _ => Encoding::None,
        };

        if mime_type == MimeType::Message && encoding == Encoding::None {
            // The returned message is parsed in place, up to the parent's boundary.
            let new_state = State {
                mime_type: MimeType::Message,
                boundary: state.boundary.take(),
                part_id: message.parts,
            };
            message.push(
                &mut part_headers,
                &mut part_fields,
                offset_header,
                offset_body,
                0,
                Slot::Pending { body: offset_body },
            );
            stack.push((state, Some(message)));
            message = Walked::new(false);
            state = new_state;
            continue;
        }

        // Decode only what is read; scan the rest.
        let kind = if message.collect {
            Kind::of(ct)
        } else {
            Kind::Other
        };
        let wanted = message.collect
            && ((is_text && mime_type != MimeType::TextHtml)
                || (!is_text && (mime_type == MimeType::Message || kind.keeps_binary())));
        // The first HTML part, when no text came before it, is most likely
        // the only text there is: decoded now, not scanned now and decoded
        // again at the end (see `Slot::Html`).
        let html_first = message.collect
            && is_text
            && mime_type == MimeType::TextHtml
            && !message.html_seen
            && !message.body_text;
        let boundary: &[u8] = state.boundary.as_deref().unwrap_or(b"");
        let start = stream.offset();
        let (mut offset_end, mut bytes): (usize, Cow<'_, [u8]>) = if encoding == Encoding::None {
            match scan_plain(data, start, boundary) {
                Some((end, next)) => {
                    stream.skip_bytes(next - start);
                    (end, Cow::Borrowed(&data[start..end]))
                }
                None => (usize::MAX, Cow::Borrowed(&b""[..])),
            }
        } else if wanted || html_first {
            decode_with(encoding, &mut stream, data, boundary)
        } else {
            let scanned = match encoding {
                Encoding::Base64 => scan_base64(data, start, boundary),
                _ => scan_quoted_printable(data, start, boundary),
            };
            match scanned {
                Some((end, next)) => {
                    stream.skip_bytes(next - start);
                    (end, Cow::Borrowed(&b""[..]))
                }
                None => (usize::MAX, Cow::Borrowed(&b""[..])),
            }
        };

        // A part the decoder refused is kept as raw text (mail-parser's recovery).
        if offset_end == usize::MAX {
            if mime_type != MimeType::TextPlain {
                mime_type = MimeType::TextOther;
            }
            is_text = true;
            let (end, found) = seek_part_end(&mut stream, data, state.boundary.as_deref());
            offset_end = end;
            bytes = Cow::Borrowed(data.get(offset_body..offset_end).unwrap_or_default());
            if !found {
                state.boundary = None;
            }
        }

        let slot = if !message.collect {
            Slot::Ignore
        } else if mime_type != MimeType::Message {
            let charset = || ct.and_then(|c| c.attribute("charset"));
            if is_text && mime_type == MimeType::TextHtml {
                if html_first {
                    message.html_seen = true;
                    let decoder = charset().and_then(|c| charset_decoder(c.as_bytes()));
                    Slot::Html(to_text(bytes, decoder))
                } else {
                    // Never read: an HTML part came before, or text did (and
                    // only a message without text reads its HTML).
                    Slot::Ignore
                }
            } else if is_text {
                let decoder = charset().and_then(|c| charset_decoder(c.as_bytes()));
                let text = to_text(bytes, decoder);
                if !message.body_text && kind.is_body() && !text.trim().is_empty() {
                    message.body_text = true;
                }
                Slot::Text { kind, text }
            } else if kind.keeps_binary() {
                Slot::Binary { kind, bytes }
            } else {
                Slot::Ignore
            }
        } else {
            // A transfer-encoded message/rfc822 part, decoded: parse it.
            let nested = if depth != 0 {
                walk_at(&bytes, depth - 1, false)
            } else {
                None
            };
            match nested {
                Some(w) => {
                    let n = w.into_nested();
                    Slot::Decoded {
                        original: lossy(n.raw_start(&bytes)).into_owned(),
                        parsed: super::Original::from_fields(&n.fields, &bytes, true),
                    }
                }
                None => Slot::Binary { kind, bytes },
            }
        };
        message.push(
            &mut part_headers,
            &mut part_fields,
            offset_header,
            offset_body,
            offset_end,
            slot,
        );

        if state.boundary.is_some() {
            'inner: loop {
                if state.mime_type == MimeType::Message {
                    // End of a message parsed in place: back to its parent.
                    let Some((mut prev_state, Some(mut prev_message))) = stack.pop() else {
                        break 'outer;
                    };
                    let offset_end = state
                        .boundary
                        .as_ref()
                        .map(|b| {
                            let pos = stream.offset().saturating_sub(b.len() + 2);
                            data.get(pos.wrapping_sub(2))
                                .map_or(pos.wrapping_sub(1), |&ch| {
                                    if ch == b'\r' {
                                        pos.wrapping_sub(2)
                                    } else {
                                        pos.wrapping_sub(1)
                                    }
                                })
                        })
                        .unwrap_or_else(|| stream.offset());
                    if state.part_id < prev_message.parts {
                        prev_message.set_end(state.part_id, offset_end);
                        if prev_message.collect {
                            let slot = if message.is_empty() {
                                let body = part_body(&prev_message, state.part_id);
                                Slot::Text {
                                    kind: Kind::Other,
                                    text: lossy(data.get(body..offset_end).unwrap_or_default()),
                                }
                            } else {
                                Slot::Nested(message.into_nested())
                            };
                            prev_message.set_slot(state.part_id, slot);
                        }
                    }
                    message = prev_message;
                    prev_state.boundary = state.boundary;
                    state = prev_state;
                }

                if stream.is_multipart_end() {
                    // End of a multipart: back to the enclosing level.
                    if state.part_id < message.parts {
                        let part_id = state.part_id;
                        if let Some((prev_state, _)) = stack.pop() {
                            state = prev_state;
                            if let Some(boundary) = &state.boundary {
                                if let Some(offset) = stream.seek_next_part_offset(&boundary[..]) {
                                    message.set_end(part_id, offset);
                                    continue 'inner;
                                }
                            }
                        }
                        message.set_end(part_id, stream.offset());
                    }
                    break 'outer;
                } else {
                    break 'inner;
                }
            }
        } else if stream.offset() >= data.len() {
            break 'outer;
        }
    }

    // A damaged message: close what is still open.
    while let Some((prev_state, prev_message)) = stack.pop() {
        if let Some(mut prev_message) = prev_message {
            if state.part_id < prev_message.parts {
                prev_message.set_end(state.part_id, stream.offset());
                if prev_message.collect {
                    let slot = if message.is_empty() {
                        let body = part_body(&prev_message, state.part_id);
                        Slot::Text {
                            kind: Kind::Other,
                            text: unclosed_text(
                                data.get(body..stream.offset()),
                                state.boundary.as_deref(),
                            ),
                        }
                    } else {
                        Slot::Nested(message.into_nested())
                    };
                    prev_message.set_slot(state.part_id, slot);
                }
            }
            message = prev_message;
        } else if state.part_id < message.parts {
            message.set_end(state.part_id, stream.offset());
        }
        state = prev_state;
    }

    if !message.is_empty() {
        message.end = data.len();
        Some(message)
    } else if !part_fields.is_empty() || !part_headers.is_empty() {
        // A header block and no body.
        let kind = if message.collect {
            Kind::of(content_type(&part_headers))
        } else {
            Kind::Other
        };
        message.push(
            &mut part_headers,
            &mut part_fields,
            0,
            data.len(),
            data.len(),
            Slot::Text {
                kind,
                text: Cow::Borrowed(""),
            },
        );
        message.end = data.len();
        Some(message)
    } else {
        None
    }
}

/// Which fields of a header block [`read_headers`] keeps, and which values
/// it parses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Block {
    /// The outer message's own header block: every field is kept. From, To
    /// and Message-ID are left for [`super::Mail`] to parse when asked, and
    /// values nobody reads are not parsed.
    Outer,
    /// The header block of a returned message: the fields the walk and
    /// [`super::Original`] read are kept; only the values that steer the
    /// walk are parsed (`Original` parses the others it reads, see
    /// [`OriginalFields`]).
    Returned,
    /// The header block of a part that is not a message's first, dropped
    /// once the part is read: only the values that steer the walk are parsed.
    Part,
}

/// mail-parser's `MessageStream::parse_headers` with the field map of the
/// parser `Mail` was first written with (MIME fields, Subject, Date, From,
/// To, Message-ID parsed; other values skipped):
/// reads a header block from `start` into `headers`; returns whether a blank
/// line ended it (else the data did) and the offset after it.
///
/// Names and the values of the mapped fields are parsed by mail-parser's own
/// functions; any other value is skipped with `memchr` up to the line break
/// that is not followed by a space or tab, as mail-parser's
/// `parse_and_ignore` does. A mapped value that nobody reads here (see
/// [`Block`]) is skipped the same way: its parser would have ended at the
/// same place (Date's excepted, which is always parsed). Except in the outer
/// block, only the fields the walk and [`super::Original`] read are kept.
///
/// In the outer block every field goes to `fields`, a small record of its
/// name and offsets, and only those with a parsed value or a name looked up
/// ([`Name::Cached`], [`Name::Slow`]) to `headers` as well: most fields are
/// read by their offsets alone, and a `Header` is seven times larger (and
/// dropping one is a call).
pub(crate) fn read_headers<'a>(
    data: &'a [u8],
    start: usize,
    headers: &mut Vec<Header<'a>>,
    fields: &mut Vec<Field>,
    block: Block,
) -> (bool, usize) {
    let keep_all = block == Block::Outer;
    if keep_all {
        // A message's own header block holds some thirty fields: room for
        // them at once rather than growing four times (and for the few
        // with a value).
        fields.reserve(32);
        headers.reserve(8);
    }
    let mut p = start;
    loop {
        let (name, offset_field, from) = match next_field(data, p, keep_all) {
            Next::End(found, at) => return (found, at),
            Next::Skip(next) => {
                p = next;
                continue;
            }
            Next::Field(name, offset_field, from) => (name, offset_field, from),
        };
        let how = match name {
            Name::ContentType => Parse::ContentType,
            Name::ContentTransferEncoding => Parse::Unstructured,
            Name::Subject if keep_all => Parse::Unstructured,
            // Parsed even when unread: it may end elsewhere than the line.
            Name::Date => Parse::Date,
            _ => Parse::Skip,
        };
        // The fields read by name (by the walk, `Original` or `Mail`), kept
        // even when their value is not parsed here.
        let named = || {
            matches!(
                name,
                Name::ReturnPath
                    | Name::ListId
                    | Name::ContentType
                    | Name::ContentTransferEncoding
                    | Name::Subject
                    | Name::Date
                    | Name::From
                    | Name::To
                    | Name::MessageId
            )
        };
        if how == Parse::Skip {
            // Most fields: no value is built, none moved about.
            let end = skip_value(data, from);
            if keep_all {
                fields.push(Field::new(name, offset_field, from, end));
            }
            if (keep_all && matches!(name, Name::Cached | Name::Slow)) || (!keep_all && named()) {
                headers.push(Header {
                    name: name.header_name(data, offset_field, from, keep_all),
                    value: HeaderValue::Empty,
                    offset_field: offset_field as u32,
                    offset_start: from as u32,
                    offset_end: end as u32,
                });
            }
            p = end;
            continue;
        }
        let (value, end) = match how {
            Parse::ContentType => field_value(
                data,
                from,
                simple_content_type,
                MessageStream::parse_content_type,
            ),
            Parse::Unstructured => field_value(
                data,
                from,
                simple_unstructured,
                MessageStream::parse_unstructured,
            ),
            // (`Skip` was taken above.)
            Parse::Date | Parse::Skip => {
                field_value(data, from, simple_date, MessageStream::parse_date)
            }
        };
        if keep_all {
            fields.push(Field::new(name, offset_field, from, end));
        }
        headers.push(Header {
            name: name.header_name(data, offset_field, from, keep_all),
            value,
            offset_field: offset_field as u32,
            offset_start: from as u32,
            offset_end: end as u32,
        });
        p = end;
    }
}

/// A field of the outer header block: its name and where it stands (as in
/// mail-parser's `Header`, offsets kept as `u32`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Field {
    pub(crate) name: Name,
    pub(crate) offset_field: u32,
    pub(crate) offset_start: u32,
    pub(crate) offset_end: u32,
}

impl Field {
    fn new(name: Name, offset_field: usize, from: usize, end: usize) -> Field {
        Field {
            name,
            offset_field: offset_field as u32,
            offset_start: from as u32,
            offset_end: end as u32,
        }
    }
}

/// What [`next_field`] found at an offset of a header block.
enum Next {
    /// The block ended: whether a blank line ended it (else the data did),
    /// and the offset after it.
    End(bool, usize),
    /// A line with no name: where reading goes on.
    Skip(usize),
    /// A field: its name, where it starts and where its value starts.
    Field(Name, usize, usize),
}

/// The step of mail-parser's `parse_headers` loop that reads a field's name
/// from `p`: white space before it skipped, a line break ending the block.
#[inline(always)]
fn next_field(data: &[u8], mut p: usize, all: bool) -> Next {
    loop {
        match data.get(p) {
            Some(b'\n') => return Next::End(true, p + 1),
            None => return Next::End(false, p),
            Some(ch) if !ch.is_ascii_whitespace() => break,
            _ => p += 1,
        }
    }
    match header_name(data, p, all) {
        Ok((name, from)) => Next::Field(name, p, from),
        // (At the end of the data, the next step ends the block.)
        Err(next) => Next::Skip(next),
    }
}

/// Where the fields [`super::Original`] reads stand in a header block: for
/// each name the last field's value (start and end offsets), as
/// mail-parser's `header_value` finds it, and the last Date's value (always
/// parsed, as it may end elsewhere than its line). The other values are
/// parsed from there only when the original is asked for.
///
/// Offsets are kept as `u32`, as in mail-parser's `Header` (this rides in
/// every walk slot, which stays cheap to move while small).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct OriginalFields {
    from: Option<(u32, u32)>,
    to: Option<(u32, u32)>,
    subject: Option<(u32, u32)>,
    message_id: Option<(u32, u32)>,
    return_path: Option<(u32, u32)>,
    list_id: Option<(u32, u32)>,
    /// The last Date field, when there is one: its value, if a date.
    date: Option<Option<mail_parser::DateTime>>,
}

impl OriginalFields {
    /// Records a field of the block (`from` and `end`: where its value
    /// starts and ends; `value`: the parsed value of a Date).
    fn record(&mut self, name: Name, from: usize, end: usize, value: &HeaderValue<'_>) {
        let at = Some((from as u32, end as u32));
        match name {
            Name::From => self.from = at,
            Name::To => self.to = at,
            Name::Subject => self.subject = at,
            Name::MessageId => self.message_id = at,
            Name::ReturnPath => self.return_path = at,
            Name::ListId => self.list_id = at,
            Name::Date => self.date = Some(value.as_datetime().copied()),
            _ => {}
        }
    }

    /// Where the value of the last field of each name starts and ends:
    /// From, To, Subject, Message-ID, Return-Path, List-Id.
    pub(crate) fn spans(&self) -> [Option<(usize, usize)>; 6] {
        [
            self.from,
            self.to,
            self.subject,
            self.message_id,
            self.return_path,
            self.list_id,
        ]
        .map(|at| at.map(|(start, end)| (start as usize, end as usize)))
    }

    /// The last Date field's value, when there is one and it is a date.
    pub(crate) fn date(&self) -> Option<mail_parser::DateTime> {
        self.date.flatten()
    }

    /// The fields of a header block read by [`read_headers`].
    pub(crate) fn of(headers: &[Header<'_>]) -> OriginalFields {
        let mut fields = OriginalFields::default();
        for h in headers {
            let (from, end) = (h.offset_start as usize, h.offset_end as usize);
            fields.record(Name::of(&h.name), from, end, &h.value);
        }
        fields
    }

    /// Reads a header block on its own, from its start, as [`read_headers`]
    /// would (mail-parser's `parse_headers`), keeping only the fields
    /// [`super::Original`] reads: no vector of fields, no value parsed but
    /// the dates'.
    pub(crate) fn read(data: &[u8]) -> OriginalFields {
        let mut fields = OriginalFields::default();
        let mut p = 0;
        loop {
            match next_field(data, p, false) {
                Next::End(..) => return fields,
                Next::Skip(next) => p = next,
                Next::Field(Name::Date, _, from) => {
                    let (value, end) =
                        field_value(data, from, simple_date, MessageStream::parse_date);
                    fields.record(Name::Date, from, end, &value);
                    p = end;
                }
                Next::Field(name, _, from) => {
                    // No value to build, nor to drop, for the other fields.
                    let end = skip_value(data, from);
                    fields.record(name, from, end, &HeaderValue::Empty);
                    p = end;
                }
            }
        }
    }
}

/// How [`read_headers`] reads a field's value: skipped, or by which parser.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Parse {
    Skip,
    ContentType,
    Unstructured,
    Date,
}

/// A field name as [`header_name`] reads it: one byte, where mail-parser's
/// `HeaderName` takes 32 (a tag, padding and a `Cow`). The header loop
/// moved that value about once per field, through `Next` and into the
/// pushed `Header`, and the copies of its padding (overlapping four-byte
/// moves) stalled store forwarding; the `HeaderName` is now made once, where
/// a field is kept ([`Name::header_name`]).
///
/// The names [`known_name`] matches itself have a variant each; any other is
/// `Unnamed` (mail-parser's `Other`, left empty: see [`written_name`]),
/// `Cached` (a name mail-parser knows, found by [`cached_name`] when the
/// field is kept) or `Slow` (read by [`header_name_slow`], and read there
/// again when the field is kept).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Name {
    ContentType,
    From,
    To,
    Subject,
    Date,
    MessageId,
    ReturnPath,
    ContentTransferEncoding,
    ContentDescription,
    ContentDisposition,
    ContentId,
    ContentLocation,
    ListId,
    Received,
    MimeVersion,
    AutoSubmitted,
    AuthenticationResults,
    DkimSignature,
    Unnamed,
    Cached,
    Slow,
}

impl Name {
    /// The name of a `HeaderName` (`Slow` for any the walk does not tell
    /// apart, but an `Other` left empty).
    pub(crate) fn of(name: &HeaderName<'_>) -> Name {
        match name {
            HeaderName::ContentType => Name::ContentType,
            HeaderName::From => Name::From,
            HeaderName::To => Name::To,
            HeaderName::Subject => Name::Subject,
            HeaderName::Date => Name::Date,
            HeaderName::MessageId => Name::MessageId,
            HeaderName::ReturnPath => Name::ReturnPath,
            HeaderName::ContentTransferEncoding => Name::ContentTransferEncoding,
            HeaderName::ContentDescription => Name::ContentDescription,
            HeaderName::ContentDisposition => Name::ContentDisposition,
            HeaderName::ContentId => Name::ContentId,
            HeaderName::ContentLocation => Name::ContentLocation,
            HeaderName::ListId => Name::ListId,
            HeaderName::Received => Name::Received,
            HeaderName::MimeVersion => Name::MimeVersion,
            HeaderName::AutoSubmitted => Name::AutoSubmitted,
            HeaderName::AuthenticationResults => Name::AuthenticationResults,
            HeaderName::DkimSignature => Name::DkimSignature,
            HeaderName::Other(n) if n.is_empty() => Name::Unnamed,
            _ => Name::Slow,
        }
    }

    /// The `HeaderName` mail-parser gives the field that starts at
    /// `offset_field` and whose value starts at `from`, the name read by
    /// [`header_name`] with `all`.
    #[inline(always)]
    fn header_name(
        self,
        data: &[u8],
        offset_field: usize,
        from: usize,
        all: bool,
    ) -> HeaderName<'_> {
        match self {
            Name::ContentType => HeaderName::ContentType,
            Name::From => HeaderName::From,
            Name::To => HeaderName::To,
            Name::Subject => HeaderName::Subject,
            Name::Date => HeaderName::Date,
            Name::MessageId => HeaderName::MessageId,
            Name::ReturnPath => HeaderName::ReturnPath,
            Name::ContentTransferEncoding => HeaderName::ContentTransferEncoding,
            Name::ContentDescription => HeaderName::ContentDescription,
            Name::ContentDisposition => HeaderName::ContentDisposition,
            Name::ContentId => HeaderName::ContentId,
            Name::ContentLocation => HeaderName::ContentLocation,
            Name::ListId => HeaderName::ListId,
            Name::Received => HeaderName::Received,
            Name::MimeVersion => HeaderName::MimeVersion,
            Name::AutoSubmitted => HeaderName::AutoSubmitted,
            Name::AuthenticationResults => HeaderName::AuthenticationResults,
            Name::DkimSignature => HeaderName::DkimSignature,
            Name::Unnamed => HeaderName::Other(Cow::Borrowed("")),
            Name::Cached | Name::Slow => self.looked_up(data, offset_field, from, all),
        }
    }

    /// The name as mail-parser's `HeaderName::as_str` gives it, for the
    /// names with a variant of their own; `None` for the others.
    pub(crate) fn known_str(self) -> Option<&'static str> {
        Some(match self {
            Name::ContentType => "Content-Type",
            Name::From => "From",
            Name::To => "To",
            Name::Subject => "Subject",
            Name::Date => "Date",
            Name::MessageId => "Message-ID",
            Name::ReturnPath => "Return-Path",
            Name::ContentTransferEncoding => "Content-Transfer-Encoding",
            Name::ContentDescription => "Content-Description",
            Name::ContentDisposition => "Content-Disposition",
            Name::ContentId => "Content-ID",
            Name::ContentLocation => "Content-Location",
            Name::ListId => "List-ID",
            Name::Received => "Received",
            Name::MimeVersion => "MIME-Version",
            Name::AutoSubmitted => "Auto-Submitted",
            Name::AuthenticationResults => "Authentication-Results",
            Name::DkimSignature => "DKIM-Signature",
            Name::Unnamed | Name::Cached | Name::Slow => return None,
        })
    }

    /// [`Name::header_name`] for the names looked up again.
    #[cold]
    #[inline(never)]
    fn looked_up(self, data: &[u8], offset_field: usize, from: usize, all: bool) -> HeaderName<'_> {
        if self == Name::Cached {
            // A plain name of at most `NAME_MAX` bytes (see `header_name`).
            let written = written_name(data, offset_field, from);
            let mut lower = [0u8; NAME_MAX];
            if let Some(lower) = lower.get_mut(..written.len()) {
                lower.copy_from_slice(written);
                lower.make_ascii_lowercase();
                if let Some(name) = cached_name(lower) {
                    return name;
                }
            }
            return HeaderName::Other(Cow::Borrowed(""));
        }
        header_name_slow(data, offset_field, all)
            .map_or(HeaderName::Other(Cow::Borrowed("")), |(name, _)| name)
    }
}

/// The longest field name mail-parser knows, in bytes (names up to this
/// length are looked up).
const NAME_MAX: usize = 34;

/// mail-parser's `parse_header_name` from `p`: the name (see [`Name`]) and
/// the offset after the colon; `Err` with the offset after the line (or the
/// data) when there is no name. The name is what precedes the first colon,
/// white space removed; colons before it are skipped.
///
/// Unless `all`, only the names [`read_headers`] keeps without `keep_all` are
/// told apart; any other comes back as `Unnamed`. With `all`, a name
/// written plainly (printable ASCII right before the colon) that is not a
/// known one also comes back as `Unnamed` (mail-parser's `Other`), not
/// checked as UTF-8 and copied into the value: [`written_name`] reads it
/// from the field when asked (most never are).
#[inline(always)]
fn header_name(data: &[u8], p: usize, all: bool) -> Result<(Name, usize), usize> {
    const MAX: usize = NAME_MAX;
    // The common case, a plain name (printable ASCII right before its
    // colon): read eight bytes at a time, and lowercased while it may be
    // a known name (at most `MAX` bytes).
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Flags on the bytes that end a plain name: not ASCII, below `!`
    // (white space, controls), or a colon. The lowest flag is always a true
    // one (a false flag only follows a true one).
    let stops = |word: u64| {
        let colon = word ^ (ONES * u64::from(b':'));
        (word & HIGH)
            | (word.wrapping_sub(ONES * 0x21) & !word & HIGH)
            | (colon.wrapping_sub(ONES) & !colon & HIGH)
    };
    let mut lower = [0u8; MAX + 6];
    let mut len = 0;
    while let (Some(chunk), Some(into)) =
        (data.get(p + len..p + len + 8), lower.get_mut(len..len + 8))
    {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let word = u64::from_le_bytes(word);
        let stop = stops(word);
        // ASCII upper-case letters get 0x20 added, byte by byte (no carry
        // crosses a byte: each seven-bit value plus 0x3f stays below 0x100).
        let seven = word & !HIGH;
        let from_a = seven + ONES * (0x80 - u64::from(b'A'));
        let past_z = seven + ONES * (0x80 - u64::from(b'Z') - 1);
        let upper = from_a & !past_z & !word & HIGH;
        into.copy_from_slice(&(word | (upper >> 2)).to_le_bytes());
        if stop != 0 {
            let n = len + (stop.trailing_zeros() / 8) as usize;
            if n > 0 && data[p + n] == b':' {
                // Any other name is left empty: unless `all` such a field is
                // dropped, and with `all` its name is what stands before the
                // colon, read when asked (see `written_name`). A name longer
                // than any known one is such a name.
                let name = match lower.get(..n) {
                    Some(lower) if n <= MAX => known_id(lower, all).unwrap_or(Name::Unnamed),
                    _ => Name::Unnamed,
                };
                return Ok((name, p + n + 1));
            }
            return header_name_slow(data, p, all).map(|(name, from)| (Name::of(&name), from));
        }
        len += 8;
    }
    if len > MAX {
        // A plain name longer than any known one (as Exchange writes):
        // such a name, only read up to its colon.
        while let Some(chunk) = data.get(p + len..p + len + 8) {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            let stop = stops(u64::from_le_bytes(word));
            if stop != 0 {
                let n = len + (stop.trailing_zeros() / 8) as usize;
                if data[p + n] == b':' {
                    return Ok((Name::Unnamed, p + n + 1));
                }
                break;
            }
            len += 8;
        }
    }
    header_name_slow(data, p, all).map(|(name, from)| (Name::of(&name), from))
}

/// The name of a field whose [`HeaderName`] [`header_name`] left empty (see
/// there), as mail-parser gives it: the bytes from the field's start
/// (`offset_field`) to the colon before its value (`offset_start`).
pub(crate) fn written_name(data: &[u8], offset_field: usize, offset_start: usize) -> &[u8] {
    data.get(offset_field..offset_start.saturating_sub(1))
        .unwrap_or_default()
}

/// [`header_name`] for any name: white space in it or around it, colons
/// before it, no colon at all, a name longer than any known one.
#[cold]
#[inline(never)]
fn header_name_slow(data: &[u8], p: usize, all: bool) -> Result<(HeaderName<'_>, usize), usize> {
    const MAX: usize = NAME_MAX;
    let mut i = p;
    // The name is in the segment before the first colon that follows a
    // non-blank byte; a line break first means no name at all.
    let (seg, after) = loop {
        match memchr::memchr2(b':', b'\n', &data[i..]).map(|o| i + o) {
            Some(k) if data[k] == b'\n' => return Err(k + 1),
            Some(k) if data[i..k].iter().all(u8::is_ascii_whitespace) => i = k + 1,
            Some(k) => break (i..k, k + 1),
            None if data[i..].iter().all(u8::is_ascii_whitespace) => return Err(data.len()),
            None => break (i..data.len(), data.len()),
        }
    };
    let mut lower = [0u8; MAX];
    let mut len = 0;
    let (mut first, mut last) = (seg.end, seg.start);
    let written = &data[seg.clone()];
    if written.len() <= MAX && !written.iter().any(u8::is_ascii_whitespace) {
        // The common case, a name without white space: lowercased at once.
        len = written.len();
        lower[..len].copy_from_slice(written);
        lower[..len].make_ascii_lowercase();
        (first, last) = (seg.start, seg.end);
    } else {
        for (j, &ch) in written.iter().enumerate() {
            if !ch.is_ascii_whitespace() {
                first = first.min(seg.start + j);
                last = seg.start + j + 1;
                if let Some(slot) = lower.get_mut(len) {
                    *slot = ch.to_ascii_lowercase();
                }
                len += 1;
            }
        }
    }
    let name = lower
        .get(..len)
        .and_then(|lower| known_name(lower, all))
        .unwrap_or_else(|| {
            // Unless `all`, such a field is dropped: its name is not read.
            HeaderName::Other(if all {
                lossy(&data[first..last])
            } else {
                Cow::Borrowed("")
            })
        });
    Ok((name, after))
}

/// The [`Name`] of a lowercased field name that mail-parser knows: the
/// names that matter and the most frequent ones are matched here (unless
/// `all`, no other is looked up); `Cached` for a name that [`cached_name`]
/// is to look up.
#[inline(always)]
fn known_id(lower: &[u8], all: bool) -> Option<Name> {
    // Each match tells the names apart by length first, then compares with
    // the one or two names of that length (a comparison of known size,
    // made inline), rather than comparing with every name in turn.
    let kept = match (lower.len(), lower) {
        // What `read_headers` keeps in any header block.
        (12, b"content-type") => Name::ContentType,
        (4, b"from") => Name::From,
        (2, b"to") => Name::To,
        (7, b"subject") => Name::Subject,
        (4, b"date") => Name::Date,
        (10, b"message-id") => Name::MessageId,
        (11, b"return-path") => Name::ReturnPath,
        (25, b"content-transfer-encoding") => Name::ContentTransferEncoding,
        (19, b"content-description") => Name::ContentDescription,
        (19, b"content-disposition") => Name::ContentDisposition,
        (10, b"content-id") => Name::ContentId,
        (16, b"content-location") => Name::ContentLocation,
        (7, b"list-id") => Name::ListId,
        _ if !all => return None,
        // Frequent in a message's own header block.
        (8, b"received") => Name::Received,
        (12, b"mime-version") => Name::MimeVersion,
        (14, b"auto-submitted") => Name::AutoSubmitted,
        (22, b"authentication-results") => Name::AuthenticationResults,
        (14, b"dkim-signature") => Name::DkimSignature,
        // mail-parser knows no `x-` name (its X.400 ones begin `x400-`).
        _ if lower.starts_with(b"x-") => return None,
        _ => Name::Cached,
    };
    Some(kept)
}

/// The `HeaderName` variant of a lowercased field name that mail-parser
/// knows (see [`known_id`]); `None` for any other, and for all but the
/// names `read_headers` keeps unless `all`.
fn known_name(lower: &[u8], all: bool) -> Option<HeaderName<'static>> {
    match known_id(lower, all)? {
        Name::Cached => cached_name(lower),
        // (The data is not read for the other names.)
        name => Some(name.header_name(b"", 0, 0, all)),
    }
}

/// The variant of a field name asked of [`super::Mail::header`], when it is
/// one of those [`known_name`] names itself (not asked of mail-parser),
/// whatever its case: exactly the fields of that variant are those whose
/// name (`HeaderName::as_str`) is equal to it, case aside.
pub(crate) fn known_field(name: &str) -> Option<HeaderName<'static>> {
    let mut lower = [0u8; 32];
    let lower = lower.get_mut(..name.len())?;
    lower.copy_from_slice(name.as_bytes());
    lower.make_ascii_lowercase();
    // (Not `cached_name`: only the names matched here are known to be
    // written as their `as_str` is.)
    let known = known_name(lower, false).or(match &*lower {
        b"received" => Some(HeaderName::Received),
        b"mime-version" => Some(HeaderName::MimeVersion),
        b"auto-submitted" => Some(HeaderName::AutoSubmitted),
        b"authentication-results" => Some(HeaderName::AuthenticationResults),
        b"dkim-signature" => Some(HeaderName::DkimSignature),
        _ => None,
    });
    known.filter(|k| k.as_str().eq_ignore_ascii_case(name))
}

/// The `HeaderName` variant of a lowercased field name that mail-parser
/// knows (asked of mail-parser, `HeaderName::parse`), remembered per thread in
/// a small direct-mapped table: few distinct names occur, and a miss only
/// costs asking again.
fn cached_name(lower: &[u8]) -> Option<HeaderName<'static>> {
    use std::cell::RefCell;
    const SLOTS: usize = 256;
    type Slot = Option<(Box<[u8]>, Option<HeaderName<'static>>)>;
    thread_local! {
        static KNOWN: RefCell<Vec<Slot>> = RefCell::new(vec![None; SLOTS]);
    }
    let (Some(&a), Some(&z)) = (lower.first(), lower.last()) else {
        return None;
    };
    let at = (lower.len() * 61
        + usize::from(a) * 7
        + usize::from(z) * 13
        + usize::from(lower[lower.len() / 2]) * 29)
        % SLOTS;
    KNOWN.with(|known| {
        if let Some((key, name)) = &known.borrow()[at] {
            if **key == *lower {
                return name.clone();
            }
        }
        let name = std::str::from_utf8(lower)
            .ok()
            .and_then(|s| HeaderName::parse(s.to_owned()))
            .filter(|h| !matches!(h, HeaderName::Other(_)))
            .map(HeaderName::into_owned);
        known.borrow_mut()[at] = Some((lower.into(), name.clone()));
        name
    })
}

/// mail-parser's `parse_unstructured` from `from` for a value without an
/// encoded word (no `=?` in it), the common case: the value and the offset
/// after it, without the token list mail-parser builds. `None` when the value
/// holds `=?`; the caller then asks mail-parser.
///
/// mail-parser keeps each line of the (folded) value from its first to its
/// last byte that is not a space, tab or CR, and joins the non-empty lines
/// with one space; a value the data ends in, without a final line break,
/// gives nothing.
pub(crate) fn simple_unstructured(data: &[u8], from: usize) -> Option<(HeaderValue<'_>, usize)> {
    let (end, folded) = skip_value_folded(data, from);
    let value = &data[from..end];
    if has_encoded_word(value) {
        return None;
    }
    let Some(lines) = value.strip_suffix(b"\n") else {
        return Some((HeaderValue::Empty, end));
    };
    let is_blank = |b: &u8| matches!(b, b' ' | b'\t' | b'\r');
    if !folded {
        // One line, the common case: no line to split off.
        let value = match lines.iter().position(|b| !is_blank(b)) {
            None => HeaderValue::Empty,
            Some(first) => {
                let last = lines.iter().rposition(|b| !is_blank(b)).unwrap_or(first);
                HeaderValue::Text(lossy(&lines[first..=last]))
            }
        };
        return Some((value, end));
    }
    let mut tokens = lines.split(|&b| b == b'\n').filter_map(|line| {
        let first = line.iter().position(|b| !is_blank(b))?;
        let last = line.iter().rposition(|b| !is_blank(b))?;
        Some(&line[first..=last])
    });
    let value = match (tokens.next(), tokens.next()) {
        (None, _) => HeaderValue::Empty,
        (Some(one), None) => HeaderValue::Text(lossy(one)),
        (Some(a), Some(b)) => {
            let mut text = lossy(a).into_owned();
            for token in [b].into_iter().chain(tokens) {
                text.push(' ');
                text.push_str(&lossy(token));
            }
            HeaderValue::Text(Cow::Owned(text))
        }
    };
    Some((value, end))
}

/// mail-parser's `parse_id` from `from` for the common form, one
/// `<id>` with nothing but white space around it (folded or not) and none in
/// it: the id and the offset after the value. `None` for any other value;
/// the caller then asks mail-parser.
pub(crate) fn simple_id(data: &[u8], from: usize) -> Option<(HeaderValue<'_>, usize)> {
    let end = skip_value(data, from);
    let is_blank = |b: &u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    let value = data[from..end].strip_suffix(b"\n")?;
    let first = value.iter().position(|b| !is_blank(b))?;
    let last = value.iter().rposition(|b| !is_blank(b))?;
    let id = value[first..=last].strip_prefix(b"<")?.strip_suffix(b">")?;
    // White space and angle brackets, looked up in a table.
    const NOT_IN_ID: [bool; 256] = {
        let mut t = [false; 256];
        let set = b" \t\r\n<>";
        let mut i = 0;
        while i < set.len() {
            t[set[i] as usize] = true;
            i += 1;
        }
        t
    };
    if id.is_empty() || id.iter().any(|&b| NOT_IN_ID[usize::from(b)]) {
        return None;
    }
    Some((HeaderValue::Text(lossy(id)), end))
}

/// mail-parser's `parse_date` from `from` for the canonical form alone,
/// `[Dow, ]D[D] Mon YYYY HH:MM:SS +HHMM[ (comment)]` on one line (single
/// spaces, English month, four-digit year, numeric zone): the date and the
/// offset after the value, as mail-parser reads them. `None` for anything
/// else; the caller then asks mail-parser.
pub(crate) fn simple_date(data: &[u8], from: usize) -> Option<(HeaderValue<'_>, usize)> {
    /// Reads `n` ASCII digits at `*i` as a number.
    fn digits(data: &[u8], i: &mut usize, n: usize) -> Option<u32> {
        let bytes = data.get(*i..*i + n)?;
        let mut value = 0;
        for &b in bytes {
            if !b.is_ascii_digit() {
                return None;
            }
            value = value * 10 + u32::from(b - b'0');
        }
        *i += n;
        Some(value)
    }
    let expect =
        |i: &mut usize, b: u8| -> Option<()> { (data.get(*i) == Some(&b)).then(|| *i += 1) };
    let mut i = from;
    while matches!(data.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    // A day of the week: letters before the first digit change nothing.
    if data.get(i).is_some_and(u8::is_ascii_alphabetic) {
        let dow = data.get(i..i + 3)?;
        if !dow.iter().all(u8::is_ascii_alphabetic) {
            return None;
        }
        i += 3;
        expect(&mut i, b',')?;
        expect(&mut i, b' ')?;
    }
    let day = match data.get(i + 1) {
        Some(b' ') => digits(data, &mut i, 1)?,
        _ => digits(data, &mut i, 2)?,
    };
    expect(&mut i, b' ')?;
    // The three letters as one number, matched at once (a slice comparison
    // per month was a call each).
    let name = data.get(i..i + 3)?;
    let month = match u32::from_le_bytes([name[0], name[1], name[2], 0]) {
        m if m == month_key(b"Jan") => 1,
        m if m == month_key(b"Feb") => 2,
        m if m == month_key(b"Mar") => 3,
        m if m == month_key(b"Apr") => 4,
        m if m == month_key(b"May") => 5,
        m if m == month_key(b"Jun") => 6,
        m if m == month_key(b"Jul") => 7,
        m if m == month_key(b"Aug") => 8,
        m if m == month_key(b"Sep") => 9,
        m if m == month_key(b"Oct") => 10,
        m if m == month_key(b"Nov") => 11,
        m if m == month_key(b"Dec") => 12,
        _ => return None,
    };
    i += 3;
    expect(&mut i, b' ')?;
    let year = digits(data, &mut i, 4)?;
    expect(&mut i, b' ')?;
    let hour = digits(data, &mut i, 2)?;
    expect(&mut i, b':')?;
    let minute = digits(data, &mut i, 2)?;
    expect(&mut i, b':')?;
    let second = digits(data, &mut i, 2)?;
    expect(&mut i, b' ')?;
    let before_gmt = match data.get(i) {
        Some(b'+') => false,
        Some(b'-') => true,
        _ => return None,
    };
    i += 1;
    let zone = digits(data, &mut i, 4)?;
    if data.get(i..i + 2) == Some(b" (") {
        // A comment without nesting or escapes, as `(JST)`.
        let close = i + 2 + memchr::memchr(b')', &data[i + 2..])?;
        if data[i + 2..close]
            .iter()
            .any(|&b| matches!(b, b'(' | b'\\' | b'\n'))
        {
            return None;
        }
        i = close + 1;
    }
    if data.get(i) == Some(&b'\r') {
        i += 1;
    }
    expect(&mut i, b'\n')?;
    if matches!(data.get(i), Some(b' ' | b'\t')) {
        return None;
    }
    // mail-parser's reading of the year's digits.
    let year = match year {
        0..=49 => year + 2000,
        50..=99 => year + 1900,
        _ => year,
    };
    let date = mail_parser::DateTime {
        year: year as u16,
        month: month as u8,
        day: day as u8,
        hour: hour as u8,
        minute: minute as u8,
        second: second as u8,
        tz_hour: ((zone / 100) % 24) as u8,
        tz_minute: ((zone % 100) % 60) as u8,
        tz_before_gmt: before_gmt,
    };
    Some((HeaderValue::DateTime(date), i))
}

/// Three letters as the number [`simple_date`] matches a month name by.
const fn month_key(name: &[u8; 3]) -> u32 {
    u32::from_le_bytes([name[0], name[1], name[2], 0])
}

/// mail-parser's `parse_address` from `from` for the common forms of one
/// mailbox, `addr@example.org`, `Display Name <addr@example.org>` and
/// `"Display Name" <addr@example.org>` (the name may be left out), with
/// white space only around it: the
/// mailbox and the offset after the value. `None` for any other value
/// (quotes, comments, groups, lists, encoded words, escapes, a line break
/// inside); the caller then asks mail-parser.
///
/// Only the tests build the value (to hold this reading to mail-parser's);
/// the walk reads the address alone, with [`first_address_at`].
#[cfg(test)]
fn simple_address(data: &[u8], from: usize) -> Option<(HeaderValue<'_>, usize)> {
    let (name, address, end) = simple_mailbox(data, from, true)?;
    let addr = mail_parser::Addr {
        name: name.map(lossy),
        address: address.map(lossy),
    };
    Some((
        HeaderValue::Address(mail_parser::Address::List(vec![addr])),
        end,
    ))
}

/// The address of the first mailbox of an address field whose value starts
/// at `from`, as [`super::first_address`] reads it in the value
/// mail-parser's `parse_address` gives (empty when there is none): for the
/// forms [`simple_address`] reads, taken from the bytes without building
/// that value (a vector and its copies of the name and address).
pub(crate) fn first_address_at(data: &[u8], from: usize) -> String {
    match simple_mailbox(data, from, false) {
        Some((_, address, _)) => address.map(|a| lossy(a).into_owned()).unwrap_or_default(),
        None => {
            let mut stream = MessageStream::new(data);
            stream.skip_bytes(from);
            super::first_address(Some(&stream.parse_address())).to_owned()
        }
    }
}

/// A mailbox as [`simple_mailbox`] reads it: display name and address as
/// written (either may be absent), and the offset after the value.
type Mailbox<'a> = (Option<&'a [u8]>, Option<&'a [u8]>, usize);

/// [`simple_address`]'s reading of a value (see [`Mailbox`]), or `None` for
/// a form it leaves to mail-parser. Unless `need_name`, a display name
/// holding an encoded word is read too (`=?UTF-8?B?...?= <addr>`, common in
/// returned originals): decoding it changes the name alone, which is then
/// not given as mail-parser would.
fn simple_mailbox(data: &[u8], from: usize, need_name: bool) -> Option<Mailbox<'_>> {
    let end = skip_value(data, from);
    let is_blank = |b: &u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    // Without a final line break, the last token is never added.
    let value = data[from..end].strip_suffix(b"\n")?;
    let first = value.iter().position(|b| !is_blank(b))?;
    let last = value.iter().rposition(|b| !is_blank(b))?;
    let value = &value[first..=last];
    // Bytes that end, open or escape something in one state or another
    // (looked up in a table: these scans run over every address).
    let special = |b: &u8| ADDRESS_BYTE[usize::from(*b)] & SPECIAL != 0;
    let blank_or_special = |b: &u8| ADDRESS_BYTE[usize::from(*b)] != 0;
    let encoded = has_encoded_word(value);
    if encoded && need_name {
        return None;
    }
    let (name, address) = if let Some(quoted) = value.strip_prefix(b"\"") {
        if encoded {
            return None;
        }
        // `"Display Name" <addr>`: the name is all that the quotes hold,
        // white space included, where only `"` and `\\` mean something.
        let close = memchr::memchr(b'"', quoted)?;
        let (name, rest) = (&quoted[..close], &quoted[close + 1..]);
        let open = rest.iter().position(|b| !is_blank(b))?;
        let address = rest[open..].strip_prefix(b"<")?.strip_suffix(b">")?;
        if name.iter().any(|b| matches!(b, b'\\' | b'\r' | b'\n'))
            || rest[..open].iter().any(|b| matches!(b, b'\r' | b'\n'))
            || address.is_empty()
            || address.iter().any(blank_or_special)
        {
            return None;
        }
        ((!name.is_empty()).then_some(name), Some(address))
    } else if let Some(rest) = value.strip_suffix(b">") {
        let open = memchr::memchr(b'<', rest)?;
        let (name, address) = (&rest[..open], &rest[open + 1..]);
        if address.is_empty()
            || address.iter().any(blank_or_special)
            || name.iter().any(special)
            || (encoded && has_encoded_word(address))
        {
            return None;
        }
        // The name runs from its first to its last byte that is not white
        // space, the white space inside kept.
        let name = name
            .iter()
            .rposition(|b| !is_blank(b))
            .map(|last| &name[..=last]);
        (name, Some(address))
    } else if encoded || value.iter().any(blank_or_special) {
        return None;
    } else if value.contains(&b'@') {
        (None, Some(value))
    } else {
        (Some(value), None)
    };
    Some((name, address, end))
}

/// How [`simple_address`] sees a byte: [`BLANK`] for white space, [`SPECIAL`]
/// for a byte that ends, opens or escapes something in one state or another
/// of mail-parser's address parser (line breaks are both), 0 otherwise.
const ADDRESS_BYTE: [u8; 256] = {
    let mut t = [0u8; 256];
    let special = b"\r\n,<>\"():;\\";
    let mut i = 0;
    while i < special.len() {
        t[special[i] as usize] = SPECIAL;
        i += 1;
    }
    t[b' ' as usize] = BLANK;
    t[b'\t' as usize] = BLANK;
    t[b'\r' as usize] |= BLANK;
    t[b'\n' as usize] |= BLANK;
    t
};
/// White space in an address (see [`ADDRESS_BYTE`]).
const BLANK: u8 = 1;
/// A byte with a meaning in an address (see [`ADDRESS_BYTE`]).
const SPECIAL: u8 = 2;

/// mail-parser's `parse_content_type` from `from`, for the values written
/// without comments, backslashes, RFC 2231 parameters (`name*=`), encoded
/// words or a quoted string folded across lines: the same state machine
/// with those branches left out, and none of the bookkeeping they need.
/// Gives the value and the offset where mail-parser's parser stops, or
/// `None` at the first byte it does not handle; the caller then asks
/// mail-parser, which reads the value from its start again.
///
/// Adapted from mail-parser 0.11's `src/parsers/fields/content_type.rs`,
/// © 2020 Stalwart Labs LLC, licensed Apache-2.0 OR MIT (the licences of
/// this project).
fn simple_content_type(data: &[u8], from: usize) -> Option<(HeaderValue<'_>, usize)> {
    #[derive(Clone, Copy, PartialEq, Eq)]
    enum State {
        Type,
        SubType,
        Name,
        Value,
        Quoted,
    }
    /// The parser's state; `token` is the current token's first byte and
    /// the offset after its last.
    struct Parser<'x> {
        state: State,
        c_type: Option<Cow<'x, str>>,
        c_subtype: Option<Cow<'x, str>>,
        name: Option<Cow<'x, str>>,
        attributes: Vec<Attribute<'x>>,
        token: Option<(usize, usize)>,
        lower_case: bool,
    }
    impl<'x> Parser<'x> {
        /// mail-parser's `add_attribute`: the token ends a type, subtype or
        /// parameter name (lowercased if an upper-case letter was seen).
        fn add_attribute(&mut self, data: &'x [u8]) -> bool {
            let Some((start, end)) = self.token.take() else {
                return false;
            };
            let token = &data[start..end];
            let attr = if self.lower_case {
                known_token(token).map_or_else(|| lossy(token), Cow::Borrowed)
            } else {
                self.lower_case = true;
                // The lowercased token, as mail-parser makes it: a common
                // one as the static text (no allocation), else a copy.
                let mut lower = [0u8; 32];
                match lower.get_mut(..token.len()) {
                    Some(buf) => {
                        buf.copy_from_slice(token);
                        buf.make_ascii_lowercase();
                        known_token(buf)
                    }
                    None => None,
                }
                .map_or_else(
                    || {
                        let mut attr = lossy(token);
                        attr.to_mut().make_ascii_lowercase();
                        attr
                    },
                    Cow::Borrowed,
                )
            };
            match self.state {
                State::Name => self.name = Some(attr),
                State::Type => self.c_type = Some(attr),
                _ => self.c_subtype = Some(attr),
            }
            true
        }

        /// mail-parser's `add_value` without partial values: the token is
        /// the value of the pending parameter.
        fn add_value(&mut self, data: &'x [u8]) {
            if self.name.is_none() {
                return;
            }
            if let Some((start, end)) = self.token.take() {
                self.attributes.push(Attribute {
                    name: self.name.take().unwrap_or_default(),
                    value: {
                        let token = &data[start..end];
                        known_token(token).map_or_else(|| lossy(token), Cow::Borrowed)
                    },
                });
            }
        }
    }
    let mut p = Parser {
        state: State::Type,
        c_type: None,
        c_subtype: None,
        name: None,
        attributes: Vec::new(),
        token: None,
        lower_case: true,
    };
    let mut i = from;
    while let Some(&ch) = data.get(i) {
        // As in mail-parser, `i` is now the offset after the byte read.
        i += 1;
        match ch {
            b' ' | b'\t' => {
                if p.state == State::Quoted {
                    match &mut p.token {
                        Some((_, end)) => *end = i,
                        None => p.token = Some((i - 1, i)),
                    }
                }
                continue;
            }
            b'A'..=b'Z'
                if p.lower_case
                    && matches!(p.state, State::Type | State::SubType | State::Name) =>
            {
                p.lower_case = false;
            }
            b'\n' => {
                let next_is_space = matches!(data.get(i), Some(b' ' | b'\t'));
                match p.state {
                    State::Type | State::SubType | State::Name => {
                        p.add_attribute(data);
                    }
                    State::Value => p.add_value(data),
                    State::Quoted if next_is_space => return None,
                    State::Quoted => p.add_value(data),
                }
                if !next_is_space {
                    let value = match p.c_type {
                        Some(c_type) => HeaderValue::ContentType(ContentType {
                            c_type,
                            c_subtype: p.c_subtype,
                            attributes: (!p.attributes.is_empty()).then_some(p.attributes),
                        }),
                        None => HeaderValue::Empty,
                    };
                    return Some((value, i));
                }
                if p.state != State::Type {
                    p.state = State::Name;
                    i += 1;
                }
                continue;
            }
            b'/' if p.state == State::Type => {
                p.add_attribute(data);
                p.state = State::SubType;
                continue;
            }
            b';' if p.state != State::Quoted => {
                if p.state == State::Value {
                    p.add_value(data);
                } else {
                    p.add_attribute(data);
                }
                p.state = State::Name;
                continue;
            }
            b'*' if p.state == State::Name => return None,
            b'=' if p.state == State::Name => {
                if p.add_attribute(data) {
                    p.state = State::Value;
                }
                continue;
            }
            b'=' if matches!(p.state, State::Value | State::Quoted)
                && data.get(i) == Some(&b'?') =>
            {
                return None;
            }
            b'"' => {
                match p.state {
                    State::Value => p.state = State::Quoted,
                    State::Quoted => {
                        p.add_value(data);
                        p.state = State::Name;
                    }
                    _ => {}
                }
                continue;
            }
            b'\\' if matches!(p.state, State::Value | State::Quoted) => return None,
            b'\\' => continue,
            b'(' if p.state != State::Quoted => return None,
            b'\r' => continue,
            _ => {}
        }
        let start = p.token.map_or(i - 1, |(start, _)| start);
        // The bytes that follow and that no state treats apart extend the
        // token at once, as they would one by one; an upper-case letter among
        // them does what it does in the byte loop.
        let mut seen = 0;
        while let Some(&b) = data.get(i) {
            let class = CONTENT_TYPE_BYTE[usize::from(b)];
            if class == 0 {
                break;
            }
            seen |= class;
            i += 1;
        }
        if seen & UPPER != 0
            && p.lower_case
            && matches!(p.state, State::Type | State::SubType | State::Name)
        {
            p.lower_case = false;
        }
        p.token = Some((start, i));
    }
    Some((HeaderValue::Empty, data.len()))
}

/// The common Content-Type and Content-Disposition tokens (types, subtypes,
/// parameter names, charsets) as static text: the same `str` that
/// `lossy` would borrow from the data, without its UTF-8 check (some ninety
/// instructions a token) or, for a token to lowercase, the copy.
fn known_token(token: &[u8]) -> Option<&'static str> {
    // Told apart by length first, as in `known_name`.
    Some(match (token.len(), token) {
        (4, b"text") => "text",
        (5, b"plain") => "plain",
        (4, b"html") => "html",
        (9, b"multipart") => "multipart",
        (5, b"mixed") => "mixed",
        (11, b"alternative") => "alternative",
        (7, b"related") => "related",
        (6, b"report") => "report",
        (7, b"message") => "message",
        (15, b"delivery-status") => "delivery-status",
        (22, b"global-delivery-status") => "global-delivery-status",
        (6, b"rfc822") => "rfc822",
        (14, b"rfc822-headers") => "rfc822-headers",
        (6, b"global") => "global",
        (14, b"global-headers") => "global-headers",
        (15, b"feedback-report") => "feedback-report",
        (24, b"disposition-notification") => "disposition-notification",
        (11, b"application") => "application",
        (12, b"octet-stream") => "octet-stream",
        (7, b"charset") => "charset",
        (8, b"boundary") => "boundary",
        (11, b"report-type") => "report-type",
        (4, b"name") => "name",
        (8, b"filename") => "filename",
        (6, b"format") => "format",
        (6, b"flowed") => "flowed",
        (5, b"delsp") => "delsp",
        (6, b"inline") => "inline",
        (10, b"attachment") => "attachment",
        (8, b"us-ascii") => "us-ascii",
        (8, b"US-ASCII") => "US-ASCII",
        (5, b"utf-8") => "utf-8",
        (5, b"UTF-8") => "UTF-8",
        (10, b"iso-8859-1") => "iso-8859-1",
        (10, b"ISO-8859-1") => "ISO-8859-1",
        (11, b"iso-2022-jp") => "iso-2022-jp",
        (11, b"ISO-2022-JP") => "ISO-2022-JP",
        _ => return None,
    })
}

/// One of the fast paths for a field value (`simple_address`...): from the
/// data and the offset where the value starts, the value and the offset
/// after it, as mail-parser's parser gives them, or `None` for a form it
/// leaves to mail-parser.
pub(crate) type SimpleParser<'a> = fn(&'a [u8], usize) -> Option<(HeaderValue<'a>, usize)>;

/// mail-parser's parser for a field value (`MessageStream::parse_date`...).
pub(crate) type FullParser<'a> = fn(&mut MessageStream<'a>) -> HeaderValue<'a>;

/// The value of a field from `from` (where the value starts) and the offset
/// after it: by the fast path `simple` when the value has its form, else by
/// mail-parser's `full`, which gives the same for the forms both read.
pub(crate) fn field_value<'a>(
    data: &'a [u8],
    from: usize,
    simple: SimpleParser<'a>,
    full: FullParser<'a>,
) -> (HeaderValue<'a>, usize) {
    simple(data, from).unwrap_or_else(|| {
        let mut stream = MessageStream::new(data);
        stream.skip_bytes(from);
        (full(&mut stream), stream.offset())
    })
}

/// Whether `value` holds `=?`, where mail-parser's field parsers try an
/// RFC 2047 encoded word (`memchr` for `=`: a `memmem` finder costs more to
/// build than these short values take to scan).
fn has_encoded_word(value: &[u8]) -> bool {
    memchr::memchr_iter(b'=', value).any(|i| value.get(i + 1) == Some(&b'?'))
}

/// How [`simple_content_type`] sees a byte: 0 when mail-parser's
/// `parse_content_type` does not treat it as a token byte in every state
/// handled, else [`PLAIN`] or, for an upper-case letter, [`UPPER`].
const CONTENT_TYPE_BYTE: [u8; 256] = {
    let mut t = [PLAIN; 256];
    let special = b" \t\n\r/;*=\"\\(";
    let mut i = 0;
    while i < special.len() {
        t[special[i] as usize] = 0;
        i += 1;
    }
    let mut b = b'A';
    while b <= b'Z' {
        t[b as usize] = UPPER;
        b += 1;
    }
    t
};
/// A token byte that is no upper-case letter (see [`CONTENT_TYPE_BYTE`]).
const PLAIN: u8 = 1;
/// An upper-case token byte (see [`CONTENT_TYPE_BYTE`]).
const UPPER: u8 = 2;

/// mail-parser's `parse_and_ignore`: the offset after a field value, that is
/// after the first line break not followed by a space or a tab.
fn skip_value(data: &[u8], p: usize) -> usize {
    skip_value_folded(data, p).0
}

/// [`skip_value`], and whether the value went on over more than one line.
#[inline(always)]
fn skip_value_folded(data: &[u8], mut p: usize) -> (usize, bool) {
    let mut folded = false;
    loop {
        match memchr::memchr(b'\n', &data[p..]) {
            None => return (data.len(), folded),
            Some(i) => {
                let n = p + i;
                match data.get(n + 1) {
                    Some(b' ' | b'\t') => {
                        p = n + 2;
                        folded = true;
                    }
                    _ => return (n + 1, folded),
                }
            }
        }
    }
}

/// The boundary of a multipart part whose `boundary` parameter lost its
/// folding white space: `Content-Type: multipart/alternative;` then
/// `boundary="..."` at the very start of the next line, which makes that line
/// no header field at all. Some mailers write this (JavaMail-based ones among
/// them); mail-parser then sees a multipart part without a boundary and
/// nothing in it, and the text of the bounce would be lost. Only asked when
/// the Content-Type itself names no boundary; `block` is the header block,
/// and the line must follow the Content-Type field directly.
fn lost_boundary(block: &[u8]) -> Option<&str> {
    const FIELD: &[u8] = b"content-type:";
    const NAME: &[u8] = b"boundary=";
    let starts = |line: &[u8], with: &[u8]| {
        line.get(..with.len())
            .is_some_and(|h| h.eq_ignore_ascii_case(with))
    };
    let mut after_field = false;
    for line in block.split(|&b| b == b'\n') {
        if after_field && starts(line, NAME) {
            let value = line[NAME.len()..].trim_ascii();
            let value = value.strip_suffix(b";").unwrap_or(value);
            let value = match value {
                [b'"', inner @ .., b'"'] => inner,
                _ => value,
            };
            let clean =
                !value.is_empty() && !value.iter().any(|b| b.is_ascii_whitespace() || *b == b'"');
            return clean.then(|| std::str::from_utf8(value).ok()).flatten();
        }
        let folded = matches!(line.first(), Some(b' ' | b'\t'));
        after_field = starts(line, FIELD) || (after_field && folded);
    }
    None
}

/// The `boundary` parameter of a content type, as `ContentType::attribute`
/// finds it: borrowed from the message when the value is.
fn boundary_of<'a>(ct: &ContentType<'a>) -> Option<Cow<'a, [u8]>> {
    let attr = ct
        .attributes
        .as_ref()?
        .iter()
        .find(|a| a.name == "boundary")?;
    Some(match &attr.value {
        Cow::Borrowed(b) => Cow::Borrowed(b.as_bytes()),
        Cow::Owned(b) => Cow::Owned(b.as_bytes().to_vec()),
    })
}

/// Where the content of a part holding a returned message starts (recorded
/// in its pending slot).
fn part_body(message: &Walked<'_>, part: usize) -> usize {
    match message.slots.get(part) {
        Some(Slot::Pending { body }) => *body,
        _ if part == 0 => message.body,
        _ => 0,
    }
}

/// The text mail-parser keeps for a returned message that has no header:
/// what precedes the closing boundary, else everything, lossily.
fn unclosed_text<'a>(raw: Option<&'a [u8]>, boundary: Option<&[u8]>) -> Cow<'a, str> {
    let clean = raw
        .and_then(|bytes| std::str::from_utf8(bytes).ok())
        .and_then(|text| {
            let boundary = std::str::from_utf8(boundary?).ok()?;
            let (text, _) = text.rsplit_once(boundary)?;
            let text = text.strip_suffix("--")?;
            let text = text.strip_suffix('\n').unwrap_or(text);
            Some(text.strip_suffix('\r').unwrap_or(text))
        });
    match clean {
        Some(text) => Cow::Borrowed(text),
        None => lossy(raw.unwrap_or_default()),
    }
}

/// Where a part without transfer encoding ends: mail-parser's `mime_part`
/// (the first `--boundary` anywhere, the line break before it excluded when it
/// starts a line), found by [`find_boundary`]. Returns (end of content,
/// offset after the boundary), or `None` when the boundary never comes.
fn scan_plain(data: &[u8], start: usize, boundary: &[u8]) -> Option<(usize, usize)> {
    let len = data.len();
    if boundary.is_empty() {
        return Some((len, len));
    }
    let q = find_boundary(data, start, boundary)?;
    Some((content_end(data, start, q), q + 2 + boundary.len()))
}

/// Where the first `--boundary` from `from` starts (two dashes, then the
/// boundary). The pairs of dashes are looked for with a searcher built once
/// (a part holds few of them), and the boundary compared at each: a
/// searcher for the boundary itself costs thousands of instructions to build
/// for each new boundary, more than the search saves.
fn find_boundary(data: &[u8], mut from: usize, boundary: &[u8]) -> Option<usize> {
    static DASHES: std::sync::OnceLock<memchr::memmem::Finder<'static>> =
        std::sync::OnceLock::new();
    let dashes = DASHES.get_or_init(|| memchr::memmem::Finder::new(b"--"));
    loop {
        let at = from + dashes.find(data.get(from..)?)?;
        if data[at + 2..].starts_with(boundary) {
            return Some(at);
        }
        // In a run of dashes (a rule of `-----`, common in bounce text) each
        // pair is found in turn; unless the boundary begins with a dash, only
        // the pair that ends the run may stand before it.
        let run = if boundary.first() == Some(&b'-') {
            0
        } else {
            data[at + 2..].iter().take_while(|&&b| b == b'-').count()
        };
        from = at + run.max(1);
    }
}

/// mail-parser's `seek_next_part`: moves the stream after the first
/// `--boundary` from its position and says whether there was one (the
/// stream stays put when not). Found by [`find_boundary`], which finds what
/// that byte-at-a-time loop finds.
fn seek_next_part(stream: &mut MessageStream<'_>, data: &[u8], boundary: &[u8]) -> bool {
    if boundary.is_empty() {
        return false;
    }
    let from = stream.offset();
    match find_boundary(data, from, boundary) {
        Some(q) => {
            stream.skip_bytes(q + 2 + boundary.len() - from);
            true
        }
        None => false,
    }
}

/// mail-parser's `seek_part_end` from the stream's position: where the part
/// ends and whether its boundary came, the stream left after the boundary
/// (or at the end). That function reads a byte at a time; what it finds is
/// what [`scan_plain`] finds (the first `--boundary`, the line break before
/// it excluded), so that is asked instead, but for an empty boundary.
fn seek_part_end(
    stream: &mut MessageStream<'_>,
    data: &[u8],
    boundary: Option<&[u8]>,
) -> (usize, bool) {
    let from = stream.offset();
    match boundary {
        Some(b) if !b.is_empty() => match scan_plain(data, from, b) {
            Some((end, next)) => {
                stream.skip_bytes(next - from);
                (end, true)
            }
            None => {
                stream.seek_end();
                (data.len(), false)
            }
        },
        _ => stream.seek_part_end(boundary),
    }
}

/// The end of a part's content whose closing `--` starts at `q`: before the
/// line break when the boundary starts a line, else at the dashes.
fn content_end(data: &[u8], start: usize, q: usize) -> usize {
    if q == start {
        start
    } else if data[q - 1] == b'\n' {
        if q >= start + 2 && data[q - 2] == b'\r' {
            q - 2
        } else {
            q - 1
        }
    } else {
        q
    }
}

/// What mail-parser's base64 decoder makes of a byte: 0 passes over it (the
/// alphabet, `=`, white space), 1 is `-` (two in a row end the part or fail),
/// 2 fails.
const B64_CLASS: [u8; 256] = {
    let mut t = [2u8; 256];
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/= \t\r\n";
    let mut i = 0;
    while i < alphabet.len() {
        t[alphabet[i] as usize] = 0;
        i += 1;
    }
    t[b'-' as usize] = 1;
    t
};

/// mail-parser's `decode_base64_mime` without the output: where the part ends,
/// or `None` where the decoder gives up (a byte outside the alphabet, or
/// `--` not followed by the boundary).
fn scan_base64(data: &[u8], start: usize, boundary: &[u8]) -> Option<(usize, usize)> {
    let mut k = start;
    while k < data.len() {
        // Most of a part is the alphabet and line breaks, which change
        // nothing: sixteen of them are passed at once.
        if let Some(chunk) = data.get(k..k + 16) {
            if chunk.iter().fold(0, |bad, &b| bad | B64_CLASS[b as usize]) == 0 {
                k += 16;
                continue;
            }
        }
        match B64_CLASS[data[k] as usize] {
            0 => {}
            1 if k > start && data[k - 1] == b'-' => {
                return (!boundary.is_empty() && data[k + 1..].starts_with(boundary))
                    .then(|| (content_end(data, start, k - 1), k + 1 + boundary.len()));
            }
            1 => {}
            _ => return None,
        }
        k += 1;
    }
    boundary.is_empty().then_some((data.len(), data.len()))
}

/// mail-parser's `decode_quoted_printable_mime` without the output: where the
/// part ends, or `None` where the decoder gives up (`=` after `=`).
///
/// In the decoder's plain state only `=`, line breaks and dashes count, so
/// it is passed over eight bytes at a time ([`find_qp_stop`]); after a `=`
/// the bytes are taken one at a time, as the decoder does, until it is back
/// in its plain state.
fn scan_quoted_printable(data: &[u8], start: usize, boundary: &[u8]) -> Option<(usize, usize)> {
    // The byte `back` places before `k`, as the decoder remembers it (0
    // before the start).
    let at = |k: usize, back: usize| if k >= start + back { data[k - back] } else { 0 };
    let is_boundary =
        |k: usize| !boundary.is_empty() && at(k, 1) == b'-' && data[k + 1..].starts_with(boundary);
    let closing = |k: usize, end: usize| {
        Some((
            if at(k, 2) == b'\n' { end } else { k - 1 },
            k + 1 + boundary.len(),
        ))
    };
    let mut end = start;
    let mut k = start;
    loop {
        k = find_qp_stop(data, k);
        if k >= data.len() {
            break;
        }
        match data[k] {
            b'\n' => end = if at(k, 1) == b'\r' { k - 1 } else { k },
            b'-' if is_boundary(k) => return closing(k, end),
            b'=' => {
                // After `=`: a hex digit, then any byte, gets back to the
                // plain state; white space waits; anything else gets back.
                let mut hex1 = false;
                loop {
                    k += 1;
                    let Some(&ch) = data.get(k) else {
                        return boundary.is_empty().then_some((data.len(), data.len()));
                    };
                    match ch {
                        b'=' => return None,
                        b'\n' => {
                            end = if at(k, 1) == b'\r' { k - 1 } else { k };
                            if !hex1 {
                                break;
                            }
                        }
                        b'\r' => {}
                        b'-' if is_boundary(k) => return closing(k, end),
                        _ if hex1 => break,
                        _ if HEX_MAP[ch as usize] != -1 => hex1 = true,
                        _ if !ch.is_ascii_whitespace() => break,
                        _ => {}
                    }
                }
            }
            // Any other dash, and the controls the search stops at.
            _ => {}
        }
        k += 1;
    }
    boundary.is_empty().then_some((data.len(), data.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_classes_are_mail_parsers() {
        use mail_parser::decoders::base64::BASE64_MAP;
        for row in BASE64_MAP.iter() {
            for b in 0..=255u8 {
                let passes = row[b as usize] < 0x01ff_ffff
                    || matches!(b, b'=' | b' ' | b'\t' | b'\r' | b'\n');
                assert_eq!(B64_CLASS[b as usize] == 0, passes, "byte {b}");
            }
        }
    }

    #[test]
    fn quoted_printable_is_mail_parsers() {
        // Reproducible random parts over the bytes that matter to the decoder;
        // the second alphabet has no carriage return and more letters, so
        // that runs of plain bytes go over line feeds.
        let alphabets: [&[u8]; 2] = [
            b"==\n\n\r--  \t\x0c\x0bAf3x-=\xe3B",
            b"=\n\n\n- \tabcdefAf3x-=\xe3B",
        ];
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for case in 0..40_000 {
            let alphabet = alphabets[case / 20_000];
            let len = (next() % 60) as usize;
            let mut data: Vec<u8> = (0..len)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect();
            let boundary: &[u8] = match case % 3 {
                0 => b"",
                1 => b"B",
                _ => b"-B",
            };
            if case % 2 == 0 && !boundary.is_empty() {
                let at = (next() as usize) % (data.len() + 1);
                data.splice(at..at, [b'-', b'-'].iter().chain(boundary).copied());
            }
            let start = (next() as usize) % (data.len() + 1);
            let mut stream = MessageStream::new(&data);
            stream.skip_bytes(start);
            let (end, bytes) = stream.decode_quoted_printable_mime(boundary);
            let want = (end != usize::MAX).then(|| (end, stream.offset(), bytes.into_owned()));
            assert_eq!(
                scan_quoted_printable(&data, start, boundary),
                want.as_ref().map(|(end, next, _)| (*end, *next)),
                "scan {:?} from {start}",
                String::from_utf8_lossy(&data)
            );
            assert_eq!(
                decode_quoted_printable(&data, start, boundary),
                want,
                "{:?} from {start}",
                String::from_utf8_lossy(&data)
            );
        }
    }

    #[test]
    fn html_to_text_is_mail_parsers() {
        // Reproducible random documents over the bytes and words that matter.
        let pieces: &[&str] = &[
            "<",
            ">",
            "/",
            "!",
            "--",
            "-",
            " ",
            "\t",
            "\r",
            "\n",
            "&",
            ";",
            "&amp;",
            "&#65;",
            "&#x42;",
            "&nosuch;",
            "a",
            "word",
            "é",
            "<br>",
            "<BR/>",
            "</p>",
            "<p>",
            "<head>",
            "</head>",
            "<style>",
            "</style>",
            "<script>",
            "</script>",
            "<template>",
            "</template>",
            "<!--",
            "-->",
            "--->",
            "<a href=x>",
            "< b c d>",
            "x=\"1\"",
        ];
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for _ in 0..20_000 {
            let len = (next() % 40) as usize;
            let doc: String = (0..len)
                .map(|_| pieces[(next() % pieces.len() as u64) as usize])
                .collect();
            assert_eq!(
                html_to_text(&doc),
                mail_parser::decoders::html::html_to_text(&doc),
                "{doc:?}"
            );
        }
    }

    #[test]
    fn latin1_decoder_keeps_ascii() {
        let ascii: Vec<u8> = (0..0x80).collect();
        for name in ["us-ascii", "ASCII", "iso-8859-1", "latin1", "windows-1252"] {
            let decode = charset_decoder(name.as_bytes()).unwrap();
            assert!(is_latin1_decoder(decode), "{name}");
            assert_eq!(decode(&ascii).as_bytes(), &ascii[..], "{name}");
        }
        let jis = charset_decoder(b"iso-2022-jp").unwrap();
        assert!(!is_latin1_decoder(jis));
    }

    #[test]
    fn skipped_values_end_where_parsed_ones_do() {
        // Reproducible random field values over the bytes the parsers treat
        // apart: the parse of a value read lazily ends where `skip_value` does.
        let pieces: &[&[u8]] = &[
            b"\n",
            b"\n ",
            b"\n\t",
            b"\r\n",
            b" ",
            b"\t",
            b"\"",
            b"\\",
            b"<",
            b">",
            b"(",
            b")",
            b",",
            b";",
            b":",
            b"@",
            b"=",
            b"?",
            b"=?",
            b"?=",
            b"=?utf-8?q?",
            b"=?utf-8?b?",
            b"=?x?q?a=4",
            b"=?iso-8859-1?Q?a_b",
            b"YWJj",
            b"*",
            b"/",
            b"a",
            b"b@c",
            b"\xe3",
            b"text/plain",
            b"x*0*=",
            b"name=\"v\"",
            b"Z",
        ];
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        type Parse = fn(&mut MessageStream<'_>);
        let parsers: [(&str, Parse); 4] = [
            ("address", |s| drop(s.parse_address())),
            ("id", |s| drop(s.parse_id())),
            ("unstructured", |s| drop(s.parse_unstructured())),
            ("content type", |s| drop(s.parse_content_type())),
        ];
        for _ in 0..40_000 {
            let len = (next() % 16) as usize;
            let value: Vec<u8> = (0..len)
                .flat_map(|_| {
                    pieces[(next() % pieces.len() as u64) as usize]
                        .iter()
                        .copied()
                })
                .collect();
            for (name, parse) in parsers {
                let mut stream = MessageStream::new(&value);
                parse(&mut stream);
                assert_eq!(
                    skip_value(&value, 0),
                    stream.offset(),
                    "{name} {:?}",
                    String::from_utf8_lossy(&value)
                );
            }
        }
    }

    #[test]
    fn simple_parsers_are_mail_parsers() {
        // Reproducible random values over the bytes the two parsers treat
        // apart, and real ones: where the fast path answers, it gives what
        // mail-parser gives and stops where it stops.
        let pieces: &[&[u8]] = &[
            b"\n",
            b"\n ",
            b"\n\t",
            b"\r\n",
            b" ",
            b"\t",
            b"\"",
            b"\\",
            b"(",
            b")",
            b";",
            b"=",
            b"?",
            b"=?",
            b"=?utf-8?q?a?=",
            b"*",
            b"/",
            b"'",
            b"a",
            b"Z",
            b"\xe3",
            b"text/plain",
            b"Text/HTML",
            b"multipart/report",
            b"; charset=",
            b"utf-8",
            b"; boundary=\"",
            b"----=_Part_1",
            b"report-type=delivery-status",
            b"; ",
            b"Charset=\"ISO-2022-JP\"",
            b"<",
            b">",
            b"<a@b>",
            b"<1.2@c.d>",
            b"@",
            b"x@y.z",
            b"Name ",
            b"\"N, x\" ",
            b",",
            b":",
            b"7bit",
            b"x*0*=",
            b"name*=utf-8''a%20b",
        ];
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut values: Vec<Vec<u8>> = [
            "multipart/report; report-type=delivery-status;\n\tboundary=\"B\"\nX: y\n",
            "text/plain; charset=\"us-ascii\"\n",
            "Text/Plain; CHARSET=ISO-2022-JP; format=flowed\n",
            // Tokens `known_token` gives as static text, in either case,
            // one beside a non-ASCII byte, and one too long for its
            // lowercasing buffer.
            "MESSAGE/Delivery-Status; Report-Type=delivery-status; charset=UTF-8\n",
            "attachment; FileName=x; Format=Flowed; DelSp=yes\n",
            "text/plain\u{e9}; charset=utf-8\u{e9}\n",
            "Multipart/Alternative-With-A-Subtype-Over-32-Bytes; Boundary=b\n",
            "message/delivery-status\n",
            "multipart/alternative;\n boundary=\"----=_Part_0_1.2\"\n\n",
            " base64\n",
            "Quoted-Printable \r\n",
            "Undelivered Mail Returned to Sender\n",
            "<20240101.abc@example.org>\n",
            "\n <a@b>\r\n\t\nX: y\n",
            " <a@b> <c@d>\n",
            "<a b@c>\n",
            "<>\n",
            "user@example.jp\n",
            " Mail Delivery System <MAILER-DAEMON@example.jp>\n",
            "\"Quoted\" <a@b>\n",
            "Name  Two\t<a@b> \r\n",
            "a@b, c@d\n",
            "<a@b> (x)\n",
            "name\n",
            "=?utf-8?q?x?= <a@b>\n",
            "=?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?= <user@example.jp>\n",
            "=?utf-8?b?YQ==?= =?utf-8?b?Yg==?=\n <a@b>\n",
            "=?utf-8?q?a?= <=?utf-8?q?b?=@c>\n",
            "\"=?utf-8?q?a?=\" <a@b>\n",
            "=?utf-8?q?a,b?= <a@b>\n",
            "=?utf-8?q?a?= b@c\n",
            "=x=@y\n",
            "\u{3042} <a@b>\n",
            "a@b\n <c@d>\n",
            "\"Name, Inc. (x) <y>\" <a@b>\n",
            "\" spaced \"\t <a@b>\n",
            "\"\" <a@b>\n",
            "\"a\\\"b\" <a@b>\n",
            "\"x\"y <a@b>\n",
            "\"x\" <a@b> c\n",
            "\"x\"<a@b>\n",
            "\"x\n\ty\" <a@b>\n",
            " a \n  b\t\n\tc\nD: e\n",
            "\n",
            "x",
        ]
        .iter()
        .map(|v| v.as_bytes().to_vec())
        .collect();
        // Dates: canonical ones with random fields, and some near misses.
        let dows = ["", "Mon, ", "Sun, ", "mon, ", "Xyz, ", "Mon,", "Mo, "];
        let months = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
            "jan", "JAN", "Foo", "Ja",
        ];
        let tails = [
            "", " (JST)", " (UTC)", " (a(b))", " (x\\)", "\r", " ", " (CEST", "\n ", " X",
        ];
        for _ in 0..40_000 {
            let mut pick = |n: usize| (next() % n as u64) as usize;
            let day = pick(40);
            let day = if pick(2) == 0 {
                format!("{day}")
            } else {
                format!("{day:02}")
            };
            let year = [pick(10_000), pick(100) + 1950, pick(100), pick(60) + 1990][pick(4)];
            let year = if pick(4) == 0 {
                format!("{year}")
            } else {
                format!("{year:04}")
            };
            let date = format!(
                "{}{}{} {} {} {:02}:{:02}:{:02} {}{:04}{}\n{}",
                [" ", "", "\t"][pick(3)],
                dows[pick(dows.len())],
                day,
                months[pick(months.len())],
                year,
                pick(30),
                pick(70),
                pick(70),
                ["+", "-", "", "GMT"][pick(4)],
                pick(10_000),
                tails[pick(tails.len())],
                ["", "X: y\n", " more\n"][pick(3)],
            );
            values.push(date.into_bytes());
        }
        for _ in 0..60_000 {
            let len = (next() % 12) as usize;
            values.push(
                (0..len)
                    .flat_map(|_| {
                        pieces[(next() % pieces.len() as u64) as usize]
                            .iter()
                            .copied()
                    })
                    .collect(),
            );
        }
        // Each fast path beside the parser it stands for, and how many
        // values it took.
        fn pairs<'a>() -> [(&'static str, SimpleParser<'a>, FullParser<'a>); 5] {
            [
                (
                    "content type",
                    simple_content_type,
                    MessageStream::parse_content_type,
                ),
                (
                    "unstructured",
                    simple_unstructured,
                    MessageStream::parse_unstructured,
                ),
                ("id", simple_id, MessageStream::parse_id),
                ("date", simple_date, MessageStream::parse_date),
                ("address", simple_address, MessageStream::parse_address),
            ]
        }
        let mut fast = [0usize; 5];
        for value in &values {
            // Also from an offset other than 0, as in a header block.
            let mut data = b"Content-Type:".to_vec();
            data.extend_from_slice(value);
            let from = 13;
            let show = String::from_utf8_lossy(value);
            // The first address, read without building the value.
            let mut stream = MessageStream::new(&data);
            stream.skip_bytes(from);
            let parsed = stream.parse_address();
            assert_eq!(
                first_address_at(&data, from),
                super::super::first_address(Some(&parsed)),
                "first address {show:?}"
            );
            for (k, (what, simple, full)) in pairs().into_iter().enumerate() {
                let mut stream = MessageStream::new(&data);
                stream.skip_bytes(from);
                let expected = (full(&mut stream), stream.offset());
                if let Some(got) = simple(&data, from) {
                    assert_eq!(got, expected, "{what} {show:?}");
                    fast[k] += 1;
                }
            }
        }
        // Display names with encoded words, which `first_address_at` reads
        // without mail-parser: random ones, the address as mail-parser gives it.
        let pieces: &[&[u8]] = &[
            b"=?utf-8?b?YQ==?=",
            b"=?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?=",
            b"=?utf-8?q?a_b?=",
            b"=?x?q?<?=",
            b"=?",
            b"?=",
            b" ",
            b"\t",
            b"\n ",
            b"\"",
            b"<",
            b">",
            b"<a@b>",
            b"a@b",
            b"Name",
            b",",
            b"(",
            b")",
            b"\\",
        ];
        let mut read = 0;
        for _ in 0..40_000 {
            let len = (next() % 6) as usize;
            let mut data = b"From:".to_vec();
            for _ in 0..len {
                data.extend_from_slice(pieces[(next() % pieces.len() as u64) as usize]);
            }
            data.extend_from_slice(b"\n");
            let mut stream = MessageStream::new(&data);
            stream.skip_bytes(5);
            let parsed = stream.parse_address();
            let want = super::super::first_address(Some(&parsed));
            assert_eq!(
                first_address_at(&data, 5),
                want,
                "{:?}",
                String::from_utf8_lossy(&data)
            );
            read += usize::from(simple_mailbox(&data, 5, false).is_some());
        }
        assert!(read > 1000, "{read}");
        // Most values take the fast paths.
        let [fast_ct, fast_un, fast_id, fast_date, fast_address] = fast;
        assert!(fast_ct > values.len() / 3, "{fast_ct}");
        assert!(fast_un > values.len() / 2, "{fast_un}");
        assert!(fast_id > 100, "{fast_id}");
        assert!(fast_date > 1000, "{fast_date}");
        assert!(fast_address > 1000, "{fast_address}");
    }

    #[test]
    fn kinds_are_read_from_the_lowercased_type() {
        let kind_of_name = |name: &str| match name {
            "text/rfc822-headers" => Kind::RfcHeaders,
            "text/rfc822-header" => Kind::RfcHeader,
            "message/delivery-status" | "message/global-delivery-status" => Kind::Dsn,
            "text/delivery-status" => Kind::TextDsn,
            "message/feedback-report" => Kind::Feedback,
            "message/rfc822-headers" | "message/rfc822" | "message/global-headers" => {
                Kind::Original
            }
            _ => Kind::Other,
        };
        let values = [
            "Message/RFC822",
            "message/rfc822; x=1",
            "TEXT/rfc822-HEADERS",
            "text/rfc822-header",
            "message/global-delivery-status",
            "Message/Delivery-Status",
            "text/delivery-status",
            "message/feedback-report",
            "message/global-headers",
            "message",
            "message/",
            "text/plain",
            "message/global-delivery-status-and-a-much-longer-name",
            "\"x\"",
            "text/rfc822/headers",
            "text/ rfc822-headers",
            "TEXT/Delivery-Status",
            "message/feedback-report; a=b",
            "text",
        ];
        for value in values {
            let line = format!("{value}\n");
            let parsed = MessageStream::new(line.as_bytes()).parse_content_type();
            let ct = parsed.as_content_type();
            assert_eq!(Kind::of(ct), kind_of_name(&content_type_of(ct)), "{value}");
        }
        assert_eq!(Kind::of(None), Kind::Other);
    }

    /// Field names mail-parser knows (its `HeaderName` has a variant for
    /// each).
    const KNOWN: [&str; 18] = [
        "content-type",
        "from",
        "to",
        "subject",
        "date",
        "message-id",
        "return-path",
        "content-transfer-encoding",
        "content-description",
        "content-disposition",
        "content-id",
        "content-location",
        "list-id",
        "received",
        "mime-version",
        "auto-submitted",
        "authentication-results",
        "dkim-signature",
    ];

    #[test]
    fn names_are_written_as_mail_parser_writes_them() {
        for name in KNOWN {
            let id = known_id(name.as_bytes(), true).unwrap();
            let want = HeaderName::parse(name).unwrap();
            assert_eq!(Name::of(&want), id, "{name}");
            assert_eq!(id.known_str(), Some(want.as_str()), "{name}");
        }
        assert_eq!(Name::Unnamed.known_str(), None);
    }

    #[test]
    fn known_names_are_mail_parsers() {
        let others = [
            "x-mailer",
            "x-original-to",
            "x-",
            "x400-received",
            "x-400-received",
            "arrival-date",
            "references",
            "x",
            "",
        ];
        for name in KNOWN.into_iter().chain(others) {
            let want = HeaderName::parse(name).filter(|h| !matches!(h, HeaderName::Other(_)));
            assert_eq!(known_name(name.as_bytes(), true), want, "{name}");
            let kept = known_name(name.as_bytes(), false);
            assert!(kept.is_none() || kept == want, "{name}");
        }
    }

    #[test]
    fn a_boundary_that_lost_its_folding_is_found() {
        let block = b"Content-Type: multipart/alternative;\nboundary=\"--=_b1\"\nX-Other: 1\n\n";
        assert_eq!(lost_boundary(block), Some("--=_b1"));
        assert_eq!(
            lost_boundary(b"Content-Type: multipart/mixed;\nBOUNDARY=b2;\n\n"),
            Some("b2")
        );
        let folded = b"Content-Type: multipart/mixed;\n\tcharset=x;\nboundary=b3\n\n";
        assert_eq!(lost_boundary(folded), Some("b3"));
        // Not right after the Content-Type field, not at the start of a line,
        // empty, or with spaces: not a boundary.
        let apart = b"Content-Type: multipart/mixed;\nX-Other: 1\nboundary=b4\n\n";
        assert_eq!(lost_boundary(apart), None);
        let ct = "Content-Type: multipart/mixed;\n";
        for line in ["X-Note: boundary=\"b\"", "boundary=\"\"", "boundary=a b"] {
            assert_eq!(
                lost_boundary(format!("{ct}{line}\n\n").as_bytes()),
                None,
                "{line}"
            );
        }
        let mail = "From: a@example.com\nContent-Type: multipart/mixed;\nboundary=\"outer\"\n\n\
--outer\nContent-Type: text/plain\n\nThe text of the bounce.\n--outer--\n";
        let walked = walk(mail.as_bytes(), true).unwrap();
        assert!(walked.slots.iter().any(
            |s| matches!(s, Slot::Text { text, .. } if text.contains("The text of the bounce."))
        ));
    }

    #[test]
    fn header_names_are_mail_parsers() {
        let lines: &[&[u8]] = &[
            b"From: a",
            b"receiVED: x",
            b" subject   : y",
            b"X-Custom-Field : z",
            b"mal formed: v",
            b"::Sub:ject: w",
            b"no colon at all\nNext: 1",
            b"no colon at the end",
            b"",
            b"   ",
            b"Original-Encoded-Information-Types-Extra: long",
            b"Message-Id:<a@b>",
            b"X-\xff\xfeBroken: bytes",
            b"S u b j e c t: spaced",
            b":",
            b"\n",
        ];
        for line in lines {
            let mut stream = MessageStream::new(line);
            let want = stream.parse_header_name().map(|n| (n, stream.offset()));
            let got = header_name(line, 0, true).ok().map(|(name, from)| {
                // A name left empty is read from the field.
                let name = match name.header_name(line, 0, from, true) {
                    HeaderName::Other(n) if n.is_empty() => {
                        HeaderName::Other(lossy(written_name(line, 0, from)))
                    }
                    name => name,
                };
                (name, from)
            });
            assert_eq!(got, want, "{:?}", String::from_utf8_lossy(line));
            if want.is_none() {
                assert_eq!(header_name(line, 0, true).unwrap_err(), stream.offset());
            }
        }
    }
}
