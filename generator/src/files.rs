//! Stage 0, "files": a description kept in many files, read as one. The root file's JSON tree
//! gets every reference into another file gathered into it the way a bundler (`@redocly/cli
//! bundle`) does it, so that the stages after it see one document and a split description
//! gives the same crate as its bundle:
//!
//! - a reference from a place whose kind is a reusable component (a schema, parameter,
//!   response, request body, header, example, link or callback) becomes a
//!   reference to `#/components/<kind>/<name>`, where the target is put once, however many
//!   references reach it: `<name>` is the fragment's last segment (`x.yaml#/Pet` → `Pet`), or
//!   the file's stem for a whole file (`models/droplet.yml` → `droplet`); while that name
//!   holds other content, `-2`, `-3`, ... (a name holding the same place or an equal value is
//!   reused);
//! - so a root component written as a reference to a file (`components: {schemas: {Droplet:
//!   {$ref: models/droplet.yml}}}`) stays a reference, to `#/components/schemas/droplet`
//!   (unless the name is its key: then it is the target, under its key); the model gives such
//!   an alias no type name of its own;
//! - any other reference (a path item, a security scheme, ...) is replaced by its target, and a `$ref` in a place
//!   the standard does not define one (`description: {$ref: 'description.yml#/intro'}`) too,
//!   with a warning;
//! - `#/...` inside a referenced file means that file; a discriminator's mapping to a file
//!   becomes its schema's component, an example's `externalValue` file its `value`.
//!
//! The generator stays pure: files are read through a [`Files`] (a [`Directory`] reads the
//! spec's folder on disk, and the command-line tool wraps it in a loader that also fetches
//! URLs; tests use [`MemoryFiles`]), each file once. What a reference may reach is the
//! configuration's ([`Allow`]):
//!
//! - a reference leaving the root file's folder (`../shared/x.yaml`) is read when
//!   `[spec] allow_outside` names its folder (`../shared`);
//! - an absolute path (`/opt/specs/common.yaml`) is read when it lies under a folder of
//!   `[spec] allow_outside` written as an absolute path (`/opt/specs`);
//! - a URL (`https://schemas.example.com/v1/pet.yaml#/Pet`) is read when it lies under a
//!   prefix of `[spec] allow_urls` (`https://schemas.example.com/v1/`, `http` and `https`
//!   only): its file is the absolute URL, normalized (RFC 3986, by the `url` crate), and a
//!   relative reference written in a file read from a URL resolves against that URL and must
//!   lie under an allowed prefix too. The generator fetches nothing itself: [`Files::read`] is
//!   given the URL (the command-line tool's loader GETs it; a build script's reads no
//!   network). Components gathered from a URL's file are named as any file's
//!   (`https://.../v1/pet.yaml` → `pet`), and diagnostics name the URL
//!   (`https://.../v1/pet.yaml#/properties/x:3:5`).
//!
//! Anything else of those kinds is an error naming the key that would allow it; an example's
//! `externalValue` that is a URL no prefix allows is left as written.
//! [`SourceMap`] translates every pointer of the gathered tree back to
//! `file#/pointer` (with `:line:column` when the file's text gives them), which is how every
//! diagnostic names the file it is about.

use std::collections::BTreeMap;
use std::sync::Mutex;

use serde_json::{Map, Value};

use crate::diagnostics::{Category, Diagnostic, Error, Severity};
use crate::resolve::{escape, push_escaped};

/// Why a [`Files`] could not give a file's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileError {
    /// There is no such file.
    NotFound(String),
    /// The file may not be read (outside the allowed folders, a URL this reader does not
    /// fetch).
    NotAllowed(String),
    /// Any other failure (permissions, not UTF-8, ...).
    Other(String),
}

impl std::fmt::Display for FileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FileError::NotFound(m) | FileError::NotAllowed(m) | FileError::Other(m) => {
                f.write_str(m)
            }
        }
    }
}

/// Where the files of a description come from.
pub trait Files: Sync {
    /// The text of the file at `path`: relative to the root file's folder, `/`-separated and
    /// normalized (`schemas/pet.yaml`; `../shared/x.yml` only when the configuration allows
    /// that folder), an absolute path (`/opt/specs/x.yaml`, only under a folder the
    /// configuration allows), or an absolute `http`/`https` URL (only under a prefix the
    /// configuration allows; a reader that fetches nothing answers [`FileError::NotAllowed`]).
    fn read(&self, path: &str) -> Result<String, FileError>;

    /// The name of the root file's folder (`api` for `api/openapi.yaml`), when known: a file
    /// outside it that refers back into it (`../api/models/pet.yaml` from `../shared/`) then
    /// names the same file as the root's own references (`models/pet.yaml`), instead of a
    /// path leaving the folder. `None` (the default) keeps such a path outside.
    fn folder_name(&self) -> Option<String> {
        None
    }
}

/// The files under a folder on disk. Refuses URLs (it reads no network), and absolute paths and
/// paths leaving the folder except into the folders [`Directory::allow_outside`] names.
#[derive(Debug, Clone)]
pub struct Directory {
    folder: std::path::PathBuf,
    outside: Vec<String>,
}

impl Directory {
    /// The files under `folder` (the root file's folder).
    pub fn new(folder: impl Into<std::path::PathBuf>) -> Directory {
        Directory {
            folder: folder.into(),
            outside: Vec::new(),
        }
    }

    /// Also the files under these folders: relative to `folder` (`../shared`), or absolute
    /// (`/opt/specs`).
    pub fn allow_outside(mut self, folders: impl IntoIterator<Item = String>) -> Directory {
        self.outside
            .extend(folders.into_iter().map(|f| normalize_folder(&f)));
        self
    }
}

impl Files for Directory {
    fn read(&self, path: &str) -> Result<String, FileError> {
        if is_url(path) {
            return Err(FileError::NotAllowed(format!(
                "`{path}` is a URL; a folder on disk reads no network"
            )));
        }
        let normalized = normalize(path)
            .ok_or_else(|| FileError::NotAllowed(format!("`{path}` is not a file path")))?;
        if is_absolute(&normalized) && !allowed(&normalized, &self.outside) {
            return Err(FileError::NotAllowed(format!(
                "`{path}` is an absolute path outside the folders allowed"
            )));
        }
        if normalized.starts_with("../") && !allowed(&normalized, &self.outside) {
            return Err(FileError::NotAllowed(format!(
                "`{path}` is outside the description's folder"
            )));
        }
        // An absolute path replaces the folder.
        let full = self.folder.join(&normalized);
        // A symbolic link may lead elsewhere: the file really read must be under the folder
        // (or an allowed one) too.
        if let (Ok(real), Ok(base)) = (full.canonicalize(), self.folder.canonicalize()) {
            let inside = |folder: &std::path::Path| {
                folder
                    .canonicalize()
                    .is_ok_and(|folder| real.starts_with(folder))
            };
            if !inside(&base) && !self.outside.iter().any(|o| inside(&base.join(o))) {
                return Err(FileError::NotAllowed(format!(
                    "`{path}` leads outside the description's folder through a symbolic link"
                )));
            }
        }
        std::fs::read_to_string(&full).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => FileError::NotFound(format!("no file `{normalized}`")),
            _ => FileError::Other(format!("cannot read `{normalized}`: {e}")),
        })
    }

    fn folder_name(&self) -> Option<String> {
        let folder = self.folder.canonicalize().ok()?;
        Some(folder.file_name()?.to_str()?.to_string())
    }
}

/// Files held in memory, by normalized path, for tests.
#[doc(hidden)]
#[derive(Debug, Default)]
pub struct MemoryFiles(pub BTreeMap<String, String>);

impl MemoryFiles {
    /// The files of `pairs`, `(path, text)`.
    pub fn of<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> MemoryFiles {
        MemoryFiles(
            pairs
                .into_iter()
                .map(|(p, t)| (p.to_string(), t.to_string()))
                .collect(),
        )
    }
}

impl Files for MemoryFiles {
    fn read(&self, path: &str) -> Result<String, FileError> {
        self.0
            .get(path)
            .cloned()
            .ok_or_else(|| FileError::NotFound(format!("no file `{path}`")))
    }
}

/// A [`Files`] that counts how often each file is read, for tests.
#[doc(hidden)]
#[derive(Debug)]
pub struct CountingFiles<F> {
    /// The files read.
    pub inner: F,
    /// Path → number of reads.
    pub reads: Mutex<BTreeMap<String, usize>>,
}

impl<F> CountingFiles<F> {
    /// Counts the reads of `inner`.
    pub fn new(inner: F) -> CountingFiles<F> {
        CountingFiles {
            inner,
            reads: Mutex::new(BTreeMap::new()),
        }
    }
}

impl<F: Files> Files for CountingFiles<F> {
    fn read(&self, path: &str) -> Result<String, FileError> {
        if let Ok(mut reads) = self.reads.lock() {
            *reads.entry(path.to_string()).or_default() += 1;
        }
        self.inner.read(path)
    }

    fn folder_name(&self) -> Option<String> {
        self.inner.folder_name()
    }
}

/// What the configuration allows references to reach beyond the root file's folder.
#[derive(Debug, Clone, Default)]
pub struct Allow {
    /// Folders outside the root file's folder: relative to it (`../shared`), or absolute
    /// (`/opt/specs`), which is what lets an absolute path be read.
    pub outside: Vec<String>,
    /// URL prefixes (`https://schemas.example.com/v1/`) under which a URL is read.
    pub urls: Vec<String>,
}

impl Allow {
    /// What the configuration's `[spec] allow_outside` and `allow_urls` allow.
    pub fn of(config: &crate::config::Config) -> Allow {
        let values = |items: &[crate::config::Item]| -> Vec<String> {
            items.iter().map(|item| item.value.clone()).collect()
        };
        Allow {
            outside: values(&config.spec.allow_outside),
            urls: values(&config.spec.allow_urls),
        }
    }

    /// Whether the URL `url` (absolute) lies under an allowed prefix: the prefix, normalized,
    /// starts it, normalized, at a `/` (`https://h/v1` allows `https://h/v1/x.yaml`, not
    /// `https://h/v1beta/x.yaml`). The command-line tool's loader asks it of every redirect.
    pub fn allows_url(&self, url: &str) -> bool {
        let Ok(url) = url::Url::parse(url) else {
            return false;
        };
        if !matches!(url.scheme(), "http" | "https") {
            return false;
        }
        let url = url.as_str();
        self.urls.iter().any(|prefix| {
            let Ok(prefix) = url::Url::parse(prefix) else {
                return false;
            };
            let prefix = prefix.as_str();
            url.strip_prefix(prefix).is_some_and(|rest| {
                prefix.ends_with('/') || rest.is_empty() || rest.starts_with(['/', '?'])
            })
        })
    }
}

/// A description read from its files: one JSON tree, and where each part of it came from.
#[derive(Debug)]
pub struct Gathered {
    /// The root file's tree with every other file's parts gathered into it.
    pub tree: Value,
    /// Pointers of `tree` → places in the files.
    pub sources: SourceMap,
    /// `$ref`s in places the standard does not define one, each replaced by its target.
    pub warnings: Vec<Diagnostic>,
}

/// Translates a pointer of the gathered tree (`#/components/schemas/droplet/properties/size`)
/// back to the file and place it was written in
/// (`models/droplet.yml#/properties/size:12:5`).
#[derive(Debug, Default)]
pub struct SourceMap {
    root: String,
    /// Whether any other file than the root was read: only then do pointers into the root
    /// name it (a one-file description keeps its `#/...` pointers).
    many: bool,
    /// Pointer of the gathered tree (without `#`) where a file's part was put → (file, its
    /// pointer there).
    parts: BTreeMap<String, (String, String)>,
    /// The text of every file read, for line and column.
    texts: BTreeMap<String, String>,
}

impl SourceMap {
    /// `file#/pointer[:line:column]` of a pointer of the gathered tree; anything else
    /// (`file:line:column` of the configuration, an already translated pointer) unchanged.
    pub fn translate(&self, pointer: &str) -> String {
        let Some(inner) = pointer.strip_prefix('#') else {
            return pointer.to_string();
        };
        let (file, at) = self.place(inner);
        if !self.many {
            return pointer.to_string();
        }
        let position = self
            .texts
            .get(&file)
            .and_then(|text| locate(text, &at))
            .map(|(line, column)| format!(":{line}:{column}"))
            .unwrap_or_default();
        format!("{file}#{at}{position}")
    }

    /// The file and pointer in it of a pointer (without `#`) of the gathered tree.
    fn place(&self, inner: &str) -> (String, String) {
        let mut prefix = inner;
        loop {
            if let Some((file, at)) = self.parts.get(prefix) {
                return (file.clone(), format!("{at}{}", &inner[prefix.len()..]));
            }
            match prefix.rfind('/') {
                Some(cut) => prefix = &prefix[..cut],
                None => return (self.root.clone(), inner.to_string()),
            }
        }
    }

    /// The pointer of the gathered tree (with `#`) of `file#/pointer`, as the configuration may
    /// name a place: the first place the file's part was put, in document order.
    pub fn gathered_pointer(&self, file: &str, pointer: &str) -> Option<String> {
        if file == self.root {
            return Some(format!("#{pointer}"));
        }
        // The part of `file` containing `pointer` that starts deepest.
        self.parts
            .iter()
            .filter(|(_, (f, at))| {
                f == file
                    && (pointer == at
                        || pointer
                            .strip_prefix(at.as_str())
                            .is_some_and(|rest| rest.starts_with('/')))
            })
            .max_by_key(|(_, (_, at))| at.len())
            .map(|(gathered, (_, at))| format!("#{gathered}{}", &pointer[at.len()..]))
    }

    /// Every pointer of `error` translated.
    pub fn translate_error(&self, mut error: Error) -> Error {
        self.translate_all(&mut error.diagnostics);
        error
    }

    /// Every pointer of `diagnostics` translated.
    pub fn translate_all(&self, diagnostics: &mut [Diagnostic]) {
        for d in diagnostics {
            d.pointer = self.translate(&d.pointer);
        }
    }
}

/// Reads the description whose root file is `root` (its path relative to the folder `files`
/// reads, e.g. `openapi.yaml`) with text `root_text`, and gathers every file it references into
/// one tree. Fails with every problem found, each located in the file it is in.
pub fn gather(
    root: &str,
    root_text: &str,
    files: &dyn Files,
    allow: &Allow,
) -> Result<Gathered, Error> {
    let root = normalize(root).unwrap_or_else(|| root.to_string());
    // The root that does not parse fails as a one-file description does (`#`, with the
    // parser's line and column in the message).
    let tree = crate::load::read(root_text)?;
    let mut gatherer = Gatherer {
        files,
        back_in: files.folder_name().map(|name| format!("../{name}/")),
        allow: allow.clone(),
        root: root.clone(),
        cache: BTreeMap::new(),
        texts: BTreeMap::new(),
        placed: BTreeMap::new(),
        rewritten: BTreeMap::new(),
        added: Vec::new(),
        slots: BTreeMap::new(),
        taken: BTreeMap::new(),
        root_tree: std::rc::Rc::new(Value::Null),
        inlining: Vec::new(),
        parts: BTreeMap::new(),
        errors: Vec::new(),
        warnings: Vec::new(),
        depth: 0,
        walked: 0,
        exhausted: false,
        text_bytes: root_text.len(),
    };
    gatherer.texts.insert(root.clone(), root_text.to_string());
    let mut tree = tree;
    if has_external(&tree) {
        gatherer.root_tree = std::rc::Rc::new(tree.clone());
        gatherer.root_components(&tree);
        gatherer.walk(
            &mut tree,
            Kind::Root,
            &root,
            &mut String::new(),
            &mut String::new(),
        );
        gatherer.put_components(&mut tree);
    }
    if !gatherer.errors.is_empty() {
        let mut diagnostics = gatherer.errors;
        diagnostics.dedup();
        return Err(Error { diagnostics });
    }
    let many = !gatherer.cache.is_empty();
    Ok(Gathered {
        tree,
        sources: SourceMap {
            root,
            many,
            parts: gatherer.parts,
            texts: gatherer.texts,
        },
        warnings: gatherer.warnings,
    })
}

/// Whether any `$ref` of the tree names another file (a one-file description is left as it
/// is, not even copied).
fn has_external(tree: &Value) -> bool {
    let mut stack = vec![tree];
    while let Some(value) = stack.pop() {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get("$ref") {
                    if !r.starts_with('#') {
                        return true;
                    }
                }
                stack.extend(map.values());
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    false
}

/// What a place of the document holds, as far as references care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Root,
    Paths,
    PathItem,
    Operation,
    Parameter,
    RequestBody,
    Responses,
    Response,
    Content,
    MediaType,
    Encoding,
    Schema,
    Header,
    Example,
    Link,
    Callback,
    SecurityScheme,
    Discriminator,
    Components,
    /// A map whose every value is of the kind.
    MapOf(&'static Kind),
    /// Values (examples, defaults, enums, extensions): a `$ref` in them is data.
    Data,
    /// Text (`description`, `summary`, `title`): a `$ref` is replaced by its target, with a
    /// warning.
    Text,
    /// What a schema holds beyond its keywords: not walked by a bundler, except that a
    /// reference object it shares with a place that was (the same object of the same file, as
    /// a bundler's rewrites are made in place) is rewritten the same way.
    Unknown,
    /// Anything else (`info`, `servers`, ...): walked, a `$ref` in it replaced by its target
    /// with a warning.
    Other,
}

impl Kind {
    /// The `components` section a reference from a place of this kind goes to.
    fn component(self) -> Option<&'static str> {
        Some(match self {
            Kind::Schema => "schemas",
            Kind::Parameter => "parameters",
            Kind::Response => "responses",
            Kind::RequestBody => "requestBodies",
            Kind::Header => "headers",
            Kind::Example => "examples",
            Kind::Link => "links",
            Kind::Callback => "callbacks",
            // Not security schemes: the bundler's table names them `SecuritySchema`, which no
            // type is called, so a reference to one is put in its place.
            _ => return None,
        })
    }

    /// The keys a bundler's type of such an object names, in its order (OpenAPI 3.0's, which
    /// `@redocly/cli` walks first; the rest follow as written).
    fn order(self) -> &'static [&'static str] {
        match self {
            Kind::Root => &[
                "openapi",
                "info",
                "servers",
                "security",
                "tags",
                "externalDocs",
                "paths",
                "components",
            ],
            Kind::PathItem => &[
                "$ref",
                "servers",
                "parameters",
                "summary",
                "description",
                "get",
                "put",
                "post",
                "delete",
                "options",
                "head",
                "patch",
                "trace",
            ],
            Kind::Operation => &[
                "tags",
                "summary",
                "description",
                "externalDocs",
                "operationId",
                "parameters",
                "security",
                "servers",
                "requestBody",
                "responses",
                "deprecated",
                "callbacks",
            ],
            Kind::Parameter | Kind::Header => &[
                "name",
                "in",
                "description",
                "required",
                "deprecated",
                "allowEmptyValue",
                "style",
                "explode",
                "allowReserved",
                "schema",
                "example",
                "examples",
                "content",
            ],
            Kind::RequestBody => &["description", "required", "content"],
            Kind::Responses => &["default"],
            Kind::Response => &["description", "headers", "content", "links"],
            Kind::MediaType => &["schema", "example", "examples", "encoding"],
            Kind::Encoding => &["contentType", "headers"],
            Kind::Schema => &[
                "externalDocs",
                "discriminator",
                "title",
                "required",
                "enum",
                "type",
                "allOf",
                "anyOf",
                "oneOf",
                "not",
                "properties",
                "items",
                "additionalProperties",
                "description",
            ],
            Kind::Example => &["value", "summary", "description", "externalValue"],
            Kind::Link => &[
                "operationRef",
                "operationId",
                "parameters",
                "requestBody",
                "description",
                "server",
            ],
            Kind::Components => &[
                "parameters",
                "schemas",
                "responses",
                "examples",
                "requestBodies",
                "headers",
                "securitySchemes",
                "links",
                "callbacks",
            ],
            _ => &[],
        }
    }

    /// Whether the standard allows a Reference Object (or a schema's `$ref`) here.
    fn takes_reference(self) -> bool {
        self.component().is_some() || matches!(self, Kind::PathItem | Kind::SecurityScheme)
    }

    /// The kind of the value under `key` of an object of this kind.
    fn child(self, key: &str) -> Kind {
        const SCHEMA: Kind = Kind::Schema;
        const EXAMPLE: Kind = Kind::Example;
        const HEADER: Kind = Kind::Header;
        const PARAMETER: Kind = Kind::Parameter;
        const PATH_ITEM: Kind = Kind::PathItem;
        const OPERATION: Kind = Kind::Operation;
        const RESPONSE: Kind = Kind::Response;
        const REQUEST_BODY: Kind = Kind::RequestBody;
        const LINK: Kind = Kind::Link;
        const CALLBACK: Kind = Kind::Callback;
        const SECURITY: Kind = Kind::SecurityScheme;
        const MEDIA_TYPE: Kind = Kind::MediaType;
        const ENCODING: Kind = Kind::Encoding;
        if key.starts_with("x-") {
            return Kind::Data;
        }
        match (self, key) {
            (Kind::Unknown, _) => Kind::Unknown,
            (Kind::MapOf(kind), _) => *kind,
            (Kind::Text, _) => Kind::Text,
            (Kind::Root, "paths") => Kind::Paths,
            (Kind::Root, "webhooks") => Kind::MapOf(&PATH_ITEM),
            (Kind::Root, "components") => Kind::Components,
            (Kind::Paths, _) => Kind::PathItem,
            (Kind::PathItem, "parameters") => Kind::MapOf(&PARAMETER),
            (
                Kind::PathItem,
                "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace"
                | "query",
            ) => Kind::Operation,
            (Kind::PathItem, "additionalOperations") => Kind::MapOf(&OPERATION),
            (Kind::Operation, "parameters") => Kind::MapOf(&PARAMETER),
            (Kind::Operation, "requestBody") => Kind::RequestBody,
            (Kind::Operation, "responses") => Kind::Responses,
            (Kind::Operation, "callbacks") => Kind::MapOf(&CALLBACK),
            (Kind::Responses, _) => Kind::Response,
            (Kind::Response, "headers") => Kind::MapOf(&HEADER),
            (Kind::Response, "content") => Kind::Content,
            (Kind::Response, "links") => Kind::MapOf(&LINK),
            (Kind::Content, _) => Kind::MediaType,
            (Kind::MediaType, "schema" | "itemSchema") => Kind::Schema,
            (Kind::MediaType, "encoding" | "prefixEncoding") => Kind::MapOf(&ENCODING),
            (Kind::MediaType, "itemEncoding") => Kind::Encoding,
            (Kind::Encoding, "headers") => Kind::MapOf(&HEADER),
            (Kind::Parameter | Kind::Header, "schema") => Kind::Schema,
            (Kind::Parameter | Kind::Header, "content") => Kind::Content,
            (Kind::Parameter | Kind::Header | Kind::MediaType, "examples") => Kind::MapOf(&EXAMPLE),
            (Kind::RequestBody, "content") => Kind::Content,
            (Kind::Callback, _) => Kind::PathItem,
            (
                Kind::Schema,
                "properties" | "patternProperties" | "dependentSchemas" | "$defs" | "definitions",
            ) => Kind::MapOf(&SCHEMA),
            (Kind::Schema, "allOf" | "anyOf" | "oneOf" | "prefixItems") => Kind::MapOf(&SCHEMA),
            (
                Kind::Schema,
                "items"
                | "not"
                | "additionalProperties"
                | "unevaluatedProperties"
                | "unevaluatedItems"
                | "contains"
                | "propertyNames"
                | "if"
                | "then"
                | "else"
                | "contentSchema"
                | "additionalItems",
            ) => Kind::Schema,
            (Kind::Components, "schemas") => Kind::MapOf(&SCHEMA),
            (Kind::Components, "responses") => Kind::MapOf(&RESPONSE),
            (Kind::Components, "parameters") => Kind::MapOf(&PARAMETER),
            (Kind::Components, "examples") => Kind::MapOf(&EXAMPLE),
            (Kind::Components, "requestBodies") => Kind::MapOf(&REQUEST_BODY),
            (Kind::Components, "headers") => Kind::MapOf(&HEADER),
            (Kind::Components, "securitySchemes") => Kind::MapOf(&SECURITY),
            (Kind::Components, "links") => Kind::MapOf(&LINK),
            (Kind::Components, "callbacks") => Kind::MapOf(&CALLBACK),
            (Kind::Components, "pathItems") => Kind::MapOf(&PATH_ITEM),
            (Kind::Components, "mediaTypes") => Kind::MapOf(&MEDIA_TYPE),
            (
                _,
                "example" | "examples" | "default" | "enum" | "const" | "value" | "dataValue"
                | "serializedValue",
            ) => Kind::Data,
            (_, "description" | "summary" | "title") => Kind::Text,
            (Kind::Schema, "discriminator") => Kind::Discriminator,
            (Kind::Schema, _) => Kind::Unknown,
            _ => Kind::Other,
        }
    }
}

/// A file's tree once read, or why it could not be.
type Loaded = Result<std::rc::Rc<Value>, String>;

struct Gatherer<'f> {
    files: &'f dyn Files,
    /// `../<this>/`: the way back into the root file's folder from beside it
    /// ([`Files::folder_name`]), read as that folder.
    back_in: Option<String>,
    allow: Allow,
    root: String,
    /// Every file other than the root, read once.
    cache: BTreeMap<String, Loaded>,
    texts: BTreeMap<String, String>,
    /// (section, file, pointer) → the component's name.
    placed: BTreeMap<(&'static str, String, String), String>,
    /// The components put in, in the order a bundler adds them (after their own references).
    added: Vec<(&'static str, String, Option<Value>)>,
    /// (section, name) → its index in `added`: a component takes its place when a reference to
    /// it is first left, which in a cycle is before its own content is walked to its end.
    slots: BTreeMap<(&'static str, String), usize>,
    /// Names taken per section (the root's own and those put in), with what each holds: its
    /// (file, pointer) when known.
    taken: BTreeMap<&'static str, BTreeMap<String, Holder>>,
    /// The root file's tree as written.
    root_tree: std::rc::Rc<Value>,
    /// (file, pointer of a reference object) → the `$ref` it was rewritten to, for
    /// [`Kind::Unknown`].
    rewritten: BTreeMap<(String, String), String>,
    /// The (file, pointer)s being put in place of their references, for cycles.
    inlining: Vec<(String, String)>,
    parts: BTreeMap<String, (String, String)>,
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
    /// How deep the walk is.
    depth: usize,
    /// How many values were walked, and whether that exceeded the budget.
    walked: usize,
    exhausted: bool,
    /// The length of every text read.
    text_bytes: usize,
}

/// What a component name holds: the place it was gathered from (or a root component's
/// reference leads to), and whether it was gathered (its content as written is at its place;
/// a root component's is in the root's tree).
struct Holder {
    place: Option<(String, String)>,
    gathered: bool,
}

/// A `$ref` split into the file it names (normalized, relative to the root's folder) and the
/// pointer into it.
struct Target {
    file: String,
    pointer: String,
}

impl Gatherer<'_> {
    /// The names the root's own components take, and where each that is a reference to
    /// another file leads (a bundler puts that target under the key when the key is the name
    /// it would give it, and else leaves the key a reference to the name it gives it).
    fn root_components(&mut self, tree: &Value) {
        let Some(components) = tree.get("components").and_then(Value::as_object) else {
            return;
        };
        for (section, entries) in components {
            let Some(section) = Kind::Components.child(section).component_of_map() else {
                continue;
            };
            let Some(entries) = entries.as_object() else {
                continue;
            };
            for (name, value) in entries {
                let target = value
                    .get("$ref")
                    .and_then(Value::as_str)
                    .filter(|r| !r.starts_with('#'))
                    .and_then(|r| self.target(r, &self.root, "").ok())
                    .map(|target| (target.file, target.pointer));
                self.taken.entry(section).or_default().insert(
                    name.clone(),
                    Holder {
                        place: target,
                        gathered: false,
                    },
                );
            }
        }
    }

    /// Walks `value` (of `kind`, in `file` at `at_file`, at `at` in the gathered tree),
    /// gathering what its references name.
    /// `at` and `at_file` are buffers the walk extends and truncates as it goes down and up.
    fn walk(
        &mut self,
        value: &mut Value,
        kind: Kind,
        file: &str,
        at: &mut String,
        at_file: &mut String,
    ) {
        // Deeper than any document the later stages accept (they refuse it, naming the
        // place): not walked further, so that a chain of files cannot exhaust the stack.
        if kind == Kind::Data || self.depth > 2 * crate::load::MAX_DOCUMENT_DEPTH {
            return;
        }
        // Each value walked costs one unit of a budget of twice the text read (plus a
        // little): references put in place of themselves over and over (a file naming the
        // next twice, thirty times) stop here, before the tree is built, as YAML aliases do.
        self.walked += 1;
        let budget = self.text_bytes.saturating_mul(2).saturating_add(4096);
        if self.walked > budget {
            if !self.exhausted {
                self.exhausted = true;
                self.errors.push(Diagnostic {
                    severity: Severity::Error,
                    category: Category::BadInput,
                    pointer: self.located(file, at_file),
                    message: "references put in place of themselves expand the description to \
                              more than twice the size of its files; refusing to expand them \
                              (make the repeated part a component)"
                        .into(),
                });
            }
            return;
        }
        self.depth += 1;
        self.walk_value(value, kind, file, at, at_file);
        self.depth -= 1;
    }

    fn walk_value(
        &mut self,
        value: &mut Value,
        kind: Kind,
        file: &str,
        at: &mut String,
        at_file: &mut String,
    ) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(reference)) = map.get("$ref") {
                    let reference = reference.clone();
                    if let Some(replacement) =
                        self.reference(map, &reference, kind, file, at, at_file)
                    {
                        *value = replacement;
                    }
                    return;
                }
                // In a bundler's order: the keys its type of the object names first, in its
                // order, then the others as written (which decides who gets a contested name).
                let order = kind.order();
                for key in order {
                    if let Some(child) = map.get_mut(*key) {
                        self.child(child, kind.child(key), key, file, at, at_file);
                    }
                }
                for (key, child) in map.iter_mut() {
                    if !order.contains(&key.as_str()) {
                        self.child(child, kind.child(key), key, file, at, at_file);
                    }
                }
                match kind {
                    Kind::Discriminator => self.mapping(map, file, at_file),
                    Kind::Example => self.external_value(map, file, at_file),
                    _ => {}
                }
            }
            Value::Array(items) => {
                let item_kind = match kind {
                    Kind::MapOf(k) => *k,
                    Kind::Schema => Kind::Schema, // `items: [...]` of old drafts
                    _ => Kind::Other,
                };
                for (i, item) in items.iter_mut().enumerate() {
                    self.child(item, item_kind, &i.to_string(), file, at, at_file);
                }
            }
            _ => {}
        }
    }

    /// Walks the value under `key` (objects and arrays: a scalar holds no reference).
    fn child(
        &mut self,
        value: &mut Value,
        kind: Kind,
        key: &str,
        file: &str,
        at: &mut String,
        at_file: &mut String,
    ) {
        if !(value.is_object() || value.is_array()) {
            return;
        }
        let (len, len_file) = (at.len(), at_file.len());
        at.push('/');
        push_escaped(at, key);
        at_file.push_str(&at[len..]);
        self.walk(value, kind, file, at, at_file);
        at.truncate(len);
        at_file.truncate(len_file);
    }

    /// Where a chain of references starting at `target` ends: a target that is itself a
    /// reference (`alias.yaml` holding only `$ref: thing.yaml`) is followed, as a bundler
    /// resolves it, so that the component is named after the end. A cycle is an error; a
    /// target that cannot be read is left for [`Self::content`] to report.
    fn follow(&mut self, mut target: Target) -> Option<Target> {
        let mut seen: Vec<(String, String)> = Vec::new();
        loop {
            let tree = if target.file == self.root {
                self.root_tree.clone()
            } else {
                match self.load(&target.file) {
                    Ok(tree) => tree,
                    Err(_) => return Some(target),
                }
            };
            let Some(Value::String(next)) =
                lookup(&tree, &target.pointer).and_then(|node| node.get("$ref"))
            else {
                return Some(target);
            };
            if target.file == self.root && next.starts_with('#') {
                // Within the root, where references stay as they are.
                return Some(target);
            }
            let site = format!("{}/$ref", target.pointer);
            let next = match self.target(next, &target.file, &site) {
                Ok(next) => next,
                Err(diagnostic) => {
                    self.errors.push(diagnostic);
                    return None;
                }
            };
            seen.push((target.file.clone(), target.pointer.clone()));
            if seen.contains(&(next.file.clone(), next.pointer.clone())) {
                self.errors.push(Diagnostic {
                    severity: Severity::Error,
                    category: Category::BadInput,
                    pointer: self.located(&target.file, &site),
                    message: "a `$ref` cycle across files: each target is only a reference to \
                              the next, and the last leads back to the first"
                        .into(),
                });
                return None;
            }
            target = next;
        }
    }

    /// A discriminator's `mapping` values and `defaultMapping` that name a schema in another
    /// file become references to its component, as a bundler makes them.
    fn mapping(&mut self, discriminator: &mut Map<String, Value>, file: &str, at_file: &str) {
        let mut slots: Vec<(String, &mut Value)> = Vec::new();
        let mut default = None;
        for (key, value) in discriminator.iter_mut() {
            match (key.as_str(), value) {
                ("mapping", Value::Object(mapping)) => {
                    for (key, value) in mapping.iter_mut() {
                        slots.push((format!("{at_file}/mapping/{}", escape(key)), value));
                    }
                }
                ("defaultMapping", value) => default = Some(value),
                _ => {}
            }
        }
        // `defaultMapping` after `mapping`, which a bundler leaves first.
        if let Some(value) = default {
            slots.push((format!("{at_file}/defaultMapping"), value));
        }
        for (site, value) in slots {
            let Value::String(reference) = value else {
                continue;
            };
            if !names_schema(reference) || (file == self.root && reference.starts_with('#')) {
                continue;
            }
            let target = match self.target(reference, file, &site) {
                Ok(target) => target,
                Err(diagnostic) => {
                    self.errors.push(diagnostic);
                    continue;
                }
            };
            if target.file == self.root
                && target
                    .pointer
                    .strip_prefix("/components/schemas/")
                    .is_some_and(|name| !name.contains('/'))
            {
                *value = Value::String(format!("#{}", target.pointer));
                continue;
            }
            let Some(content) = self.content(&target, file, &site) else {
                continue;
            };
            let name = self.component("schemas", &target, content, Kind::Schema);
            *value = Value::String(format!("#/components/schemas/{}", escape(&name)));
        }
    }

    /// An example's `externalValue` naming a file becomes its `value` (a bundler's
    /// `Example.leave`), unless it has one: the file's JSON or YAML, else its text.
    fn external_value(&mut self, example: &mut Map<String, Value>, file: &str, at_file: &str) {
        if example.contains_key("value") {
            return;
        }
        let Some(Value::String(reference)) = example.get("externalValue") else {
            return;
        };
        let site = format!("{at_file}/externalValue");
        let target = match self.target(reference, file, &site) {
            Ok(target) => target,
            // A URL no prefix of `[spec] allow_urls` allows: left as written.
            Err(_) if is_url(reference) => return,
            Err(diagnostic) => {
                self.errors.push(diagnostic);
                return;
            }
        };
        let value = match self.load(&target.file) {
            Ok(tree) => match lookup(&tree, &target.pointer) {
                Some(value) => value.clone(),
                None => {
                    let diagnostic = self.missing(&target, file, &site);
                    self.errors.push(diagnostic);
                    return;
                }
            },
            Err(message) => match self.texts.get(&target.file) {
                // Read, but neither JSON nor YAML: an example as text.
                Some(text) => Value::String(text.clone()),
                None => {
                    let pointer = self.located(file, &site);
                    self.errors.push(Diagnostic {
                        severity: Severity::Error,
                        category: Category::BadInput,
                        pointer,
                        message,
                    });
                    return;
                }
            },
        };
        example.remove("externalValue");
        example.insert("value".into(), value);
    }

    /// The value that takes the place of the reference object `map` (with `$ref` `reference`),
    /// or `None` to leave it (a reference within the root file, or one rewritten in place).
    fn reference(
        &mut self,
        map: &mut Map<String, Value>,
        reference: &str,
        kind: Kind,
        file: &str,
        at: &str,
        at_file: &str,
    ) -> Option<Value> {
        let site = format!("{at_file}/$ref");
        if file == self.root && reference.starts_with('#') {
            return None;
        }
        if kind == Kind::Unknown {
            if let Some(rewritten) = self.rewritten.get(&(file.to_string(), at_file.to_string())) {
                map.insert("$ref".into(), Value::String(rewritten.clone()));
            }
            return None;
        }
        let target = match self.target(reference, file, &site) {
            Ok(target) => self.follow(target)?,
            Err(diagnostic) => {
                self.errors.push(diagnostic);
                return None;
            }
        };
        if !kind.takes_reference() {
            self.warnings.push(Diagnostic {
                severity: Severity::Warning,
                category: Category::Unsupported,
                pointer: self.located(file, &site),
                message: format!(
                    "the standard defines no `$ref` here; `{reference}` is read as its target, \
                     as bundlers do"
                ),
            });
        }
        if target.file == self.root {
            // Back into the root: its components are where they are.
            if let Some(section) = kind.component() {
                if target
                    .pointer
                    .strip_prefix(&format!("/components/{section}/"))
                    .is_some_and(|name| !name.contains('/'))
                {
                    map.insert("$ref".into(), Value::String(format!("#{}", target.pointer)));
                    return None;
                }
            }
        }
        if let Some(section) = kind.component() {
            if let Some(name) = self.placed_name(section, &target) {
                let rewritten = format!("#/components/{section}/{}", escape(&name));
                self.rewritten
                    .insert((file.to_string(), at_file.to_string()), rewritten.clone());
                map.insert("$ref".into(), Value::String(rewritten));
                return None;
            }
        }
        let content = self.content(&target, file, &site)?;
        match kind.component() {
            Some(section) => {
                let name = self.component(section, &target, content, kind);
                let rewritten = format!("#/components/{section}/{}", escape(&name));
                self.rewritten
                    .insert((file.to_string(), at_file.to_string()), rewritten.clone());
                map.insert("$ref".into(), Value::String(rewritten));
                None
            }
            _ => {
                let key = (target.file.clone(), target.pointer.clone());
                if self.inlining.contains(&key) {
                    self.errors.push(Diagnostic {
                        severity: Severity::Error,
                        category: Category::BadInput,
                        pointer: self.located(file, &site),
                        message: format!(
                            "`{reference}` leads back to itself through references that are \
                             put in their place (a cycle of references across files)"
                        ),
                    });
                    return None;
                }
                self.inlining.push(key);
                let mut content = content;
                self.parts.insert(
                    at.to_string(),
                    (target.file.clone(), target.pointer.clone()),
                );
                self.walk(
                    &mut content,
                    kind,
                    &target.file,
                    &mut at.to_string(),
                    &mut target.pointer.clone(),
                );
                self.inlining.pop();
                map.remove("$ref");
                Some(match content {
                    Value::Object(object) if !map.is_empty() => {
                        // The reference's own keys first and winning, then the target's (a
                        // bundler's `Object.assign(ref, {...target, ...ref})`).
                        let mut merged = std::mem::take(map);
                        for (key, value) in object {
                            merged.entry(key).or_insert(value);
                        }
                        Value::Object(merged)
                    }
                    other => other,
                })
            }
        }
    }

    /// The name of the component of `section` holding `target`, put in (and its own
    /// references gathered) the first time.
    fn component(
        &mut self,
        section: &'static str,
        target: &Target,
        content: Value,
        kind: Kind,
    ) -> String {
        if let Some(name) = self.placed_name(section, target) {
            return name;
        }
        let key = (section, target.file.clone(), target.pointer.clone());
        let name = self.free_name(section, target, &content);
        self.placed.insert(key, name.clone());
        let holders = self.taken.entry(section).or_default();
        if holders.get(&name).is_some_and(|h| h.gathered) {
            // Equal content gathered from another place: the bundler's one component.
            return name;
        }
        holders.insert(
            name.clone(),
            Holder {
                place: Some((target.file.clone(), target.pointer.clone())),
                gathered: true,
            },
        );
        let at = format!("/components/{section}/{}", escape(&name));
        self.parts
            .insert(at.clone(), (target.file.clone(), target.pointer.clone()));
        let mut content = content;
        self.walk(
            &mut content,
            kind,
            &target.file,
            &mut at.clone(),
            &mut target.pointer.clone(),
        );
        let slot = self.slot(section, &name);
        self.added[slot].2 = Some(content);
        name
    }

    /// The name of the component already holding `target`, if any (its place in the
    /// components taken now if it has none yet).
    fn placed_name(&mut self, section: &'static str, target: &Target) -> Option<String> {
        let name = self
            .placed
            .get(&(section, target.file.clone(), target.pointer.clone()))?
            .clone();
        self.slot(section, &name);
        Some(name)
    }

    /// The index in `added` of the component `name` of `section`, taken now if it has none.
    fn slot(&mut self, section: &'static str, name: &str) -> usize {
        let next = self.added.len();
        let slot = *self
            .slots
            .entry((section, name.to_string()))
            .or_insert(next);
        if slot == next {
            self.added.push((section, name.to_string(), None));
        }
        slot
    }

    /// A bundler's name for `target` in `section`: the pointer's last segment (as written),
    /// else the file's stem; then, while that name holds other content, with `-2`, `-3`, ...
    /// A name holding the same content (the same place, or an equal value) is reused.
    fn free_name(&self, section: &'static str, target: &Target, content: &Value) -> String {
        let taken = self.taken.get(section);
        let usable = |name: &str| {
            let Some(holder) = taken.and_then(|t| t.get(name)) else {
                return true;
            };
            if holder.place.as_ref() == Some(&(target.file.clone(), target.pointer.clone())) {
                return true;
            }
            match (&holder.place, holder.gathered) {
                (Some((file, pointer)), true) => self.raw(file, pointer) == Some(content),
                _ => self
                    .root_tree
                    .get("components")
                    .and_then(|c| c.get(section))
                    .and_then(|c| c.get(name))
                    .is_some_and(|raw| raw == content),
            }
        };
        let last = target.pointer.rsplit('/').next().unwrap_or("");
        let base = if last.is_empty() {
            stem(&target.file)
        } else {
            last.to_string()
        };
        if usable(&base) {
            return base;
        }
        (2..)
            .map(|n| format!("{base}-{n}"))
            .find(|name| usable(name))
            .unwrap_or(base)
    }

    /// The value at `pointer` of `file` as written (read already).
    fn raw(&self, file: &str, pointer: &str) -> Option<&Value> {
        let tree = if file == self.root {
            &self.root_tree
        } else {
            self.cache.get(file)?.as_ref().ok()?
        };
        lookup(tree, pointer)
    }

    /// Appends the components put in to the tree's `components`, as a bundler does.
    fn put_components(&mut self, tree: &mut Value) {
        let Some(root) = tree.as_object_mut() else {
            return;
        };
        for (section, name, value) in std::mem::take(&mut self.added) {
            let Some(value) = value else {
                continue;
            };
            let components = root
                .entry("components")
                .or_insert_with(|| Value::Object(Map::new()));
            if let Some(components) = components.as_object_mut() {
                let entries = components
                    .entry(section)
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Some(entries) = entries.as_object_mut() {
                    entries.insert(name, value);
                }
            }
        }
    }

    /// Where `reference`, written in `file`, leads.
    fn target(&self, reference: &str, file: &str, site: &str) -> Result<Target, Diagnostic> {
        let (path, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let fail = |message: String| Diagnostic {
            severity: Severity::Error,
            category: Category::BadInput,
            pointer: self.located(file, site),
            message,
        };
        let fragment = percent_decode(fragment);
        if !fragment.is_empty() && !fragment.starts_with('/') {
            return Err(fail(format!(
                "`{reference}`: only JSON pointer fragments (`#/...`) lead into another file"
            )));
        }
        if path.is_empty() {
            return Ok(Target {
                file: file.to_string(),
                pointer: fragment,
            });
        }
        if is_url(path) || is_url(file) {
            return self
                .url_target(reference, path, file)
                .map(|file| Target {
                    file,
                    pointer: fragment,
                })
                .map_err(fail);
        }
        let path = percent_decode(path);
        if is_absolute(&path) {
            let Some(normalized) = normalize(&path) else {
                return Err(fail(format!("`{reference}` is not a file path")));
            };
            if !allowed(&normalized, &self.allow.outside) {
                return Err(fail(format!(
                    "`{reference}` is an absolute path; reference files by paths relative to \
                     the file that names them, or allow its folder, written as an absolute \
                     path, with `[spec] allow_outside` in the configuration"
                )));
            }
            return Ok(Target {
                file: normalized,
                pointer: fragment,
            });
        }
        let Some(joined) = join(file, &path) else {
            return Err(fail(format!("`{reference}` is not a file path")));
        };
        let joined = match self.back_in.as_deref().and_then(|b| joined.strip_prefix(b)) {
            Some(inside) => inside.to_string(),
            None => joined,
        };
        if is_absolute(&joined) && !allowed(&joined, &self.allow.outside) {
            // Relative, in a file read by its absolute path.
            return Err(fail(format!(
                "`{reference}` leads out of the folders `[spec] allow_outside` allows (to \
                 `{joined}`); allow its folder there, as an absolute path"
            )));
        }
        if joined.starts_with("../") && !allowed(&joined, &self.allow.outside) {
            return Err(fail(format!(
                "`{reference}` leads outside the description's folder (to `{joined}`); allow \
                 its folder with `[spec] allow_outside` in the configuration"
            )));
        }
        Ok(Target {
            file: joined,
            pointer: fragment,
        })
    }

    /// The URL (absolute, normalized, without its fragment) of the file `path` of a reference
    /// names, when `path` is a URL or `file` was read from one (RFC 3986 resolution against
    /// it); an error unless a prefix of `[spec] allow_urls` allows it.
    fn url_target(&self, reference: &str, path: &str, file: &str) -> Result<String, String> {
        let resolved = if is_url(file) {
            url::Url::parse(file).and_then(|base| base.join(path))
        } else {
            url::Url::parse(path)
        };
        let mut url = match resolved {
            Ok(url) => url,
            Err(e) => {
                return Err(format!(
                    "`{reference}` is not a URL this generator reads: {e}"
                ));
            }
        };
        url.set_fragment(None);
        if self.allow.allows_url(url.as_str()) {
            return Ok(url.into());
        }
        let how = "add its prefix (such as `https://schemas.example.com/v1/`) to `[spec] \
                   allow_urls` in the configuration to read it (the command-line tool fetches \
                   it), or download the file beside the description and reference it by a \
                   relative path";
        Err(if is_url(path) {
            format!("`{reference}` is a URL that no prefix of `[spec] allow_urls` allows; {how}")
        } else {
            format!(
                "`{reference}`, written in `{file}`, is `{url}`, which no prefix of `[spec] \
                 allow_urls` allows; {how}"
            )
        })
    }

    /// A copy of what `target` points at (reading its file the first time).
    fn content(&mut self, target: &Target, file: &str, site: &str) -> Option<Value> {
        let tree = if target.file == self.root {
            // Into the root from another file: the root as written.
            self.root_tree.clone()
        } else {
            match self.load(&target.file) {
                Ok(tree) => tree,
                Err(message) => {
                    let pointer = self.located(file, site);
                    self.errors.push(Diagnostic {
                        severity: Severity::Error,
                        category: Category::BadInput,
                        pointer,
                        message,
                    });
                    return None;
                }
            }
        };
        let found = lookup(&tree, &target.pointer).cloned();
        if found.is_none() {
            let diagnostic = self.missing(target, file, site);
            self.errors.push(diagnostic);
        }
        found
    }

    fn missing(&self, target: &Target, file: &str, site: &str) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            category: Category::BadInput,
            pointer: self.located(file, site),
            message: format!(
                "`{}#{}` names nothing: `{}` has no `{}`",
                target.file, target.pointer, target.file, target.pointer
            ),
        }
    }

    /// The tree of `file`, read and parsed once.
    fn load(&mut self, file: &str) -> Result<std::rc::Rc<Value>, String> {
        if let Some(loaded) = self.cache.get(file) {
            return loaded.clone();
        }
        let loaded = match self.files.read(file) {
            Ok(text) => {
                let parsed = match crate::load::read_located(&text) {
                    Ok(tree) => Ok(std::rc::Rc::new(tree)),
                    Err(e) => Err(match e.position {
                        Some((line, column)) => format!(
                            "`{file}` is {} (`{file}:{line}:{column}`): {}",
                            e.what, e.detail
                        ),
                        None => format!("`{file}` is {}: {}", e.what, e.detail),
                    }),
                };
                self.text_bytes += text.len();
                self.texts.insert(file.to_string(), text);
                parsed
            }
            Err(e) => Err(match e {
                FileError::NotFound(m) => format!("cannot read `{file}`: {m}"),
                FileError::NotAllowed(m) => format!("may not read `{file}`: {m}"),
                FileError::Other(m) => format!("cannot read `{file}`: {m}"),
            }),
        };
        self.cache.insert(file.to_string(), loaded.clone());
        loaded
    }

    /// `file#pointer[:line:column]`.
    fn located(&self, file: &str, pointer: &str) -> String {
        let position = self
            .texts
            .get(file)
            .and_then(|text| locate(text, pointer))
            .map(|(line, column)| format!(":{line}:{column}"))
            .unwrap_or_default();
        format!("{file}#{pointer}{position}")
    }
}

impl Kind {
    /// The section of `components` whose every entry is of this (map) kind.
    fn component_of_map(self) -> Option<&'static str> {
        match self {
            Kind::MapOf(kind) => kind.component(),
            _ => None,
        }
    }
}

/// The value at `pointer` (without `#`) of `tree`.
fn lookup<'v>(tree: &'v Value, pointer: &str) -> Option<&'v Value> {
    if pointer.is_empty() {
        return Some(tree);
    }
    tree.pointer(pointer)
}

/// Whether a discriminator's mapping value is a reference rather than a schema's name (a
/// bundler's test: a fragment, a URL, a path, or a JSON or YAML file).
fn names_schema(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    value.starts_with('#')
        || is_url(value)
        || value.contains('/')
        || [".yaml", ".yml", ".json"]
            .iter()
            .any(|e| lower.ends_with(e))
}

fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

/// The file name without its folder and extension.
fn stem(file: &str) -> String {
    let name = file.rsplit('/').next().unwrap_or(file);
    match name.rfind('.') {
        Some(dot) if dot > 0 => name[..dot].to_string(),
        _ => name.to_string(),
    }
}

fn is_url(path: &str) -> bool {
    path.starts_with("//")
        || path.split_once(':').is_some_and(|(scheme, _)| {
            scheme.len() > 1
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        })
}

fn is_absolute(path: &str) -> bool {
    let bytes = path.as_bytes();
    path.starts_with('/')
        || path.starts_with('\\')
        || (bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':')
}

/// `%XX` escapes of a URI reference decoded (invalid ones kept as written).
fn percent_decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_string();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

/// `path` (relative to the folder of `file`) as a normalized path relative to the root's
/// folder: `a/b.yaml` + `../c.yaml` → `c.yaml`; leading `../` where it leaves the folder; an
/// absolute path when `file` is one (`/opt/specs/a.yaml` + `b.yaml` → `/opt/specs/b.yaml`).
fn join(file: &str, path: &str) -> Option<String> {
    match file.rfind('/') {
        Some(cut) => normalize(&format!("{}/{path}", &file[..cut])),
        None => normalize(path),
    }
}

/// `.` and `..` segments resolved, `\` read as `/`, an absolute path kept absolute (`..` at
/// its root staying there); `None` for an empty path.
fn normalize(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    let path = path.replace('\\', "/");
    let absolute = path.starts_with('/');
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else if !absolute {
                    parts.push("..");
                }
            }
            s => parts.push(s),
        }
    }
    if parts.is_empty() || parts.last() == Some(&"..") {
        return None;
    }
    let joined = parts.join("/");
    Some(if absolute {
        format!("/{joined}")
    } else {
        joined
    })
}

fn normalize_folder(folder: &str) -> String {
    normalize(&format!("{folder}/x"))
        .and_then(|p| p.strip_suffix("/x").map(str::to_string))
        .unwrap_or_else(|| folder.trim_end_matches('/').to_string())
}

/// Whether `path` (leaving the folder) is under one of the allowed `folders`.
fn allowed(path: &str, folders: &[String]) -> bool {
    folders.iter().any(|folder| {
        let folder = normalize_folder(folder);
        path.strip_prefix(&folder)
            .is_some_and(|rest| rest.starts_with('/'))
    })
}

/// Line and column (1-based) of the key at `pointer` (or of the element, for an array's) in a
/// file's text: a JSON file's by following the pointer through the text itself, whatever its
/// layout (minified too); a YAML file's by indentation (block style, and flow style on one
/// line); `None` where the text does not tell.
pub(crate) fn locate(text: &str, pointer: &str) -> Option<(usize, usize)> {
    let json = text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with(['{', '[']);
    // A YAML file in flow style also starts with a bracket: what the JSON reading cannot follow
    // (an unquoted key) falls back to the YAML one.
    json.then(|| locate_json(text, pointer))
        .flatten()
        .or_else(|| locate_yaml(text, pointer))
}

/// [`locate`] in JSON text: a scan that steps over every value before the one the pointer
/// names (serde_json keeps no positions; its string decoding reads each key compared). A place
/// that is not there is located at its deepest parent that is, as in YAML; `None` when the text
/// is not JSON as far as the pointer leads (a YAML file in flow style).
fn locate_json(text: &str, pointer: &str) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut at = skip_space(bytes, 0);
    let mut found = None;
    'segments: for segment in pointer.split('/').skip(1).map(unescape) {
        match bytes.get(at)? {
            b'{' => {
                at = skip_space(bytes, at + 1);
                loop {
                    match bytes.get(at)? {
                        b'"' => {}
                        b'}' => break 'segments,
                        _ => return None,
                    }
                    let key_at = at;
                    let key_end = skip_json_string(bytes, at)?;
                    let key: String = serde_json::from_str(&text[key_at..key_end]).ok()?;
                    at = skip_space(bytes, key_end);
                    if bytes.get(at) != Some(&b':') {
                        return None;
                    }
                    at = skip_space(bytes, at + 1);
                    if key == segment {
                        found = Some(key_at);
                        break;
                    }
                    at = skip_space(bytes, skip_json_value(bytes, at)?);
                    match bytes.get(at)? {
                        b',' => at = skip_space(bytes, at + 1),
                        b'}' => break 'segments,
                        _ => return None,
                    }
                }
            }
            b'[' => {
                let Ok(index) = segment.parse::<usize>() else {
                    break;
                };
                at = skip_space(bytes, at + 1);
                for _ in 0..index {
                    at = skip_space(bytes, skip_json_value(bytes, at)?);
                    match bytes.get(at)? {
                        b',' => at = skip_space(bytes, at + 1),
                        b']' => break 'segments,
                        _ => return None,
                    }
                }
                if bytes.get(at)? == &b']' {
                    break;
                }
                found = Some(at);
            }
            // A scalar has no members.
            _ => break,
        }
    }
    let offset = found?;
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Some((
        memchr::memchr_iter(b'\n', before.as_bytes()).count() + 1,
        before[line_start..].chars().count() + 1,
    ))
}

fn skip_space(bytes: &[u8], mut at: usize) -> usize {
    while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
        at += 1;
    }
    at
}

/// The offset just after the JSON value starting at `at`; `None` at the end of the text or at
/// something that starts no value.
fn skip_json_value(bytes: &[u8], at: usize) -> Option<usize> {
    match *bytes.get(at)? {
        b'"' => skip_json_string(bytes, at),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut i = at;
            loop {
                match *bytes.get(i)? {
                    b'"' => i = skip_json_string(bytes, i)?,
                    b'{' | b'[' => {
                        depth += 1;
                        i += 1;
                    }
                    b'}' | b']' => {
                        depth -= 1;
                        i += 1;
                        if depth == 0 {
                            return Some(i);
                        }
                    }
                    _ => i += 1,
                }
            }
        }
        _ => {
            let end = bytes[at..]
                .iter()
                .position(|c| b",:}]".contains(c) || c.is_ascii_whitespace())
                .map_or(bytes.len(), |n| at + n);
            (end > at).then_some(end)
        }
    }
}

/// The offset just after the JSON string whose opening quote is at `at`.
fn skip_json_string(bytes: &[u8], at: usize) -> Option<usize> {
    let mut i = at + 1;
    loop {
        match *bytes.get(i)? {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
}

/// [`locate`] in YAML text, by indentation (block style, JSON written one key a line), and
/// flow style on its parent's line.
fn locate_yaml(text: &str, pointer: &str) -> Option<(usize, usize)> {
    let segments: Vec<String> = pointer.split('/').skip(1).map(unescape).collect();
    if segments.is_empty() {
        return None;
    }
    let lines: Vec<&str> = text.lines().collect();
    let mut from = 0usize;
    let mut parent_indent: isize = -1;
    let mut found = None;
    for segment in &segments {
        let mut hit = None;
        let mut item_indent: Option<usize> = None;
        let mut item_count = 0usize;
        let index: Option<usize> = segment.parse().ok();
        for (n, line) in lines.iter().enumerate().skip(from) {
            let trimmed = line.trim_start();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let indent = line.len() - trimmed.len();
            if (indent as isize) <= parent_indent && n > from {
                break;
            }
            if let (Some(index), Some(rest)) = (index, trimmed.strip_prefix('-')) {
                if rest.is_empty() || rest.starts_with(' ') {
                    let first = *item_indent.get_or_insert(indent);
                    if indent == first {
                        if item_count == index {
                            hit = Some((n, indent, indent));
                            break;
                        }
                        item_count += 1;
                    }
                    continue;
                }
            }
            let (key_indent, key_text) = match trimmed.strip_prefix("- ") {
                Some(rest) => (indent + 2, rest),
                None => (indent, trimmed),
            };
            if (key_indent as isize) <= parent_indent {
                continue;
            }
            if key_matches(key_text, segment) {
                hit = Some((n, key_indent, key_indent));
                break;
            }
        }
        let Some((n, indent, column)) = hit else {
            // Written in flow style on its parent's line (`description: {$ref: x.yml}`): the
            // key there, else where the parent is.
            if let Some((line, column)) = found {
                let text = lines.get(from).copied().unwrap_or("");
                let start = text
                    .char_indices()
                    .nth(column - 1)
                    .map_or(text.len(), |(i, _)| i);
                let at = ["", "\"", "'"].iter().find_map(|quote| {
                    text[start..]
                        .match_indices(&format!("{quote}{segment}{quote}"))
                        .find(|(i, m)| {
                            let after = &text[start + i + m.len()..];
                            let before = text[..start + i].trim_end();
                            after.trim_start().starts_with(':')
                                && (before.ends_with('{') || before.ends_with(','))
                        })
                        .map(|(i, _)| text[..start + i].chars().count() + 1)
                });
                return Some(at.map_or((line, column), |column| (line, column)));
            }
            return None;
        };
        found = Some((n + 1, column + 1));
        from = n;
        parent_indent = indent as isize;
    }
    found
}

fn key_matches(text: &str, key: &str) -> bool {
    for quote in ["", "\"", "'"] {
        if let Some(rest) = text
            .strip_prefix(quote)
            .and_then(|r| r.strip_prefix(key))
            .and_then(|r| r.strip_prefix(quote))
        {
            if rest.trim_start().starts_with(':') {
                return true;
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::locate;

    const PRETTY: &str = "{\n  \"openapi\": \"3.1.0\",\n  \"components\": {\n    \"schemas\": {\n      \"Pet\": {\"type\": \"object\", \"required\": [\"id\", \"name\"]},\n      \"a/b\": {\"x\": [1, {\"y\": \"}\\\"]\"}, \"z\"]}\n    }\n  }\n}\n";

    #[test]
    fn json_of_any_layout_is_located_by_its_text() {
        assert_eq!(locate(PRETTY, "/openapi"), Some((2, 3)));
        assert_eq!(locate(PRETTY, "/components/schemas/Pet"), Some((5, 7)));
        assert_eq!(
            locate(PRETTY, "/components/schemas/Pet/required"),
            Some((5, 33))
        );
        assert_eq!(
            locate(PRETTY, "/components/schemas/Pet/required/1"),
            Some((5, 52))
        );
        // An escaped pointer segment, and values holding brackets and quotes in strings.
        assert_eq!(
            locate(PRETTY, "/components/schemas/a~1b/x/2"),
            Some((6, 39))
        );
        assert_eq!(
            locate(PRETTY, "/components/schemas/a~1b/x/1/y"),
            Some((6, 25))
        );
        // Minified: one line.
        let minified: String =
            serde_json::to_string(&serde_json::from_str::<serde_json::Value>(PRETTY).unwrap())
                .unwrap();
        assert_eq!(
            locate(&minified, "/components/schemas/Pet/type"),
            Some((1, 52))
        );
        assert_eq!(&minified[51..57], "\"type\"");
        // A key written with an escape is the key it decodes to.
        assert_eq!(locate("{\"a\\/b\": 1}", "/a~1b"), Some((1, 2)));
        // Places that are not there: at their deepest parent that is.
        assert_eq!(locate(PRETTY, "/components/schemas/Dog"), Some((4, 5)));
        assert_eq!(
            locate(PRETTY, "/components/schemas/Pet/required/2"),
            Some((5, 33))
        );
        assert_eq!(locate(PRETTY, "/openapi/x"), Some((2, 3)));
        assert_eq!(locate(PRETTY, "/Dog"), None);
        // Text that ends early is not followed.
        assert_eq!(locate("{\"a\": [1, 2", "/a/5"), None);
        assert_eq!(locate("{\"a\": \"unterminated", "/b"), None);
    }

    #[test]
    fn yaml_in_flow_style_falls_back_to_the_yaml_reading() {
        let text = "{openapi: 3.1.0,\n  info: {title: T, version: \"1\"}}\n";
        assert_eq!(locate(text, "/info"), Some((2, 3)));
        assert_eq!(locate("a:\n  b: 1\n", "/a/b"), Some((2, 3)));
    }
}
