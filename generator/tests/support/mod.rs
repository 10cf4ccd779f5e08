//! Helpers for the generator's integration tests: generate a crate into a temporary directory
//! and run cargo on it (`clippy`, `test`, `run --example`). Use from a test file with `mod support;`.
//!
//! ```ignore
//! mod support;
//!
//! #[test]
//! fn petstore_compiles() {
//!     let krate = support::generate_crate(include_str!("specs/petstore.yaml"));
//!     krate.check().unwrap(); // on failure: the cargo command, its stdout and stderr
//! }
//! ```
//!
//! Every crate is built with the same settings, so that dependencies are compiled once and then
//! reused by every test and every run:
//!
//! - one shared target directory, `<workspace target dir>/generated-crates`. Being separate from
//!   the workspace's own target directory, it also keeps a nested cargo from waiting for the
//!   build lock of the `cargo test` that runs the tests;
//! - a copy of the workspace's `Cargo.lock`, so dependency versions match the workspace's;
//! - always `RUSTFLAGS=-D warnings` (changing RUSTFLAGS would rebuild every dependency): any
//!   warning is an error. Cargo's own warnings (such as an unused manifest key) fail too, which
//!   is why cargo does not run with `--quiet` (that hides them); its status lines (`Compiling`,
//!   `Finished`, ...) are dropped from the captured stderr instead.
//!
//! Cargo invocations from one test binary run one at a time: they would queue for the shared
//! target directory's lock anyway, and an example binary built by one test could otherwise be
//! replaced by another test's example of the same name before it runs.
//!
//! Set `KEEP_TEST_CRATES=1` to keep the temporary crates for inspection; their paths are printed.

// Each test binary uses its own subset of these helpers.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use generator::{Options, Output};

/// The flags every cargo run gets; never vary them (see the module docs).
pub const RUSTFLAGS: &str = "-D warnings";

/// Crate name used by [`options`] when a test does not care.
pub const TEST_CRATE_NAME: &str = "generated-test-crate";

/// The workspace root (the parent of the generator crate).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the generator crate lives in the workspace")
        .to_path_buf()
}

/// The target directory shared by all generated crates: `generated-crates` next to the
/// workspace's `debug/` (honours `CARGO_TARGET_DIR` and `build.target-dir` of the outer build).
pub fn shared_target_dir() -> PathBuf {
    // Cargo sets CARGO_TARGET_TMPDIR (`<target dir>/tmp`) when compiling integration tests.
    let target_dir = match option_env!("CARGO_TARGET_TMPDIR") {
        Some(tmp) => Path::new(tmp)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| workspace_root().join("target")),
        None => workspace_root().join("target"),
    };
    target_dir.join("generated-crates")
}

/// The committed description `spec/realtime-kit.yaml`, and the options `cargo xtask codegen`
/// generates `generated/` with (its crate name, label and `spec/realtime-kit.toml`).
pub fn realtime_kit() -> (String, Options) {
    let root = workspace_root();
    let read = |path: &str| {
        fs::read_to_string(root.join(path)).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
    };
    let config =
        generator::config::Config::parse(&read("spec/realtime-kit.toml"), "spec/realtime-kit.toml")
            .unwrap_or_else(|e| panic!("{e}"));
    let options = Options::new("cloudflare-realtime-kit")
        .spec_label("spec/realtime-kit.yaml")
        .config(config);
    (read("spec/realtime-kit.yaml"), options)
}

/// Options for a test crate: `crate_name` as given, neutral labels, no extra dependencies.
pub fn options(crate_name: &str) -> Options {
    Options {
        config: Default::default(),
        crate_name: crate_name.to_string(),
        spec_label: "test.yaml".to_string(),
        regenerate_command: "cargo test".to_string(),
        env_prefix: None,
        strict: false,
        skip_invalid: false,
        overlays: Vec::new(),
        extra_dev_dependencies: Vec::new(),
    }
}

/// Runs the generator with [`options`]`(TEST_CRATE_NAME)`; panics listing every diagnostic if it
/// fails.
pub fn generate(spec: &str) -> Output {
    generate_with(spec, &options(TEST_CRATE_NAME))
}

/// Runs the generator; panics listing every diagnostic if it fails.
pub fn generate_with(spec: &str, options: &Options) -> Output {
    generator::generate(spec, options).unwrap_or_else(|e| panic!("generation failed:\n{e}"))
}

/// Generates a crate with [`options`]`(TEST_CRATE_NAME)` and writes it into a new temporary
/// directory.
pub fn generate_crate(spec: &str) -> TestCrate {
    generate_crate_with(spec, &options(TEST_CRATE_NAME))
}

/// Generates a crate and writes it into a new temporary directory.
pub fn generate_crate_with(spec: &str, options: &Options) -> TestCrate {
    let output = generate_with(spec, options);
    let krate = TestCrate::empty();
    write_files(krate.path(), &output.files);
    TestCrate { output, ..krate }
}

/// Writes the files of a generator [`Output`] into `dir`.
pub fn write_output(dir: &Path, output: &Output) {
    write_files(dir, &output.files);
}

/// Writes each relative path (with `/` separators) → content into `dir`, creating directories.
pub fn write_files(dir: &Path, files: &BTreeMap<String, String>) {
    for (rel, content) in files {
        write_file(dir, rel, content);
    }
}

/// Writes one file into `dir`, creating its directory.
pub fn write_file(dir: &Path, rel: &str, content: &str) {
    let path = dir.join(rel);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", parent.display()));
    }
    fs::write(&path, content).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}

/// A crate in a temporary directory, deleted on drop unless `KEEP_TEST_CRATES` is set.
pub struct TestCrate {
    dir: tempfile::TempDir,
    /// What the generator produced (empty for [`TestCrate::empty`]).
    pub output: Output,
}

impl TestCrate {
    /// A new empty directory to put a crate into.
    pub fn empty() -> TestCrate {
        let mut dir = tempfile::Builder::new()
            .prefix("generated-crate-")
            .tempdir()
            .expect("cannot create a temporary directory");
        if std::env::var_os("KEEP_TEST_CRATES").is_some_and(|v| !v.is_empty() && v != "0") {
            dir.disable_cleanup(true);
            eprintln!("KEEP_TEST_CRATES: keeping {}", dir.path().display());
        }
        TestCrate {
            dir,
            output: Output::default(),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The content of a file of the crate, e.g. `src/types.rs`.
    pub fn read(&self, rel: &str) -> String {
        let path = self.path().join(rel);
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
    }

    /// Adds a hand-written file, e.g. `tests/smoke.rs` or `examples/demo.rs`.
    pub fn add_file(&self, rel: &str, content: &str) -> &Self {
        write_file(self.path(), rel, content);
        self
    }

    /// `cargo clippy --all-targets`: the library, tests and examples compile without warnings.
    pub fn check(&self) -> Result<CargoOutput, CargoError> {
        check_crate(self.path())
    }

    /// `cargo test`.
    pub fn test(&self) -> Result<CargoOutput, CargoError> {
        test_crate(self.path())
    }

    /// `cargo run --example <name> -- <args>`; the program's output is in the result's stdout.
    pub fn run_example(&self, name: &str, args: &[&str]) -> Result<CargoOutput, CargoError> {
        run_example(self.path(), name, args)
    }
}

/// `cargo clippy --all-targets` in `dir`: everything compiles without a warning, clippy's
/// default lints included (generated code must pass the `-D warnings` clippy of its users).
pub fn check_crate(dir: &Path) -> Result<CargoOutput, CargoError> {
    cargo(
        dir,
        &["clippy", "--message-format", "short", "--all-targets"],
    )
}

/// `cargo test` in `dir` (compiles without a warning, then every test passes).
pub fn test_crate(dir: &Path) -> Result<CargoOutput, CargoError> {
    cargo(dir, &["test", "--message-format", "short"])
}

/// `cargo run --example <name> -- <args>` in `dir`.
pub fn run_example(dir: &Path, name: &str, args: &[&str]) -> Result<CargoOutput, CargoError> {
    let mut all = vec![
        "run",
        "--quiet",
        "--message-format",
        "short",
        "--example",
        name,
        "--",
    ];
    all.extend_from_slice(args);
    cargo(dir, &all)
}

/// Serializes the cargo runs of one test binary (see the module docs).
static CARGO_LOCK: Mutex<()> = Mutex::new(());

/// Runs `cargo <args>` in the crate `dir` with the shared settings (see the module docs). Fails
/// if cargo fails or prints a warning.
pub fn cargo<S: AsRef<OsStr>>(dir: &Path, args: &[S]) -> Result<CargoOutput, CargoError> {
    let lock_file = dir.join("Cargo.lock");
    if !lock_file.exists() {
        let workspace_lock = workspace_root().join("Cargo.lock");
        fs::copy(&workspace_lock, &lock_file).unwrap_or_else(|e| {
            panic!(
                "cannot copy {} into {}: {e}",
                workspace_lock.display(),
                dir.display()
            )
        });
    }
    let program = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(&program);
    command
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", shared_target_dir())
        .env("RUSTFLAGS", RUSTFLAGS)
        // These would override RUSTFLAGS, or make the output harder to read.
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_BUILD_RUSTFLAGS")
        .env("CARGO_TERM_COLOR", "never")
        .env("CARGO_TERM_PROGRESS_WHEN", "never");
    let shown = format!(
        "{} {}",
        Path::new(&program)
            .file_name()
            .unwrap_or(program.as_os_str())
            .to_string_lossy(),
        args.iter()
            .map(|a| a.as_ref().to_string_lossy())
            .collect::<Vec<_>>()
            .join(" ")
    );

    let result = {
        let _guard = CARGO_LOCK
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        touch_sources(dir);
        command.output()
    };
    let output = result.unwrap_or_else(|e| panic!("cannot run `{shown}`: {e}"));
    let out = CargoOutput {
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: without_status_lines(&String::from_utf8_lossy(&output.stderr)),
    };
    let failure = if !output.status.success() {
        Some(format!("failed ({})", output.status))
    } else if out.stderr.lines().any(|line| line.starts_with("warning")) {
        Some("printed a warning".to_string())
    } else {
        None
    };
    match failure {
        None => Ok(out),
        Some(reason) => Err(CargoError {
            command: shown,
            dir: dir.to_path_buf(),
            reason,
            output: out,
        }),
    }
}

/// Marks every file of the crate as modified now. Test crates share a target directory and
/// often a package name, and Cargo decides freshness by comparing file times with the last
/// build of that package: without this, a crate written before another one was built could be
/// taken as already built, and its errors and warnings would go unseen.
fn touch_sources(dir: &Path) {
    let now = std::time::SystemTime::now();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(path) = pending.pop() {
        if path.is_dir() {
            let entries = fs::read_dir(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            pending.extend(entries.map(|e| e.unwrap_or_else(|e| panic!("{e}")).path()));
        } else if path.extension().is_some_and(|e| e == "rs" || e == "toml") {
            fs::File::options()
                .write(true)
                .open(&path)
                .and_then(|f| f.set_modified(now))
                .unwrap_or_else(|e| panic!("cannot touch {}: {e}", path.display()));
        }
    }
}

/// Drops cargo's progress lines, such as `   Compiling foo v0.1.0 (/tmp/...)`.
fn without_status_lines(stderr: &str) -> String {
    const STATUS: &[&str] = &[
        "Adding",
        "Blocking",
        "Checking",
        "Compiling",
        "Doc-tests",
        "Downloaded",
        "Downloading",
        "Finished",
        "Fresh",
        "Locking",
        "Removing",
        "Running",
        "Updating",
    ];
    let is_status = |line: &str| {
        line.starts_with(' ')
            && line
                .split_whitespace()
                .next()
                .is_some_and(|verb| STATUS.contains(&verb))
    };
    let mut kept: String = stderr
        .lines()
        .filter(|line| !is_status(line))
        .collect::<Vec<_>>()
        .join("\n");
    if !kept.is_empty() {
        kept.push('\n');
    }
    kept
}

/// What a successful cargo run printed (stderr without cargo's status lines).
#[derive(Debug, Clone)]
pub struct CargoOutput {
    pub stdout: String,
    pub stderr: String,
}

/// A failed cargo run. `Debug` prints the same readable report as `Display`, so that
/// `.unwrap()` in a test shows the compiler's messages.
pub struct CargoError {
    pub command: String,
    pub dir: PathBuf,
    /// Why it counts as a failure, e.g. `failed (exit status: 101)` or `printed a warning`.
    pub reason: String,
    pub output: CargoOutput,
}

impl fmt::Display for CargoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "`{}` {} in {}",
            self.command,
            self.reason,
            self.dir.display()
        )?;
        writeln!(
            f,
            "(set KEEP_TEST_CRATES=1 to keep the crate for inspection)"
        )?;
        for (name, text) in [
            ("stdout", &self.output.stdout),
            ("stderr", &self.output.stderr),
        ] {
            if !text.trim().is_empty() {
                writeln!(f, "--- {name} ---\n{}", text.trim_end())?;
            }
        }
        Ok(())
    }
}

impl fmt::Debug for CargoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for CargoError {}

/// `cargo clippy --lib` of the crate in `dir` once per feature set of `features` (`""`: no
/// feature), each alone (`--no-default-features --features <set>`), in one cargo invocation:
/// the crate is copied into a temporary workspace, one member per set, named
/// `<package>-<n>`, whose `default` is that set. Fails if any set fails or prints a warning;
/// the error names the member, and `features` lists the sets in member order.
pub fn check_features(dir: &Path, features: &[&str]) -> Result<CargoOutput, CargoError> {
    let manifest = fs::read_to_string(dir.join("Cargo.toml"))
        .unwrap_or_else(|e| panic!("cannot read {}/Cargo.toml: {e}", dir.display()));
    let files = read_tree(&dir.join("src"));
    let workspace = TestCrate::empty();
    let mut members = Vec::new();
    for (index, set) in features.iter().enumerate() {
        let member = format!("m{index}");
        let default = set
            .split(',')
            .filter(|f| !f.is_empty())
            .map(|f| format!("\"{f}\""))
            .collect::<Vec<_>>()
            .join(", ");
        let mut replaced_name = false;
        let mut replaced_default = false;
        let mut in_dev_dependencies = false;
        let mut text = String::new();
        for line in manifest.lines() {
            if line.starts_with('[') {
                in_dev_dependencies = line == "[dev-dependencies]";
            }
            if in_dev_dependencies {
                continue;
            }
            if !replaced_name && line.starts_with("name = ") {
                let name = line.trim_start_matches("name = ").trim_matches('"');
                text.push_str(&format!("name = \"{name}-{index}\"\n"));
                replaced_name = true;
            } else if !replaced_default && line.starts_with("default = [") {
                text.push_str(&format!("default = [{default}]\n"));
                replaced_default = true;
            } else {
                text.push_str(line);
                text.push('\n');
            }
        }
        assert!(
            replaced_name && replaced_default,
            "unexpected manifest:\n{manifest}"
        );
        write_file(workspace.path(), &format!("{member}/Cargo.toml"), &text);
        for (rel, content) in &files {
            write_file(workspace.path(), &format!("{member}/src/{rel}"), content);
        }
        members.push(format!("\"{member}\""));
    }
    write_file(
        workspace.path(),
        "Cargo.toml",
        &format!(
            "[workspace]\nresolver = \"3\"\nmembers = [{}]\n",
            members.join(", ")
        ),
    );
    cargo(
        workspace.path(),
        &[
            "clippy",
            "--workspace",
            "--lib",
            "--message-format",
            "short",
        ],
    )
}

/// Every file under `dir`, by path relative to it (with `/`).
fn read_tree(dir: &Path) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    let mut pending = vec![PathBuf::new()];
    while let Some(rel) = pending.pop() {
        let path = dir.join(&rel);
        if path.is_dir() {
            for entry in fs::read_dir(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())) {
                let entry = entry.unwrap_or_else(|e| panic!("{e}"));
                pending.push(rel.join(entry.file_name()));
            }
        } else {
            let text = fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            let rel = rel.to_string_lossy().replace('\\', "/");
            files.insert(rel, text);
        }
    }
    files
}

/// The group features of a generated crate's `Cargo.toml` (those `full` lists), in order.
pub fn group_features(manifest: &str) -> Vec<String> {
    let start = manifest
        .find("\nfull = [")
        .unwrap_or_else(|| panic!("no `full` feature in:\n{manifest}"));
    let list = &manifest[start + "\nfull = [".len()..];
    let list = &list[..list.find(']').expect("`full` ends")];
    list.split(',')
        .map(|name| name.trim().trim_matches('"').to_string())
        .filter(|name| !name.is_empty())
        .collect()
}
