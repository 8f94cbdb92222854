//! Names every provider crate so that the linker keeps them and their
//! `inventory` registrations (a crate the binary never names may not be
//! linked at all). Depend on this crate to get every provider.

use bounce_core::{Registry, RegistryError};

// One line per provider crate (kept sorted; `cargo xtask new-provider` adds here).
// providers-begin
use bounce_provider_activehunter as _;
use bounce_provider_amavis as _;
use bounce_provider_amazon as _;
use bounce_provider_aol as _;
use bounce_provider_apachejames as _;
use bounce_provider_apple as _;
use bounce_provider_au as _;
use bounce_provider_barracuda as _;
use bounce_provider_bigfoot as _;
use bounce_provider_biglobe as _;
use bounce_provider_courier as _;
use bounce_provider_cox as _;
use bounce_provider_docomo as _;
use bounce_provider_domino as _;
use bounce_provider_dragonfly as _;
use bounce_provider_einsundeins as _;
use bounce_provider_exchange as _;
use bounce_provider_exim as _;
use bounce_provider_ezweb as _;
use bounce_provider_facebook as _;
use bounce_provider_fml as _;
use bounce_provider_franceptt as _;
use bounce_provider_fullmailbox as _;
use bounce_provider_gmx as _;
use bounce_provider_godaddy as _;
use bounce_provider_google as _;
use bounce_provider_imailserver as _;
use bounce_provider_iua as _;
use bounce_provider_jwh as _;
use bounce_provider_kddi as _;
use bounce_provider_lolipop as _;
use bounce_provider_mailfoundry as _;
use bounce_provider_mailmarshal as _;
use bounce_provider_mailru as _;
use bounce_provider_mcafee as _;
use bounce_provider_messagelabs as _;
use bounce_provider_messagingserver as _;
use bounce_provider_mfilter as _;
use bounce_provider_microsoft as _;
use bounce_provider_mimecast as _;
use bounce_provider_mxlogic as _;
use bounce_provider_notes as _;
use bounce_provider_ocn as _;
use bounce_provider_opensmtpd as _;
use bounce_provider_postfix as _;
use bounce_provider_powermta as _;
use bounce_provider_qmail_generic as _;
use bounce_provider_sendgrid as _;
use bounce_provider_sendmail as _;
use bounce_provider_softbank as _;
use bounce_provider_spectrum as _;
use bounce_provider_surfcontrol as _;
use bounce_provider_tencent as _;
use bounce_provider_trendmicro as _;
use bounce_provider_v5sendmail as _;
use bounce_provider_verizon as _;
use bounce_provider_x1 as _;
use bounce_provider_x2 as _;
use bounce_provider_x3 as _;
use bounce_provider_x4 as _;
use bounce_provider_x5 as _;
use bounce_provider_x6 as _;
use bounce_provider_yahoo as _;
use bounce_provider_yahooinc as _;
use bounce_provider_yandex as _;
use bounce_provider_zoho as _;
// providers-end

/// The registry of every provider.
pub fn registry() -> Result<&'static Registry, RegistryError> {
    Registry::global()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// Every folder `crates/bounce-provider-*` is named here and in the
    /// manifest, and the registry builds (no duplicate ids).
    #[test]
    fn every_provider_crate_is_linked() {
        let crates = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let lib = include_str!("lib.rs");
        let manifest = include_str!("../Cargo.toml");
        let mut n = 0;
        for entry in std::fs::read_dir(crates).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            if let Some(id) = name.strip_prefix("bounce-provider-") {
                n += 1;
                let ident = name.replace('-', "_");
                assert!(
                    lib.contains(&format!("use {ident} as _;")),
                    "{name} is not named in bounce-providers/src/lib.rs"
                );
                assert!(
                    manifest.contains(&format!("{name} = {{ path = \"../{name}\" }}")),
                    "{name} is not a dependency"
                );
                let registry = super::registry().unwrap();
                assert!(
                    // A vendor crate may register several providers
                    // (bounce-provider-exchange: exchange2003, exchange2007).
                    registry
                        .providers()
                        .iter()
                        .any(|p| p.id.starts_with(id) || id.starts_with(p.id)),
                    "no provider registered by {name}"
                );
            }
        }
        assert_eq!(
            n,
            registry_crate_count(lib),
            "lines in lib.rs and folders differ"
        );
    }

    fn registry_crate_count(lib: &str) -> usize {
        lib.lines()
            .filter(|l| l.starts_with("use bounce_provider_"))
            .count()
    }
}
