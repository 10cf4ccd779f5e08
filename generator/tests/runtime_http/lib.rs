//! Test crate for `generator/tests/runtime_http.rs`: the generated runtime (`src/runtime/`) with
//! the root items that generated `lib.rs` files declare, but no operations, so that the tests
//! can drive `runtime::Request` and `Client::execute` directly.
//!
//! The runtime is given this crate's own [`runtime::Service`], not Cloudflare's: its own
//! environment variables and the request id header `x-request-id`.

#[doc(hidden)]
#[rustfmt::skip] // so that rustfmt does not look for `runtime.rs` next to this file
pub mod runtime;
pub use reqwest;
pub use runtime::{
    ApiError, ApiResponse, Auth, Call, CallFuture, Client, ClientBuilder, Error, Items, Pages,
    RawRequest, RawResponse, Upload,
};
/// The server used when none is configured.
pub const DEFAULT_BASE_URL: &str = "https://api.example.com/v1";
/// Environment variable that overrides [`DEFAULT_BASE_URL`] in [`Client::from_env`].
pub const BASE_URL_ENV: &str = "RUNTIME_HTTP_BASE_URL";
/// Credential name → environment variable read by [`Client::from_env`]. `service_key` is
/// deliberately missing: errors then name the credential instead.
pub const CREDENTIAL_ENV: &[(&str, &str)] = &[
    ("token", "RUNTIME_HTTP_API_TOKEN"),
    ("email", "RUNTIME_HTTP_API_EMAIL"),
    ("key", "RUNTIME_HTTP_API_KEY"),
];
/// Every operation of this API needs credentials: `from_env` insists on one.
pub const CREDENTIALS_REQUIRED: bool = true;
/// The response header that identifies a request of this API.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// What the runtime is told about this API.
static SERVICE: runtime::Service = runtime::Service {
    default_base_url: DEFAULT_BASE_URL,
    base_url_env: BASE_URL_ENV,
    credential_env: CREDENTIAL_ENV,
    legacy_credential_env: &[],
    credentials_required: CREDENTIALS_REQUIRED,
    request_id_header: Some(REQUEST_ID_HEADER),
    // Cloudflare's shape of global security: an email and key pair, or a token, or a service
    // key (not in `CREDENTIAL_ENV`).
    default_auth: &[
        &[
            Auth::header("email", "X-Auth-Email"),
            Auth::header("key", "X-Auth-Key"),
        ],
        &[Auth::bearer()],
        &[Auth::header("service_key", "X-Auth-User-Service-Key")],
    ],
    // Every operation takes the token alone, as Realtime Kit's do.
    operation_auth: &[&["token"]],
};

/// A second API in the same program, as another generated crate would declare it: other
/// variables (one of them renamed since an earlier version), optional credentials and no
/// request id header.
pub static OTHER_SERVICE: runtime::Service = runtime::Service {
    default_base_url: "https://other.example.net/api",
    base_url_env: "OTHER_API_BASE_URL",
    credential_env: &[("token", "OTHER_API_TOKEN")],
    // The name an earlier version read, still read when `OTHER_API_TOKEN` is unset.
    legacy_credential_env: &[("token", "OTHER_TOKEN")],
    credentials_required: false,
    request_id_header: None,
    // A token when the client has one, else nothing (anonymous access allowed).
    default_auth: &[&[Auth::bearer()], &[]],
    operation_auth: &[&["token"]],
};

impl Client {
    /// A client configured from the environment, as in a generated crate.
    pub fn from_env() -> Result<Client, Error> {
        Client::from_env_for(&SERVICE)
    }

    /// A builder, to configure the client in code.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::for_service(&SERVICE)
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Client::builder()
    }
}

impl ApiError {
    /// An error response of this API, for tests, as in a generated crate.
    pub fn new(
        status: reqwest::StatusCode,
        headers: reqwest::header::HeaderMap,
        body: impl AsRef<[u8]>,
    ) -> ApiError {
        ApiError::for_service(&SERVICE, status, headers, body.as_ref())
    }
}

impl<T> ApiResponse<T> {
    /// A response of this API, for tests, as in a generated crate.
    pub fn new(
        value: T,
        status: reqwest::StatusCode,
        headers: reqwest::header::HeaderMap,
    ) -> ApiResponse<T> {
        ApiResponse::for_service(&SERVICE, value, status, headers)
    }
}
