//! oneOf/anyOf: variants ordered so that the most specific decodes first, expandable fields
//! (an ID or the object), scalar unions as map values, a `not` schema and a null branch.

use one_of_fixture::types::*;
use serde_json::{Value, json};

fn decode<T: serde::de::DeserializeOwned>(value: &Value) -> T {
    serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{e}\n{value:#}"))
}

fn round_trip<T: serde::Serialize>(decoded: &T, original: &Value) {
    assert_eq!(&serde_json::to_value(decoded).unwrap(), original);
}

#[test]
fn the_more_specific_object_variant_decodes_first() {
    let json = json!({
        "subscription": {"id": "sub_1PgJ3x", "status": "active", "plan": "price_pro", "quantity": 3},
        "customer": "cus_QXk2a9"
    });
    let envelope: SubscriptionEnvelope = decode(&json);
    match &envelope.subscription {
        SubscriptionEnvelopeSubscription::PaidSubscription(paid) => {
            assert_eq!(paid.id, "sub_1PgJ3x");
            assert_eq!(paid.plan, "price_pro");
            assert_eq!(paid.quantity, 3);
        }
        other => panic!("expected PaidSubscription, got {other:?}"),
    }
    assert!(matches!(
        &envelope.customer,
        SubscriptionEnvelopeCustomer::String(id) if id == "cus_QXk2a9"
    ));
    assert_eq!(envelope.default_source, None);
    round_trip(&envelope, &json);

    let json = json!({
        "subscription": {"id": "sub_trial", "status": "trialing", "trial_end": 1719792000},
        "customer": {"id": "cus_QXk2a9", "object": "customer", "email": null}
    });
    let envelope: SubscriptionEnvelope = decode(&json);
    match &envelope.subscription {
        SubscriptionEnvelopeSubscription::Trial(trial) => {
            assert_eq!(trial.status, "trialing");
            assert_eq!(trial.trial_end, Some(1719792000));
        }
        other => panic!("expected Trial, got {other:?}"),
    }
    match &envelope.customer {
        SubscriptionEnvelopeCustomer::Customer(customer) => {
            assert_eq!(customer.id, "cus_QXk2a9");
            assert!(matches!(customer.object, CustomerObject::Customer));
            assert_eq!(customer.email, None);
        }
        other => panic!("expected the expanded Customer, got {other:?}"),
    }
    // `email` is required and nullable: its null is written back.
    round_trip(&envelope, &json);
}

#[test]
fn scalar_unions_as_map_values() {
    let json = json!({
        "subscription": {"id": "sub_1", "status": "active"},
        "customer": "cus_1",
        "custom_fields": {"vat_exempt": true, "seats": 12.5, "po_number": "PO-7781", "zip": "01234"}
    });
    let envelope: SubscriptionEnvelope = decode(&json);
    let fields = envelope.custom_fields.as_ref().unwrap();
    assert_eq!(fields.len(), 4);
    assert!(matches!(fields["vat_exempt"], Scalar::Boolean(true)));
    assert!(matches!(fields["seats"], Scalar::Number(n) if n == 12.5));
    assert!(matches!(&fields["po_number"], Scalar::String(s) if s == "PO-7781"));
    // A numeric-looking string stays a string.
    assert!(matches!(&fields["zip"], Scalar::String(s) if s == "01234"));
    round_trip(&envelope, &json);

    // An integer decodes as a number too (written back as a float, an equal JSON number).
    let seats: Scalar = decode(&json!(3));
    assert!(matches!(seats, Scalar::Number(n) if n == 3.0));
}

#[test]
fn expandable_payment_source_not_schema_and_null_branch() {
    let json = json!({
        "subscription": {"id": "sub_1", "status": "active"},
        "customer": "cus_1",
        "default_source": {"id": "card_1N3T00", "object": "card", "brand": "Visa", "exp_month": 8, "last4": "4242"},
        "discount": {"coupon": "SUMMER", "percent_off": 25},
        "cancel_at": 1735689600
    });
    let envelope: SubscriptionEnvelope = decode(&json);
    match &envelope.default_source {
        Some(SubscriptionEnvelopeDefaultSource::PaymentSource(PaymentSource::Card(card))) => {
            assert!(matches!(card.object, CardObject::Card));
            assert_eq!(card.brand.as_deref(), Some("Visa"));
            assert_eq!(card.exp_month, Some(8));
            assert_eq!(card.last4, "4242");
        }
        other => panic!("expected a card, got {other:?}"),
    }
    assert_eq!(
        serde_json::to_value(&envelope.discount).unwrap(),
        json!({"coupon": "SUMMER", "percent_off": 25})
    );
    assert_eq!(envelope.cancel_at, Some(1735689600));
    round_trip(&envelope, &json);

    let json = json!({
        "subscription": {"id": "sub_1", "status": "canceled"},
        "customer": "cus_1",
        "default_source": "card_1N3T00",
        "cancel_at": null
    });
    let envelope: SubscriptionEnvelope = decode(&json);
    assert!(matches!(
        &envelope.default_source,
        Some(SubscriptionEnvelopeDefaultSource::String(id)) if id == "card_1N3T00"
    ));
    assert_eq!(envelope.cancel_at, None);

    let json = json!({
        "subscription": {"id": "sub_1", "status": "canceled"},
        "customer": "cus_1",
        "default_source": null
    });
    let envelope: SubscriptionEnvelope = decode(&json);
    assert_eq!(envelope.default_source, None);
}
