//! Traces of calls (feature `tracing`, on by default), captured with a `fmt` subscriber.

mod common;

use std::time::Duration;

use common::{Capture, EXAMPLE_BODY, TOKEN, builder, client, request};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn json(status: u16, body: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.to_owned(), "application/json")
}

/// The span follows OpenTelemetry's HTTP client conventions (`otel.name`, `otel.kind`,
/// `http.request.method`, `url.template`, `server.address`, `server.port`, and once known
/// `http.request.resend_count`, `http.response.status_code`, `error.type`), with the operation.
#[tokio::test]
async fn one_span_per_call_and_one_event_per_attempt() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(json(503, r#"{"errors":[{"code":7,"message":"busy"}]}"#))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(json(200, EXAMPLE_BODY))
        .mount(&server)
        .await;
    let capture = Capture::default();
    let guard = capture.install();
    client(&server.uri())
        .meetings()
        .get_meeting_participant(&request())
        .await
        .unwrap();
    drop(guard);
    let text = capture.text();
    let template = "/accounts/{account_id}/realtime/kit/{app_id}/meetings/{meeting_id}/participants/{participant_id}";
    let port = server.address().port();
    let span = format!(
        r#"http_request{{otel.name=GET {template} otel.kind="client" operation="get_meeting_participant" http.request.method=GET url.template="{template}" server.address="127.0.0.1" server.port={port}"#
    );
    assert!(text.contains(&span), "{span}\n{text}");
    // The first attempt: 503, retried; the second: 200, done.
    let lines: Vec<&str> = text.lines().collect();
    let first = lines
        .iter()
        .find(|line| line.contains("attempt=1"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(first.contains("status=503"), "{first}");
    assert!(first.contains("decision=\"retry in"), "{first}");
    assert!(first.contains("latency_ms="), "{first}");
    let second = lines
        .iter()
        .find(|line| line.contains("attempt=2"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(second.contains("status=200"), "{second}");
    assert!(second.contains("decision=\"done\""), "{second}");
    // The span closes once, with the resend count and final status recorded, and no error.
    let close = lines
        .iter()
        .find(|line| line.contains("close time.busy"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        close.contains("http.request.resend_count=1")
            && close.contains("http.response.status_code=200"),
        "{close}"
    );
    assert!(!close.contains("error.type"), "{close}");
    assert_eq!(text.matches("close time.busy").count(), 1, "{text}");
    assert!(!text.contains(TOKEN), "{text}");
    assert!(
        !text.contains("acc-1"),
        "no parameter values, only the template: {text}"
    );
}

#[tokio::test]
async fn a_failed_call_is_a_warning_with_its_decision() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(json(404, "{}"))
        .mount(&server)
        .await;
    let capture = Capture::default();
    let guard = capture.install();
    let error = builder(&server.uri())
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
        .meetings()
        .get_meeting_participant(&request())
        .await
        .unwrap_err();
    drop(guard);
    assert_eq!(error.attempts(), 1);
    let text = capture.text();
    let warning = text
        .lines()
        .find(|line| line.contains("WARN"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        warning.contains("status=404") && warning.contains("give up: not retryable"),
        "{warning}"
    );
    // Sent once: no resend count; the status is the error's type.
    let close = text
        .lines()
        .find(|line| line.contains("close time.busy"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        close.contains("http.response.status_code=404") && close.contains("error.type=\"404\""),
        "{close}"
    );
    assert!(!close.contains("resend_count"), "{close}");
    assert!(!text.contains(TOKEN), "{text}");
}

/// A request of `Client::request` is traced under the path as written: the values of its
/// placeholders and query stay out, as for operations.
#[tokio::test]
async fn request_traces_the_path_as_written_not_the_values() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(json(200, "{}"))
        .mount(&server)
        .await;
    let capture = Capture::default();
    let guard = capture.install();
    client(&server.uri())
        .request(
            cloudflare_realtime_kit::reqwest::Method::GET,
            "/accounts/{account_id}/things",
        )
        .path_param("account_id", "secret-account-id")
        .query("q", "secret-query")
        .send()
        .await
        .unwrap();
    drop(guard);
    let text = capture.text();
    assert!(
        text.contains(r#"operation="/accounts/{account_id}/things" http.request.method=GET url.template="/accounts/{account_id}/things""#),
        "{text}"
    );
    assert!(!text.contains("secret-"), "{text}");
    assert!(!text.contains(TOKEN), "{text}");
}

/// The span of a streamed call lasts as long as its stream: it closes once the stream is read
/// and dropped, after the event that says how it ended.
#[tokio::test]
async fn the_span_of_a_streamed_call_lasts_as_long_as_the_stream() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_raw("0123456789", "text/plain"))
        .mount(&server)
        .await;
    let capture = Capture::default();
    let guard = capture.install();
    let mut download = client(&server.uri())
        .request(cloudflare_realtime_kit::reqwest::Method::GET, "/download")
        .send_bytes()
        .await
        .unwrap();
    assert!(
        !capture.text().contains("close time.busy"),
        "{}",
        capture.text()
    );
    let mut body = Vec::new();
    while let Some(chunk) = download.next_chunk().await.unwrap() {
        body.extend_from_slice(&chunk);
    }
    assert_eq!(body, b"0123456789");
    assert!(
        !capture.text().contains("close time.busy"),
        "{}",
        capture.text()
    );
    drop(download);
    drop(guard);
    let text = capture.text();
    let lines: Vec<&str> = text.lines().collect();
    let ended = lines
        .iter()
        .position(|line| line.contains("stream ended") && line.contains("received=10"))
        .unwrap_or_else(|| panic!("{text}"));
    let close = lines
        .iter()
        .position(|line| line.contains("close time.busy"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(ended < close, "{text}");
    assert!(lines[ended].contains("http_request{"), "{text}");
    assert_eq!(text.matches("close time.busy").count(), 1, "{text}");
}
