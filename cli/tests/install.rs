//! The tool as a user gets it: `cargo install` from the workspace into a temporary root, run on
//! a spec outside the repository (with its configuration beside it) into a new directory, and
//! that crate built with every warning an error; `check` then finds it up to date, and
//! `cargo xtask codegen` makes the same bytes from the same spec and configuration.
//!
//! Ignored by `cargo test` (it installs and builds, about a minute on 2 cores once the
//! dependencies are built); `.ci/run` runs it:
//! `cargo test -p openapi-client-codegen-cli --test install -- --ignored`.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the cli crate lives in the workspace")
        .to_path_buf()
}

fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// Runs `command`; panics with its output unless it succeeds.
fn ok(command: &mut Command) -> Output {
    let output = command.output().expect("the command starts");
    assert!(
        output.status.success(),
        "{command:?}: {}\n--- stdout\n{}\n--- stderr\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// Every file under `dir` (relative path with `/`) and its bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(at) = pending.pop() {
        for entry in fs::read_dir(&at).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let rel = path.strip_prefix(dir).unwrap();
                let rel: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                out.insert(rel.join("/"), fs::read(&path).unwrap());
            }
        }
    }
    out
}

const SPEC: &str = r##"openapi: 3.1.0
info: {title: Pet Store, version: "1.2.0", license: {name: MIT}}
servers: [{url: "https://petstore.example.com/v1"}]
security: [{token: []}]
paths:
  /pets:
    get:
      operationId: listPets
      tags: [Pets]
      parameters:
        - {name: limit, in: query, schema: {type: integer, minimum: 1}}
      responses:
        "200":
          description: The pets
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/Pet"}}
    post:
      operationId: createPet
      tags: [Pets]
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Pet"}
      responses:
        "201":
          description: Created
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Pet"}
  /pets/{petId}:
    get:
      operationId: showPetById
      tags: [Pets]
      parameters:
        - {name: petId, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: The pet
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Pet"}
components:
  securitySchemes:
    token: {type: http, scheme: bearer}
  schemas:
    Pet:
      type: object
      required: [id, name]
      properties:
        id: {type: integer, format: int64}
        name: {type: string}
        tag: {type: [string, "null"]}
"##;

const CONFIG: &str = r#"[package]
name = "petstore-client"
version = "0.3.0"
license = "MIT"

[client]
env_prefix = "PETSTORE"
request_id_header = "x-request-id"

[docs]
front_page = "A client for the pet store."
"#;

#[test]
#[ignore = "installs the tool and builds a crate (about a minute); .ci/run runs it"]
fn installed_tool_generates_a_crate_that_builds() {
    let root = workspace();
    let tmp = tempfile::tempdir().unwrap();
    let install_root = tmp.path().join("install");
    // Into the workspace's target directory (a debug build): what `cargo test` built is reused.
    ok(cargo()
        .args(["install", "--locked", "--debug", "--path"])
        .arg(root.join("cli"))
        .arg("--root")
        .arg(&install_root)
        .env("CARGO_TARGET_DIR", root.join("target")));
    let bin = install_root.join("bin/openapi-client-codegen");
    assert!(bin.is_file(), "{} was not installed", bin.display());

    let version = ok(Command::new(&bin).arg("--version"));
    assert_eq!(
        String::from_utf8_lossy(&version.stdout),
        format!("openapi-client-codegen {}\n", env!("CARGO_PKG_VERSION"))
    );

    // A spec outside the repository, its configuration beside it, into a new directory.
    let project = tmp.path().join("project");
    fs::create_dir_all(project.join("api")).unwrap();
    fs::write(project.join("api/petstore.yaml"), SPEC).unwrap();
    fs::write(project.join("api/petstore.toml"), CONFIG).unwrap();
    let generated = ok(Command::new(&bin).current_dir(&project).args([
        "generate",
        "--spec",
        "api/petstore.yaml",
        "--out",
        "clients/petstore",
    ]));
    let stdout = String::from_utf8_lossy(&generated.stdout);
    assert!(stdout.contains("clients/petstore: "), "{stdout}");
    let out = project.join("clients/petstore");
    let manifest = fs::read_to_string(out.join("Cargo.toml")).unwrap();
    assert!(
        manifest.contains("name = \"petstore-client\""),
        "{manifest}"
    );
    let lib = fs::read_to_string(out.join("src/lib.rs")).unwrap();
    assert!(
        lib.contains(
            "run `openapi-client-codegen generate --spec api/petstore.yaml --out clients/petstore`."
        ),
        "the header names the command that regenerates: {lib}"
    );
    assert!(lib.contains("PETSTORE_BASE_URL"), "{lib}");
    assert!(lib.contains("//! A client for the pet store."), "{lib}");

    let checked = ok(Command::new(&bin).current_dir(&project).args([
        "check",
        "--spec",
        "api/petstore.yaml",
        "--out",
        "clients/petstore",
    ]));
    assert!(
        String::from_utf8_lossy(&checked.stdout).starts_with("clients/petstore is up to date"),
        "{}",
        String::from_utf8_lossy(&checked.stdout)
    );

    // The crate builds with the workspace's dependency versions, in the target directory of
    // the generated crates (generator/tests/support) with its flags: dependencies built by the
    // tests are reused, and any warning is an error.
    let target_dir = root.join("target/generated-crates");
    fs::copy(root.join("Cargo.lock"), out.join("Cargo.lock")).unwrap();
    ok(cargo()
        .args(["build", "--all-targets", "--manifest-path"])
        .arg(out.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", &target_dir)
        .env("RUSTFLAGS", "-D warnings"));

    // `cargo xtask codegen` on the same spec and configuration: the same bytes.
    let by_xtask = project.join("clients/by-xtask");
    ok(cargo()
        .args([
            "run",
            "--quiet",
            "--locked",
            "--package",
            "xtask",
            "--manifest-path",
        ])
        .arg(root.join("Cargo.toml"))
        .args(["--", "codegen", "--spec", "api/petstore.yaml", "--out"])
        .arg(&by_xtask)
        .current_dir(&project)
        .env("CARGO_TARGET_DIR", root.join("target")));
    let mut by_tool = files(&out);
    by_tool.remove("Cargo.lock");
    // The header names the command: the same, but for the output directory given.
    let by_xtask: BTreeMap<String, Vec<u8>> = files(&by_xtask)
        .into_iter()
        .map(|(path, bytes)| {
            let text = String::from_utf8(bytes).unwrap();
            let text = text.replace(&by_xtask.display().to_string(), "clients/petstore");
            (path, text.into_bytes())
        })
        .collect();
    assert_eq!(
        by_tool.keys().collect::<Vec<_>>(),
        by_xtask.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &by_tool {
        assert!(
            by_xtask[path] == *bytes,
            "{path} differs between the tool and cargo xtask"
        );
    }
}
