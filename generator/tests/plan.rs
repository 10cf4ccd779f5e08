//! What the plan stage decides once for every emitter, on `fixtures/plan.yaml`: schemas named
//! like every name the generated code brings into scope (`Call`, `Request`, `Error`, `Vec`,
//! `RawResponse`, ...), tags named like methods of `Client` (`send`, `request`), `format: uuid` and `date-time` used
//! only in a response and a request body, a deprecated paged list, an undocumented inline enum
//! (a map's values), and a HEAD operation.
//! The crate must compile with warnings denied (its own `#![warn(missing_docs)]` included) and
//! its calls must work over HTTP (`plan/http.rs`, against a local wiremock server).

// The library is published as `openapi-client-codegen`; these tests call it `generator`.
extern crate openapi_client_codegen as generator;

mod support;

use generator::Options;

fn options() -> Options {
    let mut options = support::options("plan-fixture");
    options.strict = true;
    options.extra_dev_dependencies = vec![
        (
            "tokio".to_string(),
            r#"{ version = "1", features = ["macros", "rt-multi-thread"] }"#.to_string(),
        ),
        ("wiremock".to_string(), r#""0.6""#.to_string()),
    ];
    options
}

#[test]
fn plan_fixture_compiles_and_talks_http() {
    let krate = support::generate_crate_with(include_str!("fixtures/plan.yaml"), &options());
    assert!(
        krate.output.diagnostics.is_empty(),
        "unexpected diagnostics: {:#?}",
        krate.output.diagnostics
    );
    let manifest = &krate.output.files["Cargo.toml"];
    // Named only by a response (`Uuid`) and a request body (`DateTime<Utc>`).
    assert!(manifest.contains("\nuuid = "), "{manifest}");
    assert!(manifest.contains("\nchrono = "), "{manifest}");
    let types = &krate.output.files["src/types.rs"];
    for name in [
        "CallModel",
        "RequestModel",
        "ResponseModel",
        "ClientModel",
        "ErrorModel",
        "ResultModel",
        "OptionModel",
        "PagesModel",
        "PageModel",
        "ItemsModel",
        "VecModel",
        "StringModel",
        "BoxModel",
        "DefaultModel",
        "ApiErrorModel",
        "ApiResponseModel",
        "QueryStyleModel",
        "PartModel",
        "UploadModel",
        "AuthModel",
        "AttemptModel",
        "WithResponseModel",
        "RawRequestModel",
        "RawResponseModel",
        "SerializeModel",
    ] {
        assert!(
            types.contains(&format!("pub struct {name} "))
                || types.contains(&format!("pub enum {name} ")),
            "no type `{name}` in src/types.rs"
        );
    }
    // A deprecated property with a default: the model reads both, the plan writes them in the
    // field's doc (no emitter knows about either).
    assert!(
        types.contains(
            "    /// The id of the record before migration.\n    ///\n    \
             /// Deprecated by the API: it may stop sending or reading it.\n    ///\n    \
             /// Default when absent: `\"none\"`.\n    pub legacy_id: Option<String>,"
        ),
        "{types}"
    );
    krate.add_file("tests/http.rs", include_str!("plan/http.rs"));
    krate.check().unwrap_or_else(|e| panic!("{e}"));
    let result = krate.test().unwrap_or_else(|e| panic!("{e}"));
    for test in [
        "head_answer_is_not_read_as_a_body",
        "types_named_like_runtime_items",
        "formats_only_in_bodies_and_responses",
        "deprecated_paged_list_walks",
        "group_named_like_a_client_method",
        "group_named_like_the_raw_request_method",
    ] {
        assert!(
            result.stdout.contains(&format!("test {test} ... ok")),
            "{test} did not run:\n{}",
            result.stdout
        );
    }
}
