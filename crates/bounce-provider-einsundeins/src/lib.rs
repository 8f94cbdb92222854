#![doc = include_str!("../README.md")]

use bounce_core::text::{self, is_address, Needle};
use bounce_core::{Command, Draft, Kind, Mail, Provider, ProviderMatcher, Report};

/// The first line of the notices of United Internet's MTA.
pub const OPENING: &str = "This message was created automatically by mail delivery software.";

/// The line between the notice and the returned message's headers.
pub const HEADER_FOLLOWS: &str = "--- The header of the original message is following. ---";

/// Labels that introduce the explanation of a recipient's failure.
const LABELS: &[&str] = &["For the following reason:", "Reason:"];

struct EinsUndEins;

impl ProviderMatcher for EinsUndEins {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        if !from_1and1(mail) {
            return None;
        }
        decode_notice(mail.body())
    }
}

/// Whether 1&1's (IONOS's) mail system wrote the bounce: its mailer daemon
/// at `kundenserver.de` (or an IONOS or 1&1 domain), or a pointer to 1&1's
/// postmaster pages in the text of a bounce that is not GMX's (GMX runs the
/// same system: see the `gmx` provider).
fn from_1and1(mail: &Mail<'_>) -> bool {
    let from = mail.from_address().to_ascii_lowercase();
    let domain = from.rsplit_once('@').map_or("", |(_, d)| d);
    let under = |m: &str| domain.starts_with(m) || domain.contains(&format!(".{m}"));
    if ["kundenserver.", "ionos.", "1and1.", "1und1."]
        .iter()
        .any(|m| under(m))
    {
        return true;
    }
    !under("gmx.")
        && mail.header("X-GMX-Antispam").is_none()
        && mail.body().contains("postmaster.1and1.com")
}

/// Reads a notice of United Internet's MTA (1&1, IONOS, GMX, WEB.DE): after
/// the opening, each failed address alone on a line (bare, in brackets or
/// quotes, maybe with a colon), then what went wrong, up to the header of the
/// returned message, which becomes [`Report::original`].
///
/// The explanation is either the remote server's error (`SMTP error from
/// remote server after RCPT command:` / `host: mx.example.org` / the reply,
/// or on one line `SMTP error from remote server for TEXT command, host: HOST
/// (IP) reason: REPLY`) or the MTA's own words after "Reason:" or "For the
/// following reason:". GMX's provider reads its notices with this too.
pub fn decode_notice(body: &str) -> Option<Report> {
    // Searchers built once: every candidate's body is searched.
    static OPENING_AT: Needle = Needle::new(OPENING);
    static HEADER_AT: Needle = Needle::new(HEADER_FOLLOWS);
    let start = OPENING_AT.find(body)?;
    let text = &body[start + OPENING.len()..];
    let (notice, header) = match HEADER_AT.find(text) {
        Some(end) => (&text[..end], Some(&text[end + HEADER_FOLLOWS.len()..])),
        None => (text, None),
    };
    let mut recipients: Vec<Draft> = Vec::new();
    let mut words: Vec<Vec<&str>> = Vec::new();
    for line in notice.lines().map(str::trim) {
        if let Some(addr) = address_line(line) {
            recipients.push(Draft::new(addr));
            words.push(Vec::new());
            continue;
        }
        let (Some(d), Some(w)) = (recipients.last_mut(), words.last_mut()) else {
            continue;
        };
        if line.is_empty() || LABELS.contains(&line) {
            continue;
        }
        if let Some(rest) = line.strip_prefix("SMTP error from remote server") {
            d.command = stage(rest);
            if let Some((_, after)) = rest.split_once("host: ") {
                // One line: `..., host: HOST (IP) reason: REPLY`.
                d.rhost = after.split([' ', '(']).next().unwrap_or("").to_owned();
                if let Some((_, reply)) = after.split_once("reason:") {
                    w.push(reply.trim());
                }
            }
            continue;
        }
        if let Some(host) = line.strip_prefix("host:") {
            d.rhost = host.trim().to_owned();
            continue;
        }
        w.push(line);
    }
    if recipients.is_empty() {
        return None;
    }
    for (d, w) in recipients.iter_mut().zip(&words) {
        d.diagnosis = w.join(" ");
    }
    Some(Report {
        recipients,
        original: header
            .and_then(|h| text::leading_header_block(h.trim_start_matches(['\n', ' ', '\t']))),
    })
}

/// `user@example.org`, `<user@example.org>`, `"user@example.org":` alone on
/// a line: the address.
fn address_line(line: &str) -> Option<&str> {
    let inner = line.strip_suffix(':').unwrap_or(line).trim();
    let inner = inner
        .strip_prefix('"')
        .and_then(|l| l.strip_suffix('"'))
        .or_else(|| inner.strip_prefix('<').and_then(|l| l.strip_suffix('>')))
        .unwrap_or(inner);
    is_address(inner).then_some(inner)
}

/// ` after RCPT command:` or ` for TEXT command, host: ...`: the command the
/// error answered. `TEXT` is the message text, answered at the end of DATA.
fn stage(rest: &str) -> Option<Command> {
    let before = rest.split(" command").next()?;
    let word = before.rsplit(' ').next()?;
    if word.eq_ignore_ascii_case("TEXT") {
        return Some(Command::EndOfData);
    }
    Command::parse(word)
}

bounce_core::inventory::submit! {
    Provider {
        id: "einsundeins",
        kind: Kind::Service,
        doc: include_str!("../README.md"),
        fingerprints: &[HEADER_FOLLOWS],
        rhosts: &[],
        phrases: &[],
        matcher: &EinsUndEins,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices() {
        let body = "This message was created automatically by mail delivery software.\n\n\
A message that you sent could not be delivered to one or more of\nits recipients. This is a permanent error. The following address\nfailed:\n\n\
\"a@example.org\":\nSMTP error from remote server after RCPT command:\nhost: mx.example.org\n5.1.1 <a@example.org>... User Unknown\n\
<b@example.org>\n\nReason:\ndelivery retry timeout exceeded\n\n\
c@example.org:\nSMTP error from remote server for TEXT command, host: mx.example.net (192.0.2.1) reason: 550 5.7.1 rejected\n\n\
--- The header of the original message is following. ---\n\nFrom: s@example.com\nSubject: hi\n\nbody\n";
        let r = decode_notice(body).unwrap();
        assert_eq!(r.recipients.len(), 3);
        let a = &r.recipients[0];
        assert_eq!(
            (a.recipient.as_str(), a.rhost.as_str(), a.command),
            ("a@example.org", "mx.example.org", Some(Command::Rcpt))
        );
        assert_eq!(a.diagnosis, "5.1.1 <a@example.org>... User Unknown");
        assert_eq!(r.recipients[1].diagnosis, "delivery retry timeout exceeded");
        let c = &r.recipients[2];
        assert_eq!(
            (c.rhost.as_str(), c.command),
            ("mx.example.net", Some(Command::EndOfData))
        );
        assert_eq!(c.diagnosis, "550 5.7.1 rejected");
        assert_eq!(
            r.original.as_deref(),
            Some("From: s@example.com\nSubject: hi\n")
        );
    }

    #[test]
    fn address_lines() {
        assert_eq!(address_line("\"a@example.org\":"), Some("a@example.org"));
        assert_eq!(address_line("<a@example.org>"), Some("a@example.org"));
        assert_eq!(address_line("a@example.org"), Some("a@example.org"));
        assert_eq!(address_line("mail a@example.org now"), None);
    }
}
