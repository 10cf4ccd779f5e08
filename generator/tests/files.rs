//! Descriptions kept in many files (issue 25): one crate, whatever the layout.
//!
//! - The split fixture (`split/`: every kind of reference across files, YAML and JSON,
//!   nested folders, a `description` given by a `$ref`, a schema recursive through two files,
//!   references leaving the root's folder, allowed by its configuration) generates the same
//!   crate, byte for byte, as `redocly bundle`'s one-file output of it, with the same
//!   diagnostics but for where they point. `@redocly/cli` is pinned by
//!   `tests/redocly/package-lock.json` and installed with `npm ci` into `<target>/redocly/`;
//!   without Node.js and npm that comparison is skipped with a notice (the rest runs).
//! - Realtime Kit (`spec/realtime-kit.yaml`) split into one file per path and per component
//!   schema (`xtask/src/split.rs`, the script the benchmark splits with too) generates the same
//!   crate as the one file. That it is the committed `generated/` crate, and the command-line
//!   `check` on the split folder, are xtask's tests (`xtask/tests/split.rs`).
//! - Each file is read once, and the loader refuses what leaves the folder unless allowed.

// The library is published as `openapi-client-codegen`; these tests call it `generator`.
extern crate openapi_client_codegen as generator;

mod support;

#[path = "../../xtask/src/split.rs"]
#[allow(dead_code)]
mod split;

use std::path::{Path, PathBuf};
use std::process::Command;

use generator::config::Config;
use generator::diagnostics::Diagnostic;
use generator::files::{CountingFiles, Directory, MemoryFiles};
use generator::{Options, Output};

/// The split fixture's folder and its root file in it.
fn fixture() -> (PathBuf, &'static str) {
    (
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/split/api"),
        "openapi.yaml",
    )
}

/// The options of both sides of a comparison: the fixture's configuration (which allows its
/// references into `../shared`).
fn fixture_options() -> Options {
    let (folder, _) = fixture();
    let path = folder.join("openapi.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let config = Config::parse(&text, "openapi.toml").unwrap_or_else(|e| panic!("{e}"));
    support::options("shelter").config(config)
}

/// The split fixture generated with `options`, its files read (and counted) from disk through a
/// [`Directory`] that may read what the configuration allows.
fn generate_fixture(
    options: &Options,
) -> (Result<Output, generator::Error>, CountingFiles<Directory>) {
    let (folder, root) = fixture();
    let text = std::fs::read_to_string(folder.join(root)).unwrap();
    let allowed = options
        .config
        .spec
        .allow_outside
        .iter()
        .map(|i| i.value.clone());
    let files = CountingFiles::new(Directory::new(&folder).allow_outside(allowed));
    (
        generator::generate_files(root, &text, &files, options),
        files,
    )
}

/// Asserts two outputs have the same files, byte for byte, naming the first line that differs.
fn assert_same_files(what: &str, expected: &Output, actual: &Output) {
    assert_eq!(
        expected.files.keys().collect::<Vec<_>>(),
        actual.files.keys().collect::<Vec<_>>(),
        "{what}: not the same files"
    );
    for (path, text) in &expected.files {
        let other = &actual.files[path];
        if text != other {
            let line = text
                .lines()
                .zip(other.lines())
                .position(|(a, b)| a != b)
                .unwrap_or(text.lines().count().min(other.lines().count()));
            panic!(
                "{what}: {path} differs from line {}:\n  expected: {:?}\n  actual:   {:?}",
                line + 1,
                text.lines().nth(line),
                other.lines().nth(line)
            );
        }
    }
}

/// A diagnostic without where it points: what a bundle and its parts must agree on.
fn unlocated(d: &Diagnostic) -> (String, String, String) {
    (
        format!("{:?}", d.severity),
        format!("{:?}", d.category),
        d.message.clone(),
    )
}

#[test]
fn the_split_fixture_reads_each_file_once_and_generates() {
    let (output, files) = generate_fixture(&fixture_options());
    let output = output.unwrap_or_else(|e| panic!("{e}"));
    let reads = files.reads.into_inner().unwrap();
    // Every file of the fixture is reached, and read once however many references name it.
    let mut expected: Vec<String> = Vec::new();
    let (folder, root) = fixture();
    let top = folder.parent().unwrap();
    for entry in walk(top) {
        let rel = entry.strip_prefix(&folder).map_or_else(
            |_| format!("../{}", entry.strip_prefix(top).unwrap().display()),
            |rel| rel.display().to_string(),
        );
        if rel != root && !rel.ends_with(".toml") {
            expected.push(rel.replace('\\', "/"));
        }
    }
    expected.sort();
    assert_eq!(reads.keys().cloned().collect::<Vec<_>>(), expected);
    for (path, count) in &reads {
        assert_eq!(*count, 1, "{path} read {count} times");
    }
    // The schemas in files of their own keep their names (the file's, or the key's in a file
    // of many), reached by many references or one, and the recursion goes through a box.
    let types = &output.files["src/types.rs"];
    for name in ["Pet", "Owner", "PetPage", "Species", "Tag", "Problem"] {
        assert!(
            types.contains(&format!("pub struct {name} "))
                || types.contains(&format!("pub enum {name} ")),
            "no type {name} in:\n{types}"
        );
    }
    assert!(!types.contains("Pet2"), "{types}");
    // The description given by a reference is the crate's.
    assert!(
        output.files["src/lib.rs"].contains("The shelter's API: its pets and the people"),
        "{}",
        output.files["src/lib.rs"]
    );
    // The generated crate builds without a warning.
    let krate = support::TestCrate::empty();
    support::write_output(krate.path(), &output);
    krate.check().unwrap_or_else(|e| panic!("{e}"));
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else {
            found.push(path);
        }
    }
    found
}

#[test]
fn the_split_fixture_generates_the_crate_of_its_redocly_bundle() {
    let Some(redocly) = redocly() else {
        return;
    };
    let options = fixture_options();
    let (split, _) = generate_fixture(&options);
    let split = split.unwrap_or_else(|e| panic!("{e}"));

    let (folder, root) = fixture();
    let out = tempfile::tempdir().unwrap();
    let bundle_path = out.path().join("bundle.yaml");
    let bundled = Command::new("node")
        .arg(&redocly)
        .args(["bundle", root, "--output"])
        .arg(&bundle_path)
        .current_dir(&folder)
        .env("REDOCLY_TELEMETRY", "off")
        .env("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true")
        .output()
        .expect("node runs");
    assert!(
        bundled.status.success(),
        "redocly bundle failed:\n{}",
        String::from_utf8_lossy(&bundled.stderr)
    );
    let bundle_text = std::fs::read_to_string(&bundle_path).unwrap();
    let bundle = generator::generate(&bundle_text, &options).unwrap_or_else(|e| panic!("{e}"));
    assert_same_files("split vs bundle", &bundle, &split);

    // The same diagnostics, each pointing into the file it is about; the split description has
    // one more kind: a `$ref` where the standard defines none (a `description`), a warning,
    // which the bundle no longer has.
    let extra: Vec<&Diagnostic> = split
        .diagnostics
        .iter()
        .filter(|d| d.pointer.contains("/description/$ref"))
        .collect();
    let mut pointers: Vec<&str> = extra.iter().map(|d| d.pointer.as_str()).collect();
    pointers.sort();
    assert_eq!(
        pointers,
        [
            "openapi.yaml#/info/description/$ref:10:5",
            "paths/pets.yaml#/get/parameters/1/description/$ref:11:9"
        ],
        "{:#?}",
        split.diagnostics
    );
    for d in &extra {
        assert_eq!(d.severity, generator::diagnostics::Severity::Warning, "{d}");
        assert!(d.message.contains("$ref"), "{d}");
    }
    let rest: Vec<_> = split
        .diagnostics
        .iter()
        .filter(|d| !d.pointer.contains("/description/$ref"))
        .collect();
    assert_eq!(
        rest.iter().map(|d| unlocated(d)).collect::<Vec<_>>(),
        bundle.diagnostics.iter().map(unlocated).collect::<Vec<_>>(),
        "split: {rest:#?}\nbundle: {:#?}",
        bundle.diagnostics
    );
    // The cookie parameter's operation is skipped in both; the split one names its file.
    let cookie = rest
        .iter()
        .find(|d| d.message.contains("cookie"))
        .unwrap_or_else(|| panic!("no warning about the cookie parameter: {rest:#?}"));
    assert!(
        cookie.pointer.starts_with("paths/pet.json#/delete"),
        "{cookie}"
    );
}

#[test]
fn references_leaving_the_folder_are_refused_unless_allowed() {
    let error = generate_fixture(&support::options("shelter"))
        .0
        .expect_err("../shared is not allowed without the configuration");
    let text = error.to_string();
    // The first reference out of the folder, located in the file it is written in.
    assert!(
        text.contains("openapi.yaml#/info/description/$ref:10:5"),
        "{text}"
    );
    assert!(text.contains("../shared/texts.yml"), "{text}");
}

#[test]
fn realtime_kit_split_into_files_generates_the_same_crate() {
    let (text, options) = support::realtime_kit();
    let one = generator::generate(&text, &options).unwrap_or_else(|e| panic!("{e}"));

    let tree = generator::load::read(&text).unwrap();
    for format in [split::Format::Yaml, split::Format::Json] {
        let parts = split::split(&tree, "realtime-kit.yaml", format);
        assert!(parts.files.len() > 90, "{} files", parts.files.len());
        let files = MemoryFiles(
            parts
                .files
                .iter()
                .map(|(path, value)| (path.clone(), serialize(path, value)))
                .collect(),
        );
        let root_text = serde_norway::to_string(&parts.root).unwrap();
        let split = generator::generate_files("realtime-kit.yaml", &root_text, &files, &options)
            .unwrap_or_else(|e| panic!("{format:?}: {e}"));
        assert_same_files(&format!("Realtime Kit split ({format:?})"), &one, &split);
        assert_eq!(
            one.diagnostics.iter().map(unlocated).collect::<Vec<_>>(),
            split.diagnostics.iter().map(unlocated).collect::<Vec<_>>(),
        );
    }
}

/// A split file's text: JSON for `.json`, else YAML.
fn serialize(path: &str, value: &serde_json::Value) -> String {
    if path.ends_with(".json") {
        serde_json::to_string_pretty(value).unwrap()
    } else {
        serde_norway::to_string(value).unwrap()
    }
}

/// `@redocly/cli`'s entry script, installed from `tests/redocly/package-lock.json` into
/// `<target>/redocly/` with `npm ci` when missing or older than the lock file; `None`, with a
/// notice, when Node.js or npm is not installed. A failing `npm ci` fails the test.
fn redocly() -> Option<PathBuf> {
    for tool in ["node", "npm"] {
        let found = Command::new(tool).arg("--version").output();
        if !found.is_ok_and(|o| o.status.success()) {
            eprintln!(
                "notice: `{tool}` is not installed; the comparison with redocly bundle is skipped"
            );
            return None;
        }
    }
    let pinned = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/redocly");
    let dir = support::shared_target_dir()
        .parent()
        .unwrap()
        .join("redocly");
    std::fs::create_dir_all(&dir).unwrap();
    for file in ["package.json", "package-lock.json"] {
        let text = std::fs::read_to_string(pinned.join(file)).unwrap();
        if std::fs::read_to_string(dir.join(file)).ok().as_deref() != Some(text.as_str()) {
            std::fs::write(dir.join(file), text).unwrap();
        }
    }
    let script = dir.join("node_modules/@redocly/cli/bin/cli.js");
    let modified = |path: &Path| std::fs::metadata(path).and_then(|m| m.modified()).ok();
    let stale = match (
        modified(&dir.join("node_modules/.package-lock.json")),
        modified(&dir.join("package-lock.json")),
    ) {
        (Some(installed), Some(lock)) => installed < lock,
        _ => true,
    };
    if stale || !script.exists() {
        eprintln!("installing @redocly/cli ({}): npm ci", dir.display());
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(&dir)
            .status()
            .expect("npm runs");
        assert!(
            status.success() && script.exists(),
            "`npm ci` in {} failed ({status}); is the npm registry reachable?",
            dir.display()
        );
    }
    Some(script)
}
