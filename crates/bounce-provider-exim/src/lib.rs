#![doc = include_str!("../README.md")]

use bounce_core::standard::rfc3464;
use bounce_core::text::{self, find_address, Needle};
use bounce_core::{
    Command, Draft, Kind, Mail, Provider, ProviderMatcher, Reason, ReplyCode, Report, Status,
};
use std::sync::LazyLock;

struct Exim;

impl ProviderMatcher for Exim {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        decode(mail)
    }
}

bounce_core::inventory::submit! {
    Provider {
        id: "exim",
        kind: Kind::Mta,
        doc: include_str!("../README.md"),
        fingerprints: &[
            "X-Failed-Recipients",
            "-eximdsn-",
            "This message was created automatically by mail delivery software",
            "address(es) failed:",
            "has not yet been delivered to one or more of its",
        ],
        rhosts: &[],
        phrases: &[],
        matcher: &Exim,
    }
}

/// Sentences Exim's bounce and warning texts open with (deliver.c), and the
/// customised openings seen in the wild.
const OPENINGS: &[&str] = &[
    "This message was created automatically by mail delivery software",
    "This message was created automatically by the",
    "could not be delivered to one or more of its",
    "could not be delivered to all of its recipients",
    "has not yet been delivered to one or more of its",
    "A message that you sent contained one or more recipient addresses",
];

/// Where the returned original begins: the text before is the report.
const COPY_MARKERS: &[&str] = &[
    "------ This is a copy of the message",
    "------ This is a copy of the body of the message",
    "------ The body of the message is",
];

/// What a delay warning (not a bounce) says.
const DELAY_MARKERS: &[&str] = &[
    "has not yet been delivered to one or more of its",
    "No action is required on your part",
    "This message has been delayed",
];

/// Exim's own explanations of a failure (router, transport and retry
/// messages), lowercased, with the reason each one names. They decide only
/// when no remote server's reply is quoted: a remote reply is the remote
/// server's words and goes to the classifier.
const LOCAL_MESSAGES: &[(&str, Reason)] = &[
    ("user not found", Reason::UserUnknown),
    (
        "all host address lookups failed permanently",
        Reason::HostUnknown,
    ),
    (
        "all relevant mx records point to non-existent hosts",
        Reason::HostUnknown,
    ),
    ("unrouteable address", Reason::HostUnknown),
    ("unrouteable mail domain", Reason::HostUnknown),
    // cPanel's wording for a router failure.
    ("the account or domain may not exist", Reason::HostUnknown),
    ("mailbox is full", Reason::MailboxFull),
    ("error: quota exceed", Reason::MailboxFull),
    ("quota exceeded", Reason::MailboxFull),
    (
        "an mx or srv record indicated no smtp service",
        Reason::NotAccept,
    ),
    (
        "no host found for existing smtp connection",
        Reason::NotAccept,
    ),
    ("angle-brackets nested too deep", Reason::SyntaxError),
    ("expected word or \"<\"", Reason::SyntaxError),
    (
        "domain missing in source-routed address",
        Reason::SyntaxError,
    ),
    ("malformed address:", Reason::SyntaxError),
    ("delivery to file forbidden", Reason::SystemError),
    ("delivery to pipe forbidden", Reason::SystemError),
    ("local delivery failed", Reason::SystemError),
    ("too many \"received\" headers", Reason::ContentError),
    ("message is too big", Reason::EmailTooLarge),
];

/// Exim giving up after its retry period: every attempt failed temporarily.
const EXPIRY_MESSAGES: &[&str] = &[
    "retry timeout exceeded",
    "retry time not reached for any host after a long failure period",
    "all hosts have been failing for a long time",
    "has been frozen",
    "was frozen on arrival",
];

/// The searcher of `: `, built once: every address line is searched.
static COLON_SPACE: Needle = Needle::new(": ");

/// The line that heads the per-recipient explanations of a pipe or file
/// delivery (the command's own output).
const GENERATED_TEXT: &str = "The following text was generated during the delivery attempt";

/// Decodes a bounce or delay warning written in Exim's format: the address
/// list after "The following address(es) failed:" (or "...has not yet been
/// delivered is:"), each address followed by indented lines explaining the
/// failure, and the message/delivery-status part when Exim attached one.
///
/// Services that run Exim with their own words around its text call this and
/// adjust the drafts. `None` when the message is not in Exim's format.
pub fn decode(mail: &Mail<'_>) -> Option<Report> {
    let body = mail.body();
    let (report_text, copy) = split_copy(body);
    let list = address_list(report_text)?;
    let subject = mail.subject();
    let failed_header = mail.header("X-Failed-Recipients");
    // Searchers built once, one per opening: only whether one is there
    // matters, and the usual one, first, mostly ends the search early.
    static OPENING: [Needle; 6] = [
        Needle::new(OPENINGS[0]),
        Needle::new(OPENINGS[1]),
        Needle::new(OPENINGS[2]),
        Needle::new(OPENINGS[3]),
        Needle::new(OPENINGS[4]),
        Needle::new(OPENINGS[5]),
    ];
    let opened = OPENING.iter().any(|m| m.contains(report_text));
    // The searcher built once: every candidate's subject is searched.
    static FAILED_SUBJECT: Needle = Needle::new("Mail delivery failed");
    let exim_subject = FAILED_SUBJECT.contains(subject) || subject.starts_with("Warning: message");
    if !opened && failed_header.is_none() && !exim_subject {
        return None;
    }
    // Searchers built once, one per marker: only whether one is there
    // matters, and three block-at-a-time searches cost less than one
    // search for all three.
    static DELAY: [Needle; 3] = [
        Needle::new(DELAY_MARKERS[0]),
        Needle::new(DELAY_MARKERS[1]),
        Needle::new(DELAY_MARKERS[2]),
    ];
    let delayed =
        subject.starts_with("Warning: message") || DELAY.iter().any(|m| m.contains(report_text));

    let mut blocks = read_blocks(list);
    attach_generated_text(report_text, &mut blocks);
    let mut spare: Vec<String> = failed_header
        .as_deref()
        .map(|h| text::addresses(h).map(str::to_owned).collect())
        .unwrap_or_default();
    let mut drafts: Vec<Draft> = Vec::with_capacity(blocks.len());
    let mut pipes: Vec<bool> = Vec::with_capacity(blocks.len());
    for b in &blocks {
        let recipient = b.address().or_else(|| b.alias_address()).map(str::to_owned);
        let recipient = match recipient {
            Some(r) => r,
            None => {
                // "  kijitora" without a domain, or a pipe with no parent:
                // X-Failed-Recipients names the address.
                let Some(next) = first_unused(&mut spare, &drafts) else {
                    continue;
                };
                next
            }
        };
        let mut d = Draft::new(recipient);
        if let Some(a) = b.alias_address() {
            if !a.eq_ignore_ascii_case(&d.recipient) {
                d.alias = a.to_owned();
            }
        }
        d.diagnosis = b.details.join(" ");
        d.action = if delayed { "delayed" } else { "failed" }.to_owned();
        d.rhost = remote_host(&d.diagnosis).unwrap_or("").to_owned();
        d.command = command(&d.diagnosis);
        if b.pipe {
            d.diagnostictype = "X-UNIX".to_owned();
        } else if d.command.is_some() {
            d.diagnostictype = "SMTP".to_owned();
        }
        drafts.push(d);
        pipes.push(b.pipe);
    }
    if drafts.is_empty() {
        // An address list Exim left empty; the header still names them.
        for r in spare {
            let mut d = Draft::new(r);
            d.action = if delayed { "delayed" } else { "failed" }.to_owned();
            drafts.push(d);
            pipes.push(false);
        }
    }
    if drafts.is_empty() {
        return None;
    }
    if let Some(dsn) = mail.dsn() {
        merge_dsn(&mut drafts, &rfc3464::recipients(dsn));
    }
    let lhost = local_host(mail);
    for (d, pipe) in drafts.iter_mut().zip(pipes) {
        if d.lhost.is_empty() {
            d.lhost.clone_from(&lhost);
        }
        decide_local(d, pipe);
    }
    let mut report = Report::new(drafts);
    if mail.original_headers().is_none() {
        report.original = match copy {
            Some(c) => Some(original_headers(c).to_owned()),
            None => warning_headers(report_text),
        };
    }
    Some(report)
}

/// A delay warning returns no copy but names the subject and date of the
/// message; as a header block, so that they reach the facts.
fn warning_headers(report: &str) -> Option<String> {
    let mut out = String::new();
    for line in report.lines() {
        for (label, name) in [
            ("The subject of the message is:", "Subject"),
            ("The date of the message is:", "Date"),
        ] {
            if let Some(v) = line.strip_prefix(label) {
                out.push_str(name);
                out.push_str(": ");
                out.push_str(v.trim());
                out.push('\n');
            }
        }
    }
    (!out.is_empty()).then_some(out)
}

/// Splits a body at Exim's copy of the returned message: the report before,
/// the copy (from its `------` marker on) after, if there is one.
pub fn split_copy(body: &str) -> (&str, Option<&str>) {
    // Every marker starts with this: the searcher (built once) runs over
    // the whole body a block of bytes at a time, and the markers are
    // compared only where it stops. The first place where one starts is
    // the earliest occurrence of any.
    static PREFIX: Needle = Needle::new("------ Th");
    let mut from = 0;
    while let Some(found) = PREFIX.find(&body[from..]) {
        let at = from + found;
        if COPY_MARKERS.iter().any(|m| body[at..].starts_with(m)) {
            return (&body[..at], Some(&body[at..]));
        }
        // `-` is one byte: the next search starts on a character boundary.
        from = at + 1;
    }
    (body, None)
}

/// The header block of the inline copy: after the `------` lines Exim
/// writes above it.
fn original_headers(copy: &str) -> &str {
    let mut rest = copy;
    loop {
        let trimmed = rest.trim_start_matches(['\n', ' ', '\t']);
        if !trimmed.starts_with("------") {
            return trimmed;
        }
        match trimmed.find('\n') {
            Some(nl) => rest = &trimmed[nl + 1..],
            None => return "",
        }
    }
}

/// The text after the line that introduces the address list.
fn address_list(report: &str) -> Option<&str> {
    let mut offset = 0;
    for line in text::split_inclusive_lf(report) {
        offset += line.len();
        // Every introduction ends with a colon, and each starts with a
        // visible character: trimming the end alone decides, and a line
        // without the colon (most of them) is passed over at once.
        let t = line.trim_end();
        if !t.ends_with(':') {
            continue;
        }
        let intro = t.ends_with("address(es) failed:")
            || t.ends_with("incorrectly constructed:")
            || t.contains("not yet been delivered")
            || t.trim_start() == "The following address(es) failed:";
        if intro {
            return Some(&report[offset..]);
        }
    }
    None
}

/// One address of the list and the lines explaining it.
#[derive(Debug, Default)]
struct Block<'a> {
    /// The address line as printed, trimmed.
    printed: &'a str,
    /// `(generated from x)`, `generated by x`, or `<x>` after the address.
    alias: &'a str,
    /// Indented explanation lines, trimmed.
    details: Vec<&'a str>,
    /// A pipe or file delivery (`pipe to |...`, `save to /...`).
    pipe: bool,
    /// The block began at column 0 (a reformatted list): it ends at a blank line.
    flush: bool,
}

impl<'a> Block<'a> {
    fn new(printed: &'a str, flush: bool) -> Block<'a> {
        let lower = printed.get(..8).unwrap_or(printed).to_ascii_lowercase();
        let pipe = lower.starts_with("pipe to")
            || lower.starts_with("save to")
            || printed.starts_with(['|', '/']);
        let mut b = Block {
            printed,
            pipe,
            flush,
            ..Block::default()
        };
        if !pipe {
            // "addr <original>: message" forms.
            let head = printed.split_whitespace().next().unwrap_or("");
            let rest = printed[head.len()..].trim_start();
            if let Some(inner) = rest.strip_prefix('<') {
                if let Some((orig, after)) = inner.split_once('>') {
                    b.alias = orig;
                    let after = after.trim_start_matches(':').trim();
                    if !after.is_empty() {
                        b.details.push(after);
                    }
                }
            } else if let Some(at) = COLON_SPACE.find(printed) {
                // What `split_once(": ")` gives after the separator.
                b.details.push(printed[at + 2..].trim());
            }
        }
        b
    }

    /// The recipient named on the address line, if it is an address.
    fn address(&self) -> Option<&'a str> {
        if self.pipe {
            return None;
        }
        let head = self.printed.split_whitespace().next().unwrap_or("");
        let head = head.trim_matches(['<', '>', ':', ',', '"']);
        find_address(head).filter(|a| a.len() + 2 >= head.len())
    }

    fn alias_address(&self) -> Option<&'a str> {
        find_address(self.alias)
    }

    fn take_detail(&mut self, line: &'a str) {
        let t = line.trim();
        for prefix in ["(generated from ", "(ultimately generated from "] {
            if let Some(rest) = t.strip_prefix(prefix) {
                self.alias = rest.trim_end_matches(')').trim();
                return;
            }
        }
        if let Some(rest) = t.strip_prefix("generated by ") {
            self.alias = rest.trim();
            return;
        }
        let t = t.strip_prefix("Delay reason: ").unwrap_or(t);
        if !t.is_empty() {
            self.details.push(t);
        }
    }
}

/// Reads the address blocks of the list, up to the first line at column 0
/// that is not an address.
fn read_blocks(list: &str) -> Vec<Block<'_>> {
    let mut blocks: Vec<Block<'_>> = Vec::new();
    for line in text::lines_lf(list) {
        let t = line.trim();
        if t.is_empty() {
            if let Some(b) = blocks.last_mut() {
                b.flush = false;
            }
            continue;
        }
        let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
        if indent == 0 {
            if is_address_line(t) {
                blocks.push(Block::new(t, true));
                continue;
            }
            match blocks.last_mut() {
                Some(b) if b.flush => b.take_detail(t),
                _ => break,
            }
            continue;
        }
        let tab = line.starts_with('\t');
        if indent < 4 && !tab && starts_block(t, blocks.last()) {
            blocks.push(Block::new(t, false));
        } else if let Some(b) = blocks.last_mut() {
            b.take_detail(t);
        }
    }
    blocks
}

/// Whether a line indented by less than four spaces names a new address
/// (rather than the `  host name [ip]` line of old Exim versions).
fn starts_block(t: &str, current: Option<&Block<'_>>) -> bool {
    let head = t.split_whitespace().next().unwrap_or("");
    let lower = t.get(..8).unwrap_or(t).to_ascii_lowercase();
    head.contains('@')
        || lower.starts_with("pipe to")
        || lower.starts_with("save to")
        || t.starts_with("an undisclosed address")
        || t.starts_with(['|', '/'])
        || match current {
            None => true,
            // Several addresses without a domain, one per block.
            Some(b) => !t.contains(' ') && !b.details.is_empty(),
        }
}

fn is_address_line(t: &str) -> bool {
    let t = t.trim_end_matches(':').trim_matches(['<', '>']);
    text::is_address(t)
}

/// Pipe and file deliveries: the command's own output, printed after the
/// list, explains the failure of each such block that has no explanation.
fn attach_generated_text<'a>(report: &'a str, blocks: &mut [Block<'a>]) {
    // The searcher built once: every report's text is searched.
    static GENERATED: Needle = Needle::new(GENERATED_TEXT);
    let Some(at) = GENERATED.find(report) else {
        return;
    };
    let mut sections: Vec<Vec<&'a str>> = Vec::new();
    let mut in_header = false;
    for line in report[at..].lines().skip(1) {
        let t = line.trim();
        if t.starts_with("------") {
            sections.push(Vec::new());
            in_header = !t.ends_with("------") || t.len() <= 6;
            continue;
        }
        if in_header {
            in_header = !t.ends_with("------");
            continue;
        }
        if let Some(s) = sections.last_mut() {
            if !t.is_empty() {
                s.push(t);
            }
        }
    }
    let mut sections = sections.into_iter().filter(|s| !s.is_empty());
    for b in blocks.iter_mut().filter(|b| b.pipe && b.details.is_empty()) {
        match sections.next() {
            Some(s) => b.details = s,
            None => break,
        }
    }
}

fn first_unused(spare: &mut Vec<String>, drafts: &[Draft]) -> Option<String> {
    while !spare.is_empty() {
        let a = spare.remove(0);
        if !drafts.iter().any(|d| d.recipient.eq_ignore_ascii_case(&a)) {
            return Some(a);
        }
    }
    None
}

/// The remote host of `host mx.example.jp [192.0.2.1]` in Exim's text.
pub fn remote_host(diagnosis: &str) -> Option<&str> {
    // The searcher built once: this runs for every recipient.
    static HOST: Needle = Needle::new("host ");
    let mut from = 0;
    while let Some(pos) = HOST.find(&diagnosis[from..]) {
        let at = from + pos;
        from = at + 5;
        if at > 0 && !diagnosis.as_bytes()[at - 1].is_ascii_whitespace() {
            continue;
        }
        let rest = &diagnosis[at + 5..];
        let name = rest.split_whitespace().next().unwrap_or("");
        let after = rest.trim_start()[name.len()..].trim_start();
        if !name.is_empty() && after.starts_with('[') {
            return Some(name);
        }
    }
    None
}

/// The command named by `SMTP error from remote mail server after RCPT
/// TO:<...>:` (or `...remote mailer after...`, `LMTP error after...`).
pub fn command(diagnosis: &str) -> Option<Command> {
    // Searchers built once: this runs for every recipient.
    static AFTER: [Needle; 3] = [
        Needle::new("error from remote mail server after "),
        Needle::new("error from remote mailer after "),
        Needle::new("lmtp error after "),
    ];
    let lower = diagnosis.to_ascii_lowercase();
    let at = AFTER
        .iter()
        .find_map(|p| p.find(&lower).map(|i| i + p.as_str().len()))?;
    let rest = lower[at..].trim_start();
    let rest = rest.strip_prefix("pipelined ").unwrap_or(rest);
    if rest.starts_with("end of data") || rest.starts_with("sending data block") {
        return Some(Command::EndOfData);
    }
    if rest.starts_with("initial connection") {
        return Some(Command::Connect);
    }
    Command::parse(rest.split([' ', ':', '<']).next().unwrap_or(""))
}

/// Whether the text quotes a remote server's (or LMTP server's) reply.
fn quotes_remote(diagnosis: &str, lower: &str) -> bool {
    // Searchers built once: this runs for every recipient.
    static REMOTE: Needle = Needle::new("error from remote");
    static LMTP: Needle = Needle::new("lmtp error after");
    REMOTE.contains(lower) || LMTP.contains(lower) || ReplyCode::find(diagnosis).is_some()
}

/// Exim's own explanations name the reason themselves; see [`LOCAL_MESSAGES`].
fn decide_local(d: &mut Draft, pipe: bool) {
    let lower = d.diagnosis.to_ascii_lowercase();
    if quotes_remote(&d.diagnosis, &lower) {
        return;
    }
    // Searchers built once, one per row and in the tables' order (the first
    // row found decides, as `str::contains` row by row finds it, without a
    // searcher built per row and recipient).
    static LOCAL: LazyLock<Vec<Needle>> = LazyLock::new(|| {
        LOCAL_MESSAGES
            .iter()
            .map(|&(m, _)| Needle::new(m))
            .collect()
    });
    static EXPIRY: LazyLock<Vec<Needle>> =
        LazyLock::new(|| EXPIRY_MESSAGES.iter().map(|&m| Needle::new(m)).collect());
    let local = LOCAL_MESSAGES
        .iter()
        .zip(LOCAL.iter())
        .find(|(_, m)| m.contains(&lower));
    let (reason, rule) = if let Some(((_, reason), _)) = local {
        (*reason, "exim:local-message")
    } else if EXPIRY.iter().any(|m| m.contains(&lower)) {
        (Reason::Expired, "exim:retry-timeout")
    } else if pipe {
        (Reason::MailerError, "exim:pipe")
    } else {
        return;
    };
    d.reason = Some(reason);
    d.rule = rule;
    if d.status.is_none() && Status::find(&d.diagnosis).is_none() {
        // Exim's own messages carry no code. Expiry means every attempt
        // failed temporarily, so its class is 4 (as Sisimai reports it).
        let class = if reason == Reason::Expired || d.action == "delayed" {
            4
        } else {
            5
        };
        d.status = bounce_core::dispatch::pseudo_code(reason, class);
    }
}

/// Adds what the delivery-status part says to the drafts read from the text:
/// by position when both list the same number of recipients, else by address.
fn merge_dsn(drafts: &mut [Draft], dsn: &[Draft]) {
    let same_count = dsn.len() == drafts.len();
    for (i, d) in drafts.iter_mut().enumerate() {
        let found = if same_count {
            dsn.get(i)
        } else {
            dsn.iter()
                .find(|s| s.recipient.eq_ignore_ascii_case(&d.recipient))
        };
        let Some(s) = found else { continue };
        d.status = d.status.or(s.status);
        if d.rhost.is_empty() {
            d.rhost.clone_from(&s.rhost);
        }
        if d.lhost.is_empty() {
            d.lhost.clone_from(&s.lhost);
        }
        if d.diagnosis.is_empty() {
            d.diagnosis.clone_from(&s.diagnosis);
            d.replycode = d.replycode.or(s.replycode);
        }
        if d.date.is_empty() {
            d.date.clone_from(&s.date);
        }
    }
}

/// The host that wrote the bounce: `by` of the last Received header, which
/// Exim adds when it generates the message.
fn local_host(mail: &Mail<'_>) -> String {
    let Some(value) = mail.last_header("Received") else {
        return String::new();
    };
    // The searcher built once: every bounce's header is searched.
    static BY: Needle = Needle::new(" by ");
    let Some(at) = BY
        .find(&value)
        .map(|i| i + 4)
        .or_else(|| value.starts_with("by ").then_some(3))
    else {
        return String::new();
    };
    value[at..]
        .split_whitespace()
        .next()
        .unwrap_or("")
        .trim_end_matches([';', '.'])
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use bounce_core::rules::Markers;

    #[test]
    fn copies_split_where_the_first_marker_starts() {
        for body in [
            "",
            "report\n",
            "a\n------ This is a copy of the message, including all the headers.\nx",
            "a\n------- This is a copy of the body of the message\n",
            "------ Th\n------ The body of the message is 12 characters long\n",
            "\u{e9}------ Thx ------ This is a copy of the message",
        ] {
            let old = Markers::new(COPY_MARKERS)
                .first(body)
                .map(|(at, _)| (&body[..at], Some(&body[at..])))
                .unwrap_or((body, None));
            assert_eq!(split_copy(body), old, "{body:?}");
        }
    }

    #[test]
    fn remote_hosts() {
        assert_eq!(
            remote_host("host mx.example.jp [192.0.2.1]: 550 5.1.1 unknown"),
            Some("mx.example.jp")
        );
        assert_eq!(
            remote_host("SMTP error ...: host 192.0.2.2 [192.0.2.2]: 550"),
            Some("192.0.2.2")
        );
        assert_eq!(remote_host("no such host here"), None);
        assert_eq!(remote_host("ghost x [y]"), None);
    }

    #[test]
    fn commands() {
        let c = |s| command(s);
        assert_eq!(
            c("SMTP error from remote mail server after RCPT TO:<a@example.jp>: host x [y]: 550"),
            Some(Command::Rcpt)
        );
        assert_eq!(
            c("SMTP error from remote mailer after MAIL FROM:<a@example.jp> SIZE=1:"),
            Some(Command::Mail)
        );
        assert_eq!(
            c("SMTP error from remote mail server after end of data: 554"),
            Some(Command::EndOfData)
        );
        assert_eq!(
            c("SMTP error from remote mail server after initial connection: 554"),
            Some(Command::Connect)
        );
        assert_eq!(
            c("SMTP error from remote mail server after pipelined DATA: 554"),
            Some(Command::Data)
        );
        assert_eq!(c("retry timeout exceeded"), None);
    }

    #[test]
    fn blocks_with_aliases_pipes_and_old_host_lines() {
        let list = "\n  a@example.jp\n    (generated from b@example.jp)\n    Unrouteable address\n  c@example.jp\n  host 192.0.2.1 [192.0.2.1]\n    SMTP error from remote mailer after RCPT TO:<c@example.jp>:\n    550 no\n  pipe to |/bin/x\n    generated by d@example.jp\n\nThe following text was generated during the delivery attempt:\n";
        let b = read_blocks(list);
        assert_eq!(b.len(), 3);
        assert_eq!(b[0].address(), Some("a@example.jp"));
        assert_eq!(b[0].alias, "b@example.jp");
        assert_eq!(b[0].details, ["Unrouteable address"]);
        assert_eq!(b[1].details.len(), 3);
        assert!(b[2].pipe);
        assert_eq!(b[2].address(), None);
        assert_eq!(b[2].alias_address(), Some("d@example.jp"));
    }

    #[test]
    fn local_messages_decide_only_without_a_remote_reply() {
        let mut d = Draft {
            diagnosis: "mailbox is full: retry timeout exceeded".into(),
            ..Draft::default()
        };
        decide_local(&mut d, false);
        assert_eq!(d.reason, Some(Reason::MailboxFull));
        let mut d = Draft {
            diagnosis: "retry timeout exceeded".into(),
            ..Draft::default()
        };
        decide_local(&mut d, false);
        assert_eq!(
            (d.reason, d.status.map(|s| s.class())),
            (Some(Reason::Expired), Some(4))
        );
        let mut d = Draft {
            diagnosis: "SMTP error from remote mail server after RCPT TO:<a@example.jp>: host x [y]: 550 Unrouteable address".into(),
            ..Draft::default()
        };
        decide_local(&mut d, false);
        assert_eq!(d.reason, None);
    }

    #[test]
    fn inline_original() {
        let copy = "------ This is a copy of the message, including all the headers. ------\n------ The body of the message is 9 characters long; only the first\n------ 5 or so are included here.\n\nFrom: a@example.jp\n";
        assert_eq!(original_headers(copy), "From: a@example.jp\n");
    }
}
