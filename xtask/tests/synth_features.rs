//! The features of a large crate, that of `cargo xtask bench`'s 1,000-operation synthetic
//! spec (200 groups of 5 operations): a sample compile alone without warnings (no group; the first, a middle
//! and the last group; two groups together). Every group of the project's crate and of the
//! generator's fixtures is checked by `generator/tests/features.rs`.

#[path = "../../generator/tests/support/mod.rs"]
mod support;
#[allow(dead_code)]
#[path = "../src/synth.rs"]
mod synth;

#[test]
fn synthetic_1000_operation_crate_sample_features_compile_alone() {
    let krate = support::generate_crate(&synth::spec(1000));
    let manifest = krate.read("Cargo.toml");
    let groups = support::group_features(&manifest);
    assert_eq!(groups.len(), 200, "{groups:?}");
    // A large API: no group by default.
    assert!(
        manifest.contains("\ndefault = [\"rustls\", \"tracing\"]\n"),
        "{manifest}"
    );
    let two = format!("{},{}", groups[1], groups[2]);
    let sets = ["", &groups[0], &groups[100], &groups[199], &two];
    support::check_features(krate.path(), &sets).unwrap();
}

/// The rules of what users build and of docs hold on the 1,000-operation crate too: a request
/// struct (or a type reached from one) with a required value lacks `Default` and has `new`, and
/// no field doc is filler.
#[test]
fn synthetic_1000_operation_crate_requests_and_docs() {
    let spec = synth::spec(1000);
    let surface = generator::api_surface(&spec).unwrap();
    let mut constructors = 0;
    for ty in surface.types.iter().filter(|t| t.input) {
        if let generator::surface::TypeKind::Struct {
            fields,
            default,
            constructor,
            ..
        } = &ty.kind
        {
            let required = fields.iter().any(|f| !f.has_default);
            assert_eq!(*default, !required, "{}", ty.name);
            let arguments = fields.iter().filter(|f| !f.has_default).count();
            let takes = (1..=generator::plan::MAX_ARGUMENTS).contains(&arguments);
            assert_eq!(*constructor, takes, "{}", ty.name);
            constructors += usize::from(*constructor);
        }
    }
    assert!(constructors >= 1000, "{constructors}");
    let output = generator::generate(&spec, &support::options("synth")).unwrap();
    let filler = output
        .files
        .values()
        .flat_map(|text| text.lines())
        .map(str::trim)
        .filter(|line| line.starts_with("/// The `") && line.ends_with("` property."))
        .count();
    assert_eq!(filler, 0);
}
