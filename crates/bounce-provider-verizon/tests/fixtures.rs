//! Every fixture of this provider (tests/fixtures/NAME.eml with NAME.json),
//! run with LF, CRLF and bare-CR line endings.

use bounce_provider_verizon as _;
// Linked as in the binary, so that the fixtures record what the whole
// product reports (a bounce relayed by Postfix is decoded by postfix).
use bounce_provider_postfix as _;

#[test]
fn fixtures() {
    bounce_testkit::check_dir(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"),
    );
}
