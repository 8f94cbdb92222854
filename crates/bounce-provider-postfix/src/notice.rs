//! The ordinary Postfix notice: per-recipient paragraphs written by
//! bounce(8) (`<addr>: host mx[ip] said: ... (in reply to RCPT TO command)`),
//! merged with the fields of its message/delivery-status part, which may come
//! as a MIME part or written inline in the text when the notice was forwarded
//! as plain text.

use std::borrow::Cow;

use bounce_core::dispatch::squeeze;
use bounce_core::smtp::{Command, ReplyCode, Status};
use bounce_core::standard::rfc3464;
use bounce_core::text::{self, Needle};
use bounce_core::{Draft, Mail, Original, Report};

/// One recipient paragraph of a Postfix notice, as bounce(8) writes it:
/// `<recipient>: text` or `<recipient> (expanded from <alias>): text`, the
/// text wrapped over indented lines.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Paragraph {
    /// The failed address.
    pub recipient: String,
    /// The address it was expanded from, if Postfix says so.
    pub alias: String,
    /// What Postfix says of it, whitespace squeezed: the remote server's reply
    /// with `host ... said:` and `(in reply to ... command)`, or Postfix's own
    /// words (`Host or domain name not found...`, `connect to ...`).
    pub text: String,
}

impl Paragraph {
    /// The SMTP command the reply answered: `(in reply to RCPT TO command)`,
    /// `lost connection ... while sending MAIL FROM`, and `refused to talk to
    /// me` (the greeting), which Sisimai files under HELO.
    pub fn command(&self) -> Option<Command> {
        // Searchers built once: every paragraph's text is searched.
        static WHILE: Needle = Needle::new(" while ");
        static REFUSED: Needle = Needle::new("refused to talk to me:");
        // Where the lowercase text would hold `(in reply to `, and then its
        // tail to the `)`, lowercased alone: lowercasing keeps every byte
        // in its place, so the whole text is copied only when there is no
        // such tail (most paragraphs have one).
        if let Some(pos) = text::find_ci(&self.text, "(in reply to ") {
            let tail = &self.text[pos..];
            let tail = tail[..tail.find(')').map_or(tail.len(), |n| n + 1)].to_ascii_lowercase();
            let tail = tail.as_str();
            if let Some(c) = common_tail(tail) {
                return Some(c);
            }
            return match Command::find(tail) {
                Some(c) => Some(c),
                None if tail.contains("initial greeting") => Some(Command::Connect),
                None => tail.split_whitespace().nth(3).and_then(Command::parse),
            };
        }
        let lower = self.text.to_ascii_lowercase();
        if let Some(pos) = WHILE.find(&lower) {
            let tail = &lower[pos..];
            if let Some(c) = Command::find(tail) {
                return Some(c);
            }
            if tail.contains("ehlo handshake") {
                return Some(Command::Ehlo);
            }
            if tail.contains("helo handshake") {
                return Some(Command::Helo);
            }
            if tail.contains("initial server greeting") {
                return Some(Command::Connect);
            }
        }
        if REFUSED.contains(&lower) {
            return Some(Command::Helo);
        }
        None
    }

    /// The remote host named in `host NAME[ip] said:`, `connect to NAME[ip]`,
    /// `lost connection with NAME[ip]` or `conversation with NAME[ip]`.
    pub fn rhost(&self) -> Option<&str> {
        // Searchers built once: every paragraph's text is searched.
        static LEADS: [Needle; 4] = [
            Needle::new("host "),
            Needle::new("connect to "),
            Needle::new("connection with "),
            Needle::new("conversation with "),
        ];
        for lead in &LEADS {
            let mut from = 0;
            while let Some(off) = lead.find(&self.text[from..]) {
                let start = from + off + lead.as_str().len();
                let rest = &self.text[start..];
                let end = rest
                    .find(|c: char| c == '[' || c.is_whitespace() || c == ':')
                    .unwrap_or(rest.len());
                if rest[end..].starts_with('[') && end > 0 && rest[..end].contains('.') {
                    return Some(&rest[..end]);
                }
                from = start;
            }
        }
        None
    }

    /// The enhanced status code the text quotes, if it says more than the class.
    pub fn status(&self) -> Option<Status> {
        Status::find_all(&self.text).find(|s| !s.is_generic())
    }

    /// The SMTP reply code the text quotes.
    pub fn replycode(&self) -> Option<ReplyCode> {
        ReplyCode::find(&self.text)
    }
}

/// What [`Command::find`] gives for the `(in reply to ... command)` tails
/// Postfix writes most, known without its search of the whole phrase table
/// (a test checks each against it); `None` for any other tail.
fn common_tail(tail: &str) -> Option<Command> {
    Some(match tail {
        "(in reply to rcpt to command)" => Command::Rcpt,
        "(in reply to end of data command)" => Command::EndOfData,
        "(in reply to mail from command)" => Command::Mail,
        "(in reply to data command)" => Command::Data,
        "(in reply to ehlo command)" => Command::Ehlo,
        "(in reply to helo command)" => Command::Helo,
        _ => return None,
    })
}

/// Where a recipient paragraph starts: a line `<local@domain>:` or
/// `<local@domain> (expanded from ...`. bounce(8) indents the lines it wraps
/// by four spaces, so an indented `<address>:` continues the paragraph (the
/// remote server quoting the address).
fn starts_paragraph(line: &str) -> bool {
    let t = text::trim_start_fast(line);
    let indent = &line[..line.len() - t.len()];
    if indent.contains('\t') || indent.len() >= 4 {
        return false;
    }
    let Some(rest) = t.strip_prefix('<') else {
        return false;
    };
    let Some(close) = rest.find('>') else {
        return false;
    };
    let addr = &rest[..close];
    if !addr.contains('@') || addr.contains(' ') {
        return false;
    }
    let after = &rest[close + 1..];
    after.starts_with(':') || after.starts_with(" (expanded")
}

/// Splits a joined paragraph into (recipient, alias, text), the text's
/// white space squeezed.
fn split_paragraph(joined: &str) -> Option<Paragraph> {
    let t = joined.trim_start().strip_prefix('<')?;
    let close = t.find('>')?;
    let recipient = &t[..close];
    let mut after = &t[close + 1..];
    let mut alias = String::new();
    if let Some(exp) = after.strip_prefix(" (expanded from ") {
        let end = exp.find("):")?;
        alias = text::clean_address(&exp[..end]);
        after = &exp[end + 1..];
    }
    let body = after.strip_prefix(':')?.trim();
    Some(Paragraph {
        recipient: text::clean_address(recipient),
        alias,
        text: squeezed(body).into_owned(),
    })
}

/// [`squeeze`] without its byte-by-byte rebuild when there is nothing to
/// squeeze: `text` borrowed when it is ASCII with no white space but single
/// spaces between words (what a paragraph joined from trimmed lines mostly
/// is), which `squeeze` would return unchanged.
fn squeezed(text: &str) -> Cow<'_, str> {
    let b = text.as_bytes();
    // Every ASCII white space byte but the space is below 0x20. Each byte
    // is tested with the next one (two spaces in a row), in one fold
    // without an early exit, which the compiler runs many bytes at a time.
    let odd = |c: u8| !(0x20..0x80).contains(&c);
    let pairs = b.iter().zip(b.iter().skip(1));
    let squeezable = pairs.fold(false, |acc, (&c, &n)| {
        acc | odd(c) | (c == b' ' && n == b' ')
    });
    let plain =
        !squeezable && b.last().is_none_or(|&c| !odd(c) && c != b' ') && b.first() != Some(&b' ');
    if plain {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(squeeze(text))
    }
}

/// Every recipient paragraph in `text`, in order. A paragraph runs from its
/// `<address>:` line to the next blank line or the next paragraph.
pub fn paragraphs(text: &str) -> Vec<Paragraph> {
    let mut out = Vec::new();
    // The paragraph being read, its lines trimmed and joined with a space
    // (one buffer for all of them), when `open`.
    let mut joined = String::new();
    let mut open = false;
    let mut flush = |joined: &str, open: &mut bool| {
        if std::mem::take(open) {
            if let Some(p) = split_paragraph(joined) {
                out.push(p);
            }
        }
    };
    let b = text.as_bytes();
    // Where the next line starts: the text is read a line at a time, as
    // `text::lines_lf` splits it.
    let mut pos = 0;
    while pos < b.len() {
        if !open {
            // Outside a paragraph only a line that starts one counts (a
            // blank line ends none), and it starts, after white space, with
            // `<`: the lines before the next such `<` are passed over unread.
            let Some(lt) = memchr::memchr(b'<', &b[pos..]) else {
                break;
            };
            let lt = pos + lt;
            let start = memchr::memrchr(b'\n', &b[pos..lt]).map_or(pos, |n| pos + n + 1);
            if !text::trim_start_fast(&text[start..lt]).is_empty() {
                pos = memchr::memchr(b'\n', &b[lt..]).map_or(b.len(), |n| lt + n + 1);
                continue;
            }
            pos = start;
        }
        let end = memchr::memchr(b'\n', &b[pos..]).map_or(b.len(), |n| pos + n + 1);
        let line = &text[pos..end];
        pos = end;
        let line = match line.strip_suffix('\n') {
            Some(l) => l.strip_suffix('\r').unwrap_or(l),
            None => line,
        };
        let t = text::trim_fast(line);
        if starts_paragraph(line) {
            flush(&joined, &mut open);
            joined.clear();
            // Room for a paragraph of a few wrapped lines at once, rather
            // than growing line by line.
            joined.reserve(256);
            joined.push_str(t);
            open = true;
        } else if t.is_empty() {
            flush(&joined, &mut open);
        } else if open {
            joined.push(' ');
            joined.push_str(t);
        }
    }
    flush(&joined, &mut open);
    out
}

/// Field names that begin the delivery-status fields when a notice carries
/// them inline (forwarded as plain text).
const DSN_START: [&str; 4] = [
    "Reporting-MTA:",
    "X-Postfix-Queue-ID:",
    "Final-Recipient:",
    "Original-Recipient:",
];

/// Lines after which the notice is over and the returned message begins.
const ORIGINAL_MARKERS: [&str; 3] = [
    "content-type: message/rfc822",
    "content-type: text/rfc822-headers",
    "content-description: undelivered message",
];

/// The offset of the first line of `text` that starts (ASCII
/// case-insensitively) with one of `markers`.
fn line_starting_with(text: &str, markers: &[&str]) -> Option<usize> {
    text::line_starting_with_ci(text, markers)
}

/// [`line_starting_with`] for markers that each hold a colon, over a whole
/// notice: only the places where a marker holds a colon of the text are
/// read (colons are much rarer in a notice than the letters that
/// `line_starting_with` reads the lines at; and the byte before the colon,
/// compared first, rules out most of them), and their lines only when a
/// marker stands there, as `line_starting_with` does. A line that
/// qualifies holds its marker's colon, and the colons come in order, so
/// the first line found is the first that qualifies. `colons` is where
/// each marker's colon is ([`colon_offsets`]).
fn line_by_colons<const N: usize>(
    text: &str,
    markers: &[&str; N],
    colons: &[usize; N],
) -> Option<usize> {
    let b = text.as_bytes();
    for colon in memchr::memchr_iter(b':', b) {
        let marked = markers.iter().zip(colons).any(|(m, &name)| {
            let m = m.as_bytes();
            colon >= name
                && (name == 0 || b[colon - 1].eq_ignore_ascii_case(&m[name - 1]))
                && b[colon - name..]
                    .get(..m.len())
                    .is_some_and(|h| h.eq_ignore_ascii_case(m))
        });
        if !marked {
            continue;
        }
        let start = memchr::memrchr(b'\n', &b[..colon]).map_or(0, |n| n + 1);
        let end = memchr::memchr(b'\n', &b[colon..]).map_or(b.len(), |n| colon + n + 1);
        if line_starting_with(&text[start..end], markers) == Some(0) {
            return Some(start);
        }
    }
    None
}

/// Where the first colon of each marker is, for [`line_by_colons`] (a
/// marker without one stops the build).
const fn colon_offsets<const N: usize>(markers: [&str; N]) -> [usize; N] {
    let mut out = [0; N];
    let mut i = 0;
    while i < N {
        let m = markers[i].as_bytes();
        while m[out[i]] != b':' {
            out[i] += 1;
        }
        i += 1;
    }
    out
}

/// [`line_starting_with`] for [`ORIGINAL_MARKERS`], which every notice's
/// whole text is searched for.
fn original_marker_line(text: &str) -> Option<usize> {
    const COLONS: [usize; ORIGINAL_MARKERS.len()] = colon_offsets(ORIGINAL_MARKERS);
    line_by_colons(text, &ORIGINAL_MARKERS, &COLONS)
}

/// [`line_starting_with`] for [`DSN_START`]: a notice without a
/// delivery-status part is searched for fields written inline.
fn dsn_start_line(text: &str) -> Option<usize> {
    const COLONS: [usize; DSN_START.len()] = colon_offsets(DSN_START);
    line_by_colons(text, &DSN_START, &COLONS)
}

/// The header block of a returned message written inline after a
/// `Content-Type: message/rfc822` line: what follows the part's own headers.
fn inline_original(rest: &str) -> Option<String> {
    // The searcher built once: both ends are blank lines.
    static BLANK: Needle = Needle::new("\n\n");
    let nl = rest.find('\n')?;
    let after_marker = &rest[nl + 1..];
    let blank = BLANK.find(after_marker).map_or(0, |b| b + 2);
    let block = &after_marker[blank..];
    let end = BLANK.find(block).unwrap_or(block.len());
    let block = &block[..end];
    text::header_fields(block)
        .iter()
        .any(|f| f.name.eq_ignore_ascii_case("From") || f.name.eq_ignore_ascii_case("To"))
        .then(|| format!("{block}\n"))
}

/// Decodes a Postfix notice whose human-readable part is `text` (from the
/// line after the notice's opening sentence on), with the delivery-status
/// fields of `mail` (its MIME part, or fields written inline in `text`).
/// `None` when no recipient is found.
pub fn decode_notice(mail: &Mail<'_>, text: &str) -> Option<Report> {
    let cut = original_marker_line(text);
    let notice = &text[..cut.unwrap_or(text.len())];
    let (human, dsn) = match mail.dsn() {
        Some(d) => (notice, Some(d)),
        None => match dsn_start_line(notice) {
            Some(at) => (&notice[..at], Some(&notice[at..])),
            None => (notice, None),
        },
    };
    let paras = paragraphs(human);
    let mut drafts = dsn.map(rfc3464::recipients).unwrap_or_default();
    if drafts.is_empty() {
        drafts = paras.iter().map(draft_of).collect();
        if warning_only(text) {
            for d in &mut drafts {
                d.action = "delayed".to_owned();
            }
        }
    } else {
        merge(&mut drafts, &paras);
    }
    if drafts.is_empty() && report_unavailable(text) {
        // bounce(8) could not read its log: the original's To is all we have.
        let to = mail
            .original_headers()
            .map(Original::from_headers)
            .map(|o| o.to)
            .unwrap_or_default();
        if to.contains('@') {
            let mut d = Draft::new(to);
            d.action = "failed".to_owned();
            // A failure notice: the class is known even though the detail is not.
            d.status = Status::new(5, 0, 0);
            drafts.push(d);
        }
    }
    if drafts.is_empty() {
        return None;
    }
    let mut report = Report::new(drafts);
    if mail.original_headers().is_none() {
        report.original = cut.and_then(|at| inline_original(&text[at..])).or_else(|| {
            let sender = dsn.and_then(postfix_sender)?;
            Some(format!("From: {sender}\n"))
        });
    }
    Some(report)
}

/// Whether `text` says `--- Delivery report unavailable ---` ASCII
/// case-insensitively, as its lowercase copy would contain the lowercase
/// words: the text is searched for the `--- ` that starts the marker (which
/// lowercasing leaves as it is), and the marker compared without case where
/// one stands, without copying the text.
fn report_unavailable(text: &str) -> bool {
    const MARKER: &str = "--- delivery report unavailable ---";
    // The searcher built once: a notice without recipients is searched.
    static DASHES: Needle = Needle::new("--- ");
    let b = text.as_bytes();
    let mut from = 0;
    while let Some(at) = DASHES.find(&text[from..]) {
        let at = from + at;
        if b[at..]
            .get(..MARKER.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(MARKER.as_bytes()))
        {
            return true;
        }
        // Past the dash found: `at + 1` is on a character boundary.
        from = at + 1;
    }
    false
}

/// The `X-Postfix-Sender` of a delivery-status text, without its type.
fn postfix_sender(dsn: &str) -> Option<String> {
    // The first group's field, as `field_groups` and `field` find it, read
    // without building every field of every group.
    let v = text::field_group_values(dsn, &["X-Postfix-Sender"]).find_map(|[v]| v)?;
    let addr = text::clean_address(&v);
    addr.contains('@').then_some(addr)
}

/// Whether this is a delay warning rather than a failure notice.
fn warning_only(text: &str) -> bool {
    // The searcher built once: every notice's text is searched.
    static WARNING: Needle = Needle::new("THIS IS A WARNING ONLY");
    WARNING.contains(text)
}

/// A draft from a paragraph alone (no delivery-status part).
fn draft_of(p: &Paragraph) -> Draft {
    let mut d = Draft::new(p.recipient.clone());
    d.alias.clone_from(&p.alias);
    d.diagnosis.clone_from(&p.text);
    d.command = p.command();
    d.rhost = p.rhost().unwrap_or("").to_owned();
    d.status = Status::find(&p.text);
    d.replycode = p.replycode();
    if p.text.contains(" said: ") || p.text.contains("refused to talk to me:") {
        d.diagnostictype = "SMTP".to_owned();
    }
    d.action = "failed".to_owned();
    d
}

/// Completes each delivery-status draft with its paragraph: the command, the
/// fuller text, and the codes when the fields gave none or only a class, as
/// Sisimai's Lhost::Postfix does.
fn merge(drafts: &mut [Draft], paras: &[Paragraph]) {
    let by_index = paras.len() == drafts.len();
    for (i, d) in drafts.iter_mut().enumerate() {
        if d.diagnostictype.eq_ignore_ascii_case("X-POSTFIX") {
            d.diagnostictype = "SMTP".to_owned();
        }
        if d.diagnostictype.eq_ignore_ascii_case("X-UNIX") && !d.diagnosis.is_empty() {
            // The classifier reads the type of a local delivery agent's
            // failure from the text (`x-unix; ...`), not from the draft.
            d.diagnosis.insert_str(0, "x-unix; ");
        }
        let found = paras
            .iter()
            .find(|p| p.recipient.eq_ignore_ascii_case(&d.recipient))
            .or_else(|| {
                paras
                    .iter()
                    .find(|p| !d.alias.is_empty() && p.recipient.eq_ignore_ascii_case(&d.alias))
            })
            .or_else(|| by_index.then(|| &paras[i]));
        let Some(p) = found else { continue };
        if d.alias.is_empty() && !p.alias.is_empty() && !p.alias.eq_ignore_ascii_case(&d.recipient)
        {
            d.alias.clone_from(&p.alias);
        }
        if d.command.is_none() {
            d.command = p.command();
        }
        if d.rhost.is_empty() {
            d.rhost = p.rhost().unwrap_or("").to_owned();
        }
        let dsn_text = squeezed(&d.diagnosis);
        if dsn_text.is_empty() || dsn_text.bytes().all(|b| b.is_ascii_digit()) {
            d.diagnosis.clone_from(&p.text);
            if d.replycode.is_none() {
                d.replycode = p.replycode();
            }
            continue;
        }
        let better_status = match d.status {
            None => p.status(),
            Some(s) if s.is_generic() => p.status().filter(|t| t.class() == s.class()),
            Some(_) => None,
        };
        if better_status.is_some() {
            d.status = better_status;
        }
        let reply = p.replycode();
        // `220-banner 421 4.2.1 ...`: the greeting quoted before the refusal
        // is not the reply that failed.
        if d.replycode.is_none_or(|r| r.class() == 2) {
            d.replycode = reply;
        }
        if (better_status.is_some() || reply.is_some())
            && p.text.len() >= dsn_text.len()
            && text::contains_once(&p.text, &dsn_text)
        {
            d.diagnosis.clone_from(&p.text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_are_split_and_joined() {
        let text = "\n                   The mail system\n\n\
<a@example.jp>: host mx.example.jp[192.0.2.1] said: 550 5.1.1\n    <a@example.jp>: User unknown (in reply to RCPT TO\n    command)\n\n\
<b@example.jp> (expanded from\n    <c@example.org>): delivery temporarily suspended: connect to\n    mx.example.jp[192.0.2.1]:25: Connection refused\n\n\
<d@example.jp>: host mx.example.jp[192.0.2.1] said: 550 5.2.1\n<d@example.jp>... User Unknown (in reply to end of DATA command)\n";
        let p = paragraphs(text);
        assert_eq!(p.len(), 3);
        assert_eq!(p[0].recipient, "a@example.jp");
        assert_eq!(p[0].text, "host mx.example.jp[192.0.2.1] said: 550 5.1.1 <a@example.jp>: User unknown (in reply to RCPT TO command)");
        assert_eq!(p[0].command(), Some(Command::Rcpt));
        assert_eq!(p[0].rhost(), Some("mx.example.jp"));
        assert_eq!(p[0].status().unwrap().to_string(), "5.1.1");
        assert_eq!(p[0].replycode().unwrap().get(), 550);
        assert_eq!(p[1].recipient, "b@example.jp");
        assert_eq!(p[1].alias, "c@example.org");
        assert!(p[1].text.starts_with("delivery temporarily suspended"));
        assert_eq!(p[1].rhost(), Some("mx.example.jp"));
        assert_eq!(p[1].command(), None);
        assert_eq!(p[2].command(), Some(Command::EndOfData));
    }

    #[test]
    fn in_reply_found_as_in_the_lowercase_text() {
        for text in [
            "",
            "(in reply to",
            "said: 550 (x) (IN Reply To RCPT TO command)",
            "(( (in reply to end of DATA command)",
            "\u{e9}(In reply to MAIL FROM command) (in reply to DATA command)",
            "((in reply to ",
        ] {
            assert_eq!(
                text::find_ci(text, "(in reply to "),
                text.to_ascii_lowercase().find("(in reply to "),
                "{text:?}"
            );
        }
    }

    #[test]
    fn commands_from_other_wordings() {
        let p = |t: &str| Paragraph {
            text: t.to_owned(),
            ..Paragraph::default()
        };
        assert_eq!(
            p("host mx[192.0.2.1] refused to talk to me: 554 go away").command(),
            Some(Command::Helo)
        );
        assert_eq!(
            p("lost connection with mx[192.0.2.1] while sending RCPT TO").command(),
            Some(Command::Rcpt)
        );
        assert_eq!(
            p("lost connection with mx[192.0.2.1] while performing the EHLO handshake").command(),
            Some(Command::Ehlo)
        );
        assert_eq!(
            p("said: 550 no (in reply to MAIL FROM command)").command(),
            Some(Command::Mail)
        );
        assert_eq!(
            p("said: 554 no (in reply to DATA command)").command(),
            Some(Command::Data)
        );
        assert_eq!(p("Host or domain name not found.").command(), None);
    }

    #[test]
    fn original_markers_are_found_where_line_starting_with_finds_them() {
        for text in [
            "",
            "a\nb",
            "x: y\nContent-Type: message/rfc822\n",
            "  content-type: text/rfc822-headers\nContent-Type: message/rfc822",
            "Content-Type: text/plain\n\u{a0}CONTENT-DESCRIPTION: Undelivered Message\n",
            "text content-type: message/rfc822\n\tcontent-type: message/rfc822x",
            "Content-Type:message/rfc822\ncontent-type: message/rfc822",
            "\u{e9}content-type: message/rfc822\n",
            "content-description: undelivered message",
        ] {
            assert_eq!(
                original_marker_line(text),
                line_starting_with(text, &ORIGINAL_MARKERS),
                "{text:?}"
            );
        }
    }

    #[test]
    fn dsn_fields_are_found_where_line_starting_with_finds_them() {
        for text in [
            "",
            "a: b\n",
            "<a@example.jp>: host x said: 550\n\nReporting-MTA: dns; x\n",
            "  final-recipient: rfc822; a@example.jp\nOriginal-Recipient:",
            "text Final-Recipient: x\n\tX-POSTFIX-QUEUE-ID: 1\n",
            "\u{a0}Reporting-MTA: dns; x\nx\u{e9}: Original-Recipient: y\n",
            "Reporting-MTA:\nFinal-Recipient",
            ": :: Final-Recipient::\n",
        ] {
            assert_eq!(
                dsn_start_line(text),
                line_starting_with(text, &DSN_START),
                "{text:?}"
            );
        }
    }

    /// [`paragraphs`] as it read every line before it skipped to the next
    /// `<`: the reference it must agree with.
    fn paragraphs_line_by_line(text: &str) -> Vec<Paragraph> {
        let mut out = Vec::new();
        let mut joined = String::new();
        let mut open = false;
        for line in text::lines_lf(text) {
            let t = line.trim();
            if starts_paragraph(line) {
                if open {
                    out.extend(split_paragraph(&joined));
                }
                joined.clear();
                joined.push_str(t);
                open = true;
            } else if t.is_empty() {
                if std::mem::take(&mut open) {
                    out.extend(split_paragraph(&joined));
                }
            } else if open {
                joined.push(' ');
                joined.push_str(t);
            }
        }
        if open {
            out.extend(split_paragraph(&joined));
        }
        out
    }

    #[test]
    fn skipping_to_the_next_bracket_reads_the_same_paragraphs() {
        for text in [
            "",
            "<",
            "a <b@example.jp>: x\n<c@example.jp>: y\n  z\n\n<d@example.jp>: w",
            "\u{a0}<a@example.jp>: nbsp\r\n    more\r\n\r\nx <y\n",
            "\t<a@example.jp>: tab\n   <b@example.jp>: three\n    <c@example.jp>: four\n",
            "text\n<a@example.jp> (expanded from <b@example.jp>): x\n<e@example.jp>: last",
            "<a@example.jp>: x\n\u{e9}<b@example.jp>: y\n",
        ] {
            assert_eq!(paragraphs(text), paragraphs_line_by_line(text), "{text:?}");
        }
    }

    #[test]
    fn common_tails_are_what_the_phrase_search_finds() {
        for tail in [
            "(in reply to rcpt to command)",
            "(in reply to end of data command)",
            "(in reply to mail from command)",
            "(in reply to data command)",
            "(in reply to ehlo command)",
            "(in reply to helo command)",
        ] {
            assert_eq!(common_tail(tail), Command::find(tail), "{tail}");
            assert!(common_tail(tail).is_some(), "{tail}");
        }
        assert_eq!(common_tail("(in reply to quit command)"), None);
    }

    #[test]
    fn an_unavailable_report_is_found_as_in_the_lowercase_text() {
        for text in [
            "",
            "---",
            "--- delivery report unavailable ---",
            "x\n--- Delivery Report Unavailable ---\n",
            "---- DELIVERY REPORT UNAVAILABLE ---",
            "--- --- delivery report unavailable --",
            "--- delivery report unavailable --- ",
            "\u{e9}--- delivery report unavailable ---",
            "--- delivery\u{e9}report unavailable ---",
        ] {
            assert_eq!(
                report_unavailable(text),
                text.to_ascii_lowercase()
                    .contains("--- delivery report unavailable ---"),
                "{text:?}"
            );
        }
    }

    #[test]
    fn squeezed_is_squeeze() {
        for text in [
            "",
            " ",
            "a",
            "a b",
            "a  b",
            " a b",
            "a b ",
            "a\tb",
            "a\nb",
            "a\x0bb",
            "a\x01b",
            "\u{e9} b",
            "a\u{a0}b",
            "a\u{3000}b c",
        ] {
            assert_eq!(squeezed(text), squeeze(text), "{text:?}");
        }
    }

    #[test]
    fn not_paragraphs() {
        assert!(!starts_paragraph(
            "For further assistance, please contact <support@example.jp>"
        ));
        assert!(!starts_paragraph(
            "<a@example.jp>... User unknown (in reply to RCPT TO command)"
        ));
        assert!(!starts_paragraph("<postmaster>: nothing"));
        assert!(starts_paragraph(" <a@example.jp>: host x said"));
        assert!(!starts_paragraph("    <a@example.jp>: User unknown"));
    }

    #[test]
    fn status_only_when_specific() {
        let p = Paragraph {
            text: "said: 550 5.0.0 <x@example.jp> no, 5.1.1 really".to_owned(),
            ..Paragraph::default()
        };
        assert_eq!(p.status().unwrap().to_string(), "5.1.1");
    }
}
