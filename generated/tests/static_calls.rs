//! Calls and page walks own what they need (a clone of the client), and so do the futures they
//! become: they are `Send` and `'static`, so they can be spawned as tasks of their own
//! (`call.send()`) and returned from functions that made the client. Most of this file is a compile test: it would not build if a call or a walk
//! borrowed the client. The tests then run what they spawn against wiremock on loopback.

mod common;

use std::future::IntoFuture;

use cloudflare_realtime_kit::reqwest::Method;
use cloudflare_realtime_kit::types::{GetParticipantResponse, Participant};
use cloudflare_realtime_kit::{
    Call, CallFuture, Client, GetMeetingParticipantsRequest, Items, Pages, RawRequest, RawResponse,
    WithResponse,
};
use common::{EXAMPLE_BODY, PATH, TOKEN, request};
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const PARTICIPANTS: &str = "/accounts/acc-1/realtime/kit/app-1/meetings/meet-1/participants";

/// Compiles only for values that may move to another thread and outlive every borrow.
fn assert_send_static<T: Send + 'static>(_: &T) {}

/// A call made with a client that this function created and drops on return: the call owns
/// what it needs, so it outlives the client variable.
fn participant_call(base_url: &str) -> Call<GetParticipantResponse> {
    let client = Client::builder()
        .token(TOKEN)
        .base_url(base_url)
        .build()
        .unwrap();
    client.meetings().get_meeting_participant(&request())
}

/// A page walk outliving its client variable in the same way.
fn participant_pages(base_url: &str, per_page: i64) -> Pages<Participant> {
    let client = common::client(base_url);
    client
        .meetings()
        .get_meeting_participants_pages(&list_request(per_page))
}

fn list_request(per_page: i64) -> GetMeetingParticipantsRequest {
    GetMeetingParticipantsRequest {
        per_page: Some(per_page),
        ..GetMeetingParticipantsRequest::new("acc-1", "app-1", "meet-1")
    }
}

/// A server answering the participant lookup with [`EXAMPLE_BODY`], and paging through
/// `count` participants (`c0`, `c1`, ...) of the list, `per_page` at a time.
async fn server(count: usize) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(PATH))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(EXAMPLE_BODY.to_owned(), "application/json"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(PARTICIPANTS))
        .respond_with(move |request: &Request| {
            let number = |name: &str| {
                request
                    .url
                    .query_pairs()
                    .find(|(key, _)| key == name)
                    .map(|(_, value)| value.parse::<usize>().unwrap())
            };
            let (page, size) = (number("page_no").unwrap_or(1), number("per_page").unwrap());
            let first = (page - 1) * size;
            let data: Vec<Value> = (first..count.min(first + size))
                .map(|i| {
                    json!({
                        "id": "182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e",
                        "created_at": "2019-12-27T18:11:19.117Z",
                        "updated_at": "2019-12-27T18:11:19.117Z",
                        "custom_participant_id": format!("c{i}"),
                        "preset_name": "group_call_host"
                    })
                })
                .collect();
            ResponseTemplate::new(200).set_body_json(json!({
                "success": true,
                "data": data,
                "paging": {"total_count": count, "start_offset": 0, "end_offset": 0}
            }))
        })
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn calls_walks_and_raw_requests_are_send_and_static() {
    let client = common::client("http://127.0.0.1:9");
    let call = client.meetings().get_meeting_participant(&request());
    assert_send_static(&call);
    let with_response: WithResponse<GetParticipantResponse> = client
        .meetings()
        .get_meeting_participant(&request())
        .with_response();
    assert_send_static(&with_response);
    let raw: Call<RawResponse> = client.meetings().get_meeting_participant(&request()).raw();
    assert_send_static(&raw);
    let pages = client
        .meetings()
        .get_meeting_participants_pages(&list_request(2));
    assert_send_static(&pages);
    let items: Items<Participant> = pages.items();
    assert_send_static(&items);
    let raw_request: RawRequest = client.request(Method::GET, "/anything");
    assert_send_static(&raw_request);
    assert_send_static(&raw_request.send());
    let json: Call<Value> = client.request(Method::GET, "/anything").send_json();
    assert_send_static(&json);
    // The blocking iterators too (built, never iterated here).
    let blocking = client
        .meetings()
        .get_meeting_participants_pages(&list_request(2))
        .blocking();
    assert_send_static(&blocking);
    // Nor do the futures they become.
    let future: CallFuture<GetParticipantResponse> =
        client.meetings().get_meeting_participant(&request()).send();
    assert_send_static(&future);
    let response_future = client
        .meetings()
        .get_meeting_participant(&request())
        .with_response()
        .into_future();
    assert_send_static(&response_future);
    let walk_future = client
        .meetings()
        .get_meeting_participants_pages(&list_request(2))
        .into_future();
    assert_send_static(&walk_future);
    // None of them borrows `client`: it can go first.
    drop(client);
    drop((call, with_response, raw, items, json, blocking));
    drop((future, response_future, walk_future));
}

#[tokio::test]
async fn a_sent_call_is_spawned_as_it_is() {
    let server = server(0).await;
    let client = common::client(&server.uri());
    let task = tokio::spawn(client.meetings().get_meeting_participant(&request()).send());
    let with_response = tokio::spawn(
        client
            .meetings()
            .get_meeting_participant(&request())
            .with_response()
            .send(),
    );
    // The tasks own clones of the client: dropping ours changes nothing.
    drop(client);
    let participant = task.await.unwrap().unwrap();
    assert_eq!(participant.data.name.as_deref(), Some("name"));
    let response = with_response.await.unwrap().unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.attempts(), 1);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_call_outlives_the_function_that_made_its_client() {
    let server = server(0).await;
    let call = participant_call(&server.uri());
    let participant = tokio::spawn(call.into_future()).await.unwrap().unwrap();
    assert!(participant.success);
    assert_eq!(
        participant.data.custom_participant_id,
        "custom_participant_id"
    );
    // Awaited in place, too.
    let participant = participant_call(&server.uri()).await.unwrap();
    assert_eq!(participant.data.name.as_deref(), Some("name"));
}

#[tokio::test]
async fn a_page_walk_is_driven_in_a_spawned_task() {
    let server = server(5).await;
    let client = common::client(&server.uri());
    let mut items = client
        .meetings()
        .get_meeting_participants_pages(&list_request(2))
        .items();
    let walk = tokio::spawn(async move {
        let mut names = Vec::new();
        while let Some(participant) = items.next_item().await? {
            names.push(participant.custom_participant_id);
        }
        Ok::<_, cloudflare_realtime_kit::Error>(names)
    });
    drop(client);
    assert_eq!(walk.await.unwrap().unwrap(), ["c0", "c1", "c2", "c3", "c4"]);
    // A walk returned by a function that made (and dropped) its client.
    let pages = participant_pages(&server.uri(), 3);
    let collected = tokio::spawn(pages.items().collect())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(collected.len(), 5);
    // Awaited, a walk returns every page.
    let pages = participant_pages(&server.uri(), 3).await.unwrap();
    let sizes: Vec<usize> = pages.iter().map(|page| page.items.len()).collect();
    assert_eq!(sizes, [3, 2]);
    let requests = server.received_requests().await.unwrap();
    let queries: Vec<_> = requests
        .iter()
        .map(|r| r.url.query().unwrap_or(""))
        .collect();
    assert_eq!(
        queries,
        [
            "page_no=1&per_page=2",
            "page_no=2&per_page=2",
            "page_no=3&per_page=2",
            "page_no=1&per_page=3",
            "page_no=2&per_page=3",
            "page_no=1&per_page=3",
            "page_no=2&per_page=3",
        ]
    );
}

#[tokio::test]
async fn spawned_calls_run_concurrently_on_clones_of_one_client() {
    let server = server(0).await;
    let client = common::client(&server.uri());
    let tasks: Vec<_> = (0..8)
        .map(|_| tokio::spawn(client.meetings().get_meeting_participant(&request()).send()))
        .collect();
    for task in tasks {
        assert!(task.await.unwrap().unwrap().success);
    }
    assert_eq!(server.received_requests().await.unwrap().len(), 8);
}
