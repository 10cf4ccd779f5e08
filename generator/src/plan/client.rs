//! The client's configuration: the environment variables it reads (and the names earlier
//! versions read), the credential methods of its builder, and what it knows of the API's
//! operators (the header that identifies a request, and another name for `request_id()`), which
//! only the maintainer's configuration says ([`crate::config::Client`]): nothing is decided by
//! the API's host name.

use heck::ToShoutySnakeCase;

use crate::config;
use crate::model::Model;
use crate::model::names::Scope;
use crate::model::security::{Scheme, SchemeKind};

/// What `lib.rs` declares about the client.
#[derive(Debug)]
pub struct ClientItem<'m> {
    /// `CLOUDFLARE` in `CLOUDFLARE_API_TOKEN`.
    pub env_prefix: String,
    /// `CLOUDFLARE_BASE_URL`.
    pub base_url_env: String,
    /// One per distinct credential of the security schemes, in the spec's order.
    pub credentials: Vec<CredentialItem<'m>>,
    /// Every operation needs credentials: `Client::from_env` insists on one.
    pub credentials_required: bool,
    /// The response header that identifies a request to the API's operators
    /// (`client.request_id_header` of the configuration).
    pub request_id_header: Option<String>,
    /// Another name for `request_id()` (`ray_id` for Cloudflare's `cf-ray`), with its doc.
    pub request_id_method: Option<RequestIdMethod>,
    /// The credentials a request of `Client::request` (a path the spec does not describe)
    /// sends by default: the alternatives of the spec's global `security`, as indices into the
    /// model's schemes.
    pub default_auth: &'m [Vec<usize>],
    /// The credential alternatives of the crate's operations, each the credentials (by name)
    /// one alternative sends together, distinct, in the order operations first name them;
    /// anonymous alternatives left out. `Client::from_env` warns when the credentials it finds
    /// complete none of them.
    pub operation_auth: Vec<Vec<&'m str>>,
    /// The number of operations.
    pub operations: usize,
}

/// `client.request_id_method` of the configuration: a method of `ApiError`, `ApiResponse` and
/// `RawResponse` returning `request_id()`.
#[derive(Debug)]
pub struct RequestIdMethod {
    pub name: String,
    /// One sentence.
    pub doc: String,
}

/// A credential of the client.
#[derive(Debug)]
pub struct CredentialItem<'m> {
    /// The first scheme sending it.
    pub scheme: &'m Scheme,
    /// The variable `Client::from_env` reads it from.
    pub env: String,
    /// The variable this generator named it before, still read (when `env` is unset) for one
    /// release, with a deprecation note in the crate's changelog.
    pub legacy_env: Option<String>,
    /// The `ClientBuilder` method setting it; `None` for bearer tokens (`token` is built in).
    pub method: Option<String>,
    /// How many operations accept it (in one of their alternatives); the others serve only
    /// `Client::request`.
    pub operations: usize,
}

/// Methods `ClientBuilder` has already; a credential method never takes one of these names.
const BUILDER_METHODS: &[&str] = &[
    "base_url",
    "build",
    "clone",
    "credential",
    "default",
    "fmt",
    "for_service",
    "http_client",
    "max_response_bytes",
    "max_retries",
    "retry_backoff",
    "timeout",
    "token",
    "user_agent",
];

/// `settings`: the configuration's `[client]`, with [`crate::Options::env_prefix`] in its
/// `env_prefix` when given.
pub fn client<'m>(model: &'m Model, settings: &config::Client) -> ClientItem<'m> {
    let prefix = match settings.env_prefix.as_deref() {
        Some(prefix) => prefix.to_string(),
        None => default_env_prefix(model),
    };
    let mut methods = Scope::default();
    for reserved in BUILDER_METHODS {
        methods.claim(reserved.to_string());
    }
    let mut credentials: Vec<CredentialItem> = Vec::new();
    for scheme in &model.schemes {
        if credentials
            .iter()
            .any(|c| c.scheme.credential == scheme.credential)
        {
            continue;
        }
        let env = credential_env(&prefix, scheme);
        // Before: the credential's name as it is, after the prefix (`CLOUDFLARE_API_EMAIL`).
        let legacy = format!("{prefix}_{}", scheme.credential.to_shouty_snake_case());
        let operations = model
            .operations
            .iter()
            .filter(|op| {
                op.auth
                    .iter()
                    .flatten()
                    .any(|i| model.schemes[*i].credential == scheme.credential)
            })
            .count();
        credentials.push(CredentialItem {
            operations,
            scheme,
            legacy_env: (scheme.kind != SchemeKind::Bearer && legacy != env).then_some(legacy),
            env,
            method: (scheme.kind != SchemeKind::Bearer)
                .then(|| methods.claim(scheme.credential.clone())),
        });
    }
    let request_id_header = settings.request_id_header.clone();
    let request_id_method = settings.request_id_method.as_ref().and_then(|name| {
        let header = request_id_header.as_deref()?;
        Some(RequestIdMethod {
            name: name.clone(),
            doc: settings.request_id_doc.clone().unwrap_or_else(|| {
                format!(
                    "The `{header}` response header, which identifies the request to the API's \
                     operators."
                )
            }),
        })
    });
    let mut operation_auth: Vec<Vec<&str>> = Vec::new();
    for alternative in model.operations.iter().flat_map(|op| &op.auth) {
        let mut names: Vec<&str> = alternative
            .iter()
            .map(|i| model.schemes[*i].credential.as_str())
            .collect();
        names.dedup();
        if !names.is_empty() && !operation_auth.contains(&names) {
            operation_auth.push(names);
        }
    }
    ClientItem {
        operation_auth,
        operations: model.operations.len(),
        base_url_env: format!("{prefix}_BASE_URL"),
        env_prefix: prefix,
        credentials,
        credentials_required: !model.operations.is_empty()
            && model
                .operations
                .iter()
                .all(|op| !op.auth.is_empty() && op.auth.iter().all(|a| !a.is_empty())),
        request_id_header,
        request_id_method,
        default_auth: &model.default_auth,
    }
}

/// The variable a credential is read from, named the way API vendors' own SDKs name them: a
/// bearer token is `<PREFIX>_API_TOKEN`; who the caller is (an email, a user name) is
/// `<PREFIX>_EMAIL`, `<PREFIX>_USERNAME`; any other secret is `<PREFIX>_API_<NAME>`
/// (`api_key` → `CLOUDFLARE_API_KEY`, `user_service_key` → `CLOUDFLARE_API_USER_SERVICE_KEY`).
fn credential_env(prefix: &str, scheme: &Scheme) -> String {
    if scheme.kind == SchemeKind::Bearer {
        return format!("{prefix}_API_TOKEN");
    }
    let name = scheme.credential.to_shouty_snake_case();
    let bare = name.strip_prefix("API_").unwrap_or(&name);
    let identity = ["EMAIL", "USER", "USERNAME", "LOGIN", "ACCOUNT", "USER_ID"];
    if bare == "API" {
        format!("{prefix}_API")
    } else if identity.contains(&bare) || bare.ends_with("_EMAIL") {
        format!("{prefix}_{bare}")
    } else {
        format!("{prefix}_API_{bare}")
    }
}

/// The host of a base URL (`https://api.cloudflare.com/client/v4` → `api.cloudflare.com`);
/// empty for a relative one.
fn host(base_url: &str) -> &str {
    let Some((_, rest)) = base_url.split_once("://") else {
        return "";
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or("");
    host_port.split(':').next().unwrap_or("")
}

/// The prefix of the client's environment variables: the name of the server's domain
/// (`api.cloudflare.com` → `CLOUDFLARE`), else the first word of the title (`Cloudflare API`).
fn default_env_prefix(model: &Model) -> String {
    let host = host(&model.base_url);
    let labels: Vec<&str> = host.split('.').filter(|l| !l.is_empty()).collect();
    let domain = match labels.as_slice() {
        // `api.example.co.uk`: the label before a two-letter country code's second level.
        [.., name, second, country] if country.len() == 2 && second.len() <= 3 => Some(*name),
        [.., name, _top] => Some(*name),
        _ => None,
    };
    let from_domain = domain.filter(|d| {
        d.chars().any(|c| c.is_ascii_alphabetic()) && !d.chars().all(|c| c.is_ascii_digit())
    });
    let word = from_domain.map(str::to_string).unwrap_or_else(|| {
        model
            .title
            .split(|c: char| !c.is_ascii_alphanumeric())
            .find(|w| !w.is_empty() && w.starts_with(|c: char| c.is_ascii_alphabetic()))
            .unwrap_or("API")
            .to_string()
    });
    let prefix: String = word
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    if prefix.starts_with(|c: char| c.is_ascii_digit()) {
        format!("API_{prefix}")
    } else {
        prefix
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::security::SchemeKind;

    fn scheme(credential: &str, kind: SchemeKind) -> Scheme {
        Scheme {
            key: credential.to_string(),
            credential: credential.to_string(),
            kind,
            doc: None,
        }
    }

    /// Cloudflare's SDKs and Terraform provider read these names.
    #[test]
    fn credentials_are_named_like_the_vendors_sdks() {
        let header = |name: &str| SchemeKind::Header(name.to_string());
        for (credential, kind, expected) in [
            ("token", SchemeKind::Bearer, "CLOUDFLARE_API_TOKEN"),
            ("api_key", header("X-Auth-Key"), "CLOUDFLARE_API_KEY"),
            ("api_email", header("X-Auth-Email"), "CLOUDFLARE_EMAIL"),
            (
                "user_service_key",
                header("X-Auth-User-Service-Key"),
                "CLOUDFLARE_API_USER_SERVICE_KEY",
            ),
            ("username", SchemeKind::Basic, "CLOUDFLARE_USERNAME"),
            (
                "secret",
                SchemeKind::Query("secret".into()),
                "CLOUDFLARE_API_SECRET",
            ),
            ("api", header("X-Api"), "CLOUDFLARE_API"),
        ] {
            assert_eq!(
                credential_env("CLOUDFLARE", &scheme(credential, kind)),
                expected
            );
        }
    }
}
