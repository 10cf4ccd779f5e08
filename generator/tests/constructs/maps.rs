//! Maps: `additionalProperties` with a scalar schema, inline objects and arrays of inline
//! objects, `true`, free-form objects, a top-level map and named properties next to a map.

use maps_fixture::types::*;
use serde_json::{Value, json};

fn decode<T: serde::de::DeserializeOwned>(value: &Value) -> T {
    serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{e}\n{value:#}"))
}

fn round_trip<T: serde::Serialize>(decoded: &T, original: &Value) {
    assert_eq!(&serde_json::to_value(decoded).unwrap(), original);
}

#[test]
fn maps_of_scalars_objects_and_arrays() {
    let json = json!({
        "since": "2024-05-01T00:00:00Z",
        "requests": {
            "all": 1234567,
            "country": {"US": 800000, "DE": 300000, "JP": 134567},
            "http_status": {
                "200": {"requests": 1200000, "bytes": 9876543210u64},
                "404": {"requests": 34567}
            },
            "content_type": {
                "html": [{"extension": "html", "requests": 500000}],
                "empty": [],
                "images": [{"extension": "png", "requests": 100}, {"extension": "webp"}]
            }
        },
        "labels": {"env": "production", "team": "edge"},
        "settings": {"always_online": "on", "nested": {"depth": [1, 2, 3]}, "ttl": 3600},
        "raw": {"anything": null, "goes": [true, "x"]},
        "colo": {"name": "FRA", "p50": 12.5, "p99": 180.25}
    });
    let dashboard: Dashboard = decode(&json);
    let requests = &dashboard.requests;
    assert_eq!(requests.all, 1234567);
    let country = requests.country.as_ref().unwrap();
    assert_eq!(country.len(), 3);
    assert_eq!(country["DE"], 300000);

    let status: &std::collections::BTreeMap<String, DashboardHttpStatusValue> =
        requests.http_status.as_ref().unwrap();
    assert_eq!(status["200"].requests, 1200000);
    assert_eq!(status["200"].bytes, Some(9876543210));
    assert_eq!(status["404"].bytes, None);

    let content = requests.content_type.as_ref().unwrap();
    let images: &Vec<DashboardContentTypeValueItem> = &content["images"];
    assert_eq!(images.len(), 2);
    assert_eq!(images[0].extension.as_deref(), Some("png"));
    assert_eq!(images[1].requests, None);
    assert!(content["empty"].is_empty());

    assert_eq!(dashboard.labels.as_ref().unwrap()["team"], "edge");
    let settings = dashboard.settings.as_ref().unwrap();
    assert_eq!(settings["ttl"], json!(3600));
    assert_eq!(settings["nested"], json!({"depth": [1, 2, 3]}));
    assert_eq!(dashboard.raw.as_ref().unwrap()["anything"], Value::Null);

    let colo = dashboard.colo.as_ref().unwrap();
    assert_eq!(colo.name, "FRA");
    assert_eq!(colo.additional_properties.len(), 2);
    assert_eq!(colo.additional_properties["p99"], 180.25);

    round_trip(&dashboard, &json);
}

#[test]
fn a_wrong_value_type_in_a_map_is_an_error() {
    let json = json!({"since": "x", "requests": {"all": 1, "country": {"US": "many"}}});
    assert!(serde_json::from_value::<Dashboard>(json).is_err());
}

#[test]
fn top_level_map_response() {
    // `repos/list-languages` returns `additionalProperties: {type: integer}` itself (its
    // method's return type is checked by `constructs.rs`).
    let json = json!({"Rust": 402117, "Shell": 1520, "Dockerfile": 312});
    let languages: std::collections::BTreeMap<String, i64> = decode(&json);
    assert_eq!(languages["Rust"], 402117);
    round_trip(&languages, &json);
}
