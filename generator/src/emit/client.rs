//! Emits `src/operations.rs`: per operation, a request struct and a `Client` method (the
//! counterpart of progenitor's `method.rs`; types come from the type space).

use proc_macro2::TokenStream;
use quote::quote;

use super::types::{ident, ty_tokens};
use super::{doc_attrs, doc_paragraphs};
use crate::model::Model;
use crate::model::operations::{Auth, Location, Operation, Param, Success};
use crate::model::types::{Ty, TypeSpace};

pub fn operations_rs(model: &Model) -> TokenStream {
    let types = &model.types;
    let requests = model.operations.iter().map(|op| request_struct(types, op));
    let methods = model.operations.iter().map(|op| method(types, op));
    let uses_types = model.operations.iter().any(references_types);
    let types_import = uses_types.then(|| {
        quote!(
            use crate::types::*;
        )
    });
    let uses_auth = model.operations.iter().any(|op| op.auth != Auth::None);
    let runtime_import = if uses_auth {
        quote!(
            use crate::runtime::{Auth, Request};
        )
    } else {
        quote!(
            use crate::runtime::Request;
        )
    };
    quote! {
        //! Operations of the API: one request struct and one [`Client`] method each.
        #runtime_import
        #types_import
        use crate::{Client, Error};
        #(#requests)*
        impl Client {
            #(#methods)*
        }
    }
}

fn references_types(op: &Operation) -> bool {
    fn named(ty: &Ty) -> bool {
        match ty {
            Ty::Named(_) => true,
            Ty::Vec(inner) | Ty::Map(inner) => named(inner),
            _ => false,
        }
    }
    op.params.iter().any(|p| named(&p.ty)) || matches!(&op.success, Success::Json(ty) if named(ty))
}

fn param_type(types: &TypeSpace, param: &Param) -> TokenStream {
    let ty = ty_tokens(types, &param.ty);
    if param.required {
        ty
    } else {
        quote!(Option<#ty>)
    }
}

/// Named types (structs, enums) have no `Default`; everything else in a request does.
fn defaultable(param: &Param) -> bool {
    !param.required || !matches!(param.ty, Ty::Named(_))
}

fn request_struct(types: &TypeSpace, op: &Operation) -> TokenStream {
    let name = ident(&op.request_name);
    let doc = format!(" Parameters of [`Client::{}`].", op.fn_name);
    let fields = op.params.iter().map(|param| {
        let doc = doc_attrs(param.doc.as_deref());
        let field = ident(&param.name);
        let ty = param_type(types, param);
        quote!(#doc pub #field: #ty,)
    });
    let default = op.params.iter().all(defaultable).then(|| quote!(Default,));
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq, #default)]
        pub struct #name {
            #(#fields)*
        }
    }
}

fn method(types: &TypeSpace, op: &Operation) -> TokenStream {
    let signature = format!("`{} {}`", op.method, op.path);
    let errors = error_doc(types, op);
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
    let doc = doc_paragraphs([
        op.summary.as_deref(),
        op.description.as_deref(),
        Some(signature.as_str()),
        errors.as_deref(),
    ]);
    let fn_name = ident(&op.fn_name);
    let request_name = ident(&op.request_name);
    let method = ident(&op.method);
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
    let auth = match op.auth {
        Auth::None => quote!(),
        Auth::Bearer => quote!(.auth(&[Auth::Bearer])),
    };
    let (output, finish) = match &op.success {
        Success::Empty => (quote!(()), quote!(self.execute(request).await?; Ok(()))),
        Success::Json(ty) => (
            ty_tokens(types, ty),
            quote!(self.execute(request).await?.json()),
        ),
    };
    quote! {
        #doc
        #deprecated
        pub async fn #fn_name(&self, request: &#request_name) -> Result<#output, Error> {
            let request = Request::new(
                reqwest::Method::#method,
                #path,
                &[#(#path_params)*],
            )?
            #auth;
            #finish
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
                Ty::Named(id) => format!("[`{}`]", types.def(*id).name),
                other => format!("`{}`", ty_tokens(types, other)),
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
