//! The public Rust API a spec generates, described as plain data: the client's operations
//! (accessor group, method, HTTP method and path, request struct, return type, and the
//! `<operation>_pages` method of a paged list) and every type
//! (structs with their fields, enums and unions with their variants), with the Rust names and
//! type expressions a user of the crate sees and the place in the spec each comes from.
//!
//! Read off the plan of the Rust items (`crate::plan`), the one the emitters render, never from
//! emitted text, so that `cargo xtask diff` can tell what a spec change does to downstream code.
//! Type expressions are spelled as rustdoc shows them (`DateTime<Utc>`, `BTreeMap<String, T>`);
//! a method's return type is its signature's: `Call<Meeting>` (awaiting it gives
//! `Result<Meeting, Error>`), `Pages<Participant>`.

use crate::diagnostics::{Diagnostic, Error};
use crate::load::Document;
use crate::lower::Origins;
use crate::model;
use crate::model::operations::{Location, QueryRendering};
use crate::model::security::SchemeKind;
use crate::model::types::{Fallback, TypeSpace};
use crate::plan::{self, EnumItem, Item, Output, Shape, TypeRef, Wire, rust_type};
use crate::resolve::join;

/// Everything of the generated crate's API that downstream code can name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Surface {
    /// The client's default base URL (`Client::builder().base_url(..)` overrides it).
    pub base_url: String,
    /// The credentials `ClientBuilder` takes, one per distinct credential of the spec's
    /// security schemes, in the spec's order.
    pub credentials: Vec<Credential>,
    /// In the spec's order.
    pub operations: Vec<OperationItem>,
    /// Every public type: schema types, request structs, multipart bodies and per-status
    /// response enums, in the order the generator made them.
    pub types: Vec<TypeItem>,
    /// Operations the generator leaves out (a warning each, with the pointer and the reason).
    pub skipped: Vec<Diagnostic>,
}

/// A credential the client can send (`token` for every bearer scheme).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
    /// The credential's name (`token`, `api_key`), as `ClientBuilder` names its method.
    pub name: String,
    /// How it is sent: "bearer token", "header `X-Auth-Key`", ...
    pub sent_as: String,
}

/// One method of a group struct, e.g. `MeetingsApi::get_meeting_participant`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationItem {
    /// The group struct, e.g. `MeetingsApi`.
    pub group: String,
    /// Its accessor on `Client`, e.g. `meetings`.
    pub accessor: String,
    /// The method, e.g. `get_meeting_participant`.
    pub name: String,
    /// Upper-case HTTP method.
    pub method: String,
    /// The path template, e.g. `/meetings/{meeting_id}`.
    pub path: String,
    /// The request struct the method takes by reference; `None`: no argument.
    pub request: Option<String>,
    /// The method's return type, e.g. `Call<GetMeetingResponse>` or `Call<()>`.
    pub returns: String,
    /// The method walking every page, when the operation is a paged list.
    pub pages: Option<PagesItem>,
    /// The method reading the answer as a stream, when the operation offers one beside the
    /// answer its method decodes (`chat_completions_stream`).
    pub stream: Option<PagesItem>,
    /// The spec marks the operation `deprecated` (the method is `#[deprecated]`).
    pub deprecated: bool,
    /// The name earlier versions gave the method, kept as a deprecated alias for one release.
    pub old_name: Option<String>,
    /// The credential alternatives it accepts, each the credentials sent together
    /// (`["api_email", "api_key"]`); an empty alternative: none needed. Empty: no security.
    pub security: Vec<Vec<String>>,
    /// Where the operation is in the spec, e.g. `#/paths/~1meetings/get`.
    pub pointer: String,
}

impl OperationItem {
    /// `MeetingsApi::get_meeting`.
    pub fn rust_path(&self) -> String {
        format!("{}::{}", self.group, self.name)
    }
}

/// The `<operation>_pages` method of a paged list operation, beside the operation's own in
/// the same group struct and taking the same request struct.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PagesItem {
    /// The method, e.g. `get_meeting_participants_pages`.
    pub name: String,
    /// Its return type, e.g. `Pages<Participant>`.
    pub returns: String,
}

/// The Rust type a method's call gives.
fn output_type(types: &crate::model::types::TypeSpace, output: Output) -> String {
    match output {
        Output::Unit => "()".to_string(),
        Output::Type(ty) => type_ref(types, ty),
        Output::Responses(name) => name.to_string(),
        Output::Stream(stream) => match stream.item() {
            Some(item) => format!("{}<{}>", stream.runtime_name(), type_ref(types, item)),
            None => stream.runtime_name().to_string(),
        },
    }
}

/// A public type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeItem {
    /// The Rust name, e.g. `Meeting`.
    pub name: String,
    /// What kind of type it is, with its fields or variants.
    pub kind: TypeKind,
    /// Users build values of it: a request struct, or a type reachable from one's fields.
    /// Types that are only returned are merely read.
    pub input: bool,
    /// Where the type comes from in the spec (its schema, or the operation of a request
    /// struct or response enum).
    pub pointer: Option<String>,
    /// `#[non_exhaustive]`: every enum, and the structs users only read (see
    /// `plan::Item::non_exhaustive`).
    pub non_exhaustive: bool,
}

/// The kinds of public types, with what downstream code can name in each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeKind {
    /// A struct with public fields and no private ones, so users may build it with a literal.
    Struct {
        /// Its fields, in order.
        fields: Vec<FieldItem>,
        /// Implements `Default`: literals may end with `..Default::default()`.
        default: bool,
        /// Has `new(..)`, taking the fields without a default (`!has_default`) in order:
        /// literals may end with `..Name::new(..)`.
        constructor: bool,
        /// What this struct is, in words: "struct", "request struct", "multipart body".
        role: &'static str,
    },
    /// A string enum (or an integer enum: its wire values are then the integers, written out);
    /// the last variant holds values the client does not know.
    StringEnum {
        /// Its variants, in order.
        variants: Vec<VariantItem>,
    },
    /// `oneOf`/`anyOf`: variants holding values (the last one holds unknown tags when tagged).
    Union {
        /// Its variants, in order.
        variants: Vec<VariantItem>,
        /// The tag property, when the variants are told apart by one.
        tag: Option<String>,
    },
    /// What an operation with several success statuses returns: a variant per status.
    ResponseEnum {
        /// Its variants, one per status.
        variants: Vec<VariantItem>,
    },
}

impl Surface {
    /// Every pointer translated into the document as written (see [`Origins`]).
    fn restore_pointers(&mut self, origins: &Origins) {
        let restore = |p: &mut String| *p = origins.original(p);
        for op in &mut self.operations {
            restore(&mut op.pointer);
        }
        for item in &mut self.types {
            item.pointer.iter_mut().for_each(restore);
            if let TypeKind::Struct { fields, .. } = &mut item.kind {
                for field in fields {
                    field.pointer.iter_mut().for_each(restore);
                }
            }
        }
        origins.restore_all(&mut self.skipped);
    }
}

impl TypeKind {
    /// "struct", "enum", ... as a changelog says it.
    pub fn describe(&self) -> &'static str {
        match self {
            TypeKind::Struct { role, .. } => role,
            TypeKind::StringEnum { .. } => "enum",
            TypeKind::Union { .. } => "union enum",
            TypeKind::ResponseEnum { .. } => "response enum",
        }
    }
}

/// A public field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldItem {
    /// The Rust name.
    pub name: String,
    /// The full type, `Option<..>` included.
    pub ty: String,
    /// The type is an `Option`: the field may be left `None`.
    pub optional: bool,
    /// The field's type has a `Default` (what `..Default::default()` fills in).
    pub has_default: bool,
    /// What it is in the spec: "property `name`", "query parameter `page`", "request body".
    pub wire: String,
    /// Where it is in the spec, when the place can be named.
    pub pointer: Option<String>,
}

/// An enum variant: a string value, a union alternative or a success status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariantItem {
    /// The Rust name.
    pub name: String,
    /// The value it holds (`Participant`, `Box<Meeting>`); `None` for a unit variant.
    pub payload: Option<String>,
    /// The string value on the wire (string enums), the tag value (tagged unions) or the
    /// status (response enums).
    pub wire: Option<String>,
}

/// The API surface of the crate generated from `doc`; its pointers name places in the
/// document as written.
pub fn describe(doc: &Document, config: &crate::config::Config) -> Result<Surface, Error> {
    let mut surface = describe_lowered(doc, config).map_err(|e| doc.origins.restore_error(e))?;
    surface.restore_pointers(&doc.origins);
    Ok(surface)
}

fn describe_lowered(doc: &Document, config: &crate::config::Config) -> Result<Surface, Error> {
    let model = model::build(doc, config)?;
    let plan = plan::build(&model, &config.client);
    let types = &model.types;
    let items: Vec<TypeItem> = plan
        .items()
        .map(|item| type_item(types, doc, item))
        .collect();
    let mut operations = Vec::new();
    for module in &plan.modules {
        let group = module.group;
        // The streaming forms come with the operation's method, not as operations of their own.
        let (streams, methods): (Vec<_>, Vec<_>) =
            module.methods.iter().partition(|m| m.stream_of.is_some());
        for (method, &index) in methods.into_iter().zip(&group.operations) {
            let op = method.op;
            let returns = output_type(types, method.output);
            let stream = streams
                .iter()
                .find(|s| s.stream_of == Some(method.name))
                .map(|s| PagesItem {
                    name: s.name.to_string(),
                    returns: format!("Call<{}>", output_type(types, s.output)),
                });
            operations.push(OperationItem {
                group: group.struct_name.clone(),
                accessor: group.module.clone(),
                name: method.name.to_string(),
                method: op.method.clone(),
                path: op.path.clone(),
                request: method.request.map(str::to_string),
                returns: format!("Call<{returns}>"),
                pages: model.pagination.get(&index).map(|paged| PagesItem {
                    name: paged.fn_name.clone(),
                    returns: format!("Pages<{}>", rust_type(types, &paged.item)),
                }),
                stream,
                deprecated: method.deprecated,
                old_name: method.legacy.map(str::to_string),
                security: op
                    .auth
                    .iter()
                    .map(|alternative| {
                        alternative
                            .iter()
                            .map(|&i| model.schemes[i].credential.clone())
                            .collect()
                    })
                    .collect(),
                pointer: op.pointer.clone(),
            });
        }
    }
    // Operations in the spec's order rather than grouped.
    operations.sort_by_key(|item| {
        model
            .operations
            .iter()
            .position(|op| op.pointer == item.pointer)
    });
    let mut credentials: Vec<Credential> = Vec::new();
    for scheme in &model.schemes {
        if credentials.iter().any(|c| c.name == scheme.credential) {
            continue;
        }
        credentials.push(Credential {
            name: scheme.credential.clone(),
            sent_as: match &scheme.kind {
                SchemeKind::Bearer => "bearer token".to_string(),
                SchemeKind::Basic => "HTTP basic authentication".to_string(),
                SchemeKind::Header(name) => format!("header `{name}`"),
                SchemeKind::Query(name) => format!("query parameter `{name}`"),
            },
        });
    }
    Ok(Surface {
        base_url: model.base_url.clone(),
        credentials,
        operations,
        types: items,
        skipped: model.skipped.clone(),
    })
}

/// A planned item as downstream code sees it.
fn type_item(types: &TypeSpace, doc: &Document, item: &Item) -> TypeItem {
    let at = item.pointer.as_deref();
    let kind = match &item.shape {
        Shape::Struct(s) => {
            let mut fields: Vec<FieldItem> = s
                .fields
                .iter()
                .map(|f| {
                    let mut ty = type_ref(types, f.ty);
                    if f.boxed {
                        ty = format!("Box<{ty}>");
                    }
                    if f.option {
                        ty = format!("Option<{ty}>");
                    }
                    let (wire, pointer) = match f.wire {
                        Wire::Property(json) => (
                            format!("property `{json}`"),
                            at.map(|at| join(at, &["properties", json]))
                                .filter(|p| exists(doc, p)),
                        ),
                        Wire::Param(p) => {
                            let (location, within) = match p.location {
                                Location::Path => ("path parameter", "path"),
                                Location::Query(QueryRendering::Json) => {
                                    ("query parameter (JSON)", "query")
                                }
                                Location::Query(_) => ("query parameter", "query"),
                                Location::QueryString(_) => ("query string", "query"),
                                Location::Header => ("header", "header"),
                            };
                            (
                                format!("{location} `{}`", p.wire_name),
                                at.and_then(|at| parameter_pointer(doc, at, &p.wire_name, within)),
                            )
                        }
                        Wire::Body => (
                            "request body".to_string(),
                            at.map(|at| join(at, &["requestBody"])),
                        ),
                        Wire::Part(name) => (format!("multipart part `{name}`"), None),
                    };
                    FieldItem {
                        name: f.name.to_string(),
                        ty,
                        optional: f.option,
                        has_default: f.has_default,
                        wire,
                        pointer,
                    }
                })
                .collect();
            if let Some((name, value)) = s.additional {
                fields.push(FieldItem {
                    name: name.to_string(),
                    ty: format!("BTreeMap<String, {}>", rust_type(types, value)),
                    optional: false,
                    has_default: true,
                    wire: "`additionalProperties`".to_string(),
                    pointer: at
                        .map(|at| join(at, &["additionalProperties"]))
                        .filter(|p| exists(doc, p)),
                });
            }
            TypeKind::Struct {
                fields,
                default: s.default.exists(),
                constructor: s.constructor,
                role: s.role.describe(),
            }
        }
        Shape::Enum(e) => TypeKind::StringEnum {
            variants: e
                .variants
                .iter()
                .map(|v| VariantItem {
                    name: v.name.clone(),
                    payload: None,
                    wire: Some(EnumItem::wire_text(&v.value)),
                })
                .chain([VariantItem {
                    name: e.fallback.to_string(),
                    payload: Some(if e.integer { "i64" } else { "String" }.to_string()),
                    wire: None,
                }])
                .collect(),
        },
        Shape::Union(u) => TypeKind::Union {
            variants: variants(types, &u.variants)
                .chain(u.tag.and_then(|t| match &t.fallback {
                    Fallback::Unknown(name) => Some(VariantItem {
                        name: name.clone(),
                        payload: Some("serde_json::Value".to_string()),
                        wire: None,
                    }),
                    Fallback::Default(_) => None,
                }))
                .collect(),
            tag: u.tag.map(|t| t.property.clone()),
        },
        Shape::Responses(r) => TypeKind::ResponseEnum {
            variants: variants(types, &r.variants).collect(),
        },
    };
    TypeItem {
        name: item.name.to_string(),
        input: item.input,
        non_exhaustive: item.non_exhaustive(),
        pointer: item.pointer.as_deref().map(str::to_string),
        kind,
    }
}

fn variants<'a>(
    types: &'a TypeSpace,
    variants: &'a [plan::VariantItem],
) -> impl Iterator<Item = VariantItem> + 'a {
    variants.iter().map(|v| VariantItem {
        name: v.name.to_string(),
        payload: v.ty.map(|ty| {
            let ty = type_ref(types, ty);
            if v.boxed { format!("Box<{ty}>") } else { ty }
        }),
        wire: v.wire.map(str::to_string),
    })
}

/// Whether a JSON pointer (`#/...`) names a place in the document.
fn exists(doc: &Document, pointer: &str) -> bool {
    pointer
        .strip_prefix('#')
        .is_some_and(|p| doc.raw.pointer(p).is_some())
}

/// Where a parameter is declared: in the operation's `parameters`, else the path item's (the
/// operation's win), or the component a `$ref` there points to.
fn parameter_pointer(doc: &Document, operation: &str, name: &str, within: &str) -> Option<String> {
    let item = operation.rsplit_once('/')?.0;
    for owner in [operation, item] {
        let list = join(owner, &["parameters"]);
        let Some(entries) = doc
            .raw
            .pointer(list.strip_prefix('#')?)
            .and_then(|v| v.as_array())
        else {
            continue;
        };
        for (i, entry) in entries.iter().enumerate() {
            let (at, entry) = match entry.get("$ref").and_then(|r| r.as_str()) {
                Some(reference) => match doc.raw.pointer(reference.strip_prefix('#')?) {
                    Some(target) => (reference.to_string(), target),
                    None => continue,
                },
                None => (join(&list, &[&i.to_string()]), entry),
            };
            let field = |key: &str| entry.get(key).and_then(|v| v.as_str());
            if field("name") == Some(name) && field("in") == Some(within) {
                return Some(at);
            }
        }
    }
    None
}

/// A type expression as rustdoc shows it.
fn type_ref(types: &TypeSpace, ty: TypeRef) -> String {
    match ty {
        TypeRef::Ty(ty) => rust_type(types, ty),
        TypeRef::Local(name) => name.to_string(),
        TypeRef::Text => "String".to_string(),
        TypeRef::Bytes => "Vec<u8>".to_string(),
        TypeRef::Raw => "RawResponse".to_string(),
        TypeRef::Form => "Form".to_string(),
    }
}
