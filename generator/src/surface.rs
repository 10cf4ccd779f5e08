//! The public Rust API a spec generates, described as plain data: the client's operations
//! (accessor group, method, HTTP method and path, request struct, return type, and the
//! `<operation>_pages` method of a paged list) and every type
//! (structs with their fields, enums and unions with their variants), with the Rust names and
//! type expressions a user of the crate sees and the place in the spec each comes from.
//!
//! Built from the model (the [`TypeSpace`] and the normalized operations), never from emitted
//! text, so that `cargo xtask diff` can tell what a spec change does to downstream code.
//! Type expressions are spelled as rustdoc shows them (`DateTime<Utc>`, `BTreeMap<String, T>`);
//! a method's return type is its signature's, with the borrow of the client elided:
//! `Call<'_, Meeting>` (awaiting it gives `Result<Meeting, Error>`), `Pages<'_, Participant>`.

use std::collections::BTreeSet;

use crate::diagnostics::{Diagnostic, Error};
use crate::load::Document;
use crate::lower::Origins;
use crate::model::operations::{BodyKind, Location, Operation, Payload, QueryRendering, Success};
use crate::model::security::SchemeKind;
use crate::model::types::{EnumValue, EnumVariant, Kind, Ty, TypeSpace};
use crate::model::{self, Model};
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
    pub path: String,
    /// The request struct the method takes by reference; `None`: no argument.
    pub request: Option<String>,
    /// The method's return type, e.g. `Call<'_, GetMeetingResponse>` or `Call<'_, ()>`.
    pub returns: String,
    /// The method walking every page, when the operation is a paged list.
    pub pages: Option<PagesItem>,
    pub deprecated: bool,
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
    /// Its return type, e.g. `Pages<'_, Participant>`.
    pub returns: String,
}

/// A public type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeItem {
    pub name: String,
    pub kind: TypeKind,
    /// Users build values of it: a request struct, or a type reachable from one's fields.
    /// Types that are only returned are merely read.
    pub input: bool,
    /// Where the type comes from in the spec (its schema, or the operation of a request
    /// struct or response enum).
    pub pointer: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeKind {
    /// A struct with public fields and no private ones, so users may build it with a literal.
    Struct {
        fields: Vec<FieldItem>,
        /// Derives `Default`: literals may end with `..Default::default()`.
        default: bool,
        /// What this struct is, in words: "struct", "request struct", "multipart body".
        role: &'static str,
    },
    /// A string enum (or an integer enum: its wire values are then the integers, written out);
    /// the last variant holds values the client does not know.
    StringEnum { variants: Vec<VariantItem> },
    /// `oneOf`/`anyOf`: variants holding values (the last one holds unknown tags when tagged).
    Union {
        variants: Vec<VariantItem>,
        /// The tag property, when the variants are told apart by one.
        tag: Option<String>,
    },
    /// What an operation with several success statuses returns: a variant per status.
    ResponseEnum { variants: Vec<VariantItem> },
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
    pub name: String,
    /// The value it holds (`Participant`, `Box<Meeting>`); `None` for a unit variant.
    pub payload: Option<String>,
    /// The string value on the wire (string enums), the tag value (tagged unions) or the
    /// status (response enums).
    pub wire: Option<String>,
}

/// The API surface of the crate generated from `doc`; its pointers name places in the
/// document as written.
pub fn describe(doc: &Document) -> Result<Surface, Error> {
    let mut surface = describe_lowered(doc).map_err(|e| doc.origins.restore_error(e))?;
    surface.restore_pointers(&doc.origins);
    Ok(surface)
}

fn describe_lowered(doc: &Document) -> Result<Surface, Error> {
    let model = model::build(doc)?;
    let types = &model.types;
    let mut items: Vec<TypeItem> = types
        .defs()
        .map(|(id, def)| TypeItem {
            name: def.name.clone(),
            kind: schema_kind(types, &def.kind, doc, types.pointer_of(id)),
            input: false,
            // A property merged from several `allOf` branches has no single place.
            pointer: types
                .pointer_of(id)
                .map(|p| p.trim_end_matches("(merged)").to_string()),
        })
        .collect();
    let mut operations = Vec::new();
    let mut inputs: Vec<Ty> = Vec::new();
    for group in &model.groups {
        for &index in &group.operations {
            let op = &model.operations[index];
            items.extend(operation_types(types, doc, op, &mut inputs));
            operations.push(OperationItem {
                group: group.struct_name.clone(),
                accessor: group.module.clone(),
                name: op.fn_name.clone(),
                method: op.method.clone(),
                path: op.path.clone(),
                request: op.request_name.clone(),
                returns: format!("Call<'_, {}>", returns(types, &op.success)),
                pages: model.pagination.get(&index).map(|paged| PagesItem {
                    name: paged.fn_name.clone(),
                    returns: format!("Pages<'_, {}>", rust_type(types, &paged.item)),
                }),
                deprecated: op.deprecated,
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
    let built = built_by_users(&model, &inputs);
    for item in &mut items {
        item.input |= built.contains(&item.name);
    }
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

/// The names of schema types reachable from request fields.
fn built_by_users(model: &Model, inputs: &[Ty]) -> BTreeSet<String> {
    let types = &model.types;
    let mut seen = BTreeSet::new();
    let mut stack: Vec<&Ty> = inputs.iter().collect();
    while let Some(ty) = stack.pop() {
        match ty {
            Ty::Vec(_) | Ty::Map(_) | Ty::Option(_) | Ty::Tuple(_) => stack.extend(ty.parts()),
            Ty::Named(id) => {
                let def = types.def(*id);
                if !seen.insert(def.name.clone()) {
                    continue;
                }
                match &def.kind {
                    Kind::Struct(s) => {
                        stack.extend(s.fields.iter().map(|f| &f.ty));
                        stack.extend(s.additional.iter());
                    }
                    Kind::Union { variants, .. } => stack.extend(variants.iter().map(|v| &v.ty)),
                    Kind::Enum { .. } => {}
                }
            }
            _ => {}
        }
    }
    seen
}

fn schema_kind(types: &TypeSpace, kind: &Kind, doc: &Document, at: Option<&str>) -> TypeKind {
    match kind {
        Kind::Struct(s) => {
            let mut fields: Vec<FieldItem> = s
                .fields
                .iter()
                .map(|f| {
                    let mut ty = rust_type(types, &f.ty);
                    if f.boxed {
                        ty = format!("Box<{ty}>");
                    }
                    if f.optional {
                        ty = format!("Option<{ty}>");
                    }
                    FieldItem {
                        name: f.name.clone(),
                        ty,
                        optional: f.optional,
                        has_default: f.optional || types.has_default(&f.ty),
                        wire: format!("property `{}`", f.json_name),
                        pointer: at
                            .map(|at| join(at, &["properties", &f.json_name]))
                            .filter(|p| exists(doc, p)),
                    }
                })
                .collect();
            if let Some(value) = &s.additional {
                fields.push(FieldItem {
                    name: s.additional_name.clone(),
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
                default: s.defaultable,
                role: "struct",
            }
        }
        Kind::Enum { variants, fallback } => TypeKind::StringEnum {
            variants: variants
                .iter()
                .map(|v| VariantItem {
                    name: v.name.clone(),
                    payload: None,
                    wire: Some(match &v.value {
                        EnumValue::String(text) => text.clone(),
                        EnumValue::Integer(n) => n.to_string(),
                    }),
                })
                .chain([VariantItem {
                    name: fallback.clone(),
                    payload: Some(
                        if EnumVariant::integers(variants) {
                            "i64"
                        } else {
                            "String"
                        }
                        .to_string(),
                    ),
                    wire: None,
                }])
                .collect(),
        },
        Kind::Union { variants, tag } => TypeKind::Union {
            variants: variants
                .iter()
                .map(|v| {
                    let ty = rust_type(types, &v.ty);
                    VariantItem {
                        name: v.name.clone(),
                        payload: Some(if v.boxed { format!("Box<{ty}>") } else { ty }),
                        wire: tag.as_ref().and_then(|t| {
                            t.values
                                .iter()
                                .find(|(_, variant)| *variant == v.name)
                                .map(|(value, _)| value.clone())
                        }),
                    }
                })
                .chain(tag.as_ref().map(|t| VariantItem {
                    name: t.fallback.clone(),
                    payload: Some("serde_json::Value".to_string()),
                    wire: None,
                }))
                .collect(),
            tag: tag.as_ref().map(|t| t.property.clone()),
        },
    }
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

/// A request struct's fields follow the emitter: a field is `Option` unless required, and the
/// struct derives `Default` when every field has one.
fn request_field(
    name: &str,
    ty: String,
    required: bool,
    has_default: bool,
    wire: String,
) -> FieldItem {
    FieldItem {
        name: name.to_string(),
        ty: if required {
            ty
        } else {
            format!("Option<{ty}>")
        },
        optional: !required,
        has_default: !required || has_default,
        wire,
        pointer: None,
    }
}

/// The request struct, multipart body struct and response enum of an operation (as the
/// emitter makes them); the types users pass in are added to `inputs`.
fn operation_types(
    types: &TypeSpace,
    doc: &Document,
    op: &Operation,
    inputs: &mut Vec<Ty>,
) -> Vec<TypeItem> {
    let mut out = Vec::new();
    let mut fields: Vec<FieldItem> = op
        .params
        .iter()
        .map(|p| {
            inputs.push(p.ty.clone());
            let (location, within) = match p.location {
                Location::Path => ("path parameter", "path"),
                Location::Query(QueryRendering::Json) => ("query parameter (JSON)", "query"),
                Location::Query(_) => ("query parameter", "query"),
                Location::Header => ("header", "header"),
            };
            let mut field = request_field(
                &p.name,
                rust_type(types, &p.ty),
                p.required,
                types.has_default(&p.ty),
                format!("{location} `{}`", p.wire_name),
            );
            field.pointer = parameter_pointer(doc, &op.pointer, &p.wire_name, within);
            field
        })
        .collect();
    if let Some(body) = &op.body {
        let (ty, has_default) = match &body.kind {
            BodyKind::Json(ty) | BodyKind::Form(ty) => {
                inputs.push(ty.clone());
                (rust_type(types, ty), types.has_default(ty))
            }
            BodyKind::Multipart {
                struct_name,
                fields: parts,
            } => {
                let part_fields: Vec<FieldItem> = parts
                    .iter()
                    .map(|f| {
                        inputs.push(f.ty.clone());
                        request_field(
                            &f.name,
                            rust_type(types, &f.ty),
                            f.required,
                            types.has_default(&f.ty),
                            format!("multipart part `{}`", f.wire_name),
                        )
                    })
                    .collect();
                let default = part_fields.iter().all(|f| f.has_default);
                out.push(TypeItem {
                    name: struct_name.clone(),
                    kind: TypeKind::Struct {
                        fields: part_fields,
                        default,
                        role: "multipart body",
                    },
                    input: true,
                    pointer: Some(join(&op.pointer, &["requestBody"])),
                });
                (struct_name.clone(), default)
            }
            BodyKind::Text(_) => ("String".to_string(), true),
            BodyKind::Bytes(_) => ("Vec<u8>".to_string(), true),
        };
        let mut field = request_field(
            &body.name,
            ty,
            body.required,
            has_default,
            "request body".to_string(),
        );
        field.pointer = Some(join(&op.pointer, &["requestBody"]));
        fields.push(field);
    }
    if let Some(name) = &op.request_name {
        let default = fields.iter().all(|f| f.has_default);
        out.push(TypeItem {
            name: name.clone(),
            kind: TypeKind::Struct {
                fields,
                default,
                role: "request struct",
            },
            input: true,
            pointer: Some(op.pointer.clone()),
        });
    }
    if let Success::Many { enum_name, cases } = &op.success {
        let variants = cases
            .iter()
            .map(|case| VariantItem {
                name: case.variant.clone(),
                payload: match &case.payload {
                    Payload::Empty => None,
                    Payload::Json(ty) if types.is_struct(ty) => {
                        Some(format!("Box<{}>", rust_type(types, ty)))
                    }
                    payload => Some(payload_type(types, payload)),
                },
                wire: Some(case.label.clone()),
            })
            .collect();
        out.push(TypeItem {
            name: enum_name.clone(),
            kind: TypeKind::ResponseEnum { variants },
            input: false,
            pointer: Some(join(&op.pointer, &["responses"])),
        });
    }
    out
}

fn payload_type(types: &TypeSpace, payload: &Payload) -> String {
    match payload {
        Payload::Empty => "()".to_string(),
        Payload::Json(ty) => rust_type(types, ty),
        Payload::Text(_) => "String".to_string(),
        Payload::Bytes(_) => "Vec<u8>".to_string(),
    }
}

fn returns(types: &TypeSpace, success: &Success) -> String {
    match success {
        Success::One(payload) => payload_type(types, payload),
        Success::Many { enum_name, .. } => enum_name.clone(),
    }
}

/// A type expression as rustdoc shows it.
pub fn rust_type(types: &TypeSpace, ty: &Ty) -> String {
    match ty {
        Ty::String => "String".to_string(),
        Ty::Bool => "bool".to_string(),
        Ty::I32 => "i32".to_string(),
        Ty::I64 => "i64".to_string(),
        Ty::F32 => "f32".to_string(),
        Ty::F64 => "f64".to_string(),
        Ty::Uuid => "Uuid".to_string(),
        Ty::DateTime => "DateTime<Utc>".to_string(),
        Ty::Date => "NaiveDate".to_string(),
        Ty::Json => "serde_json::Value".to_string(),
        Ty::JsonObject => "serde_json::Map<String, serde_json::Value>".to_string(),
        Ty::Vec(item) => format!("Vec<{}>", rust_type(types, item)),
        Ty::Map(value) => format!("BTreeMap<String, {}>", rust_type(types, value)),
        Ty::Option(inner) => format!("Option<{}>", rust_type(types, inner)),
        Ty::Named(id) => types.def(*id).name.clone(),
        Ty::Upload => "Upload".to_string(),
        Ty::Bytes => "Vec<u8>".to_string(),
        Ty::Tuple(items) => match items.as_slice() {
            [only] => format!("({},)", rust_type(types, only)),
            items => format!(
                "({})",
                items
                    .iter()
                    .map(|item| rust_type(types, item))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        },
    }
}
