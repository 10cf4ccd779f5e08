//! What a spec bump changes in the generated Rust API ([`compare`] two [`Surface`]s), as a
//! Markdown report ([`render`]) and a changelog entry under the version it calls for
//! ([`changelog_entry`], [`Bump`]): what `openapi-client-codegen diff` (and `cargo xtask diff`)
//! prints.
//!
//! The surfaces come from [`crate::api_surface`] (or [`crate::api_surface_configured`]); they
//! are compared item by item (operations by `Group::method`, types by name, fields and
//! variants by Rust name). What counts as breaking is [`RULES`].
//!
//! ```
//! let old = "openapi: 3.0.3\ninfo: {title: Zoo, version: '1'}\npaths:\n  /animals:\n    get:\n      operationId: listAnimals\n      responses: {'204': {description: none}}\n";
//! let new = old.replace("listAnimals", "getAnimals");
//! let changes = openapi_client_codegen::diff::compare(
//!     &openapi_client_codegen::api_surface(old)?,
//!     &openapi_client_codegen::api_surface(&new)?,
//! );
//! let report = openapi_client_codegen::diff::render(&changes, "old.yaml", "new.yaml");
//! // A method renamed without its old name kept: breaking, and listed in the table of renames.
//! assert!(report.contains("1 breaking change"));
//! assert!(report.contains("| `AnimalsApi::list_animals` | `AnimalsApi::get_animals` | removed |"));
//! let entry = openapi_client_codegen::diff::changelog_entry(&changes, &report, "0.1.0");
//! assert!(entry.starts_with("## 0.2.0 (unreleased)"));
//! # Ok::<(), openapi_client_codegen::Error>(())
//! ```

use std::fmt::Write as _;

use crate::surface::{
    FieldItem, OperationItem, PagesItem, Surface, TypeItem, TypeKind, VariantItem,
};

/// How changes are classified; printed by `cargo xtask diff --help` and kept in the README.
pub const RULES: &str = "\
What counts as breaking (Rust semver, applied to the generated crate):
  - an operation, type, field or enum variant removed or renamed (a rename is a removal plus an
    addition), or moved to another group (`client.<group>()`)
  - a `<operation>_pages` method removed: the operation went, or is no longer a paged list
  - a method's argument or return type changed (operations return `Call<T>`, which awaits to
    `Result<T, Error>`; `_pages` methods return `Pages<Item>`); a type changed kind
    (struct <-> enum)
  - a field's type changed, including Option<T> <-> T (optional <-> required)
  - a type that becomes #[non_exhaustive]: a struct users build becoming one they only read
    (its literals stop compiling outside the crate)
  - a field added to a struct users build that has neither Default nor new(..): struct
    literals must name it
  - a required (non-Option) field added to a struct users build: an argument of its new(..)
    (a spec default fills it instead)
  - a struct no longer implementing Default, or losing its new(..)
  - a credential removed from the client (its ClientBuilder method goes away)
Additions (compatible): new operations, types and `_pages` methods (an operation that becomes
a paged list); a new variant of an enum (every generated enum is #[non_exhaustive], so every
`match` on one has a `_` arm; a string enum's value that decoded as UnknownValue gets its own
variant); a new field in a struct users only read (#[non_exhaustive]: no literal of it exists
outside the crate); a new optional field in a struct users build that has Default or new(..). This
relies on a rule for users of the crate: end struct literals with `..Name::new(..)` or
`..Default::default()`.
Other changes (compile, but behave differently): HTTP method or path, the credentials an
operation sends, wire names of fields and enum values, union tags, deprecation, the default base
URL. Doc text is not compared.";

/// The sections of a report, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Section {
    /// Breaks code that uses the crate (Rust semver).
    Breaking,
    /// Compatible additions.
    Addition,
    /// Compiles the same, behaves differently (methods, paths, wire names, ...).
    Other,
}

/// One changelog line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Which section of the report it goes under.
    pub section: Section,
    /// The Markdown of the line, without the leading `- `.
    pub text: String,
    /// Where in the spec the change comes from (the new spec; the old one for removals).
    pub pointer: Option<String>,
    /// The change is a rename: reports list these in a table.
    pub rename: Option<Rename>,
}

/// An operation or type the new spec or generator names otherwise: a removed item and an added
/// one from the same place in the spec (the same JSON pointer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rename {
    /// The Rust item before (`PresetsApi::post_presets`, `UpdatePresetQuality`).
    pub before: String,
    /// The Rust item after.
    pub after: String,
    /// The old name still compiles: a deprecated alias (of a method) for one release.
    pub kept: bool,
}

#[derive(Default)]
struct Changes(Vec<Change>, Vec<(String, String)>);

impl Changes {
    /// Whether two Rust types are the same but for the types renamed (old name, new name):
    /// a rename is reported once, not again at every place that names the type.
    fn same(&self, before: &str, after: &str) -> bool {
        if before == after {
            return true;
        }
        let mut text = before.to_string();
        for (old, new) in &self.1 {
            text = replace_word(&text, old, new);
        }
        text == after
    }

    fn push(&mut self, section: Section, pointer: Option<&str>, text: String) {
        self.0.push(Change {
            section,
            text,
            pointer: pointer.map(str::to_string),
            rename: None,
        });
    }

    /// A rename: breaking unless the old name is kept.
    fn rename(&mut self, pointer: Option<&str>, rename: Rename) {
        let kept = if rename.kept {
            " (the old name is kept, deprecated, for one release)"
        } else {
            ""
        };
        self.0.push(Change {
            section: if rename.kept {
                Section::Other
            } else {
                Section::Breaking
            },
            text: format!("`{}` renamed `{}`{kept}", rename.before, rename.after),
            pointer: pointer.map(str::to_string),
            rename: Some(rename),
        });
    }
}

/// Every difference between two surfaces, old to new, in a stable order: operations (in the
/// old spec's order, then new ones), then types, then the client.
pub fn compare(old: &Surface, new: &Surface) -> Vec<Change> {
    let renames = old
        .types
        .iter()
        .filter(|before| !new.types.iter().any(|t| t.name == before.name))
        .filter_map(|before| {
            let after = same_place(&new.types, before, &old.types)?;
            Some((before.name.clone(), after.name.clone()))
        })
        .collect();
    let mut out = Changes(Vec::new(), renames);
    compare_operations(&mut out, old, new);
    compare_types(&mut out, old, new);
    compare_credentials(&mut out, old, new);
    if old.base_url != new.base_url {
        out.push(
            Section::Other,
            Some("#/servers"),
            format!(
                "`Client` default base URL: `{}` -> `{}`",
                old.base_url, new.base_url
            ),
        );
    }
    out.0
}

fn compare_credentials(out: &mut Changes, old: &Surface, new: &Surface) {
    use Section::*;
    let at = Some("#/components/securitySchemes");
    for before in &old.credentials {
        match new.credentials.iter().find(|c| c.name == before.name) {
            None => out.push(
                Breaking,
                at,
                format!(
                    "`Client` credential `{}` ({}) removed, with its `ClientBuilder` method",
                    before.name, before.sent_as
                ),
            ),
            Some(after) if after.sent_as != before.sent_as => out.push(
                Other,
                at,
                format!(
                    "`Client` credential `{}` is sent as {} (was {})",
                    after.name, after.sent_as, before.sent_as
                ),
            ),
            Some(_) => {}
        }
    }
    for after in &new.credentials {
        if !old.credentials.iter().any(|c| c.name == after.name) {
            out.push(
                Addition,
                at,
                format!(
                    "`Client` credential `{}` ({}), set with `ClientBuilder` or read by `Client::from_env`",
                    after.name, after.sent_as
                ),
            );
        }
    }
}

/// "`token`, or `api_email` + `api_key`, or anonymously".
fn security_text(security: &[Vec<String>]) -> String {
    if security.is_empty() {
        return "no credentials".to_string();
    }
    let alternatives: Vec<String> = security
        .iter()
        .map(|alternative| match alternative.as_slice() {
            [] => "anonymously".to_string(),
            names => names
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(" + "),
        })
        .collect();
    alternatives.join(", or ")
}

fn find_op<'a>(ops: &'a [OperationItem], op: &OperationItem) -> Option<&'a OperationItem> {
    ops.iter()
        .find(|o| o.group == op.group && o.name == op.name)
}

fn argument(op: &OperationItem) -> String {
    match &op.request {
        Some(name) => format!("`&{name}`"),
        None => "no argument".to_string(),
    }
}

fn compare_operations(out: &mut Changes, old: &Surface, new: &Surface) {
    use Section::*;
    for before in &old.operations {
        let item = before.rust_path();
        // Method names are unique in the crate: the same name elsewhere is the same operation.
        let moved = || new.operations.iter().find(|o| o.name == before.name);
        // The same operation (by its pointer) under another name.
        let renamed = || {
            new.operations.iter().find(|o| {
                o.pointer == before.pointer
                    && o.group == before.group
                    && !old.operations.iter().any(|b| b.name == o.name)
            })
        };
        let after = match find_op(&new.operations, before) {
            Some(after) => after,
            None if moved().is_none() && renamed().is_some() => {
                let after = renamed().expect("checked");
                out.rename(
                    Some(&after.pointer),
                    Rename {
                        before: item.clone(),
                        after: after.rust_path(),
                        kept: after.old_name.as_deref() == Some(before.name.as_str()),
                    },
                );
                after
            }
            None => match moved() {
                Some(moved) => {
                    out.push(
                        Breaking,
                        Some(&moved.pointer),
                        format!(
                            "`{item}` moved to `{}` (`client.{}()` instead of `client.{}()`)",
                            moved.rust_path(),
                            moved.accessor,
                            before.accessor
                        ),
                    );
                    moved
                }
                None => {
                    // `METHOD /path` says where it was.
                    // An operation still in the spec but skipped by the generator says why.
                    let why = new
                        .skipped
                        .iter()
                        .find(|d| {
                            d.pointer == before.pointer
                                || d.pointer.starts_with(&format!("{}/", before.pointer))
                        })
                        .map(|d| {
                            let reason = d
                                .message
                                .split_once(" skipped: ")
                                .map_or(&*d.message, |(_, r)| r);
                            format!("; the generator now skips it: {reason}")
                        })
                        .unwrap_or_default();
                    out.push(
                        Breaking,
                        None,
                        format!(
                            "`{item}` removed (was `{} {}`){why}",
                            before.method, before.path
                        ),
                    );
                    if let Some(pages) = &before.pages {
                        out.push(
                            Breaking,
                            None,
                            format!("`{}` removed, with `{item}`", pages_path(before, pages)),
                        );
                    }
                    if let Some(stream) = &before.stream {
                        out.push(
                            Breaking,
                            None,
                            format!("`{}::{}` removed, with `{item}`", before.group, stream.name),
                        );
                    }
                    continue;
                }
            },
        };
        let at = Some(after.pointer.as_str());
        let request = |op: &OperationItem| op.request.clone().unwrap_or_default();
        if before.request.is_some() != after.request.is_some()
            || !out.same(&request(before), &request(after))
        {
            out.push(
                Breaking,
                at,
                format!(
                    "`{item}` takes {} instead of {}",
                    argument(after),
                    argument(before)
                ),
            );
        }
        if !out.same(&before.returns, &after.returns) {
            let stream = if is_stream(&after.returns) && !is_stream(&before.returns) {
                "now reads its answer as a stream: it "
            } else {
                ""
            };
            out.push(
                Breaking,
                at,
                format!(
                    "`{item}` {stream}returns `{}` instead of `{}`",
                    after.returns, before.returns
                ),
            );
        }
        if (&before.method, &before.path) != (&after.method, &after.path) {
            out.push(
                Other,
                at,
                format!(
                    "`{item}` sends `{} {}` instead of `{} {}`",
                    after.method, after.path, before.method, before.path
                ),
            );
        }
        if before.security != after.security {
            out.push(
                Other,
                at,
                format!(
                    "`{item}` authenticates with {} (was {})",
                    security_text(&after.security),
                    security_text(&before.security)
                ),
            );
        }
        if before.deprecated != after.deprecated {
            let now = if after.deprecated {
                "is now deprecated"
            } else {
                "is no longer deprecated"
            };
            out.push(Other, at, format!("`{item}` {now}"));
        }
        compare_pages(out, before, after);
        compare_stream(out, before, after);
    }
    for after in &new.operations {
        let renamed = old.operations.iter().any(|o| {
            o.pointer == after.pointer
                && o.group == after.group
                && !new.operations.iter().any(|n| n.name == o.name)
        });
        if !renamed && !old.operations.iter().any(|o| o.name == after.name) {
            out.push(
                Addition,
                None,
                format!(
                    "`{}`: new operation `{} {}` (`client.{}()`), takes {}, returns `{}`",
                    after.rust_path(),
                    after.method,
                    after.path,
                    after.accessor,
                    argument(after),
                    after.returns
                ),
            );
            if let Some(pages) = &after.pages {
                out.push(Addition, None, new_pages_text(after, pages));
            }
            if let Some(stream) = &after.stream {
                out.push(Addition, None, new_stream_text(after, stream));
            }
        }
    }
}

/// A call type whose value is read as it arrives (the runtime's stream types).
fn is_stream(returns: &str) -> bool {
    use crate::plan::scope::{BYTE_STREAM, EVENT_STREAM, JSON_LINES, RAW_EVENTS};
    [EVENT_STREAM, RAW_EVENTS, JSON_LINES, BYTE_STREAM]
        .iter()
        .any(|name| returns.starts_with(&format!("Call<{name}")))
}

fn new_stream_text(op: &OperationItem, stream: &PagesItem) -> String {
    format!(
        "`{}::{}`: new method reading the answer of `{}` as a stream, returns `{}`",
        op.group,
        stream.name,
        op.rust_path(),
        stream.returns
    )
}

/// The streaming method of an operation in both specs.
fn compare_stream(out: &mut Changes, before: &OperationItem, after: &OperationItem) {
    use Section::*;
    let at = Some(after.pointer.as_str());
    match (&before.stream, &after.stream) {
        (None, None) => {}
        (None, Some(new)) => out.push(Addition, at, new_stream_text(after, new)),
        (Some(old), None) => out.push(
            Breaking,
            at,
            format!(
                "`{}::{}` removed: `{}` no longer offers a stream",
                before.group,
                old.name,
                after.rust_path()
            ),
        ),
        (Some(old), Some(new)) => {
            let (old_path, new_path) = (
                format!("{}::{}", before.group, old.name),
                format!("{}::{}", after.group, new.name),
            );
            if old_path != new_path {
                out.push(
                    Breaking,
                    at,
                    format!("`{old_path}` renamed to `{new_path}`"),
                );
            }
            if !out.same(&old.returns, &new.returns) {
                out.push(
                    Breaking,
                    at,
                    format!(
                        "`{new_path}` returns `{}` instead of `{}`",
                        new.returns, old.returns
                    ),
                );
            }
        }
    }
}

/// `MeetingsApi::list_meetings_pages`.
fn pages_path(op: &OperationItem, pages: &PagesItem) -> String {
    format!("{}::{}", op.group, pages.name)
}

fn new_pages_text(op: &OperationItem, pages: &PagesItem) -> String {
    format!(
        "`{}`: new method walking every page of `{}`, returns `{}`",
        pages_path(op, pages),
        op.rust_path(),
        pages.returns
    )
}

/// The `_pages` method of an operation in both specs (moved with it, if it moved).
fn compare_pages(out: &mut Changes, before: &OperationItem, after: &OperationItem) {
    use Section::*;
    let at = Some(after.pointer.as_str());
    match (&before.pages, &after.pages) {
        (None, None) => {}
        (None, Some(new)) => out.push(Addition, at, new_pages_text(after, new)),
        (Some(old), None) => out.push(
            Breaking,
            at,
            format!(
                "`{}` removed: `{}` is no longer a paged list",
                pages_path(before, old),
                after.rust_path()
            ),
        ),
        (Some(old), Some(new)) => {
            let (old_path, new_path) = (pages_path(before, old), pages_path(after, new));
            if old.name != new.name {
                out.push(
                    Breaking,
                    at,
                    format!("`{old_path}` renamed to `{new_path}`"),
                );
            } else if old_path != new_path {
                out.push(
                    Breaking,
                    at,
                    format!(
                        "`{old_path}` moved to `{new_path}` (`client.{}()` instead of `client.{}()`)",
                        after.accessor, before.accessor
                    ),
                );
            }
            if !out.same(&old.returns, &new.returns) {
                out.push(
                    Breaking,
                    at,
                    format!(
                        "`{new_path}` returns `{}` instead of `{}`",
                        new.returns, old.returns
                    ),
                );
            }
        }
    }
}

/// `text` with every `old` that is a whole identifier written `new`.
fn replace_word(text: &str, old: &str, new: &str) -> String {
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(old) {
        let before_ok = !rest[..at].chars().next_back().is_some_and(ident);
        let after_ok = !rest[at + old.len()..].chars().next().is_some_and(ident);
        out.push_str(&rest[..at]);
        out.push_str(if before_ok && after_ok { new } else { old });
        rest = &rest[at + old.len()..];
    }
    out.push_str(rest);
    out
}

/// The type of `types` from the same place as `item` (its pointer and role) whose name the
/// `others` do not have: the same type, renamed.
fn same_place<'a>(
    types: &'a [TypeItem],
    item: &TypeItem,
    others: &[TypeItem],
) -> Option<&'a TypeItem> {
    let pointer = item.pointer.as_deref()?;
    types.iter().find(|t| {
        t.pointer.as_deref() == Some(pointer)
            && t.kind.describe() == item.kind.describe()
            && !others.iter().any(|o| o.name == t.name)
    })
}

fn compare_types(out: &mut Changes, old: &Surface, new: &Surface) {
    use Section::*;
    for before in &old.types {
        let found = new.types.iter().find(|t| t.name == before.name);
        let renamed = found
            .is_none()
            .then(|| same_place(&new.types, before, &old.types))
            .flatten();
        if let Some(after) = renamed {
            out.rename(
                after.pointer.as_deref(),
                Rename {
                    before: before.name.clone(),
                    after: after.name.clone(),
                    kept: false,
                },
            );
            compare_type(out, before, after);
            continue;
        }
        let Some(after) = found else {
            out.push(
                Breaking,
                before.pointer.as_deref(),
                format!(
                    "`{}` removed (was {})",
                    before.name,
                    a_an(before.kind.describe())
                ),
            );
            continue;
        };
        compare_type(out, before, after);
    }
    for after in &new.types {
        let renamed = same_place(&old.types, after, &new.types).is_some();
        if !renamed && !old.types.iter().any(|t| t.name == after.name) {
            out.push(
                Addition,
                after.pointer.as_deref(),
                format!("`{}`: new {}", after.name, after.kind.describe()),
            );
        }
    }
}

/// "a struct", "an enum".
fn a_an(noun: &str) -> String {
    let article = if noun.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {noun}")
}

fn compare_type(out: &mut Changes, before: &TypeItem, after: &TypeItem) {
    use Section::*;
    use TypeKind::*;
    let at = after.pointer.as_deref();
    let name = &after.name;
    match (before.non_exhaustive, after.non_exhaustive) {
        (false, true) => out.push(
            Breaking,
            at,
            format!(
                "`{name}` is now #[non_exhaustive]: users only read it, and literals of it no \
                 longer compile outside the crate"
            ),
        ),
        (true, false) => out.push(
            Addition,
            at,
            format!("`{name}` is no longer #[non_exhaustive]: users may build it"),
        ),
        _ => {}
    }
    match (&before.kind, &after.kind) {
        (
            Struct {
                fields: old_fields,
                default: old_default,
                constructor: old_constructor,
                ..
            },
            Struct {
                fields: new_fields,
                default: new_default,
                constructor: new_constructor,
                ..
            },
        ) => {
            match (old_default, new_default) {
                (true, false) => out.push(
                    Breaking,
                    at,
                    format!("`{name}` no longer implements `Default`"),
                ),
                (false, true) => {
                    out.push(Addition, at, format!("`{name}` now implements `Default`"))
                }
                _ => {}
            }
            match (old_constructor, new_constructor) {
                (true, false) => out.push(Breaking, at, format!("`{name}::new` removed")),
                (false, true) => out.push(
                    Addition,
                    at,
                    format!("`{name}::new` takes its required values"),
                ),
                _ => {}
            }
            let base = (*old_default, *old_constructor);
            compare_fields(out, before, old_fields, base, after, new_fields);
        }
        (StringEnum { variants: a }, StringEnum { variants: b })
        | (ResponseEnum { variants: a }, ResponseEnum { variants: b }) => {
            compare_variants(out, before, after, a, b);
        }
        (
            Union {
                variants: a,
                tag: old_tag,
            },
            Union {
                variants: b,
                tag: new_tag,
            },
        ) => {
            compare_variants(out, before, after, a, b);
            if old_tag != new_tag {
                let tag = |t: &Option<String>| match t {
                    Some(property) => format!("by its `{property}` property"),
                    None => "by trying each variant in turn".to_string(),
                };
                out.push(
                    Other,
                    at,
                    format!(
                        "`{name}` is decoded {} instead of {}",
                        tag(new_tag),
                        tag(old_tag)
                    ),
                );
            }
        }
        (a, b) => out.push(
            Breaking,
            at,
            format!("`{name}`: {} -> {}", a.describe(), b.describe()),
        ),
    }
}

fn compare_fields(
    out: &mut Changes,
    before: &TypeItem,
    old_fields: &[FieldItem],
    // Whether literals of it may end with `..Default::default()`, or with `..Name::new(..)`.
    (old_default, old_constructor): (bool, bool),
    after: &TypeItem,
    new_fields: &[FieldItem],
) {
    use Section::*;
    let name = &after.name;
    for old in old_fields {
        let item = format!("{name}::{}", old.name);
        let Some(new) = new_fields.iter().find(|f| f.name == old.name) else {
            let at = old.pointer.as_deref().or(before.pointer.as_deref());
            out.push(Breaking, at, format!("`{item}` removed (was `{}`)", old.ty));
            continue;
        };
        let at = new.pointer.as_deref().or(after.pointer.as_deref());
        if !out.same(&old.ty, &new.ty) {
            let note = match (old.optional, new.optional) {
                (true, false) => ": now required",
                (false, true) => ": now optional",
                _ => "",
            };
            out.push(
                Breaking,
                at,
                format!("`{item}: {} -> {}`{note}", old.ty, new.ty),
            );
        }
        if old.wire != new.wire {
            out.push(
                Other,
                at,
                format!("`{item}` now maps to {} (was {})", new.wire, old.wire),
            );
        }
    }
    for new in new_fields {
        if old_fields.iter().any(|f| f.name == new.name) {
            continue;
        }
        let item = format!("{name}::{}: {}", new.name, new.ty);
        let at = new.pointer.as_deref().or(after.pointer.as_deref());
        let (section, why) = if before.non_exhaustive {
            (Addition, format!("`{name}` is #[non_exhaustive]"))
        } else if after.input && !new.has_default {
            (
                Breaking,
                format!("required, and users build this struct: an argument of `{name}::new`"),
            )
        } else if old_default {
            (Addition, format!("`{name}` implements `Default`"))
        } else if old_constructor {
            (
                Addition,
                format!("literals of `{name}` end with `..{name}::new(..)`"),
            )
        } else {
            (
                Breaking,
                format!(
                    "`{name}` has neither `Default` nor `new`, so struct literals must name it"
                ),
            )
        };
        out.push(
            section,
            at,
            format!("`{item}`: new field ({}; {why})", new.wire),
        );
    }
}

fn variant_text(v: &VariantItem) -> String {
    match &v.payload {
        Some(payload) => format!("{}({payload})", v.name),
        None => v.name.clone(),
    }
}

/// What a variant's wire value is: `"UPLOADED"`, `type: "azure"`, `status 204`.
fn wire_text(kind: &TypeKind, wire: &str) -> String {
    match kind {
        TypeKind::Union { tag: Some(tag), .. } => format!("`{tag}: {wire:?}`"),
        TypeKind::ResponseEnum { .. } => format!("status {wire}"),
        _ => format!("`{wire:?}`"),
    }
}

fn compare_variants(
    out: &mut Changes,
    before: &TypeItem,
    after: &TypeItem,
    old: &[VariantItem],
    new: &[VariantItem],
) {
    use Section::*;
    let name = &after.name;
    let wire_text = |wire: &str| wire_text(&after.kind, wire);
    let at = after.pointer.as_deref();
    for before in old {
        let Some(now) = new.iter().find(|v| v.name == before.name) else {
            out.push(
                Breaking,
                at,
                format!("`{name}::{}` removed", variant_text(before)),
            );
            continue;
        };
        if !out.same(
            before.payload.as_deref().unwrap_or_default(),
            now.payload.as_deref().unwrap_or_default(),
        ) || before.payload.is_some() != now.payload.is_some()
        {
            out.push(
                Breaking,
                at,
                format!(
                    "`{name}::{} -> {}`",
                    variant_text(before),
                    variant_text(now)
                ),
            );
        }
        // A variant that gains or loses its tag value is covered by the union's own line.
        if let (Some(old_wire), Some(new_wire)) = (&before.wire, &now.wire) {
            if old_wire == new_wire {
                continue;
            }
            out.push(
                Other,
                at,
                format!(
                    "`{name}::{}` stands for {} (was {})",
                    now.name,
                    wire_text(new_wire),
                    wire_text(old_wire)
                ),
            );
        }
    }
    for now in new {
        if old.iter().any(|v| v.name == now.name) {
            continue;
        }
        let value = now
            .wire
            .as_ref()
            .map(|w| format!(" for {}", wire_text(w)))
            .unwrap_or_default();
        if before.non_exhaustive {
            out.push(
                Addition,
                at,
                format!(
                    "`{name}::{}`: new variant{value} (`{name}` is #[non_exhaustive])",
                    variant_text(now)
                ),
            );
        } else {
            out.push(
                Breaking,
                at,
                format!(
                    "`{name}::{}`: new variant{value}; a `match` on `{name}` without `_` must \
                     handle it",
                    variant_text(now)
                ),
            );
        }
    }
}

/// The Markdown report: a summary line, then one section per kind of change that has any.
pub fn render(changes: &[Change], old_label: &str, new_label: &str) -> String {
    let mut text = format!("## Generated API changes: `{old_label}` -> `{new_label}`\n\n");
    if changes.is_empty() {
        text.push_str("No changes to the generated API.\n");
        return text;
    }
    let count = |section| changes.iter().filter(|c| c.section == section).count();
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let renames: Vec<&Change> = changes.iter().filter(|c| c.rename.is_some()).collect();
    let _ = writeln!(
        text,
        "{}, {}, {}{}.",
        plural(
            count(Section::Breaking),
            "breaking change",
            "breaking changes"
        ),
        plural(count(Section::Addition), "addition", "additions"),
        plural(count(Section::Other), "other change", "other changes"),
        if renames.is_empty() {
            String::new()
        } else {
            format!(
                "; {} of them {} (in the table below)",
                renames.len(),
                if renames.len() == 1 {
                    "is a rename"
                } else {
                    "are renames"
                }
            )
        },
    );
    if !renames.is_empty() {
        let _ = writeln!(
            text,
            "\n### Renamed\n\n| Before | After | Old name | Spec |\n|---|---|---|---|"
        );
        for change in &renames {
            let Some(rename) = &change.rename else {
                continue;
            };
            let _ = writeln!(
                text,
                "| `{}` | `{}` | {} | `{}` |",
                rename.before,
                rename.after,
                if rename.kept {
                    "kept, deprecated"
                } else {
                    "removed"
                },
                change.pointer.as_deref().unwrap_or_default()
            );
        }
    }
    for (section, title) in [
        (Section::Breaking, "Breaking changes"),
        (Section::Addition, "Additions"),
        (Section::Other, "Other changes"),
    ] {
        let lines: Vec<&Change> = changes
            .iter()
            .filter(|c| c.section == section && c.rename.is_none())
            .collect();
        if lines.is_empty() {
            continue;
        }
        let _ = writeln!(text, "\n### {title}\n");
        for change in lines {
            match &change.pointer {
                Some(pointer) => {
                    let _ = writeln!(text, "- {} (`{pointer}`)", change.text);
                }
                None => {
                    let _ = writeln!(text, "- {}", change.text);
                }
            }
        }
    }
    text
}

/// The version bump a set of changes calls for, by Rust's semver: breaking changes a major
/// one, additions a minor one, anything else a patch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bump {
    /// Nothing changed.
    None,
    /// Changes that compile the same.
    Patch,
    /// Additions.
    Minor,
    /// Breaking changes.
    Major,
}

impl Bump {
    /// The bump `changes` call for: the largest of their sections'.
    pub fn of(changes: &[Change]) -> Bump {
        let has = |section| changes.iter().any(|c| c.section == section);
        if has(Section::Breaking) {
            Bump::Major
        } else if has(Section::Addition) {
            Bump::Minor
        } else if changes.is_empty() {
            Bump::None
        } else {
            Bump::Patch
        }
    }

    /// The version after `version` (`MAJOR.MINOR.PATCH`, any pre-release dropped) as cargo
    /// reads semver: before 1.0, the first non-zero number is the major one (`^0.2` takes
    /// 0.2.x only), so a breaking change bumps 0.2.3 to 0.3.0 and an addition to 0.2.4.
    /// `None` when the version does not parse.
    pub fn apply(self, version: &str) -> Option<String> {
        let core = version.split(['-', '+']).next()?;
        let mut parts = core.split('.').map(|p| p.parse::<u64>().ok());
        let (major, minor, patch) = (parts.next()??, parts.next()??, parts.next()??);
        if parts.next().is_some() {
            return None;
        }
        let (major, minor, patch) = match (self, major, minor) {
            (Bump::None, ..) => (major, minor, patch),
            (Bump::Major, 0, 0) | (Bump::Minor, 0, 0) | (Bump::Patch, 0, 0) => (0, 0, patch + 1),
            (Bump::Major, 0, _) => (0, minor + 1, 0),
            (Bump::Minor | Bump::Patch, 0, _) => (0, minor, patch + 1),
            (Bump::Major, ..) => (major + 1, 0, 0),
            (Bump::Minor, ..) => (major, minor + 1, 0),
            (Bump::Patch, ..) => (major, minor, patch + 1),
        };
        Some(format!("{major}.{minor}.{patch}"))
    }
}

/// The changelog entry of a report: a heading with the suggested version, why that version,
/// and the report with its headings one level down.
pub fn changelog_entry(changes: &[Change], report: &str, current: &str) -> String {
    let bump = Bump::of(changes);
    let next = bump.apply(current);
    let heading = match &next {
        Some(next) if bump != Bump::None => format!("## {next} (unreleased)"),
        _ => "## Unreleased".to_string(),
    };
    let why = match bump {
        Bump::None => "Nothing in the generated API changes: no new version is needed.".to_string(),
        Bump::Major => format!(
            "Breaking changes call for a major version bump{}.",
            pre_one_note(current, next.as_deref(), bump)
        ),
        Bump::Minor => format!(
            "Additions call for a minor version bump{}.",
            pre_one_note(current, next.as_deref(), bump)
        ),
        Bump::Patch => format!(
            "Changes that compile the same call for a patch version bump{}.",
            pre_one_note(current, next.as_deref(), bump)
        ),
    };
    let demoted: String = report
        .lines()
        .map(|line| {
            if line.starts_with('#') {
                format!("#{line}\n")
            } else {
                format!("{line}\n")
            }
        })
        .collect();
    format!("{heading}\n\n{why}\n\n{demoted}")
}

/// `: 0.1.0 -> 0.2.0 (before 1.0, ...)`: what the bump means for the current version.
fn pre_one_note(current: &str, next: Option<&str>, bump: Bump) -> String {
    let Some(next) = next else {
        return format!(" (the current version `{current}` is not MAJOR.MINOR.PATCH)");
    };
    let pre_one = current.starts_with("0.");
    let note = match bump {
        Bump::Major if pre_one => {
            "; before 1.0 cargo treats the minor number as the major one (a `^0.1` requirement \
             never takes 0.2), so a breaking release bumps the minor number"
        }
        Bump::Minor if pre_one => {
            "; before 1.0 cargo takes any patch release of the same minor version (`^0.2` takes \
             0.2.5), so an addition bumps the patch number"
        }
        _ => "",
    };
    format!(": `{current}` -> `{next}`{note}")
}

/// `text` (a changelog) with `entry` inserted after its title (the first `# ` line), before the
/// earlier entries; `None` when an entry with the same report is there already. An empty
/// `text` gets the title `# Changelog`.
pub fn insert_changelog_entry(text: &str, entry: &str) -> Option<String> {
    let text = if text.trim().is_empty() {
        "# Changelog\n"
    } else {
        text
    };
    // The report without its heading: the same changes under another version are the same.
    let body = entry.split_once("\n\n").map_or(entry, |(_, rest)| rest);
    if text.contains(body.trim()) {
        return None;
    }
    let at = text.find("\n## ").map(|i| i + 1).unwrap_or(text.len());
    let (head, tail) = text.split_at(at);
    let mut out = head.to_string();
    if !out.ends_with("\n\n") {
        out.push_str(if out.ends_with('\n') { "\n" } else { "\n\n" });
    }
    out.push_str(entry.trim_end());
    out.push_str("\n\n");
    out.push_str(tail);
    Some(out.trim_end().to_string() + "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(section: Section) -> Change {
        Change {
            section,
            text: format!("{section:?}"),
            pointer: None,
            rename: None,
        }
    }

    #[test]
    fn bumps_follow_cargo_semver() {
        use Section::*;
        assert_eq!(Bump::of(&[]), Bump::None);
        assert_eq!(Bump::of(&[change(Other)]), Bump::Patch);
        assert_eq!(Bump::of(&[change(Other), change(Addition)]), Bump::Minor);
        assert_eq!(Bump::of(&[change(Addition), change(Breaking)]), Bump::Major);
        // 1.x: major, minor, patch as written.
        assert_eq!(Bump::Major.apply("1.4.2").as_deref(), Some("2.0.0"));
        assert_eq!(Bump::Minor.apply("1.4.2").as_deref(), Some("1.5.0"));
        assert_eq!(Bump::Patch.apply("1.4.2").as_deref(), Some("1.4.3"));
        // 0.x: the minor number is the major one; additions are patches.
        assert_eq!(Bump::Major.apply("0.2.3").as_deref(), Some("0.3.0"));
        assert_eq!(Bump::Minor.apply("0.2.3").as_deref(), Some("0.2.4"));
        assert_eq!(Bump::Patch.apply("0.2.3").as_deref(), Some("0.2.4"));
        // 0.0.x: every release is breaking.
        assert_eq!(Bump::Major.apply("0.0.3").as_deref(), Some("0.0.4"));
        assert_eq!(Bump::None.apply("0.2.3").as_deref(), Some("0.2.3"));
        assert_eq!(Bump::Major.apply("1.0.0-rc.1").as_deref(), Some("2.0.0"));
        assert_eq!(Bump::Major.apply("one"), None);
    }
}
