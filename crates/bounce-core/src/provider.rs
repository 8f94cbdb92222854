//! The provider extension point: the [`ProviderMatcher`] trait, the
//! [`Provider`] record each provider crate registers with
//! `inventory::submit!`, and the [`Registry`] that orders them, refuses
//! duplicate ids and builds the one prefilter automaton from their
//! fingerprints.

use crate::classify::{Classifier, Phrase};
use crate::fact::{Draft, Report};
use crate::mail::Mail;
use crate::reason::Reason;
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
    /// Every fingerprint and host, lowercased, searched for at once.
    prefilter: Prefilter,
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
        let prefilter = Prefilter::new(patterns);
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

    /// One pass of the prefilter over each haystack; the providers any of
    /// whose fingerprints occur (ASCII case-insensitively).
    pub fn candidates(&self, haystacks: &[&[u8]]) -> Candidates {
        let mut c = Candidates::default();
        // Patterns already seen, as a bit set (cheap to clear per message).
        let mut seen = vec![0u64; self.owners.len().div_ceil(64)];
        for hay in haystacks {
            self.prefilter.find_new(hay, &mut seen, |pid| {
                for &o in &self.owners[pid] {
                    c.insert(o);
                }
            });
        }
        c
    }
}

/// ASCII lowercase of every byte.
const LOWER: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = (i as u8).to_ascii_lowercase();
        i += 1;
    }
    t
};

/// Finds which of many lowercase patterns occur in a text, ASCII
/// case-insensitively, as an overlapping Aho-Corasick search would, but
/// faster on mail. At each position the next eight bytes, lowercased, are
/// rolled into a key; its first four bytes are hashed and looked up in a bit
/// set of the patterns' first four bytes (8 KiB, so it stays in the L1 cache,
/// and no step waits on the previous one as a DFA's do). Only on a hit are the
/// patterns of that bucket checked: first their first eight bytes against
/// the key, then, for a pattern not yet found, in full. Patterns shorter than
/// four bytes are compared at every position (there are none today).
struct Prefilter {
    patterns: Vec<Box<[u8]>>,
    /// Bit `h` set when some pattern's first four bytes hash to `h`.
    bits: Box<[u64; 1024]>,
    /// By hash, `heads[start[h]..start[h + 1]]`: each pattern's first eight
    /// bytes (as the key holds them), the mask of those it has, its index.
    start: Box<[u32]>,
    heads: Box<[(u64, u64, u32)]>,
    /// Patterns shorter than four bytes.
    short: Vec<u32>,
}

impl Prefilter {
    const HASH_BITS: u32 = 16;

    fn hash(first4: u32) -> usize {
        (first4.wrapping_mul(0x9E37_79B1) >> (32 - Self::HASH_BITS)) as usize
    }

    fn new(patterns: Vec<String>) -> Prefilter {
        let patterns: Vec<Box<[u8]>> = patterns
            .into_iter()
            .map(|p| p.into_bytes().iter().map(|&b| LOWER[b as usize]).collect())
            .collect();
        let size = 1usize << Self::HASH_BITS;
        let mut bits = Box::new([0u64; 1024]);
        let mut by_hash: Vec<Vec<(u64, u64, u32)>> = vec![Vec::new(); size];
        let mut short = Vec::new();
        for (i, p) in patterns.iter().enumerate() {
            if p.len() < 4 {
                short.push(i as u32);
                continue;
            }
            let (mut head, mut mask) = (0u64, 0u64);
            for k in 0..8 {
                head <<= 8;
                mask <<= 8;
                if let Some(&b) = p.get(k) {
                    head |= u64::from(b);
                    mask |= 0xff;
                }
            }
            let h = Self::hash((head >> 32) as u32);
            bits[h / 64] |= 1 << (h % 64);
            by_hash[h].push((head, mask, i as u32));
        }
        let mut start = Vec::with_capacity(size + 1);
        let mut heads = Vec::with_capacity(patterns.len());
        for bucket in &by_hash {
            start.push(heads.len() as u32);
            heads.extend_from_slice(bucket);
        }
        start.push(heads.len() as u32);
        Prefilter {
            patterns,
            bits,
            start: start.into_boxed_slice(),
            heads: heads.into_boxed_slice(),
            short,
        }
    }

    /// Calls `found` with the index of each pattern that occurs in `hay` and
    /// is not yet in the bit set `seen` (which it is then added to): a
    /// pattern met again costs a bit test, not a comparison.
    fn find_new(&self, hay: &[u8], seen: &mut [u64], mut found: impl FnMut(usize)) {
        for &pid in &self.short {
            let p = &self.patterns[pid as usize];
            if is_new(pid, seen) && (p.is_empty() || (0..hay.len()).any(|i| occurs_at(hay, i, p))) {
                mark(pid, seen, &mut found);
            }
        }
        if hay.len() < 4 {
            return;
        }
        let bits = &*self.bits;
        let mut check = |i: usize, key: u64| {
            let h = Self::hash((key >> 32) as u32);
            if bits[h >> 6] & (1 << (h & 63)) != 0 {
                self.bucket(hay, i, key, h, seen, &mut found);
            }
        };
        // The key holds the eight bytes from the position on, lowercased;
        // past the end, zero bytes (the full comparison checks the length).
        let mut key = hay
            .iter()
            .take(7)
            .fold(0u64, |k, &b| k << 8 | u64::from(LOWER[b as usize]))
            << (8 * 7usize.saturating_sub(hay.len()));
        let full = hay.len().saturating_sub(7);
        for (i, &b) in hay.iter().skip(7).enumerate() {
            key = key << 8 | u64::from(LOWER[b as usize]);
            check(i, key);
        }
        for i in full..hay.len() - 3 {
            key <<= 8;
            check(i, key);
        }
    }

    /// The patterns whose first four bytes hash to `h`, checked at `i`.
    #[inline(never)]
    fn bucket(
        &self,
        hay: &[u8],
        i: usize,
        key: u64,
        h: usize,
        seen: &mut [u64],
        found: &mut impl FnMut(usize),
    ) {
        for &(head, mask, pid) in &self.heads[self.start[h] as usize..self.start[h + 1] as usize] {
            if key & mask == head
                && is_new(pid, seen)
                && occurs_at(hay, i, &self.patterns[pid as usize])
            {
                mark(pid, seen, found);
            }
        }
    }
}

/// Whether pattern `p` (lowercase) occurs in `hay` at `i`, ASCII
/// case-insensitively.
fn occurs_at(hay: &[u8], i: usize, p: &[u8]) -> bool {
    hay.len() - i >= p.len() && hay[i..i + p.len()].eq_ignore_ascii_case(p)
}

/// Whether pattern `pid` is not in the bit set `seen`.
fn is_new(pid: u32, seen: &[u64]) -> bool {
    seen[pid as usize / 64] & (1 << (pid % 64)) == 0
}

/// Adds pattern `pid` to `seen` and reports it, unless it was there.
fn mark(pid: u32, seen: &mut [u64], found: &mut impl FnMut(usize)) {
    let (word, bit) = (pid as usize / 64, 1u64 << (pid % 64));
    if seen[word] & bit == 0 {
        seen[word] |= bit;
        found(pid as usize);
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
    fn prefilter_finds_what_aho_corasick_finds() {
        use aho_corasick::{AhoCorasick, MatchKind};
        let patterns: Vec<String> = [
            "abc",
            "bcd",
            "ab",
            "a",
            "mailer-daemon",
            "配信",
            "x\u{e9}y",
            "abcabc",
            "--",
            "cab",
        ]
        .iter()
        .map(|p| p.to_string())
        .collect();
        let pf = Prefilter::new(patterns.clone());
        let ac = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(&patterns)
            .unwrap();
        let alphabet = "abcABCd- xXy\u{e9}配信MAILER-daemon".as_bytes();
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..5000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let len = (x % 40) as usize;
            let hay: Vec<u8> = (0..len)
                .map(|k| alphabet[((x >> (k % 50)) as usize + k * 7) % alphabet.len()])
                .collect();
            let mut got = Vec::new();
            let mut seen = [0u64; 1];
            // Split in two haystacks sharing the seen set, as `candidates` does.
            let (a, b) = hay.split_at(hay.len() / 2);
            pf.find_new(a, &mut seen, |p| got.push(p));
            pf.find_new(b, &mut seen, |p| got.push(p));
            got.sort_unstable();
            let mut want: Vec<usize> = ac
                .find_overlapping_iter(a)
                .chain(ac.find_overlapping_iter(b))
                .map(|m| m.pattern().as_usize())
                .collect();
            want.sort_unstable();
            want.dedup();
            assert_eq!(got, want, "{:?}", String::from_utf8_lossy(&hay));
        }
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
