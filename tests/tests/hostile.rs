//! Hostile and broken input: none of it may panic, hang, or cost more than
//! linear time; what cannot be decoded is an error, not a crash.

use bounce_core::input::{Inputs, Item};
use bounce_core::{DecodeError, Decoder};
use cpu_time::ThreadTime;
use std::time::{Duration, Instant};

fn decoder() -> Decoder<'static> {
    Decoder::new(bounce_providers::registry().unwrap())
}

fn dsn_with(recipients: usize) -> Vec<u8> {
    let mut m = String::from(
        "From: MAILER-DAEMON@mx.example.jp\nTo: sender@example.org\nSubject: Delivery Status Notification (Failure)\n\
MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n\
--B\nContent-Type: text/plain\n\nDelivery failed.\n\n--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.jp\n",
    );
    for i in 0..recipients {
        m.push_str(&format!(
            "\nFinal-Recipient: rfc822; user{i}@example.jp\nAction: failed\nStatus: 5.1.1\n"
        ));
    }
    m.push_str("\n--B--\n");
    m.into_bytes()
}

#[test]
fn empty_and_tiny_inputs_are_errors_not_panics() {
    let d = decoder();
    assert_eq!(d.decode(b"", "x").unwrap_err(), DecodeError::Empty);
    assert_eq!(d.decode(b"\n\r\n ", "x").unwrap_err(), DecodeError::Empty);
    for b in 0u8..=255 {
        let _ = d.decode(&[b], "x");
    }
}

#[test]
fn random_binary_and_nul_bytes() {
    let d = decoder();
    // A fixed xorshift sequence: reproducible "random" bytes.
    let mut x: u64 = 0x9e3779b97f4a7c15;
    for len in [10usize, 1000, 100_000] {
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect();
        let _ = d.decode(&bytes, "x");
    }
    let mut with_nul = dsn_with(2);
    with_nul.splice(40..40, [0u8, 0, 0]);
    let got = d.decode(&with_nul, "x").unwrap();
    assert_eq!(got.facts.len(), 2);
}

#[test]
fn multipart_nested_thousands_deep() {
    let mut m = String::from("From: MAILER-DAEMON@x.example\nSubject: Undelivered\nContent-Type: multipart/mixed; boundary=\"b0\"\n\n");
    let depth = 5000;
    for i in 0..depth {
        m.push_str(&format!(
            "--b{i}\nContent-Type: multipart/mixed; boundary=\"b{}\"\n\n",
            i + 1
        ));
    }
    m.push_str("deep text\n");
    for i in (0..depth).rev() {
        m.push_str(&format!("--b{i}--\n"));
    }
    // Refused by the default depth limit, before any MIME parsing...
    assert_eq!(
        decoder().decode(m.as_bytes(), "x").unwrap_err(),
        DecodeError::TooDeep { limit: 64 }
    );
    // ...and, with the limit lifted, still parsed in bounded time.
    let lifted = decoder().with_limits(bounce_core::Limits {
        max_depth: 1 << 20,
        ..bounce_core::Limits::default()
    });
    let start = Instant::now();
    let _ = lifted.decode(m.as_bytes(), "x");
    assert!(start.elapsed() < Duration::from_secs(10));
    let mut r = String::from(
        "From: MAILER-DAEMON@x.example\nSubject: Undelivered\nContent-Type: message/rfc822\n\n",
    );
    for _ in 0..3000 {
        r.push_str("From: a@b.example\nContent-Type: message/rfc822\n\n");
    }
    let _ = decoder().decode(r.as_bytes(), "x");
}

#[test]
fn a_header_line_of_tens_of_megabytes() {
    let mut m = b"From: MAILER-DAEMON@x.example\nSubject: ".to_vec();
    m.extend(std::iter::repeat_n(b'a', 20 << 20));
    m.extend_from_slice(b"\n\nbody\n");
    let start = Instant::now();
    let _ = decoder().decode(&m, "x");
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn tens_of_thousands_of_recipients_in_linear_time() {
    let d = decoder();
    let small = dsn_with(5_000);
    let large = dsn_with(20_000);
    let t = Instant::now();
    assert_eq!(d.decode(&small, "x").unwrap().facts.len(), 5_000);
    let t_small = t.elapsed();
    let t = Instant::now();
    assert_eq!(d.decode(&large, "x").unwrap().facts.len(), 20_000);
    let t_large = t.elapsed();
    // Four times the input: allow up to ten times the time (noise), not sixteen.
    assert!(
        t_large < t_small * 10 + Duration::from_millis(200),
        "{t_small:?} then {t_large:?}"
    );
}

#[test]
fn doubling_the_input_roughly_doubles_the_time() {
    let d = decoder();
    let one =
        std::fs::read(bounce_tests::root().join("examples/postfix-user-unknown.eml")).unwrap();
    // The thread's CPU time, not wall time: on a loaded machine a run longer
    // than a time slice waits for the other processes' turns (seen: 2.6 ms
    // for 400 decodes, then 17 ms for 800).
    let run = |n: usize| {
        let t = ThreadTime::now();
        for _ in 0..n {
            d.decode(&one, "x").unwrap();
        }
        t.elapsed()
    };
    let _ = run(50);
    // The best of five rounds, the two sizes in turn within each.
    let (mut t1, mut t2) = (Duration::MAX, Duration::MAX);
    for _ in 0..5 {
        t1 = t1.min(run(400));
        t2 = t2.min(run(800));
    }
    assert!(t2 < t1 * 4, "{t1:?} then {t2:?}");
}

#[test]
fn recipients_beyond_the_limit_are_counted() {
    let d = decoder().with_limits(bounce_core::Limits {
        max_recipients: 10,
        ..bounce_core::Limits::default()
    });
    let got = d.decode(&dsn_with(25), "x").unwrap();
    assert_eq!((got.facts.len(), got.truncated), (10, 15));
}

#[test]
fn oversized_messages_are_refused() {
    let d = decoder().with_limits(bounce_core::Limits {
        max_message_bytes: 100,
        ..bounce_core::Limits::default()
    });
    assert!(matches!(
        d.decode(&dsn_with(3), "x"),
        Err(DecodeError::TooLarge { .. })
    ));
}

#[test]
fn broken_charsets_and_encodings() {
    let m = "From: MAILER-DAEMON@x.example\nSubject: =?x-unknown?B?!!!?= =?ISO-2022-JP?B?GyRC?=\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n\
--B\nContent-Type: text/plain; charset=no-such-charset\nContent-Transfer-Encoding: base64\n\n!!!not base64 at all===\n\
--B\nContent-Type: text/plain; charset=iso-2022-jp\nContent-Transfer-Encoding: quoted-printable\n\n=1B=24=42=ZZ broken =\n\
--B\nContent-Type: message/delivery-status\nContent-Transfer-Encoding: base64\n\n@@@@\n--B--\n";
    let _ = decoder().decode(m.as_bytes(), "x");
}

/// Found by `cargo fuzz run decode`: a message/rfc822 part whose content is
/// an empty message/rfc822 made mail-parser's debug build assert.
#[test]
fn fuzz_regression_nested_empty_rfc822() {
    let m = "Content-Type: multipart/report; report-type=delivery-status;\n\tboundary=\"b.1/mx.example.jp\"\n\n\
--b.1/mx.example.jp\nContent-Type: message/rfc822\n\nContent-Type: message/rfc822\n\n\n--b.1/mx.example.jp--";
    let got = decoder().decode(m.as_bytes(), "x").unwrap();
    assert!(got.facts.is_empty());
}

fn items(paths: Vec<String>) -> Vec<Item> {
    Inputs::new(paths, 1 << 20).collect()
}

#[test]
fn a_truncated_mbox_yields_what_it_has() {
    let dir = tempdir("mbox");
    let mut data = b"From a Mon Jan  1 00:00:00 2024\n".to_vec();
    data.extend(dsn_with(1));
    data.extend(
        b"\nFrom b Mon Jan  1 00:00:00 2024\nFrom: x@example.jp\nSubject: cut off in the mid",
    );
    let path = dir.join("cut.mbox");
    std::fs::write(&path, data).unwrap();
    let got = items(vec![path.display().to_string()]);
    assert_eq!(got.len(), 2);
    let d = decoder();
    let Item::Message { bytes, .. } = &got[0] else {
        panic!()
    };
    assert_eq!(d.decode(bytes, "x").unwrap().facts.len(), 1);
    let Item::Message { bytes, .. } = &got[1] else {
        panic!()
    };
    let _ = d.decode(bytes, "x");
}

#[cfg(unix)]
#[test]
fn unreadable_files_dangling_links_and_loops_in_a_tree() {
    use std::os::unix::fs::{symlink, PermissionsExt};
    let dir = tempdir("tree");
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(dir.join("sub/good.eml"), dsn_with(1)).unwrap();
    symlink(dir.join("nowhere"), dir.join("dangling")).unwrap();
    symlink(&dir, dir.join("sub/loop")).unwrap();
    let locked = dir.join("locked.eml");
    std::fs::write(&locked, dsn_with(1)).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let got = items(vec![dir.display().to_string()]);
    let failed: Vec<String> = got
        .iter()
        .filter_map(|i| {
            if let Item::Failed(e) = i {
                Some(e.to_string())
            } else {
                None
            }
        })
        .collect();
    let messages = got
        .iter()
        .filter(|i| matches!(i, Item::Message { .. }))
        .count();
    assert!(failed.iter().any(|e| e.contains("dangling")), "{failed:?}");
    assert!(failed.iter().any(|e| e.contains("loop")), "{failed:?}");
    // root can read a 000 file; anyone else gets an error naming it.
    let root_user = std::fs::read(&locked).is_ok();
    assert!(
        root_user || failed.iter().any(|e| e.contains("locked.eml")),
        "{failed:?}"
    );
    assert_eq!(messages, if root_user { 2 } else { 1 });
}

fn tempdir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("bounce-hostile-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
