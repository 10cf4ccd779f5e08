//! Test crate for `generator/tests/runtime_http.rs`: the generated runtime (`src/runtime/`) with
//! the root items that generated `lib.rs` files declare, but no operations, so that the tests
//! can drive `runtime::Request` and `Client::execute` directly.

#[doc(hidden)]
#[rustfmt::skip] // so that rustfmt does not look for `runtime.rs` next to this file
pub mod runtime;
pub use runtime::{ApiError, Client, ClientBuilder, Error, Upload};
/// The server used when none is configured.
pub const DEFAULT_BASE_URL: &str = "https://api.example.com/v1";
/// Environment variable that overrides [`DEFAULT_BASE_URL`] in [`Client::from_env`].
pub const BASE_URL_ENV: &str = "RUNTIME_HTTP_BASE_URL";
/// Credential name → environment variable read by [`Client::from_env`]. `service_key` is
/// deliberately missing: errors then name the credential instead.
/// Every operation of this API needs credentials: `from_env` insists on one.
pub const CREDENTIALS_REQUIRED: bool = true;
pub const CREDENTIAL_ENV: &[(&str, &str)] = &[
    ("token", "RUNTIME_HTTP_API_TOKEN"),
    ("email", "RUNTIME_HTTP_API_EMAIL"),
    ("key", "RUNTIME_HTTP_API_KEY"),
];
