//! Project chores, run as `cargo xtask <command>` (the alias is in `.cargo/config.toml`).
//!
//! `cargo xtask codegen` regenerates `generated/` from `spec/realtime-kit.yaml`; see
//! [`codegen`] for the command and [`write`] for how files are compared and written.

mod bench;
mod codegen;
mod conformance;
mod diff;
mod instructions;
mod real;
mod synth;
mod write;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::{Args, CommandFactory, Parser, Subcommand};

const EXIT_CODES: &str = "\
Exit codes:
  0  success; with --check: the output is up to date
  1  --check only: the output is stale (the last line says what to run)
  2  the spec cannot be generated (bad input, unless --skip-invalid; warnings with
     --strict), or bad usage
  3  I/O error: the spec cannot be read or the output directory cannot be written";

#[derive(Parser)]
#[command(bin_name = "cargo xtask", about = "Project chores", after_help = EXIT_CODES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate the client crate from the OpenAPI spec
    ///
    /// Without --spec/--out: generates generated/ (crate cloudflare-realtime-kit) from
    /// spec/realtime-kit.yaml. Only Cargo.toml and src/ of the output directory are written;
    /// files under src/ that are no longer generated are removed; everything else (tests/,
    /// examples/) is left alone. A spec that gets something wrong is refused, naming every
    /// problem (see --skip-invalid). Warnings are printed to stderr.
    #[command(after_help = EXIT_CODES)]
    Codegen(CodegenArgs),
    /// Measure generation, compile cost and client overhead (figures in BENCHMARKS.md)
    ///
    /// Generates synthetic specs of 100, 1,000 and 3,000 operations end to end (time, stage
    /// breakdown, peak memory), compiles the 1,000-operation crate (check and release build)
    /// and times the generated client against hand-written reqwest on loopback. Every figure is
    /// a ratio against a baseline measured in the same run.
    Bench(BenchCliArgs),
    /// Report what a spec bump changes in the generated Rust API, as Markdown for a changelog
    ///
    /// Generates the API surface (operations, types, fields, variants) from OLD and NEW and
    /// prints the differences under Breaking changes / Additions / Other changes, each naming
    /// the Rust item and the place in the spec. Writes nothing.
    #[command(after_help = format!("{}\n\n{}", diff::RULES, diff::EXIT_CODES))]
    Diff(DiffArgs),
    /// Check that the generated client talks correctly: every operation against Prism
    ///
    /// Generates the crate of FILE and a driver program that calls every operation (and the
    /// first pages of each paged list) with requests synthesized from the spec (required
    /// fields always, optional ones on odd rounds), builds them under target/conformance/,
    /// starts Prism (pinned in conformance/prism/, installed with `npm ci`) in dynamic mode on
    /// a free loopback port and runs the driver against it. Prism validates each request (a
    /// complaint names the parameter or field) and answers with random responses that satisfy
    /// the spec, which the client must decode. Prints one line per operation that fails, and
    /// last `N/M operations conform`.
    #[command(after_help = conformance::EXIT_CODES)]
    Conformance(ConformanceArgs),
    /// Guard generation speed: instructions of one generation against recorded figures
    ///
    /// Counts the instructions (valgrind's cachegrind) of one generation of the synthetic spec
    /// of 1,000 operations, of Stripe's description pinned in bench/stripe/ (installed with
    /// `npm ci`) and, when present, of ../shared/bench/stripe-openapi.yaml, and fails when one
    /// is more than 5% above its figure in bench/instructions.txt. Unlike a time, a count does
    /// not drift with the machine's load.
    #[command(after_help = instructions::EXIT_CODES)]
    Instructions(InstructionsArgs),
}

#[derive(Args)]
struct InstructionsArgs {
    /// Record the counts as the new figures (appended to bench/instructions.txt with this
    /// reason), instead of checking them; commit them on their own, saying why
    #[arg(long, value_name = "REASON")]
    record: Option<String>,
}

#[derive(Args)]
struct ConformanceArgs {
    /// The spec (YAML or JSON)
    #[arg(long, value_name = "FILE")]
    spec: PathBuf,
    /// How many times each operation is called (optional fields are sent on odd rounds)
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=100))]
    rounds: u32,
    /// Leave out the operations the spec gets wrong (as `codegen --skip-invalid`); they count
    /// as not conforming
    #[arg(long)]
    skip_invalid: bool,
    /// Prism's seed for its random answers (the same seed gives the same answers)
    #[arg(long, default_value = "conformance")]
    seed: String,
    /// Failures that must keep happening, one per line: `<group>.<method> | <text each of
    /// its failures contains> | <why>`. A listed operation that conforms, or fails otherwise,
    /// fails the run
    #[arg(long, value_name = "FILE")]
    known_failures: Option<PathBuf>,
}

#[derive(Args)]
struct DiffArgs {
    /// The spec before the change (YAML or JSON)
    old: PathBuf,
    /// The spec after the change
    new: PathBuf,
    /// Exit with 1 when something breaks downstream code (for CI)
    #[arg(long)]
    deny_breaking: bool,
    /// Leave out the operations a spec gets wrong instead of failing (as `codegen
    /// --skip-invalid` does); the report says why each one is left out
    #[arg(long)]
    skip_invalid: bool,
    /// Also add the report to this changelog (e.g. generated/CHANGELOG.md), newest first,
    /// under the version it calls for (major for breaking changes, minor for additions,
    /// patch otherwise, from the `package.version` of the configuration beside NEW)
    #[arg(long, value_name = "FILE")]
    changelog: Option<PathBuf>,
}

#[derive(Args)]
struct BenchCliArgs {
    /// Smaller sizes, fewer rounds and no compile benchmark (about a minute)
    #[arg(long)]
    quick: bool,
    /// Skip the compile benchmark (the slowest part)
    #[arg(long)]
    no_compile: bool,
    /// Skip the client benchmark
    #[arg(long)]
    no_client: bool,
    /// Spec sizes of the generation benchmark, e.g. 100,1000,3000
    #[arg(long, value_delimiter = ',')]
    sizes: Option<Vec<usize>>,
    /// Operations of the crate whose compile time is measured
    #[arg(long, value_name = "N")]
    compile_operations: Option<usize>,
    /// Skip the real descriptions against a baseline generator
    #[arg(long, conflicts_with = "real_only")]
    no_real: bool,
    /// Only the real descriptions against a baseline generator (no synthetic sizes, client or
    /// compile parts)
    #[arg(long)]
    real_only: bool,
    /// The commit the baseline generator of the real-input comparison is built from (in a
    /// temporary git worktree) [default: the merge base of HEAD and main]
    #[arg(long, value_name = "REV")]
    baseline: Option<String>,
    /// Alternating rounds of the real-input comparison [default: 5, --quick: 3]
    #[arg(long, value_name = "N")]
    real_rounds: Option<usize>,
    /// Leave out the instruction counts (callgrind) of the real-input comparison (--quick
    /// leaves them out too)
    #[arg(long)]
    no_instructions: bool,
}

#[derive(Args)]
struct CodegenArgs {
    /// Write nothing; print a diff and exit with 1 if the output is out of date
    #[arg(long)]
    check: bool,
    /// Treat warnings (valid constructs the client cannot express, such as cookie parameters,
    /// whose operations are skipped) as errors
    #[arg(long)]
    strict: bool,
    /// Skip the operations the spec gets wrong (invalid operations, dangling or external
    /// `$ref`s, `$ref` cycles, path templates without their parameter) with a warning each,
    /// instead of failing; for a third-party spec you cannot fix
    #[arg(long)]
    skip_invalid: bool,
    /// Generate from this spec (YAML or JSON) instead of spec/realtime-kit.yaml; needs --out
    #[arg(long, value_name = "FILE", requires = "out")]
    spec: Option<PathBuf>,
    /// Write a standalone crate into this directory; needs --spec
    #[arg(long, value_name = "DIR", requires = "spec")]
    out: Option<PathBuf>,
    /// Package name of the standalone crate [default: the configuration's `package.name`,
    /// else the name of DIR]
    #[arg(long, value_name = "CRATE", requires = "spec")]
    name: Option<String>,
    /// The maintainer's configuration (TOML) [default: `<spec stem>.toml` beside the spec,
    /// if there is one; `spec/realtime-kit.toml` for the repository's crate]
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

/// See `Cargo.toml`: generation runs ~25% faster than with the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args = match Cli::parse().command {
        Command::Codegen(args) => args,
        Command::Conformance(args) => {
            let args = conformance::Args {
                spec: args.spec,
                rounds: args.rounds,
                skip_invalid: args.skip_invalid,
                seed: args.seed,
                known_failures: args.known_failures,
            };
            return ExitCode::from(conformance::run(&args));
        }
        Command::Instructions(args) => {
            return ExitCode::from(instructions::run(&instructions::Args {
                record: args.record,
            }));
        }
        Command::Diff(args) => {
            let outcome = diff::run(
                &args.old,
                &args.new,
                args.deny_breaking,
                args.skip_invalid,
                args.changelog.as_deref(),
            );
            return ExitCode::from(outcome as u8);
        }
        Command::Bench(args) => {
            let mut bench_args = if args.quick {
                bench::BenchArgs::quick()
            } else {
                bench::BenchArgs::full()
            };
            if let Some(sizes) = args.sizes {
                bench_args.sizes = sizes;
            }
            if let Some(n) = args.compile_operations {
                bench_args.compile = Some(n);
            }
            if args.no_compile {
                bench_args.compile = None;
            }
            bench_args.client = !args.no_client;
            bench_args.real = !args.no_real;
            bench_args.baseline = args.baseline;
            if let Some(rounds) = args.real_rounds {
                bench_args.real_rounds = rounds;
            }
            if args.no_instructions {
                bench_args.instructions = false;
            }
            if args.real_only {
                bench_args.sizes.clear();
                bench_args.compile = None;
                bench_args.client = false;
            }
            let args = bench_args;
            return match bench::run(&args) {
                Ok(()) => ExitCode::SUCCESS,
                Err(message) => {
                    eprintln!("error: {message}");
                    ExitCode::from(3)
                }
            };
        }
    };
    let mut target = match (args.spec, args.out) {
        (Some(spec), Some(out)) => codegen::Target::standalone(spec, out, args.name, args.config)
            .unwrap_or_else(|message| usage_error(&message)),
        _ => {
            let mut target = codegen::Target::repository();
            if args.config.is_some() {
                target.config = args.config;
            }
            target
        }
    };
    target.options.skip_invalid = args.skip_invalid;
    let mode = if args.check {
        codegen::Mode::Check
    } else {
        codegen::Mode::Write
    };
    codegen::run(&target, mode, args.strict).into()
}

/// Exits like clap does on bad usage (code 2), with the usage of `codegen`.
fn usage_error(message: &str) -> ! {
    let mut cli = Cli::command();
    cli.build();
    let codegen = cli
        .find_subcommand_mut("codegen")
        .expect("codegen is a subcommand");
    codegen.error(ErrorKind::ValueValidation, message).exit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn spec_and_out_go_together() {
        let parse = |args: &[&str]| Cli::try_parse_from([&["xtask", "codegen"], args].concat());
        assert!(parse(&[]).is_ok());
        assert!(parse(&["--check", "--strict"]).is_ok());
        assert!(parse(&["--check", "--skip-invalid"]).is_ok());
        assert!(parse(&["--spec", "a.yaml", "--out", "dir"]).is_ok());
        assert!(parse(&["--spec", "a.yaml", "--out", "dir", "--name", "x"]).is_ok());
        for bad in [
            &["--spec", "a.yaml"][..],
            &["--out", "dir"],
            &["--name", "x"],
        ] {
            let err = parse(bad).err().expect("should be rejected");
            assert_eq!(err.exit_code(), 2);
        }
    }
}
