//! What the diagnosis commands share: the `--lang` choice, the labels of the
//! text output in both languages, colour (only on a terminal, never with
//! `NO_COLOR`), and wrapping prose that mixes Japanese and English.

use bounce_advice::Lang;
use clap::ValueEnum;
use std::io::IsTerminal;

/// `--lang`: the language of advice and labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LangArg {
    /// Japanese.
    Ja,
    /// English.
    En,
}

/// The language asked for, else the one of the environment.
pub fn resolve(arg: Option<LangArg>) -> Lang {
    match arg {
        Some(LangArg::Ja) => Lang::Ja,
        Some(LangArg::En) => Lang::En,
        None => Lang::from_env(),
    }
}

/// The labels of the text output.
pub struct Labels {
    pub provider: &'static str,
    pub reason: &'static str,
    pub status: &'static str,
    pub replycode: &'static str,
    pub command: &'static str,
    pub rhost: &'static str,
    pub said: &'static str,
    pub meaning: &'static str,
    pub causes: &'static str,
    pub action: &'static str,
    pub retry: &'static str,
    pub stop: &'static str,
    pub notes: &'static str,
    pub origin: &'static str,
    pub no_recipient: &'static str,
}

impl Labels {
    /// The labels in `lang`.
    pub fn of(lang: Lang) -> &'static Labels {
        match lang {
            Lang::En => &EN,
            Lang::Ja => &JA,
        }
    }
}

static EN: Labels = Labels {
    provider: "Provider",
    reason: "Reason",
    status: "Status",
    replycode: "Reply code",
    command: "SMTP command",
    rhost: "Remote host",
    said: "Server said",
    meaning: "What it means",
    causes: "Usual causes",
    action: "What to do",
    retry: "Retry helps",
    stop: "Stop mailing",
    notes: "Notes",
    origin: "Read from",
    no_recipient: "(no recipient address in the text)",
};

static JA: Labels = Labels {
    provider: "プロバイダ",
    reason: "理由",
    status: "ステータス",
    replycode: "応答コード",
    command: "SMTP コマンド",
    rhost: "相手サーバー",
    said: "サーバーの応答",
    meaning: "意味",
    causes: "よくある原因",
    action: "対処",
    retry: "再送",
    stop: "配信停止",
    notes: "補足",
    origin: "入力",
    no_recipient: "(テキストに宛先アドレスなし)",
};

/// Whether to colour the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    pub color: bool,
}

impl Style {
    /// Colour when stdout is a terminal and `NO_COLOR` is not set to a
    /// non-empty value (no-color.org).
    pub fn detect() -> Style {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Style {
            color: !no_color && std::io::stdout().is_terminal(),
        }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    /// Bold, for headings and the recipient.
    pub fn bold(&self, text: &str) -> String {
        self.paint("1", text)
    }

    /// Bold red for a hard bounce, bold yellow for a soft one.
    pub fn severity(&self, text: &str, hard: bool) -> String {
        self.paint(if hard { "1;31" } else { "1;33" }, text)
    }
}

/// Columns a string takes on a terminal: East Asian wide characters take two.
pub fn width(s: &str) -> usize {
    s.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

fn is_wide(c: char) -> bool {
    matches!(c,
        '\u{1100}'..='\u{115f}'
        | '\u{2e80}'..='\u{303e}'
        | '\u{3041}'..='\u{33ff}'
        | '\u{3400}'..='\u{4dbf}'
        | '\u{4e00}'..='\u{9fff}'
        | '\u{a000}'..='\u{a4cf}'
        | '\u{ac00}'..='\u{d7a3}'
        | '\u{f900}'..='\u{faff}'
        | '\u{fe30}'..='\u{fe4f}'
        | '\u{ff00}'..='\u{ff60}'
        | '\u{ffe0}'..='\u{ffe6}')
}

/// Characters a line should not start with (Japanese line-breaking rules,
/// the common part).
fn no_break_before(c: char) -> bool {
    matches!(
        c,
        '、' | '。'
            | '」'
            | '』'
            | ')'
            | '）'
            | '・'
            | 'ー'
            | 'ッ'
            | 'ャ'
            | 'ュ'
            | 'ョ'
            | 'っ'
            | 'ゃ'
            | 'ゅ'
            | 'ょ'
            | '.'
            | ','
            | ':'
            | ';'
    )
}

/// Characters a line should not end with: opening brackets.
fn no_break_after(c: char) -> bool {
    matches!(c, '「' | '『' | '(' | '（' | '<' | '[' | '`')
}

/// Splits text into pieces a line may break between: an ASCII word with
/// its trailing space, or one wide character with the punctuation that must
/// stay on its line.
fn pieces(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    for c in text.chars() {
        let opened = cur.chars().last().is_some_and(no_break_after);
        if is_wide(c) && !no_break_before(c) {
            if !cur.is_empty() && !opened {
                out.push(std::mem::take(&mut cur));
            }
            cur.push(c);
        } else if c == ' ' {
            cur.push(c);
            out.push(std::mem::take(&mut cur));
        } else {
            if !opened
                && cur
                    .chars()
                    .last()
                    .is_some_and(|l| is_wide(l) && !no_break_before(c))
            {
                out.push(std::mem::take(&mut cur));
            }
            cur.push(c);
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Wraps `text` to lines of at most `max` columns (a longer word stays
/// whole).
pub fn wrap(text: &str, max: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for piece in pieces(text) {
        if !line.is_empty() && width(&line) + width(piece.trim_end()) > max {
            lines.push(line.trim_end().to_owned());
            line.clear();
        }
        if line.is_empty() {
            line.push_str(piece.trim_start());
        } else {
            line.push_str(&piece);
        }
    }
    if !line.trim().is_empty() {
        lines.push(line.trim_end().to_owned());
    }
    lines
}

/// Pads `label` with spaces to `cols` columns.
pub fn pad(label: &str, cols: usize) -> String {
    format!("{label}{}", " ".repeat(cols.saturating_sub(width(label))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_english_at_spaces() {
        assert_eq!(wrap("aaa bbb ccc", 7), ["aaa bbb", "ccc"]);
        assert_eq!(
            wrap("averyveryverylongword x", 5),
            ["averyveryverylongword", "x"]
        );
    }

    #[test]
    fn wraps_japanese_between_characters_but_not_before_punctuation() {
        let lines = wrap("あいうえお、かきくけこ。", 10);
        assert_eq!(lines, ["あいうえ", "お、かきく", "けこ。"]);
        for l in &lines {
            assert!(width(l) <= 10, "{l}");
        }
        assert_eq!(width("メール box"), 10);
        let lines = wrap("あいうえ「かき」", 10);
        assert_eq!(lines, ["あいうえ", "「かき」"]);
    }

    #[test]
    fn mixed_text_keeps_ascii_words_whole() {
        let lines = wrap("`dig MX example.jp` で調べる", 12);
        assert!(lines.iter().all(|l| !l.starts_with(' ')), "{lines:?}");
        assert!(
            lines
                .concat()
                .replace(' ', "")
                .contains("example.jp`で調べる"),
            "{lines:?}"
        );
    }
}
