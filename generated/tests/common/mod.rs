//! Shared by the test files of `generated/tests/`: the request every test sends, clients with
//! fast retries, servers on loopback (wiremock, and raw TCP servers for faults wiremock cannot
//! produce), what an operation sent and paged lists served by wiremock, and a tracing capture.
#![allow(dead_code)] // Each test file uses part of it.

use std::io::Write;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cloudflare_realtime_kit::{Client, ClientBuilder, GetMeetingParticipantRequest};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

pub const TOKEN: &str = "test-token-5ecr3t";
pub const PATH: &str = "/accounts/acc-1/realtime/kit/app-1/meetings/meet-1/participants/part-1";
pub const EXAMPLE_BODY: &str = r#"{"data":{"id":"182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e","created_at":"2019-12-27T18:11:19.117Z","custom_participant_id":"custom_participant_id","preset_name":"preset_name","updated_at":"2019-12-27T18:11:19.117Z","name":"name","picture":"https://example.com"},"success":true}"#;

pub fn request() -> GetMeetingParticipantRequest {
    GetMeetingParticipantRequest {
        account_id: "acc-1".into(),
        app_id: "app-1".into(),
        meeting_id: "meet-1".into(),
        participant_id: "part-1".into(),
    }
}

/// A client for the server at `base_url`, with the token and fast retries.
pub fn builder(base_url: &str) -> ClientBuilder {
    Client::builder()
        .token(TOKEN)
        .base_url(base_url)
        .retry_backoff(Duration::from_millis(1), Duration::from_millis(5))
}

pub fn client(base_url: &str) -> Client {
    builder(base_url).build().unwrap()
}

/// An identifier no path may carry as it is (a space, `/`, `?`, `&` and a non-ASCII letter): sent
/// as one percent-encoded path segment, [`ODD_ID_ENCODED`].
pub const ODD_ID: &str = "id 7/?&é";
pub const ODD_ID_ENCODED: &str = "id%207%2F%3F%26%C3%A9";

/// A wiremock server answering every request with `status` and the JSON `body`; the test then
/// checks the request it received ([`only_request`], [`assert_sent`]), so that a wrong request
/// fails with what was sent rather than with wiremock's 404.
pub async fn answering(status: u16, body: Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .mount(&server)
        .await;
    server
}

/// The one request `server` received.
pub async fn only_request(server: &MockServer) -> wiremock::Request {
    let mut received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 1, "{received:?}");
    received.remove(0)
}

/// Checks what an operation sent: the method, the path as it went over the wire (so
/// percent-encoded), the query string (`None`: no `?` at all), [`TOKEN`] as the bearer token,
/// and the JSON body with its content type (`None`: an empty body).
pub fn assert_sent(
    request: &wiremock::Request,
    method: &str,
    path: &str,
    query: Option<&str>,
    body: Option<Value>,
) {
    assert_eq!(request.method.as_str(), method);
    assert_eq!(request.url.path(), path);
    assert_eq!(request.url.query(), query);
    assert_eq!(
        request.headers.get("authorization").unwrap(),
        &format!("Bearer {TOKEN}")
    );
    match body {
        Some(body) => {
            assert_eq!(
                request.headers.get("content-type").unwrap(),
                "application/json"
            );
            let sent: Value = serde_json::from_slice(&request.body).unwrap();
            assert_eq!(sent, body);
        }
        None => assert!(
            request.body.is_empty(),
            "{}",
            String::from_utf8_lossy(&request.body)
        ),
    }
}

/// The `page_no` of a request (1 when absent).
pub fn page_no(request: &wiremock::Request) -> usize {
    request
        .url
        .query_pairs()
        .find(|(k, _)| k == "page_no")
        .map_or(1, |(_, v)| v.parse().unwrap())
}

/// A server listing `all` at `list_path` (GET), `size` a page by `page_no`, in Realtime Kit's
/// envelope: `success`, `data` and `paging` with the total count.
pub async fn paged_list(list_path: &str, all: Vec<Value>, size: usize) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(list_path))
        .respond_with(move |request: &wiremock::Request| {
            let first = ((page_no(request) - 1) * size).min(all.len());
            let last = all.len().min(first + size);
            ResponseTemplate::new(200).set_body_json(json!({
                "success": true,
                "data": &all[first..last],
                "paging": {"start_offset": first + 1, "end_offset": last, "total_count": all.len()}
            }))
        })
        .mount(&server)
        .await;
    server
}

/// The query string of every request `server` received, in order, each checked to be a GET of
/// `list_path` with the bearer token.
pub async fn page_queries(server: &MockServer, list_path: &str) -> Vec<String> {
    let received = server.received_requests().await.unwrap();
    for request in &received {
        assert_sent(request, "GET", list_path, request.url.query(), None);
    }
    received
        .iter()
        .map(|r| r.url.query().unwrap_or("").to_string())
        .collect()
}

/// What a [`RawServer`] does with one connection, after reading the request.
#[derive(Clone)]
pub enum Reply {
    /// Writes these bytes, then closes the connection.
    Bytes(Vec<u8>),
    /// Writes these bytes, then resets the connection (TCP RST).
    ResetAfter(Vec<u8>),
    /// Never answers; keeps the connection open.
    Silent,
    /// Writes `head`, then `chunk` every `every`, `count` times, then closes.
    Drip {
        head: Vec<u8>,
        chunk: Vec<u8>,
        every: Duration,
        count: usize,
    },
}

/// An HTTP/1.1 response with `Connection: close`, the given extra header lines and body, and a
/// correct `Content-Length`.
pub fn http(status: &str, headers: &[&str], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status}\r\nconnection: close\r\n");
    for header in headers {
        out.push_str(header);
        out.push_str("\r\n");
    }
    out.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
    let mut out = out.into_bytes();
    out.extend_from_slice(body);
    out
}

/// A TCP server on loopback that answers the `n`th connection with `replies[n]` (the last one
/// for every later connection) and records each request's head and body.
pub struct RawServer {
    pub addr: SocketAddr,
    requests: Arc<Mutex<Vec<String>>>,
}

impl RawServer {
    pub async fn start(replies: Vec<Reply>) -> RawServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let recorded = requests.clone();
        tokio::spawn(async move {
            let mut n = 0;
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let reply = replies[n.min(replies.len() - 1)].clone();
                n += 1;
                let recorded = recorded.clone();
                tokio::spawn(async move { serve(stream, reply, recorded).await });
            }
        });
        RawServer { addr, requests }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The requests received so far (head and body, lossy UTF-8).
    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

async fn serve(mut stream: TcpStream, reply: Reply, recorded: Arc<Mutex<Vec<String>>>) {
    let mut received = Vec::new();
    let mut buffer = [0u8; 4096];
    // Read the head, then as much body as `content-length` says.
    let head_end = loop {
        if let Some(at) = find(&received, b"\r\n\r\n") {
            break at + 4;
        }
        match stream.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(n) => received.extend_from_slice(&buffer[..n]),
        }
    };
    let head = String::from_utf8_lossy(&received[..head_end]).to_lowercase();
    let length: usize = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .and_then(|value| value.trim().parse().ok())
        .unwrap_or(0);
    while received.len() < head_end + length {
        match stream.read(&mut buffer).await {
            Ok(0) | Err(_) => break,
            Ok(n) => received.extend_from_slice(&buffer[..n]),
        }
    }
    recorded
        .lock()
        .unwrap()
        .push(String::from_utf8_lossy(&received).into_owned());
    match reply {
        Reply::Bytes(bytes) => {
            let _ = stream.write_all(&bytes).await;
            let _ = stream.shutdown().await;
        }
        Reply::ResetAfter(bytes) => {
            let _ = stream.write_all(&bytes).await;
            let _ = stream.flush().await;
            tokio::time::sleep(Duration::from_millis(20)).await;
            let _ = stream.set_zero_linger();
            drop(stream);
        }
        Reply::Silent => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
        Reply::Drip {
            head,
            chunk,
            every,
            count,
        } => {
            let _ = stream.write_all(&head).await;
            for _ in 0..count {
                tokio::time::sleep(every).await;
                if stream.write_all(&chunk).await.is_err() {
                    return;
                }
            }
            let _ = stream.shutdown().await;
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Everything the `fmt` subscriber writes, at every level (spans closing included).
#[derive(Clone, Default)]
pub struct Capture(Arc<Mutex<Vec<u8>>>);

impl Capture {
    /// Captures the traces of this thread until the guard is dropped.
    #[must_use = "the capture ends when the guard is dropped"]
    pub fn install(&self) -> impl Drop {
        use tracing_subscriber::util::SubscriberInitExt;
        tracing_subscriber::fmt()
            .with_writer(self.clone())
            .with_max_level(tracing_subscriber::filter::LevelFilter::TRACE)
            .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
            .finish()
            .set_default()
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl Write for Capture {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Capture {
    type Writer = Capture;

    fn make_writer(&'a self) -> Capture {
        self.clone()
    }
}
