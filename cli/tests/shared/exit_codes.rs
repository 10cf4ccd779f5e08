//! `generate`/`check` (`cargo xtask codegen [--check]`) as a user runs them: the real binary on
//! real files. Bad input exits with
//! 2, prints each problem as `error: <JSON pointer>: <message>` and writes nothing (unless
//! `--skip-invalid`, which skips the operations it affects with a warning each); a stale output
//! under `--check` exits with 1 and is left alone; success exits with 0.

use std::fs;
use std::path::Path;

use super::TOOL;

/// Runs `generate --spec <spec> --out <dir>/out [extra]` (`check` with `--check` in `extra`)
/// on `spec_text`; returns the exit code and stderr.
fn codegen(dir: &Path, spec_text: &str, extra: &[&str]) -> (i32, String) {
    let spec = dir.join("spec.yaml");
    fs::write(&spec, spec_text).unwrap();
    let (spec, out) = (
        spec.display().to_string(),
        dir.join("out").display().to_string(),
    );
    // Run from the crate's directory, so that messages name the files by their absolute paths.
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = TOOL.codegen(here, &["--spec", &spec, "--out", &out], extra);
    let code = output
        .status
        .code()
        .expect("exited, not killed by a signal");
    (code, String::from_utf8_lossy(&output.stderr).into_owned())
}

const VALID: &str = r##"openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /things/{id}:
    get:
      operationId: get_thing
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Thing"}
components:
  schemas:
    Thing: {type: object, properties: {id: {type: string}}}
"##;

/// Asserts exit code 2, that stderr names `pointer` and `message`, and that nothing was written.
fn refused(spec_text: &str, extra: &[&str], pointer: &str, message: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let (code, stderr) = codegen(tmp.path(), spec_text, extra);
    assert_eq!(code, 2, "{stderr}");
    let line = format!("error: {pointer}: ");
    let found = stderr
        .lines()
        .any(|l| l.starts_with(&line) && l.contains(message));
    assert!(found, "no line `{line}...{message}...` in:\n{stderr}");
    assert!(stderr.contains("nothing written"), "{stderr}");
    assert!(
        !tmp.path().join("out").exists(),
        "output written for bad input"
    );
}

#[test]
fn bad_input_exits_with_2_naming_the_place() {
    let with_schema = |thing: &str| {
        VALID.replace(
            "Thing: {type: object, properties: {id: {type: string}}}",
            thing,
        )
    };
    refused("openapi: [unclosed", &[], "#", "not valid YAML");
    refused("{\"openapi\": ", &[], "#", "not valid JSON");
    refused(
        "- a list",
        &[],
        "#",
        "not an OpenAPI description: the document is an array",
    );
    refused(
        "{\"name\": \"x\"}",
        &[],
        "#/openapi",
        "missing the `openapi` version field",
    );
    refused(
        &VALID.replace("openapi: 3.0.3", "swagger: '2.0'"),
        &[],
        "#/swagger",
        "Swagger 2.0 is not supported",
    );
    refused(
        &VALID.replace("openapi: 3.0.3", "openapi: 3.3.0"),
        &[],
        "#/openapi",
        "OpenAPI version 3.3.0 is not supported; this generator reads OpenAPI 3.0.x, 3.1.x and 3.2.x",
    );
    let mut bomb =
        String::from("x-lol:\n  l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for level in 1..10 {
        let p = level - 1;
        bomb.push_str(&format!(
            "  l{level}: &l{level} [*l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}]\n"
        ));
    }
    refused(
        &format!("{VALID}{bomb}"),
        &[],
        "#",
        "YAML aliases expand the document to more than twice its size",
    );
    // Problems confined to one operation are errors too (`--skip-invalid` skips it instead).
    refused(
        &with_schema("Thing: {$ref: \"#/components/schemas/Nowhere\"}"),
        &[],
        "#/components/schemas/Thing",
        "`$ref: \"#/components/schemas/Nowhere\"` points at nothing in this document",
    );
    // A reference to another file is read from the spec's folder: one that is not there is
    // named at the reference, with its line and column.
    refused(
        &with_schema("Thing: {$ref: \"other.yaml#/Thing\"}"),
        &[],
        "spec.yaml#/components/schemas/Thing/$ref:17:13",
        "cannot read `other.yaml`: no file `other.yaml`",
    );
    refused(
        &with_schema("Thing: {allOf: [{$ref: \"#/components/schemas/Thing\"}]}"),
        &[],
        "#/components/schemas/Thing/allOf/0",
        "`$ref` cycle with no object or array in between",
    );
    refused(
        &VALID.replace(
            "        - {name: id, in: path, required: true, schema: {type: string}}\n",
            "        - {name: other, in: query, schema: {type: string}}\n",
        ),
        &[],
        "#/paths/~1things~1{id}/get",
        "path parameter `id` is not declared",
    );
    let mut deep = String::from("{type: string}");
    for _ in 0..70 {
        deep = format!("{{items: {deep}}}");
    }
    refused(
        &with_schema(&format!("Thing: {deep}")),
        &[],
        &format!("#/components/schemas/Thing{}", "/items".repeat(62)),
        "the document nests objects and arrays more than 64 levels deep here",
    );
}

#[test]
fn every_bad_operation_is_named_not_only_the_first() {
    let spec = VALID
        .replace(
            "Thing: {type: object, properties: {id: {type: string}}}",
            "Thing: {$ref: \"#/components/schemas/Nowhere\"}",
        )
        .replace(
            "components:\n",
            "  /other:\n    get:\n      responses: 7\ncomponents:\n",
        );
    let tmp = tempfile::tempdir().unwrap();
    let (code, stderr) = codegen(tmp.path(), &spec, &[]);
    assert_eq!(code, 2, "{stderr}");
    for line in [
        "error: #/paths/~1other/get/responses: operation `GET /other`: not valid OpenAPI 3.0 here",
        "error: #/components/schemas/Thing: operation `get_thing` (GET /things/{id}): `$ref: \"#/components/schemas/Nowhere\"` points at nothing",
        "cannot generate from",
    ] {
        assert!(stderr.contains(line), "no `{line}` in:\n{stderr}");
    }
    assert!(stderr.contains("2 problems"), "{stderr}");
    assert!(!tmp.path().join("out").exists());
}

#[test]
fn with_skip_invalid_a_broken_operation_is_a_warning_and_the_rest_is_generated() {
    let tmp = tempfile::tempdir().unwrap();
    let spec = VALID.replace(
        "Thing: {type: object, properties: {id: {type: string}}}",
        "Thing: {$ref: \"#/components/schemas/Nowhere\"}",
    );
    let (code, stderr) = codegen(tmp.path(), &spec, &["--skip-invalid"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains(
            "warning: #/components/schemas/Thing: operation `get_thing` (GET /things/{id}) skipped"
        ),
        "{stderr}"
    );
    assert!(tmp.path().join("out/src/lib.rs").is_file());
    // --strict still makes the warning fatal.
    let tmp = tempfile::tempdir().unwrap();
    let (code, stderr) = codegen(tmp.path(), &spec, &["--skip-invalid", "--strict"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(!tmp.path().join("out").exists());
}

#[test]
fn an_unsupported_construct_is_a_warning_unless_strict() {
    let spec = VALID.replace(
        "        - {name: id, in: path, required: true, schema: {type: string}}\n",
        "        - {name: id, in: path, required: true, schema: {type: string}}\n        - {name: session, in: cookie, schema: {type: string}}\n",
    );
    let tmp = tempfile::tempdir().unwrap();
    let (code, stderr) = codegen(tmp.path(), &spec, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains(
            "warning: #/paths/~1things~1{id}/get/parameters/1: operation `get_thing` (GET /things/{id}) skipped: cookie parameter `session` is not supported"
        ),
        "{stderr}"
    );
    refused(
        &spec,
        &["--strict"],
        "#/paths/~1things~1{id}/get/parameters/1",
        "cookie parameter `session` is not supported",
    );
}

/// [`VALID`] in OpenAPI 3.1, with its constructs: `type` arrays, `const`, documented constant
/// alternatives, `$defs` and a `$ref` into them, a `$ref` by anchor and one with siblings,
/// `examples`, a numeric `exclusiveMinimum`, a tuple, a webhook and a path item in
/// `components.pathItems`.
const VALID_31: &str = r##"openapi: 3.1.0
info: {title: T, version: "1", summary: a 3.1 description}
jsonSchemaDialect: https://spec.openapis.org/oas/3.1/dialect/base
paths:
  /things/{id}:
    get:
      operationId: get_thing
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
        - {name: limit, in: query, schema: {type: integer, exclusiveMinimum: 0, examples: [10]}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Thing"}
  /others:
    $ref: "#/components/pathItems/Others"
webhooks:
  thingChanged:
    post:
      requestBody:
        content:
          application/json:
            schema: {$ref: "#thing", description: the thing as it is now}
      responses:
        "200": {description: ok}
components:
  pathItems:
    Others:
      get:
        operationId: list_others
        responses:
          "200":
            description: ok
            content:
              application/json:
                schema: {type: array, items: {$ref: "#/components/schemas/Thing/$defs/Kind"}}
  schemas:
    Thing:
      $anchor: thing
      type: object
      required: [id, kind]
      properties:
        id: {type: string}
        kind: {$ref: "#/components/schemas/Thing/$defs/Kind"}
        label: {type: [string, "null"], examples: [a label]}
        version: {const: 2}
        size: {type: [integer, string]}
        at: {type: array, prefixItems: [{type: number}, {type: number}], items: false}
        parent: {$ref: "#thing", type: ["object", "null"]}
      $defs:
        Kind:
          oneOf:
            - {const: small, title: A small thing}
            - {const: large, title: A large thing}
"##;

#[test]
fn a_valid_openapi_3_1_description_generates_with_exit_code_0() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, stderr) = codegen(tmp.path(), VALID_31, &["--strict"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("warning"), "{stderr}");
    let out = tmp.path().join("out");
    assert!(out.join("Cargo.toml").is_file());
    let lib = fs::read_to_string(out.join("src/lib.rs")).unwrap();
    let types = fs::read_to_string(out.join("src/types.rs")).unwrap();
    for name in [
        "pub struct Thing",
        "pub label: Option<String>",
        "pub at: Option<(f64, f64)>",
        "A small thing",
    ] {
        assert!(types.contains(name), "no `{name}` in:\n{types}");
    }
    assert!(
        lib.contains("get_thing") && lib.contains("list_others"),
        "{lib}"
    );
    let (code, stderr) = codegen(tmp.path(), VALID_31, &["--check"]);
    assert_eq!(code, 0, "{stderr}");
    // Bad 3.1 input is named at the place written, not where lowering moved it (`allOf/0`).
    refused(
        &VALID_31.replace("parent: {$ref: \"#thing\"", "parent: {$ref: \"#nothing\""),
        &[],
        "#/components/schemas/Thing/properties/parent",
        "`$ref: \"#nothing\"` names the anchor `nothing`, which no schema in this document \
         declares with `$anchor`",
    );
}

/// Every file under `dir`, with its bytes.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(at) = stack.pop() {
        for entry in fs::read_dir(&at).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(dir).unwrap().display().to_string();
                files.push((rel, fs::read(&path).unwrap()));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn check_exits_with_1_when_stale_and_never_writes() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, stderr) = codegen(tmp.path(), VALID, &[]);
    assert_eq!(code, 0, "{stderr}");
    let (code, stderr) = codegen(tmp.path(), VALID, &["--check"]);
    assert_eq!(code, 0, "{stderr}");

    let out = tmp.path().join("out");
    fs::write(out.join("src/lib.rs"), "// edited by hand\n").unwrap();
    fs::write(out.join("src/extra.rs"), "// stale\n").unwrap();
    let before = snapshot(&out);
    let (code, stderr) = codegen(tmp.path(), VALID, &["--check"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(snapshot(&out), before, "--check wrote to the output");

    // A bad spec under --check is still a bad spec.
    let (code, _) = codegen(tmp.path(), "openapi: 3.2.0\n", &["--check"]);
    assert_eq!(code, 2);
    assert_eq!(snapshot(&out), before);

    let (code, stderr) = codegen(tmp.path(), VALID, &[]);
    assert_eq!(code, 0, "{stderr}");
    let (code, stderr) = codegen(tmp.path(), VALID, &["--check"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!out.join("src/extra.rs").exists());
}

#[test]
fn a_bad_spec_leaves_an_existing_crate_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, _) = codegen(tmp.path(), VALID, &[]);
    assert_eq!(code, 0);
    let out = tmp.path().join("out");
    let before = snapshot(&out);
    let (code, _) = codegen(tmp.path(), "openapi: 3.0.3\npaths: [", &[]);
    assert_eq!(code, 2);
    assert_eq!(snapshot(&out), before);
}

/// The configuration beside the spec (`spec.toml` for `spec.yaml`) is read; a mistake in it is
/// refused like a spec error, located by file, line and column and naming the key.
#[test]
fn configuration_beside_the_spec_is_read_and_checked() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("spec.toml"),
        "[package]\nname = \"things\"\nversion = \"0.4.0\"\nlicense = \"MIT\"\n\n[rename.types]\nThing = \"Item\"\n",
    )
    .unwrap();
    let (code, stderr) = codegen(tmp.path(), VALID, &[]);
    assert_eq!(code, 0, "{stderr}");
    let manifest = fs::read_to_string(tmp.path().join("out/Cargo.toml")).unwrap();
    assert!(manifest.contains("name = \"things\""), "{manifest}");
    assert!(manifest.contains("version = \"0.4.0\""), "{manifest}");
    assert!(manifest.contains("license = \"MIT\""), "{manifest}");
    let types = fs::read_to_string(tmp.path().join("out/src/types.rs")).unwrap();
    assert!(types.contains("pub struct Item "), "{types}");
    let readme = fs::read_to_string(tmp.path().join("out/README.md")).unwrap();
    assert!(readme.starts_with("<!-- @generated"), "{readme}");

    // A mistake: refused, located, nothing written.
    let bad = tempfile::tempdir().unwrap();
    let config = bad.path().join("spec.toml");
    fs::write(&config, "[package]\nname = \"things\"\nlicence = \"MIT\"\n").unwrap();
    let (code, stderr) = codegen(bad.path(), VALID, &[]);
    assert_eq!(code, 2, "{stderr}");
    let position = format!("error: {}:3:1: ", config.display());
    assert!(stderr.contains(&position), "{position} in:\n{stderr}");
    assert!(stderr.contains("licence"), "{stderr}");
    assert!(!bad.path().join("out").exists(), "nothing written");

    // `--config` names another file; a rename that matches nothing is located too.
    let other = bad.path().join("other.toml");
    fs::write(&other, "[rename.types]\nNothing = \"Else\"\n").unwrap();
    let (code, stderr) = codegen(bad.path(), VALID, &["--config", other.to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    let position = format!("error: {}:2:1: `rename.types.Nothing`", other.display());
    assert!(stderr.contains(&position), "{position} in:\n{stderr}");
}
