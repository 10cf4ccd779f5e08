//! What `cargo xtask codegen` does without `--spec`/`--out`: this repository's own client crate
//! (`generated/` from `spec/realtime-kit.yaml`). The command itself is the tool's
//! (`openapi_client_codegen_cli::codegen`); only these defaults are the repository's.

use std::path::{Path, PathBuf};

use cli::codegen::{Target, config_beside};
use generator::Options;

/// The workspace root: the parent of this crate's directory, wherever `cargo xtask` runs from.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in a subdirectory of the workspace")
        .to_path_buf()
}

/// This repository's own client crate: what `cargo xtask codegen` does without arguments.
pub fn target() -> Target {
    // ---- Defaults of `cargo xtask codegen` (no --spec/--out). Change them here. ----
    /// The spec, relative to the workspace root; also the label in the generated headers.
    const SPEC: &str = "spec/realtime-kit.yaml";
    /// The generated crate's directory, relative to the workspace root.
    const OUT: &str = "generated";
    const CRATE_NAME: &str = "cloudflare-realtime-kit";
    // The hand-written tests in generated/tests/ run the client against a local HTTP server
    // (wiremock, or raw tokio sockets for faults) inside a multi-threaded tokio runtime,
    // capture its traces (tracing-subscriber), and test the optional `blocking` feature
    // (the crate itself, with the feature on for its tests). tests/tls.rs serves HTTPS on
    // loopback (tokio-rustls) with a certificate of a test CA made for the run (rcgen); both
    // with ring, the crypto provider that builds without a C toolchain.
    let extra_dev_dependencies = [
        (CRATE_NAME, r#"{ path = ".", features = ["blocking"] }"#),
        (
            "tokio",
            r#"{ version = "1", features = ["macros", "net", "io-util", "rt-multi-thread"] }"#,
        ),
        (
            "tracing-subscriber",
            r#"{ version = "0.3", default-features = false, features = ["fmt", "std"] }"#,
        ),
        ("wiremock", r#""0.6""#),
        (
            "rcgen",
            r#"{ version = "0.14", default-features = false, features = ["crypto", "pem", "ring"] }"#,
        ),
        (
            "tokio-rustls",
            r#"{ version = "0.26", default-features = false, features = ["ring"] }"#,
        ),
    ];
    // ---- End of defaults. ----

    let root = workspace_root();
    let spec = root.join(SPEC);
    let config = Some(config_beside(&spec)).filter(|c| c.is_file());
    Target {
        config,
        overlays: Vec::new(),
        name_given: false,
        spec,
        out: root.join(OUT),
        out_label: OUT.to_string(),
        label_root: root,
        options: Options {
            crate_name: CRATE_NAME.to_string(),
            spec_label: SPEC.to_string(),
            regenerate_command: "cargo xtask codegen".to_string(),
            env_prefix: None,
            strict: false,
            skip_invalid: false,
            config: Default::default(),
            overlays: Vec::new(),
            extra_dev_dependencies: extra_dev_dependencies
                .iter()
                .map(|(name, value)| (name.to_string(), value.to_string()))
                .collect(),
        },
    }
}

#[cfg(test)]
mod tests {
    use std::fs;

    use cli::codegen::{Failure, check, generate};

    use super::*;

    /// `cargo xtask codegen --check` as a test, so that plain `cargo test` catches a generated
    /// crate that no longer matches the spec or the generator.
    #[test]
    fn generated_crate_is_up_to_date() {
        let target = target();
        let output = match generate(&target, false) {
            Ok(output) => output,
            Err(Failure::Io(e)) => panic!("{e}"),
            Err(Failure::Spec(diagnostics)) => {
                let lines: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
                panic!(
                    "the generator rejects {}:\n{}",
                    target.options.spec_label,
                    lines.join("\n")
                )
            }
        };
        if let Some(report) = check(&target, &output).unwrap() {
            panic!("{report}");
        }
    }

    /// Realtime Kit split into one file per path and per component schema (`crate::split`,
    /// written into a temporary folder) generates the committed crate byte for byte: what
    /// `cargo xtask codegen --check` reads is the same, whatever the layout of the description.
    #[test]
    fn generated_crate_is_the_crate_of_the_split_description() {
        let mut target = target();
        let text = fs::read_to_string(&target.spec).unwrap();
        let tree: serde_json::Value = serde_yaml::from_str(&text).unwrap();
        let parts = crate::split::split(&tree, "realtime-kit.yaml", crate::split::Format::Yaml);
        let dir = tempfile::tempdir().unwrap();
        for (path, value) in std::iter::once(("realtime-kit.yaml", &parts.root))
            .chain(parts.files.iter().map(|(p, v)| (p.as_str(), v)))
        {
            let file = dir.path().join(path);
            fs::create_dir_all(file.parent().unwrap()).unwrap();
            fs::write(&file, serde_yaml::to_string(value).unwrap()).unwrap();
        }
        assert!(parts.files.len() > 90, "{} files", parts.files.len());
        target.spec = dir.path().join("realtime-kit.yaml");
        let output = match generate(&target, false) {
            Ok(output) => output,
            Err(Failure::Io(e)) => panic!("{e}"),
            Err(Failure::Spec(diagnostics)) => {
                let lines: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
                panic!("the split description is rejected:\n{}", lines.join("\n"))
            }
        };
        if let Some(report) = check(&target, &output).unwrap() {
            panic!("{report}");
        }
    }

    /// The license files of the generated crate are copies of the repository's (its code)
    /// and of the spec's notice (the text its docs quote): `cargo package` ships them.
    #[test]
    fn generated_crate_carries_the_license_files() {
        let root = workspace_root();
        for (copy, original) in [
            ("generated/LICENSE-MIT", "LICENSE-MIT"),
            ("generated/LICENSE-APACHE", "LICENSE-APACHE"),
            (
                "generated/LICENSE-realtime-kit-spec",
                "spec/LICENSE-realtime-kit",
            ),
        ] {
            let read = |rel: &str| {
                fs::read_to_string(root.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
            };
            assert_eq!(read(copy), read(original), "{copy} differs from {original}");
        }
        let target = target();
        assert!(
            target
                .config
                .as_ref()
                .is_some_and(|c| c.ends_with("spec/realtime-kit.toml"))
        );
    }

    #[test]
    fn repository_defaults() {
        let target = target();
        assert!(target.spec.ends_with("spec/realtime-kit.yaml"));
        assert!(target.spec.is_file(), "{}", target.spec.display());
        assert!(target.out.join("Cargo.toml").is_file());
        assert_eq!(target.options.spec_label, "spec/realtime-kit.yaml");
        assert_eq!(target.options.crate_name, "cloudflare-realtime-kit");
        assert_eq!(target.options.regenerate_command, "cargo xtask codegen");
        let dev_deps: Vec<&str> = target
            .options
            .extra_dev_dependencies
            .iter()
            .map(|(name, _)| name.as_str())
            .collect();
        assert_eq!(
            dev_deps,
            [
                "cloudflare-realtime-kit",
                "tokio",
                "tracing-subscriber",
                "wiremock",
                "rcgen",
                "tokio-rustls"
            ]
        );
    }
}
