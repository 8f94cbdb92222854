//! The `google` remote-host rule: how Google's SMTP servers (Gmail, Google
//! Workspace, Google Groups) word their refusals, after Google's published
//! SMTP error reference (<https://support.google.com/a/answer/3726730>).

use bounce_core::rules::{by_code, host_under_any, Wordings};
use bounce_core::{text, Draft, ProviderMatcher, Reason};

/// Google's hosts and the domains its servers receive for.
pub(crate) const RHOSTS: &[&str] = &[
    "google.com",
    "googlemail.com",
    "gmail.com",
    "googlegroups.com",
    "1e100.net",
];

/// The `google` remote-host rule.
pub(crate) struct Google;

/// Each row is one refusal: its reason, the status code it must come with
/// (any when empty), and a phrase of its text, lowercase. The rows become
/// [`WORDINGS`] (the rule of each named `google:PHRASE`) and [`STATUSES`].
macro_rules! rules {
    ($($reason:ident $status:literal $phrase:literal;)+) => {
        /// Tried in order; the first whose phrase occurs (and whose status
        /// matches, when it names one) decides. More specific wordings come
        /// first: "rate limited because ... unauthenticated" is about
        /// authentication, "out of storage space and inactive" about a full
        /// mailbox.
        static WORDINGS: Wordings = Wordings::new(&[$(($phrase, Reason::$reason, concat!("google:", $phrase))),+]);
        /// The status code each row of [`WORDINGS`] must come with (any
        /// when empty).
        const STATUSES: &[&str] = &[$($status),+];
    };
}

rules! {
    // Authentication: SPF, DKIM, DMARC (5.7.26, 4.7.26, 4.7.27, 4.7.30, 4.7.32).
    AuthFailure "" "does not pass authentication checks";
    AuthFailure "" "fails to pass authentication checks";
    AuthFailure "" "does not have authentication information";
    AuthFailure "" "fails to pass spf checks";
    AuthFailure "" "has an spf record with a hard fail policy";
    AuthFailure "" "the sender is unauthenticated";
    AuthFailure "" "requires all senders to authenticate";
    AuthFailure "" "because it is unauthenticated";
    AuthFailure "" "not accepted due to domain's dmarc policy";
    AuthFailure "" "unauthenticated email is not accepted from this domain";
    AuthFailure "" "spf authentication didn't pass";
    AuthFailure "" "dkim authentication didn't pass";
    AuthFailure "" "isn't aligned with either the authenticated spf or dkim";
    AuthFailure "" "doesn't have a dmarc record";
    // Reverse DNS (5.7.25).
    RequirePtr "" "does not have a ptr record";
    RequirePtr "" "missing ptr records";
    // Reputation (421 4.7.0, 550 5.7.1).
    BadReputation "" "very low reputation of the sending";
    // Rate limits (450 4.2.1, 421 4.7.28, 550 5.4.5, 550 5.7.1).
    RateLimited "" "is receiving mail too quickly";
    RateLimited "" "receiving mail at a rate that prevents additional messages";
    RateLimited "" "rate limited";
    RateLimited "" "daily sending quota exceeded";
    RateLimited "" "daily user sending limit exceeded";
    RateLimited "" "daily smtp relay limit exceeded";
    RateLimited "" "peak smtp relay limit exceeded";
    RateLimited "" "email quota exceeded";
    // Mailbox (452/552 4.2.2/5.2.2, 550 5.2.1).
    MailboxFull "" "account that you tried to reach is over quota";
    MailboxFull "" "out of storage space";
    Suspend "" "account that you tried to reach is disabled";
    Suspend "" "account that you tried to reach is inactive";
    UserUnknown "" "account that you tried to reach does not exist";
    HostUnknown "" "weren't able to find the recipient domain";
    // Message form (550 5.7.1, 554 5.6.0).
    NotCompliantRfc "" "not rfc 5322 compliant";
    NotCompliantRfc "" "ensure the message is rfc 5322 compliant";
    NotCompliantRfc "" "messages with multiple addresses in from: header";
    NotCompliantRfc "" "missing a valid address in from: header";
    NotCompliantRfc "" "missing a valid message-id header";
    ContentError "" "mail message is malformed";
    EmailTooLarge "" "exceeded google's message size limits";
    EmailTooLarge "" "exceeds google's limit of";
    // Content (552 5.7.0, 550 5.7.1, 421 4.7.0).
    VirusDetected "" "virus";
    PolicyViolation "" "content presents a potential security issue";
    PolicyViolation "" "illegal attachment";
    PolicyViolation "" "blocked for security reasons";
    PolicyViolation "" "has a policy that prohibited the mail";
    SpamDetected "" "likely unsolicited mail";
    SpamDetected "" "suspicious due to the nature of the content";
    SpamDetected "" "rejected due to spam classification";
    // The sending host (421 4.7.0, 550 5.7.1, 501 5.5.4).
    Blocked "" "unusual rate of unsolicited mail originating from your ip";
    Blocked "" "not authorized to send email directly to our servers";
    Blocked "" "ip not in whitelist for rcpt domain";
    Blocked "" "try again later, closing connection";
    Blocked "" "helo/ehlo argument is invalid";
    // Relaying and submission (550 5.7.0, 550 5.7.1, 535 5.7.8).
    NoRelaying "" "mail relay denied";
    NoRelaying "" "invalid credentials for relay";
    Rejected "" "mail sending denied";
    SecurityError "" "application-specific password required";
    SecurityError "" "username and password not accepted";
    SecurityError "" "please log in with your web browser";
    SecurityError "5.5.1" "authentication required";
    FailedStartTls "" "must issue a starttls command first";
    FailedStartTls "" "tls required for rcpt domain";
    // The SMTP dialogue itself (5.5.x, 4.5.0).
    SyntaxError "" "cannot decode response";
    SyntaxError "" "too many unrecognized commands";
    SyntaxError "" "unrecognized authentication type";
    SyntaxError "" "no identity changes permitted";
    SyntaxError "" "starttls may not be repeated";
    SyntaxError "" "smtp protocol violation";
    SyntaxError "5.5.1" "unimplemented command";
    SyntaxError "5.5.1" "unrecognized command";
    SyntaxError "5.5.1" "ehlo/helo first";
    SyntaxError "5.5.1" "mail first";
    SyntaxError "5.5.1" "rcpt first";
    SyntaxError "5.5.2" "syntax error";
    // Google's side (421 4.3.0, 451 4.3.0, 421 4.4.5, 451 4.4.2, 554 5.4.6).
    SystemError "" "temporary system problem";
    SystemError "" "mail server temporarily rejected message";
    SystemError "" "multiple destination domains per transaction is unsupported";
    SystemError "" "server busy, try again later";
    NetworkError "" "timeout - closing connection";
    NetworkError "" "this may indicate a mail loop";
}

/// Codes that mean one thing whenever Google's servers use them.
const CODES: &[(&str, Reason, &str)] = &[
    ("5.1.1", Reason::UserUnknown, "google:5.1.1"),
    ("4.2.2", Reason::MailboxFull, "google:4.2.2"),
    ("5.2.2", Reason::MailboxFull, "google:5.2.2"),
    ("5.7.25", Reason::RequirePtr, "google:5.7.25"),
    ("5.7.26", Reason::AuthFailure, "google:5.7.26"),
    ("4.7.26", Reason::AuthFailure, "google:4.7.26"),
];

impl ProviderMatcher for Google {
    fn refine(&self, draft: &Draft) -> Option<(Reason, &'static str)> {
        if draft.diagnosis.is_empty() {
            return None;
        }
        let said_by_google = draft.diagnosis.contains("gsmtp");
        if !draft.rhost.is_empty() && !is_google(&draft.rhost) && !said_by_google {
            // Another server refused on the way to a Google address.
            return None;
        }
        if let Some(found) = by_wording(draft) {
            return Some(found);
        }
        let status = draft.status.map(|s| s.to_text()).unwrap_or_default();
        if said_by_google || is_google(&draft.rhost) {
            return by_code(CODES, |code| *code == status);
        }
        None
    }
}

/// The reason Google's wording of a refusal names, by the phrase table
/// alone. Also used for what Google's own notices say when no other server
/// was involved.
pub(crate) fn by_wording(draft: &Draft) -> Option<(Reason, &'static str)> {
    let status = draft.status.map(|s| s.to_text()).unwrap_or_default();
    // Google quotes its multi-line replies with the codes repeated on every
    // line, and also as `550 5.7.1` or `550 #5.7.1`.
    let text = text::strip_continuations(&draft.diagnosis, true);
    WORDINGS.find_where(&text, |i| STATUSES[i].is_empty() || STATUSES[i] == status)
}

/// Whether `host` is one of Google's.
fn is_google(host: &str) -> bool {
    host_under_any(host, RHOSTS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refine(rhost: &str, status: &str, text: &str) -> Option<Reason> {
        bounce_testkit::refine_with_status(&Google, rhost, status, text)
    }

    #[test]
    fn continuation_codes_do_not_break_phrases() {
        assert_eq!(
            text::strip_continuations("550-5.7.25 PTR record 550-5.7.25 setup, or", true),
            "PTR record setup, or"
        );
        assert_eq!(
            refine("gmail-smtp-in.l.google.com", "5.7.25", "550-5.7.25 The IP address sending this message does not have a 550-5.7.25 PTR record setup"),
            Some(Reason::RequirePtr)
        );
    }

    #[test]
    fn wording_decides_before_codes() {
        let full = "552-5.2.2 The recipient's inbox is out of storage space and inactive. Please direct the recipient to 552 5.2.2 https://support.google.com/mail/?p=OverQuotaPerm - gsmtp";
        assert_eq!(
            refine("aspmx.l.google.com", "5.2.2", full),
            Some(Reason::MailboxFull)
        );
        let rate =
            "421-4.7.26 This mail has been rate limited because it is unauthenticated. - gsmtp";
        assert_eq!(
            refine("gmail-smtp-in.l.google.com", "4.7.26", rate),
            Some(Reason::AuthFailure)
        );
        let rate = "421-4.7.28 Gmail has detected an unusual rate of unsolicited mail originating from your IP address. To protect our users from spam, mail sent from your IP address has been temporarily rate limited. - gsmtp";
        assert_eq!(
            refine("gmail-smtp-in.l.google.com", "4.7.28", rate),
            Some(Reason::RateLimited)
        );
        let block = "550-5.7.1 Our system has detected an unusual rate of unsolicited mail originating from your IP address. To protect our users from spam, mail sent from your IP address has been blocked. - gsmtp";
        assert_eq!(
            refine("gmail-smtp-in.l.google.com", "5.7.1", block),
            Some(Reason::Blocked)
        );
    }

    #[test]
    fn codes_only_for_google_itself() {
        assert_eq!(
            refine(
                "",
                "5.1.1",
                "550 5.1.1 https://support.google.com/mail/?p=NoSuchUser - gsmtp"
            ),
            Some(Reason::UserUnknown)
        );
        assert_eq!(
            refine(
                "",
                "5.1.1",
                "550 5.1.1 <a@gmail.com>: Recipient address rejected"
            ),
            None
        );
        assert_eq!(
            refine(
                "relay.example.jp",
                "5.7.1",
                "554 5.7.1 <a@gmail.com>: Relay access denied"
            ),
            None
        );
        assert_eq!(
            refine(
                "mx.google.com",
                "5.5.1",
                "503 5.5.1 Authentication Required"
            ),
            Some(Reason::SecurityError)
        );
        assert_eq!(
            refine(
                "mx.google.com",
                "5.7.0",
                "530 5.7.0 Authentication Required"
            ),
            None
        );
    }

    #[test]
    fn google_own_words_without_a_host() {
        let d = Draft {
            diagnosis:
                "Your email to group team@example.com was rejected due to spam classification."
                    .into(),
            ..Draft::default()
        };
        assert_eq!(by_wording(&d).map(|r| r.0), Some(Reason::SpamDetected));
        let d = Draft {
            diagnosis:
                "DNS Error: DNS type 'mx' lookup of example.com responded with code SERVFAIL".into(),
            ..Draft::default()
        };
        assert_eq!(by_wording(&d), None);
    }

    #[test]
    fn hosts() {
        assert!(is_google("gmail-smtp-in.l.google.com."));
        assert!(is_google("mail-pg0-f67.1e100.net"));
        assert!(!is_google("google.example.com"));
    }
}
