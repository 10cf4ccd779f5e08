//! Golden test of the emitted client code: what the generator writes for the operations
//! fixture (every kind of parameter, body, response and security) is kept under
//! `golden/operations/`, so a change in emission shows up as a reviewable diff. Refresh with
//! `UPDATE_EXPECT=1 cargo test -p openapi-client-codegen --test golden`. (The project's own spec needs no
//! golden files here: the committed `generated/` crate is its golden output, checked by
//! `cargo xtask codegen --check` and the `xtask` test.)

// The library is published as `openapi-client-codegen`; these tests call it `generator`.
extern crate openapi_client_codegen as generator;

use std::path::Path;

use expect_test::expect_file;
use generator::{Options, generate};

/// The fixture's server is Cloudflare's, and it is configured as `spec/realtime-kit.toml`
/// configures Cloudflare's crate: the `cf-ray` request id, read by `ray_id()`.
const CLOUDFLARE_CLIENT: &str = "[client]
request_id_header = \"cf-ray\"
request_id_method = \"ray_id\"
request_id_doc = \"The `cf-ray` response header, which identifies the request to Cloudflare support.\"
";

fn options() -> Options {
    Options {
        config: generator::config::Config::parse(CLOUDFLARE_CLIENT, "golden.toml").unwrap(),
        crate_name: "golden".into(),
        spec_label: "spec/realtime-kit.yaml".into(),
        regenerate_command: "cargo xtask codegen".into(),
        env_prefix: None,
        strict: true,
        skip_invalid: false,
        overlays: Vec::new(),
        extra_dev_dependencies: Vec::new(),
    }
}

fn spec(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn operations_fixture_source() {
    let fixture = include_str!("fixtures/operations.yaml");
    let output = generate(fixture, &options()).unwrap();
    assert!(output.diagnostics.is_empty(), "{:?}", output.diagnostics);
    for (file, golden) in [
        ("src/lib.rs", expect_file!["golden/operations/lib.rs"]),
        (
            "src/operations/mod.rs",
            expect_file!["golden/operations/operations/mod.rs"],
        ),
        (
            "src/operations/meetings.rs",
            expect_file!["golden/operations/operations/meetings.rs"],
        ),
        (
            "src/operations/cloudflare_images.rs",
            expect_file!["golden/operations/operations/cloudflare_images.rs"],
        ),
        (
            "src/operations/customers.rs",
            expect_file!["golden/operations/operations/customers.rs"],
        ),
        (
            "Cargo.toml",
            expect_file!["golden/operations/Cargo.toml.txt"],
        ),
    ] {
        golden.assert_eq(&output.files[file]);
    }
}

/// The project's spec reduced to one operation: its path item with only `method` (and the
/// path-level parameters), and the components reachable from it.
fn only_operation(spec: &str, path: &str, method: &str) -> String {
    let mut doc: serde_json::Value = serde_norway::from_str(spec).unwrap();
    let item = doc["paths"][path].clone();
    let mut kept = serde_json::Map::new();
    for key in ["parameters", method] {
        if let Some(value) = item.get(key) {
            kept.insert(key.to_string(), value.clone());
        }
    }
    doc["paths"] = serde_json::json!({ path: kept });
    // Components reachable from the paths, following references transitively.
    fn refs(value: &serde_json::Value, found: &mut Vec<String>) {
        match value {
            serde_json::Value::Object(map) => {
                if let Some(serde_json::Value::String(r)) = map.get("$ref") {
                    found.push(r.clone());
                }
                map.values().for_each(|v| refs(v, found));
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| refs(v, found)),
            _ => {}
        }
    }
    let mut reachable = std::collections::BTreeSet::new();
    let mut pending = Vec::new();
    refs(&doc["paths"], &mut pending);
    while let Some(reference) = pending.pop() {
        if reachable.insert(reference.clone()) {
            let pointer = reference.trim_start_matches('#');
            refs(
                &doc.pointer(pointer).cloned().unwrap_or_default(),
                &mut pending,
            );
        }
    }
    let components = doc["components"].as_object_mut().unwrap();
    for (kind, entries) in components.iter_mut() {
        if kind == "securitySchemes" {
            continue;
        }
        if let Some(entries) = entries.as_object_mut() {
            entries.retain(|name, _| reachable.contains(&format!("#/components/{kind}/{name}")));
        }
    }
    serde_json::to_string(&doc).unwrap()
}

/// Cloudflare's own published text of the same operation generates the same Rust as the
/// project's spec restricted to that operation (outside the crate docs, which quote the spec's
/// description).
#[test]
fn cloudflare_published_operation_generates_the_same_code() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    let path = corpus.join("get-meeting-participant.yaml");
    let Ok(published) = std::fs::read_to_string(&path) else {
        eprintln!(
            "notice: {} not found; skipping the comparison with Cloudflare's text",
            path.display()
        );
        return;
    };
    let ours = only_operation(
        &spec("spec/realtime-kit.yaml"),
        "/accounts/{account_id}/realtime/kit/{app_id}/meetings/{meeting_id}/participants/{participant_id}",
        "get",
    );
    let ours = generate(&ours, &options()).unwrap();
    let theirs = generate(&published, &options()).unwrap();
    assert!(theirs.diagnostics.is_empty(), "{:?}", theirs.diagnostics);
    assert_eq!(
        ours.files.keys().collect::<Vec<_>>(),
        theirs.files.keys().collect::<Vec<_>>()
    );
    for (file, text) in &ours.files {
        // The crate docs quote the spec's own description, which differs.
        let code = |text: &str| {
            text.lines()
                .filter(|l| !l.starts_with("//!"))
                .collect::<Vec<_>>()
                .join("\n")
        };
        assert_eq!(code(text), code(&theirs.files[file]), "{file} differs");
    }
}
