//! Which `type: number` schemas hold integers.
//!
//! Many specs (Cloudflare's among them) say `type: number` for counts and page numbers
//! (`page_no`, `per_page`, `total_count`); typed `f64`, they make users write `Some(100.0)`. A
//! `type: number` schema without `format: float` or `format: double` is **integral** when the
//! spec gives at least one integral witness for it and no fractional one ([`Evidence`]):
//!
//! - its own values: `example` (3.1's `examples`), each `enum` value (3.1's `const`) and
//!   `multipleOf`. An integer literal (`3`) within `i64` is an integral witness; any other
//!   number is a fractional one, `2.5` but also `1.0` or `1e3`, which say the author thinks of
//!   the value as a float (pydantic writes a float field's default `1.0`);
//! - its bounds (`minimum`, `maximum`) and its `default`: only as fractional witnesses
//!   (`minimum: 0.5`, `default: 1.0`, or pydantic's `exclusiveMinimum: 0.0`). A whole bound is
//!   no witness: ratios (`0`..`1`), percentages, latitudes (`-90`..`90`) and weights
//!   (`exclusiveMinimum: 0`) have whole bounds and fractional values. Nor is a whole `default`:
//!   it is one value the schema admits, not a limit on the others (`spacing_base: {type:
//!   number, default: 4}` may be `4.5`). Conformance against Prism showed it: with `default`
//!   as a witness, the client refused fractions that a schema-following server sends;
//! - `format: int32` or `int64` on a number: integral;
//! - the spec's own vocabulary ([`Vocabulary`]): the other declarations of the same name
//!   anywhere in the document, parameters of the same location and name for a parameter,
//!   properties of the same name for a property. One declared `type: integer` (or a number
//!   integral by its own witnesses) is an integral witness; one declared `format: float`,
//!   `format: double` or with a fractional witness of its own is a fractional one.
//!
//! An integral number is [`Ty::IntegralNumber`](super::types::Ty::IntegralNumber): an `i64` for
//! the user wherever the schema is used, which the runtime still decodes from `100.0`.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::lower::{SchemaPass, walk_document};

/// What the spec says about whether a number holds integers: an integral and a fractional
/// witness seen, or not.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Evidence {
    pub integral: bool,
    pub fractional: bool,
}

impl Evidence {
    /// At least one integral witness and no fractional one.
    pub fn is_integral(self) -> bool {
        self.integral && !self.fractional
    }

    fn is_empty(self) -> bool {
        !self.integral && !self.fractional
    }
}

impl std::ops::BitOr for Evidence {
    type Output = Evidence;

    fn bitor(self, other: Evidence) -> Evidence {
        Evidence {
            integral: self.integral || other.integral,
            fractional: self.fractional || other.fractional,
        }
    }
}

const INTEGRAL: Evidence = Evidence {
    integral: true,
    fractional: false,
};
const FRACTIONAL: Evidence = Evidence {
    integral: false,
    fractional: true,
};

/// What a schema's own keywords say: `type: integer` is integral; for `type: number`, its
/// `format`, `bounds` (`minimum`, `maximum`, `default`) and `values` (`multipleOf`, `example`,
/// the `enum` values) as the [module docs](self) say. Any other type says nothing.
pub fn evidence<'v>(
    ty: Option<&str>,
    format: Option<&str>,
    bounds: impl IntoIterator<Item = &'v Value>,
    values: impl IntoIterator<Item = &'v Value>,
) -> Evidence {
    match ty {
        Some("integer") => return INTEGRAL,
        Some("number") => {}
        _ => return Evidence::default(),
    }
    match format {
        Some("float" | "double") => return FRACTIONAL,
        Some("int32" | "int64") => return INTEGRAL,
        _ => {}
    }
    let mut evidence = Evidence::default();
    for bound in bounds {
        if let Value::Number(n) = bound {
            if n.as_i64().is_none() {
                evidence.fractional = true;
            }
        }
    }
    for value in values {
        if let Value::Number(n) = value {
            if n.as_i64().is_some() {
                evidence.integral = true;
            } else {
                evidence.fractional = true;
            }
        }
    }
    evidence
}

/// [`evidence`] for a schema as the model reads it.
pub fn schema_evidence(s: &super::schema::RawSchema) -> Evidence {
    evidence(
        s.ty.as_deref(),
        s.format.as_deref(),
        s.minimum.iter().chain(&s.maximum).chain(&s.default),
        s.multiple_of
            .iter()
            .chain(&s.example)
            .chain(s.enumeration.iter().flatten()),
    )
}

/// [`evidence`] for a schema as the document holds it.
fn node_evidence(node: &Map<String, Value>) -> Evidence {
    evidence(
        node.get("type").and_then(Value::as_str),
        node.get("format").and_then(Value::as_str),
        ["minimum", "maximum", "default"]
            .into_iter()
            .filter_map(|k| node.get(k)),
        ["multipleOf", "example"]
            .into_iter()
            .filter_map(|k| node.get(k))
            .chain(
                node.get("enum")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten(),
            ),
    )
}

/// The names a document declares, with what its declarations say about their numbers: read once
/// per document (one walk over its schemas, which keeps only the names of parameters and
/// properties that are numbers, integers or references), then looked up by the model for each
/// `type: number` parameter and property.
#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    /// Parameters by location (`query`, `path`, `header`, `cookie`), then by name.
    params: BTreeMap<String, BTreeMap<String, Evidence>>,
    /// Properties by name, whatever object declares them.
    properties: BTreeMap<String, Evidence>,
}

impl Vocabulary {
    /// What the parameters `location` (`query`, ...) `name` of the document say.
    pub fn param(&self, location: &str, name: &str) -> Evidence {
        self.params
            .get(location)
            .and_then(|names| names.get(name))
            .copied()
            .unwrap_or_default()
    }

    /// What the properties called `name` of the document say.
    pub fn property(&self, name: &str) -> Evidence {
        self.properties.get(name).copied().unwrap_or_default()
    }

    /// Reads the vocabulary of a (lowered) document. Takes it mutably only because the schema
    /// walk does; it changes nothing.
    pub fn read(raw: &mut Value) -> Vocabulary {
        let mut reader = Reader::default();
        walk_document(raw, &mut reader);
        let raw: &Value = raw;
        let mut vocabulary = Vocabulary::default();
        let add = |map: &mut BTreeMap<String, Evidence>, key: String, declared: Declared| {
            let evidence = match declared {
                Declared::Inline(evidence) => evidence,
                Declared::Reference(target) => referenced_evidence(raw, &target),
            };
            if !evidence.is_empty() {
                let entry = map.entry(key).or_default();
                *entry = *entry | evidence;
            }
        };
        for (name, declared) in reader.properties {
            add(&mut vocabulary.properties, name, declared);
        }
        for (schema_at, declared) in reader.schemas {
            // A parameter's `schema`: the parameter holds its location and name.
            let parameter = schema_at
                .strip_suffix("/schema")
                .and_then(|at| raw.pointer(at.strip_prefix('#')?));
            let Some(parameter) = parameter else { continue };
            let location = parameter.get("in").and_then(Value::as_str);
            let name = parameter.get("name").and_then(Value::as_str);
            if let (Some(location), Some(name)) = (location, name) {
                let names = vocabulary.params.entry(location.to_string()).or_default();
                add(names, name.to_string(), declared);
            }
        }
        vocabulary
    }
}

/// A declaration: what its schema says, or the `$ref` to read once the walk is over.
enum Declared {
    Inline(Evidence),
    Reference(String),
}

impl Declared {
    /// `None` for a schema that says nothing: most are strings and objects.
    fn of(node: &Map<String, Value>) -> Option<Declared> {
        let reference = node.get("$ref").or_else(|| {
            // A `$ref` with siblings, as lowering wraps it (`allOf: [$ref]`).
            match node.get("allOf")?.as_array()?.as_slice() {
                [only] if node.get("type").is_none() => only.get("$ref"),
                _ => None,
            }
        });
        if let Some(reference) = reference {
            return reference
                .as_str()
                .map(|r| Declared::Reference(r.to_string()));
        }
        let evidence = node_evidence(node);
        (!evidence.is_empty()).then_some(Declared::Inline(evidence))
    }
}

/// What the schema a `$ref` points to says, through chains of references (a bounded number of
/// them: a cycle says nothing).
fn referenced_evidence(raw: &Value, reference: &str) -> Evidence {
    let mut reference = reference.to_string();
    for _ in 0..16 {
        let Some(Value::Object(node)) = reference.strip_prefix('#').and_then(|at| raw.pointer(at))
        else {
            return Evidence::default();
        };
        match Declared::of(node) {
            Some(Declared::Reference(next)) => reference = next,
            Some(Declared::Inline(evidence)) => return evidence,
            None => return Evidence::default(),
        }
    }
    Evidence::default()
}

/// The walk of [`Vocabulary::read`]: every property declaration, and every schema at a place
/// ending in `/schema` (a parameter's, or a media type's, told apart once the walk is over).
#[derive(Default)]
struct Reader {
    properties: Vec<(String, Declared)>,
    schemas: Vec<(String, Declared)>,
}

impl SchemaPass for Reader {
    const REWRITES: bool = false;

    fn schema(&mut self, node: &mut Map<String, Value>, at: &str) {
        if at.ends_with("/schema") {
            if let Some(declared) = Declared::of(node) {
                self.schemas.push((at.to_string(), declared));
            }
        }
        if let Some(Value::Object(properties)) = node.get("properties") {
            for (name, property) in properties {
                if let Some(declared) = property.as_object().and_then(Declared::of) {
                    self.properties.push((name.clone(), declared));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn own(schema: Value) -> Evidence {
        node_evidence(schema.as_object().unwrap())
    }

    #[test]
    fn witnesses_of_a_number() {
        let integral = |schema: Value| own(schema).is_integral();
        // Integral witnesses.
        assert!(integral(json!({"type": "number", "example": 3})));
        assert!(integral(json!({"type": "number", "example": 100})));
        // A whole default is one admitted value, not a limit on the others.
        assert!(!integral(json!({"type": "number", "default": 100})));
        assert!(integral(json!({"type": "number", "enum": [1, 2, 3]})));
        assert!(integral(json!({"type": "number", "multipleOf": 1})));
        assert!(integral(json!({"type": "number", "format": "int64"})));
        assert!(integral(
            json!({"type": "number", "minimum": 1, "maximum": 1000, "example": 20})
        ));
        // No witness at all.
        assert_eq!(own(json!({"type": "number"})), Evidence::default());
        // Whole bounds are no witness: ratios, latitudes and weights have them too.
        assert_eq!(
            own(json!({"type": "number", "minimum": 1})),
            Evidence::default()
        );
        assert!(!integral(
            json!({"type": "number", "minimum": -90, "maximum": 90})
        ));
        // Fractional witnesses, which win over integral ones.
        assert!(!integral(json!({"type": "number", "example": 2.5})));
        assert!(!integral(json!({"type": "number", "multipleOf": 0.5})));
        assert!(!integral(
            json!({"type": "number", "example": 3, "maximum": 99.5})
        ));
        assert!(!integral(json!({"type": "number", "enum": [1, 1.5]})));
        assert!(!integral(json!({"type": "number", "default": 1.0})));
        assert!(!integral(
            json!({"type": "number", "exclusiveMinimum": true, "minimum": 0.0})
        ));
        assert!(!integral(
            json!({"type": "number", "format": "double", "example": 3})
        ));
        assert!(!integral(
            json!({"type": "number", "format": "float", "default": 1})
        ));
        // Beyond `i64`.
        assert!(!integral(json!({"type": "number", "example": u64::MAX})));
        // Values that are no numbers say nothing.
        assert_eq!(
            own(json!({"type": "number", "example": "3", "default": null})),
            Evidence::default()
        );
        // Other types.
        assert!(integral(json!({"type": "integer"})));
        assert_eq!(
            own(json!({"type": "string", "example": 3})),
            Evidence::default()
        );
    }

    #[test]
    fn evidence_combines() {
        assert!((INTEGRAL | Evidence::default()).is_integral());
        assert!(!(INTEGRAL | FRACTIONAL).is_integral());
        assert!(!Evidence::default().is_integral());
    }

    #[test]
    fn vocabulary_of_a_document() {
        let mut doc = json!({
            "openapi": "3.0.3",
            "paths": {
                "/a": {
                    "parameters": [
                        {"name": "page", "in": "query", "schema": {"type": "integer"}}
                    ],
                    "get": {
                        "parameters": [
                            {"$ref": "#/components/parameters/PerPage"},
                            {"name": "per_page", "in": "header", "schema": {"type": "number", "example": 0.5}},
                            {"name": "limit", "in": "query", "schema": {"$ref": "#/components/schemas/Limit"}}
                        ],
                        "responses": {
                            "200": {
                                "description": "ok",
                                "content": {"application/json": {"schema": {
                                    "type": "object",
                                    "properties": {
                                        "total_count": {"type": "integer"},
                                        "ratio": {"type": "number", "multipleOf": 0.01},
                                        "items": {"type": "array", "items": {
                                            "type": "object",
                                            "properties": {"size": {"$ref": "#/components/schemas/Size"}}
                                        }}
                                    }
                                }}}
                            }
                        }
                    }
                }
            },
            "components": {
                "parameters": {
                    "PerPage": {"name": "per_page", "in": "query", "schema": {"type": "integer"}}
                },
                "schemas": {
                    "Limit": {"$ref": "#/components/schemas/Count"},
                    "Count": {"type": "number", "example": 20},
                    "Size": {"type": "number", "format": "double"},
                    "Other": {
                        "properties": {
                            "total_count": {"type": "number"},
                            "ratio": {"type": "integer"},
                            "name": {"type": "string"}
                        }
                    }
                }
            }
        });
        let vocabulary = Vocabulary::read(&mut doc);
        assert!(vocabulary.param("query", "page").is_integral());
        assert!(vocabulary.param("query", "per_page").is_integral());
        assert!(vocabulary.param("query", "limit").is_integral());
        // Another location is another parameter.
        assert!(!vocabulary.param("header", "per_page").is_integral());
        assert!(vocabulary.param("header", "per_page").fractional);
        assert_eq!(vocabulary.param("path", "page"), Evidence::default());
        // Properties: a number without witness adds nothing to an integer namesake; a
        // fractional namesake anywhere outweighs an integer one.
        assert!(vocabulary.property("total_count").is_integral());
        assert!(!vocabulary.property("ratio").is_integral());
        assert!(vocabulary.property("size").fractional);
        assert_eq!(vocabulary.property("name"), Evidence::default());
        assert_eq!(vocabulary.property("missing"), Evidence::default());
    }
}
