//! The type space: owns every generated type, names each once, and maps schemas (inline or
//! referenced) to Rust types. `allOf` is merged here, `oneOf`/`anyOf` become unions, string
//! enums get an unknown-value fallback, and recursive types are boxed.
//!
//! One `impl TypeSpace` spread over the files of this module, by concern:
//!
//! - `mod.rs`: the space itself: component schemas' names, checkpoints and rollback,
//!   lookups, and [`TypeSpace::typed`], which dispatches each schema to the files below.
//! - `naming.rs`: inline types' names, chosen once every schema is read (the nearest
//!   property or parameter name with the least context that keeps it unique, collisions
//!   qualifying both sides), and inline schemas of the same shape made one type.
//! - `definitions.rs`: what the rest of the generator reads: [`Ty`], [`Typed`], [`TypeDef`],
//!   [`Kind`] and the parts of structs, enums and unions.
//! - `structs.rs`: objects, arrays (and tuples) and maps.
//! - `merge.rs`: `allOf`, merged into one object.
//! - `unions.rs`: `oneOf`/`anyOf`: variants, their names and order, and the tag.
//! - `enums.rs`: `enum`s of strings or integers.
//! - numbers (here, [`TypeSpace::number_type`]): `f32`, `f64`, or an integral number by the
//!   rule of [`crate::model::numbers`], with what the schema's namesakes say.
//! - `defaults_and_boxing.rs`: the passes over the whole space once every schema is read:
//!   which structs have a `Default`, and which fields and variants are boxed.

mod defaults_and_boxing;
mod definitions;
mod enums;
mod merge;
mod naming;
mod sharing;
mod structs;
mod unions;

use std::collections::BTreeMap;
use std::collections::hash_map::Entry;
use std::sync::Arc;

use super::names::{self, Scope};
use super::numbers::{self, Evidence, Vocabulary};
use super::schema::RawSchema;
use crate::diagnostics::{Category, Diagnostic, Error, Severity};
use crate::resolve::{Resolver, join};
pub use defaults_and_boxing::SpecDefault;
pub use definitions::{
    EnumValue, EnumVariant, Fallback, Field, Kind, Struct, Tag, Ty, TypeDef, TypeId, Typed,
    UnionVariant,
};
use structs::own_props;

pub struct TypeSpace<'a> {
    resolver: Resolver<'a>,
    /// Every type-level name in the generated crate (types, request structs, reserved words).
    pub scope: Scope,
    defs: Vec<Option<TypeDef>>,
    /// Types already built, by the JSON pointer of their schema.
    by_pointer: crate::LookupMap<Arc<str>, Typed>,
    /// Names reserved for component schemas (`#/components/schemas/X` → name).
    component_names: BTreeMap<String, String>,
    /// References being built right now, outermost first, each with the number of containers
    /// (arrays, maps, object properties) entered before it: a reference back to one of them is a
    /// cycle, which is fine behind a container and an error without one.
    in_progress: Vec<(String, usize)>,
    /// Containers entered on the way to the schema being built.
    containers: usize,
    /// Schemas being built inside each other right now; see [`MAX_DEPTH`].
    depth: usize,
    /// The configuration's `[types.overrides]`: schema or property pointer → Rust type.
    overrides: BTreeMap<String, String>,
    /// The overrides some schema used.
    overrides_used: std::collections::BTreeSet<String>,
    /// The prefix shared by every component schema's key, if any.
    prefix: Option<String>,
    /// Every allocated type's name, by id, known before the type itself is built (for an
    /// inline type, provisional until [`TypeSpace::assign_names`]).
    names: Vec<String>,
    /// The names an inline type may take, preferred first ([`names::candidates`]), by id;
    /// `None` for a component schema's type, whose name is its key's.
    candidates: Vec<Option<Vec<String>>>,
    /// Inline types by their preferred name, each with its shape ([`TypeSpace::shape_key`],
    /// worked out when a second type wants the name): a schema written twice the same way
    /// under the same name is one type.
    by_shape: BTreeMap<String, Vec<naming::Shaped>>,
    /// Every settled type by its structure (`sharing.rs`), with the pointer it was built from.
    by_structure: crate::LookupMap<String, (TypeId, String)>,
    /// The types other places found built before them: kept type → every place, itself
    /// first.
    merged: BTreeMap<TypeId, Vec<sharing::Member>>,
    /// Places that found an inline type of their shape and preferred name built before them
    /// ([`TypeSpace::same_shape`]), for [`TypeSpace::settle_shape_places`].
    shape_places: Vec<naming::ShapePlace>,
    /// The pointer naming a type several places share, when another than the first that made
    /// it: the first of them by place ([`TypeSpace::settle_shape_places`],
    /// [`TypeSpace::shared_candidates`]).
    representatives: BTreeMap<TypeId, String>,
    /// Types whose places describe them in other words (`sharing.rs`): their docs are
    /// dropped once every type is built, and they are documented by where they are used.
    doc_conflicts: Vec<TypeId>,
    /// Keys added to `by_pointer`, in order, so that a failed operation can be rolled back.
    journal: Vec<Arc<str>>,
    pub warnings: Vec<Diagnostic>,
    /// The document's names of parameters and properties, and what they say about numbers.
    pub vocabulary: Vocabulary,
    /// What the namesakes of the schema about to be built say: set by the caller of
    /// [`TypeSpace::typed`] for a property's or a parameter's own (inline) schema, taken by
    /// the next build, so that neither a schema inside it nor one behind a `$ref` (shared by
    /// other names) sees it.
    pub namesakes: Evidence,
}

/// The state of a [`TypeSpace`] before an operation is built; see [`TypeSpace::rollback`].
pub struct Checkpoint {
    defs: usize,
    shape_places: usize,
    doc_conflicts: usize,
    journal: usize,
    warnings: usize,
}

/// Deepest nesting of schemas (inline or through `$ref`) the model follows. The model recurses
/// once per level, so this bounds its stack use (measured: well within a 2 MiB thread stack);
/// real descriptions nest a few levels deep (Cloudflare's Realtime Kit: under 10).
pub const MAX_DEPTH: usize = 64;

/// Most `allOf` branches merged into one type, counting each time a shared branch is included
/// again: `A: {allOf: [B, B]}`, `B: {allOf: [C, C]}`, ... doubles the work at each level.
pub const MAX_ALL_OF_BRANCHES: usize = 10_000;

/// Names the generated crate defines or uses unqualified besides the spec's types: the plan
/// keeps the list, beside the imports it decides.
const RESERVED_TYPE_NAMES: &[&str] = crate::plan::scope::RESERVED;

impl<'a> TypeSpace<'a> {
    /// `component_schemas`: the keys under `#/components/schemas`; `definitions`: schemas
    /// under a component's `$defs` (OpenAPI 3.1), as (pointer, key). Each is named after its
    /// key, before any other type is named.
    pub fn new(
        resolver: Resolver<'a>,
        component_schemas: &[String],
        definitions: &[(String, String)],
        vocabulary: Vocabulary,
    ) -> Self {
        let mut scope = Scope::default();
        for name in RESERVED_TYPE_NAMES {
            scope.claim(name.to_string());
        }
        let prefix = names::common_prefix(component_schemas.iter().map(String::as_str));
        let mut component_names = BTreeMap::new();
        // Claimed in the order of their keys, not of the document: when two keys spell one
        // name (`stream_liveInput`, `stream_live_input`), which is numbered must not depend on
        // where each is written (a bundler of split files puts components in the order it
        // reaches them).
        let mut keys: Vec<&String> = component_schemas.iter().collect();
        keys.sort_unstable();
        let mut definitions: Vec<&(String, String)> = definitions.iter().collect();
        definitions.sort_unstable();
        for key in keys {
            let short = prefix
                .as_deref()
                .and_then(|p| key.strip_prefix(p))
                .unwrap_or(key);
            let mut name = names::type_name(short);
            if RESERVED_TYPE_NAMES.contains(&name.as_str()) {
                // A schema called `Error` or `Response` reads better as `ErrorModel` than as
                // `Error2` next to the client's own `Error`.
                name.push_str("Model");
            }
            let name = scope.claim(name);
            component_names.insert(join("#/components/schemas", &[key]), name);
        }
        for (pointer, key) in definitions {
            let mut name = names::type_name(key);
            if RESERVED_TYPE_NAMES.contains(&name.as_str()) {
                name.push_str("Model");
            }
            let name = scope.claim(name);
            component_names.insert(pointer.clone(), name);
        }
        TypeSpace {
            resolver,
            scope,
            defs: Vec::new(),
            by_pointer: Default::default(),
            component_names,
            in_progress: Vec::new(),
            containers: 0,
            depth: 0,
            prefix,
            names: Vec::new(),
            overrides: BTreeMap::new(),
            overrides_used: Default::default(),
            candidates: Vec::new(),
            by_shape: BTreeMap::new(),
            by_structure: Default::default(),
            merged: BTreeMap::new(),
            shape_places: Vec::new(),
            representatives: BTreeMap::new(),
            doc_conflicts: Vec::new(),
            journal: Vec::new(),
            warnings: Vec::new(),
            vocabulary,
            namesakes: Evidence::default(),
        }
    }

    /// The type space without the description: every type is built, so it reads nothing more
    /// (see [`crate::model::Model::release`]).
    pub fn release(self) -> TypeSpace<'static> {
        TypeSpace {
            resolver: Resolver::released(),
            scope: self.scope,
            defs: self.defs,
            by_pointer: self.by_pointer,
            component_names: self.component_names,
            in_progress: self.in_progress,
            containers: self.containers,
            depth: self.depth,
            overrides: self.overrides,
            overrides_used: self.overrides_used,
            prefix: self.prefix,
            names: self.names,
            candidates: self.candidates,
            by_shape: self.by_shape,
            by_structure: self.by_structure,
            merged: self.merged,
            shape_places: self.shape_places,
            representatives: self.representatives,
            doc_conflicts: self.doc_conflicts,
            journal: self.journal,
            warnings: self.warnings,
            vocabulary: self.vocabulary,
            namesakes: self.namesakes,
        }
    }

    /// A component key without the prefix every component schema shares (`realtimekit_`).
    pub fn strip_prefix(&self, key: &str) -> String {
        match &self.prefix {
            Some(prefix) => key
                .strip_prefix(prefix.as_str())
                .filter(|k| !k.is_empty())
                .unwrap_or(key)
                .to_string(),
            None => key.to_string(),
        }
    }

    pub fn checkpoint(&self) -> Checkpoint {
        Checkpoint {
            defs: self.defs.len(),
            shape_places: self.shape_places.len(),
            doc_conflicts: self.doc_conflicts.len(),
            journal: self.journal.len(),
            warnings: self.warnings.len(),
        }
    }

    /// Forgets every type made since `checkpoint`: an operation that fails half-way (and is
    /// skipped) leaves no half-built type behind for later operations to refer to.
    pub fn rollback(&mut self, checkpoint: Checkpoint) {
        for key in self.journal.drain(checkpoint.journal..) {
            self.by_pointer.remove(&*key);
        }
        self.defs.truncate(checkpoint.defs);
        self.names.truncate(checkpoint.defs);
        self.candidates.truncate(checkpoint.defs);
        self.by_shape.retain(|_, recorded| {
            recorded.retain(|shaped| shaped.id < checkpoint.defs);
            !recorded.is_empty()
        });
        self.rollback_merges(checkpoint.defs);
        self.shape_places.truncate(checkpoint.shape_places);
        self.doc_conflicts.truncate(checkpoint.doc_conflicts);
        self.warnings.truncate(checkpoint.warnings);
        self.in_progress.clear();
        self.containers = 0;
        self.depth = 0;
        self.namesakes = Evidence::default();
    }

    fn remember(&mut self, pointer: &str, typed: Typed) {
        // One allocation of the pointer for the map and the journal (many thousands of them
        // are alive at the model's peak of memory).
        match self.by_pointer.entry(pointer.into()) {
            Entry::Occupied(mut known) => {
                known.insert(typed);
            }
            Entry::Vacant(new) => {
                self.journal.push(new.key().clone());
                new.insert(typed);
            }
        }
    }

    /// The JSON pointer of the schema each named type was made from (the first place that
    /// made it), indexed by [`TypeId`]: one pass over what the space remembers, instead of a
    /// search per type (which made planning quadratic in the number of types).
    pub fn pointers(&self) -> Vec<Option<&str>> {
        let mut pointers = vec![None; self.defs.len()];
        for key in &self.journal {
            if let Some(Typed {
                ty: Ty::Named(id), ..
            }) = self.by_pointer.get(key)
            {
                if let Some(slot @ None) = pointers.get_mut(*id) {
                    *slot = Some(&**key);
                }
            }
        }
        // A type places of one shape share: the place [`Self::settle_shape_places`] chose.
        for (&id, pointer) in &self.representatives {
            if let Some(slot) = pointers.get_mut(id) {
                *slot = Some(pointer.as_str());
            }
        }
        // A type several places share: its component's, else the first by place
        // ([`Self::cmp_places`]).
        for &kept in self.merged.keys() {
            if let Some(slot) = pointers.get_mut(kept) {
                *slot = self.merged_pointer(kept).or(*slot);
            }
        }
        pointers
    }

    pub fn def(&self, id: TypeId) -> &TypeDef {
        self.defs[id]
            .as_ref()
            .expect("every allocated type is filled before the model is used")
    }

    /// A bound on every [`TypeId`] of the space (ids are below it), for tables indexed by id.
    pub fn id_bound(&self) -> usize {
        self.defs.len()
    }

    /// Every type, in the order it was first met.
    pub fn defs(&self) -> impl Iterator<Item = (TypeId, &TypeDef)> {
        self.defs
            .iter()
            .enumerate()
            .filter_map(|(id, d)| d.as_ref().map(|d| (id, d)))
    }

    /// Gives a type the doc of the place that uses it, when its schema has none.
    pub fn document(&mut self, ty: &Ty, doc: Option<&str>) {
        let (Ty::Named(id), Some(doc)) = (ty, doc) else {
            return;
        };
        if let Some(def) = self.defs[*id].as_mut().filter(|d| d.doc.is_none()) {
            def.doc = Some(doc.to_string());
        }
    }

    pub fn resolver(&self) -> &Resolver<'a> {
        &self.resolver
    }

    fn warn(&mut self, category: Category, pointer: &str, message: impl Into<String>) {
        self.warnings.push(Diagnostic {
            severity: Severity::Warning,
            category,
            pointer: pointer.to_string(),
            message: message.into(),
        });
    }

    /// Sets the configuration's type overrides (schema or property pointer → Rust type).
    pub fn set_overrides(&mut self, overrides: impl IntoIterator<Item = (String, String)>) {
        self.overrides = overrides.into_iter().collect();
    }

    /// The overrides no schema used.
    pub fn unused_overrides(&self) -> impl Iterator<Item = &str> {
        self.overrides
            .keys()
            .filter(|k| !self.overrides_used.contains(*k))
            .map(String::as_str)
    }

    /// The Rust type the configuration puts in place of the schema at `pointer`.
    fn overridden(&mut self, pointer: &str, schema: &RawSchema) -> Option<Typed> {
        let path = self.overrides.get(pointer)?.clone();
        self.overrides_used.insert(pointer.to_string());
        Some(Typed {
            ty: Ty::Path(path),
            nullable: schema.nullable,
            doc: schema.doc().map(str::to_string),
        })
    }

    /// Maps the schema at `pointer` to a Rust type; a new named type is called `hint`.
    pub fn typed(&mut self, schema: &RawSchema, pointer: &str, hint: &str) -> Result<Typed, Error> {
        let namesakes = std::mem::take(&mut self.namesakes);
        if let Some(typed) = self.overridden(pointer, schema) {
            return Ok(typed);
        }
        if let Some(reference) = &schema.reference {
            return self.referenced(reference, pointer, hint);
        }
        if let Some(done) = self.by_pointer.get(pointer) {
            return Ok(done.clone());
        }
        self.namesakes = namesakes;
        let typed = self.build(schema, pointer, hint)?;
        self.remember(pointer, typed.clone());
        Ok(typed)
    }

    fn referenced(&mut self, reference: &str, from: &str, hint: &str) -> Result<Typed, Error> {
        if let Some(done) = self.by_pointer.get(reference) {
            return Ok(done.clone());
        }
        self.resolver.value(reference, from)?;
        if let Some(start) = self.in_progress.iter().position(|(p, _)| p == reference) {
            if self.containers > self.in_progress[start].1 {
                // `A: {type: array, items: {$ref: A}}`: a value of finite size, but Rust needs
                // a named type to say it; any JSON value keeps it decodable.
                self.warn(
                    Category::Unsupported,
                    from,
                    format!(
                        "`{reference}` contains itself (through an array, a map or an inline \
                         object) before it has a type of its own; typed as any JSON value"
                    ),
                );
                return Ok(Typed {
                    ty: Ty::Json,
                    nullable: true,
                    doc: None,
                });
            }
            let chain: Vec<&str> = self.in_progress[start..]
                .iter()
                .map(|(p, _)| p.as_str())
                .chain([reference])
                .collect();
            return Err(Error::single(
                from,
                format!(
                    "`$ref` cycle with no object or array in between, so no value can satisfy it: {}",
                    chain.join(" → ")
                ),
            ));
        }
        let target = self.resolver.parse_shared::<RawSchema>(reference)?;
        if let Some(typed) = self.overridden(reference, &target) {
            return Ok(typed);
        }
        let hint = self
            .component_names
            .get(reference)
            .cloned()
            .unwrap_or_else(|| hint.to_string());
        self.in_progress
            .push((reference.to_string(), self.containers));
        let typed = self.build(&target, reference, &hint);
        self.in_progress.pop();
        let typed = typed?;
        self.remember(reference, typed.clone());
        Ok(typed)
    }

    /// Allocates a named type before its content is built, so that references back to it
    /// (recursive schemas) resolve to it.
    fn allocate(&mut self, pointer: &str, hint: &str) -> (TypeId, String) {
        let candidates = self.candidates_of(pointer, hint);
        self.allocate_as(pointer, candidates)
    }

    /// [`Self::allocate`] with the type's candidates already worked out
    /// ([`Self::candidates_of`]).
    fn allocate_as(&mut self, pointer: &str, candidates: Option<Vec<String>>) -> (TypeId, String) {
        let name = match (&candidates, self.component_names.get(pointer)) {
            (Some(candidates), _) => candidates.last().cloned().unwrap_or_default(),
            (None, name) => name.cloned().unwrap_or_default(),
        };
        let id = self.defs.len();
        self.defs.push(None);
        self.names.push(name.clone());
        self.candidates.push(candidates);
        let typed = Typed {
            ty: Ty::Named(id),
            nullable: false,
            doc: None,
        };
        self.remember(pointer, typed);
        (id, name)
    }

    /// Builds one schema, refusing to nest deeper than [`MAX_DEPTH`] (the model's recursion
    /// follows the schemas' nesting, so this bounds its stack use).
    fn build(&mut self, s: &RawSchema, pointer: &str, hint: &str) -> Result<Typed, Error> {
        let namesakes = std::mem::take(&mut self.namesakes);
        if self.depth >= MAX_DEPTH {
            return Err(Error::single(
                pointer,
                format!(
                    "schemas nest more than {MAX_DEPTH} levels deep (counting inline schemas and `$ref`s); \
                     this generator refuses deeper nesting"
                ),
            ));
        }
        self.depth += 1;
        let typed = self.build_unguarded(s, pointer, hint, namesakes);
        self.depth -= 1;
        typed
    }

    fn build_unguarded(
        &mut self,
        s: &RawSchema,
        pointer: &str,
        hint: &str,
        namesakes: Evidence,
    ) -> Result<Typed, Error> {
        let doc = s.doc().map(str::to_string);
        for note in s.unsupported.iter().flatten() {
            self.warn(Category::Unsupported, pointer, note.clone());
        }
        if let Some(reference) = &s.reference {
            return self.referenced(reference, pointer, hint);
        }
        if !s.all_of.is_empty() {
            return self.build_all_of(s, pointer, hint);
        }
        let alternatives = if s.one_of.is_empty() {
            &s.any_of
        } else {
            &s.one_of
        };
        if !alternatives.is_empty() {
            let kind = if s.one_of.is_empty() {
                "anyOf"
            } else {
                "oneOf"
            };
            return self.build_union(s, alternatives, kind, pointer, hint, namesakes);
        }
        if let Some(values) = &s.enumeration {
            return self.build_enum(s, values, pointer, hint, namesakes);
        }
        let ty = match s.ty.as_deref() {
            Some("object") | None if s.has_properties() => {
                let candidates = self.candidates_of(pointer, hint);
                let (same, lookup) = self.same_shape(pointer, candidates.as_deref());
                if let Some(id) = same {
                    self.same_shape_place(id, pointer, candidates, doc.as_deref());
                    return Ok(Typed {
                        ty: Ty::Named(id),
                        nullable: s.nullable,
                        doc,
                    });
                }
                let props = own_props(s, pointer);
                let (id, name) = self.allocate_as(pointer, candidates);
                self.record_shape(pointer, lookup, id);
                let def = self.build_struct(&name, hint, doc.clone(), s, props, pointer)?;
                self.defs[id] = Some(def);
                Ty::Named(self.settle(id, pointer))
            }
            Some("object") | None if s.additional_properties.is_some() => {
                self.map_type(s.additional_properties.as_ref(), pointer, hint)?
            }
            Some("object") => Ty::JsonObject,
            None if s.items.is_some() || !s.prefix_items.is_empty() => {
                self.array_type(s, pointer, hint)?
            }
            None => Ty::Json,
            Some("array") => self.array_type(s, pointer, hint)?,
            Some("string") => string_type(s.format.as_deref()),
            Some("integer") => match s.format.as_deref() {
                Some("int32") => Ty::I32,
                _ => Ty::I64,
            },
            Some("number") => self.number_type(s, namesakes),
            Some("boolean") => Ty::Bool,
            Some("null") => {
                return Ok(Typed {
                    ty: Ty::Json,
                    nullable: true,
                    doc,
                });
            }
            Some(other) => {
                // OpenAPI 3.0 names six types (3.1 adds `null`): any other is a mistake in the spec.
                self.warn(
                    Category::BadInput,
                    pointer,
                    format!("unknown type `{other}`; typed as any JSON value"),
                );
                Ty::Json
            }
        };
        Ok(Typed {
            ty,
            nullable: s.nullable,
            doc,
        })
    }

    /// The type of a `type: number` schema: `f32` for `format: float`, an integral number when
    /// its own witnesses and its `namesakes`' (see [`crate::model::numbers`]) say so, else
    /// `f64`.
    pub fn number_type(&self, s: &RawSchema, namesakes: Evidence) -> Ty {
        match s.format.as_deref() {
            Some("float") => Ty::F32,
            Some("double") => Ty::F64,
            _ if (numbers::schema_evidence(s) | namesakes).is_integral() => Ty::IntegralNumber,
            _ => Ty::F64,
        }
    }

    /// The schema a (possibly referenced, possibly `allOf: [$ref]`-wrapped) schema stands for.
    pub fn resolved_schema(&self, s: &RawSchema, pointer: &str) -> Result<RawSchema, Error> {
        let resolved = self.resolved(s, pointer)?;
        match resolved.all_of.as_slice() {
            [only] if !resolved.has_properties() && resolved.ty.is_none() => {
                let mut inner = self.resolved(only, pointer)?.into_owned();
                if inner.description.is_none() {
                    inner.description = resolved.description.clone();
                }
                Ok(inner)
            }
            _ => Ok(resolved.into_owned()),
        }
    }

    /// The schema a (possibly referenced) schema stands for: itself, or the end of its chain of
    /// references as the resolver's cache holds it (neither is copied).
    fn resolved<'s>(&self, s: &'s RawSchema, pointer: &str) -> Result<Resolved<'s>, Error> {
        Ok(
            match self
                .resolver
                .follow_shared(s, pointer, |s| s.reference.as_deref())?
            {
                Some((target, _)) => Resolved::Shared(target),
                None => Resolved::Here(s),
            },
        )
    }

    /// [`Self::resolved`] for a schema held in an `Rc` (a property's): shared either way.
    fn resolved_shared(&self, s: &Arc<RawSchema>, pointer: &str) -> Result<Arc<RawSchema>, Error> {
        Ok(
            match self
                .resolver
                .follow_shared(&**s, pointer, |s| s.reference.as_deref())?
            {
                Some((target, _)) => target,
                None => Arc::clone(s),
            },
        )
    }
}

/// A schema as [`TypeSpace::resolved`] found it: the one given, or a referenced one.
enum Resolved<'s> {
    Here(&'s RawSchema),
    Shared(Arc<RawSchema>),
}

impl Resolved<'_> {
    fn into_owned(self) -> RawSchema {
        match self {
            Resolved::Here(s) => s.clone(),
            Resolved::Shared(s) => Arc::unwrap_or_clone(s),
        }
    }
}

impl std::ops::Deref for Resolved<'_> {
    type Target = RawSchema;

    fn deref(&self) -> &RawSchema {
        match self {
            Resolved::Here(s) => s,
            Resolved::Shared(s) => s,
        }
    }
}

fn string_type(format: Option<&str>) -> Ty {
    match format {
        Some("date-time") => Ty::DateTime,
        Some("date") => Ty::Date,
        Some("uuid") => Ty::Uuid,
        _ => Ty::String,
    }
}
