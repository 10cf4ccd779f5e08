//! `openapi-client-codegen`: generates a typed, async Rust client crate from an OpenAPI 3.0 or
//! 3.1 description, checks one is up to date, reports what a spec bump changes, and checks the
//! client against an independent mock server. The commands are the library's
//! (`openapi_client_codegen_cli`), which `cargo xtask` of the generator's repository calls too.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::{Args, CommandFactory, Parser, Subcommand};
use openapi_client_codegen_cli::args::{ConformanceArgs, DiffArgs, GenerateFlags};
use openapi_client_codegen_cli::codegen::{self, Mode};
use openapi_client_codegen_cli::{conformance, diff};

const EXAMPLES: &str = "\
Examples:
  # A crate from a spec, with the configuration beside it (petstore.toml) if there is one
  openapi-client-codegen generate --spec petstore.yaml --out petstore-client

  # In CI: exit with 1 and print a diff when the committed crate is out of date
  openapi-client-codegen check --spec petstore.yaml --out petstore-client

  # What a new version of the spec changes in the Rust API, added to the changelog
  openapi-client-codegen diff old/petstore.yaml petstore.yaml --changelog petstore-client/CHANGELOG.md

  # Every operation against Prism, a validating mock server (needs Node.js and npm)
  openapi-client-codegen conformance --spec petstore.yaml

Documentation: the repository's README.md and docs/ (configuration: docs/configuration.md).";

#[derive(Parser)]
#[command(
    name = codegen::BIN,
    version,
    about = "Generates a typed, async Rust client crate from an OpenAPI 3.0 or 3.1 description",
    after_help = EXAMPLES
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate a client crate from a spec into a directory
    ///
    /// Writes Cargo.toml, README.md and src/ of DIR (created if needed), atomically: all or
    /// nothing. Files under src/ that are no longer generated are removed; everything else
    /// (tests/, examples/, CHANGELOG.md, licenses) is left alone. The configuration is
    /// --config FILE, else `<spec stem>.toml` beside the spec if there is one. A spec that gets
    /// something wrong is refused, naming every problem (see --skip-invalid); warnings are
    /// printed to stderr.
    #[command(after_help = format!("{}\n\n{}", codegen::EXIT_CODES, GENERATE_EXAMPLES))]
    Generate(Target),
    /// Check that a generated crate is up to date with its spec; writes nothing
    ///
    /// Exits with 1 and prints a unified diff of every file that differs, the files that would
    /// be removed, a summary and the command to run, if DIR is out of date.
    #[command(after_help = format!("{}\n\n{}", codegen::EXIT_CODES, CHECK_EXAMPLES))]
    Check(Target),
    /// Report what a spec bump changes in the generated Rust API, as Markdown for a changelog
    ///
    /// Generates the API surface (operations, types, fields, variants) from OLD and NEW, each
    /// with the configuration beside it, and prints the differences under Breaking changes /
    /// Additions / Other changes, each naming the Rust item and the place in the spec.
    #[command(after_help = format!("{}\n\n{}\n\n{}", diff::RULES, diff::EXIT_CODES, DIFF_EXAMPLES))]
    Diff(DiffArgs),
    /// Check that the generated client talks correctly: every operation against Prism
    ///
    /// Generates the crate of FILE and a driver program that calls every operation (and the
    /// first pages of each paged list) with requests synthesized from the spec (required
    /// fields always, optional ones on odd rounds), builds them under the work directory,
    /// installs Prism there (pinned; `npm ci`, which needs Node.js 18+ and npm), starts it in
    /// dynamic mode on a free loopback port and runs the driver against it. Prism validates
    /// each request and answers with random responses that satisfy the spec, which the client
    /// must decode. Prints one line per operation that fails, and last `N/M operations
    /// conform`.
    #[command(after_help = format!("{}\n\n{}", conformance::EXIT_CODES, CONFORMANCE_EXAMPLES))]
    Conformance(ConformanceArgs),
}

const GENERATE_EXAMPLES: &str = "\
Examples:
  openapi-client-codegen generate --spec petstore.yaml --out petstore-client
  openapi-client-codegen generate --spec api.json --out clients/api --name acme-api --config acme.toml
  openapi-client-codegen generate --spec third-party.yaml --out vendor-client --skip-invalid";

const CHECK_EXAMPLES: &str = "\
Examples:
  openapi-client-codegen check --spec petstore.yaml --out petstore-client";

const DIFF_EXAMPLES: &str = "\
Examples:
  openapi-client-codegen diff old.yaml new.yaml
  openapi-client-codegen diff old.yaml new.yaml --deny-breaking
  openapi-client-codegen diff old.yaml new.yaml --changelog client/CHANGELOG.md";

const CONFORMANCE_EXAMPLES: &str = "\
Examples:
  openapi-client-codegen conformance --spec petstore.yaml
  openapi-client-codegen conformance --spec petstore.yaml --rounds 10 --seed 7
  openapi-client-codegen conformance --spec api.yaml --known-failures known.txt";

/// The spec and the crate directory of `generate` and `check`.
#[derive(Args)]
struct Target {
    /// The spec (YAML or JSON)
    #[arg(long, value_name = "FILE")]
    spec: PathBuf,
    /// The crate's directory
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    #[command(flatten)]
    flags: GenerateFlags,
}

/// See `Cargo.toml`: generation runs ~25% faster than with the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let (target, mode, subcommand) = match Cli::parse().command {
        Command::Generate(target) => (target, Mode::Write, "generate"),
        Command::Check(target) => (target, Mode::Check, "check"),
        Command::Diff(args) => return ExitCode::from(args.run()),
        Command::Conformance(args) => {
            let work = args
                .work_dir
                .clone()
                .unwrap_or_else(|| PathBuf::from("target/conformance"));
            let places = conformance::Places::under(work);
            return ExitCode::from(conformance::run(&args.to_args(), &places));
        }
    };
    let Target { spec, out, flags } = target;
    match openapi_client_codegen_cli::args::generate_standalone(spec, out, &flags, mode) {
        Ok(outcome) => outcome.into(),
        Err(message) => {
            let mut cli = Cli::command();
            cli.build();
            let command = cli
                .find_subcommand_mut(subcommand)
                .expect("generate and check are subcommands");
            command.error(ErrorKind::ValueValidation, message).exit()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn spec_and_out_are_required() {
        let parse = |args: &[&str]| Cli::try_parse_from([&[codegen::BIN][..], args].concat());
        assert!(parse(&["generate", "--spec", "a.yaml", "--out", "dir"]).is_ok());
        assert!(parse(&["check", "--spec", "a.yaml", "--out", "dir", "--name", "x"]).is_ok());
        assert!(
            parse(&[
                "generate",
                "--spec",
                "a.yaml",
                "--out",
                "d",
                "--strict",
                "--skip-invalid",
                "--config",
                "c.toml",
                "--overlay",
                "a.overlay.yaml",
                "--overlay",
                "b.overlay.yaml"
            ])
            .is_ok()
        );
        for bad in [
            &["generate"][..],
            &["generate", "--spec", "a.yaml"],
            &["check", "--out", "dir"],
            &["generate", "--spec", "a.yaml", "--out", "d", "--check"],
        ] {
            let err = parse(bad).err().expect("should be rejected");
            assert_eq!(err.exit_code(), 2, "{bad:?}");
        }
    }
}
