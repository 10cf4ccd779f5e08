//! The hand-written runtime (client, request building, retries, errors), copied verbatim into
//! every generated crate's `src/runtime/` so that the crate stands alone.

/// The runtime's files, from `generator/runtime/`.
const FILES: &[(&str, &str)] = &[
    ("mod.rs", include_str!("../../runtime/mod.rs")),
    ("call.rs", include_str!("../../runtime/call.rs")),
    ("client.rs", include_str!("../../runtime/client.rs")),
    ("error.rs", include_str!("../../runtime/error.rs")),
    ("events.rs", include_str!("../../runtime/events.rs")),
    ("lines.rs", include_str!("../../runtime/lines.rs")),
    ("paginate.rs", include_str!("../../runtime/paginate.rs")),
    ("raw.rs", include_str!("../../runtime/raw.rs")),
    ("request.rs", include_str!("../../runtime/request.rs")),
    ("response.rs", include_str!("../../runtime/response.rs")),
    ("retry.rs", include_str!("../../runtime/retry.rs")),
    ("stream.rs", include_str!("../../runtime/stream.rs")),
    ("upload.rs", include_str!("../../runtime/upload.rs")),
    ("wire.rs", include_str!("../../runtime/wire.rs")),
];

/// `(path in the crate, content)` for every runtime file.
pub fn files() -> impl Iterator<Item = (String, &'static str)> {
    FILES
        .iter()
        .map(|(name, text)| (format!("src/runtime/{name}"), *text))
}

#[cfg(test)]
mod tests {
    /// A runtime file added to `generator/runtime/` but not to [`super::FILES`] would silently
    /// be missing from generated crates.
    #[test]
    fn every_runtime_file_is_copied() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/runtime");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        on_disk.sort();
        let mut listed: Vec<String> = super::FILES.iter().map(|(n, _)| n.to_string()).collect();
        listed.sort();
        assert_eq!(on_disk, listed);
    }
}
