//! `check` and `extract` on the published Tajikistan 2022 narrative, read from
//! `../shared/domain/tajikistan-2022.txt` (never copied into this repository). Every test skips
//! cleanly when that file is absent. Injected inconsistencies are applied in memory, written to a
//! temporary folder, and must be caught at the line and column of the injected text.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

mod support;

use support::diagnostics as run_json;
use tiercheck::cli::RulesArg;
use tiercheck::commands::extract::{self, ExtractArgs, ExtractFormat};

fn narrative() -> Option<String> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/domain/tajikistan-2022.txt");
    match std::fs::read_to_string(&p) {
        Ok(t) => Some(t),
        Err(_) => {
            eprintln!("skipped: {} is absent", p.display());
            None
        }
    }
}

fn facts_file() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("reports/2022/tajikistan.yaml")
}

fn check_json(draft: &Path, facts: Option<PathBuf>) -> Vec<serde_json::Value> {
    let mut args = support::args(vec![draft.to_path_buf()], &[]);
    args.facts = facts;
    run_json(&args)
}

fn codes(ds: &[serde_json::Value], severity: &str) -> Vec<String> {
    ds.iter()
        .filter(|d| d["severity"] == severity)
        .map(|d| d["code"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// 1-based line and column (in characters) of the first occurrence of `needle`.
fn line_col(text: &str, needle: &str) -> (u64, u64) {
    let at = text.find(needle).expect("needle present");
    let before = &text[..at];
    let line = before.matches('\n').count() as u64 + 1;
    let col = before[before.rfind('\n').map_or(0, |i| i + 1)..]
        .chars()
        .count() as u64
        + 1;
    (line, col)
}

fn write(dir: &Path, text: &str) -> PathBuf {
    let p = dir.join("tajikistan-2022.txt");
    std::fs::write(&p, text).expect("writable temp dir");
    p
}

#[test]
fn published_narrative_has_no_errors_and_its_slips_are_warnings() {
    let Some(text) = narrative() else { return };
    let dir = tempfile::tempdir().expect("temp dir");
    let draft = write(dir.path(), &text);
    for facts in [None, Some(facts_file())] {
        let ds = check_json(&draft, facts.clone());
        assert!(
            codes(&ds, "error").is_empty(),
            "errors with facts {facts:?}: {ds:#?}"
        );
        let warnings: Vec<(String, u64, u64)> = ds
            .iter()
            .filter(|d| d["severity"] == "warning")
            .map(|d| {
                (
                    d["code"].as_str().unwrap_or_default().to_string(),
                    d["line"].as_u64().unwrap_or_default(),
                    d["column"].as_u64().unwrap_or_default(),
                )
            })
            .collect();
        for (code, needle) in [
            ("stray-preposition", "for of"),
            ("date-preposition", "On February 2022"),
            ("broken-hyphen", "re- entering"),
        ] {
            let (line, col) = line_col(&text, needle);
            assert!(
                warnings.contains(&(code.to_string(), line, col)),
                "`{needle}` should be a `{code}` warning at {line}:{col}; found {warnings:?}"
            );
        }
        if facts.is_none() {
            assert_eq!(warnings.len(), 3, "text-only warnings: {warnings:?}");
        }
    }
}

/// (what to replace, replacement, expected error code, where the error points: a needle in the
/// changed text).
const INJECTIONS: &[(&str, &str, &str, &str)] = &[
    (
        "prosecuted 14 trafficking cases",
        "prosecuted 15 trafficking cases",
        "count-mismatch",
        "15 trafficking cases",
    ),
    (
        "prosecuted 14 trafficking cases",
        "prosecuted 15 trafficking cases",
        "count-mismatch",
        ", the same number as",
    ),
    (
        "the same number as were prosecuted in 2020",
        "the same number as the 12 prosecuted in 2020",
        "trend-word-mismatch",
        ", the same number as",
    ),
    (
        "The government decreased anti-trafficking",
        "The government increased anti-trafficking",
        "opener-trend-mismatch",
        "The government increased anti-trafficking",
    ),
    (
        "for the fourth consecutive year, authorities",
        "for the third consecutive year, authorities",
        "counter-mismatch",
        "for the third consecutive year",
    ),
    (
        "for the fourth consecutive year, authorities",
        "for the third consecutive year, authorities",
        "counter-inconsistent",
        "for the third consecutive year",
    ),
    (
        "therefore Tajikistan remained on Tier 2",
        "therefore Tajikistan was upgraded to Tier 2",
        "movement-history",
        "was upgraded to Tier 2",
    ),
    (
        "somoni ($22,490)",
        "somoni ($32,490)",
        "exchange-rate-mismatch",
        "32,490",
    ),
    (
        "somoni ($22,490)",
        "somoni ($32,490)",
        "amount-mismatch",
        "32,490",
    ),
    (
        "identified 15 victims",
        "identified 12 victims",
        "count-mismatch",
        "12 victims",
    ),
    (
        "identified 15 victims and referred them all",
        "identified 12 victims and referred 14",
        "count-exceeds-bound",
        "14 to an",
    ),
    (
        "a significant decrease from 26 convictions",
        "a significant increase from 26 convictions",
        "trend-word-mismatch",
        ", a significant increase from",
    ),
    (
        "The government operated a 24-hour hotline",
        "The government did not operate a hotline",
        "statement-mismatch",
        "did not operate a hotline",
    ),
    (
        "Tajikistan (Tier 2)",
        "Tajikistan (Tier 2 Watch List)",
        "tier-mismatch",
        "Tier 2. These",
    ),
];

#[test]
fn injected_inconsistencies_are_errors_at_the_injected_text() {
    let Some(text) = narrative() else { return };
    let dir = tempfile::tempdir().expect("temp dir");
    // One draft per injection, all checked in one run against the same facts file.
    let mut cases = Vec::new();
    for (i, (from, to, code, needle)) in INJECTIONS.iter().enumerate() {
        assert!(
            text.contains(from),
            "the narrative changed: `{from}` is gone"
        );
        let changed = text.replacen(from, to, 1);
        let sub = dir.path().join(format!("case{i:02}"));
        std::fs::create_dir(&sub).expect("temp dir");
        let draft = write(&sub, &changed);
        cases.push((draft, line_col(&changed, needle), *from, *to, *code));
    }
    let mut args = support::args(cases.iter().map(|c| c.0.clone()).collect(), &[]);
    args.facts = Some(facts_file());
    let ds = run_json(&args);
    let mut failures = Vec::new();
    for (draft, (line, col), from, to, code) in &cases {
        let name = draft.display().to_string();
        let mine: Vec<&serde_json::Value> =
            ds.iter().filter(|d| d["file"] == name.as_str()).collect();
        let hit = mine.iter().any(|d| {
            d["code"] == *code
                && d["severity"] == "error"
                && d["line"] == *line
                && d["column"] == *col
        });
        if !hit {
            let got: Vec<String> = mine
                .iter()
                .map(|d| format!("{} {}:{}", d["code"], d["line"], d["column"]))
                .collect();
            failures.push(format!(
                "`{from}` -> `{to}`: expected `{code}` at {line}:{col}, found {got:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn extract_agrees_with_the_facts_file_on_every_figure_it_reads() {
    let Some(text) = narrative() else { return };
    let dir = tempfile::tempdir().expect("temp dir");
    let draft = write(dir.path(), &text);
    let args = ExtractArgs {
        narrative: draft,
        output: None,
        format: ExtractFormat::Json,
        year: None,
        rules: RulesArg::default(),
    };
    let out = extract::execute(&args).expect("extract runs");
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["stated"]["tier"], "2");
    assert_eq!(v["stated"]["movement"], "remained");
    assert_eq!(v["facts"]["year"], 2022);
    let facts_text = std::fs::read_to_string(facts_file()).expect("facts file");
    let want: serde_json::Value = serde_yaml::from_str(&facts_text).expect("facts YAML");
    let got = &v["facts"]["facts"];
    let mut compared = 0;
    for (group, members) in got.as_object().expect("facts are grouped") {
        for (name, value) in members.as_object().expect("a group is a map") {
            let expected = &want["facts"][group][name];
            // A bare value read from the draft is the current value of a `{value, previous}` fact.
            let expected = match (
                value.get("value").or(value.get("previous")),
                expected.get("value"),
            ) {
                (None, Some(current)) if !value.is_object() || value.get("amount").is_some() => {
                    current
                }
                _ => expected,
            };
            match (value.get("previous"), value.get("value")) {
                (Some(_), _) | (_, Some(_)) => {
                    for k in ["value", "previous"] {
                        if let Some(v) = value.get(k) {
                            assert_eq!(
                                Some(v),
                                expected.get(k),
                                "`{group}.{name}.{k}` differs from the facts file"
                            );
                        }
                    }
                }
                _ => assert_eq!(
                    value, expected,
                    "`{group}.{name}` differs from the facts file"
                ),
            }
            compared += 1;
        }
    }
    assert!(compared >= 15, "only {compared} facts read");
}
