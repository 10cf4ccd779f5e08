//! `allOf`: its branches (and the schema's own properties) merged into one object.

use std::collections::BTreeSet;
use std::sync::Arc;

use indexmap::IndexMap;

use super::structs::{Prop, own_props};
use super::{MAX_ALL_OF_BRANCHES, MAX_DEPTH, Ty, TypeSpace, Typed};
use crate::diagnostics::Error;
use crate::model::schema::RawSchema;
use crate::resolve::join;

/// Where [`TypeSpace::merge_into`] is: the `$ref`s it is inside and how many branches it merged.
#[derive(Default)]
pub(super) struct MergeWalk {
    chain: Vec<String>,
    branches: usize,
    /// The names in `merged.required`, for lookups in logarithmic time.
    required: BTreeSet<String>,
}

impl TypeSpace<'_> {
    /// Merges `allOf` branches (and the schema's own properties) into one object. A property
    /// defined by several branches keeps the most specific definition: a free-form object
    /// yields to a concrete schema, and two object schemas are merged in turn.
    pub(super) fn build_all_of(
        &mut self,
        s: &RawSchema,
        pointer: &str,
        hint: &str,
    ) -> Result<Typed, Error> {
        let doc = s.doc().map(str::to_string);
        // `allOf: [$ref]` with nothing else is the referenced type, often used to attach a
        // description to a reference.
        if s.all_of.len() == 1 && !s.has_properties() && s.all_of[0].reference.is_some() {
            let mut typed = self.typed(&s.all_of[0], &join(pointer, &["allOf", "0"]), hint)?;
            typed.nullable |= s.nullable;
            typed.doc = doc.or(typed.doc);
            return Ok(typed);
        }
        let mut merged = RawSchema {
            ty: Some("object".into()),
            nullable: s.nullable,
            description: s.description.clone(),
            title: s.title.clone(),
            ..RawSchema::default()
        };
        let mut props = IndexMap::new();
        let mut walk = MergeWalk::default();
        self.merge_into(&mut merged, &mut props, s, pointer, &mut walk)?;
        if props.is_empty() {
            // Nothing but free-form branches (or non-object branches): keep the most specific.
            let mut typed = Typed {
                ty: Ty::JsonObject,
                nullable: s.nullable,
                doc,
            };
            for (i, branch) in s.all_of.iter().enumerate() {
                let resolved = self.resolved(branch, pointer)?;
                if !resolved.is_free_form() && resolved.all_of.is_empty() {
                    let at = join(pointer, &["allOf", &i.to_string()]);
                    let inner = self.typed(branch, &at, hint)?;
                    typed.ty = inner.ty;
                    typed.nullable |= inner.nullable;
                }
            }
            return Ok(typed);
        }
        let (id, name) = self.allocate(pointer, hint);
        let def = self.build_struct(&name, hint, doc, &merged, props, pointer)?;
        self.defs[id] = Some(def);
        Ok(Typed {
            ty: Ty::Named(self.settle(id, pointer)),
            nullable: s.nullable,
            doc: None,
        })
    }

    pub(super) fn merge_into(
        &self,
        merged: &mut RawSchema,
        props: &mut IndexMap<String, Prop>,
        s: &RawSchema,
        pointer: &str,
        walk: &mut MergeWalk,
    ) -> Result<(), Error> {
        if walk.branches >= MAX_ALL_OF_BRANCHES {
            return Err(Error::single(
                pointer,
                format!(
                    "`allOf` expands to more than {MAX_ALL_OF_BRANCHES} branches (through nested \
                     and repeated `allOf`s); this generator refuses to merge that many"
                ),
            ));
        }
        walk.branches += 1;
        if walk.chain.len() >= MAX_DEPTH {
            return Err(Error::single(
                pointer,
                format!("`allOf` nests more than {MAX_DEPTH} levels deep"),
            ));
        }
        for (i, branch) in s.all_of.iter().enumerate() {
            let branch_at = join(pointer, &["allOf", &i.to_string()]);
            if let Some(reference) = &branch.reference {
                if let Some(start) = walk.chain.iter().position(|p| p == reference) {
                    let mut chain: Vec<&str> =
                        walk.chain[start..].iter().map(String::as_str).collect();
                    chain.push(reference);
                    return Err(Error::single(
                        branch_at,
                        format!(
                            "`allOf` cycle: a schema includes itself ({})",
                            chain.join(" → ")
                        ),
                    ));
                }
            }
            // Errors name the branch; once resolved, the schema is where the chain ends.
            let shared = self
                .resolver
                .follow_shared(branch, &branch_at, |s| s.reference.as_deref())?;
            let (resolved, at) = match &shared {
                Some((target, at)) => (&**target, at.as_str()),
                None => (branch, branch_at.as_str()),
            };
            walk.chain.push(at.to_string());
            let result = self.merge_into(merged, props, resolved, at, walk);
            walk.chain.pop();
            result?;
        }
        for (name, prop) in own_props(s, pointer) {
            match props.get_mut(&name) {
                None => {
                    props.insert(name, prop);
                }
                Some(existing) => {
                    *existing =
                        self.more_specific(existing, prop, &join(pointer, &["properties", &name]))?;
                }
            }
        }
        for name in &s.required {
            if walk.required.insert(name.clone()) {
                merged.required.push(name.clone());
            }
        }
        if s.additional_properties.is_some() {
            merged.additional_properties = s.additional_properties.clone();
        }
        if s.discriminator.is_some() {
            merged.discriminator = s.discriminator.clone();
        }
        Ok(())
    }

    fn more_specific(&self, old: &Prop, new: Prop, pointer: &str) -> Result<Prop, Error> {
        let old_resolved = self.resolved(&old.schema, &old.pointer)?;
        let new_resolved = self.resolved(&new.schema, &new.pointer)?;
        if new_resolved.is_free_form() && !old_resolved.is_free_form() {
            return Ok(old.clone());
        }
        if old.schema.reference.is_some() && old.schema.reference == new.schema.reference {
            return Ok(new);
        }
        let objects = |s: &RawSchema| s.has_properties() || !s.all_of.is_empty();
        if objects(&old_resolved) && objects(&new_resolved) {
            // Both sides describe objects: the property is their merge.
            let both = RawSchema {
                all_of: vec![RawSchema::clone(&old.schema), RawSchema::clone(&new.schema)],
                ..RawSchema::default()
            };
            return Ok(Prop {
                schema: Arc::new(both),
                pointer: format!("{pointer}(merged)"),
            });
        }
        Ok(new)
    }
}
