//! The operations modules: per group (tag), the request structs, multipart bodies and response
//! enums, the group's methods with how each sends its request and decodes its answer, and the
//! `<operation>_pages` walks.

use std::borrow::Cow;
use std::collections::BTreeMap;

use super::features::Gate;
use super::items::{
    FieldItem, Item, Presence, ResponsesItem, Role, Serde, Shape, StructItem, TypeRef, VariantItem,
    Wire,
};
use super::scope;
use crate::model::operations::{BodyKind, Location, Operation, Payload, Success, SuccessCase};
use crate::model::pagination::Paged;
use crate::model::types::{Ty, TypeSpace};
use crate::model::{Group, Model};

/// `src/operations/<module>.rs`.
#[derive(Debug)]
pub struct Module<'m> {
    pub group: &'m Group,
    /// The runtime's names the module imports, sorted.
    pub runtime: Vec<&'static str>,
    /// Some item or method names a type of `src/types.rs`: the module imports them all.
    pub uses_types: bool,
    /// Request structs, multipart bodies and response enums, in the order of the operations.
    pub items: Vec<Item<'m>>,
    pub methods: Vec<Method<'m>>,
    pub pages: Vec<PagesMethod<'m>>,
}

/// One operation as a method of the group's struct, and the function building its request.
#[derive(Debug)]
pub struct Method<'m> {
    pub op: &'m Operation,
    pub name: &'m str,
    /// The doc's paragraphs: summary, description, the HTTP method and path, the error bodies.
    pub doc: Vec<Cow<'m, str>>,
    pub deprecated: bool,
    /// The request struct it takes by reference.
    pub request: Option<&'m str>,
    /// The request struct derives `Default`.
    pub request_default: bool,
    pub output: Output<'m>,
    pub decode: Decode<'m>,
    /// The constant listing the credentials it accepts.
    pub auth: Option<String>,
    /// The `Accept` header, when the operation declares another media type than JSON alone.
    pub accept: Option<String>,
    /// A redirect is the operation's documented success: returned, not an error.
    pub redirects: bool,
}

/// What awaiting a method's call gives.
#[derive(Debug, Clone, Copy)]
pub enum Output<'m> {
    /// `()`: no body.
    Unit,
    Type(TypeRef<'m>),
    /// The per-status response enum.
    Responses(&'m str),
}

/// How a method turns the response into its output.
#[derive(Debug)]
pub enum Decode<'m> {
    /// Nothing to read (no body; the model gives HEAD answers none).
    Nothing,
    Json,
    Text,
    Bytes,
    /// The response as it is (a documented redirect).
    Raw,
    /// By status: each listed status to its variant, any other to `fallback`'s.
    ByStatus {
        name: &'m str,
        exact: Vec<(u16, &'m SuccessCase)>,
        fallback: &'m SuccessCase,
    },
}

/// The `<operation>_pages` method of a paged list.
#[derive(Debug)]
pub struct PagesMethod<'m> {
    /// The operation it calls for each page.
    pub operation: &'m str,
    pub request: &'m str,
    pub paged: &'m Paged,
    /// The operation is deprecated, and so is the walk.
    pub deprecated: bool,
}

/// One constant per distinct set of credential alternatives, named after its schemes
/// (`API_TOKEN`, `API_EMAIL_AND_API_KEY_OR_API_TOKEN`).
pub fn auth_consts<'m>(model: &'m Model) -> BTreeMap<&'m [Vec<usize>], String> {
    let mut consts = BTreeMap::new();
    if model.groups.is_empty() {
        return consts;
    }
    for op in model.operations.iter().filter(|op| !op.auth.is_empty()) {
        consts.entry(op.auth.as_slice()).or_insert_with(|| {
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

pub fn module<'m>(
    model: &'m Model,
    group: &'m Group,
    auth_consts: &BTreeMap<&'m [Vec<usize>], String>,
) -> Module<'m> {
    let types = &model.types;
    let ops = group.operations.iter().map(|i| (*i, &model.operations[*i]));
    let mut items = Vec::new();
    let mut methods = Vec::new();
    let mut pages = Vec::new();
    for (index, op) in ops {
        let made = operation_items(types, op, group);
        let mut method = method(types, op, auth_consts);
        method.request_default = made.iter().any(|item| {
            Some(item.name) == op.request_name.as_deref()
                && matches!(&item.shape, Shape::Struct(s) if s.default)
        });
        items.extend(made);
        methods.push(method);
        if let Some(paged) = model.pagination.get(&index) {
            pages.push(PagesMethod {
                operation: &op.fn_name,
                request: op.request_name.as_deref().unwrap_or_default(),
                paged,
                deprecated: op.deprecated,
            });
        }
    }
    let mut module = Module {
        group,
        runtime: Vec::new(),
        uses_types: false,
        items,
        methods,
        pages,
    };
    module.runtime = module.runtime_names();
    let mut uses_types = false;
    for item in &module.items {
        item.visit_types(&mut |ty| uses_types |= names_type(ty));
    }
    module.visit_types(&mut |ty| uses_types |= names_type(ty));
    module.uses_types = uses_types;
    module
}

/// Whether a type expression names a type of `src/types.rs`.
fn names_type(ty: TypeRef) -> bool {
    matches!(ty, TypeRef::Ty(ty) if ty.named().next().is_some())
}

impl<'m> Module<'m> {
    /// The type expressions of its methods' outputs and page walks (those of its items are
    /// the items' own).
    pub fn visit_types(&self, f: &mut impl FnMut(TypeRef<'m>)) {
        for method in &self.methods {
            if let Output::Type(ty) = method.output {
                f(ty);
            }
        }
        for pages in &self.pages {
            f(TypeRef::Ty(&pages.paged.item));
        }
    }

    /// The runtime's names its code uses.
    fn runtime_names(&self) -> Vec<&'static str> {
        let mut names = vec![scope::CALL, scope::REQUEST];
        if self
            .methods
            .iter()
            .any(|m| matches!(m.decode, Decode::Json | Decode::Raw) || m.redirects)
        {
            names.push(scope::RESPONSE);
        }
        let params = || self.methods.iter().flat_map(|m| &m.op.params);
        if params().any(|p| matches!(p.location, Location::Query(_))) {
            names.push(scope::QUERY_STYLE);
        }
        if self.methods.iter().any(|m| {
            matches!(
                m.op.body.as_ref().map(|b| &b.kind),
                Some(BodyKind::Multipart { .. })
            )
        }) {
            names.push(scope::PART);
        }
        names.sort_unstable();
        names
    }
}

/// A field of a request struct or multipart body: `Option` unless required.
fn request_field<'m>(
    name: &'m str,
    wire: Wire<'m>,
    ty: TypeRef<'m>,
    required: bool,
    has_default: bool,
    doc: Cow<'m, str>,
) -> FieldItem<'m> {
    FieldItem {
        name,
        wire,
        ty,
        boxed: false,
        option: !required,
        presence: if required {
            Presence::Required
        } else {
            Presence::Optional
        },
        // Never read.
        integral: false,
        has_default: !required || has_default,
        doc,
    }
}

/// The request struct, multipart body struct and per-status response enum of an operation,
/// when it has them, in that order.
fn operation_items<'m>(types: &'m TypeSpace, op: &'m Operation, group: &'m Group) -> Vec<Item<'m>> {
    let mut fields: Vec<FieldItem> = op
        .params
        .iter()
        .map(|param| {
            request_field(
                &param.name,
                Wire::Param(param),
                TypeRef::Ty(&param.ty),
                param.required,
                types.has_default(&param.ty),
                Cow::Owned(super::param_doc(param)),
            )
        })
        .collect();
    let mut extra = Vec::new();
    if let Some(body) = &op.body {
        let (ty, has_default) = match &body.kind {
            BodyKind::Json(ty) | BodyKind::Form(ty) => (TypeRef::Ty(ty), types.has_default(ty)),
            BodyKind::Multipart {
                struct_name,
                fields: parts,
            } => {
                let parts: Vec<FieldItem> = parts
                    .iter()
                    .map(|part| {
                        request_field(
                            &part.name,
                            Wire::Part(&part.wire_name),
                            TypeRef::Ty(&part.ty),
                            part.required,
                            types.has_default(&part.ty),
                            match &part.doc {
                                Some(doc) => Cow::Borrowed(doc.as_str()),
                                None => Cow::Owned(format!("The `{}` part.", part.wire_name)),
                            },
                        )
                    })
                    .collect();
                let default = parts.iter().all(|f| f.has_default);
                extra.push(Item {
                    name: struct_name,
                    doc: Cow::Owned(format!(
                        "The `multipart/form-data` body of [`{}`].",
                        op.request_name.as_deref().unwrap_or_default()
                    )),
                    shape: Shape::Struct(StructItem {
                        role: Role::Multipart,
                        serde: Serde::None,
                        default,
                        fields: parts,
                        additional: None,
                        additional_integral: false,
                    }),
                    pointer: Some(Cow::Owned(crate::resolve::join(
                        &op.pointer,
                        &["requestBody"],
                    ))),
                    input: true,
                    gate: Gate::Always,
                });
                (TypeRef::Local(struct_name), default)
            }
            BodyKind::Parts => (TypeRef::Form, true),
            BodyKind::Text(_) => (TypeRef::Text, true),
            BodyKind::Bytes(_) => (TypeRef::Bytes, true),
        };
        fields.push(request_field(
            &body.name,
            Wire::Body,
            ty,
            body.required,
            has_default,
            Cow::Borrowed(body.doc.as_deref().unwrap_or("The request body.")),
        ));
    }
    if let Success::Many { enum_name, cases } = &op.success {
        let variants = cases
            .iter()
            .map(|case| {
                let (ty, boxed) = match &case.payload {
                    Payload::Empty => (None, false),
                    // Boxed like struct variants of unions: the enum stays small.
                    Payload::Json(ty) => (Some(TypeRef::Ty(ty)), types.is_struct(ty)),
                    Payload::Text(_) => (Some(TypeRef::Text), false),
                    Payload::Bytes(_) => (Some(TypeRef::Bytes), false),
                    Payload::Redirect => (Some(TypeRef::Raw), false),
                };
                VariantItem {
                    name: &case.variant,
                    ty,
                    boxed,
                    wire: Some(&case.label),
                    doc: Cow::Owned(format!(
                        "{}: {}",
                        case.label,
                        case.doc.as_deref().unwrap_or("success")
                    )),
                }
            })
            .collect();
        extra.push(Item {
            name: enum_name,
            doc: Cow::Owned(format!(
                "What [`{}::{}`] returns, by status.",
                group.struct_name, op.fn_name
            )),
            shape: Shape::Responses(ResponsesItem { variants }),
            pointer: Some(Cow::Owned(crate::resolve::join(
                &op.pointer,
                &["responses"],
            ))),
            input: false,
            gate: Gate::Always,
        });
    }
    let mut out = Vec::new();
    if let Some(name) = &op.request_name {
        let default = fields.iter().all(|f| f.has_default);
        out.push(Item {
            name,
            doc: Cow::Owned(format!(
                "Parameters of [`{}::{}`].",
                group.struct_name, op.fn_name
            )),
            shape: Shape::Struct(StructItem {
                role: Role::Request,
                serde: Serde::None,
                default,
                fields,
                additional: None,
                additional_integral: false,
            }),
            pointer: Some(Cow::Borrowed(&op.pointer)),
            input: true,
            gate: Gate::Always,
        });
    }
    out.extend(extra);
    out
}

fn method<'m>(
    types: &'m TypeSpace,
    op: &'m Operation,
    auth_consts: &BTreeMap<&'m [Vec<usize>], String>,
) -> Method<'m> {
    let mut doc: Vec<Cow<str>> = Vec::new();
    doc.extend(op.summary.as_deref().map(Cow::Borrowed));
    doc.extend(op.description.as_deref().map(Cow::Borrowed));
    doc.push(Cow::Owned(format!("`{} {}`", op.method, op.path)));
    doc.extend(error_doc(types, op).map(Cow::Owned));
    let (output, decode) = match &op.success {
        Success::One(Payload::Empty) => (Output::Unit, Decode::Nothing),
        Success::One(Payload::Json(ty)) => (Output::Type(TypeRef::Ty(ty)), Decode::Json),
        Success::One(Payload::Text(_)) => (Output::Type(TypeRef::Text), Decode::Text),
        Success::One(Payload::Bytes(_)) => (Output::Type(TypeRef::Bytes), Decode::Bytes),
        Success::One(Payload::Redirect) => (Output::Type(TypeRef::Raw), Decode::Raw),
        Success::Many { enum_name, cases } => {
            let fallback = cases.iter().position(|c| c.status.is_none()).unwrap_or(0);
            let exact = cases
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != fallback)
                .filter_map(|(_, c)| Some((c.status?, c)))
                .collect();
            (
                Output::Responses(enum_name),
                Decode::ByStatus {
                    name: enum_name,
                    exact,
                    fallback: &cases[fallback],
                },
            )
        }
    };
    Method {
        op,
        name: &op.fn_name,
        doc,
        deprecated: op.deprecated,
        request: op.request_name.as_deref(),
        request_default: false,
        output,
        decode,
        auth: auth_consts.get(op.auth.as_slice()).cloned(),
        accept: accept(&op.accept),
        redirects: redirects(&op.success),
    }
}

/// Whether a success of the operation is a redirect.
fn redirects(success: &Success) -> bool {
    match success {
        Success::One(payload) => *payload == Payload::Redirect,
        Success::Many { cases, .. } => cases.iter().any(|c| c.payload == Payload::Redirect),
    }
}

/// The `Accept` header: the media types the operation's successes declare, unless that is
/// JSON alone (the client's default).
fn accept(declared: &[String]) -> Option<String> {
    match declared {
        [] => None,
        [only] if only == "application/json" => None,
        _ => Some(declared.join(", ")),
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
                other => format!("`{}`", super::code_type(types, other)),
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
