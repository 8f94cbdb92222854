//! The MIME walk behind [`super::Mail::parse`]: mail-parser's message state
//! machine (`MessageParser::parse`), followed step by step so that parts
//! begin and end exactly where mail-parser puts them, but doing only the
//! work a decoder needs.
//!
//! - Header values are skipped (with `memchr`) except those that steer the
//!   walk or that [`super::Mail`] reads (the MIME fields, Subject, From, To,
//!   Date, Message-ID), parsed by mail-parser's own field parsers.
//! - A part is decoded (transfer encoding, then charset) only when its content
//!   is read: the text parts of the outer message, its delivery-status,
//!   feedback-report and returned-header parts, and the first HTML part only
//!   when the message has no plain text (decoded at the end, on demand).
//! - Every other part (attachments, the returned original's body, HTML beside
//!   plain text) is only scanned for where it ends, and for whether
//!   mail-parser's decoder would have refused it (which changes how
//!   mail-parser classifies the part, so it must be known).
//! - Nothing recurses except the parse of a transfer-encoded message/rfc822
//!   part, bounded to the same depth as mail-parser's (3).

use mail_parser::decoders::charsets::map::charset_decoder;
use mail_parser::decoders::quoted_printable::HEX_MAP;
use mail_parser::parsers::MessageStream;
use mail_parser::{ContentType, GetHeader, Header, HeaderName, HeaderValue};
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
    Text { ctype: String, text: Cow<'a, str> },
    /// HTML, decoded only when asked (see [`Html::decode`]).
    Html(Html),
    /// A part that is not text, decoded from its transfer encoding; only kept
    /// for the content types read (see [`keeps_binary`]).
    Binary { ctype: String, bytes: Cow<'a, [u8]> },
    /// A message/rfc822 part parsed in place.
    Nested(Nested<'a>),
    /// A transfer-encoded message/rfc822 part, already read.
    Decoded {
        original: String,
        parsed: super::Original,
    },
}

/// Where an HTML part is and how to decode it.
pub(crate) struct Html {
    start: usize,
    end: usize,
    encoding: Encoding,
    boundary: Vec<u8>,
    charset: Option<String>,
}

impl Html {
    /// The part's text, decoded as mail-parser decodes it.
    pub(crate) fn decode(&self, data: &[u8]) -> String {
        let bytes: Cow<'_, [u8]> = match self.encoding {
            Encoding::None => Cow::Borrowed(data.get(self.start..self.end).unwrap_or_default()),
            enc => {
                let mut stream = MessageStream::new(data);
                stream.skip_bytes(self.start);
                decode_with(enc, &mut stream, data, &self.boundary).1
            }
        };
        let decoder = self
            .charset
            .as_deref()
            .and_then(|c| charset_decoder(c.as_bytes()));
        to_text(bytes, decoder).into_owned()
    }
}

/// A returned message parsed in place: its header block and offsets in the
/// outer message.
pub(crate) struct Nested<'a> {
    pub(crate) headers: Vec<Header<'a>>,
    /// Where its header block starts, its body starts and it ends.
    pub(crate) start: usize,
    pub(crate) body: usize,
    pub(crate) end: usize,
}

impl Nested<'_> {
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
    /// The first part's headers (the message's own header block).
    pub(crate) headers: Vec<Header<'a>>,
    /// First part: start of its header block, of its body, and its end.
    pub(crate) start: usize,
    pub(crate) body: usize,
    pub(crate) end: usize,
    /// One per part, when collecting (the outer message only).
    pub(crate) slots: Vec<Slot<'a>>,
    collect: bool,
}

impl<'a> Walked<'a> {
    fn new(collect: bool) -> Walked<'a> {
        Walked {
            parts: 0,
            headers: Vec::new(),
            start: 0,
            body: 0,
            end: 0,
            slots: Vec::new(),
            collect,
        }
    }

    fn is_empty(&self) -> bool {
        self.parts == 0
    }

    fn push(
        &mut self,
        headers: &mut Vec<Header<'a>>,
        start: usize,
        body: usize,
        end: usize,
        slot: Slot<'a>,
    ) {
        if self.parts == 0 {
            self.headers = std::mem::take(headers);
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

    fn into_nested(self) -> Nested<'a> {
        Nested {
            headers: self.headers,
            start: self.start,
            body: self.body,
            end: self.end,
        }
    }
}

/// mail-parser's per-level parser state, less what only its body lists need.
struct State {
    mime_type: MimeType,
    boundary: Option<Vec<u8>>,
    part_id: usize,
}

/// The content types whose non-text parts [`super::Mail`] reads.
fn keeps_binary(ctype: &str) -> bool {
    matches!(
        ctype,
        "message/delivery-status"
            | "message/global-delivery-status"
            | "message/feedback-report"
            | "text/rfc822-headers"
            | "message/rfc822-headers"
            | "message/rfc822"
            | "message/global-headers"
    )
}

/// `type/subtype`, lowercased; empty without a content type.
pub(crate) fn content_type_of(ct: Option<&ContentType<'_>>) -> String {
    match ct {
        Some(ct) => {
            let mut s = ct.ctype().to_ascii_lowercase();
            if let Some(sub) = ct.subtype() {
                s.push('/');
                s.push_str(&sub.to_ascii_lowercase());
            }
            s
        }
        None => String::new(),
    }
}

fn content_type<'h, 'a>(headers: &'h [Header<'a>]) -> Option<&'h ContentType<'a>> {
    headers
        .iter()
        .rev()
        .find(|h| h.name == HeaderName::ContentType)
        .and_then(|h| h.value.as_content_type())
}

/// `String::from_utf8_lossy`, checking first with the faster validator (most
/// text is valid).
pub(crate) fn lossy(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

fn to_text(bytes: Cow<'_, [u8]>, decoder: Option<fn(&[u8]) -> String>) -> Cow<'_, str> {
    match (bytes, decoder) {
        (bytes, Some(decode)) => Cow::Owned(decode(&bytes)),
        (Cow::Owned(v), None) => Cow::Owned(
            String::from_utf8(v)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
        ),
        (Cow::Borrowed(b), None) => lossy(b),
    }
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
    /// Bytes that need a look of their own in the `None` state.
    const SPECIAL: [bool; 256] = {
        let mut t = [false; 256];
        let special = b"=\n\r- \t\x0c\x0b";
        let mut i = 0;
        while i < special.len() {
            t[special[i] as usize] = true;
            i += 1;
        }
        t
    };
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
        if state == Qp::None && !SPECIAL[data[k] as usize] {
            // A run of ordinary bytes: copied as they are.
            let run = data[k..]
                .iter()
                .position(|&b| SPECIAL[b as usize])
                .map_or(data.len(), |n| k + n);
            buf.extend_from_slice(&data[k..run]);
            ws_count = 0;
            before = if run - k >= 2 { data[run - 2] } else { last };
            last = data[run - 1];
            k = run;
            continue;
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
    let mut stack: Vec<(State, Option<Walked<'_>>)> = Vec::new();
    let mut part_headers: Vec<Header<'_>> = Vec::new();
    // The searcher for the boundary in force, kept while it stays the same.
    let mut finder: Option<memchr::memmem::Finder<'static>> = None;

    'outer: loop {
        let offset_header = stream.offset();
        let keep_all = message.collect && message.parts == 0;
        let (found, offset_body) = read_headers(data, offset_header, &mut part_headers, keep_all);
        stream.skip_bytes(offset_body - offset_header);
        if !found {
            break;
        }
        let ct = content_type(&part_headers);
        let (is_multipart, mut is_text, mut mime_type) = mime_type(ct, state.mime_type);

        if is_multipart {
            if let Some(boundary) = ct.and_then(|c| c.attribute("boundary")) {
                if stream.seek_next_part(boundary.as_bytes()) {
                    let new_state = State {
                        mime_type,
                        boundary: Some(boundary.as_bytes().to_vec()),
                        part_id: message.parts,
                    };
                    message.push(
                        &mut part_headers,
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

        let mut encoding = match part_headers.header_value(&HeaderName::ContentTransferEncoding) {
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
        let ctype = if message.collect {
            content_type_of(ct)
        } else {
            String::new()
        };
        let wanted = message.collect
            && ((is_text && mime_type != MimeType::TextHtml)
                || (!is_text && (mime_type == MimeType::Message || keeps_binary(&ctype))));
        let boundary: &[u8] = state.boundary.as_deref().unwrap_or(b"");
        let start = stream.offset();
        let (mut offset_end, mut bytes): (usize, Cow<'_, [u8]>) = if encoding == Encoding::None {
            match scan_plain(data, start, boundary, &mut finder) {
                Some((end, next)) => {
                    stream.skip_bytes(next - start);
                    (end, Cow::Borrowed(&data[start..end]))
                }
                None => (usize::MAX, Cow::Borrowed(&b""[..])),
            }
        } else if wanted {
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
            encoding = Encoding::None;
            if mime_type != MimeType::TextPlain {
                mime_type = MimeType::TextOther;
            }
            is_text = true;
            let (end, found) = stream.seek_part_end(state.boundary.as_deref());
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
                Slot::Html(Html {
                    start,
                    end: offset_end,
                    encoding,
                    boundary: boundary_of(&state),
                    charset: charset().map(str::to_owned),
                })
            } else if is_text {
                let decoder = charset().and_then(|c| charset_decoder(c.as_bytes()));
                Slot::Text {
                    ctype,
                    text: to_text(bytes, decoder),
                }
            } else if keeps_binary(&ctype) {
                Slot::Binary { ctype, bytes }
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
                        parsed: super::Original::from_header_list(&n.headers, &bytes),
                    }
                }
                None => Slot::Binary { ctype, bytes },
            }
        };
        message.push(
            &mut part_headers,
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
                                    ctype: String::new(),
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
                                if let Some(offset) = stream.seek_next_part_offset(boundary) {
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
                            ctype: String::new(),
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
    } else if !part_headers.is_empty() {
        // A header block and no body.
        let ctype = if message.collect {
            content_type_of(content_type(&part_headers))
        } else {
            String::new()
        };
        message.push(
            &mut part_headers,
            0,
            data.len(),
            data.len(),
            Slot::Text {
                ctype,
                text: Cow::Borrowed(""),
            },
        );
        message.end = data.len();
        Some(message)
    } else {
        None
    }
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
/// `parse_and_ignore` does. Unless `keep_all`, only the fields the walk and
/// [`super::Original`] read are kept.
pub(crate) fn read_headers<'a>(
    data: &'a [u8],
    start: usize,
    headers: &mut Vec<Header<'a>>,
    keep_all: bool,
) -> (bool, usize) {
    let mut p = start;
    loop {
        // Whitespace before a name is skipped; a line break ends the block.
        loop {
            match data.get(p) {
                Some(b'\n') => return (true, p + 1),
                None => return (false, p),
                Some(ch) if !ch.is_ascii_whitespace() => break,
                _ => p += 1,
            }
        }
        let offset_field = p;
        let (name, from) = match header_name(data, p) {
            Ok(found) => found,
            Err(next) => {
                p = next;
                if p >= data.len() {
                    return (false, p);
                }
                continue;
            }
        };
        let mut stream = MessageStream::new(data);
        stream.skip_bytes(from);
        let value = match name {
            HeaderName::ContentType | HeaderName::ContentDisposition => {
                Some(stream.parse_content_type())
            }
            HeaderName::ContentId | HeaderName::MessageId => Some(stream.parse_id()),
            HeaderName::ContentDescription
            | HeaderName::ContentLocation
            | HeaderName::ContentTransferEncoding
            | HeaderName::Subject => Some(stream.parse_unstructured()),
            HeaderName::Date => Some(stream.parse_date()),
            HeaderName::From | HeaderName::To => Some(stream.parse_address()),
            _ => None,
        };
        let (value, end) = match value {
            Some(v) => (v, stream.offset()),
            None => (HeaderValue::Empty, skip_value(data, from)),
        };
        let keep = keep_all
            || !matches!(value, HeaderValue::Empty)
            || matches!(name, HeaderName::ReturnPath | HeaderName::ListId)
            || matches!(
                name,
                HeaderName::ContentType
                    | HeaderName::ContentTransferEncoding
                    | HeaderName::Subject
                    | HeaderName::Date
                    | HeaderName::From
                    | HeaderName::To
                    | HeaderName::MessageId
            );
        if keep {
            headers.push(Header {
                name,
                value,
                offset_field: offset_field as u32,
                offset_start: from as u32,
                offset_end: end as u32,
            });
        }
        p = end;
    }
}

/// mail-parser's `parse_header_name` from `p`: the name (known names as their
/// `HeaderName` variant, others as written) and the offset after the colon;
/// `Err` with the offset after the line (or the data) when there is no name.
/// The name is what precedes the first colon, white space removed; colons
/// before it are skipped.
fn header_name(data: &[u8], p: usize) -> Result<(HeaderName<'_>, usize), usize> {
    const MAX: usize = 34;
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
    for (j, &ch) in data[seg.clone()].iter().enumerate() {
        if !ch.is_ascii_whitespace() {
            first = first.min(seg.start + j);
            last = seg.start + j + 1;
            if let Some(slot) = lower.get_mut(len) {
                *slot = ch.to_ascii_lowercase();
            }
            len += 1;
        }
    }
    let name = lower
        .get(..len)
        .and_then(known_name)
        .unwrap_or_else(|| HeaderName::Other(lossy(&data[first..last])));
    Ok((name, after))
}

/// The `HeaderName` variant of a lowercased field name that mail-parser
/// knows (asked of mail-parser, `HeaderName::parse`), remembered per thread in
/// a small direct-mapped table: few distinct names occur, and a miss only
/// costs asking again.
fn known_name(lower: &[u8]) -> Option<HeaderName<'static>> {
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

/// mail-parser's `parse_and_ignore`: the offset after a field value, that is
/// after the first line break not followed by a space or a tab.
fn skip_value(data: &[u8], mut p: usize) -> usize {
    loop {
        match memchr::memchr(b'\n', &data[p..]) {
            None => return data.len(),
            Some(i) => {
                let n = p + i;
                match data.get(n + 1) {
                    Some(b' ' | b'\t') => p = n + 2,
                    _ => return n + 1,
                }
            }
        }
    }
}

fn boundary_of(state: &State) -> Vec<u8> {
    state.boundary.clone().unwrap_or_default()
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
/// starts a line), with `memmem`. Returns (end of content, offset after the
/// boundary), or `None` when the boundary never comes.
fn scan_plain(
    data: &[u8],
    start: usize,
    boundary: &[u8],
    finder: &mut Option<memchr::memmem::Finder<'static>>,
) -> Option<(usize, usize)> {
    let len = data.len();
    if boundary.is_empty() {
        return Some((len, len));
    }
    if finder.as_ref().is_none_or(|f| f.needle() != boundary) {
        *finder = Some(memchr::memmem::Finder::new(boundary).into_owned());
    }
    let finder = finder.as_ref()?;
    let hay = data.get(start..)?;
    // The first `--boundary`: the boundary, preceded by two dashes.
    let mut from = 0;
    let q = loop {
        let at = from + finder.find(&hay[from..])?;
        if at >= 2 && hay[at - 2] == b'-' && hay[at - 1] == b'-' {
            break start + at - 2;
        }
        from = at + 1;
    };
    Some((content_end(data, start, q), q + 2 + boundary.len()))
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
fn scan_quoted_printable(data: &[u8], start: usize, boundary: &[u8]) -> Option<(usize, usize)> {
    #[derive(PartialEq)]
    enum Qp {
        None,
        Eq,
        Hex1,
    }
    let mut state = Qp::None;
    let mut last = 0u8;
    let mut before = 0u8;
    let mut end = start;
    for (k, &ch) in data.iter().enumerate().skip(start) {
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
                }
            }
            b'\r' => {}
            b'-' if !boundary.is_empty() && last == b'-' && data[k + 1..].starts_with(boundary) => {
                return Some((
                    if before == b'\n' { end } else { k - 1 },
                    k + 1 + boundary.len(),
                ));
            }
            _ => match state {
                Qp::None => {}
                Qp::Eq => {
                    if HEX_MAP[ch as usize] != -1 {
                        state = Qp::Hex1;
                    } else if !ch.is_ascii_whitespace() {
                        state = Qp::None;
                    }
                }
                Qp::Hex1 => state = Qp::None,
            },
        }
        before = last;
        last = ch;
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
        // Reproducible random parts over the bytes that matter to the decoder.
        let alphabet = b"==\n\n\r--  \t\x0cAf3x-=\xe3B";
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for case in 0..20_000 {
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
                decode_quoted_printable(&data, start, boundary),
                want,
                "{:?} from {start}",
                String::from_utf8_lossy(&data)
            );
        }
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
            let got = header_name(line, 0).ok();
            assert_eq!(got, want, "{:?}", String::from_utf8_lossy(line));
            if want.is_none() {
                assert_eq!(header_name(line, 0).unwrap_err(), stream.offset());
            }
        }
    }
}
