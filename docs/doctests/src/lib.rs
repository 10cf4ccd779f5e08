//! The documents' Rust code blocks, as doctests (`cargo test -p docs-doctests --doc`): each
//! document is the doc of an item that exists only under `cfg(doctest)`.

/// `README.md`.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct Readme;

/// `docs/client-guide.md`.
#[cfg(doctest)]
#[doc = include_str!("../../client-guide.md")]
pub struct ClientGuide;

/// `docs/mapping.md`.
#[cfg(doctest)]
#[doc = include_str!("../../mapping.md")]
pub struct Mapping;

/// `docs/cli.md`.
#[cfg(doctest)]
#[doc = include_str!("../../cli.md")]
pub struct Cli;

/// `docs/configuration.md`.
#[cfg(doctest)]
#[doc = include_str!("../../configuration.md")]
pub struct Configuration;

/// `docs/conformance.md`.
#[cfg(doctest)]
#[doc = include_str!("../../conformance.md")]
pub struct Conformance;

/// `docs/testing.md`.
#[cfg(doctest)]
#[doc = include_str!("../../testing.md")]
pub struct Testing;
