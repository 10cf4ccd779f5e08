//! Every operation of `fixtures/http_edges.yaml` against a wiremock server on loopback.

use http_edges_fixture::*;
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
        .token("t")
        .max_retries(0)
        .build()
        .unwrap()
}

async fn received(server: &MockServer) -> wiremock::Request {
    let mut all = server.received_requests().await.unwrap();
    assert_eq!(all.len(), 1, "expected exactly one request: {all:#?}");
    all.remove(0)
}

fn header(request: &wiremock::Request, name: &str) -> String {
    request
        .headers
        .get(name)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

#[tokio::test]
async fn head_decodes_no_body() {
    // The answer has the headers a GET's would have (a JSON content type, a length), no body.
    let server = serve(
        ResponseTemplate::new(200)
            .insert_header("content-type", "application/json")
            .insert_header("x-size", "12"),
    )
    .await;
    let request = FileExistsRequest { name: "abc".into() };
    let response = client(&server)
        .files()
        .file_exists(&request)
        .with_response()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-size"], "12");
    let sent = received(&server).await;
    assert_eq!(sent.method.as_str(), "HEAD");
    assert_eq!(sent.url.path(), "/files/abc");
}

#[tokio::test]
async fn any_media_type_string_is_text() {
    let server = serve(
        ResponseTemplate::new(200)
            .insert_header("content-type", "text/plain")
            .set_body_string("plain content, not JSON"),
    )
    .await;
    let request = GetFileContentRequest { name: "abc".into() };
    let content: String = client(&server)
        .files()
        .get_file_content(&request)
        .await
        .unwrap();
    assert_eq!(content, "plain content, not JSON");
    assert_eq!(header(&received(&server).await, "accept"), "*/*");
}

#[tokio::test]
async fn text_wildcard_is_text() {
    let server = serve(
        ResponseTemplate::new(200)
            .insert_header("content-type", "text/markdown")
            .set_body_string("# A note"),
    )
    .await;
    let note = client(&server)
        .notes()
        .get_note(&GetNoteRequest { id: 5 })
        .await
        .unwrap();
    assert_eq!(note, "# A note");
    let sent = received(&server).await;
    assert_eq!(sent.url.path(), "/notes/5");
    assert_eq!(header(&sent, "accept"), "text/*");
}

#[tokio::test]
async fn documented_redirect_is_returned_not_followed() {
    // Followed, the redirect would come back here (and be a second request).
    let server = MockServer::start().await;
    let location = format!("{}/elsewhere/file.bin", server.uri());
    Mock::given(any())
        .respond_with(ResponseTemplate::new(307).insert_header("location", location.as_str()))
        .mount(&server)
        .await;
    let request = DownloadRequest {
        id: "0b5d8a53-8f1b-4f57-9a44-9a4b9d4f1c11".into(),
    };
    let response: RawResponse = client(&server)
        .downloads()
        .download(&request)
        .await
        .unwrap();
    assert_eq!(response.status(), 307);
    assert_eq!(response.location(), Some(location.as_str()));
    assert_eq!(
        received(&server).await.url.path(),
        "/downloads/0b5d8a53-8f1b-4f57-9a44-9a4b9d4f1c11"
    );
}

#[tokio::test]
async fn undocumented_status_is_still_an_error() {
    let server = serve(ResponseTemplate::new(404)).await;
    let request = DownloadRequest {
        id: "0b5d8a53-8f1b-4f57-9a44-9a4b9d4f1c11".into(),
    };
    let error = client(&server)
        .downloads()
        .download(&request)
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    // A redirect of an operation that documents a 2xx stays an error too (not followed).
    let server = serve(ResponseTemplate::new(302).insert_header("location", "/x")).await;
    let error = client(&server)
        .files()
        .get_file_info(&GetFileInfoRequest { name: "abc".into() })
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(302));
}

#[tokio::test]
async fn multipart_form_of_named_parts() {
    let server = serve(ResponseTemplate::new(200).set_body_json(json!({"success": true}))).await;
    let body = Form::new()
        .json("metadata", &json!({"main_module": "worker.js"}))
        .unwrap()
        .file(
            "worker.js",
            Upload::new("worker.js", b"export default {}".to_vec())
                .with_content_type("application/javascript+module"),
        )
        .text("note", "from CI");
    assert_eq!(body.parts().len(), 3);
    let request = UploadScriptRequest {
        script_name: "my-worker".into(),
        body,
    };
    let response = client(&server)
        .scripts()
        .upload_script(&request)
        .await
        .unwrap();
    assert!(response.success);
    let sent = received(&server).await;
    assert_eq!(sent.method.as_str(), "PUT");
    let content_type = header(&sent, "content-type");
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap_or_else(|| panic!("{content_type}"));
    let text = String::from_utf8(sent.body.clone()).unwrap();
    let expected = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"metadata\"\r\n\
         Content-Type: application/json\r\n\r\n{{\"main_module\":\"worker.js\"}}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"worker.js\"; filename=\"worker.js\"\r\n\
         Content-Type: application/javascript+module\r\n\r\nexport default {{}}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nfrom CI\r\n\
         --{boundary}--\r\n"
    );
    assert_eq!(text, expected);
}

#[tokio::test]
async fn accept_lists_declared_media_types() {
    let server = serve(ResponseTemplate::new(200).set_body_json(json!({
        "rows": [{"name": "abc", "size": 3}]
    })))
    .await;
    let report = client(&server)
        .reports()
        .get_report(&GetReportRequest::default())
        .await
        .unwrap();
    assert_eq!(report.rows[0].size, 3);
    let sent = received(&server).await;
    // What the method decodes, and nothing it would not: the CSV the success also offers is
    // not asked for.
    assert_eq!(header(&sent, "accept"), "application/json");
}
