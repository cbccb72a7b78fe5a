//! `check` on fixture drafts: every `tests/check/<name>.txt` is checked (text only, bundled
//! rules) and its diagnostics must equal `tests/check/<name>.expected.yaml` (code, severity,
//! line, column). Each fixture is the clean draft with one injected inconsistency.
//! `TIERCHECK_BLESS=1 cargo test` writes missing or changed expectation files.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tiercheck::cli::RulesArg;
use tiercheck::commands::check::{execute, CheckArgs, CheckFormat};

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Expected {
    code: String,
    severity: String,
    line: usize,
    column: usize,
}

fn args(drafts: Vec<PathBuf>, facts: Option<PathBuf>) -> CheckArgs {
    CheckArgs {
        drafts,
        facts,
        rules: RulesArg { rules: None },
        format: CheckFormat::Json,
        select: Vec::new(),
        ignore: Vec::new(),
        explain: None,
        watch: false,
    }
}

fn diagnostics(args: &CheckArgs) -> Vec<serde_json::Value> {
    let (text, _) = match execute(args) {
        Ok(ok) => ok,
        Err(ds) => panic!(
            "check could not run: {:?}",
            ds.iter().map(|d| &d.message).collect::<Vec<_>>()
        ),
    };
    let v: serde_json::Value = serde_json::from_str(&text).expect("check prints JSON");
    v["diagnostics"].as_array().cloned().unwrap_or_default()
}

fn found(ds: &[serde_json::Value]) -> Vec<Expected> {
    ds.iter()
        .map(|d| Expected {
            code: d["code"].as_str().unwrap_or_default().to_string(),
            severity: d["severity"].as_str().unwrap_or_default().to_string(),
            line: d["line"].as_u64().unwrap_or_default() as usize,
            column: d["column"].as_u64().unwrap_or_default() as usize,
        })
        .collect()
}

/// Check every fixture in one run (rules load once) and group the findings by file name.
fn by_file() -> std::collections::BTreeMap<PathBuf, Vec<Expected>> {
    let all = fixtures();
    let ds = diagnostics(&args(all.clone(), None));
    let mut out: std::collections::BTreeMap<PathBuf, Vec<Expected>> =
        all.iter().map(|p| (p.clone(), Vec::new())).collect();
    for d in &ds {
        let file = PathBuf::from(d["file"].as_str().unwrap_or_default());
        out.entry(file)
            .or_default()
            .extend(found(std::slice::from_ref(d)));
    }
    out
}

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/check");
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/check exists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    out.sort();
    out
}

#[test]
fn every_fixture_gives_exactly_its_expected_diagnostics() {
    let bless = std::env::var_os("TIERCHECK_BLESS").is_some();
    let mut failures = Vec::new();
    let all = by_file();
    assert!(all.len() >= 20, "the fixture folder lost its drafts");
    for (draft, actual) in all {
        let expected_path = draft.with_extension("expected.yaml");
        let expected: Option<Vec<Expected>> = std::fs::read_to_string(&expected_path)
            .ok()
            .map(|t| serde_yaml::from_str(&t).expect("expectation files are YAML lists"));
        if expected.as_ref() != Some(&actual) {
            if bless {
                let text = serde_yaml::to_string(&actual).expect("serializable");
                std::fs::write(&expected_path, text).expect("writable");
            } else {
                failures.push(format!(
                    "{}:\n  expected {expected:?}\n  found    {actual:?}",
                    draft.display()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn clean_drafts_in_every_accepted_shape_have_no_findings() {
    let all = by_file();
    let clean: Vec<_> = all
        .iter()
        .filter(|(p, _)| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("clean"))
        })
        .collect();
    assert!(clean.len() >= 3);
    for (draft, ds) in clean {
        assert!(ds.is_empty(), "{}: {ds:?}", draft.display());
    }
}

#[test]
fn injected_fixtures_each_have_an_error_named_like_the_fixture() {
    // The fixture's name is the code it injects, unless it tests warnings or suppressions.
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
        let code = if name == "parts-this-included" {
            "parts-exceed-whole".to_string()
        } else {
            name.clone()
        };
        assert!(
            ds.iter().any(|d| d.code == code && d.severity == "error"),
            "{name}: expected an error `{code}`, found {ds:?}"
        );
    }
}

#[test]
fn json_output_is_sorted_and_summarised() {
    let ds = diagnostics(&args(fixtures(), None));
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
