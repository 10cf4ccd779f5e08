//! One small spec per schema construct (`fixtures/<construct>.yaml`): each is generated with
//! `strict: true`, gets a hand-written program (`constructs/<program>.rs`, added to the crate as
//! `tests/roundtrip.rs`) that decodes realistic JSON into the generated types, checks the values
//! field by field and serializes them back, and is then tested with `cargo test`.
//!
//! The programs name the generated crate `<construct>_fixture` (see [`crate_name`]). Golden files
//! of `src/types.rs` for two fixtures are under `golden/constructs/`; refresh them with
//! `UPDATE_EXPECT=1 cargo test -p openapi-client-codegen --test constructs`.

// The library is published as `openapi-client-codegen`; these tests call it `generator`.
extern crate openapi_client_codegen as generator;

mod support;

#[path = "constructs/methods.rs"]
mod methods;

use expect_test::expect_file;
use generator::Options;

/// `one_of` → `one-of-fixture` (used in Rust as `one_of_fixture`).
fn crate_name(construct: &str) -> String {
    format!("{}-fixture", construct.replace('_', "-"))
}

fn options(construct: &str) -> Options {
    Options {
        spec_label: format!("generator/tests/fixtures/{construct}.yaml"),
        regenerate_command:
            "UPDATE_EXPECT=1 cargo test -p openapi-client-codegen --test constructs".to_string(),
        strict: true,
        skip_invalid: false,
        ..support::options(&crate_name(construct))
    }
}

/// Generates the fixture's crate (no diagnostics allowed), adds `program` as
/// `tests/roundtrip.rs` and runs `cargo test` on it.
fn roundtrip(construct: &str, spec: &str, program: &str) -> support::TestCrate {
    let krate = support::generate_crate_with(spec, &options(construct));
    assert!(
        krate.output.diagnostics.is_empty(),
        "{construct}: unexpected diagnostics: {:#?}",
        krate.output.diagnostics
    );
    krate.add_file("tests/roundtrip.rs", program);
    krate.check().unwrap_or_else(|e| panic!("{construct}: {e}"));
    krate.test().unwrap_or_else(|e| panic!("{construct}: {e}"));
    krate
}

/// The crate's operation methods are exactly `expected` (name, return type).
fn assert_methods(krate: &support::TestCrate, expected: &[(&str, &str)]) {
    let found = methods::return_types(krate.path());
    let expected: std::collections::BTreeMap<String, String> = expected
        .iter()
        .map(|(name, ty)| (name.to_string(), ty.to_string()))
        .collect();
    assert_eq!(found, expected);
}

#[test]
fn allof() {
    roundtrip(
        "allof",
        include_str!("fixtures/allof.yaml"),
        include_str!("constructs/allof.rs"),
    );
}

#[test]
fn one_of() {
    roundtrip(
        "one_of",
        include_str!("fixtures/one_of.yaml"),
        include_str!("constructs/one_of.rs"),
    );
}

#[test]
fn one_of_discriminator() {
    roundtrip(
        "one_of",
        include_str!("fixtures/one_of.yaml"),
        include_str!("constructs/one_of_discriminator.rs"),
    );
}

#[test]
fn one_of_nullable_map_values() {
    roundtrip(
        "one_of",
        include_str!("fixtures/one_of.yaml"),
        include_str!("constructs/one_of_nullable_map_values.rs"),
    );
}

#[test]
fn enums() {
    roundtrip(
        "enums",
        include_str!("fixtures/enums.yaml"),
        include_str!("constructs/enums.rs"),
    );
}

#[test]
fn maps() {
    let krate = roundtrip(
        "maps",
        include_str!("fixtures/maps.yaml"),
        include_str!("constructs/maps.rs"),
    );
    assert_methods(
        &krate,
        &[
            ("zone_analytics_dashboard", "Dashboard"),
            (
                "repos_list_languages",
                "std::collections::BTreeMap<String, i64>",
            ),
        ],
    );
}

#[test]
fn names() {
    let krate = roundtrip(
        "names",
        include_str!("fixtures/names.yaml"),
        include_str!("constructs/names.rs"),
    );
    // operationIds in snake, kebab, Pascal and camel case, and one without operationId.
    assert_methods(
        &krate,
        &[
            ("get_zone_settings", "ZoneSettings"),
            ("analyze_certificate", "TlsReport"),
            ("get_live_input", "StreamLiveInput"),
            ("list_live_inputs", "StreamLiveInput2"),
            ("put_macro_words", "MacroWords"),
            // Without an operationId: a verb and the path's nouns, and (deprecated, for one
            // release) the name earlier versions made of the whole path.
            (
                "list_live_input_outputs",
                "Vec<ListLiveInputOutputsResponseItem>",
            ),
            (
                "get_accounts_account_id_stream_live_inputs_input_id_outputs",
                "Vec<ListLiveInputOutputsResponseItem>",
            ),
        ],
    );
}

#[test]
fn recursion() {
    roundtrip(
        "recursion",
        include_str!("fixtures/recursion.yaml"),
        include_str!("constructs/recursion.rs"),
    );
}

#[test]
fn formats() {
    roundtrip(
        "formats",
        include_str!("fixtures/formats.yaml"),
        include_str!("constructs/formats.rs"),
    );
}

#[test]
fn numbers() {
    roundtrip(
        "numbers",
        include_str!("fixtures/numbers.yaml"),
        include_str!("constructs/numbers.rs"),
    );
}

#[test]
fn nullable() {
    roundtrip(
        "nullable",
        include_str!("fixtures/nullable.yaml"),
        include_str!("constructs/nullable.rs"),
    );
}

#[test]
fn openapi31() {
    roundtrip(
        "openapi31",
        include_str!("fixtures/openapi31.yaml"),
        include_str!("constructs/openapi31.rs"),
    );
}

/// FastAPI's own output (`fixtures/openapi31_fastapi.json`, from `fastapi/app.py`).
#[test]
fn openapi31_fastapi() {
    let krate = roundtrip(
        "openapi31_fastapi",
        include_str!("fixtures/openapi31_fastapi.json"),
        include_str!("constructs/openapi31_fastapi.rs"),
    );
    assert_methods(
        &krate,
        &[
            // FastAPI's operationIds name the route, then spell its path and method: the
            // route's name, and the operationId as a deprecated alias for one release.
            ("list_pets", "Vec<Pet>"),
            ("create_pet", "Pet"),
            ("get_pet", "Pet"),
            ("delete_pet", "()"),
            ("upload_photo", "Pet"),
            ("list_pets_pets_get", "Vec<Pet>"),
            ("create_pet_pets_post", "Pet"),
            ("get_pet_pets_pet_id_get", "Pet"),
            ("delete_pet_pets_pet_id_delete", "()"),
            ("upload_photo_pets_pet_id_photo_post", "Pet"),
        ],
    );
}

/// The emitted `src/types.rs` of a fixture, generated without writing or compiling anything.
fn types_rs(construct: &str, spec: &str) -> String {
    let output = support::generate_with(spec, &options(construct));
    output.files["src/types.rs"].clone()
}

#[test]
fn allof_types_golden() {
    let types = types_rs("allof", include_str!("fixtures/allof.yaml"));
    expect_file!["golden/constructs/allof/types.rs"].assert_eq(&types);
}

#[test]
fn one_of_types_golden() {
    let types = types_rs("one_of", include_str!("fixtures/one_of.yaml"));
    expect_file!["golden/constructs/one_of/types.rs"].assert_eq(&types);
}
