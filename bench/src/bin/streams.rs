//! The generated client's streams against hand-written reqwest baselines, on a loopback server
//! in a child process (so that the measured process holds the client alone), for
//! `cargo xtask bench`:
//!
//! - `streams sse <rounds>`: a recorded stream of 200,000 chat-completion-chunk events
//!   (generated deterministically, cut into realistic chunks) decoded into one serde struct by
//!   the runtime's `EventStream` (`Client::request(..).send_events()`) and by reqwest +
//!   `eventsource-stream`, alternating in one process; CPU time (`getrusage`) of each.
//! - `streams download <generated|reqwest> [bytes]`: one 1 GiB download, through the runtime's
//!   `ByteStream` (`send_bytes`) or plain reqwest `bytes_stream()`: throughput, CPU time and
//!   peak RSS of this process. One process per download, so that the peak is its own.
//! - `streams upload <generated|reqwest> [bytes | --file <path>]`: one 1 GiB upload of a sparse
//!   temporary file (deleted after; `cargo xtask bench` makes one for all rounds), through
//!   `Upload::from_path` or reqwest with a `ReaderStream` of the file.
//! - `streams server`: the loopback server (started by the others; prints `port=N`, serves
//!   until its standard input closes).
//!
//! Each measuring command prints one line of `key=value` figures.

use std::future::poll_fn;
use std::hint::black_box;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::pin::{Pin, pin};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use cloudflare_realtime_kit::reqwest::Method;
use cloudflare_realtime_kit::{Client, Upload};
use eventsource_stream::Eventsource;
use futures_core::Stream;
use reqwest::header::{ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, USER_AGENT};
use serde::Deserialize;

const TOKEN: &str = "bench-token";
const USER_AGENT_VALUE: &str = concat!("cloudflare-realtime-kit/", "0.2.0");
/// Data events of the recorded stream (the `[DONE]` that ends it aside).
const EVENTS: usize = 200_000;
/// The size of the download and of the upload.
const GIB: u64 = 1 << 30;
/// The block the download repeats (pseudo-random bytes, made once).
const BLOCK: usize = 256 << 10;
/// How much of a file the hand-written upload reads at a time: what the runtime reads.
const READ_CHUNK: usize = 64 << 10;

// ---------------------------------------------------------------------------------------------
// What both clients decode the events into.

/// A chunk of a streamed chat completion, as OpenAI's API sends them (`stream: true`, with
/// `stream_options.include_usage`).
#[derive(Debug, Deserialize)]
struct ChatCompletionChunk {
    id: String,
    object: String,
    created: i64,
    model: String,
    service_tier: Option<String>,
    system_fingerprint: Option<String>,
    choices: Vec<ChunkChoice>,
    usage: Option<Usage>,
}

#[derive(Debug, Deserialize)]
struct ChunkChoice {
    index: u32,
    delta: Delta,
    logprobs: Option<serde_json::Value>,
    finish_reason: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Delta {
    role: Option<String>,
    content: Option<String>,
    refusal: Option<String>,
    tool_calls: Option<Vec<ToolCallDelta>>,
}

#[derive(Debug, Deserialize)]
struct ToolCallDelta {
    index: u32,
    id: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    function: Option<FunctionDelta>,
}

#[derive(Debug, Deserialize)]
struct FunctionDelta {
    name: Option<String>,
    arguments: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Usage {
    prompt_tokens: u64,
    completion_tokens: u64,
    total_tokens: u64,
}

/// What was decoded, summed up: both clients must agree, and every field is read (so that
/// nothing decoded is dead).
#[derive(Debug, Default, PartialEq, Eq, Clone, Copy)]
struct Tally {
    events: u64,
    text: u64,
    tool_calls: u64,
    finished: u64,
    tokens: u64,
}

impl Tally {
    fn add(&mut self, chunk: &ChatCompletionChunk) {
        self.events += 1;
        self.text += (chunk.id.len()
            + chunk.object.len()
            + chunk.model.len()
            + chunk.service_tier.as_ref().map_or(0, String::len)
            + chunk.system_fingerprint.as_ref().map_or(0, String::len)) as u64
            + chunk.created as u64 % 7;
        for choice in &chunk.choices {
            let delta = &choice.delta;
            self.text += choice.index as u64
                + [&delta.role, &delta.content, &delta.refusal]
                    .iter()
                    .map(|text| text.as_ref().map_or(0, String::len) as u64)
                    .sum::<u64>()
                + u64::from(choice.logprobs.is_some());
            for call in delta.tool_calls.iter().flatten() {
                self.tool_calls += 1;
                self.text += call.index as u64
                    + call.id.as_ref().map_or(0, String::len) as u64
                    + call.kind.as_ref().map_or(0, String::len) as u64;
                if let Some(function) = &call.function {
                    self.text += function.name.as_ref().map_or(0, String::len) as u64
                        + function.arguments.as_ref().map_or(0, String::len) as u64;
                }
            }
            self.finished += u64::from(choice.finish_reason.is_some());
        }
        if let Some(usage) = &chunk.usage {
            self.tokens += usage.prompt_tokens + usage.completion_tokens + usage.total_tokens;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The recorded stream.

/// A deterministic pseudo-random generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `low..=high`.
    fn between(&mut self, low: usize, high: usize) -> usize {
        low + (self.next() % (high - low + 1) as u64) as usize
    }
}

/// Tokens of the completion's text: words, punctuation, line breaks, Markdown, code, quotes
/// and non-ASCII text, as a model writes them (so the JSON has escapes and multi-byte UTF-8).
const TOKENS: &[&str] = &[
    " the",
    " of",
    " and",
    " to",
    " a",
    " in",
    " is",
    " that",
    " for",
    " it",
    " with",
    " as",
    " on",
    " be",
    " this",
    " are",
    " by",
    " or",
    " an",
    " can",
    " stream",
    " events",
    " server",
    " client",
    " response",
    " request",
    " data",
    " each",
    " chunk",
    " token",
    " model",
    " will",
    ",",
    ".",
    ":",
    ";",
    "!",
    "?",
    " (",
    ")",
    "\n",
    "\n\n",
    "\n-",
    " **",
    "**",
    " `",
    "`",
    "```",
    "rust",
    "\n    ",
    "fn",
    " main",
    "()",
    " {",
    " }",
    " let",
    " mut",
    " x",
    " =",
    " 42",
    "\"",
    " \"",
    "quoted",
    "\\",
    " /",
    " café",
    " naïve",
    " — ",
    " 東京",
    " データ",
    " 🙂",
    " ✓",
    "’s",
    " über",
    " Ωmega",
    "\t",
    " 3.14",
    " 1,000",
    " e.g.",
    " i.e.",
    " <tag>",
    " &",
    " %",
];

/// The same arguments appear over and over, cut into fragments as a model streams them.
const ARGUMENTS: &str = r#"{"location": "San Francisco, CA", "unit": "celsius", "days": 3, "include": ["humidity", "wind"]}"#;

const PREFIX: &str = concat!(
    r#"{"id":"chatcmpl-BBm6NKdqJbN7zKXG2vOXhVvbCq9Jm","object":"chat.completion.chunk","#,
    r#""created":1741900000,"model":"gpt-4o-2024-08-06","service_tier":"default","#,
    r#""system_fingerprint":"fp_f9f4fb6dbf","choices":"#
);

/// The recorded stream: the body, and the sizes of the chunks it is sent in.
struct Recording {
    body: Vec<u8>,
    chunks: Vec<usize>,
}

/// JSON string literal of `text`.
fn json(text: &str) -> String {
    serde_json::to_string(text).expect("a string serializes")
}

/// The data of event `n` of `events`.
fn event_data(
    n: usize,
    events: usize,
    rng: &mut Rng,
    tool_call: &mut Option<(usize, usize)>,
) -> String {
    let delta = |delta: &str, finish: &str| {
        format!(
            r#"{PREFIX}[{{"index":0,"delta":{delta},"logprobs":null,"finish_reason":{finish}}}]}}"#
        )
    };
    if n == 0 {
        return delta(
            r#"{"role":"assistant","content":"","refusal":null}"#,
            "null",
        );
    }
    if n == events - 2 {
        return delta("{}", r#""stop""#);
    }
    if n == events - 1 {
        return format!(
            r#"{PREFIX}[],"usage":{{"prompt_tokens":1841,"completion_tokens":{},"total_tokens":{},"prompt_tokens_details":{{"cached_tokens":0}},"completion_tokens_details":{{"reasoning_tokens":0}}}}}}"#,
            events - 3,
            events - 3 + 1841
        );
    }
    // Now and then a tool call, its arguments streamed in fragments.
    if tool_call.is_none() && rng.next() % 1000 == 0 {
        let index = rng.between(0, 3);
        *tool_call = Some((index, 0));
        let call = format!(
            r#"{{"tool_calls":[{{"index":{index},"id":"call_{:016x}","type":"function","function":{{"name":"get_weather","arguments":""}}}}]}}"#,
            rng.next()
        );
        return delta(&call, "null");
    }
    if let Some((index, at)) = *tool_call {
        let end = (at + rng.between(1, 6)).min(ARGUMENTS.len());
        *tool_call = (end < ARGUMENTS.len()).then_some((index, end));
        let call = format!(
            r#"{{"tool_calls":[{{"index":{index},"function":{{"arguments":{}}}}}]}}"#,
            json(&ARGUMENTS[at..end])
        );
        return delta(&call, "null");
    }
    let mut text = String::new();
    for _ in 0..rng.between(1, 3) {
        text.push_str(TOKENS[rng.between(0, TOKENS.len() - 1)]);
    }
    delta(&format!(r#"{{"content":{}}}"#, json(&text)), "null")
}

/// The recorded stream of `events` data events and `[DONE]`, with a keep-alive comment every
/// 5,000 events, cut into chunks as a server and the network deliver them: most chunks are one
/// event (a server flushing each token), some several (coalesced by a proxy or a slow reader),
/// some cut anywhere, mid-line (segments re-cut on the way).
fn recording(events: usize) -> Recording {
    let mut rng = Rng(0x5EED_2026_0000_0001);
    let mut body = Vec::with_capacity(events * 330);
    let mut ends = Vec::with_capacity(events + events / 5000 + 1);
    let mut tool_call = None;
    for n in 0..events {
        if n > 0 && n % 5000 == 0 {
            body.extend_from_slice(b": keep-alive\n\n");
            ends.push(body.len());
        }
        body.extend_from_slice(b"data: ");
        body.extend_from_slice(event_data(n, events, &mut rng, &mut tool_call).as_bytes());
        body.extend_from_slice(b"\n\n");
        ends.push(body.len());
    }
    body.extend_from_slice(b"data: [DONE]\n\n");
    ends.push(body.len());
    let mut chunks = Vec::new();
    let mut at = 0;
    // The first event end after `at`.
    let mut next_end = 0;
    while at < body.len() {
        while ends[next_end] <= at {
            next_end += 1;
        }
        let end = match rng.next() % 100 {
            0..70 => ends[next_end],
            70..85 => ends[(next_end + rng.between(1, 15)).min(ends.len() - 1)],
            _ => (at + rng.between(1, 4096)).min(body.len()),
        };
        chunks.push(end - at);
        at = end;
    }
    Recording { body, chunks }
}

// ---------------------------------------------------------------------------------------------
// The loopback server.

/// A request head: method, target and the headers that say how long the body is.
struct Head {
    method: String,
    target: String,
    content_length: Option<u64>,
    chunked: bool,
}

/// The next request head, `None` when the client closed the connection.
fn read_head(reader: &mut impl BufRead) -> io::Result<Option<Head>> {
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_owned();
    let target = parts.next().unwrap_or_default().to_owned();
    let mut head = Head {
        method,
        target,
        content_length: None,
        chunked: false,
    };
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        if line == "\r\n" {
            return Ok(Some(head));
        }
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-length") {
            head.content_length = value.parse().ok();
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            head.chunked = value.eq_ignore_ascii_case("chunked");
        }
    }
}

/// Reads the body of a request and throws it away; returns its length.
fn discard_body(reader: &mut impl BufRead, head: &Head) -> io::Result<u64> {
    if head.chunked {
        let mut total = 0;
        let mut line = String::new();
        loop {
            line.clear();
            reader.read_line(&mut line)?;
            let size = u64::from_str_radix(line.trim().split(';').next().unwrap_or(""), 16)
                .map_err(|_| io::Error::other(format!("bad chunk size line {line:?}")))?;
            if size == 0 {
                // Trailers, if any, up to the blank line.
                loop {
                    line.clear();
                    if reader.read_line(&mut line)? == 0 || line == "\r\n" {
                        return Ok(total);
                    }
                }
            }
            total += io::copy(&mut reader.by_ref().take(size), &mut io::sink())?;
            line.clear();
            reader.read_line(&mut line)?;
        }
    }
    let length = head.content_length.unwrap_or(0);
    let read = io::copy(&mut reader.by_ref().take(length), &mut io::sink())?;
    if read < length {
        return Err(io::Error::other("the request body ended early"));
    }
    Ok(read)
}

/// The value of query parameter `name` in `target`.
fn query_param<'a>(target: &'a str, name: &str) -> Option<&'a str> {
    let (_, query) = target.split_once('?')?;
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
}

/// Serves the requests of one connection.
fn serve(stream: TcpStream, recording: &Recording, block: &[u8]) -> io::Result<()> {
    stream.set_nodelay(true)?;
    let mut reader = BufReader::with_capacity(256 << 10, stream.try_clone()?);
    let mut writer = BufWriter::with_capacity(64 << 10, stream);
    while let Some(head) = read_head(&mut reader)? {
        let received = discard_body(&mut reader, &head)?;
        let path = head.target.split('?').next().unwrap_or_default();
        match (head.method.as_str(), path) {
            ("POST", "/v1/chat/completions") => {
                writer.write_all(
                    b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream; charset=utf-8\r\n\
                      cache-control: no-cache\r\ntransfer-encoding: chunked\r\n\r\n",
                )?;
                let mut at = 0;
                for &size in &recording.chunks {
                    write!(writer, "{size:x}\r\n")?;
                    writer.write_all(&recording.body[at..at + size])?;
                    writer.write_all(b"\r\n")?;
                    at += size;
                }
                writer.write_all(b"0\r\n\r\n")?;
            }
            ("GET", "/download") => {
                let length: u64 = query_param(&head.target, "bytes")
                    .and_then(|bytes| bytes.parse().ok())
                    .unwrap_or(GIB);
                write!(
                    writer,
                    "HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\n\
                     content-length: {length}\r\n\r\n"
                )?;
                let mut left = length;
                while left > 0 {
                    let n = left.min(block.len() as u64) as usize;
                    writer.write_all(&block[..n])?;
                    left -= n as u64;
                }
            }
            ("POST", "/upload") => {
                let body = format!(r#"{{"received":{received}}}"#);
                write!(
                    writer,
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                     content-length: {}\r\n\r\n{body}",
                    body.len()
                )?;
            }
            _ => writer.write_all(
                b"HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\n\
                  content-length: 2\r\n\r\n{}",
            )?,
        }
        writer.flush()?;
    }
    Ok(())
}

/// `streams server [--sse]`: serves on a free loopback port (printed as `port=N`), one thread
/// per connection, until standard input closes (when the process that started it ends, even
/// if it crashed). `--sse` makes the recorded stream first.
fn server(sse: bool) -> Result<(), String> {
    let recording = Arc::new(match sse {
        true => recording(EVENTS),
        false => Recording {
            body: Vec::new(),
            chunks: Vec::new(),
        },
    });
    let mut rng = Rng(0xB10C);
    let block: Arc<[u8]> = (0..BLOCK).map(|_| rng.next() as u8).collect();
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    println!(
        "port={port} bytes={} chunks={}",
        recording.body.len(),
        recording.chunks.len()
    );
    io::stdout().flush().map_err(|e| e.to_string())?;
    std::thread::spawn(|| {
        let _ = io::copy(&mut io::stdin(), &mut io::sink());
        std::process::exit(0);
    });
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let (recording, block) = (recording.clone(), block.clone());
        std::thread::spawn(move || {
            if let Err(error) = serve(stream, &recording, &block) {
                // A client that stops reading (a stream dropped at `[DONE]`) is expected.
                if !matches!(
                    error.kind(),
                    io::ErrorKind::BrokenPipe | io::ErrorKind::ConnectionReset
                ) {
                    eprintln!("server: {error}");
                }
            }
        });
    }
    Ok(())
}

/// The server child process; it ends when this handle's standard input is dropped.
struct Server {
    child: Child,
    base_url: String,
    /// The size of the recorded stream and how many chunks it is sent in (0 without `--sse`).
    sse_bytes: usize,
    sse_chunks: usize,
}

impl Server {
    fn start(sse: bool) -> Result<Server, String> {
        let exe = std::env::current_exe().map_err(|e| e.to_string())?;
        let mut command = Command::new(exe);
        command.arg("server");
        if sse {
            command.arg("--sse");
        }
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("server: {e}"))?;
        let stdout = child.stdout.take().ok_or("server: no stdout")?;
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .map_err(|e| format!("server: {e}"))?;
        let field = |key: &str| {
            line.split_whitespace()
                .find_map(|pair| pair.strip_prefix(key)?.strip_prefix('='))
                .ok_or_else(|| format!("server: unexpected `{line}`"))
        };
        let number = |key: &str| -> Result<usize, String> {
            field(key)?
                .parse()
                .map_err(|_| format!("server: unexpected `{line}`"))
        };
        Ok(Server {
            base_url: format!("http://127.0.0.1:{}", field("port")?),
            sse_bytes: number("bytes")?,
            sse_chunks: number("chunks")?,
            child,
        })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------------------------------------
// Measuring.

/// CPU time (user + system) of this process so far (all its threads: the runtime's blocking
/// pool reads the files of uploads), and `ru_maxrss` in bytes.
///
/// `ru_maxrss` is not this program's own peak: Linux carries the peak of the process image
/// that `exec` replaced into it (here, `cargo xtask`'s after its `fork`), so it is never below
/// the parent's. [`vm_hwm`] is the peak of this image alone.
fn usage() -> (Duration, u64) {
    // SAFETY: `getrusage` fills the struct it is given; zeroed is a valid `rusage`.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let time = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    (
        time(usage.ru_utime) + time(usage.ru_stime),
        usage.ru_maxrss as u64 * 1024,
    )
}

/// The peak RSS of this program (`VmHWM` of /proc/self/status), in bytes.
fn vm_hwm() -> Result<u64, String> {
    let status = std::fs::read_to_string("/proc/self/status").map_err(|e| e.to_string())?;
    let kb = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.split_whitespace().next()?.parse::<u64>().ok())
        .ok_or("no VmHWM in /proc/self/status")?;
    Ok(kb * 1024)
}

/// What one measured run took.
struct Run {
    cpu: Duration,
    wall: Duration,
}

async fn measure<T>(work: impl AsyncFnOnce() -> Result<T, String>) -> Result<(Run, T), String> {
    let (cpu, _) = usage();
    let start = Instant::now();
    let value = work().await?;
    let wall = start.elapsed();
    let (cpu_after, _) = usage();
    Ok((
        Run {
            cpu: cpu_after - cpu,
            wall,
        },
        value,
    ))
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    match n {
        0 => f64::NAN,
        _ if n % 2 == 1 => values[n / 2],
        _ => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

fn generated_client(base_url: &str) -> Result<Client, String> {
    Client::builder()
        .token(TOKEN)
        .base_url(base_url)
        .build()
        .map_err(|e| e.to_string())
}

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())
}

/// The chat-completion request both clients send.
fn completion_request() -> serde_json::Value {
    serde_json::json!({
        "model": "gpt-4o-2024-08-06",
        "stream": true,
        "stream_options": {"include_usage": true},
        "messages": [{"role": "user", "content": "Tell me about server-sent events."}],
    })
}

/// The events through the runtime: `EventStream<ChatCompletionChunk>`.
async fn sse_generated(client: &Client) -> Result<Tally, String> {
    let mut events = client
        .request(Method::POST, "/v1/chat/completions")
        .json(&completion_request())
        .send_events::<ChatCompletionChunk>()
        .await
        .map_err(|e| e.to_string())?;
    let mut tally = Tally::default();
    while let Some(chunk) = events.next_event().await.map_err(|e| e.to_string())? {
        tally.add(&chunk);
        black_box(chunk);
    }
    Ok(tally)
}

/// The events by hand: reqwest, `eventsource-stream` and serde_json, the same request (URL,
/// `Accept`, `User-Agent`, bearer token, JSON body), stopping at `[DONE]`. No timeout: the
/// plainest client (the generated one always has an idle timeout on its streams).
async fn sse_baseline(http: &reqwest::Client, base_url: &str) -> Result<Tally, String> {
    let body = serde_json::to_vec(&completion_request()).map_err(|e| e.to_string())?;
    let response = http
        .post(format!("{base_url}/v1/chat/completions"))
        .header(ACCEPT, "text/event-stream")
        .header(USER_AGENT, USER_AGENT_VALUE)
        .header(CONTENT_TYPE, "application/json")
        .bearer_auth(TOKEN)
        .body(body)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if !response.status().is_success() {
        return Err(format!("status {}", response.status()));
    }
    let mut events = pin!(response.bytes_stream().eventsource());
    let mut tally = Tally::default();
    while let Some(event) = next(events.as_mut()).await {
        let event = event.map_err(|e| e.to_string())?;
        if event.data == "[DONE]" {
            break;
        }
        let chunk: ChatCompletionChunk =
            serde_json::from_str(&event.data).map_err(|e| e.to_string())?;
        tally.add(&chunk);
        black_box(chunk);
    }
    Ok(tally)
}

async fn next<S: Stream>(mut stream: Pin<&mut S>) -> Option<S::Item> {
    poll_fn(|cx| stream.as_mut().poll_next(cx)).await
}

/// `streams sse <rounds>`: both clients on the same recorded stream, alternating (the order
/// rotates each round), after one warm-up run of each.
fn sse(rounds: usize) -> Result<(), String> {
    let server = Server::start(true)?;
    let (bytes, chunks) = (server.sse_bytes, server.sse_chunks);
    let runtime = runtime()?;
    runtime.block_on(async {
        let generated = generated_client(&server.base_url)?;
        let http = reqwest::Client::builder()
            .build()
            .map_err(|e| e.to_string())?;
        let expected = sse_generated(&generated).await?;
        let baseline = sse_baseline(&http, &server.base_url).await?;
        if expected != baseline || expected.events != EVENTS as u64 {
            return Err(format!(
                "the clients decoded different things: {expected:?} and {baseline:?}"
            ));
        }
        let (mut cpu_g, mut cpu_b, mut wall_g, mut wall_b, mut ratios) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for round in 0..rounds {
            let mut pair = [None, None];
            for k in 0..2 {
                let which = (round + k) % 2;
                let (run, tally) = match which {
                    0 => measure(async || sse_generated(&generated).await).await?,
                    _ => measure(async || sse_baseline(&http, &server.base_url).await).await?,
                };
                if tally != expected {
                    return Err(format!("round {round}: decoded {tally:?}, not {expected:?}"));
                }
                pair[which] = Some(run);
            }
            let [Some(g), Some(b)] = pair else {
                unreachable!("both ran")
            };
            eprintln!(
                "  sse round {round}: generated {:.0} ms CPU ({:.0} ms wall), baseline {:.0} ms CPU ({:.0} ms wall)",
                g.cpu.as_secs_f64() * 1e3,
                g.wall.as_secs_f64() * 1e3,
                b.cpu.as_secs_f64() * 1e3,
                b.wall.as_secs_f64() * 1e3,
            );
            ratios.push(g.cpu.as_secs_f64() / b.cpu.as_secs_f64());
            cpu_g.push(g.cpu.as_secs_f64() * 1e3);
            cpu_b.push(b.cpu.as_secs_f64() * 1e3);
            wall_g.push(g.wall.as_secs_f64() * 1e3);
            wall_b.push(b.wall.as_secs_f64() * 1e3);
        }
        let low = ratios.iter().copied().fold(f64::INFINITY, f64::min);
        let high = ratios.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let (g, b) = (median(&mut cpu_g), median(&mut cpu_b));
        println!(
            "events={EVENTS} bytes={bytes} chunks={chunks} rounds={rounds} generated_cpu_ms={g:.2} baseline_cpu_ms={b:.2} ratio={:.4} paired_ratio={:.4} paired_low={low:.4} paired_high={high:.4} generated_wall_ms={:.2} baseline_wall_ms={:.2}",
            g / b,
            median(&mut ratios),
            median(&mut wall_g),
            median(&mut wall_b),
        );
        Ok(())
    })
}

/// Which client a download or upload goes through.
#[derive(Clone, Copy, PartialEq)]
enum Side {
    Generated,
    Reqwest,
}

fn side(name: &str) -> Result<Side, String> {
    match name {
        "generated" => Ok(Side::Generated),
        "reqwest" => Ok(Side::Reqwest),
        other => Err(format!("`{other}`: expected `generated` or `reqwest`")),
    }
}

/// Prints the figures of one download or upload.
fn report(run: &Run, bytes: u64, chunks: u64) -> Result<(), String> {
    let (_, maxrss) = usage();
    let mib = |b: u64| b as f64 / (1 << 20) as f64;
    println!(
        "bytes={bytes} chunks={chunks} wall_ms={:.2} cpu_ms={:.2} mb_per_s={:.1} peak_rss_mib={:.2} ru_maxrss_mib={:.2}",
        run.wall.as_secs_f64() * 1e3,
        run.cpu.as_secs_f64() * 1e3,
        bytes as f64 / 1e6 / run.wall.as_secs_f64(),
        mib(vm_hwm()?),
        mib(maxrss),
    );
    Ok(())
}

/// `streams download <side> [bytes]`: one download, read chunk by chunk and counted.
fn download(side: Side, length: u64) -> Result<(), String> {
    let server = Server::start(false)?;
    let url = &server.base_url;
    let (run, (bytes, chunks)) = runtime()?.block_on(async {
        match side {
            Side::Generated => {
                let client = generated_client(url)?;
                measure(async || {
                    let mut body = client
                        .request(Method::GET, "/download")
                        .query("bytes", &length)
                        .send_bytes()
                        .await
                        .map_err(|e| e.to_string())?;
                    let (mut bytes, mut chunks) = (0u64, 0u64);
                    while let Some(chunk) = body.next_chunk().await.map_err(|e| e.to_string())? {
                        bytes += chunk.len() as u64;
                        chunks += 1;
                        black_box(chunk);
                    }
                    Ok((bytes, chunks))
                })
                .await
            }
            Side::Reqwest => {
                let http = reqwest::Client::new();
                measure(async || {
                    let response = http
                        .get(format!("{url}/download?bytes={length}"))
                        .header(ACCEPT, "*/*")
                        .header(USER_AGENT, USER_AGENT_VALUE)
                        .bearer_auth(TOKEN)
                        .send()
                        .await
                        .map_err(|e| e.to_string())?;
                    if !response.status().is_success() {
                        return Err(format!("status {}", response.status()));
                    }
                    let mut body = pin!(response.bytes_stream());
                    let (mut bytes, mut chunks) = (0u64, 0u64);
                    while let Some(chunk) = next(body.as_mut()).await {
                        let chunk = chunk.map_err(|e| e.to_string())?;
                        bytes += chunk.len() as u64;
                        chunks += 1;
                        black_box(chunk);
                    }
                    Ok((bytes, chunks))
                })
                .await
            }
        }
    })?;
    if bytes != length {
        return Err(format!("downloaded {bytes} bytes, not {length}"));
    }
    report(&run, bytes, chunks)
}

/// A sparse file of the given length in the temporary directory, removed when dropped: no
/// disk blocks, read as zeros.
struct TempFile(PathBuf);

impl TempFile {
    fn sparse(length: u64) -> Result<TempFile, String> {
        let path = std::env::temp_dir().join(format!(
            "realtime-kit-bench-upload-{}.bin",
            std::process::id()
        ));
        let file = std::fs::File::create(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let temp = TempFile(path);
        file.set_len(length)
            .map_err(|e| format!("{}: {e}", temp.0.display()))?;
        Ok(temp)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[derive(Deserialize)]
struct UploadReply {
    received: u64,
}

/// The file an upload sends: one made for it, or one given.
enum Source {
    Made(TempFile),
    Given(PathBuf),
}

impl Source {
    fn path(&self) -> &Path {
        match self {
            Source::Made(file) => file.path(),
            Source::Given(path) => path,
        }
    }
}

/// `streams upload <side> [bytes]`: one upload of a sparse temporary file made for it;
/// `streams upload <side> --file <path>`: of that file (`cargo xtask bench` makes one for all
/// rounds and reads it once first, so that every round reads it from the page cache).
fn upload(side: Side, source: Source) -> Result<(), String> {
    let file = source;
    let length = std::fs::metadata(file.path())
        .map_err(|e| format!("{}: {e}", file.path().display()))?
        .len();
    let server = Server::start(false)?;
    let url = &server.base_url;
    let (run, reply) = runtime()?.block_on(async {
        match side {
            Side::Generated => {
                let client = generated_client(url)?;
                measure(async || {
                    client
                        .request(Method::POST, "/upload")
                        .upload("application/octet-stream", Upload::from_path(file.path()))
                        .send_json::<UploadReply>()
                        .timeout(Duration::from_secs(600))
                        .await
                        .map_err(|e| e.to_string())
                })
                .await
            }
            Side::Reqwest => {
                let http = reqwest::Client::new();
                measure(async || {
                    let source = tokio::fs::File::open(file.path())
                        .await
                        .map_err(|e| e.to_string())?;
                    let length = source.metadata().await.map_err(|e| e.to_string())?.len();
                    let body = reqwest::Body::wrap_stream(
                        tokio_util::io::ReaderStream::with_capacity(source, READ_CHUNK),
                    );
                    let response = http
                        .post(format!("{url}/upload"))
                        .header(ACCEPT, "application/json")
                        .header(USER_AGENT, USER_AGENT_VALUE)
                        .header(CONTENT_TYPE, "application/octet-stream")
                        .header(CONTENT_LENGTH, length)
                        .bearer_auth(TOKEN)
                        .timeout(Duration::from_secs(600))
                        .body(body)
                        .send()
                        .await
                        .map_err(|e| e.to_string())?;
                    if !response.status().is_success() {
                        return Err(format!("status {}", response.status()));
                    }
                    let body = response.bytes().await.map_err(|e| e.to_string())?;
                    serde_json::from_slice::<UploadReply>(&body).map_err(|e| e.to_string())
                })
                .await
            }
        }
    })?;
    if reply.received != length {
        return Err(format!(
            "the server received {} bytes, not {length}",
            reply.received
        ));
    }
    report(&run, length, 0)
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let length = |arg: Option<&&str>| -> Result<u64, String> {
        arg.map_or(Ok(GIB), |text| {
            text.parse()
                .map_err(|_| format!("`{text}` is not a number of bytes"))
        })
    };
    match args.as_slice() {
        ["server", rest @ ..] => server(rest == ["--sse"]),
        ["sse", rounds] => sse(rounds
            .parse()
            .map_err(|_| format!("rounds: `{rounds}` is not a number"))?),
        ["download", which, rest @ ..] if rest.len() <= 1 => {
            download(side(which)?, length(rest.first())?)
        }
        ["upload", which, "--file", path] => {
            upload(side(which)?, Source::Given(PathBuf::from(path)))
        }
        ["upload", which, rest @ ..] if rest.len() <= 1 => upload(
            side(which)?,
            Source::Made(TempFile::sparse(length(rest.first())?)?),
        ),
        _ => Err(
            "usage: streams sse <rounds> | streams download <generated|reqwest> [bytes] | streams upload <generated|reqwest> [bytes | --file <path>] | streams server [--sse]"
                .to_owned(),
        ),
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
