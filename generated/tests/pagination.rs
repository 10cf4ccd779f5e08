//! Walking `get_meeting_participants` page by page (`get_meeting_participants_pages`) against
//! wiremock servers on loopback that page correctly, ignore the page number, leave out the
//! total or fail half-way: the exact pages requested, the items yielded, and that every walk
//! ends.

use std::pin::Pin;
use std::time::Duration;

use cloudflare_realtime_kit::runtime::{Items, Pages};
use cloudflare_realtime_kit::types::Participant;
use cloudflare_realtime_kit::{Client, GetMeetingParticipantsRequest};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const PARTICIPANTS: &str = "/accounts/acc-1/realtime/kit/app-1/meetings/meet-1/participants";

fn client(server: &MockServer) -> Client {
    Client::builder()
        .token("test-token")
        .base_url(server.uri())
        .max_retries(0)
        .build()
        .unwrap()
}

fn request(page_no: Option<i64>, per_page: Option<i64>) -> GetMeetingParticipantsRequest {
    GetMeetingParticipantsRequest {
        account_id: "acc-1".into(),
        app_id: "app-1".into(),
        meeting_id: "meet-1".into(),
        page_no,
        per_page,
    }
}

/// A participant whose custom id is `name`.
fn participant(name: &str) -> Value {
    json!({
        "id": "182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e",
        "created_at": "2019-12-27T18:11:19.117Z",
        "updated_at": "2019-12-27T18:11:19.117Z",
        "custom_participant_id": name,
        "preset_name": "group_call_host"
    })
}

/// A page of participants named `names`; `total` goes into `paging.total_count` when given.
fn page(names: &[String], total: Option<u64>) -> ResponseTemplate {
    let mut paging = json!({"start_offset": 0, "end_offset": 0});
    if let Some(total) = total {
        paging["total_count"] = json!(total);
    }
    let data: Vec<Value> = names.iter().map(|n| participant(n)).collect();
    ResponseTemplate::new(200)
        .set_body_json(json!({"success": true, "data": data, "paging": paging}))
}

/// The `page_no` of a request (1 when absent).
fn page_no(request: &Request) -> usize {
    request
        .url
        .query_pairs()
        .find(|(k, _)| k == "page_no")
        .map_or(1, |(_, v)| v.parse().unwrap())
}

/// A server paging through `all` participants `size` at a time, announcing the total or not.
async fn paging_server(all: usize, size: usize, announce_total: bool) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(PARTICIPANTS))
        .respond_with(move |request: &Request| {
            let first = (page_no(request) - 1) * size;
            let names: Vec<String> = (first..all.min(first + size))
                .map(|i| format!("p{i}"))
                .collect();
            page(&names, announce_total.then_some(all as u64))
        })
        .mount(&server)
        .await;
    server
}

/// The query string of every request the server received, in order.
async fn queries(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.url.query().unwrap_or("").to_string())
        .collect()
}

fn names(items: &[Participant]) -> Vec<&str> {
    items
        .iter()
        .map(|p| p.custom_participant_id.as_str())
        .collect()
}

fn expected(range: std::ops::Range<usize>) -> Vec<String> {
    range.map(|i| format!("p{i}")).collect()
}

/// The next element of a stream, through `futures_core::Stream` itself.
async fn next<S: futures_core::Stream + Unpin>(stream: &mut S) -> Option<S::Item> {
    std::future::poll_fn(|cx| Pin::new(&mut *stream).poll_next(cx)).await
}

#[tokio::test]
async fn walks_every_page_in_order_and_stops_at_the_total() {
    let server = paging_server(5, 2, true).await;
    let items = client(&server)
        .meetings()
        .get_meeting_participants_pages(&request(None, None))
        .items()
        .collect()
        .await
        .unwrap();
    assert_eq!(names(&items), expected(0..5));
    // No page size known: only the total (5 items after page 3) ends the walk.
    assert_eq!(
        queries(&server).await,
        ["page_no=1", "page_no=2", "page_no=3"]
    );
}

#[tokio::test]
async fn starts_at_the_callers_page_and_keeps_its_page_size() {
    let server = paging_server(7, 2, true).await;
    let client = client(&server);
    let mut pages = client
        .meetings()
        .get_meeting_participants_pages(&request(Some(2), Some(2)));
    let mut seen = Vec::new();
    while let Some(page) = pages.next_page().await.unwrap() {
        assert_eq!(page.total_count, Some(7));
        seen.push((page.number, names(&page.items).join(",")));
    }
    assert_eq!(
        seen,
        [
            (2, "p2,p3".to_string()),
            (3, "p4,p5".to_string()),
            (4, "p6".to_string())
        ]
    );
    assert_eq!(
        queries(&server).await,
        [
            "page_no=2&per_page=2",
            "page_no=3&per_page=2",
            "page_no=4&per_page=2"
        ]
    );
    // Exhausted for good.
    assert!(pages.next_page().await.unwrap().is_none());
    assert_eq!(queries(&server).await.len(), 3);
}

#[tokio::test]
async fn stops_at_the_total_even_when_the_server_has_more() {
    // Every page is full and new, but the server says there are 4.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(|request: &Request| {
            let n = page_no(request);
            page(&[format!("a{n}"), format!("b{n}")], Some(4))
        })
        .mount(&server)
        .await;
    let items = client(&server)
        .meetings()
        .get_meeting_participants_pages(&request(None, Some(2)))
        .items()
        .collect()
        .await
        .unwrap();
    assert_eq!(names(&items), ["a1", "b1", "a2", "b2"]);
    assert_eq!(queries(&server).await.len(), 2);
}

#[tokio::test]
async fn a_server_capping_the_page_size_is_walked_to_the_total() {
    // The caller asks for 5 a page, the server sends 2: short pages, but the total says more.
    let server = paging_server(5, 2, true).await;
    let items = client(&server)
        .meetings()
        .get_meeting_participants_pages(&request(None, Some(5)))
        .items()
        .collect()
        .await
        .unwrap();
    assert_eq!(names(&items), expected(0..5));
    assert_eq!(
        queries(&server).await,
        [
            "page_no=1&per_page=5",
            "page_no=2&per_page=5",
            "page_no=3&per_page=5"
        ]
    );
}

#[tokio::test]
async fn stops_on_an_empty_page_without_a_total() {
    let server = paging_server(4, 2, false).await;
    let items = client(&server)
        .meetings()
        .get_meeting_participants_pages(&request(None, None))
        .items()
        .collect()
        .await
        .unwrap();
    assert_eq!(names(&items), expected(0..4));
    assert_eq!(
        queries(&server).await,
        ["page_no=1", "page_no=2", "page_no=3"]
    );
}

#[tokio::test]
async fn stops_on_a_short_page_without_a_total() {
    let server = paging_server(7, 3, false).await;
    let items = client(&server)
        .meetings()
        .get_meeting_participants_pages(&request(None, Some(3)))
        .items()
        .collect()
        .await
        .unwrap();
    assert_eq!(names(&items), expected(0..7));
    assert_eq!(
        queries(&server).await,
        [
            "page_no=1&per_page=3",
            "page_no=2&per_page=3",
            "page_no=3&per_page=3"
        ]
    );
}

#[tokio::test]
async fn a_server_ignoring_the_page_number_yields_its_items_once() {
    for (total, per_page) in [(None, None), (Some(50), None), (Some(50), Some(2))] {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(page(&["same1".into(), "same2".into()], total))
            .mount(&server)
            .await;
        let client = client(&server);
        let walk = client
            .meetings()
            .get_meeting_participants_pages(&request(None, per_page))
            .items()
            .collect();
        // A walk that never ends fails here instead of hanging the test run.
        let items = tokio::time::timeout(Duration::from_secs(20), walk)
            .await
            .expect("the walk must end")
            .unwrap();
        assert_eq!(names(&items), ["same1", "same2"], "{total:?} {per_page:?}");
        // Page 2 was the same as page 1: the walk ended there.
        assert_eq!(queries(&server).await.len(), 2, "{total:?} {per_page:?}");
    }
}

#[tokio::test]
async fn the_total_caps_the_pages_when_the_start_is_unplaced() {
    // Starting at page 2 with no page size, the items before it are unknown; the total (3)
    // still bounds the number of pages, each holding at least one item.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(|request: &Request| page(&[format!("n{}", page_no(request))], Some(3)))
        .mount(&server)
        .await;
    let items = client(&server)
        .meetings()
        .get_meeting_participants_pages(&request(Some(2), None))
        .items()
        .collect()
        .await
        .unwrap();
    assert_eq!(names(&items), ["n2", "n3", "n4"]);
    assert_eq!(
        queries(&server).await,
        ["page_no=2", "page_no=3", "page_no=4"]
    );
}

#[tokio::test]
async fn an_error_mid_walk_is_returned_and_ends_the_walk() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(|request: &Request| match page_no(request) {
            1 => page(&["first".into()], Some(3)),
            _ => ResponseTemplate::new(404).set_body_json(json!({
                "success": false,
                "error": {"code": 404, "message": "meeting not found"}
            })),
        })
        .mount(&server)
        .await;
    let client = client(&server);
    let mut items: Items<Participant> = client
        .meetings()
        .get_meeting_participants_pages(&request(None, None))
        .items();
    let first = items.next_item().await.unwrap().unwrap();
    assert_eq!(first.custom_participant_id, "first");
    let error = items.next_item().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(error.api().unwrap().message(), Some("meeting not found"));
    // The walk is over: no retry of the failed page.
    assert!(items.next_item().await.unwrap().is_none());
    assert_eq!(queries(&server).await, ["page_no=1", "page_no=2"]);
}

#[tokio::test]
async fn pages_and_items_are_streams() {
    let server = paging_server(3, 2, true).await;
    let client = client(&server);
    let mut pages: Pages<Participant> = client
        .meetings()
        .get_meeting_participants_pages(&request(None, Some(2)));
    let first = next(&mut pages).await.unwrap().unwrap();
    assert_eq!((first.number, names(&first.items)), (1, vec!["p0", "p1"]));
    let mut items = pages.items();
    assert_eq!(
        next(&mut items)
            .await
            .unwrap()
            .unwrap()
            .custom_participant_id,
        "p2"
    );
    assert!(next(&mut items).await.is_none());
    assert_eq!(
        queries(&server).await,
        ["page_no=1&per_page=2", "page_no=2&per_page=2"]
    );
}
