//! Names: Rust keywords, leading digits, punctuation and case collisions in property names;
//! schema names that collide after case conversion; operationIds in every case style.

use names_fixture::types::*;
use serde_json::{Value, json};

fn decode<T: serde::de::DeserializeOwned>(value: &Value) -> T {
    serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{e}\n{value:#}"))
}

fn round_trip<T: serde::Serialize>(decoded: &T, original: &Value) {
    assert_eq!(&serde_json::to_value(decoded).unwrap(), original);
}

#[test]
fn keyword_and_digit_property_names() {
    let json = json!({
        "type": "full",
        "ref": "refs/heads/main",
        "in": true,
        "match": "hostname",
        "where": "edge",
        "box": 3,
        "self": "https://api.cloudflare.com/client/v4/zones/1/settings",
        "5_or_greater_event_fraction": 0.25,
        "600": 12,
        "user_Id": "snake-ish",
        "userId": "camel",
        "a b": "spaced"
    });
    let settings: ZoneSettings = decode(&json);
    assert_eq!(settings.type_, "full");
    assert_eq!(settings.ref_, "refs/heads/main");
    assert_eq!(settings.in_, Some(true));
    assert_eq!(settings.match_.as_deref(), Some("hostname"));
    assert_eq!(settings.where_.as_deref(), Some("edge"));
    assert_eq!(settings.box_, Some(3));
    assert_eq!(
        settings.self_.as_deref(),
        Some("https://api.cloudflare.com/client/v4/zones/1/settings")
    );
    assert_eq!(settings.n5_or_greater_event_fraction, Some(0.25));
    assert_eq!(settings.n600, Some(12));
    // `user_Id` and `userId` are two fields.
    assert_eq!(settings.user_id.as_deref(), Some("snake-ish"));
    assert_eq!(settings.user_id_2.as_deref(), Some("camel"));
    assert_eq!(settings.a_b.as_deref(), Some("spaced"));
    round_trip(&settings, &json);
}

#[test]
fn punctuation_in_property_names() {
    let json = json!({
        "TLSv1.1": false,
        "TLSv1.2": true,
        "HTTP/1.x": 10,
        "HTTP/2": 90,
        "<=1y": 4,
        ">1y": 1,
        "max-age": 31536000
    });
    let report: TlsReport = decode(&json);
    assert_eq!(report.tl_sv1_1, Some(false));
    assert_eq!(report.tl_sv1_2, Some(true));
    assert_eq!(report.http_1_x, Some(10));
    assert_eq!(report.http_2, Some(90));
    assert_eq!(report.lt_eq_1y, Some(4));
    assert_eq!(report.gt_1y, Some(1));
    assert_eq!(report.max_age, Some(31536000));
    round_trip(&report, &json);
}

#[test]
fn schema_names_that_collide_after_case_conversion() {
    let camel =
        json!({"uid": "66be4bf738797e01e1fca35a7bdecdcd", "recording": {"mode": "automatic"}});
    let snake =
        json!({"uid": "66be4bf738797e01e1fca35a7bdecdcd", "created": "2024-04-02T08:00:00Z"});
    let a: StreamLiveInput = decode(&camel);
    let b: StreamLiveInput2 = decode(&snake);
    assert_eq!(
        a.recording.as_ref().unwrap().mode.as_deref(),
        Some("automatic")
    );
    assert_eq!(b.uid, a.uid);
    round_trip(&a, &camel);
    round_trip(&b, &snake);
}

#[test]
fn operation_without_an_operation_id() {
    // Its method is named after the method and path (checked by `constructs.rs`).
    let json = json!([{"uid": "o1", "streamKey": "secret"}, {"uid": "o2"}]);
    let outputs: Vec<ListLiveInputOutputsResponseItem> = decode(&json);
    assert_eq!(outputs[0].stream_key.as_deref(), Some("secret"));
    assert_eq!(outputs[1].stream_key, None);
    round_trip(&outputs, &json);
}

#[test]
fn property_names_used_inside_the_generated_impls() {
    let json = json!({
        "map": "m",
        "key": "k",
        "index": {"field": "f", "Index": "i"},
        "skip": true,
        "object": 1,
        "len": 2,
        "next_field": "n",
        "required": "r",
        "serializer": "s",
        "deserializer": "d",
        "say \"hi\" \\ back": "q"
    });
    let words: MacroWords = decode(&json);
    assert_eq!(words.map, "m");
    assert_eq!(words.key.as_deref(), Some("k"));
    assert_eq!(words.index.field, "f");
    assert_eq!(words.index.index.as_deref(), Some("i"));
    assert_eq!(words.skip, Some(true));
    assert_eq!(words.object, Some(1));
    assert_eq!(words.len, Some(2));
    assert_eq!(words.next_field.as_deref(), Some("n"));
    assert_eq!(words.required.as_deref(), Some("r"));
    assert_eq!(words.serializer.as_deref(), Some("s"));
    assert_eq!(words.deserializer.as_deref(), Some("d"));
    assert_eq!(words.say_hi_back.as_deref(), Some("q"));
    round_trip(&words, &json);
    // Only the required fields, and a missing required object.
    let minimal: MacroWords = decode(&json!({"map": "m", "index": {"field": "f"}}));
    assert_eq!(minimal.skip, None);
    round_trip(&minimal, &json!({"map": "m", "index": {"field": "f"}}));
    let error = serde_json::from_value::<MacroWords>(json!({"map": "m"})).unwrap_err();
    assert!(
        error.to_string().contains("missing field `index`"),
        "{error}"
    );
}
