//! `enum`s: strings, or integers whose values have names or docs, with a fallback variant for
//! unknown values; other enums are their plain type.

use std::collections::BTreeSet;

use super::{EnumValue, EnumVariant, Evidence, Kind, Ty, TypeDef, TypeSpace, Typed};
use crate::diagnostics::Error;
use crate::model::names::{self, Scope};
use crate::model::schema::RawSchema;

impl TypeSpace<'_> {
    pub(super) fn build_enum(
        &mut self,
        s: &RawSchema,
        values: &[serde_json::Value],
        pointer: &str,
        hint: &str,
        namesakes: Evidence,
    ) -> Result<Typed, Error> {
        let doc = s.doc().map(str::to_string);
        let nullable = s.nullable || values.iter().any(serde_json::Value::is_null);
        let strings: Vec<&str> = values
            .iter()
            .filter_map(serde_json::Value::as_str)
            .collect();
        let others = values
            .iter()
            .filter(|v| !v.is_null() && !v.is_string())
            .count();
        let text = |list: &[Option<String>], index: usize| {
            list.get(index)
                .cloned()
                .flatten()
                .map(|d| d.trim().to_string())
                .filter(|d| !d.is_empty())
        };
        // Integers whose values have names or docs (`x-enum-varnames`, `x-enum-descriptions`,
        // or 3.1's documented `const` alternatives) are an enum; other enums of numbers or
        // booleans are their plain type, which keeps every value decodable.
        let integers = others > 0
            && strings.is_empty()
            && values.iter().all(|v| v.is_null() || v.is_i64())
            && (0..values.len())
                .any(|i| text(&s.enum_names, i).is_some() || text(&s.enum_docs, i).is_some());
        if !integers && (others > 0 || (strings.is_empty() && s.ty.as_deref() != Some("string"))) {
            let mut typed = if s.ty.as_deref() == Some("number") {
                // The values are witnesses of whether the number is integral.
                Typed {
                    ty: self.number_type(s, namesakes),
                    nullable: s.nullable,
                    doc,
                }
            } else {
                let plain = RawSchema {
                    enumeration: None,
                    ..s.clone()
                };
                self.build(&plain, pointer, hint)?
            };
            typed.nullable |= nullable;
            return Ok(typed);
        }
        if !integers && strings.is_empty() {
            return Ok(Typed {
                ty: Ty::String,
                nullable,
                doc,
            });
        }
        let candidates = self.candidates_of(pointer, hint);
        let (same, lookup) = self.same_shape(pointer, candidates.as_deref());
        if let Some(id) = same {
            self.same_shape_place(id, pointer, candidates, doc.as_deref());
            return Ok(Typed {
                ty: Ty::Named(id),
                nullable,
                doc: None,
            });
        }
        let (id, name) = self.allocate_as(pointer, candidates);
        self.record_shape(pointer, lookup, id);
        let mut scope = Scope::default();
        let mut variants = Vec::new();
        let mut seen = BTreeSet::new();
        for (index, value) in values.iter().enumerate() {
            let (value, spelled) = match value {
                serde_json::Value::String(text) => (EnumValue::String(text.clone()), text.clone()),
                serde_json::Value::Number(n) => match n.as_i64() {
                    Some(n) => (EnumValue::Integer(n), n.to_string()),
                    None => continue,
                },
                _ => continue,
            };
            if seen.insert(spelled.clone()) {
                let named = text(&s.enum_names, index).unwrap_or(spelled);
                variants.push(EnumVariant {
                    name: scope.claim(names::variant_name(&named)),
                    value,
                    doc: text(&s.enum_docs, index),
                });
            }
        }
        let fallback = scope.claim("UnknownValue".to_string());
        self.defs[id] = Some(TypeDef {
            name,
            doc,
            kind: Kind::Enum { variants, fallback },
        });
        Ok(Typed {
            ty: Ty::Named(self.settle(id, pointer)),
            nullable,
            doc: None,
        })
    }
}
