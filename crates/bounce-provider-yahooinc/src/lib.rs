#![doc = include_str!("../README.md")]

mod rules;

use bounce_core::rules::{bracketed_address, headed_blocks};
use bounce_core::text::{self, Needle};
use bounce_core::{
    Command, Draft, Kind, Mail, Provider, ProviderMatcher, Reason, ReplyCode, Report,
};

/// The opening sentence of Yahoo's notices.
const OPENING: &str = "Sorry, we were unable to deliver your message to the following address";

/// The line that separates the notice from the returned message.
const COPY: &str = "--- Below this line is a copy of the message.";

struct YahooInc;

impl ProviderMatcher for YahooInc {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        decode_text(mail.body())
    }

    fn refine(&self, draft: &Draft) -> Option<(Reason, &'static str)> {
        rules::RULE.refine(draft)
    }
}

/// Reads a Yahoo notice: after the opening sentence, one block per recipient
/// (`<address>:` alone on a line, then what the remote host said, or Yahoo's
/// own words), up to the copy of the message, whose header block becomes
/// [`Report::original`].
fn decode_text(body: &str) -> Option<Report> {
    // Searchers built once: every candidate's body is searched.
    static OPENING_AT: Needle = Needle::new(OPENING);
    static COPY_AT: Needle = Needle::new(COPY);
    let start = OPENING_AT.find(body)?;
    let text = &body[start..];
    let (notice, copy) = match COPY_AT.find(text) {
        Some(end) => (&text[..end], Some(&text[end + COPY.len()..])),
        None => (text, None),
    };
    let blocks = headed_blocks(notice.lines().skip(1), bracketed_address);
    let recipients: Vec<Draft> = blocks
        .iter()
        .map(|(addr, lines)| draft(addr, lines))
        .collect();
    if recipients.is_empty() {
        return None;
    }
    Some(Report {
        recipients,
        original: copy
            .and_then(|c| text::leading_header_block(c.trim_start_matches(['\n', ' ', '\t', '.']))),
    })
}

/// One recipient's block: "Remote host said:" and the reply (on the same line
/// or the next ones), the stage in brackets (`[RCPT_TO]`), or Yahoo's own
/// sentence.
fn draft(addr: &str, lines: &[&str]) -> Draft {
    let mut d = Draft::new(addr);
    let mut words: Vec<&str> = Vec::new();
    for line in lines {
        let line = line
            .strip_prefix("Remote host said:")
            .unwrap_or(line)
            .trim();
        let line = match stage(line) {
            Some((rest, command)) => {
                d.command = Some(command);
                rest
            }
            None => line,
        };
        if !line.is_empty() {
            words.push(line);
        }
    }
    d.diagnosis = words.join(" ");
    d.replycode = leading_code(&d.diagnosis).or_else(|| ReplyCode::find(&d.diagnosis));
    if d.command.is_none() && d.replycode.is_some() && d.diagnosis.contains(&format!("<{addr}>")) {
        // A reply that names the recipient answered the recipient.
        d.command = Some(Command::Rcpt);
    }
    d
}

/// A trailing `[RCPT_TO]`, `[MAIL_FROM]` or `[DATA]`: the rest of the line
/// and the command.
fn stage(line: &str) -> Option<(&str, Command)> {
    let open = line.rfind('[')?;
    let inner = line[open + 1..].strip_suffix(']')?;
    if inner.is_empty() || !inner.bytes().all(|b| b.is_ascii_uppercase() || b == b'_') {
        return None;
    }
    let command = Command::parse(inner.split('_').next().unwrap_or(""))?;
    Some((line[..open].trim_end(), command))
}

/// The reply code a Yahoo line starts with, also when a colon follows it
/// (`501: 5.1.8 Sender address rejected`).
fn leading_code(text: &str) -> Option<ReplyCode> {
    let head = text.get(..3)?;
    let next = text[3..].chars().next();
    if next.is_some_and(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    ReplyCode::parse(head).filter(|r| r.class() >= 4)
}

bounce_core::inventory::submit! {
    Provider {
        id: "yahooinc",
        kind: Kind::Service,
        doc: include_str!("../README.md"),
        fingerprints: &[OPENING],
        rhosts: rules::RHOSTS,
        phrases: &[],
        matcher: &YahooInc,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks() {
        let body = "Sorry, we were unable to deliver your message to the following address.\n\n\
<a@example.org>:\nRemote host said: 550 5.1.1 <a@example.org>... User Unknown [RCPT_TO]\n\n\
<b@example.org>:\nRemote host said:\n552 5.2.2 <b@example.org>... Mailbox Full\n[RCPT_TO]\n\n\
<c@example.org>:\n501: 5.1.8 Sender address rejected\n\n\
<d@example.org>:\nUnable to deliver message after multiple retries, giving up.\n\n\
--- Below this line is a copy of the message.\n\nFrom: s@example.com\nSubject: hi\n\nbody\n";
        let r = decode_text(body).unwrap();
        assert_eq!(r.recipients.len(), 4);
        let a = &r.recipients[0];
        assert_eq!(a.diagnosis, "550 5.1.1 <a@example.org>... User Unknown");
        assert_eq!(a.command, Some(Command::Rcpt));
        assert_eq!(a.replycode.map(|c| c.get()), Some(550));
        assert_eq!(
            r.recipients[1].diagnosis,
            "552 5.2.2 <b@example.org>... Mailbox Full"
        );
        assert_eq!(r.recipients[1].command, Some(Command::Rcpt));
        assert_eq!(r.recipients[2].replycode.map(|c| c.get()), Some(501));
        assert_eq!(r.recipients[2].command, None);
        assert_eq!(r.recipients[3].replycode, None);
        assert_eq!(
            r.original.as_deref(),
            Some("From: s@example.com\nSubject: hi\n")
        );
    }

    #[test]
    fn stages() {
        assert_eq!(
            stage("554 INVALID IP [RCPT_TO]"),
            Some(("554 INVALID IP", Command::Rcpt))
        );
        assert_eq!(stage("[MAIL_FROM]"), Some(("", Command::Mail)));
        assert_eq!(stage("550 blocked [192.0.2.1]"), None);
        assert_eq!(leading_code("501: 5.1.8 x").map(|c| c.get()), Some(501));
        assert_eq!(leading_code("5011 x"), None);
        assert!(decode_text("nothing of Yahoo's here").is_none());
    }
}
