//! `cargo xtask conformance` up to Prism; shared with the command-line tool's `conformance`
//! (`cli/tests/conformance_exit_codes.rs`).

#[path = "../../cli/tests/shared/tool.rs"]
mod tool;

const TOOL: tool::Tool = tool::Tool {
    bin: env!("CARGO_BIN_EXE_xtask"),
    generate: &["codegen"],
    check: &["codegen", "--check"],
};

#[path = "../../cli/tests/shared/conformance_exit_codes.rs"]
mod conformance_exit_codes;
