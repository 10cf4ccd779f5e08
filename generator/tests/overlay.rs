//! Overlays (OpenAPI Overlay 1.0 and 1.1): applied to the description before generation, in
//! order; an overlay using `update`, `remove` and `copy` gives the same crate as the
//! description patched by hand; an action that selects nothing is a warning at its place in
//! the overlay (an error under `strict`); a bad overlay is an error located in it.

// The library is published as `openapi-client-codegen`; these tests call it `generator`.
extern crate openapi_client_codegen as generator;

use generator::{Category, Options, Overlay, Severity, config::Config, generate};

const KENNEL: &str = include_str!("overlay/kennel.yaml");
const FIXES: &str = include_str!("overlay/fixes.overlay.yaml");
const EXPECTED: &str = include_str!("overlay/fixes.expected.yaml");

fn options() -> Options {
    Options::new("kennel").spec_label("kennel.yaml")
}

/// The diagnostics of a generation that must fail, as `(pointer, message)`.
fn errors(spec: &str, options: &Options) -> Vec<(String, String)> {
    let error = generate(spec, options).expect_err("the overlay should be refused");
    for d in &error.diagnostics {
        assert_eq!(d.severity, Severity::Error, "{d}");
    }
    error
        .diagnostics
        .into_iter()
        .map(|d| (d.pointer, d.message))
        .collect()
}

/// The one error of `overlay` (YAML) applied to the kennel, as `(pointer, message)`.
fn overlay_error(overlay: &str) -> (String, String) {
    let errors = errors(KENNEL, &options().overlay("bad.yaml", overlay));
    assert_eq!(errors.len(), 1, "{errors:#?}");
    errors.into_iter().next().unwrap()
}

#[test]
fn overlay_gives_the_crate_of_the_description_patched_by_hand() {
    let overlaid = generate(KENNEL, &options().overlay("fixes.overlay.yaml", FIXES)).unwrap();
    let by_hand = generate(EXPECTED, &options()).unwrap();
    assert!(
        overlaid.diagnostics.is_empty(),
        "{:?}",
        overlaid.diagnostics
    );
    assert_eq!(
        overlaid.files.keys().collect::<Vec<_>>(),
        by_hand.files.keys().collect::<Vec<_>>()
    );
    for (path, text) in &by_hand.files {
        assert_eq!(&overlaid.files[path], text, "{path} differs");
    }
    // The overlay changed the crate: without it, another one.
    let plain = generate(KENNEL, &options()).unwrap();
    assert_ne!(plain.files["src/types.rs"], overlaid.files["src/types.rs"]);
    let lib = &overlaid.files["src/lib.rs"];
    assert!(lib.contains("Dogs, and the people who walk them."), "{lib}");
    let operations: String = overlaid
        .files
        .iter()
        .filter(|(path, _)| path.starts_with("src/operations"))
        .map(|(_, text)| text.as_str())
        .collect();
    assert!(operations.contains("fn get_twin"), "{operations}");
    assert!(!operations.contains("fn reindex"), "{operations}");
    assert!(!operations.contains("debug"), "{operations}");

    // The trees are the same too (the hand-patched file is the overlay's result).
    let (tree, warnings) =
        generator::overlay::overlaid(KENNEL, &[Overlay::new("fixes.overlay.yaml", FIXES)]).unwrap();
    assert!(warnings.is_empty());
    assert_eq!(tree, generator::load::read(EXPECTED).unwrap());
}

#[test]
fn overlays_apply_in_order_each_action_to_the_result_of_the_last() {
    let first = "overlay: 1.0.0\ninfo: {title: a, version: '1'}\nactions:\n  - target: $.paths['/dogs'].get\n    update: {operationId: allDogs}\n";
    // Sees the first overlay's change, and moves the operation on.
    let second = "overlay: 1.1.0\ninfo: {title: b, version: '1'}\nactions:\n  - target: $.paths['/dogs'].get[?@ == 'allDogs']\n    remove: true\n  - target: $.paths['/dogs'].get\n    update: {operationId: everyDog}\n";
    let options = options().overlay("a.yaml", first).overlay("b.yaml", second);
    let surface =
        generator::api_surface_overlaid(KENNEL, &Config::default(), &options.overlays, false)
            .unwrap();
    let names: Vec<&str> = surface.operations.iter().map(|o| o.name.as_str()).collect();
    assert!(names.contains(&"every_dog"), "{names:?}");
    assert!(!names.contains(&"all_dogs") && !names.contains(&"list_dogs"));
    // `generate` applies them the same way.
    let output = generate(KENNEL, &options).unwrap();
    assert!(
        output
            .files
            .values()
            .any(|text| text.contains("fn every_dog"))
    );
}

#[test]
fn an_action_that_selects_nothing_is_a_warning_at_its_place_and_an_error_when_strict() {
    let overlay = "overlay: 1.1.0\ninfo: {title: stale, version: '1'}\nactions:\n  - target: $.info\n    update: {description: Kept.}\n  - target: $.paths['/cats'].get\n    update: {summary: Cats}\n  - target: $.paths['/dogs']\n    copy: $.paths['/cats']\n";
    let options = options().overlay("stale.overlay.yaml", overlay);
    let output = generate(KENNEL, &options).unwrap();
    let warnings: Vec<(&str, Category, Severity)> = output
        .diagnostics
        .iter()
        .map(|d| (d.pointer.as_str(), d.category, d.severity))
        .collect();
    assert_eq!(
        warnings,
        [
            (
                "stale.overlay.yaml#/actions/1/target",
                Category::NoEffect,
                Severity::Warning
            ),
            (
                "stale.overlay.yaml#/actions/2/copy",
                Category::NoEffect,
                Severity::Warning
            ),
        ]
    );
    assert!(
        output.diagnostics[0]
            .message
            .contains("selects nothing in the description"),
        "{}",
        output.diagnostics[0]
    );
    // The other actions were applied.
    assert!(output.files["src/lib.rs"].contains("Kept."));

    let strict = errors(KENNEL, &options.clone().strict(true));
    let pointers: Vec<&str> = strict.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        pointers,
        [
            "stale.overlay.yaml#/actions/1/target",
            "stale.overlay.yaml#/actions/2/copy"
        ]
    );
}

#[test]
fn bad_overlays_are_errors_located_in_the_overlay() {
    let head = "overlay: 1.1.0\ninfo: {title: t, version: '1'}\nactions:\n";
    // Not YAML.
    let (pointer, message) = overlay_error("overlay: [1.1.0\n");
    assert_eq!(pointer, "bad.yaml#");
    assert!(message.contains("not valid YAML (line"), "{message}");
    // Not JSON.
    let (pointer, message) = overlay_error("{\"overlay\": ");
    assert_eq!(pointer, "bad.yaml#");
    assert!(message.contains("not valid JSON"), "{message}");
    // A version this generator does not read, and one written as a number.
    let with_actions = format!("{head}  - {{target: $.info, update: {{}}}}\n");
    let (pointer, message) = overlay_error(&with_actions.replace("1.1.0", "2.0.0"));
    assert_eq!(pointer, "bad.yaml#/overlay");
    assert!(message.contains("`2.0.0` is not supported"), "{message}");
    let (pointer, message) = overlay_error(&with_actions.replace("1.1.0", "1.1"));
    assert_eq!(pointer, "bad.yaml#/overlay");
    assert!(message.contains("a number (`1.1`; quote it)"), "{message}");
    // An OpenAPI document given as an overlay.
    let refused = errors(KENNEL, &options().overlay("bad.yaml", KENNEL));
    assert_eq!(refused[0].0, "bad.yaml#");
    assert!(refused[0].1.contains("no `overlay` version"), "{refused:?}");
    // An action without a target.
    let (pointer, message) = overlay_error(&format!("{head}  - update: {{summary: x}}\n"));
    assert_eq!(pointer, "bad.yaml#/actions/0");
    assert!(message.contains("has no `target`"), "{message}");
    // A target that is not RFC 9535 JSONPath (a tool's extension, or a typo).
    let (pointer, message) = overlay_error(&format!(
        "{head}  - target: $.info\n    update: {{}}\n  - target: $.paths[\n    remove: true\n"
    ));
    assert_eq!(pointer, "bad.yaml#/actions/1/target");
    assert!(
        message.contains("`$.paths[` is not a JSONPath query (RFC 9535)"),
        "{message}"
    );
    // `copy` is 1.1's.
    let (pointer, message) = overlay_error(&format!(
        "{}  - target: $.info\n    copy: $.servers[0]\n",
        head.replace("1.1.0", "1.0.0")
    ));
    assert_eq!(pointer, "bad.yaml#/actions/0/copy");
    assert!(message.contains("`overlay: 1.1.0`"), "{message}");
    // A misspelled field, and an action that does nothing.
    let errors = errors(
        KENNEL,
        &options().overlay(
            "bad.yaml",
            format!("{head}  - target: $.info\n    updates: {{summary: x}}\n"),
        ),
    );
    assert_eq!(
        errors.iter().map(|(p, _)| p.as_str()).collect::<Vec<_>>(),
        ["bad.yaml#/actions/0/updates", "bad.yaml#/actions/0"]
    );
    assert!(
        errors[0].1.contains("unknown field `updates`"),
        "{errors:?}"
    );
    assert!(errors[1].1.contains("changes nothing"), "{errors:?}");
    // No actions, no info.
    let (pointer, message) =
        overlay_error("overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions: []\n");
    assert_eq!(pointer, "bad.yaml#/actions");
    assert!(message.contains("at least one action"), "{message}");
    let (pointer, message) =
        overlay_error("overlay: 1.0.0\nactions:\n  - {target: $.info, remove: true}\n");
    assert_eq!(pointer, "bad.yaml#");
    assert!(message.contains("has no `info`"), "{message}");
    // Both `update` and `copy`.
    let (pointer, message) = overlay_error(&format!(
        "{head}  - target: $.info\n    update: {{}}\n    copy: $.info\n"
    ));
    assert_eq!(pointer, "bad.yaml#/actions/0");
    assert!(message.contains("both `update` and `copy`"), "{message}");
}

#[test]
fn values_that_cannot_be_merged_are_errors_at_their_place() {
    let head = "overlay: 1.1.0\ninfo: {title: t, version: '1'}\nactions:\n";
    // An object into a primitive, inside an update.
    let (pointer, message) = overlay_error(&format!(
        "{head}  - target: $.info\n    update:\n      title: {{text: Kennel}}\n"
    ));
    assert_eq!(pointer, "bad.yaml#/actions/0/update/title");
    assert!(
        message
            .starts_with("merging into `#/info/title`: an object cannot be merged into a string"),
        "{message}"
    );
    // A primitive into an object.
    let (pointer, message) = overlay_error(&format!("{head}  - target: $.info\n    update: 7\n"));
    assert_eq!(pointer, "bad.yaml#/actions/0/update");
    assert!(
        message.contains("a number cannot be merged into an object"),
        "{message}"
    );
    // Targets of different kinds.
    let (pointer, message) = overlay_error(&format!(
        "{head}  - target: $.info.*\n    update: x\n  - target: $['info', 'servers']\n    update: {{}}\n"
    ));
    assert_eq!(pointer, "bad.yaml#/actions/1/update");
    assert!(message.contains("nodes of different kinds"), "{message}");
    // A copy selecting several nodes, and the whole document removed.
    let (pointer, message) =
        overlay_error(&format!("{head}  - target: $.info\n    copy: $.paths.*\n"));
    assert_eq!(pointer, "bad.yaml#/actions/0/copy");
    assert!(message.contains("selects 3 nodes"), "{message}");
    let (pointer, message) = overlay_error(&format!("{head}  - target: $\n    remove: true\n"));
    assert_eq!(pointer, "bad.yaml#/actions/0/target");
    assert!(message.contains("whole description"), "{message}");
}

#[test]
fn removals_of_many_nodes_keep_every_path_valid() {
    // Several items of one array and nodes nested in one another, removed by one action.
    let overlay = "overlay: 1.1.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $..enum[?@ == 'small' || @ == 'medium']\n    remove: true\n  - target: $..properties[?@.type == 'string']\n    remove: true\n";
    let (tree, warnings) =
        generator::overlay::overlaid(KENNEL, &[Overlay::new("o.yaml", overlay)]).unwrap();
    assert!(warnings.is_empty());
    let dog = &tree["components"]["schemas"]["Dog"]["properties"];
    assert_eq!(
        dog.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["weight"]
    );
    assert!(
        tree["components"]["schemas"]["NewDog"]["properties"]
            .as_object()
            .unwrap()
            .is_empty()
    );
}

#[test]
fn the_configuration_names_overlays_in_its_spec_table() {
    let config = Config::parse(
        "[spec]\noverlays = [\"fixes.overlay.yaml\", \"more/extra.yaml\"]\n",
        "kennel.toml",
    )
    .unwrap();
    let overlays: Vec<(&str, &str)> = config
        .spec
        .overlays
        .iter()
        .map(|item| (item.value.as_str(), item.at.position.as_str()))
        .collect();
    assert_eq!(
        overlays,
        [
            ("fixes.overlay.yaml", "kennel.toml:2:13"),
            ("more/extra.yaml", "kennel.toml:2:35")
        ]
    );
    let error = Config::parse("[spec]\noverlays = \"one.yaml\"\n", "kennel.toml").unwrap_err();
    assert!(error.to_string().contains("kennel.toml:2:12"), "{error}");
    let error = Config::parse("[spec]\noverlay = [\"one.yaml\"]\n", "kennel.toml").unwrap_err();
    assert!(
        error.to_string().contains("unknown field `overlay`"),
        "{error}"
    );
}

#[test]
fn queries_nested_too_deep_are_refused_not_a_stack_overflow() {
    let query = |depth: usize| format!("$[?{}@.title{}]", "(".repeat(depth), ")".repeat(depth));
    let overlay = |query: &str| {
        format!(
            "overlay: 1.1.0\ninfo: {{title: t, version: '1'}}\nactions:\n  - target: '{query}'\n    remove: true\n"
        )
    };
    let (pointer, message) = overlay_error(&overlay(&query(20_000)));
    assert_eq!(pointer, "bad.yaml#/actions/0/target");
    assert!(message.contains("more than 64 levels deep"), "{message}");
    // Filters within filters count too; brackets inside string literals do not.
    let filters = format!("$..[?{}@.a{}]", "@[?".repeat(80), "]".repeat(80));
    let (_, message) = overlay_error(&overlay(&filters));
    assert!(message.contains("more than 64 levels deep"), "{message}");
    // The deepest query read is parsed and run on this test's thread (a small stack, as the
    // command-line tool's main thread has for `conformance`), and matches.
    let deepest = query(63);
    let (tree, warnings) =
        generator::overlay::overlaid(KENNEL, &[Overlay::new("deep.yaml", overlay(&deepest))])
            .unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(
        tree.get("info"),
        None,
        "the member with a `title` is removed"
    );
    let literal = format!("$.paths[?@[\"{}\"] == 1]", "[(".repeat(100));
    let (_, warnings) =
        generator::overlay::overlaid(KENNEL, &[Overlay::new("lit.yaml", overlay(&literal))])
            .unwrap();
    assert_eq!(warnings.len(), 1, "selects nothing: {warnings:?}");
}
