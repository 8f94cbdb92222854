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
use std::borrow::Cow;

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
    // Where the line after the title starts (`trim` drops the line's end,
    // as `lines` does).
    let mut after_title = 0;
    text::split_inclusive_lf(body)
        .map(|l| {
            after_title += l.len();
            l.trim()
        })
        .find(|t| t.len() > 6 && t.starts_with("** ") && t.ends_with(" **"))?;
    let dsn = mail.dsn();
    // Searchers built once: every candidate's report is searched.
    static GOOGLEMAIL: Needle = Needle::new("googlemail.com");
    static EXPLAINED: [Needle; 3] = [
        Needle::new(EXPLANATIONS[0].0),
        Needle::new(EXPLANATIONS[1].0),
        Needle::new(EXPLANATIONS[2].0),
    ];
    static NOT_FOUND: Needle = Needle::new(ADDRESS_NOT_FOUND);
    const _: () = assert!(EXPLANATIONS.len() == 3, "one needle per explanation");
    let from_google = from_google_daemon(mail) || dsn.is_some_and(|d| GOOGLEMAIL.contains(d));
    if !from_google {
        return None;
    }
    // The lines after the title joined with `\n`: without a `\r`, that is
    // the text itself less one final `\n`, so it is borrowed.
    let rest = &body[after_title..];
    let text_part: Cow<'_, str> = if rest.contains('\r') {
        Cow::Owned(rest.lines().collect::<Vec<_>>().join("\n"))
    } else {
        Cow::Borrowed(rest.strip_suffix('\n').unwrap_or(rest))
    };
    // Searchers built once: every notice's text is searched.
    static RESPONSE_AT: [Needle; 2] = [Needle::new(RESPONSE[0]), Needle::new(RESPONSE[1])];
    let (explanation, response) = match RESPONSE_AT
        .iter()
        .filter_map(|m| m.find(&text_part).map(|p| (p, m.as_str().len())))
        .min()
    {
        Some((p, len)) => (&text_part[..p], squeeze(&text_part[p + len..])),
        None => (text_part.as_ref(), String::new()),
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
        // What `format!("{} {}", ...)` writes, without the formatting
        // machinery.
        let mut said = String::with_capacity(d.diagnosis.len() + 1 + explanation.len());
        said.push_str(&d.diagnosis);
        said.push(' ');
        said.push_str(explanation);
        let explained = EXPLAINED
            .iter()
            .zip(EXPLANATIONS)
            .find(|(p, _)| p.contains(&said));
        if let Some((_, (_, reason, rule))) = explained {
            d.reason = Some(*reason);
            d.rule = rule;
        } else if NOT_FOUND.contains(explanation) {
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
