//! Evidence before verdict (issue 9): every facts file of `tests/evidence/` assesses as
//! `tests/evidence/expected.yaml` says, with the reason written there; `draft` refuses a verdict
//! without evidence (exit 1) unless `--allow-incomplete`, whose notes `check` flags; `explain`
//! names the requirement that failed and the version of a dated rule that applied.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};

use assert_cmd::Command;
use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expected {
    exit: i32,
    #[serde(default)]
    tier: Option<String>,
    #[serde(default)]
    movement: Option<String>,
    #[serde(default)]
    flags: Option<Vec<String>>,
    #[serde(default)]
    tier_rules: Vec<String>,
    #[serde(default)]
    missing_evidence: Option<Vec<String>>,
    #[serde(default)]
    warnings: Option<Vec<String>>,
    #[serde(default)]
    errors: Vec<String>,
    #[serde(default)]
    stderr: Vec<String>,
    reason: String,
}

const DIR: &str = "tests/evidence";

fn tiercheck(args: &[&str]) -> std::process::Output {
    Command::cargo_bin("tiercheck")
        .unwrap()
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap()
}

fn expected() -> BTreeMap<String, Expected> {
    serde_yaml::from_str(&std::fs::read_to_string(format!("{DIR}/expected.yaml")).unwrap()).unwrap()
}

/// The diagnostic codes miette prints as a line of their own.
fn codes(stderr: &str) -> BTreeSet<String> {
    stderr
        .lines()
        .map(str::trim)
        .filter(|l| {
            !l.is_empty()
                && l.chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-' || c.is_ascii_digit())
        })
        .map(str::to_string)
        .collect()
}

#[test]
fn every_evidence_case_assesses_as_its_expectation_says() {
    let mut failures = Vec::new();
    for (name, e) in expected() {
        assert!(!e.reason.trim().is_empty(), "{name}: no reason");
        let path = format!("{DIR}/{name}");
        let out = tiercheck(&["assess", &path, "--format", "json"]);
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        let mut fail = |what: String| failures.push(format!("{name}: {what}\n{stderr}"));
        if out.status.code() != Some(e.exit) {
            fail(format!("exit {:?}, expected {}", out.status.code(), e.exit));
            continue;
        }
        let found = codes(&stderr);
        if e.exit == 2 {
            for c in &e.errors {
                if !found.contains(c) {
                    fail(format!("error `{c}` not reported"));
                }
            }
        } else {
            let a = &serde_json::from_slice::<Value>(&out.stdout).unwrap()[0];
            let mut check = |what: &str, got: Value, want: Value| {
                if got != want {
                    failures.push(format!("{name}: {what}: expected {want}, got {got}"));
                }
            };
            if let Some(t) = &e.tier {
                check("tier", a["tier"].clone(), Value::from(t.as_str()));
            }
            if let Some(m) = &e.movement {
                check("movement", a["movement"].clone(), Value::from(m.as_str()));
            }
            if let Some(f) = &e.flags {
                check(
                    "flags",
                    a["flags"].clone(),
                    serde_json::to_value(f).unwrap(),
                );
            }
            if let Some(m) = &e.missing_evidence {
                let got: Vec<Value> = a["missing_evidence"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| r["requirement"].clone())
                    .collect();
                check(
                    "missing evidence",
                    Value::Array(got),
                    serde_json::to_value(m).unwrap(),
                );
            }
            let applied: Vec<&str> = a["trace"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|t| t["rule"].as_str())
                .collect();
            for r in &e.tier_rules {
                if !applied.contains(&r.as_str()) {
                    failures.push(format!("{name}: tier rule `{r}` not applied: {applied:?}"));
                }
            }
            if let Some(w) = &e.warnings {
                let want: BTreeSet<String> = w.iter().cloned().collect();
                if found != want {
                    failures.push(format!("{name}: warnings {found:?}, expected {want:?}"));
                }
            }
        }
        for s in &e.stderr {
            if !stderr.contains(s.as_str()) {
                failures.push(format!("{name}: `{s}` not on stderr:\n{stderr}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_facts_file_of_the_folder_has_an_expectation() {
    let listed = expected();
    for f in std::fs::read_dir(DIR).unwrap() {
        let name = f.unwrap().file_name().to_string_lossy().to_string();
        if name != "expected.yaml" {
            assert!(listed.contains_key(&name), "{name} has no expectation");
        }
    }
}

#[test]
fn assess_of_a_country_and_year_prints_undetermined_and_the_facts_it_lacks() {
    let out = tiercheck(&["assess", "tests/evidence/country-year-only.yaml"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("tier        Undetermined"), "{text}");
    for fact in [
        "prosecution.investigations",
        "protection.victims_identified",
        "prevention.nap_status",
        "law.criminalizes_sex_trafficking",
    ] {
        assert!(text.contains(fact), "`{fact}` not listed:\n{text}");
    }
    // With the catalog's description.
    assert!(
        text.contains("Trafficking cases the government investigated in the reporting period"),
        "{text}"
    );
}

#[test]
fn draft_refuses_a_verdict_without_evidence_and_lists_what_is_missing() {
    let out = tiercheck(&["draft", "tests/evidence/three-false-facts.yaml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "nothing drafted");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--allow-"), "{err}");
    assert!(err.contains("prosecution.convictions"), "{err}");
    assert!(err.contains("law-enforcement-evidence"), "{err}");
}

#[test]
fn an_incomplete_draft_marks_each_gap_with_a_note_that_check_flags() {
    let dir = tempfile::tempdir().unwrap();
    let draft = dir.path().join("draft.txt");
    let facts = "tests/evidence/three-false-facts.yaml";
    let out = tiercheck(&[
        "draft",
        "--allow-incomplete",
        facts,
        "-o",
        draft.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&draft).unwrap();
    assert!(text.starts_with("Testland (Undetermined)"), "{text}");
    assert!(text.contains("[Writer: law-enforcement-evidence needs prosecution.investigations"));
    let out = tiercheck(&[
        "check",
        draft.to_str().unwrap(),
        "--facts",
        facts,
        "--format",
        "json",
    ]);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let notes: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "drafting-note")
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    // The undetermined verdict, each missing requirement, no recommendation, no profile.
    assert!(notes.len() >= 8, "{notes:#?}");
    assert!(
        notes.iter().any(|n| n.contains("law-enforcement-evidence")),
        "{notes:#?}"
    );
    for d in report["diagnostics"].as_array().unwrap() {
        assert_ne!(d["severity"], "error", "{d}");
    }
}

#[test]
fn explain_names_the_failed_requirement_and_the_version_that_applied() {
    let out = tiercheck(&["explain", "tests/evidence/country-year-only.yaml"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("requirement `law-enforcement-evidence`"),
        "{text}"
    );
    assert!(
        text.contains("missing `prosecution.investigations`"),
        "{text}"
    );

    let out = tiercheck(&[
        "explain",
        "tests/evidence/policy-or-pattern-after-waiver.yaml",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("rule `policy-or-pattern-to-tier-3` (version 2019-)"),
        "{text}"
    );
    assert!(text.contains("§110(b)(3)(B)"), "{text}");
}
