//! Stage 4: the plan of the Rust items. From the model, every item the crate will contain, with
//! every Rust-level decision taken once: names, derives, each field's presence on the wire and
//! its serde strategy, boxing, docs, deprecation, the runtime names each module imports and the
//! crates the code names. The emitters render a [`Plan`] and decide nothing;
//! [`crate::surface`] (what `cargo xtask diff` compares) reads the same plan.
//!
//! - `items.rs`: the items of `src/types.rs` and the shapes every item has;
//! - `client.rs`: the client's environment variables, builder methods and request ids;
//! - `operations.rs`: per group, the request structs, response enums, methods and page walks;
//! - `scope.rs`: the names generated code brings into scope, which no type may take.

pub mod client;
pub mod features;
pub mod items;
pub mod operations;
pub mod scope;

use crate::model::Model;
use crate::model::operations::{Location, Param};
use crate::model::types::{Ty, TypeSpace};
pub use items::{
    DefaultImpl, EnumItem, FieldItem, Init, Item, Presence, ResponsesItem, Role, Serde, Shape,
    StructItem, TypeRef, UnionItem, VariantItem, Wire,
};
pub use items::{MAX_ARGUMENTS, says_nothing};
pub use operations::{Decode, HttpMethod, Method, Module, Output, PagesMethod, StreamOutput};

/// Every item of the generated crate, with its decisions.
pub struct Plan<'m, 'a> {
    pub model: &'m Model<'a>,
    /// The items of `src/types.rs`, in the type space's order.
    pub types: Vec<Item<'m>>,
    /// One per group: `src/operations/<module>.rs`.
    pub modules: Vec<Module<'m>>,
    /// One constant per distinct set of credential alternatives (`API_TOKEN`,
    /// `API_EMAIL_AND_API_KEY_OR_API_TOKEN`), by the alternatives (indices into the schemes).
    pub auth_consts: std::collections::BTreeMap<&'m [Vec<usize>], String>,
    /// The features each credential constant is compiled under, by name.
    pub auth_gates: std::collections::BTreeMap<String, features::Gate>,
    /// One cargo feature per group, and the default set.
    pub features: features::Features,
    /// The crates beyond the runtime's own that the code names.
    pub crates: Crates,
    pub client: client::ClientItem<'m>,
}

/// Optional dependencies of the generated crate, set when some item names their types.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Crates {
    /// `uuid::Uuid` (`format: uuid`).
    pub uuid: bool,
    /// `chrono` (`format: date-time`, `format: date`).
    pub chrono: bool,
}

/// The plan of the crate the model describes; `client`: the configuration's `[client]`, with
/// [`crate::Options::env_prefix`] in its `env_prefix` when given.
pub fn build<'m, 'a>(model: &'m Model<'a>, client: &crate::config::Client) -> Plan<'m, 'a> {
    let auth_consts = operations::auth_consts(model);
    let types = items::schema_items(model);
    let modules = model
        .groups
        .iter()
        .map(|group| operations::module(model, group, &auth_consts))
        .collect::<Vec<_>>();
    let names = features::names(model.groups.iter().map(|g| g.module.as_str()));
    let enables = (0..model.groups.len())
        .map(|i| {
            model
                .groups
                .iter()
                .zip(&names)
                .filter(|(g, _)| g.parent == Some(i))
                .map(|(_, name)| name.clone())
                .collect()
        })
        .collect();
    let features = features::Features {
        names,
        enables,
        full_by_default: model.operations.len() <= features::FULL_BY_DEFAULT_UP_TO,
    };
    let mut plan = Plan {
        model,
        types,
        modules,
        auth_consts,
        auth_gates: Default::default(),
        features,
        crates: Crates::default(),
        client: client::client(model, client),
    };
    let mut crates = Crates::default();
    plan.visit_types(|ty| {
        if let TypeRef::Ty(ty) = ty {
            for ty in ty.walk() {
                match ty {
                    Ty::Uuid => crates.uuid = true,
                    Ty::DateTime | Ty::Date => crates.chrono = true,
                    _ => {}
                }
            }
        }
    });
    plan.crates = crates;
    mark_inputs(&mut plan);
    features::gate(&mut plan);
    plan
}

/// Marks the types users build: those reachable from the fields of request structs and
/// multipart bodies.
fn mark_inputs(plan: &mut Plan) {
    let types = &plan.model.types;
    let mut seeds: Vec<&Ty> = Vec::new();
    for item in plan
        .modules
        .iter()
        .flat_map(|m| &m.items)
        .filter(|i| i.input)
    {
        item.visit_types(&mut |ty| {
            if let TypeRef::Ty(ty) = ty {
                seeds.push(ty);
            }
        });
    }
    let built = features::reach(types, seeds);
    for (item, (id, _)) in plan.types.iter_mut().zip(types.defs()) {
        item.input = built.contains(&id);
    }
}

impl<'m> Plan<'m, '_> {
    /// Every item, those of `src/types.rs` first, then each module's.
    pub fn items(&self) -> impl Iterator<Item = &Item<'m>> {
        self.types
            .iter()
            .chain(self.modules.iter().flat_map(|m| &m.items))
    }

    /// Calls `f` with every type expression the generated code writes: fields, variants,
    /// maps of other properties, what methods return and page walks yield. The one walk over
    /// the plan; what a crate depends on and what a module imports are read off it.
    pub fn visit_types(&self, mut f: impl FnMut(TypeRef<'m>)) {
        for item in self.items() {
            item.visit_types(&mut f);
        }
        for module in &self.modules {
            module.visit_types(&mut f);
        }
    }
}

impl<'m> Item<'m> {
    /// Every type expression of the item.
    pub fn visit_types(&self, f: &mut impl FnMut(TypeRef<'m>)) {
        match &self.shape {
            Shape::Struct(s) => {
                s.fields.iter().for_each(|field| f(field.ty));
                if let Some((_, ty)) = s.additional {
                    f(TypeRef::Ty(ty));
                }
            }
            Shape::Union(UnionItem { variants, .. })
            | Shape::Responses(ResponsesItem { variants }) => {
                variants.iter().filter_map(|v| v.ty).for_each(f);
            }
            Shape::Enum(_) => {}
        }
    }
}

/// A parameter's doc: the spec's, else where it goes.
pub fn param_doc(param: &Param) -> String {
    param.doc.clone().unwrap_or_else(|| {
        let place = match param.location {
            Location::Path => "path parameter",
            Location::Query(_) => "query parameter",
            Location::QueryString(_) => "query string",
            Location::Header => "header",
        };
        format!("The `{}` {place}.", param.wire_name)
    })
}

/// A type expression as rustdoc shows it (`DateTime<Utc>`, `BTreeMap<String, T>`).
pub fn rust_type(types: &TypeSpace, ty: &Ty) -> String {
    match ty {
        Ty::String => "String".to_string(),
        Ty::Bool => "bool".to_string(),
        Ty::I32 => "i32".to_string(),
        Ty::I64 | Ty::IntegralNumber => "i64".to_string(),
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
        Ty::Path(path) => path.clone(),
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

/// A type expression as the code spells it, without spaces (`Vec<String>`,
/// `std::collections::BTreeMap<String,f64>`), for docs that quote it.
pub fn code_type(types: &TypeSpace, ty: &Ty) -> String {
    match ty {
        Ty::Uuid => "uuid::Uuid".to_string(),
        Ty::DateTime => "chrono::DateTime<chrono::Utc>".to_string(),
        Ty::Date => "chrono::NaiveDate".to_string(),
        Ty::JsonObject => "serde_json::Map<String,serde_json::Value>".to_string(),
        Ty::Upload => "crate::Upload".to_string(),
        Ty::Vec(item) => format!("Vec<{}>", code_type(types, item)),
        Ty::Map(value) => format!(
            "std::collections::BTreeMap<String,{}>",
            code_type(types, value)
        ),
        Ty::Option(inner) => format!("Option<{}>", code_type(types, inner)),
        Ty::Tuple(items) => format!(
            "({})",
            items
                .iter()
                .map(|item| format!("{},", code_type(types, item)))
                .collect::<String>()
        ),
        other => rust_type(types, other),
    }
}
