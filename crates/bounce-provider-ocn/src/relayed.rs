//! The sendmail-style report some OCN relays send instead of a Postfix
//! notice: `The original message was received at ...`, the block `-----
//! The following addresses had permanent fatal errors -----` (each address,
//! then `(reason: ...)`), and `----- Transcript of session follows -----`
//! with `>>>` commands and `<<<` replies, usually followed by a
//! message/delivery-status part.

use bounce_core::dispatch::squeeze;
use bounce_core::smtp::{Command, ReplyCode, Status};
use bounce_core::standard::rfc3464;
use bounce_core::text;
use bounce_core::{Draft, Mail, Report};

const FATAL: &str = "----- The following addresses had permanent fatal errors -----";
const TRANSCRIPT: &str = "----- Transcript of session follows -----";

/// A failed recipient of the fatal-errors block.
#[derive(Debug, Default)]
struct Listed {
    address: String,
    reason: String,
}

/// The addresses of the fatal-errors block with their `(reason: ...)`.
fn fatal_block(body: &str) -> Vec<Listed> {
    let Some(block) = text::after_line_with(body, FATAL) else {
        return Vec::new();
    };
    let mut out: Vec<Listed> = Vec::new();
    for line in block.lines() {
        let t = line.trim();
        if t.is_empty() || t.starts_with("-----") {
            break;
        }
        if let Some(reason) = t.strip_prefix("(reason:") {
            if let Some(last) = out.last_mut() {
                last.reason = reason.trim_end_matches(')').trim().to_owned();
            }
        } else if t.starts_with('(') {
            // `(expanded from: <...>)` and the like.
        } else if let Some(a) = text::find_address(t) {
            out.push(Listed {
                address: a.to_owned(),
                reason: String::new(),
            });
        }
    }
    out
}

/// One `<<<` reply of the transcript, with the command it answered and the
/// host being talked to.
#[derive(Debug)]
struct Reply<'t> {
    host: &'t str,
    command: Option<Command>,
    text: &'t str,
}

/// The failure replies (4xx, 5xx) of the transcript, and sendmail's own
/// `550 5.1.1 <addr>... User unknown` lines.
fn transcript(body: &str) -> (Vec<Reply<'_>>, Vec<&str>) {
    let Some(block) = text::after_line_with(body, TRANSCRIPT) else {
        return (Vec::new(), Vec::new());
    };
    let mut replies = Vec::new();
    let mut own = Vec::new();
    let mut host = "";
    let mut command = None;
    for line in block.lines() {
        let t = line.trim();
        if t.starts_with("-----") {
            break;
        }
        if let Some(rest) = t.strip_prefix("... while talking to ") {
            host = rest
                .trim_end_matches(':')
                .trim_end_matches('.')
                .trim_matches(['[', ']']);
        } else if let Some(cmd) = t.strip_prefix(">>>") {
            command = Command::parse(cmd);
        } else if let Some(reply) = t.strip_prefix("<<<") {
            let reply = reply.trim();
            if ReplyCode::find(reply).is_some_and(|r| r.class() >= 4) {
                replies.push(Reply {
                    host,
                    command,
                    text: reply,
                });
            }
        } else if ReplyCode::parse(t.get(..3).unwrap_or("")).is_some() && t.contains("... ") {
            own.push(t);
        }
    }
    (replies, own)
}

/// Decodes the sendmail-style report, if the body is one.
pub fn decode(mail: &Mail<'_>) -> Option<Report> {
    let body = mail.body();
    if !body.contains(FATAL) && !body.contains(TRANSCRIPT) {
        return None;
    }
    let listed = fatal_block(body);
    let (replies, own) = transcript(body);
    let mut drafts = mail.dsn().map(rfc3464::recipients).unwrap_or_default();
    if drafts.is_empty() {
        drafts = listed
            .iter()
            .map(|l| Draft::new(l.address.clone()))
            .collect();
        for d in &mut drafts {
            d.action = "failed".to_owned();
        }
    }
    for d in &mut drafts {
        let lower = d.recipient.to_ascii_lowercase();
        let mentions = |t: &str| t.to_ascii_lowercase().contains(&lower);
        let reply = replies
            .iter()
            .find(|r| mentions(r.text))
            .or_else(|| replies.first());
        if let Some(r) = reply {
            if d.command.is_none() {
                d.command = r.command;
            }
            if d.rhost.is_empty() {
                r.host.clone_into(&mut d.rhost);
            }
        }
        if d.diagnosis.is_empty() {
            let reason = listed
                .iter()
                .find(|l| l.address.eq_ignore_ascii_case(&d.recipient))
                .map(|l| l.reason.as_str());
            d.diagnosis = squeeze(
                reason
                    .filter(|r| !r.is_empty())
                    .or(reply.map(|r| r.text))
                    .unwrap_or(""),
            );
        }
        if d.status.is_none_or(|s| s.is_generic()) {
            if let Some(s) = own
                .iter()
                .filter(|l| mentions(l))
                .find_map(|l| Status::find(l))
            {
                d.status = Some(s);
            }
        }
    }
    drafts.retain(|d| !d.diagnosis.is_empty() || d.status.is_some());
    if drafts.is_empty() {
        return None;
    }
    let reporter = mail
        .from_address()
        .rsplit_once('@')
        .map_or("", |(_, host)| host);
    for d in drafts.iter_mut().filter(|d| d.lhost.is_empty()) {
        reporter.clone_into(&mut d.lhost);
    }
    let mut report = Report::new(drafts);
    if mail.original_headers().is_none() {
        report.original = inline_original(body);
    }
    Some(report)
}

/// The header block of the returned message when the report copies it into
/// the text (`----- Original message follows -----`).
fn inline_original(body: &str) -> Option<String> {
    let rest = [
        "----- Original message follows -----",
        "----- Unsent message follows -----",
        "----- Message header follows -----",
    ]
    .iter()
    .find_map(|m| text::after_line_with(body, m))?;
    let rest = rest.trim_start_matches('\n');
    let block = &rest[..rest.find("\n\n").map_or(rest.len(), |n| n + 1)];
    text::header_fields(block)
        .iter()
        .any(|f| f.name.eq_ignore_ascii_case("From"))
        .then(|| block.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = "The original message was received at Wed, 17 Mar 2010 13:31:54 +0900\nfrom relay.example.jp [192.0.2.4]\n\n\
   ----- The following addresses had permanent fatal errors -----\n<a@example.co.jp>\n    (reason: 550 <a@example.co.jp>: User Unknown)\n\n\
   ----- Transcript of session follows -----\n... while talking to [192.0.2.9]:\n>>> DATA\n<<< 550 <a@example.co.jp>: User Unknown\n\
550 5.1.1 <a@example.co.jp>... User unknown\n<<< 554 Error: no valid recipients\n";

    #[test]
    fn blocks() {
        let l = fatal_block(BODY);
        assert_eq!(l.len(), 1);
        assert_eq!(l[0].address, "a@example.co.jp");
        assert_eq!(l[0].reason, "550 <a@example.co.jp>: User Unknown");
        let (replies, own) = transcript(BODY);
        assert_eq!(replies.len(), 2);
        assert_eq!(replies[0].command, Some(Command::Data));
        assert_eq!(replies[0].host, "192.0.2.9");
        assert_eq!(own, ["550 5.1.1 <a@example.co.jp>... User unknown"]);
    }
}
