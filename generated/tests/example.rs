//! Runs the examples (`examples/get_meeting_participant.rs`, `examples/list_meetings.rs`) as
//! child processes against a local server.

mod common;

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::{Mutex, OnceLock};

use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PATH: &str = "/accounts/acc/realtime/kit/app/meetings/meet/participants/part";
const BODY: &str = r#"{"data":{"id":"182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e","created_at":"2019-12-27T18:11:19.117Z","custom_participant_id":"custom_participant_id","preset_name":"preset_name","updated_at":"2019-12-27T18:11:19.117Z","name":"name","picture":"https://example.com"},"success":true}"#;

/// Builds the example `name` once (cargo releases its build lock while tests run) and returns
/// the path of its executable, as cargo reports it.
fn example_binary(name: &str) -> PathBuf {
    static BINARIES: OnceLock<Mutex<HashMap<String, PathBuf>>> = OnceLock::new();
    let mut binaries = BINARIES.get_or_init(Default::default).lock().unwrap();
    if let Some(binary) = binaries.get(name) {
        return binary.clone();
    }
    let mut command = Command::new(env!("CARGO"));
    command.args([
        "build",
        "--quiet",
        "--package",
        "cloudflare-realtime-kit",
        "--example",
        name,
        "--message-format=json",
    ]);
    if !cfg!(debug_assertions) {
        command.arg("--release");
    }
    let output = command.output().expect("cargo runs");
    assert!(
        output.status.success(),
        "building the example failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let binary = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|message| message["target"]["name"] == name)
        .find_map(|message| message["executable"].as_str().map(PathBuf::from))
        .expect("cargo reports the example's executable");
    binaries.insert(name.to_string(), binary.clone());
    binary
}

/// Runs the example `name` with exactly the given Cloudflare variables set.
fn run(name: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(example_binary(name));
    command
        .args(args)
        .env_remove("CLOUDFLARE_API_TOKEN")
        .env_remove("CLOUDFLARE_BASE_URL");
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().expect("the example runs")
}

/// Runs `get_meeting_participant` with exactly the given Cloudflare variables set.
fn run_example(args: &[&str], env: &[(&str, &str)]) -> Output {
    run("get_meeting_participant", args, env)
}

#[tokio::test]
async fn prints_the_participant_as_json() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(PATH))
        .and(header("authorization", "Bearer example-token"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(BODY, "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    let base_url = server.uri();
    let output = tokio::task::spawn_blocking(move || {
        run_example(
            &["acc", "app", "meet", "part"],
            &[
                ("CLOUDFLARE_API_TOKEN", "example-token"),
                ("CLOUDFLARE_BASE_URL", &base_url),
            ],
        )
    })
    .await
    .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "stderr: {stderr}");
    let printed: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let expected: serde_json::Value = serde_json::from_str(BODY).unwrap();
    assert_eq!(printed, expected["data"]);
    assert!(!stderr.contains("example-token"));
}

#[tokio::test]
async fn missing_token_names_the_variable_and_sends_nothing() {
    let server = MockServer::start().await;
    let base_url = server.uri();
    let output = tokio::task::spawn_blocking(move || {
        run_example(
            &["acc", "app", "meet", "part"],
            &[("CLOUDFLARE_BASE_URL", &base_url)],
        )
    })
    .await
    .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("CLOUDFLARE_API_TOKEN"), "stderr: {stderr}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn empty_token_counts_as_missing() {
    let server = MockServer::start().await;
    let base_url = server.uri();
    let output = tokio::task::spawn_blocking(move || {
        run_example(
            &["acc", "app", "meet", "part"],
            &[
                ("CLOUDFLARE_API_TOKEN", ""),
                ("CLOUDFLARE_BASE_URL", &base_url),
            ],
        )
    })
    .await
    .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("CLOUDFLARE_API_TOKEN"), "stderr: {stderr}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[test]
fn wrong_argument_count_prints_usage() {
    let output = run_example(&["only-one"], &[("CLOUDFLARE_API_TOKEN", "t")]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("usage:"));
}

#[tokio::test]
async fn api_error_is_printed_and_exits_1() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(404)
                .insert_header("cf-ray", "8f00-SJC")
                .set_body_raw(
                    r#"{"success":false,"error":{"code":404,"message":"Participant not found"}}"#,
                    "application/json",
                ),
        )
        .expect(1)
        .mount(&server)
        .await;
    let base_url = server.uri();
    let output = tokio::task::spawn_blocking(move || {
        run_example(
            &["acc", "app", "meet", "part"],
            &[
                ("CLOUDFLARE_API_TOKEN", "secret-token"),
                ("CLOUDFLARE_BASE_URL", &base_url),
            ],
        )
    })
    .await
    .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("Participant not found"), "stderr: {stderr}");
    assert!(stderr.contains("8f00-SJC"), "stderr: {stderr}");
    assert!(!stderr.contains("secret-token"));
}

#[tokio::test]
async fn list_meetings_prints_every_meeting_of_every_page() {
    let meetings: Vec<serde_json::Value> = (0..150)
        .map(|i| {
            serde_json::json!({
                "id": format!("97440c6a-140b-40a9-9499-{i:012}"),
                "title": format!("standup {i}"),
                "status": "ACTIVE",
                "created_at": "2025-03-04T09:00:00Z"
            })
        })
        .collect();
    let list = "/accounts/acc/realtime/kit/app/meetings";
    let server = common::paged_list(list, meetings.clone(), 100).await;
    let base_url = server.uri();
    let output = tokio::task::spawn_blocking(move || {
        run(
            "list_meetings",
            &["acc", "app", "standup"],
            &[
                ("CLOUDFLARE_API_TOKEN", common::TOKEN),
                ("CLOUDFLARE_BASE_URL", &base_url),
            ],
        )
    })
    .await
    .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "stderr: {stderr}");
    let printed: Vec<serde_json::Value> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(printed, meetings);
    assert_eq!(
        common::page_queries(&server, list).await,
        [
            "page_no=1&per_page=100&search=standup",
            "page_no=2&per_page=100&search=standup"
        ]
    );
}

#[tokio::test]
async fn list_meetings_prints_the_error_of_a_failed_page_and_exits_1() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401).set_body_raw(
            r#"{"success":false,"error":{"code":401,"message":"Unauthorized"}}"#,
            "application/json",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let base_url = server.uri();
    let output = tokio::task::spawn_blocking(move || {
        run(
            "list_meetings",
            &["acc", "app"],
            &[
                ("CLOUDFLARE_API_TOKEN", "secret-token"),
                ("CLOUDFLARE_BASE_URL", &base_url),
            ],
        )
    })
    .await
    .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("Unauthorized"), "stderr: {stderr}");
    assert!(!stderr.contains("secret-token"));
}

#[test]
fn list_meetings_wrong_argument_count_prints_usage() {
    let output = run(
        "list_meetings",
        &["only-one"],
        &[("CLOUDFLARE_API_TOKEN", "t")],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("usage: list_meetings"));
}
