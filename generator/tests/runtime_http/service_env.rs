//! `Client::from_env_for` reads the variables of the service it is given (and the names its
//! earlier version read, when the current ones are unset), and only those: two
//! services (this crate's and `OTHER_SERVICE`) configured from the environment send their own
//! credentials to their own base URLs on a local server, while Cloudflare's variables, set to
//! something else, are ignored. The only test of its binary, and the environment is changed
//! before any other thread starts, so that changing it cannot race with a thread reading it.

use std::net::TcpListener;

use reqwest::Method;
use runtime_http::runtime::{Auth, Request};
use runtime_http::{Client, Error, OTHER_SERVICE};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const BEARER: &[&[Auth]] = &[&[Auth::bearer()]];

fn set(name: &str, value: &str) {
    // SAFETY: this binary runs this one test, and no other thread runs yet (see the module
    // docs).
    unsafe { std::env::set_var(name, value) }
}

fn unset(name: &str) {
    // SAFETY: as in `set`.
    unsafe { std::env::remove_var(name) }
}

#[test]
fn service_env_over_http() {
    // The server's address is known before it runs, so that the environment is set (and read)
    // while this is the only thread.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    for name in [
        "RUNTIME_HTTP_API_TOKEN",
        "RUNTIME_HTTP_API_EMAIL",
        "RUNTIME_HTTP_API_KEY",
        "RUNTIME_HTTP_BASE_URL",
        "OTHER_API_TOKEN",
        "OTHER_TOKEN",
        "OTHER_API_BASE_URL",
    ] {
        unset(name);
    }
    // Cloudflare's variables, which neither service reads: were they read, the requests would
    // go to a closed port with the wrong token.
    set("CLOUDFLARE_API_TOKEN", "cloudflare-token");
    set("CLOUDFLARE_BASE_URL", "http://127.0.0.1:9");

    // This crate's service requires credentials and names its own variables when none is set;
    // `OTHER_SERVICE` does not require them.
    let error = Client::from_env().unwrap_err();
    assert!(matches!(error, Error::Config { .. }), "{error:?}");
    assert!(
        error.to_string().contains(
            "none of the environment variables RUNTIME_HTTP_API_TOKEN, \
             RUNTIME_HTTP_API_EMAIL, RUNTIME_HTTP_API_KEY is set"
        ),
        "{error}"
    );
    let anonymous = Client::from_env_for(&OTHER_SERVICE).unwrap();
    assert!(
        format!("{anonymous:?}").contains("base_url: \"https://other.example.net/api\""),
        "{anonymous:?}"
    );

    set("RUNTIME_HTTP_API_TOKEN", "own-token");
    set("RUNTIME_HTTP_BASE_URL", &format!("http://{address}/own/"));
    set("OTHER_API_BASE_URL", &format!("http://{address}/other"));
    // Only the variable an earlier version read: still read.
    set("OTHER_TOKEN", "legacy-token");
    let legacy = Client::from_env_for(&OTHER_SERVICE).unwrap();
    // Both: the current name wins.
    set("OTHER_API_TOKEN", "other-token");
    let own = Client::from_env().unwrap();
    let other = Client::from_env_for(&OTHER_SERVICE).unwrap();

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let server = MockServer::builder().listener(listener).start().await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(200).set_body_string("ok"))
            .mount(&server)
            .await;
        for client in [&own, &legacy, &other] {
            let request = Request::new(Method::GET, "/ping", &[])
                .unwrap()
                .auth(BEARER);
            client.execute(request).await.unwrap();
        }
        let received = server.received_requests().await.unwrap();
        let seen: Vec<(&str, Option<&str>)> = received
            .iter()
            .map(|r| {
                let authorization = r.headers.get("authorization");
                (r.url.path(), authorization.map(|v| v.to_str().unwrap()))
            })
            .collect();
        assert_eq!(
            seen,
            [
                ("/own/ping", Some("Bearer own-token")),
                ("/other/ping", Some("Bearer legacy-token")),
                ("/other/ping", Some("Bearer other-token")),
            ]
        );
    });
}
