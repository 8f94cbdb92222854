//! The knowledge base: the data files read into typed tables, and the checks
//! that make a broken file an error instead of a missing sentence.

use crate::{Lang, Retry, Stop};
use bounce_core::{Fact, Reason};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap, HashSet};

const REASONS: &str = include_str!("../data/reasons.toml");
const CODES: &str = include_str!("../data/codes.toml");
const NOTES: &str = include_str!("../data/notes.toml");

/// Why the knowledge base could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// A data file is not valid TOML or does not have the expected shape.
    #[error("data/{file}: {source}")]
    Syntax {
        /// The file, relative to `data/`.
        file: &'static str,
        /// What the TOML reader said.
        source: Box<toml::de::Error>,
    },
    /// The data is well-formed but incomplete or inconsistent.
    #[error("{}", .0.join("; "))]
    Invalid(Vec<String>),
}

/// A reason's text in one language.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReasonText {
    /// One line, for a heading or a catalogue.
    pub title: String,
    /// What happened.
    pub meaning: String,
    /// The usual causes, most common first.
    pub causes: Vec<String>,
    /// What the sender should do.
    pub action: String,
}

/// Everything known of one reason.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReasonEntry {
    /// Whether a retry can help.
    pub retry: Retry,
    /// Whether to stop mailing the address.
    pub stop: Stop,
    en: ReasonText,
    ja: ReasonText,
}

impl ReasonEntry {
    /// The text in `lang`.
    pub fn text(&self, lang: Lang) -> &ReasonText {
        match lang {
            Lang::En => &self.en,
            Lang::Ja => &self.ja,
        }
    }
}

/// One meaning in both languages.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Coded<K> {
    code: K,
    en: String,
    ja: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Codes {
    class: Vec<Coded<u8>>,
    subject: Vec<Coded<u16>>,
    detail: Vec<Coded<String>>,
    reply: Vec<Coded<u16>>,
}

/// What is particular to a provider, a recipient domain or a server's
/// wording, added below a reason's general advice. See `data/notes.toml` for
/// when a note applies.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Note {
    /// A name for the note, unique in the file.
    pub id: String,
    /// Provider ids (`smtpagent`) the note is about.
    #[serde(default)]
    pub providers: Vec<String>,
    /// Recipient domains (and their subdomains) the note is about.
    #[serde(default)]
    pub domains: Vec<String>,
    /// Reason names the note is limited to; empty for every failure.
    #[serde(default)]
    pub reasons: Vec<String>,
    /// Phrases of which the server's words must contain one (ignoring case);
    /// empty for no such condition.
    #[serde(default)]
    pub phrases: Vec<String>,
    en: String,
    ja: String,
}

impl Note {
    /// Whether the note applies to `fact`.
    pub fn applies(&self, fact: &Fact) -> bool {
        let reason = fact.reason.as_str();
        let reason_ok = if self.reasons.is_empty() {
            fact.reason.is_failure()
        } else {
            self.reasons.iter().any(|r| r == reason)
        };
        let provider = self.providers.iter().any(|p| {
            *p == fact.smtpagent
                || (!fact.evidence.rhost_rule.is_empty() && *p == fact.evidence.rhost_rule)
        });
        let destination = fact.destination.to_ascii_lowercase();
        let domain = self.domains.iter().any(|d| {
            destination == *d
                || destination
                    .strip_suffix(d.as_str())
                    .is_some_and(|head| head.ends_with('.'))
        });
        let phrase_ok = self.phrases.is_empty() || {
            let said = fact.diagnosticcode.to_lowercase();
            self.phrases
                .iter()
                .any(|p| said.contains(&p.to_lowercase()))
        };
        reason_ok && (provider || domain) && phrase_ok
    }

    /// The note in `lang`, with `{domain}` replaced by `domain` (or a
    /// placeholder naming it when there is none).
    pub fn text(&self, lang: Lang, domain: &str) -> String {
        let text = match lang {
            Lang::En => &self.en,
            Lang::Ja => &self.ja,
        };
        let domain = match (domain.is_empty(), lang) {
            (false, _) => domain,
            (true, Lang::En) => "<domain>",
            (true, Lang::Ja) => "<ドメイン>",
        };
        text.replace("{domain}", domain)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Notes {
    note: Vec<Note>,
}

/// The knowledge base: reasons, code meanings and provider notes.
#[derive(Debug)]
pub struct KnowledgeBase {
    reasons: BTreeMap<Reason, ReasonEntry>,
    classes: HashMap<u8, [String; 2]>,
    subjects: HashMap<u16, [String; 2]>,
    details: HashMap<(u16, u16), [String; 2]>,
    replies: HashMap<u16, [String; 2]>,
    notes: Vec<Note>,
}

fn pick(pair: &[String; 2], lang: Lang) -> &str {
    match lang {
        Lang::En => &pair[0],
        Lang::Ja => &pair[1],
    }
}

impl KnowledgeBase {
    /// Reads and checks the data compiled into the crate: every reason of the
    /// vocabulary present, no empty text in either language, every status
    /// class and subject described, every note well-formed.
    pub fn load() -> Result<KnowledgeBase, LoadError> {
        let syntax = |file| {
            move |e| LoadError::Syntax {
                file,
                source: Box::new(e),
            }
        };
        let raw: BTreeMap<String, ReasonEntry> =
            toml::from_str(REASONS).map_err(syntax("reasons.toml"))?;
        let codes: Codes = toml::from_str(CODES).map_err(syntax("codes.toml"))?;
        let notes: Notes = toml::from_str(NOTES).map_err(syntax("notes.toml"))?;
        let mut problems = Vec::new();

        let mut reasons = BTreeMap::new();
        for (name, entry) in raw {
            match name.parse::<Reason>() {
                Ok(r) if r.as_str() == name => {
                    for lang in Lang::ALL {
                        let t = entry.text(lang);
                        let empty = [
                            ("title", &t.title),
                            ("meaning", &t.meaning),
                            ("action", &t.action),
                        ]
                        .into_iter()
                        .filter(|(_, v)| v.trim().is_empty())
                        .map(|(k, _)| k);
                        for field in empty {
                            problems.push(format!("reasons.toml: {name}.{lang}.{field} is empty"));
                        }
                        if t.causes.is_empty() || t.causes.iter().any(|c| c.trim().is_empty()) {
                            problems.push(format!(
                                "reasons.toml: {name}.{lang}.causes is empty or has an empty item"
                            ));
                        }
                        if t.title.contains('\n') {
                            problems
                                .push(format!("reasons.toml: {name}.{lang}.title is not one line"));
                        }
                    }
                    reasons.insert(r, entry);
                }
                _ => problems.push(format!(
                    "reasons.toml: [{name}] is not a reason of the vocabulary"
                )),
            }
        }
        for r in Reason::ALL {
            if !reasons.contains_key(r) {
                problems.push(format!("reasons.toml: reason {r} is missing"));
            }
        }

        let mut table = |what: &str, key: String, en: String, ja: String| -> [String; 2] {
            if en.trim().is_empty() || ja.trim().is_empty() {
                problems.push(format!("codes.toml: {what} {key} lacks a language"));
            }
            [en, ja]
        };
        let classes: HashMap<u8, [String; 2]> = codes
            .class
            .into_iter()
            .map(|c| (c.code, table("class", c.code.to_string(), c.en, c.ja)))
            .collect();
        let subjects: HashMap<u16, [String; 2]> = codes
            .subject
            .into_iter()
            .map(|c| (c.code, table("subject", c.code.to_string(), c.en, c.ja)))
            .collect();
        let replies: HashMap<u16, [String; 2]> = codes
            .reply
            .into_iter()
            .map(|c| (c.code, table("reply", c.code.to_string(), c.en, c.ja)))
            .collect();
        let mut details = HashMap::new();
        let mut bad_details = Vec::new();
        for c in codes.detail {
            let key = c
                .code
                .split_once('.')
                .and_then(|(s, d)| Some((s.parse::<u16>().ok()?, d.parse::<u16>().ok()?)));
            match key {
                Some(k) => {
                    details.insert(k, table("detail", c.code, c.en, c.ja));
                }
                None => bad_details.push(format!(
                    "codes.toml: detail {:?} is not subject.detail",
                    c.code
                )),
            }
        }
        problems.extend(bad_details);
        for class in [2, 4, 5] {
            if !classes.contains_key(&class) {
                problems.push(format!("codes.toml: status class {class} is missing"));
            }
        }
        for subject in 0..=7 {
            if !subjects.contains_key(&subject) {
                problems.push(format!("codes.toml: status subject {subject} is missing"));
            }
        }

        let mut ids = HashSet::new();
        for n in &notes.note {
            if !ids.insert(n.id.as_str()) {
                problems.push(format!("notes.toml: note {} appears twice", n.id));
            }
            if n.providers.is_empty() && n.domains.is_empty() {
                problems.push(format!(
                    "notes.toml: note {} names no provider and no domain",
                    n.id
                ));
            }
            if n.en.trim().is_empty() || n.ja.trim().is_empty() {
                problems.push(format!("notes.toml: note {} lacks a language", n.id));
            }
            if n.en.contains("{domain}") != n.ja.contains("{domain}") {
                problems.push(format!(
                    "notes.toml: note {} uses {{domain}} in one language only",
                    n.id
                ));
            }
            for r in &n.reasons {
                if !r.parse::<Reason>().is_ok_and(|p| p.as_str() == r) {
                    problems.push(format!(
                        "notes.toml: note {} names unknown reason {r:?}",
                        n.id
                    ));
                }
            }
            for d in &n.domains {
                if !is_domain(d) {
                    problems.push(format!(
                        "notes.toml: note {} names {d:?}, which is not a lowercase domain",
                        n.id
                    ));
                }
            }
        }

        if !problems.is_empty() {
            return Err(LoadError::Invalid(problems));
        }
        Ok(KnowledgeBase {
            reasons,
            classes,
            subjects,
            details,
            replies,
            notes: notes.note,
        })
    }

    /// Everything known of `reason`.
    pub fn reason(&self, reason: Reason) -> &ReasonEntry {
        // `load` refuses data that lacks a reason.
        &self.reasons[&reason]
    }

    /// Every provider note.
    pub fn notes(&self) -> &[Note] {
        &self.notes
    }

    /// What the class of a status or reply code (its first digit) means.
    pub fn class_text(&self, class: u8, lang: Lang) -> &str {
        self.classes.get(&class).map_or("", |p| pick(p, lang))
    }

    /// What the subject of a status code (its second number) means.
    pub fn subject_text(&self, subject: u16, lang: Lang) -> &str {
        self.subjects.get(&subject).map_or("", |p| pick(p, lang))
    }

    /// What a subject and detail (`X.subject.detail`) mean, when known.
    pub fn detail_text(&self, subject: u16, detail: u16, lang: Lang) -> Option<&str> {
        self.details.get(&(subject, detail)).map(|p| pick(p, lang))
    }

    /// What a reply code means, when known.
    pub fn reply_text(&self, code: u16, lang: Lang) -> Option<&str> {
        self.replies.get(&code).map(|p| pick(p, lang))
    }
}

/// A lowercase domain name: dot-separated labels of letters, digits and
/// hyphens, at least two labels.
fn is_domain(d: &str) -> bool {
    let labels: Vec<&str> = d.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_are_checked() {
        assert!(is_domain("docomo.ne.jp"));
        assert!(is_domain("jp-k.ne.jp"));
        assert!(!is_domain("Docomo.ne.jp"));
        assert!(!is_domain("localhost"));
        assert!(!is_domain("a..jp"));
    }
}
