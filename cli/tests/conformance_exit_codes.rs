//! `conformance` of the command-line tool up to Prism; shared with `cargo xtask conformance`
//! (`xtask/tests/conformance_exit_codes.rs`).

#[path = "shared/tool.rs"]
mod tool;

const TOOL: tool::Tool = tool::Tool {
    bin: env!("CARGO_BIN_EXE_openapi-client-codegen"),
    generate: &["generate"],
    check: &["check"],
};

#[path = "shared/conformance_exit_codes.rs"]
mod conformance_exit_codes;
