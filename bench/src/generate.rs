//! Generates a crate from a spec end to end (load, model, emit, format, write), `runs` times,
//! and prints one line of `key=value` figures for `cargo xtask bench`:
//!
//! - `parse_ms`: the baseline, merely parsing the spec text into a `serde_json::Value`
//!   (measured alternately with generation, fastest of `runs`);
//! - `total_ms`, `load_ms`, `model_ms`, `plan_ms`, `emit_ms`, `format_ms`, `write_ms`: the
//!   fastest run (`plan_ms` since the plan stage has a time of its own; a baseline generator
//!   built from an older commit by `cargo xtask bench --baseline` may not report it;
//!   `emit_ms` and `format_ms` are the times of the generator's two emitting threads added
//!   up, see `generator::Timings`);
//! - `peak_mb`: peak live heap during one run (spec text included), from a counting allocator;
//! - `hwm_mb`: the process's peak resident set (`VmHWM`) after the first run;
//! - `lines`, `files`: size of the output.
//!
//! Usage: `generate <spec.json> <output dir> <runs> [<spec 3.1.json> <output dir 3.1>
//! [<spec 3.2.json> <output dir 3.2>]]`
//! (`generate-system`: the same with the system allocator).
//!
//! With `<runs>` 0, the spec (YAML or JSON) is generated once and nothing else is done (no
//! parse baseline, no counted run): what `cargo xtask instructions` counts the instructions of,
//! under valgrind. The line then has the figures of that one run.
//!
//! Given the same API in OpenAPI 3.1 as well (`cargo xtask bench` passes
//! [`raise_to_3_1`](generator::lower::raise_to_3_1) of the spec), each round also generates
//! that, alternating which of the two goes first, and lowers its parsed tree alone
//! ([`generator::lower::lower`]); the same figures follow with a `v31_` prefix (fastest of
//! `runs`; no `hwm_mb`, which a process has only once), and:
//!
//! - `v31_lower_ms`: lowering alone, the parsed 3.1 tree → the 3.0 shape (fastest of `runs`);
//! - `v31_paired_ratio`: the median over the rounds of the 3.1 total ÷ the 3.0 total of the
//!   same round (a second estimate of the ratio, robust to the load changing between rounds);
//! - `v31_same_output`: 1 if both specs generate the same files and diagnostics, else 0.
//!
//! A 3.2 equivalent after it (`cargo xtask bench` passes
//! [`raise_to_3_2`](generator::lower::raise_to_3_2) of the 3.1 text, idiomatic) is generated
//! in the same rounds, with the same figures prefixed `v32_`.
//!
//! The two programs differ only in their global allocator: `generate` has `cargo xtask`'s
//! (mimalloc), `generate-system` the system's, which a program calling the generator library
//! keeps unless it chooses another.

use std::alloc::{GlobalAlloc, Layout};
use std::hash::{DefaultHasher, Hash, Hasher};
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
    /// A hash of the output (files and diagnostics), if asked for.
    digest: Option<u64>,
}

/// Generates `spec_path` into `out`. `label` is how the output names its spec (the same for a
/// spec and its 3.1 equivalent, so that their outputs can be compared).
fn generate_once(spec_path: &Path, label: &str, out: &Path, digest: bool) -> Result<Run, String> {
    let options = generator::Options {
        config: Default::default(),
        crate_name: "synthetic".to_string(),
        spec_label: label.to_string(),
        regenerate_command: "cargo xtask bench".to_string(),
        env_prefix: None,
        strict: false,
        skip_invalid: false,
        overlays: Vec::new(),
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
    let digest = digest.then(|| {
        let mut hasher = DefaultHasher::new();
        output.files.hash(&mut hasher);
        for d in &output.diagnostics {
            d.to_string().hash(&mut hasher);
        }
        hasher.finish()
    });
    Ok(Run {
        total,
        timings,
        write,
        lines: output.files.values().map(|f| f.lines().count()).sum(),
        files: output.files.len(),
        digest,
    })
}

/// The fastest run of a spec, and how long parsing its text alone took at best.
struct Best {
    run: Run,
    parse: Duration,
}

impl Best {
    fn keep(&mut self, run: Run) {
        if run.total < self.run.total {
            self.run = run;
        }
    }

    /// `key=value` figures, each key prefixed with `prefix`.
    fn figures(&self, prefix: &str) -> String {
        let t = self.run.timings;
        [
            ("parse_ms", ms(self.parse)),
            ("total_ms", ms(self.run.total)),
            ("load_ms", ms(t.load)),
            ("model_ms", ms(t.model)),
            ("plan_ms", ms(t.plan)),
            ("emit_ms", ms(t.emit)),
            ("format_ms", ms(t.format)),
            ("write_ms", ms(self.run.write)),
        ]
        .iter()
        .map(|(key, value)| format!("{prefix}{key}={value:.3}"))
        .collect::<Vec<_>>()
        .join(" ")
    }
}

/// Parses `text` as JSON (the baseline), returning how long it took.
fn parse(text: &str, spec: &Path) -> Result<Duration, String> {
    let start = Instant::now();
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("{}: {e}", spec.display()))?;
    std::hint::black_box(&value);
    drop(value);
    Ok(start.elapsed())
}

/// The peak live heap of one generation, counted from what is live when it starts.
fn counted(run: impl FnOnce() -> Result<Run, String>) -> Result<(Run, usize), String> {
    let live = LIVE.load(Ordering::Relaxed);
    PEAK.store(live, Ordering::Relaxed);
    COUNTING.store(true, Ordering::Relaxed);
    let run = run();
    COUNTING.store(false, Ordering::Relaxed);
    let peak = PEAK.load(Ordering::Relaxed) - live;
    Ok((run?, peak.max(0) as usize))
}

/// A 3.1 or 3.2 equivalent of the spec and its figures so far.
struct Equivalent<'a> {
    spec: &'a Path,
    out: &'a Path,
    text: String,
    best: Best,
    /// Peak live heap of its first run.
    peak: usize,
    /// Whether its first run gave the same output as the spec's.
    same: bool,
    /// Lowering its parsed tree alone, fastest.
    lower: Duration,
    /// Per round: its total ÷ the spec's total.
    ratios: Vec<f64>,
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (spec, out, runs, equivalents) = match args.as_slice() {
        [spec, out, runs, rest @ ..] if rest.len() % 2 == 0 && rest.len() <= 4 => {
            (spec, out, runs, rest.chunks(2).collect::<Vec<_>>())
        }
        _ => {
            return Err("usage: generate <spec.json> <output dir> <runs> \
                 [<spec 3.1.json> <output dir 3.1> [<spec 3.2.json> <output dir 3.2>]]"
                .to_string());
        }
    };
    let spec = Path::new(spec);
    let out = Path::new(out);
    let label = spec.display().to_string();
    let runs: usize = runs
        .parse()
        .map_err(|_| format!("runs: `{runs}` is not a number"))?;
    if runs == 0 {
        // One generation and nothing else, for counting its instructions.
        let run = generate_once(spec, &label, out, false)?;
        let best = Best {
            run,
            parse: Duration::ZERO,
        };
        println!(
            "{} lines={} files={}",
            best.figures(""),
            best.run.lines,
            best.run.files
        );
        return Ok(());
    }

    // First run alone: the peak live heap of one generation.
    let (first, peak) = counted(|| generate_once(spec, &label, out, !equivalents.is_empty()))?;
    // The resident peak of one generation, as a `cargo xtask codegen` process has it: read now,
    // because the baseline below parses on this thread, into another malloc arena than the
    // generator's thread used, and would add its own tree on top of the memory that arena keeps.
    let hwm = vm_hwm_mb();
    let digest = first.digest;
    let mut best = Best {
        run: first,
        parse: Duration::MAX,
    };
    let text = std::fs::read_to_string(spec).map_err(|e| format!("{}: {e}", spec.display()))?;

    // The 3.1 (and 3.2) equivalents, the first run of each alone likewise (after the resident
    // peak was read).
    let mut equivalents = equivalents
        .into_iter()
        .map(|pair| {
            let (spec_eq, out_eq) = (Path::new(&pair[0]), Path::new(&pair[1]));
            let (first, peak) = counted(|| generate_once(spec_eq, &label, out_eq, true))?;
            Ok(Equivalent {
                spec: spec_eq,
                out: out_eq,
                text: std::fs::read_to_string(spec_eq)
                    .map_err(|e| format!("{}: {e}", spec_eq.display()))?,
                same: first.digest == digest,
                best: Best {
                    run: first,
                    parse: Duration::MAX,
                },
                peak,
                lower: Duration::MAX,
                ratios: Vec::new(),
            })
        })
        .collect::<Result<Vec<_>, String>>()?;

    for round in 0..runs.max(1) {
        // With an equivalent, which of the two goes first (to be parsed, then to be generated)
        // alternates, so that neither always has the warmer (or busier) turn.
        let equivalent_first = round % 2 == 1;
        if equivalent_first {
            for e in &mut equivalents {
                e.best.parse = e.best.parse.min(parse(&e.text, e.spec)?);
            }
        }
        best.parse = best.parse.min(parse(&text, spec)?);
        if !equivalent_first {
            for e in &mut equivalents {
                e.best.parse = e.best.parse.min(parse(&e.text, e.spec)?);
            }
        }
        let mut early = Vec::new();
        if equivalent_first {
            for e in &equivalents {
                early.push(generate_once(e.spec, &label, e.out, false)?);
            }
        }
        let run = generate_once(spec, &label, out, false)?;
        let total = run.total;
        best.keep(run);
        let mut early = early.into_iter();
        for e in &mut equivalents {
            let run_eq = match early.next() {
                Some(run_eq) => run_eq,
                None => generate_once(e.spec, &label, e.out, false)?,
            };
            e.ratios
                .push(run_eq.total.as_secs_f64() / total.as_secs_f64());
            e.best.keep(run_eq);
            let tree: serde_json::Value = serde_json::from_str(&e.text)
                .map_err(|error| format!("{}: {error}", e.spec.display()))?;
            let start = Instant::now();
            let lowered = generator::lower::lower(tree);
            e.lower = e.lower.min(start.elapsed());
            std::hint::black_box(&lowered.raw);
        }
    }
    let mut line = format!(
        "{} peak_mb={:.1} hwm_mb={:.1} lines={} files={}",
        best.figures(""),
        peak as f64 / 1_048_576.0,
        hwm.unwrap_or(f64::NAN),
        best.run.lines,
        best.run.files,
    );
    for (e, prefix) in equivalents.iter_mut().zip(["v31_", "v32_"]) {
        e.ratios.sort_by(f64::total_cmp);
        let median = match e.ratios.len() {
            0 => f64::NAN,
            n if n % 2 == 1 => e.ratios[n / 2],
            n => (e.ratios[n / 2 - 1] + e.ratios[n / 2]) / 2.0,
        };
        line.push_str(&format!(
            " {} {prefix}lower_ms={:.3} {prefix}paired_ratio={median:.4} {prefix}peak_mb={:.1} {prefix}lines={} {prefix}same_output={}",
            e.best.figures(prefix),
            ms(e.lower),
            e.peak as f64 / 1_048_576.0,
            e.best.run.lines,
            u8::from(e.same),
        ));
    }
    println!("{line}");
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
