//! Per-call options, responses with their status and headers, and blocking calls, against a
//! real server on loopback.

mod common;

use std::time::{Duration, Instant};

use cloudflare_realtime_kit::{ApiResponse, Error};
use common::{EXAMPLE_BODY, PATH, TOKEN, builder, client, request};
use wiremock::matchers::{any, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn json(status: u16, body: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.to_owned(), "application/json")
}

/// 503 for the first `failures` requests, then `then`.
async fn fail_then(server: &MockServer, failures: u64, then: ResponseTemplate) {
    Mock::given(any())
        .respond_with(json(503, "{}"))
        .up_to_n_times(failures)
        .mount(server)
        .await;
    Mock::given(any()).respond_with(then).mount(server).await;
}

#[tokio::test]
async fn timeout_per_call_overrides_the_client() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(json(200, EXAMPLE_BODY).set_delay(Duration::from_secs(2)))
        .mount(&server)
        .await;
    // The client allows a minute; the call allows 100 ms.
    let client = client(&server.uri());
    let started = Instant::now();
    let error = client
        .meetings()
        .get_meeting_participant(&request())
        .timeout(Duration::from_millis(100))
        .max_retries(0)
        .await
        .unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(1));
    assert!(error.to_string().contains("100ms"), "{error}");
    // And the other way round: a call may wait longer than the client would.
    let patient = builder(&server.uri())
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let participant = patient
        .meetings()
        .get_meeting_participant(&request())
        .timeout(Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(participant.data.name.as_deref(), Some("name"));
}

#[tokio::test]
async fn max_retries_per_call_overrides_the_client() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(json(503, "{}"))
        .mount(&server)
        .await;
    let client = client(&server.uri()); // 2 retries by default
    let error = client
        .meetings()
        .get_meeting_participant(&request())
        .max_retries(5)
        .await
        .unwrap_err();
    assert_eq!(error.attempts(), 6, "{error}");
    assert_eq!(server.received_requests().await.unwrap().len(), 6);
    let once = client
        .meetings()
        .get_meeting_participant(&request())
        .max_retries(0)
        .await
        .unwrap_err();
    assert_eq!(once.attempts(), 1);
    assert_eq!(server.received_requests().await.unwrap().len(), 7);
}

#[tokio::test]
async fn extra_headers_are_sent_and_replace_generated_ones_but_not_credentials() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(PATH))
        .and(header("x-request-id", "req-42"))
        .and(header("accept", "application/vnd.test+json"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(json(200, EXAMPLE_BODY))
        .expect(1)
        .mount(&server)
        .await;
    client(&server.uri())
        .meetings()
        .get_meeting_participant(&request())
        .header("X-Request-Id", "req-42")
        .header("accept", "application/vnd.test+json")
        .header("authorization", "Bearer someone-else")
        .await
        .unwrap();
    let received = server.received_requests().await.unwrap();
    let accepts: Vec<_> = received[0].headers.get_all("accept").iter().collect();
    assert_eq!(accepts.len(), 1, "the extra header replaces the default");
    let auth: Vec<_> = received[0]
        .headers
        .get_all("authorization")
        .iter()
        .collect();
    assert_eq!(auth.len(), 1, "credentials come from the client only");
}

#[tokio::test]
async fn invalid_extra_headers_are_refused_before_sending() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(json(200, EXAMPLE_BODY))
        .mount(&server)
        .await;
    let client = client(&server.uri());
    for (name, value, expected) in [
        ("bad name", "v", "not a valid header name"),
        ("", "v", "not a valid header name"),
        ("x-ok", "line\r\nbreak", "not allowed in a header"),
        ("x-ok", "nul\0", "not allowed in a header"),
    ] {
        let error = client
            .meetings()
            .get_meeting_participant(&request())
            .header(name, value)
            .await
            .unwrap_err();
        assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
        let message = error.to_string();
        assert!(message.contains(expected), "{message}");
        assert!(message.contains("get_meeting_participant"), "{message}");
        assert_eq!(error.attempts(), 0);
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn with_response_has_status_headers_ray_id_and_attempts() {
    let server = MockServer::start().await;
    fail_then(
        &server,
        1,
        json(200, EXAMPLE_BODY)
            .insert_header("cf-ray", "8a1b2c3d4e5f-AMS")
            .insert_header("x-extra", "yes"),
    )
    .await;
    let response: ApiResponse<_> = client(&server.uri())
        .meetings()
        .get_meeting_participant(&request())
        .with_response()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.ray_id(), Some("8a1b2c3d4e5f-AMS"));
    assert_eq!(response.headers()["x-extra"], "yes");
    assert_eq!(response.attempts(), 2);
    // Deref, value() and into_inner() reach the decoded value.
    assert_eq!(response.data.name.as_deref(), Some("name"));
    assert_eq!(response.value().data.name.as_deref(), Some("name"));
    assert!(response.into_inner().success);
}

#[tokio::test]
async fn a_decode_error_after_a_retry_counts_every_attempt() {
    let server = MockServer::start().await;
    // A 503, then a 2xx whose body is cut short.
    fail_then(&server, 1, json(200, r#"{"success": true, "data": {"#)).await;
    let client = client(&server.uri());
    let error = client
        .meetings()
        .get_meeting_participant(&request())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    assert_eq!(error.attempts(), 2, "{error}");
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
    // Sent once, it was one attempt.
    let error = client
        .meetings()
        .get_meeting_participant(&request())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    assert_eq!(error.attempts(), 1, "{error}");
}

#[test]
fn debug_of_a_call_shows_the_operation_not_the_token() {
    let client = client("http://127.0.0.1:9");
    let call = client
        .meetings()
        .get_meeting_participant(&request())
        .header("x-secret-header", "hidden-value-1");
    let debug = format!("{call:?}");
    assert!(debug.contains("get_meeting_participant"), "{debug}");
    assert!(!debug.contains(TOKEN), "{debug}");
    assert!(!debug.contains("hidden-value-1"), "{debug}");
    let debug = format!("{:?}", call.with_response());
    assert!(debug.contains("WithResponse"), "{debug}");
    assert!(!debug.contains(TOKEN), "{debug}");
}

/// A wiremock server on a thread and runtime of its own, so that a plain `#[test]` (without
/// any async runtime) can call it.
fn server_on_its_own_thread(template: ResponseTemplate) -> (String, std::sync::mpsc::Sender<()>) {
    let (uri_tx, uri_rx) = std::sync::mpsc::channel();
    let (stop_tx, stop_rx) = std::sync::mpsc::channel::<()>();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let server = MockServer::start().await;
            Mock::given(method("GET"))
                .and(path(PATH))
                .respond_with(template)
                .mount(&server)
                .await;
            uri_tx.send(server.uri()).unwrap();
            tokio::task::spawn_blocking(move || stop_rx.recv())
                .await
                .unwrap()
                .ok();
        });
    });
    (uri_rx.recv().unwrap(), stop_tx)
}

#[test]
fn send_blocking_without_an_async_runtime() {
    let (uri, _stop) =
        server_on_its_own_thread(json(200, EXAMPLE_BODY).insert_header("cf-ray", "blocking-ray"));
    let client = client(&uri);
    let participant = client
        .meetings()
        .get_meeting_participant(&request())
        .send_blocking()
        .unwrap();
    assert_eq!(participant.data.name.as_deref(), Some("name"));
    // Again (the client's runtime is reused), with the whole response.
    let response = client
        .meetings()
        .get_meeting_participant(&request())
        .with_response()
        .send_blocking()
        .unwrap();
    assert_eq!(response.ray_id(), Some("blocking-ray"));
    assert_eq!(response.attempts(), 1);
    // From several threads at once, on clones of the client.
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let client = client.clone();
            std::thread::spawn(move || {
                client
                    .meetings()
                    .get_meeting_participant(&request())
                    .send_blocking()
                    .map(|participant| participant.success)
            })
        })
        .collect();
    for thread in threads {
        assert!(thread.join().unwrap().unwrap());
    }
}

#[test]
fn raw_calls_and_requests_send_blocking_too() {
    let (uri, _stop) =
        server_on_its_own_thread(json(200, EXAMPLE_BODY).insert_header("cf-ray", "raw-blocking"));
    let client = client(&uri);
    let raw = client
        .meetings()
        .get_meeting_participant(&request())
        .raw()
        .send_blocking()
        .unwrap();
    assert_eq!(raw.ray_id(), Some("raw-blocking"));
    assert_eq!(raw.text(), EXAMPLE_BODY);
    let value: serde_json::Value = client
        .request(cloudflare_realtime_kit::reqwest::Method::GET, PATH)
        .send_json()
        .send_blocking()
        .unwrap();
    assert_eq!(value["success"], true);
}

#[test]
fn send_blocking_reports_errors_and_honours_per_call_options() {
    let (uri, _stop) =
        server_on_its_own_thread(json(200, EXAMPLE_BODY).set_delay(Duration::from_secs(2)));
    let started = Instant::now();
    let error = client(&uri)
        .meetings()
        .get_meeting_participant(&request())
        .timeout(Duration::from_millis(100))
        .max_retries(1)
        .send_blocking()
        .unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
    assert_eq!(error.attempts(), 2);
    assert!(started.elapsed() < Duration::from_secs(1));
}

#[tokio::test]
async fn send_blocking_inside_an_async_runtime_is_an_error_not_a_panic() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(json(200, EXAMPLE_BODY))
        .mount(&server)
        .await;
    let client = client(&server.uri());
    let error = client
        .meetings()
        .get_meeting_participant(&request())
        .send_blocking()
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
    assert!(
        error.to_string().contains("inside an async runtime"),
        "{error}"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
    // Dropping a client whose blocking runtime was started, inside an async runtime, must not
    // panic either.
    let used = std::thread::spawn({
        let uri = server.uri();
        move || {
            let client = common::client(&uri);
            client
                .meetings()
                .get_meeting_participant(&request())
                .send_blocking()
                .unwrap();
            client
        }
    })
    .join()
    .unwrap();
    drop(used);
}

/// Callers' functions return `Result<_, Error>`: at 128 bytes or more, clippy's
/// `result_large_err` would warn in every one of them.
#[test]
fn the_error_stays_below_clippys_large_error_threshold() {
    assert!(std::mem::size_of::<Error>() < 128);
}
