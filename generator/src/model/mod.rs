//! Stage 3: normalize the document into a small model of operations and types, the only input
//! of the plan.

pub mod configure;
pub mod names;
pub mod numbers;
pub mod operations;
pub mod pagination;
pub mod schema;
pub mod security;
pub mod types;
pub mod webhooks;

use openapiv3::ReferenceOr;

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Error, Severity};
use crate::load::Document;
use crate::resolve::{Resolver, join};
use operations::{Operation, OperationBuilder};
use types::TypeSpace;

/// Operations sharing a tag (or a first path segment), reached as `client.<accessor>()`.
#[derive(Debug, Clone)]
pub struct Group {
    /// The tag as written in the spec (or the path segment).
    pub tag: String,
    /// How the docs describe the group's operations: "tagged `Meetings`".
    pub about: String,
    /// Module (and accessor method) name.
    pub module: String,
    /// The struct whose methods are the group's operations.
    pub struct_name: String,
    /// Indices into `Model::operations`.
    pub operations: Vec<usize>,
}

/// Everything the emitters need.
pub struct Model<'a> {
    pub title: String,
    pub description: Option<String>,
    pub version: String,
    /// The first server's URL: the client's default base URL.
    pub base_url: String,
    pub operations: Vec<Operation>,
    pub types: TypeSpace<'a>,
    /// Operations left out, each with the reason; its category says whether the spec is wrong
    /// there or uses what the client cannot express.
    pub skipped: Vec<Diagnostic>,
    /// Security schemes the client can send.
    pub schemes: Vec<security::Scheme>,
    /// The credential alternatives of the spec's global `security` (indices into `schemes`,
    /// as an operation's): what a request to a path the spec does not describe
    /// (`Client::request`) sends. Empty when the spec has none the client can send.
    pub default_auth: Vec<Vec<usize>>,
    pub groups: Vec<Group>,
    /// Paged list operations, by index into `operations`.
    pub pagination: std::collections::BTreeMap<usize, pagination::Paged>,
    /// Requests the API sends to its users (OpenAPI 3.1), whose payloads are types of the crate.
    pub webhooks: Vec<webhooks::Webhook>,
}

/// Groups operations by tag, in order of first appearance. Tags that differ only in case or
/// punctuation (`Responses`, `responses`, `Re-sponses`) are one group, named and described as
/// its first operation's tag.
fn group(operations: &[Operation], types: &mut TypeSpace) -> Vec<Group> {
    // Accessors are methods of `Client` (which has these, or derives them) and modules live
    // beside `runtime` and `types`.
    let mut modules = names::Scope::default();
    for reserved in crate::plan::scope::CLIENT_METHODS_AND_MODULES {
        modules.claim(reserved.to_string());
    }
    let mut groups: Vec<Group> = Vec::new();
    // Each group's index, by the tag's words in lower case.
    let mut by_key: std::collections::BTreeMap<String, usize> = Default::default();
    for (index, op) in operations.iter().enumerate() {
        let key: String = names::field_name(&op.group.name).replace('_', "");
        match by_key.get(&key) {
            Some(&at) => groups[at].operations.push(index),
            None => {
                by_key.insert(key, groups.len());
                groups.push(Group {
                    tag: op.group.name.clone(),
                    about: op.group.about.clone(),
                    module: modules.claim(names::field_name(&op.group.name)),
                    struct_name: types
                        .scope
                        .claim(format!("{}Api", names::type_name(&op.group.name))),
                    operations: vec![index],
                })
            }
        }
    }
    groups
}

/// The model of a document. Pointers in what it reports (errors, [`Model::skipped`], warnings)
/// name places in the lowered document: [`Document::origins`] translates them.
pub fn build<'a>(doc: &'a Document, config: &Config) -> Result<Model<'a>, Error> {
    build_from(
        &doc.raw,
        &doc.api,
        &doc.skipped,
        &doc.warnings,
        doc.vocabulary.clone(),
        config,
    )
}

/// [`build`] from the parts of a [`Document`]: the model borrows only the JSON tree, so the
/// caller may drop the typed document (as large again) before emitting.
pub fn build_from<'a>(
    raw: &'a serde_json::Value,
    api: &openapiv3::OpenAPI,
    skipped: &[Diagnostic],
    warnings: &[Diagnostic],
    vocabulary: numbers::Vocabulary,
    config: &Config,
) -> Result<Model<'a>, Error> {
    let resolver = Resolver::new(raw);
    let component_schemas: Vec<String> = raw
        .pointer("/components/schemas")
        .and_then(|s| s.as_object())
        .map(|s| s.keys().cloned().collect())
        .unwrap_or_default();
    // `$defs` of component schemas (OpenAPI 3.1) are named after their keys too.
    let definitions: Vec<(String, String)> = raw
        .pointer("/components/schemas")
        .and_then(|s| s.as_object())
        .into_iter()
        .flatten()
        .filter_map(|(key, schema)| Some((key, schema.get("$defs")?.as_object()?)))
        .flat_map(|(key, defs)| {
            defs.keys().map(move |name| {
                (
                    join("#/components/schemas", &[key, "$defs", name]),
                    name.clone(),
                )
            })
        })
        .collect();
    let mut types = TypeSpace::new(
        Resolver::new(raw),
        &component_schemas,
        &definitions,
        vocabulary,
    );
    types.warnings.extend_from_slice(warnings);
    types.set_overrides(
        config
            .type_overrides
            .iter()
            .map(|e| (e.key.clone(), e.value.clone())),
    );
    let mut filter_use = configure::FilterUse::default();
    let schemes = security::schemes(api);
    // Checked once here rather than for every operation it applies to: with `skip_invalid`,
    // operations go on without the undeclared schemes (a warning, not a skipped operation).
    if let Some(requirements) = &api.security {
        if let Err(error) = security::check_declared(requirements, api, "#/security") {
            types
                .warnings
                .extend(error.diagnostics.into_iter().map(|d| Diagnostic {
                    severity: Severity::Warning,
                    ..d
                }));
        }
    }
    let method_names = method_names(api, &resolver, config);
    let mut builder = OperationBuilder {
        schemes: &schemes,
        types: &mut types,
        api,
        fn_scope: Default::default(),
        method_names,
    };
    // Operation methods live on the group structs, which derive `Clone` and `Debug`.
    for reserved in ["clone", "fmt"] {
        builder.fn_scope.claim(reserved.to_string());
    }
    let mut operations = Vec::new();
    let mut skipped = skipped.to_vec();
    for (path, item) in &api.paths.paths {
        let item_at = join("#/paths", &[path]);
        let (item, item_at) = match resolver.deref(item, &item_at) {
            Ok(found) => found,
            Err(error) => {
                let what = format!("every operation of `{path}`");
                skipped.extend(
                    error
                        .diagnostics
                        .into_iter()
                        .map(|d| Diagnostic::skipped(&what, d)),
                );
                continue;
            }
        };
        let item_params: Vec<(ReferenceOr<openapiv3::Parameter>, String)> = item
            .parameters
            .iter()
            .enumerate()
            .map(|(i, p)| (p.clone(), join(&item_at, &["parameters", &i.to_string()])))
            .collect();
        // The spec's order of methods, not openapiv3's fixed one.
        let methods: Vec<&str> = resolver
            .value(&item_at, &item_at)
            .ok()
            .and_then(|v| v.as_object())
            .map(|v| v.keys().map(String::as_str).collect())
            .unwrap_or_default();
        let mut ops: Vec<(&str, &openapiv3::Operation)> = item.iter().collect();
        ops.sort_by_key(|(method, _)| methods.iter().position(|m| m == method));
        for (method, op) in ops {
            if !configure::keep(&config.filter, path, &op.tags, &mut filter_use) {
                continue;
            }
            let at = join(&item_at, &[method]);
            let checkpoint = builder.types.checkpoint();
            match builder.operation(path, &item_params, method, op, &at) {
                Ok(op) => operations.push(op),
                Err(error) => {
                    builder.types.rollback(checkpoint);
                    let what = format!(
                        "operation `{}` ({} {path})",
                        op.operation_id.as_deref().unwrap_or("without operationId"),
                        method.to_uppercase(),
                    );
                    skipped.extend(
                        error
                            .diagnostics
                            .into_iter()
                            .map(|d| Diagnostic::skipped(&what, d)),
                    );
                }
            }
        }
    }
    let webhooks = webhooks::build(raw, builder.types, &mut skipped);
    let mut config_errors = configure::unused_filters(&config.filter, &filter_use);
    for pointer in types.unused_overrides() {
        if let Some(entry) = config.type_overrides.iter().find(|e| e.key == pointer) {
            config_errors.push(
                entry
                    .at
                    .diagnostic("matches no schema or property the crate has a type for"),
            );
        }
    }
    if !config_errors.is_empty() {
        return Err(Error {
            diagnostics: config_errors,
        });
    }
    configure::rename_methods(config, &mut operations)?;
    // Every schema has been read; what the resolver cached is not needed to emit.
    types.resolver().clear_cache();
    types.box_recursive_fields();
    types.mark_defaults();
    let groups = group(&operations, &mut types);
    // Every other name of the crate is known: the inline types take theirs.
    types.assign_names();
    configure::rename_types(config, &mut types, &mut operations)?;
    let mut methods = names::Scope::default();
    for name in ["clone", "fmt"]
        .into_iter()
        .chain(operations.iter().map(|op| op.fn_name.as_str()))
    {
        methods.claim(name.to_string());
    }
    let pagination = pagination::detect(&operations, &types, &mut methods);
    for op in &mut operations {
        if let Some(streaming) = &mut op.streaming {
            streaming.fn_name = methods.claim(format!("{}_stream", op.fn_name));
        }
    }
    // An old name is kept as an alias only where no method of the crate has it.
    let mut taken: std::collections::BTreeSet<String> = methods_taken(&operations, &pagination);
    for op in &mut operations {
        if let Some(legacy) = &op.legacy_fn_name {
            if *legacy == op.fn_name || !taken.insert(legacy.clone()) {
                op.legacy_fn_name = None;
            }
        }
    }
    // The configuration's `client.base_url` replaces the spec's first server.
    let base_url = match &config.client.base_url {
        Some(url) => url.clone(),
        None => api.servers.first().map(server_url).unwrap_or_default(),
    };
    // What an operation without `security` of its own accepts; none when the client can send
    // none of the global schemes (such an operation is skipped, a request is sent without).
    let default_auth = security::alternatives(api.security.as_ref(), &schemes).unwrap_or_default();
    Ok(Model {
        title: api.info.title.trim().to_string(),
        // OpenAPI 3.1's one-line `info.summary` (openapiv3 does not read it), then the description.
        description: {
            let summary = raw
                .pointer("/info/summary")
                .and_then(serde_json::Value::as_str);
            let description = operations::clean(api.info.description.as_deref());
            match (operations::clean(summary), description) {
                (Some(summary), Some(description)) => Some(format!("{summary}\n\n{description}")),
                (summary, description) => description.or(summary),
            }
        },
        version: api.info.version.clone(),
        base_url,
        operations,
        types,
        skipped,
        schemes,
        default_auth,
        groups,
        pagination,
        webhooks,
    })
}

/// The method name of every operation the configuration keeps, by its pointer: chosen for all
/// of them at once ([`names::method_names`]), so that no name depends on the spec's order.
fn method_names(
    api: &openapiv3::OpenAPI,
    resolver: &Resolver,
    config: &Config,
) -> std::collections::BTreeMap<String, String> {
    let prefix = names::common_path_prefix(api.paths.paths.keys().map(String::as_str));
    let mut pointers = Vec::new();
    let mut candidates = Vec::new();
    let mut unused = configure::FilterUse::default();
    for (path, item) in &api.paths.paths {
        let item_at = join("#/paths", &[path]);
        let Ok((item, _)) = resolver.deref(item, &item_at) else {
            continue;
        };
        let tail = names::path_after(path, &prefix);
        for (method, op) in item.iter() {
            if !configure::keep(&config.filter, path, &op.tags, &mut unused) {
                continue;
            }
            pointers.push(join(&item_at, &[method]));
            // FastAPI's operationIds spell the path and the method after the route's name.
            let route = op
                .operation_id
                .as_deref()
                .and_then(|id| names::route_name(id, method, path));
            candidates.push(names::method_candidates(
                route.as_deref().or(op.operation_id.as_deref()),
                method,
                &tail,
            ));
        }
    }
    // Operation methods live on the group structs, which derive `Clone` and `Debug`.
    let mut reserved = names::Scope::default();
    for name in ["clone", "fmt"] {
        reserved.claim(name.to_string());
    }
    pointers
        .into_iter()
        .zip(names::method_names(&candidates, &reserved))
        .collect()
}

/// Every method name of the crate's groups: operations', walks' and streams'.
fn methods_taken(
    operations: &[Operation],
    pagination: &std::collections::BTreeMap<usize, pagination::Paged>,
) -> std::collections::BTreeSet<String> {
    operations
        .iter()
        .flat_map(|op| {
            std::iter::once(op.fn_name.clone())
                .chain(op.streaming.iter().map(|s| s.fn_name.clone()))
        })
        .chain(pagination.values().map(|p| p.fn_name.clone()))
        .chain(["clone", "fmt"].map(String::from))
        .collect()
}

/// A server URL with its variables replaced by their defaults.
fn server_url(server: &openapiv3::Server) -> String {
    let mut url = server.url.clone();
    if let Some(variables) = &server.variables {
        for (name, variable) in variables {
            url = url.replace(&format!("{{{name}}}"), &variable.default);
        }
    }
    url.trim_end_matches('/').to_string()
}
