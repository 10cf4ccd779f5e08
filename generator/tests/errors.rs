//! The generator never panics on bad input: every problem is an error that names the place in
//! the spec with a JSON pointer. Only with `skip_invalid` does a problem confined to one
//! operation skip it with a warning; a valid construct the client cannot express (a cookie
//! parameter) is a warning unless `strict`.

// The library is published as `openapi-client-codegen`; these tests call it `generator`.
extern crate openapi_client_codegen as generator;

use generator::{Category, Options, Severity, generate};

fn options() -> Options {
    Options {
        config: Default::default(),
        crate_name: "errors".into(),
        spec_label: "test.yaml".into(),
        regenerate_command: "cargo test".into(),
        env_prefix: None,
        strict: false,
        skip_invalid: false,
        overlays: Vec::new(),
        extra_dev_dependencies: Vec::new(),
    }
}

/// The opt-in for a broken third-party spec: bad operations are skipped with warnings.
fn skipping() -> Options {
    Options {
        skip_invalid: true,
        ..options()
    }
}

fn error(spec: &str) -> String {
    match generate(spec, &options()) {
        Ok(_) => panic!("expected an error for:\n{spec}"),
        Err(e) => e.to_string(),
    }
}

const OPERATION: &str = r##"
openapi: 3.0.3
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
              schema: {$ref: "#/components/schemas/Missing"}
"##;

#[test]
fn unparsable_text_is_an_error() {
    assert!(error("openapi: [unclosed").contains("not valid YAML"));
    assert!(error("{\"openapi\": ").contains("not valid JSON"));
}

#[test]
fn unsupported_versions_are_named() {
    assert!(
        error("swagger: '2.0'\ninfo: {title: T, version: '1'}\npaths: {}").contains("Swagger 2.0")
    );
    assert!(error("openapi: 3.3.0\ninfo: {title: T, version: '1'}\npaths: {}").contains("3.3.0"));
}

#[test]
fn an_invalid_operation_is_an_error_with_its_location_or_skipped_on_request() {
    let spec = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n    get:\n      responses: 7\n";
    let error = generate(spec, &options()).unwrap_err();
    let [d] = error.diagnostics.as_slice() else {
        panic!("{:?}", error.diagnostics)
    };
    assert_eq!(
        (d.pointer.as_str(), d.severity, d.category),
        (
            "#/paths/~1a/get/responses",
            Severity::Error,
            Category::BadInput
        )
    );
    assert!(
        d.message
            .starts_with("operation `GET /a`: not valid OpenAPI 3.0 here"),
        "{}",
        d.message
    );

    let output = generate(spec, &skipping()).unwrap();
    let [warning] = output.diagnostics.as_slice() else {
        panic!("{:?}", output.diagnostics)
    };
    assert_eq!(warning.pointer, "#/paths/~1a/get/responses");
    assert_eq!(warning.severity, Severity::Warning);
    assert!(
        warning.message.contains("operation `GET /a` skipped"),
        "{}",
        warning.message
    );
}

#[test]
fn every_bad_operation_is_reported_not_only_the_first() {
    // An invalid operation (load), an invalid path item, a dangling `$ref` and a path
    // parameter its path template does not name (model): one error each, in one run.
    let spec = format!(
        "{OPERATION}  /d:\n    get:\n      operationId: get_d\n      parameters: [{{name: x, in: path, required: true, schema: {{type: string}}}}]\n      responses: {{\"204\": {{description: none}}}}\n  /b:\n    get:\n      responses: 7\n  /c: 5\n"
    );
    let error = generate(&spec, &options()).unwrap_err();
    let located: Vec<(&str, Severity, Category)> = error
        .diagnostics
        .iter()
        .map(|d| (d.pointer.as_str(), d.severity, d.category))
        .collect();
    assert_eq!(
        located,
        [
            (
                "#/paths/~1b/get/responses",
                Severity::Error,
                Category::BadInput
            ),
            ("#/paths/~1c", Severity::Error, Category::BadInput),
            (
                "#/paths/~1things~1{id}/get/responses/200/content/application~1json/schema",
                Severity::Error,
                Category::BadInput
            ),
            (
                "#/paths/~1d/get/parameters/0",
                Severity::Error,
                Category::BadInput
            ),
        ],
        "{error}"
    );
    assert!(
        error.diagnostics[3]
            .message
            .contains("path parameter `x` does not appear in the path `/d`"),
        "{error}"
    );
    // Opted in, the same four are warnings and nothing else is left out.
    let output = generate(&spec, &skipping()).unwrap();
    assert_eq!(output.diagnostics.len(), 4, "{:?}", output.diagnostics);
    assert!(
        output
            .diagnostics
            .iter()
            .all(|d| d.severity == Severity::Warning && d.message.contains(" skipped: ")),
        "{:?}",
        output.diagnostics
    );
}

#[test]
fn structural_errors_outside_operations_carry_a_pointer() {
    let message = error(
        "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n  securitySchemes:\n    k: {type: apiKey, in: nowhere, name: x}\n",
    );
    assert!(message.contains("#/components"), "{message}");
}

#[test]
fn a_broken_reference_is_an_error_or_skips_the_operation_on_request() {
    let pointer = "#/paths/~1things~1{id}/get/responses/200/content/application~1json/schema";
    let error = generate(OPERATION, &options()).unwrap_err();
    let [d] = error.diagnostics.as_slice() else {
        panic!("{:?}", error.diagnostics)
    };
    assert_eq!((d.pointer.as_str(), d.severity), (pointer, Severity::Error));
    assert_eq!(
        d.message,
        "operation `get_thing` (GET /things/{id}): `$ref: \"#/components/schemas/Missing\"` \
         points at nothing in this document"
    );

    let output = generate(OPERATION, &skipping()).unwrap();
    let [warning] = output.diagnostics.as_slice() else {
        panic!("{:?}", output.diagnostics)
    };
    assert_eq!(warning.severity, Severity::Warning);
    assert_eq!(warning.pointer, pointer);
    assert!(
        warning.message.contains("#/components/schemas/Missing"),
        "{}",
        warning.message
    );
    assert!(
        output.files["src/lib.rs"].contains("get_thing"),
        "skipped operations are listed in the docs"
    );
}

/// OPERATION made valid, with a cookie parameter: valid OpenAPI the client cannot send.
fn with_cookie() -> String {
    OPERATION
        .replace(
            "        - {name: id, in: path, required: true, schema: {type: string}}\n",
            "        - {name: id, in: path, required: true, schema: {type: string}}\n        - {name: session, in: cookie, schema: {type: string}}\n",
        )
        .replace(
            "schema: {$ref: \"#/components/schemas/Missing\"}",
            "schema: {type: string}",
        )
}

#[test]
fn an_unsupported_construct_is_a_warning_unless_strict() {
    let output = generate(&with_cookie(), &options()).unwrap();
    let [warning] = output.diagnostics.as_slice() else {
        panic!("{:?}", output.diagnostics)
    };
    assert_eq!(
        (warning.severity, warning.category),
        (Severity::Warning, Category::Unsupported)
    );
    assert_eq!(warning.pointer, "#/paths/~1things~1{id}/get/parameters/1");
    assert!(
        warning
            .message
            .contains("skipped: cookie parameter `session` is not supported"),
        "{}",
        warning.message
    );
}

#[test]
fn strict_turns_warnings_into_errors() {
    let strict = Options {
        strict: true,
        ..options()
    };
    let error = generate(&with_cookie(), &strict).unwrap_err();
    assert_eq!(error.diagnostics[0].severity, Severity::Error);
    assert_eq!(error.diagnostics[0].category, Category::Unsupported);
    // Opting into skipping bad input does not weaken `strict`.
    let both = Options {
        strict: true,
        ..skipping()
    };
    let error = generate(OPERATION, &both).unwrap_err();
    assert_eq!(error.diagnostics[0].severity, Severity::Error);
}

#[test]
fn ambiguous_path_parameters_are_reported() {
    // `{id}` is declared, but not in the path: as a query and as a header parameter. Which one
    // the path means is not plain (one alone would be repaired: tests/repairs.rs).
    let spec = OPERATION.replace(
        "        - {name: id, in: path, required: true, schema: {type: string}}\n",
        "        - {name: id, in: query, schema: {type: string}}\n        - {name: id, in: header, schema: {type: string}}\n",
    );
    let error = generate(&spec, &options()).unwrap_err();
    assert!(
        error.diagnostics.iter().any(|d| d.message.contains(
            "path template parameter `id` is not declared as a path parameter, and parameters \
             of that name are declared `in: query` and `in: header`: which one the path means \
             is not plain"
        )),
        "{error}"
    );
    let output = generate(&spec, &skipping()).unwrap();
    assert!(
        output.diagnostics[0]
            .message
            .contains("skipped: path template parameter `id` is not declared as a path parameter"),
        "{:?}",
        output.diagnostics
    );
}

/// The only diagnostic of a spec whose operations are all skipped (or whose generation fails).
fn only_problem(spec: &str) -> generator::Diagnostic {
    let diagnostics = match generate(spec, &options()) {
        Ok(output) => output.diagnostics,
        Err(error) => error.diagnostics,
    };
    match <[_; 1]>::try_from(diagnostics) {
        Ok([d]) => d,
        Err(all) => panic!("expected one diagnostic, got {all:#?}"),
    }
}

/// A spec with one operation answering with `#/components/schemas/A`, and `schemas` below it.
fn with_schemas(schemas: &str) -> String {
    format!(
        r##"openapi: 3.0.3
info: {{title: T, version: "1"}}
paths:
  /a:
    get:
      operationId: get_a
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {{$ref: "#/components/schemas/A"}}
components:
  schemas:
{schemas}"##
    )
}

#[test]
fn ref_cycles_without_an_object_in_between_are_errors() {
    let d = only_problem(&with_schemas(
        "    A: {$ref: \"#/components/schemas/B\"}\n    B: {$ref: \"#/components/schemas/A\"}\n",
    ));
    assert_eq!(d.pointer, "#/components/schemas/B");
    assert!(
        d.message
            .contains("`$ref` cycle with no object or array in between")
            && d.message.contains(
                "#/components/schemas/A → #/components/schemas/B → #/components/schemas/A"
            ),
        "{}",
        d.message
    );

    let d = only_problem(&with_schemas(
        "    A: {allOf: [{$ref: \"#/components/schemas/A\"}]}\n",
    ));
    assert_eq!(d.pointer, "#/components/schemas/A/allOf/0");
    assert!(d.message.contains("`$ref` cycle"), "{}", d.message);

    // With properties of its own, `allOf` merges: the cycle is found while merging.
    let d = only_problem(&with_schemas(
        "    A:\n      allOf: [{$ref: \"#/components/schemas/B\"}]\n      properties: {x: {type: string}}\n    B: {allOf: [{$ref: \"#/components/schemas/A\"}], properties: {y: {type: string}}}\n",
    ));
    assert_eq!(d.pointer, "#/components/schemas/A/allOf/0");
    assert!(
        d.message
            .contains("`allOf` cycle: a schema includes itself")
            && d.message.contains(
                "#/components/schemas/B → #/components/schemas/A → #/components/schemas/B"
            ),
        "{}",
        d.message
    );

    // A one-branch `oneOf` (plus null) is the branch itself: no object in between either.
    let d = only_problem(&with_schemas(
        "    A: {oneOf: [{$ref: \"#/components/schemas/A\"}, {type: \"null\"}]}\n",
    ));
    assert!(d.message.contains("`$ref` cycle"), "{}", d.message);
}

#[test]
fn recursion_through_properties_and_arrays_is_fine() {
    let output = generate(
        &with_schemas(
            "    A:\n      type: object\n      properties:\n        next: {$ref: \"#/components/schemas/A\"}\n        children: {type: array, items: {$ref: \"#/components/schemas/A\"}}\n        by_name: {additionalProperties: {$ref: \"#/components/schemas/A\"}}\n",
        ),
        &options(),
    )
    .unwrap();
    assert!(output.diagnostics.is_empty(), "{:?}", output.diagnostics);
    let types = &output.files["src/types.rs"];
    assert!(types.contains("pub next: Option<Box<A>>"), "{types}");
    assert!(types.contains("pub children: Option<Vec<A>>"), "{types}");
}

#[test]
fn an_array_of_itself_is_any_json_value_with_a_warning() {
    let output = generate(
        &with_schemas("    A: {type: array, items: {$ref: \"#/components/schemas/A\"}}\n"),
        &options(),
    )
    .unwrap();
    let [warning] = output.diagnostics.as_slice() else {
        panic!("{:?}", output.diagnostics)
    };
    assert_eq!(warning.pointer, "#/components/schemas/A/items");
    assert!(
        warning.message.contains("contains itself") && warning.message.contains("any JSON value"),
        "{}",
        warning.message
    );
}

#[test]
fn nesting_beyond_the_documented_depth_is_refused_with_its_location() {
    // 80 levels of inline arrays: deeper than MAX_DOCUMENT_DEPTH (64), shallower than the YAML
    // parser's own limit (128 levels of collections).
    let mut schema = String::from("{type: string}");
    for _ in 0..80 {
        schema = format!("{{items: {schema}}}");
    }
    let d = only_problem(&with_schemas(&format!("    A: {schema}\n")));
    assert_eq!(
        d.message,
        "the document nests objects and arrays more than 64 levels deep here; this generator \
         refuses deeper documents"
    );
    // components (1) / schemas (2) / A (3) / 62 × items: the 65th level.
    assert_eq!(
        d.pointer,
        format!("#/components/schemas/A{}", "/items".repeat(62))
    );

    // The same depth through a chain of distinct `$ref`s.
    let mut schemas = String::new();
    for i in 0..100 {
        let name = if i == 0 {
            "A".to_string()
        } else {
            format!("S{i}")
        };
        schemas.push_str(&format!(
            "    {name}: {{type: object, properties: {{x: {{$ref: \"#/components/schemas/S{}\"}}}}}}\n",
            i + 1
        ));
    }
    schemas.push_str("    S100: {type: string}\n");
    let d = only_problem(&with_schemas(&schemas));
    assert_eq!(d.pointer, "#/components/schemas/S64");
    assert!(d.message.contains("more than 64 levels"), "{}", d.message);
}

#[test]
fn exponential_all_of_is_refused() {
    // Each level includes the next one twice: 2^40 branches if merged naively.
    let mut schemas = String::new();
    for i in 0..40 {
        let name = if i == 0 {
            "A".to_string()
        } else {
            format!("L{i}")
        };
        let next = format!("#/components/schemas/L{}", i + 1);
        schemas.push_str(&format!(
            "    {name}: {{allOf: [{{$ref: \"{next}\"}}, {{$ref: \"{next}\"}}], properties: {{p{i}: {{type: string}}}}}}\n"
        ));
    }
    schemas.push_str("    L40: {properties: {last: {type: string}}}\n");
    let started = std::time::Instant::now();
    let d = only_problem(&with_schemas(&schemas));
    assert!(
        d.message
            .contains("`allOf` expands to more than 10000 branches"),
        "{}",
        d.message
    );
    assert!(
        d.pointer.starts_with("#/components/schemas/L"),
        "{}",
        d.pointer
    );
    assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
}

#[test]
fn yaml_aliases_that_expand_without_bound_are_refused() {
    // "Billion laughs": nine levels of ten aliases each would be 10^9 strings.
    let mut spec = String::from(
        "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\nx-lol:\n  l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n",
    );
    for level in 1..10 {
        let p = level - 1;
        spec.push_str(&format!(
            "  l{level}: &l{level} [*l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}]\n"
        ));
    }
    let started = std::time::Instant::now();
    let d = only_problem(&spec);
    assert_eq!(d.pointer, "#");
    assert!(
        d.message.contains("not valid YAML (line 5, column 47)")
            && d.message
                .contains("YAML aliases expand the document to more than twice its size"),
        "{}",
        d.message
    );
    assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
}

#[test]
fn yaml_aliases_within_reason_are_read() {
    // One schema written once and used three times through an alias.
    let spec = with_schemas(
        "    A: &thing {type: object, properties: {id: {type: string}}}\n    B: *thing\n    C: *thing\n    D: *thing\n",
    );
    let output = generate(&spec, &options()).unwrap();
    assert!(output.diagnostics.is_empty(), "{:?}", output.diagnostics);
    assert!(output.files["src/types.rs"].contains("pub struct A {"));
}

#[test]
fn text_that_is_not_openapi_is_named() {
    for (text, pointer, message) in [
        (
            "just a sentence",
            "#",
            "not an OpenAPI description: the document is a string, not an object",
        ),
        (
            "[1, 2]",
            "#",
            "not an OpenAPI description: the document is an array, not an object",
        ),
        (
            "{\"name\": \"package.json\"}",
            "#/openapi",
            "missing the `openapi` version field",
        ),
        ("", "#", "not an OpenAPI description: the document is empty"),
        (
            "openapi: 3\ninfo: {title: T, version: '1'}\npaths: {}",
            "#/openapi",
            "`openapi` must be a version string such as \"3.0.3\", not 3",
        ),
        (
            "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: []",
            "#/paths",
            "not valid OpenAPI 3.0 here",
        ),
    ] {
        let d = only_problem(text);
        assert_eq!(
            (d.pointer.as_str(), d.severity),
            (pointer, Severity::Error),
            "{text:?}: {d}"
        );
        assert!(d.message.contains(message), "{text:?}: {d}");
    }
}

#[test]
fn swagger_2_and_openapi_3_3_are_refused_with_their_pointer() {
    let d = only_problem("swagger: '2.0'\ninfo: {title: T, version: '1'}\npaths: {}");
    assert_eq!(d.pointer, "#/swagger");
    assert_eq!(
        d.message,
        "Swagger 2.0 is not supported; convert the description to OpenAPI 3.0 first"
    );
    let d = only_problem("openapi: 3.3.0\ninfo: {title: T, version: '1'}\npaths: {}");
    assert_eq!(d.pointer, "#/openapi");
    assert_eq!(
        d.message,
        "OpenAPI version 3.3.0 is not supported; this generator reads OpenAPI 3.0.x, 3.1.x and \
         3.2.x"
    );
    let d = only_problem("openapi: 2.0.0\ninfo: {title: T, version: '1'}\npaths: {}");
    assert_eq!(d.pointer, "#/openapi");
    assert_eq!(
        d.message,
        "OpenAPI version 2.0.0 is not supported; this generator reads OpenAPI 3.0.x, 3.1.x and \
         3.2.x"
    );
}

#[test]
fn dangling_and_external_refs_are_located() {
    let d = only_problem(&with_schemas(
        "    A: {type: object, properties: {b: {$ref: \"#/components/schemas/Nowhere\"}}}\n",
    ));
    assert_eq!(d.pointer, "#/components/schemas/A/properties/b");
    assert!(
        d.message.contains(
            "`$ref: \"#/components/schemas/Nowhere\"` points at nothing in this document"
        ),
        "{}",
        d.message
    );
    let d = only_problem(&with_schemas(
        "    A: {type: object, properties: {b: {$ref: \"other.yaml#/B\"}}}\n",
    ));
    assert_eq!(d.pointer, "#/components/schemas/A/properties/b");
    assert!(
        d.message.contains(
            "`$ref: \"other.yaml#/B\"` points outside this document, which is not supported"
        ),
        "{}",
        d.message
    );
}

#[test]
fn refs_that_cannot_be_followed_inside_all_of_are_located_in_the_spec() {
    // Found by the fuzzer: the diagnostic named the external reference itself, not a place in
    // the spec.
    for (reference, message) in [
        (
            "https://example.com/x.yaml#/X",
            "points outside this document",
        ),
        ("#/%zz", "points at nothing in this document"),
    ] {
        let d = only_problem(&with_schemas(&format!(
            "    A: {{allOf: [{{$ref: \"{reference}\"}}, {{properties: {{x: {{type: string}}}}}}]}}\n"
        )));
        assert_eq!(d.pointer, "#/components/schemas/A/allOf/0", "{reference}");
        assert!(d.message.contains(message), "{}", d.message);
    }
}

#[test]
fn path_templates_need_their_parameters() {
    // A declared path parameter the template does not name: a renamed placeholder, or a query
    // parameter declared in the wrong place? Not plain which, so refused.
    let spec = OPERATION.replace("/things/{id}:", "/things/{thing}:");
    let d = only_problem(&spec);
    assert_eq!(d.pointer, "#/paths/~1things~1{thing}/get/parameters/0");
    assert!(
        d.message
            .contains("path parameter `id` does not appear in the path `/things/{thing}`"),
        "{}",
        d.message
    );
    let empty = OPERATION.replace("/things/{id}:", "/things/{id}/{}:");
    let d = only_problem(&empty);
    assert_eq!(d.pointer, "#/paths/~1things~1{id}~1{}/get");
    assert!(
        d.message
            .contains("path `/things/{id}/{}` has an empty `{}`, which names no parameter"),
        "{}",
        d.message
    );
    let unbalanced = OPERATION.replace("/things/{id}:", "/things/{id:");
    let d = only_problem(&unbalanced);
    assert_eq!(d.pointer, "#/paths/~1things~1{id/get");
    assert!(
        d.message.contains("path `/things/{id` has an unclosed `{`"),
        "{}",
        d.message
    );
}

#[test]
fn the_deepest_accepted_document_generates_from_a_small_stack() {
    // 58 levels of arrays in a parameter: the document is 64 levels deep, the most it may be.
    // `generate` runs on its own thread with a stack sized for that, whatever the caller's:
    // here 256 KiB (found by fuzzing: with the caller's stack, 2 MiB overflowed at 55 levels).
    let mut schema = String::from("{type: string}");
    for _ in 0..58 {
        schema = format!("{{type: array, items: {schema}}}");
    }
    let spec = OPERATION.replace(
        "        - {name: id, in: path, required: true, schema: {type: string}}\n",
        &format!("        - {{name: id, in: path, required: true, schema: {{type: string}}}}\n        - {{name: q, in: query, schema: {schema}}}\n"),
    );
    let result = std::thread::Builder::new()
        .stack_size(256 << 10)
        .spawn(move || generate(&spec, &skipping()).map(|output| output.diagnostics))
        .unwrap()
        .join()
        .unwrap();
    let diagnostics = result.unwrap();
    // Only the dangling response schema of OPERATION: the parameter is fine.
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert!(
        diagnostics[0].message.contains("Missing"),
        "{diagnostics:?}"
    );
}

#[test]
fn security_requirements_naming_undeclared_schemes_are_errors() {
    let valid = OPERATION.replace(
        "schema: {$ref: \"#/components/schemas/Missing\"}",
        "schema: {type: string}",
    );
    let on_operation = valid.replace(
        "      operationId: get_thing\n",
        "      operationId: get_thing\n      security: [{nowhere: []}]\n",
    );
    let d = only_problem(&on_operation);
    assert_eq!(
        (d.pointer.as_str(), d.severity, d.category),
        (
            "#/paths/~1things~1{id}/get/security/0",
            Severity::Error,
            Category::BadInput
        )
    );
    assert_eq!(
        d.message,
        "operation `get_thing` (GET /things/{id}): security scheme `nowhere` is not declared in \
         `components.securitySchemes`"
    );
    let output = generate(&on_operation, &skipping()).unwrap();
    assert_eq!(output.diagnostics.len(), 1, "{:?}", output.diagnostics);
    assert!(
        output.diagnostics[0]
            .message
            .contains("skipped: security scheme `nowhere`"),
        "{:?}",
        output.diagnostics
    );

    // Named by the document's own requirements: reported once, at `#/security`.
    let global = format!("{valid}security: [{{nowhere: []}}]\n");
    let d = only_problem(&global);
    assert_eq!(
        (d.pointer.as_str(), d.severity),
        ("#/security/0", Severity::Error)
    );
    assert!(
        d.message.contains("`nowhere` is not declared"),
        "{}",
        d.message
    );
}

/// [`with_schemas`] as an OpenAPI 3.1 document.
fn with_schemas_31(schemas: &str) -> String {
    with_schemas(schemas).replace("openapi: 3.0.3", "openapi: 3.1.0")
}

/// The only diagnostic of `spec`, which must be an error (bad input), with its pointer and
/// message.
fn only_error(spec: &str) -> (String, String) {
    let d = only_problem(spec);
    assert_eq!(
        (d.severity, d.category),
        (Severity::Error, Category::BadInput),
        "{d}"
    );
    (d.pointer, d.message)
}

#[test]
fn a_reference_to_an_anchor_no_schema_declares_is_named() {
    let (pointer, message) = only_error(&with_schemas_31(
        "    A: {type: object, properties: {b: {$ref: \"#someAnchor\"}}}\n",
    ));
    assert_eq!(pointer, "#/components/schemas/A/properties/b");
    assert_eq!(
        message,
        "operation `get_a` (GET /a): `$ref: \"#someAnchor\"` names the anchor `someAnchor`, \
         which no schema in this document declares with `$anchor`"
    );
    // Declared once, the anchor resolves; declared twice, it names neither.
    let declared = "    B: {$anchor: someAnchor, type: string}\n";
    let output = generate(
        &with_schemas_31(&format!(
            "    A: {{type: object, properties: {{b: {{$ref: \"#someAnchor\"}}}}}}\n{declared}"
        )),
        &options(),
    )
    .unwrap();
    assert!(output.diagnostics.is_empty(), "{:?}", output.diagnostics);
    assert!(
        output.files["src/types.rs"].contains("pub b: Option<String>"),
        "{}",
        output.files["src/types.rs"]
    );
    let (pointer, message) = only_error(&with_schemas_31(&format!(
        "    A: {{type: object, properties: {{b: {{$ref: \"#someAnchor\"}}}}}}\n{declared}    C: {{$anchor: someAnchor}}\n"
    )));
    assert_eq!(pointer, "#/components/schemas/A/properties/b");
    assert_eq!(
        message,
        "operation `get_a` (GET /a): `$ref: \"#someAnchor\"` names the anchor `someAnchor`, \
         which 2 schemas in this document declare with `$anchor`: it must name one"
    );
    // OpenAPI 3.0 has no anchors.
    let (pointer, message) = only_error(&with_schemas(&format!(
        "    A: {{type: object, properties: {{b: {{$ref: \"#someAnchor\"}}}}}}\n{declared}"
    )));
    assert_eq!(pointer, "#/components/schemas/A/properties/b");
    assert_eq!(
        message,
        "operation `get_a` (GET /a): `$ref: \"#someAnchor\"` names the anchor `someAnchor`, \
         which only an OpenAPI 3.1 document can declare"
    );
}

#[test]
fn a_reference_to_an_id_no_schema_declares_points_outside_the_document() {
    let (pointer, message) = only_error(&with_schemas_31(
        "    A: {type: object, properties: {b: {$ref: \"https://example.com/schemas/b\"}}}\n",
    ));
    assert_eq!(pointer, "#/components/schemas/A/properties/b");
    assert_eq!(
        message,
        "operation `get_a` (GET /a): `$ref: \"https://example.com/schemas/b\"` points outside \
         this document, which is not supported: no schema in this document declares \
         `$id: \"https://example.com/schemas/b\"`"
    );
    // The `$id` declared, the resource resolves, and so does a pointer into it.
    let output = generate(
        &with_schemas_31(
            "    A: {type: object, properties: {b: {$ref: \"https://example.com/schemas/b\"}, c: {$ref: \"https://example.com/schemas/b#/properties/n\"}}}\n    B: {$id: \"https://example.com/schemas/b\", type: object, properties: {n: {type: integer}}}\n",
        ),
        &options(),
    )
    .unwrap();
    assert!(output.diagnostics.is_empty(), "{:?}", output.diagnostics);
    let types = &output.files["src/types.rs"];
    assert!(
        types.contains("pub b: Option<B>") && types.contains("pub c: Option<i64>"),
        "{types}"
    );
    // A relative reference is outside the document, `$id` or not.
    let (pointer, message) = only_error(&with_schemas_31(
        "    A: {type: object, properties: {b: {$ref: \"b.json\"}}}\n",
    ));
    assert_eq!(pointer, "#/components/schemas/A/properties/b");
    assert_eq!(
        message,
        "operation `get_a` (GET /a): `$ref: \"b.json\"` points outside this document, which is \
         not supported"
    );
}

#[test]
fn unknown_names_in_a_type_array_are_named_at_the_schema() {
    let spec = with_schemas_31(
        "    A: {type: object, properties: {b: {type: [strin, \"null\"]}, c: {type: [string, intger]}}}\n",
    );
    let error = generate(&spec, &options()).unwrap_err();
    let found: Vec<(&str, Severity, Category, &str)> = error
        .diagnostics
        .iter()
        .map(|d| {
            (
                d.pointer.as_str(),
                d.severity,
                d.category,
                d.message.as_str(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (
                "#/components/schemas/A/properties/b",
                Severity::Error,
                Category::BadInput,
                "unknown type `strin`; typed as any JSON value"
            ),
            (
                "#/components/schemas/A/properties/c",
                Severity::Error,
                Category::BadInput,
                "unknown type `intger`; typed as any JSON value"
            ),
        ],
        "{error}"
    );
    // Opted in, the same problems are warnings, at the same places.
    let output = generate(&spec, &skipping()).unwrap();
    let found: Vec<(&str, Severity, &str)> = output
        .diagnostics
        .iter()
        .map(|d| (d.pointer.as_str(), d.severity, d.message.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            (
                "#/components/schemas/A/properties/b",
                Severity::Warning,
                "unknown type `strin`; typed as any JSON value"
            ),
            (
                "#/components/schemas/A/properties/c",
                Severity::Warning,
                "unknown type `intger`; typed as any JSON value"
            ),
        ]
    );
}

const DANGLING: &str =
    "operation `get_a` (GET /a): `$ref: \"#/nope\"` points at nothing in this document";

#[test]
fn a_dangling_reference_in_a_branch_lowering_moved_names_the_place_written() {
    // `type: [object, string]` becomes `oneOf` of an object and a string branch, the object's
    // keywords moved into the first: the error still names `properties/a` of the schema.
    for (schemas, expected) in [
        (
            "    A: {type: [object, string], properties: {a: {$ref: '#/nope'}}}\n",
            "#/components/schemas/A/properties/a",
        ),
        (
            "    A: {type: [array, object, \"null\"], items: {type: [object, string], properties: {q: {$ref: '#/nope'}}}}\n",
            "#/components/schemas/A/items/properties/q",
        ),
        // One pattern is the map's values (`additionalProperties`).
        (
            "    A: {type: object, patternProperties: {'^x-': {$ref: '#/nope'}}}\n",
            "#/components/schemas/A/patternProperties/^x-",
        ),
        // The older spelling of a tuple, `items: [...]`, is read as `prefixItems` (found by
        // fuzzing: the error named `prefixItems/1`).
        (
            "    A: {type: array, items: [{type: string}, {$ref: '#/nope'}]}\n",
            "#/components/schemas/A/items/1",
        ),
    ] {
        let (pointer, message) = only_error(&with_schemas_31(schemas));
        assert_eq!(
            (pointer.as_str(), message.as_str()),
            (expected, DANGLING),
            "{schemas}"
        );
    }
}

#[test]
fn a_dangling_reference_beside_sibling_keywords_names_its_schema() {
    // `{$ref, nullable}` becomes `{nullable, allOf: [{$ref}]}`: the error names the schema,
    // not `allOf/0`.
    for (schemas, expected) in [
        (
            "    A: {$ref: '#/nope', nullable: true}\n",
            "#/components/schemas/A",
        ),
        (
            "    A: {type: object, properties: {b: {$ref: '#/nope', nullable: true}}}\n",
            "#/components/schemas/A/properties/b",
        ),
        (
            "    A: {type: object, properties: {b: {$ref: '#/nope', type: [object, \"null\"], description: d, properties: {x: {type: string}}}}}\n",
            "#/components/schemas/A/properties/b",
        ),
        // Beside an `allOf`, whose branches shift by one: each still names its own place.
        (
            "    A: {$ref: '#/nope', allOf: [{type: object, properties: {x: {type: string}}}]}\n",
            "#/components/schemas/A",
        ),
        (
            "    A: {$ref: '#/components/schemas/B', allOf: [{type: object}, {$ref: '#/nope'}]}\n    B: {type: object, properties: {x: {type: string}}}\n",
            "#/components/schemas/A/allOf/1",
        ),
    ] {
        let (pointer, message) = only_error(&with_schemas_31(schemas));
        assert_eq!(
            (pointer.as_str(), message.as_str()),
            (expected, DANGLING),
            "{schemas}"
        );
    }
}
