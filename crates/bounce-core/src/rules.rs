//! Shared building blocks for provider crates, so that the same mechanism is
//! not written again in each: a table of a receiver's wordings compiled into
//! one automaton ([`Wordings`]), host-suffix matching ([`host_under`]), and
//! the "`<address>:` heading, then its paragraph" layout many MTAs share
//! ([`address_paragraphs`]).

use crate::fact::Draft;
use crate::reason::Reason;
use crate::text;
use aho_corasick::AhoCorasick;
use std::sync::OnceLock;

/// A table of (wording, reason, rule) rows: the first row (in table order)
/// whose wording occurs in a text, ASCII case-insensitively, decides. The
/// automaton is built once, on first use.
///
/// ```
/// use bounce_core::rules::Wordings;
/// use bounce_core::Reason;
///
/// static RULES: Wordings = Wordings::new(&[
///     ("over quota", Reason::MailboxFull, "acme:quota"),
///     ("no such user", Reason::UserUnknown, "acme:no-user"),
/// ]);
/// assert_eq!(RULES.find("550 No Such User here"), Some((Reason::UserUnknown, "acme:no-user")));
/// assert_eq!(RULES.find("all fine"), None);
/// ```
pub struct Wordings {
    rows: &'static [(&'static str, Reason, &'static str)],
    automaton: OnceLock<Option<AhoCorasick>>,
}

impl Wordings {
    /// A table; nothing is compiled until the first [`Wordings::find`].
    pub const fn new(rows: &'static [(&'static str, Reason, &'static str)]) -> Wordings {
        Wordings { rows, automaton: OnceLock::new() }
    }

    /// The reason and rule of the first row whose wording occurs in `text`.
    pub fn find(&self, text: &str) -> Option<(Reason, &'static str)> {
        let ac = self
            .automaton
            .get_or_init(|| AhoCorasick::builder().ascii_case_insensitive(true).build(self.rows.iter().map(|r| r.0)).ok())
            .as_ref()?;
        let i = ac.find_overlapping_iter(text).map(|m| m.pattern().as_usize()).min()?;
        let (_, reason, rule) = self.rows[i];
        Some((reason, rule))
    }

    /// [`Wordings::find`] over a draft's diagnostic.
    pub fn refine(&self, draft: &Draft) -> Option<(Reason, &'static str)> {
        self.find(&draft.diagnosis)
    }
}

/// Whether `host` is `suffix` or a name under it (`mx1.example.jp` is under
/// `example.jp`; `badexample.jp` is not), ASCII case-insensitively. Compares
/// bytes, so any text is safe.
pub fn host_under(host: &str, suffix: &str) -> bool {
    let host = host.trim_end_matches('.').as_bytes();
    let suffix = suffix.trim_start_matches('.').as_bytes();
    host.len() >= suffix.len()
        && !suffix.is_empty()
        && host[host.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
        && (host.len() == suffix.len() || host[host.len() - suffix.len() - 1] == b'.')
}

/// Whether `host` is under any of `suffixes`.
pub fn host_under_any(host: &str, suffixes: &[&str]) -> bool {
    suffixes.iter().any(|s| host_under(host, s))
}

/// Reads the common layout of a list of failed recipients: a heading line
/// that holds an address (`<user@example.jp>:`, `user@example.jp:`), then
/// the lines of its paragraph, joined with single spaces as the draft's
/// diagnostic, until a blank line or the next heading. `is_heading` says
/// which trimmed lines are headings and returns the address in them.
pub fn address_paragraphs<'t>(list: &'t str, is_heading: impl Fn(&'t str) -> Option<&'t str>) -> Vec<Draft> {
    let mut out: Vec<Draft> = Vec::new();
    let mut open = false;
    for line in list.lines() {
        let line = line.trim();
        if line.is_empty() {
            open = false;
            continue;
        }
        if let Some(addr) = is_heading(line).filter(|a| text::is_address(a)) {
            let mut d = Draft::new(text::clean_address(addr));
            d.action = "failed".to_owned();
            out.push(d);
            open = true;
        } else if open {
            if let Some(d) = out.last_mut() {
                if !d.diagnosis.is_empty() {
                    d.diagnosis.push(' ');
                }
                d.diagnosis.push_str(line);
            }
        }
    }
    out
}

/// The heading `<user@example.jp>:`, as [`address_paragraphs`] wants it.
pub fn bracketed_heading(line: &str) -> Option<&str> {
    line.strip_prefix('<').and_then(|l| l.strip_suffix(">:"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        assert!(host_under("mx1.Example.JP.", "example.jp"));
        assert!(host_under("example.jp", ".example.jp"));
        assert!(!host_under("badexample.jp", "example.jp"));
        assert!(!host_under("\u{fffd}\u{fffd}", "a.jp"));
        assert!(!host_under("x", ""));
    }

    #[test]
    fn first_row_wins() {
        static W: Wordings = Wordings::new(&[("quota", Reason::MailboxFull, "a"), ("user", Reason::UserUnknown, "b")]);
        assert_eq!(W.find("user over quota"), Some((Reason::MailboxFull, "a")));
    }

    #[test]
    fn paragraphs() {
        let list = "<a@example.jp>:\n550 no such\n user\n\n<b@example.jp>:\nfull\nnot part\n";
        let d = address_paragraphs(list, bracketed_heading);
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].diagnosis, "550 no such user");
        assert_eq!(d[1].diagnosis, "full not part");
    }
}
