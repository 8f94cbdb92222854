//! The order in which the clues of one recipient are weighed, replaying what
//! Sisimai's `Sisimai::Reason->get` and `->anotherone` do so that our reasons
//! agree with its labels.
//!
//! 1. A delivery (`Action: delivered`, `relayed`, `expanded`, or a `2.x.x`
//!    status) is `delivered`. A provider's own phrase, when the text has one,
//!    decides next.
//! 2. *Status and text* ([`BY_STATUS_AND_TEXT`]): each reason in turn checks
//!    the status code's own reason (`status.rs`) and the phrases, with the
//!    conditions of Sisimai's `true` methods: `5.1.1` is `userunknown` unless
//!    the text names a relay, block, full mailbox, move, rejection or null MX;
//!    user-unknown wording is `userunknown` only in reply to `RCPT` and is
//!    `filtered` when no command or another one (a filter speaking after the
//!    recipient was accepted); spam wording counts here only after `DATA`;
//!    at `MAIL FROM` a "bad mailbox/domain" is the sender's, not the
//!    recipient's; and so on.
//! 3. *Text, then status class* ([`BY_TEXT`]): when the status named nothing
//!    or a reason that is worth checking again (Sisimai's "retry" set), the
//!    first reason of the list whose phrases the text has decides; then a
//!    refusal of `MAIL FROM` is `rejected`; then `X.6.x` is `contenterror`,
//!    `X.7.x` `securityerror`, a pipe (`x-unix`) `mailererror`, a `50x` reply
//!    `syntaxerror`; then the status code's own reason; then `delayed` is
//!    `expired` and a refusal of `HELO`/`EHLO`/the connection `blocked`.
//! 4. Otherwise an auto-reply is `vacation`, any other text `onhold` (there
//!    was an error, but nothing says which) and no text at all `undefined`.

use std::borrow::Cow;

use super::phrases::{Hits, Table};
use super::{status, Clue, Verdict};
use crate::reason::Reason::{self, *};
use crate::smtp::{Command, Status};
use crate::text::concat;

/// Step 2: the reasons whose status code or phrases decide first, in
/// Sisimai's order (its `ClassOrder[0]`).
pub(super) const BY_STATUS_AND_TEXT: &[Reason] = &[
    // Not in Sisimai's list (its SES decoder says it), but a suppression
    // notice quotes the old failure ("invalid address") and must win over it.
    Suppressed,
    MailboxFull,
    EmailTooLarge,
    Suspend,
    HasMoved,
    NoRelaying,
    AuthFailure,
    UserUnknown,
    Filtered,
    RequirePtr,
    NotCompliantRfc,
    BadReputation,
    ContentError,
    Rejected,
    HostUnknown,
    SpamDetected,
    RateLimited,
    Blocked,
];

/// Step 3: the reasons decided by their phrases alone, in Sisimai's order (its
/// `ClassOrder[1]`).
pub(super) const BY_TEXT: &[Reason] = &[
    MailboxFull,
    AuthFailure,
    BadReputation,
    RateLimited,
    SpamDetected,
    VirusDetected,
    PolicyViolation,
    NoRelaying,
    SystemError,
    NetworkError,
    Suspend,
    ContentError,
    SystemFull,
    NotAccept,
    Expired,
    FailedStartTls,
    SecurityError,
    Suppressed,
    MailerError,
];

/// The order for the phrase table alone (`Classifier::by_text`): Sisimai's
/// `ClassOrder[2]` with the reasons it leaves out put where they rank above.
pub(super) const PHRASE_ONLY: &[Reason] = &[
    Suppressed,
    MailboxFull,
    EmailTooLarge,
    Suspend,
    HasMoved,
    NoRelaying,
    AuthFailure,
    UserUnknown,
    Filtered,
    RequirePtr,
    NotCompliantRfc,
    BadReputation,
    Rejected,
    HostUnknown,
    SpamDetected,
    VirusDetected,
    PolicyViolation,
    RateLimited,
    Blocked,
    SystemError,
    NetworkError,
    ContentError,
    SystemFull,
    NotAccept,
    Expired,
    FailedStartTls,
    SecurityError,
    MailerError,
    Vacation,
];

/// What a user-unknown status code must not be contradicted by.
const NOT_USER_UNKNOWN: &[Reason] = &[
    NoRelaying,
    Blocked,
    MailboxFull,
    HasMoved,
    Rejected,
    NotAccept,
];

/// The clues of one recipient, prepared.
struct Ctx<'a> {
    hits: &'a Hits<'a>,
    status: Option<Status>,
    /// The reason the status code names by itself.
    named: Option<Reason>,
    command: Option<Command>,
    reply: Option<u16>,
    action: &'a str,
    /// The normalised diagnosis.
    text: &'a str,
}

impl Ctx<'_> {
    fn phrase(&self, reason: Reason) -> Option<String> {
        self.hits.rule(reason).map(str::to_owned)
    }

    fn by_status(&self) -> String {
        self.status.map_or_else(String::new, status_rule)
    }

    /// The status code's own reason is `reason`.
    fn names(&self, reason: Reason) -> bool {
        self.named == Some(reason)
    }

    fn command_is(&self, commands: &[Command]) -> bool {
        self.command.is_some_and(|c| commands.contains(&c))
    }

    /// Step 2 for one reason: whether the status and the text make it this
    /// one, with the rule that says so.
    fn holds(&self, reason: Reason) -> Option<String> {
        match reason {
            // A refusal of MAIL FROM speaks of the sender: a "bad mailbox" or
            // "bad domain" there is the sender's, and step 3 calls it rejected.
            UserUnknown | Filtered | HostUnknown if self.command == Some(Command::Mail) => None,
            UserUnknown => self.user_unknown(),
            Filtered => self.filtered(),
            Rejected => self.rejected(),
            NoRelaying if self.command_is(&[Command::Connect, Command::Helo, Command::Ehlo]) => {
                None
            }
            // Sisimai reads media errors from the status only after the
            // other phrases have had their say (step 3).
            ContentError | NotCompliantRfc => self.phrase(reason),
            HostUnknown if self.names(HostUnknown) => {
                // A DNS failure behind a "bad destination system" code.
                (!self.hits.has(NetworkError)).then(|| self.by_status())
            }
            SpamDetected => {
                // Content is judged after DATA only, and Sisimai wants a status.
                let before_data = self.command_is(&[
                    Command::Connect,
                    Command::Helo,
                    Command::Ehlo,
                    Command::Mail,
                    Command::Rcpt,
                ]);
                if self.status.is_none() {
                    None
                } else if self.names(SpamDetected) {
                    Some(self.by_status())
                } else if before_data {
                    None
                } else {
                    self.phrase(reason)
                }
            }
            _ if self.names(reason) => Some(self.by_status()),
            _ => self.phrase(reason),
        }
    }

    fn user_unknown(&self) -> Option<String> {
        if self.names(Suspend) {
            return None;
        }
        if self.names(UserUnknown) {
            if self.hits.first_of(NOT_USER_UNKNOWN).is_some() {
                return None;
            }
            return Some(match self.phrase(UserUnknown) {
                Some(p) => concat(&[&self.by_status(), "+", &p]),
                None => self.by_status(),
            });
        }
        if self.command == Some(Command::Rcpt) {
            return self
                .phrase(UserUnknown)
                .map(|p| concat(&["command:RCPT+", &p]));
        }
        // A local delivery agent's own report (sendmail's `mail.local:
        // unknown user: ...`): the mailbox store answered, so its user-unknown
        // wording speaks of the address even with no command.
        if self.command.is_none() && is_local_delivery(self.text) {
            return self
                .phrase(UserUnknown)
                .map(|p| concat(&["local-delivery+", &p]));
        }
        None
    }

    fn filtered(&self) -> Option<String> {
        if self.names(Suspend) {
            return None;
        }
        let words = || self.phrase(Filtered).or_else(|| self.phrase(UserUnknown));
        if self.names(Filtered) {
            return words().map(|p| concat(&[&self.by_status(), "+", &p]));
        }
        if self.command_is(&[Command::Rcpt, Command::Mail]) {
            return None;
        }
        // User-unknown wording after the recipient was accepted (or with no
        // command known) comes from a filter, not from the address book.
        let command = self.command.map_or("none", Command::as_str);
        words().map(|p| concat(&["command:", command, "+", &p]))
    }

    fn rejected(&self) -> Option<String> {
        if self.names(Rejected) {
            return Some(self.by_status());
        }
        match self.command {
            Some(Command::Mail) => self
                .phrase(Rejected)
                .map(|p| concat(&["command:MAIL+", &p])),
            Some(Command::Data | Command::EndOfData) if !self.names(UserUnknown) => {
                self.phrase(Rejected)
            }
            Some(Command::Data | Command::EndOfData) => None,
            _ if matches!(
                self.named,
                None | Some(OnHold | Undefined | SecurityError | SystemError)
            ) =>
            {
                self.phrase(Rejected)
            }
            _ => None,
        }
    }
}

/// Whether the text is the report of a local delivery agent, the program that
/// stores mail in the mailbox (sendmail's `mail.local` prefixes its messages
/// with its name).
fn is_local_delivery(text: &str) -> bool {
    crate::text::find_ci(text, "mail.local:").is_some()
}

/// Decides the reason of one recipient. `text` is the normalised diagnosis
/// and `hits` what the phrase table found in it.
pub(super) fn decide(clue: &Clue<'_>, text: &str, hits: &Hits<'_>, table: &Table) -> Verdict {
    let verdict = |reason, rule: Cow<'static, str>| Verdict { reason, rule };
    let action = clue.action.trim();
    for delivered in ["delivered", "relayed", "expanded"] {
        if action.eq_ignore_ascii_case(delivered) {
            return verdict(Delivered, concat(&["action:", delivered]).into());
        }
    }
    if let Some(s) = clue.status.filter(|s| s.class() == 2) {
        return verdict(Delivered, status_rule(s).into());
    }
    if let Some(v) = table.extra_verdict(hits) {
        return v;
    }

    let cx = Ctx {
        hits,
        status: clue.status,
        named: clue.status.and_then(status::name),
        command: clue.command,
        reply: clue.replycode.map(|r| r.get()),
        action,
        text,
    };
    let diagnostic_type = diagnostic_type(text).or_else(|| declared_type(clue.diagnostictype));

    // Step 2: status and text together. Sisimai skips it when the diagnostic
    // is not an SMTP reply (`X-Unix; 255`, `X-Postfix; ...`).
    if diagnostic_type.is_none() {
        for &reason in BY_STATUS_AND_TEXT {
            if let Some(rule) = cx.holds(reason) {
                return verdict(reason, rule.into());
            }
        }
    }

    // Step 3: the text alone, then the status class.
    let named = cx.named.filter(|&r| r != Delivered);
    let retry = named.is_none_or(status::is_retried) || diagnostic_type.is_some();
    if retry {
        if let Some(reason) = hits.first_of(BY_TEXT) {
            return verdict(reason, cx.phrase(reason).unwrap_or_default().into());
        }
        let permanent = clue
            .replycode
            .map(|r| r.class())
            .or(clue.status.map(|s| s.class()))
            != Some(4);
        if cx.command == Some(Command::Mail) && permanent {
            // The sender was refused, and nothing says why.
            return verdict(Rejected, Cow::Borrowed("command:MAIL"));
        }
        let by_class = match clue.status.map(|s| s.subject()) {
            Some(6) => Some(ContentError),
            Some(7) => Some(SecurityError),
            _ => None,
        };
        if let Some(reason) = by_class {
            return verdict(reason, cx.by_status().into());
        }
        if let Some(code) = cx.reply.filter(|c| matches!(c, 400..=407 | 500..=507)) {
            return verdict(SyntaxError, format!("reply:{code}").into());
        }
    }
    if let Some(reason) = named {
        return verdict(reason, cx.by_status().into());
    }
    // A local program failed and neither its words nor its status say more.
    if diagnostic_type == Some("x-unix") {
        return verdict(MailerError, Cow::Borrowed("type:x-unix"));
    }
    if ["delayed", "expired"]
        .iter()
        .any(|a| cx.action.eq_ignore_ascii_case(a))
    {
        return verdict(
            Expired,
            concat(&["action:", &cx.action.to_ascii_lowercase()]).into(),
        );
    }
    if let Some(c) = cx
        .command
        .filter(|c| matches!(c, Command::Helo | Command::Ehlo | Command::Connect))
    {
        return verdict(Blocked, concat(&["command:", c.as_str()]).into());
    }

    // Step 4.
    if let Some(p) = cx.phrase(Vacation) {
        return verdict(Vacation, p.into());
    }
    if !text.is_empty() {
        return verdict(OnHold, Cow::Borrowed("fallback:onhold"));
    }
    verdict(Undefined, Cow::Borrowed("none"))
}

/// The phrase table alone: the first reason of [`PHRASE_ONLY`] the text names.
pub(super) fn by_text(hits: &Hits<'_>, table: &Table) -> Option<Verdict> {
    if let Some(v) = table.extra_verdict(hits) {
        return Some(v);
    }
    let reason = hits.first_of(PHRASE_ONLY)?;
    let rule = hits.rule(reason)?;
    Some(Verdict {
        reason,
        rule: rule.to_owned().into(),
    })
}

/// `phrase:"words"`, the words quoted as `{:?}` quotes them; built without
/// the formatter when they are printable ASCII with nothing to escape (the
/// usual case). Made once per phrase of the table, the first time a
/// verdict cites it.
pub(super) fn phrase_rule(words: &str) -> String {
    if !words
        .bytes()
        .all(|b| (b' '..=b'~').contains(&b) && b != b'"' && b != b'\\')
    {
        return format!("phrase:{words:?}");
    }
    let mut rule = String::with_capacity(words.len() + 9);
    rule.push_str("phrase:\"");
    rule.push_str(words);
    rule.push('"');
    rule
}

/// `status:X.Y.Z`, in one allocation.
fn status_rule(status: Status) -> String {
    let mut rule = String::with_capacity(18);
    rule.push_str("status:");
    status.push_text(&mut rule);
    rule
}

/// The diagnostic type a text starts with when it is not an SMTP reply
/// (`x-unix; 255` gives `x-unix`), lowercase.
fn diagnostic_type(text: &str) -> Option<&'static str> {
    let head = text.get(..memchr::memchr(b';', text.as_bytes())?)?.trim();
    if head.eq_ignore_ascii_case("smtp")
        || !head.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("x-"))
    {
        return None;
    }
    Some(if head.eq_ignore_ascii_case("x-unix") {
        "x-unix"
    } else {
        "x-other"
    })
}

/// The same for a type declared apart from the text (a DSN's
/// `Diagnostic-Code: X-Unix; ...` once split).
fn declared_type(ty: &str) -> Option<&'static str> {
    let ty = ty.trim();
    if ty.eq_ignore_ascii_case("x-unix") {
        Some("x-unix")
    } else if ty.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("x-")) {
        Some("x-other")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::{Classifier, Phrase};
    use crate::smtp::ReplyCode;
    use std::sync::OnceLock;

    fn classifier() -> &'static Classifier {
        static C: OnceLock<Classifier> = OnceLock::new();
        C.get_or_init(|| Classifier::new([]))
    }

    /// One recipient: diagnostic, status, reply code, command, action.
    fn run(text: &str, status: &str, reply: &str, command: &str, action: &str) -> Verdict {
        classifier().classify(&Clue {
            diagnosis: text,
            status: Status::parse(status),
            replycode: ReplyCode::parse(reply),
            command: Command::parse(command),
            action,
            diagnostictype: "",
        })
    }

    #[test]
    fn a_local_delivery_agents_unknown_user_is_user_unknown() {
        // With no command, user-unknown wording is a filter's...
        let v = run(
            "554 <a@example.jp>... unknown user",
            "5.5.0",
            "554",
            "",
            "failed",
        );
        assert_eq!(v.reason, Filtered);
        // ...unless the mailbox store itself said it.
        let v = run(
            "mail.local: unknown user: a 554 <a@example.jp>... Service unavailable",
            "5.5.0",
            "554",
            "",
            "failed",
        );
        assert_eq!(v.reason, UserUnknown);
        assert_eq!(v.rule, "local-delivery+phrase:\"unknown user\"");
        // After DATA the filter rule stands.
        let v = run(
            "mail.local: unknown user: a",
            "5.5.0",
            "554",
            "DATA",
            "failed",
        );
        assert_eq!(v.reason, Filtered);
    }

    #[test]
    fn a_declared_x_unix_type_is_a_mailer_error() {
        let v = classifier().classify(&Clue {
            diagnosis: "255",
            status: Status::parse("5.0.0"),
            action: "failed",
            diagnostictype: "X-Unix",
            ..Clue::default()
        });
        assert_eq!(v.reason, MailerError);
    }

    fn reason(text: &str, status: &str, reply: &str, command: &str) -> Reason {
        run(text, status, reply, command, "failed").reason
    }

    #[test]
    fn orders_have_no_duplicates() {
        for order in [BY_STATUS_AND_TEXT, BY_TEXT, PHRASE_ONLY] {
            let mut seen = std::collections::HashSet::new();
            assert!(order.iter().all(|r| seen.insert(*r)), "{order:?}");
        }
    }

    #[test]
    fn diagnostic_types() {
        assert_eq!(diagnostic_type("X-Unix; 255"), Some("x-unix"));
        assert_eq!(
            diagnostic_type("x-postfix; lost connection"),
            Some("x-other")
        );
        assert_eq!(diagnostic_type("smtp; 550 user unknown"), None);
        assert_eq!(diagnostic_type("550 user unknown; try x-unix"), None);
        assert_eq!(diagnostic_type("no type at all"), None);
    }

    #[test]
    fn each_reason_from_a_real_diagnostic() {
        let cases: &[(&str, &str, &str, &str, Reason)] = &[
            ("550 5.1.1 <kijitora@example.jp>... User Unknown", "5.1.1", "550", "RCPT", UserUnknown),
            ("550 Invalid recipient: <neko@example.co.jp>", "", "550", "RCPT", UserUnknown),
            ("511 5.1.1 VD-User unknown neko@example.co.jp", "", "511", "RCPT", UserUnknown),
            ("550 sorry, no mailbox here by that name. (#5.1.1)", "", "550", "RCPT", UserUnknown),
            ("User neko (neko@example.co.jp) not listed in Domino Directory", "", "", "RCPT", UserUnknown),
            ("550 : User unknown", "5.0.0", "550", "DATA", Filtered),
            ("550 5.2.0 Message Filtered", "5.2.0", "550", "", Filtered),
            ("552 5.2.2 <noraneko@example.jp>... Mailbox Full", "5.2.2", "552", "RCPT", MailboxFull),
            ("maildir delivery failed: User disk quota (100Mb) exceeded.", "", "", "", MailboxFull),
            ("送信先のメールボックスが一杯のため、送信できませんでした。", "", "", "", MailboxFull),
            ("JWH check_mbx_overquota: Mailbox quota exceeded: mailbox is full", "", "", "", MailboxFull),
            ("552 5.3.4 Message too large", "5.3.4", "552", "DATA", EmailTooLarge),
            ("552 5.2.3 Message size exceeds fixed maximum message size (10485760)", "5.2.3", "552", "", EmailTooLarge),
            (
                "Host or domain name not found. Name service error for name=example.co.jp type=A: Host not found",
                "5.4.4",
                "",
                "",
                HostUnknown,
            ),
            ("550 Host unknown", "", "550", "", HostUnknown),
            ("550 5.1.6 recipient no longer on server: kijitora@example.jp", "5.1.6", "550", "RCPT", HasMoved),
            (
                "554 delivery error: dd Sorry your message to neko@yahoo.co.jp cannot be delivered. \
                 This account has been disabled or discontinued [#102].",
                "",
                "554",
                "DATA",
                Suspend,
            ),
            ("550 Mailbox is frozen. See http://mail.i.ua/err/3/", "5.0.0", "550", "", Suspend),
            ("554 5.7.1 <neko@example.co.jp>: Relay access denied", "5.7.1", "554", "RCPT", NoRelaying),
            ("553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)", "5.7.1", "553", "RCPT", NoRelaying),
            ("554 Blocked - see https://support.proofpoint.com/dnsbl-lookup.cgi?ip=192.0.2.225", "", "554", "", Blocked),
            ("550 5.7.1 IP address blacklisted by recipient", "5.7.1", "550", "", Blocked),
            ("554 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org", "", "554", "RCPT", Blocked),
            ("501 5.1.8 Sender address rejected", "5.1.8", "501", "MAIL", Rejected),
            ("550 5.7.1 can't determine Purported Responsible Address", "5.7.1", "550", "", Rejected),
            ("550 5.7.1 Message content rejected, UBE, id=00000-00-000", "5.7.1", "550", "DATA", SpamDetected),
            ("554 5.7.1 This message has been scored as spam with a probability of 99%", "5.7.1", "554", "DATA", SpamDetected),
            ("550 Virus Detected; Content Rejected", "5.0.0", "550", "DATA", VirusDetected),
            ("554 5.7.9 Message not accepted for policy reasons.", "5.7.9", "554", "DATA", PolicyViolation),
            ("550 5.7.1 Email rejected per DMARC policy for libsisimai.org", "5.7.1", "550", "DATA", AuthFailure),
            ("550 Bad SPF records for [example.org:192.0.2.2], see http://spf.pobox.com/", "5.0.0", "550", "", AuthFailure),
            (
                "550-5.7.25 [192.0.2.202] The IP address sending this message does not have a\n\
                 550-5.7.25 PTR record setup, or the corresponding forward DNS entry does not\n\
                 550-5.7.25 point to the sending IP.",
                "5.7.25",
                "550",
                "",
                RequirePtr,
            ),
            (
                "451 4.7.650 The mail server [192.0.2.25] has been temporarily rate limited due to IP reputation.",
                "4.7.650",
                "451",
                "",
                BadReputation,
            ),
            ("452 4.3.2 Connection rate limit exceeded.", "4.3.2", "452", "", RateLimited),
            ("421 Too many connections from your host.", "", "421", "CONN", RateLimited),
            (
                "550-5.7.1 This message is not RFC 5322 compliant. There are multiple Subject\n\
                 550-5.7.1 headers.",
                "5.7.1",
                "550",
                "DATA",
                NotCompliantRfc,
            ),
            ("550 5.6.9 improper use of 8-bit data in message header", "5.6.9", "550", "DATA", ContentError),
            ("550 5.7.1 RESOLVER.RST.AuthRequired; authentication required", "5.7.1", "550", "RCPT", SecurityError),
            ("550 Unauthenticated senders not allowed", "5.0.0", "550", "MAIL", SecurityError),
            ("451 Could not load DRD for domain (example.com)", "4.0.0", "451", "RCPT", SystemError),
            ("Temporary local problem - please try later", "", "", "", SystemError),
            ("452 4.3.1 Insufficient system storage", "4.3.1", "452", "", SystemFull),
            ("550 Host does not accept mail", "5.7.27", "550", "", NotAccept),
            (
                "DNS type 'mx' lookup of libsisimai.org responded with code NOERROR The domain libsisimai.org \
                 doesn't receive email according to the administrator: returned Null MX",
                "4.0.0",
                "",
                "",
                NotAccept,
            ),
            (
                "DNS Error: DNS type 'mx' lookup of example.jp responded with code NXDOMAIN Domain name not found",
                "4.0.0",
                "",
                "",
                NetworkError,
            ),
            ("Error transferring to x; Maximum hop count exceeded. Message probably in a routing loop.", "5.0.0", "", "", NetworkError),
            ("Retry timeout exceeded", "4.4.7", "", "", Expired),
            ("Temporary error on maildir delivery. (#4.3.0) this message has been in the queue too long.", "", "", "", Expired),
            ("554 5.3.0 unknown mailer error 255", "5.3.0", "554", "", MailerError),
            ("X-Unix; 255", "5.0.0", "", "", MailerError),
            ("530 5.7.0 Must issue a STARTTLS command first", "5.7.0", "530", "MAIL", FailedStartTls),
            (
                "Amazon SES has suppressed sending to this address because it has a recent history of bouncing as an invalid address.",
                "5.1.1",
                "",
                "",
                Suppressed,
            ),
            ("503 Improper sequence of commands", "5.5.0", "503", "", SyntaxError),
            ("451 4.3.0 This message could not be delivered due to a recipient error.", "4.3.0", "451", "", OnHold),
            ("", "", "", "", Undefined),
        ];
        for &(text, status, reply, command, want) in cases {
            let got = run(text, status, reply, command, "failed");
            assert_eq!(
                got.reason, want,
                "{text:?} ({status} {reply} {command}): rule {}",
                got.rule
            );
        }
    }

    #[test]
    fn reports_and_auto_replies() {
        assert_eq!(
            run("250 2.1.5 Ok", "2.1.5", "250", "", "delivered").rule,
            "action:delivered"
        );
        assert_eq!(
            run("250 2.1.5 Ok", "2.1.5", "250", "", "deliverable").reason,
            Delivered
        );
        let v = run("I am out of the office until Monday.", "", "", "", "");
        assert_eq!(
            (v.reason, v.rule.as_ref()),
            (Vacation, "phrase:\"i am out of the office\"")
        );
        // A delay with nothing else to say has expired by the time it is reported.
        assert_eq!(run("", "4.0.0", "", "", "delayed").reason, Expired);
        assert_eq!(run("", "", "", "", "delayed").rule, "action:delayed");
    }

    #[test]
    fn status_codes_decide_when_the_text_does_not() {
        let cases: &[(&str, Reason)] = &[
            ("5.1.1", UserUnknown),
            ("5.1.2", HostUnknown),
            ("5.4.4", HostUnknown),
            ("5.1.6", HasMoved),
            ("5.1.8", Rejected),
            ("5.2.2", MailboxFull),
            ("4.2.2", MailboxFull),
            ("5.2.3", EmailTooLarge),
            ("5.3.4", EmailTooLarge),
            ("4.4.7", Expired),
            ("4.4.1", Expired),
            ("5.7.26", AuthFailure),
            ("5.7.25", RequirePtr),
            ("5.7.13", Suspend),
            ("5.3.2", NotAccept),
            ("5.6.0", ContentError),
            ("5.7.1", SecurityError),
            ("5.7.0", SecurityError),
            ("5.3.0", SystemError),
            ("4.4.5", SystemFull),
            ("5.2.0", Filtered),
        ];
        for &(status, want) in cases {
            let v = run("Delivery failed", status, "", "", "failed");
            assert_eq!(v.reason, want, "{status}: rule {}", v.rule);
            assert_eq!(v.rule, format!("status:{status}"), "{status}");
        }
        // A code that says nothing leaves the text undecided.
        assert_eq!(reason("Delivery failed", "5.0.0", "550", ""), OnHold);
    }

    #[test]
    fn the_command_matters() {
        let text = "550 <neko@example.jp>: User unknown";
        let rcpt = run(text, "5.0.0", "550", "RCPT", "failed");
        assert_eq!(
            (rcpt.reason, rcpt.rule.as_ref()),
            (UserUnknown, "command:RCPT+phrase:\"user unknown\"")
        );
        let data = run(text, "5.0.0", "550", "DATA", "failed");
        assert_eq!(
            (data.reason, data.rule.as_ref()),
            (Filtered, "command:DATA+phrase:\"user unknown\"")
        );
        assert_eq!(reason(text, "5.0.0", "550", ""), Filtered);
        // 5.2.1 with user-unknown words: the address book at RCPT, a filter otherwise.
        assert_eq!(
            reason(
                "550 5.2.1 <kijitora@example.jp>... User Unknown",
                "5.2.1",
                "550",
                "RCPT"
            ),
            UserUnknown
        );
        assert_eq!(
            reason(
                "550 5.2.1 <kijitora@example.jp>... User Unknown",
                "5.2.1",
                "550",
                ""
            ),
            Filtered
        );
        // At MAIL FROM a refusal is about the sender, whatever the code says.
        let v = run(
            "553 5.1.0 neko.example.com does not exist",
            "5.1.0",
            "553",
            "MAIL",
            "failed",
        );
        assert_eq!((v.reason, v.rule.as_ref()), (Rejected, "command:MAIL"));
        assert_eq!(
            reason("550 5.7.1 Access denied", "5.7.1", "550", "MAIL"),
            Rejected
        );
        assert_eq!(
            reason("550 5.7.1 Access denied", "5.7.1", "550", ""),
            SecurityError
        );
        // ...unless the words say why.
        assert_eq!(
            reason(
                "554 Mail from neko@example.net rejected for policy reasons.",
                "5.0.0",
                "554",
                "MAIL"
            ),
            PolicyViolation
        );
        // A transient refusal of MAIL FROM is not a rejected sender.
        assert_eq!(reason("451 Try again later", "", "451", "MAIL"), OnHold);
        // Refused at the greeting or HELO with no other clue: blocked.
        let v = run(
            "421 mx.example.jp closing connection",
            "",
            "421",
            "EHLO",
            "failed",
        );
        assert_eq!((v.reason, v.rule.as_ref()), (Blocked, "command:EHLO"));
        // Content is judged after DATA: before it, a named block comes first.
        let both = "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using dnsbl; spam detected";
        assert_eq!(reason(both, "5.7.1", "554", "DATA"), SpamDetected);
        assert_eq!(reason(both, "5.7.1", "554", "RCPT"), Blocked);
    }

    #[test]
    fn priorities_when_the_text_names_two_reasons() {
        // A 5.1.1 is not user unknown when the words say relaying or full.
        assert_eq!(
            reason(
                "554 5.1.1 <a@example.jp>: Relay access denied; user unknown",
                "5.1.1",
                "554",
                "RCPT"
            ),
            NoRelaying
        );
        assert_eq!(
            reason(
                "550 5.1.1 <a@example.jp>... User unknown, mailbox full",
                "5.1.1",
                "550",
                "RCPT"
            ),
            MailboxFull
        );
        // A DNS failure behind 5.4.4 is a network error, not an unknown host.
        let dns = "Name service error for name=example.org type=MX: Malformed or unexpected name server reply";
        assert_eq!(reason(dns, "5.4.4", "", ""), NetworkError);
        // Reverse DNS outranks the generic block wording it shares a line with.
        let ptr = "550 5.7.1 Connections not accepted from servers without a valid sender domain. Fix reverse DNS for 203.0.113.2";
        assert_eq!(reason(ptr, "5.7.1", "550", ""), RequirePtr);
        // Reputation outranks spam ("our system has detected that this message is").
        let rep = "550-5.7.1 [192.0.2.22 18] Our system has detected that this message is\n550-5.7.1 likely suspicious due to the very low reputation of the sending IP";
        assert_eq!(reason(rep, "5.7.1", "550", "DATA"), BadReputation);
        // Spam wording after DATA wins over a media-error code.
        assert_eq!(reason("554 5.6.0 This message has been scored as spam with a probability of more than 90%", "5.6.0", "554", "DATA"), SpamDetected);
        // A sender-domain refusal is not a recipient that "does not exist".
        let sender = "553 5.1.8 <root@example.com>... Domain of sender address root@example.com does not exist";
        assert_eq!(reason(sender, "5.1.8", "553", ""), Rejected);
        // The status names the reason when the text matches nothing specific.
        assert_eq!(
            reason(
                "550 5.1.1 Address rejected kijitora@example.co.jp",
                "5.1.1",
                "550",
                ""
            ),
            UserUnknown
        );
        // Mail system full beats a too-long-in-queue verdict only by order; both named: systemfull is later.
        assert_eq!(
            reason(
                "452 4.4.5 Insufficient disk space; try again later",
                "4.4.7",
                "452",
                ""
            ),
            SystemFull
        );
    }

    #[test]
    fn provider_phrases_speak_first() {
        let c = Classifier::new([Phrase {
            reason: Rejected,
            text: "Unknown user",
            source: "nttdocomo",
        }]);
        let clue = Clue {
            diagnosis: "550 Unknown user kijitora@docomo.ne.jp",
            action: "failed",
            ..Clue::default()
        };
        let v = c.classify(&clue);
        assert_eq!(
            (v.reason, v.rule.as_ref()),
            (Rejected, "phrase:\"Unknown user\" (nttdocomo)")
        );
        assert_eq!(c.by_text(clue.diagnosis).unwrap().reason, Rejected);
        // Deliveries stay deliveries.
        let delivered = Clue {
            action: "delivered",
            ..clue
        };
        assert_eq!(c.classify(&delivered).reason, Delivered);
    }

    #[test]
    fn rules_are_written_as_the_formatter_writes_them() {
        for words in [
            "user unknown",
            "a \"b\" \\ c",
            "it's",
            "\u{e9}t\u{e9} … x",
            "tab\there",
            "",
        ] {
            assert_eq!(phrase_rule(words), format!("phrase:{words:?}"));
        }
        let s = Status::new(5, 7, 26).unwrap();
        assert_eq!(status_rule(s), format!("status:{s}"));
    }

    #[test]
    fn by_text_is_the_phrase_table_alone() {
        let c = classifier();
        let v = c.by_text("550 5.2.2 Mailbox full; user unknown").unwrap();
        assert_eq!(
            (v.reason, v.rule.as_ref()),
            (MailboxFull, "phrase:\"mailbox full\"")
        );
        assert_eq!(
            c.by_text("ユーザー neko は Domino ディレクトリには見つかりません。")
                .unwrap()
                .reason,
            UserUnknown
        );
        assert_eq!(c.by_text("Relay access denied").unwrap().reason, NoRelaying);
        assert_eq!(
            c.by_text("550 5.7.1 Email rejected per DMARC policy")
                .unwrap()
                .reason,
            AuthFailure
        );
        assert!(c.by_text("550 5.1.1 nothing to see").is_none());
        assert!(c.by_text("").is_none());
    }
}
