//! Generates a description kept in many files and its bundle (the same description in one
//! file) alternately, `runs` rounds, and prints one line of `key=value` figures for
//! `cargo xtask bench`:
//!
//! - `split_ms`: the fastest generation of the split description, reading its root and every
//!   file it references from disk (`generator::generate_files` with a `Directory`);
//! - `bundled_ms`: the fastest generation of the bundle, reading its text from disk
//!   (`generator::generate`);
//! - `ratio`: `split_ms ÷ bundled_ms`; `paired_ratio`: the median over the rounds of the split
//!   time ÷ the bundle's of the same round (robust to the load changing between rounds);
//! - `same_output`: 1 if both give the same files and the same diagnostics but for where they
//!   point, else 0; `files`: the files of the split description, its root included.
//!
//! Nothing is written: what is compared is reading and generating.
//!
//! Usage: `split <folder> <root file> <bundle file> <runs>`; with `<runs>` 0 and a fifth
//! argument, `split` or `bundled`, that side is generated once and nothing else is done (what
//! `valgrind --tool=cachegrind` counts the instructions of, which the machine's load does not
//! move as it moves times), printing `ms=`.

use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use generator::files::Directory;
use generator::{Options, Output};

fn options() -> Options {
    Options::new("split-bench")
        .spec_label("openapi.yaml")
        .regenerate_command("cargo xtask bench")
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// One generation of the split description: its root read from disk, every other file read by
/// the generator through the folder's [`Directory`].
fn split(folder: &Path, root: &str) -> Result<(Output, Duration), String> {
    let start = Instant::now();
    let text = read(&folder.join(root))?;
    let output = generator::generate_files(root, &text, &Directory::new(folder), &options())
        .map_err(|e| format!("{root}: {e}"))?;
    Ok((output, start.elapsed()))
}

fn bundled(bundle: &Path) -> Result<(Output, Duration), String> {
    let start = Instant::now();
    let text = read(bundle)?;
    let output = generator::generate(&text, &options()).map_err(|e| e.to_string())?;
    Ok((output, start.elapsed()))
}

/// Files in `dir` and below.
fn count_files(dir: &Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |entries| {
        entries
            .flatten()
            .map(|e| {
                let path = e.path();
                if path.is_dir() { count_files(&path) } else { 1 }
            })
            .sum()
    })
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (folder, root, bundle, runs, once) = match args.as_slice() {
        [folder, root, bundle, runs] => (folder, root, bundle, runs, None),
        [folder, root, bundle, runs, side] if runs == "0" => {
            (folder, root, bundle, runs, Some(side.as_str()))
        }
        _ => {
            return Err("usage: split <folder> <root file> <bundle file> <runs> \
                 [split|bundled, with runs 0]"
                .to_string());
        }
    };
    let (folder, bundle) = (Path::new(folder), Path::new(bundle));
    let runs: usize = runs
        .parse()
        .map_err(|_| format!("runs: `{runs}` is not a number"))?;
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    match once {
        Some("split") => {
            println!("ms={:.3}", ms(split(folder, root)?.1));
            return Ok(());
        }
        Some("bundled") => {
            println!("ms={:.3}", ms(bundled(bundle)?.1));
            return Ok(());
        }
        Some(other) => return Err(format!("`{other}`: `split` or `bundled`")),
        None => {}
    }
    // The first run of each, untimed: the outputs compared, and the files in the page cache.
    let (split_output, _) = split(folder, root)?;
    let (bundle_output, _) = bundled(bundle)?;
    let unlocated = |output: &Output| -> Vec<(String, String)> {
        output
            .diagnostics
            .iter()
            .map(|d| (format!("{:?}", d.severity), d.message.clone()))
            .collect()
    };
    let same = split_output.files == bundle_output.files
        && unlocated(&split_output) == unlocated(&bundle_output);
    drop((split_output, bundle_output));

    let (mut best_split, mut best_bundled) = (Duration::MAX, Duration::MAX);
    let mut ratios = Vec::new();
    for round in 0..runs.max(1) {
        // Which of the two goes first alternates, so that neither always has the warmer turn.
        let (s, b) = if round % 2 == 0 {
            let s = split(folder, root)?.1;
            (s, bundled(bundle)?.1)
        } else {
            let b = bundled(bundle)?.1;
            (split(folder, root)?.1, b)
        };
        best_split = best_split.min(s);
        best_bundled = best_bundled.min(b);
        ratios.push(s.as_secs_f64() / b.as_secs_f64());
    }
    ratios.sort_by(f64::total_cmp);
    let n = ratios.len();
    let median = if n % 2 == 1 {
        ratios[n / 2]
    } else {
        (ratios[n / 2 - 1] + ratios[n / 2]) / 2.0
    };
    println!(
        "split_ms={:.3} bundled_ms={:.3} ratio={:.4} paired_ratio={median:.4} same_output={} files={}",
        ms(best_split),
        ms(best_bundled),
        best_split.as_secs_f64() / best_bundled.as_secs_f64(),
        u8::from(same),
        count_files(folder),
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
