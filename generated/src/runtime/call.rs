//! One operation call before it is sent: per-call options, the undecoded response, and
//! sending without an async runtime.

use std::fmt;
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
/// A call is a `Future` that owns what it needs (a clone of the [`Client`], which shares the
/// client's configuration and connection pool, and the encoded request): it is `Send` and
/// `'static`, so it can be returned from a function that made the client, stored, or handed to
/// `tokio::spawn` as it is. Nothing is sent until it is first polled.
///
/// Before that, it can be given per-call settings ([`Call::timeout`],
/// [`Call::max_retries`], [`Call::header`]); [`Call::with_response`] also returns the status,
/// headers, request id and attempt count, and [`Call::raw`] returns the response undecoded.
/// (Settings given after the call was first polled have no effect.)
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
/// // Or elsewhere: the call owns what it needs.
/// let task = tokio::spawn(client.meetings().get_meeting_participant(&request));
/// ```
#[must_use = "a call does nothing until it is awaited (or sent with `send_blocking`)"]
pub struct Call<T> {
    /// The client sending it (its runtime runs blocking calls).
    client: Client,
    /// What the call sends, until it is first polled: the settings can still change.
    unsent: Option<Unsent<T>>,
    /// The call being sent and decoded, from the first poll until it is done.
    sending: Option<BoxFuture<ApiResponse<T>>>,
}

/// What a call sends, and how its response is decoded.
struct Unsent<T> {
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
    /// data comes for that long; a stream as a whole may last any time.
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
            unsent: Some(Unsent {
                operation,
                request,
                options,
                decode,
            }),
            sending: None,
        }
    }

    /// The call's settings, while they can still change.
    fn options(&mut self) -> Option<&mut CallOptions> {
        self.unsent.as_mut().map(|unsent| &mut unsent.options)
    }

    /// How long each attempt of this call may take, from connecting until the whole body is
    /// read (overrides [`super::ClientBuilder::timeout`]). For a streamed call
    /// ([`Call::stream`]), until the response head arrives, then how long each read of the
    /// body may wait for data.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        if let Some(options) = self.options() {
            options.timeout = Some(timeout);
        }
        self
    }

    /// How many times this call is retried at most (overrides
    /// [`super::ClientBuilder::max_retries`]); `0` sends it once.
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        if let Some(options) = self.options() {
            options.max_retries = Some(max_retries);
        }
        self
    }

    /// Adds the header `name: value` to this call, replacing a header of the same name that
    /// the operation would send (credentials excepted: they always come from the client). An
    /// invalid name or value fails the call with [`Error::InvalidRequest`] before anything is
    /// sent. The value is marked sensitive, so it is never shown.
    pub fn header(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        if let Some(options) = self.options() {
            options.add_header(name.as_ref(), value.as_ref());
        }
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
        let unsent = match self.unsent {
            Some(unsent) => Unsent {
                operation: unsent.operation,
                request: unsent.request,
                options: unsent.options,
                decode: Decoder::Whole(Ok),
            },
            None => Unsent {
                operation: None,
                request: Err(Error::invalid_request(
                    "`raw()` was called on a call that was already polled: call it before",
                )),
                options: CallOptions::default(),
                decode: Decoder::Whole(Ok),
            },
        };
        Call {
            client: self.client,
            unsent: Some(unsent),
            sending: None,
        }
    }

    /// Polls the call, starting it on the first poll: the one non-generic [`Client::send`],
    /// then the decoder.
    fn poll_response(&mut self, cx: &mut Context<'_>) -> Poll<Result<ApiResponse<T>, Error>>
    where
        T: Send + 'static,
    {
        if let Some(unsent) = self.unsent.take() {
            self.sending = Some(Box::pin(unsent.run(self.client.clone())));
        }
        let Some(future) = &mut self.sending else {
            return Poll::Ready(Err(Error::invalid_request(
                "a call was polled again after it completed",
            )));
        };
        let result = std::task::ready!(future.as_mut().poll(cx));
        self.sending = None;
        Poll::Ready(result)
    }
}

impl<T> Unsent<T> {
    /// Sends the request with `client` and decodes the response.
    async fn run(self, client: Client) -> Result<ApiResponse<T>, Error> {
        let Unsent {
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

impl<T> fmt::Debug for Call<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("Call");
        match (&self.unsent, &self.sending) {
            (Some(unsent), _) => out
                .field("operation", &unsent.operation)
                .field("client", &self.client)
                .field("request", &unsent.request)
                .field("options", &unsent.options),
            (None, Some(_)) => out.field("state", &"sending"),
            (None, None) => out.field("state", &"done"),
        };
        out.finish_non_exhaustive()
    }
}

// Nothing is pinned in place: the future being polled is boxed.
impl<T> Unpin for Call<T> {}

impl<T: Send + 'static> Future for Call<T> {
    type Output = Result<T, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.get_mut()
            .poll_response(cx)
            .map(|result| result.map(ApiResponse::into_inner))
    }
}

/// A [`Call`] that returns the whole [`ApiResponse`]: from [`Call::with_response`]. Like a
/// call, a `Future` that is `Send` and `'static`.
#[must_use = "a call does nothing until it is awaited (or sent with `send_blocking`)"]
pub struct WithResponse<T>(Call<T>);

impl<T> fmt::Debug for WithResponse<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("WithResponse").field(&self.0).finish()
    }
}

impl<T: Send + 'static> Future for WithResponse<T> {
    type Output = Result<ApiResponse<T>, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.get_mut().0.poll_response(cx)
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
                self,
                "send_blocking",
                "`.await` the call instead",
            )?
        }
    }
}
