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

/// Plans, emits and formats every file of the crate; adds the time spent planning to
/// `plan_time` and formatting to `format_time`.
pub fn emit(
    model: &Model,
    options: &Options,
    plan_time: &mut Duration,
    format_time: &mut Duration,
) -> Result<BTreeMap<String, String>, Error> {
    format::clear_blocks();
    let start = Instant::now();
    let plan = crate::plan::build(model, &options.client_settings());
    *plan_time += start.elapsed();
    let header = format::header(&options.spec_label, &options.regenerate_command);
    let mut files = BTreeMap::new();
    files.insert("Cargo.toml".to_string(), krate::manifest(&plan, options));
    files.insert("README.md".to_string(), readme::readme(&plan, options));
    // Each file is formatted as soon as it is made, and its tokens dropped.
    let krate = options.crate_name.replace('-', "_");
    let lib_rs = ("src/lib.rs".to_string(), krate::lib_rs(&plan, options));
    let operations = client::operation_files(&plan, &krate);
    for (path, tokens) in std::iter::once(lib_rs).chain(operations) {
        let start = Instant::now();
        let text = format::rust_file(&header, &path, tokens)?;
        *format_time += start.elapsed();
        files.insert(path, text);
    }
    let path = "src/types.rs";
    let (opening, items) = types::types_rs(&plan);
    let text = format::rust_file_items(&header, path, opening, items, format_time)?;
    files.insert(path.to_string(), text);
    for (path, text) in runtime::files() {
        files.insert(path, format!("{header}{text}"));
    }
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
