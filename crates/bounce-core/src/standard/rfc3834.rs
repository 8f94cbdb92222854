//! RFC 3834 automatic replies (vacation, out of office): recognised by the
//! Auto-Submitted header or the conventional Precedence, X-Autoreply and
//! Subject markers. The recipient is the person who is away: the reply's From.

use crate::fact::{Draft, Report};
use crate::mail::Mail;
use crate::reason::Reason;

const SUBJECT_MARKS: &[&str] = &[
    "auto:",
    "auto reply",
    "auto response",
    "automatic reply",
    "autoreply",
    "auto-reply",
    "out of office",
    "out of the office",
    "vacation",
    "away from",
    "自動応答",
    "自動返信",
    "不在",
];

/// Decodes an automatic reply.
pub fn decode(mail: &Mail<'_>) -> Option<Report> {
    if !is_auto_reply(mail) {
        return None;
    }
    let from = mail.from_address();
    if !from.contains('@') || from.to_ascii_lowercase().starts_with("mailer-daemon") {
        return None;
    }
    let mut d = Draft::new(from);
    d.reason = Some(Reason::Vacation);
    d.rule = "rfc3834:auto-reply";
    d.diagnosis = mail
        .body()
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("")
        .to_owned();
    Some(Report::new(vec![d]))
}

fn is_auto_reply(mail: &Mail<'_>) -> bool {
    if let Some(v) = mail.header("Auto-Submitted") {
        let v = v.to_ascii_lowercase();
        if v.starts_with("auto-replied") || v.starts_with("auto-generated") && subject_says_so(mail)
        {
            return true;
        }
    }
    if mail
        .header("X-Apple-Action")
        .is_some_and(|v| v.eq_ignore_ascii_case("vacation"))
        || mail.header("X-Autoreply").is_some()
        || mail.header("X-Autorespond").is_some()
        || mail.header("X-Mail-Autoreply").is_some()
    {
        return true;
    }
    if let Some(p) = mail.header("Precedence") {
        if p.eq_ignore_ascii_case("auto_reply") {
            return true;
        }
    }
    subject_says_so(mail) && mail.dsn().is_none()
}

fn subject_says_so(mail: &Mail<'_>) -> bool {
    let s = mail.subject().to_lowercase();
    SUBJECT_MARKS.iter().any(|m| s.contains(m))
}
