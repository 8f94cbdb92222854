//! Command-line arguments (clap derive).

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Diagnose bounced email: for each failed recipient, who refused the
/// message, the SMTP and enhanced status codes, the reason, and whether the
/// address should be dropped.
#[derive(Debug, Parser)]
#[command(
    name = "bounce",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Decode bounces into one JSON object per failed recipient.
    ///
    /// Each PATH is a message file, an mbox, a Maildir or a directory (read
    /// recursively); none, or `-`, reads standard input. Field names follow
    /// Sisimai's. Exit status: 0 when every input was read (bounce or not),
    /// 1 when some input could not be read, 2 for usage errors.
    Parse(ParseArgs),
    /// List every provider and standard decoder with a one-line summary.
    Providers,
}

#[derive(Debug, Args)]
pub struct ParseArgs {
    /// Files, mboxes, Maildirs or directories; `-` or nothing for stdin.
    #[arg(value_name = "PATH")]
    pub paths: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Jsonl)]
    pub format: Format,
    /// Also report successful deliveries (DSN action delivered/relayed/expanded).
    #[arg(long)]
    pub delivered: bool,
    /// Also report automatic replies (vacation, out of office).
    #[arg(long)]
    pub vacation: bool,
    #[command(flatten)]
    pub limits: LimitArgs,
}

#[derive(Debug, Args, Clone, Copy)]
pub struct LimitArgs {
    /// Largest message decoded, in bytes; larger ones are reported as failed.
    #[arg(long, value_name = "BYTES", default_value_t = 64 << 20)]
    pub max_message_size: usize,
    /// Most recipients reported per message.
    #[arg(long, value_name = "N", default_value_t = 100_000)]
    pub max_recipients: usize,
    /// No summary on stderr at the end.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// One JSON object per line.
    Jsonl,
    /// One JSON array.
    Json,
}

#[cfg(test)]
mod tests {
    #[test]
    fn clap_definition_is_valid() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
