//! Shared setup of the benchmarks: the inputs, read from the example emails
//! and every provider's fixtures, so the mix follows the fixture corpus.

use std::path::{Path, PathBuf};

/// One input message.
pub struct Sample {
    /// Where it was read from.
    pub path: PathBuf,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Every `.eml` under `examples/` and `crates/*/tests/fixtures/`, sorted.
pub fn samples() -> Vec<Sample> {
    let mut paths = Vec::new();
    collect(&root().join("examples"), &mut paths);
    if let Ok(rd) = std::fs::read_dir(root().join("crates")) {
        for e in rd.flatten() {
            collect(&e.path().join("tests/fixtures"), &mut paths);
        }
    }
    paths.sort();
    paths
        .into_iter()
        .map(|p| Sample {
            bytes: std::fs::read(&p).unwrap(),
            path: p,
        })
        .collect()
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    if let Ok(rd) = std::fs::read_dir(dir) {
        out.extend(
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "eml")),
        );
    }
}

/// Every email of the shared labelled corpus (`../shared/corpus/sisimai`),
/// sorted; `None` when the corpus is not beside the checkout.
pub fn corpus() -> Option<Vec<Sample>> {
    let dir = root().join("../shared/corpus/sisimai/emails");
    if !dir.is_dir() {
        return None;
    }
    let mut paths = Vec::new();
    collect(&dir, &mut paths);
    paths.sort();
    Some(
        paths
            .into_iter()
            .map(|p| Sample {
                bytes: std::fs::read(&p).unwrap(),
                path: p,
            })
            .collect(),
    )
}

/// The ordinary message that is no bounce: the worst case, where every
/// candidate and every standard decoder is consulted.
pub fn not_a_bounce() -> Vec<u8> {
    std::fs::read(root().join("examples/not-a-bounce.eml")).unwrap()
}
