//! `cargo xtask bench`: how the generator and its output scale to a large spec.
//!
//! A spec of about `--operations` operations is synthesized by repeating every path of a real
//! spec (Cloudflare's Realtime Kit description from `../shared/corpus/` when present, else
//! `spec/realtime-kit.yaml`) under distinct prefixes, tags and operationIds. Each figure is
//! reported as a ratio against a baseline measured in the same run, so that the numbers mean
//! the same on a slow or a busy machine:
//!
//! - generation: `generator::generate` against merely parsing the same text (the floor any
//!   generator pays);
//! - compilation: `cargo check` of the large crate against the crate generated from the
//!   unrepeated spec (runtime, dependencies' metadata and one copy of every type).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use generator::Options;
use serde_json::Value;

use crate::codegen::workspace_root;

pub struct BenchArgs {
    pub operations: usize,
    pub compile: bool,
}

fn source_spec(root: &Path) -> Result<(PathBuf, Value), String> {
    let corpus = root.join("../shared/corpus/realtime-kit.yaml");
    let path = if corpus.exists() {
        corpus
    } else {
        root.join("spec/realtime-kit.yaml")
    };
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let value = serde_yaml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok((path, value))
}

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

fn count_operations(spec: &Value) -> usize {
    let paths = spec["paths"]
        .as_object()
        .map(|p| p.values().collect::<Vec<_>>())
        .unwrap_or_default();
    paths
        .iter()
        .map(|item| METHODS.iter().filter(|m| item.get(**m).is_some()).count())
        .sum()
}

/// The spec with its paths repeated `copies` times, each copy under `/copy{i}` with its own
/// operationIds and tags.
fn repeat(spec: &Value, copies: usize) -> Value {
    let mut out = spec.clone();
    let mut paths = serde_json::Map::new();
    let original = spec["paths"].as_object().cloned().unwrap_or_default();
    for copy in 0..copies {
        for (path, item) in &original {
            let mut item = item.clone();
            for method in METHODS {
                let Some(op) = item.get_mut(*method).and_then(Value::as_object_mut) else {
                    continue;
                };
                if let Some(Value::String(id)) = op.get_mut("operationId") {
                    id.push_str(&format!("_copy{copy}"));
                }
                if let Some(Value::Array(tags)) = op.get_mut("tags") {
                    for tag in tags.iter_mut() {
                        if let Value::String(tag) = tag {
                            tag.push_str(&format!(" {}", copy % 8));
                        }
                    }
                }
            }
            paths.insert(format!("/copy{copy}{path}"), item);
        }
    }
    out["paths"] = Value::Object(paths);
    out
}

/// The fastest of `runs` timings: the least disturbed by whatever else the machine does.
fn fastest<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    (0..runs)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(f());
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn options(name: &str) -> Options {
    Options {
        crate_name: name.to_string(),
        spec_label: format!("{name}.json"),
        regenerate_command: "cargo xtask bench".to_string(),
        env_prefix: None,
        strict: false,
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

fn cargo_check(dir: &Path, target: &Path) -> Result<Duration, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let start = Instant::now();
    let status = Command::new(cargo)
        .args(["check", "--quiet"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env("RUSTFLAGS", "-D warnings")
        .status()
        .map_err(|e| format!("cargo: {e}"))?;
    if !status.success() {
        return Err(format!("cargo check failed in {}", dir.display()));
    }
    Ok(start.elapsed())
}

pub fn run(args: &BenchArgs) -> Result<(), String> {
    let root = workspace_root();
    let (source, spec) = source_spec(&root)?;
    let per_copy = count_operations(&spec).max(1);
    let copies = args.operations.div_ceil(per_copy).max(1);
    let large = repeat(&spec, copies);
    let small_text = serde_json::to_string(&spec).map_err(|e| e.to_string())?;
    let large_text = serde_json::to_string(&large).map_err(|e| e.to_string())?;
    let operations = count_operations(&large);
    println!(
        "source: {} ({per_copy} operations), repeated {copies}×: {operations} operations, {} KiB of JSON",
        source.display(),
        large_text.len() / 1024
    );

    let parse = fastest(3, || generator::load::load(&large_text).map(|_| ()));
    let mut output = None;
    let generate = fastest(3, || {
        output = Some(generator::generate(&large_text, &options("bench-large")))
    });
    let large_output = output
        .take()
        .ok_or("no output")?
        .map_err(|e| e.to_string())?;
    let lines: usize = large_output.files.values().map(|f| f.lines().count()).sum();
    println!();
    println!("| measure | time | baseline (same run) | ratio |");
    println!("|---|---|---|---|");
    println!(
        "| generate {operations} operations ({lines} lines of Rust) | {:.0} ms | parse only: {:.0} ms | {:.1}× |",
        generate.as_secs_f64() * 1e3,
        parse.as_secs_f64() * 1e3,
        generate.as_secs_f64() / parse.as_secs_f64().max(1e-9),
    );
    if !args.compile {
        return Ok(());
    }
    let small_output =
        generator::generate(&small_text, &options("bench-small")).map_err(|e| e.to_string())?;
    // The crates live outside the workspace (Cargo would take them for members); their build
    // directory stays in the workspace's target, so that a second run reuses the dependencies.
    let dir = std::env::temp_dir().join("openapi-generator-bench");
    let target = root.join("target/bench");
    let lock = root.join("Cargo.lock");
    write_crate(&dir.join("small"), &small_output.files, &lock)?;
    write_crate(&dir.join("large"), &large_output.files, &lock)?;
    // Warm-up: builds the dependencies once, so that both measurements are of the crate alone.
    cargo_check(&dir.join("small"), &target)?;
    std::fs::write(
        dir.join("small/src/lib.rs"),
        &small_output.files["src/lib.rs"],
    )
    .map_err(|e| e.to_string())?;
    let small = cargo_check(&dir.join("small"), &target)?;
    let large_check = cargo_check(&dir.join("large"), &target)?;
    println!(
        "| `cargo check` of the {operations}-operation crate | {:.1} s | {per_copy}-operation crate: {:.1} s | {:.1}× for {copies}× the operations |",
        large_check.as_secs_f64(),
        small.as_secs_f64(),
        large_check.as_secs_f64() / small.as_secs_f64().max(1e-9),
    );
    Ok(())
}
