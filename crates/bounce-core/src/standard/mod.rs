//! The standard decoders, tried after every candidate provider has declined:
//! RFC 5965 feedback reports, RFC 3464 delivery status notifications, RFC 3834
//! automatic replies, and last a plain-text scan for "address + SMTP reply"
//! lines in anything that looks like a bounce.

pub mod arf;
pub mod rfc3464;
pub mod rfc3834;
pub mod textscan;

use crate::fact::Report;
use crate::mail::Mail;

/// A standard decoder: its id (reported as `smtpagent`) and its function.
pub type Standard = (&'static str, fn(&Mail<'_>) -> Option<Report>);

/// The standard decoders in the order they are tried.
pub const STANDARD: &[Standard] = &[
    ("arf", arf::decode),
    ("rfc3464", rfc3464::decode),
    ("rfc3834", rfc3834::decode),
    ("textscan", textscan::decode),
];

/// One-line descriptions for listings, by id.
pub const SUMMARIES: &[(&str, &str)] = &[
    (
        "arf",
        "Abuse and feedback reports (RFC 5965, multipart/report; report-type=feedback-report)",
    ),
    (
        "rfc3464",
        "Standard delivery status notifications (RFC 3464, message/delivery-status)",
    ),
    (
        "rfc3834",
        "Automatic replies: vacation and out-of-office notices (RFC 3834)",
    ),
    (
        "textscan",
        "Last resort: lines naming an address and an SMTP reply in any bounce-like message",
    ),
];
