//! The remote-host rule: what the replies of Yahoo's MX hosts mean.

use bounce_core::rules::{RemoteRule, Wordings};
use bounce_core::Reason;

/// The zone of Yahoo's MX hosts (`mta5.am0.yahoodns.net`, and
/// `mx-aol.mail.gm0.yahoodns.net` for AOL's domains). The rule reads a reply
/// only when the bounce names one of them as the refusing host: without a
/// host, the same words are left to the classifier.
pub const RHOSTS: &[&str] = &["yahoodns.net"];

/// The wordings of Yahoo's replies (see its "SMTP error codes" page),
/// lowercase, in the order they are tried.
static WORDINGS: Wordings = Wordings::new(&[
    // 421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to
    // unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes
    (
        "temporarily deferred due to unexpected volume or user complaints",
        Reason::Rejected,
        "yahooinc:TSS04",
    ),
    // 421 4.7.0 [TS01] Messages from 192.0.2.1 temporarily deferred due to user complaints
    (
        "temporarily deferred due to user complaints",
        Reason::RateLimited,
        "yahooinc:user-complaints",
    ),
    // 553 5.7.2 [TSS09] All messages from 192.0.2.1 will be permanently deferred;
    // Retrying will NOT succeed.
    (
        "will be permanently deferred",
        Reason::Blocked,
        "yahooinc:permanently-deferred",
    ),
    // 553 5.7.1 [BL21] Connections will not be accepted from 192.0.2.1, because
    // the ip is in Spamhaus's list
    (
        "because the ip is in spamhaus's list",
        Reason::Blocked,
        "yahooinc:spamhaus",
    ),
    // 553 5.7.1 [BL23] Connections not accepted from IP addresses on Spamhaus XBL
    (
        "not accepted from ip addresses on spamhaus",
        Reason::Blocked,
        "yahooinc:spamhaus",
    ),
    // 550 5.7.9 This mail has been blocked because the sender is unauthenticated.
    // Yahoo requires all senders to authenticate with either SPF or DKIM.
    (
        "requires all senders to authenticate with either spf or dkim",
        Reason::AuthFailure,
        "yahooinc:unauthenticated",
    ),
    // 554 5.7.9 Message not accepted for policy reasons.
    // 554 Message not allowed - [PH01] Email not accepted for policy reasons.
    (
        "not accepted for policy reasons",
        Reason::PolicyViolation,
        "yahooinc:policy",
    ),
    // 451 Message temporarily deferred due to unresolvable RFC.5321 from domain.
    (
        "unresolvable rfc.5321",
        Reason::Rejected,
        "yahooinc:unresolvable-from-domain",
    ),
    // 554 5.7.9 Message not accepted: headers are not RFC compliant
    (
        "headers are not rfc compliant",
        Reason::NotCompliantRfc,
        "yahooinc:headers-not-rfc-compliant",
    ),
    // 421 Max message per connection reached, closing transmission channel
    (
        "max message per connection reached",
        Reason::RateLimited,
        "yahooinc:max-messages-per-connection",
    ),
    // 550 relaying denied for <user@yahoo.com>
    (
        "relaying denied for ",
        Reason::NoRelaying,
        "yahooinc:relaying-denied",
    ),
    // 554 delivery error: dd This user doesn't have a yahoo.com account (user@yahoo.com) [0]
    (
        "dd this user doesn't have a ",
        Reason::UserUnknown,
        "yahooinc:no-account",
    ),
    // 554 delivery error: dd user@yahoo.com is no longer valid. [-20]
    (
        "is no longer valid",
        Reason::UserUnknown,
        "yahooinc:no-longer-valid",
    ),
    // 552 1 Requested mail action aborted, mailbox not found
    (
        "mailbox not found",
        Reason::UserUnknown,
        "yahooinc:mailbox-not-found",
    ),
    // 554 30 Sorry, your message to user@aol.com cannot be delivered. This mailbox is disabled (554.30).
    (
        "this mailbox is disabled",
        Reason::Suspend,
        "yahooinc:mailbox-disabled",
    ),
    // 554 delivery error: dd Sorry your message to user@yahoo.com cannot be
    // delivered. This account has been disabled or discontinued [#102].
    (
        "account has been disabled or discontinued",
        Reason::Suspend,
        "yahooinc:account-disabled",
    ),
]);

/// The remote-host rule: the reason of a reply from Yahoo's hosts.
pub static RULE: RemoteRule = RemoteRule::new(RHOSTS).host_required().wordings(&WORDINGS);

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(rhost: &str, diagnosis: &str) -> Option<Reason> {
        bounce_testkit::refine(&RULE, rhost, diagnosis)
    }

    #[test]
    fn wordings() {
        let mx = "mta6.am0.yahoodns.net";
        assert_eq!(reason(mx, "421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes"), Some(Reason::Rejected));
        assert_eq!(reason(mx, "554 5.7.9 Message not accepted for policy reasons. See https://senders.yahooinc.com/error-codes"), Some(Reason::PolicyViolation));
        assert_eq!(reason(mx, "554 delivery error: dd This user doesn't have a yahoo.com account (a@yahoo.com) [0] - mta1061.mail.ne1.yahoo.com"), Some(Reason::UserUnknown));
        assert_eq!(reason(mx, "550 5.7.9 This mail has been blocked because the sender is unauthenticated. Yahoo requires all senders to authenticate with either SPF or DKIM."), Some(Reason::AuthFailure));
        assert_eq!(reason(mx, "553 5.7.2 [TSS09] All messages from 192.0.2.1 will be permanently deferred; Retrying will NOT succeed."), Some(Reason::Blocked));
        assert_eq!(reason(mx, "452 4.2.2 mailbox full"), None);
        assert_eq!(
            reason(
                "relay.example.net",
                "554 5.7.9 Message not accepted for policy reasons."
            ),
            None
        );
        assert_eq!(reason("", "421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user complaints"), None);
    }
}
