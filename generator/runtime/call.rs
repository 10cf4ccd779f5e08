//! One operation call before it is sent: per-call options, the undecoded response, and
//! sending without an async runtime.

use std::fmt;
use std::future::IntoFuture;
use std::ops::Deref;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use super::client::{CallOptions, Service};
use super::{Client, Error, RawResponse, Request, StreamResponse};

/// Turns the response of a call into its result: the only part of a call that depends on the
/// operation's output type.
pub type Decode<T> = fn(RawResponse) -> Result<T, Error>;

/// Turns a streamed response (its body still arriving) into the call's result, such as an
/// [`EventStream`](super::EventStream): the decoder of a [`Call::stream`].
pub type Open<T> = fn(StreamResponse) -> Result<T, Error>;

/// How a call reads its response.
pub(super) enum Decoder<T> {
    /// Read in full, then decoded.
    Whole(Decode<T>),
    /// Handed over as soon as its head arrives.
    Streamed(Open<T>),
}

/// A call of one operation, ready to send: `.await` it for the decoded result.
///
/// A call is a builder: its per-call settings ([`Call::timeout`],
/// [`Call::operation_timeout`], [`Call::max_retries`], [`Call::header`]) and its other forms
/// ([`Call::with_response`], which also returns the status, headers, request id and attempt
/// count, and [`Call::raw`], which returns the response undecoded) are methods of the call,
/// and nothing is sent until it is awaited (`IntoFuture`). Once awaited it is a future, which
/// has none of them: no setting can come too late.
///
/// The call owns what it needs (a clone of the [`Client`], which shares the client's
/// configuration and connection pool, and the encoded request), and so does its future
/// ([`Call::send`], a [`CallFuture`]): both are `Send` and `'static`, so they can be returned
/// from a function that made the client, stored, or handed to `tokio::spawn`. The client sends
/// with `reqwest`, which needs the tokio runtime.
///
// The method exists only with the feature, and so can only be linked to with it.
#[cfg_attr(
    feature = "blocking",
    doc = "With the `blocking` feature, [`Call::send_blocking`] sends it without an async runtime."
)]
#[cfg_attr(
    not(feature = "blocking"),
    doc = "With the `blocking` feature, `Call::send_blocking` sends it without an async runtime."
)]
///
/// ```ignore
/// let participant = client
///     .meetings()
///     .get_meeting_participant(&request)
///     .timeout(Duration::from_secs(5))
///     .await?;
/// // Or elsewhere: the call's future owns what it needs.
/// let task = tokio::spawn(client.meetings().get_meeting_participant(&request).send());
/// ```
#[must_use = "a call does nothing until it is awaited (or sent with `send` or `send_blocking`)"]
pub struct Call<T> {
    /// The client sending it (its runtime runs blocking calls).
    client: Client,
    /// The operation's name in traces and messages; `None` for [`Client::request`].
    operation: Option<&'static str>,
    /// The request, or why it could not be built (reported when the call is sent).
    request: Result<Request, Error>,
    options: CallOptions,
    decode: Decoder<T>,
}

/// A boxed future: one allocation per call, and no generic future type per operation.
type BoxFuture<T> = Pin<Box<dyn Future<Output = Result<T, Error>> + Send>>;

impl<T> Call<T> {
    /// A call of `operation` (its name in traces) by `client` (which it clones: a clone shares
    /// the configuration and connection pool): `request` built from the caller's parameters,
    /// and `decode` to turn the response into `T`.
    pub fn new(
        client: &Client,
        operation: &'static str,
        request: Result<Request, Error>,
        decode: Decode<T>,
    ) -> Self {
        Call::from_parts(
            client.clone(),
            Some(operation),
            request,
            CallOptions::default(),
            Decoder::Whole(decode),
        )
    }

    /// A call of `operation` whose response is streamed: sent like any call (credentials,
    /// retries, tracing, [`Error::Api`] for a status other than 2xx) until the head of a 2xx
    /// response arrives; then nothing is retried, and `open` gets the response with its body
    /// unread (such as [`EventStream::data`](super::EventStream::data),
    /// [`JsonLines::new`](super::JsonLines::new) or [`ByteStream::new`](super::ByteStream::new)).
    ///
    /// The call's [timeout](Call::timeout) bounds each attempt until the response head
    /// arrives, then each read of the body: the stream fails with [`Error::Timeout`] when no
    /// data comes for that long; a stream as a whole may last any time (its
    /// [operation timeout](Call::operation_timeout) ends with the response head).
    pub fn stream(
        client: &Client,
        operation: &'static str,
        request: Result<Request, Error>,
        open: Open<T>,
    ) -> Self {
        Call::from_parts(
            client.clone(),
            Some(operation),
            request,
            CallOptions::default(),
            Decoder::Streamed(open),
        )
    }

    pub(super) fn from_parts(
        client: Client,
        operation: Option<&'static str>,
        request: Result<Request, Error>,
        options: CallOptions,
        decode: Decoder<T>,
    ) -> Self {
        Call {
            client,
            operation,
            request,
            options,
            decode,
        }
    }

    /// How long each attempt of this call may take, from connecting until the whole body is
    /// read (overrides [`super::ClientBuilder::timeout`]). For a streamed call
    /// ([`Call::stream`]), until the response head arrives, then how long each read of the
    /// body may wait for data.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = Some(timeout);
        self
    }

    /// How long the whole call may take, every attempt and the waits between them included
    /// (overrides [`super::ClientBuilder::operation_timeout`]): an attempt still running then
    /// is cut short, and no retry starts that could not finish in time. The call then fails
    /// with [`Error::Timeout`] saying that the operation timeout elapsed. For a streamed call,
    /// until the response head arrives.
    pub fn operation_timeout(mut self, operation_timeout: Duration) -> Self {
        self.options.operation_timeout = Some(operation_timeout);
        self
    }

    /// How many times this call is retried at most (overrides
    /// [`super::ClientBuilder::max_retries`]); `0` sends it once.
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.options.max_retries = Some(max_retries);
        self
    }

    /// Adds the header `name: value` to this call, replacing a header of the same name that
    /// the operation would send (credentials excepted: they always come from the client). An
    /// invalid name or value fails the call with [`Error::InvalidRequest`] before anything is
    /// sent. The value is marked sensitive, so it is never shown.
    pub fn header(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        self.options.add_header(name.as_ref(), value.as_ref());
        self
    }

    /// Returns the response's status, headers, request id and attempt count along with the
    /// decoded value: `.with_response().await?` is an [`ApiResponse<T>`].
    pub fn with_response(self) -> WithResponse<T> {
        WithResponse(self)
    }

    /// Returns the response undecoded: `.raw().await?` is a [`RawResponse`] with the status,
    /// headers and body bytes (and [`RawResponse::json`], [`RawResponse::text`] to read it).
    ///
    /// The request is the same, and so is how it is sent: credentials, retries, timeouts and
    /// the response size limit (a streamed call's body is then read in full, within the
    /// limit). Only 2xx responses are returned: any other status is still an
    /// [`Error::Api`], whose [`ApiError::body`](super::ApiError::body) and
    /// [`ApiError::headers`](super::ApiError::headers) have the rest.
    pub fn raw(self) -> Call<RawResponse> {
        Call {
            client: self.client,
            operation: self.operation,
            request: self.request,
            options: self.options,
            decode: Decoder::Whole(Ok),
        }
    }

    /// Sends the request and decodes the response: the one non-generic [`Client::send`],
    /// then the decoder.
    async fn run(self) -> Result<ApiResponse<T>, Error> {
        let Call {
            client,
            operation,
            request,
            options,
            decode,
        } = self;
        let context = |problem: String| match operation {
            Some(operation) => Error::invalid_request(format!("{operation}: {problem}")),
            None => Error::invalid_request(problem),
        };
        if let Some(problem) = &options.invalid {
            return Err(context(problem.clone()));
        }
        let request = request.map_err(|error| match error {
            Error::InvalidRequest { message } => context(message),
            other => other,
        })?;
        match decode {
            Decoder::Whole(decode) => {
                let response = client.send(operation, request, &options).await?;
                let status = response.status;
                let headers = response.headers.clone();
                let attempts = response.attempts;
                let request_id_header = response.request_id_header;
                Ok(ApiResponse {
                    value: decode(response)?,
                    status,
                    headers,
                    attempts,
                    request_id_header,
                })
            }
            Decoder::Streamed(open) => {
                let response = client.send_streamed(operation, request, &options).await?;
                let status = response.meta.status;
                let headers = response.meta.headers.clone();
                let attempts = response.meta.attempts;
                let request_id_header = response.meta.request_id_header;
                Ok(ApiResponse {
                    value: open(response)?,
                    status,
                    headers,
                    attempts,
                    request_id_header,
                })
            }
        }
    }
}

impl<T: Send + 'static> Call<T> {
    /// Sends the call: its future, which `.await` also makes. For where a `Future` is needed
    /// rather than something to await, such as `tokio::spawn(call.send())` or `join!`.
    pub fn send(self) -> CallFuture<T> {
        CallFuture::new(async move { self.run().await.map(ApiResponse::into_inner) })
    }
}

impl<T: Send + 'static> IntoFuture for Call<T> {
    type Output = Result<T, Error>;
    type IntoFuture = CallFuture<T>;

    fn into_future(self) -> CallFuture<T> {
        self.send()
    }
}

impl<T> fmt::Debug for Call<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call")
            .field("operation", &self.operation)
            .field("client", &self.client)
            .field("request", &self.request)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

/// A [`Call`] that returns the whole [`ApiResponse`]: from [`Call::with_response`]. Like a
/// call, nothing is sent until it is awaited (or sent with [`WithResponse::send`]).
#[must_use = "a call does nothing until it is awaited (or sent with `send` or `send_blocking`)"]
pub struct WithResponse<T>(Call<T>);

impl<T> fmt::Debug for WithResponse<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("WithResponse").field(&self.0).finish()
    }
}

impl<T: Send + 'static> WithResponse<T> {
    /// Sends the call: its future, which `.await` also makes (see [`Call::send`]).
    pub fn send(self) -> CallFuture<ApiResponse<T>> {
        CallFuture::new(self.0.run())
    }
}

impl<T: Send + 'static> IntoFuture for WithResponse<T> {
    type Output = Result<ApiResponse<T>, Error>;
    type IntoFuture = CallFuture<ApiResponse<T>>;

    fn into_future(self) -> CallFuture<ApiResponse<T>> {
        self.send()
    }
}

/// A call being sent: what awaiting a [`Call`] (or [`Call::send`]) makes, and awaiting a walk
/// of a paged list ([`Pages`](super::Pages), [`Items`](super::Items)). A `Future` that owns
/// what it needs, so `Send` and `'static`: it can be stored, or handed to `tokio::spawn`. It
/// has no settings: they belong to the call, before it is sent.
#[must_use = "futures do nothing unless awaited"]
pub struct CallFuture<T>(BoxFuture<T>);

impl<T> CallFuture<T> {
    /// Boxes `future` as the future of a call or a walk.
    pub(super) fn new(future: impl Future<Output = Result<T, Error>> + Send + 'static) -> Self {
        CallFuture(Box::pin(future))
    }
}

// Nothing is pinned in place: the future being polled is boxed.
impl<T> Unpin for CallFuture<T> {}

impl<T> fmt::Debug for CallFuture<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallFuture").finish_non_exhaustive()
    }
}

impl<T> Future for CallFuture<T> {
    type Output = Result<T, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.get_mut().0.as_mut().poll(cx)
    }
}

/// A decoded 2xx response with its status, headers and how many attempts it took; derefs to
/// the value.
#[derive(Debug, Clone)]
pub struct ApiResponse<T> {
    value: T,
    status: StatusCode,
    headers: HeaderMap,
    attempts: u32,
    /// The header that identifies the request (see [`ApiResponse::request_id`]).
    request_id_header: Option<&'static str>,
}

impl<T> ApiResponse<T> {
    /// A response of `service`'s API as a call would return it after one attempt: for tests
    /// of code that takes one. The generated crate's `ApiResponse::new` calls this with its own
    /// [`Service`], whose request id header [`ApiResponse::request_id`] reads.
    #[doc(hidden)]
    pub fn for_service(
        service: &'static Service,
        value: T,
        status: StatusCode,
        headers: HeaderMap,
    ) -> Self {
        ApiResponse {
            value,
            status,
            headers,
            attempts: 1,
            request_id_header: service.request_id_header,
        }
    }

    /// The HTTP status (2xx).
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The response header that identifies the request to the API's operators (the one the
    /// client's API names, such as `x-request-id`), if the API has one and the response has
    /// it.
    pub fn request_id(&self) -> Option<&str> {
        super::error::request_id(&self.headers, self.request_id_header)
    }

    /// How many times the request was sent (more than 1 when it was retried).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The decoded value.
    pub fn value(&self) -> &T {
        &self.value
    }

    /// The decoded value, taken out.
    pub fn into_inner(self) -> T {
        self.value
    }
}

impl<T> Deref for ApiResponse<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}

#[cfg(feature = "blocking")]
pub(super) use blocking::BlockingRuntime;

#[cfg(feature = "blocking")]
mod blocking {
    use std::sync::OnceLock;

    use super::{ApiResponse, Call, Error, WithResponse};

    /// The runtime that [`Call::send_blocking`] and the blocking iterators of paged lists run
    /// on: one worker thread, built on first use and shared by the clones of a client. The
    /// worker keeps driving the pooled connections between calls, so they stay usable from
    /// async code too.
    #[derive(Default)]
    pub(in super::super) struct BlockingRuntime(OnceLock<Result<tokio::runtime::Runtime, String>>);

    impl BlockingRuntime {
        /// Runs `future` to completion on this runtime. Inside an async runtime, where blocking
        /// would stall it, fails with [`Error::InvalidRequest`] saying that `what` was called
        /// there and to use `instead`.
        pub(in super::super) fn block_on<F: Future>(
            &self,
            future: F,
            what: &str,
            instead: &str,
        ) -> Result<F::Output, Error> {
            if tokio::runtime::Handle::try_current().is_ok() {
                return Err(Error::invalid_request(format!(
                    "{what} was called inside an async runtime, where blocking would stall it: \
                     {instead}"
                )));
            }
            let runtime = self.0.get_or_init(|| {
                tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(1)
                    .thread_name("api-client-blocking")
                    .enable_all()
                    .build()
                    .map_err(|error| error.to_string())
            });
            match runtime {
                Ok(runtime) => Ok(runtime.block_on(future)),
                Err(error) => Err(Error::config(format!(
                    "cannot start the runtime for blocking calls: {error}"
                ))),
            }
        }
    }

    impl Drop for BlockingRuntime {
        fn drop(&mut self) {
            // Dropping a runtime waits for its tasks, which panics inside another runtime
            // (where the last clone of a client may well be dropped): do not wait.
            if let Some(Ok(runtime)) = self.0.take() {
                runtime.shutdown_background();
            }
        }
    }

    impl<T: Send + 'static> Call<T> {
        /// Sends the call and waits for the result, for programs without an async runtime
        /// (feature `blocking`). Runs on a runtime owned by the client; called from inside an
        /// async runtime it fails with [`Error::InvalidRequest`] instead of blocking it.
        pub fn send_blocking(self) -> Result<T, Error> {
            self.with_response()
                .send_blocking()
                .map(ApiResponse::into_inner)
        }
    }

    impl<T: Send + 'static> WithResponse<T> {
        /// [`Call::send_blocking`], returning the whole [`ApiResponse`].
        pub fn send_blocking(self) -> Result<ApiResponse<T>, Error> {
            let client = self.0.client.clone();
            client.blocking_runtime().block_on(
                self.send(),
                "send_blocking",
                "`.await` the call instead",
            )?
        }
    }
}
