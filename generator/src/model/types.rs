//! The type space: owns every generated type, names each once, and maps schemas (inline or
//! referenced) to Rust types. `allOf` is merged here, `oneOf`/`anyOf` become unions, string
//! enums get an unknown-value fallback, and recursive types are boxed.

use std::collections::{BTreeMap, BTreeSet};

use indexmap::IndexMap;

use super::names::{self, Scope};
use super::schema::{Additional, RawSchema};
use crate::diagnostics::{Category, Diagnostic, Error, Severity};
use crate::resolve::{Resolver, join};

/// Index of a [`TypeDef`] in the [`TypeSpace`].
pub type TypeId = usize;

/// A Rust type expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Ty {
    String,
    Bool,
    I32,
    I64,
    F32,
    F64,
    Uuid,
    DateTime,
    Date,
    /// Any JSON value.
    Json,
    /// Any JSON object.
    JsonObject,
    Vec(Box<Ty>),
    /// An object whose values all have one type.
    Map(Box<Ty>),
    /// A value that may be `null`, inside an array or a map (fields say it with
    /// [`Field::optional`]).
    Option(Box<Ty>),
    Named(TypeId),
    /// A file in a multipart body (`runtime::Upload`).
    Upload,
    /// Raw bytes (`Vec<u8>`).
    Bytes,
    /// A JSON array of fixed length whose items have types of their own (`prefixItems`).
    Tuple(Vec<Ty>),
}

impl Ty {
    /// The types this one is made of: an array's item, a map's value, a tuple's items.
    pub fn parts(&self) -> &[Ty] {
        match self {
            Ty::Vec(inner) | Ty::Map(inner) | Ty::Option(inner) => std::slice::from_ref(inner),
            Ty::Tuple(items) => items,
            _ => &[],
        }
    }

    /// This type and every type it is made of, outermost first.
    pub fn walk(&self) -> impl Iterator<Item = &Ty> {
        let mut stack = vec![self];
        std::iter::from_fn(move || {
            let ty = stack.pop()?;
            stack.extend(ty.parts().iter().rev());
            Some(ty)
        })
    }

    /// The named types this type expression mentions, in order.
    pub fn named(&self) -> impl Iterator<Item = TypeId> + '_ {
        self.walk().filter_map(|ty| match ty {
            Ty::Named(id) => Some(*id),
            _ => None,
        })
    }
}

/// A schema mapped to Rust: the type, whether `null` is allowed, and the schema's own doc.
#[derive(Debug, Clone, PartialEq)]
pub struct Typed {
    pub ty: Ty,
    pub nullable: bool,
    pub doc: Option<String>,
}

impl Typed {
    /// The type of an array item or map value: `Option` when it may be `null`.
    fn in_container(self) -> Ty {
        match self.ty {
            Ty::Json => Ty::Json,
            ty if self.nullable => Ty::Option(Box::new(ty)),
            ty => ty,
        }
    }
}

#[derive(Debug, Clone)]
pub struct TypeDef {
    pub name: String,
    pub doc: Option<String>,
    pub kind: Kind,
}

#[derive(Debug, Clone)]
pub enum Kind {
    Struct(Struct),
    /// A string enum, or an integer enum whose values have names or docs; unknown values
    /// decode into a fallback variant.
    Enum {
        variants: Vec<EnumVariant>,
        fallback: String,
    },
    /// `oneOf`/`anyOf`. With a tag, the tag property picks the variant (an unknown tag
    /// decodes into a fallback variant holding the JSON value); without one, the first variant
    /// that decodes wins, so variants are ordered from the most to the least specific.
    Union {
        variants: Vec<UnionVariant>,
        tag: Option<Tag>,
    },
}

#[derive(Debug, Clone)]
pub struct Tag {
    pub property: String,
    /// Tag value → variant name.
    pub values: Vec<(String, String)>,
    /// The variant holding values with an unknown tag.
    pub fallback: String,
}

#[derive(Debug, Clone)]
pub struct Struct {
    pub fields: Vec<Field>,
    /// Type of properties not named in `fields` (`additionalProperties` next to `properties`).
    pub additional: Option<Ty>,
    /// The field that collects them.
    pub additional_name: String,
    /// Every field has a default (see [`TypeSpace::mark_defaults`]): the struct derives
    /// `Default`, and a required field of this type tolerates absence.
    pub defaultable: bool,
    /// A required field left out by the server decodes as its empty value. Not for the
    /// variants of untagged unions, where a missing field is what rules a variant out.
    pub lenient: bool,
}

#[derive(Debug, Clone)]
pub struct Field {
    pub name: String,
    pub json_name: String,
    pub ty: Ty,
    /// Absent or `null` is allowed: the field is an `Option`.
    pub optional: bool,
    /// Not required: omitted when `None` on serialization.
    pub omit_if_none: bool,
    /// The field's type contains the struct itself by value.
    pub boxed: bool,
    pub doc: Option<String>,
}

#[derive(Debug, Clone)]
pub struct EnumVariant {
    pub name: String,
    pub value: EnumValue,
    /// The value's own doc (`x-enum-descriptions`, or 3.1's `oneOf` of documented `const`s).
    pub doc: Option<String>,
}

#[derive(Debug, Clone)]
pub struct UnionVariant {
    pub name: String,
    pub ty: Ty,
    pub boxed: bool,
}

/// The value of an enum variant on the wire; every variant of one enum has the same kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnumValue {
    String(String),
    Integer(i64),
}

impl EnumVariant {
    /// Whether the enum of these variants is an integer enum.
    pub fn integers(variants: &[EnumVariant]) -> bool {
        matches!(
            variants.first().map(|v| &v.value),
            Some(EnumValue::Integer(_))
        )
    }
}

/// A property while an object is being assembled: its schema and where that schema is.
#[derive(Debug, Clone)]
struct Prop {
    schema: RawSchema,
    pointer: String,
}

pub struct TypeSpace<'a> {
    resolver: Resolver<'a>,
    /// Every type-level name in the generated crate (types, request structs, reserved words).
    pub scope: Scope,
    defs: Vec<Option<TypeDef>>,
    /// Types already built, by the JSON pointer of their schema.
    by_pointer: BTreeMap<String, Typed>,
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
    /// The prefix shared by every component schema's key, if any.
    prefix: Option<String>,
    /// Every allocated type's name, by id, known before the type itself is built.
    names: Vec<String>,
    /// Keys added to `by_pointer`, in order, so that a failed operation can be rolled back.
    journal: Vec<String>,
    pub warnings: Vec<Diagnostic>,
}

/// The state of a [`TypeSpace`] before an operation is built; see [`TypeSpace::rollback`].
pub struct Checkpoint {
    defs: usize,
    journal: usize,
    warnings: usize,
}

/// Names the generated crate defines or uses unqualified besides the spec's types.
/// Deepest nesting of schemas (inline or through `$ref`) the model follows. The model recurses
/// once per level, so this bounds its stack use (measured: well within a 2 MiB thread stack);
/// real descriptions nest a few levels deep (Cloudflare's Realtime Kit: under 10).
pub const MAX_DEPTH: usize = 64;

/// Most `allOf` branches merged into one type, counting each time a shared branch is included
/// again: `A: {allOf: [B, B]}`, `B: {allOf: [C, C]}`, ... doubles the work at each level.
pub const MAX_ALL_OF_BRANCHES: usize = 10_000;

/// Where [`TypeSpace::merge_into`] is: the `$ref`s it is inside and how many branches it merged.
#[derive(Default)]
struct MergeWalk {
    chain: Vec<String>,
    branches: usize,
    /// The names in `merged.required`, for lookups in logarithmic time.
    required: BTreeSet<String>,
}

const RESERVED_TYPE_NAMES: &[&str] = &[
    "ApiError",
    "Auth",
    "BTreeMap",
    "Box",
    "Client",
    "ClientBuilder",
    "Default",
    "Deserialize",
    "Err",
    "Error",
    "None",
    "Ok",
    "Option",
    "Request",
    "Response",
    "Result",
    "Serialize",
    "Some",
    "String",
    "Value",
    "Vec",
];

impl<'a> TypeSpace<'a> {
    /// `component_schemas`: the keys under `#/components/schemas`; `definitions`: schemas
    /// under a component's `$defs` (OpenAPI 3.1), as (pointer, key). Each is named after its
    /// key, before any other type is named.
    pub fn new(
        resolver: Resolver<'a>,
        component_schemas: &[String],
        definitions: &[(String, String)],
    ) -> Self {
        let mut scope = Scope::default();
        for name in RESERVED_TYPE_NAMES {
            scope.claim(name.to_string());
        }
        let prefix = names::common_prefix(component_schemas.iter().map(String::as_str));
        let mut component_names = BTreeMap::new();
        for key in component_schemas {
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
            by_pointer: BTreeMap::new(),
            component_names,
            in_progress: Vec::new(),
            containers: 0,
            depth: 0,
            prefix,
            names: Vec::new(),
            journal: Vec::new(),
            warnings: Vec::new(),
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
            journal: self.journal.len(),
            warnings: self.warnings.len(),
        }
    }

    /// Forgets every type made since `checkpoint`: an operation that fails half-way (and is
    /// skipped) leaves no half-built type behind for later operations to refer to.
    pub fn rollback(&mut self, checkpoint: Checkpoint) {
        for key in self.journal.drain(checkpoint.journal..) {
            self.by_pointer.remove(&key);
        }
        self.defs.truncate(checkpoint.defs);
        self.names.truncate(checkpoint.defs);
        self.warnings.truncate(checkpoint.warnings);
        self.in_progress.clear();
        self.containers = 0;
        self.depth = 0;
    }

    fn remember(&mut self, pointer: &str, typed: Typed) {
        if self.by_pointer.insert(pointer.to_string(), typed).is_none() {
            self.journal.push(pointer.to_string());
        }
    }

    /// The JSON pointer of the schema a named type was made from (for `cargo xtask diff`).
    pub fn pointer_of(&self, id: TypeId) -> Option<&str> {
        self.journal
            .iter()
            .find(|key| matches!(self.by_pointer.get(*key), Some(Typed { ty: Ty::Named(i), .. }) if *i == id))
            .map(String::as_str)
    }

    pub fn def(&self, id: TypeId) -> &TypeDef {
        self.defs[id]
            .as_ref()
            .expect("every allocated type is filled before the model is used")
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

    /// Maps the schema at `pointer` to a Rust type; a new named type is called `hint`.
    pub fn typed(&mut self, schema: &RawSchema, pointer: &str, hint: &str) -> Result<Typed, Error> {
        if let Some(reference) = &schema.reference {
            return self.referenced(reference, pointer, hint);
        }
        if let Some(done) = self.by_pointer.get(pointer) {
            return Ok(done.clone());
        }
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
        let target: RawSchema = self.resolver.parse_referenced(reference)?;
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
        let name = match self.component_names.get(pointer) {
            Some(name) => name.clone(),
            None => self.scope.claim(hint.to_string()),
        };
        let id = self.defs.len();
        self.defs.push(None);
        self.names.push(name.clone());
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
        let typed = self.build_unguarded(s, pointer, hint);
        self.depth -= 1;
        typed
    }

    fn build_unguarded(
        &mut self,
        s: &RawSchema,
        pointer: &str,
        hint: &str,
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
            return self.build_union(s, alternatives, kind, pointer, hint);
        }
        if let Some(values) = &s.enumeration {
            return self.build_enum(s, values, pointer, hint);
        }
        let ty = match s.ty.as_deref() {
            Some("object") | None if s.has_properties() => {
                let props = own_props(s, pointer);
                let (id, name) = self.allocate(pointer, hint);
                let def = self.build_struct(&name, doc.clone(), s, props, pointer)?;
                self.defs[id] = Some(def);
                Ty::Named(id)
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
            Some("number") => match s.format.as_deref() {
                Some("float") => Ty::F32,
                _ => Ty::F64,
            },
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

    /// Runs `f` for the schema of an array's items, a map's values or an object's property.
    fn inside_container<T>(&mut self, f: impl FnOnce(&mut Self) -> T) -> T {
        self.containers += 1;
        let result = f(self);
        self.containers -= 1;
        result
    }

    fn array_type(&mut self, s: &RawSchema, pointer: &str, hint: &str) -> Result<Ty, Error> {
        if !s.prefix_items.is_empty() {
            let mut items = Vec::with_capacity(s.prefix_items.len());
            for (i, item) in s.prefix_items.iter().enumerate() {
                let item_hint = format!("{hint}Item{}", i + 1);
                let at = join(pointer, &["prefixItems", &i.to_string()]);
                let item = self.inside_container(|space| space.typed(item, &at, &item_hint))?;
                items.push(item.in_container());
            }
            return Ok(Ty::Tuple(items));
        }
        let item = match &s.items {
            Some(items) => {
                let item_hint = format!("{hint}Item");
                let item = self.inside_container(|space| {
                    space.typed(items, &join(pointer, &["items"]), &item_hint)
                })?;
                item.in_container()
            }
            None => Ty::Json,
        };
        Ok(Ty::Vec(Box::new(item)))
    }

    fn map_type(
        &mut self,
        additional: Option<&Additional>,
        pointer: &str,
        hint: &str,
    ) -> Result<Ty, Error> {
        Ok(match additional {
            Some(Additional::Schema(value)) => {
                let value_hint = format!("{hint}Value");
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

    fn build_struct(
        &mut self,
        name: &str,
        doc: Option<String>,
        s: &RawSchema,
        props: IndexMap<String, Prop>,
        pointer: &str,
    ) -> Result<TypeDef, Error> {
        let mut scope = Scope::default();
        let mut fields = Vec::with_capacity(props.len());
        // A set: objects with thousands of required properties must not cost a scan per field.
        let required_names: BTreeSet<&str> = s.required.iter().map(String::as_str).collect();
        for (json_name, prop) in props {
            let hint = format!("{name}{}", names::type_name(&json_name));
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
                });
            fields.push(Field {
                name: scope.claim(names::field_name(&json_name)),
                json_name,
                ty: typed.ty,
                optional,
                omit_if_none: !required || one_way,
                boxed: false,
                doc,
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
            lenient: true,
        });
        Ok(TypeDef {
            name: name.to_string(),
            doc,
            kind,
        })
    }

    /// The schema a (possibly referenced, possibly `allOf: [$ref]`-wrapped) schema stands for.
    pub fn resolved_schema(&self, s: &RawSchema, pointer: &str) -> Result<RawSchema, Error> {
        let resolved = self.resolved(s, pointer)?;
        match resolved.all_of.as_slice() {
            [only] if !resolved.has_properties() && resolved.ty.is_none() => {
                let mut inner = self.resolved(only, pointer)?;
                if inner.description.is_none() {
                    inner.description = resolved.description;
                }
                Ok(inner)
            }
            _ => Ok(resolved),
        }
    }

    /// The schema a (possibly referenced) schema stands for.
    fn resolved(&self, s: &RawSchema, pointer: &str) -> Result<RawSchema, Error> {
        let (schema, _) = self
            .resolver
            .follow(s.clone(), pointer, |s| s.reference.clone())?;
        Ok(schema)
    }

    /// Merges `allOf` branches (and the schema's own properties) into one object. A property
    /// defined by several branches keeps the most specific definition: a free-form object
    /// yields to a concrete schema, and two object schemas are merged in turn.
    fn build_all_of(&mut self, s: &RawSchema, pointer: &str, hint: &str) -> Result<Typed, Error> {
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
        let def = self.build_struct(&name, doc, &merged, props, pointer)?;
        self.defs[id] = Some(def);
        Ok(Typed {
            ty: Ty::Named(id),
            nullable: s.nullable,
            doc: None,
        })
    }

    fn merge_into(
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
            let (resolved, at) = self
                .resolver
                .follow(branch.clone(), &branch_at, |s| s.reference.clone())?;
            walk.chain.push(at.clone());
            let result = self.merge_into(merged, props, &resolved, &at, walk);
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
                all_of: vec![old.schema.clone(), new.schema.clone()],
                ..RawSchema::default()
            };
            return Ok(Prop {
                schema: both,
                pointer: format!("{pointer}(merged)"),
            });
        }
        Ok(new)
    }

    fn build_union(
        &mut self,
        s: &RawSchema,
        alternatives: &[RawSchema],
        kind: &str,
        pointer: &str,
        hint: &str,
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
            let variant_hint = format!("{name}{}", i + 1);
            let typed = self.typed(branch, at, &variant_hint)?;
            nullable |= typed.nullable;
            let variant = self.variant_name(&typed.ty, &name);
            variants.push(UnionVariant {
                name: scope.claim(variant),
                ty: typed.ty,
                boxed: false,
            });
        }
        let tag = self.union_tag(s, &branches)?.map(|(property, values)| Tag {
            property,
            values: values
                .into_iter()
                .zip(variants.iter().map(|v| v.name.clone()))
                .collect(),
            fallback: scope.claim("UnknownValue".to_string()),
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
            ty: Ty::Named(id),
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
        let constant = |props: &IndexMap<String, RawSchema>, property: &str| -> Option<String> {
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
    ) -> Result<IndexMap<String, RawSchema>, Error> {
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
            out.insert(name, self.resolved(&prop.schema, &prop.pointer)?);
        }
        Ok(out)
    }

    /// A union variant's name from its type: the type's name, `String`, `Integer`, or for lists
    /// and maps the item's name (`StringList`, `IntegerListList`, `ChannelMap`).
    fn variant_name(&self, ty: &Ty, union_name: &str) -> String {
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
            Ty::F32 | Ty::F64 => (3, 0),
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
            Ty::Json | Ty::Upload | Ty::Bytes => (10, 0),
        }
    }

    fn build_enum(
        &mut self,
        s: &RawSchema,
        values: &[serde_json::Value],
        pointer: &str,
        hint: &str,
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
            let plain = RawSchema {
                enumeration: None,
                ..s.clone()
            };
            let mut typed = self.build(&plain, pointer, hint)?;
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
        let (id, name) = self.allocate(pointer, hint);
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
            ty: Ty::Named(id),
            nullable,
            doc: None,
        })
    }

    /// Whether values of `ty` have an empty default (`""`, `0`, `false`, `[]`, `None`, or a
    /// struct whose fields all do).
    pub fn has_default(&self, ty: &Ty) -> bool {
        match ty {
            Ty::Named(id) => {
                matches!(&self.def(*id).kind, Kind::Struct(s) if s.defaultable)
            }
            // Rust implements `Default` for tuples of up to 12 items.
            Ty::Tuple(items) => items.len() <= 12 && items.iter().all(|t| self.has_default(t)),
            _ => true,
        }
    }

    /// Decides which structs have a `Default`: every field is optional or of a type with a
    /// default. Computed as a fixpoint so that recursive structs are handled.
    pub fn mark_defaults(&mut self) {
        for def in self.defs.iter_mut().flatten() {
            if let Kind::Struct(s) = &mut def.kind {
                s.defaultable = true;
            }
        }
        let mut variants = Vec::new();
        for def in self.defs.iter().flatten() {
            if let Kind::Union {
                variants: v,
                tag: None,
            } = &def.kind
            {
                variants.extend(v.iter().filter_map(|v| match v.ty {
                    Ty::Named(id) => Some(id),
                    _ => None,
                }));
            }
        }
        for id in variants {
            if let Some(TypeDef {
                kind: Kind::Struct(s),
                ..
            }) = &mut self.defs[id]
            {
                s.lenient = false;
            }
        }
        loop {
            let mut changed = false;
            for id in 0..self.defs.len() {
                let Some(TypeDef {
                    kind: Kind::Struct(s),
                    ..
                }) = &self.defs[id]
                else {
                    continue;
                };
                if s.defaultable
                    && !s
                        .fields
                        .iter()
                        .all(|f| f.optional || self.has_default(&f.ty))
                {
                    if let Some(TypeDef {
                        kind: Kind::Struct(s),
                        ..
                    }) = &mut self.defs[id]
                    {
                        s.defaultable = false;
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
    }

    /// Marks struct fields and union variants that hold their own type by value (directly or
    /// through other types) as boxed, so that recursive types have a finite size.
    pub fn box_recursive_fields(&mut self) {
        let count = self.defs.len();
        for id in 0..count {
            let Some(def) = self.defs[id].take() else {
                continue;
            };
            let mut def = def;
            match &mut def.kind {
                Kind::Struct(s) => {
                    for field in &mut s.fields {
                        field.boxed = self.reaches_by_value(&field.ty, id);
                    }
                }
                Kind::Union { variants, .. } => {
                    for variant in variants {
                        // Structs are boxed in unions anyway: a union is as large as its largest
                        // variant, and a bare string next to a big struct wastes the difference.
                        variant.boxed =
                            self.reaches_by_value(&variant.ty, id) || self.is_struct(&variant.ty);
                    }
                }
                Kind::Enum { .. } => {}
            }
            self.defs[id] = Some(def);
        }
    }

    pub fn is_struct(&self, ty: &Ty) -> bool {
        matches!(ty, Ty::Named(id) if matches!(self.defs[*id].as_ref().map(|d| &d.kind), Some(Kind::Struct(_))))
    }

    fn reaches_by_value(&self, ty: &Ty, target: TypeId) -> bool {
        let mut stack = Vec::new();
        held_by_value(ty, &mut stack);
        let mut seen = BTreeSet::new();
        while let Some(id) = stack.pop() {
            if id == target {
                return true;
            }
            if !seen.insert(id) {
                continue;
            }
            let Some(def) = self.defs[id].as_ref() else {
                continue;
            };
            let inner: Vec<&Ty> = match &def.kind {
                Kind::Struct(s) => s
                    .fields
                    .iter()
                    .filter(|f| !f.boxed)
                    .map(|f| &f.ty)
                    .collect(),
                Kind::Union { variants, .. } => variants
                    .iter()
                    .filter(|v| !v.boxed)
                    .map(|v| &v.ty)
                    .collect(),
                Kind::Enum { .. } => Vec::new(),
            };
            for t in inner {
                held_by_value(t, &mut stack);
            }
        }
        false
    }
}

/// The named types a value of `ty` holds in place (not behind a `Vec`, a map or a `Box`).
fn held_by_value(ty: &Ty, out: &mut Vec<TypeId>) {
    match ty {
        Ty::Named(id) => out.push(*id),
        Ty::Option(inner) => held_by_value(inner, out),
        Ty::Tuple(items) => items.iter().for_each(|t| held_by_value(t, out)),
        _ => {}
    }
}

fn own_props(s: &RawSchema, pointer: &str) -> IndexMap<String, Prop> {
    s.properties
        .iter()
        .map(|(name, schema)| {
            let pointer = join(pointer, &["properties", name]);
            (
                name.clone(),
                Prop {
                    schema: schema.clone(),
                    pointer,
                },
            )
        })
        .collect()
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

fn string_type(format: Option<&str>) -> Ty {
    match format {
        Some("date-time") => Ty::DateTime,
        Some("date") => Ty::Date,
        Some("uuid") => Ty::Uuid,
        _ => Ty::String,
    }
}

fn primitive_variant_name(ty: &Ty) -> &'static str {
    match ty {
        Ty::String | Ty::Uuid | Ty::DateTime | Ty::Date => "String",
        Ty::Bool => "Boolean",
        Ty::I32 | Ty::I64 => "Integer",
        Ty::F32 | Ty::F64 => "Number",
        Ty::Vec(_) => "Array",
        Ty::Tuple(_) => "Tuple",
        Ty::Option(inner) => primitive_variant_name(inner),
        Ty::Map(_) | Ty::JsonObject => "Object",
        Ty::Json | Ty::Named(_) | Ty::Upload | Ty::Bytes => "Value",
    }
}
