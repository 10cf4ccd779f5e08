//! Operations end to end: `fixtures/operations.yaml` (parameters, bodies, responses and security
//! of operations modelled on Cloudflare, GitHub and Stripe) is generated with `strict: true`, and
//! the program `operations/http.rs` (added to the crate as `tests/http.rs`) calls every generated
//! method through the grouped API against a wiremock server on loopback, checking what goes over
//! the wire and what comes back.
//!
//! The fixture's multipart upload body is required; [`optional_multipart_body_over_http`] runs
//! the same program with it made optional, the other shape the generated code takes.

// The library is published as `openapi-client-codegen`; these tests call it `generator`.
extern crate openapi_client_codegen as generator;

mod support;

#[path = "constructs/methods.rs"]
mod methods;

use std::time::Instant;

use generator::Options;

const FIXTURE: &str = include_str!("fixtures/operations.yaml");
const PROGRAM: &str = include_str!("operations/http.rs");

fn options() -> Options {
    Options {
        spec_label: "generator/tests/fixtures/operations.yaml".to_string(),
        regenerate_command: "cargo test -p openapi-client-codegen --test operations".to_string(),
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
        ..support::options("operations-fixture")
    }
}

fn replace_once(spec: &str, from: &str, to: &str) -> String {
    assert_eq!(
        spec.matches(from).count(),
        1,
        "the fixture no longer contains exactly one:\n{from}"
    );
    spec.replacen(from, to, 1)
}

/// The Cloudflare Images upload body made optional (sent from `if let Some(body) = ...`).
fn with_optional_multipart_body(spec: &str) -> String {
    let required = "      requestBody:\n        required: true\n        content:\n          multipart/form-data:\n";
    replace_once(spec, required, &required.replace("true", "false"))
}

/// The test functions of the program, so that a test that silently did not run is noticed.
fn program_tests() -> Vec<&'static str> {
    let mut names = Vec::new();
    let mut lines = PROGRAM.lines();
    while let Some(line) = lines.next() {
        if matches!(line.trim(), "#[test]" | "#[tokio::test]") {
            let signature = lines.next().unwrap().trim();
            let name = signature
                .trim_start_matches("async ")
                .strip_prefix("fn ")
                .and_then(|rest| rest.split('(').next())
                .unwrap_or_else(|| panic!("not a test function: {signature}"));
            names.push(name);
        }
    }
    assert!(names.len() > 20, "{names:?}");
    names
}

/// Generates `spec` (no diagnostics allowed), adds the program and runs `cargo test` on it.
fn run_program(spec: &str) {
    let started = Instant::now();
    let krate = support::generate_crate_with(spec, &options());
    assert!(
        krate.output.diagnostics.is_empty(),
        "unexpected diagnostics: {:#?}",
        krate.output.diagnostics
    );
    krate.add_file("tests/http.rs", PROGRAM);
    krate.check().unwrap_or_else(|e| panic!("{e}"));
    let result = krate.test().unwrap_or_else(|e| panic!("{e}"));
    for test in program_tests() {
        assert!(
            result.stdout.contains(&format!("test {test} ... ok")),
            "{test} did not run:\n{}",
            result.stdout
        );
    }
    println!("{}", result.stdout);
    println!("generated and tested in {:.1?}", started.elapsed());
}

#[test]
fn operations_over_http() {
    run_program(FIXTURE);
}

#[test]
fn optional_multipart_body_over_http() {
    run_program(&with_optional_multipart_body(FIXTURE));
}

/// What the fixture as written generates (without compiling it): no diagnostics, the groups,
/// every method with its return type, merged parameters and the documented error bodies.
#[test]
fn generated_api_shape() {
    let krate = support::generate_crate_with(FIXTURE, &options());
    assert!(
        krate.output.diagnostics.is_empty(),
        "{:#?}",
        krate.output.diagnostics
    );
    let methods = methods::return_types(krate.path());
    let expected = [
        ("get_meeting", "MeetingEnvelope"),
        ("update_meeting", "MeetingEnvelope"),
        ("delete_meeting", "()"),
        ("kick_all_participants", "KickAllParticipantsResponse"),
        ("get_livestream_session", "LivestreamSession"),
        ("start_recording", "StartRecordingResponse"),
        ("issues_list_for_repo", "Vec<Issue>"),
        ("issues_get", "Issue"),
        ("issues_lock", "()"),
        ("repos_upload_release_asset", "ReleaseAsset"),
        ("get_customers", "CustomerList"),
        // Path dumps and operationIds over 40 characters: a verb and the path's nouns; the
        // old names stay as deprecated aliases for one release.
        ("create_customer", "Customer"),
        ("post_customers", "Customer"),
        ("dns_records_for_a_zone_list_dns_records", "DnsRecordList"),
        ("export_audit_logs", "String"),
        ("create_account_image", "ImageEnvelope"),
        ("cloudflare_images_upload_an_image_via_url", "ImageEnvelope"),
        // Binary answers are read as they arrive.
        ("cloudflare_images_base_image", "ByteStream"),
        ("workers_kv_namespace_read_key_value_pair", "ByteStream"),
        ("replace_namespace_value", "CloudflareSuccess"),
        (
            "workers_kv_namespace_write_key_value_pair",
            "CloudflareSuccess",
        ),
        ("get_token_verify", "GetTokenVerifyResponse"),
        ("get_user_tokens_verify", "GetTokenVerifyResponse"),
        (
            "cloudflare_i_ps_cloudflare_ip_details",
            "CloudflareIPsCloudflareIpDetailsResponse",
        ),
    ];
    let expected: std::collections::BTreeMap<String, String> = expected
        .iter()
        .map(|(name, ty)| (name.to_string(), ty.to_string()))
        .collect();
    assert_eq!(methods, expected);

    // Groups: tags in order of first appearance (the first of several tags), then untagged
    // operations by their first path segment.
    let modules: Vec<String> = krate
        .read("src/operations/mod.rs")
        .lines()
        .filter_map(|line| {
            line.strip_prefix("mod ")?
                .strip_suffix(';')
                .map(str::to_owned)
        })
        .collect();
    assert_eq!(
        modules,
        [
            "meetings",
            "livestreams",
            "recordings",
            "issues",
            "releases",
            "customers",
            "dns_records",
            "accounts",
            "cloudflare_images",
            "workers_kv_namespace",
            "user",
            "cloudflare_ips",
        ]
    );

    // The operation-level `meeting_id` replaces the path-level one for GET only.
    let meetings = krate.read("src/operations/meetings.rs");
    let get = &meetings[meetings.find("pub struct GetMeetingRequest").unwrap()..];
    let get = &get[..get.find('}').unwrap()];
    assert!(get.contains("(operation level)"), "{get}");
    assert!(!get.contains("(path level)"), "{get}");
    assert_eq!(get.matches("pub meeting_id: String").count(), 1, "{get}");
    let delete = &meetings[meetings.find("pub struct DeleteMeetingRequest").unwrap()..];
    let delete = &delete[..delete.find('}').unwrap()];
    assert!(delete.contains("(path level)"), "{delete}");

    // Error bodies are documented on the methods.
    let decode = "(decode with [`ApiError::body_as`](crate::ApiError::body_as)).";
    for (file, errors) in [
        (
            "recordings",
            "4XX returns [`CloudflareFailure`](crate::types::CloudflareFailure), \
             5XX returns [`ServerError`](crate::types::ServerError), \
             default returns [`GenericError`](crate::types::GenericError)",
        ),
        (
            "meetings",
            "4XX returns [`CloudflareFailure`](crate::types::CloudflareFailure), \
             5XX returns [`ServerError`](crate::types::ServerError)",
        ),
        (
            "meetings",
            "default returns [`CloudflareFailure`](crate::types::CloudflareFailure)",
        ),
        // `4xx` in the spec, and so in the docs.
        (
            "issues",
            "4xx returns [`BasicError`](crate::types::BasicError)",
        ),
        (
            "issues",
            "404 returns [`BasicError`](crate::types::BasicError)",
        ),
        (
            "customers",
            "default returns [`StripeError`](crate::types::StripeError)",
        ),
        (
            "workers_kv_namespace",
            "4XX returns [`CloudflareFailure`](crate::types::CloudflareFailure)",
        ),
    ] {
        let text = krate.read(&format!("src/operations/{file}.rs"));
        let doc = format!("/// Errors: {errors} {decode}");
        assert!(text.contains(&doc), "{file}.rs lacks `{doc}`:\n{text}");
    }

    // Credentials: one builder method per API-key scheme, with its environment variable.
    let lib = krate.read("src/lib.rs");
    for (method, how, variable) in [
        ("api_email", "the `X-Auth-Email` header", "CLOUDFLARE_EMAIL"),
        ("api_key", "the `X-Auth-Key` header", "CLOUDFLARE_API_KEY"),
        (
            "user_service_key",
            "the `X-Auth-User-Service-Key` header",
            "CLOUDFLARE_API_USER_SERVICE_KEY",
        ),
        (
            "stripe_key",
            "the `api_key` query parameter",
            "CLOUDFLARE_API_STRIPE_KEY",
        ),
    ] {
        assert!(
            lib.contains(&format!("pub fn {method}(self, value: impl Into<String>)")),
            "{method}"
        );
        assert!(lib.contains(how), "{how}");
        assert!(
            lib.contains(&format!("(\"{method}\", \"{variable}\")")),
            "{variable}"
        );
    }
    assert!(lib.contains("(\"token\", \"CLOUDFLARE_API_TOKEN\")"));
}
