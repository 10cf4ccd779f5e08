//! One operation call before it is sent: per-call options, the raw response, and sending
//! without an async runtime.

use std::fmt;
use std::ops::Deref;
use std::pin::Pin;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use super::client::CallOptions;
use super::{Client, Error, Request, Response};

/// Turns the response of a call into its result: the only part of a call that depends on the
/// operation's output type.
pub type Decode<T> = fn(Response) -> Result<T, Error>;

/// A call of one operation, ready to send: `.await` it for the decoded result.
///
/// Before awaiting, it can be given per-call settings ([`Call::timeout`],
/// [`Call::max_retries`], [`Call::header`]); [`Call::with_response`] also returns the status,
/// headers, request id and attempt count. Nothing is sent until then.
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
/// ```
#[must_use = "a call does nothing until it is awaited (or sent with `send_blocking`)"]
pub struct Call<'a, T> {
    client: &'a Client,
    operation: &'static str,
    /// The request, or why it could not be built (reported when the call is sent).
    request: Result<Request, Error>,
    options: CallOptions,
    decode: Decode<T>,
}

impl<'a, T> Call<'a, T> {
    /// A call of `operation` (its name in traces): `request` built from the caller's
    /// parameters, and `decode` to turn the response into `T`.
    pub fn new(
        client: &'a Client,
        operation: &'static str,
        request: Result<Request, Error>,
        decode: Decode<T>,
    ) -> Self {
        Call {
            client,
            operation,
            request,
            options: CallOptions::default(),
            decode,
        }
    }

    /// How long each attempt of this call may take, from connecting until the whole body is
    /// read (overrides [`super::ClientBuilder::timeout`]).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = Some(timeout);
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
        let (name, value) = (name.as_ref(), value.as_ref());
        match (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            (Ok(name), Ok(mut value)) => {
                value.set_sensitive(true);
                self.options.headers.push((name, value));
            }
            (Err(_), _) => {
                let shown = name.escape_debug();
                let problem = format!("extra header: `{shown}` is not a valid header name");
                self.options.invalid.get_or_insert(problem);
            }
            (Ok(_), Err(_)) => {
                let problem = format!(
                    "extra header `{name}`: the value contains characters not allowed in a \
                     header (such as a line break)"
                );
                self.options.invalid.get_or_insert(problem);
            }
        }
        self
    }

    /// Returns the response's status, headers, request id and attempt count along with the
    /// decoded value: `.with_response().await?` is an [`ApiResponse<T>`].
    pub fn with_response(self) -> WithResponse<'a, T> {
        WithResponse(self)
    }

    /// Sends the call: the one non-generic [`Client::send`], then the decoder.
    async fn run(self) -> Result<ApiResponse<T>, Error> {
        let operation = self.operation;
        if let Some(problem) = &self.options.invalid {
            return Err(Error::invalid_request(format!("{operation}: {problem}")));
        }
        let request = self.request.map_err(|error| match error {
            Error::InvalidRequest { message } => {
                Error::invalid_request(format!("{operation}: {message}"))
            }
            other => other,
        })?;
        let response = self
            .client
            .send(Some(operation), request, &self.options)
            .await?;
        let status = response.status;
        let headers = response.headers.clone();
        let attempts = response.attempts;
        let request_id_header = response.request_id_header;
        Ok(ApiResponse {
            value: (self.decode)(response)?,
            status,
            headers,
            attempts,
            request_id_header,
        })
    }
}

impl<T> fmt::Debug for Call<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call")
            .field("operation", &self.operation)
            .field("client", self.client)
            .field("request", &self.request)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

/// A boxed future: one allocation per call, and no generic future type per operation.
type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, Error>> + Send + 'a>>;

impl<'a, T: Send + 'a> IntoFuture for Call<'a, T> {
    type Output = Result<T, Error>;
    type IntoFuture = BoxFuture<'a, T>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move { self.run().await.map(ApiResponse::into_inner) })
    }
}

/// A [`Call`] that returns the whole [`ApiResponse`]: from [`Call::with_response`].
#[must_use = "a call does nothing until it is awaited (or sent with `send_blocking`)"]
pub struct WithResponse<'a, T>(Call<'a, T>);

impl<T> fmt::Debug for WithResponse<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("WithResponse").field(&self.0).finish()
    }
}

impl<'a, T: Send + 'a> IntoFuture for WithResponse<'a, T> {
    type Output = Result<ApiResponse<T>, Error>;
    type IntoFuture = BoxFuture<'a, ApiResponse<T>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.0.run())
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

    impl<T> Call<'_, T> {
        /// Sends the call and waits for the result, for programs without an async runtime
        /// (feature `blocking`). Runs on a runtime owned by the client; called from inside an
        /// async runtime it fails with [`Error::InvalidRequest`] instead of blocking it.
        pub fn send_blocking(self) -> Result<T, Error> {
            self.with_response()
                .send_blocking()
                .map(ApiResponse::into_inner)
        }
    }

    impl<T> WithResponse<'_, T> {
        /// [`Call::send_blocking`], returning the whole [`ApiResponse`].
        pub fn send_blocking(self) -> Result<ApiResponse<T>, Error> {
            let client = self.0.client;
            client.blocking_runtime().block_on(
                self.0.run(),
                "send_blocking",
                "`.await` the call instead",
            )?
        }
    }
}
