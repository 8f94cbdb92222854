#![doc = include_str!("../README.md")]

mod gmail;
mod groups;
mod notice;
mod rules;

use bounce_core::{Draft, Kind, Mail, Provider, Reason, ReplyCode, Status};

/// Whether the bounce comes from Google's mailer daemon
/// (`Mail Delivery Subsystem <mailer-daemon@googlemail.com>`).
fn from_google_daemon(mail: &Mail<'_>) -> bool {
    let from = mail.from_address();
    let Some((local, domain)) = from.rsplit_once('@') else { return false };
    local.eq_ignore_ascii_case("mailer-daemon")
        && ["googlemail.com", "google.com", "gmail.com"].iter().any(|d| domain.eq_ignore_ascii_case(d))
}

/// The text before the copy of the returned message that Google appends
/// inline, and that copy (its header block first), if there is one.
fn split_original(body: &str) -> (&str, Option<&str>) {
    const MARKERS: &[&str] = &["----- Original message -----", "----- Message header follows -----"];
    match MARKERS.iter().filter_map(|m| body.find(m).map(|p| (p, m.len()))).min() {
        Some((pos, len)) => (&body[..pos], Some(&body[pos + len..])),
        None => (body, None),
    }
}

/// Gives a draft whose reason the decoder set, and whose bounce quotes no
/// status code, Sisimai's pseudo status (`X.0.9nn`, the class from the reply
/// code or the action). The dispatcher derives one only for reasons its
/// classifier decides.
fn pseudo_status(d: &mut Draft) {
    if d.status.is_some() || Status::find(&d.diagnosis).is_some() {
        return;
    }
    let detail = match d.reason {
        Some(Reason::UserUnknown) => 911,
        Some(Reason::HostUnknown) => 912,
        Some(Reason::Rejected) => 918,
        Some(Reason::NoRelaying | Reason::Filtered) => 910,
        Some(Reason::NotAccept) => 932,
        Some(Reason::Expired) => 947,
        Some(Reason::Blocked) => 971,
        Some(Reason::NetworkError) => 944,
        Some(Reason::SystemError) => 930,
        Some(Reason::FailedStartTls) => 976,
        _ => return,
    };
    let class = match d.replycode.or_else(|| ReplyCode::find(&d.diagnosis)) {
        Some(r) if r.class() != 2 => r.class(),
        _ if d.action == "delayed" => 4,
        _ => 5,
    };
    d.status = Status::new(class, 0, detail);
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
    fn pseudo_status_only_when_the_bounce_has_none() {
        let mut d = Draft { reason: Some(Reason::Expired), action: "delayed".into(), ..Draft::default() };
        pseudo_status(&mut d);
        assert_eq!(d.status.unwrap().to_string(), "4.0.947");
        let mut d = Draft { reason: Some(Reason::FailedStartTls), diagnosis: "500 Remote server does not support TLS".into(), ..Draft::default() };
        pseudo_status(&mut d);
        assert_eq!(d.status.unwrap().to_string(), "5.0.976");
        let mut d = Draft { reason: Some(Reason::Filtered), diagnosis: "554 5.7.0 Header error".into(), ..Draft::default() };
        pseudo_status(&mut d);
        assert_eq!(d.status, None);
    }

    #[test]
    fn original_is_split_at_google_marker() {
        let (head, orig) = split_original("a\n----- Original message -----\n\nFrom: x@example.org\n");
        assert_eq!(head, "a\n");
        assert!(orig.unwrap().contains("From: x@example.org"));
        assert_eq!(split_original("plain").1, None);
    }
}
