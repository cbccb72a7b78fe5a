//! `check` on fixture drafts: every `tests/check/<name>.txt` is checked (text only, bundled
//! rules) and its diagnostics must equal `tests/check/<name>.expected.yaml` (code, severity,
//! line, column). Each fixture is the clean draft with one injected inconsistency.
//! `TIERCHECK_BLESS=1 cargo test` writes missing or changed expectation files.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::BTreeMap;
use std::path::PathBuf;

use support::{args, compare_with_expectations, diagnostics, drafts, is_clean, Expected};

fn fixtures() -> Vec<PathBuf> {
    drafts("check")
}

/// Every fixture checked in one run, the findings grouped by draft.
fn by_file() -> BTreeMap<PathBuf, Vec<Expected>> {
    support::by_file(&fixtures(), &[])
}

#[test]
fn every_fixture_gives_exactly_its_expected_diagnostics() {
    let all = by_file();
    assert!(all.len() >= 20, "the fixture folder lost its drafts");
    let failures = compare_with_expectations(all);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn clean_drafts_in_every_accepted_shape_have_no_findings() {
    let all = by_file();
    let clean: Vec<_> = all.iter().filter(|(p, _)| is_clean(p)).collect();
    assert!(clean.len() >= 3);
    for (draft, ds) in clean {
        assert!(ds.is_empty(), "{}: {ds:?}", draft.display());
    }
}

#[test]
fn injected_fixtures_each_have_a_finding_named_like_the_fixture() {
    // The fixture's name is the code it injects (`<code>` or `<code>--<variant>`), unless it
    // tests style warnings or suppressions; the finding has the code's documented severity.
    let docs = support::documented_severities();
    for (draft, ds) in by_file() {
        let name = draft
            .file_stem()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        if name.starts_with("clean")
            || name.starts_with("style")
            || name.starts_with("suppress")
            || name == "opener-missing"
        {
            continue;
        }
        let code = name.split("--").next().unwrap_or_default().to_string();
        let severity = docs
            .get(&code)
            .unwrap_or_else(|| panic!("{name}: `{code}` is not a documented check code"));
        assert!(
            ds.iter().any(|d| d.code == code && &d.severity == severity),
            "{name}: expected a {severity} `{code}`, found {ds:?}"
        );
    }
}

#[test]
fn json_output_is_sorted_and_summarised() {
    let ds = diagnostics(&args(fixtures(), &[]));
    let keys: Vec<(String, u64, u64)> = ds
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap_or_default().to_string(),
                d["line"].as_u64().unwrap_or_default(),
                d["column"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    for d in &ds {
        for field in [
            "file",
            "code",
            "severity",
            "message",
            "line",
            "column",
            "end_line",
            "end_column",
            "help",
        ] {
            assert!(d.get(field).is_some(), "missing `{field}` in {d}");
        }
        let m = d["message"].as_str().unwrap_or_default();
        assert!(!m.ends_with('.'), "message ends with a period: {m}");
        assert!(
            !m.starts_with(char::is_uppercase),
            "message starts with a capital: {m}"
        );
    }
}
