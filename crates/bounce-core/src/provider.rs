//! The provider extension point: the [`ProviderMatcher`] trait, the
//! [`Provider`] record each provider crate registers with
//! `inventory::submit!`, and the [`Registry`] that orders them, refuses
//! duplicate ids and builds the one prefilter automaton from their
//! fingerprints.

use crate::classify::{Classifier, Phrase};
use crate::fact::{Draft, Report};
use crate::mail::Mail;
use crate::reason::Reason;
use aho_corasick::automaton::Automaton;
use aho_corasick::{dfa, Anchored, MatchKind};
use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

/// What a provider crate implements. Both methods default to "not mine", so a
/// provider implements only what it does.
pub trait ProviderMatcher: Send + Sync {
    /// Decodes a bounce this provider produced, or returns `None` when the
    /// message is not one of its (not an error). Called only when the
    /// prefilter found one of the provider's fingerprints.
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        let _ = mail;
        None
    }

    /// A remote-host rule: given a fact whose remote host (or recipient domain)
    /// is one of [`Provider::rhosts`], the reason this receiver's wording
    /// means, and the rule that decided. Called whichever decoder produced
    /// the fact.
    fn refine(&self, draft: &Draft) -> Option<(Reason, &'static str)> {
        let _ = draft;
        None
    }
}

/// What kind of thing a provider is. The registry tries decoders in this
/// order, so a specific provider wins over the generic decoder it builds on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// A mail service or ISP with its own bounce wording (ocn, yahoo, gmail).
    Service,
    /// A filter, gateway or appliance in front of a mail server.
    Gateway,
    /// A mail server product whose format many sites share (postfix, exim).
    Mta,
    /// The shape of an unnamed MTA, recognised by structure alone.
    Shape,
    /// Produces no bounces; knows how a big receiver words its refusals.
    RemoteHost,
}

impl Kind {
    /// Lowercase name for listings.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Service => "service",
            Kind::Gateway => "gateway",
            Kind::Mta => "mta",
            Kind::Shape => "shape",
            Kind::RemoteHost => "remote-host",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One registered provider, built at compile time by its crate:
///
/// ```
/// use bounce_core::{Draft, Kind, Mail, Provider, ProviderMatcher, Report};
///
/// struct Acme;
///
/// impl ProviderMatcher for Acme {
///     fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
///         let rest = mail.body().split("Acme could not deliver to ").nth(1)?;
///         let mut draft = Draft::new(bounce_core::text::find_address(rest)?);
///         draft.diagnosis = rest.lines().next()?.to_owned();
///         Some(Report::new(vec![draft]))
///     }
/// }
///
/// bounce_core::inventory::submit! {
///     Provider {
///         id: "acme",
///         kind: Kind::Mta,
///         doc: "Acme MTA: its one-line summary\n\nMore about its bounces.",
///         fingerprints: &["Acme could not deliver to"],
///         rhosts: &[],
///         phrases: &[],
///         matcher: &Acme,
///     }
/// }
///
/// let registry = bounce_core::Registry::global().unwrap();
/// let mail = b"From: MAILER-DAEMON@acme.example\nSubject: failure\n\nAcme could not deliver to <a@example.jp>: 550 5.1.1 no such user\n";
/// let decoded = bounce_core::Decoder::new(registry).decode(mail, "doc").unwrap();
/// assert_eq!(decoded.facts[0].smtpagent, "acme");
/// assert_eq!(decoded.facts[0].deliverystatus, "5.1.1");
/// assert_eq!(decoded.facts[0].reason.as_str(), "userunknown");
/// ```
pub struct Provider {
    /// Unique id, lowercase; reported as `smtpagent`.
    pub id: &'static str,
    /// What it is; decides the order in which decoders are tried.
    pub kind: Kind,
    /// Its documentation in Markdown (the crate's README, also its rustdoc);
    /// the first line, without `#`, is the one-line summary.
    pub doc: &'static str,
    /// Literal strings (ASCII case-insensitive) whose presence in the headers
    /// or the start of the body makes this provider a candidate.
    pub fingerprints: &'static [&'static str],
    /// For remote-host rules: host or domain suffixes (`google.com`) of the
    /// receivers the rule knows.
    pub rhosts: &'static [&'static str],
    /// Phrases this provider adds to the reason classifier.
    pub phrases: &'static [(Reason, &'static str)],
    /// The implementation.
    pub matcher: &'static dyn ProviderMatcher,
}

inventory::collect!(Provider);

impl Provider {
    /// The one-line summary: the first non-empty line of the doc, without
    /// Markdown heading marks.
    pub fn summary(&self) -> &'static str {
        self.doc
            .lines()
            .map(|l| l.trim_start_matches('#').trim())
            .find(|l| !l.is_empty())
            .unwrap_or("")
    }

    /// Whether `host` (a remote host name or a domain) is one this remote-host
    /// rule knows.
    pub fn knows_host(&self, host: &str) -> bool {
        // Bytes, not str slices: a host read from a broken bounce may hold
        // multi-byte characters anywhere.
        let host = host.trim_end_matches('.').as_bytes();
        self.rhosts.iter().any(|suffix| {
            let suffix = suffix.as_bytes();
            host.len() >= suffix.len()
                && host[host.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
                && (host.len() == suffix.len()
                    || suffix.first() == Some(&b'.')
                    || host[host.len() - suffix.len() - 1] == b'.')
        })
    }
}

impl fmt::Debug for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Provider")
            .field("id", &self.id)
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

/// Why the registry could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RegistryError {
    /// Two registrations share an id.
    #[error("two providers are registered with the id {0:?}")]
    Duplicate(&'static str),
    /// A provider that decodes has nothing for the prefilter to find.
    #[error("provider {0:?} has no fingerprints, so it could never be chosen")]
    NoFingerprint(&'static str),
    /// An id that is not lowercase ASCII letters, digits and `-`.
    #[error("provider id {0:?} must be lowercase letters, digits and '-'")]
    BadId(&'static str),
    /// The prefilter automaton could not be built.
    #[error("cannot build the prefilter: {0}")]
    Automaton(String),
}

/// Every registered provider, in decoding order, with the prefilter built
/// from their fingerprints and the classifier built from their phrases.
pub struct Registry {
    providers: Vec<&'static Provider>,
    /// Every fingerprint and host, lowercased, as one case-insensitive DFA.
    prefilter: dfa::DFA,
    /// For each prefilter pattern, the providers (indices) that own it.
    owners: Vec<Vec<u16>>,
    classifier: Classifier,
}

/// The set of providers a message may belong to, as a bit set over the
/// registry's order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Candidates(Vec<u64>);

impl Candidates {
    fn insert(&mut self, i: u16) {
        let (w, b) = (i as usize / 64, i as usize % 64);
        if self.0.len() <= w {
            self.0.resize(w + 1, 0);
        }
        self.0[w] |= 1 << b;
    }
    /// Whether provider number `i` (registry order) is a candidate.
    pub fn contains(&self, i: usize) -> bool {
        self.0.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
    }
    /// Candidate indices in registry order.
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.0.iter().enumerate().flat_map(|(w, &bits)| {
            (0..64)
                .filter(move |b| bits & (1 << b) != 0)
                .map(move |b| w * 64 + b)
        })
    }
    /// Whether no provider is a candidate.
    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|&w| w == 0)
    }
}

impl Registry {
    /// The registry of every provider linked into this binary, built on first
    /// use.
    pub fn global() -> Result<&'static Registry, RegistryError> {
        static GLOBAL: OnceLock<Result<Registry, RegistryError>> = OnceLock::new();
        GLOBAL
            .get_or_init(|| Registry::new(inventory::iter::<Provider>))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Builds a registry from the given records. This is the one place that
    /// orders providers: by [`Kind`], then by id.
    pub fn new(
        records: impl IntoIterator<Item = &'static Provider>,
    ) -> Result<Registry, RegistryError> {
        let mut by_id: BTreeMap<(Kind, &'static str), &'static Provider> = BTreeMap::new();
        let mut seen = std::collections::HashSet::new();
        for p in records {
            if p.id.is_empty()
                || !p
                    .id
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            {
                return Err(RegistryError::BadId(p.id));
            }
            if !seen.insert(p.id) {
                return Err(RegistryError::Duplicate(p.id));
            }
            if p.fingerprints.is_empty() && p.rhosts.is_empty() {
                return Err(RegistryError::NoFingerprint(p.id));
            }
            by_id.insert((p.kind, p.id), p);
        }
        let providers: Vec<&'static Provider> = by_id.into_values().collect();
        let mut patterns: Vec<String> = Vec::new();
        let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        let mut owners: Vec<Vec<u16>> = Vec::new();
        for (i, p) in providers.iter().enumerate() {
            for fp in p.fingerprints.iter().chain(p.rhosts) {
                let key = fp.to_ascii_lowercase();
                let slot = *index.entry(key.clone()).or_insert_with(|| {
                    patterns.push(key);
                    owners.push(Vec::new());
                    patterns.len() - 1
                });
                if !owners[slot].contains(&(i as u16)) {
                    owners[slot].push(i as u16);
                }
            }
        }
        // A DFA: built once, it makes the one pass over every message as
        // fast as the automaton can be (every occurrence of every pattern is
        // reported: the standard, overlapping match semantics).
        let prefilter = dfa::Builder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .prefilter(false)
            .build(&patterns)
            .map_err(|e| RegistryError::Automaton(e.to_string()))?;
        let classifier = Classifier::new(providers.iter().flat_map(|p| {
            p.phrases.iter().map(move |&(reason, text)| Phrase {
                reason,
                text,
                source: p.id,
            })
        }));
        Ok(Registry {
            providers,
            prefilter,
            owners,
            classifier,
        })
    }

    /// Every provider, in decoding order.
    pub fn providers(&self) -> &[&'static Provider] {
        &self.providers
    }

    /// The provider with this id.
    pub fn get(&self, id: &str) -> Option<&'static Provider> {
        self.providers.iter().copied().find(|p| p.id == id)
    }

    /// The classifier, with every provider's phrases.
    pub fn classifier(&self) -> &Classifier {
        &self.classifier
    }

    /// One pass of the prefilter automaton over each haystack; the providers
    /// any of whose fingerprints occur.
    pub fn candidates(&self, haystacks: &[&[u8]]) -> Candidates {
        let mut c = Candidates::default();
        // Patterns already seen, as a bit set (cheap to clear per message).
        let mut seen = vec![0u64; self.owners.len().div_ceil(64)];
        let dfa = &self.prefilter;
        let Ok(start) = dfa.start_state(Anchored::No) else {
            return c;
        };
        let mut found = |sid| {
            for i in 0..dfa.match_len(sid) {
                let pid = dfa.match_pattern(sid, i).as_usize();
                let (word, bit) = (pid / 64, 1u64 << (pid % 64));
                if seen[word] & bit == 0 {
                    seen[word] |= bit;
                    for &o in &self.owners[pid] {
                        c.insert(o);
                    }
                }
            }
        };
        for hay in haystacks {
            // The automaton walked by hand: one table step per byte, and a
            // look at the matches only in the (rare) match states.
            if dfa.is_match(start) {
                found(start);
            }
            let mut sid = start;
            for &b in hay.iter() {
                sid = dfa.next_state(Anchored::No, sid, b);
                if dfa.is_special(sid) {
                    if dfa.is_match(sid) {
                        found(sid);
                    } else if dfa.is_dead(sid) {
                        break;
                    }
                }
            }
        }
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Nothing;
    impl ProviderMatcher for Nothing {}

    static A: Provider = Provider {
        id: "alpha",
        kind: Kind::Mta,
        doc: "# Alpha MTA\n\nMore.",
        fingerprints: &["Alpha-Queue", "shared words"],
        rhosts: &[],
        phrases: &[],
        matcher: &Nothing,
    };
    static B: Provider = Provider {
        id: "beta",
        kind: Kind::Service,
        doc: "Beta service",
        fingerprints: &["beta.example", "SHARED WORDS"],
        rhosts: &["beta.example"],
        phrases: &[],
        matcher: &Nothing,
    };

    #[test]
    fn orders_by_kind_and_finds_candidates() {
        let r = Registry::new([&A, &B]).unwrap();
        assert_eq!(
            r.providers().iter().map(|p| p.id).collect::<Vec<_>>(),
            ["beta", "alpha"]
        );
        let c = r.candidates(&[b"X-alpha-queue: 1", b"nothing"]);
        assert_eq!(c.iter().collect::<Vec<_>>(), [1]);
        let c = r.candidates(&[b"some Shared Words here"]);
        assert_eq!(c.iter().collect::<Vec<_>>(), [0, 1]);
        assert!(r.candidates(&[b"plain mail"]).is_empty());
        assert_eq!(A.summary(), "Alpha MTA");
    }

    #[test]
    fn duplicates_are_refused() {
        assert_eq!(
            Registry::new([&A, &A]).err(),
            Some(RegistryError::Duplicate("alpha"))
        );
    }

    #[test]
    fn hosts() {
        assert!(B.knows_host("mx1.beta.example"));
        assert!(B.knows_host("BETA.example."));
        assert!(!B.knows_host("alphabeta.example"));
        // Found by fuzzing: a host with a multi-byte character where the
        // suffix would start.
        assert!(!B.knows_host("aspmx.l.google\u{fffd}\u{fffd}ta.example"));
        assert!(!B.knows_host("\u{fffd}"));
    }
}
