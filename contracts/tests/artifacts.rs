//! The committed artifacts are what the pinned solc-js makes of the sources. Needs node and
//! `npm ci` in contracts/ (CI does both); without them the test says it could not check,
//! and `cargo test` stays independent of node.

use std::path::Path;
use std::process::Command;

#[test]
fn committed_artifacts_match_the_sources() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let have_node = Command::new("node").arg("--version").output().is_ok_and(|o| o.status.success());
    if !have_node || !dir.join("node_modules/solc").exists() {
        eprintln!("NOT CHECKED: artifacts vs sources needs node and `npm ci` in contracts/");
        return;
    }
    let out = std::env::temp_dir().join(format!("zkrollup-artifacts-{}", std::process::id()));
    let status = Command::new("node").arg("compile.mjs").arg(&out).current_dir(dir).status().expect("node runs");
    assert!(status.success(), "compile.mjs failed");
    for entry in std::fs::read_dir(dir.join("artifacts")).unwrap() {
        let committed = entry.unwrap().path();
        let name = committed.file_name().unwrap();
        let fresh = std::fs::read_to_string(out.join(name)).unwrap_or_default();
        assert_eq!(
            std::fs::read_to_string(&committed).unwrap(),
            fresh,
            "{} is stale: run `npm ci && node compile.mjs` in contracts/ and commit",
            name.to_string_lossy()
        );
    }
    let fresh_count = std::fs::read_dir(&out).unwrap().count();
    let committed_count = std::fs::read_dir(dir.join("artifacts")).unwrap().count();
    assert_eq!(fresh_count, committed_count, "a contract has no committed artifact");
    std::fs::remove_dir_all(&out).ok();
}
