//! Stage 1: spec text → document. Reads YAML or JSON into a JSON value (kept for `$ref`
//! resolution by pointer), has [`lower`](crate::lower) bring an OpenAPI 3.1 document into the
//! 3.0 shape, and reads that into openapiv3's typed model, which checks its structure.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::diagnostics::{Category, Diagnostic, Error, Severity};
use crate::lower::{self, Dialect, Origins};
use crate::model::numbers::Vocabulary;
use crate::resolve::{escape, pointer_from_path, structure_only};

/// A parsed OpenAPI description: the raw JSON tree (lowered to the 3.0 shape) and its typed
/// view.
pub struct Document {
    pub raw: Value,
    pub api: openapiv3::OpenAPI,
    /// Operations (or whole path items) left out because they are not valid OpenAPI
    /// ([`Category::BadInput`]; the caller decides whether that fails the run).
    pub skipped: Vec<Diagnostic>,
    /// The OpenAPI version the document was written in.
    pub dialect: Dialect,
    /// Where the schemas lowering moved came from: every diagnostic about the document goes
    /// through [`Origins::original`] before it is shown.
    pub origins: Origins,
    /// Warnings about the document as a whole (see [`lower::Lowered::warnings`]).
    pub warnings: Vec<Diagnostic>,
    /// The names the document declares and what they say about numbers (read here, where the
    /// tree is still the loader's to walk; the model looks names up in it).
    pub vocabulary: Vocabulary,
}

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Parses YAML (1.2 rules, so `off` stays a string) or JSON text, lowers OpenAPI 3.1 to the
/// 3.0 shape and checks the structure. Every pointer in an error or in
/// [`Document::skipped`] names a place in `text`.
// Never inlined: `cargo xtask bench` counts the load stage's instructions by this symbol.
#[inline(never)]
pub fn load(text: &str) -> Result<Document, Error> {
    load_tree(read(text)?)
}

/// [`load`] of a document already read into its JSON tree ([`read`]).
#[inline(never)]
pub fn load_tree(raw: Value) -> Result<Document, Error> {
    check_version(&raw)?;
    check_depth(&raw)?;
    check_tags(&raw)?;
    let lower::Lowered {
        raw,
        dialect,
        origins,
        warnings,
    } = lower::lower(raw);
    let version = match dialect {
        Dialect::V30 => "3.0",
        Dialect::V31 => "3.1",
        Dialect::V32 => "3.2",
    };
    let (mut raw, api, mut skipped) = check(raw, version).map_err(|e| origins.restore_error(e))?;
    origins.restore_all(&mut skipped);
    let vocabulary = Vocabulary::read(&mut raw);
    Ok(Document {
        vocabulary,
        raw,
        api,
        skipped,
        dialect,
        origins,
        warnings,
    })
}

/// The JSON tree of YAML (1.2 rules, so `off` stays a string) or JSON text, as written.
// Never inlined: `cargo xtask bench` counts the load stage's instructions by this symbol.
#[inline(never)]
pub fn read(text: &str) -> Result<Value, Error> {
    read_located(text).map_err(|e| {
        let at = e
            .position
            .map(|(line, column)| format!(" (line {line}, column {column})"))
            .unwrap_or_default();
        Error::single("#", format!("{}{at}: {}", e.what, e.detail))
    })
}

/// Why text is no JSON tree: what it is not, where the parser stopped, and its message.
#[derive(Debug, Clone)]
pub struct Unreadable {
    /// `not valid YAML` or `not valid JSON`.
    pub what: &'static str,
    /// Line and column (1-based) where the parser stopped, when it says.
    pub position: Option<(usize, usize)>,
    /// The parser's message.
    pub detail: String,
}

/// [`read`], failing with what the text is not (`not valid YAML`), the parser's line and
/// column when it has them, and its message (for [`crate::files`], which names the file).
pub fn read_located(text: &str) -> Result<Value, Unreadable> {
    if text.trim_start().starts_with('{') {
        read_json(text)
    } else {
        read_yaml(text)
    }
}

/// Checks the structure of a (lowered) document with openapiv3; errors say which `version`
/// of OpenAPI the document is not valid as.
fn check(
    mut raw: Value,
    version: &str,
) -> Result<(Value, openapiv3::OpenAPI, Vec<Diagnostic>), Error> {
    let (skipped, operations) = drop_invalid_operations(&mut raw, version);
    // Reusable components are read through the resolver, by pointer, when an operation uses
    // them: a broken one then costs the operations that use it (each skipped with a located
    // warning), not the whole spec. The typed model only needs the security schemes.
    let set_aside = set_aside_components(&mut raw);
    // The operations left are valid and already deserialized: the rest of the document is read
    // without them (each stands in as `null`, which reads as "no such operation", so that the
    // order of keys is kept) and they are put back in the typed document afterwards.
    let operation_values = set_aside_operations(&mut raw, &operations);
    let api = parse::<openapiv3::OpenAPI>(&raw, "#", version);
    restore_operations(&mut raw, &operations, operation_values);
    restore_components(&mut raw, set_aside);
    let mut api = api?;
    put_back_operations(&mut api, operations);
    Ok((raw, api, skipped))
}

/// An operation that deserialized on its own: its path, method and typed form.
struct Checked {
    path: String,
    method: &'static str,
    operation: openapiv3::Operation,
}

fn set_aside_operations(raw: &mut Value, operations: &[Checked]) -> Vec<Value> {
    let Some(paths) = raw.get_mut("paths").and_then(Value::as_object_mut) else {
        return Vec::new();
    };
    operations
        .iter()
        .map(|checked| {
            paths
                .get_mut(&checked.path)
                .and_then(|item| item.get_mut(checked.method))
                .map(std::mem::take)
                .unwrap_or_default()
        })
        .collect()
}

fn restore_operations(raw: &mut Value, operations: &[Checked], values: Vec<Value>) {
    let Some(paths) = raw.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (checked, value) in operations.iter().zip(values) {
        if let Some(slot) = paths
            .get_mut(&checked.path)
            .and_then(|item| item.get_mut(checked.method))
        {
            *slot = value;
        }
    }
}

/// Puts the operations read on their own into the path items of the typed document, exactly
/// where reading the whole document would have put them: path items under a key that starts
/// with `/`, and not those that are a `$ref` (openapiv3 ignores the operations beside one).
fn put_back_operations(api: &mut openapiv3::OpenAPI, operations: Vec<Checked>) {
    for checked in operations {
        let Some(openapiv3::ReferenceOr::Item(item)) = api.paths.paths.get_mut(&checked.path)
        else {
            continue;
        };
        let slot = match checked.method {
            "get" => &mut item.get,
            "put" => &mut item.put,
            "post" => &mut item.post,
            "delete" => &mut item.delete,
            "options" => &mut item.options,
            "head" => &mut item.head,
            "patch" => &mut item.patch,
            "trace" => &mut item.trace,
            _ => continue,
        };
        *slot = Some(checked.operation);
    }
}

/// Reads YAML into a JSON tree, refusing aliases that expand it beyond its own size.
///
/// serde_norway (like serde_yaml, which it continues) replays an aliased node every time it is used, up to 100 times the document's
/// events in all, which still lets a small document expand into a tree many times its size
/// ("billion laughs"). Every value and every byte of text counts against a budget of twice the
/// document's length plus a little: a document without aliases always fits (each value takes at
/// least one byte of text), and a bomb stops as soon as it exceeds it, before it is built.
fn read_yaml(text: &str) -> Result<Value, Unreadable> {
    let budget = std::cell::Cell::new(text.len().saturating_mul(2).saturating_add(4096));
    let deserializer = serde_norway::Deserializer::from_str(text);
    let scratch = Scratch::default();
    serde::de::DeserializeSeed::deserialize(scratch.builder(Some(&budget)), deserializer).map_err(
        |e| {
            let position = e.location().map(|l| (l.line(), l.column()));
            Unreadable {
                what: "not valid YAML",
                position,
                detail: e.to_string(),
            }
        },
    )
}

/// Reads JSON into a JSON tree, as `serde_json::from_str` does, with every object and array
/// exactly as large as it is (see [`Builder`]).
fn read_json(text: &str) -> Result<Value, Unreadable> {
    let unreadable = |e: serde_json::Error| Unreadable {
        what: "not valid JSON",
        position: Some((e.line(), e.column())),
        detail: e.to_string(),
    };
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let scratch = Scratch::default();
    let tree = serde::de::DeserializeSeed::deserialize(scratch.builder(None), &mut deserializer)
        .map_err(unreadable)?;
    deserializer.end().map_err(unreadable)?;
    Ok(tree)
}

/// The entries of the objects and the items of the arrays being read, innermost last: each
/// object (array) is read onto the end of these stacks and then moved into a map (vector) of
/// exactly its size, so the stacks' memory serves the whole document.
#[derive(Default)]
struct Scratch {
    entries: std::cell::RefCell<Vec<(String, Value)>>,
    items: std::cell::RefCell<Vec<Value>>,
}

impl Scratch {
    fn builder<'b>(&'b self, budget: Option<&'b std::cell::Cell<usize>>) -> Builder<'b> {
        Builder {
            scratch: self,
            budget,
        }
    }
}

/// Builds a [`Value`] like its own `Deserialize` does, with two differences: each object and
/// array is exactly as large as it is (grown one by one, a map of one entry would hold room for
/// three and an array of one item for four: a third of the tree of a real description, 4.8 MB
/// of the bench's 1,000 operations, was such room), and, given a budget, one unit of it is
/// spent per value and per byte of text.
#[derive(Clone, Copy)]
struct Builder<'b> {
    scratch: &'b Scratch,
    budget: Option<&'b std::cell::Cell<usize>>,
}

impl Builder<'_> {
    fn spend<E: serde::de::Error>(self, units: usize) -> Result<(), E> {
        let Some(budget) = self.budget else {
            return Ok(());
        };
        match budget.get().checked_sub(units.saturating_add(1)) {
            Some(left) => {
                budget.set(left);
                Ok(())
            }
            None => Err(E::custom(
                "YAML aliases expand the document to more than twice its size; \
                 refusing to expand them (write the repeated parts out, or use `$ref`)",
            )),
        }
    }
}

impl<'de> serde::de::DeserializeSeed<'de> for Builder<'_> {
    type Value = Value;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Builder<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a value that JSON can represent")
    }

    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Value, E> {
        self.spend(0)?;
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Value, E> {
        self.spend(0)?;
        Ok(Value::from(v))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Value, E> {
        self.spend(0)?;
        Ok(Value::from(v))
    }

    /// Integers beyond 64 bits (`-9223372036854776000` in a real spec): JSON numbers are read
    /// as floating point beyond that range, as JavaScript and JSON tools read them.
    fn visit_i128<E: serde::de::Error>(self, v: i128) -> Result<Value, E> {
        match i64::try_from(v) {
            Ok(v) => self.visit_i64(v),
            Err(_) => self.visit_f64(v as f64),
        }
    }

    fn visit_u128<E: serde::de::Error>(self, v: u128) -> Result<Value, E> {
        match u64::try_from(v) {
            Ok(v) => self.visit_u64(v),
            Err(_) => self.visit_f64(v as f64),
        }
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Value, E> {
        self.spend(0)?;
        // JSON has no NaN or infinity: like serde_json, such numbers become null.
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Value, E> {
        self.spend(v.len())?;
        Ok(Value::String(v.to_string()))
    }

    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Value, E> {
        self.spend(v.len())?;
        Ok(Value::String(v))
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Value, E> {
        self.spend(0)?;
        Ok(Value::Null)
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Value, E> {
        self.visit_unit()
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        serde::de::DeserializeSeed::deserialize(self, d)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        self.spend(0)?;
        let start = self.scratch.items.borrow().len();
        while let Some(item) = seq.next_element_seed(self)? {
            self.scratch.items.borrow_mut().push(item);
        }
        let mut items = self.scratch.items.borrow_mut();
        // `Vec::from_iter` of a drain sizes the vector to the drain's exact length.
        Ok(Value::Array(items.drain(start..).collect()))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        self.spend(0)?;
        let start = self.scratch.entries.borrow().len();
        while let Some(key) = map.next_key_seed(Key(self))? {
            let value = map.next_value_seed(self)?;
            self.scratch.entries.borrow_mut().push((key, value));
        }
        let mut entries = self.scratch.entries.borrow_mut();
        let mut object = serde_json::Map::with_capacity(entries.len() - start);
        // One by one, as serde_json's own `Value` inserts them: a repeated key keeps its first
        // place and its last value.
        for (key, value) in entries.drain(start..) {
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

/// A mapping key: read as text, as serde_json's own `Value` reads keys (`200:` is `"200"`).
#[derive(Clone, Copy)]
struct Key<'b>(Builder<'b>);

impl<'de> serde::de::DeserializeSeed<'de> for Key<'_> {
    type Value = String;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl serde::de::Visitor<'_> for Key<'_> {
    type Value = String;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a string key")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<String, E> {
        self.0.spend(v.len())?;
        Ok(v.to_string())
    }

    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<String, E> {
        self.0.spend(v.len())?;
        Ok(v)
    }
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
/// Schemas are left out (see [`structure_only`]): the model reads them itself.
fn parse<T: DeserializeOwned>(value: &Value, pointer: &str, version: &str) -> Result<T, Error> {
    let structure = structure_only(value);
    // Tracking the path costs about as much as the decoding itself: only done again, the same
    // way, to say where a failure is.
    if let Ok(parsed) = <T as serde::Deserialize>::deserialize(&structure) {
        return Ok(parsed);
    }
    serde_path_to_error::deserialize(&structure).map_err(|e| {
        let inner = pointer_from_path(e.path());
        let at = format!("{pointer}{}", inner.trim_start_matches('#'));
        Error::single(
            at,
            format!("not valid OpenAPI {version} here: {}", e.inner()),
        )
    })
}

/// Each operation (and each path item's shared parameters) is checked on its own, so that every
/// invalid one is reported with its exact location, not only the first. What does not parse is
/// removed from the document and reported as skipped ([`Category::BadInput`]): an error unless
/// the caller opts into skipping (`Options::skip_invalid`).
///
/// Also returns the operations that did deserialize, so that they are not read twice.
fn drop_invalid_operations(raw: &mut Value, version: &str) -> (Vec<Diagnostic>, Vec<Checked>) {
    let mut skipped = Vec::new();
    let mut checked = Vec::new();
    let Some(paths) = raw.get_mut("paths").and_then(Value::as_object_mut) else {
        return (skipped, checked);
    };
    let mut broken_items = Vec::new();
    for (path, item) in paths.iter_mut() {
        let item_at = format!("#/paths/{}", escape(path));
        let Some(item) = item.as_object_mut() else {
            skipped.push(Diagnostic::skipped(
                &format!("every operation of `{path}`"),
                Diagnostic {
                    severity: Severity::Error,
                    category: Category::BadInput,
                    pointer: item_at,
                    message: "a path item must be an object".into(),
                },
            ));
            broken_items.push(path.clone());
            continue;
        };
        if let Some(params) = item.get("parameters") {
            let at = format!("{item_at}/parameters");
            if let Err(e) =
                parse::<Vec<openapiv3::ReferenceOr<openapiv3::Parameter>>>(params, &at, version)
            {
                skipped.extend(
                    e.diagnostics
                        .into_iter()
                        .map(|d| Diagnostic::skipped(&format!("every operation of `{path}`"), d)),
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
            match parse::<openapiv3::Operation>(op, &at, version) {
                Ok(operation) => checked.push(Checked {
                    path: path.clone(),
                    method,
                    operation,
                }),
                Err(e) => {
                    let what = format!("operation `{} {path}`", method.to_uppercase());
                    skipped.extend(
                        e.diagnostics
                            .into_iter()
                            .map(|d| Diagnostic::skipped(&what, d)),
                    );
                    item.remove(*method);
                }
            }
        }
    }
    for path in broken_items {
        paths.remove(&path);
    }
    (skipped, checked)
}

/// Deepest nesting of objects and arrays a document may have. Real descriptions stay far below
/// (Cloudflare's Realtime Kit: 18); the stages after loading recurse along the nesting, and this
/// bounds their stack use (see `STACK_SIZE` in the crate root). The YAML and JSON parsers stop
/// at 128 on their own.
pub const MAX_DOCUMENT_DEPTH: usize = 64;

/// Refuses documents nesting deeper than [`MAX_DOCUMENT_DEPTH`], naming the first place that
/// does. Walks the tree with an explicit stack, so it cannot overflow itself.
fn check_depth(raw: &Value) -> Result<(), Error> {
    // First without keeping the keys (no string per node); only a document that is too deep is
    // walked again to name the place.
    let mut stack: Vec<(&Value, usize)> = vec![(raw, 0)];
    let mut too_deep = false;
    while let Some((value, depth)) = stack.pop() {
        match value {
            Value::Object(_) | Value::Array(_) if depth > MAX_DOCUMENT_DEPTH => {
                too_deep = true;
                break;
            }
            Value::Object(map) => stack.extend(map.values().map(|v| (v, depth + 1))),
            Value::Array(items) => stack.extend(items.iter().map(|v| (v, depth + 1))),
            _ => {}
        }
    }
    if too_deep {
        locate_too_deep(raw)
    } else {
        Ok(())
    }
}

/// The error of [`check_depth`], at the first place in document order that nests too deep.
fn locate_too_deep(raw: &Value) -> Result<(), Error> {
    // Depth-first, in document order; `path` holds the keys down to the node being looked at.
    let mut stack: Vec<(&Value, usize, String)> = vec![(raw, 0, String::new())];
    let mut path: Vec<String> = Vec::new();
    while let Some((value, depth, key)) = stack.pop() {
        path.truncate(depth.saturating_sub(1));
        if depth > 0 {
            path.push(key);
        }
        if depth > MAX_DOCUMENT_DEPTH && (value.is_object() || value.is_array()) {
            let pointer: String = path.iter().map(|k| format!("/{}", escape(k))).collect();
            return Err(Error::single(
                format!("#{pointer}"),
                format!(
                    "the document nests objects and arrays more than {MAX_DOCUMENT_DEPTH} levels \
                     deep here; this generator refuses deeper documents"
                ),
            ));
        }
        match value {
            Value::Object(map) => {
                stack.extend(map.iter().rev().map(|(k, v)| (v, depth + 1, k.clone())))
            }
            Value::Array(items) => stack.extend(
                items
                    .iter()
                    .enumerate()
                    .rev()
                    .map(|(i, v)| (v, depth + 1, i.to_string())),
            ),
            _ => {}
        }
    }
    Ok(())
}

/// Tags nest by `parent` (OpenAPI 3.2): each parent must be a declared tag, and no tag may be
/// its own ancestor. Every such problem is reported, at the `parent` that names it.
fn check_tags(raw: &Value) -> Result<(), Error> {
    let Some(Value::Array(tags)) = raw.get("tags") else {
        return Ok(());
    };
    let name = |tag: &Value| tag.get("name").and_then(Value::as_str).map(str::to_string);
    let parents: std::collections::BTreeMap<String, String> = tags
        .iter()
        .filter_map(|t| Some((name(t)?, t.get("parent")?.as_str()?.to_string())))
        .collect();
    let mut diagnostics = Vec::new();
    for (i, tag) in tags.iter().enumerate() {
        let Some(parent) = tag.get("parent") else {
            continue;
        };
        let at = format!("#/tags/{i}/parent");
        let Value::String(parent) = parent else {
            diagnostics.push(bad(at, "a tag's `parent` must be the name of a tag".into()));
            continue;
        };
        if !tags.iter().any(|t| name(t).as_deref() == Some(parent)) {
            diagnostics.push(bad(
                at,
                format!("`parent` names the tag `{parent}`, which the document does not declare"),
            ));
            continue;
        }
        let Some(own) = name(tag) else { continue };
        // Up the chain from this tag: back at it is a cycle (each tag of one is reported).
        let mut chain = vec![own.clone()];
        let mut next = Some(parent.clone());
        while let Some(current) = next {
            if current == own {
                chain.push(current);
                diagnostics.push(bad(
                    at.clone(),
                    format!(
                        "the tags' parents go round in a cycle: {}",
                        chain.join(" → ")
                    ),
                ));
                break;
            }
            if chain.contains(&current) || chain.len() > tags.len() {
                break;
            }
            chain.push(current.clone());
            next = parents.get(&current).cloned();
        }
    }
    if diagnostics.is_empty() {
        Ok(())
    } else {
        Err(Error { diagnostics })
    }
}

fn bad(pointer: String, message: String) -> Diagnostic {
    Diagnostic {
        severity: Severity::Error,
        category: Category::BadInput,
        pointer,
        message,
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
        Some(v)
            if ["3.0", "3.1", "3.2"].iter().any(|minor| {
                v == *minor || v.strip_prefix(minor).is_some_and(|r| r.starts_with('.'))
            }) =>
        {
            Ok(())
        }
        Some(v) => Err(Error::single(
            "#/openapi",
            format!(
                "OpenAPI version {v} is not supported; this generator reads OpenAPI 3.0.x, 3.1.x \
                 and 3.2.x"
            ),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every array in `value`, at any depth, holds no room beyond its items.
    fn assert_arrays_exact(value: &Value, at: &str) {
        match value {
            Value::Array(items) => {
                assert_eq!(items.capacity(), items.len(), "array at {at}");
                for (i, item) in items.iter().enumerate() {
                    assert_arrays_exact(item, &format!("{at}/{i}"));
                }
            }
            Value::Object(map) => {
                for (key, child) in map {
                    assert_arrays_exact(child, &format!("{at}/{}", escape(key)));
                }
            }
            _ => {}
        }
    }

    /// [`read`] of JSON text is the tree `serde_json::from_str` gives, keys in the same order,
    /// with arrays exactly their size.
    fn assert_reads_as_serde_json(text: &str) {
        let ours = read(text).unwrap();
        let theirs: Value = serde_json::from_str(text).unwrap();
        assert_eq!(ours, theirs, "{text}");
        // `Map`'s equality ignores the order of keys; the text does not.
        assert_eq!(ours.to_string(), theirs.to_string(), "{text}");
        assert_arrays_exact(&ours, "#");
    }

    #[test]
    fn json_reads_as_serde_json_reads_it() {
        for text in [
            r#"{}"#,
            r#"{"a": [], "b": {}, "c": [[]], "d": [{}]}"#,
            r#"{"z": 1, "a": 2, "m": {"y": [1, 2, 3, 4, 5], "x": null}}"#,
            // A repeated key keeps its first place and takes its last value.
            r#"{"a": 1, "b": 2, "a": 3}"#,
            r#"{"n": [0, -0, 1.5, -2.25e10, 18446744073709551615, -9223372036854775808]}"#,
            r#"{"big": 18446744073709551616, "small": -9223372036854775809}"#,
            r#"{"esc\"aped": "a\\b\n\u00e9\ud83d\ude00", "~1/": "\/"}"#,
            r#"  {"spaces": [ true , false , null ] }  "#,
            r#"{"deep": [[[[[[[[[[{"x": [1]}]]]]]]]]]]}"#,
        ] {
            assert_reads_as_serde_json(text);
        }
    }

    #[test]
    fn real_json_descriptions_read_as_serde_json_reads_them() {
        let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
        let Ok(entries) = std::fs::read_dir(&corpus) else {
            eprintln!("skipped: {} is not here", corpus.display());
            return;
        };
        let mut read_any = false;
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "json") {
                assert_reads_as_serde_json(&std::fs::read_to_string(&path).unwrap());
                read_any = true;
            }
        }
        assert!(read_any, "no JSON description in {}", corpus.display());
    }

    #[test]
    fn yaml_arrays_are_exactly_their_size() {
        let tree = read("a: [1, 2, 3]\nb:\n  - x: [y]\n  - {}\nc: []\n").unwrap();
        assert_eq!(
            tree.to_string(),
            r#"{"a":[1,2,3],"b":[{"x":["y"]},{}],"c":[]}"#
        );
        assert_arrays_exact(&tree, "#");
    }

    #[test]
    fn json_errors_are_serde_json_s() {
        for text in [
            r#"{"a": 1} x"#,
            r#"{"a": "#,
            r#"{"a": [1, 2,]}"#,
            "{\n  \"a\": tru\n}",
        ] {
            let ours = read_located(text).unwrap_err();
            let theirs = serde_json::from_str::<Value>(text).unwrap_err();
            assert_eq!(ours.what, "not valid JSON");
            assert_eq!(
                ours.position,
                Some((theirs.line(), theirs.column())),
                "{text}"
            );
            assert_eq!(ours.detail, theirs.to_string(), "{text}");
        }
    }
}
