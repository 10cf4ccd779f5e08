//! A description as FastAPI and pydantic write it (OpenAPI 3.1, unedited): what such a service
//! sends, as pydantic serializes it (`model_dump_json`), decodes into the generated types, and
//! what the client sends is what the service reads.

use openapi31_fastapi_fixture::types::*;
use serde_json::{Value, json};

fn decode<T: serde::de::DeserializeOwned>(value: &Value) -> T {
    serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{e}\n{value:#}"))
}

/// `value` without the keys whose value is `null` (optional fields the client leaves out).
fn without_nulls(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}

#[test]
fn pets_as_pydantic_writes_them_decode_and_encode_back() {
    // Both printed by pydantic 2.10.4 for `Pet(...)` instances (see generator/tests/fastapi/app.py).
    let rex = json!({"id":"3fa85f64-5717-4562-b3fc-2c963f66afa6","name":"Rex","species":"dog","age":null,"weight":31.5,"tags":[],"owner":{"name":"Ada","email":null},"details":{"kind":"dog","good_boy":true},"location":[52.52,13.405],"priority":1,"nickname":7,"scores":{"agility":9.5},"adopted_at":"2024-05-01T12:00:00Z"});
    let tom = json!({"id":"6fa85f64-5717-4562-b3fc-2c963f66afa6","name":"Tom","species":"cat","age":3,"weight":4.2,"tags":[],"owner":null,"details":{"kind":"cat","indoor":true},"location":[0.0,0.0],"priority":2,"nickname":"Tommy","scores":{},"adopted_at":null});

    let pet: Pet = decode(&rex);
    assert_eq!(pet.species, Species::Dog);
    // `anyOf: [{type: integer, ...}, {type: 'null'}]`
    assert_eq!(pet.age, None);
    // `anyOf: [{$ref: Owner}, {type: 'null'}]`
    assert_eq!(pet.owner.as_ref().map(|o| o.name.as_str()), Some("Ada"));
    // A discriminated union (`oneOf` + `discriminator`), each branch's tag a `const`.
    match &pet.details {
        PetDetails::Dog(dog) => assert!(dog.good_boy),
        other => panic!("{other:?}"),
    }
    // `prefixItems` with `minItems`/`maxItems`: a tuple.
    assert_eq!(pet.location, (52.52, 13.405));
    // `anyOf: [string, integer, null]`
    assert_eq!(pet.nickname, Some(IntegerOrString::Integer(7)));
    assert_eq!(
        serde_json::to_value(pet.adopted_at.unwrap()).unwrap(),
        json!("2024-05-01T12:00:00Z")
    );
    assert_eq!(serde_json::to_value(&pet).unwrap(), without_nulls(&rex));

    let pet: Pet = decode(&tom);
    assert_eq!(pet.age, Some(3));
    assert_eq!(pet.owner, None);
    assert_eq!(pet.nickname, Some(IntegerOrString::String("Tommy".into())));
    match &pet.details {
        PetDetails::Cat(cat) => assert_eq!(cat.indoor, Some(true)),
        other => panic!("{other:?}"),
    }
    assert_eq!(serde_json::to_value(&pet).unwrap(), without_nulls(&tom));

    // A list, as `GET /pets` answers.
    let pets: Vec<Pet> = decode(&json!([rex, tom]));
    assert_eq!(pets.len(), 2);
}

#[test]
fn validation_errors_as_fastapi_answers_them_decode() {
    // FastAPI's 422 answer to `POST /pets` with `{"name": "x"}` (printed by its test client).
    let answer = json!({"detail":[{"type":"missing","loc":["body","species"],"msg":"Field required","input":{"name":"x"}},{"type":"missing","loc":["body","weight"],"msg":"Field required","input":{"name":"x"}}]});
    let error: HttpValidationError = decode(&answer);
    let detail = error.detail.unwrap();
    assert_eq!(detail.len(), 2);
    assert_eq!(
        detail[0].loc,
        [
            IntegerOrString::String("body".into()),
            IntegerOrString::String("species".into())
        ]
    );
    assert_eq!(detail[0].type_, "missing");
}

#[test]
fn what_the_client_sends_is_what_pydantic_reads() {
    let pet = PetCreate {
        name: "Rex".into(),
        species: Species::Dog,
        weight: 31.5,
        details: PetDetails::Dog(Box::new(Dog {
            kind: DogKind::Dog,
            good_boy: true,
        })),
        location: (52.52, 13.405),
    };
    assert_eq!(
        serde_json::to_value(&pet).unwrap(),
        json!({"name":"Rex","species":"dog","weight":31.5,"details":{"kind":"dog","good_boy":true},"location":[52.52,13.405]})
    );
}
