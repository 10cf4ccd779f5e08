//! The crate's documentation builds without a single rustdoc warning (broken intra-doc links,
//! bad HTML, malformed code blocks): `cargo doc --no-deps` with `RUSTDOCFLAGS=-D warnings`, as a
//! user's CI would run it. (Its `no_run` examples compile as doctests of `cargo test`.)

use std::path::Path;
use std::process::Command;

#[test]
fn docs_build_without_warnings() {
    // A target directory of its own below the workspace's (the outer `cargo test` may hold the
    // lock of the workspace's), shared with the generator's test crates, whose dependencies it
    // reuses: same RUSTFLAGS as theirs.
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("CARGO_TARGET_TMPDIR is inside the target directory")
        .join("generated-crates");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args(["doc", "--no-deps", "--locked", "--package"])
        .arg(env!("CARGO_PKG_NAME"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("CARGO_TARGET_DIR", &target)
        .env("RUSTDOCFLAGS", "-D warnings")
        .env("RUSTFLAGS", "-D warnings")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_BUILD_RUSTFLAGS")
        .env("CARGO_TERM_COLOR", "never")
        .output()
        .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "cargo doc failed:\n{stderr}");
    assert!(
        !stderr.lines().any(|l| l.starts_with("warning")),
        "cargo doc warned:\n{stderr}"
    );
    let index = target.join("doc/cloudflare_realtime_kit/index.html");
    let index =
        std::fs::read_to_string(&index).unwrap_or_else(|e| panic!("{}: {e}", index.display()));
    for section in ["Quick start", "get_all_meetings_pages", "body_as"] {
        assert!(index.contains(section), "the front page lacks {section}");
    }
}
