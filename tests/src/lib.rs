//! Workspace-wide tests live in `tests/`; this library only finds their inputs.

use std::path::{Path, PathBuf};

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Every provider's fixture folder.
pub fn fixture_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root().join("crates"))
        .unwrap()
        .flatten()
        .map(|e| e.path().join("tests/fixtures"))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// The shared labelled corpus, when it is beside the checkout.
pub fn corpus() -> Option<PathBuf> {
    let p = root().join("../shared/corpus/sisimai");
    p.join("labels.json").exists().then_some(p)
}
