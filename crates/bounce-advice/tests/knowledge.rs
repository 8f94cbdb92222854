//! The knowledge base as data: complete for every reason in both languages,
//! provider notes that name real providers or well-formed domains, and text
//! written in our own words rather than taken from the seed.

use bounce_advice::{catalogue, kb, KnowledgeBase, Lang};
use bounce_core::Reason;
use std::collections::BTreeSet;

fn has_japanese(s: &str) -> bool {
    s.chars()
        .any(|c| matches!(c, '\u{3040}'..='\u{30ff}' | '\u{4e00}'..='\u{9fff}'))
}

#[test]
fn the_data_loads() {
    if let Err(e) = KnowledgeBase::load() {
        panic!("{e}");
    }
}

#[test]
fn every_reason_has_complete_text_in_both_languages() {
    for &reason in Reason::ALL {
        for lang in Lang::ALL {
            let t = kb().reason(reason).text(lang);
            let fields = [
                ("title", &t.title),
                ("meaning", &t.meaning),
                ("action", &t.action),
            ];
            for (name, value) in fields {
                assert!(!value.trim().is_empty(), "{reason}.{lang}.{name} is empty");
                assert_eq!(
                    has_japanese(value),
                    lang == Lang::Ja,
                    "{reason}.{lang}.{name} is in the wrong language: {value}"
                );
            }
            assert!(!t.causes.is_empty(), "{reason}.{lang} has no causes");
            for c in &t.causes {
                assert!(!c.trim().is_empty(), "{reason}.{lang} has an empty cause");
                assert_eq!(
                    has_japanese(c),
                    lang == Lang::Ja,
                    "{reason}.{lang} cause in the wrong language: {c}"
                );
            }
            assert!(
                !t.title.contains('\n'),
                "{reason}.{lang}.title is not one line"
            );
        }
    }
    assert_eq!(catalogue(Lang::Ja).count(), Reason::ALL.len());
}

#[test]
fn hard_reasons_say_stop_and_no_retry() {
    use bounce_advice::{Retry, Stop};
    for &r in Reason::ALL {
        let e = kb().reason(r);
        if r.is_hard(None) {
            assert_eq!((e.retry, e.stop), (Retry::No, Stop::Yes), "{r}");
        }
    }
}

#[test]
fn every_provider_note_names_a_known_provider_or_domain() {
    let registry = bounce_providers::registry().unwrap();
    let mut known: BTreeSet<&str> = registry.providers().iter().map(|p| p.id).collect();
    known.extend(bounce_core::standard::SUMMARIES.iter().map(|(id, _)| *id));
    // What `Decoder::explain` calls pasted text no provider recognised.
    known.insert("text");
    assert!(!kb().notes().is_empty());
    for note in kb().notes() {
        assert!(
            !note.providers.is_empty() || !note.domains.is_empty(),
            "{} names nothing",
            note.id
        );
        for p in &note.providers {
            assert!(
                known.contains(p.as_str()),
                "note {} names unknown provider {p:?}",
                note.id
            );
        }
        for lang in Lang::ALL {
            let text = note.text(lang, "example.jp");
            assert_eq!(
                has_japanese(&text),
                lang == Lang::Ja,
                "note {} in the wrong language",
                note.id
            );
        }
    }
}

#[test]
fn status_and_reply_codes_are_described_in_both_languages() {
    for lang in Lang::ALL {
        for class in [2, 4, 5] {
            assert!(!kb().class_text(class, lang).is_empty());
        }
        for subject in 0..=7 {
            assert!(!kb().subject_text(subject, lang).is_empty());
        }
        for (s, d) in [(1, 1), (1, 2), (2, 2), (4, 4), (4, 7), (7, 1)] {
            assert!(kb().detail_text(s, d, lang).is_some(), "X.{s}.{d}");
        }
        for code in [421, 450, 451, 452, 550, 551, 552, 553, 554] {
            assert!(kb().reply_text(code, lang).is_some(), "{code}");
        }
    }
}

/// No run of 14 characters of the seed's Japanese prose appears in the
/// data: every sentence is ours. (The seed sits beside the checkout; where
/// it does not, there is nothing to compare with.)
#[test]
fn nothing_is_copied_from_the_seed() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let Ok(seed) =
        std::fs::read_to_string(dir.join("../../../shared/seed/000_77b4693fc552d6a8.txt"))
    else {
        return;
    };
    let data: String = ["reasons.toml", "codes.toml", "notes.toml"]
        .iter()
        .map(|f| std::fs::read_to_string(dir.join("data").join(f)).unwrap())
        .collect();
    let mut copied = Vec::new();
    for line in seed.lines() {
        let chars: Vec<char> = line.chars().collect();
        for w in chars.windows(14) {
            let run: String = w.iter().collect();
            if has_japanese(&run) && data.contains(&run) {
                copied.push(run);
            }
        }
    }
    assert!(copied.is_empty(), "taken from the seed: {copied:?}");
}
