//! Emits, for a group's paged list operations (see `model/pagination.rs`), the
//! `<operation>_pages` methods that walk every page with `runtime::Pages`.

use proc_macro2::TokenStream;
use quote::quote;

use super::types::{ident, ty_tokens};
use crate::model::Group;
use crate::model::pagination::{Access, PageParam};
use crate::plan::{Module, PagesMethod, Plan};

/// `impl <Group>Api<'_> { fn <op>_pages ... }` for the module's paged operations; empty when
/// it has none.
pub fn group_items(plan: &Plan, module: &Module, crate_ident: &str) -> TokenStream {
    if module.pages.is_empty() {
        return TokenStream::new();
    }
    let methods = module
        .pages
        .iter()
        .map(|pages| pages_method(plan, module.group, pages, crate_ident));
    let struct_name = ident(&module.group.struct_name);
    quote! {
        impl #struct_name<'_> {
            #(#methods)*
        }
    }
}

fn pages_method(plan: &Plan, group: &Group, pages: &PagesMethod, crate_ident: &str) -> TokenStream {
    let paged = pages.paged;
    let op_name = pages.operation;
    let request_name = pages.request;
    let item = ty_tokens(&plan.model.types, &paged.item);
    let fn_name = ident(&paged.fn_name);
    let op = ident(op_name);
    let request = ident(request_name);
    let page_field = ident(&paged.page.field);
    let page_wire = &paged.page.wire_name;
    let start = param_count(&paged.page);
    let per_page = paged.per_page.as_ref().map_or(quote!(None), param_count);
    let set_page = if paged.page.optional {
        quote!(request.#page_field = Some(page);)
    } else {
        quote!(request.#page_field = page;)
    };
    let struct_name = ident(&group.struct_name);
    let info_field = ident(&paged.info.field);
    let names = ["total_count", "total_pages", "per_page"];
    let fields = [&paged.total_count, &paged.total_pages, &paged.info_per_page];
    let counts = names.iter().zip(fields).map(|(name, count)| {
        let name = quote::format_ident!("{}", name);
        let Some(Access { field, optional }) = count else {
            return quote!(let #name = None;);
        };
        let field = ident(field);
        let value = match (paged.info.optional, *optional) {
            (false, false) => quote!(crate::runtime::Count::to_count(response.#info_field.#field)),
            (false, true) => {
                quote!(response.#info_field.#field.and_then(crate::runtime::Count::to_count))
            }
            (true, false) => quote!(response.#info_field.as_ref().and_then(|info| {
                crate::runtime::Count::to_count(info.#field)
            })),
            (true, true) => quote!(response
                .#info_field
                .as_ref()
                .and_then(|info| info.#field)
                .and_then(crate::runtime::Count::to_count)),
        };
        quote!(let #name = #value;)
    });
    let items_field = ident(&paged.items.field);
    let items = if paged.items.optional {
        quote!(response.#items_field.unwrap_or_default())
    } else {
        quote!(response.#items_field)
    };
    let doc = pages_doc(group, op_name, request_name, paged, crate_ident);
    // Walking a deprecated operation is deprecated too; the walk itself calls it knowingly.
    let (deprecated, allow) = match pages.deprecated {
        true => (quote!(#[deprecated]), quote!(#[allow(deprecated)])),
        false => (TokenStream::new(), TokenStream::new()),
    };
    // Each page's call is made when the page is asked for, with the client the walk owns: it
    // owns its request (built from the walk's copy, whose page number it sets), so the walk and
    // its futures are `'static`.
    quote! {
        #doc
        #deprecated
        pub fn #fn_name(&self, request: &#request) -> crate::Pages<#item> {
            let mut request = request.clone();
            crate::runtime::Pages::new(self.client, #start, #per_page, move |client, page| {
                #allow
                let call = crate::runtime::page_number(page, #page_wire).map(|page| {
                    #set_page
                    #struct_name { client }.#op(&request)
                });
                Box::pin(async move {
                    let response = call?.await?;
                    #(#counts)*
                    Ok(crate::runtime::Page::new(#items, total_count, total_pages, per_page))
                })
            })
        }
    }
}

/// The caller's page number or page size as a count.
fn param_count(param: &PageParam) -> TokenStream {
    let field = ident(&param.field);
    if param.optional {
        quote!(request.#field.and_then(crate::runtime::Count::to_count))
    } else {
        quote!(crate::runtime::Count::to_count(request.#field))
    }
}

fn pages_doc(
    group: &Group,
    op_name: &str,
    request_name: &str,
    paged: &crate::model::pagination::Paged,
    crate_ident: &str,
) -> TokenStream {
    let short = paged
        .per_page
        .as_ref()
        .map(|p| format!(" (`{}`)", p.wire_name))
        .unwrap_or_default();
    let text = format!(
        "Every page of [`{op_name}`](Self::{op_name}), fetched one after another from the \
         request's `{page}` (or the first page) with its other parameters unchanged; `.items()` \
         yields the items one by one. Both are `futures::Stream`s and have \
         `next_page()`/`next_item()`.\n\n\
         The walk ends after the last page the server announces, on an empty page, on a page \
         shorter than the page size{short} when no total is announced, on a page equal to the \
         previous one, and after an error.\n\n\
         ```no_run\n\
         # async fn example(client: &{crate_ident}::Client, request: &{crate_ident}::{request_name}) -> Result<(), {crate_ident}::Error> {{\n\
         let mut items = client.{module}().{fn_name}(request).items();\n\
         while let Some(item) = items.next_item().await? {{\n\
         \x20   println!(\"{{item:?}}\");\n\
         }}\n\
         # Ok(())\n\
         # }}\n\
         ```",
        page = paged.page.wire_name,
        module = group.module,
        fn_name = paged.fn_name,
    );
    super::code_doc_attrs(&text)
}
