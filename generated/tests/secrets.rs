//! The token never shows: not in the `Display` or `Debug` of any kind of error, nor in the
//! `Debug` of the client, its builder or a call, nor in the traces.

mod common;

use std::time::Duration;

use cloudflare_realtime_kit::{Client, Error};
use common::{Capture, EXAMPLE_BODY, RawServer, Reply, TOKEN, builder, http, request};

fn assert_hidden(what: &str, text: &str) {
    assert!(!text.contains(TOKEN), "{what} shows the token: {text}");
    // Nor a recognisable part of it.
    assert!(
        !text.contains("5ecr3t"),
        "{what} shows part of the token: {text}"
    );
}

async fn call(client: &Client) -> Error {
    client
        .meetings()
        .get_meeting_participant(&request())
        .await
        .unwrap_err()
}

#[tokio::test]
async fn the_token_is_absent_from_every_error_debug_output_and_trace() {
    let capture = Capture::default();
    let guard = capture.install();
    let mut errors: Vec<(&str, Error)> = Vec::new();

    // Refused: nothing listens.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    errors.push((
        "refused",
        call(&common::client(&format!("http://127.0.0.1:{port}"))).await,
    ));

    // Timeout.
    let silent = RawServer::start(vec![Reply::Silent]).await;
    let client = builder(&silent.url())
        .timeout(Duration::from_millis(100))
        .max_retries(1)
        .build()
        .unwrap();
    errors.push(("timeout", call(&client).await));

    // API error (retried, so with earlier attempts), and a reset connection.
    let failing = RawServer::start(vec![
        Reply::Bytes(http(
            "503 Service Unavailable",
            &[],
            br#"{"errors":[{"code":1,"message":"down"}]}"#,
        )),
        Reply::ResetAfter(b"HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\n{".to_vec()),
        Reply::Bytes(http(
            "403 Forbidden",
            &[],
            br#"{"success":false,"errors":[{"code":10000,"message":"Authentication error"}]}"#,
        )),
    ])
    .await;
    errors.push(("api error", call(&common::client(&failing.url())).await));

    // Decode error.
    let html = RawServer::start(vec![Reply::Bytes(http(
        "200 OK",
        &["content-type: text/html"],
        b"<html>oops</html>",
    ))])
    .await;
    errors.push(("decode error", call(&common::client(&html.url())).await));

    // Invalid extra header, and an invalid path parameter: refused before sending.
    let ok = RawServer::start(vec![Reply::Bytes(http(
        "200 OK",
        &[],
        EXAMPLE_BODY.as_bytes(),
    ))])
    .await;
    let client = common::client(&ok.url());
    let error = client
        .meetings()
        .get_meeting_participant(&request())
        .header("x-bad", "a\nb")
        .await
        .unwrap_err();
    errors.push(("invalid header", error));
    let mut bad = request();
    bad.meeting_id = "..".into();
    let error = client
        .meetings()
        .get_meeting_participant(&bad)
        .await
        .unwrap_err();
    errors.push(("invalid parameter", error));

    // Body limit.
    let big = RawServer::start(vec![Reply::Bytes(http("200 OK", &[], &[b' '; 4096]))]).await;
    let client = builder(&big.url()).max_response_bytes(100).build().unwrap();
    errors.push(("body limit", call(&client).await));

    // Redirect to another host.
    let elsewhere = RawServer::start(vec![Reply::Bytes(http(
        "200 OK",
        &[],
        EXAMPLE_BODY.as_bytes(),
    ))])
    .await;
    let location = format!("location: {}/x", elsewhere.url());
    let redirecting = RawServer::start(vec![Reply::Bytes(http(
        "307 Temporary Redirect",
        &[&location],
        b"",
    ))])
    .await;
    errors.push(("redirect", call(&common::client(&redirecting.url())).await));
    assert!(elsewhere.requests().is_empty());

    // Configuration: a token with a line break.
    let error = Client::builder()
        .token(format!("{TOKEN}\nX-Injected: 1"))
        .build()
        .unwrap_err();
    errors.push(("config", error));

    drop(guard);
    let kinds: Vec<String> = errors
        .iter()
        .map(|(what, error)| format!("{what}: {:?}", std::mem::discriminant(error)))
        .collect();
    assert_eq!(
        errors
            .iter()
            .map(|(_, e)| std::mem::discriminant(e))
            .collect::<std::collections::HashSet<_>>()
            .len(),
        7,
        "every kind of error is driven: {kinds:?}"
    );
    for (what, error) in &errors {
        assert_hidden(what, &error.to_string());
        assert_hidden(what, &format!("{error:?}"));
        assert_hidden(what, &format!("{error:#?}"));
        let mut source = std::error::Error::source(error);
        while let Some(cause) = source {
            assert_hidden(what, &format!("{cause} {cause:?}"));
            source = cause.source();
        }
    }

    let builder = builder("http://127.0.0.1:9").api_key("key-5ecr3t-too");
    assert_hidden("ClientBuilder", &format!("{builder:?} {builder:#?}"));
    assert!(!format!("{builder:?}").contains("key-5ecr3t-too"));
    let client = builder.build().unwrap();
    assert_hidden("Client", &format!("{client:?} {client:#?}"));
    let call = client.meetings().get_meeting_participant(&request());
    assert_hidden("Call", &format!("{call:?} {call:#?}"));

    let traces = capture.text();
    assert!(traces.contains("http_request"), "{traces}");
    assert_hidden("traces", &traces);
    // The servers did get the token: it is hidden, not missing.
    assert!(failing.requests()[0].contains(&format!("Bearer {TOKEN}")));
}
