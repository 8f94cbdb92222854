#![doc = include_str!("../README.md")]

use bounce_core::rules::{RemoteRule, Wordings};
use bounce_core::{text, Command, Draft, Kind, Provider, ProviderMatcher, Reason};

/// NTT docomo's mobile mail domain and its MX hosts (`mfsmax.docomo.ne.jp`).
const RHOSTS: &[&str] = &["docomo.ne.jp"];

/// Replies of docomo's MX hosts other than "Unknown user", lowercase.
static WORDINGS: Wordings = Wordings::new(&[
    (
        "552 too much mail data",
        Reason::MailboxFull,
        "docomo:too-much-mail-data",
    ),
    (
        "552 too many recipients",
        Reason::RateLimited,
        "docomo:too-many-recipients",
    ),
    (
        "503 bad sequence of commands",
        Reason::SyntaxError,
        "docomo:bad-sequence",
    ),
    (
        "504 command parameter not implemented",
        Reason::SyntaxError,
        "docomo:parameter-not-implemented",
    ),
]);

struct Docomo;

static RULE: RemoteRule = RemoteRule::new(RHOSTS).wordings(&WORDINGS);

impl ProviderMatcher for Docomo {
    fn refine(&self, draft: &Draft) -> Option<(Reason, &'static str)> {
        if !RULE.answers(draft) {
            return None;
        }
        if text::find_ci(&draft.diagnosis, "unknown user").is_some() {
            return unknown_user(draft);
        }
        RULE.read(&draft.diagnosis)
    }
}

/// docomo answers "550 Unknown user <address>" both for an address that does
/// not exist (at RCPT) and for a sender its owner's reception settings refuse
/// (after the message, at the end of DATA). The command tells them apart; a
/// relaying sendmail's status (5.1.1 for a refused recipient, 5.2.0 for a
/// refused message) does too.
fn unknown_user(draft: &Draft) -> Option<(Reason, &'static str)> {
    let status = draft.status.map(|s| (s.class(), s.subject(), s.detail()));
    match (status, draft.command) {
        (Some((5, 1, 1)), _) | (_, Some(Command::Rcpt)) => {
            Some((Reason::UserUnknown, "docomo:unknown-user-at-rcpt"))
        }
        (Some((5, 2, 0)), _) => Some((Reason::Filtered, "docomo:unknown-user-message-refused")),
        (_, Some(Command::Data | Command::EndOfData)) => {
            Some((Reason::Rejected, "docomo:unknown-user-after-data"))
        }
        _ => None,
    }
}

bounce_core::inventory::submit! {
    Provider {
        id: "docomo",
        kind: Kind::RemoteHost,
        doc: include_str!("../README.md"),
        fingerprints: &[],
        rhosts: RHOSTS,
        phrases: &[],
        matcher: &Docomo,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bounce_core::Status;

    fn refine(status: &str, command: Option<Command>, diagnosis: &str) -> Option<Reason> {
        let d = Draft {
            rhost: "mfsmax.docomo.ne.jp".into(),
            status: Status::parse(status),
            command,
            diagnosis: diagnosis.into(),
            ..Draft::default()
        };
        Docomo.refine(&d).map(|r| r.0)
    }

    #[test]
    fn unknown_user_by_command_and_status() {
        let text = "550 Unknown user a@docomo.ne.jp";
        assert_eq!(
            refine("5.0.0", Some(Command::Rcpt), text),
            Some(Reason::UserUnknown)
        );
        assert_eq!(
            refine("5.0.0", Some(Command::EndOfData), text),
            Some(Reason::Rejected)
        );
        assert_eq!(
            refine("5.2.0", Some(Command::Data), text),
            Some(Reason::Filtered)
        );
        assert_eq!(refine("5.1.1", None, text), Some(Reason::UserUnknown));
        assert_eq!(refine("5.0.0", None, text), None);
        assert_eq!(
            refine("5.0.0", Some(Command::Rcpt), "552 Too many recipients"),
            Some(Reason::RateLimited)
        );
        assert_eq!(refine("5.0.0", None, "451 try again"), None);
    }
}
