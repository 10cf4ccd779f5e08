//! `generate` and `check` (`cargo xtask codegen [--check]`): read the spec and its
//! configuration, run the generator, write or check the output directory.

use std::fmt::Write as _;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use generator::{Diagnostic, Options, Output};

use crate::write;

/// The command-line tool's name, which the header of a standalone crate tells readers to run.
pub const BIN: &str = "openapi-client-codegen";

/// Exit codes of `generate` and `check` (and `cargo xtask codegen`), printed by `--help`.
pub const EXIT_CODES: &str = "\
Exit codes:
  0  success; when checking: the output is up to date
  1  when checking only (`check`, `codegen --check`): the output is stale (the last line says
     what to run)
  2  the spec cannot be generated (bad input, unless --skip-invalid; warnings with
     --strict), or bad usage
  3  I/O error: the spec cannot be read or the output directory cannot be written";

/// What to generate from which spec into which directory.
#[derive(Debug, Clone)]
pub struct Target {
    /// The spec file to read.
    pub spec: PathBuf,
    /// The crate directory to write.
    pub out: PathBuf,
    /// How messages name `out`, e.g. `generated`.
    pub out_label: String,
    /// Generator options, except `strict`, which comes from the command line, and `config`,
    /// which comes from [`Target::config`].
    pub options: Options,
    /// The maintainer's configuration file: `--config FILE`, else `<spec stem>.toml` beside the
    /// spec when it exists; `None`: the defaults.
    pub config: Option<PathBuf>,
    /// The overlays given on the command line (`--overlay FILE`), applied after the
    /// configuration's `[spec] overlays`.
    pub overlays: Vec<PathBuf>,
    /// The crate name was given on the command line (`--name`): the configuration's
    /// `package.name` does not replace it.
    pub name_given: bool,
    /// Messages name the spec and the configuration relative to this directory when they are
    /// inside it (the workspace root for the repository's own crate, else the current
    /// directory).
    pub label_root: PathBuf,
}

/// `<spec stem>.toml` beside the spec (`spec/realtime-kit.toml` for `spec/realtime-kit.yaml`).
pub fn config_beside(spec: &Path) -> PathBuf {
    spec.with_extension("toml")
}

/// The configuration beside a spec ([`config_beside`]) as `diff` and `conformance` read it:
/// the defaults when there is none, its located errors, one per line, when it is wrong.
pub fn config_of_spec(spec: &Path) -> Result<generator::config::Config, String> {
    let path = config_beside(spec);
    match fs::read_to_string(&path) {
        Ok(text) => {
            generator::config::Config::parse(&text, &path.display().to_string()).map_err(|e| {
                let lines: Vec<String> = e.diagnostics.iter().map(|d| d.to_string()).collect();
                lines.join("\n")
            })
        }
        Err(_) => Ok(generator::config::Config::default()),
    }
}

/// The root file's name and the files of the description whose root file is `spec`: those
/// under its folder, under the folders the configuration's `[spec] allow_outside` names, and
/// the URLs its `[spec] allow_urls` allows, fetched ([`crate::fetch`]).
pub fn spec_files(
    spec: &Path,
    config: &generator::config::Config,
) -> (String, crate::fetch::Fetching<generator::files::Directory>) {
    let root = spec
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let folder = spec
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let allow = generator::files::Allow::of(config);
    let files = generator::files::Directory::new(folder).allow_outside(allow.outside.clone());
    (root, crate::fetch::Fetching::new(files, allow))
}

/// The overlays of a run, read: the configuration's `[spec] overlays` (paths relative to the
/// configuration file `config_path`), then `flags` (the `--overlay` files). Each is named in
/// diagnostics by its path relative to `label_root` when inside it. A configured overlay that
/// cannot be read is a located error of the configuration; a flag's, an I/O error.
pub fn read_overlays(
    config: &generator::config::Config,
    config_path: Option<&Path>,
    flags: &[PathBuf],
    label_root: &Path,
) -> Result<Vec<generator::Overlay>, Failure> {
    let folder = config_path
        .and_then(Path::parent)
        .unwrap_or_else(|| Path::new(""));
    let label = |path: &Path| {
        let path = path.strip_prefix(label_root).unwrap_or(path);
        // `/`-separated, as pointers and the configuration write paths.
        let parts: Vec<String> = path
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        parts.join("/")
    };
    let mut overlays = Vec::new();
    let mut errors = Vec::new();
    for item in &config.spec.overlays {
        let path = folder.join(&item.value);
        match fs::read_to_string(&path) {
            Ok(text) => overlays.push(generator::Overlay::new(label(&path), text)),
            Err(e) => errors.push(item.at.diagnostic(format_args!(
                "cannot read the overlay {}: {e}",
                path.display()
            ))),
        }
    }
    if !errors.is_empty() {
        return Err(Failure::Spec(errors));
    }
    for path in flags {
        let text = fs::read_to_string(path).map_err(|source| {
            Failure::Io(write::IoError {
                action: "read overlay",
                path: path.clone(),
                source,
            })
        })?;
        overlays.push(generator::Overlay::new(label(path), text));
    }
    Ok(overlays)
}

/// [`read_overlays`] for a spec and the configuration beside it ([`config_beside`]), as
/// `diff` and `conformance` read them; a problem is the message to print.
pub fn overlays_of_spec(
    spec: &Path,
    config: &generator::config::Config,
    flags: &[PathBuf],
) -> Result<Vec<generator::Overlay>, String> {
    let config_path = config_beside(spec);
    let root = std::env::current_dir().unwrap_or_default();
    read_overlays(config, Some(&config_path), flags, &root).map_err(|failure| match failure {
        Failure::Io(e) => format!("error: {e}"),
        Failure::Spec(diagnostics) => {
            let lines: Vec<String> = diagnostics.iter().map(|d| d.to_string()).collect();
            lines.join("\n")
        }
    })
}

impl Target {
    /// A crate anywhere, from any spec (`--spec FILE --out DIR [--name CRATE]`). The crate name
    /// defaults to the directory's name, made into a valid package name.
    pub fn standalone(
        spec: PathBuf,
        out: PathBuf,
        name: Option<String>,
        config: Option<PathBuf>,
    ) -> Result<Target, String> {
        let name_given = name.is_some();
        let crate_name = match name {
            Some(name) => {
                check_crate_name(&name)?;
                name
            }
            None => crate_name_from_dir(&out)?,
        };
        let spec_label = spec
            .file_name()
            .ok_or_else(|| format!("--spec {} does not name a file", spec.display()))?
            .to_string_lossy()
            .into_owned();
        // The command that makes the same crate again: `--name` and `--config` only when they
        // were given (else the configuration's name, or the directory's, and the configuration
        // beside the spec apply again).
        let mut regenerate_command = format!(
            "{BIN} generate --spec {} --out {}",
            shell_word(&spec.to_string_lossy()),
            shell_word(&out.to_string_lossy()),
        );
        if name_given {
            regenerate_command.push_str(&format!(" --name {crate_name}"));
        }
        if let Some(config) = &config {
            regenerate_command.push_str(&format!(
                " --config {}",
                shell_word(&config.to_string_lossy())
            ));
        }
        let config = config.or_else(|| Some(config_beside(&spec)).filter(|c| c.is_file()));
        Ok(Target {
            out_label: out.display().to_string(),
            config,
            overlays: Vec::new(),
            name_given,
            label_root: std::env::current_dir().unwrap_or_default(),
            spec,
            out,
            options: Options {
                crate_name,
                spec_label,
                regenerate_command,
                env_prefix: None,
                strict: false,
                skip_invalid: false,
                config: Default::default(),
                overlays: Vec::new(),
                extra_dev_dependencies: Vec::new(),
            },
        })
    }
}

impl Target {
    /// Adds the `--overlay` files, applied after the configuration's, and names them in the
    /// command the header tells readers to run.
    pub fn overlay_flags(&mut self, overlays: &[PathBuf]) {
        for path in overlays {
            self.options.regenerate_command.push_str(&format!(
                " --overlay {}",
                shell_word(&path.to_string_lossy())
            ));
            self.overlays.push(path.clone());
        }
    }
}

/// A Cargo package name: ASCII letters, digits, `-` and `_`, not starting with a digit.
fn check_crate_name(name: &str) -> Result<(), String> {
    let valid_chars = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    let starts_well = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_');
    if valid_chars && starts_well {
        Ok(())
    } else {
        Err(format!(
            "{name:?} is not a valid crate name: use ASCII letters, digits, `-` and `_`, \
             starting with a letter"
        ))
    }
}

/// `out`'s last component, lowercased, with runs of other characters turned into one `-`.
fn crate_name_from_dir(out: &Path) -> Result<String, String> {
    let absolute;
    let dir = if out.file_name().is_some() {
        out
    } else {
        // `.`, `..` or `foo/..`: name the directory they stand for.
        absolute = std::path::absolute(out)
            .ok()
            .and_then(|path| path.canonicalize().ok())
            .unwrap_or_default();
        &absolute
    };
    let raw = dir.file_name().unwrap_or_default().to_string_lossy();
    let mut name = String::new();
    for c in raw.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            name.push(c.to_ascii_lowercase());
        } else if !name.is_empty() && !name.ends_with('-') {
            name.push('-');
        }
    }
    let name = name.trim_end_matches('-').to_string();
    check_crate_name(&name).map_err(|_| {
        format!("cannot make a crate name from the directory name {raw:?}; pass --name CRATE")
    })?;
    Ok(name)
}

/// Quotes `word` for a POSIX shell if it needs it.
fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// Write the files, or only compare them (`--check`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Write,
    Check,
}

/// How a run ended; each has its own exit code (documented in `--help` and README.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Written, or found up to date.
    Ok = 0,
    /// `--check` found differences.
    Stale = 1,
    /// The spec has errors (or warnings, with `--strict`). Clap also exits with 2 on bad usage.
    SpecError = 2,
    /// The spec could not be read or the output directory could not be read or written.
    IoError = 3,
}

impl From<Outcome> for ExitCode {
    fn from(outcome: Outcome) -> ExitCode {
        ExitCode::from(outcome as u8)
    }
}

/// Why no output could be produced.
#[derive(Debug)]
pub enum Failure {
    /// Reading the spec failed.
    Io(write::IoError),
    /// The generator rejected the spec; every diagnostic is listed.
    Spec(Vec<Diagnostic>),
}

/// Reads the spec and runs the generator. Warnings stay in `Output::diagnostics` unless
/// `strict`, in which case they fail the run.
pub fn generate(target: &Target, strict: bool) -> Result<Output, Failure> {
    let spec_text = fs::read_to_string(&target.spec).map_err(|source| {
        Failure::Io(write::IoError {
            action: "read spec",
            path: target.spec.clone(),
            source,
        })
    })?;
    let mut options = Options {
        strict,
        ..target.options.clone()
    };
    if let Some(path) = &target.config {
        let text = fs::read_to_string(path).map_err(|source| {
            Failure::Io(write::IoError {
                action: "read configuration",
                path: path.clone(),
                source,
            })
        })?;
        let label = path
            .strip_prefix(&target.label_root)
            .unwrap_or(path)
            .display()
            .to_string();
        options.config = generator::config::Config::parse(&text, &label)
            .map_err(|e| Failure::Spec(e.diagnostics))?;
        if let Some(name) = &options.config.package.name {
            if !target.name_given {
                options.crate_name = name.clone();
            }
        }
    }
    options.overlays = read_overlays(
        &options.config,
        target.config.as_deref(),
        &target.overlays,
        &target.label_root,
    )?;
    // A description kept in many files is read from the spec's folder.
    let (root, files) = spec_files(&target.spec, &options.config);
    let output = generator::generate_files(&root, &spec_text, &files, &options)
        .map_err(|e| Failure::Spec(e.diagnostics))?;
    if strict && !output.diagnostics.is_empty() {
        // The generator should already have failed; never let --strict pass with warnings.
        return Err(Failure::Spec(output.diagnostics));
    }
    Ok(output)
}

/// Compares the generator's output with the directory. `None` if up to date, otherwise the
/// report `--check` prints: diffs, stale files and, last, the command to run.
pub fn check(target: &Target, output: &Output) -> Result<Option<String>, write::IoError> {
    let plan = write::plan(&target.out, &output.files)?;
    if plan.is_fresh() {
        return Ok(None);
    }
    let mut report = plan.diff(&target.out_label);
    report.push_str(&summary(&plan, &target.out_label));
    let _ = write!(
        report,
        "error: {} is out of date with {}; run `{}`",
        target.out_label, target.options.spec_label, target.options.regenerate_command,
    );
    Ok(Some(report))
}

/// The last lines of a `--check` report before the command to run: every file that differs,
/// one a line, as `changed`, `missing` (not on disk yet) or `stale` (no longer generated).
fn summary(plan: &write::Plan, label: &str) -> String {
    let mut lines: Vec<(&str, String)> = plan
        .changes
        .iter()
        .map(|change| {
            let state = if change.old.is_some() {
                "changed"
            } else {
                "missing"
            };
            (state, change.path.clone())
        })
        .collect();
    lines.extend(plan.stale.iter().map(|rel| {
        let rel: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        ("stale", rel.join("/"))
    }));
    let n = lines.len();
    let mut text = format!(
        "\n{n} file{} out of date:\n",
        if n == 1 { " is" } else { "s are" }
    );
    for (state, path) in lines {
        let _ = writeln!(text, "  {state:<8}{label}/{path}");
    }
    text
}

/// The whole command: generate, then write or check. Prints as it goes.
pub fn run(target: &Target, mode: Mode, strict: bool) -> Outcome {
    let output = match generate(target, strict) {
        Ok(output) => output,
        Err(Failure::Io(e)) => {
            eprintln!("error: {e}");
            return Outcome::IoError;
        }
        Err(Failure::Spec(diagnostics)) => {
            for diagnostic in &diagnostics {
                eprintln!("{diagnostic}");
            }
            let n = diagnostics.len();
            let spec = target
                .spec
                .strip_prefix(&target.label_root)
                .unwrap_or(&target.spec);
            eprintln!(
                "error: cannot generate from {}: {n} problem{}; nothing written",
                spec.display(),
                if n == 1 { "" } else { "s" },
            );
            return Outcome::SpecError;
        }
    };
    for warning in &output.diagnostics {
        eprintln!("{warning}");
    }
    let result = match mode {
        Mode::Check => check(target, &output).map(|report| match report {
            None => {
                println!(
                    "{} is up to date ({} files)",
                    target.out_label,
                    output.files.len()
                );
                Outcome::Ok
            }
            Some(report) => {
                println!("{report}");
                Outcome::Stale
            }
        }),
        Mode::Write => write::recover(&target.out)
            .map(|recovered| {
                if recovered {
                    eprintln!(
                        "note: {}: cleaned up after an interrupted run",
                        target.out_label
                    );
                }
            })
            .and_then(|()| write::plan(&target.out, &output.files))
            .and_then(|plan| plan.apply(&target.out, &target.out_label, |line| println!("{line}")))
            .map(|summary| {
                if summary.created + summary.updated + summary.removed == 0 {
                    println!(
                        "{} is up to date ({} files)",
                        target.out_label, summary.unchanged
                    );
                } else {
                    println!("{}: {summary}", target.out_label);
                }
                Outcome::Ok
            }),
    };
    let _ = std::io::stdout().flush();
    result.unwrap_or_else(|e| {
        eprintln!("error: {e}");
        Outcome::IoError
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standalone_target() {
        let target = Target::standalone(
            "specs/pet store.yaml".into(),
            "/tmp/out/Petstore Client".into(),
            None,
            None,
        )
        .unwrap();
        assert_eq!(target.options.crate_name, "petstore-client");
        assert_eq!(target.options.spec_label, "pet store.yaml");
        assert_eq!(
            target.options.regenerate_command,
            "openapi-client-codegen generate --spec 'specs/pet store.yaml' \
             --out '/tmp/out/Petstore Client'"
        );
        assert!(target.options.extra_dev_dependencies.is_empty());

        let named = Target::standalone(
            "a.json".into(),
            "x".into(),
            Some("my_api".into()),
            Some("conf/my api.toml".into()),
        )
        .unwrap();
        assert_eq!(named.options.crate_name, "my_api");
        assert_eq!(
            named.options.regenerate_command,
            "openapi-client-codegen generate --spec a.json --out x --name my_api \
             --config 'conf/my api.toml'"
        );
    }

    #[test]
    fn crate_names() {
        let from_dir = |dir: &str| crate_name_from_dir(Path::new(dir));
        assert_eq!(from_dir("out/My.API--v2_").unwrap(), "my-api-v2_");
        assert_eq!(from_dir("--client--").unwrap(), "client");
        assert!(from_dir("2fa").unwrap_err().contains("--name"));
        assert!(from_dir("..!..").is_err());
        assert!(check_crate_name("ok-name_2").is_ok());
        for bad in ["", "9lives", "has space", "ünï", "-x"] {
            assert!(check_crate_name(bad).is_err(), "{bad:?}");
        }
    }
}
