//! Paged list detection and the `<operation>_pages` methods on `fixtures/pagination.yaml`:
//! Cloudflare v4's `page`/`per_page` + `result_info` shape (optional and required paging, integer
//! and `number` page numbers), Realtime Kit's `page_no` + `paging`, and lists that only look
//! paged. The generated crate is compiled with clippy `-D warnings`, its doctests run (the spec's
//! own code blocks must not become doctests), and the program `pagination/http.rs` walks the
//! lists against wiremock on loopback.

// The library is published as `openapi-client-codegen`; these tests call it `generator`.
extern crate openapi_client_codegen as generator;

mod support;

use generator::Options;

const FIXTURE: &str = include_str!("fixtures/pagination.yaml");
const PROGRAM: &str = include_str!("pagination/http.rs");

#[test]
fn detects_both_shapes_and_nothing_else() {
    let doc = generator::load::load(FIXTURE).unwrap();
    let model = generator::model::build(&doc, &Default::default()).unwrap();
    let paged: Vec<(&str, &str, &str, &str, bool, bool, bool)> = model
        .pagination
        .iter()
        .map(|(i, p)| {
            (
                model.operations[*i].fn_name.as_str(),
                p.fn_name.as_str(),
                p.page.wire_name.as_str(),
                p.info.field.as_str(),
                p.page.optional,
                p.total_pages.is_some(),
                p.info_per_page.is_some(),
            )
        })
        .collect();
    assert_eq!(
        paged,
        [
            (
                "zones_list",
                "zones_list_pages",
                "page",
                "result_info",
                true,
                true,
                true
            ),
            (
                "dns_records_list",
                "dns_records_list_pages",
                "page",
                "result_info",
                false,
                false,
                true
            ),
            (
                "get_meeting_participants",
                "get_meeting_participants_pages",
                "page_no",
                "paging",
                true,
                false,
                false
            ),
        ]
    );
    // `result` without `result_info`, and a POST, are not walked.
    let names: Vec<&str> = model
        .operations
        .iter()
        .map(|o| o.fn_name.as_str())
        .collect();
    assert!(names.contains(&"user_api_tokens_list_tokens"), "{names:?}");
    assert!(names.contains(&"search"), "{names:?}");
}

#[test]
fn a_pages_method_never_takes_an_operations_name() {
    // An operation already called `zones_list_pages`: the walker takes the next free name.
    let spec = FIXTURE.replace("operationId: search", "operationId: zones_list_pages");
    let doc = generator::load::load(&spec).unwrap();
    let model = generator::model::build(&doc, &Default::default()).unwrap();
    let walkers: Vec<&str> = model
        .pagination
        .values()
        .map(|p| p.fn_name.as_str())
        .collect();
    assert_eq!(
        walkers,
        [
            "zones_list_pages_2",
            "dns_records_list_pages",
            "get_meeting_participants_pages"
        ]
    );
}

#[test]
fn paged_lists_over_http() {
    let options = Options {
        spec_label: "generator/tests/fixtures/pagination.yaml".to_string(),
        regenerate_command: "cargo test -p openapi-client-codegen --test pagination".to_string(),
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
        ..support::options("pagination-fixture")
    };
    let krate = support::generate_crate_with(FIXTURE, &options);
    assert!(
        krate.output.diagnostics.is_empty(),
        "{:#?}",
        krate.output.diagnostics
    );
    let user = krate.read("src/operations/user.rs");
    assert!(!user.contains("_pages"), "{user}");
    krate.add_file("tests/http.rs", PROGRAM);
    krate.check().unwrap_or_else(|e| panic!("{e}"));
    let result = krate.test().unwrap_or_else(|e| panic!("{e}"));
    for test in [
        "zones_stop_at_total_pages",
        "dns_records_send_number_pages_and_stop_at_the_total",
        "participants_without_paging_stop_on_an_empty_page",
        "zones_error_mid_walk",
    ] {
        assert!(
            result.stdout.contains(&format!("test {test} ... ok")),
            "{test} did not run:\n{}",
            result.stdout
        );
    }
    // Doctests: the `_pages` examples compiled; the spec's code blocks were not taken for Rust.
    assert!(
        result
            .stdout
            .contains("ZonesApi<'_>::zones_list_pages (line"),
        "{}",
        result.stdout
    );
    assert!(!result.stdout.contains("FAILED"), "{}", result.stdout);
}
