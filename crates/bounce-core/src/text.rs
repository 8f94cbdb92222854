//! Small text helpers shared by the decoders: line-ending normalisation,
//! header blocks (RFC 5322 style `Name: value` lines with folding, as used by
//! delivery-status fields and inline copies of returned messages), and email
//! addresses in free text.

use regex::Regex;
use std::borrow::Cow;
use std::sync::{LazyLock, OnceLock};

/// A literal looked for often, in text of any length: its searcher is built
/// once, on first use, where `str::find` and `str::contains` build a two-way
/// searcher on every call (about 1,300 instructions for a needle of some
/// twenty bytes, more than a search of a short text costs) and then scan
/// byte by byte. Finds the same (first, byte) offsets as `str::find`.
///
/// ```
/// use bounce_core::text::Needle;
/// static SAID: Needle = Needle::new(" said: ");
/// assert_eq!(SAID.find("host mx said: 550"), Some(7));
/// assert!(!SAID.contains("said:"));
/// ```
pub struct Needle {
    text: &'static str,
    finder: OnceLock<memchr::memmem::Finder<'static>>,
}

impl Needle {
    /// A needle for `text`, to keep in a `static`.
    pub const fn new(text: &'static str) -> Needle {
        Needle {
            text,
            finder: OnceLock::new(),
        }
    }

    /// The literal looked for.
    pub fn as_str(&self) -> &'static str {
        self.text
    }

    /// The offset of the first occurrence in `hay`, as `hay.find(text)`.
    pub fn find(&self, hay: &str) -> Option<usize> {
        self.finder
            .get_or_init(|| memchr::memmem::Finder::new(self.text))
            .find(hay.as_bytes())
    }

    /// Whether `hay` contains the literal, as `hay.contains(text)`.
    pub fn contains(&self, hay: &str) -> bool {
        self.find(hay).is_some()
    }
}

/// Rewrites CRLF and bare CR line endings as LF. Borrows when there is no CR.
pub fn normalize_newlines(bytes: &[u8]) -> Cow<'_, [u8]> {
    if memchr::memchr(b'\r', bytes).is_none() {
        return Cow::Borrowed(bytes);
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(off) = memchr::memchr(b'\r', &bytes[i..]) {
        out.extend_from_slice(&bytes[i..i + off]);
        out.push(b'\n');
        i += off + 1;
        if bytes.get(i) == Some(&b'\n') {
            i += 1;
        }
    }
    out.extend_from_slice(&bytes[i..]);
    Cow::Owned(out)
}

/// The same as [`normalize_newlines`] for text.
pub fn normalize_text(text: Cow<'_, str>) -> Cow<'_, str> {
    // The memchr crate's search, many bytes at a time: `str::contains`
    // reads a word at a time, and most text has no `\r` to find.
    if memchr::memchr(b'\r', text.as_bytes()).is_none() {
        return text;
    }
    match normalize_newlines(text.as_bytes()) {
        Cow::Owned(v) => Cow::Owned(String::from_utf8(v).unwrap_or_default()),
        Cow::Borrowed(_) => text,
    }
}

/// One `Name: value` field of a header block, the value unfolded (continuation
/// lines joined with a single space) and trimmed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field<'a> {
    /// The field name as written.
    pub name: &'a str,
    /// The unfolded value.
    pub value: Cow<'a, str>,
}

/// Parses the fields of a header block up to its first blank line (or the end).
/// Lines that are neither fields nor continuations are skipped, so that a
/// damaged block still yields what it can.
pub fn header_fields(block: &str) -> Vec<Field<'_>> {
    let mut out: Vec<Field<'_>> = Vec::new();
    for line in split_lf(block) {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() {
            if out.is_empty() {
                continue;
            }
            break;
        }
        if line.starts_with([' ', '\t']) {
            if let Some(last) = out.last_mut() {
                let v = last.value.to_mut();
                v.push(' ');
                v.push_str(line.trim());
            }
            continue;
        }
        // A short line: a plain loop finds the colon for less than a
        // searcher costs to set up. (A name of graphic ASCII has no space.)
        if let Some(colon) = line.bytes().position(|b| b == b':') {
            let name = &line[..colon];
            if !name.is_empty() && name.bytes().all(|b| b.is_ascii_graphic()) {
                out.push(Field {
                    name,
                    value: Cow::Borrowed(line[colon + 1..].trim()),
                });
            }
        }
    }
    out
}

/// The pieces of `text` between `\n`s, as `text.split('\n')` yields them,
/// found by the memchr crate's search: the standard library's, which
/// `split` uses, reads a word at a time and costs more per line.
pub fn split_lf(text: &str) -> impl Iterator<Item = &str> + '_ {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let r = rest?;
        match memchr::memchr(b'\n', r.as_bytes()) {
            Some(i) => {
                rest = Some(&r[i + 1..]);
                Some(&r[..i])
            }
            None => {
                rest = None;
                Some(r)
            }
        }
    })
}

/// The lines of `text` with their `\n`, as `text.split_inclusive('\n')`
/// yields them, found by the memchr crate's search (see [`split_lf`]).
pub fn split_inclusive_lf(text: &str) -> impl Iterator<Item = &str> + '_ {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let end = memchr::memchr(b'\n', rest.as_bytes()).map_or(rest.len(), |i| i + 1);
        let (line, tail) = rest.split_at(end);
        rest = tail;
        Some(line)
    })
}

/// The lines of `text`, as `text.lines()` yields them (without `\n` or
/// `\r\n`), found by the memchr crate's search (see [`split_lf`]).
pub fn lines_lf(text: &str) -> impl Iterator<Item = &str> + '_ {
    split_inclusive_lf(text).map(|line| match line.strip_suffix('\n') {
        Some(l) => l.strip_suffix('\r').unwrap_or(l),
        None => line,
    })
}

/// Splits text into paragraphs of header fields separated by blank lines, as a
/// message/delivery-status body is laid out (RFC 3464 section 2.1).
pub fn field_groups(text: &str) -> Vec<Vec<Field<'_>>> {
    let mut groups = Vec::new();
    let mut rest = text;
    loop {
        let trimmed = rest.trim_start_matches(['\n', '\r', ' ', '\t']);
        if trimmed.is_empty() {
            break;
        }
        let end = find_blank_line(trimmed).unwrap_or(trimmed.len());
        let fields = header_fields(&trimmed[..end]);
        if !fields.is_empty() {
            groups.push(fields);
        }
        rest = &trimmed[end..];
    }
    groups
}

fn find_blank_line(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(nl) = memchr::memchr(b'\n', &bytes[from..]) {
        let start = from + nl + 1;
        let mut j = start;
        while j < bytes.len() && matches!(bytes[j], b' ' | b'\t' | b'\r') {
            j += 1;
        }
        if j < bytes.len() && bytes[j] == b'\n' || j == bytes.len() && j > start {
            return Some(start);
        }
        from = start;
    }
    None
}

/// Value of the first field called `name` (ASCII case-insensitive).
pub fn field<'f>(fields: &'f [Field<'_>], name: &str) -> Option<&'f str> {
    fields
        .iter()
        .find(|f| f.name.eq_ignore_ascii_case(name))
        .map(|f| f.value.as_ref())
}

/// Extracts the first email address in free text: inside `<...>` if there is
/// one, else the first `local@domain` token. Returns it without brackets,
/// surrounding quotes or trailing punctuation.
pub fn find_address(text: &str) -> Option<&str> {
    addresses(text).next()
}

/// Which bytes may stand in the local part of an address found in free
/// text: ASCII letters and digits, `!#$%&'*+-/=?^_`{|}~.`, and any byte of a
/// non-ASCII character. A table, because the scan back from each `@` asks
/// for every byte.
static LOCAL_PART: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || c >= 0x80;
        b += 1;
    }
    let specials = b"!#$%&'*+-/=?^_`{|}~.";
    let mut i = 0;
    while i < specials.len() {
        table[specials[i] as usize] = true;
        i += 1;
    }
    table
};

/// Which bytes may stand in the domain of an address found in free text:
/// ASCII letters and digits, `-`, `.` and `_`. A table, like
/// [`LOCAL_PART`], for the scan forward from each `@`.
static DOMAIN_PART: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || c == b'-' || c == b'.' || c == b'_';
        b += 1;
    }
    table
};

/// Every email address in free text, in order.
pub fn addresses(text: &str) -> impl Iterator<Item = &str> + '_ {
    let bytes = text.as_bytes();
    memchr::memchr_iter(b'@', bytes).filter_map(move |at| {
        let is_local = |b: u8| LOCAL_PART[usize::from(b)];
        let is_domain = |b: u8| DOMAIN_PART[usize::from(b)];
        let mut s = at;
        while s > 0 && is_local(bytes[s - 1]) {
            s -= 1;
        }
        let mut e = at + 1;
        while e < bytes.len() && is_domain(bytes[e]) {
            e += 1;
        }
        // A quoted local part: "john doe"@example.org
        if s == at && at > 0 && bytes[at - 1] == b'"' {
            let q = text[..at - 1].rfind('"')?;
            s = q;
        }
        while s < at && bytes[s] == b'.' {
            s += 1;
        }
        while e > at + 1 && bytes[e - 1] == b'.' {
            e -= 1;
        }
        if s == at
            || e <= at + 1
            || !text.is_char_boundary(s)
            || !text[at + 1..e].contains('.') && !text[at + 1..e].eq_ignore_ascii_case("localhost")
        {
            return None;
        }
        Some(&text[s..e])
    })
}

/// Whether `text` is a plausible email address as a whole.
pub fn is_address(text: &str) -> bool {
    find_address(text).is_some_and(|a| a.len() == text.len())
}

/// Lowercases the domain part of an address and strips brackets, quotes and
/// an `rfc822;` prefix (as in DSN `Final-Recipient` fields).
pub fn clean_address(text: &str) -> String {
    clean_address_cow(text).into_owned()
}

/// [`clean_address`], borrowed from `text` when that changes nothing but
/// what surrounds the address (the common case: a draft's recipient is
/// usually clean already).
pub fn clean_address_cow(text: &str) -> Cow<'_, str> {
    if is_clean_address(text.as_bytes()) {
        return Cow::Borrowed(text);
    }
    clean_address_general(text)
}

/// [`clean_address_cow`] of any text, without the fast path for a clean
/// address.
fn clean_address_general(text: &str) -> Cow<'_, str> {
    let t = text.trim();
    let t = match t.split_once(';') {
        Some((ty, rest)) if !ty.contains('@') && !ty.contains('<') => rest.trim(),
        _ => t,
    };
    let addr = find_address(t).unwrap_or(t);
    let addr = addr.trim_matches(['<', '>', ' ', '\'']);
    match addr.rfind('@') {
        Some(at) if addr[at + 1..].bytes().any(|b| b.is_ascii_uppercase()) => {
            let mut out = addr.to_owned();
            out[at + 1..].make_ascii_lowercase();
            Cow::Owned(out)
        }
        _ => Cow::Borrowed(addr),
    }
}

/// Whether [`clean_address_cow`] would return `text` whole and unchanged,
/// found in one pass over its bytes (the common case: most recipients are
/// clean already, and the general path trims, splits and scans several
/// times). Says `false` whenever in doubt; the general path then decides.
///
/// True for `local@domain` with exactly one `@`, where every byte of the
/// local part is a [`LOCAL_PART`] byte and every byte of the domain a
/// lowercase [`DOMAIN_PART`] byte, the domain holds a `.`, the first byte
/// is ASCII and neither `.` nor `'`, and the last is not `.`. Then nothing
/// is trimmed (the ends are neither white space, which for a non-ASCII
/// first byte needs Unicode tables, nor `<>' `), there is no `;`, the one
/// address [`addresses`] finds is all of the text, and its domain has no
/// capital to lowercase.
fn is_clean_address(b: &[u8]) -> bool {
    let Some(at) = memchr::memchr(b'@', b) else {
        return false;
    };
    let (local, domain) = (&b[..at], &b[at + 1..]);
    let (Some(&first), Some(&last)) = (local.first(), domain.last()) else {
        return false;
    };
    if !first.is_ascii() || first == b'.' || first == b'\'' || last == b'.' {
        return false;
    }
    let mut dot = false;
    for &c in domain {
        if !DOMAIN_PART[usize::from(c)] || c.is_ascii_uppercase() {
            return false;
        }
        dot |= c == b'.';
    }
    dot && local.iter().all(|&c| LOCAL_PART[usize::from(c)])
}

/// Calls `f` with `text` ASCII-lowercased, for a search of lowercase
/// patterns (the classifier's literals, the SMTP command and wording
/// tables: a case-sensitive automaton is cheaper to build than an ASCII
/// case-insensitive one, which has twice the transitions). Byte offsets are
/// unchanged. The copy goes to a buffer
/// kept per thread, so that nothing is allocated once it has grown; it is
/// made even of text without capitals, since looking for one first cost
/// more than copying.
pub(crate) fn with_ascii_lowercase<R>(text: &[u8], f: impl FnOnce(&[u8]) -> R) -> R {
    thread_local! {
        static LOWER: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
    }
    // `try_with`: a thread being torn down gets a fresh buffer, not a panic.
    let mut lower = LOWER.try_with(std::cell::Cell::take).unwrap_or_default();
    lower.clear();
    // A copy, then lowercased in place: both run many bytes at a time,
    // where pushing byte by byte does not.
    lower.extend_from_slice(text);
    lower.make_ascii_lowercase();
    let out = f(&lower);
    let _ = LOWER.try_with(|cell| cell.set(lower));
    out
}

/// The text after the first line that contains `marker`, if any.
pub fn after_line_with<'t>(text: &'t str, marker: &str) -> Option<&'t str> {
    Some(after_line_at(text, text.find(marker)?))
}

/// The text after the line that holds byte `pos`.
fn after_line_at(text: &str, pos: usize) -> &str {
    let nl = memchr::memchr(b'\n', &text.as_bytes()[pos..]).map_or(text.len(), |n| pos + n + 1);
    &text[nl..]
}

/// Byte offset of `needle` in `hay`, ASCII case-insensitively. Compares
/// bytes, so any text is safe; an empty needle is found at 0. Only the
/// places where the needle's first byte occurs (in either case) are
/// compared, found with `memchr2`.
pub fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    let (b, n) = (hay.as_bytes(), needle.as_bytes());
    let Some(&first) = n.first() else {
        return Some(0);
    };
    memchr::memchr2_iter(first.to_ascii_lowercase(), first.to_ascii_uppercase(), b).find(|&i| {
        b.get(i..i + n.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(n))
    })
}

/// Whether a line of `text` (the text's start, or after a `\n`) begins with
/// the ASCII `prefix` (without a line break), ASCII case-insensitively.
/// Only the places where the prefix's first letter occurs are looked at,
/// so a text without such a line is passed over much faster than line by
/// line.
pub fn has_line_starting_ci(text: &str, prefix: &str) -> bool {
    let (b, p) = (text.as_bytes(), prefix.as_bytes());
    let Some(&first) = p.first() else {
        return true;
    };
    memchr::memchr2_iter(first.to_ascii_lowercase(), first.to_ascii_uppercase(), b).any(|i| {
        (i == 0 || b[i - 1] == b'\n')
            && b.get(i..i + p.len())
                .is_some_and(|h| h.eq_ignore_ascii_case(p))
    })
}

/// The offset of the first line of `text` (as `split_inclusive('\n')` cuts
/// it) that starts, after its leading white space, with one of `markers`
/// (ASCII, non-empty, without a line break), ASCII case-insensitively.
/// When the markers share their first letter, only the lines where a
/// marker occurs are read.
pub fn line_starting_with_ci(text: &str, markers: &[&str]) -> Option<usize> {
    let starts = |line: &str| {
        let t = line.trim_start().as_bytes();
        markers
            .iter()
            .any(|m| t.len() >= m.len() && t[..m.len()].eq_ignore_ascii_case(m.as_bytes()))
    };
    let first = markers.first().and_then(|m| m.as_bytes().first().copied());
    let shared = first.filter(|f| {
        markers.iter().all(|m| {
            m.as_bytes()
                .first()
                .is_some_and(|g| g.eq_ignore_ascii_case(f))
        })
    });
    let Some(first) = shared else {
        let mut pos = 0;
        for line in text.split_inclusive('\n') {
            if starts(line) {
                return Some(pos);
            }
            pos += line.len();
        }
        return None;
    };
    // A line that qualifies holds one of the markers where its text starts:
    // only there is the line read. The candidates come in order, and before
    // that start there is only white space, so the first line found is the
    // first that qualifies.
    let b = text.as_bytes();
    for i in memchr::memchr2_iter(first.to_ascii_lowercase(), first.to_ascii_uppercase(), b) {
        let here = &b[i..];
        if !markers
            .iter()
            .any(|m| here.len() >= m.len() && here[..m.len()].eq_ignore_ascii_case(m.as_bytes()))
        {
            continue;
        }
        let start = memchr::memrchr(b'\n', &b[..i]).map_or(0, |n| n + 1);
        let end = memchr::memchr(b'\n', here).map_or(b.len(), |n| i + n + 1);
        if starts(&text[start..end]) {
            return Some(start);
        }
    }
    None
}

/// A reply of several lines comes quoted with its codes repeated at the head
/// of every line (`550-5.7.26 The IP ... 550-5.7.26 PTR record`), often in
/// the middle of a phrase: the reply without those repeats, its whitespace
/// folded to single spaces. A repeat is `NNN-N.N.N`; with `spaced`, also
/// `NNN N.N.N` and `NNN #N.N.N` (the codes of the first line go too).
pub fn strip_continuations(reply: &str, spaced: bool) -> String {
    // One pass by hand, with the same matches as the regular expressions of
    // `strip_continuations_unicode`, and no automaton to build. A match
    // starts with an ASCII digit and spans at most 14 bytes; when those
    // bytes and the ones on either side are ASCII, the expressions' Unicode
    // `\d` and `\b` are the ASCII ones that `continuation_code_at` checks.
    // Otherwise the expressions decide.
    let bytes = reply.as_bytes();
    let mut out = String::with_capacity(reply.len());
    let mut last = 0;
    let mut i = 0;
    // A match starts with a 2, 4 or 5: the next one found many bytes at a
    // time.
    while let Some(k) = memchr::memchr3(b'2', b'4', b'5', &bytes[i..]) {
        i += k;
        if !bytes[i.saturating_sub(1)..bytes.len().min(i + 16)].is_ascii() {
            return strip_continuations_unicode(reply, spaced);
        }
        match continuation_code_at(bytes, i, spaced) {
            Some(end) => {
                push_words(&mut out, &reply[last..i]);
                last = end;
                i = end;
            }
            None => i += 1,
        }
    }
    push_words(&mut out, &reply[last..]);
    out
}

/// [`strip_continuations`] by regular expressions, for text where their
/// Unicode digits and word boundaries may not be the ASCII ones.
fn strip_continuations_unicode(reply: &str, spaced: bool) -> String {
    static DASHED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"\b[245]\d\d-[245]\.\d{1,3}\.\d{1,3}\b").expect("valid regex")
    });
    static ANY: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"\b[245]\d\d[ -]#?[245]\.\d{1,3}\.\d{1,3}\b").expect("valid regex")
    });
    let codes = if spaced { &ANY } else { &DASHED };
    codes
        .replace_all(reply, " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The end of a repeated code (`NNN-N.N.N`, with `spaced` also `NNN N.N.N`
/// and `NNN #N.N.N`) that starts at `i` of text that is ASCII around `i`, on a word boundary and
/// ends on one, as `\b[245]\d\d[ -]#?[245]\.\d{1,3}\.\d{1,3}\b` matches.
fn continuation_code_at(b: &[u8], i: usize, spaced: bool) -> Option<usize> {
    let is_word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let at = |k: usize| b.get(k).copied();
    if !matches!(b[i], b'2' | b'4' | b'5') || (i > 0 && is_word(b[i - 1])) {
        return None;
    }
    if !at(i + 1)?.is_ascii_digit() || !at(i + 2)?.is_ascii_digit() {
        return None;
    }
    match at(i + 3)? {
        b'-' => {}
        b' ' if spaced => {}
        _ => return None,
    }
    let mut j = i + 4;
    if spaced && at(j) == Some(b'#') {
        j += 1;
    }
    if !matches!(at(j)?, b'2' | b'4' | b'5') || at(j + 1)? != b'.' {
        return None;
    }
    // One to three digits; a longer run cannot match, whatever follows.
    let digits = |from: usize| {
        b[from.min(b.len())..]
            .iter()
            .take(4)
            .take_while(|c| c.is_ascii_digit())
            .count()
    };
    j += 2;
    let n = digits(j);
    if !(1..=3).contains(&n) || at(j + n)? != b'.' {
        return None;
    }
    j += n + 1;
    let n = digits(j);
    if !(1..=3).contains(&n) || at(j + n).is_some_and(is_word) {
        return None;
    }
    Some(j + n)
}

/// Appends the words of `text` (as `split_whitespace` splits it) to `out`,
/// with one space before each unless `out` is empty.
pub(crate) fn push_words(out: &mut String, text: &str) {
    if !text.is_ascii() {
        for word in text.split_whitespace() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
        return;
    }
    // ASCII text: the same words, found a byte at a time rather than a
    // decoded character at a time; and words that one space already
    // separates are copied together, as one run, rather than a word at a
    // time.
    let space = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r');
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() && space(b[i]) {
        i += 1;
    }
    if i == b.len() {
        return;
    }
    if !out.is_empty() {
        out.push(' ');
    }
    // The run being copied starts at `run`; `i` is at the start of a word.
    let mut run = i;
    loop {
        // The run goes on to the first white space that is not one space
        // between two words; it ends with a word.
        let gap = irregular_space(b, i);
        i = gap;
        while i < b.len() && space(b[i]) {
            i += 1;
        }
        out.push_str(&text[run..gap]);
        if i == b.len() {
            return;
        }
        out.push(' ');
        run = i;
    }
}

/// The first offset from `from` in ASCII `b` where white space other than
/// one space between two words starts: a tab, a line feed, a vertical tab,
/// a form feed or a carriage return, or a space followed by white space or
/// by the end; `b.len()` if there is none. Eight bytes are checked at a
/// time, by arithmetic on a `u64` (each byte below 0x80 stays in its own
/// lane), since most text has a space in every eight bytes and only few
/// of them irregular.
fn irregular_space(b: &[u8], from: usize) -> usize {
    const LOW: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // The high bit of each byte of `w` that is below `n` (`n <= 0x80`).
    let below = |w: u64, n: u8| !((w | HIGH).wrapping_sub(LOW * u64::from(n))) & HIGH;
    let control = |w: u64| below(w, 14) & !below(w, 9);
    let spaces = |w: u64| below(w ^ (LOW * 0x20), 1);
    let mut j = from;
    // Nine bytes are read: a space in the eighth is irregular when the
    // ninth is white space.
    while let Some(nine) = b.get(j..j + 9) {
        let mut word = [0u8; 8];
        word.copy_from_slice(&nine[..8]);
        let mut next = [0u8; 8];
        next.copy_from_slice(&nine[1..]);
        let (w, n) = (u64::from_le_bytes(word), u64::from_le_bytes(next));
        let bad = control(w) | (spaces(w) & (spaces(n) | control(n)));
        if bad != 0 {
            return j + (bad.trailing_zeros() / 8) as usize;
        }
        j += 8;
    }
    let space = |c: u8| matches!(c, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r');
    while j < b.len() {
        let c = b[j];
        if c != b' ' && space(c) || c == b' ' && b.get(j + 1).is_none_or(|&d| space(d)) {
            return j;
        }
        j += 1;
    }
    j
}

/// Whether [`push_words`] gives `text` back as it is: ASCII, with no white
/// space but single spaces between words, and none at either end. Eight
/// bytes at a time, by arithmetic on a `u64` (the bytes are ASCII, so each
/// stays in its own lane), since a diagnostic is usually squeezed already
/// and so read to its end.
pub(crate) fn is_squeezed(text: &str) -> bool {
    const LOW: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let b = text.as_bytes();
    if b.first() == Some(&b' ') || b.last() == Some(&b' ') {
        return false;
    }
    // The high bit of the last byte read, moved to the first lane, when
    // that byte is a space.
    let mut carry = 0u64;
    let mut chunks = b.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let w = u64::from_le_bytes(word);
        if w & HIGH != 0 {
            return false;
        }
        // The high bit of each byte that is at least `n` (`n <= 0x80`).
        let at_least = |n: u64| ((w | HIGH) - n * LOW) & HIGH;
        // Tab, line feed, vertical tab, form feed, carriage return.
        let control = at_least(9) & !at_least(14);
        // A space is a zero byte once spaces are xored away.
        let space = !(((w ^ (LOW * 0x20)) | HIGH) - LOW) & HIGH;
        let pair = space & ((space << 8) | carry);
        if control | pair != 0 {
            return false;
        }
        carry = space >> 56;
    }
    let mut after_space = carry != 0;
    for &c in chunks.remainder() {
        if !c.is_ascii() || (9..=13).contains(&c) || c == b' ' && after_space {
            return false;
        }
        after_space = c == b' ';
    }
    true
}

/// The parts joined, in one allocation of the right size: what `format!`
/// of plain strings gives, without the formatter's machinery.
pub(crate) fn concat(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for p in parts {
        out.push_str(p);
    }
    out
}

/// The header block at the start of `text` (up to its first blank line,
/// with the newline that ends it), when its first line is a `Name: value`
/// field: the header of a returned message that a notice copies after its
/// own text.
pub fn leading_header_block(text: &str) -> Option<String> {
    // The first line decides, before the end of the block is looked for
    // (most texts asked about are not header blocks), by a searcher built
    // once.
    static BLANK: Needle = Needle::new("\n\n");
    let first = text.lines().next()?;
    if !first
        .split_once(':')
        .is_some_and(|(name, _)| !name.is_empty() && !name.contains(' '))
    {
        return None;
    }
    let end = BLANK.find(text).map_or(text.len(), |n| n + 1);
    Some(text[..end].to_owned())
}

// Decoders' block: helpers added for the provider and standard decoders.

/// The values of the fields called `names` in each group that
/// [`field_groups`] finds, as [`field`] gives them (the first field of each
/// name, ASCII case-insensitively; `None` when there is none): one array per
/// group, in the order of `names`, groups without any field skipped. Read in
/// one pass, without the vectors of fields that `field_groups` builds and
/// `field` searches once per name: a decoder that asks for ten names of each
/// group of a delivery-status part spends a tenth of that.
pub fn field_group_values<'t, 'n, const N: usize>(
    text: &'t str,
    names: &'n [&'n str; N],
) -> impl Iterator<Item = [Option<Cow<'t, str>>; N]> + use<'t, 'n, N> {
    let mut rest = text;
    std::iter::from_fn(move || loop {
        let trimmed = rest.trim_start_matches(['\n', '\r', ' ', '\t']);
        if trimmed.is_empty() {
            return None;
        }
        let end = find_blank_line(trimmed).unwrap_or(trimmed.len());
        rest = &trimmed[end..];
        if let Some(values) = block_values(&trimmed[..end], names) {
            return Some(values);
        }
    })
}

/// The values of `names` in one header block, read as [`header_fields`]
/// reads it; `None` when the block has no field at all.
fn block_values<'t, const N: usize>(
    block: &'t str,
    names: &[&str; N],
) -> Option<[Option<Cow<'t, str>>; N]> {
    let mut values: [Option<Cow<'t, str>>; N] = std::array::from_fn(|_| None);
    let mut any = false;
    // The value a continuation line extends: the last field read, when it is
    // the first of a name asked for (the others are not kept).
    let mut last: Option<usize> = None;
    for line in split_lf(block) {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let b = line.as_bytes();
        // A line that starts with a graphic ASCII byte is not blank: only
        // the others need the (Unicode) trim to tell.
        if !b.first().is_some_and(u8::is_ascii_graphic) && line.trim().is_empty() {
            if any {
                break;
            }
            continue;
        }
        if line.starts_with([' ', '\t']) {
            if let Some(v) = last.and_then(|i| values[i].as_mut()) {
                let v = v.to_mut();
                v.push(' ');
                v.push_str(trim_fast(line));
            }
            continue;
        }
        // The name runs to the first colon and is graphic ASCII: a byte
        // that is not, before any colon, makes the line no field.
        let colon = b
            .iter()
            .position(|&c| c == b':' || !c.is_ascii_graphic())
            .filter(|&i| i > 0 && b[i] == b':');
        if let Some(colon) = colon {
            let name = &b[..colon];
            any = true;
            last = None;
            let slot = names
                .iter()
                .position(|n| n.len() == colon && n.as_bytes().eq_ignore_ascii_case(name));
            if let Some(i) = slot.filter(|&i| values[i].is_none()) {
                values[i] = Some(Cow::Borrowed(trim_fast(&line[colon + 1..])));
                last = Some(i);
            }
        }
    }
    any.then_some(values)
}

/// The ASCII bytes `str::trim` removes. (`str::trim_ascii` keeps the
/// vertical tab, which `trim` removes.)
fn is_trimmed_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

/// `text.trim()`, the ASCII white space at either end skipped byte by byte:
/// only text that starts or ends with a non-ASCII character after it needs
/// the Unicode tables of `trim`.
pub fn trim_fast(text: &str) -> &str {
    let b = text.as_bytes();
    let space = is_trimmed_space;
    let mut start = 0;
    while start < b.len() && space(b[start]) {
        start += 1;
    }
    let mut end = b.len();
    while end > start && space(b[end - 1]) {
        end -= 1;
    }
    if start < end && (!b[start].is_ascii() || !b[end - 1].is_ascii()) {
        return text.trim();
    }
    &text[start..end]
}

/// `text.trim_start()`, the ASCII white space skipped byte by byte: only a
/// non-ASCII character after it needs the Unicode tables.
pub fn trim_start_fast(text: &str) -> &str {
    let b = text.as_bytes();
    let start = b
        .iter()
        .position(|&c| !is_trimmed_space(c))
        .unwrap_or(b.len());
    if b.get(start).is_some_and(|c| !c.is_ascii()) {
        return text.trim_start();
    }
    &text[start..]
}

/// The offset of the first `needle` in `hay`, as `hay.find(needle)`, for
/// a needle known only at run time and looked for once (text quoted from
/// one part of a notice in another): the first places where the needle's
/// first byte occurs are compared directly, which finds a needle that
/// occurs early for less than the two-way searcher `find` builds costs to
/// set up (some thousand instructions for a needle of a hundred bytes).
/// After eight misses the searcher is built after all, for the rest of
/// `hay`, so the search stays linear.
pub fn find_once(hay: &str, needle: &str) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    let Some(&first) = n.first() else {
        return Some(0);
    };
    for (tried, at) in memchr::memchr_iter(first, h).enumerate() {
        if tried == 8 {
            // `at` holds the first byte of a character (the needle's), so
            // it is a character boundary; the places before it are ruled out.
            return hay[at..].find(needle).map(|p| at + p);
        }
        if h[at..].starts_with(n) {
            return Some(at);
        }
    }
    None
}

/// Whether `hay` contains `needle`, as `hay.contains(needle)`: see
/// [`find_once`].
pub fn contains_once(hay: &str, needle: &str) -> bool {
    find_once(hay, needle).is_some()
}

/// [`after_line_with`] for a marker kept in a static [`Needle`]: the same
/// text, the marker found by its searcher built once rather than by one
/// `str::find` builds on every call (more than the search itself costs for
/// a marker of some forty bytes).
pub fn after_line_with_needle<'t>(text: &'t str, marker: &Needle) -> Option<&'t str> {
    Some(after_line_at(text, marker.find(text)?))
}

/// The pieces of `text` between `"\n\n"`s, as `text.split("\n\n")` yields
/// them: each found by a searcher built once, where `split` builds a two-way
/// searcher for the call and reads the text a byte at a time.
pub fn split_blank_lines(text: &str) -> impl Iterator<Item = &str> + '_ {
    static BLANK: Needle = Needle::new("\n\n");
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let r = rest?;
        match BLANK.find(r) {
            Some(at) => {
                rest = Some(&r[at + 2..]);
                Some(&r[..at])
            }
            None => {
                rest = None;
                Some(r)
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_splitters_cut_as_the_standard_ones() {
        for t in [
            "",
            "\n",
            "\n\n",
            "a",
            "a\n",
            "a\nb",
            "a\r\nb\r\n",
            "a\r",
            "\r\n",
            "a\n\rb\r",
            "é\nü\r\n\r\n",
            "x\r\r\n",
        ] {
            assert_eq!(
                split_lf(t).collect::<Vec<_>>(),
                t.split('\n').collect::<Vec<_>>()
            );
            assert_eq!(
                split_inclusive_lf(t).collect::<Vec<_>>(),
                t.split_inclusive('\n').collect::<Vec<_>>()
            );
            assert_eq!(
                lines_lf(t).collect::<Vec<_>>(),
                t.lines().collect::<Vec<_>>(),
                "{t:?}"
            );
        }
    }

    #[test]
    fn needles_find_what_str_find_finds() {
        static N: Needle = Needle::new("ab");
        for hay in ["", "a", "ab", "xxab", "aab", "abab", "é ab", "ba"] {
            assert_eq!(N.find(hay), hay.find("ab"), "{hay:?}");
            assert_eq!(N.contains(hay), hay.contains("ab"));
        }
        assert_eq!(N.as_str(), "ab");
    }

    #[test]
    fn marked_lines_are_found_as_line_by_line() {
        fn plain(text: &str, markers: &[&str]) -> Option<usize> {
            let mut pos = 0;
            for line in text.split_inclusive('\n') {
                let t = line.trim_start().as_bytes();
                if markers
                    .iter()
                    .any(|m| t.len() >= m.len() && t[..m.len()].eq_ignore_ascii_case(m.as_bytes()))
                {
                    return Some(pos);
                }
                pos += line.len();
            }
            None
        }
        let shared = &["content-type: message/rfc822", "content-description: x"];
        let mixed = &["Reporting-MTA:", "Final-Recipient:"];
        let texts = [
            "",
            "content-type: message/rfc822",
            "a\n  Content-Type: message/rfc822\nb",
            "c content-type: message/rfc822\n",
            "ccc\ncontent-type: text/plain\n\u{a0}CONTENT-DESCRIPTION: X\n",
            "x\n\u{3000}content-type: message/rfc822\n",
            "\u{85}content-type: message/rfc822",
            "é\nReporting-MTA: dns; x\n final-recipient: a@b\n",
            "content-type: message/rfc82",
        ];
        for t in texts {
            assert_eq!(line_starting_with_ci(t, shared), plain(t, shared), "{t:?}");
            assert_eq!(line_starting_with_ci(t, mixed), plain(t, mixed), "{t:?}");
            let starts = t.split_inclusive('\n').any(|l| {
                l.get(..16)
                    .is_some_and(|h| h.eq_ignore_ascii_case("Final-Recipient:"))
            });
            assert_eq!(has_line_starting_ci(t, "Final-Recipient:"), starts, "{t:?}");
        }
    }

    #[test]
    fn continuations_and_case_insensitive_search() {
        let reply = "550-5.7.25 PTR record 550-5.7.25 setup,\n or 550 5.7.25 not";
        assert_eq!(
            strip_continuations(reply, false),
            "PTR record setup, or 550 5.7.25 not"
        );
        assert_eq!(strip_continuations(reply, true), "PTR record setup, or not");
        assert_eq!(find_ci("550 See GSMTP", "gsmtp"), Some(8));
        assert_eq!(find_ci("ab", "abc"), None);
        assert_eq!(find_ci("\u{e9}", ""), Some(0));
    }

    #[test]
    fn continuations_by_hand_match_the_regular_expressions() {
        // Random text made of the pieces that matter, both ways.
        let pieces = [
            "550", "450", "250", "5", "2", "4", "1", "12", "123", "1234", "-", " ", "  ", "#", ".",
            "a", "_", "\n", "5.7.1", "4.2.22", "550-", "550 ", "x", ".5", "\u{e9}", "\u{661}",
        ];
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..100_000 {
            let len = next() % 12 + 1;
            let text: String = (0..len)
                .map(|_| pieces[(next() % pieces.len() as u64) as usize])
                .collect();
            for spaced in [false, true] {
                assert_eq!(
                    strip_continuations(&text, spaced),
                    strip_continuations_unicode(&text, spaced),
                    "{text:?} {spaced}"
                );
            }
        }
        for text in [
            "550-5.7.1 a 550 #5.7.1 b 550 5.7.1234 c 4500-5.1.1 d 550-5.1.1a",
            "x550-5.1.1 _550-5.1.1 550-5.1.1_ 550-5.1.1. 550-5.1.1- 250-2.0.0",
            "550-5.1 550-5.1. 550-5..1 550- 5.1.1 550-#5.1.1 550  5.1.1 550-5.1.1",
            "\u{e9}550-5.1.1 550-5.1.1\u{e9} 550-5.1.\u{661} 550-5.1.1 \u{e9}",
            "\u{e9}t\u{e9} 550-5.1.1 ok 550-5.1.12\u{661} x",
        ] {
            for spaced in [false, true] {
                assert_eq!(
                    strip_continuations(text, spaced),
                    strip_continuations_unicode(text, spaced)
                );
            }
        }
    }

    #[test]
    fn words_are_split_as_split_whitespace_splits_them() {
        for text in [
            "",
            "  ",
            " a  b\t\nc \x0b d\x0c\re ",
            "\x1c x \u{a0} \u{3000}y",
            "one",
        ] {
            let mut out = String::new();
            push_words(&mut out, text);
            assert_eq!(out, text.split_whitespace().collect::<Vec<_>>().join(" "));
        }
        // Generated ASCII text, where runs of single spaces are copied whole,
        // appended to empty and to non-empty output.
        let mut seed = 11u32;
        // Longer texts and more bytes near the white space ones check the
        // eight-at-a-time search of `irregular_space`.
        let alphabet = b"ab  \t\n\rc \x0bd\x0c\x08\x0e\x1f\x7f!~xyz";
        for k in 0..20_000 {
            let len = (seed % if k < 500 { 24 } else { 90 }) as usize;
            let text: String = (0..len)
                .map(|_| {
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    let n = if k < 500 { 11 } else { alphabet.len() };
                    alphabet[(seed >> 16) as usize % n] as char
                })
                .collect();
            for before in ["", "x"] {
                let mut out = before.to_owned();
                push_words(&mut out, &text);
                let words: Vec<_> = before
                    .split_whitespace()
                    .chain(text.split_whitespace())
                    .collect();
                assert_eq!(out, words.join(" "), "{text:?}");
            }
        }
    }

    #[test]
    fn leading_header_blocks() {
        assert_eq!(
            leading_header_block("From: a\nTo: b\n\nbody").as_deref(),
            Some("From: a\nTo: b\n")
        );
        assert_eq!(leading_header_block("not a header\n\n"), None);
        // The first line of the text is the first line of the block.
        for t in [
            "",
            "\n\nA: b",
            "A: b",
            "A: b\nc",
            "A: b\n\n",
            ": b\n\n",
            "a b: c\n\n",
        ] {
            let end = t.find("\n\n").map_or(t.len(), |n| n + 1);
            let block = &t[..end];
            let want = block.lines().next().and_then(|first| {
                first
                    .split_once(':')
                    .is_some_and(|(name, _)| !name.is_empty() && !name.contains(' '))
                    .then(|| block.to_owned())
            });
            assert_eq!(leading_header_block(t), want, "{t:?}");
        }
    }

    #[test]
    fn newlines() {
        assert_eq!(&*normalize_newlines(b"a\r\nb\rc\n"), b"a\nb\nc\n");
        assert!(matches!(normalize_newlines(b"a\nb"), Cow::Borrowed(_)));
        assert_eq!(&*normalize_newlines(b"\r\r\n\r"), b"\n\n\n");
    }

    #[test]
    fn fields_and_groups() {
        let dsn = "Reporting-MTA: dns; mx.example.jp\nArrival-Date: Mon,\n  1 Jan 2024\n\nFinal-Recipient: rfc822; a@example.jp\nStatus: 5.1.1\n\n\nFinal-Recipient: rfc822; b@example.jp\n";
        let g = field_groups(dsn);
        assert_eq!(g.len(), 3);
        assert_eq!(field(&g[0], "arrival-date"), Some("Mon, 1 Jan 2024"));
        assert_eq!(
            field(&g[2], "Final-Recipient"),
            Some("rfc822; b@example.jp")
        );
    }

    #[test]
    fn addresses_in_text() {
        assert_eq!(
            find_address("550 <user@Example.JP>: User unknown"),
            Some("user@Example.JP")
        );
        assert_eq!(
            find_address("to user.name+tag@mail.example.co.jp."),
            Some("user.name+tag@mail.example.co.jp")
        );
        assert_eq!(find_address("no address here @ all"), None);
        assert_eq!(
            clean_address("rfc822; <User@EXAMPLE.jp>"),
            "User@example.jp"
        );
        assert_eq!(addresses("a@x.jp, b@y.jp").count(), 2);
        assert!(is_address("postmaster@localhost"));
    }

    /// The fast path of `clean_address_cow` gives what the general path
    /// gives, on addresses pieced together from right parts and near misses
    /// (the corpus's addresses are checked by the output gate).
    #[test]
    fn clean_address_fast_path_agrees_with_the_general_path() {
        let heads: &[&str] = &[
            "",
            " ",
            "\u{a0}",
            "<",
            "'",
            ".",
            "rfc822;",
            "\"",
            "é",
            "\u{2003}",
            "rfc822; ",
            " RFC822;\t",
            "a@b;",
            "<x;",
            "rfc822;\u{a0}",
            "rfc822; <",
            ";",
            "x;;",
            "rfc822;\u{85}",
        ];
        let locals: &[&str] = &[
            "user", "u.ser", "a+b", "ü", "x'y", "", "a b", "a.", "@", "q\"", "A",
        ];
        let ats: &[&str] = &["@", "", "@@", "@ ", ";@"];
        let domains: &[&str] = &[
            "example.jp",
            "EXAMPLE.jp",
            "localhost",
            "example",
            "ex_a-mple.org.",
            ".jp",
            "",
            "é.jp",
            "a.b;c",
            "x.y z",
            "ex.jp>",
        ];
        let tails: &[&str] = &["", " ", ">", ".", "'", "\u{a0}", "\n", ";", ",", "\u{85}"];
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut pick = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        for _ in 0..200_000 {
            let t = [heads, locals, ats, domains, tails]
                .iter()
                .map(|slot| slot[pick(slot.len())])
                .collect::<String>();
            assert_eq!(clean_address_cow(&t), clean_address_general(&t), "{t:?}");
        }
    }
}

/// Tests of the decoders' block.
#[cfg(test)]
mod decoder_block_tests {
    use super::*;

    #[test]
    fn blank_line_pieces_are_what_split_gives() {
        for t in [
            "",
            "\n",
            "\n\n",
            "\n\n\n",
            "a\n\nb",
            "a\n\n\nb\n\n",
            "\n\n\n\na",
            "a\nb\r\n\r\nc",
        ] {
            assert_eq!(
                split_blank_lines(t).collect::<Vec<_>>(),
                t.split("\n\n").collect::<Vec<_>>(),
                "{t:?}"
            );
        }
    }

    #[test]
    fn after_line_with_needle_is_after_line_with() {
        static MARKER: Needle = Needle::new("follows");
        for t in [
            "",
            "follows",
            "a\nfollows\nb",
            "follows more\n\nc",
            "x follows",
            "none",
        ] {
            assert_eq!(
                after_line_with_needle(t, &MARKER),
                after_line_with(t, "follows"),
                "{t:?}"
            );
        }
    }

    #[test]
    fn contains_once_finds_what_contains_finds() {
        let hay = "aaaaaaaaaaab said: 550 5.1.1 <a@b.jp>: aaab \u{e9}t\u{e9} x";
        for needle in [
            "",
            "a",
            "b",
            "ab",
            "aaab",
            "aaaaaaaaaab",
            "550 5.1.1",
            "x",
            "\u{e9}t",
            "zz",
            "xx",
            hay,
        ] {
            assert_eq!(
                contains_once(hay, needle),
                hay.contains(needle),
                "{needle:?}"
            );
            assert_eq!(find_once(hay, needle), hay.find(needle), "{needle:?}");
            assert_eq!(
                find_once(&hay[1..], needle),
                hay[1..].find(needle),
                "{needle:?}"
            );
        }
        assert!(!contains_once("", "a"));
        assert!(contains_once("", ""));
    }

    #[test]
    fn trim_start_fast_is_trim_start() {
        for text in [
            "",
            " ",
            "\t<a",
            " \u{a0}<a",
            "\u{3000}x",
            "\r\x0b\x0cx ",
            "  ",
            "x",
            " \u{e9}",
        ] {
            assert_eq!(trim_start_fast(text), text.trim_start(), "{text:?}");
        }
    }

    #[test]
    fn trim_fast_trims_as_trim_does() {
        for text in [
            "",
            " ",
            " \t\x0b\x0c\r\n",
            " a ",
            "\x0ba\x0b",
            "\u{a0}a\u{3000}",
            " \u{a0} ",
            "\u{e9} ",
            " \u{e9}",
            "a\x1c",
            "\x1ca",
            " a b ",
            "\u{85}x\u{85}",
        ] {
            assert_eq!(trim_fast(text), text.trim(), "{text:?}");
        }
    }
}
