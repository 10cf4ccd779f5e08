//! The crate does not depend on the order of the description's component schemas or paths,
//! nor on the key a component schema is filed under when two keys spell one name:
//!
//! - a small description in which reordering `components.schemas` used to change a type's
//!   name (two keys spelling one name, and places of one type each preferring another word
//!   order), and the same with a component's key spelled as a bundler of split files spells it
//!   (`issuing.token` kept in `schemas/issuing_token.yaml` is `issuing_token` in the bundle,
//!   which is how Stripe's split description named an enum otherwise than its one file);
//! - Realtime Kit (`spec/realtime-kit.yaml` with its configuration) and every fixture of
//!   `tests/fixtures/` generate byte-identical crates with their component schemas reversed;
//!   with their paths reversed, crates of the same API (every name the same: the crate lists
//!   operations in the description's order; see [`surface`] for the one thing compared apart),
//!   and byte-identical to that with their component schemas reversed too.

// The library is published as `openapi-client-codegen`; these tests call it `generator`.
extern crate openapi_client_codegen as generator;

mod support;

use std::collections::BTreeMap;
use std::path::Path;

use generator::Options;
use generator::config::Config;
use serde_json::{Map, Value};

/// The description with its component schemas and/or paths in reverse order.
fn reversed(tree: &Value, schemas: bool, paths: bool) -> Value {
    let mut tree = tree.clone();
    let reverse = |map: &mut Value| {
        if let Some(entries) = map.as_object_mut() {
            let reversed: Map<String, Value> = std::mem::take(entries).into_iter().rev().collect();
            *entries = reversed;
        }
    };
    if schemas {
        if let Some(schemas) = tree.pointer_mut("/components/schemas") {
            reverse(schemas);
        }
    }
    if paths {
        if let Some(paths) = tree.pointer_mut("/paths") {
            reverse(paths);
        }
    }
    tree
}

fn generate(tree: &Value, options: &Options) -> BTreeMap<String, String> {
    let text = serde_json::to_string(tree).unwrap();
    generator::generate(&text, options)
        .unwrap_or_else(|e| panic!("generation failed:\n{e}"))
        .files
}

/// The public API of `tree`'s crate as sorted lines: each operation (its method's name,
/// request, output, ...) and each type (its name, fields, variants, ...), so that two
/// descriptions whose operations come in another order compare equal when every name is.
///
/// Which field of a cycle of types is boxed (`Box<Team>`) is left out: the first type met
/// boxes its field that closes the cycle, so that depends on which operation reaches the
/// cycle first (a team's `maintainer` or a member's `leads` in `recursion.yaml`). It is no
/// name, and deciding it otherwise changes the API of every recursive description: a change
/// of its own.
fn surface(tree: &Value, config: &Config) -> Vec<String> {
    let text = serde_json::to_string(tree).unwrap();
    let surface = generator::api_surface_configured(&text, config, false)
        .unwrap_or_else(|e| panic!("no surface:\n{e}"));
    let mut lines: Vec<String> = surface
        .operations
        .iter()
        .map(|o| format!("{o:?}"))
        .chain(surface.types.iter().map(|t| format!("{t:?}")))
        .map(|line| unboxed(&line))
        .collect();
    lines.sort();
    lines
}

/// `text` with every `Box<T>` written `T`.
fn unboxed(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut open = Vec::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if let Some(after) = rest.strip_prefix("Box<") {
            open.push(true);
            rest = after;
            continue;
        }
        match c {
            '<' => open.push(false),
            '>' if open.pop() == Some(true) => {
                rest = &rest[1..];
                continue;
            }
            _ => {}
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// Asserts that `a` and `b` hold the same files byte for byte, naming the first line that
/// differs.
fn assert_same_files(what: &str, a: &BTreeMap<String, String>, b: &BTreeMap<String, String>) {
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "{what}: other files"
    );
    for (path, text) in a {
        let other = &b[path];
        if text != other {
            let (line, (x, y)) = text
                .lines()
                .zip(other.lines())
                .enumerate()
                .find(|(_, (x, y))| x != y)
                .unwrap_or((0, ("(length)", "(length)")));
            panic!(
                "{what}: {path} differs, first at line {}:\n  in order: {x}\n  reordered: {y}",
                line + 1
            );
        }
    }
}

/// Asserts that `tree` reordered gives its crate: with its component schemas reversed, the
/// same files byte for byte; with its paths reversed (the crate lists operations in the
/// description's order, as its author wrote them), the same names everywhere (the same API
/// surface), and then its component schemas reversed too, again the same files.
fn assert_order_independent(label: &str, tree: &Value, options: &Options) {
    let in_order = generate(tree, options);
    let schemas_reversed = generate(&reversed(tree, true, false), options);
    assert_same_files(
        &format!("{label}, component schemas reversed"),
        &in_order,
        &schemas_reversed,
    );
    let paths_reversed = reversed(tree, false, true);
    let expected = surface(tree, &options.config);
    let got = surface(&paths_reversed, &options.config);
    if let Some((x, y)) = expected.iter().zip(&got).find(|(x, y)| x != y) {
        panic!("{label}, paths reversed: another API\n  in order: {x}\n  reordered: {y}");
    }
    assert_eq!(expected.len(), got.len(), "{label}, paths reversed");
    assert_same_files(
        &format!("{label}, paths reversed, then component schemas reversed too"),
        &generate(&paths_reversed, options),
        &generate(&reversed(tree, true, true), options),
    );
}

/// The names of the types of `src/types.rs`, in the order the file declares them.
fn type_names(files: &BTreeMap<String, String>) -> Vec<String> {
    files["src/types.rs"]
        .lines()
        .filter_map(|line| {
            let rest = line
                .strip_prefix("pub struct ")
                .or_else(|| line.strip_prefix("pub enum "))?;
            let end = rest.find([' ', '(', '{', '<', ';']).unwrap_or(rest.len());
            Some(rest[..end].to_string())
        })
        .collect()
}

/// Two keys spelling one Rust name (`pet_tag` and `PetTag`); an enum two components share
/// whose places name it in other word orders (`IssuingTokenNetwork`,
/// `IssuingNetworkTokenNetworkDataType`), as Stripe's `issuing.token` and
/// `issuing_network_token_network_data` do; and an enum written the same way at two places
/// with the same preferred name (`ShelfCoverColour`), which a component has taken, so that
/// the enum takes the next name of one of its places (`ShelfBookCoverColour`, not
/// `ShelfCoverCaseColour`, whichever operation reaches it first).
const SMALL: &str = r#"
openapi: 3.0.3
info: {title: Order, version: '1'}
paths:
  /tokens:
    get:
      operationId: list-tokens
      responses:
        '200':
          description: The tokens.
          content:
            application/json:
              schema:
                type: object
                properties:
                  token: {$ref: '#/components/schemas/issuing.token'}
                  data: {$ref: '#/components/schemas/issuing_network_token_network_data'}
                  tag: {$ref: '#/components/schemas/pet_tag'}
                  other_tag: {$ref: '#/components/schemas/PetTag'}
  /shelves:
    get:
      operationId: get-shelf
      responses:
        '200':
          description: A shelf.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/shelf'}
  /covers:
    get:
      operationId: get-cover
      responses:
        '200':
          description: A cover.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/shelf_cover'}
components:
  schemas:
    issuing.token:
      type: object
      properties:
        id: {type: string}
        network: {type: string, enum: [mastercard, visa]}
    issuing_network_token_network_data:
      type: object
      properties:
        type: {type: string, enum: [mastercard, visa]}
        device: {type: string}
    pet_tag:
      type: object
      properties:
        label: {type: string}
    PetTag:
      type: object
      properties:
        colour: {type: string}
    shelf:
      type: object
      properties:
        book:
          type: object
          properties:
            cover_colour: {type: string, enum: [red, blue]}
    shelf_cover:
      type: object
      properties:
        case:
          type: object
          properties:
            colour: {type: string, enum: [red, blue]}
    shelf_cover_colour:
      type: object
      properties:
        name: {type: string}
"#;

#[test]
fn boxes_are_left_out_of_the_compared_api() {
    assert_eq!(
        unboxed("Option<Box<Team>>, Vec<Box<Map<String, Box<A<B>>>>>"),
        "Option<Team>, Vec<Map<String, A<B>>>"
    );
}

#[test]
fn a_small_description_reordered_keeps_its_names() {
    let tree = generator::load::read(SMALL).unwrap();
    let options = support::options("order");
    let names = type_names(&generate(&tree, &options));
    for expected in [
        "IssuingTokenNetwork",
        "PetTag",
        "PetTag2",
        "ShelfBookCoverColour",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} in {names:?}"
        );
    }
    assert_order_independent("the small description", &tree, &options);
}

#[test]
fn a_component_filed_under_another_spelling_keeps_its_names() {
    // `issuing.token` as a bundler files it when it comes from `schemas/issuing_token.yaml`:
    // under the file's stem, the root's key an alias of it.
    let tree = generator::load::read(SMALL).unwrap();
    let mut bundled = tree.clone();
    let schemas = bundled
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
        .unwrap();
    let token = schemas["issuing.token"].clone();
    schemas.insert(
        "issuing.token".into(),
        serde_json::json!({"$ref": "#/components/schemas/issuing_token"}),
    );
    schemas.insert("issuing_token".into(), token);
    let options = support::options("order");
    let files = generate(&tree, &options);
    let bundled_files = generate(&bundled, &options);
    assert_eq!(type_names(&files), type_names(&bundled_files));
    assert_eq!(files["src/types.rs"], bundled_files["src/types.rs"]);
}

#[test]
fn realtime_kit_reordered_generates_the_same_crate() {
    let (text, options) = support::realtime_kit();
    let tree = generator::load::read(&text).unwrap();
    assert_order_independent("spec/realtime-kit.yaml", &tree, &options);
}

#[test]
fn every_fixture_reordered_generates_the_same_crate() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut specs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "yaml" || e == "json"))
        .collect();
    specs.sort();
    assert!(specs.len() >= 15, "{specs:?}");
    for spec in specs {
        let text = std::fs::read_to_string(&spec).unwrap();
        let tree = generator::load::read(&text).unwrap();
        let label = spec.file_name().unwrap().to_string_lossy().into_owned();
        assert_order_independent(&label, &tree, &support::options("order"));
    }
}
