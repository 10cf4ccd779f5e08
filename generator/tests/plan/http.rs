//! Added to the crate generated from `fixtures/plan.yaml` as `tests/http.rs`.

use plan_fixture::types::*;
use plan_fixture::*;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .max_retries(0)
        .build()
        .unwrap()
}

/// A HEAD answer has no body, whatever the spec says its content is: the call succeeds with
/// the status, instead of failing to decode JSON from nothing.
#[tokio::test]
async fn head_answer_is_not_read_as_a_body() {
    let server = MockServer::start().await;
    Mock::given(method("HEAD"))
        .and(path("/calls/c1"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "application/json")
                .insert_header("x-call-state", "live"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let request = CallExistsRequest { id: "c1".into() };
    let response = client(&server)
        .calls()
        .call_exists(&request)
        .with_response()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.headers()["x-call-state"], "live");
    response.into_inner();
}

/// Schema types named like the runtime's items and the prelude's live beside them.
#[tokio::test]
async fn types_named_like_runtime_items() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/calls/c1"))
        .and(query_param("style", "deep"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "id": "c1",
            "request": {"client": {"name": "cli"}},
            "response": {"error": {"message": "none"}},
        })))
        .mount(&server)
        .await;
    let request = GetCallRequest {
        id: "c1".into(),
        style: Some(QueryStyleModel::Deep),
    };
    let call: CallModel = client(&server).calls().get_call(&request).await.unwrap();
    assert_eq!(call.id.as_deref(), Some("c1"));
    // Types users only read are `#[non_exhaustive]`: built from JSON, as the client does.
    let expected: RequestModel =
        serde_json::from_value(serde_json::json!({"client": {"name": "cli"}})).unwrap();
    assert_eq!(call.request, Some(expected));
    let client: Option<ClientModel> = call.request.and_then(|r| r.client);
    assert_eq!(client.and_then(|c| c.name).as_deref(), Some("cli"));
    assert_eq!(
        call.response.and_then(|r| r.error).and_then(|e| e.message),
        Some("none".to_string())
    );
}

/// `format: uuid` only in a response and `format: date-time` only in a request body: the
/// crate depends on `uuid` and `chrono` and both travel.
#[tokio::test]
async fn formats_only_in_bodies_and_responses() {
    let server = MockServer::start().await;
    let id = "6f1c2a4e-8b7d-4c3e-9a2f-0d5e6b7c8a91";
    Mock::given(method("PUT"))
        .and(path("/calls/c1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(id))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/schedules"))
        .and(wiremock::matchers::body_json("2026-12-03T10:00:00Z"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let request = ReplaceCallRequest {
        id: "c1".into(),
        body: ReplaceCallBody {
            part: Some(PartModel {
                name: Some("p".into()),
            }),
            upload: None,
        },
    };
    let answer: uuid::Uuid = client.calls().replace_call(&request).await.unwrap();
    assert_eq!(answer.to_string(), id);
    let when: chrono::DateTime<chrono::Utc> = "2026-12-03T10:00:00Z".parse().unwrap();
    client
        .schedules()
        .schedule(&ScheduleRequest { body: when })
        .await
        .unwrap();
}

/// The walk over a deprecated list is deprecated too (the user opts in once), and works.
#[tokio::test]
#[allow(deprecated)]
async fn deprecated_paged_list_walks() {
    let server = MockServer::start().await;
    for page in 1..=2 {
        Mock::given(method("GET"))
            .and(path("/records"))
            .and(query_param("page", page.to_string()))
            .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
                "result": [{"id": format!("r{page}"), "labels": {"primary": "p", "tone": "red"}}],
                "result_info": {"page": page, "per_page": 1, "total_count": 2},
            })))
            .mount(&server)
            .await;
    }
    let request = ListRecordsRequest {
        per_page: Some(1),
        ..Default::default()
    };
    let client = client(&server);
    let mut items = client.records().list_records_pages(&request).items();
    let mut ids = Vec::new();
    while let Some(record) = items.next_item().await.unwrap() {
        let labels = record.labels.unwrap();
        assert_eq!(labels.additional_properties["tone"], RecordLabelsValue::Red);
        ids.push(record.id.unwrap());
    }
    assert_eq!(ids, ["r1", "r2"]);
}

/// A tag named like a method `Client` has (`send`) gets an accessor of its own.
#[tokio::test]
async fn group_named_like_a_client_method() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/messages"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    client(&server).send_2().send_message().await.unwrap();
}

/// A tag named like `Client::request` gets an accessor of its own, and `Client::request` still
/// sends requests the spec does not describe; schemas named like the runtime's `RawRequest`
/// and `RawResponse` live beside them.
#[tokio::test]
async fn group_named_like_the_raw_request_method() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/requests"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"ticket": 7})))
        .expect(2)
        .mount(&server)
        .await;
    let client = client(&server);
    let request = FileRequestRequest {
        body: RawRequestModel {
            subject: Some("help".into()),
        },
    };
    let filed: RawResponseModel = client.request_2().file_request(&request).await.unwrap();
    assert_eq!(filed.ticket, Some(7));
    let raw: RawResponse = client
        .request(plan_fixture::reqwest::Method::POST, "/requests")
        .json(&serde_json::json!({"subject": "help"}))
        .send()
        .await
        .unwrap();
    assert_eq!(raw.text(), r#"{"ticket":7}"#);
}
