//! Any text pasted into `bounce explain`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let registry = bounce_providers::registry().unwrap();
    let facts = bounce_core::Decoder::new(registry).explain(text);
    assert!(!facts.is_empty());
});
