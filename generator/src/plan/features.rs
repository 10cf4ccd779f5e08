//! The crate's cargo features: one per group, named as its module, enabling the group's
//! operations and exactly the types of `src/types.rs` they reach; `full` with all of them; and
//! which of them a crate enables by default.
//!
//! A type is gated by the groups that reach it (through the fields, variants and items of the
//! types their requests, responses, page walks and error bodies name). It stays ungated when
//! every group reaches it, when no group does (a webhook's payload, which users decode whatever
//! operations they call), or when an ungated type contains it.

use std::collections::BTreeSet;

use super::Plan;
use super::items::TypeRef;
use crate::model::types::{Kind, Ty, TypeId, TypeSpace};

/// Operations up to which a crate enables `full` by default. Such a crate checks in a few
/// seconds beyond its dependencies (the 62-operation Realtime Kit crate: see BENCHMARKS.md),
/// and most of its users call much of it; a larger one would make every user pay for the whole
/// API (Cloudflare's 1,533 operations: minutes per build), so its users name the groups they
/// call.
pub const FULL_BY_DEFAULT_UP_TO: usize = 150;

/// Features that are not groups; a group whose module has one of these names gets its feature
/// named `<module>_api`. (`rustls-ring` and `native-tls` are no module's name: modules have no
/// `-`.)
pub const RESERVED: &[&str] = &["default", "full", "blocking", "tracing", "rustls"];

/// A choice of TLS stack: a feature of the crate forwarded to reqwest's.
#[derive(Debug)]
pub struct Tls {
    /// The feature's name.
    pub name: &'static str,
    /// What it enables (reqwest's features, the crate's optional dependencies).
    pub enables: &'static [&'static str],
    /// Why to choose it, for the manifest's comment.
    pub doc: &'static str,
}

/// The TLS features, the first on by default. Without any (`default-features = false`), the
/// crate builds no TLS stack: a user gives their own `reqwest::Client`
/// (`ClientBuilder::http_client`), or calls a plain `http://` server.
pub const TLS: &[Tls] = &[
    Tls {
        name: "rustls",
        enables: &["reqwest/rustls"],
        doc: "TLS with rustls and its default crypto provider, aws-lc-rs (aws-lc-sys: a \
              large C library, built with the crate).",
    },
    Tls {
        name: "rustls-ring",
        enables: &["reqwest/rustls-no-provider", "dep:rustls"],
        doc: "TLS with rustls and the ring crypto provider instead: no aws-lc-sys to build. Use \
              with `default-features = false`; the client installs ring as rustls's \
              process-wide default provider unless the program installed one.",
    },
    Tls {
        name: "native-tls",
        enables: &["reqwest/native-tls"],
        doc: "TLS with the system's library (OpenSSL on Linux, Security.framework on macOS, \
              SChannel on Windows). Use with `default-features = false`.",
    },
];

/// When a piece of code is compiled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Gate {
    /// Always.
    Always,
    /// When one of these groups' features is on (indices into [`Plan::modules`], sorted, never
    /// all of them).
    Any(Vec<usize>),
}

impl Gate {
    /// Code needed by each of `gates`: compiled when any of them is.
    pub fn union<'g>(gates: impl IntoIterator<Item = &'g Gate>) -> Gate {
        let mut groups = BTreeSet::new();
        for gate in gates {
            match gate {
                Gate::Always => return Gate::Always,
                Gate::Any(some) => groups.extend(some.iter().copied()),
            }
        }
        Gate::Any(groups.into_iter().collect())
    }
}

/// How a `use` or private item needed by code under several gates is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Import {
    /// Needed whatever the features: plain.
    Always,
    /// Needed only under a few groups' features: `#[cfg]` with them.
    Cfg(Gate),
    /// Needed under many groups' features: `#[allow(unused_imports)]` (`dead_code` for an
    /// item), which reads better than a `#[cfg]` listing them all.
    AllowUnused,
}

/// Features up to which an import is gated by a `#[cfg]` listing them.
pub const IMPORT_CFG_UP_TO: usize = 3;

impl Import {
    /// The import needed by code under each of `gates`.
    pub fn of<'g>(gates: impl IntoIterator<Item = &'g Gate>) -> Import {
        match Gate::union(gates) {
            Gate::Always => Import::Always,
            Gate::Any(groups) if groups.len() <= IMPORT_CFG_UP_TO => Import::Cfg(Gate::Any(groups)),
            Gate::Any(_) => Import::AllowUnused,
        }
    }
}

/// The features of a crate.
#[derive(Debug)]
pub struct Features {
    /// Per group (as [`Plan::modules`]): its feature's name.
    pub names: Vec<String>,
    /// Per group: the features its feature enables, those of the groups of its child tags
    /// (OpenAPI 3.2's tag `parent`), so that a parent's feature compiles what is nested in it.
    pub enables: Vec<Vec<String>>,
    /// Whether `default` enables `full` (see [`FULL_BY_DEFAULT_UP_TO`]).
    pub full_by_default: bool,
}

/// Feature names, one per module name, avoiding [`RESERVED`] and each other.
pub fn names<'a>(modules: impl Iterator<Item = &'a str>) -> Vec<String> {
    let modules: Vec<&str> = modules.collect();
    let mut taken: BTreeSet<String> = modules.iter().map(|m| m.to_string()).collect();
    modules
        .iter()
        .map(|module| {
            if !RESERVED.contains(module) {
                return module.to_string();
            }
            let mut name = format!("{module}_api");
            while taken.contains(&name) || RESERVED.contains(&name.as_str()) {
                name.push_str("_api");
            }
            taken.insert(name.clone());
            name
        })
        .collect()
}

/// Sets the gate of every type of `src/types.rs` (by the groups that reach it) and of every
/// credential constant (by the groups whose operations use it).
pub fn gate<'m>(plan: &mut Plan<'m, '_>) {
    let model = plan.model;
    let types = &model.types;
    let groups = plan.modules.len();
    // Per type (by `TypeId`), the groups reaching it, in order.
    let mut reached: Vec<Vec<usize>> = vec![Vec::new(); types.id_bound()];
    let mut walk = Reach::new(types);
    for (index, module) in plan.modules.iter().enumerate() {
        let mut seeds: Vec<&'m Ty> = Vec::new();
        let mut add = |ty: TypeRef<'m>| {
            if let TypeRef::Ty(ty) = ty {
                seeds.push(ty);
            }
        };
        for item in &module.items {
            item.visit_types(&mut add);
        }
        module.visit_types(&mut add);
        // Their docs name the error bodies, which users decode with `ApiError::body_as`.
        seeds.extend(
            module
                .methods
                .iter()
                .flat_map(|m| &m.op.errors)
                .map(|e| &e.ty),
        );
        for &id in walk.from(seeds) {
            reached[id].push(index);
        }
    }
    // Types no group reaches (webhook payloads), and what they contain, are always there.
    let unreached = types
        .defs()
        .filter(|(id, _)| reached[*id].is_empty())
        .map(|(id, _)| Ty::Named(id))
        .collect::<Vec<_>>();
    let mut always = vec![false; types.id_bound()];
    for &id in walk.from(&unreached) {
        always[id] = true;
    }
    for (item, (id, _)) in plan.types.iter_mut().zip(types.defs()) {
        let groups_reaching = &reached[id];
        item.gate = if !groups_reaching.is_empty() && !always[id] && groups_reaching.len() < groups
        {
            Gate::Any(groups_reaching.clone())
        } else {
            Gate::Always
        };
    }
    for (alternatives, name) in &plan.auth_consts {
        let users = plan
            .modules
            .iter()
            .enumerate()
            .filter(|(_, m)| m.methods.iter().any(|m| m.op.auth == **alternatives))
            .map(|(index, _)| index)
            .collect::<Vec<_>>();
        // Private: unused (dead code) when none of its groups is on, even if all use it.
        plan.auth_gates.insert(name.clone(), Gate::Any(users));
    }
}

/// Every type named by `seeds`, and the types those contain, transitively.
pub fn reach<'t>(
    types: &'t TypeSpace,
    seeds: impl IntoIterator<Item = &'t Ty>,
) -> BTreeSet<TypeId> {
    Reach::new(types).from(seeds).iter().copied().collect()
}

/// The walk of [`reach`], reusable: which types it has seen is a table indexed by id, marked
/// with the number of the walk (so that a new walk clears nothing), and the type expressions
/// are taken apart in place. [`gate`] walks once per group.
struct Reach<'t, 'a> {
    types: &'t TypeSpace<'a>,
    /// Per type, the last walk that met it.
    seen: Vec<usize>,
    walk: usize,
    stack: Vec<&'t Ty>,
    found: Vec<TypeId>,
}

impl<'t, 'a> Reach<'t, 'a> {
    fn new(types: &'t TypeSpace<'a>) -> Self {
        Reach {
            types,
            seen: vec![0; types.id_bound()],
            walk: 0,
            stack: Vec::new(),
            found: Vec::new(),
        }
    }

    /// The types `seeds` reach, each once, in no particular order.
    fn from(&mut self, seeds: impl IntoIterator<Item = &'t Ty>) -> &[TypeId] {
        self.walk += 1;
        self.found.clear();
        self.stack.extend(seeds);
        while let Some(ty) = self.stack.pop() {
            match ty {
                Ty::Named(id) => {
                    let id = *id;
                    if self.seen[id] == self.walk {
                        continue;
                    }
                    self.seen[id] = self.walk;
                    self.found.push(id);
                    match &self.types.def(id).kind {
                        Kind::Struct(s) => {
                            self.stack.extend(s.fields.iter().map(|f| &f.ty));
                            self.stack.extend(s.additional.iter());
                        }
                        Kind::Union { variants, .. } => {
                            self.stack.extend(variants.iter().map(|v| &v.ty))
                        }
                        Kind::Enum { .. } => {}
                    }
                }
                other => self.stack.extend(other.parts()),
            }
        }
        &self.found
    }
}
