//! Problems found in a spec, each tied to a JSON pointer into it.

use std::fmt;

/// How serious a [`Diagnostic`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The output is usable but leaves something out (e.g. a skipped operation).
    Warning,
    /// The spec cannot be generated.
    Error,
}

/// What kind of problem a [`Diagnostic`] is about; decides what becomes of an operation that
/// has it (see [`settle`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Category {
    /// The spec is wrong (not valid OpenAPI: an invalid operation or path item, a dangling
    /// or external `$ref`, a `$ref` cycle with no object or array in between, a path parameter
    /// its path template does not name, an unknown `type`), or beyond the limits this generator accepts
    /// (schema nesting, `allOf` expansion). An error unless `Options::skip_invalid`.
    BadInput,
    /// Valid OpenAPI that a generated client cannot express (a cookie parameter, an operation
    /// whose only security schemes are cookies, ...). A warning unless `Options::strict`.
    Unsupported,
    /// The spec is wrong, but what it means is plain, and the generator did that (a path
    /// template parameter not declared in the path: a required string path parameter; see
    /// docs/repairs.md); the message says what was assumed. A warning unless `Options::strict`.
    Repaired,
    /// Something the maintainer wrote does nothing (an overlay action whose `target` selects
    /// nothing in the description): most likely a mistake, or an overlay the description has
    /// outgrown. A warning unless `Options::strict`.
    NoEffect,
}

/// One problem, located by a JSON pointer such as `#/paths/~1accounts~1{account_id}/get`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// An error, or a warning.
    pub severity: Severity,
    /// Whether the spec is wrong or the client cannot express it.
    pub category: Category,
    /// Where: a JSON pointer into the spec (`#/paths/~1pets/get`), or `file:line:column` of
    /// the configuration.
    pub pointer: String,
    /// What is wrong, in a sentence.
    pub message: String,
}

/// What a skipped operation's diagnostic says between what was skipped and why.
const SKIPPED: &str = " skipped: ";

impl Diagnostic {
    /// `what` (e.g. "operation `GET /a`") is left out because of `reason`: a warning, saying so.
    pub(crate) fn skipped(what: &str, reason: Diagnostic) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            message: format!("{what}{SKIPPED}{}", reason.message),
            ..reason
        }
    }
}

/// The one place that decides what the problems found while building the model mean for a run:
/// bad input fails it unless `skip_invalid` (then the operations are skipped with warnings),
/// and what is valid but unsupported, or was repaired, is a warning unless `strict`. Returns the warnings, or
/// an error holding every problem that is one.
pub(crate) fn settle(
    diagnostics: Vec<Diagnostic>,
    strict: bool,
    skip_invalid: bool,
) -> Result<Vec<Diagnostic>, Error> {
    let fatal = |d: &Diagnostic| strict || (d.category == Category::BadInput && !skip_invalid);
    if !diagnostics.iter().any(fatal) {
        return Ok(diagnostics);
    }
    let diagnostics = diagnostics
        .into_iter()
        .filter(fatal)
        .map(|d| {
            // Nothing is skipped when generation fails: "operation `x` skipped: why" becomes
            // "operation `x`: why" (under `strict`, the message says what would be skipped).
            let message = match d.message.split_once(SKIPPED) {
                Some((what, why)) if !strict => format!("{what}: {why}"),
                _ => d.message,
            };
            Diagnostic {
                severity: Severity::Error,
                message,
                ..d
            }
        })
        .collect();
    Err(Error { diagnostics })
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(f, "{level}: {}: {}", self.pointer, self.message)
    }
}

/// Generation failed; holds every error found (at least one).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct Error {
    /// Every problem found, in the order found.
    pub diagnostics: Vec<Diagnostic>,
}

impl Error {
    /// One problem of [`Category::BadInput`]: the spec is wrong here.
    pub fn single(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self::of(Category::BadInput, pointer, message)
    }

    /// One problem of [`Category::Unsupported`]: valid, but not expressible by the client.
    pub fn unsupported(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self::of(Category::Unsupported, pointer, message)
    }

    fn of(category: Category, pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Error {
            diagnostics: vec![Diagnostic {
                severity: Severity::Error,
                category,
                pointer: pointer.into(),
                message: message.into(),
            }],
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}
