//! The example of docs/client-guide.md's *Testing code that uses the client*, compiled and run
//! exactly as it is written there: the code between the markers is the guide's code block, as
//! `the_readme_shows_this_example` checks.

// README example: begin
use cloudflare_realtime_kit::{Client, Error, GetMeetingParticipantRequest};
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The code under test takes the client as an argument, so that a test can give it one
/// pointed at a mock server.
async fn participant_name(client: &Client, id: &str) -> Result<Option<String>, Error> {
    let request = GetMeetingParticipantRequest::new("ACCOUNT_ID", "APP_ID", "MEETING_ID", id);
    let response = client.meetings().get_meeting_participant(&request).await?;
    Ok(response.data.name)
}

#[tokio::test]
async fn reads_the_participants_name() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(
            "/accounts/ACCOUNT_ID/realtime/kit/APP_ID/meetings/MEETING_ID/participants/p-1",
        ))
        .and(header("authorization", "Bearer test-token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "success": true,
            "data": {
                "id": "182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e",
                "custom_participant_id": "c-1",
                "preset_name": "group_call_host",
                "name": "Ada",
                "created_at": "2024-05-01T10:00:00Z",
                "updated_at": "2024-05-01T10:00:00Z"
            }
        })))
        .mount(&server)
        .await;
    // Any other participant: the API's answer for an unknown one.
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({
            "success": false,
            "error": {"code": 404, "message": "Participant not found"}
        })))
        .mount(&server)
        .await;

    let client = Client::builder()
        .token("test-token")
        .base_url(server.uri())
        .build()
        .unwrap();

    let name = participant_name(&client, "p-1").await.unwrap();
    assert_eq!(name.as_deref(), Some("Ada"));
    let error = participant_name(&client, "p-2").await.unwrap_err();
    let api = error.api().expect("an error answer of the API");
    assert_eq!(api.status(), 404);
    assert_eq!(api.message(), Some("Participant not found"));
}
// README example: end

#[test]
fn the_readme_shows_this_example() {
    let this = include_str!("readme_example.rs");
    let begin = "// README example: begin\n";
    let start = this.find(begin).unwrap() + begin.len();
    let end = this.find("// README example: end").unwrap();
    let example = format!("```rust\n{}```\n", &this[start..end]);
    let readme = include_str!("../../docs/client-guide.md");
    assert!(
        readme.contains(&example),
        "docs/client-guide.md's example under *Testing code that uses the client* is not the code of \
         generated/tests/readme_example.rs:\n{example}"
    );
}
