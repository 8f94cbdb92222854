//! Gmail's "Delivery Status Notification" in its older plain-text form
//! ("Delivery to the following recipient failed permanently:", then
//! "Technical details of permanent failure:"), and the newer form when it
//! comes without Google's `X-Gm-Message-State` header (see [`crate::notice`]).

use crate::{from_google_daemon, notice, split_original};
use bounce_core::dispatch::squeeze;
use bounce_core::text::Needle;
use bounce_core::{text, Command, Draft, Mail, ProviderMatcher, Reason, Report, Status};
use regex::Regex;
use std::sync::LazyLock;

/// The `gmail` provider.
pub(crate) struct Gmail;

impl ProviderMatcher for Gmail {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        if !from_google_daemon(mail) {
            return None;
        }
        if let Some(report) = decode_plain(mail) {
            return Some(report);
        }
        if mail.header("X-Gm-Message-State").is_none() {
            return notice::decode(mail);
        }
        None
    }
}

/// Where the list of recipients starts: "Delivery to the following
/// recipient(s) failed permanently:" or "... has been delayed:".
const START: &str = "Delivery to the following recipient";
/// Where Gmail's explanation starts.
const DETAILS: &[&str] = &[
    "Technical details of permanent failure:",
    "Technical details of temporary failure:",
];
/// What precedes the remote server's own words.
const SERVER_SAID: &str = "The error that the other server returned was:";

/// The reason and SMTP command that Gmail's `(state N)` suffix stands for: the
/// point of the SMTP session at which the receiving server gave up.
fn state(n: u32) -> Option<(Reason, Command, &'static str)> {
    Some(match n {
        6 => (
            Reason::FailedStartTls,
            Command::Mail,
            "gmail:state-6-no-tls",
        ),
        8 | 9 => (Reason::SystemError, Command::Auth, "gmail:state-8-9-auth"),
        12 => (Reason::NoRelaying, Command::Auth, "gmail:state-12-relay"),
        13 => (Reason::Blocked, Command::Ehlo, "gmail:state-13-ehlo"),
        14 => (Reason::UserUnknown, Command::Rcpt, "gmail:state-14-rcpt"),
        15 | 17 | 18 => (Reason::Filtered, Command::Data, "gmail:state-15-18-data"),
        _ => return None,
    })
}

/// Gmail's own explanations when no SMTP reply was received.
const EXPLANATIONS: &[(&str, Reason, &str)] = &[
    (
        "DNS Error: Domain name not found",
        Reason::HostUnknown,
        "gmail:dns-domain-not-found",
    ),
    (
        "DNS Error: DNS server returned answer with no data",
        Reason::HostUnknown,
        "gmail:dns-no-data",
    ),
    (
        "DNS Error: Could not contact DNS servers",
        Reason::Expired,
        "gmail:dns-unreachable",
    ),
    (
        "The recipient server did not accept our requests to connect",
        Reason::Expired,
        "gmail:no-connection",
    ),
];

static STATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\(state (\d+)\)").expect("valid regex"));
static BY_HOST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\sby\s+([^\s\[\]]+?)\.?\s+\[(\d{1,3}(?:\.\d{1,3}){3})\]").expect("valid regex")
});

// The two expressions above are read by hand in ASCII text, with the same
// captures (`\s` and `\d` are then the ASCII classes); they are costly to
// build and used only for other text.

/// The digits of [`STATE`]: `(state 14)` → `14`.
fn state_code(text: &str) -> Option<&str> {
    if !text.is_ascii() {
        return STATE.captures(text)?.get(1).map(|m| m.as_str());
    }
    const LEAD: &str = "(state ";
    // The occurrences `match_indices` gives, found by a searcher built
    // once rather than one built per call.
    static LEAD_AT: Needle = Needle::new(LEAD);
    let mut from = 0;
    while let Some(off) = LEAD_AT.find(&text[from..]) {
        let rest = &text[from + off + LEAD.len()..];
        let n = rest.bytes().take_while(u8::is_ascii_digit).count();
        if n > 0 && rest[n..].starts_with(')') {
            return Some(&rest[..n]);
        }
        from += off + LEAD.len();
    }
    None
}

/// The captures of [`BY_HOST`]: the host and its address.
fn by_host(text: &str) -> Option<[&str; 2]> {
    if !text.is_ascii() {
        let c = BY_HOST.captures(text)?;
        return Some([1, 2].map(|i| c.get(i).map_or("", |m| m.as_str())));
    }
    let b = text.as_bytes();
    let space = |i: usize| {
        b.get(i)
            .is_some_and(|c| c.is_ascii_whitespace() || *c == 0x0b)
    };
    let run =
        |from: usize, f: &dyn Fn(usize) -> bool| (from..b.len()).take_while(|&i| f(i)).count();
    (0..b.len()).find_map(|i| {
        if !space(i) || !text[i + 1..].starts_with("by") {
            return None;
        }
        let start = i + 3;
        let host = start + run(start, &space);
        let end = host + run(host, &|k| !space(k) && b[k] != b'[' && b[k] != b']');
        if host == start || end == host || !space(end) {
            return None;
        }
        // The shortest host that the rest follows: without a final dot.
        let name = if end - host >= 2 && b[end - 1] == b'.' {
            &text[host..end - 1]
        } else {
            &text[host..end]
        };
        let open = end + run(end, &space);
        if b.get(open) != Some(&b'[') {
            return None;
        }
        let mut k = open + 1;
        for part in 0..4 {
            let n = run(k, &|j| b[j].is_ascii_digit());
            if !(1..=3).contains(&n) || b.get(k + n) != Some(if part < 3 { &b'.' } else { &b']' }) {
                return None;
            }
            k += n + 1;
        }
        Some([name, &text[open + 1..k - 1]])
    })
}

/// The older plain-text notice.
fn decode_plain(mail: &Mail<'_>) -> Option<Report> {
    // The list's opening line holds START, and the notice is the start of
    // the body: without START in the body there is nothing to read (most
    // Google notices are the current kind, which `notice` reads).
    static START_AT: Needle = Needle::new(START);
    if !START_AT.contains(mail.body()) {
        return None;
    }
    let (notice, original) = split_original(mail.body());
    let start = text::lines_lf(notice).position(|l| l.trim_start().starts_with(START))?;
    let lines: Vec<&str> = text::lines_lf(notice).collect();
    let delayed = lines[start].contains("delayed");
    let mut recipients: Vec<String> = Vec::new();
    let mut rest_from = lines.len();
    for (i, line) in lines.iter().enumerate().skip(start + 1) {
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        if line.starts_with([' ', '\t']) && text::is_address(t) {
            recipients.push(t.to_owned());
            continue;
        }
        rest_from = i;
        break;
    }
    if recipients.is_empty() {
        return None;
    }
    let rest = lines.get(rest_from..).unwrap_or_default().join("\n");
    // Searchers built once: every notice's text is searched.
    static DETAILS_AT: [Needle; 2] = [Needle::new(DETAILS[0]), Needle::new(DETAILS[1])];
    static SERVER_SAID_AT: Needle = Needle::new(SERVER_SAID);
    let details = DETAILS_AT.iter().find_map(|d| {
        d.find(&rest)
            .map(|p| (&rest[p + d.as_str().len()..], d.as_str()))
    });
    let temporary = details.is_some_and(|(_, d)| d.contains("temporary"));
    let diagnosis = match details {
        Some((d, _)) => match SERVER_SAID_AT.find(d) {
            Some(p) => squeeze(&d[p + SERVER_SAID.len()..]),
            None => squeeze(d),
        },
        None => lines[start].trim().trim_end_matches(':').to_owned(),
    };
    let details_text = details.map_or("", |(d, _)| d);

    let mut template = Draft {
        action: if delayed || temporary {
            "delayed"
        } else {
            "failed"
        }
        .to_owned(),
        diagnosis,
        diagnostictype: "SMTP".to_owned(),
        lhost: "googlemail.com".to_owned(),
        ..Draft::default()
    };
    if let Some([host, ip]) = by_host(details_text) {
        template.rhost = if host.contains('.')
            && host
                .rsplit('.')
                .next()
                .is_some_and(|tld| tld.bytes().all(|b| b.is_ascii_alphabetic()))
        {
            host.to_owned()
        } else {
            ip.to_owned()
        };
    }
    decide(&mut template, details_text, delayed);

    let drafts = recipients
        .into_iter()
        .map(|r| {
            let mut d = template.clone();
            d.recipient = r;
            d
        })
        .collect();
    let mut report = Report::new(drafts);
    report.original = original.map(str::to_owned);
    Some(report)
}

/// Sets the reason and command that Gmail's wording states.
fn decide(d: &mut Draft, details: &str, delayed: bool) {
    let code = state_code(details).and_then(|c| c.parse::<u32>().ok());
    if let Some((reason, command, rule)) = code.and_then(state) {
        d.command = Some(command);
        // A failure at RCPT says little by itself: the server's own status
        // code (a full mailbox, a disabled account) says more.
        let specific = Status::find(&d.diagnosis).is_some_and(|s| !s.is_generic());
        if !(reason == Reason::UserUnknown && specific) {
            d.reason = Some(reason);
            d.rule = rule;
        }
        return;
    }
    // Searchers built once, one per row, in the table's order: the first
    // row found decides, as `str::contains` row by row finds it.
    static EXPLAINED: LazyLock<Vec<Needle>> = LazyLock::new(|| {
        EXPLANATIONS
            .iter()
            .map(|&(p, _, _)| Needle::new(p))
            .collect()
    });
    let explained = EXPLANATIONS
        .iter()
        .zip(EXPLAINED.iter())
        .find(|(_, p)| p.contains(details))
        .map(|(row, _)| row);
    if let Some((_, reason, rule)) = explained {
        d.reason = Some(*reason);
        d.rule = rule;
    } else if delayed && details.trim().is_empty() {
        // A delay notice without technical details: still being retried.
        d.reason = Some(Reason::Expired);
        d.rule = "gmail:delayed";
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bounce_testkit::by_regex;

    #[test]
    fn state_codes() {
        assert_eq!(state(18).map(|s| s.0), Some(Reason::Filtered));
        assert_eq!(state(6).map(|s| s.1), Some(Command::Mail));
        assert!(state(99).is_none());
    }

    #[test]
    fn rcpt_failure_with_a_status_is_left_to_the_classifier() {
        let text = "450 450 4.2.2 <a@example.jp>... Mailbox Full (state 14).";
        let mut d = Draft {
            diagnosis: text.into(),
            ..Draft::default()
        };
        decide(&mut d, text, true);
        assert_eq!(d.reason, None);
        assert_eq!(d.command, Some(Command::Rcpt));
        let text = "550 550 Unknown user (state 14).";
        let mut d = Draft {
            diagnosis: text.into(),
            ..Draft::default()
        };
        decide(&mut d, text, false);
        assert_eq!(d.reason, Some(Reason::UserUnknown));
    }

    #[test]
    fn hand_readers_match_the_regular_expressions() {
        let mut sentences = bounce_testkit::Sentences::new(0x2545_f491_4f6c_dd1d);
        let slots: [&[&str]; 10] = [
            &["", "x", "(state 1) ", "by", " by x [1.2.3.4]x"],
            &[" ", "\t", "\n", "\x0b", "\x0c", "", "x"],
            &["by", "by", "(state ", "b"],
            &[" ", "  ", "\t", "", "x"],
            &[
                "mx.example.jp",
                "mx.example.jp.",
                ".",
                "..",
                "a]",
                "",
                "14",
                "12a",
                "[",
                "1",
            ],
            &[" ", "", ")", "\r\n", "x "],
            &["[", "", "(", ")"],
            &[
                "192.0.2.1",
                "1.2.3",
                "1234.1.1.1",
                "1.2.3.4.5",
                "1.2.3.",
                "",
                "9",
            ],
            &["]", "", ")", "] "],
            &["", ".", " (state 7)", " by y [5.6.7.8]", "x"],
        ];
        for _ in 0..200_000 {
            let text: String = sentences.fill(&slots);
            assert_eq!(
                by_host(&text).map(|c| c.map(str::to_owned)),
                by_regex::<2>(&BY_HOST, &text),
                "{text:?}"
            );
            assert_eq!(
                state_code(&text).map(str::to_owned),
                by_regex::<1>(&STATE, &text).map(|[c]| c),
                "{text:?}"
            );
        }
    }

    #[test]
    fn remote_host_is_read() {
        let c = BY_HOST.captures("rejected by the server for the recipient domain example.jp by mx.example.jp. [192.0.2.1].").unwrap();
        assert_eq!(&c[1], "mx.example.jp");
    }
}
