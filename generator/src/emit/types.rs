//! Emits `src/types.rs` (one Rust type per item of the plan's `types`), and renders the items
//! of every module.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{ToTokens, quote};

use super::doc_attrs;
use crate::model::types::SpecDefault;
use crate::model::types::{EnumValue, Fallback, Ty, TypeSpace};
use crate::plan::features::{Gate, Import};
use crate::plan::{
    DefaultImpl, EnumItem, FieldItem, Init, Item, Plan, Presence, Serde, Shape, StructItem,
    TypeRef, UnionItem, Wire,
};

/// `src/types.rs` as its opening (module docs and imports) and its items, one token stream per
/// type, made on demand: formatting them one at a time keeps only one type's tokens and syntax
/// tree alive, instead of the whole file's (a large share of the generator's peak memory).
pub fn types_rs<'a>(plan: &'a Plan) -> (TokenStream, impl Iterator<Item = TokenStream> + 'a) {
    let types = &plan.model.types;
    let items = plan.types.iter().map(move |item| {
        let cfg = Cfg {
            tokens: super::cfg(plan, &item.gate),
            line: super::cfg_line(plan, &item.gate),
        };
        item_tokens(types, item, &cfg)
    });
    // Which of serde's derives and the runtime's macros the types use, and the types using
    // each: an import is compiled whenever one of them is.
    let mut derives = Vec::new();
    let mut macros: std::collections::BTreeMap<&str, Vec<&Gate>> = Default::default();
    for item in &plan.types {
        match &item.shape {
            Shape::Struct(s) if s.serde == Serde::JsonObject => {
                macros.entry("json_object").or_default().push(&item.gate);
            }
            Shape::Enum(e) => macros.entry(e.serde_macro()).or_default().push(&item.gate),
            _ => derives.push(&item.gate),
        }
    }
    let serde = (!derives.is_empty()).then(|| {
        let cfg = super::import_attr(plan, &Import::of(derives));
        quote!(
            #cfg
            use serde::{Deserialize, Serialize};
        )
    });
    // One `use` per gate, so that none is unused whichever features are on.
    let mut by_gate: Vec<(Import, Vec<Ident>)> = Vec::new();
    for (name, gates) in macros {
        let gate = Import::of(gates);
        match by_gate.iter_mut().find(|(g, _)| *g == gate) {
            Some((_, names)) => names.push(ident(name)),
            None => by_gate.push((gate, vec![ident(name)])),
        }
    }
    let macros = by_gate.iter().map(|(gate, names)| {
        let cfg = super::import_attr(plan, gate);
        match names.as_slice() {
            [only] => quote!(
                #cfg
                use crate::runtime::wire::#only;
            ),
            several => quote!(
                #cfg
                use crate::runtime::wire::{#(#several),*};
            ),
        }
    });
    let macros = quote!(#(#macros)*);
    let opening = quote! {
        //! Schemas of the API as Rust types.
        #macros
        #serde
    };
    (opening, items)
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
        Ty::I64 | Ty::IntegralNumber => quote!(i64),
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
        // Checked to be a type when the configuration was read.
        Ty::Path(path) => syn::parse_str::<syn::Type>(path)
            .map(|ty| quote!(#ty))
            .unwrap_or_else(|_| quote!(serde_json::Value)),
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

/// The Rust type expression for a [`TypeRef`].
pub fn type_ref_tokens(types: &TypeSpace, ty: TypeRef) -> TokenStream {
    match ty {
        TypeRef::Ty(ty) => ty_tokens(types, ty),
        TypeRef::Local(name) => {
            let name = ident(name);
            quote!(#name)
        }
        TypeRef::Text => quote!(String),
        TypeRef::Bytes => quote!(Vec<u8>),
        TypeRef::Raw => quote!(RawResponse),
        TypeRef::Form => quote!(crate::Form),
    }
}

/// The tokens of an item: a type of `src/types.rs`, or a request struct, multipart body or
/// response enum of an operations module.
///
/// `cfg`: the item's `#[cfg]` attribute, put on each Rust item it is made of.
pub fn item_tokens(types: &TypeSpace, item: &Item, cfg: &Cfg) -> TokenStream {
    let mut doc = doc_attrs(Some(&item.doc));
    doc.extend(cfg.tokens.clone());
    if item.non_exhaustive() {
        doc.extend(quote!(#[non_exhaustive]));
    }
    let name = ident(item.name);
    match &item.shape {
        Shape::Struct(s) => struct_def(types, doc, cfg, &name, s),
        Shape::Enum(e) => enum_def(doc, cfg, &name, e),
        Shape::Union(u) => union_def(types, doc, &cfg.tokens, &name, u),
        Shape::Responses(r) => {
            let variants = r.variants.iter().map(|v| {
                let doc = doc_attrs(Some(&v.doc));
                let variant = ident(v.name);
                match v.ty {
                    None => quote!(#doc #variant,),
                    Some(ty) => {
                        let ty = boxed(type_ref_tokens(types, ty), v.boxed);
                        quote!(#doc #variant(#ty),)
                    }
                }
            });
            quote! {
                #doc
                #[derive(Debug, Clone, PartialEq)]
                pub enum #name { #(#variants)* }
            }
        }
    }
}

/// An item's `#[cfg]` attribute.
pub struct Cfg {
    /// The attribute, or nothing when the item is always compiled.
    pub tokens: TokenStream,
    /// The attribute as the line of text prettyplease writes of it, when that needs no layout
    /// (see `emit::cfg_line`).
    pub line: Option<String>,
}

impl Cfg {
    /// No `#[cfg]`: always compiled.
    pub fn always() -> Cfg {
        Cfg {
            tokens: TokenStream::new(),
            line: None,
        }
    }

    /// A table written as text ([`crate::format::verbatim_item`]) behind this attribute: in its
    /// text when the attribute is one line, else as tokens before it.
    fn table(&self, text: String) -> TokenStream {
        match &self.line {
            Some(line) => crate::format::verbatim_item(format!("{line}{text}")),
            None => {
                let table = crate::format::verbatim_item(text);
                let cfg = &self.tokens;
                quote!(#cfg #table)
            }
        }
    }
}

fn boxed(ty: TokenStream, boxed: bool) -> TokenStream {
    if boxed { quote!(Box<#ty>) } else { ty }
}

fn enum_def(doc: TokenStream, cfg: &Cfg, name: &Ident, e: &EnumItem) -> TokenStream {
    let values = cfg.table(enum_table(&name.to_string(), e));
    let (copy, unknown) = if e.integer {
        (quote!(Copy,), quote!(i64))
    } else {
        (quote!(), quote!(String))
    };
    let variants = e.variants.iter().map(|v| {
        let variant = ident(&v.name);
        let value = match &v.value {
            EnumValue::String(text) => format!("`{text:?}`"),
            EnumValue::Integer(n) => format!("`{n}`"),
        };
        let doc = match &v.doc {
            // The spec's words for the value, then the value on the wire.
            Some(text) => doc_attrs(Some(&format!("{text}\n\n{value}"))),
            None => crate::format::doc_block(value),
        };
        quote!(#doc #variant,)
    });
    let fallback = ident(e.fallback);
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

fn union_def(
    types: &TypeSpace,
    doc: TokenStream,
    cfg: &TokenStream,
    name: &Ident,
    u: &UnionItem,
) -> TokenStream {
    let arms = u.variants.iter().map(|v| {
        let variant = ident(v.name);
        let ty = v.ty.map(|ty| boxed(type_ref_tokens(types, ty), v.boxed));
        let doc = format!(" {}", v.doc);
        quote!(#[doc = #doc] #variant(#ty),)
    });
    let Some(tag) = u.tag else {
        return quote! {
            #doc
            #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
            #[serde(untagged)]
            pub enum #name {
                #(#arms)*
            }
        };
    };
    let property = &tag.property;
    let (fallback_variant, fallback) = match &tag.fallback {
        Fallback::Unknown(name) => {
            let name = ident(name);
            let doc = format!(" A value whose `{property}` this client does not know yet.");
            (
                quote! {
                    #[doc = #doc]
                    #name(serde_json::Value),
                },
                quote!(Ok(Self::#name(value))),
            )
        }
        Fallback::Default(name) => {
            let name = ident(name);
            (
                TokenStream::new(),
                quote!(serde_json::from_value(value).map(Self::#name)),
            )
        }
    };
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
            #fallback_variant
        }
        #cfg
        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = serde_json::Value::deserialize(deserializer)?;
                let tag = value.get(#property).and_then(serde_json::Value::as_str).map(str::to_owned);
                match tag.as_deref() {
                    #(#dispatch)*
                    _ => #fallback,
                }
                .map_err(serde::de::Error::custom)
            }
        }
    }
}

fn struct_def(
    types: &TypeSpace,
    doc: TokenStream,
    cfg: &Cfg,
    name: &Ident,
    s: &StructItem,
) -> TokenStream {
    let derived = s.serde == Serde::Derive;
    let fields = s.fields.iter().map(|field| {
        let doc = (!field.doc.is_empty()).then(|| doc_attrs(Some(&field.doc)));
        let name = ident(field.name);
        let mut ty = boxed(type_ref_tokens(types, field.ty), field.boxed);
        if field.option {
            ty = quote!(Option<#ty>);
        }
        let serde = derived.then(|| serde_attrs(field)).flatten();
        quote! {
            #doc
            #serde
            pub #name: #ty,
        }
    });
    let default = (s.default == DefaultImpl::Derive).then(|| quote!(Default,));
    let impls = struct_impls(types, &cfg.tokens, name, s);
    // Fields the spec says nothing of have no doc, rather than filler.
    let doc = match s.undocumented_fields() {
        true => quote!(#doc #[allow(missing_docs)]),
        false => doc,
    };
    let def = struct_body(types, doc, cfg, name, s, fields, default);
    quote! {
        #def
        #impls
    }
}

fn struct_body(
    types: &TypeSpace,
    doc: TokenStream,
    cfg: &Cfg,
    name: &Ident,
    s: &StructItem,
    fields: impl Iterator<Item = TokenStream>,
    default: Option<TokenStream>,
) -> TokenStream {
    match s.serde {
        Serde::JsonObject => {
            let object = cfg.table(json_object(&name.to_string(), s));
            quote! {
                #doc
                #[derive(Debug, Clone, PartialEq, #default)]
                pub struct #name {
                    #(#fields)*
                }
                #object
            }
        }
        Serde::None => quote! {
            #doc
            #[derive(Debug, Clone, PartialEq, #default)]
            pub struct #name { #(#fields)* }
        },
        Serde::Derive => {
            let additional = s.additional.map(|(field, value)| {
                let value = ty_tokens(types, value);
                let field = ident(field);
                let flatten = if s.additional_integral {
                    quote!(#[serde(flatten, deserialize_with = "crate::runtime::wire::integral")])
                } else {
                    quote!(#[serde(flatten)])
                };
                quote! {
                    /// Properties not named above.
                    #flatten
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
    }
}

/// A struct's `new` (taking the required values) and its `Default` when some field has a spec
/// default.
fn struct_impls(types: &TypeSpace, cfg: &TokenStream, name: &Ident, s: &StructItem) -> TokenStream {
    let value = |field: &FieldItem| -> TokenStream {
        match &field.init {
            Init::Argument => {
                let arg = ident(field.name);
                let arg = match field.ty {
                    TypeRef::Ty(Ty::String) | TypeRef::Text => quote!(#arg.into()),
                    _ => arg.to_token_stream(),
                };
                if field.boxed {
                    quote!(Box::new(#arg))
                } else {
                    arg
                }
            }
            Init::Empty if field.option => quote!(None),
            Init::Empty => quote!(Default::default()),
            Init::Spec(value) => spec_value(types, value),
        }
    };
    let constructor = s.constructor.then(|| {
        let args = s
            .fields
            .iter()
            .filter(|f| f.init == Init::Argument)
            .map(|f| {
                let arg = ident(f.name);
                match f.ty {
                    TypeRef::Ty(Ty::String) | TypeRef::Text => quote!(#arg: impl Into<String>),
                    ty => {
                        let ty = type_ref_tokens(types, ty);
                        quote!(#arg: #ty)
                    }
                }
            });
        let values = s.fields.iter().map(|f| {
            let field = ident(f.name);
            match (&f.init, f.boxed, f.ty) {
                (Init::Argument, false, TypeRef::Ty(Ty::String) | TypeRef::Text) => {
                    quote!(#field: #field.into(),)
                }
                (Init::Argument, false, _) => quote!(#field,),
                _ => {
                    let value = value(f);
                    quote!(#field: #value,)
                }
            }
        });
        let doc = if s.fields.iter().any(|f| matches!(f.init, Init::Spec(_))) {
            " From its required values; every other field is `None` or the spec's default."
        } else {
            " From its required values; every other field is `None`."
        };
        quote! {
            #cfg
            impl #name {
                #[doc = #doc]
                pub fn new(#(#args),*) -> Self {
                    Self { #(#values)* }
                }
            }
        }
    });
    let default = (s.default == DefaultImpl::Spec).then(|| {
        let values = s.fields.iter().map(|f| {
            let field = ident(f.name);
            let value = value(f);
            quote!(#field: #value,)
        });
        let additional = s.additional.map(|(field, _)| {
            let field = ident(field);
            quote!(#field: Default::default(),)
        });
        quote! {
            /// Every field `None`, empty, or the spec's default where it has one.
            #cfg
            impl Default for #name {
                fn default() -> Self {
                    Self { #(#values)* #additional }
                }
            }
        }
    });
    quote! {
        #constructor
        #default
    }
}

/// The Rust value of a spec's `default`.
fn spec_value(types: &TypeSpace, value: &SpecDefault) -> TokenStream {
    match value {
        SpecDefault::String(text) => quote!(#text.into()),
        SpecDefault::Bool(value) => quote!(#value),
        SpecDefault::Integer(n) => proc_macro2::Literal::i64_unsuffixed(*n).to_token_stream(),
        SpecDefault::Float(n) => proc_macro2::Literal::f64_unsuffixed(*n).to_token_stream(),
        SpecDefault::Variant(id, variant) => {
            let ty = ident(&types.def(*id).name);
            let variant = ident(variant);
            quote!(#ty::#variant)
        }
    }
}

/// The JSON name of a field of a schema struct.
fn json_name<'m>(field: &FieldItem<'m>) -> &'m str {
    match field.wire {
        Wire::Property(name) | Wire::Part(name) => name,
        Wire::Param(param) => &param.wire_name,
        Wire::Body => field.name,
    }
}

/// The `#[serde]` attribute of a field of a struct that derives serde's traits.
fn serde_attrs(field: &FieldItem) -> Option<TokenStream> {
    let mut serde = Vec::new();
    let json = json_name(field);
    if json != field.name {
        serde.push(quote!(rename = #json));
    }
    if field.presence != Presence::Required {
        serde.push(quote!(default));
    }
    if field.presence == Presence::Optional {
        serde.push(quote!(skip_serializing_if = "Option::is_none"));
    }
    if field.integral {
        serde.push(quote!(deserialize_with = "crate::runtime::wire::integral"));
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
///         "per_page" => per_page: optional integral,
///     }
/// }
/// ```
fn json_object(name: &str, s: &StructItem) -> String {
    let mut text = format!("json_object! {{\n    {name} {{\n");
    for field in &s.fields {
        let kind = match field.presence {
            Presence::Required => "required",
            Presence::DefaultIfMissing => "default",
            Presence::Optional => "optional",
        };
        let wire = proc_macro2::Literal::string(json_name(field));
        let integral = if field.integral { " integral" } else { "" };
        text.push_str(&format!(
            "        {wire} => {}: {kind}{integral},\n",
            field.name
        ));
    }
    text.push_str("    }\n}\n");
    text
}

/// The enum's `string_enum!` (or `integer_enum!`) table, laid out one value a line:
///
/// ```text
/// string_enum! {
///     Role {
///         "host" => Host,
///         _ => UnknownValue,
///     }
/// }
/// ```
fn enum_table(name: &str, e: &EnumItem) -> String {
    let mut text = format!("{}! {{\n    {name} {{\n", e.serde_macro());
    for variant in e.variants {
        let wire = match &variant.value {
            EnumValue::String(text) => proc_macro2::Literal::string(text),
            EnumValue::Integer(n) => proc_macro2::Literal::i64_unsuffixed(*n),
        };
        text.push_str(&format!("        {wire} => {},\n", variant.name));
    }
    text.push_str(&format!("        _ => {},\n    }}\n}}\n", e.fallback));
    text
}
