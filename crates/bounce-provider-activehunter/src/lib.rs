#![doc = include_str!("../README.md")]

use bounce_core::text;
use bounce_core::{Command, Draft, Kind, Mail, Provider, ProviderMatcher, Report};

const ERRORS: &str = "----- The following addresses had permanent fatal errors -----";
/// [`ERRORS`], found by a searcher built once: every candidate is searched.
static ERRORS_AT: bounce_core::text::Needle = bounce_core::text::Needle::new(ERRORS);
const TRANSCRIPT: &str = "----- Transcript of session follows -----";
/// [`TRANSCRIPT`], found by a searcher built once: every candidate is searched.
static TRANSCRIPT_AT: bounce_core::text::Needle = bounce_core::text::Needle::new(TRANSCRIPT);

struct ActiveHunter;

impl ProviderMatcher for ActiveHunter {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        // X-AHMAILID is stamped on any message Active!hunter relays, so another
        // MTA's bounce may carry it too: that one has a delivery-status part,
        // which Active!hunter's own bounces never attach.
        let boundary = mail
            .header("Content-Type")
            .is_some_and(|v| v.contains("_Active!Hunter_"));
        let ours = boundary || mail.header("X-AHMAILID").is_some() && mail.dsn().is_none();
        if !ours {
            return None;
        }
        let body = mail.body();
        let errors = text::after_line_with_needle(body, &ERRORS_AT)?;
        let (list, transcript) = match TRANSCRIPT_AT.find(errors) {
            Some(at) => (
                &errors[..at],
                text::after_line_with_needle(&errors[at..], &TRANSCRIPT_AT).unwrap_or(""),
            ),
            None => (errors, ""),
        };
        let mut drafts: Vec<Draft> = Vec::new();
        for line in list.lines() {
            let line = line.trim().trim_start_matches(">>>").trim();
            let Some(addr) = text::find_address(line) else {
                continue;
            };
            let addr = text::clean_address(addr);
            if !drafts
                .iter()
                .any(|d| d.recipient.eq_ignore_ascii_case(&addr))
            {
                let mut d = Draft::new(addr);
                d.action = "failed".to_owned();
                drafts.push(d);
            }
        }
        let replies = read_transcript(transcript);
        for d in &mut drafts {
            let own = replies
                .iter()
                .find(|(r, _)| text::addresses(r).any(|a| a.eq_ignore_ascii_case(&d.recipient)));
            if let Some((reply, command)) = own.or(replies.first()) {
                d.diagnosis.clone_from(reply);
                d.command = *command;
            }
        }
        (!drafts.is_empty()).then(|| Report::new(drafts))
    }
}

/// The replies of a transcript (continuation lines of a multi-line reply
/// joined), each with the command it answered when the transcript shows it.
fn read_transcript(transcript: &str) -> Vec<(String, Option<Command>)> {
    let mut replies: Vec<(String, Option<Command>)> = Vec::new();
    let mut command = None;
    let mut open = false;
    for line in transcript.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with("-----") {
            open = false;
            continue;
        }
        if let Some(sent) = line.strip_prefix(">>>") {
            command = Command::parse(sent);
            open = false;
            continue;
        }
        let reply = line.strip_prefix("<<<").map_or(line, str::trim);
        let b = reply.as_bytes();
        let coded = b.len() >= 3
            && b[..3].iter().all(u8::is_ascii_digit)
            && matches!(b.get(3), None | Some(b' ' | b'-'));
        if coded {
            match replies.last_mut() {
                Some((last, _)) if open => {
                    last.push(' ');
                    last.push_str(reply);
                }
                _ => replies.push((reply.to_owned(), command)),
            }
            // A reply goes on while its code is followed by '-'.
            open = b.get(3) == Some(&b'-');
        } else if open {
            if let Some((last, _)) = replies.last_mut() {
                last.push(' ');
                last.push_str(reply);
            }
        }
    }
    replies
}

bounce_core::inventory::submit! {
    Provider {
        id: "activehunter",
        kind: Kind::Gateway,
        doc: include_str!("../README.md"),
        fingerprints: &["X-AHMAILID", "Active!Hunter"],
        rhosts: &[],
        phrases: &[],
        matcher: &ActiveHunter,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transcript_replies_and_command() {
        let r = read_transcript(">>> RCPT TO:<a@example.org>\n<<< 550-5.1.1 first\n<<< 550 5.1.1 second\n>>> DATA\n<<< 554 no\n");
        assert_eq!(
            r,
            [
                (
                    "550-5.1.1 first 550 5.1.1 second".to_owned(),
                    Some(Command::Rcpt)
                ),
                ("554 no".to_owned(), Some(Command::Data))
            ]
        );
        let r = read_transcript("550 sorry, no mailbox here by that name (#5.1.1 - chkusr)\n");
        assert_eq!(
            r,
            [(
                "550 sorry, no mailbox here by that name (#5.1.1 - chkusr)".to_owned(),
                None
            )]
        );
    }
}
