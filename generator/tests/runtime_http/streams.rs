//! Streamed calls over real loopback HTTP: server-sent events, JSON lines, binary downloads and
//! streamed uploads. A small hand-written TCP server sends bodies split exactly where a test
//! wants (each piece one HTTP chunk, which the client never merges with the next), ends them
//! cleanly, cuts them off, or keeps them open and reports when the client closes the
//! connection; wiremock serves the rest.

use std::io::Read;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::StreamExt;
use reqwest::Method;
use runtime_http::runtime::{
    ByteStream, EventStream, JsonLines, Part, QueryStyle, RawEvents, Request, ServerEvent,
    StreamResponse,
};
use runtime_http::{Call, Client, ClientBuilder, Error, Upload};
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

// --- A server that splits bodies exactly -------------------------------------------------------

/// A request the hand-written server received.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    /// Path and query.
    target: String,
    /// Lowercase names.
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The value of query parameter `name`.
    fn query(&self, name: &str) -> Option<usize> {
        let query = self.target.split_once('?')?.1;
        query
            .split('&')
            .find_map(|pair| pair.strip_prefix(&format!("{name}=")))
            .map(|value| value.parse().unwrap())
    }
}

/// How the server frames the body.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Framing {
    /// `Transfer-Encoding: chunked`, one chunk per piece.
    Chunked,
    /// No length: the body ends when the server closes the connection (a clean end).
    Close,
}

/// What the server does after the pieces.
#[derive(Debug, Clone, Copy, PartialEq)]
enum End {
    /// Ends the body properly.
    Finish,
    /// Drops the connection (a chunked body without its last chunk: broken off).
    Cut,
    /// Keeps the connection open, counting it in `closed` once the client closes it.
    Hang,
}

#[derive(Debug, Clone)]
struct Reply {
    status: u16,
    content_type: Option<String>,
    pieces: Vec<Vec<u8>>,
    framing: Framing,
    end: End,
    /// No response at all: the connection stays open.
    no_head: bool,
}

impl Reply {
    fn new(content_type: &str, pieces: Vec<Vec<u8>>) -> Reply {
        Reply {
            status: 200,
            content_type: Some(content_type.to_owned()),
            pieces,
            framing: Framing::Chunked,
            end: End::Finish,
            no_head: false,
        }
    }

    fn events(pieces: &[&str]) -> Reply {
        let pieces = pieces.iter().map(|p| p.as_bytes().to_vec()).collect();
        Reply::new("text/event-stream; charset=utf-8", pieces)
    }

    fn end(mut self, end: End) -> Reply {
        self.end = end;
        self
    }

    fn framing(mut self, framing: Framing) -> Reply {
        self.framing = framing;
        self
    }
}

type Handler = Arc<dyn Fn(&Seen) -> Reply + Send + Sync>;

struct TcpServer {
    base: String,
    /// Connections the client closed while the server kept them open.
    closed: Arc<AtomicUsize>,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl TcpServer {
    async fn start(handler: impl Fn(&Seen) -> Reply + Send + Sync + 'static) -> TcpServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let handler: Handler = Arc::new(handler);
        let closed = Arc::new(AtomicUsize::new(0));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (counter, record) = (closed.clone(), seen.clone());
        tokio::spawn(async move {
            loop {
                let (socket, _) = listener.accept().await.unwrap();
                let (handler, counter, record) = (handler.clone(), counter.clone(), record.clone());
                tokio::spawn(serve(socket, handler, counter, record));
            }
        });
        TcpServer { base, closed, seen }
    }

    /// A server on a thread and runtime of its own, for tests without an async runtime. It
    /// lives as long as the test program.
    fn start_on_thread(handler: impl Fn(&Seen) -> Reply + Send + Sync + 'static) -> String {
        let (base_tx, base_rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let server = TcpServer::start(handler).await;
                base_tx.send(server.base.clone()).unwrap();
                std::future::pending::<()>().await;
            });
        });
        base_rx.recv().unwrap()
    }

    fn client(&self) -> Client {
        builder(&self.base).build().unwrap()
    }

    /// Waits up to 5 seconds for `count` connections to be closed by the client.
    async fn wait_closed(&self, count: usize) -> bool {
        for _ in 0..500 {
            if self.closed.load(Ordering::SeqCst) >= count {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        false
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

async fn serve(
    mut socket: TcpStream,
    handler: Handler,
    closed: Arc<AtomicUsize>,
    seen: Arc<Mutex<Vec<Seen>>>,
) {
    let Some(request) = read_request(&mut socket).await else {
        return;
    };
    let reply = handler(&request);
    seen.lock().unwrap().push(request);
    if reply.no_head {
        wait_for_close(&mut socket).await;
        closed.fetch_add(1, Ordering::SeqCst);
        return;
    }
    let mut head = format!("HTTP/1.1 {} Whatever\r\n", reply.status);
    if let Some(content_type) = &reply.content_type {
        head.push_str(&format!("content-type: {content_type}\r\n"));
    }
    if reply.framing == Framing::Chunked {
        head.push_str("transfer-encoding: chunked\r\n");
    }
    head.push_str("x-request-id: stream-1\r\nconnection: close\r\n\r\n");
    if socket.write_all(head.as_bytes()).await.is_err() {
        return;
    }
    for piece in reply.pieces.iter().filter(|piece| !piece.is_empty()) {
        let mut framed = Vec::new();
        match reply.framing {
            Framing::Chunked => {
                framed.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
                framed.extend_from_slice(piece);
                framed.extend_from_slice(b"\r\n");
            }
            Framing::Close => framed.extend_from_slice(piece),
        }
        if socket.write_all(&framed).await.is_err() || socket.flush().await.is_err() {
            // The client closed the connection before the body was written.
            if reply.end == End::Hang {
                closed.fetch_add(1, Ordering::SeqCst);
            }
            return;
        }
    }
    match reply.end {
        End::Finish => {
            if reply.framing == Framing::Chunked {
                let _ = socket.write_all(b"0\r\n\r\n").await;
            }
            let _ = socket.shutdown().await;
        }
        End::Cut => drop(socket),
        End::Hang => {
            wait_for_close(&mut socket).await;
            closed.fetch_add(1, Ordering::SeqCst);
        }
    }
}

/// Reads one request: its head, and a body of `Content-Length` bytes.
async fn read_request(socket: &mut TcpStream) -> Option<Seen> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_owned();
    let target = request_line.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .map_or(0, |(_, v)| v.parse().unwrap());
    let mut body = buffer[head_end + 4..].to_vec();
    while body.len() < length {
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Seen {
        method,
        target,
        headers,
        body,
    })
}

async fn wait_for_close(socket: &mut TcpStream) {
    let mut chunk = [0u8; 1024];
    while let Ok(n) = socket.read(&mut chunk).await {
        if n == 0 {
            break;
        }
    }
}

// --- Helpers -----------------------------------------------------------------------------------

fn builder(base: &str) -> ClientBuilder {
    Client::builder()
        .base_url(base)
        .retry_backoff(Duration::from_millis(1), Duration::from_millis(5))
}

fn get(path: &'static str) -> Request {
    Request::new(Method::GET, path, &[]).unwrap()
}

fn post(path: &'static str) -> Request {
    Request::new(Method::POST, path, &[]).unwrap()
}

/// A streamed call of server-sent events whose data is the JSON of a `T`.
fn events<T: serde::de::DeserializeOwned + Send + 'static>(
    client: &Client,
    request: Request,
) -> Call<EventStream<T>> {
    let request = request.accept("text/event-stream");
    Call::stream(client, "events", Ok(request), EventStream::<T>::data)
}

/// A streamed call of raw server-sent events.
fn raw_events(client: &Client, request: Request) -> Call<RawEvents> {
    Call::stream(client, "raw_events", Ok(request), RawEvents::new)
}

fn lines<T: serde::de::DeserializeOwned + Send + 'static>(
    client: &Client,
    path: &'static str,
) -> Call<JsonLines<T>> {
    Call::stream(client, "lines", Ok(get(path)), JsonLines::<T>::new)
}

fn bytes(client: &Client, path: &'static str) -> Call<ByteStream> {
    let open: fn(StreamResponse) -> Result<ByteStream, Error> = ByteStream::new;
    Call::stream(client, "download", Ok(get(path)), open)
}

/// `(event, data, id, retry)` of each event.
type Summary = (String, String, Option<String>, Option<Duration>);

fn summary(event: &ServerEvent) -> Summary {
    (
        event.event().to_owned(),
        event.data().to_owned(),
        event.id().map(str::to_owned),
        event.retry(),
    )
}

fn split(text: &[u8], at: &[usize]) -> Vec<Vec<u8>> {
    let mut pieces = Vec::new();
    let mut start = 0;
    for &end in at {
        pieces.push(text[start..end].to_vec());
        start = end;
    }
    pieces.push(text[start..].to_vec());
    pieces
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct Delta {
    index: u32,
    text: String,
}

fn delta(index: u32, text: &str) -> Delta {
    Delta {
        index,
        text: text.to_owned(),
    }
}

// --- Server-sent events ------------------------------------------------------------------------

/// A recorded stream with every rule of the event-stream interpretation: a BOM, a comment, a
/// `retry`, `id`s (kept from event to event, and reset), multi-line data with and without the
/// space after the colon, CR, LF and CRLF line ends, a field without a colon, an unknown
/// field, an event without data (not dispatched), multi-byte UTF-8, and `[DONE]`.
const RECORDED: &str = concat!(
    "\u{FEFF}: a comment\r\n",
    "retry: 2500\n",
    "id: 1\n",
    "event: greeting\n",
    "data: {\"text\": \"héllo 日本 🎉\"}\n",
    "\n",
    "data: line one\r",
    "data:line two\r",
    "data:  indented\r\r",
    "id: 2\r\n",
    "unknown: field\r\n",
    "data\r\n",
    "data: ✓\r\n\r\n",
    "event: empty\n\n",
    "id\n",
    "data: [DONE]\n\n",
);

fn recorded_events() -> Vec<Summary> {
    let s = |text: &str| text.to_owned();
    vec![
        (
            s("greeting"),
            s("{\"text\": \"héllo 日本 🎉\"}"),
            Some(s("1")),
            Some(Duration::from_millis(2500)),
        ),
        (
            s("message"),
            s("line one\nline two\n indented"),
            Some(s("1")),
            None,
        ),
        (s("message"), s("\n✓"), Some(s("2")), None),
        (s("message"), s("[DONE]"), None, None),
    ]
}

async fn collect_raw(client: &Client, request: Request) -> (Vec<Summary>, RawEvents) {
    let mut stream = raw_events(client, request).await.unwrap();
    let mut seen = Vec::new();
    while let Some(event) = stream.next_event().await.unwrap() {
        seen.push(summary(&event));
    }
    (seen, stream)
}

#[tokio::test]
async fn events_split_at_every_byte_offset_decode_the_same() {
    let text = RECORDED.as_bytes();
    let server = TcpServer::start(move |seen| match seen.query("split") {
        Some(at) => Reply::new("text/event-stream", split(text, &[at])),
        // One byte per chunk.
        None => Reply::new(
            "text/event-stream",
            text.iter().map(|byte| vec![*byte]).collect(),
        ),
    })
    .await;
    let client = server.client();
    let expected = recorded_events();
    for at in 0..=text.len() {
        let request = get("/recorded")
            .query("split", &at, QueryStyle::Form)
            .unwrap();
        // The client receives the two pieces as they were sent.
        let call = Call::stream(&client, "bytes", Ok(request.clone()), ByteStream::new);
        let chunks: Vec<Vec<u8>> = call
            .await
            .unwrap()
            .map(|chunk| chunk.unwrap().to_vec())
            .collect()
            .await;
        let pieces: Vec<Vec<u8>> = split(text, &[at])
            .into_iter()
            .filter(|piece| !piece.is_empty())
            .collect();
        assert_eq!(chunks, pieces, "split at byte {at}");
        let (seen, stream) = collect_raw(&client, request).await;
        assert_eq!(seen, expected, "split at byte {at}");
        // The last `id` field was empty: no last event id any more.
        assert_eq!(stream.last_event_id(), None, "split at byte {at}");
        assert_eq!(stream.retry(), Some(Duration::from_millis(2500)));
    }
    let (seen, _) = collect_raw(&client, get("/bytes")).await;
    assert_eq!(seen, expected, "one byte per chunk");
}

#[tokio::test]
async fn events_decode_as_data_with_errors_in_between() {
    let stream_text = concat!(
        "id: 10\n",
        "data: {\"index\": 0, \"text\": \"a\"}\n\n",
        "data: {\"index\": \"one\", \"text\": \"b\"}\n\n",
        ": keep-alive\n\n",
        "event: error\n",
        "data: {\"error\": {\"code\": 529, \"message\": \"overloaded\"}}\n\n",
        "id: 11\n",
        "data: {\"error\": \"bad things\"}\n\n",
        "data: {\"index\": 3, \"text\": \"d\"}\n\n",
        "data: [DONE]\n\n",
        "data: {\"index\": 4, \"text\": \"after the end\"}\n\n",
    );
    let server = TcpServer::start(move |_| {
        Reply::new(
            "text/event-stream",
            split(stream_text.as_bytes(), &[20, 21, 75]),
        )
    })
    .await;
    let client = server.client();
    let response = events::<Delta>(&client, get("/stream"))
        .with_response()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.request_id(), Some("stream-1"));
    let mut stream = response.into_inner();
    assert_eq!(stream.status().as_u16(), 200);
    assert_eq!(stream.headers()["x-request-id"], "stream-1");
    assert_eq!(stream.last_event_id(), None);

    assert_eq!(stream.next_event().await.unwrap(), Some(delta(0, "a")));
    assert_eq!(stream.last_event_id(), Some("10"));

    // A field that does not decode: named with the event, and the stream goes on.
    let error = stream.next_event().await.unwrap_err();
    match &error {
        Error::Decode { path, item, .. } => {
            assert_eq!(path, "index");
            assert_eq!(
                item.as_deref().map(String::as_str),
                Some("event `message` (id 10)")
            );
        }
        other => panic!("{other:?}"),
    }
    let message = error.to_string();
    assert!(message.contains("event `message` (id 10)"), "{message}");
    assert!(message.contains("at `index`"), "{message}");
    assert!(message.contains("\"one\""), "{message}");

    // An `error` event.
    let error = stream.next_event().await.unwrap_err();
    assert!(matches!(error, Error::ErrorEvent { .. }), "{error:?}");
    let message = error.to_string();
    assert!(message.contains("event `error` (id 10)"), "{message}");
    assert!(message.contains("error 529: overloaded"), "{message}");
    assert!(message.contains("data: {\"error\""), "{message}");

    // Data that does not decode but reports an error.
    let error = stream.next_event().await.unwrap_err();
    match &error {
        Error::ErrorEvent { item, data, .. } => {
            assert_eq!(item, "event `message` (id 11)");
            assert_eq!(data, "{\"error\": \"bad things\"}");
        }
        other => panic!("{other:?}"),
    }
    assert!(error.to_string().contains("bad things"), "{error}");

    // Then the stream goes on, through the `Stream` trait too; `[DONE]` ends it.
    assert_eq!(stream.next().await.unwrap().unwrap(), delta(3, "d"));
    assert!(stream.next().await.is_none());
    assert!(stream.next_event().await.unwrap().is_none());
}

#[tokio::test]
async fn stop_on_error_ends_the_stream_after_the_first_error() {
    let server = TcpServer::start(|_| {
        Reply::events(&[
            "data: {\"index\": 0, \"text\": \"a\"}\n\n",
            "data: {\"index\": -1, \"text\": \"b\"}\n\n",
            "data: {\"index\": 2, \"text\": \"c\"}\n\n",
        ])
        .end(End::Hang)
    })
    .await;
    let client = server.client();
    let mut stream = events::<Delta>(&client, get("/stream"))
        .await
        .unwrap()
        .stop_on_error();
    assert_eq!(stream.next_event().await.unwrap(), Some(delta(0, "a")));
    let error = stream.next_event().await.unwrap_err();
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    assert_eq!(stream.next_event().await.unwrap(), None);
    // Stopping closed the connection.
    assert!(server.wait_closed(1).await);
}

/// Anthropic's convention: the event name says what the data is.
#[derive(Debug, PartialEq, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
enum Tagged {
    MessageStart { data: Value },
    Ping { data: String },
    ContentBlockDelta { data: Delta, id: Option<String> },
}

/// A whole event as a struct.
#[derive(Debug, PartialEq, Deserialize)]
struct Whole {
    event: String,
    data: Delta,
    id: Option<String>,
    retry: Option<u64>,
}

#[tokio::test]
async fn whole_events_decode_into_an_enum_tagged_by_the_event_name() {
    let server = TcpServer::start(|seen| match seen.target.as_str() {
        "/tagged" => Reply::events(&[concat!(
            "event: message_start\ndata: {\"model\": \"m\"}\n\n",
            "event: ping\ndata: keep-alive\n\n",
            "event: ping\ndata: 42\n\n",
            "id: 7\nevent: content_block_delta\ndata: {\"index\": 0, \"text\": \"x\"}\n\n",
            "event: unknown_event\ndata: {}\n\n",
            "event: error\ndata: {\"type\": \"error\", \"error\": {\"message\": \"overloaded\"}}\n\n",
            "event: content_block_delta\ndata: {\"index\": 1, \"text\": \"y\"}\n\n",
        )]),
        _ => Reply::events(&[concat!(
            "event: delta\nid: 1\nretry: 10\ndata: {\"index\": 0, \"text\": \"x\"}\n\n",
            "event: delta\ndata: {\"index\": \"zero\", \"text\": \"y\"}\n\n",
        )]),
    })
    .await;
    let client = server.client();
    let call = Call::stream(
        &client,
        "tagged",
        Ok(get("/tagged")),
        EventStream::<Tagged>::whole,
    );
    let mut stream = call.await.unwrap();
    assert_eq!(
        stream.next_event().await.unwrap(),
        Some(Tagged::MessageStart {
            data: json!({"model": "m"})
        })
    );
    // Not JSON: the data as a string.
    assert_eq!(
        stream.next_event().await.unwrap(),
        Some(Tagged::Ping {
            data: "keep-alive".into()
        })
    );
    // JSON that `T` refuses in its parsed form: the data as a string.
    assert_eq!(
        stream.next_event().await.unwrap(),
        Some(Tagged::Ping { data: "42".into() })
    );
    assert_eq!(
        stream.next_event().await.unwrap(),
        Some(Tagged::ContentBlockDelta {
            data: delta(0, "x"),
            id: Some("7".into())
        })
    );
    let error = stream.next_event().await.unwrap_err();
    match &error {
        Error::Decode { item, .. } => assert_eq!(
            item.as_deref().map(String::as_str),
            Some("event `unknown_event` (id 7)")
        ),
        other => panic!("{other:?}"),
    }
    assert!(error.to_string().contains("unknown_event"), "{error}");
    let error = stream.next_event().await.unwrap_err();
    assert!(matches!(error, Error::ErrorEvent { .. }), "{error:?}");
    assert!(error.to_string().contains("overloaded"), "{error}");
    assert_eq!(
        stream.next_event().await.unwrap(),
        Some(Tagged::ContentBlockDelta {
            data: delta(1, "y"),
            id: Some("7".into())
        })
    );
    assert_eq!(stream.next_event().await.unwrap(), None);

    // A struct of the whole event: `id` and `retry` come along; a failure names the field.
    let call = Call::stream(
        &client,
        "whole",
        Ok(get("/whole")),
        EventStream::<Whole>::whole,
    );
    let mut stream = call.await.unwrap();
    assert_eq!(
        stream.next_event().await.unwrap(),
        Some(Whole {
            event: "delta".into(),
            data: delta(0, "x"),
            id: Some("1".into()),
            retry: Some(10),
        })
    );
    match stream.next_event().await.unwrap_err() {
        Error::Decode { path, item, .. } => {
            assert_eq!(path, "data.index");
            assert_eq!(
                item.as_deref().map(String::as_str),
                Some("event `delta` (id 1)")
            );
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_stream_that_ends_in_the_middle_of_an_event_is_an_error() {
    let server = TcpServer::start(|seen| {
        let reply = match seen.target.as_str() {
            // Data lines not followed by a blank line.
            "/data" => Reply::events(&["data: {\"index\": 0, \"text\": \"a\"}\n\n", "data: {"]),
            "/pending" => Reply::events(&[
                "data: {\"index\": 0, \"text\": \"a\"}\n\n",
                "data: {\"index\": 1, \"text\": \"b\"}\n",
            ]),
            // A chunked body broken off.
            _ => Reply::events(&["data: {\"index\": 0, \"text\": \"a\"}\n\n", "data: {"])
                .end(End::Cut),
        };
        match seen.target.as_str() {
            "/cut" => reply,
            _ => reply.framing(Framing::Close),
        }
    })
    .await;
    let client = server.client();
    for (path, expected) in [
        ("/data", "within a line: `data: {`"),
        ("/pending", "its data was not followed by a blank line"),
    ] {
        let request = Request::new(Method::GET, path, &[]).unwrap();
        let mut stream = events::<Delta>(&client, request).await.unwrap();
        assert_eq!(stream.next_event().await.unwrap(), Some(delta(0, "a")));
        let error = stream.next_event().await.unwrap_err();
        assert!(matches!(error, Error::Stream { .. }), "{error:?}");
        let message = error.to_string();
        assert!(
            message.contains("ended in the middle of an event"),
            "{message}"
        );
        assert!(message.contains(expected), "{message}");
        assert_eq!(stream.next_event().await.unwrap(), None);
    }
    let mut stream = events::<Delta>(&client, get("/cut")).await.unwrap();
    assert_eq!(stream.next_event().await.unwrap(), Some(delta(0, "a")));
    let error = stream.next_event().await.unwrap_err();
    assert!(error.is_connection(), "{error:?}");
    assert_eq!(stream.next_event().await.unwrap(), None);
}

#[tokio::test]
async fn an_idle_stream_times_out_and_the_head_has_the_call_timeout() {
    let server = TcpServer::start(|seen| match seen.target.as_str() {
        "/idle" => Reply::events(&["data: {\"index\": 0, \"text\": \"a\"}\n\n"]).end(End::Hang),
        _ => Reply {
            no_head: true,
            ..Reply::events(&[])
        },
    })
    .await;
    let client = server.client();
    let mut stream = events::<Delta>(&client, get("/idle"))
        .timeout(Duration::from_millis(300))
        .await
        .unwrap();
    // The timeout is per read, not for the whole stream.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(stream.next_event().await.unwrap(), Some(delta(0, "a")));
    let started = std::time::Instant::now();
    let error = stream.next_event().await.unwrap_err();
    assert!(started.elapsed() >= Duration::from_millis(250));
    match &error {
        Error::Timeout { idle, timeout, .. } => {
            assert!(*idle);
            assert_eq!(*timeout, Duration::from_millis(300));
        }
        other => panic!("{other:?}"),
    }
    assert!(
        error.to_string().contains("no data from the open stream"),
        "{error}"
    );
    assert_eq!(stream.next_event().await.unwrap(), None);
    assert!(server.wait_closed(1).await);

    // No head within the timeout: a timeout of the attempt, retried like any other.
    let error = events::<Delta>(&client, get("/silent"))
        .timeout(Duration::from_millis(200))
        .max_retries(1)
        .await
        .unwrap_err();
    match &error {
        Error::Timeout { idle, attempts, .. } => {
            assert!(!*idle);
            assert_eq!(*attempts, 2);
        }
        other => panic!("{other:?}"),
    }
    assert!(
        error.to_string().contains("no complete response within"),
        "{error}"
    );
}

#[tokio::test]
async fn dropping_a_stream_closes_its_connection() {
    let server = TcpServer::start(|_| {
        let mut reply =
            Reply::events(&["data: {\"index\": 0, \"text\": \"a\"}\n\n"]).end(End::Hang);
        // More of the body, never read.
        reply.pieces.push(vec![b':'; 1024]);
        reply
    })
    .await;
    let client = server.client();
    let mut stream = events::<Delta>(&client, get("/forever")).await.unwrap();
    assert_eq!(stream.next_event().await.unwrap(), Some(delta(0, "a")));
    assert_eq!(server.closed.load(Ordering::SeqCst), 0);
    drop(stream);
    assert!(server.wait_closed(1).await, "the server saw no close");

    // Also for a stream never read, and a byte stream.
    let stream = events::<Delta>(&client, get("/forever")).await.unwrap();
    drop(stream);
    assert!(server.wait_closed(2).await, "the server saw no close");
    let download = bytes(&client, "/forever").await.unwrap();
    drop(download);
    assert!(server.wait_closed(3).await, "the server saw no close");
}

#[tokio::test]
async fn json_answered_to_a_stream_request_is_an_error() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"index": 0, "text": "not a stream"})),
        )
        .mount(&server)
        .await;
    let client = builder(&server.uri()).build().unwrap();
    let error = events::<Delta>(&client, get("/stream")).await.unwrap_err();
    assert!(matches!(error, Error::Stream { .. }), "{error:?}");
    let message = error.to_string();
    assert!(
        message.contains(
            "asked for server-sent events (text/event-stream), but the 200 OK response has \
             `application/json`"
        ),
        "{message}"
    );
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    // The request asked for a stream.
    let received = server.received_requests().await.unwrap();
    assert_eq!(received[0].headers["accept"], "text/event-stream");

    // JSON lines refuse what is not JSON.
    server.reset().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_raw("a\nb\n", "text/plain"))
        .mount(&server)
        .await;
    let error = lines::<Value>(&client, "/lines").await.unwrap_err();
    assert!(matches!(error, Error::Stream { .. }), "{error:?}");
    assert!(error.to_string().contains("`text/plain`"), "{error}");
}

#[tokio::test]
async fn a_stream_call_retries_until_the_head_and_fails_with_api_errors() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(wiremock::matchers::path("/stream"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            "data: {\"index\": 0, \"text\": \"a\"}\n\n",
            "text/event-stream",
        ))
        .mount(&server)
        .await;
    Mock::given(wiremock::matchers::path("/limited"))
        .respond_with(
            ResponseTemplate::new(429)
                .set_body_json(json!({"error": {"message": "slow down"}}))
                .insert_header("x-should-retry", "false"),
        )
        .mount(&server)
        .await;
    let client = builder(&server.uri()).token("tok").build().unwrap();
    const BEARER: &[&[runtime_http::Auth]] = &[&[runtime_http::Auth::bearer()]];
    let response = events::<Delta>(&client, get("/stream").auth(BEARER))
        .with_response()
        .await
        .unwrap();
    assert_eq!(response.attempts(), 2);
    let mut stream = response.into_inner();
    assert_eq!(stream.next_event().await.unwrap(), Some(delta(0, "a")));
    assert_eq!(stream.next_event().await.unwrap(), None);
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 2);
    assert!(
        received
            .iter()
            .all(|r| r.headers["authorization"] == "Bearer tok")
    );

    let error = events::<Delta>(&client, get("/limited")).await.unwrap_err();
    let api = error.api().unwrap_or_else(|| panic!("{error:?}"));
    assert_eq!(api.status().as_u16(), 429);
    assert_eq!(api.message(), Some("slow down"));
}

// --- JSON lines --------------------------------------------------------------------------------

#[tokio::test]
async fn json_lines_split_across_chunks() {
    let ndjson = concat!(
        "{\"index\": 0, \"text\": \"a\"}\n",
        "\r\n",
        "\n",
        "{\"index\": 1, \"text\": \"b\"}\r\n",
        "{\"index\": \"x\", \"text\": \"c\"}\n",
        "{\"error\": \"boom\"}\n",
        "{\"index\": 4, \"text\": \"é\"}",
    );
    let e_acute = ndjson.find('é').unwrap();
    let sequence = "\x1e{\"index\": 0,\n \"text\": \"a\"}\n\x1e{\"index\": 1, \"text\": \"b\"}\n";
    let server = TcpServer::start(move |seen| match seen.target.as_str() {
        "/ndjson" => Reply::new(
            "application/x-ndjson",
            split(ndjson.as_bytes(), &[5, 12, 40, e_acute + 1]),
        ),
        "/watch" => Reply::new(
            "application/json;stream=watch",
            split(
                b"{\"index\": 0, \"text\": \"w\"}\n{\"index\": 1, \"text\": \"v\"}\n",
                &[30],
            ),
        ),
        "/seq" => Reply::new("application/json-seq", split(sequence.as_bytes(), &[3, 30])),
        _ => Reply::new(
            "application/jsonl",
            split(
                b"{\"index\": 0, \"text\": \"a\"}\n{\"index\": 1, \"te",
                &[10],
            ),
        ),
    })
    .await;
    let client = server.client();

    let mut stream = lines::<Delta>(&client, "/ndjson").await.unwrap();
    assert_eq!(stream.status().as_u16(), 200);
    assert_eq!(stream.headers()["content-type"], "application/x-ndjson");
    assert_eq!(stream.next_item().await.unwrap(), Some(delta(0, "a")));
    assert_eq!(stream.next_item().await.unwrap(), Some(delta(1, "b")));
    let error = stream.next_item().await.unwrap_err();
    match &error {
        Error::Decode { path, item, .. } => {
            assert_eq!(path, "index");
            assert_eq!(item.as_deref().map(String::as_str), Some("line 5"));
        }
        other => panic!("{other:?}"),
    }
    assert!(error.to_string().contains("line 5"), "{error}");
    let error = stream.next_item().await.unwrap_err();
    match &error {
        Error::ErrorEvent { item, .. } => assert_eq!(item, "line 6"),
        other => panic!("{other:?}"),
    }
    // The last line has no line end, and is complete.
    assert_eq!(stream.next().await.unwrap().unwrap(), delta(4, "é"));
    assert!(stream.next().await.is_none());

    let watch: Vec<Delta> = lines::<Delta>(&client, "/watch")
        .await
        .unwrap()
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(watch, [delta(0, "w"), delta(1, "v")]);

    let sequence: Vec<Delta> = lines::<Delta>(&client, "/seq")
        .await
        .unwrap()
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(sequence, [delta(0, "a"), delta(1, "b")]);

    // A last line cut off in the middle of a value.
    let mut stream = lines::<Delta>(&client, "/partial").await.unwrap();
    assert_eq!(stream.next_item().await.unwrap(), Some(delta(0, "a")));
    let error = stream.next_item().await.unwrap_err();
    assert!(matches!(error, Error::Stream { .. }), "{error:?}");
    let message = error.to_string();
    assert!(
        message.contains("ended in the middle of a value, in line 2"),
        "{message}"
    );
    assert_eq!(stream.next_item().await.unwrap(), None);
}

// --- Downloads ---------------------------------------------------------------------------------

/// 256 KiB of varied bytes.
fn large_body() -> Vec<u8> {
    (0..256 * 1024).map(|i: u32| (i * 7 % 251) as u8).collect()
}

#[tokio::test]
async fn a_download_larger_than_the_limit_is_read_piece_by_piece_and_saved() {
    let body = large_body();
    let pieces: Vec<Vec<u8>> = body.chunks(4096).map(<[u8]>::to_vec).collect();
    let server =
        TcpServer::start(move |_| Reply::new("application/octet-stream", pieces.clone())).await;
    let client = builder(&server.base)
        .max_response_bytes(64 * 1024)
        .build()
        .unwrap();

    // Piece by piece: no limit.
    let mut download = bytes(&client, "/file").await.unwrap();
    assert_eq!(download.content_type(), Some("application/octet-stream"));
    assert_eq!(download.content_length(), None);
    let mut received = Vec::new();
    let mut chunks = 0;
    while let Some(chunk) = download.next().await {
        let chunk = chunk.unwrap();
        assert!(chunk.len() <= 64 * 1024);
        received.extend_from_slice(&chunk);
        chunks += 1;
    }
    assert!(chunks > 1);
    assert_eq!(received, body);

    // Saved to a file.
    let path = std::env::temp_dir().join(format!("runtime-http-download-{}", std::process::id()));
    let written = bytes(&client, "/file")
        .await
        .unwrap()
        .save(&path)
        .await
        .unwrap();
    assert_eq!(written, body.len() as u64);
    assert_eq!(std::fs::read(&path).unwrap(), body);
    std::fs::remove_file(&path).unwrap();

    // Into any `AsyncWrite`.
    let mut sink = Vec::new();
    let written = bytes(&client, "/file")
        .await
        .unwrap()
        .copy_to(&mut sink)
        .await
        .unwrap();
    assert_eq!(written, body.len() as u64);
    assert_eq!(sink, body);

    // Into memory: only up to the client's limit.
    let error = bytes(&client, "/file")
        .await
        .unwrap()
        .collect()
        .await
        .unwrap_err();
    match &error {
        Error::ResponseTooLarge {
            limit, declared, ..
        } => {
            assert_eq!(*limit, 64 * 1024);
            assert_eq!(*declared, None);
        }
        other => panic!("{other:?}"),
    }
    let small = builder(&server.base)
        .max_response_bytes(1 << 20)
        .build()
        .unwrap();
    let all = bytes(&small, "/file")
        .await
        .unwrap()
        .collect()
        .await
        .unwrap();
    assert_eq!(all, body);

    // A `Content-Length` over the limit is refused before reading.
    let mock = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_bytes(large_body()))
        .mount(&mock)
        .await;
    let client = builder(&mock.uri())
        .max_response_bytes(64 * 1024)
        .build()
        .unwrap();
    let download = bytes(&client, "/file").await.unwrap();
    assert_eq!(download.content_length(), Some(256 * 1024));
    match download.collect().await.unwrap_err() {
        Error::ResponseTooLarge { declared, .. } => assert_eq!(declared, Some(256 * 1024)),
        other => panic!("{other:?}"),
    }
    // Whole calls still refuse it.
    let error = client.execute(get("/file")).await.unwrap_err();
    assert!(matches!(error, Error::ResponseTooLarge { .. }), "{error:?}");
}

// --- Uploads -----------------------------------------------------------------------------------

/// A server that answers 503 with `Retry-After` once (a POST is retried only then), then 200.
async fn busy_once() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "0"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn a_file_upload_is_streamed_and_reopened_for_a_retry() {
    let body = large_body();
    let path = std::env::temp_dir().join(format!("runtime-http-upload-{}.bin", std::process::id()));
    std::fs::write(&path, &body).unwrap();
    let upload = Upload::from_path(&path);
    assert_eq!(
        upload.file_name(),
        path.file_name().unwrap().to_str().unwrap()
    );
    assert_eq!(upload.path(), Some(path.as_path()));
    assert_eq!(upload.bytes(), None);

    // As the whole body.
    let server = busy_once().await;
    let client = builder(&server.uri()).build().unwrap();
    let request = post("/upload").upload_body("application/octet-stream", &upload);
    client.execute(request).await.unwrap();
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 2);
    for request in &received {
        assert_eq!(request.body, body);
        assert_eq!(request.headers["content-length"], body.len().to_string());
        assert_eq!(request.headers["content-type"], "application/octet-stream");
    }

    // As a part of a multipart body, with its media type.
    let server = busy_once().await;
    let client = builder(&server.uri()).build().unwrap();
    let request = post("/form").multipart_body(vec![
        Part::value("name", "report").unwrap(),
        Part::file("file", &upload.clone().with_content_type("text/csv")),
        Part::file("small", &Upload::new("s.txt", "tiny")),
    ]);
    client.execute(request).await.unwrap();
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 2);
    let content_type = received[0].headers["content-type"].to_str().unwrap();
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap();
    let mut expected = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nreport\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{}\"\r\n\
         Content-Type: text/csv\r\n\r\n",
        upload.file_name()
    )
    .into_bytes();
    expected.extend_from_slice(&body);
    expected.extend_from_slice(
        format!(
            "\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"small\"; \
             filename=\"s.txt\"\r\nContent-Type: application/octet-stream\r\n\r\ntiny\r\n\
             --{boundary}--\r\n"
        )
        .as_bytes(),
    );
    for request in &received {
        assert_eq!(request.body.len(), expected.len());
        assert!(request.body == expected, "the multipart body differs");
        assert_eq!(
            request.headers["content-length"],
            expected.len().to_string()
        );
    }

    // A file that cannot be read fails the call before anything is sent.
    std::fs::remove_file(&path).unwrap();
    let error = client
        .execute(post("/upload").upload_body("application/octet-stream", &upload))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
    assert!(
        error.to_string().contains("cannot read the file to upload"),
        "{error}"
    );
}

#[tokio::test]
async fn a_reader_upload_is_never_sent_twice() {
    let server = busy_once().await;
    let client = builder(&server.uri()).build().unwrap();
    let upload = Upload::from_reader("data.bin", &b"streamed content"[..]);
    let request = post("/upload").upload_body("application/octet-stream", &upload);
    let error = client.execute(request).await.unwrap_err();
    let api = error.api().unwrap_or_else(|| panic!("{error:?}"));
    assert_eq!(api.status().as_u16(), 503);
    let message = error.to_string();
    assert!(
        message.contains("the request body was read from a stream and cannot be sent again"),
        "{message}"
    );
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].body, b"streamed content");
    // Without a declared length, the body is sent in chunks.
    assert!(received[0].headers.get("content-length").is_none());

    // A clone shares the reader, which was read.
    let error = client
        .execute(post("/upload").upload_body("application/octet-stream", &upload.clone()))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
    assert!(
        error.to_string().contains("cannot be sent again"),
        "{error}"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 1);

    // With a declared length, the request has a `Content-Length`; through `Client::request`.
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let client = builder(&server.uri()).build().unwrap();
    let upload = Upload::from_reader("data.bin", &b"0123456789 and more"[..])
        .with_length(10)
        .with_content_type("text/plain");
    client
        .request(Method::PUT, "/raw")
        .auth(&[])
        .upload("application/octet-stream", upload)
        .send()
        .await
        .unwrap();
    let received = server.received_requests().await.unwrap();
    assert_eq!(received[0].body, b"0123456789");
    assert_eq!(received[0].headers["content-length"], "10");
    assert_eq!(received[0].headers["content-type"], "text/plain");
}

#[tokio::test]
async fn a_reader_upload_that_was_never_sent_is_sent_by_the_retry() {
    // Nothing listens on the port at first (the connection is refused, so the body is never
    // read); a server starts there before the retry.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    let started = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let listener = std::net::TcpListener::bind(address).unwrap();
        let server = MockServer::builder().listener(listener).start().await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(200))
            .mount(&server)
            .await;
        server
    });
    let client = Client::builder()
        .base_url(format!("http://{address}"))
        .max_retries(5)
        .retry_backoff(Duration::from_millis(150), Duration::from_millis(300))
        .build()
        .unwrap();
    let upload = Upload::from_reader("data.bin", &b"sent once"[..]);
    let response = client
        .execute(post("/upload").upload_body("application/octet-stream", &upload))
        .await
        .unwrap();
    assert!(response.attempts() > 1);
    let server = started.await.unwrap();
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].body, b"sent once");
}

// --- Requests ----------------------------------------------------------------------------------

#[tokio::test]
async fn json_flag_sets_a_member_of_the_json_body() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let client = builder(&server.uri()).build().unwrap();
    let request = post("/chat")
        .json_body(&json!({"model": "m", "stream": false}))
        .unwrap()
        .json_flag("stream", true)
        .unwrap()
        .json_flag("echo", false)
        .unwrap();
    client.execute(request).await.unwrap();
    let received = server.received_requests().await.unwrap();
    assert_eq!(
        String::from_utf8_lossy(&received[0].body),
        r#"{"model":"m","stream":true,"echo":false}"#
    );
    for request in [
        post("/chat").json_body(&[1, 2]).unwrap(),
        post("/chat"),
        post("/chat").bytes_body("text/plain", b"x"),
    ] {
        let error = request.json_flag("stream", true).unwrap_err();
        assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
        assert!(error.to_string().contains("`stream`"), "{error}");
    }
}

#[tokio::test]
async fn raw_requests_stream_events_lines_and_bytes() {
    let server = TcpServer::start(|seen| match seen.target.as_str() {
        "/events" => Reply::events(&["data: {\"index\": 0, \"text\": \"a\"}\n\n"]),
        "/lines" => Reply::new(
            "application/x-ndjson",
            vec![b"{\"index\": 1, \"text\": \"b\"}\n".to_vec()],
        ),
        _ => Reply::new("image/png", vec![b"\x89PNG".to_vec()]),
    })
    .await;
    let client = server.client();
    let mut events = client
        .request(Method::POST, "/events")
        .auth(&[])
        .json(&json!({"stream": true}))
        .send_events::<Delta>()
        .await
        .unwrap();
    assert_eq!(events.next_event().await.unwrap(), Some(delta(0, "a")));
    let mut lines = client
        .request(Method::GET, "/lines")
        .auth(&[])
        .send_json_lines::<Delta>()
        .await
        .unwrap();
    assert_eq!(lines.next_item().await.unwrap(), Some(delta(1, "b")));
    let image = client
        .request(Method::GET, "/image")
        .auth(&[])
        .send_bytes()
        .await
        .unwrap();
    assert_eq!(image.content_type(), Some("image/png"));
    assert_eq!(image.collect().await.unwrap(), b"\x89PNG");
    let seen = server.seen();
    let accept: Vec<(&str, Option<&str>)> = seen
        .iter()
        .map(|s| (s.method.as_str(), s.header("accept")))
        .collect();
    assert_eq!(
        accept,
        [
            ("POST", Some("text/event-stream")),
            (
                "GET",
                Some(
                    "application/x-ndjson, application/jsonl, application/json-seq, application/json"
                )
            ),
            ("GET", Some("*/*")),
        ]
    );
    assert_eq!(seen[0].body, br#"{"stream":true}"#);
}

// --- Without an async runtime ------------------------------------------------------------------

#[test]
fn blocking_iteration_of_streams() {
    let base = TcpServer::start_on_thread(|seen| match seen.target.as_str() {
        "/events" => Reply::events(&[
            "data: {\"index\": 0, \"text\": \"a\"}\n\n",
            "data: {\"index\": \"bad\", \"text\": \"b\"}\n\n",
            "data: {\"index\": 2, \"text\": \"c\"}\n\ndata: [DONE]\n\n",
        ]),
        "/lines" => Reply::new(
            "application/x-ndjson",
            split(
                b"{\"index\": 0, \"text\": \"a\"}\n{\"index\": 1, \"text\": \"b\"}\n",
                &[9],
            ),
        ),
        _ => Reply::new(
            "application/octet-stream",
            large_body().chunks(1000).map(<[u8]>::to_vec).collect(),
        ),
    });
    let client = builder(&base).build().unwrap();
    let items: Vec<Result<Delta, Error>> = events::<Delta>(&client, get("/events"))
        .send_blocking()
        .unwrap()
        .blocking()
        .collect();
    assert_eq!(items.len(), 3);
    assert_eq!(items[0].as_ref().unwrap(), &delta(0, "a"));
    assert!(
        matches!(items[1], Err(Error::Decode { .. })),
        "{:?}",
        items[1]
    );
    assert_eq!(items[2].as_ref().unwrap(), &delta(2, "c"));

    let raw: Vec<String> = raw_events(&client, get("/events"))
        .send_blocking()
        .unwrap()
        .blocking()
        .map(|event| event.unwrap().into_data())
        .collect();
    assert_eq!(raw.len(), 4);
    assert_eq!(raw[3], "[DONE]");

    let lines: Vec<Delta> = lines::<Delta>(&client, "/lines")
        .send_blocking()
        .unwrap()
        .blocking()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(lines, [delta(0, "a"), delta(1, "b")]);

    let mut body = Vec::new();
    bytes(&client, "/file")
        .send_blocking()
        .unwrap()
        .blocking()
        .read_to_end(&mut body)
        .unwrap();
    assert_eq!(body, large_body());
}

#[tokio::test]
async fn blocking_iteration_inside_an_async_runtime_is_an_error() {
    let server =
        TcpServer::start(|_| Reply::events(&["data: {\"index\": 0, \"text\": \"a\"}\n\n"])).await;
    let client = server.client();
    let mut iterator = events::<Delta>(&client, get("/events"))
        .await
        .unwrap()
        .blocking();
    let error = iterator.next().unwrap().unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
    assert!(
        error.to_string().contains("EventStream::blocking"),
        "{error}"
    );
    assert!(iterator.next().is_none());
}

#[test]
fn streams_are_send_static_and_unpin() {
    fn check<T: Send + Unpin + 'static>() {}
    check::<EventStream<Delta>>();
    check::<RawEvents>();
    check::<JsonLines<Delta>>();
    check::<ByteStream>();
    check::<Call<EventStream<Delta>>>();
    fn clone_debug_eq<T: Clone + std::fmt::Debug + PartialEq + Default>() {}
    clone_debug_eq::<Upload>();
    let upload = Upload::from_reader("a", &b"x"[..]);
    assert_eq!(upload, upload.clone());
    assert_ne!(upload, Upload::from_reader("a", &b"x"[..]));
    assert_eq!(Upload::new("a", "x"), Upload::new("a", "x"));
}
