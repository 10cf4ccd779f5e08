//! Every participant operation against a wiremock server on loopback: the exact method, path,
//! query and body that go over the wire, and the decoded result.

use cloudflare_realtime_kit::types::{
    AddParticipantBody, EditParticipantBody, ReplaceParticipantBody,
};
use cloudflare_realtime_kit::{
    AddParticipantRequest, Client, DeleteMeetingParticipantRequest, EditParticipantRequest,
    GetMeetingParticipantsRequest, RegenerateTokenRequest, ReplaceParticipantRequest,
};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "test-token-5ecr3t";
const MEETING: &str = "bbbb7a86-2bda-4fb6-9e13-7bd2ad8d8d1b";
const PARTICIPANTS: &str =
    "/accounts/acc-1/realtime/kit/app-1/meetings/bbbb7a86-2bda-4fb6-9e13-7bd2ad8d8d1b/participants";
const PARTICIPANT_ID: &str = "182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e";

fn client(server: &MockServer) -> Client {
    Client::builder()
        .token(TOKEN)
        .base_url(server.uri())
        .max_retries(0)
        .build()
        .unwrap()
}

fn participant(token: Option<&str>) -> Value {
    let mut value = json!({
        "id": PARTICIPANT_ID,
        "created_at": "2019-12-27T18:11:19.117Z",
        "updated_at": "2019-12-28T09:30:00Z",
        "custom_participant_id": "mary@example.com",
        "preset_name": "group_call_host",
        "name": "Mary Sue",
        "picture": null
    });
    if let Some(token) = token {
        value["token"] = json!(token);
    }
    value
}

/// The single request the server received.
async fn only_request(server: &MockServer) -> Request {
    let mut received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 1, "{received:?}");
    received.remove(0)
}

fn body(request: &Request) -> Value {
    serde_json::from_slice(&request.body).unwrap()
}

#[tokio::test]
async fn get_meeting_participants_sends_page_and_size_and_decodes_the_page() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(PARTICIPANTS))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "success": true,
            "data": [participant(None)],
            "paging": {"start_offset": 10, "end_offset": 10, "total_count": 11}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let page = client(&server)
        .meetings()
        .get_meeting_participants(&GetMeetingParticipantsRequest {
            account_id: "acc-1".into(),
            app_id: "app-1".into(),
            meeting_id: MEETING.into(),
            page_no: Some(3),
            per_page: Some(5),
        })
        .await
        .unwrap();
    let request = only_request(&server).await;
    assert_eq!(request.url.query(), Some("page_no=3&per_page=5"));
    assert!(request.body.is_empty());
    assert!(page.success);
    assert_eq!(page.data.len(), 1);
    assert_eq!(page.data[0].id.to_string(), PARTICIPANT_ID);
    assert_eq!(page.data[0].name.as_deref(), Some("Mary Sue"));
    assert_eq!(page.data[0].picture, None);
    assert_eq!(
        (
            page.paging.start_offset,
            page.paging.end_offset,
            page.paging.total_count
        ),
        (10, 10, 11)
    );
}

#[tokio::test]
async fn get_meeting_participants_leaves_unset_paging_out_of_the_query() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(PARTICIPANTS))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "success": true,
            "data": [],
            "paging": {"start_offset": 0, "end_offset": 0, "total_count": 0}
        })))
        .mount(&server)
        .await;
    let page = client(&server)
        .meetings()
        .get_meeting_participants(&GetMeetingParticipantsRequest::new(
            "acc-1", "app-1", MEETING,
        ))
        .await
        .unwrap();
    assert_eq!(only_request(&server).await.url.query(), None);
    assert!(page.data.is_empty());
}

#[tokio::test]
async fn add_participant_posts_the_participant_and_decodes_its_token() {
    let server = MockServer::start().await;
    let sent = json!({
        "name": "Mary Sue",
        "preset_name": "group_call_host",
        "custom_participant_id": "mary@example.com"
    });
    Mock::given(method("POST"))
        .and(path(PARTICIPANTS))
        .and(header("content-type", "application/json"))
        .and(body_json(&sent))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "success": true,
            "data": participant(Some("eyJhbGciOiJSUzI1NiJ9.participant"))
        })))
        .expect(1)
        .mount(&server)
        .await;
    let added = client(&server)
        .meetings()
        // The required id goes to `new`; the preset is the spec's default, sent without being
        // named (`AddParticipantBody` has no `Default` that would send `""` for either).
        .add_participant(&AddParticipantRequest::new(
            "acc-1",
            "app-1",
            MEETING,
            AddParticipantBody {
                name: Some("Mary Sue".into()),
                ..AddParticipantBody::new("mary@example.com")
            },
        ))
        .await
        .unwrap();
    let request = only_request(&server).await;
    assert_eq!(request.url.query(), None);
    // Exactly these fields: the unset picture is left out, not sent as null.
    assert_eq!(body(&request), sent);
    assert!(added.success);
    let added = added.data.expect("the added participant");
    assert_eq!(added.token, "eyJhbGciOiJSUzI1NiJ9.participant");
    assert_eq!(added.id.to_string(), PARTICIPANT_ID);
    assert_eq!(added.custom_participant_id, "mary@example.com");
    assert_eq!(
        added.created_at.to_rfc3339(),
        "2019-12-27T18:11:19.117+00:00"
    );
}

#[tokio::test]
async fn edit_participant_patches_only_the_given_fields() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path(format!("{PARTICIPANTS}/{PARTICIPANT_ID}")))
        .and(body_json(json!({"preset_name": "webinar_viewer"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "success": true,
            "data": participant(Some("tok-edit"))
        })))
        .expect(1)
        .mount(&server)
        .await;
    let edited = client(&server)
        .meetings()
        .edit_participant(&EditParticipantRequest {
            account_id: "acc-1".into(),
            app_id: "app-1".into(),
            meeting_id: MEETING.into(),
            participant_id: PARTICIPANT_ID.into(),
            body: EditParticipantBody {
                preset_name: Some("webinar_viewer".into()),
                ..Default::default()
            },
        })
        .await
        .unwrap();
    let request = only_request(&server).await;
    assert_eq!(body(&request), json!({"preset_name": "webinar_viewer"}));
    let edited = edited.data.expect("the edited participant");
    assert_eq!(edited.token, "tok-edit");
    assert_eq!(edited.name.as_deref(), Some("Mary Sue"));
}

#[tokio::test]
async fn replace_participant_puts_every_detail() {
    let server = MockServer::start().await;
    let sent = json!({
        "name": "Jane Doe",
        "picture": "https://example.com/jane.png",
        "preset_name": "webinar_viewer",
        "custom_participant_id": "jane@example.com"
    });
    Mock::given(method("PUT"))
        .and(path(format!("{PARTICIPANTS}/{PARTICIPANT_ID}")))
        .and(body_json(&sent))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "success": true,
            "data": participant(Some("tok-put"))
        })))
        .expect(1)
        .mount(&server)
        .await;
    let replaced = client(&server)
        .meetings()
        .replace_participant(&ReplaceParticipantRequest {
            account_id: "acc-1".into(),
            app_id: "app-1".into(),
            meeting_id: MEETING.into(),
            participant_id: PARTICIPANT_ID.into(),
            body: ReplaceParticipantBody {
                name: Some("Jane Doe".into()),
                picture: Some("https://example.com/jane.png".into()),
                preset_name: "webinar_viewer".into(),
                custom_participant_id: "jane@example.com".into(),
            },
        })
        .await
        .unwrap();
    assert_eq!(body(&only_request(&server).await), sent);
    assert_eq!(replaced.data.expect("the participant").token, "tok-put");
}

#[tokio::test]
async fn delete_meeting_participant_sends_no_body_and_decodes_what_remains() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path(format!("{PARTICIPANTS}/{PARTICIPANT_ID}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "success": true,
            "data": {
                "custom_participant_id": "mary@example.com",
                "preset_id": "4e2f0c4b-7d31-4a8e-9b1e-2c6a3f5d8e90",
                "created_at": "2019-12-27T18:11:19.117Z"
            }
        })))
        .expect(1)
        .mount(&server)
        .await;
    let deleted = client(&server)
        .meetings()
        .delete_meeting_participant(&DeleteMeetingParticipantRequest {
            account_id: "acc-1".into(),
            app_id: "app-1".into(),
            meeting_id: MEETING.into(),
            participant_id: PARTICIPANT_ID.into(),
        })
        .await
        .unwrap();
    let request = only_request(&server).await;
    assert!(request.body.is_empty());
    assert_eq!(request.url.query(), None);
    let deleted = deleted.data.expect("what remains of the participant");
    assert_eq!(deleted.custom_participant_id, "mary@example.com");
    assert_eq!(
        deleted.preset_id.to_string(),
        "4e2f0c4b-7d31-4a8e-9b1e-2c6a3f5d8e90"
    );
    // `updated_at` is required now; left out by the server, it decodes as its empty value.
    assert_eq!(
        deleted.updated_at,
        chrono::DateTime::<chrono::Utc>::default()
    );
    assert_eq!(deleted.updated_at.to_rfc3339(), "1970-01-01T00:00:00+00:00");
}

#[tokio::test]
async fn regenerate_token_posts_to_the_token_path() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("{PARTICIPANTS}/{PARTICIPANT_ID}/token")))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "success": true,
            "data": {"token": "eyJhbGciOiJSUzI1NiJ9.regenerated"}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let regenerated = client(&server)
        .meetings()
        .regenerate_token(&RegenerateTokenRequest {
            account_id: "acc-1".into(),
            app_id: "app-1".into(),
            meeting_id: MEETING.into(),
            participant_id: PARTICIPANT_ID.into(),
        })
        .await
        .unwrap();
    assert!(only_request(&server).await.body.is_empty());
    assert_eq!(regenerated.data.token, "eyJhbGciOiJSUzI1NiJ9.regenerated");
}

#[tokio::test]
async fn participant_errors_decode_into_the_error_envelope() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(500).set_body_json(json!({
            "success": false,
            "error": {"code": 500, "message": "preset not found"}
        })))
        .mount(&server)
        .await;
    let error = client(&server)
        .meetings()
        .edit_participant(&EditParticipantRequest {
            account_id: "acc-1".into(),
            app_id: "app-1".into(),
            meeting_id: MEETING.into(),
            participant_id: PARTICIPANT_ID.into(),
            body: EditParticipantBody::default(),
        })
        .await
        .unwrap_err();
    let api = error.api().expect("an API error");
    assert_eq!(api.status().as_u16(), 500);
    assert_eq!(api.message(), Some("preset not found"));
    let body: cloudflare_realtime_kit::types::GenericErrorResponse = api.body_as().unwrap();
    assert_eq!(body.error.message, "preset not found");
}

#[test]
fn string_enums_read_and_write_their_wire_text() {
    use cloudflare_realtime_kit::types::MeetingStatus;
    let active: MeetingStatus = "ACTIVE".parse().unwrap();
    assert_eq!(active, MeetingStatus::Active);
    assert_eq!(active.as_str(), "ACTIVE");
    assert_eq!(active.to_string(), "ACTIVE");
    // A value this client does not know is kept, as when it is read from JSON.
    let new: MeetingStatus = "ARCHIVED".parse().unwrap();
    assert_eq!(new, MeetingStatus::UnknownValue("ARCHIVED".into()));
    assert_eq!(
        (new.as_str(), new.to_string().as_str()),
        ("ARCHIVED", "ARCHIVED")
    );
    assert_eq!(
        serde_json::from_value::<MeetingStatus>(json!("ARCHIVED")).unwrap(),
        new
    );
    assert_eq!(serde_json::to_value(&new).unwrap(), json!("ARCHIVED"));
}
