//! A crate generated from the project's spec outside the workspace (what
//! `cargo xtask codegen --spec FILE --out DIR` writes) stands alone and compiles without warnings.

// The library is published as `openapi-client-codegen`; these tests call it `generator`.
extern crate openapi_client_codegen as generator;

mod support;

#[test]
fn standalone_crate_from_the_project_spec_compiles_without_warnings() {
    let spec_path = support::workspace_root().join("spec/realtime-kit.yaml");
    let spec = std::fs::read_to_string(&spec_path).unwrap();
    let krate = support::generate_crate(&spec);
    let manifest = krate.read("Cargo.toml");
    assert!(
        !manifest.contains("path ="),
        "no path dependencies:\n{manifest}"
    );
    assert!(
        !manifest.contains("workspace"),
        "no workspace inheritance:\n{manifest}"
    );
    krate.check().unwrap_or_else(|e| panic!("{e}"));
}

/// Names and texts that are legal in a spec but not in Rust still give a crate that compiles
/// without warnings.
#[test]
fn hostile_names_and_texts_compile() {
    let spec = r##"
openapi: 3.0.3
info: {title: "🚀 Weird\r API", version: "1", description: "line one\rline two\r\n```\nfn not_rust(\n```"}
servers: [{url: "https://api.example.com/"}]
security: [{"1-key": []}, {"": []}]
paths:
  "/v1/{name}:cancel":
    post:
      operationId: ""
      tags: ["🚀", "type"]
      description: "bare\rreturn"
      parameters:
        - {name: name, in: path, required: true, schema: {type: string}}
        - {name: "", in: query, schema: {type: string}}
        - {name: "_", in: query, schema: {type: string}}
        - {name: "self", in: header, schema: {type: string}}
        - {name: "Content-Type", in: header, schema: {type: string}}
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                "": {type: string}
                "+1": {type: string, enum: ["+1", "-1", "1", "", "+"]}
                "-1": {type: integer}
                Self: {type: boolean}
                crate: {type: number}
      responses:
        "200":
          description: "ok\r"
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Self"}
  /type:
    get:
      operationId: type
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Result"}}}}
components:
  securitySchemes:
    "1-key": {type: apiKey, in: header, name: X-Key, description: "carriage\rreturn"}
    "": {type: http, scheme: bearer}
  schemas:
    Self:
      type: object
      properties:
        self: {$ref: "#/components/schemas/Self"}
        super: {type: array, items: {$ref: "#/components/schemas/Self"}}
    Result: {type: object, properties: {Ok: {type: string}, Err: {type: string}}}
    Option: {type: string, enum: [Some, None]}
"##;
    let krate = support::generate_crate(spec);
    krate.check().unwrap_or_else(|e| panic!("{e}"));
}

/// A spec without operations (or whose operations are all skipped) still gives a crate that
/// compiles without warnings: the client and the types alone.
#[test]
fn a_spec_without_operations_compiles() {
    let spec = "openapi: 3.0.3\ninfo: {title: Empty, version: '1'}\npaths: {}\n";
    let krate = support::generate_crate(spec);
    assert!(!krate.output.files.contains_key("src/operations/mod.rs"));
    krate.check().unwrap_or_else(|e| panic!("{e}"));
}
