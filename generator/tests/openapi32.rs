//! OpenAPI 3.2: the equivalence oracle (3.0 and 3.1 descriptions rewritten as 3.2, by a
//! mechanical version bump and in idiomatic 3.2 with `itemSchema`, generate the same crate byte
//! for byte), the located errors of bad 3.2 input, and `fixtures/openapi32.yaml` (every 3.2
//! construct that changes the client) compiled and driven over loopback by
//! `openapi32/http.rs`.

// The library is published as `openapi-client-codegen`; these tests call it `generator`.
extern crate openapi_client_codegen as generator;

mod support;

#[path = "constructs/methods.rs"]
mod methods;

use std::fs;
use std::path::PathBuf;

use generator::Options;

const FIXTURE: &str = include_str!("fixtures/openapi32.yaml");
const PROGRAM: &str = include_str!("openapi32/http.rs");

fn options() -> Options {
    Options {
        spec_label: "spec.yaml".into(),
        strict: false,
        skip_invalid: false,
        ..support::options("equivalence")
    }
}

/// The description as 3.2: a 3.0 one raised to 3.1 first; `idiomatic` also writes stream
/// items by `itemSchema` and examples by `dataValue`.
fn raised(text: &str, idiomatic: bool) -> String {
    let mut raw = generator::load::read(text).expect("the description reads");
    if raw["openapi"]
        .as_str()
        .is_some_and(|v| v.starts_with("3.0"))
    {
        generator::lower::raise_to_3_1(&mut raw);
    }
    generator::lower::raise_to_3_2(&mut raw, idiomatic);
    serde_json::to_string_pretty(&raw).unwrap()
}

/// The 3.2 rewrites generate what the description does: the same files, byte for byte, and
/// the same diagnostics.
fn assert_equivalent(name: &str, text: &str) {
    let original = generator::generate(text, &options())
        .unwrap_or_else(|e| panic!("{name} does not generate:\n{e}"));
    for idiomatic in [false, true] {
        let text32 = raised(text, idiomatic);
        assert!(text32.contains("\"openapi\": \"3.2.0\""));
        let v32 = generator::generate(&text32, &options())
            .unwrap_or_else(|e| panic!("{name} (3.2, idiomatic: {idiomatic}) fails:\n{e}"));
        assert_eq!(
            original.diagnostics, v32.diagnostics,
            "{name} (3.2, idiomatic: {idiomatic}): other diagnostics"
        );
        assert_same_files(&format!("{name} (idiomatic: {idiomatic})"), &original, &v32);
    }
}

fn assert_same_files(name: &str, a: &generator::Output, b: &generator::Output) {
    let names = |o: &generator::Output| o.files.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(a), names(b), "{name}: the 3.2 crate has other files");
    for (path, content) in &a.files {
        let other = &b.files[path];
        if content != other {
            let line = content
                .lines()
                .zip(other.lines())
                .position(|(a, b)| a != b)
                .unwrap_or(0);
            panic!(
                "{name}: {path} differs from line {}:\nbefore: {}\n3.2:    {}",
                line + 1,
                content.lines().nth(line).unwrap_or(""),
                other.lines().nth(line).unwrap_or(""),
            );
        }
    }
}

/// The committed spec, every 3.0 and 3.1 fixture (the streams fixture among them, whose
/// idiomatic rewrite types every stream by `itemSchema`).
fn descriptions() -> Vec<PathBuf> {
    let root = support::workspace_root();
    let mut specs = vec![root.join("spec/realtime-kit.yaml")];
    for entry in fs::read_dir(root.join("generator/tests/fixtures")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if (name.ends_with(".yaml") || name.ends_with(".json")) && !name.starts_with("openapi32") {
            specs.push(path);
        }
    }
    specs.sort();
    specs
}

#[test]
fn committed_spec_and_fixtures_in_3_2_generate_the_same_crates() {
    for spec in descriptions() {
        let text = fs::read_to_string(&spec).unwrap();
        assert_equivalent(&spec.display().to_string(), &text);
    }
}

#[test]
fn the_idiomatic_rewrite_uses_item_schemas() {
    let text =
        fs::read_to_string(support::workspace_root().join("generator/tests/fixtures/streams.yaml"))
            .unwrap();
    let text32 = raised(&text, true);
    let raw: serde_json::Value = serde_json::from_str(&text32).unwrap();
    let events = &raw["paths"]["/generate_stream"]["post"]["responses"]["200"]["content"]["text/event-stream"];
    assert!(events.get("schema").is_none(), "{events:#}");
    assert_eq!(
        events["itemSchema"]["properties"]["data"]["contentSchema"]["$ref"],
        "#/components/schemas/Token"
    );
}

/// A 3.2 operation with `text` as what was wrong, located at `pointer`.
fn refused(spec: &str, pointer: &str, text: &str) {
    let strict = Options {
        strict: true,
        ..options()
    };
    let error = match generator::generate(spec, &strict) {
        Ok(output) => panic!("generated: {:#?}", output.diagnostics),
        Err(error) => error,
    };
    assert!(
        error
            .diagnostics
            .iter()
            .any(|d| d.pointer == pointer && d.message.contains(text)),
        "no `{text}` at {pointer}: {:#?}",
        error.diagnostics
    );
}

const HEAD: &str = "openapi: 3.2.0\ninfo: {title: T, version: '1'}\n";

#[test]
fn bad_3_2_input_is_located() {
    let ok = "responses: {'204': {description: none}}";
    refused(
        &format!(
            "{HEAD}paths:\n  /a:\n    get:\n      parameters:\n        - {{name: q, in: querystring, content: {{application/json: {{schema: {{type: object}}}}}}}}\n        - {{name: limit, in: query, schema: {{type: integer}}}}\n      {ok}\n"
        ),
        "#/paths/~1a/get/parameters/1",
        "query parameter `limit` beside the `querystring` parameter `q`",
    );
    refused(
        &format!(
            "{HEAD}paths:\n  /a:\n    parameters:\n      - {{name: q, in: querystring, content: {{application/json: {{schema: {{type: object}}}}}}}}\n    get:\n      parameters:\n        - {{name: r, in: querystring, content: {{application/json: {{schema: {{type: object}}}}}}}}\n      {ok}\n"
        ),
        "#/paths/~1a/get/parameters/0",
        "a second `querystring` parameter (`r`, after `q`)",
    );
    refused(
        &format!(
            "{HEAD}paths:\n  /a:\n    get:\n      parameters:\n        - {{name: q, in: querystring, schema: {{type: string}}}}\n      {ok}\n"
        ),
        "#/paths/~1a/get/parameters/0",
        "must give its media type by `content`",
    );
    refused(
        &format!("{HEAD}paths:\n  /a:\n    additionalOperations:\n      POST:\n        {ok}\n"),
        "#/paths/~1a/additionalOperations/POST",
        "`additionalOperations` may not define `POST`: the path item's `post` field is for that method",
    );
    refused(
        &format!("{HEAD}paths:\n  /a:\n    additionalOperations:\n      Query:\n        {ok}\n"),
        "#/paths/~1a/additionalOperations/Query",
        "may not define `Query`",
    );
    refused(
        &format!(
            "{HEAD}paths:\n  /a:\n    additionalOperations:\n      'BAD METHOD':\n        {ok}\n"
        ),
        "#/paths/~1a/additionalOperations/BAD METHOD",
        "is not an HTTP method name",
    );
    refused(
        &format!("{HEAD}tags:\n  - {{name: a, parent: nowhere}}\npaths: {{}}\n"),
        "#/tags/0/parent",
        "`parent` names the tag `nowhere`, which the document does not declare",
    );
    refused(
        &format!(
            "{HEAD}tags:\n  - {{name: a, parent: c}}\n  - {{name: b, parent: a}}\n  - {{name: c, parent: b}}\npaths: {{}}\n"
        ),
        "#/tags/1/parent",
        "the tags' parents go round in a cycle: b → a → c → b",
    );
    // A problem inside a `query` operation is located there, as in any other operation.
    refused(
        &format!(
            "{HEAD}paths:\n  /a:\n    query:\n      responses: {{'200': {{description: x, content: {{application/json: {{schema: {{$ref: '#/components/schemas/Missing'}}}}}}}}}}\n"
        ),
        "#/paths/~1a/query/responses/200/content/application~1json/schema",
        "Missing",
    );
}

/// Diagnostics about what lowering moved name the document as written: a media type copied
/// from `components.mediaTypes`, an `itemSchema`.
#[test]
fn diagnostics_name_places_as_written() {
    let spec = format!(
        "{HEAD}paths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: x\n          content:\n            application/json:\n              $ref: '#/components/mediaTypes/Thing'\n  /b:\n    get:\n      responses:\n        '200':\n          description: x\n          content:\n            application/jsonl:\n              itemSchema: {{$ref: '#/components/schemas/Gone'}}\ncomponents:\n  mediaTypes:\n    Thing:\n      schema: {{$ref: '#/components/schemas/Missing'}}\n"
    );
    refused(&spec, "#/components/mediaTypes/Thing/schema", "Missing");
    refused(
        &spec,
        "#/paths/~1b/get/responses/200/content/application~1jsonl/itemSchema",
        "Gone",
    );
}

#[test]
fn every_3_2_construct_over_http() {
    let options = Options {
        spec_label: "generator/tests/fixtures/openapi32.yaml".to_string(),
        regenerate_command: "cargo test -p openapi-client-codegen --test openapi32".to_string(),
        strict: true,
        skip_invalid: false,
        overlays: Vec::new(),
        extra_dev_dependencies: vec![
            (
                "tokio".to_string(),
                r#"{ version = "1", features = ["macros", "rt-multi-thread"] }"#.to_string(),
            ),
            ("wiremock".to_string(), r#""0.6""#.to_string()),
        ],
        ..support::options("documents-fixture")
    };
    let krate = support::generate_crate_with(FIXTURE, &options);
    assert!(
        krate.output.diagnostics.is_empty(),
        "unexpected diagnostics: {:#?}",
        krate.output.diagnostics
    );
    let methods = methods::return_types(krate.path());
    for (method, ty) in [
        ("search_documents", "DocumentList"),
        ("list_documents", "DocumentList"),
        ("copy_document", "Document"),
        ("list_revisions", "JsonLines<Revision>"),
        ("follow_changes", "EventStream<Change>"),
        ("list_shapes", "Vec<Shape>"),
    ] {
        assert_eq!(
            methods.get(method).map(String::as_str),
            Some(ty),
            "{method}: {methods:#?}"
        );
    }
    krate.add_file("tests/http.rs", PROGRAM);
    let result = krate.test().unwrap_or_else(|e| panic!("{e}"));
    for test in [
        "query_sends_its_body_with_the_query_method",
        "query_is_retried_like_get",
        "an_additional_method_is_sent_as_written_and_not_retried",
        "a_querystring_parameter_is_the_whole_query_string",
        "json_lines_are_typed_by_their_item_schema",
        "events_are_typed_by_the_content_schema_of_their_data",
        "the_default_mapping_takes_untagged_and_unknown_values",
    ] {
        assert!(
            result.stdout.contains(&format!("test {test} ... ok")),
            "{test} did not run:\n{}",
            result.stdout
        );
    }
}
