#![doc = include_str!("../README.md")]

pub mod notice;
pub mod transcript;

use bounce_core::text::Needle;
use bounce_core::{Kind, Mail, Provider, ProviderMatcher, Reason, Report};

pub use notice::{decode_notice, paragraphs, Paragraph};

struct Postfix;

impl ProviderMatcher for Postfix {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        decode(mail)
    }
}

/// Decodes a bounce written by Postfix: the notice of bounce(8) (failure,
/// delay or success, with or without its delivery-status part, MIME or plain
/// text) or the error transcript smtpd(8) sends the postmaster. `None` when
/// the message is not one of these.
pub fn decode(mail: &Mail<'_>) -> Option<Report> {
    // Searchers built once: every candidate's subject is searched.
    static TRANSCRIPT_SUBJECT: Needle = Needle::new("SMTP server: errors from ");
    static QUEUE_ID: Needle = Needle::new("X-Postfix-Queue-ID:");
    static SENDER: Needle = Needle::new("X-Postfix-Sender:");
    if TRANSCRIPT_SUBJECT.contains(mail.subject()) {
        return transcript::decode_transcript(mail.body());
    }
    let body = mail.body();
    if let Some((after, host_line, unread)) = opening_with_host_line(body) {
        let mut report = decode_notice(mail, after)?;
        // The first line naming the host: among those read to find the
        // opening, or else in the text after them.
        let host = host_line
            .or_else(|| first_host_line(unread))
            .and_then(host_of_line);
        if let Some(host) = host {
            for d in report.recipients.iter_mut().filter(|d| d.lhost.is_empty()) {
                host.clone_into(&mut d.lhost);
            }
        }
        return Some(report);
    }
    // A notice in another language or with a rewritten template: the
    // delivery-status part still says Postfix wrote it.
    let dsn = mail.dsn()?;
    if !QUEUE_ID.contains(dsn) && !SENDER.contains(dsn) {
        return None;
    }
    decode_notice(mail, body)
}

/// The text after the opening line of a Postfix notice (`This is the mail
/// system at host ...`, `This is the Postfix program at host ...`), or after
/// its signature (`The mail system`, `The Postfix program`) when the opening
/// line was removed. `None` when there is neither.
pub fn after_opening(body: &str) -> Option<&str> {
    opening_with_host_line(body).map(|(after, _, _)| after)
}

/// [`after_opening`] and, in the same pass, the first line [`opening_host`]
/// reads among the lines it reads: the text after the opening, that line
/// (if one was read), and the text not read (after the opening line, or
/// nothing when the whole text was read to find the signature). Most
/// opening lines name the host, so the text is then not read again.
fn opening_with_host_line(body: &str) -> Option<(&str, Option<&str>, &str)> {
    // Searchers built once: every opening line is searched.
    static POSTFIX: Needle = Needle::new("Postfix");
    static MAIL_SYSTEM: Needle = Needle::new("mail system");
    let mut pos = 0;
    let mut signature: Option<usize> = None;
    let mut host_line: Option<&str> = None;
    for line in bounce_core::text::split_inclusive_lf(body) {
        let end = pos + line.len();
        let t = line.trim();
        // `trim` and `trim_start` (what `first_host_line` reads) leave the
        // same start, and a line that starts with "This is the" is the
        // only kind either reads further.
        if t.starts_with("This is the") {
            if host_line.is_none() {
                host_line = Some(without_line_break(line)).filter(|l| AT_HOST.contains(l));
            }
            if POSTFIX.contains(t) || MAIL_SYSTEM.contains(t) {
                return Some((&body[end..], host_line, &body[end..]));
            }
        }
        if signature.is_none() && (t == "The mail system" || t.starts_with("The Postfix program")) {
            signature = Some(end);
        }
        pos = end;
    }
    signature.map(|at| (&body[at..], host_line, ""))
}

/// A line of `split_inclusive_lf` as `lines_lf` gives it.
fn without_line_break(line: &str) -> &str {
    match line.strip_suffix('\n') {
        Some(l) => l.strip_suffix('\r').unwrap_or(l),
        None => line,
    }
}

/// The searcher of ` at host `, built once: every notice's opening is
/// searched.
static AT_HOST: Needle = Needle::new(" at host ");

/// The host an opening line names (`This is the mail system at host
/// HOST.`): the server that wrote the notice.
pub fn opening_host(body: &str) -> Option<&str> {
    host_of_line(first_host_line(body)?)
}

/// The first line of `text` (as `lines_lf` gives it) that [`opening_host`]
/// reads the host from.
fn first_host_line(text: &str) -> Option<&str> {
    bounce_core::text::lines_lf(text)
        .find(|l| l.trim_start().starts_with("This is the") && AT_HOST.contains(l))
}

/// The host a line of [`first_host_line`] names, if it names one.
fn host_of_line(line: &str) -> Option<&str> {
    // What `split(" at host ").nth(1)` yields: from the first occurrence
    // to the next one (or the end).
    let after = &line[AT_HOST.find(line)? + AT_HOST.as_str().len()..];
    let piece = AT_HOST.find(after).map_or(after, |end| &after[..end]);
    let host = piece.trim().trim_end_matches('.');
    (!host.is_empty() && !host.contains(' ')).then_some(host)
}

bounce_core::inventory::submit! {
    Provider {
        id: "postfix",
        kind: Kind::Mta,
        doc: include_str!("../README.md"),
        fingerprints: &[
            "X-Postfix-Queue-ID",
            "X-Postfix-Sender",
            "This is the mail system at host",
            "This is the Postfix program",
            "The Postfix program",
            "Undelivered Mail Returned to Sender",
            "Delayed Mail (still being retried)",
            "SMTP server: errors from",
        ],
        rhosts: &[],
        phrases: &[
            // Postfix quotes a bare refusal of the recipient with the command
            // it answered; Sisimai counts the two together as an unknown user.
            (Reason::UserUnknown, "recipient address rejected. (in reply to rcpt to command)"),
        ],
        matcher: &Postfix,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opening_lines() {
        assert!(
            after_opening("This is the mail system at host mx.example.jp.\n\nrest")
                .unwrap()
                .ends_with("rest")
        );
        assert!(
            after_opening("This is the Postfix program at host mx.example.jp.\nrest").is_some()
        );
        assert!(
            after_opening("hello\n                   The mail system\n\n<a@example.jp>: x\n")
                .unwrap()
                .contains("<a@")
        );
        assert!(after_opening("This is the qmail-send program at mx.example.jp.\n").is_none());
        assert!(after_opening("The original message was received at ...\n").is_none());
        assert_eq!(
            opening_host("\nThis is the Postfix program at host mv01.example.jp.\n"),
            Some("mv01.example.jp")
        );
        assert_eq!(opening_host("This is the mail system at host .\n"), None);
    }
}
