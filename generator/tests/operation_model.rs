//! Unit tests of how operations are normalized: parameters merged, query styles, bodies,
//! success payloads, error bodies, security alternatives and groups.

// The library is published as `openapi-client-codegen`; these tests call it `generator`.
extern crate openapi_client_codegen as generator;

use generator::load::load;
use generator::model::operations::{BodyKind, Location, Payload, QueryRendering, Success};
use generator::model::security::SchemeKind;
use generator::model::{Model, build};

fn with_model(yaml: &str, check: impl FnOnce(&Model)) {
    let doc = load(yaml).unwrap();
    let model = build(&doc, &Default::default()).unwrap();
    assert!(model.skipped.is_empty(), "{:?}", model.skipped);
    check(&model);
}

const SPEC: &str = r##"
openapi: 3.0.3
info: {title: Example API, version: "1"}
security:
  - api_email: []
    api_key: []
  - api_token: []
paths:
  /accounts/{account_id}/things:
    parameters:
      - {name: account_id, in: path, required: true, description: path level, schema: {type: string}}
      - {name: page, in: query, schema: {type: integer}}
    get:
      tags: [Things]
      operationId: listThings
      parameters:
        - {name: account_id, in: path, required: true, description: operation level, schema: {type: string, format: uuid}}
        - {name: status, in: query, explode: false, schema: {type: array, items: {type: string}}}
        - {name: filter, in: query, style: deepObject, schema: {type: object, properties: {a: {type: string}}}}
        - {name: X-Request-Id, in: header, schema: {type: string}}
        - {name: Accept, in: header, schema: {type: string}}
        - {name: where, in: query, content: {application/json: {schema: {type: object, properties: {a: {type: integer}}}}}}
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: array, items: {type: string}}}}}
        4XX: {description: bad, content: {application/json: {schema: {$ref: "#/components/schemas/Problem"}}}}
    post:
      tags: [Things]
      operationId: create-thing
      security: [{api_token: []}, {}]
      requestBody:
        required: true
        content:
          application/x-www-form-urlencoded: {schema: {type: object, properties: {name: {type: string}}}}
          text/plain: {schema: {type: string}}
      responses:
        "201": {description: created, content: {application/json: {schema: {type: object, properties: {id: {type: string}}}}}}
        "204": {description: empty}
  /files:
    put:
      operationId: UploadFile
      security: []
      requestBody:
        content:
          multipart/form-data:
            schema:
              type: object
              required: [file]
              properties:
                file: {type: string, format: binary}
                note: {type: string}
      responses:
        "200": {description: ok, content: {image/png: {schema: {type: string, format: binary}}}}
    delete:
      requestBody: {content: {}}
      responses:
        "204": {description: gone}
components:
  securitySchemes:
    api_email: {type: apiKey, in: header, name: X-Auth-Email}
    api_key: {type: apiKey, in: header, name: X-Auth-Key}
    api_token: {type: http, scheme: bearer}
    session: {type: apiKey, in: cookie, name: sid}
  schemas:
    Problem: {type: object, properties: {title: {type: string}}}
"##;

#[test]
fn operation_level_parameters_win_and_path_level_ones_are_kept() {
    with_model(SPEC, |model| {
        let list = &model.operations[0];
        assert_eq!(list.fn_name, "list_things");
        let names: Vec<&str> = list.params.iter().map(|p| p.wire_name.as_str()).collect();
        assert_eq!(
            names,
            [
                "account_id",
                "page",
                "status",
                "filter",
                "X-Request-Id",
                "where"
            ]
        );
        assert_eq!(list.params[0].doc.as_deref(), Some("operation level"));
        assert_eq!(list.params[4].name, "x_request_id");
        assert_eq!(list.params[4].location, Location::Header);
    });
}

#[test]
fn query_styles_follow_style_and_explode() {
    with_model(SPEC, |model| {
        let styles: Vec<Location> = model.operations[0].params[1..4]
            .iter()
            .map(|p| p.location)
            .collect();
        assert_eq!(
            styles,
            [
                Location::Query(QueryRendering::Form),
                Location::Query(QueryRendering::FormUnexploded),
                Location::Query(QueryRendering::DeepObject),
            ]
        );
        assert_eq!(model.operations[0].params[5].name, "where_");
        assert_eq!(
            model.operations[0].params[5].location,
            Location::Query(QueryRendering::Json),
            "`content: application/json` is sent as JSON text"
        );
    });
}

#[test]
fn bodies_prefer_json_then_forms_then_text_and_content_without_media_is_no_body() {
    with_model(SPEC, |model| {
        let create = &model.operations[1];
        assert_eq!(create.fn_name, "create_thing");
        assert!(matches!(
            create.body.as_ref().unwrap().kind,
            BodyKind::Form(_)
        ));
        let upload = &model.operations[2];
        let BodyKind::Multipart { fields, .. } = &upload.body.as_ref().unwrap().kind else {
            panic!()
        };
        assert_eq!(fields.len(), 2);
        assert_eq!(fields[0].ty, generator::model::types::Ty::Upload);
        assert!(fields[0].required && !fields[1].required);
        let delete = &model.operations[3];
        assert!(delete.body.is_none(), "`content: {{}}` sends no body");
        assert_eq!(
            delete.fn_name, "delete_files",
            "a name from method and path"
        );
    });
}

#[test]
fn success_payloads_and_error_bodies() {
    with_model(SPEC, |model| {
        let list = &model.operations[0];
        assert!(matches!(list.success, Success::One(Payload::Json(_))));
        assert_eq!(list.errors.len(), 1);
        assert_eq!(list.errors[0].status, "4XX");
        let Success::Many { enum_name, cases } = &model.operations[1].success else {
            panic!()
        };
        assert_eq!(enum_name, "CreateThingResponse");
        let variants: Vec<&str> = cases.iter().map(|c| c.variant.as_str()).collect();
        assert_eq!(variants, ["Created", "NoContent"]);
        assert_eq!(
            model.operations[2].success,
            Success::One(Payload::Bytes("image/png".into()))
        );
    });
}

#[test]
fn security_alternatives_and_schemes() {
    with_model(SPEC, |model| {
        let kinds: Vec<(&str, &SchemeKind)> = model
            .schemes
            .iter()
            .map(|s| (s.credential.as_str(), &s.kind))
            .collect();
        assert_eq!(
            kinds,
            [
                ("api_email", &SchemeKind::Header("X-Auth-Email".into())),
                ("api_key", &SchemeKind::Header("X-Auth-Key".into())),
                ("token", &SchemeKind::Bearer),
            ],
            "cookie schemes are not offered"
        );
        assert_eq!(model.operations[0].auth, vec![vec![0, 1], vec![2]]);
        assert_eq!(
            model.operations[1].auth,
            vec![vec![2], vec![]],
            "anonymous last"
        );
        assert!(model.operations[2].auth.is_empty());
    });
}

#[test]
fn operations_are_grouped_by_tag_or_first_path_segment() {
    with_model(SPEC, |model| {
        let groups: Vec<(&str, &str, usize)> = model
            .groups
            .iter()
            .map(|g| {
                (
                    g.module.as_str(),
                    g.struct_name.as_str(),
                    g.operations.len(),
                )
            })
            .collect();
        assert_eq!(
            groups,
            [("things", "ThingsApi", 2), ("files", "FilesApi", 2)]
        );
    });
}

#[test]
fn an_operation_accepting_only_unsupported_schemes_is_skipped() {
    let spec = SPEC.replace("      security: []\n", "      security: [{session: []}]\n");
    let doc = load(&spec).unwrap();
    let model = build(&doc, &Default::default()).unwrap();
    assert_eq!(model.skipped.len(), 1);
    assert!(
        model.skipped[0].message.contains("UploadFile"),
        "{}",
        model.skipped[0].message
    );
    assert!(
        model.skipped[0].message.contains("session"),
        "{}",
        model.skipped[0].message
    );
}

const NO_SECURITY: &str = r##"
openapi: 3.0.3
info: {title: Data API, version: "1"}
servers: [{url: "https://api.clever.com/v3.0"}]
paths:
  /chat:
    post:
      operationId: createChat
      parameters:
        - $ref: "#/components/parameters/fmt"
        - {name: session, in: query, schema: {type: string, format: uuid}}
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: "#/components/schemas/CreateChatRequest"}}}
      responses:
        "200": {description: ok}
  /other:
    get:
      operationId: getOther
      parameters: [{$ref: "#/components/parameters/fmt"}]
      responses:
        "200": {description: ok}
components:
  parameters:
    fmt: {in: query, name: format, schema: {type: string, enum: [json, html]}}
  schemas:
    CreateChatRequest: {type: object, properties: {model: {type: string}}}
"##;

#[test]
fn a_request_struct_never_takes_a_numbered_name() {
    with_model(NO_SECURITY, |model| {
        assert_eq!(
            model.operations[0].request_name.as_deref(),
            Some("CreateChatParams")
        );
        assert_eq!(
            model.operations[1].request_name.as_deref(),
            Some("GetOtherRequest")
        );
    });
}

#[test]
fn shared_parameters_name_their_types_after_themselves() {
    with_model(NO_SECURITY, |model| {
        let generator::model::types::Ty::Named(id) = &model.operations[0].params[0].ty else {
            panic!("an enum")
        };
        assert_eq!(model.types.def(*id).name, "Format");
        assert_eq!(
            model.operations[1].params[0].ty,
            model.operations[0].params[0].ty
        );
    });
}

#[test]
fn uuid_query_parameters_stay_strings() {
    with_model(NO_SECURITY, |model| {
        assert_eq!(
            model.operations[0].params[1].ty,
            generator::model::types::Ty::String
        );
    });
}

#[test]
fn a_spec_without_security_sends_a_bearer_token_when_the_client_has_one() {
    with_model(NO_SECURITY, |model| {
        assert_eq!(model.schemes.len(), 1);
        assert_eq!(model.schemes[0].kind, SchemeKind::Bearer);
        assert_eq!(model.operations[0].auth, vec![vec![0], vec![]], "optional");
    });
    let options = generator::Options {
        config: Default::default(),
        crate_name: "clever".into(),
        spec_label: "clever.yaml".into(),
        regenerate_command: "cargo test".into(),
        env_prefix: None,
        strict: true,
        skip_invalid: false,
        overlays: Vec::new(),
        extra_dev_dependencies: Vec::new(),
    };
    let lib = &generator::generate(NO_SECURITY, &options).unwrap().files["src/lib.rs"];
    assert!(
        lib.contains("(\"token\", \"CLEVER_API_TOKEN\")"),
        "prefix from the server's domain:\n{lib}"
    );
    assert!(
        lib.contains("pub const CREDENTIALS_REQUIRED: bool = false;"),
        "{lib}"
    );
}

#[test]
fn path_parameters_generate_no_types_and_groups_skip_versions_and_templates() {
    let spec = r##"
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /v1/customers/{id}:
    get:
      parameters:
        - {name: id, in: path, required: true, schema: {type: string, enum: [a, b]}}
        - {name: n, in: query, schema: {type: object, properties: {}, additionalProperties: false}}
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema: {type: object, properties: {}, additionalProperties: false}
      responses:
        "200": {description: ok}
  /Accounts{ext}:
    get:
      parameters: [{name: ext, in: path, required: true, schema: {type: string}}]
      responses:
        "200": {description: ok}
"##;
    with_model(spec, |model| {
        assert_eq!(model.types.defs().count(), 0, "no type for the path enum");
        assert_eq!(
            model.operations[0].params[0].ty,
            generator::model::types::Ty::String
        );
        assert!(
            model.operations[0].body.is_none(),
            "an object allowing no property is no body"
        );
        let groups: Vec<(&str, &str)> = model
            .groups
            .iter()
            .map(|g| (g.module.as_str(), g.about.as_str()))
            .collect();
        assert_eq!(
            groups,
            [
                ("customers", "under `/customers`"),
                ("accounts", "under `/Accounts`")
            ]
        );
    });
}
