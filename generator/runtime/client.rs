//! The client: configuration, and sending requests with retries.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderMap, HeaderValue, USER_AGENT};
use reqwest::{StatusCode, Url};

use super::Error;
use super::error::ApiError;
use super::request::{Auth, Request};
use super::response::Response;
use super::retry::{self, Backoff};

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
const DEFAULT_MAX_RETRIES: u32 = 2;
const DEFAULT_BACKOFF: Backoff = Backoff {
    initial: Duration::from_millis(500),
    max: Duration::from_secs(8),
};
const DEFAULT_USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

/// A client of the API. Cheap to clone: clones share the configuration and connection pool.
///
/// Create one with [`Client::from_env`] or [`Client::builder`]. Every request sends
/// `Accept: application/json` and the configured `User-Agent`; failed attempts (connection
/// errors, timeouts, 408, 409, 429 and 5xx) are retried with exponential backoff, honouring the
/// server's `Retry-After` up to 60 seconds.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    /// Base URL without a trailing slash.
    base_url: String,
    /// `Bearer <token>`, marked sensitive.
    authorization: Option<HeaderValue>,
    user_agent: HeaderValue,
    timeout: Duration,
    max_retries: u32,
    backoff: Backoff,
}

impl Client {
    /// A client configured from the environment: the bearer token from [`crate::TOKEN_ENV`]
    /// (required) and the base URL from [`crate::BASE_URL_ENV`] (optional, default
    /// [`crate::DEFAULT_BASE_URL`]). Other settings have their defaults (see [`ClientBuilder`]).
    pub fn from_env() -> Result<Client, Error> {
        let var = |name: &str| {
            std::env::var_os(name).filter(|value| !value.to_string_lossy().trim().is_empty())
        };
        let token = var(crate::TOKEN_ENV)
            .ok_or_else(|| {
                Error::config(format!(
                    "environment variable {} is not set; it must hold an API token",
                    crate::TOKEN_ENV
                ))
            })?
            .into_string()
            .map_err(|_| {
                Error::config(format!(
                    "environment variable {} is not valid UTF-8",
                    crate::TOKEN_ENV
                ))
            })?;
        let mut builder = Client::builder().token(token);
        if let Some(base_url) = var(crate::BASE_URL_ENV) {
            let base_url = base_url.into_string().map_err(|_| {
                Error::config(format!(
                    "environment variable {} is not valid UTF-8",
                    crate::BASE_URL_ENV
                ))
            })?;
            builder = builder.base_url(base_url);
        }
        builder.build()
    }

    /// A builder, to configure the client in code.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// Sends `request`, retrying as configured. `Ok` only for a 2xx response; any other status
    /// is an [`Error::Api`].
    pub(crate) async fn execute(&self, request: Request) -> Result<Response, Error> {
        let inner = &*self.inner;
        let authorization = inner.authorization_for(&request)?;
        let joined = format!("{}{}", inner.base_url, request.path);
        let url = Url::parse(&joined).map_err(|error| {
            Error::invalid_request(format!("invalid request URL `{joined}`: {error}"))
        })?;
        let url_text = url.to_string();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut builder = inner
                .http
                .request(request.method.clone(), url.clone())
                .timeout(inner.timeout)
                .header(ACCEPT, HeaderValue::from_static("application/json"))
                .header(USER_AGENT, inner.user_agent.clone());
            if let Some(authorization) = &authorization {
                builder = builder.header(AUTHORIZATION, authorization.clone());
            }
            let (error, server_delay) = match send(builder).await {
                Ok((status, _, body)) if status.is_success() => {
                    return Ok(Response {
                        method: request.method,
                        url: url_text,
                        status,
                        body,
                    });
                }
                Ok((status, headers, body)) => {
                    let api = ApiError::new(
                        request.method.clone(),
                        url_text.clone(),
                        status,
                        headers,
                        &body,
                        attempt,
                    );
                    let server_delay = api.retry_after();
                    let error = Error::Api(Box::new(api));
                    if !retry::is_retryable(status) {
                        return Err(error);
                    }
                    (error, server_delay)
                }
                Err(source) if source.is_builder() => {
                    return Err(Error::invalid_request(format!(
                        "{} {url_text}: {source}",
                        request.method
                    )));
                }
                Err(source) if source.is_timeout() => {
                    let error = Error::Timeout {
                        method: request.method.clone(),
                        url: url_text.clone(),
                        timeout: inner.timeout,
                        attempts: attempt,
                        source,
                    };
                    (error, None)
                }
                Err(source) => {
                    let error = Error::Connection {
                        method: request.method.clone(),
                        url: url_text.clone(),
                        attempts: attempt,
                        source,
                    };
                    (error, None)
                }
            };
            if attempt > inner.max_retries {
                return Err(error);
            }
            let delay = match server_delay {
                Some(delay) if delay > retry::MAX_RETRY_AFTER => return Err(error),
                Some(delay) => delay,
                None => inner.backoff.delay(attempt),
            };
            tokio::time::sleep(delay).await;
        }
    }
}

impl Inner {
    /// The `Authorization` value for `request`, or an error if it needs credentials the client
    /// does not have.
    fn authorization_for(&self, request: &Request) -> Result<Option<HeaderValue>, Error> {
        if request.auth.is_empty() {
            return Ok(None);
        }
        for scheme in &request.auth {
            match scheme {
                Auth::Bearer => {
                    if let Some(authorization) = &self.authorization {
                        return Ok(Some(authorization.clone()));
                    }
                }
            }
        }
        Err(Error::invalid_request(format!(
            "{} {}{}: this operation requires an API token; set {} or use ClientBuilder::token",
            request.method,
            self.base_url,
            request.path,
            crate::TOKEN_ENV
        )))
    }
}

/// Sends one attempt and reads the whole response.
async fn send(
    builder: reqwest::RequestBuilder,
) -> Result<(StatusCode, HeaderMap, Vec<u8>), reqwest::Error> {
    let response = builder.send().await?;
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.bytes().await?;
    Ok((status, headers, body.into()))
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        f.debug_struct("Client")
            .field("base_url", &inner.base_url)
            .field("token", &redacted(inner.authorization.is_some()))
            .field("timeout", &inner.timeout)
            .field("max_retries", &inner.max_retries)
            .field("user_agent", &inner.user_agent)
            .finish_non_exhaustive()
    }
}

/// Configures a [`Client`]. Every setting has a default; only a token is usually needed.
#[derive(Clone)]
pub struct ClientBuilder {
    token: Option<String>,
    base_url: String,
    timeout: Duration,
    max_retries: u32,
    backoff: Backoff,
    user_agent: String,
    http_client: Option<reqwest::Client>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            token: None,
            base_url: crate::DEFAULT_BASE_URL.to_owned(),
            timeout: DEFAULT_TIMEOUT,
            max_retries: DEFAULT_MAX_RETRIES,
            backoff: DEFAULT_BACKOFF,
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            http_client: None,
        }
    }
}

impl ClientBuilder {
    /// The API token, sent as `Authorization: Bearer <token>`. Without one, operations that
    /// need authentication fail with [`Error::InvalidRequest`] before sending anything.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// The URL that operation paths are appended to (default [`crate::DEFAULT_BASE_URL`]).
    /// A trailing slash is ignored.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// How long one attempt may take, from connecting until the whole body is read
    /// (default 60 seconds). Each retry gets the full timeout again.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How many times a failed attempt is retried (default 2, so at most 3 attempts).
    /// `0` disables retries.
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// The backoff between retries when the server does not say how long to wait: the first
    /// retry waits about `initial` (default 0.5 s), each next one twice as long, up to `max`
    /// (default 8 s). Each delay is randomly shortened by up to half (jitter).
    pub fn retry_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.backoff = Backoff { initial, max };
        self
    }

    /// The `User-Agent` header (default `<crate name>/<crate version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Sends requests with this `reqwest` client (its proxy, TLS and pool settings) instead of
    /// a default one. The timeout, headers and retries above still apply.
    pub fn http_client(mut self, http_client: reqwest::Client) -> Self {
        self.http_client = Some(http_client);
        self
    }

    /// Checks the settings and creates the client.
    pub fn build(self) -> Result<Client, Error> {
        let base_url = self.base_url.trim().trim_end_matches('/').to_owned();
        let parsed = Url::parse(&base_url)
            .map_err(|error| Error::config(format!("invalid base URL `{base_url}`: {error}")))?;
        if !matches!(parsed.scheme(), "http" | "https") || !parsed.has_host() {
            return Err(Error::config(format!(
                "invalid base URL `{base_url}`: expected an http:// or https:// URL"
            )));
        }
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(Error::config(format!(
                "invalid base URL `{base_url}`: it must not have a query or fragment"
            )));
        }
        let authorization = match self.token {
            None => None,
            Some(token) if token.trim().is_empty() => {
                return Err(Error::config("the API token is empty"));
            }
            Some(token) => {
                let mut value =
                    HeaderValue::try_from(format!("Bearer {}", token.trim())).map_err(|_| {
                        Error::config("the API token contains characters not allowed in a header")
                    })?;
                value.set_sensitive(true);
                Some(value)
            }
        };
        let user_agent = HeaderValue::try_from(self.user_agent).map_err(|_| {
            Error::config("the user agent contains characters not allowed in a header")
        })?;
        let http = match self.http_client {
            Some(http) => http,
            None => reqwest::Client::builder().build().map_err(|error| {
                Error::config(format!("cannot create the HTTP client: {error}"))
            })?,
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                authorization,
                user_agent,
                timeout: self.timeout,
                max_retries: self.max_retries,
                backoff: self.backoff,
            }),
        })
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("token", &redacted(self.token.is_some()))
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .field("backoff", &self.backoff)
            .field("user_agent", &self.user_agent)
            .field("http_client", &self.http_client.is_some())
            .finish()
    }
}

/// How a token shows in `Debug` output: never its value.
fn redacted(present: bool) -> &'static str {
    if present { "<redacted>" } else { "<none>" }
}
