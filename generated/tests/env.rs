//! `Client::from_env` reads the variables Cloudflare's own SDKs read (`CLOUDFLARE_EMAIL`,
//! `CLOUDFLARE_API_KEY`, `CLOUDFLARE_API_USER_SERVICE_KEY`, `CLOUDFLARE_API_TOKEN`), and for
//! this release still the names earlier versions read (`CLOUDFLARE_API_EMAIL`,
//! `CLOUDFLARE_USER_SERVICE_KEY`) when the current ones are unset; it warns when the
//! credentials it finds serve no operation (every operation takes the token), and such a
//! client's calls fail before sending, naming `CLOUDFLARE_API_TOKEN`. The only test of its
//! binary: the environment is changed before any other thread starts.

mod common;

use std::net::TcpListener;

use cloudflare_realtime_kit::runtime::{Auth, Method, Request};
use cloudflare_realtime_kit::{Client, GetMeetingParticipantRequest};
use common::Capture;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Sends what the user service key or the email and key authenticate.
const KEYS: &[&[Auth]] = &[
    &[
        Auth::header("api_email", "X-Auth-Email"),
        Auth::header("api_key", "X-Auth-Key"),
    ],
    &[Auth::header("user_service_key", "X-Auth-User-Service-Key")],
];

const VARIABLES: &[&str] = &[
    "CLOUDFLARE_API_TOKEN",
    "CLOUDFLARE_EMAIL",
    "CLOUDFLARE_API_EMAIL",
    "CLOUDFLARE_API_KEY",
    "CLOUDFLARE_API_USER_SERVICE_KEY",
    "CLOUDFLARE_USER_SERVICE_KEY",
    "CLOUDFLARE_BASE_URL",
];

fn set(name: &str, value: &str) {
    // SAFETY: this binary runs this one test, and no other thread runs yet (module docs).
    unsafe { std::env::set_var(name, value) }
}

fn reset(base_url: &str) {
    for name in VARIABLES {
        // SAFETY: as in `set`.
        unsafe { std::env::remove_var(name) }
    }
    set("CLOUDFLARE_BASE_URL", base_url);
}

#[test]
fn variables_as_cloudflare_names_them_and_the_old_names() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());

    reset(&base_url);
    let error = Client::from_env().unwrap_err().to_string();
    assert!(
        error.contains(
            "CLOUDFLARE_EMAIL, CLOUDFLARE_API_KEY, CLOUDFLARE_API_TOKEN, \
             CLOUDFLARE_API_USER_SERVICE_KEY"
        ),
        "{error}"
    );

    // The names Cloudflare's SDKs and Terraform provider read. The key pair serves
    // `Client::request` only: every operation takes the token, which the warning names.
    reset(&base_url);
    set("CLOUDFLARE_EMAIL", "new@example.com");
    set("CLOUDFLARE_API_KEY", "key");
    let capture = Capture::default();
    let current = {
        let _guard = capture.install();
        Client::from_env().unwrap()
    };
    let warned = capture.text();
    assert!(
        warned.contains("WARN")
            && warned.contains(
                "the credentials of CLOUDFLARE_EMAIL, CLOUDFLARE_API_KEY serve no operation of \
                 this crate, only Client::request; its operations take CLOUDFLARE_API_TOKEN"
            ),
        "{warned}"
    );

    // A token serves every operation: no warning.
    reset(&base_url);
    set("CLOUDFLARE_API_TOKEN", "token");
    let capture = Capture::default();
    {
        let _guard = capture.install();
        Client::from_env().unwrap();
    }
    assert_eq!(capture.text(), "");

    // The old names alone still work, for this release.
    reset(&base_url);
    set("CLOUDFLARE_API_EMAIL", "old@example.com");
    set("CLOUDFLARE_API_KEY", "key");
    let old_email = Client::from_env().unwrap();
    reset(&base_url);
    set("CLOUDFLARE_USER_SERVICE_KEY", "old-service-key");
    let old_service_key = Client::from_env().unwrap();

    // Both: the current name wins.
    reset(&base_url);
    set("CLOUDFLARE_API_USER_SERVICE_KEY", "new-service-key");
    set("CLOUDFLARE_USER_SERVICE_KEY", "old-service-key");
    let both = Client::from_env().unwrap();

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
        // An operation with only the key pair: refused before sending, naming the token.
        let error = current
            .meetings()
            .get_meeting_participant(&GetMeetingParticipantRequest::new(
                "acc-1", "app-1", "meet-1", "part-1",
            ))
            .await
            .unwrap_err();
        assert!(
            error.to_string().contains("CLOUDFLARE_API_TOKEN"),
            "{error}"
        );
        assert!(server.received_requests().await.unwrap().is_empty());
        for client in [&current, &old_email, &old_service_key, &both] {
            let request = Request::new(Method::GET, "/user", &[]).unwrap().auth(KEYS);
            client.execute(request).await.unwrap();
        }
        let received = server.received_requests().await.unwrap();
        let sent: Vec<(Option<&str>, Option<&str>)> = received
            .iter()
            .map(|r| {
                let value = |name: &str| r.headers.get(name).map(|v| v.to_str().unwrap());
                (value("x-auth-email"), value("x-auth-user-service-key"))
            })
            .collect();
        assert_eq!(
            sent,
            [
                (Some("new@example.com"), None),
                (Some("old@example.com"), None),
                (None, Some("old-service-key")),
                (None, Some("new-service-key")),
            ]
        );
    });
}
