//! Every operation of `fixtures/operations.yaml`, called through the generated grouped API
//! (`client.<group>().<operation>(&request)`) against a wiremock server on loopback: what goes
//! over the wire (method, raw path, raw query, headers, body) and what comes back (payloads,
//! status variants, typed error bodies).
//!
//! Written so that it compiles whether or not the generator bug worked around in `operations.rs`
//! is fixed: the multipart body is given with `.into()`, as it is an `Option` while the fixture's
//! multipart body is made optional.

use std::time::Duration;

use operations_fixture::types::*;
use operations_fixture::*;
use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const ACCOUNT: &str = "023e105f4ecef8ad9ca31a8372d0c353";
const MEETING: &str = "bbb3d0e0-5a67-4c3d-9f2b-f6fd6e1b4a11";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

/// Every credential alternative of the global `security`, with the environment variables.
const GLOBAL_NEEDS: &str = "set CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY, or \
                            CLOUDFLARE_API_TOKEN, or CLOUDFLARE_API_USER_SERVICE_KEY";

// --- Helpers ---------------------------------------------------------------------------------

/// A server that answers every request with `template`.
async fn serve(template: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(template)
        .mount(&server)
        .await;
    server
}

fn ok_json(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

/// A client without credentials and without retries.
fn builder(server: &MockServer) -> ClientBuilder {
    Client::builder()
        .base_url(server.uri())
        .max_retries(0)
        .retry_backoff(Duration::from_millis(1), Duration::from_millis(2))
}

/// A client with the bearer token `t` only.
fn client(server: &MockServer) -> Client {
    builder(server).token("t").build().unwrap()
}

/// The one request the server received.
async fn received(server: &MockServer) -> wiremock::Request {
    let mut all = server.received_requests().await.unwrap();
    assert_eq!(all.len(), 1, "expected exactly one request: {all:#?}");
    all.remove(0)
}

fn header<'a>(request: &'a wiremock::Request, name: &str) -> Option<&'a str> {
    request.headers.get(name).map(|v| v.to_str().unwrap())
}

/// Method, raw path and raw query of a received request.
fn line(request: &wiremock::Request) -> (String, String, Option<String>) {
    (
        request.method.as_str().to_owned(),
        request.url.path().to_owned(),
        request.url.query().map(str::to_owned),
    )
}

fn expect_line(method: &str, path: &str, query: Option<&str>) -> (String, String, Option<String>) {
    (method.into(), path.into(), query.map(str::to_owned))
}

/// Asserts that no credential of any scheme was sent.
fn assert_no_credentials(request: &wiremock::Request) {
    for name in [
        "authorization",
        "x-auth-email",
        "x-auth-key",
        "x-auth-user-service-key",
    ] {
        assert_eq!(header(request, name), None, "{name}");
    }
    assert!(
        !request.url.query().unwrap_or("").contains("api_key"),
        "{:?}",
        request.url.query()
    );
}

fn api_error(error: &Error) -> &ApiError {
    error
        .api()
        .unwrap_or_else(|| panic!("expected an API error, got {error:?}"))
}

fn meeting_json() -> Value {
    json!({
        "success": true,
        "data": {
            "id": MEETING,
            "title": "Daily standup",
            "status": "ACTIVE",
            "record_on_start": false,
            "live_stream_on_start": false,
            "created_at": "2024-05-01T09:00:00.000Z",
            "updated_at": "2024-05-02T10:15:30.500Z"
        }
    })
}

fn cloudflare_failure(code: i64, message: &str) -> Value {
    json!({
        "success": false,
        "errors": [{"code": code, "message": message}],
        "messages": []
    })
}

fn get_meeting_request() -> GetMeetingRequest {
    GetMeetingRequest {
        account_id: ACCOUNT.into(),
        // Reserved and non-ASCII characters stay inside their path segment.
        app_id: "app 1/α".into(),
        meeting_id: MEETING.into(),
    }
}

const MEETING_PATH: &str = "/accounts/023e105f4ecef8ad9ca31a8372d0c353/realtime/kit/app%201%2F%CE%B1/meetings/bbb3d0e0-5a67-4c3d-9f2b-f6fd6e1b4a11";

// --- Meetings: path parameters, credential alternatives, 4XX/5XX ------------------------------

#[tokio::test]
async fn get_meeting_with_email_and_key() {
    let server = serve(ok_json(meeting_json())).await;
    // The first alternative the client can satisfy wins, even with a token set too.
    let client = builder(&server)
        .api_email("user@example.com")
        .api_key("c2547eb745079dac9320b638f5e225cf483cc5cfdda41")
        .token("t")
        .build()
        .unwrap();
    let meeting = client
        .meetings()
        .get_meeting(&get_meeting_request())
        .await
        .unwrap();
    let request = received(&server).await;
    assert_eq!(line(&request), expect_line("GET", MEETING_PATH, None));
    assert_eq!(header(&request, "x-auth-email"), Some("user@example.com"));
    assert_eq!(
        header(&request, "x-auth-key"),
        Some("c2547eb745079dac9320b638f5e225cf483cc5cfdda41")
    );
    assert_eq!(header(&request, "authorization"), None);
    assert_eq!(header(&request, "x-auth-user-service-key"), None);
    assert_eq!(header(&request, "accept"), Some("application/json"));
    assert_eq!(
        header(&request, "user-agent"),
        Some("operations-fixture/0.1.0")
    );
    assert_eq!(header(&request, "content-type"), None);
    assert!(request.body.is_empty());
    assert!(meeting.success);
    assert_eq!(meeting.data.id.to_string(), MEETING);
    assert_eq!(meeting.data.status, MeetingStatus::Active);
    assert_eq!(meeting.data.title.as_deref(), Some("Daily standup"));
    assert_eq!(
        meeting.data.updated_at.to_rfc3339(),
        "2024-05-02T10:15:30.500+00:00"
    );
}

#[tokio::test]
async fn get_meeting_with_token() {
    let server = serve(ok_json(meeting_json())).await;
    client(&server)
        .meetings()
        .get_meeting(&get_meeting_request())
        .await
        .unwrap();
    let request = received(&server).await;
    assert_eq!(header(&request, "authorization"), Some("Bearer t"));
    assert_eq!(header(&request, "x-auth-email"), None);
    assert_eq!(header(&request, "x-auth-key"), None);
    assert_eq!(header(&request, "x-auth-user-service-key"), None);
}

#[tokio::test]
async fn get_meeting_with_user_service_key() {
    let server = serve(ok_json(meeting_json())).await;
    // An email without its key does not satisfy the first alternative.
    let client = builder(&server)
        .api_email("user@example.com")
        .user_service_key("v1.0-e24fd090c02efcfecb4de8f4ff")
        .build()
        .unwrap();
    client
        .meetings()
        .get_meeting(&get_meeting_request())
        .await
        .unwrap();
    let request = received(&server).await;
    assert_eq!(
        header(&request, "x-auth-user-service-key"),
        Some("v1.0-e24fd090c02efcfecb4de8f4ff")
    );
    assert_eq!(header(&request, "x-auth-email"), None);
    assert_eq!(header(&request, "authorization"), None);
}

#[tokio::test]
async fn missing_credentials_fail_before_sending() {
    let server = serve(ok_json(meeting_json())).await;
    // Only half of the email + key pair.
    let client = builder(&server)
        .api_email("user@example.com")
        .build()
        .unwrap();
    let error = client
        .meetings()
        .get_meeting(&get_meeting_request())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
    let message = error.to_string();
    assert!(message.contains(GLOBAL_NEEDS), "{message}");
    assert!(message.contains(MEETING_PATH), "{message}");
    // The query-key operation names its own variable.
    let error = self::client(&server)
        .customers()
        .get_customers(&GetCustomersRequest::default())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
    assert!(
        error.to_string().contains("set CLOUDFLARE_API_STRIPE_KEY"),
        "{error}"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn get_meeting_4xx_and_5xx_bodies() {
    let server = serve(
        ResponseTemplate::new(404).set_body_json(cloudflare_failure(7003, "No route for that URI")),
    )
    .await;
    let error = client(&server)
        .meetings()
        .get_meeting(&get_meeting_request())
        .await
        .unwrap_err();
    let api = api_error(&error);
    assert_eq!(api.status().as_u16(), 404);
    assert_eq!(api.code(), Some(7003));
    let body: CloudflareFailure = api.body_as().unwrap();
    assert!(!body.success);
    assert_eq!(body.errors[0].code, 7003);
    assert_eq!(body.errors[0].message, "No route for that URI");

    let server = serve(ResponseTemplate::new(503).set_body_json(json!({
        "code": 503,
        "message": "Service temporarily unavailable",
        "ray_id": "8a3c5e1f2b7d4e90"
    })))
    .await;
    let error = client(&server)
        .meetings()
        .get_meeting(&get_meeting_request())
        .await
        .unwrap_err();
    let api = api_error(&error);
    assert_eq!(api.status().as_u16(), 503);
    assert_eq!(api.attempts(), 1);
    // An error body only the API sends: `#[non_exhaustive]`, read field by field.
    let body: ServerError = api.body_as().unwrap();
    assert_eq!(body.code, 503);
    assert_eq!(body.message, "Service temporarily unavailable");
    assert_eq!(body.ray_id.as_deref(), Some("8a3c5e1f2b7d4e90"));
    assert_eq!(received(&server).await.method.as_str(), "GET");
}

#[tokio::test]
async fn update_meeting_header_json_body_and_default_error() {
    let server = serve(ok_json(meeting_json())).await;
    let request = UpdateMeetingRequest {
        account_id: ACCOUNT.into(),
        app_id: "app".into(),
        meeting_id: MEETING.into(),
        if_match: "W/\"2a7c\"".into(),
        body: MeetingUpdate {
            title: Some("Daily standup (moved)".into()),
            record_on_start: None,
            status: Some(MeetingStatus::Inactive),
        },
    };
    let meeting = client(&server)
        .meetings()
        .update_meeting(&request)
        .await
        .unwrap();
    assert_eq!(meeting.data.id.to_string(), MEETING);
    let received = received(&server).await;
    assert_eq!(
        line(&received),
        expect_line(
            "PATCH",
            &format!("/accounts/{ACCOUNT}/realtime/kit/app/meetings/{MEETING}"),
            None
        )
    );
    assert_eq!(header(&received, "if-match"), Some("W/\"2a7c\""));
    assert_eq!(header(&received, "content-type"), Some("application/json"));
    assert_eq!(
        String::from_utf8(received.body).unwrap(),
        r#"{"title":"Daily standup (moved)","status":"INACTIVE"}"#
    );

    // `default` describes every other status.
    let server = serve(ResponseTemplate::new(412).set_body_json(cloudflare_failure(
        1012,
        "The meeting was changed meanwhile",
    )))
    .await;
    let error = client(&server)
        .meetings()
        .update_meeting(&request)
        .await
        .unwrap_err();
    let api = api_error(&error);
    assert_eq!(api.status().as_u16(), 412);
    let body: CloudflareFailure = api.body_as().unwrap();
    assert_eq!(body.errors[0].code, 1012);
}

#[tokio::test]
async fn delete_meeting_no_content() {
    let server = serve(ResponseTemplate::new(204)).await;
    let request = DeleteMeetingRequest {
        account_id: ACCOUNT.into(),
        app_id: "app".into(),
        meeting_id: MEETING.into(),
    };
    let () = client(&server)
        .meetings()
        .delete_meeting(&request)
        .await
        .unwrap();
    let received = received(&server).await;
    assert_eq!(
        line(&received),
        expect_line(
            "DELETE",
            &format!("/accounts/{ACCOUNT}/realtime/kit/app/meetings/{MEETING}"),
            None
        )
    );
    assert!(received.body.is_empty());
    assert_eq!(header(&received, "content-type"), None);
}

#[tokio::test]
async fn kick_all_posts_an_empty_body() {
    let server = serve(ok_json(json!({
        "success": true,
        "data": {"action": "kick_all", "participants_kicked": 12}
    })))
    .await;
    let request = KickAllParticipantsRequest {
        account_id: ACCOUNT.into(),
        app_id: "app".into(),
        meeting_id: MEETING.into(),
    };
    let response = client(&server)
        .meetings()
        .kick_all_participants(&request)
        .await
        .unwrap();
    assert_eq!(response.data.action, "kick_all");
    assert_eq!(response.data.participants_kicked, Some(12));
    let received = received(&server).await;
    assert_eq!(
        line(&received),
        expect_line(
            "POST",
            &format!(
                "/accounts/{ACCOUNT}/realtime/kit/app/meetings/{MEETING}/active-session/kick-all"
            ),
            None
        )
    );
    assert!(received.body.is_empty());
    assert_eq!(header(&received, "content-length"), Some("0"));
    assert_eq!(header(&received, "content-type"), None);
}

// --- Livestreams: a path parameter with dashes ------------------------------------------------

#[tokio::test]
async fn livestream_session_dashed_path_parameter() {
    let server = serve(ok_json(json!({
        "id": "ls_9f8e 7d",
        "livestream_id": "lv_1a2b",
        "started_time": "2024-05-01T09:00:00Z",
        "stopped_time": null,
        "ingest_seconds": 1830.5,
        "viewer_seconds": 90210
    })))
    .await;
    let request = GetLivestreamSessionRequest {
        account_id: ACCOUNT.into(),
        app_id: "app".into(),
        livestream_session_id: "ls_9f8e 7d".into(),
    };
    let session = client(&server)
        .livestreams()
        .get_livestream_session(&request)
        .await
        .unwrap();
    let received = received(&server).await;
    assert_eq!(
        line(&received),
        expect_line(
            "GET",
            &format!("/accounts/{ACCOUNT}/realtime/kit/app/livestreams/sessions/ls_9f8e%207d"),
            None
        )
    );
    assert_eq!(session.id, "ls_9f8e 7d");
    assert_eq!(session.stopped_time, None);
    assert_eq!(session.ingest_seconds, Some(1830.5));
    assert_eq!(session.viewer_seconds, Some(90210.0));
}

// --- Recordings: one success enum, three error schemas ----------------------------------------

fn start_recording_request() -> StartRecordingRequest {
    StartRecordingRequest {
        account_id: ACCOUNT.into(),
        app_id: "app".into(),
        body: StartRecordingBody {
            meeting_id: MEETING.into(),
            max_seconds: Some(3600),
            file_name_prefix: None,
        },
    }
}

#[tokio::test]
async fn start_recording_variant_per_status() {
    let recording = json!({
        "success": true,
        "data": {
            "id": "97440c6a-140b-40a9-9499-b23fd7a3868a",
            "meeting_id": MEETING,
            "status": "RECORDING",
            "output_file_name": "standup.mp4"
        }
    });
    let server = serve(ok_json(recording)).await;
    let response = client(&server)
        .recordings()
        .start_recording(&start_recording_request())
        .await
        .unwrap();
    let StartRecordingResponse::Ok(envelope) = response else {
        panic!("expected Ok, got {response:?}");
    };
    assert_eq!(envelope.data.status, RecordingStatus::Recording);
    assert_eq!(
        envelope.data.output_file_name.as_deref(),
        Some("standup.mp4")
    );
    let received = received(&server).await;
    assert_eq!(
        line(&received),
        expect_line(
            "POST",
            &format!("/accounts/{ACCOUNT}/realtime/kit/app/recordings"),
            None
        )
    );
    assert_eq!(header(&received, "content-type"), Some("application/json"));
    assert_eq!(
        String::from_utf8(received.body).unwrap(),
        format!(r#"{{"meeting_id":"{MEETING}","max_seconds":3600}}"#)
    );

    let server = serve(ResponseTemplate::new(202)).await;
    let response = client(&server)
        .recordings()
        .start_recording(&start_recording_request())
        .await
        .unwrap();
    assert_eq!(response, StartRecordingResponse::Accepted);

    let server = serve(ResponseTemplate::new(204)).await;
    let response = client(&server)
        .recordings()
        .start_recording(&start_recording_request())
        .await
        .unwrap();
    assert_eq!(response, StartRecordingResponse::NoContent);
}

#[tokio::test]
async fn start_recording_error_bodies() {
    let server = serve(
        ResponseTemplate::new(422).set_body_json(cloudflare_failure(2001, "meeting is not active")),
    )
    .await;
    let error = client(&server)
        .recordings()
        .start_recording(&start_recording_request())
        .await
        .unwrap_err();
    let body: CloudflareFailure = api_error(&error).body_as().unwrap();
    assert_eq!(body.errors[0].message, "meeting is not active");

    let server = serve(ResponseTemplate::new(500).set_body_json(json!({
        "code": 500,
        "message": "recorder unavailable"
    })))
    .await;
    let error = client(&server)
        .recordings()
        .start_recording(&start_recording_request())
        .await
        .unwrap_err();
    let api = api_error(&error);
    assert_eq!(api.status().as_u16(), 500);
    let body: ServerError = api.body_as().unwrap();
    assert_eq!(body.message, "recorder unavailable");
    assert_eq!(body.ray_id, None);
}

// --- Issues: query styles, optional credentials, optional header and body ---------------------

fn issue_json() -> Value {
    json!({
        "id": 1,
        "node_id": "MDU6SXNzdWUx",
        "number": 1347,
        "title": "Found a bug",
        "body": "I'm having a problem with this.",
        "state": "open",
        "locked": false,
        "labels": [{"id": 208045946, "name": "bug", "color": "f29513", "default": true}],
        "user": {"login": "octocat", "id": 1, "type": "User", "site_admin": false},
        "assignees": [{"login": "octocat", "id": 1, "type": "User", "site_admin": false}],
        "comments": 0,
        "created_at": "2011-04-22T13:33:48Z",
        "closed_at": null,
        "html_url": "https://github.com/octocat/Hello-World/issues/1347"
    })
}

#[tokio::test]
async fn list_issues_query_styles_with_token() {
    let server = serve(ok_json(json!([issue_json()]))).await;
    let request = IssuesListForRepoRequest {
        owner: "octocat".into(),
        repo: "Hello-World".into(),
        state: Some(IssuesListForRepoState::Closed),
        labels: Some(vec!["bug".into(), "help wanted".into(), "a,b".into()]),
        assignee: Some("octo cat".into()),
        since: Some("2024-03-01T12:30:00Z".parse().unwrap()),
        per_page: Some(50),
        page: Some(2),
        x_git_hub_api_version: Some("2022-11-28".into()),
    };
    let issues = client(&server)
        .issues()
        .issues_list_for_repo(&request)
        .await
        .unwrap();
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0].number, 1347);
    let received = received(&server).await;
    assert_eq!(
        line(&received),
        expect_line(
            "GET",
            "/repos/octocat/Hello-World/issues",
            Some(
                "state=closed&labels=bug,help+wanted,a%2Cb&assignee=octo+cat\
                 &since=2024-03-01T12%3A30%3A00Z&per_page=50&page=2"
            )
        )
    );
    assert_eq!(
        header(&received, "x-github-api-version"),
        Some("2022-11-28")
    );
    assert_eq!(header(&received, "authorization"), Some("Bearer t"));
}

#[tokio::test]
async fn list_issues_anonymously_without_optional_parameters() {
    let server = serve(ok_json(json!([]))).await;
    // `security: [{api_token: []}, {}]`: no credentials is fine.
    let client = builder(&server).build().unwrap();
    let request = IssuesListForRepoRequest::new("octocat", "Hello-World");
    let issues = client
        .issues()
        .issues_list_for_repo(&request)
        .await
        .unwrap();
    assert!(issues.is_empty());
    let received = received(&server).await;
    assert_eq!(
        line(&received),
        expect_line("GET", "/repos/octocat/Hello-World/issues", None)
    );
    assert_eq!(header(&received, "x-github-api-version"), None);
    assert_no_credentials(&received);
}

#[tokio::test]
async fn list_issues_lowercase_4xx_body() {
    let server = serve(ResponseTemplate::new(422).set_body_json(json!({
        "message": "Validation Failed",
        "documentation_url": "https://docs.github.com/rest/issues/issues#list-repository-issues",
        "status": "422"
    })))
    .await;
    let request = IssuesListForRepoRequest::new("octocat", "Hello-World");
    let error = client(&server)
        .issues()
        .issues_list_for_repo(&request)
        .await
        .unwrap_err();
    let body: BasicError = api_error(&error).body_as().unwrap();
    assert_eq!(body.message.as_deref(), Some("Validation Failed"));
    assert_eq!(body.status.as_deref(), Some("422"));
}

#[tokio::test]
async fn get_issue_integer_path_parameter_and_404() {
    let server = serve(ok_json(issue_json())).await;
    let request = IssuesGetRequest {
        owner: "octocat".into(),
        repo: "hello.world".into(),
        issue_number: 1347,
    };
    let issue = client(&server).issues().issues_get(&request).await.unwrap();
    assert_eq!(issue.state, IssueState::Open);
    assert_eq!(issue.labels[0].name, "bug");
    assert_eq!(issue.user.type_, "User");
    let received = received(&server).await;
    assert_eq!(
        line(&received),
        expect_line("GET", "/repos/octocat/hello.world/issues/1347", None)
    );

    let server = serve(ResponseTemplate::new(404).set_body_json(json!({
        "message": "Not Found",
        "documentation_url": "https://docs.github.com/rest/issues/issues#get-an-issue",
        "status": "404"
    })))
    .await;
    let error = client(&server)
        .issues()
        .issues_get(&request)
        .await
        .unwrap_err();
    let body: BasicError = api_error(&error).body_as().unwrap();
    assert_eq!(body.message.as_deref(), Some("Not Found"));

    // A `..` segment would change the path: refused before sending.
    let server = serve(ok_json(issue_json())).await;
    let dots = IssuesGetRequest {
        owner: "..".into(),
        ..request
    };
    let error = client(&server)
        .issues()
        .issues_get(&dots)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
    assert!(error.to_string().contains("owner"), "{error}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn lock_issue_optional_json_body() {
    let server = serve(ResponseTemplate::new(204)).await;
    let request = IssuesLockRequest {
        owner: "octocat".into(),
        repo: "Hello-World".into(),
        issue_number: 42,
        body: Some(IssuesLockBody {
            lock_reason: Some(IssuesLockLockReason::TooHeated),
        }),
    };
    client(&server)
        .issues()
        .issues_lock(&request)
        .await
        .unwrap();
    let received = received(&server).await;
    assert_eq!(
        line(&received),
        expect_line("PUT", "/repos/octocat/Hello-World/issues/42/lock", None)
    );
    assert_eq!(header(&received, "content-type"), Some("application/json"));
    assert_eq!(received.body, br#"{"lock_reason":"too heated"}"#);

    let server = serve(ResponseTemplate::new(204)).await;
    let request = IssuesLockRequest {
        body: None,
        ..request
    };
    client(&server)
        .issues()
        .issues_lock(&request)
        .await
        .unwrap();
    let received = self::received(&server).await;
    assert_eq!(received.method.as_str(), "PUT");
    assert!(received.body.is_empty());
    assert_eq!(header(&received, "content-type"), None);
    assert_eq!(header(&received, "content-length"), Some("0"));
}

// --- Releases: an octet-stream body -----------------------------------------------------------

#[tokio::test]
async fn upload_release_asset_octet_stream() {
    let server = serve(ResponseTemplate::new(201).set_body_json(json!({
        "id": 1,
        "name": "app v1.0.zip",
        "label": "Linux (x86_64)",
        "state": "uploaded",
        "content_type": "application/zip",
        "size": 1024,
        "browser_download_url": "https://github.com/octocat/Hello-World/releases/download/v1.0.0/app.zip"
    })))
    .await;
    let bytes = vec![0x50, 0x4b, 0x03, 0x04, 0x00, 0xff, 0x0d, 0x0a];
    let request = ReposUploadReleaseAssetRequest {
        owner: "octocat".into(),
        repo: "Hello-World".into(),
        release_id: 9_007_199_254_740_993,
        name: "app v1.0.zip".into(),
        label: Some("Linux (x86_64)".into()),
        body: Upload::new("app v1.0.zip", bytes.clone()),
    };
    let asset = client(&server)
        .releases()
        .repos_upload_release_asset(&request)
        .await
        .unwrap();
    assert_eq!(asset.state, ReleaseAssetState::Uploaded);
    assert_eq!(asset.label.as_deref(), Some("Linux (x86_64)"));
    let received = received(&server).await;
    assert_eq!(
        line(&received),
        expect_line(
            "POST",
            "/repos/octocat/Hello-World/releases/9007199254740993/assets",
            Some("name=app+v1.0.zip&label=Linux+%28x86_64%29")
        )
    );
    assert_eq!(
        header(&received, "content-type"),
        Some("application/octet-stream")
    );
    assert_eq!(header(&received, "content-length"), Some("8"));
    assert_eq!(received.body, bytes);
}

// --- Customers: deepObject, exploded arrays, a query API key, a form body ---------------------

fn customer_json() -> Value {
    json!({
        "id": "cus_NffrFeUfNV2Hib",
        "object": "customer",
        "balance": 0,
        "created": 1680893993,
        "currency": null,
        "delinquent": false,
        "description": null,
        "email": "jennyrosen@example.com",
        "livemode": false,
        "metadata": {},
        "name": "Jenny Rosen",
        "preferred_locales": [],
        "tax_exempt": "none"
    })
}

fn stripe_error(status: u16) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({
        "error": {
            "type": "card_error",
            "code": "card_declined",
            "message": "Your card was declined.",
            "doc_url": "https://stripe.com/docs/error-codes/card-declined"
        }
    }))
}

#[tokio::test]
async fn list_customers_deep_object_exploded_array_and_query_key() {
    let server = serve(ok_json(json!({
        "object": "list",
        "url": "/v1/customers",
        "has_more": false,
        "data": [customer_json()]
    })))
    .await;
    let client = builder(&server)
        .stripe_key("sk_test_4eC39HqLyjWDarjtT1zdp7dc")
        .build()
        .unwrap();
    let request = GetCustomersRequest {
        created: Some(GetCustomersCreated {
            gte: Some(1_700_000_000),
            lt: Some(1_710_000_000),
            ..Default::default()
        }),
        email: Some("jenny.rosen@example.com".into()),
        expand: Some(vec!["data.default_source".into(), "data.tax".into()]),
        limit: Some(3),
        starting_after: None,
    };
    let list = client.customers().get_customers(&request).await.unwrap();
    assert_eq!(list.object, CustomerListObject::List);
    assert_eq!(list.data[0].id, "cus_NffrFeUfNV2Hib");
    let received = received(&server).await;
    assert_eq!(
        line(&received),
        expect_line(
            "GET",
            "/v1/customers",
            Some(
                "created%5Bgte%5D=1700000000&created%5Blt%5D=1710000000\
                 &email=jenny.rosen%40example.com\
                 &expand%5B%5D=data.default_source&expand%5B%5D=data.tax&limit=3\
                 &api_key=sk_test_4eC39HqLyjWDarjtT1zdp7dc"
            )
        )
    );
    assert_eq!(header(&received, "authorization"), None);
}

#[tokio::test]
async fn list_customers_default_error_hides_the_query_key() {
    let server = serve(stripe_error(402)).await;
    let client = builder(&server)
        .stripe_key("sk_test_4eC39HqLyjWDarjtT1zdp7dc")
        .build()
        .unwrap();
    let error = client
        .customers()
        .get_customers(&GetCustomersRequest {
            limit: Some(1),
            ..Default::default()
        })
        .await
        .unwrap_err();
    let api = api_error(&error);
    assert_eq!(api.status().as_u16(), 402);
    assert_eq!(api.message(), Some("Your card was declined."));
    assert!(
        api.url().ends_with("/v1/customers?limit=1"),
        "{}",
        api.url()
    );
    assert!(!error.to_string().contains("sk_test"), "{error}");
    let body: StripeError = api.body_as().unwrap();
    assert_eq!(body.error.type_, StripeErrorType::CardError);
    assert_eq!(body.error.code.as_deref(), Some("card_declined"));
}

#[tokio::test]
async fn create_customer_form_body() {
    let server = serve(ok_json(customer_json())).await;
    let client = builder(&server).stripe_key("sk_test_abc").build().unwrap();
    let request = CreateCustomerRequest {
        idempotency_key: Some("KG5LxwFBepaKHyUD".into()),
        body: CreateCustomerBody {
            email: Some("jenny.rosen@example.com".into()),
            name: Some("Jenny Rosen".into()),
            description: None,
            balance: Some(-500),
            preferred_locales: Some(vec!["en".into(), "es".into()]),
            metadata: Some([("order_id".to_string(), "6735".to_string())].into()),
            tax_exempt: Some(CustomerTaxExempt::Exempt),
        },
    };
    let customer = client.customers().create_customer(&request).await.unwrap();
    assert_eq!(customer.name.as_deref(), Some("Jenny Rosen"));
    let received = received(&server).await;
    assert_eq!(
        line(&received),
        expect_line("POST", "/v1/customers", Some("api_key=sk_test_abc"))
    );
    assert_eq!(
        header(&received, "idempotency-key"),
        Some("KG5LxwFBepaKHyUD")
    );
    assert_eq!(
        header(&received, "content-type"),
        Some("application/x-www-form-urlencoded")
    );
    // Fields in the spec's order; nested objects in bracket notation.
    assert_eq!(
        String::from_utf8(received.body).unwrap(),
        "email=jenny.rosen%40example.com&name=Jenny+Rosen&balance=-500\
         &preferred_locales=en&preferred_locales=es&metadata%5Border_id%5D=6735\
         &tax_exempt=exempt"
    );

    let server = serve(stripe_error(400)).await;
    let client = builder(&server).stripe_key("sk_test_abc").build().unwrap();
    let error = client
        .customers()
        .create_customer(&request)
        .await
        .unwrap_err();
    let body: StripeError = api_error(&error).body_as().unwrap();
    assert_eq!(
        body.error.message.as_deref(),
        Some("Your card was declined.")
    );
}

// --- DNS records: scalar query parameters and delimited arrays --------------------------------

#[tokio::test]
async fn list_dns_records_scalars_and_delimited_arrays() {
    let server = serve(ok_json(json!({
        "success": true,
        "errors": [],
        "messages": [],
        "result": [{
            "id": "372e67954025e0ba6aaa6d586b9e0b59",
            "name": "www.example.com",
            "type": "AAAA",
            "content": "2400:cb00:2049::1",
            "proxied": true,
            "ttl": 1,
            "comment": null,
            "tags": ["team:dns", "env prod"],
            "created_on": "2014-01-01T05:20:00.12345Z",
            "modified_on": "2014-01-01T05:20:00.12345Z"
        }],
        "result_info": {"page": 2, "per_page": 12.5, "count": 1, "total_count": 26}
    })))
    .await;
    let request = DnsRecordsForAZoneListDnsRecordsRequest {
        zone_id: "023e105f4ecef8ad9ca31a8372d0c353".into(),
        name: Some("www.example.com".into()),
        type_: Some(DnsRecordType::Aaaa),
        proxied: Some(true),
        // `type: number` here, but the GitHub operations of the same spec declare `page` and
        // `per_page` integers: `i64`s (fractional query values: `runtime_http`).
        page: Some(2),
        per_page: Some(12),
        match_: Some(DnsRecordsForAZoneListDnsRecordsMatch::All),
        tag: Some(vec!["team:dns".into(), "env prod".into()]),
        order: Some(vec!["type".into(), "name".into()]),
    };
    let list = client(&server)
        .dns_records()
        .dns_records_for_a_zone_list_dns_records(&request)
        .await
        .unwrap();
    assert_eq!(list.result[0].type_, DnsRecordType::Aaaa);
    assert_eq!(list.result[0].ttl, Some(1.0));
    assert_eq!(list.result_info.as_ref().unwrap().per_page, Some(12.5));
    let received = received(&server).await;
    assert_eq!(
        line(&received),
        expect_line(
            "GET",
            "/zones/023e105f4ecef8ad9ca31a8372d0c353/dns_records",
            Some(
                "name=www.example.com&type=AAAA&proxied=true&page=2&per_page=12&match=all\
                 &tag=team%3Adns%20env+prod&order=type%7Cname"
            )
        )
    );

    let server = serve(
        ResponseTemplate::new(403).set_body_json(cloudflare_failure(10000, "Authentication error")),
    )
    .await;
    let error = client(&server)
        .dns_records()
        .dns_records_for_a_zone_list_dns_records(&request)
        .await
        .unwrap_err();
    let api = api_error(&error);
    assert_eq!(api.code(), Some(10000));
    let body: CloudflareFailure = api.body_as().unwrap();
    assert_eq!(body.errors[0].message, "Authentication error");
}

// --- Untagged: audit log export as CSV (group `accounts`), token verify (group `user`) --------

#[tokio::test]
async fn export_audit_logs_csv() {
    let csv = "id,action,actor\r\nd5b0f326-1232-4452-8858-1089bd7168ef,login,admin@example.com\r\n";
    let server =
        serve(ResponseTemplate::new(200).set_body_raw(csv.as_bytes().to_vec(), "text/csv")).await;
    let request = ExportAuditLogsRequest {
        account_id: ACCOUNT.into(),
        since: "2024-01-01T00:00:00Z".parse().unwrap(),
        before: Some("2024-01-31T23:59:59.500Z".parse().unwrap()),
        actor_email: Some("admin@example.com".into()),
    };
    let text = client(&server)
        .accounts()
        .export_audit_logs(&request)
        .await
        .unwrap();
    assert_eq!(text, csv);
    let received = received(&server).await;
    assert_eq!(
        line(&received),
        expect_line(
            "GET",
            &format!("/accounts/{ACCOUNT}/audit_logs/export"),
            Some(
                "since=2024-01-01T00%3A00%3A00Z&before=2024-01-31T23%3A59%3A59.500Z\
                 &actor.email=admin%40example.com"
            )
        )
    );
    assert_eq!(header(&received, "accept"), Some("text/csv"));
}

#[tokio::test]
async fn verify_token_without_operation_id() {
    let server = serve(ok_json(json!({
        "success": true,
        "result": {
            "id": "ed17574386854bf78a67040be0a770b0",
            "status": "active",
            "expires_on": "2030-01-01T00:00:00Z"
        }
    })))
    .await;
    let verified = client(&server).user().get_token_verify().await.unwrap();
    assert_eq!(verified.result.status, GetTokenVerifyStatus::Active);
    let received = received(&server).await;
    assert_eq!(
        line(&received),
        expect_line("GET", "/user/tokens/verify", None)
    );
    assert_eq!(header(&received, "authorization"), Some("Bearer t"));
}

// --- Cloudflare Images: multipart upload, PNG download ----------------------------------------

/// A `multipart/form-data` body as the runtime writes it: (disposition, content type, bytes).
fn multipart(boundary: &str, parts: &[(&str, Option<&str>, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (disposition, content_type, content) in parts {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; {disposition}\r\n").as_bytes(),
        );
        if let Some(content_type) = content_type {
            body.extend_from_slice(format!("Content-Type: {content_type}\r\n").as_bytes());
        }
        body.extend_from_slice(b"\r\n");
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    body
}

#[tokio::test]
async fn upload_image_multipart() {
    let server = serve(ok_json(json!({
        "success": true,
        "errors": [],
        "messages": [],
        "result": {
            "id": "animals/cat",
            "filename": "cat.png",
            "uploaded": "2024-05-01T09:00:00Z",
            "requireSignedURLs": true,
            "variants": ["https://imagedelivery.net/MTt4OTd0b0w5aj/animals/cat/public"],
            "meta": {"source": "upload"}
        }
    })))
    .await;
    let mut metadata = serde_json::Map::new();
    metadata.insert("source".into(), json!("upload"));
    // The program runs against a required and an optional body (see the module docs).
    #[allow(clippy::useless_conversion)]
    let request = CreateAccountImageRequest {
        account_id: ACCOUNT.into(),
        // `.into()`: also compiles while the body is an `Option` (see the module docs).
        body: CreateAccountImageBody {
            file: Upload::new("cat \"1\".png", PNG).with_content_type("image/png"),
            id: Some("animals/cat".into()),
            require_signed_urls: Some(true),
            metadata: Some(metadata),
        }
        .into(),
    };
    let image = client(&server)
        .cloudflare_images()
        .create_account_image(&request)
        .await
        .unwrap();
    assert_eq!(image.result.id, "animals/cat");
    assert_eq!(image.result.require_signed_urls, Some(true));
    let received = received(&server).await;
    assert_eq!(
        line(&received),
        expect_line("POST", &format!("/accounts/{ACCOUNT}/images/v1"), None)
    );
    let content_type = header(&received, "content-type").unwrap();
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap_or_else(|| panic!("{content_type}"));
    let expected = multipart(
        boundary,
        &[
            (
                "name=\"file\"; filename=\"cat %221%22.png\"",
                Some("image/png"),
                PNG,
            ),
            ("name=\"id\"", None, b"animals/cat"),
            ("name=\"requireSignedURLs\"", None, b"true"),
            (
                "name=\"metadata\"",
                Some("application/json"),
                br#"{"source":"upload"}"#,
            ),
        ],
    );
    assert_eq!(
        String::from_utf8_lossy(&received.body),
        String::from_utf8_lossy(&expected)
    );
    assert_eq!(received.body, expected);
}

#[tokio::test]
async fn image_blob_png() {
    let server = serve(ResponseTemplate::new(200).set_body_raw(PNG.to_vec(), "image/png")).await;
    let request = CloudflareImagesBaseImageRequest {
        account_id: ACCOUNT.into(),
        image_id: "animals/cat.png".into(),
    };
    let bytes = client(&server)
        .cloudflare_images()
        .cloudflare_images_base_image(&request)
        .await
        .unwrap()
        .collect()
        .await
        .unwrap();
    assert_eq!(bytes, PNG);
    let received = received(&server).await;
    assert_eq!(
        line(&received),
        expect_line(
            "GET",
            &format!("/accounts/{ACCOUNT}/images/v1/animals%2Fcat.png/blob"),
            None
        )
    );
    assert_eq!(header(&received, "accept"), Some("image/png"));
}

// --- Workers KV: reserved characters in a key, octet-stream answer, text/plain body ----------

const KEY: &str = "user:42/profile?v=1#top 100%";
const KEY_PATH: &str = "/accounts/023e105f4ecef8ad9ca31a8372d0c353/storage/kv/namespaces/0f2ac74b498b48028cb68387c421e279/values/user%3A42%2Fprofile%3Fv%3D1%23top%20100%25";

#[tokio::test]
async fn kv_read_octet_stream() {
    let value = vec![0u8, 159, 146, 150, 255];
    let server =
        serve(ResponseTemplate::new(200).set_body_raw(value.clone(), "application/octet-stream"))
            .await;
    let request = WorkersNamespaceValueRequest {
        account_id: ACCOUNT.into(),
        namespace_id: "0f2ac74b498b48028cb68387c421e279".into(),
        key_name: KEY.into(),
    };
    let bytes = client(&server)
        .workers_kv_namespace()
        .workers_kv_namespace_read_key_value_pair(&request)
        .await
        .unwrap()
        .collect()
        .await
        .unwrap();
    assert_eq!(bytes, value);
    let received = received(&server).await;
    assert_eq!(line(&received), expect_line("GET", KEY_PATH, None));
    assert_eq!(
        header(&received, "accept"),
        Some("application/octet-stream")
    );
}

#[tokio::test]
async fn kv_write_text_body() {
    let server = serve(ok_json(
        json!({"success": true, "errors": [], "messages": []}),
    ))
    .await;
    let request = ReplaceNamespaceValueRequest {
        account_id: ACCOUNT.into(),
        namespace_id: "0f2ac74b498b48028cb68387c421e279".into(),
        key_name: KEY.into(),
        expiration_ttl: Some(3600),
        expiration: Some(1_735_689_600.0),
        body: "héllo\nwörld".into(),
    };
    let written = client(&server)
        .workers_kv_namespace()
        .replace_namespace_value(&request)
        .await
        .unwrap();
    assert!(written.success);
    let received = received(&server).await;
    assert_eq!(
        line(&received),
        expect_line(
            "PUT",
            KEY_PATH,
            Some("expiration_ttl=3600&expiration=1735689600")
        )
    );
    assert_eq!(header(&received, "content-type"), Some("text/plain"));
    assert_eq!(received.body, "héllo\nwörld".as_bytes());

    let server = serve(
        ResponseTemplate::new(413).set_body_json(cloudflare_failure(10033, "Value too large")),
    )
    .await;
    let error = client(&server)
        .workers_kv_namespace()
        .replace_namespace_value(&request)
        .await
        .unwrap_err();
    let body: CloudflareFailure = api_error(&error).body_as().unwrap();
    assert_eq!(body.errors[0].code, 10033);
}

// --- Cloudflare IPs: `security: []` -----------------------------------------------------------

#[tokio::test]
async fn public_operation_sends_no_credentials() {
    let body = json!({
        "success": true,
        "result": {
            "etag": "a8e453d9d129a3769407127936edfdb0",
            "ipv4_cidrs": ["173.245.48.0/20"],
            "ipv6_cidrs": ["2400:cb00::/32"]
        }
    });
    let server = serve(ok_json(body.clone())).await;
    let client = builder(&server)
        .api_email("user@example.com")
        .api_key("key")
        .token("t")
        .user_service_key("svc")
        .stripe_key("sk_test_abc")
        .build()
        .unwrap();
    let request = CloudflareIPsCloudflareIpDetailsRequest {
        networks: Some("jdcloud".into()),
    };
    let ips = client
        .cloudflare_ips()
        .cloudflare_i_ps_cloudflare_ip_details(&request)
        .await
        .unwrap();
    assert_eq!(
        ips.result.ipv4_cidrs.as_deref(),
        Some(&["173.245.48.0/20".to_string()][..])
    );
    let received = received(&server).await;
    assert_eq!(
        line(&received),
        expect_line("GET", "/ips", Some("networks=jdcloud"))
    );
    assert_no_credentials(&received);

    // A client without any credential calls it too.
    let server = serve(ok_json(body)).await;
    let client = builder(&server).build().unwrap();
    client
        .cloudflare_ips()
        .cloudflare_i_ps_cloudflare_ip_details(&Default::default())
        .await
        .unwrap();
    let received = self::received(&server).await;
    assert_eq!(line(&received), expect_line("GET", "/ips", None));
    assert_no_credentials(&received);
}

// --- Serde round trips of realistic response bodies -------------------------------------------

/// `value` without its `null` fields (optional fields that are `None` are left out).
fn without_nulls(mut value: Value) -> Value {
    if let Value::Object(fields) = &mut value {
        fields.retain(|_, v| !v.is_null());
    }
    value
}

#[test]
fn customer_round_trip() {
    let json = customer_json();
    let customer: Customer = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(customer.object, CustomerObject::Customer);
    assert_eq!(customer.created, 1_680_893_993);
    assert_eq!(customer.currency, None);
    assert_eq!(customer.delinquent, Some(false));
    assert_eq!(customer.metadata, Some(Default::default()));
    assert_eq!(customer.preferred_locales, Some(vec![]));
    assert_eq!(customer.tax_exempt, Some(CustomerTaxExempt::None));
    assert_eq!(
        serde_json::to_value(&customer).unwrap(),
        without_nulls(json)
    );
}

#[test]
fn issue_round_trip() {
    let json = issue_json();
    let issue: Issue = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(issue.id, 1);
    assert_eq!(
        issue.body.as_deref(),
        Some("I'm having a problem with this.")
    );
    assert_eq!(issue.closed_at, None);
    assert_eq!(issue.assignees.as_ref().unwrap()[0].login, "octocat");
    assert_eq!(issue.labels[0].default, Some(true));
    assert_eq!(issue.created_at.to_rfc3339(), "2011-04-22T13:33:48+00:00");
    let back = serde_json::to_value(&issue).unwrap();
    assert_eq!(back, without_nulls(json));
    assert_eq!(serde_json::from_value::<Issue>(back).unwrap(), issue);
}
