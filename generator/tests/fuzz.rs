//! Bounded structure-aware fuzzing of the whole generator, on the stable toolchain, as part of
//! `cargo test` (and so CI). Each input is a mutated real spec (see `fuzzing/mod.rs`) and must
//! end in output or in located errors, never in a panic (caught per input), a hang (each input
//! runs on its own thread under a time limit), a stack overflow (an overflow aborts this test
//! binary; `generate` runs on a thread of its own with a fixed stack, and every recursion in it
//! is bounded by a documented depth) or unbounded memory (a counting allocator measures each
//! input's peak and refuses to go past a hard cap).
//!
//! `FUZZ_INPUTS=N` sets how many inputs (default 250, about 40 s in a debug build on a 2-core
//! machine), `FUZZ_SEED=S` the seed (default fixed, so CI is reproducible; a failure names the
//! seed and the input's index), `FUZZ_ONLY=I` runs input I alone, `FUZZ_VERBOSE=1` prints each
//! input's index before running it (to find the one that aborts the process) and
//! `FUZZ_SAVE=DIR` writes every failing input there; `FUZZ_STRICT=1` also fails an input on
//! two known problems (see `fuzzing::check`: a `$ref` into a schema that OpenAPI 3.1 lowering
//! moved, said to point at nothing; a diagnostic at a merged `allOf` property's made-up
//! `(merged)` pointer). `FUZZ_REPLAY=FILE` runs one input of the
//! cargo-fuzz `mutated` target (a file from `fuzz/artifacts/mutated/`) instead. For long runs with coverage guidance, see
//! `fuzz/` (cargo-fuzz, nightly).

// The library is published as `openapi-client-codegen`; these tests call it `generator`.
extern crate openapi_client_codegen as generator;

mod fuzzing;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use fuzzing::{
    Rng, Verdict, check, check_overlaid, check_split, mutate, mutate_split, overlay_for, seeds,
};

/// Counts live heap bytes and their peak, and refuses allocations past [`HARD_CAP`] so that a
/// runaway input fails this test instead of exhausting the machine.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
const HARD_CAP: usize = 2 << 30;

// SAFETY: every call is forwarded to the system allocator unchanged; the counters only observe.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        if live > HARD_CAP {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
            return std::ptr::null_mut();
        }
        PEAK.fetch_max(live, Ordering::Relaxed);
        // SAFETY: same layout as given to us.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: `ptr` was allocated by `System` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Stack of the thread each input runs on (Rust's default for spawned threads): `generate`
/// must not depend on its caller's stack.
const STACK: usize = 2 << 20;
/// An input taking longer than this (a debug build, on a busy 2-core machine) hangs.
const TIME_LIMIT: Duration = Duration::from_secs(60);
/// Peak memory an input may add, besides [`MEMORY_FACTOR`] times its size.
const MEMORY_BASE: usize = 256 << 20;
const MEMORY_FACTOR: usize = 200;

fn env<T: std::str::FromStr>(name: &str) -> Option<T> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

/// Runs `check` on a thread of its own with [`STACK`] and waits at most [`TIME_LIMIT`]: what
/// went wrong (a broken property, a panic, a hang), or `None` with its verdict counted in
/// `(generated, rejected)`.
fn run_one(
    thread: String,
    check: impl FnOnce() -> Result<Verdict, String> + Send + 'static,
    (generated, rejected): (&mut usize, &mut usize),
) -> Option<String> {
    let (sender, receiver) = mpsc::channel();
    std::thread::Builder::new()
        .name(thread)
        .stack_size(STACK)
        .spawn(move || {
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(check));
            let _ = sender.send(result);
        })
        .expect("spawn a thread");
    match receiver.recv_timeout(TIME_LIMIT) {
        Ok(Ok(Ok(Verdict::Generated))) => {
            *generated += 1;
            None
        }
        Ok(Ok(Ok(Verdict::Rejected))) => {
            *rejected += 1;
            None
        }
        Ok(Ok(Err(broken))) => Some(broken),
        Ok(Err(panic)) => Some(format!(
            "panicked: {}",
            panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or(panic.downcast_ref::<&str>().copied())
                .unwrap_or("(no message)")
        )),
        Err(_) => Some(format!("no answer within {TIME_LIMIT:?} (a hang?)")),
    }
}

#[test]
fn mutated_specs_end_in_output_or_located_errors() {
    let seeds = seeds();
    if let Some(file) = std::env::var_os("FUZZ_REPLAY") {
        let bytes = std::fs::read(&file).expect("FUZZ_REPLAY names a readable file");
        let input = fuzzing::input_from_bytes(&seeds, &bytes).expect("at least one byte");
        let started = Instant::now();
        let verdict = check(&input.text);
        eprintln!(
            "{} bytes, {:?}: {verdict:?} in {:.1?}",
            input.text.len(),
            input.mutations,
            started.elapsed()
        );
        verdict.unwrap();
        return;
    }
    assert!(seeds.len() >= 10, "seed specs missing: {}", seeds.len());
    let inputs: usize = env("FUZZ_INPUTS").unwrap_or(250);
    let seed: u64 = env("FUZZ_SEED").unwrap_or(0x2545_f491_4f6c_dd1d);
    let only: Option<usize> = env("FUZZ_ONLY");
    let verbose = std::env::var_os("FUZZ_VERBOSE").is_some();
    let save = std::env::var_os("FUZZ_SAVE").map(std::path::PathBuf::from);
    let started = Instant::now();
    let (mut generated, mut rejected, mut bytes, mut slowest, mut peak_max) =
        (0, 0, 0, Duration::ZERO, 0);
    let (mut in_3_1, mut in_3_2) = (0, 0);
    let mut failures = Vec::new();
    for index in 0..inputs {
        if only.is_some_and(|only| only != index) {
            continue;
        }
        // Every input has its own generator, so that one replays without the others.
        let mut rng = Rng::new(seed ^ (index as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let (name, spec) = rng.pick(&seeds);
        let input = mutate(spec, &mut rng);
        bytes += input.text.len();
        in_3_1 += usize::from(input.is_3_1);
        in_3_2 += usize::from(input.is_3_2);
        if verbose {
            // Straight to stderr, past the test harness's capture: the last line names the
            // input if this one aborts the process.
            use std::io::Write as _;
            let _ = writeln!(
                std::io::stderr(),
                "input {index}: {name}, {:?}",
                input.mutations
            );
        }
        let text = input.text.clone();
        let baseline = LIVE.load(Ordering::Relaxed);
        PEAK.store(baseline, Ordering::Relaxed);
        let begun = Instant::now();
        let problem = run_one(
            format!("fuzz input {index}"),
            move || check(&text),
            (&mut generated, &mut rejected),
        );
        let elapsed = begun.elapsed();
        slowest = slowest.max(elapsed);
        let peak = PEAK.load(Ordering::Relaxed).saturating_sub(baseline);
        peak_max = peak_max.max(peak);
        let memory_bound = MEMORY_BASE + MEMORY_FACTOR * input.text.len();
        let problem = problem.or_else(|| {
            (peak > memory_bound).then(|| {
                format!(
                    "peak memory {} MiB for {} bytes of input (bound {} MiB)",
                    peak >> 20,
                    input.text.len(),
                    memory_bound >> 20
                )
            })
        });
        if let Some(problem) = problem {
            if let Some(dir) = &save {
                let _ = std::fs::create_dir_all(dir);
                let _ = std::fs::write(dir.join(format!("{seed:x}-{index}.yaml")), &input.text);
            }
            failures.push(format!(
                "input {index} (FUZZ_SEED={seed} FUZZ_ONLY={index}; from {name}, {:?}): {problem}",
                input.mutations
            ));
            if elapsed >= TIME_LIMIT {
                // The hung thread keeps running; stop here rather than pile up more.
                break;
            }
        }
    }
    eprintln!(
        "fuzz: {} inputs ({generated} generated, {rejected} rejected with located errors; \
         {in_3_1} in OpenAPI 3.1, {in_3_2} in 3.2), {} MiB of spec text, in {:.1?}; slowest input {slowest:.1?}, \
         largest peak memory {} MiB",
        generated + rejected + failures.len(),
        bytes >> 20,
        started.elapsed(),
        peak_max >> 20,
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    if only.is_none() {
        assert!(
            generated > inputs / 10,
            "most mutations should leave a generable spec"
        );
        assert!(rejected > 0, "some mutations should be rejected");
    }
}

/// Overlays: a real spec (sometimes mutated) with an overlay made for it ([`overlay_for`]) ends
/// in output or in errors located in the overlay or the overlaid description, never in a panic,
/// a hang or a stack overflow. `FUZZ_OVERLAY_INPUTS=N` sets how many (default 80); `FUZZ_SEED`,
/// `FUZZ_ONLY` and `FUZZ_VERBOSE` as above.
#[test]
fn overlaid_specs_end_in_output_or_located_errors() {
    let seeds = seeds();
    let inputs: usize = env("FUZZ_OVERLAY_INPUTS").unwrap_or(80);
    let seed: u64 = env("FUZZ_SEED").unwrap_or(0x2545_f491_4f6c_dd1d);
    let only: Option<usize> = env("FUZZ_ONLY");
    let verbose = std::env::var_os("FUZZ_VERBOSE").is_some();
    let started = Instant::now();
    let (mut generated, mut rejected, mut failures) = (0, 0, Vec::new());
    for index in 0..inputs {
        if only.is_some_and(|only| only != index) {
            continue;
        }
        let mut rng = Rng::new(!seed ^ (index as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let (name, spec) = rng.pick(&seeds);
        let (overlay, made) = overlay_for(spec, &mut rng);
        let text = if rng.chance(30) {
            mutate(spec, &mut rng).text
        } else {
            serde_norway::to_string(spec).unwrap_or_default()
        };
        if verbose {
            use std::io::Write as _;
            let _ = writeln!(std::io::stderr(), "overlay input {index}: {name}, {made:?}");
        }
        let problem = run_one(
            format!("fuzz overlay input {index}"),
            move || check_overlaid(&text, &overlay),
            (&mut generated, &mut rejected),
        );
        if let Some(problem) = problem {
            let hung = problem.starts_with("no answer");
            failures.push(format!(
                "overlay input {index} (FUZZ_SEED={seed} FUZZ_ONLY={index}; {name}, {made:?}): \
                 {problem}"
            ));
            if hung {
                break;
            }
        }
    }
    eprintln!(
        "fuzz overlays: {} inputs ({generated} generated, {rejected} rejected with located \
         errors) in {:.1?}",
        generated + rejected + failures.len(),
        started.elapsed()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    if only.is_none() {
        assert!(generated > 0, "some overlays should apply");
        assert!(rejected > 0, "some overlays should be refused");
    }
}

#[test]
fn split_specs_end_in_output_or_errors_naming_the_file() {
    let seeds = seeds();
    let inputs: usize = env("FUZZ_SPLIT_INPUTS").unwrap_or(60);
    let seed: u64 = env("FUZZ_SEED").unwrap_or(0x2545_f491_4f6c_dd1d);
    let only: Option<usize> = env("FUZZ_ONLY");
    let verbose = std::env::var_os("FUZZ_VERBOSE").is_some();
    let started = Instant::now();
    let (mut generated, mut rejected, mut files) = (0, 0, 0);
    let mut kinds = std::collections::BTreeMap::<String, usize>::new();
    let mut failures = Vec::new();
    for index in 0..inputs {
        if only.is_some_and(|only| only != index) {
            continue;
        }
        let mut rng = Rng::new(!seed ^ (index as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let (name, spec) = rng.pick(&seeds);
        let input = mutate_split(spec, &mut rng);
        files += input.files.len();
        if let Some(kind) = input
            .mutations
            .iter()
            .rev()
            .find(|m| !m.starts_with("written at"))
        {
            *kinds.entry(kind.clone()).or_default() += 1;
        }
        if verbose {
            use std::io::Write as _;
            let _ = writeln!(
                std::io::stderr(),
                "split input {index}: {name}, {:?}",
                input.mutations
            );
        }
        let mutations = input.mutations.clone();
        let problem = run_one(
            format!("fuzz split input {index}"),
            move || check_split(&input),
            (&mut generated, &mut rejected),
        );
        if let Some(problem) = problem {
            let hung = problem.starts_with("no answer");
            failures.push(format!(
                "split input {index} (FUZZ_SEED={seed} FUZZ_ONLY={index}; from {name}, \
                 {mutations:?}): {problem}"
            ));
            if hung {
                break;
            }
        }
    }
    eprintln!(
        "fuzz (split): {} inputs of {files} files ({generated} generated, {rejected} rejected \
         with located errors naming the file), in {:.1?}; {kinds:?}",
        generated + rejected + failures.len(),
        started.elapsed(),
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    if only.is_none() {
        assert!(generated > 0, "some split inputs should generate");
        assert!(rejected > 0, "some split inputs should be rejected");
    }
}
