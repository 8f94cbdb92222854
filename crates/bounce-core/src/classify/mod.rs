//! The reason classifier: from what a decoder saw of one recipient (status
//! code, reply code, SMTP command, the remote server's words) to one reason of
//! the vocabulary, with the rule that decided it as evidence.
//!
//! The phrase table lives in `phrases.rs`; provider crates add their own phrases
//! through [`crate::Provider::phrases`], and the registry builds one
//! [`Classifier`] from both, once.

mod decide;
mod phrases;
mod status;

use crate::reason::Reason;
use crate::smtp::{Command, ReplyCode, Status};
use std::borrow::Cow;

/// What is known about one failed recipient when its reason is decided.
#[derive(Clone, Copy, Debug, Default)]
pub struct Clue<'a> {
    /// The remote server's own words or the decoder's diagnostic text.
    pub diagnosis: &'a str,
    /// The enhanced status code, if known.
    pub status: Option<Status>,
    /// The SMTP reply code, if known.
    pub replycode: Option<ReplyCode>,
    /// The SMTP command the failure answered, if known.
    pub command: Option<Command>,
    /// The DSN `Action` field, lowercased (`failed`, `delayed`, `delivered`...).
    pub action: &'a str,
    /// The type of the diagnostic as the report declared it (`SMTP`,
    /// `X-Unix`, `X-Postfix`...), empty when unknown.
    pub diagnostictype: &'a str,
}

/// The decided reason and the rule that decided it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// The reason.
    pub reason: Reason,
    /// Which rule decided: `phrase:"user unknown"`, `status:5.1.1`, ...
    pub rule: Cow<'static, str>,
}

/// A phrase that, found in a diagnostic, names a reason. `source` is the id of
/// the provider that contributed it, or `core`.
#[derive(Clone, Copy, Debug)]
pub struct Phrase {
    /// The reason the phrase names.
    pub reason: Reason,
    /// The phrase, matched case-insensitively (ASCII) anywhere in the text.
    pub text: &'static str,
    /// Who contributed it.
    pub source: &'static str,
}

/// The classifier, built once from the core phrase table and every provider's.
pub struct Classifier {
    inner: phrases::Table,
}

impl Classifier {
    /// Builds the classifier from the core table plus `extra` phrases.
    pub fn new(extra: impl IntoIterator<Item = Phrase>) -> Classifier {
        Classifier {
            inner: phrases::Table::new(extra),
        }
    }

    /// Decides the reason for one recipient.
    pub fn classify(&self, clue: &Clue<'_>) -> Verdict {
        self.inner.classify(clue)
    }

    /// Only the phrase table: the reason the diagnostic text names, if any.
    pub fn by_text(&self, text: &str) -> Option<Verdict> {
        self.inner.by_text(text)
    }
}
