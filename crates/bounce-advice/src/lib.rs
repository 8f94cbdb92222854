//! What a bounce means and what to do about it, in Japanese and English.
//!
//! The knowledge lives as data beside this crate (`data/*.toml`), compiled in
//! with `include_str!` and read with serde at first use:
//!
//! - `reasons.toml`: for every [`Reason`] of the vocabulary, in both
//!   languages, a one-line title, what happened, the usual causes and what the
//!   sender should do; and, for both languages at once, whether a retry can
//!   help ([`Retry`]) and whether to stop mailing the address ([`Stop`]).
//! - `codes.toml`: what enhanced status codes (RFC 3463) and SMTP reply codes
//!   (RFC 5321) mean.
//! - `notes.toml`: provider notes ([`Note`]), what is particular to a
//!   provider, a recipient domain or a server's wording.
//!
//! [`advise`] puts them together for one [`Fact`]. Rendering is the caller's
//! business (`bounce diagnose`, `bounce explain`, `bounce parse --advice`).
//!
//! Invariant: every reason has complete text in both languages; the tests of
//! this crate fail otherwise, and [`KnowledgeBase::load`] refuses such data.

mod kb;

pub use kb::{KnowledgeBase, LoadError, Note, ReasonEntry, ReasonText};

use bounce_core::{Fact, Reason, ReplyCode, Status};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The language of the advice.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    /// English, the default.
    #[default]
    En,
    /// Japanese.
    Ja,
}

impl Lang {
    /// Both languages.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Ja];

    /// `en` or `ja`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ja => "ja",
        }
    }

    /// The language of a POSIX locale name: Japanese for `ja`, `ja_JP.UTF-8`
    /// and the like, English for anything else (`C`, `en_US`, `de_DE`...).
    pub fn from_locale(locale: &str) -> Lang {
        let l = locale.trim();
        if l.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("ja")) {
            Lang::Ja
        } else {
            Lang::En
        }
    }

    /// The language the environment asks for: the first of `LC_ALL`,
    /// `LC_MESSAGES` and `LANG` that is set and not empty decides, as POSIX
    /// orders them; English when none is.
    pub fn from_env() -> Lang {
        Lang::from_vars(|name| std::env::var(name).ok())
    }

    /// [`Lang::from_env`] over any source of variables (for tests).
    pub fn from_vars(get: impl Fn(&str) -> Option<String>) -> Lang {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .into_iter()
            .filter_map(get)
            .find(|v| !v.trim().is_empty())
            .map_or(Lang::En, |v| Lang::from_locale(&v))
    }
}

impl FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Lang, String> {
        match s {
            "en" => Ok(Lang::En),
            "ja" => Ok(Lang::Ja),
            _ => Err(format!("unknown language {s:?}: en or ja")),
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Whether sending again can help.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Retry {
    /// The same message to the same address will fail again.
    No,
    /// The condition is temporary: trying again later can succeed (the
    /// sending server usually retries by itself).
    Later,
    /// Only once the cause has been fixed, on the sender's side or the
    /// recipient's.
    AfterFix,
}

impl Retry {
    /// A short answer to "does a retry help?" for people.
    pub fn describe(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Retry::No, Lang::En) => "no: sending it again will fail the same way",
            (Retry::No, Lang::Ja) => "効果なし (送り直しても同じように失敗する)",
            (Retry::Later, Lang::En) => "yes, later: the condition is temporary",
            (Retry::Later, Lang::Ja) => "時間を置けば届く可能性がある (一時的な状態)",
            (Retry::AfterFix, Lang::En) => "only after the cause has been fixed",
            (Retry::AfterFix, Lang::Ja) => "原因を取り除いた後なら届く可能性がある",
        }
    }
}

/// Whether to stop mailing the address.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stop {
    /// Remove the address from the list now.
    Yes,
    /// Keep it.
    No,
    /// Keep it for now; remove it when the same bounce keeps coming.
    IfRepeated,
}

impl Stop {
    /// A short answer to "should I stop mailing this address?" for people.
    pub fn describe(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Stop::Yes, Lang::En) => "yes: remove it from your list",
            (Stop::Yes, Lang::Ja) => "はい (名簿から外す)",
            (Stop::No, Lang::En) => "no",
            (Stop::No, Lang::Ja) => "いいえ",
            (Stop::IfRepeated, Lang::En) => "not yet: only if the same bounce keeps coming",
            (Stop::IfRepeated, Lang::Ja) => "まだ不要 (同じ不達が続くなら停止する)",
        }
    }
}

/// The advice for one fact, in one language: what `bounce parse --advice`
/// adds to each JSON object, and what `bounce diagnose` prints.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Advice {
    /// `en` or `ja`.
    pub lang: &'static str,
    /// The reason's one-line title.
    pub title: String,
    /// What happened.
    pub meaning: String,
    /// The usual causes.
    pub causes: Vec<String>,
    /// What the sender should do.
    pub action: String,
    /// Whether a retry can help.
    pub retry: Retry,
    /// Whether to stop mailing the address.
    pub stop: Stop,
    /// What the fact's enhanced status code means; empty when it has none.
    pub status_meaning: String,
    /// What the fact's SMTP reply code means; empty when it has none.
    pub replycode_meaning: String,
    /// Provider notes that apply to this fact.
    pub notes: Vec<String>,
}

/// The built-in knowledge base, read at first use.
///
/// # Panics
///
/// When the data compiled into the crate is invalid, which the crate's tests
/// rule out.
pub fn kb() -> &'static KnowledgeBase {
    static KB: std::sync::LazyLock<KnowledgeBase> = std::sync::LazyLock::new(|| {
        KnowledgeBase::load()
            .unwrap_or_else(|e| panic!("the built-in knowledge base is invalid: {e}"))
    });
    &KB
}

/// The advice for `fact` in `lang`, from the built-in knowledge base.
pub fn advise(fact: &Fact, lang: Lang) -> Advice {
    kb().advise(fact, lang)
}

impl KnowledgeBase {
    /// The advice for `fact` in `lang`.
    pub fn advise(&self, fact: &Fact, lang: Lang) -> Advice {
        let entry = self.reason(fact.reason);
        let text = entry.text(lang);
        Advice {
            lang: lang.code(),
            title: text.title.clone(),
            meaning: text.meaning.clone(),
            causes: text.causes.clone(),
            action: text.action.clone(),
            retry: entry.retry,
            stop: entry.stop,
            status_meaning: Status::parse(&fact.deliverystatus)
                .map(|s| self.status_meaning(&s, lang))
                .unwrap_or_default(),
            replycode_meaning: ReplyCode::parse(&fact.replycode)
                .map(|r| self.reply_meaning(r, lang))
                .unwrap_or_default(),
            notes: self
                .notes_for(fact)
                .map(|n| n.text(lang, &fact.destination))
                .collect(),
        }
    }

    /// What an enhanced status code means: its class, its subject and, when
    /// known, its detail. A status of Sisimai's `X.0.9nn` form says that the
    /// bounce gave none and it was derived from the reason.
    pub fn status_meaning(&self, status: &Status, lang: Lang) -> String {
        let class = self.class_text(status.class(), lang);
        let sep = match lang {
            Lang::En => "; ",
            Lang::Ja => "。",
        };
        if status.subject() == 0 && status.detail() >= 900 {
            let derived = match lang {
                Lang::En => "the bounce gave no status code: this one was derived from the reason",
                Lang::Ja => "エラーメールにステータスコードがなく、理由から補ったもの",
            };
            return format!("{class}{sep}{derived}");
        }
        let subject = self.subject_text(status.subject(), lang);
        match self.detail_text(status.subject(), status.detail(), lang) {
            Some(detail) if status.subject() != 0 => format!("{class}{sep}{subject}: {detail}"),
            Some(detail) => format!("{class}{sep}{detail}"),
            None => format!("{class}{sep}{subject}"),
        }
    }

    /// What an SMTP reply code means; for a code the knowledge base does not
    /// describe, what its first digit means.
    pub fn reply_meaning(&self, code: ReplyCode, lang: Lang) -> String {
        match self.reply_text(code.get(), lang) {
            Some(t) => t.to_owned(),
            None => {
                let class = self.class_text(code.class(), lang);
                match lang {
                    Lang::En => format!("{class} (no description of this particular code)"),
                    Lang::Ja => format!("{class} (このコード個別の説明はありません)"),
                }
            }
        }
    }

    /// The provider notes that apply to `fact`, in the order of the data.
    pub fn notes_for<'a>(&'a self, fact: &'a Fact) -> impl Iterator<Item = &'a Note> + 'a {
        self.notes().iter().filter(move |n| n.applies(fact))
    }
}

/// Every reason and its text, in the vocabulary's order: what `bounce
/// reasons` lists.
pub fn catalogue(lang: Lang) -> impl Iterator<Item = (Reason, &'static ReasonText)> {
    Reason::ALL
        .iter()
        .map(move |&r| (r, kb().reason(r).text(lang)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_follows_the_posix_order() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                vars.iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        assert_eq!(Lang::from_vars(env(&[])), Lang::En);
        assert_eq!(Lang::from_vars(env(&[("LANG", "ja_JP.UTF-8")])), Lang::Ja);
        assert_eq!(
            Lang::from_vars(env(&[("LANG", "ja_JP.UTF-8"), ("LC_MESSAGES", "C")])),
            Lang::En
        );
        assert_eq!(
            Lang::from_vars(env(&[("LANG", "C"), ("LC_ALL", "ja_JP.eucJP")])),
            Lang::Ja
        );
        assert_eq!(
            Lang::from_vars(env(&[("LC_ALL", ""), ("LANG", "ja")])),
            Lang::Ja
        );
        assert_eq!(Lang::from_vars(env(&[("LANG", "en_US.UTF-8")])), Lang::En);
        assert_eq!("ja".parse::<Lang>(), Ok(Lang::Ja));
        assert!("fr".parse::<Lang>().is_err());
    }

    #[test]
    fn status_codes_are_explained() {
        let kb = kb();
        let s = |t: &str| Status::parse(t).unwrap();
        assert_eq!(
            kb.status_meaning(&s("5.1.1"), Lang::En),
            "permanent failure; addressing: the mailbox does not exist"
        );
        assert!(kb
            .status_meaning(&s("4.2.2"), Lang::Ja)
            .contains("メールボックスが満杯"));
        assert!(kb
            .status_meaning(&s("5.0.911"), Lang::En)
            .contains("derived from the reason"));
        assert!(kb
            .status_meaning(&s("5.0.0"), Lang::En)
            .ends_with("no further detail given"));
        // An unknown detail still gets its class and subject.
        assert!(kb
            .status_meaning(&s("5.7.999"), Lang::En)
            .ends_with("security or policy"));
        let r = |c: u16| ReplyCode::new(c).unwrap();
        assert!(kb
            .reply_meaning(r(550), Lang::En)
            .contains("mailbox is unavailable"));
        assert!(kb.reply_meaning(r(452), Lang::Ja).contains("一時的"));
        assert!(kb
            .reply_meaning(r(557), Lang::En)
            .starts_with("permanent failure"));
    }

    #[test]
    fn advice_gathers_reason_codes_and_notes() {
        let fact = Fact {
            reason: Reason::UserUnknown,
            deliverystatus: "5.1.1".into(),
            replycode: "550".into(),
            recipient: "a@docomo.ne.jp".into(),
            destination: "docomo.ne.jp".into(),
            smtpagent: "postfix".into(),
            ..Fact::default()
        };
        let a = advise(&fact, Lang::En);
        assert_eq!(a.retry, Retry::No);
        assert_eq!(a.stop, Stop::Yes);
        assert!(a.status_meaning.contains("does not exist"));
        assert!(a.replycode_meaning.contains("mailbox"));
        assert_eq!(a.notes.len(), 1, "{:?}", a.notes);
        assert!(a.notes[0].contains("reception settings"));
        let ja = advise(&fact, Lang::Ja);
        assert_eq!(ja.lang, "ja");
        assert!(ja.notes[0].contains("受信設定"));
    }

    #[test]
    fn notes_fill_in_the_domain() {
        let fact = Fact {
            reason: Reason::HostUnknown,
            recipient: "a@exmaple.co.jp".into(),
            destination: "exmaple.co.jp".into(),
            smtpagent: "ocn".into(),
            ..Fact::default()
        };
        let notes = advise(&fact, Lang::En).notes;
        assert!(
            notes.iter().any(|n| n.contains("`dig MX exmaple.co.jp`")),
            "{notes:?}"
        );
        assert!(notes.iter().all(|n| !n.contains("{domain}")));
    }

    #[test]
    fn notes_stay_off_reports_that_are_no_failure() {
        let fact = Fact {
            reason: Reason::Delivered,
            smtpagent: "ocn".into(),
            ..Fact::default()
        };
        assert!(advise(&fact, Lang::En).notes.is_empty());
    }
}
