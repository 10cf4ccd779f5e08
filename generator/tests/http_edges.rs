//! The edges of HTTP that public specs use, end to end: `fixtures/http_edges.yaml` (a HEAD
//! request, answers declared as `*/*` and `text/*`, a redirect as the only documented answer, a
//! multipart body that names no part, JSON or CSV) is generated with `strict: true`, and the
//! program `http_edges/http.rs` (added as `tests/http.rs`) calls each operation against a
//! wiremock server on loopback. `cargo xtask conformance` runs the same fixture against Prism
//! in CI.

// The library is published as `openapi-client-codegen`; these tests call it `generator`.
extern crate openapi_client_codegen as generator;

mod support;

#[path = "constructs/methods.rs"]
mod methods;

use generator::Options;

const FIXTURE: &str = include_str!("fixtures/http_edges.yaml");
const PROGRAM: &str = include_str!("http_edges/http.rs");

fn options() -> Options {
    Options {
        spec_label: "generator/tests/fixtures/http_edges.yaml".to_string(),
        regenerate_command: "cargo test -p openapi-client-codegen --test http_edges".to_string(),
        strict: true,
        skip_invalid: false,
        overlays: Vec::new(),
        extra_dev_dependencies: vec![
            (
                "tokio".to_string(),
                r#"{ version = "1", features = ["macros", "rt-multi-thread"] }"#.to_string(),
            ),
            ("wiremock".to_string(), r#""0.6""#.to_string()),
        ],
        ..support::options("http-edges-fixture")
    }
}

#[test]
fn http_edges_over_http() {
    let krate = support::generate_crate_with(FIXTURE, &options());
    assert!(
        krate.output.diagnostics.is_empty(),
        "unexpected diagnostics: {:#?}",
        krate.output.diagnostics
    );
    let methods = methods::return_types(krate.path());
    let expected = [
        ("file_exists", "()"),
        ("get_file_info", "FileInfo"),
        ("get_file_content", "String"),
        ("get_note", "String"),
        ("download", "RawResponse"),
        ("upload_script", "UploadScriptResponse"),
        ("get_report", "GetReportResponse"),
    ];
    for (method, ty) in expected {
        assert_eq!(
            methods.get(method).map(String::as_str),
            Some(ty),
            "{method}: {methods:#?}"
        );
    }
    let scripts = krate.read("src/operations/scripts.rs");
    assert!(scripts.contains("pub body: crate::Form,"), "{scripts}");
    krate.add_file("tests/http.rs", PROGRAM);
    let result = krate.test().unwrap_or_else(|e| panic!("{e}"));
    for test in [
        "head_decodes_no_body",
        "any_media_type_string_is_text",
        "text_wildcard_is_text",
        "documented_redirect_is_returned_not_followed",
        "undocumented_status_is_still_an_error",
        "multipart_form_of_named_parts",
        "accept_lists_declared_media_types",
    ] {
        assert!(
            result.stdout.contains(&format!("test {test} ... ok")),
            "{test} did not run:\n{}",
            result.stdout
        );
    }
}
