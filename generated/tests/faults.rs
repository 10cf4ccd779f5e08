//! The client under faults that a well-behaved server never produces: servers on loopback
//! built on raw TCP (reset mid-body, silence, drip-fed and truncated bodies, lying
//! `Content-Length`, invalid UTF-8, wrong `Content-Type`, huge bodies, redirects), and the
//! retry rule for requests that are not idempotent.

mod common;

use std::time::{Duration, Instant};

use cloudflare_realtime_kit::runtime::{Auth, Method, Request};
use cloudflare_realtime_kit::{Client, Error};
use common::{EXAMPLE_BODY, RawServer, Reply, TOKEN, builder, client, http, request};

const JSON: &str = "content-type: application/json";

async fn get(
    client: &Client,
) -> Result<cloudflare_realtime_kit::types::GetParticipantResponse, Error> {
    client.meetings().get_meeting_participant(&request()).await
}

/// Sends `method /things` with a JSON body and the token, through the runtime directly (the
/// spec of this crate has only a `GET` operation).
async fn send(client: &Client, method: Method) -> Result<u16, Error> {
    const AUTH: &[&[Auth]] = &[&[Auth::bearer()]];
    let request = Request::new(method, "/things", &[])?
        .auth(AUTH)
        .json_body(&serde_json_like())?;
    client
        .execute(request)
        .await
        .map(|response| response.status().as_u16())
}

fn serde_json_like() -> std::collections::BTreeMap<&'static str, u32> {
    [("n", 1)].into_iter().collect()
}

// --- Broken connections and timeouts --------------------------------------------------------

#[tokio::test]
async fn connection_reset_mid_body_is_a_connection_error_and_get_is_retried() {
    let head = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{\"data\":";
    let server = RawServer::start(vec![Reply::ResetAfter(head.to_vec())]).await;
    let error = get(&client(&server.url())).await.unwrap_err();
    assert!(error.is_connection(), "{error:?}");
    assert_eq!(error.attempts(), 3, "{error}");
    assert_eq!(server.requests().len(), 3);
    assert_eq!(error.earlier_attempts().len(), 2);
    assert!(
        error
            .to_string()
            .contains("after 3 attempts; earlier: attempt 1: connection failed"),
        "{error}"
    );
}

#[tokio::test]
async fn a_server_that_never_answers_times_out_within_the_timeout() {
    let server = RawServer::start(vec![Reply::Silent]).await;
    let client = builder(&server.url())
        .timeout(Duration::from_millis(300))
        .max_retries(1)
        .build()
        .unwrap();
    let started = Instant::now();
    let error = get(&client).await.unwrap_err();
    let elapsed = started.elapsed();
    assert!(error.is_timeout(), "{error:?}");
    assert_eq!(error.attempts(), 2);
    // Two attempts of 300 ms and a few ms of backoff.
    assert!(elapsed >= Duration::from_millis(600), "{elapsed:?}");
    assert!(elapsed < Duration::from_millis(1500), "{elapsed:?}");
}

#[tokio::test]
async fn a_drip_fed_body_is_cut_off_by_the_per_attempt_timeout() {
    // Headers at once, then one byte every 50 ms for 10 s: each read makes progress, but the
    // whole body takes far longer than the timeout.
    let server = RawServer::start(vec![Reply::Drip {
        head: b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 200\r\n\r\n"
            .to_vec(),
        chunk: b" ".to_vec(),
        every: Duration::from_millis(50),
        count: 200,
    }])
    .await;
    let client = builder(&server.url())
        .timeout(Duration::from_millis(400))
        .max_retries(0)
        .build()
        .unwrap();
    let started = Instant::now();
    let error = get(&client).await.unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_body_shorter_than_its_content_length_is_an_error_not_a_decode_of_half() {
    let mut reply = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\ncontent-length: 5000\r\n\r\n".to_vec();
    reply.extend_from_slice(EXAMPLE_BODY.as_bytes());
    let server = RawServer::start(vec![Reply::Bytes(reply)]).await;
    let error = builder(&server.url())
        .max_retries(0)
        .build()
        .unwrap()
        .meetings()
        .get_meeting_participant(&request())
        .await
        .unwrap_err();
    assert!(error.is_connection(), "{error:?}");
    assert_eq!(server.requests().len(), 1);
}

// --- Bodies that are not what they claim ------------------------------------------------------

#[tokio::test]
async fn invalid_utf8_is_a_decode_error() {
    let mut body = br#"{"data":{"id":"182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e","name":""#.to_vec();
    body.extend_from_slice(&[0xff, 0xfe, 0xc3]);
    body.extend_from_slice(br#""},"success":true}"#);
    let server = RawServer::start(vec![Reply::Bytes(http("200 OK", &[JSON], &body))]).await;
    let error = get(&client(&server.url())).await.unwrap_err();
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    let message = error.to_string();
    assert!(
        message.contains('\u{fffd}'),
        "the snippet shows the bad bytes: {message}"
    );
    assert_eq!(error.attempts(), 1);
}

#[tokio::test]
async fn html_with_status_200_is_a_decode_error_naming_the_content_type() {
    let page = "<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>Checking your browser</body></html>";
    let server = RawServer::start(vec![Reply::Bytes(http(
        "200 OK",
        &["content-type: text/html; charset=UTF-8"],
        page.as_bytes(),
    ))])
    .await;
    let error = get(&client(&server.url())).await.unwrap_err();
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    let message = error.to_string();
    assert!(
        message.contains("(Content-Type: text/html; charset=UTF-8, not JSON)"),
        "{message}"
    );
    assert!(message.contains("Just a moment"), "{message}");
}

#[tokio::test]
async fn json_under_a_wrong_content_type_is_still_decoded() {
    let server = RawServer::start(vec![Reply::Bytes(http(
        "200 OK",
        &["content-type: text/html"],
        EXAMPLE_BODY.as_bytes(),
    ))])
    .await;
    let participant = get(&client(&server.url())).await.unwrap();
    assert!(participant.success);
}

#[tokio::test]
async fn an_html_error_page_from_a_proxy_is_an_api_error_with_a_short_excerpt() {
    let page = format!(
        "<html>\n<head><title>502 Bad Gateway</title></head>\n<body>\n<center><h1>502 Bad Gateway</h1></center>\n{}</body>\n</html>",
        "<!-- padding -->\n".repeat(100)
    );
    let server = RawServer::start(vec![Reply::Bytes(http(
        "502 Bad Gateway",
        &["content-type: text/html", "cf-ray: 1234abcd-LHR"],
        page.as_bytes(),
    ))])
    .await;
    let error = get(&client(&server.url())).await.unwrap_err();
    let api = error.api().unwrap_or_else(|| panic!("{error:?}"));
    assert_eq!(api.status().as_u16(), 502);
    assert_eq!(api.attempts(), 3);
    let message = error.to_string();
    assert!(message.contains("502 Bad Gateway"), "{message}");
    assert!(message.contains("[cf-ray 1234abcd-LHR]"), "{message}");
    assert!(message.len() < 600, "one short line: {message}");
}

// --- Body size limit ---------------------------------------------------------------------------

#[tokio::test]
async fn a_declared_content_length_over_the_limit_is_refused_before_reading() {
    // Announces 1 GiB, sends a few bytes and then waits: the client must not wait for it.
    let server = RawServer::start(vec![Reply::Drip {
        head: b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1073741824\r\n\r\n{".to_vec(),
        chunk: b" ".to_vec(),
        every: Duration::from_secs(1),
        count: 30,
    }])
    .await;
    let client = builder(&server.url())
        .max_response_bytes(1 << 20)
        .build()
        .unwrap();
    let started = Instant::now();
    let error = get(&client).await.unwrap_err();
    assert!(
        started.elapsed() < Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
    assert!(
        matches!(
            error,
            Error::ResponseTooLarge {
                limit: 1048576,
                declared: Some(1073741824),
                ..
            }
        ),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(
        message.contains("exceeds the limit of 1048576 bytes"),
        "{message}"
    );
    assert!(message.contains("Content-Length: 1073741824"), "{message}");
    assert_eq!(server.requests().len(), 1, "not retried");
}

/// What [`chunked`] puts before the name.
const NAME_PREFIX: &str =
    r#"{"success":true,"data":{"id":"182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e","name":""#;

/// A chunked body of `size` bytes (no `Content-Length`): the limit must hold while reading.
fn chunked(size: usize) -> Vec<u8> {
    let mut out = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\ntransfer-encoding: chunked\r\n\r\n".to_vec();
    let mut body = format!("{NAME_PREFIX}{}", "x".repeat(size));
    body.truncate(size - 3);
    body.push_str("\"}}");
    for piece in body.as_bytes().chunks(16 * 1024) {
        out.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
        out.extend_from_slice(piece);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"0\r\n\r\n");
    out
}

#[tokio::test]
async fn a_streamed_body_over_the_limit_stops_at_the_limit() {
    let limit = 256 * 1024;
    let server = RawServer::start(vec![Reply::Bytes(chunked(limit + 1))]).await;
    let client = builder(&server.url())
        .max_response_bytes(limit as u64)
        .build()
        .unwrap();
    let error = get(&client).await.unwrap_err();
    assert!(
        matches!(error, Error::ResponseTooLarge { declared: None, .. }),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .contains("the 200 OK response body exceeds the limit of 262144 bytes"),
        "{error}"
    );
}

#[tokio::test]
async fn a_body_of_exactly_the_limit_is_read() {
    let limit = 256 * 1024;
    let server = RawServer::start(vec![Reply::Bytes(chunked(limit))]).await;
    let client = builder(&server.url())
        .max_response_bytes(limit as u64)
        .build()
        .unwrap();
    let participant = get(&client).await.unwrap();
    let name = participant.data.name.unwrap_or_default();
    assert_eq!(name.len(), limit - NAME_PREFIX.len() - 3);
}

#[tokio::test]
async fn error_bodies_are_limited_too() {
    let body = vec![b'x'; 4096];
    let server = RawServer::start(vec![Reply::Bytes(http(
        "500 Internal Server Error",
        &[],
        &body,
    ))])
    .await;
    let error = builder(&server.url())
        .max_response_bytes(1024)
        .build()
        .unwrap()
        .meetings()
        .get_meeting_participant(&request())
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::ResponseTooLarge {
                declared: Some(4096),
                ..
            }
        ),
        "{error:?}"
    );
}

#[test]
fn the_default_limit_is_32_mib() {
    let debug = format!("{:?}", Client::builder());
    assert!(debug.contains("max_response_bytes: 33554432"), "{debug}");
}

// --- Redirects ---------------------------------------------------------------------------------

#[tokio::test]
async fn redirects_are_not_followed_so_the_token_never_reaches_another_host() {
    let elsewhere = RawServer::start(vec![Reply::Bytes(http(
        "200 OK",
        &[JSON],
        EXAMPLE_BODY.as_bytes(),
    ))])
    .await;
    let location = format!("location: {}/stolen", elsewhere.url());
    let server = RawServer::start(vec![Reply::Bytes(http("302 Found", &[&location], b""))]).await;
    let error = get(&client(&server.url())).await.unwrap_err();
    let api = error.api().unwrap_or_else(|| panic!("{error:?}"));
    assert_eq!(api.status().as_u16(), 302);
    assert_eq!(api.attempts(), 1);
    let message = error.to_string();
    assert!(
        message.contains(&format!(
            "[redirect to {}/stolen, not followed]",
            elsewhere.url()
        )),
        "{message}"
    );
    assert!(elsewhere.requests().is_empty());
    // The original server got the token, once.
    let received = server.requests();
    assert_eq!(received.len(), 1);
    assert!(
        received[0].contains(&format!("Bearer {TOKEN}")),
        "{received:?}"
    );
}

#[tokio::test]
async fn same_origin_redirects_are_not_followed_either() {
    let server = RawServer::start(vec![
        Reply::Bytes(http(
            "301 Moved Permanently",
            &["location: /elsewhere"],
            b"",
        )),
        Reply::Bytes(http("200 OK", &[JSON], EXAMPLE_BODY.as_bytes())),
    ])
    .await;
    let error = get(&client(&server.url())).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(301), "{error:?}");
    assert!(
        error
            .to_string()
            .contains("[redirect to /elsewhere, not followed]"),
        "{error}"
    );
    assert_eq!(server.requests().len(), 1);
}

// --- The retry rule ----------------------------------------------------------------------------

fn status(line: &str, headers: &[&str]) -> Reply {
    Reply::Bytes(http(line, headers, b"{}"))
}

#[tokio::test]
async fn post_is_not_retried_on_a_generic_server_error() {
    for line in [
        "500 Internal Server Error",
        "502 Bad Gateway",
        "503 Service Unavailable",
        "408 Request Timeout",
        "409 Conflict",
    ] {
        let server = RawServer::start(vec![status(line, &[JSON])]).await;
        let client = client(&server.url());
        for method in [Method::POST, Method::PATCH] {
            let error = send(&client, method.clone()).await.unwrap_err();
            assert_eq!(error.attempts(), 1, "{method} {line}: {error}");
        }
        assert_eq!(server.requests().len(), 2, "{line}");
        // The same status is retried for an idempotent method.
        let error = send(&client, Method::PUT).await.unwrap_err();
        assert_eq!(error.attempts(), 3, "PUT {line}: {error}");
    }
}

#[tokio::test]
async fn post_is_retried_when_the_server_did_not_act_on_it() {
    for headers in [&["retry-after: 0"][..], &[]] {
        let line = if headers.is_empty() {
            "429 Too Many Requests"
        } else {
            "503 Service Unavailable"
        };
        let server = RawServer::start(vec![
            status(line, headers),
            Reply::Bytes(http("201 Created", &[JSON], b"{}")),
        ])
        .await;
        assert_eq!(
            send(&client(&server.url()), Method::POST).await.unwrap(),
            201,
            "{line}"
        );
        assert_eq!(server.requests().len(), 2, "{line}");
    }
}

#[tokio::test]
async fn post_is_retried_when_the_connection_could_not_be_made() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let error = send(&client(&format!("http://127.0.0.1:{port}")), Method::POST)
        .await
        .unwrap_err();
    assert!(error.is_connection(), "{error:?}");
    assert_eq!(error.attempts(), 3, "{error}");
}

#[tokio::test]
async fn post_is_not_retried_after_a_reset_once_the_request_was_sent() {
    let server = RawServer::start(vec![Reply::ResetAfter(
        b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{".to_vec(),
    )])
    .await;
    let client = client(&server.url());
    let error = send(&client, Method::POST).await.unwrap_err();
    assert!(error.is_connection(), "{error:?}");
    assert_eq!(error.attempts(), 1, "{error}");
    assert_eq!(server.requests().len(), 1);
    // The request did arrive, body and all: retrying could have done it twice.
    assert!(
        server.requests()[0].ends_with(r#"{"n":1}"#),
        "{:?}",
        server.requests()
    );
    let error = send(&client, Method::DELETE).await.unwrap_err();
    assert_eq!(error.attempts(), 3, "{error}");
}

#[tokio::test]
async fn post_is_not_retried_after_a_timeout() {
    let server = RawServer::start(vec![Reply::Silent]).await;
    let client = builder(&server.url())
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let error = send(&client, Method::POST).await.unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
    assert_eq!(error.attempts(), 1);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn x_should_retry_overrides_the_decision() {
    // `true` makes a POST 500 retryable...
    let server = RawServer::start(vec![
        status("500 Internal Server Error", &["x-should-retry: true"]),
        Reply::Bytes(http("200 OK", &[JSON], b"{}")),
    ])
    .await;
    assert_eq!(
        send(&client(&server.url()), Method::POST).await.unwrap(),
        200
    );
    assert_eq!(server.requests().len(), 2);
    // ... but not beyond max_retries.
    let server = RawServer::start(vec![status(
        "500 Internal Server Error",
        &["x-should-retry: true"],
    )])
    .await;
    let error = send(&client(&server.url()), Method::POST)
        .await
        .unwrap_err();
    assert_eq!(error.attempts(), 3);
    // `false` stops a GET 503 from being retried.
    let server = RawServer::start(vec![status(
        "503 Service Unavailable",
        &["x-should-retry: false"],
    )])
    .await;
    let error = get(&client(&server.url())).await.unwrap_err();
    assert_eq!(error.attempts(), 1, "{error}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn every_attempt_is_visible_in_the_error() {
    let server = RawServer::start(vec![
        status("503 Service Unavailable", &[]),
        Reply::ResetAfter(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{".to_vec()),
        status("500 Internal Server Error", &[]),
    ])
    .await;
    let error = get(&client(&server.url())).await.unwrap_err();
    assert_eq!(error.attempts(), 3);
    let earlier = error.earlier_attempts();
    assert_eq!(earlier.len(), 2, "{earlier:?}");
    assert_eq!(earlier[0].number, 1);
    assert_eq!(earlier[0].status.map(|s| s.as_u16()), Some(503));
    assert_eq!(earlier[1].number, 2);
    assert_eq!(earlier[1].status, None);
    assert!(
        earlier[1].outcome.starts_with("connection failed"),
        "{earlier:?}"
    );
    let message = error.to_string();
    assert!(
        message.contains("500 Internal Server Error")
            && message.contains("(after 3 attempts; earlier: attempt 1: 503 Service Unavailable, attempt 2: connection failed"),
        "{message}"
    );
}
