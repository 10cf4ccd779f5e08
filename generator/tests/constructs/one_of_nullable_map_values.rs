//! A nullable oneOf of scalars as map values (as in Cloudflare's Realtime Kit
//! `custom_participant_metadata`): each value is `None` or a variant of the union.

use one_of_fixture::types::*;
use serde_json::json;

#[test]
fn nullable_scalar_union_map_values() {
    let json = json!({
        "subscription": {"id": "sub_1", "status": "active"},
        "customer": "cus_1",
        "metadata": {"plan": "pro", "seats": 5.5, "trial": true, "coupon": null}
    });
    let envelope: SubscriptionEnvelope = serde_json::from_value(json.clone()).unwrap();
    let metadata: &std::collections::BTreeMap<String, Option<Scalar>> =
        envelope.metadata.as_ref().unwrap();
    assert!(matches!(
        &metadata["plan"],
        Some(Scalar::String(s)) if s == "pro"
    ));
    assert!(matches!(
        metadata["seats"],
        Some(Scalar::Number(n)) if n == 5.5
    ));
    assert!(matches!(metadata["trial"], Some(Scalar::Boolean(true))));
    assert_eq!(metadata["coupon"], None);
    assert_eq!(serde_json::to_value(&envelope).unwrap(), json);
}
