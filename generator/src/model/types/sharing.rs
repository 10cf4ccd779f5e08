//! One type per concept: a type built with exactly the structure of one built before (the
//! same fields with the same types, the same enum values, the same union branches), whatever
//! names the two would take, is that type.
//!
//! Each type is settled ([`TypeSpace::settle`]) as soon as it is built. Its inline parts were
//! settled before it, so comparing its structure with the parts' type ids compares whole
//! trees, at the cost of one key per type (its own fields or values, never its subtree). Docs
//! are not structure: the first type keeps its own, unless a later place words it (or one of
//! its fields) otherwise; then the type keeps none ([`TypeSpace::drop_doc_conflicts`]) and the
//! plan documents it by every place that uses it.
//!
//! - Two inline types: the later one is dropped, and the first one's name is chosen from every
//!   place that uses it, once every type is built ([`TypeSpace::shared_candidates`]): the
//!   words their preferred names share (`PresetQuality` and `UpdatePresetQuality` are
//!   `PresetQuality`; `FetchAllLivestreamsStatus` and `CreateLivestreamStatus` are
//!   `LivestreamStatus`), a bare shared word with the word before it that the places agree on
//!   (`SessionStatus`), then their common context (the `audio`, `video` and `screenshare` of a
//!   preset's permissions' media are a `PresetMediaPermission`), then the candidates of the
//!   first by place ([`TypeSpace::cmp_places`]), so that the name depends neither on the spec's
//!   order nor on its layout in files.
//! - A component schema and an inline one: the type is the component (its name, its doc).
//! - Two component schemas stay two types: the spec named both.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use super::{Kind, TypeId, TypeSpace};
use crate::model::names;

/// A place whose type was found to be another's ([`TypeSpace::settle`]).
#[derive(Debug, Clone)]
pub(super) struct Member {
    /// The schema's JSON pointer.
    pub(super) pointer: String,
    /// Its candidate names; `None` for a component schema.
    pub(super) candidates: Option<Vec<String>>,
    /// The id it was built under (the kept type's own id for the kept type).
    pub(super) id: TypeId,
}

impl TypeSpace<'_> {
    /// The structure of a built type: what a value of it looks like on the wire and in Rust,
    /// without docs. `None` for a type not filled yet.
    fn structure_key(&self, id: TypeId) -> Option<String> {
        let def = self.defs.get(id)?.as_ref()?;
        let mut key = String::new();
        match &def.kind {
            Kind::Struct(s) => {
                let _ = write!(
                    key,
                    "S{:?}|{}|{}|{}",
                    s.additional, s.additional_name, s.defaultable, s.lenient
                );
                for f in &s.fields {
                    let _ = write!(
                        key,
                        "|{}\u{0}{}\u{0}{:?}\u{0}{}{}{}{}\u{0}{:?}",
                        f.json_name,
                        f.name,
                        f.ty,
                        f.optional,
                        f.omit_if_none,
                        f.boxed,
                        f.deprecated,
                        f.default
                    );
                }
            }
            Kind::Enum { variants, fallback } => {
                // The same values in another order are the same enum.
                let mut values: Vec<String> = variants
                    .iter()
                    .map(|v| format!("{}\u{0}{:?}", v.name, v.value))
                    .collect();
                values.sort_unstable();
                let _ = write!(key, "E{fallback}|{}", values.join("|"));
            }
            Kind::Union { variants, tag } => {
                key.push('U');
                for v in variants {
                    let _ = write!(key, "|{:?}{}", v.ty, v.boxed);
                }
                if let Some(tag) = tag {
                    let _ = write!(key, "#{}", tag.property);
                    for (value, variant) in &tag.values {
                        let at = variants.iter().position(|v| &v.name == variant);
                        let _ = write!(key, "|{value}\u{0}{at:?}");
                    }
                }
            }
        }
        Some(key)
    }

    /// Whether a type built at or after `id` (the type itself and its inline parts) mentions
    /// `id`: a type reached from inside itself is kept as built.
    fn mentioned_from(&self, id: TypeId) -> bool {
        self.defs[id..].iter().flatten().any(|def| match &def.kind {
            Kind::Struct(s) => s
                .fields
                .iter()
                .map(|f| &f.ty)
                .chain(&s.additional)
                .any(|ty| ty.named().any(|n| n == id)),
            Kind::Union { variants, .. } => variants.iter().any(|v| v.ty.named().any(|n| n == id)),
            Kind::Enum { .. } => false,
        })
    }

    /// The type to use for the type `id`, just built from the schema at `pointer`: itself, or
    /// the type built before with the same structure (see the module docs).
    pub(super) fn settle(&mut self, id: TypeId, pointer: &str) -> TypeId {
        let Some(key) = self.structure_key(id) else {
            return id;
        };
        let Some((kept, kept_pointer)) = self.by_structure.get(&key).cloned() else {
            self.by_structure.insert(key, (id, pointer.to_string()));
            return id;
        };
        let new_is_component = self.candidates.get(id).is_none_or(Option::is_none);
        let kept_is_component = self.candidates.get(kept).is_none_or(Option::is_none);
        if kept == id || (new_is_component && kept_is_component) || self.mentioned_from(id) {
            return id;
        }
        let members = self.merged.entry(kept).or_insert_with(|| {
            vec![Member {
                pointer: kept_pointer,
                candidates: self.candidates.get(kept).cloned().flatten(),
                id: kept,
            }]
        });
        members.push(Member {
            pointer: pointer.to_string(),
            candidates: self.candidates.get(id).cloned().flatten(),
            id,
        });
        if !new_is_component && !kept_is_component {
            let doc = self.defs[id].as_ref().and_then(|d| d.doc.clone());
            self.compare_docs(kept, doc.as_deref());
            if self.compare_field_docs(kept, id) {
                // Fields worded otherwise: so is the whole, whatever its own doc says.
                self.doc_conflicts.push(kept);
            }
        }
        if new_is_component {
            // The component names the type: its name and, when it has one, its doc.
            let name = self.names[id].clone();
            let doc = self.defs[id].as_ref().and_then(|d| d.doc.clone());
            self.names[kept] = name.clone();
            self.candidates[kept] = None;
            if let Some(def) = self.defs[kept].as_mut() {
                def.name = name;
                def.doc = doc.or(def.doc.take());
            }
        }
        // Whatever was recorded under the dropped type's preferred name is the kept type. A
        // type is recorded under its first candidate: only that list is walked (walking every
        // list for each merge was quadratic: 2% of a generation on the synthetic spec).
        let preferred = self
            .candidates
            .get(id)
            .and_then(Option::as_ref)
            .and_then(|candidates| candidates.first());
        let lists: Vec<&mut Vec<super::naming::Shaped>> = match preferred {
            Some(preferred) => self.by_shape.get_mut(preferred).into_iter().collect(),
            None => self.by_shape.values_mut().collect(),
        };
        for recorded in lists.into_iter().flatten() {
            if recorded.id == id {
                recorded.id = kept;
            }
        }
        self.defs[id] = None;
        if let Some(slot) = self.candidates.get_mut(id) {
            *slot = None;
        }
        kept
    }

    /// Notes that a place of the type `kept` describes it as `doc`: unless that is what the
    /// type says, the places disagree, and the type's doc is dropped
    /// ([`TypeSpace::drop_doc_conflicts`]). A place without a doc does not disagree (a
    /// parameter's schema is described by its parameter).
    pub(super) fn compare_docs(&mut self, kept: TypeId, doc: Option<&str>) {
        let doc = doc.map(str::trim).filter(|d| !d.is_empty());
        let Some(def) = self.defs.get(kept).and_then(Option::as_ref) else {
            return;
        };
        let own = def.doc.as_deref().map(str::trim).filter(|d| !d.is_empty());
        if own.is_some() && doc.is_some() && own != doc {
            self.doc_conflicts.push(kept);
        }
    }

    /// Drops the field docs of the struct `kept` that the struct `dropped` (of the same
    /// structure) words otherwise: the `height` of a livestream's video is not the "Height of
    /// the watermark". Whether any did.
    fn compare_field_docs(&mut self, kept: TypeId, dropped: TypeId) -> bool {
        let Some(Kind::Struct(other)) = self.defs[dropped].as_ref().map(|d| &d.kind) else {
            return false;
        };
        let docs: Vec<Option<String>> = other.fields.iter().map(|f| f.doc.clone()).collect();
        let Some(Kind::Struct(own)) = self.defs[kept].as_mut().map(|d| &mut d.kind) else {
            return false;
        };
        let mut differ = false;
        for (field, doc) in own.fields.iter_mut().zip(docs) {
            if field.doc.as_deref().map(str::trim) != doc.as_deref().map(str::trim) {
                differ = true;
                field.doc = None;
            }
        }
        differ
    }

    /// Drops the docs that the places of an inline type disagree on: "Audio permissions" is
    /// not the doc of a type that is also the `video` and the `screenshare`. The type is then
    /// documented by where it is used (`plan/items.rs`). A component schema keeps its own.
    pub(super) fn drop_doc_conflicts(&mut self) {
        for id in std::mem::take(&mut self.doc_conflicts) {
            if self.candidates.get(id).is_some_and(Option::is_some) {
                if let Some(def) = self.defs[id].as_mut() {
                    def.doc = None;
                }
            }
        }
    }

    /// Forgets the merges made since a checkpoint (see [`TypeSpace::rollback`]).
    pub(super) fn rollback_merges(&mut self, defs: usize) {
        self.by_structure.retain(|_, (id, _)| *id < defs);
        self.merged.retain(|kept, _| *kept < defs);
        for (&kept, members) in self.merged.iter_mut() {
            let before = members.len();
            members.retain(|m| m.id < defs);
            let own = members.iter().find(|m| m.id == kept).cloned();
            if members.len() < before {
                if let Some(own) = own.filter(|own| own.candidates.is_some()) {
                    if members.iter().all(|m| m.candidates.is_some()) {
                        // A component that named the type was rolled back.
                        self.candidates[kept] = own.candidates.clone();
                    }
                }
            }
        }
        self.merged.retain(|_, members| members.len() > 1);
    }

    /// The JSON pointer naming a merged type: its component's, else the first.
    pub(super) fn merged_pointer(&self, kept: TypeId) -> Option<&str> {
        let members = self.merged.get(&kept)?;
        members
            .iter()
            .find(|m| m.candidates.is_none())
            .or_else(|| {
                // Chosen by `shared_candidates` when it sorted them.
                self.representatives
                    .get(&kept)
                    .and_then(|pointer| members.iter().find(|m| m.pointer == *pointer))
            })
            .or_else(|| {
                members
                    .iter()
                    .map(|m| (self.place_parts(&m.pointer), m))
                    .min_by(|a, b| super::naming::cmp_joined(a.0, b.0))
                    .map(|(_, m)| m)
            })
            .map(|m| m.pointer.as_str())
    }

    /// Gives each merged inline type the candidates of what its places share (see the module
    /// docs), before [`TypeSpace::assign_names`] picks among them.
    pub(super) fn shared_candidates(&mut self) {
        let merged = std::mem::take(&mut self.merged);
        for (&kept, members) in &merged {
            if self.defs[kept].is_none() || members.iter().any(|m| m.candidates.is_none()) {
                continue;
            }
            let mut keyed: Vec<(bool, [&str; 3], &Member)> = members
                .iter()
                .map(|m| {
                    (
                        m.pointer.ends_with("/items"),
                        self.place_parts(&m.pointer),
                        m,
                    )
                })
                .collect();
            // By place ([`TypeSpace::cmp_places`]), an array's item (named after its list)
            // after the others.
            keyed.sort_by(|a, b| {
                a.0.cmp(&b.0)
                    .then_with(|| super::naming::cmp_joined(a.1, b.1))
            });
            // The type's pointer: its first place, an array's item or not.
            let first = keyed
                .iter()
                .min_by(|a, b| super::naming::cmp_joined(a.1, b.1))
                .map(|(_, _, m)| m.pointer.clone());
            let members: Vec<&Member> = keyed.into_iter().map(|(_, _, m)| m).collect();
            if let Some(first) = first {
                self.representatives.insert(kept, first);
            }
            let preferred: Vec<&str> = members
                .iter()
                .filter_map(|m| m.candidates.as_ref()?.first().map(String::as_str))
                .collect();
            let mut candidates = Vec::new();
            let shared = shared_words(&preferred);
            if let Some(shared) = &shared {
                if let Some(qualified) = qualified(shared, &preferred) {
                    candidates.push(qualified);
                }
                candidates.push(shared.clone());
            } else if let Some(spelled) = self.spelled_out(kept) {
                candidates.push(spelled);
            }
            let trails: Vec<&str> = members
                .iter()
                .filter_map(|m| m.candidates.as_ref()?.last().map(String::as_str))
                .collect();
            if let Some(context) = context_name(&trails) {
                if !candidates.contains(&context) {
                    candidates.push(context);
                }
            }
            for candidate in members[0].candidates.iter().flatten() {
                if !candidates.contains(candidate) {
                    candidates.push(candidate.clone());
                }
            }
            self.candidates[kept] = Some(candidates);
        }
        self.merged = merged;
    }

    /// The name of a union of plain values by its variants (`StringOrInteger`), for places
    /// whose names share no word: a `loc` item and a pet's nickname are both a string or an
    /// integer, and neither names the other.
    fn spelled_out(&self, id: TypeId) -> Option<String> {
        let Kind::Union {
            variants,
            tag: None,
        } = &self.defs[id].as_ref()?.kind
        else {
            return None;
        };
        if variants.iter().any(|v| v.ty.named().next().is_some()) {
            return None;
        }
        let name = variants
            .iter()
            .map(|v| v.name.as_str())
            .collect::<Vec<_>>()
            .join("Or");
        (!name.is_empty() && name.len() <= names::MAX_PREFERRED_LEN).then_some(name)
    }

    /// How many places found their type built before (for the merged types' docs and tests).
    pub fn merged_places(&self) -> usize {
        self.merged.values().map(|m| m.len() - 1).sum()
    }
}

/// The words most names share (more than two thirds of them; compared in the singular, so
/// that `Livestreams` and `Livestream` are one word), in the order of the shortest name that
/// has them all, the one that says least besides (then the first alphabetically: the order of
/// the places decides nothing; `IssuingTokenNetwork` and
/// `IssuingNetworkTokenNetworkDataType` share `IssuingTokenNetwork`): `None` when they share
/// none, or when that is longer than
/// [`names::MAX_PREFERRED_LEN`]. Most, not all: one odd place (an `err_message` enum with a
/// stream's status values, a `StartLivestreaming` status) does not take the name from the
/// others. More than two thirds, not half: the `Session` of two paging structs of three does
/// not name the third, `GetAppsPaging`'s (they share `Paging`).
fn shared_words(preferred: &[&str]) -> Option<String> {
    let written: Vec<Vec<&str>> = preferred.iter().map(|name| words(name)).collect();
    let sets: Vec<BTreeSet<String>> = written
        .iter()
        .map(|words| words.iter().map(|w| names::singular(w)).collect())
        .collect();
    // How many names have each word (once each), counted in one pass: a type shared by a
    // thousand places has a thousand names.
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for word in sets.iter().flatten() {
        *counts.entry(word).or_default() += 1;
    }
    let chosen: BTreeSet<String> = counts
        .into_iter()
        .filter(|(_, count)| count * 3 > sets.len() * 2)
        .map(|(word, _)| word.to_string())
        .collect();
    let mut first: Option<&str> = None;
    for (name, set) in preferred.iter().zip(&sets) {
        // A longer name (or as long and later) is not looked at: a thousand places, a
        // thousand names.
        if first.is_some_and(|f| (f.len(), f) <= (name.len(), *name)) {
            continue;
        }
        if chosen.is_subset(set) {
            first = Some(name);
        }
    }
    let first = first?;
    let mut out = String::new();
    let mut used = BTreeSet::new();
    for word in words(first) {
        let one = names::singular(word);
        // An operation's verb says nothing of the shared type (`GetPaging`).
        let verb = out.is_empty() && names::VERBS.contains(&word);
        if !verb && chosen.contains(&one) && used.insert(one.clone()) {
            // The word as written when every name writes it so, else its singular.
            let everywhere = written.iter().all(|words| words.contains(&word));
            out.push_str(if everywhere { word } else { &one });
        }
    }
    (!out.is_empty()
        && out.len() <= names::MAX_PREFERRED_LEN
        && out.chars().next().is_some_and(char::is_uppercase))
    .then_some(out)
}

/// A shared name of one word (`Status`) with the word before it in the names that have one,
/// when they all have the same (`ActiveSessionStatus` and a parameter's `Status` are a
/// `SessionStatus`): a bare `Status` beside the crate's other statuses says whose it is not.
/// `None` when no name has a word before it, or two disagree (`GetSessionsPaging` and
/// `GetAppsPaging` stay `Paging`).
fn qualified(shared: &str, preferred: &[&str]) -> Option<String> {
    if words(shared).len() != 1 {
        return None;
    }
    let mut before = None;
    for name in preferred {
        let written = words(name);
        let at = written
            .iter()
            .position(|w| names::singular(w) == names::singular(shared))?;
        let Some(word) = at.checked_sub(1).map(|i| written[i]) else {
            continue;
        };
        if at == 1 && names::VERBS.contains(&word) {
            continue;
        }
        let word = names::singular(word);
        match &before {
            None => before = Some(word),
            Some(seen) if *seen == word => {}
            Some(_) => return None,
        }
    }
    let name = format!("{}{shared}", before?);
    (name.len() <= names::MAX_PREFERRED_LEN).then_some(name)
}

/// The name of a type by the context its places have in common, for places whose own names
/// share no word, or only one already taken (the `audio`, `video` and `screenshare` of a
/// preset's media permissions share only `Preset`). `trails` are the places' whole trails
/// (`PresetPermissionsMediaAudio`, ...); their common leading words (without a leading verb
/// when they have none otherwise, as `UpdatePreset...` and `Preset...`) are the context, and
/// the type is named as one of the plural in it: the one that ends it (`PresetPermissions` →
/// `PresetPermission`, `PetLinks` → `PetLink`), else the one before its last word, which then
/// says which (`PresetPermissionsMedia` → `PresetMediaPermission`). `None` when the context
/// has no such plural.
fn context_name(trails: &[&str]) -> Option<String> {
    if trails.len() < 2 {
        return None;
    }
    let written: Vec<Vec<&str>> = trails.iter().map(|t| words(t)).collect();
    let common = |skip_verb: bool| -> Vec<&str> {
        let mut lists = written.iter().map(|w| match w.split_first() {
            Some((first, rest)) if skip_verb && names::VERBS.contains(first) => rest,
            _ => &w[..],
        });
        let Some(first) = lists.next() else {
            return Vec::new();
        };
        let mut len = first.len();
        for other in lists {
            len = len.min(first.iter().zip(other).take_while(|(a, b)| a == b).count());
        }
        // The context, not a whole trail: a place's own word is not part of it.
        first[..len.min(first.len().saturating_sub(1))].to_vec()
    };
    let mut context = common(false);
    if context.len() < 2 {
        context = common(true);
    }
    let is_plural = |word: &str| names::singular(word) != word;
    let name = match context.as_slice() {
        [rest @ .., last] if !rest.is_empty() && is_plural(last) => {
            format!("{}{}", rest.concat(), names::singular(last))
        }
        [rest @ .., plural, last] if !rest.is_empty() && is_plural(plural) => {
            format!("{}{last}{}", rest.concat(), names::singular(plural))
        }
        _ => return None,
    };
    (name.len() <= names::MAX_PREFERRED_LEN).then_some(name)
}

/// The words of a PascalCase name: `FetchAllLivestreamsStatus` → `Fetch`, `All`,
/// `Livestreams`, `Status`.
fn words(name: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in name.char_indices().skip(1) {
        if c.is_uppercase() {
            out.push(&name[start..i]);
            start = i;
        }
    }
    if start < name.len() {
        out.push(&name[start..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_words_name_what_places_share() {
        assert_eq!(
            shared_words(&["PresetQuality", "UpdatePresetQuality"]).as_deref(),
            Some("PresetQuality")
        );
        assert_eq!(
            shared_words(&[
                "CreateLivestreamStatus",
                "FetchAllLivestreamsStatus",
                "LivestreamSessionStatus",
                "ErrMessage"
            ])
            .as_deref(),
            Some("LivestreamStatus")
        );
        assert_eq!(shared_words(&["SortOrder", "Direction"]), None);
        assert_eq!(
            shared_words(&["GetSessionsPaging", "GetAppsPaging"]).as_deref(),
            Some("Paging")
        );
        // Two of three is not enough: `Session` would misname the apps' paging.
        assert_eq!(
            shared_words(&[
                "GetSessionsPaging",
                "ListSessionLivestreamSessionsPaging",
                "GetAppsPaging"
            ])
            .as_deref(),
            Some("Paging")
        );
        // The shortest name with every shared word orders them, whichever place comes first.
        for places in [
            ["IssuingNetworkTokenNetworkDataType", "IssuingTokenNetwork"],
            ["IssuingTokenNetwork", "IssuingNetworkTokenNetworkDataType"],
        ] {
            assert_eq!(
                shared_words(&places).as_deref(),
                Some("IssuingTokenNetwork")
            );
        }
        assert_eq!(words("HTTPServer"), ["H", "T", "T", "P", "Server"]);
    }

    #[test]
    fn a_bare_shared_word_says_whose_when_the_names_agree() {
        assert_eq!(
            qualified("Status", &["ActiveSessionStatus", "Status"]).as_deref(),
            Some("SessionStatus")
        );
        // The places disagree on whose paging it is.
        assert_eq!(
            qualified("Paging", &["GetSessionsPaging", "GetAppsPaging"]),
            None
        );
        // A verb says nothing of whose.
        assert_eq!(qualified("Paging", &["GetPaging", "ListPaging"]), None);
        // Nothing before it anywhere, or a name of two words already.
        assert_eq!(qualified("Status", &["Status", "Status"]), None);
        assert_eq!(
            qualified("LivestreamStatus", &["CreateLivestreamStatus"]),
            None
        );
    }

    #[test]
    fn places_sharing_no_word_are_named_by_their_context() {
        // The audio, video and screenshare of a preset's media permissions.
        assert_eq!(
            context_name(&[
                "PresetPermissionsMediaAudio",
                "PresetPermissionsMediaScreenshare",
                "PresetPermissionsMediaVideo"
            ])
            .as_deref(),
            Some("PresetMediaPermission")
        );
        // A context ending in a plural: one of it. A leading verb is left out when the
        // places have no context otherwise.
        assert_eq!(
            context_name(&[
                "PresetPermissionsMediaAudioCanProduce",
                "PresetPermissionsStageAccess",
                "UpdatePresetPermissionsStageAccess"
            ])
            .as_deref(),
            Some("PresetPermission")
        );
        assert_eq!(
            context_name(&["PetLinksSelf", "PetLinksNext"]).as_deref(),
            Some("PetLink")
        );
        // No plural in the context, or no context: no name from it.
        assert_eq!(
            context_name(&[
                "VideoConfigWatermarkSize",
                "StartLivestreamingBodyVideoConfig"
            ]),
            None
        );
        assert_eq!(context_name(&["PetOwner", "PetVet"]), None);
        assert_eq!(context_name(&["PetLinksSelf"]), None);
    }
}
