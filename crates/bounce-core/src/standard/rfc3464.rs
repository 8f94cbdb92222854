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
    if let Some(transcript) = text::after_line_with(body, "Transcript of session follows") {
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
            let lower = line.to_ascii_lowercase();
            if lower.contains(&local)
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
/// in order: what `text::field_groups` and `text::field` give, read in one
/// pass without building every field of every group.
pub fn groups(dsn: &str) -> impl Iterator<Item = Group<'_>> {
    text::field_group_values(dsn, &GROUP_FIELDS).map(|values| Group { values })
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
            let o = text::clean_address(orig);
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
    let mut d = Draft::new(text::clean_address(rcpt));
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
    if let Some(dc) = g.diagnostic_code().filter(|dc| !dc.trim().is_empty()) {
        let (ty, rest) = match dc.split_once(';') {
            Some((ty, rest)) if !ty.trim().is_empty() && !ty.contains(' ') => {
                (ty.trim(), rest.trim())
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
    let Some((_, rest)) = value.trim().split_once(char::is_whitespace) else {
        return "";
    };
    let comment = rest
        .trim()
        .trim_start_matches('(')
        .trim_end_matches(')')
        .trim();
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
    // The first word as `split_whitespace` finds it, without its iterator.
    let t = value.trim_start();
    let end = t.find(char::is_whitespace).unwrap_or(t.len());
    t[..end].to_ascii_lowercase()
}

/// The host of a `Reporting-MTA` or `Remote-MTA` field: `dns;
/// mx.example.jp` → `mx.example.jp`; also drops a bracketed address.
pub fn value_after_type(v: &str) -> &str {
    let v = v.split_once(';').map_or(v, |(_, rest)| rest).trim();
    // Up to the first space or `[`, as `split([' ', '['])` cuts it: both
    // are ASCII, so a byte search finds the same place.
    let end = v
        .bytes()
        .position(|b| b == b' ' || b == b'[')
        .unwrap_or(v.len());
    v[..end].trim_end_matches('.')
}

/// Some MTAs write the delivery-status fields into the text instead of a
/// separate part; returns the text from the first per-message or
/// per-recipient field on.
fn inline_fields(body: &str) -> Option<&str> {
    for marker in ["Reporting-MTA:", "Final-Recipient:", "Original-Recipient:"] {
        if let Some(pos) = body.find(marker) {
            let line_start = body[..pos].rfind('\n').map_or(0, |n| n + 1);
            if body[line_start..pos].trim().is_empty() && body[pos..].contains("Final-Recipient:") {
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
