#![doc = include_str!("../README.md")]

mod ex2003;
mod ex2007;

use bounce_core::{Kind, Provider};

bounce_core::inventory::submit! {
    Provider {
        id: "exchange2003",
        kind: Kind::Mta,
        doc: include_str!("../docs/exchange2003.md"),
        fingerprints: &[
            "X-MS-Embedded-Report",
            "with Internet Mail Service (",
            "Microsoft Exchange Server Internet Mail Connector",
            "Produced By Microsoft Exchange",
            "did not reach the following recipient(s)",
        ],
        rhosts: &[],
        phrases: &[],
        matcher: &ex2003::Exchange2003,
    }
}

bounce_core::inventory::submit! {
    Provider {
        id: "exchange2007",
        kind: Kind::Mta,
        doc: include_str!("../docs/exchange2007.md"),
        fingerprints: &[
            "Diagnostic information for administrators",
            "Informations de diagnostic pour les administrateurs",
            "Informazioni di diagnostica per gli amministratori",
            "X-MS-Exchange-Message-Is-Ndr",
        ],
        rhosts: &[],
        phrases: &[],
        matcher: &ex2007::Exchange2007,
    }
}
