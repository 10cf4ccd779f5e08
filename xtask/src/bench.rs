//! `cargo xtask bench`: generation speed and memory, compile cost of the output, and the
//! generated client's overhead, each reported as a ratio against a baseline measured in the
//! same run (the machines are shared and noisy; ratios mean the same on a busy one).
//!
//! The programs that measure are in the `bench` crate, built here in release:
//!
//! - generation: a synthetic spec ([`crate::synth`]) of each size is generated end to end by
//!   `bench/src/bin/generate.rs` in a child process per size (so its peak memory is its own),
//!   against merely parsing the same text into a `serde_json::Value`; with `cargo xtask`'s
//!   allocator (mimalloc), and again with the system allocator (`generate-system`); and the
//!   same API in OpenAPI 3.1 ([`crate::synth::spec_3_1`]) in the same process, alternating with
//!   the 3.0 spec, as a ratio to it (the target: within 10%);
//! - compilation: `cargo check` and `cargo build --release` of the crate generated from the
//!   synthetic spec, against the crate generated from `spec/realtime-kit.yaml` (same
//!   dependencies and runtime, 62 operations), after both have their dependencies built; the
//!   synthetic crate with one feature (one group) against the whole crate (`full`); and the
//!   whole crate against progenitor's output for the same spec (`cargo-progenitor`, installed
//!   into `target/bench/tools`, skipped with a notice when it cannot be). Each pair is measured
//!   alternately and the medians compared, since the machine is shared;
//! - client: `bench/src/bin/client.rs`, the generated `get_meeting_participant` against a
//!   hand-written reqwest + serde call, alternating, on a loopback server;
//! - streams: `bench/src/bin/streams.rs`, the runtime's streams through `Client::request`
//!   against hand-written reqwest on a loopback server (a child process of the measuring one):
//!   200,000 server-sent events decoded by `EventStream` against reqwest +
//!   `eventsource-stream` (CPU time, alternating in one process), and a 1 GiB download
//!   (`ByteStream` against `bytes_stream()`) and upload (`Upload::from_path` of a sparse
//!   temporary file against a `ReaderStream` of it), one process per transfer so that each
//!   peak RSS is its own, the two sides alternating.
//!
//! See BENCHMARKS.md for the figures and how to read them.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use generator::Options;

use crate::repository::workspace_root;

pub struct BenchArgs {
    /// Spec sizes for the generation benchmark.
    pub sizes: Vec<usize>,
    /// Operations of the crate whose compile time is measured; `None` skips it.
    pub compile: Option<usize>,
    /// Whether to run the client benchmark.
    pub client: bool,
    /// Generation runs per size (the fastest counts).
    pub runs: usize,
    /// Alternating rounds of the client benchmark.
    pub rounds: usize,
    /// Rounds of the streams benchmark; `None` skips it.
    pub streams: Option<StreamRounds>,
}

/// Rounds of the streams benchmark: each round runs both sides once.
#[derive(Clone, Copy)]
pub struct StreamRounds {
    /// Decodings of the recorded SSE stream (about half a second each).
    pub sse: usize,
    /// 1 GiB downloads, one process each (about a second each, and noisy: a run's throughput
    /// varies by half from one process to the next on a busy machine).
    pub download: usize,
    /// 1 GiB uploads, one process each.
    pub upload: usize,
}

impl BenchArgs {
    /// Everything the issue asks for.
    pub fn full() -> BenchArgs {
        BenchArgs {
            sizes: vec![100, 1000, 3000],
            compile: Some(1000),
            client: true,
            runs: 5,
            rounds: 201,
            streams: Some(StreamRounds {
                sse: 11,
                download: 11,
                upload: 5,
            }),
        }
    }

    /// A quick look (under a minute once the bench programs are built): small sizes, no
    /// compile benchmark, fewer rounds.
    pub fn quick() -> BenchArgs {
        BenchArgs {
            sizes: vec![100, 300, 1000],
            compile: None,
            client: true,
            runs: 3,
            rounds: 51,
            streams: Some(StreamRounds {
                sse: 5,
                download: 3,
                upload: 2,
            }),
        }
    }
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string())
}

fn run_status(command: &mut Command, what: &str) -> Result<(), String> {
    let status = command.status().map_err(|e| format!("{what}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{what} failed ({status})"))
    }
}

/// Runs a bench program and parses its `key=value` line.
fn figures(program: &Path, args: &[&str]) -> Result<Vec<(String, f64)>, String> {
    let output = Command::new(program)
        .args(args)
        .output()
        .map_err(|e| format!("{}: {e}", program.display()))?;
    if !output.status.success() {
        return Err(format!(
            "{} {}: {}",
            program.display(),
            args.join(" "),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let line = text.lines().last().unwrap_or_default();
    line.split_whitespace()
        .map(|pair| {
            let (key, value) = pair
                .split_once('=')
                .ok_or_else(|| format!("{}: unexpected output `{pair}`", program.display()))?;
            let value = value
                .parse()
                .map_err(|_| format!("{}: `{key}` is not a number", program.display()))?;
            Ok((key.to_string(), value))
        })
        .collect()
}

fn get(figures: &[(String, f64)], key: &str) -> f64 {
    figures
        .iter()
        .find(|(k, _)| k == key)
        .map_or(f64::NAN, |(_, v)| *v)
}

fn options(name: &str) -> Options {
    Options {
        config: Default::default(),
        crate_name: name.to_string(),
        spec_label: format!("{name}.json"),
        regenerate_command: "cargo xtask bench".to_string(),
        env_prefix: None,
        strict: true,
        skip_invalid: false,
        extra_dev_dependencies: Vec::new(),
    }
}

fn write_crate(
    dir: &Path,
    files: &std::collections::BTreeMap<String, String>,
    lock: &Path,
) -> Result<(), String> {
    let _ = std::fs::remove_dir_all(dir);
    for (rel, content) in files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        std::fs::write(&path, content).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    std::fs::copy(lock, dir.join("Cargo.lock")).map_err(|e| format!("Cargo.lock: {e}"))?;
    Ok(())
}

/// Lines of the generated Rust that is specific to the spec (everything but the runtime).
fn generated_lines(files: &std::collections::BTreeMap<String, String>) -> usize {
    files
        .iter()
        .filter(|(path, _)| path.ends_with(".rs") && !path.starts_with("src/runtime/"))
        .map(|(_, text)| text.lines().count())
        .sum()
}

/// The figures of `generate` on the spec of one size and its 3.1 equivalent.
struct SizeFigures {
    n: usize,
    spec_bytes: usize,
    spec_3_1_bytes: usize,
    f: Vec<(String, f64)>,
}

/// `bin`: `generate` (with `cargo xtask`'s allocator); `system_bin`: `generate-system` (the
/// same with the system allocator).
fn generation(args: &BenchArgs, bin: &Path, system_bin: &Path, work: &Path) -> Result<(), String> {
    println!(
        "## Generation (release build, fastest of {} runs)\n",
        args.runs
    );
    println!(
        "| operations | spec | total | parse only (baseline) | total ÷ parse | load | model | emit | format | write | µs per operation | peak heap | peak RSS | lines | system allocator: total, peak RSS |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    let mut per_size = Vec::new();
    let mut all = Vec::new();
    for &n in &args.sizes {
        let write = |name: &str, text: &str| {
            let path = work.join(name);
            std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
            Ok::<_, String>(path.display().to_string())
        };
        let text = crate::synth::spec(n);
        let text_3_1 = crate::synth::spec_3_1(n);
        let spec = write(&format!("synthetic-{n}.json"), &text)?;
        let spec_3_1 = write(&format!("synthetic-{n}-3.1.json"), &text_3_1)?;
        let out = work.join(format!("synthetic-{n}")).display().to_string();
        let out_3_1 = work
            .join(format!("synthetic-{n}-3.1"))
            .display()
            .to_string();
        let runs = args.runs.to_string();
        let bin_args = [spec.as_str(), out.as_str(), runs.as_str()];
        let f = figures(
            bin,
            &[
                spec.as_str(),
                out.as_str(),
                runs.as_str(),
                spec_3_1.as_str(),
                out_3_1.as_str(),
            ],
        )?;
        let system = figures(system_bin, &bin_args)?;
        let parse = get(&f, "parse_ms");
        let total = get(&f, "total_ms");
        let share = |key: &str| {
            let t = get(&f, key);
            format!(
                "{t:.0} ms ({:.0}%, {:.1}× parse)",
                100.0 * t / total,
                t / parse
            )
        };
        println!(
            "| {n} | {} KiB | {total:.0} ms | {parse:.1} ms | {:.1}× | {} | {} | {} | {} | {} | {:.0} | {:.0} MB | {:.0} MB | {:.0} | {:.0} ms ({:.2}×), {:.0} MB |",
            text.len() / 1024,
            total / parse,
            share("load_ms"),
            share("model_ms"),
            share("emit_ms"),
            share("format_ms"),
            share("write_ms"),
            total * 1e3 / n as f64,
            get(&f, "peak_mb"),
            get(&f, "hwm_mb"),
            get(&f, "lines"),
            get(&system, "total_ms"),
            get(&system, "total_ms") / total,
            get(&system, "hwm_mb"),
        );
        per_size.push((n, total, parse, get(&f, "peak_mb")));
        all.push(SizeFigures {
            n,
            spec_bytes: text.len(),
            spec_3_1_bytes: text_3_1.len(),
            f,
        });
    }
    println!();
    for pair in per_size.windows(2) {
        let ((n0, t0, p0, m0), (n1, t1, p1, m1)) = (pair[0], pair[1]);
        println!(
            "Linearity {n0} → {n1} operations ({:.1}× the operations): time {:.2}× (parse {:.2}×), peak heap {:.2}×.",
            n1 as f64 / n0 as f64,
            t1 / t0,
            p1 / p0,
            m1 / m0,
        );
    }
    println!();
    openapi_3_1(args, &all);
    Ok(())
}

/// The 3.1 equivalents against their 3.0 specs, from the same processes.
fn openapi_3_1(args: &BenchArgs, all: &[SizeFigures]) {
    println!(
        "## OpenAPI 3.1: the same spec raised to 3.1, against its 3.0 text (same process, alternating, fastest of {} runs each)\n",
        args.runs
    );
    println!(
        "| operations | spec: 3.0, 3.1 | total: 3.0, 3.1 | total 3.1 ÷ 3.0 | median of the rounds' 3.1 ÷ 3.0 | without writing: 3.0, 3.1 | ratio | load: 3.0, 3.1 | load ratio | lowering alone (share of 3.1 total) | parse only: 3.0, 3.1 | peak heap: 3.0, 3.1 | same crate |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    // Per size: fastest-of ratio, paired median, lowering's share.
    let mut ratios = Vec::new();
    for size in all {
        let (f, n) = (&size.f, size.n);
        let v30 = |key: &str| get(f, key);
        let v31 = |key: &str| get(f, &format!("v31_{key}"));
        let generation = |get: &dyn Fn(&str) -> f64| {
            ["load_ms", "model_ms", "emit_ms", "format_ms"]
                .iter()
                .map(|key| get(key))
                .sum::<f64>()
        };
        let (g30, g31) = (generation(&v30), generation(&v31));
        let ratio = v31("total_ms") / v30("total_ms");
        ratios.push((
            ratio,
            v31("paired_ratio"),
            v31("lower_ms") / v31("total_ms"),
        ));
        println!(
            "| {n} | {} KiB, {} KiB | {:.0} ms, {:.0} ms | **{ratio:.3}** | {:.3} | {g30:.0} ms, {g31:.0} ms | {:.3} | {:.1} ms, {:.1} ms | {:.3} | {:.1} ms ({:.1}%) | {:.1} ms, {:.1} ms | {:.0} MB, {:.0} MB | {} |",
            size.spec_bytes / 1024,
            size.spec_3_1_bytes / 1024,
            v30("total_ms"),
            v31("total_ms"),
            v31("paired_ratio"),
            g31 / g30,
            v30("load_ms"),
            v31("load_ms"),
            v31("load_ms") / v30("load_ms"),
            v31("lower_ms"),
            100.0 * v31("lower_ms") / v31("total_ms"),
            v30("parse_ms"),
            v31("parse_ms"),
            v30("peak_mb"),
            v31("peak_mb"),
            if v31("same_output") == 1.0 {
                "yes"
            } else {
                "**no**"
            },
        );
    }
    println!();
    if !ratios.is_empty() {
        let range = |f: fn(&(f64, f64, f64)) -> f64, scale: f64| {
            let values: Vec<f64> = ratios.iter().map(f).map(|v| v * scale).collect();
            let low = values.iter().copied().fold(f64::INFINITY, f64::min);
            let high = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            (low, high)
        };
        let (fastest, paired, lower) = (
            range(|r| r.0, 1.0),
            range(|r| r.1, 1.0),
            range(|r| r.2, 100.0),
        );
        println!(
            "3.1 ÷ 3.0 over the sizes: {:.3}–{:.3} (fastest of each), {:.3}–{:.3} (median of the rounds); lowering alone is {:.1}–{:.1}% of the 3.1 total. Target ≤ 1.10{}.\n",
            fastest.0,
            fastest.1,
            paired.0,
            paired.1,
            lower.0,
            lower.1,
            match (fastest.1 <= 1.10, paired.1 <= 1.10) {
                (true, true) => ", met by both measures at every size",
                (true, false) => ", met by the fastest runs, **not** by the median of the rounds",
                (false, true) => ", met by the median of the rounds, **not** by the fastest runs",
                (false, false) => ", **not met** by either measure",
            },
        );
    }
}

/// Rounds of the alternating compile measurements (`cargo check`, `cargo build --release`).
const CHECK_ROUNDS: usize = 3;
const RELEASE_ROUNDS: usize = 2;

/// The version of progenitor the compile benchmark compares with.
const PROGENITOR_VERSION: &str = "0.15.1";

/// A crate whose compile time is measured: where it is, its target directory, the features
/// it is built with, and whether warnings are errors.
struct Measured {
    dir: PathBuf,
    target: PathBuf,
    features: Vec<String>,
    deny_warnings: bool,
}

impl Measured {
    /// Times `cargo <command>` after touching `src/lib.rs`, so that only the crate itself is
    /// rebuilt.
    fn time(&self, command: &[&str]) -> Result<Duration, String> {
        let lib = self.dir.join("src/lib.rs");
        let text = std::fs::read_to_string(&lib).map_err(|e| format!("{}: {e}", lib.display()))?;
        std::fs::write(&lib, text).map_err(|e| format!("{}: {e}", lib.display()))?;
        let mut cargo_command = Command::new(cargo());
        cargo_command
            .args(command)
            .args(&self.features)
            .arg("--quiet")
            .current_dir(&self.dir)
            .env("CARGO_TARGET_DIR", &self.target)
            // `cargo check` is incremental by default: after a touch it would reuse most of
            // the previous compilation (a third to a fifth of the time, varying from run to
            // run), which measures the cache rather than the crate.
            .env("CARGO_INCREMENTAL", "0");
        if self.deny_warnings {
            cargo_command.env("RUSTFLAGS", "-D warnings");
        } else {
            cargo_command.env_remove("RUSTFLAGS");
        }
        let start = Instant::now();
        run_status(
            &mut cargo_command,
            &format!("cargo {} in {}", command.join(" "), self.dir.display()),
        )?;
        Ok(start.elapsed())
    }
}

fn compile(operations: usize, root: &Path) -> Result<(), String> {
    let baseline_spec = root.join("spec/realtime-kit.yaml");
    let baseline_text = std::fs::read_to_string(&baseline_spec)
        .map_err(|e| format!("{}: {e}", baseline_spec.display()))?;
    let baseline = generator::generate(&baseline_text, &options("bench-baseline"))
        .map_err(|e| e.to_string())?;
    let baseline_operations = generator::api_surface(&baseline_text)
        .map_err(|e| e.to_string())?
        .operations
        .len();
    let spec = crate::synth::spec(operations);
    let large = generator::generate(&spec, &options("bench-large")).map_err(|e| e.to_string())?;
    // The crates live outside the workspace (Cargo would take them for members); their build
    // directory stays in the workspace's target, so that a second run reuses the dependencies.
    let target = root.join("target/bench");
    let lock = root.join("Cargo.lock");
    let work = std::env::temp_dir().join("openapi-generator-bench");
    let (small_dir, large_dir) = (work.join("baseline"), work.join("large"));
    write_crate(&small_dir, &baseline.files, &lock)?;
    write_crate(&large_dir, &large.files, &lock)?;
    let lines = generated_lines(&large.files);
    // The whole crate (every group) and one group of it, with the same other features.
    let groups = group_features(&large.files["Cargo.toml"]);
    let one = groups
        .first()
        .ok_or("the synthetic crate has no group")?
        .clone();
    // Its methods, less the `_pages` walks.
    let one_operations = large.files[&format!("src/operations/{one}.rs")]
        .lines()
        .filter(|l| l.starts_with("    pub fn ") && !l.contains("_pages("))
        .count();
    let ours = |dir: &Path, features: &[&str]| Measured {
        dir: dir.to_path_buf(),
        target: target.clone(),
        features: strings(features),
        deny_warnings: true,
    };
    let whole = ours(&large_dir, &["--features", "full"]);
    let single = ours(&large_dir, &["--features", &one]);
    let small = ours(&small_dir, &[]);
    let theirs = progenitor(root, &work, &spec)?;
    println!("## Compile cost of the output\n");
    println!(
        "{operations} operations in {} groups (features): {lines} lines of generated Rust outside the runtime ({:.1} per operation); the baseline, the crate of `spec/realtime-kit.yaml` ({baseline_operations} operations), has {}. The machine is shared: the crates are built alternately, {CHECK_ROUNDS} rounds of `cargo check` and {RELEASE_ROUNDS} of `cargo build --release` (progenitor's: `cargo check` only), and the medians are compared.\n",
        groups.len(),
        lines as f64 / operations as f64,
        generated_lines(&baseline.files),
    );
    let mut rows = Vec::new();
    for (command, rounds) in [
        (&["check"][..], CHECK_ROUNDS),
        (&["build", "--release"], RELEASE_ROUNDS),
    ] {
        let mut crates: Vec<&Measured> = vec![&whole, &single, &small];
        if let (Some((measured, _)), ["check"]) = (&theirs, command) {
            crates.push(measured);
        }
        // Warm-up: the dependencies, once, so that the measurements are of the crates alone.
        for measured in &crates {
            measured.time(command)?;
        }
        let medians = alternate(rounds, &crates, command)?;
        eprintln!(
            "cargo {}: medians {medians:.1?} s (whole, one feature, baseline, progenitor)",
            command.join(" ")
        );
        rows.push((command.join(" "), medians));
    }
    println!(
        "| command | {operations} operations, whole (`--features full`) | one feature (`{one}`, {one_operations} operations) | one ÷ whole (target ≤ 0.10) | {baseline_operations} operations (baseline) | whole ÷ baseline |"
    );
    println!("|---|---|---|---|---|---|");
    for (command, medians) in &rows {
        let (w, o, b) = (medians[0], medians[1], medians[2]);
        println!(
            "| `cargo {command}` | {w:.1} s | {o:.2} s | **{:.3}** | {b:.1} s | {:.1}× |",
            o / w,
            w / b,
        );
    }
    println!();
    match (&theirs, rows.first()) {
        (Some((_, lines)), Some((_, medians))) if medians.len() == 4 => {
            let (w, p) = (medians[0], medians[3]);
            println!(
                "Against progenitor {PROGENITOR_VERSION}'s output for the same spec ({lines} lines), `cargo check`, same rounds: ours (whole crate) {w:.1} s, progenitor's {p:.1} s, ratio **{:.3}** (target ≤ 0.35).\n",
                w / p
            );
        }
        _ => {}
    }
    Ok(())
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|a| a.to_string()).collect()
}

/// Builds each crate once per round, rotating which goes first, and returns each one's median
/// time in seconds.
fn alternate(rounds: usize, crates: &[&Measured], command: &[&str]) -> Result<Vec<f64>, String> {
    let mut times: Vec<Vec<f64>> = vec![Vec::new(); crates.len()];
    for round in 0..rounds.max(1) {
        for k in 0..crates.len() {
            let index = (round + k) % crates.len();
            let time = crates[index].time(command)?.as_secs_f64();
            eprintln!(
                "  round {round}: cargo {} in {}: {time:.1} s",
                command.join(" "),
                crates[index].dir.display()
            );
            times[index].push(time);
        }
    }
    Ok(times.into_iter().map(median).collect())
}

fn median(mut times: Vec<f64>) -> f64 {
    times.sort_by(f64::total_cmp);
    let n = times.len();
    if n % 2 == 1 {
        times[n / 2]
    } else {
        (times[n / 2 - 1] + times[n / 2]) / 2.0
    }
}

/// The group features of a generated `Cargo.toml` (those `full` lists), in order.
fn group_features(manifest: &str) -> Vec<String> {
    let Some(start) = manifest.find("\nfull = [") else {
        return Vec::new();
    };
    let list = &manifest[start + "\nfull = [".len()..];
    let list = &list[..list.find(']').unwrap_or(list.len())];
    list.split(',')
        .map(|name| name.trim().trim_matches('"').to_string())
        .filter(|name| !name.is_empty())
        .collect()
}

/// Progenitor's crate for `spec`, and its lines of Rust: installs `cargo-progenitor` into
/// `target/bench/tools` when crates.io is reachable, and generates the crate; `None` (with a
/// notice) when it cannot be installed or refuses the spec.
fn progenitor(root: &Path, work: &Path, spec: &str) -> Result<Option<(Measured, usize)>, String> {
    let tools = root.join("target/bench/tools");
    let program = tools.join("bin/cargo-progenitor");
    // `cargo install --list` of the bench's root names what is installed there, with versions.
    let installed = Command::new(cargo())
        .args(["install", "--list", "--root"])
        .arg(&tools)
        .output()
        .is_ok_and(|o| {
            let listed = String::from_utf8_lossy(&o.stdout).into_owned();
            program.exists() && listed.contains(&format!("cargo-progenitor v{PROGENITOR_VERSION}:"))
        });
    if !installed {
        eprintln!(
            "installing cargo-progenitor {PROGENITOR_VERSION} into {}…",
            tools.display()
        );
        let status = Command::new(cargo())
            .args(["install", "--locked", "--quiet", "--root"])
            .arg(&tools)
            .args(["cargo-progenitor", "--version", PROGENITOR_VERSION])
            .status();
        if !status.is_ok_and(|s| s.success()) {
            println!(
                "*Progenitor skipped: `cargo install cargo-progenitor --version {PROGENITOR_VERSION}` failed (is crates.io reachable?).*\n"
            );
            return Ok(None);
        }
    }
    let spec_path = work.join("synthetic.json");
    std::fs::write(&spec_path, spec).map_err(|e| format!("{}: {e}", spec_path.display()))?;
    let dir = work.join("progenitor");
    let _ = std::fs::remove_dir_all(&dir);
    let output = Command::new(&program)
        .arg("progenitor")
        .arg("-i")
        .arg(&spec_path)
        .arg("-o")
        .arg(&dir)
        .args(["-n", "bench-progenitor", "-v", "0.1.0"])
        .output()
        .map_err(|e| format!("{}: {e}", program.display()))?;
    if !output.status.success() {
        println!(
            "*Progenitor skipped: it refused the spec:* `{}`\n",
            String::from_utf8_lossy(&output.stderr)
                .lines()
                .rfind(|l| !l.trim().is_empty())
                .unwrap_or("no message")
        );
        return Ok(None);
    }
    let lines = std::fs::read_to_string(dir.join("src/lib.rs")).map_or(0, |t| t.lines().count());
    // Its own dependencies (progenitor-client, its reqwest): its own lock file and target
    // directory, and no `-D warnings` (its output is not ours to fix).
    Ok(Some((
        Measured {
            dir,
            target: root.join("target/bench/progenitor"),
            features: Vec::new(),
            deny_warnings: false,
        },
        lines,
    )))
}

fn client(rounds: usize, bin: &Path) -> Result<(), String> {
    let f = figures(bin, &[&rounds.to_string()])?;
    println!("## Client overhead (medians of {rounds} rounds of alternating single calls)\n");
    println!("| measure | generated | hand-written (baseline) | ratio | target |");
    println!("|---|---|---|---|---|");
    println!(
        "| `get_meeting_participant` on loopback, per call; baseline with the same 60 s timeout | {:.1} µs | {:.1} µs | {:.3} | ≤ 1.05 |",
        get(&f, "call_generated_us"),
        get(&f, "call_hand_us"),
        get(&f, "call_ratio"),
    );
    println!(
        "| the same; baseline without a timeout | {:.1} µs | {:.1} µs | {:.3} | |",
        get(&f, "call_generated_us"),
        get(&f, "call_plain_us"),
        get(&f, "call_plain_ratio"),
    );
    println!(
        "| decoding the participant response (`serde_json::from_slice`) | {:.0} ns | {:.0} ns | {:.3} | ≤ 1.10 |",
        get(&f, "decode_generated_ns"),
        get(&f, "decode_hand_ns"),
        get(&f, "decode_ratio"),
    );
    println!(
        "| decoding with field paths for errors (the client now does this only after a failed decode) | {:.0} ns | {:.0} ns | {:.3} | |",
        get(&f, "decode_client_ns"),
        get(&f, "decode_hand_ns"),
        get(&f, "decode_client_ratio"),
    );
    println!();
    Ok(())
}

/// The targets for the streams: the SSE decoding's CPU time against reqwest +
/// `eventsource-stream`, the download's throughput against `bytes_stream()`, and the peak RSS
/// of the processes that download and upload 1 GiB.
const SSE_CPU_TARGET: f64 = 1.05;
const DOWNLOAD_THROUGHPUT_TARGET: f64 = 0.95;
const PEAK_RSS_TARGET_MIB: f64 = 64.0;

/// The figures of each process of one side of a transfer.
type Runs = Vec<Vec<(String, f64)>>;

/// Runs `streams <case> generated` and `streams <case> reqwest` (followed by `extra`), one
/// process each, `rounds` times (which goes first alternates): the figures of each side's runs.
fn transfer_rounds(
    bin: &Path,
    case: &str,
    extra: &[&str],
    rounds: usize,
) -> Result<[Runs; 2], String> {
    let mut runs: [Runs; 2] = Default::default();
    for round in 0..rounds.max(1) {
        for k in 0..2 {
            let which = (round + k) % 2;
            let side = ["generated", "reqwest"][which];
            let f = figures(bin, &[&[case, side][..], extra].concat())?;
            eprintln!(
                "  {case} round {round}, {side}: {:.0} MB/s, {:.0} ms CPU, peak RSS {:.1} MiB",
                get(&f, "mb_per_s"),
                get(&f, "cpu_ms"),
                get(&f, "peak_rss_mib"),
            );
            runs[which].push(f);
        }
    }
    Ok(runs)
}

/// The median of `key` over runs.
fn median_of(runs: &Runs, key: &str) -> f64 {
    median(runs.iter().map(|f| get(f, key)).collect())
}

/// The highest `key` over runs.
fn max_of(runs: &Runs, key: &str) -> f64 {
    runs.iter()
        .map(|f| get(f, key))
        .fold(f64::NEG_INFINITY, f64::max)
}

/// The median over rounds of generated ÷ baseline for `key` (the runs of a round are paired).
fn paired(runs: &[Runs; 2], key: &str) -> f64 {
    median(
        runs[0]
            .iter()
            .zip(&runs[1])
            .map(|(g, b)| get(g, key) / get(b, key))
            .collect(),
    )
}

fn verdict(met: bool) -> &'static str {
    if met { "yes" } else { "**no**" }
}

/// The 1 GiB file the upload rounds send: sparse (no disk blocks, read as zeros), in the
/// temporary directory, removed when dropped.
struct UploadFile(PathBuf);

impl UploadFile {
    /// Makes the file and reads it once, so that every round reads it from the page cache
    /// (the first read of a sparse file fills the cache with zeroed pages, which would burden
    /// whichever side comes first).
    fn make() -> Result<UploadFile, String> {
        let path = std::env::temp_dir().join(format!(
            "realtime-kit-bench-upload-{}.bin",
            std::process::id()
        ));
        let failed = |e: std::io::Error| format!("{}: {e}", path.display());
        let file = std::fs::File::create(&path).map_err(failed)?;
        let made = UploadFile(path.clone());
        file.set_len(1 << 30).map_err(failed)?;
        drop(file);
        let mut reader = std::fs::File::open(&path).map_err(failed)?;
        std::io::copy(&mut reader, &mut std::io::sink()).map_err(failed)?;
        Ok(made)
    }
}

impl Drop for UploadFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn streams(rounds: &StreamRounds, bin: &Path) -> Result<(), String> {
    eprintln!(
        "streams: SSE decoding ({} rounds), 1 GiB downloads ({} rounds), 1 GiB uploads ({} rounds)…",
        rounds.sse, rounds.download, rounds.upload
    );
    let sse = figures(bin, &["sse", &rounds.sse.to_string()])?;
    let download = transfer_rounds(bin, "download", &[], rounds.download)?;
    let file = UploadFile::make()?;
    let path = file.0.display().to_string();
    let upload = transfer_rounds(bin, "upload", &["--file", &path], rounds.upload)?;
    drop(file);
    println!(
        "## Streams (the generated client's runtime through `Client::request` against hand-written reqwest, loopback server in another process)\n"
    );
    println!(
        "SSE: {:.0} events ({:.1} MB, {:.0} chunks), decoded into the same serde struct, {} alternating rounds in one process, medians of the CPU time (user + system, `getrusage`). Transfers: 1 GiB each way (the upload: a sparse temporary file, read once beforehand so that every round reads it from the page cache), one process per transfer, {} download and {} upload rounds alternating the two sides; throughput is 1 GiB over the wall time, peak RSS is the process's `VmHWM` (the highest of the rounds).\n",
        get(&sse, "events"),
        get(&sse, "bytes") / 1e6,
        get(&sse, "chunks"),
        get(&sse, "rounds"),
        rounds.download,
        rounds.upload,
    );
    println!("| measure | generated client | baseline | ratio | target | met |");
    println!("|---|---|---|---|---|---|");
    let mut met = Vec::new();
    let sse_ratio = get(&sse, "ratio");
    met.push(sse_ratio <= SSE_CPU_TARGET);
    println!(
        "| SSE decoding, CPU time (baseline: reqwest + `eventsource-stream`) | {:.0} ms | {:.0} ms | **{sse_ratio:.3}** (rounds: median {:.3}, {:.3}–{:.3}) | ≤ {SSE_CPU_TARGET:.2} | {} |",
        get(&sse, "generated_cpu_ms"),
        get(&sse, "baseline_cpu_ms"),
        get(&sse, "paired_ratio"),
        get(&sse, "paired_low"),
        get(&sse, "paired_high"),
        verdict(sse_ratio <= SSE_CPU_TARGET),
    );
    println!(
        "| SSE decoding, wall time | {:.0} ms | {:.0} ms | {:.3} | | |",
        get(&sse, "generated_wall_ms"),
        get(&sse, "baseline_wall_ms"),
        get(&sse, "generated_wall_ms") / get(&sse, "baseline_wall_ms"),
    );
    let throughput = |runs: &[Runs; 2]| {
        let (g, b) = (
            median_of(&runs[0], "mb_per_s"),
            median_of(&runs[1], "mb_per_s"),
        );
        (g, b, g / b, paired(runs, "mb_per_s"))
    };
    let (g, b, ratio, pair) = throughput(&download);
    met.push(ratio >= DOWNLOAD_THROUGHPUT_TARGET);
    println!(
        "| 1 GiB download, throughput (baseline: reqwest `bytes_stream()`) | {g:.0} MB/s | {b:.0} MB/s | **{ratio:.3}** (rounds: median {pair:.3}) | ≥ {DOWNLOAD_THROUGHPUT_TARGET:.2} | {} |",
        verdict(ratio >= DOWNLOAD_THROUGHPUT_TARGET),
    );
    for (name, runs) in [("download", &download), ("upload", &upload)] {
        let (g, b) = (
            max_of(&runs[0], "peak_rss_mib"),
            max_of(&runs[1], "peak_rss_mib"),
        );
        met.push(g <= PEAK_RSS_TARGET_MIB);
        println!(
            "| 1 GiB {name}, peak RSS of the process | **{g:.1} MiB** | {b:.1} MiB | {:.2} | ≤ {PEAK_RSS_TARGET_MIB:.0} MiB | {} |",
            g / b,
            verdict(g <= PEAK_RSS_TARGET_MIB),
        );
    }
    let (g, b, ratio, pair) = throughput(&upload);
    println!(
        "| 1 GiB upload, throughput (baseline: reqwest, a `ReaderStream` of the file, 64 KiB reads) | {g:.0} MB/s | {b:.0} MB/s | {ratio:.3} (rounds: median {pair:.3}) | | |"
    );
    for (name, runs) in [("download", &download), ("upload", &upload)] {
        let (g, b) = (median_of(&runs[0], "cpu_ms"), median_of(&runs[1], "cpu_ms"));
        println!(
            "| 1 GiB {name}, CPU time of the process | {g:.0} ms | {b:.0} ms | {:.3} (rounds: median {:.3}) | | |",
            g / b,
            paired(runs, "cpu_ms"),
        );
    }
    println!();
    let count = met.iter().filter(|met| **met).count();
    println!("Streams targets met: {count} of {}.\n", met.len());
    Ok(())
}

pub fn run(args: &BenchArgs) -> Result<(), String> {
    let root = workspace_root();
    let work = root.join("target/bench/work");
    std::fs::create_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;
    eprintln!("building the bench programs (cargo build --release -p bench)…");
    run_status(
        Command::new(cargo())
            .args(["build", "--release", "--quiet", "-p", "bench", "--bins"])
            .current_dir(&root),
        "cargo build --release -p bench",
    )?;
    let bin_dir = target_dir(&root).join("release");
    let exe = |name: &str| bin_dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    println!("# cargo xtask bench\n");
    println!("{}\n", machine());
    if !args.sizes.is_empty() {
        generation(args, &exe("generate"), &exe("generate-system"), &work)?;
    }
    if args.client {
        client(args.rounds, &exe("client"))?;
    }
    if let Some(rounds) = &args.streams {
        streams(rounds, &exe("streams"))?;
    }
    if let Some(operations) = args.compile {
        compile(operations, &root)?;
    }
    Ok(())
}

fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from)
}

/// CPU model, cores, memory and rustc version, for the record.
fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|l| l.trim_start_matches([' ', '\t', ':']).to_string())
        .unwrap_or_else(|| "unknown CPU".to_string());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            let line = m.lines().find(|l| l.starts_with("MemTotal:"))?.to_string();
            let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
            Some(format!("{:.0} GB RAM", kb / 1_048_576.0))
        })
        .unwrap_or_else(|| "unknown RAM".to_string());
    let rustc = Command::new("rustc")
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    format!("Machine: {cpu}, {cores} cores, {memory}; {rustc}.")
}
