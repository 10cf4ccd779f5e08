//! Unit tests of how schemas map to Rust types, through the model the emitters read.

// The library is published as `openapi-client-codegen`; these tests call it `generator`.
extern crate openapi_client_codegen as generator;

use generator::load::load;
use generator::model::types::{Kind, Ty, TypeSpace};
use generator::model::{Model, build};

/// A spec with one `GET /thing` operation whose 200 body is `schema`, plus `components`.
fn spec(schema: &str, components: &str) -> String {
    format!(
        r#"{{"openapi":"3.0.3","info":{{"title":"T","version":"1"}},
        "paths":{{"/thing":{{"get":{{"operationId":"getThing","responses":{{"200":{{"description":"ok",
        "content":{{"application/json":{{"schema":{schema}}}}}}}}}}}}}}},
        "components":{{"schemas":{components}}}}}"#
    )
}

fn with_model(schema: &str, components: &str, check: impl FnOnce(&Model)) {
    let doc = load(&spec(schema, components)).unwrap();
    let model = build(&doc, &Default::default()).unwrap();
    assert!(model.skipped.is_empty(), "{:?}", model.skipped);
    check(&model);
}

fn success_ty(model: &Model) -> Ty {
    match &model.operations[0].success {
        generator::model::operations::Success::One(
            generator::model::operations::Payload::Json(ty),
        ) => ty.clone(),
        other => panic!("not a JSON body: {other:?}"),
    }
}

fn struct_fields(types: &TypeSpace, ty: &Ty) -> Vec<(String, Ty, bool)> {
    let Ty::Named(id) = ty else {
        panic!("not a named type: {ty:?}")
    };
    let Kind::Struct(s) = &types.def(*id).kind else {
        panic!("not a struct")
    };
    s.fields
        .iter()
        .map(|f| (f.name.clone(), f.ty.clone(), f.optional))
        .collect()
}

fn property(name: &str, schema: &str) -> String {
    format!(r#"{{"type":"object","required":["{name}"],"properties":{{"{name}":{schema}}}}}"#)
}

#[test]
fn scalar_formats() {
    let cases = [
        (r#"{"type":"string"}"#, Ty::String),
        (r#"{"type":"string","format":"uuid"}"#, Ty::Uuid),
        (r#"{"type":"string","format":"date-time"}"#, Ty::DateTime),
        (r#"{"type":"string","format":"date"}"#, Ty::Date),
        (r#"{"type":"string","format":"uri"}"#, Ty::String),
        (r#"{"type":"integer"}"#, Ty::I64),
        (r#"{"type":"integer","format":"int32"}"#, Ty::I32),
        (r#"{"type":"integer","format":"int64"}"#, Ty::I64),
        (r#"{"type":"number"}"#, Ty::F64),
        (r#"{"type":"number","format":"float"}"#, Ty::F32),
        (r#"{"type":"boolean"}"#, Ty::Bool),
        (r#"{}"#, Ty::Json),
        (r#"{"type":"object"}"#, Ty::JsonObject),
        (
            r#"{"type":"array","items":{"type":"string"}}"#,
            Ty::Vec(Box::new(Ty::String)),
        ),
        (
            r#"{"type":"object","additionalProperties":{"type":"integer"}}"#,
            Ty::Map(Box::new(Ty::I64)),
        ),
        (
            r#"{"type":"object","additionalProperties":true}"#,
            Ty::JsonObject,
        ),
    ];
    for (schema, expected) in cases {
        with_model(&property("v", schema), "{}", |model| {
            let fields = struct_fields(&model.types, &success_ty(model));
            assert_eq!(fields[0].1, expected, "{schema}");
        });
    }
}

#[test]
fn nullable_and_optional_fields_are_options() {
    let schema = r#"{"type":"object","required":["a","b"],"properties":{
        "a":{"type":"string"},"b":{"type":"string","nullable":true},"c":{"type":"string"}}}"#;
    with_model(schema, "{}", |model| {
        let fields = struct_fields(&model.types, &success_ty(model));
        let optional: Vec<bool> = fields.iter().map(|f| f.2).collect();
        assert_eq!(optional, [false, true, true]);
    });
}

#[test]
fn all_of_prefers_the_concrete_schema_over_a_free_form_object() {
    let components = r#"{
        "Envelope":{"type":"object","required":["success"],"properties":{
            "data":{"type":"object"},"success":{"type":"boolean"}}},
        "Item":{"type":"object","required":["id"],"properties":{"id":{"type":"string"}}}}"#;
    let schema = r##"{"allOf":[{"$ref":"#/components/schemas/Envelope"},
        {"type":"object","required":["data"],"properties":{"data":{"$ref":"#/components/schemas/Item"}}}]}"##;
    with_model(schema, components, |model| {
        let ty = success_ty(model);
        let Ty::Named(id) = &ty else { panic!() };
        assert_eq!(model.types.def(*id).name, "GetThingResponse");
        let fields = struct_fields(&model.types, &ty);
        assert_eq!(fields.len(), 2);
        assert_eq!(fields[0].0, "data");
        assert!(!fields[0].2, "data is required by the second branch");
        let Ty::Named(item) = &fields[0].1 else {
            panic!("data should be Item")
        };
        assert_eq!(model.types.def(*item).name, "Item");
        assert_eq!(fields[1], ("success".into(), Ty::Bool, false));
    });
}

#[test]
fn recursive_schemas_are_boxed_only_where_needed() {
    let components = r##"{"Node":{"type":"object","properties":{
        "child":{"$ref":"#/components/schemas/Node"},
        "children":{"type":"array","items":{"$ref":"#/components/schemas/Node"}}}}}"##;
    with_model(
        r##"{"$ref":"#/components/schemas/Node"}"##,
        components,
        |model| {
            let Ty::Named(id) = success_ty(model) else {
                panic!()
            };
            let Kind::Struct(s) = &model.types.def(id).kind else {
                panic!()
            };
            let boxed: Vec<bool> = s.fields.iter().map(|f| f.boxed).collect();
            assert_eq!(boxed, [true, false]);
        },
    );
}

#[test]
fn inline_objects_are_named_after_where_they_stand() {
    let schema = property(
        "error",
        r#"{"type":"object","properties":{"code":{"type":"integer"}}}"#,
    );
    with_model(&schema, "{}", |model| {
        let fields = struct_fields(&model.types, &success_ty(model));
        let Ty::Named(id) = &fields[0].1 else {
            panic!()
        };
        // The property's name after the operation's; the role (`Response`) left out.
        assert_eq!(model.types.def(*id).name, "GetThingError");
    });
}

#[test]
fn component_names_that_collide_after_case_conversion_stay_distinct() {
    let components = r#"{"stream_liveInput":{"type":"object","properties":{"a":{"type":"string"}}},
        "stream_live_input":{"type":"object","properties":{"b":{"type":"string"}}}}"#;
    let schema = r##"{"type":"object","properties":{
        "x":{"$ref":"#/components/schemas/stream_liveInput"},
        "y":{"$ref":"#/components/schemas/stream_live_input"}}}"##;
    with_model(schema, components, |model| {
        let names: Vec<&str> = model.types.defs().map(|(_, d)| d.name.as_str()).collect();
        assert!(names.contains(&"LiveInput"), "{names:?}");
        assert!(names.contains(&"LiveInput2"), "{names:?}");
    });
}

#[test]
fn string_enums_have_an_unknown_value_fallback() {
    let schema = property(
        "status",
        r#"{"type":"string","enum":["active","in_progress",""]}"#,
    );
    with_model(&schema, "{}", |model| {
        let fields = struct_fields(&model.types, &success_ty(model));
        let Ty::Named(id) = &fields[0].1 else {
            panic!()
        };
        let Kind::Enum { variants, fallback } = &model.types.def(*id).kind else {
            panic!()
        };
        let names: Vec<&str> = variants.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names, ["Active", "InProgress", "Empty"]);
        assert_eq!(fallback, "UnknownValue");
    });
}

#[test]
fn integral_numbers_by_their_witnesses_and_namesakes() {
    let schema = r##"{"type":"object","properties":{
        "example":{"type":"number","example":3},
        "plain":{"type":"number"},
        "count":{"type":"number"},
        "total":{"anyOf":[{"type":"number"},{"nullable":true}]},
        "shared":{"$ref":"#/components/schemas/Plain"},
        "counted":{"$ref":"#/components/schemas/Counted"},
        "fraction":{"type":"number","example":3,"multipleOf":0.5},
        "either":{"oneOf":[{"type":"number","example":1},{"type":"string"}]}}}"##;
    let components = r#"{
        "Plain":{"type":"number"},
        "Counted":{"type":"number","example":10},
        "Other":{"type":"object","properties":{
            "count":{"type":"integer"},"total":{"type":"integer"},"shared":{"type":"integer"}}}}"#;
    with_model(schema, components, |model| {
        let fields = struct_fields(&model.types, &success_ty(model));
        let types: Vec<(&str, &Ty)> = fields.iter().map(|f| (f.0.as_str(), &f.1)).collect();
        assert_eq!(
            types[..7],
            [
                ("example", &Ty::IntegralNumber),
                ("plain", &Ty::F64),
                // An integer namesake, also through a nullable `anyOf`.
                ("count", &Ty::IntegralNumber),
                ("total", &Ty::IntegralNumber),
                // A referenced schema has one type for every user: its own witnesses decide.
                ("shared", &Ty::F64),
                ("counted", &Ty::IntegralNumber),
                ("fraction", &Ty::F64),
            ]
        );
        // Untagged union variants decode through serde's derive: `f64`.
        let Ty::Named(id) = types[7].1 else { panic!() };
        let Kind::Union { variants, .. } = &model.types.def(*id).kind else {
            panic!()
        };
        assert_eq!(variants[0].ty, Ty::F64);
    });
    // A whole body is decoded by plain serde: `f64`.
    with_model(r#"{"type":"number","example":3}"#, "{}", |model| {
        assert_eq!(success_ty(model), Ty::F64);
    });
}

#[test]
fn one_of_scalars_orders_variants_for_untagged_decoding() {
    let schema = property(
        "value",
        r#"{"oneOf":[{"type":"string"},{"type":"number"},{"type":"boolean"}],"nullable":true}"#,
    );
    with_model(&schema, "{}", |model| {
        let fields = struct_fields(&model.types, &success_ty(model));
        assert!(fields[0].2, "nullable union is optional");
        let Ty::Named(id) = &fields[0].1 else {
            panic!()
        };
        let Kind::Union { variants, .. } = &model.types.def(*id).kind else {
            panic!()
        };
        let order: Vec<&Ty> = variants.iter().map(|v| &v.ty).collect();
        assert_eq!(order, [&Ty::Bool, &Ty::F64, &Ty::String]);
    });
}

#[test]
fn awkward_property_names_become_valid_distinct_fields() {
    let schema = r#"{"type":"object","properties":{"type":{"type":"string"},
        "5_or_greater":{"type":"string"},"600":{"type":"string"},"user_Id":{"type":"string"},
        "userId":{"type":"string"},"TLSv1.1":{"type":"string"}}}"#;
    with_model(schema, "{}", |model| {
        let fields = struct_fields(&model.types, &success_ty(model));
        let names: Vec<&str> = fields.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(
            names,
            [
                "type_",
                "n5_or_greater",
                "n600",
                "user_id",
                "user_id_2",
                "tl_sv1_1"
            ]
        );
    });
}

#[test]
fn schemas_named_like_the_clients_own_types_get_a_suffix() {
    let components = r#"{"Error":{"type":"object","properties":{"code":{"type":"integer"}}}}"#;
    let schema =
        r##"{"type":"object","properties":{"error":{"$ref":"#/components/schemas/Error"}}}"##;
    with_model(schema, components, |model| {
        let names: Vec<&str> = model.types.defs().map(|(_, d)| d.name.as_str()).collect();
        assert!(names.contains(&"ErrorModel"), "{names:?}");
    });
}

#[test]
fn list_variants_of_unions_are_named_after_their_items() {
    let schema = property(
        "prompt",
        r#"{"oneOf":[{"type":"string"},{"type":"array","items":{"type":"string"}},
            {"type":"array","items":{"type":"integer"}},
            {"type":"array","items":{"type":"array","items":{"type":"integer"}}}]}"#,
    );
    with_model(&schema, "{}", |model| {
        let fields = struct_fields(&model.types, &success_ty(model));
        let Ty::Named(id) = &fields[0].1 else {
            panic!()
        };
        let Kind::Union { variants, .. } = &model.types.def(*id).kind else {
            panic!()
        };
        let mut names: Vec<&str> = variants.iter().map(|v| v.name.as_str()).collect();
        names.sort();
        assert_eq!(
            names,
            ["IntegerList", "IntegerListList", "String", "StringList"]
        );
    });
}

#[test]
fn a_typeless_nullable_branch_is_null_and_struct_variants_are_boxed() {
    let components = r##"{
        "Card": {"type":"object","properties":{"account":{"anyOf":[{"type":"string"},{"$ref":"#/components/schemas/Account"}]}}},
        "Account": {"type":"object","properties":{"cards":{"type":"array","items":{"anyOf":[{"type":"string"},{"$ref":"#/components/schemas/Card"}]}}}}}"##;
    let schema = property(
        "latest",
        r##"{"anyOf":[{"$ref":"#/components/schemas/Card"},{"nullable":true}]}"##,
    );
    with_model(&schema, components, |model| {
        let fields = struct_fields(&model.types, &success_ty(model));
        assert!(fields[0].2, "nullable");
        let Ty::Named(card) = &fields[0].1 else {
            panic!("the Card itself, not a union")
        };
        assert_eq!(model.types.def(*card).name, "Card");
        let unions: Vec<(String, Vec<(String, bool)>)> = model
            .types
            .defs()
            .filter_map(|(_, d)| match &d.kind {
                Kind::Union { variants, .. } => Some((
                    d.name.clone(),
                    variants.iter().map(|v| (v.name.clone(), v.boxed)).collect(),
                )),
                _ => None,
            })
            .collect();
        assert!(
            unions
                .iter()
                .any(|(_, v)| v == &[("String".to_string(), false), ("Card".to_string(), true)]),
            "variants named after the type even while it is being built, structs boxed: {unions:?}"
        );
    });
}
