//! Overlays on the command line (`--overlay FILE`, repeatable) and in the configuration beside
//! the spec (`[spec] overlays`, relative to the configuration), as a user runs them: the real
//! binary on real files. The configuration's overlays apply first, then the flags', in order;
//! `check` and `diff` read them the same way; an action that selects nothing is a warning at
//! its place in the overlay (exit 2 under `--strict`); a bad overlay exits with 2 naming its
//! place; an overlay file that cannot be read is an I/O error (3), or, named by the
//! configuration, an error at its line there (2).

use std::fs;
use std::path::Path;
use std::process::Output;

use super::TOOL;

const SPEC: &str = r##"openapi: 3.0.3
info: {title: Shelter, version: "1"}
paths:
  /cats:
    get:
      operationId: listCats
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/Cat"}}
components:
  schemas:
    Cat: {type: object, properties: {name: {type: string}}}
"##;

/// Renames the operation `listCats` to `allCats`.
const CONFIGURED: &str = "overlay: 1.1.0
info: {title: rename, version: '1'}
actions:
  - target: $.paths['/cats'].get
    update: {operationId: allCats}
";

/// Renames `allCats` (only: it sees the configured overlay's change) to `everyCat`, and adds
/// a property.
const FLAG: &str = "overlay: 1.0.0
info: {title: more, version: '1'}
actions:
  - target: $.paths['/cats'].get[?@ == 'allCats']
    remove: true
  - target: $.paths['/cats'].get
    update: {operationId: everyCat}
  - target: $.components.schemas.Cat.properties
    update: {whiskers: {type: integer}}
";

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A spec (`shelter.yaml`), its configuration naming `overlays/rename.yaml`, and `more.yaml`.
fn setup(dir: &Path) {
    fs::write(dir.join("shelter.yaml"), SPEC).unwrap();
    fs::write(
        dir.join("shelter.toml"),
        "[spec]\noverlays = [\"overlays/rename.yaml\"]\n",
    )
    .unwrap();
    fs::create_dir(dir.join("overlays")).unwrap();
    fs::write(dir.join("overlays/rename.yaml"), CONFIGURED).unwrap();
    fs::write(dir.join("more.yaml"), FLAG).unwrap();
}

/// Every generated file of `out`, concatenated.
fn crate_text(out: &Path) -> String {
    let mut text = String::new();
    for dir in [out.join("src"), out.join("src/operations")] {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        let mut paths: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
        paths.sort();
        for path in paths.iter().filter(|p| p.is_file()) {
            text.push_str(&fs::read_to_string(path).unwrap());
        }
    }
    text
}

#[test]
fn configured_overlays_then_flags_apply_in_order_and_check_reads_them_too() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    setup(dir);
    let args = ["--spec", "shelter.yaml", "--out", "out"];
    let output = TOOL.codegen(dir, &args, &["--overlay", "more.yaml"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stderr(&output), "", "no warning");
    let text = crate_text(&dir.join("out"));
    assert!(text.contains("fn every_cat"), "{text}");
    assert!(!text.contains("fn all_cats") && !text.contains("fn list_cats"));
    assert!(text.contains("whiskers"), "{text}");
    // The header says how to make the same crate again.
    assert!(text.contains("--overlay more.yaml"), "{text}");

    // `check` with the same overlays: up to date; without the flag's: stale.
    let fresh = TOOL.codegen(dir, &args, &["--check", "--overlay", "more.yaml"]);
    assert_eq!(fresh.status.code(), Some(0), "{}", stderr(&fresh));
    let stale = TOOL.codegen(dir, &args, &["--check"]);
    assert_eq!(stale.status.code(), Some(1), "{}", stderr(&stale));

    // Only the configured overlay.
    let output = TOOL.codegen(dir, &["--spec", "shelter.yaml", "--out", "plain"], &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = crate_text(&dir.join("plain"));
    assert!(text.contains("fn all_cats"), "{text}");
    assert!(!text.contains("whiskers"));
}

#[test]
fn an_action_that_selects_nothing_warns_at_its_place_and_fails_under_strict() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    setup(dir);
    fs::write(
        dir.join("stale.yaml"),
        "overlay: 1.1.0\ninfo: {title: stale, version: '1'}\nactions:\n  - target: $.paths['/dogs']\n    remove: true\n",
    )
    .unwrap();
    let args = ["--spec", "shelter.yaml", "--out", "out"];
    let output = TOOL.codegen(dir, &args, &["--overlay", "stale.yaml"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).starts_with(
            "warning: stale.yaml#/actions/0/target: `target` selects nothing in the description"
        ),
        "{}",
        stderr(&output)
    );
    let strict = TOOL.codegen(dir, &args, &["--overlay", "stale.yaml", "--strict"]);
    assert_eq!(strict.status.code(), Some(2), "{}", stderr(&strict));
    assert!(
        stderr(&strict).contains("error: stale.yaml#/actions/0/target: "),
        "{}",
        stderr(&strict)
    );
}

#[test]
fn bad_or_missing_overlays_exit_with_their_place() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    setup(dir);
    let args = ["--spec", "shelter.yaml", "--out", "out"];
    fs::write(
        dir.join("bad.yaml"),
        "overlay: 1.1.0\ninfo: {title: bad, version: '1'}\nactions:\n  - update: {x: 1}\n",
    )
    .unwrap();
    let bad = TOOL.codegen(dir, &args, &["--overlay", "bad.yaml"]);
    assert_eq!(bad.status.code(), Some(2), "{}", stderr(&bad));
    assert!(
        stderr(&bad).contains("error: bad.yaml#/actions/0: has no `target`"),
        "{}",
        stderr(&bad)
    );
    assert!(!dir.join("out").exists());

    let missing = TOOL.codegen(dir, &args, &["--overlay", "gone.yaml"]);
    assert_eq!(missing.status.code(), Some(3), "{}", stderr(&missing));
    assert!(
        stderr(&missing).contains("gone.yaml"),
        "{}",
        stderr(&missing)
    );

    fs::remove_file(dir.join("overlays/rename.yaml")).unwrap();
    let missing = TOOL.codegen(dir, &args, &[]);
    assert_eq!(missing.status.code(), Some(2), "{}", stderr(&missing));
    assert!(
        stderr(&missing).contains("shelter.toml:2:13: `spec.overlays[0]`: cannot read the overlay"),
        "{}",
        stderr(&missing)
    );
}

#[test]
fn diff_compares_the_overlaid_descriptions() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    setup(dir);
    // No configuration beside these two: only the flag's overlay applies, to both.
    fs::write(
        dir.join("old.yaml"),
        SPEC.replace("operationId: listCats", "operationId: allCats"),
    )
    .unwrap();
    fs::write(
        dir.join("new.yaml"),
        SPEC.replace("operationId: listCats", "operationId: allCats")
            .replace(
                "{name: {type: string}}",
                "{name: {type: string}, age: {type: integer}}",
            ),
    )
    .unwrap();
    let output = TOOL.run(
        dir,
        &["diff", "old.yaml", "new.yaml", "--overlay", "more.yaml"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report = String::from_utf8_lossy(&output.stdout);
    // Both sides have the overlay's `whiskers` and `every_cat`: only `age` is new.
    assert!(report.contains("age"), "{report}");
    assert!(!report.contains("whiskers"), "{report}");
    assert!(!report.contains("every_cat"), "{report}");
    let plain = TOOL.run(dir, &["diff", "old.yaml", "new.yaml"]);
    assert_eq!(
        String::from_utf8_lossy(&plain.stdout).replace("every_cat", "all_cats"),
        report.replace("every_cat", "all_cats"),
        "the same change, with or without the overlay"
    );
}
