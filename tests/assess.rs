#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Every bundled facts file assesses to the outcome it was written to exercise
//! (`tests/expected-outcomes.yaml`), and the JSON contract of `assess --format json` holds.

use std::collections::BTreeMap;
use std::path::Path;

use assert_cmd::Command;
use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expected {
    tier: String,
    movement: String,
    flags: Vec<String>,
    #[serde(default)]
    pillars: Vec<String>,
    #[serde(default)]
    consecutive_years: Option<i64>,
    #[serde(default)]
    key_gaps: Vec<String>,
    /// The evidence requirements an undetermined verdict lacks.
    #[serde(default)]
    missing_evidence: Vec<String>,
}

/// `assess --format json`; exit 1 exactly when some file's verdict lacks evidence.
fn assess_json(files: &[&str]) -> Value {
    let out = Command::cargo_bin("tiercheck")
        .unwrap()
        .arg("assess")
        .args(files)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)));
    let undetermined = v
        .as_array()
        .unwrap()
        .iter()
        .any(|a| !a["missing_evidence"].as_array().unwrap().is_empty());
    assert_eq!(
        out.status.code(),
        Some(if undetermined { 1 } else { 0 }),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    v
}

#[test]
fn every_bundled_facts_file_reaches_its_intended_outcome() {
    let text = std::fs::read_to_string("tests/expected-outcomes.yaml").unwrap();
    let expected: BTreeMap<String, Expected> = serde_yaml::from_str(&text).unwrap();
    let files: Vec<&str> = expected.keys().map(String::as_str).collect();
    let all = assess_json(&files);
    let all = all.as_array().unwrap();
    assert_eq!(
        all.len(),
        files.len(),
        "one object per file, in argument order"
    );
    let mut failures = Vec::new();
    for (a, (file, e)) in all.iter().zip(&expected) {
        assert_eq!(a["file"], *file);
        let mut check = |what: &str, got: Value, want: Value| {
            if got != want {
                failures.push(format!("{file}: {what}: expected {want}, got {got}"));
            }
        };
        check("tier", a["tier"].clone(), e.tier.clone().into());
        check("movement", a["movement"].clone(), e.movement.clone().into());
        let missing: Vec<Value> = a["missing_evidence"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["requirement"].clone())
            .collect();
        check(
            "missing evidence",
            Value::Array(missing),
            serde_json::to_value(&e.missing_evidence).unwrap(),
        );
        check(
            "flags",
            a["flags"].clone(),
            serde_json::to_value(&e.flags).unwrap(),
        );
        if !e.pillars.is_empty() {
            let got: Vec<Value> = ["prosecution", "protection", "prevention"]
                .iter()
                .map(|p| a["pillars"][p]["trend"].clone())
                .collect();
            check(
                "pillars",
                Value::Array(got),
                serde_json::to_value(&e.pillars).unwrap(),
            );
        }
        if let Some(n) = e.consecutive_years {
            check(
                "consecutive_years",
                a["consecutive_years"].clone(),
                n.into(),
            );
        }
        let key_gaps: Vec<&str> = a["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["kind"] == "key_gap")
            .map(|f| f["id"].as_str().unwrap())
            .collect();
        for k in &e.key_gaps {
            if !key_gaps.contains(&k.as_str()) {
                failures.push(format!("{file}: key gap `{k}` missing from {key_gaps:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_facts_file_in_reports_is_listed_in_the_expectations() {
    let text = std::fs::read_to_string("tests/expected-outcomes.yaml").unwrap();
    let expected: BTreeMap<String, serde_yaml::Value> = serde_yaml::from_str(&text).unwrap();
    for year in std::fs::read_dir("reports").unwrap() {
        for f in std::fs::read_dir(year.unwrap().path()).unwrap() {
            let p = f.unwrap().path();
            let name = p.display().to_string();
            assert!(
                expected.contains_key(&name),
                "{name} has no expected outcome"
            );
        }
    }
}

#[test]
fn json_contract_fields_are_present() {
    let a = &assess_json(&["reports/2022/tajikistan.yaml"])[0];
    for key in [
        "country",
        "year",
        "tier",
        "previous_tier",
        "movement",
        "pillars",
        "criteria",
        "findings",
        "trace",
    ] {
        assert!(a.get(key).is_some(), "missing `{key}`");
    }
    assert_eq!(a["country"], "Tajikistan");
    assert_eq!(a["year"], 2022);
    assert_eq!(a["previous_tier"], "2");
    for c in a["criteria"].as_array().unwrap() {
        for key in ["id", "citation", "status", "score"] {
            assert!(c.get(key).is_some(), "criterion without `{key}`");
        }
        assert!(c["citation"].as_str().unwrap().contains("108(b)"));
    }
    assert_eq!(a["criteria"].as_array().unwrap().len(), 12);
    for f in a["findings"].as_array().unwrap() {
        let kind = f["kind"].as_str().unwrap();
        assert!(["strength", "gap", "key_gap"].contains(&kind));
        assert!(!f["text"].as_str().unwrap().is_empty());
        assert!(!f["citation"].as_str().unwrap().is_empty());
    }
}

#[test]
fn output_is_byte_identical_across_runs() {
    let run = || {
        Command::cargo_bin("tiercheck")
            .unwrap()
            .args(["assess", "reports/2022", "--format", "json"])
            .output()
            .unwrap()
            .stdout
    };
    assert_eq!(run(), run());
}

#[test]
fn explain_names_the_deciding_rule_the_firing_indicators_and_their_values() {
    let out = Command::cargo_bin("tiercheck")
        .unwrap()
        .args(["explain", "reports/2022/tajikistan.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("rule `significant-efforts`"), "{text}");
    assert!(text.contains("no-convictions"), "{text}");
    assert!(text.contains("prosecution.convictions = 0"), "{text}");
    assert!(text.contains("§108(b)(1)"), "{text}");
    assert!(text.contains("§110(b)"), "{text}");
}

#[test]
fn previous_period_comes_from_last_years_file() {
    // reports/2021/veloria.yaml exists: its current values are 2022's previous values.
    let a = &assess_json(&["reports/2022/veloria.yaml"])[0];
    let last_year = &assess_json(&["reports/2021/veloria.yaml"])[0];
    assert!(Path::new("reports/2021/veloria.yaml").exists());
    let this = &a["facts"]["prosecution"]["investigations"];
    let last = &last_year["facts"]["prosecution"]["investigations"];
    assert_eq!(this["previous_status"], "value");
    assert_eq!(this["previous"], last["value"]);
}

/// `tiercheck assess ... | head` closes the pipe early: the process ends quietly, no panic.
#[test]
fn a_closed_output_pipe_ends_quietly() {
    use std::io::Read;
    use std::process::{Command as Std, Stdio};
    let mut child = Std::new(assert_cmd::cargo::cargo_bin("tiercheck"))
        .args(["assess", "reports/", "--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // The reader is dropped here; the output (over 1 MB) cannot have fit in the pipe.
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
}

#[test]
fn rule_texts_are_checked_against_the_names_their_context_gives() {
    // `rules lint` refuses a text reading any other name (render::TEXT_VARIABLES): the list
    // must be what evaluation hands the texts.
    let rules = tiercheck::load_rules(None).unwrap();
    let facts =
        tiercheck::facts::Facts::load(Path::new("reports/2022/tajikistan.yaml"), &rules).unwrap();
    let context = tiercheck::evaluate::text_context(&rules, &facts);
    let mut given: Vec<&str> = context
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut checked = tiercheck::render::TEXT_VARIABLES.to_vec();
    given.sort_unstable();
    checked.sort_unstable();
    assert_eq!(given, checked);
}
