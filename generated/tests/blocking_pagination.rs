//! Walking a paged list without an async runtime (feature `blocking`): `Pages::blocking` and
//! `Items::blocking` as iterators, from plain `#[test]`s, against a wiremock server running on
//! a thread and runtime of its own; the same stop rules as the async walk, an error half-way,
//! and an error (not a panic) inside an async runtime.

use std::sync::{Arc, Mutex};

use cloudflare_realtime_kit::types::Participant;
use cloudflare_realtime_kit::{Client, Error, GetMeetingParticipantsRequest};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const PARTICIPANTS: &str = "/accounts/acc-1/realtime/kit/app-1/meetings/meet-1/participants";

fn client(uri: &str) -> Client {
    Client::builder()
        .token("test-token")
        .base_url(uri)
        .max_retries(0)
        .build()
        .unwrap()
}

fn request(per_page: Option<i64>) -> GetMeetingParticipantsRequest {
    GetMeetingParticipantsRequest {
        account_id: "acc-1".into(),
        app_id: "app-1".into(),
        meeting_id: "meet-1".into(),
        page_no: None,
        per_page,
    }
}

/// A page of participants whose custom ids are `names`, announcing `total` when given.
fn page(names: &[String], total: Option<u64>) -> ResponseTemplate {
    let mut paging = json!({"start_offset": 0, "end_offset": 0});
    if let Some(total) = total {
        paging["total_count"] = json!(total);
    }
    let data: Vec<Value> = names
        .iter()
        .map(|name| {
            json!({
                "id": "182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e",
                "created_at": "2019-12-27T18:11:19.117Z",
                "updated_at": "2019-12-27T18:11:19.117Z",
                "custom_participant_id": name,
                "preset_name": "group_call_host"
            })
        })
        .collect();
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

fn names(items: &[Participant]) -> Vec<&str> {
    items
        .iter()
        .map(|p| p.custom_participant_id.as_str())
        .collect()
}

fn expected(range: std::ops::Range<usize>) -> Vec<String> {
    range.map(|i| format!("p{i}")).collect()
}

/// A server answering the participants list with `respond(page_no)`, on a thread and runtime of
/// its own so that the test itself runs without any; the page numbers requested are recorded.
/// It stops when dropped.
struct Server {
    uri: String,
    requested: Arc<Mutex<Vec<usize>>>,
    _stop: std::sync::mpsc::Sender<()>,
}

impl Server {
    fn start(respond: impl Fn(usize) -> ResponseTemplate + Send + Sync + 'static) -> Server {
        let requested = Arc::new(Mutex::new(Vec::new()));
        let record = Arc::clone(&requested);
        let (uri_tx, uri_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = std::sync::mpsc::channel::<()>();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let server = MockServer::start().await;
                Mock::given(method("GET"))
                    .and(path(PARTICIPANTS))
                    .respond_with(move |request: &Request| {
                        let number = page_no(request);
                        record.lock().unwrap().push(number);
                        respond(number)
                    })
                    .mount(&server)
                    .await;
                uri_tx.send(server.uri()).unwrap();
                tokio::task::spawn_blocking(move || stop_rx.recv())
                    .await
                    .unwrap()
                    .ok();
            });
        });
        Server {
            uri: uri_rx.recv().unwrap(),
            requested,
            _stop: stop_tx,
        }
    }

    /// The page numbers requested so far, and forgets them.
    fn take_requested(&self) -> Vec<usize> {
        std::mem::take(&mut *self.requested.lock().unwrap())
    }
}

/// A server paging through `all` participants `size` at a time, announcing the total.
fn paging_server(all: usize, size: usize) -> Server {
    Server::start(move |number| {
        let first = (number - 1) * size;
        page(&expected(first..all.min(first + size)), Some(all as u64))
    })
}

#[test]
fn blocking_pages_and_items_walk_every_page_without_an_async_runtime() {
    let server = paging_server(7, 3);
    let client = client(&server.uri);
    let pages: Vec<_> = client
        .meetings()
        .get_meeting_participants_pages(&request(Some(3)))
        .blocking()
        .collect::<Result<_, Error>>()
        .unwrap();
    let shape: Vec<(u64, usize)> = pages.iter().map(|p| (p.number, p.items.len())).collect();
    assert_eq!(shape, [(1, 3), (2, 3), (3, 1)]);
    assert_eq!(pages[2].total_count, Some(7));
    assert_eq!(server.take_requested(), [1, 2, 3]);
    // The items alone, on the same client (its runtime is reused).
    let items: Vec<Participant> = client
        .meetings()
        .get_meeting_participants_pages(&request(Some(3)))
        .items()
        .blocking()
        .collect::<Result<_, Error>>()
        .unwrap();
    assert_eq!(names(&items), expected(0..7));
    assert_eq!(server.take_requested(), [1, 2, 3]);
}

#[test]
fn a_repeating_page_ends_the_blocking_walk() {
    // A server ignoring the page number, with no total and no page size to go by.
    let server = Server::start(|_| page(&expected(0..2), None));
    let client = client(&server.uri);
    let mut pages = client
        .meetings()
        .get_meeting_participants_pages(&request(None))
        .blocking();
    let first = pages.next().unwrap().unwrap();
    assert_eq!(names(&first.items), expected(0..2));
    assert!(pages.next().is_none());
    assert!(pages.next().is_none(), "the iterator is fused");
    assert_eq!(server.take_requested(), [1, 2]);
    let items: Vec<Participant> = client
        .meetings()
        .get_meeting_participants_pages(&request(None))
        .items()
        .blocking()
        .collect::<Result<_, Error>>()
        .unwrap();
    assert_eq!(names(&items), expected(0..2), "each item once");
    assert_eq!(server.take_requested(), [1, 2]);
}

#[test]
fn an_error_mid_walk_is_yielded_and_ends_the_blocking_walk() {
    // Pages of 2 out of 6, but page 2 fails.
    let server = Server::start(|number| match number {
        2 => ResponseTemplate::new(500).set_body_json(json!({"success": false})),
        _ => {
            let first = (number - 1) * 2;
            page(&expected(first..first + 2), Some(6))
        }
    });
    let client = client(&server.uri);
    let mut pages = client
        .meetings()
        .get_meeting_participants_pages(&request(Some(2)))
        .blocking();
    assert_eq!(pages.next().unwrap().unwrap().number, 1);
    let error = pages.next().unwrap().unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(500), "{error:?}");
    assert!(pages.next().is_none(), "no page after the error");
    assert_eq!(server.take_requested(), [1, 2]);
    // The items of page 1, then the error, then nothing.
    let mut items = client
        .meetings()
        .get_meeting_participants_pages(&request(Some(2)))
        .items()
        .blocking();
    let before: Vec<Participant> = items.by_ref().take(2).map(Result::unwrap).collect();
    assert_eq!(names(&before), expected(0..2));
    assert!(matches!(items.next(), Some(Err(Error::Api(_)))));
    assert!(items.next().is_none());
    assert_eq!(server.take_requested(), [1, 2]);
}

#[tokio::test]
async fn blocking_walks_inside_an_async_runtime_are_an_error_not_a_panic() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(page(&expected(0..2), Some(2)))
        .mount(&server)
        .await;
    let client = client(&server.uri());
    let mut pages = client
        .meetings()
        .get_meeting_participants_pages(&request(None))
        .blocking();
    let error = pages.next().unwrap().unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
    let message = error.to_string();
    assert!(message.contains("Pages::blocking"), "{message}");
    assert!(message.contains("inside an async runtime"), "{message}");
    assert!(pages.next().is_none(), "the walk ends with the error");
    let mut items = client
        .meetings()
        .get_meeting_participants_pages(&request(None))
        .items()
        .blocking();
    let error = items.next().unwrap().unwrap_err();
    assert!(error.to_string().contains("Items::blocking"), "{error}");
    assert!(items.next().is_none());
    assert!(server.received_requests().await.unwrap().is_empty());
    // The async walk of the same list works there.
    let all = client
        .meetings()
        .get_meeting_participants_pages(&request(None))
        .items()
        .collect()
        .await
        .unwrap();
    assert_eq!(names(&all), expected(0..2));
}
