//! Overlays (`--overlay`, `[spec] overlays`) of `cargo xtask`; shared with the command-line tool
//! (`cli/tests/overlays.rs`).

#[path = "../../cli/tests/shared/tool.rs"]
mod tool;

const TOOL: tool::Tool = tool::Tool {
    bin: env!("CARGO_BIN_EXE_xtask"),
    generate: &["codegen"],
    check: &["codegen", "--check"],
};

#[path = "../../cli/tests/shared/overlays.rs"]
mod overlays;
