//! `oneOf`/`anyOf`: unions, their variants' names and order, and the property that tags them.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use indexmap::IndexMap;

use super::merge::MergeWalk;
use super::{
    EnumVariant, Evidence, Fallback, Kind, Tag, Ty, TypeDef, TypeSpace, Typed, UnionVariant,
};
use crate::diagnostics::Error;
use crate::model::names::{self, Scope};
use crate::model::schema::RawSchema;
use crate::resolve::join;

impl TypeSpace<'_> {
    pub(super) fn build_union(
        &mut self,
        s: &RawSchema,
        alternatives: &[RawSchema],
        kind: &str,
        pointer: &str,
        hint: &str,
        namesakes: Evidence,
    ) -> Result<Typed, Error> {
        let doc = s.doc().map(str::to_string);
        let mut nullable = s.nullable;
        let mut branches = Vec::new();
        for (i, branch) in alternatives.iter().enumerate() {
            let at = join(pointer, &[kind, &i.to_string()]);
            let resolved = self.resolved(branch, &at)?;
            if is_null_schema(&resolved) {
                nullable = true;
                continue;
            }
            branches.push((branch, at));
        }
        match branches.len() {
            0 => {
                return Ok(Typed {
                    ty: Ty::Json,
                    nullable: true,
                    doc,
                });
            }
            1 => {
                let (branch, at) = &branches[0];
                // `anyOf: [X, null]` is the property's (or parameter's) own schema `X`.
                self.namesakes = namesakes;
                let mut typed = self.typed(branch, at, hint)?;
                typed.nullable |= nullable;
                typed.doc = doc.or(typed.doc);
                return Ok(typed);
            }
            _ => {}
        }
        let (id, name) = self.allocate(pointer, hint);
        let mut scope = Scope::default();
        let mut variants = Vec::new();
        for (i, (branch, at)) in branches.iter().enumerate() {
            // A branch's own type is named after the union and the branch's title, or its
            // ordinal word (`ValueFirst`): never a bare number.
            let word = self
                .resolved(branch, at)
                .ok()
                .and_then(|b| b.title.clone())
                .map(|t| names::type_name(&t))
                .filter(|t| !t.is_empty())
                .unwrap_or_else(|| names::ordinal(i + 1));
            let variant_hint = names::trail(hint, &format!("#Variant{word}"));
            let typed = self.typed(branch, at, &variant_hint)?;
            nullable |= typed.nullable;
            let variant = self.variant_name(&typed.ty, &name);
            variants.push(UnionVariant {
                name: scope.claim(variant),
                // An untagged variant is tried by serde's derive, which cannot ask for the
                // runtime's lenient decoding of integral numbers: they stay `f64` here.
                ty: typed.ty.integral_as_f64(),
                boxed: false,
            });
        }
        // OpenAPI 3.2's `defaultMapping`: the branch it names (by reference or schema name)
        // holds values whose tag is absent or unknown.
        let default = s
            .discriminator
            .as_ref()
            .and_then(|d| d.default_mapping.as_deref())
            .and_then(|target| {
                let short = target.rsplit('/').next().unwrap_or(target);
                branches.iter().position(|(b, _)| {
                    b.reference
                        .as_deref()
                        .is_some_and(|r| r == target || r.rsplit('/').next() == Some(short))
                })
            })
            .map(|i| variants[i].name.clone());
        let tag = self.union_tag(s, &branches)?.map(|(property, values)| Tag {
            property,
            values: values
                .into_iter()
                .zip(variants.iter().map(|v| v.name.clone()))
                .collect(),
            fallback: match default {
                Some(variant) => Fallback::Default(variant),
                None => Fallback::Unknown(scope.claim("UnknownValue".to_string())),
            },
        });
        if tag.is_none() {
            variants.sort_by_key(|v| self.decode_rank(&v.ty));
        }
        self.defs[id] = Some(TypeDef {
            name,
            doc,
            kind: Kind::Union { variants, tag },
        });
        Ok(Typed {
            ty: Ty::Named(self.settle(id, pointer)),
            nullable,
            doc: None,
        })
    }

    /// The property that tells the variants apart, and each branch's value of it: the
    /// `discriminator` (with its mapping, or the schema names), or else a property every branch
    /// declares with a single, distinct `enum` value.
    fn union_tag(
        &self,
        s: &RawSchema,
        branches: &[(&RawSchema, String)],
    ) -> Result<Option<(String, Vec<String>)>, Error> {
        let mut resolved = Vec::with_capacity(branches.len());
        for (branch, at) in branches {
            resolved.push(self.flat_properties(branch, at)?);
        }
        let constant =
            |props: &IndexMap<String, Arc<RawSchema>>, property: &str| -> Option<String> {
                match props.get(property)?.enumeration.as_deref() {
                    Some([serde_json::Value::String(value)]) => Some(value.clone()),
                    _ => None,
                }
            };
        let candidates: Vec<String> = match &s.discriminator {
            Some(d) => vec![d.property_name.clone()],
            None => resolved
                .first()
                .map(|p| p.keys().cloned().collect())
                .unwrap_or_default(),
        };
        // Mapping targets → the first value naming them, so that a branch's value is found
        // without a scan of the mapping per branch.
        let mut by_target: BTreeMap<&str, (usize, &String)> = BTreeMap::new();
        if let Some(d) = &s.discriminator {
            for (index, (value, target)) in d.mapping.iter().enumerate() {
                by_target.entry(target.as_str()).or_insert((index, value));
            }
        }
        for property in candidates {
            let mut values = Vec::with_capacity(branches.len());
            let mut seen = BTreeSet::new();
            for ((branch, _), props) in branches.iter().zip(&resolved) {
                let from_mapping = s.discriminator.as_ref().and_then(|_| {
                    let reference = branch.reference.as_deref()?;
                    let short = reference.rsplit('/').next()?;
                    // The first mapping entry whose target is the reference or its short name.
                    [by_target.get(reference), by_target.get(short)]
                        .into_iter()
                        .flatten()
                        .min()
                        .map(|(_, value)| (*value).clone())
                        .or_else(|| constant(props, &property))
                        .or_else(|| Some(short.to_string()))
                });
                match from_mapping.or_else(|| constant(props, &property)) {
                    Some(value) if seen.insert(value.clone()) => values.push(value),
                    _ => break,
                }
            }
            if values.len() == branches.len() {
                return Ok(Some((property, values)));
            }
        }
        Ok(None)
    }

    /// A branch's properties, through references and `allOf`.
    fn flat_properties(
        &self,
        schema: &RawSchema,
        at: &str,
    ) -> Result<IndexMap<String, Arc<RawSchema>>, Error> {
        let resolved = self.resolved(schema, at)?;
        let mut merged = RawSchema::default();
        let mut props = IndexMap::new();
        self.merge_into(
            &mut merged,
            &mut props,
            &resolved,
            at,
            &mut MergeWalk::default(),
        )?;
        let mut out = IndexMap::new();
        for (name, prop) in props {
            out.insert(name, self.resolved_shared(&prop.schema, &prop.pointer)?);
        }
        Ok(out)
    }

    /// A union variant's name from its type: the type's name, `String`, `Integer`, or for lists
    /// and maps the item's name (`StringList`, `IntegerListList`, `ChannelMap`).
    pub(super) fn variant_name(&self, ty: &Ty, union_name: &str) -> String {
        match ty {
            Ty::Named(id) => self
                .names
                .get(*id)
                .cloned()
                .unwrap_or_else(|| union_name.to_string()),
            Ty::Vec(item) => format!("{}List", self.variant_name(item, union_name)),
            Ty::Map(value) => format!("{}Map", self.variant_name(value, union_name)),
            Ty::Option(inner) => self.variant_name(inner, union_name),
            other => primitive_variant_name(other).to_string(),
        }
    }

    /// Untagged unions try variants in order: narrower types must come before the types that
    /// would also accept their values (an integer before a number, a struct with many required
    /// fields before one with few, any JSON value last).
    fn decode_rank(&self, ty: &Ty) -> (u8, usize) {
        match ty {
            Ty::Bool => (0, 0),
            Ty::I32 => (1, 0),
            Ty::I64 => (2, 0),
            Ty::F32 | Ty::F64 | Ty::IntegralNumber => (3, 0),
            Ty::Uuid | Ty::DateTime | Ty::Date => (4, 0),
            Ty::String => (5, 0),
            Ty::Tuple(_) => (6, 0),
            Ty::Vec(_) => (6, 1),
            Ty::Option(inner) => self.decode_rank(inner),
            Ty::Named(id) => match self.defs[*id].as_ref().map(|d| &d.kind) {
                Some(Kind::Enum { variants, .. }) if EnumVariant::integers(variants) => (2, 0),
                Some(Kind::Enum { .. }) => (4, 0),
                Some(Kind::Struct(s)) => {
                    let required = s.fields.iter().filter(|f| !f.optional).count();
                    (7, usize::MAX - required)
                }
                _ => (8, 0),
            },
            Ty::Map(_) | Ty::JsonObject => (9, 0),
            Ty::Json | Ty::Upload | Ty::Bytes | Ty::Path(_) => (10, 0),
        }
    }
}

fn is_null_schema(s: &RawSchema) -> bool {
    let only_nullable = s.nullable
        && s.ty.is_none()
        && s.reference.is_none()
        && s.properties.is_empty()
        && s.items.is_none()
        && s.prefix_items.is_empty()
        && s.enumeration.is_none()
        && s.one_of.is_empty()
        && s.any_of.is_empty()
        && s.all_of.is_empty()
        && s.additional_properties.is_none();
    only_nullable
        || s.ty.as_deref() == Some("null")
        || s.enumeration
            .as_ref()
            .is_some_and(|values| values.iter().all(serde_json::Value::is_null))
}

fn primitive_variant_name(ty: &Ty) -> &'static str {
    match ty {
        Ty::String | Ty::Uuid | Ty::DateTime | Ty::Date => "String",
        Ty::Bool => "Boolean",
        Ty::I32 | Ty::I64 => "Integer",
        Ty::F32 | Ty::F64 | Ty::IntegralNumber => "Number",
        Ty::Vec(_) => "Array",
        Ty::Tuple(_) => "Tuple",
        Ty::Option(inner) => primitive_variant_name(inner),
        Ty::Map(_) | Ty::JsonObject => "Object",
        Ty::Json | Ty::Named(_) | Ty::Upload | Ty::Bytes | Ty::Path(_) => "Value",
    }
}
