//! One function per subcommand.

use crate::args::{Cli, Command, Format, ParseArgs};
use crate::batch;
use bounce_core::{Fact, Reason};
use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Parse(args) => parse(args),
        Command::Providers => providers(),
    }
}

fn parse(args: ParseArgs) -> anyhow::Result<ExitCode> {
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut first = true;
    if args.format == Format::Json {
        out.write_all(b"[")?;
    }
    let keep = |f: &Fact| match f.reason {
        Reason::Delivered => args.delivered,
        Reason::Vacation => args.vacation,
        _ => true,
    };
    let account = batch::run(args.paths, args.limits, |decoded| {
        for fact in decoded.facts.iter().filter(|f| keep(f)) {
            match args.format {
                Format::Jsonl => {
                    serde_json::to_writer(&mut out, fact)?;
                    out.write_all(b"\n")?;
                }
                Format::Json => {
                    out.write_all(if first { b"\n" } else { b",\n" })?;
                    serde_json::to_writer_pretty(&mut out, fact)?;
                }
            }
            first = false;
        }
        Ok(())
    })?;
    if args.format == Format::Json {
        out.write_all(if first { b"]\n" } else { b"\n]\n" })?;
    }
    out.flush()?;
    report(&account, args.limits.quiet)
}

/// Prints the account on stderr and returns the exit status.
fn report(account: &batch::Account, quiet: bool) -> anyhow::Result<ExitCode> {
    let mut err = io::stderr().lock();
    for f in &account.failed {
        writeln!(err, "bounce: {f}")?;
    }
    if !quiet && (account.messages > 1 || !account.failed.is_empty()) {
        writeln!(err, "bounce: {account}")?;
    }
    Ok(if account.failed.is_empty() {
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
