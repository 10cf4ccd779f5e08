//! `generator::api_surface` describes the Rust API the generator emits. These tests hold it to
//! the emitted source for every fixture spec (and the project's own spec): each struct's
//! `Default` derive and every field with its type, each enum's variants, each operation's
//! signature and accessor, and the `_pages` method of each paged list operation. If an emitter changes what it writes, the surface (and so
//! `cargo xtask diff`) must follow, or this fails.

// The library is published as `openapi-client-codegen`; these tests call it `generator`.
extern crate openapi_client_codegen as generator;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use generator::surface::{Surface, TypeKind};
use generator::{Options, api_surface, generate};

fn options() -> Options {
    Options {
        config: Default::default(),
        crate_name: "surface".into(),
        spec_label: "spec.yaml".into(),
        regenerate_command: "cargo xtask codegen".into(),
        env_prefix: None,
        strict: false,
        skip_invalid: false,
        overlays: Vec::new(),
        extra_dev_dependencies: Vec::new(),
    }
}

/// Source text without whitespace, paths spelled as rustdoc shows them.
fn squash(text: &str) -> String {
    let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    text.replace("chrono::DateTime<chrono::Utc>", "DateTime<Utc>")
        .replace("chrono::NaiveDate", "NaiveDate")
        .replace("uuid::Uuid", "Uuid")
        .replace("std::collections::BTreeMap", "BTreeMap")
        .replace("crate::Upload", "Upload")
        .replace("crate::Form", "Form")
        .replace("crate::Pages", "Pages")
        // Trailing commas of wrapped signatures and generics.
        .replace(",)", ")")
        .replace(",>", ">")
}

/// The text of `pub struct Name {..}` or `pub enum Name {..}` in the emitted files (squashed),
/// with the derive line above it and the number of `pub` fields.
fn item(files: &BTreeMap<String, String>, keyword: &str, name: &str) -> (String, String, usize) {
    let start = format!("pub {keyword} {name} {{\n");
    for text in files.values() {
        let Some(at) = text.find(&start) else {
            continue;
        };
        let end = at + text[at..].find("\n}\n").expect("item ends");
        let derive = text[..at]
            .lines()
            .rev()
            .find(|l| l.starts_with("#[derive("))
            .unwrap_or_default()
            .to_string();
        let fields = text[at..end]
            .lines()
            .filter(|l| l.starts_with("    pub "))
            .count();
        return (derive, squash(&text[at..end]), fields);
    }
    panic!("`pub {keyword} {name}` not found in the emitted files")
}

fn check(spec: &str, label: &str) -> Surface {
    let output = generate(spec, &options()).unwrap_or_else(|e| panic!("{label}: {e}"));
    let surface = api_surface(spec).unwrap_or_else(|e| panic!("{label}: {e}"));
    let files = &output.files;
    let all: String = files.values().map(|t| squash(t)).collect();
    for ty in &surface.types {
        match &ty.kind {
            TypeKind::Struct {
                fields,
                default,
                constructor,
                ..
            } => {
                let (derive, body, count) = item(files, "struct", &ty.name);
                let implemented = all.contains(&format!("implDefaultfor{}{{", ty.name));
                assert_eq!(
                    derive.contains("Default") || implemented,
                    *default,
                    "{label}: `Default` of {}: {derive}",
                    ty.name
                );
                assert!(
                    !(derive.contains("Default") && implemented),
                    "{label}: {}",
                    ty.name
                );
                // `new` takes exactly the fields without a default, in order.
                let arguments: Vec<&str> = fields
                    .iter()
                    .filter(|f| !f.has_default)
                    .map(|f| f.name.as_str())
                    .collect();
                let new = format!("impl{}{{", ty.name);
                let emitted = all.find(&new).map(|at| {
                    let rest = &all[at..];
                    let start = rest.find("pubfnnew(").expect("new") + "pubfnnew(".len();
                    let end = start + rest[start..].find(")->Self").expect("new ends");
                    // `name:Type` pieces; a comma inside a type leaves a piece without `name:`.
                    rest[start..end]
                        .split(',')
                        .filter_map(|a| {
                            let colon = a.find(':')?;
                            (!a[colon + 1..].starts_with(':')).then(|| a[..colon].to_string())
                        })
                        .collect::<Vec<_>>()
                });
                assert_eq!(
                    emitted.is_some(),
                    *constructor,
                    "{label}: `new` of {}",
                    ty.name
                );
                if let Some(emitted) = emitted {
                    assert_eq!(emitted, arguments, "{label}: `new` of {}", ty.name);
                }
                // The rule for what users build: a required value without a spec default is
                // never filled in by `Default`; `new` takes it instead.
                if ty.input {
                    assert_eq!(*default, arguments.is_empty(), "{label}: {}", ty.name);
                    let takes = (1..=generator::plan::MAX_ARGUMENTS).contains(&arguments.len());
                    assert_eq!(*constructor, takes, "{label}: {}", ty.name);
                }
                for field in fields {
                    let needle = format!("pub{}:{},", field.name, squash(&field.ty));
                    assert!(
                        body.contains(&needle),
                        "{label}: {needle} not in {}: {body}",
                        ty.name
                    );
                }
                assert_eq!(count, fields.len(), "{label}: fields of {}", ty.name);
            }
            TypeKind::StringEnum { variants }
            | TypeKind::Union { variants, .. }
            | TypeKind::ResponseEnum { variants } => {
                let (_, body, _) = item(files, "enum", &ty.name);
                for v in variants {
                    let needle = match &v.payload {
                        Some(payload) => format!("{}({}),", v.name, squash(payload)),
                        None => format!("{},", v.name),
                    };
                    assert!(body.contains(&needle), "{label}: {needle} not in {body}");
                }
            }
        }
    }
    for op in &surface.operations {
        let argument = match &op.request {
            Some(request) => format!(",request:&{request}"),
            None => String::new(),
        };
        let signature = format!(
            "pubfn{}(&self{argument})->{}{{",
            op.name,
            squash(&op.returns)
        );
        assert!(all.contains(&signature), "{label}: {signature}");
        if let Some(pages) = &op.pages {
            let signature = format!(
                "pubfn{}(&self{argument})->{}{{",
                pages.name,
                squash(&pages.returns)
            );
            assert!(all.contains(&signature), "{label}: {signature}");
        }
        if let Some(stream) = &op.stream {
            let signature = format!(
                "pubfn{}(&self{argument})->{}{{",
                stream.name,
                squash(&stream.returns)
            );
            assert!(all.contains(&signature), "{label}: {signature}");
        }
        let accessor = format!("pubfn{}(&self)->{}<'_>", op.accessor, op.group);
        assert!(all.contains(&accessor), "{label}: {accessor}");
        let route = format!("`{}{}`", op.method, op.path.replace(' ', ""));
        assert!(all.contains(&squash(&route)), "{label}: {route}");
    }
    // Docs say something: no filler for a field the spec does not describe, no type
    // documented "OK" where its use says more.
    for (path, text) in files {
        for line in text.lines().map(str::trim) {
            let filler = line.starts_with("/// The `") && line.ends_with("` property.");
            assert!(!filler, "{label}: {path}: filler doc `{line}`");
            let nothing = line
                .strip_prefix("/// ")
                .is_some_and(generator::plan::says_nothing);
            assert!(!nothing, "{label}: {path}: `{line}`");
        }
    }
    let lib = squash(&files["src/lib.rs"]);
    let start = lib.find("pubconstCREDENTIAL_ENV").expect("CREDENTIAL_ENV");
    let lib = &lib[start..start + lib[start..].find("];").expect("CREDENTIAL_ENV ends")];
    for credential in &surface.credentials {
        let entry = format!("(\"{}\",", credential.name);
        assert!(
            lib.contains(&entry),
            "{label}: credential {entry} not in CREDENTIAL_ENV"
        );
    }
    assert_eq!(
        lib.matches("(\"").count(),
        surface.credentials.len(),
        "{label}: credentials"
    );
    // Every public function of the operation files is in the surface: the client's accessor
    // of each group, and the group struct's operations, `_pages` and `_stream` methods.
    let emitted = |needle: &str| -> usize {
        files
            .iter()
            .filter(|(path, _)| path.starts_with("src/operations/"))
            .map(|(_, text)| squash(text).matches(needle).count())
            .sum()
    };
    let pages = surface.operations.iter().filter(|op| op.pages.is_some());
    let streams = surface
        .operations
        .iter()
        .filter(|op| op.stream.is_some())
        .count();
    let groups: BTreeSet<&str> = surface.operations.iter().map(|op| &*op.group).collect();
    // The deprecated aliases of renamed methods, one per old name.
    let aliases = surface
        .operations
        .iter()
        .filter(|op| op.old_name.is_some())
        .count();
    // Request structs' constructors aside (checked with their structs above).
    assert_eq!(
        emitted("pubfn") - emitted("pubfnnew("),
        groups.len() + surface.operations.len() + pages.count() + streams + aliases,
        "{label}: methods"
    );
    // Each operation's method, each deprecated alias of one and each streaming method
    // returns a call.
    assert_eq!(
        emitted("->Call<"),
        surface.operations.len() + streams + aliases,
        "{label}: operations"
    );
    surface
}

#[test]
fn surface_matches_the_emitted_source_of_every_fixture() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut specs = vec![root.join("spec/realtime-kit.yaml")];
    // Cloudflare's published descriptions, when the corpus sits next to the workspace.
    let corpus = root.join("../shared/corpus");
    let dirs = ["generator/tests/fixtures", "xtask/tests/diff"].map(|d| root.join(d));
    for dir in dirs.into_iter().chain(corpus.is_dir().then_some(corpus)) {
        let mut stack = vec![dir];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "yaml") {
                    specs.push(path);
                }
            }
        }
    }
    specs.sort();
    assert!(specs.len() > 15, "{specs:?}");
    let mut totals = (0, 0);
    for path in &specs {
        let spec = std::fs::read_to_string(path).unwrap();
        let surface = check(&spec, &path.display().to_string());
        totals.0 += surface.operations.len();
        totals.1 += surface.types.len();
    }
    assert!(totals.0 > 40 && totals.1 > 80, "{totals:?}");
}

#[test]
fn surface_of_the_project_spec() {
    let spec = include_str!("../../spec/realtime-kit.yaml");
    let surface = api_surface(spec).unwrap();
    assert_eq!(surface.base_url, "https://api.cloudflare.com/client/v4");
    let credentials: Vec<(&str, &str)> = surface
        .credentials
        .iter()
        .map(|c| (c.name.as_str(), c.sent_as.as_str()))
        .collect();
    assert_eq!(
        credentials,
        [
            ("api_email", "header `X-Auth-Email`"),
            ("api_key", "header `X-Auth-Key`"),
            ("token", "bearer token"),
            ("user_service_key", "header `X-Auth-User-Service-Key`"),
        ]
    );
    // In the spec's order, with the `_pages` method of the paged list.
    let methods: Vec<_> = surface
        .operations
        .iter()
        .map(|op| {
            (
                format!("{} {}", op.method, op.rust_path()),
                op.request.as_deref(),
                op.returns.as_str(),
                op.pages
                    .as_ref()
                    .map(|p| (p.name.as_str(), p.returns.as_str())),
            )
        })
        .collect();
    assert_eq!(
        methods[0],
        (
            "GET AnalyticsApi::get_org_analytics".to_string(),
            Some("GetOrgAnalyticsRequest"),
            "Call<GetOrgAnalyticsResponse>",
            None
        )
    );
    assert_eq!(
        methods[23..27],
        [
            (
                "GET MeetingsApi::get_meeting_participants".to_string(),
                Some("GetMeetingParticipantsRequest"),
                "Call<GetAllParticipantsResponse>",
                Some(("get_meeting_participants_pages", "Pages<Participant>"))
            ),
            (
                "POST MeetingsApi::add_participant".to_string(),
                Some("AddParticipantRequest"),
                "Call<AddParticipantResponse>",
                None
            ),
            (
                "DELETE MeetingsApi::delete_meeting_participant".to_string(),
                Some("DeleteMeetingParticipantRequest"),
                "Call<DeleteParticipantResponse>",
                None
            ),
            (
                "GET MeetingsApi::get_meeting_participant".to_string(),
                Some("GetMeetingParticipantRequest"),
                "Call<GetParticipantResponse>",
                None
            ),
        ]
    );
    assert_eq!(surface.operations.len(), 62);
    for op in &surface.operations {
        assert_eq!(op.security, [vec!["token".to_string()]], "{}", op.name);
    }
    let participant = surface
        .types
        .iter()
        .find(|t| t.name == "Participant")
        .unwrap();
    assert_eq!(
        participant.pointer.as_deref(),
        Some("#/components/schemas/realtimekit_Participant")
    );
    assert!(!participant.input, "only returned by the API");
    let TypeKind::Struct {
        fields, default, ..
    } = &participant.kind
    else {
        panic!("{participant:?}")
    };
    assert!(default);
    let name = fields.iter().find(|f| f.name == "name").unwrap();
    assert_eq!((name.ty.as_str(), name.optional), ("Option<String>", true));
    assert_eq!(
        name.pointer.as_deref(),
        Some("#/components/schemas/realtimekit_Participant/properties/name")
    );
    let request = surface
        .types
        .iter()
        .find(|t| t.name == "GetMeetingParticipantRequest")
        .unwrap();
    assert!(request.input);
    let TypeKind::Struct { fields, .. } = &request.kind else {
        panic!("{request:?}")
    };
    let path = "#/paths/~1accounts~1{account_id}~1realtime~1kit~1{app_id}~1meetings~1{meeting_id}~1participants~1{participant_id}";
    let pointers: Vec<(&str, Option<String>)> = fields
        .iter()
        .map(|f| (f.name.as_str(), f.pointer.clone()))
        .collect();
    assert_eq!(
        pointers,
        [
            // Declared on the path item; the operation's own `meeting_id` wins over the path's.
            ("account_id", Some(format!("{path}/parameters/0"))),
            ("app_id", Some(format!("{path}/parameters/1"))),
            ("meeting_id", Some(format!("{path}/get/parameters/0"))),
            ("participant_id", Some(format!("{path}/get/parameters/1"))),
        ]
    );
}

#[test]
fn surface_reports_spec_errors_instead_of_panicking() {
    let error = api_surface("openapi: 3.0.3\ninfo: 7\npaths: {}\n").unwrap_err();
    assert!(
        error.diagnostics[0].pointer.starts_with("#/info"),
        "{error}"
    );
}
