//! Every fixture of this provider (tests/fixtures/NAME.eml with NAME.json),
//! run with LF, CRLF and bare-CR line endings.

use bounce_provider_docomo as _;
// The MTAs whose bounces quote docomo's replies in the fixtures.
use bounce_provider_postfix as _;
use bounce_provider_sendmail as _;

#[test]
fn fixtures() {
    bounce_testkit::check_dir(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"),
    );
}
