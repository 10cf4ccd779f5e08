//! Requests the spec does not describe: [`Client::request`] sends any method to any path of
//! the API, with the client's base URL, credentials, retries and limits.

use std::borrow::Cow;
use std::fmt;

use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::call::Decoder;
use super::client::CallOptions;
use super::request::{Body, QueryStyle, fill_path, push_param, to_value};
use super::{
    Auth, ByteStream, Call, Client, Error, EventStream, JsonLines, RawResponse, Request, Upload,
};

impl Client {
    /// A request for an endpoint the spec does not describe: `method` on `path`, relative to
    /// the client's base URL (`/accounts/{account_id}/tokens`; a missing leading `/` is added).
    ///
    /// Put values into the path with `{name}` placeholders and [`RawRequest::path_param`],
    /// which percent-encodes each value so that it stays one path segment (and keeps it out of
    /// traces, which record the path as given); the rest of `path` is sent as written. Add
    /// [`query`](RawRequest::query) parameters, [`header`](RawRequest::header)s and a
    /// [`json`](RawRequest::json) body (or an [`upload`](RawRequest::upload)), then
    /// [`send`](RawRequest::send) it for the [`RawResponse`], or
    /// [`send_json`](RawRequest::send_json) to decode a JSON answer; streams come from
    /// [`send_events`](RawRequest::send_events),
    /// [`send_json_lines`](RawRequest::send_json_lines) and
    /// [`send_bytes`](RawRequest::send_bytes).
    ///
    /// It goes out exactly as an operation's request does: through the same retries (by the
    /// same rule: `POST` and `PATCH` only when the server provably did not act), timeouts,
    /// response size limit and tracing, with the `Accept: application/json` and `User-Agent`
    /// headers. A status other than 2xx is an [`Error::Api`], as for operations.
    ///
    /// Credentials: by default those of the spec's global `security`, as for an operation
    /// that declares none of its own: the first alternative the client has every credential of
    /// is sent, and when it has none, the request is refused before sending (unless the spec
    /// allows anonymous access). [`RawRequest::auth`] chooses others, or none.
    ///
    /// ```ignore
    /// let response = client
    ///     .request(Method::GET, "/accounts/{account_id}/tokens/verify")
    ///     .path_param("account_id", account_id)
    ///     .query("per_page", &50)
    ///     .send()
    ///     .await?;
    /// println!("{} {}", response.status(), response.text());
    /// ```
    pub fn request(&self, method: Method, path: impl Into<String>) -> RawRequest {
        RawRequest {
            client: self.clone(),
            method,
            path: path.into(),
            path_params: Vec::new(),
            query: Vec::new(),
            body: None,
            auth: self.default_auth(),
            accept: None,
            options: CallOptions::default(),
            problem: None,
        }
    }
}

/// A request for an endpoint the spec does not describe, from [`Client::request`]; sent with
/// [`RawRequest::send`] or [`RawRequest::send_json`]. A problem with a parameter (a value that
/// does not serialize, an invalid header) fails it with [`Error::InvalidRequest`] when it is
/// sent, before anything goes out.
#[must_use = "a request does nothing until it is sent and awaited"]
pub struct RawRequest {
    client: Client,
    method: Method,
    /// The path as given, placeholders unfilled.
    path: String,
    path_params: Vec<(String, String)>,
    /// Encoded `name=value` pairs.
    query: Vec<String>,
    body: Option<Body>,
    auth: &'static [&'static [Auth]],
    /// The `Accept` of the kind of answer asked for (`application/json` by default).
    accept: Option<&'static str>,
    options: CallOptions,
    /// The first problem with a parameter, reported when the request is sent.
    problem: Option<String>,
}

impl RawRequest {
    /// Replaces the placeholder `{name}` of the path with `value`, percent-encoded so that it
    /// stays within its path segment (`a/b c` becomes `a%2Fb%20c`). An empty value, `.` and
    /// `..` are refused, as are placeholders left without a value.
    pub fn path_param(mut self, name: impl Into<String>, value: impl fmt::Display) -> Self {
        self.path_params.push((name.into(), value.to_string()));
        self
    }

    /// Adds the query parameter `name` with `value`, percent-encoded, written as an OpenAPI
    /// `form` parameter: `None` adds nothing, a list repeats the name (`id=1&id=2`), and an
    /// object's fields become parameters of their own. Parameters go out in the order they were
    /// added.
    pub fn query<T: Serialize + ?Sized>(mut self, name: &str, value: &T) -> Self {
        match to_value(value, || format!("query parameter `{name}`")) {
            Ok(value) => push_param(&mut self.query, name, &value, QueryStyle::Form),
            Err(error) => self.fail(error),
        }
        self
    }

    /// Adds the header `name: value`, replacing a header of the same name the request would
    /// send (`Accept`, or the body's `Content-Type`), but never the credentials. The value is
    /// marked sensitive, so it is never shown.
    pub fn header(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        self.options.add_header(name.as_ref(), value.as_ref());
        self
    }

    /// Sends `body` as JSON (`Content-Type: application/json`).
    pub fn json<T: Serialize + ?Sized>(mut self, body: &T) -> Self {
        match serde_json::to_vec(body) {
            Ok(bytes) => self.body = Some(Body::bytes(Cow::Borrowed("application/json"), bytes)),
            Err(error) => self.fail(Error::invalid_request(format!(
                "cannot serialize the request body: {error}"
            ))),
        }
        self
    }

    /// Sends `bytes` as they are, with `Content-Type: <content_type>`.
    pub fn body(mut self, content_type: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        self.body = Some(Body::bytes(Cow::Owned(content_type.into()), bytes.into()));
        self
    }

    /// Sends the content of `upload` as the body, with `Content-Type: <content_type>` (or the
    /// upload's own media type, when it has one): a file or reader is read as it is sent, not
    /// into memory (see [`Upload`] for retries).
    pub fn upload(mut self, content_type: impl Into<String>, upload: Upload) -> Self {
        self.body = Some(Body::upload(Cow::Owned(content_type.into()), &upload));
        self
    }

    /// The credentials to send instead of those of the spec's global `security`: any one inner
    /// list is enough (the first the client has every credential of is sent), and every
    /// scheme of that list is sent. `&[]` sends none.
    ///
    /// ```ignore
    /// // Only the API token, as `Authorization: Bearer <token>`.
    /// const TOKEN_ONLY: &[&[Auth]] = &[&[Auth::bearer()]];
    /// let response = client.request(Method::GET, "/user").auth(TOKEN_ONLY).send().await?;
    /// // No credentials at all.
    /// let public = client.request(Method::GET, "/ips").auth(&[]).send().await?;
    /// ```
    pub fn auth(mut self, alternatives: &'static [&'static [Auth]]) -> Self {
        self.auth = alternatives;
        self
    }

    /// The request as a [`Call`] returning the [`RawResponse`] (status, headers, body): sent
    /// when it is awaited (or spawned), and, like every call, `Send` and `'static`, with the
    /// per-call settings of [`Call`] ([`Call::timeout`], [`Call::max_retries`],
    /// [`Call::header`], [`Call::with_response`]).
    pub fn send(self) -> Call<RawResponse> {
        self.into_call(Decoder::Whole(Ok))
    }

    /// The request as a [`Call`] decoding the JSON body of the response into `T` (a failure is
    /// an [`Error::Decode`] naming the field).
    pub fn send_json<T: DeserializeOwned>(self) -> Call<T> {
        self.into_call(Decoder::Whole(RawResponse::into_json::<T>))
    }

    /// The request as a streamed [`Call`] (see [`Call::stream`]) returning server-sent
    /// events whose data is the JSON of a `T` ([`EventStream::data`]), with
    /// `Accept: text/event-stream`.
    pub fn send_events<T: DeserializeOwned + Send + 'static>(mut self) -> Call<EventStream<T>> {
        self.accept = Some("text/event-stream");
        self.into_call(Decoder::Streamed(EventStream::<T>::data))
    }

    /// The request as a streamed [`Call`] returning JSON lines (or a JSON text sequence), each
    /// decoded into a `T` ([`JsonLines::new`]).
    pub fn send_json_lines<T: DeserializeOwned + Send + 'static>(mut self) -> Call<JsonLines<T>> {
        self.accept =
            Some("application/x-ndjson, application/jsonl, application/json-seq, application/json");
        self.into_call(Decoder::Streamed(JsonLines::<T>::new))
    }

    /// The request as a streamed [`Call`] returning the body piece by piece
    /// ([`ByteStream`]), with `Accept: */*`: for downloads of any size.
    pub fn send_bytes(mut self) -> Call<ByteStream> {
        self.accept = Some("*/*");
        self.into_call(Decoder::Streamed(ByteStream::new))
    }

    /// Remembers the first problem, to fail the request with when it is sent.
    fn fail(&mut self, error: Error) {
        if self.problem.is_none() {
            self.problem = Some(match error {
                Error::InvalidRequest { message } => message,
                other => other.to_string(),
            });
        }
    }

    fn into_call<T>(mut self, decode: Decoder<T>) -> Call<T> {
        let request = self.build();
        Call::from_parts(self.client, None, request, self.options, decode)
    }

    /// The request to send, or why it cannot be sent.
    fn build(&mut self) -> Result<Request, Error> {
        let shown = format!("{} {}", self.method, self.path);
        let problem = self.problem.take().or_else(|| self.options.invalid.take());
        if let Some(problem) = problem {
            return Err(Error::invalid_request(format!("{shown}: {problem}")));
        }
        if self.path.contains(['?', '#']) {
            return Err(Error::invalid_request(format!(
                "{shown}: the path must not have a query or fragment: add query parameters \
                 with `RawRequest::query`"
            )));
        }
        let template = match self.path.starts_with('/') {
            true => std::mem::take(&mut self.path),
            false => format!("/{}", self.path),
        };
        let params = &self.path_params;
        let path = fill_path(&template, |name| {
            params
                .iter()
                .find(|(param, _)| param == name)
                .map(|(_, value)| value.clone())
        })
        .map_err(|error| match error {
            Error::InvalidRequest { message } => {
                Error::invalid_request(format!("{} {template}: {message}", self.method))
            }
            other => other,
        })?;
        let mut request = Request::with_path(self.method.clone(), Cow::Owned(template), path);
        request.query = std::mem::take(&mut self.query);
        request.body = self.body.take();
        request.auth = self.auth;
        request.accept = self.accept;
        Ok(request)
    }
}

impl fmt::Debug for RawRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("client", &self.client)
            .finish_non_exhaustive()
    }
}
