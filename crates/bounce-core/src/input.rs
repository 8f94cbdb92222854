//! Where messages come from: a single file, an mbox (streamed, one message in
//! memory at a time), a Maildir or any directory tree (walked lazily, in name
//! order), or standard input. Each message is yielded with the origin it
//! came from; an input that cannot be read is yielded as an error naming it,
//! and the walk goes on.

use memchr::memmem;
use std::borrow::Cow;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;
use std::sync::LazyLock;

/// One item of input: a message, or an input that could not be read.
#[derive(Debug)]
pub enum Item {
    /// A message and where it came from.
    Message {
        /// The path as given (for a file in a tree, the path below it); `-`
        /// for standard input.
        origin: String,
        /// The raw bytes of the message.
        bytes: Vec<u8>,
    },
    /// Something that could not be read.
    Failed(InputError),
}

/// One item of input as [`Inputs::next_lent`] hands it out: the message
/// borrowed from the reader's buffer when it is there as it is (no `>From `
/// line to unquote), so that reading it costs no copy.
#[derive(Debug)]
pub enum Lent<'a> {
    /// A message and where it came from.
    Message {
        /// As for [`Item::Message`].
        origin: &'a str,
        /// The raw bytes of the message.
        bytes: Cow<'a, [u8]>,
    },
    /// Something that could not be read.
    Failed(InputError),
}

/// Why an input could not be read, with the path it concerns.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {kind}")]
pub struct InputError {
    /// The input concerned.
    pub path: String,
    /// What went wrong.
    pub kind: InputErrorKind,
}

/// What went wrong with an input.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InputErrorKind {
    /// The operating system refused (missing file, permissions, I/O error).
    #[error("{0}")]
    Io(#[from] io::Error),
    /// A message larger than the limit; it was skipped.
    #[error("message {index} is larger than the limit of {limit} bytes, skipped")]
    TooLarge {
        /// Which message of the input (1-based).
        index: usize,
        /// The limit in force.
        limit: usize,
    },
    /// A directory walk error (a link loop, an unreadable directory).
    #[error("{0}")]
    Walk(String),
}

/// Reads every message of every path, lazily. `-` is standard input.
pub struct Inputs {
    pending: std::vec::IntoIter<String>,
    /// Open sources, innermost last: a tree being walked, and the file of it
    /// being split.
    stack: Vec<Source>,
    max_message_bytes: usize,
}

enum Source {
    Stream(Mbox<Box<dyn Read + Send>>),
    Tree {
        root: String,
        walk: walkdir::IntoIter,
    },
}

impl Inputs {
    /// Messages of these paths; none means standard input.
    pub fn new(paths: Vec<String>, max_message_bytes: usize) -> Inputs {
        let paths = if paths.is_empty() {
            vec!["-".to_owned()]
        } else {
            paths
        };
        Inputs {
            pending: paths.into_iter(),
            stack: Vec::new(),
            max_message_bytes,
        }
    }

    /// Opens a path given on the command line; an error if it cannot be.
    fn open(&mut self, path: String) -> Option<InputError> {
        if path == "-" {
            // Unbuffered: the splitter reads large blocks, which standard
            // input's own buffer passes through.
            let reader: Box<dyn Read + Send> = Box::new(io::stdin());
            self.stack.push(Source::Stream(Mbox::new(
                reader,
                path,
                self.max_message_bytes,
            )));
            return None;
        }
        match std::fs::metadata(&path) {
            Ok(m) if m.is_dir() => {
                let walk = walkdir::WalkDir::new(&path)
                    .follow_links(true)
                    .sort_by_file_name()
                    .into_iter();
                self.stack.push(Source::Tree { root: path, walk });
                None
            }
            Ok(_) => self.open_file(Path::new(&path), path.clone()),
            Err(e) => Some(input_error(&path, e.into())),
        }
    }

    /// Opens a file as a stream of messages (one, or many for an mbox).
    fn open_file(&mut self, path: &Path, origin: String) -> Option<InputError> {
        match File::open(path) {
            Ok(f) => {
                // Unbuffered: the splitter reads large blocks straight into
                // its own buffer, and a `BufReader` would only copy them.
                let reader: Box<dyn Read + Send> = Box::new(f);
                self.stack.push(Source::Stream(Mbox::new(
                    reader,
                    origin,
                    self.max_message_bytes,
                )));
                None
            }
            Err(e) => Some(input_error(&origin, e.into())),
        }
    }

    /// The next message, borrowed from the reader's buffer where it can be
    /// (see [`Lent`]), or failure; the same sequence as the iterator yields.
    pub fn next_lent(&mut self) -> Option<Lent<'_>> {
        match self.advance()? {
            Next::Failed(e) => Some(Lent::Failed(e)),
            Next::Split(split) => self.stream().map(|m| m.lend(split)),
        }
    }

    /// The stream being split.
    fn stream(&self) -> Option<&Mbox<Box<dyn Read + Send>>> {
        match self.stack.last() {
            Some(Source::Stream(m)) => Some(m),
            _ => None,
        }
    }

    /// Moves on to the next message of the current stream (opening inputs
    /// and walking trees as needed), or to the next failure.
    fn advance(&mut self) -> Option<Next> {
        loop {
            match self.stack.last_mut() {
                Some(Source::Stream(m)) => match m.advance() {
                    Some(split) => return Some(Next::Split(split)),
                    None => {
                        self.stack.pop();
                    }
                },
                Some(Source::Tree { root, walk }) => match walk.next() {
                    Some(Ok(entry)) => {
                        if entry.file_type().is_file() {
                            let origin = entry.path().to_string_lossy().into_owned();
                            if let Some(e) = self.open_file(&entry.into_path(), origin) {
                                return Some(Next::Failed(e));
                            }
                        }
                    }
                    Some(Err(e)) => {
                        let path = e
                            .path()
                            .map_or_else(|| root.clone(), |p| p.to_string_lossy().into_owned());
                        let msg = match e.io_error() {
                            Some(io) if e.loop_ancestor().is_none() => io.to_string(),
                            _ => e.to_string(),
                        };
                        return Some(Next::Failed(input_error(&path, InputErrorKind::Walk(msg))));
                    }
                    None => {
                        self.stack.pop();
                    }
                },
                None => {
                    let path = self.pending.next()?;
                    if let Some(e) = self.open(path) {
                        return Some(Next::Failed(e));
                    }
                }
            }
        }
    }
}

/// What [`Inputs::advance`] moved on to.
enum Next {
    /// A message (or a failure) of the stream on top of the stack.
    Split(Split),
    /// An input that could not be opened or walked.
    Failed(InputError),
}

impl Iterator for Inputs {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        match self.advance()? {
            Next::Failed(e) => Some(Item::Failed(e)),
            Next::Split(split) => self.stream().map(|m| m.owned(split)),
        }
    }
}

fn input_error(path: &str, kind: InputErrorKind) -> InputError {
    InputError {
        path: path.to_owned(),
        kind,
    }
}

/// Splits a stream into messages. A stream that begins with an mbox `From `
/// line is split at every `From ` line that follows a blank line (and
/// `>From ` quoting is undone); any other stream is one message.
///
/// The stream is read in large blocks and lines are found with `memchr` in
/// the block, so a message costs one copy; memory holds at most one message
/// (up to the limit) and one block.
pub struct Mbox<R> {
    reader: R,
    origin: String,
    limit: usize,
    /// Bytes read and not yet handed out: `buf[pos..end]`. Past `end`, room
    /// for the next block, zeroed once when the buffer grew, so that a read
    /// goes straight into it.
    buf: Vec<u8>,
    pos: usize,
    end: usize,
    /// Offsets (from `pos`) of the `>From ` quoted lines of the message being
    /// split by [`Mbox::split_fast`], found in the same search as its end.
    quoted: Vec<usize>,
    eof: bool,
    started: bool,
    is_mbox: bool,
    done: bool,
    index: usize,
}

/// How much is read at a time.
const BLOCK: usize = 256 << 10;

impl<R: Read> Mbox<R> {
    /// Reads messages from `reader`, each at most `limit` bytes.
    pub fn new(reader: R, origin: String, limit: usize) -> Mbox<R> {
        Mbox {
            reader,
            origin,
            limit,
            buf: Vec::new(),
            pos: 0,
            end: 0,
            quoted: Vec::new(),
            eof: false,
            started: false,
            is_mbox: false,
            done: false,
            index: 0,
        }
    }

    /// The bytes read (and not dropped).
    fn data(&self) -> &[u8] {
        &self.buf[..self.end]
    }

    /// Reads one more block (less only at the end of the stream), first
    /// dropping the bytes before `keep` (which nothing needs any more).
    /// Returns by how much offsets into the buffer moved down.
    ///
    /// A plain loop of reads into the room kept past the data: one read of
    /// a block from a file, where `read_to_end` read it in pieces of
    /// growing size and reserved room anew at every block.
    fn fill(&mut self, keep: usize) -> io::Result<usize> {
        let keep = keep.min(self.pos).min(self.end);
        if keep > 0 {
            self.buf.copy_within(keep..self.end, 0);
            self.end -= keep;
            self.pos -= keep;
        }
        let (start, want) = (self.end, self.end + BLOCK);
        if self.buf.len() < want {
            self.buf.resize(want, 0);
        }
        while self.end < want {
            match self.reader.read(&mut self.buf[self.end..want]) {
                Ok(0) => break,
                Ok(n) => self.end += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        if self.end == start {
            self.eof = true;
        }
        Ok(keep)
    }

    /// The end of the line that starts at `at` (after its `\n`, or the end of
    /// the data at the end of the stream), reading more as needed; `at` and
    /// `mark` are moved with the buffer. `None` at the end of the stream.
    fn line_end(&mut self, at: &mut usize, mark: &mut usize) -> io::Result<Option<usize>> {
        let mut from = *at;
        loop {
            if let Some(i) = memchr::memchr(b'\n', &self.data()[from..]) {
                return Ok(Some(from + i + 1));
            }
            if self.eof {
                return Ok((*at < self.end).then_some(self.end));
            }
            from = self.end;
            self.pos = *mark;
            let shift = self.fill(*mark)?;
            *at -= shift;
            *mark -= shift;
            from -= shift;
        }
    }
}

impl<R: Read> Iterator for Mbox<R> {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        let split = self.advance()?;
        Some(self.owned(split))
    }
}

/// What [`Mbox::split`] found next.
#[derive(Debug)]
enum Split {
    /// A message still in the buffer: `buf[start..start + len]`, less the
    /// first `>` of each of its `>From ` lines (listed in `quoted`).
    InBuffer { start: usize, len: usize },
    /// A message put together apart.
    Owned(Vec<u8>),
    /// A message that could not be read.
    Failed(InputError),
}

impl<R: Read> Mbox<R> {
    /// The next message or failure; `None` at the end of the stream.
    fn advance(&mut self) -> Option<Split> {
        match self.split() {
            Ok(split) => split,
            Err(e) => {
                self.done = true;
                Some(Split::Failed(input_error(&self.origin, e.into())))
            }
        }
    }

    /// `split` as an owned item.
    fn owned(&self, split: Split) -> Item {
        match split {
            Split::InBuffer { start, len } => Item::Message {
                origin: self.origin.clone(),
                bytes: self.unquoted(start, len),
            },
            Split::Owned(bytes) => Item::Message {
                origin: self.origin.clone(),
                bytes,
            },
            Split::Failed(e) => Item::Failed(e),
        }
    }

    /// `split` borrowed from the buffer when it has nothing to unquote.
    fn lend(&self, split: Split) -> Lent<'_> {
        let bytes = match split {
            Split::InBuffer { start, len } if self.quoted.is_empty() => {
                Cow::Borrowed(&self.buf[start..start + len])
            }
            Split::InBuffer { start, len } => Cow::Owned(self.unquoted(start, len)),
            Split::Owned(bytes) => Cow::Owned(bytes),
            Split::Failed(e) => return Lent::Failed(e),
        };
        Lent::Message {
            origin: &self.origin,
            bytes,
        }
    }

    /// A copy of `buf[start..start + len]` without the first `>` of each
    /// `>From ` line.
    fn unquoted(&self, start: usize, len: usize) -> Vec<u8> {
        let raw = &self.buf[start..start + len];
        let mut msg = Vec::with_capacity(len);
        let mut from = 0;
        for &q in &self.quoted {
            msg.extend_from_slice(&raw[from..q]);
            from = q + 1;
        }
        msg.extend_from_slice(&raw[from..]);
        msg
    }

    fn split(&mut self) -> io::Result<Option<Split>> {
        if self.done {
            return Ok(None);
        }
        if !self.started {
            self.started = true;
            let (mut at, mut mark) = (0, 0);
            let Some(end) = self.line_end(&mut at, &mut mark)? else {
                self.done = true;
                // An empty file is still an input: say so rather than drop it.
                return Ok(Some(Split::Owned(Vec::new())));
            };
            self.is_mbox = self.data().starts_with(b"From ");
            // The separator line is not part of the message.
            self.pos = if self.is_mbox { end } else { 0 };
        }
        self.index += 1;
        if self.is_mbox {
            if let Some(split) = self.split_fast()? {
                return Ok(Some(split));
            }
        }
        self.split_lines()
    }

    /// The common case of an mbox message: its end found with `memmem` (the
    /// next `From ` line after a blank line) in the buffer, read further as
    /// needed; left in the buffer, `>From ` lines noted. `None` (nothing consumed)
    /// when the message is larger than the limit and a block, which is left
    /// to [`Mbox::split_lines`] so that memory stays bounded.
    fn split_fast(&mut self) -> io::Result<Option<Split>> {
        let mut from = 0;
        self.quoted.clear();
        loop {
            let msg = &self.buf[self.pos..self.end];
            match find_separator(msg, from, &mut self.quoted) {
                Some(i) => {
                    if let Some(j) = memchr::memchr(b'\n', &msg[i + 1..]) {
                        let next = self.pos + i + 1 + j + 1;
                        return Ok(Some(self.take(i + 1, next)));
                    }
                    if self.eof {
                        let next = self.end;
                        return Ok(Some(self.take(i + 1, next)));
                    }
                    // The separator line goes on in the next block.
                    from = i;
                }
                None => {
                    if self.eof {
                        self.done = true;
                        let (len, next) = (msg.len(), self.end);
                        return Ok(Some(self.take(len, next)));
                    }
                    if msg.len() > self.limit.saturating_add(BLOCK) {
                        return Ok(None);
                    }
                    // Search again from just before the end: a separator may
                    // straddle, and a `\nFrom ` line seen at the very end is
                    // looked at again once its line is whole.
                    from = msg.len().saturating_sub(6);
                }
            }
            // Dropping what precedes the message keeps offsets into it valid.
            self.fill(self.pos)?;
        }
    }

    /// Hands out `buf[pos..pos + len]` as a message (or as too large), and
    /// moves on to `next`. `quoted` holds the message's `>From ` lines.
    fn take(&mut self, len: usize, next: usize) -> Split {
        let start = self.pos;
        self.pos = next;
        if len - self.quoted.len() > self.limit {
            return Split::Failed(input_error(
                &self.origin,
                InputErrorKind::TooLarge {
                    index: self.index,
                    limit: self.limit,
                },
            ));
        }
        // The blank line before a separator belongs to the mbox, not the
        // message. (Unquoting cannot change how the message ends: a `>` it
        // drops is followed by `From `.)
        let len = if self.buf[start..start + len].ends_with(b"\n\n") {
            len - 1
        } else {
            len
        };
        Split::InBuffer { start, len }
    }

    /// A message read line by line: a stream that is not an mbox (one message),
    /// and mbox messages too large for [`Mbox::split_fast`], whose lines are
    /// dropped as they are read.
    fn split_lines(&mut self) -> io::Result<Option<Split>> {
        // The message is buf[start..cur]; `mark` is what must stay in memory
        // (the whole message, or only the current line once it is too large).
        let mut start = self.pos;
        let mut cur = start;
        let mut quoted: Vec<usize> = Vec::new();
        let mut size = 0usize;
        let mut too_large = false;
        let mut prev_blank = true;
        let mut lines = 0usize;
        loop {
            let mut mark = if too_large { cur } else { start };
            let old_mark = mark;
            let end = self.line_end(&mut cur, &mut mark)?;
            let shift = old_mark - mark;
            start = start.saturating_sub(shift);
            for q in &mut quoted {
                *q -= shift;
            }
            let Some(end) = end else {
                self.done = true;
                self.pos = cur;
                break;
            };
            let line = &self.buf[cur..end];
            if self.is_mbox && prev_blank && lines > 0 && line.starts_with(b"From ") {
                // Next message: skip its separator line.
                self.pos = end;
                break;
            }
            prev_blank = line == b"\n" || line == b"\r\n";
            lines += 1;
            let is_quoted = self.is_mbox && is_quoted_from(line);
            if !too_large {
                size += line.len() - usize::from(is_quoted);
                if size > self.limit {
                    too_large = true;
                    quoted = Vec::new();
                } else if is_quoted {
                    quoted.push(cur);
                }
            }
            cur = end;
        }
        if too_large {
            return Ok(Some(Split::Failed(input_error(
                &self.origin,
                InputErrorKind::TooLarge {
                    index: self.index,
                    limit: self.limit,
                },
            ))));
        }
        let mut msg = Vec::with_capacity(cur - start);
        let mut from = start;
        for q in quoted {
            msg.extend_from_slice(&self.buf[from..q]);
            from = q + 1;
        }
        msg.extend_from_slice(&self.buf[from..cur]);
        if self.is_mbox {
            // The blank line before a separator belongs to the mbox, not the message.
            if msg.ends_with(b"\n\n") {
                msg.pop();
            }
        }
        Ok(Some(Split::Owned(msg)))
    }
}

/// Where the message that starts `msg` ends: the offset of the line break
/// before the first `From ` line (searched from `from` on) that follows a
/// blank line. The first line of a message is never a separator.
///
/// The same pass notes in `quoted` the `>From ` quoted lines before that end
/// (the offset of their first `>`, which is to be dropped), so that the
/// message is read once: every `From ` is either the start of a separator
/// (after a line break), part of a quoted line (after a `>`), or neither.
/// A search resumed at `from` adds only the quoted lines not noted yet.
fn find_separator(msg: &[u8], from: usize, quoted: &mut Vec<usize>) -> Option<usize> {
    static FROM: LazyLock<memmem::Finder<'static>> =
        LazyLock::new(|| memmem::Finder::new(b"From "));
    // `from` is where a `\nFrom ` may begin, so its `From ` is one further.
    for j in FROM.find_iter(&msg[(from + 1).min(msg.len())..]) {
        let j = from + 1 + j;
        match msg[j - 1] {
            b'\n' => {
                let i = j - 1;
                // The line that ends at `i` is `\n` or `\r\n` alone, or the
                // `From ` line is unmistakably an mbox separator (some writers
                // leave out the blank line before it).
                if i == 0
                    || msg[i - 1] == b'\n'
                    || msg[i - 1] == b'\r' && (i == 1 || msg[i - 2] == b'\n')
                    || is_from_line(&msg[j..])
                {
                    return Some(i);
                }
            }
            b'>' => {
                let mut k = j - 1;
                while k > 0 && msg[k - 1] == b'>' {
                    k -= 1;
                }
                if (k == 0 || msg[k - 1] == b'\n') && quoted.last().is_none_or(|&q| q < k) {
                    quoted.push(k);
                }
            }
            _ => {}
        }
    }
    None
}

/// Whether the line at the start of `rest` is an mbox `From ` line in full:
/// `From sender weekday month day hh:mm:ss year`.
fn is_from_line(rest: &[u8]) -> bool {
    let line = &rest[..memchr::memchr(b'\n', rest).unwrap_or(rest.len())];
    let Ok(line) = std::str::from_utf8(line) else {
        return false;
    };
    let mut words = line.split_ascii_whitespace();
    if words.next() != Some("From")
        || words
            .next()
            .is_none_or(|s| s.contains(':') && !s.contains('@'))
    {
        return false;
    }
    let rest: Vec<&str> = words.collect();
    let day = rest
        .first()
        .is_some_and(|d| ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].contains(d));
    let time = rest.iter().any(|w| {
        let b = w.as_bytes();
        b.len() == 8
            && b[2] == b':'
            && b[5] == b':'
            && b.iter()
                .enumerate()
                .all(|(k, c)| k == 2 || k == 5 || c.is_ascii_digit())
    });
    let year = rest
        .last()
        .is_some_and(|y| y.len() == 4 && y.bytes().all(|c| c.is_ascii_digit()));
    day && time && year
}

fn is_quoted_from(line: &[u8]) -> bool {
    let n = line.iter().take_while(|&&b| b == b'>').count();
    n > 0 && line[n..].starts_with(b"From ")
}

/// Whether a path names a Maildir (has cur/, new/ and tmp/).
pub fn is_maildir(path: &Path) -> bool {
    ["cur", "new", "tmp"].iter().all(|d| path.join(d).is_dir())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(data: &str) -> Vec<String> {
        Mbox::new(
            io::Cursor::new(data.as_bytes().to_vec()),
            "t".into(),
            1 << 20,
        )
        .map(|i| match i {
            Item::Message { bytes, .. } => String::from_utf8(bytes).unwrap(),
            Item::Failed(e) => format!("ERR {e}"),
        })
        .collect()
    }

    #[test]
    fn mbox_is_split_and_unquoted() {
        let m = split("From a@b Mon Jan 1 00:00:00 2024\nSubject: 1\n\n>From here\n\nFrom c@d Mon Jan 1 00:00:00 2024\nSubject: 2\n\nbody\n");
        assert_eq!(m, ["Subject: 1\n\nFrom here\n", "Subject: 2\n\nbody\n"]);
    }

    #[test]
    fn a_separator_needs_no_blank_line_when_it_is_unmistakable() {
        let m = split("From a@b Mon Jan  1 00:00:00 2024\nSubject: 1\n\n--b--\nFrom MAILER-DAEMON  Thu Jul  2 12:05:05 2020\nSubject: 2\n\nbody\nFrom me, not a separator\n");
        assert_eq!(
            m,
            [
                "Subject: 1\n\n--b--\n",
                "Subject: 2\n\nbody\nFrom me, not a separator\n"
            ]
        );
    }

    #[test]
    fn plain_file_is_one_message() {
        assert_eq!(
            split("Subject: x\n\nFrom here on\n"),
            ["Subject: x\n\nFrom here on\n"]
        );
    }

    #[test]
    fn oversized_message_is_reported_and_the_rest_read() {
        let data = format!(
            "From a\nSubject: 1\n\n{}\n\nFrom b\nSubject: 2\n\nok\n",
            "x".repeat(100)
        );
        let items: Vec<Item> =
            Mbox::new(io::Cursor::new(data.into_bytes()), "t".into(), 50).collect();
        assert!(matches!(
            &items[0],
            Item::Failed(InputError {
                kind: InputErrorKind::TooLarge { index: 1, .. },
                ..
            })
        ));
        assert!(matches!(&items[1], Item::Message { bytes, .. } if bytes == b"Subject: 2\n\nok\n"));
    }

    #[test]
    fn lent_messages_are_the_iterated_ones() {
        let dir = std::env::temp_dir().join(format!("bounce-lent-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let big = "y".repeat(3000);
        let files = [
            ("a.mbox", format!("From a@b Mon Jan 1 00:00:00 2024\nSubject: 1\n\n>From here\n\nFrom c@d Mon Jan 1 00:00:00 2024\nSubject: 2\n\nbody\n\nFrom e@f Mon Jan 1 00:00:00 2024\n\n{big}\n")),
            ("b.eml", "Subject: x\r\n\r\nFrom here on\r\n".to_owned()),
            ("c.eml", String::new()),
        ];
        for (name, data) in &files {
            std::fs::write(dir.join(name), data).unwrap();
        }
        let paths = vec![
            dir.to_string_lossy().into_owned(),
            "/nonexistent/x".to_owned(),
        ];
        let show =
            |origin: &str, bytes: &[u8]| format!("{origin} {}", String::from_utf8_lossy(bytes));
        let iterated: Vec<String> = Inputs::new(paths.clone(), 2000)
            .map(|i| match i {
                Item::Message { origin, bytes } => show(&origin, &bytes),
                Item::Failed(e) => e.to_string(),
            })
            .collect();
        let mut inputs = Inputs::new(paths, 2000);
        let mut lent = Vec::new();
        while let Some(l) = inputs.next_lent() {
            lent.push(match l {
                Lent::Message { origin, bytes } => show(origin, &bytes),
                Lent::Failed(e) => e.to_string(),
            });
        }
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(iterated.len(), 6, "{iterated:?}");
        assert!(
            iterated[0].ends_with("Subject: 1\n\nFrom here\n"),
            "{iterated:?}"
        );
        assert!(
            iterated[2].contains("larger than the limit"),
            "{iterated:?}"
        );
        assert_eq!(iterated, lent);
    }

    #[test]
    fn missing_path_is_an_error_naming_it() {
        let items: Vec<Item> = Inputs::new(vec!["/nonexistent/x.eml".into()], 1 << 20).collect();
        match &items[..] {
            [Item::Failed(e)] => assert!(e.to_string().starts_with("/nonexistent/x.eml: ")),
            other => panic!("{other:?}"),
        }
    }
}
