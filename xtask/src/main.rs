//! `cargo xtask`: the project's chores, as one small binary with no
//! dependencies so it builds in seconds.
//!
//! - `ci`: what `.ci/run` runs: format check, clippy with warnings denied,
//!   the tests, the doc build, the judge on the corpus with the score floor,
//!   and the benchmarks once in test mode.
//! - `new-provider ID [--kind service|gateway|mta|shape|remote-host]`:
//!   scaffolds `crates/bounce-provider-ID` and links it into the binary.
//! - `score [ARGS...]`: a fresh release build, then `../shared/tools/score`.
//! - `bench [ARGS...]`: criterion benchmarks, saving and comparing a baseline.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

/// The share of the corpus that must be right; raised as the score rises.
const MIN_SCORE: &str = "98.5";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("ci") => ci(args.iter().any(|a| a == "--skip-tests")),
        Some("new-provider") => new_provider(&args[1..]),
        Some("score") => score(&args[1..]),
        Some("bench") => bench(&args[1..]),
        _ => Err("usage: cargo xtask <ci [--skip-tests] | new-provider ID [--kind KIND] | score [ARGS] | bench [ARGS]>".into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

type Result<T = ()> = std::result::Result<T, String>;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn run(program: &str, args: &[&str], env: &[(&str, &str)]) -> Result {
    eprintln!("$ {program} {}", args.join(" "));
    let status = Command::new(program)
        .args(args)
        .envs(env.iter().copied())
        .current_dir(root())
        .status()
        .map_err(|e| format!("{program}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{program} {}` failed ({status})", args.join(" ")))
    }
}

fn ci(skip_tests: bool) -> Result {
    run("cargo", &["fmt", "--all", "--check"], &[])?;
    run(
        "cargo",
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
        &[],
    )?;
    if !skip_tests {
        run("cargo", &["test", "--workspace"], &[])?;
    }
    run(
        "cargo",
        &["doc", "--workspace", "--no-deps"],
        &[("RUSTDOCFLAGS", "-D warnings")],
    )?;
    run(
        "cargo",
        &["bench", "-p", "bounce-benches", "--", "--test"],
        &[],
    )?;
    run("cargo", &["build", "--release", "-p", "bounce-cli"], &[])?;
    let judge = root().join("../shared/tools/score");
    if judge.exists() {
        run(
            judge.to_str().unwrap(),
            &[
                "--bin",
                "target/release/bounce",
                "--show",
                "30",
                "--min",
                MIN_SCORE,
            ],
            &[],
        )?;
    } else {
        eprintln!("xtask: ../shared/tools/score not found, judge skipped");
    }
    Ok(())
}

fn score(extra: &[String]) -> Result {
    run("cargo", &["build", "--release", "-p", "bounce-cli"], &[])?;
    let judge = root().join("../shared/tools/score");
    let mut args = vec!["--bin", "target/release/bounce"];
    args.extend(extra.iter().map(String::as_str));
    run(judge.to_str().unwrap(), &args, &[])
}

fn bench(extra: &[String]) -> Result {
    let baseline = root().join("target/criterion/main");
    let mut args = vec!["bench", "-p", "bounce-benches", "--"];
    if baseline.exists() {
        args.extend(["--baseline", "main"]);
    } else {
        args.extend(["--save-baseline", "main"]);
    }
    args.extend(extra.iter().map(String::as_str));
    run("cargo", &args, &[])
}

fn new_provider(args: &[String]) -> Result {
    let id = args
        .first()
        .ok_or("new-provider needs an ID")?
        .to_ascii_lowercase();
    if !id
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        || id.is_empty()
    {
        return Err(format!(
            "{id:?}: an id is lowercase letters, digits and '-'"
        ));
    }
    let kind = match args
        .iter()
        .position(|a| a == "--kind")
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
    {
        None | Some("mta") => "Mta",
        Some("service") => "Service",
        Some("gateway") => "Gateway",
        Some("shape") => "Shape",
        Some("remote-host") => "RemoteHost",
        Some(other) => return Err(format!("unknown kind {other:?}")),
    };
    let name = format!("bounce-provider-{id}");
    let ident = name.replace('-', "_");
    let dir = root().join("crates").join(&name);
    if dir.exists() {
        return Err(format!("{} already exists", dir.display()));
    }
    let ty: String = id
        .split('-')
        .map(|w| w[..1].to_ascii_uppercase() + &w[1..])
        .collect();
    std::fs::create_dir_all(dir.join("src")).map_err(|e| e.to_string())?;
    std::fs::create_dir_all(dir.join("tests/fixtures")).map_err(|e| e.to_string())?;
    write(&dir.join("Cargo.toml"), &format!(
        "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\ndescription = \"Decodes bounces from {id}\"\nedition.workspace = true\nlicense.workspace = true\npublish.workspace = true\n\n[dependencies]\nbounce-core.workspace = true\n\n[dev-dependencies]\nbounce-testkit = {{ path = \"../bounce-testkit\" }}\n\n[lints]\nworkspace = true\n"
    ))?;
    write(&dir.join("README.md"), &format!(
        "# {id}: FIXME one line saying whose bounces these are\n\nFIXME: what its bounces look like (headers, wording, structure), how we\nrecognise them (the fingerprints), the known variants, and references.\n"
    ))?;
    write(&dir.join("src/lib.rs"), &format!(
        "#![doc = include_str!(\"../README.md\")]\n\nuse bounce_core::{{Draft, Kind, Mail, Provider, ProviderMatcher, Report}};\n\nstruct {ty};\n\nimpl ProviderMatcher for {ty} {{\n    fn decode(&self, mail: &Mail<'_>) -> Option<Report> {{\n        // FIXME: recognise the format and read each failed recipient.\n        let _ = (mail, Draft::default());\n        None\n    }}\n}}\n\nbounce_core::inventory::submit! {{\n    Provider {{\n        id: \"{id}\",\n        kind: Kind::{kind},\n        doc: include_str!(\"../README.md\"),\n        fingerprints: &[\"FIXME: a phrase or header only this sender writes\"],\n        rhosts: &[],\n        phrases: &[],\n        matcher: &{ty},\n    }}\n}}\n"
    ))?;
    write(&dir.join("tests/fixtures.rs"), &format!(
        "//! Every fixture of this provider (tests/fixtures/NAME.eml with NAME.json),\n//! run with LF, CRLF and bare-CR line endings.\n\nuse {ident} as _;\n\n#[test]\nfn fixtures() {{\n    bounce_testkit::check_dir(&std::path::Path::new(env!(\"CARGO_MANIFEST_DIR\")).join(\"tests/fixtures\"));\n}}\n"
    ))?;
    write(&dir.join("tests/fixtures/README.md"), "Put NAME.eml (a complete bounce written by us) and NAME.json (the expected facts: a JSON array\nof objects holding the fields to check) here. The fixture test fails until there is one.\n")?;
    insert_between(
        &root().join("crates/bounce-providers/Cargo.toml"),
        "# providers-begin",
        "# providers-end",
        &format!("{name} = {{ path = \"../{name}\" }}"),
    )?;
    insert_between(
        &root().join("crates/bounce-providers/src/lib.rs"),
        "// providers-begin",
        "// providers-end",
        &format!("use {ident} as _;"),
    )?;
    eprintln!(
        "created {} and linked it into bounce-providers; fill in the FIXMEs and tests/fixtures",
        dir.display()
    );
    Ok(())
}

fn write(path: &Path, text: &str) -> Result {
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Adds `line` to the sorted block between two marker lines.
fn insert_between(path: &Path, begin: &str, end: &str, line: &str) -> Result {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let (head, rest) = text
        .split_once(&format!("{begin}\n"))
        .ok_or(format!("{}: no {begin}", path.display()))?;
    let (block, tail) = rest
        .split_once(end)
        .ok_or(format!("{}: no {end}", path.display()))?;
    let mut lines: Vec<&str> = block.lines().filter(|l| !l.trim().is_empty()).collect();
    if !lines.contains(&line) {
        lines.push(line);
    }
    lines.sort();
    let mut out = String::new();
    let _ = writeln!(out, "{head}{begin}");
    for l in lines {
        let _ = writeln!(out, "{l}");
    }
    let _ = write!(out, "{end}{tail}");
    write(path, &out)
}
