//! allOf: envelopes merged with the concrete `result`, three levels of nested allOf, a
//! description-only allOf around a single $ref, and a property merged from both branches.

use allof_fixture::types::*;
use serde_json::{Value, json};

fn decode<T: serde::de::DeserializeOwned>(value: &Value) -> T {
    serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{e}\n{value:#}"))
}

fn round_trip<T: serde::Serialize>(decoded: &T, original: &Value) {
    assert_eq!(&serde_json::to_value(decoded).unwrap(), original);
}

#[test]
fn envelope_with_concrete_result_and_nested_all_of() {
    let json = json!({
        "success": true,
        "errors": [],
        "messages": [{"code": 10000, "message": "ruleset fetched"}],
        "result": {
            "id": "2f2feab2026849078ba485f918791bdc",
            "created_on": "2024-01-15T09:30:00Z",
            "modified_on": "2024-02-01T18:45:12.345Z",
            "name": "Custom firewall",
            "phase": "http_request_firewall_custom",
            "owner": {"id": "023e105f4ecef8ad9ca31a8372d0c353", "name": "Example account"},
            "rules": [
                {
                    "id": "3a03d665bac047339bb530ecb439a90d",
                    "created_on": "2024-01-15T09:30:00Z",
                    "action": "block",
                    "expression": "ip.src eq 203.0.113.7",
                    "enabled": true
                },
                {
                    "id": "4b14e776cbd158440cc641fdc54ab01e",
                    "created_on": "2024-01-16T10:00:00Z",
                    "action": "managed_challenge",
                    "expression": "cf.threat_score gt 10"
                }
            ]
        },
        "result_info": {"page": 1, "per_page": 20, "total_count": 2}
    });
    let response: GetZoneRulesetResponse = decode(&json);
    assert!(response.success);
    assert!(response.errors.is_empty());
    assert_eq!(response.messages[0].code, 10000);
    assert_eq!(response.messages[0].message, "ruleset fetched");

    // `result` is the concrete `ruleset`, not the envelope's free-form object.
    let ruleset: &Ruleset = &response.result;
    assert_eq!(ruleset.id, "2f2feab2026849078ba485f918791bdc");
    assert_eq!(ruleset.name, "Custom firewall");
    assert!(matches!(
        ruleset.phase,
        RulesetBasePhase::HttpRequestFirewallCustom
    ));
    // Level 3 of the nested allOf (`timestamps`) reached the top-level struct.
    assert_eq!(
        serde_json::to_value(ruleset.created_on).unwrap(),
        json!("2024-01-15T09:30:00Z")
    );
    assert_eq!(
        serde_json::to_value(ruleset.modified_on).unwrap(),
        json!("2024-02-01T18:45:12.345Z")
    );
    // `allOf: [$ref]` with a description is the referenced type itself.
    let owner: &Account = ruleset.owner.as_ref().unwrap();
    assert_eq!(owner.name, "Example account");

    assert_eq!(ruleset.rules.len(), 2);
    assert!(matches!(ruleset.rules[0].action, RuleAction::Block));
    assert_eq!(ruleset.rules[0].expression, "ip.src eq 203.0.113.7");
    assert_eq!(ruleset.rules[0].enabled, Some(true));
    assert_eq!(
        ruleset.rules[1].action,
        RuleAction::UnknownValue("managed_challenge".into())
    );
    assert_eq!(ruleset.rules[1].enabled, None);

    // `result_info` is defined by both branches: its properties are merged.
    let info = response.result_info.as_ref().unwrap();
    assert_eq!(info.page, Some(1));
    assert_eq!(info.per_page, Some(20));
    assert_eq!(info.total_count, Some(2));

    round_trip(&response, &json);
}

#[test]
fn concrete_branch_before_the_envelope_still_wins() {
    let json = json!({
        "success": true,
        "errors": [],
        "messages": [],
        "result": {
            "id": "0d89c70d-ad9f-4843-b99f-6cc0252067e9",
            "hostname": "app.example.com",
            "ssl": {"status": "pending_validation"}
        }
    });
    let response: GetCustomHostnameResponse = decode(&json);
    let hostname: &CustomHostname = response.result.as_ref().unwrap();
    assert_eq!(hostname.hostname, "app.example.com");
    assert_eq!(
        hostname.ssl.as_ref().unwrap().status.as_deref(),
        Some("pending_validation")
    );
    round_trip(&response, &json);

    // The concrete schema wins over the envelope's free-form `result`: a `result` whose
    // required fields were left out still decodes as a `CustomHostname` (such fields decode as
    // their empty value), never as a free-form map.
    let sparse =
        json!({"success": true, "errors": [], "messages": [], "result": {"unexpected": 1}});
    let response: GetCustomHostnameResponse = serde_json::from_value(sparse).unwrap();
    let hostname: CustomHostname = response.result.unwrap();
    assert_eq!(hostname.hostname, "");
}
