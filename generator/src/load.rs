//! Stage 1: spec text → document. Reads YAML or JSON into a JSON value (kept for `$ref`
//! resolution by pointer) and into openapiv3's typed model.

use crate::diagnostics::Error;
use crate::resolve::pointer_from_path;

/// A parsed OpenAPI description: the raw JSON tree and its typed view.
pub struct Document {
    pub raw: serde_json::Value,
    pub api: openapiv3::OpenAPI,
}

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
    let api = serde_path_to_error::deserialize(&raw).map_err(|e| {
        let pointer = pointer_from_path(e.path());
        Error::single(
            pointer,
            format!("not a valid OpenAPI 3.0 document here: {}", e.inner()),
        )
    })?;
    Ok(Document { raw, api })
}

fn check_version(raw: &serde_json::Value) -> Result<(), Error> {
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
