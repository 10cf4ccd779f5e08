//! The runtime's `'static` calls and page walks, undecoded responses (`Call::raw`), requests to
//! paths the spec does not describe (`Client::request`) and the test constructors, against a
//! real HTTP server on loopback (wiremock).

use std::future::IntoFuture;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode};
use runtime_http::runtime::{Page, QueryStyle, Request};
use runtime_http::{
    ApiError, ApiResponse, Auth, Call, CallFuture, Client, ClientBuilder, Error, Items,
    OTHER_SERVICE, Pages, RawResponse,
};
use serde_json::{Value, json};
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn assert_send_static<T: Send + 'static>(_: &T) {}

fn builder(server: &MockServer) -> ClientBuilder {
    Client::builder()
        .base_url(server.uri())
        .retry_backoff(Duration::from_millis(1), Duration::from_millis(5))
}

/// The one request the server received.
async fn received(server: &MockServer) -> wiremock::Request {
    let mut requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1, "{requests:?}");
    requests.remove(0)
}

/// 503 for the first request, then `then`.
async fn busy_once(server: &MockServer, then: ResponseTemplate) {
    Mock::given(any())
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(server)
        .await;
    Mock::given(any()).respond_with(then).mount(server).await;
}

/// A call made with a client this function creates and drops: the call owns a clone.
fn ok_call(base_url: &str) -> Call<Value> {
    let client = Client::builder().base_url(base_url).build().unwrap();
    let request = Request::new(Method::GET, "/ok", &[]);
    Call::new(&client, "get_ok", request, RawResponse::into_json)
}

/// A walk of `/list?page=N`, whose pages are JSON arrays, made the way generated `_pages`
/// methods make theirs.
fn list_pages(client: &Client) -> Pages<Value> {
    Pages::new(client, None, Some(2), |client, page| {
        let request = Request::new(Method::GET, "/list", &[])
            .and_then(|request| request.query("page", &page, QueryStyle::Form));
        let call: Call<Vec<Value>> = Call::new(client, "list", request, RawResponse::into_json);
        Box::pin(async move { Ok(Page::new(call.await?, None, None, None)) })
    })
}

#[tokio::test]
async fn calls_and_page_walks_own_their_client() {
    let server = MockServer::start().await;
    Mock::given(path("/ok"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"a": 1})))
        .mount(&server)
        .await;
    Mock::given(path("/list"))
        .respond_with(|request: &wiremock::Request| {
            let page = request.url.query().unwrap_or_default().to_owned();
            let items = match page.as_str() {
                "page=1" => json!([1, 2]),
                "page=2" => json!([3]),
                _ => json!([]),
            };
            ResponseTemplate::new(200).set_body_json(items)
        })
        .mount(&server)
        .await;
    // The builders and the futures they become are `Send + 'static`.
    let call = ok_call(&server.uri());
    assert_send_static(&call);
    let future: CallFuture<Value> = call.send();
    assert_send_static(&future);
    assert_eq!(
        tokio::spawn(future).await.unwrap().unwrap(),
        json!({"a": 1})
    );
    let with_response = ok_call(&server.uri()).with_response();
    assert_send_static(&with_response);
    let future = with_response.into_future();
    assert_send_static(&future);
    let response = tokio::spawn(future).await.unwrap().unwrap();
    assert_eq!(response.attempts(), 1);

    let client = builder(&server).build().unwrap();
    let items: Items<Value> = list_pages(&client).items();
    assert_send_static(&items);
    drop(client);
    let all = tokio::spawn(items.collect()).await.unwrap().unwrap();
    assert_eq!(all, [json!(1), json!(2), json!(3)]);

    // Awaited, a walk runs to its end: every item, or every page.
    let client = builder(&server).build().unwrap();
    let future = list_pages(&client).items().into_future();
    assert_send_static(&future);
    assert_eq!(future.await.unwrap(), [json!(1), json!(2), json!(3)]);
    let pages = list_pages(&client).await.unwrap();
    let numbers: Vec<u64> = pages.iter().map(|page| page.number).collect();
    assert_eq!(numbers, [1, 2]);
    assert_eq!(pages[1].items, [json!(3)]);
}

#[tokio::test]
async fn raw_returns_the_response_undecoded_after_retries() {
    let server = MockServer::start().await;
    busy_once(
        &server,
        ResponseTemplate::new(200)
            .insert_header("x-request-id", "raw-1")
            .set_body_bytes(b"\xffnot json".to_vec()),
    )
    .await;
    let response = ok_call(&server.uri()).raw().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.attempts(), 2);
    assert_eq!(response.request_id(), Some("raw-1"));
    assert_eq!(response.body(), b"\xffnot json");
    // The decoded call fails on the same body.
    let error = ok_call(&server.uri()).await.unwrap_err();
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
}

#[tokio::test]
async fn request_encodes_its_path_and_query() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_string("done"))
        .mount(&server)
        .await;
    let client = builder(&server).token("t-1").build().unwrap();
    let response = client
        .request(Method::PATCH, "/zones/{zone}/records/{record}")
        .path_param("zone", "a b")
        .path_param("record", "x/y?z")
        .query("name", "é & =")
        .query("tags", &["a", "b"])
        .query("skip", &None::<u32>)
        .json(&json!({"ttl": 60}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.text(), "done");
    let sent = received(&server).await;
    assert_eq!(sent.method.as_str(), "PATCH");
    assert_eq!(sent.url.path(), "/zones/a%20b/records/x%2Fy%3Fz");
    assert_eq!(sent.url.query(), Some("name=%C3%A9+%26+%3D&tags=a&tags=b"));
    assert_eq!(sent.headers["content-type"], "application/json");
    assert_eq!(sent.body, br#"{"ttl":60}"#);
}

#[tokio::test]
async fn request_sends_the_services_global_credentials() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let credentials = |request: &wiremock::Request| -> Vec<String> {
        [
            "authorization",
            "x-auth-email",
            "x-auth-key",
            "x-auth-user-service-key",
        ]
        .into_iter()
        .filter(|name| request.headers.contains_key(*name))
        .map(str::to_owned)
        .collect()
    };
    // This API's global security: email and key, or a token, or a service key.
    let all = builder(&server)
        .token("t-1")
        .credential("email", "me@example.com")
        .credential("key", "k-1")
        .credential("service_key", "s-1")
        .build()
        .unwrap();
    all.request(Method::GET, "/me").send().await.unwrap();
    let token = builder(&server).token("t-1").build().unwrap();
    token.request(Method::GET, "/me").send().await.unwrap();
    const SERVICE_KEY: &[&[Auth]] = &[&[Auth::header("service_key", "X-Auth-User-Service-Key")]];
    all.request(Method::GET, "/me")
        .auth(SERVICE_KEY)
        .send()
        .await
        .unwrap();
    all.request(Method::GET, "/me")
        .auth(&[])
        .send()
        .await
        .unwrap();
    // Another API allows anonymous access: a token when there is one, else nothing.
    let other = |token: Option<&str>| {
        let mut builder = ClientBuilder::for_service(&OTHER_SERVICE).base_url(server.uri());
        if let Some(token) = token {
            builder = builder.token(token);
        }
        builder.build().unwrap()
    };
    other(Some("o-1"))
        .request(Method::GET, "/me")
        .send()
        .await
        .unwrap();
    other(None)
        .request(Method::GET, "/me")
        .send()
        .await
        .unwrap();
    let requests = server.received_requests().await.unwrap();
    let sent: Vec<Vec<String>> = requests.iter().map(credentials).collect();
    assert_eq!(
        sent,
        [
            vec!["x-auth-email", "x-auth-key"],
            vec!["authorization"],
            vec!["x-auth-user-service-key"],
            vec![],
            vec!["authorization"],
            vec![],
        ]
    );
    assert_eq!(requests[1].headers["authorization"], "Bearer t-1");
    assert_eq!(requests[4].headers["authorization"], "Bearer o-1");
    // Without credentials, this API's request is refused, naming what to set.
    let none = builder(&server).build().unwrap();
    let error = none.request(Method::GET, "/me").send().await.unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
    let message = error.to_string();
    assert!(message.contains("RUNTIME_HTTP_API_TOKEN"), "{message}");
    assert!(message.contains("credential `service_key`"), "{message}");
    assert_eq!(server.received_requests().await.unwrap().len(), 6);
}

#[tokio::test]
async fn request_is_retried_and_fails_like_an_operation() {
    let server = MockServer::start().await;
    busy_once(
        &server,
        ResponseTemplate::new(200).set_body_json(json!([1])),
    )
    .await;
    let client = builder(&server).token("t-1").build().unwrap();
    let value: Vec<u8> = client
        .request(Method::GET, "/numbers")
        .send_json()
        .await
        .unwrap();
    assert_eq!(value, [1]);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(404)
                .insert_header("x-request-id", "nf-1")
                .set_body_json(json!({"errors": [{"code": 1003, "message": "not found"}]})),
        )
        .mount(&server)
        .await;
    let client = builder(&server).token("t-1").build().unwrap();
    let error = client
        .request(Method::GET, "/nothing")
        .send()
        .await
        .unwrap_err();
    let api = error.api().unwrap();
    assert_eq!(api.status(), StatusCode::NOT_FOUND);
    assert_eq!(api.request_id(), Some("nf-1"));
    assert_eq!(
        api.body(),
        r#"{"errors":[{"code":1003,"message":"not found"}]}"#
    );
    assert_eq!(
        error.to_string(),
        format!(
            "GET {}/nothing: 404 Not Found: error 1003: not found [x-request-id nf-1]",
            server.uri()
        )
    );
}

#[test]
fn test_constructors_read_the_services_request_id_header() {
    let mut headers = HeaderMap::new();
    headers.insert("x-request-id", HeaderValue::from_static("req-9"));
    let body = r#"{"error":{"code":"429","message":"slow down"}}"#;
    let api = ApiError::new(StatusCode::TOO_MANY_REQUESTS, headers.clone(), body);
    assert_eq!(api.request_id(), Some("req-9"));
    assert_eq!((api.code(), api.message()), (Some(429), Some("slow down")));
    assert_eq!(
        api.body_as::<Value>().unwrap()["error"]["message"],
        "slow down"
    );
    assert_eq!(
        api.to_string(),
        "429 Too Many Requests: error 429: slow down [x-request-id req-9]"
    );
    let error = Error::from(api.with_request(Method::POST, "https://api.example.com/v1/x"));
    assert_eq!(error.status(), Some(StatusCode::TOO_MANY_REQUESTS));
    assert_eq!(error.attempts(), 1);
    assert!(
        error
            .to_string()
            .starts_with("POST https://api.example.com/v1/x: 429 Too Many Requests"),
        "{error}"
    );
    // Another API's error does not know this one's header.
    let other = ApiError::for_service(&OTHER_SERVICE, StatusCode::NOT_FOUND, headers.clone(), b"");
    assert_eq!(other.request_id(), None);

    let response = ApiResponse::new(vec![1, 2], StatusCode::CREATED, headers);
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(response.request_id(), Some("req-9"));
    assert_eq!(response.attempts(), 1);
    assert_eq!(response.len(), 2);
}
