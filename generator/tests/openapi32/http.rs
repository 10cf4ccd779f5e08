//! The operations of `fixtures/openapi32.yaml` against a wiremock server on loopback: what
//! OpenAPI 3.2 adds, as a client sends and reads it.

use std::time::Duration;

use serde_json::{Value, json};
use wiremock::matchers::{any, method};
use wiremock::{Mock, MockServer, ResponseTemplate};

use documents_fixture::types::*;
use documents_fixture::*;

async fn serve(template: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(template)
        .mount(&server)
        .await;
    server
}

fn client(server: &MockServer, retries: u32) -> Client {
    Client::builder()
        .base_url(server.uri())
        .token("t")
        .max_retries(retries)
        .retry_backoff(Duration::from_millis(1), Duration::from_millis(5))
        .build()
        .unwrap()
}

async fn received(server: &MockServer) -> Vec<wiremock::Request> {
    server.received_requests().await.unwrap()
}

#[tokio::test]
async fn query_sends_its_body_with_the_query_method() {
    let server = serve(
        ResponseTemplate::new(200)
            .set_body_json(json!({"documents": [{"id": "d1", "title": "Report"}]})),
    )
    .await;
    let search = Search {
        limit: Some(10),
        ..Search::new("report")
    };
    let found = client(&server, 0)
        .documents()
        .search_documents(&SearchDocumentsRequest { body: search })
        .await
        .unwrap();
    assert_eq!(found.documents[0].title, "Report");
    let sent = received(&server).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].method.as_str(), "QUERY");
    assert_eq!(sent[0].url.path(), "/documents");
    let body: Value = serde_json::from_slice(&sent[0].body).unwrap();
    assert_eq!(body, json!({"text": "report", "limit": 10}));
    assert_eq!(
        sent[0].headers.get("content-type").unwrap(),
        "application/json"
    );
}

#[tokio::test]
async fn query_is_retried_like_get() {
    let server = MockServer::start().await;
    Mock::given(method("QUERY"))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"documents": []})))
        .mount(&server)
        .await;
    let search = Search::new("x");
    let found = client(&server, 2)
        .documents()
        .search_documents(&SearchDocumentsRequest { body: search })
        .await
        .unwrap();
    assert!(found.documents.is_empty());
    let sent = received(&server).await;
    assert_eq!(sent.len(), 2, "a 500 to QUERY is retried");
    assert_eq!(sent[1].body, sent[0].body, "the retry sends the same body");
}

#[tokio::test]
async fn an_additional_method_is_sent_as_written_and_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("COPY"))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(201).set_body_json(json!({"id": "d2", "title": "Copy"})),
        )
        .mount(&server)
        .await;
    let request = CopyDocumentRequest {
        id: "d 1".into(),
        destination: "/documents/d2".into(),
    };
    let error = client(&server, 2)
        .documents()
        .copy_document(&request)
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(500), "{error}");
    let copy = client(&server, 2)
        .documents()
        .copy_document(&request)
        .await
        .unwrap();
    assert_eq!(copy.id, "d2");
    let sent = received(&server).await;
    assert_eq!(
        sent.len(),
        2,
        "COPY is not idempotent: no retry after a 500"
    );
    assert_eq!(sent[0].method.as_str(), "COPY");
    assert_eq!(sent[0].url.path(), "/documents/d%201");
    assert_eq!(sent[0].headers.get("destination").unwrap(), "/documents/d2");
}

#[tokio::test]
async fn a_querystring_parameter_is_the_whole_query_string() {
    let server = serve(ResponseTemplate::new(200).set_body_json(json!({"documents": []}))).await;
    let mut filter = Filter::default();
    filter.status = Some("draft".into());
    filter.owner = Some("ada lovelace".into());
    client(&server, 0)
        .documents()
        .list_documents(&ListDocumentsRequest {
            filter: Some(filter),
        })
        .await
        .unwrap();
    client(&server, 0)
        .documents()
        .list_documents(&ListDocumentsRequest::default())
        .await
        .unwrap();
    let sent = received(&server).await;
    assert_eq!(sent[0].url.query(), Some("status=draft&owner=ada+lovelace"));
    assert_eq!(sent[1].url.query(), None);
}

#[tokio::test]
async fn json_lines_are_typed_by_their_item_schema() {
    let server = serve(ResponseTemplate::new(200).set_body_raw(
        "{\"number\": 1, \"author\": \"ada\"}\n{\"number\": 2}\n",
        "application/jsonl",
    ))
    .await;
    let mut lines = client(&server, 0)
        .revisions()
        .list_revisions(&ListRevisionsRequest { id: "d1".into() })
        .await
        .unwrap();
    let first: Revision = lines.next_item().await.unwrap().unwrap();
    assert_eq!((first.number, first.author.as_deref()), (1, Some("ada")));
    let second = lines.next_item().await.unwrap().unwrap();
    assert_eq!((second.number, second.author), (2, None));
    assert!(lines.next_item().await.unwrap().is_none());
}

#[tokio::test]
async fn events_are_typed_by_the_content_schema_of_their_data() {
    let server = serve(ResponseTemplate::new(200).set_body_raw(
        "event: change\nid: 1\ndata: {\"document\": \"d1\", \"kind\": \"edit\"}\n\n\
         data: {\"document\": \"d2\", \"kind\": \"delete\"}\n\n",
        "text/event-stream",
    ))
    .await;
    let mut events = client(&server, 0)
        .documents()
        .follow_changes()
        .await
        .unwrap();
    let first: Change = events.next_event().await.unwrap().unwrap();
    assert_eq!(
        (first.document.as_str(), first.kind.as_str()),
        ("d1", "edit")
    );
    let second = events.next_event().await.unwrap().unwrap();
    assert_eq!(second.kind, "delete");
    assert!(events.next_event().await.unwrap().is_none());
}

#[tokio::test]
async fn the_default_mapping_takes_untagged_and_unknown_values() {
    let server = serve(ResponseTemplate::new(200).set_body_json(json!([
        {"radius": 1.5},
        {"kind": "square", "side": 2.0},
        {"kind": "ellipse", "radius": 3.0},
    ])))
    .await;
    let shapes = client(&server, 0).documents().list_shapes().await.unwrap();
    assert!(
        matches!(&shapes[0], Shape::Circle(c) if c.radius == 1.5),
        "{shapes:?}"
    );
    assert!(
        matches!(&shapes[1], Shape::Square(s) if s.side == 2.0),
        "{shapes:?}"
    );
    assert!(
        matches!(&shapes[2], Shape::Circle(c) if c.radius == 3.0),
        "{shapes:?}"
    );
}
