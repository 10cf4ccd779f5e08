//! The names of generated types: short, unnumbered, and stable when the spec grows.
//!
//! - The committed spec's types all have names of at most 40 characters and no digits,
//!   without any rename in a configuration (the defaults do it).
//! - Adding an operation renames no other type, even one that brings properties and
//!   parameters called like existing ones (`sort_by`, `status`, `data`, `paging`), and even
//!   when it comes first in the spec (names do not depend on the spec's order).
//! - Reordering the spec's paths changes no name.

// The library is published as `openapi-client-codegen`; these tests call it `generator`.
extern crate openapi_client_codegen as generator;

use std::collections::BTreeMap;
use std::path::Path;

fn spec() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/realtime-kit.yaml");
    std::fs::read_to_string(path).expect("spec/realtime-kit.yaml")
}

/// Every public type's name by the pointer of the schema (or operation) it comes from.
fn names(spec: &str) -> BTreeMap<String, String> {
    let surface = generator::api_surface(spec).expect("the spec generates");
    let mut by_pointer = BTreeMap::new();
    for ty in surface.types {
        let pointer = ty.pointer.clone().unwrap_or_default();
        let key = format!("{pointer} {}", role(&ty.kind));
        // Several types from one pointer (an operation's request struct and response enum)
        // are told apart by their role.
        assert!(
            by_pointer.insert(key.clone(), ty.name.clone()).is_none(),
            "two types at {key}"
        );
    }
    by_pointer
}

fn role(kind: &generator::surface::TypeKind) -> &'static str {
    match kind {
        generator::surface::TypeKind::Struct { role, .. } => role,
        _ => "type",
    }
}

/// An operation on a new path whose inline types are called like existing ones, each with a
/// shape of its own, inserted as the spec's first path.
const NEW_OPERATION: &str = r#"  /accounts/{account_id}/realtime/kit/{app_id}/rooms/{room_id}/sessions:
    get:
      operationId: get-room-sessions
      tags: [Sessions]
      parameters:
        - {name: account_id, in: path, required: true, schema: {type: string}}
        - {name: app_id, in: path, required: true, schema: {type: string}}
        - {name: room_id, in: path, required: true, schema: {type: string}}
        - {name: sort_by, in: query, schema: {type: string, enum: [loudest, newest]}}
        - {name: status, in: query, schema: {type: string, enum: [open, shut]}}
      responses:
        '200':
          description: OK
          content:
            application/json:
              schema:
                type: object
                properties:
                  success: {type: boolean}
                  data:
                    type: object
                    properties:
                      status: {type: string, enum: [warm, cold]}
                      err_message: {type: integer}
                      paging: {type: object, properties: {cursor: {type: string}}}
                      sessions:
                        type: array
                        items: {type: object, properties: {room: {type: string}}}
"#;

fn with_new_operation(spec: &str) -> String {
    let at = spec.find("\npaths:\n").expect("a paths section") + "\npaths:\n".len();
    format!("{}{NEW_OPERATION}{}", &spec[..at], &spec[at..])
}

#[test]
fn committed_spec_names_are_short_and_unnumbered() {
    let names = names(&spec());
    assert!(names.len() > 250, "{} types", names.len());
    let long: Vec<&String> = names.values().filter(|n| n.len() > 40).collect();
    assert!(long.is_empty(), "names over 40 characters: {long:?}");
    let numbered: Vec<&String> = names
        .values()
        .filter(|n| n.chars().any(|c| c.is_ascii_digit()))
        .collect();
    assert!(numbered.is_empty(), "numbered names: {numbered:?}");
    // Collisions are resolved with context words.
    let all: Vec<&str> = names.values().map(String::as_str).collect();
    for expected in [
        "ParticipantsSortBy",
        "RecordingSortBy",
        // The seven livestream status enums (and an `err_message` of the same values) are
        // one type, named by what they share.
        "LivestreamStatus",
    ] {
        assert!(all.contains(&expected), "{expected} in {all:?}");
    }
}

#[test]
fn adding_an_operation_renames_nothing_else() {
    let spec = spec();
    let before = names(&spec);
    let after = names(&with_new_operation(&spec));
    assert!(
        after.len() > before.len() + 5,
        "the new operation adds types"
    );
    let renamed: Vec<String> = before
        .iter()
        .filter_map(|(pointer, name)| match after.get(pointer) {
            Some(new) if new == name => None,
            other => Some(format!("{pointer}: {name} -> {other:?}")),
        })
        .collect();
    assert!(renamed.is_empty(), "renamed:\n{}", renamed.join("\n"));
    // The new operation's types take its name, not numbers.
    let new: Vec<&String> = after
        .iter()
        .filter(|(pointer, _)| pointer.contains("rooms"))
        .map(|(_, name)| name)
        .collect();
    assert!(
        new.iter().all(|n| !n.chars().any(|c| c.is_ascii_digit())),
        "{new:?}"
    );
    assert!(
        new.iter().any(|n| n.as_str() == "GetRoomSessionsSortBy"),
        "{new:?}"
    );
}

#[test]
fn names_do_not_depend_on_the_order_of_paths() {
    let spec = spec();
    let before = names(&spec);
    // The same document with its paths in reverse order.
    let mut value: serde_json::Value = serde_norway::from_str(&spec).expect("YAML");
    let paths = value["paths"].as_object().expect("paths").clone();
    let reversed: serde_json::Map<String, serde_json::Value> = paths.into_iter().rev().collect();
    value["paths"] = serde_json::Value::Object(reversed);
    let after = names(&serde_json::to_string(&value).expect("JSON"));
    let changed: Vec<String> = before
        .iter()
        .filter(|(pointer, name)| after.get(*pointer) != Some(name))
        .map(|(pointer, name)| format!("{pointer}: {name} -> {:?}", after.get(pointer)))
        .collect();
    assert!(changed.is_empty(), "changed:\n{}", changed.join("\n"));
    assert_eq!(before.len(), after.len());
}

/// Every operation's method name by the operation's pointer.
fn methods(spec: &str) -> BTreeMap<String, String> {
    let surface = generator::api_surface(spec).expect("the spec generates");
    surface
        .operations
        .into_iter()
        .map(|op| (op.pointer, op.name))
        .collect()
}

#[test]
fn committed_spec_method_names_are_short_unnumbered_and_verbs() {
    let methods = methods(&spec());
    assert_eq!(methods.len(), 62);
    let long: Vec<&String> = methods.values().filter(|n| n.len() > 40).collect();
    assert!(long.is_empty(), "method names over 40 characters: {long:?}");
    let numbered: Vec<&String> = methods
        .values()
        .filter(|n| n.chars().any(|c| c.is_ascii_digit()))
        .collect();
    assert!(numbered.is_empty(), "numbered or versioned: {numbered:?}");
    let all: Vec<&str> = methods.values().map(String::as_str).collect();
    // Path dumps become a verb and the path's nouns; readable operationIds stay.
    for expected in [
        "create_preset",
        "get_preset",
        "update_preset",
        "replace_preset",
        "delete_preset",
        "get_meeting_active_livestream",
        "list_session_livestream_sessions",
        "get_active_livestream_session_details",
        "get_participant_data_from_peer_id",
        "get_all_meetings",
    ] {
        assert!(all.contains(&expected), "{expected} in {all:?}");
    }
    for gone in ["post_presets", "patch_presets_preset_id"] {
        assert!(!all.contains(&gone), "{gone}");
    }
}

#[test]
fn adding_an_operation_renames_no_method() {
    let spec = spec();
    let before = methods(&spec);
    let after = methods(&with_new_operation(&spec));
    assert_eq!(after.len(), before.len() + 1);
    let renamed: Vec<String> = before
        .iter()
        .filter(|(pointer, name)| after.get(*pointer) != Some(name))
        .map(|(pointer, name)| format!("{pointer}: {name} -> {:?}", after.get(pointer)))
        .collect();
    assert!(renamed.is_empty(), "renamed:\n{}", renamed.join("\n"));
    assert!(
        after.values().any(|n| n == "get_room_sessions"),
        "{after:?}"
    );
}

#[test]
fn method_names_do_not_depend_on_the_order_of_paths() {
    let spec = spec();
    let before = methods(&spec);
    let mut value: serde_json::Value = serde_norway::from_str(&spec).expect("YAML");
    let paths = value["paths"].as_object().expect("paths").clone();
    value["paths"] = serde_json::Value::Object(paths.into_iter().rev().collect());
    let after = methods(&serde_json::to_string(&value).expect("JSON"));
    assert_eq!(before, after);
}

/// Two path dumps that want the same name both take a longer one, whichever comes first.
#[test]
fn colliding_method_names_both_move() {
    let spec = |first: &str, second: &str| {
        format!(
            r#"
openapi: 3.0.3
info: {{title: T, version: '1'}}
paths:
{first}{second}"#
        )
    };
    let org = "  /orgs/{org_id}/settings/presets/{preset_id}:\n    get:\n      operationId: get-orgs-org_id-presets-preset_id\n      parameters:\n        - {name: org_id, in: path, required: true, schema: {type: string}}\n        - {name: preset_id, in: path, required: true, schema: {type: string}}\n      responses: {'204': {description: OK}}\n";
    let app = "  /apps/{app_id}/settings/presets/{preset_id}:\n    get:\n      operationId: get-apps-app_id-presets-preset_id\n      parameters:\n        - {name: app_id, in: path, required: true, schema: {type: string}}\n        - {name: preset_id, in: path, required: true, schema: {type: string}}\n      responses: {'204': {description: OK}}\n";
    let one = methods(&spec(org, app));
    let other = methods(&spec(app, org));
    assert_eq!(one, other);
    let mut names: Vec<&String> = one.values().collect();
    names.sort();
    assert_eq!(names, ["get_app_setting_preset", "get_org_setting_preset"]);
}

/// Tags that differ only in case or punctuation are one group.
#[test]
fn tags_differing_in_case_are_one_group() {
    let spec = r#"
openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /a:
    get:
      operationId: list_a
      tags: [Responses]
      responses: {'204': {description: OK}}
  /b:
    get:
      operationId: list_b
      tags: [responses]
      responses: {'204': {description: OK}}
  /c:
    get:
      operationId: list_c
      tags: [Re-sponses]
      responses: {'204': {description: OK}}
"#;
    let surface = generator::api_surface(spec).expect("generates");
    let groups: Vec<&str> = surface
        .operations
        .iter()
        .map(|op| op.accessor.as_str())
        .collect();
    assert_eq!(groups, ["responses", "responses", "responses"]);
}
