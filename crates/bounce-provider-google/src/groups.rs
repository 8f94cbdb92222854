//! Google Groups' refusal of a post: a notice from Google's mailer daemon,
//! in the sender's language, that the group may not exist or the sender may
//! not post to it, followed by four bulleted possible causes and a pointer to
//! <https://groups.google.com/support/>. The group's address is in
//! `X-Failed-Recipients`.

use crate::{from_google_daemon, split_original};
use bounce_core::text::{self, Needle};
use bounce_core::{Draft, Mail, ProviderMatcher, Reason, Report};

/// The `googlegroups` provider.
pub(crate) struct GoogleGroups;

impl ProviderMatcher for GoogleGroups {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        if !from_google_daemon(mail) {
            return None;
        }
        let failed = mail.header("X-Failed-Recipients")?;
        let (notice, original) = split_original(mail.body());
        // The searcher built once: every candidate's notice is searched.
        static SUPPORT: Needle = Needle::new("groups.google.com/support");
        if !SUPPORT.contains(notice) {
            return None;
        }
        // The notice is localised; its shape is not: paragraphs, then the
        // causes as a list of lines starting with "*".
        let paragraphs: Vec<&str> = text::split_blank_lines(notice)
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        let bullets = text::lines_lf(notice)
            .filter(|l| l.trim_start().starts_with("* "))
            .count();
        let list_at = paragraphs.iter().position(|p| p.starts_with('*'));
        let diagnosis = match list_at {
            Some(i) if i > 0 => paragraphs[i - 1],
            _ => paragraphs
                .get(1)
                .or(paragraphs.first())
                .copied()
                .unwrap_or(""),
        };
        let drafts: Vec<Draft> = text::addresses(&failed)
            .map(|addr| {
                let mut d = Draft::new(addr);
                d.action = "failed".to_owned();
                d.diagnosis = bounce_core::dispatch::squeeze(diagnosis);
                d.lhost = "googlemail.com".to_owned();
                if bullets >= 4 {
                    // "The group may not exist, or you may not have permission
                    // to post": the group refused the message.
                    d.reason = Some(Reason::Rejected);
                    d.rule = "googlegroups:cannot-post";
                }
                d
            })
            .collect();
        if drafts.is_empty() {
            return None;
        }
        let mut report = Report::new(drafts);
        report.original = original.map(str::to_owned);
        Some(report)
    }
}
