//! Stage 2: `$ref` resolution. Every lookup goes through [`Resolver`], which follows local JSON
//! pointers (`#/components/...`, or any other place in the document) and reports where a
//! reference is broken.

use std::any::{Any, TypeId};
use std::sync::{Arc, Mutex, MutexGuard};

use openapiv3::ReferenceOr;
use serde::de::DeserializeOwned;

use crate::diagnostics::Error;

/// Most `$ref` hops followed before a chain is declared circular.
const MAX_HOPS: usize = 64;

/// What a deserialized value is cached under: its type, whether only its structure was read
/// (see [`structure_only`]), and its pointer.
type ParseKey = (TypeId, bool, String);

pub struct Resolver<'a> {
    raw: &'a serde_json::Value,
    /// Values found by reference (`#/a/b` as written), so that a pointer is walked once: the
    /// same schemas and parameters are referenced from many operations.
    values: Mutex<crate::LookupMap<String, &'a serde_json::Value>>,
    /// Values deserialized by pointer, per target type and kind of parse (whole or
    /// [`structure_only`]), each an `Arc<T>`: deserializing out of the JSON tree costs far more
    /// than a clone, and [`parse_shared`](Self::parse_shared) needs none. Only successes are
    /// kept; a failure is reported again, the same, if asked again.
    parsed: Mutex<crate::LookupMap<ParseKey, Box<dyn Any + Send + Sync>>>,
}

/// What a released resolver reads: no document (see [`Resolver::released`]).
static RELEASED: serde_json::Value = serde_json::Value::Null;

/// A cache of the resolver, locked. The model is built on one thread, so the lock is never
/// contended: it is a lock rather than a `RefCell` so that the built model can be read by the
/// two threads that emit the crate (see `emit::emit`). A panic while it was held is a bug that
/// has already been passed on; the cache is still whole (it is only inserted into, or emptied
/// at once).
fn lock<T>(cache: &Mutex<T>) -> MutexGuard<'_, T> {
    cache
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Resolver<'static> {
    /// A resolver over no document, whose every lookup fails: what a built model keeps
    /// ([`crate::model::Model::release`]), so that the description's tree is dropped before the
    /// crate is emitted.
    pub fn released() -> Self {
        Resolver::new(&RELEASED)
    }
}

impl<'a> Resolver<'a> {
    pub fn new(raw: &'a serde_json::Value) -> Self {
        Resolver {
            raw,
            values: Mutex::default(),
            parsed: Mutex::default(),
        }
    }

    /// Drops what was cached (the model keeps its resolver while the crate is emitted, when
    /// the cache is no longer worth its memory).
    pub fn clear_cache(&self) {
        *lock(&self.values) = Default::default();
        *lock(&self.parsed) = Default::default();
    }

    /// The JSON value a local reference (`#/a/b`) points at.
    pub fn value(&self, reference: &str, from: &str) -> Result<&'a serde_json::Value, Error> {
        if let Some(value) = lock(&self.values).get(reference) {
            return Ok(value);
        }
        let value = self.lookup(reference, from)?;
        lock(&self.values).insert(reference.to_string(), value);
        Ok(value)
    }

    fn lookup(&self, reference: &str, from: &str) -> Result<&'a serde_json::Value, Error> {
        if std::ptr::eq(self.raw, &RELEASED) {
            // A bug, not bad input: said as such rather than as a broken reference.
            return Err(Error::single(
                from,
                format!(
                    "internal error: `{reference}` was looked up after the model was built and \
                     the description released; please report this"
                ),
            ));
        }
        if reference.trim().is_empty() {
            return Err(Error::single(from, "`$ref` is empty"));
        }
        let Some(pointer) = reference.strip_prefix('#') else {
            return Err(Error::single(from, self.outside(reference)));
        };
        if pointer.is_empty() || pointer == "/" {
            return Err(Error::single(
                from,
                format!("`$ref: {reference:?}` points at the whole document, not at a part of it"),
            ));
        }
        // A `$ref` is a URI fragment: `%20` and friends stand for characters.
        let pointer = percent_decode(pointer);
        if !pointer.starts_with('/') {
            // Not a JSON pointer but a plain name: an anchor. Lowering rewrote every anchor that
            // one schema declares into its pointer.
            return Err(Error::single(
                from,
                self.unknown_anchor(reference, &pointer),
            ));
        }
        json_pointer(self.raw, &pointer).ok_or_else(|| {
            Error::single(
                from,
                format!("`$ref: {reference:?}` points at nothing in this document"),
            )
        })
    }

    /// The message for a `$ref` that does not start with `#`. Lowering rewrote every one that
    /// names an `$id` one schema here declares (optionally with a fragment) into a pointer.
    fn outside(&self, reference: &str) -> String {
        let unsupported =
            format!("`$ref: {reference:?}` points outside this document, which is not supported");
        let (uri, fragment) = match reference.split_once('#') {
            Some((uri, fragment)) => (uri, Some(fragment)),
            None => (reference, None),
        };
        if !is_absolute_uri(uri) {
            return unsupported;
        }
        match declarations(self.raw, &["$id"], uri) {
            0 => format!("{unsupported}: no schema in this document declares `$id: {uri:?}`"),
            1 => match fragment {
                // The resource is here, the anchor in it is not.
                Some(anchor) if !anchor.is_empty() && !anchor.starts_with('/') => {
                    self.unknown_anchor(reference, anchor)
                }
                _ => unsupported,
            },
            n => format!(
                "{unsupported}: {n} schemas in this document declare `$id: {uri:?}`, which must \
                 name one"
            ),
        }
    }

    /// The message for a `$ref` by anchor (`#name`, or `<$id>#name`) that names no schema.
    fn unknown_anchor(&self, reference: &str, anchor: &str) -> String {
        match declarations(self.raw, &["$anchor", "$dynamicAnchor"], anchor) {
            0 => format!(
                "`$ref: {reference:?}` names the anchor `{anchor}`, which no schema in this \
                 document declares with `$anchor`"
            ),
            // Declared once, lowering would have rewritten it: an OpenAPI 3.0 document, whose
            // schemas have no anchors.
            1 => format!(
                "`$ref: {reference:?}` names the anchor `{anchor}`, which only an OpenAPI 3.1 \
                 document can declare"
            ),
            n => format!(
                "`$ref: {reference:?}` names the anchor `{anchor}`, which {n} schemas in this \
                 document declare with `$anchor`: it must name one"
            ),
        }
    }

    /// Deserializes the value at `pointer` (a `#/...` pointer into this document).
    /// Not cached: for places read once, such as an operation's inline schemas.
    pub fn parse<T: DeserializeOwned>(&self, pointer: &str) -> Result<T, Error> {
        let value = self.lookup(pointer, pointer)?;
        deserialize_at(value, pointer)
    }

    /// [`parse`](Self::parse) for the target of a `$ref`, which other references may share:
    /// deserialized once, cloned on later calls.
    pub fn parse_referenced<T: DeserializeOwned + Clone + Send + Sync + 'static>(
        &self,
        pointer: &str,
    ) -> Result<T, Error> {
        self.cached(pointer, false, |value| deserialize_at(value, pointer))
    }

    /// [`parse_referenced`](Self::parse_referenced) without the copy: the cached value
    /// itself, shared.
    pub fn parse_shared<T: DeserializeOwned + Send + Sync + 'static>(
        &self,
        pointer: &str,
    ) -> Result<Arc<T>, Error> {
        self.cached_shared(pointer, false, |value| deserialize_at(value, pointer))
    }

    /// The value at `pointer` deserialized by `parse`, from the cache if it was done before.
    fn cached<T: Clone + Send + Sync + 'static>(
        &self,
        pointer: &str,
        structure: bool,
        parse: impl FnOnce(&serde_json::Value) -> Result<T, Error>,
    ) -> Result<T, Error> {
        self.cached_shared(pointer, structure, parse)
            .map(|shared| T::clone(&shared))
    }

    fn cached_shared<T: Send + Sync + 'static>(
        &self,
        pointer: &str,
        structure: bool,
        parse: impl FnOnce(&serde_json::Value) -> Result<T, Error>,
    ) -> Result<Arc<T>, Error> {
        let key = (TypeId::of::<T>(), structure, pointer.to_string());
        if let Some(done) = lock(&self.parsed).get(&key) {
            if let Some(done) = done.downcast_ref::<Arc<T>>() {
                return Ok(Arc::clone(done));
            }
        }
        let value = self.value(pointer, pointer)?;
        let parsed = Arc::new(parse(value)?);
        lock(&self.parsed).insert(key, Box::new(Arc::clone(&parsed)));
        Ok(parsed)
    }

    /// Deserializes one of openapiv3's types (a parameter, a response, ...) from the value at
    /// `pointer`, with the schemas in it left out (see [`structure_only`]).
    fn parse_structure<T: DeserializeOwned + Clone + Send + Sync + 'static>(
        &self,
        pointer: &str,
    ) -> Result<T, Error> {
        self.cached(pointer, true, |value| {
            deserialize_at(&structure_only(value), pointer)
        })
    }

    /// [`deref`](Self::deref) without a copy of an item that is no reference (a path item
    /// holds its operations and their inline schemas: copying each was 2% of a generation).
    pub fn deref_borrowed<'i, T: DeserializeOwned + Clone + Send + Sync + 'static>(
        &self,
        item: &'i ReferenceOr<T>,
        pointer: &str,
    ) -> Result<(std::borrow::Cow<'i, T>, String), Error> {
        match item {
            ReferenceOr::Item(value) => {
                Ok((std::borrow::Cow::Borrowed(value), pointer.to_string()))
            }
            ReferenceOr::Reference { .. } => self
                .deref(item, pointer)
                .map(|(value, at)| (std::borrow::Cow::Owned(value), at)),
        }
    }

    /// Follows `item` through any chain of references; returns the item and its pointer.
    pub fn deref<T: DeserializeOwned + Clone + Send + Sync + 'static>(
        &self,
        item: &ReferenceOr<T>,
        pointer: &str,
    ) -> Result<(T, String), Error> {
        let reference_of = |item: &ReferenceOr<T>| match item {
            ReferenceOr::Reference { reference } => Some(reference.clone()),
            ReferenceOr::Item(_) => None,
        };
        let (found, at) = self.follow_by(item.clone(), pointer, reference_of, |r| {
            self.parse_structure(r)
        })?;
        match found {
            ReferenceOr::Item(value) => Ok((value, at)),
            ReferenceOr::Reference { .. } => {
                Err(Error::single(pointer, "`$ref` chain is circular"))
            }
        }
    }

    /// Follows `start` through a chain of references (`reference_of` says where a value points,
    /// `None` for a value that is not a reference); returns the end of the chain and its pointer.
    pub fn follow<T: DeserializeOwned + Clone + Send + Sync + 'static>(
        &self,
        start: T,
        pointer: &str,
        reference_of: impl Fn(&T) -> Option<String>,
    ) -> Result<(T, String), Error> {
        self.follow_by(start, pointer, reference_of, |r| self.parse_referenced(r))
    }

    fn follow_by<T>(
        &self,
        start: T,
        pointer: &str,
        reference_of: impl Fn(&T) -> Option<String>,
        parse: impl Fn(&str) -> Result<T, Error>,
    ) -> Result<(T, String), Error> {
        let mut current = start;
        let mut at = pointer.to_string();
        for _ in 0..MAX_HOPS {
            let Some(reference) = reference_of(&current) else {
                return Ok((current, at));
            };
            self.value(&reference, &at)?;
            current = parse(&reference)?;
            at = reference;
        }
        Err(Error::single(pointer, "`$ref` chain is circular"))
    }

    /// [`follow`](Self::follow) without copies: `None` when `start` is no reference, else the
    /// end of the chain as the cache shares it, and its pointer. Fails as `follow` does.
    pub fn follow_shared<T: DeserializeOwned + Send + Sync + 'static>(
        &self,
        start: &T,
        pointer: &str,
        reference_of: impl Fn(&T) -> Option<&str>,
    ) -> Result<Option<(Arc<T>, String)>, Error> {
        let Some(first) = reference_of(start) else {
            return Ok(None);
        };
        let mut reference = first.to_string();
        let mut at = pointer.to_string();
        // As in `follow_by`: at most `MAX_HOPS` values are read, and the chain must have ended
        // before the last of them.
        for hop in 0..MAX_HOPS {
            self.value(&reference, &at)?;
            let current = self.parse_shared::<T>(&reference)?;
            at = reference;
            if hop + 1 == MAX_HOPS {
                break;
            }
            match reference_of(&current) {
                None => return Ok(Some((current, at))),
                Some(next) => reference = next.to_string(),
            }
        }
        Err(Error::single(pointer, "`$ref` chain is circular"))
    }
}

/// Whether `uri` starts with a scheme (`https:`, `urn:`): RFC 3986's absolute URI.
fn is_absolute_uri(uri: &str) -> bool {
    let Some((scheme, _)) = uri.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// How many objects in `raw` have one of `keys` set to the string `name` (only for error
/// messages: walks the whole document).
fn declarations(raw: &serde_json::Value, keys: &[&str], name: &str) -> usize {
    use serde_json::Value;
    let mut count = 0;
    let mut stack = vec![raw];
    while let Some(value) = stack.pop() {
        match value {
            Value::Object(map) => {
                if keys
                    .iter()
                    .any(|key| map.get(*key).and_then(Value::as_str) == Some(name))
                {
                    count += 1;
                }
                stack.extend(map.values());
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    count
}

/// Deserializes `value`, found at `pointer`, with an error that points into the spec.
fn deserialize_at<T: DeserializeOwned>(
    value: &serde_json::Value,
    pointer: &str,
) -> Result<T, Error> {
    // Tracking the path costs more than the decoding itself: only done again for the error.
    if let Ok(parsed) = T::deserialize(value) {
        return Ok(parsed);
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let inner = pointer_from_path(e.path());
        let at = format!("{pointer}{}", inner.trim_start_matches('#'));
        Error::single(at, e.inner().to_string())
    })
}

/// A copy of `value` in which every schema (the value of a `schema` key: of a parameter, a
/// media type, a header) is `{}`, or only its `$ref`.
///
/// For deserializing openapiv3's types: the model reads schemas itself, by pointer, as
/// [`RawSchema`](crate::model::schema::RawSchema), and openapiv3's `Schema` is a tree of untagged
/// enums that backtracks on a nested schema that does not parse, trying each alternative again
/// at every level: twice the work per level of nesting, minutes for a 6 KB document (found by
/// fuzzing). A schema that is not an object is kept, so that `schema: 7` is still refused.
pub(crate) fn structure_only(value: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(key, child)| {
                    let child = match child {
                        Value::Object(schema) if key == "schema" => Value::Object(
                            schema
                                .iter()
                                .filter(|(k, _)| *k == "$ref")
                                .map(|(k, v)| (k.clone(), v.clone()))
                                .collect(),
                        ),
                        _ => structure_only(child),
                    };
                    (key.clone(), child)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(structure_only).collect()),
        other => other.clone(),
    }
}

/// Decodes `%XX` escapes (as UTF-8); anything malformed is kept as written.
fn percent_decode(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains('%') {
        return text.into();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).and_then(|b| hex(*b)),
            bytes.get(i + 2).and_then(|b| hex(*b)),
        ) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                i += 3;
            }
            (byte, _, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_or_else(|_| text.into(), Into::into)
}

/// Escapes one JSON pointer segment (`~` → `~0`, `/` → `~1`).
pub fn escape(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    push_escaped(&mut out, segment);
    out
}

/// Appends `segment` escaped (`~` → `~0`, `/` → `~1`) to `out`.
pub(crate) fn push_escaped(out: &mut String, segment: &str) {
    if !segment.contains(['~', '/']) {
        out.push_str(segment);
        return;
    }
    for c in segment.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
}

/// Appends escaped segments to a pointer.
pub fn join(pointer: &str, segments: &[&str]) -> String {
    let len = pointer.len() + segments.iter().map(|s| s.len() + 1).sum::<usize>();
    let mut out = String::with_capacity(len);
    out.push_str(pointer);
    for segment in segments {
        out.push('/');
        push_escaped(&mut out, segment);
    }
    out
}

/// A JSON pointer token with `~1` read as `/` and `~0` as `~`, in one pass (RFC 6901: `~01`
/// is `~1`, not `/`).
fn unescape_token(token: &str) -> String {
    let mut out = String::with_capacity(token.len());
    let mut rest = token;
    while let Some(at) = rest.find('~') {
        out.push_str(&rest[..at]);
        match rest.as_bytes().get(at + 1) {
            Some(b'1') => out.push('/'),
            Some(b'0') => out.push('~'),
            _ => {
                out.push('~');
                rest = &rest[at + 1..];
                continue;
            }
        }
        rest = &rest[at + 2..];
    }
    out.push_str(rest);
    out
}

/// [`serde_json::Value::pointer`] (RFC 6901), without copying every segment: only one with a
/// `~` escape in it is unescaped into a string of its own.
fn json_pointer<'v>(root: &'v serde_json::Value, pointer: &str) -> Option<&'v serde_json::Value> {
    use serde_json::Value;
    if pointer.is_empty() {
        return Some(root);
    }
    let rest = pointer.strip_prefix('/')?;
    rest.split('/').try_fold(root, |target, token| {
        let token: std::borrow::Cow<'_, str> = if token.contains('~') {
            unescape_token(token).into()
        } else {
            token.into()
        };
        match target {
            Value::Object(map) => map.get(&*token),
            // An array index: decimal digits, no sign, no leading zero.
            Value::Array(list) => {
                if token.starts_with('+') || (token.starts_with('0') && token.len() != 1) {
                    return None;
                }
                token.parse::<usize>().ok().and_then(|i| list.get(i))
            }
            _ => None,
        }
    })
}

/// Converts a serde_path_to_error path (`paths./a.get`) to a JSON pointer (`#/paths/~1a/get`).
pub fn pointer_from_path(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::from("#");
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("/{index}")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                out.push('/');
                out.push_str(&escape(key));
            }
            Segment::Unknown => out.push_str("/?"),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{Resolver, unescape_token};

    /// A lookup after the description was released is a bug of the generator, and says so
    /// (not that the spec's reference is broken).
    #[test]
    fn a_released_resolver_reports_lookups_as_internal_errors() {
        let resolver = Resolver::released();
        let error = resolver
            .value("#/components/schemas/Pet", "#/paths/~1pets")
            .unwrap_err();
        let text = error.to_string();
        assert!(text.contains("internal error"), "{text}");
        assert!(text.contains("#/components/schemas/Pet"), "{text}");
        assert!(text.contains("#/paths/~1pets"), "{text}");
    }

    #[test]
    fn pointer_tokens_unescape_in_one_pass() {
        assert_eq!(unescape_token("~1pets~1{id}"), "/pets/{id}");
        assert_eq!(unescape_token("a~0b"), "a~b");
        // RFC 6901: `~01` is `~1` (the `~0` read first), never `/`.
        assert_eq!(unescape_token("~01"), "~1");
        // A `~` before anything else is kept as written.
        assert_eq!(unescape_token("~x~"), "~x~");
    }
}
