//! Formats: date-time, date and uuid are typed; uri, email, hostname, ipv4, ipv6, binary and
//! byte stay strings; int32/int64/float/double keep their width.

use formats_fixture::types::*;
use serde_json::{Value, json};

fn decode<T: serde::de::DeserializeOwned>(value: &Value) -> T {
    serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{e}\n{value:#}"))
}

fn device_json() -> Value {
    json!({
        "id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        "created": "2024-03-01T12:34:56.789Z",
        "last_seen_date": "2024-02-29",
        "homepage": "https://example.com/devices/3fa85f64?ref=api",
        "contact": "noc@example.com",
        "hostname": "edge-01.fra.example.net",
        "ipv4": "203.0.113.42",
        "ipv6": "2001:db8::8a2e:370:7334",
        "port": 2147483647,
        "bytes_sent": 9007199254740993i64,
        "cpu_load": 0.75,
        "battery": 98.6,
        "firmware": "\u{0}\u{1}ELF",
        "thumbnail": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
        "uptime": 86400,
        "score": -1.5e-3,
        "tags": ["0b5c1e6e-7a8d-4c5a-9f3e-1d2c3b4a5f60"],
        "expires_at": null
    })
}

#[test]
fn every_format_decodes_and_round_trips() {
    let json = device_json();
    let device: Device = decode(&json);
    let id: uuid::Uuid = device.id;
    assert_eq!(id.to_string(), "3fa85f64-5717-4562-b3fc-2c963f66afa6");
    let created: chrono::DateTime<chrono::Utc> = device.created;
    assert_eq!(created.timestamp(), 1709296496);
    assert_eq!(created.timestamp_subsec_millis(), 789);
    let date: chrono::NaiveDate = device.last_seen_date;
    assert_eq!(date.to_string(), "2024-02-29");
    let strings: [&String; 7] = [
        &device.homepage,
        &device.contact,
        &device.hostname,
        &device.ipv4,
        &device.ipv6,
        &device.firmware,
        &device.thumbnail,
    ];
    assert_eq!(strings[3], "203.0.113.42");
    assert_eq!(strings[5], "\u{0}\u{1}ELF");
    let port: i32 = device.port;
    assert_eq!(port, i32::MAX);
    let bytes: i64 = device.bytes_sent;
    // Beyond 2^53: a 64-bit integer, not a float.
    assert_eq!(bytes, 9007199254740993);
    let cpu: f32 = device.cpu_load;
    assert_eq!(cpu, 0.75);
    let battery: f64 = device.battery;
    assert_eq!(battery, 98.6);
    assert_eq!(device.uptime, Some(86400));
    assert_eq!(device.score, Some(-0.0015));
    assert_eq!(device.tags.as_ref().unwrap()[0].get_version_num(), 4);
    assert_eq!(device.expires_at, None);

    let mut expected = json.clone();
    expected.as_object_mut().unwrap().remove("expires_at");
    assert_eq!(serde_json::to_value(&device).unwrap(), expected);
}

#[test]
fn malformed_typed_formats_are_errors() {
    for (field, bad) in [
        ("id", json!("not-a-uuid")),
        ("created", json!("yesterday")),
        ("last_seen_date", json!("2024-02-30")),
        ("port", json!(2147483648u64)),
    ] {
        let mut json = device_json();
        json[field] = bad;
        assert!(
            serde_json::from_value::<Device>(json).is_err(),
            "{field} should not decode"
        );
    }
}
