//! Stage 5: the plan → token streams (and a few text files), one emitter per output file.

mod client;
mod docs;
mod krate;
mod pagination;
mod readme;
mod runtime;
mod types;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crate::Options;
use crate::diagnostics::Error;
use crate::format;
use crate::model::Model;

/// The generated crate's version when the configuration does not set one.
pub const DEFAULT_VERSION: &str = "0.1.0";

/// One Rust file of the crate, made and formatted by whichever thread of [`emit`] takes it.
#[derive(Clone, Copy)]
enum Job<'p> {
    Types,
    Lib,
    OperationsMod,
    Group(&'p crate::plan::Module<'p>),
}

/// A Rust file made: its path and text.
type Made = Result<(String, String), Error>;

/// What one thread of [`emit`] did: each file it made (by its job's index) and the time it
/// spent making tokens and formatting them.
#[derive(Default)]
struct Done {
    files: Vec<(usize, Made)>,
    emit: Duration,
    format: Duration,
}

/// Plans, emits and formats every file of the crate; adds the time spent planning to
/// `plan_time`, making tokens and text to `emit_time` and formatting to `format_time`.
///
/// The Rust files are made and formatted by two threads (this one and a second, when one can
/// be started), each taking the next file not yet taken, `src/types.rs` (the largest) first.
/// A file's text depends on its own tokens and the plan alone, which both threads only read,
/// so the crate is the same byte for byte in less time on a machine with two cores or more
/// (formatting is about half of a generation). The two threads' times are added up:
/// `emit_time` and `format_time` may overlap.
pub fn emit(
    model: &Model,
    options: &Options,
    plan_time: &mut Duration,
    emit_time: &mut Duration,
    format_time: &mut Duration,
) -> Result<BTreeMap<String, String>, Error> {
    emit_on(model, options, [plan_time, emit_time, format_time], true)
}

/// [`emit`], with a second thread or on this one alone (`second_thread`), adding to the times
/// of planning, emitting and formatting.
fn emit_on(
    model: &Model,
    options: &Options,
    [plan_time, emit_time, format_time]: [&mut Duration; 3],
    second_thread: bool,
) -> Result<BTreeMap<String, String>, Error> {
    let start = Instant::now();
    let plan = crate::plan::build(model, &options.client_settings());
    *plan_time += start.elapsed();
    let header = format::header(&options.spec_label, &options.regenerate_command);
    let krate = options.crate_name.replace('-', "_");
    let mut jobs = vec![Job::Types, Job::Lib];
    if !plan.modules.is_empty() {
        jobs.push(Job::OperationsMod);
    }
    jobs.extend(plan.modules.iter().map(Job::Group));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let work = || {
        let mut done = Done::default();
        // The doc blocks of the files a thread makes wait in its own table until it formats
        // them (see `format::doc_block`).
        format::clear_blocks();
        loop {
            let index = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(job) = jobs.get(index) else {
                break;
            };
            let start = Instant::now();
            let mut format_time = Duration::ZERO;
            let mut format = |path: String, tokens| {
                let formatting = Instant::now();
                let text = format::rust_file(&header, &path, tokens);
                format_time += formatting.elapsed();
                text.map(|text| (path, text))
            };
            let file = match *job {
                Job::Types => {
                    let path = "src/types.rs";
                    let (opening, items) = types::types_rs(&plan);
                    format::rust_file_items(&header, path, opening, items, &mut format_time)
                        .map(|text| (path.to_string(), text))
                }
                Job::Lib => format("src/lib.rs".to_string(), krate::lib_rs(&plan, options)),
                Job::OperationsMod => {
                    format("src/operations/mod.rs".to_string(), client::mod_rs(&plan))
                }
                Job::Group(module) => {
                    let (path, tokens) = client::group_file(&plan, module, &krate);
                    format(path, tokens)
                }
            };
            done.format += format_time;
            done.emit += start.elapsed().saturating_sub(format_time);
            done.files.push((index, file));
        }
        done
    };
    let (mine, theirs) = std::thread::scope(|scope| {
        let spawned = second_thread.then(|| {
            std::thread::Builder::new()
                .name("openapi-generator-emit".into())
                .stack_size(crate::STACK_SIZE)
                .spawn_scoped(scope, work)
        });
        let mine = work();
        let theirs = spawned.and_then(Result::ok).map(|thread| {
            thread
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        });
        (mine, theirs.unwrap_or_default())
    });
    let mut made: Vec<_> = mine.files.into_iter().chain(theirs.files).collect();
    // The first failure in the order the files were made in before there were two threads
    // (lib.rs, the operations, types.rs), whichever thread met it.
    made.sort_by_key(|(index, _)| match jobs[*index] {
        Job::Types => usize::MAX,
        _ => *index,
    });
    let mut files = BTreeMap::new();
    files.insert("Cargo.toml".to_string(), krate::manifest(&plan, options));
    files.insert("README.md".to_string(), readme::readme(&plan, options));
    for (_, file) in made {
        let (path, text) = file?;
        files.insert(path, text);
    }
    for (path, text) in runtime::files() {
        files.insert(path, format!("{header}{text}"));
    }
    *emit_time += mine.emit + theirs.emit;
    *format_time += mine.format + theirs.format;
    Ok(files)
}

/// `#[doc = "..."]` attributes for a text from the spec, one per line, so that it reads as `///`
/// comments; its code blocks are not doctests.
fn doc_attrs(text: Option<&str>) -> proc_macro2::TokenStream {
    let Some(text) = text else {
        return proc_macro2::TokenStream::new();
    };
    code_doc_attrs(&docs::inert_code_blocks(&without_carriage_returns(text)))
}

/// `#[doc = "..."]` attributes for text written by the generator, whose code blocks are
/// doctests.
///
/// The lines are not put in the tokens: one `#[doc]` attribute stands for all of them (see
/// [`format::doc_block`]), and formatting writes them, as `///` lines, where it stands. Putting
/// every line in a string literal of its own (escaped, parsed back by syn, unescaped again by
/// prettyplease) makes formatting about a quarter slower for the same text (measured: see
/// `format.rs`).
fn code_doc_attrs(text: &str) -> proc_macro2::TokenStream {
    if text.lines().next().is_none() {
        return proc_macro2::TokenStream::new();
    }
    format::doc_block(text.to_string())
}

/// Several paragraphs as doc attributes, separated by blank doc lines.
fn doc_paragraphs<'a>(
    paragraphs: impl IntoIterator<Item = Option<&'a str>>,
) -> proc_macro2::TokenStream {
    // Each paragraph on its own, so that an unclosed code fence ends with its paragraph.
    let text: Vec<String> = paragraphs
        .into_iter()
        .flatten()
        .map(|p| docs::inert_code_blocks(&without_carriage_returns(p)))
        .collect();
    if text.is_empty() {
        return proc_macro2::TokenStream::new();
    }
    code_doc_attrs(&text.join("\n\n"))
}

/// A bare carriage return is not allowed in a doc comment: line breaks become `\n`.
fn without_carriage_returns(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n").into()
    } else {
        text.into()
    }
}

/// The `#[cfg]` attribute of code compiled under `gate`: `#[cfg(feature = "meetings")]`, or
/// `#[cfg(any(feature = "meetings", feature = "sessions"))]`; nothing when always compiled.
/// The text prettyplease writes of [`cfg`]`(plan, gate)` when it is one line that needs no
/// layout (a single feature), for items written as text (the `json_object!`/`string_enum!`
/// tables): put in their text, it costs no string literal to escape, parse and print.
fn cfg_line(plan: &crate::plan::Plan, gate: &crate::plan::features::Gate) -> Option<String> {
    match gate {
        crate::plan::features::Gate::Any(groups) => match groups.as_slice() {
            [only] => Some(format!(
                "#[cfg(feature = {:?})]\n",
                plan.features.names[*only]
            )),
            _ => None,
        },
        crate::plan::features::Gate::Always => None,
    }
}

fn cfg(plan: &crate::plan::Plan, gate: &crate::plan::features::Gate) -> proc_macro2::TokenStream {
    use crate::plan::features::Gate;
    let names = match gate {
        Gate::Always => return proc_macro2::TokenStream::new(),
        Gate::Any(groups) => groups.iter().map(|g| plan.features.names[*g].as_str()),
    };
    let features: Vec<_> = names.map(|name| quote::quote!(feature = #name)).collect();
    match features.as_slice() {
        [only] => quote::quote!(#[cfg(#only)]),
        several => quote::quote!(#[cfg(any(#(#several),*))]),
    }
}

/// The `#[cfg]` attribute of the code of the group `index` (into `Plan::modules`).
fn group_cfg(plan: &crate::plan::Plan, index: usize) -> proc_macro2::TokenStream {
    cfg(plan, &crate::plan::features::Gate::Any(vec![index]))
}

/// The attribute of a `use` (see [`crate::plan::features::Import`]).
fn import_attr(
    plan: &crate::plan::Plan,
    import: &crate::plan::features::Import,
) -> proc_macro2::TokenStream {
    needed_attr(plan, import, quote::quote!(unused_imports))
}

/// The attribute of a private item needed under `import`'s gates, `lint` saying what
/// `#[allow]` allows when it is not a `#[cfg]`.
fn needed_attr(
    plan: &crate::plan::Plan,
    import: &crate::plan::features::Import,
    lint: proc_macro2::TokenStream,
) -> proc_macro2::TokenStream {
    use crate::plan::features::Import;
    match import {
        Import::Always => proc_macro2::TokenStream::new(),
        Import::Cfg(gate) => cfg(plan, gate),
        Import::AllowUnused => quote::quote!(#[allow(#lint)]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The model of a description's text, built as [`crate::generate`] builds it.
    fn model_of(text: &str) -> Model<'static> {
        let document = crate::load::load(text).unwrap();
        crate::model::build_from(
            &document.raw,
            document.api,
            &document.skipped,
            &document.warnings,
            document.vocabulary,
            &Default::default(),
        )
        .unwrap()
        .release()
    }

    /// Which thread makes which file changes nothing: the crate made by two threads (each
    /// taking the next file, so the split differs from run to run) is the crate made by one.
    #[test]
    fn two_threads_make_the_crate_one_thread_makes() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        for spec in [
            "spec/realtime-kit.yaml",
            "generator/tests/fixtures/operations.yaml",
            "generator/tests/fixtures/streams.yaml",
        ] {
            let text = std::fs::read_to_string(root.join(spec)).unwrap();
            let model = model_of(&text);
            let options = Options::default();
            let mut times = [Duration::ZERO; 3];
            let [a, b, c] = &mut times;
            let one = emit_on(&model, &options, [a, b, c], false).unwrap();
            for _ in 0..3 {
                let [a, b, c] = &mut times;
                let two = emit_on(&model, &options, [a, b, c], true).unwrap();
                assert_eq!(one.len(), two.len(), "{spec}");
                for (path, text) in &one {
                    assert!(two.get(path) == Some(text), "{spec}: {path} differs");
                }
            }
            assert!(one.len() > 5, "{spec}: {} files", one.len());
        }
    }
}
