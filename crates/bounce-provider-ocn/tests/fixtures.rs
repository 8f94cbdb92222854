//! Every fixture of this provider (tests/fixtures/NAME.eml with NAME.json),
//! run with LF, CRLF and bare-CR line endings. The postfix provider is linked
//! too, so that a Postfix notice that is not OCN's is seen to go to it, and
//! the yahoo provider, whose remote-host rule reads the refusals of Yahoo!
//! JAPAN's servers that OCN relays.

use bounce_provider_ocn as _;
use bounce_provider_postfix as _;
use bounce_provider_yahoo as _;

#[test]
fn fixtures() {
    bounce_testkit::check_dir(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"),
    );
}
