//! Generates a crate from a spec end to end (load, model, emit, format, write), `runs` times,
//! and prints one line of `key=value` figures for `cargo xtask bench`:
//!
//! - `parse_ms`: the baseline, merely parsing the spec text into a `serde_json::Value`
//!   (measured alternately with generation, fastest of `runs`);
//! - `total_ms`, `load_ms`, `model_ms`, `emit_ms`, `format_ms`, `write_ms`: the fastest run;
//! - `peak_mb`: peak live heap during one run (spec text included), from a counting allocator;
//! - `hwm_mb`: the process's peak resident set (`VmHWM`) after the first run;
//! - `lines`, `files`: size of the output.
//!
//! Usage: `generate <spec.json> <output dir> <runs>` (`generate-system`: the same with the
//! system allocator).
//!
//! The two programs differ only in their global allocator: `generate` has `cargo xtask`'s
//! (mimalloc), `generate-system` the system's, which a program calling the generator library
//! keeps unless it chooses another.

use std::alloc::{GlobalAlloc, Layout};
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicIsize, Ordering};
use std::time::{Duration, Instant};

/// The allocator `A`, counting live bytes and their peak while `COUNTING` is on (only for the
/// first run: the counting would slow down the timed ones).
pub struct Counting<A>(pub A);

static COUNTING: AtomicBool = AtomicBool::new(false);
/// Signed: bytes allocated before counting began may be freed while it is on.
static LIVE: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);

fn grew(size: usize) {
    if COUNTING.load(Ordering::Relaxed) {
        let size = size as isize;
        let live = LIVE.fetch_add(size, Ordering::Relaxed) + size;
        PEAK.fetch_max(live, Ordering::Relaxed);
    }
}

fn shrank(size: usize) {
    if COUNTING.load(Ordering::Relaxed) {
        LIVE.fetch_sub(size as isize, Ordering::Relaxed);
    }
}

// SAFETY: every call is forwarded to `A` unchanged; only counters are updated besides.
unsafe impl<A: GlobalAlloc> GlobalAlloc for Counting<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract is `A`'s.
        let ptr = unsafe { self.0.alloc(layout) };
        if !ptr.is_null() {
            grew(layout.size());
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as above.
        let ptr = unsafe { self.0.alloc_zeroed(layout) };
        if !ptr.is_null() {
            grew(layout.size());
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { self.0.dealloc(ptr, layout) };
        shrank(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as above.
        let new = unsafe { self.0.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            shrank(layout.size());
            grew(new_size);
        }
        new
    }
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}

fn write(dir: &Path, files: &std::collections::BTreeMap<String, String>) -> Result<(), String> {
    let _ = std::fs::remove_dir_all(dir);
    for (rel, content) in files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        std::fs::write(&path, content).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(())
}

/// The process's peak resident set in MB, from `/proc/self/status` (Linux).
fn vm_hwm_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

struct Run {
    total: Duration,
    timings: generator::Timings,
    write: Duration,
    lines: usize,
    files: usize,
}

fn generate_once(spec_path: &Path, out: &Path) -> Result<Run, String> {
    let options = generator::Options {
        crate_name: "synthetic".to_string(),
        spec_label: spec_path.display().to_string(),
        regenerate_command: "cargo xtask bench".to_string(),
        env_prefix: None,
        strict: false,
        skip_invalid: false,
        extra_dev_dependencies: Vec::new(),
    };
    let start = Instant::now();
    let text =
        std::fs::read_to_string(spec_path).map_err(|e| format!("{}: {e}", spec_path.display()))?;
    let (output, timings) =
        generator::generate_with_timings(&text, &options).map_err(|e| e.to_string())?;
    let write_start = Instant::now();
    write(out, &output.files)?;
    let write = write_start.elapsed();
    let total = start.elapsed();
    Ok(Run {
        total,
        timings,
        write,
        lines: output.files.values().map(|f| f.lines().count()).sum(),
        files: output.files.len(),
    })
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [spec, out, runs] = args.as_slice() else {
        return Err("usage: generate <spec.json> <output dir> <runs>".to_string());
    };
    let spec = Path::new(spec);
    let out = Path::new(out);
    let runs: usize = runs
        .parse()
        .map_err(|_| format!("runs: `{runs}` is not a number"))?;

    // First run alone: the peak live heap of one generation.
    COUNTING.store(true, Ordering::Relaxed);
    let mut best = generate_once(spec, out)?;
    COUNTING.store(false, Ordering::Relaxed);
    let peak = PEAK.load(Ordering::Relaxed).max(0) as usize;
    // The resident peak of one generation, as a `cargo xtask codegen` process has it: read now,
    // because the baseline below parses on this thread, into another malloc arena than the
    // generator's thread used, and would add its own tree on top of the memory that arena keeps.
    let hwm = vm_hwm_mb();

    let text = std::fs::read_to_string(spec).map_err(|e| format!("{}: {e}", spec.display()))?;
    let mut parse = Duration::MAX;
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        let value: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", spec.display()))?;
        std::hint::black_box(&value);
        drop(value);
        parse = parse.min(start.elapsed());
        let run = generate_once(spec, out)?;
        if run.total < best.total {
            best = run;
        }
    }
    let t = best.timings;
    println!(
        "parse_ms={:.3} total_ms={:.3} load_ms={:.3} model_ms={:.3} emit_ms={:.3} format_ms={:.3} write_ms={:.3} peak_mb={:.1} hwm_mb={:.1} lines={} files={}",
        ms(parse),
        ms(best.total),
        ms(t.load),
        ms(t.model),
        ms(t.emit),
        ms(t.format),
        ms(best.write),
        peak as f64 / 1_048_576.0,
        hwm.unwrap_or(f64::NAN),
        best.lines,
        best.files,
    );
    Ok(())
}

/// The program: runs the benchmark with the arguments of the process.
pub fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
