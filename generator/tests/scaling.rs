//! Generation time grows about linearly with the size of the spec: inputs that used to take
//! quadratic time (a hang for large specs) are generated at two sizes ten times apart, and the
//! larger may take at most 30 times as long (quadratic would be 100 times), plus slack for a
//! busy machine.

// The library is published as `openapi-client-codegen`; these tests call it `generator`.
extern crate openapi_client_codegen as generator;

use std::time::{Duration, Instant};

use generator::{Options, generate};
use serde_json::{Value, json};

fn spec_answering(schema: Value) -> String {
    serde_json::to_string(&json!({
        "openapi": "3.0.3",
        "info": {"title": "T", "version": "1"},
        "paths": {"/a": {"get": {"responses": {"200": {
            "description": "ok",
            "content": {"application/json": {"schema": schema}}
        }}}}}
    }))
    .unwrap()
}

fn time(spec: &str) -> Duration {
    let options = Options {
        config: Default::default(),
        crate_name: "scaling".into(),
        spec_label: "spec.json".into(),
        regenerate_command: "cargo test".into(),
        env_prefix: None,
        strict: false,
        skip_invalid: false,
        overlays: Vec::new(),
        extra_dev_dependencies: Vec::new(),
    };
    let started = Instant::now();
    let output = generate(spec, &options).unwrap();
    assert!(output.diagnostics.is_empty(), "{:?}", output.diagnostics);
    started.elapsed()
}

fn assert_roughly_linear(what: &str, make: impl Fn(usize) -> String) {
    let (small, large) = (2_000, 20_000);
    // Warm up (page faults, allocator), then measure.
    time(&make(small));
    let t_small = time(&make(small));
    let t_large = time(&make(large));
    eprintln!("{what}: {small} in {t_small:.2?}, {large} in {t_large:.2?}");
    assert!(
        t_large < t_small * 30 + Duration::from_secs(3),
        "{what}: {small} took {t_small:?}, {large} took {t_large:?}: worse than linear"
    );
}

#[test]
fn enum_values_that_make_the_same_identifier() {
    // `a_b`, `a-b`, `a b`, `a.b`, `a__b`, ...: every value is the variant `AB`, then `AB2`, ...
    // Found while writing the fuzzer's huge-enum mutation: each new name was tried against
    // every number taken before (30,000 values: over 10 minutes).
    assert_roughly_linear("colliding enum values", |n| {
        let separators = ["_", "-", " ", "."];
        let values: Vec<Value> = (0..n)
            .map(|i| {
                let mut value = String::from("a");
                let mut code = i + 1;
                while code > 0 {
                    value.push_str(separators[code % 4]);
                    code /= 4;
                }
                value.push('b');
                json!(value)
            })
            .collect();
        spec_answering(json!({"type": "string", "enum": values}))
    });
}

#[test]
fn objects_with_many_required_properties() {
    assert_roughly_linear("required properties merged by allOf", |n| {
        let mut properties = serde_json::Map::new();
        let mut required = Vec::new();
        for i in 0..n {
            properties.insert(format!("p{i}"), json!({"type": "string"}));
            required.push(json!(format!("p{i}")));
        }
        spec_answering(json!({"allOf": [
            {"type": "object", "properties": properties, "required": required},
            {"properties": {"z": {"type": "integer"}}, "required": ["z"]}
        ]}))
    });
}

#[test]
fn unions_with_many_mapped_branches() {
    assert_roughly_linear("discriminated oneOf", |n| {
        let branches: Vec<Value> = (0..n)
            .map(|i| json!({"$ref": format!("#/components/schemas/B{i}")}))
            .collect();
        let mapping: serde_json::Map<String, Value> = (0..n)
            .map(|i| (format!("b{i}"), json!(format!("#/components/schemas/B{i}"))))
            .collect();
        let schemas: serde_json::Map<String, Value> = (0..n)
            .map(|i| {
                (
                    format!("B{i}"),
                    json!({"type": "object", "properties": {"kind": {"type": "string"}}}),
                )
            })
            .collect();
        let mut spec: Value = serde_json::from_str(&spec_answering(json!({
            "oneOf": branches,
            "discriminator": {"propertyName": "kind", "mapping": mapping}
        })))
        .unwrap();
        spec["components"] = json!({"schemas": schemas});
        spec.to_string()
    });
}

#[test]
fn nested_schemas_that_do_not_parse() {
    // Found by fuzzing: openapiv3's untagged schema enums backtrack at each level when the
    // innermost schema is broken, doubling the work per level (a 6 KB spec took 49 s at 19
    // levels). Schemas are now left to the model, which reads them without backtracking.
    let mut schema = json!(1e300);
    for _ in 0..24 {
        schema = json!({"oneOf": [schema, {"type": "string"}]});
    }
    let in_parameter = serde_json::to_string(&json!({
        "openapi": "3.0.3",
        "info": {"title": "T", "version": "1"},
        "paths": {"/a": {"get": {
            "parameters": [{"name": "q", "in": "query", "schema": schema}],
            "responses": {"200": {"description": "ok"}}
        }}}
    }))
    .unwrap();
    let in_body = spec_answering(schema);
    let options = Options {
        config: Default::default(),
        crate_name: "scaling".into(),
        spec_label: "spec.json".into(),
        regenerate_command: "cargo test".into(),
        env_prefix: None,
        strict: false,
        skip_invalid: false,
        overlays: Vec::new(),
        extra_dev_dependencies: Vec::new(),
    };
    let skipping = Options {
        skip_invalid: true,
        ..options.clone()
    };
    for spec in [in_parameter, in_body] {
        let started = Instant::now();
        // Bad input: an error by default, the operation skipped with a warning on request.
        let error = generate(&spec, &options).unwrap_err();
        let [problem] = error.diagnostics.as_slice() else {
            panic!("{:?}", error.diagnostics)
        };
        assert!(
            problem.pointer.ends_with(&"/oneOf/0".repeat(24)),
            "{}",
            problem.pointer
        );
        let output = generate(&spec, &skipping).unwrap();
        let [warning] = output.diagnostics.as_slice() else {
            panic!("{:?}", output.diagnostics)
        };
        assert_eq!(warning.pointer, problem.pointer);
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{:?}",
            started.elapsed()
        );
    }
}
