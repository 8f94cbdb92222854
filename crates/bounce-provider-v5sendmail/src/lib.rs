#![doc = include_str!("../README.md")]

use bounce_core::text::{self, Needle};
use bounce_core::{
    Command, Draft, Kind, Mail, Original, Provider, ProviderMatcher, ReplyCode, Report,
};

const TRANSCRIPT: &str = "----- Transcript of session follows -----";
/// Separators that end the notice; the returned message follows them.
const ENDINGS: &[&str] = &[
    "----- Unsent message follows -----",
    "----- No message was collected -----",
];
/// The separator before a list of the addresses the message was for.
const RECIPIENTS: &str = "----- Recipients of this delivery -----";

struct V5sendmail;

impl ProviderMatcher for V5sendmail {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        decode(mail)
    }
}

bounce_core::inventory::submit! {
    Provider {
        id: "v5sendmail",
        kind: Kind::Mta,
        doc: include_str!("../README.md"),
        fingerprints: &["----- Unsent message follows -----", "----- No message was collected -----"],
        rhosts: &[],
        phrases: &[],
        matcher: &V5sendmail,
    }
}

/// A recipient line: `550 <user@example.jp>... User unknown`.
struct Failed<'a> {
    code: Option<ReplyCode>,
    address: &'a str,
    text: &'a str,
}

fn failed(line: &str) -> Option<Failed<'_>> {
    let (code, rest) = line.split_once([' ', '\t'])?;
    let code = ReplyCode::parse(code);
    let rest = rest.trim_start().strip_prefix('<')?;
    let (address, after) = rest.split_once(">...")?;
    (address.contains('@') && !address.contains(' ')).then(|| Failed {
        code,
        address,
        text: after.trim(),
    })
}

/// `421 example.org (smtp)... Deferred: ...`: an error of the whole delivery.
fn general(line: &str) -> Option<(Option<ReplyCode>, &str)> {
    let (code, rest) = line.split_once([' ', '\t'])?;
    let code = ReplyCode::parse(code)?;
    let (_, text) = rest.split_once("...")?;
    Some((Some(code), text.trim()))
}

/// Decodes a sendmail 5 notice: `Returned mail: ...`, the transcript first,
/// then the returned message after `----- Unsent message follows -----`.
pub fn decode(mail: &Mail<'_>) -> Option<Report> {
    if mail.has_headers() && !mail.subject().trim_start().starts_with("Returned mail:") {
        return None;
    }
    let body = mail.body();
    // sendmail 8 writes this line; its notices belong to the sendmail provider.
    // Searchers built once, where `str::find` builds one per search (a
    // long needle costs much to prepare).
    static SENDMAIL8: Needle = Needle::new("The original message was received at");
    static TRANSCRIPT_AT: Needle = Needle::new(TRANSCRIPT);
    static ENDING_AT: [Needle; 2] = [Needle::new(ENDINGS[0]), Needle::new(ENDINGS[1])];
    const _: () = assert!(ENDINGS.len() == 2, "one searcher per ending");
    if SENDMAIL8.contains(body) {
        return None;
    }
    let start = TRANSCRIPT_AT.find(body)? + TRANSCRIPT.len();
    let end = ENDING_AT
        .iter()
        .filter_map(|e| {
            e.find(&body[start..])
                .map(|p| (start + p, e.as_str().len()))
        })
        .min();
    let (end, marker_len) = end?;
    let notice = &body[start..end];
    let original = body[end + marker_len..]
        .trim_start_matches([' ', '\t'])
        .trim_start_matches('\n');

    let mut drafts: Vec<Draft> = Vec::new();
    let mut command: Option<Command> = None;
    let mut reply: Option<&str> = None;
    let mut another: Option<(Option<ReplyCode>, &str)> = None;
    let mut in_session = false;
    let mut listed: Vec<&str> = Vec::new();
    let mut in_list = false;
    // The searcher built once: every line of the transcript is searched.
    static WHILE_TALKING: Needle = Needle::new(" while talking to ");
    static RECIPIENTS_AT: Needle = Needle::new(RECIPIENTS);
    for raw in notice.lines() {
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        if RECIPIENTS_AT.contains(line) {
            in_list = true;
            continue;
        }
        if in_list {
            listed.extend(text::addresses(line));
            continue;
        }
        if let Some(f) = failed(line) {
            let mut d = Draft::new(text::clean_address(f.address));
            d.diagnosis = f.text.to_owned();
            if let Some(r) = reply.take() {
                d.diagnosis = format!("{}: {r}", d.diagnosis);
            }
            d.replycode = ReplyCode::find(&d.diagnosis).or(f.code);
            d.command = command.take();
            drafts.push(d);
        } else if let Some(rest) = line.strip_prefix(">>>") {
            command = Command::parse(rest);
        } else if let Some(rest) = line.strip_prefix("<<<") {
            reply = Some(rest.trim());
        } else if WHILE_TALKING.contains(line) || line.starts_with("While talking to ") {
            in_session = true;
        } else if !in_session {
            if let Some(g) = general(line) {
                another = Some(g);
            }
        }
    }
    if drafts.is_empty() {
        // Nothing names the recipient: the listed addresses, else the To:
        // of the returned message.
        let to = Original::from_headers(original).to;
        let candidates: Vec<String> = if listed.is_empty() {
            vec![to]
        } else {
            listed.iter().map(|a| a.to_string()).collect()
        };
        for a in candidates.iter().filter(|a| a.contains('@')) {
            let mut d = Draft::new(text::clean_address(a));
            d.command = command;
            drafts.push(d);
        }
    }
    if drafts.is_empty() {
        return None;
    }
    for d in &mut drafts {
        if d.diagnosis.is_empty() {
            match another {
                Some((code, text)) => {
                    d.diagnosis = text.to_owned();
                    if ReplyCode::find(text).is_none() {
                        d.replycode = code;
                    }
                }
                None => d.diagnosis = reply.unwrap_or("").to_owned(),
            }
        }
    }
    let mut report = Report::new(drafts);
    if mail.original_headers().is_none() && !original.trim().is_empty() {
        report.original = Some(original.to_owned());
    }
    Some(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines() {
        let f = failed("554 <user@example.jp>... 550 Host unknown").unwrap();
        assert_eq!(
            (f.code.map(ReplyCode::get), f.address, f.text),
            (Some(554), "user@example.jp", "550 Host unknown")
        );
        assert!(failed("550 example.jp (smtp)... 550 Host unknown").is_none());
        let (code, text) =
            general("421 example.jp (smtp)... Deferred: Connection timed out").unwrap();
        assert_eq!(
            (code.map(ReplyCode::get), text),
            (Some(421), "Deferred: Connection timed out")
        );
        assert!(general("Nothing here").is_none());
    }
}
