//! The loader of every command that reads a spec: the files of the spec's folder (a
//! [`generator::files::Directory`]) and, for the references the configuration's `[spec]
//! allow_urls` allows, the URLs they name, each fetched once by a blocking HTTP GET. The
//! generator decides which URLs may be read (it asks for no other); this only fetches.
//!
//! A fetch has a [`TIMEOUT`], follows at most [`MAX_REDIRECTS`] redirects, each only to a URL
//! `allow_urls` allows too (the network is reached only where the maintainer asked), and reads
//! at most [`MAX_BYTES`]; a status other than 2xx is an error naming the URL and the status
//! (404 and 410 as a missing file). The file is named by the URL asked for, and relative
//! references in it resolve against that URL, even when a redirect served it from elsewhere.

use std::collections::BTreeMap;
use std::io::Read;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use generator::files::{FileError, Files};

/// How long one fetch may take, connecting included.
pub const TIMEOUT: Duration = Duration::from_secs(30);
/// How many redirects one fetch follows.
pub const MAX_REDIRECTS: usize = 5;
/// The largest file fetched (16 MiB: far beyond any description's file).
pub const MAX_BYTES: u64 = 16 << 20;

/// `inner`'s files, and URLs fetched over HTTP(S).
pub struct Fetching<F> {
    inner: F,
    /// Where redirects may lead.
    allow: generator::files::Allow,
    /// Built on the first URL (a run reading none starts no HTTP client).
    client: OnceLock<Result<reqwest::blocking::Client, String>>,
    /// Every URL fetched, by URL: each is fetched once per run, however many readings.
    fetched: Mutex<BTreeMap<String, Result<String, FileError>>>,
}

impl<F> Fetching<F> {
    /// `inner`'s files, and URLs fetched, redirected only to URLs `allow` allows.
    pub fn new(inner: F, allow: generator::files::Allow) -> Fetching<F> {
        Fetching {
            inner,
            allow,
            client: OnceLock::new(),
            fetched: Mutex::new(BTreeMap::new()),
        }
    }

    fn fetch(&self, url: &str) -> Result<String, FileError> {
        let client = self
            .client
            .get_or_init(|| {
                // reqwest's `rustls-no-provider` uses rustls's process-wide default provider:
                // ring, unless one is installed already (then this leaves it).
                let _ = rustls::crypto::ring::default_provider().install_default();
                let allow = self.allow.clone();
                let redirect = reqwest::redirect::Policy::custom(move |attempt| {
                    if attempt.previous().len() > MAX_REDIRECTS {
                        let error = format!("more than {MAX_REDIRECTS} redirects");
                        attempt.error(error)
                    } else if allow.allows_url(attempt.url().as_str()) {
                        attempt.follow()
                    } else {
                        let error = format!(
                            "redirected to `{}`, which no prefix of `[spec] allow_urls` allows \
                             (add its prefix there to follow it)",
                            attempt.url()
                        );
                        attempt.error(error)
                    }
                });
                reqwest::blocking::Client::builder()
                    .timeout(TIMEOUT)
                    .redirect(redirect)
                    .user_agent(concat!(
                        "openapi-client-codegen/",
                        env!("CARGO_PKG_VERSION")
                    ))
                    .build()
                    .map_err(|e| chain(&e))
            })
            .as_ref()
            .map_err(|e| FileError::Other(format!("cannot fetch `{url}`: {e}")))?;
        let response = client
            .get(url)
            .send()
            .map_err(|e| FileError::Other(format!("cannot fetch `{url}`: {}", chain(&e))))?;
        let status = response.status();
        if !status.is_success() {
            let message = format!("GET `{url}` answered {status}");
            return Err(match status.as_u16() {
                404 | 410 => FileError::NotFound(message),
                _ => FileError::Other(message),
            });
        }
        let too_big = || {
            FileError::Other(format!(
                "`{url}` is larger than {} MiB, the most fetched",
                MAX_BYTES >> 20
            ))
        };
        if response.content_length().is_some_and(|n| n > MAX_BYTES) {
            return Err(too_big());
        }
        let mut body = Vec::new();
        response
            .take(MAX_BYTES + 1)
            .read_to_end(&mut body)
            .map_err(|e| FileError::Other(format!("cannot fetch `{url}`: {e}")))?;
        if body.len() as u64 > MAX_BYTES {
            return Err(too_big());
        }
        String::from_utf8(body).map_err(|_| FileError::Other(format!("`{url}` is not UTF-8 text")))
    }
}

impl<F: Files> Files for Fetching<F> {
    fn read(&self, path: &str) -> Result<String, FileError> {
        if !(path.starts_with("http://") || path.starts_with("https://")) {
            return self.inner.read(path);
        }
        let mut fetched = self
            .fetched
            .lock()
            .map_err(|_| FileError::Other(format!("cannot fetch `{path}`")))?;
        if let Some(done) = fetched.get(path) {
            return done.clone();
        }
        let done = self.fetch(path);
        fetched.insert(path.to_string(), done.clone());
        done
    }

    fn folder_name(&self) -> Option<String> {
        self.inner.folder_name()
    }
}

/// An error and its causes, `: `-separated (reqwest's own message is only the outermost).
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
