//! OpenAPI 3.2's additions outside schemas, lowered before the schemas are (3.2's schemas are
//! 3.1's, JSON Schema 2020-12, and go through the same rewrites afterwards).
//!
//! | 3.2 | lowered to |
//! |---|---|
//! | `$ref: "<$self>#/..."` (the document's own URI as the base) | `$ref: "#/..."` |
//! | a media type `$ref: '#/components/mediaTypes/X'` | a copy of `X` (diagnostics name `X`) |
//! | `itemSchema` of JSON lines (`jsonl`, `ndjson`, `json-seq`) | `schema: {type: array, items: <itemSchema>}` |
//! | `itemSchema` of server-sent events | `schema`: the `contentSchema` of its `data` when that is JSON text; `{type: string}` (raw events) for an event whose `data` is plain text; else the item schema (the whole event) |
//! | `in: querystring` | `in: query` marked [`QUERYSTRING_KEY`] (the model sends the whole query string from it) |
//! | Example `dataValue` / `serializedValue` | `value` (the data; the serialized text when there is no data) |
//! | a response without `description` (optional in 3.2) | its `summary` as the description, else `""` |
//!
//! `schema` beside `itemSchema` on a sequential media type describes the whole sequence, which
//! a client reading items as they arrive does not use: `itemSchema` types the items. `query` and
//! `additionalOperations` stay where they are: the model reads them from the path item (see
//! `model::extra_operations`). Tag `parent`s are checked by `load`.

use serde_json::{Map, Value};

use super::Origins;
use crate::model::operations::MediaKind;
use crate::resolve::escape;

/// The mark lowering leaves on a parameter written `in: querystring`.
pub const QUERYSTRING_KEY: &str = "x-openapi-gen-querystring";

/// Longest chain of `components.mediaTypes` references followed.
const MAX_CHAIN: usize = 32;

/// Lowers what 3.2 adds outside schemas, in place.
pub(super) fn lower(raw: &mut Value, origins: &mut Origins) {
    if let Some(Value::String(base)) = raw.get("$self").cloned() {
        strip_self(raw, &base);
    }
    let media_types = raw
        .pointer("/components/mediaTypes")
        .filter(|v| v.is_object())
        .cloned();
    // First the media types written as references become copies, so that the second pass
    // sees (and lowers) what they hold.
    if media_types.is_some() {
        for (at, place) in places(raw) {
            if let (Place::Content, Some(Value::Object(content))) =
                (place, raw.pointer_mut(&at[1..]))
            {
                for (media, value) in content.iter_mut() {
                    let media_at = format!("{at}/{}", escape(media));
                    inline_media_type(value, media_types.as_ref(), &media_at, origins);
                }
            }
        }
    }
    for (at, place) in places(raw) {
        match (place, raw.pointer_mut(&at[1..])) {
            (Place::Content, Some(Value::Object(content))) => {
                for (media, value) in content.iter_mut() {
                    if let Value::Object(media_type) = value {
                        let media_at = format!("{at}/{}", escape(media));
                        item_schema(media_type, media, &media_at, origins);
                    }
                }
            }
            (Place::Parameter, Some(Value::Object(parameter)))
                if parameter.get("in").and_then(Value::as_str) == Some("querystring") =>
            {
                parameter.insert("in".into(), Value::String("query".into()));
                parameter.insert(QUERYSTRING_KEY.into(), Value::Bool(true));
            }
            (Place::Examples, Some(Value::Object(examples))) => {
                examples.values_mut().for_each(example_value);
            }
            // 3.2 makes `description` optional and adds `summary`.
            (Place::Response, Some(Value::Object(response)))
                if !response.contains_key("description") && !response.contains_key("$ref") =>
            {
                let text = response
                    .get("summary")
                    .cloned()
                    .unwrap_or_else(|| "".into());
                response.insert("description".into(), text);
            }
            _ => {}
        }
    }
}

/// The places [`collect`] finds in the document, each with its pointer (`#/...`).
fn places(raw: &Value) -> Vec<(String, Place)> {
    let mut found = Vec::new();
    collect(raw, "#", false, &mut found);
    found
}

/// What [`collect`] finds: where 3.2 constructs may stand.
enum Place {
    /// A `content` map (of a request body, response, parameter or header).
    Content,
    /// A parameter object.
    Parameter,
    /// An `examples` map of Example Objects.
    Examples,
    /// A response (of an operation, or of `components.responses`).
    Response,
}

/// The places of the document 3.2 lowering rewrites, outermost first. Extensions, examples'
/// values and schemas' own keywords hold data, not OpenAPI objects, and are not entered.
fn collect(value: &Value, at: &str, in_schema: bool, found: &mut Vec<(String, Place)>) {
    let Value::Object(map) = value else {
        if let Value::Array(items) = value {
            for (i, item) in items.iter().enumerate() {
                collect(item, &format!("{at}/{i}"), in_schema, found);
            }
        }
        return;
    };
    if !in_schema
        && map.get("in").is_some_and(Value::is_string)
        && map.get("name").is_some_and(Value::is_string)
    {
        found.push((at.to_string(), Place::Parameter));
    }
    for (key, child) in map {
        if key.starts_with("x-") || !(child.is_object() || child.is_array()) {
            continue;
        }
        let child_at = format!("{at}/{}", escape(key));
        match key.as_str() {
            "content" if !in_schema && child.is_object() => {
                found.push((child_at.clone(), Place::Content));
                collect(child, &child_at, false, found);
            }
            "examples" if !in_schema && child.is_object() => {
                found.push((child_at, Place::Examples));
            }
            "responses" if !in_schema && child.is_object() => {
                if let Value::Object(responses) = child {
                    for key in responses.keys() {
                        found.push((format!("{child_at}/{}", escape(key)), Place::Response));
                    }
                }
                collect(child, &child_at, false, found);
            }
            "example" | "examples" | "default" | "enum" | "const" | "value" | "dataValue" => {}
            "schema" | "itemSchema" | "schemas" => collect(child, &child_at, true, found),
            _ => collect(child, &child_at, in_schema, found),
        }
    }
}

/// Every `$ref` naming the document by its `$self` URI names it by fragment alone.
fn strip_self(value: &mut Value, base: &str) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                if key == "$ref" {
                    if let Value::String(target) = child {
                        if let Some(fragment) = target
                            .strip_prefix(base)
                            .filter(|rest| rest.is_empty() || rest.starts_with('#'))
                        {
                            *target = if fragment.is_empty() {
                                "#".into()
                            } else {
                                fragment.to_string()
                            };
                        }
                    }
                } else {
                    strip_self(child, base);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| strip_self(item, base)),
        _ => {}
    }
}

/// A media type written as a reference to `components.mediaTypes` becomes a copy of its target
/// (the model reads media types in place); diagnostics about the copy name the target.
fn inline_media_type(
    value: &mut Value,
    media_types: Option<&Value>,
    at: &str,
    origins: &mut Origins,
) {
    const PREFIX: &str = "#/components/mediaTypes/";
    let mut target_at = None;
    for _ in 0..MAX_CHAIN {
        let Some(target) = value.get("$ref").and_then(Value::as_str) else {
            break;
        };
        let Some(name) = target.strip_prefix(PREFIX) else {
            break;
        };
        let name = name.replace("~1", "/").replace("~0", "~");
        let Some(found) = media_types.and_then(|m| m.get(&name)) else {
            // Left as written: the resolver reports the dangling reference where it is used.
            break;
        };
        target_at = Some(target.to_string());
        *value = found.clone();
    }
    if let Some(target_at) = target_at {
        origins.record(at.to_string(), target_at);
    }
}

/// `itemSchema` of a sequential media type as the `schema` the model reads streams by.
fn item_schema(media_type: &mut Map<String, Value>, media: &str, at: &str, origins: &mut Origins) {
    let kind = MediaKind::of(media);
    if !kind.is_stream() {
        return;
    }
    let Some(item) = media_type.remove("itemSchema") else {
        return;
    };
    let item_at = format!("{at}/itemSchema");
    let schema_at = format!("{at}/schema");
    let (schema, origin) = match kind {
        MediaKind::EventStream => match event_shape(&item) {
            EventShape::Raw => (serde_json::json!({"type": "string"}), item_at),
            EventShape::Data(data) => (data, format!("{item_at}/properties/data/contentSchema")),
            EventShape::Whole => (item, item_at),
        },
        _ => {
            origins.record(format!("{schema_at}/items"), item_at.clone());
            (serde_json::json!({"type": "array", "items": item}), item_at)
        }
    };
    origins.record(schema_at, origin);
    media_type.insert("schema".into(), schema);
}

/// What an event-stream item schema says about each event.
enum EventShape {
    /// The generic event (`data` plain text): raw events.
    Raw,
    /// Each event's `data` is JSON text of this schema (`contentSchema`), nothing else is
    /// constrained.
    Data(Value),
    /// Anything else: the schema of the whole event.
    Whole,
}

fn event_shape(item: &Value) -> EventShape {
    const FIELDS: [&str; 4] = ["data", "event", "id", "retry"];
    let Some(item) = item.as_object() else {
        return EventShape::Whole;
    };
    let branching = ["oneOf", "anyOf", "allOf", "$ref"]
        .iter()
        .any(|k| item.contains_key(*k));
    let Some(Value::Object(properties)) = item.get("properties") else {
        return EventShape::Whole;
    };
    if branching || !properties.keys().all(|k| FIELDS.contains(&k.as_str())) {
        return EventShape::Whole;
    }
    let Some(Value::Object(data)) = properties.get("data") else {
        return EventShape::Whole;
    };
    // The other fields are the event's framing, unless something constrains them (an event
    // name by `const` or `enum` is what tells whole events apart).
    let plain_framing = properties
        .iter()
        .filter(|(k, _)| *k != "data")
        .all(|(_, v)| {
            v.as_object().is_some_and(|v| {
                !v.contains_key("const") && !v.contains_key("enum") && !v.contains_key("$ref")
            })
        });
    if !plain_framing {
        return EventShape::Whole;
    }
    let json_text = data
        .get("contentMediaType")
        .and_then(Value::as_str)
        .is_none_or(super::is_json_media);
    match data.get("contentSchema") {
        Some(schema) if json_text => EventShape::Data(schema.clone()),
        Some(_) => EventShape::Whole,
        None if data.get("type").and_then(Value::as_str) == Some("string")
            && !data.contains_key("contentMediaType") =>
        {
            EventShape::Raw
        }
        None => EventShape::Whole,
    }
}

/// An Example Object's `dataValue` (or, without one, its `serializedValue`) as the `value`
/// every version reads.
fn example_value(example: &mut Value) {
    let Value::Object(example) = example else {
        return;
    };
    if example.contains_key("value") {
        return;
    }
    if let Some(data) = example.get("dataValue").cloned() {
        example.insert("value".into(), data);
    } else if let Some(text) = example.get("serializedValue").cloned() {
        example.insert("value".into(), text);
    }
}

/// The mechanical translation of a 3.1 (or lowered-to-3.0) document into 3.2: `openapi: 3.2.0`
/// and, when `idiomatic`, the item schemas 3.2 has for streams (`itemSchema` in place of the
/// `schema` that earlier versions use to describe each item), each event's JSON `data` by
/// `contentSchema`, and examples by `dataValue`. For tests and benchmarks: lowering its
/// result must give back what the original generates.
#[doc(hidden)]
pub fn raise_to_3_2(raw: &mut Value, idiomatic: bool) {
    if let Value::Object(doc) = raw {
        doc.insert("openapi".into(), Value::String("3.2.0".into()));
    }
    if !idiomatic {
        return;
    }
    let schemas = raw
        .pointer("/components/schemas")
        .cloned()
        .unwrap_or(Value::Null);
    for (at, place) in places(raw) {
        match (place, raw.pointer_mut(&at[1..])) {
            (Place::Content, Some(Value::Object(content))) => {
                for (media, value) in content.iter_mut() {
                    let Value::Object(media_type) = value else {
                        continue;
                    };
                    raise_item_schema(media_type, media, &schemas);
                }
            }
            (Place::Examples, Some(Value::Object(examples))) => {
                for example in examples.values_mut().filter_map(Value::as_object_mut) {
                    if let Some(value) = example.remove("value") {
                        example.insert("dataValue".into(), value);
                    }
                }
            }
            _ => {}
        }
    }
}

/// A stream's `schema` as the `itemSchema` that says the same.
fn raise_item_schema(media_type: &mut Map<String, Value>, media: &str, schemas: &Value) {
    let kind = MediaKind::of(media);
    if !kind.is_stream() {
        return;
    }
    let Some(schema) = media_type.get("schema") else {
        return;
    };
    // A reference to a component, as the model would see it.
    let resolved = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
        .and_then(|name| schemas.get(name))
        .unwrap_or(schema);
    let item = match kind {
        MediaKind::EventStream => {
            if resolved.get("type").and_then(Value::as_str) == Some("string") {
                serde_json::json!({
                    "type": "object",
                    "required": ["data"],
                    "properties": {
                        "data": {"type": "string"},
                        "event": {"type": "string"},
                        "id": {"type": "string"},
                        "retry": {"type": "integer", "minimum": 0},
                    },
                })
            } else if is_event_object(resolved, schemas) {
                schema.clone()
            } else {
                serde_json::json!({
                    "type": "object",
                    "required": ["data"],
                    "properties": {
                        "data": {
                            "type": "string",
                            "contentMediaType": "application/json",
                            "contentSchema": schema.clone(),
                        },
                        "event": {"type": "string"},
                    },
                })
            }
        }
        _ => match (
            resolved.get("type").and_then(Value::as_str),
            resolved.get("items"),
        ) {
            (Some("array"), Some(items)) if std::ptr::eq(resolved, schema) => items.clone(),
            _ => schema.clone(),
        },
    };
    media_type.remove("schema");
    media_type.insert("itemSchema".into(), item);
}

/// Whether a schema describes whole events (the model's rule: an object of `event`, `data`,
/// `id` and `retry` with `data` and another, or a union of such).
fn is_event_object(schema: &Value, schemas: &Value) -> bool {
    const FIELDS: [&str; 4] = ["event", "data", "id", "retry"];
    let resolve = |s: &'_ Value| -> Value {
        s.get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/components/schemas/"))
            .and_then(|name| schemas.get(name))
            .cloned()
            .unwrap_or_else(|| s.clone())
    };
    if let Some(Value::Object(properties)) = schema.get("properties") {
        return properties.contains_key("data")
            && properties.len() >= 2
            && properties.keys().all(|k| FIELDS.contains(&k.as_str()));
    }
    let branches = schema
        .get("oneOf")
        .or_else(|| schema.get("anyOf"))
        .and_then(Value::as_array);
    branches.is_some_and(|b| {
        !b.is_empty()
            && b.iter()
                .all(|branch| is_event_object(&resolve(branch), schemas))
    })
}
