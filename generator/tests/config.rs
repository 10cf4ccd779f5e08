//! The maintainer's configuration (`generator::config`): parsing with located errors, and
//! each of its effects on a generated crate: package metadata, type and method renames, type
//! overrides and filters, each with the errors it can give. One crate generated with every
//! kind of entry is compiled (`configured_crate_compiles`).

// The library is published as `openapi-client-codegen`; these tests call it `generator`.
extern crate openapi_client_codegen as generator;

mod support;

use generator::config::Config;
use generator::surface::{Surface, TypeKind};

const SPEC: &str = r#"
openapi: 3.0.3
info: {title: Zoo API, version: '1.0', license: {name: Apache-2.0}}
servers: [{url: 'https://zoo.example.com/v1'}]
security: [{token: []}]
paths:
  /animals:
    get:
      operationId: list-animals
      tags: [Animals]
      parameters:
        - {name: sort_by, in: query, schema: {type: string, enum: [name, age]}}
      responses:
        '200':
          description: OK
          content:
            application/json:
              schema:
                type: object
                properties:
                  data: {type: array, items: {$ref: '#/components/schemas/Animal'}}
  /animals/{id}:
    get:
      operationId: get-animal
      tags: [Animals]
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        '200':
          description: OK
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Animal'}
  /keepers:
    get:
      operationId: list-keepers
      tags: [Keepers]
      responses:
        '200':
          description: OK
          content:
            application/json:
              schema:
                type: array
                items:
                  type: object
                  properties:
                    name: {type: string}
components:
  securitySchemes:
    token: {type: http, scheme: bearer}
  schemas:
    Animal:
      type: object
      required: [id]
      properties:
        id: {type: string}
        diet: {type: string, enum: [meat, plants]}
        extra: {type: object, properties: {note: {type: string}}}
        weight: {type: number}
"#;

fn parse(text: &str) -> Result<Config, Vec<String>> {
    Config::parse(text, "zoo.toml")
        .map_err(|e| e.diagnostics.iter().map(ToString::to_string).collect())
}

fn errors(text: &str) -> Vec<String> {
    parse(text).expect_err("the configuration is refused")
}

fn surface(config: &str) -> Result<Surface, Vec<String>> {
    let config = parse(config)?;
    generator::api_surface_configured(SPEC, &config, false)
        .map_err(|e| e.diagnostics.iter().map(ToString::to_string).collect())
}

fn type_names(surface: &Surface) -> Vec<&str> {
    surface.types.iter().map(|t| t.name.as_str()).collect()
}

fn options(config: &str) -> generator::Options {
    generator::Options {
        config: parse(config).expect("a valid configuration"),
        ..support::options("zoo-client")
    }
}

#[test]
fn a_full_configuration_parses() {
    let config = parse(
        r##"
[package]
name = "zoo-client"
version = "0.3.1"
description = "Zoo client"
license = "MIT OR Apache-2.0"
repository = "https://example.com/zoo"
homepage = "https://zoo.example.com"
documentation = "https://docs.rs/zoo-client"
readme = "README.md"
keywords = ["zoo", "animals"]
categories = ["api-bindings"]

[package.docs-rs]
all-features = true
rustdoc-args = ["--cfg", "docsrs"]

[rename.types]
"#/components/schemas/Animal/properties/extra" = "AnimalExtras"

[rename.methods]
list-animals = "animals"

[types.overrides]
"#/components/schemas/Animal/properties/weight" = "serde_json::Value"

[filter]
exclude_tags = ["Keepers"]
"##,
    )
    .unwrap();
    assert_eq!(config.package.name.as_deref(), Some("zoo-client"));
    assert_eq!(config.package.version.as_deref(), Some("0.3.1"));
    assert_eq!(config.package.keywords, ["zoo", "animals"]);
    let docs = config.package.docs_rs.as_ref().unwrap();
    assert_eq!(docs.all_features, Some(true));
    assert_eq!(docs.rustdoc_args, ["--cfg", "docsrs"]);
    assert_eq!(config.rename_types[0].value, "AnimalExtras");
    assert_eq!(config.rename_types[0].at.position, "zoo.toml:19:1");
    assert_eq!(config.rename_methods[0].key, "list-animals");
    assert_eq!(config.type_overrides[0].value, "serde_json::Value");
    assert_eq!(config.filter.exclude_tags[0].value, "Keepers");
    assert_eq!(config.filter.exclude_tags[0].at.position, "zoo.toml:28:17");
    assert_eq!(Config::parse("", "empty.toml").unwrap().rename_types, []);
}

#[test]
fn client_and_docs_settings_parse() {
    let config = parse(
        r#"
[client]
env_prefix = "ZOO_V2"
base_url = "https://zoo.example.com/v2"
request_id_header = "X-Request-Id"
request_id_method = "trace_id"
request_id_doc = "The zoo's trace id."

[docs]
front_page = "The zoo's API."
"#,
    )
    .unwrap();
    let client = &config.client;
    assert_eq!(client.env_prefix.as_deref(), Some("ZOO_V2"));
    assert_eq!(
        client.base_url.as_deref(),
        Some("https://zoo.example.com/v2")
    );
    // Header names are case-insensitive; the client compares them in lower case.
    assert_eq!(client.request_id_header.as_deref(), Some("x-request-id"));
    assert_eq!(client.request_id_method.as_deref(), Some("trace_id"));
    assert_eq!(
        client.request_id_doc.as_deref(),
        Some("The zoo's trace id.")
    );
    assert_eq!(config.docs.front_page.as_deref(), Some("The zoo's API."));
    let empty = parse("").unwrap();
    assert_eq!(empty.client, Default::default());
    assert_eq!(empty.docs, Default::default());
}

/// Each `[client]` and `[docs]` value that cannot work is an error at its line and column,
/// naming the key.
#[test]
fn client_and_docs_errors_are_located() {
    for (text, place, key, message) in [
        (
            "[client]\nenv_prefix = \"zoo\"\n",
            "zoo.toml:2:14",
            "`client.env_prefix`",
            "not an environment variable prefix",
        ),
        (
            "[client]\nenv_prefix = \"ZOO_\"\n",
            "zoo.toml:2:14",
            "`client.env_prefix`",
            "not an environment variable prefix",
        ),
        (
            "[client]\nbase_url = \"zoo.example.com\"\n",
            "zoo.toml:2:12",
            "`client.base_url`",
            "not an absolute URL",
        ),
        (
            "[client]\nbase_url = \"ftp://zoo.example.com\"\n",
            "zoo.toml:2:12",
            "`client.base_url`",
            "not an absolute URL",
        ),
        (
            "[client]\nrequest_id_header = \"x request id\"\n",
            "zoo.toml:2:21",
            "`client.request_id_header`",
            "not an HTTP header name",
        ),
        (
            "[client]\nrequest_id_header = \"x-id\"\nrequest_id_method = \"TraceId\"\n",
            "zoo.toml:3:21",
            "`client.request_id_method`",
            "not a method name",
        ),
        (
            "[client]\nrequest_id_header = \"x-id\"\nrequest_id_method = \"status\"\n",
            "zoo.toml:3:21",
            "`client.request_id_method`",
            "already a method",
        ),
        (
            "[client]\nrequest_id_method = \"trace_id\"\n",
            "zoo.toml:2:21",
            "`client.request_id_method`",
            "needs `client.request_id_header`",
        ),
        (
            "[client]\nrequest_id_doc = \"Trace.\"\n",
            "zoo.toml:2:18",
            "`client.request_id_doc`",
            "`client.request_id_method`, which is not set",
        ),
        (
            "[client]\nrequest_id = \"x-id\"\n",
            "zoo.toml:2:1",
            "`client.request_id`",
            "unknown field",
        ),
        (
            "[client]\nbase_url = 3\n",
            "zoo.toml:2:12",
            "`client.base_url`: invalid type",
            "expected a string",
        ),
        (
            "[package]\nname = 3\n",
            "zoo.toml:2:8",
            "`package.name`: invalid type",
            "expected a string",
        ),
        (
            "[docs]\nfront_page = \"  \"\n",
            "zoo.toml:2:14",
            "`docs.front_page`",
            "is empty",
        ),
    ] {
        let found = errors(text);
        assert_eq!(found.len(), 1, "{text}: {found:?}");
        assert!(
            found[0].starts_with(&format!("error: {place}: {key}")),
            "{text}: {found:?}"
        );
        assert!(found[0].contains(message), "{text}: {found:?}");
    }
}

/// A maintainer's `client.base_url` reaches the API surface `cargo xtask diff` compares.
#[test]
fn client_settings_reach_the_surface() {
    let before = surface("").unwrap();
    assert_eq!(before.base_url, "https://zoo.example.com/v1");
    let after =
        surface("[client]\nenv_prefix = \"ZOO\"\nbase_url = \"https://zoo.example.org/v2\"\n")
            .unwrap();
    assert_eq!(after.base_url, "https://zoo.example.org/v2");
}

#[test]
fn unknown_keys_are_errors_naming_the_key_and_its_place() {
    let found = errors("[package]\nname = \"x\"\nlicence = \"MIT\"\n");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("error: zoo.toml:3:1: "), "{found:?}");
    assert!(found[0].contains("licence"), "{found:?}");
    let found = errors("[renames.types]\nA = \"B\"\n");
    assert!(found[0].contains("zoo.toml:1:"), "{found:?}");
    assert!(found[0].contains("renames"), "{found:?}");
    let found = errors("[package.docs-rs]\nall_features = true\n");
    assert!(found[0].contains("zoo.toml:2:1"), "{found:?}");
    assert!(
        found[0].contains("`package.docs-rs.all_features`"),
        "{found:?}"
    );
    assert!(found[0].contains("all_features"), "{found:?}");
    let found = errors("[filter]\ninclude_tag = [\"A\"]\n");
    assert!(found[0].contains("zoo.toml:2:1"), "{found:?}");
    assert!(found[0].contains("include_tag"), "{found:?}");
}

#[test]
fn wrong_types_and_values_are_errors_at_their_place() {
    let found = errors("[package]\nkeywords = \"zoo\"\n");
    assert!(found[0].contains("zoo.toml:2:12"), "{found:?}");
    assert!(found[0].contains("`package.keywords`"), "{found:?}");
    let found = errors("[package]\nversion = \"1.0\"\n");
    assert!(found[0].contains("zoo.toml:2:11"), "{found:?}");
    assert!(found[0].contains("semantic version"), "{found:?}");
    let found = errors("[package]\nname = \"9lives\"\n");
    assert!(found[0].contains("not a valid crate name"), "{found:?}");
    let found = errors("[package]\nkeywords = [\"a\", \"b\", \"c\", \"d\", \"e\", \"f\"]\n");
    assert!(found[0].contains("zoo.toml:2:38"), "{found:?}");
    assert!(found[0].contains("at most 5 keywords"), "{found:?}");
    let found = errors("[rename.types]\nAnimal = \"not a name\"\n");
    assert!(found[0].contains("zoo.toml:2:1"), "{found:?}");
    assert!(found[0].contains("`rename.types.Animal`"), "{found:?}");
    let found = errors("[rename.methods]\nlist-animals = \"Animals\"\n");
    assert!(found[0].contains("not a method name"), "{found:?}");
    let found = errors("[types.overrides]\n\"#/components/schemas/Animal\" = \"Vec<\"\n");
    assert!(found[0].contains("not a Rust type"), "{found:?}");
    let found = errors("[types.overrides]\nAnimal = \"String\"\n");
    assert!(found[0].contains("JSON pointer"), "{found:?}");
    let found = errors("[filter]\ninclude_paths = [\"animals\"]\n");
    assert!(found[0].contains("zoo.toml:2:18"), "{found:?}");
    let found = errors("[package\n");
    assert!(found[0].contains("zoo.toml:1:"), "{found:?}");
    assert!(found[0].contains("invalid TOML"), "{found:?}");
}

#[test]
fn types_are_renamed_by_pointer_and_by_name() {
    let before = surface("").unwrap();
    assert!(
        type_names(&before).contains(&"AnimalExtra"),
        "{:?}",
        type_names(&before)
    );
    let after = surface(
        r##"
[rename.types]
"#/components/schemas/Animal/properties/extra" = "AnimalExtras"
AnimalDiet = "Diet"
ListAnimalsRequest = "AnimalQuery"
"##,
    )
    .unwrap();
    let names = type_names(&after);
    for (gone, new) in [
        ("AnimalExtra", "AnimalExtras"),
        ("AnimalDiet", "Diet"),
        ("ListAnimalsRequest", "AnimalQuery"),
    ] {
        assert!(!names.contains(&gone), "{names:?}");
        assert!(names.contains(&new), "{names:?}");
    }
    // Fields refer to the new names.
    let animal = after.types.iter().find(|t| t.name == "Animal").unwrap();
    let TypeKind::Struct { fields, .. } = &animal.kind else {
        panic!("Animal is a struct")
    };
    let diet = fields.iter().find(|f| f.name == "diet").unwrap();
    assert_eq!(diet.ty, "Option<Diet>");
}

#[test]
fn type_renames_that_match_nothing_or_collide_are_errors() {
    let found = surface("[rename.types]\nGiraffe = \"Tall\"\n").unwrap_err();
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("error: zoo.toml:2:1: `rename.types.Giraffe`"),
        "{found:?}"
    );
    assert!(found[0].contains("matches no type"), "{found:?}");
    let found = surface("[rename.types]\nAnimalDiet = \"Animal\"\n").unwrap_err();
    assert!(found[0].contains("zoo.toml:2:1"), "{found:?}");
    assert!(found[0].contains("already the name of a type"), "{found:?}");
}

#[test]
fn methods_are_renamed_by_operation_id_name_or_pointer() {
    let after = surface(
        r##"
[rename.methods]
list-animals = "animals"
"#/paths/~1animals~1{id}/get" = "animal"
list_keepers = "keepers"
"##,
    )
    .unwrap();
    let methods: Vec<&str> = after.operations.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(methods, ["animals", "animal", "keepers"]);
    let found = surface("[rename.methods]\nfeed = \"feed_all\"\n").unwrap_err();
    assert!(found[0].contains("zoo.toml:2:1"), "{found:?}");
    assert!(found[0].contains("matches no operation"), "{found:?}");
    let found = surface("[rename.methods]\nlist-animals = \"get_animal\"\n").unwrap_err();
    assert!(found[0].contains("already a method"), "{found:?}");
}

#[test]
fn overrides_replace_a_schema_or_property_type() {
    let after = surface(
        r##"
[types.overrides]
"#/components/schemas/Animal/properties/weight" = "serde_json::Value"
"#/components/schemas/Animal/properties/diet" = "String"
"##,
    )
    .unwrap();
    let animal = after.types.iter().find(|t| t.name == "Animal").unwrap();
    let TypeKind::Struct { fields, .. } = &animal.kind else {
        panic!("Animal is a struct")
    };
    let ty = |name: &str| fields.iter().find(|f| f.name == name).unwrap().ty.clone();
    assert_eq!(ty("weight"), "Option<serde_json::Value>");
    assert_eq!(ty("diet"), "Option<String>");
    // The enum it replaced is not generated any more.
    assert!(!type_names(&after).contains(&"AnimalDiet"));
    let found =
        surface("[types.overrides]\n\"#/components/schemas/Animal/properties/legs\" = \"i64\"\n")
            .unwrap_err();
    assert!(found[0].contains("zoo.toml:2:1"), "{found:?}");
    assert!(found[0].contains("matches no schema"), "{found:?}");
}

#[test]
fn filters_keep_and_drop_operations_by_tag_and_path() {
    let methods = |config: &str| -> Vec<String> {
        surface(config)
            .unwrap()
            .operations
            .iter()
            .map(|o| o.name.clone())
            .collect()
    };
    assert_eq!(
        methods("[filter]\ninclude_tags = [\"Animals\"]\n"),
        ["list_animals", "get_animal"]
    );
    assert_eq!(
        methods("[filter]\nexclude_tags = [\"Animals\"]\n"),
        ["list_keepers"]
    );
    assert_eq!(
        methods("[filter]\ninclude_paths = [\"/animals*\"]\nexclude_paths = [\"/animals/{id}\"]\n"),
        ["list_animals"]
    );
    assert_eq!(
        methods("[filter]\ninclude_paths = [\"/keepers\"]\n"),
        ["list_keepers"]
    );
    let found = surface("[filter]\ninclude_tags = [\"Birds\"]\n").unwrap_err();
    assert!(found[0].contains("zoo.toml:2:17"), "{found:?}");
    assert!(found[0].contains("no operation has this tag"), "{found:?}");
    let found = surface("[filter]\nexclude_paths = [\"/birds\"]\n").unwrap_err();
    assert!(found[0].contains("no operation has this path"), "{found:?}");
}

#[test]
fn package_metadata_goes_into_the_manifest_and_readme() {
    let output = generator::generate(
        SPEC,
        &options(
            r#"
[package]
version = "0.3.1"
description = "Zoo client"
license = "MIT OR Apache-2.0"
repository = "https://example.com/zoo"
keywords = ["zoo"]
categories = ["api-bindings"]
[package.docs-rs]
all-features = true
"#,
        ),
    )
    .unwrap();
    let manifest = &output.files["Cargo.toml"];
    for line in [
        "version = \"0.3.1\"",
        "description = \"Zoo client\"",
        "license = \"MIT OR Apache-2.0\"",
        "repository = \"https://example.com/zoo\"",
        "readme = \"README.md\"",
        "keywords = [\"zoo\"]",
        "categories = [\"api-bindings\"]",
        "[package.metadata.docs.rs]\nall-features = true",
    ] {
        assert!(manifest.contains(line), "{line} in\n{manifest}");
    }
    assert!(!manifest.contains("publish = false"), "{manifest}");
    let readme = &output.files["README.md"];
    for text in [
        "# zoo-client",
        "Zoo client",
        "zoo-client = \"0.3\"",
        "EXAMPLE_API_TOKEN",
        "EXAMPLE_BASE_URL",
        "https://example.com/zoo",
        "Licensed under `MIT OR Apache-2.0`",
        "the Apache-2.0 license",
    ] {
        assert!(readme.contains(text), "{text} in\n{readme}");
    }
    // Without a license, the crate is not ready to publish.
    let plain = generator::generate(SPEC, &options("")).unwrap();
    assert!(plain.files["Cargo.toml"].contains("publish = false"));
    assert!(plain.files["Cargo.toml"].contains("version = \"0.1.0\""));
}

/// The description's license is read while the model is built (the description's tree is
/// dropped before the crate is emitted): named, linked when it has a URL, left out when its
/// name is blank.
#[test]
fn the_readme_names_the_description_license() {
    let with = |license: &str| {
        let spec = SPEC.replace("license: {name: Apache-2.0}", license);
        generator::generate(&spec, &options("")).unwrap().files["README.md"].clone()
    };
    let linked = with("license: {name: MIT, url: 'https://opensource.org/licenses/MIT'}");
    assert!(
        linked.contains("[MIT](https://opensource.org/licenses/MIT)"),
        "{linked}"
    );
    let named = with("license: {name: ' MIT '}");
    assert!(named.contains("the MIT license"), "{named}");
    for blank in ["license: {name: ' '}", "x-no-license: true"] {
        let readme = with(blank);
        assert!(!readme.contains("is published under"), "{blank}: {readme}");
    }
}

/// A crate with renamed types and methods, overridden types and a filter compiles without
/// warnings, its README's quick start included (a doctest).
#[test]
fn configured_crate_compiles() {
    let options = options(
        r##"
[package]
license = "MIT"
[rename.types]
"#/components/schemas/Animal/properties/extra" = "AnimalExtras"
[rename.methods]
list-animals = "animals"
[types.overrides]
"#/components/schemas/Animal/properties/weight" = "serde_json::Value"
"#/components/schemas/Animal/properties/diet" = "String"
[filter]
exclude_tags = ["Keepers"]
[client]
env_prefix = "ZOO"
base_url = "https://zoo.example.org/v2"
request_id_header = "X-Zoo-Trace"
request_id_method = "trace_id"
[docs]
front_page = """
# The zoo

Animals and their keepers, as the zoo's API serves them:

```json
{"id": "a1"}
```
"""
"##,
    );
    let krate = support::generate_crate_with(SPEC, &options);
    support::write_file(
        krate.path(),
        "tests/configured.rs",
        "#[test]\nfn names() {\n    let extras = zoo_client::types::AnimalExtras::default();\n    \
         let _: Option<serde_json::Value> = None;\n    let _ = extras;\n    \
         let client = zoo_client::Client::builder().build().unwrap();\n    \
         let _call = client.animals().animals(&zoo_client::ListAnimalsRequest::default());\n}\n\n\
         #[test]\nfn client_settings() {\n    \
         assert_eq!(zoo_client::DEFAULT_BASE_URL, \"https://zoo.example.org/v2\");\n    \
         assert_eq!(zoo_client::BASE_URL_ENV, \"ZOO_BASE_URL\");\n    \
         assert_eq!(zoo_client::CREDENTIAL_ENV, &[(\"token\", \"ZOO_API_TOKEN\")]);\n    \
         let mut headers = zoo_client::reqwest::header::HeaderMap::new();\n    \
         headers.insert(\"x-zoo-trace\", \"t-1\".parse().unwrap());\n    \
         let error = zoo_client::ApiError::new(zoo_client::reqwest::StatusCode::NOT_FOUND, headers, \"{}\");\n    \
         assert_eq!(error.trace_id(), Some(\"t-1\"));\n    \
         assert_eq!(error.request_id(), Some(\"t-1\"));\n}\n",
    );
    let lib = &krate.output.files["src/lib.rs"];
    assert!(lib.contains("//! # The zoo\n"), "{lib}");
    assert!(!lib.contains("//! Zoo API\n"), "{lib}");
    assert!(
        lib.contains("/// The `x-zoo-trace` response header, which identifies the request to the API's operators."),
        "{lib}"
    );
    support::test_crate(krate.path()).unwrap_or_else(|e| panic!("{e}"));
}
