//! OpenAPI 3.1 as a dialect of its own: the equivalence oracle (a 3.0 description and its
//! mechanical translation into 3.1 generate the same crate, byte for byte) and the located
//! diagnostics of 3.1 input. The constructs themselves have fixtures of their own
//! (`fixtures/openapi31_*.yaml`, compiled and round-tripped by `constructs.rs`).

// The library is published as `openapi-client-codegen`; these tests call it `generator`.
extern crate openapi_client_codegen as generator;

mod support;

use std::fs;

use generator::Options;

fn options() -> Options {
    Options {
        spec_label: "spec.yaml".into(),
        strict: true,
        skip_invalid: false,
        ..support::options("equivalence")
    }
}

/// The text of a 3.0 description translated into 3.1 by [`generator::lower::raise_to_3_1`]
/// (`nullable` → `type` arrays and `null` branches, `example` → `examples`, boolean exclusive
/// bounds → numbers), written as JSON.
fn raised(text: &str) -> String {
    let mut raw = generator::load::read(text).expect("the 3.0 description reads");
    generator::lower::raise_to_3_1(&mut raw);
    serde_json::to_string_pretty(&raw).unwrap()
}

/// Both generate, without diagnostics, the same files.
fn assert_equivalent(name: &str, text: &str) {
    let v30 = generator::generate(text, &options())
        .unwrap_or_else(|e| panic!("{name} (3.0) does not generate:\n{e}"));
    let text31 = raised(text);
    assert!(text31.contains("\"openapi\": \"3.1.0\""));
    let v31 = generator::generate(&text31, &options())
        .unwrap_or_else(|e| panic!("{name} (3.1) does not generate:\n{e}"));
    assert!(v30.diagnostics.is_empty(), "{:#?}", v30.diagnostics);
    assert!(v31.diagnostics.is_empty(), "{:#?}", v31.diagnostics);
    assert_same_files(name, &v30, &v31);
}

/// Both outputs have the same files, byte for byte; else the first line that differs.
fn assert_same_files(name: &str, v30: &generator::Output, v31: &generator::Output) {
    let names = |o: &generator::Output| o.files.keys().cloned().collect::<Vec<_>>();
    assert_eq!(
        names(v30),
        names(v31),
        "{name}: the 3.1 crate has other files"
    );
    for (path, content) in &v30.files {
        let other = &v31.files[path];
        if content != other {
            let line = content
                .lines()
                .zip(other.lines())
                .position(|(a, b)| a != b)
                .unwrap_or(0);
            panic!(
                "{name}: {path} differs from line {}:\n3.0: {}\n3.1: {}",
                line + 1,
                content.lines().nth(line).unwrap_or(""),
                other.lines().nth(line).unwrap_or(""),
            );
        }
    }
}

#[test]
fn realtime_kit_in_3_1_generates_the_same_crate_as_in_3_0() {
    let path = support::workspace_root().join("../shared/corpus/realtime-kit.yaml");
    let Ok(text) = fs::read_to_string(&path) else {
        eprintln!("notice: ../shared/corpus/realtime-kit.yaml not found; equivalence test skipped");
        return;
    };
    assert_equivalent("realtime-kit.yaml", &text);
}

#[test]
fn committed_spec_and_fixtures_in_3_1_generate_the_same_crates() {
    let root = support::workspace_root();
    let mut specs = vec![root.join("spec/realtime-kit.yaml")];
    for entry in fs::read_dir(root.join("generator/tests/fixtures")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".yaml") && !name.starts_with("openapi3") {
            specs.push(path);
        }
    }
    specs.sort();
    for spec in specs {
        let text = fs::read_to_string(&spec).unwrap();
        assert_equivalent(&spec.display().to_string(), &text);
    }
}

/// A 3.1 document without `paths`: only webhooks, whose payloads are the crate's types.
const WEBHOOKS_ONLY: &str = r##"
openapi: 3.1.1
info:
  title: Payments events
  version: 1.0.0
webhooks:
  paymentSucceeded:
    post:
      summary: A payment succeeded
      requestBody:
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/Payment'
      responses:
        '200':
          description: Received.
  refund:
    $ref: '#/components/pathItems/Refund'
components:
  pathItems:
    Refund:
      post:
        requestBody:
          content:
            application/json:
              schema:
                type: object
                required: [amount]
                properties:
                  amount:
                    type: integer
                    examples: [-9223372036854776000]
                  reason:
                    type: [string, 'null']
        responses:
          '200':
            description: Received.
  schemas:
    Payment:
      description: A payment.
      type: object
      required: [id, amount]
      properties:
        id:
          type: string
        amount:
          type: integer
          minimum: -9223372036854776000
"##;

#[test]
fn a_document_of_webhooks_only_generates_a_crate_of_their_payloads() {
    let output = generator::generate(WEBHOOKS_ONLY, &options()).unwrap_or_else(|e| panic!("{e}"));
    assert!(output.diagnostics.is_empty(), "{:#?}", output.diagnostics);
    let lib = &output.files["src/lib.rs"];
    assert!(
        lib.contains(
            "| `paymentSucceeded` | `POST` | [`Payment`](types::Payment) | A payment succeeded |"
        ),
        "{lib}"
    );
    assert!(
        lib.contains("| `refund` | `POST` | [`RefundPayload`](types::RefundPayload) |"),
        "{lib}"
    );
    let krate = support::generate_crate_with(WEBHOOKS_ONLY, &options());
    krate.add_file(
        "tests/payloads.rs",
        r###"
#[test]
fn payloads_decode() {
    let payment: equivalence::types::Payment =
        serde_json::from_str(r#"{"id": "pay_1", "amount": 1250}"#).unwrap();
    assert_eq!(payment.amount, 1250);
    let refund: equivalence::types::RefundPayload =
        serde_json::from_str(r#"{"amount": 5, "reason": null}"#).unwrap();
    assert_eq!((refund.amount, refund.reason), (5, None));
}
"###,
    );
    krate.check().unwrap_or_else(|e| panic!("{e}"));
    krate.test().unwrap_or_else(|e| panic!("{e}"));
}

/// Keywords a Rust type cannot follow: the schema is typed by the rest, with a warning located
/// in the document as written (also below a schema lowering moved).
const CONDITIONALS: &str = r##"
openapi: 3.1.0
info:
  title: Shapes
  version: 1.0.0
paths:
  /shapes:
    get:
      operationId: get-shape
      responses:
        '200':
          description: A shape.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Shape'
components:
  schemas:
    Shape:
      type: object
      required: [kind]
      properties:
        kind:
          type: string
        size:
          type: [object, integer]
          properties:
            width:
              type: integer
              if: {minimum: 10}
              then: {multipleOf: 10}
        points:
          type: array
          prefixItems:
            - type: number
          items:
            type: string
      if:
        properties:
          kind: {const: circle}
      then:
        required: [radius]
"##;

#[test]
fn what_rust_cannot_express_is_a_located_warning() {
    let lenient = Options {
        strict: false,
        ..options()
    };
    let output = generator::generate(CONDITIONALS, &lenient).unwrap_or_else(|e| panic!("{e}"));
    let found: Vec<(String, String)> = output
        .diagnostics
        .iter()
        .map(|d| (d.pointer.clone(), d.message.clone()))
        .collect();
    let expected = [
        (
            "#/components/schemas/Shape",
            "`if`/`then`/`else` cannot be expressed by a Rust type: the schema is typed by its \
             other keywords only",
        ),
        (
            // Inside the `object` branch of `type: [object, integer]`, named as written.
            "#/components/schemas/Shape/properties/size/properties/width",
            "`if`/`then`/`else` cannot be expressed by a Rust type: the schema is typed by its \
             other keywords only",
        ),
        (
            "#/components/schemas/Shape/properties/points",
            "`prefixItems` (1 typed items) followed by more `items`: Rust has no type for that; \
             typed as a list of any JSON values",
        ),
    ];
    for (pointer, message) in expected {
        assert!(
            found.iter().any(|(p, m)| p == pointer && m == message),
            "no warning `{pointer}: {message}` in {found:#?}"
        );
    }
    assert_eq!(found.len(), 3, "{found:#?}");
    // Under `strict`, they are errors, with the same places.
    let error = generator::generate(CONDITIONALS, &options()).unwrap_err();
    let pointers: Vec<&str> = error
        .diagnostics
        .iter()
        .map(|d| d.pointer.as_str())
        .collect();
    assert!(
        pointers.contains(&"#/components/schemas/Shape/properties/points"),
        "{error}"
    );
    // The crate compiles without warnings.
    let krate = support::generate_crate_with(CONDITIONALS, &lenient);
    krate.check().unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn summary_and_dialect_of_the_document_are_read() {
    let spec = WEBHOOKS_ONLY.replace(
        "info:\n  title: Payments events\n",
        "jsonSchemaDialect: https://json-schema.org/draft-07/schema#\n\
         info:\n  title: Payments events\n  summary: What happens to payments.\n",
    );
    let lenient = Options {
        strict: false,
        ..options()
    };
    let output = generator::generate(&spec, &lenient).unwrap_or_else(|e| panic!("{e}"));
    let lib = &output.files["src/lib.rs"];
    assert!(lib.contains("//! What happens to payments."), "{lib}");
    let found: Vec<String> = output.diagnostics.iter().map(ToString::to_string).collect();
    assert_eq!(
        found,
        [
            "warning: #/jsonSchemaDialect: schemas are declared in the dialect \
          `https://json-schema.org/draft-07/schema#`; they are read as OpenAPI 3.1's default \
          dialect (JSON Schema 2020-12)"
        ]
    );
    // The dialects of OpenAPI 3.1 and of JSON Schema 2020-12 are what lowering reads.
    for dialect in [
        "https://spec.openapis.org/oas/3.1/dialect/base",
        "https://json-schema.org/draft/2020-12/schema",
    ] {
        let spec =
            WEBHOOKS_ONLY.replace("info:\n", &format!("jsonSchemaDialect: {dialect}\ninfo:\n"));
        let output = generator::generate(&spec, &options()).unwrap_or_else(|e| panic!("{e}"));
        assert!(output.diagnostics.is_empty(), "{:#?}", output.diagnostics);
    }
}

/// More descriptions for the equivalence oracle, outside the repository: the paths in
/// `OPENAPI31_EQUIVALENCE_SPECS` (separated by `:`), generated as third-party specs are
/// (`skip_invalid`, not strict). For example GitHub's whole API (13 MB, from the npm package
/// `@octokit/openapi`, see docs/testing.md).
#[test]
fn more_descriptions_in_3_1_generate_the_same_crates() {
    let Ok(paths) = std::env::var("OPENAPI31_EQUIVALENCE_SPECS") else {
        eprintln!("notice: OPENAPI31_EQUIVALENCE_SPECS not set; no further specs compared");
        return;
    };
    let lenient = Options {
        strict: false,
        skip_invalid: true,
        ..options()
    };
    for path in paths.split(':').filter(|p| !p.is_empty()) {
        let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let v30 = generator::generate(&text, &lenient).unwrap_or_else(|e| panic!("{path}: {e}"));
        let v31 = generator::generate(&raised(&text), &lenient)
            .unwrap_or_else(|e| panic!("{path} (3.1): {e}"));
        assert_eq!(v30.diagnostics, v31.diagnostics, "{path}");
        assert_same_files(path, &v30, &v31);
        eprintln!("{path}: {} files, the same", v30.files.len());
    }
}

#[test]
fn a_broken_webhook_is_located_and_skipped_like_an_operation() {
    let spec = WEBHOOKS_ONLY.replace(
        "    $ref: '#/components/pathItems/Refund'",
        "    $ref: '#/components/pathItems/Refunds'",
    );
    let by_default = Options {
        strict: false,
        ..options()
    };
    let error = generator::generate(&spec, &by_default).unwrap_err();
    assert_eq!(
        error.to_string(),
        "error: #/webhooks/refund: webhook `refund`: `$ref: \"#/components/pathItems/Refunds\"` \
         points at nothing in this document"
    );
    let lenient = Options {
        strict: false,
        skip_invalid: true,
        ..options()
    };
    let output = generator::generate(&spec, &lenient).unwrap_or_else(|e| panic!("{e}"));
    let found: Vec<String> = output.diagnostics.iter().map(ToString::to_string).collect();
    assert_eq!(
        found,
        [
            "warning: #/webhooks/refund: webhook `refund` skipped: `$ref: \
          \"#/components/pathItems/Refunds\"` points at nothing in this document"
        ]
    );
    let lib = &output.files["src/lib.rs"];
    assert!(lib.contains("`paymentSucceeded`"), "{lib}");
    assert!(!lib.contains("RefundPayload"), "{lib}");
}
