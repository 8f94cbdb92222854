//! RFC 5965 abuse feedback reports: a message/feedback-report part whose
//! Feedback-Type names the complaint, and the complained-about recipient from
//! Original-Rcpt-To or the returned original's To.

use crate::fact::{Draft, Report};
use crate::mail::{Mail, Original};
use crate::reason::Reason;
use crate::text::{self, field};

/// The recipient Sisimai reports when a feedback report names none.
pub const UNDISCLOSED: &str = "undisclosed-recipient-in-headers@libsisimai.org.invalid";

/// Decodes a feedback report.
pub fn decode(mail: &Mail<'_>) -> Option<Report> {
    let fb = mail.feedback()?;
    let fields = text::header_fields(fb);
    let kind = field(&fields, "Feedback-Type")
        .unwrap_or("other")
        .to_ascii_lowercase();
    let mut rcpts: Vec<String> = fields
        .iter()
        .filter(|f| f.name.eq_ignore_ascii_case("Original-Rcpt-To"))
        .map(|f| text::clean_address(&f.value))
        .filter(|a| a.contains('@'))
        .collect();
    if rcpts.is_empty() {
        let to = mail
            .original_headers()
            .map(Original::from_headers)
            .map(|o| o.to)
            .unwrap_or_default();
        // Reports that hide the recipient get Sisimai's placeholder, so that
        // a complaint is never dropped for want of an address.
        rcpts.push(if to.contains('@') {
            to
        } else {
            UNDISCLOSED.to_owned()
        });
    }
    let date = field(&fields, "Arrival-Date")
        .or_else(|| field(&fields, "Received-Date"))
        .unwrap_or("")
        .to_owned();
    let recipients = rcpts
        .into_iter()
        .map(|r| Draft {
            recipient: r,
            reason: Some(Reason::Feedback),
            feedbacktype: kind.clone(),
            diagnosis: mail.body().trim().to_owned(),
            date: date.clone(),
            rule: "arf:feedback-report",
            ..Draft::default()
        })
        .collect::<Vec<_>>();
    (!recipients.is_empty()).then(|| Report::new(recipients))
}
