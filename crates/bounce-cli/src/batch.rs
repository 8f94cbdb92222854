//! Runs the decoder over every message of a set of inputs, in parallel and
//! in input order, and keeps the account: messages read, bounces,
//! non-bounces, and inputs that failed.
//!
//! One thread reads (streaming: an mbox is never held whole), `jobs` workers
//! decode and render chunks of messages, and the calling thread puts the
//! chunks back in input order. Memory stays bounded: the reader may be at
//! most a fixed number of chunks ahead of the output.

use crate::args::BatchArgs;
use bounce_core::input::{InputError, Inputs, Item, Lent};
use bounce_core::{Decoded, Decoder, Limits, Reason};
use std::collections::BTreeMap;
use std::fmt;
use std::io::IsTerminal;
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::{Arc, Mutex};

/// Messages per chunk handed to a worker.
const CHUNK: usize = 64;

/// A chunk of input items and its place in the input order.
type Chunk = (usize, Vec<Item>);

/// What a batch went through.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Account {
    /// Messages read (decoded or not), and inputs that could not be opened.
    pub messages: usize,
    /// Messages a decoder recognised.
    pub bounces: usize,
    /// Facts reported by the decoders (before any output filter).
    pub facts: usize,
    /// Of those, successful deliveries and automatic replies.
    pub delivered: usize,
    /// See `delivered`.
    pub vacation: usize,
    /// Facts the command did not show (set by the command: `parse` leaves
    /// out deliveries and automatic replies unless asked), so that the
    /// account says so.
    pub hidden: usize,
    /// Inputs (or messages of them) that could not be read or decoded, with why.
    pub failed: Vec<String>,
    /// Messages that could not be read or decoded.
    pub failed_messages: usize,
}

impl Account {
    /// Messages read that were no bounce.
    pub fn not_bounces(&self) -> usize {
        self.messages
            .saturating_sub(self.bounces + self.failed_messages)
    }
}

impl fmt::Display for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} message(s) read: {} bounce(s), {} not a bounce, {} failed; {} fact(s)",
            self.messages,
            self.bounces,
            self.not_bounces(),
            self.failed_messages,
            self.facts
        )?;
        if self.hidden > 0 {
            write!(
                f,
                ", {} not shown (deliveries or automatic replies: see --delivered, --vacation)",
                self.hidden
            )?;
        }
        Ok(())
    }
}

/// How a batch runs.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Limits, threads and verbosity.
    pub batch: BatchArgs,
}

/// One message's outcome, as a worker hands it back. Its output went into
/// the accumulator of its chunk.
struct Done {
    bounce: bool,
    facts: usize,
    delivered: usize,
    vacation: usize,
    bytes: usize,
    /// Read or decode failures, and notes such as truncated recipients.
    failure: Option<String>,
    note: Option<String>,
}

/// A chunk's outcomes and the output of its messages.
type Decided<R> = (usize, Vec<Done>, R);

/// Decodes every message of `paths`. `work` appends each decoded message's
/// output to an accumulator on the worker thread (rendering, counting), one
/// accumulator for a run of messages so that no message needs an allocation
/// of its own; `each` receives the accumulators on the calling thread, in
/// input order, and leaves them empty (they are used again).
pub fn run<R: Default + Send>(
    paths: Vec<String>,
    opts: Options,
    work: impl Fn(&Decoded, &mut R) + Sync,
    mut each: impl FnMut(&mut R) -> anyhow::Result<()>,
) -> anyhow::Result<Account> {
    let registry = bounce_providers::registry()?;
    let decoder = Decoder::new(registry).with_limits(Limits {
        max_depth: opts.batch.max_depth,
        max_message_bytes: opts.batch.max_message_size,
        max_recipients: opts.batch.max_recipients,
    });
    let progress = Progress::new(&paths, opts.batch.quiet);
    let inputs = Inputs::new(paths, opts.batch.max_message_size);
    let mut account = Account::default();
    let take = |done: Done, account: &mut Account| {
        account.messages += 1;
        account.bounces += usize::from(done.bounce);
        account.facts += done.facts;
        account.delivered += done.delivered;
        account.vacation += done.vacation;
        progress.advance(done.bytes);
        if let Some(f) = done.failure {
            account.failed_messages += 1;
            account.failed.push(f);
        }
        if let Some(n) = done.note {
            account.failed.push(n);
        }
    };
    let one = |item: Item, acc: &mut R| -> Done {
        match item {
            Item::Message { origin, bytes } => process(&decoder, &origin, &bytes, &work, acc),
            Item::Failed(e) => unreadable(&e),
        }
    };

    if opts.batch.jobs() <= 1 {
        // One thread: messages are decoded where the reader has them.
        let mut inputs = inputs;
        let mut acc = R::default();
        while let Some(lent) = inputs.next_lent() {
            let done = match lent {
                Lent::Message { origin, bytes } => {
                    process(&decoder, origin, &bytes, &work, &mut acc)
                }
                Lent::Failed(e) => unreadable(&e),
            };
            take(done, &mut account);
            each(&mut acc)?;
        }
    } else {
        // Accumulators written out, for the workers to fill again (no more
        // exist than chunks in flight).
        let spare: Mutex<Vec<R>> = Mutex::new(Vec::new());
        std::thread::scope(|scope| -> anyhow::Result<()> {
            // At most `ahead` chunks are read but not yet written.
            let ahead = opts.batch.jobs() * 4;
            let (chunk_tx, chunk_rx) = sync_channel::<Chunk>(ahead);
            let (done_tx, done_rx) = sync_channel::<Decided<R>>(ahead);
            let (token_tx, token_rx) = sync_channel::<()>(ahead);
            for _ in 0..ahead {
                token_tx.send(())?;
            }
            scope.spawn(move || {
                let mut seq = 0;
                let mut chunk = Vec::with_capacity(CHUNK);
                for item in inputs {
                    chunk.push(item);
                    if chunk.len() == CHUNK {
                        if token_rx.recv().is_err()
                            || chunk_tx.send((seq, std::mem::take(&mut chunk))).is_err()
                        {
                            return;
                        }
                        seq += 1;
                    }
                }
                if !chunk.is_empty() && token_rx.recv().is_ok() {
                    let _ = chunk_tx.send((seq, chunk));
                }
            });
            let chunk_rx: Arc<Mutex<Receiver<Chunk>>> = Arc::new(Mutex::new(chunk_rx));
            for _ in 0..opts.batch.jobs() {
                let rx = Arc::clone(&chunk_rx);
                let tx = done_tx.clone();
                let one = &one;
                let spare = &spare;
                scope.spawn(move || loop {
                    let next = rx
                        .lock()
                        .map_err(|_| ())
                        .and_then(|r| r.recv().map_err(|_| ()));
                    let Ok((seq, items)) = next else { return };
                    let mut acc = spare
                        .lock()
                        .ok()
                        .and_then(|mut s| s.pop())
                        .unwrap_or_default();
                    let out: Vec<Done> = items.into_iter().map(|i| one(i, &mut acc)).collect();
                    if tx.send((seq, out, acc)).is_err() {
                        return;
                    }
                });
            }
            drop(done_tx);
            let mut pending: BTreeMap<usize, (Vec<Done>, R)> = BTreeMap::new();
            let mut next = 0;
            for (seq, out, acc) in done_rx.iter() {
                pending.insert(seq, (out, acc));
                while let Some((out, mut acc)) = pending.remove(&next) {
                    for done in out {
                        take(done, &mut account);
                    }
                    each(&mut acc)?;
                    if let Ok(mut s) = spare.lock() {
                        s.push(acc);
                    }
                    next += 1;
                    // A closed reader just means it has finished.
                    let _ = token_tx.send(());
                }
            }
            Ok(())
        })?;
    }
    progress.finish();
    Ok(account)
}

/// Decodes one message, its output appended to `acc`.
fn process<R>(
    decoder: &Decoder<'_>,
    origin: &str,
    bytes: &[u8],
    work: &(impl Fn(&Decoded, &mut R) + Sync),
    acc: &mut R,
) -> Done {
    match decoder.decode(bytes, origin) {
        Ok(decoded) => {
            work(&decoded, acc);
            let count = |reason| decoded.facts.iter().filter(|f| f.reason == reason).count();
            Done {
                bounce: decoded.decoder.is_some(),
                facts: decoded.facts.len(),
                delivered: count(Reason::Delivered),
                vacation: count(Reason::Vacation),
                bytes: bytes.len(),
                failure: None,
                note: (decoded.truncated > 0).then(|| {
                    format!(
                        "{origin}: {} recipient(s) beyond --max-recipients were not reported",
                        decoded.truncated
                    )
                }),
            }
        }
        Err(e) => Done {
            bounce: false,
            facts: 0,
            delivered: 0,
            vacation: 0,
            bytes: bytes.len(),
            failure: Some(format!("{origin}: {e}")),
            note: None,
        },
    }
}

/// The outcome of an input that could not be read.
fn unreadable(e: &InputError) -> Done {
    Done {
        bounce: false,
        facts: 0,
        delivered: 0,
        vacation: 0,
        bytes: 0,
        failure: Some(e.to_string()),
        note: None,
    }
}

/// A progress bar on stderr for large inputs, only when stderr is a terminal.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    messages: std::cell::Cell<u64>,
}

impl Progress {
    /// Inputs of at least this many bytes (or any directory) get a bar.
    const LARGE: u64 = 32 << 20;

    fn new(paths: &[String], quiet: bool) -> Progress {
        if quiet || !std::io::stderr().is_terminal() {
            return Progress::none();
        }
        let mut total = 0u64;
        let mut tree = false;
        for p in paths {
            match std::fs::metadata(p) {
                Ok(m) if m.is_dir() => tree = true,
                Ok(m) => total += m.len(),
                Err(_) => {}
            }
        }
        let bar = if tree {
            let bar = indicatif::ProgressBar::new_spinner();
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{spinner} {pos} messages ({per_sec}) {elapsed}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
            );
            bar
        } else if total >= Self::LARGE {
            let bar = indicatif::ProgressBar::new(total);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{bar:40} {bytes}/{total_bytes} {binary_bytes_per_sec}, {msg} messages, eta {eta}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar
        } else {
            return Progress::none();
        };
        bar.set_draw_target(indicatif::ProgressDrawTarget::stderr_with_hz(4));
        Progress {
            bar: Some(bar),
            messages: std::cell::Cell::new(0),
        }
    }

    fn none() -> Progress {
        Progress {
            bar: None,
            messages: std::cell::Cell::new(0),
        }
    }

    fn advance(&self, bytes: usize) {
        if let Some(bar) = &self.bar {
            if bar.length().is_some() {
                bar.inc(bytes as u64);
                let n = self.messages.get() + 1;
                self.messages.set(n);
                if n.is_multiple_of(1024) {
                    bar.set_message(n.to_string());
                }
            } else {
                bar.inc(1);
            }
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
