//! oneOf with a `discriminator`: the `object` property decides the variant, even when another
//! variant's fields would also accept the document.

use one_of_fixture::types::*;
use serde_json::json;

#[test]
fn the_discriminator_picks_the_variant() {
    let json = json!({
        "id": "ba_1N3T00",
        "object": "bank_account",
        "bank_name": "STRIPE TEST BANK",
        "last4": "6789",
        "routing_number": "110000000"
    });
    let source: PaymentSource = serde_json::from_value(json.clone()).unwrap();
    match &source {
        PaymentSource::BankAccount(account) => {
            assert!(matches!(account.object, BankAccountObject::BankAccount));
            assert_eq!(account.bank_name.as_deref(), Some("STRIPE TEST BANK"));
            assert_eq!(account.routing_number.as_deref(), Some("110000000"));
        }
        other => panic!("expected BankAccount (object = bank_account), got {other:?}"),
    }
    assert_eq!(serde_json::to_value(&source).unwrap(), json);

    let json = json!({"id": "card_1", "object": "card", "last4": "4242"});
    let source: PaymentSource = serde_json::from_value(json.clone()).unwrap();
    assert!(matches!(&source, PaymentSource::Card(card) if card.last4 == "4242"));
    assert_eq!(serde_json::to_value(&source).unwrap(), json);
}
