//! Any bytes as one message, through the full dispatcher.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let registry = bounce_providers::registry().unwrap();
    let _ = bounce_core::Decoder::new(registry).decode(data, "fuzz");
});
