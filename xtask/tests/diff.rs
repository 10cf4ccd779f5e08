//! `cargo xtask diff OLD NEW` end to end: the xtask binary runs on each fixture pair under
//! `tests/diff/<case>/` (old.yaml, new.yaml) and its report must match `report.md` (refresh
//! with `UPDATE_EXPECT=1 cargo test -p xtask --test diff`); exit codes for `--deny-breaking`
//! and bad input; and a spec bump of the repository's own `spec/realtime-kit.yaml`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use expect_test::{expect, expect_file};

fn xtask(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the xtask binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 output")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("UTF-8 output")
}

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/diff")
}

/// Runs one fixture pair: the report matches its golden file, the command exits with 0, and
/// with `--deny-breaking` it exits with 1 exactly when the report has breaking changes.
fn case(name: &str) -> String {
    let dir = cases_dir().join(name);
    let output = xtask(&dir, &["diff", "old.yaml", "new.yaml"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stderr(&output), "");
    let report = stdout(&output);
    expect_file![format!("diff/{name}/report.md")].assert_eq(&report);

    let denied = xtask(&dir, &["diff", "--deny-breaking", "old.yaml", "new.yaml"]);
    assert_eq!(
        stdout(&denied),
        report,
        "--deny-breaking prints the same report"
    );
    // Renames are breaking too, listed in their table rather than under the heading.
    let breaking = report.contains("### Breaking changes") || report.contains("| removed |");
    let expected = if breaking { 1 } else { 0 };
    assert_eq!(denied.status.code(), Some(expected), "{name}");
    if breaking {
        assert!(
            stderr(&denied).ends_with("(--deny-breaking)\n"),
            "{}",
            stderr(&denied)
        );
    }
    report
}

/// An operation or type at the same place in the spec under another name is a rename: a row
/// of the table after the summary, not a removal and an addition.
#[test]
fn renames_are_a_table_after_the_summary() {
    let report = case("renames");
    let summary = report.find("breaking changes").expect("a summary");
    let table = report
        .find("| Before | After |")
        .expect("a table of renames");
    assert!(summary < table, "{report}");
    for row in [
        "| `PresetsApi::fetch_preset` | `PresetsApi::get_preset` |",
        "| `FetchPresetRequest` | `GetPresetRequest` |",
        "| `PresetsApi::remove_preset` | `PresetsApi::delete_preset` |",
    ] {
        assert!(report.contains(row), "{row} in {report}");
    }
    assert!(
        !report.contains("`PresetsApi::fetch_preset` removed"),
        "{report}"
    );
    assert!(
        report.contains("`PresetsApi::list_presets`: new operation"),
        "{report}"
    );
}

#[test]
fn operations_removed_added_moved_and_changed() {
    let report = case("operations");
    assert!(report.contains("7 breaking changes, 6 additions, 8 other changes."));
}

#[test]
fn struct_fields_by_the_default_rule() {
    let report = case("fields");
    // A new optional field is compatible where literals can leave it out: with `Default`, or
    // with `new` (a struct with a required value), where it would break a literal naming
    // every field.
    assert!(report.contains("- `Preset::color: Option<String>`: new field (property `color`; literals of `Preset` end with `..Preset::new(..)`)"));
    assert!(report.contains("- `ParticipantUpdate::picture: Option<String>`: new field (property `picture`; `ParticipantUpdate` implements `Default`)"));
    // A required value added where users build the struct: a new argument of `new`.
    assert!(report.contains("- `Settings::mode: Role`: new field (property `mode`; required, and users build this struct: an argument of `Settings::new`)"));
}

/// A struct users stop building becomes `#[non_exhaustive]` (breaking: their literals stop
/// compiling), and then takes new fields compatibly; one they start building stops being one.
#[test]
fn non_exhaustive_follows_who_builds_the_struct() {
    let report = case("non-exhaustive");
    assert!(
        report.contains("- `Note` is now #[non_exhaustive]"),
        "{report}"
    );
    assert!(
        report.contains("- `Label` is no longer #[non_exhaustive]"),
        "{report}"
    );
    assert!(
        report.contains("`Note::created: Option<String>`: new field"),
        "{report}"
    );
}

#[test]
fn enum_union_and_response_variants() {
    case("enums");
}

/// A `_pages` method is part of the API: it comes and goes with its operation and with the
/// operation being a paged list, moves with it, and its item type is its return type.
#[test]
fn paged_lists_gain_lose_move_and_change_their_pages_method() {
    let report = case("pagination");
    for line in [
        "- `MeetingsApi::list_meetings_pages` returns `Pages<MeetingSummary>` instead of `Pages<Meeting>`",
        "- `MeetingsApi::list_recordings_pages` removed: `MeetingsApi::list_recordings` is no longer a paged list",
        "- `MeetingsApi::list_presets_pages` removed, with `MeetingsApi::list_presets`\n",
        "- `MeetingsApi::list_webhooks_pages` moved to `WebhooksApi::list_webhooks_pages`",
    ] {
        let breaking = &report[..report.find("### Additions").unwrap()];
        assert!(breaking.contains(line), "{line} not breaking in:\n{report}");
    }
    let additions = &report[report.find("### Additions").unwrap()..];
    for line in [
        "- `MeetingsApi::list_participants_pages`: new method walking every page of `MeetingsApi::list_participants`, returns `Pages<Participant>`",
        "- `MeetingsApi::list_sessions_pages`: new method walking every page of `MeetingsApi::list_sessions`, returns `Pages<Session>`\n",
    ] {
        assert!(
            additions.contains(line),
            "{line} not an addition in:\n{report}"
        );
    }
}

#[test]
fn streams_gained_lost_and_outputs_becoming_streams() {
    let report = case("streams");
    assert!(
        report.contains("new method reading the answer of `AiApi::complete` as a stream"),
        "{report}"
    );
    assert!(
        report.contains("`AiApi::get_audio` now reads its answer as a stream"),
        "{report}"
    );
    assert!(
        report.contains("`AiApi::events_stream` removed"),
        "{report}"
    );
}

#[test]
fn types_removed_added_and_changing_kind() {
    case("types");
}

#[test]
fn doc_only_changes_report_nothing() {
    let report = case("unchanged");
    assert!(report.ends_with("\nNo changes to the generated API.\n"));
}

/// One API in OpenAPI 3.0 (`old.yaml`) and as a person would write it in 3.1 (`new.yaml`):
/// type arrays with `null`, `anyOf: [{$ref}, {type: 'null'}]` for 3.0's nullable `allOf`,
/// `examples`, `const` for one-value enums, numeric exclusive bounds, a `$ref` with a
/// `description` beside it. Moving to 3.1 changes nothing in the generated API, either way.
#[test]
fn the_same_api_in_3_0_and_3_1_reports_nothing() {
    let report = case("openapi-3.1");
    assert!(report.ends_with("\nNo changes to the generated API.\n"));
    let dir = cases_dir().join("openapi-3.1");
    let back = xtask(&dir, &["diff", "--deny-breaking", "new.yaml", "old.yaml"]);
    assert_eq!(back.status.code(), Some(0), "{}", stderr(&back));
    assert!(
        stdout(&back).ends_with("\nNo changes to the generated API.\n"),
        "{}",
        stdout(&back)
    );

    // The mechanical translation (`nullable: true` beside `allOf` as an `anyOf` with a null
    // branch, and so on) is the same API too.
    let tmp = tempfile::tempdir().unwrap();
    let old = std::fs::read_to_string(dir.join("old.yaml")).unwrap();
    let mut raised: serde_json::Value = serde_yaml::from_str(&old).unwrap();
    generator::lower::raise_to_3_1(&mut raised);
    std::fs::copy(dir.join("old.yaml"), tmp.path().join("old.yaml")).unwrap();
    std::fs::write(
        tmp.path().join("raised.json"),
        serde_json::to_string_pretty(&raised).unwrap(),
    )
    .unwrap();
    let raised = xtask(
        tmp.path(),
        &["diff", "--deny-breaking", "old.yaml", "raised.json"],
    );
    assert_eq!(raised.status.code(), Some(0), "{}", stderr(&raised));
    assert_eq!(
        stdout(&raised),
        "## Generated API changes: `old.yaml` -> `raised.json`\n\nNo changes to the generated API.\n"
    );
}

/// The 3.1 version of `openapi-3.1` with one real change (a field made required): the report
/// names that change alone, located in the 3.1 document as written.
#[test]
fn a_real_change_in_the_3_1_version_is_reported_alone() {
    let base = cases_dir().join("openapi-3.1");
    let dir = cases_dir().join("openapi-3.1-required");
    let read = |path: PathBuf| std::fs::read_to_string(path).unwrap();
    // The fixtures differ from `openapi-3.1` by exactly this edit.
    assert_eq!(read(dir.join("old.yaml")), read(base.join("old.yaml")));
    let (from, to) = (
        "      required: [id, kind, status, created_at, title]\n",
        "      required: [id, kind, status, created_at, title, recording]\n",
    );
    let base_new = read(base.join("new.yaml"));
    assert_eq!(base_new.matches(from).count(), 1);
    assert_eq!(read(dir.join("new.yaml")), base_new.replace(from, to));

    let report = case("openapi-3.1-required");
    assert!(report.contains("\n1 breaking change, 0 additions, 0 other changes.\n"));
    assert!(report.contains(
        "\n- `Meeting::recording: Option<RecordingConfig> -> RecordingConfig`: now required \
         (`#/components/schemas/Meeting/properties/recording`)\n"
    ));
}

#[test]
fn the_same_spec_twice_reports_nothing() {
    let dir = cases_dir().join("fields");
    let output = xtask(&dir, &["diff", "--deny-breaking", "new.yaml", "new.yaml"]);
    assert_eq!(output.status.code(), Some(0));
    expect![[r#"
        ## Generated API changes: `new.yaml` -> `new.yaml`

        No changes to the generated API.
    "#]]
    .assert_eq(&stdout(&output));
}

/// A description kept in many files is read from its folder: against its bundle (by
/// `@redocly/cli`), nothing changes; a change in one of its files is reported.
#[test]
fn a_split_description_and_its_bundle_report_nothing() {
    let generator_tests = Path::new(env!("CARGO_MANIFEST_DIR")).join("../generator/tests");
    let output = xtask(
        &generator_tests,
        &[
            "diff",
            "--deny-breaking",
            "multi_file/shop.bundle.yaml",
            "multi_file/shop/openapi.yaml",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output).ends_with("\nNo changes to the generated API.\n"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn output_is_deterministic() {
    let dir = cases_dir().join("enums");
    let first = stdout(&xtask(&dir, &["diff", "old.yaml", "new.yaml"]));
    for _ in 0..3 {
        assert_eq!(
            stdout(&xtask(&dir, &["diff", "old.yaml", "new.yaml"])),
            first
        );
    }
}

#[test]
fn bad_input_exits_with_2_and_says_which_file() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(
        dir.join("broken.yaml"),
        "openapi: 3.0.3\ninfo: [not, a, map]\npaths: {}\n",
    )
    .unwrap();
    std::fs::copy(cases_dir().join("types/old.yaml"), dir.join("ok.yaml")).unwrap();

    let missing = xtask(dir, &["diff", "ok.yaml", "missing.yaml"]);
    assert_eq!(missing.status.code(), Some(2));
    assert_eq!(stdout(&missing), "");
    assert!(
        stderr(&missing).starts_with("error: cannot read missing.yaml: "),
        "{}",
        stderr(&missing)
    );

    let broken = xtask(dir, &["diff", "broken.yaml", "ok.yaml"]);
    assert_eq!(broken.status.code(), Some(2));
    assert_eq!(stdout(&broken), "");
    let message = stderr(&broken);
    assert!(
        message.starts_with("broken.yaml: error: #/info: "),
        "{message}"
    );
    assert!(
        message.ends_with("error: cannot generate from broken.yaml\n"),
        "{message}"
    );

    let usage = xtask(dir, &["diff", "ok.yaml"]);
    assert_eq!(usage.status.code(), Some(2));
}

#[test]
fn an_operation_the_new_spec_gets_wrong_fails_unless_skip_invalid() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let old = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: get_a\n      responses:\n        \"200\":\n          description: ok\n          content:\n            application/json:\n              schema: {type: string}\n";
    let new = old.replace("{type: string}", "{$ref: \"#/components/schemas/Gone\"}");
    std::fs::write(dir.join("old.yaml"), old).unwrap();
    std::fs::write(dir.join("new.yaml"), new).unwrap();

    let failed = xtask(dir, &["diff", "old.yaml", "new.yaml"]);
    assert_eq!(failed.status.code(), Some(2), "{}", stderr(&failed));
    assert_eq!(stdout(&failed), "");
    let message = stderr(&failed);
    assert!(
        message.starts_with(
            "new.yaml: error: #/paths/~1a/get/responses/200/content/application~1json/schema: \
             operation `get_a` (GET /a): `$ref: \"#/components/schemas/Gone\"` points at nothing"
        ),
        "{message}"
    );

    let skipped = xtask(dir, &["diff", "--skip-invalid", "old.yaml", "new.yaml"]);
    assert_eq!(skipped.status.code(), Some(0), "{}", stderr(&skipped));
    let report = stdout(&skipped);
    assert!(
        report.contains(
            "`AApi::get_a` removed (was `GET /a`); the generator now skips it: \
             `$ref: \"#/components/schemas/Gone\"` points at nothing in this document"
        ),
        "{report}"
    );
}

#[test]
fn help_explains_the_rules_and_exit_codes() {
    let output = xtask(&cases_dir(), &["diff", "--help"]);
    assert_eq!(output.status.code(), Some(0));
    let help = stdout(&output);
    for needle in [
        "What counts as breaking",
        "has neither Default nor new(..): struct\n    literals must name it",
        "every generated enum is #[non_exhaustive]",
        "--deny-breaking",
        "1  --deny-breaking only: something breaks downstream code",
        "2  bad input",
    ] {
        assert!(help.contains(needle), "{needle:?} missing from:\n{help}");
    }
}

/// A realistic bump of the repository's own spec: Realtime Kit's participant gains a field, one
/// loses its `nullable`, and the operation gains a query parameter.
#[test]
fn realtime_kit_spec_bump() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let spec = std::fs::read_to_string(root.join("spec/realtime-kit.yaml")).unwrap();
    let edits = [
        (
            "          format: uuid\n        name:\n          description: Name of the participant.\n          type: string\n          nullable: true\n",
            "          format: uuid\n        name:\n          description: Name of the participant.\n          type: string\n",
        ),
        (
            "        - updated_at\n      title: Participant\n",
            "        - updated_at\n        - name\n      title: Participant\n",
        ),
        (
            "        preset_name:\n          description: Preset applied to the participant.\n",
            "        role:\n          type: string\n          enum: [host, guest]\n        preset_name:\n          description: Preset applied to the participant.\n",
        ),
        (
            "            type: string\n      responses:\n        '200':\n          $ref: '#/components/responses/realtimekit_GetParticipant'\n",
            "            type: string\n        - name: include_presets\n          in: query\n          schema:\n            type: boolean\n      responses:\n        '200':\n          $ref: '#/components/responses/realtimekit_GetParticipant'\n",
        ),
    ];
    let mut bumped = spec.clone();
    for (from, to) in edits {
        assert_eq!(
            bumped.matches(from).count(),
            1,
            "{from:?} is not unique in the spec"
        );
        bumped = bumped.replace(from, to);
    }
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("old.yaml"), &spec).unwrap();
    std::fs::write(tmp.path().join("new.yaml"), &bumped).unwrap();

    let output = xtask(
        tmp.path(),
        &["diff", "--deny-breaking", "old.yaml", "new.yaml"],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report = stdout(&output);
    expect_file!["diff/realtime-kit.md"].assert_eq(&report);

    // The tool's documentation shows this report as its sample: keep them the same.
    let readme = std::fs::read_to_string(root.join("docs/cli.md")).unwrap();
    let sample = report.replacen(
        "`old.yaml` -> `new.yaml`",
        "`/tmp/old.yaml` -> `spec/realtime-kit.yaml`",
        1,
    );
    assert!(
        readme.contains(&format!("```markdown\n{sample}```\n")),
        "docs/cli.md's sample report differs from:\n{sample}"
    );
}
