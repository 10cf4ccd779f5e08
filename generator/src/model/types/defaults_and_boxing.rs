//! The passes over the whole space, run once every schema is read: which structs have a
//! `Default` (and which must not tolerate missing fields), and which fields and variants are
//! boxed so that recursive types have a finite size.

use std::collections::BTreeSet;

use super::{EnumValue, Field, Kind, Ty, TypeDef, TypeId, TypeSpace};
use crate::model::operations::{BodyKind, Operation};

/// The value of a spec's `default` as the Rust value of its field, when it has one the plan can
/// write: a string, a boolean, a number or a string enum's variant.
#[derive(Debug, Clone, PartialEq)]
pub enum SpecDefault<'t> {
    String(&'t str),
    Bool(bool),
    Integer(i64),
    Float(f64),
    /// The enum (its id) and the variant's name.
    Variant(TypeId, &'t str),
}

impl SpecDefault<'_> {
    /// The type's own empty value (`""`, `false`, `0`): what `Default` gives anyway.
    pub fn is_empty(&self) -> bool {
        match self {
            SpecDefault::String(text) => text.is_empty(),
            SpecDefault::Bool(value) => !value,
            SpecDefault::Integer(n) => *n == 0,
            SpecDefault::Float(n) => *n == 0.0,
            SpecDefault::Variant(..) => false,
        }
    }
}

impl TypeSpace<'_> {
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

    /// The spec's `default` of a required field, as a value of the field's type; `None` for an
    /// optional field (left out, the server applies its default), without a `default`, or one
    /// no Rust literal of the type expresses (an object, a list, a date).
    pub fn spec_default<'t>(&'t self, field: &'t Field) -> Option<SpecDefault<'t>> {
        use serde_json::Value;
        if field.optional {
            return None;
        }
        Some(match (&field.ty, field.default.as_ref()?) {
            (Ty::String, Value::String(text)) => SpecDefault::String(text),
            (Ty::Bool, Value::Bool(value)) => SpecDefault::Bool(*value),
            (Ty::I32, Value::Number(n)) => {
                SpecDefault::Integer(n.as_i64().filter(|n| i32::try_from(*n).is_ok())?)
            }
            (Ty::I64 | Ty::IntegralNumber, Value::Number(n)) => SpecDefault::Integer(n.as_i64()?),
            (Ty::F32 | Ty::F64, Value::Number(n)) => SpecDefault::Float(n.as_f64()?),
            (Ty::Named(id), Value::String(text)) => match &self.def(*id).kind {
                Kind::Enum { variants, .. } => variants
                    .iter()
                    .find(|v| matches!(&v.value, EnumValue::String(value) if value == text))
                    .map(|v| SpecDefault::Variant(*id, &v.name))?,
                _ => return None,
            },
            _ => return None,
        })
    }

    /// Decides which structs users build (`Struct::input`: reached from an operation's
    /// parameters or body) and which have a `Default`. A struct users build has one only when
    /// every field is optional or has a spec default the plan can write: a required value is
    /// never filled in silently (its constructor takes it). Any other struct has one when every
    /// field is optional, has a spec default or is of a type with a default; computed as a
    /// fixpoint so that recursive structs are handled.
    pub fn mark_defaults(&mut self, operations: &[Operation]) {
        let inputs = self.inputs(operations);
        for (id, def) in self.defs.iter_mut().enumerate() {
            if let Some(TypeDef {
                kind: Kind::Struct(s),
                ..
            }) = def
            {
                s.input = inputs.contains(&id);
                s.defaultable = true;
            }
        }
        for id in 0..self.defs.len() {
            let Some(TypeDef {
                kind: Kind::Struct(s),
                ..
            }) = &self.defs[id]
            else {
                continue;
            };
            if s.input
                && !s
                    .fields
                    .iter()
                    .all(|f| f.optional || self.spec_default(f).is_some())
            {
                if let Some(TypeDef {
                    kind: Kind::Struct(s),
                    ..
                }) = &mut self.defs[id]
                {
                    s.defaultable = false;
                }
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
                    && !s.fields.iter().all(|f| {
                        f.optional || self.has_default(&f.ty) || self.spec_default(f).is_some()
                    })
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

    /// The types reached from the operations' parameters and bodies: what users build.
    fn inputs(&self, operations: &[Operation]) -> BTreeSet<TypeId> {
        let mut stack: Vec<&Ty> = Vec::new();
        for op in operations {
            stack.extend(op.params.iter().map(|p| &p.ty));
            match op.body.as_ref().map(|b| &b.kind) {
                Some(BodyKind::Json(ty) | BodyKind::Form(ty)) => stack.push(ty),
                Some(BodyKind::Multipart { fields, .. }) => {
                    stack.extend(fields.iter().map(|f| &f.ty));
                }
                _ => {}
            }
        }
        let mut seen = BTreeSet::new();
        while let Some(ty) = stack.pop() {
            match ty {
                Ty::Named(id) => {
                    if !seen.insert(*id) {
                        continue;
                    }
                    let Some(def) = self.defs[*id].as_ref() else {
                        continue;
                    };
                    match &def.kind {
                        Kind::Struct(s) => {
                            stack.extend(s.fields.iter().map(|f| &f.ty));
                            stack.extend(&s.additional);
                        }
                        Kind::Union { variants, .. } => {
                            stack.extend(variants.iter().map(|v| &v.ty));
                        }
                        Kind::Enum { .. } => {}
                    }
                }
                other => stack.extend(other.parts()),
            }
        }
        seen
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
