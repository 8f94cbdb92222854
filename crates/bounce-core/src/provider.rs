//! The provider extension point: the [`ProviderMatcher`] trait, the
//! [`Provider`] record each provider crate registers with
//! `inventory::submit!`, and the [`Registry`] that orders them, refuses
//! duplicate ids and builds the one prefilter from their
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
    /// whose fingerprints occur in one of them.
    pub fn candidates(&self, haystacks: &[&[u8]]) -> Candidates {
        let mut c = Candidates::default();
        // Patterns already seen, as a bit set (cheap to clear per message).
        let mut seen = Seen::new(self.owners.len());
        for (k, hay) in haystacks.iter().enumerate() {
            // A haystack that lies inside one already searched (the subject
            // and the From text are most often slices of the raw header
            // block) holds no occurrence that search did not find.
            if hay.is_empty() || haystacks[..k].iter().any(|earlier| lies_in(hay, earlier)) {
                continue;
            }
            crate::text::with_ascii_lowercase(hay, |lowered| {
                self.prefilter.find_new(lowered, seen.as_mut(), |pid| {
                    for &o in &self.owners[pid] {
                        c.insert(o);
                    }
                });
            });
        }
        c
    }
}

/// Whether the bytes of `inner` are some of the bytes of `outer` (the same
/// memory, not equal contents).
fn lies_in(inner: &[u8], outer: &[u8]) -> bool {
    let (inner, outer) = (inner.as_ptr_range(), outer.as_ptr_range());
    outer.start <= inner.start && inner.end <= outer.end
}

/// A bit set over the prefilter's patterns, on the stack when they are few.
enum Seen {
    Small([u64; 8]),
    Large(Vec<u64>),
}

impl Seen {
    fn new(patterns: usize) -> Seen {
        let words = patterns.div_ceil(64);
        if words <= 8 {
            Seen::Small([0; 8])
        } else {
            Seen::Large(vec![0; words])
        }
    }

    fn as_mut(&mut self) -> &mut [u64] {
        match self {
            Seen::Small(words) => words,
            Seen::Large(words) => words,
        }
    }
}

/// Finds which of many lowercase patterns occur in a lowercased text, as an
/// overlapping Aho-Corasick search would, reading only every
/// [`Prefilter::STRIDE`]th position for most patterns.
///
/// Patterns long enough are indexed by eight of their bytes, the others by
/// four (eight are far more selective: "mail" is everywhere in bounces,
/// "mail del" is not). A pattern indexed by `w` bytes that occurs at `s`
/// holds `w` bytes from each of the positions `s + j .. s + j + STRIDE`, for
/// any `j` up to its length less `STRIDE + w - 1`, and one of those positions
/// is a multiple of `STRIDE`: so each pattern is indexed under its bytes at
/// `STRIDE` consecutive offsets (those whose bytes the patterns share least),
/// and the text is probed only at multiples of `STRIDE`. A probe loads eight
/// bytes, hashes the first four and tests one bit of a set (8 KiB, in the L1
/// cache); only on a hit are the bucket's entries compared, then the
/// pattern's first eight bytes, then the pattern in full. The few patterns
/// too short to be indexed (domain names such as `qq.com`) are found by
/// Teddy, aho-corasick's SIMD searcher.
struct Prefilter {
    patterns: Vec<Box<[u8]>>,
    /// Patterns of `STRIDE + 3` bytes or more: by four bytes those of up to
    /// `STRIDE + 6` bytes, by eight the longer ones.
    grams: GramTable,
    /// The patterns shorter than `STRIDE + 3` bytes, their indices, and a
    /// searcher that finds where one of them may start.
    short: Vec<u32>,
    short_search: Option<ShortSearch>,
}

/// Patterns indexed under their bytes at [`Prefilter::STRIDE`] consecutive
/// offsets, by a hash of the first four of those bytes.
struct GramTable {
    /// Bit `h` set when some indexed bytes hash to `h`.
    bits: Box<[u64; 1024]>,
    /// By the word of `bits` that holds their hash's bit (`h / 64`),
    /// `entries[start[w]..start[w + 1]]`: 4 KiB that stay in the cache, where
    /// one slot per hash (256 KiB) did not.
    start: Box<[u32]>,
    entries: Box<[Entry]>,
}

/// One pattern indexed under its bytes at one of its offsets.
#[derive(Clone, Copy)]
struct Entry {
    /// The bytes (four or eight, little-endian).
    gram: u64,
    /// Which bytes of a probed word `gram` is compared with.
    mask: u64,
    offset: u32,
    pid: u32,
    /// The pattern's first eight bytes, compared before the whole of it.
    head: u64,
}

const HASH_BITS: u32 = 16;

impl GramTable {
    fn hash(gram: u64) -> usize {
        (gram.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - HASH_BITS)) as usize
    }

    /// `entries` holds, for each gram, the entry to file under it.
    fn new(entries: Vec<Entry>) -> GramTable {
        let mut bits = Box::new([0u64; 1024]);
        let mut by_hash: Vec<Vec<Entry>> = vec![Vec::new(); bits.len()];
        for e in entries {
            let h = Self::hash(e.gram & 0xFFFF_FFFF);
            bits[h / 64] |= 1 << (h % 64);
            by_hash[h / 64].push(e);
        }
        let mut start = Vec::with_capacity(bits.len() + 1);
        let mut entries = Vec::new();
        for bucket in &by_hash {
            start.push(entries.len() as u32);
            entries.extend_from_slice(bucket);
        }
        start.push(entries.len() as u32);
        GramTable {
            bits,
            start: start.into_boxed_slice(),
            entries: entries.into_boxed_slice(),
        }
    }

    /// The entries that may be filed under the first four bytes of `word`:
    /// none when its bit is not set (one bit test, what most probes cost),
    /// else those whose hash shares the bit's word.
    #[inline(always)]
    fn bucket(&self, word: u64) -> &[Entry] {
        let h = Self::hash(word & 0xFFFF_FFFF);
        if self.bits[h >> 6] & (1 << (h & 63)) == 0 {
            return &[];
        }
        let w = h >> 6;
        &self.entries[self.start[w] as usize..self.start[w + 1] as usize]
    }
}

/// The first eight bytes of `bytes` (at least eight), little-endian.
#[inline(always)]
fn load(bytes: &[u8]) -> u64 {
    u64::from_le_bytes(bytes[..8].try_into().expect("eight bytes"))
}

/// What finds the short patterns: Teddy (SIMD) when the CPU has it, else an
/// automaton.
enum ShortSearch {
    Packed(aho_corasick::packed::Searcher),
    Automaton(aho_corasick::AhoCorasick),
}

impl Prefilter {
    const STRIDE: usize = 6;

    fn new(patterns: Vec<String>) -> Prefilter {
        let patterns: Vec<Box<[u8]>> = patterns
            .into_iter()
            .map(|p| p.bytes().map(|b| b.to_ascii_lowercase()).collect())
            .collect();
        // How often each gram occurs in the patterns, counted by its hash (a
        // collision only blurs the count). A gram that many fingerprints
        // share ("mail", "mailer-d") is a common word of bounce text, where
        // a probe would hit over and over and compare in vain; so each
        // pattern is indexed at the `STRIDE` consecutive offsets whose grams
        // are the least shared.
        let gram = |bytes: &[u8]| {
            let mut word = [0u8; 8];
            word[..bytes.len()].copy_from_slice(bytes);
            u64::from_le_bytes(word)
        };
        let mut shared = vec![0u8; 1 << HASH_BITS];
        for p in &patterns {
            for g in p.windows(4).chain(p.windows(8)) {
                let n = &mut shared[GramTable::hash(gram(g))];
                *n = n.saturating_add(1);
            }
        }
        let (mut entries, mut short) = (Vec::new(), Vec::new());
        for (i, p) in patterns.iter().enumerate() {
            let pid = i as u32;
            if p.len() < Self::STRIDE + 3 {
                short.push(pid);
                continue;
            }
            let width = if p.len() >= Self::STRIDE + 7 { 8 } else { 4 };
            // Any `STRIDE` consecutive offsets serve, as long as the last
            // gram ends `STRIDE - 1` bytes or more before the pattern does:
            // a probe at a multiple of `STRIDE` then reads one of them whole.
            let last_start = p.len() - (Self::STRIDE + width - 1);
            // A probe first tests the gram's first four bytes, so they count
            // too.
            let counts: Vec<u32> = p
                .windows(width)
                .map(|g| {
                    let count = |g: &[u8]| u32::from(shared[GramTable::hash(gram(g))]);
                    count(&g[..4]) + if width == 8 { count(g) } else { 0 }
                })
                .collect();
            let start = (0..=last_start)
                .min_by_key(|&start| {
                    (
                        counts[start..start + Self::STRIDE].iter().sum::<u32>(),
                        start,
                    )
                })
                .unwrap_or(0);
            let head = load(p);
            for offset in start..start + Self::STRIDE {
                let mut bytes = [0u8; 8];
                bytes[..width].copy_from_slice(&p[offset..offset + width]);
                entries.push(Entry {
                    gram: u64::from_le_bytes(bytes),
                    mask: u64::MAX >> (64 - 8 * width),
                    offset: offset as u32,
                    pid,
                    head,
                });
            }
        }
        let short_patterns = || short.iter().map(|&i| &patterns[i as usize]);
        let short_search = (!short.is_empty()).then(|| {
            match aho_corasick::packed::Searcher::new(short_patterns()) {
                Some(packed) => ShortSearch::Packed(packed),
                None => ShortSearch::Automaton(
                    aho_corasick::AhoCorasick::new(short_patterns())
                        .expect("a few short literal patterns always build"),
                ),
            }
        });
        Prefilter {
            grams: GramTable::new(entries),
            patterns,
            short,
            short_search,
        }
    }

    /// Looks for the pattern of each entry of [`GramTable::bucket`] whose
    /// gram the probed `word` (the eight bytes at `i`, zero past the end)
    /// holds, that is not yet found, and whose first eight bytes are where
    /// the entry puts them. Only the comparison in full is out of line: most
    /// entries are refused before it.
    #[inline(always)]
    fn probe(&self, hay: &[u8], i: usize, word: u64, sink: &mut Sink<'_, impl FnMut(usize)>) {
        for e in self.grams.bucket(word) {
            if word & e.mask != e.gram || !is_new(e.pid, sink.seen) {
                continue;
            }
            let Some(start) = i.checked_sub(e.offset as usize) else {
                continue;
            };
            if hay
                .get(start..start + 8)
                .is_some_and(|head| load(head) == e.head)
            {
                self.compare(e, hay, start, sink);
            }
        }
    }

    /// Reports the pattern of entry `e` when it occurs at `start`. Cold: it
    /// runs for few probes, and the probing loop keeps its registers when
    /// the call is out of its way.
    #[cold]
    #[inline(never)]
    fn compare(&self, e: &Entry, hay: &[u8], start: usize, sink: &mut Sink<'_, impl FnMut(usize)>) {
        if hay[start..].starts_with(&self.patterns[e.pid as usize]) {
            mark(e.pid, sink.seen, &mut sink.found);
        }
    }

    /// Calls `found` with the index of each pattern that occurs in `hay`
    /// (lowercased) and is not yet in the bit set `seen` (which it is then
    /// added to): a pattern met again costs a bit test, not a comparison.
    fn find_new(&self, hay: &[u8], seen: &mut [u64], mut found: impl FnMut(usize)) {
        // Where a short pattern may start (a match of any of them), all of
        // them are compared; then the search goes on from the next byte, so
        // that overlapping occurrences are found too.
        let mut at = 0;
        while at < hay.len() {
            let start = match &self.short_search {
                None => break,
                Some(ShortSearch::Packed(packed)) => {
                    packed.find_in(hay, aho_corasick::Span::from(at..hay.len()))
                }
                Some(ShortSearch::Automaton(automaton)) => {
                    automaton.find(aho_corasick::Input::new(hay).span(at..hay.len()))
                }
            };
            let Some(m) = start else { break };
            for &pid in &self.short {
                if is_new(pid, seen) && hay[m.start()..].starts_with(&self.patterns[pid as usize]) {
                    mark(pid, seen, &mut found);
                }
            }
            at = m.start() + 1;
        }
        let mut sink = Sink { seen, found };
        // A probe for an eight-byte gram needs eight bytes: a pattern indexed
        // by eight bytes that a probe at `i` falls in ends at `i + 8` or
        // later.
        let mut i = 0;
        // Four probes a turn: the loop's own counting and bound cost less.
        while let Some(bytes) = hay.get(i..i + 3 * Self::STRIDE + 8) {
            for k in 0..4 {
                let at = k * Self::STRIDE;
                self.probe(hay, i + at, load(&bytes[at..]), &mut sink);
            }
            i += 4 * Self::STRIDE;
        }
        while let Some(bytes) = hay.get(i..i + 8) {
            let word = load(bytes);
            self.probe(hay, i, word, &mut sink);
            i += Self::STRIDE;
        }
        // The last probes read four bytes, zero above: only a pattern indexed
        // by four bytes fits there (a zero byte may make an eight-byte gram
        // look equal, which the comparisons that follow then refuse).
        while i + 4 <= hay.len() {
            let mut bytes = [0u8; 8];
            bytes[..4].copy_from_slice(&hay[i..i + 4]);
            let four = u64::from_le_bytes(bytes);
            self.probe(hay, i, four, &mut sink);
            i += Self::STRIDE;
        }
    }
}

/// Where the probes report: the bit set of patterns already found and what
/// to call for a new one, in one place so that the out-of-line comparison
/// takes one argument for both.
struct Sink<'s, F> {
    seen: &'s mut [u64],
    found: F,
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
            "Mail Delivery Subsystem",
            "配信できませんでした",
            "x\u{e9}y",
            "abcabc",
            "abcabcab",
            "--",
            "cab",
            "qq.com",
            "mail delivery",
            "delivery subsystem",
            // Nine to twelve bytes: indexed by four bytes.
            "mx.qq.com",
            "dsn-report",
            "mailer-daemo",
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
        // Haystacks made of pieces of the patterns, in either case, and of
        // other bytes, so that whole patterns occur at every offset.
        let pieces: Vec<&[u8]> = patterns
            .iter()
            .map(|p| p.as_bytes())
            .chain(
                [
                    "MAILER-", "daemon", "Mail ", "QQ.", "mx.", "com", "dsn-", " ", "x", "\u{e9}",
                    "配",
                ]
                .map(str::as_bytes),
            )
            .collect();
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for _ in 0..5000 {
            let mut hay = Vec::new();
            for _ in 0..next() % 8 {
                let piece = pieces[next() as usize % pieces.len()];
                let upper = next() % 2 == 0;
                hay.extend(
                    piece
                        .iter()
                        .map(|&b| if upper { b.to_ascii_uppercase() } else { b }),
                );
            }
            let mut got = Vec::new();
            let mut seen = [0u64; 1];
            // Split in two haystacks sharing the seen set, as `candidates` does.
            let (a, b) = hay.split_at(next() as usize % (hay.len() + 1));
            for half in [a, b] {
                crate::text::with_ascii_lowercase(half, |lowered| {
                    pf.find_new(lowered, &mut seen, |p| got.push(p));
                });
            }
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
