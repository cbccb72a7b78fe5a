//! CLI transcripts of `check` and `extract`: arguments, output and exit codes (0 clean,
//! 1 error findings, 2 could not run).

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/check")
        .join(name)
}

fn tiercheck() -> Command {
    Command::cargo_bin("tiercheck").expect("the binary builds")
}

#[test]
fn clean_draft_exits_zero_with_a_summary() {
    tiercheck()
        .arg("check")
        .arg(fixture("clean.txt"))
        .assert()
        .code(0)
        .stdout(predicate::str::contains("clean.txt: 0 errors, 0 warnings"))
        .stdout(predicate::str::contains(
            "checked 1 draft: 0 errors, 0 warnings",
        ));
}

#[test]
fn draft_with_an_error_exits_one_and_points_at_it() {
    tiercheck()
        .env("NO_COLOR", "1")
        .arg("check")
        .arg(fixture("trend-word-mismatch.txt"))
        .assert()
        .code(1)
        .stdout(predicate::str::contains("trend-word-mismatch"))
        .stdout(predicate::str::contains("trend-word-mismatch.txt:17:190"))
        .stdout(predicate::str::contains("1 error, 0 warnings"));
}

#[test]
fn warnings_alone_exit_zero() {
    tiercheck()
        .arg("check")
        .arg(fixture("style-warnings.txt"))
        .assert()
        .code(0);
}

#[test]
fn missing_draft_exits_two_with_a_message() {
    tiercheck()
        .arg("check")
        .arg("no/such/draft.txt")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read `no/such/draft.txt`"));
}

#[test]
fn unknown_code_in_select_exits_two_with_a_suggestion() {
    tiercheck()
        .args(["check", "--select", "tier-mismatc"])
        .arg(fixture("clean.txt"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `tier-mismatch`?"));
}

#[test]
fn ignore_drops_a_code_and_select_keeps_only_a_kind() {
    tiercheck()
        .args(["check", "--ignore", "trend-word-mismatch"])
        .arg(fixture("trend-word-mismatch.txt"))
        .assert()
        .code(0);
    tiercheck()
        .args(["check", "--select", "style", "--format", "json"])
        .arg(fixture("tier-mismatch.txt"))
        .assert()
        .code(0)
        .stdout(predicate::str::contains("\"diagnostics\": []"));
}

#[test]
fn explain_prints_the_documentation_of_a_code() {
    tiercheck()
        .args(["check", "--explain", "exchange-rate-mismatch"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "exchange-rate-mismatch  (money, error)",
        ));
    tiercheck()
        .args(["check", "--explain", "date-preposition"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("(style, warning)"));
    tiercheck()
        .args(["check", "--explain", "no-such-code"])
        .assert()
        .code(2);
}

#[test]
fn sarif_output_has_a_rules_table_and_located_results() {
    let out = tiercheck()
        .args(["check", "--format", "sarif"])
        .arg(fixture("tier-mismatch.txt"))
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).expect("SARIF is JSON");
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    let rules = run["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules table");
    assert!(rules.iter().any(|r| r["id"] == "tier-mismatch"));
    let result = &run["results"][0];
    assert_eq!(result["ruleId"], "tier-mismatch");
    assert_eq!(result["level"], "error");
    let region = &result["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 5);
    assert_eq!(region["startColumn"], 282);
    let index = result["ruleIndex"].as_u64().expect("rule index") as usize;
    assert_eq!(rules[index]["id"], "tier-mismatch");
}

#[test]
fn a_folder_of_drafts_gets_a_summary_per_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    for name in ["clean.txt", "tier-mismatch.txt"] {
        std::fs::copy(fixture(name), dir.path().join(name)).expect("copy");
    }
    tiercheck()
        .arg("check")
        .arg(dir.path())
        .assert()
        .code(1)
        .stdout(predicate::str::contains("clean.txt: 0 errors, 0 warnings"))
        .stdout(predicate::str::contains(
            "tier-mismatch.txt: 1 error, 0 warnings",
        ))
        .stdout(predicate::str::contains(
            "checked 2 drafts: 1 error, 0 warnings",
        ));
}

#[test]
fn sidecar_file_suppresses_and_reports_its_unused_entries() {
    let dir = tempfile::tempdir().expect("temp dir");
    let draft = dir.path().join("draft.txt");
    std::fs::copy(fixture("trend-word-mismatch.txt"), &draft).expect("copy");
    std::fs::write(
        dir.path().join("draft.txt.tiercheck.yaml"),
        "ignore:\n  - { code: trend-word-mismatch, line: 17, reason: the figures are provisional }\n  - { code: tier-mismatch, reason: old }\n",
    )
    .expect("write sidecar");
    tiercheck()
        .args(["check", "--format", "json"])
        .arg(&draft)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("trend-word-mismatch").not())
        .stdout(predicate::str::contains(
            "suppression of `tier-mismatch` matches no finding",
        ));
}

#[test]
fn extract_writes_a_facts_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("freedonia.yaml");
    tiercheck()
        .arg("extract")
        .arg(fixture("clean.txt"))
        .arg("-o")
        .arg(&out)
        .assert()
        .code(0);
    let text = std::fs::read_to_string(&out).expect("written");
    let v: serde_yaml::Value = serde_yaml::from_str(&text).expect("YAML");
    assert_eq!(v["country"].as_str(), Some("Freedonia"));
    assert_eq!(v["year"].as_i64(), Some(2023));
    assert_eq!(
        v["facts"]["prosecution"]["investigations"]["value"].as_u64(),
        Some(30)
    );
    assert_eq!(
        v["facts"]["prosecution"]["investigations"]["previous"].as_u64(),
        Some(25)
    );
    assert_eq!(
        v["facts"]["protection"]["victims_referred"]["value"].as_u64(),
        Some(35)
    );
}

#[test]
fn extract_of_a_missing_file_exits_two() {
    tiercheck()
        .args(["extract", "no/such.txt"])
        .assert()
        .code(2);
}
