//! `generate` and `check` of the command-line tool as a user runs them; the tests are shared
//! with `cargo xtask codegen` (`xtask/tests/exit_codes.rs`), which must behave the same.

#[path = "shared/tool.rs"]
mod tool;

const TOOL: tool::Tool = tool::Tool {
    bin: env!("CARGO_BIN_EXE_openapi-client-codegen"),
    generate: &["generate"],
    check: &["check"],
};

#[path = "shared/exit_codes.rs"]
mod exit_codes;
