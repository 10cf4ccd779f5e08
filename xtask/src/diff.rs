//! `cargo xtask diff OLD NEW`: what a spec bump changes in the generated Rust API, as a
//! Markdown changelog entry with Breaking / Additions / Other changes.
//!
//! Both specs go through the generator's model ([`generator::api_surface`]); the two surfaces
//! are compared item by item (operations by `Group::method`, types by name, fields and variants
//! by Rust name). What counts as breaking is [`RULES`], also printed by `--help`.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use generator::surface::{
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
  - a field added to a struct users build and that does not derive Default: struct literals
    must name it
  - a required (non-Option) field added to a struct users build for requests, Default or not:
    `..Default::default()` compiles but sends an empty value
  - a struct no longer deriving Default
  - a credential removed from the client (its ClientBuilder method goes away)
Additions (compatible): new operations, types and `_pages` methods (an operation that becomes
a paged list); a new variant of an enum (every generated enum is #[non_exhaustive], so every
`match` on one has a `_` arm; a string enum's value that decoded as UnknownValue gets its own
variant); a new field in a struct users only read (#[non_exhaustive]: no literal of it exists
outside the crate); a new optional field in a struct users build that derives Default. This
relies on a rule for users of the crate: build request structs with `..Default::default()`.
Other changes (compile, but behave differently): HTTP method or path, the credentials an
operation sends, wire names of fields and enum values, union tags, deprecation, the default base
URL. Doc text is not compared.";

pub const EXIT_CODES: &str = "\
Exit codes:
  0  the report was printed (\"No changes\" when there are none)
  1  --deny-breaking only: something breaks downstream code
  2  bad input: a file cannot be read, a spec cannot be generated (it gets something wrong,
     unless --skip-invalid), or bad usage";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Section {
    Breaking,
    Addition,
    Other,
}

/// One changelog line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub section: Section,
    /// The Markdown of the line, without the leading `- `.
    pub text: String,
    /// Where in the spec the change comes from (the new spec; the old one for removals).
    pub pointer: Option<String>,
}

#[derive(Default)]
struct Changes(Vec<Change>);

impl Changes {
    fn push(&mut self, section: Section, pointer: Option<&str>, text: String) {
        self.0.push(Change {
            section,
            text,
            pointer: pointer.map(str::to_string),
        });
    }
}

/// Every difference between two surfaces, old to new, in a stable order: operations (in the
/// old spec's order, then new ones), then types, then the client.
pub fn compare(old: &Surface, new: &Surface) -> Vec<Change> {
    let mut out = Changes::default();
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
        let after = match find_op(&new.operations, before) {
            Some(after) => after,
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
                    continue;
                }
            },
        };
        let at = Some(after.pointer.as_str());
        if before.request != after.request {
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
        if before.returns != after.returns {
            out.push(
                Breaking,
                at,
                format!(
                    "`{item}` returns `{}` instead of `{}`",
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
    }
    for after in &new.operations {
        if !old.operations.iter().any(|o| o.name == after.name) {
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
            if old.returns != new.returns {
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

fn compare_types(out: &mut Changes, old: &Surface, new: &Surface) {
    use Section::*;
    for before in &old.types {
        let Some(after) = new.types.iter().find(|t| t.name == before.name) else {
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
        if !old.types.iter().any(|t| t.name == after.name) {
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
                ..
            },
            Struct {
                fields: new_fields,
                default: new_default,
                ..
            },
        ) => {
            match (old_default, new_default) {
                (true, false) => out.push(
                    Breaking,
                    at,
                    format!("`{name}` no longer derives `Default`"),
                ),
                (false, true) => out.push(Addition, at, format!("`{name}` now derives `Default`")),
                _ => {}
            }
            compare_fields(out, before, old_fields, *old_default, after, new_fields);
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
    old_default: bool,
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
        if old.ty != new.ty {
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
        } else if !old_default {
            (
                Breaking,
                format!("`{name}` does not derive `Default`, so struct literals must name it"),
            )
        } else if after.input && !new.optional {
            (
                Breaking,
                "required, and users build this struct: `..Default::default()` would send an empty value".to_string(),
            )
        } else {
            (Addition, format!("`{name}` derives `Default`"))
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
        if before.payload != now.payload {
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
    let _ = writeln!(
        text,
        "{}, {}, {}.",
        plural(
            count(Section::Breaking),
            "breaking change",
            "breaking changes"
        ),
        plural(count(Section::Addition), "addition", "additions"),
        plural(count(Section::Other), "other change", "other changes"),
    );
    for (section, title) in [
        (Section::Breaking, "Breaking changes"),
        (Section::Addition, "Additions"),
        (Section::Other, "Other changes"),
    ] {
        let lines: Vec<&Change> = changes.iter().filter(|c| c.section == section).collect();
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

/// What the command ends with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Reported = 0,
    Breaking = 1,
    BadInput = 2,
}

fn surface(path: &Path, label: &str, skip_invalid: bool) -> Result<Surface, String> {
    let text = fs::read_to_string(path).map_err(|e| format!("error: cannot read {label}: {e}"))?;
    let surface = if skip_invalid {
        generator::api_surface_skipping_invalid(&text)
    } else {
        generator::api_surface(&text)
    };
    surface.map_err(|e| {
        let lines: Vec<String> = e
            .diagnostics
            .iter()
            .map(|d| format!("{label}: {d}"))
            .collect();
        format!("{}\nerror: cannot generate from {label}", lines.join("\n"))
    })
}

/// The whole command: prints the report on stdout, problems on stderr.
/// With `skip_invalid`, operations either spec gets wrong are left out (as `codegen
/// --skip-invalid` leaves them out) instead of failing the command.
pub fn run(old: &Path, new: &Path, deny_breaking: bool, skip_invalid: bool) -> Outcome {
    let (old_label, new_label) = (old.display().to_string(), new.display().to_string());
    let surfaces = surface(old, &old_label, skip_invalid)
        .and_then(|o| Ok((o, surface(new, &new_label, skip_invalid)?)));
    let (before, after) = match surfaces {
        Ok(surfaces) => surfaces,
        Err(message) => {
            eprintln!("{message}");
            return Outcome::BadInput;
        }
    };
    let changes = compare(&before, &after);
    print!("{}", render(&changes, &old_label, &new_label));
    let breaking = changes
        .iter()
        .filter(|c| c.section == Section::Breaking)
        .count();
    if deny_breaking && breaking > 0 {
        eprintln!(
            "error: {breaking} breaking change{} (--deny-breaking)",
            if breaking == 1 { "" } else { "s" }
        );
        return Outcome::Breaking;
    }
    Outcome::Reported
}
