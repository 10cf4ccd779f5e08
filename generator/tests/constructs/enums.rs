//! Enums: string enums with `""`, `null`, unquoted `off`, colliding values and an
//! unknown-value fallback; integer and boolean enums stay their plain types.

use enums_fixture::types::*;
use serde_json::{Value, json};

fn decode<T: serde::de::DeserializeOwned>(value: &Value) -> T {
    serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{e}\n{value:#}"))
}

fn round_trip<T: serde::Serialize>(decoded: &T, original: &Value) {
    assert_eq!(&serde_json::to_value(decoded).unwrap(), original);
}

#[test]
fn known_values_decode_into_their_variants() {
    let json = json!({
        "success": true,
        "result": {
            "id": "ssl",
            "value": "off",
            "editable": true,
            "min_tls_version": "1.2",
            "certificate_status": "",
            "plan": "enterprise",
            "sort": "created_at",
            "http2_priority": 1,
            "cache_ttl": 300
        }
    });
    let response: ZoneSettingResponse = decode(&json);
    assert!(response.success);
    let setting = &response.result;
    assert!(matches!(setting.id, SslSettingId::Ssl));
    assert!(matches!(setting.value, SslSettingValue::Off));
    assert!(setting.editable);
    assert!(matches!(
        setting.min_tls_version,
        Some(SslSettingMinTlsVersion::N12)
    ));
    assert!(matches!(
        setting.certificate_status,
        Some(SslSettingCertificateStatus::Empty)
    ));
    assert!(matches!(setting.plan, Some(SslSettingPlan::Enterprise)));
    assert!(matches!(setting.sort, Some(SslSettingSort::CreatedAt2)));
    assert_eq!(setting.http2_priority, Some(1));
    assert_eq!(setting.cache_ttl, Some(300));
    round_trip(&response, &json);
}

#[test]
fn values_that_collide_after_case_conversion_stay_distinct() {
    let cases = [
        ("created-at", SslSettingSort::CreatedAt),
        ("created_at", SslSettingSort::CreatedAt2),
        ("a-b", SslSettingSort::AB),
        ("a_b", SslSettingSort::AB2),
    ];
    for (value, variant) in cases {
        let decoded: SslSettingSort = decode(&json!(value));
        assert_eq!(decoded, variant, "{value}");
        assert_eq!(serde_json::to_value(&variant).unwrap(), json!(value));
    }
}

#[test]
fn unknown_values_still_decode() {
    let json = json!({
        "success": false,
        "result": {
            "id": "ssl_recommender",
            "value": "origin_pull",
            "editable": false,
            "min_tls_version": "1.4",
            "certificate_status": "expired",
            "plan": "partners_enterprise",
            "sort": "updated_at",
            "http2_priority": 7,
            "cache_ttl": 86400
        }
    });
    let response: ZoneSettingResponse = decode(&json);
    // A boolean enum listing only `true` still accepts `false`.
    assert!(!response.success);
    let setting = &response.result;
    assert_eq!(
        setting.id,
        SslSettingId::UnknownValue("ssl_recommender".into())
    );
    assert_eq!(
        setting.value,
        SslSettingValue::UnknownValue("origin_pull".into())
    );
    assert!(!setting.editable);
    assert_eq!(
        setting.min_tls_version,
        Some(SslSettingMinTlsVersion::UnknownValue("1.4".into()))
    );
    assert_eq!(
        setting.certificate_status,
        Some(SslSettingCertificateStatus::UnknownValue("expired".into()))
    );
    assert_eq!(
        setting.plan,
        Some(SslSettingPlan::UnknownValue("partners_enterprise".into()))
    );
    assert_eq!(
        setting.sort,
        Some(SslSettingSort::UnknownValue("updated_at".into()))
    );
    // Integer enums take values outside the list.
    assert_eq!(setting.http2_priority, Some(7));
    assert_eq!(setting.cache_ttl, Some(86400));
    round_trip(&response, &json);
}

#[test]
fn null_in_a_nullable_enum_is_none() {
    let json = json!({
        "success": true,
        "result": {"id": "ssl", "value": "strict", "editable": true, "plan": null}
    });
    let response: ZoneSettingResponse = decode(&json);
    assert!(matches!(response.result.value, SslSettingValue::Strict));
    assert_eq!(response.result.plan, None);
    assert_eq!(response.result.min_tls_version, None);
    // The optional field is left out when written back.
    round_trip(
        &response,
        &json!({"success": true, "result": {"id": "ssl", "value": "strict", "editable": true}}),
    );
}

#[test]
fn values_read_from_text_with_escapes_and_errors_name_the_expected_type() {
    // An escaped string reaches the decoder as an owned `String`, not a borrowed `&str`.
    let value: SslSettingValue = serde_json::from_str(r#""\u006fff""#).unwrap();
    assert!(matches!(value, SslSettingValue::Off));
    let value: SslSettingValue = serde_json::from_str(r#""str\u0069ct""#).unwrap();
    assert_eq!(serde_json::to_string(&value).unwrap(), r#""strict""#);
    let unknown: SslSettingValue = serde_json::from_str(r#""new\nvalue""#).unwrap();
    assert_eq!(unknown, SslSettingValue::UnknownValue("new\nvalue".into()));
    assert_eq!(serde_json::to_string(&unknown).unwrap(), r#""new\nvalue""#);
    let error = serde_json::from_str::<SslSettingValue>("3").unwrap_err();
    assert!(
        error
            .to_string()
            .contains("invalid type: integer `3`, expected a string"),
        "{error}"
    );
}
