//! The bundled check rules: they load, every language rule's examples behave as documented, and
//! rules/checks.yaml documents exactly the codes the Rust check kinds emit.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use tiercheck::check::{rust_codes, CheckRules};
use tiercheck::rulebook::{RuleFiles, Rulebook};

fn rules() -> CheckRules {
    let files = RuleFiles::bundled().expect("bundled rules read");
    let rb = Rulebook::from_files(files.clone()).ok();
    match CheckRules::load(&files, rb.as_ref()) {
        Ok(r) => r,
        Err(ds) => panic!(
            "{:?}",
            ds.iter()
                .map(|d| format!("{}: {}", d.code, d.message))
                .collect::<Vec<_>>()
        ),
    }
}

#[test]
fn every_language_rule_flags_its_bad_examples_and_not_its_good_ones() {
    let r = rules();
    assert!(r.style.rules.len() >= 5);
    for rule in &r.style.rules {
        for bad in &rule.examples.bad {
            assert!(
                !rule.find(&[(bad.as_str(), 0)]).is_empty(),
                "`{}` should flag: {bad}",
                rule.id
            );
        }
        for good in &rule.examples.good {
            let hits = rule.find(&[(good.as_str(), 0)]);
            assert!(
                hits.is_empty(),
                "`{}` should not flag: {good} ({hits:?})",
                rule.id
            );
        }
    }
}

#[test]
fn checks_yaml_documents_exactly_the_rust_codes() {
    let r = rules();
    let style: BTreeSet<&str> = r.style.rules.iter().map(|s| s.id.as_str()).collect();
    let documented: BTreeSet<&str> = r.docs.codes().filter(|c| !style.contains(c)).collect();
    let emitted: BTreeSet<&str> = rust_codes().into_iter().collect();
    assert_eq!(documented, emitted);
    for code in emitted {
        assert!(r.docs.explain(code).is_some_and(|t| t.contains(code)));
    }
}

#[test]
fn claim_patterns_name_only_catalog_facts() {
    // CheckRules::load with a rulebook rejects unknown fact paths; loading is the assertion.
    let files = RuleFiles::bundled().expect("bundled rules read");
    let rb = Rulebook::from_files(files.clone()).expect("bundled rulebook is valid");
    assert!(CheckRules::load(&files, Some(&rb)).is_ok());
}

#[test]
fn a_help_that_is_neither_text_nor_cases_is_located_at_its_value() {
    let mut files = RuleFiles::bundled().expect("bundled rules read");
    let name = "checks.yaml";
    let text = files.get(name).unwrap().text.replacen(
        "    help: 'the intro states the tier, the trend, the efforts and the key gaps'",
        "    help: [a, b]",
        1,
    );
    assert!(text.contains("help: [a, b]"));
    files.files.insert(
        name.to_string(),
        tiercheck::source::SourceFile::new(format!("rules/{name}"), text.clone()),
    );
    let Err(ds) = CheckRules::load(&files, None) else {
        panic!("a list as a help must not load");
    };
    let d = &ds[0];
    assert!(
        d.message
            .contains("expected a text, or a mapping of case names to texts"),
        "{}",
        d.message
    );
    let line = text[..text.find("help: [a, b]").unwrap()]
        .matches('\n')
        .count()
        + 1;
    assert_eq!(d.line_cols().map(|l| l.0), Some(line), "{}", d.message);
}
