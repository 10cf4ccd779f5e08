//! Brings a directory in line with the generator's in-memory output, or tells how it differs.
//!
//! The generator owns `Cargo.toml`, `README.md` and everything under `src/` of the output
//! directory; every other file there (tests, examples, CHANGELOG.md, licenses) is hand-written
//! and never touched. [`plan`] compares the output with the directory without writing;
//! [`Plan::apply`] then replaces `src/`, `Cargo.toml` and `README.md` as a whole, or leaves them
//! untouched; [`Plan::diff`] renders what `--check` shows.
//!
//! # Atomic output
//!
//! [`Plan::apply`] never edits the live tree file by file. It builds the complete new `src/` (and
//! `Cargo.toml`) in `<out>/.codegen-staging/`, on the same file system, and only when every file
//! is written swaps it in with renames: `src/` → `.codegen-backup/src`, staged `src/` → `src/`,
//! staged `Cargo.toml` → `Cargo.toml` (a rename replaces a file atomically), then deletes the
//! backup. A failure while staging (disk full, permissions, a name the file system refuses)
//! leaves the old files byte for byte as they were. A run killed during the swap leaves either
//! the old or the new `src/` in place, or the old one in `.codegen-backup/`: the next run's
//! [`recover`] puts it back before doing anything else.
//!
//! Unchanged files are hard-linked into the staged tree (copied, with their modification time,
//! where the file system has no hard links), so they keep their modification time and build
//! tools do not see them as changed. Files are not `fsync`ed: the guarantee is against
//! interrupted and failing runs, not against power loss.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use similar::{Algorithm, TextDiff};

/// The directory, relative to the output directory, that belongs to the generator entirely.
const SRC: &str = "src";

/// The generated files outside `src/`: each replaced as a whole by a rename.
const TOP_LEVEL: &[&str] = &["Cargo.toml", "README.md"];
/// Where [`Plan::apply`] builds the new tree, inside the output directory.
const STAGING: &str = ".codegen-staging";
/// Where [`Plan::apply`] keeps the old `src/` while swapping, inside the output directory.
const BACKUP: &str = ".codegen-backup";

/// An I/O failure, with the path it happened on.
#[derive(Debug)]
pub struct IoError {
    pub action: &'static str,
    pub path: PathBuf,
    pub source: io::Error,
}

impl fmt::Display for IoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot {} {}: {}",
            self.action,
            self.path.display(),
            self.source
        )
    }
}

impl std::error::Error for IoError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

fn io_err<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(io::Error) -> IoError + 'a {
    move |source| IoError {
        action,
        path: path.to_path_buf(),
        source,
    }
}

/// A generated file whose content on disk differs from the output (or that is missing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Relative path with `/` separators, e.g. `src/types.rs`.
    pub path: String,
    /// The current bytes on disk; `None` if the file does not exist yet.
    pub old: Option<Vec<u8>>,
    pub new: String,
}

/// How a directory differs from the generator's output.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// Files to create or overwrite, in path order.
    pub changes: Vec<Change>,
    /// Files under `src/` that the output does not contain, relative to the output directory.
    pub stale: Vec<PathBuf>,
    /// Files whose bytes already match.
    pub unchanged: Vec<String>,
}

/// What [`Plan::apply`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub created: usize,
    pub updated: usize,
    pub removed: usize,
    pub unchanged: usize,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let written = self.created + self.updated;
        let files = if written == 1 { "file" } else { "files" };
        write!(f, "{written} {files} updated")?;
        if self.created > 0 {
            write!(f, " ({} new)", self.created)?;
        }
        write!(
            f,
            ", {} removed, {} unchanged",
            self.removed, self.unchanged
        )
    }
}

/// Compares `files` (relative path → content) with the directory `out`. Reads, never writes.
///
/// # Panics
///
/// If a path in `files` is not `Cargo.toml`, `README.md` or a relative path under `src/`: the generator
/// promises that, and writing anywhere else could overwrite hand-written files.
pub fn plan(out: &Path, files: &BTreeMap<String, String>) -> Result<Plan, IoError> {
    let mut plan = Plan::default();
    for (rel, new) in files {
        assert!(
            is_generated_path(rel),
            "generator bug: output file {rel:?} is neither Cargo.toml, README.md nor a relative path under src/"
        );
        let path = out.join(rel);
        let old = match fs::read(&path) {
            Ok(bytes) => Some(bytes),
            // Missing, or a stale file or directory stands in the way: `apply` clears that.
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::NotFound
                        | io::ErrorKind::NotADirectory
                        | io::ErrorKind::IsADirectory
                ) =>
            {
                None
            }
            Err(e) => return Err(io_err("read", &path)(e)),
        };
        if old.as_deref() == Some(new.as_bytes()) {
            plan.unchanged.push(rel.clone());
        } else {
            plan.changes.push(Change {
                path: rel.clone(),
                old,
                new: new.clone(),
            });
        }
    }
    let wanted: BTreeSet<&str> = files.keys().map(String::as_str).collect();
    let mut on_disk = Vec::new();
    list_files(out, Path::new(SRC), &mut on_disk)?;
    plan.stale = on_disk
        .into_iter()
        .filter(|rel| !wanted.contains(slash_path(rel).as_str()))
        .collect();
    plan.stale.sort();
    Ok(plan)
}

/// `Cargo.toml`, `README.md`, or `src/` followed by plain, non-empty path components.
fn is_generated_path(rel: &str) -> bool {
    if TOP_LEVEL.contains(&rel) {
        return true;
    }
    let Some(rest) = rel.strip_prefix("src/") else {
        return false;
    };
    !rest.contains('\\')
        && rest
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != ".." && !part.contains(':'))
}

/// The relative path with `/` separators, as the generator's output names files.
fn slash_path(rel: &Path) -> String {
    let parts: Vec<_> = rel.iter().map(|part| part.to_string_lossy()).collect();
    parts.join("/")
}

/// Appends every non-directory entry under `root/rel` (recursively) to `found`, relative to
/// `root`. Symbolic links are listed, not followed. A missing directory lists nothing.
fn list_files(root: &Path, rel: &Path, found: &mut Vec<PathBuf>) -> Result<(), IoError> {
    let dir = root.join(rel);
    let entries = match fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io_err("list", &dir)(e)),
    };
    for entry in entries {
        let entry = entry.map_err(io_err("list", &dir))?;
        let child = rel.join(entry.file_name());
        let file_type = entry
            .file_type()
            .map_err(io_err("inspect", &root.join(&child)))?;
        if file_type.is_dir() {
            list_files(root, &child, found)?;
        } else {
            found.push(child);
        }
    }
    Ok(())
}

impl Plan {
    /// Nothing to write and nothing to remove.
    pub fn is_fresh(&self) -> bool {
        self.changes.is_empty() && self.stale.is_empty()
    }

    /// Replaces `src/` and `Cargo.toml` of `out` with the output: builds the new tree next to
    /// them and swaps it in (see the module docs), so that a failure leaves the old files as
    /// they were. Reports each file that changes through `log`, as `<verb> <label>/<path>`.
    pub fn apply(
        &self,
        out: &Path,
        label: &str,
        log: impl FnMut(String),
    ) -> Result<Summary, IoError> {
        self.apply_with_faults(out, label, log, &mut |_| Ok(()))
    }

    /// [`Plan::apply`], with `fault` called before each staged file is written: tests make it
    /// fail to prove that a failure half-way leaves the old tree untouched.
    fn apply_with_faults(
        &self,
        out: &Path,
        label: &str,
        mut log: impl FnMut(String),
        fault: &mut dyn FnMut(&str) -> io::Result<()>,
    ) -> Result<Summary, IoError> {
        let mut summary = Summary {
            unchanged: self.unchanged.len(),
            ..Summary::default()
        };
        if self.is_fresh() {
            return Ok(summary);
        }
        recover(out)?;
        let staging = out.join(STAGING);
        let staged = self.stage(out, &staging, fault);
        let swapped = staged.and_then(|()| swap(out, &staging, &self.top_level_changes()));
        // Whatever happened, nothing may be left behind in the staging folder.
        let cleaned = remove_tree(&staging);
        swapped?;
        cleaned?;
        for rel in &self.stale {
            log(format!("removed {label}/{}", slash_path(rel)));
            summary.removed += 1;
        }
        for change in &self.changes {
            let verb = if change.old.is_some() {
                summary.updated += 1;
                "updated"
            } else {
                summary.created += 1;
                "created"
            };
            log(format!("{verb} {label}/{}", change.path));
        }
        Ok(summary)
    }

    /// The files outside `src/` ([`TOP_LEVEL`]) that are part of the output and differ from
    /// the ones on disk.
    fn top_level_changes(&self) -> Vec<&str> {
        self.changes
            .iter()
            .map(|c| c.path.as_str())
            .filter(|path| TOP_LEVEL.contains(path))
            .collect()
    }

    /// Writes the complete new tree into `staging`: changed files from the output, unchanged
    /// ones linked (or copied) from `out`. `Cargo.toml` and `README.md` are staged only if they
    /// changed.
    fn stage(
        &self,
        out: &Path,
        staging: &Path,
        fault: &mut dyn FnMut(&str) -> io::Result<()>,
    ) -> Result<(), IoError> {
        remove_tree(staging)?;
        let src = staging.join(SRC);
        fs::create_dir_all(&src).map_err(io_err("create directory", &src))?;
        let create_parent = |path: &Path| match path.parent() {
            Some(parent) => fs::create_dir_all(parent).map_err(io_err("create directory", parent)),
            None => Ok(()),
        };
        for change in &self.changes {
            let path = staging.join(&change.path);
            create_parent(&path)?;
            fault(&change.path)
                .and_then(|()| fs::write(&path, &change.new))
                .map_err(io_err("write", &path))?;
        }
        for rel in self
            .unchanged
            .iter()
            .filter(|rel| !TOP_LEVEL.contains(&rel.as_str()))
        {
            let (from, to) = (out.join(rel), staging.join(rel));
            create_parent(&to)?;
            fault(rel)
                .and_then(|()| link_or_copy(&from, &to))
                .map_err(io_err("stage", &to))?;
        }
        Ok(())
    }

    /// A unified diff per changed or missing file (from what is on disk to what the generator
    /// produces), then the stale files. Paths are shown as `<label>/<path>`. Empty when fresh.
    pub fn diff(&self, label: &str) -> String {
        let mut text = String::new();
        for change in &self.changes {
            let name = format!("{label}/{}", change.path);
            let (old, old_name) = match &change.old {
                Some(bytes) => (String::from_utf8_lossy(bytes), format!("{name} (on disk)")),
                None => ("".into(), "/dev/null (missing)".to_string()),
            };
            let diff = TextDiff::configure()
                .algorithm(Algorithm::Patience)
                .timeout(Duration::from_secs(5))
                .diff_lines(old.as_ref(), change.new.as_str());
            let rendered = diff
                .unified_diff()
                .context_radius(3)
                .header(&old_name, &format!("{name} (generated)"))
                .to_string();
            if rendered.is_empty() {
                // Same text, different bytes: only invalid UTF-8 on disk can get here.
                text.push_str(&format!(
                    "{name}: content differs (not valid UTF-8 on disk)\n"
                ));
            } else {
                text.push_str(&rendered);
            }
        }
        if !self.stale.is_empty() {
            text.push_str("Stale files (not generated any more; codegen removes them):\n");
            for rel in &self.stale {
                text.push_str(&format!("  {label}/{}\n", slash_path(rel)));
            }
        }
        text
    }
}

/// Hard-links `from` to `to`, or copies it keeping its modification time where the file system
/// has no hard links: either way `to` has the same bytes and modification time as `from`.
fn link_or_copy(from: &Path, to: &Path) -> io::Result<()> {
    if fs::hard_link(from, to).is_ok() {
        return Ok(());
    }
    fs::copy(from, to)?;
    let modified = fs::metadata(from)?.modified()?;
    fs::File::options()
        .write(true)
        .open(to)?
        .set_modified(modified)
}

/// Swaps the staged tree into `out`: the old `src/` goes to the backup folder, the staged one
/// takes its place, then each staged file of `top_level` (`Cargo.toml`, `README.md`) replaces
/// the old one, and the backup is deleted. If the second step fails, the old `src/` is put back.
fn swap(out: &Path, staging: &Path, top_level: &[&str]) -> Result<(), IoError> {
    let backup = out.join(BACKUP);
    remove_tree(&backup)?;
    fs::create_dir_all(&backup).map_err(io_err("create directory", &backup))?;
    let (live, old, new) = (out.join(SRC), backup.join(SRC), staging.join(SRC));
    let had_src = match fs::symlink_metadata(&live) {
        Ok(_) => {
            fs::rename(&live, &old).map_err(io_err("move aside", &live))?;
            true
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => false,
        Err(e) => return Err(io_err("inspect", &live)(e)),
    };
    if let Err(e) = fs::rename(&new, &live) {
        if had_src {
            // Best effort: the error below is what the user needs to see either way, and
            // `recover` finishes the job on the next run if this fails too.
            let _ = fs::rename(&old, &live);
        }
        return Err(io_err("move into place", &live)(e));
    }
    for file in top_level {
        let live = out.join(file);
        fs::rename(staging.join(file), &live).map_err(io_err("move into place", &live))?;
    }
    remove_tree(&backup)
}

/// Finishes what an interrupted [`Plan::apply`] left: if `src/` is missing but its backup is
/// there, the swap stopped half-way and the backup goes back; any other backup (the new `src/`
/// is in place) and any staging folder are deleted. Returns whether there was anything to do.
pub fn recover(out: &Path) -> Result<bool, IoError> {
    let (backup, staging) = (out.join(BACKUP), out.join(STAGING));
    let (old, live) = (backup.join(SRC), out.join(SRC));
    let found = backup.exists() || staging.exists();
    if old.exists() && fs::symlink_metadata(&live).is_err() {
        fs::rename(&old, &live).map_err(io_err("restore", &live))?;
    }
    remove_tree(&backup)?;
    remove_tree(&staging)?;
    Ok(found)
}

/// Deletes a directory and everything in it; nothing to do if it does not exist.
fn remove_tree(dir: &Path) -> Result<(), IoError> {
    match fs::remove_dir_all(dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io_err("remove", dir)(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{SystemTime, UNIX_EPOCH};

    fn output(files: &[(&str, &str)]) -> BTreeMap<String, String> {
        files
            .iter()
            .map(|(path, content)| (path.to_string(), content.to_string()))
            .collect()
    }

    fn put(root: &Path, rel: &str, content: &str) {
        let path = root.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, content).unwrap();
    }

    fn read(root: &Path, rel: &str) -> String {
        fs::read_to_string(root.join(rel)).unwrap()
    }

    /// Every file under `root` with its content, to prove that nothing changed.
    fn snapshot(root: &Path) -> BTreeMap<String, Vec<u8>> {
        let mut files = Vec::new();
        list_files(root, Path::new(""), &mut files).unwrap();
        files
            .into_iter()
            .map(|rel| (slash_path(&rel), fs::read(root.join(&rel)).unwrap()))
            .collect()
    }

    /// Writes `files` into `out` the way `cargo xtask codegen` does.
    fn sync(out: &Path, files: &BTreeMap<String, String>) -> (Summary, Vec<String>) {
        let mut lines = Vec::new();
        let summary = plan(out, files)
            .unwrap()
            .apply(out, "out", |line| lines.push(line))
            .unwrap();
        (summary, lines)
    }

    #[test]
    fn writes_everything_into_a_missing_directory() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("new-crate");
        let files = output(&[
            ("Cargo.toml", "[package]\n"),
            ("src/lib.rs", "mod runtime;\n"),
            ("src/runtime/mod.rs", "// runtime\n"),
        ]);
        let (summary, lines) = sync(&out, &files);
        assert_eq!(summary.created, 3);
        assert_eq!(
            summary.to_string(),
            "3 files updated (3 new), 0 removed, 0 unchanged"
        );
        assert_eq!(
            lines,
            [
                "created out/Cargo.toml",
                "created out/src/lib.rs",
                "created out/src/runtime/mod.rs"
            ]
        );
        assert_eq!(read(&out, "src/runtime/mod.rs"), "// runtime\n");
        assert!(plan(&out, &files).unwrap().is_fresh());
    }

    #[test]
    fn unchanged_file_is_not_rewritten_and_changed_file_is() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path();
        put(out, "src/lib.rs", "same\n");
        put(out, "src/types.rs", "old\n");
        let long_ago = UNIX_EPOCH + Duration::from_secs(1_000_000_000);
        for rel in ["src/lib.rs", "src/types.rs"] {
            let file = fs::File::options().write(true).open(out.join(rel)).unwrap();
            file.set_modified(long_ago).unwrap();
        }

        let files = output(&[("src/lib.rs", "same\n"), ("src/types.rs", "new\n")]);
        let (summary, lines) = sync(out, &files);

        assert_eq!(summary.updated, 1);
        assert_eq!(summary.unchanged, 1);
        assert_eq!(lines, ["updated out/src/types.rs"]);
        let modified =
            |rel: &str| -> SystemTime { fs::metadata(out.join(rel)).unwrap().modified().unwrap() };
        assert_eq!(
            modified("src/lib.rs"),
            long_ago,
            "an unchanged file was rewritten"
        );
        assert_ne!(modified("src/types.rs"), long_ago);
        assert_eq!(read(out, "src/types.rs"), "new\n");
    }

    #[test]
    fn stale_files_under_src_are_removed_and_hand_written_files_kept() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path();
        put(out, "Cargo.toml", "[package]\n");
        put(out, "src/lib.rs", "lib\n");
        put(out, "src/old.rs", "stale\n");
        put(out, "src/gone/deep/mod.rs", "stale\n");
        put(out, "tests/client.rs", "hand-written\n");
        put(out, "examples/demo.rs", "hand-written\n");
        put(out, "README.md", "hand-written\n");

        let files = output(&[("Cargo.toml", "[package]\n"), ("src/lib.rs", "lib\n")]);
        let (summary, lines) = sync(out, &files);

        assert_eq!(summary.removed, 2);
        assert_eq!(
            lines,
            ["removed out/src/gone/deep/mod.rs", "removed out/src/old.rs"]
        );
        assert!(!out.join("src/old.rs").exists());
        assert!(
            !out.join("src/gone").exists(),
            "empty directories stay behind"
        );
        assert!(out.join("src").is_dir());
        for rel in ["tests/client.rs", "examples/demo.rs", "README.md"] {
            assert_eq!(read(out, rel), "hand-written\n", "{rel} was touched");
        }
    }

    #[test]
    fn stale_file_may_stand_where_a_directory_is_needed() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path();
        put(out, "src/runtime", "a file, not a directory\n");
        let files = output(&[("src/runtime/mod.rs", "mod\n")]);
        sync(out, &files);
        assert_eq!(read(out, "src/runtime/mod.rs"), "mod\n");
    }

    #[test]
    fn stale_directory_may_stand_where_a_file_is_needed() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path();
        put(out, "src/types.rs/old.rs", "stale\n");
        let files = output(&[("src/types.rs", "types\n")]);
        let (_, lines) = sync(out, &files);
        assert_eq!(read(out, "src/types.rs"), "types\n");
        assert_eq!(
            lines,
            [
                "removed out/src/types.rs/old.rs",
                "created out/src/types.rs"
            ]
        );
    }

    #[test]
    fn check_writes_nothing_and_reports_every_difference() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path();
        put(out, "Cargo.toml", "[package]\n");
        put(out, "src/lib.rs", "one\ntwo\nthree\n");
        put(out, "src/old.rs", "stale\n");
        put(out, "tests/client.rs", "hand-written\n");
        let before = snapshot(out);

        let files = output(&[
            ("Cargo.toml", "[package]\n"),
            ("src/lib.rs", "one\n2\nthree\n"),
            ("src/types.rs", "types\n"),
        ]);
        let plan = plan(out, &files).unwrap();
        let diff = plan.diff("out");

        assert_eq!(snapshot(out), before, "check mode changed the directory");
        assert!(!plan.is_fresh());
        assert_eq!(plan.unchanged, ["Cargo.toml"]);
        assert_eq!(plan.stale, [PathBuf::from("src/old.rs")]);
        assert!(diff.contains("--- out/src/lib.rs (on disk)\n+++ out/src/lib.rs (generated)\n"));
        assert!(diff.contains("-two\n+2\n"), "{diff}");
        assert!(diff.contains("--- /dev/null (missing)\n+++ out/src/types.rs (generated)\n"));
        assert!(diff.contains("+types\n"), "{diff}");
        assert!(diff.ends_with(
            "Stale files (not generated any more; codegen removes them):\n  out/src/old.rs\n"
        ));
    }

    #[test]
    fn fresh_directory_has_an_empty_diff() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path();
        put(out, "src/lib.rs", "lib\n");
        put(out, "tests/t.rs", "hand-written\n");
        let plan = plan(out, &output(&[("src/lib.rs", "lib\n")])).unwrap();
        assert!(plan.is_fresh());
        assert_eq!(plan.diff("out"), "");
    }

    #[test]
    fn only_cargo_toml_readme_and_src_are_generated_paths() {
        for ok in [
            "Cargo.toml",
            "README.md",
            "src/lib.rs",
            "src/runtime/mod.rs",
        ] {
            assert!(is_generated_path(ok), "{ok}");
        }
        for bad in [
            "tests/x.rs",
            "CHANGELOG.md",
            "LICENSE-MIT",
            "readme.md",
            "src/../tests/x.rs",
            "src//x.rs",
            "src/",
            "/src/lib.rs",
            "src\\..\\x.rs",
            "src/C:/x.rs",
        ] {
            assert!(!is_generated_path(bad), "{bad}");
        }
    }

    #[test]
    #[should_panic(expected = "generator bug")]
    fn refuses_to_write_outside_src() {
        let tmp = tempfile::tempdir().unwrap();
        let _ = plan(tmp.path(), &output(&[("tests/x.rs", "")]));
    }

    /// A generated crate on disk plus a hand-written test, and an output that changes one
    /// file, adds one and drops one.
    fn crate_and_new_output(out: &Path) -> BTreeMap<String, String> {
        put(out, "Cargo.toml", "[package]\nversion = \"1\"\n");
        put(out, "src/lib.rs", "old lib\n");
        put(out, "src/types.rs", "types\n");
        put(out, "src/old.rs", "stale\n");
        put(out, "tests/client.rs", "hand-written\n");
        output(&[
            ("Cargo.toml", "[package]\nversion = \"2\"\n"),
            ("src/lib.rs", "new lib\n"),
            ("src/types.rs", "types\n"),
            ("src/new/mod.rs", "new\n"),
        ])
    }

    #[test]
    fn a_failure_half_way_leaves_the_old_tree_byte_for_byte() {
        let files_in_output = 4;
        for fail_at in 0..files_in_output - 1 {
            let tmp = tempfile::tempdir().unwrap();
            let out = tmp.path();
            let files = crate_and_new_output(out);
            let before = snapshot(out);
            let plan = plan(out, &files).unwrap();
            let mut staged = 0;
            let mut lines = Vec::new();
            let err = plan
                .apply_with_faults(out, "out", |l| lines.push(l), &mut |rel| {
                    staged += 1;
                    if staged > fail_at {
                        Err(io::Error::other(format!("injected failure at {rel}")))
                    } else {
                        Ok(())
                    }
                })
                .unwrap_err();
            assert!(err.to_string().contains("injected failure"), "{err}");
            assert!(err.to_string().contains(STAGING), "{err}");
            assert_eq!(
                snapshot(out),
                before,
                "fail_at {fail_at}: the old tree changed"
            );
            assert!(lines.is_empty(), "{lines:?}");
            assert!(!out.join(STAGING).exists() && !out.join(BACKUP).exists());
        }
    }

    #[test]
    fn a_real_write_error_leaves_the_old_tree_byte_for_byte() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path();
        let mut files = crate_and_new_output(out);
        // `src/lib.rs` as a file and as a directory: staging fails for real after writing
        // `Cargo.toml` and `src/lib.rs`.
        files.insert("src/lib.rs/inner.rs".into(), "inner\n".into());
        let before = snapshot(out);
        let err = plan(out, &files)
            .unwrap()
            .apply(out, "out", |_| {})
            .unwrap_err();
        assert!(
            err.to_string().starts_with("cannot create directory ")
                && err.to_string().contains("src/lib.rs"),
            "{err}"
        );
        assert_eq!(snapshot(out), before);
        assert!(!out.join(STAGING).exists());
    }

    #[test]
    fn the_new_tree_replaces_the_old_one_whole() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path();
        let files = crate_and_new_output(out);
        put(out, "src/empty/.keep", "");
        let (summary, _) = sync(out, &files);
        assert_eq!(
            summary.to_string(),
            "3 files updated (1 new), 2 removed, 1 unchanged"
        );
        let mut expected: BTreeMap<String, Vec<u8>> = files
            .iter()
            .map(|(rel, content)| (rel.clone(), content.clone().into_bytes()))
            .collect();
        expected.insert("tests/client.rs".into(), b"hand-written\n".to_vec());
        assert_eq!(snapshot(out), expected);
        assert!(!out.join(STAGING).exists() && !out.join(BACKUP).exists());
    }

    #[test]
    fn recover_puts_back_a_tree_left_aside_by_an_interrupted_swap() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path();
        // Killed between moving the old src/ aside and moving the new one in.
        put(out, &format!("{BACKUP}/src/lib.rs"), "old lib\n");
        put(out, &format!("{STAGING}/src/lib.rs"), "new lib\n");
        put(out, "Cargo.toml", "[package]\n");
        assert!(recover(out).unwrap());
        assert_eq!(
            snapshot(out),
            BTreeMap::from([
                ("Cargo.toml".to_string(), b"[package]\n".to_vec()),
                ("src/lib.rs".to_string(), b"old lib\n".to_vec()),
            ])
        );
        // Killed after the new src/ was in place: the backup is simply dropped.
        put(out, &format!("{BACKUP}/src/lib.rs"), "older lib\n");
        assert!(recover(out).unwrap());
        assert_eq!(read(out, "src/lib.rs"), "old lib\n");
        assert!(!out.join(BACKUP).exists());
        assert!(!recover(out).unwrap(), "nothing left to recover");
    }

    #[test]
    fn io_errors_name_the_path() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path();
        // A file where the output directory should be.
        put(out, "blocker", "not a directory\n");
        let out = out.join("blocker");
        let err = plan(&out, &output(&[("src/lib.rs", "lib\n")]))
            .and_then(|plan| plan.apply(&out, "out", |_| {}))
            .unwrap_err();
        assert!(err.to_string().contains("blocker"), "{err}");
    }
}
