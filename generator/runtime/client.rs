//! The client: configuration, and sending requests with retries.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{
    ACCEPT, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue,
    USER_AGENT,
};
use reqwest::{Method, StatusCode, Url};

use super::Error;
use super::error::{ApiError, Attempt, root_cause};
use super::request::{Auth, Content, Request, Scheme, form_encode};
use super::response::RawResponse;
use super::retry::{self, Backoff, Outcome};
use super::stream::{Meta, StreamResponse};
use super::upload::NOT_REPLAYABLE;

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
const DEFAULT_MAX_RETRIES: u32 = 2;
const DEFAULT_BACKOFF: Backoff = Backoff {
    initial: Duration::from_millis(500),
    max: Duration::from_secs(8),
};
/// 32 MiB: far above any JSON answer of a typical API, far below what would hurt a process.
const DEFAULT_MAX_RESPONSE_BYTES: u64 = 32 << 20;
const DEFAULT_USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

/// The credential [`ClientBuilder::token`] sets, sent as `Authorization: Bearer <token>`.
const TOKEN: &str = "token";

/// What the runtime knows about the API it is a client of: its default server, the environment
/// variables [`Client::from_env_for`] reads, and the response header that identifies a request.
///
/// The runtime reads nothing else about the API: a generated crate declares one `static` of
/// this type in its `lib.rs`, from its public constants (`DEFAULT_BASE_URL`, `BASE_URL_ENV`,
/// `CREDENTIAL_ENV`, `CREDENTIALS_REQUIRED`), and its `Client::from_env` and `Client::builder`
/// pass it to [`Client::from_env_for`] and [`ClientBuilder::for_service`].
#[derive(Debug)]
pub struct Service {
    /// The URL that operation paths are appended to when none is configured.
    pub default_base_url: &'static str,
    /// The environment variable that overrides `default_base_url` in
    /// [`Client::from_env_for`].
    pub base_url_env: &'static str,
    /// The credentials [`Client::from_env_for`] reads: (credential, environment variable).
    /// Error messages name these variables when a request lacks a credential.
    pub credential_env: &'static [(&'static str, &'static str)],
    /// Variables earlier versions of the crate read credentials from, (credential, variable):
    /// still read, for one release, when the credential's variable in `credential_env` is
    /// unset.
    pub legacy_credential_env: &'static [(&'static str, &'static str)],
    /// Whether every operation needs credentials, so that [`Client::from_env_for`] insists on
    /// one of `credential_env`.
    pub credentials_required: bool,
    /// The response header that identifies a request to the API's operators (such as
    /// `x-request-id`), if the API sends one: [`ApiError::request_id`] and
    /// [`super::ApiResponse::request_id`] return it and error messages show it.
    pub request_id_header: Option<&'static str>,
    /// The credential alternatives of the spec's global `security` (see
    /// [`Request::auth`]): what a request of [`Client::request`] sends unless told otherwise.
    pub default_auth: &'static [&'static [Auth]],
    /// The credential alternatives of the crate's operations, each the credentials (by name)
    /// sent together; anonymous ones left out. [`Client::from_env_for`] warns when the
    /// credentials it finds complete none of them: they serve [`Client::request`] only.
    pub operation_auth: &'static [&'static [&'static str]],
}

/// Why the credentials `found` (credential, variable) serve no operation of the crate, when
/// they complete none of the operations' alternatives: they serve [`Client::request`] only.
#[cfg_attr(not(feature = "tracing"), allow(dead_code))]
fn unused_credentials(service: &Service, found: &[(&str, &str)]) -> Option<String> {
    let has = |credential: &&str| found.iter().any(|(name, _)| name == credential);
    if found.is_empty() || service.operation_auth.iter().any(|a| a.iter().all(has)) {
        return None;
    }
    let variable = |credential: &&'static str| -> &'static str {
        service
            .credential_env
            .iter()
            .find(|(name, _)| name == credential)
            .map_or(*credential, |(_, variable)| *variable)
    };
    let set: Vec<&str> = found.iter().map(|(_, variable)| *variable).collect();
    let wanted: Vec<String> = service
        .operation_auth
        .iter()
        .map(|a| a.iter().map(variable).collect::<Vec<_>>().join(" + "))
        .collect();
    let operations = match wanted.as_slice() {
        [] => "no operation of this crate takes credentials".to_string(),
        wanted => format!("its operations take {}", wanted.join(" or ")),
    };
    Some(format!(
        "the credentials of {} serve no operation of this crate, only Client::request; \
         {operations}",
        set.join(", ")
    ))
}

/// A client of the API. Cheap to clone: clones share the configuration and connection pool.
///
/// Create one with [`Client::from_env`] or [`Client::builder`]. Every request sends
/// `Accept: application/json` (unless the operation returns something else) and the configured
/// `User-Agent`. Failed attempts are retried with exponential backoff and jitter, honouring the
/// server's `Retry-After` up to 60 seconds: idempotent requests after connection errors,
/// timeouts, 408, 409, 429 and 5xx; `POST` and `PATCH` only when the server provably did not
/// act on them (no connection, 429, or 503 with `Retry-After`). A response header
/// `x-should-retry: true|false` overrides the decision.
///
/// Redirects are not followed (a 3xx is an [`Error::Api`] naming the `Location`), so that
/// credentials never go to another host; response bodies are read up to
/// [`ClientBuilder::max_response_bytes`].
///
/// Operations are methods of the groups the client's accessors return; each returns a
/// [`Call`](super::Call) that owns a clone of the client, so it can outlive the borrow it was
/// made with. [`Client::request`] sends requests to paths the spec does not describe, the same
/// way.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    /// The API this is a client of.
    service: &'static Service,
    http: reqwest::Client,
    /// Base URL without a trailing slash.
    base_url: String,
    /// Credential name → value (trimmed, never empty). Secret: never shown.
    credentials: Credentials,
    user_agent: HeaderValue,
    timeout: Duration,
    /// How long a call may take, every attempt and the waits between them included.
    operation_timeout: Option<Duration>,
    max_retries: u32,
    backoff: Backoff,
    max_response_bytes: u64,
    /// The base URL's host and port, for traces (`server.address`, `server.port`).
    #[cfg_attr(not(feature = "tracing"), allow(dead_code))]
    server: (String, Option<u16>),
    /// The runtime of [`super::Call::send_blocking`], built on first use.
    #[cfg(feature = "blocking")]
    blocking: super::call::BlockingRuntime,
}

/// Named secrets; `Debug` shows the names only.
#[derive(Clone, Default)]
struct Credentials(BTreeMap<&'static str, String>);

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("Credentials");
        for name in self.0.keys() {
            out.field(name, &"<redacted>");
        }
        out.finish()
    }
}

/// What the chosen credentials add to a request.
#[derive(Default)]
struct Applied {
    headers: Vec<(HeaderName, HeaderValue)>,
    /// Encoded `name=value` pairs, kept out of every URL shown to the user.
    query: Vec<String>,
}

impl Client {
    /// A client of `service` configured from the environment: the credentials from the
    /// variables of [`Service::credential_env`] (else of [`Service::legacy_credential_env`];
    /// at least one must be set when
    /// [`Service::credentials_required`], that is when every operation of the API needs
    /// credentials) and the base URL from [`Service::base_url_env`] (optional, default
    /// [`Service::default_base_url`]). Variables that are empty or only whitespace count as
    /// unset. Other settings have their defaults (see [`ClientBuilder`]).
    ///
    /// The generated crate's `Client::from_env` calls this with its own [`Service`].
    #[doc(hidden)]
    pub fn from_env_for(service: &'static Service) -> Result<Client, Error> {
        fn var(name: &str) -> Result<Option<String>, Error> {
            match std::env::var_os(name) {
                Some(value) if !value.to_string_lossy().trim().is_empty() => {
                    value.into_string().map(Some).map_err(|_| {
                        Error::config(format!("environment variable {name} is not valid UTF-8"))
                    })
                }
                _ => Ok(None),
            }
        }
        let mut builder = ClientBuilder::for_service(service);
        let mut wanted = Vec::new();
        // (credential, the variable it was read from)
        let mut found = Vec::new();
        for &(credential, variable) in service.credential_env {
            wanted.push(variable);
            let legacy = service
                .legacy_credential_env
                .iter()
                .filter(|(name, _)| *name == credential)
                .map(|(_, legacy)| *legacy);
            for variable in std::iter::once(variable).chain(legacy) {
                if let Some(value) = var(variable)? {
                    builder = builder.credential(credential, value);
                    found.push((credential, variable));
                    break;
                }
            }
        }
        #[cfg(feature = "tracing")]
        if let Some(warning) = unused_credentials(service, &found) {
            tracing::warn!("{warning}");
        }
        if found.is_empty() && service.credentials_required && !wanted.is_empty() {
            return Err(Error::config(match wanted.as_slice() {
                [variable] => format!(
                    "environment variable {variable} is not set; it must hold the API credential"
                ),
                _ => format!(
                    "none of the environment variables {} is set; they hold the API credentials",
                    wanted.join(", ")
                ),
            }));
        }
        if let Some(base_url) = var(service.base_url_env)? {
            builder = builder.base_url(base_url);
        }
        builder.build()
    }

    /// The credentials a request of [`Client::request`] accepts by default.
    pub(super) fn default_auth(&self) -> &'static [&'static [Auth]] {
        self.inner.service.default_auth
    }

    /// The runtime of blocking calls.
    #[cfg(feature = "blocking")]
    pub(super) fn blocking_runtime(&self) -> &super::call::BlockingRuntime {
        &self.inner.blocking
    }

    /// Sends `request`, retrying as configured. `Ok` only for a 2xx response; any other status
    /// is an [`Error::Api`].
    ///
    /// Refused with [`Error::InvalidRequest`] before anything is sent when the client lacks the
    /// credentials the request needs.
    pub async fn execute(&self, request: Request) -> Result<RawResponse, Error> {
        self.send(None, request, &CallOptions::default()).await
    }

    /// Sends `request` for the operation `operation` (traced under that name), with the
    /// per-call `options`, and reads the whole response.
    pub(super) async fn send(
        &self,
        operation: Option<&'static str>,
        request: Request,
        options: &CallOptions,
    ) -> Result<RawResponse, Error> {
        match self
            .send_reading(operation, request, options, Reading::Whole)
            .await?
        {
            Received::Whole(response) => Ok(response),
            // `Reading::Whole` reads every body.
            Received::Streamed(response) => Err(Error::invalid_request(format!(
                "{} {}: the response was not read",
                response.method(),
                response.url()
            ))),
        }
    }

    /// [`Client::send`], returning a 2xx response as soon as its head arrives, its body
    /// unread: the send of streamed calls.
    pub(super) async fn send_streamed(
        &self,
        operation: Option<&'static str>,
        request: Request,
        options: &CallOptions,
    ) -> Result<StreamResponse, Error> {
        match self
            .send_reading(operation, request, options, Reading::Streamed)
            .await?
        {
            Received::Streamed(response) => Ok(response),
            Received::Whole(response) => Err(Error::invalid_request(format!(
                "{} {}: the response was read instead of streamed",
                response.method, response.url
            ))),
        }
    }

    /// The one place that sends anything, for whole and streamed responses alike: not
    /// generic, so that it is compiled once however many operations the crate has. The span
    /// of the call (feature `tracing`) lasts as long as a streamed response.
    async fn send_reading(
        &self,
        operation: Option<&'static str>,
        request: Request,
        options: &CallOptions,
        reading: Reading,
    ) -> Result<Received, Error> {
        #[cfg(feature = "tracing")]
        {
            use tracing::Instrument;
            // OpenTelemetry's HTTP client conventions: `otel.name` is the span's name there
            // (`{method} {url.template}`), `otel.kind` its kind; the resend count and status
            // are recorded by `trace_attempt`.
            let (address, port) = &self.inner.server;
            let span = tracing::info_span!(
                "http_request",
                otel.name = %format_args!("{} {}", request.method, request.template),
                otel.kind = "client",
                operation = operation.unwrap_or(&request.template),
                http.request.method = %request.method,
                url.template = &*request.template,
                server.address = &**address,
                server.port = *port,
                http.request.resend_count = tracing::field::Empty,
                http.response.status_code = tracing::field::Empty,
                error.type = tracing::field::Empty,
            );
            let received = self
                .send_traced(request, options, reading)
                .instrument(span.clone())
                .await?;
            Ok(match received {
                Received::Streamed(mut response) => {
                    response.span = span;
                    Received::Streamed(response)
                }
                whole => whole,
            })
        }
        #[cfg(not(feature = "tracing"))]
        {
            let _ = operation;
            self.send_traced(request, options, reading).await
        }
    }

    /// The retry loop, for whole and streamed responses alike.
    async fn send_traced(
        &self,
        request: Request,
        options: &CallOptions,
        reading: Reading,
    ) -> Result<Received, Error> {
        let inner = &*self.inner;
        let mut shown = format!("{}{}", inner.base_url, request.path);
        if !request.query.is_empty() {
            shown.push('?');
            shown.push_str(&request.query.join("&"));
        }
        let applied = inner.credentials_for(&request, &shown)?;
        let parse = |text: &str| {
            Url::parse(text).map_err(|error| {
                Error::invalid_request(format!("invalid request URL `{shown}`: {error}"))
            })
        };
        let shown_url = parse(&shown)?;
        let url_text = shown_url.to_string();
        let url = if applied.query.is_empty() {
            shown_url
        } else {
            let separator = if request.query.is_empty() { '?' } else { '&' };
            parse(&format!("{shown}{separator}{}", applied.query.join("&")))?
        };
        let headers = inner.headers(&request, &options.headers, applied.headers, &url_text)?;
        let content = request.body.as_ref().map(|body| &body.content);
        let timeout = options.timeout.unwrap_or(inner.timeout);
        let operation_timeout = options.operation_timeout.or(inner.operation_timeout);
        // The operation timeout runs from here: every attempt and every wait between them.
        let deadline = operation_timeout.map(super::stream::deadline);
        let max_retries = options.max_retries.unwrap_or(inner.max_retries);
        let method = &request.method;
        let redirects = request.redirects;
        let mut earlier: Vec<Attempt> = Vec::new();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let started = Instant::now();
            // The attempt's timeout, shortened to what is left of the operation timeout: when
            // that cuts it short, its expiry is the operation's.
            let left = deadline
                .map(|deadline| deadline.saturating_duration_since(tokio::time::Instant::now()));
            let cut = left.is_some_and(|left| left < timeout);
            let attempt_timeout = left.map_or(timeout, |left| left.min(timeout));
            let mut builder = inner
                .http
                .request(method.clone(), url.clone())
                .headers(headers.clone());
            if reading == Reading::Whole {
                builder = builder.timeout(attempt_timeout);
            }
            match content {
                None => {}
                Some(Content::Bytes(bytes)) => builder = builder.body(bytes.clone()),
                Some(Content::Streamed(pieces)) => {
                    let (body, length) = pieces.open().await.map_err(|error| match error {
                        Error::InvalidRequest { message } => {
                            Error::invalid_request(format!("{method} {url_text}: {message}"))
                        }
                        other => other,
                    })?;
                    builder = builder.body(body);
                    if let Some(length) = length {
                        builder = builder.header(CONTENT_LENGTH, length);
                    }
                }
            }
            let accepts =
                |status: StatusCode| status.is_success() || (redirects && status.is_redirection());
            let limit = inner.max_response_bytes;
            let received = match reading {
                Reading::Whole => receive(builder, limit, accepts).await,
                Reading::Streamed => receive_head(builder, limit, accepts, attempt_timeout).await,
            };
            let elapsed = started.elapsed();
            // The attempt ran out of time: its own timeout, retried by the rule, or the
            // operation's, which leaves nothing for a retry.
            let timed_out = |source: Option<reqwest::Error>| {
                let error = Error::Timeout {
                    method: method.clone(),
                    url: url_text.clone(),
                    timeout: match cut {
                        true => operation_timeout.unwrap_or(timeout),
                        false => timeout,
                    },
                    attempts: attempt,
                    earlier: Vec::new(),
                    not_retried: None,
                    idle: false,
                    total: cut,
                    source,
                };
                let retry = !cut && retry::should_retry(method, Outcome::Timeout);
                (error, retry, None)
            };
            let (error, retry, server_delay) = match received {
                Ok(Reply::Accepted {
                    status,
                    headers,
                    body,
                }) => {
                    trace_attempt(attempt, Some(status), "success", elapsed, "done");
                    let meta = Meta {
                        method: request.method,
                        url: url_text,
                        status,
                        headers,
                        attempts: attempt,
                        request_id_header: inner.service.request_id_header,
                    };
                    return Ok(match body {
                        Payload::Read(body) => Received::Whole(RawResponse {
                            method: meta.method,
                            url: meta.url,
                            status,
                            headers: meta.headers,
                            body,
                            attempts: attempt,
                            request_id_header: meta.request_id_header,
                        }),
                        Payload::Live(response) => Received::Streamed(StreamResponse::new(
                            meta,
                            response,
                            timeout,
                            limit,
                            #[cfg(feature = "blocking")]
                            self.clone(),
                        )),
                    });
                }
                Ok(Reply::Refused {
                    status,
                    headers,
                    body,
                }) => {
                    let retry = retry::should_retry(method, Outcome::Status(status, &headers));
                    let api = ApiError::from_response(
                        method.clone(),
                        url_text.clone(),
                        status,
                        headers,
                        &body,
                        attempt,
                        inner.service.request_id_header,
                    );
                    let server_delay = api.retry_after();
                    (Error::Api(Box::new(api)), retry, server_delay)
                }
                Err(Failure::TooLarge { status, declared }) => {
                    trace_attempt(attempt, Some(status), "too large", elapsed, "give up");
                    return Err(Error::ResponseTooLarge {
                        method: method.clone(),
                        url: url_text,
                        status,
                        limit: inner.max_response_bytes,
                        declared,
                        attempts: attempt,
                        earlier,
                    });
                }
                Err(Failure::Transport(source)) if source.is_builder() => {
                    return Err(Error::invalid_request(format!(
                        "{method} {url_text}: {}",
                        source.without_url()
                    )));
                }
                Err(Failure::Transport(source)) if source.is_timeout() => {
                    timed_out(Some(source.without_url()))
                }
                Err(Failure::TimedOut) => timed_out(None),
                Err(Failure::Transport(source)) => {
                    let outcome = if source.is_connect() {
                        Outcome::NotConnected
                    } else {
                        Outcome::Broken
                    };
                    let retry = retry::should_retry(method, outcome);
                    let error = Error::Connection {
                        method: method.clone(),
                        url: url_text.clone(),
                        attempts: attempt,
                        earlier: Vec::new(),
                        not_retried: None,
                        source: source.without_url(),
                    };
                    (error, retry, None)
                }
            };
            // A body read from a stream that was read (even in part) cannot be sent again.
            let spent = matches!(content, Some(Content::Streamed(pieces)) if pieces.is_spent());
            let delay = match server_delay {
                _ if !retry || attempt > max_retries || spent => None,
                Some(delay) if delay > retry::MAX_RETRY_AFTER => None,
                Some(delay) => Some(delay),
                None => Some(inner.backoff.delay(attempt)),
            };
            let status = error.status();
            let outcome = summary(&error);
            let Some(delay) = delay else {
                let decision = if !retry {
                    "give up: not retryable"
                } else if attempt > max_retries {
                    "give up: retries exhausted"
                } else if spent {
                    "give up: the request body cannot be sent again"
                } else {
                    "give up: Retry-After too long"
                };
                trace_attempt(attempt, status, &outcome, elapsed, decision);
                let mut error = with_earlier(error, earlier);
                if retry && attempt <= max_retries && spent {
                    not_retried(&mut error, NOT_REPLAYABLE);
                }
                return Err(error);
            };
            trace_attempt(
                attempt,
                status,
                &outcome,
                elapsed,
                &format!("retry in {delay:?}"),
            );
            earlier.push(Attempt {
                number: attempt,
                status,
                outcome,
                elapsed,
            });
            // No retry that would start after the operation timeout: it could not finish.
            if let (Some(deadline), Some(operation_timeout)) = (deadline, operation_timeout)
                && tokio::time::Instant::now() + delay >= deadline
            {
                return Err(Error::Timeout {
                    method: method.clone(),
                    url: url_text,
                    timeout: operation_timeout,
                    attempts: attempt,
                    earlier,
                    not_retried: None,
                    idle: false,
                    total: true,
                    source: None,
                });
            }
            tokio::time::sleep(delay).await;
        }
    }
}

/// Per-call settings that override the client's (see [`super::Call`]).
#[derive(Debug, Clone, Default)]
pub(super) struct CallOptions {
    pub(super) timeout: Option<Duration>,
    pub(super) operation_timeout: Option<Duration>,
    pub(super) max_retries: Option<u32>,
    /// Extra headers; they replace generated headers of the same name, not credentials.
    pub(super) headers: Vec<(HeaderName, HeaderValue)>,
    /// Why the call must not be sent (an invalid extra header), reported by
    /// [`super::Call`] when it is awaited.
    pub(super) invalid: Option<String>,
}

impl CallOptions {
    /// Adds the extra header `name: value`, marked sensitive; an invalid name or value is
    /// remembered in [`CallOptions::invalid`] (the first problem), to fail the call with.
    pub(super) fn add_header(&mut self, name: &str, value: &str) {
        match (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            (Ok(name), Ok(mut value)) => {
                value.set_sensitive(true);
                self.headers.push((name, value));
            }
            (Err(_), _) => {
                let shown = name.escape_debug();
                let problem = format!("extra header: `{shown}` is not a valid header name");
                self.invalid.get_or_insert(problem);
            }
            (Ok(_), Err(_)) => {
                let problem = format!(
                    "extra header `{name}`: the value contains characters not allowed in a \
                     header (such as a line break)"
                );
                self.invalid.get_or_insert(problem);
            }
        }
    }
}

/// One line about a failed attempt, for [`Attempt::outcome`] and traces.
fn summary(error: &Error) -> String {
    match error {
        Error::Api(api) => api.status().to_string(),
        Error::Timeout { timeout, .. } => format!("no complete response within {timeout:?}"),
        Error::Connection { source, .. } => format!("connection failed: {}", root_cause(source)),
        other => other.to_string(),
    }
}

/// `error` with the attempts before it.
fn with_earlier(mut error: Error, attempts: Vec<Attempt>) -> Error {
    match &mut error {
        Error::Api(api) => api.set_earlier(attempts),
        Error::Connection { earlier, .. } | Error::Timeout { earlier, .. } => *earlier = attempts,
        _ => {}
    }
    error
}

/// Notes in `error` why the request was not sent again although the rule allowed it.
fn not_retried(error: &mut Error, reason: &'static str) {
    match error {
        Error::Api(api) => api.set_not_retried(reason),
        Error::Connection { not_retried, .. } | Error::Timeout { not_retried, .. } => {
            *not_retried = Some(reason);
        }
        _ => {}
    }
}

/// How a call reads a 2xx response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reading {
    /// In full, within the timeout and the body limit.
    Whole,
    /// Not at all: its body is left to the stream.
    Streamed,
}

/// What a call received.
enum Received {
    Whole(RawResponse),
    Streamed(StreamResponse),
}

/// Records one attempt in the current call's span: a `DEBUG` event, or `WARN` when the call
/// gives up on an error. Never shows headers, credentials or the URL's query.
#[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
fn trace_attempt(
    attempt: u32,
    status: Option<StatusCode>,
    outcome: &str,
    elapsed: Duration,
    decision: &str,
) {
    #[cfg(feature = "tracing")]
    {
        let span = tracing::Span::current();
        if attempt > 1 {
            span.record("http.request.resend_count", attempt - 1);
        }
        if let Some(status) = status {
            span.record("http.response.status_code", status.as_u16());
        }
        // OpenTelemetry's `error.type`: the status code of an error response, else what failed.
        if decision.starts_with("give up") {
            match status {
                Some(status) => span.record("error.type", status.as_str()),
                None if outcome.starts_with("no complete response") => {
                    span.record("error.type", "timeout")
                }
                None => span.record("error.type", "connection"),
            };
        }
        let latency_ms = elapsed.as_secs_f64() * 1000.0;
        let status = status.map(|status| status.as_u16());
        if decision.starts_with("give up") {
            tracing::warn!(
                attempt,
                status,
                outcome,
                latency_ms,
                decision,
                "attempt failed"
            );
        } else {
            tracing::debug!(attempt, status, outcome, latency_ms, decision, "attempt");
        }
    }
}

impl Inner {
    /// What the first satisfiable credential alternative of `request` adds to it, or an error
    /// naming the credentials that would do. `shown` is the URL for messages.
    fn credentials_for(&self, request: &Request, shown: &str) -> Result<Applied, Error> {
        if request.auth.is_empty() {
            return Ok(Applied::default());
        }
        let chosen = request.auth.iter().find(|alternative| {
            alternative
                .iter()
                .all(|auth| self.credentials.0.contains_key(auth.credential))
        });
        let Some(alternative) = chosen else {
            return Err(Error::invalid_request(format!(
                "{} {shown}: this operation needs credentials: {}",
                request.method,
                needed(request.auth, self.service.credential_env)
            )));
        };
        let mut applied = Applied::default();
        for auth in alternative.iter() {
            let value = self
                .credentials
                .0
                .get(auth.credential)
                .map_or("", String::as_str);
            let header = |name: HeaderName, value: String| {
                let mut value = HeaderValue::try_from(value).map_err(|_| {
                    Error::invalid_request(format!(
                        "credential `{}` contains characters not allowed in a header",
                        auth.credential
                    ))
                })?;
                value.set_sensitive(true);
                Ok::<_, Error>((name, value))
            };
            match auth.scheme {
                Scheme::Bearer => applied
                    .headers
                    .push(header(AUTHORIZATION, format!("Bearer {value}"))?),
                Scheme::Basic => applied.headers.push(header(
                    AUTHORIZATION,
                    format!("Basic {}", base64(value.as_bytes())),
                )?),
                Scheme::Header(name) => {
                    let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                        Error::invalid_request(format!("`{name}` is not a valid header name"))
                    })?;
                    applied.headers.push(header(name, value.to_owned())?);
                }
                Scheme::Query(param) => {
                    applied
                        .query
                        .push(format!("{}={}", form_encode(param), form_encode(value)))
                }
            }
        }
        Ok(applied)
    }

    /// The headers of every attempt: defaults, then the request's, then the call's `extra`
    /// ones (replacing those of the same name), then the credentials'.
    fn headers(
        &self,
        request: &Request,
        extra: &[(HeaderName, HeaderValue)],
        credentials: Vec<(HeaderName, HeaderValue)>,
        url: &str,
    ) -> Result<HeaderMap, Error> {
        let mut headers = HeaderMap::new();
        let accept = request.accept.unwrap_or("application/json");
        let accept = HeaderValue::from_str(accept).map_err(|_| {
            Error::invalid_request(format!(
                "{} {url}: invalid Accept `{accept}`",
                request.method
            ))
        })?;
        headers.insert(ACCEPT, accept);
        headers.insert(USER_AGENT, self.user_agent.clone());
        for (name, value) in &request.headers {
            headers.append(name.clone(), value.clone());
        }
        match &request.body {
            Some(body) => {
                let content_type = HeaderValue::from_str(&body.content_type).map_err(|_| {
                    Error::invalid_request(format!(
                        "{} {url}: invalid Content-Type `{}`",
                        request.method, body.content_type
                    ))
                })?;
                headers.insert(CONTENT_TYPE, content_type);
            }
            None if matches!(request.method, Method::POST | Method::PUT | Method::PATCH) => {
                // Without it, some servers answer 411 Length Required.
                headers.insert(CONTENT_LENGTH, HeaderValue::from_static("0"));
            }
            None => {}
        }
        for (name, _) in extra {
            headers.remove(name);
        }
        for (name, value) in extra {
            headers.append(name.clone(), value.clone());
        }
        for (name, value) in credentials {
            headers.insert(name, value);
        }
        Ok(headers)
    }
}

/// "set EXAMPLE_API_TOKEN, or EXAMPLE_API_EMAIL and EXAMPLE_API_KEY (in code: ...)": the
/// environment variables (from `credential_env`, else the credential) of each alternative, then
/// the credential names.
fn needed(alternatives: &[&[Auth]], credential_env: &[(&str, &str)]) -> String {
    let mut variables: Vec<String> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    for alternative in alternatives.iter().filter(|a| !a.is_empty()) {
        let mut credentials: Vec<&str> = alternative.iter().map(|auth| auth.credential).collect();
        credentials.dedup();
        let variable = credentials
            .iter()
            .map(|name| {
                credential_env
                    .iter()
                    .find(|(credential, _)| credential == name)
                    .map_or_else(
                        || format!("credential `{name}`"),
                        |(_, variable)| (*variable).to_owned(),
                    )
            })
            .collect::<Vec<_>>()
            .join(" and ");
        let name = credentials
            .iter()
            .map(|name| format!("\"{name}\""))
            .collect::<Vec<_>>()
            .join(" and ");
        if !names.contains(&name) {
            variables.push(variable);
            names.push(name);
        }
    }
    format!(
        "set {} (in code: ClientBuilder::credential with {})",
        variables.join(", or "),
        names.join(", or ")
    )
}

/// Standard base64 with padding (RFC 4648), for `Authorization: Basic`.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Why an attempt got no usable response.
enum Failure {
    Transport(reqwest::Error),
    /// The client's own timer expired (the head of a streamed response).
    TimedOut,
    /// The body is over the limit (announced in `Content-Length`, or while reading).
    TooLarge {
        status: StatusCode,
        declared: Option<u64>,
    },
}

/// The response of one attempt.
enum Reply {
    /// A status the call returns (2xx, or a documented redirect).
    Accepted {
        status: StatusCode,
        headers: HeaderMap,
        body: Payload,
    },
    /// Any other status, with its body read (for the [`ApiError`]).
    Refused {
        status: StatusCode,
        headers: HeaderMap,
        body: Vec<u8>,
    },
}

/// The body of an accepted response.
enum Payload {
    Read(Vec<u8>),
    /// Still arriving: for a streamed call.
    Live(reqwest::Response),
}

impl From<reqwest::Error> for Failure {
    fn from(error: reqwest::Error) -> Self {
        Failure::Transport(error)
    }
}

/// Sends one attempt and reads the whole response (within the builder's timeout).
async fn receive(
    builder: reqwest::RequestBuilder,
    limit: u64,
    accepts: impl Fn(StatusCode) -> bool,
) -> Result<Reply, Failure> {
    let mut response = builder.send().await?;
    let status = response.status();
    // Taken, not cloned: reading the body does not need them.
    let headers = std::mem::take(response.headers_mut());
    let body = read_body(response, status, limit).await?;
    Ok(match accepts(status) {
        true => Reply::Accepted {
            status,
            headers,
            body: Payload::Read(body),
        },
        false => Reply::Refused {
            status,
            headers,
            body,
        },
    })
}

/// Sends one attempt of a streamed call: an accepted response is returned as soon as its head
/// arrives, any other is read in full; both within `timeout`, timed here (the stream times its
/// reads itself).
async fn receive_head(
    builder: reqwest::RequestBuilder,
    limit: u64,
    accepts: impl Fn(StatusCode) -> bool,
    timeout: Duration,
) -> Result<Reply, Failure> {
    let deadline = super::stream::deadline(timeout);
    let mut response = tokio::time::timeout_at(deadline, builder.send())
        .await
        .map_err(|_| Failure::TimedOut)??;
    let status = response.status();
    if accepts(status) {
        return Ok(Reply::Accepted {
            status,
            headers: response.headers().clone(),
            body: Payload::Live(response),
        });
    }
    let headers = std::mem::take(response.headers_mut());
    let body = tokio::time::timeout_at(deadline, read_body(response, status, limit))
        .await
        .map_err(|_| Failure::TimedOut)??;
    Ok(Reply::Refused {
        status,
        headers,
        body,
    })
}

/// The whole body of `response`, at most `limit` bytes: a larger `Content-Length` is refused
/// before reading, and reading stops at the limit.
async fn read_body(
    mut response: reqwest::Response,
    status: StatusCode,
    limit: u64,
) -> Result<Vec<u8>, Failure> {
    let declared = response.content_length();
    if declared.is_some_and(|length| length > limit) {
        return Err(Failure::TooLarge { status, declared });
    }
    // Preallocate what was announced, within reason (the announcement may be a lie).
    let capacity = declared.unwrap_or(0).min(limit).min(1 << 20);
    let mut body = Vec::with_capacity(usize::try_from(capacity).unwrap_or(0));
    while let Some(chunk) = response.chunk().await? {
        if (body.len() + chunk.len()) as u64 > limit {
            return Err(Failure::TooLarge { status, declared });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        f.debug_struct("Client")
            .field("base_url", &inner.base_url)
            .field("credentials", &inner.credentials)
            .field("timeout", &inner.timeout)
            .field("operation_timeout", &inner.operation_timeout)
            .field("max_retries", &inner.max_retries)
            .field("max_response_bytes", &inner.max_response_bytes)
            .field("user_agent", &inner.user_agent)
            .finish_non_exhaustive()
    }
}

/// Configures a [`Client`]. Every setting has a default; usually only credentials are needed.
///
/// Several clients can share one connection pool, even clients of different generated crates
/// in one program: build a `reqwest::Client` once and give each builder a clone of it with
/// [`ClientBuilder::http_client`].
#[derive(Clone)]
pub struct ClientBuilder {
    service: &'static Service,
    credentials: Credentials,
    base_url: String,
    timeout: Duration,
    operation_timeout: Option<Duration>,
    max_retries: u32,
    backoff: Backoff,
    max_response_bytes: u64,
    user_agent: String,
    http_client: Option<reqwest::Client>,
    #[cfg(any(feature = "rustls", feature = "rustls-ring", feature = "native-tls"))]
    root_certificates: Vec<reqwest::Certificate>,
}

impl ClientBuilder {
    /// A builder of a client of `service`, with every setting at its default (the base URL
    /// [`Service::default_base_url`]).
    ///
    /// The generated crate's `Client::builder` calls this with its own [`Service`].
    #[doc(hidden)]
    pub fn for_service(service: &'static Service) -> Self {
        ClientBuilder {
            service,
            credentials: Credentials::default(),
            base_url: service.default_base_url.to_owned(),
            timeout: DEFAULT_TIMEOUT,
            operation_timeout: None,
            max_retries: DEFAULT_MAX_RETRIES,
            backoff: DEFAULT_BACKOFF,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            http_client: None,
            #[cfg(any(feature = "rustls", feature = "rustls-ring", feature = "native-tls"))]
            root_certificates: Vec::new(),
        }
    }

    /// The API token, sent as `Authorization: Bearer <token>`: the same as
    /// `credential("token", token)`.
    pub fn token(self, token: impl Into<String>) -> Self {
        self.credential(TOKEN, token)
    }

    /// Sets the credential `name` (the crate's `CREDENTIAL_ENV` lists the names this API uses;
    /// a `user:password` pair for HTTP basic authentication). Each operation uses the first
    /// set of credentials it accepts that the client has; without one, it fails with
    /// [`Error::InvalidRequest`] before sending anything.
    pub fn credential(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.credentials.0.insert(name, value.into());
        self
    }

    /// The URL that operation paths are appended to (default: the crate's
    /// `DEFAULT_BASE_URL`). A trailing slash is ignored.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }
    /// How long one attempt may take, from connecting until the whole body is read
    /// (default 60 seconds). Each retry gets the full timeout again, within the
    /// [operation timeout](ClientBuilder::operation_timeout).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long a call may take in all, every attempt and the waits between them included
    /// (default: no limit but the per-attempt [timeout](ClientBuilder::timeout) and the
    /// retries). An attempt still running then is cut short, and no retry starts that would
    /// begin after it: the call fails with [`Error::Timeout`] saying that the operation
    /// timeout elapsed. A streamed call is bounded until its response head arrives.
    /// [`Call::operation_timeout`](super::Call::operation_timeout) sets it per call.
    pub fn operation_timeout(mut self, operation_timeout: Duration) -> Self {
        self.operation_timeout = Some(operation_timeout);
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

    /// The largest response body read, in bytes (default 32 MiB). A larger `Content-Length`
    /// is refused before the body is read, and reading stops at the limit, so a huge or
    /// endless body cannot exhaust memory: the call fails with [`Error::ResponseTooLarge`].
    pub fn max_response_bytes(mut self, max_response_bytes: u64) -> Self {
        self.max_response_bytes = max_response_bytes;
        self
    }

    /// The `User-Agent` header (default `<crate name>/<crate version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Sends requests with this `reqwest` client (its proxy, TLS and pool settings) instead of
    /// a default one. The timeout, headers, retries and body limit above still apply; its
    /// redirect policy replaces the default one (never follow), so give it
    /// `redirect::Policy::none()` unless you trust every host the API might redirect to.
    ///
    /// A `reqwest::Client` is a handle to its connection pool: clients built with clones of
    /// one (of this API, or of other generated crates in the same program) share that pool.
    pub fn http_client(mut self, http_client: reqwest::Client) -> Self {
        self.http_client = Some(http_client);
        self
    }

    /// Also trusts servers whose certificate chain ends at `certificate`, beside the system's
    /// roots: a company's proxy or internal CA, or a test server's own certificate. Build it
    /// with `reqwest::Certificate::from_pem` (or `from_der`); this crate re-exports
    /// `reqwest`. Call it once per certificate.
    ///
    /// It configures the client's own `reqwest::Client`: with
    /// [`http_client`](ClientBuilder::http_client), give that client its roots instead
    /// ([`build`](ClientBuilder::build) refuses both). Needs one of the TLS features
    /// (`rustls`, `rustls-ring`, `native-tls`).
    #[cfg(any(feature = "rustls", feature = "rustls-ring", feature = "native-tls"))]
    pub fn add_root_certificate(mut self, certificate: reqwest::Certificate) -> Self {
        self.root_certificates.push(certificate);
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
        let server = (
            parsed.host_str().unwrap_or_default().to_owned(),
            parsed.port_or_known_default(),
        );
        let mut credentials = Credentials::default();
        for (name, value) in self.credentials.0 {
            let value = value.trim();
            if value.is_empty() {
                return Err(Error::config(format!("the credential `{name}` is empty")));
            }
            if value.chars().any(char::is_control) {
                return Err(Error::config(format!(
                    "the credential `{name}` contains control characters (such as a line break)"
                )));
            }
            credentials.0.insert(name, value.to_owned());
        }
        let user_agent = HeaderValue::try_from(self.user_agent).map_err(|_| {
            Error::config("the user agent contains characters not allowed in a header")
        })?;
        let http = match self.http_client {
            #[cfg(any(feature = "rustls", feature = "rustls-ring", feature = "native-tls"))]
            Some(_) if !self.root_certificates.is_empty() => {
                return Err(Error::config(
                    "`add_root_certificate` configures the client's own `reqwest::Client`, and \
                     `http_client` replaces it: add the certificate to that client instead \
                     (`reqwest::ClientBuilder::tls_certs_merge`)",
                ));
            }
            Some(http) => http,
            None if !HAS_TLS && parsed.scheme() == "https" => {
                return Err(Error::config(format!(
                    "the base URL `{base_url}` needs TLS, and this build has none: enable one of \
                     the crate's features `rustls`, `rustls-ring` or `native-tls`, or give a \
                     `reqwest::Client` with TLS to `ClientBuilder::http_client`"
                )));
            }
            None => {
                let http = default_http_client();
                #[cfg(any(feature = "rustls", feature = "rustls-ring", feature = "native-tls"))]
                let http = match self.root_certificates {
                    roots if roots.is_empty() => http,
                    roots => http.tls_certs_merge(roots),
                };
                http.build().map_err(|error| {
                    Error::config(format!("cannot create the HTTP client: {error}"))
                })?
            }
        };
        Ok(Client {
            inner: Arc::new(Inner {
                service: self.service,
                http,
                base_url,
                credentials,
                user_agent,
                timeout: self.timeout,
                operation_timeout: self.operation_timeout,
                max_retries: self.max_retries,
                backoff: self.backoff,
                max_response_bytes: self.max_response_bytes,
                server,
                #[cfg(feature = "blocking")]
                blocking: super::call::BlockingRuntime::default(),
            }),
        })
    }
}

/// Whether the client's own `reqwest::Client` has a TLS stack (the crate's features choose
/// it); without one, a `reqwest::Client` of the user's serves `https://`.
const HAS_TLS: bool = cfg!(any(
    feature = "rustls",
    feature = "rustls-ring",
    feature = "native-tls"
));

/// The `reqwest::Client` of a client not given one, to be built.
fn default_http_client() -> reqwest::ClientBuilder {
    // reqwest's `rustls-no-provider` uses rustls's process-wide default crypto provider: ring,
    // unless the program installed another (then `install_default` leaves it).
    #[cfg(all(feature = "rustls-ring", not(feature = "rustls")))]
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        // Never follow: a redirect could carry credentials (query parameters included) to
        // another host.
        .redirect(reqwest::redirect::Policy::none())
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("credentials", &self.credentials)
            .field("timeout", &self.timeout)
            .field("operation_timeout", &self.operation_timeout)
            .field("max_retries", &self.max_retries)
            .field("backoff", &self.backoff)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("user_agent", &self.user_agent)
            .field("http_client", &self.http_client.is_some())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64() {
        for (input, output) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("user:pässword~?", "dXNlcjpww6Rzc3dvcmR+Pw=="),
        ] {
            assert_eq!(super::base64(input.as_bytes()), output);
        }
    }
}
