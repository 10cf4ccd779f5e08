//! Mistakes whose intent is plain (docs/repairs.md): `repairs/repairs.yaml` has one of each
//! (beside the other fixtures, not among them: those generate without a diagnostic).
//! Each is repaired with a located warning ([`Category::Repaired`]) saying what was assumed,
//! each is an error under `strict`, and the generated methods send what the repaired spec
//! means: `repairs/http.rs` (added as `tests/http.rs`) calls each against a wiremock server on
//! loopback. What is not plain stays refused (tests/errors.rs).

// The library is published as `openapi-client-codegen`; these tests call it `generator`.
extern crate openapi_client_codegen as generator;

mod support;

use generator::{Category, Options, Severity, generate};

const FIXTURE: &str = include_str!("repairs/repairs.yaml");
const PROGRAM: &str = include_str!("repairs/http.rs");

/// Each repair of the fixture: where, and what its warning says.
const REPAIRS: &[(&str, &str)] = &[
    (
        "#/paths/~1jobs~1{job_identifier}/get/parameters/0",
        "parameter `job_identifier` is declared `in: query`, but the path template \
         `/jobs/{job_identifier}` names it: read as the required path parameter \
         `job_identifier` (its schema and description kept), not sent in the query string",
    ),
    (
        "#/paths/~1jobs~1{job_id}~1runs~1{run_id}/get",
        "path template parameter `run_id` is not declared: assumed a required string path \
         parameter",
    ),
    (
        "#/paths/~1jobs~1{job_id}~1runs~1{run_id}/get/parameters/0",
        "path parameter `job_id` is declared with no `required`: read as required, as every \
         path parameter is",
    ),
    // One warning for the path item's parameter, though two operations use it.
    (
        "#/paths/~1jobs~1{job_number}~1logs/parameters/0/required",
        "path parameter `job_number` is declared with `required: false`: read as required, as \
         every path parameter is",
    ),
    // Pointed at where the operation names the shared parameter, not at the component.
    (
        "#/paths/~1tasks~1{task_number}/get/parameters/0",
        "parameter `task_number` is declared `in: header`, but the path template \
         `/tasks/{task_number}` names it: read as the required path parameter `task_number` \
         (its schema and description kept), not sent in the headers",
    ),
];

fn options() -> Options {
    Options {
        spec_label: "generator/tests/repairs/repairs.yaml".to_string(),
        regenerate_command: "cargo test -p openapi-client-codegen --test repairs".to_string(),
        extra_dev_dependencies: vec![
            (
                "tokio".to_string(),
                r#"{ version = "1", features = ["macros", "rt-multi-thread"] }"#.to_string(),
            ),
            ("wiremock".to_string(), r#""0.6""#.to_string()),
        ],
        ..support::options("repairs-fixture")
    }
}

#[test]
fn each_repair_is_a_located_warning_saying_what_was_assumed() {
    let output = generate(FIXTURE, &options()).unwrap_or_else(|e| panic!("{e}"));
    let found: Vec<(&str, &str)> = output
        .diagnostics
        .iter()
        .map(|d| (d.pointer.as_str(), d.message.as_str()))
        .collect();
    assert_eq!(found, REPAIRS, "{:#?}", output.diagnostics);
    for d in &output.diagnostics {
        assert_eq!(
            (d.severity, d.category),
            (Severity::Warning, Category::Repaired),
            "{d}"
        );
    }
    // Nothing is skipped: the crate docs list no left-out operation.
    let lib = &output.files["src/lib.rs"];
    assert!(!lib.contains("# Left out"), "{lib}");
}

/// The fixture with each mistake fixed by hand, as docs/repairs.md says it is read.
fn fixed_by_hand() -> String {
    let fixes = [
        (
            "        - name: job_identifier\n          in: query\n",
            "        - name: job_identifier\n          in: path\n          required: true\n",
        ),
        (
            "        - name: job_id\n          in: path\n          schema:\n            type: string\n",
            "        - name: job_id\n          in: path\n          required: true\n          schema:\n            \
             type: string\n        - name: run_id\n          in: path\n          required: true\n          \
             schema:\n            type: string\n",
        ),
        (
            "        in: path\n        required: false\n",
            "        in: path\n        required: true\n",
        ),
        (
            "      name: task_number\n      in: header\n",
            "      name: task_number\n      in: path\n",
        ),
    ];
    let mut text = FIXTURE.to_string();
    for (mistake, fix) in fixes {
        assert!(text.contains(mistake), "{mistake}");
        text = text.replace(mistake, fix);
    }
    text
}

#[test]
fn the_repaired_crate_is_the_crate_of_the_spec_fixed_by_hand() {
    let repaired = generate(FIXTURE, &options()).unwrap_or_else(|e| panic!("{e}"));
    let strict = Options {
        strict: true,
        ..options()
    };
    let fixed = generate(&fixed_by_hand(), &strict).unwrap_or_else(|e| panic!("{e}"));
    assert!(fixed.diagnostics.is_empty(), "{:#?}", fixed.diagnostics);
    assert_eq!(repaired.files, fixed.files);
}

#[test]
fn in_3_1_and_3_2_the_same_repairs_give_the_same_crate() {
    let v30 = generate(FIXTURE, &options()).unwrap_or_else(|e| panic!("{e}"));
    let mut raw = generator::load::read(FIXTURE).unwrap();
    generator::lower::raise_to_3_1(&mut raw);
    let v31 = generate(&serde_json::to_string(&raw).unwrap(), &options())
        .unwrap_or_else(|e| panic!("{e}"));
    generator::lower::raise_to_3_2(&mut raw, true);
    let v32 = generate(&serde_json::to_string(&raw).unwrap(), &options())
        .unwrap_or_else(|e| panic!("{e}"));
    for (version, output) in [("3.1", &v31), ("3.2", &v32)] {
        assert_eq!(output.diagnostics, v30.diagnostics, "{version}");
        assert_eq!(output.files, v30.files, "{version}");
    }
}

#[test]
fn under_strict_each_repair_is_an_error() {
    let strict = Options {
        strict: true,
        ..options()
    };
    let error = generate(FIXTURE, &strict).unwrap_err();
    let found: Vec<(&str, &str)> = error
        .diagnostics
        .iter()
        .map(|d| (d.pointer.as_str(), d.message.as_str()))
        .collect();
    assert_eq!(found, REPAIRS, "{error}");
    assert!(
        error
            .diagnostics
            .iter()
            .all(|d| d.severity == Severity::Error && d.category == Category::Repaired),
        "{error}"
    );
    // `skip_invalid` skips bad input, not repairs: with both, still errors.
    let both = Options {
        skip_invalid: true,
        ..strict
    };
    assert_eq!(generate(FIXTURE, &both).unwrap_err(), error);
}

#[test]
fn repaired_parameters_are_path_parameters_in_the_generated_code() {
    let output = generate(FIXTURE, &options()).unwrap_or_else(|e| panic!("{e}"));
    let jobs = &output.files["src/operations/jobs.rs"];
    // Moved from the query: its description kept, required, in the path only.
    assert!(
        jobs.contains(
            "    /// The job's identifier.\n    pub job_identifier: String,\n    /// The `verbose` \
             query parameter.\n    pub verbose: Option<bool>,"
        ),
        "{jobs}"
    );
    assert!(
        jobs.contains("&[(\"job_identifier\", &request.job_identifier)]"),
        "{jobs}"
    );
    assert!(!jobs.contains(".query(\"job_identifier\""), "{jobs}");
    // Assumed: a string after the declared path parameter.
    assert!(
        jobs.contains("pub fn new(job_id: impl Into<String>, run_id: impl Into<String>) -> Self"),
        "{jobs}"
    );
    assert!(
        jobs.contains("&[(\"job_id\", &request.job_id), (\"run_id\", &request.run_id)]"),
        "{jobs}"
    );
    // `required: false` on a path parameter: required all the same.
    assert!(jobs.contains("pub job_number: i64,"), "{jobs}");
    // Moved from a header: its schema kept (an `i32`), no header sent.
    let tasks = &output.files["src/operations/tasks.rs"];
    assert!(tasks.contains("pub task_number: i32,"), "{tasks}");
    assert!(!tasks.contains(".header("), "{tasks}");
}

#[test]
fn repaired_operations_send_their_requests_over_http() {
    let krate = support::generate_crate_with(FIXTURE, &options());
    krate.add_file("tests/http.rs", PROGRAM);
    let result = krate.test().unwrap_or_else(|e| panic!("{e}"));
    for test in [
        "moved_from_the_query_is_sent_in_the_path_only",
        "undeclared_is_a_string_in_the_path",
        "not_required_is_required",
        "moved_from_a_header_is_sent_in_the_path_only",
    ] {
        assert!(
            result.stdout.contains(&format!("test {test} ... ok")),
            "{test} did not run:\n{}",
            result.stdout
        );
    }
}

/// A spec of one operation on `path` with `parameters` (YAML flow sequences, one a line).
fn spec(path: &str, parameters: &[&str]) -> String {
    let mut spec = format!(
        "openapi: 3.0.3\ninfo: {{title: T, version: '1'}}\npaths:\n  {path}:\n    get:\n      \
         operationId: getThing\n"
    );
    if !parameters.is_empty() {
        spec.push_str("      parameters:\n");
        for p in parameters {
            spec.push_str(&format!("        - {p}\n"));
        }
    }
    spec.push_str("      responses: {'204': {description: none}}\n");
    spec
}

/// The one error generating `spec` fails with.
fn refusal(spec: &str) -> generator::Diagnostic {
    let error = generate(spec, &support::options("refused")).unwrap_err();
    let [d] = <[_; 1]>::try_from(error.diagnostics).unwrap_or_else(|all| panic!("{all:#?}"));
    assert_eq!(d.category, Category::BadInput, "{d}");
    d
}

#[test]
fn what_is_not_plain_stays_refused() {
    // Two parameters of the template's name, neither in the path: which one is meant?
    let d = refusal(&spec(
        "/things/{id}",
        &[
            "{name: id, in: query, schema: {type: string}}",
            "{name: id, in: header, schema: {type: string}}",
        ],
    ));
    assert_eq!(d.pointer, "#/paths/~1things~1{id}/get");
    assert_eq!(
        d.message,
        "operation `getThing` (GET /things/{id}): path template parameter `id` is not declared \
         as a path parameter, and parameters of that name are declared `in: query` and `in: \
         header`: which one the path means is not plain"
    );
    // A path parameter the template does not name: a renamed placeholder, or a query
    // parameter in the wrong place?
    let d = refusal(&spec(
        "/things",
        &["{name: id, in: path, required: true, schema: {type: string}}"],
    ));
    assert_eq!(d.pointer, "#/paths/~1things/get/parameters/0");
    assert!(
        d.message
            .ends_with("path parameter `id` does not appear in the path `/things`"),
        "{d}"
    );
    // A name close to the template's (another case) is another parameter: `{Id}` is assumed,
    // `id` stays in the query. Not a guess at a misspelling.
    let output = generate(
        &spec(
            "/things/{Id}",
            &["{name: id, in: query, schema: {type: string}}"],
        ),
        &support::options("case"),
    )
    .unwrap();
    assert_eq!(
        output
            .diagnostics
            .iter()
            .map(|d| d.message.as_str())
            .collect::<Vec<_>>(),
        ["path template parameter `Id` is not declared: assumed a required string path parameter"]
    );
}

#[test]
fn a_querystring_parameter_is_not_moved_to_the_path() {
    // OpenAPI 3.2's `in: querystring` is the whole query string, no value of a path segment.
    let spec = spec(
        "/things/{q}",
        &["{name: q, in: querystring, content: {application/x-www-form-urlencoded: {schema: {type: object}}}}"],
    )
    .replace("openapi: 3.0.3", "openapi: 3.2.0");
    let d = refusal(&spec);
    assert_eq!(d.pointer, "#/paths/~1things~1{q}/get/parameters/0");
    assert!(
        d.message.ends_with(
            "path template parameter `q` is declared only as the `querystring` parameter, the \
             whole query string, which is no path segment"
        ),
        "{d}"
    );
}

#[test]
fn a_template_naming_a_parameter_twice_gets_one_field() {
    let output = generate(&spec("/copy/{a}/to/{a}", &[]), &support::options("twice")).unwrap();
    assert_eq!(output.diagnostics.len(), 1, "{:#?}", output.diagnostics);
    let things = &output.files["src/operations/copy.rs"];
    assert!(things.contains("&[(\"a\", &request.a)]"), "{things}");
}

#[test]
fn a_duplicate_operation_id_is_another_operation_named_apart() {
    let spec = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /things:\n    get:\n      \
                operationId: getThing\n      responses: {'204': {description: none}}\n  \
                /things/latest:\n    get:\n      operationId: getThing\n      responses: {'204': \
                {description: none}}\n";
    let output = generate(spec, &support::options("duplicate")).unwrap();
    let [d] = output.diagnostics.as_slice() else {
        panic!("{:#?}", output.diagnostics)
    };
    assert_eq!(
        (
            d.pointer.as_str(),
            d.message.as_str(),
            d.severity,
            d.category
        ),
        (
            "#/paths/~1things~1latest/get/operationId",
            "operationId `getThing` is also that of `GET /things`, and an operationId is unique: \
             read as another operation, its method named apart",
            Severity::Warning,
            Category::Repaired
        )
    );
    // Each operation has its method, sending its own request.
    let things = &output.files["src/operations/things.rs"];
    for (method, path) in [
        ("get_thing", "\"/things\""),
        ("get_thing_2", "\"/things/latest\""),
    ] {
        let request = things
            .split(&format!("fn {method}() -> Result<Request, Error> {{"))
            .nth(1)
            .unwrap_or_else(|| panic!("no request function {method}:\n{things}"));
        let request = &request[..request.find("\n}").unwrap()];
        assert!(request.contains(path), "{method}: {request}");
    }
    let strict = Options {
        strict: true,
        ..support::options("duplicate")
    };
    let error = generate(spec, &strict).unwrap_err();
    let [e] = error.diagnostics.as_slice() else {
        panic!("{error}")
    };
    assert_eq!(
        (e.pointer.as_str(), e.severity, e.category),
        (d.pointer.as_str(), Severity::Error, Category::Repaired)
    );
}
