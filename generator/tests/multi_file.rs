//! Descriptions kept in many files (`generator::files`): every kind of reference gathered as
//! `@redocly/cli bundle` gathers it, the errors of bad multi-file input (each naming the file,
//! with line and column), each file read once, cycles through files, and the names of types
//! kept in files of their own.
//!
//! `multi_file/shop/` is a split description with every kind of reference (schemas,
//! parameters, responses, request bodies, headers, examples, an example's `externalValue`,
//! links, path items whole and by fragment, a callback's path item, a security scheme, a
//! discriminator's mapping, `#/...` inside a referenced file, YAML and JSON, nested folders, a
//! `description` written as a `$ref`, two files of the same stem); `multi_file/chains31/` an
//! OpenAPI 3.1 one with a reference to a file that is only a reference, a `$ref` with a
//! sibling, webhooks, references back into the root and a name taken by other content. Each
//! `multi_file/<name>.bundle.yaml` is what `redocly bundle openapi.yaml` (`@redocly/cli`
//! 2.77.0) makes of it.

// The library is published as `openapi-client-codegen`; these tests call it `generator`.
extern crate openapi_client_codegen as generator;

use std::path::{Path, PathBuf};

use generator::files::{CountingFiles, Directory, Files, MemoryFiles};
use generator::{Category, Options, Severity, generate, generate_files};

fn shop() -> PathBuf {
    fixture("shop")
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/multi_file")
        .join(name)
}

const FIXTURES: [&str; 2] = ["shop", "chains31"];

fn options() -> Options {
    Options::new("shop").spec_label("openapi.yaml")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The split description's tree is its bundle's, key for key and in the same order.
#[test]
fn the_gathered_tree_is_the_bundlers() {
    for name in FIXTURES {
        let root = read(&fixture(name).join("openapi.yaml"));
        let gathered = generator::files::gather(
            "openapi.yaml",
            &root,
            &Directory::new(fixture(name)),
            &Default::default(),
        )
        .unwrap();
        let bundle = read(&fixture(name).with_extension("bundle.yaml"));
        assert_eq!(
            serde_json::to_string_pretty(&gathered.tree).unwrap(),
            serde_json::to_string_pretty(&generator::load::read(&bundle).unwrap()).unwrap(),
            "{name}"
        );
        // The crates are the same too.
        let split = generate_files(
            "openapi.yaml",
            &root,
            &Directory::new(fixture(name)),
            &options(),
        )
        .unwrap();
        assert_eq!(
            split.files,
            generate(&bundle, &options()).unwrap().files,
            "{name}"
        );
    }
    let root = read(&shop().join("openapi.yaml"));
    let gathered = generator::files::gather(
        "openapi.yaml",
        &root,
        &Directory::new(shop()),
        &Default::default(),
    )
    .unwrap();
    // Only the `description` written as a `$ref` is warned about, at its place.
    let warnings: Vec<String> = gathered.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(
        warnings,
        [
            "warning: openapi.yaml#/info/description/$ref:6:5: the standard defines no `$ref` \
             here; `texts.yaml#/intro` is read as its target, as bundlers do"
        ]
    );
}

/// The crate of the split description is the crate of its bundle, byte for byte, and so is
/// its API surface.
#[test]
fn a_split_description_gives_its_bundles_crate() {
    let root = read(&shop().join("openapi.yaml"));
    let bundle = read(&shop().with_extension("bundle.yaml"));
    let split = generate_files("openapi.yaml", &root, &Directory::new(shop()), &options()).unwrap();
    let bundled = generate(&bundle, &options()).unwrap();
    assert_eq!(
        split.files.keys().collect::<Vec<_>>(),
        bundled.files.keys().collect::<Vec<_>>()
    );
    for (path, text) in &bundled.files {
        assert!(split.files[path] == *text, "{path} differs");
    }
    let types = &split.files["src/types.rs"];
    // Types named by their files (`Item.yaml`, `order.yaml`) or fragments (`#/Transfer`),
    // `money.yaml` once however many files reach it, and the other `money.yaml` the bundler's
    // `money-2`.
    for name in [
        "pub struct Order ",
        "pub struct Item ",
        "pub struct Money ",
        "pub struct Money2 ",
        "pub enum Payment ",
        "pub struct Card ",
        "pub struct Transfer ",
        "pub struct ErrorBody ",
    ] {
        assert!(types.contains(name), "no `{name}` in:\n{types}");
    }
    assert!(!types.contains("Money3") && !types.contains("Item2") && !types.contains("Order2"));
    assert!(split.files["src/lib.rs"].contains("The shop API."));
    // Surfaces too (their pointers are the bundle's).
    let surface = generator::api_surface_files(
        "openapi.yaml",
        &root,
        &Directory::new(shop()),
        &Default::default(),
        &[],
        false,
    )
    .unwrap();
    assert_eq!(surface, generator::api_surface(&bundle).unwrap());
}

/// Every file is read once, however many references point into it.
#[test]
fn each_file_is_read_once() {
    let root = read(&shop().join("openapi.yaml"));
    let files = CountingFiles::new(Directory::new(shop()));
    generate_files("openapi.yaml", &root, &files, &options()).unwrap();
    let reads = files.reads.lock().unwrap();
    // `money.yaml` is reached from `order.yaml` and `Item.yaml` and the root, `Item.yaml` from
    // five places, `shared/responses.yaml` by three fragments.
    assert_eq!(reads.get("models/money.yaml"), Some(&1));
    assert_eq!(reads.get("models/Item.yaml"), Some(&1));
    assert_eq!(reads.get("shared/responses.yaml"), Some(&1));
    assert_eq!(reads.len(), 18, "{reads:?}");
    assert!(reads.values().all(|n| *n == 1), "{reads:?}");
}

const ROOT: &str = r#"
openapi: 3.0.3
info: {title: Droplets, version: "1"}
paths:
  /droplets:
    get:
      operationId: listDroplets
      responses:
        "200":
          description: The droplets
          content:
            application/json:
              schema:
                type: array
                items:
                  $ref: "resources/droplets/models/droplet.yml"
  /droplets/{id}:
    $ref: "resources/droplets/droplet.yml"
"#;

const DROPLET_ITEM: &str = r#"
get:
  operationId: getDroplet
  parameters:
    - {name: id, in: path, required: true, schema: {type: string}}
  responses:
    "200":
      description: A droplet
      content:
        application/json:
          schema:
            $ref: "models/droplet.yml"
"#;

const DROPLET: &str = r#"
type: object
properties:
  size:
    type: integer
  next:
    $ref: "droplet.yml"
  region:
    $ref: "../../../shared/region.yml"
"#;

const REGION: &str = r#"
type: object
properties:
  slug:
    type: string
"#;

fn droplets(extra: &[(&'static str, &'static str)]) -> MemoryFiles {
    let mut files = MemoryFiles::of([
        ("resources/droplets/droplet.yml", DROPLET_ITEM),
        ("resources/droplets/models/droplet.yml", DROPLET),
        ("shared/region.yml", REGION),
    ]);
    for (path, text) in extra {
        files.0.insert(path.to_string(), text.to_string());
    }
    files
}

/// A schema in its own file is the type its file names, whether one place or many reach it
/// (from other folders, by other relative paths, recursively), never numbered; a root
/// component written as a reference to it keeps the name.
#[test]
fn a_schema_in_its_own_file_keeps_its_name() {
    let output = generate_files("openapi.yaml", ROOT, &droplets(&[]), &options()).unwrap();
    let types = &output.files["src/types.rs"];
    assert!(types.contains("pub struct Droplet {"), "{types}");
    assert!(types.contains("pub struct Region {"), "{types}");
    assert!(types.contains("pub next: Option<Box<Droplet>>"), "{types}");
    assert!(!types.contains("Droplet2"), "{types}");

    let aliased = ROOT.replace(
        "paths:",
        "components:\n  schemas:\n    Droplet:\n      $ref: resources/droplets/models/droplet.yml\npaths:",
    );
    let output = generate_files("openapi.yaml", &aliased, &droplets(&[]), &options()).unwrap();
    let types = &output.files["src/types.rs"];
    assert!(types.contains("pub struct Droplet {"), "{types}");
    assert!(!types.contains("Droplet2"), "{types}");
}

/// A cycle of schemas through three files ends (each is a component, referenced by name).
#[test]
fn a_cycle_through_three_files_terminates() {
    let root = r#"
openapi: 3.0.3
info: {title: Cycle, version: "1"}
paths:
  /a:
    get:
      operationId: getA
      responses:
        "200":
          description: A
          content: {application/json: {schema: {$ref: "a.yaml"}}}
"#;
    let files = MemoryFiles::of([
        (
            "a.yaml",
            "type: object\nproperties:\n  b: {$ref: 'dir/b.yaml'}\n",
        ),
        (
            "dir/b.yaml",
            "type: object\nproperties:\n  c: {$ref: '../c.json'}\n",
        ),
        (
            "c.json",
            r#"{"type": "object", "properties": {"a": {"$ref": "a.yaml"}}}"#,
        ),
    ]);
    let output = generate_files("openapi.yaml", root, &files, &options()).unwrap();
    let types = &output.files["src/types.rs"];
    for name in ["pub struct A {", "pub struct B {", "pub struct C {"] {
        assert!(types.contains(name), "{types}");
    }
}

fn error_of(root: &str, files: &dyn Files) -> Vec<String> {
    match generate_files("openapi.yaml", root, files, &options()) {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.diagnostics.iter().map(|d| d.to_string()).collect(),
    }
}

fn one_error(root: &str, files: &dyn Files) -> String {
    let errors = error_of(root, files);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    errors[0].clone()
}

#[test]
fn a_missing_file_is_named_where_it_is_referenced() {
    let files = MemoryFiles::of([("resources/droplets/droplet.yml", DROPLET_ITEM)]);
    let errors = error_of(ROOT, &files);
    assert_eq!(
        errors,
        [
            "error: openapi.yaml#/paths/~1droplets/get/responses/200/content/application~1json/\
             schema/items/$ref:16:19: cannot read `resources/droplets/models/droplet.yml`: no \
             file `resources/droplets/models/droplet.yml`",
            "error: resources/droplets/droplet.yml#/get/responses/200/content/application~1json/\
             schema/$ref:12:13: cannot read `resources/droplets/models/droplet.yml`: no file \
             `resources/droplets/models/droplet.yml`"
        ]
    );
}

#[test]
fn a_bad_pointer_into_another_file_is_named() {
    let root = ROOT.replace(
        "resources/droplets/droplet.yml\"",
        "resources/droplets/droplet.yml#/paths/nothing\"",
    );
    assert_eq!(
        one_error(&root, &droplets(&[])),
        "error: openapi.yaml#/paths/~1droplets~1{id}/$ref:18:5: \
         `resources/droplets/droplet.yml#/paths/nothing` names nothing: \
         `resources/droplets/droplet.yml` has no `/paths/nothing`"
    );
}

#[test]
fn a_file_that_does_not_parse_is_named_with_its_line() {
    let files = droplets(&[(
        "shared/region.yml",
        "type: object\nproperties: [a\n  b: }\n",
    )]);
    let error = one_error(ROOT, &files);
    assert!(
        error.starts_with(
            "error: resources/droplets/models/droplet.yml#/properties/region/$ref:9:5: \
             `shared/region.yml` is not valid YAML (`shared/region.yml:3:4`): did not find \
             expected ',' or ']' at line 3 column 4"
        ),
        "{error}"
    );
    let files = droplets(&[("shared/region.yml", "{\"type\": \"object\",,}")]);
    let error = one_error(ROOT, &files);
    assert!(
        error.contains("`shared/region.yml` is not valid JSON (`shared/region.yml:1:19`)"),
        "{error}"
    );
    // The root itself, as `generate` says it.
    let errors = error_of("openapi: 3.0.3\ninfo: [\n", &droplets(&[]));
    assert!(
        errors[0].starts_with("error: #: not valid YAML (line 3, column 1): "),
        "{errors:?}"
    );
}

#[test]
fn references_leaving_the_folder_absolute_paths_and_urls_are_refused() {
    for (reference, message) in [
        (
            "../../../../outside.yaml",
            "`../../../../outside.yaml` leads outside the description's folder (to `../outside.yaml`); \
             allow its folder with `[spec] allow_outside` in the configuration",
        ),
        (
            "/etc/passwd",
            "`/etc/passwd` is an absolute path; reference files by paths relative to the file \
             that names them, or allow its folder, written as an absolute path, with `[spec] \
             allow_outside` in the configuration",
        ),
        (
            "https://example.com/region.yaml",
            "`https://example.com/region.yaml` is a URL that no prefix of `[spec] allow_urls` \
             allows; add its prefix (such as `https://schemas.example.com/v1/`) to `[spec] \
             allow_urls` in the configuration to read it (the command-line tool fetches it), or \
             download the file beside the description and reference it by a relative path",
        ),
    ] {
        let droplet = DROPLET.replace("../../../shared/region.yml", reference);
        let files = MemoryFiles::of([
            ("resources/droplets/droplet.yml", DROPLET_ITEM),
            ("resources/droplets/models/droplet.yml", droplet.as_str()),
        ]);
        let error = one_error(ROOT, &files);
        assert_eq!(
            error,
            format!(
                "error: resources/droplets/models/droplet.yml#/properties/region/$ref:9:5: {message}"
            ),
        );
    }
}

/// `[spec] allow_outside` lets references reach a folder beside the description's.
#[test]
fn the_configuration_may_allow_a_folder_outside() {
    let root = ROOT.replace("resources/droplets/", "../shared/");
    let droplet = DROPLET.replace("../../../shared/region.yml", "../region.yml");
    let files = MemoryFiles::of([
        ("../shared/droplet.yml", DROPLET_ITEM),
        ("../shared/models/droplet.yml", droplet.as_str()),
        ("../shared/region.yml", REGION),
    ]);
    // Not allowed: refused.
    let errors = error_of(&root, &files);
    assert!(
        errors[0].contains("leads outside the description's folder"),
        "{errors:?}"
    );
    // Allowed, by the configuration (whose key is checked).
    let config =
        generator::Config::parse("[spec]\nallow_outside = [\"../shared\"]\n", "t.toml").unwrap();
    let options = options().config(config);
    let output = generate_files("openapi.yaml", &root, &files, &options).unwrap();
    assert!(output.files["src/types.rs"].contains("pub struct Region {"));
    let error = generator::Config::parse(
        "[spec]\nallow_outside = [\"https://example.com/\"]\n",
        "t.toml",
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "error: t.toml:2:18: `spec.allow_outside[0]`: `https://example.com/` is not a folder, \
         relative to the description's folder (such as `../shared`) or absolute (such as \
         `/opt/specs`)"
    );
}

/// A `Directory` reads only under its folder (and the folders allowed outside).
#[test]
fn a_directory_refuses_what_leaves_it() {
    let directory = Directory::new(shop().join("models"));
    assert!(directory.read("card.yaml").unwrap().contains("number"));
    for path in [
        "../openapi.yaml",
        "/etc/hostname",
        "https://example.com/x.yaml",
    ] {
        assert!(
            matches!(
                directory.read(path),
                Err(generator::files::FileError::NotAllowed(_))
            ),
            "{path}"
        );
    }
    assert!(matches!(
        directory.read("nothing.yaml"),
        Err(generator::files::FileError::NotFound(_))
    ));
    // Nor through a symbolic link.
    #[cfg(unix)]
    {
        let tmp = std::env::temp_dir().join(format!("multi-file-link-{}", std::process::id()));
        std::fs::create_dir_all(tmp.join("spec")).unwrap();
        std::fs::write(tmp.join("secret.yaml"), "a: 1\n").unwrap();
        let link = tmp.join("spec/link.yaml");
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(tmp.join("secret.yaml"), &link).unwrap();
        let read = Directory::new(tmp.join("spec")).read("link.yaml");
        std::fs::remove_dir_all(&tmp).unwrap();
        assert!(
            matches!(read, Err(generator::files::FileError::NotAllowed(_))),
            "{read:?}"
        );
    }
    let allowed = Directory::new(shop().join("models")).allow_outside(["../shared".to_string()]);
    assert!(
        allowed
            .read("../shared/links.yaml")
            .unwrap()
            .contains("getOrder")
    );
    assert!(allowed.read("../openapi.yaml").is_err());
}

/// Path items put in place of their references that lead back to themselves (through
/// callbacks) are a cycle no bundle can hold; so are references that only name each other.
/// Each is an error at the reference that closes it.
#[test]
fn cycles_that_cannot_be_gathered_are_errors() {
    let root = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n    $ref: a.yaml\n";
    let item = |next: &str| {
        format!(
            "post:\n  operationId: op{next}\n  callbacks:\n    back:\n      '{{$request.body#/url}}':\n        $ref: {next}.yaml\n  responses:\n    '200': {{description: ok}}\n"
        )
    };
    let (a, b) = (item("b"), item("a"));
    let files = MemoryFiles::of([("a.yaml", a.as_str()), ("b.yaml", b.as_str())]);
    assert_eq!(
        one_error(root, &files),
        "error: b.yaml#/post/callbacks/back/{$request.body#~1url}/$ref:6:9: `a.yaml` leads back \
         to itself through references that are put in their place (a cycle of references \
         across files)"
    );
    let files = MemoryFiles::of([("a.yaml", "$ref: b.yaml\n"), ("b.yaml", "$ref: a.yaml\n")]);
    assert_eq!(
        one_error(root, &files),
        "error: b.yaml#/$ref:1:1: a `$ref` cycle across files: each target is only a reference \
         to the next, and the last leads back to the first"
    );
}

/// A problem inside a referenced file is reported in that file, at its line.
#[test]
fn diagnostics_name_the_file() {
    let droplet = DROPLET.replace("type: integer", "type: integr");
    let files = MemoryFiles::of([
        ("resources/droplets/droplet.yml", DROPLET_ITEM),
        ("resources/droplets/models/droplet.yml", droplet.as_str()),
        ("shared/region.yml", REGION),
    ]);
    let errors = error_of(ROOT, &files);
    assert!(
        errors
            .iter()
            .all(|e| e
                .starts_with("error: resources/droplets/models/droplet.yml#/properties/size:4:3")),
        "{errors:#?}"
    );
    // Warnings too: the `description` written as a `$ref` (an error under `strict`).
    let root = ROOT.replace(
        "info: {title: Droplets, version: \"1\"}",
        "info:\n  title: Droplets\n  version: \"1\"\n  description: {$ref: \"texts.yml#/intro\"}",
    );
    let files = droplets(&[("texts.yml", "intro: Droplets, sized.\n")]);
    let output = generate_files("openapi.yaml", &root, &files, &options()).unwrap();
    assert_eq!(output.diagnostics.len(), 1);
    assert_eq!(output.diagnostics[0].severity, Severity::Warning);
    assert_eq!(output.diagnostics[0].category, Category::Unsupported);
    assert_eq!(
        output.diagnostics[0].pointer,
        "openapi.yaml#/info/description/$ref:6:17"
    );
    assert!(output.files["src/lib.rs"].contains("Droplets, sized."));
    let errors = match generate_files("openapi.yaml", &root, &files, &options().strict(true)) {
        Ok(_) => panic!("strict"),
        Err(e) => e.diagnostics,
    };
    assert_eq!(
        errors[0].pointer,
        "openapi.yaml#/info/description/$ref:6:17"
    );
}

/// A JSON file's places have their line and column too, whatever its layout: the key of the
/// place in the text (a minified file is one line).
#[test]
fn diagnostics_in_json_files_have_line_and_column() {
    let model = serde_json::json!({
        "type": "object",
        "properties": {
            "size": {"type": "integr"},
            "next": {"$ref": "droplet.json"},
            "region": {"$ref": "../../../shared/region.yml"},
        }
    });
    let root = ROOT.replace("models/droplet.yml", "models/droplet.json");
    let item = DROPLET_ITEM.replace("models/droplet.yml", "models/droplet.json");
    for (text, at) in [
        (serde_json::to_string(&model).unwrap(), "1:32"),
        (serde_json::to_string_pretty(&model).unwrap(), "4:5"),
    ] {
        let files = MemoryFiles::of([
            ("resources/droplets/droplet.yml", item.as_str()),
            ("resources/droplets/models/droplet.json", text.as_str()),
            ("shared/region.yml", REGION),
        ]);
        let errors = error_of(&root, &files);
        let place =
            format!("error: resources/droplets/models/droplet.json#/properties/size:{at}: ");
        assert!(
            !errors.is_empty() && errors.iter().all(|e| e.starts_with(&place)),
            "{place}\n{errors:#?}\n{text}"
        );
    }
}

/// The configuration's pointers may name places in any file.
#[test]
fn configuration_pointers_name_places_in_files() {
    let config = generator::Config::parse(
        "[types.overrides]\n\"resources/droplets/models/droplet.yml#/properties/size\" = \"String\"\n\
         [rename.types]\n\"shared/region.yml\" = \"Place\"\n\"shared/region.yml#\" = \"Area\"\n",
        "t.toml",
    );
    let config = config.unwrap();
    let options = options().config(config);
    let result = generate_files("openapi.yaml", ROOT, &droplets(&[]), &options);
    // `shared/region.yml` (no `#`) is a type name the spec does not have: reported as such.
    let errors = result.unwrap_err().to_string();
    assert!(errors.contains("t.toml:4:1"), "{errors}");

    let config = generator::Config::parse(
        "[types.overrides]\n\"resources/droplets/models/droplet.yml#/properties/size\" = \"String\"\n\
         [rename.types]\n\"shared/region.yml#\" = \"Area\"\n",
        "t.toml",
    )
    .unwrap();
    let output = generate_files(
        "openapi.yaml",
        ROOT,
        &droplets(&[]),
        &self::options().config(config),
    )
    .unwrap();
    let types = &output.files["src/types.rs"];
    assert!(types.contains("pub size: Option<String>"), "{types}");
    assert!(types.contains("pub struct Area {"), "{types}");
}

/// A one-file description read through `generate_files` is the one `generate` reads: the same
/// crate, and its pointers stay `#/...`.
#[test]
fn one_file_is_as_before() {
    let spec = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /x:\n    get:\n      responses: 7\n";
    let error =
        generate_files("openapi.yaml", spec, &MemoryFiles::default(), &options()).unwrap_err();
    assert_eq!(error, generate(spec, &options()).unwrap_err());
    assert!(
        error
            .to_string()
            .contains("error: #/paths/~1x/get/responses"),
        "{error}"
    );
}

/// Files that put each other in place twice over, thirty deep, would expand to billions of
/// values: refused, naming where, before the tree is built.
#[test]
fn references_that_expand_without_end_are_refused() {
    let root =
        "openapi: 3.0.3\ninfo: {title: T, version: '1'}\nservers:\n  - $ref: s0.yaml\npaths: {}\n";
    let texts: Vec<(String, String)> = (0..30)
        .map(|i| {
            (
                format!("s{i}.yaml"),
                format!(
                    "url: https://x.example.com\nvariables:\n  a: {{$ref: s{n}.yaml}}\n  b: {{$ref: s{n}.yaml}}\n",
                    n = i + 1
                ),
            )
        })
        .chain([("s30.yaml".to_string(), "default: x\n".to_string())])
        .collect();
    let files = MemoryFiles::of(texts.iter().map(|(p, t)| (p.as_str(), t.as_str())));
    let errors: Vec<String> = error_of(root, &files)
        .into_iter()
        .filter(|e| e.contains("expand the description"))
        .collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
}

/// A file in an allowed folder beside the root's that refers back into the root's folder
/// (`../api/models/pet.yaml` from `../shared/`) names the file the root names
/// (`models/pet.yaml`): read once, one type, no reference "leaving" the folder.
#[test]
fn a_file_beside_the_folder_may_refer_back_into_it() {
    let dir = tempfile::tempdir().unwrap();
    let write = |path: &str, text: &str| {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "api/openapi.yaml",
        "openapi: 3.0.3\ninfo: {title: Pets, version: '1'}\npaths:\n  /pets/{id}:\n    get:\n      operationId: getPet\n      parameters: [{name: id, in: path, required: true, schema: {type: string}}]\n      responses:\n        '200':\n          description: A pet\n          content: {application/json: {schema: {$ref: 'models/pet.yaml'}}}\n  /litters:\n    get:\n      operationId: listLitters\n      responses:\n        '200': {$ref: '../shared/responses.yaml#/Litter'}\n",
    );
    write(
        "api/models/pet.yaml",
        "type: object\nrequired: [name]\nproperties: {name: {type: string}}\n",
    );
    write(
        "shared/responses.yaml",
        "Litter:\n  description: A litter\n  content:\n    application/json:\n      schema: {type: array, items: {$ref: '../api/models/pet.yaml'}}\n",
    );
    let files = CountingFiles::new(
        Directory::new(dir.path().join("api")).allow_outside(["../shared".to_string()]),
    );
    let root = read(&dir.path().join("api/openapi.yaml"));
    let config =
        generator::Config::parse("[spec]\nallow_outside = [\"../shared\"]\n", "t.toml").unwrap();
    let output = generate_files("openapi.yaml", &root, &files, &options().config(config)).unwrap();
    let types = &output.files["src/types.rs"];
    assert!(types.contains("pub struct Pet {"), "{types}");
    assert!(!types.contains("Pet2"), "{types}");
    let reads = files.reads.lock().unwrap();
    assert_eq!(reads.get("models/pet.yaml"), Some(&1), "{reads:?}");
    assert!(
        !reads.keys().any(|path| path.starts_with("../api/")),
        "{reads:?}"
    );
}

const SCHEMAS: &str = "https://schemas.example.com/v1/";

fn allow_urls(prefixes: &[&str]) -> Options {
    let list: Vec<String> = prefixes.iter().map(|p| format!("{p:?}")).collect();
    let config = generator::Config::parse(
        &format!("[spec]\nallow_urls = [{}]\n", list.join(", ")),
        "t.toml",
    )
    .unwrap();
    options().config(config)
}

/// The droplet's region read from a URL: the root's reference is to the URL.
fn region_by_url(reference: &str) -> String {
    ROOT.replace(
        "                  $ref: \"resources/droplets/models/droplet.yml\"",
        &format!(
            "                  type: object\n                  properties:\n                    \
             region: {{$ref: \"{reference}\"}}"
        ),
    )
    .replace(
        "  /droplets/{id}:\n    $ref: \"resources/droplets/droplet.yml\"\n",
        "",
    )
}

/// `[spec] allow_urls` lets a reference to a URL under one of its prefixes be read: the file
/// the loader is given is the absolute URL (normalized), its component is named as any
/// file's, and a relative reference in it resolves against the URL (RFC 3986).
#[test]
fn an_allowed_url_is_read_and_named() {
    let region = "type: object\nproperties:\n  slug:\n    type: string\n  zone:\n    $ref: \
                  \"../v1/zones/zone.yaml#/Zone\"\n";
    let zone = "Zone:\n  type: object\n  properties:\n    name:\n      type: string\n";
    let files = CountingFiles::new(MemoryFiles::of([
        ("https://schemas.example.com/v1/region.yaml", region),
        ("https://schemas.example.com/v1/zones/zone.yaml", zone),
    ]));
    // Written with a default port, a `.` segment and an upper-case host: normalized.
    let root = region_by_url("HTTPS://Schemas.Example.com:443/v1/./region.yaml");
    let output = generate_files("openapi.yaml", &root, &files, &allow_urls(&[SCHEMAS])).unwrap();
    let types = &output.files["src/types.rs"];
    assert!(types.contains("pub struct Region {"), "{types}");
    assert!(types.contains("pub struct Zone {"), "{types}");
    assert!(types.contains("pub zone: Option<Zone>"), "{types}");
    // Each URL read once, by its normalized form.
    assert_eq!(
        *files.reads.lock().unwrap(),
        [
            ("https://schemas.example.com/v1/region.yaml".to_string(), 1),
            (
                "https://schemas.example.com/v1/zones/zone.yaml".to_string(),
                1
            ),
        ]
        .into_iter()
        .collect()
    );
    // A prefix without its final `/` allows the same (and not `/v1beta/`).
    let output = generate_files(
        "openapi.yaml",
        &root,
        &files,
        &allow_urls(&["https://schemas.example.com/v1"]),
    )
    .unwrap();
    assert!(output.files["src/types.rs"].contains("pub struct Zone {"));
    // The configuration's pointers name places in a URL's file by the URL.
    let config = generator::Config::parse(
        &format!(
            "[spec]\nallow_urls = [\"{SCHEMAS}\"]\n[rename.types]\n\
             \"https://schemas.example.com/v1/zones/zone.yaml#/Zone\" = \"Area\"\n"
        ),
        "t.toml",
    )
    .unwrap();
    let output = generate_files("openapi.yaml", &root, &files, &options().config(config)).unwrap();
    let types = &output.files["src/types.rs"];
    assert!(types.contains("pub struct Area {"), "{types}");
    assert!(!types.contains("pub struct Zone {"), "{types}");
    // Diagnostics name the URL, with line and column.
    let bad = region.replace("type: string", "type: strng");
    let files = MemoryFiles::of([
        ("https://schemas.example.com/v1/region.yaml", bad.as_str()),
        ("https://schemas.example.com/v1/zones/zone.yaml", zone),
    ]);
    let errors = match generate_files("openapi.yaml", &root, &files, &allow_urls(&[SCHEMAS])) {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.diagnostics,
    };
    assert!(
        errors
            .iter()
            .all(|d| d.pointer == "https://schemas.example.com/v1/region.yaml#/properties/slug:3:3"),
        "{errors:#?}"
    );
    // An allowed `externalValue` URL is read too; one not allowed is left as written.
    let with_example = root.replace(
        "          description: The droplets\n",
        "          description: The droplets\n          headers:\n            X-Hint:\n              \
         schema: {type: string}\n              examples:\n                a: {externalValue: \
         \"https://schemas.example.com/v1/hint.json\"}\n                b: {externalValue: \
         \"https://elsewhere.example.com/hint.json\"}\n",
    );
    let files = MemoryFiles::of([
        ("https://schemas.example.com/v1/region.yaml", region),
        ("https://schemas.example.com/v1/zones/zone.yaml", zone),
        ("https://schemas.example.com/v1/hint.json", "\"north\"\n"),
    ]);
    let gathered = generator::files::gather(
        "openapi.yaml",
        &with_example,
        &files,
        &generator::files::Allow {
            urls: vec![SCHEMAS.to_string()],
            ..Default::default()
        },
    )
    .unwrap();
    let examples = gathered
        .tree
        .pointer("/paths/~1droplets/get/responses/200/headers/X-Hint/examples")
        .unwrap();
    assert_eq!(examples["a"], serde_json::json!({"value": "north"}));
    assert_eq!(
        examples["b"],
        serde_json::json!({"externalValue": "https://elsewhere.example.com/hint.json"})
    );
}

/// A URL no prefix allows, and a relative reference in an allowed URL's file that leaves the
/// prefix, are errors at the reference naming `[spec] allow_urls`; so is a prefix that is not
/// an http(s) URL, in the configuration.
#[test]
fn urls_not_allowed_are_refused_with_the_key_to_set() {
    let root = region_by_url("https://schemas.example.com/v1/region.yaml");
    let files = MemoryFiles::of([("https://schemas.example.com/v1/region.yaml", REGION)]);
    let reading = CountingFiles::new(files);
    let error = one_error(&root, &reading);
    assert_eq!(
        error,
        "error: openapi.yaml#/paths/~1droplets/get/responses/200/content/application~1json/\
         schema/items/properties/region/$ref:18:30: `https://schemas.example.com/v1/region.yaml` \
         is a URL that no prefix of `[spec] allow_urls` allows; add its prefix (such as \
         `https://schemas.example.com/v1/`) to `[spec] allow_urls` in the configuration to read \
         it (the command-line tool fetches it), or download the file beside the description and \
         reference it by a relative path"
    );
    assert!(reading.reads.lock().unwrap().is_empty(), "nothing read");
    // Another prefix allowed: still refused (`/v1beta/` is not under `/v1`).
    let root_beta = region_by_url("https://schemas.example.com/v1beta/region.yaml");
    let errors = match generate_files(
        "openapi.yaml",
        &root_beta,
        &reading,
        &allow_urls(&["https://schemas.example.com/v1"]),
    ) {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.diagnostics,
    };
    assert!(
        errors[0]
            .message
            .contains("no prefix of `[spec] allow_urls`")
    );
    // Escaping the prefix from inside an allowed file.
    let region = "type: object\nproperties:\n  zone:\n    $ref: \"../../v2/zone.yaml\"\n";
    let files = MemoryFiles::of([
        ("https://schemas.example.com/v1/region.yaml", region),
        ("https://schemas.example.com/v2/zone.yaml", REGION),
    ]);
    let errors = match generate_files("openapi.yaml", &root, &files, &allow_urls(&[SCHEMAS])) {
        Ok(_) => panic!("expected an error"),
        Err(e) => e
            .diagnostics
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>(),
    };
    assert_eq!(
        errors,
        [
            "error: https://schemas.example.com/v1/region.yaml#/properties/zone/$ref:4:5: \
             `../../v2/zone.yaml`, written in `https://schemas.example.com/v1/region.yaml`, is \
             `https://schemas.example.com/v2/zone.yaml`, which no prefix of `[spec] allow_urls` \
             allows; add its prefix (such as `https://schemas.example.com/v1/`) to `[spec] \
             allow_urls` in the configuration to read it (the command-line tool fetches it), or \
             download the file beside the description and reference it by a relative path"
        ]
    );
    // The configuration's prefixes are checked, each located.
    for (prefix, problem) in [
        ("ftp://schemas.example.com/", "its scheme is `ftp`"),
        ("schemas/v1/", "relative URL without a base"),
        ("https://h/v1/?a=1", "a prefix has no query or fragment"),
    ] {
        let error =
            generator::Config::parse(&format!("[spec]\nallow_urls = [\"{prefix}\"]\n"), "t.toml")
                .unwrap_err();
        assert_eq!(
            error.to_string(),
            format!(
                "error: t.toml:2:15: `spec.allow_urls[0]`: `{prefix}` is not an http or https \
                 URL prefix (such as `https://schemas.example.com/v1/`): {problem}"
            )
        );
    }
}

/// An absolute path is read when it lies under a folder of `[spec] allow_outside` written as
/// an absolute path (a `Directory` reads it then, and the relative references in it against
/// it); otherwise it is an error naming that key.
#[test]
fn an_absolute_path_is_read_only_under_an_allowed_absolute_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let spec = tmp.path().join("api");
    let common = tmp.path().join("opt/specs");
    std::fs::create_dir_all(&spec).unwrap();
    std::fs::create_dir_all(common.join("parts")).unwrap();
    std::fs::write(
        common.join("region.yaml"),
        "type: object\nproperties:\n  zone:\n    $ref: \"parts/zone.yaml\"\n",
    )
    .unwrap();
    std::fs::write(common.join("parts/zone.yaml"), REGION).unwrap();
    let common = common.canonicalize().unwrap();
    let absolute = format!("{}/region.yaml", common.display());
    let root = region_by_url(&absolute);

    // Not allowed: the located error naming `allow_outside`, and nothing read.
    let directory = CountingFiles::new(Directory::new(&spec));
    let error = one_error(&root, &directory);
    assert_eq!(
        error,
        format!(
            "error: openapi.yaml#/paths/~1droplets/get/responses/200/content/application~1json/\
             schema/items/properties/region/$ref:18:30: `{absolute}` is an absolute path; \
             reference files by paths relative to the file that names them, or allow its \
             folder, written as an absolute path, with `[spec] allow_outside` in the \
             configuration"
        )
    );
    assert!(directory.reads.lock().unwrap().is_empty());
    // A relative folder allowed does not allow it either.
    let relative =
        generator::Config::parse("[spec]\nallow_outside = [\"../opt\"]\n", "t.toml").unwrap();
    assert!(
        generate_files(
            "openapi.yaml",
            &root,
            &directory,
            &options().config(relative)
        )
        .is_err()
    );

    // Allowed: read through the `Directory` that allows the folder too.
    let toml = format!(
        "[spec]\nallow_outside = [{:?}]\n",
        common.display().to_string()
    );
    let config = generator::Config::parse(&toml, "t.toml").unwrap();
    let directory =
        CountingFiles::new(Directory::new(&spec).allow_outside([common.display().to_string()]));
    let output = generate_files(
        "openapi.yaml",
        &root,
        &directory,
        &options().config(config.clone()),
    )
    .unwrap();
    let types = &output.files["src/types.rs"];
    assert!(types.contains("pub struct Region {"), "{types}");
    assert!(types.contains("pub struct Zone {"), "{types}");
    assert_eq!(
        directory
            .reads
            .lock()
            .unwrap()
            .keys()
            .cloned()
            .collect::<Vec<_>>(),
        // In path order.
        [
            format!("{}/parts/zone.yaml", common.display()),
            absolute.clone()
        ]
    );
    // A `Directory` without that folder refuses the absolute path itself.
    let refused = Directory::new(&spec).read(&absolute);
    assert!(
        matches!(refused, Err(generator::files::FileError::NotAllowed(_))),
        "{refused:?}"
    );
    // And a relative reference in it that leaves the allowed folder is refused, located.
    std::fs::write(
        common.join("region.yaml"),
        "type: object\nproperties:\n  zone:\n    $ref: \"../../secret.yaml\"\n",
    )
    .unwrap();
    let errors = match generate_files("openapi.yaml", &root, &directory, &options().config(config))
    {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.diagnostics,
    };
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(
        errors[0].pointer,
        format!("{absolute}#/properties/zone/$ref:4:5")
    );
    assert!(
        errors[0]
            .message
            .contains("leads out of the folders `[spec] allow_outside` allows"),
        "{}",
        errors[0].message
    );
}
