//! Google's current delivery notices (since about 2016, for Gmail and Google
//! Workspace alike): a text part headed by a line such as
//! `** Address not found **`, `** Message not delivered **`,
//! `** Delivery incomplete **` or `** Message blocked **`, an HTML twin, a
//! message/delivery-status part, and the returned message.
//!
//! Sisimai calls these G Suite notices when they carry Google's
//! `X-Gm-Message-State` header, as nearly all do; `gsuite` claims those and
//! `gmail` the rest.

use crate::{from_google_daemon, rules};
use bounce_core::dispatch::squeeze;
use bounce_core::standard::rfc3464;
use bounce_core::text::Needle;
use bounce_core::{text, Draft, Mail, ProviderMatcher, Reason, Report, Status};

/// The `gsuite` provider.
pub(crate) struct GSuite;

impl ProviderMatcher for GSuite {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        mail.header("X-Gm-Message-State")?;
        decode(mail)
    }
}

/// What precedes the remote server's reply, or Gmail's own account of the
/// failure, in the text part.
const RESPONSE: &[&str] = &[
    "The response from the remote server was:",
    "The response was:",
];

/// Gmail's explanations that name the reason themselves.
const EXPLANATIONS: &[(&str, Reason, &str)] = &[
    // RFC 7505: the domain says it receives no mail.
    ("Null MX", Reason::NotAccept, "gsuite:null-mx"),
    // DNS failures, which Gmail retries (status 4.0.0).
    (
        " responded with code NXDOMAIN",
        Reason::NetworkError,
        "gsuite:dns-nxdomain",
    ),
    (
        " had no relevant answers",
        Reason::NetworkError,
        "gsuite:dns-no-answer",
    ),
];

/// The explanation of `** Address not found **` for an address the receiving
/// server refused ("... because the address couldn't be found. Check for
/// typos" or "..., or is unable to receive mail"). The server's own status
/// code, when it names something more precise, decides instead.
const ADDRESS_NOT_FOUND: &str = "because the address couldn't be found";

/// Decodes a current-style notice: the delivery-status part when there is
/// one, the text otherwise.
pub(crate) fn decode(mail: &Mail<'_>) -> Option<Report> {
    let body = mail.body();
    let title_at = body.lines().position(|l| {
        let t = l.trim();
        t.len() > 6 && t.starts_with("** ") && t.ends_with(" **")
    })?;
    let dsn = mail.dsn();
    let from_google = from_google_daemon(mail) || dsn.is_some_and(|d| d.contains("googlemail.com"));
    if !from_google {
        return None;
    }
    let text_part: Vec<&str> = body.lines().skip(title_at + 1).collect();
    let text_part = text_part.join("\n");
    // Searchers built once: every notice's text is searched.
    static RESPONSE_AT: [Needle; 2] = [Needle::new(RESPONSE[0]), Needle::new(RESPONSE[1])];
    let (explanation, response) = match RESPONSE_AT
        .iter()
        .filter_map(|m| m.find(&text_part).map(|p| (p, m.as_str().len())))
        .min()
    {
        Some((p, len)) => (&text_part[..p], squeeze(&text_part[p + len..])),
        None => (text_part.as_str(), String::new()),
    };
    let explanation = squeeze(explanation);

    let mut drafts = match dsn {
        Some(d) => rfc3464::recipients(d),
        None => Vec::new(),
    };
    if drafts.is_empty() {
        // No delivery-status part: the text names the one recipient.
        let rcpt = text::find_address(&explanation)?;
        let mut d = Draft::new(rcpt);
        d.action = if explanation.contains("temporary problem") {
            "delayed"
        } else {
            "failed"
        }
        .to_owned();
        d.lhost = "googlemail.com".to_owned();
        drafts.push(d);
    }
    let only_one = drafts.len() == 1;
    for d in &mut drafts {
        // The text part speaks of one recipient; with several, only of the
        // one it names.
        let explanation = if only_one || explanation.contains(&d.recipient) {
            explanation.as_str()
        } else {
            ""
        };
        if d.diagnosis.trim().is_empty() {
            d.diagnosis = if response.is_empty() {
                explanation.to_owned()
            } else {
                response.clone()
            };
        }
        let said = format!("{} {}", d.diagnosis, explanation);
        if let Some((_, reason, rule)) = EXPLANATIONS.iter().find(|(p, _, _)| said.contains(p)) {
            d.reason = Some(*reason);
            d.rule = rule;
        } else if explanation.contains(ADDRESS_NOT_FOUND) {
            let specific = d
                .status
                .into_iter()
                .chain(Status::find(&d.diagnosis))
                .any(|s| !s.is_generic());
            if !specific {
                d.reason = Some(Reason::UserUnknown);
                d.rule = "gsuite:address-not-found";
            }
        } else if d.rhost.is_empty() {
            // No remote server named: the words are Google's own (a message
            // blocked by Google, a policy of the sender's Workspace domain).
            if let Some((reason, rule)) = rules::by_wording(d) {
                d.reason = Some(reason);
                d.rule = rule;
            }
        }
    }
    Some(Report::new(drafts))
}
