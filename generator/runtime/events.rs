//! Server-sent events (`text/event-stream`): [`RawEvents`] parses them as the HTML standard's
//! event-stream interpretation says, [`EventStream`] decodes each into a value.
//!
//! The parser is the runtime's own: it scans each chunk for line ends many bytes at a time
//! (`memchr`), copies only a line split across chunks, and allocates per event, never per byte.

use std::fmt;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::Error;
use super::error::snippet;
use super::stream::{Meta, StreamResponse};

/// The UTF-8 byte order mark, ignored once at the start of a stream.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The data of the event that ends a stream (OpenAI's convention, followed widely).
const DONE: &str = "[DONE]";

/// One server-sent event, as dispatched by the event-stream interpretation of the HTML
/// standard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerEvent {
    event: String,
    data: String,
    id: Option<String>,
    retry: Option<Duration>,
}

impl ServerEvent {
    /// An event named `event` with `data`, for tests of code that takes one.
    pub fn new(event: impl Into<String>, data: impl Into<String>) -> ServerEvent {
        ServerEvent {
            event: event.into(),
            data: data.into(),
            id: None,
            retry: None,
        }
    }

    /// The event's type: its `event:` field, `message` without one.
    pub fn event(&self) -> &str {
        &self.event
    }

    /// Its `data:` lines, joined with `\n`.
    pub fn data(&self) -> &str {
        &self.data
    }

    /// The data, taken out.
    pub fn into_data(self) -> String {
        self.data
    }

    /// The last event id when it was dispatched (set by an `id:` field of this event or an
    /// earlier one), if any.
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// The reconnection time a `retry:` field of this event asked for.
    pub fn retry(&self) -> Option<Duration> {
        self.retry
    }

    /// `event `name`` (and its id), for messages.
    fn describe(&self) -> String {
        match &self.id {
            Some(id) => format!("event `{}` (id {})", self.event, snippet(id, 0)),
            None => format!("event `{}`", self.event),
        }
    }
}

/// The event-stream interpretation: bytes in, events out.
#[derive(Debug, Default)]
struct Parser {
    /// The start of a line whose end has not arrived yet.
    line: Vec<u8>,
    /// The last chunk ended with CR: a LF first in the next one ends no other line.
    after_cr: bool,
    /// How many bytes of a leading BOM were matched so far (3 once the start is past).
    bom_checked: usize,
    /// The data buffer: each `data:` value followed by LF.
    data: Vec<u8>,
    /// The event type buffer.
    event: String,
    /// The last event ID buffer: kept from event to event.
    last_id: String,
    /// The `retry:` of the event being read.
    event_retry: Option<Duration>,
    /// The last `retry:` of the stream: the reconnection time.
    reconnection: Option<Duration>,
}

impl Parser {
    /// Reads `chunk` up to the end of the first event it dispatches: returns how many bytes
    /// were read and the event, if one was dispatched (then the rest of the chunk is left for
    /// the next call).
    fn feed(&mut self, chunk: &[u8]) -> (usize, Option<ServerEvent>) {
        let mut at = 0;
        if self.bom_checked < BOM.len() {
            while self.bom_checked < BOM.len() && at < chunk.len() {
                if chunk[at] != BOM[self.bom_checked] {
                    // Not a BOM: what matched so far is the start of the first line.
                    self.line.extend_from_slice(&BOM[..self.bom_checked]);
                    self.bom_checked = BOM.len();
                    break;
                }
                self.bom_checked += 1;
                at += 1;
            }
            if self.bom_checked < BOM.len() {
                return (at, None);
            }
        }
        if self.after_cr && at < chunk.len() {
            self.after_cr = false;
            if chunk[at] == b'\n' {
                at += 1;
            }
        }
        while let Some(found) = memchr::memchr2(b'\r', b'\n', &chunk[at..]) {
            let end = at + found;
            let event = if self.line.is_empty() {
                self.line_ended(&chunk[at..end])
            } else {
                let mut line = std::mem::take(&mut self.line);
                line.extend_from_slice(&chunk[at..end]);
                let event = self.line_ended(&line);
                line.clear();
                self.line = line;
                event
            };
            at = end + 1;
            if chunk[end] == b'\r' {
                match chunk.get(at) {
                    Some(b'\n') => at += 1,
                    Some(_) => {}
                    None => self.after_cr = true,
                }
            }
            if event.is_some() {
                return (at, event);
            }
        }
        self.line.extend_from_slice(&chunk[at..]);
        (chunk.len(), None)
    }

    /// Processes one line (without its end); a blank line dispatches the event.
    fn line_ended(&mut self, line: &[u8]) -> Option<ServerEvent> {
        if line.is_empty() {
            return self.dispatch();
        }
        let (field, value) = match memchr::memchr(b':', line) {
            Some(0) => return None,
            Some(colon) => {
                let value = &line[colon + 1..];
                (&line[..colon], value.strip_prefix(b" ").unwrap_or(value))
            }
            None => (line, &b""[..]),
        };
        match field {
            b"data" => {
                self.data.extend_from_slice(value);
                self.data.push(b'\n');
            }
            b"event" => {
                self.event.clear();
                self.event.push_str(&String::from_utf8_lossy(value));
            }
            b"id" if memchr::memchr(0, value).is_none() => {
                self.last_id.clear();
                self.last_id.push_str(&String::from_utf8_lossy(value));
            }
            b"retry" if !value.is_empty() && value.iter().all(u8::is_ascii_digit) => {
                // Digits beyond `u64` milliseconds: as long as can be said.
                let millis = std::str::from_utf8(value)
                    .ok()
                    .and_then(|digits| digits.parse().ok())
                    .unwrap_or(u64::MAX);
                let retry = Duration::from_millis(millis);
                self.event_retry = Some(retry);
                self.reconnection = Some(retry);
            }
            _ => {}
        }
        None
    }

    /// The blank line: the event read so far, unless it has no data.
    fn dispatch(&mut self) -> Option<ServerEvent> {
        let retry = self.event_retry.take();
        if self.data.is_empty() {
            self.event.clear();
            return None;
        }
        self.data.pop();
        let data = match String::from_utf8(std::mem::take(&mut self.data)) {
            Ok(data) => data,
            Err(error) => String::from_utf8_lossy(error.as_bytes()).into_owned(),
        };
        let event = match self.event.is_empty() {
            true => "message".to_owned(),
            false => std::mem::take(&mut self.event),
        };
        let id = (!self.last_id.is_empty()).then(|| self.last_id.clone());
        Some(ServerEvent {
            event,
            data,
            id,
            retry,
        })
    }

    /// At the end of the stream: what is left unfinished, if anything is.
    fn unfinished(&self) -> Option<String> {
        if !self.line.is_empty() {
            let line = String::from_utf8_lossy(&self.line);
            return Some(format!(
                "the stream ended in the middle of an event, within a line: `{}`",
                snippet(&line, 0)
            ));
        }
        if !self.data.is_empty() {
            let data = String::from_utf8_lossy(&self.data[..self.data.len() - 1]);
            return Some(format!(
                "the stream ended in the middle of an event: its data was not followed by a \
                 blank line: `{}`",
                snippet(&data, 0)
            ));
        }
        None
    }
}

/// The server-sent events of a response as they are: a `Stream` of [`ServerEvent`]s (from
/// [`EventStream::into_raw`], or [`RawEvents::new`] as a decoder).
///
/// An event whose data is `[DONE]` is yielded like any other. A stream that ends in the
/// middle of an event (an unfinished line, or data not yet followed by a blank line) ends with
/// an [`Error::Stream`]; a broken connection with [`Error::Connection`], no data within the
/// idle timeout with [`Error::Timeout`]. Dropping it drops the connection.
#[must_use = "dropping a stream closes its connection"]
pub struct RawEvents {
    response: StreamResponse,
    parser: Parser,
    /// The chunk being read, from `at` on.
    chunk: Bytes,
    at: usize,
    done: bool,
}

impl RawEvents {
    /// The decoder of raw server-sent events: fails with [`Error::Stream`] unless the
    /// response's `Content-Type` is `text/event-stream`.
    pub fn new(response: StreamResponse) -> Result<RawEvents, Error> {
        response
            .meta
            .expect_media_type("server-sent events (text/event-stream)", |media_type| {
                media_type == "text/event-stream"
            })?;
        Ok(RawEvents {
            response,
            parser: Parser::default(),
            chunk: Bytes::new(),
            at: 0,
            done: false,
        })
    }

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

    /// The last event id the server set, up to the last event yielded: what a reconnection
    /// sends as `Last-Event-ID` to resume after it.
    pub fn last_event_id(&self) -> Option<&str> {
        let id = &self.parser.last_id;
        (!id.is_empty()).then_some(id.as_str())
    }

    /// The reconnection time the server asked for last (a `retry:` field), if it did.
    pub fn retry(&self) -> Option<Duration> {
        self.parser.reconnection
    }

    /// The next event, or `None` at the end of the stream.
    pub async fn next_event(&mut self) -> Result<Option<ServerEvent>, Error> {
        std::future::poll_fn(|cx| self.poll_event(cx))
            .await
            .transpose()
    }

    /// Ends the stream: the connection is dropped.
    fn close(&mut self) {
        self.done = true;
        self.chunk = Bytes::new();
        self.response.close();
    }

    fn poll_event(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<ServerEvent, Error>>> {
        loop {
            if self.at < self.chunk.len() {
                let (read, event) = self.parser.feed(&self.chunk[self.at..]);
                self.at += read;
                if let Some(event) = event {
                    return Poll::Ready(Some(Ok(event)));
                }
                continue;
            }
            if self.done {
                return Poll::Ready(None);
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
                    if let Some(problem) = self.parser.unfinished() {
                        return Poll::Ready(Some(Err(self.response.meta.stream_error(problem))));
                    }
                    return Poll::Ready(None);
                }
            }
        }
    }
}

impl fmt::Debug for RawEvents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawEvents")
            .field("response", &self.response)
            .field("last_event_id", &self.last_event_id())
            .finish_non_exhaustive()
    }
}

impl futures_core::Stream for RawEvents {
    type Item = Result<ServerEvent, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_event(cx)
    }
}

/// How an [`EventStream`] turns an event into its item.
type DecodeEvent<T> = fn(&Meta, &ServerEvent) -> Result<T, Error>;

/// The server-sent events of a response, each decoded into a `T`: a `Stream` of
/// `Result<T, Error>` (or [`EventStream::next_event`]), `Send`, `'static` and `Unpin`.
///
/// Made by the decoder of a streamed call: [`EventStream::data`] (each event's data is the
/// JSON of a `T`) or [`EventStream::whole`] (`T` describes the whole event, its name
/// included). The response must be `text/event-stream`: anything else (such as a JSON answer
/// from a server that ignored the request for a stream) fails the call with an
/// [`Error::Stream`] saying what was asked and what came.
///
/// - An event whose data is `[DONE]` ends the stream.
/// - An event that does not decode is an [`Error::Decode`] naming the event and the path of
///   the field; an event named `error` (with [`EventStream::data`]), or whose data does not
///   decode but is a JSON object with an `error` member, is an [`Error::ErrorEvent`]. Either
///   is yielded and the stream goes on (unless [`EventStream::stop_on_error`]).
/// - A stream cut off in the middle of an event ends with an [`Error::Stream`], a broken
///   connection with [`Error::Connection`], and no data within the call's timeout with
///   [`Error::Timeout`]: the stream ends after either.
///
/// Dropping it drops the connection.
///
/// ```ignore
/// let mut events = client.chat().create_completion_stream(&request).await?;
/// while let Some(chunk) = events.next_event().await? {
///     print!("{}", chunk.choices[0].delta.content.as_deref().unwrap_or(""));
/// }
/// ```
#[must_use = "dropping a stream closes its connection"]
pub struct EventStream<T> {
    events: RawEvents,
    decode: DecodeEvent<T>,
    stop_on_error: bool,
    done: bool,
    _item: PhantomData<fn() -> T>,
}

impl<T: DeserializeOwned + Send + 'static> EventStream<T> {
    /// The decoder of streams whose events' data is the JSON of a `T` (the common convention,
    /// e.g. OpenAI's). An event named `error` is an [`Error::ErrorEvent`].
    pub fn data(response: StreamResponse) -> Result<EventStream<T>, Error> {
        Ok(EventStream::from_raw(
            RawEvents::new(response)?,
            decode_data::<T>,
        ))
    }

    /// The decoder of streams where `T` describes the whole event: each event is decoded from
    /// the object `{"event": <name>, "data": <data>, "id": <id>, "retry": <milliseconds>}`
    /// (`id` and `retry` only when set), where `data` is the data parsed as JSON, or the data
    /// as a string when it is not JSON or `T` refuses the parsed form. `T` is typically an
    /// enum tagged by the event name (`#[serde(tag = "event")]`).
    ///
    /// An event `T` refuses is an [`Error::ErrorEvent`] when it is named `error` or its data
    /// is a JSON object with an `error` member (a `T` that describes error events gets them
    /// as values), else an [`Error::Decode`].
    pub fn whole(response: StreamResponse) -> Result<EventStream<T>, Error> {
        Ok(EventStream::from_raw(
            RawEvents::new(response)?,
            decode_whole::<T>,
        ))
    }
}

impl<T> EventStream<T> {
    fn from_raw(events: RawEvents, decode: DecodeEvent<T>) -> EventStream<T> {
        EventStream {
            events,
            decode,
            stop_on_error: false,
            done: false,
            _item: PhantomData,
        }
    }

    /// Ends the stream after the first error an event makes (by default, an event that does
    /// not decode or reports an error is yielded as an error and the next events follow).
    pub fn stop_on_error(mut self) -> Self {
        self.stop_on_error = true;
        self
    }

    /// The HTTP status (2xx).
    pub fn status(&self) -> StatusCode {
        self.events.status()
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        self.events.headers()
    }

    /// The last event id the server set, up to the last event yielded: what a reconnection
    /// sends as `Last-Event-ID` to resume after it.
    pub fn last_event_id(&self) -> Option<&str> {
        self.events.last_event_id()
    }

    /// The reconnection time the server asked for last (a `retry:` field), if it did.
    pub fn retry(&self) -> Option<Duration> {
        self.events.retry()
    }

    /// The response's [`StreamResponse`] (request id, attempts, bytes received).
    pub fn response(&self) -> &StreamResponse {
        self.events.response()
    }

    /// The rest of the stream as undecoded [`ServerEvent`]s (`[DONE]` included).
    pub fn into_raw(self) -> RawEvents {
        self.events
    }

    /// The next decoded event, `None` at the end of the stream.
    pub async fn next_event(&mut self) -> Result<Option<T>, Error> {
        std::future::poll_fn(|cx| self.poll_item(cx))
            .await
            .transpose()
    }

    fn poll_item(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<T, Error>>> {
        if self.done {
            return Poll::Ready(None);
        }
        let event = match std::task::ready!(self.events.poll_event(cx)) {
            None => {
                self.done = true;
                return Poll::Ready(None);
            }
            Some(Err(error)) => {
                self.done = true;
                return Poll::Ready(Some(Err(error)));
            }
            Some(Ok(event)) => event,
        };
        if event.data == DONE {
            self.done = true;
            self.events.close();
            return Poll::Ready(None);
        }
        let item = (self.decode)(&self.events.response.meta, &event);
        if item.is_err() && self.stop_on_error {
            self.done = true;
            self.events.close();
        }
        Poll::Ready(Some(item))
    }
}

/// [`EventStream::data`]: the data is the JSON of a `T`; an `error` event is an error.
fn decode_data<T: DeserializeOwned>(meta: &Meta, event: &ServerEvent) -> Result<T, Error> {
    if event.event == "error" {
        return Err(meta.error_event(event.describe(), &event.data));
    }
    meta.decode_str(&event.data, || event.describe())
}

/// [`EventStream::whole`]: `T` is decoded from the event as an object.
fn decode_whole<T: DeserializeOwned>(meta: &Meta, event: &ServerEvent) -> Result<T, Error> {
    let object = |data: Value| {
        let mut object = Map::with_capacity(4);
        object.insert("event".to_owned(), Value::String(event.event.clone()));
        object.insert("data".to_owned(), data);
        if let Some(id) = &event.id {
            object.insert("id".to_owned(), Value::String(id.clone()));
        }
        if let Some(retry) = event.retry {
            let millis = u64::try_from(retry.as_millis()).unwrap_or(u64::MAX);
            object.insert("retry".to_owned(), Value::from(millis));
        }
        Value::Object(object)
    };
    let parsed = serde_json::from_str::<Value>(&event.data).ok();
    let first = match &parsed {
        Some(json) => match serde_path_to_error::deserialize::<_, T>(object(json.clone())) {
            Ok(value) => return Ok(value),
            Err(error) => Some(error),
        },
        None => None,
    };
    let error = match serde_path_to_error::deserialize::<_, T>(object(event.data.clone().into())) {
        Ok(value) => return Ok(value),
        Err(error) => first.unwrap_or(error),
    };
    let reports_error = parsed
        .as_ref()
        .and_then(|json| json.get("error"))
        .is_some_and(|error| !error.is_null());
    if event.event == "error" || reports_error {
        return Err(meta.error_event(event.describe(), &event.data));
    }
    let path = error.path().to_string();
    Err(meta.decode_error(
        event.describe(),
        event.data.as_bytes(),
        path,
        error.into_inner(),
    ))
}

impl<T> fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream")
            .field("events", &self.events)
            .field("stop_on_error", &self.stop_on_error)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

// Nothing is pinned in place: the body is boxed.
impl<T> Unpin for EventStream<T> {}

impl<T> futures_core::Stream for EventStream<T> {
    type Item = Result<T, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_item(cx)
    }
}

#[cfg(feature = "blocking")]
pub use blocking::{BlockingEvents, BlockingRawEvents};

#[cfg(feature = "blocking")]
mod blocking {
    use std::iter::FusedIterator;

    use super::{Error, EventStream, RawEvents, ServerEvent};

    /// What to use inside an async runtime, where the blocking iterators refuse to run.
    const INSTEAD: &str = "`.await` `next_event()` or use the `Stream` instead";

    impl<T> EventStream<T> {
        /// The events as an `Iterator`, for programs without an async runtime (feature
        /// `blocking`): each `next()` waits for the next event on the runtime owned by the
        /// client, as [`Call::send_blocking`](super::super::Call::send_blocking) does (use it
        /// on a stream that call returned). It ends where [`EventStream::next_event`] would;
        /// used inside an async runtime, the first `next()` is an [`Error::InvalidRequest`]
        /// (and the last) instead of blocking it.
        pub fn blocking(self) -> BlockingEvents<T> {
            BlockingEvents(self)
        }
    }

    impl RawEvents {
        /// The events as an `Iterator` (feature `blocking`; see [`EventStream::blocking`]).
        pub fn blocking(self) -> BlockingRawEvents {
            BlockingRawEvents(self)
        }
    }

    /// The decoded events of an [`EventStream`] as an `Iterator`: from
    /// [`EventStream::blocking`].
    #[must_use = "dropping a stream closes its connection"]
    #[derive(Debug)]
    pub struct BlockingEvents<T>(EventStream<T>);

    impl<T> Iterator for BlockingEvents<T> {
        type Item = Result<T, Error>;

        fn next(&mut self) -> Option<Self::Item> {
            let stream = &mut self.0;
            if stream.done {
                return None;
            }
            let client = stream.events.response.client();
            let runtime = client.blocking_runtime();
            match runtime.block_on(stream.next_event(), "EventStream::blocking", INSTEAD) {
                Ok(item) => item.transpose(),
                Err(error) => {
                    stream.done = true;
                    stream.events.close();
                    Some(Err(error))
                }
            }
        }
    }

    impl<T> FusedIterator for BlockingEvents<T> {}

    /// The events of a [`RawEvents`] as an `Iterator`: from [`RawEvents::blocking`].
    #[must_use = "dropping a stream closes its connection"]
    #[derive(Debug)]
    pub struct BlockingRawEvents(RawEvents);

    impl Iterator for BlockingRawEvents {
        type Item = Result<ServerEvent, Error>;

        fn next(&mut self) -> Option<Self::Item> {
            let events = &mut self.0;
            if events.done && events.at >= events.chunk.len() {
                return None;
            }
            let client = events.response.client();
            let runtime = client.blocking_runtime();
            match runtime.block_on(events.next_event(), "RawEvents::blocking", INSTEAD) {
                Ok(event) => event.transpose(),
                Err(error) => {
                    events.close();
                    Some(Err(error))
                }
            }
        }
    }

    impl FusedIterator for BlockingRawEvents {}
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(chunks: &[&[u8]]) -> (Vec<ServerEvent>, Option<String>) {
        let mut parser = Parser::default();
        let mut events = Vec::new();
        for chunk in chunks {
            let mut at = 0;
            while at < chunk.len() {
                let (read, event) = parser.feed(&chunk[at..]);
                at += read;
                events.extend(event);
            }
        }
        (events, parser.unfinished())
    }

    #[test]
    fn fields_and_line_ends() {
        let (events, unfinished) = parse(&[
            b"\xEF\xBB\xBF: comment\r\ndata: a\rdata:b\n\nevent: e\nid: 1\nretry: 5\ndata\n\n",
            b"id: x\0y\ndata:  two spaces\nunknown: z\n\nretry: 1x\ndata: c\n\n",
        ]);
        assert_eq!(unfinished, None);
        let summary: Vec<_> = events
            .iter()
            .map(|e| (e.event(), e.data(), e.id(), e.retry()))
            .collect();
        assert_eq!(
            summary,
            [
                ("message", "a\nb", None, None),
                ("e", "", Some("1"), Some(Duration::from_millis(5))),
                ("message", " two spaces", Some("1"), None),
                ("message", "c", Some("1"), None),
            ]
        );
    }

    #[test]
    fn a_split_bom_and_crlf() {
        let (events, _) = parse(&[b"\xEF", b"\xBB", b"\xBFdata: a\r", b"\n\r", b"\n"]);
        assert_eq!(events, [ServerEvent::new("message", "a")]);
        // Not a BOM: the bytes are the start of the first line (a field named so).
        let (events, _) = parse(&[b"\xEF\xBB", b"data: a\n\ndata: b\n\n"]);
        assert_eq!(events, [ServerEvent::new("message", "b")]);
    }

    #[test]
    fn unfinished_events() {
        assert!(parse(&[b"data: a\n\ndata: b"]).1.is_some());
        assert!(parse(&[b"data: a\n\ndata: b\n"]).1.is_some());
        assert_eq!(parse(&[b"data: a\n\n: bye\n"]).1, None);
    }
}
