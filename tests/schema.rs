//! The JSON Schemas committed under `rules/schema/` are what `tiercheck schema --write` makes
//! from the bundled rules today; a catalog or rule-type change without a regeneration fails here.

// Tests may unwrap and panic: a failure is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;

#[test]
fn committed_schemas_are_fresh() {
    let rules = tiercheck::load_rules(None)
        .unwrap_or_else(|ds| panic!("bundled rules do not load: {ds:?}"));
    let fresh = tiercheck::jsonschema::committed_files(&rules);
    let mut stale = Vec::new();
    for (name, text) in &fresh {
        let path = format!("rules/schema/{name}");
        match std::fs::read_to_string(&path) {
            Ok(committed) if committed == *text => {}
            Ok(_) => stale.push(format!("{path} is stale")),
            Err(_) => stale.push(format!("{path} is missing")),
        }
    }
    let expected: BTreeSet<String> = fresh.iter().map(|(n, _)| n.clone()).collect();
    for e in std::fs::read_dir("rules/schema").unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        if !expected.contains(&name) {
            stale.push(format!("rules/schema/{name} is not generated any more"));
        }
    }
    assert!(
        stale.is_empty(),
        "{}\nregenerate with `cargo run -- schema --write rules/schema`",
        stale.join("\n")
    );
}

#[test]
fn every_catalog_fact_is_in_the_facts_schema() {
    let rules = tiercheck::load_rules(None)
        .unwrap_or_else(|ds| panic!("bundled rules do not load: {ds:?}"));
    let schema = tiercheck::jsonschema::facts_schema(&rules);
    for def in &rules.catalog.facts {
        // `facts:` is the mapping of facts or `~`.
        let mut node = &schema["properties"]["facts"]["anyOf"][0];
        for seg in def.path.split('.') {
            node = &node["properties"][seg];
        }
        assert!(
            node.is_object(),
            "`{}` is not in the facts schema",
            def.path
        );
        if let Some(values) = &def.values {
            let listed = node.to_string();
            for v in values {
                assert!(
                    listed.contains(&format!("\"{v}\"")),
                    "`{}` lacks enum value `{v}`",
                    def.path
                );
            }
        }
    }
}
