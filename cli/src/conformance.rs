//! `conformance` (`cargo xtask conformance`): generates the crate of a spec and a driver calling
//! each of its operations (`generator::conformance`), builds them, starts Prism (pinned by
//! `cli/prism/package-lock.json`, which this crate carries and writes into the work directory,
//! installed there with `npm ci`) in dynamic mode on a free loopback port, runs the driver
//! against it and reports which operations do not conform.
//!
//! Work files live in `<work>/<spec name>/` (a small workspace: `crate/`, `driver/`, a lock
//! file when [`Places::lock`] names one, Prism's log), built into [`Places::target_dir`] with
//! `RUSTFLAGS=-D warnings`. `cargo xtask conformance` uses `target/conformance/` and the
//! target directory and flags of the generator's tests (`target/generated-crates/`), so that
//! the dependencies they built are reused; the command-line tool uses `--work-dir`
//! (`target/conformance/` of the current directory) and a target directory inside it. A second
//! run, or a second spec, rebuilds only what changed: files are rewritten only when their
//! content changes, for Cargo's sake.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::Read as _;
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Prism's package, pinned: written into [`Places::prism`] for `npm ci`.
const PRISM_PACKAGE: &str = include_str!("../prism/package.json");
const PRISM_LOCK: &str = include_str!("../prism/package-lock.json");

pub const EXIT_CODES: &str = "\
Exit codes:
  0  every operation conforms
  1  some operation does not (one line each), or the generated crate does not build
  2  bad usage, or the spec cannot be read or generated
  3  Node.js/npm, Prism or cargo cannot be had (the message says which)";

/// The driver's crate name (its binary has the same name).
const DRIVER: &str = "conformance-driver";

/// How long Prism may take to start listening.
const PRISM_START: Duration = Duration::from_secs(90);

/// Where a run writes and builds.
#[derive(Debug, Clone)]
pub struct Places {
    /// The work directory: one subdirectory per spec.
    pub work: PathBuf,
    /// Cargo's target directory for the crate and its driver.
    pub target_dir: PathBuf,
    /// A `Cargo.lock` to start from (the workspace's, for the same dependency versions as its
    /// tests); `None`: cargo resolves the newest.
    pub lock: Option<PathBuf>,
    /// Where Prism is installed (`npm ci`).
    pub prism: PathBuf,
}

impl Places {
    /// The command-line tool's: everything under `work`.
    pub fn under(work: PathBuf) -> Places {
        Places {
            target_dir: work.join("target"),
            prism: work.join("prism"),
            lock: None,
            work,
        }
    }
}

/// What to check.
pub struct Args {
    pub spec: PathBuf,
    pub rounds: u32,
    pub skip_invalid: bool,
    /// Prism's seed for its random answers: the same seed, the same answers.
    pub seed: String,
    /// Failures that must keep happening (see `Known`).
    pub known_failures: Option<PathBuf>,
    /// Overlays applied after those of the configuration beside the spec (`--overlay`).
    pub overlays: Vec<PathBuf>,
}

/// The file Prism serves: the spec itself, or, with overlays or URLs `[spec] allow_urls`
/// allows, the gathered (and overlaid) description written as JSON into the work directory
/// (`spec.overlaid.json`), so that Prism mocks what the crate was generated from and fetches
/// nothing itself (the URLs come from `files`, which fetched them for generation); a
/// description kept in many files is gathered into that one file first (its references would
/// not resolve from the work directory).
fn served_spec(
    spec: &Path,
    text: &str,
    options: &generator::Options,
    files: (&str, &dyn generator::files::Files),
    work: &Path,
) -> Result<PathBuf, Stop> {
    let overlays = &options.overlays;
    if overlays.is_empty() && options.config.spec.allow_urls.is_empty() {
        return fs::canonicalize(spec)
            .map_err(|e| Stop(2, format!("cannot read {}: {e}", spec.display())));
    }
    let (root, files) = files;
    let allow = generator::files::Allow::of(&options.config);
    let overlaid = generator::files::gather(root, text, files, &allow).and_then(|gathered| {
        let mut tree = gathered.tree;
        generator::overlay::apply_all(&mut tree, overlays)?;
        Ok(tree)
    });
    let tree =
        overlaid.map_err(|e| Stop(2, format!("{} cannot be overlaid:\n{e}", spec.display())))?;
    let path = work.join("spec.overlaid.json");
    // `{:#}`: serde_json's pretty printing, which Prism reads as JSON (or YAML).
    fs::write(&path, format!("{tree:#}"))
        .map_err(|e| Stop(3, format!("cannot write {}: {e}", path.display())))?;
    fs::canonicalize(&path).map_err(|e| Stop(3, format!("cannot read {}: {e}", path.display())))
}

/// A failure that is known and must keep happening, read from a `--known-failures` file: one
/// per line, `<group>.<method> | <text each failure of it contains> | <why>`; `#` starts a
/// comment. Like the spec defects of `generator/tests/corpus.rs`: an operation listed here
/// that starts conforming, or fails otherwise, fails the run, so the list stays true.
struct Known {
    operation: String,
    text: String,
    why: String,
}

fn read_known(path: &Path) -> Result<Vec<Known>, Stop> {
    let text = fs::read_to_string(path)
        .map_err(|e| Stop(2, format!("cannot read {}: {e}", path.display())))?;
    let mut known = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let parts: Vec<&str> = line.splitn(3, " | ").map(str::trim).collect();
        let [operation, text, why] = parts[..] else {
            return Err(Stop(
                2,
                format!(
                    "{}:{}: expected `<group>.<method> | <text> | <why>`",
                    path.display(),
                    number + 1
                ),
            ));
        };
        known.push(Known {
            operation: operation.to_string(),
            text: text.to_string(),
            why: why.to_string(),
        });
    }
    Ok(known)
}

/// What the driver reported of one operation: the rounds it ran, and why each failed round
/// failed.
type Outcome = (BTreeSet<u32>, Vec<(u32, String)>);

/// Why a run stopped early, with its exit code.
struct Stop(u8, String);

/// The whole command; returns its exit code ([`EXIT_CODES`]).
pub fn run(args: &Args, places: &Places) -> u8 {
    match conformance(args, places) {
        Ok(code) => code,
        Err(Stop(code, message)) => {
            eprintln!("error: {message}");
            code
        }
    }
}

fn conformance(args: &Args, places: &Places) -> Result<u8, Stop> {
    let started = Instant::now();
    let known = match &args.known_failures {
        Some(path) => read_known(path)?,
        None => Vec::new(),
    };
    let text = fs::read_to_string(&args.spec)
        .map_err(|e| Stop(2, format!("cannot read {}: {e}", args.spec.display())))?;
    let stem = args
        .spec
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "spec".into());
    let slug: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let crate_name = format!("conformance-{}", slug.trim_matches('-'));
    // The maintainer's configuration beside the spec applies as in `cargo xtask codegen`
    // (filters, renames, overrides), except the crate's name.
    let config = crate::codegen::config_of_spec(&args.spec).map_err(|e| Stop(2, e))?;
    let overlays = crate::codegen::overlays_of_spec(&args.spec, &config, &args.overlays)
        .map_err(|e| Stop(2, e))?;
    let options = generator::Options {
        config,
        crate_name: crate_name.clone(),
        spec_label: args.spec.display().to_string(),
        regenerate_command: format!("{} conformance", crate::codegen::BIN),
        env_prefix: None,
        strict: false,
        skip_invalid: args.skip_invalid,
        overlays,
        extra_dev_dependencies: Vec::new(),
    };
    // A description kept in many files is read from the spec's folder (Prism reads them too).
    let (root, files) = crate::codegen::spec_files(&args.spec, &options.config);
    let (output, driver) = generator::generate_files_with_conformance_driver(
        &root,
        &text,
        &files,
        &options,
        args.rounds,
    )
    .map_err(|e| {
        Stop(
            2,
            format!("{} cannot be generated:\n{e}", args.spec.display()),
        )
    })?;
    for warning in &output.diagnostics {
        eprintln!("{warning}");
    }

    let work = places.work.join(&slug);
    write_workspace(places, &work, &output.files, &driver.main_rs, &crate_name)?;
    let prism = prism(&places.prism)?;

    eprintln!("building the crate and its driver ({})", work.display());
    let build_started = Instant::now();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    // For `cargo xtask`, the target directory and flags of the generator's tests
    // (generator/tests/support): the dependencies they built are reused. Any warning is an
    // error.
    let target_dir = &places.target_dir;
    let status = Command::new(&cargo)
        .args(["build", "--quiet", "--bin", DRIVER, "--manifest-path"])
        .arg(work.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target_dir)
        .env("RUSTFLAGS", "-D warnings")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_BUILD_RUSTFLAGS")
        .status()
        .map_err(|e| Stop(3, format!("cannot run cargo: {e}")))?;
    if !status.success() {
        eprintln!(
            "error: the generated crate or its driver does not build ({status}); see {}",
            work.display()
        );
        return Ok(1);
    }
    let build_time = build_started.elapsed();
    let binary = target_dir.join("debug").join(DRIVER);

    let port = free_port()?;
    let log_path = work.join("prism.log");
    let spec = served_spec(&args.spec, &text, &options, (&root, &files), &work)?;
    let log = fs::File::create(&log_path)
        .map_err(|e| Stop(3, format!("cannot write {}: {e}", log_path.display())))?;
    let server = Command::new("node")
        .arg(&prism)
        .args(["mock", "-d", "-h", "127.0.0.1", "-p", &port.to_string()])
        .args(["--seed", &args.seed])
        .arg(&spec)
        .stdout(log.try_clone().map_err(|e| Stop(3, e.to_string()))?)
        .stderr(log)
        .spawn()
        .map_err(|e| {
            Stop(
                3,
                format!("cannot start Prism (node {}): {e}", prism.display()),
            )
        })?;
    let mut server = Server(server);
    wait_listening(&mut server, port, &log_path)?;

    eprintln!(
        "Prism listening on 127.0.0.1:{port}; {} operation(s), {} round(s)",
        driver.operations.len(),
        args.rounds
    );
    let run_started = Instant::now();
    let result = Command::new(&binary)
        .arg(format!("http://127.0.0.1:{port}"))
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| Stop(3, format!("cannot run {}: {e}", binary.display())))?;
    drop(server);
    let run_time = run_started.elapsed();
    let stdout = String::from_utf8_lossy(&result.stdout);

    // Per operation: the rounds that failed, each with why.
    let mut outcomes: BTreeMap<&str, Outcome> = BTreeMap::new();
    for line in stdout.lines() {
        let mut fields = line.splitn(4, '\t');
        let (Some(kind), Some(label), Some(round)) = (fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        let Ok(round) = round.parse::<u32>() else {
            continue;
        };
        let entry = outcomes.entry(label).or_default();
        entry.0.insert(round);
        if kind == "FAIL" {
            entry
                .1
                .push((round, fields.next().unwrap_or("").to_string()));
        }
    }
    let mut conforming = 0;
    let mut as_known = 0;
    let mut unexpected = 0;
    for label in &driver.operations {
        let (ran, failures) = outcomes.get(label.as_str()).cloned().unwrap_or_default();
        let name = label.split(' ').next().unwrap_or(label);
        let listed = known.iter().find(|k| k.operation == name);
        let conforms = failures.is_empty() && ran.len() == args.rounds as usize;
        if let Some(listed) = listed {
            if conforms {
                unexpected += 1;
                println!(
                    "UNEXPECTED PASS {label}: listed as a known failure ({}), but it conforms: \
                     take it off the list",
                    listed.why
                );
                continue;
            }
            if !failures.is_empty() && failures.iter().all(|(_, why)| why.contains(&listed.text)) {
                as_known += 1;
                println!("KNOWN {label}: {}", listed.why);
                continue;
            }
        }
        if conforms {
            conforming += 1;
            continue;
        }
        unexpected += 1;
        match failures.first() {
            Some((round, why)) => {
                let rounds: Vec<String> = failures.iter().map(|(r, _)| r.to_string()).collect();
                println!(
                    "FAIL {label}: round {round}: {why} (failed in round(s) {})",
                    rounds.join(", ")
                );
            }
            None => println!(
                "FAIL {label}: no result (the driver stopped: {})",
                result.status
            ),
        }
    }
    for skipped in &driver.skipped {
        unexpected += 1;
        println!("FAIL not generated: {skipped}");
    }
    for listed in &known {
        let name = |label: &String| label.split(' ').next() == Some(listed.operation.as_str());
        if !driver.operations.iter().any(name) {
            unexpected += 1;
            println!(
                "FAIL {}: listed as a known failure, but the spec has no such operation",
                listed.operation
            );
        }
    }
    if unexpected > 0 {
        println!(
            "Prism's log (what it received and answered): {}",
            log_path.display()
        );
    }
    let total = driver.operations.len() + driver.skipped.len();
    let known_note = match &args.known_failures {
        Some(path) => format!(
            "; {as_known} fail as listed in {} (known failures)",
            path.display()
        ),
        None => String::new(),
    };
    println!(
        "{conforming}/{total} operations conform{known_note} ({} round(s); build {:.1}s, run {:.1}s, total {:.1}s)",
        args.rounds,
        build_time.as_secs_f64(),
        run_time.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    Ok(if unexpected == 0 { 0 } else { 1 })
}

/// Writes `<work>/Cargo.toml` (a workspace of the crate and the driver), `crate/`, `driver/`
/// and a copy of [`Places::lock`] (for the same dependency versions), each file only when its
/// content changed; files of an earlier crate that are no longer generated go.
fn write_workspace(
    places: &Places,
    work: &Path,
    files: &BTreeMap<String, String>,
    main_rs: &str,
    crate_name: &str,
) -> Result<(), Stop> {
    let krate = work.join("crate");
    let wanted: BTreeSet<PathBuf> = files.keys().map(|rel| krate.join(rel)).collect();
    for stale in list_files(&krate.join("src")) {
        if !wanted.contains(&stale) {
            let _ = fs::remove_file(&stale);
        }
    }
    for (rel, content) in files {
        write_if_changed(&krate.join(rel), content)?;
    }
    write_if_changed(
        &work.join("Cargo.toml"),
        "[workspace]\nmembers = [\"crate\", \"driver\"]\nresolver = \"3\"\n",
    )?;
    // The driver calls every operation: every group feature (`full`), which a large API does not
    // enable by default.
    let full = files
        .get("Cargo.toml")
        .is_some_and(|manifest| manifest.lines().any(|line| line.starts_with("full = [")));
    let features = if full { ", features = [\"full\"]" } else { "" };
    let driver_toml = format!(
        "[package]\nname = \"{DRIVER}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\n{crate_name} = {{ path = \"../crate\"{features} }}\n\
         futures-core = \"0.3\"\nserde = \"1\"\nserde_json = \"1\"\n\
         tokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\n"
    );
    write_if_changed(&work.join("driver/Cargo.toml"), &driver_toml)?;
    write_if_changed(&work.join("driver/src/main.rs"), main_rs)?;
    let lock = work.join("Cargo.lock");
    if let Some(from) = places.lock.as_ref().filter(|_| !lock.exists()) {
        fs::copy(from, &lock)
            .map_err(|e| Stop(3, format!("cannot write {}: {e}", lock.display())))?;
    }
    Ok(())
}

fn write_if_changed(path: &Path, content: &str) -> Result<(), Stop> {
    if fs::read_to_string(path).is_ok_and(|old| old == content) {
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)
            .map_err(|e| Stop(3, format!("cannot create {}: {e}", parent.display())))?;
    }
    fs::write(path, content).map_err(|e| Stop(3, format!("cannot write {}: {e}", path.display())))
}

fn list_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out
}

/// Prism's entry script, installed into `dir` from the pinned `package-lock.json` (written
/// there when it differs) with `npm ci` when `node_modules` is missing or older than the lock
/// file.
fn prism(dir: &Path) -> Result<PathBuf, Stop> {
    let node = Command::new("node").arg("--version").output();
    if !node.is_ok_and(|o| o.status.success()) {
        return Err(Stop(
            3,
            "Node.js is not installed (`node` is not on PATH): Prism, the validating server, \
             runs on it; install Node.js 18 or later with npm"
                .into(),
        ));
    }
    write_if_changed(&dir.join("package.json"), PRISM_PACKAGE)?;
    write_if_changed(&dir.join("package-lock.json"), PRISM_LOCK)?;
    let script = dir.join("node_modules/@stoplight/prism-cli/dist/index.js");
    let installed = dir.join("node_modules/.package-lock.json");
    let modified = |path: &Path| fs::metadata(path).and_then(|m| m.modified()).ok();
    let stale = match (
        modified(&installed),
        modified(&dir.join("package-lock.json")),
    ) {
        (Some(installed), Some(lock)) => installed < lock,
        _ => true,
    };
    if stale || !script.exists() {
        eprintln!("installing Prism ({}): npm ci", dir.display());
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(dir)
            .status()
            .map_err(|e| {
                Stop(
                    3,
                    format!("cannot run npm ({e}): install Node.js with npm to run Prism"),
                )
            })?;
        if !status.success() || !script.exists() {
            return Err(Stop(
                3,
                format!(
                    "`npm ci` in {} failed ({status}): Prism cannot be installed (is the npm \
                     registry reachable?)",
                    dir.display()
                ),
            ));
        }
    }
    Ok(script)
}

fn free_port() -> Result<u16, Stop> {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| Stop(3, format!("no free loopback port: {e}")))
}

/// Prism, stopped when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn wait_listening(server: &mut Server, port: u16, log: &Path) -> Result<(), Stop> {
    let started = Instant::now();
    loop {
        if TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_ok() {
            return Ok(());
        }
        let exited = server.0.try_wait().ok().flatten();
        if exited.is_some() || started.elapsed() > PRISM_START {
            let mut text = String::new();
            if let Ok(mut file) = fs::File::open(log) {
                let _ = file.read_to_string(&mut text);
            }
            let tail: Vec<&str> = text.lines().rev().take(15).collect();
            let tail: Vec<&str> = tail.into_iter().rev().collect();
            let why = match exited {
                Some(status) => format!("Prism exited ({status})"),
                None => format!("Prism did not listen within {PRISM_START:?}"),
            };
            return Err(Stop(
                3,
                format!("{why}; its log ({}):\n{}", log.display(), tail.join("\n")),
            ));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}
