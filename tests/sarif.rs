//! `check --format sarif` as real clients read it: valid against the official SARIF 2.1.0 schema
//! (vendored in `tests/schemas/`, no network), with what GitHub code scanning requires, URIs
//! relative to `%SRCROOT%`, UTF-16 columns, stable and distinct fingerprints, suppressions with
//! their reason, and a complete log when an input cannot be read (exit 2).

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Run `check --format sarif` with `args` in `cwd`; the log and the exit code.
fn sarif(cwd: &Path, args: &[&str]) -> (Value, i32) {
    let out = Command::cargo_bin("tiercheck")
        .unwrap()
        .current_dir(cwd)
        .args(["check", "--format", "sarif"])
        .args(args)
        .output()
        .unwrap();
    let log: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (log, out.status.code().unwrap_or(-1))
}

fn validate(log: &Value) {
    let text = std::fs::read_to_string(crate_dir().join("tests/schemas/sarif-2.1.0.json")).unwrap();
    let mut schema: Value = serde_json::from_str(&text).unwrap();
    // The official schema's `language` pattern (of `run` and `toolComponent`) has a stray `]`
    // that the validator's meta-schema check refuses as a regex; tiercheck writes no `language`,
    // so the pattern is dropped here (the vendored file stays as published).
    for def in ["run", "toolComponent"] {
        let language = &mut schema["definitions"][def]["properties"]["language"];
        assert!(language["pattern"]
            .as_str()
            .is_some_and(|p| p.contains("]?$")));
        language.as_object_mut().unwrap().remove("pattern");
    }
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "invalid SARIF:\n{}", errors.join("\n"));
}

fn results(log: &Value) -> &Vec<Value> {
    log["runs"][0]["results"].as_array().expect("results")
}

/// A folder holding a copy of a check fixture under `name`.
fn copy_fixture(fixture: &str, name: &str, edit: impl Fn(String) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(crate_dir().join("tests/check").join(fixture)).unwrap();
    std::fs::write(dir.path().join(name), edit(text)).unwrap();
    dir
}

#[test]
fn sarif_of_every_check_fixture_is_valid_against_the_official_schema() {
    let (log, code) = sarif(&crate_dir(), &["tests/check"]);
    assert_eq!(code, 1);
    assert!(results(&log).len() > 20, "the fixtures give findings");
    validate(&log);
}

#[test]
fn sarif_has_every_property_github_code_scanning_requires() {
    let (log, _) = sarif(&crate_dir(), &["tests/check"]);
    assert_eq!(log["version"], "2.1.0");
    assert!(log["$schema"].as_str().is_some());
    let run = &log["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "tiercheck");
    assert!(driver["semanticVersion"].as_str().is_some());
    let rules = driver["rules"].as_array().unwrap();
    for r in rules {
        for field in [
            "/id",
            "/shortDescription/text",
            "/fullDescription/text",
            "/help/text",
        ] {
            let v = r.pointer(field).and_then(Value::as_str).unwrap_or("");
            assert!(!v.is_empty(), "rule {} lacks {field}", r["id"]);
        }
        assert!(r.pointer("/help/markdown").is_some());
        assert!(r.pointer("/defaultConfiguration/level").is_some());
    }
    assert_eq!(run["columnKind"], "utf16CodeUnits");
    assert!(run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .is_some_and(|u| u.starts_with("file:///") && u.ends_with('/')));
    for r in results(&log) {
        let id = r["ruleId"].as_str().unwrap();
        assert!(!r["message"]["text"].as_str().unwrap().contains('`'));
        let index = r["ruleIndex"]
            .as_u64()
            .expect("every code is in the rules table") as usize;
        assert_eq!(rules[index]["id"], id);
        assert!(r["partialFingerprints"]
            .as_object()
            .is_some_and(|f| !f.is_empty()));
        let locations = r["locations"].as_array().unwrap();
        assert_eq!(locations.len(), 1, "GitHub reads one location");
        let loc = &locations[0]["physicalLocation"];
        let uri = loc["artifactLocation"]["uri"].as_str().unwrap();
        assert!(
            uri.starts_with("tests/check/"),
            "{uri} is not relative to the root"
        );
        assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert!(loc["region"]["startLine"].as_u64().is_some_and(|l| l >= 1));
    }
}

#[test]
fn fingerprints_are_distinct_in_a_run_and_survive_moved_lines() {
    let (log, _) = sarif(&crate_dir(), &["tests/check"]);
    let key = |r: &Value| r["partialFingerprints"]["tiercheckFinding/v1"].to_string();
    let all: Vec<String> = results(&log).iter().map(key).collect();
    let distinct: BTreeSet<&String> = all.iter().collect();
    assert_eq!(
        distinct.len(),
        all.len(),
        "two findings share a fingerprint"
    );
    // The corpus has findings of one code on one line, which a line hash would merge.
    let mut places = BTreeSet::new();
    let shared_line = results(&log).iter().any(|r| {
        let loc = &r["locations"][0]["physicalLocation"];
        !places.insert((
            r["ruleId"].to_string(),
            loc["artifactLocation"]["uri"].to_string(),
            loc["region"]["startLine"].to_string(),
        ))
    });
    assert!(shared_line, "no two findings of one code share a line");

    // Blank lines between paragraphs move every finding down, not their fingerprints.
    let name = "draft.txt";
    let before = copy_fixture("trend-word-mismatch.txt", name, |t| t);
    let after = copy_fixture("trend-word-mismatch.txt", name, |t| {
        t.replace("\n\n", "\n\n\n")
    });
    let (a, _) = sarif(before.path(), &[name]);
    let (b, _) = sarif(after.path(), &[name]);
    let line = |log: &Value| {
        results(log)[0]["locations"][0]["physicalLocation"]["region"]["startLine"].clone()
    };
    assert_ne!(line(&a), line(&b));
    let keys = |log: &Value| results(log).iter().map(key).collect::<Vec<_>>();
    assert!(!keys(&a).is_empty());
    assert_eq!(keys(&a), keys(&b));
}

#[test]
fn columns_are_utf16_code_units_and_ends_exclusive() {
    // An emoji (2 UTF-16 code units, 1 character) and a space before the span on its line.
    let dir = copy_fixture("tier-mismatch.txt", "draft.txt", |t| {
        t.replacen(
            "The Government of Freedonia",
            "\u{1F600} The Government of Freedonia",
            1,
        )
    });
    let (log, code) = sarif(dir.path(), &["draft.txt"]);
    assert_eq!(code, 1);
    validate(&log);
    let r = results(&log)
        .iter()
        .find(|r| r["ruleId"] == "tier-mismatch")
        .unwrap();
    let region = &r["locations"][0]["physicalLocation"]["region"];
    // Column 282 in the fixture (tests/check_cli.rs), now 3 code units further.
    assert_eq!(region["startColumn"], 285);
    // `Tier 2 Watch List` is 17 code units: the end is the column after its last one.
    assert_eq!(region["endColumn"], 285 + 17);
    assert_eq!(region["snippet"]["text"], "Tier 2 Watch List");
}

#[test]
fn uris_are_relative_to_srcroot_and_percent_encoded() {
    let dir = copy_fixture("tier-mismatch.txt", "a b#é.txt", |t| t);
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    let (log, _) = sarif(&dir.path().join("sub"), &["../a b#é.txt"]);
    validate(&log);
    let loc = &results(&log)[0]["locations"][0]["physicalLocation"]["artifactLocation"];
    // The root is the current folder: a file outside it gets an absolute URI.
    let uri = loc["uri"].as_str().unwrap();
    assert!(
        uri.starts_with("file:///") && uri.ends_with("/a%20b%23%C3%A9.txt"),
        "{uri}"
    );
    assert!(loc.get("uriBaseId").is_none());

    let (log, _) = sarif(dir.path(), &["a b#é.txt"]);
    let loc = &results(&log)[0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(loc["uri"], "a%20b%23%C3%A9.txt");
    assert_eq!(loc["uriBaseId"], "%SRCROOT%");
}

#[test]
fn suppressed_findings_are_reported_as_suppressions_with_their_reason() {
    let dir = copy_fixture("tier-mismatch.txt", "draft.txt", |t| t);
    std::fs::write(
        dir.path().join("draft.txt.tiercheck.yaml"),
        "ignore:\n  - { code: tier-mismatch, reason: the tier is under review }\n",
    )
    .unwrap();
    let (log, code) = sarif(dir.path(), &["draft.txt"]);
    assert_eq!(code, 0, "a suppressed finding does not fail the run");
    validate(&log);
    let r = results(&log)
        .iter()
        .find(|r| r["ruleId"] == "tier-mismatch")
        .unwrap();
    assert_eq!(r["suppressions"][0]["kind"], "external");
    assert_eq!(
        r["suppressions"][0]["justification"],
        "the tier is under review"
    );
    // The heading it contradicts is a related location.
    assert_eq!(r["relatedLocations"][0]["message"]["text"], "heading tier");
}

#[test]
fn an_unreadable_input_still_gives_a_complete_log_with_a_notification() {
    let dir = copy_fixture("tier-mismatch.txt", "draft.txt", |t| t);
    let (log, code) = sarif(dir.path(), &["draft.txt", "missing.txt"]);
    assert_eq!(code, 2);
    validate(&log);
    let invocation = &log["runs"][0]["invocations"][0];
    assert_eq!(invocation["exitCode"], 2);
    assert_eq!(invocation["executionSuccessful"], false);
    let notes = invocation["toolExecutionNotifications"].as_array().unwrap();
    assert_eq!(notes.len(), 1);
    assert!(notes[0]["message"]["text"]
        .as_str()
        .unwrap()
        .contains("missing.txt"));
    assert!(results(&log).iter().any(|r| r["ruleId"] == "tier-mismatch"));

    // Not even the rules: still a log.
    let (log, code) = sarif(dir.path(), &["draft.txt", "--rules", "no-such-rules"]);
    assert_eq!(code, 2);
    validate(&log);
    assert_eq!(log["runs"][0]["invocations"][0]["exitCode"], 2);
}
