#![doc = include_str!("../README.md")]

use bounce_core::text::{self, Needle};
use bounce_core::{Command, Draft, Kind, Mail, Provider, ProviderMatcher, Reason, Report};

/// The first line of every bounce (dma mail.c, `bounce()`).
const INTRO: &str = "This is the DragonFly Mail Agent ";
/// The sentence that names the failed recipient.
const RECIPIENT: &str = "There was an error delivering your mail to <";
/// What follows the error: the whole original, or only its headers.
const FOLLOWS: &[&str] = &["Original message follows.", "Message headers follow."];
/// net.c: `"%s [%s] did not like our %s:\n%s"`.
const DID_NOT_LIKE: &str = " did not like our ";

struct DragonFly;

impl ProviderMatcher for DragonFly {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        let body = mail.body();
        // The lines after the first that starts with the introduction.
        let mut lines = text::lines_lf(body);
        lines.by_ref().find(|l| l.starts_with(INTRO))?;
        let mut recipients: Vec<Draft> = Vec::new();
        let mut follows = false;
        for line in lines.by_ref() {
            let t = line.trim();
            if FOLLOWS.contains(&t) {
                follows = true;
                break;
            }
            if t.is_empty() {
                continue;
            }
            if let Some(rest) = t.strip_prefix(RECIPIENT) {
                let addr = rest.trim_end_matches('.').trim_end_matches('>');
                if text::is_address(addr) {
                    recipients.push(Draft::new(addr));
                }
                continue;
            }
            let Some(d) = recipients.last_mut() else {
                continue;
            };
            if !d.diagnosis.is_empty() {
                d.diagnosis.push(' ');
            }
            d.diagnosis.push_str(t);
            if d.rhost.is_empty() {
                if let Some((host, command)) = refusal(t) {
                    d.rhost = host.to_owned();
                    d.command = command;
                }
            }
        }
        if recipients.is_empty() {
            return None;
        }
        let mut report = Report::new(recipients);
        if follows && mail.original_headers().is_none() {
            let mut rest = lines.skip_while(|l| l.trim().is_empty()).peekable();
            if let Some(first) = rest.peek() {
                // The rest of the body from that line on (`first` is a slice
                // of `body`). Without a `\r`, its lines joined with `\n` are
                // the text itself without its last line break, taken
                // whole rather than line by line.
                let tail = &body[first.as_ptr() as usize - body.as_ptr() as usize..];
                report.original = Some(if tail.contains('\r') {
                    rest.collect::<Vec<&str>>().join("\n")
                } else {
                    tail.strip_suffix('\n').unwrap_or(tail).to_owned()
                });
            }
        }
        Some(report)
    }
}

/// From `mx.example.jp [192.0.2.1] did not like our RCPT TO:`, the remote
/// host (its name, else its address) and the refused command.
fn refusal(line: &str) -> Option<(&str, Option<Command>)> {
    // The searcher built once: the lines of every notice are searched,
    // where `split_once` would build one per line.
    static DID_NOT_LIKE_AT: Needle = Needle::new(DID_NOT_LIKE);
    let at = DID_NOT_LIKE_AT.find(line)?;
    let (who, what) = (&line[..at], &line[at + DID_NOT_LIKE.len()..]);
    let mut words = who.split_whitespace();
    let name = words.next()?;
    let host = if name.contains('.') && !name.starts_with('[') {
        name
    } else {
        words.next().unwrap_or(name).trim_matches(['[', ']'])
    };
    // "final DATA" is the reply after the message body.
    let what = what.trim_end_matches(':').trim();
    let command = match what.strip_prefix("final ") {
        Some(c) if Command::parse(c) == Some(Command::Data) => Some(Command::EndOfData),
        _ => Command::parse(what),
    };
    Some((host, command))
}

bounce_core::inventory::submit! {
    Provider {
        id: "dragonfly",
        kind: Kind::Mta,
        doc: include_str!("../README.md"),
        fingerprints: &["This is the DragonFly Mail Agent", "(DragonFly Mail Agent"],
        rhosts: &[],
        // dma.c and net.c: what dma says when no server refused the message.
        phrases: &[
            (Reason::Expired, "could not deliver for the last "),
            (Reason::HostUnknown, "dns lookup failure: host "),
        ],
        matcher: &DragonFly,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals() {
        assert_eq!(
            refusal("mx.example.jp [192.0.2.1] did not like our RCPT TO:"),
            Some(("mx.example.jp", Some(Command::Rcpt)))
        );
        assert_eq!(
            refusal("mx.example.jp [192.0.2.1] did not like our final DATA:"),
            Some(("mx.example.jp", Some(Command::EndOfData)))
        );
        assert_eq!(
            refusal("[192.0.2.1] [192.0.2.1] did not like our MAIL FROM:"),
            Some(("192.0.2.1", Some(Command::Mail)))
        );
        assert_eq!(refusal("550 5.1.1 unknown"), None);
    }
}
