//! The `microsoft` remote-host rule: how Outlook.com and Exchange Online
//! (Office 365, Exchange Online Protection) word their refusals, after
//! Microsoft's published lists: "Email non-delivery reports and SMTP errors in
//! Exchange Online" (learn.microsoft.com, exchange/mail-flow-best-practices/
//! non-delivery-reports-in-exchange-online) and the Outlook.com postmaster
//! "SMTP error codes" (<https://sendersupport.olc.protection.outlook.com/pm/troubleshooting.aspx>).

use crate::is_microsoft_cloud;
use bounce_core::rules::{by_code, Wordings};
use bounce_core::{text, Draft, ProviderMatcher, Reason, Status};

/// Microsoft's hosts and the consumer domains its servers receive for.
pub(crate) const RHOSTS: &[&str] = &[
    "outlook.com",
    "hotmail.com",
    "live.com",
    "msn.com",
    "office365.com",
    "outlook.jp",
    "outlook.fr",
    "outlook.de",
    "hotmail.co.jp",
    "hotmail.co.uk",
    "hotmail.fr",
    "hotmail.de",
    "hotmail.it",
    "hotmail.es",
    "live.jp",
    "live.co.uk",
    "live.fr",
    "windowslive.com",
];

/// The `microsoft` remote-host rule.
pub(crate) struct Microsoft;

/// One refusal a row: its reason and a phrase of its text, lowercase; the
/// rule is named `microsoft:PHRASE`.
macro_rules! rules {
    ($($reason:ident $phrase:literal;)+) => {
        Wordings::new(&[$(($phrase, Reason::$reason, concat!("microsoft:", $phrase))),+])
    };
}

/// Tried in order; the first whose phrase occurs decides.
static WORDINGS: Wordings = rules! {
    // Recipients (5.1.1, 5.1.10, 5.4.1 directory-based edge blocking, 5.5.0).
    UserUnknown "recipientnotfound";
    UserUnknown "recipnotfound";
    UserUnknown "recipient not found by smtp address lookup";
    UserUnknown "recipient address rejected: access denied";
    UserUnknown "requested action not taken: mailbox unavailable";
    Suspend "mailbox disabled";
    Suspend "mailbox is disabled";
    HostUnknown "dns domain does not exist";
    HostUnknown "nonexistentdomain";
    // Mailbox and message size (5.2.2, 5.2.3, 5.3.4).
    RateLimited "submission quota exceeded";
    MailboxFull "quotaexceeded";
    MailboxFull "mailbox full";
    MailboxFull "mailbox is full";
    EmailTooLarge "recipsizelimit";
    EmailTooLarge "sendsizelimit";
    EmailTooLarge "message too large";
    // Reputation and rate (4.7.650, 5.7.708, 5.7.508, 5.2.121, 5.2.122, 4.3.2, 5.1.90, RP-00x).
    BadReputation "rate limited due to ip reputation";
    BadReputation "traffic not accepted from this ip";
    RateLimited "has exceeded permitted limits";
    RateLimited "message receive limit";
    RateLimited "thread limit exceeded";
    RateLimited "reached your daily limit";
    RateLimited "exceeded the rate limit";
    RateLimited "exceeded the connection limit";
    RateLimited "server busy. please try again later";
    // Authentication (5.7.509, 5.7.515, 5.7.23, 4.7.26/5.7.26, 5.7.25).
    AuthFailure "does not pass dmarc verification";
    AuthFailure "doesn't meet the required authentication level";
    AuthFailure "sender policy framework violation";
    AuthFailure "must pass either spf or dkim validation";
    RequirePtr "must have a reverse dns record";
    // The sending host (5.7.1, 5.7.506, 5.7.510, 5.7.511, 5.7.513, 5.7.606-649,
    // 5.7.750, Outlook.com SC-00x, DY-00x, OU-00x, S3140, S3150).
    Blocked "banned sending ip";
    Blocked "banned sender";
    Blocked "blocked using spamhaus";
    Blocked "blocked using";
    Blocked "customer block list";
    Blocked "does not accept email over ipv4";
    Blocked "bad helo";
    Blocked "on our block list";
    Blocked "mail rejected by outlook.com for policy reasons";
    Blocked "mail rejected by windows live hotmail for policy reasons";
    Blocked "do not accept email from dynamic ip";
    Blocked "tenant has exceeded threshold";
    Blocked "client blocked from sending from unregistered domains";
    SpamDetected "spam abuse detected";
    // Relaying, senders and groups (5.7.54, 5.7.64, 5.7.57, 5.7.60, 5.1.0, 5.1.8, 5.7.1, 5.7.12x-13x).
    NoRelaying "unable to relay";
    NoRelaying "relay access denied";
    SecurityError "not authenticated to send anonymous mail";
    SecurityError "does not have permissions to send as this sender";
    Rejected "bad outbound sender";
    Rejected "sender denied";
    Rejected "sender not in allowed-senders list";
    Rejected "sender not authenticated for group";
    Rejected "sender was not authenticated for mailbox";
    Rejected "delivery not authorized, message refused";
    PolicyViolation "does not allow external forwarding";
    // Content and form (5.6.211, 5.6.213, 5.7.512).
    NotCompliantRfc "must be rfc 5322 section 3.6.2 compliant";
    ContentError "invalid mime content";
    // Transport (5.4.300, 5.4.316, 4.4.7, 5.4.6, 5.4.14, 5.4.312, 4.7.321).
    Expired "message expired";
    NetworkError "routing loop detected";
    NetworkError "loop detected";
    NetworkError "dns query failed";
    FailedStartTls "starttls-not-supported";
    FailedStartTls "must issue a starttls command first";
};

/// A range of status codes: class, subject, lowest and highest detail.
type Codes = (u8, u16, u16, u16);

/// Codes that mean one thing whenever Microsoft's servers use them.
const CODES: &[(Codes, Reason, &str)] = &[
    ((5, 1, 10, 10), Reason::UserUnknown, "microsoft:5.1.10"),
    ((5, 1, 1, 1), Reason::UserUnknown, "microsoft:5.1.1"),
    ((5, 4, 1, 1), Reason::UserUnknown, "microsoft:5.4.1"),
    ((5, 2, 2, 2), Reason::MailboxFull, "microsoft:5.2.2"),
    ((5, 7, 509, 509), Reason::AuthFailure, "microsoft:5.7.509"),
    ((5, 7, 515, 515), Reason::AuthFailure, "microsoft:5.7.515"),
    ((5, 7, 606, 649), Reason::Blocked, "microsoft:5.7.606-649"),
    (
        (4, 7, 650, 699),
        Reason::BadReputation,
        "microsoft:4.7.650-699",
    ),
    ((5, 7, 700, 749), Reason::Blocked, "microsoft:5.7.700-749"),
];

impl ProviderMatcher for Microsoft {
    fn refine(&self, draft: &Draft) -> Option<(Reason, &'static str)> {
        if draft.diagnosis.is_empty() {
            return None;
        }
        // Multi-line replies come quoted with the code on every line.
        let mut text = text::strip_continuations(&draft.diagnosis, false);
        text.make_ascii_lowercase();
        let said_by_microsoft = is_microsoft_cloud(&draft.rhost) || mentions_microsoft_host(&text);
        if !draft.rhost.is_empty() && !said_by_microsoft {
            // Another server refused on the way to a Microsoft address.
            return None;
        }
        if let Some(found) = WORDINGS.find(&text) {
            return Some(found);
        }
        let s = draft.status?;
        if !said_by_microsoft && draft.diagnosis.contains('@') && !has_code(s, 5, 1, 10) {
            // Only a recipient domain to go by, and a reply that may be anyone's.
            return None;
        }
        by_code(CODES, |(class, subject, lo, hi)| {
            s.class() == *class && s.subject() == *subject && (*lo..=*hi).contains(&s.detail())
        })
    }
}

fn has_code(s: Status, class: u8, subject: u16, detail: u16) -> bool {
    s.class() == class && s.subject() == subject && s.detail() == detail
}

/// Exchange Online appends the refusing server in brackets
/// (`[AB1PR01MB0001.namprd01.prod.outlook.com]`).
fn mentions_microsoft_host(text: &str) -> bool {
    text.contains(".prod.outlook.com") || text.contains(".protection.outlook.com")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refine(rhost: &str, status: &str, text: &str) -> Option<Reason> {
        bounce_testkit::refine_with_status(&Microsoft, rhost, status, text)
    }

    #[test]
    fn published_codes() {
        let eop = "example-com.mail.protection.outlook.com";
        assert_eq!(
            refine(
                eop,
                "5.7.606",
                "550 5.7.606 Access denied, banned sending IP [192.0.2.1]."
            ),
            Some(Reason::Blocked)
        );
        assert_eq!(
            refine(eop, "5.7.633", "550 5.7.633 Access denied"),
            Some(Reason::Blocked)
        );
        assert_eq!(refine(eop, "4.7.650", "451 4.7.650 The mail server [192.0.2.1] has been temporarily rate limited due to IP reputation."), Some(Reason::BadReputation));
        assert_eq!(
            refine(
                eop,
                "5.4.1",
                "550 5.4.1 Recipient address rejected: Access denied. AS(201806281)"
            ),
            Some(Reason::UserUnknown)
        );
        assert_eq!(
            refine(eop, "5.4.1", "550 5.4.1 Relay Access Denied"),
            Some(Reason::NoRelaying)
        );
        assert_eq!(refine("", "5.1.10", "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup"), Some(Reason::UserUnknown));
        assert_eq!(refine(eop, "5.7.509", "550 5.7.509 Access denied, sending domain [EXAMPLE.JP] does not pass DMARC verification"), Some(Reason::AuthFailure));
    }

    #[test]
    fn outlook_com_wording() {
        let olc = "outlook-com.olc.protection.outlook.com";
        assert_eq!(
            refine(olc, "5.7.1", "550 5.7.1 Unfortunately, messages from [192.0.2.1] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150)."),
            Some(Reason::Blocked)
        );
        assert_eq!(refine("mx1.hotmail.com", "", "550 SC-001 (BAY004-MC1F43) Unfortunately, messages from 192.0.2.1 weren't sent. Mail rejected by Outlook.com for policy reasons."), Some(Reason::Blocked));
        assert_eq!(refine("mx1.hotmail.com", "", "421 RP-001 (BAY004-MC1F43) The mail server IP connecting to Outlook.com server has exceeded the rate limit allowed."), Some(Reason::RateLimited));
    }

    #[test]
    fn other_servers_are_left_alone() {
        assert_eq!(
            refine(
                "mx.example.jp",
                "5.2.2",
                "550 5.2.2 <a@hotmail.com>... Mailbox Full"
            ),
            None
        );
        assert_eq!(
            refine("", "5.1.1", "550 5.1.1 <a@hotmail.com>... User Unknown"),
            None
        );
    }
}
