//! `bounce`: diagnose bounced email from the command line. Argument parsing
//! and rendering only; the work is done by bounce-core and the provider
//! crates linked through bounce-providers.

mod args;
mod batch;
mod commands;
mod diagnose;
mod explain;
mod json;
mod lang;
mod reasons;
mod stats;

use clap::Parser;
use std::io::{self, Write};
use std::process::ExitCode;

/// mimalloc instead of the system allocator: decoding a message allocates
/// and frees many small strings and vectors, and glibc's malloc spent about
/// a tenth of the instructions of a run on them.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    match commands::run(cli) {
        Ok(code) => code,
        Err(err) => {
            // A closed pipe (`bounce parse ... | head`) is not a failure.
            if err.chain().any(|e| {
                e.downcast_ref::<io::Error>()
                    .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            let _ = writeln!(io::stderr(), "bounce: {err:#}");
            ExitCode::from(1)
        }
    }
}
