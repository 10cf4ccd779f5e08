//! Stage 3: normalize the document into a small model of operations and types, the only input
//! of the plan.

pub mod configure;
pub mod names;
pub mod numbers;
pub mod operations;
pub mod pagination;
mod repair;
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
    /// The group of the tag's nearest ancestor (OpenAPI 3.2's `parent`) that has operations:
    /// its feature enables this group's.
    pub parent: Option<usize>,
}

/// What the document's tags say beyond their names (OpenAPI 3.2): each tag's `parent`, and the
/// tags whose `kind` is not navigation (`badge`, `audience`, ...), which do not group
/// operations.
#[derive(Debug, Default)]
pub struct Tags {
    pub parents: std::collections::BTreeMap<String, String>,
    pub aside: std::collections::BTreeSet<String>,
}

impl Tags {
    fn read(raw: &serde_json::Value) -> Tags {
        let mut tags = Tags::default();
        let Some(list) = raw.get("tags").and_then(|t| t.as_array()) else {
            return tags;
        };
        for tag in list {
            let Some(name) = tag.get("name").and_then(|n| n.as_str()) else {
                continue;
            };
            if let Some(parent) = tag.get("parent").and_then(|p| p.as_str()) {
                tags.parents
                    .insert(name.trim().to_string(), parent.trim().to_string());
            }
            if tag
                .get("kind")
                .and_then(|k| k.as_str())
                .is_some_and(|k| k != "nav")
            {
                tags.aside.insert(name.trim().to_string());
            }
        }
        tags
    }
}

/// Everything the emitters need.
pub struct Model<'a> {
    pub title: String,
    pub description: Option<String>,
    pub version: String,
    /// The first server's URL: the client's default base URL.
    pub base_url: String,
    /// The description's `info.license`, when it has a name.
    pub license: Option<License>,
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

/// A description's `info.license`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct License {
    /// Its name, trimmed (never empty).
    pub name: String,
    pub url: Option<String>,
}

impl License {
    /// The `info.license` of `raw`, if it names one.
    fn of(raw: &serde_json::Value) -> Option<License> {
        let license = raw.pointer("/info/license")?;
        let name = license.get("name")?.as_str()?.trim();
        if name.is_empty() {
            return None;
        }
        Some(License {
            name: name.to_string(),
            url: license
                .get("url")
                .and_then(serde_json::Value::as_str)
                .map(str::to_string),
        })
    }
}

impl Model<'_> {
    /// The model without the description it was built from: it reads nothing more from it
    /// once built, so the caller can drop the document's JSON tree (the largest thing alive
    /// while the model is built) before the crate is planned and emitted.
    pub fn release(self) -> Model<'static> {
        Model {
            title: self.title,
            description: self.description,
            version: self.version,
            base_url: self.base_url,
            license: self.license,
            operations: self.operations,
            types: self.types.release(),
            skipped: self.skipped,
            schemes: self.schemes,
            default_auth: self.default_auth,
            groups: self.groups,
            pagination: self.pagination,
            webhooks: self.webhooks,
        }
    }
}

/// Groups operations by tag, in order of first appearance. Tags that differ only in case or
/// punctuation (`Responses`, `responses`, `Re-sponses`) are one group, named and described as
/// its first operation's tag.
fn group(operations: &[Operation], types: &mut TypeSpace, tags: &Tags) -> Vec<Group> {
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
                    parent: None,
                })
            }
        }
    }
    // Each group under its nearest ancestor tag that is a group too (`load` refused cycles
    // and unknown parents).
    for i in 0..groups.len() {
        let mut tag = tags.parents.get(&groups[i].tag);
        let mut steps = 0;
        while let Some(parent) = tag.filter(|_| steps <= tags.parents.len()) {
            if let Some(found) = groups.iter().position(|g| &g.tag == parent) {
                groups[i].parent = Some(found);
                let about = format!("{} (within `{parent}`)", groups[i].about);
                groups[i].about = about;
                break;
            }
            tag = tags.parents.get(parent);
            steps += 1;
        }
    }
    groups
}

/// The path item's operations beyond the fixed methods openapiv3 reads (OpenAPI 3.2): `query`
/// (a safe method with a body, sent as `QUERY`) and each of `additionalOperations` (sent with
/// the method's capitalization as written). Each is `(pointer, method, operation)`; one that
/// is not a valid operation, or whose method a fixed field covers, is skipped with a located
/// diagnostic.
fn extra_operations(
    resolver: &Resolver,
    path: &str,
    item_at: &str,
    skipped: &mut Vec<Diagnostic>,
) -> Vec<(String, String, openapiv3::Operation)> {
    const FIXED: &[&str] = &[
        "get", "put", "post", "delete", "options", "head", "patch", "trace", "query",
    ];
    let Some(item) = resolver
        .value(item_at, item_at)
        .ok()
        .and_then(|v| v.as_object())
    else {
        return Vec::new();
    };
    let mut found = Vec::new();
    if item.contains_key("query") {
        found.push((join(item_at, &["query"]), "QUERY".to_string()));
    }
    match item.get("additionalOperations") {
        Some(serde_json::Value::Object(more)) => {
            for method in more.keys() {
                let at = join(item_at, &["additionalOperations", method]);
                let what = format!("operation `{method} {path}`");
                let problem = if FIXED.iter().any(|f| f.eq_ignore_ascii_case(method)) {
                    Some(format!(
                        "`additionalOperations` may not define `{method}`: the path item's \
                         `{}` field is for that method",
                        method.to_ascii_lowercase()
                    ))
                } else if method.is_empty()
                    || !method
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
                {
                    Some(format!(
                        "`{method}` is not an HTTP method name (a token of letters, digits and \
                         `!#$%&'*+-.^_`|~`)"
                    ))
                } else {
                    None
                };
                match problem {
                    Some(message) => skipped.push(Diagnostic::skipped(
                        &what,
                        Diagnostic {
                            severity: Severity::Error,
                            category: crate::diagnostics::Category::BadInput,
                            pointer: at,
                            message,
                        },
                    )),
                    None => found.push((at, method.clone())),
                }
            }
        }
        Some(_) => skipped.push(Diagnostic::skipped(
            &format!("the additional operations of `{path}`"),
            Diagnostic {
                severity: Severity::Error,
                category: crate::diagnostics::Category::BadInput,
                pointer: join(item_at, &["additionalOperations"]),
                message: "`additionalOperations` must be a map from method to operation".into(),
            },
        )),
        None => {}
    }
    let mut operations = Vec::new();
    for (at, method) in found {
        match resolver.parse::<openapiv3::Operation>(&at) {
            Ok(op) => operations.push((at, method, op)),
            Err(error) => {
                let what = format!("operation `{method} {path}`");
                skipped.extend(
                    error
                        .diagnostics
                        .into_iter()
                        .map(|d| Diagnostic::skipped(&what, d)),
                );
            }
        }
    }
    operations
}

/// The model of a document. Pointers in what it reports (errors, [`Model::skipped`], warnings)
/// name places in the lowered document: [`Document::origins`] translates them.
pub fn build<'a>(doc: &'a Document, config: &Config) -> Result<Model<'a>, Error> {
    build_from(
        &doc.raw,
        doc.api.clone(),
        &doc.skipped,
        &doc.warnings,
        doc.vocabulary.clone(),
        config,
    )
}

/// Whether a component schema is only a reference to another component schema.
fn is_alias(schema: &serde_json::Value) -> bool {
    let Some(object) = schema.as_object() else {
        return false;
    };
    object.len() == 1
        && object
            .get("$ref")
            .and_then(serde_json::Value::as_str)
            .and_then(|r| r.strip_prefix("#/components/schemas/"))
            .is_some_and(|key| !key.is_empty() && !key.contains('/'))
}

/// [`build`] from the parts of a [`Document`]: the model borrows only the JSON tree. It takes
/// the typed document and drops each path item once its operations are built, so that the
/// typed paths (about as large as the JSON tree's) and the types built from them are not all
/// alive at once: the model stage is the peak of a generation's memory.
pub fn build_from<'a>(
    raw: &'a serde_json::Value,
    mut api: openapiv3::OpenAPI,
    skipped: &[Diagnostic],
    warnings: &[Diagnostic],
    vocabulary: numbers::Vocabulary,
    config: &Config,
) -> Result<Model<'a>, Error> {
    let resolver = Resolver::new(raw);
    // Named after their keys, except a component that is only another's name (`Droplet:
    // {$ref: '#/components/schemas/droplet'}`, as a bundler writes a root component kept in its
    // own file): it is never a type of its own, and claiming its name would number its target's
    // (`Droplet2`).
    let component_schemas: Vec<String> = raw
        .pointer("/components/schemas")
        .and_then(|s| s.as_object())
        .map(|s| {
            s.iter()
                .filter(|(_, schema)| !is_alias(schema))
                .map(|(key, _)| key.clone())
                .collect()
        })
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
    let schemes = security::schemes(&api);
    // Checked once here rather than for every operation it applies to: with `skip_invalid`,
    // operations go on without the undeclared schemes (a warning, not a skipped operation).
    if let Some(requirements) = &api.security {
        if let Err(error) = security::check_declared(requirements, &api, "#/security") {
            types
                .warnings
                .extend(error.diagnostics.into_iter().map(|d| Diagnostic {
                    severity: Severity::Warning,
                    ..d
                }));
        }
    }
    let tags = Tags::read(raw);
    let method_names = method_names(&api, &resolver, config, &mut types.warnings);
    let paths = std::mem::take(&mut api.paths.paths);
    let mut builder = OperationBuilder {
        tags: &tags,
        schemes: &schemes,
        types: &mut types,
        api: &api,
        fn_scope: Default::default(),
        method_names,
    };
    // Operation methods live on the group structs, which derive `Clone` and `Debug`.
    for reserved in ["clone", "fmt"] {
        builder.fn_scope.claim(reserved.to_string());
    }
    let mut operations = Vec::new();
    let mut skipped = skipped.to_vec();
    for (path, item) in paths {
        let path = &path;
        let item_at = join("#/paths", &[path]);
        let (item, item_at) = match resolver.deref_borrowed(&item, &item_at) {
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
        let mut ops: Vec<(String, String, std::borrow::Cow<openapiv3::Operation>)> = item
            .iter()
            .map(|(method, op)| {
                (
                    join(&item_at, &[method]),
                    method.to_uppercase(),
                    std::borrow::Cow::Borrowed(op),
                )
            })
            .collect();
        let extra = extra_operations(&resolver, path, &item_at, &mut skipped);
        ops.extend(
            extra
                .into_iter()
                .map(|(at, method, op)| (at, method, std::borrow::Cow::Owned(op))),
        );
        // Each operation's key in the path item (`get`, `query`, `additionalOperations`),
        // none of which needs escaping in a pointer.
        ops.sort_by_cached_key(|(at, _, _)| {
            let key = at[item_at.len() + 1..]
                .split('/')
                .next()
                .unwrap_or_default();
            methods.iter().position(|m| *m == key)
        });
        for (at, method, op) in &ops {
            let (at, method, op) = (at.as_str(), method.as_str(), op.as_ref());
            if !configure::keep(&config.filter, path, &op.tags, &mut filter_use) {
                continue;
            }
            let checkpoint = builder.types.checkpoint();
            match builder.operation(path, &item_params, method, op, at) {
                Ok(op) => operations.push(op),
                Err(error) => {
                    builder.types.rollback(checkpoint);
                    let what = format!(
                        "operation `{}` ({} {path})",
                        op.operation_id.as_deref().unwrap_or("without operationId"),
                        method,
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
    types.mark_defaults(&operations);
    let groups = group(&operations, &mut types, &tags);
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
        license: License::of(raw),
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
///
/// An operationId that an earlier operation has already is a mistake whose intent is plain
/// (`repair::duplicate_operation_id`): the operations are distinct, their methods named apart.
fn method_names(
    api: &openapiv3::OpenAPI,
    resolver: &Resolver,
    config: &Config,
    warnings: &mut Vec<Diagnostic>,
) -> std::collections::BTreeMap<String, String> {
    let prefix = names::common_path_prefix(api.paths.paths.keys().map(String::as_str));
    let mut pointers = Vec::new();
    let mut candidates = Vec::new();
    let mut unused = configure::FilterUse::default();
    // Each operationId, with the first operation that has it (`GET /a`).
    let mut ids: std::collections::BTreeMap<String, String> = Default::default();
    for (path, item) in &api.paths.paths {
        let item_at = join("#/paths", &[path]);
        // Pointers name the path item where it is written (a `$ref`'s target), as the
        // operations' own diagnostics do.
        let Ok((item, item_at)) = resolver.deref_borrowed(item, &item_at) else {
            continue;
        };
        let tail = names::path_after(path, &prefix);
        // OpenAPI 3.2's `query` and `additionalOperations` too (their problems are reported
        // where the operations are built).
        let extra = extra_operations(resolver, path, &item_at, &mut Vec::new());
        let fixed = item
            .iter()
            .map(|(method, op)| (join(&item_at, &[method]), method.to_string(), op));
        let extra = extra
            .iter()
            .map(|(at, method, op)| (at.clone(), method.to_ascii_lowercase(), op));
        for (at, method, op) in fixed.chain(extra) {
            let method = method.as_str();
            if !configure::keep(&config.filter, path, &op.tags, &mut unused) {
                continue;
            }
            if let Some(id) = op.operation_id.as_deref() {
                match ids.get(id) {
                    Some(first) => {
                        warnings.push(repair::duplicate_operation_id(&at, id, first));
                    }
                    None => {
                        let this = format!("{} {path}", method.to_ascii_uppercase());
                        ids.insert(id.to_string(), this);
                    }
                }
            }
            pointers.push(at);
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
