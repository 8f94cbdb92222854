//! The delivery status notifications of Amazon SES: those it sends for mail
//! it could not deliver (`amazonses`), those its receiving side sends for
//! mail it refused (`receivingses`), and Amazon WorkMail's, which WorkMail
//! sends through SES with the delivery-status fields written into the text
//! (`amazonworkmail`).

use crate::notification;
use bounce_core::standard::rfc3464;
use bounce_core::text::Needle;
use bounce_core::{Draft, Mail, ProviderMatcher, Reason, ReplyCode, Report, Status};
use regex::Regex;
use std::sync::LazyLock;

/// The `amazonses` provider.
pub(crate) struct AmazonSes;
/// The `receivingses` provider.
pub(crate) struct ReceivingSes;
/// The `amazonworkmail` provider.
pub(crate) struct AmazonWorkMail;

/// SES's own notice: its current sentence, or both sentences of its first
/// years ("The following message to <a@example.jp> was undeliverable. The
/// reason for the problem: ...").
fn is_ses_notice(body: &str) -> bool {
    // Searchers built once: every candidate's body is searched.
    static CURRENT: Needle = Needle::new(
        "An error occurred while trying to deliver the mail to the following recipients:",
    );
    static FIRST: Needle = Needle::new("The following message to <");
    static REASON: Needle = Needle::new("The reason for the problem:");
    CURRENT.contains(body) || FIRST.contains(body) && REASON.contains(body)
}

impl ProviderMatcher for AmazonSes {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        if is_workmail(mail) {
            return None;
        }
        if let Some(report) = notification::decode(mail) {
            return Some(report);
        }
        let from = mail.from_address();
        let (local, domain) = from.rsplit_once('@')?;
        if !local.eq_ignore_ascii_case("mailer-daemon") || !is_ses_domain(domain) {
            return None;
        }
        let body = mail.body();
        if !is_ses_notice(body) {
            // SES also forwards other servers' reports from this address.
            return None;
        }
        let mut drafts = rfc3464::recipients(mail.dsn()?);
        if drafts.is_empty() {
            return None;
        }
        drafts.iter_mut().for_each(fix_up);
        Some(Report::new(drafts))
    }
}

/// The field [`ReceivingSes`] reads the receiving host from, lowercase.
const REPORTING_MTA: &str = "reporting-mta:";

impl ProviderMatcher for ReceivingSes {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        // Sent through SES itself...
        mail.header("X-SES-Outgoing")?;
        let dsn = mail.dsn()?;
        // ... for SES's receiving endpoint (inbound-smtp.<region>.amazonaws.com).
        let reporting = dsn
            .lines()
            .find(|l| {
                // What `to_ascii_lowercase().starts_with(..)` tells, without
                // a lowercase copy of every line: lowercasing keeps each
                // byte in its place.
                l.trim_start()
                    .as_bytes()
                    .get(..REPORTING_MTA.len())
                    .is_some_and(|p| p.eq_ignore_ascii_case(REPORTING_MTA.as_bytes()))
            })?
            .to_ascii_lowercase();
        if !(reporting.contains("inbound-smtp.") && reporting.contains("amazonaws.com")) {
            return None;
        }
        let drafts = rfc3464::recipients(dsn);
        (!drafts.is_empty()).then(|| Report::new(drafts))
    }
}

impl ProviderMatcher for AmazonWorkMail {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        if !is_workmail(mail) {
            return None;
        }
        let body = mail.body();
        // The searcher built once: every WorkMail notice is searched.
        static REPORT: Needle = Needle::new("Technical report:");
        let mut drafts = match REPORT.find(body) {
            Some(p) => rfc3464::recipients(&body[p + REPORT.as_str().len()..]),
            None => Vec::new(),
        };
        if drafts.is_empty() {
            drafts = rfc3464::recipients(mail.dsn()?);
        }
        if drafts.is_empty() {
            return None;
        }
        drafts.iter_mut().for_each(fix_up);
        Some(Report::new(drafts))
    }
}

fn is_workmail(mail: &Mail<'_>) -> bool {
    mail.header("X-Mailer")
        .is_some_and(|v| v.contains("Amazon WorkMail"))
}

/// `amazonses.com` and its regional and bounce subdomains
/// (`us-west-2.amazonses.com`, `email-bounces.amazonses.com`).
fn is_ses_domain(domain: &str) -> bool {
    let d = domain.to_ascii_lowercase();
    d == "amazonses.com" || d.ends_with(".amazonses.com")
}

/// "554 4.4.7 Message expired: unable to deliver in 840 minutes.<421 4.4.2
/// Connection timed out>": SES gave up; the last reply it got is in brackets.
/// [`expired`] reads it by hand (it has no class whose meaning depends on
/// the text), and the tests hold the two to the same captures.
#[cfg(test)]
static EXPIRED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(Message expired[^<]*)(?:<([^>]+)>)?").expect("valid regex"));

/// "5.1.0 - Unknown address error 550-'5.2.2 <a@example.jp>... Mailbox Full'":
/// SES's first notices quote the reply after their own code.
static QUOTED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b([245]\d\d)[- ]'(.+)'").expect("valid regex"));

// [`QUOTED`] is read by hand in ASCII text, where its `\b` and `\d` are the
// ASCII ones, with the same captures: it is costly to build.

/// The captures of `(Message expired[^<]*)(?:<([^>]+)>)?`: SES's words, and
/// the last reply if one follows in brackets.
fn expired(text: &str) -> Option<(&str, Option<&str>)> {
    // The searcher built once: every diagnosis is searched.
    static EXPIRED: Needle = Needle::new("Message expired");
    let start = EXPIRED.find(text)?;
    let end = text[start..].find('<').map_or(text.len(), |n| start + n);
    let last = text[end..]
        .strip_prefix('<')
        .and_then(|rest| rest.split_once('>'))
        .map(|(reply, _)| reply)
        .filter(|reply| !reply.is_empty());
    Some((&text[start..end], last))
}

/// The captures of [`QUOTED`]: the reply code and the quoted reply.
fn quoted(text: &str) -> Option<(&str, &str)> {
    if !text.is_ascii() {
        let c = QUOTED.captures(text)?;
        return Some((c.get(1)?.as_str(), c.get(2)?.as_str()));
    }
    let b = text.as_bytes();
    (0..b.len()).find_map(|i| {
        let at = |k: usize| b.get(i + k).copied();
        let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
        if !matches!(b[i], b'2' | b'4' | b'5') || (i > 0 && word(b[i - 1])) {
            return None;
        }
        if !at(1)?.is_ascii_digit() || !at(2)?.is_ascii_digit() {
            return None;
        }
        if !matches!(at(3)?, b'-' | b' ') || at(4)? != b'\'' {
            return None;
        }
        // The longest run up to a quote on the same line, of one character
        // or more.
        let from = i + 5;
        let line_end = text[from..].find('\n').map_or(text.len(), |n| from + n);
        let close = text.get(from + 1..line_end)?.rfind('\'')? + from + 1;
        Some((&text[i..i + 3], &text[from..close]))
    })
}

/// What SES writes around the remote server's reply. The reply itself
/// becomes the diagnosis, so that its codes are the ones reported.
fn fix_up(d: &mut Draft) {
    if let Some((said, last)) = expired(&d.diagnosis) {
        let said = said.trim().to_owned();
        if let Some(last) = last.map(|m| m.trim().to_owned()) {
            d.replycode = ReplyCode::find(&last);
            d.status = Status::find(&last).or(d.status);
            d.diagnosis = format!("{last} ({said})");
        }
        d.reason = Some(Reason::Expired);
        d.rule = "amazonses:message-expired";
        return;
    }
    let quoted = quoted(&d.diagnosis).map(|(reply, said)| (reply.to_owned(), said.to_owned()));
    if let Some((reply, said)) = quoted {
        d.replycode = ReplyCode::parse(&reply);
        d.status = Status::find(&said).or(d.status);
        d.diagnosis = format!("{reply} {said}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_readers_match_the_regular_expressions() {
        let mut sentences = bounce_testkit::Sentences::new(0x2545_f491_4f6c_dd1d);
        let slots: [&[&str]; 8] = [
            &["", "x", "a5", " ", "Message expired"],
            &[
                "550",
                "250",
                "5500",
                "55",
                "Message expired",
                "Message expire",
            ],
            &["-", " ", "", ":", " x"],
            &["'", "", "<", ">"],
            &["5.2.2 ", "", "'", "<a@b>", "\n", "x"],
            &["'", "", "\n'", ">", "<"],
            &["", "x'", "'", "<421 4.4.2>", "<>", "\n"],
            &["", "'", ">", "\u{e9}"],
        ];
        for _ in 0..200_000 {
            let text: String = sentences.fill(&slots);
            let by_regex = EXPIRED.captures(&text).map(|c| {
                (
                    c.get(1).map_or("", |m| m.as_str()),
                    c.get(2).map(|m| m.as_str()),
                )
            });
            assert_eq!(expired(&text), by_regex, "{text:?}");
            let by_regex = QUOTED.captures(&text).map(|c| {
                (
                    c.get(1).map_or("", |m| m.as_str()),
                    c.get(2).map_or("", |m| m.as_str()),
                )
            });
            assert_eq!(quoted(&text), by_regex, "{text:?}");
        }
    }

    fn fixed(diagnosis: &str, status: &str) -> Draft {
        let mut d = Draft {
            diagnosis: diagnosis.into(),
            status: Status::parse(status),
            ..Draft::default()
        };
        fix_up(&mut d);
        d
    }

    #[test]
    fn expired_takes_the_last_reply() {
        let d = fixed("554 4.4.7 Message expired: unable to deliver in 840 minutes.<421 4.4.2 Connection timed out>", "4.4.7");
        assert_eq!(d.reason, Some(Reason::Expired));
        assert_eq!(d.replycode.map(|r| r.get()), Some(421));
        assert_eq!(d.status.map(|s| s.to_string()).as_deref(), Some("4.4.2"));
        assert!(d
            .diagnosis
            .starts_with("421 4.4.2 Connection timed out (Message expired"));
        let d = fixed(
            "554 4.4.7 Message expired: unable to deliver in 840 minutes.",
            "4.4.7",
        );
        assert_eq!(d.status.map(|s| s.to_string()).as_deref(), Some("4.4.7"));
    }

    #[test]
    fn quoted_reply_of_early_notices() {
        let d = fixed("5.1.0 - Unknown address error 550-'5.7.1 <x@example.org>... Access denied' (delivery attempts: 0)", "5.0.0");
        assert_eq!(d.status.map(|s| s.to_string()).as_deref(), Some("5.7.1"));
        assert_eq!(d.replycode.map(|r| r.get()), Some(550));
        assert_eq!(d.diagnosis, "550 5.7.1 <x@example.org>... Access denied");
        assert_eq!(d.reason, None);
    }

    #[test]
    fn ses_domains() {
        assert!(is_ses_domain("us-west-2.amazonses.com"));
        assert!(is_ses_domain("AmazonSES.com"));
        assert!(!is_ses_domain("notamazonses.com"));
    }
}
