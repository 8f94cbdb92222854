#![doc = include_str!("../README.md")]

use bounce_core::rules::{RemoteRule, Wordings};
use bounce_core::Reason;

/// GoDaddy's (Workspace Email, "secureserver") hosts: the MX of its
/// customers' domains (`mx1.secureserver.net`...) and its SMTP relays
/// (`smtp.secureserver.net`, `*.prod.phx3.secureserver.net`).
const RHOSTS: &[&str] = &["secureserver.net"];

/// The wordings of GoDaddy's replies (see its "What does my email bounceback
/// mean?" page), lowercase, in the order they are tried: the IP blocks come
/// before the content they mention.
static WORDINGS: Wordings = Wordings::new(&[
    // 554 RBL Reject.
    ("rbl reject", Reason::Blocked, "godaddy:rbl-reject"),
    // 550 5.7.1 ... www.spamhaus.org/query/bl?ip=192.0.2.1
    (
        "spamhaus.org/query/bl?ip=",
        Reason::Blocked,
        "godaddy:spamhaus",
    ),
    // 554 Connection refused. This IP has a poor reputation on Cloudmark Sender Intelligence (CSI).
    (
        "cloudmark sender intelligence",
        Reason::Blocked,
        "godaddy:cloudmark-csi",
    ),
    // 554 This IP has been temporarily blocked for attempting to send too many
    // messages containing content judged to be spam / to mail too many invalid recipients.
    (
        "ip has been temporarily blocked",
        Reason::Blocked,
        "godaddy:ip-blocked",
    ),
    // 554 This IP has been blocked for the day, for attempting to ...
    (
        "ip has been blocked for the day",
        Reason::Blocked,
        "godaddy:ip-blocked",
    ),
    // 421 Temporarily rejected. Reverse DNS for this IP failed.
    (
        "reverse dns for this ip failed",
        Reason::RequirePtr,
        "godaddy:reverse-dns",
    ),
    // 421 Connection refused, too many sessions from This IP. Please lower the
    // number of concurrent sessions.
    (
        "too many sessions from",
        Reason::RateLimited,
        "godaddy:too-many-sessions",
    ),
    // 554 Your access to this mail system has been rejected due to poor
    // reputation of a domain used in message transfer.
    (
        "poor reputation of a domain",
        Reason::BadReputation,
        "godaddy:domain-reputation",
    ),
    // 550 5.1.8 Sender Rejected - MAILFROM, Sender domain does not exist.
    (
        "sender domain does not exist",
        Reason::Rejected,
        "godaddy:sender-domain",
    ),
    // 552 This message has been rejected due to content judged to be spam by
    // the Internet community.
    (
        "content judged to be spam",
        Reason::SpamDetected,
        "godaddy:spam-content",
    ),
    // 552 Virus infected message rejected.
    (
        "virus infected message rejected",
        Reason::VirusDetected,
        "godaddy:virus",
    ),
    // 550 Account disabled.
    (
        "account disabled",
        Reason::Suspend,
        "godaddy:account-disabled",
    ),
    // 552 Account storage limit.
    (
        "account storage limit",
        Reason::MailboxFull,
        "godaddy:storage-limit",
    ),
    // 550 Account does not exist. / 550 Recipient not found.
    (
        "account does not exist",
        Reason::UserUnknown,
        "godaddy:no-account",
    ),
    (
        "550 recipient not found",
        Reason::UserUnknown,
        "godaddy:recipient-not-found",
    ),
]);

/// GoDaddy's replies name its host (`p3plibsmtp03-08.prod.phx3.secureserver.net`)
/// even when the bounce does not say which host refused.
static RULE: RemoteRule = RemoteRule::new(RHOSTS)
    .quoted_by(RHOSTS)
    .wordings(&WORDINGS);

bounce_core::inventory::submit! {
    RULE.provider("godaddy", include_str!("../README.md"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refine(rhost: &str, diagnosis: &str) -> Option<Reason> {
        bounce_testkit::refine(&RULE, rhost, diagnosis)
    }

    #[test]
    fn wordings() {
        let mx = "mx1.secureserver.net";
        assert_eq!(
            refine(
                mx,
                "554 p3plibsmtp02-05.prod.phx3.secureserver.net bizsmtp IB104. RBL Reject."
            ),
            Some(Reason::Blocked)
        );
        assert_eq!(refine(mx, "554 This IP has been temporarily blocked for attempting to send too many messages containing content judged to be spam by the Internet community. IB110"), Some(Reason::Blocked));
        assert_eq!(refine(mx, "552 This message has been rejected due to content judged to be spam by the Internet community. IB212"), Some(Reason::SpamDetected));
        assert_eq!(refine(mx, "421 Connection refused, too many sessions from This IP. Please lower the number of concurrent sessions. IB007"), Some(Reason::RateLimited));
        assert_eq!(refine("", "550 5.1.1 <a@example.org> Recipient not found. <https://godaddy.com> 550 Recipient not found."), Some(Reason::UserUnknown));
        assert_eq!(
            refine(
                "relay.example.net",
                "554 p3plibsmtp02.prod.phx3.secureserver.net bizsmtp RBL Reject."
            ),
            Some(Reason::Blocked)
        );
        assert_eq!(refine("relay.example.net", "554 RBL Reject."), None);
        assert_eq!(refine(mx, "451 try again later"), None);
    }
}
