//! `diff OLD NEW` (`cargo xtask diff`): reads both specs with the configuration beside each,
//! compares their API surfaces ([`generator::diff`]) and prints the report; `--changelog` adds
//! it to a changelog under the version it calls for.

use std::fs;
use std::path::Path;

use generator::diff::{Section, changelog_entry, compare, insert_changelog_entry, render};
use generator::surface::Surface;

/// How changes are classified; printed by `--help` and kept in the docs.
pub use generator::diff::RULES;

pub const EXIT_CODES: &str = "\
Exit codes:
  0  the report was printed (\"No changes\" when there are none)
  1  --deny-breaking only: something breaks downstream code
  2  bad input: a file cannot be read, a spec cannot be generated (it gets something wrong,
     unless --skip-invalid), or bad usage";

/// Inserts `entry` into the changelog at `path` ([`insert_changelog_entry`]); a missing file is
/// created with a title. An entry already there (the same report) is not added again; returns
/// whether the file changed.
pub fn write_changelog(path: &Path, entry: &str) -> std::io::Result<bool> {
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e),
    };
    match insert_changelog_entry(&text, entry) {
        Some(out) => {
            fs::write(path, out)?;
            Ok(true)
        }
        None => Ok(false),
    }
}

/// What the command ends with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Reported = 0,
    Breaking = 1,
    BadInput = 2,
}

fn surface(path: &Path, label: &str, skip_invalid: bool) -> Result<Surface, String> {
    let text = fs::read_to_string(path).map_err(|e| format!("error: cannot read {label}: {e}"))?;
    // Renames, overrides and filters of the configuration beside the spec apply, as in codegen.
    let config = crate::codegen::config_of_spec(path)?;
    // A description kept in many files is read from the spec's folder.
    let (root, files) = crate::codegen::spec_files(path, &config);
    let surface = generator::api_surface_files(&root, &text, &files, &config, skip_invalid);
    surface.map_err(|e| {
        let lines: Vec<String> = e
            .diagnostics
            .iter()
            .map(|d| format!("{label}: {d}"))
            .collect();
        format!("{}\nerror: cannot generate from {label}", lines.join("\n"))
    })
}

/// The whole command: prints the report on stdout, problems on stderr.
/// With `skip_invalid`, operations either spec gets wrong are left out (as `codegen
/// --skip-invalid` leaves them out) instead of failing the command.
pub fn run(
    old: &Path,
    new: &Path,
    deny_breaking: bool,
    skip_invalid: bool,
    changelog: Option<&Path>,
) -> Outcome {
    let (old_label, new_label) = (old.display().to_string(), new.display().to_string());
    let surfaces = surface(old, &old_label, skip_invalid)
        .and_then(|o| Ok((o, surface(new, &new_label, skip_invalid)?)));
    let (before, after) = match surfaces {
        Ok(surfaces) => surfaces,
        Err(message) => {
            eprintln!("{message}");
            return Outcome::BadInput;
        }
    };
    let changes = compare(&before, &after);
    let report = render(&changes, &old_label, &new_label);
    print!("{report}");
    if let Some(path) = changelog {
        // The version the crate has now: the new spec's configuration says it.
        let version = crate::codegen::config_of_spec(new)
            .ok()
            .and_then(|c| c.package.version)
            .unwrap_or_else(|| "0.1.0".to_string());
        let entry = changelog_entry(&changes, &report, &version);
        match write_changelog(path, &entry) {
            Ok(true) => eprintln!("added the entry to {}", path.display()),
            Ok(false) => eprintln!("{} has this entry already", path.display()),
            Err(e) => {
                eprintln!("error: cannot write {}: {e}", path.display());
                return Outcome::BadInput;
            }
        }
    }
    let breaking = changes
        .iter()
        .filter(|c| c.section == Section::Breaking)
        .count();
    if deny_breaking && breaking > 0 {
        eprintln!(
            "error: {breaking} breaking change{} (--deny-breaking)",
            if breaking == 1 { "" } else { "s" }
        );
        return Outcome::Breaking;
    }
    Outcome::Reported
}

#[cfg(test)]
mod tests {
    use super::*;
    use generator::diff::{Change, Section, changelog_entry, render};

    fn change(section: Section) -> Change {
        Change {
            section,
            text: format!("{section:?}"),
            pointer: None,
            rename: None,
        }
    }

    #[test]
    fn changelog_entries_are_inserted_newest_first_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("CHANGELOG.md");
        fs::write(
            &path,
            "# Changelog of `x`\n\nIntro.\n\n## 0.1.0\n\nFirst release.\n",
        )
        .unwrap();
        let changes = [change(Section::Breaking), change(Section::Addition)];
        let report = render(&changes, "old.yaml", "new.yaml");
        let entry = changelog_entry(&changes, &report, "0.1.0");
        assert!(entry.starts_with("## 0.2.0 (unreleased)\n\n"), "{entry}");
        assert!(entry.contains("`0.1.0` -> `0.2.0`"), "{entry}");
        assert!(entry.contains("before 1.0"), "{entry}");
        assert!(
            entry.contains("\n### Generated API changes: `old.yaml` -> `new.yaml`"),
            "{entry}"
        );
        assert!(entry.contains("\n#### Breaking changes\n"), "{entry}");
        assert!(write_changelog(&path, &entry).unwrap());
        let text = fs::read_to_string(&path).unwrap();
        let new = text.find("## 0.2.0").unwrap();
        let old = text.find("## 0.1.0").unwrap();
        assert!(
            text.starts_with("# Changelog of `x`\n\nIntro.\n\n## 0.2.0"),
            "{text}"
        );
        assert!(new < old, "{text}");
        // The same report again: nothing added.
        assert!(!write_changelog(&path, &entry).unwrap());
        assert_eq!(fs::read_to_string(&path).unwrap(), text);
        // Additions only, after 1.0: a minor release.
        let additions = [change(Section::Addition)];
        let report = render(&additions, "a", "b");
        let entry = changelog_entry(&additions, &report, "1.2.3");
        assert!(entry.starts_with("## 1.3.0 (unreleased)"), "{entry}");
        assert!(entry.contains("Additions call for a minor version bump: `1.2.3` -> `1.3.0`."));
        // A new file gets a title.
        let fresh = dir.path().join("NEW.md");
        assert!(write_changelog(&fresh, &entry).unwrap());
        assert!(
            fs::read_to_string(&fresh)
                .unwrap()
                .starts_with("# Changelog\n\n## 1.3.0")
        );
    }
}
