#![doc = include_str!("../README.md")]

use bounce_core::standard::rfc3464;
use bounce_core::{Command, Draft, Kind, Mail, Provider, ProviderMatcher, Reason, Report};

/// The subject of EZweb's notices.
const SUBJECT: &str = "Mail System Error - Returned Mail";

/// EZweb's English sentences that say why, and the reason each means.
const SENTENCES: &[(&str, Reason, &str)] = &[
    (
        "The user(s) account is disabled.",
        Reason::Suspend,
        "ezweb:account-disabled",
    ),
    (
        "The user(s) account is temporarily limited.",
        Reason::Suspend,
        "ezweb:account-limited",
    ),
    (
        "The user(s) account is temporarily over quota",
        Reason::MailboxFull,
        "ezweb:over-quota",
    ),
    (
        "Your message was not delivered within ",
        Reason::Expired,
        "ezweb:not-delivered-within",
    ),
];

struct Ezweb;

impl ProviderMatcher for Ezweb {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        if !from_ezweb(mail) {
            return None;
        }
        let (explanation, mut recipients) = read_notice(mail.body());
        if recipients.is_empty() {
            return None;
        }
        let said = SENTENCES.iter().find(|(s, _, _)| explanation.contains(s));
        // au's spam filter marks what it refused with `X-SPASIGN: NG`, on
        // the notice or on the returned message.
        let ng = |v: &str| v.trim().eq_ignore_ascii_case("NG");
        let spam_filtered = mail.header("X-SPASIGN").is_some_and(|v| ng(&v))
            || mail.original_headers().is_some_and(|h| {
                bounce_core::text::header_fields(h)
                    .iter()
                    .any(|f| f.name.eq_ignore_ascii_case("X-SPASIGN") && ng(&f.value))
            });
        let dsn = mail.dsn().map(rfc3464::recipients).unwrap_or_default();
        for d in &mut recipients {
            if d.diagnosis.is_empty() {
                d.diagnosis.clone_from(&explanation);
            } else if said.is_some() {
                // The sentence says why; the reply after it says how.
                d.diagnosis = format!("{explanation} {}", d.diagnosis);
            }
            if spam_filtered {
                d.reason = Some(Reason::Filtered);
                d.rule = "ezweb:x-spasign-ng";
            } else if let Some(&(_, reason, rule)) = said {
                d.reason = Some(reason);
                d.rule = rule;
            }
            if let Some(f) = dsn
                .iter()
                .find(|f| f.recipient.eq_ignore_ascii_case(&d.recipient))
            {
                d.status = f.status;
                d.action.clone_from(&f.action);
                d.lhost.clone_from(&f.lhost);
            }
        }
        Some(Report::new(recipients))
    }
}

/// Whether au's EZweb mail system wrote the notice.
fn from_ezweb(mail: &Mail<'_>) -> bool {
    let from = mail.from_address().to_ascii_lowercase();
    if from == "postmaster@ezweb.ne.jp" || from == "postmaster@au.com" {
        return true;
    }
    mail.subject() == SUBJECT
        && (mail
            .message_id()
            .is_some_and(|id| id.ends_with(".ezweb.ne.jp") || id.ends_with(".au.com"))
            || mail.headers().any(|(name, value)| {
                name.eq_ignore_ascii_case("Received") && value.contains("(EZweb Mail)")
            }))
}

/// The notice's English explanation (its sentences before the first
/// recipient, joined), and one draft per recipient: `<address>` alone,
/// `<address>: reply`, or `Recipient: <address>` followed by the transcript
/// (`>>> RCPT TO:<...>`, `<<< 550 ...`).
fn read_notice(body: &str) -> (String, Vec<Draft>) {
    let mut explanation: Vec<&str> = Vec::new();
    let mut recipients: Vec<Draft> = Vec::new();
    let mut words: Vec<Vec<&str>> = Vec::new();
    for line in body.lines().map(str::trim) {
        if let Some((addr, rest)) = recipient_line(line) {
            recipients.push(Draft::new(addr));
            words.push(if rest.is_empty() {
                Vec::new()
            } else {
                vec![rest]
            });
            continue;
        }
        if line.is_empty() || !line.is_ascii() {
            // The Japanese half of the notice says the same as the English.
            continue;
        }
        match (recipients.last_mut(), words.last_mut()) {
            (Some(d), Some(w)) => {
                if let Some(sent) = line.strip_prefix(">>>") {
                    d.command = Command::parse(sent);
                } else if let Some(reply) = line.strip_prefix("<<<") {
                    w.push(reply.trim());
                }
            }
            _ if !line.ends_with(':') => explanation.push(line),
            _ => {}
        }
    }
    for (d, w) in recipients.iter_mut().zip(&words) {
        d.diagnosis = w.join(" ");
        if d.command.is_none() {
            d.command = Command::find(&d.diagnosis);
        }
    }
    (explanation.join(" "), recipients)
}

/// The address a recipient line names, and what follows it on the line.
fn recipient_line(line: &str) -> Option<(&str, &str)> {
    let line = line
        .strip_prefix("Recipient:")
        .map_or(line, str::trim_start);
    let inner_end = line.find('>')?;
    let addr = line.strip_prefix('<')?.get(..inner_end - 1)?;
    if !bounce_core::text::is_address(addr) {
        return None;
    }
    let rest = line[inner_end + 1..].trim_start_matches(':').trim();
    Some((addr, rest))
}

bounce_core::inventory::submit! {
    Provider {
        id: "ezweb",
        kind: Kind::Service,
        doc: include_str!("../README.md"),
        fingerprints: &["Postmaster@ezweb.ne.jp", "Postmaster@au.com", SUBJECT],
        rhosts: &[],
        phrases: &[],
        matcher: &Ezweb,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipient_lines() {
        assert_eq!(
            recipient_line("<a@ezweb.ne.jp>"),
            Some(("a@ezweb.ne.jp", ""))
        );
        assert_eq!(
            recipient_line("<a@ezweb.ne.jp>: 550 user unknown (in reply to RCPT TO command)"),
            Some((
                "a@ezweb.ne.jp",
                "550 user unknown (in reply to RCPT TO command)"
            ))
        );
        assert_eq!(
            recipient_line("Recipient: <a@ezweb.ne.jp>"),
            Some(("a@ezweb.ne.jp", ""))
        );
        assert_eq!(
            recipient_line("<<< 550 <a@ezweb.ne.jp>: User unknown"),
            None
        );
        assert_eq!(recipient_line("<not an address>"), None);
    }

    #[test]
    fn notices() {
        let body = "The user(s) account is disabled.\n\n<a@ezweb.ne.jp>\n";
        let (explanation, r) = read_notice(body);
        assert_eq!(explanation, "The user(s) account is disabled.");
        assert_eq!(r.len(), 1);
        let body = "Each of the following recipients was rejected by a remote\nmail server.\n\n    Recipient: <b@ezweb.ne.jp>\n    >>> RCPT TO:<b@ezweb.ne.jp>\n    <<< 550 <b@ezweb.ne.jp>: User unknown\n";
        let (_, r) = read_notice(body);
        assert_eq!(r[0].command, Some(Command::Rcpt));
        assert_eq!(r[0].diagnosis, "550 <b@ezweb.ne.jp>: User unknown");
    }
}
