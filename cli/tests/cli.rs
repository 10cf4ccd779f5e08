//! The command-line tool's own surface: `--version`, help with examples for every command, and
//! `diff` giving the same reports as `cargo xtask diff` (the golden reports of
//! `xtask/tests/diff/`, which xtask's own test checks).

use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_openapi-client-codegen");

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8 output")
}

#[test]
fn version_names_the_tool_and_its_version() {
    let output = run(Path::new("."), &["--version"]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        text(&output.stdout),
        format!("openapi-client-codegen {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn help_lists_the_commands_with_examples() {
    let output = run(Path::new("."), &["--help"]);
    assert_eq!(output.status.code(), Some(0));
    let help = text(&output.stdout);
    for needle in [
        "Usage: openapi-client-codegen <COMMAND>",
        "generate",
        "check",
        "diff",
        "conformance",
        "Examples:",
        "openapi-client-codegen generate --spec petstore.yaml --out petstore-client",
        "-V, --version",
    ] {
        assert!(help.contains(needle), "{needle:?} missing from:\n{help}");
    }
    for (command, needles) in [
        (
            "generate",
            &[
                "--spec <FILE>",
                "--out <DIR>",
                "--name <CRATE>",
                "--config <FILE>",
                "--strict",
                "--skip-invalid",
                "Exit codes:",
                "Examples:",
            ][..],
        ),
        (
            "check",
            &["--spec <FILE>", "Exit codes:", "stale", "Examples:"],
        ),
        (
            "diff",
            &[
                "<OLD>",
                "<NEW>",
                "--changelog <FILE>",
                "What counts as breaking",
                "Examples:",
            ],
        ),
        (
            "conformance",
            &[
                "--rounds <N>",
                "--known-failures <FILE>",
                "--work-dir <DIR>",
                "Examples:",
            ],
        ),
    ] {
        let output = run(Path::new("."), &[command, "--help"]);
        assert_eq!(output.status.code(), Some(0), "{command}");
        let help = text(&output.stdout);
        for needle in needles {
            assert!(
                help.contains(needle),
                "{command}: {needle:?} missing from:\n{help}"
            );
        }
    }
}

#[test]
fn bad_usage_exits_with_2() {
    for args in [
        &[][..],
        &["generate"],
        &["generate", "--spec", "a.yaml"],
        &[
            "check", "--spec", "a.yaml", "--out", "x", "--name", "9lives",
        ],
        &["frobnicate"],
    ] {
        let output = run(Path::new("."), args);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&output.stderr)
        );
    }
}

/// Every case of `xtask/tests/diff/`: the tool prints the golden report byte for byte.
#[test]
fn diff_prints_the_same_reports_as_cargo_xtask_diff() {
    let cases = Path::new(env!("CARGO_MANIFEST_DIR")).join("../xtask/tests/diff");
    let mut checked = 0;
    for entry in std::fs::read_dir(&cases).unwrap() {
        let dir = entry.unwrap().path();
        let Ok(golden) = std::fs::read_to_string(dir.join("report.md")) else {
            continue;
        };
        let output = run(&dir, &["diff", "old.yaml", "new.yaml"]);
        assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
        assert_eq!(text(&output.stdout), golden, "{}", dir.display());
        checked += 1;
    }
    assert!(
        checked >= 8,
        "only {checked} cases under {}",
        cases.display()
    );
}
