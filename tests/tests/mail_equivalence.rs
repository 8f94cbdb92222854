//! `Mail::parse` walks MIME lazily, decoding only what decoders read; it must
//! give exactly what a full mail-parser parse gives. This test keeps that full
//! parse as the reference (the way `Mail` was first written) and compares
//! every accessor on every corpus email and fixture, in LF, CRLF and CR forms,
//! as given and normalised, and on damaged copies of them (truncated, with
//! boundary lines dropped or repeated).
//!
//! `Mail` makes one repair that mail-parser does not: a `boundary=` parameter
//! that lost its folding white space (at the start of the line right after a
//! multipart Content-Type field) is still the boundary. The reference parses
//! the text with that white space put back ([`refolded`]).

use bounce_core::mail::{date_parts, Mail, Original};
use bounce_core::text::normalize_text;
use mail_parser::{HeaderName, MessageParser, MimeHeaders, PartType};
use std::borrow::Cow;
use std::path::PathBuf;

/// `bytes` with a space put before each `boundary=` line that directly
/// follows a Content-Type field (and its folded lines) naming no boundary.
fn refolded(bytes: &[u8]) -> Vec<u8> {
    let starts = |line: &[u8], with: &[u8]| {
        line.get(..with.len())
            .is_some_and(|h| h.eq_ignore_ascii_case(with))
    };
    let mut out = Vec::with_capacity(bytes.len() + 8);
    let (mut in_field, mut has_boundary) = (false, false);
    for line in bytes.split_inclusive(|&b| b == b'\n') {
        if in_field && !has_boundary && starts(line, b"boundary=") {
            out.push(b' ');
            has_boundary = true;
        } else if starts(line, b"content-type:") {
            in_field = true;
            has_boundary = line
                .to_ascii_lowercase()
                .windows(9)
                .any(|w| w == b"boundary=");
        } else if in_field && matches!(line.first(), Some(b' ' | b'\t')) {
            has_boundary |= line
                .to_ascii_lowercase()
                .windows(9)
                .any(|w| w == b"boundary=");
        } else {
            in_field = false;
        }
        out.extend_from_slice(line);
    }
    out
}

/// Everything `Mail` says about a message, for comparison.
#[derive(Debug, PartialEq)]
struct Seen {
    body: String,
    dsn: Option<String>,
    feedback: Option<String>,
    original_headers: Option<String>,
    original: Option<Original>,
    content_type: String,
    report_type: Option<String>,
    headers: Vec<(String, String)>,
    subject: String,
    from_address: String,
    to_address: String,
    date: Option<(i64, String)>,
    message_id: Option<String>,
    raw_headers: Vec<u8>,
}

fn seen(m: &Mail<'_>) -> Seen {
    Seen {
        body: m.body().to_owned(),
        dsn: m.dsn().map(str::to_owned),
        feedback: m.feedback().map(str::to_owned),
        original_headers: m.original_headers().map(str::to_owned),
        original: m.original(),
        content_type: m.content_type().to_owned(),
        report_type: m.report_type().map(str::to_owned),
        headers: m
            .headers()
            .map(|(n, v)| (n.to_owned(), v.into_owned()))
            .collect(),
        subject: m.subject().to_owned(),
        from_address: m.from_address().to_owned(),
        to_address: m.to_address().to_owned(),
        date: m.date(),
        message_id: m.message_id().map(str::to_owned),
        raw_headers: m.raw_headers().to_vec(),
    }
}

/// The reference: a full mail-parser parse, read the way `Mail` first did.
fn reference(bytes: &[u8]) -> Option<Seen> {
    let parser = MessageParser::new()
        .with_mime_headers()
        .header_text(HeaderName::Subject)
        .header_date(HeaderName::Date)
        .header_address(HeaderName::From)
        .header_address(HeaderName::To)
        .header_id(HeaderName::MessageId);
    let msg = parser.parse(bytes)?;
    if msg.parts.is_empty() || msg.parts[0].headers.is_empty() {
        return None;
    }
    let ctype_of = |ct: Option<&mail_parser::ContentType<'_>>| match ct {
        Some(ct) => {
            let mut s = ct.ctype().to_ascii_lowercase();
            if let Some(sub) = ct.subtype() {
                s.push('/');
                s.push_str(&sub.to_ascii_lowercase());
            }
            s
        }
        None => String::new(),
    };
    let push_text = |body: &mut String, t: &str| {
        if !body.is_empty() && !body.ends_with('\n') {
            body.push('\n');
        }
        body.push_str(&normalize_text(Cow::Borrowed(t)));
    };
    let mut body = String::new();
    let mut dsn: Option<String> = None;
    let mut feedback: Option<String> = None;
    let mut original: Option<String> = None;
    let mut parsed_original: Option<Original> = None;
    let mut html: Option<&str> = None;
    for part in &msg.parts {
        let ctype = ctype_of(part.content_type());
        match &part.body {
            PartType::Multipart(_) => {}
            PartType::Text(t) => match ctype.as_str() {
                "text/rfc822-headers" | "text/rfc822-header" => {
                    if original.is_none() {
                        original = Some(normalize_text(Cow::Owned(t.to_string())).into_owned());
                    }
                }
                "message/delivery-status"
                | "message/global-delivery-status"
                | "text/delivery-status" => {
                    dsn.get_or_insert_with(|| normalize_text(Cow::Borrowed(t)).into_owned());
                }
                "message/feedback-report" => {
                    feedback.get_or_insert_with(|| normalize_text(Cow::Borrowed(t)).into_owned());
                }
                _ => push_text(&mut body, t),
            },
            PartType::Html(h) => {
                if html.is_none() {
                    html = Some(h);
                }
            }
            PartType::Binary(b) | PartType::InlineBinary(b) => {
                let lossy = || normalize_text(String::from_utf8_lossy(b)).into_owned();
                match ctype.as_str() {
                    "message/delivery-status" | "message/global-delivery-status"
                        if dsn.is_none() =>
                    {
                        dsn = Some(lossy())
                    }
                    "message/feedback-report" if feedback.is_none() => feedback = Some(lossy()),
                    "text/rfc822-headers"
                    | "message/rfc822-headers"
                    | "message/rfc822"
                    | "message/global-headers"
                        if original.is_none() =>
                    {
                        original = Some(lossy())
                    }
                    _ => {}
                }
            }
            PartType::Message(inner) => {
                if original.is_none() {
                    let raw = inner.raw_message();
                    let end = inner
                        .parts
                        .first()
                        .map_or(raw.len(), |p| (p.offset_body as usize).min(raw.len()));
                    original = Some(String::from_utf8_lossy(&raw[..end]).into_owned());
                    parsed_original = Some(Original::from_message(inner));
                }
            }
        }
    }
    if body.trim().is_empty() {
        if let Some(h) = html {
            body = normalize_text(Cow::Owned(mail_parser::decoders::html::html_to_text(h)))
                .into_owned();
        }
    }
    let raw_value = |h: &mail_parser::Header<'_>| {
        let raw = msg.raw_message();
        let start = (h.offset_start as usize).min(raw.len());
        let end = (h.offset_end as usize).clamp(start, raw.len());
        String::from_utf8_lossy(&raw[start..end]).trim().to_owned()
    };
    let first = |a: Option<&mail_parser::Address<'_>>| {
        a.and_then(|a| a.first())
            .and_then(|a| a.address())
            .unwrap_or("")
            .to_owned()
    };
    let raw = msg.raw_message();
    Some(Seen {
        body,
        dsn,
        feedback,
        original: match &parsed_original {
            Some(o) => Some(o.clone()),
            None => original.as_deref().map(Original::from_headers),
        },
        original_headers: original,
        content_type: ctype_of(msg.parts[0].content_type()),
        report_type: msg.parts[0]
            .content_type()
            .and_then(|c| c.attribute("report-type"))
            .map(str::to_owned),
        headers: msg.parts[0]
            .headers
            .iter()
            .map(|h| (h.name.as_str().to_owned(), raw_value(h)))
            .collect(),
        subject: msg.subject().unwrap_or("").to_owned(),
        from_address: first(msg.from()),
        to_address: first(msg.to()),
        date: msg.date().map(date_parts),
        message_id: msg.message_id().map(str::to_owned),
        raw_headers: raw[..(msg.parts[0].offset_body as usize).min(raw.len())].to_vec(),
    })
}

/// The reference for `Original::from_headers`: mail-parser's header parse.
fn reference_original(block: &str) -> Original {
    let block = block.trim_start_matches(['\n', ' ', '\t']);
    let parser = MessageParser::new()
        .with_mime_headers()
        .header_text(HeaderName::Subject)
        .header_date(HeaderName::Date)
        .header_address(HeaderName::From)
        .header_address(HeaderName::To)
        .header_id(HeaderName::MessageId);
    match parser.parse_headers(block.as_bytes()) {
        Some(msg) => Original::from_message(&msg),
        None => Original::default(),
    }
}

fn inputs() -> Vec<PathBuf> {
    let mut paths = Vec::new();
    let mut dirs = bounce_tests::fixture_dirs();
    dirs.push(bounce_tests::root().join("examples"));
    if let Some(c) = bounce_tests::corpus() {
        dirs.push(c.join("emails"));
    }
    for d in dirs {
        for e in std::fs::read_dir(d).into_iter().flatten().flatten() {
            if e.path().extension().is_some_and(|x| x == "eml") {
                paths.push(e.path());
            }
        }
    }
    paths.sort();
    paths
}

/// Damaged copies: cut short at several places, a boundary line dropped, a
/// boundary line repeated, a closing boundary removed.
fn damaged(bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for k in 1..8 {
        out.push(bytes[..bytes.len() * k / 8].to_vec());
    }
    let lines: Vec<&[u8]> = bytes.split_inclusive(|&b| b == b'\n').collect();
    let dashed: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].starts_with(b"--"))
        .collect();
    for (n, &i) in dashed.iter().enumerate().take(6) {
        let mut drop = Vec::new();
        let mut twice = Vec::new();
        for (j, l) in lines.iter().enumerate() {
            if j != i {
                drop.extend_from_slice(l);
            }
            twice.extend_from_slice(l);
            if j == i {
                twice.extend_from_slice(l);
            }
        }
        out.push(drop);
        if n % 2 == 0 {
            out.push(twice);
        }
    }
    out
}

#[test]
fn lazy_walk_gives_what_a_full_parse_gives() {
    let paths = inputs();
    assert!(paths.len() > 100, "only {} inputs", paths.len());
    let mut differ = Vec::new();
    let mut n = 0;
    for path in &paths {
        let raw = std::fs::read(path).unwrap();
        let mut forms: Vec<(String, Vec<u8>)> = Vec::new();
        for (name, variant) in bounce_testkit::VARIANTS {
            let v = variant(&raw);
            forms.push((format!("{name} as given"), v.clone()));
            forms.push((
                format!("{name} normalised"),
                bounce_core::text::normalize_newlines(&v).into_owned(),
            ));
        }
        for (i, d) in damaged(&bounce_core::text::normalize_newlines(&raw))
            .into_iter()
            .enumerate()
        {
            forms.push((format!("damaged #{i}"), d));
        }
        for (name, bytes) in forms {
            n += 1;
            let text = String::from_utf8_lossy(&bytes);
            let want_original = reference_original(&text);
            let got_original = Original::from_headers(&text);
            if want_original != got_original {
                differ.push(format!("{} [{name}] as a header block:\n  want {want_original:?}\n  got  {got_original:?}", path.display()));
            }
            let want = reference(&refolded(&bytes));
            let got = Mail::parse(&bytes).map(|m| seen(&m));
            // What providers read the returned original's header block with.
            if let Some(block) = got.as_ref().and_then(|g| g.original_headers.as_deref()) {
                let (w, g) = (reference_original(block), Original::from_headers(block));
                if w != g {
                    differ.push(format!(
                        "{} [{name}] original block:\n  want {w:?}\n  got  {g:?}",
                        path.display()
                    ));
                }
            }
            if want != got {
                differ.push(format!(
                    "{} [{name}]:\n  want {want:?}\n  got  {got:?}",
                    path.display()
                ));
            }
        }
    }
    eprintln!("{n} parses compared");
    assert!(
        differ.is_empty(),
        "{} of {n} parses differ:\n{}",
        differ.len(),
        differ
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
