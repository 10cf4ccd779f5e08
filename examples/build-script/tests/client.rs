//! The client that build.rs generated works: its constants come from the configuration beside
//! the spec, and a call goes over HTTP and decodes its answer.

use petstore_build_script::{Client, ListPetsRequest};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[test]
fn the_configuration_beside_the_spec_applies() {
    assert_eq!(petstore_build_script::BASE_URL_ENV, "PETSTORE_BASE_URL");
    assert_eq!(
        petstore_build_script::DEFAULT_BASE_URL,
        "https://petstore.example.com/v1"
    );
}

#[tokio::test]
async fn a_call_goes_over_http_and_decodes() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/pets"))
        .and(query_param("limit", "2"))
        .and(header("authorization", "Bearer TOKEN"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-request-id", "req-1")
                .set_body_json(
                    serde_json::json!([{"id": 1, "name": "Rex", "tag": null, "age": 3}]),
                ),
        )
        .mount(&server)
        .await;
    let client = Client::builder()
        .token("TOKEN")
        .base_url(server.uri())
        .build()
        .unwrap();
    let request = ListPetsRequest { limit: Some(2) };
    let response = client
        .pets()
        .list_pets(&request)
        .with_response()
        .await
        .unwrap();
    assert_eq!(response.request_id(), Some("req-1"));
    assert_eq!(response[0].name, "Rex");
    assert_eq!(response[0].id, 1);
    // `age` is the overlay's (openapi/petstore.overlay.yaml).
    assert_eq!(response[0].age, Some(3));
}

/// The build script runs again only when the spec, its configuration or the overlay the
/// configuration names changes: those are the only files it tells cargo about (cargo keeps what a build script printed beside its
/// `OUT_DIR`).
#[test]
fn the_build_script_reruns_only_for_the_spec_its_configuration_and_overlay() {
    let out_dir = std::path::Path::new(env!("OUT_DIR"));
    let printed = std::fs::read_to_string(out_dir.parent().unwrap().join("output")).unwrap();
    let reruns: Vec<&str> = printed
        .lines()
        .filter_map(|l| l.strip_prefix("cargo:rerun-if-changed="))
        .collect();
    let manifest_dir = env!("CARGO_MANIFEST_DIR");
    assert_eq!(
        reruns,
        [
            format!("{manifest_dir}/openapi/petstore.yaml"),
            format!("{manifest_dir}/openapi/petstore.toml"),
            format!("{manifest_dir}/openapi/petstore.overlay.yaml"),
        ],
        "{printed}"
    );
    assert!(out_dir.join("petstore.rs").is_file());
}
