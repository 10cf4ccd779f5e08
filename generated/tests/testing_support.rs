//! The constructors downstream crates test with: `ApiError::new` (and `Error::from` it, the
//! `Error::Api` of a failed call) and `ApiResponse::new`, used the way a test double of the
//! client would use them.

use cloudflare_realtime_kit::reqwest::header::{HeaderMap, HeaderValue};
use cloudflare_realtime_kit::reqwest::{Method, StatusCode};
use cloudflare_realtime_kit::types::{GenericErrorResponse, GetParticipantResponse};
use cloudflare_realtime_kit::{ApiError, ApiResponse, Error};

const NOT_FOUND: &str =
    r#"{"success":false,"error":{"code":404,"message":"Participant not found"}}"#;

fn ray(value: &'static str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert("cf-ray", HeaderValue::from_static(value));
    headers
}

#[test]
fn an_api_error_is_read_from_its_body_as_the_client_reads_a_response() {
    let error = ApiError::new(StatusCode::NOT_FOUND, ray("8f0a1b2c3d4e-LHR"), NOT_FOUND);
    assert_eq!(error.status(), StatusCode::NOT_FOUND);
    assert_eq!(error.code(), Some(404));
    assert_eq!(error.message(), Some("Participant not found"));
    assert_eq!(error.body(), NOT_FOUND);
    // The spec's error type, as the operation's docs name it.
    let body: GenericErrorResponse = error.body_as().unwrap();
    assert!(!body.success);
    assert_eq!(body.error.message, "Participant not found");
    assert_eq!(body.error.code, 404);
    // The request id header of this API is Cloudflare's `cf-ray`.
    assert_eq!(error.request_id(), Some("8f0a1b2c3d4e-LHR"));
    assert_eq!(error.ray_id(), Some("8f0a1b2c3d4e-LHR"));
    assert_eq!(error.headers()["cf-ray"], "8f0a1b2c3d4e-LHR");
    assert_eq!(error.attempts(), 1);
    assert!(error.earlier_attempts().is_empty());
    assert_eq!(error.retry_after(), None);
    // Without a request, the message starts with the status.
    assert_eq!(
        error.to_string(),
        "404 Not Found: error 404: Participant not found [cf-ray 8f0a1b2c3d4e-LHR]"
    );
    let error = error.with_request(Method::DELETE, "https://api.example/participants/p-1");
    assert_eq!(error.method(), Method::DELETE);
    assert_eq!(error.url(), "https://api.example/participants/p-1");
    assert!(
        error
            .to_string()
            .starts_with("DELETE https://api.example/participants/p-1: 404 Not Found: error 404"),
        "{error}"
    );
}

#[test]
fn any_body_makes_an_api_error() {
    // Cloudflare's v4 envelope, with several errors.
    let v4 = r#"{"success":false,"errors":[{"code":10000,"message":"Authentication error"},{"code":9109,"message":"Invalid access token"}],"messages":[],"result":null}"#;
    let error = ApiError::new(StatusCode::FORBIDDEN, HeaderMap::new(), v4.as_bytes());
    assert_eq!(error.code(), Some(10000));
    assert_eq!(error.request_id(), None);
    assert_eq!(
        error.to_string(),
        "403 Forbidden: error 10000: Authentication error (and 1 more error)"
    );
    // Not JSON: no code or message, the body as it is.
    let html = ApiError::new(
        StatusCode::BAD_GATEWAY,
        HeaderMap::new(),
        "<html>bad gateway</html>",
    );
    assert_eq!((html.code(), html.message()), (None, None));
    assert_eq!(html.body(), "<html>bad gateway</html>");
    assert!(html.body_as::<GenericErrorResponse>().is_err());
    // A `Retry-After` is read as from a response.
    let mut headers = HeaderMap::new();
    headers.insert("retry-after", HeaderValue::from_static("7"));
    let busy = ApiError::new(StatusCode::TOO_MANY_REQUESTS, headers, "");
    assert_eq!(busy.retry_after(), Some(std::time::Duration::from_secs(7)));
}

/// What downstream code looks like: a trait over the calls it makes, implemented by the client
/// and, in tests, by a double failing the way the API does.
trait Participants {
    async fn name(&self, id: &str) -> Result<Option<String>, Error>;
}

/// The code under test: a missing participant is `None`, other errors go up.
async fn display_name(source: &impl Participants, id: &str) -> Result<String, Error> {
    match source.name(id).await {
        Ok(name) => Ok(name.unwrap_or_else(|| "(no name)".to_owned())),
        Err(Error::Api(error)) if error.status() == StatusCode::NOT_FOUND => {
            Ok("(gone)".to_owned())
        }
        Err(error) => Err(error),
    }
}

/// The double: answers from a list, and as the API does for anything else.
struct Fake(Vec<(&'static str, Option<&'static str>)>);

impl Participants for Fake {
    async fn name(&self, id: &str) -> Result<Option<String>, Error> {
        match self.0.iter().find(|(known, _)| *known == id) {
            Some((_, name)) => Ok(name.map(str::to_owned)),
            None if id == "forbidden" => Err(ApiError::new(
                StatusCode::FORBIDDEN,
                ray("403-ray"),
                r#"{"success":false,"errors":[{"code":9109,"message":"Unauthorized"}]}"#,
            )
            .into()),
            None => Err(Error::from(ApiError::new(
                StatusCode::NOT_FOUND,
                HeaderMap::new(),
                NOT_FOUND,
            ))),
        }
    }
}

#[tokio::test]
async fn a_test_double_fails_with_the_errors_of_the_api() {
    let fake = Fake(vec![("p-1", Some("Ada")), ("p-2", None)]);
    assert_eq!(display_name(&fake, "p-1").await.unwrap(), "Ada");
    assert_eq!(display_name(&fake, "p-2").await.unwrap(), "(no name)");
    assert_eq!(display_name(&fake, "p-3").await.unwrap(), "(gone)");
    let error = display_name(&fake, "forbidden").await.unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::FORBIDDEN));
    assert_eq!(error.attempts(), 1);
    let api = error.api().unwrap();
    assert_eq!((api.code(), api.ray_id()), (Some(9109), Some("403-ray")));
    assert_eq!(
        error.to_string(),
        "403 Forbidden: error 9109: Unauthorized [cf-ray 403-ray]"
    );
}

#[test]
fn an_api_response_is_made_of_a_value_status_and_headers() {
    let value: GetParticipantResponse = serde_json::from_str(
        r#"{"success":true,"data":{"id":"182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e","created_at":"2019-12-27T18:11:19.117Z","updated_at":"2019-12-27T18:11:19.117Z","custom_participant_id":"c-1","preset_name":"host","name":"Ada"}}"#,
    )
    .unwrap();
    let response = ApiResponse::new(value.clone(), StatusCode::OK, ray("200-ray"));
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.request_id(), Some("200-ray"));
    assert_eq!(response.ray_id(), Some("200-ray"));
    assert_eq!(response.headers()["cf-ray"], "200-ray");
    assert_eq!(response.attempts(), 1);
    // Derefs to the value, as a call's does.
    assert_eq!(response.data.name.as_deref(), Some("Ada"));
    assert_eq!(response.value(), &value);
    assert_eq!(response.into_inner(), value);
}
