//! One type per concept: no two types of a generated crate have the same shape (enums with the
//! same values, structs with the same fields), unless both are component schemas the spec
//! named apart. Checked on the committed spec, every fixture and the 1,000-operation synthetic
//! spec of `cargo xtask bench`.

// The library is published as `openapi-client-codegen`; these tests call it `generator`.
extern crate openapi_client_codegen as generator;

use std::collections::BTreeMap;
use std::path::Path;

use generator::surface::{TypeItem, TypeKind};

mod support;

#[allow(dead_code)]
#[path = "../../xtask/src/synth.rs"]
mod synth;

/// The shape of a type, as a user would compare two: an enum's wire values (in any order), a
/// struct's fields (wire name, Rust type, optional, and what the spec says at the field's
/// pointer that the Rust type does not show: its `default`, `integer` or `number`; in any
/// order). `None` for request structs, multipart bodies and response enums, which belong to
/// one operation each.
fn shape(item: &TypeItem, document: &serde_json::Value) -> Option<String> {
    match &item.kind {
        TypeKind::StringEnum { variants } => {
            let mut values: Vec<String> = variants.iter().filter_map(|v| v.wire.clone()).collect();
            values.sort();
            Some(format!("enum {values:?}"))
        }
        TypeKind::Struct {
            fields,
            role: "struct",
            ..
        } => {
            let mut fields: Vec<String> = fields
                .iter()
                .map(|f| {
                    let schema = f
                        .pointer
                        .as_deref()
                        .and_then(|p| document.pointer(p.trim_start_matches('#')));
                    let said = |key: &str| schema.and_then(|s| s.get(key)).cloned();
                    format!(
                        "{} {} {} {:?} {:?}",
                        f.wire,
                        f.ty,
                        f.optional,
                        said("default"),
                        said("type")
                    )
                })
                .collect();
            fields.sort();
            Some(format!("struct {fields:?}"))
        }
        _ => None,
    }
}

fn is_component(item: &TypeItem) -> bool {
    item.pointer
        .as_deref()
        .is_some_and(|p| p.starts_with("#/components/schemas/"))
}

/// The groups of types with one shape, at least one of them inline: each should have been one.
fn duplicates(spec: &str) -> (usize, Vec<Vec<String>>) {
    let surface = generator::api_surface(spec).expect("the spec generates");
    let document: serde_json::Value = serde_norway::from_str(spec).expect("YAML or JSON");
    let mut by_shape: BTreeMap<String, Vec<&TypeItem>> = BTreeMap::new();
    for item in &surface.types {
        if let Some(shape) = shape(item, &document) {
            by_shape.entry(shape).or_default().push(item);
        }
    }
    let groups = by_shape
        .into_values()
        .filter(|items| items.iter().filter(|i| !is_component(i)).count() >= 1 && items.len() > 1)
        .filter(|items| items.iter().filter(|i| is_component(i)).count() <= 1)
        .map(|items| items.iter().map(|i| i.name.clone()).collect())
        .collect();
    (surface.types.len(), groups)
}

fn assert_no_duplicates(what: &str, spec: &str) -> usize {
    let (types, groups) = duplicates(spec);
    assert!(
        groups.is_empty(),
        "{what}: {} types of the same shape as another: {groups:?}",
        groups.len()
    );
    types
}

#[test]
fn committed_spec_has_one_type_per_shape() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/realtime-kit.yaml");
    let spec = std::fs::read_to_string(path).expect("spec/realtime-kit.yaml");
    let types = assert_no_duplicates("realtime-kit", &spec);
    assert!(types > 250, "{types} types");
    let surface = generator::api_surface(&spec).expect("the spec generates");
    let names: Vec<&str> = surface.types.iter().map(|t| t.name.as_str()).collect();
    // Named by what their places share.
    for expected in [
        "LivestreamStatus",
        "PresetQuality",
        "PresetViewType",
        // By their context: the audio, video and screenshare of a preset's media permissions,
        // and the permission levels of `can_produce` and `stage_access`.
        "PresetMediaPermission",
        "PresetPermission",
        // A bare `Status` says whose: an active session's and the sessions' filter.
        "SessionStatus",
        // Sessions and apps share a `Paging`: not a `SessionPaging`.
        "Paging",
    ] {
        assert!(names.contains(&expected), "{expected} in {names:?}");
    }
    for gone in [
        "UpdatePresetQuality",
        "CreateLivestreamStatus",
        "UpdatePresetViewType",
        "PresetPermissionsMediaAudio",
        "PresetCanProduce",
        "Status",
        "SessionPaging",
        "GetLivestreamLivestream",
    ] {
        assert!(!names.contains(&gone), "{gone} is still a type of its own");
    }
}

#[test]
fn fixtures_have_one_type_per_shape() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).expect("fixtures") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("fixture");
        // Fixtures that generate (some are about errors).
        if generator::api_surface(&text).is_ok() {
            assert_no_duplicates(&path.display().to_string(), &text);
            checked += 1;
        }
    }
    assert!(checked >= 10, "{checked} fixtures checked");
}

#[test]
fn synthetic_spec_has_one_type_per_shape() {
    let types = assert_no_duplicates("synthetic 1,000 operations", &synth::spec(1000));
    assert!(types > 1000, "{types} types");
}

/// Two inline enums of the same values under unrelated names, and an inline object written
/// like a component schema: one type each, the enum named by what its places share, the object
/// by its component.
#[test]
fn identical_inline_schemas_are_one_type() {
    let spec = r#"
openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /jobs:
    get:
      operationId: list_jobs
      parameters:
        - {name: job_state, in: query, schema: {type: string, enum: [queued, running, done]}}
      responses:
        '200':
          description: OK
          content:
            application/json:
              schema:
                type: object
                properties:
                  owner: {type: object, properties: {id: {type: string}, name: {type: string}}}
    post:
      operationId: create_job
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                initial_state: {type: string, enum: [done, queued, running]}
      responses:
        '200':
          description: OK
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Person'}
components:
  schemas:
    Person:
      type: object
      properties: {id: {type: string}, name: {type: string}}
"#;
    let surface = generator::api_surface(spec).expect("generates");
    let names: Vec<&str> = surface.types.iter().map(|t| t.name.as_str()).collect();
    assert_no_duplicates("inline", spec);
    // `ListJobsJobState` and `CreateJobInitialState` share `Job` and `State`.
    assert!(names.contains(&"JobState"), "{names:?}");
    assert!(names.contains(&"Person"), "{names:?}");
    assert!(!names.iter().any(|n| n.contains("Owner")), "{names:?}");
}

/// Places whose names share no word are named by the context they have in common, and a doc
/// they disagree on is not kept: the type is documented by every place that uses it.
#[test]
fn places_sharing_no_word_are_named_by_their_context() {
    let spec = r#"
openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /presets:
    get:
      operationId: get_preset
      responses:
        '200':
          description: OK
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Preset'}
components:
  schemas:
    Preset:
      type: object
      properties:
        permissions:
          type: object
          properties:
            media:
              type: object
              properties:
                audio:
                  description: Audio permissions
                  type: object
                  properties:
                    can_produce: {description: Can produce audio, type: string, enum: [ALLOWED, NOT_ALLOWED]}
                video:
                  description: Video permissions
                  type: object
                  properties:
                    can_produce: {description: Can produce video, type: string, enum: [ALLOWED, NOT_ALLOWED]}
                screenshare:
                  description: Screenshare permissions
                  type: object
                  properties:
                    can_produce: {description: Can produce screen share video, type: string, enum: [ALLOWED, NOT_ALLOWED]}
"#;
    assert_no_duplicates("context", spec);
    let surface = generator::api_surface(spec).expect("generates");
    let names: Vec<&str> = surface.types.iter().map(|t| t.name.as_str()).collect();
    // The media of the permissions: a media permission, not the first place's `..Audio`.
    assert!(names.contains(&"PresetMediaPermission"), "{names:?}");
    assert!(!names.iter().any(|n| n.ends_with("Audio")), "{names:?}");
    // The can_produce enums of the three: one type, named by the preferred name they share.
    assert!(names.contains(&"PresetCanProduce"), "{names:?}");
    let output = support::generate(spec);
    let types = &output.files["src/types.rs"];
    // Every place named on the shared type, and none's own words on it or on its fields
    // (each place's field keeps its words: "Audio permissions" on `audio`).
    assert!(
        types.contains(
            "/// The `audio`, `video` and `screenshare` properties of [`PresetMedia`].\n"
        ),
        "{types}"
    );
    assert!(
        types.contains("    /// Audio permissions\n    pub audio"),
        "{types}"
    );
    assert!(!types.contains("Can produce"), "{types}");
}
