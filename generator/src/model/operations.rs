//! Operations: each path item's methods normalized into one request (path-level and
//! operation-level parameters merged, the operation's winning), a success payload, the typed
//! error bodies, and the security alternatives it accepts.

use indexmap::IndexMap;
use openapiv3::{Parameter, ParameterSchemaOrContent, ReferenceOr, StatusCode};

use super::names::{self, Scope};
use super::schema::RawSchema;
use super::types::{Ty, TypeSpace};
use crate::diagnostics::Error;
use crate::resolve::join;

#[derive(Debug, Clone)]
pub struct Operation {
    /// Where the operation is in the spec, e.g. `#/paths/~1meetings/get`.
    pub pointer: String,
    /// Upper-case HTTP method, e.g. `GET`.
    pub method: String,
    /// The path template as written in the spec.
    pub path: String,
    /// The `Client` method's name.
    pub fn_name: String,
    /// The request struct's name.
    pub request_name: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub deprecated: bool,
    pub params: Vec<Param>,
    pub success: Success,
    pub errors: Vec<ErrorCase>,
    pub auth: Auth,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    Path,
    Query,
    Header,
}

#[derive(Debug, Clone)]
pub struct Param {
    /// Field name in the request struct.
    pub name: String,
    /// Name on the wire.
    pub wire_name: String,
    pub location: Location,
    pub ty: Ty,
    pub required: bool,
    pub doc: Option<String>,
}

/// What a successful call returns.
#[derive(Debug, Clone, PartialEq)]
pub enum Success {
    /// No body is described.
    Empty,
    /// A JSON body of this type.
    Json(Ty),
}

/// A non-success status (or range, or `default`) with a described JSON body.
#[derive(Debug, Clone)]
pub struct ErrorCase {
    pub status: String,
    pub ty: Ty,
}

/// The credentials an operation accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Auth {
    None,
    Bearer,
}

/// Builds every operation of the document, in document order.
pub struct OperationBuilder<'s, 'a> {
    pub types: &'s mut TypeSpace<'a>,
    pub api: &'s openapiv3::OpenAPI,
    pub fn_scope: Scope,
}

impl OperationBuilder<'_, '_> {
    pub fn operation(
        &mut self,
        path: &str,
        item_params: &[(ReferenceOr<Parameter>, String)],
        method: &str,
        op: &openapiv3::Operation,
        pointer: &str,
    ) -> Result<Operation, Error> {
        let base = match &op.operation_id {
            Some(id) if !id.trim().is_empty() => names::field_name(id),
            _ => fallback_fn_name(method, path),
        };
        let fn_name = self.fn_scope.claim(base);
        let pascal = names::type_name(&fn_name);
        let request_name = self.types.scope.claim(format!("{pascal}Request"));

        let mut merged: IndexMap<(String, String), (Parameter, String)> = IndexMap::new();
        let op_params = op
            .parameters
            .iter()
            .enumerate()
            .map(|(i, p)| (p.clone(), join(pointer, &["parameters", &i.to_string()])));
        for (param, at) in item_params.iter().cloned().chain(op_params) {
            let (param, at) = self.types.resolver().deref(&param, &at)?;
            let data = param.parameter_data_ref();
            let location = location_name(&param);
            merged.insert((location.to_string(), data.name.clone()), (param, at));
        }
        let mut field_scope = Scope::default();
        let mut params = Vec::new();
        for (param, at) in merged.into_values() {
            if let Some(param) = self.param(&param, &at, &pascal, &mut field_scope)? {
                params.push(param);
            }
        }
        check_path_params(path, &params, pointer)?;

        let (success, errors) = self.responses(op, pointer, &pascal)?;
        let auth = self.auth(op, pointer)?;
        Ok(Operation {
            pointer: pointer.to_string(),
            method: method.to_uppercase(),
            path: path.to_string(),
            fn_name,
            request_name,
            summary: clean(op.summary.as_deref()),
            description: clean(op.description.as_deref()),
            deprecated: op.deprecated,
            params,
            success,
            errors,
            auth,
        })
    }

    fn param(
        &mut self,
        param: &Parameter,
        at: &str,
        op_pascal: &str,
        scope: &mut Scope,
    ) -> Result<Option<Param>, Error> {
        let data = param.parameter_data_ref();
        let location = match param {
            Parameter::Path { .. } => Location::Path,
            Parameter::Query { .. } => Location::Query,
            Parameter::Header { .. } => Location::Header,
            Parameter::Cookie { .. } => {
                return Err(Error::single(
                    at,
                    format!("cookie parameter `{}` is not supported", data.name),
                ));
            }
        };
        let schema_at = match &data.format {
            ParameterSchemaOrContent::Schema(_) => join(at, &["schema"]),
            ParameterSchemaOrContent::Content(content) => match content.keys().next() {
                Some(media) => join(at, &["content", media, "schema"]),
                None => {
                    return Err(Error::single(
                        at,
                        "parameter has neither `schema` nor `content`",
                    ));
                }
            },
        };
        let schema: RawSchema = self.types.resolver().parse(&schema_at)?;
        let hint = format!("{op_pascal}{}", names::type_name(&data.name));
        let typed = self.types.typed(&schema, &schema_at, &hint)?;
        let ty = match (location, &typed.ty) {
            // Identifiers in paths stay strings whatever their format: the server, not the
            // client, decides which values it accepts.
            (Location::Path | Location::Header, Ty::Uuid | Ty::DateTime | Ty::Date) => Ty::String,
            (_, ty) => ty.clone(),
        };
        let doc = clean(data.description.as_deref()).or(typed.doc);
        Ok(Some(Param {
            name: scope.claim(names::field_name(&data.name)),
            wire_name: data.name.clone(),
            location,
            ty,
            required: data.required || location == Location::Path,
            doc,
        }))
    }

    fn responses(
        &mut self,
        op: &openapiv3::Operation,
        pointer: &str,
        op_pascal: &str,
    ) -> Result<(Success, Vec<ErrorCase>), Error> {
        let mut success = Success::Empty;
        let mut errors = Vec::new();
        let mut cases: Vec<(String, &ReferenceOr<openapiv3::Response>, bool)> = op
            .responses
            .responses
            .iter()
            .map(|(code, r)| {
                let ok = match code {
                    StatusCode::Code(c) => (200..300).contains(c),
                    StatusCode::Range(r) => *r == 2,
                };
                (code.to_string(), r, ok)
            })
            .collect();
        if let Some(default) = &op.responses.default {
            cases.push(("default".to_string(), default, false));
        }
        for (status, response, ok) in cases {
            let at = join(
                pointer,
                &[
                    "responses",
                    if status == "default" {
                        "default"
                    } else {
                        &status
                    },
                ],
            );
            let (response, at) = self.types.resolver().deref(response, &at)?;
            let Some((media, _)) = response.content.iter().find(|(m, _)| is_json(m)) else {
                continue;
            };
            let schema_at = join(&at, &["content", media, "schema"]);
            if response.content[media].schema.is_none() {
                continue;
            }
            let schema: RawSchema = self.types.resolver().parse(&schema_at)?;
            let hint = if ok {
                format!("{op_pascal}Response")
            } else {
                format!("{op_pascal}Error")
            };
            let mut typed = self.types.typed(&schema, &schema_at, &hint)?;
            self.types
                .document(&typed.ty, clean(Some(&response.description)).as_deref());
            if ok {
                if success == Success::Empty {
                    if typed.nullable {
                        typed.ty = Ty::Json;
                    }
                    success = Success::Json(typed.ty);
                }
            } else {
                errors.push(ErrorCase {
                    status,
                    ty: typed.ty,
                });
            }
        }
        Ok((success, errors))
    }

    fn auth(&self, op: &openapiv3::Operation, pointer: &str) -> Result<Auth, Error> {
        let requirements = op.security.as_ref().or(self.api.security.as_ref());
        let Some(requirements) = requirements else {
            return Ok(Auth::None);
        };
        if requirements.is_empty() || requirements.iter().any(|r| r.is_empty()) {
            return Ok(Auth::None);
        }
        let schemes = self.api.components.as_ref().map(|c| &c.security_schemes);
        for requirement in requirements {
            let all_bearer = requirement.keys().all(|name| {
                let scheme = schemes.and_then(|s| s.get(name));
                matches!(
                    scheme,
                    Some(ReferenceOr::Item(openapiv3::SecurityScheme::HTTP { scheme, .. }))
                        if scheme.eq_ignore_ascii_case("bearer")
                )
            });
            if all_bearer {
                return Ok(Auth::Bearer);
            }
        }
        Err(Error::single(
            join(pointer, &["security"]),
            "none of the accepted security schemes is supported (only HTTP bearer is)",
        ))
    }
}

fn location_name(param: &Parameter) -> &'static str {
    match param {
        Parameter::Path { .. } => "path",
        Parameter::Query { .. } => "query",
        Parameter::Header { .. } => "header",
        Parameter::Cookie { .. } => "cookie",
    }
}

fn is_json(media: &str) -> bool {
    let media = media
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    media == "application/json" || media.ends_with("+json") || media == "*/*"
}

/// Every `{name}` in the path must be a path parameter, and every path parameter must appear.
fn check_path_params(path: &str, params: &[Param], pointer: &str) -> Result<(), Error> {
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            return Err(Error::single(
                pointer,
                format!("path `{path}` has an unclosed `{{`"),
            ));
        };
        let name = &rest[start + 1..start + len];
        if !params
            .iter()
            .any(|p| p.location == Location::Path && p.wire_name == name)
        {
            return Err(Error::single(
                pointer,
                format!("path parameter `{name}` is not declared"),
            ));
        }
        rest = &rest[start + len + 1..];
    }
    for param in params.iter().filter(|p| p.location == Location::Path) {
        if !path.contains(&format!("{{{}}}", param.wire_name)) {
            return Err(Error::single(
                pointer,
                format!(
                    "path parameter `{}` does not appear in the path",
                    param.wire_name
                ),
            ));
        }
    }
    Ok(())
}

/// `get /accounts/{account_id}/members` → `get_accounts_account_id_members`.
fn fallback_fn_name(method: &str, path: &str) -> String {
    let words: Vec<&str> = path
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    names::field_name(&format!("{method} {}", words.join(" ")))
}

/// Trims text from the spec and drops it when empty.
pub fn clean(text: Option<&str>) -> Option<String> {
    text.map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
}
