//! The real-world corpus (`<workspace>/../shared/corpus/*.yaml|*.json`, Cloudflare's own
//! published descriptions; absent on a fresh clone, in which case this test passes with a
//! notice): every spec generates with `strict: true` and without diagnostics, every operation
//! is listed in the crate docs, the crate compiles, and every JSON example of a success
//! response decodes into the return type of its operation's method.

// The library is published as `openapi-client-codegen`; these tests call it `generator`.
extern crate openapi_client_codegen as generator;

mod support;

#[path = "constructs/methods.rs"]
mod methods;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use generator::Options;
use serde_json::Value;

/// Operations in `realtime-kit.yaml` (see the corpus README).
const REALTIME_KIT_OPERATIONS: usize = 62;

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

const CRATE_NAME: &str = "corpus-crate";

/// Examples that contradict their own response schema in Cloudflare's published description
/// (spec defects, not generator bugs): `(spec file, test name, why)`. Their tests must fail to
/// decode (`#[should_panic]`), so an entry that starts decoding (a fixed spec, or a changed
/// mapping) fails and has to be looked at.
const SPEC_DEFECTS: &[(&str, &str, &str)] = &[
    (
        "realtime-kit.yaml",
        "fetch_all_livestreams_200",
        "schema: `data` is an object; example: `data` is an array of livestreams",
    ),
    (
        "realtime-kit.yaml",
        "get_livestream_200",
        "schema: `disabled` is `type: string`; example: `disabled: false`",
    ),
    (
        "realtime-kit.yaml",
        "get_active_livestream_session_details_200",
        "schema: `disabled` is `type: string`; example: `disabled: false`",
    ),
    (
        "realtime-kit.yaml",
        "get_meeting_active_livestream_200",
        "schema: `disabled` is `type: string`; example: `disabled: false`",
    ),
    (
        "realtime-kit.yaml",
        "livestream_session_details_200",
        "schema: `data.sessions` is an object; example: an array of sessions",
    ),
    (
        "realtime-kit.yaml",
        "replace_webhook_200",
        "example is a YAML string holding invalid JSON (unquoted key `id`), not an object",
    ),
    (
        "realtime-kit.yaml",
        "edit_webhook_200",
        "example is a YAML string holding invalid JSON (unquoted key `id`), not an object",
    ),
    (
        "realtime-kit.yaml",
        "add_webhook_400",
        "example is a YAML string holding a JavaScript object (unquoted keys, single quotes), \
         not JSON",
    ),
    (
        "realtime-kit.yaml",
        "get_webhook_400",
        "example is a YAML string holding a JavaScript object (unquoted keys, single quotes), \
         not JSON",
    ),
];

#[test]
fn corpus_specs_generate_compile_and_decode_their_examples() {
    let dir = support::workspace_root().join("../shared/corpus");
    if !dir.is_dir() {
        eprintln!("notice: ../shared/corpus not found; corpus test skipped");
        return;
    }
    let mut specs: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json"))
        .collect();
    specs.sort();
    assert!(!specs.is_empty(), "no spec in {}", dir.display());

    let mut failures = String::new();
    for spec in &specs {
        let name = spec.file_name().unwrap().to_string_lossy().into_owned();
        let started = std::time::Instant::now();
        match check_spec(spec) {
            Ok(summary) => eprintln!("{name}: ok, {summary} ({:.1?})", started.elapsed()),
            Err(failure) => {
                eprintln!("{name}: FAILED ({:.1?})", started.elapsed());
                writeln!(failures, "=== {name}\n{failure}\n").unwrap();
            }
        }
    }
    assert!(failures.is_empty(), "corpus failures:\n{failures}");
}

fn options(spec: &Path) -> Options {
    Options {
        spec_label: format!(
            "../shared/corpus/{}",
            spec.file_name().unwrap().to_string_lossy()
        ),
        strict: true,
        skip_invalid: false,
        ..support::options(CRATE_NAME)
    }
}

/// Generates, compiles and tests one spec; `Ok` carries a one-line summary.
fn check_spec(spec: &Path) -> Result<String, String> {
    let text = fs::read_to_string(spec).map_err(|e| format!("cannot read: {e}"))?;
    let output = generator::generate(&text, &options(spec))
        .map_err(|e| format!("generation failed (strict):\n{e}"))?;
    if !output.diagnostics.is_empty() {
        return Err(format!("diagnostics: {:#?}", output.diagnostics));
    }
    let doc = generator::load::load(&text).map_err(|e| format!("cannot load: {e}"))?;
    let model = generator::model::build(&doc, &Default::default())
        .map_err(|e| format!("cannot build the model: {e}"))?;
    // The error body type of each (METHOD, path, documented status), from the model.
    let mut error_types: BTreeMap<(String, String), Vec<(String, String)>> = BTreeMap::new();
    for op in &model.operations {
        let cases = op
            .errors
            .iter()
            .map(|case| {
                let ty = match &case.ty {
                    generator::model::types::Ty::Named(id) => model.types.def(*id).name.clone(),
                    _ => "serde_json::Value".to_string(),
                };
                (case.status.clone(), ty)
            })
            .collect();
        error_types.insert((op.method.clone(), op.path.clone()), cases);
    }
    let raw = &doc.raw;

    // Every operation of the spec is listed in the crate docs.
    let operations = operations(raw);
    if spec.file_name().is_some_and(|n| n == "realtime-kit.yaml")
        && operations.len() != REALTIME_KIT_OPERATIONS
    {
        return Err(format!(
            "expected {REALTIME_KIT_OPERATIONS} operations in the spec, found {}",
            operations.len()
        ));
    }
    let lib = &output.files["src/lib.rs"];
    let mut fn_names = BTreeMap::new();
    let mut missing = Vec::new();
    for op in &operations {
        match documented_method(lib, &op.method, &op.path) {
            Some(fn_name) => {
                fn_names.insert((op.method.clone(), op.path.clone()), fn_name);
            }
            None => missing.push(format!("{} {}", op.method.to_uppercase(), op.path)),
        }
    }
    if !missing.is_empty() {
        return Err(format!(
            "{} of {} operations are not listed in the docs of src/lib.rs:\n  {}",
            missing.len(),
            operations.len(),
            missing.join("\n  ")
        ));
    }

    let krate = support::TestCrate::empty();
    support::write_output(krate.path(), &output);
    krate
        .check()
        .map_err(|e| format!("the generated crate does not compile:\n{e}"))?;

    let return_types = methods::return_types(krate.path());
    // Every success that streams (server-sent events, JSON lines such as Kubernetes' watch)
    // has a method returning a typed stream.
    for op in &model.operations {
        let pointer = op.pointer.trim_start_matches('#');
        let Some(responses) = raw.pointer(&format!("{pointer}/responses")) else {
            continue;
        };
        let streams = responses
            .as_object()
            .into_iter()
            .flatten()
            .any(|(code, r)| {
                code.starts_with('2')
                    && deref(raw, r)
                        .get("content")
                        .and_then(Value::as_object)
                        .is_some_and(|content| {
                            content
                                .keys()
                                .any(|m| generator::model::operations::MediaKind::of(m).is_stream())
                        })
            });
        if !streams {
            continue;
        }
        let typed = [Some(&op.fn_name), op.streaming.as_ref().map(|s| &s.fn_name)]
            .into_iter()
            .flatten()
            .filter_map(|name| return_types.get(name))
            .any(|ty| ty.starts_with("EventStream<") || ty.starts_with("JsonLines<"));
        if !typed {
            return Err(format!(
                "`{} {}` streams, but no method of it returns a typed stream: {:?}",
                op.method,
                op.path,
                return_types.get(&op.fn_name)
            ));
        }
    }

    // One test per JSON example of a success response.
    let mut program = format!(
        "//! Generated by generator/tests/corpus.rs: the spec's examples decode.\n\
         #![allow(unused_imports)]\n\
         use {krate}::types::*;\n\
         use {krate}::*;\n",
        krate = CRATE_NAME.replace('-', "_")
    );
    let file_name = spec.file_name().unwrap().to_string_lossy();
    let defects: BTreeMap<&str, &str> = SPEC_DEFECTS
        .iter()
        .filter(|(file, _, _)| *file == file_name)
        .map(|(_, test, why)| (*test, *why))
        .collect();
    let mut test_names = BTreeSet::new();
    let mut skipped = Vec::new();
    let mut examples = 0;
    for op in &operations {
        let fn_name = &fn_names[&(op.method.clone(), op.path.clone())];
        for example in &op.examples {
            let error_type;
            let ty = if example.status.starts_with('2') {
                let Some(ty) = return_types.get(fn_name) else {
                    return Err(format!(
                        "no `pub async fn {fn_name}(..) -> Result<_, Error>` in the crate's sources"
                    ));
                };
                ty
            } else {
                // An error example decodes into the type the method's docs name for its
                // status (what `ApiError::body_as` is used with).
                let key = (op.method.to_uppercase(), op.path.clone());
                let cases = error_types.get(&key).map(Vec::as_slice).unwrap_or_default();
                let range = format!("{}XX", &example.status[..1]);
                let found = cases
                    .iter()
                    .find(|(s, _)| *s == example.status)
                    .or_else(|| cases.iter().find(|(s, _)| s.eq_ignore_ascii_case(&range)))
                    .or_else(|| cases.iter().find(|(s, _)| s == "default"));
                let Some((_, ty)) = found else {
                    skipped.push(format!(
                        "{fn_name}: example `{}` of status {} has no typed error body",
                        example.label, example.status
                    ));
                    continue;
                };
                error_type = ty.clone();
                &error_type
            };
            if ty == "()" {
                return Err(format!(
                    "{fn_name} returns () but its {} response has a JSON example",
                    example.status
                ));
            }
            let base = format!("{fn_name}_{}", sanitize(&example.status));
            let mut test_name = base.clone();
            let mut n = 2;
            while !test_names.insert(test_name.clone()) {
                test_name = format!("{base}_{n}");
                n += 1;
            }
            let json = serde_json::to_string_pretty(&example.value).unwrap();
            let expect = match defects.get(test_name.as_str()) {
                Some(why) => format!(
                    "/// Spec defect: {why}.\n#[should_panic(expected = \"does not decode\")]\n"
                ),
                None => String::new(),
            };
            write!(
                program,
                "\n/// `{method} {path}`, {status} response, example `{label}`.\n\
                 #[test]\n\
                 {expect}\
                 fn {test_name}() {{\n    \
                     let json = r#####\"{json}\"#####;\n    \
                     if let Err(e) = serde_json::from_str::<{ty}>(json) {{\n        \
                         panic!(\"does not decode into `{ty}`: {{e}}\\n{{json}}\");\n    \
                     }}\n\
                 }}\n",
                method = op.method.to_uppercase(),
                path = op.path,
                status = example.status,
                label = example.label.replace('`', "'"),
            )
            .unwrap();
            examples += 1;
        }
    }
    let unused: Vec<&&str> = defects
        .keys()
        .filter(|t| !test_names.contains(**t))
        .collect();
    if !unused.is_empty() {
        return Err(format!(
            "SPEC_DEFECTS names tests that do not exist: {unused:?}"
        ));
    }
    for note in &skipped {
        eprintln!("note: {note}");
    }
    krate.add_file("tests/examples.rs", &program);
    krate.test().map_err(|e| {
        format!("examples do not decode (program kept as tests/examples.rs of the crate):\n{e}")
    })?;
    Ok(format!(
        "{} operations, {} examples decoded (success and error bodies), {} known spec defects \
         fail to decode as expected, {} error examples without a typed body",
        operations.len(),
        examples - defects.len(),
        defects.len(),
        skipped.len()
    ))
}

struct SpecOperation {
    method: String,
    path: String,
    examples: Vec<Example>,
}

struct Example {
    status: String,
    label: String,
    value: Value,
}

/// Every operation of the raw document, in document order, with its response examples.
fn operations(raw: &Value) -> Vec<SpecOperation> {
    let mut found = Vec::new();
    let Some(paths) = raw.get("paths").and_then(Value::as_object) else {
        return found;
    };
    for (path, item) in paths {
        let item = deref(raw, item);
        for method in METHODS {
            let Some(op) = item.get(*method) else {
                continue;
            };
            found.push(SpecOperation {
                method: method.to_string(),
                path: path.clone(),
                examples: response_examples(raw, op),
            });
        }
    }
    found
}

/// `responses.<code>.content.application/json.example` and `.examples.*.value`, following
/// `$ref`s to `#/components/responses/...` and `#/components/examples/...`.
fn response_examples(raw: &Value, op: &Value) -> Vec<Example> {
    let mut examples = Vec::new();
    let Some(responses) = op.get("responses").and_then(Value::as_object) else {
        return examples;
    };
    for (status, response) in responses {
        let response = deref(raw, response);
        let Some(content) = response.get("content").and_then(Value::as_object) else {
            continue;
        };
        for (media, body) in content {
            if !media.starts_with("application/json") {
                continue;
            }
            if let Some(value) = body.get("example") {
                examples.push(Example {
                    status: status.clone(),
                    label: "example".into(),
                    value: json_text_or_value(value),
                });
            }
            for (label, example) in body
                .get("examples")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                if let Some(value) = deref(raw, example).get("value") {
                    examples.push(Example {
                        status: status.clone(),
                        label: label.clone(),
                        value: json_text_or_value(value),
                    });
                }
            }
        }
    }
    examples
}

/// Specs often write a JSON example as a string holding JSON text; that text is the example.
/// A string that is not valid JSON stays a string (and is reported as a spec defect).
fn json_text_or_value(value: &Value) -> Value {
    match value {
        Value::String(text) => serde_json::from_str(text).unwrap_or_else(|_| value.clone()),
        other => other.clone(),
    }
}

/// Follows local `$ref`s (`#/components/...`) until a value that is not a reference.
fn deref<'a>(raw: &'a Value, mut value: &'a Value) -> &'a Value {
    for _ in 0..32 {
        match value.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                let pointer = reference
                    .strip_prefix('#')
                    .unwrap_or_else(|| panic!("not a local reference: {reference}"));
                value = raw
                    .pointer(pointer)
                    .unwrap_or_else(|| panic!("unresolved reference: {reference}"));
            }
            None => return value,
        }
    }
    panic!("`$ref` chain too long or circular")
}

/// The method name listed next to `` `METHOD path` `` in the crate docs: the last path segment
/// of the first ``[`...`]`` link on that line (`[`Client::get_x`]` or `[`get_x`](Api::get_x)`).
fn documented_method(lib: &str, method: &str, path: &str) -> Option<String> {
    let needle = format!("`{} {path}`", method.to_uppercase());
    let line = lib.lines().find(|line| line.contains(&needle))?;
    let start = line.find("[`")? + 2;
    let end = start + line[start..].find("`]")?;
    let name = line[start..end].rsplit("::").next()?;
    Some(name.to_string())
}

fn sanitize(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect()
}
