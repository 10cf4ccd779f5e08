//! The passes over the whole space, run once every schema is read: which structs have a
//! `Default` (and which must not tolerate missing fields), and which fields and variants are
//! boxed so that recursive types have a finite size.

use std::collections::BTreeSet;

use super::{Kind, Ty, TypeDef, TypeId, TypeSpace};

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
