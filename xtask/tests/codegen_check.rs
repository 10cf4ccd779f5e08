//! `cargo xtask codegen --check`; shared with the command-line tool's `check`
//! (`cli/tests/codegen_check.rs`).

#[path = "../../cli/tests/shared/tool.rs"]
mod tool;

const TOOL: tool::Tool = tool::Tool {
    bin: env!("CARGO_BIN_EXE_xtask"),
    generate: &["codegen"],
    check: &["codegen", "--check"],
};

#[path = "../../cli/tests/shared/codegen_check.rs"]
mod codegen_check;
