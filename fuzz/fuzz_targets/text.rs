//! The fuzzer's bytes are the spec text (seed the corpus with the fixture specs); the result
//! must end in output or in located errors.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../generator/tests/fuzzing/mod.rs"]
mod fuzzing;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Err(problem) = fuzzing::check(text) {
            panic!("{problem}");
        }
    }
});
