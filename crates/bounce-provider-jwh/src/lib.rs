#![doc = include_str!("../README.md")]

use bounce_core::{Kind, Mail, Provider, ProviderMatcher, Reason, Report};

struct Jwh;

impl ProviderMatcher for Jwh {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        decode(mail)
    }
}

bounce_core::inventory::submit! {
    Provider {
        id: "jwh",
        kind: Kind::Service,
        doc: include_str!("../README.md"),
        fingerprints: &["JWH check_mbx_overquota", "JWH check_os_overquota"],
        rhosts: &[],
        phrases: &[],
        matcher: &Jwh,
    }
}

/// JWH's own local-delivery checks, as they appear in a diagnosis, with the
/// reason each one means and the rule reported as evidence.
const CHECKS: &[(&str, Reason, &str)] = &[
    // The recipient's mailbox reached its size limit.
    (
        "JWH check_mbx_overquota",
        Reason::MailboxFull,
        "jwh:check_mbx_overquota",
    ),
    // The recipient account's disk quota on the hosting server: the
    // recipient's own storage is full, not the mail system's.
    (
        "JWH check_os_overquota",
        Reason::MailboxFull,
        "jwh:check_os_overquota",
    ),
];

/// Decodes a JWH notice: Exim's report (read by the exim crate) inside JWH's
/// Japanese wording, with JWH's quota checks named as the reason.
fn decode(mail: &Mail<'_>) -> Option<Report> {
    // The legend naming the checks is part of every notice; outside the
    // returned copy, so that a quoted notice does not count.
    let (report_text, _) = bounce_provider_exim::split_copy(mail.body());
    if !CHECKS
        .iter()
        .any(|(marker, _, _)| report_text.contains(marker))
    {
        return None;
    }
    let mut report = bounce_provider_exim::decode(mail)?;
    for d in &mut report.recipients {
        if let Some((_, reason, rule)) = CHECKS
            .iter()
            .find(|(marker, _, _)| d.diagnosis.contains(marker))
        {
            d.reason = Some(*reason);
            d.rule = rule;
        }
    }
    Some(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notice(list: &str) -> String {
        format!(
            "From: Mail Delivery System <Mailer-Daemon@sv01.example.jp>\nTo: a@example.jp\n\
Subject: Mail delivery failed: returning message to sender\nContent-Type: text/plain; charset=utf-8\n\n\
This message was created automatically by mail delivery software.\n\
A message that you sent could not be delivered to all of its recipients.\n\
The following address(es) failed:\n{list}\n\
\u{30a8}\u{30e9}\u{30fc}:\n\
\u{203b} JWH check_os_overquota: Disk quota exceeded ... :\n\
\u{203b} JWH check_mbx_overquota: Mailbox quota exceeded ... :\n"
        )
    }

    fn reasons(raw: &str) -> Vec<(String, Option<Reason>, &'static str)> {
        let mail = Mail::parse(raw.as_bytes()).unwrap();
        decode(&mail).map_or_else(Vec::new, |r| {
            r.recipients
                .into_iter()
                .map(|d| (d.recipient, d.reason, d.rule))
                .collect()
        })
    }

    #[test]
    fn each_check_names_its_rule() {
        let got = reasons(&notice(
            "  b@example.co.jp\n    JWH check_os_overquota: Disk quota exceeded\n  c@example.co.jp\n    JWH check_mbx_overquota: Mailbox quota exceeded:\n    mailbox is full\n",
        ));
        assert_eq!(
            got,
            [
                (
                    "b@example.co.jp".to_owned(),
                    Some(Reason::MailboxFull),
                    "jwh:check_os_overquota"
                ),
                (
                    "c@example.co.jp".to_owned(),
                    Some(Reason::MailboxFull),
                    "jwh:check_mbx_overquota"
                ),
            ]
        );
    }

    #[test]
    fn a_list_without_indentation_is_read_too() {
        // As the notice looks once a web page or a mail client has
        // flattened it.
        let got = reasons(&notice(
            "b@example.co.jp\nJWH check_mbx_overquota: Mailbox quota exceeded:\nmailbox is full\n",
        ));
        assert_eq!(
            got,
            [(
                "b@example.co.jp".to_owned(),
                Some(Reason::MailboxFull),
                "jwh:check_mbx_overquota"
            )]
        );
    }

    #[test]
    fn other_exim_bounces_are_not_jwh() {
        let raw = notice("  b@example.co.jp\n    retry timeout exceeded\n")
            .replace("JWH check_", "XYZ check_");
        assert!(reasons(&raw).is_empty());
    }
}
