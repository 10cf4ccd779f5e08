//! What the maintainer's configuration ([`crate::config::Config`]) changes in the model: which
//! operations are kept (`[filter]`), and the names of methods and types (`[rename.*]`).
//! Type overrides are applied by the type space as it reads each schema
//! ([`super::types::TypeSpace::set_overrides`]).
//!
//! Every entry must do something: a rename or filter that matches nothing is an error at its
//! place in the configuration file (a typo would otherwise go unnoticed), and so is a rename
//! to a name the crate already uses.

use std::collections::BTreeSet;

use super::names;
use super::operations::Operation;
use super::types::TypeSpace;
use crate::config::{Config, Filter, Item, path_matches};
use crate::diagnostics::{Diagnostic, Error};

/// Which of the filter's entries matched an operation, to report those that match none.
#[derive(Default)]
pub struct FilterUse {
    used: BTreeSet<String>,
}

/// Whether an operation on `path` with `tags` is kept by `filter`; marks the entries that
/// matched.
pub fn keep(filter: &Filter, path: &str, tags: &[String], used: &mut FilterUse) -> bool {
    if filter.is_empty() {
        return true;
    }
    let mut hit = |items: &[Item], matches: &dyn Fn(&str) -> bool| {
        let mut any = false;
        for item in items {
            if matches(&item.value) {
                used.used.insert(item.at.position.clone());
                any = true;
            }
        }
        any
    };
    let has_tag = |tag: &str| tags.iter().any(|t| t.trim() == tag.trim());
    let on_path = |pattern: &str| path_matches(pattern, path);
    let included_by_tag = hit(&filter.include_tags, &has_tag);
    let included_by_path = hit(&filter.include_paths, &on_path);
    let includes = !filter.include_tags.is_empty() || !filter.include_paths.is_empty();
    let excluded = hit(&filter.exclude_tags, &has_tag) | hit(&filter.exclude_paths, &on_path);
    (!includes || included_by_tag || included_by_path) && !excluded
}

/// Errors for the filter entries that matched no operation of the spec.
pub fn unused_filters(filter: &Filter, used: &FilterUse) -> Vec<Diagnostic> {
    let lists = [
        (&filter.include_tags, "no operation has this tag"),
        (&filter.exclude_tags, "no operation has this tag"),
        (&filter.include_paths, "no operation has this path"),
        (&filter.exclude_paths, "no operation has this path"),
    ];
    lists
        .into_iter()
        .flat_map(|(items, why)| {
            items
                .iter()
                .filter(|item| !used.used.contains(&item.at.position))
                .map(move |item| item.at.diagnostic(format_args!("`{}`: {why}", item.value)))
        })
        .collect()
}

/// Applies `[rename.methods]`: an entry names an operation by its pointer
/// (`#/paths/~1meetings/get`), its operationId or its method name.
pub fn rename_methods(config: &Config, operations: &mut [Operation]) -> Result<(), Error> {
    let mut errors = Vec::new();
    for entry in &config.rename_methods {
        let wanted = names::field_name(&entry.key);
        let found: Vec<usize> = operations
            .iter()
            .enumerate()
            .filter(|(_, op)| {
                op.pointer == entry.key || op.fn_name == entry.key || op.fn_name == wanted
            })
            .map(|(i, _)| i)
            .collect();
        let [index] = found[..] else {
            errors.push(entry.at.diagnostic(if found.is_empty() {
                "matches no operation (by pointer, operationId or method name)".to_string()
            } else {
                format!(
                    "matches {} operations; name one by its pointer",
                    found.len()
                )
            }));
            continue;
        };
        let taken = operations
            .iter()
            .enumerate()
            .any(|(i, op)| i != index && op.fn_name == entry.value);
        if taken
            || crate::plan::scope::CLIENT_METHODS_AND_MODULES.contains(&entry.value.as_str())
            || ["clone", "fmt"].contains(&entry.value.as_str())
        {
            errors.push(entry.at.diagnostic(format_args!(
                "`{}` is already a method of the client or its groups",
                entry.value
            )));
            continue;
        }
        operations[index].fn_name = entry.value.clone();
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error {
            diagnostics: errors,
        })
    }
}

/// Applies `[rename.types]`: an entry names a type by the pointer of its schema, or by its
/// generated name (a schema's type or an operation's request struct).
pub fn rename_types(
    config: &Config,
    types: &mut TypeSpace,
    operations: &mut [Operation],
) -> Result<(), Error> {
    let mut errors = Vec::new();
    for entry in &config.rename_types {
        let by_pointer = types.id_at(&entry.key);
        let by_name = types.id_named(&entry.key);
        let request = operations
            .iter()
            .position(|op| op.request_name.as_deref() == Some(entry.key.as_str()));
        if by_pointer.is_none() && by_name.is_none() && request.is_none() {
            errors.push(entry.at.diagnostic(
                "matches no type (by the pointer of its schema, or by its generated name)",
            ));
            continue;
        }
        if types.scope.contains(&entry.value) {
            errors.push(entry.at.diagnostic(format_args!(
                "`{}` is already the name of a type of the crate",
                entry.value
            )));
            continue;
        }
        match (by_pointer.or(by_name), request) {
            (Some(id), _) => types.rename(id, &entry.value),
            (None, Some(index)) => {
                types.scope.claim(entry.value.clone());
                operations[index].request_name = Some(entry.value.clone());
            }
            (None, None) => unreachable!("checked above"),
        }
    }
    if errors.is_empty() {
        types.rename_union_variants();
        Ok(())
    } else {
        Err(Error {
            diagnostics: errors,
        })
    }
}
