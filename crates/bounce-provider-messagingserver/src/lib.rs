#![doc = include_str!("../README.md")]

use bounce_core::standard::rfc3464;
use bounce_core::text::Needle;
use bounce_core::{text, Draft, Kind, Mail, Provider, ProviderMatcher, Reason, Report};

/// The first sentence of every report of the PMDF family.
const INTRO: &str = "This report relates to a message you sent with the following header fields:";

struct MessagingServer;

impl ProviderMatcher for MessagingServer {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        // The searcher built once: every candidate's body is searched.
        static INTRO_AT: Needle = Needle::new(INTRO);
        let body = mail.body();
        let start = INTRO_AT.find(body)?;
        let signed = mail.subject().starts_with("Delivery Notification: ")
            || mail
                .header("Content-Type")
                .is_some_and(|c| c.contains("Boundary_(ID_"));
        if !signed {
            return None;
        }
        let report = &body[start + INTRO.len()..];
        // When the MIME structure is broken the delivery-status fields and the
        // original follow the text inline; the fields start a line of their own.
        let (text_part, inline_dsn) = match dsn_start(report) {
            Some(at) => (&report[..at], Some(&report[at..])),
            None => (report, None),
        };
        let mut recipients = text_recipients(text_part);
        if recipients.is_empty() {
            return None;
        }
        let dsn = mail
            .dsn()
            .or(inline_dsn)
            .map(rfc3464::recipients)
            .unwrap_or_default();
        for d in &mut recipients {
            let Some(g) = dsn.iter().find(|g| same(g, d)) else {
                continue;
            };
            d.status = g.status;
            d.action.clone_from(&g.action);
            if d.diagnosis.is_empty() {
                d.diagnosis.clone_from(&g.diagnosis);
                d.replycode = g.replycode;
            }
            if d.rhost.is_empty() {
                d.rhost.clone_from(&g.rhost);
            }
            d.lhost.clone_from(&g.lhost);
            d.date.clone_from(&g.date);
        }
        Some(Report::new(recipients))
    }
}

/// Whether a delivery-status group is about the recipient the text names
/// (by its final or its original address).
fn same(group: &Draft, d: &Draft) -> bool {
    let eq = |a: &str, b: &str| !a.is_empty() && a.eq_ignore_ascii_case(b);
    eq(&group.recipient, &d.recipient)
        || eq(&group.alias, &d.recipient)
        || eq(&group.recipient, &d.alias)
        || eq(&group.alias, &d.alias)
}

/// Where inline delivery-status fields begin, if they do.
fn dsn_start(text: &str) -> Option<usize> {
    // The line's start compared without case, as its lowercased copy was.
    let starts = |line: &[u8], prefix: &[u8]| {
        line.len() >= prefix.len() && line[..prefix.len()].eq_ignore_ascii_case(prefix)
    };
    let mut at = 0;
    for line in text::split_inclusive_lf(text) {
        let b = line.as_bytes();
        if starts(b, b"original-envelope-id:") || starts(b, b"reporting-mta:") {
            return Some(at);
        }
        at += line.len();
    }
    None
}

/// The recipients the text part lists:
///
/// ```text
///   Recipient address: user@example.jp
///   Original address: alias@example.jp
///   Reason: Remote SMTP server has rejected address
///   Diagnostic code: smtp;550 5.1.1 <user@example.jp>... User Unknown
///   Remote system: dns;mx.example.jp (TCP|192.0.2.2|47323|192.0.2.1|25) (mx.example.jp ESMTP)
/// ```
fn text_recipients(part: &str) -> Vec<Draft> {
    let mut out: Vec<Draft> = Vec::new();
    // `text::lines_lf` and `text::trim_fast` split and trim as `lines` and
    // `trim` do, a line break and an ASCII end found faster; the colon is
    // found a byte at a time, the name before it being short.
    for line in text::lines_lf(part) {
        if !line.starts_with([' ', '\t']) {
            continue;
        }
        let t = text::trim_fast(line);
        let Some(colon) = t.bytes().position(|c| c == b':') else {
            continue;
        };
        let (name, value) = (&t[..colon], &t[colon + 1..]);
        let value = text::trim_fast(value);
        if name == "Recipient address" {
            out.push(Draft::new(value));
            continue;
        }
        let Some(d) = out.last_mut() else { continue };
        match name {
            "Original address" if text::is_address(value) => {
                // The address as the sender wrote it, which is what Sisimai
                // reports; the rewritten one is kept as the alias.
                let rewritten = std::mem::replace(&mut d.recipient, value.to_owned());
                if text::is_address(&rewritten) && !rewritten.eq_ignore_ascii_case(value) {
                    d.alias = rewritten;
                }
            }
            "Reason" if d.diagnosis.is_empty() => d.diagnosis = value.to_owned(),
            "Diagnostic code" => {
                let (ty, code) = value.split_once(';').unwrap_or(("", value));
                d.diagnostictype = ty.trim().to_ascii_uppercase();
                d.diagnosis = code.trim().to_owned();
            }
            "Remote system" => d.rhost = remote_host(value).to_owned(),
            _ => {}
        }
    }
    out
}

/// `dns;mx.example.jp (TCP|192.0.2.2|47323|192.0.2.1|25) (banner)`: the host
/// name, or the remote address of the connection when the name is no domain.
fn remote_host(value: &str) -> &str {
    let value = value.split_once(';').map_or(value, |(_, v)| v).trim();
    let name = value.split_whitespace().next().unwrap_or("");
    if name.contains('.') {
        return name;
    }
    value
        .split_once("(TCP|")
        .and_then(|(_, conn)| conn.split('|').nth(2))
        .filter(|ip| !ip.is_empty())
        .unwrap_or(name)
}

bounce_core::inventory::submit! {
    Provider {
        id: "messagingserver",
        kind: Kind::Mta,
        doc: include_str!("../README.md"),
        fingerprints: &["This report relates to a message you sent with the following header fields"],
        rhosts: &[],
        phrases: &[(Reason::HostUnknown, "illegal host/domain name found")],
        matcher: &MessagingServer,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_part() {
        let part = "
  Message-id: <x@example.org>
  To: a@example.jp

Your message cannot be delivered to the following recipients:

  Recipient address: @mx.example.jp:a@server
  Original address: a@example.jp
  Reason: Over quota
  Remote system: dns;mailhost (TCP|192.0.2.2|1000|192.0.2.1|25) (x)
  Recipient address: b@example.jp
  Reason: Remote SMTP server has rejected address
  Diagnostic code: smtp;550 5.1.1 unknown
  Remote system: dns;mx.example.jp (TCP|192.0.2.2|1|192.0.2.1|25)
";
        let r = text_recipients(part);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].recipient, "a@example.jp");
        assert_eq!(r[0].diagnosis, "Over quota");
        assert_eq!(r[0].rhost, "192.0.2.1");
        assert_eq!(r[1].diagnosis, "550 5.1.1 unknown");
        assert_eq!(r[1].diagnostictype, "SMTP");
        assert_eq!(r[1].rhost, "mx.example.jp");
    }

    #[test]
    fn inline_fields() {
        assert_eq!(dsn_start("a\nb\nReporting-MTA: dns;x\n"), Some(4));
        assert_eq!(dsn_start("a\n  Reporting-MTA: no\n"), None);
    }
}
