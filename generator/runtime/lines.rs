//! Streams of JSON values: newline-delimited JSON (`application/x-ndjson`, JSON Lines,
//! Kubernetes watches) and JSON text sequences (`application/json-seq`, RFC 7464).

use std::fmt;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::de::{DeserializeOwned, IgnoredAny};

use super::Error;
use super::error::snippet;
use super::stream::StreamResponse;

/// The media types [`JsonLines`] reads. `application/json` is what Kubernetes sends for watches
/// (with or without `;stream=watch`).
const MEDIA_TYPES: &[&str] = &[
    "application/x-ndjson",
    "application/jsonl",
    "application/jsonlines",
    "application/json-seq",
    "application/json",
];

/// RFC 7464's record separator, which starts each JSON text of a sequence.
const RECORD_SEPARATOR: u8 = 0x1E;

/// A response of JSON values one after another, each decoded into a `T`: a `Stream` of
/// `Result<T, Error>` (or [`JsonLines::next_item`]), `Send`, `'static` and `Unpin`. Made by
/// the decoder [`JsonLines::new`] of a streamed call.
///
/// It reads newline-delimited JSON (`application/x-ndjson`, `application/jsonl`,
/// `application/jsonlines`, and `application/json` as Kubernetes sends watches) and JSON text
/// sequences (`application/json-seq`, each value after a 0x1E byte); any other `Content-Type`
/// fails the call with an [`Error::Stream`]. Blank lines are skipped, and a last line without
/// a line end is read when it is complete JSON; one cut off in the middle of a value is an
/// [`Error::Stream`] that ends the stream.
///
/// A line that does not decode is an [`Error::Decode`] naming the line number and the path of
/// the field; one that does not decode but is a JSON object with an `error` member is an
/// [`Error::ErrorEvent`]. Either is yielded and the next lines follow. Dropping it drops the
/// connection.
#[must_use = "dropping a stream closes its connection"]
pub struct JsonLines<T> {
    response: StreamResponse,
    /// What ends a line: LF, or RS for JSON text sequences (whose values may span lines).
    separator: u8,
    /// The chunk being read, from `at` on.
    chunk: Bytes,
    at: usize,
    /// The start of a line whose end has not arrived yet.
    line: Vec<u8>,
    /// How many lines (records) were read.
    number: u64,
    done: bool,
    _item: PhantomData<fn() -> T>,
}

impl<T: DeserializeOwned + Send + 'static> JsonLines<T> {
    /// The decoder of streamed calls that answer JSON lines or a JSON text sequence: fails with
    /// [`Error::Stream`] unless the response's `Content-Type` is one of those.
    pub fn new(response: StreamResponse) -> Result<JsonLines<T>, Error> {
        let sequence = std::cell::Cell::new(false);
        response.meta.expect_media_type(
            "JSON lines (application/x-ndjson, application/jsonl, application/json-seq)",
            |media_type| {
                sequence.set(media_type == "application/json-seq");
                MEDIA_TYPES.contains(&media_type)
            },
        )?;
        let sequence = sequence.get();
        Ok(JsonLines {
            response,
            separator: if sequence { RECORD_SEPARATOR } else { b'\n' },
            chunk: Bytes::new(),
            at: 0,
            line: Vec::new(),
            number: 0,
            done: false,
            _item: PhantomData,
        })
    }
}

impl<T> JsonLines<T> {
    /// The HTTP status (2xx).
    pub fn status(&self) -> StatusCode {
        self.response.status()
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        self.response.headers()
    }

    /// The response's [`StreamResponse`] (request id, attempts, bytes received).
    pub fn response(&self) -> &StreamResponse {
        &self.response
    }

    /// `line 3`, or `record 3` in a JSON text sequence.
    fn describe(&self) -> String {
        match self.separator {
            // What comes before the first separator (nothing, normally) is record 0.
            RECORD_SEPARATOR => format!("record {}", self.number.saturating_sub(1)),
            _ => format!("line {}", self.number),
        }
    }
}

impl<T: DeserializeOwned> JsonLines<T> {
    /// The next value, `None` at the end of the stream.
    pub async fn next_item(&mut self) -> Result<Option<T>, Error> {
        std::future::poll_fn(|cx| self.poll_item(cx))
            .await
            .transpose()
    }

    fn poll_item(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<T, Error>>> {
        loop {
            if self.done {
                return Poll::Ready(None);
            }
            if let Some(found) = memchr::memchr(self.separator, &self.chunk[self.at..]) {
                let (start, end) = (self.at, self.at + found);
                self.at = end + 1;
                self.number += 1;
                let item = if self.line.is_empty() {
                    self.decode(&self.chunk[start..end])
                } else {
                    let mut line = std::mem::take(&mut self.line);
                    line.extend_from_slice(&self.chunk[start..end]);
                    let item = self.decode(&line);
                    line.clear();
                    self.line = line;
                    item
                };
                match item {
                    Some(item) => return Poll::Ready(Some(item)),
                    None => continue,
                }
            }
            if self.at < self.chunk.len() {
                self.line.extend_from_slice(&self.chunk[self.at..]);
                self.at = self.chunk.len();
            }
            match std::task::ready!(self.response.poll_chunk(cx)) {
                Some(Ok(chunk)) => {
                    self.chunk = chunk;
                    self.at = 0;
                }
                Some(Err(error)) => {
                    self.done = true;
                    return Poll::Ready(Some(Err(error)));
                }
                None => {
                    self.done = true;
                    let line = std::mem::take(&mut self.line);
                    self.number += 1;
                    return Poll::Ready(self.last(&line));
                }
            }
        }
    }

    /// The value of one line; `None` for a blank one.
    fn decode(&self, line: &[u8]) -> Option<Result<T, Error>> {
        if line.iter().all(u8::is_ascii_whitespace) {
            return None;
        }
        Some(self.response.meta.decode(line, || self.describe()))
    }

    /// The value of the last line, which has no line end: an error when it is cut off in the
    /// middle of a value.
    fn last(&self, line: &[u8]) -> Option<Result<T, Error>> {
        if line.iter().all(u8::is_ascii_whitespace) {
            return None;
        }
        if let Err(error) = serde_json::from_slice::<IgnoredAny>(line) {
            if error.is_eof() {
                let text = String::from_utf8_lossy(line);
                return Some(Err(self.response.meta.stream_error(format!(
                    "the stream ended in the middle of a value, in {}: `{}`",
                    self.describe(),
                    snippet(&text, text.len())
                ))));
            }
        }
        self.decode(line)
    }
}

impl<T> fmt::Debug for JsonLines<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JsonLines")
            .field("response", &self.response)
            .field("lines", &self.number)
            .finish_non_exhaustive()
    }
}

// Nothing is pinned in place: the body is boxed.
impl<T> Unpin for JsonLines<T> {}

impl<T: DeserializeOwned> futures_core::Stream for JsonLines<T> {
    type Item = Result<T, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_item(cx)
    }
}

#[cfg(feature = "blocking")]
pub use blocking::BlockingJsonLines;

#[cfg(feature = "blocking")]
mod blocking {
    use std::iter::FusedIterator;

    use serde::de::DeserializeOwned;

    use super::{Error, JsonLines};

    impl<T: DeserializeOwned> JsonLines<T> {
        /// The values as an `Iterator`, for programs without an async runtime (feature
        /// `blocking`): each `next()` waits for the next value on the runtime owned by the
        /// client, as [`Call::send_blocking`](super::super::Call::send_blocking) does (use it
        /// on a stream that call returned). Used inside an async runtime, the first `next()`
        /// is an [`Error::InvalidRequest`] (and the last) instead of blocking it.
        pub fn blocking(self) -> BlockingJsonLines<T> {
            BlockingJsonLines(self)
        }
    }

    /// The values of a [`JsonLines`] as an `Iterator`: from [`JsonLines::blocking`].
    #[must_use = "dropping a stream closes its connection"]
    #[derive(Debug)]
    pub struct BlockingJsonLines<T>(JsonLines<T>);

    impl<T: DeserializeOwned> Iterator for BlockingJsonLines<T> {
        type Item = Result<T, Error>;

        fn next(&mut self) -> Option<Self::Item> {
            let lines = &mut self.0;
            if lines.done {
                return None;
            }
            let client = lines.response.client();
            let runtime = client.blocking_runtime();
            let instead = "`.await` `next_item()` or use the `Stream` instead";
            match runtime.block_on(lines.next_item(), "JsonLines::blocking", instead) {
                Ok(item) => item.transpose(),
                Err(error) => {
                    lines.done = true;
                    lines.response.close();
                    Some(Err(error))
                }
            }
        }
    }

    impl<T: DeserializeOwned> FusedIterator for BlockingJsonLines<T> {}
}
