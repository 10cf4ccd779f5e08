//! A deterministic synthetic OpenAPI 3.0 spec of any number of operations, for `cargo xtask
//! bench`, and its OpenAPI 3.1 equivalent.
//!
//! It is built from the constructs of Cloudflare's Realtime Kit description rather than copies
//! of it: every five operations share one resource (list with pagination, enum and array query
//! parameters; get by path parameters; create with an inline request body; update; delete),
//! every response is an `allOf` envelope around the resource (or a page of it), and resources
//! carry string enums, inline nested objects, arrays and formatted strings. Names and shapes
//! vary with the index and a seeded generator, so no two resources have the same type and the
//! generator cannot deduplicate them away. The same `operations` always give the same text.
//!
//! Resources also carry what OpenAPI 3.1 writes differently, so that [`spec_3_1`] (the
//! mechanical translation, [`generator::lower::raise_to_3_1`]) has something to lower:
//! `nullable` fields, schema `example`s and boolean `exclusiveMinimum`. The generator reads
//! none of them into the output but `nullable` (the examples and bounds were added after the
//! first benchmark rounds; the generated crate is byte-for-byte the same as without them).

use serde_json::{Map, Value, json};

/// A splitmix64 generator: seeded, so the spec is the same on every run and machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `low..=high`.
    fn range(&mut self, low: usize, high: usize) -> usize {
        low + (self.next() % (high - low + 1) as u64) as usize
    }

    fn pick<'a>(&mut self, items: &'a [&'a str]) -> &'a str {
        items[self.range(0, items.len() - 1)]
    }
}

const NOUNS: &[&str] = &[
    "meeting",
    "participant",
    "recording",
    "session",
    "webhook",
    "preset",
    "livestream",
    "poll",
    "chat_message",
    "breakout_room",
    "transcript",
    "summary",
    "analytics_report",
    "stage",
    "waiting_room",
];

const FIELD_WORDS: &[&str] = &[
    "title",
    "region",
    "label",
    "owner",
    "theme",
    "locale",
    "source",
    "codec",
    "layout",
    "channel",
    "priority",
    "origin",
    "quota",
    "duration",
    "bitrate",
    "viewers",
    "capacity",
    "retention",
];

const ENUM_WORDS: &[&str] = &[
    "ACTIVE", "INACTIVE", "PENDING", "LIVE", "ENDED", "PAUSED", "FAILED", "QUEUED", "ARCHIVED",
];

/// Operations per resource: list, get, create, update, delete.
const PER_RESOURCE: usize = 5;
/// Resources per tag (so 10 operations per group, like the corpus).
const RESOURCES_PER_TAG: usize = 2;

/// The spec as JSON text, with exactly `operations` operations.
pub fn spec(operations: usize) -> String {
    text(&document(operations))
}

/// The same API in OpenAPI 3.1, as [`generator::lower::raise_to_3_1`] writes it (`nullable` as a
/// `null` type, `example` as `examples`, numeric exclusive bounds), serialized as [`spec`] is.
pub fn spec_3_1(operations: usize) -> String {
    let mut document = document(operations);
    generator::lower::raise_to_3_1(&mut document);
    text(&document)
}

/// The same API in OpenAPI 3.2: [`spec_3_1`]'s document raised by
/// [`generator::lower::raise_to_3_2`] (idiomatic: streams by `itemSchema`, examples by
/// `dataValue`).
pub fn spec_3_2(operations: usize) -> String {
    let mut document = document(operations);
    generator::lower::raise_to_3_1(&mut document);
    generator::lower::raise_to_3_2(&mut document, true);
    text(&document)
}

fn text(document: &Value) -> String {
    serde_json::to_string_pretty(document).expect("a JSON value always serializes")
}

fn document(operations: usize) -> Value {
    let mut rng = Rng(0x5EED_0F0A_7E5A_u64);
    let mut paths = Map::new();
    let mut schemas = Map::new();
    schemas.insert(
        "realtimekit_GenericSuccessResponse".into(),
        json!({
            "title": "GenericSuccessResponse",
            "type": "object",
            "properties": {
                "data": {"description": "Data returned by the operation", "type": "object"},
                "success": {"description": "Success status of the operation", "type": "boolean", "default": true}
            },
            "required": ["success"]
        }),
    );
    schemas.insert(
        "realtimekit_GenericErrorResponse".into(),
        json!({
            "type": "object",
            "properties": {
                "error": {
                    "type": "object",
                    "properties": {
                        "code": {"description": "HTTP status code of the error.", "type": "number"},
                        "message": {"description": "Error message describing what went wrong.", "type": "string"}
                    },
                    "required": ["code", "message"]
                },
                "success": {"description": "Success status of the request.", "type": "boolean"}
            },
            "required": ["success", "error"]
        }),
    );
    schemas.insert(
        "realtimekit_Paging".into(),
        json!({
            "type": "object",
            "properties": {
                "total_count": {"type": "integer"},
                "start_offset": {"type": "integer"},
                "end_offset": {"type": "integer"}
            },
            "required": ["total_count"]
        }),
    );
    let resources = operations.div_ceil(PER_RESOURCE);
    let mut emitted = 0;
    for r in 0..resources {
        let noun = NOUNS[r % NOUNS.len()];
        // `meeting_7`: distinct per resource, readable in the output.
        let resource = format!("{noun}_{r}");
        let type_name = format!("realtimekit_{}", pascal(&resource));
        let tag = format!("{} Group {}", pascal(noun), r / RESOURCES_PER_TAG);
        schemas.insert(type_name.clone(), entity(&mut rng, &resource));
        let base = format!("/accounts/{{account_id}}/realtime/kit/{{app_id}}/{resource}s");
        let item = format!("{base}/{{{noun}_id}}");
        let kinds = ["list", "create", "get", "update", "delete"];
        let mut collection = Map::new();
        let mut single = Map::new();
        for kind in kinds {
            if emitted == operations {
                break;
            }
            emitted += 1;
            let op = operation(&mut rng, kind, &resource, &type_name, &tag, noun);
            match kind {
                "list" => collection.insert("get".into(), op),
                "create" => collection.insert("post".into(), op),
                "get" => single.insert("get".into(), op),
                "update" => single.insert("patch".into(), op),
                _ => single.insert("delete".into(), op),
            };
        }
        for (path, methods) in [(base, collection), (item, single)] {
            if !methods.is_empty() {
                paths.insert(path, Value::Object(methods));
            }
        }
    }
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "Cloudflare API",
            "version": "4.0.0",
            "description": format!("Synthetic Realtime Kit-like API of {operations} operations, for benchmarks.")
        },
        "servers": [{"url": "https://api.cloudflare.com/client/v4", "description": "Client API"}],
        "security": [{"api_token": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"api_token": {"type": "http", "scheme": "bearer"}},
            "parameters": {
                "realtimekit_account_id": {
                    "name": "account_id", "in": "path", "required": true,
                    "description": "The account identifier tag.",
                    "schema": {"type": "string", "maxLength": 32}
                },
                "realtimekit_app_id": {
                    "name": "app_id", "in": "path", "required": true,
                    "description": "The app identifier tag.",
                    "schema": {"type": "string", "maxLength": 32}
                },
                "realtimekit_pageNo": {
                    "name": "page_no", "in": "query",
                    "description": "The page number from which you want your page search results to be displayed.",
                    "schema": {"type": "integer", "minimum": 0}
                },
                "realtimekit_perPage": {
                    "name": "per_page", "in": "query",
                    "description": "Number of results per page.",
                    "schema": {"type": "integer", "minimum": 0}
                }
            },
            "responses": {
                "realtimekit_GenericError": {
                    "description": "Failure response",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/realtimekit_GenericErrorResponse"}}}
                }
            },
            "schemas": schemas
        }
    })
}

/// `breakout_room_12` → `BreakoutRoom12`.
fn pascal(snake: &str) -> String {
    snake
        .split('_')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_uppercase().chain(chars).collect()
            })
        })
        .collect()
}

/// A resource schema: id, timestamps, a status enum, a few varied fields, an inline nested
/// object and an array.
fn entity(rng: &mut Rng, resource: &str) -> Value {
    let mut properties = Map::new();
    properties.insert(
        "id".into(),
        json!({
            "description": format!("ID of the {resource}."), "type": "string", "format": "uuid",
            "example": "3fa85f64-5717-4562-b3fc-2c963f66afa6"
        }),
    );
    properties.insert(
        "created_at".into(),
        json!({
            "description": "When this object was created. The time is returned in ISO format.",
            "type": "string", "format": "date-time", "example": "2026-11-26T12:00:00Z"
        }),
    );
    properties.insert("status".into(), enum_schema(rng, resource));
    for f in 0..rng.range(3, 8) {
        let word = rng.pick(FIELD_WORDS);
        let name = format!("{word}_{f}");
        let schema = match rng.range(0, 4) {
            0 => json!({
                "type": "string", "description": format!("The {word} of the {resource}."),
                "example": format!("{word} {f}")
            }),
            1 => json!({
                "type": "integer", "description": format!("The {word} count."),
                "minimum": 0, "exclusiveMinimum": true, "example": 10
            }),
            2 => json!({"type": "boolean", "default": false}),
            3 => json!({"type": "number", "nullable": true, "example": 1.5}),
            _ => json!({"type": "string", "format": "uri"}),
        };
        properties.insert(name, schema);
    }
    let mut settings = Map::new();
    for f in 0..rng.range(2, 4) {
        settings.insert(
            format!("{}_{f}", rng.pick(FIELD_WORDS)),
            json!({"type": if f % 2 == 0 { "boolean" } else { "string" }}),
        );
    }
    properties.insert(
        "settings".into(),
        json!({"description": format!("Settings of the {resource}."), "type": "object", "properties": settings}),
    );
    properties.insert(
        "labels".into(),
        json!({"type": "array", "items": {"type": "string"}}),
    );
    json!({
        "description": format!("Represents a {resource}."),
        "type": "object",
        "properties": properties,
        "required": ["id", "created_at", "status"]
    })
}

fn enum_schema(rng: &mut Rng, resource: &str) -> Value {
    let count = rng.range(2, 5);
    let start = rng.range(0, ENUM_WORDS.len() - 1);
    let values: Vec<&str> = (0..count)
        .map(|i| ENUM_WORDS[(start + i) % ENUM_WORDS.len()])
        .collect();
    json!({
        "description": format!("Status of the {resource}."), "type": "string", "enum": values,
        "example": values[0]
    })
}

fn reference(kind: &str, name: &str) -> Value {
    json!({"$ref": format!("#/components/{kind}/{name}")})
}

/// A success response: an `allOf` envelope of the generic success response and `data`.
fn envelope(description: &str, data: Value, paging: bool) -> Value {
    let mut properties = Map::new();
    properties.insert("data".into(), data);
    if paging {
        properties.insert("paging".into(), reference("schemas", "realtimekit_Paging"));
    }
    json!({
        "description": description,
        "content": {"application/json": {"schema": {"allOf": [
            reference("schemas", "realtimekit_GenericSuccessResponse"),
            {"type": "object", "properties": properties, "required": ["data"]}
        ]}}}
    })
}

fn operation(
    rng: &mut Rng,
    kind: &str,
    resource: &str,
    type_name: &str,
    tag: &str,
    noun: &str,
) -> Value {
    let entity = reference("schemas", type_name);
    let mut parameters = vec![
        reference("parameters", "realtimekit_account_id"),
        reference("parameters", "realtimekit_app_id"),
    ];
    let id_param = json!({
        "name": format!("{noun}_id"), "in": "path", "required": true,
        "description": format!("ID of the {resource}."),
        "schema": {"type": "string", "format": "uuid"}
    });
    let mut op = Map::new();
    let (summary, status, response) = match kind {
        "list" => {
            parameters.push(reference("parameters", "realtimekit_pageNo"));
            parameters.push(reference("parameters", "realtimekit_perPage"));
            parameters.push(json!({
                "name": "status", "in": "query",
                "description": format!("Filter {resource}s by status."),
                "schema": enum_schema(rng, resource)
            }));
            parameters.push(json!({
                "name": "ids", "in": "query", "style": "form", "explode": rng.range(0, 1) == 1,
                "description": "Only these IDs.",
                "schema": {"type": "array", "items": {"type": "string"}}
            }));
            (
                format!("Fetch all {resource}s"),
                "200",
                envelope(
                    "Success response",
                    json!({"type": "array", "items": entity}),
                    true,
                ),
            )
        }
        "create" | "update" => {
            if kind == "update" {
                parameters.push(id_param);
            }
            let mut properties = Map::new();
            for f in 0..rng.range(2, 6) {
                properties.insert(
                    format!("{}_{f}", rng.pick(FIELD_WORDS)),
                    json!({"type": if f % 3 == 0 { "integer" } else { "string" }}),
                );
            }
            properties.insert("status".into(), enum_schema(rng, resource));
            let required: Vec<&String> = properties.keys().take(1).collect();
            let required = json!(required);
            op.insert(
                "requestBody".into(),
                json!({
                    "required": true,
                    "content": {"application/json": {"schema": {
                        "type": "object", "properties": properties, "required": required
                    }}}
                }),
            );
            let (summary, status) = if kind == "create" {
                (format!("Create a {resource}"), "201")
            } else {
                (format!("Update a {resource}"), "200")
            };
            (summary, status, envelope("Success response", entity, false))
        }
        "get" => {
            parameters.push(id_param);
            (
                format!("Fetch a {resource}"),
                "200",
                envelope("Success response", entity, false),
            )
        }
        _ => {
            parameters.push(id_param);
            (
                format!("Delete a {resource}"),
                "200",
                envelope(
                    "Success response",
                    json!({"type": "object", "properties": {"deleted": {"type": "boolean"}}}),
                    false,
                ),
            )
        }
    };
    op.insert("operationId".into(), json!(format!("{kind}_{resource}")));
    op.insert("summary".into(), json!(summary));
    op.insert(
        "description".into(),
        json!(format!("{summary} of the given App.")),
    );
    op.insert("tags".into(), json!([tag]));
    op.insert("parameters".into(), Value::Array(parameters));
    op.insert(
        "responses".into(),
        json!({
            status: response,
            "4XX": reference("responses", "realtimekit_GenericError")
        }),
    );
    op.insert("security".into(), json!([{"api_token": []}]));
    Value::Object(op)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> generator::Options {
        generator::Options {
            config: Default::default(),
            crate_name: "synthetic".into(),
            spec_label: "synthetic.json".into(),
            regenerate_command: "cargo xtask bench".into(),
            env_prefix: None,
            strict: true,
            skip_invalid: false,
            overlays: Vec::new(),
            extra_dev_dependencies: Vec::new(),
        }
    }

    #[test]
    fn has_exactly_the_operations_asked_for_and_is_deterministic() {
        for n in [1, 7, 23] {
            let text = spec(n);
            assert_eq!(text, spec(n), "same n, same text");
            let value: Value = serde_json::from_str(&text).unwrap();
            let count: usize = value["paths"]
                .as_object()
                .unwrap()
                .values()
                .map(|item| item.as_object().unwrap().len())
                .sum();
            assert_eq!(count, n);
        }
    }

    /// The default names hold on a large spec too: none over 40 characters, and no collision
    /// resolved with a number (`Foo2` beside `Foo`; the synthetic resources carry numbers of
    /// their own, `Meeting3`).
    #[test]
    fn names_stay_short_and_unnumbered_at_scale() {
        let surface = generator::api_surface(&spec(600)).unwrap();
        assert!(surface.types.len() > 1000, "{} types", surface.types.len());
        let names: std::collections::BTreeSet<&str> =
            surface.types.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names.len(), surface.types.len(), "a name given twice");
        for name in &names {
            assert!(name.len() <= 40, "{name} is over 40 characters");
            let base = name.trim_end_matches(|c: char| c.is_ascii_digit());
            assert!(
                base == *name || !names.contains(base),
                "{name} is numbered beside {base}"
            );
        }
    }

    /// Every operation is generated (strict: no warnings, nothing skipped) and every resource
    /// gets its own types, so larger specs really cost more.
    #[test]
    fn generates_cleanly_with_distinct_types_per_resource() {
        let output = generator::generate(&spec(20), &options()).unwrap();
        let types = &output.files["src/types.rs"];
        for (r, noun) in NOUNS.iter().enumerate().take(4) {
            let name = pascal(&format!("{noun}_{r}"));
            assert!(types.contains(&format!("pub struct {name} {{")), "{name}");
            // Its status is an enum, shared with the resources whose statuses have the same
            // values (one type per concept).
            let fields = &types[types.find(&format!("pub struct {name} {{")).unwrap_or(0)..];
            let status = fields
                .split("pub status: ")
                .nth(1)
                .and_then(|rest| rest.split(',').next())
                .unwrap_or_default();
            assert!(status.ends_with("Status"), "{name}: status: {status}");
            assert!(types.contains(&format!("pub enum {status} {{")), "{status}");
        }
        let methods: String = output
            .files
            .iter()
            .filter(|(path, _)| path.starts_with("src/operations/"))
            .map(|(_, text)| text.as_str())
            .collect();
        for (r, noun) in NOUNS.iter().enumerate().take(4) {
            for kind in ["list", "create", "get", "update", "delete"] {
                let method = format!("fn {kind}_{noun}_{r}(");
                assert!(methods.contains(&method), "{method}");
            }
        }
    }

    /// The 3.1 equivalent is written in 3.1's own terms, and the generator makes the same crate
    /// of it (so that timing the two compares like with like).
    #[test]
    fn the_3_1_equivalent_is_3_1_and_generates_the_same_crate() {
        let text = spec_3_1(20);
        assert_eq!(text, spec_3_1(20), "deterministic");
        let value: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["openapi"], "3.1.0");
        for (needle, present) in [
            (r#""nullable""#, false),
            (r#""example":"#, false),
            (r#""exclusiveMinimum": true"#, false),
            (r#""examples": ["#, true),
            (r#""exclusiveMinimum": 0"#, true),
            (r#""null""#, true),
        ] {
            assert_eq!(text.contains(needle), present, "{needle}");
        }
        let v30 = generator::generate(&spec(20), &options()).unwrap();
        let v31 = generator::generate(&text, &options()).unwrap();
        assert_eq!(v30.files, v31.files);
        assert!(v31.diagnostics.is_empty(), "{:?}", v31.diagnostics);
    }

    /// Likewise the 3.2 equivalent.
    #[test]
    fn the_3_2_equivalent_is_3_2_and_generates_the_same_crate() {
        let text = spec_3_2(20);
        assert_eq!(text, spec_3_2(20), "deterministic");
        let value: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["openapi"], "3.2.0");
        let v30 = generator::generate(&spec(20), &options()).unwrap();
        let v32 = generator::generate(&text, &options()).unwrap();
        assert_eq!(v30.files, v32.files);
        assert!(v32.diagnostics.is_empty(), "{:?}", v32.diagnostics);
    }
}
