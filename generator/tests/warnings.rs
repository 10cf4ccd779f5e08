//! Every crate the generator emits compiles without warnings, whatever the spec: each fixture
//! under `generator/tests/fixtures/`, the committed `spec/realtime-kit.yaml`, and every spec of
//! the shared corpus (`../shared/corpus/`, skipped with a notice when absent) is generated and
//! checked with `cargo clippy --all-targets` under `RUSTFLAGS=-D warnings` (the settings of
//! `support`), all of them in one cargo run over a workspace of the crates: the runtime and
//! the dependencies are checked once, not once per spec.
//!
//! The other tests compile the crates whose behaviour they test; this one is the guarantee over
//! every spec the repository has, so that a new fixture is covered the day it is added.

// The library is published as `openapi-client-codegen`; these tests call it `generator`.
extern crate openapi_client_codegen as generator;

mod support;

use std::fs;
use std::path::{Path, PathBuf};

/// The YAML and JSON files of `dir`, sorted.
fn specs_in(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json"))
        .collect();
    found.sort();
    found
}

#[test]
fn every_fixture_and_corpus_spec_compiles_without_warnings() {
    let root = support::workspace_root();
    let mut specs = specs_in(&root.join("generator/tests/fixtures"));
    specs.push(root.join("spec/realtime-kit.yaml"));
    let corpus = root.join("../shared/corpus");
    if corpus.is_dir() {
        specs.extend(specs_in(&corpus));
    } else {
        eprintln!("notice: ../shared/corpus not found; checking the fixtures and spec/ only");
    }

    let workspace = support::TestCrate::empty();
    let mut members = Vec::new();
    let mut texts = std::collections::BTreeSet::new();
    for (i, spec) in specs.iter().enumerate() {
        let stem: String = spec
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect();
        let member = format!("{i:02}-{stem}");
        let text = fs::read_to_string(spec).unwrap();
        // The committed spec may be a copy of a corpus spec: one crate is enough.
        if !texts.insert(text.clone()) {
            continue;
        }
        let options = generator::Options {
            spec_label: spec
                .strip_prefix(&root)
                .unwrap_or(spec)
                .display()
                .to_string(),
            ..support::options(&format!("warnings-{member}"))
        };
        let output = support::generate_with(&text, &options);
        support::write_output(&workspace.path().join(&member), &output);
        members.push(member);
    }
    let manifest = format!(
        "[workspace]\nresolver = \"3\"\nmembers = [{}]\n",
        members
            .iter()
            .map(|m| format!("{m:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    workspace.add_file("Cargo.toml", &manifest);
    let started = std::time::Instant::now();
    support::cargo(
        workspace.path(),
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--message-format",
            "short",
        ],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    eprintln!(
        "{} crates checked with -D warnings in {:.1?}",
        members.len(),
        started.elapsed()
    );
}
