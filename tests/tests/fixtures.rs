//! Every provider's fixtures through the FULL dispatcher (every provider
//! linked), so that a provider that wrongly claims another's mail is caught:
//! each fixture's expected `smtpagent` and facts must still hold.

use bounce_core::Decoder;

#[test]
fn every_fixture_through_the_full_registry() {
    let registry = bounce_providers::registry().unwrap();
    let decoder = Decoder::new(registry);
    let mut n = 0;
    let mut problems = Vec::new();
    for dir in bounce_tests::fixture_dirs() {
        let has_eml = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .any(|e| e.path().extension().is_some_and(|x| x == "eml"));
        if !has_eml {
            continue;
        }
        for f in bounce_testkit::fixtures(&dir) {
            n += 1;
            problems.extend(bounce_testkit::check(&decoder, &f));
        }
    }
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
    eprintln!("{n} fixtures checked");
}

#[test]
fn the_examples_decode_as_documented() {
    let registry = bounce_providers::registry().unwrap();
    let decoder = Decoder::new(registry);
    let root = bounce_tests::root().join("examples");
    let d = decoder
        .decode(
            &std::fs::read(root.join("postfix-user-unknown.eml")).unwrap(),
            "x",
        )
        .unwrap();
    assert_eq!(d.facts.len(), 1);
    let f = &d.facts[0];
    assert_eq!(
        (
            f.recipient.as_str(),
            f.reason.as_str(),
            f.deliverystatus.as_str()
        ),
        ("taro.yamada@example.co.jp", "userunknown", "5.1.1")
    );
    assert!(f.hardbounce);
    assert_eq!(f.addresser, "newsletter@example.org");
    assert_eq!(f.subject, "春のお知らせ");
    let plain = decoder
        .decode(&std::fs::read(root.join("not-a-bounce.eml")).unwrap(), "x")
        .unwrap();
    assert!(
        plain.facts.is_empty() && plain.decoder.is_none(),
        "{plain:?}"
    );
}
