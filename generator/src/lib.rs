//! Turns an OpenAPI 3.0 or 3.1 description into the files of a Rust client crate.
//!
//! The pipeline, one module per stage: [`load`] (text → document) → [`lower`] (OpenAPI 3.1's
//! JSON Schema 2020-12 into the 3.0 shape, run by `load`) → [`resolve`] (`$ref` lookup)
//! → [`model`] (operations and types, normalized) → [`emit`] (token streams) → [`format`] (source
//! text). Writing files is the caller's job (see the `xtask` crate).

pub mod config;
pub mod conformance;
pub mod diagnostics;
mod emit;
mod format;
pub mod load;
pub mod lower;
pub mod model;
pub mod plan;
pub mod resolve;
pub mod surface;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

pub use diagnostics::{Category, Diagnostic, Error, Severity};

/// What to generate and how the output describes itself.
#[derive(Debug, Clone)]
pub struct Options {
    /// Package name of the generated crate, e.g. `cloudflare-realtime-kit`.
    pub crate_name: String,
    /// How the header of every generated file names the spec, e.g. `spec/realtime-kit.yaml`.
    pub spec_label: String,
    /// The command the header tells readers to run to regenerate, e.g. `cargo xtask codegen`.
    pub regenerate_command: String,
    /// Prefix of the environment variables the client reads (`<PREFIX>_API_TOKEN`,
    /// `<PREFIX>_BASE_URL`). `None` derives it from the first word of `info.title`.
    pub env_prefix: Option<String>,
    /// Turn warnings (such as an operation skipped because it uses a cookie parameter) into
    /// errors.
    pub strict: bool,
    /// Skip the operations the spec gets wrong, with a warning each, instead of failing.
    ///
    /// By default, bad input ([`Category::BadInput`]: an invalid operation or path item, a
    /// dangling or external `$ref`, a `$ref` cycle with no object or array in between, a path
    /// template without its parameter, ...) makes [`generate`] fail with every such problem.
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
/// Runs on a thread of its own with a 64 MiB stack (enough for the deepest input it accepts),
/// or on the caller's if no thread can be started; a panic (a bug) is passed on to the caller
/// as it is.
pub fn generate(spec_text: &str, options: &Options) -> Result<Output, Error> {
    generate_with_timings(spec_text, options).map(|(output, _)| output)
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
    /// Plan → token streams and the other text files.
    pub emit: Duration,
    /// Token streams → source text (syn parse and prettyplease).
    pub format: Duration,
}

/// [`generate`], also reporting how long each stage took.
#[doc(hidden)]
pub fn generate_with_timings(
    spec_text: &str,
    options: &Options,
) -> Result<(Output, Timings), Error> {
    std::thread::scope(|scope| {
        let spawned = std::thread::Builder::new()
            .name("openapi-generator".into())
            .stack_size(STACK_SIZE)
            .spawn_scoped(scope, || generate_here(spec_text, options));
        match spawned {
            Ok(thread) => thread
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            Err(_) => generate_here(spec_text, options),
        }
    })
}

fn generate_here(spec_text: &str, options: &Options) -> Result<(Output, Timings), Error> {
    let mut timings = Timings::default();
    let start = Instant::now();
    let load::Document {
        raw,
        api,
        skipped,
        origins,
        warnings,
        vocabulary,
        ..
    } = load::load(spec_text)?;
    timings.load = start.elapsed();
    let start = Instant::now();
    let mut model = model::build_from(&raw, &api, &skipped, &warnings, vocabulary, &options.config)
        .map_err(|e| origins.restore_error(e))?;
    // The model reads the spec through the JSON tree only: the typed document (about as large)
    // is not needed to emit.
    drop(api);
    timings.model = start.elapsed();
    // From here on, every pointer names a place in the document as the user wrote it (the
    // crate docs list the skipped operations with theirs).
    origins.restore_all(&mut model.skipped);
    origins.restore_all(&mut model.types.warnings);
    let mut diagnostics = model.skipped.clone();
    diagnostics.extend(model.types.warnings.iter().cloned());
    let diagnostics = diagnostics::settle(diagnostics, options.strict, options.skip_invalid)?;
    let start = Instant::now();
    let files = emit::emit(&model, options, &mut timings.plan, &mut timings.format)?;
    timings.emit = start
        .elapsed()
        .saturating_sub(timings.plan + timings.format);
    Ok((Output { files, diagnostics }, timings))
}

/// The public Rust API the crate generated from a spec would have: its operations and types,
/// with Rust names and type expressions. `cargo xtask diff` compares two of these.
///
/// Fails on bad input as [`generate`] does by default; see [`api_surface_skipping_invalid`].
pub fn api_surface(spec_text: &str) -> Result<surface::Surface, Error> {
    surface_of(spec_text, &config::Config::default(), false)
}

/// [`api_surface`] as [`generate`] sees the spec with [`Options::skip_invalid`]: operations the
/// spec gets wrong are left out and listed in [`surface::Surface::skipped`].
pub fn api_surface_skipping_invalid(spec_text: &str) -> Result<surface::Surface, Error> {
    surface_of(spec_text, &config::Config::default(), true)
}

/// [`api_surface`] with the maintainer's configuration applied (renames, overrides, filters),
/// as [`generate`] applies [`Options::config`].
pub fn api_surface_configured(
    spec_text: &str,
    config: &config::Config,
    skip_invalid: bool,
) -> Result<surface::Surface, Error> {
    surface_of(spec_text, config, skip_invalid)
}

fn surface_of(
    spec_text: &str,
    config: &config::Config,
    skip_invalid: bool,
) -> Result<surface::Surface, Error> {
    let doc = load::load(spec_text)?;
    let surface = surface::describe(&doc, config)?;
    // Bad input fails here as in `generate`; unsupported constructs are never fatal (no
    // `strict`): the surface lists them as skipped.
    diagnostics::settle(surface.skipped.clone(), false, skip_invalid)?;
    Ok(surface)
}

/// The crate [`generate`] makes from `spec_text`, and the conformance driver that calls each of
/// its operations `rounds` times (see [`conformance`]), for `cargo xtask conformance`. Fails as
/// [`generate`] does.
pub fn generate_with_conformance_driver(
    spec_text: &str,
    options: &Options,
    rounds: u32,
) -> Result<(Output, conformance::Driver), Error> {
    let output = generate(spec_text, options)?;
    let driver = std::thread::scope(|scope| {
        let make = || -> Result<conformance::Driver, Error> {
            let load::Document {
                raw,
                api,
                skipped,
                origins,
                warnings,
                vocabulary,
                ..
            } = load::load(spec_text)?;
            let mut model =
                model::build_from(&raw, &api, &skipped, &warnings, vocabulary, &options.config)
                    .map_err(|e| origins.restore_error(e))?;
            origins.restore_all(&mut model.skipped);
            Ok(conformance::driver(
                &model,
                &raw,
                &options.crate_name,
                rounds,
            ))
        };
        match std::thread::Builder::new()
            .name("conformance-driver".into())
            .stack_size(STACK_SIZE)
            .spawn_scoped(scope, make)
        {
            Ok(thread) => thread
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            Err(_) => make(),
        }
    })?;
    Ok((output, driver))
}
