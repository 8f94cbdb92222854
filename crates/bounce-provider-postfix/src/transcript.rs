//! The notice smtpd(8) sends the postmaster when a client's session ends in
//! an error (`Subject: Postfix SMTP server: errors from HOST[ip]`): a
//! transcript of ` In:` and ` Out:` lines. Each `RCPT TO` names a recipient;
//! a 4xx or 5xx reply is the failure, answering the command before it.

use bounce_core::smtp::{Command, ReplyCode, Status};
use bounce_core::text;
use bounce_core::{Draft, Report};

/// One client command and the server's replies to it.
#[derive(Debug, Default)]
struct Exchange {
    command: Option<Command>,
    argument: String,
    replies: Vec<String>,
}

/// Groups the transcript into exchanges; lines indented deeper than the
/// `In:`/`Out:` markers continue the previous line.
fn exchanges(body: &str) -> Vec<Exchange> {
    let mut out: Vec<Exchange> = vec![Exchange {
        command: Some(Command::Connect),
        ..Exchange::default()
    }];
    let mut last_was_in = false;
    for line in body.lines() {
        let t = line.trim_start();
        if let Some(cmd) = t.strip_prefix("In:") {
            let cmd = cmd.trim();
            let word = cmd.split([' ', ':']).next().unwrap_or("");
            out.push(Exchange {
                command: Command::parse(word),
                argument: cmd.to_owned(),
                replies: Vec::new(),
            });
            last_was_in = true;
        } else if let Some(reply) = t.strip_prefix("Out:") {
            if let Some(x) = out.last_mut() {
                x.replies.push(reply.trim().to_owned());
            }
            last_was_in = false;
        } else if !t.is_empty() && line.starts_with("     ") {
            if let Some(x) = out.last_mut() {
                let target = if last_was_in {
                    &mut x.argument
                } else {
                    x.replies.last_mut().unwrap_or(&mut x.argument)
                };
                target.push(' ');
                target.push_str(t);
            }
        }
    }
    out
}

/// Decodes the transcript in `body`. Returns the recipients and the sender
/// of the refused message (the `MAIL FROM` argument).
pub fn decode_transcript(body: &str) -> Option<Report> {
    let mut drafts: Vec<Draft> = Vec::new();
    let mut sender = String::new();
    let mut lhost = String::new();
    // An error answering a command that concerns the whole message (MAIL,
    // DATA, the end of data...) applies to every recipient left without one.
    let mut general: Option<Draft> = None;
    for x in exchanges(body) {
        match x.command {
            Some(Command::Ehlo | Command::Helo) => {
                lhost = x
                    .argument
                    .split_whitespace()
                    .nth(1)
                    .unwrap_or("")
                    .to_owned();
            }
            Some(Command::Mail) => {
                sender = text::find_address(&x.argument).unwrap_or("").to_owned();
            }
            Some(Command::Rcpt) => {
                if let Some(a) = text::find_address(&x.argument) {
                    drafts.push(Draft::new(a));
                }
            }
            _ => {}
        }
        let errors: Vec<&str> = x
            .replies
            .iter()
            .map(String::as_str)
            .filter(|r| ReplyCode::find(r).is_some_and(|c| c.class() >= 4))
            .collect();
        if errors.is_empty() {
            continue;
        }
        let diagnosis = errors.join(" ");
        let failure = Draft {
            replycode: ReplyCode::find(&diagnosis),
            status: Status::find(&diagnosis),
            command: x.command,
            diagnostictype: "SMTP".to_owned(),
            diagnosis,
            ..Draft::default()
        };
        match (x.command, drafts.last_mut()) {
            (Some(Command::Rcpt), Some(d)) if d.diagnosis.is_empty() => fill(d, &failure),
            _ => {
                general.get_or_insert(failure);
            }
        }
    }
    let general = general.unwrap_or_default();
    for d in &mut drafts {
        if d.diagnosis.is_empty() {
            fill(d, &general);
        }
        d.lhost.clone_from(&lhost);
    }
    drafts.retain(|d| !d.diagnosis.is_empty());
    if drafts.is_empty() {
        return None;
    }
    let mut report = Report::new(drafts);
    if !sender.is_empty() {
        report.original = Some(format!("From: {sender}\n"));
    }
    Some(report)
}

fn fill(d: &mut Draft, failure: &Draft) {
    d.diagnosis.clone_from(&failure.diagnosis);
    d.diagnostictype.clone_from(&failure.diagnostictype);
    d.replycode = failure.replycode;
    d.status = failure.status;
    d.command = failure.command;
}

#[cfg(test)]
mod tests {
    use super::*;

    const SESSION: &str = "Transcript of session follows.\n\n Out: 220 mx.example.jp ESMTP\n In:  EHLO client.example.org\n\
 Out: 250-mx.example.jp\n Out: 250 DSN\n In:  MAIL\n     FROM:<sender@example.org> SIZE=100\n Out: 250 2.1.0 Ok\n\
 In:  RCPT TO:<a@example.jp>\n Out: 550 5.1.1 <a@example.jp>: Recipient address rejected: User unknown\n\
 In:  RCPT TO:<b@example.jp>\n Out: 250 2.1.5 Ok\n In:  DATA\n Out: 354 End data with <CR><LF>.<CR><LF>\n\
 Out: 451 4.3.0 Error: queue file write error\n In:  QUIT\n Out: 221 2.0.0 Bye\n";

    #[test]
    fn errors_go_to_their_recipients() {
        let r = decode_transcript(SESSION).unwrap();
        assert_eq!(r.recipients.len(), 2);
        let (a, b) = (&r.recipients[0], &r.recipients[1]);
        assert_eq!(a.recipient, "a@example.jp");
        assert_eq!(a.command, Some(Command::Rcpt));
        assert_eq!(a.replycode.unwrap().get(), 550);
        assert_eq!(b.recipient, "b@example.jp");
        assert_eq!(b.command, Some(Command::Data));
        assert_eq!(b.status.unwrap().to_string(), "4.3.0");
        assert_eq!(b.lhost, "client.example.org");
        assert_eq!(r.original.as_deref(), Some("From: sender@example.org\n"));
    }

    #[test]
    fn a_clean_session_is_nothing() {
        assert!(decode_transcript(" In:  RCPT TO:<a@example.jp>\n Out: 250 Ok\n").is_none());
    }
}
