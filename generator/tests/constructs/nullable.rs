//! Nullable: required nullable fields (scalar, allOf $ref, array, object, enum) are written back
//! as `null`; optional fields are `None` whether absent or null, and are left out.

use nullable_fixture::types::*;
use serde_json::{Value, json};

fn decode<T: serde::de::DeserializeOwned>(value: &Value) -> T {
    serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{e}\n{value:#}"))
}

#[test]
fn required_nullable_fields_present() {
    let json = json!({
        "id": "023e105f4ecef8ad9ca31a8372d0c353",
        "name": "example.com",
        "activated_on": "2014-01-02T00:01:00.123Z",
        "owner": {"id": "7c5dae5552338874e5053f2534d2767a", "name": "Example owner"},
        "vanity_name_servers": ["ns1.example.com", "ns2.example.com"],
        "meta": {"step": 2},
        "plan_id": "pro",
        "paused": false,
        "verification_key": "284344499-1084221259",
        "original_registrar": "GoDaddy",
        "tenant": {"id": "4f1e", "name": "Tenant"}
    });
    let zone: Zone = decode(&json);
    assert_eq!(
        serde_json::to_value(zone.activated_on).unwrap(),
        json!("2014-01-02T00:01:00.123Z")
    );
    let owner: &Account = zone.owner.as_ref().unwrap();
    assert_eq!(owner.name, "Example owner");
    assert_eq!(zone.vanity_name_servers.as_ref().unwrap().len(), 2);
    assert_eq!(zone.meta.as_ref().unwrap().step, Some(2));
    assert!(matches!(zone.plan_id, Some(ZonePlanId::Pro)));
    assert_eq!(
        zone.verification_key.as_deref(),
        Some("284344499-1084221259")
    );
    assert_eq!(zone.original_registrar.as_deref(), Some("GoDaddy"));
    assert_eq!(zone.tenant.as_ref().unwrap().id, "4f1e");
    assert_eq!(serde_json::to_value(&zone).unwrap(), json);
}

#[test]
fn required_nullable_fields_null() {
    let json = json!({
        "id": "023e105f4ecef8ad9ca31a8372d0c353",
        "name": "pending.example",
        "activated_on": null,
        "owner": null,
        "vanity_name_servers": null,
        "meta": null,
        "plan_id": null,
        "paused": true
    });
    let zone: Zone = decode(&json);
    assert_eq!(zone.activated_on, None);
    assert_eq!(zone.owner, None);
    assert_eq!(zone.vanity_name_servers, None);
    assert_eq!(zone.meta, None);
    assert_eq!(zone.plan_id, None);
    assert!(zone.paused);
    // Required nullable fields keep their `null`; absent optional fields stay absent.
    assert_eq!(serde_json::to_value(&zone).unwrap(), json);
}

#[test]
fn optional_fields_absent_or_null() {
    let base = json!({
        "id": "1", "name": "a.example", "activated_on": null, "owner": null,
        "vanity_name_servers": null, "meta": null, "plan_id": null, "paused": false
    });
    let mut with_nulls = base.clone();
    let object = with_nulls.as_object_mut().unwrap();
    object.insert("original_registrar".into(), Value::Null);
    object.insert("tenant".into(), Value::Null);
    let absent: Zone = decode(&base);
    let null: Zone = decode(&with_nulls);
    assert_eq!(absent.original_registrar, None);
    assert_eq!(null.original_registrar, None);
    assert_eq!(null.tenant, None);
    assert_eq!(absent, null);
    // Optional fields are left out when `None`.
    assert_eq!(serde_json::to_value(&null).unwrap(), base);

    // A required, non-nullable field may not be null.
    let mut bad = base.clone();
    bad["paused"] = Value::Null;
    assert!(serde_json::from_value::<Zone>(bad).is_err());
    // An optional, non-nullable field given as null is tolerated as absent.
    let mut lenient = base.clone();
    lenient["verification_key"] = Value::Null;
    assert_eq!(decode::<Zone>(&lenient).verification_key, None);
}
