//! Golden test of the emitted source for the project's spec: a change in what the generator
//! emits shows up as a reviewable diff of these files. Refresh them with
//! `UPDATE_EXPECT=1 cargo test -p generator --test golden`.

use std::path::Path;

use expect_test::expect_file;
use generator::{Options, generate};

fn options() -> Options {
    Options {
        crate_name: "golden".into(),
        spec_label: "spec/realtime-kit.yaml".into(),
        regenerate_command: "cargo xtask codegen".into(),
        env_prefix: None,
        strict: true,
        extra_dev_dependencies: Vec::new(),
    }
}

fn spec(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn get_meeting_participant_source() {
    let output = generate(&spec("spec/realtime-kit.yaml"), &options()).unwrap();
    assert!(output.diagnostics.is_empty(), "{:?}", output.diagnostics);
    expect_file!["golden/get_meeting_participant/lib.rs"].assert_eq(&output.files["src/lib.rs"]);
    expect_file!["golden/get_meeting_participant/types.rs"]
        .assert_eq(&output.files["src/types.rs"]);
    expect_file!["golden/get_meeting_participant/operations.rs"]
        .assert_eq(&output.files["src/operations.rs"]);
    expect_file!["golden/get_meeting_participant/Cargo.toml.txt"]
        .assert_eq(&output.files["Cargo.toml"]);
}

/// Cloudflare's own published text of the same operation generates the same Rust as the
/// project's spec (outside the crate docs, which quote the spec's description).
#[test]
fn cloudflare_published_operation_generates_the_same_code() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    let path = corpus.join("get-meeting-participant.yaml");
    let Ok(published) = std::fs::read_to_string(&path) else {
        eprintln!(
            "notice: {} not found; skipping the comparison with Cloudflare's text",
            path.display()
        );
        return;
    };
    let ours = generate(&spec("spec/realtime-kit.yaml"), &options()).unwrap();
    let theirs = generate(&published, &options()).unwrap();
    assert!(theirs.diagnostics.is_empty(), "{:?}", theirs.diagnostics);
    for file in ["src/types.rs", "src/operations.rs", "Cargo.toml"] {
        assert_eq!(ours.files[file], theirs.files[file], "{file} differs");
    }
}
