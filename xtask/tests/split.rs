//! `cargo xtask codegen --check` (the command-line tool's `check`) on a description split into
//! files: Realtime Kit written out by the benchmark's script (`src/split.rs`: one file per path
//! and per component schema) in place of the one file a crate was generated from is up to date
//! with that crate. That the split description gives the committed `generated/` crate is
//! `repository::tests::generated_crate_is_the_crate_of_the_split_description`.

#[path = "../src/split.rs"]
#[allow(dead_code)]
mod split;

#[path = "../../cli/tests/shared/tool.rs"]
mod tool;

use std::fs;
use std::path::Path;

const TOOL: tool::Tool = tool::Tool {
    bin: env!("CARGO_BIN_EXE_xtask"),
    generate: &["codegen"],
    check: &["codegen", "--check"],
};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn check_on_the_split_folder_finds_the_crate_of_the_one_file_up_to_date() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let spec = fs::read_to_string(root.join("spec/realtime-kit.yaml")).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::create_dir(dir.join("spec")).unwrap();
    fs::write(dir.join("spec/realtime-kit.yaml"), &spec).unwrap();
    fs::copy(
        root.join("spec/realtime-kit.toml"),
        dir.join("spec/realtime-kit.toml"),
    )
    .unwrap();
    let args = ["--spec", "spec/realtime-kit.yaml", "--out", "out"];
    let written = TOOL.codegen(dir, &args, &[]);
    assert_eq!(written.status.code(), Some(0), "{}", text(&written.stderr));

    // The same description, now one file per path and per schema (JSON text, which is YAML,
    // for the parts), under the same root file name.
    let tree: serde_json::Value = serde_yaml::from_str(&spec).unwrap();
    let parts = split::split(&tree, "realtime-kit.yaml", split::Format::Json);
    fs::write(
        dir.join("spec/realtime-kit.yaml"),
        serde_yaml::to_string(&parts.root).unwrap(),
    )
    .unwrap();
    for (path, value) in &parts.files {
        let file = dir.join("spec").join(path);
        fs::create_dir_all(file.parent().unwrap()).unwrap();
        fs::write(&file, serde_json::to_string_pretty(value).unwrap()).unwrap();
    }
    let checked = TOOL.codegen(dir, &args, &["--check"]);
    assert_eq!(
        checked.status.code(),
        Some(0),
        "{}{}",
        text(&checked.stdout),
        text(&checked.stderr)
    );
    assert!(
        text(&checked.stdout).starts_with("out is up to date ("),
        "{}",
        text(&checked.stdout)
    );

    // A schema file changed on disk is seen: the check reads the parts, not a stale copy.
    let preset = dir.join("spec/schemas/realtimekit_Preset.json");
    let mut schema: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&preset).unwrap()).unwrap();
    schema["description"] = "Changed in its own file.".into();
    fs::write(&preset, serde_json::to_string_pretty(&schema).unwrap()).unwrap();
    let stale = TOOL.codegen(dir, &args, &["--check"]);
    assert_eq!(stale.status.code(), Some(1), "{}", text(&stale.stderr));
    assert!(
        text(&stale.stdout).contains("Changed in its own file."),
        "{}",
        text(&stale.stdout)
    );
}
