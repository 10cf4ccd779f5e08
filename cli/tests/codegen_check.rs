//! `check` of the command-line tool; shared with `cargo xtask codegen --check`
//! (`xtask/tests/codegen_check.rs`).

#[path = "shared/tool.rs"]
mod tool;

const TOOL: tool::Tool = tool::Tool {
    bin: env!("CARGO_BIN_EXE_openapi-client-codegen"),
    generate: &["generate"],
    check: &["check"],
};

#[path = "shared/codegen_check.rs"]
mod codegen_check;
