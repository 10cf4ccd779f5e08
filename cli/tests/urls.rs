//! References to URLs, end to end: a description whose schema lives on a real HTTP server
//! (a `TcpListener` on loopback serving YAML files, counting every request), read by the
//! command-line tool when the configuration's `[spec] allow_urls` allows it. The crate is the
//! one the same files kept beside the description give, byte for byte; each URL is fetched
//! once a run; without `allow_urls` nothing is fetched and the run fails at the reference; a
//! 404 is a located error naming the URL.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

const BIN: &str = env!("CARGO_BIN_EXE_openapi-client-codegen");

/// A schema that refers to another file by a relative path (resolved against its URL).
const PET: &str = "type: object\nrequired: [name]\nproperties:\n  name:\n    type: string\n  \
                   owner:\n    $ref: \"people/owner.yaml\"\n";
const OWNER: &str = "type: object\ndescription: Who keeps the pet.\nproperties:\n  email:\n    \
                     type: string\n";

/// The root file, its schema `$ref` written as `reference`.
fn root(reference: &str) -> String {
    format!(
        "openapi: 3.0.3\ninfo:\n  title: Pets\n  version: \"1\"\npaths:\n  /pets:\n    get:\n      \
         operationId: listPets\n      responses:\n        \"200\":\n          description: The \
         pets\n          content:\n            application/json:\n              schema:\n                \
         $ref: \"{reference}\"\n"
    )
}

/// An HTTP/1.1 server on loopback answering GETs of `files` (path → body, or `-> /path` for a
/// redirect there), 404 for any other path, counting the requests of each path.
struct Server {
    base: String,
    requests: Arc<Mutex<BTreeMap<String, usize>>>,
}

impl Server {
    fn start(files: &[(&str, &str)]) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let files: BTreeMap<String, String> = files
            .iter()
            .map(|(p, b)| (p.to_string(), b.to_string()))
            .collect();
        let requests = Arc::new(Mutex::new(BTreeMap::new()));
        let counted = Arc::clone(&requests);
        let origin = base.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut request_line = String::new();
                if reader.read_line(&mut request_line).is_err() {
                    continue;
                }
                // The headers, up to the blank line.
                loop {
                    let mut line = String::new();
                    match reader.read_line(&mut line) {
                        Ok(0) | Err(_) => break,
                        Ok(_) if line == "\r\n" => break,
                        Ok(_) => {}
                    }
                }
                let path = request_line
                    .split_whitespace()
                    .nth(1)
                    .unwrap_or("")
                    .to_string();
                *counted.lock().unwrap().entry(path.clone()).or_insert(0) += 1;
                let (status, header, body) = match files.get(&path) {
                    Some(body) => match body.strip_prefix("-> ") {
                        Some(to) => ("302 Found", format!("Location: {origin}{to}\r\n"), ""),
                        None => ("200 OK", String::new(), body.as_str()),
                    },
                    None => ("404 Not Found", String::new(), "no such file\n"),
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status}\r\n{header}Content-Type: application/yaml\r\n\
                     Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        Server { base, requests }
    }

    fn requests(&self) -> BTreeMap<String, usize> {
        self.requests.lock().unwrap().clone()
    }
}

/// A project folder `dir` holding `api/openapi.yaml` (`root_text`) and, when given, its
/// configuration `api/openapi.toml` and local files under `api/`.
fn project(dir: &Path, root_text: &str, config: Option<&str>, local: &[(&str, &str)]) {
    std::fs::create_dir_all(dir.join("api")).unwrap();
    std::fs::write(dir.join("api/openapi.yaml"), root_text).unwrap();
    if let Some(config) = config {
        std::fs::write(dir.join("api/openapi.toml"), config).unwrap();
    }
    for (path, text) in local {
        let path = dir.join("api").join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

fn run(dir: &Path, command: &str) -> Output {
    Command::new(BIN)
        .current_dir(dir)
        .args([
            command,
            "--spec",
            "api/openapi.yaml",
            "--out",
            "out",
            "--name",
            "pets",
        ])
        .output()
        .expect("the binary runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Every file under `dir`, by path relative to it.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                files.insert(path.strip_prefix(dir).unwrap().to_path_buf(), bytes);
            }
        }
    }
    files
}

#[test]
fn an_allowed_url_is_fetched_once_and_gives_the_crate_of_the_same_files_kept_locally() {
    let server = Server::start(&[("/v1/pet.yaml", PET), ("/v1/people/owner.yaml", OWNER)]);
    let tmp = tempfile::tempdir().unwrap();
    let config = format!("[spec]\nallow_urls = [\"{}/v1/\"]\n", server.base);

    let remote = tmp.path().join("remote");
    project(
        &remote,
        &root(&format!("{}/v1/pet.yaml", server.base)),
        Some(&config),
        &[],
    );
    let output = run(&remote, "generate");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let once: BTreeMap<String, usize> = [
        ("/v1/people/owner.yaml".to_string(), 1),
        ("/v1/pet.yaml".to_string(), 1),
    ]
    .into_iter()
    .collect();
    assert_eq!(server.requests(), once);

    let local = tmp.path().join("local");
    project(
        &local,
        &root("schemas/pet.yaml"),
        Some(&config),
        &[
            ("schemas/pet.yaml", PET),
            ("schemas/people/owner.yaml", OWNER),
        ],
    );
    let output = run(&local, "generate");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let fetched = tree(&remote.join("out"));
    assert!(
        String::from_utf8_lossy(&fetched[Path::new("src/types.rs")])
            .contains("/// Who keeps the pet.")
    );
    assert_eq!(fetched, tree(&local.join("out")));
    // The local project fetched nothing.
    assert_eq!(server.requests(), once);

    // `check` reads the URLs too (once each, in its own run), and finds the crate current.
    let output = run(&remote, "check");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        server.requests(),
        once.keys().map(|path| (path.clone(), 2)).collect()
    );
}

#[test]
fn a_url_not_allowed_is_a_located_error_and_nothing_is_fetched() {
    let server = Server::start(&[("/v1/pet.yaml", PET), ("/v1/people/owner.yaml", OWNER)]);
    let tmp = tempfile::tempdir().unwrap();
    let url = format!("{}/v1/pet.yaml", server.base);
    // No configuration, then one allowing another prefix.
    for config in [
        None,
        Some(format!("[spec]\nallow_urls = [\"{}/v2/\"]\n", server.base)),
    ] {
        let _ = std::fs::remove_dir_all(tmp.path().join("api"));
        project(tmp.path(), &root(&url), config.as_deref(), &[]);
        let output = run(tmp.path(), "generate");
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        assert!(
            stderr(&output).contains(&format!(
                "error: openapi.yaml#/paths/~1pets/get/responses/200/content/application~1json/\
                 schema/$ref:15:17: `{url}` is a URL that no prefix of `[spec] allow_urls` \
                 allows; add its prefix"
            )),
            "{}",
            stderr(&output)
        );
        assert!(!tmp.path().join("out").exists());
        assert_eq!(server.requests(), BTreeMap::new());
    }
}

#[test]
fn a_missing_url_is_a_located_error_naming_it() {
    let server = Server::start(&[("/v1/pet.yaml", PET)]);
    let tmp = tempfile::tempdir().unwrap();
    let config = format!("[spec]\nallow_urls = [\"{}/v1/\"]\n", server.base);
    project(
        tmp.path(),
        &root(&format!("{}/v1/pet.yaml", server.base)),
        Some(&config),
        &[],
    );
    let output = run(tmp.path(), "generate");
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let owner = format!("{}/v1/people/owner.yaml", server.base);
    assert!(
        stderr(&output).contains(&format!(
            "error: {}/v1/pet.yaml#/properties/owner/$ref:7:5: cannot read `{owner}`: GET \
             `{owner}` answered 404 Not Found",
            server.base
        )),
        "{}",
        stderr(&output)
    );
    assert_eq!(server.requests()[&"/v1/people/owner.yaml".to_string()], 1);
}

/// A redirect is followed only to a URL `[spec] allow_urls` allows too; elsewhere, the fetch is
/// a located error naming where it was sent, and that URL is not requested.
#[test]
fn redirects_are_followed_only_where_allowed() {
    let server = Server::start(&[
        ("/v1/pet.yaml", "-> /v1/pets/pet.yaml"),
        ("/v1/pets/pet.yaml", "-> /mirror/pet.yaml"),
        ("/mirror/pet.yaml", PET),
        ("/mirror/people/owner.yaml", OWNER),
    ]);
    let tmp = tempfile::tempdir().unwrap();
    let url = format!("{}/v1/pet.yaml", server.base);
    let config = format!("[spec]\nallow_urls = [\"{}/v1/\"]\n", server.base);
    project(tmp.path(), &root(&url), Some(&config), &[]);
    let output = run(tmp.path(), "generate");
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains(&format!(
            "schema/$ref:15:17: cannot read `{url}`: cannot fetch `{url}`: error following \
             redirect for url ({url}): redirected to `{}/mirror/pet.yaml`, which no prefix of \
             `[spec] allow_urls` allows (add its prefix there to follow it)",
            server.base
        )),
        "{}",
        stderr(&output)
    );
    assert!(!server.requests().contains_key("/mirror/pet.yaml"));
    // Allowed: followed. The file keeps the URL asked for, against which its relative
    // reference resolves (`/v1/people/owner.yaml`, also allowed, and missing: named so).
    let config = format!(
        "[spec]\nallow_urls = [\"{0}/v1/\", \"{0}/mirror/\"]\n",
        server.base
    );
    project(tmp.path(), &root(&url), Some(&config), &[]);
    let output = run(tmp.path(), "generate");
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains(&format!(
            "error: {url}#/properties/owner/$ref:7:5: cannot read \
             `{0}/v1/people/owner.yaml`: GET `{0}/v1/people/owner.yaml` answered 404 Not Found",
            server.base
        )),
        "{}",
        stderr(&output)
    );
    assert_eq!(server.requests()["/mirror/pet.yaml"], 1);
}

/// `diff` reads URLs too: a pet kept locally against the same pet, grown a field, on the
/// server; each URL fetched once.
#[test]
fn diff_reads_allowed_urls() {
    let grown = format!("{PET}  age:\n    type: integer\n");
    let server = Server::start(&[("/v1/pet.yaml", &grown), ("/v1/people/owner.yaml", OWNER)]);
    let tmp = tempfile::tempdir().unwrap();
    let config = format!("[spec]\nallow_urls = [\"{}/v1/\"]\n", server.base);
    project(
        &tmp.path().join("old"),
        &root("schemas/pet.yaml"),
        None,
        &[
            ("schemas/pet.yaml", PET),
            ("schemas/people/owner.yaml", OWNER),
        ],
    );
    project(
        &tmp.path().join("new"),
        &root(&format!("{}/v1/pet.yaml", server.base)),
        Some(&config),
        &[],
    );
    let output = Command::new(BIN)
        .current_dir(tmp.path())
        .args(["diff", "old/api/openapi.yaml", "new/api/openapi.yaml"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(
        report.contains("0 breaking changes, 1 addition")
            && report.contains("`Pet::age: Option<i64>`"),
        "{report}"
    );
    assert_eq!(
        server.requests(),
        [
            ("/v1/people/owner.yaml".to_string(), 1),
            ("/v1/pet.yaml".to_string(), 1)
        ]
        .into_iter()
        .collect()
    );
}
