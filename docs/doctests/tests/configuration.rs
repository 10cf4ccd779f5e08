//! The configuration examples of the documents are valid configurations: every `toml` block of
//! docs/configuration.md, and those of README.md that are configurations (not a Cargo.toml),
//! parse with the library's `Config::parse`, and set what they say; its overlay example
//! applies to the overlay tests' fixture.

use generator::config::Config;

/// The `toml` code blocks of a Markdown text.
fn toml_blocks(text: &str) -> Vec<String> {
    blocks(text, "```toml")
}

/// The code blocks of a Markdown text that open with `fence` (```` ```toml ````).
fn blocks(text: &str, fence: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        match (&mut current, line.trim_end()) {
            (None, open) if open == fence => current = Some(String::new()),
            (Some(block), "```") => {
                blocks.push(std::mem::take(block));
                current = None;
            }
            (Some(block), line) => {
                block.push_str(line);
                block.push('\n');
            }
            (None, _) => {}
        }
    }
    blocks
}

fn parse(block: &str, label: &str) -> Config {
    Config::parse(block, label).unwrap_or_else(|e| panic!("{label}:\n{block}\n{e}"))
}

#[test]
fn the_configuration_reference_parses() {
    let blocks = toml_blocks(include_str!("../../configuration.md"));
    assert!(!blocks.is_empty());
    for block in &blocks {
        let config = parse(block, "docs/configuration.md");
        // The reference shows every section.
        assert_eq!(
            config.package.name.as_deref(),
            Some("cloudflare-realtime-kit")
        );
        assert!(!config.rename_types.is_empty() && !config.rename_methods.is_empty());
        assert!(!config.type_overrides.is_empty() && !config.filter.is_empty());
        assert_eq!(config.client.request_id_method.as_deref(), Some("ray_id"));
        assert!(config.docs.front_page.is_some());
        assert_eq!(config.spec.overlays[0].value, "fixes.overlay.yaml");
    }
}

#[test]
fn the_overlay_example_applies_to_the_kennel_fixture() {
    let blocks = blocks(include_str!("../../configuration.md"), "```yaml");
    assert_eq!(blocks.len(), 1, "{blocks:?}");
    let kennel = include_str!("../../../generator/tests/overlay/kennel.yaml");
    let overlay = generator::Overlay::new("docs/configuration.md", blocks[0].as_str());
    let (tree, warnings) = generator::overlay::overlaid(kennel, &[overlay])
        .unwrap_or_else(|e| panic!("{}\n{e}", blocks[0]));
    // Every action selects something.
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(tree["info"]["description"], "Dogs.");
    assert!(tree["paths"]["/dogs/{dog_id}/twin"]["get"].is_object());
}

#[test]
fn the_readme_configuration_parses() {
    let blocks: Vec<String> = toml_blocks(include_str!("../../../README.md"))
        .into_iter()
        .filter(|b| !b.starts_with("[dependencies]"))
        .collect();
    assert_eq!(blocks.len(), 1, "{blocks:?}");
    let config = parse(&blocks[0], "README.md");
    assert_eq!(config.client.env_prefix.as_deref(), Some("PETSTORE"));
    assert_eq!(
        config.client.request_id_header.as_deref(),
        Some("x-request-id")
    );
}

/// `spec/realtime-kit.toml` is what the configuration reference says Cloudflare's crate sets.
#[test]
fn the_repository_configuration_parses() {
    let config = parse(
        include_str!("../../../spec/realtime-kit.toml"),
        "spec/realtime-kit.toml",
    );
    assert_eq!(config.client.env_prefix.as_deref(), Some("CLOUDFLARE"));
    assert_eq!(config.client.request_id_header.as_deref(), Some("cf-ray"));
}
