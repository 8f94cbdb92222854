#![doc = include_str!("../README.md")]

use bounce_core::standard::rfc3464;
use bounce_core::{text, Command, Draft, Kind, Mail, Provider, ProviderMatcher, Reason, Report};

/// The banner lines that open the per-recipient section of the text part
/// (courier/module.dsn: a failure report and a delay warning).
const STARTS: &[&str] = &["UNDELIVERABLE MAIL", "DELAYS IN DELIVERING YOUR MESSAGE"];

struct Courier;

impl ProviderMatcher for Courier {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        if !is_courier(mail) {
            return None;
        }
        let blocks = text_blocks(mail.body());
        let mut recipients = match mail.dsn() {
            Some(dsn) => rfc3464::recipients(dsn),
            None => Vec::new(),
        };
        if recipients.is_empty() {
            // No delivery-status part (stripped by a client): the text says it all.
            recipients = blocks.iter().map(Block::draft).collect();
        } else {
            for d in &mut recipients {
                let Some(b) = blocks
                    .iter()
                    .find(|b| b.recipient.eq_ignore_ascii_case(&d.recipient))
                else {
                    continue;
                };
                if d.command.is_none() {
                    d.command = b.command;
                }
                if d.diagnosis.is_empty() {
                    d.diagnosis = b.reply.clone();
                }
                if d.rhost.is_empty() {
                    d.rhost.clone_from(&b.rhost);
                }
            }
        }
        (!recipients.is_empty()).then(|| Report::new(recipients))
    }
}

/// Courier's own notice: its Message-ID (`<courier.XXXX.XXXX@host>`), its
/// From (`Courier mail server at host`) or the first sentence of the text,
/// with a delivery-status part or the banner that lists the recipients.
fn is_courier(mail: &Mail<'_>) -> bool {
    let body = mail.body();
    let signed = mail
        .message_id()
        .is_some_and(|id| id.starts_with("courier."))
        || mail.from_text().contains("Courier mail server at ")
        || body.contains("running the Courier mail server");
    signed && (mail.dsn().is_some() || body.lines().any(|l| STARTS.contains(&l.trim())))
}

/// One recipient as the text part describes it:
///
/// ```text
/// <user@example.jp>:
///     mx.example.jp [192.0.2.1]:
/// >>> RCPT TO:<user@example.jp>
/// <<< 550 5.1.1 <user@example.jp>... User Unknown
/// ```
#[derive(Debug, Default, PartialEq)]
struct Block {
    recipient: String,
    rhost: String,
    command: Option<Command>,
    reply: String,
}

impl Block {
    fn draft(&self) -> Draft {
        let mut d = Draft::new(self.recipient.clone());
        d.rhost.clone_from(&self.rhost);
        d.command = self.command;
        d.diagnosis.clone_from(&self.reply);
        d.action = "failed".to_owned();
        d
    }
}

/// The recipient blocks of the text part, between the banner and the ruler
/// line that closes the list.
fn text_blocks(body: &str) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    let mut reading = false;
    for line in body.lines() {
        let t = line.trim();
        if !reading {
            reading = STARTS.contains(&t);
            continue;
        }
        if t.starts_with("-----") {
            if out.is_empty() {
                continue;
            }
            break;
        }
        if let Some(addr) = t.strip_prefix('<').and_then(|r| r.strip_suffix(">:")) {
            if text::is_address(addr) {
                out.push(Block {
                    recipient: addr.to_owned(),
                    ..Block::default()
                });
            }
            continue;
        }
        let Some(b) = out.last_mut() else { continue };
        if let Some(cmd) = t.strip_prefix(">>> ") {
            // The first command of the transcript is the one refused.
            if b.command.is_none() {
                b.command = Command::parse(cmd);
            }
        } else if let Some(reply) = t.strip_prefix("<<< ") {
            if !b.reply.is_empty() {
                b.reply.push(' ');
            }
            b.reply.push_str(reply);
        } else if b.rhost.is_empty() && line.starts_with([' ', '\t']) && t.ends_with(':') {
            // "    mx.example.jp [192.0.2.1]:"
            b.rhost = t
                .split_whitespace()
                .next()
                .unwrap_or("")
                .trim_end_matches(':')
                .to_owned();
        }
    }
    out
}

bounce_core::inventory::submit! {
    Provider {
        id: "courier",
        kind: Kind::Mta,
        doc: include_str!("../README.md"),
        fingerprints: &["running the Courier mail server", "Courier mail server at ", "Message-ID: <courier."],
        rhosts: &[],
        // courier/module.esmtp/esmtpclient.c: its own words when DNS fails.
        phrases: &[
            (Reason::SystemError, "this domain's dns violates rfc 1035"),
            (Reason::NetworkError, "dns lookup failed."),
        ],
        matcher: &Courier,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_recipient_blocks() {
        let body = "-----------------\n\n    UNDELIVERABLE MAIL\n\n\
                    Your message to the following recipients cannot be delivered:\n\n\
                    <a@example.jp>:\n    mx.example.jp [192.0.2.1]:\n>>> RCPT TO:<a@example.jp>\n<<< 550 5.1.1 unknown\n\n\
                    <b@example.org>:\n<<< No such domain.\n\n\
                    -------------------------------------\n<c@example.com>:\n";
        let b = text_blocks(body);
        assert_eq!(b.len(), 2);
        assert_eq!(b[0].rhost, "mx.example.jp");
        assert_eq!(b[0].command, Some(Command::Rcpt));
        assert_eq!(b[0].reply, "550 5.1.1 unknown");
        assert_eq!(b[1].recipient, "b@example.org");
        assert_eq!(b[1].command, None);
        assert_eq!(b[1].reply, "No such domain.");
    }

    #[test]
    fn nothing_without_banner() {
        assert!(text_blocks("<a@example.jp>:\n<<< 550 no\n").is_empty());
    }
}
