//! Numbers: a `type: number` with an integral witness (its example, default, enum values or
//! `multipleOf`, or a namesake declared `integer`) and no fractional one is an `i64` that users
//! write as `Some(100)`, and that still decodes from `100.0` or `1e2`; `100.5` is an error
//! naming the field. Fractional numbers and numbers without a witness stay `f64`, and a real
//! `type: integer` keeps its strict decoding.

use numbers_fixture::types::*;
use numbers_fixture::{CreateZoneRequest, ListRecordsRequest, ListZonesRequest};
use serde_json::{Value, json};

fn decode<T: serde::de::DeserializeOwned>(value: &Value) -> T {
    serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{e}\n{value:#}"))
}

/// What the client's response decoding reports for `text`: the path of the field that failed
/// and serde's message (the runtime's `Response::json` decodes with `serde_path_to_error` too).
fn decode_error<T: serde::de::DeserializeOwned + std::fmt::Debug>(text: &str) -> (String, String) {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let error = serde_path_to_error::deserialize::<_, T>(&mut deserializer).unwrap_err();
    (error.path().to_string(), error.inner().to_string())
}

#[test]
fn integral_parameters_are_written_as_integers() {
    let request = ListZonesRequest {
        // No witness of its own: `listRecords` declares `per_page` an integer.
        per_page: Some(100),
        page: Some(2),
        // `minimum: 1, example: 20`.
        limit: Some(20),
        // A whole bound and default alone, a fractional example, a fractional `multipleOf`: `f64`.
        min_size: Some(1.5),
        ratio: Some(2.5),
        step: Some(0.5),
        // A header: the query's `per_page` is no namesake of it.
        sample: Some(0.25),
    };
    let _: (Option<i64>, Option<i64>, Option<i64>) =
        (request.per_page, request.page, request.limit);
    let _: (Option<f64>, Option<f64>, Option<f64>, Option<f64>) = (
        request.min_size,
        request.ratio,
        request.step,
        request.sample,
    );
    let records = ListRecordsRequest {
        zone_no: 7,
        page: Some(1),
        per_page: Some(50),
    };
    let _: i64 = records.zone_no;
    let body = CreateZoneRequest {
        body: ZoneInput {
            name: "example.com".into(),
            ttl: Some(3600),
        },
    };
    assert_eq!(
        serde_json::to_value(&body.body).unwrap(),
        json!({"name": "example.com", "ttl": 3600})
    );
}

#[test]
fn whole_numbers_decode_whatever_their_spelling() {
    let text = r#"{
        "total_count": 100.0,
        "per_page": 1e2,
        "score": 0.5,
        "weight": 12.25,
        "ratio": 0.01,
        "sizes": [512, 1024.0, 2e3],
        "quotas": {"dns": 10.0, "workers": 3},
        "level": 2.0,
        "retries": null,
        "label": 1.5,
        "paging": {"per_page": 20},
        "extras": {"count": 4.0, "cpus": 8.0, "disks": 2},
        "result": [{"name": "example.com", "ttl": 300.0}]
    }"#;
    let list: ZoneList = serde_json::from_str(text).unwrap();
    let total: i64 = list.total_count;
    assert_eq!(total, 100);
    assert_eq!(list.per_page, Some(100));
    assert_eq!(list.score, Some(0.5));
    assert_eq!(list.weight, Some(12.25));
    assert_eq!(list.ratio, Some(0.01));
    assert_eq!(list.sizes, Some(vec![512, 1024, 2000]));
    let quotas = list.quotas.as_ref().unwrap();
    assert_eq!((quotas["dns"], quotas["workers"]), (10, 3));
    assert_eq!(list.level, Some(2));
    assert_eq!(list.retries, None);
    assert_eq!(list.label, Some(ZoneListLabel::Number(1.5)));
    assert_eq!(list.paging.as_ref().unwrap().per_page, Some(20));
    let extras = list.extras.as_ref().unwrap();
    assert_eq!(extras.count, Some(4));
    assert_eq!(extras.additional_properties["cpus"], 8);
    assert_eq!(extras.additional_properties["disks"], 2);
    let ttl: i64 = list.result[0].ttl;
    assert_eq!(ttl, 300);

    // Sent back as integers.
    let sent = serde_json::to_value(&list).unwrap();
    assert_eq!(sent["total_count"], json!(100));
    assert_eq!(sent["sizes"], json!([512, 1024, 2000]));
    assert_eq!(sent["quotas"], json!({"dns": 10, "workers": 3}));
    assert_eq!(sent["extras"], json!({"count": 4, "cpus": 8, "disks": 2}));
    assert_eq!(sent["result"][0]["ttl"], json!(300));

    // Integers as integers, of course; an absent required count is 0 (the lenient default).
    let list: ZoneList = decode(&json!({"total_count": 3, "result": []}));
    assert_eq!(list.total_count, 3);
    let list: ZoneList = decode(&json!({"result": []}));
    assert_eq!(list.total_count, 0);
}

#[test]
fn fractions_are_errors_naming_the_field() {
    let (path, message) = decode_error::<ZoneList>(r#"{"total_count": 100.5, "result": []}"#);
    assert_eq!(path, "total_count");
    assert!(
        message.contains("100.5") && message.contains("whole number"),
        "{message}"
    );

    let (path, _) =
        decode_error::<ZoneList>(r#"{"total_count": 1, "sizes": [1, 2.5], "result": []}"#);
    assert_eq!(path, "sizes[1]");
    let (path, _) = decode_error::<ZoneList>(r#"{"quotas": {"dns": 0.5}, "result": []}"#);
    assert_eq!(path, "quotas.dns");
    let (path, _) = decode_error::<ZoneList>(r#"{"result": [{"name": "a", "ttl": 1e30}]}"#);
    assert_eq!(path, "result[0].ttl");
    assert!(serde_json::from_value::<Extras>(json!({"count": 1.5})).is_err());
    assert!(serde_json::from_value::<Extras>(json!({"other": 1.5})).is_err());
    assert!(serde_json::from_value::<ZoneList>(json!({"total_count": "3"})).is_err());
}

#[test]
fn a_real_integer_stays_strict() {
    let (path, _) = decode_error::<ZoneList>(r#"{"paging": {"per_page": 100.0}, "result": []}"#);
    assert_eq!(path, "paging.per_page");
}
