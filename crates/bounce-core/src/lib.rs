//! The core of the bounce tool: the model ([`Fact`], [`Reason`], status and
//! reply codes), the [`ProviderMatcher`] trait and the [`Registry`] that
//! provider crates register into, the [`Decoder`] that dispatches a message to
//! them, the reason classifier, the standard report decoders (RFC 3464,
//! RFC 5965, RFC 3834), and readers for files, mboxes, Maildirs and trees.
//!
//! This crate names no provider: providers live in their own crates and
//! register themselves with `inventory::submit!`.

pub mod classify;
pub mod dispatch;
pub mod fact;
pub mod input;
mod literals;
pub mod mail;
pub mod provider;
pub mod reason;
pub mod rules;
pub mod smtp;
pub mod standard;
pub mod text;

pub use dispatch::{DecodeError, Decoded, Decoder, Limits};
pub use fact::{Draft, Evidence, Fact, Report};
pub use mail::{Mail, Original};
pub use provider::{Kind, Provider, ProviderMatcher, Registry, RegistryError};
pub use reason::Reason;
pub use smtp::{Command, ReplyCode, Status};

/// Re-exported so that provider crates register without naming inventory in
/// their own manifests.
pub use inventory;
