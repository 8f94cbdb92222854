#![doc = include_str!("../README.md")]

use bounce_core::{text, Draft, Kind, Mail, Provider, ProviderMatcher, Reason, Report, Status};

/// The line before the returned message (indented) in fml's replies.
const ORIGINAL: &str = "Original mail as follows:";
/// [`ORIGINAL`], found by a searcher built once: every candidate is searched.
static ORIGINAL_AT: bounce_core::text::Needle = bounce_core::text::Needle::new(ORIGINAL);

/// fml's wordings (in its replies and their subjects) and the reason each
/// says, with Sisimai's detail number for a status derived from a reason.
/// Lowercase; matched ignoring case.
const ERRORS: &[(&str, Reason, u16)] = &[
    ("are not member", Reason::Rejected, 918),
    ("are not a member", Reason::Rejected, 918),
    ("not member article from", Reason::Rejected, 918),
    ("since it is not from a member", Reason::Rejected, 918),
    ("reject mail ", Reason::Rejected, 918),
    (
        "spam mail from a spammer is rejected",
        Reason::Rejected,
        918,
    ),
    ("fml system error message", Reason::SystemError, 930),
    ("loop alert: ", Reason::SystemError, 930),
    ("loop back warning: ", Reason::SystemError, 930),
    ("warning: unix from loop", Reason::SystemError, 930),
    ("duplicated message-id", Reason::SystemError, 930),
    ("security alert", Reason::SecurityError, 970),
];

struct Fml;

impl ProviderMatcher for Fml {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        let fml = mail
            .header("X-MLServer")
            .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("fml"));
        let signed = mail.message_id().is_some_and(|id| id.contains(".FML"))
            || mail.from_address().contains("-admin@");
        if !fml || !signed {
            return None;
        }
        let body = mail.body();
        let (reply, original) = match ORIGINAL_AT.find(body) {
            Some(at) => (
                &body[..at],
                text::after_line_with_needle(&body[at..], &ORIGINAL_AT),
            ),
            None => (body, None),
        };
        let diagnosis = bounce_core::dispatch::squeeze(reply);
        let found = |t: &str| {
            let lower = t.to_ascii_lowercase();
            ERRORS
                .iter()
                .find(|(phrase, ..)| lower.contains(phrase))
                .map(|&(_, r, n)| (r, n))
        };
        let reason = found(&diagnosis).or_else(|| found(mail.subject()));
        let mut out: Vec<Draft> = Vec::new();
        for addr in reply.lines().filter_map(named_address) {
            if out.iter().any(|d| d.recipient.eq_ignore_ascii_case(addr)) {
                continue;
            }
            let mut d = Draft::new(addr);
            d.diagnosis.clone_from(&diagnosis);
            if let Some((r, detail)) = reason {
                d.reason = Some(r);
                d.rule = "fml:reply-wording";
                d.status = Status::new(5, 0, detail);
            }
            out.push(d);
        }
        if out.is_empty() {
            return None;
        }
        let mut report = Report::new(out);
        if mail.original_headers().is_none() {
            report.original = original.map(dedent).filter(|o| o.contains(':'));
        }
        Some(report)
    }
}

/// The address a sentence of the reply ends with: `... mailing list <list@example.jp>.`
fn named_address(line: &str) -> Option<&str> {
    let t = line.trim_end();
    let inner = t.strip_suffix(">.")?;
    let addr = &inner[inner.rfind('<')? + 1..];
    text::is_address(addr).then_some(addr)
}

/// The returned message without the indentation fml puts before each line.
fn dedent(block: &str) -> String {
    let indent = block
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches(' ').len())
        .min()
        .unwrap_or(0);
    let mut out = String::with_capacity(block.len());
    for line in block.lines() {
        out.push_str(line.get(indent..).unwrap_or(line.trim_start_matches(' ')));
        out.push('\n');
    }
    out
}

bounce_core::inventory::submit! {
    Provider {
        id: "fml",
        kind: Kind::Mta,
        doc: include_str!("../README.md"),
        fingerprints: &["X-MLServer: fml"],
        rhosts: &[],
        phrases: &[],
        matcher: &Fml,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_and_indentation() {
        assert_eq!(
            named_address("You are not a member of this mailing list <ml@example.jp>."),
            Some("ml@example.jp")
        );
        assert_eq!(named_address("\tml-ctl@example.jp"), None);
        assert_eq!(
            dedent("   From: a@example.jp\n   \tfolded\n\n   To: b\n"),
            "From: a@example.jp\n\tfolded\n\nTo: b\n"
        );
    }
}
