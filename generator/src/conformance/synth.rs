//! Request values synthesized from a schema: a JSON value that satisfies it, made at generation
//! time and deterministically (a seeded generator), for the conformance driver.
//!
//! What is honoured: `$ref`, `example` (used when it satisfies the schema, on rounds that leave
//! optional properties out), `enum` (and 3.1's `const`, lowered to a one-value `enum`), `allOf`
//! (the branches' objects merged), `oneOf`/`anyOf` (the first branch), `type`, `format`
//! (dates, times, UUIDs, e-mail addresses, URIs, host names, IP addresses, base64),
//! `pattern` (a random match, through `rand_regex`), `minimum`/`maximum` (exclusive too),
//! `multipleOf`, `minLength`/`maxLength`, `minItems`/`maxItems`, `uniqueItems`, `required`
//! and `minProperties`. Optional properties are filled only on "full" rounds.

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use regex_syntax::hir::{self, Class, ClassUnicode, ClassUnicodeRange, Hir, HirKind};
use serde_json::{Map, Number, Value, json};

/// How deep the synthesis follows nested schemas before it stops adding optional content.
const MAX_DEPTH: u32 = 24;

/// The synthesizer of one set of values (one operation in one round).
pub struct Synth<'a> {
    doc: &'a Value,
    rng: StdRng,
    /// Fill optional properties (and prefer synthesized values to the spec's examples).
    full: bool,
}

impl<'a> Synth<'a> {
    /// `doc`: the (lowered) document the schemas' `$ref`s point into; `seed`: the same seed
    /// gives the same values; `full`: fill optional properties too.
    pub fn new(doc: &'a Value, seed: u64, full: bool) -> Synth<'a> {
        Synth {
            doc,
            rng: StdRng::seed_from_u64(seed),
            full,
        }
    }

    /// A value for the schema at `pointer` (a JSON pointer into the document, `#/...`); a
    /// string when there is no schema there.
    pub fn at(&mut self, pointer: &str) -> Value {
        match lookup(self.doc, pointer) {
            Some(schema) => self.value(schema),
            None => json!("conformance"),
        }
    }

    /// A value satisfying `schema`.
    pub fn value(&mut self, schema: &Value) -> Value {
        self.synth(schema, 0)
    }

    fn synth(&mut self, schema: &Value, depth: u32) -> Value {
        let schema = self.deref(schema);
        let Some(object) = schema.as_object() else {
            // `true`, `{}`: anything goes.
            return json!("conformance");
        };
        if let Some(example) = object.get("example")
            && !self.full
            && satisfies(self.doc, schema, example)
        {
            return example.clone();
        }
        if let Some(values) = object.get("enum").and_then(Value::as_array) {
            let candidates: Vec<&Value> = values.iter().filter(|v| !v.is_null()).collect();
            if !candidates.is_empty() {
                let index = self.rng.random_range(0..candidates.len());
                return candidates[index].clone();
            }
        }
        if let Some(branches) = object.get("allOf").and_then(Value::as_array) {
            let mut merged: Option<Value> = None;
            // The schema's own properties count as one more branch.
            let mut own = object.clone();
            own.remove("allOf");
            own.remove("example");
            let own = Value::Object(own);
            let branches = branches.iter().chain(
                (own.get("properties").is_some() || own.get("required").is_some()).then_some(&own),
            );
            for branch in branches {
                let value = self.synth(branch, depth + 1);
                merged = Some(match (merged, value) {
                    (Some(Value::Object(mut a)), Value::Object(b)) => {
                        a.extend(b);
                        Value::Object(a)
                    }
                    (Some(a), _) => a,
                    (None, b) => b,
                });
            }
            if let Some(merged) = merged {
                return merged;
            }
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(branches) = object.get(key).and_then(Value::as_array) {
                // The first branch that is not `null` alone.
                let branch = branches
                    .iter()
                    .find(|b| self.deref(b).get("type") != Some(&json!("null")))
                    .or(branches.first());
                if let Some(branch) = branch {
                    let mut value = self.synth(branch, depth + 1);
                    // Properties the schema declares beside its alternatives.
                    if object.contains_key("properties")
                        && let (Value::Object(a), Value::Object(b)) =
                            (&mut value, self.object(object, depth))
                    {
                        for (k, v) in b {
                            a.entry(k).or_insert(v);
                        }
                    }
                    return value;
                }
            }
        }
        let ty = object
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_else(|| {
                if object.contains_key("properties") || object.contains_key("additionalProperties")
                {
                    "object"
                } else if object.contains_key("items") {
                    "array"
                } else {
                    "string"
                }
            });
        match ty {
            "object" => self.object(object, depth),
            "array" => self.array(object, depth),
            "integer" => self.integer(object),
            "number" => self.number(object),
            "boolean" => Value::Bool(self.rng.random_bool(0.5)),
            "null" => Value::Null,
            _ => Value::String(self.string(object)),
        }
    }

    fn object(&mut self, schema: &Map<String, Value>, depth: u32) -> Value {
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut out = Map::new();
        if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
            for (name, property) in properties {
                let wanted =
                    required.contains(&name.as_str()) || (self.full && depth < MAX_DEPTH / 2);
                if wanted && !is_read_only(self.deref(property)) && depth < MAX_DEPTH {
                    out.insert(name.clone(), self.synth(property, depth + 1));
                }
            }
        }
        let min_properties = uint(schema.get("minProperties")).unwrap_or(0);
        let additional = schema.get("additionalProperties").filter(|a| a.is_object());
        let mut n = 0;
        while (out.len() as u64) < min_properties && n < 16 {
            n += 1;
            let value = match additional {
                Some(additional) => self.synth(additional, depth + 1),
                None => json!("conformance"),
            };
            out.insert(format!("key{n}"), value);
        }
        Value::Object(out)
    }

    fn array(&mut self, schema: &Map<String, Value>, depth: u32) -> Value {
        let min = uint(schema.get("minItems")).unwrap_or(0);
        let max = uint(schema.get("maxItems")).unwrap_or(u64::MAX);
        let wanted = if self.full { 2 } else { 1 };
        let n = min.max(wanted).min(max).min(8);
        let unique = schema.get("uniqueItems") == Some(&Value::Bool(true));
        let items = schema.get("items").cloned().unwrap_or(json!({}));
        let mut out: Vec<Value> = Vec::new();
        let mut tries = 0;
        while (out.len() as u64) < n && tries < 32 && depth < MAX_DEPTH {
            tries += 1;
            let value = self.synth(&items, depth + 1);
            if unique && out.contains(&value) {
                continue;
            }
            out.push(value);
        }
        Value::Array(out)
    }

    fn integer(&mut self, schema: &Map<String, Value>) -> Value {
        let (low, high) = bounds(schema, 1.0, 100.0);
        let low = low.ceil() as i64;
        let high = (high.floor() as i64).max(low);
        let step = schema
            .get("multipleOf")
            .and_then(Value::as_f64)
            .filter(|m| *m >= 1.0 && m.fract() == 0.0)
            .map(|m| m as i64)
            .unwrap_or(1);
        let first = low.div_euclid(step) * step;
        let first = if first < low { first + step } else { first };
        let count = ((high - first).div_euclid(step)).max(0);
        let value = first + self.rng.random_range(0..=count.min(1_000)) * step;
        Value::Number(value.into())
    }

    fn number(&mut self, schema: &Map<String, Value>) -> Value {
        if schema
            .get("multipleOf")
            .and_then(Value::as_f64)
            .is_some_and(|m| m.fract() != 0.0)
        {
            let (low, high) = bounds(schema, 1.0, 100.0);
            let step = schema["multipleOf"].as_f64().unwrap_or(1.0);
            let value = (low / step).ceil() * step;
            let value = if value > high { low } else { value };
            return Number::from_f64(value).map_or(json!(1), Value::Number);
        }
        let (low, high) = bounds(schema, 1.0, 100.0);
        if low.ceil() <= high.floor() {
            return self.integer(schema);
        }
        // Only fractions fit: the middle of the range.
        Number::from_f64((low + high) / 2.0).map_or(json!(0.5), Value::Number)
    }

    fn string(&mut self, schema: &Map<String, Value>) -> String {
        let min = uint(schema.get("minLength")).unwrap_or(0) as usize;
        let max = uint(schema.get("maxLength")).map_or(usize::MAX, |m| m as usize);
        if let Some(pattern) = schema.get("pattern").and_then(Value::as_str)
            && let Some(text) = self.matching(pattern, min, max)
        {
            return text;
        }
        let n: u32 = self.rng.random_range(1..=28);
        let text = match schema.get("format").and_then(Value::as_str).unwrap_or("") {
            "date-time" => format!("2024-02-{n:02}T10:{n:02}:30Z"),
            "date" => format!("2024-02-{n:02}"),
            "time" => format!("10:{n:02}:30Z"),
            "uuid" => {
                let a: u64 = self.rng.random();
                let b: u64 = self.rng.random();
                let hex = format!("{a:016x}{b:016x}");
                format!(
                    "{}-{}-4{}-8{}-{}",
                    &hex[0..8],
                    &hex[8..12],
                    &hex[13..16],
                    &hex[17..20],
                    &hex[20..32]
                )
            }
            "email" => format!("user{n}@example.com"),
            "uri" | "url" | "uri-reference" | "iri" => format!("https://example.com/item/{n}"),
            "hostname" | "idn-hostname" => format!("host{n}.example.com"),
            "ipv4" => format!("192.0.2.{n}"),
            "ipv6" => format!("2001:db8::{n:x}"),
            "byte" => "Y29uZm9ybWFuY2U=".to_string(),
            _ => format!("conformance{n}"),
        };
        fit_length(text, min, max)
    }

    /// A string matching `pattern` (ECMA-262 as specs write it, read by `regex_syntax`), of
    /// `min..=max` characters, printable ASCII only; `None` when none is found.
    fn matching(&mut self, pattern: &str, min: usize, max: usize) -> Option<String> {
        let hir = regex_syntax::ParserBuilder::new()
            .build()
            .parse(pattern)
            .ok()?;
        let hir = printable(hir)?;
        let generator = rand_regex::Regex::with_hir(hir, 8).ok()?;
        let check = regex::Regex::new(pattern).ok();
        for _ in 0..64 {
            let text: String = self.rng.sample(&generator);
            let len = text.chars().count();
            if (min..=max).contains(&len) && check.as_ref().is_none_or(|re| re.is_match(&text)) {
                return Some(text);
            }
        }
        None
    }
}

/// `hir` with anchors and word boundaries dropped (a match of the rest satisfies an anchored
/// pattern when it is the whole string) and every class narrowed to printable ASCII; `None`
/// when a class has no printable ASCII character.
fn printable(hir: Hir) -> Option<Hir> {
    Some(match hir.into_kind() {
        HirKind::Empty | HirKind::Look(_) => Hir::empty(),
        HirKind::Literal(hir::Literal(bytes)) => Hir::literal(bytes),
        HirKind::Class(Class::Unicode(mut class)) => {
            class.intersect(&ClassUnicode::new([ClassUnicodeRange::new(' ', '~')]));
            if class.ranges().is_empty() {
                return None;
            }
            Hir::class(Class::Unicode(class))
        }
        HirKind::Class(Class::Bytes(mut class)) => {
            class.intersect(&hir::ClassBytes::new([hir::ClassBytesRange::new(
                b' ', b'~',
            )]));
            if class.ranges().is_empty() {
                return None;
            }
            Hir::class(Class::Bytes(class))
        }
        HirKind::Repetition(mut rep) => {
            rep.sub = Box::new(printable(*rep.sub)?);
            Hir::repetition(rep)
        }
        HirKind::Capture(capture) => printable(*capture.sub)?,
        HirKind::Concat(subs) => {
            Hir::concat(subs.into_iter().map(printable).collect::<Option<_>>()?)
        }
        HirKind::Alternation(subs) => {
            let subs: Vec<Hir> = subs.into_iter().filter_map(printable).collect();
            if subs.is_empty() {
                return None;
            }
            Hir::alternation(subs)
        }
    })
}

/// `text` padded with `x` or cut to `min..=max` characters.
fn fit_length(mut text: String, min: usize, max: usize) -> String {
    while text.chars().count() < min {
        text.push('x');
    }
    if text.chars().count() > max {
        text = text.chars().take(max).collect();
    }
    text
}

/// The inclusive range a number may take, `default` where the schema gives no bound.
fn bounds(schema: &Map<String, Value>, default_low: f64, default_high: f64) -> (f64, f64) {
    let num = |key: &str| schema.get(key).and_then(Value::as_f64);
    let flag = |key: &str| schema.get(key) == Some(&Value::Bool(true));
    // 3.0 spells exclusive bounds as flags; lowering turned 3.1's numbers into those.
    let mut low = num("minimum");
    let mut high = num("maximum");
    if flag("exclusiveMinimum") {
        low = low.map(|l| if l.fract() == 0.0 { l + 1.0 } else { l.ceil() });
    }
    if flag("exclusiveMaximum") {
        high = high.map(|h| if h.fract() == 0.0 { h - 1.0 } else { h.floor() });
    }
    match (low, high) {
        (Some(l), Some(h)) => (l, h.max(l)),
        (Some(l), None) => (l, l + (default_high - default_low)),
        (None, Some(h)) => (
            (h - (default_high - default_low)).min(default_low.min(h)),
            h,
        ),
        (None, None) => (default_low, default_high),
    }
}

fn uint(value: Option<&Value>) -> Option<u64> {
    value.and_then(|v| v.as_u64().or_else(|| v.as_f64().map(|f| f as u64)))
}

fn is_read_only(schema: &Value) -> bool {
    schema.get("readOnly") == Some(&Value::Bool(true))
}

/// The value at a `#/...` pointer of `doc`.
fn lookup<'v>(doc: &'v Value, pointer: &str) -> Option<&'v Value> {
    doc.pointer(pointer.strip_prefix('#')?)
}

impl<'a> Synth<'a> {
    /// `schema` behind its `$ref`s (a chain of at most 32).
    fn deref<'s>(&self, schema: &'s Value) -> &'s Value
    where
        'a: 's,
    {
        deref(self.doc, schema)
    }
}

fn deref<'s>(doc: &'s Value, mut schema: &'s Value) -> &'s Value {
    for _ in 0..32 {
        match schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| lookup(doc, r))
        {
            Some(target) => schema = target,
            None => break,
        }
    }
    schema
}

/// Whether `value` satisfies `schema` as far as the synthesis reads schemas (the keywords
/// listed in the module docs, `nullable`, `additionalProperties: false`).
pub fn satisfies(doc: &Value, schema: &Value, value: &Value) -> bool {
    satisfies_at(doc, schema, value, 0)
}

fn satisfies_at(doc: &Value, schema: &Value, value: &Value, depth: u32) -> bool {
    if depth > MAX_DEPTH {
        return true;
    }
    let schema = deref(doc, schema);
    let Some(s) = schema.as_object() else {
        return schema != &Value::Bool(false);
    };
    let sub = |schema: &Value, value: &Value| satisfies_at(doc, schema, value, depth + 1);
    if value.is_null() && s.get("nullable") == Some(&Value::Bool(true)) {
        return true;
    }
    if let Some(values) = s.get("enum").and_then(Value::as_array)
        && !values.contains(value)
    {
        return false;
    }
    if let Some(all) = s.get("allOf").and_then(Value::as_array)
        && !all.iter().all(|b| sub(b, value))
    {
        return false;
    }
    if let Some(one) = s.get("oneOf").and_then(Value::as_array)
        && one.iter().filter(|b| sub(b, value)).count() != 1
    {
        return false;
    }
    if let Some(any) = s.get("anyOf").and_then(Value::as_array)
        && !any.iter().any(|b| sub(b, value))
    {
        return false;
    }
    let type_ok = match s.get("type").and_then(Value::as_str) {
        None => true,
        Some("object") => value.is_object(),
        Some("array") => value.is_array(),
        Some("string") => value.is_string(),
        Some("integer") => value.as_f64().is_some_and(|f| f.fract() == 0.0),
        Some("number") => value.is_number(),
        Some("boolean") => value.is_boolean(),
        Some("null") => value.is_null(),
        Some(_) => false,
    };
    if !type_ok {
        return false;
    }
    match value {
        Value::String(text) => {
            let len = text.chars().count() as u64;
            if uint(s.get("minLength")).is_some_and(|m| len < m)
                || uint(s.get("maxLength")).is_some_and(|m| len > m)
            {
                return false;
            }
            if let Some(pattern) = s.get("pattern").and_then(Value::as_str)
                && regex::Regex::new(pattern).is_ok_and(|re| !re.is_match(text))
            {
                return false;
            }
            format_ok(s.get("format").and_then(Value::as_str), text)
        }
        Value::Number(number) => {
            let Some(n) = number.as_f64() else {
                return true;
            };
            let num = |key: &str| s.get(key).and_then(Value::as_f64);
            let flag = |key: &str| s.get(key) == Some(&Value::Bool(true));
            let below =
                num("minimum").is_some_and(|m| n < m || (flag("exclusiveMinimum") && n == m));
            let above =
                num("maximum").is_some_and(|m| n > m || (flag("exclusiveMaximum") && n == m));
            let multiple = num("multipleOf")
                .filter(|m| *m > 0.0)
                .is_none_or(|m| ((n / m) - (n / m).round()).abs() < 1e-9);
            !below && !above && multiple
        }
        Value::Array(items) => {
            let len = items.len() as u64;
            if uint(s.get("minItems")).is_some_and(|m| len < m)
                || uint(s.get("maxItems")).is_some_and(|m| len > m)
            {
                return false;
            }
            match s.get("items") {
                Some(item) => items.iter().all(|v| sub(item, v)),
                None => true,
            }
        }
        Value::Object(fields) => {
            let required = s.get("required").and_then(Value::as_array);
            if required.is_some_and(|r| {
                r.iter()
                    .filter_map(Value::as_str)
                    .any(|name| !fields.contains_key(name))
            }) {
                return false;
            }
            let properties = s.get("properties").and_then(Value::as_object);
            for (name, field) in fields {
                match (
                    properties.and_then(|p| p.get(name)),
                    s.get("additionalProperties"),
                ) {
                    (Some(property), _) => {
                        if !sub(property, field) {
                            return false;
                        }
                    }
                    (None, Some(Value::Bool(false))) => return false,
                    (None, Some(additional)) if additional.is_object() => {
                        if !sub(additional, field) {
                            return false;
                        }
                    }
                    (None, _) => {}
                }
            }
            true
        }
        Value::Bool(_) | Value::Null => true,
    }
}

/// The formats the synthesis writes, checked by shape.
fn format_ok(format: Option<&str>, text: &str) -> bool {
    let shape = |pattern: &str| regex::Regex::new(pattern).is_ok_and(|re| re.is_match(text));
    match format {
        Some("date-time") => {
            shape(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
        }
        Some("date") => shape(r"^\d{4}-\d{2}-\d{2}$"),
        Some("uuid") => {
            shape(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
        }
        Some("email") => shape(r"^[^@\s]+@[^@\s]+$"),
        Some("uri" | "url") => shape(r"^[A-Za-z][A-Za-z0-9+.-]*:\S*$"),
        Some("ipv4") => shape(r"^\d{1,3}(\.\d{1,3}){3}$"),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(schema: Value, full: bool) -> Value {
        let doc = json!({});
        let value = Synth::new(&doc, 7, full).value(&schema);
        assert!(
            satisfies(&doc, &schema, &value),
            "{value} does not satisfy {schema}"
        );
        value
    }

    /// Several seeds: each value satisfies the schema.
    fn many(schema: Value) -> Vec<Value> {
        let doc = json!({});
        (0..20)
            .map(|seed| {
                let value = Synth::new(&doc, seed, seed % 2 == 1).value(&schema);
                assert!(
                    satisfies(&doc, &schema, &value),
                    "seed {seed}: {value} does not satisfy {schema}"
                );
                value
            })
            .collect()
    }

    #[test]
    fn enum_and_const() {
        for value in many(json!({"type": "string", "enum": ["a", "b", null], "nullable": true})) {
            assert!(value == "a" || value == "b", "{value}");
        }
        // 3.1's `const`, as lowering writes it.
        assert_eq!(one(json!({"enum": [3]}), false), json!(3));
    }

    #[test]
    fn formats() {
        let shapes = [
            ("date-time", r"^2024-02-\d\dT10:\d\d:30Z$"),
            ("date", r"^2024-02-\d\d$"),
            (
                "uuid",
                r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$",
            ),
            ("email", r"^user\d+@example\.com$"),
            ("uri", r"^https://example\.com/item/\d+$"),
            ("ipv4", r"^192\.0\.2\.\d+$"),
            ("byte", r"^[A-Za-z0-9+/=]+$"),
        ];
        for (format, shape) in shapes {
            for value in many(json!({"type": "string", "format": format})) {
                let text = value.as_str().unwrap();
                assert!(
                    regex::Regex::new(shape).unwrap().is_match(text),
                    "{format}: {text}"
                );
            }
        }
    }

    #[test]
    fn patterns_give_printable_matches_within_lengths() {
        let schema = json!({"type": "string", "pattern": r"^[a-z][a-z0-9-]{2,15}$"});
        let pattern = regex::Regex::new(r"^[a-z][a-z0-9-]{2,15}$").unwrap();
        for value in many(schema) {
            assert!(pattern.is_match(value.as_str().unwrap()), "{value}");
        }
        // `\d` and `.` stay ASCII (a Unicode digit would fail a JavaScript validator).
        for value in many(json!({"type": "string", "pattern": r"^\d{3}\.\w+.$", "maxLength": 9})) {
            let text = value.as_str().unwrap();
            assert!(text.is_ascii() && text.len() <= 9, "{text}");
        }
    }

    #[test]
    fn bounds_and_multiples() {
        for value in many(json!({"type": "integer", "minimum": 10, "maximum": 12})) {
            assert!((10..=12).contains(&value.as_i64().unwrap()), "{value}");
        }
        for value in many(
            json!({"type": "integer", "minimum": 5, "exclusiveMinimum": true,
            "maximum": 7, "exclusiveMaximum": true}),
        ) {
            assert_eq!(value, json!(6));
        }
        for value in many(json!({"type": "integer", "multipleOf": 25, "minimum": 1})) {
            assert_eq!(value.as_i64().unwrap() % 25, 0, "{value}");
        }
        for value in many(json!({"type": "number", "maximum": -1000})) {
            assert!(value.as_f64().unwrap() <= -1000.0, "{value}");
        }
        assert_eq!(
            one(
                json!({"type": "number", "multipleOf": 0.25, "minimum": 0.3}),
                false
            ),
            json!(0.5)
        );
    }

    #[test]
    fn lengths() {
        for value in many(json!({"type": "string", "minLength": 40})) {
            assert!(value.as_str().unwrap().len() >= 40);
        }
        for value in many(json!({"type": "string", "maxLength": 3})) {
            assert!(value.as_str().unwrap().len() <= 3);
        }
        for value in many(json!({"type": "array", "items": {"type": "integer"}, "minItems": 3})) {
            assert!(value.as_array().unwrap().len() >= 3);
        }
        let unique = json!({"type": "array", "uniqueItems": true, "minItems": 2,
            "items": {"type": "string", "enum": ["x", "y"]}});
        for value in many(unique) {
            let items = value.as_array().unwrap();
            assert_eq!(items.len(), 2);
            assert_ne!(items[0], items[1]);
        }
    }

    #[test]
    fn optional_properties_on_full_rounds_only() {
        let schema = json!({"type": "object", "required": ["id"], "properties": {
            "id": {"type": "integer"}, "note": {"type": "string"},
            "server": {"type": "string", "readOnly": true}}});
        let sparse = one(schema.clone(), false);
        assert_eq!(
            sparse.as_object().unwrap().keys().collect::<Vec<_>>(),
            ["id"]
        );
        let full = one(schema, true);
        assert_eq!(
            full.as_object().unwrap().keys().collect::<Vec<_>>(),
            ["id", "note"]
        );
    }

    #[test]
    fn examples_when_they_satisfy_the_schema() {
        let good = json!({"type": "string", "maxLength": 5, "example": "hello"});
        assert_eq!(one(good.clone(), false), json!("hello"));
        // Full rounds synthesize instead, for a second value.
        assert_ne!(one(good, true), json!("hello"));
        // An example that breaks its own schema is not sent.
        let bad = json!({"type": "string", "maxLength": 3, "example": "hello"});
        assert_ne!(one(bad, false), json!("hello"));
    }

    #[test]
    fn references_all_of_and_one_of() {
        let doc = json!({"components": {"schemas": {
            "Base": {"type": "object", "required": ["kind"],
                     "properties": {"kind": {"type": "string", "enum": ["base"]}}},
            "Extra": {"type": "object", "required": ["size"],
                      "properties": {"size": {"type": "integer", "minimum": 1}}},
        }}});
        let all_of = json!({"allOf": [{"$ref": "#/components/schemas/Base"},
                                      {"$ref": "#/components/schemas/Extra"}]});
        let value = Synth::new(&doc, 1, false).value(&all_of);
        assert_eq!(value["kind"], "base");
        assert!(value["size"].as_i64().unwrap() >= 1);
        assert!(satisfies(&doc, &all_of, &value));
        let one_of = json!({"oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/Extra"}]});
        let value = Synth::new(&doc, 1, false).value(&one_of);
        assert!(value["size"].is_number(), "{value}");
        assert!(satisfies(&doc, &one_of, &value));
    }

    #[test]
    fn deterministic_for_a_seed() {
        let doc = json!({});
        let schema = json!({"type": "object", "properties": {
            "a": {"type": "string", "pattern": "[A-Z]{4}[0-9]{2}"},
            "b": {"type": "string", "format": "uuid"}, "c": {"type": "integer"}}});
        let a = Synth::new(&doc, 42, true).value(&schema);
        let b = Synth::new(&doc, 42, true).value(&schema);
        assert_eq!(a, b);
        assert_ne!(a, Synth::new(&doc, 43, true).value(&schema));
    }
}
