//! The program a shared test runs: the command-line tool (`openapi-client-codegen generate`,
//! `check`, ...) or `cargo xtask` (`codegen`, `codegen --check`, ...). Each command's test runs
//! against both, from `cli/tests/` and `xtask/tests/`, so that both give the same exit codes,
//! messages and files: xtask is a thin wrapper over the tool's library.

#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

/// A binary and how its commands are spelled.
pub struct Tool {
    pub bin: &'static str,
    /// `generate` of a standalone crate.
    pub generate: &'static [&'static str],
    /// `check` of a standalone crate.
    pub check: &'static [&'static str],
}

impl Tool {
    /// Runs `generate` (or `check`, when `extra` has `--check`, which is taken out) in `dir`
    /// with `args` then `extra`.
    pub fn codegen(&self, dir: &Path, args: &[&str], extra: &[&str]) -> Output {
        let check = extra.contains(&"--check");
        let extra: Vec<&str> = extra.iter().copied().filter(|a| *a != "--check").collect();
        let command = if check { self.check } else { self.generate };
        Command::new(self.bin)
            .current_dir(dir)
            .args(command)
            .args(args)
            .args(&extra)
            .output()
            .expect("the binary runs")
    }

    /// Runs the binary with `args` as they are, in `dir`.
    pub fn run(&self, dir: &Path, args: &[&str]) -> Output {
        Command::new(self.bin)
            .current_dir(dir)
            .args(args)
            .output()
            .expect("the binary runs")
    }
}
