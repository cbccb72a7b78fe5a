//! The rule editor's workflow through the CLI: `rules lint` on broken copies of the rules,
//! `rules test` (pass, fail, coverage), `rules diff` (no change, a threshold edit), `schema`, and
//! a `--watch` smoke test that cannot hang.

// Tests may unwrap and panic: a failure is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;
use support::copy_dir;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use serde_json::Value;

fn tiercheck() -> Command {
    let mut c = Command::cargo_bin("tiercheck").unwrap();
    c.env("NO_COLOR", "1");
    c
}

/// A copy of the bundled rules in a temporary folder: (guard, `<tmp>/rules`).
fn rules_copy() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("rules");
    copy_dir(Path::new("rules"), &dir);
    (tmp, dir)
}

/// Replace the first occurrence of `old` in a file; returns the 1-based (line, column) where the
/// new text starts.
fn edit(file: &Path, old: &str, new: &str) -> (usize, usize) {
    let text = std::fs::read_to_string(file).unwrap();
    let at = text
        .find(old)
        .unwrap_or_else(|| panic!("`{old}` is not in {}", file.display()));
    let edited = format!("{}{new}{}", &text[..at], &text[at + old.len()..]);
    std::fs::write(file, edited).unwrap();
    line_col(&text, at)
}

fn line_col(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let col = before[before.rfind('\n').map_or(0, |i| i + 1)..]
        .chars()
        .count()
        + 1;
    (line, col)
}

fn stdout_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

// ---------------------------------------------------------------------------------------- lint

/// One way to break the rules: the file, the text replaced, its replacement, the code reported,
/// and where the problem starts relative to the replacement (bytes into `new`; `None`: the line
/// is checked, not the column).
struct Breakage {
    file: &'static str,
    old: &'static str,
    new: &'static str,
    code: &'static str,
    offset: Option<usize>,
}

impl Breakage {
    /// The `file:line:col` text miette prints for the problem (`file:line:` when inexact).
    fn place(&self, line: usize, col: usize) -> String {
        match self.offset {
            Some(o) => format!("{}:{line}:{}]", self.file, col + o),
            None => format!("{}:{line}:", self.file),
        }
    }
}

const BREAKAGES: &[Breakage] = &[
    // An unknown fact path in a condition: pointed at the path inside the condition.
    Breakage {
        file: "criteria.yaml",
        old: "when: \"prosecution.convictions == 0\"",
        new: "when: \"prosecution.convictionz == 0\"",
        code: "unknown-fact",
        offset: Some("when: \"".len()),
    },
    // A condition that does not parse.
    Breakage {
        file: "pillars.yaml",
        old: "when: \"prosecution.investigations > previous.prosecution.investigations\"",
        new: "when: \"prosecution.investigations > > previous.prosecution.investigations\"",
        code: "bad-expression",
        // At the extra `>`.
        offset: Some("when: \"prosecution.investigations > ".len()),
    },
    // A qualifier reading a field its pillar does not have: pointed at the name.
    Breakage {
        file: "pillars.yaml",
        old: "when: \"pillar.trend == 'maintained' && pillar.key_gaps > 0\"",
        new: "when: \"pillar.trend == 'maintained' && pillar.key_gapz > 0\"",
        code: "unknown-reference",
        offset: Some("when: \"pillar.trend == 'maintained' && ".len()),
    },
    // A duplicate id: pointed at the second definition.
    Breakage {
        file: "criteria.yaml",
        old: "- id: investigations-decreased",
        new: "- id: investigations-increased",
        code: "duplicate-id",
        offset: Some("- id: ".len()),
    },
    // Dated versions of a rule that overlap: pointed at the later version's `from`.
    Breakage {
        file: "criteria.yaml",
        old: "          - from: 2019\n            citation: \"TVPA §108(b)(1) as amended",
        new: "          - from: 2018\n            citation: \"TVPA §108(b)(1) as amended",
        code: "overlapping-versions",
        offset: Some("          - from: ".len()),
    },
    // A recommendation's priority starts at 1: pointed at the value.
    Breakage {
        file: "criteria.yaml",
        old: "priority: 3\n          group: international-cooperation",
        new: "priority: 0\n          group: international-cooperation",
        code: "bad-priority",
        offset: Some("priority: ".len()),
    },
    // A merge group is a kebab-case name.
    Breakage {
        file: "criteria.yaml",
        old: "group: international-cooperation",
        new: "group: International cooperation",
        code: "bad-id",
        offset: Some("group: ".len()),
    },
    // A shortfall words a gap; on a strength it is misplaced: pointed at the key.
    Breakage {
        file: "criteria.yaml",
        old: "effort: \"increasing prosecutions\"",
        new: "shortfall: \"increasing prosecutions\"",
        code: "misplaced-wording",
        offset: Some(0),
    },
    // A finding text (a folded block) with an unknown filter and one reading a name its context
    // does not give: pointed at the filter and at the name, lines into the block.
    Breakage {
        file: "criteria.yaml",
        old: "The government investigated {{ facts.prosecution.investigations.value | number_words }}",
        new: "The government investigated {{ facts.prosecution.investigations.value | in_words }}",
        code: "bad-template",
        offset: Some("The government investigated {{ facts.prosecution.investigations.value | ".len()),
    },
    Breakage {
        file: "criteria.yaml",
        old: "{{ facts.prosecution.prosecutions.previous | number_words }} in the previous",
        new: "{{ prosecutions.previous | number_words }} in the previous",
        code: "bad-template",
        offset: Some("{{ ".len()),
    },
    // Dated versions of a param that leave a year without a value.
    Breakage {
        file: "ruleset.yaml",
        old: "      - from: 2019\n        value: 1",
        new: "      - from: 2020\n        value: 1",
        code: "version-gap",
        offset: Some("      - from: ".len()),
    },
];

#[test]
fn each_broken_rule_is_reported_at_its_file_line_and_column() {
    for b in BREAKAGES {
        let (_tmp, dir) = rules_copy();
        let (line, col) = edit(&dir.join(b.file), b.old, b.new);
        let out = tiercheck()
            .args(["rules", "lint", "--rules"])
            .arg(&dir)
            .output()
            .unwrap();
        let err = stderr_of(&out);
        assert_eq!(out.status.code(), Some(2), "{}: {err}", b.code);
        assert!(
            err.contains(b.code),
            "expected code `{}` in:\n{err}",
            b.code
        );
        let at = b.place(line, col);
        assert!(
            err.contains(&at),
            "expected `{at}` for `{}` in:\n{err}",
            b.code
        );
    }
}

#[test]
fn every_problem_of_a_broken_copy_is_reported_at_once() {
    let (_tmp, dir) = rules_copy();
    let mut places = Vec::new();
    // Later edits of the same file come after the earlier ones, so positions stay valid.
    for b in BREAKAGES {
        let (line, col) = edit(&dir.join(b.file), b.old, b.new);
        places.push((b.code, b.place(line, col)));
    }
    let out = tiercheck()
        .args(["rules", "lint", "--rules"])
        .arg(&dir)
        .output()
        .unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(2));
    for (code, at) in places {
        assert!(err.contains(&at), "`{code}` not reported at `{at}`:\n{err}");
    }
}

/// Lint a rules copy whose `file` has `old` replaced by `new`: (exit code, stderr, the
/// `file:line:` prefix of the replacement).
fn lint_with(file: &str, old: &str, new: &str) -> (Option<i32>, String, String) {
    let (_tmp, dir) = rules_copy();
    let (line, _) = edit(&dir.join(file), old, new);
    let out = tiercheck()
        .args(["rules", "lint", "--rules"])
        .arg(&dir)
        .output()
        .unwrap();
    (
        out.status.code(),
        stderr_of(&out),
        format!("{file}:{line}:"),
    )
}

#[test]
fn a_control_character_in_a_rule_string_is_located_at_its_escape() {
    // (file, text, replacement, where the control character is written in the replacement):
    // a NUL, an ESC, a bidi override and a raw control, in the rulebook and the check rules.
    let cases = [
        (
            "criteria.yaml",
            "finding: \"The government provided only partial",
            "finding: \"The government\\0 provided only partial",
            "\\0",
        ),
        (
            "claims.yaml",
            "phrase: Tier 2 Watch List,",
            "phrase: \"Tier 2\\e Watch List\",",
            "\\e",
        ),
        (
            "style.yaml",
            "message: \"`{match}` is not victim-centered language\"",
            "message: \"`{match}` is not\\u202e victim-centered language\"",
            "\\u202e",
        ),
        (
            "checks.yaml",
            "example: \"Freedonia (Tier 2)\"",
            "example: \"Free\u{1}donia (Tier 2)\"",
            "\u{1}",
        ),
    ];
    for (file, old, new, escape) in cases {
        let (_tmp, dir) = rules_copy();
        let (line, col) = edit(&dir.join(file), old, new);
        let col = col + new[..new.find(escape).unwrap()].chars().count();
        let out = tiercheck()
            .args(["rules", "lint", "--rules"])
            .arg(&dir)
            .output()
            .unwrap();
        let err = stderr_of(&out);
        assert_eq!(out.status.code(), Some(2), "{file}: {err}");
        assert!(
            err.contains("control-character") && err.contains(&format!("{file}:{line}:{col}]")),
            "{file}:{line}:{col}: {err}"
        );
        // The escape is underlined whole.
        let underline = format!(" {}\n", "─".repeat(escape.chars().count()));
        assert!(err.contains(&underline), "{file}: {err}");
    }
}

const A_CONDITION: &str = r#"when: "prosecution.specialized_units == true""#;

#[test]
fn a_condition_of_thousands_of_chained_operators_is_a_located_error_not_an_abort() {
    let chain = vec!["true"; 5000].join(" == ");
    let (code, err, at) = lint_with("criteria.yaml", A_CONDITION, &format!("when: \"{chain}\""));
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("bad-expression")
            && err.contains("more than 500 operators")
            && err.contains(&at),
        "{err}"
    );
}

#[test]
fn nested_comprehensions_over_literal_lists_are_a_located_error_not_a_hang() {
    let list = format!(
        "[{}]",
        (0..100)
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let cond =
        format!("{list}.all(a, {list}.all(b, {list}.all(c, {list}.all(d, a + b + c + d >= 0))))");
    let (code, err, at) = lint_with("criteria.yaml", A_CONDITION, &format!("when: \"{cond}\""));
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("bad-expression")
            && err.contains("steps, more than the 200000")
            && err.contains(&at),
        "{err}"
    );
}

const A_CLAIM_PATTERN: &str = r"pattern: '\blong-term (?:victim )?(?:support|care|assistance)(?: and reintegration services)? (?:was|were) available\b|\bprovided long-term (?:support|care)\b'";

#[test]
fn a_claim_pattern_of_hundreds_of_kilobytes_is_a_located_lint_error() {
    let long = format!("pattern: '{}'", "ab".repeat(250_000));
    let (code, err, at) = lint_with("claims.yaml", A_CLAIM_PATTERN, &long);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("bad-pattern") && err.contains("more than the 16384") && err.contains(&at),
        "{err}"
    );
}

#[test]
fn patterns_check_cannot_load_fail_lint_at_their_place() {
    // A style pattern that parses but is too large to compile (check would match nothing with
    // it), and a claim pattern that does not parse.
    let (code, err, at) = lint_with(
        "style.yaml",
        r"pattern: '\b([A-Za-z]+)- ([a-z]+)\b'",
        r"pattern: '(?:\w{1000}){1000}'",
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("bad-pattern") && err.contains(&at), "{err}");
    let (code, err, at) = lint_with("claims.yaml", A_CLAIM_PATTERN, "pattern: '(?:unclosed'");
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("bad-pattern") && err.contains(&at), "{err}");
}

#[test]
fn bundled_rules_lint_clean() {
    let out = tiercheck().args(["rules", "lint"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    // Every fact is read by a rule or a template (through `{% set w = facts.group %}` too).
    assert!(
        stdout_of(&out).contains(", 0 warnings") && !stderr_of(&out).contains("unused-fact"),
        "{}{}",
        stdout_of(&out),
        stderr_of(&out)
    );
}

/// `rules lint` on rules that load with warnings: exit 0, the warnings (standard error).
fn lint_warnings(dir: &Path) -> String {
    let out = tiercheck()
        .args(["rules", "lint", "--rules"])
        .arg(dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    stderr_of(&out)
}

#[test]
fn a_fact_no_rule_or_template_reads_is_a_warning() {
    let (_tmp, dir) = rules_copy();
    let facts = dir.join("facts.yaml");
    let mut text = std::fs::read_to_string(&facts).unwrap();
    text.push_str("  - path: prevention.unread_figure\n    type: count\n    pillar: prevention\n    description: A figure nothing reads\n");
    std::fs::write(&facts, text).unwrap();
    let err = lint_warnings(&dir);
    assert!(
        err.contains("unused-fact") && err.contains("prevention.unread_figure"),
        "{err}"
    );
}

#[test]
fn a_merge_group_with_one_member_is_a_warning_with_the_likely_name() {
    let (_tmp, dir) = rules_copy();
    let criteria = dir.join("criteria.yaml");
    let (line, col) = edit(
        &criteria,
        "group: international-cooperation",
        "group: international-cooperaton",
    );
    let err = lint_warnings(&dir);
    let at = format!("criteria.yaml:{line}:{}]", col + "group: ".len());
    assert!(
        err.contains("lone-recommendation-group")
            && err.contains("`international-cooperaton`")
            && err.contains("did you mean `international-cooperation`?")
            && err.contains(&at),
        "expected a warning at `{at}`:\n{err}"
    );
}

#[test]
fn a_has_guard_on_a_fact_is_an_unnecessary_presence_test_warning() {
    let (_tmp, dir) = rules_copy();
    let criteria = dir.join("criteria.yaml");
    let old = r#"when: "prosecution.specialized_units == true""#;
    let new =
        r#"when: "has(prosecution.specialized_units) && prosecution.specialized_units == true""#;
    let (line, _) = edit(&criteria, old, new);
    let err = lint_warnings(&dir);
    assert!(
        err.contains("unnecessary-presence-test")
            && err.contains("has(prosecution.specialized_units)")
            && err.contains(&format!("criteria.yaml:{line}:")),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------- test

#[test]
fn bundled_rules_pass_their_tests_with_full_coverage() {
    let out = tiercheck()
        .args(["rules", "test", "--coverage"])
        .output()
        .unwrap();
    let stdout = stdout_of(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{}", stderr_of(&out));
    assert!(
        stdout.contains("every indicator, signal and tier rule fires in some case"),
        "{stdout}"
    );
    let last = stdout.lines().last().unwrap_or_default();
    let (passed, failed) = last.split_once(" passed, ").unwrap();
    assert!(passed.parse::<usize>().unwrap() > 0);
    assert_eq!(failed, "0 failed");
}

#[test]
fn a_failing_case_shows_expected_and_actual_at_the_expectation() {
    let (_tmp, dir) = rules_copy();
    let file = dir.join("tests/decision.yaml");
    // The placement case expects tier 2; make it expect tier 3.
    let anchor = "  - name: one key gap keeps a significant-efforts country on tier 2\n    input: {}\n    expect:\n      tier: ";
    let (line, _) = edit(&file, &format!("{anchor}\"2\""), &format!("{anchor}\"3\""));
    let (tier_line, tier_col) = (line + 3, "      tier: ".len() + 1);
    let out = tiercheck()
        .args(["rules", "test", "--rules"])
        .arg(&dir)
        .output()
        .unwrap();
    let (stdout, stderr) = (stdout_of(&out), stderr_of(&out));
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("FAIL  one key gap keeps a significant-efforts country on tier 2"),
        "{stdout}"
    );
    assert!(stderr.contains("tier expected `3`, found `2`"), "{stderr}");
    assert!(
        stderr.contains(&format!("decision.yaml:{tier_line}:{tier_col}]")),
        "{stderr}"
    );
    assert!(
        stderr.contains("decided by `significant-efforts`"),
        "{stderr}"
    );
    let last = stdout.lines().last().unwrap_or_default();
    assert!(last.ends_with(" passed, 1 failed"), "{last}");
}

/// A broken test case: the test file, the text replaced and its replacement, what the error
/// says, and how far into `new` the error points.
const BROKEN_CASES: &[(&str, &str, &str, &[&str], &str)] = &[
    // A case naming an indicator the rules do not have cannot run.
    (
        "tests/criteria.yaml",
        "findings: [no-convictions]",
        "findings: [no-convictoins]",
        &[
            "unknown indicator `no-convictoins`",
            "did you mean `no-convictions`?",
        ],
        "findings: [",
    ),
    // An unknown fact in a case's input is reported in the test file.
    (
        "tests/criteria.yaml",
        "input: { facts: { prosecution: { convictions: 0 } } }",
        "input: { facts: { prosecution: { convictionz: 0 } } }",
        &["unknown fact `prosecution.convictionz`"],
        "input: { facts: { prosecution: { ",
    ),
];

#[test]
fn a_broken_case_cannot_run_and_is_located_in_its_test_file() {
    for (file, old, new, says, before) in BROKEN_CASES {
        let (_tmp, dir) = rules_copy();
        let (line, col) = edit(&dir.join(file), old, new);
        let out = tiercheck()
            .args(["rules", "test", "--rules"])
            .arg(&dir)
            .output()
            .unwrap();
        let err = stderr_of(&out);
        assert_eq!(out.status.code(), Some(2), "{new}: {err}");
        for s in *says {
            assert!(err.contains(s), "{new}: expected `{s}` in:\n{err}");
        }
        let name = file.rsplit('/').next().unwrap();
        let at = format!("{name}:{line}:{}]", col + before.len());
        assert!(err.contains(&at), "{new}: expected `{at}` in:\n{err}");
    }
}

#[test]
fn a_case_can_read_a_facts_file() {
    let (_tmp, dir) = rules_copy();
    std::fs::write(
        dir.join("tests/from-file.yaml"),
        "cases:\n  - name: five years is stringent enough\n    facts_file: tests/fixtures/rules-diff/2022/five-years.yaml\n    expect:\n      criteria: { a3-stringent-penalties: met }\n      findings: [penalty-range-sufficient]\n",
    )
    .unwrap();
    let out = tiercheck()
        .args(["rules", "test", "--rules"])
        .arg(&dir)
        .output()
        .unwrap();
    let stdout = stdout_of(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{}", stderr_of(&out));
    assert!(
        stdout.contains("ok    five years is stringent enough"),
        "{stdout}"
    );
}

#[test]
fn uncovered_rules_are_listed_with_their_place_and_fail_coverage() {
    let (_tmp, dir) = rules_copy();
    std::fs::remove_file(dir.join("tests/pillars.yaml")).unwrap();
    let out = tiercheck()
        .args(["rules", "test", "--coverage", "--rules"])
        .arg(&dir)
        .output()
        .unwrap();
    let stdout = stdout_of(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let listed = stdout
        .lines()
        .find(|l| l.trim_start().starts_with("signal") && l.contains("suspects-rose"))
        .unwrap_or_else(|| panic!("`suspects-rose` not listed:\n{stdout}"));
    assert!(listed.contains("pillars.yaml:"), "{listed}");
    assert!(stdout
        .lines()
        .last()
        .unwrap_or_default()
        .ends_with(" passed, 0 failed"));
    // Without --coverage the same cases pass.
    let out = tiercheck()
        .args(["rules", "test", "--rules"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

// ---------------------------------------------------------------------------------------- diff

/// `rules diff --base rules --rules DIR [FACTS] --format json`, which must succeed.
fn diff_json(dir: &Path, facts: Option<&str>) -> Value {
    let out = tiercheck()
        .args([
            "rules", "diff", "--base", "rules", "--format", "json", "--rules",
        ])
        .arg(dir)
        .args(facts)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn rules_diffed_against_themselves_report_no_changes() {
    let out = tiercheck()
        .args(["rules", "diff", "--base", "rules", "--rules", "rules"])
        .output()
        .unwrap();
    let stdout = stdout_of(&out);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(stdout.starts_with("rules: rules (--rules"), "{stdout}");
    assert!(stdout.contains("\nNo changes ("), "{stdout}");
    let out = tiercheck()
        .args([
            "rules", "diff", "--base", "rules", "--rules", "rules", "--format", "json",
        ])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["changed"], Value::Array(vec![]));
    assert!(v["assessed"].as_u64().unwrap() > 0);
}

#[test]
fn raising_the_penalty_threshold_changes_only_the_country_below_it() {
    let (_tmp, dir) = rules_copy();
    edit(
        &dir.join("ruleset.yaml"),
        "min_max_penalty_years:\n    value: 4",
        "min_max_penalty_years:\n    value: 6",
    );
    let v = diff_json(&dir, Some("tests/fixtures/rules-diff"));
    assert_eq!(v["assessed"], 3);
    let changed = v["changed"].as_array().unwrap();
    let files: Vec<&str> = changed
        .iter()
        .map(|c| c["file"].as_str().unwrap())
        .collect();
    assert_eq!(files, ["tests/fixtures/rules-diff/2022/five-years.yaml"]);
    let changes = changed[0]["changes"].as_array().unwrap();
    let has = |kind: &str, id: &str, before: Value, after: Value| {
        changes.iter().any(|c| {
            c["kind"] == kind && c["id"] == id && c["before"] == before && c["after"] == after
        })
    };
    assert!(
        has(
            "standard",
            "a3-stringent-penalties",
            "met".into(),
            "not_met".into()
        ),
        "{changes:#?}"
    );
    assert!(
        changes
            .iter()
            .any(|c| c["kind"] == "finding_added" && c["id"] == "max-penalty-too-low"),
        "{changes:#?}"
    );
    assert!(
        changes
            .iter()
            .any(|c| c["kind"] == "finding_removed" && c["id"] == "penalty-range-sufficient"),
        "{changes:#?}"
    );

    // The text output names the same country, and only it.
    let out = tiercheck()
        .args(["rules", "diff", "--base", "rules", "--rules"])
        .arg(&dir)
        .arg("tests/fixtures/rules-diff")
        .output()
        .unwrap();
    let text = stdout_of(&out);
    assert!(text.contains("Fiveland 2022"), "{text}");
    assert!(
        !text.contains("Eightland") && !text.contains("Quietland"),
        "{text}"
    );
    assert!(
        text.contains("standard `a3-stringent-penalties`: met -> not_met"),
        "{text}"
    );
    assert!(
        text.trim_end().ends_with("1 of 3 facts files change"),
        "{text}"
    );
}

/// The outcome of one assessment as `rules diff` compares it, read from `assess --format json`.
fn outcome(a: &Value) -> Value {
    let mut flags: Vec<Value> = a["flags"].as_array().cloned().unwrap_or_default();
    flags.sort_by_key(|f| f.to_string());
    let statuses: Vec<Value> = a["standards"]
        .as_array()
        .unwrap()
        .iter()
        .chain(a["criteria"].as_array().unwrap())
        .map(|c| serde_json::json!([c["id"], c["status"]]))
        .collect();
    let trends: Vec<Value> = a["pillars"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, p)| serde_json::json!([k, p["trend"]]))
        .collect();
    let findings: Vec<Value> = a["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| serde_json::json!([f["id"], f["kind"], f["text"]]))
        .collect();
    serde_json::json!([a["tier"], a["movement"], flags, statuses, trends, findings])
}

fn assess_all(rules: &Path) -> Vec<Value> {
    let out = tiercheck()
        .args(["assess", "reports", "--format", "json", "--rules"])
        .arg(rules)
        .output()
        .unwrap();
    // 1: some file lacks the evidence a verdict needs (reports/2021/tajikistan.yaml).
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        stderr_of(&out)
    );
    serde_json::from_slice::<Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn a_threshold_edit_names_exactly_the_countries_whose_assessment_differs() {
    // Raise the significant-efforts bar far enough that some country must fall below it.
    let (_tmp, dir) = rules_copy();
    let ruleset = std::fs::read_to_string(dir.join("ruleset.yaml")).unwrap();
    let key = "significant_efforts_min_score:\n    value: ";
    let start = ruleset.find(key).unwrap() + key.len();
    let end = start + ruleset[start..].find('\n').unwrap();
    let edited = format!("{}15{}", &ruleset[..start], &ruleset[end..]);
    std::fs::write(dir.join("ruleset.yaml"), edited).unwrap();

    // The oracle: assess every report under both rule sets and compare the outcomes.
    let before = assess_all(Path::new("rules"));
    let after = assess_all(&dir);
    let expected: BTreeSet<String> = before
        .iter()
        .zip(&after)
        .filter(|(b, a)| outcome(b) != outcome(a))
        .map(|(b, _)| b["file"].as_str().unwrap().to_string())
        .collect();
    assert!(!expected.is_empty(), "the edit should change some country");
    assert!(
        expected.len() < before.len(),
        "the edit should leave some country alone"
    );

    let v = diff_json(&dir, None);
    let named: BTreeSet<String> = v["changed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["file"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(named, expected);
}

#[test]
fn a_file_that_assesses_under_one_rule_set_only_is_named_with_the_reason() {
    // Base rules whose first report year is after the file's: it does not load under them.
    let (_tmp, base) = rules_copy();
    edit(&base.join("ruleset.yaml"), "first: 2001", "first: 2023");
    let diff = |format: &str| {
        tiercheck()
            .args(["rules", "diff", "--no-config", "--base"])
            .arg(&base)
            .args(["reports/2022/tajikistan.yaml", "--format", format])
            .output()
            .unwrap()
    };
    let out = diff("json");
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let change = &v["changed"][0]["changes"][0];
    assert_eq!(change["kind"], "invalid", "{v:#}");
    assert_eq!(change["before"], Value::Null, "{v:#}");
    assert_eq!(change["after"], "Tier 2", "{v:#}");
    let problem = change["problem"].as_str().unwrap();
    assert!(
        problem.contains("reports/2022/tajikistan.yaml:"),
        "the reason is located: {problem}"
    );
    let text = stdout_of(&diff("text"));
    assert!(
        text.contains(&format!(
            "  invalid: does not assess -> Tier 2\n      {problem}\n"
        )),
        "{text}"
    );
}

#[test]
fn diff_without_a_base_folder_cannot_run() {
    let out = tiercheck()
        .args(["rules", "diff", "--base", "no-such-rules"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("rules folder `no-such-rules` does not exist"));
}

// ---------------------------------------------------------------------------------------- schema

#[test]
fn a_fact_added_to_the_catalog_appears_in_the_facts_schema() {
    let (_tmp, dir) = rules_copy();
    let catalog = dir.join("facts.yaml");
    let mut text = std::fs::read_to_string(&catalog).unwrap();
    text.push_str("  - path: prevention.tiercheck_test_fact\n    type: count\n    pillar: prevention\n    description: A fact added by a test\n");
    std::fs::write(&catalog, text).unwrap();
    let out = tiercheck()
        .args(["schema", "facts", "--rules"])
        .arg(&dir)
        .output()
        .unwrap();
    // The loader warns that the fact is unused; the schema is still printed.
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    // `facts:` is the mapping of facts (first) or `~`.
    let fact = &v["properties"]["facts"]["anyOf"][0]["properties"]["prevention"]["properties"]
        ["tiercheck_test_fact"];
    assert!(
        fact["description"]
            .as_str()
            .unwrap()
            .starts_with("A fact added by a test"),
        "{fact}"
    );
    assert_eq!(fact["allOf"][0]["$ref"], "#/definitions/count_fact");
}

#[test]
fn schema_rules_prints_one_file_or_all_of_them() {
    let out = tiercheck()
        .args(["schema", "rules", "decision"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["title"], "tiercheck decision.yaml");
    assert!(
        v["definitions"]["TierRuleDef"]["properties"]["when"].is_object(),
        "{v}"
    );

    let out = tiercheck().args(["schema", "rules"]).output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    for f in [
        "ruleset",
        "facts",
        "standards",
        "criteria",
        "pillars",
        "decision",
        "tests",
    ] {
        assert!(v["definitions"][format!("{f}.yaml")].is_object(), "{f}");
    }

    let out = tiercheck()
        .args(["schema", "rules", "decisions"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("did you mean `decision`?"));
}

// ---------------------------------------------------------------------------------------- watch

/// Kills the child when the test ends, whatever happens.
struct Kill(std::process::Child);

impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Read lines (stdout and stderr, tagged) until one satisfies `want` or the deadline passes.
fn wait_for(
    rx: &mpsc::Receiver<String>,
    seen: &mut Vec<String>,
    deadline: Instant,
    want: impl Fn(&str) -> bool,
) -> bool {
    // stdout and stderr arrive through two pipes, in either order: a line already seen counts.
    if seen.iter().any(|l| want(l)) {
        return true;
    }
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match rx.recv_timeout(left) {
            Ok(line) => {
                let hit = want(&line);
                seen.push(line);
                if hit {
                    return true;
                }
            }
            Err(_) => return false,
        }
    }
    false
}

#[test]
fn watch_prints_what_a_save_changes_and_survives_a_bad_save() {
    let tmp = tempfile::tempdir().unwrap();
    let facts = tmp.path().join("five-years.yaml");
    std::fs::copy("tests/fixtures/rules-diff/2022/five-years.yaml", &facts).unwrap();
    let bin = assert_cmd::cargo::cargo_bin("tiercheck");
    let child = std::process::Command::new(bin)
        .arg("assess")
        .arg(&facts)
        .arg("--watch")
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut child = Kill(child);
    let (tx, rx) = mpsc::channel();
    let out = child.0.stdout.take().unwrap();
    let err = child.0.stderr.take().unwrap();
    let tx2 = tx.clone();
    std::thread::spawn(move || {
        BufReader::new(out)
            .lines()
            .map_while(Result::ok)
            .for_each(|l| drop(tx.send(l)))
    });
    std::thread::spawn(move || {
        BufReader::new(err)
            .lines()
            .map_while(Result::ok)
            .for_each(|l| drop(tx2.send(format!("stderr: {l}"))))
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut seen = Vec::new();
    assert!(
        wait_for(&rx, &mut seen, deadline, |l| l.starts_with("-- watching")),
        "no watch banner:\n{}",
        seen.join("\n")
    );

    // A save that changes the outcome: only the changed lines are printed.
    let text = std::fs::read_to_string(&facts).unwrap();
    std::fs::write(
        &facts,
        text.replace("penalty_max_years: 5", "penalty_max_years: 3"),
    )
    .unwrap();
    seen.clear();
    assert!(
        wait_for(&rx, &mut seen, deadline, |l| l.starts_with("+ ")
            && l.contains("max")),
        "no change printed:\n{}",
        seen.join("\n")
    );
    assert!(
        seen.iter()
            .any(|l| l.starts_with("== ") && l.contains("five-years.yaml")),
        "{}",
        seen.join("\n")
    );
    assert!(
        !seen.iter().any(|l| l.contains("Fiveland 2022 report")),
        "unchanged lines were printed:\n{}",
        seen.join("\n")
    );

    // A bad save prints its diagnostic, and the watch goes on.
    std::fs::write(&facts, "country: [\n").unwrap();
    seen.clear();
    assert!(
        wait_for(&rx, &mut seen, deadline, |l| l
            .contains("keeping the last good output")),
        "bad save not reported:\n{}",
        seen.join("\n")
    );
    assert!(
        wait_for(&rx, &mut seen, deadline, |l| l.starts_with("stderr:")
            && l.contains("five-years.yaml")),
        "no located diagnostic:\n{}",
        seen.join("\n")
    );
    std::fs::write(&facts, text).unwrap();
    seen.clear();
    assert!(
        wait_for(&rx, &mut seen, deadline, |l| l.starts_with("- ")
            && l.contains("max")),
        "fixing the file did not print the change back:\n{}",
        seen.join("\n")
    );
}

#[test]
fn rewording_an_opener_qualifier_shows_in_the_diff_for_the_countries_it_applies_to() {
    let (_tmp, dir) = rules_copy();
    edit(
        &dir.join("pillars.yaml"),
        "    adjective: inadequate",
        "    adjective: insufficient",
    );
    let v = diff_json(&dir, Some("reports/2022/tajikistan.yaml"));
    let changes = &v["changed"][0]["changes"];
    assert_eq!(
        changes,
        &serde_json::json!([{
            "kind": "pillar",
            "id": "protection",
            "before": "maintained (inadequate)",
            "after": "maintained (insufficient)"
        }]),
        "{v:#}"
    );
}
