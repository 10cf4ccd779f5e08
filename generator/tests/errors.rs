//! The generator never panics on bad input: every problem is an error (or, for one operation, a
//! warning) that names the place in the spec with a JSON pointer.

use generator::{Options, Severity, generate};

fn options() -> Options {
    Options {
        crate_name: "errors".into(),
        spec_label: "test.yaml".into(),
        regenerate_command: "cargo test".into(),
        env_prefix: None,
        strict: false,
        extra_dev_dependencies: Vec::new(),
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
    assert!(error("openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths: {}").contains("3.1.0"));
}

#[test]
fn an_invalid_operation_is_skipped_with_its_location() {
    let spec = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n    get:\n      responses: 7\n";
    let output = generate(spec, &options()).unwrap();
    let [warning] = output.diagnostics.as_slice() else {
        panic!("{:?}", output.diagnostics)
    };
    assert_eq!(warning.pointer, "#/paths/~1a/get/responses");
    assert!(
        warning.message.contains("operation `GET /a` skipped"),
        "{}",
        warning.message
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
fn a_broken_reference_skips_the_operation_with_a_located_warning() {
    let output = generate(OPERATION, &options()).unwrap();
    let [warning] = output.diagnostics.as_slice() else {
        panic!("{:?}", output.diagnostics)
    };
    assert_eq!(warning.severity, Severity::Warning);
    assert_eq!(
        warning.pointer,
        "#/paths/~1things~1{id}/get/responses/200/content/application~1json/schema"
    );
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

#[test]
fn strict_turns_warnings_into_errors() {
    let strict = Options {
        strict: true,
        ..options()
    };
    let error = generate(OPERATION, &strict).unwrap_err();
    assert_eq!(error.diagnostics[0].severity, Severity::Error);
}

#[test]
fn undeclared_path_parameters_are_reported() {
    let spec = OPERATION.replace(
        "        - {name: id, in: path, required: true, schema: {type: string}}\n",
        "",
    );
    let spec = spec.replace("      parameters:\n", "");
    let output = generate(&spec, &options()).unwrap();
    assert!(
        output.diagnostics[0]
            .message
            .contains("path parameter `id` is not declared"),
        "{:?}",
        output.diagnostics
    );
}
