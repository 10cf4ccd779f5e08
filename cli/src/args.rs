//! The flags the commands share between the command-line tool and `cargo xtask`: each
//! command's arguments are declared once, here, so that both accept the same ones with the
//! same help.

use std::path::PathBuf;

use clap::Args;

/// What `generate` and `check` (and `cargo xtask codegen`) take besides the spec and the
/// output directory.
#[derive(Debug, Clone, Args)]
pub struct GenerateFlags {
    /// Treat warnings (valid constructs the client cannot express, such as cookie parameters,
    /// whose operations are skipped, and mistakes repaired, such as a path template parameter
    /// the spec does not declare) as errors
    #[arg(long)]
    pub strict: bool,
    /// Skip the operations the spec gets wrong (invalid operations, dangling or external
    /// `$ref`s, `$ref` cycles, path parameters missing from their path template) with a warning each,
    /// instead of failing; for a third-party spec you cannot fix
    #[arg(long)]
    pub skip_invalid: bool,
    /// Package name of the crate [default: the configuration's `package.name`, else the name
    /// of the output directory]
    #[arg(long, value_name = "CRATE", requires = "spec")]
    pub name: Option<String>,
    /// The maintainer's configuration (TOML) [default: `<spec stem>.toml` beside the spec,
    /// if there is one]
    // The brackets are clap's help convention, not a link.
    #[allow(rustdoc::broken_intra_doc_links)]
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Apply this OpenAPI Overlay (1.0 or 1.1, YAML or JSON) to the spec first; repeatable,
    /// applied in the order given, after the overlays of the configuration's `[spec]`
    #[arg(long = "overlay", value_name = "FILE")]
    pub overlays: Vec<PathBuf>,
}

/// `conformance`.
#[derive(Debug, Clone, Args)]
pub struct ConformanceArgs {
    /// The spec (YAML or JSON)
    #[arg(long, value_name = "FILE")]
    pub spec: PathBuf,
    /// How many times each operation is called (optional fields are sent on odd rounds)
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub rounds: u32,
    /// Leave out the operations the spec gets wrong (as `--skip-invalid` of generate); they
    /// count as not conforming
    #[arg(long)]
    pub skip_invalid: bool,
    /// Prism's seed for its random answers (the same seed gives the same answers)
    #[arg(long, default_value = "conformance")]
    pub seed: String,
    /// Failures that must keep happening, one per line: `<group>.<method> | <text each of
    /// its failures contains> | <why>`. A listed operation that conforms, or fails otherwise,
    /// fails the run
    #[arg(long, value_name = "FILE")]
    pub known_failures: Option<PathBuf>,
    /// Where the crate, its driver, their build and Prism go [default: target/conformance]
    #[arg(long, value_name = "DIR")]
    pub work_dir: Option<PathBuf>,
    /// Apply this OpenAPI Overlay (1.0 or 1.1, YAML or JSON) to the spec first; repeatable,
    /// applied in the order given, after the overlays of the configuration's `[spec]`
    #[arg(long = "overlay", value_name = "FILE")]
    pub overlays: Vec<PathBuf>,
}

impl ConformanceArgs {
    /// The arguments of [`crate::conformance::run`].
    pub fn to_args(&self) -> crate::conformance::Args {
        crate::conformance::Args {
            spec: self.spec.clone(),
            rounds: self.rounds,
            skip_invalid: self.skip_invalid,
            seed: self.seed.clone(),
            known_failures: self.known_failures.clone(),
            overlays: self.overlays.clone(),
        }
    }
}

/// `diff`.
#[derive(Debug, Clone, Args)]
pub struct DiffArgs {
    /// The spec before the change (YAML or JSON)
    pub old: PathBuf,
    /// The spec after the change
    pub new: PathBuf,
    /// Exit with 1 when something breaks downstream code (for CI)
    #[arg(long)]
    pub deny_breaking: bool,
    /// Leave out the operations a spec gets wrong instead of failing (as `--skip-invalid` of
    /// generate does); the report says why each one is left out
    #[arg(long)]
    pub skip_invalid: bool,
    /// Also add the report to this changelog (e.g. generated/CHANGELOG.md), newest first,
    /// under the version it calls for (major for breaking changes, minor for additions,
    /// patch otherwise, from the `package.version` of the configuration beside NEW)
    #[arg(long, value_name = "FILE")]
    pub changelog: Option<PathBuf>,
    /// Apply this OpenAPI Overlay (1.0 or 1.1) to both specs first; repeatable, applied in the
    /// order given, after the overlays of the configuration beside each spec
    #[arg(long = "overlay", value_name = "FILE")]
    pub overlays: Vec<PathBuf>,
}

impl DiffArgs {
    /// Runs the command; returns its exit code ([`crate::diff::EXIT_CODES`]).
    pub fn run(&self) -> u8 {
        crate::diff::run(
            &self.old,
            &self.new,
            self.deny_breaking,
            self.skip_invalid,
            self.changelog.as_deref(),
            &self.overlays,
        ) as u8
    }
}

/// Runs `generate` (`check`: `mode` [`crate::codegen::Mode::Check`]) on a standalone crate:
/// `spec` into `out`. Bad usage (a name that is no crate name) exits like clap does.
pub fn generate_standalone(
    spec: PathBuf,
    out: PathBuf,
    flags: &GenerateFlags,
    mode: crate::codegen::Mode,
) -> Result<crate::codegen::Outcome, String> {
    let mut target =
        crate::codegen::Target::standalone(spec, out, flags.name.clone(), flags.config.clone())?;
    target.options.skip_invalid = flags.skip_invalid;
    target.overlay_flags(&flags.overlays);
    if flags.skip_invalid {
        // Without it, the command the header names would refuse the spec.
        target
            .options
            .regenerate_command
            .push_str(" --skip-invalid");
    }
    Ok(crate::codegen::run(&target, mode, flags.strict))
}
