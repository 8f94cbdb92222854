//! Shared building blocks for provider crates, so that the same mechanism is
//! not written again in each: a table of a receiver's wordings compiled into
//! one set of literals ([`Wordings`]), a table of its codes ([`by_code`]),
//! host-suffix matching ([`host_under`]), the whole of a remote-host rule
//! ([`RemoteRule`]: whose replies it reads, then its codes and wordings), and
//! the first of several markers in one pass ([`Markers`]), and the
//! "`<address>:` heading, then its paragraph" layout many MTAs share
//! ([`address_paragraphs`], [`address_list_report`]).

use crate::fact::{Draft, Report};
use crate::literals::Literals;
use crate::provider::{Kind, Provider, ProviderMatcher};
use crate::reason::Reason;
use crate::text;
use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use std::sync::OnceLock;

/// What a reading of a reply yields: the reason, and the rule that decided.
pub type Decision = (Reason, &'static str);

/// A table of (wording, reason, rule) rows: the first row (in table order)
/// whose wording occurs in a text, ASCII case-insensitively, decides. The
/// set of wordings is built once, on first use.
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
    set: OnceLock<Literals>,
}

impl Wordings {
    /// A table; nothing is compiled until the first [`Wordings::find`].
    pub const fn new(rows: &'static [(&'static str, Reason, &'static str)]) -> Wordings {
        Wordings {
            rows,
            set: OnceLock::new(),
        }
    }

    /// The reason and rule of the first row whose wording occurs in `text`.
    pub fn find(&self, text: &str) -> Option<(Reason, &'static str)> {
        self.find_where(text, |_| true)
    }

    /// [`Wordings::find`] among the rows that `keep` accepts (it is given a
    /// row's index in the table): for a table whose rows hold only under a
    /// condition kept beside it, such as the status code a wording must
    /// come with.
    pub fn find_where(
        &self,
        text: &str,
        keep: impl Fn(usize) -> bool,
    ) -> Option<(Reason, &'static str)> {
        // A table is searched a few times per message at most, and only in
        // short diagnostics: a set of literals, which costs little more than
        // a sort to build (an automaton cost more to build than such searches
        // ever save), of lowercase wordings over lowercased text.
        let set = self
            .set
            .get_or_init(|| Literals::new(self.rows.iter().map(|r| r.0.to_ascii_lowercase())));
        let i = text::with_ascii_lowercase(text.as_bytes(), |lower| set.first_id(lower, keep))?;
        let (_, reason, rule) = self.rows[i];
        Some((reason, rule))
    }

    /// [`Wordings::find`] over a draft's diagnostic.
    pub fn refine(&self, draft: &Draft) -> Option<(Reason, &'static str)> {
        self.find(&draft.diagnosis)
    }
}

/// A set of literal markers looked for together: one pass over a text finds
/// the first occurrence of any of them, where calling `str::find` for each
/// and keeping the smallest offset would read the text once per marker. The
/// automaton is built once, on first use.
///
/// ```
/// use bounce_core::rules::Markers;
///
/// static MARKERS: Markers = Markers::new(&["copy of the message", "Original message"]);
/// let text = "--- Original message follows; a copy of the message";
/// assert_eq!(MARKERS.first(text), Some((4, 1)));
/// assert_eq!(MARKERS.first("nothing"), None);
/// ```
pub struct Markers {
    patterns: &'static [&'static str],
    automaton: OnceLock<Option<AhoCorasick>>,
}

impl Markers {
    /// A set of markers (case-sensitive); nothing is compiled until the
    /// first [`Markers::first`].
    pub const fn new(patterns: &'static [&'static str]) -> Markers {
        Markers {
            patterns,
            automaton: OnceLock::new(),
        }
    }

    /// The offset of the first occurrence in `text` of any marker, and that
    /// marker's index; of markers found at the same offset, the one listed
    /// first. The same as the smallest `text.find(marker)`.
    pub fn first(&self, text: &str) -> Option<(usize, usize)> {
        let ac = self
            .automaton
            .get_or_init(|| {
                // The search runs mostly in the automaton's prefilter, so
                // the NFA costs little there, and much less than a DFA to
                // build.
                AhoCorasick::builder()
                    .match_kind(MatchKind::LeftmostFirst)
                    .kind(Some(AhoCorasickKind::NoncontiguousNFA))
                    .build(self.patterns)
                    .ok()
            })
            .as_ref()?;
        ac.find(text).map(|m| (m.start(), m.pattern().as_usize()))
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

/// The domain of an address as [`crate::fact::domain_of`] gives it, but borrowed and
/// not lowercased: for [`host_under`], which ignores ASCII case anyway.
fn recipient_domain(addr: &str) -> &str {
    addr.rsplit_once('@')
        .map_or("", |(_, d)| d.trim_end_matches('>'))
}

/// Whether `host` is under any of `suffixes`.
pub fn host_under_any(host: &str, suffixes: &[&str]) -> bool {
    suffixes.iter().any(|s| host_under(host, s))
}

/// The reason and rule of the first row of a code table whose code `is`
/// accepts: the lookup every receiver's table of codes (`OFR_416`,
/// `RCP-P1`, `AUP#CXBL`, a status range...) makes.
///
/// ```
/// use bounce_core::rules::by_code;
/// use bounce_core::Reason;
///
/// const CODES: &[(u16, Reason, &str)] = &[(416, Reason::UserUnknown, "acme:416")];
/// assert_eq!(by_code(CODES, |c| *c == 416), Some((Reason::UserUnknown, "acme:416")));
/// assert_eq!(by_code(CODES, |c| *c == 417), None);
/// ```
pub fn by_code<K>(
    table: &[(K, Reason, &'static str)],
    is: impl Fn(&K) -> bool,
) -> Option<Decision> {
    table
        .iter()
        .find(|(code, _, _)| is(code))
        .map(|(_, reason, rule)| (*reason, *rule))
}

/// A remote-host rule as most receivers need it: the guard that it reads
/// only its own service's replies (a refusal that another server quoted on
/// the way is not the service's to explain), then the service's codes, then
/// its wordings. Built at compile time and registered as the provider's
/// matcher, or called from a provider's own [`ProviderMatcher::refine`].
///
/// ```
/// use bounce_core::rules::{RemoteRule, Wordings};
/// use bounce_core::{Draft, ProviderMatcher, Reason};
///
/// static WORDINGS: Wordings = Wordings::new(&[("over quota", Reason::MailboxFull, "acme:quota")]);
/// static RULE: RemoteRule = RemoteRule::new(&["acme.example"]).wordings(&WORDINGS);
///
/// let mut draft = Draft::new("a@acme.example");
/// draft.diagnosis = "552 user is over quota".into();
/// assert_eq!(RULE.refine(&draft), Some((Reason::MailboxFull, "acme:quota")));
/// draft.rhost = "mx.acme.example".into();
/// assert_eq!(RULE.refine(&draft), Some((Reason::MailboxFull, "acme:quota")));
/// draft.rhost = "relay.example.net".into();
/// assert_eq!(RULE.refine(&draft), None);
/// ```
#[derive(Clone, Copy)]
pub struct RemoteRule {
    hosts: &'static [&'static str],
    hosted_mx: &'static [&'static str],
    quoted_by: &'static [&'static str],
    host_required: bool,
    codes: Option<fn(&str) -> Option<Decision>>,
    wordings: Option<&'static Wordings>,
}

impl RemoteRule {
    /// A rule for the replies of hosts under `hosts` (the service's domains
    /// and MX hosts), and of any draft that names no remote host (the
    /// recipient's domain made the rule apply). It knows no codes nor
    /// wordings yet.
    pub const fn new(hosts: &'static [&'static str]) -> RemoteRule {
        RemoteRule {
            hosts,
            hosted_mx: &[],
            quoted_by: &[],
            host_required: false,
            codes: None,
            wordings: None,
        }
    }

    /// Also reads the replies of a filtering service's MX hosts (under
    /// `mx`) that receive for the service's domains, when the recipient's
    /// domain is one of the service's.
    pub const fn hosted_by(self, mx: &'static [&'static str]) -> RemoteRule {
        RemoteRule {
            hosted_mx: mx,
            ..self
        }
    }

    /// Also reads a reply from another host when it holds one of `words`
    /// (ASCII case-insensitively): the service's own host name, quoted by a
    /// relay.
    pub const fn quoted_by(self, words: &'static [&'static str]) -> RemoteRule {
        RemoteRule {
            quoted_by: words,
            ..self
        }
    }

    /// Reads only drafts that name one of the service's hosts: without a
    /// host the same words are left to the classifier.
    pub const fn host_required(self) -> RemoteRule {
        RemoteRule {
            host_required: true,
            ..self
        }
    }

    /// The service's own reading of a reply (its codes, or whatever it
    /// recognises by more than a wording), tried before the wordings.
    pub const fn codes(self, read: fn(&str) -> Option<Decision>) -> RemoteRule {
        RemoteRule {
            codes: Some(read),
            ..self
        }
    }

    /// The service's wordings, tried after its codes.
    pub const fn wordings(self, wordings: &'static Wordings) -> RemoteRule {
        RemoteRule {
            wordings: Some(wordings),
            ..self
        }
    }

    /// The service's domains and host suffixes.
    pub const fn hosts(&self) -> &'static [&'static str] {
        self.hosts
    }

    /// The record that registers this rule as the remote-host provider `id`
    /// documented by `doc` (the crate's README): its hosts are the
    /// provider's [`Provider::rhosts`], and it has no fingerprints nor
    /// phrases of its own.
    ///
    /// ```
    /// use bounce_core::rules::RemoteRule;
    ///
    /// static RULE: RemoteRule = RemoteRule::new(&["acme.example"]);
    /// bounce_core::inventory::submit! {
    ///     RULE.provider("acme-rule", "Acme: what its MX hosts' refusals mean")
    /// }
    /// let registry = bounce_core::Registry::global().unwrap();
    /// assert_eq!(registry.get("acme-rule").map(|p| p.rhosts), Some(&["acme.example"][..]));
    /// ```
    pub const fn provider(&'static self, id: &'static str, doc: &'static str) -> Provider {
        Provider {
            id,
            kind: Kind::RemoteHost,
            doc,
            fingerprints: &[],
            rhosts: self.hosts,
            phrases: &[],
            matcher: self,
        }
    }

    /// Whether the draft's reply is one the rule reads: no remote host named
    /// (unless a host is required), one of the service's hosts, a hosting
    /// filter's for a recipient at the service, or a reply that quotes the
    /// service's host.
    pub fn answers(&self, draft: &Draft) -> bool {
        if draft.rhost.is_empty() {
            return !self.host_required;
        }
        host_under_any(&draft.rhost, self.hosts)
            || host_under_any(&draft.rhost, self.hosted_mx)
                && host_under_any(recipient_domain(&draft.recipient), self.hosts)
            || self
                .quoted_by
                .iter()
                .any(|w| text::find_ci(&draft.diagnosis, w).is_some())
    }

    /// What a reply means by the service's codes, else by its wordings,
    /// whoever said it.
    pub fn read(&self, reply: &str) -> Option<Decision> {
        self.codes
            .and_then(|read| read(reply))
            .or_else(|| self.wordings.and_then(|w| w.find(reply)))
    }
}

impl ProviderMatcher for RemoteRule {
    fn refine(&self, draft: &Draft) -> Option<Decision> {
        if !self.answers(draft) {
            return None;
        }
        self.read(&draft.diagnosis)
    }
}

/// Sets the reason and rule of each draft whose diagnostic `read` decides:
/// a decoder applying its service's own reading of replies to what it
/// decoded.
pub fn decide_each(drafts: &mut [Draft], read: impl Fn(&str) -> Option<Decision>) {
    for d in drafts {
        if let Some((reason, rule)) = read(&d.diagnosis) {
            d.reason = Some(reason);
            d.rule = rule;
        }
    }
}

/// Joins the drafts of a delivery-status part (`groups`) to those read from
/// a notice's text: a group about a recipient already drafted (ASCII
/// case-insensitively) goes into that draft by `merge`, any other is added.
pub fn join_groups(drafts: &mut Vec<Draft>, groups: Vec<Draft>, merge: impl Fn(&mut Draft, Draft)) {
    for group in groups {
        match drafts
            .iter_mut()
            .find(|d| d.recipient.eq_ignore_ascii_case(&group.recipient))
        {
            Some(d) => merge(d, group),
            None => drafts.push(group),
        }
    }
}

/// A draft for a recipient that a notice lists as failed.
pub fn failed_draft(recipient: impl Into<String>) -> Draft {
    let mut d = Draft::new(recipient);
    d.action = "failed".to_owned();
    d
}

/// Adds a line of a notice to a draft's diagnostic, after a space unless it
/// is the first.
pub fn push_diagnosis(d: &mut Draft, line: &str) {
    if !d.diagnosis.is_empty() {
        d.diagnosis.push(' ');
    }
    d.diagnosis.push_str(line);
}

/// Reads the common layout of a list of failed recipients: a heading line
/// that holds an address (`<user@example.jp>:`, `user@example.jp:`), then
/// the lines of its paragraph, joined with single spaces as the draft's
/// diagnostic, until a blank line or the next heading. `is_heading` says
/// which trimmed lines are headings and returns the address in them.
pub fn address_paragraphs<'t>(
    list: &'t str,
    is_heading: impl Fn(&'t str) -> Option<&'t str>,
) -> Vec<Draft> {
    let mut out: Vec<Draft> = Vec::new();
    let mut open = false;
    for line in list.lines() {
        let line = line.trim();
        if line.is_empty() {
            open = false;
            continue;
        }
        if let Some(addr) = is_heading(line).filter(|a| text::is_address(a)) {
            out.push(failed_draft(text::clean_address(addr)));
            open = true;
        } else if open {
            if let Some(d) = out.last_mut() {
                push_diagnosis(d, line);
            }
        }
    }
    out
}

/// Reads a notice that lists its failed recipients as
/// [`address_paragraphs`] headed `<address>:`: the list starts after the
/// line that holds `start` and ends at `copy`, the marker of the returned
/// message, which follows that line and becomes [`Report::original`]
/// (without its leading blank lines). `None` when no recipient is listed.
pub fn address_list_report(body: &str, start: &str, copy: &str) -> Option<Report> {
    let list = text::after_line_with(body, start)?;
    let (list, original) = match list.find(copy) {
        Some(at) => (&list[..at], text::after_line_with(&list[at..], copy)),
        None => (list, None),
    };
    let drafts = address_paragraphs(list, bracketed_heading);
    if drafts.is_empty() {
        return None;
    }
    let mut report = Report::new(drafts);
    report.original = original.map(|o| o.trim_start_matches('\n').to_owned());
    Some(report)
}

/// Groups a notice's lines under their headings: each line (trimmed) that
/// `heading` recognises opens a block, keyed by what `heading` returns (the
/// address in it), and the non-blank lines after it, trimmed, are the
/// block's, up to the next heading. Lines before the first heading are
/// dropped.
pub fn headed_blocks<'t>(
    lines: impl Iterator<Item = &'t str>,
    heading: impl Fn(&'t str) -> Option<&'t str>,
) -> Vec<(&'t str, Vec<&'t str>)> {
    let mut blocks: Vec<(&str, Vec<&str>)> = Vec::new();
    for line in lines {
        let line = line.trim();
        if let Some(key) = heading(line) {
            blocks.push((key, Vec::new()));
        } else if let Some((_, lines)) = blocks.last_mut() {
            if !line.is_empty() {
                lines.push(line);
            }
        }
    }
    blocks
}

/// The heading `<user@example.jp>:` when what the brackets hold looks like
/// one address (an `@`, no brackets nor spaces), as qmail writes it.
pub fn bracketed_address(line: &str) -> Option<&str> {
    bracketed_heading(line).filter(|a| a.contains('@') && !a.contains([' ', '<', '>']))
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
        static W: Wordings = Wordings::new(&[
            ("quota", Reason::MailboxFull, "a"),
            ("user", Reason::UserUnknown, "b"),
        ]);
        assert_eq!(W.find("user over quota"), Some((Reason::MailboxFull, "a")));
    }

    #[test]
    fn remote_rule_guard() {
        fn code(text: &str) -> Option<Decision> {
            text.contains("X-1").then_some((Reason::Blocked, "t:x1"))
        }
        static W: Wordings = Wordings::new(&[("x-1 or full", Reason::MailboxFull, "t:full")]);
        static RULE: RemoteRule = RemoteRule::new(&["t.example"])
            .hosted_by(&["filter.example"])
            .codes(code)
            .wordings(&W);
        let draft = |recipient: &str, rhost: &str, diagnosis: &str| Draft {
            recipient: recipient.into(),
            rhost: rhost.into(),
            diagnosis: diagnosis.into(),
            ..Draft::default()
        };
        assert_eq!(
            RULE.refine(&draft("a@t.example", "", "X-1 or full")),
            Some((Reason::Blocked, "t:x1"))
        );
        assert_eq!(
            RULE.refine(&draft("a@t.example", "", "x-1 or full")),
            Some((Reason::MailboxFull, "t:full"))
        );
        assert!(RULE.answers(&draft("a@t.example", "mx.filter.example", "")));
        assert!(!RULE.answers(&draft("a@other.example", "mx.filter.example", "")));
        assert!(!RULE.answers(&draft("a@t.example", "relay.example", "X-1")));
        let strict = RULE.host_required().quoted_by(&["t.example"]);
        assert!(!strict.answers(&draft("a@t.example", "", "X-1")));
        assert!(strict.answers(&draft(
            "a@t.example",
            "relay.example",
            "said by MX.T.EXAMPLE"
        )));
        assert_eq!(strict.hosts(), &["t.example"]);
    }

    #[test]
    fn codes_and_conditional_rows() {
        assert_eq!(
            by_code(&[("a", Reason::Blocked, "r")], |c| *c == "a"),
            Some((Reason::Blocked, "r"))
        );
        static W: Wordings = Wordings::new(&[
            ("quota", Reason::MailboxFull, "a"),
            ("user", Reason::UserUnknown, "b"),
        ]);
        assert_eq!(
            W.find_where("user over quota", |i| i != 0),
            Some((Reason::UserUnknown, "b"))
        );
        assert_eq!(W.find_where("user over quota", |_| false), None);
    }

    #[test]
    fn groups_join_drafts() {
        let mut drafts = vec![Draft::new("a@example.jp")];
        let mut group = Draft::new("A@example.jp");
        group.diagnosis = "550".into();
        join_groups(
            &mut drafts,
            vec![group, Draft::new("b@example.jp")],
            |d, g| d.diagnosis = g.diagnosis,
        );
        assert_eq!(drafts.len(), 2);
        assert_eq!(drafts[0].diagnosis, "550");
        assert_eq!(drafts[1].recipient, "b@example.jp");
    }

    #[test]
    fn blocks_under_headings() {
        let text = "intro\n<a@example.jp>:\n 550 no\n\n more\n<b c@example.jp>:\n<b@example.jp>:\n";
        let b = headed_blocks(text.lines(), bracketed_address);
        assert_eq!(
            b,
            vec![
                ("a@example.jp", vec!["550 no", "more", "<b c@example.jp>:"]),
                ("b@example.jp", vec![])
            ]
        );
    }

    #[test]
    fn address_lists() {
        let body =
            "Cannot deliver to:\n\n<a@example.jp>:\n550 no\n\n--- copy\n\nFrom: s@example.org\n";
        let r = address_list_report(body, "Cannot deliver", "--- copy").unwrap();
        assert_eq!(r.recipients.len(), 1);
        assert_eq!(r.recipients[0].action, "failed");
        assert_eq!(r.original.as_deref(), Some("From: s@example.org\n"));
        assert!(
            address_list_report("Cannot deliver\nnobody\n", "Cannot deliver", "--- copy").is_none()
        );
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
