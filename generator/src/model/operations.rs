//! Operations: each path item's methods normalized into one request (path-level and
//! operation-level parameters merged, the operation's winning; the body as one more field),
//! the success payloads, the typed error bodies, and the security alternatives it accepts.

use openapiv3::{Parameter, ParameterSchemaOrContent, QueryStyle, ReferenceOr, StatusCode};

use super::names::{self, Scope};
use super::repair;
use super::schema::{Additional, RawSchema};
use super::security::{self, Scheme};
use super::types::{Kind, Ty, TypeSpace};
use crate::diagnostics::Error;
use crate::resolve::join;

#[derive(Debug, Clone)]
pub struct Operation {
    /// Where the operation is in the spec, e.g. `#/paths/~1meetings/get`.
    pub pointer: String,
    /// The HTTP method as sent: upper case for the methods OpenAPI names (`GET`, `QUERY`), as
    /// written for those of 3.2's `additionalOperations` (`COPY`, `Purge`).
    pub method: String,
    /// The path template as written in the spec.
    pub path: String,
    /// The method's name.
    pub fn_name: String,
    /// The name earlier versions of this generator gave the method (the operationId as
    /// written), when it is another and free: kept for one release as a deprecated alias.
    pub legacy_fn_name: Option<String>,
    /// The request struct's name; `None` when the operation takes no parameters and no body.
    pub request_name: Option<String>,
    /// The group (tag, or first path segment) the operation belongs to.
    pub group: GroupKey,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub deprecated: bool,
    pub params: Vec<Param>,
    pub body: Option<Body>,
    pub success: Success,
    pub errors: Vec<ErrorCase>,
    /// The media types its method decodes (the chosen one of each success response), JSON
    /// first, without repeats: what its `Accept` header lists.
    pub accept: Vec<String>,
    /// The same success as a stream, when a success response offers one beside the payload
    /// the method decodes (OpenAI's `stream: true` pattern, Kubernetes' watch): a second method.
    pub streaming: Option<Streaming>,
    /// The boolean property of the JSON body that asks the server to stream (`stream`), when
    /// the operation streams: its streaming method sends it `true`, its other method `false`.
    pub stream_flag: Option<String>,
    /// Accepted credential alternatives, as indices into the model's schemes; empty: none.
    pub auth: Vec<Vec<usize>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    Path,
    Query(QueryRendering),
    /// The whole query string, from one value (OpenAPI 3.2's `in: querystring`).
    QueryString(WholeQuery),
    Header,
}

/// How a whole query string is written from its value: by the media type of its `content`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WholeQuery {
    /// `application/x-www-form-urlencoded`: an object's fields as `name=value` pairs.
    Form,
    /// A JSON media type: the value as JSON text, percent-encoded.
    Json,
    /// Any other media type of a string: the text, percent-encoded.
    Text,
}

/// How a query parameter is written (OpenAPI `style` and `explode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryRendering {
    Form,
    FormUnexploded,
    SpaceDelimited,
    PipeDelimited,
    DeepObject,
    /// `content: application/json` instead of a schema: the value as JSON text.
    Json,
}

#[derive(Debug, Clone)]
pub struct Param {
    /// Field name in the request struct.
    pub name: String,
    /// Name on the wire.
    pub wire_name: String,
    pub location: Location,
    pub ty: Ty,
    pub required: bool,
    pub doc: Option<String>,
    /// Where its schema is (a pointer into the lowered document): request values for
    /// `cargo xtask conformance` are synthesized from it. Empty for a path parameter the spec
    /// does not declare (`model::repair`), which has none.
    pub schema_at: String,
}

#[derive(Debug, Clone)]
pub struct Body {
    /// Field name in the request struct.
    pub name: String,
    pub kind: BodyKind,
    pub required: bool,
    pub doc: Option<String>,
    /// The media type sent (as the spec writes it).
    pub media: String,
    /// Where the schema of that media type is (it may be absent from the document).
    pub schema_at: String,
}

#[derive(Debug, Clone)]
pub enum BodyKind {
    Json(Ty),
    Form(Ty),
    /// `multipart/form-data`: a struct of its own whose file fields are uploads.
    Multipart {
        struct_name: String,
        fields: Vec<MultipartField>,
    },
    /// `multipart/form-data` whose schema names no property (a free-form object): the runtime's
    /// `Form`, whose parts the caller adds.
    Parts,
    /// Raw bytes (`Vec<u8>`) with this content type.
    Bytes(String),
    /// Text (`String`) with this content type.
    Text(String),
}

#[derive(Debug, Clone)]
pub struct MultipartField {
    pub name: String,
    pub wire_name: String,
    /// `Ty::Upload` for files.
    pub ty: Ty,
    pub required: bool,
    pub doc: Option<String>,
    /// Where the property's schema is.
    pub schema_at: String,
}

/// What a successful response carries.
#[derive(Debug, Clone, PartialEq)]
pub enum Payload {
    Empty,
    Json(Ty),
    /// Text of this media type.
    Text(String),
    /// Bytes of this media type (`format: binary`, `application/octet-stream`, `audio/*`, a
    /// media type the client does not decode).
    Bytes(String),
    /// A documented redirect (3xx, when the operation documents no 2xx): the response itself,
    /// with its status and `Location`.
    Redirect,
    /// A sequence of items read as they arrive: server-sent events or JSON lines.
    Stream(Stream),
}

/// A sequential media type and the type of its items.
#[derive(Debug, Clone, PartialEq)]
pub struct Stream {
    /// The media type as the spec writes it (what the streaming method's `Accept` asks for).
    pub media: String,
    pub framing: Framing,
    /// The type of each item: of each event's `data`, of the whole event, or of each line;
    /// `Ty::Json` when the spec gives no schema.
    pub item: Ty,
}

/// How the items of a stream are delimited, and what the schema describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// `text/event-stream`, the schema describing each event's `data` as JSON.
    EventData,
    /// `text/event-stream`, the schema an object describing the whole event (`event`, `data`,
    /// `id`, `retry`), or a union of such objects (told apart by the event name).
    WholeEvent,
    /// `text/event-stream` without a schema, or with a `type: string` one: the events as they
    /// are (name, id, data text).
    RawEvents,
    /// JSON lines (`application/x-ndjson`, `application/jsonl`, `application/json-seq`,
    /// `application/json;stream=watch`): one JSON value per line.
    JsonLines,
}

/// The streaming form of an operation whose success also has a non-stream payload.
#[derive(Debug, Clone, PartialEq)]
pub struct Streaming {
    /// The streaming method's name (`<operation>_stream`), given once every method name is
    /// known.
    pub fn_name: String,
    pub stream: Stream,
}

/// What the client makes of a media type: decided here, once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MediaKind {
    Json,
    Form,
    Multipart,
    Text,
    Binary,
    EventStream,
    JsonLines,
}

impl MediaKind {
    /// The kind of `media` (`application/json; charset=utf-8`, `text/event-stream`,
    /// `application/json;stream=watch`).
    pub fn of(media: &str) -> MediaKind {
        let e = essence(media);
        let watch = media.split(';').skip(1).any(|parameter| {
            let (name, value) = parameter.split_once('=').unwrap_or((parameter, ""));
            name.trim().eq_ignore_ascii_case("stream")
                && value.trim().trim_matches('"').eq_ignore_ascii_case("watch")
        });
        match e.as_str() {
            "text/event-stream" => MediaKind::EventStream,
            "application/x-ndjson"
            | "application/ndjson"
            | "application/jsonl"
            | "application/jsonlines"
            | "application/x-jsonlines"
            | "application/json-seq" => MediaKind::JsonLines,
            _ if watch && is_json(&e) => MediaKind::JsonLines,
            _ if watch => MediaKind::Binary,
            _ if is_json(&e) => MediaKind::Json,
            "application/x-www-form-urlencoded" => MediaKind::Form,
            "multipart/form-data" => MediaKind::Multipart,
            _ if e.starts_with("text/") => MediaKind::Text,
            _ => MediaKind::Binary,
        }
    }

    /// A sequence of items rather than one document.
    pub fn is_stream(self) -> bool {
        matches!(self, MediaKind::EventStream | MediaKind::JsonLines)
    }
}

/// What a successful call returns.
#[derive(Debug, Clone, PartialEq)]
pub enum Success {
    /// Every success status carries the same payload.
    One(Payload),
    /// Success statuses carry different payloads: an enum with a variant per status.
    Many {
        enum_name: String,
        cases: Vec<SuccessCase>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct SuccessCase {
    /// `Some(201)`; `None` for a range (`2XX`), matched when no exact code does.
    pub status: Option<u16>,
    pub label: String,
    pub variant: String,
    pub payload: Payload,
    pub doc: Option<String>,
}

/// A non-success status (or range, or `default`) with a described JSON body.
#[derive(Debug, Clone)]
pub struct ErrorCase {
    pub status: String,
    pub ty: Ty,
}

/// What an operation's responses make of it: its success, its typed errors, the media types
/// it accepts, and the stream a success offers beside the payload it decodes.
type Responses = (Success, Vec<ErrorCase>, Vec<String>, Option<Stream>);

/// Builds every operation of the document, in document order.
pub struct OperationBuilder<'s, 'a> {
    pub tags: &'s super::Tags,
    pub types: &'s mut TypeSpace<'a>,
    pub api: &'s openapiv3::OpenAPI,
    pub schemes: &'s [Scheme],
    pub fn_scope: Scope,
    /// Every operation's method name, by its pointer (`model::method_names`).
    pub method_names: std::collections::BTreeMap<String, String>,
}

impl OperationBuilder<'_, '_> {
    /// The key of a response as the spec spells it (`4xx` for openapiv3's `4XX`, `200` for a
    /// code written as a YAML integer).
    fn response_key(&self, pointer: &str, label: &str) -> String {
        let responses = self
            .types
            .resolver()
            .value(&join(pointer, &["responses"]), pointer);
        responses
            .ok()
            .and_then(|r| r.as_object())
            .and_then(|r| r.keys().find(|k| k.eq_ignore_ascii_case(label)).cloned())
            .unwrap_or_else(|| label.to_string())
    }

    /// The trail of an inline schema under a component response or request body: named after
    /// its key, not an operation, whether one operation or several refer to it
    /// (`#/components/responses/realtimekit_GetRecording` → `GetRecordingResponse`), so that
    /// a second operation referring to it renames nothing.
    fn shared_hint<T>(&self, item: &ReferenceOr<T>, suffix: &str) -> Option<String> {
        let ReferenceOr::Reference { reference } = item else {
            return None;
        };
        let key = reference.rsplit('/').next()?;
        let name = names::type_name(&self.types.strip_prefix(key));
        // The trail `GetRecording/!Response`: the type itself is `GetRecordingResponse`, the
        // types inside it `GetRecording<Property>`.
        let base = name
            .strip_suffix(suffix)
            .filter(|b| !b.is_empty())
            .unwrap_or(&name);
        Some(names::trail(base, &format!("!{suffix}")))
    }
}

impl OperationBuilder<'_, '_> {
    pub fn operation(
        &mut self,
        path: &str,
        item_params: &[(ReferenceOr<Parameter>, String)],
        method: &str,
        op: &openapiv3::Operation,
        pointer: &str,
    ) -> Result<Operation, Error> {
        if let Some(requirements) = &op.security {
            security::check_declared(requirements, self.api, &join(pointer, &["security"]))?;
        }
        let auth = security::alternatives(
            op.security.as_ref().or(self.api.security.as_ref()),
            self.schemes,
        )
        .map_err(|message| Error::unsupported(join(pointer, &["security"]), message))?;
        // The name earlier versions gave the method: the operationId as written.
        let legacy = match &op.operation_id {
            Some(id) if !id.trim().is_empty() => names::field_name(id),
            _ => fallback_fn_name(&method.to_ascii_lowercase(), path),
        };
        let base = self
            .method_names
            .get(pointer)
            .cloned()
            .unwrap_or_else(|| legacy.clone());
        let fn_name = self.fn_scope.claim(base);
        // The operation's own types are named from a base (`<base>Request`, `<base>Body`):
        // the first of its bases whose request struct name is free. Types inline in it are
        // named from the trail `<path noun>|<bases>/...` (see `names::candidates`).
        let bases = names::operation_bases(&fn_name, path);
        let pascal = bases
            .iter()
            .find(|b| {
                !self.types.scope.contains(&format!("{b}Request"))
                    && !self.types.scope.contains(&format!("{b}Params"))
            })
            .unwrap_or_else(|| bases.last().expect("operation_bases is never empty"))
            .clone();
        let anchor = std::iter::once(pascal.clone())
            .chain(bases.iter().cloned())
            .fold(Vec::<String>::new(), |mut all, a| {
                if !all.contains(&a) {
                    all.push(a);
                }
                all
            })
            .join("|");
        let pascal = pascal.as_str();
        let anchor = anchor.as_str();

        let mut merged = repair::Merged::new();
        let op_params = op
            .parameters
            .iter()
            .enumerate()
            .map(|(i, p)| (p.clone(), join(pointer, &["parameters", &i.to_string()])));
        for (param, written) in item_params.iter().cloned().chain(op_params) {
            let (param, at) = self.types.resolver().deref(&param, &written)?;
            let key = (
                location_name(&param),
                param.parameter_data_ref().name.clone(),
            );
            merged.insert(key, (param, at, written));
        }
        check_query_string(merged.values().map(|(param, at, _)| (param, at.as_str())))?;
        let repaired = repair::path_parameters(path, pointer, &mut merged, self.types.resolver())?;
        for warning in repaired.warnings {
            // A path item's parameter is repaired once for all its operations.
            if !self.types.warnings.contains(&warning) {
                self.types.warnings.push(warning);
            }
        }
        let mut field_scope = Scope::default();
        let mut params = Vec::new();
        for (param, at, _) in merged.into_values() {
            // OpenAPI: header parameters named Accept, Content-Type or Authorization are
            // ignored; the client sets those itself.
            let name = param.parameter_data_ref().name.to_ascii_lowercase();
            if matches!(param, Parameter::Header { .. })
                && matches!(name.as_str(), "accept" | "content-type" | "authorization")
            {
                continue;
            }
            params.push(self.param(&param, &at, anchor, &mut field_scope)?);
        }
        // Each undeclared template name: a required string, after the declared path
        // parameters. No schema: conformance sends a string.
        let after_path = params
            .iter()
            .rposition(|p| p.location == Location::Path)
            .map_or(0, |last| last + 1);
        let assumed = repaired.undeclared.into_iter().map(|name| Param {
            name: field_scope.claim(names::field_name(&name)),
            wire_name: name,
            location: Location::Path,
            ty: Ty::String,
            required: true,
            doc: None,
            schema_at: String::new(),
        });
        params.splice(after_path..after_path, assumed.collect::<Vec<_>>());
        let body = match &op.request_body {
            Some(body) => self.body(
                body,
                &join(pointer, &["requestBody"]),
                anchor,
                &mut field_scope,
            )?,
            None => None,
        };
        let head = method.eq_ignore_ascii_case("head");
        let (success, errors, accept, alternative) =
            self.responses(op, pointer, anchor, pascal, head)?;
        let streams = alternative.is_some() || matches!(&success, Success::One(Payload::Stream(_)));
        let stream_flag = body
            .as_ref()
            .filter(|_| streams)
            .and_then(|body| self.stream_flag(body));
        let streaming = alternative.map(|stream| Streaming {
            // Named once every method name is known (`model::build`).
            fn_name: String::new(),
            stream,
        });
        let request_name = (!params.is_empty() || body.is_some()).then(|| {
            // Specs often call the body schema `<OperationId>Request`; the parameters struct
            // then becomes `<OperationId>Params` rather than `<OperationId>Request2`.
            let name = format!("{pascal}Request");
            if self.types.scope.contains(&name) {
                self.types.scope.claim(format!("{pascal}Params"))
            } else {
                self.types.scope.claim(name)
            }
        });
        Ok(Operation {
            pointer: pointer.to_string(),
            method: method.to_string(),
            path: path.to_string(),
            // Kept by `model::build` when another and free.
            legacy_fn_name: Some(legacy),
            fn_name,
            request_name,
            group: group_of(op, path, self.tags),
            summary: clean(op.summary.as_deref()),
            description: clean(op.description.as_deref()),
            deprecated: op.deprecated,
            params,
            body,
            success,
            errors,
            accept,
            streaming,
            stream_flag,
            auth,
        })
    }

    /// The boolean property of a JSON body that asks the server to stream its answer
    /// (`stream`, as OpenAI's and most AI APIs name it).
    fn stream_flag(&self, body: &Body) -> Option<String> {
        let BodyKind::Json(Ty::Named(id)) = &body.kind else {
            return None;
        };
        let Kind::Struct(fields) = &self.types.def(*id).kind else {
            return None;
        };
        fields
            .fields
            .iter()
            .find(|f| f.json_name == "stream" && f.ty == Ty::Bool)
            .map(|f| f.json_name.clone())
    }

    fn param(
        &mut self,
        param: &Parameter,
        at: &str,
        anchor: &str,
        scope: &mut Scope,
    ) -> Result<Param, Error> {
        let data = param.parameter_data_ref();
        let querystring = data.extensions.contains_key(crate::lower::QUERYSTRING_KEY);
        let location = match param {
            Parameter::Path { .. } => Location::Path,
            Parameter::Query { .. } if querystring => {
                let ParameterSchemaOrContent::Content(content) = &data.format else {
                    return Err(Error::single(
                        at,
                        format!(
                            "querystring parameter `{}` must give its media type by `content`, \
                             not `schema`",
                            data.name
                        ),
                    ));
                };
                let media = content.keys().next().map(|m| MediaKind::of(m));
                Location::QueryString(match media {
                    Some(MediaKind::Form) => WholeQuery::Form,
                    Some(MediaKind::Json) => WholeQuery::Json,
                    _ => WholeQuery::Text,
                })
            }
            Parameter::Query { style, .. } => Location::Query(match (style, data.explode) {
                _ if json_content(&data.format) => QueryRendering::Json,
                (QueryStyle::Form, Some(false)) => QueryRendering::FormUnexploded,
                (QueryStyle::Form, _) => QueryRendering::Form,
                (QueryStyle::SpaceDelimited, _) => QueryRendering::SpaceDelimited,
                (QueryStyle::PipeDelimited, _) => QueryRendering::PipeDelimited,
                (QueryStyle::DeepObject, _) => QueryRendering::DeepObject,
            }),
            Parameter::Header { .. } => Location::Header,
            Parameter::Cookie { .. } => {
                return Err(Error::unsupported(
                    at,
                    format!("cookie parameter `{}` is not supported", data.name),
                ));
            }
        };
        let schema_at = match &data.format {
            ParameterSchemaOrContent::Schema(_) => join(at, &["schema"]),
            ParameterSchemaOrContent::Content(content) => match content.keys().next() {
                Some(media) => join(at, &["content", media, "schema"]),
                None => {
                    return Err(Error::single(
                        at,
                        "parameter has neither `schema` nor `content`",
                    ));
                }
            },
        };
        let schema: RawSchema = self.types.resolver().parse(&schema_at)?;
        // A parameter from `components` is shared by operations: its types are named after it
        // alone, not after the first operation that uses it.
        let hint = if at.starts_with("#/components/") {
            // `sort_by`, else the component's key (`recordingSortBy`) when several shared
            // parameters are called `sort_by`.
            let key = at.rsplit('/').next().unwrap_or_default();
            format!(
                "{}|{}",
                names::type_name(&data.name),
                names::type_name(&self.types.strip_prefix(key))
            )
        } else {
            names::trail(anchor, &names::type_name(&data.name))
        };
        let namesakes = self
            .types
            .vocabulary
            .param(location_name(param), &data.name);
        let (ty, schema_doc) = if location == Location::Path {
            // A path segment is text: numbers and booleans stay typed, everything else
            // (enums, identifiers of any format) is the text to send. No type is generated.
            let resolved = self.types.resolved_schema(&schema, &schema_at)?;
            let ty = match (resolved.ty.as_deref(), resolved.format.as_deref()) {
                (Some("integer"), Some("int32")) => Ty::I32,
                (Some("integer"), _) => Ty::I64,
                (Some("number"), _) => self.types.number_type(&resolved, namesakes),
                (Some("boolean"), _) => Ty::Bool,
                _ => Ty::String,
            };
            (ty, resolved.doc().map(str::to_string))
        } else {
            self.types.namesakes = namesakes;
            let typed = self.types.typed(&schema, &schema_at, &hint)?;
            let ty = match (location, typed.ty) {
                // Identifiers stay strings whatever their format: the server, not the client,
                // decides which values it accepts. (Timestamps in queries stay typed: they are
                // values the caller builds, not identifiers it passes along.)
                (Location::Header, Ty::Uuid | Ty::DateTime | Ty::Date) => Ty::String,
                (Location::Query(_), Ty::Uuid) => Ty::String,
                (_, ty) => ty,
            };
            (ty, typed.doc)
        };
        let doc = clean(data.description.as_deref()).or(schema_doc);
        Ok(Param {
            name: scope.claim(names::field_name(&data.name)),
            wire_name: data.name.clone(),
            location,
            ty,
            // `repair::path_parameters` made every path parameter required.
            required: data.required,
            doc,
            schema_at,
        })
    }

    fn body(
        &mut self,
        body: &ReferenceOr<openapiv3::RequestBody>,
        at: &str,
        anchor: &str,
        scope: &mut Scope,
    ) -> Result<Option<Body>, Error> {
        let hint = self
            .shared_hint(body, "Body")
            .unwrap_or_else(|| names::trail(anchor, "!Body"));
        let (body, at) = self.types.resolver().deref(body, at)?;
        let Some(media) = pick_media(body.content.keys()) else {
            return Ok(None);
        };
        let schema_at = join(&at, &["content", media, "schema"]);
        let has_schema = body.content[media].schema.is_some();
        let schema: RawSchema = if has_schema {
            self.types.resolver().parse(&schema_at)?
        } else {
            RawSchema::default()
        };
        // An object that allows no property at all (Stripe's GET operations declare one) is
        // no body to send.
        let resolved = self.types.resolved_schema(&schema, &schema_at)?;
        if resolved.properties.is_empty()
            && matches!(
                resolved.additional_properties,
                Some(Additional::Allowed(false))
            )
        {
            return Ok(None);
        }
        let essence = essence(media);
        let kind = if is_json(&essence) {
            BodyKind::Json(self.types.typed(&schema, &schema_at, &hint)?.ty)
        } else if essence == "application/x-www-form-urlencoded" {
            BodyKind::Form(self.types.typed(&schema, &schema_at, &hint)?.ty)
        } else if essence == "multipart/form-data" {
            // A body without named parts is the runtime's `Form`: it claims no name.
            match self.multipart_fields(&schema, &schema_at, &hint)? {
                Some(fields) => {
                    let preferred = names::candidates(&hint)
                        .into_iter()
                        .next()
                        .unwrap_or_default();
                    BodyKind::Multipart {
                        struct_name: self.types.scope.claim(preferred),
                        fields,
                    }
                }
                None => BodyKind::Parts,
            }
        } else if essence.starts_with("text/") {
            BodyKind::Text(media.clone())
        } else {
            BodyKind::Bytes(media.clone())
        };
        Ok(Some(Body {
            name: scope.claim("body".to_string()),
            kind,
            required: body.required,
            doc: clean(body.description.as_deref()),
            media: media.clone(),
            schema_at,
        }))
    }

    fn multipart_fields(
        &mut self,
        schema: &RawSchema,
        at: &str,
        hint: &str,
    ) -> Result<Option<Vec<MultipartField>>, Error> {
        // Property pointers start where the body schema really is (behind its `$ref`).
        let (schema, at) = self
            .types
            .resolver()
            .follow(schema.clone(), at, |s| s.reference.clone())?;
        let mut scope = Scope::default();
        let mut fields = Vec::new();
        let required: std::collections::BTreeSet<&String> = schema.required.iter().collect();
        for (name, prop) in &schema.properties {
            let prop_at = join(&at, &["properties", name]);
            let resolved = self.types.resolved_schema(prop, &prop_at)?;
            let ty = if is_binary(&resolved) {
                Ty::Upload
            } else {
                let hint = names::trail(hint, &names::type_name(name));
                self.types.typed(prop, &prop_at, &hint)?.ty
            };
            fields.push(MultipartField {
                name: scope.claim(names::field_name(name)),
                wire_name: name.clone(),
                ty,
                required: required.contains(name),
                doc: resolved.doc().map(str::to_string),
                schema_at: prop_at,
            });
        }
        // Without named properties (and not closed to any), the parts are the caller's to name.
        if fields.is_empty()
            && !matches!(
                schema.additional_properties,
                Some(Additional::Allowed(false))
            )
        {
            return Ok(None);
        }
        Ok(Some(fields))
    }

    fn responses(
        &mut self,
        op: &openapiv3::Operation,
        pointer: &str,
        anchor: &str,
        op_pascal: &str,
        head: bool,
    ) -> Result<Responses, Error> {
        let mut entries: Vec<(String, Option<u16>, bool, &ReferenceOr<openapiv3::Response>)> =
            Vec::new();
        // A redirect is the documented success of an operation that documents no 2xx (a
        // download answered by `307` to where the file is): it is returned, not followed.
        let redirects = !op.responses.responses.keys().any(|code| match code {
            StatusCode::Code(c) => (200..300).contains(c),
            StatusCode::Range(r) => *r == 2,
        });
        for (code, response) in &op.responses.responses {
            let (status, ok) = match code {
                StatusCode::Code(c) => (
                    Some(*c),
                    (200..300).contains(c) || (redirects && (300..400).contains(c)),
                ),
                StatusCode::Range(r) => (None, *r == 2 || (redirects && *r == 3)),
            };
            entries.push((code.to_string(), status, ok, response));
        }
        if let Some(default) = &op.responses.default {
            entries.push(("default".to_string(), None, false, default));
        }
        let successes = entries.iter().filter(|e| e.2).count();
        let enum_name = (successes > 1).then(|| format!("{op_pascal}Response"));
        let mut cases = Vec::new();
        let mut errors = Vec::new();
        let mut accept: Vec<String> = Vec::new();
        let mut variants = Scope::default();
        // The first stream a success offers beside the payload its method decodes.
        let mut alternative = None;
        for (label, status, ok, response) in entries {
            let label = self.response_key(pointer, &label);
            let at = join(pointer, &["responses", &label]);
            let shared = self.shared_hint(response, if ok { "Response" } else { "Error" });
            let (response, at) = self.types.resolver().deref(response, &at)?;
            let description = clean(Some(&response.description));
            let media = pick_media(response.content.keys());
            if !ok {
                let Some(media) = media.filter(|m| is_json(&essence(m))) else {
                    continue;
                };
                if response.content[media].schema.is_none() {
                    continue;
                }
                let schema_at = join(&at, &["content", media, "schema"]);
                let schema: RawSchema = self.types.resolver().parse(&schema_at)?;
                let hint = shared.unwrap_or_else(|| names::trail(anchor, "!Error"));
                let typed = self.types.typed(&schema, &schema_at, &hint)?;
                self.types.document(&typed.ty, description.as_deref());
                errors.push(ErrorCase {
                    status: label,
                    // Decoded by `ApiError::body_as`, plain serde.
                    ty: typed.ty.integral_as_f64(),
                });
                continue;
            }
            let redirect = status.map_or(label.starts_with('3'), |s| (300..400).contains(&s));
            // The payload is read from the media type the client prefers; a stream is that only
            // when the response offers nothing else, and otherwise the streaming method's.
            let media = pick_media(
                response
                    .content
                    .keys()
                    .filter(|m| !MediaKind::of(m).is_stream()),
            )
            .or(media);
            if let Some(media) = media.filter(|_| !head && !redirect) {
                if !accept.contains(media) {
                    accept.push(media.clone());
                }
            }
            // An inline item type is named as an event or a line of the operation.
            let stream_hint = |media: &str| {
                let step = match MediaKind::of(media) {
                    MediaKind::EventStream => "!Event",
                    _ => "!Line",
                };
                names::trail(anchor, step)
            };
            if alternative.is_none() && !head && !redirect {
                let offered = pick_stream(response.content.keys());
                if let Some(offered) = offered.filter(|s| Some(*s) != media) {
                    alternative = Some(self.stream(&at, offered, &stream_hint(offered))?);
                }
            }
            let payload = match media {
                // The answer to HEAD has the headers of a GET's but never a body.
                _ if head => Payload::Empty,
                _ if redirect => Payload::Redirect,
                None => Payload::Empty,
                Some(media) if MediaKind::of(media).is_stream() => {
                    Payload::Stream(self.stream(&at, media, &stream_hint(media))?)
                }
                // A string of any media type (`*/*`, `application/*`) is text, or bytes when
                // its format says so.
                Some(media) if is_wildcard(&essence(media)) && self.is_string(&at, media)? => {
                    let schema_at = join(&at, &["content", media, "schema"]);
                    let schema: RawSchema = self.types.resolver().parse(&schema_at)?;
                    let resolved = self.types.resolved_schema(&schema, &schema_at)?;
                    if is_binary(&resolved) {
                        Payload::Bytes(media.clone())
                    } else {
                        Payload::Text(media.clone())
                    }
                }
                Some(media) if MediaKind::of(media) == MediaKind::Json => {
                    if response.content[media].schema.is_none() {
                        Payload::Json(Ty::Json)
                    } else {
                        let schema_at = join(&at, &["content", media, "schema"]);
                        let schema: RawSchema = self.types.resolver().parse(&schema_at)?;
                        if is_binary(&schema) {
                            // A file "as JSON" (`type: string, format: binary`): its bytes.
                            Payload::Bytes(media.clone())
                        } else {
                            let hint = match (&enum_name, &shared) {
                                (_, Some(shared)) => shared.clone(),
                                (Some(_), None) => {
                                    names::trail(anchor, &format!("!{}", status_word(&label)))
                                }
                                (None, None) => names::trail(anchor, "!Response"),
                            };
                            let typed = self.types.typed(&schema, &schema_at, &hint)?;
                            self.types.document(&typed.ty, description.as_deref());
                            // A body that may be `null` decodes as any JSON value. A whole body
                            // is decoded by plain serde (`Response::json`): no integral numbers.
                            Payload::Json(if typed.nullable {
                                Ty::Json
                            } else {
                                typed.ty.integral_as_f64()
                            })
                        }
                    }
                }
                Some(media) if MediaKind::of(media) == MediaKind::Text => {
                    Payload::Text(media.clone())
                }
                Some(media) => Payload::Bytes(media.clone()),
            };
            cases.push(SuccessCase {
                status,
                variant: variants.claim(status_word(&label)),
                label,
                payload,
                doc: description,
            });
        }
        let mixed = cases.len() > 1 && cases.iter().any(|c| c.payload != cases[0].payload);
        if mixed {
            // A per-status enum holds values, not live streams: a stream among its cases is
            // read in full as text there, and the streaming method reads it as a stream.
            for case in &mut cases {
                if let Payload::Stream(stream) = &case.payload {
                    let media = stream.media.clone();
                    let stream = std::mem::replace(&mut case.payload, Payload::Text(media));
                    if let (None, Payload::Stream(stream)) = (&alternative, stream) {
                        alternative = Some(stream);
                    }
                }
            }
        }
        let success = match (enum_name, cases.len()) {
            (_, 0) => Success::One(Payload::Empty),
            (Some(name), _) if cases.iter().any(|c| c.payload != cases[0].payload) => {
                Success::Many {
                    enum_name: self.types.scope.claim(name),
                    cases,
                }
            }
            _ => Success::One(cases.swap_remove(0).payload),
        };
        // What the client decodes first, so that a server that may choose picks it.
        accept.sort_by_key(|m| MediaKind::of(m));
        Ok((success, errors, accept, alternative))
    }

    /// The stream of `media` in the response at `at`: its framing and item type.
    fn stream(&mut self, at: &str, media: &str, hint: &str) -> Result<Stream, Error> {
        let kind = MediaKind::of(media);
        let schema_at = join(at, &["content", media, "schema"]);
        let untyped = |framing| Stream {
            media: media.to_string(),
            framing,
            item: Ty::Json,
        };
        if self.types.resolver().value(&schema_at, at).is_err() {
            return Ok(untyped(if kind == MediaKind::EventStream {
                Framing::RawEvents
            } else {
                Framing::JsonLines
            }));
        }
        let schema: RawSchema = self.types.resolver().parse(&schema_at)?;
        let resolved = self.types.resolved_schema(&schema, &schema_at)?;
        let (framing, schema, schema_at) = match kind {
            MediaKind::EventStream if resolved.ty.as_deref() == Some("string") => {
                return Ok(untyped(Framing::RawEvents));
            }
            MediaKind::EventStream if self.is_whole_event(&resolved, &schema_at)? => {
                (Framing::WholeEvent, schema, schema_at)
            }
            MediaKind::EventStream => (Framing::EventData, schema, schema_at),
            // A JSON-lines schema that is an array describes the lines by its items.
            _ => match resolved.items {
                Some(items) if resolved.ty.as_deref() == Some("array") => {
                    let (_, array_at) = self.types.resolver().follow(
                        schema.clone(),
                        &schema_at,
                        |s: &RawSchema| s.reference.clone(),
                    )?;
                    (Framing::JsonLines, *items, join(&array_at, &["items"]))
                }
                _ => (Framing::JsonLines, schema, schema_at),
            },
        };
        let typed = self.types.typed(&schema, &schema_at, hint)?;
        Ok(Stream {
            media: media.to_string(),
            framing,
            // Each item is decoded by plain serde, like a whole body.
            item: if typed.nullable {
                Ty::Json
            } else {
                typed.ty.integral_as_f64()
            },
        })
    }

    /// Whether an event-stream schema describes the whole event rather than its `data`: an
    /// object whose properties are among `event`, `data`, `id` and `retry`, `data` and at least
    /// one other among them, or a union of such objects.
    fn is_whole_event(&mut self, schema: &RawSchema, at: &str) -> Result<bool, Error> {
        const FIELDS: [&str; 4] = ["event", "data", "id", "retry"];
        if !schema.properties.is_empty() {
            return Ok(schema.properties.contains_key("data")
                && schema.properties.len() >= 2
                && schema
                    .properties
                    .keys()
                    .all(|k| FIELDS.contains(&k.as_str())));
        }
        let branches = if schema.one_of.is_empty() {
            &schema.any_of
        } else {
            &schema.one_of
        };
        if branches.is_empty() {
            return Ok(false);
        }
        for branch in branches {
            let resolved = self.types.resolved_schema(branch, at)?;
            if resolved.properties.is_empty() || !self.is_whole_event(&resolved, at)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Whether the schema of `media` in the response at `at` is a `type: string`.
    fn is_string(&mut self, at: &str, media: &str) -> Result<bool, Error> {
        let schema_at = join(at, &["content", media, "schema"]);
        if self.types.resolver().value(&schema_at, at).is_err() {
            return Ok(false);
        }
        let schema: RawSchema = self.types.resolver().parse(&schema_at)?;
        let resolved = self.types.resolved_schema(&schema, &schema_at)?;
        Ok(resolved.ty.as_deref() == Some("string"))
    }
}

/// `*/*` or `application/*`: any media type.
fn is_wildcard(essence: &str) -> bool {
    essence == "*/*" || essence == "application/*"
}

/// A parameter described by JSON `content` rather than a `schema`.
fn json_content(format: &ParameterSchemaOrContent) -> bool {
    match format {
        ParameterSchemaOrContent::Content(content) => content.keys().any(|m| is_json(&essence(m))),
        ParameterSchemaOrContent::Schema(_) => false,
    }
}

fn location_name(param: &Parameter) -> &'static str {
    match param {
        Parameter::Path { .. } => "path",
        Parameter::Query { .. } => "query",
        Parameter::Header { .. } => "header",
        Parameter::Cookie { .. } => "cookie",
    }
}

/// `application/json; charset=utf-8` → `application/json`.
pub(super) fn essence(media: &str) -> String {
    media
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

pub(super) fn is_json(essence: &str) -> bool {
    essence == "application/json"
        || essence.ends_with("+json")
        || essence == "*/*"
        || essence == "application/*"
}

/// The media type the client uses when several are offered: JSON, then forms, then text, then
/// anything else, then streams (server-sent events before JSON lines).
fn pick_media<'m>(media: impl Iterator<Item = &'m String> + Clone) -> Option<&'m String> {
    media.min_by_key(|m| MediaKind::of(m))
}

/// The stream a response offers beside (or instead of) its other media types: server-sent
/// events before JSON lines.
fn pick_stream<'m>(media: impl Iterator<Item = &'m String>) -> Option<&'m String> {
    media
        .filter(|m| MediaKind::of(m).is_stream())
        .min_by_key(|m| MediaKind::of(m))
}

fn is_binary(schema: &RawSchema) -> bool {
    schema.ty.as_deref() == Some("string") && matches!(schema.format.as_deref(), Some("binary"))
}

/// Variant name for a success status.
fn status_word(label: &str) -> String {
    match label {
        "200" => "Ok".into(),
        "201" => "Created".into(),
        "202" => "Accepted".into(),
        "203" => "NonAuthoritative".into(),
        "204" => "NoContent".into(),
        "205" => "ResetContent".into(),
        "206" => "PartialContent".into(),
        "2XX" => "Success".into(),
        other => format!("Status{other}"),
    }
}

/// The operation's first tag (of navigation, when tags have a `kind`), else the first literal
/// segment of its path.
fn group_of(op: &openapiv3::Operation, path: &str, tags: &super::Tags) -> GroupKey {
    if let Some(tag) = op
        .tags
        .iter()
        .find(|t| !t.trim().is_empty() && !tags.aside.contains(t.trim()))
    {
        let tag = tag.trim().to_string();
        return GroupKey {
            about: format!("tagged `{tag}`"),
            name: tag,
        };
    }
    // The first literal segment, past versions (`/v1/customers` → `customers`) and without
    // templates (`/Accounts{ext}` → `Accounts`).
    let is_version = |s: &str| {
        s.eq_ignore_ascii_case("api")
            || s.strip_prefix(['v', 'V'])
                .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit() || c == '.'))
    };
    let segments: Vec<String> = path
        .split('/')
        .map(|s| match s.find('{') {
            Some(at) => s[..at].to_string(),
            None => s.to_string(),
        })
        .filter(|s| !s.is_empty())
        .collect();
    let name = segments
        .iter()
        .find(|s| !is_version(s))
        .or(segments.first())
        .cloned()
        .unwrap_or_else(|| "root".to_string());
    GroupKey {
        about: format!("under `/{name}`"),
        name,
    }
}

/// The group an operation belongs to: its name, and how the docs describe its members.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupKey {
    pub name: String,
    /// "tagged `Meetings`" or "under `/customers`".
    pub about: String,
}

/// An operation has at most one `querystring` parameter (OpenAPI 3.2), and none beside `query`
/// parameters: it is the whole query string.
fn check_query_string<'p>(
    params: impl Iterator<Item = (&'p Parameter, &'p str)>,
) -> Result<(), Error> {
    let mut whole: Option<(&str, &str)> = None;
    let mut query: Option<(&str, &str)> = None;
    for (param, at) in params {
        let data = param.parameter_data_ref();
        if !matches!(param, Parameter::Query { .. }) {
            continue;
        }
        if data.extensions.contains_key(crate::lower::QUERYSTRING_KEY) {
            if let Some((name, _)) = whole {
                return Err(Error::single(
                    at,
                    format!(
                        "a second `querystring` parameter (`{}`, after `{name}`): an operation's \
                         query string is one value",
                        data.name
                    ),
                ));
            }
            whole = Some((&data.name, at));
        } else if query.is_none() {
            query = Some((&data.name, at));
        }
    }
    match (whole, query) {
        (Some((whole, _)), Some((name, at))) => Err(Error::single(
            at,
            format!(
                "query parameter `{name}` beside the `querystring` parameter `{whole}`, which is \
                 the whole query string"
            ),
        )),
        _ => Ok(()),
    }
}

/// `get /accounts/{account_id}/members` → `get_accounts_account_id_members`.
fn fallback_fn_name(method: &str, path: &str) -> String {
    let words: Vec<&str> = path
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    names::field_name(&format!("{method} {}", words.join(" ")))
}

/// Trims text from the spec and drops it when empty.
pub fn clean(text: Option<&str>) -> Option<String> {
    text.map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
}
