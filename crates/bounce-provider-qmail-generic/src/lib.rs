#![doc = include_str!("../README.md")]

use bounce_core::rules::{self, Markers};
use bounce_core::smtp::{Command, ReplyCode};
use bounce_core::text::{self, Needle};
use bounce_core::{Draft, Kind, Mail, Provider, ProviderMatcher, Reason, Report};
use std::sync::LazyLock;

/// Sentences that open the list of failed recipients: qmail-send's own
/// (`qmail-send.c`), and those of the qmail forks and translations that keep
/// its layout (netqmail, indimail, notqmail, vpopmail hosts, Spanish patches,
/// Yahoo! JAPAN's MTA).
const INTROS: &[&str] = &[
    "Hi. This is the qmail",
    "I'm afraid I wasn't able to deliver your message to the following addresses",
    "unable to deliver your message to the following addresses",
    "Unable to deliver message to the following address",
    "Su mensaje no pudo ser entregado",
    "He/Her is not ",
    "This is the machine generated message from mail service",
    "This is the mail delivery agent at",
    "Unfortunately, your mail was not delivered to the following address:",
    "Your message to the following addresses",
    "We're sorry.",
];

/// [`INTROS`], looked for in one pass.
static INTRO: Markers = Markers::new(INTROS);

/// [`BOUNDARIES`], looked for in one pass.
static BOUNDARY: Markers = Markers::new(BOUNDARIES);

/// Lines after which the returned message is copied inline.
const BOUNDARIES: &[&str] = &[
    "--- Below this line is a copy of the message.",
    "--- Below this line is a copy of the mail header.",
    "--- Below the next line is a copy of the message.",
    "--- Enclosed is a copy of the message.",
    "--- Enclosed are the original headers of the message.",
    "--- Mensaje original adjunto.",
    "--- Original message follows.",
    "Original message follows.",
];

/// What qmail-remote says of each SMTP stage (`qmail-remote.c`), and the
/// command it means. Searchers built once: each recipient's text is
/// searched for them.
static STAGES: [(Needle, Command); 6] = [
    (Needle::new(" but greeting failed."), Command::Connect),
    (Needle::new(" but my name was rejected."), Command::Ehlo),
    (Needle::new(" but sender was rejected."), Command::Mail),
    (Needle::new(" does not like recipient."), Command::Rcpt),
    (Needle::new(" failed on DATA command"), Command::Data),
    (
        Needle::new(" failed after I sent the message"),
        Command::EndOfData,
    ),
];

/// qmail's own explanations (qmail-send, qmail-remote, qmail-local, the
/// qmail-ldap patch, vpopmail's vdelivermail), used only when no remote
/// server's reply is quoted: then they are the whole story. The first match
/// wins; the queue lifetime comes last because it is only appended to
/// whatever the last attempt said.
const OWN_WORDS: &[(Reason, &str, &str)] = &[
    // qmail-remote: the domain has neither MX nor A record (a null MX too).
    (
        Reason::NotAccept,
        "sorry, i couldn't find a mail exchanger or ip address",
        "qmail:no-mx",
    ),
    (
        Reason::HostUnknown,
        "sorry, i couldn't find any host ",
        "qmail:no-such-host",
    ),
    (
        Reason::UserUnknown,
        "no mailbox here by that name",
        "qmail:no-mailbox",
    ),
    (
        Reason::UserUnknown,
        " does not like recipient.",
        "qmail:recipient-refused",
    ),
    (Reason::MailboxFull, "disk quota exceeded", "qmail:quota"),
    (
        Reason::EmailTooLarge,
        "message size exceeds fixed maximum message size",
        "qmail:size",
    ),
    (
        Reason::EmailTooLarge,
        "the message exeeded the maximum size the user accepts",
        "qmail-ldap:size",
    ),
    (
        Reason::SystemFull,
        "mailbox unavailable (not enough free space)",
        "qmail:no-space",
    ),
    (
        Reason::Suspend,
        "mailaddress is administrative disabled",
        "qmail-ldap:disabled",
    ),
    (
        Reason::Suspend,
        "account is locked email bounced",
        "vpopmail:locked",
    ),
    (
        Reason::NetworkError,
        "sorry, i wasn't able to establish an smtp connection",
        "qmail:no-connection",
    ),
    (
        Reason::NetworkError,
        "although i'm listed as a best-preference mx or a for that host",
        "qmail:mx-loop",
    ),
    (
        Reason::NetworkError,
        "this message is looping: it already has my delivered-to line",
        "qmail:looping",
    ),
    (
        Reason::SystemError,
        "automatic homedir creator crashed",
        "qmail-ldap:system",
    ),
    (
        Reason::SystemError,
        "illegal value in ldap attribute",
        "qmail-ldap:system",
    ),
    (
        Reason::SystemError,
        "ldap attribute is not given but mandatory",
        "qmail-ldap:system",
    ),
    (
        Reason::SystemError,
        "timeout while performing search on ldap server",
        "qmail-ldap:system",
    ),
    (
        Reason::SystemError,
        "too many results returned but needs to be unique",
        "qmail-ldap:system",
    ),
    (
        Reason::SystemError,
        "error while executing qmail-forward",
        "qmail-ldap:system",
    ),
    (
        Reason::SystemError,
        "temporary error in automatic homedir creation",
        "qmail-ldap:system",
    ),
    (
        Reason::SystemError,
        "temporary failure in ldap lookup",
        "qmail-ldap:system",
    ),
    (
        Reason::SystemError,
        "unable to contact ldap server",
        "qmail-ldap:system",
    ),
    (
        Reason::SystemError,
        "unable to login into ldap server",
        "qmail-ldap:system",
    ),
    (
        Reason::SystemError,
        "bad interpreter: no such file or directory",
        "qmail:system",
    ),
    (Reason::SystemError, "system error", "qmail:system"),
    (Reason::SystemError, "unable to ", "qmail:system"),
    (
        Reason::Expired,
        "this message has been in the queue too long",
        "qmail:queue-lifetime",
    ),
];

/// Whether the headers say qmail wrote this: its fixed Subject, the
/// `Received: (qmail NNN invoked for bounce)` line qmail-send adds (indimail
/// writes `(invoked for bounce)` on a continuation line), or qmail-send
/// introducing itself in the text.
pub fn is_qmail(mail: &Mail<'_>) -> bool {
    if mail.subject().trim().eq_ignore_ascii_case("failure notice") {
        return true;
    }
    let received = mail.headers().any(|(name, value)| {
        name.eq_ignore_ascii_case("Received")
            && (value.contains("invoked for bounce") || value.contains("invoked from network"))
    });
    // The searcher built once: a candidate without the header is searched.
    static PROGRAM: Needle = Needle::new("This is the qmail-send program at");
    received || PROGRAM.contains(mail.body())
}

/// Decodes a qmail bounce: checks the headers ([`is_qmail`]), then reads the
/// text with [`decode_text`].
pub fn decode(mail: &Mail<'_>) -> Option<Report> {
    if !is_qmail(mail) {
        return None;
    }
    decode_text(mail.body())
}

/// Reads a qmail-style notice: the recipients listed as `<addr>:` lines after
/// one of the known opening sentences, each followed by what qmail (and the
/// remote server) said, up to the copy of the message. The inline copy's
/// header block, if any, becomes [`Report::original`]. Does not look at the
/// headers, so that services that keep qmail's layout under other headers
/// can call it.
pub fn decode_text(body: &str) -> Option<Report> {
    let (start, _) = INTRO.first(body)?;
    let start = body[..start].rfind('\n').map_or(0, |n| n + 1);
    let (notice, original) = split_original(&body[start..]);
    let lhost = local_host(notice);

    let blocks = rules::headed_blocks(text::lines_lf(notice), rules::bracketed_address);
    let recipients: Vec<Draft> = blocks
        .iter()
        .map(|(addr, lines)| draft(addr, lines, lhost))
        .collect();
    if recipients.is_empty() {
        return None;
    }
    Some(Report {
        recipients,
        original: original.map(str::to_owned),
    })
}

/// The notice, and the header block of the copy that follows it.
fn split_original(text: &str) -> (&str, Option<&str>) {
    let Some((at, marker)) = BOUNDARY.first(text).map(|(p, i)| (p, BOUNDARIES[i])) else {
        return (text, None);
    };
    let rest = text[at + marker.len()..]
        .split_once('\n')
        .map_or("", |(_, r)| r);
    let rest = rest.trim_start_matches(['\n', ' ', '\t']);
    // The searcher built once: the copy's header block ends at it.
    static BLANK: Needle = Needle::new("\n\n");
    let end = BLANK.find(rest).map_or(rest.len(), |n| n + 1);
    let block = &rest[..end];
    let is_header = block.lines().next().is_some_and(|l| {
        l.split_once(':')
            .is_some_and(|(n, _)| !n.is_empty() && !n.contains(' '))
    });
    (&text[..at], is_header.then_some(block))
}

/// `Hi. This is the qmail-send program at mx.example.jp.` → `mx.example.jp`.
fn local_host(notice: &str) -> &str {
    // Searchers built once: every notice is searched.
    static PROGRAM_AT: Needle = Needle::new(" program at ");
    static AGENT_AT: Needle = Needle::new("This is the mail delivery agent at ");
    for marker in [&PROGRAM_AT, &AGENT_AT] {
        if let Some(p) = marker.find(notice) {
            let rest = &notice[p + marker.as_str().len()..];
            let host = rest.split([' ', '\n']).next().unwrap_or("");
            return host.trim_end_matches(['.', ',', ':']);
        }
    }
    ""
}

fn draft(addr: &str, lines: &[&str], lhost: &str) -> Draft {
    let diagnosis = lines.join(" ");
    let mut d = Draft::new(addr);
    d.lhost = lhost.to_owned();
    d.rhost = remote_host(&diagnosis).to_owned();
    d.command = STAGES
        .iter()
        .find(|(m, _)| m.contains(&diagnosis))
        .map(|&(_, c)| c)
        .or_else(|| Command::find(&diagnosis));
    let remote = remote_reply(&diagnosis);
    if let Some(r) = remote {
        d.replycode = ReplyCode::find(r);
    }
    if matches!(d.command, Some(Command::Ehlo | Command::Helo)) {
        // Refused for the name we gave: a block of our host, whatever
        // the queue lifetime says afterwards.
        d.reason = Some(Reason::Blocked);
        d.rule = "qmail:helo-rejected";
    } else if remote.is_none() {
        // Searchers built once, one per row, in the table's order: the
        // first row whose words are there decides, as `str::contains` row
        // by row would find it without building a searcher per row.
        static OWN_NEEDLES: LazyLock<Vec<Needle>> = LazyLock::new(|| {
            OWN_WORDS
                .iter()
                .map(|&(_, words, _)| Needle::new(words))
                .collect()
        });
        let lower = diagnosis.to_ascii_lowercase();
        if let Some(&(reason, _, rule)) = OWN_WORDS
            .iter()
            .zip(OWN_NEEDLES.iter())
            .find(|(_, needle)| needle.contains(&lower))
            .map(|(row, _)| row)
        {
            d.reason = Some(reason);
            d.rule = rule;
        }
    }
    d.diagnosis = diagnosis;
    d
}

/// `remote host `, which names the server in its summary.
static REMOTE_HOST: Needle = Needle::new("remote host ");

/// The remote server's words: after `Remote host said:`, or after `said:` in
/// the "no SMTP connection got far enough" summary of qmail-remote patches.
fn remote_reply(diagnosis: &str) -> Option<&str> {
    static REMOTE_SAID: Needle = Needle::new("Remote host said:");
    static SAID: Needle = Needle::new(" said:");
    if let Some(p) = REMOTE_SAID.find(diagnosis) {
        return Some(diagnosis[p + "Remote host said:".len()..].trim_start());
    }
    let p = REMOTE_HOST.find(diagnosis)?;
    let q = SAID.find(&diagnosis[p..])?;
    Some(diagnosis[p + q + " said:".len()..].trim_start())
}

/// The server qmail-remote talked to, from `Giving up on HOST.`,
/// `Connected to HOST but ...`, `remote host HOST said:` or the address that
/// starts `HOST does not like recipient.` and the like.
fn remote_host(diagnosis: &str) -> &str {
    static GIVING_UP: Needle = Needle::new("Giving up on ");
    static CONNECTED: Needle = Needle::new("Connected to ");
    for marker in [&GIVING_UP, &CONNECTED, &REMOTE_HOST] {
        if let Some(p) = marker.find(diagnosis) {
            let host = diagnosis[p + marker.as_str().len()..]
                .split(' ')
                .next()
                .unwrap_or("");
            let host = host.trim_end_matches(['.', ',', ';', ':']);
            if is_host(host) {
                return host;
            }
        }
    }
    for (marker, _) in &STAGES[3..] {
        if let Some(p) = marker.find(diagnosis) {
            let host = diagnosis[..p].rsplit(' ').next().unwrap_or("");
            if is_host(host) {
                return host;
            }
        }
    }
    ""
}

fn is_host(s: &str) -> bool {
    !s.is_empty()
        && (s.contains('.') || s.contains(':'))
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".-:[]_".contains(&b))
}

struct Qmail;

impl ProviderMatcher for Qmail {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        decode(mail)
    }
}

bounce_core::inventory::submit! {
    Provider {
        id: "qmail-generic",
        kind: Kind::Mta,
        doc: include_str!("../README.md"),
        fingerprints: &[
            "qmail-send program",
            "invoked for bounce",
            "wasn't able to deliver your message to the following addresses",
            "Below this line is a copy of the message",
            "Unable to deliver message to the following address",
            "Su mensaje no pudo ser entregado",
        ],
        rhosts: &[],
        phrases: &[],
        matcher: &Qmail,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOTICE: &str = "Hi. This is the qmail-send program at mx.example.jp.\n\
I'm afraid I wasn't able to deliver your message to the following addresses.\n\
This is a permanent error; I've given up. Sorry it didn't work out.\n\
\n\
<one@example.org>:\n\
192.0.2.7 does not like recipient.\n\
Remote host said: 550 5.1.1 <one@example.org>... User unknown\n\
Giving up on 192.0.2.7.\n\
\n\
<two@example.net>:\n\
Connected to 192.0.2.9 but my name was rejected.\n\
Remote host said: 501 5.5.4 Invalid name\n\
\n\
<three@example.jp>:\n\
Sorry, no mailbox here by that name. (#5.1.1)\n\
\n\
--- Below this line is a copy of the message.\n\
\n\
Return-Path: <sender@example.jp>\n\
Subject: hello\n\
\n\
body\n";

    #[test]
    fn reads_each_recipient_block() {
        let r = decode_text(NOTICE).unwrap();
        assert_eq!(r.recipients.len(), 3);
        let [one, two, three] = &r.recipients[..] else {
            unreachable!()
        };
        assert_eq!(one.recipient, "one@example.org");
        assert_eq!(one.rhost, "192.0.2.7");
        assert_eq!(one.lhost, "mx.example.jp");
        assert_eq!(one.command, Some(Command::Rcpt));
        assert_eq!(one.replycode.map(|c| c.get()), Some(550));
        assert_eq!(one.reason, None, "a remote reply is left to the classifier");
        assert_eq!(
            (two.command, two.reason),
            (Some(Command::Ehlo), Some(Reason::Blocked))
        );
        assert_eq!(two.rhost, "192.0.2.9");
        assert_eq!(
            (three.reason, three.rule),
            (Some(Reason::UserUnknown), "qmail:no-mailbox")
        );
        assert_eq!(
            r.original.as_deref(),
            Some("Return-Path: <sender@example.jp>\nSubject: hello\n")
        );
    }

    #[test]
    fn queue_lifetime_comes_after_the_last_attempt() {
        let t = "Hi. This is the qmail-send program at mx.example.jp.\n\n<a@example.jp>:\n\
Sorry, I wasn't able to establish an SMTP connection. (#4.4.1)\n\
I'm not going to try again; this message has been in the queue too long.\n\n\
<b@example.jp>:\nTemporary error on maildir delivery. (#4.3.0)\n\
I'm not going to try again; this message has been in the queue too long.\n";
        let r = decode_text(t).unwrap();
        assert_eq!(r.recipients[0].reason, Some(Reason::NetworkError));
        assert_eq!(r.recipients[1].reason, Some(Reason::Expired));
        assert_eq!(r.original, None);
    }

    #[test]
    fn hosts_and_lines() {
        assert_eq!(
            rules::bracketed_address("<a@example.jp>:"),
            Some("a@example.jp")
        );
        assert_eq!(rules::bracketed_address("<a@example.jp>: x"), None);
        assert_eq!(
            rules::bracketed_address("From: <a@example.jp> RCPT: <b@example.jp> 192.0.2.1 failed"),
            None
        );
        assert_eq!(
            remote_host("From: <a@example.jp> RCPT: <b@example.jp> 192.0.2.1 failed after I sent the message."),
            "192.0.2.1"
        );
        assert_eq!(
            remote_reply("Sorry, no SMTP connection got far enough; most progress was RCPT TO response; remote host 192.0.2.3 said: 550 No"),
            Some("550 No")
        );
        assert_eq!(
            remote_host("remote host 192.0.2.3 said: 550 No"),
            "192.0.2.3"
        );
        assert!(decode_text("no qmail here\n<a@example.jp>:\nfoo\n").is_none());
    }
}
