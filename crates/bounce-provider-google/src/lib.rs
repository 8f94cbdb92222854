#![doc = include_str!("../README.md")]

mod gmail;
mod groups;
mod notice;
mod rules;

use bounce_core::text::Needle;
use bounce_core::{Kind, Mail, Provider, Reason};

/// Whether the bounce comes from Google's mailer daemon
/// (`Mail Delivery Subsystem <mailer-daemon@googlemail.com>`).
fn from_google_daemon(mail: &Mail<'_>) -> bool {
    let from = mail.from_address();
    let Some((local, domain)) = from.rsplit_once('@') else {
        return false;
    };
    local.eq_ignore_ascii_case("mailer-daemon")
        && ["googlemail.com", "google.com", "gmail.com"]
            .iter()
            .any(|d| domain.eq_ignore_ascii_case(d))
}

/// The text before the copy of the returned message that Google appends
/// inline, and that copy (its header block first), if there is one.
fn split_original(body: &str) -> (&str, Option<&str>) {
    // Searchers built once: every Google notice's body is searched.
    static MARKERS: [Needle; 2] = [
        Needle::new("----- Original message -----"),
        Needle::new("----- Message header follows -----"),
    ];
    match MARKERS
        .iter()
        .filter_map(|m| m.find(body).map(|p| (p, m.as_str().len())))
        .min()
    {
        Some((pos, len)) => (&body[..pos], Some(&body[pos + len..])),
        None => (body, None),
    }
}

bounce_core::inventory::submit! {
    Provider {
        id: "gmail",
        kind: Kind::Service,
        doc: include_str!("../docs/gmail.md"),
        fingerprints: &[
            "mailer-daemon@googlemail.com",
            "Delivery to the following recipient",
            "Technical details of permanent failure",
            "Technical details of temporary failure",
        ],
        rhosts: &[],
        phrases: &[],
        matcher: &gmail::Gmail,
    }
}

bounce_core::inventory::submit! {
    Provider {
        id: "googlegroups",
        kind: Kind::Service,
        doc: include_str!("../docs/googlegroups.md"),
        fingerprints: &["groups.google.com/support"],
        rhosts: &[],
        phrases: &[(Reason::SpamDetected, "was rejected due to spam classification")],
        matcher: &groups::GoogleGroups,
    }
}

bounce_core::inventory::submit! {
    Provider {
        id: "gsuite",
        kind: Kind::Service,
        doc: include_str!("../docs/gsuite.md"),
        fingerprints: &["X-Gm-Message-State"],
        rhosts: &[],
        phrases: &[],
        matcher: &notice::GSuite,
    }
}

bounce_core::inventory::submit! {
    Provider {
        id: "google",
        kind: Kind::RemoteHost,
        doc: include_str!("../docs/google.md"),
        fingerprints: &["gsmtp"],
        rhosts: rules::RHOSTS,
        phrases: &[],
        matcher: &rules::Google,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn original_is_split_at_google_marker() {
        let (head, orig) =
            split_original("a\n----- Original message -----\n\nFrom: x@example.org\n");
        assert_eq!(head, "a\n");
        assert!(orig.unwrap().contains("From: x@example.org"));
        assert_eq!(split_original("plain").1, None);
    }
}
