//! The dispatcher: bytes → [`Mail`] (parsed once) → one prefilter pass →
//! candidate providers in registry order → standard decoders → finished
//! [`Fact`]s.

use crate::classify::Clue;
use crate::fact::{domain_of, token, Draft, Evidence, Fact, Report};
use crate::mail::{parse_date, Mail, Original};
use crate::provider::{Candidates, Registry};
use crate::reason::Reason;
use crate::smtp::{reconcile, Command, ReplyCode, Status};
use crate::standard::STANDARD;
use crate::text;
use std::borrow::Cow;

/// The decoder id (`smtpagent`) of a fact read from pasted text that no
/// provider or standard decoder recognised.
pub const PASTED: &str = "text";

/// How much of the body and of the delivery-status part the prefilter reads.
const PREFILTER_BODY: usize = 16 * 1024;
const PREFILTER_DSN: usize = 8 * 1024;

/// Bounds that keep hostile input from costing too much. The defaults never
/// get in the way of real mail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest message decoded, in bytes.
    pub max_message_bytes: usize,
    /// Most recipients reported for one message; the rest are counted.
    pub max_recipients: usize,
    /// Most MIME nesting levels (multipart boundaries declared) in one
    /// message; real bounces have fewer than ten.
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_message_bytes: 64 << 20,
            max_recipients: 100_000,
            max_depth: 64,
        }
    }
}

/// Why one message could not be decoded at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// Zero bytes, or only whitespace.
    #[error("empty input")]
    Empty,
    /// No header could be read: this is not an email message.
    #[error("not an email message (no header found)")]
    NotAMessage,
    /// Larger than [`Limits::max_message_bytes`].
    #[error("message of {size} bytes is larger than the limit of {limit} bytes (see --max-message-size)")]
    TooLarge {
        /// The message size.
        size: usize,
        /// The limit in force.
        limit: usize,
    },
    /// More MIME nesting levels than [`Limits::max_depth`].
    #[error("message declares more than {limit} nested MIME parts (see --max-depth)")]
    TooDeep {
        /// The limit in force.
        limit: usize,
    },
}

/// What came of one message.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Decoded {
    /// One fact per reported recipient.
    pub facts: Vec<Fact>,
    /// The decoder that recognised the message; `None` for mail that is not a
    /// bounce.
    pub decoder: Option<&'static str>,
    /// Recipients beyond [`Limits::max_recipients`] that were not reported.
    pub truncated: usize,
}

/// Decodes messages with a registry.
pub struct Decoder<'r> {
    registry: &'r Registry,
    limits: Limits,
}

impl<'r> Decoder<'r> {
    /// A decoder over `registry` with default limits.
    pub fn new(registry: &'r Registry) -> Decoder<'r> {
        Decoder {
            registry,
            limits: Limits::default(),
        }
    }

    /// The same decoder with other limits.
    pub fn with_limits(mut self, limits: Limits) -> Decoder<'r> {
        self.limits = limits;
        self
    }

    /// The registry in use.
    pub fn registry(&self) -> &'r Registry {
        self.registry
    }

    /// Decodes one message. `origin` is recorded in each fact.
    pub fn decode(&self, bytes: &[u8], origin: &str) -> Result<Decoded, DecodeError> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(DecodeError::Empty);
        }
        if bytes.len() > self.limits.max_message_bytes {
            return Err(DecodeError::TooLarge {
                size: bytes.len(),
                limit: self.limits.max_message_bytes,
            });
        }
        if exceeds_depth(bytes, self.limits.max_depth) {
            return Err(DecodeError::TooDeep {
                limit: self.limits.max_depth,
            });
        }
        let normalized = text::normalize_newlines(bytes);
        let mail = Mail::parse(&normalized).ok_or(DecodeError::NotAMessage)?;
        Ok(self.decode_mail(&mail, origin))
    }

    /// Decodes an already parsed message.
    pub fn decode_mail(&self, mail: &Mail<'_>, origin: &str) -> Decoded {
        let candidates = self.candidates(mail);
        let Some((decoder, mut report)) = self.first_report(mail, &candidates) else {
            return Decoded::default();
        };
        let truncated = report
            .recipients
            .len()
            .saturating_sub(self.limits.max_recipients);
        report.recipients.truncate(self.limits.max_recipients);
        let facts = self.finish(mail, decoder, report, &candidates, origin);
        Decoded {
            facts,
            decoder: Some(decoder),
            truncated,
        }
    }

    /// Diagnoses pasted error text with no headers (`bounce explain`): the
    /// providers and standard decoders read it as the body of a bounce; when
    /// none recognises it, the text itself is one recipient's diagnostic (its
    /// address, if it names one, is the recipient; otherwise the recipient is
    /// left empty). Always one fact or more.
    pub fn explain(&self, text: &str) -> Vec<Fact> {
        let mail = Mail::pasted(text);
        let decoded = self.decode_mail(&mail, "-");
        if !decoded.facts.is_empty() {
            return decoded.facts;
        }
        let mut draft = Draft::new(text::find_address(text).unwrap_or(""));
        draft.diagnosis = text.to_owned();
        // A pasted refusal that names no command is, in the usual case, the
        // answer to RCPT: the per-recipient step where addresses are judged.
        if Command::find(text).is_none()
            && (ReplyCode::find(text).is_some() || Status::find(text).is_some())
        {
            draft.command = Some(Command::Rcpt);
        }
        let candidates = self.candidates(&mail);
        let mut facts = self.finish(
            &mail,
            PASTED,
            Report::new(vec![draft.clone()]),
            &candidates,
            "-",
        );
        if facts.is_empty() {
            // No address in the text: still a diagnosis, for nobody in particular.
            draft.recipient = "unknown@invalid.".to_owned();
            facts = self.finish(&mail, PASTED, Report::new(vec![draft]), &candidates, "-");
            for f in &mut facts {
                f.recipient.clear();
                f.destination.clear();
                f.token.clear();
            }
        }
        facts
    }

    /// The providers whose fingerprints occur in the headers or the start of
    /// the body: one pass of the prefilter.
    pub fn candidates<'a>(&'a self, mail: &'a Mail<'_>) -> Candidates<'a> {
        let body = mail.body().as_bytes();
        let dsn = mail.dsn().unwrap_or("").as_bytes();
        // The From text is the raw value of the header, a slice of the header
        // block searched first, unless it had to be made valid UTF-8: then a
        // copy with U+FFFD for the bytes that were not, where only a pattern
        // holding U+FFFD could be found anew. So it is read only for such a
        // registry, and then a copy is searched at once, as the candidates
        // cannot keep it for later.
        let from = if self.registry.replacement_in_patterns() {
            mail.from_text()
        } else {
            Cow::Borrowed("")
        };
        let borrowed_from = match &from {
            Cow::Borrowed(from) => from.as_bytes(),
            Cow::Owned(_) => b"",
        };
        let mut candidates = self.registry.candidates(&[
            mail.raw_headers(),
            mail.subject().as_bytes(),
            borrowed_from,
            &body[..body.len().min(PREFILTER_BODY)],
            &dsn[..dsn.len().min(PREFILTER_DSN)],
        ]);
        if let Cow::Owned(from) = &from {
            candidates.search_now(from.as_bytes());
        }
        candidates
    }

    fn first_report(
        &self,
        mail: &Mail<'_>,
        candidates: &Candidates<'_>,
    ) -> Option<(&'static str, Report)> {
        let providers = self.registry.providers();
        for i in candidates.decoders() {
            let p = providers[i];
            if let Some(r) = p.matcher.decode(mail) {
                if !r.recipients.is_empty() {
                    return Some((p.id, r));
                }
            }
        }
        STANDARD.iter().find_map(|(id, f)| {
            f(mail)
                .filter(|r| !r.recipients.is_empty())
                .map(|r| (*id, r))
        })
    }

    fn finish(
        &self,
        mail: &Mail<'_>,
        decoder: &'static str,
        report: Report,
        candidates: &Candidates<'_>,
        origin: &str,
    ) -> Vec<Fact> {
        // The original's To is never read here: it is left unparsed.
        let mut original = match report.original.as_deref() {
            Some(inline) => Original::from_headers_without_to(inline),
            None => mail.original_without_to().unwrap_or_default(),
        };
        let mut addresser = if original.from.contains('@') {
            text::clean_address(&original.from)
        } else {
            text::clean_address(mail.to_address())
        };
        let mut senderdomain = domain_of(&addresser);
        // The bounce's own date, read only when a recipient has no date of
        // its own that parses (most DSNs give one per recipient).
        let mut bounce_date: Option<Option<(i64, String)>> = None;
        let count = report.recipients.len();
        let mut facts = Vec::with_capacity(count);
        for (k, mut draft) in report.recipients.into_iter().enumerate() {
            // The cleaned address, when cleaning changes it; otherwise the
            // draft's own string becomes the fact's, with no copy.
            let cleaned = match text::clean_address_cow(&draft.recipient) {
                Cow::Borrowed(a) if a.len() == draft.recipient.len() => None,
                c => Some(c.into_owned()),
            };
            let clean = cleaned.as_deref().unwrap_or(&draft.recipient);
            if !clean.contains('@') {
                continue;
            }
            let destination = domain_of(clean);
            let own = if draft.date.trim().is_empty() {
                // What `parse_date` makes of no date, without asking it.
                None
            } else {
                parse_date(&draft.date)
            };
            let (ts, tz) = own
                .or_else(|| {
                    bounce_date
                        .get_or_insert_with(|| mail.date().or_else(|| original.date.clone()))
                        .clone()
                })
                .unwrap_or((0, String::new()));
            let token = token(&addresser, clean, ts);
            let (reason, evidence) = self.decide(&mut draft, decoder, candidates, &destination);
            let recipient = cleaned.unwrap_or_else(|| std::mem::take(&mut draft.recipient));
            let (status, reply, command) = (draft.status, draft.replycode, draft.command);
            let action = normalize_action(&draft.action);
            let hardbounce = action != "delayed" && reason.is_hard(status.as_ref());
            // What every fact of the message shares is moved into the last
            // one rather than copied.
            let last = k + 1 == count;
            let shared = |s: &mut String| {
                if last {
                    std::mem::take(s)
                } else {
                    s.clone()
                }
            };
            facts.push(Fact {
                token,
                action,
                addresser: shared(&mut addresser),
                alias: draft.alias,
                deliverystatus: status.map(|s| s.to_text()).unwrap_or_default(),
                destination,
                diagnosticcode: squeeze_owned(draft.diagnosis),
                diagnostictype: draft.diagnostictype,
                feedbacktype: draft.feedbacktype,
                hardbounce,
                lhost: draft.lhost,
                listid: shared(&mut original.list_id),
                messageid: shared(&mut original.message_id),
                origin: origin.to_owned(),
                reason,
                recipient,
                replycode: reply.map(|r| r.to_text()).unwrap_or_default(),
                rhost: draft.rhost,
                senderdomain: shared(&mut senderdomain),
                smtpagent: Cow::Borrowed(decoder),
                smtpcommand: Cow::Borrowed(command.map_or("", Command::as_str)),
                subject: shared(&mut original.subject),
                timestamp: ts,
                timezoneoffset: tz,
                evidence,
            });
        }
        facts
    }

    /// Status, reply code and command from what the decoder read and what the
    /// diagnostic says; then the reason; then, when the bounce gave no status,
    /// one derived from the reason.
    fn decide(
        &self,
        draft: &mut Draft,
        decoder: &'static str,
        candidates: &Candidates<'_>,
        domain: &str,
    ) -> (Reason, Evidence) {
        // The status the diagnostic quotes, looked for only where it can
        // count: no status read, a generic one, or one the reply contradicts
        // (most recipients have a specific status that agrees with the reply).
        let mut quoted = None;
        let mut in_text = || *quoted.get_or_insert_with(|| Status::find(&draft.diagnosis));
        let status = match draft.status {
            Some(s) if s.is_generic() => match in_text() {
                Some(t) if t.class() == s.class() && !t.is_generic() => Some(t),
                _ => Some(s),
            },
            Some(s) => Some(s),
            None => in_text(),
        };
        let reply = draft
            .replycode
            .or_else(|| ReplyCode::find(&draft.diagnosis));
        // A report field that contradicts the server's own reply, when the
        // reply quotes a status of its own that agrees with it, yields to that
        // status (`Status: 4.5.0` beside `550 5.5.0 Service refused`).
        let status = match (status, reply) {
            (Some(s), Some(r)) if s.class() != r.class() => match in_text() {
                Some(t) if t.class() == r.class() && !t.is_generic() => Some(t),
                _ => Some(s),
            },
            (s, _) => s,
        };
        let (reply, status) = reconcile(reply, status);
        let command = draft.command.or_else(|| Command::find(&draft.diagnosis));
        // Lowercase already, as a rule: then borrowed.
        let action = if draft.action.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(draft.action.to_ascii_lowercase())
        } else {
            Cow::Borrowed(draft.action.as_str())
        };
        let mut evidence = Evidence {
            decoder: Cow::Borrowed(decoder),
            ..Evidence::default()
        };
        // The settled codes replace what the decoder read, for the rules and
        // the classifier to see, and for the fact.
        draft.status = status;
        draft.replycode = reply;
        draft.command = command;
        let reason = self.reason(draft, &action, candidates, domain, &mut evidence);
        draft.status = status.or_else(|| pseudo_status(reason, reply, &action));
        (reason, evidence)
    }

    /// The reason of a draft whose codes are settled, in order of authority:
    /// a delivery action, a remote-host rule that knows the refusing server
    /// (or, failing a host, the recipient's domain), a reason the decoder was
    /// sure of, the classifier. `domain` is the (cleaned) recipient's.
    fn reason(
        &self,
        draft: &Draft,
        action: &str,
        candidates: &Candidates<'_>,
        domain: &str,
        evidence: &mut Evidence,
    ) -> Reason {
        if matches!(action, "delivered" | "relayed" | "expanded") {
            evidence.reason = text::concat(&["action:", action]);
            return Reason::Delivered;
        }
        let host = if draft.rhost.is_empty() {
            domain
        } else {
            draft.rhost.as_str()
        };
        for p in candidates.host_rules(host, domain) {
            if let Some((reason, rule)) = p.matcher.refine(draft) {
                evidence.rhost_rule = Cow::Borrowed(p.id);
                evidence.reason = rule.to_owned();
                return reason;
            }
        }
        if let Some(r) = draft
            .reason
            .filter(|r| !matches!(r, Reason::Undefined | Reason::OnHold))
        {
            evidence.reason = if draft.rule.is_empty() {
                text::concat(&["decoder:", &evidence.decoder])
            } else {
                draft.rule.to_owned()
            };
            return r;
        }
        let verdict = self.registry.classifier().classify(&Clue {
            diagnosis: &draft.diagnosis,
            status: draft.status,
            replycode: draft.replycode,
            command: draft.command,
            action,
            diagnostictype: &draft.diagnostictype,
        });
        evidence.reason = verdict.rule.into_owned();
        verdict.reason
    }
}

/// Whether a message declares more than `limit` multipart boundaries: each
/// `boundary=` parameter opens one nesting level (the returned original's
/// count too). One pass of a substring search; a message that is deeply
/// nested on purpose is refused before MIME parsing starts.
fn exceeds_depth(bytes: &[u8], limit: usize) -> bool {
    static FINDER: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"oundary="));
    FINDER
        .find_iter(bytes)
        .filter(|&i| i > 0 && bytes[i - 1].eq_ignore_ascii_case(&b'b'))
        .nth(limit)
        .is_some()
}

/// A status for a fact whose bounce gave none: the class from the reply code
/// or the action, and Sisimai's convention of a `X.0.9nn` detail that says
/// "derived, not reported".
fn pseudo_status(reason: Reason, reply: Option<ReplyCode>, action: &str) -> Option<Status> {
    let class = match reply {
        Some(r) if r.class() != 2 => r.class(),
        _ if action == "delayed" => 4,
        _ if matches!(
            reason,
            Reason::Undefined | Reason::Vacation | Reason::Feedback | Reason::Delivered
        ) =>
        {
            return None
        }
        _ => 5,
    };
    pseudo_code(reason, class)
}

/// Sisimai's `class.0.9nn` code for a reason that the bounce stated no code
/// for: "derived, not reported". For the decoders that know the class from
/// their format (Exim's retry timeout is transient).
pub fn pseudo_code(reason: Reason, class: u8) -> Option<Status> {
    let detail = match reason {
        Reason::UserUnknown => 911,
        Reason::HostUnknown => 912,
        Reason::HasMoved => 916,
        Reason::Rejected => 918,
        Reason::NoRelaying => 910,
        Reason::Suspend => 921,
        Reason::MailboxFull => 922,
        Reason::EmailTooLarge => 934,
        Reason::SystemFull => 932,
        Reason::NotAccept => 932,
        Reason::Expired => 947,
        Reason::Blocked => 971,
        Reason::Filtered => 910,
        Reason::SpamDetected => 980,
        Reason::VirusDetected => 970,
        Reason::PolicyViolation => 972,
        Reason::SecurityError => 970,
        Reason::SyntaxError => 902,
        Reason::MailerError => 950,
        Reason::NetworkError => 944,
        Reason::SystemError => 930,
        Reason::RateLimited => 972,
        Reason::ContentError => 960,
        Reason::RequirePtr => 973,
        Reason::AuthFailure => 974,
        Reason::BadReputation => 975,
        Reason::FailedStartTls => 976,
        Reason::NotCompliantRfc => 977,
        _ => 900,
    };
    Status::new(class, 0, detail)
}

/// The action of a fact: the canonical word of a known action, borrowed,
/// or the report's own word lowercased.
fn normalize_action(action: &str) -> Cow<'static, str> {
    let a = action.trim();
    // `starts_with` on the lowercased text, without lowercasing it first.
    let starts = |prefix: &str| {
        a.as_bytes()
            .get(..prefix.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(prefix.as_bytes()))
    };
    let canonical = if starts("fail") {
        "failed"
    } else if starts("delay") {
        "delayed"
    } else if starts("deliver") {
        "delivered"
    } else if starts("relay") {
        "relayed"
    } else if starts("expand") {
        "expanded"
    } else {
        return Cow::Owned(a.to_ascii_lowercase());
    };
    Cow::Borrowed(canonical)
}

/// [`squeeze`] of a string that is often squeezed already (one line of
/// ASCII with single spaces): then it is returned as it is, without a copy.
fn squeeze_owned(text: String) -> String {
    if text::is_squeezed(&text) {
        text
    } else {
        squeeze(&text)
    }
}

/// Collapses runs of whitespace into one space and trims.
pub fn squeeze(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    text::push_words(&mut out, text);
    out
}

#[cfg(test)]
mod tests {
    use crate::mail::parse_date;

    #[test]
    fn squeeze_owned_is_squeeze() {
        for t in [
            "",
            " ",
            "a",
            "a b",
            "a  b",
            " a",
            "a ",
            "a\tb",
            "a\u{b}b",
            "a\u{c}b",
            "a\rb",
            "a\nb",
            "550 5.1.1 <a@example.jp>: Recipient address rejected: User unknown",
            "550 5.1.1 <a@example.jp>: Recipient address rejected:  User unknown",
            "550 5.1.1 <a@example.jp>: Recipient address rejected: User unknown ",
            "1234567 89abcdef",
            "12345678 9abcdef",
            "1234567  9abcdef",
            "12345678\u{a0}9abcdef",
            "\u{3000}abc",
        ] {
            assert_eq!(
                super::squeeze_owned(t.to_owned()),
                super::squeeze(t),
                "{t:?}"
            );
        }
    }

    #[test]
    fn a_blank_date_parses_to_nothing() {
        // `finish` skips `parse_date` for a blank date on this ground.
        for blank in ["", " ", "\t \n", "\u{3000}"] {
            assert_eq!(parse_date(blank), None, "{blank:?}");
        }
    }
}
