//! The maintainer's configuration of a generated crate: a TOML file beside the spec
//! (`spec/realtime-kit.toml` for `spec/realtime-kit.yaml`), which `xtask` reads and passes in
//! [`crate::Options::config`]. Every part is optional; an absent file is [`Config::default`].
//!
//! ```toml
//! [package]                 # the generated Cargo.toml's [package] (cargo's keys)
//! name = "cloudflare-realtime-kit"
//! version = "0.2.0"
//! description = "..."
//! license = "MIT OR Apache-2.0"
//! repository = "https://github.com/..."
//! homepage = "..."
//! documentation = "https://docs.rs/cloudflare-realtime-kit"
//! readme = "README.md"
//! keywords = ["cloudflare", "realtime"]
//! categories = ["api-bindings"]
//! [package.docs-rs]         # [package.metadata.docs.rs] of the generated Cargo.toml
//! all-features = true
//! rustdoc-args = ["--cfg", "docsrs"]
//!
//! [rename.types]            # a JSON pointer or a generated name -> the name to use
//! "#/components/schemas/realtimekit_Preset/properties/ui" = "PresetUi"
//! PresetPrivate = "PrivateChatPermissions"
//! [rename.methods]          # a JSON pointer (of the operation), an operationId or a method
//! kick_partcipants = "kick_participants"
//!
//! [types.overrides]         # a schema's or property's pointer -> a Rust type
//! "#/components/schemas/realtimekit_Meeting/properties/status" = "String"
//!
//! [filter]                  # which operations the crate has (tags or paths; `*` at the end
//! include_tags = ["Meetings"]     # of a path matches any rest)
//! exclude_paths = ["/accounts/{account_id}/realtime/kit/{app_id}/analytics/*"]
//!
//! [client]                  # what the client knows of the API beyond its description
//! env_prefix = "CLOUDFLARE"       # CLOUDFLARE_API_TOKEN, CLOUDFLARE_BASE_URL, ...
//! base_url = "https://api.cloudflare.com/client/v4"   # instead of the spec's first server
//! request_id_header = "cf-ray"    # the response header naming a request (errors, request_id())
//! request_id_method = "ray_id"    # another name for request_id(), as the API's operators say
//! request_id_doc = "The `cf-ray` response header, which identifies the request to Cloudflare support."
//!
//! [spec]                    # how the description is read
//! overlays = ["fixes.overlay.yaml"]   # OpenAPI Overlays applied in order (paths relative to
//!                                     # this file)
//!
//! [docs]                    # the crate docs' opening (Markdown); without it, the spec's
//!                           # title and package.description, else info.description
//! front_page = "Cloudflare Realtime Kit: meetings, participants, recordings."
//!
//! [spec]                    # how the description's files are read
//! allow_outside = ["../shared"]   # folders beyond the spec's own its references may reach
//!                                 # (absolute ones, `/opt/specs`, let absolute paths be read)
//! allow_urls = ["https://schemas.example.com/v1/"]   # URL prefixes (http, https) whose files
//!                                 # references may read: the command-line tool fetches them
//!                                 # (a build script reads no network)
//! ```
//!
//! Parsing ([`Config::parse`]) refuses unknown keys, wrong types and invalid values, each
//! error naming the file, the line and column, and the key. What cannot be checked without
//! the spec (a rename or override that matches nothing, a rename that collides, a tag no
//! operation has) is checked by [`crate::generate`], with the same locations.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use crate::diagnostics::{Category, Diagnostic, Error, Severity};

/// The parsed configuration.
///
/// ```
/// use openapi_client_codegen::config::Config;
///
/// let config = Config::parse(
///     "[package]\nname = \"petstore-client\"\n[client]\nrequest_id_header = \"x-request-id\"\n",
///     "petstore.toml",
/// )?;
/// assert_eq!(config.package.name.as_deref(), Some("petstore-client"));
/// assert_eq!(config.client.request_id_header.as_deref(), Some("x-request-id"));
///
/// // Every mistake is named with its file, line, column and key.
/// let error = Config::parse("[client]\nenv_prefix = \"pets\"\n", "petstore.toml").unwrap_err();
/// assert!(error.to_string().starts_with("error: petstore.toml:2:14: `client.env_prefix`:"));
/// # Ok::<(), openapi_client_codegen::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    /// Where it was read from (`spec/realtime-kit.toml`), for messages.
    pub label: String,
    /// `[package]`.
    pub package: Package,
    /// `[rename.types]`: pointer or generated name → type name.
    pub rename_types: Vec<Entry>,
    /// `[rename.methods]`: operation pointer, operationId or method name → method name.
    pub rename_methods: Vec<Entry>,
    /// `[types.overrides]`: schema or property pointer → Rust type.
    pub type_overrides: Vec<Entry>,
    /// `[filter]`.
    pub filter: Filter,
    /// `[client]`: what the client knows of the API beyond its description.
    pub client: Client,
    /// `[docs]`: the crate's documentation.
    pub docs: Docs,
    /// `[spec]`: how the description is read.
    pub spec: Spec,
}

/// `[spec]`: how the description is read: its files and the overlays applied to it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Spec {
    /// `allow_outside`: folders outside the description's folder (relative to it, which is
    /// where the configuration file sits: `["../shared"]`) that its references may reach.
    /// Without it, a reference leaving the folder is an error. A folder written as an absolute
    /// path (`/opt/specs`) lets an absolute reference (`/opt/specs/common.yaml`) be read;
    /// without one, an absolute path is an error.
    pub allow_outside: Vec<Item>,
    /// `allow_urls`: URL prefixes (`https://schemas.example.com/v1/`, `http` or `https`) under
    /// which a referenced URL is read, and relative references in its file with it. Without
    /// it, a URL is an error (an example's `externalValue` URL is left as written). The
    /// library fetches nothing: the caller's [`crate::files::Files`] is given the URL (the
    /// command-line tool fetches it; [`crate::build::Build`] refuses it).
    pub allow_urls: Vec<Item>,
    /// `overlays`: OpenAPI Overlay documents applied to the description in order, before
    /// generation (paths relative to the configuration file). The library reads no file: the
    /// caller reads them into [`crate::Options::overlays`] (the command-line tool and
    /// [`crate::build::Build`] do).
    pub overlays: Vec<Item>,
}

/// `[client]`: settings of the generated client that a description does not carry. `None`: the
/// default, derived from the spec.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Client {
    /// `env_prefix`: the prefix of the environment variables `Client::from_env` reads
    /// (`CLOUDFLARE` → `CLOUDFLARE_API_TOKEN`, `CLOUDFLARE_BASE_URL`). Default: the name of the
    /// default server's domain, else the first word of `info.title`. [`crate::Options::env_prefix`]
    /// takes precedence.
    pub env_prefix: Option<String>,
    /// `base_url`: the client's default base URL (`DEFAULT_BASE_URL`), instead of the spec's
    /// first server (an absolute `http` or `https` URL).
    pub base_url: Option<String>,
    /// `request_id_header`: the response header that identifies a request to the API's
    /// operators (`cf-ray`, `x-request-id`), which error messages show and `request_id()`
    /// returns. Default: none. Stored in lower case.
    pub request_id_header: Option<String>,
    /// `request_id_method`: another name for `request_id()` on `ApiError`, `ApiResponse` and
    /// `RawResponse`, as the API's operators call it (`ray_id`). Needs `request_id_header`.
    pub request_id_method: Option<String>,
    /// `request_id_doc`: the doc comment of that method. Default: ``The `<header>` response
    /// header, which identifies the request to the API's operators.``
    pub request_id_doc: Option<String>,
}

/// `[docs]`: the crate's documentation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Docs {
    /// `front_page`: the opening of the crate docs (the front page on docs.rs), in Markdown.
    /// Without it the page opens with the spec's `info.title` and `[package] description`,
    /// else `info.description` (often a vendor's text for its whole portal, so the
    /// configuration comes first). What follows it (the operation count, the quick start, the
    /// features and the operations) is generated as always.
    pub front_page: Option<String>,
}

/// `[package]`: what the generated Cargo.toml says about the crate. `None`: the default.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Package {
    /// The crate's name (the CLI's `--name` wins); default: the output directory's name.
    pub name: Option<String>,
    /// Semantic version; default `0.1.0`.
    pub version: Option<String>,
    /// One sentence for crates.io; default: "A Rust client for `info.title`."
    pub description: Option<String>,
    /// An SPDX expression; without one, the crate has `publish = false`.
    pub license: Option<String>,
    /// URL of the repository.
    pub repository: Option<String>,
    /// URL of the API's home page.
    pub homepage: Option<String>,
    /// URL of the documentation; default: docs.rs.
    pub documentation: Option<String>,
    /// The README's file name; default `README.md`.
    pub readme: Option<String>,
    /// crates.io keywords (at most 5).
    pub keywords: Vec<String>,
    /// crates.io categories.
    pub categories: Vec<String>,
    /// `[package.docs-rs]`.
    pub docs_rs: Option<DocsRs>,
}

/// `[package.docs-rs]`: how docs.rs builds the documentation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DocsRs {
    /// `all-features`.
    pub all_features: Option<bool>,
    /// `no-default-features`.
    pub no_default_features: Option<bool>,
    /// `features`.
    pub features: Vec<String>,
    /// `rustdoc-args`.
    pub rustdoc_args: Vec<String>,
}

/// `[filter]`: operations kept. With includes, an operation is kept when it has one of the
/// tags or paths; excludes then drop operations.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    /// `include_tags`: keep operations with one of these tags.
    pub include_tags: Vec<Item>,
    /// `exclude_tags`: drop operations with one of these tags.
    pub exclude_tags: Vec<Item>,
    /// `include_paths`: keep operations of these paths (`*` at the end matches any rest).
    pub include_paths: Vec<Item>,
    /// `exclude_paths`: drop operations of these paths.
    pub exclude_paths: Vec<Item>,
}

impl Filter {
    /// No filter: every operation is kept.
    pub fn is_empty(&self) -> bool {
        self.include_tags.is_empty()
            && self.exclude_tags.is_empty()
            && self.include_paths.is_empty()
            && self.exclude_paths.is_empty()
    }
}

/// One `key = "value"` of a table, and where it is written.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The key, unquoted.
    pub key: String,
    /// The value.
    pub value: String,
    /// Where the key is written.
    pub at: Location,
}

/// One value of a list, and where it is written.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// The value.
    pub value: String,
    /// Where it is written.
    pub at: Location,
}

/// A place in the configuration file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// `spec/realtime-kit.toml:12:1`.
    pub position: String,
    /// The key, as TOML spells it: `rename.types."PresetPrivate"`.
    pub key: String,
}

impl Location {
    /// An error at this place (a [`Diagnostic`] whose pointer is the file position).
    pub fn error(&self, message: impl std::fmt::Display) -> Error {
        Error {
            diagnostics: vec![self.diagnostic(message)],
        }
    }

    /// An error diagnostic at this place.
    pub fn diagnostic(&self, message: impl std::fmt::Display) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            category: Category::BadInput,
            pointer: self.position.clone(),
            message: format!("`{}`: {message}", self.key),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    package: Option<RawPackage>,
    rename: Option<RawRename>,
    types: Option<RawTypes>,
    filter: Option<RawFilter>,
    client: Option<RawClient>,
    docs: Option<RawDocs>,
    spec: Option<RawSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpec {
    allow_outside: Option<Vec<Spanned<String>>>,
    allow_urls: Option<Vec<Spanned<String>>>,
    overlays: Option<Vec<Spanned<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClient {
    env_prefix: Option<Spanned<String>>,
    base_url: Option<Spanned<String>>,
    request_id_header: Option<Spanned<String>>,
    request_id_method: Option<Spanned<String>>,
    request_id_doc: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDocs {
    front_page: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPackage {
    name: Option<Spanned<String>>,
    version: Option<Spanned<String>>,
    description: Option<String>,
    license: Option<Spanned<String>>,
    repository: Option<String>,
    homepage: Option<String>,
    documentation: Option<String>,
    readme: Option<String>,
    keywords: Option<Vec<Spanned<String>>>,
    categories: Option<Vec<String>>,
    #[serde(rename = "docs-rs")]
    docs_rs: Option<RawDocsRs>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawDocsRs {
    all_features: Option<bool>,
    no_default_features: Option<bool>,
    features: Option<Vec<String>>,
    rustdoc_args: Option<Vec<String>>,
}

type Table = BTreeMap<Spanned<String>, Spanned<String>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRename {
    types: Option<Table>,
    methods: Option<Table>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTypes {
    overrides: Option<Table>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFilter {
    include_tags: Option<Vec<Spanned<String>>>,
    exclude_tags: Option<Vec<Spanned<String>>>,
    include_paths: Option<Vec<Spanned<String>>>,
    exclude_paths: Option<Vec<Spanned<String>>>,
}

/// 1-based line and column (in characters) of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, column)
}

/// A TOML key segment, quoted when it is not a bare key.
fn key_segment(key: &str) -> String {
    if !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        key.to_string()
    } else {
        format!("{key:?}")
    }
}

struct Reader<'t> {
    label: &'t str,
    text: &'t str,
}

impl Reader<'_> {
    fn at(&self, offset: usize, key: String) -> Location {
        let (line, column) = line_column(self.text, offset);
        Location {
            position: format!("{}:{line}:{column}", self.label),
            key,
        }
    }

    fn table(&self, prefix: &str, table: Option<Table>) -> Vec<Entry> {
        table
            .into_iter()
            .flatten()
            .map(|(key, value)| {
                let at = self.at(
                    key.span().start,
                    format!("{prefix}.{}", key_segment(key.get_ref())),
                );
                Entry {
                    key: key.into_inner(),
                    value: value.into_inner(),
                    at,
                }
            })
            .collect()
    }

    fn list(&self, key: &str, values: Option<Vec<Spanned<String>>>) -> Vec<Item> {
        values
            .into_iter()
            .flatten()
            .enumerate()
            .map(|(i, value)| Item {
                at: self.at(value.span().start, format!("{key}[{i}]")),
                value: value.into_inner(),
            })
            .collect()
    }
}

/// Methods of `ApiError`, `ApiResponse` and `RawResponse` (and the traits every type has) that
/// `request_id_method` cannot take.
const RESPONSE_METHODS: &[&str] = &[
    "api",
    "attempts",
    "body",
    "body_as",
    "bytes",
    "clone",
    "code",
    "deref",
    "earlier_attempts",
    "eq",
    "fmt",
    "for_service",
    "from",
    "header",
    "headers",
    "into",
    "into_inner",
    "into_json",
    "is_connection",
    "is_timeout",
    "json",
    "location",
    "max_retries",
    "message",
    "method",
    "new",
    "raw",
    "request_id",
    "retry_after",
    "send_blocking",
    "source",
    "status",
    "stream",
    "text",
    "timeout",
    "to_string",
    "url",
    "value",
    "with_request",
    "with_response",
];

impl Reader<'_> {
    /// `[client]`, each value checked where it is written.
    fn client(&self, raw: RawClient, errors: &mut Vec<Diagnostic>) -> Client {
        let at = |value: &Spanned<String>, key: &str| self.at(value.span().start, key.into());
        if let Some(prefix) = &raw.env_prefix {
            let p = prefix.get_ref();
            let valid = p.starts_with(|c: char| c.is_ascii_uppercase())
                && !p.ends_with('_')
                && p.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
            if !valid {
                errors.push(at(prefix, "client.env_prefix").diagnostic(format_args!(
                    "`{p}` is not an environment variable prefix (upper-case ASCII letters, \
                     digits and `_`, starting with a letter and not ending with `_`, e.g. \
                     `CLOUDFLARE`)"
                )));
            }
        }
        if let Some(url) = &raw.base_url {
            if !valid_base_url(url.get_ref()) {
                errors.push(at(url, "client.base_url").diagnostic(format_args!(
                    "`{}` is not an absolute URL (`https://` or `http://`, a host, no spaces, \
                     e.g. `https://api.example.com/v1`)",
                    url.get_ref()
                )));
            }
        }
        if let Some(header) = &raw.request_id_header {
            let h = header.get_ref();
            // RFC 9110's token: what a header name may be made of.
            let valid = !h.is_empty()
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c));
            if !valid {
                errors.push(
                    at(header, "client.request_id_header").diagnostic(format_args!(
                        "`{h}` is not an HTTP header name (ASCII letters, digits and \
                     ``!#$%&'*+-.^_`|~``, e.g. `x-request-id`)"
                    )),
                );
            }
        }
        if let Some(method) = &raw.request_id_method {
            let m = method.get_ref();
            let at = at(method, "client.request_id_method");
            if !is_identifier(m)
                || !m.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
                || m.chars().any(|c| c.is_ascii_uppercase())
            {
                errors.push(at.diagnostic(format_args!(
                    "`{m}` is not a method name (a snake_case identifier)"
                )));
            } else if RESPONSE_METHODS.contains(&m.as_str()) {
                errors.push(at.diagnostic(format_args!(
                    "`{m}` is already a method of `ApiError`, `ApiResponse` or `RawResponse`"
                )));
            } else if raw.request_id_header.is_none() {
                errors.push(
                    at.diagnostic("needs `client.request_id_header`, the header the method reads"),
                );
            }
        }
        if let Some(doc) = &raw.request_id_doc {
            if raw.request_id_method.is_none() {
                errors.push(
                    at(doc, "client.request_id_doc")
                        .diagnostic("documents `client.request_id_method`, which is not set"),
                );
            } else if doc.get_ref().trim().is_empty() {
                errors.push(
                    at(doc, "client.request_id_doc")
                        .diagnostic("is empty (a sentence, or leave the key out)"),
                );
            }
        }
        Client {
            env_prefix: raw.env_prefix.map(Spanned::into_inner),
            base_url: raw.base_url.map(Spanned::into_inner),
            request_id_header: raw
                .request_id_header
                .map(|h| h.into_inner().to_ascii_lowercase()),
            request_id_method: raw.request_id_method.map(Spanned::into_inner),
            request_id_doc: raw.request_id_doc.map(Spanned::into_inner),
        }
    }
}

/// `http://` or `https://`, a host, and no whitespace or control characters.
fn valid_base_url(url: &str) -> bool {
    let Some((scheme, rest)) = url.split_once("://") else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    matches!(scheme, "http" | "https")
        && !host.is_empty()
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

impl Config {
    /// Parses and checks the text of a configuration file; `label` names it in errors (see
    /// [`Config`] for an example).
    pub fn parse(text: &str, label: &str) -> Result<Config, Error> {
        let reader = Reader { label, text };
        let deserializer = toml::Deserializer::parse(text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            Error {
                diagnostics: vec![Diagnostic {
                    severity: Severity::Error,
                    category: Category::BadInput,
                    pointer: reader.at(offset, String::new()).position,
                    message: format!("invalid TOML: {}", e.message().trim()),
                }],
            }
        })?;
        let raw: RawConfig = serde_path_to_error::deserialize(deserializer).map_err(|e| {
            // A `Spanned` value shows as a field of its own in the path: not a key of the file.
            let path = e
                .path()
                .to_string()
                .replace(".$__serde_spanned_private_value", "");
            let inner = e.into_inner();
            let offset = inner.span().map_or(0, |s| s.start);
            let key = if path == "." { String::new() } else { path };
            let message = inner.message().trim().to_string();
            let at = reader.at(offset, key);
            if at.key.is_empty() {
                Error {
                    diagnostics: vec![Diagnostic {
                        severity: Severity::Error,
                        category: Category::BadInput,
                        pointer: at.position,
                        message,
                    }],
                }
            } else {
                at.error(message)
            }
        })?;
        let mut config = Config {
            label: label.to_string(),
            ..Config::default()
        };
        let mut errors = Vec::new();
        if let Some(package) = raw.package {
            if let Some(name) = &package.name {
                if !valid_crate_name(name.get_ref()) {
                    errors.push(reader.at(name.span().start, "package.name".into()).diagnostic(
                        format_args!(
                            "`{}` is not a valid crate name (ASCII letters, digits, `-` and `_`, \
                             starting with a letter, at most 64 characters)",
                            name.get_ref()
                        ),
                    ));
                }
            }
            if let Some(version) = &package.version {
                if !valid_version(version.get_ref()) {
                    errors.push(
                        reader
                            .at(version.span().start, "package.version".into())
                            .diagnostic(format_args!(
                                "`{}` is not a semantic version (MAJOR.MINOR.PATCH, e.g. `0.2.0`)",
                                version.get_ref()
                            )),
                    );
                }
            }
            if let Some(license) = &package.license {
                if license.get_ref().trim().is_empty() {
                    errors.push(
                        reader
                            .at(license.span().start, "package.license".into())
                            .diagnostic("is empty (an SPDX expression, e.g. `MIT OR Apache-2.0`)"),
                    );
                }
            }
            let keywords = reader.list("package.keywords", package.keywords);
            if keywords.len() > 5 {
                errors.push(
                    keywords[5]
                        .at
                        .diagnostic("crates.io takes at most 5 keywords"),
                );
            }
            for keyword in &keywords {
                if !valid_keyword(&keyword.value) {
                    errors.push(keyword.at.diagnostic(format_args!(
                        "`{}` is not a crates.io keyword (ASCII letters, digits, `-`, `_` and \
                         `+`, starting with a letter, at most 20 characters)",
                        keyword.value
                    )));
                }
            }
            config.package = Package {
                name: package.name.map(Spanned::into_inner),
                version: package.version.map(Spanned::into_inner),
                description: package.description,
                license: package.license.map(Spanned::into_inner),
                repository: package.repository,
                homepage: package.homepage,
                documentation: package.documentation,
                readme: package.readme,
                keywords: keywords.into_iter().map(|k| k.value).collect(),
                categories: package.categories.unwrap_or_default(),
                docs_rs: package.docs_rs.map(|d| DocsRs {
                    all_features: d.all_features,
                    no_default_features: d.no_default_features,
                    features: d.features.unwrap_or_default(),
                    rustdoc_args: d.rustdoc_args.unwrap_or_default(),
                }),
            };
        }
        if let Some(rename) = raw.rename {
            config.rename_types = reader.table("rename.types", rename.types);
            config.rename_methods = reader.table("rename.methods", rename.methods);
        }
        for entry in &config.rename_types {
            if !is_identifier(&entry.value)
                || !entry.value.starts_with(|c: char| c.is_ascii_uppercase())
            {
                errors.push(entry.at.diagnostic(format_args!(
                    "`{}` is not a type name (an identifier starting with an upper-case letter)",
                    entry.value
                )));
            }
        }
        for entry in &config.rename_methods {
            if !is_identifier(&entry.value)
                || !entry
                    .value
                    .starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
            {
                errors.push(entry.at.diagnostic(format_args!(
                    "`{}` is not a method name (a snake_case identifier)",
                    entry.value
                )));
            }
        }
        if let Some(types) = raw.types {
            config.type_overrides = reader.table("types.overrides", types.overrides);
        }
        for entry in &config.type_overrides {
            if !entry.key.starts_with("#/") && !entry.key.contains("#/") {
                errors.push(entry.at.diagnostic(
                    "an override is keyed by the JSON pointer of a schema or property \
                     (`#/components/schemas/...`, or `file.yaml#/...` in another file)",
                ));
            }
            if syn::parse_str::<syn::Type>(&entry.value).is_err() {
                errors.push(entry.at.diagnostic(format_args!(
                    "`{}` is not a Rust type (e.g. `serde_json::Value`, `String`, `i64`)",
                    entry.value
                )));
            }
        }
        if let Some(spec) = raw.spec {
            config.spec.allow_outside = reader.list("spec.allow_outside", spec.allow_outside);
            for item in &config.spec.allow_outside {
                let v = &item.value;
                if v.contains("://") || v.starts_with('\\') || v.trim().is_empty() {
                    errors.push(item.at.diagnostic(format_args!(
                        "`{v}` is not a folder, relative to the description's folder (such as \
                         `../shared`) or absolute (such as `/opt/specs`)"
                    )));
                }
            }
            config.spec.allow_urls = reader.list("spec.allow_urls", spec.allow_urls);
            for item in &config.spec.allow_urls {
                let v = &item.value;
                let problem = match url::Url::parse(v) {
                    Err(e) => Some(e.to_string()),
                    Ok(url) if !matches!(url.scheme(), "http" | "https") => {
                        Some(format!("its scheme is `{}`", url.scheme()))
                    }
                    Ok(url) if url.query().is_some() || url.fragment().is_some() => {
                        Some("a prefix has no query or fragment".to_string())
                    }
                    Ok(_) => None,
                };
                if let Some(problem) = problem {
                    errors.push(item.at.diagnostic(format_args!(
                        "`{v}` is not an http or https URL prefix (such as \
                         `https://schemas.example.com/v1/`): {problem}"
                    )));
                }
            }
            config.spec.overlays = reader.list("spec.overlays", spec.overlays);
        }
        for item in &config.spec.overlays {
            if item.value.trim().is_empty() {
                errors.push(item.at.diagnostic("is empty (the path of an overlay file)"));
            }
        }
        if let Some(filter) = raw.filter {
            config.filter = Filter {
                include_tags: reader.list("filter.include_tags", filter.include_tags),
                exclude_tags: reader.list("filter.exclude_tags", filter.exclude_tags),
                include_paths: reader.list("filter.include_paths", filter.include_paths),
                exclude_paths: reader.list("filter.exclude_paths", filter.exclude_paths),
            };
        }
        for item in config
            .filter
            .include_paths
            .iter()
            .chain(&config.filter.exclude_paths)
        {
            if !item.value.starts_with('/') {
                errors.push(item.at.diagnostic(format_args!(
                    "`{}` is not a path of the spec (they start with `/`)",
                    item.value
                )));
            }
        }
        if let Some(client) = raw.client {
            config.client = reader.client(client, &mut errors);
        }
        if let Some(docs) = raw.docs {
            if let Some(front_page) = &docs.front_page {
                if front_page.get_ref().trim().is_empty() {
                    errors.push(
                        reader
                            .at(front_page.span().start, "docs.front_page".into())
                            .diagnostic("is empty (Markdown text, or leave the key out)"),
                    );
                }
            }
            config.docs = Docs {
                front_page: docs.front_page.map(Spanned::into_inner),
            };
        }
        if errors.is_empty() {
            Ok(config)
        } else {
            Err(Error {
                diagnostics: errors,
            })
        }
    }
}

/// Whether `path` matches a filter's path: equal, or starting with what precedes a final `*`.
pub fn path_matches(pattern: &str, path: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => path.starts_with(prefix),
        None => pattern == path,
    }
}

fn is_identifier(name: &str) -> bool {
    syn::parse_str::<syn::Ident>(name).is_ok()
}

fn valid_crate_name(name: &str) -> bool {
    name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn valid_keyword(keyword: &str) -> bool {
    keyword.len() <= 20
        && keyword.starts_with(|c: char| c.is_ascii_alphabetic())
        && keyword
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+'))
}

fn valid_version(version: &str) -> bool {
    let core = version.split(['-', '+']).next().unwrap_or_default();
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.chars().all(|c| c.is_ascii_digit())
                && (p.len() == 1 || !p.starts_with('0'))
        })
}
