#![doc = include_str!("../README.md")]

use bounce_core::rules::{by_code, RemoteRule};
use bounce_core::{text, Reason};

/// I.UA's mail domains and MX hosts (`mx*.email.ua`).
const RHOSTS: &[&str] = &["i.ua", "email.ua"];

/// The error pages I.UA's replies point to (`http://mail.i.ua/err/N/`), by
/// number, and the reason each explains.
const CODES: &[(u8, Reason, &str)] = &[
    // SMTP used as a mail gate is forbidden.
    (1, Reason::NoRelaying, "iua:err1"),
    // User is not found.
    (2, Reason::UserUnknown, "iua:err2"),
    // The mailbox is frozen: not used for more than three months.
    (3, Reason::Suspend, "iua:err3"),
    // The mailbox is full.
    (4, Reason::MailboxFull, "iua:err4"),
    // The sending limit is exceeded.
    (5, Reason::RateLimited, "iua:err5"),
    // Use your own provider's SMTP server to send mail.
    (6, Reason::NoRelaying, "iua:err6"),
    // A wrong HELO/EHLO parameter.
    (7, Reason::Blocked, "iua:err7"),
    // The sender address could not be checked.
    (8, Reason::Rejected, "iua:err8"),
    // The sender's IP address is blacklisted.
    (9, Reason::Blocked, "iua:err9"),
    // Not in the recipient's list of allowed senders.
    (10, Reason::Filtered, "iua:err10"),
];

static RULE: RemoteRule = RemoteRule::new(RHOSTS).codes(error);

/// The reason the error page a reply links to explains.
fn error(text: &str) -> Option<(Reason, &'static str)> {
    let number = error_page(text)?;
    by_code(CODES, |n| *n == number)
}

/// The number of the error page a reply links to: `mail.i.ua/err/3/` → 3.
fn error_page(text: &str) -> Option<u8> {
    const PAGE: &str = ".i.ua/err/";
    let pos = text::find_ci(text, PAGE)?;
    let rest = &text[pos + PAGE.len()..];
    let end = rest.bytes().take_while(u8::is_ascii_digit).count();
    if end == 0 || end > 2 {
        return None;
    }
    rest[..end].parse().ok()
}

bounce_core::inventory::submit! {
    RULE.provider("iua", include_str!("../README.md"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refine(rhost: &str, diagnosis: &str) -> Option<Reason> {
        bounce_testkit::refine(&RULE, rhost, diagnosis)
    }

    #[test]
    fn error_pages() {
        assert_eq!(
            error_page("550 Mailbox is frozen. See http://mail.i.ua/err/3/"),
            Some(3)
        );
        assert_eq!(error_page("see https://mail.i.ua/err/10/"), Some(10));
        assert_eq!(error_page("see http://mail.i.ua/err/"), None);
        assert_eq!(
            refine(
                "mx3.email.ua",
                "550 Mailbox is frozen. See http://mail.i.ua/err/3/"
            ),
            Some(Reason::Suspend)
        );
        assert_eq!(
            refine("", "550 User not found. See http://mail.i.ua/err/2/"),
            Some(Reason::UserUnknown)
        );
        assert_eq!(
            refine("mx3.email.ua", "550 see http://mail.i.ua/err/42/"),
            None
        );
        assert_eq!(
            refine("relay.example.net", "see http://mail.i.ua/err/2/"),
            None
        );
    }
}
