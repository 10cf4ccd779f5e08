//! Describing one HTTP request before it is sent: path, query, headers, body and the
//! credentials it accepts.

use std::borrow::Cow;
use std::fmt::Display;

use bytes::Bytes;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::Method;
use reqwest::header::{HeaderName, HeaderValue};
use serde::Serialize;
use serde_json::Value;

use super::Error;
use super::upload::{Piece, Pieces, Source, Upload};

/// Bytes kept as they are in a path parameter: the unreserved characters of RFC 3986.
/// Everything else (`/`, `?`, `#`, `%`, space, non-ASCII, ...) is percent-encoded, so that a
/// value can never leave its path segment.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// One security scheme an operation accepts (an entry of its OpenAPI `security` requirement),
/// naming the client credential it uses (see `ClientBuilder::credential`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Auth {
    pub(super) credential: &'static str,
    pub(super) scheme: Scheme,
}

/// How a credential is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Scheme {
    /// `Authorization: Bearer <value>`.
    Bearer,
    /// `Authorization: Basic <base64 of value>`.
    Basic,
    /// `<header>: <value>`.
    Header(&'static str),
    /// `?<param>=<value>`.
    Query(&'static str),
}

impl Auth {
    /// `Authorization: Bearer <token>`, with the credential `token` (`ClientBuilder::token`).
    pub const fn bearer() -> Auth {
        Auth {
            credential: "token",
            scheme: Scheme::Bearer,
        }
    }

    /// `<header>: <value of credential>`, e.g. `X-API-Key: <key>`.
    pub const fn header(credential: &'static str, header: &'static str) -> Auth {
        Auth {
            credential,
            scheme: Scheme::Header(header),
        }
    }

    /// The query parameter `param` set to the value of `credential`. Never shown in errors.
    pub const fn query(credential: &'static str, param: &'static str) -> Auth {
        Auth {
            credential,
            scheme: Scheme::Query(param),
        }
    }

    /// `Authorization: Basic ...` from the value of `credential`, given as `user:password`.
    pub const fn basic(credential: &'static str) -> Auth {
        Auth {
            credential,
            scheme: Scheme::Basic,
        }
    }
}

/// How a whole query string is written from one value ([`Request::query_string`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryString {
    /// `application/x-www-form-urlencoded`: the fields of an object as `name=value` pairs.
    Form,
    /// JSON text, percent-encoded.
    Json,
    /// The value as text, percent-encoded.
    Text,
}

/// How a query parameter's value is written (OpenAPI `style` and `explode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryStyle {
    /// `style: form, explode: true` (the default): `id=1&id=2`; an object's fields become
    /// parameters of their own: `a=1&b=2`.
    Form,
    /// `style: form, explode: false`: `id=1,2`; an object as `name=a,1,b,2`.
    FormUnexploded,
    /// `style: spaceDelimited`: `id=1%202`.
    SpaceDelimited,
    /// `style: pipeDelimited`: `id=1%7C2`.
    PipeDelimited,
    /// `style: deepObject`: `name%5Ba%5D=1&name%5Bb%5D=2` (`name[a]=1&name[b]=2`).
    DeepObject,
    /// A parameter described by `content: application/json`: the value as JSON text,
    /// `filter=%7B%22a%22%3A1%7D` (`filter={"a":1}`).
    Json,
}

/// One operation call, ready for [`super::Client::execute`]: method, encoded path and query,
/// headers, body and the credentials the operation accepts. It holds no connection state, so
/// `execute` can send it again when it retries.
#[derive(Debug, Clone)]
pub struct Request {
    pub(super) method: Method,
    /// The path as the spec writes it (or as given to `Client::request`), `{name}`
    /// placeholders unfilled: shown in traces.
    #[cfg_attr(not(feature = "tracing"), allow(dead_code))]
    pub(super) template: Cow<'static, str>,
    /// Path relative to the base URL, with every parameter already percent-encoded.
    pub(super) path: String,
    /// Encoded `name=value` pairs, in the order they were added.
    pub(super) query: Vec<String>,
    pub(super) headers: Vec<(HeaderName, HeaderValue)>,
    /// Overrides the default `Accept: application/json`.
    pub(super) accept: Option<&'static str>,
    pub(super) body: Option<Body>,
    /// A 3xx response is the call's result, not an error (see [`Request::redirects`]).
    pub(super) redirects: bool,
    /// Credential alternatives: any one inner list is enough, and every scheme of that list is
    /// needed. Empty: the operation needs no credentials.
    pub(super) auth: &'static [&'static [Auth]],
}

/// An encoded request body.
#[derive(Debug, Clone)]
pub(super) struct Body {
    pub(super) content_type: Cow<'static, str>,
    pub(super) content: Content,
}

/// What a request body is made of.
#[derive(Debug, Clone)]
pub(super) enum Content {
    /// Bytes in memory, sent again as they are on a retry (a clone shares them).
    Bytes(Bytes),
    /// Pieces read as they are sent: bytes, files (opened again for each attempt) and readers
    /// (read once).
    Streamed(Pieces),
}

impl Body {
    /// A body of bytes in memory.
    pub(super) fn bytes(content_type: Cow<'static, str>, bytes: impl Into<Bytes>) -> Body {
        Body {
            content_type,
            content: Content::Bytes(bytes.into()),
        }
    }

    /// The content of `upload` as a whole body, with the upload's media type if it has one,
    /// else `content_type`.
    pub(super) fn upload(content_type: Cow<'static, str>, upload: &Upload) -> Body {
        let content_type = match upload.content_type() {
            Some(own) => Cow::Owned(own.to_owned()),
            None => content_type,
        };
        let content = match &upload.source {
            Source::Memory(bytes) => Content::Bytes(bytes.clone()),
            source => Content::Streamed(Pieces(vec![Piece::Upload(source.clone())])),
        };
        Body {
            content_type,
            content,
        }
    }
}

impl Request {
    /// Fills the `{name}` placeholders of `path_template` with the percent-encoded values of
    /// `path_params`.
    ///
    /// Refuses (with [`Error::InvalidRequest`], before anything is sent) an empty value, `.`
    /// or `..`, which would change the meaning of the path, and a placeholder without a value.
    pub fn new(
        method: Method,
        path_template: &'static str,
        path_params: &[(&str, &dyn Display)],
    ) -> Result<Request, Error> {
        let path = fill_path(path_template, |name| {
            path_params
                .iter()
                .find(|(param, _)| *param == name)
                .map(|(_, value)| value.to_string())
        })?;
        Ok(Request::with_path(
            method,
            Cow::Borrowed(path_template),
            path,
        ))
    }

    /// [`Request::new`] for a method `reqwest::Method` has no constant for (`QUERY`, WebDAV's
    /// `COPY`, ...): sent as `name` is written, since method names are case-sensitive.
    pub fn with_method(
        name: &'static str,
        path_template: &'static str,
        path_params: &[(&str, &dyn Display)],
    ) -> Result<Request, Error> {
        let method = Method::from_bytes(name.as_bytes())
            .map_err(|_| Error::invalid_request(format!("`{name}` is not an HTTP method name")))?;
        Request::new(method, path_template, path_params)
    }

    /// A request of `method` for `path` (already encoded), whose template is `template`.
    pub(super) fn with_path(method: Method, template: Cow<'static, str>, path: String) -> Request {
        Request {
            method,
            template,
            path,
            query: Vec::new(),
            headers: Vec::new(),
            accept: None,
            body: None,
            redirects: false,
            auth: &[],
        }
    }

    /// Sets the credentials the operation accepts: any one inner list is enough, and every
    /// scheme of that list is needed. An empty inner list means "no credentials" is acceptable.
    pub fn auth(mut self, alternatives: &'static [&'static [Auth]]) -> Self {
        self.auth = alternatives;
        self
    }

    /// Adds the query parameter `name`, written in `style`. `None` (JSON `null`) adds nothing,
    /// and so does an empty array or object.
    pub fn query<T: Serialize + ?Sized>(
        mut self,
        name: &str,
        value: &T,
        style: QueryStyle,
    ) -> Result<Self, Error> {
        let value = to_value(value, || format!("query parameter `{name}`"))?;
        push_param(&mut self.query, name, &value, style);
        Ok(self)
    }

    /// Makes the whole query string of one value (OpenAPI 3.2's `in: querystring`), written as
    /// its media type says. `None` (JSON `null`) adds nothing.
    pub fn query_string<T: Serialize + ?Sized>(
        mut self,
        value: &T,
        encoding: QueryString,
    ) -> Result<Self, Error> {
        let value = to_value(value, || "the query string".to_owned())?;
        match (encoding, &value) {
            (_, Value::Null) => {}
            (QueryString::Form, Value::Object(fields)) => {
                for (name, value) in fields {
                    push_nested(&mut self.query, name, value);
                }
            }
            (QueryString::Form, _) => {
                return Err(Error::invalid_request(
                    "a form-encoded query string must be an object",
                ));
            }
            (QueryString::Json, value) => self.query.push(form_encode(&compact_json(value))),
            (QueryString::Text, value) => {
                if let Some(text) = text(value) {
                    self.query.push(form_encode(&text));
                }
            }
        }
        Ok(self)
    }

    /// Adds the header `name`. `None` (JSON `null`) adds nothing; an array is sent as
    /// `a,b,c` and an object as `k1,v1,k2,v2`. A value that cannot be sent in a header (e.g.
    /// one with a line break) is an [`Error::InvalidRequest`].
    pub fn header<T: Serialize + ?Sized>(
        mut self,
        name: &'static str,
        value: &T,
    ) -> Result<Self, Error> {
        let value = to_value(value, || format!("header `{name}`"))?;
        let items = match &value {
            Value::Null => return Ok(self),
            Value::Array(items) => items.iter().filter_map(text).collect(),
            Value::Object(fields) => flatten(fields),
            scalar => text(scalar).into_iter().collect::<Vec<_>>(),
        };
        if items.is_empty() {
            return Ok(self);
        }
        let header_name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| Error::invalid_request(format!("`{name}` is not a valid header name")))?;
        let header_value = HeaderValue::from_bytes(items.join(",").as_bytes()).map_err(|_| {
            Error::invalid_request(format!(
                "header `{name}`: the value contains characters not allowed in a header \
                 (such as a line break)"
            ))
        })?;
        self.headers.push((header_name, header_value));
        Ok(self)
    }

    /// Asks for `media_type` (the `Accept` header; a list such as `application/json, */*`)
    /// instead of `application/json`.
    pub fn accept(mut self, media_type: &'static str) -> Self {
        self.accept = Some(media_type);
        self
    }

    /// Returns a redirect (3xx) as the response of the call instead of failing with it: for an
    /// operation whose documented success is a redirect. The client never follows redirects
    /// (one could carry credentials to another host): the caller reads the status and
    /// [`RawResponse::location`](super::RawResponse::location).
    pub fn redirects(mut self) -> Self {
        self.redirects = true;
        self
    }

    /// Sends `body` as JSON (`Content-Type: application/json`).
    pub fn json_body<T: Serialize + ?Sized>(mut self, body: &T) -> Result<Self, Error> {
        let bytes = serde_json::to_vec(body).map_err(|error| {
            Error::invalid_request(format!("cannot serialize the request body: {error}"))
        })?;
        self.body = Some(Body::bytes(Cow::Borrowed("application/json"), bytes));
        Ok(self)
    }

    /// Sets the top-level member `name` of the JSON body (given with [`Request::json_body`])
    /// to `value`: for operations whose request schema has a flag the method itself decides,
    /// such as `"stream": true` in the body of a method that returns a stream. Fails with
    /// [`Error::InvalidRequest`] when the body is not a JSON object.
    pub fn json_flag(mut self, name: &'static str, value: bool) -> Result<Request, Error> {
        let refuse = |what: &str| {
            Err(Error::invalid_request(format!(
                "cannot set `{name}` in the request body: {what}"
            )))
        };
        let Some(body) = &mut self.body else {
            return refuse("there is no body");
        };
        let Content::Bytes(bytes) = &body.content else {
            return refuse("the body is not JSON");
        };
        let Ok(Value::Object(mut fields)) = serde_json::from_slice::<Value>(bytes) else {
            return refuse("the body is not a JSON object");
        };
        fields.insert(name.to_owned(), Value::Bool(value));
        let bytes = compact_json(&Value::Object(fields)).into_bytes();
        body.content = Content::Bytes(Bytes::from(bytes));
        Ok(self)
    }

    /// Sends the fields of `body` (an object) as `application/x-www-form-urlencoded`, each
    /// written like a query parameter of style [`QueryStyle::Form`]: `null` fields are left
    /// out, arrays repeat the key, and nested objects are sent as JSON text.
    pub fn form_body<T: Serialize + ?Sized>(mut self, body: &T) -> Result<Self, Error> {
        let value = to_value(body, || "the request body".to_owned())?;
        let Value::Object(fields) = value else {
            return Err(Error::invalid_request(
                "a form request body must be an object",
            ));
        };
        let mut pairs = Vec::new();
        for (name, value) in &fields {
            push_nested(&mut pairs, name, value);
        }
        self.body = Some(Body::bytes(
            Cow::Borrowed("application/x-www-form-urlencoded"),
            pairs.join("&").into_bytes(),
        ));
        Ok(self)
    }

    /// Sends `parts` as `multipart/form-data` (RFC 7578); `None` entries are left out.
    ///
    /// Files of [`Upload::from_path`] and [`Upload::from_reader`] are read as the body is sent,
    /// not into memory; the body has a `Content-Length` when every part's length is known.
    pub fn multipart_body(mut self, parts: impl IntoIterator<Item = Option<Part>>) -> Self {
        let parts: Vec<Part> = parts.into_iter().flatten().collect();
        // The content of streamed parts cannot be checked: a clash with 24 random alphanumerics
        // is as likely as guessing a 142-bit key.
        let boundary = loop {
            let boundary = format!("------------------------{}", random_token(24));
            let clash = parts.iter().any(|part| match &part.content {
                Source::Memory(bytes) => bytes
                    .windows(boundary.len())
                    .any(|window| window == boundary.as_bytes()),
                _ => false,
            });
            if !clash {
                break boundary;
            }
        };
        let mut pieces = Vec::new();
        let mut bytes = Vec::new();
        for part in &parts {
            bytes.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            let mut disposition = format!(
                "Content-Disposition: form-data; name=\"{}\"",
                escape_quoted(&part.name)
            );
            if let Some(file_name) = &part.file_name {
                disposition.push_str(&format!("; filename=\"{}\"", escape_quoted(file_name)));
            }
            bytes.extend_from_slice(disposition.as_bytes());
            bytes.extend_from_slice(b"\r\n");
            if let Some(content_type) = &part.content_type {
                let content_type: String =
                    content_type.chars().filter(|c| !c.is_control()).collect();
                bytes.extend_from_slice(format!("Content-Type: {content_type}\r\n").as_bytes());
            }
            bytes.extend_from_slice(b"\r\n");
            match &part.content {
                Source::Memory(content) => bytes.extend_from_slice(content),
                streamed => {
                    pieces.push(Piece::Bytes(Bytes::from(std::mem::take(&mut bytes))));
                    pieces.push(Piece::Upload(streamed.clone()));
                }
            }
            bytes.extend_from_slice(b"\r\n");
        }
        bytes.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let content_type = Cow::Owned(format!("multipart/form-data; boundary={boundary}"));
        self.body = Some(if pieces.is_empty() {
            Body::bytes(content_type, bytes)
        } else {
            pieces.push(Piece::Bytes(Bytes::from(bytes)));
            Body {
                content_type,
                content: Content::Streamed(Pieces(pieces)),
            }
        });
        self
    }

    /// Sends `bytes` as they are, with `Content-Type: <content_type>`.
    pub fn bytes_body(mut self, content_type: &'static str, bytes: &[u8]) -> Self {
        self.body = Some(Body::bytes(
            Cow::Borrowed(content_type),
            Bytes::copy_from_slice(bytes),
        ));
        self
    }

    /// Sends the content of `upload` as the whole body, with `Content-Type: <content_type>`
    /// (or the upload's own media type, when it has one): bytes in memory as they are, a file
    /// or reader read as it is sent (see [`Upload`]).
    pub fn upload_body(mut self, content_type: &'static str, upload: &Upload) -> Request {
        self.body = Some(Body::upload(Cow::Borrowed(content_type), upload));
        self
    }
}

/// `template` with each `{name}` placeholder replaced by the percent-encoded value `value_of`
/// gives it. Refuses (with [`Error::InvalidRequest`]) an empty value, `.` or `..`, which would
/// change the meaning of the path, and a placeholder without a value.
pub(super) fn fill_path(
    template: &str,
    value_of: impl Fn(&str) -> Option<String>,
) -> Result<String, Error> {
    let mut path = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        path.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after.find('}').ok_or_else(|| {
            Error::invalid_request(format!("unterminated placeholder in `{template}`"))
        })?;
        let name = &after[..close];
        let value = value_of(name).ok_or_else(|| {
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
    Ok(path)
}

/// What [`Part::file`] accepts: an [`Upload`], or an optional one.
pub trait IntoFilePart {
    /// The file to send, if any.
    fn upload(&self) -> Option<&Upload>;
}

impl IntoFilePart for Upload {
    fn upload(&self) -> Option<&Upload> {
        Some(self)
    }
}

impl IntoFilePart for Option<Upload> {
    fn upload(&self) -> Option<&Upload> {
        self.as_ref()
    }
}

/// The parts of a `multipart/form-data` body whose schema names none (a free-form form, such
/// as a script upload with its metadata and modules): the caller adds them, in the order they
/// are sent.
///
/// ```ignore
/// let form = Form::new()
///     .json("metadata", &serde_json::json!({ "main_module": "worker.js" }))?
///     .file("worker.js", Upload::new("worker.js", source).with_content_type("application/javascript+module"))
///     .text("note", "uploaded by CI");
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Form {
    parts: Vec<Part>,
}

impl Form {
    /// An empty form.
    pub fn new() -> Form {
        Form::default()
    }

    /// Adds a text field `name`.
    pub fn text(mut self, name: impl Into<String>, value: impl Into<String>) -> Form {
        self.parts.push(Part {
            name: name.into(),
            file_name: None,
            content_type: None,
            content: Source::Memory(Bytes::from(value.into().into_bytes())),
        });
        self
    }

    /// Adds a field `name` holding `value` as JSON (`Content-Type: application/json`).
    pub fn json<T: Serialize + ?Sized>(mut self, name: &str, value: &T) -> Result<Form, Error> {
        let value = to_value(value, || format!("multipart field `{name}`"))?;
        self.parts.push(Part {
            name: name.to_owned(),
            file_name: None,
            content_type: Some(Cow::Borrowed("application/json")),
            content: Source::Memory(Bytes::from(compact_json(&value).into_bytes())),
        });
        Ok(self)
    }

    /// Adds a file field `name`.
    pub fn file(mut self, name: &str, file: Upload) -> Form {
        self.parts.extend(Part::file(name, &file));
        self
    }

    /// The parts, in the order they were added.
    pub fn parts(&self) -> &[Part] {
        &self.parts
    }
}

/// One part of a `multipart/form-data` body.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    name: String,
    file_name: Option<String>,
    content_type: Option<Cow<'static, str>>,
    content: Source,
}

impl Part {
    /// A field named `name`: `None` (JSON `null`) for no part; strings, numbers and booleans
    /// as text; objects and arrays as JSON (`Content-Type: application/json`).
    pub fn value<T: Serialize + ?Sized>(name: &str, value: &T) -> Result<Option<Part>, Error> {
        let value = to_value(value, || format!("multipart field `{name}`"))?;
        let (content_type, bytes) = match &value {
            Value::Null => return Ok(None),
            Value::Array(_) | Value::Object(_) => (
                Some(Cow::Borrowed("application/json")),
                compact_json(&value).into_bytes(),
            ),
            scalar => (None, text(scalar).unwrap_or_default().into_bytes()),
        };
        Ok(Some(Part {
            name: name.to_owned(),
            file_name: None,
            content_type,
            content: Source::Memory(Bytes::from(bytes)),
        }))
    }

    /// A file field named `name`, or no part when `file` is `None`.
    pub fn file<F: IntoFilePart + ?Sized>(name: &str, file: &F) -> Option<Part> {
        let upload = file.upload()?;
        Some(Part {
            name: name.to_owned(),
            file_name: Some(upload.file_name().to_owned()),
            content_type: Some(match upload.content_type() {
                Some(content_type) => Cow::Owned(content_type.to_owned()),
                None => Cow::Borrowed("application/octet-stream"),
            }),
            content: upload.source.clone(),
        })
    }
}

/// `value` as JSON, or an [`Error::InvalidRequest`] naming `what`.
pub(super) fn to_value<T: Serialize + ?Sized>(
    value: &T,
    what: impl FnOnce() -> String,
) -> Result<Value, Error> {
    serde_json::to_value(value)
        .map_err(|error| Error::invalid_request(format!("cannot serialize {}: {error}", what())))
}

/// A value as parameter text: strings as they are, integral floats without `.0`, nested arrays
/// and objects as compact JSON. `None` for `null`.
fn text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(text) => Some(text.clone()),
        Value::Bool(value) => Some(value.to_string()),
        Value::Number(number) => Some(match number.as_f64() {
            Some(float) if number.is_f64() && float.fract() == 0.0 && float.abs() < 1e15 => {
                format!("{}", float as i64)
            }
            _ => number.to_string(),
        }),
        Value::Array(_) | Value::Object(_) => Some(compact_json(value)),
    }
}

fn compact_json(value: &Value) -> String {
    // A `Value` always serializes.
    serde_json::to_string(value).unwrap_or_default()
}

/// `[k1, v1, k2, v2, ...]` of an object's non-null fields.
fn flatten(fields: &serde_json::Map<String, Value>) -> Vec<String> {
    fields
        .iter()
        .filter_map(|(key, value)| Some([key.clone(), text(value)?]))
        .flatten()
        .collect()
}

/// Appends one form field: scalars and lists of scalars as `name=value` (repeated for lists),
/// objects and lists of objects in bracket notation (`name[key]=value`, `name[0][key]=value`),
/// which is how Rails, PHP and APIs such as Stripe read nested form data.
fn push_nested(out: &mut Vec<String>, name: &str, value: &Value) {
    match value {
        Value::Object(fields) => {
            for (key, value) in fields {
                push_nested(out, &format!("{name}[{key}]"), value);
            }
        }
        Value::Array(items) if items.iter().any(|i| i.is_object() || i.is_array()) => {
            for (index, item) in items.iter().enumerate() {
                push_nested(out, &format!("{name}[{index}]"), item);
            }
        }
        _ => push_param(out, name, value, QueryStyle::Form),
    }
}

/// Appends the encoded `name=value` pairs of one parameter to `out`.
pub(super) fn push_param(out: &mut Vec<String>, name: &str, value: &Value, style: QueryStyle) {
    if style == QueryStyle::Json {
        if !value.is_null() {
            push_pair(out, name, &compact_json(value));
        }
        return;
    }
    let (items, is_object) = match value {
        Value::Null => return,
        Value::Array(items) => (items.iter().filter_map(text).collect::<Vec<_>>(), false),
        Value::Object(fields) => (flatten(fields), true),
        scalar => {
            if let Some(text) = text(scalar) {
                push_pair(out, name, &text);
            }
            return;
        }
    };
    let delimiter = match style {
        QueryStyle::Json => return,
        QueryStyle::FormUnexploded => ",",
        QueryStyle::SpaceDelimited => "%20",
        QueryStyle::PipeDelimited => "%7C",
        QueryStyle::Form | QueryStyle::DeepObject => {
            if is_object {
                for pair in items.chunks(2) {
                    let key = match style {
                        QueryStyle::DeepObject => format!("{name}[{}]", pair[0]),
                        _ => pair[0].clone(),
                    };
                    push_pair(out, &key, &pair[1]);
                }
            } else {
                for item in &items {
                    push_pair(out, name, item);
                }
            }
            return;
        }
    };
    if items.is_empty() {
        return;
    }
    let mut pair = form_encode(name);
    pair.push('=');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            pair.push_str(delimiter);
        }
        pair.push_str(&form_encode(item));
    }
    out.push(pair);
}

fn push_pair(out: &mut Vec<String>, name: &str, value: &str) {
    out.push(format!("{}={}", form_encode(name), form_encode(value)));
}

/// `application/x-www-form-urlencoded` encoding of one name or value: alphanumerics and
/// `*-._` as they are, space as `+`, every other byte of the UTF-8 text as `%XX`.
pub(super) fn form_encode(text: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(text.len());
    for &byte in text.as_bytes() {
        match byte {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                out.push(char::from(byte));
            }
            b' ' => out.push('+'),
            _ => {
                out.push('%');
                out.push(char::from(HEX[usize::from(byte >> 4)]));
                out.push(char::from(HEX[usize::from(byte & 0xF)]));
            }
        }
    }
    out
}

/// A name or file name inside a quoted `Content-Disposition` parameter, escaped as browsers do.
fn escape_quoted(text: &str) -> String {
    text.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn random_token(len: usize) -> String {
    std::iter::repeat_with(fastrand::alphanumeric)
        .take(len)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(value: &impl Serialize, style: QueryStyle) -> String {
        let mut out = Vec::new();
        push_param(&mut out, "p", &serde_json::to_value(value).unwrap(), style);
        out.join("&")
    }

    #[test]
    fn query_styles() {
        use QueryStyle::*;
        let list = ["a b", "c,d"];
        let object = serde_json::json!({"x": 1, "y": [1, 2], "z": null});
        assert_eq!(query(&2.0, Form), "p=2");
        assert_eq!(query(&2.5, Form), "p=2.5");
        assert_eq!(query(&None::<u8>, Form), "");
        assert_eq!(query(&"a&b=c+d/é", Form), "p=a%26b%3Dc%2Bd%2F%C3%A9");
        assert_eq!(query(&list, Form), "p=a+b&p=c%2Cd");
        assert_eq!(query(&list, FormUnexploded), "p=a+b,c%2Cd");
        assert_eq!(query(&list, SpaceDelimited), "p=a+b%20c%2Cd");
        assert_eq!(query(&list, PipeDelimited), "p=a+b%7Cc%2Cd");
        assert_eq!(query(&Vec::<u8>::new(), FormUnexploded), "");
        assert_eq!(query(&object, Form), "x=1&y=%5B1%2C2%5D");
        assert_eq!(query(&object, FormUnexploded), "p=x,1,y,%5B1%2C2%5D");
        assert_eq!(
            query(&object, DeepObject),
            "p%5Bx%5D=1&p%5By%5D=%5B1%2C2%5D"
        );
    }

    #[test]
    fn multipart_escapes_names() {
        let request = Request::new(Method::POST, "/", &[])
            .unwrap()
            .multipart_body(vec![Part::file("f\"", &Upload::new("a\r\nb.txt", "x"))]);
        let Content::Bytes(bytes) = request.body.unwrap().content else {
            panic!("an in-memory multipart body is bytes");
        };
        let text = String::from_utf8(bytes.to_vec()).unwrap();
        assert!(
            text.contains("name=\"f%22\"; filename=\"a%0D%0Ab.txt\"\r\n"),
            "{text}"
        );
        assert!(
            text.contains("Content-Type: application/octet-stream\r\n\r\nx\r\n"),
            "{text}"
        );
    }
}
