//! Where messages come from: a single file, an mbox (streamed, one message in
//! memory at a time), a Maildir or any directory tree (walked lazily, in name
//! order), or standard input. Each message is yielded with the origin it
//! came from; an input that cannot be read is yielded as an error naming it,
//! and the walk goes on.

use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::path::Path;

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
    Stream(Mbox<Box<dyn BufRead + Send>>),
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

    /// Opens a path given on the command line; an error item if it cannot be.
    fn open(&mut self, path: String) -> Option<Item> {
        if path == "-" {
            let reader: Box<dyn BufRead + Send> =
                Box::new(BufReader::with_capacity(1 << 16, io::stdin()));
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
            Err(e) => Some(failed(&path, e.into())),
        }
    }

    /// Opens a file as a stream of messages (one, or many for an mbox).
    fn open_file(&mut self, path: &Path, origin: String) -> Option<Item> {
        match File::open(path) {
            Ok(f) => {
                let reader: Box<dyn BufRead + Send> =
                    Box::new(BufReader::with_capacity(1 << 16, f));
                self.stack.push(Source::Stream(Mbox::new(
                    reader,
                    origin,
                    self.max_message_bytes,
                )));
                None
            }
            Err(e) => Some(failed(&origin, e.into())),
        }
    }
}

impl Iterator for Inputs {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        loop {
            match self.stack.last_mut() {
                Some(Source::Stream(m)) => match m.next() {
                    Some(item) => return Some(item),
                    None => {
                        self.stack.pop();
                    }
                },
                Some(Source::Tree { root, walk }) => match walk.next() {
                    Some(Ok(entry)) => {
                        if entry.file_type().is_file() {
                            let origin = entry.path().to_string_lossy().into_owned();
                            if let Some(item) = self.open_file(&entry.into_path(), origin) {
                                return Some(item);
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
                        return Some(failed(&path, InputErrorKind::Walk(msg)));
                    }
                    None => {
                        self.stack.pop();
                    }
                },
                None => {
                    let path = self.pending.next()?;
                    if let Some(item) = self.open(path) {
                        return Some(item);
                    }
                }
            }
        }
    }
}

fn failed(path: &str, kind: InputErrorKind) -> Item {
    Item::Failed(InputError {
        path: path.to_owned(),
        kind,
    })
}

/// Splits a stream into messages. A stream that begins with an mbox `From `
/// line is split at every `From ` line that follows a blank line (and
/// `>From ` quoting is undone); any other stream is one message.
pub struct Mbox<R> {
    reader: R,
    origin: String,
    limit: usize,
    line: Vec<u8>,
    started: bool,
    is_mbox: bool,
    done: bool,
    index: usize,
}

impl<R: BufRead> Mbox<R> {
    /// Reads messages from `reader`, each at most `limit` bytes.
    pub fn new(reader: R, origin: String, limit: usize) -> Mbox<R> {
        Mbox {
            reader,
            origin,
            limit,
            line: Vec::new(),
            started: false,
            is_mbox: false,
            done: false,
            index: 0,
        }
    }

    fn read_line(&mut self) -> io::Result<bool> {
        self.line.clear();
        Ok(self.reader.read_until(b'\n', &mut self.line)? > 0)
    }
}

impl<R: BufRead> Iterator for Mbox<R> {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        if self.done {
            return None;
        }
        if !self.started {
            self.started = true;
            match self.read_line() {
                Ok(true) => {}
                Ok(false) => {
                    self.done = true;
                    // An empty file is still an input: say so rather than drop it.
                    return Some(Item::Message {
                        origin: self.origin.clone(),
                        bytes: Vec::new(),
                    });
                }
                Err(e) => {
                    self.done = true;
                    return Some(failed(&self.origin, e.into()));
                }
            }
            self.is_mbox = self.line.starts_with(b"From ");
            if self.is_mbox {
                // The separator line is not part of the message.
                if let Err(e) = self.read_line() {
                    self.done = true;
                    return Some(failed(&self.origin, e.into()));
                }
            }
        }
        self.index += 1;
        let mut msg: Vec<u8> = Vec::new();
        let mut too_large = false;
        let mut prev_blank = true;
        let mut lines = 0usize;
        loop {
            if self.line.is_empty() {
                self.done = true;
                break;
            }
            if self.is_mbox && prev_blank && self.line.starts_with(b"From ") && lines > 0 {
                // Next message: skip its separator line.
                match self.read_line() {
                    Ok(_) => {}
                    Err(e) => {
                        self.done = true;
                        return Some(failed(&self.origin, e.into()));
                    }
                }
                break;
            }
            prev_blank = self.line == b"\n" || self.line == b"\r\n";
            lines += 1;
            if !too_large {
                let line: &[u8] = if self.is_mbox && is_quoted_from(&self.line) {
                    &self.line[1..]
                } else {
                    &self.line
                };
                if msg.len() + line.len() > self.limit {
                    too_large = true;
                    msg = Vec::new();
                } else {
                    msg.extend_from_slice(line);
                }
            }
            match self.read_line() {
                Ok(true) => {}
                Ok(false) => {
                    self.line.clear();
                }
                Err(e) => {
                    self.done = true;
                    return Some(failed(&self.origin, e.into()));
                }
            }
        }
        if too_large {
            return Some(failed(
                &self.origin,
                InputErrorKind::TooLarge {
                    index: self.index,
                    limit: self.limit,
                },
            ));
        }
        if self.is_mbox {
            // The blank line before a separator belongs to the mbox, not the message.
            if msg.ends_with(b"\n\n") {
                msg.pop();
            }
        }
        Some(Item::Message {
            origin: self.origin.clone(),
            bytes: msg,
        })
    }
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
    fn missing_path_is_an_error_naming_it() {
        let items: Vec<Item> = Inputs::new(vec!["/nonexistent/x.eml".into()], 1 << 20).collect();
        match &items[..] {
            [Item::Failed(e)] => assert!(e.to_string().starts_with("/nonexistent/x.eml: ")),
            other => panic!("{other:?}"),
        }
    }
}
