//! Any bytes as an mbox stream: split, then every message decoded.
#![no_main]

use bounce_core::input::{Item, Mbox};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let registry = bounce_providers::registry().unwrap();
    let decoder = bounce_core::Decoder::new(registry);
    let mut total = 0;
    for item in Mbox::new(std::io::Cursor::new(data), "fuzz".into(), 1 << 20) {
        if let Item::Message { bytes, .. } = item {
            total += bytes.len();
            let _ = decoder.decode(&bytes, "fuzz");
        }
    }
    assert!(total <= data.len());
});
