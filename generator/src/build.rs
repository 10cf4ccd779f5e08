//! The build-script mode: generate the client when the crate builds, into `OUT_DIR`, and
//! `include!` it.
//!
//! # When to use it
//!
//! The committed-crate workflow (`openapi-client-codegen generate`, then commit the crate) is
//! the better default: every change of the spec or of the generator is a reviewable diff of
//! Rust code, the crate's users do not build the generator, and `openapi-client-codegen check`
//! keeps it fresh in CI. A build script suits a client used inside one workspace whose spec
//! changes often (a service's own API, generated from its own description), where a reviewed
//! diff of the generated code is not wanted and the build may depend on the generator.
//!
//! # The recipe
//!
//! A crate of its own (the generated code refers to its items as `crate::...`, so it is
//! included at the root of a crate), with the spec and its configuration beside it:
//!
//! ```text
//! petstore-client/
//!   Cargo.toml
//!   build.rs
//!   openapi/petstore.yaml
//!   openapi/petstore.toml        (optional: the configuration, as for the CLI)
//!   src/lib.rs
//! ```
//!
//! `build.rs`:
//!
//! ```no_run
//! fn main() {
//!     if let Err(error) = openapi_client_codegen::build::Build::new("openapi/petstore.yaml").run() {
//!         panic!("{error}");
//!     }
//! }
//! ```
//!
//! `src/lib.rs`:
//!
//! ```ignore
//! // (compiled by examples/build-script/, whose OUT_DIR has these files)
//! #![doc = include_str!(concat!(env!("OUT_DIR"), "/petstore.md"))]
//! include!(concat!(env!("OUT_DIR"), "/petstore.rs"));
//! ```
//!
//! `Cargo.toml` has the generator as a build dependency, and the dependencies and features the
//! generated code uses (those of the `Cargo.toml` the CLI would write): [`Build::run`] reads the
//! crate's `Cargo.toml` and fails, listing the lines to add, when one is missing. The crate
//! uses edition 2024. The example crate `examples/build-script/` of the generator's repository
//! is this recipe, built and tested by its CI.
//!
//! [`Build::run`] prints `cargo:rerun-if-changed` for the spec, every file its references
//! read (a description kept in many files, see [`crate::generate_files`]), the configuration
//! (when there is one) and the overlays its `[spec]` names, so the client is generated again
//! only when one of them changes (or the generator's version). A build script reads no
//! network: a reference to a URL that the configuration's `[spec] allow_urls` allows is an
//! error here (the command-line tool fetches it); download the file beside the description
//! (and reference it by a relative path) or generate with the command-line tool. Warnings become `cargo:warning` lines; errors name the place in the
//! spec or the configuration as the CLI does.
//!
//! The generated code is the same as the CLI's, in one file: the crate's modules inline (its
//! `mod x;` declarations replaced by their files), without the crate-level attributes and docs,
//! which an included file cannot have (the docs are in `<stem>.md`, for `#![doc]`).

// The examples are build scripts: their `fn main` is the point.
#![allow(clippy::needless_doctest_main)]

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::{Diagnostic, Options, Output};

/// Generates a client in a build script: see the [module docs](self) for the recipe.
///
/// ```no_run
/// // build.rs
/// use openapi_client_codegen::build::Build;
///
/// fn main() {
///     let built = Build::new("openapi/petstore.yaml")
///         .config("openapi/petstore.toml")
///         .skip_invalid(true)
///         .run()
///         .unwrap_or_else(|error| panic!("{error}"));
///     // `include!(concat!(env!("OUT_DIR"), "/petstore.rs"))` in src/lib.rs.
///     assert!(built.source.ends_with("petstore.rs"));
/// }
/// ```
#[derive(Debug, Clone)]
pub struct Build {
    spec: PathBuf,
    config: Option<PathBuf>,
    crate_name: Option<String>,
    strict: bool,
    skip_invalid: bool,
}

/// What [`Build::run`] wrote.
#[derive(Debug, Clone)]
pub struct Built {
    /// `OUT_DIR/<spec stem>.rs`: the code, for `include!`.
    pub source: PathBuf,
    /// `OUT_DIR/<spec stem>.md`: the crate docs, for `#![doc = include_str!(..)]`.
    pub docs: PathBuf,
    /// The warnings (also printed as `cargo:warning` lines).
    pub warnings: Vec<Diagnostic>,
}

/// Why [`Build::run`] failed.
#[derive(Debug)]
pub enum BuildError {
    /// A file could not be read or written, or a variable cargo sets is missing (not run by
    /// cargo as a build script).
    Io(String),
    /// The spec or the configuration gets something wrong: every problem, located.
    Spec(crate::Error),
    /// The crate's `Cargo.toml` lacks dependencies or features the generated code uses.
    Manifest(String),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::Io(message) | BuildError::Manifest(message) => f.write_str(message),
            BuildError::Spec(error) => write!(f, "{error}"),
        }
    }
}

impl std::error::Error for BuildError {}

impl Build {
    /// Generates from `spec` (YAML or JSON), relative to the crate's directory
    /// (`CARGO_MANIFEST_DIR`) unless absolute. The configuration is `<spec stem>.toml` beside
    /// it when there is one; the crate name is the package's (`CARGO_PKG_NAME`), so that the
    /// examples in the docs compile as its doctests.
    pub fn new(spec: impl Into<PathBuf>) -> Build {
        Build {
            spec: spec.into(),
            config: None,
            crate_name: None,
            strict: false,
            skip_invalid: false,
        }
    }

    /// The configuration file, instead of `<spec stem>.toml` beside the spec.
    pub fn config(mut self, path: impl Into<PathBuf>) -> Build {
        self.config = Some(path.into());
        self
    }

    /// The crate name the docs' examples use, instead of `CARGO_PKG_NAME`.
    pub fn crate_name(mut self, name: impl Into<String>) -> Build {
        self.crate_name = Some(name.into());
        self
    }

    /// Warnings are errors ([`Options::strict`]).
    pub fn strict(mut self, strict: bool) -> Build {
        self.strict = strict;
        self
    }

    /// Operations the spec gets wrong are left out with a warning ([`Options::skip_invalid`]).
    pub fn skip_invalid(mut self, skip: bool) -> Build {
        self.skip_invalid = skip;
        self
    }

    /// Generates into `OUT_DIR` as a build script: reads the spec and the configuration, checks
    /// the crate's `Cargo.toml`, writes `<stem>.rs` and `<stem>.md` (only when they change),
    /// and prints the `cargo:` lines.
    pub fn run(self) -> Result<Built, BuildError> {
        let var = |name: &str| {
            std::env::var_os(name).map(PathBuf::from).ok_or_else(|| {
                BuildError::Io(format!(
                    "{name} is not set: Build::run is meant to run in a build script"
                ))
            })
        };
        let manifest_dir = var("CARGO_MANIFEST_DIR")?;
        let out_dir = var("OUT_DIR")?;
        let crate_name = match self.crate_name.clone() {
            Some(name) => name,
            None => std::env::var("CARGO_PKG_NAME").map_err(|_| {
                BuildError::Io(
                    "CARGO_PKG_NAME is not set: name the crate with Build::crate_name".into(),
                )
            })?,
        };
        let spec = manifest_dir.join(&self.spec);
        println!("cargo:rerun-if-changed={}", spec.display());
        let config_path = match &self.config {
            Some(path) => Some(manifest_dir.join(path)),
            None => Some(spec.with_extension("toml")).filter(|p| p.is_file()),
        };
        let read = |path: &Path| {
            std::fs::read_to_string(path)
                .map_err(|e| BuildError::Io(format!("cannot read {}: {e}", path.display())))
        };
        let config = match &config_path {
            Some(path) => {
                println!("cargo:rerun-if-changed={}", path.display());
                let label = path.strip_prefix(&manifest_dir).unwrap_or(path);
                crate::config::Config::parse(&read(path)?, &label.display().to_string())
                    .map_err(BuildError::Spec)?
            }
            None => crate::config::Config::default(),
        };
        // The configuration's `[spec] overlays`, relative to it: read here, rerun when changed.
        let folder = config_path.as_deref().and_then(Path::parent);
        let mut overlays = Vec::new();
        for item in &config.spec.overlays {
            let path = folder.unwrap_or(&manifest_dir).join(&item.value);
            println!("cargo:rerun-if-changed={}", path.display());
            let text = std::fs::read_to_string(&path).map_err(|e| {
                BuildError::Spec(item.at.error(format_args!(
                    "cannot read the overlay {}: {e}",
                    path.display()
                )))
            })?;
            let label = path.strip_prefix(&manifest_dir).unwrap_or(&path);
            overlays.push(crate::Overlay::new(label.display().to_string(), text));
        }
        let label = self.spec.display().to_string();
        let mut options = Options::new(crate_name)
            .spec_label(label)
            .regenerate_command("cargo build (build.rs)")
            .strict(self.strict)
            .skip_invalid(self.skip_invalid)
            .config(config);
        options.overlays = overlays;
        // A description kept in many files is read from the spec's folder; every file read
        // reruns the build script when it changes.
        let folder = spec.parent().unwrap_or(&manifest_dir).to_path_buf();
        let root = spec
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let files = crate::files::CountingFiles::new(NoNetwork(
            crate::files::Directory::new(&folder)
                .allow_outside(crate::files::Allow::of(&options.config).outside),
        ));
        let output = crate::generate_files(&root, &read(&spec)?, &files, &options);
        if let Ok(reads) = files.reads.lock() {
            for path in reads.keys().filter(|path| !path.contains("://")) {
                println!("cargo:rerun-if-changed={}", folder.join(path).display());
            }
        }
        let output = output.map_err(BuildError::Spec)?;
        for warning in &output.diagnostics {
            println!(
                "cargo:warning={}",
                crate::format::one_line(&warning.to_string())
            );
        }
        let manifest = manifest_dir.join("Cargo.toml");
        check_manifest(&read(&manifest)?, &output.files["Cargo.toml"], &manifest)?;
        let (code, docs) = bundle(&output);
        let stem = spec
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "client".into());
        let source = out_dir.join(format!("{stem}.rs"));
        let docs_path = out_dir.join(format!("{stem}.md"));
        write_if_changed(&source, &code)?;
        write_if_changed(&docs_path, &docs)?;
        Ok(Built {
            source,
            docs: docs_path,
            warnings: output.diagnostics,
        })
    }
}

fn write_if_changed(path: &Path, text: &str) -> Result<(), BuildError> {
    if std::fs::read_to_string(path).is_ok_and(|old| old == text) {
        return Ok(());
    }
    std::fs::write(path, text)
        .map_err(|e| BuildError::Io(format!("cannot write {}: {e}", path.display())))
}

/// The crate of `output` as one file for `include!` at a crate root, and its crate docs.
///
/// Each `mod name;` of a file becomes `mod name { <the file of that module> }` (a module's own
/// `//!` docs and `#![..]` attributes stay at the start of its block, where Rust allows them);
/// `src/lib.rs` loses its crate-level attributes and `//!` docs (returned as the second value),
/// and the item that makes the README's examples doctests.
///
/// ```
/// let output = openapi_client_codegen::generate(
///     "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /x:\n    get:\n      operationId: getX\n      responses: {'204': {description: none}}\n",
///     &openapi_client_codegen::Options::new("t"),
/// )?;
/// let (code, docs) = openapi_client_codegen::build::bundle(&output);
/// assert!(code.contains("pub mod runtime {"));
/// assert!(!code.contains("#![forbid(unsafe_code)]"));
/// assert!(docs.starts_with("T\n"));
/// # Ok::<(), openapi_client_codegen::Error>(())
/// ```
pub fn bundle(output: &Output) -> (String, String) {
    let lib = output.files.get("src/lib.rs").map_or("", String::as_str);
    let mut docs = String::new();
    let mut code = String::new();
    let mut lines = lib.lines().peekable();
    // The crate-level part: comments, `//!` docs and `#![...]` attributes (one or more lines).
    while let Some(line) = lines.peek() {
        if let Some(doc) = line.strip_prefix("//!") {
            docs.push_str(doc.strip_prefix(' ').unwrap_or(doc));
            docs.push('\n');
        } else if line.starts_with("#![") {
            let mut depth = 0i32;
            for next in lines.by_ref() {
                depth += next.matches('[').count() as i32 - next.matches(']').count() as i32;
                if depth <= 0 {
                    break;
                }
            }
            continue;
        } else if line.starts_with("//") || line.trim().is_empty() {
            code.push_str(line);
            code.push('\n');
        } else {
            break;
        }
        lines.next();
    }
    let rest: Vec<&str> = lines.collect();
    let rest = without_readme_doctests(&rest.join("\n"));
    code.push_str(&inline_modules(&rest, "src", &output.files, 0));
    code.push('\n');
    (code, docs)
}

/// `lib.rs` without `#[cfg(doctest)] #[doc = include_str!("../README.md")] struct ...;`: the
/// README is the CLI's, not the including crate's.
fn without_readme_doctests(text: &str) -> String {
    let mut out = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim() == "#[cfg(doctest)]"
            && lines
                .get(i + 1)
                .is_some_and(|l| l.contains("include_str!(\"../README.md\")"))
        {
            i += 2;
            while i < lines.len() && !lines[i - 1].trim_end().ends_with(';') {
                i += 1;
            }
            continue;
        }
        out.push(lines[i]);
        i += 1;
    }
    out.join("\n")
}

/// `text` (the file of the module at `dir`, e.g. `src` or `src/runtime`) with each
/// `mod name;` replaced by the module's file inline.
fn inline_modules(text: &str, dir: &str, files: &BTreeMap<String, String>, depth: usize) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let trimmed = line.trim_start();
        let declaration = trimmed
            .strip_suffix(';')
            .and_then(|d| {
                d.strip_prefix("pub mod ")
                    .or_else(|| d.strip_prefix("pub(crate) mod "))
                    .or_else(|| d.strip_prefix("mod "))
            })
            .filter(|name| name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
        let child = declaration.and_then(|name| {
            let flat = format!("{dir}/{name}.rs");
            let nested = format!("{dir}/{name}/mod.rs");
            if let Some(text) = files.get(&flat) {
                Some((text, format!("{dir}/{name}")))
            } else {
                files
                    .get(&nested)
                    .map(|text| (text, format!("{dir}/{name}")))
            }
        });
        match child {
            Some((child_text, child_dir)) if depth < 8 => {
                let head = &line[..line.len() - 1];
                out.push_str(head);
                out.push_str(" {\n");
                out.push_str(&inline_modules(child_text, &child_dir, files, depth + 1));
                out.push_str("\n}\n");
            }
            _ => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out.trim_end().to_string()
}

/// Checks that the including crate's `Cargo.toml` (`have`) declares every dependency (with its
/// features, optional as the generated one is) and every feature (with its members) of the
/// generated `Cargo.toml` (`want`).
fn check_manifest(have: &str, want: &str, path: &Path) -> Result<(), BuildError> {
    let parse = |text: &str, what: &str| {
        text.parse::<toml::Table>()
            .map_err(|e| BuildError::Io(format!("cannot read {what}: {e}")))
    };
    // The line as the generated Cargo.toml writes it (its section's first `name = ...`).
    let line_of = |section: &str, name: &str| {
        want.lines()
            .skip_while(|l| l.trim() != format!("[{section}]"))
            .find(|l| l.starts_with(&format!("{name} = ")))
            .unwrap_or(name)
            .to_string()
    };
    let have = parse(have, &path.display().to_string())?;
    let want = parse(want, "the generated Cargo.toml")?;
    let table = |t: &toml::Table, key: &str| {
        t.get(key)
            .and_then(|v| v.as_table())
            .cloned()
            .unwrap_or_default()
    };
    let strings = |v: Option<&toml::Value>| -> Vec<String> {
        v.and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut missing = Vec::new();
    let (have_deps, want_deps) = (table(&have, "dependencies"), table(&want, "dependencies"));
    for (name, spec) in &want_deps {
        let line = line_of("dependencies", name);
        let Some(declared) = have_deps.get(name) else {
            missing.push(format!("[dependencies] {line}"));
            continue;
        };
        let inherited = declared.get("workspace").and_then(|w| w.as_bool()) == Some(true);
        let have_features = strings(declared.get("features"));
        let lacking: Vec<String> = strings(spec.get("features"))
            .into_iter()
            .filter(|f| !have_features.contains(f))
            .collect();
        let optional = |v: &toml::Value| v.get("optional").and_then(|o| o.as_bool()) == Some(true);
        if (!lacking.is_empty() && !inherited) || optional(spec) != optional(declared) {
            missing.push(format!("[dependencies] {line}"));
        }
    }
    let (have_features, want_features) = (table(&have, "features"), table(&want, "features"));
    for (name, members) in &want_features {
        let declared = strings(have_features.get(name));
        let wanted = strings(Some(members));
        if !have_features.contains_key(name) || wanted.iter().any(|m| !declared.contains(m)) {
            let list: Vec<String> = wanted.iter().map(|m| format!("{m:?}")).collect();
            missing.push(format!("[features] {name} = [{}]", list.join(", ")));
        }
    }
    if missing.is_empty() {
        return Ok(());
    }
    Err(BuildError::Manifest(format!(
        "{} lacks what the generated client uses; add (or complete) these lines:\n  {}",
        path.display(),
        missing.join("\n  ")
    )))
}

/// The spec's folder, read by a build script, which refuses every URL (even one `[spec]
/// allow_urls` allows) saying why.
struct NoNetwork(crate::files::Directory);

impl crate::files::Files for NoNetwork {
    fn read(&self, path: &str) -> Result<String, crate::files::FileError> {
        if path.starts_with("http://") || path.starts_with("https://") {
            return Err(crate::files::FileError::NotAllowed(format!(
                "`{path}` is a URL, and a build script reads no network; download the file \
                 beside the description and reference it by a relative path, or generate the \
                 crate with the `openapi-client-codegen` command, which fetches the URLs \
                 `[spec] allow_urls` allows"
            )));
        }
        self.0.read(path)
    }

    fn folder_name(&self) -> Option<String> {
        self.0.folder_name()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WANT: &str = "[dependencies]\nserde = { version = \"1\", features = [\"derive\"] }\n\
        tracing = { version = \"0.1\", optional = true }\n\
        [features]\ndefault = [\"full\"]\nfull = [\"pets\"]\npets = []\ntracing = [\"dep:tracing\"]\n";

    #[test]
    fn a_manifest_lacking_a_dependency_feature_or_feature_is_named_line_by_line() {
        let path = Path::new("Cargo.toml");
        let complete = "[package]\nname = \"x\"\n[dependencies]\n\
            serde = { version = \"1.0.200\", features = [\"derive\", \"rc\"] }\n\
            tracing = { version = \"0.1\", optional = true }\n\
            [features]\ndefault = [\"full\", \"tracing\"]\nfull = [\"pets\"]\npets = []\ntracing = [\"dep:tracing\"]\n";
        check_manifest(complete, WANT, path).unwrap();
        let lacking = complete
            .replace(", \"rc\"", "")
            .replace("\"derive\"", "\"std\"")
            .replace("pets = []\n", "")
            .replace(", optional = true", "");
        let message = check_manifest(&lacking, WANT, path)
            .unwrap_err()
            .to_string();
        for line in [
            "Cargo.toml lacks what the generated client uses",
            "[dependencies] serde = { version = \"1\", features = [\"derive\"] }",
            "[dependencies] tracing = { version = \"0.1\", optional = true }",
            "[features] pets = []",
        ] {
            assert!(message.contains(line), "{line} in:\n{message}");
        }
        assert!(!message.contains("[features] full"), "{message}");
    }

    /// A URL `[spec] allow_urls` allows is still not read by a build script: the error is at
    /// the reference, and says why and what to do.
    #[test]
    fn a_build_script_reads_no_url_even_an_allowed_one() {
        let folder = tempfile::tempdir().unwrap();
        std::fs::write(folder.path().join("local.yaml"), "type: string\n").unwrap();
        let root = "openapi: 3.0.3\ninfo: {title: T, version: \"1\"}\npaths:\n  /a:\n    get:\n      \
            operationId: getA\n      responses:\n        \"200\":\n          description: A\n          \
            content:\n            application/json:\n              schema:\n                \
            $ref: \"https://schemas.example.com/v1/a.yaml\"\n";
        let config = crate::Config::parse(
            "[spec]\nallow_urls = [\"https://schemas.example.com/v1/\"]\n",
            "t.toml",
        )
        .unwrap();
        let files = NoNetwork(crate::files::Directory::new(folder.path()));
        assert_eq!(
            crate::files::Files::read(&files, "local.yaml").unwrap(),
            "type: string\n"
        );
        let error = crate::generate_files(
            "openapi.yaml",
            root,
            &files,
            &crate::Options::new("t").config(config),
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "error: openapi.yaml#/paths/~1a/get/responses/200/content/application~1json/schema/\
             $ref:13:17: may not read `https://schemas.example.com/v1/a.yaml`: \
             `https://schemas.example.com/v1/a.yaml` is a URL, and a build script reads no \
             network; download the file beside the description and reference it by a relative \
             path, or generate the crate with the `openapi-client-codegen` command, which \
             fetches the URLs `[spec] allow_urls` allows"
        );
    }

    #[test]
    fn modules_are_inlined_and_crate_attributes_left_out() {
        let files: BTreeMap<String, String> = [
            (
                "src/lib.rs",
                "// header\n//! Docs\n//!\n//! More.\n#![allow(\n    a,\n    b\n)]\n#![forbid(unsafe_code)]\n#[doc(hidden)]\npub mod runtime;\nmod operations;\n#[cfg(doctest)]\n#[doc = include_str!(\"../README.md\")]\nstruct ReadmeDoctests;\npub use runtime::Client;\n",
            ),
            ("src/runtime/mod.rs", "//! Runtime.\nmod call;\npub use call::Call;\n"),
            ("src/runtime/call.rs", "pub struct Call;\n"),
            ("src/operations/mod.rs", "mod pets;\n"),
            ("src/operations/pets.rs", "//! Pets.\npub fn list() {}\n"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let (code, docs) = bundle(&Output {
            files,
            diagnostics: Vec::new(),
        });
        assert_eq!(docs, "Docs\n\nMore.\n");
        assert_eq!(
            code,
            "// header\n#[doc(hidden)]\npub mod runtime {\n//! Runtime.\nmod call {\npub struct Call;\n}\npub use call::Call;\n}\nmod operations {\nmod pets {\n//! Pets.\npub fn list() {}\n}\n}\npub use runtime::Client;\n"
        );
    }
}
