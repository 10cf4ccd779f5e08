//! The runtime templates (`generator/runtime/`) over real HTTP: a crate made of the generator's
//! output for the project's spec (its `Cargo.toml` and `src/runtime/`), a hand-written `lib.rs`
//! that declares the root items generated crates declare, and the tests in `runtime_http/`,
//! which call `runtime::Request`, `Client::execute`, `Call` and `Pages` directly against a
//! local server (and `Client::request`, the test constructors). This
//! covers what generated operations will call (query, header and body parameters, credential
//! schemes, non-JSON responses) before the generator emits such calls for any spec, and that
//! the runtime depends on nothing of the crate around it but the `runtime::Service` it is given
//! (a service of the test's own: its environment variables, its request id header).

// The library is published as `openapi-client-codegen`; these tests call it `generator`.
extern crate openapi_client_codegen as generator;

mod support;

use generator::Options;

fn options() -> Options {
    let mut options = support::options("runtime-http");
    options.extra_dev_dependencies = vec![
        (
            "tokio".to_string(),
            r#"{ version = "1", features = ["macros", "rt-multi-thread", "net", "io-util", "fs", "time"] }"#
                .to_string(),
        ),
        ("wiremock".to_string(), r#""0.6""#.to_string()),
        // `StreamExt::next` over the runtime's streams (in the tree through reqwest).
        (
            "futures-util".to_string(),
            r#"{ version = "0.3", default-features = false }"#.to_string(),
        ),
        // The tests use the blocking iterators of streams.
        (
            "runtime-http".to_string(),
            r#"{ path = ".", features = ["blocking"] }"#.to_string(),
        ),
    ];
    options
}

#[test]
fn runtime_over_http() {
    let spec_path = support::workspace_root().join("spec/realtime-kit.yaml");
    let spec = std::fs::read_to_string(&spec_path).unwrap();
    let output = support::generate_with(&spec, &options());
    let krate = support::TestCrate::empty();
    let mut runtime_files = 0;
    for (path, content) in &output.files {
        if path == "Cargo.toml" || path.starts_with("src/runtime/") {
            krate.add_file(path, content);
            runtime_files += usize::from(path.starts_with("src/runtime/"));
        }
    }
    assert!(
        runtime_files > 0,
        "no runtime files in {:?}",
        output.files.keys()
    );
    krate
        .add_file("src/lib.rs", include_str!("runtime_http/lib.rs"))
        .add_file("tests/http.rs", include_str!("runtime_http/http.rs"))
        .add_file(
            "tests/from_env.rs",
            include_str!("runtime_http/from_env.rs"),
        )
        .add_file(
            "tests/service_env.rs",
            include_str!("runtime_http/service_env.rs"),
        )
        .add_file("tests/raw.rs", include_str!("runtime_http/raw.rs"))
        .add_file("tests/streams.rs", include_str!("runtime_http/streams.rs"));
    let result = krate.test().unwrap_or_else(|e| panic!("{e}"));
    // Every test file ran (one that compiled to nothing would pass silently).
    for test in [
        "query_styles_and_encoding",
        "multipart_body_is_resent_unchanged_on_retry",
        "from_env",
        "service_env_over_http",
        "request_id_is_read_from_the_services_header",
        "clients_given_one_http_client_share_its_connection_pool",
        "calls_and_page_walks_own_their_client",
        "request_sends_the_services_global_credentials",
        "test_constructors_read_the_services_request_id_header",
        "events_split_at_every_byte_offset_decode_the_same",
        "blocking_iteration_of_streams",
        "a_reader_upload_is_never_sent_twice",
        "the_operation_timeout_bounds_every_attempt_and_wait",
        "the_operation_timeout_cuts_a_slow_attempt_short",
        "tls_is_needed_only_for_https_without_a_client_of_ones_own",
    ] {
        assert!(
            result.stdout.contains(&format!("test {test} ... ok")),
            "{test} did not run:\n{}",
            result.stdout
        );
    }
    println!("{}", result.stdout);
}
