//! The generated client against a real HTTP server on loopback (wiremock).

use std::time::{Duration, Instant};

use cloudflare_realtime_kit::types::GenericErrorResponse;
use cloudflare_realtime_kit::{Client, ClientBuilder, Error, GetMeetingParticipantRequest};
use wiremock::matchers::{any, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "test-token-5ecr3t";
const PATH: &str = "/accounts/acc-1/realtime/kit/app-1/meetings/meet-1/participants/part-1";
const EXAMPLE_BODY: &str = r#"{"data":{"id":"182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e","created_at":"2019-12-27T18:11:19.117Z","custom_participant_id":"custom_participant_id","preset_name":"preset_name","updated_at":"2019-12-27T18:11:19.117Z","name":"name","picture":"https://example.com"},"success":true}"#;

fn request() -> GetMeetingParticipantRequest {
    GetMeetingParticipantRequest {
        account_id: "acc-1".into(),
        app_id: "app-1".into(),
        meeting_id: "meet-1".into(),
        participant_id: "part-1".into(),
    }
}

/// A client for `server` with fast retries.
fn builder(server: &MockServer) -> ClientBuilder {
    Client::builder()
        .token(TOKEN)
        .base_url(server.uri())
        .retry_backoff(Duration::from_millis(1), Duration::from_millis(5))
}

fn client(server: &MockServer) -> Client {
    builder(server).build().unwrap()
}

fn json(status: u16, body: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.to_owned(), "application/json")
}

async fn mount(server: &MockServer, response: ResponseTemplate) {
    Mock::given(any())
        .respond_with(response)
        .mount(server)
        .await;
}

async fn request_count(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

/// Checks that neither Display nor Debug of `error` leaks the token.
fn assert_no_token(error: &Error) {
    assert!(!error.to_string().contains(TOKEN), "{error}");
    assert!(!format!("{error:?}").contains(TOKEN), "{error:?}");
}

// --- Request shape and decoding -------------------------------------------------------------

#[tokio::test]
async fn sends_method_path_and_headers() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(PATH))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(header("accept", "application/json"))
        .and(header(
            "user-agent",
            concat!("cloudflare-realtime-kit/", env!("CARGO_PKG_VERSION")),
        ))
        .respond_with(json(200, EXAMPLE_BODY))
        .expect(1)
        .mount(&server)
        .await;
    client(&server)
        .meetings()
        .get_meeting_participant(&request())
        .await
        .unwrap();
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 1);
    assert!(received[0].url.query().is_none());
}

#[tokio::test]
async fn base_url_with_path_and_trailing_slash() {
    let server = MockServer::start().await;
    Mock::given(path(format!("/client/v4{PATH}")))
        .respond_with(json(200, EXAMPLE_BODY))
        .expect(1)
        .mount(&server)
        .await;
    let client = builder(&server)
        .base_url(format!("{}/client/v4/", server.uri()))
        .build()
        .unwrap();
    client
        .meetings()
        .get_meeting_participant(&request())
        .await
        .unwrap();
}

#[tokio::test]
async fn custom_user_agent_and_http_client() {
    let server = MockServer::start().await;
    Mock::given(header("user-agent", "my-app/1.0"))
        .respond_with(json(200, EXAMPLE_BODY))
        .expect(1)
        .mount(&server)
        .await;
    let client = builder(&server)
        .user_agent("my-app/1.0")
        .http_client(reqwest::Client::new())
        .build()
        .unwrap();
    client
        .meetings()
        .get_meeting_participant(&request())
        .await
        .unwrap();
}

#[tokio::test]
async fn decodes_the_documented_example() {
    let server = MockServer::start().await;
    mount(&server, json(200, EXAMPLE_BODY)).await;
    let response = client(&server)
        .meetings()
        .get_meeting_participant(&request())
        .await
        .unwrap();
    assert!(response.success);
    let data = response.data;
    assert_eq!(data.id.to_string(), "182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e");
    assert_eq!(
        data.created_at.to_rfc3339(),
        "2019-12-27T18:11:19.117+00:00"
    );
    assert_eq!(data.updated_at, data.created_at);
    assert_eq!(data.custom_participant_id, "custom_participant_id");
    assert_eq!(data.preset_name, "preset_name");
    assert_eq!(data.name.as_deref(), Some("name"));
    assert_eq!(data.picture.as_deref(), Some("https://example.com"));
}

#[tokio::test]
async fn optional_fields_null_or_absent() {
    for body in [
        r#"{"data":{"id":"182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e","created_at":"2019-12-27T18:11:19.117Z","custom_participant_id":"c","preset_name":"p","updated_at":"2019-12-27T18:11:19.117Z","name":null,"picture":null},"success":true}"#,
        r#"{"data":{"id":"182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e","created_at":"2019-12-27T18:11:19.117Z","custom_participant_id":"c","preset_name":"p","updated_at":"2019-12-27T18:11:19.117Z"},"success":true}"#,
    ] {
        let server = MockServer::start().await;
        mount(&server, json(200, body)).await;
        let response = client(&server)
            .meetings()
            .get_meeting_participant(&request())
            .await
            .unwrap();
        assert_eq!(response.data.name, None);
        assert_eq!(response.data.picture, None);
    }
}

#[tokio::test]
async fn unknown_fields_are_ignored() {
    let body = r#"{"data":{"id":"182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e","created_at":"2019-12-27T18:11:19.117Z","custom_participant_id":"c","preset_name":"p","updated_at":"2019-12-27T18:11:19.117Z","new_nested":{"x":[1,2]},"role":"host"},"success":true,"paging":{"total_count":1},"messages":[]}"#;
    let server = MockServer::start().await;
    mount(&server, json(200, body)).await;
    let response = client(&server)
        .meetings()
        .get_meeting_participant(&request())
        .await
        .unwrap();
    assert_eq!(response.data.preset_name, "p");
}

#[tokio::test]
async fn malformed_json_names_the_field_path() {
    let body = r#"{"data":{"id":"182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e","created_at":"yesterday","custom_participant_id":"c","preset_name":"p","updated_at":"2019-12-27T18:11:19.117Z"},"success":true}"#;
    let server = MockServer::start().await;
    mount(&server, json(200, body)).await;
    let error = client(&server)
        .meetings()
        .get_meeting_participant(&request())
        .await
        .unwrap_err();
    match &error {
        Error::Decode { path, status, .. } => {
            assert_eq!(path, "data.created_at");
            assert_eq!(status.as_u16(), 200);
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    let message = error.to_string();
    assert!(message.contains("data.created_at"), "{message}");
    assert!(
        message.contains("\"created_at\":\"yesterday\""),
        "{message}"
    );
    assert!(!message.contains('\n'), "{message}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    assert_eq!(request_count(&server).await, 1);
}

/// The decode error of `get_meeting_participant` answering `body` with 200.
async fn decode_error(body: &str) -> (String, String) {
    let server = MockServer::start().await;
    mount(&server, json(200, body)).await;
    let error = client(&server)
        .meetings()
        .get_meeting_participant(&request())
        .await
        .unwrap_err();
    match &error {
        Error::Decode { path, .. } => (path.clone(), error.to_string()),
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn missing_required_object_is_a_decode_error() {
    let (path, message) = decode_error(r#"{"success":true}"#).await;
    assert_eq!(path, ".");
    assert!(message.contains("missing field `data`"), "{message}");
}

#[tokio::test]
async fn duplicate_field_is_a_decode_error() {
    let body = r#"{"data":{"id":"182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e","created_at":"2019-12-27T18:11:19.117Z","custom_participant_id":"c","preset_name":"p","preset_name":"q","updated_at":"2019-12-27T18:11:19.117Z"},"success":true}"#;
    let (path, message) = decode_error(body).await;
    assert_eq!(path, "data");
    assert!(
        message.contains("duplicate field `preset_name`"),
        "{message}"
    );
}

#[tokio::test]
async fn object_as_array_is_a_decode_error() {
    let (path, message) = decode_error(r#"{"data":["p"],"success":true}"#).await;
    assert_eq!(path, "data");
    assert!(message.contains("expected struct Participant"), "{message}");
}

#[tokio::test]
async fn truncated_json_is_a_decode_error_with_a_short_snippet() {
    let long_name = "n".repeat(1000);
    let body = format!(
        r#"{{"data":{{"id":"182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e","name":"{long_name}","created_at":"#
    );
    let server = MockServer::start().await;
    mount(&server, json(200, &body)).await;
    let error = client(&server)
        .meetings()
        .get_meeting_participant(&request())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    let message = error.to_string();
    assert!(message.len() < 600, "{message}");
    assert!(message.contains("created_at"), "{message}");
}

// --- Error responses --------------------------------------------------------------------------

#[tokio::test]
async fn realtime_kit_error_envelope() {
    let server = MockServer::start().await;
    mount(
        &server,
        json(
            404,
            r#"{"success":false,"error":{"code":404,"message":"Participant not found"}}"#,
        )
        .insert_header("cf-ray", "8c3a1b2c3d4e5f60-SJC"),
    )
    .await;
    let error = client(&server)
        .meetings()
        .get_meeting_participant(&request())
        .await
        .unwrap_err();
    let api = error.api().expect("an API error");
    assert_eq!(api.status().as_u16(), 404);
    assert_eq!(api.code(), Some(404));
    assert_eq!(api.message(), Some("Participant not found"));
    assert_eq!(api.ray_id(), Some("8c3a1b2c3d4e5f60-SJC"));
    assert_eq!(api.attempts(), 1);
    let decoded: GenericErrorResponse = api.body_as().unwrap();
    assert!(!decoded.success);
    assert_eq!(decoded.error.code, 404);
    assert_eq!(decoded.error.message, "Participant not found");
    let message = error.to_string();
    for part in [
        "GET",
        PATH,
        "404",
        "Participant not found",
        "8c3a1b2c3d4e5f60-SJC",
    ] {
        assert!(message.contains(part), "{part} missing in {message}");
    }
    assert_no_token(&error);
}

#[tokio::test]
async fn realtime_kit_error_code_as_float() {
    let server = MockServer::start().await;
    mount(
        &server,
        json(
            500,
            r#"{"success":false,"error":{"code":500.0,"message":"Internal error"}}"#,
        ),
    )
    .await;
    let error = builder(&server)
        .max_retries(0)
        .build()
        .unwrap()
        .meetings()
        .get_meeting_participant(&request())
        .await
        .unwrap_err();
    let api = error.api().unwrap();
    assert_eq!(api.code(), Some(500));
    assert_eq!(api.message(), Some("Internal error"));
    // An integral `type: number`: an `i64`, still read from `500.0`.
    assert_eq!(
        api.body_as::<GenericErrorResponse>().unwrap().error.code,
        500
    );
}

#[tokio::test]
async fn v4_errors_array_envelope() {
    let server = MockServer::start().await;
    mount(
        &server,
        json(
            400,
            r#"{"success":false,"errors":[{"code":7003,"message":"Could not route to /accounts/x, perhaps your object identifier is invalid?"},{"code":7000,"message":"No route for that URI"}],"messages":[],"result":null}"#,
        )
        .insert_header("cf-ray", "8c3a000000000001-LHR"),
    )
    .await;
    let error = client(&server)
        .meetings()
        .get_meeting_participant(&request())
        .await
        .unwrap_err();
    let api = error.api().unwrap();
    assert_eq!(api.code(), Some(7003));
    assert!(api.message().unwrap().starts_with("Could not route"));
    assert_eq!(api.ray_id(), Some("8c3a000000000001-LHR"));
    let body: serde_json::Value = api.body_as().unwrap();
    assert_eq!(body["errors"][1]["code"], 7000);
    assert!(api.body_as::<GenericErrorResponse>().is_err());
    let message = error.to_string();
    assert!(message.contains("7003"), "{message}");
    assert!(message.contains("Could not route"), "{message}");
    assert!(message.contains("1 more error"), "{message}");
    assert!(message.contains("8c3a000000000001-LHR"), "{message}");
    assert_eq!(request_count(&server).await, 1);
}

#[tokio::test]
async fn html_502_page() {
    let page = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n";
    let server = MockServer::start().await;
    mount(
        &server,
        ResponseTemplate::new(502).set_body_raw(page, "text/html"),
    )
    .await;
    let error = builder(&server)
        .max_retries(0)
        .build()
        .unwrap()
        .meetings()
        .get_meeting_participant(&request())
        .await
        .unwrap_err();
    let api = error.api().unwrap();
    assert_eq!(api.status().as_u16(), 502);
    assert_eq!(api.code(), None);
    assert_eq!(api.message(), None);
    assert_eq!(api.body(), page);
    let message = error.to_string();
    assert!(
        message.contains("<html> <head><title>502 Bad Gateway</title></head>"),
        "{message}"
    );
    assert!(
        !message.contains('\n') && !message.contains('\r'),
        "{message}"
    );
    assert_eq!(error.status().map(|s| s.as_u16()), Some(502));
}

// --- Retries ----------------------------------------------------------------------------------

#[tokio::test]
async fn client_errors_are_not_retried() {
    for status in [400, 401, 403, 404, 422] {
        let server = MockServer::start().await;
        mount(&server, json(status, r#"{"success":false}"#)).await;
        let error = client(&server)
            .meetings()
            .get_meeting_participant(&request())
            .await
            .unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(request_count(&server).await, 1, "status {status}");
    }
}

#[tokio::test]
async fn server_error_then_success_is_retried() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(json(500, r#"{"success":false}"#))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    mount(&server, json(200, EXAMPLE_BODY)).await;
    let response = client(&server)
        .meetings()
        .get_meeting_participant(&request())
        .await
        .unwrap();
    assert_eq!(response.data.preset_name, "preset_name");
    assert_eq!(request_count(&server).await, 2);
}

#[tokio::test]
async fn retryable_statuses() {
    for status in [408, 409, 429, 502, 504] {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(json(status, "{}"))
            .up_to_n_times(1)
            .mount(&server)
            .await;
        mount(&server, json(200, EXAMPLE_BODY)).await;
        client(&server)
            .meetings()
            .get_meeting_participant(&request())
            .await
            .unwrap();
        assert_eq!(request_count(&server).await, 2, "status {status}");
    }
}

#[tokio::test]
async fn retries_exhausted_returns_the_last_error() {
    let server = MockServer::start().await;
    mount(
        &server,
        json(
            503,
            r#"{"success":false,"error":{"code":503,"message":"busy"}}"#,
        ),
    )
    .await;
    let error = client(&server)
        .meetings()
        .get_meeting_participant(&request())
        .await
        .unwrap_err();
    assert_eq!(request_count(&server).await, 3);
    let api = error.api().unwrap();
    assert_eq!(api.status().as_u16(), 503);
    assert_eq!(api.attempts(), 3);
    assert!(error.to_string().contains("3 attempts"), "{error}");
}

#[tokio::test]
async fn max_retries_zero_sends_once() {
    let server = MockServer::start().await;
    mount(&server, json(503, "{}")).await;
    let error = builder(&server)
        .max_retries(0)
        .build()
        .unwrap()
        .meetings()
        .get_meeting_participant(&request())
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(request_count(&server).await, 1);
}

/// The server's delay replaces the backoff: with a long backoff configured, a retry that comes
/// quickly can only have used `Retry-After`.
#[tokio::test]
async fn retry_after_seconds_is_honoured() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(json(429, "{}").insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    mount(&server, json(200, EXAMPLE_BODY)).await;
    let started = Instant::now();
    builder(&server)
        .retry_backoff(Duration::from_secs(30), Duration::from_secs(30))
        .build()
        .unwrap()
        .meetings()
        .get_meeting_participant(&request())
        .await
        .unwrap();
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(950), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
    assert_eq!(request_count(&server).await, 2);
}

#[tokio::test]
async fn retry_after_ms_is_honoured() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(json(429, "{}").insert_header("retry-after-ms", "50"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    mount(&server, json(200, EXAMPLE_BODY)).await;
    let started = Instant::now();
    builder(&server)
        .retry_backoff(Duration::from_secs(30), Duration::from_secs(30))
        .build()
        .unwrap()
        .meetings()
        .get_meeting_participant(&request())
        .await
        .unwrap();
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(50), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
    assert_eq!(request_count(&server).await, 2);
}

#[tokio::test]
async fn retry_after_over_a_minute_is_not_retried() {
    let in_two_minutes =
        httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(120));
    for value in ["120", in_two_minutes.as_str()] {
        let server = MockServer::start().await;
        mount(
            &server,
            json(
                429,
                r#"{"success":false,"errors":[{"code":10000,"message":"Rate limited"}]}"#,
            )
            .insert_header("retry-after", value),
        )
        .await;
        let started = Instant::now();
        let error = client(&server)
            .meetings()
            .get_meeting_participant(&request())
            .await
            .unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(5));
        let api = error.api().unwrap();
        assert_eq!(api.status().as_u16(), 429);
        assert_eq!(api.message(), Some("Rate limited"));
        let retry_after = api.retry_after().unwrap();
        assert!(
            retry_after > Duration::from_secs(100) && retry_after <= Duration::from_secs(120),
            "{value}: {retry_after:?}"
        );
        assert!(error.to_string().contains("retry after 1"), "{error}");
        assert_eq!(request_count(&server).await, 1, "{value}");
    }
}

#[tokio::test]
async fn timeout_is_reported() {
    let server = MockServer::start().await;
    mount(
        &server,
        json(200, EXAMPLE_BODY).set_delay(Duration::from_secs(2)),
    )
    .await;
    let started = Instant::now();
    let error = builder(&server)
        .timeout(Duration::from_millis(100))
        .max_retries(1)
        .build()
        .unwrap()
        .meetings()
        .get_meeting_participant(&request())
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(1));
    assert!(error.is_timeout(), "{error:?}");
    assert!(!error.is_connection());
    assert_eq!(error.status(), None);
    let message = error.to_string();
    assert!(
        message.contains("GET") && message.contains(PATH),
        "{message}"
    );
    assert!(message.contains("2 attempts"), "{message}");
    assert_eq!(request_count(&server).await, 2);
    assert_no_token(&error);
}

#[tokio::test]
async fn connection_refused() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let error = Client::builder()
        .token(TOKEN)
        .base_url(format!("http://127.0.0.1:{port}"))
        .retry_backoff(Duration::from_millis(1), Duration::from_millis(5))
        .build()
        .unwrap()
        .meetings()
        .get_meeting_participant(&request())
        .await
        .unwrap_err();
    assert!(error.is_connection(), "{error:?}");
    assert!(
        matches!(error, Error::Connection { attempts: 3, .. }),
        "{error:?}"
    );
    assert!(std::error::Error::source(&error).is_some());
    let message = error.to_string();
    assert!(message.contains(&format!("127.0.0.1:{port}")), "{message}");
    assert_no_token(&error);
}

// --- Path parameters --------------------------------------------------------------------------

#[tokio::test]
async fn path_parameters_are_percent_encoded() {
    let server = MockServer::start().await;
    mount(&server, json(200, EXAMPLE_BODY)).await;
    let request = GetMeetingParticipantRequest {
        account_id: "a/b?c#d".into(),
        app_id: "100% sure".into(),
        meeting_id: "café-ü".into(),
        participant_id: "x.y_z~-...+&=;:@!$'()*,".into(),
    };
    client(&server)
        .meetings()
        .get_meeting_participant(&request)
        .await
        .unwrap();
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 1);
    assert_eq!(
        received[0].url.path(),
        "/accounts/a%2Fb%3Fc%23d/realtime/kit/100%25%20sure/meetings/caf%C3%A9-%C3%BC\
         /participants/x.y_z~-...%2B%26%3D%3B%3A%40%21%24%27%28%29%2A%2C"
    );
    assert_eq!(received[0].url.query(), None);
}

#[tokio::test]
async fn empty_and_dot_segments_are_refused_before_sending() {
    let server = MockServer::start().await;
    mount(&server, json(200, EXAMPLE_BODY)).await;
    let client = client(&server);
    for bad in ["", ".", ".."] {
        let cases = [
            (
                "account_id",
                GetMeetingParticipantRequest {
                    account_id: bad.into(),
                    ..request()
                },
            ),
            (
                "participant_id",
                GetMeetingParticipantRequest {
                    participant_id: bad.into(),
                    ..request()
                },
            ),
        ];
        for (name, request) in cases {
            let error = client
                .meetings()
                .get_meeting_participant(&request)
                .await
                .unwrap_err();
            assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
            assert!(error.to_string().contains(name), "{error}");
        }
    }
    assert_eq!(request_count(&server).await, 0);
}

// --- Configuration and secrecy ----------------------------------------------------------------

#[tokio::test]
async fn missing_token_is_refused_before_sending() {
    let server = MockServer::start().await;
    mount(&server, json(200, EXAMPLE_BODY)).await;
    let client = Client::builder().base_url(server.uri()).build().unwrap();
    let error = client
        .meetings()
        .get_meeting_participant(&request())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
    assert!(error.to_string().contains("token"), "{error}");
    assert_eq!(request_count(&server).await, 0);
}

#[test]
fn invalid_configuration_is_an_error() {
    for base_url in [
        "not a url",
        "ftp://example.com",
        "https://example.com/v4?x=1",
        "mailto:a@b.c",
    ] {
        let error = Client::builder()
            .token(TOKEN)
            .base_url(base_url)
            .build()
            .unwrap_err();
        assert!(
            matches!(error, Error::Config { .. }),
            "{base_url}: {error:?}"
        );
        assert!(error.to_string().contains("base URL"), "{error}");
    }
    let error = Client::builder().token("").build().unwrap_err();
    assert!(matches!(error, Error::Config { .. }), "{error:?}");
    let error = Client::builder().token("bad\ntoken").build().unwrap_err();
    assert!(matches!(error, Error::Config { .. }), "{error:?}");
    assert!(!error.to_string().contains("bad\ntoken"));
}

#[test]
fn debug_output_redacts_the_token() {
    let builder = Client::builder()
        .token(TOKEN)
        .base_url("https://api.example.com/client/v4")
        .timeout(Duration::from_secs(5))
        .max_retries(4);
    let builder_debug = format!("{builder:?}");
    assert!(!builder_debug.contains(TOKEN), "{builder_debug}");
    assert!(builder_debug.contains("<redacted>"), "{builder_debug}");
    let client = builder.build().unwrap();
    let client_debug = format!("{client:?}");
    assert!(!client_debug.contains(TOKEN), "{client_debug}");
    for part in [
        "token: \"<redacted>\"",
        "base_url: \"https://api.example.com/client/v4\"",
        "timeout: 5s",
        "max_retries: 4",
    ] {
        assert!(
            client_debug.contains(part),
            "{part} missing in {client_debug}"
        );
    }
    let clone = client.clone();
    assert_eq!(format!("{clone:?}"), client_debug);
}

#[test]
fn defaults() {
    let client = Client::builder().build().unwrap();
    let debug = format!("{client:?}");
    assert!(
        debug.contains("base_url: \"https://api.cloudflare.com/client/v4\""),
        "{debug}"
    );
    assert!(debug.contains("timeout: 60s"), "{debug}");
    assert!(debug.contains("max_retries: 2"), "{debug}");
    assert_eq!(
        cloudflare_realtime_kit::CREDENTIAL_ENV,
        &[
            ("api_email", "CLOUDFLARE_EMAIL"),
            ("api_key", "CLOUDFLARE_API_KEY"),
            ("token", "CLOUDFLARE_API_TOKEN"),
            ("user_service_key", "CLOUDFLARE_API_USER_SERVICE_KEY"),
        ]
    );
}
