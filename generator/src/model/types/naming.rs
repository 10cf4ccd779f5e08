//! Names of inline types: chosen once every schema is read, so that no name depends on the
//! order in which unrelated types were met.
//!
//! While the space is built, each inline type keeps its candidates ([`names::candidates`]:
//! its own property or parameter name with the least context first, its whole trail last)
//! and a provisional name. [`TypeSpace::assign_names`] then gives every type its first
//! candidate, and as long as two types want the same name (or a name the crate already uses:
//! a component schema, a request struct, a group), moves *each* of them to its next
//! candidate: a collision qualifies both sides (`SessionsSortBy`, `RecordingsSortBy`), never
//! the later one alone, so the outcome is the same whatever the spec's order. Only when every
//! candidate of two types is taken (two schemas at trails that spell the same words) does the
//! second (by [`TypeSpace::cmp_places`]) get a number: the last resort, deterministic too.
//!
//! A schema written the same way twice under the same preferred name (the three
//! `can_produce` enums of a preset's media permissions) is one type
//! ([`TypeSpace::same_shape`]), whose other candidates are those of its first place by
//! [`TypeSpace::cmp_places`] ([`TypeSpace::settle_shape_places`]).
//!
//! Every tie between places is broken by [`TypeSpace::cmp_places`], never by the order in which
//! places were met: no name depends on the order of the paths or of the component schemas, nor
//! on the key a bundler files a component under (`tests/order.rs`).

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::sync::OnceLock;

use super::{Fallback, Kind, TypeId, TypeSpace};
use crate::model::names::{self, Scope};

/// Keys that document a schema without changing what it accepts: left out of its shape.
const DOC_KEYS: &[&str] = &[
    "description",
    "title",
    "example",
    "examples",
    "externalDocs",
];

/// The shape of a schema ([`TypeSpace::shape_key`]): its JSON with the documentation keys left
/// out, at every level, serialized as it goes (no copy of the tree, which every inline object
/// would otherwise pay for each of the objects it holds).
struct Shape<'v>(&'v serde_json::Value);

impl serde::Serialize for Shape<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match self.0 {
            serde_json::Value::Object(map) => {
                let kept = |k: &String| !DOC_KEYS.contains(&k.as_str()) && !k.starts_with("x-");
                let mut out =
                    serializer.serialize_map(Some(map.keys().filter(|k| kept(k)).count()))?;
                for (key, value) in map.iter().filter(|(k, _)| kept(k)) {
                    out.serialize_entry(key, &Shape(value))?;
                }
                out.end()
            }
            serde_json::Value::Array(items) => {
                let mut out = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    out.serialize_element(&Shape(item))?;
                }
                out.end()
            }
            other => other.serialize(serializer),
        }
    }
}

/// An inline type recorded under its preferred name, for [`TypeSpace::same_shape`]: its shape
/// is worked out only when another schema with the same preferred name comes along (most
/// preferred names are taken once).
pub(super) struct Shaped {
    pointer: String,
    shape: OnceLock<Option<String>>,
    pub(super) id: TypeId,
}

/// A place that found an inline type of its shape and preferred name built before it: kept
/// until every type is built, when the first such place by [`TypeSpace::cmp_places`] names the
/// type ([`TypeSpace::settle_shape_places`]).
pub(super) struct ShapePlace {
    id: TypeId,
    pointer: String,
    candidates: Vec<String>,
}

/// What [`TypeSpace::same_shape`] found out about a schema, kept for
/// [`TypeSpace::record_shape`]: its preferred name and, if it was needed, its shape.
pub(super) struct ShapeLookup {
    preferred: Option<String>,
    shape: OnceLock<Option<String>>,
}

impl TypeSpace<'_> {
    /// The shape of the (inline) schema at `pointer`: its JSON with the documentation keys
    /// left out, at every level.
    fn shape_key(&self, pointer: &str) -> Option<String> {
        let value = self.resolver.value(pointer, pointer).ok()?;
        serde_json::to_string(&Shape(value)).ok()
    }

    /// The names an inline type at `pointer` may take, preferred first (see
    /// [`names::candidates`]); `None` for a component schema's type, whose name is its key's.
    pub(super) fn candidates_of(&self, pointer: &str, hint: &str) -> Option<Vec<String>> {
        if self.component_names.contains_key(pointer) {
            return None;
        }
        Some(names::candidates(&self.trail_of(pointer, hint)))
    }

    /// The trail an inline schema is named from: for one inside a component schema, read off
    /// its pointer (the component's name, then each property, item, value or branch on the
    /// way), so that it does not depend on which operation reached it first (through an
    /// `allOf` that copies the component's properties, say); else the `hint` its user gave.
    pub(super) fn trail_of(&self, pointer: &str, hint: &str) -> String {
        self.pointer_trail(pointer)
            .unwrap_or_else(|| hint.to_string())
    }

    fn pointer_trail(&self, pointer: &str) -> Option<String> {
        let rest = pointer.strip_prefix("#/components/schemas/")?;
        let segments: Vec<String> = rest
            .split('/')
            .map(|s| s.replace("~1", "/").replace("~0", "~"))
            .collect();
        // The innermost named schema (a component, or a `$defs` entry) holding this one.
        let mut anchor = None;
        let mut at = "#/components/schemas".to_string();
        for (i, segment) in segments.iter().enumerate() {
            at = crate::resolve::join(&at, &[segment.as_str()]);
            if let Some(name) = self.component_names.get(&at) {
                anchor = Some((i + 1, name.clone()));
            }
        }
        let (start, name) = anchor?;
        if start == segments.len() {
            return None;
        }
        let prefix = |end: usize| {
            segments[..end]
                .iter()
                .fold("#/components/schemas".to_string(), |at, s| {
                    crate::resolve::join(&at, &[s])
                })
        };
        let mut trail = name;
        let mut i = start;
        while i < segments.len() {
            let segment = segments[i].as_str();
            let next = segments.get(i + 1).map(String::as_str);
            let step = match (segment, next) {
                ("properties", Some(name)) => {
                    i += 1;
                    Some(names::type_name(name))
                }
                ("items", _) => Some("#Item".to_string()),
                ("additionalProperties", _) => Some("#Value".to_string()),
                ("prefixItems", Some(index)) => {
                    i += 1;
                    let n = index.parse::<usize>().ok()? + 1;
                    Some(format!("#Item{}", names::ordinal(n)))
                }
                ("oneOf" | "anyOf", Some(index)) => {
                    i += 1;
                    let branch = prefix(i + 1);
                    let title = self
                        .resolver
                        .value(&branch, &branch)
                        .ok()
                        .and_then(|v| v.get("title")?.as_str().map(names::type_name))
                        .filter(|t| !t.is_empty());
                    let n = index.parse::<usize>().ok()? + 1;
                    Some(format!(
                        "#Variant{}",
                        title.unwrap_or_else(|| names::ordinal(n))
                    ))
                }
                ("allOf", Some(_)) => {
                    i += 1;
                    None
                }
                _ => None,
            };
            if let Some(step) = step {
                trail = names::trail(&trail, &step);
            }
            i += 1;
        }
        Some(trail)
    }

    /// The inline type already made for a schema of the same shape and preferred name
    /// (`candidates`: the schema's, from [`Self::candidates_of`]), and what was found out on
    /// the way, for [`Self::record_shape`].
    pub(super) fn same_shape(
        &self,
        pointer: &str,
        candidates: Option<&[String]>,
    ) -> (Option<TypeId>, ShapeLookup) {
        let lookup = ShapeLookup {
            preferred: candidates.and_then(|c| c.first()).cloned(),
            shape: OnceLock::new(),
        };
        let Some(recorded) = lookup.preferred.as_ref().and_then(|p| self.by_shape.get(p)) else {
            return (None, lookup);
        };
        let Some(shape) = lookup.shape.get_or_init(|| self.shape_key(pointer)) else {
            return (None, lookup);
        };
        // The first type recorded with this shape, as a map keyed by (name, shape) keeps it.
        let found = recorded.iter().find(|other| {
            other
                .shape
                .get_or_init(|| self.shape_key(&other.pointer))
                .as_ref()
                == Some(shape)
        });
        (found.map(|other| other.id), lookup)
    }

    /// Notes that the schema at `pointer` (whose `candidates` and `doc` these are) is the
    /// type `id`, found by [`Self::same_shape`].
    pub(super) fn same_shape_place(
        &mut self,
        id: TypeId,
        pointer: &str,
        candidates: Option<Vec<String>>,
        doc: Option<&str>,
    ) {
        self.compare_docs(id, doc);
        if let Some(candidates) = candidates {
            self.shape_places.push(ShapePlace {
                id,
                pointer: pointer.to_string(),
                candidates,
            });
        }
    }

    /// Compares two places to break a tie between them (which place names a shared type,
    /// which type keeps a name two want): by their JSON pointers, the component schema each
    /// lies in written as that schema's type name rather than its key. Reordering the document
    /// changes no pointer, and a bundler filing a component under another key
    /// (`issuing.token`, kept in `schemas/issuing_token.yaml`, is gathered as
    /// `issuing_token`) changes no type name: ties fall the same way however the description
    /// is ordered or laid out. Nothing is allocated (it decides sorts of many places).
    pub(super) fn cmp_places(&self, a: &str, b: &str) -> Ordering {
        cmp_joined(self.place_parts(a), self.place_parts(b))
    }

    /// A pointer as [`Self::cmp_places`] reads it, in three parts: the component schemas'
    /// prefix, the type name of the component it lies in and the rest; or itself.
    pub(super) fn place_parts<'p>(&'p self, pointer: &'p str) -> [&'p str; 3] {
        const SCHEMAS: &str = "#/components/schemas/";
        let Some(rest) = pointer.strip_prefix(SCHEMAS) else {
            return [pointer, "", ""];
        };
        let end = SCHEMAS.len() + rest.find('/').unwrap_or(rest.len());
        match self.component_names.get(&pointer[..end]) {
            Some(name) => [SCHEMAS, name.as_str(), &pointer[end..]],
            None => [pointer, "", ""],
        }
    }

    /// Gives each type that places of one shape and preferred name share
    /// ([`Self::same_shape`]) the candidates and pointer of the first of them by
    /// [`Self::cmp_places`], not of the one met first: beyond the preferred name, each place
    /// has its own (`ShelfBookCoverColour`, `ShelfCoverCaseColour`), and which operation
    /// reaches a schema first depends on the order of the paths and of the components.
    fn settle_shape_places(&mut self) {
        let places = std::mem::take(&mut self.shape_places);
        if places.is_empty() {
            return;
        }
        for place in places {
            let id = place.id;
            if let Some(members) = self.merged.get(&id) {
                // A type of several structures' places: the member of this preferred name.
                let preferred = place.candidates.first();
                let at = members.iter().position(|m| {
                    m.candidates.as_ref().and_then(|c| c.first()) == preferred
                        && self.cmp_places(&m.pointer, &place.pointer) == Ordering::Greater
                });
                if let Some(member) = at.and_then(|at| self.merged.get_mut(&id)?.get_mut(at)) {
                    member.pointer = place.pointer;
                    member.candidates = Some(place.candidates);
                }
            } else if self.candidates.get(id).is_some_and(Option::is_some) {
                // The place that made it, as recorded under the preferred name they share.
                let made = place.candidates.first().and_then(|preferred| {
                    let recorded = self.by_shape.get(preferred)?;
                    Some(recorded.iter().find(|r| r.id == id)?.pointer.as_str())
                });
                let Some(owner) = self.representatives.get(&id).map(String::as_str).or(made) else {
                    continue;
                };
                if self.cmp_places(&place.pointer, owner) == Ordering::Less {
                    self.candidates[id] = Some(place.candidates);
                    self.representatives.insert(id, place.pointer);
                }
            }
        }
    }

    pub(super) fn record_shape(&mut self, pointer: &str, lookup: ShapeLookup, id: TypeId) {
        if let Some(preferred) = lookup.preferred {
            self.by_shape.entry(preferred).or_default().push(Shaped {
                pointer: pointer.to_string(),
                shape: lookup.shape,
                id,
            });
        }
    }

    /// Gives every inline type its final name (see the module docs). Call once every type
    /// and every other name of the crate (request structs, groups) is known.
    pub fn assign_names(&mut self) {
        self.settle_shape_places();
        self.shared_candidates();
        self.drop_doc_conflicts();
        let ids: Vec<TypeId> = (0..self.defs.len())
            .filter(|&id| {
                self.defs[id].is_some() && self.candidates.get(id).is_some_and(Option::is_some)
            })
            .collect();
        let candidates = |id: TypeId| {
            self.candidates
                .get(id)
                .and_then(Option::as_deref)
                .unwrap_or_default()
        };
        let mut level = vec![0usize; self.defs.len()];
        // The types wanting each name now. A round looks only at the names that types moved
        // to in the round before (at first, every name): any other name had its clash settled
        // then, and has only lost types since, so it raises no one. The outcome is that of
        // looking at every name in every round.
        let mut wanted: BTreeMap<&str, Vec<TypeId>> = BTreeMap::new();
        let mut arrived: Vec<&str> = Vec::new();
        for &id in &ids {
            if let Some(name) = candidates(id).first() {
                wanted.entry(name.as_str()).or_default().push(id);
                arrived.push(name.as_str());
            }
        }
        loop {
            arrived.sort_unstable();
            arrived.dedup();
            let mut raise = Vec::new();
            for name in &arrived {
                let members = &wanted[name];
                if members.len() > 1 || self.scope.contains(name) {
                    raise.extend(
                        members
                            .iter()
                            .copied()
                            .filter(|&id| level[id] + 1 < candidates(id).len()),
                    );
                }
            }
            if raise.is_empty() {
                break;
            }
            arrived.clear();
            for id in raise {
                let names = candidates(id);
                if let Some(members) = wanted.get_mut(names[level[id]].as_str()) {
                    members.retain(|&member| member != id);
                }
                level[id] += 1;
                let name = names[level[id]].as_str();
                wanted.entry(name).or_default().push(id);
                arrived.push(name);
            }
        }
        // The last resort (numbers) in the order of the schemas' places ([`Self::cmp_places`]),
        // not of the spec.
        let pointers = self.pointers();
        let mut order: Vec<(String, &str, TypeId)> = ids
            .iter()
            .map(|&id| {
                let name = candidates(id)
                    .get(level[id])
                    .cloned()
                    .unwrap_or_else(|| self.names[id].clone());
                (name, pointers[id].unwrap_or_default(), id)
            })
            .collect();
        order.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        // Places compared only where two types want one name.
        for wanted in order.chunk_by_mut(|a, b| a.0 == b.0) {
            if wanted.len() > 1 {
                wanted.sort_unstable_by(|a, b| self.cmp_places(a.1, b.1).then(a.2.cmp(&b.2)));
            }
        }
        let order: Vec<(String, TypeId)> =
            order.into_iter().map(|(name, _, id)| (name, id)).collect();
        let mut finals = Vec::with_capacity(order.len());
        for (name, id) in order {
            finals.push((id, self.scope.claim(name)));
        }
        for (id, name) in finals {
            self.names[id] = name.clone();
            if let Some(def) = self.defs[id].as_mut() {
                def.name = name;
            }
        }
        // Every type is built and named: what naming and sharing kept is not needed to emit.
        self.candidates = Vec::new();
        self.by_shape = BTreeMap::new();
        self.by_structure = Default::default();
        self.rename_union_variants();
    }

    /// The type made from the schema at `pointer`, if any.
    pub fn id_at(&self, pointer: &str) -> Option<TypeId> {
        match self.by_pointer.get(pointer)?.ty {
            super::Ty::Named(id) => Some(id),
            _ => None,
        }
    }

    /// The type called `name`, if any.
    pub fn id_named(&self, name: &str) -> Option<TypeId> {
        (0..self.defs.len()).find(|&id| self.defs[id].is_some() && self.names[id] == name)
    }

    /// Gives a type another name (the configuration's `[rename.types]`); the caller checks
    /// that the name is free and renames the union variants after every rename.
    pub fn rename(&mut self, id: TypeId, name: &str) {
        let name = self.scope.claim(name.to_string());
        self.names[id] = name.clone();
        if let Some(def) = self.defs[id].as_mut() {
            def.name = name;
        }
    }

    /// A union's variants are named after their types: again, now that the types have their
    /// final names.
    pub fn rename_union_variants(&mut self) {
        for id in 0..self.defs.len() {
            let Some(def) = self.defs[id].as_ref() else {
                continue;
            };
            let Kind::Union { variants, .. } = &def.kind else {
                continue;
            };
            let union_name = def.name.clone();
            let mut scope = Scope::default();
            let renamed: Vec<String> = variants
                .iter()
                .map(|v| scope.claim(self.variant_name(&v.ty, &union_name)))
                .collect();
            let Some(Kind::Union { variants, tag }) = self.defs[id].as_mut().map(|d| &mut d.kind)
            else {
                continue;
            };
            let mut map = BTreeMap::new();
            for (variant, name) in variants.iter_mut().zip(renamed) {
                map.insert(std::mem::replace(&mut variant.name, name.clone()), name);
            }
            if let Some(tag) = tag {
                for (_, variant) in &mut tag.values {
                    if let Some(new) = map.get(variant) {
                        *variant = new.clone();
                    }
                }
                let (Fallback::Unknown(fallback) | Fallback::Default(fallback)) = &mut tag.fallback;
                if let Some(new) = map.get(fallback.as_str()) {
                    *fallback = new.clone();
                }
            }
        }
    }
}

/// Compares the texts `a` and `b` are the parts of, as [`TypeSpace::place_parts`] splits a
/// pointer, without joining them: slice by slice.
pub(super) fn cmp_joined(a: [&str; 3], b: [&str; 3]) -> Ordering {
    let (mut a, mut b) = (
        a.iter().map(|p| p.as_bytes()),
        b.iter().map(|p| p.as_bytes()),
    );
    let (mut x, mut y): (&[u8], &[u8]) = (&[], &[]);
    loop {
        while x.is_empty() {
            match a.next() {
                Some(part) => x = part,
                None => break,
            }
        }
        while y.is_empty() {
            match b.next() {
                Some(part) => y = part,
                None => break,
            }
        }
        if x.is_empty() || y.is_empty() {
            return x.len().cmp(&y.len());
        }
        let n = x.len().min(y.len());
        match x[..n].cmp(&y[..n]) {
            Ordering::Equal => (x, y) = (&x[n..], &y[n..]),
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_compare_as_the_text_they_join() {
        let cases = [
            (["#/c/", "Issuing", "/p"], ["#/c/", "IssuingToken", ""]),
            (["#/c/", "A", "/b"], ["#/c/A/b", "", ""]),
            (["#/c/", "A", "/b"], ["#/c/A/c", "", ""]),
            (["#/p", "", ""], ["#/c/", "Z", "/x"]),
            (["", "", ""], ["#", "", ""]),
        ];
        for (a, b) in cases {
            assert_eq!(cmp_joined(a, b), a.concat().cmp(&b.concat()), "{a:?} {b:?}");
            assert_eq!(cmp_joined(b, a), b.concat().cmp(&a.concat()), "{b:?} {a:?}");
        }
    }
}
