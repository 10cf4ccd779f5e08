//! Every operation of `repairs/repairs.yaml` against a wiremock server on loopback: each
//! repaired parameter is sent where the repair says, and nowhere else.

use repairs_fixture::*;
use serde_json::json;
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

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .max_retries(0)
        .build()
        .unwrap()
}

async fn received(server: &MockServer) -> wiremock::Request {
    let mut all = server.received_requests().await.unwrap();
    assert_eq!(all.len(), 1, "expected exactly one request: {all:#?}");
    all.remove(0)
}

fn job() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"id": "j 1", "state": "done"}))
}

#[tokio::test]
async fn moved_from_the_query_is_sent_in_the_path_only() {
    let server = serve(job()).await;
    let request = GetJobRequest {
        verbose: Some(true),
        ..GetJobRequest::new("j 1")
    };
    let job = client(&server).jobs().get_job(&request).await.unwrap();
    assert_eq!(job.id, "j 1");
    let sent = received(&server).await;
    assert_eq!(sent.method.as_str(), "GET");
    assert_eq!(sent.url.path(), "/jobs/j%201");
    assert_eq!(sent.url.query(), Some("verbose=true"));
}

#[tokio::test]
async fn undeclared_is_a_string_in_the_path() {
    let server = serve(job()).await;
    let request = GetRunRequest::new("j1", "run/7");
    client(&server).jobs().get_run(&request).await.unwrap();
    let sent = received(&server).await;
    assert_eq!(sent.url.path(), "/jobs/j1/runs/run%2F7");
    assert_eq!(sent.url.query(), None);
}

#[tokio::test]
async fn not_required_is_required() {
    let server = serve(ResponseTemplate::new(200).set_body_string("line 1\n")).await;
    let logs = client(&server)
        .jobs()
        .list_logs(&ListLogsRequest::new(42))
        .await
        .unwrap();
    assert_eq!(logs, "line 1\n");
    let sent = received(&server).await;
    assert_eq!(sent.url.path(), "/jobs/42/logs");

    let server = serve(ResponseTemplate::new(204)).await;
    client(&server)
        .jobs()
        .delete_logs(&DeleteLogsRequest::new(42))
        .await
        .unwrap();
    let sent = received(&server).await;
    assert_eq!(sent.method.as_str(), "DELETE");
    assert_eq!(sent.url.path(), "/jobs/42/logs");
}

#[tokio::test]
async fn moved_from_a_header_is_sent_in_the_path_only() {
    let server = serve(ResponseTemplate::new(204)).await;
    client(&server)
        .tasks()
        .get_task(&GetTaskRequest::new(7))
        .await
        .unwrap();
    let sent = received(&server).await;
    assert_eq!(sent.url.path(), "/tasks/7");
    assert!(
        !sent.headers.contains_key("task_number"),
        "{:?}",
        sent.headers
    );
}
