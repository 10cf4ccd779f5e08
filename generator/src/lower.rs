//! Stage 2, between load and resolve: lowers an OpenAPI 3.1 document (schemas in JSON Schema
//! 2020-12) into the one schema shape the model reads, which is OpenAPI 3.0's, so that neither
//! the model nor any emitter learns about 3.1. A 3.0 document passes through untouched.
//!
//! Lowering rewrites schemas in place, so that a JSON pointer into the lowered document is, in
//! almost every case, the same pointer into the document the user wrote. Where a rewrite moves a
//! schema (the branches of a `type` array become `oneOf` branches, a `$ref` with siblings is
//! wrapped in `allOf`, `patternProperties` becomes `additionalProperties`), [`Origins`] records
//! where the moved schema came from, and every diagnostic is translated back through it before
//! anyone sees it.
//!
//! What each 2020-12 keyword becomes:
//!
//! | 3.1 | lowered to |
//! |---|---|
//! | `type: [T, "null"]` | `type: T`, `nullable: true` |
//! | `type: [T, U, ...]` | `oneOf` of one branch per type (each with its type's keywords); beside an existing `oneOf`/`anyOf`, dropped with a note (the alternatives type the value) |
//! | `const: v` | `enum: [v]` (and the type of `v` when there is no `type`) |
//! | `oneOf`/`anyOf` of `{const, title/description}` | one `enum`, the docs in `x-enum-descriptions` |
//! | `examples: [...]` | `example` (the first), unless there is one |
//! | numeric `exclusiveMinimum`/`exclusiveMaximum` | `minimum`/`maximum` with the boolean flag |
//! | `$ref` with `nullable`, `type`, `properties`, ... beside it | `allOf: [{$ref}]` with them |
//! | `$ref: "#anchor"`, `$ref` to an `$id` | the JSON pointer of that schema |
//! | `$ref: "#/..."` inside a schema with `$id` | the pointer from that schema, where that names something (else from the document, as most tools read it) |
//! | `prefixItems` (no further `items`); `items: [...]` (the older spelling) | kept: the model makes a tuple |
//! | `contentEncoding: base64` | `format: byte`; `contentMediaType` (not JSON) `format: binary` |
//! | `patternProperties` (one pattern), `unevaluatedProperties: {schema}` | `additionalProperties` |
//! | `true` / `false` as a schema | `{}` / `{not: {}}` |
//! | `if`/`then`/`else`, `dependentSchemas`, `prefixItems` with `items` | kept, with a note the model turns into a warning where it uses the schema |
//! | `$defs`, `$id`, `$anchor`, `$schema`, `$comment`, `propertyNames`, `dependentRequired`, `contains` | kept (read as annotations or validation only) |
//!
//! Outside schemas, 3.1 adds `webhooks`, `components.pathItems`, `info.summary`,
//! `license.identifier` and `jsonSchemaDialect`, and makes `paths` optional: all are read
//! (the model builds webhook payload types); an absent `paths` is lowered to `paths: {}`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::{Map, Value};

use crate::diagnostics::{Category, Diagnostic, Error, Severity};
use crate::resolve::escape;

mod v32;
pub use v32::{QUERYSTRING_KEY, raise_to_3_2};

/// The key under which lowering leaves notes on a schema it could not fully express; the model
/// turns each into a warning located at the schema, when (and only if) it builds that schema.
pub const NOTE_KEY: &str = "x-openapi-gen-unsupported";

/// The key holding one doc per `enum` value (the convention of openapi-generator, read in 3.0
/// documents too).
pub const ENUM_DOCS_KEY: &str = "x-enum-descriptions";

/// The key holding one Rust-facing name per `enum` value (openapi-generator's convention, read
/// in 3.0 documents too): what the titles of integer `const` alternatives are lowered to.
pub const ENUM_NAMES_KEY: &str = "x-enum-varnames";

/// Where the branches of a `oneOf` of documented constants are kept once they are one `enum`.
const BRANCHES_KEY: &str = "x-openapi-gen-constants";

/// One branch of a `oneOf` of documented constants.
struct Constant {
    value: Value,
    title: Option<String>,
    description: Option<String>,
}

/// The OpenAPI version a document is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// OpenAPI 3.0.x: schemas are OpenAPI's own subset of JSON Schema.
    V30,
    /// OpenAPI 3.1.x: schemas are JSON Schema 2020-12.
    V31,
    /// OpenAPI 3.2.x: 3.1's schemas; item schemas, more methods, the whole query string, ...
    /// (lowered by [`v32`]).
    V32,
}

/// Where schemas that lowering moved came from: lowered pointer → pointer in the original
/// document. A pointer below a moved schema is translated through its longest recorded prefix.
#[derive(Debug, Clone, Default)]
pub struct Origins {
    moved: BTreeMap<String, String>,
}

impl Origins {
    /// `lowered` (a place in the lowered document) was `original` (a place named as the
    /// document stood when the move was made, which may itself lie below an earlier move).
    fn record(&mut self, lowered: String, original: String) {
        let original = self.original(&original);
        if lowered != original {
            self.moved.insert(lowered, original);
        }
    }

    /// The pointer in the original document of the place `pointer` names in the lowered one.
    pub fn original(&self, pointer: &str) -> String {
        if self.moved.is_empty() {
            return pointer.to_string();
        }
        // Longest recorded prefix first, each ending at a segment boundary.
        let mut end = pointer.len();
        loop {
            let prefix = &pointer[..end];
            if let Some(original) = self.moved.get(prefix) {
                return format!("{original}{}", &pointer[end..]);
            }
            match prefix.rfind('/') {
                Some(slash) if slash > 0 => end = slash,
                _ => return pointer.to_string(),
            }
        }
    }

    /// [`original`](Self::original) for every diagnostic of an error.
    pub fn restore_error(&self, mut error: Error) -> Error {
        self.restore_all(&mut error.diagnostics);
        error
    }

    /// [`original`](Self::original) for every diagnostic.
    pub fn restore_all(&self, diagnostics: &mut [Diagnostic]) {
        if self.moved.is_empty() {
            return;
        }
        for d in diagnostics {
            d.pointer = self.original(&d.pointer);
        }
    }
}

/// A document after lowering.
pub struct Lowered {
    pub raw: Value,
    pub dialect: Dialect,
    pub origins: Origins,
    /// Document-level remarks (an unknown `jsonSchemaDialect`), as warnings.
    pub warnings: Vec<Diagnostic>,
}

/// The dialect of a document whose `openapi` field has been checked to be 3.0.x, 3.1.x or
/// 3.2.x.
pub fn dialect(raw: &Value) -> Dialect {
    match raw.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.1") => Dialect::V31,
        Some(v) if v.starts_with("3.2") => Dialect::V32,
        _ => Dialect::V30,
    }
}

/// JSON Schema dialects whose vocabulary lowering knows.
const KNOWN_DIALECTS: &[&str] = &[
    "https://spec.openapis.org/oas/3.1/dialect/base",
    "https://spec.openapis.org/oas/3.1/dialect/2024-10-25",
    "https://json-schema.org/draft/2020-12/schema",
];

/// Lowers a 3.1 or 3.2 document; returns a 3.0 one as it is.
pub fn lower(mut raw: Value) -> Lowered {
    let dialect = dialect(&raw);
    let mut origins = Origins::default();
    let mut warnings = Vec::new();
    if dialect == Dialect::V30 {
        return Lowered {
            raw,
            dialect,
            origins,
            warnings,
        };
    }
    if let Some(Value::String(schema_dialect)) = raw.get("jsonSchemaDialect") {
        let known = KNOWN_DIALECTS
            .iter()
            .any(|d| schema_dialect.trim_end_matches('#') == *d);
        if !known {
            warnings.push(Diagnostic {
                severity: Severity::Warning,
                category: Category::Unsupported,
                pointer: "#/jsonSchemaDialect".into(),
                message: format!(
                    "schemas are declared in the dialect `{schema_dialect}`; they are read as \
                     OpenAPI 3.1's default dialect (JSON Schema 2020-12)"
                ),
            });
        }
    }
    if dialect == Dialect::V32 {
        v32::lower(&mut raw, &mut origins);
    }
    let references = References::plan(&mut raw);
    if let Value::Object(doc) = &mut raw {
        if !doc.contains_key("paths") {
            doc.insert("paths".into(), Value::Object(Map::new()));
        }
    }
    let mut pass = Lower {
        origins: &mut origins,
        references: &references,
    };
    walk_document(&mut raw, &mut pass);
    retarget_references(&mut raw, &origins);
    Lowered {
        raw,
        dialect,
        origins,
        warnings,
    }
}

/// A `$ref` written to a place that lowering moved (into a branch of a `type` array, from
/// `patternProperties` to `additionalProperties`, ...) follows it: each such reference is
/// pointed at the place in the lowered document that [`Origins`] says came from its target.
/// Nothing to do, and no walk, when nothing moved.
fn retarget_references(raw: &mut Value, origins: &Origins) {
    if origins.moved.is_empty() {
        return;
    }
    // Where each moved place came from, by original pointer (a place split into several
    // branches has several).
    let mut moved_from: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (lowered, original) in &origins.moved {
        moved_from
            .entry(original.as_str())
            .or_default()
            .push(lowered.as_str());
    }
    let exists = |raw: &Value, pointer: &str| {
        pointer
            .strip_prefix('#')
            .is_some_and(|p| raw.pointer(p).is_some())
    };
    // The references to retarget: the JSON pointer (serde_json's, without `#`) of the object
    // holding each, and its new target.
    let mut found: Vec<(String, String)> = Vec::new();
    let mut stack: Vec<(&Value, String)> = vec![(&*raw, String::new())];
    while let Some((value, at)) = stack.pop() {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(target)) = map.get("$ref") {
                    if target.starts_with("#/") && !exists(raw, target) {
                        if let Some(lowered) = follow_move(raw, &moved_from, target, &exists) {
                            found.push((at.clone(), lowered));
                        }
                    }
                }
                for (key, child) in map {
                    if child.is_object() || child.is_array() {
                        stack.push((child, format!("{at}/{}", escape(key))));
                    }
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    if child.is_object() || child.is_array() {
                        stack.push((child, format!("{at}/{i}")));
                    }
                }
            }
            _ => {}
        }
    }
    for (at, target) in found {
        if let Some(Value::Object(node)) = raw.pointer_mut(&at) {
            node.insert("$ref".into(), Value::String(target));
        }
    }
}

/// The place in the lowered document that came from `target` (a pointer into the document as
/// written), if one exists: the longest moved prefix of `target`, through each place it moved
/// to, with the rest of `target` after it.
fn follow_move(
    raw: &Value,
    moved_from: &BTreeMap<&str, Vec<&str>>,
    target: &str,
    exists: &impl Fn(&Value, &str) -> bool,
) -> Option<String> {
    let mut end = target.len();
    loop {
        let prefix = &target[..end];
        if let Some(places) = moved_from.get(prefix) {
            let rest = &target[end..];
            if let Some(found) = places
                .iter()
                .map(|place| format!("{place}{rest}"))
                .find(|candidate| exists(raw, candidate))
            {
                return Some(found);
            }
        }
        end = prefix.rfind('/').filter(|slash| *slash > 1)?;
    }
}

/// Something done to every schema of a document, outermost first.
pub(crate) trait SchemaPass {
    /// Called on each schema object before its subschemas are visited (which are those the
    /// schema has after this call). `at` is the schema's pointer in the document as it is now.
    fn schema(&mut self, node: &mut Map<String, Value>, at: &str);

    /// Whether the pass rewrites the document: the walk then also turns boolean schemas
    /// (`true`, `false`) into objects first. A pass that only reads leaves them as written.
    const REWRITES: bool = true;
}

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Visits every schema of an OpenAPI document (3.0 or 3.1): in paths, webhooks and components,
/// and every subschema of those.
pub(crate) fn walk_document(raw: &mut Value, pass: &mut impl SchemaPass) {
    let Value::Object(doc) = raw else { return };
    let mut walker = Walker {
        pass,
        at: String::from("#"),
    };
    for section in ["paths", "webhooks"] {
        if let Some(Value::Object(items)) = doc.get_mut(section) {
            walker.enter(section, |w| {
                for (key, item) in items.iter_mut() {
                    w.enter(key, |w| w.path_item(item));
                }
            });
        }
    }
    let Some(Value::Object(components)) = doc.get_mut("components") else {
        return;
    };
    walker.enter("components", |w| {
        for (section, entries) in components.iter_mut() {
            let Value::Object(entries) = entries else {
                continue;
            };
            w.enter(section, |w| {
                for (key, entry) in entries.iter_mut() {
                    w.enter(key, |w| match section.as_str() {
                        "schemas" => w.schema(entry),
                        "responses" => w.response(entry),
                        "parameters" | "headers" => w.parameter(entry),
                        "requestBodies" => w.content_of(entry),
                        "pathItems" => w.path_item(entry),
                        "mediaTypes" => w.media_type(entry),
                        "callbacks" => w.callback(entry),
                        _ => {}
                    });
                }
            });
        }
    });
}

struct Walker<'p, P> {
    pass: &'p mut P,
    /// The pointer of the value being visited, grown and cut back as the walk goes.
    at: String,
}

impl<P: SchemaPass> Walker<'_, P> {
    fn enter(&mut self, segment: &str, f: impl FnOnce(&mut Self)) {
        let len = self.at.len();
        self.at.push('/');
        if segment.contains(['~', '/']) {
            self.at.push_str(&escape(segment));
        } else {
            self.at.push_str(segment);
        }
        f(self);
        self.at.truncate(len);
    }

    fn path_item(&mut self, item: &mut Value) {
        let Value::Object(item) = item else { return };
        for (key, value) in item.iter_mut() {
            self.enter(key, |w| {
                if key == "parameters" {
                    w.each(value, Self::parameter);
                } else if METHODS.contains(&key.as_str()) || key == "query" {
                    w.operation(value);
                } else if key == "additionalOperations" {
                    w.entries(value, Self::operation);
                }
            });
        }
    }

    fn operation(&mut self, op: &mut Value) {
        let Value::Object(op) = op else { return };
        for (key, value) in op.iter_mut() {
            self.enter(key, |w| match key.as_str() {
                "parameters" => w.each(value, Self::parameter),
                "requestBody" => w.content_of(value),
                "responses" => w.entries(value, Self::response),
                "callbacks" => w.entries(value, Self::callback),
                _ => {}
            });
        }
    }

    fn callback(&mut self, callback: &mut Value) {
        self.entries(callback, Self::path_item);
    }

    fn response(&mut self, response: &mut Value) {
        let Value::Object(map) = response else { return };
        if let Some(headers) = map.get_mut("headers") {
            self.enter("headers", |w| w.entries(headers, Self::parameter));
        }
        self.content_of(response);
    }

    /// A parameter or a header: a `schema`, or `content`.
    fn parameter(&mut self, parameter: &mut Value) {
        let Value::Object(map) = parameter else {
            return;
        };
        if let Some(schema) = map.get_mut("schema") {
            self.enter("schema", |w| w.schema(schema));
        }
        self.content_of(parameter);
    }

    /// The media types of a request body, response, parameter or header.
    fn content_of(&mut self, holder: &mut Value) {
        let Some(Value::Object(content)) = holder.get_mut("content") else {
            return;
        };
        self.enter("content", |w| {
            for (media, value) in content.iter_mut() {
                w.enter(media, |w| {
                    w.media_type(value);
                });
            }
        });
    }

    /// A media type: its schema, and the headers of its encodings.
    fn media_type(&mut self, value: &mut Value) {
        let Value::Object(media_type) = value else {
            return;
        };
        for key in ["schema", "itemSchema"] {
            if let Some(schema) = media_type.get_mut(key) {
                self.enter(key, |w| w.schema(schema));
            }
        }
        if let Some(Value::Object(encoding)) = media_type.get_mut("encoding") {
            self.enter("encoding", |w| {
                for (name, part) in encoding.iter_mut() {
                    w.enter(name, |w| {
                        if let Some(headers) = part.get_mut("headers") {
                            w.enter("headers", |w| w.entries(headers, Self::parameter));
                        }
                    });
                }
            });
        }
    }

    fn each(&mut self, list: &mut Value, f: fn(&mut Self, &mut Value)) {
        if let Value::Array(items) = list {
            for (i, item) in items.iter_mut().enumerate() {
                // The index written straight into the pointer, without a string of its own.
                let len = self.at.len();
                let _ = write!(self.at, "/{i}");
                f(self, item);
                self.at.truncate(len);
            }
        }
    }

    fn entries(&mut self, map: &mut Value, f: fn(&mut Self, &mut Value)) {
        if let Value::Object(entries) = map {
            for (key, item) in entries.iter_mut() {
                self.enter(key, |w| f(w, item));
            }
        }
    }

    fn schema(&mut self, schema: &mut Value) {
        if !P::REWRITES {
            if let Value::Object(node) = schema {
                self.pass.schema(node, &self.at);
                self.subschemas(node);
            }
            return;
        }
        if let Value::Bool(accepts) = schema {
            // `true` accepts anything, `false` nothing.
            *schema = if *accepts {
                Value::Object(Map::new())
            } else {
                serde_json::json!({"not": {}})
            };
        }
        let Value::Object(node) = schema else { return };
        self.pass.schema(node, &self.at);
        self.subschemas(node);
    }

    fn subschemas(&mut self, node: &mut Map<String, Value>) {
        for (key, value) in node.iter_mut() {
            match key.as_str() {
                "properties" | "patternProperties" | "$defs" | "definitions"
                | "dependentSchemas" => {
                    self.enter(key, |w| w.entries(value, Self::schema));
                }
                "allOf" | "anyOf" | "oneOf" | "prefixItems" => {
                    self.enter(key, |w| w.each(value, Self::schema));
                }
                "items" if value.is_array() => {
                    self.enter(key, |w| w.each(value, Self::schema));
                }
                "items" | "not" | "if" | "then" | "else" | "contains" | "propertyNames"
                | "contentSchema" | "unevaluatedItems" => {
                    self.enter(key, |w| w.schema(value));
                }
                // A boolean says whether other properties are allowed: the model reads it.
                "additionalProperties" | "unevaluatedProperties" if value.is_object() => {
                    self.enter(key, |w| w.schema(value));
                }
                _ => {}
            }
        }
    }
}

/// The `$ref`s lowering rewrites to JSON pointers: by `$anchor` (`#name`), by `$id` (an
/// absolute or relative URI some schema declares), and `#/...` pointers inside a schema
/// resource with an `$id`, which start at that schema (when such a place exists; else, as many
/// tools read them, at the document). Planned on the document as written, by the pointer of the
/// schema holding the `$ref`.
#[derive(Default)]
struct References {
    rewrites: BTreeMap<String, String>,
}

/// What [`References::plan`] reads off the schemas of a document (never off examples or
/// extensions, which may hold the same keys as data).
#[derive(Default)]
struct Declarations {
    /// Anchor or `$id` → the pointer of the schema declaring it; `None` when several do (a
    /// reference to it is then an error naming it).
    anchors: BTreeMap<String, Option<String>>,
    ids: BTreeMap<String, Option<String>>,
    /// Each `$ref` (second pass only): where it is, what it says, and the pointer of the
    /// innermost enclosing schema with an `$id`.
    references: Vec<(String, String, Option<String>)>,
    /// Pointers of the schemas with an `$id` enclosing the one visited, innermost last.
    bases: Vec<String>,
    collect_references: bool,
}

impl SchemaPass for Declarations {
    const REWRITES: bool = false;

    fn schema(&mut self, node: &mut Map<String, Value>, at: &str) {
        // The walk goes outermost first: an `$id` schema that does not enclose this one is
        // behind it.
        while self.bases.last().is_some_and(|base| {
            !(at.starts_with(base.as_str()) && at[base.len()..].starts_with('/'))
        }) {
            self.bases.pop();
        }
        for (key, value) in node.iter() {
            let Value::String(text) = value else { continue };
            // The first pass declares, the second collects references.
            match key.as_str() {
                "$anchor" | "$dynamicAnchor" if !self.collect_references => {
                    declare(&mut self.anchors, text, at)
                }
                "$id" if !self.collect_references => declare(&mut self.ids, text, at),
                "$id" => self.bases.push(at.to_string()),
                "$ref" if self.collect_references => {
                    let base = self.bases.last().filter(|b| b.as_str() != at).cloned();
                    // A schema with an `$id` is the base of its own `$ref`.
                    let base = if node.get("$id").is_some_and(Value::is_string) {
                        Some(at.to_string())
                    } else {
                        base
                    };
                    self.references.push((at.to_string(), text.clone(), base));
                }
                _ => {}
            }
        }
    }
}

fn declare(table: &mut BTreeMap<String, Option<String>>, name: &str, at: &str) {
    table
        .entry(name.to_string())
        .and_modify(|seen| *seen = None)
        .or_insert_with(|| Some(at.to_string()));
}

impl References {
    /// Only a document whose schemas declare an `$id` or an anchor needs a plan: finding out
    /// costs one look at each schema's keys, and builds nothing.
    fn plan(raw: &mut Value) -> References {
        let mut declared = Declarations::default();
        walk_document(raw, &mut declared);
        if declared.anchors.is_empty() && declared.ids.is_empty() {
            return References::default();
        }
        declared.collect_references = true;
        declared.bases.clear();
        walk_document(raw, &mut declared);
        let Declarations {
            anchors,
            ids,
            references,
            ..
        } = declared;
        let exists = |pointer: &str| {
            pointer
                .strip_prefix('#')
                .is_some_and(|p| raw.pointer(p).is_some())
        };
        let anchor = |name: &str| anchors.get(name).cloned().flatten();
        let mut rewrites = BTreeMap::new();
        for (at, reference, base) in references {
            let target = match reference.strip_prefix('#') {
                // A pointer: from the enclosing `$id` resource where that names something.
                Some(pointer) if pointer.starts_with('/') => base
                    .map(|base| format!("{base}{pointer}"))
                    .filter(|candidate| exists(candidate)),
                Some("") => None,
                Some(name) => anchor(name),
                // A URI: resolvable if a schema here declares it as its `$id` (with an optional
                // `#/pointer` or `#anchor` fragment after it).
                None => {
                    let (uri, fragment) = match reference.split_once('#') {
                        Some((uri, fragment)) => (uri, fragment),
                        None => (reference.as_str(), ""),
                    };
                    match ids.get(uri).cloned().flatten() {
                        Some(target) if fragment.is_empty() => Some(target),
                        Some(target) if fragment.starts_with('/') => {
                            Some(format!("{target}{fragment}"))
                        }
                        Some(_) => anchor(fragment),
                        None => None,
                    }
                }
            };
            if let Some(target) = target {
                rewrites.insert(at, target);
            }
        }
        References { rewrites }
    }
}

/// The lowering of one schema (see the module docs for the table).
struct Lower<'a> {
    origins: &'a mut Origins,
    references: &'a References,
}

/// Keywords beside a `$ref` that change the type it stands for: 3.1 applies them (3.0 ignores
/// them), so the reference is wrapped in `allOf` for the model to apply them. Annotations
/// (`description`, `title`, `examples`, ...) and pure validation (`minLength`, `pattern`, ...)
/// are read beside a `$ref` as they are.
const TYPING_KEYWORDS: &[&str] = &[
    "nullable",
    "type",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "prefixItems",
    "allOf",
    "anyOf",
    "oneOf",
    "enum",
    "readOnly",
    "writeOnly",
];

/// The keywords of each JSON type, moved into its branch when a `type` array becomes `oneOf`.
fn keywords_of(ty: &str) -> &'static [&'static str] {
    match ty {
        "object" => &[
            "properties",
            "required",
            "additionalProperties",
            "patternProperties",
            "unevaluatedProperties",
            "propertyNames",
            "minProperties",
            "maxProperties",
            "dependentRequired",
            "dependentSchemas",
            "discriminator",
        ],
        "array" => &[
            "items",
            "prefixItems",
            "minItems",
            "maxItems",
            "uniqueItems",
            "contains",
            "minContains",
            "maxContains",
            "unevaluatedItems",
        ],
        "string" => &[
            "minLength",
            "maxLength",
            "pattern",
            "contentEncoding",
            "contentMediaType",
            "contentSchema",
        ],
        "integer" | "number" => &[
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "multipleOf",
        ],
        _ => &[],
    }
}

fn note(node: &mut Map<String, Value>, message: String) {
    match node
        .entry(NOTE_KEY)
        .or_insert_with(|| Value::Array(Vec::new()))
    {
        Value::Array(notes) => notes.push(Value::String(message)),
        other => *other = Value::Array(vec![Value::String(message)]),
    }
}

/// Which of the keywords lowering rewrites a schema has: one look at each of its keys, so that
/// the (many) schemas with none of them cost no lookup at all.
#[derive(Default)]
struct Keywords {
    reference: bool,
    constant: bool,
    alternatives: bool,
    examples: bool,
    exclusive_bound: bool,
    content: bool,
    tuple: bool,
    maps: bool,
    conditionals: bool,
    type_array: bool,
}

impl Keywords {
    fn of(node: &Map<String, Value>) -> Keywords {
        let mut found = Keywords::default();
        for (key, value) in node {
            match key.as_str() {
                "$ref" => found.reference = true,
                "const" => found.constant = true,
                "oneOf" | "anyOf" => found.alternatives = true,
                "examples" => found.examples = true,
                "exclusiveMinimum" | "exclusiveMaximum" => {
                    found.exclusive_bound |= value.is_number()
                }
                "contentEncoding" | "contentMediaType" => found.content = true,
                "prefixItems" | "additionalItems" => found.tuple = true,
                "items" => found.tuple |= !value.is_object(),
                "patternProperties" | "unevaluatedProperties" => found.maps = true,
                "if" | "dependentSchemas" => found.conditionals = true,
                "type" => found.type_array = value.is_array(),
                _ => {}
            }
        }
        found
    }
}

impl SchemaPass for Lower<'_> {
    fn schema(&mut self, node: &mut Map<String, Value>, at: &str) {
        let found = Keywords::of(node);
        if found.reference {
            self.reference(node, at);
        }
        if found.constant {
            self.constant(node);
        }
        if found.alternatives {
            self.const_alternatives(node, at);
        }
        if found.examples {
            self.examples(node);
        }
        if found.exclusive_bound {
            self.exclusive_bounds(node);
        }
        if found.content {
            self.content(node);
        }
        if found.tuple {
            self.tuple(node, at);
        }
        if found.maps {
            self.maps(node, at);
        }
        if found.conditionals {
            self.conditionals(node);
        }
        // Last: a `type` array may move keywords set above into branches, and the `$ref` wrap
        // looks at the keywords beside it once they are lowered.
        if found.type_array {
            self.type_array(node, at);
        }
        if found.reference {
            self.wrap_reference(node, at);
        }
    }
}

impl Lower<'_> {
    /// `$ref`s by anchor or `$id`, and `#/...` references inside a schema resource with an
    /// `$id`, are rewritten to pointers into the document (see [`References`]).
    fn reference(&mut self, node: &mut Map<String, Value>, at: &str) {
        if self.references.rewrites.is_empty() || !node.contains_key("$ref") {
            return;
        }
        if let Some(target) = self.references.rewrites.get(&self.origins.original(at)) {
            node.insert("$ref".into(), Value::String(target.clone()));
        }
    }

    /// `const: v` is `enum: [v]`.
    fn constant(&mut self, node: &mut Map<String, Value>) {
        let Some(value) = node.remove("const") else {
            return;
        };
        if !node.contains_key("type") {
            if let Some(ty) = json_type(&value) {
                node.insert("type".into(), Value::String(ty.into()));
            }
        }
        if !node.contains_key("enum") {
            node.insert("enum".into(), Value::Array(vec![value]));
        }
    }

    /// `oneOf` (or `anyOf`) whose branches are each a `const` with at most a doc (and a
    /// `type`) is one enum, each value with its doc.
    fn const_alternatives(&mut self, node: &mut Map<String, Value>, at: &str) {
        for keyword in ["oneOf", "anyOf"] {
            let Some(Value::Array(branches)) = node.get(keyword) else {
                continue;
            };
            let text = |branch: &Map<String, Value>, key: &str| {
                branch.get(key).and_then(Value::as_str).map(str::to_string)
            };
            let constants: Option<Vec<Constant>> = branches
                .iter()
                .map(|branch| {
                    let branch = branch.as_object()?;
                    let value = branch.get("const")?.clone();
                    let only_docs = branch.keys().all(|k| {
                        matches!(
                            k.as_str(),
                            "const" | "title" | "description" | "type" | "$comment" | "deprecated"
                        ) || k.starts_with("x-")
                    });
                    only_docs.then(|| Constant {
                        value,
                        title: text(branch, "title"),
                        description: text(branch, "description"),
                    })
                })
                .collect();
            let Some(constants) = constants.filter(|c| !c.is_empty()) else {
                continue;
            };
            let types: Vec<&'static str> = constants
                .iter()
                .filter_map(|c| json_type(&c.value))
                .collect();
            let Some(first) = types.first() else {
                continue;
            };
            let numeric = |t: &str| matches!(t, "integer" | "number");
            if !types
                .iter()
                .all(|t| t == first || (numeric(t) && numeric(first)))
            {
                continue;
            }
            // The branches stay in the document, as `enum`s of one value, where `$ref`s to
            // them can still find them; the model does not read them there.
            if let Some(Value::Array(mut branches)) = node.remove(keyword) {
                for branch in branches.iter_mut().filter_map(Value::as_object_mut) {
                    self.constant(branch);
                }
                node.insert(BRANCHES_KEY.into(), Value::Array(branches));
                self.origins
                    .record(format!("{at}/{BRANCHES_KEY}"), format!("{at}/{keyword}"));
            }
            for i in 0..constants.len() {
                self.origins.record(
                    format!("{at}/enum/{i}"),
                    format!("{at}/{keyword}/{i}/const"),
                );
            }
            let ty = if types.contains(&"number") {
                "number"
            } else {
                first
            };
            if !node.contains_key("type") {
                node.insert("type".into(), Value::String(ty.into()));
            }
            if constants.iter().any(|c| c.value.is_null()) {
                node.insert("nullable".into(), Value::Bool(true));
            }
            let list = |texts: Vec<Option<String>>| {
                texts.iter().any(Option::is_some).then(|| {
                    Value::Array(
                        texts
                            .into_iter()
                            .map(|t| t.map_or(Value::Null, Value::String))
                            .collect(),
                    )
                })
            };
            match ty {
                // A string's variant is named after the value: the title is a doc like the
                // description.
                "string" => {
                    let docs = constants
                        .iter()
                        .map(|c| c.description.clone().or_else(|| c.title.clone()))
                        .collect();
                    if let Some(docs) = list(docs) {
                        node.insert(ENUM_DOCS_KEY.into(), docs);
                    }
                }
                // An integer's variant is named after the title.
                "integer" => {
                    let names = constants.iter().map(|c| c.title.clone()).collect();
                    if let Some(names) = list(names) {
                        node.insert(ENUM_NAMES_KEY.into(), names);
                    }
                    let docs = constants.iter().map(|c| c.description.clone()).collect();
                    if let Some(docs) = list(docs) {
                        node.insert(ENUM_DOCS_KEY.into(), docs);
                    }
                }
                // Other numbers and booleans are typed as plain values (as their `enum`s are
                // in 3.0): the values and their docs go into the schema's doc.
                _ if constants
                    .iter()
                    .any(|c| c.title.is_some() || c.description.is_some()) =>
                {
                    let mut doc = node
                        .get("description")
                        .and_then(Value::as_str)
                        .map(|d| format!("{}\n\n", d.trim_end()))
                        .unwrap_or_default();
                    doc.push_str("One of:\n");
                    for c in &constants {
                        doc.push_str(&format!("\n- `{}`", c.value));
                        if let Some(text) = c.description.as_ref().or(c.title.as_ref()) {
                            doc.push_str(&format!(": {}", text.trim().replace('\n', " ")));
                        }
                    }
                    node.insert("description".into(), Value::String(doc));
                }
                _ => {}
            }
            let values = constants.into_iter().map(|c| c.value).collect();
            node.insert("enum".into(), Value::Array(values));
            return;
        }
    }

    /// Schema-level `examples` (an array in 2020-12) stands for 3.0's `example`.
    fn examples(&mut self, node: &mut Map<String, Value>) {
        if let Some(Value::Array(examples)) = node.get("examples") {
            if !node.contains_key("example") {
                if let Some(first) = examples.first().cloned() {
                    node.insert("example".into(), first);
                }
            }
            node.remove("examples");
        }
    }

    /// A numeric `exclusiveMinimum` (2020-12) is 3.0's `minimum` with `exclusiveMinimum: true`.
    fn exclusive_bounds(&mut self, node: &mut Map<String, Value>) {
        for (exclusive, inclusive) in [
            ("exclusiveMinimum", "minimum"),
            ("exclusiveMaximum", "maximum"),
        ] {
            let Some(Value::Number(bound)) = node.get(exclusive).cloned() else {
                continue;
            };
            let stricter = match node.get(inclusive).and_then(Value::as_f64) {
                None => true,
                Some(current) => {
                    let bound = bound.as_f64().unwrap_or(f64::NAN);
                    if inclusive == "minimum" {
                        bound >= current
                    } else {
                        bound <= current
                    }
                }
            };
            if stricter {
                node.insert(inclusive.into(), Value::Number(bound));
                node.insert(exclusive.into(), Value::Bool(true));
            } else {
                node.remove(exclusive);
            }
        }
    }

    /// Base64 text is 3.0's `format: byte`, a binary part or body `format: binary`.
    fn content(&mut self, node: &mut Map<String, Value>) {
        if node.contains_key("format") {
            return;
        }
        let encoding = node.get("contentEncoding").and_then(Value::as_str);
        let media = node.get("contentMediaType").and_then(Value::as_str);
        let format = match (encoding, media) {
            (Some(e), _)
                if e.eq_ignore_ascii_case("base64") || e.eq_ignore_ascii_case("base64url") =>
            {
                "byte"
            }
            (None, Some(m)) if !is_json_media(m) && !m.starts_with("text/") => "binary",
            _ => return,
        };
        if !node.contains_key("type") {
            node.insert("type".into(), Value::String("string".into()));
        }
        node.insert("format".into(), Value::String(format.into()));
    }

    /// `prefixItems`: a tuple when nothing may follow the listed items, else any JSON array.
    fn tuple(&mut self, node: &mut Map<String, Value>, at: &str) {
        // Draft 4 to 2019-09 wrote a tuple as `items: [...]`, the rest as `additionalItems`.
        if node.get("items").is_some_and(Value::is_array) && !node.contains_key("prefixItems") {
            if let Some(items) = node.remove("items") {
                node.insert("prefixItems".into(), items);
                self.origins
                    .record(format!("{at}/prefixItems"), format!("{at}/items"));
            }
            if let Some(rest) = node.remove("additionalItems") {
                node.insert("items".into(), rest);
                self.origins
                    .record(format!("{at}/items"), format!("{at}/additionalItems"));
            }
        }
        let Some(Value::Array(prefix)) = node.get("prefixItems") else {
            // `items: false` without `prefixItems`: an array that must be empty.
            if matches!(node.get("items"), Some(Value::Bool(false))) {
                node.remove("items");
            }
            return;
        };
        let count = prefix.len();
        if !node.contains_key("type") {
            node.insert("type".into(), Value::String("array".into()));
        }
        match node.get("items") {
            None | Some(Value::Bool(false)) => {
                node.remove("items");
            }
            Some(_) => {
                node.remove("prefixItems");
                node.insert("items".into(), Value::Object(Map::new()));
                note(
                    node,
                    format!(
                        "`prefixItems` ({count} typed items) followed by more `items`: Rust has \
                         no type for that; typed as a list of any JSON values"
                    ),
                );
            }
        }
    }

    /// `patternProperties` and `unevaluatedProperties` as 3.0's `additionalProperties`.
    fn maps(&mut self, node: &mut Map<String, Value>, at: &str) {
        if !node.contains_key("additionalProperties") {
            if let Some(Value::Object(patterns)) = node.get("patternProperties") {
                let moved = match patterns.len() {
                    1 => patterns.iter().next().map(|(pattern, schema)| {
                        (
                            schema.clone(),
                            format!("{at}/patternProperties/{}", escape(pattern)),
                        )
                    }),
                    // Several patterns: values are of one of several types.
                    _ => Some((Value::Object(Map::new()), format!("{at}/patternProperties"))),
                };
                if let Some((schema, from)) = moved {
                    node.insert("additionalProperties".into(), schema);
                    self.origins
                        .record(format!("{at}/additionalProperties"), from);
                }
            } else if let Some(schema) = node.get("unevaluatedProperties").cloned() {
                node.insert("additionalProperties".into(), schema);
                self.origins.record(
                    format!("{at}/additionalProperties"),
                    format!("{at}/unevaluatedProperties"),
                );
            }
        }
        // Read by the model as `additionalProperties` now; left in, they would be walked twice.
        node.remove("patternProperties");
        node.remove("unevaluatedProperties");
    }

    /// Conditional subschemas change what an object may hold, which a Rust type cannot follow.
    fn conditionals(&mut self, node: &mut Map<String, Value>) {
        let conditional: Vec<&str> = ["if", "dependentSchemas"]
            .into_iter()
            .filter(|k| node.contains_key(*k))
            .collect();
        if conditional.is_empty() {
            return;
        }
        let what = if conditional.contains(&"if") {
            "`if`/`then`/`else`"
        } else {
            "`dependentSchemas`"
        };
        note(
            node,
            format!(
                "{what} cannot be expressed by a Rust type: the schema is typed by its other \
                 keywords only{}",
                if node.keys().any(|k| {
                    matches!(
                        k.as_str(),
                        "type"
                            | "properties"
                            | "items"
                            | "allOf"
                            | "oneOf"
                            | "anyOf"
                            | "$ref"
                            | "enum"
                    )
                }) {
                    ""
                } else {
                    " (any JSON value)"
                }
            ),
        );
    }

    /// `type: [T, "null"]` is `type: T, nullable: true`; several non-null types a `oneOf`.
    fn type_array(&mut self, node: &mut Map<String, Value>, at: &str) {
        let Some(Value::Array(types)) = node.get("type") else {
            return;
        };
        let mut nullable = false;
        let mut others: Vec<String> = Vec::new();
        for ty in types {
            match ty.as_str() {
                Some("null") => nullable = true,
                Some(name) if !others.iter().any(|o| o == name) => others.push(name.to_string()),
                Some(_) => {}
                // Not a type name: left for the model to call it an unknown type.
                None => others.push(ty.to_string()),
            }
        }
        if nullable {
            node.insert("nullable".into(), Value::Bool(true));
        }
        match others.as_slice() {
            [] if nullable => {
                node.insert("type".into(), Value::String("null".into()));
            }
            // `type: []` allows nothing, which no document means: read as no `type`.
            [] => {
                node.remove("type");
            }
            [only] => {
                node.insert("type".into(), Value::String(only.clone()));
            }
            _ if node.contains_key("oneOf") || node.contains_key("anyOf") => {
                // The alternatives already say what the value is (the model reads them, and
                // one list of alternatives only).
                node.remove("type");
                note(
                    node,
                    format!(
                        "`type` lists {} types beside `oneOf`/`anyOf`: typed by the alternatives \
                         only",
                        others.len()
                    ),
                );
            }
            _ => {
                node.remove("type");
                let mut branches = Vec::with_capacity(others.len());
                for (i, ty) in others.iter().enumerate() {
                    let mut branch = Map::new();
                    branch.insert("type".into(), Value::String(ty.clone()));
                    for key in keywords_of(ty) {
                        if let Some(value) = node.remove(*key) {
                            branch.insert((*key).to_string(), value);
                        }
                    }
                    if let Some(format) = node.get("format") {
                        branch.insert("format".into(), format.clone());
                    }
                    if let Some(Value::Array(values)) = node.get("enum") {
                        let own: Vec<Value> = values
                            .iter()
                            .filter(|v| {
                                json_type(v)
                                    .is_some_and(|t| t == ty || (t == "integer" && ty == "number"))
                            })
                            .cloned()
                            .collect();
                        if !own.is_empty() {
                            branch.insert("enum".into(), Value::Array(own));
                        }
                    }
                    self.origins
                        .record(format!("{at}/oneOf/{i}"), at.to_string());
                    branches.push(Value::Object(branch));
                }
                node.remove("format");
                node.remove("enum");
                node.insert("oneOf".into(), Value::Array(branches));
            }
        }
    }

    /// A `$ref` with typing keywords beside it becomes `allOf: [{$ref}]` with them.
    fn wrap_reference(&mut self, node: &mut Map<String, Value>, at: &str) {
        if !node.contains_key("$ref") || !node.keys().any(|k| TYPING_KEYWORDS.contains(&k.as_str()))
        {
            return;
        }
        let Some(reference) = node.remove("$ref") else {
            return;
        };
        let mut only = Map::new();
        only.insert("$ref".into(), reference);
        let wrapped = Value::Object(only);
        match node.get_mut("allOf") {
            Some(Value::Array(branches)) => {
                // Existing branches shift by one: record where each came from, last first (a
                // record is translated through those before it, so `allOf/2` → `allOf/1` must
                // not see `allOf/1` → `allOf/0` yet).
                let count = branches.len();
                branches.insert(0, wrapped);
                for i in (0..count).rev() {
                    self.origins
                        .record(format!("{at}/allOf/{}", i + 1), format!("{at}/allOf/{i}"));
                }
            }
            _ => {
                node.insert("allOf".into(), Value::Array(vec![wrapped]));
            }
        }
        self.origins.record(format!("{at}/allOf/0"), at.to_string());
    }
}

/// The JSON Schema type of a value.
fn json_type(value: &Value) -> Option<&'static str> {
    Some(match value {
        Value::Null => return None,
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    })
}

fn is_json_media(media: &str) -> bool {
    let essence = media
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
}

/// The mechanical translation of an OpenAPI 3.0 document into 3.1, as a converter would write
/// it: `nullable` as a `null` type (or a `null` branch), `example` as `examples`, boolean
/// exclusive bounds as numbers, `openapi: 3.1.0`. For tests and benchmarks: lowering its result
/// must give back what the 3.0 document generates.
#[doc(hidden)]
pub fn raise_to_3_1(raw: &mut Value) {
    struct Raise;
    impl SchemaPass for Raise {
        fn schema(&mut self, node: &mut Map<String, Value>, _at: &str) {
            if let Some(example) = node.remove("example") {
                node.insert("examples".into(), Value::Array(vec![example]));
            }
            for (exclusive, inclusive) in [
                ("exclusiveMinimum", "minimum"),
                ("exclusiveMaximum", "maximum"),
            ] {
                match node.get(exclusive) {
                    Some(Value::Bool(true)) => {
                        if let Some(bound) = node.remove(inclusive) {
                            node.insert(exclusive.into(), bound);
                        } else {
                            node.remove(exclusive);
                        }
                    }
                    Some(Value::Bool(false)) => {
                        node.remove(exclusive);
                    }
                    _ => {}
                }
            }
            if !matches!(node.remove("nullable"), Some(Value::Bool(true))) {
                return;
            }
            if let Some(Value::Array(values)) = node.get_mut("enum") {
                if !values.contains(&Value::Null) {
                    values.push(Value::Null);
                }
            }
            let null = serde_json::json!({"type": "null"});
            if let Some(Value::String(ty)) = node.get("type").cloned() {
                node.insert("type".into(), serde_json::json!([ty, "null"]));
            } else if let Some(Value::Array(branches)) = node.get_mut("oneOf") {
                branches.push(null);
            } else if let Some(Value::Array(branches)) = node.get_mut("anyOf") {
                branches.push(null);
            } else {
                // `allOf` or a bare `$ref`: the schema, or null.
                let rest = std::mem::take(node);
                let (docs, rest): (Map<String, Value>, Map<String, Value>) =
                    rest.into_iter().partition(|(k, _)| {
                        // Annotations of the property, not of its non-null branch.
                        matches!(
                            k.as_str(),
                            "description"
                                | "title"
                                | "readOnly"
                                | "writeOnly"
                                | "deprecated"
                                | "default"
                                | "examples"
                        ) || k.starts_with("x-")
                    });
                *node = docs;
                node.insert(
                    "anyOf".into(),
                    Value::Array(vec![Value::Object(rest), null]),
                );
            }
        }
    }
    if let Value::Object(doc) = raw {
        doc.insert("openapi".into(), Value::String("3.1.0".into()));
    }
    walk_document(raw, &mut Raise);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn lowered(schema: Value) -> (Value, Origins) {
        let doc = json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "components": {"schemas": {"S": schema}},
        });
        let out = lower(doc);
        (out.raw["components"]["schemas"]["S"].clone(), out.origins)
    }

    #[test]
    fn type_arrays() {
        let (s, _) = lowered(json!({"type": ["string", "null"], "format": "uuid"}));
        assert_eq!(
            s,
            json!({"type": "string", "format": "uuid", "nullable": true})
        );
        let (s, origins) = lowered(json!({
            "type": ["array", "string", "null"],
            "items": {"type": ["integer", "null"]},
            "maxLength": 3,
        }));
        assert_eq!(
            s,
            json!({
                "nullable": true,
                "oneOf": [
                    {"type": "array", "items": {"type": "integer", "nullable": true}},
                    {"type": "string", "maxLength": 3},
                ],
            })
        );
        assert_eq!(
            origins.original("#/components/schemas/S/oneOf/0/items"),
            "#/components/schemas/S/items"
        );
        assert_eq!(
            origins.original("#/components/schemas/S/oneOf/1"),
            "#/components/schemas/S"
        );
    }

    #[test]
    fn constants_and_documented_alternatives() {
        let (s, _) = lowered(json!({"const": "on"}));
        assert_eq!(s, json!({"type": "string", "enum": ["on"]}));
        let (mut s, _) = lowered(json!({"oneOf": [
            {"const": "a", "title": "The first"},
            {"const": "b", "description": "The second"},
            {"const": "c"},
        ]}));
        // The branches are kept aside, as one-value enums.
        let kept = s.as_object_mut().unwrap().remove(BRANCHES_KEY).unwrap();
        assert_eq!(kept[2], json!({"type": "string", "enum": ["c"]}));
        assert_eq!(
            s,
            json!({
                "type": "string",
                "x-enum-descriptions": ["The first", "The second", null],
                "enum": ["a", "b", "c"],
            })
        );
        let (mut s, _) = lowered(json!({"anyOf": [
            {"const": 1, "title": "Low", "description": "Whenever."},
            {"const": 2, "title": "High"},
            {"const": null},
        ]}));
        s.as_object_mut().unwrap().remove(BRANCHES_KEY);
        assert_eq!(
            s,
            json!({
                "type": "integer",
                "nullable": true,
                "x-enum-varnames": ["Low", "High", null],
                "x-enum-descriptions": ["Whenever.", null, null],
                "enum": [1, 2, null],
            })
        );
    }

    #[test]
    fn references_with_siblings_and_anchors() {
        let doc = json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "components": {"schemas": {
                "A": {"$anchor": "thing", "type": "string"},
                "B": {"$ref": "#thing", "description": "kept"},
                "C": {"$ref": "#/components/schemas/A", "type": ["string", "null"]},
                "D": {"$id": "https://example.com/d", "$defs": {"x": {"type": "integer"}},
                      "properties": {"x": {"$ref": "#/$defs/x"},
                                     "a": {"$ref": "#/components/schemas/A"}}},
                "E": {"$ref": "https://example.com/d"},
            }},
        });
        let out = lower(doc);
        let schemas = &out.raw["components"]["schemas"];
        assert_eq!(
            schemas["B"],
            json!({"$ref": "#/components/schemas/A", "description": "kept"})
        );
        assert_eq!(
            schemas["C"],
            json!({"type": "string", "nullable": true, "allOf": [{"$ref": "#/components/schemas/A"}]})
        );
        assert_eq!(
            schemas["D"]["properties"]["x"]["$ref"],
            json!("#/components/schemas/D/$defs/x")
        );
        assert_eq!(schemas["E"]["$ref"], json!("#/components/schemas/D"));
        // Nothing by that pointer inside `D`: read from the document, as most tools do.
        assert_eq!(
            schemas["D"]["properties"]["a"]["$ref"],
            json!("#/components/schemas/A")
        );
        assert_eq!(
            out.origins.original("#/components/schemas/C/allOf/0"),
            "#/components/schemas/C"
        );
    }

    #[test]
    fn anchors_are_read_off_schemas_only() {
        // An example holding the same keys as data declares nothing.
        let doc = json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "paths": {"/a": {"get": {"responses": {"200": {
                "description": "A.",
                "content": {"application/json": {
                    "schema": {"$ref": "#thing"},
                    "example": {"$anchor": "thing", "$id": "https://example.com/a"},
                }},
            }}}}},
            "components": {"schemas": {"A": {"$anchor": "thing", "type": "string"}}},
        });
        let out = lower(doc);
        let media = &out.raw["paths"]["/a"]["get"]["responses"]["200"]["content"];
        assert_eq!(
            media["application/json"]["schema"]["$ref"],
            json!("#/components/schemas/A")
        );
    }

    #[test]
    fn bounds_examples_maps_and_tuples() {
        let (s, _) = lowered(json!({
            "type": "integer", "exclusiveMinimum": 0, "exclusiveMaximum": 10, "examples": [3, 4]
        }));
        assert_eq!(
            s,
            json!({"type": "integer", "exclusiveMinimum": true, "exclusiveMaximum": true,
                   "minimum": 0, "maximum": 10, "example": 3})
        );
        let (s, origins) = lowered(json!({"patternProperties": {"^x-": {"type": "string"}}}));
        assert_eq!(s, json!({"additionalProperties": {"type": "string"}}));
        assert_eq!(
            origins.original("#/components/schemas/S/additionalProperties"),
            "#/components/schemas/S/patternProperties/^x-"
        );
        let (s, _) = lowered(json!({"prefixItems": [{"type": "number"}, true], "items": false}));
        assert_eq!(
            s,
            json!({"type": "array", "prefixItems": [{"type": "number"}, {}]})
        );
    }

    #[test]
    fn references_follow_what_lowering_moved() {
        let doc = json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "components": {"schemas": {
                "A": {"properties": {
                    "b": {"$ref": "#/components/schemas/S/properties/a"},
                    "c": {"$ref": "#/components/schemas/M/patternProperties/^x-"},
                    "d": {"$ref": "#moved"},
                }},
                "S": {"type": ["object", "string"], "properties": {
                    "a": {"type": "integer"},
                    "e": {"$anchor": "moved", "type": "string"},
                }},
                "M": {"patternProperties": {"^x-": {"type": "boolean"}}},
            }},
        });
        let out = lower(doc);
        let a = &out.raw["components"]["schemas"]["A"]["properties"];
        assert_eq!(
            a["b"]["$ref"],
            json!("#/components/schemas/S/oneOf/0/properties/a")
        );
        assert_eq!(
            a["c"]["$ref"],
            json!("#/components/schemas/M/additionalProperties")
        );
        assert_eq!(
            a["d"]["$ref"],
            json!("#/components/schemas/S/oneOf/0/properties/e")
        );
    }

    #[test]
    fn raising_and_lowering_round_trips_nullable() {
        let mut doc = json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "components": {"schemas": {
                "S": {"type": "string", "nullable": true, "example": "x"},
                "E": {"type": "string", "enum": ["a"], "nullable": true},
            }},
        });
        raise_to_3_1(&mut doc);
        assert_eq!(
            doc["components"]["schemas"]["S"]["type"],
            json!(["string", "null"])
        );
        let out = lower(doc);
        assert_eq!(
            out.raw["components"]["schemas"]["S"],
            json!({"type": "string", "nullable": true, "example": "x"})
        );
        assert_eq!(
            out.raw["components"]["schemas"]["E"],
            json!({"type": "string", "enum": ["a", null], "nullable": true})
        );
    }
}
