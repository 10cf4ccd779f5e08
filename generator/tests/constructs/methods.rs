//! Not a program for a generated crate: a helper module of `constructs.rs` and `corpus.rs`
//! (included with `#[path]`) that reads the `Client` methods a generated crate defines.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

/// Every `pub fn <name>(...) -> Call<TYPE>` in the `.rs` files under `src/`
/// (except `src/runtime/`), as method name → `TYPE` with whitespace normalized
/// (`std::collections::BTreeMap<String, i64>`). Operations may live in `src/operations.rs` or
/// in `src/operations/*.rs`, on `Client` or on per-tag accessors: only the text matters.
pub fn return_types(crate_dir: &Path) -> BTreeMap<String, String> {
    let mut files = Vec::new();
    collect_rs(&crate_dir.join("src"), &mut files);
    let mut methods = BTreeMap::new();
    for file in files {
        let text = fs::read_to_string(&file)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
        for (name, ty) in parse(&text) {
            if let Some(old) = methods.insert(name.clone(), ty.clone()) {
                assert_eq!(
                    old, ty,
                    "method `{name}` is defined twice with different types"
                );
            }
        }
    }
    methods
}

fn collect_rs(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let entries =
        fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != "runtime") {
                collect_rs(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
}

/// `(name, output type)` of each `pub fn` returning `Call<_>` in `text` (a lifetime argument,
/// as calls that borrowed the client had, is skipped).
pub fn parse(text: &str) -> Vec<(String, String)> {
    const START: &str = "pub fn ";
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(START) {
        rest = &rest[at + START.len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let Some(open) = rest.find('(') else { break };
        let Some(close) = matching(&rest[open..], '(', ')') else {
            break;
        };
        let after = rest[open + close + 1..].trim_start();
        let Some(result) = after
            .strip_prefix("->")
            .map(str::trim_start)
            .and_then(|r| r.strip_prefix("Call"))
            .map(str::trim_start)
        else {
            continue;
        };
        let Some(end) = matching(result, '<', '>') else {
            continue;
        };
        let args = &result[1..end];
        if let Some(ty) = split_top_level(args)
            .into_iter()
            .find(|arg| !arg.starts_with('\''))
        {
            found.push((name, normalize(ty)));
        }
    }
    found
}

/// The index of the bracket that closes the one `text` starts with.
fn matching(text: &str, open: char, close: char) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in text.char_indices() {
        if c == open {
            depth += 1;
        } else if c == close {
            depth -= 1;
            if depth == 0 {
                return Some(i);
            }
        }
    }
    None
}

fn split_top_level(args: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    for (i, c) in args.char_indices() {
        match c {
            '<' | '(' | '[' => depth += 1,
            '>' | ')' | ']' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&args[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&args[start..]);
    parts
        .into_iter()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect()
}

/// Collapses whitespace as rustfmt/prettyplease line breaks would vary it.
fn normalize(ty: &str) -> String {
    let words: Vec<&str> = ty.split_whitespace().collect();
    let mut out = String::new();
    for word in words {
        let glue =
            out.ends_with(['<', '(', '[', '&', ':']) || word.starts_with(['>', ')', ']', ',', ':']);
        if !out.is_empty() && !glue {
            out.push(' ');
        }
        out.push_str(word);
    }
    out.replace(",>", ">").replace(",)", ")")
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn parses_wrapped_signatures() {
        let text = "impl X<'_> {\n    pub fn a(\n        &self,\n        request: &ARequest,\n    ) -> Call<\n        std::collections::BTreeMap<String, Vec<Item>>,\n    > {\n    }\n    pub fn b(&self) -> Call<()> {}\n    pub fn c(&self, r: &R) -> Call<'a, Foo> {}\n    pub fn accessor(&self) -> X<'_> {}\n}";
        assert_eq!(
            parse(text),
            [
                (
                    "a".to_string(),
                    "std::collections::BTreeMap<String, Vec<Item>>".to_string()
                ),
                ("b".to_string(), "()".to_string()),
                ("c".to_string(), "Foo".to_string()),
            ]
        );
    }
}
