//! Structure-aware fuzzing of the whole generator (load → resolve → model → emit → format),
//! shared by the bounded stable-toolchain run in `tests/fuzz.rs` (part of `cargo test`, so CI)
//! and the cargo-fuzz targets in `fuzz/` (nightly, for long runs). Both call [`mutate`] to make
//! an input from a seed spec and [`check`] to run it.
//!
//! Mutations work on the JSON tree of real specs (every fixture, among them the OpenAPI 3.1
//! ones, `fixtures/openapi31*.yaml`, `spec/`, and the descriptions in `../shared/corpus/` when
//! present: Cloudflare's, in 3.0, and the Museum API, in 3.1): values of the wrong type, removed
//! keys, dropped and retargeted `$ref`s (dangling, external, malformed, pointing at any node, at
//! themselves or their ancestors), huge enums, deep nesting of every schema construct, `allOf`
//! fan-outs, copied subtrees, odd names and path templates, other versions; the tree is then
//! written as YAML or JSON, sometimes with text-level damage or a YAML alias bomb.
//!
//! OpenAPI 3.1 too: some 3.0 seeds are first translated into 3.1 (by
//! `generator::lower::raise_to_3_1`, or by their version alone), and [`mutate_31`] writes the
//! constructs of JSON Schema 2020-12 into schemas (`type` arrays, `const`, documented constant
//! alternatives, `$defs`, `$ref` with siblings, anchors and `$id`s, tuples, boolean schemas,
//! `examples`, numeric exclusive bounds, `patternProperties`, conditionals) and of 3.1 into the
//! document (`webhooks`, `components.pathItems`, no `paths`), valid and broken.
//!
//! Overlays too: [`overlay_for`] writes an Overlay document for a seed (targets at its places
//! as normalized paths, wildcards, filters, queries that select nothing or are not JSONPath;
//! `update`, `remove`, `copy`; wrong versions and fields), which [`check_overlaid`] applies.
//!
//! Descriptions kept in many files: [`mutate_split`] splits a seed (sometimes mutated) into one
//! file per path and per schema with the benchmark's script (`xtask/src/split.rs`) and breaks
//! the files (a missing file, a reference cycle through three files, a file that is not YAML, a
//! reference leaving the folder, a bad pointer into another file) or not; [`check_split`] runs
//! `generate_files` on them.

// Each user (the stable test, each cargo-fuzz target) uses its own subset of these helpers.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use generator::{Category, Options, Severity, generate};
use serde_json::{Value, json};

/// A deterministic source of choices: the bytes given by a fuzzer (so that its coverage-guided
/// mutations change decisions), then a xorshift generator seeded from them.
pub struct Rng {
    bytes: Vec<u8>,
    used: usize,
    state: u64,
}

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng {
            bytes: Vec::new(),
            used: 0,
            // A bijection (so that every seed gives its own run: `| 1` made seeds 2 and 3 the
            // same), away from zero, where xorshift would stay.
            state: match seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0x2545_f491_4f6c_dd1d {
                0 => 0x2545_f491_4f6c_dd1d,
                state => state,
            },
        }
    }

    pub fn from_bytes(bytes: &[u8]) -> Rng {
        let seed = bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3)
        });
        Rng {
            bytes: bytes.to_vec(),
            ..Rng::new(seed)
        }
    }

    fn next(&mut self) -> u64 {
        if self.used + 2 <= self.bytes.len() {
            let pair = [self.bytes[self.used], self.bytes[self.used + 1]];
            self.used += 2;
            return u64::from(u16::from_le_bytes(pair));
        }
        self.state ^= self.state << 13;
        self.state ^= self.state >> 7;
        self.state ^= self.state << 17;
        self.state
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        (self.next() % n as u64) as usize
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// The repository root (the parent of the `generator` crate).
pub fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .find(|dir| dir.join("spec/realtime-kit.yaml").is_file())
        .expect("run from inside the repository")
        .to_path_buf()
}

/// The specs mutations start from: every fixture, the repository's spec and, when the folder
/// exists, every description in `../shared/corpus/`. Sorted by name, so that a seed replays.
pub fn seeds() -> Vec<(String, Value)> {
    let root = repository_root();
    let mut files = Vec::new();
    let mut add_dir = |dir: PathBuf| {
        if let Ok(entries) = std::fs::read_dir(&dir) {
            for entry in entries.flatten() {
                let path = entry.path();
                if matches!(
                    path.extension().and_then(|e| e.to_str()),
                    Some("yaml" | "yml" | "json")
                ) {
                    files.push(path);
                }
            }
        }
    };
    add_dir(root.join("generator/tests/fixtures"));
    add_dir(root.join("spec"));
    add_dir(root.join("../shared/corpus"));
    files.sort();
    files
        .into_iter()
        .filter_map(|path| {
            let text = std::fs::read_to_string(&path).ok()?;
            let value: Value = serde_norway::from_str(&text).ok()?;
            let name = path.strip_prefix(&root).unwrap_or(&path).display();
            Some((name.to_string(), value))
        })
        .collect()
}

/// One input: the spec text and what was done to make it, for the report of a failure.
pub struct Input {
    pub text: String,
    pub mutations: Vec<String>,
    /// Whether the document says it is OpenAPI 3.1 (before any damage to its text).
    pub is_3_1: bool,
    /// Whether it says it is OpenAPI 3.2.
    pub is_3_2: bool,
}

/// Makes an input from `seed` with one to four structural mutations.
pub fn mutate(seed: &Value, rng: &mut Rng) -> Input {
    let mut spec = seed.clone();
    let mut mutations = Vec::new();
    let is_3_0 = spec
        .get("openapi")
        .and_then(Value::as_str)
        .is_some_and(|v| v.starts_with("3.0"));
    if is_3_0 && rng.chance(20) {
        // As 3.1: translated (type arrays, `examples`, numeric bounds) or only relabeled; or
        // on to 3.2 (item schemas, `dataValue`).
        if rng.chance(30) {
            generator::lower::raise_to_3_1(&mut spec);
            let idiomatic = rng.chance(70);
            generator::lower::raise_to_3_2(&mut spec, idiomatic);
            mutations.push(format!("raised to 3.2 (idiomatic: {idiomatic})"));
        } else if rng.chance(60) {
            generator::lower::raise_to_3_1(&mut spec);
            mutations.push("raised to 3.1".into());
        } else {
            let version = *rng.pick(&["3.1.0", "3.1.1", "3.1"]);
            spec["openapi"] = json!(version);
            mutations.push(format!("openapi = {version:?}"));
        }
    }
    for _ in 0..1 + rng.below(4) {
        let nodes = pointers(&spec);
        if let Some(done) = mutate_once(&mut spec, &nodes, rng) {
            mutations.push(done);
        }
    }
    let mut text = match rng.below(10) {
        0..=4 => serde_norway::to_string(&spec).unwrap_or_default(),
        5..=7 => serde_json::to_string(&spec).unwrap_or_default(),
        _ => serde_json::to_string_pretty(&spec).unwrap_or_default(),
    };
    let is_3_1 = spec
        .get("openapi")
        .and_then(Value::as_str)
        .is_some_and(|v| v.starts_with("3.1"));
    let is_3_2 = spec
        .get("openapi")
        .and_then(Value::as_str)
        .is_some_and(|v| v.starts_with("3.2"));
    if rng.chance(8) {
        mutations.push(damage_text(&mut text, rng));
    }
    if rng.chance(4) && !text.starts_with('{') {
        mutations.push(alias_bomb(&mut text, rng));
    }
    Input {
        text,
        mutations,
        is_3_1,
        is_3_2,
    }
}

/// Every JSON pointer in `value` (the root excluded), in document order.
fn pointers(value: &Value) -> Vec<String> {
    fn walk(value: &Value, at: &str, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    let child_at = format!("{at}/{}", escape(key));
                    out.push(child_at.clone());
                    walk(child, &child_at, out);
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    let child_at = format!("{at}/{i}");
                    out.push(child_at.clone());
                    walk(child, &child_at, out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(value, "", &mut out);
    out
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Splits a pointer into its parent and its last (unescaped) segment.
fn split(pointer: &str) -> Option<(&str, String)> {
    let (parent, key) = pointer.rsplit_once('/')?;
    Some((parent, key.replace("~1", "/").replace("~0", "~")))
}

/// Replaces (or with `None`, removes) the node at `pointer`.
fn put(spec: &mut Value, pointer: &str, value: Option<Value>) -> bool {
    let Some((parent, key)) = split(pointer) else {
        return false;
    };
    match (spec.pointer_mut(parent), value) {
        (Some(Value::Object(map)), Some(value)) => {
            map.insert(key, value);
            true
        }
        (Some(Value::Object(map)), None) => map.remove(&key).is_some(),
        (Some(Value::Array(items)), value) => match key.parse::<usize>() {
            Ok(i) if i < items.len() => {
                match value {
                    Some(value) => items[i] = value,
                    None => {
                        items.remove(i);
                    }
                }
                true
            }
            _ => false,
        },
        _ => false,
    }
}

const WEIRD_NAMES: &[&str] = &[
    "",
    "type",
    "self",
    "Self",
    "super",
    "r#type",
    "123",
    "a/b",
    "~",
    "{id}",
    "ünïcødé",
    "a b",
    "__",
    "-",
    "Error",
    "Result",
    "Client",
    "runtime",
    "UnknownValue",
    "default",
    "$ref",
];

/// A `$ref` value: somewhere in the document, or somewhere it cannot be followed.
fn some_reference(nodes: &[String], at: &str, rng: &mut Rng) -> String {
    match rng.below(10) {
        0 => "#/components/schemas/DoesNotExist".into(),
        1 => "https://example.com/elsewhere.yaml#/components/schemas/X".into(),
        2 => rng
            .pick(&[
                "",
                "#",
                "#/",
                "#/%zz",
                "#/paths/~2",
                "#//",
                "other.yaml",
                "#thing",
                "#no-such-anchor",
                "https://example.com/schemas/thing",
                "https://example.com/schemas/thing#/properties",
                "urn:example:nowhere",
            ])
            .to_string(),
        3 => format!("#{at}"),
        4 => {
            // An ancestor: a cycle.
            let ancestors: Vec<&str> = at.match_indices('/').map(|(i, _)| &at[..i]).collect();
            if ancestors.is_empty() {
                // `at` is the root (a `$ref` key renamed into the document's own keys).
                return "#".into();
            }
            format!("#{}", rng.pick(&ancestors))
        }
        _ if nodes.is_empty() => "#/info".into(),
        _ => format!("#{}", rng.pick(nodes)),
    }
}

fn wrong_value(rng: &mut Rng) -> Value {
    rng.pick(&[
        Value::Null,
        json!(7),
        json!(-1),
        json!(1e300),
        json!(true),
        json!("off"),
        json!(""),
        json!([]),
        json!({}),
        json!([null, 1, "a"]),
        json!({"type": "weird", "format": "binary", "nullable": true}),
        json!({"type": "array"}),
        json!({"type": "object", "additionalProperties": false}),
        json!({"required": ["missing"], "properties": {}}),
        json!({"enum": []}),
        json!({"oneOf": []}),
        json!({"discriminator": {"propertyName": "kind", "mapping": {"a": "#/nowhere"}}}),
        json!(false),
        json!({"type": ["string", "null"]}),
        json!({"const": null}),
        json!({"$ref": "#nowhere"}),
    ])
    .clone()
}

fn huge_enum(rng: &mut Rng) -> Value {
    let count = *rng.pick(&[100, 1_000, 10_000, 30_000]);
    let kind = rng.below(4);
    let values: Vec<Value> = (0..count)
        .map(|i| match kind {
            0 => json!(format!("value_{i}")),
            // Names that collide once made identifiers: `a_b`, `a-b`, `a b`, `a.b`, `a__b`, ...
            1 if i % 2 == 0 => {
                let mut value = String::from("a");
                let mut code = i + 1;
                while code > 0 {
                    value.push_str(["_", "-", " ", "."][code % 4]);
                    code /= 4;
                }
                value.push('b');
                json!(value)
            }
            1 => json!(match i % 6 {
                0 => format!("a{}", i / 6),
                1 => format!("A{}", i / 6),
                2 => format!("a-{}", i / 6),
                3 => format!("a_{}", i / 6),
                4 => String::new(),
                _ => WEIRD_NAMES[i % WEIRD_NAMES.len()].to_string(),
            }),
            2 => json!(i),
            _ => match i % 3 {
                0 => json!(i),
                1 => Value::Null,
                _ => json!(format!("{i}")),
            },
        })
        .collect();
    let mut schema = json!({"enum": values});
    if rng.chance(50) {
        schema["type"] = json!("string");
    }
    schema
}

/// Wraps `inner` in `depth` layers of schema constructs.
fn nest(mut inner: Value, depth: usize, rng: &mut Rng) -> Value {
    let style = rng.below(8);
    for level in 0..depth {
        let kind = if style < 7 { style } else { level % 7 };
        inner = match kind {
            0 => json!({"type": "array", "items": inner}),
            1 => json!({"type": "object", "properties": {"p": inner}}),
            2 => json!({"allOf": [inner]}),
            3 => json!({"oneOf": [inner, {"type": "string"}]}),
            4 => json!({"additionalProperties": inner}),
            5 => json!({"anyOf": [inner, {"type": "null"}]}),
            _ => json!({"allOf": [inner, {"properties": {"x": {"type": "integer"}}}]}),
        };
    }
    inner
}

/// Components `F0`..`Fn`, each an `allOf` of the next one several times.
fn all_of_fan_out(spec: &mut Value, rng: &mut Rng) -> Option<String> {
    let (levels, width) = (1 + rng.below(40), 1 + rng.below(5));
    let schemas = spec
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)?;
    for level in 0..levels {
        let next = json!({"$ref": format!("#/components/schemas/F{}", level + 1)});
        schemas.insert(
            format!("F{level}"),
            json!({"allOf": vec![next; width], "properties": {format!("p{level}"): {"type": "string"}}}),
        );
    }
    schemas.insert(
        format!("F{levels}"),
        json!({"properties": {"last": {"type": "string"}}}),
    );
    Some(format!("allOf fan-out {width}^{levels} at F0"))
}

/// Names of `$anchor`s and `$id`s: few, so that declarations and references meet.
const ANCHORS: &[&str] = &["thing", "other", "a.b", "x-y_0"];
const IDS: &[&str] = &[
    "https://example.com/schemas/thing",
    "https://example.com/schemas/other",
    "urn:example:thing",
    "thing.json",
];
const TYPES: &[&str] = &[
    "string", "integer", "number", "boolean", "object", "array", "null",
];

/// A `type` array: nullable, of several types, of unknown names, of other values, empty.
fn type_array(rng: &mut Rng) -> Value {
    match rng.below(8) {
        0 | 1 => json!([rng.pick(TYPES), "null"]),
        2 | 3 => {
            let count = 2 + rng.below(4);
            Value::Array((0..count).map(|_| json!(rng.pick(TYPES))).collect())
        }
        4 => rng
            .pick(&[
                json!(["strin", "null"]),
                json!(["Object"]),
                json!(["int", "integer"]),
                json!(["string", "String", ""]),
            ])
            .clone(),
        5 => rng
            .pick(&[
                json!([1, null, {}]),
                json!([true]),
                json!([["string"]]),
                json!(["string", 7]),
            ])
            .clone(),
        6 => json!([]),
        _ => rng
            .pick(&[
                json!(["null"]),
                json!(["string", "string", "null", "null"]),
                json!(["integer", "number"]),
                json!([
                    "object", "array", "string", "integer", "number", "boolean", "null"
                ]),
            ])
            .clone(),
    }
}

/// A value of any JSON kind (for `const`, `enum` values, `examples`).
fn any_value(rng: &mut Rng) -> Value {
    rng.pick(&[
        Value::Null,
        json!(true),
        json!(false),
        json!(0),
        json!(-1),
        json!(u64::MAX),
        json!(1.5),
        json!(1e300),
        json!("on"),
        json!(""),
        json!("a b"),
        json!("ünïcødé"),
        json!([]),
        json!([1, "a"]),
        json!({}),
        json!({"a": 1}),
    ])
    .clone()
}

/// A small schema, as 3.1 writes them (booleans included).
fn small_schema(rng: &mut Rng) -> Value {
    rng.pick(&[
        json!({"type": "string"}),
        json!({"type": ["integer", "null"]}),
        json!({"type": "object", "properties": {"x": {"type": "string"}}, "required": ["x"]}),
        json!({"type": "array", "items": {"type": "number"}}),
        json!({"const": "fixed"}),
        json!({"$ref": "#/components/schemas/DoesNotExist"}),
        json!(true),
        json!(false),
        json!({}),
    ])
    .clone()
}

/// `oneOf`/`anyOf` branches of `{const, title}` (an enum with a doc per value in 3.1), of one
/// kind of value or mixed, with duplicates, `null`, and sometimes a keyword beyond docs.
fn const_alternatives(rng: &mut Rng) -> Value {
    let count = rng.below(7);
    let kind = rng.below(5);
    let branches: Vec<Value> = (0..count)
        .map(|i| {
            let value = match kind {
                0 => json!(format!("v{i}")),
                1 => json!(i),
                2 => json!(WEIRD_NAMES[i % WEIRD_NAMES.len()]),
                3 => json!(i % 2 == 0),
                _ => any_value(rng),
            };
            let mut branch = json!({"const": value});
            match rng.below(6) {
                0 => branch["title"] = json!(format!("Value {i}")),
                1 => branch["description"] = json!(format!("The value\n{i}.")),
                2 => branch["title"] = json!(7),
                3 => branch["x-doc"] = json!("extension"),
                4 if i == 0 => branch["minLength"] = json!(1),
                _ => {}
            }
            branch
        })
        .collect();
    Value::Array(branches)
}

/// Writes an OpenAPI 3.1 construct into `spec` (mostly into a schema), valid or broken, and
/// mostly declares the document 3.1 (a 3.0 document must read 3.1 keywords without panicking
/// too).
fn mutate_31(
    spec: &mut Value,
    nodes: &[String],
    schemas: &[&String],
    refs: &[&String],
    rng: &mut Rng,
) -> Option<String> {
    let at = if schemas.is_empty() {
        "/components/schemas/Thing".to_string()
    } else {
        (*rng.pick(schemas)).clone()
    };
    let other = if schemas.is_empty() {
        at.clone()
    } else {
        (*rng.pick(schemas)).clone()
    };
    let done = match rng.below(17) {
        0 | 1 => {
            let ty = type_array(rng);
            put(spec, &format!("{at}/type"), Some(ty.clone())).then(|| format!("{at}/type = {ty}"))
        }
        2 => {
            let value = any_value(rng);
            let done = if rng.chance(50) {
                put(spec, &format!("{at}/const"), Some(value.clone()))
            } else {
                put(spec, &at, Some(json!({"const": value})))
            };
            done.then(|| format!("{at}/const = {value}"))
        }
        3 => {
            let keyword = *rng.pick(&["oneOf", "anyOf"]);
            let branches = const_alternatives(rng);
            let count = branches.as_array().map_or(0, Vec::len);
            let value = if rng.chance(50) {
                json!({ keyword: branches })
            } else {
                json!({ keyword: branches, "type": rng.pick(TYPES), "description": "d" })
            };
            put(spec, &at, Some(value)).then(|| format!("{at} = {keyword} of {count} consts"))
        }
        4 => {
            // `$defs` and a reference into them from elsewhere: valid or dangling.
            let name = *rng.pick(&["d", "Thing", "a/b", "~"]);
            let schema = small_schema(rng);
            put(spec, &format!("{at}/$defs/{}", escape(name)), Some(schema)).then_some(())?;
            let target = match rng.below(4) {
                0 => format!("#{at}/$defs/nope"),
                1 => format!("#/$defs/{}", escape(name)),
                _ => format!("#{at}/$defs/{}", escape(name)),
            };
            let from = if refs.is_empty() || rng.chance(40) {
                format!("{other}/$ref")
            } else {
                (*rng.pick(refs)).clone()
            };
            put(spec, &from, Some(json!(target)))
                .then(|| format!("{at}/$defs/{name:?}, {from} = {target:?}"))
        }
        5 | 6 => {
            // A `$ref` with sibling keywords, which 3.1 applies.
            let holder = if refs.is_empty() || rng.chance(30) {
                let reference = some_reference(nodes, &at, rng);
                put(spec, &format!("{at}/$ref"), Some(json!(reference))).then_some(())?;
                at.clone()
            } else {
                rng.pick(refs).trim_end_matches("/$ref").to_string()
            };
            let mut added = Vec::new();
            for _ in 0..1 + rng.below(3) {
                let (key, value) = rng
                    .pick(&[
                        ("nullable", json!(true)),
                        ("nullable", json!(false)),
                        ("type", json!("object")),
                        ("type", json!(["object", "null"])),
                        ("type", json!(["string", "integer"])),
                        ("properties", json!({"extra": {"type": "string"}})),
                        ("required", json!(["extra"])),
                        ("description", json!("described beside the reference")),
                        (
                            "allOf",
                            json!([{"properties": {"more": {"type": "integer"}}}]),
                        ),
                        (
                            "allOf",
                            json!([{"$ref": "#/components/schemas/DoesNotExist"}]),
                        ),
                        ("oneOf", json!([{"type": "string"}])),
                        ("enum", json!(["a", null])),
                        ("readOnly", json!(true)),
                        ("items", json!(false)),
                    ])
                    .clone();
                if put(spec, &format!("{holder}/{key}"), Some(value)) {
                    added.push(key);
                }
            }
            Some(format!("{holder}/$ref with {added:?}"))
        }
        7 | 8 => {
            // Anchors and `$id`s, declared (once or twice) and referenced (resolvably or not).
            let by_id = rng.chance(50);
            let name = if by_id {
                *rng.pick(IDS)
            } else {
                *rng.pick(ANCHORS)
            };
            let key = if by_id { "$id" } else { "$anchor" };
            let mut declared = Vec::new();
            for _ in 0..rng.below(3) {
                let place = if schemas.is_empty() {
                    &at
                } else {
                    *rng.pick(schemas)
                };
                if put(spec, &format!("{place}/{key}"), Some(json!(name))) {
                    declared.push(place.clone());
                }
            }
            let reference = match (by_id, rng.below(4)) {
                (false, _) => format!("#{name}"),
                (true, 0) => format!("{name}#/properties"),
                (true, 1) => format!("{name}#{}", rng.pick(ANCHORS)),
                (true, 2) if !declared.is_empty() => {
                    // A `#/...` reference inside the resource, from its `$id`.
                    let inside = format!("{}/$defs/inner", declared[0]);
                    put(spec, &inside, Some(json!({"$ref": "#/properties"})));
                    format!("{name}#/$defs/inner")
                }
                _ => name.to_string(),
            };
            let from = if refs.is_empty() || rng.chance(40) {
                format!("{other}/$ref")
            } else {
                (*rng.pick(refs)).clone()
            };
            put(spec, &from, Some(json!(reference)))
                .then(|| format!("{key} {name:?} at {declared:?}, {from} = {reference:?}"))
        }
        9 => {
            let prefix: Vec<Value> = (0..rng.below(4)).map(|_| small_schema(rng)).collect();
            let mut value = json!({"prefixItems": prefix});
            match rng.below(6) {
                0 => value["items"] = json!(false),
                1 => value["items"] = json!(true),
                2 => value["items"] = json!({"type": "string"}),
                3 => value["type"] = json!("array"),
                4 => value["prefixItems"] = json!(5),
                // The older spelling: `items: [...]`, the rest in `additionalItems`.
                _ => {
                    let items = value["prefixItems"].take();
                    value = json!({"type": "array", "items": items});
                    if rng.chance(50) {
                        value["additionalItems"] = small_schema(rng);
                    }
                }
            }
            put(spec, &at, Some(value.clone())).then(|| format!("{at} = {value}"))
        }
        10 => {
            let accepts = rng.chance(50);
            let place = match rng.below(5) {
                0 => at.clone(),
                1 => format!("{at}/items"),
                2 => format!("{at}/additionalProperties"),
                3 => format!("{at}/properties/flag"),
                _ => format!("{at}/not"),
            };
            put(spec, &place, Some(json!(accepts))).then(|| format!("{place} = {accepts}"))
        }
        11 => {
            let examples = rng
                .pick(&[
                    json!([]),
                    json!([1, "a"]),
                    json!([null]),
                    json!(5),
                    json!("x"),
                    json!([{"a": 1}, {"b": [2]}]),
                ])
                .clone();
            if rng.chance(30) {
                put(spec, &format!("{at}/example"), Some(json!("beside")));
            }
            put(spec, &format!("{at}/examples"), Some(examples.clone()))
                .then(|| format!("{at}/examples = {examples}"))
        }
        12 => {
            let keyword = *rng.pick(&["exclusiveMinimum", "exclusiveMaximum"]);
            let bound = rng
                .pick(&[
                    json!(0),
                    json!(-1),
                    json!(1.5),
                    json!(1e300),
                    json!(-1e300),
                    json!(u64::MAX),
                    json!("x"),
                    json!(true),
                    json!(false),
                ])
                .clone();
            if rng.chance(40) {
                let inclusive = if keyword == "exclusiveMinimum" {
                    "minimum"
                } else {
                    "maximum"
                };
                put(spec, &format!("{at}/{inclusive}"), Some(any_value(rng)));
            }
            if rng.chance(50) {
                put(
                    spec,
                    &format!("{at}/type"),
                    Some(json!(rng.pick(&["integer", "number"]))),
                );
            }
            put(spec, &format!("{at}/{keyword}"), Some(bound.clone()))
                .then(|| format!("{at}/{keyword} = {bound}"))
        }
        13 => {
            let (key, value) = rng
                .pick(&[
                    ("patternProperties", json!({"^x-": {"type": "string"}})),
                    (
                        "patternProperties",
                        json!({"^a": {"type": "integer"}, "^b": {"$ref": "#/nowhere"}}),
                    ),
                    ("patternProperties", json!({})),
                    ("patternProperties", json!({"(": true})),
                    ("patternProperties", json!(7)),
                    ("unevaluatedProperties", json!({"type": "boolean"})),
                    ("unevaluatedProperties", json!(false)),
                    ("propertyNames", json!({"pattern": "^[a-z]+$"})),
                    ("dependentRequired", json!({"a": ["b"]})),
                    ("contentEncoding", json!("base64")),
                    ("contentMediaType", json!("image/png")),
                ])
                .clone();
            if rng.chance(30) {
                put(
                    spec,
                    &format!("{at}/additionalProperties"),
                    Some(small_schema(rng)),
                );
            }
            put(spec, &format!("{at}/{key}"), Some(value.clone()))
                .then(|| format!("{at}/{key} = {value}"))
        }
        14 => {
            let (key, value) = rng
                .pick(&[
                    ("if", json!({"properties": {"kind": {"const": "a"}}})),
                    ("then", json!({"required": ["a"]})),
                    ("else", json!(false)),
                    ("dependentSchemas", json!({"a": {"required": ["b"]}})),
                    ("if", json!(7)),
                ])
                .clone();
            if key == "if" && rng.chance(50) {
                put(spec, &format!("{at}/then"), Some(small_schema(rng)));
                put(spec, &format!("{at}/else"), Some(small_schema(rng)));
            }
            put(spec, &format!("{at}/{key}"), Some(value.clone()))
                .then(|| format!("{at}/{key} = {value}"))
        }
        15 => webhooks_and_path_items(spec, rng),
        _ => {
            let root = spec.as_object_mut()?;
            match rng.below(3) {
                0 => {
                    root.remove("paths");
                    Some("removed /paths".into())
                }
                1 => {
                    let dialect = *rng.pick(&[
                        "https://spec.openapis.org/oas/3.1/dialect/base",
                        "https://json-schema.org/draft/2020-12/schema",
                        "https://example.com/my-dialect",
                        "",
                    ]);
                    root.insert("jsonSchemaDialect".into(), json!(dialect));
                    Some(format!("jsonSchemaDialect = {dialect:?}"))
                }
                _ => {
                    root.insert(
                        "info".into(),
                        json!({"title": "T", "version": "1", "summary": "s",
                               "license": {"name": "MIT", "identifier": "MIT"}}),
                    );
                    Some("3.1 info".into())
                }
            }
        }
    }?;
    if rng.chance(70) {
        let version = *rng.pick(&["3.1.0", "3.1.0", "3.1.1", "3.1"]);
        if let Some(root) = spec.as_object_mut() {
            root.insert("openapi".into(), json!(version));
        }
    }
    Some(done)
}

/// A construct of OpenAPI 3.2, valid or broken, and mostly declares the document 3.2: `query`
/// and `additionalOperations` (fixed methods among their keys, odd capitalizations, names that
/// are no method), `in: querystring` (with `schema`, twice, beside `query` parameters),
/// `itemSchema` on streams and elsewhere, `components.mediaTypes` and references to them
/// (dangling, in a cycle), tag `parent`s (unknown, cyclic, not a string), `$self` as the base
/// of references, `discriminator.defaultMapping`, `dataValue`/`serializedValue` examples.
fn mutate_32(
    spec: &mut Value,
    objects: &[&String],
    schemas: &[&String],
    rng: &mut Rng,
) -> Option<String> {
    let component = schemas
        .iter()
        .find(|p| p.starts_with("/components/schemas/") && p.matches('/').count() == 3)
        .map(|p| json!({"$ref": format!("#{p}")}))
        .unwrap_or_else(|| json!({"type": "object"}));
    let schema_ref = || component.clone();
    let operation = |rng: &mut Rng, schema: Value| -> Value {
        let mut op = json!({"responses": {"200": {"description": "ok",
            "content": {"application/json": {"schema": schema.clone()}}}}});
        if rng.chance(50) {
            op["requestBody"] = json!({"content": {"application/json": {"schema": schema}}});
        }
        if rng.chance(20) {
            op["operationId"] = json!(*rng.pick(&["search", "copy", "", "list_pets", "query"]));
        }
        op
    };
    let item_at = {
        let keys: Vec<String> = spec
            .get("paths")
            .and_then(Value::as_object)
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default();
        if keys.is_empty() {
            "/paths/~1things".to_string()
        } else {
            format!("/paths/{}", escape(rng.pick(keys.as_slice()).as_str()))
        }
    };
    let responses: Vec<&String> = objects
        .iter()
        .copied()
        .filter(|p| p.contains("/responses/") && p.matches('/').count() == 5)
        .collect();
    let done = match rng.below(12) {
        0 => {
            let op = operation(rng, schema_ref());
            put(spec, &format!("{item_at}/query"), Some(op)).then(|| format!("{item_at}/query"))
        }
        1 => {
            let method = *rng.pick(&[
                "COPY",
                "MOVE",
                "Purge",
                "LINK",
                "GET",
                "post",
                "QUERY",
                "query",
                "BAD METHOD",
                "",
                "MéTHOD",
            ]);
            let op = if rng.chance(85) {
                operation(rng, schema_ref())
            } else {
                wrong_value(rng)
            };
            let at = format!("{item_at}/additionalOperations/{}", escape(method));
            let fits = put(spec, &at, Some(op.clone()))
                || put(
                    spec,
                    &format!("{item_at}/additionalOperations"),
                    Some(json!({ method: op })),
                );
            fits.then(|| at.clone())
        }
        2 => {
            let parameter = match rng.below(4) {
                0 => json!({"name": "q", "in": "querystring", "schema": {"type": "string"}}),
                1 => json!({"name": "q", "in": "querystring",
                            "content": {"application/json": {"schema": schema_ref()}}}),
                2 => json!({"name": "filter", "in": "querystring",
                            "content": {"application/x-www-form-urlencoded": {"schema": schema_ref()}}}),
                _ => json!({"name": "q", "in": "querystring", "content": {"text/plain": {}}}),
            };
            let ops: Vec<&String> = objects
                .iter()
                .copied()
                .filter(|p| p.starts_with("/paths/") && p.matches('/').count() == 3)
                .collect();
            let at = if ops.is_empty() || rng.chance(30) {
                format!("{item_at}/parameters")
            } else {
                format!("{}/parameters", rng.pick(&ops))
            };
            let mut list = spec
                .pointer(&at)
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            list.push(parameter);
            if rng.chance(30) {
                list.push(json!({"name": "limit", "in": "query", "schema": {"type": "integer"}}));
            }
            put(spec, &at, Some(Value::Array(list))).then(|| format!("querystring in {at}"))
        }
        3 | 4 => {
            let media = *rng.pick(&[
                "text/event-stream",
                "application/jsonl",
                "application/x-ndjson",
                "application/json-seq",
                "multipart/mixed",
                "application/json",
            ]);
            let item = match rng.below(5) {
                0 => json!({"type": "object", "properties": {"data": {"type": "string",
                    "contentMediaType": "application/json", "contentSchema": schema_ref()}}}),
                1 => json!({"type": "object", "required": ["data"],
                    "properties": {"data": {"type": "string"}, "event": {"type": "string"}}}),
                2 => schema_ref(),
                3 => json!({"$ref": "#/components/schemas/Nowhere"}),
                _ => wrong_value(rng),
            };
            let content = json!({ media: {"itemSchema": item} });
            let at = if responses.is_empty() {
                format!("{item_at}/get/responses/200")
            } else {
                (*rng.pick(&responses)).clone()
            };
            put(spec, &format!("{at}/content"), Some(content))
                .then(|| format!("{at}/content = {media} by itemSchema"))
        }
        5 => {
            let name = *rng.pick(&["Json", "Loop", "a/b"]);
            let target = match rng.below(4) {
                0 => json!({"$ref": "#/components/mediaTypes/Loop"}),
                1 => json!({"$ref": "#/components/mediaTypes/Missing"}),
                2 => wrong_value(rng),
                _ => json!({"schema": schema_ref()}),
            };
            put(
                spec,
                &format!("/components/mediaTypes/{}", escape(name)),
                Some(target),
            );
            let at = if responses.is_empty() {
                format!("{item_at}/get/responses/200")
            } else {
                (*rng.pick(&responses)).clone()
            };
            let reference = format!("#/components/mediaTypes/{}", escape(name));
            put(
                spec,
                &format!("{at}/content"),
                Some(json!({"application/json": {"$ref": reference}})),
            )
            .then(|| format!("{at} by {reference}"))
        }
        6 => {
            let tags = match rng.below(5) {
                0 => json!([{"name": "a", "parent": "b"}, {"name": "b"}]),
                1 => json!([{"name": "a", "parent": "nowhere"}]),
                2 => json!([{"name": "a", "parent": "b"}, {"name": "b", "parent": "a"}]),
                3 => json!([{"name": "a", "parent": 7}, {"name": "a", "parent": "a"}]),
                _ => json!([{"name": "a", "kind": "badge", "summary": "A"},
                            {"name": "b", "kind": "nav", "parent": "a"}]),
            };
            spec.as_object_mut()?.insert("tags".into(), tags.clone());
            Some(format!("tags = {tags}"))
        }
        7 => {
            let base = *rng.pick(&["https://example.com/api.yaml", "api.yaml", ""]);
            spec.as_object_mut()?.insert("$self".into(), json!(base));
            let refs: Vec<String> = pointers(spec)
                .into_iter()
                .filter(|p| p.ends_with("/$ref"))
                .collect();
            for at in refs.iter().take(1 + rng.below(3)) {
                if let Some(Value::String(target)) = spec.pointer_mut(at) {
                    *target = format!("{base}{target}");
                }
            }
            Some(format!("$self = {base:?}"))
        }
        8 => {
            let at = if schemas.is_empty() {
                "/components/schemas/Thing".to_string()
            } else {
                (*rng.pick(schemas)).clone()
            };
            let default = *rng.pick(&[
                "#/components/schemas/Nowhere",
                "Pet",
                "",
                "#/components/schemas/Pet",
            ]);
            let node = spec.pointer_mut(&at)?.as_object_mut()?;
            let discriminator = node
                .entry("discriminator")
                .or_insert_with(|| json!({"propertyName": "kind"}));
            if let Some(d) = discriminator.as_object_mut() {
                d.insert("defaultMapping".into(), json!(default));
            }
            Some(format!("{at}/discriminator/defaultMapping = {default:?}"))
        }
        9 => {
            let example = match rng.below(4) {
                0 => json!({"dataValue": {"a": 1}, "serializedValue": "a=1"}),
                1 => json!({"serializedValue": "%7B%7D"}),
                2 => json!({"dataValue": null, "value": 3}),
                _ => json!({"dataValue": wrong_value(rng)}),
            };
            let media: Vec<&String> = objects
                .iter()
                .copied()
                .filter(|p| p.contains("/content/") && !p.ends_with("/schema"))
                .collect();
            let at = if media.is_empty() {
                "/components/examples".to_string()
            } else {
                format!("{}/examples", rng.pick(&media))
            };
            put(spec, &at, Some(json!({ "one": example }))).then(|| format!("{at} (3.2 example)"))
        }
        10 => {
            let security = match rng.below(3) {
                0 => json!({"type": "oauth2", "oauth2MetadataUrl": "https://a.example/.well-known",
                    "flows": {"deviceAuthorization": {"deviceAuthorizationUrl": "https://a.example/d",
                    "tokenUrl": "https://a.example/t", "scopes": {}}}}),
                1 => json!({"type": "apiKey", "in": "header", "name": "X-Key", "deprecated": true}),
                _ => json!({"type": "oauth2", "flows": {"deviceAuthorization": 5}}),
            };
            put(spec, "/components/securitySchemes/s32", Some(security))
                .then(|| "a 3.2 security scheme".to_string())
        }
        _ => {
            let servers = json!([{"url": "https://api.example.com", "name": "production"}]);
            spec.as_object_mut()?.insert("servers".into(), servers);
            Some("a named server".into())
        }
    }?;
    if rng.chance(80) {
        let version = *rng.pick(&["3.2.0", "3.2.0", "3.2.1", "3.2"]);
        if let Some(root) = spec.as_object_mut() {
            root.insert("openapi".into(), json!(version));
        }
    }
    Some(done)
}

/// `webhooks` entries and `components.pathItems`, with `$ref`s to them (resolvable, dangling,
/// circular).
fn webhooks_and_path_items(spec: &mut Value, rng: &mut Rng) -> Option<String> {
    let paths: Vec<String> = spec
        .get("paths")
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    let path = (!paths.is_empty()).then(|| rng.pick(&paths).clone());
    let item = path
        .as_ref()
        .and_then(|p| spec["paths"].get(p).cloned())
        .unwrap_or_else(|| json!({"post": {"responses": {"200": {"description": "ok"}}}}));
    let name = *rng.pick(&["Moved", "thing.changed", "a/b", ""]);
    let root = spec.as_object_mut()?;
    match rng.below(5) {
        0 => {
            let webhooks = root.entry("webhooks").or_insert_with(|| json!({}));
            let value = if rng.chance(20) { json!(7) } else { item };
            webhooks.as_object_mut()?.insert(name.into(), value);
            Some(format!("webhooks/{name:?} = a path item"))
        }
        1 => {
            let value = rng
                .pick(&[json!([]), json!("hook"), json!({"x": 7})])
                .clone();
            root.insert("webhooks".into(), value.clone());
            Some(format!("webhooks = {value}"))
        }
        _ => {
            // A path item moved to `components.pathItems` and referenced from where it was, or
            // from a webhook; the reference sometimes dangling or circular.
            let target = format!("#/components/pathItems/{}", escape(name));
            let components = root.entry("components").or_insert_with(|| json!({}));
            let stored = match rng.below(4) {
                0 => json!({"$ref": target}),
                _ => item,
            };
            components
                .as_object_mut()?
                .entry("pathItems")
                .or_insert_with(|| json!({}))
                .as_object_mut()?
                .insert(name.into(), stored);
            let reference = if rng.chance(20) {
                "#/components/pathItems/Nope".to_string()
            } else {
                target
            };
            let from = match &path {
                Some(path) if rng.chance(60) => {
                    root.get_mut("paths")?
                        .as_object_mut()?
                        .insert(path.clone(), json!({"$ref": reference}));
                    format!("/paths/{}", escape(path))
                }
                _ => {
                    let webhooks = root.entry("webhooks").or_insert_with(|| json!({}));
                    webhooks
                        .as_object_mut()?
                        .insert("hook".into(), json!({"$ref": reference}));
                    "/webhooks/hook".into()
                }
            };
            Some(format!(
                "components/pathItems/{name:?}, {from} = {reference:?}"
            ))
        }
    }
}

fn mutate_once(spec: &mut Value, nodes: &[String], rng: &mut Rng) -> Option<String> {
    if nodes.is_empty() {
        return None;
    }
    let target = rng.pick(nodes).clone();
    let refs: Vec<&String> = nodes.iter().filter(|p| p.ends_with("/$ref")).collect();
    let objects: Vec<&String> = nodes
        .iter()
        .filter(|p| spec.pointer(p).is_some_and(Value::is_object))
        .collect();
    let schemas: Vec<&String> = objects
        .iter()
        .copied()
        .filter(|p| {
            p.contains("schema")
                || p.contains("/properties/")
                || p.ends_with("/items")
                || p.contains("/$defs/")
                || p.contains("/prefixItems/")
        })
        .collect();
    let any = |list: &[&String], rng: &mut Rng| -> String {
        if list.is_empty() {
            target.clone()
        } else {
            (*rng.pick(list)).clone()
        }
    };
    match rng.below(23) {
        16..=19 => mutate_31(spec, nodes, &schemas, &refs, rng),
        20..=22 => mutate_32(spec, &objects, &schemas, rng),
        0 | 1 => {
            let value = wrong_value(rng);
            put(spec, &target, Some(value.clone())).then(|| format!("{target} = {value}"))
        }
        2 => put(spec, &target, None).then(|| format!("removed {target}")),
        3 => {
            let at = any(&refs, rng);
            put(spec, &at, None).then(|| format!("removed {at}"))
        }
        4 | 5 => {
            let at = any(&refs, rng);
            let reference = some_reference(nodes, at.trim_end_matches("/$ref"), rng);
            put(spec, &at, Some(json!(reference))).then(|| format!("{at} = {reference:?}"))
        }
        6 => {
            let at = any(&objects, rng);
            let reference = some_reference(nodes, &at, rng);
            let key = format!("{at}/$ref");
            put(spec, &key, Some(json!(reference))).then(|| format!("{key} = {reference:?}"))
        }
        7 => {
            let at = any(&schemas, rng);
            let value = huge_enum(rng);
            let size = value["enum"].as_array().map_or(0, Vec::len);
            put(spec, &at, Some(value)).then(|| format!("{at} = enum of {size} values"))
        }
        8 | 9 => {
            let at = any(&schemas, rng);
            let depth = 1 + rng.below(200);
            let inner = spec.pointer(&at).cloned().unwrap_or(Value::Null);
            let value = nest(inner, depth, rng);
            put(spec, &at, Some(value)).then(|| format!("{at} nested {depth} levels deep"))
        }
        10 => all_of_fan_out(spec, rng),
        11 => {
            let from = rng.pick(nodes).clone();
            let value = spec.pointer(&from).cloned()?;
            put(spec, &target, Some(value)).then(|| format!("{target} = copy of {from}"))
        }
        12 => {
            let at = any(&objects, rng);
            let name = *rng.pick(WEIRD_NAMES);
            let (parent, key) = split(&at)?;
            let map = spec.pointer_mut(parent)?.as_object_mut()?;
            let value = map.shift_remove(&key)?;
            map.insert(name.to_string(), value);
            Some(format!("renamed {at} to {name:?}"))
        }
        13 if rng.chance(50) => path_parameter_mistake(spec, rng),
        13 => {
            let template = *rng.pick(&[
                "/x/{",
                "/x/{}",
                "/x/{a}{a}",
                "/x/{a}/{a}",
                "/{a}}",
                "//",
                "",
                "x",
                "/x/{ä}",
                "/x/{a b}",
            ]);
            let paths = spec.get_mut("paths")?.as_object_mut()?;
            let item = paths.values().next().cloned()?;
            paths.insert(template.to_string(), item);
            Some(format!("path {template:?}"))
        }
        14 => {
            let version = rng
                .pick(&[
                    json!("3.0"),
                    json!(3.0),
                    json!("3.1.0"),
                    json!("3.1"),
                    json!("3.1.x"),
                    json!(3.1),
                    json!("3.2.0"),
                    json!("2.0"),
                    json!("3.0.x"),
                    Value::Null,
                ])
                .clone();
            let root = spec.as_object_mut()?;
            if rng.chance(30) {
                root.remove("openapi");
                root.insert("swagger".into(), json!("2.0"));
                Some("swagger 2.0".into())
            } else {
                root.insert("openapi".into(), version.clone());
                Some(format!("openapi = {version}"))
            }
        }
        _ => {
            // Many operations: every path repeated under new names.
            let paths = spec.get_mut("paths")?.as_object_mut()?;
            let copies = 1 + rng.below(6);
            let originals: Vec<(String, Value)> =
                paths.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            for copy in 0..copies {
                for (path, item) in &originals {
                    paths.insert(format!("/copy{copy}{path}"), item.clone());
                }
            }
            Some(format!("paths repeated {copies} times"))
        }
    }
}

/// A mistake whose intent is plain (docs/repairs.md), made in one path parameter written in
/// the document: declared in the query or a header instead of the path, `required: false`, or
/// no `required`.
fn path_parameter_mistake(spec: &mut Value, rng: &mut Rng) -> Option<String> {
    let mut found = Vec::new();
    for (path, item) in spec.get("paths")?.as_object()? {
        let Some(item) = item.as_object() else {
            continue;
        };
        let lists = std::iter::once((String::new(), item.get("parameters"))).chain(
            item.iter()
                .map(|(key, op)| (format!("/{}", escape(key)), op.get("parameters"))),
        );
        for (under, list) in lists {
            let Some(list) = list.and_then(Value::as_array) else {
                continue;
            };
            for (i, param) in list.iter().enumerate() {
                if param.get("in").and_then(Value::as_str) == Some("path") {
                    found.push(format!("/paths/{}{under}/parameters/{i}", escape(path)));
                }
            }
        }
    }
    if found.is_empty() {
        return None;
    }
    let at = rng.pick(&found).clone();
    let param = spec.pointer_mut(&at)?.as_object_mut()?;
    let mistake = match rng.below(4) {
        0 => {
            param.insert("in".into(), json!("query"));
            "in: query"
        }
        1 => {
            param.insert("in".into(), json!("header"));
            "in: header"
        }
        2 => {
            param.insert("required".into(), json!(false));
            "required: false"
        }
        _ => {
            param.shift_remove("required");
            "no required"
        }
    };
    Some(format!("{at}: {mistake}"))
}

/// Text-level damage: truncation, a stray character, a duplicated or re-indented line.
fn damage_text(text: &mut String, rng: &mut Rng) -> String {
    let mut at = rng.below(text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    match rng.below(4) {
        0 => {
            text.truncate(at);
            format!("text truncated at byte {at}")
        }
        1 => {
            let c = *rng.pick(&[
                '{', '}', '[', ':', '"', '\'', '&', '*', '!', '\t', '\u{0}', '#',
            ]);
            text.insert(at, c);
            format!("{c:?} inserted at byte {at}")
        }
        2 => {
            let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
            let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
            let line = text[start..end].to_string();
            text.insert_str(start, &format!("{line}\n"));
            format!("line at byte {start} duplicated")
        }
        _ => {
            let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
            text.insert_str(start, "   ");
            format!("line at byte {start} indented")
        }
    }
}

/// Appends an `x-` extension whose aliases expand exponentially ("billion laughs").
fn alias_bomb(text: &mut String, rng: &mut Rng) -> String {
    let (width, depth) = (2 + rng.below(15), 2 + rng.below(12));
    text.push_str("x-bomb:\n  l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for level in 1..depth {
        let alias = format!("*l{}", level - 1);
        let items = vec![alias.as_str(); width].join(", ");
        text.push_str(&format!("  l{level}: &l{level} [{items}]\n"));
    }
    format!("YAML alias bomb {width}^{depth}")
}

/// What [`check`] saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Generated,
    Rejected,
}

/// The output may be larger than the input (the runtime alone is tens of kilobytes, and each
/// enum value or property becomes several lines), but only proportionally.
pub const OUTPUT_FACTOR: usize = 64;
pub const OUTPUT_BASE: usize = 4 << 20;

/// Runs the whole generator on `text` and checks what it returns: output files only at
/// generated paths and of bounded size; every diagnostic located by a JSON pointer that names a
/// place in the document as written (or a key missing from one: never a place only OpenAPI 3.1
/// lowering made, such as the `oneOf/0` of a `type` array); errors marked as errors. A panic is
/// left to propagate (the caller catches or reports it).
///
/// With `FUZZ_STRICT` set, also fails on two known problems: a diagnostic at the made-up
/// `<pointer>(merged)` of a property two `allOf` branches both describe as an object (the model
/// names the merge so, in 3.0 too), and a `$ref` said to point at nothing although, in the 3.1
/// document as written, it points at a schema (lowering moved it: a `type` array moves the
/// object keywords into a `oneOf` branch, `patternProperties` becomes `additionalProperties`,
/// documented `const` alternatives become one `enum`, and references into them are not
/// rewritten).
///
/// Runs with `skip_invalid`, so that the stages after an invalid operation are still
/// exercised; when that skips bad input, the default run must fail with exactly those problems
/// as errors. Such a spec counts as [`Verdict::Generated`]: its output was generated and
/// checked (with `skip_invalid`), and so was its refusal by default.
pub fn check(text: &str) -> Result<Verdict, String> {
    let options = Options {
        config: Default::default(),
        crate_name: "fuzzed".into(),
        spec_label: "fuzzed.yaml".into(),
        regenerate_command: "cargo fuzz".into(),
        env_prefix: None,
        strict: false,
        skip_invalid: true,
        overlays: Vec::new(),
        extra_dev_dependencies: Vec::new(),
    };
    let strict = std::env::var_os("FUZZ_STRICT").is_some();
    // The document as written, read only when there is a diagnostic to check against it.
    let written = std::cell::OnceCell::new();
    let located = |d: &generator::Diagnostic| {
        if !d.pointer.starts_with('#') || d.message.trim().is_empty() {
            return Err(format!("diagnostic without a pointer or a message: {d:?}"));
        }
        let Some(written) = written.get_or_init(|| generator::load::read(text).ok()) else {
            return Ok(());
        };
        // Known, and outside lowering: a property that two `allOf` branches both describe as an
        // object is merged, and named `<pointer>(merged)`, a place in no document.
        let merged = d.pointer.contains("(merged)");
        if (strict || !merged) && !names_a_place(written, &d.pointer) {
            return Err(format!(
                "diagnostic naming a place that is not in the document as written (nor a key \
                 missing from one that is): {d:?}"
            ));
        }
        if strict {
            if let Some(reference) = dangling_reference(&d.message) {
                if points_at_a_moved_schema(written, reference) {
                    return Err(format!(
                        "a `$ref` said to point at nothing points at a schema in the document as \
                         written: {d:?}"
                    ));
                }
            }
        }
        Ok(())
    };
    // `cargo xtask diff` reads specs through `api_surface`: it must not panic either, and it
    // must describe every spec the generator generates.
    let surface = generator::api_surface_skipping_invalid(text);
    match generate(text, &options) {
        Ok(output) => {
            if let Err(error) = surface {
                return Err(format!("generated, but api_surface failed: {error}"));
            }
            let mut size = 0;
            for (path, content) in &output.files {
                if path != "Cargo.toml" && path != "README.md" && !path.starts_with("src/") {
                    return Err(format!(
                        "output file outside Cargo.toml, README.md and src/: {path}"
                    ));
                }
                size += content.len();
            }
            let bound = OUTPUT_FACTOR * text.len() + OUTPUT_BASE;
            if size > bound {
                return Err(format!(
                    "output of {size} bytes from {} bytes of input (bound {bound})",
                    text.len()
                ));
            }
            output.diagnostics.iter().try_for_each(located)?;
            let bad: Vec<(&str, &str)> = output
                .diagnostics
                .iter()
                .filter(|d| d.category == Category::BadInput)
                .map(|d| (d.pointer.as_str(), d.message.as_str()))
                .collect();
            if bad.is_empty() {
                return Ok(Verdict::Generated);
            }
            let by_default = Options {
                skip_invalid: false,
                ..options
            };
            let Err(error) = generate(text, &by_default) else {
                return Err(format!(
                    "bad input skipped with skip_invalid, but generated without it: {bad:?}"
                ));
            };
            // "operation `x` skipped: why" with skip_invalid is "operation `x`: why" without;
            // a bad input that skips nothing (an unknown `type`) reads the same in both.
            let failed: Vec<(&str, &str)> = error
                .diagnostics
                .iter()
                .map(|d| (d.pointer.as_str(), d.message.as_str()))
                .collect();
            let expected: Vec<(&str, String)> = bad
                .iter()
                .map(|(pointer, message)| {
                    let message = match message.split_once(" skipped: ") {
                        Some((what, why)) => format!("{what}: {why}"),
                        None => message.to_string(),
                    };
                    (*pointer, message)
                })
                .collect();
            let same = failed.len() == expected.len()
                && failed
                    .iter()
                    .zip(&expected)
                    .all(|((p, m), (ep, em))| p == ep && m == em);
            if !same
                || error
                    .diagnostics
                    .iter()
                    .any(|d| d.severity != Severity::Error)
            {
                return Err(format!(
                    "without skip_invalid, not exactly the skipped bad input as errors: {:?} vs \
                     {expected:?}",
                    error.diagnostics
                ));
            }
            Ok(Verdict::Generated)
        }
        Err(error) => {
            if error.diagnostics.is_empty() {
                return Err("an error without diagnostics".into());
            }
            for d in &error.diagnostics {
                located(d)?;
                if d.severity != Severity::Error {
                    return Err(format!("a failure reported as a warning: {d}"));
                }
            }
            Ok(Verdict::Rejected)
        }
    }
}

/// Whether `pointer` (`#/a/b`) names a place in `written`, or a key missing from an object (an
/// index missing from an array) that is there. A pointer lowering invented for OpenAPI 3.1 (the
/// `oneOf/0` of a `type` array, the `allOf/0` wrapped around a `$ref` with siblings) names
/// neither. A pointer may be percent-encoded, as `$ref`s are.
fn names_a_place(written: &Value, pointer: &str) -> bool {
    let Some(pointer) = pointer.strip_prefix('#') else {
        return false;
    };
    let decoded = percent_decoded(pointer);
    [pointer, decoded.as_str()].iter().any(|pointer| {
        written.pointer(pointer).is_some()
            || pointer
                .rsplit_once('/')
                .is_some_and(|(parent, _)| written.pointer(parent).is_some())
    })
}

/// Whether `reference` (a JSON pointer) names, in an OpenAPI 3.1 document as written, what
/// may be a schema (an object or a boolean) outside operations and path items (an invalid one
/// is dropped, and a reference into it then points at nothing, in 3.0 too): a schema lowering
/// moved (the object branch of a `type` array, the one pattern of `patternProperties`), to
/// which a reference should still lead.
fn points_at_a_moved_schema(written: &Value, reference: &str) -> bool {
    // 3.2's schemas are 3.1's.
    let is_3_1 = written
        .get("openapi")
        .and_then(Value::as_str)
        .is_some_and(|v| v.starts_with("3.1") || v.starts_with("3.2"));
    let pointer = percent_decoded(reference);
    // The lists and maps of subschemas, which are not schemas themselves.
    let container = pointer.rsplit('/').next().is_some_and(|last| {
        matches!(
            last,
            "properties"
                | "patternProperties"
                | "$defs"
                | "dependentSchemas"
                | "allOf"
                | "anyOf"
                | "oneOf"
                | "prefixItems"
        )
    });
    is_3_1
        && !container
        && !["/paths/", "/webhooks/", "/components/pathItems/"]
            .iter()
            .any(|section| pointer.starts_with(section))
        && written
            .pointer(&pointer)
            .is_some_and(|target| target.is_object() || target.is_boolean())
}

/// The JSON pointer of a `$ref` a message says points at nothing (`#/a/b` → `/a/b`), unless
/// it is written with escapes.
fn dangling_reference(message: &str) -> Option<&str> {
    let (_, rest) = message.split_once("`$ref: \"#")?;
    let (reference, _) = rest.split_once("\"` points at nothing in this document")?;
    (!reference.contains(['\\', '"'])).then_some(reference)
}

/// `%XX` escapes decoded (as UTF-8; anything malformed kept as written).
fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |at: usize| bytes.get(at).and_then(|b| (*b as char).to_digit(16));
        match (bytes[i], hex(i + 1), hex(i + 2)) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                i += 3;
            }
            (byte, _, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

/// Builds the input a fuzzer's bytes stand for: the first byte picks the seed spec, the rest
/// drive the mutations.
pub fn input_from_bytes(seeds: &[(String, Value)], data: &[u8]) -> Option<Input> {
    let (first, rest) = data.split_first()?;
    let (_, seed) = seeds.get(usize::from(*first) % seeds.len().max(1))?;
    Some(mutate(seed, &mut Rng::from_bytes(rest)))
}

/// The label of the overlay [`overlay_for`] makes, as diagnostics name it.
pub const OVERLAY_LABEL: &str = "fuzzed.overlay.yaml";

/// An Overlay document for `spec` (its text, YAML or JSON, and what it does): one to four
/// actions whose targets are mostly places of the spec (as normalized paths), else wildcards,
/// filters, queries that select nothing or are not JSONPath; `update`s of every kind of value,
/// `remove`s and `copy`s; now and then a wrong version, a missing or misspelled field, or
/// text-level damage.
pub fn overlay_for(spec: &Value, rng: &mut Rng) -> (String, Vec<String>) {
    let nodes = pointers(spec);
    let mut made = Vec::new();
    // The target, and the node it names when it is a normalized path.
    let target = |rng: &mut Rng| -> (String, Option<&Value>) {
        let query = match rng.below(20) {
            0..=11 if !nodes.is_empty() => {
                let (path, node) = json_path(spec, rng.pick(&nodes).as_str());
                return (path, Some(node));
            }
            12..=16 => rng
                .pick(&[
                    "$",
                    "$.info",
                    "$..description",
                    "$.paths.*.*",
                    "$.paths.*[?@.operationId]",
                    "$..[?@.type == 'string']",
                    "$.components.schemas.*.properties",
                    "$..enum",
                    "$..parameters[?@.in == 'query']",
                    "$..required[0]",
                    "$..*",
                    "$.paths[?length(@) > 1]",
                    "$..[?match(@.format, 'int(32|64)')]",
                ])
                .to_string(),
            17 | 18 => rng
                .pick(&["$.nope", "$.paths['/nowhere']", "$..[?@.x-none]"])
                .to_string(),
            _ => rng
                .pick(&[
                    "$.paths[",
                    "paths",
                    "",
                    "$..[?(@",
                    "$[?match(@, '(')]",
                    "$.a.b.c..",
                    "$[?foo(@)]",
                    "$['unterminated]",
                ])
                .to_string(),
        };
        (query, None)
    };
    let mut actions = Vec::new();
    for _ in 0..1 + rng.below(4) {
        let mut action = serde_json::Map::new();
        let (query, node) = target(rng);
        if !rng.chance(3) {
            action.insert("target".into(), json!(query));
        }
        match rng.below(10) {
            0..=2 => {
                action.insert("remove".into(), json!(true));
            }
            3..=7 => {
                // Mostly a value of the kind the node has (others are errors, located).
                let kind = match node {
                    Some(Value::Object(_)) => 3,
                    Some(Value::Array(_)) => 2,
                    Some(_) => 5,
                    None => rng.below(8),
                };
                let value = match if rng.chance(70) { kind } else { rng.below(8) } {
                    0 => wrong_value(rng),
                    1 => small_schema(rng),
                    2 => any_value(rng),
                    3 | 4 => json!({"description": "Overlaid.", "x-fuzzed": [1, 2]}),
                    5 => json!("overlaid"),
                    _ => {
                        json!({"properties": {"added": {"type": "string"}}, "required": ["added"]})
                    }
                };
                action.insert("update".into(), value);
            }
            _ => {
                action.insert("copy".into(), json!(target(rng).0));
            }
        }
        if rng.chance(3) {
            action.insert("updte".into(), json!({}));
        }
        if rng.chance(3) {
            action.insert("update".into(), json!({"summary": "both"}));
        }
        actions.push(Value::Object(action));
    }
    let version = match rng.below(40) {
        0 => json!("2.0.0"),
        1 => json!(1.1),
        2..=12 => json!("1.0.0"),
        _ => json!("1.1.0"),
    };
    let mut overlay = json!({
        "overlay": version,
        "info": {"title": "Fuzzed", "version": "1"},
        "actions": actions,
    });
    if rng.chance(3) {
        overlay.as_object_mut().map(|o| o.remove("info"));
        made.push("no info".into());
    }
    made.push(format!(
        "overlay {}",
        serde_json::to_string(&overlay).unwrap_or_default()
    ));
    let mut text = if rng.chance(50) {
        serde_norway::to_string(&overlay).unwrap_or_default()
    } else {
        serde_json::to_string_pretty(&overlay).unwrap_or_default()
    };
    if rng.chance(5) {
        made.push(damage_text(&mut text, rng));
    }
    (text, made)
}

/// The normalized JSONPath (RFC 9535) of the node at `pointer` in `value`, and the node.
fn json_path<'v>(value: &'v Value, pointer: &str) -> (String, &'v Value) {
    let mut path = String::from("$");
    let mut node = value;
    for segment in pointer.split('/').skip(1) {
        let key = segment.replace("~1", "/").replace("~0", "~");
        match node {
            Value::Array(items) => {
                let index: usize = key.parse().unwrap_or(0);
                path.push_str(&format!("[{index}]"));
                node = items.get(index).unwrap_or(&Value::Null);
            }
            _ => {
                // A single-quoted name: `\` and `'` escaped, control characters as `\uXXXX`.
                let mut quoted = String::new();
                for c in key.chars() {
                    match c {
                        '\\' => quoted.push_str("\\\\"),
                        '\'' => quoted.push_str("\\'"),
                        c if (c as u32) < 0x20 => quoted.push_str(&format!("\\u{:04x}", c as u32)),
                        c => quoted.push(c),
                    }
                }
                path.push_str(&format!("['{quoted}']"));
                node = node.get(&key).unwrap_or(&Value::Null);
            }
        }
    }
    (path, node)
}

/// [`check`] of a spec with an overlay: output or errors, never a panic; every diagnostic
/// about the overlay names a place in the overlay as written (`<label>#<pointer>`), every other
/// one a place in the overlaid description; a warning about the overlay is an action selecting
/// nothing; `api_surface_overlaid` describes whatever `generate` generates.
pub fn check_overlaid(spec: &str, overlay: &str) -> Result<Verdict, String> {
    let overlays = [generator::Overlay::new(OVERLAY_LABEL, overlay)];
    let options = Options {
        skip_invalid: true,
        overlays: overlays.to_vec(),
        ..Options::new("fuzzed")
    };
    let written = generator::load::read(overlay).ok();
    let overlaid = generator::overlay::overlaid(spec, &overlays)
        .ok()
        .map(|(tree, _)| tree);
    let located = |d: &generator::Diagnostic| -> Result<(), String> {
        if d.message.trim().is_empty() {
            return Err(format!("diagnostic without a message: {d:?}"));
        }
        if let Some(pointer) = d.pointer.strip_prefix(OVERLAY_LABEL) {
            let at_place = match &written {
                Some(written) => names_a_place(written, pointer),
                None => pointer == "#",
            };
            if !at_place {
                return Err(format!("diagnostic naming no place in the overlay: {d:?}"));
            }
            if d.severity == Severity::Warning && d.category != Category::NoEffect {
                return Err(format!("an overlay warning other than no effect: {d:?}"));
            }
            return Ok(());
        }
        if !d.pointer.starts_with('#') {
            return Err(format!("diagnostic without a pointer: {d:?}"));
        }
        match &overlaid {
            Some(tree) if !d.pointer.contains("(merged)") && !names_a_place(tree, &d.pointer) => {
                Err(format!(
                    "diagnostic naming no place in the overlaid description: {d:?}"
                ))
            }
            _ => Ok(()),
        }
    };
    let surface = generator::api_surface_overlaid(spec, &Default::default(), &overlays, true);
    match generate(spec, &options) {
        Ok(output) => {
            if let Err(error) = surface {
                return Err(format!(
                    "generated, but api_surface_overlaid failed: {error}"
                ));
            }
            output.diagnostics.iter().try_for_each(located)?;
            Ok(Verdict::Generated)
        }
        Err(error) => {
            if error.diagnostics.is_empty() {
                return Err("an error without diagnostics".into());
            }
            for d in &error.diagnostics {
                located(d)?;
                if d.severity != Severity::Error {
                    return Err(format!("a failure reported as a warning: {d}"));
                }
            }
            Ok(Verdict::Rejected)
        }
    }
}

// ---- Descriptions kept in many files (issue 25) ----

/// The script that splits a description into one file per path and per component schema (the
/// benchmark's and the Realtime Kit test's).
#[path = "../../../xtask/src/split.rs"]
mod splitting;

/// The root file of every split input.
pub const SPLIT_ROOT: &str = "openapi.yaml";

/// A description kept in many files: the root ([`SPLIT_ROOT`]) and every other file, by path
/// relative to the root's folder, and what was done to make it.
pub struct SplitInput {
    pub files: std::collections::BTreeMap<String, String>,
    pub mutations: Vec<String>,
    /// Text some diagnostic must contain (the file a reference names that cannot be read,
    /// refused or pointed into, or the folder of a cycle), when the input had nothing else
    /// done to it and the reference is one every run follows (a component schema).
    pub names: Option<String>,
    /// The description before it was split, when nothing else was done to it: the split
    /// (kind "valid split") must give what it gives, files and diagnostics but for their place;
    /// with a recursion through three files added, it must generate if this does.
    pub unsplit: Option<String>,
    /// Whether the input is exactly the split of [`SplitInput::unsplit`].
    pub same_as_unsplit: bool,
}

/// What a multi-file input has wrong with it, besides what [`mutate_once`] did to the tree.
const SPLIT_KINDS: &[&str] = &[
    "valid split",
    "reference to a missing file",
    "reference cycle through three files",
    "recursion through three files",
    "a file that is not YAML",
    "a reference leaving the folder",
    "a bad pointer into another file",
];

/// Text that does not read as a YAML (or JSON) mapping.
const NOT_YAML: &[&str] = &[
    "{{{: [",
    "key: [unclosed\n  - x: y",
    "\u{0}\u{1}binary\u{ff}",
    "- a list\n- not a mapping\n",
    "",
    "just a string",
    "a: b\n a: c\n",
    "%YAML 9.9\n---\nx: 1\n",
];

/// Targets leaving the root file's folder, as they are written in the root.
const OUTSIDE: &[&str] = &[
    "../outside.yaml",
    "../../etc/passwd",
    "/etc/passwd",
    "https://example.com/schemas/pet.yaml",
    "file:///etc/passwd",
    "schemas/../../up.yaml#/a",
    "C:\\schemas\\pet.yaml",
    "//host/share/x.yaml",
];

/// Makes a multi-file input from `seed`: sometimes mutated first ([`mutate_once`]), split into
/// one file per path and per schema (YAML or JSON), then one of [`SPLIT_KINDS`] done to it.
pub fn mutate_split(seed: &Value, rng: &mut Rng) -> SplitInput {
    use std::collections::BTreeMap;

    let mut spec = seed.clone();
    let mut mutations = Vec::new();
    if rng.chance(50) {
        for _ in 0..1 + rng.below(2) {
            let nodes = pointers(&spec);
            if let Some(done) = mutate_once(&mut spec, &nodes, rng) {
                mutations.push(done);
            }
        }
    }
    // Nothing done to the tree, and every reference a JSON pointer into the document (none by
    // anchor, `$id` or `$self` URI, which a split cannot keep): the split must read as the one
    // file does.
    let plain = mutations.is_empty() && pointer_references_only(&spec);
    let unsplit = plain.then(|| serde_norway::to_string(&spec).unwrap_or_default());
    let format = if rng.chance(50) {
        splitting::Format::Yaml
    } else {
        splitting::Format::Json
    };
    let parts = splitting::split(&spec, SPLIT_ROOT, format);
    mutations.push(format!(
        "split into {} files ({format:?})",
        parts.files.len() + 1
    ));
    let mut trees: BTreeMap<String, Value> = parts.files;
    trees.insert(SPLIT_ROOT.to_string(), parts.root);
    let mut texts: BTreeMap<String, String> = BTreeMap::new();

    let kind = rng.below(SPLIT_KINDS.len());
    mutations.push(SPLIT_KINDS[kind].to_string());
    // The target of the reference the kind adds (relative to the root's folder), and the text
    // a diagnostic must then contain.
    let (target, names): (Option<String>, Option<String>) = match kind {
        1 => {
            let target = rng.pick(&["missing/Nowhere.yaml", "schemas/Nowhere.json#/a"]);
            (Some(target.to_string()), Some("Nowhere".to_string()))
        }
        2 | 3 => {
            let ext = if rng.chance(50) { "yaml" } else { "json" };
            for (name, next) in [("a", "b"), ("b", "c"), ("c", "a")] {
                let next = format!("{next}.{ext}");
                let tree = if kind == 2 {
                    json!({"$ref": next})
                } else {
                    json!({
                        "type": "object",
                        "description": format!("Ring part {name}."),
                        "properties": {"id": {"type": "integer"}, "next": {"$ref": next}}
                    })
                };
                trees.insert(format!("ring/{name}.{ext}"), tree);
            }
            let target = format!("ring/a.{ext}");
            (Some(target), (kind == 2).then(|| "ring/".to_string()))
        }
        4 => {
            let garbage = rng.pick(NOT_YAML).to_string();
            let replace = trees
                .keys()
                .filter(|path| path.as_str() != SPLIT_ROOT)
                .cloned()
                .collect::<Vec<_>>();
            if !replace.is_empty() && rng.chance(50) {
                // An existing part, whichever references reach it.
                let path = rng.pick(&replace).clone();
                trees.remove(&path);
                texts.insert(path, garbage);
                (None, None)
            } else {
                texts.insert("broken/bad.yaml".to_string(), garbage);
                (
                    Some("broken/bad.yaml".to_string()),
                    Some("broken/bad.yaml".to_string()),
                )
            }
        }
        5 => {
            let target = rng.pick(OUTSIDE).to_string();
            let names = target.split('#').next().unwrap_or_default().to_string();
            (Some(target), Some(names))
        }
        6 => {
            let files: Vec<String> = trees
                .keys()
                .filter(|path| path.as_str() != SPLIT_ROOT)
                .cloned()
                .collect();
            if files.is_empty() {
                (None, None)
            } else {
                let file = rng.pick(&files).clone();
                let target = format!("{file}#/no/such/place");
                (Some(target), Some(file))
            }
        }
        _ => (None, None),
    };
    let mut followed = false;
    if let Some(target) = &target {
        // Where the reference stands: a new component schema of the root (always read), or in
        // place of an existing reference in any file (written relative to that file).
        let mut references: Vec<(String, String)> = Vec::new();
        for (path, tree) in &trees {
            for pointer in pointers(tree) {
                if pointer.ends_with("/$ref") {
                    references.push((path.clone(), pointer));
                }
            }
        }
        if references.is_empty() || rng.chance(50) {
            let root = trees.get_mut(SPLIT_ROOT).expect("the root");
            if let Some(object) = root.as_object_mut() {
                let components = object.entry("components").or_insert_with(|| json!({}));
                if let Some(components) = components.as_object_mut() {
                    let schemas = components.entry("schemas").or_insert_with(|| json!({}));
                    if let Some(schemas) = schemas.as_object_mut() {
                        schemas.insert("FuzzTarget".to_string(), json!({"$ref": target}));
                        followed = true;
                    }
                }
                // And an operation answering it, so that what only an operation's use reports
                // (a cycle of references) is reported.
                let paths = object.entry("paths").or_insert_with(|| json!({}));
                if let Some(paths) = paths.as_object_mut() {
                    paths.insert(
                        "/fuzz-target".to_string(),
                        json!({"get": {"operationId": "fuzzTarget", "responses": {"200": {
                            "description": "The target.",
                            "content": {"application/json": {"schema": {
                                "$ref": "#/components/schemas/FuzzTarget"
                            }}}
                        }}}}),
                    );
                }
            }
        } else {
            let (path, pointer) = rng.pick(&references).clone();
            let relative = if target.contains(':') || target.starts_with('/') {
                target.clone()
            } else {
                format!("{}{target}", "../".repeat(path.matches('/').count()))
            };
            if let Some(tree) = trees.get_mut(&path) {
                put(tree, &pointer, Some(json!(relative)));
            }
            mutations.push(format!("written at {path}#{pointer}"));
        }
    }
    for (path, tree) in trees {
        let text = if path.ends_with(".json") || rng.chance(20) {
            serde_json::to_string_pretty(&tree).unwrap_or_default()
        } else {
            serde_norway::to_string(&tree).unwrap_or_default()
        };
        texts.insert(path, text);
    }
    SplitInput {
        files: texts,
        names: names.filter(|_| plain && followed),
        unsplit: unsplit.filter(|_| kind == 0 || (kind == 3 && followed)),
        same_as_unsplit: kind == 0,
        mutations,
    }
}

/// Whether every `$ref` under `value` is a JSON pointer fragment (`#/...`).
fn pointer_references_only(value: &Value) -> bool {
    match value {
        Value::Object(map) => map.iter().all(|(key, child)| match (key.as_str(), child) {
            ("$ref", Value::String(target)) => target == "#" || target.starts_with("#/"),
            _ => pointer_references_only(child),
        }),
        Value::Array(items) => items.iter().all(pointer_references_only),
        _ => true,
    }
}

/// Runs the generator on a multi-file input (its files in memory) and checks what it returns,
/// as [`check`] does for one file: no panic (left to propagate); output files only at
/// generated paths; every diagnostic located in a file of the input (`file#/pointer`, with
/// `:line:column` or not, or `file:line:column` for a file that does not parse) at a place
/// that is in that file (or a key missing from one), its message not empty; errors marked as
/// errors; what the input's mutation broke named by some diagnostic; a valid input generated;
/// `api_surface_files` agreeing with the generator on whether the input generates. Bad input
/// skipped with `skip_invalid` must fail without it.
pub fn check_split(input: &SplitInput) -> Result<Verdict, String> {
    let options = Options {
        crate_name: "fuzzed".into(),
        spec_label: SPLIT_ROOT.into(),
        regenerate_command: "cargo fuzz".into(),
        skip_invalid: true,
        ..Options::default()
    };
    let files = generator::files::MemoryFiles(
        input
            .files
            .iter()
            .filter(|(path, _)| path.as_str() != SPLIT_ROOT)
            .map(|(path, text)| (path.clone(), text.clone()))
            .collect(),
    );
    let root_text = &input.files[SPLIT_ROOT];
    let trees: std::collections::BTreeMap<&str, Option<Value>> = input
        .files
        .iter()
        .map(|(path, text)| (path.as_str(), generator::load::read(text).ok()))
        .collect();
    let located = |d: &generator::Diagnostic| -> Result<(), String> {
        if d.message.trim().is_empty() {
            return Err(format!("diagnostic without a message: {d:?}"));
        }
        let (file, pointer) = match d.pointer.split_once('#') {
            Some((file, pointer)) => (file, Some(pointer)),
            None => (d.pointer.as_str(), None),
        };
        // `:line:column` at the end, when the file's text gives them.
        let strip_position = |text: &str| -> String {
            let mut parts = text.rsplitn(3, ':');
            match (parts.next(), parts.next(), parts.next()) {
                (Some(column), Some(line), Some(rest))
                    if column.parse::<u32>().is_ok() && line.parse::<u32>().is_ok() =>
                {
                    rest.to_string()
                }
                _ => text.to_string(),
            }
        };
        let (file, pointer) = match pointer {
            Some(pointer) => (file.to_string(), Some(strip_position(pointer))),
            None => (strip_position(file), None),
        };
        let file = if file.is_empty() { SPLIT_ROOT } else { &file };
        let Some(tree) = trees.get(file) else {
            return Err(format!("diagnostic naming no file of the input: {d:?}"));
        };
        if let (Some(pointer), Some(tree)) = (pointer, tree) {
            let merged = pointer.contains("(merged)");
            if !merged && !names_a_place(tree, &format!("#{pointer}")) {
                return Err(format!(
                    "diagnostic naming a place that is not in {file} (nor a key missing from \
                     one that is): {d:?}"
                ));
            }
        }
        Ok(())
    };
    let named = |diagnostics: &[generator::Diagnostic]| -> Result<(), String> {
        match &input.names {
            Some(text)
                if !diagnostics.iter().any(|d| {
                    d.message.contains(text.as_str()) || d.pointer.contains(text.as_str())
                }) =>
            {
                Err(format!("no diagnostic names `{text}`: {diagnostics:#?}"))
            }
            _ => Ok(()),
        }
    };
    // What the description gives in one file, when the split must agree with it.
    let unsplit = input.unsplit.as_ref().map(|text| generate(text, &options));
    let unlocated = |diagnostics: &[generator::Diagnostic]| -> Vec<(Severity, String)> {
        diagnostics
            .iter()
            .map(|d| (d.severity, d.message.clone()))
            .collect()
    };
    let surface =
        generator::api_surface_files(SPLIT_ROOT, root_text, &files, &options.config, &[], true);
    match generator::generate_files(SPLIT_ROOT, root_text, &files, &options) {
        Ok(output) => {
            if let Err(error) = surface {
                return Err(format!("generated, but api_surface_files failed: {error}"));
            }
            for path in output.files.keys() {
                if path != "Cargo.toml" && path != "README.md" && !path.starts_with("src/") {
                    return Err(format!(
                        "output file outside Cargo.toml, README.md and src/: {path}"
                    ));
                }
            }
            output.diagnostics.iter().try_for_each(located)?;
            named(&output.diagnostics)?;
            match &unsplit {
                Some(Ok(one)) if input.same_as_unsplit => {
                    if one.files != output.files {
                        let differ: Vec<&String> = one
                            .files
                            .iter()
                            .filter(|(path, text)| output.files.get(*path) != Some(text))
                            .map(|(path, _)| path)
                            .collect();
                        return Err(format!(
                            "the split gives another crate than the one file: {differ:?}"
                        ));
                    }
                    if unlocated(&one.diagnostics) != unlocated(&output.diagnostics) {
                        return Err(format!(
                            "the split gives other diagnostics than the one file: {:#?} vs {:#?}",
                            output.diagnostics, one.diagnostics
                        ));
                    }
                }
                Some(Err(error)) if input.same_as_unsplit => {
                    return Err(format!(
                        "the split generates, the one file does not: {error}"
                    ));
                }
                _ => {}
            }
            if output
                .diagnostics
                .iter()
                .any(|d| d.category == Category::BadInput)
            {
                let by_default = Options {
                    skip_invalid: false,
                    ..options
                };
                if generator::generate_files(SPLIT_ROOT, root_text, &files, &by_default).is_ok() {
                    return Err(
                        "bad input skipped with skip_invalid, but generated without it".into(),
                    );
                }
            }
            Ok(Verdict::Generated)
        }
        Err(error) => {
            if let Some(Ok(_)) = &unsplit {
                return Err(format!(
                    "the one file generates, its split (kind {:?}) does not: {error}",
                    input.mutations.last()
                ));
            }
            if error.diagnostics.is_empty() {
                return Err("an error without diagnostics".into());
            }
            for d in &error.diagnostics {
                located(d)?;
                if d.severity != Severity::Error {
                    return Err(format!("a failure reported as a warning: {d}"));
                }
            }
            named(&error.diagnostics)?;
            Ok(Verdict::Rejected)
        }
    }
}
