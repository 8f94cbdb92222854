#![doc = include_str!("../README.md")]

pub mod notice;

use bounce_core::standard::rfc3464;
use bounce_core::text::{self, Needle};
use bounce_core::{
    Command, Draft, Kind, Mail, Provider, ProviderMatcher, ReplyCode, Report, Status,
};
use notice::{ErrorLine, Line, Notice, Severity, PERMANENT, TRANSCRIPT, TRANSIENT};

/// Subjects sendmail gives its notices: the usual returned-mail and
/// postmaster copies (`... see transcript for details`), and the delay
/// warning (`Warning: could not send message for past 4 hours`).
const SUBJECT_PREFIXES: &[&str] = &[
    "Returned mail:",
    "Postmaster notify:",
    "Postmaster warning:",
    "Warning:",
];
const SUBJECT_SUFFIX: &str = "see transcript for details";

/// Separators after which sendmail appends the returned message inline (in
/// a bounce without MIME).
const ORIGINAL_TITLES: &[&str] = &[
    "Original message follows",
    "Message header follows",
    "Message body suppressed",
    "Unsent message follows",
    "No message was collected",
];

/// Separators that only the sendmail 5 format writes (the v5sendmail
/// provider reads those).
const V5_TITLES: &[&str] = &["Unsent message follows", "No message was collected"];

struct Sendmail;

impl ProviderMatcher for Sendmail {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        decode(mail)
    }
}

bounce_core::inventory::submit! {
    Provider {
        id: "sendmail",
        kind: Kind::Mta,
        doc: include_str!("../README.md"),
        fingerprints: &[
            TRANSCRIPT,
            PERMANENT,
            TRANSIENT,
            SUBJECT_SUFFIX,
            "Warning: could not send message for past",
        ],
        rhosts: &[],
        phrases: &[],
        matcher: &Sendmail,
    }
}

/// Whether the message has the shape of a sendmail 8 notice: one of its
/// subjects, and the list of failed addresses or the transcript in the text,
/// but not the sendmail 5 layout.
pub fn is_sendmail(mail: &Mail<'_>) -> bool {
    sendmail_shape(mail).is_some()
}

/// [`is_sendmail`], and when the message has the shape, whether its text
/// holds one of the sendmail 5 titles ([`V5_TITLES`], themselves titles of
/// [`ORIGINAL_TITLES`]): searched for here anyway, so that
/// [`split_original`] need not search the text for them again.
fn sendmail_shape(mail: &Mail<'_>) -> Option<bool> {
    let subject = mail.subject().trim();
    let transcript_subject = subject.len() >= SUBJECT_SUFFIX.len()
        && subject.is_char_boundary(subject.len() - SUBJECT_SUFFIX.len())
        && subject[subject.len() - SUBJECT_SUFFIX.len()..].eq_ignore_ascii_case(SUBJECT_SUFFIX)
        || starts_with_ci(subject, "Warning:");
    // With a delivery-status part, as Sisimai does: the subjects that say
    // the transcript is the point. Other "Returned mail: ..." notices with
    // one (older releases) read well enough as plain RFC 3464 reports.
    let subject_ok = transcript_subject
        || mail.dsn().is_none()
            && split_inline_dsn(mail.body()).1.is_none()
            && SUBJECT_PREFIXES.iter().any(|p| starts_with_ci(subject, p));
    if !subject_ok && mail.has_headers() {
        return None;
    }
    // Searchers built once: every candidate's body is searched.
    static MARKERS: [Needle; 3] = [
        Needle::new(TRANSCRIPT),
        Needle::new(PERMANENT),
        Needle::new(TRANSIENT),
    ];
    static V5: [Needle; 2] = [Needle::new(V5_TITLES[0]), Needle::new(V5_TITLES[1])];
    let body = mail.body();
    if !MARKERS.iter().any(|m| m.contains(body)) {
        return None;
    }
    // A separator whose title starts with a sendmail 5 title contains it:
    // without one in the text, no line needs reading.
    let v5_titles = V5.iter().any(|v| v.contains(body));
    let v5 = v5_titles
        && body
            .lines()
            .filter_map(notice::separator)
            .any(|t| V5_TITLES.iter().any(|v| t.starts_with(v)));
    (!v5 || body.contains("The original message was received at")).then_some(v5_titles)
}

/// Decodes a sendmail 8 bounce: one draft per recipient of its
/// delivery-status part (or, without one, per address of its lists of
/// failed addresses), merged with what the transcript says of it. `None`
/// when the message is not a sendmail notice. Public so that providers
/// running sendmail (softbank) build on it.
pub fn decode(mail: &Mail<'_>) -> Option<Report> {
    let v5_titles = sendmail_shape(mail)?;
    let (text, inline_original) = split_original(mail.body(), v5_titles);
    let (text, inline_dsn) = split_inline_dsn(text);
    let notice = Notice::parse(text);
    let mut bases = mail.dsn().or(inline_dsn).map(from_dsn).unwrap_or_default();
    let structured = !bases.is_empty();
    if !structured {
        bases = from_lists(&notice);
    }
    if bases.is_empty() {
        return None;
    }
    let replies = notice.replies();
    let single = bases.len() == 1;
    let recipients = bases
        .into_iter()
        .map(|b| merge(b, &notice, &replies, single, structured))
        .collect();
    let mut report = Report::new(recipients);
    if mail.original_headers().is_none() {
        report.original = inline_original.map(|o| o.trim_start_matches('\n').to_owned());
    }
    Some(report)
}

/// `a == b`, in a constant.
const fn konst_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The notice and the inline copy of the original, if sendmail appended one.
/// `v5_titles`: whether `body` holds one of [`V5_TITLES`] (the last two of
/// [`ORIGINAL_TITLES`]), as [`sendmail_shape`] found.
fn split_original(body: &str, v5_titles: bool) -> (&str, Option<&str>) {
    // A separator that starts with a title contains it: without any title in
    // the text, no line needs reading. The sendmail 5 titles were searched
    // for already; the other three are searched for here.
    const _: () = assert!(
        ORIGINAL_TITLES.len() == 5
            && konst_eq(ORIGINAL_TITLES[3], V5_TITLES[0])
            && konst_eq(ORIGINAL_TITLES[4], V5_TITLES[1]),
        "the last two titles are the sendmail 5 ones"
    );
    static TITLES: [Needle; 3] = [
        Needle::new(ORIGINAL_TITLES[0]),
        Needle::new(ORIGINAL_TITLES[1]),
        Needle::new(ORIGINAL_TITLES[2]),
    ];
    if !v5_titles && !TITLES.iter().any(|t| t.contains(body)) {
        return (body, None);
    }
    let mut offset = 0;
    for line in text::split_inclusive_lf(body) {
        if let Some(title) = notice::separator(line) {
            if ORIGINAL_TITLES.iter().any(|t| title.starts_with(t)) {
                return (&body[..offset], Some(&body[offset + line.len()..]));
            }
        }
        offset += line.len();
    }
    (body, None)
}

/// A delivery-status block written into the text (a bounce passed on as
/// plain text): the text before it and the block.
fn split_inline_dsn(text: &str) -> (&str, Option<&str>) {
    // Without a `Final-Recipient:` line there is no block: the line by line
    // reading below would find none either.
    if !text::has_line_starting_ci(text, "Final-Recipient:") {
        return (text, None);
    }
    let mut offset = 0;
    let mut start = None;
    for line in text::split_inclusive_lf(text) {
        if starts_with_ci(line, "Reporting-MTA:") && start.is_none() {
            start = Some(offset);
        }
        if starts_with_ci(line, "Final-Recipient:") {
            let s = start.unwrap_or(offset);
            return (&text[..s], Some(&text[s..]));
        }
        let t = line.trim_end();
        let is_field = t.is_empty()
            || t.starts_with([' ', '\t'])
            || t.split_once(':')
                .is_some_and(|(n, _)| !n.is_empty() && !n.contains(' '));
        if !is_field {
            start = None;
        }
        offset += line.len();
    }
    (text, None)
}

/// One draft per per-recipient group of the delivery-status part. The
/// recipient is Final-Recipient; X-Actual-Recipient (what an alias or a
/// forward expanded to) becomes the alias.
fn from_dsn(dsn: &str) -> Vec<Draft> {
    let mut lhost = String::new();
    let mut arrival = String::new();
    let mut out = Vec::new();
    for g in rfc3464::groups(dsn) {
        let Some(rcpt) = g.final_recipient().or_else(|| g.original_recipient()) else {
            if let Some(r) = g.reporting_mta() {
                lhost = rfc3464::value_after_type(r).to_owned();
            }
            if let Some(a) = g.arrival_date() {
                arrival = a.to_owned();
            }
            continue;
        };
        let mut d = Draft::new(rfc3464::clean_recipient(rcpt));
        // A field written as the recipient's is (once cleaned) the
        // recipient itself: passed over without cleaning it.
        for alias in [g.actual_recipient(), g.original_recipient()]
            .into_iter()
            .flatten()
            .filter(|&a| a != rcpt)
        {
            let a = rfc3464::clean_recipient(alias);
            if !a.is_empty() && !a.eq_ignore_ascii_case(&d.recipient) {
                d.alias = a;
                break;
            }
        }
        read_group(&mut d, &g);
        if d.lhost.is_empty() {
            d.lhost.clone_from(&lhost);
        }
        if d.date.is_empty() {
            d.date.clone_from(&arrival);
        }
        out.push(d);
    }
    out
}

fn read_group(d: &mut Draft, g: &rfc3464::Group<'_>) {
    if let Some(a) = g.action() {
        d.action = rfc3464::action_word(a);
    }
    d.status = g.status().and_then(Status::find);
    if let Some(r) = g.remote_mta() {
        d.rhost = rfc3464::value_after_type(r).to_owned();
    }
    if let Some(r) = g.reporting_mta() {
        d.lhost = rfc3464::value_after_type(r).to_owned();
    }
    if let Some(dc) = g.diagnostic_code() {
        match dc.split_once(';') {
            Some((ty, rest)) if !ty.trim().is_empty() && !ty.trim().contains(' ') => {
                d.diagnostictype = ty.trim().to_ascii_uppercase();
                d.diagnosis = rest.trim().to_owned();
            }
            _ => d.diagnosis = dc.trim().to_owned(),
        }
    }
    if let Some(date) = g.last_attempt_date() {
        d.date = date.to_owned();
    }
}

/// Without a delivery-status part: one draft per listed address. A program
/// or a local name stands for the address it was expanded from.
fn from_lists(notice: &Notice<'_>) -> Vec<Draft> {
    let mut out: Vec<Draft> = Vec::new();
    for l in &notice.listed {
        let address = if l.address.contains('@') {
            l.address
        } else if l.expanded_from.contains('@') {
            l.expanded_from
        } else {
            continue;
        };
        let mut d = Draft::new(text::clean_address(address));
        if out
            .iter()
            .any(|o| o.recipient.eq_ignore_ascii_case(&d.recipient))
        {
            continue;
        }
        if address != l.address {
            l.address.trim_matches('"').clone_into(&mut d.alias);
        }
        d.action = match l.severity {
            Severity::Permanent => "failed",
            Severity::Transient => "delayed",
        }
        .to_owned();
        d.diagnosis = l.reason.to_owned();
        out.push(d);
    }
    out
}

/// What the transcript adds to one recipient, as Sisimai's Lhost::Sendmail
/// merges them: an error line of sendmail's own when the delivery-status
/// part has no usable diagnostic; every reply of the remote host before the
/// diagnostic when the bounce is about one recipient; the status code the
/// text names when it says more than the Status field; and the command and
/// the host of the SMTP exchange that failed.
fn merge(
    mut d: Draft,
    notice: &Notice<'_>,
    replies: &[&str],
    single: bool,
    structured: bool,
) -> Draft {
    let (recipient, alias) = (d.recipient.clone(), d.alias.clone());
    let names = |e: &ErrorLine<'_>| e.names(&recipient) || e.names(&alias);
    // Without a delivery-status part the transcript is all there is, so its
    // SMTP sessions count as well as sendmail's own lines before them.
    let scope = if structured {
        &notice.transcript[..notice.session_start()]
    } else {
        &notice.transcript[..]
    };
    let errors = || {
        scope.iter().rev().filter_map(|l| match l {
            Line::Error(e) => Some(e),
            _ => None,
        })
    };
    let another = errors().find(|e| names(e)).or_else(|| {
        errors().find(|e| e.code.is_some() && e.status.is_some() && (e.who.is_empty() || names(e)))
    });

    if !d.recipient.contains('@') || d.recipient.starts_with('@') {
        let from_text = another
            .and_then(|e| local_address(e.line))
            .or_else(|| local_address(&d.diagnosis));
        let listed = match notice.listed.as_slice() {
            [only] if only.address.contains('@') => Some(only.address),
            _ => None,
        };
        if let Some(a) = from_text.or(listed) {
            d.recipient = text::clean_address(a);
        }
    }

    let diagnosis = d.diagnosis.trim();
    if diagnosis.is_empty() || diagnosis.bytes().all(|b| b.is_ascii_digit()) {
        let fallback = another.map(|e| e.line).or_else(|| {
            scope.iter().find_map(|l| match l {
                Line::Text(t) if t.starts_with("Message could not be delivered") => Some(*t),
                _ => None,
            })
        });
        if let Some(f) = fallback {
            d.diagnosis = f.to_owned();
        } else if let Some(reason) = notice
            .listed
            .iter()
            .find(|l| {
                l.address.eq_ignore_ascii_case(&d.recipient)
                    && !l.reason.bytes().all(|b| b.is_ascii_digit())
            })
            .map(|l| l.reason)
        {
            d.diagnosis = reason.to_owned();
        }
    }
    if !single {
        if let Some(full) = whole_reply(&notice.transcript, &d.diagnosis) {
            d.diagnosis = full;
        }
    }
    if single && !replies.is_empty() {
        let mut joined = replies.join(" ");
        if !d.diagnosis.trim().is_empty() {
            joined.push(' ');
            joined.push_str(d.diagnosis.trim());
        }
        d.diagnosis = joined;
    }

    let mut status = d.status;
    if status.is_none_or(|s| s.is_generic()) {
        if let Some(s) = another.and_then(|e| e.status).filter(|s| !s.is_generic()) {
            status = Some(s);
        }
    }
    let status = prefer(status, text_status(&d.diagnosis));
    d.status = status;
    d.replycode = reply_for(&d.diagnosis, status);

    let names = |e: &ErrorLine<'_>| e.names(&d.recipient) || e.names(&d.alias);
    let anchor = anchor(notice, &d, &names);
    if let Some(i) = anchor {
        let (host, command) = exchange(&notice.transcript, i);
        if d.rhost.is_empty() {
            host.unwrap_or("").clone_into(&mut d.rhost);
        }
        d.command = command;
    }
    d
}

/// The whole of a multi-line reply (`<<< 552-5.7.0 ...` lines up to the one
/// without the hyphen) whose first line is `first`, joined with spaces: a
/// Diagnostic-Code quotes only the first line.
fn whole_reply(t: &[Line<'_>], first: &str) -> Option<String> {
    let first = squeeze_lower(first);
    if first.is_empty() {
        return None;
    }
    // The first visible byte decides most lines at once.
    let head = |text: &str| {
        text.trim_start()
            .as_bytes()
            .first()
            .map(u8::to_ascii_lowercase)
    };
    let start = t.iter().position(|l| {
        matches!(l, Line::Received(r) if head(r) == head(&first) && squeezed_is(r, first.as_bytes()))
    })?;
    let mut lines = Vec::new();
    for l in &t[start..] {
        let Line::Received(r) = l else { break };
        lines.push(*r);
        let continued =
            r.as_bytes().get(3) == Some(&b'-') && r.as_bytes()[..3].iter().all(u8::is_ascii_digit);
        if !continued {
            break;
        }
    }
    (lines.len() > 1).then(|| lines.join(" "))
}

/// An address with a local part in free text.
fn local_address(text: &str) -> Option<&str> {
    text::addresses(text).find(|a| !a.starts_with('@'))
}

/// Sisimai's preference between the Status field and a status code named in
/// the diagnostic: the named one, unless it says no more than its class.
fn prefer(field: Option<Status>, named: Option<Status>) -> Option<Status> {
    match (field, named) {
        (Some(f), Some(n)) if n.is_generic() => Some(f),
        (_, Some(n)) => Some(n),
        (f, None) => f,
    }
}

/// The first specific status code in the text, else the first one.
fn text_status(text: &str) -> Option<Status> {
    let mut first = None;
    for s in Status::find_all(text) {
        if !s.is_generic() {
            return Some(s);
        }
        first.get_or_insert(s);
    }
    first
}

/// The reply code of the text that agrees with the status (a 4xx for a
/// 4.x.x), else its first reply code.
fn reply_for(text: &str, status: Option<Status>) -> Option<ReplyCode> {
    let mut first = None;
    let mut rest = text;
    while let Some(code) = ReplyCode::find(rest) {
        if status.is_none_or(|s| s.class() == code.class()) {
            return Some(code);
        }
        first.get_or_insert(code);
        let digits = code.to_string();
        let Some(at) = rest.find(&digits) else { break };
        rest = &rest[at + digits.len()..];
    }
    first
}

/// The transcript line that tells of this recipient's failure: sendmail's
/// error line naming it, else the reply its diagnostic quotes, else the last
/// reply of the remote host.
fn anchor(notice: &Notice<'_>, d: &Draft, names: &dyn Fn(&ErrorLine<'_>) -> bool) -> Option<usize> {
    let t = &notice.transcript;
    if let Some(i) = t
        .iter()
        .rposition(|l| matches!(l, Line::Error(e) if names(e)))
    {
        return Some(i);
    }
    // `squeeze_lower(&d.diagnosis)` not empty, compared without building it.
    let dsn = &d.diagnosis;
    if !dsn.trim().is_empty() {
        let last = |text: &str| {
            text.trim_end()
                .as_bytes()
                .last()
                .map(u8::to_ascii_lowercase)
        };
        let quoted = t.iter().rposition(|l| match l {
            // The last visible byte decides most lines at once.
            Line::Received(r) => last(r) == last(dsn) && squeezed_ends(r, dsn),
            _ => false,
        });
        if quoted.is_some() {
            return quoted;
        }
    }
    t.iter().rposition(|l| matches!(l, Line::Received(_)))
}

/// The remote host and the SMTP command of the exchange that line `i` of the
/// transcript belongs to: the last `while talking to` before it, and the last
/// command sent to that host before it (the connection itself when the host
/// replied before any command).
fn exchange<'a>(t: &[Line<'a>], i: usize) -> (Option<&'a str>, Option<Command>) {
    let block = t[..=i].iter().rposition(|l| matches!(l, Line::Talking(_)));
    let (host, session) = match block {
        Some(start) => (
            match t[start] {
                Line::Talking(h) => Some(h),
                _ => None,
            },
            &t[start + 1..=i],
        ),
        // A transcript may start with the exchange, without naming the host.
        None => (None, &t[..=i]),
    };
    let command = session.iter().rev().find_map(|l| match l {
        Line::Sent(s) => Some(Command::parse(s)),
        _ => None,
    });
    let command = match command {
        Some(c) => c,
        None if session.iter().any(|l| matches!(l, Line::Received(_))) => Some(Command::Connect),
        None => None,
    };
    (host, command)
}

/// The text's words, single-spaced and ASCII-lowercased, in one string.
fn squeeze_lower(text: &str) -> String {
    let mut out = bounce_core::dispatch::squeeze(text);
    out.make_ascii_lowercase();
    out
}

/// Whether `squeeze_lower(text)` is `lower` (already ASCII-lowercased),
/// compared word by word without building it.
fn squeezed_is(text: &str, lower: &[u8]) -> bool {
    let mut rest = lower;
    for (i, word) in text.split_whitespace().enumerate() {
        if i > 0 {
            let Some(after) = rest.strip_prefix(b" ") else {
                return false;
            };
            rest = after;
        }
        let w = word.as_bytes();
        match rest.split_at_checked(w.len()) {
            Some((head, tail)) if head.eq_ignore_ascii_case(w) => rest = tail,
            _ => return false,
        }
    }
    rest.is_empty()
}

/// Whether `squeeze_lower(text)`, not empty, ends `squeeze_lower(whole)`,
/// compared word by word from the end without building either: the last
/// words of `whole` must be those of `text`, but for `text`'s first word,
/// which may end a longer one.
fn squeezed_ends(text: &str, whole: &str) -> bool {
    let mut words = text.split_whitespace().rev();
    let mut theirs = whole.split_whitespace().rev();
    let Some(mut word) = words.next() else {
        return false;
    };
    loop {
        let Some(their) = theirs.next() else {
            return false;
        };
        let (w, t) = (word.as_bytes(), their.as_bytes());
        match words.next() {
            Some(before) if t.eq_ignore_ascii_case(w) => word = before,
            Some(_) => return false,
            None => {
                return t.len() >= w.len() && t[t.len() - w.len()..].eq_ignore_ascii_case(w);
            }
        }
    }
}

fn starts_with_ci(text: &str, prefix: &str) -> bool {
    text.get(..prefix.len())
        .is_some_and(|h| h.eq_ignore_ascii_case(prefix))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_preference() {
        let s = |t: &str| Status::parse(t);
        assert_eq!(prefer(s("5.1.1"), s("5.7.1")), s("5.7.1"));
        assert_eq!(prefer(s("4.4.7"), s("4.0.0")), s("4.4.7"));
        assert_eq!(prefer(None, s("5.0.0")), s("5.0.0"));
        assert_eq!(prefer(s("5.1.6"), None), s("5.1.6"));
        assert_eq!(
            text_status("503 5.0.0 Need RCPT 550 5.1.1 unknown"),
            s("5.1.1")
        );
    }

    #[test]
    fn reply_agrees_with_status() {
        let text = "554 mx.example.jp not accepting connections 421 4.7.0 too many errors";
        assert_eq!(
            reply_for(text, Status::parse("4.7.0")).map(ReplyCode::get),
            Some(421)
        );
        assert_eq!(
            reply_for(text, Status::parse("5.5.0")).map(ReplyCode::get),
            Some(554)
        );
        assert_eq!(reply_for(text, None).map(ReplyCode::get), Some(554));
        assert_eq!(
            reply_for("450 busy 551 not our user", Status::parse("5.1.6")).map(ReplyCode::get),
            Some(551)
        );
        assert_eq!(reply_for("no code here", None), None);
    }

    #[test]
    fn squeezed_comparisons_agree_with_squeeze_lower() {
        let texts = [
            "",
            "  ",
            "550 5.1.1 User Unknown",
            " 550  5.1.1\tuser unknown ",
            "user unknown",
            "5.1.1 User unknown",
            "\u{e9}t\u{e9} \u{a0}x",
            "\u{c9}T\u{c9} x",
            "1.1 user unknown",
            "a 550 5.1.1 USER unknown",
            "unknown",
            "nknown",
        ];
        for a in texts {
            for b in texts {
                let (la, lb) = (squeeze_lower(a), squeeze_lower(b));
                assert_eq!(squeezed_is(a, lb.as_bytes()), la == lb, "{a:?} {b:?}");
                let ends = !la.is_empty() && lb.ends_with(&la);
                assert_eq!(squeezed_ends(a, b), ends, "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn exchanges() {
        let n = Notice::parse(
            "----- Transcript of session follows -----\n... while talking to mx1.example.jp.:\n<<< 554 go away\n\
             ... while talking to mx2.example.jp.:\n>>> RCPT To:<a@example.jp>\n<<< 550 5.1.1 unknown\n\
             550 5.1.1 <a@example.jp>... User unknown\n>>> DATA\n<<< 503 need RCPT\n",
        );
        assert_eq!(
            exchange(&n.transcript, 1),
            (Some("mx1.example.jp"), Some(Command::Connect))
        );
        assert_eq!(
            exchange(&n.transcript, 5),
            (Some("mx2.example.jp"), Some(Command::Rcpt))
        );
        assert_eq!(
            exchange(&n.transcript, 7),
            (Some("mx2.example.jp"), Some(Command::Data))
        );
    }

    #[test]
    fn originals_and_inline_dsn() {
        let (notice, original) = split_original(
            "text\n   ----- Original message follows -----\nFrom: a@example.jp\n",
            false,
        );
        assert_eq!(notice, "text\n");
        assert_eq!(original, Some("From: a@example.jp\n"));
        let (before, dsn) = split_inline_dsn(
            "x\n\nReporting-MTA: dns; a.example.jp\n\nFinal-Recipient: rfc822; b@example.jp\n",
        );
        assert_eq!(before, "x\n\n");
        assert!(dsn.unwrap().starts_with("Reporting-MTA"));
    }
}
