//! Emits `src/operations/`: per group (tag) a module with the request structs and a struct
//! whose methods send them (the counterpart of progenitor's `method.rs`; types come from the
//! type space), and `mod.rs` with the accessors on `Client` and the credential alternatives.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::types::{ident, ty_tokens};
use super::{doc_attrs, doc_paragraphs};
use crate::model::operations::{
    Body, BodyKind, Location, MultipartField, Operation, Param, Payload, QueryRendering, Success,
};
use crate::model::security::Scheme;
use crate::model::types::{Ty, TypeSpace};
use crate::model::{Group, Model};

/// `(file name, tokens)` for `src/operations/mod.rs` and one file per group, each made when the
/// iterator reaches it, so that the caller can format and drop one before making the next.
pub fn operation_files<'a>(
    model: &'a Model<'_>,
    krate: &'a str,
) -> impl Iterator<Item = (String, TokenStream)> + 'a {
    // A spec without (expressible) operations: a crate of types and the client alone.
    let auth_consts = match model.groups.is_empty() {
        true => BTreeMap::new(),
        false => auth_consts(model),
    };
    let mod_file = (!model.groups.is_empty()).then(|| {
        (
            "src/operations/mod.rs".to_string(),
            mod_rs(model, &auth_consts),
        )
    });
    let groups = model.groups.iter().map(move |group| {
        let file = format!("src/operations/{}.rs", group.module);
        (file, group_rs(model, group, &auth_consts, krate))
    });
    mod_file.into_iter().chain(groups)
}

/// One constant per distinct set of credential alternatives, named after its schemes
/// (`API_TOKEN`, `API_EMAIL_AND_API_KEY_OR_API_TOKEN`).
fn auth_consts(model: &Model) -> BTreeMap<Vec<Vec<usize>>, String> {
    let mut consts = BTreeMap::new();
    for op in model.operations.iter().filter(|op| !op.auth.is_empty()) {
        consts.entry(op.auth.clone()).or_insert_with(|| {
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

fn scheme_tokens(scheme: &Scheme) -> TokenStream {
    use crate::model::security::SchemeKind;
    let credential = &scheme.credential;
    match &scheme.kind {
        SchemeKind::Bearer => quote!(Auth::bearer()),
        SchemeKind::Basic => quote!(Auth::basic(#credential)),
        SchemeKind::Header(name) => quote!(Auth::header(#credential, #name)),
        SchemeKind::Query(name) => quote!(Auth::query(#credential, #name)),
    }
}

fn mod_rs(model: &Model, auth_consts: &BTreeMap<Vec<Vec<usize>>, String>) -> TokenStream {
    let modules = model.groups.iter().map(|g| {
        let module = ident(&g.module);
        quote!(mod #module; pub use #module::*;)
    });
    let consts = auth_consts.iter().map(|(alternatives, name)| {
        let name = format_ident!("{}", name);
        let alternatives = alternatives.iter().map(|alternative| {
            let schemes = alternative
                .iter()
                .map(|i| scheme_tokens(&model.schemes[*i]));
            quote!(&[#(#schemes),*])
        });
        let doc = format!(
            " Credentials accepted by operations with security `{}`.",
            name.to_string().to_lowercase()
        );
        quote! {
            #[doc = #doc]
            const #name: &[&[Auth]] = &[#(#alternatives),*];
        }
    });
    let auth_import = (!auth_consts.is_empty()).then(|| {
        quote!(
            use crate::runtime::Auth;
        )
    });
    let accessors = model.groups.iter().map(|g| {
        let module = ident(&g.module);
        let struct_name = ident(&g.struct_name);
        let doc = format!(" Operations {}.", g.about);
        quote! {
            #[doc = #doc]
            pub fn #module(&self) -> #struct_name<'_> {
                #struct_name { client: self }
            }
        }
    });
    quote! {
        //! Operations of the API, one module per tag; reach them through the accessors of
        //! [`Client`].
        #(#modules)*
        #auth_import
        use crate::Client;
        #(#consts)*
        impl Client {
            #(#accessors)*
        }
    }
}

fn group_rs(
    model: &Model,
    group: &Group,
    auth_consts: &BTreeMap<Vec<Vec<usize>>, String>,
    krate: &str,
) -> TokenStream {
    let types = &model.types;
    let ops: Vec<&Operation> = group
        .operations
        .iter()
        .map(|i| &model.operations[*i])
        .collect();
    let structs = ops.iter().map(|op| request_items(types, op, group));
    let (methods, builds): (Vec<_>, Vec<_>) = ops
        .iter()
        .map(|op| {
            let example = super::docs::operation_example(types, op, &group.module, krate);
            method(types, op, group, auth_consts, &example)
        })
        .unzip();
    let paged = super::pagination::group_items(model, group, krate);
    let struct_name = ident(&group.struct_name);
    let struct_doc = format!(
        " Operations {}, from [`Client::{}`].",
        group.about, group.module
    );
    let file_doc = format!(" Operations {}.", group.about);

    let mut runtime = vec!["Call", "Request"];
    if ops
        .iter()
        .any(|op| matches!(op.success, Success::One(Payload::Json(_))))
    {
        runtime.push("Response");
    }
    if ops.iter().any(|op| {
        op.params
            .iter()
            .any(|p| matches!(p.location, Location::Query(_)))
    }) {
        runtime.push("QueryStyle");
    }
    if ops.iter().any(|op| {
        matches!(
            &op.body,
            Some(Body {
                kind: BodyKind::Multipart { .. },
                ..
            })
        )
    }) {
        runtime.push("Part");
    }
    runtime.sort_unstable();
    let runtime = runtime.into_iter().map(|name| format_ident!("{}", name));
    let types_import = ops.iter().any(|op| uses_named_types(op)).then(|| {
        quote!(
            use crate::types::*;
        )
    });
    quote! {
        #![doc = #file_doc]
        use crate::runtime::{#(#runtime),*};
        #types_import
        use crate::{Client, Error};
        #(#structs)*
        #[doc = #struct_doc]
        #[derive(Debug, Clone, Copy)]
        pub struct #struct_name<'a> {
            pub(super) client: &'a Client,
        }
        impl<'a> #struct_name<'a> {
            #(#methods)*
        }
        #(#builds)*
        #paged
    }
}

fn named(ty: &Ty) -> bool {
    ty.named().next().is_some()
}

fn uses_named_types(op: &Operation) -> bool {
    let body = match &op.body.as_ref().map(|b| &b.kind) {
        Some(BodyKind::Json(ty) | BodyKind::Form(ty)) => named(ty),
        Some(BodyKind::Multipart { fields, .. }) => fields.iter().any(|f| named(&f.ty)),
        _ => false,
    };
    let success = match &op.success {
        Success::One(Payload::Json(ty)) => named(ty),
        Success::Many { cases, .. } => cases
            .iter()
            .any(|c| matches!(&c.payload, Payload::Json(ty) if named(ty))),
        Success::One(_) => false,
    };
    body || success || op.params.iter().any(|p| named(&p.ty))
}

/// A request struct derives `Default` when every field has one (enums and unions do not).
fn defaultable(types: &TypeSpace, required: bool, ty: &Ty) -> bool {
    !required || types.has_default(ty)
}

fn optional(types: &TypeSpace, required: bool, ty: &Ty) -> TokenStream {
    let ty = ty_tokens(types, ty);
    if required { ty } else { quote!(Option<#ty>) }
}

/// The request struct, plus the multipart body struct and the multi-status response enum
/// when the operation has them.
fn request_items(types: &TypeSpace, op: &Operation, group: &Group) -> TokenStream {
    let doc = format!(" Parameters of [`{}::{}`].", group.struct_name, op.fn_name);
    let mut fields: Vec<TokenStream> = op
        .params
        .iter()
        .map(|param| {
            let doc = doc_attrs(Some(&super::docs::param_doc(param)));
            let field = ident(&param.name);
            let ty = optional(types, param.required, &param.ty);
            quote!(#doc pub #field: #ty,)
        })
        .collect();
    let mut default = op
        .params
        .iter()
        .all(|p| defaultable(types, p.required, &p.ty));
    let mut extra = TokenStream::new();
    if let Some(body) = &op.body {
        let doc = doc_attrs(body.doc.as_deref().or(Some("The request body.")));
        let field = ident(&body.name);
        let ty = match &body.kind {
            BodyKind::Json(ty) | BodyKind::Form(ty) => {
                default &= defaultable(types, body.required, ty);
                optional(types, body.required, ty)
            }
            BodyKind::Multipart {
                struct_name,
                fields: parts,
            } => {
                extra = multipart_struct(types, op, struct_name, parts);
                default &=
                    !body.required || parts.iter().all(|f| defaultable(types, f.required, &f.ty));
                let struct_name = ident(struct_name);
                if body.required {
                    quote!(#struct_name)
                } else {
                    quote!(Option<#struct_name>)
                }
            }
            BodyKind::Text(_) => optional(types, body.required, &Ty::String),
            BodyKind::Bytes(_) => optional(types, body.required, &Ty::Bytes),
        };
        fields.push(quote!(#doc pub #field: #ty,));
    }
    if let Success::Many { enum_name, cases } = &op.success {
        let enum_name = ident(enum_name);
        let doc = format!(
            " What [`{}::{}`] returns, by status.",
            group.struct_name, op.fn_name
        );
        let variants = cases.iter().map(|case| {
            let variant = ident(&case.variant);
            let doc = doc_attrs(Some(&format!(
                "{}: {}",
                case.label,
                case.doc.as_deref().unwrap_or("success")
            )));
            match &case.payload {
                Payload::Empty => quote!(#doc #variant,),
                Payload::Json(ty) => {
                    let boxed = types.is_struct(ty);
                    let ty = ty_tokens(types, ty);
                    // Boxed like struct variants of unions: the enum stays small.
                    let ty = if boxed { quote!(Box<#ty>) } else { ty };
                    quote!(#doc #variant(#ty),)
                }
                Payload::Text(_) => quote!(#doc #variant(String),),
                Payload::Bytes(_) => quote!(#doc #variant(Vec<u8>),),
            }
        });
        extra.extend(quote! {
            #[doc = #doc]
            #[derive(Debug, Clone, PartialEq)]
            pub enum #enum_name { #(#variants)* }
        });
    }
    let Some(name) = &op.request_name else {
        return extra;
    };
    let name = ident(name);
    let default = default.then(|| quote!(Default,));
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq, #default)]
        pub struct #name { #(#fields)* }
        #extra
    }
}

fn multipart_struct(
    types: &TypeSpace,
    op: &Operation,
    name: &str,
    fields: &[MultipartField],
) -> TokenStream {
    let doc = format!(
        " The `multipart/form-data` body of [`{}`].",
        op.request_name.as_deref().unwrap_or_default()
    );
    let name = ident(name);
    let default = fields
        .iter()
        .all(|f| defaultable(types, f.required, &f.ty))
        .then(|| quote!(Default,));
    let fields = fields.iter().map(|f| {
        let doc = f.doc.clone();
        let doc = doc_attrs(Some(
            &doc.unwrap_or_else(|| format!("The `{}` part.", f.wire_name)),
        ));
        let field = ident(&f.name);
        let ty = optional(types, f.required, &f.ty);
        quote!(#doc pub #field: #ty,)
    });
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq, #default)]
        pub struct #name { #(#fields)* }
    }
}

/// The method of `op` on its group's struct, and the function that builds its HTTP request
/// (kept apart: only the request differs between operations, sending is the runtime's).
fn method(
    types: &TypeSpace,
    op: &Operation,
    group: &Group,
    auth_consts: &BTreeMap<Vec<Vec<usize>>, String>,
    example: &str,
) -> (TokenStream, TokenStream) {
    let signature = format!("`{} {}`", op.method, op.path);
    let errors = error_doc(types, op);
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
    let doc = doc_paragraphs([
        op.summary.as_deref(),
        op.description.as_deref(),
        Some(signature.as_str()),
        errors.as_deref(),
    ]);
    let example = super::code_doc_attrs(&format!("\n{example}"));
    let fn_name = ident(&op.fn_name);
    let request = op.request_name.as_deref().map(|name| {
        let name = ident(name);
        quote!(, request: &#name)
    });
    let params = op.request_name.as_deref().map(|name| {
        let name = ident(name);
        quote!(request: &#name)
    });
    let http_method = ident(&op.method);
    let path = &op.path;
    let path_params = op
        .params
        .iter()
        .filter(|p| p.location == Location::Path)
        .map(|p| {
            let wire = &p.wire_name;
            let field = ident(&p.name);
            quote!((#wire, &request.#field),)
        });
    let mut chain = Vec::new();
    if let Some(name) = auth_consts.get(&op.auth) {
        let name = format_ident!("{}", name);
        chain.push(quote!(.auth(super::#name)));
    }
    for param in &op.params {
        chain.push(param_call(param));
    }
    if let Some(media) = accept(&op.success) {
        chain.push(quote!(.accept(#media)));
    }
    let (body_chain, body_after) = body_call(op.body.as_ref());
    chain.extend(body_chain);
    let mutable = (!body_after.is_empty()).then(|| quote!(mut));
    let (output, decode) = decode(types, op);
    let op_name = &op.fn_name;
    let build_doc = format!(
        " The HTTP request of [`{}::{}`].",
        group.struct_name, op.fn_name
    );
    let argument = op.request_name.as_ref().map(|_| quote!(request));
    let method = quote! {
        #doc
        #example
        #deprecated
        pub fn #fn_name(&self #request) -> Call<'a, #output> {
            Call::new(self.client, #op_name, #fn_name(#argument), #decode)
        }
    };
    let build = quote! {
        #[doc = #build_doc]
        fn #fn_name(#params) -> Result<Request, Error> {
            let #mutable http = Request::new(reqwest::Method::#http_method, #path, &[#(#path_params)*])?
                #(#chain)*;
            #body_after
            Ok(http)
        }
    };
    (method, build)
}

/// The `Accept` header for an operation that answers with something else than JSON.
fn accept(success: &Success) -> Option<&str> {
    fn media(payload: &Payload) -> Option<&str> {
        match payload {
            Payload::Text(media) | Payload::Bytes(media) => Some(media.as_str()),
            Payload::Empty | Payload::Json(_) => None,
        }
    }
    match success {
        Success::One(payload) => media(payload),
        // Several kinds of answers: JSON stays the default.
        Success::Many { cases, .. }
            if cases.iter().all(|c| !matches!(c.payload, Payload::Json(_))) =>
        {
            cases.iter().find_map(|c| media(&c.payload))
        }
        Success::Many { .. } => None,
    }
}

fn param_call(param: &Param) -> TokenStream {
    let wire = &param.wire_name;
    let field = ident(&param.name);
    match param.location {
        Location::Path => TokenStream::new(),
        Location::Header => quote!(.header(#wire, &request.#field)?),
        Location::Query(rendering) => {
            let style = match rendering {
                QueryRendering::Form => quote!(Form),
                QueryRendering::FormUnexploded => quote!(FormUnexploded),
                QueryRendering::SpaceDelimited => quote!(SpaceDelimited),
                QueryRendering::PipeDelimited => quote!(PipeDelimited),
                QueryRendering::DeepObject => quote!(DeepObject),
                QueryRendering::Json => quote!(Json),
            };
            quote!(.query(#wire, &request.#field, QueryStyle::#style)?)
        }
    }
}

/// The body as part of the builder chain when required, or as a statement after it when it
/// is optional.
fn body_call(body: Option<&Body>) -> (Option<TokenStream>, TokenStream) {
    let Some(body) = body else {
        return (None, TokenStream::new());
    };
    let field = ident(&body.name);
    // The body as a place (`request.body`, or the `body` bound by `if let Some(body)`) and as a
    // reference to it.
    let (place, value) = if body.required {
        (quote!(request.#field), quote!(&request.#field))
    } else {
        (quote!(body), quote!(body))
    };
    let call = match &body.kind {
        BodyKind::Json(_) => quote!(.json_body(#value)?),
        BodyKind::Form(_) => quote!(.form_body(#value)?),
        BodyKind::Text(media) => quote!(.bytes_body(#media, #place.as_bytes())),
        BodyKind::Bytes(media) => quote!(.bytes_body(#media, #value)),
        BodyKind::Multipart { fields, .. } => {
            let parts = fields.iter().map(|f| {
                let wire = &f.wire_name;
                let name = ident(&f.name);
                match f.ty {
                    Ty::Upload => quote!(Part::file(#wire, &#place.#name),),
                    _ => quote!(Part::value(#wire, &#place.#name)?,),
                }
            });
            // An array, not `vec![..]`: prettyplease lays out expressions, not macro input.
            quote!(.multipart_body([#(#parts)*]))
        }
    };
    if body.required {
        (Some(call), TokenStream::new())
    } else {
        (
            None,
            quote! { if let Some(body) = &request.#field { http = http #call; } },
        )
    }
}

/// The output type of `op` and the decoder turning its response into it (a function or a
/// closure without captures: a `fn` pointer).
fn decode(types: &TypeSpace, op: &Operation) -> (TokenStream, TokenStream) {
    match &op.success {
        Success::One(Payload::Empty) => (quote!(()), quote!(|_| Ok(()))),
        Success::One(Payload::Json(ty)) => (ty_tokens(types, ty), quote!(Response::into_json)),
        Success::One(Payload::Text(_)) => (quote!(String), quote!(|response| Ok(response.text()))),
        Success::One(Payload::Bytes(_)) => {
            (quote!(Vec<u8>), quote!(|response| Ok(response.bytes())))
        }
        Success::Many { enum_name, cases } => {
            let enum_name = ident(enum_name);
            let fallback = cases.iter().position(|c| c.status.is_none()).unwrap_or(0);
            let arm = |case: &crate::model::operations::SuccessCase| {
                let variant = ident(&case.variant);
                match &case.payload {
                    Payload::Empty => quote!(#enum_name::#variant),
                    Payload::Json(_) => quote!(#enum_name::#variant(response.json()?)),
                    Payload::Text(_) => quote!(#enum_name::#variant(response.text())),
                    Payload::Bytes(_) => quote!(#enum_name::#variant(response.bytes())),
                }
            };
            let exact = cases
                .iter()
                .enumerate()
                .filter(|(i, c)| *i != fallback && c.status.is_some())
                .map(|(_, c)| {
                    let status = proc_macro2::Literal::u16_unsuffixed(c.status.unwrap_or_default());
                    let value = arm(c);
                    quote!(#status => #value,)
                });
            let fallback = arm(&cases[fallback]);
            (
                quote!(#enum_name),
                quote! {
                    |response| {
                        Ok(match response.status().as_u16() {
                            #(#exact)*
                            _ => #fallback,
                        })
                    }
                },
            )
        }
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
                other => format!("`{}`", ty_tokens(types, other).to_string().replace(' ', "")),
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
