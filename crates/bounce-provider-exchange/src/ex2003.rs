#![doc = include_str!("../docs/exchange2003.md")]

use bounce_core::text::{self, Needle};
use bounce_core::{Draft, Mail, ProviderMatcher, Reason, Report, Status};
use regex::Regex;
use std::sync::LazyLock;

/// The provider: Exchange 2003 and older.
pub(crate) struct Exchange2003;

/// `user@example.jp on Thu, 29 Apr 2007 16:51:51 -0500`, `user@example.jp on
/// 4/29/01 11:34:45 PM`, or an X.400 display name with the address as
/// `(SMTP=user@example.jp) on ...`.
static RECIPIENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:.*?\bSMTP=)?<?([^\s<>()]+@[^\s<>()]+?)>?\)?\s+on\s+\S")
        .expect("valid regex")
});

/// What [`RECIPIENT`] captures in `line` (its group 1), read by hand for
/// ASCII text: the expression's captures cost some twenty thousand
/// instructions a line, and it is built only for a line that is not ASCII.
///
/// By the expression's order of trying: `^\s*`, then the first `SMTP=` at a
/// word boundary (`.*?` does not cross a newline) after which the rest
/// matches, else the rest right after the leading white space. The rest is
/// `<?`, a run of characters other than white space and `<>()` that holds
/// an `@` with something on either side (the run is the capture: the lazy
/// domain can only end where the run does, since `\s` must follow), then
/// `>?\)?\s+on\s+\S`.
fn recipient_address(line: &str) -> Option<&str> {
    if !line.is_ascii() {
        // Unicode white space and word characters: the expression decides.
        return RECIPIENT
            .captures(line)
            .and_then(|c| c.get(1))
            .map(|m| m.as_str());
    }
    let b = line.as_bytes();
    let space = |c: u8| matches!(c, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r');
    let start = b.iter().position(|&c| !space(c)).unwrap_or(b.len());
    // `.*?` runs from there to the next newline (the leading white space
    // may hold newlines: `\s*` takes them).
    let first_line = memchr_newline(&b[start..]).map_or(b.len(), |n| start + n);
    let mut from = start;
    // The searcher built once: every recipient line is searched.
    static SMTP_AT: Needle = Needle::new("SMTP=");
    while let Some(off) = SMTP_AT.find(&line[from..first_line]) {
        let q = from + off;
        from = q + 1;
        let boundary = q == 0 || !(b[q - 1].is_ascii_alphanumeric() || b[q - 1] == b'_');
        if boundary {
            match address_at(line, q + "SMTP=".len()) {
                Ok(found) => return Some(found),
                // A later `SMTP=` inside the same run has a shorter part of
                // it before the same end, so it fails too: passing over
                // those keeps the search linear.
                Err(run) => from = from.max(run.saturating_sub("SMTP=".len())),
            }
        }
    }
    address_at(line, start).ok()
}

/// The position of the first newline of `b`.
fn memchr_newline(b: &[u8]) -> Option<usize> {
    b.iter().position(|&c| c == b'\n')
}

/// `<?([^\s<>()]+@[^\s<>()]+?)>?\)?\s+on\s+\S` anchored at `at` of an
/// ASCII `line`: the capture, else where the run of address characters
/// ends.
fn address_at(line: &str, at: usize) -> Result<&str, usize> {
    let b = line.as_bytes();
    let space = |c: u8| matches!(c, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r');
    let mut p = at;
    if b.get(p) == Some(&b'<') {
        p += 1;
    }
    let run = b[p..]
        .iter()
        .position(|&c| space(c) || matches!(c, b'<' | b'>' | b'(' | b')'))
        .map_or(b.len(), |n| p + n);
    if run < p + 3 || !b[p + 1..run - 1].contains(&b'@') {
        return Err(run);
    }
    let mut i = run;
    if b.get(i) == Some(&b'>') {
        i += 1;
    }
    if b.get(i) == Some(&b')') {
        i += 1;
    }
    let spaces = |from: usize| b[from..].iter().take_while(|&&c| space(c)).count();
    let n = spaces(i);
    if n == 0 || !b[i + n..].starts_with(b"on") {
        return Err(run);
    }
    let i = i + n + 2;
    let n = spaces(i);
    if n > 0 && i + n < b.len() {
        Ok(&line[p..run])
    } else {
        Err(run)
    }
}

/// The line above the recipients: IMS, IMC and Exchange 2003 (V6.5) wordings.
const HEADINGS: &[&str] = &[
    "did not reach the following recipient(s)",
    "recipient(s) could not be reached",
    "recipient(s) cannot be reached",
];

/// `MSEXCH:IMS:ORG:SITE:SERVER 0 (000C05A6) Unknown Recipient`: read by
/// [`msexch_code`]; the tests hold the two to the same captures.
#[cfg(test)]
static MSEXCH_CODE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\(([0-9A-Fa-f]{8})\)\s*(.*)$").expect("valid regex"));

/// The captures of `\(([0-9A-Fa-f]{8})\)\s*(.*)$`, read by hand (the
/// expression is costly to build): the code in parentheses and the rest of
/// the text, which must hold no newline after its leading whitespace.
fn msexch_code(text: &str) -> Option<(&str, &str)> {
    text.match_indices('(').find_map(|(at, _)| {
        let code = text.get(at + 1..at + 9)?;
        if !code.bytes().all(|b| b.is_ascii_hexdigit()) || !text[at + 9..].starts_with(')') {
            return None;
        }
        let said = text[at + 10..].trim_start();
        (!said.contains('\n')).then_some((code, said))
    })
}

/// The MSEXCH error codes that say the reason, with Sisimai's detail number
/// for a status derived from a reason.
const CODES: &[(&str, Reason, u16)] = &[
    ("000C05A6", Reason::UserUnknown, 911),   // Unknown Recipient
    ("000C0595", Reason::Filtered, 910),      // Ambiguous Recipient
    ("00010256", Reason::SystemError, 930),   // Too many recipients
    ("000D06B5", Reason::SystemError, 930),   // No proxy for recipient
    ("00120270", Reason::NetworkError, 944),  // Too Many Hops
    ("00050311", Reason::ContentError, 960),  // Conversion to Internet format failed
    ("000502CC", Reason::ContentError, 960),  // Conversion to Internet format failed
    ("000B0981", Reason::SecurityError, 970), // 502 Server does not support AUTH
];

impl ProviderMatcher for Exchange2003 {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        if !is_exchange(mail) {
            return None;
        }
        let body = mail.body();
        // Searchers built once: a candidate's lines are searched for each.
        static HEADING_AT: [Needle; 3] = [
            Needle::new(HEADINGS[0]),
            Needle::new(HEADINGS[1]),
            Needle::new(HEADINGS[2]),
        ];
        let start = text::lines_lf(body).position(|l| HEADING_AT.iter().any(|h| h.contains(l)))?;
        let lines: Vec<&str> = text::lines_lf(body).skip(start + 1).collect();
        let mut out = Vec::new();
        let mut i = 0;
        while i < lines.len() {
            // The expression needs an `@`: a line without one is passed
            // over without running it.
            let Some(addr) = recipient_address(lines[i]) else {
                i += 1;
                continue;
            };
            let end = (i + 1..lines.len())
                .find(|&j| lines[j].trim().is_empty() || recipient_address(lines[j]).is_some())
                .unwrap_or(lines.len());
            out.push(recipient(addr, &lines[i + 1..end]));
            i = end;
        }
        (!out.is_empty()).then(|| Report::new(out))
    }
}

/// The headers Exchange's IMS and IMC put on their reports.
fn is_exchange(mail: &Mail<'_>) -> bool {
    mail.headers().any(|(name, value)| {
        let name = name.to_ascii_lowercase();
        match name.as_str() {
            "x-ms-embedded-report" => true,
            "x-mailer" => {
                value.starts_with("Internet Mail Service (")
                    || value.starts_with("Microsoft Exchange Server Internet Mail Connector")
            }
            "x-mimeole" => value.starts_with("Produced By Microsoft Exchange"),
            "received" => value.contains(" with Internet Mail Service ("),
            _ => false,
        }
    })
}

/// One recipient from the lines under its `user@example.jp on <date>` line:
/// the explanation, then `MSEXCH:` and its code.
fn recipient(addr: &str, block: &[&str]) -> Draft {
    let mut d = Draft::new(addr);
    let mut words: Vec<&str> = Vec::new();
    let mut msexch = String::new();
    let mut in_mts_id = false;
    for line in block {
        let t = line.trim();
        if !msexch.is_empty() {
            // The MSEXCH line wrapped.
            msexch.push(' ');
            msexch.push_str(t);
        } else if t.starts_with("MSEXCH:") {
            msexch.push_str(t);
        } else if t.starts_with("The MTS-ID of the original message is:") {
            in_mts_id = true;
        } else if in_mts_id && t.starts_with(';') {
            // The X.400 identifier wraps onto a line of its own.
        } else {
            in_mts_id = false;
            words.push(t);
        }
    }
    if let Some((code, said)) = msexch_code(&msexch) {
        let code = code.to_ascii_uppercase();
        if let Some(&(_, reason, detail)) = CODES.iter().find(|(k, ..)| *k == code) {
            d.reason = Some(reason);
            d.rule = "exchange2003:msexch-code";
            d.status = Status::new(5, 0, detail);
        }
        words.push(said.trim());
    } else if !msexch.is_empty() {
        words.push(&msexch);
    }
    d.diagnosis = words
        .iter()
        .filter(|w| !w.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    if d.reason.is_some() {
        // A status the text gives (`<mx.example.jp #5.1.1>`) beats the derived one.
        if let Some(s) = Status::find(&d.diagnosis) {
            d.status = Some(s);
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn msexch_code_by_hand_matches_the_regular_expression() {
        for text in [
            "MSEXCH:IMS:ORG:SITE:SERVER 0 (000C05A6) Unknown Recipient",
            "(000C05A6)",
            "(000C05A6)\n x",
            "(000C05A6) a\nb (000C05A7) c",
            "(000C05A) (0000000G) (00000000)\u{3000}\u{e9}",
            "(\u{e9}0000000) ((12345678) x",
            "(123456789) (1234567)",
            "",
        ] {
            let by_regex = MSEXCH_CODE
                .captures(text)
                .map(|c| (c.get(1).unwrap().as_str(), c.get(2).unwrap().as_str()));
            assert_eq!(msexch_code(text), by_regex, "{text:?}");
        }
    }

    #[test]
    fn recipient_address_by_hand_matches_the_regular_expression() {
        fn by_regex(l: &str) -> Option<&str> {
            RECIPIENT
                .captures(l)
                .and_then(|c| c.get(1))
                .map(|m| m.as_str())
        }
        let pieces = [
            " ", "\t", "\n", "\x0b", "<", ">", "(", ")", "@", "a", "b.c", "SMTP=", "xSMTP=",
            "_SMTP=", ".SMTP=", " on ", "on", " on", "on ", "_", ".", "x@y", "\u{e9}", "\u{a0}",
            "\r", "(SMTP=", "@@", "on\t4",
        ];
        let mut sentences = bounce_testkit::Sentences::new(0x9e37_79b9_7f4a_7c15);
        for _ in 0..20_000 {
            let line = sentences.any_of(&pieces, 9);
            assert_eq!(recipient_address(&line), by_regex(&line), "{line:?}");
        }
        for line in [
            "kijitora@example.jp on Thu, 29 Apr 2010 00:00:00 -0000",
            "Neko Cat (SMTP=neko@example.org) on 4/29/01 11:34:45 PM",
            "Neko SMTP=x (SMTP=neko@example.org) on 4/29/01",
            "<a@b> on x",
            "<a@b>) on x",
            "a@b)> on x",
            "xSMTP=a@b on x",
            "SMTP=a@b on x",
            "a@ on x",
            "@a on x",
            "a@b on ",
            "a@b on\n x",
            "a@b\non x",
            "SMTP=\na@b on x",
            "  a@@ on x",
            "a@b onx",
        ] {
            assert_eq!(recipient_address(line), by_regex(line), "{line:?}");
        }
        // One long run read once, not once per `SMTP=` in it.
        let long = format!("x {} on", "SMTP=".repeat(200_000));
        assert_eq!(recipient_address(&long), by_regex(&long));
    }

    #[test]
    fn recipient_lines() {
        let m = |l: &str| RECIPIENT.captures(l).map(|c| c[1].to_owned());
        assert_eq!(
            m("kijitora@example.jp on Thu, 29 Apr 2010 00:00:00 -0000").as_deref(),
            Some("kijitora@example.jp")
        );
        assert_eq!(
            m("      user@example.com on 4/29/01 11:34:45 PM").as_deref(),
            Some("user@example.com")
        );
        assert_eq!(
            m("Neko Cat (SMTP=neko@example.org) on 4/29/01 11:34:45 PM").as_deref(),
            Some("neko@example.org")
        );
        assert_eq!(m("  To:      user@example.jp"), None);
        assert_eq!(m("    The recipient name is not recognized"), None);
    }

    #[test]
    fn msexch_codes() {
        let d = recipient(
            "a@example.jp",
            &[
                "    The recipient name is not recognized",
                "\tThe MTS-ID of the original message is: c=jp;a= ;p=x",
                ";l=EXCHANGE0000",
                "    MSEXCH:IMS:ORG:SITE:SERVER 0 (000C05A6) Unknown",
                "Recipient",
            ],
        );
        assert_eq!(d.reason, Some(Reason::UserUnknown));
        assert_eq!(d.status.map(|s| s.to_string()).as_deref(), Some("5.0.911"));
        assert_eq!(
            d.diagnosis,
            "The recipient name is not recognized Unknown Recipient"
        );
        let d = recipient(
            "a@example.jp",
            &[
                "      Recipient Not Found",
                "      MSEXCH:IMC:ORG:SITE:SERVER",
            ],
        );
        assert_eq!(d.reason, None);
        assert_eq!(
            d.diagnosis,
            "Recipient Not Found MSEXCH:IMC:ORG:SITE:SERVER"
        );
    }
}
