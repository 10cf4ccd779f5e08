//! Emits `src/types.rs`: one Rust type per [`TypeDef`].

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use std::collections::BTreeMap;

use super::doc_attrs;
use crate::model::Model;
use crate::model::operations::{BodyKind, Payload, Success};
use crate::model::types::{
    EnumValue, EnumVariant, Field, Kind, Struct, Ty, TypeDef, TypeId, TypeSpace,
};

/// The runtime macro that implements serde for an enum of these variants.
fn enum_macro(variants: &[EnumVariant]) -> &'static str {
    if EnumVariant::integers(variants) {
        "integer_enum"
    } else {
        "string_enum"
    }
}

/// `src/types.rs` as its opening (module docs and imports) and its items, one token stream per
/// type, made on demand: formatting them one at a time keeps only one type's tokens and syntax
/// tree alive, instead of the whole file's (a large share of the generator's peak memory).
pub fn types_rs<'a>(model: &'a Model) -> (TokenStream, impl Iterator<Item = TokenStream> + 'a) {
    let fallback = fallback_docs(model);
    let defs = model.types.defs().map(move |(id, def)| {
        let doc = def.doc.as_deref().or(fallback.get(&id).map(String::as_str));
        type_def(&model.types, def, doc)
    });
    // Which of serde's derives and the runtime's macros the types use.
    let mut derives = false;
    let mut macros = std::collections::BTreeSet::new();
    for (_, def) in model.types.defs() {
        match &def.kind {
            Kind::Struct(s) if is_json_object(s) => {
                macros.insert("json_object");
            }
            Kind::Enum { variants, .. } => {
                macros.insert(enum_macro(variants));
            }
            _ => derives = true,
        }
    }
    let serde = derives.then(|| {
        quote!(
            use serde::{Deserialize, Serialize};
        )
    });
    let macros: Vec<Ident> = macros.into_iter().map(ident).collect();
    let macros = match macros.as_slice() {
        [] => quote!(),
        [only] => quote!(
            use crate::runtime::wire::#only;
        ),
        several => quote!(
            use crate::runtime::wire::{#(#several),*};
        ),
    };
    let opening = quote! {
        //! Schemas of the API as Rust types.
        #macros
        #serde
    };
    (opening, defs)
}

pub fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// The Rust type expression for a [`Ty`].
pub fn ty_tokens(types: &TypeSpace, ty: &Ty) -> TokenStream {
    match ty {
        Ty::String => quote!(String),
        Ty::Bool => quote!(bool),
        Ty::I32 => quote!(i32),
        Ty::I64 => quote!(i64),
        Ty::F32 => quote!(f32),
        Ty::F64 => quote!(f64),
        Ty::Uuid => quote!(uuid::Uuid),
        Ty::DateTime => quote!(chrono::DateTime<chrono::Utc>),
        Ty::Date => quote!(chrono::NaiveDate),
        Ty::Json => quote!(serde_json::Value),
        Ty::JsonObject => quote!(serde_json::Map<String, serde_json::Value>),
        Ty::Vec(item) => {
            let item = ty_tokens(types, item);
            quote!(Vec<#item>)
        }
        Ty::Map(value) => {
            let value = ty_tokens(types, value);
            quote!(std::collections::BTreeMap<String, #value>)
        }
        Ty::Option(inner) => {
            let inner = ty_tokens(types, inner);
            quote!(Option<#inner>)
        }
        Ty::Upload => quote!(crate::Upload),
        Ty::Bytes => quote!(Vec<u8>),
        Ty::Named(id) => {
            let name = ident(&types.def(*id).name);
            quote!(#name)
        }
        Ty::Tuple(items) => {
            let items = items.iter().map(|item| ty_tokens(types, item));
            quote!((#(#items,)*))
        }
    }
}

/// Where each type is used, for those the spec does not describe: "The `error` property of
/// [`GenericErrorResponse`]." or "What [`MeetingsApi::get_meeting`] returns."
fn fallback_docs(model: &Model) -> BTreeMap<TypeId, String> {
    let mut docs = BTreeMap::new();
    for (_, def) in model.types.defs() {
        match &def.kind {
            Kind::Struct(s) => {
                for field in &s.fields {
                    for id in field.ty.named() {
                        docs.entry(id).or_insert_with(|| {
                            format!("The `{}` property of [`{}`].", field.json_name, def.name)
                        });
                    }
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
                let doc = super::docs::param_doc(param);
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
    docs
}

/// A field's doc: the spec's, else its type's, else its name.
fn field_doc(types: &TypeSpace, field: &crate::model::types::Field) -> String {
    if let Some(doc) = &field.doc {
        return doc.clone();
    }
    let mut ty = &field.ty;
    while let Ty::Vec(inner) | Ty::Option(inner) = ty {
        ty = inner;
    }
    match ty {
        Ty::Named(id) => match &types.def(*id).doc {
            Some(doc) => doc.clone(),
            None => format!("The `{}` property.", field.json_name),
        },
        _ => format!("The `{}` property.", field.json_name),
    }
}

fn type_def(types: &TypeSpace, def: &TypeDef, doc: Option<&str>) -> TokenStream {
    let doc = doc_attrs(doc);
    let name = ident(&def.name);
    match &def.kind {
        Kind::Struct(s) => struct_def(types, doc, &name, s),
        Kind::Enum { variants, fallback } => {
            let values = enum_table(&def.name, variants, fallback);
            let values = crate::format::verbatim_item(values);
            let (copy, unknown) = if EnumVariant::integers(variants) {
                (quote!(Copy,), quote!(i64))
            } else {
                (quote!(), quote!(String))
            };
            let variants = variants.iter().map(|v| {
                let variant = ident(&v.name);
                let value = match &v.value {
                    EnumValue::String(text) => format!("`{text:?}`"),
                    EnumValue::Integer(n) => format!("`{n}`"),
                };
                let doc = match &v.doc {
                    // The spec's words for the value, then the value on the wire.
                    Some(text) => doc_attrs(Some(&format!("{text}\n\n{value}"))),
                    None => {
                        let doc = format!(" {value}");
                        quote!(#[doc = #doc])
                    }
                };
                quote!(#doc #variant,)
            });
            let fallback = ident(fallback);
            quote! {
                #doc
                #[derive(Debug, Clone, #copy PartialEq, Eq, Hash)]
                pub enum #name {
                    #(#variants)*
                    /// A value this client does not know yet.
                    #fallback(#unknown),
                }
                #values
            }
        }
        Kind::Union { variants, tag } => {
            let arms = variants.iter().map(|v| {
                let variant = ident(&v.name);
                let mut ty = ty_tokens(types, &v.ty);
                let doc = match &v.ty {
                    Ty::Named(id) => format!(" A [`{}`].", types.def(*id).name),
                    _ => format!(" A `{}`.", ty.to_string().replace(' ', "")),
                };
                if v.boxed {
                    ty = quote!(Box<#ty>);
                }
                quote!(#[doc = #doc] #variant(#ty),)
            });
            let Some(tag) = tag else {
                return quote! {
                    #doc
                    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
                    #[serde(untagged)]
                    pub enum #name {
                        #(#arms)*
                    }
                };
            };
            let fallback = ident(&tag.fallback);
            let property = &tag.property;
            let fallback_doc =
                format!(" A value whose `{property}` this client does not know yet.");
            let dispatch = tag.values.iter().map(|(value, variant)| {
                let variant = ident(variant);
                quote!(Some(#value) => serde_json::from_value(value).map(Self::#variant),)
            });
            quote! {
                #doc
                #[derive(Debug, Clone, PartialEq, Serialize)]
                #[serde(untagged)]
                pub enum #name {
                    #(#arms)*
                    #[doc = #fallback_doc]
                    #fallback(serde_json::Value),
                }
                impl<'de> Deserialize<'de> for #name {
                    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                        let value = serde_json::Value::deserialize(deserializer)?;
                        let tag = value.get(#property).and_then(serde_json::Value::as_str).map(str::to_owned);
                        match tag.as_deref() {
                            #(#dispatch)*
                            _ => Ok(Self::#fallback(value)),
                        }
                        .map_err(serde::de::Error::custom)
                    }
                }
            }
        }
    }
}

/// Whether `s` lists its JSON object in the runtime's `json_object!`, which costs a fraction of
/// serde's derives' compile time: every struct but one with a flattened map of other
/// properties (`#[serde(flatten)]` needs the derives) or without fields (which the model makes
/// a JSON map, and the macro's expansion would not use all its names for).
fn is_json_object(s: &Struct) -> bool {
    s.additional.is_none() && !s.fields.is_empty()
}

fn struct_def(types: &TypeSpace, doc: TokenStream, name: &Ident, s: &Struct) -> TokenStream {
    let derived = !is_json_object(s);
    let fields = s.fields.iter().map(|field| {
        let doc = doc_attrs(Some(&field_doc(types, field)));
        let name = ident(&field.name);
        let mut ty = ty_tokens(types, &field.ty);
        if field.boxed {
            ty = quote!(Box<#ty>);
        }
        if field.optional {
            ty = quote!(Option<#ty>);
        }
        let serde = derived.then(|| serde_attrs(field, field_kind(types, s, field)));
        quote! {
            #doc
            #serde
            pub #name: #ty,
        }
    });
    let default = s.defaultable.then(|| quote!(Default,));
    if !derived {
        let object = crate::format::verbatim_item(json_object(types, &name.to_string(), s));
        return quote! {
            #doc
            #[derive(Debug, Clone, PartialEq, #default)]
            pub struct #name {
                #(#fields)*
            }
            #object
        };
    }
    let additional = s.additional.as_ref().map(|value| {
        let value = ty_tokens(types, value);
        let field = ident(&s.additional_name);
        quote! {
            /// Properties not named above.
            #[serde(flatten)]
            pub #field: std::collections::BTreeMap<String, #value>,
        }
    });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, #default Serialize, Deserialize)]
        pub struct #name {
            #(#fields)*
            #additional
        }
    }
}

/// How a field is read and sent: the kinds of the runtime's `json_object!`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FieldKind {
    /// A missing key is an error; always sent.
    Required,
    /// A missing key decodes as the field's default; always sent.
    Default,
    /// An `Option` whose missing key decodes as `None`, left out while `None`.
    Optional,
}

fn field_kind(types: &TypeSpace, s: &Struct, field: &Field) -> FieldKind {
    if field.optional {
        if field.omit_if_none {
            FieldKind::Optional
        } else {
            FieldKind::Default
        }
    } else if s.lenient && !matches!(field.ty, Ty::Named(_)) && types.has_default(&field.ty) {
        // Lenient on what it reads: a required scalar or list the server leaves out decodes as
        // its empty value instead of failing the whole response. A missing object stays an
        // error: it means the body is not what the spec describes.
        FieldKind::Default
    } else if matches!(field.ty, Ty::Option(_)) && !field.boxed {
        // A required but nullable field: serde decodes a missing `Option` as `None`.
        FieldKind::Default
    } else {
        FieldKind::Required
    }
}

/// The `#[serde]` attribute of a field of a struct that derives serde's traits.
fn serde_attrs(field: &Field, kind: FieldKind) -> Option<TokenStream> {
    let mut serde = Vec::new();
    if field.json_name != field.name {
        let json = &field.json_name;
        serde.push(quote!(rename = #json));
    }
    if kind != FieldKind::Required {
        serde.push(quote!(default));
    }
    if kind == FieldKind::Optional {
        serde.push(quote!(skip_serializing_if = "Option::is_none"));
    }
    (!serde.is_empty()).then(|| quote!(#[serde(#(#serde),*)]))
}

/// The struct's `json_object!` invocation, laid out one field a line:
///
/// ```text
/// json_object! {
///     Paging {
///         "start_offset" => start_offset: default,
///         "total_count" => total_count: required,
///     }
/// }
/// ```
fn json_object(types: &TypeSpace, name: &str, s: &Struct) -> String {
    let mut text = format!("json_object! {{\n    {name} {{\n");
    for field in &s.fields {
        let kind = match field_kind(types, s, field) {
            FieldKind::Required => "required",
            FieldKind::Default => "default",
            FieldKind::Optional => "optional",
        };
        let wire = proc_macro2::Literal::string(&field.json_name);
        text.push_str(&format!("        {wire} => {}: {kind},\n", field.name));
    }
    text.push_str("    }\n}\n");
    text
}

/// The string enum's `string_enum!` invocation, laid out one value a line:
///
/// ```text
/// string_enum! {
///     Role {
///         "host" => Host,
///         _ => UnknownValue,
///     }
/// }
/// ```
/// The `string_enum!` (or `integer_enum!`) table of an enum, one value a line.
fn enum_table(name: &str, variants: &[EnumVariant], fallback: &str) -> String {
    let mut text = format!("{}! {{\n    {name} {{\n", enum_macro(variants));
    for variant in variants {
        let wire = match &variant.value {
            EnumValue::String(text) => proc_macro2::Literal::string(text),
            EnumValue::Integer(n) => proc_macro2::Literal::i64_unsuffixed(*n),
        };
        text.push_str(&format!("        {wire} => {},\n", variant.name));
    }
    text.push_str(&format!("        _ => {fallback},\n    }}\n}}\n"));
    text
}
