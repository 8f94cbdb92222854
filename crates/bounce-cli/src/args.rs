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
    /// Count what a spool holds: messages, bounces, facts, and facts by
    /// reason, by provider and by recipient domain, hard and soft.
    ///
    /// Every fact that `parse` would print with the same options is counted
    /// exactly once.
    Stats(StatsArgs),
    /// List every provider and standard decoder with a one-line summary.
    Providers,
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// Files, mboxes, Maildirs or directories; `-` or nothing for stdin.
    #[arg(value_name = "PATH")]
    pub paths: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = StatsFormat::Table)]
    pub format: StatsFormat,
    /// How many recipient domains to list.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub top: usize,
    /// Also count successful deliveries, as `parse --delivered` reports them.
    #[arg(long)]
    pub delivered: bool,
    /// Also count automatic replies, as `parse --vacation` reports them.
    #[arg(long)]
    pub vacation: bool,
    #[command(flatten)]
    pub batch: BatchArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatsFormat {
    /// Aligned text for people.
    Table,
    /// One JSON object.
    Json,
    /// Rows of section,key,count.
    Csv,
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
    pub batch: BatchArgs,
}

/// How a batch of inputs is read.
#[derive(Debug, Args, Clone, Copy)]
pub struct BatchArgs {
    /// Messages decoded in parallel; 0 means one per core. Output keeps the
    /// input order whatever the number.
    #[arg(long, short, value_name = "N", default_value_t = 0)]
    pub jobs: usize,
    /// Largest message decoded, in bytes; larger ones are reported as failed.
    #[arg(long, value_name = "BYTES", default_value_t = 64 << 20)]
    pub max_message_size: usize,
    /// Most recipients reported per message.
    #[arg(long, value_name = "N", default_value_t = 100_000)]
    pub max_recipients: usize,
    /// No progress bar and no summary on stderr (failures are still named).
    #[arg(long, short)]
    pub quiet: bool,
}

impl BatchArgs {
    /// Worker threads to use.
    pub fn jobs(&self) -> usize {
        match self.jobs {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
            n => n,
        }
    }
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
