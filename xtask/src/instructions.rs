//! `cargo xtask instructions`: the guard against generation getting slower unseen.
//!
//! Counts the instructions of one generation of each guarded description with valgrind
//! (`--tool=cachegrind --cache-sim=no`: the count callgrind gives, at about half its cost),
//! running the bench crate's `generate` program in its one-run mode (`generate <spec> <out>
//! 0`), and compares each count with the figure recorded for it in [`FIGURES`]. An instruction
//! count does not drift with the machine's load as a time does, so it can fail CI: more than
//! [`TOLERANCE`] above the figure fails. Recording a figure (`--record "<reason>"`) appends a
//! line with the reason; a higher figure is a deliberate commit.
//!
//! The descriptions (all inputs a fresh clone has, or can install from a package registry):
//! the synthetic spec of [`SYNTHETIC_OPERATIONS`] operations ([`crate::synth`]), Stripe's
//! description pinned in `bench/stripe/` (installed with `npm ci`), and, when the folder is
//! there, Stripe's description in `../shared/bench/` (read as it is, YAML). Each one that
//! cannot be had is named as skipped.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::repository::workspace_root;

/// The recorded figures, relative to the workspace root.
pub const FIGURES: &str = "bench/instructions.txt";

/// How far above its figure a count may be.
pub const TOLERANCE: f64 = 0.05;

/// Operations of the guarded synthetic spec.
pub const SYNTHETIC_OPERATIONS: usize = 1000;

pub const EXIT_CODES: &str = "\
Exit codes:
  0  every count is within 5% above its figure (or figures were recorded)
  1  a count is more than 5% above its figure
  3  the counts cannot be made (valgrind, cargo or a description is missing, or a program
     failed)";

/// What `cargo xtask instructions` was asked to do.
pub struct Args {
    /// Record the counts as the new figures, with this reason.
    pub record: Option<String>,
}

/// A guarded description: its name in [`FIGURES`] and the file `generate` reads.
struct Guarded {
    name: String,
    spec: PathBuf,
}

/// The last figure of each description, from the text of [`FIGURES`].
fn figures(text: &str) -> Vec<(String, u64)> {
    let mut latest: Vec<(String, u64)> = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut words = line.split_whitespace();
        let (Some(name), Some(count)) = (words.next(), words.next()) else {
            continue;
        };
        let Ok(count) = count.replace('_', "").parse::<u64>() else {
            continue;
        };
        match latest.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = count,
            None => latest.push((name.to_string(), count)),
        }
    }
    latest
}

/// Today's date (UTC), as `YYYY-MM-DD`, from the system clock.
fn today() -> String {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400) as i64;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// The instructions of one generation of `spec`, counted by cachegrind.
fn count(program: &Path, spec: &Path, out: &Path) -> Result<u64, String> {
    counted(program, &[spec.as_os_str(), out.as_os_str(), "0".as_ref()])
}

/// The instructions `program` run with `args` executes, counted by cachegrind.
pub(crate) fn counted(program: &Path, args: &[&std::ffi::OsStr]) -> Result<u64, String> {
    let output = Command::new("valgrind")
        .args([
            "--tool=cachegrind",
            "--cache-sim=no",
            "--cachegrind-out-file=/dev/null",
        ])
        .arg(program)
        .args(args)
        .output()
        .map_err(|e| format!("valgrind: {e}"))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        return Err(format!(
            "valgrind {} {:?}: {}\n{stderr}",
            program.display(),
            args,
            output.status
        ));
    }
    // `==123== I   refs:      3,012,345,678`
    stderr
        .lines()
        .find_map(|line| {
            let (_, rest) = line.split_once("refs:")?;
            rest.trim().replace(',', "").parse::<u64>().ok()
        })
        .ok_or_else(|| format!("no instruction count in valgrind's output:\n{stderr}"))
}

fn run_checked(args: &Args) -> Result<bool, String> {
    let root = workspace_root();
    if !Command::new("valgrind")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        return Err(
            "valgrind is not installed (`apt-get install valgrind`): it counts the instructions"
                .into(),
        );
    }
    eprintln!("building the bench's generate program (cargo build --release -p bench)…");
    let status = Command::new(crate::bench::cargo())
        .args([
            "build",
            "--release",
            "--quiet",
            "-p",
            "bench",
            "--bin",
            "generate",
        ])
        .current_dir(&root)
        .status()
        .map_err(|e| format!("cargo: {e}"))?;
    if !status.success() {
        return Err(format!("cargo build --release -p bench failed ({status})"));
    }
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    let program = target
        .join("release")
        .join(format!("generate{}", std::env::consts::EXE_SUFFIX));
    let work = root.join("target/bench/work/instructions");
    std::fs::create_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;

    let mut guarded = Vec::new();
    let mut skipped = Vec::new();
    let synthetic = work.join(format!("synthetic-{SYNTHETIC_OPERATIONS}.json"));
    std::fs::write(&synthetic, crate::synth::spec(SYNTHETIC_OPERATIONS))
        .map_err(|e| format!("{}: {e}", synthetic.display()))?;
    guarded.push(Guarded {
        name: format!("synthetic-{SYNTHETIC_OPERATIONS}"),
        spec: synthetic,
    });
    match crate::real::stripe_from_npm(&root) {
        Ok(spec) => guarded.push(Guarded {
            name: "stripe-npm".into(),
            spec,
        }),
        Err(why) => skipped.push(format!("stripe-npm (bench/stripe/): {why}")),
    }
    let shared = root.join("../shared/bench/stripe-openapi.yaml");
    if shared.exists() {
        guarded.push(Guarded {
            name: "stripe-openapi".into(),
            spec: shared,
        });
    } else {
        skipped.push(format!(
            "stripe-openapi: {} is absent (as on a fresh clone)",
            shared.display()
        ));
    }

    let figures_path = root.join(FIGURES);
    let text = std::fs::read_to_string(&figures_path).unwrap_or_default();
    let recorded = figures(&text);
    let mut ok = true;
    let mut counted = Vec::new();
    println!("| description | instructions | figure | ratio | |");
    println!("|---|---|---|---|---|");
    for g in &guarded {
        let started = std::time::Instant::now();
        let n = count(&program, &g.spec, &work.join("crate"))?;
        eprintln!("{}: {n} instructions ({:.0?})", g.name, started.elapsed());
        let figure = recorded
            .iter()
            .find(|(name, _)| *name == g.name)
            .map(|f| f.1);
        let verdict = match figure {
            None => "no figure recorded".to_string(),
            Some(f) if n as f64 > f as f64 * (1.0 + TOLERANCE) => {
                ok = false;
                format!("**more than {:.0}% above its figure**", TOLERANCE * 100.0)
            }
            Some(f) if (n as f64) < f as f64 * (1.0 - 2.0 * TOLERANCE) => {
                "well below its figure: record the new one".to_string()
            }
            Some(_) => "ok".to_string(),
        };
        println!(
            "| {} | {n} | {} | {} | {verdict} |",
            g.name,
            figure.map_or("—".to_string(), |f| f.to_string()),
            figure.map_or("—".to_string(), |f| format!("{:.3}", n as f64 / f as f64)),
        );
        counted.push((g.name.clone(), n));
    }
    for s in &skipped {
        println!("\nSkipped: {s}.");
    }
    if let Some(reason) = &args.record {
        let reason = reason.replace('\n', " ");
        let mut text = text;
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        for (name, n) in &counted {
            text.push_str(&format!("{name} {n} {} {reason}\n", today()));
        }
        std::fs::write(&figures_path, text)
            .map_err(|e| format!("{}: {e}", figures_path.display()))?;
        println!(
            "\nRecorded {} figure(s) in {FIGURES}; commit them with the reason.",
            counted.len()
        );
        return Ok(true);
    }
    if !ok {
        println!(
            "\nA generation takes more than {:.0}% more instructions than its recorded figure \
             ({FIGURES}). Find what grew (`cargo xtask bench --real-only`, callgrind), or, if the \
             cost is deliberate, record the new figures with `cargo xtask instructions --record \
             \"<why>\"` in a commit of their own.",
            TOLERANCE * 100.0
        );
    }
    Ok(ok)
}

/// Runs the guard; the exit code as [`EXIT_CODES`] says.
pub fn run(args: &Args) -> u8 {
    match run_checked(args) {
        Ok(true) => 0,
        Ok(false) => 1,
        Err(message) => {
            eprintln!("error: {message}");
            3
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_line_of_a_description_is_its_figure() {
        let text = "# comment\n\
                    stripe-npm 100 2026-12-01 first\n\
                    synthetic-1000 50 2026-12-01 first\n\
                    \n\
                    stripe-npm 120 2026-12-07 the plan stage, deliberately\n";
        assert_eq!(
            figures(text),
            vec![
                ("stripe-npm".to_string(), 120),
                ("synthetic-1000".to_string(), 50)
            ]
        );
    }

    #[test]
    fn dates_are_civil() {
        let date = today();
        assert_eq!(date.len(), 10);
        assert!(date.starts_with("20"));
    }
}
