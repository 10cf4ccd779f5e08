//! The commands of `openapi-client-codegen` (`generate`, `check`, `diff`, `conformance`), as a
//! library that both the command-line tool (`src/main.rs`) and the repository's `cargo xtask`
//! call: one implementation of each command, with the same flags ([`args`]), messages and exit
//! codes.
//!
//! - [`codegen`]: `generate` and `check` (read the spec and its configuration, run
//!   [`generator::generate`], write the crate atomically or report how it differs);
//! - [`write`](mod@write): how a generated crate is compared with a directory and written (atomic);
//! - [`diff`]: what a spec bump changes in the generated Rust API, and the changelog entry;
//! - [`conformance`]: every operation of the generated client against Prism;
//! - [`fetch`]: the loader of them all: the spec's folder, and the URLs `[spec] allow_urls`
//!   allows, fetched.
//!
//! This is the tool's own library, not a stable API: programs that generate clients call the
//! generator library ([`generator`]) directly.

pub mod args;
pub mod codegen;
pub mod conformance;
pub mod diff;
pub mod fetch;
pub mod write;
