//! One function per subcommand.

use crate::args::{Cli, Command, Format, ParseArgs, StatsArgs};
use crate::batch::{self, Account, Options};
use crate::explain::WithAdvice;
use crate::json::{self, Layout};
use crate::stats::Stats;
use bounce_core::{Fact, Reason};
use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Parse(args) => parse(args),
        Command::Stats(args) => stats(args),
        Command::Providers => providers(),
        Command::Diagnose(args) => crate::diagnose::run(args),
        Command::Explain(args) => crate::explain::run(args),
        Command::Reasons(args) => crate::reasons::run(args),
    }
}

/// Whether a fact is reported, given the --delivered and --vacation flags.
fn reported(f: &Fact, delivered: bool, vacation: bool) -> bool {
    match f.reason {
        Reason::Delivered => delivered,
        Reason::Vacation => vacation,
        _ => true,
    }
}

fn parse(args: ParseArgs) -> anyhow::Result<ExitCode> {
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let (format, delivered, vacation) = (args.format, args.delivered, args.vacation);
    let advice = args.advice.then(|| crate::lang::resolve(args.lang));
    let mut first = true;
    if format == Format::Json {
        out.write_all(b"[")?;
    }
    // Rendering happens on the worker threads, into one buffer for a run of
    // messages; the output thread only writes. In a JSON array every object
    // is rendered after a `,\n`, whose comma the first one drops.
    let render = |decoded: &bounce_core::Decoded, buf: &mut Vec<u8>| {
        for f in decoded
            .facts
            .iter()
            .filter(|f| reported(f, delivered, vacation))
        {
            if format == Format::Json {
                buf.extend_from_slice(b",\n");
            }
            match (format, advice) {
                (Format::Jsonl, None) => json::write_fact(buf, f, Layout::Compact),
                (Format::Json, None) => json::write_fact(buf, f, Layout::Pretty),
                (Format::Jsonl, Some(lang)) => {
                    // Serialising plain strings and numbers into memory cannot fail.
                    let _ = serde_json::to_writer(&mut *buf, &WithAdvice::new(f, lang));
                }
                (Format::Json, Some(lang)) => {
                    let _ = serde_json::to_writer_pretty(&mut *buf, &WithAdvice::new(f, lang));
                }
            }
            if format == Format::Jsonl {
                buf.push(b'\n');
            }
        }
    };
    let account = batch::run(
        args.paths,
        Options { batch: args.batch },
        render,
        |buf: &mut Vec<u8>| {
            let mut bytes = &buf[..];
            if first && !bytes.is_empty() {
                first = false;
                if format == Format::Json {
                    bytes = &bytes[1..];
                }
            }
            out.write_all(bytes)?;
            buf.clear();
            Ok(())
        },
    )?;
    if format == Format::Json {
        out.write_all(if first { b"]\n" } else { b"\n]\n" })?;
    }
    out.flush()?;
    let mut account = account;
    account.hidden =
        if delivered { 0 } else { account.delivered } + if vacation { 0 } else { account.vacation };
    report(&account, args.batch.quiet)
}

fn stats(args: StatsArgs) -> anyhow::Result<ExitCode> {
    let (delivered, vacation) = (args.delivered, args.vacation);
    let mut stats = Stats::default();
    let summarise = |decoded: &bounce_core::Decoded,
                     acc: &mut Vec<(Reason, String, String, bool)>| {
        acc.extend(
            decoded
                .facts
                .iter()
                .filter(|f| reported(f, delivered, vacation))
                .map(|f| {
                    (
                        f.reason,
                        f.smtpagent.to_string(),
                        f.destination.clone(),
                        f.hardbounce,
                    )
                }),
        );
    };
    let account = batch::run(
        args.paths,
        Options { batch: args.batch },
        summarise,
        |facts: &mut Vec<_>| {
            for (reason, provider, destination, hard) in facts.drain(..) {
                stats.add(reason, provider, destination, hard);
            }
            Ok(())
        },
    )?;
    stats.account = account;
    let mut out = BufWriter::new(io::stdout().lock());
    stats.write(&mut out, args.format, args.top)?;
    out.flush()?;
    report(&stats.account, true)
}

/// Prints failures (and, unless quiet, the account) on stderr; the exit status.
pub fn report(account: &Account, quiet: bool) -> anyhow::Result<ExitCode> {
    let mut err = io::stderr().lock();
    for f in &account.failed {
        writeln!(err, "bounce: {}", crate::stats::printable(f))?;
    }
    if !quiet && (account.messages > 1 || !account.failed.is_empty()) {
        writeln!(err, "bounce: {account}")?;
    }
    Ok(if account.failed_messages == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn providers() -> anyhow::Result<ExitCode> {
    let registry = bounce_providers::registry()?;
    let mut out = BufWriter::new(io::stdout().lock());
    for p in registry.providers() {
        writeln!(out, "{:<16} {:<12} {}", p.id, p.kind.as_str(), p.summary())?;
    }
    for (id, summary) in bounce_core::standard::SUMMARIES {
        writeln!(out, "{id:<16} {:<12} {summary}", "standard")?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
