//! A schema as written in the spec, in one flat shape whatever its kind (openapiv3 splits
//! schemas into kinds, which makes merging `allOf` branches awkward). Read by pointer from the
//! raw document through the [`Resolver`](crate::resolve::Resolver).

use std::sync::Arc;

use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RawSchema {
    #[serde(rename = "$ref")]
    pub reference: Option<String>,
    #[serde(rename = "type")]
    pub ty: Option<String>,
    pub format: Option<String>,
    #[serde(default)]
    pub nullable: bool,
    pub title: Option<String>,
    pub description: Option<String>,
    /// Shared, so that the model takes a property's schema (with everything inside it) along
    /// without a copy of it.
    #[serde(default, deserialize_with = "shared")]
    pub properties: IndexMap<String, Arc<RawSchema>>,
    #[serde(default)]
    pub required: Vec<String>,
    pub additional_properties: Option<Additional>,
    pub items: Option<Box<RawSchema>>,
    /// The items of a tuple, in order (JSON Schema 2020-12, read from OpenAPI 3.1).
    #[serde(default)]
    pub prefix_items: Vec<RawSchema>,
    #[serde(rename = "enum")]
    pub enumeration: Option<Vec<Value>>,
    /// One doc per `enum` value (`null` for none): `x-enum-descriptions`, also what 3.1's
    /// `oneOf` of documented `const`s is lowered to.
    #[serde(rename = "x-enum-descriptions", default, deserialize_with = "texts")]
    pub enum_docs: Vec<Option<String>>,
    /// One Rust-facing name per `enum` value (`null` for none): `x-enum-varnames`, also what
    /// the titles of 3.1's `oneOf` of integer `const`s are lowered to.
    #[serde(rename = "x-enum-varnames", default, deserialize_with = "texts")]
    pub enum_names: Vec<Option<String>>,
    #[serde(default)]
    pub one_of: Vec<RawSchema>,
    #[serde(default)]
    pub any_of: Vec<RawSchema>,
    #[serde(default)]
    pub all_of: Vec<RawSchema>,
    pub not: Option<Box<RawSchema>>,
    pub discriminator: Option<Discriminator>,
    #[serde(default)]
    pub read_only: bool,
    #[serde(default)]
    pub write_only: bool,
    #[serde(default)]
    pub deprecated: bool,
    pub default: Option<Value>,
    /// `example` (3.1's `examples` are lowered to their first): with `default`, `enum`,
    /// `multipleOf` and the bounds, what says whether a `type: number` holds integers
    /// (see [`super::numbers`]). Kept as written: the model reads them, never rejects them.
    pub example: Option<Value>,
    pub minimum: Option<Value>,
    pub maximum: Option<Value>,
    pub multiple_of: Option<Value>,
    /// 3.0's boolean forms (lowering turns 3.1's numeric ones into these).
    pub exclusive_minimum: Option<Value>,
    pub exclusive_maximum: Option<Value>,
    /// The constraints a field's doc states when the spec gives it no words.
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub pattern: Option<String>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    /// What lowering could not express in this schema (see [`crate::lower::NOTE_KEY`]): a
    /// warning each, where the schema is used.
    #[serde(
        rename = "x-openapi-gen-unsupported",
        default,
        deserialize_with = "texts"
    )]
    pub unsupported: Vec<Option<String>>,
}

fn shared<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<IndexMap<String, Arc<RawSchema>>, D::Error> {
    let properties = IndexMap::<String, RawSchema>::deserialize(d)?;
    Ok(properties
        .into_iter()
        .map(|(name, schema)| (name, Arc::new(schema)))
        .collect())
}

/// An extension holding a list of texts: anything else in it (it is free-form in a 3.0 document)
/// reads as no text.
fn texts<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Option<String>>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Array(items) => items
            .into_iter()
            .map(|item| match item {
                Value::String(text) => Some(text),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    })
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Additional {
    Allowed(bool),
    Schema(Box<RawSchema>),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Discriminator {
    pub property_name: String,
    #[serde(default)]
    pub mapping: IndexMap<String, String>,
    /// OpenAPI 3.2: the schema of a value whose property is absent or maps to no branch.
    #[serde(default)]
    pub default_mapping: Option<String>,
}

impl RawSchema {
    /// The description, else the title.
    pub fn doc(&self) -> Option<&str> {
        self.description
            .as_deref()
            .or(self.title.as_deref())
            .map(str::trim)
            .filter(|d| !d.is_empty())
    }

    /// What the schema says of its values beyond its type, in words, for a field the spec does
    /// not describe: its enum values, its format, its bounds and lengths, its pattern; `None`
    /// when it says nothing more.
    pub fn facts(&self) -> Option<String> {
        let mut out: Vec<String> = Vec::new();
        let text = |v: &Value| match v {
            Value::String(s) => format!("`{s}`"),
            other => format!("`{other}`"),
        };
        // `null` is no value of the field's type (the field is an `Option`), however the
        // document spells its nullability (3.0's `nullable`, or 3.1's `null` in `enum`).
        let values: Vec<&Value> = self
            .enumeration
            .iter()
            .flatten()
            .filter(|v| !v.is_null())
            .collect();
        if !values.is_empty() {
            out.push(match values.len() {
                1 => format!("Always {}.", text(values[0])),
                2..=8 => {
                    let values: Vec<String> = values.iter().map(|v| text(v)).collect();
                    format!("One of {}.", values.join(", "))
                }
                n => format!("One of {n} values."),
            });
        }
        let format = match self.format.as_deref() {
            Some("uri" | "url") => Some("A URI."),
            Some("email") => Some("An email address."),
            Some("hostname") => Some("A host name."),
            Some("ipv4") => Some("An IPv4 address."),
            Some("ipv6") => Some("An IPv6 address."),
            Some("date-time") => Some("A date and time (RFC 3339)."),
            Some("date") => Some("A date (`YYYY-MM-DD`)."),
            Some("uuid") => Some("A UUID."),
            _ => None,
        };
        out.extend(format.map(str::to_string));
        let range = |min: Option<String>, max: Option<String>, unit: &str| match (min, max) {
            (Some(min), Some(max)) if min == max => Some(format!("Exactly {min}{unit}.")),
            (Some(min), Some(max)) => Some(format!("From {min} to {max}{unit}.")),
            (Some(min), None) => Some(format!("At least {min}{unit}.")),
            (None, Some(max)) => Some(format!("At most {max}{unit}.")),
            (None, None) => None,
        };
        let exclusive = |flag: &Option<Value>| matches!(flag, Some(Value::Bool(true)));
        let number = |v: &Option<Value>| v.as_ref().filter(|v| v.is_number()).map(Value::to_string);
        match (
            exclusive(&self.exclusive_minimum),
            exclusive(&self.exclusive_maximum),
        ) {
            (false, false) => out.extend(range(number(&self.minimum), number(&self.maximum), "")),
            (low, high) => {
                if let Some(min) = number(&self.minimum) {
                    let word = if low { "Greater than" } else { "At least" };
                    out.push(format!("{word} {min}."));
                }
                if let Some(max) = number(&self.maximum) {
                    let word = if high { "Less than" } else { "At most" };
                    out.push(format!("{word} {max}."));
                }
            }
        }
        let count = |v: Option<u64>| v.map(|n| n.to_string());
        out.extend(range(
            count(self.min_length),
            count(self.max_length),
            " characters",
        ));
        out.extend(range(
            count(self.min_items),
            count(self.max_items),
            " items",
        ));
        if let Some(pattern) = self.pattern.as_deref().filter(|p| !p.contains('`')) {
            out.push(format!("Matches `{pattern}`."));
        }
        (!out.is_empty()).then(|| out.join(" "))
    }

    /// True for `{}` or `type: object` with neither properties nor a value schema: any JSON
    /// object (or value) is accepted, so another schema for the same place is more specific.
    pub fn is_free_form(&self) -> bool {
        self.reference.is_none()
            && matches!(self.ty.as_deref(), None | Some("object"))
            && self.properties.is_empty()
            && !matches!(self.additional_properties, Some(Additional::Schema(_)))
            && self.items.is_none()
            && self.prefix_items.is_empty()
            && self.enumeration.is_none()
            && self.one_of.is_empty()
            && self.any_of.is_empty()
            && self.all_of.is_empty()
    }

    /// True when the schema describes an object with named properties.
    pub fn has_properties(&self) -> bool {
        !self.properties.is_empty()
    }
}
