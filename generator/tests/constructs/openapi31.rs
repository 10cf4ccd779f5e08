//! OpenAPI 3.1: each JSON Schema 2020-12 construct of `fixtures/openapi31.yaml` decodes into the
//! Rust type it was lowered to and serializes back to the same JSON.

use openapi31_fixture::types::*;
use serde_json::{Value, json};

fn decode<T: serde::de::DeserializeOwned>(value: &Value) -> T {
    serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{e}\n{value:#}"))
}

fn roundtrip<T: serde::de::DeserializeOwned + serde::Serialize>(value: Value) -> T {
    let decoded: T = decode(&value);
    assert_eq!(serde_json::to_value(&decoded).unwrap(), value);
    decoded
}

/// Decodes `value`; written back, it is `value` without its optional fields that were `null`
/// (an optional field is `None` whether absent or `null`, and `None` is left out).
fn roundtrip_without<T: serde::de::DeserializeOwned + serde::Serialize>(
    value: Value,
    null_optional: &[&str],
) -> T {
    let decoded: T = decode(&value);
    let mut expected = value;
    for key in null_optional {
        assert_eq!(expected[*key], Value::Null);
        expected.as_object_mut().unwrap().remove(*key);
    }
    assert_eq!(serde_json::to_value(&decoded).unwrap(), expected);
    decoded
}

fn device(extra: Value) -> Value {
    let mut device = json!({
        "id": "dev-1",
        "kind": "device",
        "name": "Thermometer",
        "status": "active",
        "priority": 2,
        "value": "warm",
        "position": [52.52, 13.405],
        "owner": {"email": "ops@example.com"},
    });
    for (key, value) in extra.as_object().unwrap() {
        device[key] = value.clone();
    }
    device
}

#[test]
fn type_arrays_with_null_are_options() {
    // `type: [string, 'null']`, required: `Option<String>`, written back as `null`.
    let d: Device = roundtrip(device(json!({"name": null, "tags": ["a", "b"]})));
    assert_eq!(d.name, None);
    assert_eq!(
        d.tags.as_deref(),
        Some(&["a".to_string(), "b".to_string()][..])
    );
    let d: Device = roundtrip(device(json!({})));
    assert_eq!(d.name.as_deref(), Some("Thermometer"));
    assert_eq!(d.tags, None);
}

#[test]
fn type_arrays_of_several_types_are_unions() {
    let d: Device = roundtrip(device(json!({"value": 7})));
    assert_eq!(d.value, DeviceValue::Integer(7));
    let d: Device = roundtrip(device(json!({"value": "seven"})));
    assert_eq!(d.value, DeviceValue::String("seven".into()));
}

#[test]
fn null_branches_of_any_of_make_options() {
    let d: Device = roundtrip(device(json!({"owner": null})));
    assert_eq!(d.owner, None);
    // The owner was found by `$anchor`, its team through `$defs` from the owner's `$id`.
    let d: Device = roundtrip(device(json!({"owner": {"email": "a@b.c", "team": "lab"}})));
    let owner: Owner = d.owner.unwrap();
    assert_eq!(owner.team, Some(Team::Lab));
}

#[test]
fn constants_and_documented_constants_are_enums() {
    let d: Device = roundtrip(device(json!({"status": "retired"})));
    assert_eq!(d.kind, DeviceKind::Device);
    assert_eq!(d.status, DeviceStatus::Retired);
    let d: Device = roundtrip(device(json!({"status": "stolen"})));
    assert_eq!(d.status, DeviceStatus::UnknownValue("stolen".into()));
    // Integer constants with titles: an integer enum, its variants named after the titles.
    assert_eq!(d.priority, DevicePriority::High);
    let d: Device = roundtrip(device(json!({"priority": 1})));
    assert_eq!(d.priority, DevicePriority::Low);
    let d: Device = roundtrip(device(json!({"priority": 3})));
    assert_eq!(d.priority, DevicePriority::UnknownValue(3));
    assert!(serde_json::from_value::<Device>(device(json!({"priority": "1"}))).is_err());
}

#[test]
fn numeric_and_boolean_exclusive_bounds_and_examples_read() {
    let d: Device = roundtrip_without(
        device(json!({"weight": 0.5, "legacy_weight": null, "id": "dev-2"})),
        &["legacy_weight"],
    );
    assert_eq!(d.weight, Some(0.5));
    assert_eq!(d.legacy_weight, None);
    assert_eq!(d.id, "dev-2");
}

#[test]
fn references_with_siblings_apply_them() {
    // `{$ref: Location, type: [object, 'null']}`: the reference, or null.
    let d: Device = roundtrip_without(
        device(json!({
            "location": {"site": "Berlin", "floor": 3},
            "previous_location": null,
        })),
        &["previous_location"],
    );
    assert_eq!(d.location.as_ref().map(|l| l.site.as_str()), Some("Berlin"));
    assert_eq!(d.location.unwrap().floor, Some(3));
    assert_eq!(d.previous_location, None);
}

#[test]
fn definitions_are_types_named_after_their_keys() {
    let d: Device = roundtrip(device(
        json!({"firmware": {"version": "1.2", "signed": true}}),
    ));
    let firmware: Firmware = d.firmware.unwrap();
    assert_eq!(firmware.signed, Some(true));
    let firmware: Firmware =
        roundtrip_without(json!({"version": "1.2", "signed": null}), &["signed"]);
    assert_eq!(firmware.version, "1.2");
    assert_eq!(firmware.signed, None);
}

#[test]
fn prefix_items_are_tuples() {
    let d: Device = roundtrip(device(json!({"position": [-33.87, 151.21]})));
    assert_eq!(d.position, (-33.87, 151.21));
    // A third item is not a position.
    let three = device(json!({"position": [1.0, 2.0, 3.0]}));
    assert!(serde_json::from_value::<Device>(three).is_err());
}

#[test]
fn base64_text_and_maps_from_pattern_and_unevaluated_properties() {
    let d: Device = roundtrip(device(json!({
        "thumbnail": "iVBORw0KGgo=",
        "labels": {"room": "lab", "rack": "7"},
        "counters": {"reboots": 3},
        "flags": {"beta": true},
    })));
    assert_eq!(d.thumbnail.as_deref(), Some("iVBORw0KGgo="));
    assert_eq!(d.labels.unwrap()["room"], "lab");
    assert_eq!(d.counters.unwrap()["reboots"], 3);
    assert!(d.flags.unwrap()["beta"]);
}

#[test]
fn webhook_payloads_are_types() {
    let moved: DeviceMovedPayload = roundtrip_without(
        json!({
            "device_id": "dev-1",
            "to": {"site": "Lisbon"},
            "from": null,
        }),
        &["from"],
    );
    assert_eq!(moved.to.site, "Lisbon");
    assert_eq!(moved.from, None);
    let moved: DeviceMovedPayload = roundtrip(json!({
        "device_id": "dev-1",
        "to": {"site": "Lisbon"},
        "from": {"site": "Porto", "floor": 0},
    }));
    assert_eq!(moved.from.unwrap().site, "Porto");
}

#[test]
fn parameters_described_by_content_and_binary_parts_build() {
    let request = openapi31_fixture::ListDevicesRequest {
        filter: Some(ListDevicesFilter {
            kind: Some("sensor".into()),
            min_weight: Some(0.5),
        }),
    };
    assert_eq!(
        serde_json::to_value(request.filter.as_ref().unwrap()).unwrap(),
        json!({"kind": "sensor", "min_weight": 0.5})
    );
    let body = openapi31_fixture::UploadFirmwareBody {
        image: openapi31_fixture::Upload::new("firmware.bin", vec![0x7f, b'E', b'L', b'F']),
        checksum: Some("q83v".into()),
    };
    assert_eq!(body.checksum.as_deref(), Some("q83v"));
}
