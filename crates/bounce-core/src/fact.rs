//! The model: what a decoder reports of one recipient ([`Draft`]), what it
//! reports of one message ([`Report`]), and the finished [`Fact`] serialised
//! under the field names Sisimai uses.

use crate::reason::Reason;
use crate::smtp::{Command, ReplyCode, Status};
use serde::Serialize;
use std::borrow::Cow;

/// One bounced recipient as a decoder saw it. Everything is optional but the
/// recipient; what is missing is derived later (status and reply code from the
/// diagnostic, reason from the classifier).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Draft {
    /// The failed address.
    pub recipient: String,
    /// The address as originally given, when it was rewritten (alias,
    /// forwarding, DSN Original-Recipient).
    pub alias: String,
    /// DSN action: failed, delayed, delivered, relayed, expanded.
    pub action: String,
    /// Enhanced status code, when the decoder read one from a structured place.
    pub status: Option<Status>,
    /// SMTP reply code, when the decoder read one from a structured place.
    pub replycode: Option<ReplyCode>,
    /// The remote server's words, or the bounce's own explanation.
    pub diagnosis: String,
    /// `SMTP`, `X-Unix`, ... as in a DSN Diagnostic-Code.
    pub diagnostictype: String,
    /// The SMTP command the failure answered.
    pub command: Option<Command>,
    /// The remote host that refused.
    pub rhost: String,
    /// The local host that reported.
    pub lhost: String,
    /// A reason the decoder is sure of (its own format says so).
    pub reason: Option<Reason>,
    /// Feedback type of an ARF report (abuse, fraud...).
    pub feedbacktype: String,
    /// A date for this recipient (Last-Attempt-Date, Arrival-Date), as written.
    pub date: String,
    /// Why the decoder chose its reason, when it set one.
    pub rule: &'static str,
}

impl Draft {
    /// A draft for `recipient`.
    pub fn new(recipient: impl Into<String>) -> Draft {
        Draft {
            recipient: recipient.into(),
            ..Draft::default()
        }
    }
}

/// What a decoder found in one message.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// One draft per failed recipient, in the order the bounce lists them.
    pub recipients: Vec<Draft>,
    /// The header block of the returned original when the decoder found it
    /// inline in the text (after "Below this line is a copy of the message"
    /// and the like). The MIME part is used when this is empty.
    pub original: Option<String>,
}

impl Report {
    /// A report of these recipients.
    pub fn new(recipients: Vec<Draft>) -> Report {
        Report {
            recipients,
            original: None,
        }
    }
}

/// Who and which rule decided a fact.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// The provider (or standard decoder) that decoded the message: its
    /// id, borrowed (a `Cow` so that no fact allocates a copy of it).
    pub decoder: Cow<'static, str>,
    /// The remote-host rule that refined the reason, if one did (its
    /// provider's id, borrowed).
    #[serde(skip_serializing_if = "str::is_empty")]
    pub rhost_rule: Cow<'static, str>,
    /// The rule that decided the reason.
    pub reason: String,
}

/// One bounced recipient, finished: what `bounce parse` prints. Field names
/// are Sisimai's; empty strings where nothing is known.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Fact {
    /// DSN action (failed, delayed, delivered...): one of those words
    /// borrowed, as a rule, or the report's own word lowercased.
    pub action: Cow<'static, str>,
    /// The sender of the original message.
    pub addresser: String,
    /// The recipient as originally addressed, if it was rewritten.
    pub alias: String,
    /// Enhanced status code (RFC 3463).
    pub deliverystatus: String,
    /// Domain part of the recipient.
    pub destination: String,
    /// The remote server's words (or the bounce's explanation).
    pub diagnosticcode: String,
    /// The type of the diagnostic (SMTP, X-Unix...).
    pub diagnostictype: String,
    /// ARF feedback type.
    pub feedbacktype: String,
    /// Whether the address should not be mailed again.
    pub hardbounce: bool,
    /// The reporting host.
    pub lhost: String,
    /// List-Id of the original message.
    pub listid: String,
    /// Message-ID of the original message.
    pub messageid: String,
    /// Where the message was read from (the path as given, `-` for stdin).
    pub origin: String,
    /// The reason, from the fixed vocabulary.
    pub reason: Reason,
    /// The failed recipient.
    pub recipient: String,
    /// SMTP reply code.
    pub replycode: String,
    /// The remote host that refused.
    pub rhost: String,
    /// Domain part of the addresser.
    pub senderdomain: String,
    /// The id of the provider or standard decoder that decoded the bounce
    /// (borrowed).
    pub smtpagent: Cow<'static, str>,
    /// The SMTP command the failure answered (its name, borrowed).
    pub smtpcommand: Cow<'static, str>,
    /// Subject of the original message.
    pub subject: String,
    /// When the bounce happened, Unix seconds.
    pub timestamp: i64,
    /// Offset of that time from UTC, `+0900`.
    pub timezoneoffset: String,
    /// SHA-1 of addresser, recipient and timestamp, as Sisimai computes it,
    /// so that the same bounce seen twice has the same token.
    pub token: String,
    /// How the fact was decided.
    pub evidence: Evidence,
}

/// Sisimai's token: SHA-1 over `\x02 addresser \x1e recipient \x1e timestamp \x03`.
pub fn token(addresser: &str, recipient: &str, timestamp: i64) -> String {
    if addresser.is_empty() || recipient.is_empty() {
        return String::new();
    }
    // The digest of `\x02addresser\x1erecipient\x1etimestamp\x03`, written
    // in hex without going through the formatter. The input is gathered on
    // the stack and fed at once: each `update` call costs more than copying
    // a short piece (seven calls were a fifth of the whole digest).
    let mut digits = [0u8; 20];
    let mut n = 0;
    let mut t = timestamp.unsigned_abs();
    loop {
        digits[n] = b'0' + (t % 10) as u8;
        n += 1;
        t /= 10;
        if t == 0 {
            break;
        }
    }
    digits[..n].reverse();
    let sign: &[u8] = if timestamp < 0 { b"-" } else { b"" };
    let parts: [&[u8]; 7] = [
        b"\x02",
        addresser.as_bytes(),
        b"\x1e",
        recipient.as_bytes(),
        b"\x1e",
        sign,
        &digits[..n],
    ];
    use sha1::Digest;
    let mut h = sha1::Sha1::new();
    let mut buf = [0u8; 256];
    let total: usize = parts.iter().map(|p| p.len()).sum::<usize>() + 1;
    if total <= buf.len() {
        let mut at = 0;
        for p in parts {
            buf[at..at + p.len()].copy_from_slice(p);
            at += p.len();
        }
        buf[at] = b'\x03';
        h.update(&buf[..total]);
    } else {
        // Very long addresses: fed in pieces, with the same digest.
        for p in parts {
            h.update(p);
        }
        h.update(b"\x03");
    }
    // The hex digits gathered on the stack and copied once.
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut hex = [0u8; 40];
    for (pair, b) in hex.chunks_exact_mut(2).zip(h.finalize()) {
        pair[0] = HEX[usize::from(b >> 4)];
        pair[1] = HEX[usize::from(b & 15)];
    }
    // Hex digits are ASCII: the conversion cannot fail.
    std::str::from_utf8(&hex)
        .map(str::to_owned)
        .unwrap_or_default()
}

/// The domain part of an address, lowercased. The `@` is found by
/// `memrchr` (a reverse character search cost twice as much, and this runs
/// twice per fact).
pub fn domain_of(addr: &str) -> String {
    let Some(at) = memchr::memrchr(b'@', addr.as_bytes()) else {
        return String::new();
    };
    // `@` is ASCII: `at + 1` is a character boundary.
    addr[at + 1..].trim_end_matches('>').to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_of_is_the_part_after_the_last_at() {
        for addr in [
            "",
            "a",
            "@",
            "a@",
            "a@b",
            "neko@Example.JP",
            "<neko@example.jp>",
            "a@b@C.d>>",
            "x@\u{e9}T\u{e9}.jp",
            "\u{e9}@",
        ] {
            assert_eq!(
                domain_of(addr),
                addr.rsplit_once('@')
                    .map(|(_, d)| d.trim_end_matches('>').to_ascii_lowercase())
                    .unwrap_or_default(),
                "{addr:?}"
            );
        }
    }

    #[test]
    fn token_is_stable_and_empty_without_parties() {
        let t = token("a@example.org", "b@example.jp", 1);
        assert_eq!(t.len(), 40);
        assert_eq!(t, token("a@example.org", "b@example.jp", 1));
        assert_ne!(t, token("a@example.org", "b@example.jp", 2));
        assert!(token("", "b@example.jp", 1).is_empty());
        for ts in [0, 7, -7, 1704070800, i64::MIN, i64::MAX] {
            let mut h = sha1_smol::Sha1::new();
            h.update(format!("\x02a@x.jp\x1eb@y.jp\x1e{ts}\x03").as_bytes());
            assert_eq!(token("a@x.jp", "b@y.jp", ts), h.digest().to_string());
        }
        // Around and past the stack buffer: the same digest as one piece.
        for len in [200, 230, 240, 250, 300, 1000] {
            let long = format!("{}@example.jp", "x".repeat(len));
            let mut h = sha1_smol::Sha1::new();
            h.update(format!("\x02a@x.jp\x1e{long}\x1e-5\x03").as_bytes());
            assert_eq!(token("a@x.jp", &long, -5), h.digest().to_string());
        }
    }

    #[test]
    fn fields_serialise_under_sisimai_names() {
        let v = serde_json::to_value(Fact::default()).unwrap();
        for key in [
            "action",
            "addresser",
            "alias",
            "deliverystatus",
            "destination",
            "diagnosticcode",
            "diagnostictype",
            "feedbacktype",
            "hardbounce",
            "lhost",
            "listid",
            "messageid",
            "origin",
            "reason",
            "recipient",
            "replycode",
            "rhost",
            "senderdomain",
            "smtpagent",
            "smtpcommand",
            "subject",
            "timestamp",
            "timezoneoffset",
            "token",
        ] {
            assert!(v.get(key).is_some(), "{key} missing");
        }
        assert_eq!(v["hardbounce"], serde_json::json!(false));
        assert_eq!(v["reason"], serde_json::json!("undefined"));
    }
}
