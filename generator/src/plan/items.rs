//! The items of `src/types.rs`: one per type of the type space, with every Rust-level decision
//! taken (derives, how each field is read and sent, boxing, docs).

use std::borrow::Cow;
use std::collections::BTreeMap;

use super::features::Gate;
use crate::model::Model;
use crate::model::operations::{BodyKind, Payload, Success};
use crate::model::types::{
    EnumValue, EnumVariant, Field, Kind, SpecDefault, Struct, Tag, Ty, TypeId, TypeSpace,
};

/// A named type of `src/types.rs`, or a request struct, multipart body or response enum of an
/// operations module.
#[derive(Debug)]
pub struct Item<'m> {
    pub name: &'m str,
    /// Never empty: the spec's description, else where the type is used.
    pub doc: Cow<'m, str>,
    pub shape: Shape<'m>,
    /// Where the type comes from in the spec (a schema, an operation, a request body, a
    /// response list); `None` when no one place can be named.
    pub pointer: Option<Cow<'m, str>>,
    /// Users build values of it: a request struct or multipart body, or a type reachable from
    /// one's fields. Types that are only returned are merely read.
    pub input: bool,
    /// The features it is compiled under (a type of `src/types.rs`; the items of an
    /// operations module are gated with their module).
    pub gate: Gate,
}

impl Item<'_> {
    /// `#[non_exhaustive]`, so that a new version of the spec may add to it compatibly: every
    /// enum (a new value, alternative or status needs no new match arm downstream), and the
    /// structs users only read (a new field breaks no struct literal: there is none outside
    /// the crate). Structs users build (request structs, multipart bodies, and every type
    /// reachable from their fields) stay exhaustive: literals with `..Default::default()`.
    pub fn non_exhaustive(&self) -> bool {
        match &self.shape {
            Shape::Struct(s) => s.role == Role::Schema && !self.input,
            Shape::Enum(_) | Shape::Union(_) | Shape::Responses(_) => true,
        }
    }
}

#[derive(Debug)]
pub enum Shape<'m> {
    Struct(StructItem<'m>),
    /// A string or integer enum with a fallback variant for values the client does not know.
    Enum(EnumItem<'m>),
    /// `oneOf`/`anyOf`.
    Union(UnionItem<'m>),
    /// What an operation with several success statuses returns: a variant per status.
    Responses(ResponsesItem<'m>),
}

/// What a struct is to its users.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A schema's object: read from and sent as JSON.
    Schema,
    /// An operation's parameters and body, which users fill in.
    Request,
    /// A `multipart/form-data` body, one field per part.
    Multipart,
}

impl Role {
    /// "struct", "request struct", ... as a changelog says it.
    pub fn describe(self) -> &'static str {
        match self {
            Role::Schema => "struct",
            Role::Request => "request struct",
            Role::Multipart => "multipart body",
        }
    }
}

/// How a struct implements serde's traits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Serde {
    /// Through the runtime's `json_object!`, a fraction of the derives' compile time.
    JsonObject,
    /// `#[derive(Serialize, Deserialize)]`: a flattened map of other properties needs it, and
    /// a struct without fields (which the macro's expansion would not use all its names for).
    Derive,
    /// Not sent or read as a whole (request structs and multipart bodies).
    None,
}

#[derive(Debug)]
pub struct StructItem<'m> {
    pub role: Role,
    pub serde: Serde,
    /// Implements `Default`: literals may end with `..Default::default()`. Never when a field
    /// is [`Init::Argument`].
    pub default: DefaultImpl,
    /// Has `new(..)`, taking the [`Init::Argument`] fields in order: a struct users build
    /// with a required value that has no spec default (at most [`MAX_ARGUMENTS`] of them).
    pub constructor: bool,
    pub fields: Vec<FieldItem<'m>>,
    /// The field collecting properties not named in `fields`, and their type.
    pub additional: Option<(&'m str, &'m Ty)>,
    /// The values of `additional` are read as [`FieldItem::integral`] says.
    pub additional_integral: bool,
}

impl StructItem<'_> {
    /// Some field has no doc (nothing is known of it): the struct allows `missing_docs`.
    pub fn undocumented_fields(&self) -> bool {
        self.fields.iter().any(|f| f.doc.is_empty())
    }
}

/// How a struct implements `Default`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefaultImpl {
    None,
    /// `#[derive(Default)]`: every field's value is its type's empty one.
    Derive,
    /// An `impl Default` writing each field's [`Init`]: some field has a spec default.
    Spec,
}

impl DefaultImpl {
    pub fn exists(self) -> bool {
        self != DefaultImpl::None
    }
}

/// The most values `new(..)` takes (clippy's `too_many_arguments`): a struct with more
/// required values has no `new`, and is written as a literal naming every field, where a row
/// of positional values (often booleans) would be easy to get wrong.
pub const MAX_ARGUMENTS: usize = 7;

/// What a field holds where the user does not give it (`Default`, `new`).
#[derive(Debug, Clone, PartialEq)]
pub enum Init<'m> {
    /// The type's empty value (`None` for an `Option`).
    Empty,
    /// The spec's `default`.
    Spec(SpecDefault<'m>),
    /// Nothing: the user gives it (an argument of `new`).
    Argument,
}

impl<'m> StructItem<'m> {
    /// `Default` and `new` from the fields' [`Init`]s: `new` for a struct users build with
    /// an [`Init::Argument`] field, `Default` for any struct without one (`has_default` says
    /// whether every field's type has one, for structs users only read).
    pub(super) fn decide(&mut self, has_default: bool, input: bool) {
        let arguments = self.fields.iter().filter(|f| f.init == Init::Argument);
        let arguments = arguments.count();
        let argument = arguments > 0;
        let spec = self.fields.iter().any(|f| matches!(f.init, Init::Spec(_)));
        self.constructor = input && argument && arguments <= MAX_ARGUMENTS;
        self.default = match (has_default && !argument, spec) {
            (false, _) => DefaultImpl::None,
            (true, false) => DefaultImpl::Derive,
            (true, true) => DefaultImpl::Spec,
        };
    }
}

/// How a field is read and sent (the kinds of the runtime's `json_object!`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// A missing key is an error; always sent.
    Required,
    /// A missing key decodes as the field's default; always sent.
    DefaultIfMissing,
    /// An `Option` whose missing key decodes as `None`, left out while `None`.
    Optional,
}

/// Where a field's value goes in the request or comes from in the response.
#[derive(Debug, Clone, Copy)]
pub enum Wire<'m> {
    /// A JSON property.
    Property(&'m str),
    /// A parameter of an operation.
    Param(&'m crate::model::operations::Param),
    /// The request body.
    Body,
    /// A part of a multipart body.
    Part(&'m str),
}

#[derive(Debug)]
pub struct FieldItem<'m> {
    pub name: &'m str,
    pub wire: Wire<'m>,
    /// The value's type, before `Box` and `Option`.
    pub ty: TypeRef<'m>,
    /// `Box<..>`: the type contains the struct itself by value.
    pub boxed: bool,
    /// `Option<..>`: the field may be left `None`.
    pub option: bool,
    pub presence: Presence,
    /// The value holds integers the spec types `number` ([`Ty::IntegralNumber`]): read
    /// through the runtime's `Integral`, which takes `100.0` for 100 (a real `type: integer`
    /// keeps serde's strict decoding). Only for the fields of types that are read.
    pub integral: bool,
    /// What `..Default::default()` fills in exists for it.
    pub has_default: bool,
    /// Its value where the user does not give it.
    pub init: Init<'m>,
    pub doc: Cow<'m, str>,
}

/// A type expression: a model type, or one only operations have.
#[derive(Debug, Clone, Copy)]
pub enum TypeRef<'m> {
    Ty(&'m Ty),
    /// A type of the operations module by name (a multipart body struct).
    Local(&'m str),
    /// `String` (a text body).
    Text,
    /// `Vec<u8>` (a binary body).
    Bytes,
    /// The runtime's `RawResponse` (a documented redirect, returned as it is).
    Raw,
    /// The runtime's `Form` (a multipart body whose parts the caller names).
    Form,
}

#[derive(Debug)]
pub struct EnumItem<'m> {
    pub variants: &'m [EnumVariant],
    pub fallback: &'m str,
    /// Integer wire values: the enum is `Copy`, its fallback holds an `i64`, and
    /// `integer_enum!` implements serde for it (`string_enum!` otherwise).
    pub integer: bool,
}

impl EnumItem<'_> {
    /// The runtime macro that implements serde for it.
    pub fn serde_macro(&self) -> &'static str {
        if self.integer {
            "integer_enum"
        } else {
            "string_enum"
        }
    }

    /// The value of a variant as its doc shows it.
    pub fn wire_text(value: &EnumValue) -> String {
        match value {
            EnumValue::String(text) => text.clone(),
            EnumValue::Integer(n) => n.to_string(),
        }
    }
}

#[derive(Debug)]
pub struct UnionItem<'m> {
    pub variants: Vec<VariantItem<'m>>,
    pub tag: Option<&'m Tag>,
}

#[derive(Debug)]
pub struct VariantItem<'m> {
    pub name: &'m str,
    /// `None`: a unit variant.
    pub ty: Option<TypeRef<'m>>,
    pub boxed: bool,
    /// The tag value (tagged unions) or the status (response enums).
    pub wire: Option<&'m str>,
    pub doc: Cow<'m, str>,
}

#[derive(Debug)]
pub struct ResponsesItem<'m> {
    pub variants: Vec<VariantItem<'m>>,
}

/// The items of `src/types.rs`, in the type space's order.
pub fn schema_items<'m>(model: &'m Model) -> Vec<Item<'m>> {
    let types = &model.types;
    let mut fallback = fallback_docs(model);
    let pointers = types.pointers();
    types
        .defs()
        .map(|(id, def)| {
            let doc = match &def.doc {
                Some(doc) if !says_nothing(doc) => Cow::Borrowed(doc.as_str()),
                // Where it is used says more than "OK".
                Some(doc) => fallback
                    .remove(&id)
                    .map_or(Cow::Borrowed(doc.as_str()), Cow::Owned),
                None => Cow::Owned(
                    fallback
                        .remove(&id)
                        .unwrap_or_else(|| format!("The `{}` type.", def.name)),
                ),
            };
            Item {
                name: &def.name,
                doc,
                shape: schema_shape(types, &def.kind),
                pointer: pointers[id]
                    // A property merged from several `allOf` branches has no single place.
                    .map(|p| Cow::Borrowed(p.trim_end_matches("(merged)"))),
                // Set once the operations are planned (`plan::mark_inputs`).
                input: false,
                // Set once the operations are planned (`features::gate`).
                gate: Gate::Always,
            }
        })
        .collect()
}

fn schema_shape<'m>(types: &'m TypeSpace, kind: &'m Kind) -> Shape<'m> {
    match kind {
        Kind::Struct(s) => {
            let mut item = StructItem {
                role: Role::Schema,
                serde: if s.additional.is_none() && !s.fields.is_empty() {
                    Serde::JsonObject
                } else {
                    Serde::Derive
                },
                default: DefaultImpl::None,
                constructor: false,
                fields: s
                    .fields
                    .iter()
                    .map(|field| {
                        // A required field of a struct users build is theirs to give, unless
                        // the spec says what it is when they do not.
                        let init = match types.spec_default(field) {
                            Some(value) if value.is_empty() => Init::Empty,
                            Some(value) => Init::Spec(value),
                            None if field.optional => Init::Empty,
                            None if s.input => Init::Argument,
                            None => Init::Empty,
                        };
                        FieldItem {
                            name: &field.name,
                            wire: Wire::Property(&field.json_name),
                            ty: TypeRef::Ty(&field.ty),
                            boxed: field.boxed,
                            option: field.optional,
                            presence: presence(types, s, field),
                            integral: field.ty.holds_integral(),
                            has_default: match init {
                                Init::Argument => false,
                                Init::Spec(_) => true,
                                Init::Empty => field.optional || types.has_default(&field.ty),
                            },
                            init,
                            doc: field_doc(types, field),
                        }
                    })
                    .collect(),
                additional: s
                    .additional
                    .as_ref()
                    .map(|ty| (s.additional_name.as_str(), ty)),
                additional_integral: s.additional.as_ref().is_some_and(Ty::holds_integral),
            };
            item.decide(s.defaultable, s.input);
            Shape::Struct(item)
        }
        Kind::Enum { variants, fallback } => Shape::Enum(EnumItem {
            variants,
            fallback,
            integer: EnumVariant::integers(variants),
        }),
        Kind::Union { variants, tag } => Shape::Union(UnionItem {
            variants: variants
                .iter()
                .map(|v| VariantItem {
                    name: &v.name,
                    ty: Some(TypeRef::Ty(&v.ty)),
                    boxed: v.boxed,
                    wire: tag.as_ref().and_then(|t| {
                        t.values
                            .iter()
                            .find(|(_, variant)| *variant == v.name)
                            .map(|(value, _)| value.as_str())
                    }),
                    doc: match &v.ty {
                        Ty::Named(id) => Cow::Owned(format!("A [`{}`].", types.def(*id).name)),
                        ty => Cow::Owned(format!("A `{}`.", super::code_type(types, ty))),
                    },
                })
                .collect(),
            tag: tag.as_ref(),
        }),
    }
}

/// How a schema struct's field is read and sent.
fn presence(types: &TypeSpace, s: &Struct, field: &Field) -> Presence {
    if field.optional {
        if field.omit_if_none {
            Presence::Optional
        } else {
            Presence::DefaultIfMissing
        }
    } else if s.lenient && !matches!(field.ty, Ty::Named(_)) && types.has_default(&field.ty) {
        // Lenient on what it reads: a required scalar or list the server leaves out decodes as
        // its empty value instead of failing the whole response. A missing object stays an
        // error: it means the body is not what the spec describes.
        Presence::DefaultIfMissing
    } else if matches!(field.ty, Ty::Option(_)) && !field.boxed {
        // A required but nullable field: serde decodes a missing `Option` as `None`.
        Presence::DefaultIfMissing
    } else {
        Presence::Required
    }
}

/// A field's doc: the spec's (or what its schema says of its values), else its type's; then
/// whether it is deprecated and the server's default. Empty when nothing is known: no filler.
fn field_doc<'m>(types: &'m TypeSpace, field: &'m Field) -> Cow<'m, str> {
    let doc = described(types, field);
    if !field.deprecated && field.default.is_none() {
        return doc;
    }
    let mut doc = doc.into_owned();
    if field.deprecated {
        doc.push_str("\n\nDeprecated by the API: it may stop sending or reading it.");
    }
    if let Some(default) = &field.default {
        doc.push_str(&format!("\n\nDefault when absent: `{default}`."));
    }
    Cow::Owned(doc.trim_start().to_string())
}

/// The spec's words for a field, else its type's (unless they say nothing, like "OK").
fn described<'m>(types: &'m TypeSpace, field: &'m Field) -> Cow<'m, str> {
    if let Some(doc) = &field.doc {
        return Cow::Borrowed(doc);
    }
    let mut ty = &field.ty;
    while let Ty::Vec(inner) | Ty::Option(inner) = ty {
        ty = inner;
    }
    match ty {
        Ty::Named(id) => match &types.def(*id).doc {
            Some(doc) if !says_nothing(doc) => Cow::Borrowed(doc),
            _ => Cow::Borrowed(""),
        },
        _ => Cow::Borrowed(""),
    }
}

/// A doc that names no fact of what it documents ("OK", "Success response"): a type with it
/// is documented by where it is used instead.
pub fn says_nothing(doc: &str) -> bool {
    let doc = doc.trim().trim_end_matches('.').to_ascii_lowercase();
    matches!(
        doc.as_str(),
        "ok" | "success"
            | "successful"
            | "success response"
            | "successful response"
            | "successful operation"
            | "response"
            | "default response"
            | "created"
            | "accepted"
            | "no content"
            | "200 response"
            | "201 response"
    )
}

/// "The `x` property of [`A`].", for each of `places` (property, struct): "The `audio`,
/// `screenshare` and `video` properties of [`PresetPermissionsMedia`].", "The `paging`
/// property of [`A`] and [`B`].", "The `stage_access` property of [`A`], and the
/// `can_produce` property of [`B`]."; past four of a kind, the first three and how many more.
fn properties_doc(places: &[(&str, &str)]) -> String {
    const SHOWN: usize = 3;
    fn list(items: &[String]) -> String {
        let shown = if items.len() > SHOWN + 1 {
            SHOWN
        } else {
            items.len()
        };
        let mut out = items[..shown].to_vec();
        if items.len() > shown {
            out.push(format!("{} more", items.len() - shown));
        }
        match out.as_slice() {
            [] => String::new(),
            [one] => one.clone(),
            [init @ .., last] => format!("{} and {last}", init.join(", ")),
        }
    }
    let parent = places[0].1;
    if places.iter().all(|(_, p)| *p == parent) {
        let names: Vec<String> = places.iter().map(|(f, _)| format!("`{f}`")).collect();
        let word = if places.len() > 1 {
            "properties"
        } else {
            "property"
        };
        return format!("The {} {word} of [`{parent}`].", list(&names));
    }
    // By property, in the order first met.
    let mut groups: Vec<(&str, Vec<String>)> = Vec::new();
    for (property, parent) in places {
        let link = format!("[`{parent}`]");
        match groups.iter_mut().find(|(p, _)| p == property) {
            Some((_, parents)) => parents.push(link),
            None => groups.push((property, vec![link])),
        }
    }
    let each: Vec<String> = groups
        .iter()
        .map(|(property, parents)| format!("the `{property}` property of {}", list(parents)))
        .collect();
    let mut doc = match each.as_slice() {
        [one] => one.clone(),
        _ => {
            let shown = if each.len() > SHOWN + 1 {
                SHOWN
            } else {
                each.len()
            };
            let mut parts = each[..shown].to_vec();
            if each.len() > shown {
                parts.push(format!("{} more properties", each.len() - shown));
            }
            let (last, init) = parts.split_last().expect("two or more");
            format!("{}, and {last}", init.join(", "))
        }
    };
    doc[..1].make_ascii_uppercase();
    doc.push('.');
    doc
}

/// Where each type is used, for those the spec does not describe: "The `error` property of
/// [`GenericErrorResponse`]." or "What [`MeetingsApi::get_meeting`] returns."
fn fallback_docs(model: &Model) -> BTreeMap<TypeId, String> {
    let mut docs = BTreeMap::new();
    // The properties whose type each type is, every one of them: a type several places share
    // is documented by them all.
    let mut properties: BTreeMap<TypeId, Vec<(&str, &str)>> = BTreeMap::new();
    for (_, def) in model.types.defs() {
        if let Kind::Struct(s) = &def.kind {
            for field in &s.fields {
                for id in field.ty.named() {
                    let places = properties.entry(id).or_default();
                    let place = (field.json_name.as_str(), def.name.as_str());
                    if !places.contains(&place) {
                        places.push(place);
                    }
                }
            }
        }
    }
    for (id, places) in properties {
        docs.insert(id, properties_doc(&places));
    }
    for (_, def) in model.types.defs() {
        match &def.kind {
            Kind::Struct(s) => {
                for id in s.additional.iter().flat_map(Ty::named) {
                    docs.entry(id).or_insert_with(|| {
                        format!("A property of [`{}`] not named in the spec.", def.name)
                    });
                }
            }
            Kind::Union { variants, .. } => {
                for variant in variants {
                    for id in variant.ty.named() {
                        docs.entry(id)
                            .or_insert_with(|| format!("A form of [`{}`].", def.name));
                    }
                }
            }
            Kind::Enum { .. } => {}
        }
    }
    for group in &model.groups {
        for op in group.operations.iter().map(|i| &model.operations[*i]) {
            let method = format!("{}::{}", group.struct_name, op.fn_name);
            let link = format!("[`{method}`](crate::{method})");
            let mut uses: Vec<(&Ty, String)> = Vec::new();
            match &op.success {
                Success::One(Payload::Json(ty)) => uses.push((ty, format!("What {link} returns."))),
                Success::One(_) => {}
                Success::Many { cases, .. } => {
                    for case in cases {
                        if let Payload::Json(ty) = &case.payload {
                            let doc = format!("What {link} returns with {}.", case.label);
                            uses.push((ty, doc));
                        }
                    }
                }
            }
            match op.body.as_ref().map(|b| &b.kind) {
                Some(BodyKind::Json(ty) | BodyKind::Form(ty)) => {
                    uses.push((ty, format!("The request body of {link}.")));
                }
                Some(BodyKind::Multipart { fields, .. }) => {
                    for field in fields {
                        let doc = format!("The `{}` part of {link}'s body.", field.wire_name);
                        uses.push((&field.ty, doc));
                    }
                }
                _ => {}
            }
            for param in &op.params {
                let doc = super::param_doc(param);
                let doc = format!("{} Used by {link}.", doc.trim_end());
                uses.push((&param.ty, doc));
            }
            for error in &op.errors {
                let doc = format!("The error body of {link} ({}).", error.status);
                uses.push((&error.ty, doc));
            }
            for (ty, doc) in uses {
                for id in ty.named() {
                    docs.entry(id).or_insert_with(|| doc.clone());
                }
            }
        }
    }
    for webhook in &model.webhooks {
        for id in webhook.payload.iter().flat_map(|p| p.ty.named()) {
            docs.entry(id)
                .or_insert_with(|| format!("The payload of the `{}` webhook.", webhook.name));
        }
    }
    docs
}
