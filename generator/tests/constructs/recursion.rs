//! Recursion: a self-recursive team (`parent: Self`, `children: [Self]`) and mutual recursion
//! team → member → team.

use recursion_fixture::types::*;
use serde_json::{Value, json};

fn decode<T: serde::de::DeserializeOwned>(value: &Value) -> T {
    serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{e}\n{value:#}"))
}

fn round_trip<T: serde::Serialize>(decoded: &T, original: &Value) {
    assert_eq!(&serde_json::to_value(decoded).unwrap(), original);
}

#[test]
fn self_recursive_tree() {
    let json = json!({
        "id": 2,
        "slug": "platform",
        "parent": {"id": 1, "slug": "engineering", "parent": {"id": 0, "slug": "company"}},
        "children": [
            {"id": 3, "slug": "runtime", "children": [{"id": 5, "slug": "gc", "children": []}]},
            {"id": 4, "slug": "tooling"}
        ]
    });
    let team: Team = decode(&json);
    assert_eq!(team.slug, "platform");
    let parent = team.parent.as_ref().unwrap();
    assert_eq!(parent.slug, "engineering");
    assert_eq!(parent.parent.as_ref().unwrap().id, 0);
    assert!(parent.parent.as_ref().unwrap().parent.is_none());
    let children = team.children.as_ref().unwrap();
    assert_eq!(children.len(), 2);
    let grandchild = &children[0].children.as_ref().unwrap()[0];
    assert_eq!(grandchild.slug, "gc");
    assert_eq!(grandchild.children.as_deref(), Some(&[][..]));
    assert!(children[1].children.is_none());
    round_trip(&team, &json);
}

#[test]
fn mutual_recursion() {
    let json = json!({
        "login": "octocat",
        "leads": {
            "id": 7,
            "slug": "docs",
            "maintainer": {"login": "hubot", "leads": {"id": 8, "slug": "bots"}},
            "children": [{"id": 9, "slug": "docs-i18n", "maintainer": {"login": "monalisa"}}]
        }
    });
    let member: Member = decode(&json);
    let team = member.leads.as_ref().unwrap();
    assert_eq!(team.slug, "docs");
    let maintainer = team.maintainer.as_ref().unwrap();
    assert_eq!(maintainer.login, "hubot");
    assert_eq!(maintainer.leads.as_ref().unwrap().slug, "bots");
    let child = &team.children.as_ref().unwrap()[0];
    assert_eq!(child.maintainer.as_ref().unwrap().login, "monalisa");
    round_trip(&member, &json);

    let team: Team = decode(&json["leads"]);
    assert_eq!(&team, member.leads.as_ref().unwrap());
}
