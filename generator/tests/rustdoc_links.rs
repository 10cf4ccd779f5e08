//! The docs of generated crates build without a broken or private intra-doc link. The crates
//! allow `rustdoc::broken_intra_doc_links` for the sake of spec text (descriptions may contain
//! `[brackets]`), so this forces the lint back on for everything the generator writes:
//! `cargo rustdoc -- --force-warn rustdoc::broken-intra-doc-links`, and any warning fails.

// The library is published as `openapi-client-codegen`; these tests call it `generator`.
extern crate openapi_client_codegen as generator;

mod support;

use std::path::Path;

fn assert_links_resolve(label: &str, spec: &str) {
    let krate = support::generate_crate(spec);
    let result = support::cargo(
        krate.path(),
        &[
            "rustdoc",
            "--lib",
            "--",
            "--force-warn",
            "rustdoc::broken-intra-doc-links",
            "--force-warn",
            "rustdoc::private-intra-doc-links",
        ],
    );
    if let Err(error) = result {
        panic!("{label}: {error}");
    }
}

#[test]
fn intra_doc_links_of_generated_crates_resolve() {
    let root = support::workspace_root();
    let mut specs = vec![root.join("spec/realtime-kit.yaml")];
    let fixtures = root.join("generator/tests/fixtures");
    let mut entries: Vec<_> = std::fs::read_dir(&fixtures)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    specs.extend(entries);
    for path in specs {
        let spec = std::fs::read_to_string(&path).unwrap();
        let label = path.strip_prefix(&root).unwrap_or(Path::new("?")).display();
        assert_links_resolve(&label.to_string(), &spec);
    }
}
