//! `check` (`cargo xtask codegen --check`) end to end: on a standalone crate with one edited file, one
//! missing file and one stale file, the report is a readable unified diff (file headers, hunk
//! headers with line numbers, context lines), then a summary of every file that differs, then
//! the command to run; the exit code is 1, and nothing on disk changes.

use std::fs;
use std::path::Path;
use std::process::Output;

use super::TOOL;

/// `generate` (`check` with `--check` in `extra`) of `spec.yaml` into `out`, in `dir`.
fn codegen(dir: &Path, extra: &[&str]) -> Output {
    TOOL.codegen(dir, &["--spec", "spec.yaml", "--out", "out"], extra)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8 output")
}

#[test]
fn check_prints_a_readable_diff_and_a_summary() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("../xtask/tests/diff/types/old.yaml");
    fs::copy(fixture, dir.join("spec.yaml")).unwrap();
    let written = codegen(dir, &[]);
    assert_eq!(written.status.code(), Some(0), "{}", text(&written.stderr));

    let fresh = codegen(dir, &["--check"]);
    assert_eq!(fresh.status.code(), Some(0));
    assert!(
        text(&fresh.stdout).starts_with("out is up to date ("),
        "{}",
        text(&fresh.stdout)
    );

    // Edit one line in the middle of types.rs, remove a generated file, add a stale one.
    let types_rs = dir.join("out/src/types.rs");
    let original = fs::read_to_string(&types_rs).unwrap();
    let line = original
        .lines()
        .position(|l| l.trim() == "pub name: Option<String>,")
        .expect("Preset::name is generated");
    let edited = original.replace("pub name: Option<String>,", "pub name: Option<i64>,");
    fs::write(&types_rs, &edited).unwrap();
    fs::remove_file(dir.join("out/src/operations/presets.rs")).unwrap();
    fs::write(dir.join("out/src/old.rs"), "// left over\n").unwrap();
    let before = fs::read_to_string(&types_rs).unwrap();

    let output = codegen(dir, &["--check"]);
    assert_eq!(output.status.code(), Some(1));
    let report = text(&output.stdout);
    assert_eq!(
        fs::read_to_string(&types_rs).unwrap(),
        before,
        "--check wrote"
    );
    assert!(!dir.join("out/src/operations/presets.rs").exists());
    assert!(dir.join("out/src/old.rs").exists());

    // The changed file: headers naming both sides, a hunk header with line numbers (the edit
    // is on line `line + 1`, with 3 lines of context before it), context around the change.
    let hunk = format!(
        "--- out/src/types.rs (on disk)\n+++ out/src/types.rs (generated)\n@@ -{0},7 +{0},7 @@\n",
        line + 1 - 3
    );
    assert!(report.contains(&hunk), "{hunk}\nnot in:\n{report}");
    let context: Vec<&str> = original.lines().skip(line - 3).take(3).collect();
    let change = format!(
        " {}\n {}\n {}\n-    pub name: Option<i64>,\n+    pub name: Option<String>,\n",
        context[0], context[1], context[2]
    );
    assert!(report.contains(&change), "{change}\nnot in:\n{report}");
    // The missing file: all of it, as an addition.
    assert!(
        report.contains(
            "--- /dev/null (missing)\n+++ out/src/operations/presets.rs (generated)\n@@ -0,0 +1,"
        ),
        "{report}"
    );
    // The end: the stale file, a summary of every file, the command to run.
    assert!(
        report.ends_with(
            "Stale files (not generated any more; codegen removes them):\n  out/src/old.rs\n\
             \n\
             3 files are out of date:\n  \
             missing out/src/operations/presets.rs\n  \
             changed out/src/types.rs\n  \
             stale   out/src/old.rs\n\
             error: out is out of date with spec.yaml; run \
             `openapi-client-codegen generate --spec spec.yaml --out out`\n"
        ),
        "{report}"
    );

    // Running the command it names makes the check pass again.
    assert_eq!(codegen(dir, &[]).status.code(), Some(0));
    assert_eq!(codegen(dir, &["--check"]).status.code(), Some(0));
    assert!(!dir.join("out/src/old.rs").exists());
}

/// Copies the split description `generator/tests/multi_file/shop/` into `dir/shop`.
fn copy_shop(dir: &Path) {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("../generator/tests/multi_file/shop");
    let mut stack = vec![from.clone()];
    while let Some(folder) = stack.pop() {
        for entry in fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            let to = dir.join("shop").join(path.strip_prefix(&from).unwrap());
            if path.is_dir() {
                stack.push(path);
            } else {
                fs::create_dir_all(to.parent().unwrap()).unwrap();
                fs::copy(&path, &to).unwrap();
            }
        }
    }
}

/// A description kept in many files is read from its folder: generating it, checking it, and
/// noticing a change in a referenced file; a problem in one is named with its file.
#[test]
fn check_reads_a_split_description() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    copy_shop(dir);
    let args = [
        "--spec",
        "shop/openapi.yaml",
        "--out",
        "out",
        "--name",
        "shop",
    ];
    let written = TOOL.codegen(dir, &args, &[]);
    assert_eq!(written.status.code(), Some(0), "{}", text(&written.stderr));
    assert!(
        text(&written.stderr).contains("warning: openapi.yaml#/info/description/$ref:6:5:"),
        "{}",
        text(&written.stderr)
    );
    assert_eq!(
        TOOL.codegen(dir, &args, &["--check"]).status.code(),
        Some(0)
    );

    // A property added in a file two references away makes the crate stale.
    let money = dir.join("shop/models/money.yaml");
    let text_of_money = fs::read_to_string(&money).unwrap();
    fs::write(
        &money,
        format!("{text_of_money}  rounded:\n    type: boolean\n"),
    )
    .unwrap();
    let stale = TOOL.codegen(dir, &args, &["--check"]);
    assert_eq!(stale.status.code(), Some(1));
    assert!(text(&stale.stdout).contains("+    pub rounded: Option<bool>,"));

    // A broken reference in it: exit 2, the file and line named.
    fs::write(
        &money,
        format!("{text_of_money}  rounded:\n    $ref: nothing.yaml\n"),
    )
    .unwrap();
    let broken = TOOL.codegen(dir, &args, &["--check"]);
    assert_eq!(broken.status.code(), Some(2));
    assert!(
        text(&broken.stderr).contains(
            "error: models/money.yaml#/properties/rounded/$ref:8:5: cannot read \
             `models/nothing.yaml`: no file `models/nothing.yaml`"
        ),
        "{}",
        text(&broken.stderr)
    );
}
