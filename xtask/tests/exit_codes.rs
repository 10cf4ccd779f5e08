//! `cargo xtask codegen` as a user runs it; the tests are shared with the command-line
//! tool's `generate` and `check` (`cli/tests/exit_codes.rs`), which must behave the same.

#[path = "../../cli/tests/shared/tool.rs"]
mod tool;

const TOOL: tool::Tool = tool::Tool {
    bin: env!("CARGO_BIN_EXE_xtask"),
    generate: &["codegen"],
    check: &["codegen", "--check"],
};

#[path = "../../cli/tests/shared/exit_codes.rs"]
mod exit_codes;
