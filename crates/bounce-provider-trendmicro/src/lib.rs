#![doc = include_str!("../README.md")]

use bounce_core::{rules, text, Command, Draft, Kind, Mail, Provider, ProviderMatcher, Report};

const NAMES: &[&str] = &["InterScan MSS", "InterScan Notification"];
const SUBJECT_EN: &str = "Mail could not be delivered";
const SUBJECTS_JA: &[&str] = &["メッセージを配信できません。", "メール配信に失敗しました"];

struct TrendMicro;

impl ProviderMatcher for TrendMicro {
    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {
        let from = mail.from_text();
        let subject = mail.subject().trim();
        let named = NAMES.iter().any(|n| from.contains(n));
        let japanese = SUBJECTS_JA
            .iter()
            .any(|s| subject.starts_with(s.trim_end_matches('。')));
        let english = subject.eq_ignore_ascii_case(SUBJECT_EN);
        if !named && !japanese && !english {
            return None;
        }
        let strict = !named && !japanese;
        let drafts = transcript(mail.body(), strict);
        (!drafts.is_empty()).then(|| Report::new(drafts))
    }
}

/// The recipients of the quoted SMTP exchange. With `strict`, only lines
/// that start with IMSS's own `Sent <<<` and `Received >>>` count.
fn transcript(body: &str, strict: bool) -> Vec<Draft> {
    let mut out: Vec<Draft> = Vec::new();
    let mut command: Option<Command> = None;
    for line in body.lines() {
        let line = line.trim();
        let Some(at) = line.find("<<<").or_else(|| line.find(">>>")) else {
            continue;
        };
        if strict && !(line.starts_with("Sent <<<") || line.starts_with("Received >>>")) {
            continue;
        }
        let said = line[at + 3..].trim();
        if let Some(cmd) = Command::parse(said) {
            command = Some(cmd);
            if cmd == Command::Rcpt {
                if let Some(addr) = text::find_address(said) {
                    let mut d = rules::failed_draft(text::clean_address(addr));
                    d.command = Some(cmd);
                    out.push(d);
                }
            }
            continue;
        }
        let b = said.as_bytes();
        if b.len() < 3 || !b[..3].iter().all(u8::is_ascii_digit) {
            continue;
        }
        let named = text::find_address(said).map(text::clean_address);
        let fresh = match (out.last(), &named) {
            (None, _) => true,
            (Some(last), Some(addr)) => !last.recipient.eq_ignore_ascii_case(addr),
            // A reply that names nobody continues the last recipient's.
            (Some(_), None) => false,
        };
        if fresh {
            let Some(addr) = named else { continue };
            let mut d = rules::failed_draft(addr);
            d.command = command;
            out.push(d);
        }
        if let Some(d) = out.last_mut() {
            rules::push_diagnosis(d, said);
        }
    }
    out
}

bounce_core::inventory::submit! {
    Provider {
        id: "trendmicro",
        kind: Kind::Gateway,
        doc: include_str!("../README.md"),
        fingerprints: &[NAMES[0], NAMES[1], SUBJECT_EN, "メッセージを配信できません", "メール配信に失敗しました"],
        rhosts: &[],
        phrases: &[],
        matcher: &TrendMicro,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_exchange() {
        let r = transcript("Sent <<< RCPT TO:<a@example.jp>\nReceived >>> 550 5.1.1 <a@example.jp>... User unknown\n", true);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].recipient, "a@example.jp");
        assert_eq!(r[0].command, Some(Command::Rcpt));
        assert_eq!(r[0].diagnosis, "550 5.1.1 <a@example.jp>... User unknown");
    }

    #[test]
    fn reversed_arrows_and_strictness() {
        let body = "送信 >>> RCPT TO:<b@example.jp>\n受信 <<< 552 5.2.2 Mailbox full\n";
        assert_eq!(transcript(body, true).len(), 0);
        let r = transcript(body, false);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].diagnosis, "552 5.2.2 Mailbox full");
        let r = transcript(">>> DATA\n<<< 554 5.7.1 <c@example.org> rejected\n", false);
        assert_eq!(r[0].recipient, "c@example.org");
        assert_eq!(r[0].command, Some(Command::Data));
    }
}
