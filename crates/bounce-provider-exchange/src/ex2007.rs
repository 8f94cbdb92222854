#![doc = include_str!("../docs/exchange2007.md")]

use bounce_core::standard::rfc3464;
use bounce_core::text::{self, Needle};
use bounce_core::{Draft, Mail, ProviderMatcher, Reason, ReplyCode, Report, Status};
use regex::Regex;
use std::sync::LazyLock;

/// The provider: Exchange 2007 and later.
pub(crate) struct Exchange2007;

/// The heading of the section this decoder reads, by language.
const DIAGNOSTIC: &[&str] = &[
    "Diagnostic information for administrators",
    "Informations de diagnostic pour les administrateurs",
    "Informazioni di diagnostica per gli amministratori",
];

/// The heading of the returned headers, which ends the section.
const ORIGINAL: &[&str] = &[
    "Original message headers:",
    "tes de message d'origine",
    "Intestazioni originali del messaggio",
];

/// The server that wrote the report, by language.
const GENERATING: &[&str] = &[
    "Generating server:",
    "Serveur de génération",
    "Server di generazione:",
];

/// The server that refused, when Exchange relayed (English only is known).
const RECEIVING: &str = "Receiving server:";

/// A reply with its status (`550 5.1.1`) ...
static REPLY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b([45]\d{2})[ -]([245]\.\d{1,3}\.\d{1,3})\b").expect("valid regex")
});

/// ... or a reply code alone (`#550`, `returned '< #5.0.0 smtp; 550 Requested ...`).
static BARE_REPLY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|[\s'#;])([45]\d{2})(?:\s|$)").expect("valid regex"));

/// The Exchange error name in a reply (`RESOLVER.ADR.RecipNotFound;`).
static ERROR_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b((?:RESOLVER|QUEUE|SMTPSEND)\.[A-Za-z]+(?:\.[A-Za-z]+)?);").expect("valid regex")
});

// The three expressions above are read by hand in ASCII text, with the
// same captures (`\b`, `\s` and `\d` are then the ASCII ones); they are
// costly to build and used only for other text.

/// Whether `b` is a word character (`\w`) of ASCII text.
fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The length of the run at `from` of bytes that `f` accepts.
fn run(b: &[u8], from: usize, f: impl Fn(u8) -> bool) -> usize {
    b.get(from..)
        .map_or(0, |r| r.iter().take_while(|&&c| f(c)).count())
}

/// The captures of [`REPLY`]: the reply code and the status.
fn reply_and_status(line: &str) -> Option<(&str, &str)> {
    if !line.is_ascii() {
        let c = REPLY.captures(line)?;
        return Some((c.get(1)?.as_str(), c.get(2)?.as_str()));
    }
    let b = line.as_bytes();
    (0..b.len()).find_map(|i| {
        let at = |k: usize| b.get(i + k).copied();
        if !matches!(b[i], b'4' | b'5') || (i > 0 && is_word(b[i - 1])) {
            return None;
        }
        if !at(1)?.is_ascii_digit() || !at(2)?.is_ascii_digit() || !matches!(at(3)?, b' ' | b'-') {
            return None;
        }
        if !matches!(at(4)?, b'2' | b'4' | b'5') || at(5)? != b'.' {
            return None;
        }
        let subject = run(b, i + 6, |c| c.is_ascii_digit());
        if !(1..=3).contains(&subject) || at(6 + subject)? != b'.' {
            return None;
        }
        let from = i + 7 + subject;
        let detail = run(b, from, |c| c.is_ascii_digit());
        let end = from + detail;
        if !(1..=3).contains(&detail) || b.get(end).is_some_and(|&c| is_word(c)) {
            return None;
        }
        Some((&line[i..i + 3], &line[i + 4..end]))
    })
}

/// The capture of [`BARE_REPLY`]: the reply code.
fn bare_reply(line: &str) -> Option<&str> {
    if !line.is_ascii() {
        return Some(BARE_REPLY.captures(line)?.get(1)?.as_str());
    }
    let b = line.as_bytes();
    let code_at = |d: usize| {
        let code = b.get(d..d + 3)?;
        let ends = b
            .get(d + 3)
            .is_none_or(|&c| c.is_ascii_whitespace() || c == 0x0b);
        (matches!(code[0], b'4' | b'5')
            && code[1].is_ascii_digit()
            && code[2].is_ascii_digit()
            && ends)
            .then(|| &line[d..d + 3])
    };
    (0..b.len()).find_map(|s| {
        let after_start = if s == 0 { code_at(0) } else { None };
        after_start.or_else(|| {
            let sep = b[s].is_ascii_whitespace() || matches!(b[s], 0x0b | b'\'' | b'#' | b';');
            if sep {
                code_at(s + 1)
            } else {
                None
            }
        })
    })
}

/// The capture of [`ERROR_NAME`]: `RESOLVER.ADR.RecipNotFound`.
fn error_name(line: &str) -> Option<&str> {
    if !line.is_ascii() {
        return Some(ERROR_NAME.captures(line)?.get(1)?.as_str());
    }
    let b = line.as_bytes();
    (0..b.len()).find_map(|i| {
        if i > 0 && is_word(b[i - 1]) {
            return None;
        }
        let rest = &line[i..];
        let lead = ["RESOLVER.", "QUEUE.", "SMTPSEND."]
            .into_iter()
            .find(|p| rest.starts_with(p))?;
        let letters = |from: usize| run(b, from, |c| c.is_ascii_alphabetic());
        let first = i + lead.len();
        let mut end = first + letters(first);
        if end == first {
            return None;
        }
        if b.get(end) == Some(&b'.') {
            let more = letters(end + 1);
            if more == 0 {
                return None;
            }
            end += 1 + more;
        }
        (b.get(end) == Some(&b';')).then(|| &line[i..end])
    })
}

/// Exchange error names that say the reason, with Sisimai's detail number for
/// a status derived from a reason.
const ERRORS: &[(&str, Reason, u16)] = &[
    ("RESOLVER.ADR.RecipNotFound", Reason::UserUnknown, 911),
    ("RESOLVER.ADR.RecipientNotFound", Reason::UserUnknown, 911),
    ("RESOLVER.ADR.ExRecipNotFound", Reason::UserUnknown, 911),
    ("RESOLVER.ADR.BadPrimary", Reason::SystemError, 930),
    ("RESOLVER.ADR.InvalidInSmtp", Reason::SystemError, 930),
    ("RESOLVER.ADR.Ambiguous", Reason::SystemError, 930),
    ("RESOLVER.ADR.RecipLimit", Reason::RateLimited, 972),
    ("RESOLVER.RST.AuthRequired", Reason::SecurityError, 970),
    ("RESOLVER.RST.NotAuthorized", Reason::Rejected, 918),
    ("RESOLVER.RST.RecipSizeLimit", Reason::EmailTooLarge, 934),
    ("QUEUE.Expired", Reason::Expired, 947),
    ("SMTPSEND.DNS.NonExistentDomain", Reason::HostUnknown, 912),
    ("SMTPSEND.DNS.MxLoopback", Reason::NetworkError, 944),
];

impl ProviderMatcher for Exchange2007 {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        if !is_exchange(mail) {
            return None;
        }
        let body = mail.body();
        let start = body
            .lines()
            .position(|l| DIAGNOSTIC.iter().any(|m| l.trim_start().starts_with(m)))?;
        let mut lhost = String::new();
        let mut rhost = String::new();
        let mut out: Vec<Draft> = Vec::new();
        // Searchers built once, where `str::contains` builds one per line.
        static ORIGINAL_AT: [Needle; 3] = [
            Needle::new(ORIGINAL[0]),
            Needle::new(ORIGINAL[1]),
            Needle::new(ORIGINAL[2]),
        ];
        const _: () = assert!(ORIGINAL.len() == 3, "one searcher per marker");
        for line in body.lines().skip(start + 1) {
            let t = line.trim();
            if ORIGINAL_AT.iter().any(|m| m.contains(t)) {
                break;
            }
            if t.is_empty() {
                continue;
            }
            if let Some(v) = value_after(t, GENERATING) {
                lhost = first_word(v);
            } else if let Some(v) = value_after(t, &[RECEIVING]) {
                rhost = first_word(v);
            } else if text::is_address(t) {
                let mut d = Draft::new(t);
                d.lhost.clone_from(&lhost);
                d.rhost.clone_from(&rhost);
                out.push(d);
            } else if let Some(d) = out.last_mut() {
                reply_line(d, t);
            }
        }
        if out.is_empty() {
            return None;
        }
        let dsn = mail.dsn().map(rfc3464::recipients).unwrap_or_default();
        for d in &mut out {
            finish(d);
            if let Some(g) = dsn
                .iter()
                .find(|g| g.recipient.eq_ignore_ascii_case(&d.recipient))
            {
                d.action.clone_from(&g.action);
                d.alias.clone_from(&g.alias);
            }
        }
        Some(Report::new(out))
    }
}

/// An Exchange NDR that is not Office 365's (Exchange Online writes the same
/// section; its tenant headers give it away and another decoder reads it).
fn is_exchange(mail: &Mail<'_>) -> bool {
    let mut ours = false;
    for (name, value) in mail.headers() {
        let name = name.to_ascii_lowercase();
        if name.starts_with("x-ms-exchange-crosstenant-") {
            return false;
        }
        ours |= name == "x-ms-exchange-message-is-ndr"
            || name == "content-language" && is_language_tag(&value);
    }
    ours
}

/// `en`, `en-US`: the Content-Language Exchange puts on its reports.
fn is_language_tag(v: &str) -> bool {
    let b = v.as_bytes();
    let lang = |s: &[u8]| s.iter().all(u8::is_ascii_lowercase);
    match b.len() {
        2 => lang(b),
        5 => lang(&b[..2]) && b[2] == b'-' && b[3..].iter().all(u8::is_ascii_uppercase),
        _ => false,
    }
}

/// The value after one of the labels, if the line starts with one.
fn value_after<'t>(line: &'t str, labels: &[&str]) -> Option<&'t str> {
    labels
        .iter()
        .find_map(|l| line.strip_prefix(l))
        .map(|v| v.trim_start_matches([' ', ':']).trim())
}

fn first_word(v: &str) -> String {
    v.split_whitespace().next().unwrap_or("").to_owned()
}

/// A line under a recipient: a reply, or more text about the reply before.
/// Exchange lists its attempts newest first; the last reply read is the one
/// kept (codes and words), as Sisimai keeps it, but an Exchange error name in
/// any of them says the reason.
fn reply_line(d: &mut Draft, line: &str) {
    let line = line.trim_start_matches('#').trim_end_matches('#').trim();
    if let Some((reply, status)) =
        reply_and_status(line).or_else(|| bare_reply(line).map(|r| (r, "")))
    {
        d.replycode = ReplyCode::parse(reply);
        d.status = Status::parse(status);
        d.diagnosis.clear();
    } else if !d.diagnosis.is_empty() {
        d.diagnosis.push(' ');
    }
    d.diagnosis.push_str(line);
    if d.reason.is_none() {
        let name = error_name(line).unwrap_or("");
        if let Some(&(_, reason, _)) = ERRORS.iter().find(|(n, ..)| n.eq_ignore_ascii_case(name)) {
            d.reason = Some(reason);
            d.rule = "exchange2007:error-name";
        }
    }
}

/// Once all the replies are read: a status derived from the reason when no
/// reply gave one.
fn finish(d: &mut Draft) {
    let Some(reason) = d.reason else { return };
    if d.status.is_none() && Status::find(&d.diagnosis).is_none() {
        if let Some(&(.., detail)) = ERRORS.iter().find(|(_, r, _)| *r == reason) {
            d.status = Status::new(5, 0, detail);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bounce_testkit::by_regex;

    #[test]
    fn hand_readers_match_the_regular_expressions() {
        let mut sentences = bounce_testkit::Sentences::new(0x9e37_79b9_7f4a_7c15);
        let slots: [&[&str]; 9] = [
            &["", "x", "#", "'", ";", " ", "\x0b", "a_"],
            &[
                "550",
                "450",
                "4500",
                "55",
                "250",
                "RESOLVER.",
                "QUEUE.",
                "SMTPSEND.",
                "resolver.",
            ],
            &[" ", "-", "", "\t", "x", "ADR", "Expired"],
            &[
                "5.1.1",
                "4.4.7",
                "2.0.0",
                "5.1.1234",
                "5.1",
                "5..1",
                "3.1.1",
                ".RecipNotFound",
                ".",
            ],
            &["", " ", "a", "_", ".", ";", "\n", "1"],
            &["", "RESOLVER.ADR.X;", " 550 5.1.1", "#550", ";"],
            &["", "'", " ", "x"],
            &["554", "", "5.7.1", "QUEUE.Expired;"],
            &["", " ", "x", ";"],
        ];
        for _ in 0..200_000 {
            let line: String = sentences.fill(&slots);
            assert_eq!(
                reply_and_status(&line).map(|(a, b)| [a.to_owned(), b.to_owned()]),
                by_regex::<2>(&REPLY, &line),
                "{line:?}"
            );
            assert_eq!(
                bare_reply(&line).map(str::to_owned),
                by_regex::<1>(&BARE_REPLY, &line).map(|[c]| c),
                "{line:?}"
            );
            assert_eq!(
                error_name(&line).map(str::to_owned),
                by_regex::<1>(&ERROR_NAME, &line).map(|[c]| c),
                "{line:?}"
            );
        }
    }

    #[test]
    fn replies() {
        let mut d = Draft::new("a@example.jp");
        reply_line(
            &mut d,
            "#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##",
        );
        finish(&mut d);
        assert_eq!(d.replycode.map(|r| r.get()), Some(550));
        assert_eq!(d.status.map(|s| s.to_string()).as_deref(), Some("5.1.1"));
        assert_eq!(d.reason, Some(Reason::UserUnknown));
        assert_eq!(
            d.diagnosis,
            "550 5.1.1 RESOLVER.ADR.RecipNotFound; not found"
        );

        let mut d = Draft::new("a@example.jp");
        reply_line(&mut d, "1/1/2020 8:05:56 PM - Remote Server at mx (192.0.2.1) returned '550 4.4.7 QUEUE.Expired; message expired'");
        reply_line(&mut d, "1/1/2020 7:58:27 PM - Remote Server at mx (192.0.2.1) returned '441 4.4.1 Error encountered'");
        finish(&mut d);
        assert_eq!(d.status.map(|s| s.to_string()).as_deref(), Some("4.4.1"));
        assert!(d.diagnosis.starts_with("1/1/2020 7:58:27 PM"));
        assert_eq!(d.reason, Some(Reason::Expired));

        let mut d = Draft::new("a@example.jp");
        reply_line(&mut d, "Remote Server returned '< #5.0.0 smtp; 550 Requested action not taken: mailbox unavailable>'");
        finish(&mut d);
        assert_eq!(d.replycode.map(|r| r.get()), Some(550));
        assert_eq!(d.status, None);
        assert_eq!(d.reason, None);
        assert!(d.diagnosis.ends_with("mailbox unavailable>'"));

        let mut d = Draft::new("a@example.jp");
        reply_line(&mut d, "#550 RESOLVER.ADR.RecipNotFound; not found ##");
        finish(&mut d);
        assert_eq!(d.status.map(|s| s.to_string()).as_deref(), Some("5.0.911"));
    }

    #[test]
    fn language_tags() {
        assert!(is_language_tag("en-US"));
        assert!(is_language_tag("it"));
        assert!(!is_language_tag("en_us"));
        assert!(!is_language_tag("english"));
    }
}
