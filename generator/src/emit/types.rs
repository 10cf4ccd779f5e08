//! Emits `src/types.rs`: one Rust type per [`TypeDef`].

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use super::doc_attrs;
use crate::model::Model;
use crate::model::types::{Kind, Struct, Ty, TypeDef, TypeSpace};

/// `src/types.rs` as its opening (module docs and imports) and its items, one token stream per
/// type, made on demand: formatting them one at a time keeps only one type's tokens and syntax
/// tree alive, instead of the whole file's (a large share of the generator's peak memory).
pub fn types_rs<'a>(model: &'a Model) -> (TokenStream, impl Iterator<Item = TokenStream> + 'a) {
    let defs = model
        .types
        .defs()
        .map(|(_, def)| type_def(&model.types, def));
    let uses_serde = model.types.defs().next().is_some();
    let imports = uses_serde.then(|| {
        quote!(
            use serde::{Deserialize, Serialize};
        )
    });
    let opening = quote! {
        //! Schemas of the API as Rust types.
        #imports
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
    }
}

fn type_def(types: &TypeSpace, def: &TypeDef) -> TokenStream {
    let doc = doc_attrs(def.doc.as_deref());
    let name = ident(&def.name);
    match &def.kind {
        Kind::Struct(s) => struct_def(types, doc, &name, s),
        Kind::StringEnum { variants, fallback } => {
            let variants = variants.iter().map(|v| {
                let variant = ident(&v.name);
                let value = &v.value;
                quote!(#[serde(rename = #value)] #variant,)
            });
            let fallback = ident(fallback);
            quote! {
                #doc
                #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
                pub enum #name {
                    #(#variants)*
                    /// A value this client does not know yet.
                    #[serde(untagged)]
                    #fallback(String),
                }
            }
        }
        Kind::Union { variants, tag } => {
            let arms = variants.iter().map(|v| {
                let variant = ident(&v.name);
                let mut ty = ty_tokens(types, &v.ty);
                if v.boxed {
                    ty = quote!(Box<#ty>);
                }
                quote!(#variant(#ty),)
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

fn struct_def(types: &TypeSpace, doc: TokenStream, name: &Ident, s: &Struct) -> TokenStream {
    let fields = s.fields.iter().map(|field| {
        let doc = doc_attrs(field.doc.as_deref());
        let name = ident(&field.name);
        let mut ty = ty_tokens(types, &field.ty);
        if field.boxed {
            ty = quote!(Box<#ty>);
        }
        let mut serde = Vec::new();
        if field.json_name != field.name {
            let json = &field.json_name;
            serde.push(quote!(rename = #json));
        }
        if field.optional {
            ty = quote!(Option<#ty>);
            serde.push(quote!(default));
            if field.omit_if_none {
                serde.push(quote!(skip_serializing_if = "Option::is_none"));
            }
        } else if s.lenient && !matches!(field.ty, Ty::Named(_)) && types.has_default(&field.ty) {
            // Lenient on what it reads: a required scalar or list the server leaves out
            // decodes as its empty value instead of failing the whole response. A missing
            // object stays an error: it means the body is not what the spec describes.
            serde.push(quote!(default));
        }
        let serde = (!serde.is_empty()).then(|| quote!(#[serde(#(#serde),*)]));
        quote! {
            #doc
            #serde
            pub #name: #ty,
        }
    });
    let additional = s.additional.as_ref().map(|value| {
        let value = ty_tokens(types, value);
        let field = ident(&s.additional_name);
        quote! {
            /// Properties not named above.
            #[serde(flatten)]
            pub #field: std::collections::BTreeMap<String, #value>,
        }
    });
    let default = s.defaultable.then(|| quote!(Default,));
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, #default Serialize, Deserialize)]
        pub struct #name {
            #(#fields)*
            #additional
        }
    }
}
