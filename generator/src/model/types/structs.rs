//! Objects (structs with their fields and `additionalProperties`), arrays, tuples and maps.

use std::collections::BTreeSet;
use std::sync::Arc;

use indexmap::IndexMap;

use super::{Field, Kind, Struct, Ty, TypeDef, TypeSpace};
use crate::diagnostics::Error;
use crate::model::names::{self, Scope};
use crate::model::schema::{Additional, RawSchema};
use crate::resolve::join;

/// A property while an object is being assembled: its schema and where that schema is.
#[derive(Debug, Clone)]
pub(super) struct Prop {
    pub(super) schema: Arc<RawSchema>,
    pub(super) pointer: String,
}

impl TypeSpace<'_> {
    /// Runs `f` for the schema of an array's items, a map's values or an object's property.
    fn inside_container<T>(&mut self, f: impl FnOnce(&mut Self) -> T) -> T {
        self.containers += 1;
        let result = f(self);
        self.containers -= 1;
        result
    }

    pub(super) fn array_type(
        &mut self,
        s: &RawSchema,
        pointer: &str,
        hint: &str,
    ) -> Result<Ty, Error> {
        if !s.prefix_items.is_empty() {
            let mut items = Vec::with_capacity(s.prefix_items.len());
            for (i, item) in s.prefix_items.iter().enumerate() {
                let item_hint = names::trail(hint, &format!("#Item{}", names::ordinal(i + 1)));
                let at = join(pointer, &["prefixItems", &i.to_string()]);
                let item = self.inside_container(|space| space.typed(item, &at, &item_hint))?;
                // Tuples are decoded by serde's own impls, with no lenient path for integral
                // numbers: they stay `f64` here.
                items.push(item.in_container().integral_as_f64());
            }
            return Ok(Ty::Tuple(items));
        }
        let item = match &s.items {
            Some(items) => {
                let item_hint = names::trail(hint, "#Item");
                let item = self.inside_container(|space| {
                    space.typed(items, &join(pointer, &["items"]), &item_hint)
                })?;
                item.in_container()
            }
            None => Ty::Json,
        };
        Ok(Ty::Vec(Box::new(item)))
    }

    pub(super) fn map_type(
        &mut self,
        additional: Option<&Additional>,
        pointer: &str,
        hint: &str,
    ) -> Result<Ty, Error> {
        Ok(match additional {
            Some(Additional::Schema(value)) => {
                let value_hint = names::trail(hint, "#Value");
                let value = self.inside_container(|space| {
                    space.typed(
                        value,
                        &join(pointer, &["additionalProperties"]),
                        &value_hint,
                    )
                })?;
                Ty::Map(Box::new(value.in_container()))
            }
            _ => Ty::JsonObject,
        })
    }

    pub(super) fn build_struct(
        &mut self,
        name: &str,
        hint: &str,
        doc: Option<String>,
        s: &RawSchema,
        props: IndexMap<String, Prop>,
        pointer: &str,
    ) -> Result<TypeDef, Error> {
        let mut scope = Scope::default();
        let mut fields = Vec::with_capacity(props.len());
        // A set: objects with thousands of required properties must not cost a scan per field.
        let required_names: BTreeSet<&str> = s.required.iter().map(String::as_str).collect();
        // The trail of the types inside: a component's own name, else the struct's trail.
        let parent = if self.component_names.contains_key(pointer) {
            name
        } else {
            hint
        };
        for (json_name, prop) in props {
            let hint = names::trail(parent, &names::type_name(&json_name));
            self.namesakes = self.vocabulary.property(&json_name);
            let typed =
                self.inside_container(|space| space.typed(&prop.schema, &prop.pointer, &hint))?;
            let required = required_names.contains(json_name.as_str());
            let resolved = self.resolved(&prop.schema, &prop.pointer)?;
            // readOnly fields are never sent and writeOnly ones never received: neither can be
            // required in both directions. Beside a `$ref` (OpenAPI 3.1, lowered to
            // `allOf: [$ref]`), the flags of both the property and its target count.
            let mut one_way = resolved.read_only || resolved.write_only;
            if let [only] = resolved.all_of.as_slice() {
                if only.reference.is_some() && !resolved.has_properties() {
                    let target = self.resolved(only, &prop.pointer)?;
                    one_way |= target.read_only || target.write_only;
                }
            }
            let optional = !required || typed.nullable || one_way;
            let doc = prop
                .schema
                .doc()
                .map(str::to_string)
                .or_else(|| match typed.ty {
                    Ty::Named(_) => None,
                    _ => typed.doc.clone(),
                })
                // No words for it: what its schema says of its values, if anything.
                .or_else(|| resolved.doc().is_none().then(|| resolved.facts()).flatten());
            fields.push(Field {
                name: scope.claim(names::field_name(&json_name)),
                json_name,
                ty: typed.ty,
                optional,
                omit_if_none: !required || one_way,
                boxed: false,
                doc,
                deprecated: prop.schema.deprecated || resolved.deprecated,
                default: prop
                    .schema
                    .default
                    .clone()
                    .or_else(|| resolved.default.clone()),
            });
        }
        let additional = match &s.additional_properties {
            Some(Additional::Schema(_)) => {
                Some(self.map_type(s.additional_properties.as_ref(), pointer, name)?)
            }
            _ => None,
        };
        let additional = additional.map(|ty| match ty {
            Ty::Map(value) => *value,
            other => other,
        });
        let additional_name = scope.claim("additional_properties".to_string());
        let kind = Kind::Struct(Struct {
            fields,
            additional,
            additional_name,
            defaultable: false,
            input: false,
            lenient: true,
        });
        Ok(TypeDef {
            name: name.to_string(),
            doc,
            kind,
        })
    }
}

pub(super) fn own_props(s: &RawSchema, pointer: &str) -> IndexMap<String, Prop> {
    s.properties
        .iter()
        .map(|(name, schema)| {
            let pointer = join(pointer, &["properties", name]);
            (
                name.clone(),
                Prop {
                    schema: Arc::clone(schema),
                    pointer,
                },
            )
        })
        .collect()
}
