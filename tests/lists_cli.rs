//! The lookup commands through the binary: `codes`, `facts`, `completions`, `man`, and the JSON
//! of `explain`, `rules lint` and `rules test` (with `--filter`).

// Tests may unwrap and panic: a failure is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use assert_cmd::Command;
use serde_json::Value;

fn run(args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::cargo_bin("tiercheck")
        .unwrap()
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json(args: &[&str]) -> Value {
    let (code, stdout, stderr) = run(args);
    assert_eq!(code, Some(0), "{stderr}");
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

#[test]
fn codes_lists_every_check_code_with_its_summary() {
    let v = json(&["codes", "--format", "json"]);
    let codes = v["codes"].as_array().unwrap();
    let find = |c: &str| codes.iter().find(|x| x["code"] == c).cloned();
    // A code written in Rust (checks.yaml) and one of the language rules (style.yaml).
    let tier = find("tier-not-computed").expect("tier-not-computed listed");
    assert_eq!(tier["facts"], true);
    assert!(!tier["summary"].as_str().unwrap().is_empty());
    assert!(find("date-preposition").is_some());
    assert_eq!(v["rules"]["from"], "config");

    let (code, text, _) = run(&["codes"]);
    assert_eq!(code, Some(0));
    assert!(text.starts_with("rules: "), "{text}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("tier-not-computed ") && l.contains("needs --facts")),
        "{text}"
    );
    assert!(
        text.trim_end().ends_with(&format!(
            "{} codes; `tiercheck check --explain CODE` documents one",
            codes.len()
        )),
        "{text}"
    );
}

#[test]
fn facts_lists_the_catalog_with_types_and_descriptions() {
    let v = json(&["facts", "--format", "json"]);
    let facts = v["facts"].as_array().unwrap();
    let conv = facts
        .iter()
        .find(|f| f["path"] == "prosecution.convictions")
        .expect("prosecution.convictions listed");
    assert_eq!(conv["type"], "count");
    assert!(!conv["description"].as_str().unwrap().is_empty());
    let (_, text, _) = run(&["facts"]);
    assert!(
        text.lines()
            .any(|l| l.starts_with("prosecution.convictions ") && l.contains("count")),
        "{text}"
    );
}

#[test]
fn completions_and_the_man_page_are_generated_from_the_command_line() {
    let (code, bash, _) = run(&["completions", "bash"]);
    assert_eq!(code, Some(0));
    assert!(bash.contains("_tiercheck()") && bash.contains("--no-config"));
    let (_, zsh, _) = run(&["completions", "zsh"]);
    assert!(zsh.starts_with("#compdef tiercheck"), "{zsh}");
    let (code, man, _) = run(&["man"]);
    assert_eq!(code, Some(0));
    assert!(
        man.contains(".TH tiercheck 1") && man.contains("codes"),
        "{man}"
    );
    let (code, _, stderr) = run(&["completions", "tcsh"]);
    assert_eq!(code, Some(2), "{stderr}");
}

#[test]
fn explain_json_carries_the_trace_and_the_rules_used() {
    let v = json(&[
        "explain",
        "reports/2022/tajikistan.yaml",
        "--format",
        "json",
    ]);
    assert_eq!(v["country"], "Tajikistan");
    assert!(!v["trace"].as_array().unwrap().is_empty());
    assert_eq!(v["rules"]["rules"], "rules");
}

#[test]
fn rules_lint_json_says_valid_with_counts_or_lists_every_error() {
    let v = json(&["rules", "lint", "--format", "json"]);
    assert_eq!(v["valid"], true);
    assert!(v["counts"]["indicators"].as_u64().unwrap() > 0);

    let tmp = tempfile::tempdir().unwrap();
    let (code, stdout, _) = run(&[
        "rules",
        "lint",
        "--format",
        "json",
        "--rules",
        tmp.path().to_str().unwrap(),
    ]);
    assert_eq!(code, Some(2));
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["valid"], false);
    assert!(v["errors"].as_u64().unwrap() > 0);
    assert!(!v["diagnostics"].as_array().unwrap().is_empty());
}

#[test]
fn rules_test_filter_runs_only_the_matching_cases() {
    let v = json(&["rules", "test", "--filter", "STRINGENT", "--format", "json"]);
    let cases = v["cases"].as_array().unwrap();
    assert!(!cases.is_empty());
    assert!(cases.iter().all(|c| c["name"]
        .as_str()
        .unwrap()
        .to_lowercase()
        .contains("stringent")));
    assert_eq!(v["passed"].as_u64().unwrap() as usize, cases.len());
    assert_eq!(v["failed"], 0);

    let (code, _, stderr) = run(&["rules", "test", "--filter", "no case is named this"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("no test case name contains"), "{stderr}");
}
