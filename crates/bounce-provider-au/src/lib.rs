#![doc = include_str!("../README.md")]

use bounce_core::{text, Draft, Kind, Mail, Provider, ProviderMatcher, Reason, Report};

/// Lines that open the English part of the notice, with the date the
/// message was sent or tried.
const STARTS: &[&str] = &[
    "Your mail sent on:",
    "Your mail attempted to be delivered on:",
];

/// The line naming each recipient.
const RECIPIENT: &str = "Could not be delivered to:";

/// The explanations that follow the recipient line, and their reasons.
const EXPLANATIONS: &[(Reason, &str)] = &[
    (Reason::MailboxFull, "As their mailbox is full"),
    (Reason::NoRelaying, "Due to the following SMTP relay error"),
    (Reason::HostUnknown, "As the remote domain doesnt exist"),
];

struct Au;

impl ProviderMatcher for Au {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        if !from_au(mail) {
            return None;
        }
        let mut report = read(mail.body())?;
        // Spam filtered by au's "spamghetti" service is returned with this
        // header; the text then says nothing of the filter.
        if mail
            .header("X-SPASIGN")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("NG"))
        {
            for d in &mut report.recipients {
                d.reason = Some(Reason::Filtered);
                d.rule = "au:x-spasign";
            }
        }
        Some(report)
    }
}

/// Whether the sender is au one net: the `no-reply@...dion.ne.jp` sender,
/// a Reply-To or Received line at auone-net.jp, or the service's name in the
/// Japanese text.
fn from_au(mail: &Mail<'_>) -> bool {
    let from = mail.from_address().to_ascii_lowercase();
    if from.ends_with(".dion.ne.jp") || from.ends_with("auone-net.jp") {
        return true;
    }
    let at_au = |name: &str| {
        mail.headers().any(|(n, v)| {
            n.eq_ignore_ascii_case(name) && v.to_ascii_lowercase().contains("auone-net.jp")
        })
    };
    at_au("Reply-To") || at_au("Received") || mail.body().contains("au one net")
}

/// Reads the English part: a date line, then per recipient
/// `Could not be delivered to: <address>` and indented explanation lines.
fn read(body: &str) -> Option<Report> {
    let start = STARTS.iter().filter_map(|s| body.find(s)).min()?;
    let start = body[..start].rfind('\n').map_or(0, |n| n + 1);
    let end = body[start..]
        .find("Content-Type: message/rfc822")
        .map_or(body.len(), |e| start + e);
    let mut out: Vec<Draft> = Vec::new();
    let mut date = "";
    for line in body[start..end].lines() {
        let trimmed = line.trim();
        if let Some(s) = STARTS.iter().find_map(|s| trimmed.strip_prefix(s)) {
            date = s.trim();
        } else if let Some(p) = trimmed.find(RECIPIENT) {
            let Some(addr) = text::find_address(&trimmed[p + RECIPIENT.len()..]) else {
                continue;
            };
            let mut d = Draft::new(addr);
            d.date = date.to_owned();
            d.action = "failed".to_owned();
            out.push(d);
        } else if line.starts_with([' ', '\t']) && !trimmed.is_empty() {
            if let Some(d) = out.last_mut() {
                if !d.diagnosis.is_empty() {
                    d.diagnosis.push(' ');
                }
                d.diagnosis.push_str(trimmed);
            }
        }
    }
    (!out.is_empty()).then(|| Report::new(out))
}

bounce_core::inventory::submit! {
    Provider {
        id: "au",
        kind: Kind::Service,
        doc: include_str!("../README.md"),
        fingerprints: &["auone-net.jp", "dion.ne.jp", "Could not be delivered to: <"],
        rhosts: &[],
        phrases: EXPLANATIONS,
        matcher: &Au,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_recipients_and_dates() {
        let body = "送信先のメールボックスが一杯のため、送信できませんでした。\n\n\
Your mail sent on: Fri, 30 Apr 2010 17:13:37 +0900 \n     Could not be delivered to: <a@example.jp> \n     As their mailbox is full.\n\n\
Your mail attempted to be delivered on: Fri, 30 Apr 2010 17:14:00 +0900\n     Could not be delivered to: <b@example.jp>\n     As the remote domain doesnt exist.\n";
        let r = read(body).unwrap();
        assert_eq!(r.recipients.len(), 2);
        assert_eq!(r.recipients[0].recipient, "a@example.jp");
        assert_eq!(r.recipients[0].date, "Fri, 30 Apr 2010 17:13:37 +0900");
        assert_eq!(r.recipients[0].diagnosis, "As their mailbox is full.");
        assert_eq!(
            r.recipients[1].diagnosis,
            "As the remote domain doesnt exist."
        );
        assert!(read("Could not be delivered to: <a@example.jp>").is_none());
    }
}
