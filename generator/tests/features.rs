//! One cargo feature per group: each compiles alone without warnings (the project's crate, every
//! fixture), and each compiles exactly the types of `src/types.rs` its operations reach.
//!
//! The reach is recomputed here from the generated source, independently of the plan: the
//! names of types in the group's module (its code, and the error types its docs link), then,
//! transitively, the names of types in those types' definitions. A type outside every
//! feature's `#[cfg]` must be one every group reaches, or one no group reaches (a webhook
//! payload), or contained in such a one.

// The library is published as `openapi-client-codegen`; these tests call it `generator`.
extern crate openapi_client_codegen as generator;

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The specs of the fixtures with operations, and the project's own.
fn specs() -> Vec<(String, String)> {
    let root = support::workspace_root();
    let mut specs = vec![(
        "spec/realtime-kit.yaml".to_string(),
        read(&root.join("spec/realtime-kit.yaml")),
    )];
    let fixtures = root.join("generator/tests/fixtures");
    // The spec files (a folder holds a description kept in many files: `files.rs` tests it).
    let mut names: Vec<_> = std::fs::read_dir(&fixtures)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|path| path.is_file())
        .map(|path| path.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for name in names {
        let text = read(&fixtures.join(&name));
        specs.push((format!("fixtures/{name}"), text));
    }
    specs
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A type of `src/types.rs`: the features of its `#[cfg]` (`None`: ungated) and the names of
/// the types its definition names.
struct TypeDef {
    features: Option<BTreeSet<String>>,
    names: BTreeSet<String>,
}

/// Words that may be type names, in code (not in comments).
fn words(code: &str) -> impl Iterator<Item = &str> {
    code.split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .filter(|w| w.starts_with(|c: char| c.is_ascii_uppercase()))
}

/// The types of a `src/types.rs`, by name.
fn types_of(text: &str) -> BTreeMap<String, TypeDef> {
    let mut types = BTreeMap::new();
    let mut cfg: Option<String> = None;
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        if line.starts_with("#[cfg(") {
            // Long lists are laid out over several lines, up to `)]`.
            let mut attr = line.to_string();
            while !attr.trim_end().ends_with(")]") {
                attr.push_str(lines.next().expect("a #[cfg] ends"));
            }
            cfg = Some(attr);
            continue;
        }
        let Some(rest) = line
            .strip_prefix("pub struct ")
            .or_else(|| line.strip_prefix("pub enum "))
        else {
            if !line.starts_with("#[") && !line.starts_with("///") {
                // Any other item (a macro invocation, an impl) ends what the attribute covers.
                if !line.is_empty() && !line.starts_with(' ') && !line.starts_with('}') {
                    cfg = None;
                }
            }
            continue;
        };
        let name = rest
            .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
            .next()
            .unwrap()
            .to_string();
        let mut names = BTreeSet::new();
        if !line.ends_with(';') && !line.ends_with("{}") {
            for body in lines.by_ref() {
                if body == "}" {
                    break;
                }
                let body = body.trim_start();
                if body.starts_with("///") || body.starts_with("#[") {
                    continue;
                }
                // A field's type after its name; a variant's inside its parentheses (not its
                // name, which may be a type's too).
                let ty = match body.split_once(':') {
                    Some((_, ty)) if line.starts_with("pub struct") => ty,
                    // A field's type continued on the next lines.
                    None if line.starts_with("pub struct") => body,
                    _ => match (body.find('('), body.rfind(')')) {
                        (Some(open), Some(close)) if open < close => &body[open..close],
                        _ => "",
                    },
                };
                names.extend(words(ty).map(str::to_string));
            }
        }
        let features = cfg.take().map(|attr| {
            attr.split("feature = \"")
                .skip(1)
                .map(|rest| rest[..rest.find('"').unwrap()].to_string())
                .collect()
        });
        types.insert(name, TypeDef { features, names });
    }
    types
}

/// The types a module reaches: named in its code or linked from its docs as
/// `crate::types::Name`, then what those contain.
fn reach(module: &str, types: &BTreeMap<String, TypeDef>) -> BTreeSet<String> {
    let mut stack: Vec<String> = Vec::new();
    for line in module.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("//") {
            stack.extend(
                trimmed
                    .split("crate::types::")
                    .skip(1)
                    .flat_map(|rest| words(rest).next())
                    .map(str::to_string),
            );
        } else {
            stack.extend(words(line).map(str::to_string));
        }
    }
    closure(stack, types)
}

fn closure(mut stack: Vec<String>, types: &BTreeMap<String, TypeDef>) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    while let Some(name) = stack.pop() {
        let Some(def) = types.get(&name) else {
            continue;
        };
        if seen.insert(name) {
            stack.extend(def.names.iter().cloned());
        }
    }
    seen
}

#[test]
fn each_feature_has_exactly_the_types_its_operations_reach() {
    let mut checked = 0;
    for (label, spec) in specs() {
        let output = support::generate(&spec);
        let files = &output.files;
        let Some(types_rs) = files.get("src/types.rs") else {
            continue;
        };
        let types = types_of(types_rs);
        let groups = support::group_features(&files["Cargo.toml"]);
        let modules: Vec<&str> = files
            .keys()
            .filter_map(|path| path.strip_prefix("src/operations/")?.strip_suffix(".rs"))
            .filter(|m| *m != "mod")
            .collect();
        assert_eq!(
            modules.len(),
            groups.len(),
            "{label}: {groups:?} {modules:?}"
        );
        let mut reached_by: BTreeMap<String, usize> = BTreeMap::new();
        for feature in &groups {
            // A feature is named as its module (`<module>_api` when the name is taken).
            let module = modules
                .iter()
                .find(|m| **m == feature || format!("{m}_api") == *feature)
                .unwrap_or_else(|| panic!("{label}: no module for feature {feature}"));
            let reached = reach(&files[&format!("src/operations/{module}.rs")], &types);
            for name in &reached {
                *reached_by.entry(name.clone()).or_default() += 1;
            }
            let gated: BTreeSet<&String> = types
                .iter()
                .filter(|(_, def)| def.features.as_ref().is_some_and(|f| f.contains(feature)))
                .map(|(name, _)| name)
                .collect();
            let ungated = |name: &String| types[name].features.is_none();
            let expected: BTreeSet<&String> = reached.iter().filter(|n| !ungated(n)).collect();
            assert_eq!(
                gated, expected,
                "{label}: the types gated by `{feature}` are not those its module reaches"
            );
            checked += 1;
        }
        // Ungated: reached by every group, or by none, or inside a type reached by none.
        let unreached: Vec<String> = types
            .iter()
            .filter(|(name, def)| def.features.is_none() && !reached_by.contains_key(*name))
            .map(|(name, _)| name.clone())
            .collect();
        let always = closure(unreached, &types);
        for (name, def) in &types {
            if def.features.is_none() {
                let by = reached_by.get(name.as_str()).copied().unwrap_or(0);
                assert!(
                    by == groups.len() || always.contains(name),
                    "{label}: {name} is ungated but reached by {by} of {} groups",
                    groups.len()
                );
            }
        }
    }
    assert!(checked > 20, "only {checked} features checked");
}

/// The project's crate (`spec/realtime-kit.yaml`): every group alone, no group, and `full`.
#[test]
fn project_crate_features_compile_alone() {
    let spec = read(&support::workspace_root().join("spec/realtime-kit.yaml"));
    let krate = support::generate_crate(&spec);
    let groups = support::group_features(&krate.read("Cargo.toml"));
    assert_eq!(groups.len(), 9, "{groups:?}");
    let mut sets: Vec<&str> = vec!["", "full"];
    sets.extend(groups.iter().map(String::as_str));
    support::check_features(krate.path(), &sets).unwrap();
}

/// Every fixture with operations: each group alone and no group.
#[test]
fn fixture_features_compile_alone() {
    for (label, spec) in specs().into_iter().skip(1) {
        let krate = support::generate_crate(&spec);
        let Some(_) = krate.output.files.get("src/operations/mod.rs") else {
            continue;
        };
        let groups = support::group_features(&krate.read("Cargo.toml"));
        let mut sets: Vec<&str> = vec![""];
        sets.extend(groups.iter().map(String::as_str));
        if let Err(error) = support::check_features(krate.path(), &sets) {
            panic!("{label}: members m0.. are {sets:?}\n{error}");
        }
    }
}

/// The TLS stacks the project's crate pulls in with `features`: the crates of `cargo tree`
/// (normal dependencies, for the target the tests run on) that implement TLS.
fn tls_crates(krate: &support::TestCrate, features: &str) -> BTreeSet<String> {
    const TLS: &[&str] = &[
        "aws-lc-rs",
        "aws-lc-sys",
        "ring",
        "rustls",
        "hyper-rustls",
        "native-tls",
        "hyper-tls",
        "openssl",
        "openssl-sys",
    ];
    let mut args = vec![
        "tree",
        "--edges",
        "normal",
        "--prefix",
        "none",
        "--no-dedupe",
        "--no-default-features",
    ];
    if !features.is_empty() {
        args.extend(["--features", features]);
    }
    let output = support::cargo(krate.path(), &args).unwrap_or_else(|e| panic!("{e}"));
    output
        .stdout
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| TLS.contains(name))
        .map(str::to_string)
        .collect()
}

/// The TLS features choose the stack, and without one (and a `reqwest::Client` of the user's)
/// the crate builds none: no aws-lc-sys, ring, rustls or OpenSSL.
#[test]
fn tls_features_choose_the_stack_and_none_builds_none() {
    let spec = read(&support::workspace_root().join("spec/realtime-kit.yaml"));
    let krate = support::generate_crate(&spec);
    let manifest = krate.read("Cargo.toml");
    assert!(
        manifest.contains("default = [\"full\", \"rustls\", \"tracing\"]"),
        "{manifest}"
    );
    let none = tls_crates(&krate, "full,tracing,blocking");
    assert!(none.is_empty(), "no TLS feature, yet: {none:?}");
    let rustls = tls_crates(&krate, "full,rustls");
    assert!(
        rustls.contains("aws-lc-sys") && rustls.contains("rustls"),
        "{rustls:?}"
    );
    let ring = tls_crates(&krate, "full,rustls-ring");
    assert!(ring.contains("ring") && ring.contains("rustls"), "{ring:?}");
    assert!(!ring.contains("aws-lc-sys"), "{ring:?}");
    let native = tls_crates(&krate, "full,native-tls");
    assert!(native.contains("native-tls"), "{native:?}");
    assert!(
        !native.contains("rustls") && !native.contains("aws-lc-sys") && !native.contains("ring"),
        "{native:?}"
    );
    // Each choice compiles without warnings, and so does none.
    support::check_features(krate.path(), &["full", "full,rustls-ring"]).unwrap();
}

/// The test program of `generated/tests/tls.rs`: a TLS server on loopback with a certificate of
/// a test CA, a call that completes when the client trusts the CA, and one refused when not.
const TLS_PROGRAM: &str = include_str!("../../generated/tests/tls.rs");

/// Each TLS stack completes a call over a real TLS connection: [`TLS_PROGRAM`] run against a
/// crate generated from the project's spec, built with `rustls-ring`, then `native-tls`, and no
/// other TLS feature. (`rustls`, the default, runs it with the tests of `generated/`.)
#[test]
fn every_tls_stack_completes_a_call_over_loopback() {
    let root = support::workspace_root();
    let spec = read(&root.join("spec/realtime-kit.yaml"));
    // The program's dev-dependencies as `generated/` declares them (xtask/src/repository.rs).
    let manifest = read(&root.join("generated/Cargo.toml"));
    let (_, dev) = manifest.split_once("[dev-dependencies]\n").unwrap();
    let extra_dev_dependencies: Vec<(String, String)> = dev
        .lines()
        .filter_map(|line| line.split_once(" = "))
        .filter(|(name, _)| ["tokio", "rcgen", "tokio-rustls"].contains(name))
        .map(|(name, value)| (name.to_string(), value.to_string()))
        .collect();
    assert_eq!(extra_dev_dependencies.len(), 3, "{dev}");
    let options = generator::Options {
        extra_dev_dependencies,
        ..support::options("cloudflare-realtime-kit")
    };
    let krate = support::generate_crate_with(&spec, &options);
    krate.add_file("tests/tls.rs", TLS_PROGRAM);
    for stack in ["rustls-ring", "native-tls"] {
        let features = format!("meetings,{stack}");
        let args = [
            "test",
            "--message-format",
            "short",
            "--no-default-features",
            "--features",
            &features,
            "--test",
            "tls",
        ];
        let output = support::cargo(krate.path(), &args).unwrap_or_else(|e| panic!("{stack}: {e}"));
        assert!(
            output.stdout.contains("test result: ok. 3 passed"),
            "{stack}: {}",
            output.stdout
        );
    }
}
