//! RFC 3464 delivery status notifications: the per-message and per-recipient
//! fields of a message/delivery-status part (or of the same fields written
//! inline in the text by MTAs that do not attach the part).

use crate::fact::{Draft, Report};
use crate::mail::Mail;
use crate::smtp::{ReplyCode, Status};
use crate::text::{self, Needle};
use std::borrow::Cow;

/// Decodes the delivery-status part, if the message has one.
pub fn decode(mail: &Mail<'_>) -> Option<Report> {
    let dsn = match mail.dsn() {
        Some(d) => d,
        None => inline_fields(mail.body())?,
    };
    let mut recipients = recipients(dsn);
    if recipients.is_empty() {
        return None;
    }
    // A report without Diagnostic-Code: the human-readable part says why.
    let shared = explanation(mail.body(), "");
    for d in recipients.iter_mut().filter(|d| d.diagnosis.is_empty()) {
        d.diagnosis = if shared.is_empty() {
            explanation(mail.body(), &d.recipient)
        } else {
            shared.clone()
        };
        if d.replycode.is_none() {
            d.replycode = ReplyCode::find(&d.diagnosis);
        }
    }
    Some(Report::new(recipients))
}

/// What the human-readable text says about one recipient: the transcript of
/// the SMTP session when there is one, else the lines that quote a server's
/// reply, else (when `recipient` is not empty) the lines that name the
/// recipient. Only the first 64 KiB of the text are read, so that a report
/// with thousands of recipients stays linear.
pub fn explanation(body: &str, recipient: &str) -> String {
    let body = crate::standard::textscan::cut_original(body);
    let mut end = body.len().min(64 * 1024);
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    let body = &body[..end];
    // Searchers built once: every report's text is searched.
    static REPORTING_MTA: Needle = Needle::new("Reporting-MTA:");
    static FINAL_RECIPIENT: Needle = Needle::new("Final-Recipient:");
    let body = match REPORTING_MTA
        .find(body)
        .or_else(|| FINAL_RECIPIENT.find(body))
    {
        Some(end) => &body[..end],
        None => body,
    };
    let mut out: Vec<&str> = Vec::new();
    static TRANSCRIPT: Needle = Needle::new("Transcript of session follows");
    if let Some(transcript) = text::after_line_with_needle(body, &TRANSCRIPT) {
        for line in transcript.lines().map(str::trim) {
            if line.is_empty() {
                if out.is_empty() {
                    continue;
                }
                break;
            }
            out.push(line);
        }
    }
    if out.is_empty() {
        let local = recipient.to_ascii_lowercase();
        for line in body.lines().map(str::trim) {
            // Every line contains the empty name (the report's shared
            // explanation): no lowercase copy is needed to tell.
            if local.is_empty()
                || line.to_ascii_lowercase().contains(&local)
                || ReplyCode::find(line).is_some()
                || Status::find(line).is_some()
            {
                out.push(line);
            }
        }
    }
    out.join(" ")
}

/// The names of the delivery-status fields the decoders read, in the order
/// of a [`Group`]'s values.
const GROUP_FIELDS: [&str; 10] = [
    "Final-Recipient",
    "X-Actual-Recipient",
    "Original-Recipient",
    "Reporting-MTA",
    "Arrival-Date",
    "Action",
    "Status",
    "Remote-MTA",
    "Diagnostic-Code",
    "Last-Attempt-Date",
];

/// The fields of one group (paragraph) of a delivery-status text that the
/// decoders read: each the value of the first field of its name, as
/// [`text::field`] finds it in a group of [`text::field_groups`].
pub struct Group<'t> {
    values: [Option<Cow<'t, str>>; GROUP_FIELDS.len()],
}

impl Group<'_> {
    fn get(&self, i: usize) -> Option<&str> {
        self.values[i].as_deref()
    }
    /// `Final-Recipient`.
    pub fn final_recipient(&self) -> Option<&str> {
        self.get(0)
    }
    /// `X-Actual-Recipient`.
    pub fn actual_recipient(&self) -> Option<&str> {
        self.get(1)
    }
    /// `Original-Recipient`.
    pub fn original_recipient(&self) -> Option<&str> {
        self.get(2)
    }
    /// `Reporting-MTA`.
    pub fn reporting_mta(&self) -> Option<&str> {
        self.get(3)
    }
    /// `Arrival-Date`.
    pub fn arrival_date(&self) -> Option<&str> {
        self.get(4)
    }
    /// `Action`.
    pub fn action(&self) -> Option<&str> {
        self.get(5)
    }
    /// `Status`.
    pub fn status(&self) -> Option<&str> {
        self.get(6)
    }
    /// `Remote-MTA`.
    pub fn remote_mta(&self) -> Option<&str> {
        self.get(7)
    }
    /// `Diagnostic-Code`.
    pub fn diagnostic_code(&self) -> Option<&str> {
        self.get(8)
    }
    /// `Last-Attempt-Date`.
    pub fn last_attempt_date(&self) -> Option<&str> {
        self.get(9)
    }
}

/// The groups of a delivery-status text with the fields the decoders read,
/// in order: what `text::field_groups` and `text::field` give (and
/// `text::field_group_values`), read in one pass without building every
/// field of every group.
pub fn groups(dsn: &str) -> impl Iterator<Item = Group<'_>> {
    let mut rest = dsn;
    std::iter::from_fn(move || {
        // The values are read into the group returned, rather than into an
        // array moved out of `next_group` and then into the group: a group
        // with no field leaves them all `None`, as the next one starts.
        let mut group = Group {
            values: std::array::from_fn(|_| None),
        };
        loop {
            let (any, after) = next_group(rest, &mut group.values)?;
            rest = after;
            if any {
                return Some(group);
            }
        }
    })
}

/// The values of a [`Group`], in the order of [`GROUP_FIELDS`].
type Values<'t> = [Option<Cow<'t, str>>; GROUP_FIELDS.len()];

/// Reads the first group of `text` into `values` (all `None` when called),
/// and gives whether a line of it was a field (a group without one is
/// passed over, its values left `None`) and the text after it; `None` when
/// only line breaks and white space are left.
///
/// Groups are cut where `text::field_groups` cuts them: after the `\n`,
/// `\r`, space and tab at the start, up to the first line (after a line
/// break) of spaces, tabs and `\r` only that a line break ends, or the
/// text's end when the line is not empty. Each line is read once, and
/// whether the next one ends the group is seen at its first bytes, where
/// `text::field_group_values` finds the end of a group first and then splits
/// it into lines, searching every line break twice.
fn next_group<'t>(text: &'t str, values: &mut Values<'t>) -> Option<(bool, &'t str)> {
    let b = text.as_bytes();
    let mut pos = b
        .iter()
        .position(|c| !matches!(c, b'\n' | b'\r' | b' ' | b'\t'))?;
    let mut fields = Fields {
        values,
        any: false,
        last: None,
        over: false,
    };
    loop {
        let nl = memchr::memchr(b'\n', &b[pos..]).map(|n| pos + n);
        if !fields.over {
            fields.read(&text[pos..nl.unwrap_or(b.len())]);
        }
        let Some(nl) = nl else {
            return Some((fields.any, ""));
        };
        let start = nl + 1;
        let mut j = start;
        while j < b.len() && matches!(b[j], b' ' | b'\t' | b'\r') {
            j += 1;
        }
        if j < b.len() && b[j] == b'\n' || j == b.len() && j > start {
            return Some((fields.any, &text[start..]));
        }
        pos = start;
    }
}

/// The fields of one group as its lines are read.
struct Fields<'v, 't> {
    values: &'v mut Values<'t>,
    /// Whether a line was a field.
    any: bool,
    /// The value a continuation line extends: the last field read, when it
    /// is the first of a name asked for (the others are not kept).
    last: Option<usize>,
    /// Whether a blank line (to `trim`) came after a field: the rest of the
    /// group is not read.
    over: bool,
}

impl<'t> Fields<'_, 't> {
    /// Reads one line (without its `\n`), as `text::header_fields` reads it.
    fn read(&mut self, line: &'t str) {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let b = line.as_bytes();
        // A line that starts with a graphic ASCII byte is not blank: only
        // the others need the (Unicode) trim to tell.
        if !b.first().is_some_and(u8::is_ascii_graphic) && line.trim().is_empty() {
            self.over = self.any;
            return;
        }
        if line.starts_with([' ', '\t']) {
            if let Some(v) = self.last.and_then(|i| self.values[i].as_mut()) {
                let more = text::trim_fast(line);
                match v {
                    // The first continuation: the copy made with room for
                    // it, rather than made exact and grown at once.
                    Cow::Borrowed(first) => {
                        let mut joined = String::with_capacity(first.len() + 1 + more.len());
                        joined.push_str(first);
                        joined.push(' ');
                        joined.push_str(more);
                        *v = Cow::Owned(joined);
                    }
                    Cow::Owned(joined) => {
                        joined.push(' ');
                        joined.push_str(more);
                    }
                }
            }
            return;
        }
        // The name runs to the first colon and is graphic ASCII: a byte
        // that is not, before any colon, makes the line no field.
        let colon = name_end(b).filter(|&i| i > 0 && b[i] == b':');
        if let Some(colon) = colon {
            let name = &b[..colon];
            self.any = true;
            self.last = None;
            if let Some(i) = slot(name).filter(|&i| self.values[i].is_none()) {
                self.values[i] = Some(Cow::Borrowed(trim_value(&line[colon + 1..])));
                self.last = Some(i);
            }
        }
    }
}

/// `value.trim()` for the value of a field: mostly a space, then text that
/// ends in a graphic ASCII byte, which is all there is to trim.
fn trim_value(value: &str) -> &str {
    let b = value.as_bytes();
    let mut start = 0;
    while start < b.len() && (b[start] == b' ' || b[start] == b'\t') {
        start += 1;
    }
    match (b.get(start), b.last()) {
        (Some(first), Some(last)) if first.is_ascii_graphic() && last.is_ascii_graphic() => {
            &value[start..]
        }
        _ => text::trim_fast(value),
    }
}

/// [`GROUP_FIELDS`] in lowercase, compared with [`eq_name`].
const LOWER_FIELDS: [&str; GROUP_FIELDS.len()] = [
    "final-recipient",
    "x-actual-recipient",
    "original-recipient",
    "reporting-mta",
    "arrival-date",
    "action",
    "status",
    "remote-mta",
    "diagnostic-code",
    "last-attempt-date",
];

/// The index in [`GROUP_FIELDS`] of the field called `name` (ASCII
/// case-insensitively), a name of graphic ASCII bytes, as
/// `GROUP_FIELDS.iter().position(|n| n.eq_ignore_ascii_case(name))` finds
/// it: the length and the first letter leave one name or none to compare,
/// where the search compares with each.
fn slot(name: &[u8]) -> Option<usize> {
    let i = match (name.len(), name.first()? | 0x20) {
        (15, b'f') => 0,
        (18, b'x') => 1,
        (18, b'o') => 2,
        (13, b'r') => 3,
        (12, b'a') => 4,
        (6, b'a') => 5,
        (6, b's') => 6,
        (10, b'r') => 7,
        (15, b'd') => 8,
        (17, b'l') => 9,
        _ => return None,
    };
    eq_name(name, LOWER_FIELDS[i].as_bytes()).then_some(i)
}

/// Whether the field name `name`, graphic ASCII bytes, is `lower` (lowercase
/// letters and `-`) ASCII case-insensitively, eight bytes at a time. Setting
/// the `0x20` bit of a byte makes a capital letter lowercase, leaves a
/// lowercase one and `-` as they are, and makes no other graphic byte a
/// lowercase letter or `-` (those come only from a letter, or `-` from the
/// control character `0x0d`), so it matches `eq_ignore_ascii_case` here.
fn eq_name(name: &[u8], lower: &[u8]) -> bool {
    const CASE: u64 = 0x2020_2020_2020_2020;
    if name.len() != lower.len() {
        return false;
    }
    let word =
        |b: &[u8], at: usize| u64::from_le_bytes(b[at..at + 8].try_into().unwrap_or_default());
    if name.len() < 8 {
        return name.iter().zip(lower).all(|(&n, &l)| n | 0x20 == l);
    }
    // Eight bytes at a time, the last eight overlapping the word before
    // them rather than read one by one.
    let mut at = 0;
    loop {
        if word(name, at) | CASE != word(lower, at) {
            return false;
        }
        if at + 8 == name.len() {
            return true;
        }
        at = (at + 8).min(name.len() - 8);
    }
}

/// The offset of the first byte of `b` that is a colon or not graphic ASCII
/// (`c == b':' || !c.is_ascii_graphic()`), where a field's name ends.
/// Eight bytes are tested at a time: a name is some fifteen bytes, read a
/// byte at a time on every line of a delivery-status text otherwise.
fn name_end(b: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut at = 0;
    while let Some(chunk) = b.get(at..at + 8) {
        let w = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        // Each byte's low seven bits: adding to them carries into no other
        // byte, so each byte's high bit below answers for that byte alone.
        let low = w & !HIGH;
        // Below 0x21 (space and control characters): no high bit after
        // adding 0x5f.
        let control = !(low + 0x5f * ONES) & HIGH;
        // 0x7f (delete): the high bit after adding one.
        let delete = (low + ONES) & HIGH;
        // The colon: no high bit after adding 0x7f to the difference.
        let colon = !((low ^ (u64::from(b':') * ONES)) + 0x7f * ONES) & HIGH;
        // A byte with its high bit set is not ASCII; the tests above are
        // of its low bits only and are not asked of it.
        let hit = (w & HIGH) | control | delete | colon;
        if hit != 0 {
            return Some(at + (hit.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    b[at..]
        .iter()
        .position(|&c| c == b':' || !c.is_ascii_graphic())
        .map(|i| at + i)
}

/// The recipients of a delivery-status text: one draft per group that has a
/// Final-Recipient (or Original-Recipient), with the per-message fields
/// (Reporting-MTA, Arrival-Date) applied to each.
pub fn recipients(dsn: &str) -> Vec<Draft> {
    let mut lhost = String::new();
    let mut date = String::new();
    let mut out = Vec::new();
    for g in groups(dsn) {
        let final_rcpt = g.final_recipient().or_else(|| g.actual_recipient());
        let original = g.original_recipient();
        let Some(rcpt) = final_rcpt.or(original) else {
            if let Some(r) = g.reporting_mta() {
                lhost = value_after_type(r).to_owned();
            }
            if let Some(d) = g.arrival_date() {
                date = d.to_owned();
            }
            continue;
        };
        let mut d = draft_from_group(&g, rcpt);
        // An Original-Recipient written as the Final-Recipient is (once
        // cleaned) the recipient itself: no alias, and no need to clean it.
        if let (Some(orig), Some(_)) = (original.filter(|&o| o != rcpt), final_rcpt) {
            let o = clean_recipient(orig);
            if !o.eq_ignore_ascii_case(&d.recipient) && o.contains('@') {
                d.alias = o;
            }
        }
        if d.lhost.is_empty() {
            d.lhost.clone_from(&lhost);
        }
        if d.date.is_empty() {
            d.date.clone_from(&date);
        }
        out.push(d);
    }
    out
}

fn draft_from_group(g: &Group<'_>, rcpt: &str) -> Draft {
    let mut d = Draft::new(clean_recipient(rcpt));
    if let Some(a) = g.action() {
        d.action = action_word(a);
    }
    if let Some(s) = g.status() {
        d.status = Status::find(s);
        // `Status: 4.0.0 (cat.example: host name lookup failure)`: a comment
        // that says more than the class is the only diagnostic some MTAs give.
        d.diagnosis = status_comment(s).to_owned();
    }
    if let Some(r) = g.remote_mta() {
        d.rhost = value_after_type(r).to_owned();
    }
    if let Some(r) = g.reporting_mta() {
        d.lhost = value_after_type(r).to_owned();
    }
    // `trim_fast` is `trim`, and the `;` is found a byte at a time: the type
    // before it is a word of a few letters.
    if let Some(dc) = g
        .diagnostic_code()
        .filter(|dc| !text::trim_fast(dc).is_empty())
    {
        let split = dc
            .bytes()
            .position(|c| c == b';')
            .map(|i| (&dc[..i], &dc[i + 1..]));
        let (ty, rest) = match split {
            Some((ty, rest)) if !text::trim_fast(ty).is_empty() && !ty.contains(' ') => {
                (text::trim_fast(ty), text::trim_fast(rest))
            }
            _ => ("", dc),
        };
        d.diagnostictype = ty.to_ascii_uppercase();
        d.diagnosis = rest.to_owned();
        if d.diagnostictype == "SMTP" || d.diagnostictype.is_empty() {
            d.replycode = ReplyCode::find(rest);
        }
    }
    if let Some(date) = g.last_attempt_date().or_else(|| g.arrival_date()) {
        d.date = date.to_owned();
    }
    d
}

/// The comment of a `Status` field, when it says more than the class of the
/// code: `5.0.0 (permanent failure)` has none worth keeping, `4.0.0
/// (cat.example: host name lookup failure)` does.
fn status_comment(value: &str) -> &str {
    // `text::trim_fast` is `trim`, without the Unicode tables for ASCII ends.
    let Some((_, rest)) = text::trim_fast(value).split_once(char::is_whitespace) else {
        return "";
    };
    let comment = text::trim_fast(
        text::trim_fast(rest)
            .trim_start_matches('(')
            .trim_end_matches(')'),
    );
    let words = comment
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| !w.is_empty());
    let generic = [
        "permanent",
        "persistent",
        "temporary",
        "transient",
        "failure",
        "error",
        "success",
    ];
    if words
        .clone()
        .all(|w| generic.iter().any(|g| g.eq_ignore_ascii_case(w)))
    {
        return "";
    }
    comment
}

/// The action an `Action` field names: its first word, lowercase
/// (`Failed (permanent)` → `failed`).
pub fn action_word(value: &str) -> String {
    // The ASCII white space `char::is_whitespace` knows; the other white
    // space characters are not ASCII.
    let space = |c: u8| matches!(c, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r');
    let b = value.as_bytes();
    // A word of ASCII after ASCII white space (the usual `failed`) is read
    // byte by byte; a non-ASCII character at its start or end, which may be
    // white space, is left to the general path.
    if let Some(start) = b.iter().position(|&c| !space(c)) {
        let word = &b[start..];
        let end = word
            .iter()
            .position(|&c| space(c) || !c.is_ascii())
            .unwrap_or(word.len());
        if word[0].is_ascii() && word.get(end).is_none_or(u8::is_ascii) {
            return value[start..start + end].to_ascii_lowercase();
        }
    }
    // The first word as `split_whitespace` finds it, without its iterator.
    let t = value.trim_start();
    let end = t.find(char::is_whitespace).unwrap_or(t.len());
    t[..end].to_ascii_lowercase()
}

/// The host of a `Reporting-MTA` or `Remote-MTA` field: `dns;
/// mx.example.jp` → `mx.example.jp`; also drops a bracketed address.
pub fn value_after_type(v: &str) -> &str {
    // What `split_once(';')`, `trim`, `split([' ', '['])` and
    // `trim_end_matches('.')` cut, found with byte searches: `;`, ` `, `[`
    // and `.` are ASCII.
    // The `;` ends a type of a few letters: found a byte at a time, where
    // `memchr` costs more to set up than such a search.
    let v = v.bytes().position(|c| c == b';').map_or(v, |i| &v[i + 1..]);
    let v = text::trim_fast(v);
    let b = v.as_bytes();
    let mut end = b
        .iter()
        .position(|&c| c == b' ' || c == b'[')
        .unwrap_or(b.len());
    while end > 0 && b[end - 1] == b'.' {
        end -= 1;
    }
    &v[..end]
}

/// The address of a `Final-Recipient` (or `Original-Recipient`,
/// `X-Actual-Recipient`) field, as [`text::clean_address`] cleans it.
///
/// Most values are `rfc822; local@domain`, which `clean_address` trims,
/// splits, searches for an address and trims again. Here the type is cut
/// off first and what follows cleaned on its own: when that gives all of
/// it back unchanged, `clean_address` of the whole value gives the same (it
/// cuts at the same `;`, and what it does after the cut is what
/// `clean_address` does to the part without a `;` of its own, which an
/// address given back whole has none of). Anything else goes the general
/// way.
pub fn clean_recipient(value: &str) -> String {
    let b = value.as_bytes();
    // The type is a short word: its `;` found a byte at a time (see
    // `value_after_type`).
    if let Some(semi) = b.iter().position(|&c| c == b';') {
        let ty = &b[..semi];
        // The value's ends are graphic ASCII, so that `trim` leaves it
        // whole, as it leaves the part after the white space that follows
        // the `;` when `clean_address_cow` gives that part back whole.
        let rest = value[semi + 1..].trim_start_matches([' ', '\t']);
        let plain_ends = b.first().is_some_and(u8::is_ascii_graphic)
            && rest.as_bytes().last().is_some_and(u8::is_ascii_graphic);
        // The type is a short word: read a byte at a time, once.
        if plain_ends && !ty.iter().any(|&c| c == b'@' || c == b'<') {
            if let Cow::Borrowed(a) = text::clean_address_cow(rest) {
                if a.len() == rest.len() {
                    return a.to_owned();
                }
            }
        }
    }
    text::clean_address(value)
}

/// Some MTAs write the delivery-status fields into the text instead of a
/// separate part; returns the text from the first per-message or
/// per-recipient field on.
fn inline_fields(body: &str) -> Option<&str> {
    // Searchers built once, where `str::find` builds one per search.
    static MARKERS: [Needle; 3] = [
        Needle::new("Reporting-MTA:"),
        Needle::new("Final-Recipient:"),
        Needle::new("Original-Recipient:"),
    ];
    let final_recipient = &MARKERS[1];
    for marker in &MARKERS {
        if let Some(pos) = marker.find(body) {
            let line_start = body[..pos].rfind('\n').map_or(0, |n| n + 1);
            if body[line_start..pos].trim().is_empty() && final_recipient.contains(&body[pos..]) {
                return Some(&body[line_start..]);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_per_recipient_fields() {
        let dsn = "Reporting-MTA: dns; mx.example.jp\nArrival-Date: Mon, 1 Jan 2024 10:00:00 +0900\n\n\
Final-Recipient: rfc822; User@Example.JP\nOriginal-Recipient: rfc822;alias@example.jp\nAction: failed\nStatus: 5.1.1\n\
Remote-MTA: dns; mx.remote.jp [192.0.2.1]\nDiagnostic-Code: smtp; 550 5.1.1 <User@example.jp>: User unknown\n\n\
Final-Recipient: rfc822; two@example.jp\nAction: delayed\nStatus: 4.2.2\n";
        let r = recipients(dsn);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].recipient, "User@example.jp");
        assert_eq!(r[0].alias, "alias@example.jp");
        assert_eq!(r[0].status.unwrap().to_string(), "5.1.1");
        assert_eq!(r[0].replycode.unwrap().get(), 550);
        assert_eq!(r[0].rhost, "mx.remote.jp");
        assert_eq!(r[0].lhost, "mx.example.jp");
        assert_eq!(r[0].diagnostictype, "SMTP");
        assert_eq!(r[1].action, "delayed");
        assert_eq!(r[1].lhost, "mx.example.jp");
        assert_eq!(r[1].diagnosis, "");
    }

    #[test]
    fn groups_read_what_field_groups_and_field_read() {
        let texts = [
            "",
            "\n\n \t\r\n",
            "Reporting-MTA: dns; a\nArrival-Date: x\n\nFinal-Recipient: rfc822; a@b.jp\n\
Action: failed\nStatus: 5.1.1\n  (folded)\nDiagnostic-Code: smtp; 550\n\tmore\n\tand more\n",
            "final-recipient: a@b.jp\nFINAL-RECIPIENT: c@d.jp\n continued\nStatus: 4.0.0\n",
            "Final-Recipient: a@b.jp\nnot a field line\n continues the recipient\n",
            "Status: 5.0.0\nX-Other: x\n folded other\nAction: failed\r\n\r\nAction: delayed\r\n",
            " leading continuation\nFinal-Recipient: a@b.jp\n\u{a0}\nStatus: 5.1.1\n\nAction: x\n",
            "Final Recipient: a@b.jp\n: empty name\nRemote-MTA:dns;mx\nLast-Attempt-Date:\n",
            "Diagnostic-Code: smtp; 550\n\u{3000}\nStatus: 5.1.1\n \n\nX: y\n",
            "\u{e9}t\u{e9}: x\nFinal-Recipient: rfc822;\u{e9}@b.jp\n \u{e9}\n\n\n\n",
            "Original-Recipient: a@b\n\t\nX-Actual-Recipient: c@d\n \t \nAction: relayed",
            "\x0bStatus: 5.1.1\n:Action: x\nAction\x0c: y\n\x0c\nStatus: 4.0.0\n\r\nX: y",
            "Status\u{e9}: 5\nAction:failed\nStatus:5.1.1 \r\n\r\n\rStatus: 4\n\x0c\n",
        ];
        for text in texts {
            let old = crate::text::field_groups(text);
            let new: Vec<Group<'_>> = groups(text).collect();
            assert_eq!(old.len(), new.len(), "{text:?}");
            for (o, n) in old.iter().zip(&new) {
                for (i, name) in GROUP_FIELDS.iter().enumerate() {
                    assert_eq!(crate::text::field(o, name), n.get(i), "{text:?} {name}");
                }
            }
        }
    }

    #[test]
    fn words_and_hosts_as_split_finds_them() {
        for v in [
            "",
            " ",
            "Failed",
            " failed (permanent)",
            "\u{a0}Delayed\u{3000}x",
            "\t\n",
            "dns; mx.example.jp.",
            "dns;mx [192.0.2.1]",
            "mx[192.0.2.1]",
            "dns; ",
            ";",
            "a;b;c d",
            "dns; \u{e9}x.jp. y",
            "dns;\u{a0}mx.jp",
            "Failed\u{a0}x",
            "\u{a0}",
            "\u{85}failed",
            "failed\u{85}x",
            "f\u{e9}iled now",
            "\x0bfailed\x0cx",
            "failed\r",
            "dns;mx.jp...",
            "dns; .",
            "dns; mx.jp.\u{3000}",
        ] {
            assert_eq!(
                action_word(v),
                v.split_whitespace()
                    .next()
                    .unwrap_or("")
                    .to_ascii_lowercase()
            );
            let old = v.split_once(';').map_or(v, |(_, rest)| rest).trim();
            let old = old
                .split([' ', '['])
                .next()
                .unwrap_or("")
                .trim_end_matches('.');
            assert_eq!(value_after_type(v), old);
        }
    }

    #[test]
    fn names_end_where_a_byte_at_a_time_finds_it() {
        let texts: [&[u8]; 12] = [
            b"",
            b":",
            b"Final-Recipient: rfc822; a@b.jp",
            b"Final-Recipient rfc822",
            b"Diagnostic-Code:smtp",
            b"abcdefgh",
            b"abcdefghijklmnop",
            b"abcdefghijklmno\x7f:",
            b"abcdefg\xba:xyz",
            b"Reporting-MTA\t: x",
            b"\x00\x1f\x20\x21~\x7f\x80\xff",
            "\u{e9}t\u{e9}-\u{3000}: x".as_bytes(),
        ];
        for t in texts {
            for from in 0..t.len() {
                let b = &t[from..];
                assert_eq!(
                    name_end(b),
                    b.iter().position(|&c| c == b':' || !c.is_ascii_graphic()),
                    "{b:?}"
                );
            }
        }
    }

    #[test]
    fn slots_are_where_a_search_of_the_names_finds_them() {
        for (i, name) in GROUP_FIELDS.iter().enumerate() {
            assert_eq!(LOWER_FIELDS[i], name.to_ascii_lowercase());
        }
        let mut names: Vec<String> = Vec::new();
        for n in GROUP_FIELDS {
            names.push(n.to_owned());
            names.push(n.to_ascii_uppercase());
            names.push(n.to_ascii_lowercase());
            names.push(n.replace('-', "_"));
            names.push(n.replace('-', "\x7f"));
            names.push(n.replace('-', "\r"));
            names.push(format!("{n}x"));
            names.push(n[1..].to_owned());
            names.push(format!("{}{}", &n[..n.len() - 1], '@'));
        }
        names.extend(["a", "", "Final-Recipienz", "Statu[", "Actio~"].map(String::from));
        for name in &names {
            let b = name.as_bytes();
            let want = GROUP_FIELDS
                .iter()
                .position(|n| n.as_bytes().eq_ignore_ascii_case(b));
            // `slot` is asked only of names of graphic bytes.
            if b.iter().all(u8::is_ascii_graphic) {
                assert_eq!(slot(b), want, "{name:?}");
            }
        }
    }

    #[test]
    fn values_are_trimmed_as_trim_trims_them() {
        for v in [
            "",
            " ",
            "\t",
            " x",
            "x",
            "  x y ",
            " \u{a0}x",
            " x\u{3000}",
            "\t\tx\x0b",
            " \u{e9}",
            "\x0bx",
            " x\t",
        ] {
            assert_eq!(trim_value(v), v.trim(), "{v:?}");
        }
    }

    #[test]
    fn recipients_are_cleaned_as_clean_address_cleans_them() {
        for v in [
            "",
            ";",
            "rfc822;",
            "rfc822; ",
            "rfc822;a@example.jp",
            "rfc822; a@example.jp",
            "RFC822; \t a@Example.JP",
            "rfc822; <a@example.jp>",
            "rfc822;\na@example.jp",
            "rfc822;\u{a0}a@example.jp",
            "rfc822; a@example.jp\u{a0}",
            "rfc822; a@example.jp ",
            " rfc822; a@example.jp",
            "rfc822; a@b;c@example.jp",
            "rfc822; x;y@example.jp",
            "a@b.jp; c@example.jp",
            "<rfc822>; c@example.jp",
            "rfc822; 'a@example.jp'",
            "rfc822; .a@example.jp",
            "rfc822; a@example.jp.",
            "rfc822; a@localhost",
            "rfc822; \"a b\"@example.jp",
            "rfc822; \u{e9}@example.jp",
            "rfc822; a@@example.jp",
            "rfc822; user",
            "a@example.jp",
            "x400; c=jp;a= ;p=x",
        ] {
            assert_eq!(clean_recipient(v), text::clean_address(v), "{v:?}");
        }
    }

    #[test]
    fn a_status_comment_is_the_diagnosis_when_nothing_else_is() {
        let dsn = "Final-Recipient: rfc822; a@example.jp\nAction: delayed\n\
Status: 4.4.3 (example.jp: host name lookup failure)\n\n\
Final-Recipient: rfc822; b@example.jp\nAction: failed\nStatus: 5.0.0 (permanent failure)\n\n\
Final-Recipient: rfc822; c@example.jp\nAction: failed\nStatus: 5.1.1 (no such user)\n\
Diagnostic-Code: smtp; 550 5.1.1 unknown user\n";
        let r = recipients(dsn);
        assert_eq!(r[0].diagnosis, "example.jp: host name lookup failure");
        assert_eq!(r[1].diagnosis, "");
        assert_eq!(r[2].diagnosis, "550 5.1.1 unknown user");
    }
}
