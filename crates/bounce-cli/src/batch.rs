//! Runs the decoder over every message of a set of inputs and keeps the
//! account: messages read, bounces, non-bounces, and inputs that failed.

use crate::args::LimitArgs;
use bounce_core::input::{Inputs, Item};
use bounce_core::{Decoded, Decoder, Limits};
use std::fmt;

/// What a batch went through.
#[derive(Debug, Default)]
pub struct Account {
    /// Messages read (decoded or not).
    pub messages: usize,
    /// Messages a decoder recognised.
    pub bounces: usize,
    /// Facts reported.
    pub facts: usize,
    /// Inputs (or messages of them) that could not be read or decoded, with why.
    pub failed: Vec<String>,
}

impl fmt::Display for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} message(s) read: {} bounce(s), {} not a bounce, {} failed; {} fact(s)",
            self.messages,
            self.bounces,
            self.messages
                .saturating_sub(self.bounces + self.failed.len()),
            self.failed.len(),
            self.facts
        )
    }
}

/// Decodes every message of `paths`, calling `each` with the result of every
/// message that could be decoded. Failures are collected in the account.
pub fn run(
    paths: Vec<String>,
    limits: LimitArgs,
    mut each: impl FnMut(&Decoded) -> anyhow::Result<()>,
) -> anyhow::Result<Account> {
    let registry = bounce_providers::registry()?;
    let decoder = Decoder::new(registry).with_limits(Limits {
        max_message_bytes: limits.max_message_size,
        max_recipients: limits.max_recipients,
    });
    let mut account = Account::default();
    for item in Inputs::new(paths, limits.max_message_size) {
        match item {
            Item::Message { origin, bytes } => {
                account.messages += 1;
                match decoder.decode(&bytes, &origin) {
                    Ok(decoded) => {
                        if decoded.decoder.is_some() {
                            account.bounces += 1;
                        }
                        if decoded.truncated > 0 {
                            account.failed.push(format!(
                                "{origin}: {} recipient(s) beyond --max-recipients were not reported",
                                decoded.truncated
                            ));
                        }
                        account.facts += decoded.facts.len();
                        each(&decoded)?;
                    }
                    Err(e) => account.failed.push(format!("{origin}: {e}")),
                }
            }
            Item::Failed(e) => {
                account.messages += 1;
                account.failed.push(e.to_string());
            }
        }
    }
    Ok(account)
}
