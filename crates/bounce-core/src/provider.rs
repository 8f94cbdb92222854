//! The provider extension point: the [`ProviderMatcher`] trait, the
//! [`Provider`] record each provider crate registers with
//! `inventory::submit!`, and the [`Registry`] that orders them, refuses
//! duplicate ids and builds the one prefilter from their
//! fingerprints.

use crate::classify::{Classifier, Phrase};
use crate::fact::{Draft, Report};
use crate::mail::Mail;
use crate::reason::Reason;
use std::cell::OnceCell;
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
        self.host_suffix(host).is_some()
    }

    /// The first of [`Provider::rhosts`] that `host` ends with, as a whole
    /// label or after a dot, if any.
    fn host_suffix(&self, host: &str) -> Option<&'static str> {
        // Bytes, not str slices: a host read from a broken bounce may hold
        // multi-byte characters anywhere.
        let host = host.trim_end_matches('.').as_bytes();
        self.rhosts.iter().copied().find(|suffix| {
            let suffix = suffix.as_bytes();
            host.len() >= suffix.len()
                && host[host.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
                && (host.len() == suffix.len()
                    || suffix.first() == Some(&b'.')
                    || host[host.len() - suffix.len() - 1] == b'.')
        })
    }
}

/// Which remote-host rules may know a host, told by its last two labels
/// (`google.com` of `mx.l.google.com`), hashed: a host that a suffix matches
/// as [`Provider::knows_host`] requires ends with the suffix's last two
/// labels, which are then its own. A set, as bits over the rules' ordinals
/// (in [`Registry::host_rules`]) modulo 64, with hashes that collide sharing
/// a slot: it may hold rules that do not know the host, never leaves out one
/// that does.
struct HostIndex {
    by_hash: Box<[u64; HostIndex::SLOTS]>,
    /// Rules with a suffix of fewer than two labels, which any host may end
    /// with.
    always: u64,
}

impl HostIndex {
    const SLOTS: usize = 1024;

    fn new(rules: &[&[&str]]) -> HostIndex {
        let mut index = HostIndex {
            by_hash: Box::new([0; Self::SLOTS]),
            always: 0,
        };
        for (ordinal, suffixes) in rules.iter().enumerate() {
            let bit = 1 << (ordinal % 64);
            for suffix in suffixes.iter() {
                match Self::slot(suffix.as_bytes()) {
                    Some(slot) => index.by_hash[slot] |= bit,
                    None => index.always |= bit,
                }
            }
        }
        index
    }

    /// The slot of the last two labels of `name`: the text after its second
    /// dot from the end, or all of it when it has one dot, not first
    /// (ASCII case-insensitively). `None` when it has fewer than two labels.
    fn slot(name: &[u8]) -> Option<usize> {
        // Read from the end, up to the second dot.
        let mut hash = 0xcbf2_9ce4_8422_2325_u64;
        let mut dots = 0;
        for &b in name.iter().rev() {
            if b == b'.' {
                dots += 1;
                if dots == 2 {
                    break;
                }
            }
            hash = (hash ^ u64::from(b.to_ascii_lowercase())).wrapping_mul(0x0100_0000_01b3);
        }
        let two_labels = dots == 2 || (dots == 1 && name.first() != Some(&b'.'));
        two_labels.then_some((hash >> 54) as usize)
    }

    /// The rules (bits of ordinals modulo 64) that may know `host`.
    fn may_know(&self, host: &str) -> u64 {
        let host = host.trim_end_matches('.').as_bytes();
        let found = Self::slot(host).map_or(0, |slot| self.by_hash[slot]);
        found | self.always
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

/// Every registered provider, in decoding order, with the prefilters built
/// from their fingerprints and the classifier built from their phrases.
pub struct Registry {
    providers: Vec<&'static Provider>,
    /// Every pattern that can make a decoder a candidate: each fingerprint
    /// and host of a provider that decodes, and those of the remote-host
    /// rules that a decoder shares.
    decoding: Patterns,
    /// The patterns only remote-host rules have (host names, for the most
    /// part): they matter only when a fact's host is one such a rule knows,
    /// so they are searched only then (see [`Candidates::host_rules`]).
    remote: Option<Patterns>,
    /// Whether provider `i` owns a pattern of `remote`.
    lazy: Box<[bool]>,
    /// The providers with remote-host rules (non-empty [`Provider::rhosts`]),
    /// in registry order.
    host_rules: Box<[u16]>,
    /// Which of `host_rules` may know a host.
    host_index: HostIndex,
    /// How many providers decode: those of every [`Kind`] but
    /// [`Kind::RemoteHost`], which sorts last.
    decoders: usize,
    /// Whether a pattern holds U+FFFD, the character that stands for bytes
    /// that are not UTF-8 in text made valid.
    replacement_in_patterns: bool,
    classifier: Classifier,
}

/// Lowercase patterns searched for at once, and who owns each.
struct Patterns {
    prefilter: Prefilter,
    /// For each pattern, the providers (indices) that own it.
    owners: Vec<Vec<u16>>,
}

impl Patterns {
    /// Adds to `found` the owners of every pattern that occurs in one of
    /// `haystacks` (ASCII case-insensitively).
    fn search(&self, haystacks: &[&[u8]], found: &mut Bits) {
        // Patterns already seen, as a bit set (cheap to clear per message).
        let mut seen = Bits::new(self.owners.len());
        for (k, hay) in haystacks.iter().enumerate() {
            if skipped(haystacks, k) {
                continue;
            }
            self.prefilter.find_new(hay, seen.words_mut(), |pid| {
                for &o in &self.owners[pid] {
                    found.insert(usize::from(o));
                }
            });
        }
    }
}

/// Whether haystack `k` need not be searched: it is empty, or it lies inside
/// one searched before (the subject and the From text are most often slices
/// of the raw header block), which holds every occurrence it could have.
fn skipped(haystacks: &[&[u8]], k: usize) -> bool {
    let hay = haystacks[k];
    hay.is_empty() || haystacks[..k].iter().any(|earlier| lies_in(hay, earlier))
}

/// How many haystacks [`Candidates`] keeps for the remote-host search; with
/// more, that search is done at once.
const KEPT: usize = 8;

/// The set of providers a message may belong to: those any of whose
/// fingerprints or hosts occur in the text searched, in the registry's order.
///
/// Whether a remote-host rule is one is known only once the patterns that
/// only such rules have are searched for too: that is done when first needed
/// (by [`Candidates::iter`], [`Candidates::contains`] or
/// [`Candidates::host_rules`]), over the same text, which is kept for it.
#[derive(Clone)]
pub struct Candidates<'h> {
    registry: &'h Registry,
    /// The owners of the decoding patterns found.
    found: Bits,
    /// The haystacks searched (`haystacks[..kept]`).
    haystacks: [&'h [u8]; KEPT],
    kept: usize,
    /// The owners of the remote-host patterns found, once searched.
    remote: OnceCell<Bits>,
}

impl Candidates<'_> {
    /// Whether provider number `i` (registry order) is a candidate.
    pub fn contains(&self, i: usize) -> bool {
        self.found.contains(i)
            || (self.registry.lazy.get(i) == Some(&true) && self.remote().contains(i))
    }

    /// Candidate indices in registry order.
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        let remote = self.remote();
        (0..self.found.words().len()).flat_map(move |w| {
            let word = self.found.words()[w] | remote.words().get(w).copied().unwrap_or(0);
            ones(word).map(move |b| w * 64 + b)
        })
    }

    /// The candidates that decode (of every [`Kind`] but
    /// [`Kind::RemoteHost`]), in registry order: known without the
    /// remote-host search.
    pub fn decoders(&self) -> impl Iterator<Item = usize> + '_ {
        let end = self.registry.decoders;
        self.found
            .words()
            .iter()
            .enumerate()
            .take(end.div_ceil(64))
            .flat_map(move |(w, &word)| ones(word).map(move |b| w * 64 + b))
            .take_while(move |&i| i < end)
    }

    /// Whether no provider is a candidate.
    pub fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }

    /// The candidates with a remote-host rule that knows `host` or `domain`
    /// ([`Provider::knows_host`]), in registry order. The remote-host search
    /// is done only for a rule that knows one of them and is not a candidate
    /// by a pattern a decoder shares.
    pub fn host_rules<'s>(
        &'s self,
        host: &'s str,
        domain: &'s str,
    ) -> impl Iterator<Item = &'static Provider> + 's {
        let registry = self.registry;
        let index = &registry.host_index;
        let may_know = index.may_know(host)
            | if domain == host {
                0
            } else {
                index.may_know(domain)
            };
        registry
            .host_rules
            .iter()
            .enumerate()
            .filter(move |&(ordinal, _)| may_know & (1 << (ordinal % 64)) != 0)
            .filter_map(move |(_, &i)| {
                let i = usize::from(i);
                let p = registry.providers[i];
                let listed = self.found.contains(i);
                if !listed && !registry.lazy[i] {
                    return None;
                }
                let suffix = p.host_suffix(host).or_else(|| p.host_suffix(domain))?;
                (listed || self.remote_has(i, suffix)).then_some(p)
            })
    }

    /// Whether remote-host rule `i`, one of whose hosts is `suffix`, is a
    /// candidate by the remote-host patterns. The host of a fact is most
    /// often written in the message as it is: then finding `suffix` there
    /// (one of the rule's patterns) answers, without the search for every
    /// such pattern in any case.
    fn remote_has(&self, i: usize, suffix: &str) -> bool {
        if let Some(remote) = self.remote.get() {
            return remote.contains(i);
        }
        let finder = memchr::memmem::Finder::new(suffix);
        self.haystacks[..self.kept]
            .iter()
            .any(|hay| finder.find(hay).is_some())
            || self.remote().contains(i)
    }

    /// Adds the providers any of whose fingerprints or hosts occur in `hay`,
    /// searched for now: for text that does not live as long as the others.
    pub(crate) fn search_now(&mut self, hay: &[u8]) {
        let registry = self.registry;
        registry.decoding.search(&[hay], &mut self.found);
        if let Some(remote) = &registry.remote {
            remote.search(&[hay], &mut self.found);
        }
    }

    /// The owners of the remote-host patterns found, searched for on first
    /// use.
    fn remote(&self) -> &Bits {
        self.remote
            .get_or_init(|| self.registry.remote_search(&self.haystacks[..self.kept]))
    }
}

impl fmt::Debug for Candidates<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

/// The positions of the bits set in `word`, lowest first.
fn ones(mut word: u64) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        (word != 0).then(|| {
            let b = word.trailing_zeros() as usize;
            word &= word - 1;
            b
        })
    })
}

/// A bit set, on the stack when it is small.
#[derive(Clone, Debug)]
enum Bits {
    Small([u64; 8]),
    Large(Vec<u64>),
}

impl Bits {
    /// An empty set for the numbers below `len`.
    fn new(len: usize) -> Bits {
        let words = len.div_ceil(64);
        if words <= 8 {
            Bits::Small([0; 8])
        } else {
            Bits::Large(vec![0; words])
        }
    }

    fn words(&self) -> &[u64] {
        match self {
            Bits::Small(words) => words,
            Bits::Large(words) => words,
        }
    }

    fn words_mut(&mut self) -> &mut [u64] {
        match self {
            Bits::Small(words) => words,
            Bits::Large(words) => words,
        }
    }

    /// Adds `i` (below the length the set was made for).
    fn insert(&mut self, i: usize) {
        self.words_mut()[i / 64] |= 1 << (i % 64);
    }

    fn contains(&self, i: usize) -> bool {
        self.words()
            .get(i / 64)
            .is_some_and(|w| w & (1 << (i % 64)) != 0)
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
        let replacement_in_patterns = patterns.iter().any(|p| p.contains('\u{fffd}'));
        // A pattern only remote-host rules own is searched for when a host
        // asks for it; any other is searched for in every message.
        let only_remote = |owners: &[u16]| {
            owners
                .iter()
                .all(|&o| providers[usize::from(o)].kind == Kind::RemoteHost)
        };
        let (mut decoding, mut remote) = ((Vec::new(), Vec::new()), (Vec::new(), Vec::new()));
        let mut lazy = vec![false; providers.len()];
        for (pattern, owners) in patterns.into_iter().zip(owners) {
            let side = if only_remote(&owners) {
                for &o in &owners {
                    lazy[usize::from(o)] = true;
                }
                &mut remote
            } else {
                &mut decoding
            };
            side.0.push(pattern);
            side.1.push(owners);
        }
        let patterns = |(patterns, owners): (Vec<String>, Vec<Vec<u16>>)| Patterns {
            prefilter: Prefilter::new(patterns),
            owners,
        };
        let remote = (!remote.0.is_empty()).then(|| patterns(remote));
        let host_rules: Box<[u16]> = (0..providers.len() as u16)
            .filter(|&i| !providers[usize::from(i)].rhosts.is_empty())
            .collect();
        let host_index = HostIndex::new(
            &host_rules
                .iter()
                .map(|&i| providers[usize::from(i)].rhosts)
                .collect::<Vec<_>>(),
        );
        let decoders = providers
            .iter()
            .take_while(|p| p.kind != Kind::RemoteHost)
            .count();
        let classifier = Classifier::new(providers.iter().flat_map(|p| {
            p.phrases.iter().map(move |&(reason, text)| Phrase {
                reason,
                text,
                source: p.id,
            })
        }));
        Ok(Registry {
            providers,
            decoding: patterns(decoding),
            remote,
            lazy: lazy.into_boxed_slice(),
            host_rules,
            host_index,
            decoders,
            replacement_in_patterns,
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

    /// Whether some fingerprint or host holds U+FFFD: only then can text made
    /// valid UTF-8 hold a pattern that the bytes it was made from do not.
    pub(crate) fn replacement_in_patterns(&self) -> bool {
        self.replacement_in_patterns
    }

    /// The providers any of whose fingerprints or hosts occur in one of the
    /// haystacks: one pass of the prefilter over each, now, for the patterns
    /// that can make a decoder a candidate; the others when first needed.
    pub fn candidates<'h>(&'h self, haystacks: &[&'h [u8]]) -> Candidates<'h> {
        let mut c = Candidates {
            registry: self,
            found: Bits::new(self.providers.len()),
            haystacks: [&[]; KEPT],
            kept: 0,
            remote: OnceCell::new(),
        };
        self.decoding.search(haystacks, &mut c.found);
        for (k, &hay) in haystacks.iter().enumerate() {
            if skipped(haystacks, k) {
                continue;
            }
            if c.kept == KEPT {
                // Too many to keep: the remote-host search is done now.
                c.remote = OnceCell::from(self.remote_search(haystacks));
                break;
            }
            c.haystacks[c.kept] = hay;
            c.kept += 1;
        }
        c
    }
}

impl Registry {
    /// The owners of the patterns only remote-host rules have that occur in
    /// one of `haystacks`.
    fn remote_search(&self, haystacks: &[&[u8]]) -> Bits {
        let mut found = Bits::new(self.providers.len());
        if let Some(remote) = &self.remote {
            remote.search(haystacks, &mut found);
        }
        found
    }
}

/// Whether the bytes of `inner` are some of the bytes of `outer` (the same
/// memory, not equal contents).
fn lies_in(inner: &[u8], outer: &[u8]) -> bool {
    let (inner, outer) = (inner.as_ptr_range(), outer.as_ptr_range());
    outer.start <= inner.start && inner.end <= outer.end
}

/// Finds which of many lowercase patterns occur in a text, ASCII
/// case-insensitively, as an overlapping Aho-Corasick search would, reading
/// only every [`Prefilter::STRIDE`]th position for most patterns. The text is
/// read as it is, not copied lowercased first: the probes compare bytes
/// folded by [`fold`], which maps a byte and its lowercase alike, and only
/// the comparison in full tells the cases apart.
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
/// too short to be indexed (domain names such as `aol.com`) are found by
/// Teddy, aho-corasick's SIMD searcher, which looks for their first bytes
/// written in every case.
struct Prefilter {
    patterns: Vec<Box<[u8]>>,
    /// For each pattern, `0x20` at its ASCII letters and 0 elsewhere: the
    /// one bit in which text that holds the pattern may differ from it.
    letters: Vec<Box<[u8]>>,
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
    /// Bit `h` set when the first four indexed bytes of some entry hash to
    /// `h`.
    bits: Box<[u64; 1024]>,
    /// Bit `h` set when all the indexed bytes (four or eight) of some entry
    /// hash to `h`: an entry whose gram a probed word holds has the bit of
    /// the word's first four bytes set, or that of all eight.
    whole: Box<[u64; 1024]>,
    /// By the word of `bits` that holds their hash's bit (`h / 64`), where
    /// in `entries` they are: 8 KiB that stay in the cache, where one slot
    /// per hash (256 KiB) did not.
    spans: Box<[(u32, u32); 1024]>,
    entries: Box<[Entry]>,
}

/// One pattern indexed under its bytes at one of its offsets.
#[derive(Clone, Copy)]
struct Entry {
    /// The bytes (four or eight, little-endian), folded by [`fold`].
    gram: u64,
    /// Which bytes of a probed word `gram` is compared with.
    mask: u64,
    offset: u32,
    pid: u32,
    /// The pattern's first eight bytes, folded, compared before the whole of
    /// it.
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
        let mut whole = Box::new([0u64; 1024]);
        let mut by_hash: Vec<Vec<Entry>> = vec![Vec::new(); bits.len()];
        for e in entries {
            let h = Self::hash(e.gram & 0xFFFF_FFFF);
            bits[h / 64] |= 1 << (h % 64);
            let w = Self::hash(e.gram);
            whole[w / 64] |= 1 << (w % 64);
            by_hash[h / 64].push(e);
        }
        let mut spans = Box::new([(0, 0); 1024]);
        let mut entries = Vec::new();
        for (span, bucket) in spans.iter_mut().zip(&by_hash) {
            let start = entries.len() as u32;
            entries.extend_from_slice(bucket);
            *span = (start, entries.len() as u32);
        }
        GramTable {
            bits,
            whole,
            spans,
            entries: entries.into_boxed_slice(),
        }
    }

    /// The bucket where entries filed under the first four bytes of `word`
    /// are, if some may be: one bit test, all that most probes cost; then,
    /// for the few that pass it, a test of the whole gram, which refuses
    /// most of those (the first four bytes of an eight-byte gram are often
    /// a common word).
    #[inline(always)]
    fn bucket_of(&self, word: u64) -> Option<usize> {
        let h = Self::hash(word & 0xFFFF_FFFF);
        if self.bits[h >> 6] & (1 << (h & 63)) == 0 {
            return None;
        }
        let w = Self::hash(word);
        let whole = |h: usize| self.whole[h >> 6] & (1 << (h & 63)) != 0;
        (whole(h) || whole(w)).then_some(h >> 6)
    }

    /// The entries of bucket `w`: those whose hash has its bit in word `w`
    /// of `bits`.
    fn bucket(&self, w: usize) -> &[Entry] {
        let (start, end) = self.spans[w];
        &self.entries[start as usize..end as usize]
    }
}

/// The first eight bytes of `bytes` (at least eight), little-endian.
#[inline(always)]
fn load(bytes: &[u8]) -> u64 {
    u64::from_le_bytes(bytes[..8].try_into().expect("eight bytes"))
}

/// The eight bytes of `word` with bit 5 (0x20) set in each: one operation
/// that maps an ASCII capital and its lowercase letter to the same byte (as
/// it does a few other pairs, such as `@` and `` ` ``, which the comparison
/// in full then tells apart). So a byte of text and the same byte
/// lowercased fold alike, and the probes read the text as it is.
#[inline(always)]
fn fold(word: u64) -> u64 {
    word | 0x2020_2020_2020_2020
}

/// What finds where a short pattern may start: Teddy (SIMD) looking for the
/// patterns' first bytes in every case when the CPU has it and they are few
/// enough, else an ASCII case-insensitive automaton.
enum ShortSearch {
    Packed(aho_corasick::packed::Searcher),
    Automaton(aho_corasick::AhoCorasick),
}

impl ShortSearch {
    /// At most this many spellings of the patterns' first bytes go to Teddy
    /// (past 32 it needs its slower, wider form).
    const SPELLINGS: usize = 32;

    /// A searcher for `patterns` (lowercase, not empty) that finds, in text
    /// in any case, the leftmost place where one may start: every place
    /// where one does is found by searching on from the byte after the last.
    fn new<'p>(patterns: impl Iterator<Item = &'p [u8]> + Clone) -> ShortSearch {
        // The first bytes of each, as many as the shortest has but three at
        // most (Teddy compares up to four, but each more byte doubles the
        // spellings of a word and costs a step more per block of text),
        // written in every combination of cases: eight spellings at most.
        let width = patterns.clone().map(<[u8]>::len).min().unwrap_or(0).min(3);
        let mut spellings: Vec<Vec<u8>> = Vec::new();
        for p in patterns.clone() {
            let mut forms = vec![p[..width].to_vec()];
            for k in 0..width {
                if p[k].is_ascii_lowercase() {
                    let upper: Vec<Vec<u8>> = forms
                        .iter()
                        .map(|f| {
                            let mut f = f.clone();
                            f[k] = f[k].to_ascii_uppercase();
                            f
                        })
                        .collect();
                    forms.extend(upper);
                }
            }
            spellings.extend(forms);
        }
        spellings.sort_unstable();
        spellings.dedup();
        let packed = (width > 0 && spellings.len() <= Self::SPELLINGS)
            .then(|| aho_corasick::packed::Searcher::new(&spellings))
            .flatten();
        match packed {
            Some(packed) => ShortSearch::Packed(packed),
            // Leftmost: a match that ends first may start after another.
            // An automaton that is cheap to build: the remote-host
            // patterns, searched in few messages, come here.
            None => ShortSearch::Automaton(
                aho_corasick::AhoCorasick::builder()
                    .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
                    .ascii_case_insensitive(true)
                    .match_kind(aho_corasick::MatchKind::LeftmostFirst)
                    .build(patterns)
                    .expect("a few short literal patterns always build"),
            ),
        }
    }
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
            let head = fold(load(p));
            let mask = u64::MAX >> (64 - 8 * width);
            for offset in start..start + Self::STRIDE {
                let mut bytes = [0u8; 8];
                bytes[..width].copy_from_slice(&p[offset..offset + width]);
                entries.push(Entry {
                    gram: fold(u64::from_le_bytes(bytes)) & mask,
                    mask,
                    offset: offset as u32,
                    pid,
                    head,
                });
            }
        }
        let short_search = (!short.is_empty())
            .then(|| ShortSearch::new(short.iter().map(|&i| &*patterns[i as usize])));
        let letters = patterns
            .iter()
            .map(|p| {
                p.iter()
                    .map(|&b| if b.is_ascii_lowercase() { 0x20 } else { 0 })
                    .collect()
            })
            .collect();
        Prefilter {
            grams: GramTable::new(entries),
            patterns,
            letters,
            short,
            short_search,
        }
    }

    /// Probes the text at `i`, whose eight bytes folded (zero past the end)
    /// are `word`: inline, the one bit test that refuses most probes; the rest
    /// out of line, so that the probing loop keeps its registers.
    #[inline(always)]
    fn probe(&self, hay: &[u8], i: usize, word: u64, sink: &mut Sink<'_, impl FnMut(usize)>) {
        if let Some(bucket) = self.grams.bucket_of(word) {
            self.probe_bucket(hay, i, word, bucket, sink);
        }
    }

    /// Looks for the pattern of each entry of `bucket` whose gram the probed
    /// `word` holds, that is not yet found, and whose first eight bytes are
    /// where the entry puts them; most entries are refused before the
    /// comparison in full.
    #[inline(never)]
    fn probe_bucket(
        &self,
        hay: &[u8],
        i: usize,
        word: u64,
        bucket: usize,
        sink: &mut Sink<'_, impl FnMut(usize)>,
    ) {
        for e in self.grams.bucket(bucket) {
            if word & e.mask != e.gram || !is_new(e.pid, sink.seen) {
                continue;
            }
            let Some(start) = i.checked_sub(e.offset as usize) else {
                continue;
            };
            if hay
                .get(start..start + 8)
                .is_some_and(|head| fold(load(head)) == e.head)
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
        if self.occurs_at(hay, start, e.pid) {
            mark(e.pid, sink.seen, &mut sink.found);
        }
    }

    /// Whether pattern `pid` occurs in `hay` at `start`, ASCII
    /// case-insensitively: the text differs from the (lowercase) pattern at
    /// most in bit 5 of its letters. The differences of all the bytes are
    /// gathered without a branch, which the compiler turns into SIMD as it
    /// would a `memcmp`: the comparisons that get here mostly succeed, so
    /// stopping early would save little. Out of line: it runs for few
    /// probes, and the loops that call it keep their registers.
    #[inline(never)]
    fn occurs_at(&self, hay: &[u8], start: usize, pid: u32) -> bool {
        let (pattern, letters) = (&self.patterns[pid as usize], &self.letters[pid as usize]);
        let Some(text) = hay.get(start..start + pattern.len()) else {
            return false;
        };
        text.iter()
            .zip(pattern.iter())
            .zip(letters.iter())
            .fold(0, |differ, ((&t, &p), &l)| differ | ((t ^ p) & !l))
            == 0
    }

    /// Calls `found` with the index of each pattern that occurs in `hay`
    /// (ASCII case-insensitively) and is not yet in the bit set `seen`
    /// (which it is then added to): a pattern met again costs a bit test,
    /// not a comparison.
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
                if is_new(pid, seen) && self.occurs_at(hay, m.start(), pid) {
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
                self.probe(hay, i + at, fold(load(&bytes[at..])), &mut sink);
            }
            i += 4 * Self::STRIDE;
        }
        while let Some(bytes) = hay.get(i..i + 8) {
            self.probe(hay, i, fold(load(bytes)), &mut sink);
            i += Self::STRIDE;
        }
        // The last probes read four bytes, zero above: only a pattern indexed
        // by four bytes fits there (an eight-byte gram, folded, has no zero
        // byte).
        while i + 4 <= hay.len() {
            let mut bytes = [0u8; 8];
            bytes[..4].copy_from_slice(&hay[i..i + 4]);
            let four = fold(u64::from_le_bytes(bytes)) & 0xFFFF_FFFF;
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
        finds_what_aho_corasick_finds(&[
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
        ]);
        // Short patterns whose first bytes Teddy looks for in every case.
        finds_what_aho_corasick_finds(&["aol.com", "aim.com", "<mxl~", "mailer-daemon", "x@y"]);
        // Too many spellings for Teddy: the automaton.
        finds_what_aho_corasick_finds(&["qq.com", "aol.com", "abcd", "mail", "efgh", "mx.qq.com"]);
        let short = |patterns: &[&str]| {
            Prefilter::new(patterns.iter().map(|p| p.to_string()).collect()).short_search
        };
        if aho_corasick::packed::Searcher::new(["abcd"]).is_some() {
            assert!(matches!(
                short(&["aol.com", "aim.com", "<mxl~"]),
                Some(ShortSearch::Packed(_))
            ));
        }
        assert!(matches!(
            short(&["qq.com", "aol.com", "abcd", "mail", "efgh"]),
            Some(ShortSearch::Automaton(_))
        ));
    }

    /// Searches random text made of pieces of `patterns`, in any case, and
    /// compares with an overlapping Aho-Corasick search.
    fn finds_what_aho_corasick_finds(patterns: &[&str]) {
        use aho_corasick::{AhoCorasick, MatchKind};
        let patterns: Vec<String> = patterns.iter().map(|p| p.to_string()).collect();
        let pf = Prefilter::new(patterns.clone());
        let ac = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(&patterns)
            .unwrap();
        // Haystacks made of pieces of the patterns, in any case, and of
        // other bytes, so that whole patterns occur at every offset.
        let pieces: Vec<&[u8]> = patterns
            .iter()
            .map(|p| p.as_bytes())
            .chain(
                [
                    "MAILER-", "daemon", "Mail ", "QQ.", "mx.", "com", "dsn-", " ", "x", "\u{e9}",
                    "配", "@", "`", "\r", "\n", "<", "~", "\u{81}",
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
                // As it is, in capitals, or each byte in either case.
                let case = next();
                hay.extend(piece.iter().enumerate().map(|(k, &b)| {
                    let upper = match case % 3 {
                        0 => false,
                        1 => true,
                        _ => case >> (8 + k % 48) & 1 == 1,
                    };
                    if upper {
                        b.to_ascii_uppercase()
                    } else {
                        b
                    }
                }));
            }
            let mut got = Vec::new();
            let mut seen = [0u64; 1];
            // Split in two haystacks sharing the seen set, as `candidates` does.
            let (a, b) = hay.split_at(next() as usize % (hay.len() + 1));
            for half in [a, b] {
                pf.find_new(half, &mut seen, |p| got.push(p));
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

    static GAMMA: Provider = Provider {
        id: "gamma",
        kind: Kind::RemoteHost,
        doc: "Gamma mail",
        fingerprints: &["gamma-smtp"],
        rhosts: &["gamma.example", "mx.Gamma.Test", "beta.example"],
        phrases: &[],
        matcher: &Nothing,
    };
    static DELTA: Provider = Provider {
        id: "delta",
        kind: Kind::RemoteHost,
        doc: "Delta mail",
        fingerprints: &[],
        rhosts: &[".delta.example", "delta"],
        phrases: &[],
        matcher: &Nothing,
    };

    /// What the candidates of `haystacks` must be: the providers any of
    /// whose patterns occur in one, ASCII case-insensitively.
    fn complete(r: &Registry, haystacks: &[&[u8]]) -> Vec<usize> {
        let lowered: Vec<String> = haystacks
            .iter()
            .map(|h| String::from_utf8_lossy(h).to_ascii_lowercase())
            .collect();
        (0..r.providers().len())
            .filter(|&i| {
                let p = r.providers()[i];
                p.fingerprints.iter().chain(p.rhosts).any(|pattern| {
                    let pattern = pattern.to_ascii_lowercase();
                    lowered.iter().any(|h| h.contains(&pattern))
                })
            })
            .collect()
    }

    /// The remote-host patterns are searched for only when a rule is asked
    /// about, and the set is the same as one search for everything.
    #[test]
    fn remote_host_patterns_are_searched_when_asked() {
        let r = Registry::new([&A, &B, &GAMMA, &DELTA]).unwrap();
        let ids = |c: &Candidates<'_>| c.iter().map(|i| r.providers()[i].id).collect::<Vec<_>>();
        let rules = |c: &Candidates<'_>, host, domain| {
            c.host_rules(host, domain).map(|p| p.id).collect::<Vec<_>>()
        };
        // In registry order: beta, alpha, delta, gamma. beta.example is
        // shared with a decoder, so searched with the decoding patterns.
        let c = r.candidates(&[b"Received: from mx.gamma.test", b"at BETA.example"]);
        assert_eq!(c.decoders().collect::<Vec<_>>(), [0]);
        assert_eq!(rules(&c, "beta.example", "x.example"), ["beta", "gamma"]);
        assert!(c.remote.get().is_none());
        assert_eq!(ids(&c), ["beta", "gamma"]);
        assert!(c.remote.get().is_some());
        // Gamma knows the host, whose suffix is written in another case: the
        // search for every remote-host pattern answers.
        let c = r.candidates(&[b"Received: from mx.gamma.test"]);
        assert_eq!(rules(&c, "smtp.mx.gamma.test", "x.example"), ["gamma"]);
        assert!(c.remote.get().is_some());
        // Written as it is: found without that search.
        let c = r.candidates(&[b"nothing", b"<a@gamma.example>"]);
        assert_eq!(rules(&c, "", "gamma.example"), ["gamma"]);
        assert!(c.remote.get().is_none());
        assert!(c.contains(3) && !c.contains(2));
        // A rule that knows the host but none of whose patterns occur.
        let c = r.candidates(&[b"gamma-smtp said"]);
        assert!(rules(&c, "mx.delta.example", "delta").is_empty());
        assert_eq!(rules(&c, "gamma.example", ""), ["gamma"]);
        assert_eq!(ids(&c), ["gamma"]);
        // More haystacks than are kept (copies, so that none lies in
        // another): searched at once.
        let owned: Vec<Vec<u8>> = (0..KEPT + 2)
            .map(|k| {
                if k == KEPT + 1 {
                    b"Delta".to_vec()
                } else {
                    b"x".to_vec()
                }
            })
            .collect();
        let refs: Vec<&[u8]> = owned.iter().map(Vec::as_slice).collect();
        let c = r.candidates(&refs);
        assert!(c.remote.get().is_some());
        assert_eq!(ids(&c), ["delta"]);
        assert_eq!(rules(&c, "delta", "delta"), ["delta"]);
    }

    /// The From text is not searched on its own: what it holds is in the
    /// header block, even when it is not valid UTF-8.
    #[test]
    fn a_from_header_that_is_not_utf8_is_searched_in_the_header_block() {
        let r = Registry::new([&A, &B, &GAMMA, &DELTA]).unwrap();
        assert!(!r.replacement_in_patterns());
        let message = b"From: \xff Alpha-Queue \xfe <a@gamma.example>\nSubject: x\n\nbody\n";
        let mail = Mail::parse(message).unwrap();
        assert!(matches!(mail.from_text(), std::borrow::Cow::Owned(_)));
        let decoder = crate::Decoder::new(&r);
        let c = decoder.candidates(&mail);
        assert_eq!(c.iter().collect::<Vec<_>>(), [1, 3]);
    }

    /// Random haystacks and hosts: the candidates and the rules that answer
    /// are those of one complete search, whichever order they are asked in.
    #[test]
    fn candidates_match_a_complete_search() {
        let r = Registry::new([&A, &B, &GAMMA, &DELTA]).unwrap();
        let pieces: &[&str] = &[
            "alpha-queue",
            "shared ",
            "words",
            "beta.example",
            "gamma",
            ".example",
            "-smtp",
            "mx.",
            "GAMMA.test",
            "delta",
            ".Delta.",
            " ",
            "x",
            "\u{fffd}",
        ];
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for _ in 0..3000 {
            let mut text = |n: u64| {
                let mut s = String::new();
                for _ in 0..n {
                    s.push_str(pieces[next() as usize % pieces.len()]);
                }
                s
            };
            let (one, two) = (text(4), text(3));
            let (host, domain) = (text(2), text(1));
            let haystacks: [&[u8]; 2] = [one.as_bytes(), two.as_bytes()];
            let want = complete(&r, &haystacks);
            let c = r.candidates(&haystacks);
            let rules: Vec<&str> = c.host_rules(&host, &domain).map(|p| p.id).collect();
            let want_rules: Vec<&str> = want
                .iter()
                .map(|&i| r.providers()[i])
                .filter(|p| !p.rhosts.is_empty() && (p.knows_host(&host) || p.knows_host(&domain)))
                .map(|p| p.id)
                .collect();
            assert_eq!(rules, want_rules, "{one:?} {two:?} {host:?} {domain:?}");
            assert_eq!(c.iter().collect::<Vec<_>>(), want, "{one:?} {two:?}");
            for i in 0..r.providers().len() {
                assert_eq!(c.contains(i), want.contains(&i));
            }
            let decoders: Vec<usize> = want
                .iter()
                .copied()
                .filter(|&i| r.providers()[i].kind != Kind::RemoteHost)
                .collect();
            assert_eq!(c.decoders().collect::<Vec<_>>(), decoders);
        }
    }

    /// The host index leaves out no rule that knows a host.
    #[test]
    fn host_index_misses_no_rule() {
        let rules: &[&[&str]] = &[
            &["google.com", "gmail.com"],
            &[".ne.jp", "docomo.ne.jp"],
            &["Yahoo.CO.jp"],
            &["localhost", ".com"],
            &["a..b", "x.", ""],
        ];
        let index = HostIndex::new(rules);
        let providers: Vec<Provider> = rules
            .iter()
            .map(|&rhosts| Provider {
                id: "x",
                kind: Kind::RemoteHost,
                doc: "",
                fingerprints: &[],
                rhosts,
                phrases: &[],
                matcher: &Nothing,
            })
            .collect();
        let pieces = [
            "google",
            "gmail",
            ".",
            "com",
            "COM",
            "ne",
            "jp",
            "docomo",
            "yahoo",
            "co",
            "mx",
            "localhost",
            "a",
            "b",
            "x",
            "\u{e9}",
        ];
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let mut host = String::new();
            for k in 0..x % 6 {
                host.push_str(pieces[(x >> (8 * k + 8)) as usize % pieces.len()]);
            }
            let may = index.may_know(&host);
            for (ordinal, p) in providers.iter().enumerate() {
                if p.knows_host(&host) {
                    assert!(may & (1 << (ordinal % 64)) != 0, "{host:?} {:?}", p.rhosts);
                }
            }
        }
    }
}
