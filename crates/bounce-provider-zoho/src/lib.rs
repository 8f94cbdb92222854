#![doc = include_str!("../README.md")]

use bounce_core::text::{find_address, is_address, Needle};
use bounce_core::{Draft, Kind, Mail, Provider, ProviderMatcher, ReplyCode, Report};

/// The opening of both of Zoho's notices ("... by mail delivery software."
/// for failures, "... by mail delivery system." for delays).
const OPENING: &str = "This message was created automatically by mail delivery";

/// The sentence of the delay warning.
const WARNING: &str = "THIS IS A WARNING MESSAGE ONLY";

struct Zoho;

impl ProviderMatcher for Zoho {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        let from = mail.from_address().to_ascii_lowercase();
        let by_zoho = from.strip_prefix("mailer-daemon@").is_some_and(|domain| {
            domain == "zoho.com"
                || domain.ends_with(".zoho.com")
                || domain.ends_with("zohomail.com")
        });
        if !by_zoho {
            return None;
        }
        let body = mail.body();
        // Searchers built once, where `str::find` builds one per call.
        static OPENING_AT: Needle = Needle::new(OPENING);
        static WARNING_AT: Needle = Needle::new(WARNING);
        let notice = &body[OPENING_AT.find(body)?..];
        let delayed = WARNING_AT.contains(notice);
        let mut recipients = Vec::new();
        let mut lines = notice.lines().map(str::trim).peekable();
        while let Some(line) = lines.next() {
            if line.starts_with("Received:") || line.starts_with("----- Transcript of session") {
                // The returned message's headers follow.
                break;
            }
            let Some(mut d) = recipient(line) else {
                continue;
            };
            // What follows belongs to this recipient: the rest of a wrapped
            // reply, or (after a blank line) the delay warning's schedule.
            while let Some(&next) = lines.peek() {
                if next.is_empty() && delayed {
                    lines.next();
                    continue;
                }
                if next.is_empty()
                    || next.starts_with("-----")
                    || next.starts_with("Received:")
                    || recipient(next).is_some()
                {
                    break;
                }
                d.diagnosis.push(' ');
                d.diagnosis.push_str(next);
                lines.next();
            }
            if delayed {
                d.action = "delayed".to_owned();
            }
            recipients.push(d);
        }
        if recipients.is_empty() {
            return None;
        }
        Some(Report {
            recipients,
            original: returned_headers(notice),
        })
    }
}

/// The header block of the returned message, which Zoho writes inline after
/// the report (`Received:from mail.zoho.com by mx.zohomail.com ...`).
fn returned_headers(notice: &str) -> Option<String> {
    // Searchers built once: every notice is searched.
    static RECEIVED: Needle = Needle::new("\nReceived:");
    static BLANK: Needle = Needle::new("\n\n");
    let start = RECEIVED.find(notice)? + 1;
    let rest = &notice[start..];
    let end = BLANK.find(rest).map_or(rest.len(), |n| n + 1);
    Some(rest[..end].to_owned())
}

/// A line that starts a recipient's report, in either notice.
fn recipient(line: &str) -> Option<Draft> {
    failure_line(line).or_else(|| status_line(line))
}

/// `user@example.org Invalid Address, ERROR_CODE :550, ERROR_CODE :5.1.1 ...`:
/// the address, then Zoho's verdict and the remote server's reply, each
/// part after `ERROR_CODE :`.
fn failure_line(line: &str) -> Option<Draft> {
    let (addr, rest) = line.split_once(' ')?;
    if !is_address(addr) || !rest.contains("ERROR_CODE") {
        return None;
    }
    let mut d = Draft::new(addr);
    d.diagnosis = rest.trim().to_owned();
    d.replycode = rest
        .split("ERROR_CODE :")
        .skip(1)
        .find_map(|part| ReplyCode::parse(part.trim().trim_end_matches(',')));
    Some(d)
}

/// `[Status: Error, Address: <user@example.org>, ResponseCode 421, , Host not reachable.]`.
fn status_line(line: &str) -> Option<Draft> {
    let inner = line.strip_prefix("[Status:")?;
    let addr = find_address(
        inner
            .split(',')
            .find(|p| p.trim_start().starts_with("Address:"))?,
    )?;
    let mut d = Draft::new(addr);
    d.diagnosis = line.to_owned();
    d.replycode = inner
        .split(',')
        .find_map(|p| p.trim().strip_prefix("ResponseCode"))
        .and_then(ReplyCode::parse);
    Some(d)
}

bounce_core::inventory::submit! {
    Provider {
        id: "zoho",
        kind: Kind::Service,
        doc: include_str!("../README.md"),
        fingerprints: &["X-Mailer: Zoho Mail", "mailer-daemon@mail.zoho.com"],
        rhosts: &[],
        phrases: &[],
        matcher: &Zoho,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failure_lines() {
        let d = failure_line("a@example.org Invalid Address, ERROR_CODE :550, ERROR_CODE :5.1.1 <a@example.org>... User Unknown").unwrap();
        assert_eq!(d.recipient, "a@example.org");
        assert_eq!(d.replycode.map(|c| c.get()), Some(550));
        assert!(d.diagnosis.starts_with("Invalid Address"));
        assert!(failure_line("To:<a@example.org>").is_none());
        assert!(failure_line("a@example.org wrote a letter").is_none());
    }

    #[test]
    fn status_lines() {
        let d = status_line(
            "[Status: Error, Address: <a@example.org>, ResponseCode 421, , Host not reachable.]",
        )
        .unwrap();
        assert_eq!(d.recipient, "a@example.org");
        assert_eq!(d.replycode.map(|c| c.get()), Some(421));
        assert!(status_line("[Status: Error]").is_none());
    }
}
