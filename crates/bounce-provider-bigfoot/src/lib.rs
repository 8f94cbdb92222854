#![doc = include_str!("../README.md")]

use bounce_core::standard::rfc3464;
use bounce_core::{Command, Kind, Mail, Provider, ProviderMatcher, ReplyCode, Report};

/// The line before the SMTP transcript.
const TRANSCRIPT: &str = "----- Transcript of session follows -----";

struct Bigfoot;

impl ProviderMatcher for Bigfoot {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        if !from_bigfoot(mail) {
            return None;
        }
        let mut recipients = rfc3464::recipients(mail.dsn()?);
        let command = failed_command(mail.body());
        for d in &mut recipients {
            if d.command.is_none() {
                d.command = command;
            }
        }
        (!recipients.is_empty()).then(|| Report::new(recipients))
    }
}

/// Whether Bigfoot's mail system wrote the bounce: its mailer daemon, or its
/// LiteMail servers in the `Received` headers.
fn from_bigfoot(mail: &Mail<'_>) -> bool {
    let from = mail.from_address().to_ascii_lowercase();
    from.ends_with("@bigfoot.com")
        || mail.headers().any(|(name, value)| {
            name.eq_ignore_ascii_case("Received")
                && value.to_ascii_lowercase().contains(".bigfoot.com (")
        })
}

/// The command of the transcript (`>>> RCPT TO:<...>`) that the first
/// failure reply (`<<< 553 ...`) answered.
fn failed_command(body: &str) -> Option<Command> {
    let transcript = &body[body.find(TRANSCRIPT)? + TRANSCRIPT.len()..];
    let mut last = None;
    for line in transcript.lines().map(str::trim) {
        if let Some(sent) = line.strip_prefix(">>>") {
            last = Command::parse(sent);
        } else if let Some(reply) = line.strip_prefix("<<<") {
            if ReplyCode::find(reply).is_some_and(|r| r.class() >= 4) {
                return last;
            }
        }
    }
    None
}

bounce_core::inventory::submit! {
    Provider {
        id: "bigfoot",
        kind: Kind::Service,
        doc: include_str!("../README.md"),
        fingerprints: &["@bigfoot.com", ".bigfoot.com ("],
        rhosts: &[],
        phrases: &[],
        matcher: &Bigfoot,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transcript_command() {
        let body = "   ----- Transcript of session follows -----\n>>> MAIL FROM:<a@example.org>\n<<< 250 ok\n>>> RCPT TO:<b@example.org>\n<<< 553 Invalid recipient b@example.org (Mode: normal)\n";
        assert_eq!(failed_command(body), Some(Command::Rcpt));
        assert_eq!(failed_command(">>> DATA\n<<< 554 no"), None);
        assert_eq!(
            failed_command("----- Transcript of session follows -----\n>>> DATA\n<<< 250 ok\n"),
            None
        );
    }
}
