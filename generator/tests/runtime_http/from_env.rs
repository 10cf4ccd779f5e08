//! `Client::from_env`. The only test of its binary, so that changing the environment cannot race
//! with another thread reading it.

use runtime_http::{Client, Error};

const VARIABLES: [&str; 4] = [
    "RUNTIME_HTTP_API_TOKEN",
    "RUNTIME_HTTP_API_EMAIL",
    "RUNTIME_HTTP_API_KEY",
    "RUNTIME_HTTP_BASE_URL",
];

fn set(name: &str, value: &str) {
    // SAFETY: this binary runs this one test on one thread (see the module docs).
    unsafe { std::env::set_var(name, value) }
}

#[test]
fn from_env() {
    for name in VARIABLES {
        // SAFETY: as in `set`.
        unsafe { std::env::remove_var(name) }
    }
    let error = Client::from_env().unwrap_err();
    assert!(matches!(error, Error::Config { .. }), "{error:?}");
    for name in &VARIABLES[..3] {
        assert!(error.to_string().contains(name), "{error}");
    }

    // Empty and blank values count as unset.
    set("RUNTIME_HTTP_API_TOKEN", "");
    set("RUNTIME_HTTP_API_EMAIL", " \n");
    let error = Client::from_env().unwrap_err();
    assert!(matches!(error, Error::Config { .. }), "{error:?}");

    set("RUNTIME_HTTP_API_KEY", "k3y\n");
    let client = Client::from_env().unwrap();
    let debug = format!("{client:?}");
    assert!(
        debug.contains("Credentials { key: \"<redacted>\" }"),
        "{debug}"
    );
    assert!(debug.contains("https://api.example.com/v1"), "{debug}");
    assert!(!debug.contains("k3y"), "{debug}");

    set("RUNTIME_HTTP_BASE_URL", "http://127.0.0.1:9/base/");
    let debug = format!("{:?}", Client::from_env().unwrap());
    assert!(
        debug.contains("base_url: \"http://127.0.0.1:9/base\""),
        "{debug}"
    );

    set("RUNTIME_HTTP_BASE_URL", "not a url");
    let error = Client::from_env().unwrap_err();
    assert!(error.to_string().contains("base URL"), "{error}");
}
