#![doc = include_str!("../README.md")]

use bounce_core::rules::join_groups;
use bounce_core::standard::rfc3464;
use bounce_core::text::{self, Needle};
use bounce_core::{Draft, Kind, Mail, Provider, ProviderMatcher, Report};

const START: &str = "Your message could not be sent.";
const MAILER: &str = "SurfControl E-mail Filter";

struct SurfControl;

impl ProviderMatcher for SurfControl {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        let by_mailer = mail.header("X-Mailer").is_some_and(|v| v.contains(MAILER));
        // Every message the filter passes gets X-SEF-* headers; X-SEF-NDR-* marks its own reports.
        let ndr = mail.headers().any(|(n, _)| {
            n.get(..10)
                .is_some_and(|p| p.eq_ignore_ascii_case("X-SEF-NDR-"))
        });
        if !by_mailer && !ndr {
            return None;
        }
        let body = mail.body();
        let transcript = &body[body.find(START)?..];
        let mut drafts = recipients(transcript);
        let dsn = mail.dsn().map(rfc3464::recipients).unwrap_or_default();
        join_groups(&mut drafts, dsn, |d, group| {
            d.status = d.status.or(group.status);
            if d.diagnosis.is_empty() {
                d.diagnosis = group.diagnosis;
                d.replycode = group.replycode;
            }
            if !group.action.is_empty() {
                d.action = group.action;
            }
        });
        (!drafts.is_empty()).then(|| Report::new(drafts))
    }
}

/// Recipients from `Addressed To:` lines, with the transcript line
/// `address: [IP], reply` of each.
fn recipients(transcript: &str) -> Vec<Draft> {
    let mut out: Vec<Draft> = Vec::new();
    for line in transcript.lines() {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("Addressed To:") {
            if let Some(addr) = text::find_address(rest) {
                let addr = text::clean_address(addr);
                if !out.iter().any(|d| d.recipient.eq_ignore_ascii_case(&addr)) {
                    let mut d = Draft::new(addr);
                    d.action = "failed".to_owned();
                    out.push(d);
                }
            }
        } else if let Some((addr, host, reply)) = transcript_line(line) {
            let addr = text::clean_address(addr);
            let pos = match out
                .iter()
                .position(|d| d.recipient.eq_ignore_ascii_case(&addr))
            {
                Some(p) => p,
                None => {
                    let mut d = Draft::new(addr);
                    d.action = "failed".to_owned();
                    out.push(d);
                    out.len() - 1
                }
            };
            out[pos].rhost = host.to_owned();
            out[pos].diagnosis = reply.to_owned();
        }
    }
    out
}

/// `user@example.com: [192.0.2.5], 550 user@example.com... No such user`.
fn transcript_line(line: &str) -> Option<(&str, &str, &str)> {
    // The searcher built once: every line of the transcript is searched.
    static OPEN: Needle = Needle::new(": [");
    let at = OPEN.find(line)?;
    let (addr, rest) = (&line[..at], &line[at + OPEN.as_str().len()..]);
    let (host, reply) = rest.split_once(']')?;
    let reply = reply.trim_start_matches(',').trim();
    (text::is_address(addr) && !reply.is_empty()).then_some((addr, host, reply))
}

bounce_core::inventory::submit! {
    Provider {
        id: "surfcontrol",
        kind: Kind::Gateway,
        doc: include_str!("../README.md"),
        fingerprints: &[MAILER, "X-SEF-Processed", START],
        rhosts: &[],
        phrases: &[],
        matcher: &SurfControl,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_transcript() {
        let t = "Your message could not be sent.\nAddressed To: a@example.com\n\nThu 29 Apr 2010 23:34:45 +0900\n\
Failed to send to identified host,\na@example.com: [192.0.2.5], 550 a@example.com... No such user\n--- Message non-deliverable.\n";
        let r = recipients(t);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].rhost, "192.0.2.5");
        assert_eq!(r[0].diagnosis, "550 a@example.com... No such user");
    }
}
