//! Project chores, run as `cargo xtask <command>` (the alias is in `.cargo/config.toml`).
//!
//! `cargo xtask codegen` regenerates `generated/` from `spec/realtime-kit.yaml` (the defaults
//! are in [`repository`]). `codegen`, `diff` and `conformance` are thin wrappers over the
//! commands of the command-line tool's library (`cli/`, `openapi_client_codegen_cli`): the
//! same flags (declared once, in its `args` module), messages and exit codes; `bench` is the
//! repository's own.

mod bench;
mod instructions;
mod real;
mod repository;
mod split;
mod synth;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::{Args, CommandFactory, Parser, Subcommand};
use cli::args::{ConformanceArgs, DiffArgs, GenerateFlags};
use cli::codegen::{self, EXIT_CODES};
use cli::{conformance, diff};

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
    /// spec/realtime-kit.yaml. Only Cargo.toml, README.md and src/ of the output directory are
    /// written; files under src/ that are no longer generated are removed; everything else
    /// (tests/, examples/) is left alone. A spec that gets something wrong is refused, naming
    /// every problem (see --skip-invalid). Warnings are printed to stderr. With --spec/--out:
    /// `openapi-client-codegen generate` (or `check`, with --check).
    #[command(after_help = EXIT_CODES)]
    Codegen(CodegenArgs),
    /// Measure generation, compile cost and client overhead (figures in BENCHMARKS.md)
    ///
    /// Generates synthetic specs of 100, 1,000 and 3,000 operations end to end (time, stage
    /// breakdown, peak memory), compiles the 1,000-operation crate (check and release build),
    /// times the generated client against hand-written reqwest on loopback, and measures its
    /// streams (200,000 server-sent events, a 1 GiB download and upload) against reqwest.
    /// Every figure is a ratio against a baseline measured in the same run.
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
    /// installs Prism there (pinned by cli/prism/package-lock.json, with `npm ci`), starts it
    /// in dynamic mode on a free loopback port and runs the driver against it. Prism validates
    /// each request (a complaint names the parameter or field) and answers with random
    /// responses that satisfy the spec, which the client must decode. Prints one line per
    /// operation that fails, and last `N/M operations conform`.
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
struct BenchCliArgs {
    /// Smaller sizes, fewer rounds and no compile benchmark (about a minute and a half)
    #[arg(long)]
    quick: bool,
    /// Skip the compile benchmark (the slowest part)
    #[arg(long)]
    no_compile: bool,
    /// Skip the client benchmark
    #[arg(long)]
    no_client: bool,
    /// Skip the streams benchmark (SSE decoding, 1 GiB download and upload)
    #[arg(long)]
    no_streams: bool,
    /// Run only the streams benchmark (SSE decoding, 1 GiB download and upload; with --quick,
    /// fewer rounds)
    #[arg(long, conflicts_with_all = ["no_compile", "no_client", "no_streams", "sizes", "compile_operations"])]
    streams_only: bool,
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
    /// Generate from this spec (YAML or JSON) instead of spec/realtime-kit.yaml; needs --out
    #[arg(long, value_name = "FILE", requires = "out")]
    spec: Option<PathBuf>,
    /// Write a standalone crate into this directory; needs --spec
    #[arg(long, value_name = "DIR", requires = "spec")]
    out: Option<PathBuf>,
    #[command(flatten)]
    flags: GenerateFlags,
}

/// See `Cargo.toml`: generation runs ~25% faster than with the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args = match Cli::parse().command {
        Command::Codegen(args) => args,
        Command::Conformance(args) => {
            let root = repository::workspace_root();
            // The target directory of the generator's tests (generator/tests/support) and the
            // workspace's lock file: the dependencies they built are reused.
            let work = args
                .work_dir
                .clone()
                .unwrap_or_else(|| root.join("target/conformance"));
            let places = conformance::Places {
                target_dir: root.join("target/generated-crates"),
                lock: Some(root.join("Cargo.lock")),
                prism: work.join("prism"),
                work,
            };
            return ExitCode::from(conformance::run(&args.to_args(), &places));
        }
        Command::Instructions(args) => {
            return ExitCode::from(instructions::run(&instructions::Args {
                record: args.record,
            }));
        }
        Command::Diff(args) => return ExitCode::from(args.run()),
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
            if args.no_streams {
                bench_args.streams = None;
            }
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
                bench_args.streams = None;
            }
            if args.streams_only {
                bench_args.real = false;
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
    let mode = if args.check {
        codegen::Mode::Check
    } else {
        codegen::Mode::Write
    };
    match (args.spec, args.out) {
        (Some(spec), Some(out)) => cli::args::generate_standalone(spec, out, &args.flags, mode)
            .unwrap_or_else(|message| usage_error(&message))
            .into(),
        _ => {
            let mut target = repository::target();
            if args.flags.config.is_some() {
                target.config = args.flags.config;
            }
            target.options.skip_invalid = args.flags.skip_invalid;
            target.overlay_flags(&args.flags.overlays);
            codegen::run(&target, mode, args.flags.strict).into()
        }
    }
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
