//! Webhooks (OpenAPI 3.1's top-level `webhooks`): requests the API sends to its users. The
//! client never calls them, but a service receiving them needs the payload types: each
//! webhook's JSON request body becomes a type of the crate, listed in the crate docs.

use openapiv3::{PathItem, ReferenceOr};

use super::names;
use super::operations::{essence, is_json};
use super::schema::RawSchema;
use super::types::{TypeSpace, Typed};
use crate::diagnostics::{Diagnostic, Error};
use crate::resolve::join;

/// One operation of a webhook.
#[derive(Debug, Clone)]
pub struct Webhook {
    /// The webhook's key under `webhooks`, e.g. `publishNewEvent`.
    pub name: String,
    /// Upper-case HTTP method the API sends it with.
    pub method: String,
    pub summary: Option<String>,
    /// The JSON payload's type, if the webhook has a JSON body.
    pub payload: Option<Typed>,
    /// Where the operation is in the spec.
    pub pointer: String,
}

/// The webhooks of the document, in its order; one that cannot be read is skipped (a
/// diagnostic in `skipped`) and leaves no type behind.
pub fn build(
    raw: &serde_json::Value,
    types: &mut TypeSpace,
    skipped: &mut Vec<Diagnostic>,
) -> Vec<Webhook> {
    let Some(entries) = raw.get("webhooks").and_then(|w| w.as_object()) else {
        return Vec::new();
    };
    let mut webhooks = Vec::new();
    for name in entries.keys() {
        let checkpoint = types.checkpoint();
        match webhook(name, types) {
            Ok(found) => webhooks.extend(found),
            Err(error) => {
                types.rollback(checkpoint);
                let what = format!("webhook `{name}`");
                skipped.extend(
                    error
                        .diagnostics
                        .into_iter()
                        .map(|d| Diagnostic::skipped(&what, d)),
                );
            }
        }
    }
    webhooks
}

fn webhook(name: &str, types: &mut TypeSpace) -> Result<Vec<Webhook>, Error> {
    let at = join("#/webhooks", &[name]);
    let start: ReferenceOr<PathItem> = ReferenceOr::Reference {
        reference: at.clone(),
    };
    let (item, item_at) = types.resolver().deref(&start, &at)?;
    // The spec's order of methods, not openapiv3's fixed one.
    let methods: Vec<String> = types
        .resolver()
        .value(&item_at, &item_at)?
        .as_object()
        .map(|item| item.keys().cloned().collect())
        .unwrap_or_default();
    let mut operations: Vec<(&str, &openapiv3::Operation)> = item.iter().collect();
    operations.sort_by_key(|(method, _)| methods.iter().position(|m| m == method));
    let several = operations.len() > 1;
    let mut found = Vec::new();
    for (method, op) in operations {
        let op_at = join(&item_at, &[method]);
        let base = if several {
            format!("{}{}", names::type_name(name), names::type_name(method))
        } else {
            names::type_name(name)
        };
        let hint = names::trail(&base, "!Payload");
        let payload = match &op.request_body {
            Some(body) => {
                let (body, body_at) = types
                    .resolver()
                    .deref(body, &join(&op_at, &["requestBody"]))?;
                let json = body
                    .content
                    .iter()
                    .find(|(media, m)| is_json(&essence(media)) && m.schema.is_some());
                match json {
                    Some((media, _)) => {
                        let schema_at = join(&body_at, &["content", media, "schema"]);
                        let schema: RawSchema = types.resolver().parse(&schema_at)?;
                        let typed = types.typed(&schema, &schema_at, &hint)?;
                        let doc = body
                            .description
                            .clone()
                            .or_else(|| op.summary.clone())
                            .unwrap_or_else(|| format!("The payload of the `{name}` webhook."));
                        types.document(&typed.ty, Some(&doc));
                        // Users decode a payload with plain serde: no integral numbers in a
                        // bare number (or list of them) as a whole body.
                        Some(Typed {
                            ty: typed.ty.integral_as_f64(),
                            ..typed
                        })
                    }
                    None => None,
                }
            }
            None => None,
        };
        found.push(Webhook {
            name: name.to_string(),
            method: method.to_uppercase(),
            summary: op
                .summary
                .clone()
                .or_else(|| op.description.clone())
                .map(|s| s.trim().to_string()),
            payload,
            pointer: op_at,
        });
    }
    Ok(found)
}
