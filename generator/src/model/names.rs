//! Rust names for things named in the spec: types (PascalCase), fields and functions
//! (snake_case), enum variants. Every name is a valid, non-keyword identifier; uniqueness within
//! a scope is kept by [`Scope`].

use std::collections::{BTreeMap, BTreeSet};

use heck::{ToPascalCase, ToSnakeCase};

/// Words Rust reserves (strict, reserved and 2018+ keywords); such names get a `_` suffix.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Replaces characters heck would silently drop with words, so that `<=1y` and `>1y` differ.
fn spell_symbols(raw: &str) -> String {
    let softened = soften_acronym_plurals(raw);
    let raw = softened.as_str();
    let mut out = String::with_capacity(raw.len() + 8);
    // A leading minus sign is one (`-1` is not `1`); elsewhere `-` separates words.
    let raw = match raw.strip_prefix('-') {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => {
            out.push_str("minus ");
            rest
        }
        _ => raw,
    };
    for c in raw.chars() {
        let word = match c {
            '<' => " lt ",
            '>' => " gt ",
            '=' => " eq ",
            '+' => " plus ",
            '*' => " star ",
            '@' => " at ",
            '&' => " and ",
            '%' => " percent ",
            '!' => " not ",
            _ => {
                out.push(if c.is_alphanumeric() { c } else { ' ' });
                continue;
            }
        };
        out.push_str(word);
    }
    out
}

fn finish(mut name: String, fallback: &str) -> String {
    name.retain(|c| c.is_ascii_alphanumeric() || c == '_');
    if name.is_empty() {
        name = fallback.to_string();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert_str(
            0,
            if fallback.starts_with(char::is_uppercase) {
                "N"
            } else {
                "n"
            },
        );
    }
    if KEYWORDS.contains(&name.as_str()) {
        name.push('_');
    }
    name
}

/// `IPs` → `Ips`, `requireSignedURLs` → `requireSignedUrls`: an acronym's plural `s` would
/// otherwise start a word of its own (`i_ps`).
fn soften_acronym_plurals(raw: &str) -> String {
    let chars: Vec<char> = raw.chars().collect();
    let mut out = String::with_capacity(raw.len());
    let mut i = 0;
    while i < chars.len() {
        let run = chars[i..]
            .iter()
            .take_while(|c| c.is_ascii_uppercase())
            .count();
        let plural = run >= 2
            && chars.get(i + run) == Some(&'s')
            && !chars
                .get(i + run + 1)
                .is_some_and(|c| c.is_ascii_lowercase());
        if plural {
            out.push(chars[i]);
            out.extend(chars[i + 1..i + run].iter().map(|c| c.to_ascii_lowercase()));
            i += run;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

thread_local! {
    /// Names spelled in this generation, by case and text as written: a spec repeats the same
    /// property, parameter and schema names across its operations, and spelling one (symbols,
    /// acronyms, case, keywords) costs far more than looking it up. Emptied by [`forget`].
    static SPELLED: std::cell::RefCell<[crate::LookupMap<Box<str>, Box<str>>; 2]> =
        Default::default();
}

/// Empties the names remembered by the spelling functions (at the start of a generation, so
/// that a thread generating many crates does not keep every name it ever spelled).
pub fn forget() {
    SPELLED.with_borrow_mut(|cases| cases.iter_mut().for_each(|c| *c = Default::default()));
}

/// `raw` spelled in `case` (0: PascalCase, 1: snake_case), remembered.
fn spelled(raw: &str, case: usize) -> String {
    SPELLED.with_borrow_mut(|cases| {
        if let Some(known) = cases[case].get(raw) {
            return known.to_string();
        }
        let name = match case {
            0 => finish(spell_symbols(raw).to_pascal_case(), "Value"),
            _ => finish(spell_symbols(raw).to_snake_case(), "value"),
        };
        cases[case].insert(raw.into(), name.as_str().into());
        name
    })
}

/// `realtimekit_GetParticipant` → `RealtimekitGetParticipant`.
pub fn type_name(raw: &str) -> String {
    spelled(raw, 0)
}

/// `user_Id` → `user_id`, `type` → `type_`, `5_or_more` → `n5_or_more`.
pub fn field_name(raw: &str) -> String {
    spelled(raw, 1)
}

/// An enum variant for a string value: `in_progress` → `InProgress`, `""` → `Empty`.
pub fn variant_name(raw: &str) -> String {
    if raw.is_empty() {
        return "Empty".to_string();
    }
    spelled(raw, 0)
}

/// A word's singular, for naming the item of a list after the list (`day_stats` → `DayStat`,
/// `entries` → `Entry`); words that do not look plural are returned unchanged.
pub fn singular(word: &str) -> String {
    let lower = word.to_ascii_lowercase();
    if lower.ends_with("ies") && word.len() > 4 {
        format!("{}y", &word[..word.len() - 3])
    } else if lower.ends_with("sses") || lower.ends_with("xes") || lower.ends_with("ches") {
        word[..word.len() - 2].to_string()
    } else if lower.ends_with('s')
        && !lower.ends_with("ss")
        && !lower.ends_with("us")
        && !lower.ends_with("is")
        && word.len() > 3
    {
        word[..word.len() - 1].to_string()
    } else {
        word.to_string()
    }
}

/// Longest base name (PascalCase) of an operation's own types before the shorter form from
/// its path is used (`<base>Response` then stays within 40 characters).
pub const OPERATION_BASE_MAX: usize = 32;

/// The base names of an operation's own types (`<base>Request`, `<base>Response`, ...), the
/// preferred first: its operationId in PascalCase without version words (`get-v2-foo` →
/// `GetFoo`); when that is longer than [`OPERATION_BASE_MAX`], the operationId's first word
/// (its verb) and the path's last literal segments (`get-v2-livestreamsession-session-meetingId-active-livestream`
/// on `/sessions/{session_id}/livestream-sessions` → `GetSessionLivestreamSessions`). The
/// last is the operationId as written, for when a shorter base is taken.
pub fn operation_bases(fn_name: &str, path: &str) -> Vec<String> {
    let full = type_name(fn_name);
    let words: Vec<&str> = fn_name
        .split('_')
        .filter(|w| !w.is_empty() && !is_version_word(w))
        .collect();
    // Without version words, the plain name is the full one (spelling a name costs more).
    let plain = if fn_name.split('_').any(is_version_word) {
        type_name(&words.join("_"))
    } else {
        full.clone()
    };
    let mut bases = Vec::new();
    if plain.len() <= OPERATION_BASE_MAX || words.is_empty() {
        bases.push(plain);
    } else {
        let verb = type_name(words[0]);
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let mut nouns: Vec<String> = Vec::new();
        for (i, segment) in segments.iter().enumerate().rev() {
            if segment.contains('{') || is_version_word(segment) {
                continue;
            }
            let noun = type_name(segment);
            let noun = if i + 1 < segments.len() && segments[i + 1].contains('{') {
                singular(&noun)
            } else {
                noun
            };
            nouns.insert(0, noun);
            if nouns.len() == 2 {
                break;
            }
        }
        let two = format!("{verb}{}", nouns.concat());
        let one = format!("{verb}{}", nouns.last().cloned().unwrap_or_default());
        if nouns.len() == 2 && two.len() <= OPERATION_BASE_MAX {
            bases.push(two);
        }
        if !nouns.is_empty() && one.len() <= OPERATION_BASE_MAX && !bases.contains(&one) {
            bases.push(one);
        }
        if !bases.contains(&plain) {
            bases.push(plain);
        }
    }
    if !bases.contains(&full) {
        bases.push(full);
    }
    bases
}

/// Words that make an operationId a phrase, not a path dump, before a parameter's name.
const PHRASE_WORDS: &[&str] = &["by", "from", "for", "with", "of", "to", "in", "on", "at"];

/// The longest method name [`method_candidates`] prefers, as for types.
pub const MAX_METHOD_LEN: usize = 40;

/// The names of an operation's method, preferred first (see [`method_names`] for how
/// operations that want the same name are told apart).
///
/// An operationId that reads as a name already is kept, without its version words
/// (`get-v2-active-livestream-session-details` → `get_active_livestream_session_details`).
/// One that dumps the path instead (it starts with an HTTP method other than `get` and
/// `delete`, it spells a path parameter's name, or it is longer than [`MAX_METHOD_LEN`]), and
/// an operation without one, is named by a verb the method and the path say and the path's
/// last nouns (`path`: the operation's path without the prefix every path shares):
/// `GET /presets/{preset_id}` → `get_preset`, `GET /sessions/{id}/livestream-sessions` →
/// `list_session_livestream_sessions`, `POST /presets` → `create_preset`, `PUT` →
/// `replace_`, `PATCH` → `update_`, `DELETE` → `delete_`; then with more of the path's nouns,
/// then the operationId without versions, then as written.
///
/// Words are not split where the operationId runs them together (`Createcontentprovenancecheck`
/// stays `createcontentprovenancecheck`): without a dictionary, any split is a guess, and a
/// wrong split reads worse than none; `[rename.methods]` names such a method.
pub fn method_candidates(operation_id: Option<&str>, method: &str, path: &str) -> Vec<String> {
    let written = operation_id
        .map(field_name)
        .filter(|id| operation_id.is_some_and(|raw| !raw.trim().is_empty()) && !id.is_empty());
    let words: Vec<&str> = written
        .as_deref()
        .unwrap_or_default()
        .split('_')
        .filter(|w| !w.is_empty() && !is_version_word(w))
        .collect();
    let plain = words.join("_");
    let segments: Vec<&str> = path
        .split('/')
        .filter(|s| !s.is_empty() && !is_version_word(s))
        .collect();
    let params: Vec<String> = segments
        .iter()
        .filter(|s| s.starts_with('{'))
        .map(|s| field_name(s.trim_matches(|c| c == '{' || c == '}')))
        .collect();
    // A parameter's name spelled after a noun (`presets_preset_id`), not in a phrase
    // (`from_peer_id`, `by_id`).
    let padded = format!("_{plain}_");
    let spells_param = params.iter().filter(|p| p.contains('_')).any(|p| {
        padded.match_indices(&format!("_{p}_")).any(|(at, _)| {
            let before = padded[..at].rsplit('_').next().unwrap_or_default();
            !before.is_empty() && !PHRASE_WORDS.contains(&before)
        })
    });
    // An HTTP method where a verb should be, followed by the path's own words only
    // (`post_presets`; not `put_macro_words`, which names what it puts).
    let http_verb = matches!(
        words.first().copied(),
        Some("post" | "put" | "patch" | "head" | "options" | "trace")
    ) && {
        // Spelled out only for such operationIds (1% of a generation otherwise).
        let path_words: Vec<String> = path
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .flat_map(|w| field_name(w).split('_').map(singular).collect::<Vec<_>>())
            .collect();
        words[1..].iter().all(|w| path_words.contains(&singular(w)))
    };
    let mut out: Vec<String> = Vec::new();
    let push = |out: &mut Vec<String>, name: String| {
        // Words rejoined can spell a keyword again (`type_` → `type`).
        let name = if name.is_empty() {
            name
        } else {
            finish(name, "call")
        };
        if !name.is_empty() && !out.contains(&name) {
            out.push(name);
        }
    };
    let readable =
        !plain.is_empty() && !http_verb && !spells_param && plain.len() <= MAX_METHOD_LEN;
    if !readable {
        let ends_in_param = segments.last().is_some_and(|s| s.starts_with('{'));
        // The literal segments, each singular when a parameter picks one of it.
        let mut nouns: Vec<String> = Vec::new();
        for (i, segment) in segments.iter().enumerate() {
            if segment.starts_with('{') {
                continue;
            }
            let noun = field_name(segment);
            let last = i + 1 == segments.len();
            let picked = segments.get(i + 1).is_some_and(|s| s.starts_with('{'));
            nouns.push(if picked || !last {
                singular(&noun)
            } else {
                noun
            });
        }
        let last_plural = !ends_in_param && nouns.last().is_some_and(|n| singular(n) != *n);
        let verb = match method {
            "get" if last_plural => "list",
            "get" => "get",
            "post" if ends_in_param => "update",
            "post" => "create",
            "put" => "replace",
            "patch" => "update",
            "delete" => "delete",
            other => other,
        };
        if verb == "create" {
            if let Some(last) = nouns.last_mut() {
                *last = singular(last);
            }
        }
        let start = nouns.len().saturating_sub(2);
        for from in (0..=start).rev() {
            let name = std::iter::once(verb.to_string())
                .chain(nouns[from..].iter().cloned())
                .collect::<Vec<_>>()
                .join("_");
            if name.len() <= MAX_METHOD_LEN || out.is_empty() && from == 0 {
                push(&mut out, field_name(&name));
            }
        }
    }
    if plain.len() <= MAX_METHOD_LEN {
        push(&mut out, plain);
    }
    if let Some(written) = written {
        push(&mut out, written);
    }
    if out.is_empty() {
        let words: Vec<&str> = path
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        push(
            &mut out,
            field_name(&format!("{method} {}", words.join(" "))),
        );
    }
    out
}

/// The route's own name in an operationId made the way FastAPI makes them (its function's
/// name, the path's words, the HTTP method: `get_pet_pets__pet_id__get` on `GET /pets/{pet_id}`
/// → `get_pet`); `None` for any other operationId.
pub fn route_name(operation_id: &str, method: &str, path: &str) -> Option<String> {
    // Most operationIds do not end with their method: they are not FastAPI's, and are not
    // spelled out below (measured: 1.4% of a generation's instructions otherwise).
    let tail = operation_id.trim_end_matches(|c: char| !c.is_alphanumeric());
    let ends_with_method = tail.len() > method.len()
        && tail.is_char_boundary(tail.len() - method.len())
        && tail[tail.len() - method.len()..].eq_ignore_ascii_case(method);
    if !ends_with_method {
        return None;
    }
    let id = field_name(operation_id);
    let path_words = field_name(&path.replace(|c: char| !c.is_alphanumeric(), " "));
    let suffix = format!("_{path_words}_{method}");
    let name = id.strip_suffix(&suffix)?;
    (!path_words.is_empty() && !name.is_empty()).then(|| name.to_string())
}

/// The method name of each operation, from its candidates ([`method_candidates`]), as types
/// are named: every operation takes its first candidate, and as long as several want one name
/// (or a `reserved` one), *each* moves to its next, so that no name depends on the spec's
/// order; when every candidate of two is taken, numbers, in the order given.
pub fn method_names(candidates: &[Vec<String>], reserved: &Scope) -> Vec<String> {
    let mut level = vec![0usize; candidates.len()];
    loop {
        let mut wanted: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, names) in candidates.iter().enumerate() {
            if let Some(name) = names.get(level[i]) {
                wanted.entry(name.as_str()).or_default().push(i);
            }
        }
        let mut raised = false;
        for (name, members) in wanted {
            if members.len() > 1 || reserved.contains(name) {
                for i in members {
                    if level[i] + 1 < candidates[i].len() {
                        level[i] += 1;
                        raised = true;
                    }
                }
            }
        }
        if !raised {
            break;
        }
    }
    let mut scope = reserved.clone();
    candidates
        .iter()
        .enumerate()
        .map(|(i, names)| scope.claim(names.get(level[i]).cloned().unwrap_or_default()))
        .collect()
}

/// How many path segments most paths (more than half) share at their start, up to a
/// parameter (`/accounts/{account_id}/realtime/kit/{app_id}`): no operation is named by them.
/// Without a parameter, none (`/customers` and `/customers/{id}` keep their noun). The
/// prefix, and its length; a path not starting with it keeps its segments.
pub fn common_path_prefix<'p>(paths: impl IntoIterator<Item = &'p str>) -> (String, usize) {
    let mut counts: BTreeMap<Vec<&str>, usize> = BTreeMap::new();
    let mut total = 0;
    for path in paths {
        total += 1;
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        // Prefixes ending in a parameter, short of the whole path.
        for end in 1..segments.len() {
            if segments[end - 1].starts_with('{') {
                *counts.entry(segments[..end].to_vec()).or_default() += 1;
            }
        }
    }
    counts
        .into_iter()
        .filter(|(_, count)| total >= 2 && count * 2 > total)
        .max_by_key(|(prefix, _)| prefix.len())
        .map(|(prefix, _)| (format!("/{}", prefix.join("/")), prefix.len()))
        .unwrap_or_default()
}

/// `path` without the `prefix` of [`common_path_prefix`] when it starts with it.
pub fn path_after(path: &str, (prefix, segments): &(String, usize)) -> String {
    let starts = path
        .strip_prefix(prefix.as_str())
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'));
    path.split('/')
        .filter(|s| !s.is_empty())
        .skip(if starts { *segments } else { 0 })
        .collect::<Vec<_>>()
        .join("/")
}

/// `v2`, `V10`: a version in an operationId or path, no word of a name.
fn is_version_word(word: &str) -> bool {
    let mut chars = word.chars();
    matches!(chars.next(), Some('v' | 'V')) && word.len() > 1 && chars.all(|c| c.is_ascii_digit())
}

/// The longest name [`candidates`] prefers: longer ones come after every shorter one.
pub const MAX_PREFERRED_LEN: usize = 40;

/// Property names that only wrap the payload (`{"data": {...}}`, `{"result": [...]}`): kept
/// as a type's own name, but skipped as the context of the types inside them.
const WRAPPERS: &[&str] = &["Data", "Result", "Results", "Payload", "Body"];

/// A type's own name for each step of a trail (see [`candidates`]): `#Item` (an array's item)
/// takes the list's singular, `#Value` (a map's value) appends `Value`, `#Variant<word>` (a
/// union's branch) appends the word, `!Role` (an operation's own body, response, error) the
/// role's word.
fn fold_trail(steps: &[&str]) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for step in steps {
        if let Some(marker) = step.strip_prefix('#') {
            let previous = words.pop();
            let word = match (marker, previous) {
                ("Item", Some(prev)) => {
                    let prev = prev.trim_start_matches('!').to_string();
                    let one = singular(&prev);
                    if one == prev {
                        format!("{prev}Item")
                    } else {
                        one
                    }
                }
                (marker, Some(prev)) => format!(
                    "{}{}",
                    prev.trim_start_matches('!'),
                    marker.trim_start_matches("Variant")
                ),
                (marker, None) => marker.trim_start_matches("Variant").to_string(),
            };
            words.push(word);
        } else if step.starts_with('!') {
            // Kept marked: a role names its own type, never the context of another.
            words.push(step.to_string());
        } else {
            words.push(step.to_string());
        }
    }
    words
}

/// The names an inline type may take, preferred first, from its trail: how it is reached
/// from its anchor. A trail is `anchors/step/step...` (`/`-separated), where `anchors` are
/// `|`-separated context words, preferred first (an operation's short and full base names, a
/// component's name), and each step a property or parameter name in
/// PascalCase or a marker (see [`fold_trail`]).
///
/// A type is named from the nearest meaningful name (its own property or parameter) plus the
/// least context: the anchor, then the enclosing properties' names one by one (skipping
/// [`WRAPPERS`]), then the next anchor, then without an anchor when every anchored name is
/// longer than [`MAX_PREFERRED_LEN`]. An operation's own role (`!Response`, `!Body`,
/// `!Error`, `!Created`) is named by an anchor only (`GetSessionsResponse`).
pub fn candidates(trail: &str) -> Vec<String> {
    let mut parts = trail.split('/');
    let anchors: Vec<&str> = parts
        .next()
        .unwrap_or_default()
        .split('|')
        .filter(|a| !a.is_empty())
        .collect();
    let steps: Vec<&str> = parts.collect();
    let mut out: Vec<String> = Vec::new();
    fn push(out: &mut Vec<String>, name: String) {
        if !name.is_empty() && !out.contains(&name) {
            out.push(name);
        }
    }
    if steps.is_empty() {
        for anchor in &anchors {
            push(&mut out, anchor.to_string());
        }
        return out;
    }
    // An operation's own body or response is named by its base alone.
    let role_root = steps.len() == 1 && steps[0].starts_with('!');
    let words = fold_trail(&steps);
    let (own, context) = words.split_last().expect("steps is not empty");
    let own = own.trim_start_matches('!');
    // Context words nearest first, wrappers and roles left out.
    let meaningful: Vec<&String> = context
        .iter()
        .rev()
        .filter(|w| !WRAPPERS.contains(&w.as_str()) && !w.starts_with('!'))
        .collect();
    // With the role too (`GetSessionsResponseStatus` beside a parameter's
    // `GetSessionsStatus`), wrappers still left out.
    let with_roles: String = context
        .iter()
        .filter(|w| !WRAPPERS.contains(&w.as_str()))
        .map(|w| w.trim_start_matches('!'))
        .collect();
    // The `depth` nearest context words, outermost first.
    let middle = |depth: usize| -> String {
        meaningful[..depth]
            .iter()
            .rev()
            .map(|w| w.as_str())
            .collect()
    };
    for anchor in &anchors {
        // The `livestream` of an operation `GetLivestream` is the livestream, not
        // `GetLivestreamLivestream`.
        if anchor
            .strip_suffix(own)
            .is_some_and(|verb| VERBS.contains(&verb))
        {
            push(&mut out, own.to_string());
        }
        for depth in 0..=meaningful.len() {
            push(&mut out, format!("{anchor}{}{own}", middle(depth)));
        }
        push(&mut out, format!("{anchor}{with_roles}{own}"));
    }
    // Without the anchor, only when every anchored name is too long: the own name, then with
    // the enclosing properties' names.
    let all_long = out.iter().all(|name| name.len() > MAX_PREFERRED_LEN);
    if all_long && !role_root {
        for depth in 0..=meaningful.len() {
            push(&mut out, format!("{}{own}", middle(depth)));
        }
    }
    // Names within [`MAX_PREFERRED_LEN`] first, in that order.
    out.sort_by_key(|name| name.len() > MAX_PREFERRED_LEN);
    // Every word of the trail, as names were made before: the last choice.
    push(
        &mut out,
        format!(
            "{}{}",
            anchors.last().copied().unwrap_or_default(),
            words.concat().replace('!', "")
        ),
    );
    out
}

/// Words that start operation names: left out of the start of a name shared by several
/// places (`GetPaging`), and an operation's `GetLivestream` with its `livestream` is a
/// `Livestream`.
pub const VERBS: &[&str] = &[
    "Get", "List", "Create", "Update", "Delete", "Fetch", "Post", "Put", "Patch", "Add", "Remove",
    "Set", "Start", "Stop",
];

/// The trail of an inline schema's step (see [`candidates`]): `parent/step`.
pub fn trail(parent: &str, step: &str) -> String {
    format!("{parent}/{step}")
}

/// The ordinal word of a union branch or tuple item (1-based), since names carry no bare
/// numbers: `First`, `Second`, ... `Twentieth`; beyond that (never seen in a real spec) `Nth21`.
pub fn ordinal(index: usize) -> String {
    const WORDS: &[&str] = &[
        "First",
        "Second",
        "Third",
        "Fourth",
        "Fifth",
        "Sixth",
        "Seventh",
        "Eighth",
        "Ninth",
        "Tenth",
        "Eleventh",
        "Twelfth",
        "Thirteenth",
        "Fourteenth",
        "Fifteenth",
        "Sixteenth",
        "Seventeenth",
        "Eighteenth",
        "Nineteenth",
        "Twentieth",
    ];
    match WORDS.get(index.wrapping_sub(1)) {
        Some(word) => word.to_string(),
        None => format!("Nth{index}"),
    }
}

/// A set of names already taken in one namespace; [`Scope::claim`] makes a name unique by
/// appending a number (`Name`, `Name2`, `Name3`, or `name_2` for snake case).
#[derive(Debug, Default, Clone)]
pub struct Scope {
    taken: BTreeSet<String>,
    /// For each base name, the number to try first next time: without it, n names that all
    /// come out as `Name` would cost n²/2 lookups (30,000 enum values: minutes).
    next_number: BTreeMap<String, usize>,
}

impl Scope {
    pub fn claim(&mut self, name: String) -> String {
        if self.taken.insert(name.clone()) {
            return name;
        }
        let snake = name.chars().next().is_some_and(|c| c.is_lowercase());
        let base = name.trim_end_matches('_').to_string();
        let mut i = self.next_number.get(&base).copied().unwrap_or(2);
        loop {
            let candidate = if snake {
                format!("{base}_{i}")
            } else {
                format!("{base}{i}")
            };
            if self.taken.insert(candidate.clone()) {
                self.next_number.insert(base, i + 1);
                return candidate;
            }
            i += 1;
        }
    }

    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains(name)
    }
}

/// The longest prefix ending in `_` shared by every name (`realtimekit_`), if stripping it leaves
/// every name non-empty. Specs cut from a larger one often prefix every schema this way.
pub fn common_prefix<'a>(names: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let mut names = names.into_iter();
    let first = names.next()?;
    let mut prefix = &first[..first.rfind('_').map_or(0, |i| i + 1)];
    let mut count = 1;
    for name in names {
        count += 1;
        while !(prefix.is_empty() || name.starts_with(prefix) && name.len() > prefix.len()) {
            prefix = &prefix[..prefix[..prefix.len() - 1].rfind('_').map_or(0, |i| i + 1)];
        }
    }
    (count > 1 && !prefix.is_empty() && first.len() > prefix.len()).then(|| prefix.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names() {
        assert_eq!(
            type_name("realtimekit_GetParticipant"),
            "RealtimekitGetParticipant"
        );
        assert_eq!(type_name("stream_liveInput"), "StreamLiveInput");
        assert_eq!(type_name("stream_live_input"), "StreamLiveInput");
        assert_eq!(type_name("600"), "N600");
        assert_eq!(type_name("Self"), "Self_");
        assert_eq!(type_name("---"), "Value");
    }

    #[test]
    fn field_names() {
        assert_eq!(field_name("user_Id"), "user_id");
        assert_eq!(field_name("sessionId"), "session_id");
        assert_eq!(field_name("type"), "type_");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(
            field_name("5_or_greater_event_fraction"),
            "n5_or_greater_event_fraction"
        );
        assert_eq!(field_name("600"), "n600");
        assert_eq!(field_name("livestream-session-id"), "livestream_session_id");
        assert_eq!(field_name("TLSv1.1"), "tl_sv1_1");
        assert_eq!(field_name("HTTP/1.x"), "http_1_x");
        assert_ne!(field_name("<=1y"), field_name(">1y"));
        assert_eq!(field_name("a b"), "a_b");
        assert_eq!(field_name("requireSignedURLs"), "require_signed_urls");
        assert_eq!(field_name("Cloudflare IPs"), "cloudflare_ips");
        assert_eq!(type_name("Cloudflare IPs"), "CloudflareIps");
        assert_eq!(field_name("HTTPServer"), "http_server");
        assert_eq!(field_name("IDs"), "ids");
        assert_eq!(field_name("é"), "value");
    }

    #[test]
    fn variant_names() {
        assert_eq!(variant_name(""), "Empty");
        assert_eq!(variant_name("in_progress"), "InProgress");
        assert_eq!(variant_name("GROUP_CALL"), "GroupCall");
        assert_eq!(variant_name("1080p"), "N1080p");
        assert_eq!(variant_name("-1"), "Minus1");
        assert_eq!(variant_name("+1"), "Plus1");
        assert_eq!(variant_name("a-b"), "AB");
    }

    #[test]
    fn scope_makes_names_unique() {
        let mut scope = Scope::default();
        assert_eq!(scope.claim("StreamLiveInput".into()), "StreamLiveInput");
        assert_eq!(scope.claim("StreamLiveInput".into()), "StreamLiveInput2");
        assert_eq!(scope.claim("type_".into()), "type_");
        assert_eq!(scope.claim("type_".into()), "type_2");
    }

    #[test]
    fn singulars() {
        assert_eq!(singular("DayStats"), "DayStat");
        assert_eq!(singular("Entries"), "Entry");
        assert_eq!(singular("Addresses"), "Address");
        assert_eq!(singular("Status"), "Status");
        assert_eq!(singular("Access"), "Access");
        assert_eq!(singular("Meeting"), "Meeting");
    }

    #[test]
    fn operation_bases_drop_versions_and_shorten_long_ids() {
        assert_eq!(
            operation_bases("get_v2_meetings", "/v2/meetings"),
            ["GetMeetings", "GetV2Meetings"]
        );
        assert_eq!(
            operation_bases("get_sessions", "/sessions"),
            ["GetSessions"]
        );
        // Too long: the verb and the path's last literal segments, then the id itself.
        let bases = operation_bases(
            "get_v2_livestreamsession_session_meeting_id_active_livestream",
            "/accounts/{account_id}/sessions/{session_id}/livestream-sessions",
        );
        assert_eq!(bases[0], "GetSessionLivestreamSessions");
        assert_eq!(
            bases.last().unwrap(),
            "GetV2LivestreamsessionSessionMeetingIdActiveLivestream"
        );
        assert!(bases.iter().all(|b| !b.is_empty()));
    }

    #[test]
    fn candidates_prefer_the_nearest_name_with_the_least_context() {
        // A property deep inside an operation's response: the operation's base and the
        // property, wrappers (`data`) and the role (`Response`) left out of the context.
        let trail = "GetSessionLivestreamSessions|GetV2LivestreamsessionSessionMeetingIdActiveLivestream/!Response/Data/ErrMessage";
        let names = candidates(trail);
        assert_eq!(names[0], "GetSessionLivestreamSessionsErrMessage");
        assert_eq!(
            names.last().unwrap(),
            "GetV2LivestreamsessionSessionMeetingIdActiveLivestreamResponseDataErrMessage"
        );
        // The operation's own response is named by its base, never its path noun.
        assert_eq!(
            candidates("GetSessions|GetV2Sessions/!Response"),
            ["GetSessionsResponse", "GetV2SessionsResponse"]
        );
        // Enclosing properties are added one by one, nearest first.
        let names = candidates("Preset/Permissions/Media/Video/CanProduce");
        assert_eq!(
            &names[..4],
            [
                "PresetCanProduce",
                "PresetVideoCanProduce",
                "PresetMediaVideoCanProduce",
                "PresetPermissionsMediaVideoCanProduce"
            ]
        );
        // An array's item is the list's singular; a map's value says so.
        assert_eq!(
            candidates("Daywise|GetOrgAnalytics/!Response/Data/RecordingStats/DayStats/#Item")[0],
            "DaywiseDayStat"
        );
        assert_eq!(candidates("Config/Limits/#Value")[0], "ConfigLimitsValue");
        // The `livestream` of `GetLivestream` is the livestream, not the operation's name
        // twice; only for a verb and the very word.
        assert_eq!(
            &candidates("GetLivestream/!Response/Data/Livestream")[..2],
            ["Livestream", "GetLivestreamLivestream"]
        );
        assert_eq!(
            candidates("ListLivestreamSessions/!Response/Data/Livestream")[0],
            "ListLivestreamSessionsLivestream"
        );
        // A union's branch: its title or ordinal word, no bare number.
        assert_eq!(
            candidates("Event/Target/#VariantSecond")[0],
            "EventTargetSecond"
        );
        // A shared parameter: its name, else its component key.
        assert_eq!(
            candidates("SortBy|RecordingSortBy"),
            ["SortBy", "RecordingSortBy"]
        );
    }

    #[test]
    fn candidates_over_forty_characters_come_last() {
        let names = candidates("VideoProducerStats/QualityLimitationDurations");
        assert_eq!(names[0], "QualityLimitationDurations");
        assert_eq!(names[1], "VideoProducerStatsQualityLimitationDurations");
        for trail in [
            "GetSessionLivestreamSessions/!Response/Data/ErrMessage",
            "Preset/Permissions/Media/Video/CanProduce",
        ] {
            let names = candidates(trail);
            let first_long = names.iter().position(|n| n.len() > MAX_PREFERRED_LEN);
            if let Some(first_long) = first_long {
                assert!(
                    names[first_long..]
                        .iter()
                        .all(|n| n.len() > MAX_PREFERRED_LEN || n == names.last().unwrap())
                );
            }
        }
    }

    #[test]
    fn method_names_keep_readable_ids_and_name_path_dumps_by_verb_and_noun() {
        let first = |id: Option<&str>, method, path| method_candidates(id, method, path)[0].clone();
        assert_eq!(
            first(Some("get_all_meetings"), "get", "meetings"),
            "get_all_meetings"
        );
        assert_eq!(
            first(
                Some("get-v2-active-livestream-session-details"),
                "get",
                "livestreams/{livestream_id}/active-livestream-session"
            ),
            "get_active_livestream_session_details"
        );
        assert_eq!(
            first(Some("post-presets"), "post", "presets"),
            "create_preset"
        );
        assert_eq!(
            first(Some("get-presets-preset_id"), "get", "presets/{preset_id}"),
            "get_preset"
        );
        assert_eq!(
            first(
                Some("patch-presets-preset_id"),
                "patch",
                "presets/{preset_id}"
            ),
            "update_preset"
        );
        assert_eq!(
            first(Some("put-presets-preset_id"), "put", "presets/{preset_id}"),
            "replace_preset"
        );
        assert_eq!(
            first(
                Some("delete-presets-preset_id"),
                "delete",
                "presets/{preset_id}"
            ),
            "delete_preset"
        );
        assert_eq!(
            first(
                Some("get-v2-livestreamsession-session-meetingId-active-livestream"),
                "get",
                "sessions/{session_id}/livestream-sessions"
            ),
            "list_session_livestream_sessions"
        );
        assert_eq!(
            first(
                Some("get-v2-meetings-meetingId-active-livestream"),
                "get",
                "meetings/{meeting_id}/active-livestream"
            ),
            "get_meeting_active_livestream"
        );
        assert_eq!(first(None, "get", "customers"), "list_customers");
        // FastAPI's operationIds: the route's name.
        assert_eq!(
            route_name("get_pet_pets__pet_id__get", "get", "/pets/{pet_id}").as_deref(),
            Some("get_pet")
        );
        assert_eq!(
            route_name("list_pets_pets_get", "get", "/pets").as_deref(),
            Some("list_pets")
        );
        assert_eq!(route_name("list_pets", "get", "/pets"), None);
        // An HTTP method before words of its own is a name.
        assert_eq!(
            first(Some("put_macro_words"), "put", "zones/{zone_id}/words"),
            "put_macro_words"
        );
        // Run-together words are left as written.
        assert_eq!(
            first(Some("Createcontentprovenancecheck"), "post", "checks"),
            "createcontentprovenancecheck"
        );
        // Longer forms follow, and the operationId itself last.
        let all = method_candidates(
            Some("get-v2-livestreams-livestream-session-id"),
            "get",
            "livestreams/sessions/{livestream-session-id}",
        );
        assert_eq!(all[0], "get_livestream_session");
        assert_eq!(
            all.last().unwrap(),
            "get_v2_livestreams_livestream_session_id"
        );
        assert!(all.iter().all(|n| !n.is_empty()));
    }

    #[test]
    fn method_names_raise_every_side_of_a_collision() {
        let names = method_names(
            &[
                vec!["get_preset".into(), "get_app_preset".into()],
                vec!["get_preset".into(), "get_org_preset".into()],
                vec!["list_presets".into()],
            ],
            &Scope::default(),
        );
        assert_eq!(names, ["get_app_preset", "get_org_preset", "list_presets"]);
        let prefix = common_path_prefix(["/a/{b}/c", "/a/{b}/d/{e}", "/a/{b}/d", "/x"]);
        assert_eq!(prefix, ("/a/{b}".to_string(), 2));
        assert_eq!(path_after("/a/{b}/c", &prefix), "c");
        assert_eq!(path_after("/x", &prefix), "x");
        assert_eq!(common_path_prefix(["/customers", "/customers/{id}"]).1, 0);
        assert_eq!(common_path_prefix(["/a/{b}/c"]).1, 0);
        assert_eq!(
            method_candidates(
                Some("get_participant_data_from_peer_id"),
                "get",
                "peers/{peer_id}"
            )[0],
            "get_participant_data_from_peer_id"
        );
    }

    #[test]
    fn ordinals_are_words() {
        assert_eq!(ordinal(1), "First");
        assert_eq!(ordinal(20), "Twentieth");
        assert_eq!(ordinal(21), "Nth21");
    }

    #[test]
    fn common_prefixes() {
        assert_eq!(
            common_prefix(["realtimekit_A", "realtimekit_B_c"]).as_deref(),
            Some("realtimekit_")
        );
        assert_eq!(common_prefix(["a_x", "b_y"]), None);
        assert_eq!(common_prefix(["only_one"]), None);
        assert_eq!(
            common_prefix(["p_q_a", "p_q_b", "p_r"]).as_deref(),
            Some("p_")
        );
        assert_eq!(common_prefix(["p_", "p_a"]), None);
    }
}
