//! Structure-aware fuzzing of the whole generator (load → resolve → model → emit → format),
//! shared by the bounded stable-toolchain run in `tests/fuzz.rs` (part of `cargo test`, so CI)
//! and the cargo-fuzz targets in `fuzz/` (nightly, for long runs). Both call [`mutate`] to make
//! an input from a seed spec and [`check`] to run it.
//!
//! Mutations work on the JSON tree of real specs (the fixtures, `spec/`, and Cloudflare's
//! descriptions in `../shared/corpus/` when present): values of the wrong type, removed keys,
//! dropped and retargeted `$ref`s (dangling, external, malformed, pointing at any node, at
//! themselves or their ancestors), huge enums, deep nesting of every schema construct, `allOf`
//! fan-outs, copied subtrees, odd names and path templates, other versions; the tree is then
//! written as YAML or JSON, sometimes with text-level damage or a YAML alias bomb.

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
            // xorshift must not start at zero.
            state: seed ^ 0x9e37_79b9_7f4a_7c15 | 1,
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
}

/// Makes an input from `seed` with one to four structural mutations.
pub fn mutate(seed: &Value, rng: &mut Rng) -> Input {
    let mut spec = seed.clone();
    let mut mutations = Vec::new();
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
    if rng.chance(8) {
        mutations.push(damage_text(&mut text, rng));
    }
    if rng.chance(4) && !text.starts_with('{') {
        mutations.push(alias_bomb(&mut text, rng));
    }
    Input { text, mutations }
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
            .pick(&["", "#", "#/", "#/%zz", "#/paths/~2", "#//", "other.yaml"])
            .to_string(),
        3 => format!("#{at}"),
        4 => {
            // An ancestor: a cycle.
            let ancestors: Vec<&str> = at.match_indices('/').map(|(i, _)| &at[..i]).collect();
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
        .filter(|p| p.contains("schema") || p.contains("/properties/") || p.ends_with("/items"))
        .collect();
    let any = |list: &[&String], rng: &mut Rng| -> String {
        if list.is_empty() {
            target.clone()
        } else {
            (*rng.pick(list)).clone()
        }
    };
    match rng.below(16) {
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
/// generated paths and of bounded size; every diagnostic located by a JSON pointer; errors
/// marked as errors. A panic is left to propagate (the caller catches or reports it).
///
/// Runs with `skip_invalid`, so that the stages after an invalid operation are still
/// exercised; when that skips bad input, the default run must fail with exactly those problems
/// as errors. Such a spec counts as [`Verdict::Generated`]: its output was generated and
/// checked (with `skip_invalid`), and so was its refusal by default.
pub fn check(text: &str) -> Result<Verdict, String> {
    let options = Options {
        crate_name: "fuzzed".into(),
        spec_label: "fuzzed.yaml".into(),
        regenerate_command: "cargo fuzz".into(),
        env_prefix: None,
        strict: false,
        skip_invalid: true,
        extra_dev_dependencies: Vec::new(),
    };
    let located = |d: &generator::Diagnostic| {
        if d.pointer.starts_with('#') && !d.message.trim().is_empty() {
            Ok(())
        } else {
            Err(format!("diagnostic without a pointer or a message: {d:?}"))
        }
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
                if path != "Cargo.toml" && !path.starts_with("src/") {
                    return Err(format!("output file outside Cargo.toml and src/: {path}"));
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

/// Builds the input a fuzzer's bytes stand for: the first byte picks the seed spec, the rest
/// drive the mutations.
pub fn input_from_bytes(seeds: &[(String, Value)], data: &[u8]) -> Option<Input> {
    let (first, rest) = data.split_first()?;
    let (_, seed) = seeds.get(usize::from(*first) % seeds.len().max(1))?;
    Some(mutate(seed, &mut Rng::from_bytes(rest)))
}
