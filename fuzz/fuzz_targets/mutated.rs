//! Structure-aware: the first byte picks a seed spec (fixtures, `spec/`, `../shared/corpus/`),
//! the rest drive the mutations of `generator/tests/fuzzing/mod.rs`; the result must end in
//! output or in located errors.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use serde_json::Value;

#[path = "../../generator/tests/fuzzing/mod.rs"]
mod fuzzing;

static SEEDS: OnceLock<Vec<(String, Value)>> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let seeds = SEEDS.get_or_init(fuzzing::seeds);
    if let Some(input) = fuzzing::input_from_bytes(seeds, data) {
        if let Err(problem) = fuzzing::check(&input.text) {
            panic!("{problem}\nmutations: {:?}", input.mutations);
        }
    }
});
