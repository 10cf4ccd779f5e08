//! Overlays: OpenAPI Overlay 1.0 and 1.1 documents, the standard way to patch a description
//! one does not own, applied to the description's JSON tree after it is read and before
//! [`load::load_tree`] (lower, check, ...). Each overlay's `actions` are applied in order, each
//! to the result of the one before, and the overlays in the order given
//! ([`crate::Options::overlays`]).
//!
//! An action selects nodes of the document with its `target`, an RFC 9535 JSONPath query
//! (`serde_json_path`, which gives the normalized path of every node it selects), and then:
//!
//! - `remove: true` removes each from the object or array holding it;
//! - `update` merges its value into each: into an object, an object, property by property (a
//!   property only in the update is added, a primitive replaces a primitive, an array is
//!   appended to an array, an object is merged into an object, any other pair is an error);
//!   into an array, an array is appended and any other value added as one item; a primitive
//!   is replaced by a primitive. Overlay 1.0 says an update of an array is "an entry to
//!   append"; 1.1 clarified that an array is appended item by item, and both are read so;
//! - `copy` (1.1), a JSONPath query selecting one node of the document as it is then, merges
//!   that node's value as `update` merges its own.
//!
//! `remove` wins over the others, as the specification says; an action with both `update` and
//! `copy` is refused (the specification gives neither precedence). `extends` (the document the
//! overlay was written for) is read but not checked: the maintainer names the overlays of a
//! description, which is how the specification leaves it to tools.
//!
//! Every problem is located in the overlay, as `<label>#<pointer>`
//! (`fixes.yaml#/actions/2/target`): text that is not YAML or JSON, a version other than 1.0.x
//! or 1.1.x, a missing or misspelled field, a query that is not RFC 9535 JSONPath, a `copy`
//! selecting several nodes, values that cannot be merged (errors, all of an overlay's found
//! before anything is applied, except merges, which are tried); an action whose `target` (or
//! `copy`) selects nothing is a warning at its place ([`Category::NoEffect`]: an error under
//! `strict`). Diagnostics about the description name places in the overlaid document.

use std::cmp::Reverse;

use serde_json::{Map, Value};
use serde_json_path::JsonPath;

use crate::diagnostics::{Category, Diagnostic, Error, Severity};
use crate::load;
use crate::resolve::escape;

/// One overlay document: how diagnostics name it and its text (YAML or JSON).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overlay {
    /// How diagnostics name the overlay, e.g. `spec/fixes.overlay.yaml`.
    pub label: String,
    /// The overlay document, YAML or JSON.
    pub text: String,
}

impl Overlay {
    /// The overlay `text`, named `label` in diagnostics.
    pub fn new(label: impl Into<String>, text: impl Into<String>) -> Overlay {
        Overlay {
            label: label.into(),
            text: text.into(),
        }
    }
}

/// Applies `overlays` to the document `tree`, in order. Returns the warnings (actions that
/// select nothing), or every error of the first overlay that has any.
pub fn apply_all(tree: &mut Value, overlays: &[Overlay]) -> Result<Vec<Diagnostic>, Error> {
    let mut warnings = Vec::new();
    for overlay in overlays {
        let actions = parse(overlay)?;
        warnings.extend(apply(tree, &overlay.label, &actions)?);
    }
    Ok(warnings)
}

/// The overlaid tree of a description's text: [`load::read`] and [`apply_all`], for a caller
/// that hands the document to another tool (Prism, for `conformance`).
pub fn overlaid(text: &str, overlays: &[Overlay]) -> Result<(Value, Vec<Diagnostic>), Error> {
    let mut tree = load::read(text)?;
    let warnings = apply_all(&mut tree, overlays)?;
    Ok((tree, warnings))
}

/// One action, checked.
struct Action {
    /// `#/actions/<i>`.
    at: String,
    target: JsonPath,
    change: Change,
}

enum Change {
    Remove,
    Update(Value),
    Copy(JsonPath),
}

/// The minor versions of the Overlay specification this module reads.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Version {
    V10,
    V11,
}

/// Collects the located errors of one overlay.
struct Problems<'o> {
    label: &'o str,
    errors: Vec<Diagnostic>,
}

impl Problems<'_> {
    fn error(&mut self, pointer: &str, message: impl Into<String>) {
        self.errors.push(Diagnostic {
            severity: Severity::Error,
            category: Category::BadInput,
            pointer: format!("{}{pointer}", self.label),
            message: message.into(),
        });
    }

    /// A JSONPath query at `pointer`, or an error there.
    fn query(&mut self, value: &Value, pointer: &str, field: &str) -> Option<JsonPath> {
        let Some(text) = value.as_str() else {
            self.error(
                pointer,
                format!("`{field}` is {}, not a JSONPath query", kind(value)),
            );
            return None;
        };
        if nesting(text) > MAX_QUERY_NESTING {
            self.error(
                pointer,
                format!(
                    "`{field}` nests brackets and parentheses more than {MAX_QUERY_NESTING} \
                     levels deep; this generator reads no deeper query"
                ),
            );
            return None;
        }
        match JsonPath::parse(text) {
            Ok(path) => Some(path),
            Err(e) => {
                self.error(
                    pointer,
                    format!("`{text}` is not a JSONPath query (RFC 9535): {e}"),
                );
                None
            }
        }
    }
}

/// How deeply a JSONPath query may nest brackets and parentheses (filters within filters,
/// function calls, parenthesized logic). The parser recurses once per level (a query nested
/// 20,000 deep overflowed even the generator's 64 MiB stack); real queries nest a few levels.
const MAX_QUERY_NESTING: usize = 64;

/// The deepest nesting of `[` and `(` in a query, outside its string literals.
fn nesting(query: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0);
    let mut quote = None;
    let mut chars = query.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(_), '\\') => {
                chars.next();
            }
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '[' | '(') => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            (None, ']' | ')') => depth = depth.saturating_sub(1),
            (None, _) => {}
        }
    }
    deepest
}

/// A value's kind, with its article, for messages.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

const OVERLAY_FIELDS: &str = "`overlay`, `info`, `extends`, `actions` and `x-` extensions";
const ACTION_FIELDS: &str =
    "`target`, `description`, `update`, `copy`, `remove` and `x-` extensions";

/// Reads and checks an overlay: its actions, or every problem it has.
fn parse(overlay: &Overlay) -> Result<Vec<Action>, Error> {
    let mut problems = Problems {
        label: &overlay.label,
        errors: Vec::new(),
    };
    let document = load::read(&overlay.text).map_err(|e| Error {
        diagnostics: e
            .diagnostics
            .into_iter()
            .map(|d| Diagnostic {
                pointer: format!("{}{}", overlay.label, d.pointer),
                ..d
            })
            .collect(),
    })?;
    let Some(root) = document.as_object() else {
        problems.error(
            "#",
            format!(
                "is {}, not an Overlay document (an object)",
                kind(&document)
            ),
        );
        return Err(Error {
            diagnostics: problems.errors,
        });
    };
    let version = match root.get("overlay") {
        None => {
            problems.error(
                "#",
                "is not an Overlay document: it has no `overlay` version (e.g. `overlay: 1.1.0`)",
            );
            None
        }
        Some(Value::String(v)) if v.starts_with("1.0.") || v == "1.0" => Some(Version::V10),
        Some(Value::String(v)) if v.starts_with("1.1.") || v == "1.1" => Some(Version::V11),
        Some(other) => {
            let shown = match other {
                Value::String(v) => format!("`{v}`"),
                other => format!("{} (`{other}`; quote it)", kind(other)),
            };
            problems.error(
                "#/overlay",
                format!("Overlay version {shown} is not supported: 1.0.x and 1.1.x are"),
            );
            None
        }
    };
    for key in root.keys() {
        if !matches!(key.as_str(), "overlay" | "info" | "extends" | "actions")
            && !key.starts_with("x-")
        {
            problems.error(
                &format!("#/{}", escape(key)),
                format!("unknown field `{key}` (an overlay has {OVERLAY_FIELDS})"),
            );
        }
    }
    check_info(root.get("info"), &mut problems);
    if let Some(extends) = root.get("extends").filter(|e| !e.is_string()) {
        problems.error(
            "#/extends",
            format!(
                "`extends` is {}, not a URI reference to a document",
                kind(extends)
            ),
        );
    }
    let mut actions = Vec::new();
    match root.get("actions") {
        None => problems.error("#", "has no `actions` (a list of at least one action)"),
        Some(Value::Array(list)) if list.is_empty() => {
            problems.error("#/actions", "is empty: an overlay has at least one action")
        }
        Some(Value::Array(list)) => {
            for (i, action) in list.iter().enumerate() {
                let at = format!("#/actions/{i}");
                if let Some(action) = check_action(action, at, version, &mut problems) {
                    actions.push(action);
                }
            }
        }
        Some(other) => problems.error(
            "#/actions",
            format!("`actions` is {}, not a list of actions", kind(other)),
        ),
    }
    if problems.errors.is_empty() {
        Ok(actions)
    } else {
        Err(Error {
            diagnostics: problems.errors,
        })
    }
}

/// `info`: an object with a `title` and a `version` (strings), both required.
fn check_info(info: Option<&Value>, problems: &mut Problems) {
    let Some(info) = info else {
        problems.error("#", "has no `info` (an object with `title` and `version`)");
        return;
    };
    let Some(info) = info.as_object() else {
        problems.error(
            "#/info",
            format!(
                "`info` is {}, not an object with `title` and `version`",
                kind(info)
            ),
        );
        return;
    };
    for field in ["title", "version"] {
        match info.get(field) {
            Some(Value::String(_)) => {}
            None => problems.error("#/info", format!("has no `{field}` (a string)")),
            Some(other) => problems.error(
                &format!("#/info/{field}"),
                format!("`{field}` is {}, not a string", kind(other)),
            ),
        }
    }
}

fn check_action(
    action: &Value,
    at: String,
    version: Option<Version>,
    problems: &mut Problems,
) -> Option<Action> {
    let Some(fields) = action.as_object() else {
        problems.error(&at, format!("an action is an object, not {}", kind(action)));
        return None;
    };
    let before = problems.errors.len();
    for key in fields.keys() {
        if !matches!(
            key.as_str(),
            "target" | "description" | "update" | "copy" | "remove"
        ) && !key.starts_with("x-")
        {
            problems.error(
                &format!("{at}/{}", escape(key)),
                format!("unknown field `{key}` (an action has {ACTION_FIELDS})"),
            );
        }
    }
    if let Some(description) = fields.get("description").filter(|d| !d.is_string()) {
        problems.error(
            &format!("{at}/description"),
            format!("`description` is {}, not a string", kind(description)),
        );
    }
    let target = match fields.get("target") {
        Some(target) => problems.query(target, &format!("{at}/target"), "target"),
        None => {
            problems.error(
                &at,
                "has no `target` (an RFC 9535 JSONPath query selecting what the action changes)",
            );
            None
        }
    };
    let remove = match fields.get("remove") {
        None => false,
        Some(Value::Bool(remove)) => *remove,
        Some(other) => {
            problems.error(
                &format!("{at}/remove"),
                format!("`remove` is {}, not a boolean", kind(other)),
            );
            false
        }
    };
    let copy = match fields.get("copy") {
        Some(_) if version == Some(Version::V10) => {
            problems.error(
                &format!("{at}/copy"),
                "`copy` is Overlay 1.1: declare `overlay: 1.1.0` to use it",
            );
            Some(None)
        }
        Some(copy) => Some(problems.query(copy, &format!("{at}/copy"), "copy")),
        None => None,
    };
    let update = fields.get("update");
    let change = if remove {
        Some(Change::Remove)
    } else {
        match (update, copy) {
            (Some(_), Some(_)) => {
                problems.error(
                    &at,
                    "has both `update` and `copy`: the Overlay specification gives neither \
                     precedence; split it into two actions",
                );
                None
            }
            (Some(update), None) => Some(Change::Update(update.clone())),
            (None, Some(copy)) => copy.map(Change::Copy),
            (None, None) => {
                problems.error(
                    &at,
                    "changes nothing: an action has an `update`, a `copy` or `remove: true`",
                );
                None
            }
        }
    };
    if problems.errors.len() > before {
        return None;
    }
    Some(Action {
        at,
        target: target?,
        change: change?,
    })
}

/// One step of a normalized path: a member name or an array index.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Step {
    Name(String),
    Index(usize),
}

/// The normalized paths of the nodes `query` selects in `tree`, each once, in the query's
/// order.
fn locate(query: &JsonPath, tree: &Value) -> Vec<Vec<Step>> {
    // Not `LocatedNodeList::dedup`, which sorts the paths: the nodes are changed in the order
    // the query gives them (which an `update` appending to nested arrays can tell).
    let mut seen = std::collections::BTreeSet::new();
    query
        .query_located(tree)
        .locations()
        .map(|path| {
            path.iter()
                .map(|step| match step.as_index() {
                    Some(index) => Step::Index(index),
                    None => Step::Name(step.as_name().unwrap_or_default().to_string()),
                })
                .collect::<Vec<_>>()
        })
        .filter(|path| seen.insert(path.clone()))
        .collect()
}

/// The JSON pointer (`#/paths/~1pets`) of a normalized path.
fn pointer(path: &[Step]) -> String {
    let mut out = String::from("#");
    for step in path {
        out.push('/');
        match step {
            Step::Name(name) => out.push_str(&escape(name)),
            Step::Index(index) => out.push_str(&index.to_string()),
        }
    }
    out
}

fn node_mut<'t>(tree: &'t mut Value, path: &[Step]) -> Option<&'t mut Value> {
    path.iter().try_fold(tree, |node, step| match step {
        Step::Name(name) => node.as_object_mut()?.get_mut(name),
        Step::Index(index) => node.as_array_mut()?.get_mut(*index),
    })
}

/// Applies one overlay's checked actions, in order. Returns the warnings of the actions that
/// select nothing, or the errors of those whose values cannot be merged.
fn apply(tree: &mut Value, label: &str, actions: &[Action]) -> Result<Vec<Diagnostic>, Error> {
    let mut problems = Problems {
        label,
        errors: Vec::new(),
    };
    let mut warnings = Vec::new();
    let mut nothing = |pointer: String, what: &str| {
        warnings.push(Diagnostic {
            severity: Severity::Warning,
            category: Category::NoEffect,
            pointer: format!("{label}{pointer}"),
            message: format!(
                "{what} selects nothing in the description: the action changes nothing"
            ),
        });
    };
    for action in actions {
        let targets = locate(&action.target, tree);
        if targets.is_empty() {
            nothing(format!("{}/target", action.at), "`target`");
            continue;
        }
        match &action.change {
            Change::Remove => remove(tree, targets, &action.at, &mut problems),
            Change::Update(value) => merge_into(
                tree,
                &targets,
                value,
                &format!("{}/update", action.at),
                &mut problems,
            ),
            Change::Copy(source) => {
                let at = format!("{}/copy", action.at);
                let sources = locate(source, tree);
                match &sources[..] {
                    [] => nothing(at, "`copy`"),
                    [one] => {
                        let value = node_mut(tree, one).map(|v| v.clone()).unwrap_or_default();
                        merge_into(tree, &targets, &value, &at, &mut problems);
                    }
                    several => problems.error(
                        &at,
                        format!(
                            "selects {} nodes ({}, ...): `copy` copies exactly one",
                            several.len(),
                            several[..2]
                                .iter()
                                .map(|p| format!("`{}`", pointer(p)))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    ),
                }
            }
        }
    }
    if problems.errors.is_empty() {
        Ok(warnings)
    } else {
        Err(Error {
            diagnostics: problems.errors,
        })
    }
}

/// Removes the nodes at `targets`: the deepest first and, in one array, the last first, so
/// that every path still names its node when its turn comes.
fn remove(tree: &mut Value, mut targets: Vec<Vec<Step>>, at: &str, problems: &mut Problems) {
    targets.sort_by_key(|path| Reverse(path.clone()));
    for path in targets {
        let Some((last, parent)) = path.split_last() else {
            problems.error(
                &format!("{at}/target"),
                "selects the whole description, which cannot be removed",
            );
            continue;
        };
        match (node_mut(tree, parent), last) {
            (Some(Value::Object(map)), Step::Name(name)) => {
                map.shift_remove(name);
            }
            (Some(Value::Array(items)), Step::Index(index)) if *index < items.len() => {
                items.remove(*index);
            }
            // An ancestor was removed already.
            _ => {}
        }
    }
}

/// Merges `value` into each node at `targets` (see the module docs); `at` is where the value
/// is written in the overlay.
fn merge_into(
    tree: &mut Value,
    targets: &[Vec<Step>],
    value: &Value,
    at: &str,
    problems: &mut Problems,
) {
    let shape = |v: &Value| match v {
        Value::Object(_) => 0,
        Value::Array(_) => 1,
        _ => 2,
    };
    let shapes: Vec<(usize, String)> = targets
        .iter()
        .filter_map(|path| {
            let node = node_mut(tree, path)?;
            Some((shape(node), format!("`{}` ({})", pointer(path), kind(node))))
        })
        .collect();
    if let Some((_, first)) = shapes.first() {
        if let Some((_, other)) = shapes.iter().find(|(s, _)| *s != shapes[0].0) {
            problems.error(
                at,
                format!(
                    "the target selects nodes of different kinds, {first} and {other}: the \
                     nodes an `update` or `copy` changes are all objects, all arrays or all \
                     primitives"
                ),
            );
            return;
        }
    }
    for path in targets {
        let Some(node) = node_mut(tree, path) else {
            continue;
        };
        let result = match (node, value) {
            (Value::Object(node), Value::Object(value)) => merge_object(node, value, ""),
            (Value::Object(_), other) => Err((
                String::new(),
                format!("{} cannot be merged into an object", kind(other)),
            )),
            (Value::Array(items), Value::Array(more)) => {
                items.extend(more.iter().cloned());
                Ok(())
            }
            (Value::Array(items), other) => {
                items.push(other.clone());
                Ok(())
            }
            (node, other) if shape(other) == 2 => {
                *node = other.clone();
                Ok(())
            }
            (node, other) => Err((
                String::new(),
                format!(
                    "{} cannot replace {}, a primitive value",
                    kind(other),
                    kind(node)
                ),
            )),
        };
        if let Err((inside, message)) = result {
            // Inside an `update`, the place in the overlay's value; a `copy` is one string.
            let place = if at.ends_with("/update") {
                format!("{at}{inside}")
            } else {
                at.to_string()
            };
            problems.error(
                &place,
                format!("merging into `{}{inside}`: {message}", pointer(path)),
            );
        }
    }
}

/// Merges the members of `value` into `node`; `inside` is where `node` is below the target.
/// An error says where below the target, and what is wrong.
fn merge_object(
    node: &mut Map<String, Value>,
    value: &Map<String, Value>,
    inside: &str,
) -> Result<(), (String, String)> {
    for (key, new) in value {
        let here = format!("{inside}/{}", escape(key));
        let Some(old) = node.get_mut(key) else {
            node.insert(key.clone(), new.clone());
            continue;
        };
        match (old, new) {
            (Value::Object(old), Value::Object(new)) => merge_object(old, new, &here)?,
            (Value::Array(old), Value::Array(new)) => old.extend(new.iter().cloned()),
            (
                old @ (Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_)),
                new @ (Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_)),
            ) => {
                *old = new.clone();
            }
            (old, new) => {
                let message = format!(
                    "{} cannot be merged into {} (the Overlay specification merges objects \
                     into objects, appends arrays to arrays and replaces a primitive with a \
                     primitive, and nothing else)",
                    kind(new),
                    kind(old)
                );
                return Err((here, message));
            }
        }
    }
    Ok(())
}
