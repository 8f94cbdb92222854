//! Runs fixture emails through a decoder and compares the facts with the
//! expectations written beside them.
//!
//! A fixture is `NAME.eml` with `NAME.json` beside it: a JSON array with one
//! object per expected fact, holding only the fields to check (any of the
//! fact's field names, e.g. `recipient`, `reason`, `deliverystatus`,
//! `replycode`, `hardbounce`, `smtpagent`, `smtpcommand`, `rhost`). An empty
//! array says the message is no bounce. Every fixture is run three times: as
//! written, with CRLF line endings and with bare-CR line endings.
//!
//! Also the small helpers that remote-host rules' unit tests share
//! ([`reply`], [`refine`]), and [`Sentences`], the random text that hand-
//! written readers are checked with against the regular expressions they
//! replace.

use bounce_core::{Decoder, Draft, ProviderMatcher, Reason, Registry, Status};
use serde_json::Value;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Random sentences for checking a hand-written reader against the regular
/// expression it replaces: each slot of a sentence is filled with one of its
/// pieces (right ones and near misses), chosen by a xorshift generator from a
/// fixed seed, so that a failure repeats.
pub struct Sentences {
    state: u64,
}

impl Sentences {
    /// A generator starting from `seed` (not zero).
    pub fn new(seed: u64) -> Sentences {
        Sentences { state: seed }
    }

    /// A number below `n`.
    fn below(&mut self, n: usize) -> usize {
        self.state ^= self.state << 13;
        self.state ^= self.state >> 7;
        self.state ^= self.state << 17;
        (self.state % n as u64) as usize
    }

    /// One sentence: a piece of each slot, in order.
    pub fn fill(&mut self, slots: &[&[&str]]) -> String {
        slots.iter().map(|s| s[self.below(s.len())]).collect()
    }

    /// A string of fewer than `most` pieces, each any of `pieces`: for
    /// readers whose input has no fixed order of slots.
    pub fn any_of(&mut self, pieces: &[&str], most: usize) -> String {
        let n = self.below(most);
        (0..n).map(|_| pieces[self.below(pieces.len())]).collect()
    }
}

/// The `N` capture groups of `re` in `text`, as a hand reader that replaces
/// it gives them, or `None` when it does not match.
pub fn by_regex<const N: usize>(re: &regex::Regex, text: &str) -> Option<[String; N]> {
    let c = re.captures(text)?;
    Some(std::array::from_fn(|i| c[i + 1].to_owned()))
}

/// Rewrites a message's line endings.
pub type Rewrite = fn(&[u8]) -> Vec<u8>;

/// The line-ending variants every fixture is run with.
pub const VARIANTS: &[(&str, Rewrite)] = &[("LF", lf), ("CRLF", crlf), ("CR", cr)];

fn lf(b: &[u8]) -> Vec<u8> {
    bounce_core::text::normalize_newlines(b).into_owned()
}
fn crlf(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(b.len() + b.len() / 40);
    for &c in lf(b).iter() {
        if c == b'\n' {
            out.push(b'\r');
        }
        out.push(c);
    }
    out
}
fn cr(b: &[u8]) -> Vec<u8> {
    lf(b)
        .into_iter()
        .map(|c| if c == b'\n' { b'\r' } else { c })
        .collect()
}

/// A draft of a reply from `rhost` (empty: no host named), saying
/// `diagnosis`, and nothing else.
pub fn reply(rhost: &str, diagnosis: &str) -> Draft {
    Draft {
        rhost: rhost.into(),
        diagnosis: diagnosis.into(),
        ..Draft::default()
    }
}

/// The reason a remote-host rule gives a [`reply`] from `rhost`.
pub fn refine(rule: &dyn ProviderMatcher, rhost: &str, diagnosis: &str) -> Option<Reason> {
    rule.refine(&reply(rhost, diagnosis)).map(|r| r.0)
}

/// [`refine`] for a reply that comes with the status code `status` (none
/// when it does not parse).
pub fn refine_with_status(
    rule: &dyn ProviderMatcher,
    rhost: &str,
    status: &str,
    diagnosis: &str,
) -> Option<Reason> {
    let draft = Draft {
        status: Status::parse(status),
        ..reply(rhost, diagnosis)
    };
    rule.refine(&draft).map(|r| r.0)
}

/// The fixtures (`*.eml` with a `*.json` beside) in a folder, sorted.
/// Panics when there is none: a fixture test that tests nothing must fail.
pub fn fixtures(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .collect();
    v.sort();
    assert!(!v.is_empty(), "no fixtures in {}", dir.display());
    for p in &v {
        assert!(
            p.with_extension("json").exists(),
            "{} has no .json beside it",
            p.display()
        );
    }
    v
}

/// Checks one fixture with every line-ending variant; returns the problems.
pub fn check(decoder: &Decoder<'_>, eml: &Path) -> Vec<String> {
    let raw = std::fs::read(eml).unwrap_or_else(|e| panic!("{}: {e}", eml.display()));
    let expected: Value =
        serde_json::from_slice(&std::fs::read(eml.with_extension("json")).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", eml.with_extension("json").display()));
    let expected = expected
        .as_array()
        .unwrap_or_else(|| panic!("{}: expected a JSON array", eml.display()));
    let mut problems = Vec::new();
    for (name, variant) in VARIANTS {
        let bytes = variant(&raw);
        let got = match decoder.decode(&bytes, &eml.display().to_string()) {
            Ok(d) => d.facts,
            Err(e) => {
                problems.push(format!("{} [{name}]: {e}", eml.display()));
                continue;
            }
        };
        if got.len() != expected.len() {
            problems.push(format!(
                "{} [{name}]: {} fact(s), expected {}: {}",
                eml.display(),
                got.len(),
                expected.len(),
                serde_json::to_string(&got).unwrap()
            ));
            continue;
        }
        for (g, e) in got.iter().zip(expected) {
            let g = serde_json::to_value(g).unwrap();
            for (k, v) in e.as_object().expect("each expected fact is an object") {
                if g.get(k) != Some(v) {
                    let mut msg = String::new();
                    let _ = write!(
                        msg,
                        "{} [{name}]: {k} is {}, expected {v}",
                        eml.display(),
                        g.get(k).unwrap_or(&Value::Null)
                    );
                    let _ = write!(
                        msg,
                        " (diagnosticcode: {}, evidence: {})",
                        g["diagnosticcode"], g["evidence"]
                    );
                    problems.push(msg);
                }
            }
        }
    }
    problems
}

/// Checks every fixture of `dir` with the registry of providers linked into
/// the calling test binary, and panics with all problems at once.
pub fn check_dir(dir: &Path) {
    let registry = Registry::global().expect("registry");
    let decoder = Decoder::new(registry);
    let problems: Vec<String> = fixtures(dir)
        .iter()
        .flat_map(|f| check(&decoder, f))
        .collect();
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}
