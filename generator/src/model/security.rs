//! Security: the schemes of `components.securitySchemes` the client can send, and for each
//! operation the alternatives (`security`) it accepts, each a set of schemes used together.

use openapiv3::{APIKeyLocation, ReferenceOr, SecurityRequirement, SecurityScheme};

use super::names::{self, Scope};
use crate::diagnostics::{Category, Diagnostic, Error, Severity};
use crate::resolve::join;

/// How a credential is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemeKind {
    /// `Authorization: Bearer <token>` (HTTP bearer, and the access token of OAuth 2 and
    /// OpenID Connect).
    Bearer,
    /// `Authorization: Basic <base64 of user:password>`.
    Basic,
    /// An API key in this header.
    Header(String),
    /// An API key in this query parameter.
    Query(String),
}

#[derive(Debug, Clone)]
pub struct Scheme {
    /// The scheme's key in `components.securitySchemes`.
    pub key: String,
    /// Name of the client credential that feeds it (`token` for every bearer scheme).
    pub credential: String,
    pub kind: SchemeKind,
    pub doc: Option<String>,
}

/// Every scheme the client can send, in the spec's order. A spec that declares no security at
/// all (common: the docs say "send a bearer token" in prose) gets one implicit bearer scheme,
/// used by every operation when the client has a token; see [`IMPLICIT_BEARER`].
pub fn schemes(api: &openapiv3::OpenAPI) -> Vec<Scheme> {
    let declared = declared_schemes(api);
    let any_requirement = api.security.is_some()
        || api.paths.paths.values().any(|item| match item {
            ReferenceOr::Item(item) => item.iter().any(|(_, op)| op.security.is_some()),
            ReferenceOr::Reference { .. } => false,
        });
    let any_declared = api
        .components
        .as_ref()
        .is_some_and(|c| !c.security_schemes.is_empty());
    if declared.is_empty() && !any_requirement && !any_declared {
        return vec![Scheme {
            key: IMPLICIT_BEARER.to_string(),
            credential: "token".to_string(),
            kind: SchemeKind::Bearer,
            doc: Some("The spec declares no security; a token set on the client is sent as a bearer token.".to_string()),
        }];
    }
    declared
}

/// The key of the bearer scheme a spec without any security gets.
pub const IMPLICIT_BEARER: &str = "bearer_token_if_set";

fn declared_schemes(api: &openapiv3::OpenAPI) -> Vec<Scheme> {
    let Some(components) = &api.components else {
        return Vec::new();
    };
    let mut credentials = Scope::default();
    credentials.claim("token".to_string());
    let mut out = Vec::new();
    for (key, scheme) in &components.security_schemes {
        let ReferenceOr::Item(scheme) = scheme else {
            continue;
        };
        let (kind, doc) = match scheme {
            SecurityScheme::HTTP {
                scheme,
                description,
                ..
            } if scheme.eq_ignore_ascii_case("bearer") => (SchemeKind::Bearer, description),
            SecurityScheme::HTTP {
                scheme,
                description,
                ..
            } if scheme.eq_ignore_ascii_case("basic") => (SchemeKind::Basic, description),
            SecurityScheme::OAuth2 { description, .. }
            | SecurityScheme::OpenIDConnect { description, .. } => {
                (SchemeKind::Bearer, description)
            }
            SecurityScheme::APIKey {
                location: APIKeyLocation::Header,
                name,
                description,
                ..
            } => (SchemeKind::Header(name.clone()), description),
            SecurityScheme::APIKey {
                location: APIKeyLocation::Query,
                name,
                description,
                ..
            } => (SchemeKind::Query(name.clone()), description),
            // Cookies and other HTTP schemes (digest, ...) are not sent by the client.
            _ => continue,
        };
        let credential = match kind {
            SchemeKind::Bearer => "token".to_string(),
            _ => credentials.claim(names::field_name(key)),
        };
        let doc = doc
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(str::to_string);
        out.push(Scheme {
            key: key.clone(),
            credential,
            kind,
            doc,
        });
    }
    out
}

/// Every scheme a security requirement names must be declared in `components.securitySchemes`
/// (OpenAPI 3.0 says so); each one that is not is bad input, located at its requirement
/// (`pointer` is the `security` list).
pub fn check_declared(
    requirements: &[SecurityRequirement],
    api: &openapiv3::OpenAPI,
    pointer: &str,
) -> Result<(), Error> {
    let declared = |key: &str| {
        api.components
            .as_ref()
            .is_some_and(|c| c.security_schemes.contains_key(key))
    };
    let diagnostics: Vec<Diagnostic> = requirements
        .iter()
        .enumerate()
        .flat_map(|(i, requirement)| {
            requirement
                .keys()
                .filter(|key| !declared(key))
                .map(move |key| Diagnostic {
                    severity: Severity::Error,
                    category: Category::BadInput,
                    pointer: join(pointer, &[&i.to_string()]),
                    message: format!(
                        "security scheme `{key}` is not declared in `components.securitySchemes`"
                    ),
                })
        })
        .collect();
    if diagnostics.is_empty() {
        Ok(())
    } else {
        Err(Error { diagnostics })
    }
}

/// The alternatives an operation accepts, as indices into `schemes`. `Ok(vec![])`: no
/// credentials needed. An alternative that is empty (`{}` in the spec) makes credentials
/// optional. `Err` names the schemes when none of the alternatives can be sent.
pub fn alternatives(
    requirements: Option<&Vec<SecurityRequirement>>,
    schemes: &[Scheme],
) -> Result<Vec<Vec<usize>>, String> {
    let Some(requirements) = requirements else {
        // No requirement anywhere: send the implicit bearer token when the client has one.
        return Ok(match schemes {
            [scheme] if scheme.key == IMPLICIT_BEARER => vec![vec![0], Vec::new()],
            _ => Vec::new(),
        });
    };
    let mut out = Vec::new();
    let mut unsupported = Vec::new();
    for requirement in requirements {
        let found: Option<Vec<usize>> = requirement
            .keys()
            .map(|key| schemes.iter().position(|s| &s.key == key))
            .collect();
        match found {
            Some(indices) => {
                if !out.contains(&indices) {
                    out.push(indices);
                }
            }
            None => unsupported.extend(requirement.keys().cloned()),
        }
    }
    if out.is_empty() && !requirements.is_empty() {
        return Err(format!(
            "none of its security schemes can be sent by the client ({})",
            unsupported.join(", ")
        ));
    }
    if out.iter().any(Vec::is_empty) {
        // Anonymous access is allowed: credentials are sent when the client has them.
        out.retain(|a| !a.is_empty());
        if !out.is_empty() {
            out.push(Vec::new());
        }
    }
    Ok(out)
}
