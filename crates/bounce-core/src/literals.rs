//! Many literal strings looked for at once in short texts: every occurrence
//! of every one, in one pass ([`Literals`]).
//!
//! The phrase table of the classifier, the providers' wordings and the SMTP
//! command phrases are searched this way. They used to be Aho-Corasick
//! automata; but the texts searched are diagnostics of a few hundred bytes,
//! and building an automaton of the phrase table's thousand patterns cost
//! more (about 15 M instructions at start-up) than all the searches of a
//! run of thousands of messages. This set is built by one sort, and its
//! search costs one bit test per position of the text, and one probe of a
//! hash table per four bytes that the text shares with a pattern: patterns
//! are filed in a trie whose edges are four bytes long (shorter ones under
//! their first byte), so that patterns with a common start ("message ...",
//! forty of them) are followed together, as an automaton would.

/// A set of literal byte strings, matched case-sensitively: callers that
/// ignore ASCII case give lowercase patterns and lowercase the text.
pub(crate) struct Literals {
    /// The length of each pattern, by id.
    lens: Vec<u32>,
    /// The patterns of four bytes or more, as a trie whose edges are four
    /// bytes: node 0 is the root, and a node `d` edges down holds the
    /// patterns that share its first `4 * d` bytes.
    nodes: Vec<Node>,
    /// The edges, a hash table open-addressed by (node, next four bytes):
    /// the keys ([`EMPTY`] in an empty slot), and apart the child of each
    /// (read only on a hit), marked with [`HAS_PATTERNS`] when some pattern
    /// ends at it or one to three bytes after it. Sized for the edges there
    /// are, at most half full: most of a search's time went to misses of the
    /// cache on this table when it was four times larger, with the children
    /// inline.
    edge_keys: Vec<u64>,
    edge_children: Vec<u32>,
    /// log2 of `edge_keys.len()`.
    edge_bits: u32,
    /// One bit per hash of an edge's key ([`edge_bit`]): a step down the
    /// trie that no pattern takes is mostly answered here, in a table that
    /// stays in the cache, without a probe of the edges.
    edge_filter: Box<[u64; 1 << (FILTER_BITS - 6)]>,
    /// The patterns of the nodes: those that end where a node is reached
    /// (`Node::done`), and those that end one to three bytes further
    /// (`Node::partial`).
    done: Vec<u32>,
    partial: Vec<Partial>,
    /// One bit per [`hash`] of the first four bytes of the long patterns,
    /// which most positions of a text stop at.
    filter: Box<[u64; 1 << (FILTER_BITS - 6)]>,
    /// The patterns of one to three bytes, by first byte: those starting
    /// with byte `c` are `short[short_heads[c]..short_heads[c + 1]]`, shorter
    /// first.
    short_heads: Box<[u32; 257]>,
    short: Vec<Partial>,
    /// Whether some short pattern starts with the byte.
    short_first: Box<[bool; 256]>,
    /// One bit per pair of bytes (the first, plus 256 times the second)
    /// that some pattern can start with: set for the first two bytes of
    /// every pattern of two bytes or more, and for every pair whose first
    /// byte is a pattern of one byte. Most positions of a text start no
    /// pattern, and this one test (no hash to compute) passes them over.
    pairs: Box<[u64; 1 << 10]>,
    /// Empty patterns, which occur at every position.
    empty: Vec<u32>,
}

/// A node of the trie: ranges of [`Literals::done`] and
/// [`Literals::partial`], each in order of length, then of id.
#[derive(Clone, Copy, Default)]
struct Node {
    done: (u32, u32),
    partial: (u32, u32),
}

/// A pattern that ends one to three bytes after a node (or a short pattern,
/// after the start): those bytes (the rest zero), their mask, and the
/// pattern's whole length and id.
#[derive(Clone, Copy)]
struct Partial {
    bytes: u32,
    mask: u32,
    len: u32,
    id: u32,
}

/// An empty slot of the edge table while it is built.
const NONE: u32 = u32::MAX;

/// The mark of a child in [`Literals::edge_children`] whose node has
/// patterns (`Node::done` or `Node::partial` not empty). Most nodes of the
/// trie are steps inside longer patterns with none: their [`Node`] is not
/// read, which was a miss of the cache for most steps down the trie (a
/// phrase table has a few thousand nodes, far fewer than 2^31).
const HAS_PATTERNS: u32 = 1 << 31;

/// An empty slot of the edge table: no edge has this key, as no node is
/// numbered `u32::MAX`.
const EMPTY: u64 = u64::MAX;

/// log2 of the number of bits of the filter of long patterns: a thousand
/// patterns set one bit in sixty.
const FILTER_BITS: u32 = 16;

/// The filter's hash of four bytes: multiplicative, whose top bits mix all
/// four.
fn hash(key: u32) -> usize {
    (key.wrapping_mul(0x9E37_79B1) >> (32 - FILTER_BITS)) as usize
}

/// Four bytes of `b` from `at` as one number (little-endian), zero past its
/// end.
fn chunk(b: &[u8], at: usize) -> u32 {
    let mut buf = [0u8; 4];
    // Four bytes, the usual case, as one fixed-size copy (a copy of a
    // variable length is a call).
    if let Some(four) = b.get(at..at.saturating_add(4)) {
        buf.copy_from_slice(four);
    } else {
        for (d, s) in buf.iter_mut().zip(b.get(at..).unwrap_or(&[])) {
            *d = *s;
        }
    }
    u32::from_le_bytes(buf)
}

/// The bit of [`Literals::edge_filter`] for an edge's key.
fn edge_bit(key: u64) -> usize {
    (key.wrapping_mul(0xD6E8_FEB8_6659_FD93) >> (64 - FILTER_BITS)) as usize
}

/// The key of the edge from `node` by the four bytes `chunk`.
fn edge_key(node: u32, chunk: u32) -> u64 {
    (u64::from(node) << 32) | u64::from(chunk)
}

impl Literals {
    /// A set of `patterns`, whose ids are their positions in the list.
    pub(crate) fn new<P: AsRef<[u8]>>(patterns: impl IntoIterator<Item = P>) -> Literals {
        let mut bytes = Vec::new();
        let mut spans = Vec::new();
        for p in patterns {
            let p = p.as_ref();
            spans.push((bytes.len() as u32, p.len() as u32));
            bytes.extend_from_slice(p);
        }
        let pattern = |id: usize| {
            let (at, len) = spans[id];
            &bytes[at as usize..][..len as usize]
        };
        // By length, then id: so every list below is in that order.
        let mut order: Vec<(usize, u32)> = (0..spans.len())
            .map(|id| (spans[id].1 as usize, id as u32))
            .collect();
        order.sort_unstable();
        let mut empty = Vec::new();
        let mut short_heads = Box::new([0u32; 257]);
        let mut short_first = Box::new([false; 256]);
        let mut short_by_byte: Vec<Vec<Partial>> = vec![Vec::new(); 256];
        let mut filter = Box::new([0u64; 1 << (FILTER_BITS - 6)]);
        let mut pairs = Box::new([0u64; 1 << 10]);
        let mut pair = |k: usize| pairs[k >> 6] |= 1 << (k & 63);
        // The edge table, sized for the most edges the patterns can need
        // (one per four bytes), at most half full, so that a probe that
        // finds nothing stops soon.
        let most: usize = order.iter().map(|&(len, _)| len / 4).sum();
        let edge_bits = (most * 2).max(16).next_power_of_two().trailing_zeros();
        let mut edges = vec![(0u64, NONE); 1 << edge_bits];
        let mut done: Vec<Vec<u32>> = vec![Vec::new()];
        let mut partial: Vec<Vec<Partial>> = vec![Vec::new()];
        for &(len, id) in &order {
            let p = pattern(id as usize);
            if len == 0 {
                empty.push(id);
                continue;
            }
            if len == 1 {
                for second in 0..256 {
                    pair(usize::from(p[0]) | second << 8);
                }
            } else {
                pair(usize::from(p[0]) | usize::from(p[1]) << 8);
            }
            if len < 4 {
                short_by_byte[usize::from(p[0])].push(Partial {
                    bytes: chunk(p, 0),
                    mask: (1u32 << (8 * len)) - 1,
                    len: len as u32,
                    id,
                });
                short_first[usize::from(p[0])] = true;
                continue;
            }
            let h = hash(chunk(p, 0));
            filter[h >> 6] |= 1 << (h & 63);
            let mut node = 0u32;
            let mut at = 0;
            loop {
                let rest = len - at;
                if rest == 0 {
                    done[node as usize].push(id);
                    break;
                }
                if rest < 4 {
                    partial[node as usize].push(Partial {
                        bytes: chunk(p, at),
                        mask: (1u32 << (8 * rest)) - 1,
                        len: len as u32,
                        id,
                    });
                    break;
                }
                let key = edge_key(node, chunk(p, at));
                let mut slot = Self::slot(key, edge_bits);
                while edges[slot].1 != NONE && edges[slot].0 != key {
                    slot = (slot + 1) & (edges.len() - 1);
                }
                if edges[slot].1 == NONE {
                    edges[slot] = (key, done.len() as u32);
                    done.push(Vec::new());
                    partial.push(Vec::new());
                }
                node = edges[slot].1;
                at += 4;
            }
        }
        let mut short = Vec::new();
        for (c, list) in short_by_byte.iter().enumerate() {
            short.extend_from_slice(list);
            short_heads[c + 1] = short.len() as u32;
        }
        let mut nodes = Vec::with_capacity(done.len());
        let (mut done_all, mut partial_all) = (Vec::new(), Vec::new());
        for (d, p) in done.iter().zip(&partial) {
            let d0 = done_all.len() as u32;
            done_all.extend_from_slice(d);
            let p0 = partial_all.len() as u32;
            partial_all.extend_from_slice(p);
            nodes.push(Node {
                done: (d0, done_all.len() as u32),
                partial: (p0, partial_all.len() as u32),
            });
        }
        // The edges again, in a table sized for the edges there are.
        let count = done.len() - 1;
        let edge_bits = (count * 2).max(16).next_power_of_two().trailing_zeros();
        let mut edge_keys = vec![EMPTY; 1 << edge_bits];
        let mut edge_children = vec![NONE; 1 << edge_bits];
        let mut edge_filter = Box::new([0u64; 1 << (FILTER_BITS - 6)]);
        for &(key, child) in edges.iter().filter(|e| e.1 != NONE) {
            let b = edge_bit(key);
            edge_filter[b >> 6] |= 1 << (b & 63);
            let mut slot = Self::slot(key, edge_bits);
            while edge_keys[slot] != EMPTY {
                slot = (slot + 1) & (edge_keys.len() - 1);
            }
            let node = child as usize;
            let has_patterns = !done[node].is_empty() || !partial[node].is_empty();
            edge_keys[slot] = key;
            edge_children[slot] = if has_patterns {
                child | HAS_PATTERNS
            } else {
                child
            };
        }
        Literals {
            lens: spans.iter().map(|&(_, len)| len).collect(),
            nodes,
            edge_keys,
            edge_children,
            edge_bits,
            edge_filter,
            done: done_all,
            partial: partial_all,
            filter,
            short_heads,
            short,
            short_first,
            pairs,
            empty,
        }
    }

    /// The first slot of the edge table to look at for `key`.
    fn slot(key: u64, bits: u32) -> usize {
        (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - bits)) as usize
    }

    /// The child of `node` by the four bytes `chunk`, if the trie has it,
    /// marked with [`HAS_PATTERNS`] if it has patterns.
    #[inline(always)]
    fn child(&self, node: u32, chunk: u32) -> Option<u32> {
        let key = edge_key(node, chunk);
        let b = edge_bit(key);
        if self.edge_filter[b >> 6] & (1 << (b & 63)) == 0 {
            return None;
        }
        let mask = self.edge_keys.len() - 1;
        let mut slot = Self::slot(key, self.edge_bits);
        loop {
            let k = self.edge_keys[slot & mask];
            if k == key {
                return self.edge_children.get(slot & mask).copied();
            }
            if k == EMPTY {
                return None;
            }
            slot += 1;
        }
    }

    /// The length of pattern `id`.
    pub(crate) fn len_of(&self, id: usize) -> usize {
        self.lens[id] as usize
    }

    /// Calls `found(id, start)` for every occurrence of every pattern in
    /// `text`, overlapping ones included: in order of start, and at one
    /// start in order of length (then of id). The same occurrences as an
    /// overlapping Aho-Corasick search reports, in another order.
    pub(crate) fn for_each(&self, text: &[u8], mut found: impl FnMut(usize, usize)) {
        let n = text.len();
        if !self.empty.is_empty() {
            // Only a table with an empty pattern (none of ours): its
            // occurrences first at each position.
            for i in 0..=n {
                for &id in &self.empty {
                    found(id as usize, i);
                }
                if i < n {
                    self.at::<true>(text, i, chunk(text, i), &mut found);
                }
            }
            return;
        }
        let mut i = 0;
        // Where four bytes follow, they are read at once; the last three
        // positions are read through a padded copy.
        while i + 4 <= n {
            let mut four = [0u8; 4];
            four.copy_from_slice(&text[i..i + 4]);
            let first = u32::from_le_bytes(four);
            let k = (first & 0xffff) as usize;
            if self.pairs[k >> 6] & (1 << (k & 63)) != 0 {
                self.at::<false>(text, i, first, &mut found);
            }
            i += 1;
        }
        while i < n {
            self.at::<true>(text, i, chunk(text, i), &mut found);
            i += 1;
        }
    }

    /// The patterns that occur at `i`, where the text's next four bytes
    /// are `first` (zero past its end). `TAIL`: fewer than four bytes may
    /// follow `i`; otherwise no short pattern can run past the end, and
    /// those checks are left out.
    #[inline(always)]
    fn at<const TAIL: bool>(
        &self,
        text: &[u8],
        i: usize,
        first: u32,
        found: &mut impl FnMut(usize, usize),
    ) {
        let c = usize::from(first as u8);
        let avail = text.len() - i;
        if self.short_first[c] {
            let (from, to) = (self.short_heads[c], self.short_heads[c + 1]);
            for p in &self.short[from as usize..to as usize] {
                if (!TAIL || p.len as usize <= avail) && first & p.mask == p.bytes {
                    found(p.id as usize, i);
                }
            }
        }
        if TAIL && avail < 4 {
            return;
        }
        let h = hash(first);
        if self.filter[h >> 6] & (1 << (h & 63)) == 0 {
            return;
        }
        let Some(mut child) = self.child(0, first) else {
            return;
        };
        let mut at = 4;
        loop {
            let node = child & !HAS_PATTERNS;
            let next = chunk(text, i + at);
            if child & HAS_PATTERNS != 0 {
                let nd = self.nodes[node as usize];
                for &id in &self.done[nd.done.0 as usize..nd.done.1 as usize] {
                    found(id as usize, i);
                }
                for p in &self.partial[nd.partial.0 as usize..nd.partial.1 as usize] {
                    if p.len as usize <= avail && next & p.mask == p.bytes {
                        found(p.id as usize, i);
                    }
                }
            }
            if at + 4 > avail {
                return;
            }
            match self.child(node, next) {
                Some(c) => child = c,
                None => return,
            }
            at += 4;
        }
    }

    /// The smallest id among the patterns that occur in `text` and that
    /// `keep` accepts.
    pub(crate) fn first_id(&self, text: &[u8], keep: impl Fn(usize) -> bool) -> Option<usize> {
        let mut best: Option<usize> = None;
        self.for_each(text, |id, _| {
            if best.is_none_or(|b| id < b) && keep(id) {
                best = Some(id);
            }
        });
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aho_corasick::AhoCorasick;

    /// Every (id, start) an overlapping Aho-Corasick search reports, sorted.
    fn reference(patterns: &[&str], text: &str) -> Vec<(usize, usize)> {
        let ac = AhoCorasick::new(patterns).unwrap();
        let mut v: Vec<_> = ac
            .find_overlapping_iter(text)
            .map(|m| (m.pattern().as_usize(), m.start()))
            .collect();
        v.sort_unstable();
        v
    }

    fn ours(patterns: &[&str], text: &str) -> Vec<(usize, usize)> {
        let set = Literals::new(patterns);
        let mut v = Vec::new();
        let mut last = (0, 0);
        set.for_each(text.as_bytes(), |id, at| {
            // In order of start, then of length.
            let here = (at, set.len_of(id));
            assert!(here >= last, "{here:?} after {last:?}");
            last = here;
            v.push((id, at));
        });
        v.sort_unstable();
        v
    }

    #[test]
    fn the_same_occurrences_as_aho_corasick() {
        let patterns = [
            "a",
            "ab",
            "abc",
            "abcd",
            "abcde",
            "bcd",
            "cd",
            "d",
            "user ",
            " not found",
            "<",
            "@",
            "user",
            "use",
            "ser",
            "not",
            "not found",
            "aaaa",
            "aa",
            "\u{e9}t\u{e9}",
            "message size",
            "message size exceeds",
            "message too big",
            "message",
            "messages",
            "aaaaaaaa",
            "aaaaaaaaa",
            "aaaaaaaaaaaa",
            "abcdabcdab",
        ];
        let texts = [
            "",
            "a",
            "abcdeabcde",
            "aaaaaaaaa",
            "550 user <x@y> not found, not found",
            "t\u{e9}t\u{e9}t\u{e9} abc",
            "bcd",
            "messages: message size exceeds; message too bi",
            "message too big",
            "abcdabcdabcdabcdab",
        ];
        for t in texts {
            assert_eq!(ours(&patterns, t), reference(&patterns, t), "{t:?}");
        }
        // Generated texts over a small alphabet, where patterns overlap most.
        let mut seed = 7u32;
        for _ in 0..300 {
            let len = (seed % 40) as usize;
            let t: String = (0..len)
                .map(|_| {
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    b"abcd <@user notf"[(seed >> 16) as usize % 16] as char
                })
                .collect();
            assert_eq!(ours(&patterns, &t), reference(&patterns, &t), "{t:?}");
        }
    }

    #[test]
    fn empty_patterns_occur_everywhere() {
        assert_eq!(ours(&["", "b"], "ab"), reference(&["", "b"], "ab"));
        assert_eq!(ours(&[""], ""), reference(&[""], ""));
    }

    #[test]
    fn first_id_is_the_smallest_kept() {
        let set = Literals::new(["quota", "user"]);
        assert_eq!(set.first_id(b"user over quota", |_| true), Some(0));
        assert_eq!(set.first_id(b"user over quota", |i| i != 0), Some(1));
        assert_eq!(set.first_id(b"nothing", |_| true), None);
    }
}
