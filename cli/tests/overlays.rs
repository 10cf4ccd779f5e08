//! Overlays (`--overlay`, `[spec] overlays`) of the command-line tool; shared with `cargo xtask`
//! (`xtask/tests/overlays.rs`).

#[path = "shared/tool.rs"]
mod tool;

const TOOL: tool::Tool = tool::Tool {
    bin: env!("CARGO_BIN_EXE_openapi-client-codegen"),
    generate: &["generate"],
    check: &["check"],
};

#[path = "shared/overlays.rs"]
mod overlays;
