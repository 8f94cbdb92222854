//! The reason an enhanced status code names by itself, as Sisimai's
//! `Sisimai::SMTP::Status->name` table has it.
//!
//! Codes that say too little (`X.0.0`, `5.7.0`, `4.3.0`, `4.7.0`...) are not in
//! the table, and several codes name a reason that the classifier still checks
//! against the text (`5.7.1` says only "security", `5.2.1` only "some mailbox
//! problem"): how much a code decides is the business of `decide.rs`.

use crate::reason::Reason;
use crate::smtp::Status;

/// The reason `status` names, if the table knows the code.
pub(super) fn name(status: Status) -> Option<Reason> {
    use Reason::*;
    let reason = match (status.class(), status.subject(), status.detail()) {
        (2, 1, 5) => Delivered,
        // Addressing status.
        (4 | 5, 1, 6) => HasMoved,
        (4 | 5, 1, 7 | 8) => Rejected,
        (4 | 5, 1, 9) => SystemError,
        (5, 1, 0 | 1 | 3) => UserUnknown,
        (5, 1, 2) => HostUnknown,
        (5, 1, 4) => Filtered,
        (5, 1, 10) => NotAccept,
        // Mailbox status.
        (4, 2, 1) => Suspend,
        (5, 2, 0 | 1) => Filtered,
        (4 | 5, 2, 2) => MailboxFull,
        (4 | 5, 2, 3) => EmailTooLarge,
        (4 | 5, 2, 4) => Filtered,
        // Mail system status.
        (5, 3, 0) => SystemError,
        (4 | 5, 3, 1) => SystemFull,
        (4 | 5, 3, 2) => NotAccept,
        (4 | 5, 3, 3 | 5) => SystemError,
        (5, 3, 4) => EmailTooLarge,
        // Network and routing status.
        (5, 4, 0) => NetworkError,
        (4, 4, 1 | 7) => Expired,
        (4, 4, 2 | 4 | 6) => NetworkError,
        (4 | 5, 4, 3) => SystemError,
        (5, 4, 4) => HostUnknown,
        (4, 4, 5) => SystemFull,
        // Mail delivery protocol status.
        (4 | 5, 5, 3 | 5) => SystemError,
        (5, 5, 4) => SystemError,
        (5, 5, 2 | 6) => SyntaxError,
        // Message content or media status.
        (4 | 5, 6, 0..=3 | 5..=9) => ContentError,
        // Security or policy status.
        (4, 7, 1 | 2) => Blocked,
        (5, 7, 1..=11 | 14 | 15 | 19) => SecurityError,
        (4, 7, 5..=7 | 12 | 15) => SecurityError,
        (4, 7, 24) => SecurityError,
        (4 | 5, 7, 13) => Suspend,
        (4 | 5, 7, 16) => EmailTooLarge,
        (5, 7, 17 | 18) => HasMoved,
        (5, 7, 20..=24 | 26 | 29) => AuthFailure,
        (4 | 5, 7, 25) => RequirePtr,
        (5, 7, 27) => NotAccept,
        (5, 7, 28) => BadReputation,
        (5, 7, 30) => FailedStartTls,
        _ => return None,
    };
    Some(reason)
}

/// The reasons Sisimai decides again from the text even when a decoder or the
/// status code named them: its `Sisimai::Reason->retry` set.
pub(super) fn is_retried(reason: Reason) -> bool {
    use Reason::*;
    matches!(
        reason,
        Undefined
            | OnHold
            | SystemError
            | SecurityError
            | Expired
            | Suspend
            | NetworkError
            | HostUnknown
            | UserUnknown
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(code: &str) -> Option<Reason> {
        name(Status::parse(code).unwrap())
    }

    #[test]
    fn specific_codes_name_their_reason() {
        assert_eq!(n("5.1.1"), Some(Reason::UserUnknown));
        assert_eq!(n("5.1.2"), Some(Reason::HostUnknown));
        assert_eq!(n("5.4.4"), Some(Reason::HostUnknown));
        assert_eq!(n("5.1.6"), Some(Reason::HasMoved));
        assert_eq!(n("5.2.2"), Some(Reason::MailboxFull));
        assert_eq!(n("4.2.2"), Some(Reason::MailboxFull));
        assert_eq!(n("5.3.4"), Some(Reason::EmailTooLarge));
        assert_eq!(n("5.2.3"), Some(Reason::EmailTooLarge));
        assert_eq!(n("4.4.7"), Some(Reason::Expired));
        assert_eq!(n("4.4.1"), Some(Reason::Expired));
        assert_eq!(n("5.7.26"), Some(Reason::AuthFailure));
        assert_eq!(n("5.7.25"), Some(Reason::RequirePtr));
        assert_eq!(n("5.7.13"), Some(Reason::Suspend));
        assert_eq!(n("5.7.27"), Some(Reason::NotAccept));
        assert_eq!(n("5.1.8"), Some(Reason::Rejected));
        assert_eq!(n("4.4.5"), Some(Reason::SystemFull));
        assert_eq!(n("5.6.9"), Some(Reason::ContentError));
        assert_eq!(n("2.1.5"), Some(Reason::Delivered));
    }

    #[test]
    fn vague_codes_name_nothing_or_a_retried_reason() {
        for code in [
            "5.0.0", "4.0.0", "4.3.0", "4.7.0", "5.7.0", "4.4.0", "5.5.0", "5.0.947",
        ] {
            assert_eq!(n(code), None, "{code}");
        }
        assert!(is_retried(n("5.7.1").unwrap()));
        assert!(is_retried(n("5.1.1").unwrap()));
        assert!(is_retried(n("5.3.0").unwrap()));
        assert!(!is_retried(n("5.2.2").unwrap()));
        assert_eq!(n("5.2.1"), Some(Reason::Filtered));
    }
}
