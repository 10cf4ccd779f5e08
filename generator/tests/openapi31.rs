//! OpenAPI 3.1 as a dialect of its own: the equivalence oracle (a 3.0 description and its
//! mechanical translation into 3.1 generate the same crate, byte for byte) and the located
//! diagnostics of 3.1 input. The constructs themselves have fixtures of their own
//! (`fixtures/openapi31_*.yaml`, compiled and round-tripped by `constructs.rs`).

mod support;

use std::fs;

use generator::Options;

fn options() -> Options {
    Options {
        spec_label: "spec.yaml".into(),
        strict: true,
        skip_invalid: false,
        ..support::options("equivalence")
    }
}

/// The text of a 3.0 description translated into 3.1 by [`generator::lower::raise_to_3_1`]
/// (`nullable` → `type` arrays and `null` branches, `example` → `examples`, boolean exclusive
/// bounds → numbers), written as JSON.
fn raised(text: &str) -> String {
    let mut raw = generator::load::read(text).expect("the 3.0 description reads");
    generator::lower::raise_to_3_1(&mut raw);
    serde_json::to_string_pretty(&raw).unwrap()
}

/// Both generate, without diagnostics, the same files.
fn assert_equivalent(name: &str, text: &str) {
    let v30 = generator::generate(text, &options())
        .unwrap_or_else(|e| panic!("{name} (3.0) does not generate:\n{e}"));
    let text31 = raised(text);
    assert!(text31.contains("\"openapi\": \"3.1.0\""));
    let v31 = generator::generate(&text31, &options())
        .unwrap_or_else(|e| panic!("{name} (3.1) does not generate:\n{e}"));
    assert!(v30.diagnostics.is_empty(), "{:#?}", v30.diagnostics);
    assert!(v31.diagnostics.is_empty(), "{:#?}", v31.diagnostics);
    let names = |o: &generator::Output| o.files.keys().cloned().collect::<Vec<_>>();
    assert_eq!(
        names(&v30),
        names(&v31),
        "{name}: the 3.1 crate has other files"
    );
    for (path, content) in &v30.files {
        let other = &v31.files[path];
        if content != other {
            let line = content
                .lines()
                .zip(other.lines())
                .position(|(a, b)| a != b)
                .unwrap_or(0);
            panic!(
                "{name}: {path} differs from line {}:\n3.0: {}\n3.1: {}",
                line + 1,
                content.lines().nth(line).unwrap_or(""),
                other.lines().nth(line).unwrap_or(""),
            );
        }
    }
}

#[test]
fn realtime_kit_in_3_1_generates_the_same_crate_as_in_3_0() {
    let path = support::workspace_root().join("../shared/corpus/realtime-kit.yaml");
    let Ok(text) = fs::read_to_string(&path) else {
        eprintln!("notice: ../shared/corpus/realtime-kit.yaml not found; equivalence test skipped");
        return;
    };
    assert_equivalent("realtime-kit.yaml", &text);
}

#[test]
fn committed_spec_and_fixtures_in_3_1_generate_the_same_crates() {
    let root = support::workspace_root();
    let mut specs = vec![root.join("spec/realtime-kit.yaml")];
    for entry in fs::read_dir(root.join("generator/tests/fixtures")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".yaml") && !name.starts_with("openapi31") {
            specs.push(path);
        }
    }
    specs.sort();
    for spec in specs {
        let text = fs::read_to_string(&spec).unwrap();
        assert_equivalent(&spec.display().to_string(), &text);
    }
}
