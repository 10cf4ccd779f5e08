//! Describing one HTTP request before it is sent.

use std::fmt::Display;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::Method;

use super::Error;

/// Bytes kept as they are in a path parameter: the unreserved characters of RFC 3986.
/// Everything else (`/`, `?`, `#`, `%`, space, non-ASCII, ...) is percent-encoded, so that a
/// value can never leave its path segment.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// An authentication scheme an operation accepts (its OpenAPI `security` requirement).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Auth {
    /// `Authorization: Bearer <token>`, with the client's token.
    Bearer,
}

/// One operation call, ready for [`super::Client::execute`]: method, encoded path and the
/// authentication schemes the operation accepts. It holds no connection state, so `execute`
/// can send it again when it retries.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub(super) method: Method,
    /// Path relative to the base URL, with every parameter already percent-encoded.
    pub(super) path: String,
    /// Accepted schemes, any one of which is enough. Empty: the operation needs no credentials.
    pub(super) auth: Vec<Auth>,
}

impl Request {
    /// Fills the `{name}` placeholders of `path_template` with the percent-encoded values of
    /// `path_params`.
    ///
    /// Refuses (with [`Error::InvalidRequest`], before anything is sent) an empty value, `.`
    /// or `..`, which would change the meaning of the path, and a placeholder without a value.
    pub(crate) fn new(
        method: Method,
        path_template: &'static str,
        path_params: &[(&str, &dyn Display)],
    ) -> Result<Request, Error> {
        let mut path = String::with_capacity(path_template.len() + 32);
        let mut rest = path_template;
        while let Some(open) = rest.find('{') {
            path.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let close = after.find('}').ok_or_else(|| {
                Error::invalid_request(format!("unterminated placeholder in `{path_template}`"))
            })?;
            let name = &after[..close];
            let value = path_params
                .iter()
                .find(|(param, _)| *param == name)
                .map(|(_, value)| value.to_string())
                .ok_or_else(|| {
                    Error::invalid_request(format!("no value for path parameter `{name}`"))
                })?;
            match value.as_str() {
                "" => {
                    return Err(Error::invalid_request(format!(
                        "path parameter `{name}` is empty"
                    )));
                }
                "." | ".." => {
                    return Err(Error::invalid_request(format!(
                        "path parameter `{name}` must not be `{value}`"
                    )));
                }
                _ => path.extend(utf8_percent_encode(&value, PATH_SEGMENT)),
            }
            rest = &after[close + 1..];
        }
        path.push_str(rest);
        Ok(Request {
            method,
            path,
            auth: Vec::new(),
        })
    }

    /// Sets the authentication schemes the operation accepts; any one of them is enough.
    pub(crate) fn auth(mut self, schemes: &[Auth]) -> Self {
        self.auth = schemes.to_vec();
        self
    }
}
