//! Emits `src/operations/`: per group (tag) a module with the request structs and a struct
//! whose methods send them (the counterpart of progenitor's `method.rs`; types come from the
//! type space), and `mod.rs` with the accessors on `Client` and the credential alternatives.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::doc_paragraphs;
use super::types::{Cfg, ident, item_tokens, type_ref_tokens};
use crate::model::operations::{
    Body, BodyKind, Location, Param, Payload, QueryRendering, WholeQuery,
};
use crate::model::security::Scheme;
use crate::model::types::Ty;
use crate::plan::features::Import;
use crate::plan::{Decode, HttpMethod, Method, Module, Output, Plan, StreamOutput};

/// The file of one group's operations: `(file name, tokens)`.
pub fn group_file(plan: &Plan<'_, '_>, module: &Module, krate: &str) -> (String, TokenStream) {
    let file = format!("src/operations/{}.rs", module.group.module);
    (file, group_rs(plan, module, krate))
}

/// The runtime's `Auth` for `scheme` (with `Auth` in scope).
pub(super) fn scheme_tokens(scheme: &Scheme) -> TokenStream {
    use crate::model::security::SchemeKind;
    let credential = &scheme.credential;
    match &scheme.kind {
        SchemeKind::Bearer => quote!(Auth::bearer()),
        SchemeKind::Basic => quote!(Auth::basic(#credential)),
        SchemeKind::Header(name) => quote!(Auth::header(#credential, #name)),
        SchemeKind::Query(name) => quote!(Auth::query(#credential, #name)),
    }
}

/// `src/operations/mod.rs`, which a crate has when it has (expressible) operations: a spec
/// without makes a crate of types and the client alone.
pub fn mod_rs(plan: &Plan) -> TokenStream {
    let model = plan.model;
    let auth_consts = &plan.auth_consts;
    let modules = model.groups.iter().enumerate().map(|(index, g)| {
        let module = ident(&g.module);
        let cfg = super::group_cfg(plan, index);
        quote!(#cfg mod #module; #cfg pub use #module::*;)
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
        let gate = &plan.auth_gates[&name.to_string()];
        let cfg = super::needed_attr(plan, &Import::of([gate]), quote!(dead_code));
        quote! {
            #[doc = #doc]
            #cfg
            const #name: &[&[Auth]] = &[#(#alternatives),*];
        }
    });
    let auth_import = (!auth_consts.is_empty()).then(|| {
        let cfg = super::import_attr(plan, &Import::of(plan.auth_gates.values()));
        quote!(
            #cfg
            use crate::runtime::Auth;
        )
    });
    let accessors = model.groups.iter().enumerate().map(|(index, g)| {
        let module = ident(&g.module);
        let struct_name = ident(&g.struct_name);
        let doc = format!(" Operations {}.", g.about);
        let cfg = super::group_cfg(plan, index);
        quote! {
            #[doc = #doc]
            #cfg
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

fn group_rs(plan: &Plan, module: &Module, krate: &str) -> TokenStream {
    let types = &plan.model.types;
    let group = module.group;
    let items = module
        .items
        .iter()
        .map(|item| item_tokens(types, item, &Cfg::always()));
    let (methods, builds): (Vec<_>, Vec<_>) = module
        .methods
        .iter()
        .map(|m| {
            let example = super::docs::operation_example(plan, m, &group.module, krate);
            method(plan, module, m, &example)
        })
        .unzip();
    let paged = super::pagination::group_items(plan, module, krate);
    let struct_name = ident(&group.struct_name);
    let struct_doc = format!(
        " Operations {}, from [`Client::{}`].",
        group.about, group.module
    );
    let file_doc = format!(" Operations {}.", group.about);
    let runtime = module.runtime.iter().map(|name| format_ident!("{}", name));
    let types_import = module.uses_types.then(|| {
        quote!(
            use crate::types::*;
        )
    });
    quote! {
        #![doc = #file_doc]
        use crate::runtime::{#(#runtime),*};
        #types_import
        use crate::{Client, Error};
        #(#items)*
        #[doc = #struct_doc]
        #[derive(Debug, Clone, Copy)]
        pub struct #struct_name<'a> {
            pub(super) client: &'a Client,
        }
        impl #struct_name<'_> {
            #(#methods)*
        }
        #(#builds)*
        #paged
    }
}

/// The method of `op` on its group's struct, and the function that builds its HTTP request
/// (kept apart: only the request differs between operations, sending is the runtime's).
fn method(plan: &Plan, module: &Module, m: &Method, example: &str) -> (TokenStream, TokenStream) {
    let op = m.op;
    let types = &plan.model.types;
    let deprecated = m.deprecated.then(|| quote!(#[deprecated]));
    let doc = doc_paragraphs(m.doc.iter().map(|p| Some(p.as_ref())));
    let example = super::code_doc_attrs(&format!("\n{example}"));
    let fn_name = ident(m.name);
    let request = m.request.map(|name| {
        let name = ident(name);
        quote!(, request: &#name)
    });
    let params = m.request.map(|name| {
        let name = ident(name);
        quote!(request: &#name)
    });
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
    let new_request = match m.http {
        HttpMethod::Constant(name) => {
            let name = ident(name);
            quote!(Request::new(reqwest::Method::#name, #path, &[#(#path_params)*]))
        }
        HttpMethod::Named(name) => {
            quote!(Request::with_method(#name, #path, &[#(#path_params)*]))
        }
    };
    let mut chain = Vec::new();
    if let Some(name) = &m.auth {
        let name = format_ident!("{}", name);
        chain.push(quote!(.auth(super::#name)));
    }
    for param in &op.params {
        chain.push(param_call(param));
    }
    if let Some(media) = &m.accept {
        chain.push(quote!(.accept(#media)));
    }
    if m.redirects {
        chain.push(quote!(.redirects()));
    }
    let (body_chain, body_after) = body_call(op.body.as_ref(), m.stream_flag);
    chain.extend(body_chain);
    let mutable = (!body_after.is_empty()).then(|| quote!(mut));
    let output = match m.output {
        Output::Unit => quote!(()),
        Output::Type(ty) => type_ref_tokens(types, ty),
        Output::Responses(name) => {
            let name = ident(name);
            quote!(#name)
        }
        Output::Stream(stream) => stream_tokens(types, stream),
    };
    let decode = decode(&m.decode);
    let constructor = match m.decode {
        Decode::Stream(_) => quote!(stream),
        _ => quote!(new),
    };
    let op_name = m.name;
    let build_doc = format!(
        " The HTTP request of [`{}::{}`].",
        module.group.struct_name, m.name
    );
    let argument = m.request.map(|_| quote!(request));
    let alias = m.legacy.map(|old| {
        let old_ident = ident(old);
        let doc = format!(" The former name of [`{0}`](Self::{0}).", m.name);
        let note = format!(
            "renamed to `{}`; the old name goes in the next release",
            m.name
        );
        quote! {
            #[doc = #doc]
            #[deprecated(note = #note)]
            pub fn #old_ident(&self #request) -> Call<#output> {
                Call::#constructor(self.client, #op_name, #fn_name(#argument), #decode)
            }
        }
    });
    let method = quote! {
        #doc
        #example
        #deprecated
        pub fn #fn_name(&self #request) -> Call<#output> {
            Call::#constructor(self.client, #op_name, #fn_name(#argument), #decode)
        }
        #alias
    };
    let build = quote! {
        #[doc = #build_doc]
        fn #fn_name(#params) -> Result<Request, Error> {
            let #mutable http = #new_request?
                #(#chain)*;
            #body_after
            Ok(http)
        }
    };
    (method, build)
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
        Location::QueryString(whole) => {
            let encoding = match whole {
                WholeQuery::Form => quote!(Form),
                WholeQuery::Json => quote!(Json),
                WholeQuery::Text => quote!(Text),
            };
            quote!(.query_string(&request.#field, QueryString::#encoding)?)
        }
    }
}

/// The body as part of the builder chain when required, or as a statement after it when it
/// is optional.
fn body_call(
    body: Option<&Body>,
    flag: Option<(&str, bool)>,
) -> (Option<TokenStream>, TokenStream) {
    let Some(body) = body else {
        return (None, TokenStream::new());
    };
    // The JSON body's member asking for a stream, set after the body is encoded.
    let flag = flag.map(|(name, value)| quote!(.json_flag(#name, #value)?));
    let field = ident(&body.name);
    // The body as a place (`request.body`, or the `body` bound by `if let Some(body)`) and as a
    // reference to it.
    let (place, value) = if body.required {
        (quote!(request.#field), quote!(&request.#field))
    } else {
        (quote!(body), quote!(body))
    };
    let call = match &body.kind {
        BodyKind::Json(_) => quote!(.json_body(#value)? #flag),
        BodyKind::Form(_) => quote!(.form_body(#value)?),
        BodyKind::Text(media) => quote!(.bytes_body(#media, #place.as_bytes())),
        BodyKind::Bytes(media) => quote!(.upload_body(#media, #value)),
        BodyKind::Parts => quote!(.multipart_body(#place.parts().iter().cloned().map(Some))),
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

/// The decoder turning a response into the method's output (a function or a closure without
/// captures: a `fn` pointer).
fn decode(decode: &Decode) -> TokenStream {
    match decode {
        Decode::Nothing => quote!(|_| Ok(())),
        Decode::Json => quote!(RawResponse::into_json),
        Decode::Text => quote!(|response| Ok(response.text())),
        Decode::Bytes => quote!(|response| Ok(response.bytes())),
        Decode::Raw => quote!(Ok),
        Decode::Stream(stream) => match stream {
            StreamOutput::Events { whole: false, .. } => quote!(EventStream::data),
            StreamOutput::Events { whole: true, .. } => quote!(EventStream::whole),
            StreamOutput::RawEvents => quote!(RawEvents::new),
            StreamOutput::JsonLines(_) => quote!(JsonLines::new),
            StreamOutput::Bytes => quote!(ByteStream::new),
        },
        Decode::ByStatus {
            name,
            exact,
            fallback,
        } => {
            let enum_name = ident(name);
            let arm = |case: &crate::model::operations::SuccessCase| {
                let variant = ident(&case.variant);
                match &case.payload {
                    Payload::Empty => quote!(#enum_name::#variant),
                    Payload::Json(_) => quote!(#enum_name::#variant(response.json()?)),
                    Payload::Text(_) => quote!(#enum_name::#variant(response.text())),
                    Payload::Bytes(_) => quote!(#enum_name::#variant(response.bytes())),
                    Payload::Redirect => quote!(#enum_name::#variant(response)),
                    // Never in a per-status enum: the model reads such a stream as text.
                    Payload::Stream(_) => quote!(#enum_name::#variant(response.text())),
                }
            };
            let exact = exact.iter().map(|(status, case)| {
                let status = proc_macro2::Literal::u16_unsuffixed(*status);
                let value = arm(case);
                quote!(#status => #value,)
            });
            let fallback = arm(fallback);
            quote! {
                |response| {
                    Ok(match response.status().as_u16() {
                        #(#exact)*
                        _ => #fallback,
                    })
                }
            }
        }
    }
}

/// The Rust type of a stream output: `EventStream<T>`, `RawEvents`, `JsonLines<T>` or
/// `ByteStream`.
fn stream_tokens(types: &crate::model::types::TypeSpace, stream: StreamOutput) -> TokenStream {
    let name = format_ident!("{}", stream.runtime_name());
    match stream.item() {
        Some(item) => {
            let item = type_ref_tokens(types, item);
            quote!(#name<#item>)
        }
        None => quote!(#name),
    }
}
