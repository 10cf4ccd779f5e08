//! The error type of every client call, and the details of an error response.

use std::fmt;
use std::time::{Duration, SystemTime};

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::client::Service;
use super::retry;

/// Longest body excerpt shown in an error message, in characters.
const SNIPPET_CHARS: usize = 200;

/// Why a call failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The client could not be configured: a missing token variable, a bad base URL, ...
    #[error("invalid client configuration: {message}")]
    #[non_exhaustive]
    Config {
        /// What is wrong, naming the setting or environment variable.
        message: String,
    },
    /// The request was refused before anything was sent (e.g. an empty path parameter, or no
    /// token for an operation that needs one).
    #[error("invalid request: {message}")]
    #[non_exhaustive]
    InvalidRequest {
        /// What is wrong, naming the parameter.
        message: String,
    },
    /// No response: the connection could not be made or broke off (also while a streamed
    /// response was being read).
    #[error("{method} {url}: connection failed: {}{}", root_cause(.source), attempts_note(*.attempts, .earlier, *.not_retried))]
    #[non_exhaustive]
    Connection {
        /// Method of the request.
        method: Method,
        /// URL of the request.
        url: String,
        /// How many times the request was sent.
        attempts: u32,
        /// What the attempts before the last one ended with (empty without retries).
        earlier: Vec<Attempt>,
        /// Why the request was not sent again although the rule allowed it (its body was
        /// read from a stream and cannot be sent again).
        not_retried: Option<&'static str>,
        /// The transport error.
        #[source]
        source: reqwest::Error,
    },
    /// No complete response within the per-attempt timeout; for a streamed response, no
    /// response head within it, or no data for that long once the stream is open (`idle`); or
    /// no successful response within the call's operation timeout (`total`).
    #[error("{method} {url}: {}{}", timeout_what(*.idle, *.total, *.timeout), attempts_note(*.attempts, .earlier, *.not_retried))]
    #[non_exhaustive]
    Timeout {
        /// Method of the request.
        method: Method,
        /// URL of the request.
        url: String,
        /// The per-attempt timeout that expired.
        timeout: Duration,
        /// How many times the request was sent.
        attempts: u32,
        /// What the attempts before the last one ended with (empty without retries).
        earlier: Vec<Attempt>,
        /// Why the request was not sent again although the rule allowed it (its body was
        /// read from a stream and cannot be sent again).
        not_retried: Option<&'static str>,
        /// Whether an open stream received no data for `timeout` (rather than no response).
        idle: bool,
        /// Whether `timeout` is the call's operation timeout, which bounds every attempt and
        /// the waits between them
        /// ([`ClientBuilder::operation_timeout`](super::ClientBuilder::operation_timeout)),
        /// rather than one attempt's: it elapsed, or too little of it was left for a retry.
        total: bool,
        /// The transport error; `None` when the client's own timer expired (the head of a
        /// streamed response, or the idle time of an open stream).
        #[source]
        source: Option<reqwest::Error>,
    },
    /// The response body is larger than [`super::ClientBuilder::max_response_bytes`]; reading
    /// stopped at the limit (also [`super::ByteStream::collect`]).
    #[error("{method} {url}: the {status} response body exceeds the limit of {limit} bytes{}{}", declared_note(*.declared), attempts_note(*.attempts, .earlier, None))]
    #[non_exhaustive]
    ResponseTooLarge {
        /// Method of the request.
        method: Method,
        /// URL of the request.
        url: String,
        /// Status of the response.
        status: StatusCode,
        /// The limit, in bytes.
        limit: u64,
        /// The size the server announced in `Content-Length`, if it did.
        declared: Option<u64>,
        /// How many times the request was sent.
        attempts: u32,
        /// What the attempts before the last one ended with (empty without retries).
        earlier: Vec<Attempt>,
    },
    /// The server answered with a status other than 2xx (also for [`super::Call::raw`] and
    /// [`super::Client::request`]). `Error::from(api_error)` makes one.
    #[error(transparent)]
    Api(Box<ApiError>),
    /// A 2xx response whose body does not match the expected schema; in a stream, an item (an
    /// event, a line) that does not (`item` says which).
    #[error(
        "{method} {url}: cannot decode {}the {status} response at `{path}`: {source}; {}: {body}",
        item_note(.item.as_deref().map(String::as_str)), if .item.is_some() { "data" } else { "body" }
    )]
    #[non_exhaustive]
    Decode {
        /// Method of the request.
        method: Method,
        /// URL of the request.
        url: String,
        /// Status of the response.
        status: StatusCode,
        /// Path of the field that failed, e.g. `data.created_at` (`.` for the whole body).
        path: String,
        /// An excerpt of the body, on one line, near the place that failed; followed by
        /// `(Content-Type: ..., not JSON)` when the server said the body is something else
        /// (e.g. an HTML page from a proxy).
        body: String,
        /// The JSON error.
        #[source]
        source: serde_json::Error,
        /// How many times the request was sent (more than 1 when it was retried before the
        /// 2xx response came).
        attempts: u32,
        /// The item of a streamed response that failed, e.g. ``event `delta` (id 7)`` or
        /// `line 3`; `None` for a whole body. (Boxed: it keeps every `Result` of the crate
        /// small.)
        item: Option<Box<String>>,
    },
    /// A streamed response the client cannot read as asked: its `Content-Type` is not what was
    /// asked for (such as JSON answering a request for server-sent events), or it ended in the
    /// middle of an event or line.
    #[error("{method} {url}: {message}")]
    #[non_exhaustive]
    Stream {
        /// Method of the request.
        method: Method,
        /// URL of the request.
        url: String,
        /// Status of the response.
        status: StatusCode,
        /// What is wrong.
        message: String,
        /// How many times the request was sent.
        attempts: u32,
    },
    /// The server reported an error inside a streamed 2xx response: a server-sent event named
    /// `error`, or an item whose data does not decode but is a JSON object with an `error`
    /// member. Unless the stream was told to stop on errors, the next items still follow.
    #[error("{method} {url}: the stream reported an error in {item}: {}", error_event_text(.data))]
    #[non_exhaustive]
    ErrorEvent {
        /// Method of the request.
        method: Method,
        /// URL of the request.
        url: String,
        /// Status of the response.
        status: StatusCode,
        /// Which item, e.g. ``event `error` (id 7)`` or `line 3`.
        item: String,
        /// The item's data, whole (the message shows the error message it holds, read as
        /// [`ApiError::message`] reads a body, and an excerpt).
        data: String,
        /// How many times the request was sent.
        attempts: u32,
    },
    /// A local file or writer failed: a streamed download could not be written
    /// ([`super::ByteStream::save`], [`super::ByteStream::copy_to`]).
    #[error("{message}: {source}")]
    #[non_exhaustive]
    Io {
        /// What failed, e.g. ``cannot write `out.bin` ``.
        message: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    pub(super) fn config(message: impl Into<String>) -> Error {
        Error::Config {
            message: message.into(),
        }
    }

    pub(super) fn invalid_request(message: impl Into<String>) -> Error {
        Error::InvalidRequest {
            message: message.into(),
        }
    }

    /// The HTTP status, if the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::Decode { status, .. }
            | Error::Stream { status, .. }
            | Error::ErrorEvent { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Whether the request timed out.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. })
    }

    /// Whether no connection could be made or it broke off.
    pub fn is_connection(&self) -> bool {
        matches!(self, Error::Connection { .. })
    }

    /// The error response, if the server answered with a status other than 2xx.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(api) => Some(api),
            _ => None,
        }
    }

    /// How many times the request was sent: 0 when it was refused before sending, more than 1
    /// when it was retried (also when a retry brought the 2xx response that did not decode).
    pub fn attempts(&self) -> u32 {
        match self {
            Error::Config { .. } | Error::InvalidRequest { .. } | Error::Io { .. } => 0,
            Error::Connection { attempts, .. }
            | Error::Timeout { attempts, .. }
            | Error::ResponseTooLarge { attempts, .. }
            | Error::Decode { attempts, .. }
            | Error::Stream { attempts, .. }
            | Error::ErrorEvent { attempts, .. } => *attempts,
            Error::Api(api) => api.attempts,
        }
    }

    /// What each attempt before the last one ended with, oldest first (empty when the request
    /// was sent at most once).
    pub fn earlier_attempts(&self) -> &[Attempt] {
        match self {
            Error::Connection { earlier, .. }
            | Error::Timeout { earlier, .. }
            | Error::ResponseTooLarge { earlier, .. } => earlier,
            Error::Api(api) => &api.earlier,
            _ => &[],
        }
    }
}

/// An error response as an [`Error`] (`Error::Api`): with `ApiError::new`, how a test double
/// of the client fails the way the API does.
impl From<ApiError> for Error {
    fn from(error: ApiError) -> Error {
        Error::Api(Box::new(error))
    }
}

/// What one attempt of a retried call ended with (see [`Error::earlier_attempts`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Attempt {
    /// 1 for the first attempt.
    pub number: u32,
    /// The status, when the server answered.
    pub status: Option<StatusCode>,
    /// What happened, e.g. `503 Service Unavailable` or `connection failed: connection refused`.
    pub outcome: String,
    /// How long the attempt took.
    pub elapsed: Duration,
}

impl fmt::Display for Attempt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "attempt {}: {}", self.number, self.outcome)
    }
}

/// An error response (any status other than 2xx), with what could be read from its body.
///
/// The code and message are read from the common JSON envelopes: `{"error": {"code",
/// "message"}}`, `{"errors": [{"code", "message"}, ...]}` (the first entry, counting the
/// others), and top-level `code`/`message`. [`ApiError::body_as`] decodes the body into the
/// operation's error schema.
///
/// Tests of code that handles errors can make one with the crate's `ApiError::new` (status,
/// headers, body), and turn it into the [`Error::Api`] of a failed call with `Error::from`.
#[derive(Debug, Clone)]
pub struct ApiError {
    method: Method,
    url: String,
    status: StatusCode,
    headers: HeaderMap,
    body: String,
    code: Option<i64>,
    message: Option<String>,
    more_errors: usize,
    attempts: u32,
    earlier: Vec<Attempt>,
    /// Why the request was not sent again although the retry rule allowed it.
    not_retried: Option<&'static str>,
    /// The header that identifies the request (see [`ApiError::request_id`]).
    request_id_header: Option<&'static str>,
}

impl ApiError {
    /// An error response of `service`'s API with this status, headers and body, as the client
    /// makes of one (the code and message read from the body), for tests of code that handles
    /// errors. The generated crate's `ApiError::new` calls this with its own [`Service`], whose
    /// request id header [`ApiError::request_id`] reads.
    #[doc(hidden)]
    pub fn for_service(
        service: &'static Service,
        status: StatusCode,
        headers: HeaderMap,
        body: &[u8],
    ) -> ApiError {
        ApiError::from_response(
            Method::GET,
            String::new(),
            status,
            headers,
            body,
            1,
            service.request_id_header,
        )
    }

    /// The request this error answers, for messages: its method and URL (an error made with
    /// `ApiError::new` has `GET` and no URL, and its message starts with the status).
    pub fn with_request(mut self, method: Method, url: impl Into<String>) -> ApiError {
        self.method = method;
        self.url = url.into();
        self
    }

    /// The error a response with `status`, `headers` and `body` is, after `attempts` attempts
    /// of `method` on `url`.
    pub(super) fn from_response(
        method: Method,
        url: String,
        status: StatusCode,
        headers: HeaderMap,
        body: &[u8],
        attempts: u32,
        request_id_header: Option<&'static str>,
    ) -> ApiError {
        let body = String::from_utf8_lossy(body).into_owned();
        let envelope = serde_json::from_str::<Value>(&body)
            .map(|json| Envelope::read(&json))
            .unwrap_or_default();
        ApiError {
            method,
            url,
            status,
            headers,
            body,
            code: envelope.code,
            message: envelope.message,
            more_errors: envelope.more_errors,
            attempts,
            earlier: Vec::new(),
            not_retried: None,
            request_id_header,
        }
    }

    pub(super) fn set_earlier(&mut self, earlier: Vec<Attempt>) {
        self.earlier = earlier;
    }

    pub(super) fn set_not_retried(&mut self, reason: &'static str) {
        self.not_retried = Some(reason);
    }

    /// The HTTP status of the response.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The error code from the body, if any (`error.code` or `errors[0].code`).
    pub fn code(&self) -> Option<i64> {
        self.code
    }

    /// The error message from the body, if any (`error.message` or `errors[0].message`).
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// The response header that identifies the request to the API's operators (the one the
    /// client's API names, such as `x-request-id`), if the API has one and the response has
    /// it. Error messages show it as `[<header> <value>]`.
    pub fn request_id(&self) -> Option<&str> {
        request_id(&self.headers, self.request_id_header)
    }

    /// How long the server asked to wait before retrying (`Retry-After` or `retry-after-ms`).
    pub fn retry_after(&self) -> Option<Duration> {
        retry::retry_after(&self.headers, SystemTime::now())
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The raw response body (invalid UTF-8 replaced by U+FFFD).
    pub fn body(&self) -> &str {
        &self.body
    }

    /// Decodes the body into `T`, typically the operation's documented error schema.
    pub fn body_as<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_str(&self.body)
    }

    /// Method of the request.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// URL of the request.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// How many times the request was sent (more than 1 when it was retried).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// What each attempt before the last one ended with, oldest first.
    pub fn earlier_attempts(&self) -> &[Attempt] {
        &self.earlier
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.url.is_empty() {
            write!(f, "{}", self.status)?;
        } else {
            write!(f, "{} {}: {}", self.method, self.url, self.status)?;
        }
        match (self.code, &self.message) {
            (Some(code), Some(message)) => write!(f, ": error {code}: {message}")?,
            (Some(code), None) => write!(f, ": error {code}")?,
            (None, Some(message)) => write!(f, ": {message}")?,
            (None, None) if !self.body.trim().is_empty() => {
                write!(f, ": {}", snippet(&self.body, 0))?;
            }
            (None, None) => {}
        }
        match self.more_errors {
            0 => {}
            1 => f.write_str(" (and 1 more error)")?,
            n => write!(f, " (and {n} more errors)")?,
        }
        if let (Some(header), Some(id)) = (self.request_id_header, self.request_id()) {
            write!(f, " [{header} {id}]")?;
        }
        if let Some(delay) = self.retry_after() {
            write!(f, " [retry after {}s]", delay.as_secs_f64().ceil())?;
        }
        if self.status.is_redirection() {
            if let Some(location) = self.headers.get("location").and_then(|l| l.to_str().ok()) {
                write!(f, " [redirect to {}, not followed]", snippet(location, 0))?;
            }
        }
        f.write_str(&attempts_note(
            self.attempts,
            &self.earlier,
            self.not_retried,
        ))
    }
}

impl std::error::Error for ApiError {}

/// What the common JSON error envelopes say.
#[derive(Default)]
struct Envelope {
    code: Option<i64>,
    message: Option<String>,
    more_errors: usize,
}

impl Envelope {
    fn read(json: &Value) -> Envelope {
        if let Some(error) = json.get("error").filter(|error| !error.is_null()) {
            return Envelope::entry(error);
        }
        if let Some(Value::Array(errors)) = json.get("errors") {
            if let Some(first) = errors.first() {
                return Envelope {
                    more_errors: errors.len() - 1,
                    ..Envelope::entry(first)
                };
            }
        }
        Envelope::entry(json)
    }

    /// One error entry: an object with `code` and `message`, or a bare string.
    fn entry(entry: &Value) -> Envelope {
        match entry {
            Value::String(message) => Envelope {
                message: Some(message.clone()),
                ..Envelope::default()
            },
            Value::Object(object) => Envelope {
                code: object.get("code").and_then(code),
                message: object
                    .get("message")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                more_errors: 0,
            },
            _ => Envelope::default(),
        }
    }
}

/// An error code given as `404`, `404.0` or `"404"`.
fn code(value: &Value) -> Option<i64> {
    match value {
        Value::Number(number) => number.as_i64().or_else(|| {
            let float = number.as_f64()?;
            let in_range = float.fract() == 0.0 && float.abs() < 9.0e15;
            in_range.then_some(float as i64)
        }),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

/// The value of the response header `header`, if there is one and it is text.
pub(super) fn request_id<'a>(headers: &'a HeaderMap, header: Option<&str>) -> Option<&'a str> {
    headers.get(header?)?.to_str().ok()
}

/// ` (after N attempts; earlier: attempt 1: 503 Service Unavailable, ...)` when the request
/// was retried, else nothing; then why it was not sent again, if it could not be.
pub(super) fn attempts_note(
    attempts: u32,
    earlier: &[Attempt],
    not_retried: Option<&str>,
) -> String {
    let mut note = String::new();
    if attempts > 1 {
        note = format!(" (after {attempts} attempts");
        for (i, attempt) in earlier.iter().enumerate() {
            note.push_str(if i == 0 { "; earlier: " } else { ", " });
            note.push_str(&attempt.to_string());
        }
        note.push(')');
    }
    if let Some(reason) = not_retried {
        note.push_str(&format!(" (not sent again: {reason})"));
    }
    note
}

/// What did not come in time.
fn timeout_what(idle: bool, total: bool, timeout: Duration) -> String {
    match (idle, total) {
        (true, _) => format!("no data from the open stream within {timeout:?}"),
        (false, true) => format!(
            "the operation timeout of {timeout:?} elapsed (or left too little time for another \
             attempt) before a successful response"
        ),
        (false, false) => format!("no complete response within {timeout:?}"),
    }
}

/// ``event `delta` of `` before "the 200 response" in decode errors of streams.
fn item_note(item: Option<&str>) -> String {
    item.map_or_else(String::new, |item| format!("{item} of "))
}

/// The code and message of an error event's data when it has them (read as [`ApiError`]
/// reads a body: `{"error": {"code", "message"}}`, `{"error": "text"}`, ...), then its data.
fn error_event_text(data: &str) -> String {
    let envelope = serde_json::from_str::<Value>(data)
        .map(|json| Envelope::read(&json))
        .unwrap_or_default();
    let mut text = match (envelope.code, envelope.message) {
        (Some(code), Some(message)) => format!("error {code}: {message}; "),
        (Some(code), None) => format!("error {code}; "),
        (None, Some(message)) => format!("{message}; "),
        (None, None) => String::new(),
    };
    text.push_str("data: ");
    text.push_str(&snippet(data, 0));
    text
}

/// ` (Content-Length: N)` when the server announced the size.
fn declared_note(declared: Option<u64>) -> String {
    declared.map_or_else(String::new, |n| format!(" (Content-Length: {n})"))
}

/// The innermost error of a chain, which says what actually went wrong.
pub(super) fn root_cause(error: &reqwest::Error) -> String {
    let mut cause: &dyn std::error::Error = error;
    while let Some(source) = cause.source() {
        cause = source;
    }
    cause.to_string()
}

/// Up to [`SNIPPET_CHARS`] characters of `text` around byte offset `near`, with whitespace
/// collapsed so that the excerpt fits on one line. `…` marks cut ends.
pub(super) fn snippet(text: &str, near: usize) -> String {
    let flat = collapse_whitespace(text);
    let len = flat.chars().count();
    if len <= SNIPPET_CHARS {
        return flat;
    }
    let mut boundary = near.min(text.len());
    while !text.is_char_boundary(boundary) {
        boundary -= 1;
    }
    let near = collapse_whitespace(&text[..boundary]).chars().count();
    let start = if near < SNIPPET_CHARS {
        0
    } else {
        (near - SNIPPET_CHARS / 2).min(len - SNIPPET_CHARS)
    };
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.extend(flat.chars().skip(start).take(SNIPPET_CHARS));
    if start + SNIPPET_CHARS < len {
        out.push('…');
    }
    out
}

fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
