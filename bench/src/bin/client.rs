//! The generated client's overhead: `get_meeting_participant` against a hand-written reqwest +
//! serde_json call that sends the same request and decodes the same JSON, alternating in one
//! run against a minimal HTTP/1.1 server on loopback; then decoding alone. Prints one line of
//! `key=value` figures (medians over the rounds) for `cargo xtask bench`.
//!
//! Usage: `client <rounds>`.

use std::hint::black_box;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use cloudflare_realtime_kit::types::GetParticipantResponse;
use cloudflare_realtime_kit::{Client, GetMeetingParticipantRequest};
use serde::Deserialize;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

const TOKEN: &str = "bench-token";
/// The example of the spec's `realtimekit_GetParticipant` response.
const BODY: &str = r#"{"data":{"id":"182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e","created_at":"2019-12-27T18:11:19.117Z","custom_participant_id":"custom_participant_id","preset_name":"preset_name","updated_at":"2019-12-27T18:11:19.117Z","name":"name","picture":"https://example.com"},"success":true}"#;
/// Calls of each client per round.
const CALLS: usize = 100;
/// Decodes per batch (20 batches of each variant per round).
const DECODES: usize = 200;

/// What a careful hand-written client would declare: the same fields and types.
#[derive(Deserialize)]
#[allow(dead_code)] // Read only through `black_box`.
struct HandResponse {
    data: HandParticipant,
    success: bool,
}

#[derive(Deserialize)]
#[allow(dead_code)] // Read only through `black_box`.
struct HandParticipant {
    id: uuid::Uuid,
    created_at: DateTime<Utc>,
    custom_participant_id: String,
    preset_name: String,
    updated_at: DateTime<Utc>,
    name: Option<String>,
    picture: Option<String>,
}

/// Serves every request on `stream` with the example body, keeping the connection open: the
/// least work a server can do, so that the clients' share of each round trip shows.
async fn serve(stream: TcpStream) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    let response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{BODY}",
        BODY.len()
    );
    let (reader, mut writer) = stream.into_split();
    let mut reader = BufReader::new(reader);
    let mut line = String::new();
    loop {
        // A GET without a body: the request ends with an empty line.
        loop {
            line.clear();
            if reader.read_line(&mut line).await? == 0 {
                return Ok(());
            }
            if line == "\r\n" {
                break;
            }
        }
        writer.write_all(response.as_bytes()).await?;
    }
}

/// One server thread for all connections, so that every client waits on the same thread.
fn start_server() -> std::io::Result<String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let address = listener.local_addr()?;
    listener.set_nonblocking(true)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()?;
    std::thread::spawn(move || {
        runtime.block_on(async move {
            let Ok(listener) = TcpListener::from_std(listener) else {
                return;
            };
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream));
            }
        })
    });
    Ok(format!("http://{address}"))
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

struct Hand {
    http: reqwest::Client,
    base_url: String,
    user_agent: String,
    /// The generated client sends every request with a timeout (60 s by default); the
    /// benchmark compares against hand-written calls with and without one.
    timeout: Option<Duration>,
}

impl Hand {
    /// The same request as the generated client's: method, URL, `Accept`, `User-Agent`, bearer
    /// token and (if set) timeout; a non-2xx status is an error; the body is decoded as JSON.
    async fn get_participant(
        &self,
        request: &GetMeetingParticipantRequest,
    ) -> Result<HandResponse, String> {
        let url = format!(
            "{}/accounts/{}/realtime/kit/{}/meetings/{}/participants/{}",
            self.base_url,
            request.account_id,
            request.app_id,
            request.meeting_id,
            request.participant_id
        );
        let request = self
            .http
            .get(url)
            .header(reqwest::header::ACCEPT, "application/json")
            .header(reqwest::header::USER_AGENT, &self.user_agent)
            .bearer_auth(TOKEN);
        let request = match self.timeout {
            Some(timeout) => request.timeout(timeout),
            None => request,
        };
        let response = request.send().await.map_err(|e| e.to_string())?;
        if !response.status().is_success() {
            return Err(format!("status {}", response.status()));
        }
        let body = response.bytes().await.map_err(|e| e.to_string())?;
        serde_json::from_slice(&body).map_err(|e| e.to_string())
    }
}

/// Medians of (generated µs, hand-written with timeout µs, ratio, hand-written without
/// timeout µs, ratio).
async fn calls(rounds: usize) -> Result<[f64; 5], String> {
    let base_url = start_server().map_err(|e| format!("loopback server: {e}"))?;
    let generated = Client::builder()
        .token(TOKEN)
        .base_url(&base_url)
        .build()
        .map_err(|e| e.to_string())?;
    let hand = |timeout| -> Result<Hand, String> {
        Ok(Hand {
            http: reqwest::Client::builder()
                .build()
                .map_err(|e| e.to_string())?,
            base_url: base_url.clone(),
            user_agent: concat!("cloudflare-realtime-kit/", "0.1.0").to_string(),
            timeout,
        })
    };
    let hand_timeout = hand(Some(Duration::from_secs(60)))?;
    let hand_plain = hand(None)?;
    let request = GetMeetingParticipantRequest {
        account_id: "acc-1".into(),
        app_id: "app-1".into(),
        meeting_id: "meet-1".into(),
        participant_id: "part-1".into(),
    };
    let call_generated = async || -> Result<Duration, String> {
        let start = Instant::now();
        let response = generated
            .meetings()
            .get_meeting_participant(&request)
            .await
            .map_err(|e| e.to_string())?;
        let elapsed = start.elapsed();
        black_box(response);
        Ok(elapsed)
    };
    let call_hand = async |hand: &Hand| -> Result<Duration, String> {
        let start = Instant::now();
        let response = hand.get_participant(&request).await?;
        let elapsed = start.elapsed();
        black_box(response);
        Ok(elapsed)
    };
    // Warm-up: connections open, pools and caches filled.
    for _ in 0..CALLS {
        call_generated().await?;
        call_hand(&hand_timeout).await?;
        call_hand(&hand_plain).await?;
    }
    let mut times: [Vec<f64>; 3] = Default::default();
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    for _ in 0..rounds {
        // Calls alternate one by one (and which goes first rotates), so that all see the same
        // machine; the medians of single calls ignore those a busy moment slowed.
        for call in 0..CALLS {
            for k in 0..3 {
                let which = (call + k) % 3;
                let elapsed = match which {
                    0 => call_generated().await?,
                    1 => call_hand(&hand_timeout).await?,
                    _ => call_hand(&hand_plain).await?,
                };
                times[which].push(us(elapsed));
            }
        }
    }
    let [generated, timeout, plain] = times.map(|mut t| median(&mut t));
    Ok([
        generated,
        timeout,
        generated / timeout,
        plain,
        generated / plain,
    ])
}

/// Nanoseconds per decode of a batch.
fn time_decodes<T>(decode: impl Fn(&[u8]) -> Result<T, String>) -> Result<f64, String> {
    let start = Instant::now();
    for _ in 0..DECODES {
        black_box(decode(black_box(BODY.as_bytes()))?);
    }
    Ok(start.elapsed().as_secs_f64() * 1e9 / DECODES as f64)
}

fn generated_decode(body: &[u8]) -> Result<GetParticipantResponse, String> {
    serde_json::from_slice(body).map_err(|e| e.to_string())
}

/// Decoding with field paths for error messages: what `Response::json` of the generated runtime
/// did for every response; it now does it only after a plain decode failed.
fn client_decode(body: &[u8]) -> Result<GetParticipantResponse, String> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| e.to_string())?;
    deserializer.end().map_err(|e| e.to_string())?;
    Ok(value)
}

fn hand_decode(body: &[u8]) -> Result<HandResponse, String> {
    serde_json::from_slice(body).map_err(|e| e.to_string())
}

/// Medians of (generated ns, hand ns, ratio) and (client-path ns, ratio to hand), from small
/// batches that alternate.
fn decodes(rounds: usize) -> Result<[f64; 5], String> {
    let (mut generated, mut hand, mut client) = (Vec::new(), Vec::new(), Vec::new());
    time_decodes(generated_decode)?;
    time_decodes(hand_decode)?;
    for _ in 0..rounds * 20 {
        generated.push(time_decodes(generated_decode)?);
        hand.push(time_decodes(hand_decode)?);
        client.push(time_decodes(client_decode)?);
    }
    let (g, h, c) = (
        median(&mut generated),
        median(&mut hand),
        median(&mut client),
    );
    Ok([g, h, g / h, c, c / h])
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [rounds] = args.as_slice() else {
        return Err("usage: client <rounds>".to_string());
    };
    let rounds: usize = rounds
        .parse()
        .map_err(|_| format!("rounds: `{rounds}` is not a number"))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let [
        call_generated,
        call_hand,
        call_ratio,
        call_plain,
        call_plain_ratio,
    ] = runtime.block_on(calls(rounds))?;
    let [
        decode_generated,
        decode_hand,
        decode_ratio,
        decode_client,
        decode_client_ratio,
    ] = decodes(rounds)?;
    println!(
        "call_generated_us={call_generated:.2} call_hand_us={call_hand:.2} call_ratio={call_ratio:.4} call_plain_us={call_plain:.2} call_plain_ratio={call_plain_ratio:.4} decode_generated_ns={decode_generated:.1} decode_hand_ns={decode_hand:.1} decode_ratio={decode_ratio:.4} decode_client_ns={decode_client:.1} decode_client_ratio={decode_client_ratio:.4}"
    );
    Ok(())
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
