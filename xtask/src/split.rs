//! Splits a one-file OpenAPI description into the files an API team would keep: one file per
//! path item (`paths/<name>.yaml`) and one per component schema (`schemas/<Name>.yaml`), the
//! root keeping the rest, each component schema's entry a reference to its file. Every `$ref` is
//! rewritten to name the file its target now lives in, relative to the file it is written in
//! (`../schemas/Pet.yaml`, `Owner.yaml#/properties/id`, `../realtime-kit.yaml#/components/...`,
//! since `#/...` in a referenced file means that file).
//!
//! Used by `cargo xtask bench` (a split description against its bundle in the same run), by
//! xtask's test that Realtime Kit split this way gives the committed crate, and by the
//! generator's tests (`generator/tests/files.rs`, the fuzzer's split inputs), which include
//! this file with `#[path]`: it needs only `serde_json`.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

/// The format of the files written beside the root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(dead_code)] // each includer uses some of them
pub enum Format {
    Yaml,
    Json,
}

impl Format {
    fn extension(self) -> &'static str {
        match self {
            Format::Yaml => "yaml",
            Format::Json => "json",
        }
    }
}

/// A description split into files: the root's tree and every other file's, by path relative
/// to the root's folder (`/`-separated).
#[derive(Debug, Clone)]
pub struct Split {
    pub root: Value,
    pub files: BTreeMap<String, Value>,
}

/// Where a part of the document went.
struct Layout {
    /// The root's file name (`realtime-kit.yaml`), which other files name to reach it.
    root: String,
    /// Path template → file (`paths/accounts_account_id.yaml`).
    paths: BTreeMap<String, String>,
    /// Component schema name → file (`schemas/Pet.yaml`).
    schemas: BTreeMap<String, String>,
}

/// Splits `doc` (whose file is called `root` in its folder) into one file per path item and
/// one per component schema, written in `format`. Names that are not safe in a file name are
/// made so (every character other than ASCII letters, digits, `-` and `_` becomes `_`), and two
/// parts that would share a file get `-2`, `-3`, ... in the order of the document.
pub fn split(doc: &Value, root: &str, format: Format) -> Split {
    let ext = format.extension();
    let mut taken = BTreeSet::new();
    let mut file_for = |folder: &str, name: &str| {
        let stem = safe(name);
        let mut file = format!("{folder}/{stem}.{ext}");
        let mut n = 1;
        while !taken.insert(file.clone()) {
            n += 1;
            file = format!("{folder}/{stem}-{n}.{ext}");
        }
        file
    };
    let paths: BTreeMap<String, String> = doc
        .get("paths")
        .and_then(Value::as_object)
        .map(|paths| {
            paths
                .iter()
                // A path item that is already a reference stays where it is.
                .filter(|(_, item)| item.get("$ref").is_none())
                .map(|(template, _)| (template.clone(), file_for("paths", template)))
                .collect()
        })
        .unwrap_or_default();
    let schemas: BTreeMap<String, String> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|schemas| {
            schemas
                .iter()
                .filter(|(_, schema)| schema.is_object() && schema.get("$ref").is_none())
                .map(|(name, _)| (name.clone(), file_for("schemas", name)))
                .collect()
        })
        .unwrap_or_default();
    let layout = Layout {
        root: root.to_string(),
        paths,
        schemas,
    };

    let mut files = BTreeMap::new();
    let mut tree = doc.clone();
    if let Some(paths) = tree.get_mut("paths").and_then(Value::as_object_mut) {
        for (template, item) in paths.iter_mut() {
            if let Some(file) = layout.paths.get(template) {
                let mut part = std::mem::replace(item, reference(&relative("", file)));
                rewrite(&mut part, file, &layout, false);
                files.insert(file.clone(), part);
            }
        }
    }
    if let Some(schemas) = tree
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for (name, schema) in schemas.iter_mut() {
            if let Some(file) = layout.schemas.get(name) {
                let mut part = std::mem::replace(schema, reference(&relative("", file)));
                rewrite(&mut part, file, &layout, false);
                files.insert(file.clone(), part);
            }
        }
    }
    // The root's own references (components other than schemas, webhooks, ...), leaving alone
    // the references just put in for the moved parts.
    for (key, value) in tree.as_object_mut().into_iter().flatten() {
        match key.as_str() {
            "paths" => {}
            "components" => {
                for (kind, group) in value.as_object_mut().into_iter().flatten() {
                    if kind != "schemas" {
                        rewrite(group, "", &layout, false);
                    } else {
                        for (name, schema) in group.as_object_mut().into_iter().flatten() {
                            if !layout.schemas.contains_key(name) {
                                rewrite(schema, "", &layout, false);
                            }
                        }
                    }
                }
            }
            _ => rewrite(value, "", &layout, false),
        }
    }
    Split { root: tree, files }
}

fn reference(target: &str) -> Value {
    let mut map = Map::new();
    map.insert("$ref".to_string(), Value::String(target.to_string()));
    Value::Object(map)
}

/// `name` as a file stem: ASCII letters, digits, `-` and `_`, runs of anything else as one `_`,
/// none at either end.
fn safe(name: &str) -> String {
    let mut stem = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
            stem.push(c);
        } else if !stem.ends_with('_') {
            stem.push('_');
        }
    }
    let stem = stem.trim_matches('_');
    if stem.is_empty() {
        "root".to_string()
    } else {
        stem.to_string()
    }
}

/// Rewrites every `$ref` under `value`, which is written in `file` (`""`: the root), to name
/// where its target lives now. `names`: `value` is a map of property names to schemas, whose
/// keys are no keywords.
fn rewrite(value: &mut Value, file: &str, layout: &Layout, names: bool) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                match (key.as_str(), child) {
                    ("$ref", Value::String(target)) if !names => {
                        if let Some(new) = retarget(target, file, layout) {
                            *target = new;
                        }
                    }
                    // Examples, defaults and values are data: a `$ref` in them is no reference.
                    ("example" | "default" | "const" | "enum" | "value", _) if !names => {}
                    (key, child) => rewrite(child, file, layout, !names && holds_names(key)),
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                rewrite(item, file, layout, false);
            }
        }
        _ => {}
    }
}

/// Whether the value of `key` is a map whose keys are names (of properties, responses, media
/// types, components, ...), so that a key such as `default` (a response) is no keyword there.
fn holds_names(key: &str) -> bool {
    matches!(
        key,
        "properties"
            | "patternProperties"
            | "$defs"
            | "definitions"
            | "dependentSchemas"
            | "paths"
            | "webhooks"
            | "responses"
            | "callbacks"
            | "headers"
            | "links"
            | "content"
            | "encoding"
            | "examples"
            | "schemas"
            | "parameters"
            | "requestBodies"
            | "securitySchemes"
            | "pathItems"
            | "mediaTypes"
    )
}

/// The reference `target` (written in `file`) as it must be written once the document is
/// split; `None` when it stays as it is.
fn retarget(target: &str, file: &str, layout: &Layout) -> Option<String> {
    // Only references into this document by JSON pointer move: an anchor (`#name`) or a URI
    // is left as written.
    let pointer = target.strip_prefix('#')?;
    if !pointer.is_empty() && !pointer.starts_with('/') {
        return None;
    }
    let (moved, rest) = moved_to(pointer, layout)
        .map(|(to, rest)| (to.to_string(), rest))
        .unwrap_or_else(|| (String::new(), pointer.to_string()));
    let to = if moved.is_empty() {
        if file.is_empty() {
            // In the root, pointing into the root: as written.
            return None;
        }
        layout.root.clone()
    } else {
        moved
    };
    let mut new = relative(file, &to);
    if !rest.is_empty() {
        new.push('#');
        new.push_str(&rest);
    }
    if to == file && !rest.is_empty() {
        // Into the file it is written in: a fragment alone.
        new = format!("#{rest}");
    }
    Some(new)
}

/// The file a pointer's target moved to, with the pointer into that file; `None` when it stays
/// in the root.
fn moved_to<'a>(pointer: &str, layout: &'a Layout) -> Option<(&'a str, String)> {
    let tokens: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect();
    let rest = |n: usize| {
        pointer
            .split('/')
            .skip(1 + n)
            .fold(String::new(), |acc, t| acc + "/" + t)
    };
    match tokens.as_slice() {
        [components, schemas, name, ..] if components == "components" && schemas == "schemas" => {
            layout.schemas.get(name).map(|f| (f.as_str(), rest(3)))
        }
        [paths, template, ..] if paths == "paths" => {
            layout.paths.get(template).map(|f| (f.as_str(), rest(2)))
        }
        _ => None,
    }
}

/// The path of `to` relative to the folder of `from` (both relative to the root's folder;
/// `""` is the root file).
fn relative(from: &str, to: &str) -> String {
    let from_dir: Vec<&str> = match from.rsplit_once('/') {
        Some((dir, _)) => dir.split('/').collect(),
        None => Vec::new(),
    };
    let to_parts: Vec<&str> = to.split('/').collect();
    let (to_dir, to_name) = to_parts.split_at(to_parts.len() - 1);
    let common = from_dir
        .iter()
        .zip(to_dir)
        .take_while(|(a, b)| a == b)
        .count();
    let mut parts: Vec<&str> = vec![".."; from_dir.len() - common];
    parts.extend(&to_dir[common..]);
    parts.extend(to_name);
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn references_name_the_files_their_targets_moved_to() {
        let doc = json!({
            "openapi": "3.0.3",
            "info": {"title": "T", "version": "1"},
            "paths": {
                "/pets/{id}": {
                    "parameters": [{"$ref": "#/components/parameters/Id"}],
                    "get": {"responses": {"200": {"description": "ok", "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}
                    }}}}
                }
            },
            "components": {
                "parameters": {"Id": {"name": "id", "in": "path", "required": true,
                    "schema": {"$ref": "#/components/schemas/Pet/properties/id"}}},
                "schemas": {
                    "Pet": {"type": "object", "properties": {
                        "id": {"type": "integer"},
                        "owner": {"$ref": "#/components/schemas/Owner"},
                        "self": {"$ref": "#/components/schemas/Pet"},
                        "example": {"$ref": "not a reference"},
                        "default": {"$ref": "#/components/schemas/Owner"}
                    }, "example": {"$ref": "#/components/schemas/Owner"}},
                    "Owner": {"type": "object", "properties": {
                        "pets": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}},
                        "param": {"$ref": "#/components/parameters/Id/schema"}
                    }}
                }
            }
        });
        let split = split(&doc, "api.yaml", Format::Yaml);
        assert_eq!(
            split.files.keys().collect::<Vec<_>>(),
            [
                "paths/pets_id.yaml",
                "schemas/Owner.yaml",
                "schemas/Pet.yaml"
            ]
        );
        assert_eq!(
            split.root["paths"]["/pets/{id}"]["$ref"],
            "paths/pets_id.yaml"
        );
        assert_eq!(
            split.root["components"]["schemas"]["Pet"]["$ref"],
            "schemas/Pet.yaml"
        );
        assert_eq!(
            split.root["components"]["parameters"]["Id"]["schema"]["$ref"],
            "schemas/Pet.yaml#/properties/id"
        );
        let path = &split.files["paths/pets_id.yaml"];
        assert_eq!(
            path["parameters"][0]["$ref"],
            "../api.yaml#/components/parameters/Id"
        );
        assert_eq!(
            path["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
            "../schemas/Pet.yaml"
        );
        let pet = &split.files["schemas/Pet.yaml"];
        assert_eq!(pet["properties"]["owner"]["$ref"], "Owner.yaml");
        assert_eq!(pet["properties"]["self"]["$ref"], "Pet.yaml");
        assert_eq!(
            pet["properties"]["example"]["$ref"], "not a reference",
            "a property named `example` is a schema"
        );
        assert_eq!(pet["example"]["$ref"], "#/components/schemas/Owner");
        assert_eq!(pet["properties"]["default"]["$ref"], "Owner.yaml");
        let owner = &split.files["schemas/Owner.yaml"];
        assert_eq!(owner["properties"]["pets"]["items"]["$ref"], "Pet.yaml");
        assert_eq!(
            owner["properties"]["param"]["$ref"],
            "../api.yaml#/components/parameters/Id/schema"
        );
    }

    #[test]
    fn keywords_that_hold_data_are_left_alone_but_names_like_them_are_not() {
        let doc = json!({
            "paths": {"/a": {"get": {"responses": {"default": {"$ref": "#/components/responses/E"}}}}},
            "components": {"schemas": {"S": {
                "default": {"$ref": "#/components/schemas/S"},
                "properties": {"a": {"$ref": "#anchor"}}
            }}}
        });
        let split = split(&doc, "r.yaml", Format::Yaml);
        assert_eq!(
            split.files["paths/a.yaml"]["get"]["responses"]["default"]["$ref"],
            "../r.yaml#/components/responses/E"
        );
        let schema = &split.files["schemas/S.yaml"];
        assert_eq!(schema["default"]["$ref"], "#/components/schemas/S");
        assert_eq!(schema["properties"]["a"]["$ref"], "#anchor");
    }

    #[test]
    fn unsafe_and_colliding_names_get_files_of_their_own() {
        let doc = json!({"paths": {"/a b": {}, "/a_b": {}, "/": {}}});
        let split = split(&doc, "r.json", Format::Json);
        assert_eq!(
            split.files.keys().collect::<Vec<_>>(),
            ["paths/a_b-2.json", "paths/a_b.json", "paths/root.json"]
        );
    }
}
