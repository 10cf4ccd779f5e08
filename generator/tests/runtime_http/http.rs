//! The runtime's request building, credentials and responses against a real HTTP server on
//! loopback (wiremock), driven through `runtime::Request` and `Client::execute` the way
//! generated operations call them.

use std::time::Duration;

use reqwest::Method;
use runtime_http::runtime::{Auth, Call, Part, QueryStyle, RawResponse, Request, Upload};
use runtime_http::{ApiResponse, Client, ClientBuilder, Error, OTHER_SERVICE};
use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const BEARER: &[&[Auth]] = &[&[Auth::bearer()]];
/// Cloudflare's shape: an email and key pair, or a token, or a service key.
const CLOUDFLARE: &[&[Auth]] = &[
    &[
        Auth::header("email", "X-Auth-Email"),
        Auth::header("key", "X-Auth-Key"),
    ],
    &[Auth::bearer()],
    &[Auth::header("service_key", "X-Auth-User-Service-Key")],
];

/// A server that answers every request with 200 `ok`.
async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_string("ok"))
        .mount(&server)
        .await;
    server
}

fn builder(server: &MockServer) -> ClientBuilder {
    Client::builder()
        .base_url(server.uri())
        .retry_backoff(Duration::from_millis(1), Duration::from_millis(5))
}

fn client(server: &MockServer) -> Client {
    builder(server).build().unwrap()
}

fn get(path: &'static str) -> Request {
    Request::new(Method::GET, path, &[]).unwrap()
}

fn post(path: &'static str) -> Request {
    Request::new(Method::POST, path, &[]).unwrap()
}

/// Sends `request` with `client` and returns the one request the server received.
async fn roundtrip(server: &MockServer, client: &Client, request: Request) -> wiremock::Request {
    client.execute(request).await.unwrap();
    let mut received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 1);
    received.remove(0)
}

fn header<'a>(request: &'a wiremock::Request, name: &str) -> Option<&'a str> {
    request.headers.get(name).map(|v| v.to_str().unwrap())
}

// --- Query parameters -------------------------------------------------------------------------

#[tokio::test]
async fn query_styles_and_encoding() {
    use QueryStyle::*;
    let server = server().await;
    let request = get("/items")
        .query("s", "a b&c=d/é+%#?", Form)
        .unwrap()
        .query("n", &2.0, Form)
        .unwrap()
        .query("f", &2.5, Form)
        .unwrap()
        .query("b", &true, Form)
        .unwrap()
        .query("none", &None::<String>, Form)
        .unwrap()
        .query("some", &Some(7), FormUnexploded)
        .unwrap()
        .query("ids", &[1, 2], Form)
        .unwrap()
        .query("tags", &["x,y", "z"], FormUnexploded)
        .unwrap()
        .query("words", &vec!["a b", "c"], SpaceDelimited)
        .unwrap()
        .query("pipes", &["a|b", "c"], PipeDelimited)
        .unwrap()
        .query("empty", &Vec::<u8>::new(), FormUnexploded)
        .unwrap()
        .query(
            "filter",
            &json!({"age": 3, "name": "x y", "skip": null}),
            Form,
        )
        .unwrap()
        .query("obj", &json!({"k": "v,w", "l": 1}), FormUnexploded)
        .unwrap()
        .query(
            "deep",
            &json!({"a": 1, "b": [1, 2], "c": {"d": "e"}, "z": null}),
            DeepObject,
        )
        .unwrap()
        .query("nested", &[json!([1]), json!({"a": null})], Form)
        .unwrap()
        .query("n", &3u64, Form)
        .unwrap()
        .query("where", &json!({"a": 1}), Json)
        .unwrap()
        .query("nothing", &None::<u8>, Json)
        .unwrap();
    let received = roundtrip(&server, &client(&server), request).await;
    assert_eq!(received.url.path(), "/items");
    let expected = [
        "s=a+b%26c%3Dd%2F%C3%A9%2B%25%23%3F",
        "n=2",
        "f=2.5",
        "b=true",
        "some=7",
        "ids=1&ids=2",
        "tags=x%2Cy,z",
        "words=a+b%20c",
        "pipes=a%7Cb%7Cc",
        "age=3&name=x+y",
        "obj=k,v%2Cw,l,1",
        "deep%5Ba%5D=1&deep%5Bb%5D=%5B1%2C2%5D&deep%5Bc%5D=%7B%22d%22%3A%22e%22%7D",
        "nested=%5B1%5D&nested=%7B%22a%22%3Anull%7D",
        "n=3",
        "where=%7B%22a%22%3A1%7D",
    ]
    .join("&");
    assert_eq!(received.url.query(), Some(expected.as_str()));
    let pairs: Vec<(String, String)> = received.url.query_pairs().into_owned().collect();
    assert_eq!(pairs[0], ("s".into(), "a b&c=d/é+%#?".into()));
    assert!(pairs.contains(&("deep[c]".into(), r#"{"d":"e"}"#.into())));
}

#[tokio::test]
async fn no_query_parameters_means_no_query_string() {
    let server = server().await;
    let request = get("/items")
        .query("a", &None::<u8>, QueryStyle::Form)
        .unwrap();
    let received = roundtrip(&server, &client(&server), request).await;
    assert_eq!(received.url.query(), None);
}

// --- Headers ---------------------------------------------------------------------------------

#[tokio::test]
async fn header_parameters() {
    let server = server().await;
    let request = get("/h")
        .header("X-Str", "a b")
        .unwrap()
        .header("X-Num", &42)
        .unwrap()
        .header("X-Float", &1.0)
        .unwrap()
        .header("X-None", &None::<String>)
        .unwrap()
        .header("X-List", &["a", "b"])
        .unwrap()
        .header("X-Obj", &json!({"a": 1, "b": "c"}))
        .unwrap()
        .header("X-Utf8", "café")
        .unwrap();
    let received = roundtrip(&server, &client(&server), request).await;
    assert_eq!(header(&received, "x-str"), Some("a b"));
    assert_eq!(header(&received, "x-num"), Some("42"));
    assert_eq!(header(&received, "x-float"), Some("1"));
    assert_eq!(header(&received, "x-none"), None);
    assert_eq!(header(&received, "x-list"), Some("a,b"));
    assert_eq!(header(&received, "x-obj"), Some("a,1,b,c"));
    assert_eq!(
        received.headers.get("x-utf8").unwrap().as_bytes(),
        "café".as_bytes()
    );
    assert_eq!(header(&received, "accept"), Some("application/json"));
}

#[test]
fn invalid_header_values_are_refused() {
    for value in ["a\nb", "a\rb", "a\0b"] {
        let error = get("/h").header("X-Bad", value).unwrap_err();
        assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
        assert!(error.to_string().contains("X-Bad"), "{error}");
    }
    let error = get("/h").header("bad name", "v").unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
    assert!(error.to_string().contains("bad name"), "{error}");
}

#[tokio::test]
async fn accept_can_be_changed() {
    let server = server().await;
    let request = get("/file").accept("application/octet-stream");
    let received = roundtrip(&server, &client(&server), request).await;
    assert_eq!(
        header(&received, "accept"),
        Some("application/octet-stream")
    );
}

// --- Bodies ----------------------------------------------------------------------------------

#[tokio::test]
async fn json_body() {
    let server = server().await;
    let request = post("/j")
        .json_body(&json!({"a": [1, "é"], "b": null}))
        .unwrap();
    let received = roundtrip(&server, &client(&server), request).await;
    assert_eq!(header(&received, "content-type"), Some("application/json"));
    let expected = r#"{"a":[1,"é"],"b":null}"#;
    assert_eq!(received.body, expected.as_bytes());
    let length = expected.len().to_string();
    assert_eq!(header(&received, "content-length"), Some(length.as_str()));
}

#[tokio::test]
async fn form_body() {
    let server = server().await;
    let request = Request::new(Method::PUT, "/f", &[])
        .unwrap()
        .form_body(&json!({"a": "x y&z", "b": [1, 2], "c": null, "d": {"e": 1, "n": {"m": true}}, "f": 2.0, "g": [{"h": 1}]}))
        .unwrap();
    let received = roundtrip(&server, &client(&server), request).await;
    assert_eq!(received.method.as_str(), "PUT");
    assert_eq!(
        header(&received, "content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        String::from_utf8(received.body).unwrap(),
        "a=x+y%26z&b=1&b=2&d%5Be%5D=1&d%5Bn%5D%5Bm%5D=true&f=2&g%5B0%5D%5Bh%5D=1"
    );
    let error = post("/f").form_body(&[1, 2]).unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
}

fn multipart_request() -> Request {
    post("/upload").multipart_body(vec![
        Part::value("text", "hello wörld").unwrap(),
        Part::value("num", &5).unwrap(),
        Part::value("none", &None::<u8>).unwrap(),
        Part::value("meta", &json!({"a": [1]})).unwrap(),
        Part::file(
            "file",
            &Upload::new("a \"b\".txt", b"line\r\n--not-a-boundary\r\n".to_vec())
                .with_content_type("text/plain"),
        ),
        Part::file("missing", &None::<Upload>),
        Part::file("raw", &Some(Upload::new("b.bin", vec![0u8, 255, 13, 10]))),
    ])
}

fn expected_multipart(boundary: &str) -> Vec<u8> {
    let mut body = Vec::new();
    let mut push = |bytes: &[u8]| body.extend_from_slice(bytes);
    for (disposition, content_type, content) in [
        ("name=\"text\"", None, "hello wörld".as_bytes()),
        ("name=\"num\"", None, b"5".as_slice()),
        (
            "name=\"meta\"",
            Some("application/json"),
            br#"{"a":[1]}"#.as_slice(),
        ),
        (
            "name=\"file\"; filename=\"a %22b%22.txt\"",
            Some("text/plain"),
            b"line\r\n--not-a-boundary\r\n".as_slice(),
        ),
        (
            "name=\"raw\"; filename=\"b.bin\"",
            Some("application/octet-stream"),
            [0u8, 255, 13, 10].as_slice(),
        ),
    ] {
        push(
            format!("--{boundary}\r\nContent-Disposition: form-data; {disposition}\r\n").as_bytes(),
        );
        if let Some(content_type) = content_type {
            push(format!("Content-Type: {content_type}\r\n").as_bytes());
        }
        push(b"\r\n");
        push(content);
        push(b"\r\n");
    }
    push(format!("--{boundary}--\r\n").as_bytes());
    body
}

#[tokio::test]
async fn multipart_body_is_resent_unchanged_on_retry() {
    let server = MockServer::start().await;
    // A POST is retried only when the server did not act on it: 503 with Retry-After.
    Mock::given(any())
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "0"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    client(&server).execute(multipart_request()).await.unwrap();
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 2);
    let content_type = header(&received[0], "content-type").unwrap();
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap_or_else(|| panic!("{content_type}"));
    assert!(boundary.len() >= 24, "{boundary}");
    assert!(
        boundary
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-'),
        "{boundary}"
    );
    assert_eq!(
        String::from_utf8_lossy(&received[0].body),
        String::from_utf8_lossy(&expected_multipart(boundary))
    );
    assert_eq!(received[0].body, expected_multipart(boundary));
    assert_eq!(received[1].body, received[0].body);
    assert_eq!(header(&received[1], "content-type"), Some(content_type));
    // Another body gets another boundary.
    let other = multipart_request();
    let server = self::server().await;
    let again = roundtrip(&server, &client(&server), other).await;
    assert_ne!(header(&again, "content-type"), Some(content_type));
}

#[tokio::test]
async fn bytes_bodies_with_their_content_type() {
    for (content_type, bytes) in [
        ("application/octet-stream", vec![0u8, 1, 2, 255]),
        ("text/plain; charset=utf-8", "héllo".as_bytes().to_vec()),
        ("image/svg+xml", b"<svg/>".to_vec()),
    ] {
        let server = server().await;
        let request = post("/b").bytes_body(content_type, &bytes);
        let received = roundtrip(&server, &client(&server), request).await;
        assert_eq!(header(&received, "content-type"), Some(content_type));
        assert_eq!(received.body, bytes);
    }
}

#[tokio::test]
async fn bodiless_post_put_patch_send_content_length_zero() {
    for method in [
        Method::POST,
        Method::PUT,
        Method::PATCH,
        Method::GET,
        Method::DELETE,
    ] {
        let server = server().await;
        let request = Request::new(method.clone(), "/empty", &[]).unwrap();
        let received = roundtrip(&server, &client(&server), request).await;
        assert!(received.body.is_empty());
        assert_eq!(header(&received, "content-type"), None);
        let expected = matches!(method, Method::POST | Method::PUT | Method::PATCH).then_some("0");
        assert_eq!(header(&received, "content-length"), expected, "{method}");
    }
}

// --- Credentials -----------------------------------------------------------------------------

#[tokio::test]
async fn bearer_token() {
    let server = server().await;
    let client = builder(&server).token(" tok-1 ").build().unwrap();
    let received = roundtrip(&server, &client, get("/a").auth(BEARER)).await;
    assert_eq!(header(&received, "authorization"), Some("Bearer tok-1"));
}

#[tokio::test]
async fn header_pair_is_the_first_alternative() {
    let server = server().await;
    let client = builder(&server)
        .credential("email", "me@example.com")
        .credential("key", "k3y")
        .token("tok")
        .build()
        .unwrap();
    let received = roundtrip(&server, &client, get("/a").auth(CLOUDFLARE)).await;
    assert_eq!(header(&received, "x-auth-email"), Some("me@example.com"));
    assert_eq!(header(&received, "x-auth-key"), Some("k3y"));
    assert_eq!(header(&received, "authorization"), None);
    assert_eq!(header(&received, "x-auth-user-service-key"), None);
}

#[tokio::test]
async fn incomplete_alternatives_are_skipped() {
    let server = server().await;
    // An email without a key does not satisfy the first alternative.
    let client = builder(&server)
        .credential("email", "me@example.com")
        .credential("service_key", "svc")
        .build()
        .unwrap();
    let received = roundtrip(&server, &client, get("/a").auth(CLOUDFLARE)).await;
    assert_eq!(header(&received, "x-auth-user-service-key"), Some("svc"));
    assert_eq!(header(&received, "x-auth-email"), None);
    assert_eq!(header(&received, "authorization"), None);
}

#[tokio::test]
async fn basic_auth() {
    let server = server().await;
    let client = builder(&server)
        .credential("login", "user:pa ss")
        .build()
        .unwrap();
    const BASIC: &[&[Auth]] = &[&[Auth::basic("login")]];
    let received = roundtrip(&server, &client, get("/a").auth(BASIC)).await;
    assert_eq!(
        header(&received, "authorization"),
        Some("Basic dXNlcjpwYSBzcw==")
    );
}

#[tokio::test]
async fn query_credential_is_sent_but_never_shown() {
    const SECRET: &str = "s3cret&key";
    const KEY: &[&[Auth]] = &[&[Auth::query("api_key", "api_key")]];
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(404).set_body_string(r#"{"error":"nope"}"#))
        .mount(&server)
        .await;
    let client = builder(&server)
        .credential("api_key", SECRET)
        .build()
        .unwrap();
    for (request, query) in [
        (get("/q").auth(KEY), "api_key=s3cret%26key"),
        (
            get("/q")
                .query("page", &1, QueryStyle::Form)
                .unwrap()
                .auth(KEY),
            "page=1&api_key=s3cret%26key",
        ),
    ] {
        let error = client.execute(request).await.unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
        let api = error.api().unwrap();
        assert!(!api.url().contains("s3cret"), "{}", api.url());
        assert!(!error.to_string().contains("s3cret"), "{error}");
        assert!(!format!("{error:?}").contains("s3cret"), "{error:?}");
        let received = server.received_requests().await.unwrap();
        assert_eq!(received.last().unwrap().url.query(), Some(query));
    }
    // Nor in connection errors.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = Client::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .credential("api_key", SECRET)
        .max_retries(0)
        .build()
        .unwrap();
    let error = client.execute(get("/q").auth(KEY)).await.unwrap_err();
    assert!(error.is_connection(), "{error:?}");
    assert!(!error.to_string().contains("s3cret"), "{error}");
    assert!(!format!("{error:?}").contains("s3cret"), "{error:?}");
}

#[tokio::test]
async fn missing_credentials_name_the_variables_and_send_nothing() {
    let server = server().await;
    let client = builder(&server)
        .credential("email", "me@example.com")
        .build()
        .unwrap();
    let error = client
        .execute(
            get("/a")
                .query("x", &1, QueryStyle::Form)
                .unwrap()
                .auth(CLOUDFLARE),
        )
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
    let message = error.to_string();
    for part in [
        "GET ",
        "/a?x=1",
        "needs credentials: set RUNTIME_HTTP_API_EMAIL and RUNTIME_HTTP_API_KEY, \
         or RUNTIME_HTTP_API_TOKEN, or credential `service_key` \
         (in code: ClientBuilder::credential with \"email\" and \"key\", or \"token\", \
         or \"service_key\")",
    ] {
        assert!(message.contains(part), "{part} missing in {message}");
    }
    assert!(!message.contains("me@example.com"), "{message}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn optional_and_absent_security() {
    let server = server().await;
    let anonymous = builder(&server).build().unwrap();
    const OPTIONAL: &[&[Auth]] = &[&[Auth::bearer()], &[]];
    anonymous.execute(get("/a").auth(OPTIONAL)).await.unwrap();
    anonymous.execute(get("/a")).await.unwrap();
    // A request that needs no credentials does not get them.
    let with_token = builder(&server).token("tok").build().unwrap();
    with_token.execute(get("/a")).await.unwrap();
    with_token.execute(get("/a").auth(OPTIONAL)).await.unwrap();
    let received = server.received_requests().await.unwrap();
    let authorization: Vec<Option<&str>> = received
        .iter()
        .map(|r| header(r, "authorization"))
        .collect();
    assert_eq!(authorization, [None, None, None, Some("Bearer tok")]);
}

#[test]
fn credentials_are_checked_and_never_shown() {
    let builder = Client::builder()
        .credential("email", "me@example.com")
        .credential("key", "k3y-value");
    let debug = format!("{builder:?}");
    assert!(
        !debug.contains("k3y-value") && !debug.contains("me@example"),
        "{debug}"
    );
    let client = builder.build().unwrap();
    let debug = format!("{client:?}");
    assert!(
        !debug.contains("k3y-value") && !debug.contains("me@example"),
        "{debug}"
    );
    assert!(debug.contains("key: \"<redacted>\""), "{debug}");
    for bad in ["", "  ", "a\nb"] {
        let error = Client::builder()
            .credential("key", bad)
            .build()
            .unwrap_err();
        assert!(matches!(error, Error::Config { .. }), "{error:?}");
        assert!(error.to_string().contains("`key`"), "{error}");
    }
}

// --- Responses -------------------------------------------------------------------------------

#[tokio::test]
async fn response_status_text_bytes_and_json() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(201)
                .insert_header("x-request-id", "r-1")
                .set_body_bytes(b"{\"a\":1}\xff".to_vec()),
        )
        .mount(&server)
        .await;
    let response: RawResponse = client(&server).execute(post("/r")).await.unwrap();
    assert_eq!(response.status().as_u16(), 201);
    assert_eq!(response.headers()["x-request-id"], "r-1");
    assert_eq!(response.text(), "{\"a\":1}\u{fffd}");
    let error = response.json::<serde_json::Value>().unwrap_err();
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    assert_eq!(response.bytes(), b"{\"a\":1}\xff".to_vec());
}

#[tokio::test]
async fn no_content() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let response = client(&server)
        .execute(Request::new(Method::DELETE, "/r/{id}", &[("id", &7)]).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 204);
    assert_eq!(response.text(), "");
    let received = server.received_requests().await.unwrap();
    assert_eq!(received[0].url.path(), "/r/7");
}

// --- The service the runtime is given ------------------------------------------------------

/// A server that answers `GET /ok` with 200 and `GET /missing` with a 404 error envelope, both
/// with this crate's request id header `x-request-id` and Cloudflare's `cf-ray`.
async fn server_with_request_ids() -> MockServer {
    use wiremock::matchers::path;
    let server = MockServer::start().await;
    Mock::given(path("/ok"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-request-id", "req-ok-1")
                .insert_header("cf-ray", "8c3a000000000001-LHR")
                .set_body_json(json!({"a": 1})),
        )
        .mount(&server)
        .await;
    Mock::given(path("/missing"))
        .respond_with(
            ResponseTemplate::new(404)
                .insert_header("x-request-id", "req-404-7")
                .insert_header("cf-ray", "8c3a000000000002-LHR")
                .set_body_json(json!({"errors": [{"code": 1003, "message": "not found"}]})),
        )
        .mount(&server)
        .await;
    Mock::given(path("/anonymous-error"))
        .respond_with(ResponseTemplate::new(500).set_body_string("boom"))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn request_id_is_read_from_the_services_header() {
    let server = server_with_request_ids().await;
    let client = builder(&server).max_retries(0).build().unwrap();

    let response = client.execute(get("/ok")).await.unwrap();
    assert_eq!(response.request_id(), Some("req-ok-1"));

    let call: Call<serde_json::Value> =
        Call::new(&client, "get_ok", Ok(get("/ok")), RawResponse::into_json);
    let response: ApiResponse<serde_json::Value> = call.with_response().await.unwrap();
    assert_eq!(response.request_id(), Some("req-ok-1"));
    assert_eq!(*response, json!({"a": 1}));

    let error = client.execute(get("/missing")).await.unwrap_err();
    let api = error.api().unwrap();
    assert_eq!(api.request_id(), Some("req-404-7"));
    assert_eq!(
        error.to_string(),
        format!(
            "GET {}/missing: 404 Not Found: error 1003: not found [x-request-id req-404-7]",
            server.uri()
        )
    );
    // Cloudflare's header means nothing to this API.
    assert!(!error.to_string().contains("cf-ray"), "{error}");

    // A response without the header: no request id, nothing shown.
    let error = client.execute(get("/anonymous-error")).await.unwrap_err();
    assert_eq!(error.api().unwrap().request_id(), None);
    assert_eq!(
        error.to_string(),
        format!(
            "GET {}/anonymous-error: 500 Internal Server Error: boom",
            server.uri()
        )
    );
}

#[tokio::test]
async fn a_service_without_request_id_header_shows_none() {
    let server = server_with_request_ids().await;
    let client = ClientBuilder::for_service(&OTHER_SERVICE)
        .base_url(server.uri())
        .max_retries(0)
        .build()
        .unwrap();

    let response = client.execute(get("/ok")).await.unwrap();
    assert_eq!(response.request_id(), None);
    assert_eq!(response.headers()["x-request-id"], "req-ok-1");

    let error = client.execute(get("/missing")).await.unwrap_err();
    assert_eq!(error.api().unwrap().request_id(), None);
    assert_eq!(
        error.to_string(),
        format!(
            "GET {}/missing: 404 Not Found: error 1003: not found",
            server.uri()
        )
    );
}

#[tokio::test]
async fn missing_credentials_name_the_given_services_variables() {
    let server = server().await;
    let client = ClientBuilder::for_service(&OTHER_SERVICE)
        .base_url(server.uri())
        .build()
        .unwrap();
    let error = client.execute(get("/a").auth(BEARER)).await.unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
    let message = error.to_string();
    assert!(
        message.contains(
            "needs credentials: set OTHER_API_TOKEN \
             (in code: ClientBuilder::credential with \"token\")"
        ),
        "{message}"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn builder_defaults_to_the_given_services_base_url() {
    // The default base URL of `OTHER_SERVICE` cannot be reached from a test; a service whose
    // default is the local server shows that it is the one used.
    let server = server().await;
    let service: &'static runtime_http::runtime::Service =
        Box::leak(Box::new(runtime_http::runtime::Service {
            default_base_url: Box::leak(format!("{}/default/", server.uri()).into_boxed_str()),
            base_url_env: "UNUSED_BASE_URL",
            credential_env: &[],
            legacy_credential_env: &[],
            credentials_required: false,
            request_id_header: None,
            default_auth: &[],
            operation_auth: &[],
        }));
    let client = ClientBuilder::for_service(service).build().unwrap();
    let received = roundtrip(&server, &client, get("/a")).await;
    assert_eq!(received.url.path(), "/default/a");
}

/// A TCP proxy in front of `target` that counts the connections it accepts.
async fn counting_proxy(
    target: std::net::SocketAddr,
) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = accepted.clone();
    tokio::spawn(async move {
        loop {
            let (mut inbound, _) = listener.accept().await.unwrap();
            counter.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut outbound = tokio::net::TcpStream::connect(target).await.unwrap();
                let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
            });
        }
    });
    (format!("http://{address}"), accepted)
}

#[tokio::test]
async fn clients_given_one_http_client_share_its_connection_pool() {
    use std::sync::atomic::Ordering;
    let server = server().await;

    // Two clients of different services (as of two generated crates) built with clones of one
    // `reqwest::Client`: the second request reuses the first one's connection.
    let (uri, accepted) = counting_proxy(*server.address()).await;
    let shared = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let own = Client::builder()
        .base_url(&uri)
        .token("own-token")
        .http_client(shared.clone())
        .build()
        .unwrap();
    let other = ClientBuilder::for_service(&OTHER_SERVICE)
        .base_url(&uri)
        .token("other-token")
        .user_agent("other/1")
        .http_client(shared)
        .build()
        .unwrap();
    own.execute(get("/own").auth(BEARER)).await.unwrap();
    other.execute(get("/other").auth(BEARER)).await.unwrap();
    own.execute(get("/own").auth(BEARER)).await.unwrap();
    assert_eq!(accepted.load(Ordering::SeqCst), 1);

    // Each client still sends its own settings over the shared connection.
    let received = server.received_requests().await.unwrap();
    let seen: Vec<(&str, Option<&str>, Option<&str>)> = received
        .iter()
        .map(|r| {
            (
                r.url.path(),
                header(r, "authorization"),
                header(r, "user-agent"),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("/own", Some("Bearer own-token"), Some("runtime-http/0.1.0")),
            ("/other", Some("Bearer other-token"), Some("other/1")),
            ("/own", Some("Bearer own-token"), Some("runtime-http/0.1.0")),
        ]
    );

    // Without a shared `reqwest::Client`, each client has a pool (and a connection) of its own.
    let (uri, accepted) = counting_proxy(*server.address()).await;
    let own = Client::builder().base_url(&uri).build().unwrap();
    let other = ClientBuilder::for_service(&OTHER_SERVICE)
        .base_url(&uri)
        .build()
        .unwrap();
    own.execute(get("/own")).await.unwrap();
    other.execute(get("/other")).await.unwrap();
    assert_eq!(accepted.load(Ordering::SeqCst), 2);
}

/// A GET of `/slow` as a call of the operation `slow`, which the tests give an operation timeout.
fn slow_call(client: &Client) -> Call<RawResponse> {
    Call::new(client, "slow", Ok(get("/slow")), Ok)
}

/// The operation timeout bounds a call across its retries: against a server that answers 503
/// slowly, the call gives up when the next attempt could not finish in time, however many
/// retries are left, and says that the operation timeout elapsed.
#[tokio::test]
async fn the_operation_timeout_bounds_every_attempt_and_wait() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(503).set_delay(Duration::from_millis(300)))
        .mount(&server)
        .await;
    let client = builder(&server)
        .retry_backoff(Duration::from_millis(100), Duration::from_millis(100))
        .max_retries(50)
        .timeout(Duration::from_secs(10))
        .operation_timeout(Duration::from_millis(1200))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let error = slow_call(&client).await.unwrap_err();
    let elapsed = started.elapsed();
    assert!(error.is_timeout(), "{error:?}");
    assert!(
        matches!(error, Error::Timeout { total: true, timeout, .. } if timeout == Duration::from_millis(1200)),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(
        message.contains("the operation timeout of 1.2s elapsed"),
        "{message}"
    );
    // Retries happened (each attempt 300 ms + about 50 to 100 ms of backoff), and the call
    // ended within the operation timeout, not after 51 attempts.
    let attempts = error.attempts();
    assert!(
        (2..=4).contains(&attempts),
        "{attempts} attempts: {message}"
    );
    let sent = server.received_requests().await.unwrap().len() as u32;
    assert_eq!(sent, attempts);
    assert!(
        error
            .earlier_attempts()
            .iter()
            .all(|attempt| attempt.status.map(|s| s.as_u16()) == Some(503)),
        "{message}"
    );
    assert!(elapsed < Duration::from_millis(1500), "{elapsed:?}");
}

/// An attempt still running when the operation timeout elapses is cut short: the per-attempt
/// timeout (10 s here) does not hold the call beyond the operation timeout, set per call.
#[tokio::test]
async fn the_operation_timeout_cuts_a_slow_attempt_short() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let client = builder(&server)
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let error = slow_call(&client)
        .operation_timeout(Duration::from_millis(400))
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    assert!(
        matches!(
            error,
            Error::Timeout {
                total: true,
                idle: false,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(error.attempts(), 1, "{error}");
    assert!(
        error
            .to_string()
            .contains("the operation timeout of 400ms elapsed"),
        "{error}"
    );
    assert!(
        (Duration::from_millis(350)..Duration::from_secs(2)).contains(&elapsed),
        "{elapsed:?}"
    );
}

/// Within the operation timeout, retries go on as usual: a 503 and then a 200 is a success,
/// and a per-attempt timeout shorter than it is an ordinary, retried timeout.
#[tokio::test]
async fn retries_within_the_operation_timeout_succeed() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_string("ok"))
        .mount(&server)
        .await;
    let client = builder(&server)
        .timeout(Duration::from_millis(200))
        .operation_timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let response = slow_call(&client).with_response().await.unwrap();
    assert_eq!(response.text(), "ok");
    assert_eq!(response.attempts(), 3);
}

/// Without a TLS feature, the client's own `reqwest::Client` has no TLS: building one for an
/// `https://` base URL says what to do, and a `reqwest::Client` of the user's is taken as is.
#[test]
fn tls_is_needed_only_for_https_without_a_client_of_ones_own() {
    let built = Client::builder()
        .base_url("https://api.example.com")
        .build();
    if cfg!(any(
        feature = "rustls",
        feature = "rustls-ring",
        feature = "native-tls"
    )) {
        built.unwrap();
    } else {
        let error = built.unwrap_err().to_string();
        assert!(error.contains("needs TLS"), "{error}");
        assert!(error.contains("`rustls-ring`"), "{error}");
    }
    Client::builder()
        .base_url("https://api.example.com")
        .http_client(reqwest::Client::new())
        .build()
        .unwrap();
    Client::builder()
        .base_url("http://127.0.0.1:1")
        .build()
        .unwrap();
}
