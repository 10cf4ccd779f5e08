//! Responses read as they arrive: [`StreamResponse`] (a 2xx response whose body is still on
//! the wire, what every stream decoder reads) and [`ByteStream`] (any binary body, piece by
//! piece).
//!
//! A streamed call goes through the client's one retry loop like any other until the response
//! head arrives (so retries, credentials, tracing and [`Error::Api`] for other statuses are the
//! same); from a 2xx head on, nothing is retried and the body is never buffered as a whole.
//! The call's timeout bounds each attempt until the head, then becomes an idle timeout: reading
//! fails with [`Error::Timeout`] (`idle: true`) when no data comes for that long. Dropping a
//! stream drops its connection.

use std::fmt;
use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderMap};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::io::{AsyncWrite, AsyncWriteExt};

use super::Error;
use super::error::snippet;

/// The chunks of a response body as reqwest yields them.
type Chunks = Pin<Box<dyn futures_core::Stream<Item = reqwest::Result<Bytes>> + Send>>;

/// What a streamed response answers, for its accessors and for the errors of its items.
#[derive(Debug, Clone)]
pub(super) struct Meta {
    pub(super) method: Method,
    /// The URL without query-parameter credentials.
    pub(super) url: String,
    pub(super) status: StatusCode,
    pub(super) headers: HeaderMap,
    pub(super) attempts: u32,
    pub(super) request_id_header: Option<&'static str>,
}

impl Meta {
    /// The essence of the `Content-Type` (`text/event-stream`), lowercase, if any.
    fn media_type(&self) -> Option<String> {
        let value = self.headers.get(CONTENT_TYPE)?;
        let text = String::from_utf8_lossy(value.as_bytes());
        let essence = text.split(';').next().unwrap_or("").trim();
        Some(essence.to_ascii_lowercase())
    }

    /// Fails with [`Error::Stream`] unless the `Content-Type` is one `accepts` takes: the
    /// response is not what was `asked` for (e.g. `server-sent events (text/event-stream)`).
    pub(super) fn expect_media_type(
        &self,
        asked: &str,
        accepts: impl Fn(&str) -> bool,
    ) -> Result<(), Error> {
        match self.media_type() {
            Some(media_type) if accepts(&media_type) => Ok(()),
            found => {
                let found = match (found, self.headers.get(CONTENT_TYPE)) {
                    (Some(_), Some(value)) => {
                        format!(
                            "`{}`",
                            snippet(&String::from_utf8_lossy(value.as_bytes()), 0)
                        )
                    }
                    _ => "no Content-Type".to_owned(),
                };
                let length = match self.headers.get(CONTENT_LENGTH) {
                    Some(length) => format!(
                        ", Content-Length {}",
                        String::from_utf8_lossy(length.as_bytes())
                    ),
                    None => String::new(),
                };
                Err(self.stream_error(format!(
                    "asked for {asked}, but the {} response has {found}{length}: it is not a \
                     stream the client can read as asked (check the request, e.g. a \
                     `stream` flag the server ignored)",
                    self.status
                )))
            }
        }
    }

    /// An [`Error::Stream`] of this response.
    pub(super) fn stream_error(&self, message: String) -> Error {
        Error::Stream {
            method: self.method.clone(),
            url: self.url.clone(),
            status: self.status,
            message,
            attempts: self.attempts,
        }
    }

    /// An [`Error::ErrorEvent`]: the server reported an error in `item`, whose data is `data`.
    pub(super) fn error_event(&self, item: String, data: &str) -> Error {
        Error::ErrorEvent {
            method: self.method.clone(),
            url: self.url.clone(),
            status: self.status,
            item,
            data: data.to_owned(),
            attempts: self.attempts,
        }
    }

    /// An [`Error::Decode`] of `item`, whose data `text` failed at `path`.
    pub(super) fn decode_error(
        &self,
        item: String,
        text: &[u8],
        path: String,
        source: serde_json::Error,
    ) -> Error {
        let text = String::from_utf8_lossy(text);
        let offset = text
            .split_inclusive('\n')
            .take(source.line().saturating_sub(1))
            .map(str::len)
            .sum::<usize>()
            + source.column().saturating_sub(1);
        Error::Decode {
            method: self.method.clone(),
            url: self.url.clone(),
            status: self.status,
            path,
            body: snippet(&text, offset),
            source,
            attempts: self.attempts,
            item: Some(Box::new(item)),
        }
    }

    /// Decodes the JSON `text` of `item` into `T`. Data that does not decode but is a JSON
    /// object with an `error` member is an [`Error::ErrorEvent`]; other failures are an
    /// [`Error::Decode`] naming the item and the path of the field.
    pub(super) fn decode<T: DeserializeOwned>(
        &self,
        text: &[u8],
        item: impl FnOnce() -> String,
    ) -> Result<T, Error> {
        // Tracking the path costs as much again as decoding: only done after a failure.
        match serde_json::from_slice::<T>(text) {
            Ok(value) => Ok(value),
            Err(first) => self.decode_failed(text, first, item),
        }
    }

    /// [`Meta::decode`] of text already known to be UTF-8 (an event's data): decoding a `str`
    /// skips checking the UTF-8 of every JSON string again, a sixth of the CPU time of a
    /// stream of chat-completion chunks (`cargo xtask bench`, BENCHMARKS.md).
    pub(super) fn decode_str<T: DeserializeOwned>(
        &self,
        text: &str,
        item: impl FnOnce() -> String,
    ) -> Result<T, Error> {
        match serde_json::from_str::<T>(text) {
            Ok(value) => Ok(value),
            Err(first) => self.decode_failed(text.as_bytes(), first, item),
        }
    }

    /// The error of [`Meta::decode`] after the first, plain decode of `text` failed with
    /// `first`.
    fn decode_failed<T: DeserializeOwned>(
        &self,
        text: &[u8],
        first: serde_json::Error,
        item: impl FnOnce() -> String,
    ) -> Result<T, Error> {
        if reports_error(text) {
            return Err(self.error_event(item(), &String::from_utf8_lossy(text)));
        }
        let mut deserializer = serde_json::Deserializer::from_slice(text);
        let (path, source) = match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
            Ok(_) => (".".to_owned(), first),
            Err(error) => (error.path().to_string(), error.into_inner()),
        };
        Err(self.decode_error(item(), text, path, source))
    }
}

/// Whether `text` is a JSON object with an `error` member (not `null`).
pub(super) fn reports_error(text: &[u8]) -> bool {
    serde_json::from_slice::<Value>(text)
        .is_ok_and(|json| json.get("error").is_some_and(|error| !error.is_null()))
}

/// A 2xx response whose body is still arriving: what a streamed call gives its decoder
/// ([`super::Call::stream`]), such as [`super::EventStream::data`], [`super::JsonLines::new`]
/// or [`super::ByteStream::new`]. Its body is read with [`StreamResponse::chunk`], each read
/// bounded by the idle timeout; dropping it drops the connection.
#[must_use = "dropping a stream closes its connection"]
pub struct StreamResponse {
    pub(super) meta: Meta,
    /// `None` once the body ended or failed (the connection is then dropped).
    chunks: Option<Chunks>,
    /// Each read fails after this long without data.
    idle_timeout: Duration,
    /// The idle timer: armed when a read starts waiting.
    timer: Option<Pin<Box<tokio::time::Sleep>>>,
    waiting: bool,
    /// The client's body limit, for [`ByteStream::collect`].
    max_response_bytes: u64,
    /// Bytes received so far.
    received: u64,
    /// The call's span, open as long as the stream.
    #[cfg(feature = "tracing")]
    pub(super) span: tracing::Span,
    /// The client whose runtime runs blocking iterators.
    #[cfg(feature = "blocking")]
    pub(super) client: super::Client,
}

impl StreamResponse {
    pub(super) fn new(
        meta: Meta,
        response: reqwest::Response,
        idle_timeout: Duration,
        max_response_bytes: u64,
        #[cfg(feature = "blocking")] client: super::Client,
    ) -> StreamResponse {
        StreamResponse {
            meta,
            chunks: Some(Box::pin(response.bytes_stream())),
            idle_timeout,
            timer: None,
            waiting: false,
            max_response_bytes,
            received: 0,
            #[cfg(feature = "tracing")]
            span: tracing::Span::none(),
            #[cfg(feature = "blocking")]
            client,
        }
    }

    /// The HTTP status (2xx).
    pub fn status(&self) -> StatusCode {
        self.meta.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.meta.headers
    }

    /// The response header that identifies the request to the API's operators, if the API has
    /// one and the response has it.
    pub fn request_id(&self) -> Option<&str> {
        super::error::request_id(&self.meta.headers, self.meta.request_id_header)
    }

    /// How many times the request was sent (more than 1 when it was retried before the
    /// response came).
    pub fn attempts(&self) -> u32 {
        self.meta.attempts
    }

    /// The method of the request.
    pub fn method(&self) -> &Method {
        &self.meta.method
    }

    /// The URL of the request (without credentials sent in the query).
    pub fn url(&self) -> &str {
        &self.meta.url
    }

    /// The client's [`max_response_bytes`](super::ClientBuilder::max_response_bytes): the
    /// most [`ByteStream::collect`] reads. Reading piece by piece has no limit.
    pub fn max_response_bytes(&self) -> u64 {
        self.max_response_bytes
    }

    /// How long a read waits for data before it fails with [`Error::Timeout`].
    pub fn idle_timeout(&self) -> Duration {
        self.idle_timeout
    }

    /// How many bytes of the body were received so far.
    pub fn received(&self) -> u64 {
        self.received
    }

    /// The next chunk of the body, `None` at its end. Fails with [`Error::Timeout`] when no
    /// data comes within the idle timeout, and with [`Error::Connection`] when the connection
    /// breaks; either ends the body.
    pub async fn chunk(&mut self) -> Result<Option<Bytes>, Error> {
        std::future::poll_fn(|cx| self.poll_chunk(cx))
            .await
            .transpose()
    }

    /// [`StreamResponse::chunk`] as a poll function, for stream types built on it.
    pub fn poll_chunk(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Bytes, Error>>> {
        #[cfg(feature = "tracing")]
        {
            // Entered while reading, so that what is traced meanwhile belongs to the call.
            let span = std::mem::replace(&mut self.span, tracing::Span::none());
            let polled = span.in_scope(|| self.poll_body(cx));
            self.span = span;
            polled
        }
        #[cfg(not(feature = "tracing"))]
        self.poll_body(cx)
    }

    fn poll_body(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Bytes, Error>>> {
        let Some(chunks) = &mut self.chunks else {
            return Poll::Ready(None);
        };
        match chunks.as_mut().poll_next(cx) {
            Poll::Ready(Some(Ok(chunk))) => {
                self.waiting = false;
                self.received += chunk.len() as u64;
                Poll::Ready(Some(Ok(chunk)))
            }
            Poll::Ready(Some(Err(error))) => {
                let error = self.transport_error(error);
                self.end(Some(&error));
                Poll::Ready(Some(Err(error)))
            }
            Poll::Ready(None) => {
                self.end(None);
                Poll::Ready(None)
            }
            Poll::Pending => {
                let idle = self.idle_timeout;
                let timer = self
                    .timer
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep(idle)));
                if !self.waiting {
                    self.waiting = true;
                    timer.as_mut().reset(deadline(idle));
                }
                std::task::ready!(timer.as_mut().poll(cx));
                let error = Error::Timeout {
                    method: self.meta.method.clone(),
                    url: self.meta.url.clone(),
                    timeout: idle,
                    attempts: self.meta.attempts,
                    earlier: Vec::new(),
                    not_retried: None,
                    idle: true,
                    total: false,
                    source: None,
                };
                self.end(Some(&error));
                Poll::Ready(Some(Err(error)))
            }
        }
    }

    /// Stops reading: the connection is dropped (not reused: the rest of the body is unread).
    pub fn close(&mut self) {
        if self.chunks.is_some() {
            self.chunks = None;
            self.timer = None;
            #[cfg(feature = "tracing")]
            self.span.in_scope(|| {
                tracing::debug!(received = self.received, "stream closed by the client")
            });
        }
    }

    /// Whether the body ended, failed or was closed.
    pub fn is_done(&self) -> bool {
        self.chunks.is_none()
    }

    /// The body ended (`error` is `None`) or failed (within the call's span, entered while
    /// polling).
    #[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
    fn end(&mut self, error: Option<&Error>) {
        self.chunks = None;
        self.timer = None;
        #[cfg(feature = "tracing")]
        match error {
            None => tracing::debug!(received = self.received, "stream ended"),
            Some(error) => {
                tracing::warn!(received = self.received, error = %error, "stream failed")
            }
        }
    }

    fn transport_error(&self, source: reqwest::Error) -> Error {
        let meta = &self.meta;
        if source.is_timeout() {
            // A timeout of the caller's own `reqwest::Client` (its `read_timeout`).
            return Error::Timeout {
                method: meta.method.clone(),
                url: meta.url.clone(),
                timeout: self.idle_timeout,
                attempts: meta.attempts,
                earlier: Vec::new(),
                not_retried: None,
                idle: true,
                total: false,
                source: Some(source.without_url()),
            };
        }
        Error::Connection {
            method: meta.method.clone(),
            url: meta.url.clone(),
            attempts: meta.attempts,
            earlier: Vec::new(),
            not_retried: None,
            source: source.without_url(),
        }
    }

    /// The client whose runtime runs the blocking iterators.
    #[cfg(feature = "blocking")]
    pub(super) fn client(&self) -> super::Client {
        self.client.clone()
    }
}

/// `after` from now; a time too far to compute is 30 years away (never, in practice).
pub(super) fn deadline(after: Duration) -> tokio::time::Instant {
    let now = tokio::time::Instant::now();
    now.checked_add(after)
        .unwrap_or_else(|| now + Duration::from_secs(60 * 60 * 24 * 365 * 30))
}

impl fmt::Debug for StreamResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamResponse")
            .field("method", &self.meta.method)
            .field("url", &self.meta.url)
            .field("status", &self.meta.status)
            .field("received", &self.received)
            .field("done", &self.is_done())
            .finish_non_exhaustive()
    }
}

/// A binary response read piece by piece: a `Stream` of [`Bytes`] chunks, for downloads of any
/// size in bounded memory. Made by the decoder [`ByteStream::new`] of a streamed call.
///
/// [`ByteStream::save`] writes it to a file, [`ByteStream::copy_to`] into any `AsyncWrite`;
/// [`ByteStream::collect`] reads it into memory, up to the client's
/// [`max_response_bytes`](super::ClientBuilder::max_response_bytes) (reading piece by piece
/// has no limit). Each read fails with [`Error::Timeout`] after the call's timeout without
/// data. Dropping it drops the connection.
///
/// ```ignore
/// let download = client.files().download(&request).await?;
/// let written = download.save("backup.tar.gz").await?;
/// ```
#[must_use = "dropping a stream closes its connection"]
pub struct ByteStream {
    response: StreamResponse,
}

impl ByteStream {
    /// The decoder of binary streamed calls: takes any 2xx response as it is.
    pub fn new(response: StreamResponse) -> Result<ByteStream, Error> {
        Ok(ByteStream { response })
    }

    /// The HTTP status (2xx).
    pub fn status(&self) -> StatusCode {
        self.response.status()
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        self.response.headers()
    }

    /// The `Content-Length` the server announced, if it did.
    pub fn content_length(&self) -> Option<u64> {
        content_length(self.response.headers())
    }

    /// The `Content-Type` of the body, if the server sent one.
    pub fn content_type(&self) -> Option<&str> {
        self.response.headers().get(CONTENT_TYPE)?.to_str().ok()
    }

    /// The response's [`StreamResponse`] (request id, attempts, bytes received).
    pub fn response(&self) -> &StreamResponse {
        &self.response
    }

    /// The next chunk of the body, `None` at its end.
    pub async fn next_chunk(&mut self) -> Result<Option<Bytes>, Error> {
        self.response.chunk().await
    }

    /// The whole body in memory, at most the client's
    /// [`max_response_bytes`](super::ClientBuilder::max_response_bytes): a larger
    /// `Content-Length` is refused before reading, and reading stops at the limit, with
    /// [`Error::ResponseTooLarge`].
    pub async fn collect(mut self) -> Result<Vec<u8>, Error> {
        let limit = self.response.max_response_bytes;
        let declared = self.content_length();
        let too_large = |response: &StreamResponse| Error::ResponseTooLarge {
            method: response.meta.method.clone(),
            url: response.meta.url.clone(),
            status: response.meta.status,
            limit,
            declared,
            attempts: response.meta.attempts,
            earlier: Vec::new(),
        };
        if declared.is_some_and(|length| length > limit) {
            return Err(too_large(&self.response));
        }
        let capacity = declared.unwrap_or(0).min(limit).min(1 << 20);
        let mut body = Vec::with_capacity(usize::try_from(capacity).unwrap_or(0));
        while let Some(chunk) = self.response.chunk().await? {
            if (body.len() + chunk.len()) as u64 > limit {
                return Err(too_large(&self.response));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    /// Writes the body into `writer` as it arrives, one chunk in memory at a time, and
    /// flushes it; returns how many bytes were written. A write failure is an [`Error::Io`].
    pub async fn copy_to<W: AsyncWrite + Unpin + ?Sized>(
        mut self,
        writer: &mut W,
    ) -> Result<u64, Error> {
        let failed = |source| Error::Io {
            message: "cannot write the response body".to_owned(),
            source,
        };
        let mut written = 0u64;
        while let Some(chunk) = self.response.chunk().await? {
            writer.write_all(&chunk).await.map_err(failed)?;
            written += chunk.len() as u64;
        }
        writer.flush().await.map_err(failed)?;
        Ok(written)
    }

    /// Writes the body into the file at `path` (created, or truncated) as it arrives, one
    /// chunk in memory at a time; returns how many bytes were written. When the download or a
    /// write fails, the partial file is removed.
    pub async fn save(self, path: impl AsRef<Path>) -> Result<u64, Error> {
        let path = path.as_ref();
        let failed = |source| Error::Io {
            message: format!("cannot write `{}`", path.display()),
            source,
        };
        let mut file = tokio::fs::File::create(path).await.map_err(failed)?;
        let result = match self.copy_to(&mut file).await {
            Err(Error::Io { source, .. }) => Err(failed(source)),
            Ok(written) => file.sync_all().await.map(|()| written).map_err(failed),
            other => other,
        };
        if result.is_err() {
            drop(file);
            let _ = tokio::fs::remove_file(path).await;
        }
        result
    }
}

/// The `Content-Length` header, if valid.
pub(super) fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ByteStream").field(&self.response).finish()
    }
}

impl futures_core::Stream for ByteStream {
    type Item = Result<Bytes, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().response.poll_chunk(cx)
    }
}

#[cfg(feature = "blocking")]
pub use blocking::BlockingBytes;

#[cfg(feature = "blocking")]
mod blocking {
    use std::io;

    use bytes::{Buf, Bytes};

    use super::ByteStream;

    impl ByteStream {
        /// The body as a `std::io::Read`, for programs without an async runtime (feature
        /// `blocking`): each read that needs data waits for the next chunk on the runtime
        /// owned by the client, as [`Call::send_blocking`](super::super::Call::send_blocking)
        /// does (use it on a stream that call returned). Errors are `io::Error`s wrapping
        /// the [`Error`](super::Error) (`into_inner` and `downcast` give it back); used inside an
        /// async runtime, a read fails instead of blocking it. `std::io::copy` saves it.
        pub fn blocking(self) -> BlockingBytes {
            BlockingBytes {
                stream: self,
                chunk: Bytes::new(),
            }
        }
    }

    /// The body of a [`ByteStream`] as a `std::io::Read`: from [`ByteStream::blocking`].
    #[derive(Debug)]
    pub struct BlockingBytes {
        stream: ByteStream,
        /// What is left of the last chunk.
        chunk: Bytes,
    }

    impl io::Read for BlockingBytes {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            while self.chunk.is_empty() {
                if self.stream.response.is_done() || buf.is_empty() {
                    return Ok(0);
                }
                let client = self.stream.response.client();
                let next = client.blocking_runtime().block_on(
                    self.stream.response.chunk(),
                    "ByteStream::blocking",
                    "`.await` `next_chunk()` or use the `Stream` instead",
                );
                match next {
                    Ok(Ok(Some(chunk))) => self.chunk = chunk,
                    Ok(Ok(None)) => return Ok(0),
                    Ok(Err(error)) | Err(error) => return Err(io::Error::other(error)),
                }
            }
            let n = buf.len().min(self.chunk.len());
            buf[..n].copy_from_slice(&self.chunk[..n]);
            self.chunk.advance(n);
            Ok(n)
        }
    }
}
