//! Every operation of `fixtures/streams.yaml` against a wiremock server on loopback.

use futures::StreamExt;
use serde_json::{Value, json};
use streams_fixture::types::*;
use streams_fixture::*;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn serve(template: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(template)
        .mount(&server)
        .await;
    server
}

/// A 200 answer of `content_type` with `body`.
async fn serve_body(content_type: &str, body: impl Into<Vec<u8>>) -> MockServer {
    serve(ResponseTemplate::new(200).set_body_raw(body.into(), content_type)).await
}

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .token("t")
        .max_retries(0)
        .build()
        .unwrap()
}

async fn received(server: &MockServer) -> wiremock::Request {
    let mut all = server.received_requests().await.unwrap();
    assert_eq!(all.len(), 1, "expected exactly one request: {all:#?}");
    all.remove(0)
}

fn header(request: &wiremock::Request, name: &str) -> String {
    request
        .headers
        .get(name)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

fn chat_request() -> CreateChatCompletionRequest {
    // The required messages go to `new`: the struct has no `Default` that could leave them out.
    CreateChatCompletionRequest::new(ChatRequest::new(vec!["hello".into()]))
}

#[tokio::test]
async fn chat_completion_streams_chunks_until_done() {
    let server = serve_body(
        "text/event-stream",
        "data: {\"id\":\"c\",\"delta\":\"Hel\"}\n\n\
         : a comment\n\
         data: {\"id\":\"c\",\"delta\":\"lo\"}\n\n\
         data: [DONE]\n\n",
    )
    .await;
    let mut stream = client(&server)
        .chat()
        .create_chat_completion_stream(&chat_request())
        .await
        .unwrap();
    let mut text = String::new();
    while let Some(chunk) = stream.next_event().await.unwrap() {
        text.push_str(&chunk.delta);
    }
    assert_eq!(text, "Hello");
    let sent = received(&server).await;
    assert_eq!(header(&sent, "accept"), "text/event-stream");
    let body: Value = serde_json::from_slice(&sent.body).unwrap();
    assert_eq!(body, json!({"messages": ["hello"], "stream": true}));
}

#[tokio::test]
async fn chat_completion_whole_asks_for_json() {
    let server =
        serve(ResponseTemplate::new(200).set_body_json(json!({"id": "c", "text": "Hi"}))).await;
    let mut request = chat_request();
    // Whatever the caller left in the flag, the JSON method asks for JSON.
    request.body.stream = Some(true);
    let completion = client(&server)
        .chat()
        .create_chat_completion(&request)
        .await
        .unwrap();
    assert_eq!(completion.text, "Hi");
    let sent = received(&server).await;
    assert_eq!(header(&sent, "accept"), "application/json");
    let body: Value = serde_json::from_slice(&sent.body).unwrap();
    assert_eq!(body["stream"], json!(false));
}

#[tokio::test]
async fn stream_method_refuses_a_json_answer() {
    let server =
        serve(ResponseTemplate::new(200).set_body_json(json!({"id": "c", "text": "Hi"}))).await;
    let error = client(&server)
        .chat()
        .create_chat_completion_stream(&chat_request())
        .await
        .unwrap_err();
    let message = error.to_string();
    assert!(message.contains("text/event-stream"), "{message}");
    assert!(message.contains("application/json"), "{message}");
}

#[tokio::test]
async fn error_answer_is_an_api_error() {
    let server = serve(ResponseTemplate::new(400).set_body_json(json!({"message": "no"}))).await;
    let error = client(&server)
        .chat()
        .create_chat_completion_stream(&chat_request())
        .await
        .unwrap_err();
    let api = error.api().expect("an API error");
    assert_eq!(api.status().as_u16(), 400);
    assert_eq!(
        api.body_as::<Problem>().unwrap().message.as_deref(),
        Some("no")
    );
}

#[tokio::test]
async fn token_events_decode_their_data() {
    let server = serve_body(
        "text/event-stream",
        "data: {\"text\":\"a\",\"logprob\":-0.5}\r\n\r\ndata: {\"text\":\"b\"}\r\n\r\n",
    )
    .await;
    let request = GenerateStreamRequest::new(GenerateStreamBody::new("x"));
    let tokens: Vec<Token> = client(&server)
        .chat()
        .generate_stream(&request)
        .await
        .unwrap()
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(tokens.len(), 2);
    assert_eq!(tokens[0].text, "a");
    assert_eq!(tokens[0].logprob, Some(-0.5));
    assert_eq!(tokens[1].text, "b");
}

#[tokio::test]
async fn whole_events_decode_with_their_names() {
    let server = serve_body(
        "text/event-stream",
        "event: progress\nid: 7\nretry: 1000\ndata: {\"percent\": 50}\n\n\
         event: progress\nid: 8\ndata: {\"percent\": 100}\n\n",
    )
    .await;
    let request = JobProgressRequest { job_id: "j".into() };
    let mut stream = client(&server).jobs().job_progress(&request).await.unwrap();
    let first = stream.next_event().await.unwrap().unwrap();
    assert_eq!(first.event.as_deref(), Some("progress"));
    assert_eq!(first.id.as_deref(), Some("7"));
    assert_eq!(first.retry, Some(1000));
    assert_eq!(first.data.percent, 50);
    let second = stream.next_event().await.unwrap().unwrap();
    assert_eq!(second.data.percent, 100);
    assert_eq!(stream.last_event_id(), Some("8"));
    assert!(stream.next_event().await.unwrap().is_none());
}

#[tokio::test]
async fn union_of_events_told_apart_by_name() {
    let server = serve_body(
        "text/event-stream",
        "event: started\ndata: {\"job\": \"j\"}\n\nevent: finished\ndata: {\"job\": \"j\", \"ok\": true}\n\n",
    )
    .await;
    let events: Vec<NotificationsEvent> = client(&server)
        .jobs()
        .notifications()
        .await
        .unwrap()
        .map(Result::unwrap)
        .collect()
        .await;
    assert!(
        matches!(&events[0], NotificationsEvent::StartedEvent(e) if e.data.job == "j"),
        "{events:?}"
    );
    assert!(
        matches!(&events[1], NotificationsEvent::FinishedEvent(e) if e.data.ok),
        "{events:?}"
    );
}

#[tokio::test]
async fn raw_events_keep_name_id_and_data() {
    let server = serve_body(
        "text/event-stream",
        "event: tick\nid: 1\ndata: first\ndata: second\n\n",
    )
    .await;
    let mut events = client(&server).jobs().ticks().await.unwrap();
    let event = events.next().await.unwrap().unwrap();
    assert_eq!(event.event(), "tick");
    assert_eq!(event.id(), Some("1"));
    assert_eq!(event.data(), "first\nsecond");
    assert!(events.next().await.is_none());
}

#[tokio::test]
async fn json_lines_decode_each_line() {
    let server = serve_body(
        "application/x-ndjson",
        "{\"type\":\"ADDED\",\"object\":{\"name\":\"a\"}}\n\n{\"type\":\"DELETED\",\"object\":{\"name\":\"a\"}}\n",
    )
    .await;
    let mut lines = client(&server).jobs().watch_jobs().await.unwrap();
    let first = lines.next_item().await.unwrap().unwrap();
    assert_eq!(
        (first.type_.as_str(), first.object.name.as_str()),
        ("ADDED", "a")
    );
    let second = lines.next_item().await.unwrap().unwrap();
    assert_eq!(second.type_, "DELETED");
    assert!(lines.next_item().await.unwrap().is_none());
    assert_eq!(
        header(&received(&server).await, "accept"),
        "application/x-ndjson"
    );
}

#[tokio::test]
async fn watch_beside_json_streams() {
    let server = serve_body(
        "application/json;stream=watch",
        "{\"type\":\"MODIFIED\",\"object\":{\"name\":\"b\"}}\n",
    )
    .await;
    let request = ListJobsRequest { watch: Some(true) };
    let mut lines = client(&server)
        .jobs()
        .list_jobs_stream(&request)
        .await
        .unwrap();
    let event = lines.next_item().await.unwrap().unwrap();
    assert_eq!(event.object.name, "b");
    let sent = received(&server).await;
    assert_eq!(header(&sent, "accept"), "application/json;stream=watch");
}

/// A client whose buffered responses may be at most 1 KiB.
fn small_client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .token("t")
        .max_retries(0)
        .max_response_bytes(1024)
        .build()
        .unwrap()
}

fn content(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

#[tokio::test]
async fn download_larger_than_the_limit_is_saved() {
    let bytes = content(256 * 1024);
    let server = serve_body("application/octet-stream", bytes.clone()).await;
    let request = DownloadFileRequest {
        file_id: "f".into(),
    };
    let download = small_client(&server)
        .files()
        .download_file(&request)
        .await
        .unwrap();
    assert_eq!(download.content_length(), Some(bytes.len() as u64));
    let dir = std::env::temp_dir().join(format!("streams-fixture-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("download.bin");
    let written = download.save(&path).await.unwrap();
    assert_eq!(written, bytes.len() as u64);
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn download_collect_keeps_the_limit() {
    let server = serve_body("audio/mpeg", content(4096)).await;
    let request = CreateSpeechRequest::new(CreateSpeechBody::new("hi"));
    let error = small_client(&server)
        .files()
        .create_speech(&request)
        .await
        .unwrap()
        .collect()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::ResponseTooLarge { .. }), "{error}");
    let speech = client(&server)
        .files()
        .create_speech(&request)
        .await
        .unwrap()
        .collect()
        .await
        .unwrap();
    assert_eq!(speech, content(4096));
}

#[tokio::test]
async fn upload_from_a_file_streams_it() {
    let server = serve(ResponseTemplate::new(204)).await;
    let bytes = content(300 * 1024);
    let dir = std::env::temp_dir().join(format!("streams-upload-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("upload.bin");
    std::fs::write(&path, &bytes).unwrap();
    let request = UploadFileRequest {
        file_id: "f".into(),
        body: Upload::from_path(&path),
    };
    client(&server).files().upload_file(&request).await.unwrap();
    let sent = received(&server).await;
    assert_eq!(header(&sent, "content-type"), "application/octet-stream");
    assert_eq!(sent.body, bytes);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn multipart_file_from_a_path() {
    let server =
        serve(ResponseTemplate::new(201).set_body_json(json!({"id": "file-1", "bytes": 5}))).await;
    let dir = std::env::temp_dir().join(format!("streams-multipart-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("notes.txt");
    std::fs::write(&path, b"hello").unwrap();
    let request = CreateFileRequest {
        body: CreateFileBody {
            file: Upload::from_path(&path),
            purpose: "search".into(),
        },
    };
    let created = client(&server).files().create_file(&request).await.unwrap();
    assert_eq!(created.id, "file-1");
    let sent = received(&server).await;
    let body = String::from_utf8_lossy(&sent.body);
    assert!(body.contains("filename=\"notes.txt\""), "{body}");
    assert!(body.contains("\r\n\r\nhello\r\n"), "{body}");
    assert!(body.contains("name=\"purpose\""), "{body}");
    std::fs::remove_dir_all(&dir).unwrap();
}
