//! Self-test of the compile harness in `support/`: a clean crate passes, warnings fail.

// The library is published as `openapi-client-codegen`; these tests call it `generator`.
extern crate openapi_client_codegen as generator;

mod support;

use support::TestCrate;

const MANIFEST: &str = r#"[package]
name = "harness-self-test"
version = "0.1.0"
edition = "2024"
publish = false
"#;

fn hand_written_crate(manifest: &str, lib: &str) -> TestCrate {
    let krate = TestCrate::empty();
    krate
        .add_file("Cargo.toml", manifest)
        .add_file("src/lib.rs", lib);
    krate
}

#[test]
fn clean_crate_passes_check_and_test() {
    let krate = hand_written_crate(MANIFEST, "pub fn f() {}\n");
    krate.check().unwrap();
    assert!(
        krate.path().join("Cargo.lock").is_file(),
        "the workspace lock was not copied"
    );
    krate.add_file(
        "examples/hello.rs",
        "fn main() {\n    println!(\"hello {}\", std::env::args().nth(1).unwrap());\n}\n",
    );
    let run = krate.run_example("hello", &["world"]).unwrap();
    assert_eq!(run.stdout, "hello world\n");
}

#[test]
fn compiler_warning_fails() {
    let krate = hand_written_crate(MANIFEST, "pub fn f() {}\nfn unused() {}\n");
    let err = krate.check().unwrap_err();
    let report = err.to_string();
    assert!(report.contains("never used"), "{report}");
    assert!(report.contains("src/lib.rs"), "{report}");
}

#[test]
fn cargo_warning_fails() {
    let manifest = format!("{MANIFEST}unknown-key = true\n");
    let krate = hand_written_crate(&manifest, "pub fn f() {}\n");
    let err = krate.check().unwrap_err();
    assert_eq!(err.reason, "printed a warning", "{err}");
    assert!(err.output.stderr.contains("unknown-key"), "{err}");
}

#[test]
fn compile_error_fails() {
    let krate = hand_written_crate(MANIFEST, "pub fn f() -> u8 { \"no\" }\n");
    let err = krate.check().unwrap_err();
    assert!(err.reason.starts_with("failed"), "{err}");
    assert!(err.to_string().contains("mismatched types"), "{err}");
}
