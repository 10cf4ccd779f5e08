//! A successful (2xx) response, read in full: what operations decode, and what
//! [`super::Call::raw`] and [`super::Client::request`] return as it is.

use reqwest::header::{CONTENT_TYPE, HeaderMap, LOCATION};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;

use super::Error;
use super::error::snippet;

/// The status, headers and body of a 2xx response (or of a redirect an operation documents as
/// its success), undecoded, plus the request it answers (for
/// error messages).
///
/// Returned by [`Call::raw`](super::Call::raw) and by the requests of
/// [`Client::request`](super::Client::request); every operation's decoder reads one. Only 2xx
/// responses become one: any other status is an [`Error::Api`].
#[derive(Debug, Clone)]
pub struct RawResponse {
    pub(super) method: Method,
    /// The URL without query-parameter credentials.
    pub(super) url: String,
    pub(super) status: StatusCode,
    pub(super) headers: HeaderMap,
    pub(super) body: Vec<u8>,
    /// How many times the request was sent.
    pub(super) attempts: u32,
    /// The header that identifies the request (see [`RawResponse::request_id`]).
    pub(super) request_id_header: Option<&'static str>,
}

impl RawResponse {
    /// The HTTP status (2xx, or the 3xx of a documented redirect).
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The `Location` header: where a redirect points (see
    /// [`Request::redirects`](super::Request::redirects)), or what a `201 Created` made.
    pub fn location(&self) -> Option<&str> {
        self.headers.get(LOCATION)?.to_str().ok()
    }

    /// How many times the request was sent (more than 1 when it was retried).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The response header that identifies the request to the API's operators (the one the
    /// client's API names, such as `x-request-id`), if the API has one and the response has
    /// it.
    pub fn request_id(&self) -> Option<&str> {
        super::error::request_id(&self.headers, self.request_id_header)
    }

    /// The method of the request.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The URL of the request (without credentials sent in the query).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The body as it was received.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The body as text (invalid UTF-8 replaced by U+FFFD).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body as it was received, taken out.
    pub fn bytes(self) -> Vec<u8> {
        self.body
    }

    /// Decodes the JSON body. A failure names the path of the field that did not match (e.g.
    /// `data.created_at`) and quotes the body near the failure.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        // Tracking the path costs as much again as decoding; it is only needed for the message
        // of a failure, so a failed decode is simply repeated with it.
        if let Ok(value) = serde_json::from_slice(&self.body) {
            return Ok(value);
        }
        let mut deserializer = serde_json::Deserializer::from_slice(&self.body);
        match serde_path_to_error::deserialize(&mut deserializer) {
            Ok(value) => match deserializer.end() {
                Ok(()) => Ok(value),
                Err(error) => Err(self.decode_error(".".to_owned(), error)),
            },
            Err(error) => {
                let path = error.path().to_string();
                Err(self.decode_error(path, error.into_inner()))
            }
        }
    }

    /// [`RawResponse::json`], taking the response: the decoder of operations that return JSON.
    pub fn into_json<T: DeserializeOwned>(self) -> Result<T, Error> {
        self.json()
    }

    fn decode_error(&self, path: String, source: serde_json::Error) -> Error {
        let text = String::from_utf8_lossy(&self.body);
        // serde_json counts lines from 1 and columns from 1 (0 when the error has no position).
        let offset = text
            .split_inclusive('\n')
            .take(source.line().saturating_sub(1))
            .map(str::len)
            .sum::<usize>()
            + source.column().saturating_sub(1);
        let mut body = snippet(&text, offset);
        let content_type = self
            .headers
            .get(CONTENT_TYPE)
            .map(|value| String::from_utf8_lossy(value.as_bytes()));
        if let Some(media) = content_type.filter(|media| !is_json(media)) {
            body.push_str(&format!(
                " (Content-Type: {}, not JSON)",
                snippet(&media, 0)
            ));
        }
        Error::Decode {
            method: self.method.clone(),
            url: self.url.clone(),
            status: self.status,
            path,
            body,
            source,
            attempts: self.attempts,
            item: None,
        }
    }
}

/// `application/json`, `application/problem+json`, ... (parameters ignored).
fn is_json(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or("").trim();
    essence.eq_ignore_ascii_case("application/json")
        || essence
            .rsplit_once('+')
            .is_some_and(|(_, suffix)| suffix.eq_ignore_ascii_case("json"))
}
