//! The operations modules: per group (tag), the request structs, multipart bodies and response
//! enums, the group's methods with how each sends its request and decodes its answer, and the
//! `<operation>_pages` walks.

use std::borrow::Cow;
use std::collections::BTreeMap;

use super::features::Gate;
use super::items::{
    DefaultImpl, FieldItem, Init, Item, Presence, ResponsesItem, Role, Serde, Shape, StructItem,
    TypeRef, VariantItem, Wire,
};
use super::scope;
use crate::model::operations::{
    BodyKind, Framing, Location, Operation, Payload, Stream, Success, SuccessCase,
};
use crate::model::pagination::Paged;
use crate::model::types::{Ty, TypeSpace};
use crate::model::{Group, Model};

/// The type of a binary request body: the runtime's `Upload` (a file, a reader or bytes).
static UPLOAD: Ty = Ty::Upload;

/// `src/operations/<module>.rs`.
#[derive(Debug)]
pub struct Module<'m> {
    pub group: &'m Group,
    /// The runtime's names the module imports, sorted.
    pub runtime: Vec<&'static str>,
    /// Some item or method names a type of `src/types.rs`: the module imports them all.
    pub uses_types: bool,
    /// Request structs, multipart bodies and response enums, in the order of the operations.
    pub items: Vec<Item<'m>>,
    pub methods: Vec<Method<'m>>,
    pub pages: Vec<PagesMethod<'m>>,
}

/// One operation as a method of the group's struct, and the function building its request.
#[derive(Debug)]
pub struct Method<'m> {
    pub op: &'m Operation,
    pub name: &'m str,
    /// The HTTP method its request is sent with.
    pub http: HttpMethod<'m>,
    /// The doc's paragraphs: summary, description, the HTTP method and path, the error bodies.
    pub doc: Vec<Cow<'m, str>>,
    pub deprecated: bool,
    /// The request struct it takes by reference.
    pub request: Option<&'m str>,
    pub output: Output<'m>,
    pub decode: Decode<'m>,
    /// The constant listing the credentials it accepts.
    pub auth: Option<String>,
    /// The `Accept` header, when the operation declares another media type than JSON alone.
    pub accept: Option<String>,
    /// A redirect is the operation's documented success: returned, not an error.
    pub redirects: bool,
    /// The boolean body property that asks for a stream, and the value this method sends.
    pub stream_flag: Option<(&'m str, bool)>,
    /// This method is the streaming form of the operation whose method (and request builder)
    /// is named here: its request is that one's, asking for the stream.
    pub stream_of: Option<&'m str>,
    /// The name earlier versions gave this method: a deprecated alias of it, for one release.
    pub legacy: Option<&'m str>,
}

/// How a request names its HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpMethod<'m> {
    /// One of `reqwest::Method`'s constants (`GET`, `POST`, ...).
    Constant(&'m str),
    /// Any other method (`QUERY`, and OpenAPI 3.2's `additionalOperations`), sent by name with
    /// its capitalization as written (`Request::with_method`).
    Named(&'m str),
}

impl<'m> HttpMethod<'m> {
    pub fn of(method: &'m str) -> HttpMethod<'m> {
        const CONSTANTS: &[&str] = &[
            "GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE",
        ];
        if CONSTANTS.contains(&method) {
            HttpMethod::Constant(method)
        } else {
            HttpMethod::Named(method)
        }
    }
}

/// What awaiting a method's call gives.
#[derive(Debug, Clone, Copy)]
pub enum Output<'m> {
    /// `()`: no body.
    Unit,
    Type(TypeRef<'m>),
    /// The per-status response enum.
    Responses(&'m str),
    /// A stream read as it arrives.
    Stream(StreamOutput<'m>),
}

/// The runtime's stream types, and how a method's response becomes one.
#[derive(Debug, Clone, Copy)]
pub enum StreamOutput<'m> {
    /// `EventStream<T>`, each event's `data` decoded as `T` (`EventStream::data`), or the
    /// whole event (`EventStream::whole`).
    Events { item: TypeRef<'m>, whole: bool },
    /// `RawEvents`: the events undecoded.
    RawEvents,
    /// `JsonLines<T>`.
    JsonLines(TypeRef<'m>),
    /// `ByteStream`: the body as it arrives.
    Bytes,
}

impl<'m> StreamOutput<'m> {
    fn of(stream: &'m Stream) -> StreamOutput<'m> {
        match stream.framing {
            Framing::EventData => StreamOutput::Events {
                item: TypeRef::Ty(&stream.item),
                whole: false,
            },
            Framing::WholeEvent => StreamOutput::Events {
                item: TypeRef::Ty(&stream.item),
                whole: true,
            },
            Framing::RawEvents => StreamOutput::RawEvents,
            Framing::JsonLines => StreamOutput::JsonLines(TypeRef::Ty(&stream.item)),
        }
    }

    /// The item type, for streams of decoded items.
    pub fn item(self) -> Option<TypeRef<'m>> {
        match self {
            StreamOutput::Events { item, .. } | StreamOutput::JsonLines(item) => Some(item),
            StreamOutput::RawEvents | StreamOutput::Bytes => None,
        }
    }

    /// The runtime's name of the stream type.
    pub fn runtime_name(self) -> &'static str {
        match self {
            StreamOutput::Events { .. } => scope::EVENT_STREAM,
            StreamOutput::RawEvents => scope::RAW_EVENTS,
            StreamOutput::JsonLines(_) => scope::JSON_LINES,
            StreamOutput::Bytes => scope::BYTE_STREAM,
        }
    }
}

/// How a method turns the response into its output.
#[derive(Debug)]
pub enum Decode<'m> {
    /// Nothing to read (no body; the model gives HEAD answers none).
    Nothing,
    Json,
    Text,
    Bytes,
    /// The response as it is (a documented redirect).
    Raw,
    /// Opened as a stream, not read in full.
    Stream(StreamOutput<'m>),
    /// By status: each listed status to its variant, any other to `fallback`'s.
    ByStatus {
        name: &'m str,
        exact: Vec<(u16, &'m SuccessCase)>,
        fallback: &'m SuccessCase,
    },
}

/// The `<operation>_pages` method of a paged list.
#[derive(Debug)]
pub struct PagesMethod<'m> {
    /// The operation it calls for each page.
    pub operation: &'m str,
    pub request: &'m str,
    pub paged: &'m Paged,
    /// The operation is deprecated, and so is the walk.
    pub deprecated: bool,
}

/// One constant per distinct set of credential alternatives, named after its schemes
/// (`API_TOKEN`, `API_EMAIL_AND_API_KEY_OR_API_TOKEN`).
pub fn auth_consts<'m>(model: &'m Model) -> BTreeMap<&'m [Vec<usize>], String> {
    let mut consts = BTreeMap::new();
    if model.groups.is_empty() {
        return consts;
    }
    for op in model.operations.iter().filter(|op| !op.auth.is_empty()) {
        consts.entry(op.auth.as_slice()).or_insert_with(|| {
            op.auth
                .iter()
                .map(|alternative| match alternative.is_empty() {
                    true => "ANONYMOUS".to_string(),
                    false => alternative
                        .iter()
                        .map(|i| {
                            crate::model::names::field_name(&model.schemes[*i].key)
                                .trim_end_matches('_')
                                .to_ascii_uppercase()
                        })
                        .collect::<Vec<_>>()
                        .join("_AND_"),
                })
                .collect::<Vec<_>>()
                .join("_OR_")
        });
    }
    consts
}

pub fn module<'m>(
    model: &'m Model,
    group: &'m Group,
    auth_consts: &BTreeMap<&'m [Vec<usize>], String>,
) -> Module<'m> {
    let types = &model.types;
    let ops = group.operations.iter().map(|i| (*i, &model.operations[*i]));
    let mut items = Vec::new();
    let mut methods = Vec::new();
    let mut pages = Vec::new();
    for (index, op) in ops {
        let made = operation_items(types, op, group);
        let mut method = method(types, op, auth_consts);
        items.extend(made);
        let streaming = op.streaming.as_ref().map(|streaming| {
            let output = StreamOutput::of(&streaming.stream);
            let mut doc = method.doc.clone();
            doc.insert(doc_route(op, &doc), Cow::Owned(stream_doc(op, output)));
            let flag = op
                .stream_flag
                .as_deref()
                .map(|flag| format!(" It sends `\"{flag}\": false`."))
                .unwrap_or_default();
            let at = doc_route(op, &method.doc);
            method.doc.insert(
                at,
                Cow::Owned(format!(
                    "Reads the whole answer.{flag} For its parts as they arrive, see \
                     [`{}`](Self::{}).",
                    streaming.fn_name, streaming.fn_name
                )),
            );
            Method {
                op,
                name: &streaming.fn_name,
                http: method.http,
                doc,
                deprecated: op.deprecated,
                request: method.request,
                output: Output::Stream(output),
                decode: Decode::Stream(output),
                auth: method.auth.clone(),
                accept: Some(streaming.stream.media.clone()),
                redirects: false,
                stream_flag: op.stream_flag.as_deref().map(|flag| (flag, true)),
                stream_of: Some(&op.fn_name),
                legacy: None,
            }
        });
        methods.push(method);
        methods.extend(streaming);
        if let Some(paged) = model.pagination.get(&index) {
            pages.push(PagesMethod {
                operation: &op.fn_name,
                request: op.request_name.as_deref().unwrap_or_default(),
                paged,
                deprecated: op.deprecated,
            });
        }
    }
    let mut module = Module {
        group,
        runtime: Vec::new(),
        uses_types: false,
        items,
        methods,
        pages,
    };
    module.runtime = module.runtime_names();
    let mut uses_types = false;
    for item in &module.items {
        item.visit_types(&mut |ty| uses_types |= names_type(ty));
    }
    module.visit_types(&mut |ty| uses_types |= names_type(ty));
    module.uses_types = uses_types;
    module
}

/// Whether a type expression names a type of `src/types.rs`.
fn names_type(ty: TypeRef) -> bool {
    matches!(ty, TypeRef::Ty(ty) if ty.named().next().is_some())
}

impl<'m> Module<'m> {
    /// The type expressions of its methods' outputs and page walks (those of its items are
    /// the items' own).
    pub fn visit_types(&self, f: &mut impl FnMut(TypeRef<'m>)) {
        for method in &self.methods {
            match method.output {
                Output::Type(ty) => f(ty),
                Output::Stream(stream) => stream.item().into_iter().for_each(&mut *f),
                Output::Unit | Output::Responses(_) => {}
            }
        }
        for pages in &self.pages {
            f(TypeRef::Ty(&pages.paged.item));
        }
    }

    /// The runtime's names its code uses.
    fn runtime_names(&self) -> Vec<&'static str> {
        let mut names = vec![scope::CALL, scope::REQUEST];
        if self
            .methods
            .iter()
            .any(|m| matches!(m.decode, Decode::Json | Decode::Raw) || m.redirects)
        {
            names.push(scope::RESPONSE);
        }
        let params = || self.methods.iter().flat_map(|m| &m.op.params);
        if params().any(|p| matches!(p.location, Location::Query(_))) {
            names.push(scope::QUERY_STYLE);
        }
        if params().any(|p| matches!(p.location, Location::QueryString(_))) {
            names.push(scope::QUERY_STRING);
        }
        if self.methods.iter().any(|m| {
            matches!(
                m.op.body.as_ref().map(|b| &b.kind),
                Some(BodyKind::Multipart { .. })
            )
        }) {
            names.push(scope::PART);
        }
        for method in &self.methods {
            if let Output::Stream(stream) = method.output {
                names.push(stream.runtime_name());
            }
        }
        names.sort_unstable();
        names.dedup();
        names
    }
}

/// A field of a request struct or multipart body: `Option` unless required, and then an
/// argument of the struct's `new`.
fn request_field<'m>(
    name: &'m str,
    wire: Wire<'m>,
    ty: TypeRef<'m>,
    required: bool,
    doc: Cow<'m, str>,
) -> FieldItem<'m> {
    FieldItem {
        name,
        wire,
        ty,
        boxed: false,
        option: !required,
        presence: if required {
            Presence::Required
        } else {
            Presence::Optional
        },
        // Never read.
        integral: false,
        has_default: !required,
        init: if required {
            Init::Argument
        } else {
            Init::Empty
        },
        doc,
    }
}

/// The request struct, multipart body struct and per-status response enum of an operation,
/// when it has them, in that order.
fn operation_items<'m>(types: &'m TypeSpace, op: &'m Operation, group: &'m Group) -> Vec<Item<'m>> {
    let mut fields: Vec<FieldItem> = op
        .params
        .iter()
        .map(|param| {
            request_field(
                &param.name,
                Wire::Param(param),
                TypeRef::Ty(&param.ty),
                param.required,
                Cow::Owned(super::param_doc(param)),
            )
        })
        .collect();
    let mut extra = Vec::new();
    if let Some(body) = &op.body {
        let ty = match &body.kind {
            BodyKind::Json(ty) | BodyKind::Form(ty) => TypeRef::Ty(ty),
            BodyKind::Multipart {
                struct_name,
                fields: parts,
            } => {
                let parts: Vec<FieldItem> = parts
                    .iter()
                    .map(|part| {
                        request_field(
                            &part.name,
                            Wire::Part(&part.wire_name),
                            TypeRef::Ty(&part.ty),
                            part.required,
                            // Nothing known: no doc, rather than filler.
                            Cow::Borrowed(part.doc.as_deref().unwrap_or("")),
                        )
                    })
                    .collect();
                let mut shape = StructItem {
                    role: Role::Multipart,
                    serde: Serde::None,
                    default: DefaultImpl::None,
                    constructor: false,
                    fields: parts,
                    additional: None,
                    additional_integral: false,
                };
                shape.decide(true, true);
                extra.push(Item {
                    name: struct_name,
                    doc: Cow::Owned(format!(
                        "The `multipart/form-data` body of [`{}`].",
                        op.request_name.as_deref().unwrap_or_default()
                    )),
                    shape: Shape::Struct(shape),
                    pointer: Some(Cow::Owned(crate::resolve::join(
                        &op.pointer,
                        &["requestBody"],
                    ))),
                    input: true,
                    gate: Gate::Always,
                });
                TypeRef::Local(struct_name)
            }
            BodyKind::Parts => TypeRef::Form,
            BodyKind::Text(_) => TypeRef::Text,
            // A file, or bytes: sent as they are read, never all in memory.
            BodyKind::Bytes(_) => TypeRef::Ty(&UPLOAD),
        };
        fields.push(request_field(
            &body.name,
            Wire::Body,
            ty,
            body.required,
            Cow::Borrowed(body.doc.as_deref().unwrap_or("The request body.")),
        ));
    }
    if let Success::Many { enum_name, cases } = &op.success {
        let variants = cases
            .iter()
            .map(|case| {
                let (ty, boxed) = match &case.payload {
                    Payload::Empty => (None, false),
                    // Boxed like struct variants of unions: the enum stays small.
                    Payload::Json(ty) => (Some(TypeRef::Ty(ty)), types.is_struct(ty)),
                    Payload::Text(_) => (Some(TypeRef::Text), false),
                    Payload::Bytes(_) => (Some(TypeRef::Bytes), false),
                    Payload::Redirect => (Some(TypeRef::Raw), false),
                    // The model reads a stream among several statuses as text.
                    Payload::Stream(_) => (Some(TypeRef::Text), false),
                };
                VariantItem {
                    name: &case.variant,
                    ty,
                    boxed,
                    wire: Some(&case.label),
                    doc: Cow::Owned(format!(
                        "{}: {}",
                        case.label,
                        case.doc.as_deref().unwrap_or("success")
                    )),
                }
            })
            .collect();
        extra.push(Item {
            name: enum_name,
            doc: Cow::Owned(format!(
                "What [`{}::{}`] returns, by status.",
                group.struct_name, op.fn_name
            )),
            shape: Shape::Responses(ResponsesItem { variants }),
            pointer: Some(Cow::Owned(crate::resolve::join(
                &op.pointer,
                &["responses"],
            ))),
            input: false,
            gate: Gate::Always,
        });
    }
    let mut out = Vec::new();
    if let Some(name) = &op.request_name {
        let mut shape = StructItem {
            role: Role::Request,
            serde: Serde::None,
            default: DefaultImpl::None,
            constructor: false,
            fields,
            additional: None,
            additional_integral: false,
        };
        shape.decide(true, true);
        out.push(Item {
            name,
            doc: Cow::Owned(format!(
                "Parameters of [`{}::{}`].",
                group.struct_name, op.fn_name
            )),
            shape: Shape::Struct(shape),
            pointer: Some(Cow::Borrowed(&op.pointer)),
            input: true,
            gate: Gate::Always,
        });
    }
    out.extend(extra);
    out
}

fn method<'m>(
    types: &'m TypeSpace,
    op: &'m Operation,
    auth_consts: &BTreeMap<&'m [Vec<usize>], String>,
) -> Method<'m> {
    let mut doc: Vec<Cow<str>> = Vec::new();
    doc.extend(op.summary.as_deref().map(Cow::Borrowed));
    doc.extend(op.description.as_deref().map(Cow::Borrowed));
    doc.push(Cow::Owned(format!("`{} {}`", op.method, op.path)));
    if op.method == "QUERY" {
        doc.push(Cow::Borrowed(
            "`QUERY` asks a question with a request body and changes nothing on the server: \
             like `GET`, it is safe to retry.",
        ));
    }
    doc.extend(error_doc(types, op).map(Cow::Owned));
    let (output, decode) = match &op.success {
        Success::One(Payload::Empty) => (Output::Unit, Decode::Nothing),
        Success::One(Payload::Json(ty)) => (Output::Type(TypeRef::Ty(ty)), Decode::Json),
        Success::One(Payload::Text(_)) => (Output::Type(TypeRef::Text), Decode::Text),
        // A binary body of any size is read as it arrives.
        Success::One(Payload::Bytes(_)) => (
            Output::Stream(StreamOutput::Bytes),
            Decode::Stream(StreamOutput::Bytes),
        ),
        Success::One(Payload::Stream(stream)) => {
            let output = StreamOutput::of(stream);
            (Output::Stream(output), Decode::Stream(output))
        }
        Success::One(Payload::Redirect) => (Output::Type(TypeRef::Raw), Decode::Raw),
        Success::Many { enum_name, cases } => {
            let fallback = cases.iter().position(|c| c.status.is_none()).unwrap_or(0);
            let exact = cases
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != fallback)
                .filter_map(|(_, c)| Some((c.status?, c)))
                .collect();
            (
                Output::Responses(enum_name),
                Decode::ByStatus {
                    name: enum_name,
                    exact,
                    fallback: &cases[fallback],
                },
            )
        }
    };
    Method {
        op,
        name: &op.fn_name,
        http: HttpMethod::of(&op.method),
        doc,
        deprecated: op.deprecated,
        request: op.request_name.as_deref(),
        output,
        decode,
        auth: auth_consts.get(op.auth.as_slice()).cloned(),
        accept: accept(&op.accept),
        redirects: redirects(&op.success),
        // Only an operation that streams has one: its non-streaming method asks for none.
        stream_flag: op.stream_flag.as_deref().map(|flag| {
            let streams = matches!(&op.success, Success::One(Payload::Stream(_)));
            (flag, streams)
        }),
        stream_of: None,
        legacy: op.legacy_fn_name.as_deref(),
    }
}

/// Where the `METHOD /path` paragraph of a method's doc is (before the errors paragraph, when
/// there is one): paragraphs about the answer go just before it.
fn doc_route(op: &Operation, doc: &[Cow<str>]) -> usize {
    doc.len()
        .saturating_sub(1 + usize::from(!op.errors.is_empty()))
}

/// The paragraph of a streaming method's doc saying what it reads, item by item.
fn stream_doc(op: &Operation, output: StreamOutput) -> String {
    let what = match output {
        StreamOutput::Events { .. } | StreamOutput::RawEvents => "server-sent events",
        StreamOutput::JsonLines(_) => "JSON lines",
        StreamOutput::Bytes => "bytes",
    };
    let flag = op
        .stream_flag
        .as_deref()
        .map(|flag| format!(" with `\"{flag}\": true`"))
        .unwrap_or_default();
    format!(
        "The answer of [`{}`](Self::{}) as a stream of {what}, read as they arrive: the \
         request{flag}, asking for `{}`.",
        op.fn_name,
        op.fn_name,
        op.streaming
            .as_ref()
            .map_or("", |streaming| streaming.stream.media.as_str())
    )
}

/// Whether a success of the operation is a redirect.
fn redirects(success: &Success) -> bool {
    match success {
        Success::One(payload) => *payload == Payload::Redirect,
        Success::Many { cases, .. } => cases.iter().any(|c| c.payload == Payload::Redirect),
    }
}

/// The `Accept` header: the media types the operation's successes declare, unless that is
/// JSON alone (the client's default).
fn accept(declared: &[String]) -> Option<String> {
    match declared {
        [] => None,
        [only] if only == "application/json" => None,
        _ => Some(declared.join(", ")),
    }
}

/// "Errors: 500 returns [`GenericErrorResponse`] ..." when the spec types error bodies.
fn error_doc(types: &TypeSpace, op: &Operation) -> Option<String> {
    let cases: Vec<String> = op
        .errors
        .iter()
        .map(|case| {
            let ty = match &case.ty {
                Ty::Named(id) => format!(
                    "[`{}`](crate::types::{})",
                    types.def(*id).name,
                    types.def(*id).name
                ),
                other => format!("`{}`", super::code_type(types, other)),
            };
            format!("{} returns {ty}", case.status)
        })
        .collect();
    (!cases.is_empty()).then(|| {
        format!(
            "Errors: {} (decode with [`ApiError::body_as`](crate::ApiError::body_as)).",
            cases.join(", ")
        )
    })
}
