//! A crate generated from the project's spec outside the workspace (what
//! `cargo xtask codegen --spec FILE --out DIR` writes) stands alone and compiles without warnings.

mod support;

#[test]
fn standalone_crate_from_the_project_spec_compiles_without_warnings() {
    let spec_path = support::workspace_root().join("spec/realtime-kit.yaml");
    let spec = std::fs::read_to_string(&spec_path).unwrap();
    let krate = support::generate_crate(&spec);
    let manifest = krate.read("Cargo.toml");
    assert!(
        !manifest.contains("path ="),
        "no path dependencies:\n{manifest}"
    );
    assert!(
        !manifest.contains("workspace"),
        "no workspace inheritance:\n{manifest}"
    );
    krate.check().unwrap_or_else(|e| panic!("{e}"));
}
