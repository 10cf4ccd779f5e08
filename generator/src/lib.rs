//! Generates a typed, async Rust client crate from an OpenAPI 3.0 or 3.1 description (YAML or
//! JSON): one method per operation taking a typed request struct, typed responses and errors,
//! retries, timeouts, paged lists, streams, and a README and docs with examples. The same spec
//! and configuration always give the same bytes.
//!
//! [`generate`] is pure: the spec's text and [`Options`] in, the crate's files ([`Output`]) out;
//! writing them is the caller's job. Three ways to use it:
//!
//! - the command-line tool `openapi-client-codegen` (crate `openapi-client-codegen-cli`:
//!   `generate`, `check`, `diff`, `conformance`), for a committed client crate whose changes
//!   are reviewed as diffs;
//! - a build script: [`build::Build`] generates into `OUT_DIR`, and the crate `include!`s it
//!   (see [`build`] for the recipe, and when to prefer the committed crate);
//! - any other tool, through this API:
//!
//! ```
//! use openapi_client_codegen::{Options, config::Config, generate};
//!
//! let spec = r#"
//! openapi: 3.0.3
//! info: {title: Zoo, version: "1.0"}
//! servers: [{url: "https://zoo.example.com/v1"}]
//! paths:
//!   /animals/{id}:
//!     get:
//!       operationId: getAnimal
//!       parameters: [{name: id, in: path, required: true, schema: {type: string}}]
//!       responses:
//!         "200":
//!           description: An animal
//!           content: {application/json: {schema: {type: object, properties: {name: {type: string}}}}}
//! "#;
//! let config = Config::parse("[client]\nenv_prefix = \"ZOO\"\n", "zoo.toml")?;
//! let options = Options::new("zoo-client").spec_label("zoo.yaml").config(config);
//! let output = generate(spec, &options)?;
//! assert!(output.files["src/lib.rs"].contains("ZOO_BASE_URL"));
//! assert!(output.files.contains_key("Cargo.toml"));
//! for warning in &output.diagnostics {
//!     eprintln!("{warning}"); // `warning: <JSON pointer>: <message>`
//! }
//! # Ok::<(), openapi_client_codegen::Error>(())
//! ```
//!
//! Every problem is a [`Diagnostic`] naming the place in the spec (a JSON pointer) or in the
//! configuration (`file:line:column`) and what is wrong; bad input is an [`Error`] with every
//! problem found, never a panic.
//!
//! A description kept in many files (`$ref`s to `models/pet.yaml`, `../shared/x.yml#/a`) is
//! read with [`generate_files`], given the root file's text and a [`files::Files`] to read the
//! others ([`files::Directory`] reads a folder): the crate is the one its bundle gives.
//!
//! The rest of the public API: [`config`] (the maintainer's configuration, [`Config::parse`]),
//! [`api_surface`] and [`surface`] (the public Rust API a spec gives), [`diff`] (what a spec
//! bump changes in it, and the changelog entry), [`diagnostics`]. The modules of the pipeline
//! are public for this repository's tests and tools only, hidden from the docs and outside
//! any compatibility promise: [`files`] (a description kept in many files → one tree, see
//! [`generate_files`]) → [`overlay`] (OpenAPI Overlays applied to the description's tree;
//! public) → [`load`] (text → document) → [`lower`] (OpenAPI 3.1's JSON
//! Schema 2020-12 into the 3.0 shape) → [`resolve`] (`$ref` lookup) → [`model`] (operations
//! and types, normalized) → [`plan`] (every Rust-level decision) → emit (token streams) →
//! format (source text); and [`conformance`] (the driver of `openapi-client-codegen
//! conformance`).
//!
//! [`Config::parse`]: config::Config::parse

#![warn(missing_docs)]
// The pipeline's docs are written for its maintainers and link its private items (they resolve
// with `--document-private-items`, as `cargo doc` of this repository is read).
#![allow(rustdoc::private_intra_doc_links)]

pub mod build;
pub mod config;
#[doc(hidden)]
pub mod conformance;
pub mod diagnostics;
pub mod diff;
mod emit;
pub mod files;
mod format;
#[doc(hidden)]
pub mod load;
#[doc(hidden)]
pub mod lower;
#[doc(hidden)]
pub mod model;
pub mod overlay;
#[doc(hidden)]
pub mod plan;
#[doc(hidden)]
pub mod resolve;
pub mod surface;

use std::collections::BTreeMap;

use std::time::{Duration, Instant};

/// A hash map for lookups only, with a fixed seed: it has no way to be iterated, so its order
/// (the hasher's) can never reach the output. For the maps keyed by JSON pointers and type
/// structures, where hashing a key once costs less than an ordered map's many comparisons.
#[derive(Debug)]
pub(crate) struct LookupMap<K, V>(
    // determinism: the one hash map of the generator, behind an API without iteration.
    std::collections::HashMap<K, V, foldhash::fast::FixedState>,
);

impl<K, V> Default for LookupMap<K, V> {
    fn default() -> Self {
        LookupMap(Default::default())
    }
}

impl<K: std::hash::Hash + Eq, V> LookupMap<K, V> {
    pub(crate) fn get<Q>(&self, key: &Q) -> Option<&V>
    where
        K: std::borrow::Borrow<Q>,
        Q: std::hash::Hash + Eq + ?Sized,
    {
        self.0.get(key)
    }

    pub(crate) fn insert(&mut self, key: K, value: V) -> Option<V> {
        self.0.insert(key, value)
    }

    pub(crate) fn remove<Q>(&mut self, key: &Q) -> Option<V>
    where
        K: std::borrow::Borrow<Q>,
        Q: std::hash::Hash + Eq + ?Sized,
    {
        self.0.remove(key)
    }

    pub(crate) fn entry(&mut self, key: K) -> std::collections::hash_map::Entry<'_, K, V> {
        self.0.entry(key)
    }

    /// Keeps the entries `keep` says to keep (each decided alone, so their order cannot
    /// matter).
    pub(crate) fn retain(&mut self, keep: impl FnMut(&K, &mut V) -> bool) {
        self.0.retain(keep)
    }
}

pub use config::Config;
pub use overlay::Overlay;

// The README's examples are doctests too.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
pub use diagnostics::{Category, Diagnostic, Error, Severity};

/// What to generate and how the output describes itself: built with [`Options::new`] and its
/// setters, or [`Default`] and struct update syntax.
///
/// ```
/// use openapi_client_codegen::Options;
///
/// let options = Options::new("petstore-client")
///     .spec_label("openapi/petstore.yaml")
///     .regenerate_command("cargo build")
///     .strict(true);
/// assert_eq!(options.crate_name, "petstore-client");
///
/// let same = Options {
///     crate_name: "petstore-client".into(),
///     spec_label: "openapi/petstore.yaml".into(),
///     regenerate_command: "cargo build".into(),
///     strict: true,
///     ..Options::default()
/// };
/// assert_eq!(format!("{options:?}"), format!("{same:?}"));
/// ```
///
/// Fields may be added in minor releases: build it with `..Options::default()` or the setters,
/// not with a struct literal naming every field.
#[derive(Debug, Clone)]
pub struct Options {
    /// Package name of the generated crate, e.g. `cloudflare-realtime-kit`.
    pub crate_name: String,
    /// How the header of every generated file names the spec, e.g. `spec/realtime-kit.yaml`.
    pub spec_label: String,
    /// The command the header tells readers to run to regenerate, e.g. `cargo xtask codegen`.
    pub regenerate_command: String,
    /// Prefix of the environment variables the client reads (`<PREFIX>_API_TOKEN`,
    /// `<PREFIX>_BASE_URL`). `None`: the configuration's `client.env_prefix`, else derived from
    /// the default server's domain, else from the first word of `info.title`.
    pub env_prefix: Option<String>,
    /// Turn warnings (such as an operation skipped because it uses a cookie parameter, or a
    /// mistake repaired: [`Category::Repaired`]) into errors.
    pub strict: bool,
    /// Skip the operations the spec gets wrong, with a warning each, instead of failing.
    ///
    /// By default, bad input ([`Category::BadInput`]: an invalid operation or path item, a
    /// dangling or external `$ref`, a `$ref` cycle with no object or array in between, a path
    /// parameter its path template does not name, ...) makes [`generate`] fail with every such problem.
    /// This opt-in is for a third-party spec you cannot fix: the rest is generated, and each
    /// operation left out is listed as a warning and in the crate docs. Problems outside
    /// operations (text that is not OpenAPI 3.0 or 3.1, document-wide limits) fail either way;
    /// [`strict`](Self::strict) still turns the warnings into errors.
    pub skip_invalid: bool,
    /// The maintainer's configuration (package metadata, renames, type overrides, filters);
    /// [`config::Config::default`] when the spec has none.
    pub config: config::Config,
    /// Extra `[dev-dependencies]` lines for the generated Cargo.toml, as `(name, TOML value)`,
    /// e.g. `("wiremock", "\"0.6\"")`. Used by this repository for its hand-written tests.
    pub extra_dev_dependencies: Vec<(String, String)>,
    /// Overlays (OpenAPI Overlay 1.0 or 1.1 documents) applied to the description, in order,
    /// before anything else reads it (see [`overlay`]). The caller reads them: the
    /// configuration's `[spec] overlays` ([`config::Spec::overlays`]) first, as the
    /// command-line tool does, then any others (its `--overlay` flags).
    pub overlays: Vec<Overlay>,
}

impl Default for Options {
    /// The crate `openapi-client`, from `openapi.yaml`, regenerated by
    /// `openapi-client-codegen generate`; no configuration, not strict, nothing skipped.
    fn default() -> Options {
        Options {
            crate_name: "openapi-client".to_string(),
            spec_label: "openapi.yaml".to_string(),
            regenerate_command: "openapi-client-codegen generate".to_string(),
            env_prefix: None,
            strict: false,
            skip_invalid: false,
            config: config::Config::default(),
            extra_dev_dependencies: Vec::new(),
            overlays: Vec::new(),
        }
    }
}

impl Options {
    /// The [defaults](Options::default) for a crate named `crate_name` (a Cargo package name,
    /// such as `petstore-client`).
    pub fn new(crate_name: impl Into<String>) -> Options {
        Options {
            crate_name: crate_name.into(),
            ..Options::default()
        }
    }

    /// Sets [`Options::spec_label`]: how the header of every file names the spec.
    pub fn spec_label(mut self, label: impl Into<String>) -> Options {
        self.spec_label = label.into();
        self
    }

    /// Sets [`Options::regenerate_command`]: what the header tells readers to run.
    pub fn regenerate_command(mut self, command: impl Into<String>) -> Options {
        self.regenerate_command = command.into();
        self
    }

    /// Sets [`Options::env_prefix`], which wins over the configuration's `client.env_prefix`.
    pub fn env_prefix(mut self, prefix: impl Into<String>) -> Options {
        self.env_prefix = Some(prefix.into());
        self
    }

    /// Sets [`Options::strict`]: warnings are errors.
    pub fn strict(mut self, strict: bool) -> Options {
        self.strict = strict;
        self
    }

    /// Sets [`Options::skip_invalid`]: operations the spec gets wrong are left out, with a
    /// warning each.
    pub fn skip_invalid(mut self, skip: bool) -> Options {
        self.skip_invalid = skip;
        self
    }

    /// Sets [`Options::config`], the maintainer's configuration ([`config::Config::parse`]).
    pub fn config(mut self, config: config::Config) -> Options {
        self.config = config;
        self
    }

    /// Adds a `[dev-dependencies]` line to the generated `Cargo.toml`, e.g.
    /// `("wiremock", "\"0.6\"")`.
    pub fn extra_dev_dependency(
        mut self,
        name: impl Into<String>,
        value: impl Into<String>,
    ) -> Options {
        self.extra_dev_dependencies
            .push((name.into(), value.into()));
        self
    }

    /// Adds an overlay ([`Options::overlays`]): its text, named `label` in diagnostics (e.g.
    /// `spec/fixes.overlay.yaml`).
    pub fn overlay(mut self, label: impl Into<String>, text: impl Into<String>) -> Options {
        self.overlays.push(Overlay::new(label, text));
        self
    }

    /// The configuration's `[client]`, with [`Options::env_prefix`] in its `env_prefix` when
    /// given (the option wins over the file).
    pub(crate) fn client_settings(&self) -> config::Client {
        let mut client = self.config.client.clone();
        if let Some(prefix) = &self.env_prefix {
            client.env_prefix = Some(prefix.clone());
        }
        client
    }
}

/// The files of a generated crate and what the generator noticed on the way.
#[derive(Debug, Clone, Default)]
pub struct Output {
    /// Relative path (with `/` separators, e.g. `src/types.rs`) → file content.
    /// Every generated file lives in `Cargo.toml` or under `src/`: a writer may delete any other
    /// file under `src/` as stale, and must leave everything else (tests, examples) alone.
    pub files: BTreeMap<String, String>,
    /// Warnings, each with the JSON pointer of the place in the spec it is about.
    pub diagnostics: Vec<Diagnostic>,
}

/// Stack of the thread [`generate`] runs on. The stages recurse along the document's nesting,
/// which [`load::MAX_DOCUMENT_DEPTH`] and [`model::types::MAX_DEPTH`] bound; deserializers take
/// up to about 40 KiB per level in a debug build (measured), so 64 levels need a few MiB,
/// whatever the caller's thread has (2 MiB for spawned threads by default, which overflowed at
/// 55 levels). Only the pages actually used are committed.
const STACK_SIZE: usize = 64 << 20;

/// Generates a crate from the text of an OpenAPI 3.0 or 3.1 description (YAML or JSON).
///
/// Fails with every problem the spec has (each a [`Diagnostic`] with its JSON pointer) when
/// it gets something wrong; see [`Options::skip_invalid`] and [`Options::strict`].
///
/// ```
/// let error = openapi_client_codegen::generate(
///     "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /x:\n    get:\n      responses: 7\n",
///     &openapi_client_codegen::Options::new("t"),
/// )
/// .unwrap_err();
/// assert!(error.to_string().contains("#/paths/~1x/get/responses"), "{error}");
/// ```
///
/// Runs on a thread of its own with a 64 MiB stack (enough for the deepest input it accepts),
/// or on the caller's if no thread can be started, and makes the crate's Rust files on that
/// thread and a second one (the same bytes, in about two thirds of the time on two cores);
/// a panic (a bug) is passed on to the caller as it is.
pub fn generate(spec_text: &str, options: &Options) -> Result<Output, Error> {
    generate_with_timings(spec_text, options).map(|(output, _)| output)
}

/// [`generate`] for a description kept in many files: `root` is the root file's path relative
/// to the folder `files` reads (`openapi.yaml`), `root_text` its text. Every reference into
/// another file is gathered the way a bundler does it (see [`files`]), so the crate is the one
/// the description's bundle gives; every pointer of a diagnostic names the file it is in
/// (`models/pet.yaml#/properties/name:7:5`), and the configuration's pointers may name places
/// in any file (`models/pet.yaml#/properties/name`).
///
/// ```
/// use openapi_client_codegen::{Options, files::MemoryFiles, generate_files};
///
/// let root = "openapi: 3.0.3\ninfo: {title: Zoo, version: '1'}\npaths:\n  /pets:\n    get:\n      operationId: listPets\n      responses:\n        '200':\n          description: Pets\n          content: {application/json: {schema: {$ref: models/pet.yaml}}}\n";
/// let files = MemoryFiles::of([("models/pet.yaml", "type: object\nproperties: {name: {type: string}}\n")]);
/// let output = generate_files("openapi.yaml", root, &files, &Options::new("zoo"))?;
/// assert!(output.files["src/types.rs"].contains("pub struct Pet"));
/// # Ok::<(), openapi_client_codegen::Error>(())
/// ```
pub fn generate_files(
    root: &str,
    root_text: &str,
    files: &dyn files::Files,
    options: &Options,
) -> Result<Output, Error> {
    generate_files_with_timings(root, root_text, files, options).map(|(output, _)| output)
}

/// [`generate_files`], also reporting how long each stage took (reading and gathering the
/// files is part of `load`).
#[doc(hidden)]
pub fn generate_files_with_timings(
    root: &str,
    root_text: &str,
    files: &dyn files::Files,
    options: &Options,
) -> Result<(Output, Timings), Error> {
    on_big_stack(|| {
        let start = Instant::now();
        let gathered = files::gather(root, root_text, files, &files::Allow::of(&options.config))?;
        let read = start.elapsed();
        let sources = gathered.sources;
        let options = Options {
            config: config_in_gathered(&options.config, &sources),
            ..options.clone()
        };
        let (mut output, mut timings) =
            generate_tree(gathered.tree, gathered.warnings, &options, start)
                .map_err(|e| sources.translate_error(e))?;
        sources.translate_all(&mut output.diagnostics);
        timings.load = timings.load.max(read);
        Ok((output, timings))
    })
}

/// The configuration with every key naming a place in a file (`models/pet.yaml#/properties/x`)
/// turned into the pointer of that place in the gathered tree; a key naming no place gathered
/// is left as written (and reported as matching nothing).
fn config_in_gathered(config: &config::Config, sources: &files::SourceMap) -> config::Config {
    let mut config = config.clone();
    for entry in config
        .rename_types
        .iter_mut()
        .chain(config.rename_methods.iter_mut())
        .chain(config.type_overrides.iter_mut())
    {
        let Some((file, pointer)) = entry.key.split_once('#') else {
            continue;
        };
        if file.is_empty() {
            continue;
        }
        if let Some(gathered) = sources.gathered_pointer(file, pointer) {
            entry.key = gathered;
        }
    }
    config
}

/// Runs `work` on a thread with a [`STACK_SIZE`] stack (or the caller's if none can be
/// started), passing a panic on as it is.
fn on_big_stack<T: Send>(work: impl Fn() -> T + Sync) -> T {
    std::thread::scope(|scope| {
        let spawned = std::thread::Builder::new()
            .name("openapi-generator".into())
            .stack_size(STACK_SIZE)
            .spawn_scoped(scope, &work);
        match spawned {
            Ok(thread) => thread
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            Err(_) => work(),
        }
    })
}

/// Time spent in each stage of one [`generate_with_timings`] call, for `cargo xtask bench`.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, Default)]
pub struct Timings {
    /// Text → JSON tree → typed document (includes checking every operation).
    pub load: Duration,
    /// Document → model (resolving references, building the `TypeSpace`).
    pub model: Duration,
    /// Model → plan: every Rust item with its decisions (`plan::build`).
    pub plan: Duration,
    /// Plan → token streams and the other text files. Emitting and formatting run on two
    /// threads at once (`src/types.rs` on one, the other files on the other): this and
    /// [`Timings::format`] are the two threads' times added up, and may overlap.
    pub emit: Duration,
    /// Token streams → source text (syn parse and prettyplease), both threads' time.
    pub format: Duration,
}

/// [`generate`], also reporting how long each stage took.
#[doc(hidden)]
pub fn generate_with_timings(
    spec_text: &str,
    options: &Options,
) -> Result<(Output, Timings), Error> {
    on_big_stack(|| {
        let start = Instant::now();
        generate_tree(load::read(spec_text)?, Vec::new(), options, start)
    })
}

/// [`load::load_tree`] of the description's tree with `overlays` applied: the document, and
/// the overlays' warnings. Every way in (generation, surfaces, the conformance driver) loads
/// through it.
fn load_overlaid(
    mut tree: serde_json::Value,
    overlays: &[Overlay],
) -> Result<(load::Document, Vec<Diagnostic>), Error> {
    let warnings = overlay::apply_all(&mut tree, overlays)?;
    Ok((load::load_tree(tree)?, warnings))
}

/// The stages after reading: `tree` is the description's JSON tree, `warnings` what reading it
/// found (gathering its files), `start` when reading began.
// Never inlined: `cargo xtask bench` counts a generation's instructions by this symbol.
#[inline(never)]
fn generate_tree(
    tree: serde_json::Value,
    warnings: Vec<Diagnostic>,
    options: &Options,
    start: Instant,
) -> Result<(Output, Timings), Error> {
    let mut read_warnings = warnings;
    model::names::forget();
    let mut timings = Timings::default();
    let (
        load::Document {
            raw,
            api,
            skipped,
            origins,
            warnings,
            vocabulary,
            ..
        },
        overlay_warnings,
    ) = load_overlaid(tree, &options.overlays)?;
    read_warnings.extend(overlay_warnings);
    timings.load = start.elapsed();
    let start = Instant::now();
    let mut model = model::build_from(&raw, api, &skipped, &warnings, vocabulary, &options.config)
        .map_err(|e| origins.restore_error(e))?
        .release();
    // The model has read all it needs of the document: its tree, the largest thing alive
    // until now, would otherwise stay alive while the crate is planned and emitted.
    drop(raw);
    timings.model = start.elapsed();
    // From here on, every pointer names a place in the document as the user wrote it (the
    // crate docs list the skipped operations with theirs).
    origins.restore_all(&mut model.skipped);
    origins.restore_all(&mut model.types.warnings);
    let mut diagnostics = read_warnings;
    diagnostics.extend(model.skipped.iter().cloned());
    diagnostics.extend(model.types.warnings.iter().cloned());
    let diagnostics = diagnostics::settle(diagnostics, options.strict, options.skip_invalid)?;
    let files = emit::emit(
        &model,
        options,
        &mut timings.plan,
        &mut timings.emit,
        &mut timings.format,
    )?;
    Ok((Output { files, diagnostics }, timings))
}

/// The public Rust API the crate generated from a spec would have: its operations and types,
/// with Rust names and type expressions. [`diff::compare`] compares two of these
/// (`openapi-client-codegen diff`).
///
/// Fails on bad input as [`generate`] does by default; see [`api_surface_skipping_invalid`].
///
/// ```
/// let surface = openapi_client_codegen::api_surface(
///     "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /pets:\n    get:\n      operationId: listPets\n      responses: {'204': {description: none}}\n",
/// )?;
/// assert_eq!(surface.operations[0].name, "list_pets");
/// # Ok::<(), openapi_client_codegen::Error>(())
/// ```
pub fn api_surface(spec_text: &str) -> Result<surface::Surface, Error> {
    surface_of(spec_text, &config::Config::default(), &[], false)
}

/// [`api_surface`] as [`generate`] sees the spec with [`Options::skip_invalid`]: operations the
/// spec gets wrong are left out and listed in [`surface::Surface::skipped`].
pub fn api_surface_skipping_invalid(spec_text: &str) -> Result<surface::Surface, Error> {
    surface_of(spec_text, &config::Config::default(), &[], true)
}

/// [`api_surface`] with the maintainer's configuration applied (renames, overrides, filters,
/// the base URL), as [`generate`] applies [`Options::config`].
///
/// ```
/// use openapi_client_codegen::config::Config;
///
/// let spec = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /pets:\n    get:\n      operationId: listPets\n      responses: {'204': {description: none}}\n";
/// let config = Config::parse("[rename.methods]\nlistPets = \"pets\"\n", "t.toml")?;
/// let surface = openapi_client_codegen::api_surface_configured(spec, &config, false)?;
/// assert_eq!(surface.operations[0].name, "pets");
/// # Ok::<(), openapi_client_codegen::Error>(())
/// ```
pub fn api_surface_configured(
    spec_text: &str,
    config: &config::Config,
    skip_invalid: bool,
) -> Result<surface::Surface, Error> {
    surface_of(spec_text, config, &[], skip_invalid)
}

/// [`api_surface_configured`] of the description with `overlays` applied, in order, as
/// [`generate`] applies [`Options::overlays`] (`openapi-client-codegen diff` compares the
/// overlaid descriptions).
///
/// ```
/// use openapi_client_codegen::{Overlay, config::Config};
///
/// let spec = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /pets:\n    get:\n      operationId: listPets\n      responses: {'204': {description: none}}\n";
/// let overlay = Overlay::new(
///     "rename.overlay.yaml",
///     "overlay: 1.1.0\ninfo: {title: Rename, version: '1'}\nactions:\n  - target: $.paths['/pets'].get\n    update: {operationId: allPets}\n",
/// );
/// let surface =
///     openapi_client_codegen::api_surface_overlaid(spec, &Config::default(), &[overlay], false)?;
/// assert_eq!(surface.operations[0].name, "all_pets");
/// # Ok::<(), openapi_client_codegen::Error>(())
/// ```
pub fn api_surface_overlaid(
    spec_text: &str,
    config: &config::Config,
    overlays: &[Overlay],
    skip_invalid: bool,
) -> Result<surface::Surface, Error> {
    surface_of(spec_text, config, overlays, skip_invalid)
}

/// [`api_surface_overlaid`] of a description kept in many files (see [`generate_files`]),
/// `overlays` applied to the gathered tree as [`generate_files`] applies them. The surface's
/// pointers are those of the gathered tree, which are the bundle's: a split description and
/// its bundle have the same surface. Errors name the files.
pub fn api_surface_files(
    root: &str,
    root_text: &str,
    files: &dyn files::Files,
    config: &config::Config,
    overlays: &[Overlay],
    skip_invalid: bool,
) -> Result<surface::Surface, Error> {
    on_big_stack(|| {
        let gathered = files::gather(root, root_text, files, &files::Allow::of(config))?;
        let sources = gathered.sources;
        let config = config_in_gathered(config, &sources);
        surface_of_tree(gathered.tree, &config, overlays, skip_invalid)
            .map_err(|e| sources.translate_error(e))
    })
}

fn surface_of(
    spec_text: &str,
    config: &config::Config,
    overlays: &[Overlay],
    skip_invalid: bool,
) -> Result<surface::Surface, Error> {
    surface_of_tree(load::read(spec_text)?, config, overlays, skip_invalid)
}

fn surface_of_tree(
    tree: serde_json::Value,
    config: &config::Config,
    overlays: &[Overlay],
    skip_invalid: bool,
) -> Result<surface::Surface, Error> {
    let (doc, _) = load_overlaid(tree, overlays)?;
    let surface = surface::describe(&doc, config)?;
    // Bad input fails here as in `generate`; unsupported constructs are never fatal (no
    // `strict`): the surface lists them as skipped.
    diagnostics::settle(surface.skipped.clone(), false, skip_invalid)?;
    Ok(surface)
}

#[doc(hidden)]
/// The crate [`generate`] makes from `spec_text`, and the conformance driver that calls each of
/// its operations `rounds` times (see [`conformance`]), for `cargo xtask conformance`. Fails as
/// [`generate`] does.
pub fn generate_with_conformance_driver(
    spec_text: &str,
    options: &Options,
    rounds: u32,
) -> Result<(Output, conformance::Driver), Error> {
    let output = generate(spec_text, options)?;
    let driver = on_big_stack(|| driver_of(load::read(spec_text)?, options, rounds))?;
    Ok((output, driver))
}

#[doc(hidden)]
/// [`generate_with_conformance_driver`] of a description kept in many files (see
/// [`generate_files`]).
pub fn generate_files_with_conformance_driver(
    root: &str,
    root_text: &str,
    files: &dyn files::Files,
    options: &Options,
    rounds: u32,
) -> Result<(Output, conformance::Driver), Error> {
    let output = generate_files(root, root_text, files, options)?;
    let driver = on_big_stack(|| {
        let gathered = files::gather(root, root_text, files, &files::Allow::of(&options.config))?;
        let options = Options {
            config: config_in_gathered(&options.config, &gathered.sources),
            ..options.clone()
        };
        driver_of(gathered.tree, &options, rounds).map_err(|e| gathered.sources.translate_error(e))
    })?;
    Ok((output, driver))
}

/// The conformance driver of the description whose JSON tree is `tree`.
fn driver_of(
    tree: serde_json::Value,
    options: &Options,
    rounds: u32,
) -> Result<conformance::Driver, Error> {
    let (
        load::Document {
            raw,
            api,
            skipped,
            origins,
            warnings,
            vocabulary,
            ..
        },
        _,
    ) = load_overlaid(tree, &options.overlays)?;
    let mut model = model::build_from(&raw, api, &skipped, &warnings, vocabulary, &options.config)
        .map_err(|e| origins.restore_error(e))?;
    origins.restore_all(&mut model.skipped);
    Ok(conformance::driver(
        &model,
        &raw,
        &options.crate_name,
        rounds,
    ))
}
