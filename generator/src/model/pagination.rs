//! Paged list operations: which operations page through a list, and where the page number,
//! the items and the totals are. Two shapes are recognized:
//!
//! - Realtime Kit: query `page_no` (and `per_page`), response `{ data: [Item], paging: {
//!   start_offset, end_offset, total_count } }`;
//! - Cloudflare v4: query `page` (and `per_page`), response `{ result: [Item], result_info: {
//!   page, per_page, count, total_count, total_pages } }`.
//!
//! The emitter (`emit/pagination.rs`) adds a `<operation>_pages` method for each.

use std::collections::BTreeMap;

use super::names::Scope;
use super::operations::{Location, Operation, Payload, Success};
use super::types::{Kind, Struct, Ty, TypeSpace};

/// How one operation pages.
#[derive(Debug, Clone, PartialEq)]
pub struct Paged {
    /// The method that walks the pages (`get_meeting_participants_pages`).
    pub fn_name: String,
    /// The request field holding the page number, and its wire name.
    pub page: PageParam,
    /// The request field holding the page size, when there is one.
    pub per_page: Option<PageParam>,
    /// The response field holding the page's items.
    pub items: Access,
    /// The item type.
    pub item: Ty,
    /// The response field holding the paging information.
    pub info: Access,
    /// Fields of the paging information.
    pub total_count: Option<Access>,
    pub total_pages: Option<Access>,
    pub info_per_page: Option<Access>,
}

/// A page-number or page-size query parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct PageParam {
    /// Field name in the request struct.
    pub field: String,
    /// Name on the wire.
    pub wire_name: String,
    /// `Option<_>` in the request struct.
    pub optional: bool,
}

/// A field of a response struct.
#[derive(Debug, Clone, PartialEq)]
pub struct Access {
    /// The Rust field name.
    pub field: String,
    /// The field is an `Option`.
    pub optional: bool,
}

/// The names of one paging convention.
struct Shape {
    page: &'static str,
    items: &'static str,
    info: &'static str,
}

const SHAPES: &[Shape] = &[
    Shape {
        page: "page_no",
        items: "data",
        info: "paging",
    },
    Shape {
        page: "page",
        items: "result",
        info: "result_info",
    },
];

/// The paged operations, by index into `operations`. `methods` holds every method name of
/// the operation structs, so that the new methods take free names.
pub fn detect(
    operations: &[Operation],
    types: &TypeSpace,
    methods: &mut Scope,
) -> BTreeMap<usize, Paged> {
    let mut found = BTreeMap::new();
    for (index, op) in operations.iter().enumerate() {
        if op.method != "GET" {
            continue;
        }
        if let Some(paged) = SHAPES
            .iter()
            .find_map(|shape| paged(op, types, shape, methods))
        {
            found.insert(index, paged);
        }
    }
    found
}

fn paged(op: &Operation, types: &TypeSpace, shape: &Shape, methods: &mut Scope) -> Option<Paged> {
    let page = count_param(op, shape.page)?;
    let per_page = count_param(op, "per_page");
    let Success::One(Payload::Json(Ty::Named(id))) = &op.success else {
        return None;
    };
    let Kind::Struct(response) = &types.def(*id).kind else {
        return None;
    };
    let items = field(response, shape.items)?;
    let Ty::Vec(item) = &items.ty else {
        return None;
    };
    let info = field(response, shape.info)?;
    let Ty::Named(info_id) = &info.ty else {
        return None;
    };
    let Kind::Struct(info_struct) = &types.def(*info_id).kind else {
        return None;
    };
    let count = |name: &str| {
        field(info_struct, name)
            .filter(|f| is_count(&f.ty))
            .map(access)
    };
    let total_count = count("total_count");
    let total_pages = count("total_pages");
    // Without any of these the walk still ends (empty, short or repeated page), but a field
    // named like the convention's paging object is what tells a paged list from any other.
    if total_count.is_none() && total_pages.is_none() && count("count").is_none() {
        return None;
    }
    Some(Paged {
        fn_name: methods.claim(format!("{}_pages", op.fn_name)),
        page,
        per_page,
        items: access(items),
        item: (**item).clone(),
        info: access(info),
        total_count,
        total_pages,
        info_per_page: count("per_page"),
    })
}

fn count_param(op: &Operation, wire_name: &str) -> Option<PageParam> {
    op.params
        .iter()
        .find(|p| {
            p.wire_name == wire_name && matches!(p.location, Location::Query(_)) && is_count(&p.ty)
        })
        .map(|p| PageParam {
            field: p.name.clone(),
            wire_name: p.wire_name.clone(),
            optional: !p.required,
        })
}

fn is_count(ty: &Ty) -> bool {
    matches!(
        ty,
        Ty::I32 | Ty::I64 | Ty::IntegralNumber | Ty::F32 | Ty::F64
    )
}

fn field<'s>(s: &'s Struct, json_name: &str) -> Option<&'s super::types::Field> {
    s.fields.iter().find(|f| f.json_name == json_name)
}

fn access(field: &super::types::Field) -> Access {
    Access {
        field: field.name.clone(),
        optional: field.optional,
    }
}
