//! The `_pages` walkers of `fixtures/pagination.yaml` against wiremock on loopback.

use pagination_fixture::{
    Client, DnsRecordsListRequest, GetMeetingParticipantsRequest, ZonesListRequest,
};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::builder()
        .token("t")
        .base_url(server.uri())
        .max_retries(0)
        .build()
        .unwrap()
}

fn query(request: &Request, name: &str) -> Option<String> {
    request
        .url
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

fn page_of(request: &Request, name: &str) -> usize {
    query(request, name).map_or(1, |v| v.parse::<f64>().unwrap() as usize)
}

async fn queries(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.url.query().unwrap_or("").to_string())
        .collect()
}

#[tokio::test]
async fn zones_stop_at_total_pages() {
    // Full pages of new zones forever, but `total_pages` says 2.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/zones"))
        .respond_with(|request: &Request| {
            let n = page_of(request, "page");
            let result: Vec<Value> = (0..2)
                .map(|i| json!({"id": format!("z{n}-{i}"), "name": "example.com"}))
                .collect();
            ResponseTemplate::new(200).set_body_json(json!({
                "success": true, "errors": [], "messages": [], "result": result,
                "result_info": {"page": n, "per_page": 2, "count": 2, "total_count": 100, "total_pages": 2}
            }))
        })
        .mount(&server)
        .await;
    let client = client(&server);
    let zones = client
        .zones()
        .zones_list_pages(&ZonesListRequest {
            name: Some("example.com".into()),
            ..Default::default()
        })
        .items()
        .collect()
        .await
        .unwrap();
    let ids: Vec<&str> = zones.iter().map(|z| z.id.as_str()).collect();
    assert_eq!(ids, ["z1-0", "z1-1", "z2-0", "z2-1"]);
    assert_eq!(
        queries(&server).await,
        ["name=example.com&page=1", "name=example.com&page=2"]
    );
}

#[tokio::test]
async fn dns_records_send_number_pages_and_stop_at_the_total() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/zones/zone-1/dns_records"))
        .respond_with(|request: &Request| {
            let n = page_of(request, "page");
            let all = ["r1", "r2", "r3"];
            let result: Vec<Value> = all
                .iter()
                .skip((n - 1) * 2)
                .take(2)
                .map(|id| json!({"id": id, "type": "A"}))
                .collect();
            ResponseTemplate::new(200).set_body_json(json!({
                "success": true, "result": result,
                "result_info": {"page": n, "per_page": 2, "count": 2, "total_count": 3}
            }))
        })
        .mount(&server)
        .await;
    let client = client(&server);
    let mut pages = client
        .dns_records()
        .dns_records_list_pages(&DnsRecordsListRequest {
            zone_id: "zone-1".into(),
            // `type: number` here, but `zones-list` declares its `page` an integer: an `i64`.
            page: 1,
            per_page: None,
        });
    let mut seen = Vec::new();
    while let Some(page) = pages.next_page().await.unwrap() {
        assert_eq!((page.total_count, page.per_page), (Some(3), Some(2)));
        let ids: Vec<String> = page.items.iter().map(|r| r.id.clone()).collect();
        seen.push((page.number, ids.join(",")));
    }
    assert_eq!(seen, [(1, "r1,r2".to_string()), (2, "r3".to_string())]);
    assert_eq!(queries(&server).await, ["page=1", "page=2"]);
}

#[tokio::test]
async fn participants_without_paging_stop_on_an_empty_page() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(|request: &Request| {
            let n = page_of(request, "page_no");
            let data: Vec<Value> = if n <= 2 {
                vec![
                    json!({"id": format!("a{n}")}),
                    json!({"id": format!("b{n}")}),
                ]
            } else {
                Vec::new()
            };
            // No `paging` at all: nothing announces the end but the empty page.
            ResponseTemplate::new(200).set_body_json(json!({"success": true, "data": data}))
        })
        .mount(&server)
        .await;
    let client = client(&server);
    let items = client
        .meetings()
        .get_meeting_participants_pages(&GetMeetingParticipantsRequest {
            meeting_id: "m".into(),
            page_no: Some(1.0),
            per_page: None,
        })
        .items()
        .collect()
        .await
        .unwrap();
    let ids: Vec<Option<&str>> = items.iter().map(|p| p.id.as_deref()).collect();
    assert_eq!(ids, [Some("a1"), Some("b1"), Some("a2"), Some("b2")]);
    // Whole `number` (`f64`) page numbers go out without `.0`.
    assert_eq!(
        queries(&server).await,
        ["page_no=1", "page_no=2", "page_no=3"]
    );
}

#[tokio::test]
async fn zones_error_mid_walk() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(|request: &Request| match page_of(request, "page") {
            1 => ResponseTemplate::new(200).set_body_json(json!({
                "result": [{"id": "z1", "name": "a.example"}],
                "result_info": {"page": 1, "per_page": 1, "total_pages": 3}
            })),
            _ => ResponseTemplate::new(403).set_body_json(json!({
                "success": false,
                "errors": [{"code": 9109, "message": "Unauthorized to access requested resource"}]
            })),
        })
        .mount(&server)
        .await;
    let client = client(&server);
    let mut zones = client
        .zones()
        .zones_list_pages(&ZonesListRequest::default())
        .items();
    assert_eq!(zones.next_item().await.unwrap().unwrap().id, "z1");
    let error = zones.next_item().await.unwrap_err();
    let api = error.api().expect("an API error");
    assert_eq!((api.status().as_u16(), api.code()), (403, Some(9109)));
    assert!(zones.next_item().await.unwrap().is_none());
    assert_eq!(queries(&server).await, ["page=1", "page=2"]);
}
