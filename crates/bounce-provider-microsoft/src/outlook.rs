//! Outlook.com (formerly Hotmail, Windows Live, MSN) notices: the
//! "Delivery Status Notification" of Microsoft's SMTPSVC, a multipart/report
//! whose text part reads "This is an automatically generated Delivery Status
//! Notification." and lists the recipients, with a message/delivery-status
//! part and the returned message.

use crate::is_microsoft_cloud;
use bounce_core::standard::rfc3464;
use bounce_core::text::{self, Needle};
use bounce_core::{Mail, ProviderMatcher, Reason, Report};
use std::sync::LazyLock;

/// The `outlook` provider.
pub(crate) struct Outlook;

/// The first line of the text part.
const START: &str = "This is an automatically generated Delivery Status Notification";

/// Outlook.com's own wording in the Diagnostic-Code.
const EXPLANATIONS: &[(&str, Reason, &str)] = &[
    (
        "The mail could not be delivered to the recipient because the domain is not reachable",
        Reason::HostUnknown,
        "outlook:domain-not-reachable",
    ),
    (
        "Requested action not taken: mailbox unavailable",
        Reason::UserUnknown,
        "outlook:mailbox-unavailable",
    ),
];

impl ProviderMatcher for Outlook {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        if !mail.subject().contains("Delivery Status Notification") || !is_outlook_com(mail) {
            return None;
        }
        let body = mail.body();
        // The searcher built once: every candidate's body is searched.
        static START_AT: Needle = Needle::new(START);
        let start = START_AT.find(body)?;
        let dsn = mail.dsn()?;
        let mut drafts = rfc3464::recipients(dsn);
        if drafts.is_empty() {
            return None;
        }
        // The sentence that introduces the recipients says what happened when
        // no Diagnostic-Code does ("Delivery to the following recipients has
        // been delayed.", "Unable to deliver message to the following
        // recipients, due to being unable to connect successfully to the
        // destination mail server.").
        let summary = text::split_blank_lines(&body[start + START.len()..])
            .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
            .find(|p| {
                !p.is_empty()
                    && !p.starts_with('.')
                    && !p.starts_with("THIS IS A WARNING")
                    && !p.starts_with("YOU DO NOT NEED")
            })
            .unwrap_or_default();
        // Searchers built once, one per row, in the table's order: the
        // first row found decides, as `str::contains` row by row finds it.
        static EXPLAINED: LazyLock<Vec<Needle>> = LazyLock::new(|| {
            EXPLANATIONS
                .iter()
                .map(|&(p, _, _)| Needle::new(p))
                .collect()
        });
        for d in &mut drafts {
            let explained = EXPLANATIONS
                .iter()
                .zip(EXPLAINED.iter())
                .find(|(_, p)| p.contains(&d.diagnosis))
                .map(|(row, _)| row);
            if let Some((_, reason, rule)) = explained {
                d.reason = Some(*reason);
                d.rule = rule;
            }
            if d.diagnosis.trim().is_empty() {
                d.diagnosis.clone_from(&summary);
                if d.action == "delayed" || summary.contains("unable to connect successfully") {
                    // The delivery time ran out (status 4.4.7) while Outlook.com
                    // kept retrying.
                    d.reason = Some(Reason::Expired);
                    d.rule = "outlook:retries-exhausted";
                }
            }
        }
        Some(Report::new(drafts))
    }
}

/// Whether the notice came from Outlook.com: its `X-Message-Delivery` or
/// `X-Message-Info` header, a postmaster at one of its domains, or a
/// `Received` header whose sending host is one of its hosts (not merely the
/// receiving one: a notice from elsewhere may be delivered to a Hotmail box).
fn is_outlook_com(mail: &Mail<'_>) -> bool {
    if mail.header("X-Message-Delivery").is_some() || mail.header("X-Message-Info").is_some() {
        return true;
    }
    let from_domain = mail.from_address().rsplit_once('@').map_or("", |(_, d)| d);
    if is_microsoft_cloud(from_domain) {
        return true;
    }
    mail.headers()
        .filter(|(n, _)| n.eq_ignore_ascii_case("Received"))
        .any(|(_, v)| {
            let mut words = v.split_whitespace();
            words.next().is_some_and(|w| w.eq_ignore_ascii_case("from"))
                && words.next().is_some_and(is_microsoft_cloud)
        })
}
