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

/// `realtimekit_GetParticipant` → `RealtimekitGetParticipant`.
pub fn type_name(raw: &str) -> String {
    finish(spell_symbols(raw).to_pascal_case(), "Value")
}

/// `user_Id` → `user_id`, `type` → `type_`, `5_or_more` → `n5_or_more`.
pub fn field_name(raw: &str) -> String {
    finish(spell_symbols(raw).to_snake_case(), "value")
}

/// An enum variant for a string value: `in_progress` → `InProgress`, `""` → `Empty`.
pub fn variant_name(raw: &str) -> String {
    if raw.is_empty() {
        return "Empty".to_string();
    }
    finish(spell_symbols(raw).to_pascal_case(), "Value")
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
