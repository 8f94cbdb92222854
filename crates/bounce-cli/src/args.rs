//! Command-line arguments (clap derive).

use crate::lang::LangArg;
use bounce_core::Reason;
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
    /// Explain bounces to a person: for each failed recipient, the reason,
    /// what the codes mean, the server's own words, and what to do.
    ///
    /// Takes the same inputs as `parse` and reads them the same way; the
    /// exit status and the account on stderr are the same too. Colour is used
    /// only when standard output is a terminal and NO_COLOR is not set.
    Diagnose(DiagnoseArgs),
    /// Diagnose an error text pasted alone: a server's reply or a line of a
    /// bounce.
    ///
    /// TEXT is read from the arguments (several are joined with spaces), or
    /// from standard input when there is none or it is `-`. Prints the reply
    /// code, status, reason, the recipient where the text names one, and the
    /// advice. Exit status 2 when there is no text.
    Explain(ExplainArgs),
    /// List the reasons of the vocabulary with their titles, or describe one
    /// in full.
    Reasons(ReasonsArgs),
}

/// The language option of the diagnosis commands.
const LANG_HELP: &str = "Language of the advice [default: from LC_ALL, LC_MESSAGES or LANG: ja* gives Japanese, anything else English]";

#[derive(Debug, Args)]
pub struct DiagnoseArgs {
    /// Files, mboxes, Maildirs or directories; `-` or nothing for stdin.
    #[arg(value_name = "PATH")]
    pub paths: Vec<String>,
    #[arg(long, value_enum, value_name = "LANG", help = LANG_HELP)]
    pub lang: Option<LangArg>,
    #[command(flatten)]
    pub batch: BatchArgs,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The error text; `-` or nothing for stdin.
    #[arg(value_name = "TEXT")]
    pub text: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
    pub format: ExplainFormat,
    #[arg(long, value_enum, value_name = "LANG", help = LANG_HELP)]
    pub lang: Option<LangArg>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    /// A block for people, as `diagnose` prints.
    Text,
    /// One JSON object with the fact's field names and an `advice` object (an
    /// array of them when the text names several recipients).
    Json,
}

#[derive(Debug, Args)]
pub struct ReasonsArgs {
    /// A reason to describe in full (`bounce reasons` lists them).
    #[arg(value_name = "REASON", value_parser = crate::reasons::parse_reason)]
    pub reason: Option<Reason>,
    #[arg(long, value_enum, value_name = "LANG", help = LANG_HELP)]
    pub lang: Option<LangArg>,
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
    /// Add to every object an `advice` object: title, meaning, causes,
    /// action, retry, stop, what the codes mean, provider notes.
    #[arg(long)]
    pub advice: bool,
    /// Language of the advice, with --advice [default: from LC_ALL,
    /// LC_MESSAGES or LANG: ja* gives Japanese, anything else English]
    #[arg(long, value_enum, value_name = "LANG", requires = "advice")]
    pub lang: Option<LangArg>,
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
    /// Most MIME nesting levels (multipart boundaries) per message; deeper
    /// messages are reported as failed.
    #[arg(long, value_name = "N", default_value_t = 64)]
    pub max_depth: usize,
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
