//! Streams end to end: `fixtures/streams.yaml` (server-sent events whose schema is each event's
//! data, the whole event as an object and as a union told apart by the event name, events
//! without a schema, JSON lines, a Kubernetes-style watch beside JSON, a binary download, a
//! binary and a multipart upload, and a chat completion answering JSON or events as its
//! `stream` flag asks) is generated with `strict: true`, its methods' return types are checked,
//! and the program `streams/http.rs` (added as `tests/http.rs`) calls each against a wiremock
//! server on loopback.

// The library is published as `openapi-client-codegen`; these tests call it `generator`.
extern crate openapi_client_codegen as generator;

mod support;

#[path = "constructs/methods.rs"]
mod methods;

use generator::Options;

const FIXTURE: &str = include_str!("fixtures/streams.yaml");
const PROGRAM: &str = include_str!("streams/http.rs");

fn options() -> Options {
    Options {
        spec_label: "generator/tests/fixtures/streams.yaml".to_string(),
        regenerate_command: "cargo test -p openapi-client-codegen --test streams".to_string(),
        strict: true,
        skip_invalid: false,
        overlays: Vec::new(),
        extra_dev_dependencies: vec![
            (
                "tokio".to_string(),
                r#"{ version = "1", features = ["macros", "rt-multi-thread", "fs"] }"#.to_string(),
            ),
            ("wiremock".to_string(), r#""0.6""#.to_string()),
            ("futures".to_string(), r#""0.3""#.to_string()),
        ],
        ..support::options("streams-fixture")
    }
}

#[test]
fn streams_over_http() {
    let krate = support::generate_crate_with(FIXTURE, &options());
    assert!(
        krate.output.diagnostics.is_empty(),
        "unexpected diagnostics: {:#?}",
        krate.output.diagnostics
    );
    let methods = methods::return_types(krate.path());
    let expected = [
        ("create_chat_completion", "ChatCompletion"),
        (
            "create_chat_completion_stream",
            "EventStream<ChatCompletionChunk>",
        ),
        ("generate_stream", "EventStream<Token>"),
        ("job_progress", "EventStream<JobProgressEvent>"),
        ("notifications", "EventStream<NotificationsEvent>"),
        ("ticks", "RawEvents"),
        ("watch_jobs", "JsonLines<WatchEvent>"),
        ("list_jobs", "JobList"),
        ("list_jobs_stream", "JsonLines<WatchEvent>"),
        ("download_file", "ByteStream"),
        ("upload_file", "()"),
        ("create_file", "CreateFileResponse"),
        ("create_speech", "ByteStream"),
    ];
    for (method, ty) in expected {
        assert_eq!(
            methods.get(method).map(String::as_str),
            Some(ty),
            "{method}: {methods:#?}"
        );
    }
    let files = krate.read("src/operations/files.rs");
    assert!(files.contains("pub body: crate::Upload,"), "{files}");
    krate.add_file("tests/http.rs", PROGRAM);
    let result = krate.test().unwrap_or_else(|e| panic!("{e}"));
    for test in [
        "chat_completion_streams_chunks_until_done",
        "chat_completion_whole_asks_for_json",
        "stream_method_refuses_a_json_answer",
        "error_answer_is_an_api_error",
        "token_events_decode_their_data",
        "whole_events_decode_with_their_names",
        "union_of_events_told_apart_by_name",
        "raw_events_keep_name_id_and_data",
        "json_lines_decode_each_line",
        "watch_beside_json_streams",
        "download_larger_than_the_limit_is_saved",
        "download_collect_keeps_the_limit",
        "upload_from_a_file_streams_it",
        "multipart_file_from_a_path",
    ] {
        assert!(
            result.stdout.contains(&format!("test {test} ... ok")),
            "{test} did not run:\n{}",
            result.stdout
        );
    }
}
