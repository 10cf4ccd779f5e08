//! `conformance` (`cargo xtask conformance`) on what stops it before Prism answers anything: exit 2 for bad
//! usage, an unreadable or ungeneratable spec, a bad or missing overlay and a malformed
//! `--known-failures` file, exit 3 when Node.js cannot be found (said plainly). The runs
//! against Prism themselves are CI steps (`.ci/run`), which need Node.js and npm.

use std::fs;
use std::process::Command;

fn conformance(args: &[&str], path: Option<&str>) -> (i32, String) {
    let mut command = Command::new(super::TOOL.bin);
    command.arg("conformance").args(args);
    if let Some(path) = path {
        command.env("PATH", path);
    }
    let output = command.output().unwrap();
    let code = output
        .status
        .code()
        .expect("exited, not killed by a signal");
    (code, String::from_utf8_lossy(&output.stderr).into_owned())
}

const VALID: &str = r##"openapi: 3.0.3
info: {title: Exit codes, version: "1"}
paths:
  /things/{id}:
    get:
      operationId: get_thing
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {id: {type: string}}}
"##;

#[test]
fn bad_usage_and_bad_specs_exit_with_2() {
    let (code, stderr) = conformance(&[], None);
    assert_eq!(code, 2, "{stderr}");
    let (code, stderr) = conformance(&["--spec", "x.yaml", "--rounds", "0"], None);
    assert_eq!(code, 2, "{stderr}");
    let (code, stderr) = conformance(&["--spec", "/nonexistent/spec.yaml"], None);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("cannot read /nonexistent/spec.yaml"),
        "{stderr}"
    );

    let tmp = tempfile::tempdir().unwrap();
    let spec = tmp.path().join("broken.yaml");
    fs::write(&spec, "openapi: 2.0\n").unwrap();
    let (code, stderr) = conformance(&["--spec", spec.to_str().unwrap()], None);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("cannot be generated"), "{stderr}");

    let good = tmp.path().join("exit-codes.yaml");
    fs::write(&good, VALID).unwrap();
    let known = tmp.path().join("known.txt");
    fs::write(&known, "# a comment\nthings.get_thing without a reason\n").unwrap();
    let args = [
        "--spec",
        good.to_str().unwrap(),
        "--known-failures",
        known.to_str().unwrap(),
    ];
    let (code, stderr) = conformance(&args, None);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("known.txt:2: expected"), "{stderr}");

    // An overlay is applied before generation: a bad one stops the run, located.
    let overlay = tmp.path().join("fix.yaml");
    fs::write(
        &overlay,
        "overlay: 1.1.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.paths[\n    remove: true\n",
    )
    .unwrap();
    let args = [
        "--spec",
        good.to_str().unwrap(),
        "--overlay",
        overlay.to_str().unwrap(),
    ];
    let (code, stderr) = conformance(&args, None);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("fix.yaml#/actions/0/target: "), "{stderr}");
    let (code, stderr) = conformance(
        &["--spec", good.to_str().unwrap(), "--overlay", "gone.yaml"],
        None,
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("gone.yaml"), "{stderr}");
}

#[test]
fn without_node_exits_with_3_and_says_why() {
    let tmp = tempfile::tempdir().unwrap();
    let spec = tmp.path().join("exit-codes.yaml");
    fs::write(&spec, VALID).unwrap();
    let work = tmp.path().join("work");
    // A PATH with neither node nor npm.
    let (code, stderr) = conformance(
        &[
            "--spec",
            spec.to_str().unwrap(),
            "--work-dir",
            work.to_str().unwrap(),
        ],
        Some(tmp.path().to_str().unwrap()),
    );
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("Node.js is not installed"), "{stderr}");
    // The crate was written into the work directory, before Prism was looked for.
    assert!(work.join("exit-codes/crate/src/lib.rs").is_file());
}
