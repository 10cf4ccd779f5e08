//! Stage 1: spec text → document. Reads YAML or JSON into a JSON value (kept for `$ref`
//! resolution by pointer) and into openapiv3's typed model.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::diagnostics::{Diagnostic, Error, Severity};
use crate::resolve::{escape, pointer_from_path};

/// A parsed OpenAPI description: the raw JSON tree and its typed view.
pub struct Document {
    pub raw: Value,
    pub api: openapiv3::OpenAPI,
    /// Operations (or whole path items) left out because they are not valid OpenAPI 3.0.
    pub skipped: Vec<Diagnostic>,
}

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Parses YAML (1.2 rules, so `off` stays a string) or JSON text.
pub fn load(text: &str) -> Result<Document, Error> {
    let raw: serde_json::Value = if text.trim_start().starts_with('{') {
        serde_json::from_str(text).map_err(|e| {
            Error::single(
                "#",
                format!(
                    "not valid JSON (line {}, column {}): {e}",
                    e.line(),
                    e.column()
                ),
            )
        })?
    } else {
        serde_yaml::from_str(text).map_err(|e| {
            let at = e
                .location()
                .map(|l| format!(" (line {}, column {})", l.line(), l.column()))
                .unwrap_or_default();
            Error::single("#", format!("not valid YAML{at}: {e}"))
        })?
    };
    check_version(&raw)?;
    let mut raw = raw;
    let skipped = drop_invalid_operations(&mut raw);
    // Reusable components are read through the resolver, by pointer, when an operation uses
    // them: a broken one then costs the operations that use it (each skipped with a located
    // warning), not the whole spec. The typed model only needs the security schemes.
    let set_aside = set_aside_components(&mut raw);
    let api = parse(&raw, "#");
    restore_components(&mut raw, set_aside);
    Ok(Document {
        raw,
        api: api?,
        skipped,
    })
}

const RESOLVED_LAZILY: &[&str] = &[
    "schemas",
    "responses",
    "parameters",
    "examples",
    "requestBodies",
    "headers",
    "links",
    "callbacks",
];

fn set_aside_components(raw: &mut Value) -> Vec<(&'static str, Value)> {
    let Some(components) = raw.get_mut("components").and_then(Value::as_object_mut) else {
        return Vec::new();
    };
    RESOLVED_LAZILY
        .iter()
        .filter_map(|key| components.remove(*key).map(|v| (*key, v)))
        .collect()
}

fn restore_components(raw: &mut Value, set_aside: Vec<(&'static str, Value)>) {
    if let Some(components) = raw.get_mut("components").and_then(Value::as_object_mut) {
        for (key, value) in set_aside {
            components.insert(key.to_string(), value);
        }
    }
}

/// Deserializes `value` (found at `pointer`) with an error that points into the spec.
fn parse<T: DeserializeOwned>(value: &Value, pointer: &str) -> Result<T, Error> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let inner = pointer_from_path(e.path());
        let at = format!("{pointer}{}", inner.trim_start_matches('#'));
        Error::single(at, format!("not valid OpenAPI 3.0 here: {}", e.inner()))
    })
}

/// One invalid operation must not sink a spec of thousands: each operation (and each path
/// item's shared parameters) is checked on its own, and what does not parse is removed from
/// the document and reported as a warning with its exact location.
fn drop_invalid_operations(raw: &mut Value) -> Vec<Diagnostic> {
    let mut skipped = Vec::new();
    let Some(paths) = raw.get_mut("paths").and_then(Value::as_object_mut) else {
        return skipped;
    };
    let mut broken_items = Vec::new();
    for (path, item) in paths.iter_mut() {
        let item_at = format!("#/paths/{}", escape(path));
        let Some(item) = item.as_object_mut() else {
            skipped.push(Diagnostic {
                severity: Severity::Warning,
                pointer: item_at,
                message: format!(
                    "every operation of `{path}` skipped: a path item must be an object"
                ),
            });
            broken_items.push(path.clone());
            continue;
        };
        if let Some(params) = item.get("parameters") {
            let at = format!("{item_at}/parameters");
            if let Err(e) = parse::<Vec<openapiv3::ReferenceOr<openapiv3::Parameter>>>(params, &at)
            {
                skipped.extend(
                    e.diagnostics
                        .into_iter()
                        .map(|d| warning(d, &format!("every operation of `{path}`"))),
                );
                broken_items.push(path.clone());
                continue;
            }
        }
        for method in METHODS {
            let Some(op) = item.get(*method) else {
                continue;
            };
            let at = format!("{item_at}/{method}");
            if let Err(e) = parse::<openapiv3::Operation>(op, &at) {
                let what = format!("operation `{} {path}`", method.to_uppercase());
                skipped.extend(e.diagnostics.into_iter().map(|d| warning(d, &what)));
                item.remove(*method);
            }
        }
    }
    for path in broken_items {
        paths.remove(&path);
    }
    skipped
}

fn warning(d: Diagnostic, what: &str) -> Diagnostic {
    Diagnostic {
        severity: Severity::Warning,
        message: format!("{what} skipped: {}", d.message),
        ..d
    }
}

fn check_version(raw: &serde_json::Value) -> Result<(), Error> {
    let kind = match raw {
        Value::Object(_) => None,
        Value::Null => Some("empty"),
        Value::Bool(_) => Some("a boolean, not an object"),
        Value::Number(_) => Some("a number, not an object"),
        Value::String(_) => Some("a string, not an object"),
        Value::Array(_) => Some("an array, not an object"),
    };
    if let Some(kind) = kind {
        return Err(Error::single(
            "#",
            format!("not an OpenAPI description: the document is {kind}"),
        ));
    }
    match raw.get("openapi") {
        Some(Value::String(_)) | None => {}
        Some(other) => {
            return Err(Error::single(
                "#/openapi",
                format!("`openapi` must be a version string such as \"3.0.3\", not {other}"),
            ));
        }
    }
    match raw.get("openapi").and_then(|v| v.as_str()) {
        Some(v) if v.starts_with("3.0") => Ok(()),
        Some(v) => Err(Error::single(
            "#/openapi",
            format!("OpenAPI version {v} is not supported; this generator reads OpenAPI 3.0.x"),
        )),
        None if raw.get("swagger").is_some() => Err(Error::single(
            "#/swagger",
            "Swagger 2.0 is not supported; convert the description to OpenAPI 3.0 first",
        )),
        None => Err(Error::single(
            "#/openapi",
            "missing the `openapi` version field",
        )),
    }
}
