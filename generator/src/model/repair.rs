//! Mistakes whose intent is plain, repaired where the model reads them, each with a located
//! warning that says what was assumed ([`Category::Repaired`]: an error under `strict`).
//! What is ambiguous stays refused (docs/repairs.md lists both).
//!
//! The repairs of an operation's parameters, done on the merged parameters before any of them
//! is read, so that the rest of the model sees a valid operation:
//! - a path template name (`/jobs/{job_identifier}`) that no path parameter declares: the one
//!   parameter of that name declared `in: query`, `header` or `cookie` is that path parameter
//!   (its schema and description kept, no longer sent where it was declared); with none, a
//!   required string path parameter is assumed ([`PathRepair::undeclared`]);
//! - a path parameter declared `required: false` or without `required`: required, as every
//!   path parameter is.
//!
//! And, where method names are chosen (`model::method_names`), an operationId that an earlier
//! operation has already: another operation, its method named apart.

use indexmap::IndexMap;
use openapiv3::{Parameter, PathStyle};

use crate::diagnostics::{Category, Diagnostic, Error, Severity};
use crate::resolve::{Resolver, join};

/// An operation's merged parameters, by location and name: each with the pointer it was read
/// from (behind its `$ref`) and the pointer of its entry in the operation's or path item's
/// `parameters` (where it is written for this operation).
pub(super) type Merged = IndexMap<(&'static str, String), (Parameter, String, String)>;

/// What the repairs of an operation's path parameters leave to the caller.
pub(super) struct PathRepair {
    /// Template names no parameter declares, in the template's order: each a required string
    /// path parameter.
    pub undeclared: Vec<String>,
    /// One warning per repair.
    pub warnings: Vec<Diagnostic>,
}

/// Checks and repairs the parameters `path` needs (see the module docs); refuses a template
/// that is not well formed (an unclosed `{`, an empty `{}`), a declared path parameter the
/// template does not name (a renamed placeholder or a query parameter declared in the wrong
/// place: not plain which), and a template name that several non-path parameters have.
pub(super) fn path_parameters(
    path: &str,
    pointer: &str,
    merged: &mut Merged,
    resolver: &Resolver,
) -> Result<PathRepair, Error> {
    let names = template_names(path).map_err(|message| Error::single(pointer, message))?;
    let mut repair = PathRepair {
        undeclared: Vec::new(),
        warnings: Vec::new(),
    };
    for (key, (_, at, written)) in merged.iter() {
        if key.0 == "path" && !names.contains(&key.1.as_str()) {
            return Err(Error::single(
                written.as_str(),
                format!(
                    "path parameter `{}` does not appear in the path `{path}`{}",
                    key.1,
                    if at != written {
                        format!(" (declared at `{at}`)")
                    } else {
                        String::new()
                    }
                ),
            ));
        }
    }
    for name in names {
        if merged.contains_key(&("path", name.to_string())) {
            continue;
        }
        let elsewhere: Vec<usize> = merged
            .iter()
            .enumerate()
            .filter(|(_, (key, _))| key.1 == name)
            .map(|(index, _)| index)
            .collect();
        match elsewhere.as_slice() {
            [] => {
                repair.undeclared.push(name.to_string());
                repair.warnings.push(warning(
                    pointer,
                    format!(
                        "path template parameter `{name}` is not declared: assumed a required \
                         string path parameter"
                    ),
                ));
            }
            [index] => {
                let index = *index;
                let Some((key, (param, at, written))) = merged.shift_remove_index(index) else {
                    continue;
                };
                let Some(mut data) = movable(param) else {
                    return Err(Error::single(
                        written,
                        format!(
                            "path template parameter `{name}` is declared only as the \
                             `querystring` parameter, the whole query string, which is no path \
                             segment"
                        ),
                    ));
                };
                repair.warnings.push(warning(
                    &written,
                    format!(
                        "parameter `{name}` is declared `in: {}`, but the path template \
                         `{path}` names it: read as the required path parameter `{name}` (its \
                         schema and description kept), not sent in the {}",
                        key.0,
                        match key.0 {
                            "query" => "query string",
                            "header" => "headers",
                            _ => "cookies",
                        }
                    ),
                ));
                // Read as declared `required: true` below, without a second warning.
                data.required = true;
                let moved = Parameter::Path {
                    parameter_data: data,
                    style: PathStyle::Simple,
                };
                merged.shift_insert(index, ("path", name.to_string()), (moved, at, written));
            }
            several => {
                let places: Vec<&str> = several
                    .iter()
                    .filter_map(|i| merged.get_index(*i))
                    .map(|(key, _)| key.0)
                    .collect();
                return Err(Error::single(
                    pointer,
                    format!(
                        "path template parameter `{name}` is not declared as a path parameter, \
                         and parameters of that name are declared `in: {}`: which one the path \
                         means is not plain",
                        places.join("` and `in: ")
                    ),
                ));
            }
        }
    }
    for (key, (param, at, _)) in merged.iter_mut() {
        let Parameter::Path { parameter_data, .. } = param else {
            continue;
        };
        if parameter_data.required {
            continue;
        }
        parameter_data.required = true;
        let required_at = join(at, &["required"]);
        let (place, written) = match resolver.value(&required_at, at) {
            Ok(_) => (required_at, "`required: false`"),
            Err(_) => (at.clone(), "no `required`"),
        };
        repair.warnings.push(warning(
            &place,
            format!(
                "path parameter `{}` is declared with {written}: read as required, as every \
                 path parameter is",
                key.1
            ),
        ));
    }
    Ok(repair)
}

/// The parameter's data, when it may be moved to the path: a query (not the whole query
/// string), header or cookie parameter.
fn movable(param: Parameter) -> Option<openapiv3::ParameterData> {
    match param {
        Parameter::Query { parameter_data, .. }
            if !parameter_data
                .extensions
                .contains_key(crate::lower::QUERYSTRING_KEY) =>
        {
            Some(parameter_data)
        }
        Parameter::Query { .. } => None,
        Parameter::Header { parameter_data, .. }
        | Parameter::Cookie { parameter_data, .. }
        | Parameter::Path { parameter_data, .. } => Some(parameter_data),
    }
}

/// The names of a path template's placeholders, in order, each once; or what is wrong with it.
fn template_names(path: &str) -> Result<Vec<&str>, String> {
    let mut names: Vec<&str> = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            return Err(format!("path `{path}` has an unclosed `{{`"));
        };
        let name = &rest[start + 1..start + len];
        if name.is_empty() {
            return Err(format!(
                "path `{path}` has an empty `{{}}`, which names no parameter"
            ));
        }
        if !names.contains(&name) {
            names.push(name);
        }
        rest = &rest[start + len + 1..];
    }
    Ok(names)
}

/// The operation at `at` has the operationId `id` of the earlier operation `first`
/// (`GET /a`): two operations all the same (their paths or methods differ), each with a method
/// of its own, named apart as any two colliding method names are (`model::method_names`).
pub(super) fn duplicate_operation_id(at: &str, id: &str, first: &str) -> Diagnostic {
    warning(
        &join(at, &["operationId"]),
        format!(
            "operationId `{id}` is also that of `{first}`, and an operationId is unique: read \
             as another operation, its method named apart"
        ),
    )
}

fn warning(pointer: &str, message: String) -> Diagnostic {
    Diagnostic {
        severity: Severity::Warning,
        category: Category::Repaired,
        pointer: pointer.to_string(),
        message,
    }
}
