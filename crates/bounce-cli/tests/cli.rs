//! The `bounce` binary as a user runs it: `--help` transcripts (compared with
//! `tests/snapshots/*.txt`; `UPDATE_SNAPSHOTS=1` rewrites them), exit codes,
//! errors naming the file, stdin.

mod common;

use common::{bounce, root, stdout};
use std::path::Path;

fn snapshot(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(format!("{name}.txt"));
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("{} missing: run with UPDATE_SNAPSHOTS=1", path.display()));
    assert_eq!(
        expected,
        actual,
        "{} is stale: run with UPDATE_SNAPSHOTS=1 and review the diff",
        path.display()
    );
}

#[test]
fn help_transcripts() {
    for (name, args) in [
        ("help", &["--help"][..]),
        ("help-parse", &["parse", "--help"]),
        ("help-providers", &["providers", "--help"]),
        ("help-diagnose", &["diagnose", "--help"]),
        ("help-explain", &["explain", "--help"]),
        ("help-reasons", &["reasons", "--help"]),
    ] {
        let out = bounce(args, None);
        assert!(out.status.success(), "{name}");
        snapshot(name, &String::from_utf8(out.stdout).unwrap());
    }
}

#[test]
fn parse_the_example() {
    let out = bounce(&["parse", "examples/postfix-user-unknown.eml"], None);
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["recipient"], "taro.yamada@example.co.jp");
    assert_eq!(lines[0]["reason"], "userunknown");
    assert_eq!(lines[0]["hardbounce"], true);
    assert_eq!(lines[0]["origin"], "examples/postfix-user-unknown.eml");
    assert!(
        out.stderr.is_empty(),
        "a single readable file says nothing on stderr"
    );
}

#[test]
fn json_format_is_one_array() {
    let out = bounce(
        &[
            "parse",
            "--format",
            "json",
            "examples/postfix-user-unknown.eml",
            "examples/not-a-bounce.eml",
        ],
        None,
    );
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1);
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("2 message(s) read: 1 bounce(s), 1 not a bounce, 0 failed"),
        "{err}"
    );
}

#[test]
fn a_bad_input_is_named_and_the_batch_goes_on() {
    let out = bounce(
        &[
            "parse",
            "no/such/file.eml",
            "examples/postfix-user-unknown.eml",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("no/such/file.eml: "), "{err}");
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 1);
}

#[test]
fn stdin_is_read_when_no_path_is_given() {
    let mail = std::fs::read(root().join("examples/postfix-user-unknown.eml")).unwrap();
    let out = bounce(&["parse"], Some(&mail));
    assert!(out.status.success());
    let v: serde_json::Value =
        serde_json::from_slice(out.stdout.split(|&b| b == b'\n').next().unwrap()).unwrap();
    assert_eq!(v["origin"], "-");
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(
        bounce(&["parse", "--format", "xml"], None).status.code(),
        Some(2)
    );
}

#[test]
fn providers_are_listed_with_summaries() {
    let out = bounce(&["providers"], None);
    let text = String::from_utf8(out.stdout).unwrap();
    for id in ["rfc3464", "arf", "rfc3834"] {
        assert!(
            text.lines().any(|l| l.starts_with(id) && l.len() > 30),
            "{id} missing:\n{text}"
        );
    }
}

/// A delivery report for two recipients, one delivered and one refused.
const DELIVERED_AND_FAILED: &str = "From: Mail Delivery System <MAILER-DAEMON@mx.example.jp>
To: sender@example.com
Subject: Delivery Status Notification
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"

--b
Content-Type: text/plain

One message was delivered, one was not.

--b
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.jp

Final-Recipient: rfc822; ok@example.jp
Action: delivered
Status: 2.0.0

Final-Recipient: rfc822; gone@example.jp
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <gone@example.jp>: User unknown

--b--
";

#[test]
fn the_account_says_what_parse_left_out() {
    let mbox = format!("From x\n{DELIVERED_AND_FAILED}\nFrom x\n{DELIVERED_AND_FAILED}");
    let out = bounce(&["parse"], Some(mbox.as_bytes()));
    assert_eq!(stdout(&out).lines().count(), 2);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "bounce: 2 message(s) read: 2 bounce(s), 0 not a bounce, 0 failed; 4 fact(s), \
         2 not shown (deliveries or automatic replies: see --delivered, --vacation)\n"
    );
    let out = bounce(&["parse", "--delivered"], Some(mbox.as_bytes()));
    assert_eq!(stdout(&out).lines().count(), 4);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "bounce: 2 message(s) read: 2 bounce(s), 0 not a bounce, 0 failed; 4 fact(s)\n"
    );
}
