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
//!    recipient was accepted); spam and virus wording count only after `DATA`;
//!    `5.2.x` wording of a filter is `filtered`; and so on.
//! 3. *Text, then status class* ([`BY_TEXT`]): when the status named nothing
//!    or a reason that is worth checking again (Sisimai's "retry" set), the
//!    first reason of the list whose phrases the text has decides; then a
//!    refusal of `MAIL FROM` is `rejected`; then `X.6.x` is `contenterror`,
//!    `X.7.x` `securityerror`, a pipe (`x-unix`) `mailererror`, a `50x` reply
//!    `syntaxerror`; then the status code's own reason; then `delayed` is
//!    `expired` and a refusal of `HELO`/`EHLO`/the connection `blocked`.
//! 4. Otherwise an auto-reply is `vacation`, any other text `onhold` (there
//!    was an error, but nothing says which) and no text at all `undefined`.

use super::phrases::{Hits, Table};
use super::{status, Clue, Verdict};
use crate::reason::Reason::{self, *};
use crate::smtp::{Command, Status};

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
    hits: &'a Hits,
    status: Option<Status>,
    /// The reason the status code names by itself.
    named: Option<Reason>,
    command: Option<Command>,
    reply: Option<u16>,
    action: &'a str,
}

impl Ctx<'_> {
    fn phrase(&self, reason: Reason) -> Option<String> {
        self.hits.words(reason).map(|w| format!("phrase:{w:?}"))
    }

    fn by_status(&self) -> String {
        self.status
            .map_or_else(String::new, |s| format!("status:{s}"))
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
                Some(p) => format!("{}+{p}", self.by_status()),
                None => self.by_status(),
            });
        }
        if self.command == Some(Command::Rcpt) {
            return self
                .phrase(UserUnknown)
                .map(|p| format!("command:RCPT+{p}"));
        }
        None
    }

    fn filtered(&self) -> Option<String> {
        if self.names(Suspend) {
            return None;
        }
        let words = || self.phrase(Filtered).or_else(|| self.phrase(UserUnknown));
        if self.names(Filtered) {
            return words().map(|p| format!("{}+{p}", self.by_status()));
        }
        if self.command_is(&[Command::Rcpt, Command::Mail]) {
            return None;
        }
        // User-unknown wording after the recipient was accepted (or with no
        // command known) comes from a filter, not from the address book.
        let command = self.command.map_or("none", Command::as_str);
        words().map(|p| format!("command:{command}+{p}"))
    }

    fn rejected(&self) -> Option<String> {
        if self.names(Rejected) {
            return Some(self.by_status());
        }
        match self.command {
            Some(Command::Mail) => self.phrase(Rejected).map(|p| format!("command:MAIL+{p}")),
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

/// Decides the reason of one recipient. `text` is the normalised diagnosis
/// and `hits` what the phrase table found in it.
pub(super) fn decide(clue: &Clue<'_>, text: &str, hits: &Hits, table: &Table) -> Verdict {
    let verdict = |reason, rule: String| Verdict {
        reason,
        rule: rule.into(),
    };
    let action = clue.action.trim();
    for delivered in ["delivered", "relayed", "expanded"] {
        if action.eq_ignore_ascii_case(delivered) {
            return verdict(Delivered, format!("action:{delivered}"));
        }
    }
    if let Some(s) = clue.status.filter(|s| s.class() == 2) {
        return verdict(Delivered, format!("status:{s}"));
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
    };
    let diagnostic_type = diagnostic_type(text);

    // Step 2: status and text together. Sisimai skips it when the diagnostic
    // is not an SMTP reply (`X-Unix; 255`, `X-Postfix; ...`).
    if diagnostic_type.is_none() {
        for &reason in BY_STATUS_AND_TEXT {
            if let Some(rule) = cx.holds(reason) {
                return verdict(reason, rule);
            }
        }
    }

    // Step 3: the text alone, then the status class.
    let named = cx.named.filter(|&r| r != Delivered);
    let retry = named.is_none_or(status::is_retried) || diagnostic_type.is_some();
    if retry {
        if let Some(reason) = hits.first_of(BY_TEXT) {
            return verdict(reason, cx.phrase(reason).unwrap_or_default());
        }
        let permanent = clue
            .replycode
            .map(|r| r.class())
            .or(clue.status.map(|s| s.class()))
            != Some(4);
        if cx.command == Some(Command::Mail) && permanent {
            // The sender was refused, and nothing says why.
            return verdict(Rejected, "command:MAIL".to_owned());
        }
        let by_class = match clue.status.map(|s| s.subject()) {
            Some(6) => Some(ContentError),
            Some(7) => Some(SecurityError),
            _ => None,
        };
        if let Some(reason) = by_class {
            return verdict(reason, cx.by_status());
        }
        if diagnostic_type == Some("x-unix") {
            return verdict(MailerError, "type:x-unix".to_owned());
        }
        if let Some(code) = cx.reply.filter(|c| matches!(c, 400..=407 | 500..=507)) {
            return verdict(SyntaxError, format!("reply:{code}"));
        }
    }
    if let Some(reason) = named {
        return verdict(reason, cx.by_status());
    }
    if ["delayed", "expired"]
        .iter()
        .any(|a| cx.action.eq_ignore_ascii_case(a))
    {
        return verdict(
            Expired,
            format!("action:{}", cx.action.to_ascii_lowercase()),
        );
    }
    if let Some(c) = cx
        .command
        .filter(|c| matches!(c, Command::Helo | Command::Ehlo | Command::Connect))
    {
        return verdict(Blocked, format!("command:{}", c.as_str()));
    }

    // Step 4.
    if let Some(p) = cx.phrase(Vacation) {
        return verdict(Vacation, p);
    }
    if !text.is_empty() {
        return verdict(OnHold, "fallback:onhold".to_owned());
    }
    verdict(Undefined, "none".to_owned())
}

/// The phrase table alone: the first reason of [`PHRASE_ONLY`] the text names.
pub(super) fn by_text(hits: &Hits, table: &Table) -> Option<Verdict> {
    if let Some(v) = table.extra_verdict(hits) {
        return Some(v);
    }
    let reason = hits.first_of(PHRASE_ONLY)?;
    let words = hits.words(reason)?;
    Some(Verdict {
        reason,
        rule: format!("phrase:{words:?}").into(),
    })
}

/// The diagnostic type a text starts with when it is not an SMTP reply
/// (`x-unix; 255` gives `x-unix`), lowercase.
fn diagnostic_type(text: &str) -> Option<&'static str> {
    let head = text.get(..text.find(';')?)?.trim();
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
