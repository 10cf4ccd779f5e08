//! The generator never panics on its input: a few hundred deterministic mutations of a real
//! spec (nodes replaced by values of the wrong type, broken or circular references, removed
//! keys) must each end in output or in an error, never in a panic.

use std::path::Path;

use generator::{Options, generate};
use serde_json::{Value, json};

/// A small deterministic generator (xorshift), so that a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn spec() -> Value {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let corpus = root.join("../shared/corpus/realtime-kit.yaml");
    let path = if corpus.exists() {
        corpus
    } else {
        eprintln!("notice: ../shared/corpus not found; mutating spec/realtime-kit.yaml instead");
        root.join("spec/realtime-kit.yaml")
    };
    serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Every JSON pointer in the document.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let child_at = format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"));
                out.push(child_at.clone());
                pointers(child, child_at, out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                let child_at = format!("{at}/{i}");
                out.push(child_at.clone());
                pointers(child, child_at, out);
            }
        }
        _ => {}
    }
}

fn mutation(rng: &mut Rng, schemas: &[String]) -> Option<Value> {
    let some_schema = || schemas.first().cloned().unwrap_or_default();
    let schema = schemas
        .get(rng.below(schemas.len()))
        .cloned()
        .unwrap_or_else(some_schema);
    Some(match rng.below(14) {
        0 => Value::Null,
        1 => json!(7),
        2 => json!("off"),
        3 => json!([]),
        4 => json!({}),
        5 => json!({"$ref": "#/components/schemas/DoesNotExist"}),
        6 => json!({"$ref": "https://example.com/elsewhere.yaml#/x"}),
        7 => json!({"$ref": format!("#/components/schemas/{schema}")}),
        8 => {
            json!({"allOf": [{"$ref": format!("#/components/schemas/{schema}")}, {"type": "string"}]})
        }
        9 => {
            json!({"oneOf": [{"type": "string"}, {"$ref": format!("#/components/schemas/{schema}")}], "discriminator": {"propertyName": "type"}})
        }
        10 => json!({"type": "array"}),
        11 => {
            json!({"type": "object", "additionalProperties": {"$ref": format!("#/components/schemas/{schema}")}, "enum": [1, "a", null]})
        }
        12 => json!({"type": "weird", "format": "binary", "nullable": true}),
        _ => return None, // remove the key
    })
}

#[test]
fn mutated_specs_never_panic() {
    let original = spec();
    let schemas: Vec<String> = original["components"]["schemas"]
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    let mut all = Vec::new();
    pointers(&original, String::new(), &mut all);
    let options = Options {
        crate_name: "mutant".into(),
        spec_label: "mutant.json".into(),
        regenerate_command: "cargo test".into(),
        env_prefix: None,
        strict: false,
        extra_dev_dependencies: Vec::new(),
    };
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let (mut generated, mut failed) = (0, 0);
    // MUTATION_ROUNDS=5000 for a longer hunt; the seed is fixed, so any failure replays.
    let rounds = std::env::var("MUTATION_ROUNDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(150);
    for round in 0..rounds {
        let mut spec = original.clone();
        let mut applied = Vec::new();
        for _ in 0..3 {
            let target = &all[rng.below(all.len())];
            let replacement = mutation(&mut rng, &schemas);
            let (parent, key) = target.rsplit_once('/').unwrap();
            let Some(parent_value) = spec.pointer_mut(parent) else {
                continue;
            };
            let key = key.replace("~1", "/").replace("~0", "~");
            match (parent_value, replacement) {
                (Value::Object(map), Some(value)) => {
                    map.insert(key, value);
                }
                (Value::Object(map), None) => {
                    map.remove(&key);
                }
                (Value::Array(items), Some(value)) => {
                    if let Some(slot) = key.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
                        *slot = value;
                    }
                }
                _ => continue,
            }
            applied.push(target.clone());
        }
        let text = serde_json::to_string(&spec).unwrap();
        let result = std::panic::catch_unwind(|| generate(&text, &options));
        match result {
            Ok(Ok(_)) => generated += 1,
            Ok(Err(error)) => {
                failed += 1;
                if std::env::var_os("SHOW_ERRORS").is_some() {
                    eprintln!("{error}");
                }
                for d in &error.diagnostics {
                    assert!(
                        d.pointer.starts_with('#'),
                        "round {round}: not a pointer: {d}"
                    );
                }
            }
            Err(_) => panic!("round {round}: the generator panicked after mutating {applied:?}"),
        }
        // `cargo xtask diff` reads the same spec through `api_surface`.
        if std::panic::catch_unwind(|| generator::api_surface(&text)).is_err() {
            panic!("round {round}: api_surface panicked after mutating {applied:?}");
        }
    }
    eprintln!("mutations: {generated} generated, {failed} rejected with errors");
    assert!(generated > 0, "most mutations leave a generable spec");
}
