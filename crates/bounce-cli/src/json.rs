//! JSON of a [`Fact`] written straight into a byte buffer, without serde.
//!
//! `parse` prints one object per fact, and serde_json's generic path (a
//! `Serializer` over an `io::Write`, one call per key, comma and quote) cost
//! more than the rest of the output stage together. The writer here produces
//! exactly serde_json's bytes: the same field order as the derived
//! `Serialize` of [`Fact`] and [`Evidence`](bounce_core::Evidence), the same
//! escapes (`\"`, `\\`, `\b \f \n \r \t`, `\u00XX` with lowercase hex for the
//! other control characters, everything else as UTF-8), the same compact and
//! pretty (two-space) layouts. The tests compare the two on hostile strings
//! and on every field, so a field added to `Fact` without being added here
//! fails them.

use bounce_core::Fact;

/// Compact (`to_writer`) or pretty (`to_writer_pretty`) layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// One line, no spaces: serde_json's `to_writer`.
    Compact,
    /// Two-space indentation, `": "` after keys: serde_json's `to_writer_pretty`.
    Pretty,
}

/// Appends `fact` as a JSON object to `out`, byte for byte what serde_json
/// writes for it in `layout`.
pub fn write_fact(out: &mut Vec<u8>, fact: &Fact, layout: Layout) {
    // Room for the values as they are (an escape makes them longer, which
    // only costs a reallocation) and for the keys and punctuation, so that
    // the writes below need no reallocation.
    let f = fact;
    let values: [&str; 24] = [
        &f.action,
        &f.addresser,
        &f.alias,
        &f.deliverystatus,
        &f.destination,
        &f.diagnosticcode,
        &f.diagnostictype,
        &f.feedbacktype,
        &f.lhost,
        &f.listid,
        &f.messageid,
        &f.origin,
        &f.recipient,
        &f.replycode,
        &f.rhost,
        &f.senderdomain,
        &f.smtpagent,
        &f.smtpcommand,
        &f.subject,
        &f.timezoneoffset,
        &f.token,
        &f.evidence.decoder,
        &f.evidence.rhost_rule,
        &f.evidence.reason,
    ];
    out.reserve(values.iter().map(|v| v.len()).sum::<usize>() + 640);
    match layout {
        Layout::Compact => compact(out, fact),
        Layout::Pretty => {
            let mut obj = Object::begin(out, layout, 0);
            fact_fields(&mut obj, fact);
            obj.end();
        }
    }
}

/// The compact layout, written as runs of constant bytes between the
/// values: each run closes the previous value's quotes and opens the next
/// one's (`","addresser":"`), so that a field costs one copy of a constant
/// and one of its value, rather than a push per quote, comma and colon.
/// The order and the keys are those of [`fact_fields`].
fn compact(out: &mut Vec<u8>, f: &Fact) {
    let e = &f.evidence;
    put(out, b"{\"action\":\"", &f.action);
    put(out, b"\",\"addresser\":\"", &f.addresser);
    put(out, b"\",\"alias\":\"", &f.alias);
    put(out, b"\",\"deliverystatus\":\"", &f.deliverystatus);
    put(out, b"\",\"destination\":\"", &f.destination);
    put(out, b"\",\"diagnosticcode\":\"", &f.diagnosticcode);
    put(out, b"\",\"diagnostictype\":\"", &f.diagnostictype);
    put(out, b"\",\"feedbacktype\":\"", &f.feedbacktype);
    out.extend_from_slice(if f.hardbounce {
        b"\",\"hardbounce\":true"
    } else {
        b"\",\"hardbounce\":false"
    });
    put(out, b",\"lhost\":\"", &f.lhost);
    put(out, b"\",\"listid\":\"", &f.listid);
    put(out, b"\",\"messageid\":\"", &f.messageid);
    put(out, b"\",\"origin\":\"", &f.origin);
    put(out, b"\",\"reason\":\"", f.reason.as_str());
    put(out, b"\",\"recipient\":\"", &f.recipient);
    put(out, b"\",\"replycode\":\"", &f.replycode);
    put(out, b"\",\"rhost\":\"", &f.rhost);
    put(out, b"\",\"senderdomain\":\"", &f.senderdomain);
    put(out, b"\",\"smtpagent\":\"", &f.smtpagent);
    put(out, b"\",\"smtpcommand\":\"", &f.smtpcommand);
    put(out, b"\",\"subject\":\"", &f.subject);
    out.extend_from_slice(b"\",\"timestamp\":");
    integer(out, f.timestamp);
    put(out, b",\"timezoneoffset\":\"", &f.timezoneoffset);
    put(out, b"\",\"token\":\"", &f.token);
    put(out, b"\",\"evidence\":{\"decoder\":\"", &e.decoder);
    // `skip_serializing_if = "String::is_empty"` in the derive.
    if !e.rhost_rule.is_empty() {
        put(out, b"\",\"rhost_rule\":\"", &e.rhost_rule);
    }
    put(out, b"\",\"reason\":\"", &e.reason);
    out.extend_from_slice(b"\"}}");
}

/// Appends the constant `head`, then `value` escaped (without its quotes:
/// `head` and the next head hold them). Inlined so that each head's length
/// is a constant and its copy a few moves rather than a call.
#[inline(always)]
fn put(out: &mut Vec<u8>, head: &[u8], value: &str) {
    out.extend_from_slice(head);
    body(out, value);
}

/// The fields of a fact, in the order of its declaration (which is the order
/// serde's derive writes them in).
fn fact_fields(obj: &mut Object<'_>, f: &Fact) {
    obj.string("action", &f.action);
    obj.string("addresser", &f.addresser);
    obj.string("alias", &f.alias);
    obj.string("deliverystatus", &f.deliverystatus);
    obj.string("destination", &f.destination);
    obj.string("diagnosticcode", &f.diagnosticcode);
    obj.string("diagnostictype", &f.diagnostictype);
    obj.string("feedbacktype", &f.feedbacktype);
    obj.raw("hardbounce", if f.hardbounce { b"true" } else { b"false" });
    obj.string("lhost", &f.lhost);
    obj.string("listid", &f.listid);
    obj.string("messageid", &f.messageid);
    obj.string("origin", &f.origin);
    obj.string("reason", f.reason.as_str());
    obj.string("recipient", &f.recipient);
    obj.string("replycode", &f.replycode);
    obj.string("rhost", &f.rhost);
    obj.string("senderdomain", &f.senderdomain);
    obj.string("smtpagent", &f.smtpagent);
    obj.string("smtpcommand", &f.smtpcommand);
    obj.string("subject", &f.subject);
    obj.integer("timestamp", f.timestamp);
    obj.string("timezoneoffset", &f.timezoneoffset);
    obj.string("token", &f.token);
    obj.key("evidence");
    let e = &f.evidence;
    let mut inner = Object::begin(obj.out, obj.layout, obj.depth + 1);
    inner.string("decoder", &e.decoder);
    // `skip_serializing_if = "String::is_empty"` in the derive.
    if !e.rhost_rule.is_empty() {
        inner.string("rhost_rule", &e.rhost_rule);
    }
    inner.string("reason", &e.reason);
    inner.end();
}

/// An object being written: serde_json's `Formatter` calls for one map, done
/// by hand.
struct Object<'a> {
    out: &'a mut Vec<u8>,
    layout: Layout,
    /// Nesting level of this object (0 for the outermost).
    depth: usize,
    first: bool,
}

impl<'a> Object<'a> {
    fn begin(out: &'a mut Vec<u8>, layout: Layout, depth: usize) -> Object<'a> {
        out.push(b'{');
        Object {
            out,
            layout,
            depth,
            first: true,
        }
    }

    /// Writes the separator, the key and the colon of the next member.
    // Inlined so that the key's length is a constant and its copy a few
    // moves rather than a call.
    #[inline(always)]
    fn key(&mut self, key: &str) {
        match self.layout {
            Layout::Compact => {
                if !self.first {
                    self.out.push(b',');
                }
                self.out.push(b'"');
                self.out.extend_from_slice(key.as_bytes());
                self.out.extend_from_slice(b"\":");
            }
            Layout::Pretty => {
                self.out
                    .extend_from_slice(if self.first { b"\n" } else { b",\n" });
                self.indent(self.depth + 1);
                self.out.push(b'"');
                self.out.extend_from_slice(key.as_bytes());
                self.out.extend_from_slice(b"\": ");
            }
        }
        self.first = false;
    }

    #[inline(always)]
    fn string(&mut self, key: &str, value: &str) {
        self.key(key);
        escaped(self.out, value);
    }

    #[inline(always)]
    fn raw(&mut self, key: &str, value: &[u8]) {
        self.key(key);
        self.out.extend_from_slice(value);
    }

    #[inline(always)]
    fn integer(&mut self, key: &str, value: i64) {
        self.key(key);
        integer(self.out, value);
    }

    fn end(mut self) {
        if self.layout == Layout::Pretty && !self.first {
            self.out.push(b'\n');
            self.indent(self.depth);
        }
        self.out.push(b'}');
    }

    fn indent(&mut self, level: usize) {
        for _ in 0..level {
            self.out.extend_from_slice(b"  ");
        }
    }
}

/// Appends `value` in decimal, as serde_json writes an integer: two
/// digits at a time (a timestamp has ten).
fn integer(out: &mut Vec<u8>, value: i64) {
    const PAIRS: &[u8; 200] = b"\
        0001020304050607080910111213141516171819\
        2021222324252627282930313233343536373839\
        4041424344454647484950515253545556575859\
        6061626364656667686970717273747576777879\
        8081828384858687888990919293949596979899";
    let mut digits = [0u8; 20];
    let mut n = digits.len();
    let mut v = value.unsigned_abs();
    while v >= 100 {
        let k = (v % 100) as usize * 2;
        v /= 100;
        n -= 2;
        digits[n..n + 2].copy_from_slice(&PAIRS[k..k + 2]);
    }
    if v >= 10 {
        let k = v as usize * 2;
        n -= 2;
        digits[n..n + 2].copy_from_slice(&PAIRS[k..k + 2]);
    } else {
        n -= 1;
        digits[n] = b'0' + v as u8;
    }
    if value < 0 {
        out.push(b'-');
    }
    out.extend_from_slice(&digits[n..]);
}

/// Appends `s` as a JSON string, escaped as serde_json escapes it.
#[inline(always)]
fn escaped(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    body(out, s);
    out.push(b'"');
}

/// Appends `s` escaped, without quotes. Most values (addresses, hosts,
/// codes) need no escape at all: one scan of the whole value, then one
/// copy; otherwise the scan goes on from the first byte that needs one.
#[inline(always)]
fn body(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    // Many fields are empty (no alias, no list, no feedback type).
    if bytes.is_empty() {
        return;
    }
    match first_escape(bytes) {
        None => out.extend_from_slice(bytes),
        Some(at) => escape_from(out, bytes, at),
    }
}

/// The offset of the first byte of `bytes` that needs an escape: eight
/// bytes at a time, the last eight (overlapping) for the rest; a short
/// value byte by byte.
fn first_escape(bytes: &[u8]) -> Option<usize> {
    let Some(last) = bytes.last_chunk::<8>() else {
        let plain = |b: &u8| *b >= 0x20 && *b != b'"' && *b != b'\\';
        return bytes.iter().position(|b| !plain(b));
    };
    let mut at = 0;
    for word in bytes.chunks_exact(8) {
        if let Ok(w) = <[u8; 8]>::try_from(word) {
            let m = escape_mask(u64::from_le_bytes(w));
            if m != 0 {
                return Some(at + (m.trailing_zeros() / 8) as usize);
            }
        }
        at += 8;
    }
    // The bytes of the last eight that the loop saw are plain, so the
    // first one marked is past them.
    let m = escape_mask(u64::from_le_bytes(*last));
    (m != 0).then(|| bytes.len() - 8 + (m.trailing_zeros() / 8) as usize)
}

/// Appends `bytes`, of which `at` is the first byte that needs an escape,
/// with every such byte escaped.
fn escape_from(out: &mut Vec<u8>, bytes: &[u8], mut at: usize) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut start = 0;
    loop {
        out.extend_from_slice(&bytes[start..at]);
        let b = bytes[at];
        let short: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            0x08 => b"\\b",
            0x0c => b"\\f",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            _ => &[],
        };
        if short.is_empty() {
            out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(b >> 4)],
                HEX[usize::from(b & 15)],
            ]);
        } else {
            out.extend_from_slice(short);
        }
        start = at + 1;
        match first_escape(&bytes[start..]) {
            Some(next) => at = start + next,
            None => break,
        }
    }
    out.extend_from_slice(&bytes[start..]);
}

/// The high bit of each of the eight bytes of `w` that is a control
/// character, `"` or `\` (the classic "has a zero byte" and "has a byte
/// less than n" tricks; bytes of 0x80 and above never count, so UTF-8
/// passes through). A marked byte above a marked one may be a false
/// mark, but the lowest mark is always exact.
fn escape_mask(w: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let has_zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    let below_space = w.wrapping_sub(ONES * 0x20) & !w & HIGH;
    let quote = has_zero(w ^ (ONES * u64::from(b'"')));
    let backslash = has_zero(w ^ (ONES * u64::from(b'\\')));
    below_space | quote | backslash
}

#[cfg(test)]
mod tests {
    use super::*;
    use bounce_core::{Evidence, Reason};

    /// Every character that escapes differently, mixed with UTF-8 and plain
    /// runs of every length around the eight-byte step.
    fn samples() -> Vec<String> {
        let mut v: Vec<String> = vec![
            String::new(),
            "a".into(),
            "\"".into(),
            "\\".into(),
            "plain text of some length, more than eight bytes".into(),
            "日本語のメッセージ \u{7f} \u{80} \u{ffff} 🎉".into(),
            "tab\there\r\nnew line \u{8}\u{c}\u{0}\u{1f}\u{1b}[0m".into(),
        ];
        for b in 0u8..0x80 {
            v.push(format!(
                "{}{}{}",
                "x".repeat(usize::from(b) % 11),
                b as char,
                "y".repeat(usize::from(b) % 7)
            ));
        }
        v.push((0u8..0x80).map(char::from).collect());
        v
    }

    fn fact(s: &str, n: i64, k: usize) -> Fact {
        Fact {
            action: s.to_owned().into(),
            addresser: format!("{s}@example.org"),
            alias: s.into(),
            deliverystatus: "5.1.1".into(),
            destination: s.into(),
            diagnosticcode: format!("550 {s} {s}"),
            diagnostictype: s.into(),
            feedbacktype: s.into(),
            hardbounce: n % 2 == 0,
            lhost: s.into(),
            listid: s.into(),
            messageid: s.into(),
            origin: s.into(),
            reason: Reason::ALL[k % Reason::ALL.len()],
            recipient: s.into(),
            replycode: s.into(),
            rhost: s.into(),
            senderdomain: s.into(),
            smtpagent: s.to_owned().into(),
            smtpcommand: s.to_owned().into(),
            subject: s.into(),
            timestamp: n,
            timezoneoffset: s.into(),
            token: s.into(),
            evidence: Evidence {
                decoder: s.to_owned().into(),
                rhost_rule: if n % 3 == 0 {
                    Default::default()
                } else {
                    s.to_owned().into()
                },
                reason: s.into(),
            },
        }
    }

    #[test]
    fn same_bytes_as_serde_json() {
        let stamps = [0, 1, -1, 9, 10, -10, 1_704_070_800, i64::MIN, i64::MAX];
        let mut facts = vec![Fact::default()];
        for (k, s) in samples().iter().enumerate() {
            facts.push(fact(s, stamps[k % stamps.len()] ^ k as i64, k));
        }
        for f in &facts {
            let mut ours = Vec::new();
            write_fact(&mut ours, f, Layout::Compact);
            assert_eq!(
                String::from_utf8_lossy(&ours),
                serde_json::to_string(f).unwrap()
            );
            ours.clear();
            write_fact(&mut ours, f, Layout::Pretty);
            assert_eq!(
                String::from_utf8_lossy(&ours),
                serde_json::to_string_pretty(f).unwrap()
            );
        }
    }
}
