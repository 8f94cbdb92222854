//! The last resort: in a message that looks like a bounce (from a mailer
//! daemon or postmaster, or with a subject that says delivery failed), every
//! line that names an email address and carries an SMTP reply code or an
//! enhanced status code is a failed recipient, with that line and the next
//! few as the diagnostic.

use crate::fact::{Draft, Report};
use crate::mail::Mail;
use crate::rules::Markers;
use crate::smtp::{Command, ReplyCode, Status};
use crate::text;

const SENDERS: &[&str] = &[
    "mailer-daemon",
    "postmaster",
    "mail delivery",
    "maildelivery",
    "mdaemon",
    "mail administrator",
];
const SUBJECTS: &[&str] = &[
    "undeliver",
    "undelivered",
    "returned mail",
    "return mail",
    "delivery fail",
    "delivery status",
    "failure notice",
    "could not be delivered",
    "not delivered",
    "delivery problem",
    "mail delivery",
    "non-delivery",
    "nondeliverable",
    "rejected",
    "warning: could not send",
    "配信",
    "エラー",
];

/// Scans a bounce-like message's text for failed recipients.
pub fn decode(mail: &Mail<'_>) -> Option<Report> {
    if !looks_like_bounce(mail) {
        return None;
    }
    let body = cut_original(mail.body());
    let sender = mail.to_address().to_ascii_lowercase();
    let lines: Vec<&str> = body.lines().collect();
    let mut out: Vec<Draft> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(addr) = text::find_address(line) else {
            continue;
        };
        let lower = addr.to_ascii_lowercase();
        if lower == sender
            || lower.starts_with("mailer-daemon@")
            || lower.starts_with("postmaster@")
        {
            continue;
        }
        // The code may be on the address line or on the lines right after it.
        let window = lines[i..lines.len().min(i + 4)].join(" ");
        let reply = ReplyCode::find(&window);
        let status = Status::find(&window);
        if reply.is_none() && status.is_none() {
            continue;
        }
        if out.iter().any(|d| d.recipient.eq_ignore_ascii_case(addr)) {
            continue;
        }
        let mut d = Draft::new(addr);
        d.diagnosis = crate::dispatch::squeeze(&window);
        // Pasted text (no headers) that names no command: an address-level
        // refusal is, in the usual case, the answer to RCPT.
        if !mail.has_headers() && Command::find(&d.diagnosis).is_none() {
            d.command = Some(Command::Rcpt);
        }
        out.push(d);
    }
    (!out.is_empty()).then(|| Report::new(out))
}

/// Whether the sender or the subject says this is a delivery failure.
pub fn looks_like_bounce(mail: &Mail<'_>) -> bool {
    if !mail.has_headers() {
        return true;
    }
    let from = mail.from_text().to_ascii_lowercase();
    let subject = mail.subject().to_lowercase();
    SENDERS.iter().any(|s| from.contains(s)) || SUBJECTS.iter().any(|s| subject.contains(s))
}

/// The lines that usually separate a notice from the returned original.
const CUT_MARKERS: [&str; 8] = [
    "--- Below this line is a copy of the message",
    "------ This is a copy of the message",
    "----- Original message -----",
    "----- Original Message -----",
    "Original message follows",
    "------ Returned message ------",
    "--- The header of the original message is following",
    "Content-Type: message/rfc822",
];

/// The text before the returned original, if a usual marker separates them.
pub fn cut_original(body: &str) -> &str {
    // No marker holds another, so the first to start is the first to end:
    // the one an automaton of the standard kind reports. An NFA of the
    // leftmost kind is a tenth of the cost of that automaton to build.
    static MARKERS: Markers = Markers::new(&CUT_MARKERS);
    match MARKERS.first(body) {
        Some((at, _)) => &body[..at],
        None => body,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_original_is_cut_where_the_standard_automaton_cut_it() {
        let standard = aho_corasick::AhoCorasick::new(CUT_MARKERS).unwrap();
        for body in [
            "",
            "no marker",
            "text\n----- Original message follows\nrest",
            "a\n------ This is a copy of the message, including headers\nb",
            "x Content-Type: message/rfc822 --- Below this line is a copy of the message",
            "----- Original Message ----- Original message follows",
            "------ Returned message ------ Content-Type: message/rfc822",
        ] {
            let expected = standard.find(body).map_or(body, |m| &body[..m.start()]);
            assert_eq!(cut_original(body), expected, "{body:?}");
        }
    }
}
