#![doc = include_str!("../README.md")]

use bounce_core::rules::{by_code, RemoteRule, Wordings};
use bounce_core::Reason;

/// The domains of Orange (formerly France Télécom) and La Poste, and their MX
/// hosts (`smtp-in.orange.fr`, `smtpz4.laposte.net`).
const RHOSTS: &[&str] = &["orange.fr", "wanadoo.fr", "laposte.net"];

/// The last three digits of Orange's (`OFR_416`, `OFR006_102`) and La
/// Poste's (`LPN007_426`) error codes, and the reason each means. The first
/// digit is the stage: 1 the connection, 4 the recipient, 5 the message, 6 a
/// policy.
const CODES: &[(u16, Reason, &str)] = &[
    // The source IP address is blocked for spam ("Adresse IP source bloquee
    // pour incident de spam").
    (102, Reason::Blocked, "franceptt:102"),
    (103, Reason::Blocked, "franceptt:103"),
    // "Trop de connexions" / "Too many connections, slow down".
    (104, Reason::RateLimited, "franceptt:104"),
    // "Service refuse" when connecting: the client is refused for now.
    (107, Reason::Blocked, "franceptt:107"),
    (108, Reason::Blocked, "franceptt:108"),
    // "Adresse d au moins un destinataire invalide" / "Invalid recipient".
    (416, Reason::UserUnknown, "franceptt:416"),
    // "Boite du destinataire pleine" / "Recipient overquota".
    (417, Reason::MailboxFull, "franceptt:417"),
    (418, Reason::UserUnknown, "franceptt:418"),
    // "Boite du destinataire archivee" / "Archived recipient".
    (420, Reason::Suspend, "franceptt:420"),
    // "Le compte du destinataire est bloque" / "The recipient account is blocked".
    (426, Reason::Suspend, "franceptt:426"),
    // "Service refuse" after the message: the server cannot take it now.
    (505, Reason::SystemError, "franceptt:505"),
    // "Mail rejete" / "Mail rejected": the content was judged spam.
    (506, Reason::SpamDetected, "franceptt:506"),
    // "Les emails envoyes ... ont ete bloques par nos services".
    (510, Reason::Blocked, "franceptt:510"),
    // "Taille du message trop importante" / "Message size too big".
    (514, Reason::EmailTooLarge, "franceptt:514"),
    // A policy refusal of the client ("Client host rejected").
    (630, Reason::PolicyViolation, "franceptt:630"),
    // "Service refuse. Veuillez essayer plus tard": refused at the greeting.
    (999, Reason::Blocked, "franceptt:999"),
];

/// Wordings (French and English halves of the same replies), lowercase, for
/// replies that come without a code.
static WORDINGS: Wordings = Wordings::new(&[
    (
        "client host blocked for spamming",
        Reason::Blocked,
        "franceptt:ip-blocked",
    ),
    (
        "ont ete bloques par nos services",
        Reason::Blocked,
        "franceptt:blocked-by-our-services",
    ),
    (
        "too many connections, slow down",
        Reason::RateLimited,
        "franceptt:too-many-connections",
    ),
    (
        "trop de connexions",
        Reason::RateLimited,
        "franceptt:too-many-connections",
    ),
    (
        "le compte du destinataire est bloque",
        Reason::Suspend,
        "franceptt:account-blocked",
    ),
    (
        "the recipient account is blocked",
        Reason::Suspend,
        "franceptt:account-blocked",
    ),
    (
        "boite du destinataire pleine",
        Reason::MailboxFull,
        "franceptt:overquota",
    ),
    (
        "destinataire invalide",
        Reason::UserUnknown,
        "franceptt:invalid-recipient",
    ),
    (
        "spf/dns de votre nom de domaine",
        Reason::AuthFailure,
        "franceptt:spf",
    ),
]);

static RULE: RemoteRule = RemoteRule::new(RHOSTS).codes(code).wordings(&WORDINGS);

/// The reason of the Orange or La Poste error code in a reply.
fn code(text: &str) -> Option<(Reason, &'static str)> {
    let code = error_code(text)?;
    by_code(CODES, |c| *c == code)
}

/// The three digits of an `OFR_416`, `OFR006_102` or `LPN007_426` code.
fn error_code(text: &str) -> Option<u16> {
    let bytes = text.as_bytes();
    (0..bytes.len().saturating_sub(3)).find_map(|i| {
        let prefix = &bytes[i..i + 3];
        if !(prefix.eq_ignore_ascii_case(b"ofr") || prefix.eq_ignore_ascii_case(b"lpn"))
            || i > 0 && bytes[i - 1].is_ascii_alphanumeric()
        {
            return None;
        }
        let mut j = i + 3;
        let digits = bytes[j..].iter().take_while(|b| b.is_ascii_digit()).count();
        if digits != 0 && digits != 3 {
            return None;
        }
        j += digits;
        if bytes.get(j) != Some(&b'_') {
            return None;
        }
        let code = bytes.get(j + 1..j + 4)?;
        if !code.iter().all(u8::is_ascii_digit)
            || bytes.get(j + 4).is_some_and(u8::is_ascii_alphanumeric)
        {
            return None;
        }
        std::str::from_utf8(code).ok()?.parse().ok()
    })
}

bounce_core::inventory::submit! {
    RULE.provider("franceptt", include_str!("../README.md"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refine(rhost: &str, diagnosis: &str) -> Option<Reason> {
        bounce_testkit::refine(&RULE, rhost, diagnosis)
    }

    #[test]
    fn codes() {
        assert_eq!(error_code("Invalid recipient. OFR_416 [416]"), Some(416));
        assert_eq!(
            error_code("for spamming issues. OFR006_102 Ref http://"),
            Some(102)
        );
        assert_eq!(
            error_code("Client host rejected: #216 lpn LPN000_630"),
            Some(630)
        );
        assert_eq!(error_code("Mail rejected. ofr_506 [506]"), Some(506));
        assert_eq!(error_code("LPNAAA_300"), None);
        assert_eq!(error_code("XOFR_416"), None);
        assert_eq!(error_code("OFR_4167"), None);
        let orange = "smtp-in.orange.fr";
        assert_eq!(refine(orange, "421 4.2.0 Service refuse. Veuillez essayer plus tard. Service refused, please try later. OFR005_505 [505]"), Some(Reason::SystemError));
        assert_eq!(refine(orange, "421 mwinf5c77 ME Service refuse. Veuillez essayer plus tard. Service refused, please try later. OFR_999 [999]"), Some(Reason::Blocked));
        assert_eq!(refine("smtpz4.laposte.net", "550 5.5.0 Le compte du destinataire est bloque. The recipient account is blocked. LPN007_426"), Some(Reason::Suspend));
        assert_eq!(
            refine(
                "",
                "421 4.2.1 Trop de connexions, veuillez verifier votre configuration."
            ),
            Some(Reason::RateLimited)
        );
        assert_eq!(refine(orange, "550 5.7.1 something else entirely"), None);
        assert_eq!(
            refine("relay.example.net", "Invalid recipient. OFR_416 [416]"),
            None
        );
    }
}
