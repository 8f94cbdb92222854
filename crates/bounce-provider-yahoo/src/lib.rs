#![doc = include_str!("../README.md")]

use bounce_core::rules::Wordings;
use bounce_core::{Draft, Kind, Mail, Provider, ProviderMatcher, Reason, Report};
use bounce_provider_qmail_generic as qmail;

/// The first line of Yahoo! JAPAN's own notices.
const GREETING: &str = "Message from yahoo.co.jp.";

/// Yahoo! JAPAN's wordings, in its notices and in the replies of its MX
/// hosts (`554 delivery error: dd ... - mta....mail.kcd.yahoo.co.jp`).
static WORDINGS: Wordings = Wordings::new(&[
    (
        "doesn't have a yahoo.co.jp account",
        Reason::UserUnknown,
        "yahoo:no-account",
    ),
    (
        "account has been disabled or discontinued",
        Reason::Suspend,
        "yahoo:disabled",
    ),
]);

struct Yahoo;

impl ProviderMatcher for Yahoo {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        let body = mail.body();
        if !body.contains(GREETING) {
            return None;
        }
        let mut report = qmail::decode_text(body)?;
        for d in &mut report.recipients {
            if let Some((reason, rule)) = WORDINGS.find(&d.diagnosis) {
                d.reason = Some(reason);
                d.rule = rule;
            }
        }
        Some(report)
    }

    fn refine(&self, draft: &Draft) -> Option<(Reason, &'static str)> {
        WORDINGS.refine(draft)
    }
}

bounce_core::inventory::submit! {
    Provider {
        id: "yahoo",
        kind: Kind::Service,
        doc: include_str!("../README.md"),
        fingerprints: &["Message from yahoo.co.jp"],
        rhosts: &["yahoo.co.jp"],
        phrases: &[
            (Reason::UserUnknown, "doesn't have a yahoo.co.jp account"),
            (Reason::Suspend, "account has been disabled or discontinued"),
        ],
        matcher: &Yahoo,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wordings() {
        assert_eq!(
            WORDINGS.find("554 delivery error: dd This user doesn't have a yahoo.co.jp account (a@yahoo.co.jp) [-5] - mta1.mail.kcd.yahoo.co.jp"),
            Some((Reason::UserUnknown, "yahoo:no-account"))
        );
        assert_eq!(
            WORDINGS.find("Sorry your message to a@yahoo.co.jp cannot be delivered. This account has been disabled or discontinued [#102]."),
            Some((Reason::Suspend, "yahoo:disabled"))
        );
        assert_eq!(
            WORDINGS.find("554 Message not allowed - DM Email not accepted for policy reasons"),
            None
        );
    }
}
