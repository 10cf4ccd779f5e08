//! Raw access over real HTTP on loopback: an operation's response undecoded (`Call::raw`), and
//! requests to paths the spec does not describe (`Client::request`), sent with the same
//! credentials, retries and errors as operations.

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use cloudflare_realtime_kit::reqwest::{Method, StatusCode};
use cloudflare_realtime_kit::types::GetParticipantResponse;
use cloudflare_realtime_kit::{Auth, Client, Error, RawResponse};
use common::{EXAMPLE_BODY, PATH, TOKEN, builder, client, request};
use serde_json::{Value, json};
use wiremock::matchers::{any, body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn json(status: u16, body: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.to_owned(), "application/json")
}

/// 503 for the first `failures` requests, then `then`.
async fn fail_then(server: &MockServer, failures: u64, then: ResponseTemplate) {
    Mock::given(any())
        .respond_with(json(503, r#"{"errors":[{"code":1,"message":"busy"}]}"#))
        .up_to_n_times(failures)
        .mount(server)
        .await;
    Mock::given(any()).respond_with(then).mount(server).await;
}

/// A server answering every request with `template`.
async fn answering(template: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(template)
        .mount(&server)
        .await;
    server
}

/// The one request the server received.
async fn received(server: &MockServer) -> wiremock::Request {
    let mut requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1, "{requests:?}");
    requests.remove(0)
}

#[tokio::test]
async fn raw_returns_an_operations_response_undecoded_after_retries() {
    let server = MockServer::start().await;
    // Not what the operation's decoder expects: the raw call returns it as it is.
    let body = b"\x00not json\xff".to_vec();
    fail_then(
        &server,
        1,
        ResponseTemplate::new(203)
            .set_body_raw(body.clone(), "application/octet-stream")
            .insert_header("cf-ray", "8a1b2c3d4e5f-AMS")
            .insert_header("x-extra", "yes"),
    )
    .await;
    let response: RawResponse = client(&server.uri())
        .meetings()
        .get_meeting_participant(&request())
        .raw()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NON_AUTHORITATIVE_INFORMATION);
    assert_eq!(response.headers()["x-extra"], "yes");
    assert_eq!(response.request_id(), Some("8a1b2c3d4e5f-AMS"));
    assert_eq!(response.ray_id(), Some("8a1b2c3d4e5f-AMS"));
    assert_eq!(response.attempts(), 2, "the 503 was retried");
    assert_eq!(response.method(), Method::GET);
    assert_eq!(response.url(), format!("{}{PATH}", server.uri()));
    assert_eq!(response.body(), body.as_slice());
    assert_eq!(response.text(), "\0not json\u{fffd}");
    assert!(matches!(
        response.json::<Value>(),
        Err(Error::Decode { .. })
    ));
    assert_eq!(response.bytes(), body);
    // The same request as the decoded call: path, credentials, `Accept`.
    let requests = server.received_requests().await.unwrap();
    for sent in &requests {
        assert_eq!(sent.url.path(), PATH);
        assert_eq!(sent.headers["authorization"], format!("Bearer {TOKEN}"));
        assert_eq!(sent.headers["accept"], "application/json");
    }
}

#[tokio::test]
async fn raw_json_decodes_what_the_operation_would() {
    let server = answering(json(200, EXAMPLE_BODY)).await;
    let client = client(&server.uri());
    let response = client
        .meetings()
        .get_meeting_participant(&request())
        .raw()
        .await
        .unwrap();
    let decoded: GetParticipantResponse = response.json().unwrap();
    let typed = client
        .meetings()
        .get_meeting_participant(&request())
        .await
        .unwrap();
    assert_eq!(decoded, typed);
    // `with_response` after `raw` has the raw response as its value.
    let whole = client
        .meetings()
        .get_meeting_participant(&request())
        .raw()
        .with_response()
        .await
        .unwrap();
    assert_eq!(whole.status(), StatusCode::OK);
    assert_eq!(whole.value().text(), EXAMPLE_BODY);
}

#[tokio::test]
async fn raw_error_statuses_are_api_errors_with_the_body() {
    let server = MockServer::start().await;
    let body = r#"{"success":false,"error":{"code":404,"message":"Participant not found"}}"#;
    Mock::given(any())
        .respond_with(json(404, body).insert_header("cf-ray", "404-ray"))
        .mount(&server)
        .await;
    let error = client(&server.uri())
        .meetings()
        .get_meeting_participant(&request())
        .raw()
        .await
        .unwrap_err();
    let Error::Api(api) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(api.status(), StatusCode::NOT_FOUND);
    assert_eq!(api.body(), body);
    assert_eq!(api.message(), Some("Participant not found"));
    assert_eq!(api.ray_id(), Some("404-ray"));
    assert_eq!(error.attempts(), 1, "a 404 is not retried");
}

#[tokio::test]
async fn raw_keeps_per_call_options_given_before_and_after() {
    let server = answering(json(200, "{}").set_delay(Duration::from_secs(2))).await;
    let error = client(&server.uri())
        .meetings()
        .get_meeting_participant(&request())
        .header("x-before", "1")
        .raw()
        .header("x-after", "2")
        .timeout(Duration::from_millis(100))
        .max_retries(0)
        .await
        .unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
    let sent = received(&server).await;
    assert_eq!(sent.headers["x-before"], "1");
    assert_eq!(sent.headers["x-after"], "2");
}

#[tokio::test]
async fn request_encodes_path_segments_and_query_and_sends_the_tokens_credentials() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(json(200, r#"{"ok":true}"#).insert_header("cf-ray", "raw-ray"))
        .mount(&server)
        .await;
    let response = client(&server.uri())
        .request(Method::GET, "/accounts/{account_id}/things/{thing}")
        .path_param("account_id", "acc 1/../x?y#z")
        .path_param("thing", "ünï")
        .query("q", "x y&z=1+2")
        .query("ids", &[1, 2])
        .query("absent", &None::<String>)
        .query("filter", &json!({"a": "b"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.ray_id(), Some("raw-ray"));
    assert_eq!(response.json::<Value>().unwrap(), json!({"ok": true}));
    let sent = received(&server).await;
    assert_eq!(
        sent.url.path(),
        "/accounts/acc%201%2F..%2Fx%3Fy%23z/things/%C3%BCn%C3%AF"
    );
    assert_eq!(sent.url.query(), Some("q=x+y%26z%3D1%2B2&ids=1&ids=2&a=b"));
    assert_eq!(sent.headers["authorization"], format!("Bearer {TOKEN}"));
    assert_eq!(sent.headers["accept"], "application/json");
    assert_eq!(
        response.url(),
        format!(
            "{}{}?{}",
            server.uri(),
            sent.url.path(),
            sent.url.query().unwrap()
        )
    );
}

#[tokio::test]
async fn request_sends_the_first_credentials_of_the_specs_global_security() {
    let server = answering(json(200, "{}")).await;
    // The spec's global security: email and key, or a token, or a user service key. With all
    // of them, the first alternative goes out (and nothing else).
    let everything = builder(&server.uri())
        .api_email("me@example.com")
        .api_key("key-1")
        .user_service_key("v1.0-service")
        .build()
        .unwrap();
    everything
        .request(Method::GET, "/user")
        .send()
        .await
        .unwrap();
    // With the user service key alone, that one.
    let service = Client::builder()
        .user_service_key("v1.0-service")
        .base_url(server.uri())
        .build()
        .unwrap();
    service.request(Method::GET, "/user").send().await.unwrap();
    // `auth` chooses: only the token, or nothing at all.
    const TOKEN_ONLY: &[&[Auth]] = &[&[Auth::bearer()]];
    everything
        .request(Method::GET, "/user")
        .auth(TOKEN_ONLY)
        .send()
        .await
        .unwrap();
    everything
        .request(Method::GET, "/ips")
        .auth(&[])
        .send()
        .await
        .unwrap();
    let requests = server.received_requests().await.unwrap();
    let credentials: Vec<Vec<(String, String)>> = requests
        .iter()
        .map(|request| {
            [
                "authorization",
                "x-auth-email",
                "x-auth-key",
                "x-auth-user-service-key",
            ]
            .into_iter()
            .filter_map(|name| {
                let value = request.headers.get(name)?.to_str().unwrap();
                Some((name.to_owned(), value.to_owned()))
            })
            .collect()
        })
        .collect();
    let pair = |name: &str, value: &str| (name.to_owned(), value.to_owned());
    assert_eq!(
        credentials,
        [
            vec![
                pair("x-auth-email", "me@example.com"),
                pair("x-auth-key", "key-1")
            ],
            vec![pair("x-auth-user-service-key", "v1.0-service")],
            vec![pair("authorization", &format!("Bearer {TOKEN}"))],
            vec![],
        ]
    );
}

#[tokio::test]
async fn request_without_credentials_is_refused_before_sending() {
    let server = MockServer::start().await;
    let anonymous = Client::builder().base_url(server.uri()).build().unwrap();
    let error = anonymous
        .request(Method::GET, "/user")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
    let message = error.to_string();
    assert!(message.contains("CLOUDFLARE_API_TOKEN"), "{message}");
    assert!(message.contains("GET"), "{message}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn request_is_retried_like_an_operation() {
    let server = MockServer::start().await;
    fail_then(&server, 1, json(200, r#"{"result":[1,2]}"#)).await;
    let response = client(&server.uri())
        .request(Method::GET, "/things")
        .send()
        .await
        .unwrap();
    assert_eq!(response.attempts(), 2);
    assert_eq!(response.text(), r#"{"result":[1,2]}"#);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);

    // A POST is not retried after a plain 503 (the server may have acted on it)...
    let server = MockServer::start().await;
    fail_then(&server, 1, json(200, "{}")).await;
    let error = client(&server.uri())
        .request(Method::POST, "/things")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(error.attempts(), 1);
    // ...and per-call options apply: no retries at all.
    let server = MockServer::start().await;
    fail_then(&server, 1, json(200, "{}")).await;
    let error = client(&server.uri())
        .request(Method::GET, "/things")
        .send()
        .max_retries(0)
        .await
        .unwrap_err();
    assert_eq!(error.attempts(), 1);
}

#[tokio::test]
async fn request_error_statuses_are_api_errors_with_the_body() {
    let server = MockServer::start().await;
    let body = r#"{"success":false,"errors":[{"code":7003,"message":"No route for that URI"}]}"#;
    Mock::given(any())
        .respond_with(json(404, body).insert_header("cf-ray", "nf-ray"))
        .mount(&server)
        .await;
    let error = client(&server.uri())
        .request(Method::DELETE, "/nowhere/{id}")
        .path_param("id", "x y")
        .send_json::<Value>()
        .await
        .unwrap_err();
    let api = error.api().unwrap_or_else(|| panic!("{error:?}"));
    assert_eq!(api.status(), StatusCode::NOT_FOUND);
    assert_eq!(api.body(), body);
    assert_eq!(api.code(), Some(7003));
    assert_eq!(api.message(), Some("No route for that URI"));
    assert_eq!(api.ray_id(), Some("nf-ray"));
    assert_eq!(api.method(), Method::DELETE);
    assert_eq!(api.url(), format!("{}/nowhere/x%20y", server.uri()));
    let message = error.to_string();
    assert!(
        message.contains("404 Not Found: error 7003: No route"),
        "{message}"
    );
}

#[tokio::test]
async fn request_sends_json_and_other_bodies_and_decodes_json() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/things"))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({"name": "thing", "tags": ["a"]})))
        .respond_with(json(201, r#"{"id":"t-1","name":"thing"}"#))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/things/t-1/notes"))
        .and(header("content-type", "text/plain; charset=utf-8"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server.uri());
    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Thing {
        id: String,
        name: String,
    }
    let thing: Thing = client
        .request(Method::POST, "things") // the leading `/` is added
        .json(&json!({"name": "thing", "tags": ["a"]}))
        .send_json()
        .await
        .unwrap();
    assert_eq!(
        thing,
        Thing {
            id: "t-1".into(),
            name: "thing".into()
        }
    );
    let response = client
        .request(Method::PUT, "/things/{id}/notes")
        .path_param("id", &thing.id)
        .body("text/plain; charset=utf-8", "remember")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert!(response.body().is_empty());
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests[1].body, b"remember");
}

#[tokio::test]
async fn request_headers_replace_defaults_but_not_credentials() {
    let server = answering(ResponseTemplate::new(200).set_body_string("a,b\n1,2\n")).await;
    let response = client(&server.uri())
        .request(Method::GET, "/report")
        .header("Accept", "text/csv")
        .header("x-request-id", "r-1")
        .header("authorization", "Bearer someone-else")
        .send()
        .await
        .unwrap();
    assert_eq!(response.text(), "a,b\n1,2\n");
    let sent = received(&server).await;
    let all = |name: &str| sent.headers.get_all(name).iter().count();
    assert_eq!((all("accept"), all("authorization")), (1, 1));
    assert_eq!(sent.headers["accept"], "text/csv");
    assert_eq!(sent.headers["x-request-id"], "r-1");
    assert_eq!(sent.headers["authorization"], format!("Bearer {TOKEN}"));
}

#[tokio::test]
async fn bad_requests_are_refused_before_sending() {
    let server = MockServer::start().await;
    let client = client(&server.uri());
    let mut unserializable = BTreeMap::new();
    unserializable.insert((1, 2), "a map with tuple keys is not JSON");
    let cases = [
        (
            client.request(Method::GET, "/things?page=2"),
            "must not have a query",
        ),
        (
            client.request(Method::GET, "/things#top"),
            "must not have a query",
        ),
        (
            client.request(Method::GET, "/things/{id}"),
            "no value for path parameter `id`",
        ),
        (
            client
                .request(Method::GET, "/things/{id}")
                .path_param("id", ".."),
            "must not be `..`",
        ),
        (
            client
                .request(Method::GET, "/things/{id}")
                .path_param("id", ""),
            "is empty",
        ),
        (
            client
                .request(Method::GET, "/things")
                .query("map", &unserializable),
            "query parameter `map`",
        ),
        (
            client
                .request(Method::POST, "/things")
                .json(&unserializable),
            "cannot serialize the request body",
        ),
        (
            client
                .request(Method::GET, "/things")
                .header("x-bad", "a\nb"),
            "not allowed in a header",
        ),
        (
            client
                .request(Method::GET, "/things")
                .header("bad name", "v"),
            "not a valid header name",
        ),
    ];
    for (request, expected) in cases {
        let error = request.send().await.unwrap_err();
        assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
        let message = error.to_string();
        assert!(message.contains(expected), "{message}");
        assert!(message.contains("/things"), "{message}");
        assert_eq!(error.attempts(), 0);
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}
