//! Amazon SES event notifications delivered by email, usually through an
//! Amazon SNS topic (`From: ... <no-reply@sns.amazonaws.com>`, subject "AWS
//! Notification Message"): a JSON object, either bare or wrapped in SNS's
//! envelope whose `Message` holds it as a string.
//!
//! ```text
//! {"notificationType":"Bounce","bounce":{"bounceType":"Permanent",
//!  "bounceSubType":"General","bouncedRecipients":[{"emailAddress":"...",
//!  "action":"failed","status":"5.1.1","diagnosticCode":"smtp; 550 ..."}],
//!  "timestamp":"...","reportingMTA":"dsn; ..."},"mail":{...}}
//! ```
//!
//! `notificationType` (or `eventType` for configuration-set events) is
//! `Bounce`, `Complaint`, `Delivery`, `DeliveryDelay` or `Reject`; see
//! <https://docs.aws.amazon.com/ses/latest/dg/notification-contents.html>.

use bounce_core::text::Needle;
use bounce_core::{Draft, Mail, Reason, ReplyCode, Report, Status};
use serde_json::Value;
use std::borrow::Cow;

/// Decodes a notification, if the message is one.
pub(crate) fn decode(mail: &Mail<'_>) -> Option<Report> {
    let json = find_json(mail.body())?;
    let event = event_of(&json)?;
    let kind = event
        .get("notificationType")
        .or_else(|| event.get("eventType"))
        .and_then(Value::as_str)?;
    let mail_part = event.get("mail")?;
    let drafts = match kind {
        "Bounce" => bounces(event.get("bounce")?),
        "Complaint" => complaints(event.get("complaint")?),
        "Delivery" => deliveries(event.get("delivery")?),
        "DeliveryDelay" => delays(event.get("deliveryDelay")?),
        "Reject" => rejects(event.get("reject")?, mail_part),
        _ => return None,
    };
    if drafts.is_empty() {
        return None;
    }
    let mut report = Report::new(drafts);
    report.original = original_headers(mail_part);
    Some(report)
}

/// The first JSON object of the body. SNS folds long lines by ending them with
/// `!` and starting the next with a space; a raw line break cannot occur
/// inside a JSON string, so undoing the fold is safe.
fn find_json(body: &str) -> Option<Value> {
    let start = body.find('{')?;
    let text = &body[start..];
    // Searchers built once: every notification's JSON text is searched.
    static END: Needle = Needle::new("\n--\n");
    static FOLD: Needle = Needle::new("!\n ");
    let text = match END.find(text) {
        Some(end) => &text[..end],
        None => text,
    };
    // Copied only when there is a fold to undo.
    let unfolded: Cow<'_, str> = if FOLD.contains(text) {
        // What `text.replace("!\n ", "")` gives, the folds found by the
        // searcher built once rather than by one built for the call.
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(at) = FOLD.find(rest) {
            out.push_str(&rest[..at]);
            rest = &rest[at + FOLD.as_str().len()..];
        }
        out.push_str(rest);
        Cow::Owned(out)
    } else {
        Cow::Borrowed(text)
    };
    serde_json::Deserializer::from_str(&unfolded)
        .into_iter::<Value>()
        .next()?
        .ok()
}

/// The SES event: the object itself (borrowed, not copied), or the one
/// SNS's envelope carries as a string in `Message`.
fn event_of(json: &Value) -> Option<Cow<'_, Value>> {
    if json.get("notificationType").is_some() || json.get("eventType").is_some() {
        return Some(Cow::Borrowed(json));
    }
    let inner = json.get("Message")?.as_str()?;
    let v: Value = serde_json::from_str(inner).ok()?;
    (v.get("notificationType").is_some() || v.get("eventType").is_some()).then_some(Cow::Owned(v))
}

fn str_of<'v>(v: &'v Value, key: &str) -> &'v str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

fn items<'v>(v: &'v Value, key: &str) -> impl Iterator<Item = &'v Value> {
    v.get(key).and_then(Value::as_array).into_iter().flatten()
}

/// `dsn; a27-23.smtp-out.us-west-2.amazonses.com` → the host.
fn host_of(mta: &str) -> String {
    mta.split_once(';')
        .map_or(mta, |(_, h)| h)
        .trim()
        .to_owned()
}

fn bounces(bounce: &Value) -> Vec<Draft> {
    let (kind, sub) = (
        str_of(bounce, "bounceType"),
        str_of(bounce, "bounceSubType"),
    );
    // What the bounce type says by itself; "General", "Undetermined" and the
    // content rejections leave the reason to the remote server's reply.
    let stated = match (kind, sub) {
        ("Permanent", "NoEmail") => Some((Reason::UserUnknown, "amazonses:Permanent/NoEmail")),
        ("Permanent", "Suppressed") => Some((Reason::Suppressed, "amazonses:Permanent/Suppressed")),
        ("Permanent", "OnAccountSuppressionList") => Some((
            Reason::Suppressed,
            "amazonses:Permanent/OnAccountSuppressionList",
        )),
        ("Transient", "MailboxFull") => {
            Some((Reason::MailboxFull, "amazonses:Transient/MailboxFull"))
        }
        ("Transient", "MessageTooLarge") => {
            Some((Reason::EmailTooLarge, "amazonses:Transient/MessageTooLarge"))
        }
        _ => None,
    };
    let lhost = host_of(str_of(bounce, "reportingMTA"));
    let date = iso_to_rfc5322(str_of(bounce, "timestamp"));
    items(bounce, "bouncedRecipients")
        .filter_map(|r| {
            let mut d = smtp_draft(
                str_of(r, "emailAddress"),
                str_of(r, "status"),
                str_of(r, "diagnosticCode"),
            )?;
            d.action = match str_of(r, "action") {
                "" if kind == "Transient" => "delayed".to_owned(),
                "" => "failed".to_owned(),
                a => a.to_owned(),
            };
            d.lhost.clone_from(&lhost);
            d.date.clone_from(&date);
            if let Some((reason, rule)) = stated {
                d.reason = Some(reason);
                d.rule = rule;
            }
            Some(d)
        })
        .collect()
}

fn complaints(complaint: &Value) -> Vec<Draft> {
    let feedback = str_of(complaint, "complaintFeedbackType");
    let date = iso_to_rfc5322(str_of(complaint, "timestamp"));
    items(complaint, "complainedRecipients")
        .filter_map(|r| {
            let addr = str_of(r, "emailAddress");
            (!addr.is_empty()).then(|| Draft {
                recipient: addr.to_owned(),
                feedbacktype: feedback.to_owned(),
                reason: Some(Reason::Feedback),
                rule: "amazonses:complaint",
                date: date.clone(),
                ..Draft::default()
            })
        })
        .collect()
}

fn deliveries(delivery: &Value) -> Vec<Draft> {
    let response = str_of(delivery, "smtpResponse");
    let lhost = host_of(str_of(delivery, "reportingMTA"));
    let date = iso_to_rfc5322(str_of(delivery, "timestamp"));
    delivery
        .get("recipients")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|r| {
            let mut d = smtp_draft(r.as_str()?, "", response)?;
            d.action = "delivered".to_owned();
            d.lhost.clone_from(&lhost);
            d.date.clone_from(&date);
            Some(d)
        })
        .collect()
}

fn delays(delay: &Value) -> Vec<Draft> {
    let stated = match str_of(delay, "delayType") {
        "MailboxFull" => Some((Reason::MailboxFull, "amazonses:delay/MailboxFull")),
        "SpamDetected" => Some((Reason::SpamDetected, "amazonses:delay/SpamDetected")),
        _ => None,
    };
    let date = iso_to_rfc5322(str_of(delay, "timestamp"));
    items(delay, "delayedRecipients")
        .filter_map(|r| {
            let mut d = smtp_draft(
                str_of(r, "emailAddress"),
                str_of(r, "status"),
                str_of(r, "diagnosticCode"),
            )?;
            d.action = "delayed".to_owned();
            d.date.clone_from(&date);
            if let Some((reason, rule)) = stated {
                d.reason = Some(reason);
                d.rule = rule;
            }
            Some(d)
        })
        .collect()
}

/// SES refused to send: "Bad content" means it found a virus.
fn rejects(reject: &Value, mail: &Value) -> Vec<Draft> {
    let why = str_of(reject, "reason");
    items(mail, "destination")
        .filter_map(Value::as_str)
        .map(|addr| {
            let mut d = Draft::new(addr);
            d.action = "failed".to_owned();
            d.diagnosis = format!("Amazon SES rejected the message: {why}");
            if why.eq_ignore_ascii_case("Bad content") {
                d.reason = Some(Reason::VirusDetected);
                d.rule = "amazonses:reject/bad-content";
            }
            d
        })
        .collect()
}

/// A draft from an address, a status and an SMTP diagnostic
/// (`smtp; 550 5.1.1 user unknown`).
fn smtp_draft(addr: &str, status: &str, diagnostic: &str) -> Option<Draft> {
    if addr.is_empty() {
        return None;
    }
    let mut d = Draft::new(addr);
    let (ty, text) = match diagnostic.split_once(';') {
        Some((ty, rest)) if !ty.trim().is_empty() && !ty.contains(' ') => {
            (ty.trim().to_ascii_uppercase(), rest.trim())
        }
        _ => (String::new(), diagnostic.trim()),
    };
    d.diagnostictype = if ty.is_empty() && !text.is_empty() {
        "SMTP".to_owned()
    } else {
        ty
    };
    d.diagnosis = text.to_owned();
    d.status = Status::find(status).or_else(|| Status::find(text));
    d.replycode = text
        .get(..3)
        .and_then(ReplyCode::parse)
        .or_else(|| ReplyCode::find(text));
    Some(d)
}

/// The header block of the message the notification is about, from the
/// headers SES copied into `mail` (or its `commonHeaders`).
fn original_headers(mail: &Value) -> Option<String> {
    let mut block = String::new();
    for h in items(mail, "headers") {
        let (name, value) = (str_of(h, "name"), str_of(h, "value"));
        if !name.is_empty() {
            block.push_str(&format!("{name}: {value}\n"));
        }
    }
    if block.is_empty() {
        let common = mail.get("commonHeaders")?;
        let join = |key: &str| {
            items(common, key)
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        };
        for (name, value) in [
            ("From", join("from")),
            ("To", join("to")),
            ("Subject", str_of(common, "subject").to_owned()),
            ("Message-ID", str_of(common, "messageId").to_owned()),
            ("Date", str_of(common, "date").to_owned()),
        ] {
            if !value.is_empty() {
                block.push_str(&format!("{name}: {value}\n"));
            }
        }
    }
    let source = str_of(mail, "source");
    if !block
        .lines()
        .any(|l| l.to_ascii_lowercase().starts_with("from:"))
        && !source.is_empty()
    {
        block.push_str(&format!("From: {source}\n"));
    }
    (!block.is_empty()).then_some(block)
}

/// `2016-10-21T00:06:40.502Z` → `21 Oct 2016 00:06:40 +0000`.
fn iso_to_rfc5322(iso: &str) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let parse = || -> Option<String> {
        let (date, time) = iso.split_once('T')?;
        let mut ymd = date.split('-');
        let (y, m, d) = (ymd.next()?, ymd.next()?.parse::<usize>().ok()?, ymd.next()?);
        let month = MONTHS.get(m.checked_sub(1)?)?;
        let hms = time.get(..8)?;
        if !iso.ends_with('Z') {
            return None;
        }
        Some(format!("{d} {month} {y} {hms} +0000"))
    };
    parse().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folded_json_is_read() {
        let body = "{\"notificationType\":\"Bounce\",\"mail\":{\"source\":\"a@exam!\n ple.org\"}}\n\n--\nunsubscribe\n";
        let v = find_json(body).unwrap();
        assert_eq!(v["mail"]["source"], "a@example.org");
    }

    #[test]
    fn sns_envelope_is_opened() {
        let outer = serde_json::json!({"Type": "Notification", "Message": "{\"notificationType\":\"Delivery\",\"mail\":{}}"});
        assert_eq!(event_of(&outer).unwrap()["notificationType"], "Delivery");
        assert!(
            event_of(&serde_json::json!({"Type": "Notification", "Message": "hello"})).is_none()
        );
    }

    #[test]
    fn timestamps() {
        assert_eq!(
            iso_to_rfc5322("2016-10-21T00:06:40.502Z"),
            "21 Oct 2016 00:06:40 +0000"
        );
        assert_eq!(iso_to_rfc5322("garbage"), "");
        assert_eq!(iso_to_rfc5322("2016-13-21T00:06:40Z"), "");
    }

    #[test]
    fn smtp_drafts() {
        let d = smtp_draft("a@example.jp", "5.1.1", "smtp; 550 5.1.1 user unknown").unwrap();
        assert_eq!(
            (d.diagnostictype.as_str(), d.diagnosis.as_str()),
            ("SMTP", "550 5.1.1 user unknown")
        );
        assert_eq!(d.replycode.unwrap().get(), 550);
        let d = smtp_draft("a@example.jp", "", "250 2.6.0 Message received").unwrap();
        assert_eq!(
            (d.replycode.unwrap().get(), d.status.unwrap().to_string()),
            (250, "2.6.0".to_owned())
        );
    }
}
