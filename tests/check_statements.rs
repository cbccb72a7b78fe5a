#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `statement-mismatch`: what a draft states about yes/no, enum and single-figure facts is
//! checked against the facts. Each case edits the draft generated from the Tajikistan facts so
//! that one statement contradicts them, and expects exactly one error, at the edited words.

use assert_cmd::Command;
use serde_json::Value;

mod support;

const FACTS: &str = "reports/2022/tajikistan.yaml";

/// The words replaced, their replacement, and the words of the replacement the error points at.
const CASES: &[(&str, &str, &str)] = &[
    (
        "prescribed penalties of five to eight years",
        "prescribed penalties of five to 10 years",
        "10",
    ),
    (
        "The government operated a hotline",
        "The government did not operate a hotline",
        "did not operate a hotline",
    ),
    (
        "criminalized sex trafficking and labor trafficking",
        "criminalized labor trafficking but not sex trafficking",
        "but not sex trafficking",
    ),
];

fn tiercheck() -> Command {
    Command::cargo_bin("tiercheck").unwrap()
}

fn check(draft: &std::path::Path) -> Value {
    support::check_binary(draft, FACTS).1
}

fn errors(report: &Value) -> Vec<Value> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .cloned()
        .collect()
}

#[test]
fn a_statement_contradicting_the_facts_is_an_error_at_its_words() {
    let out = tiercheck().args(["draft", FACTS]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let clean = String::from_utf8(out.stdout).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tajikistan.txt");
    std::fs::write(&path, &clean).unwrap();
    assert_eq!(
        errors(&check(&path)),
        Vec::<Value>::new(),
        "the clean draft"
    );

    for (old, new, at) in CASES {
        assert!(clean.contains(old), "the draft no longer says `{old}`");
        let edited = clean.replacen(old, new, 1);
        std::fs::write(&path, &edited).unwrap();
        let errs = errors(&check(&path));
        assert_eq!(errs.len(), 1, "{new}: {errs:#?}");
        let e = &errs[0];
        assert_eq!(e["code"], "statement-mismatch", "{new}: {e:#}");
        let offset = edited.find(new).unwrap() + new.find(at).unwrap();
        let line = edited[..offset].matches('\n').count() + 1;
        let line_start = edited[..offset].rfind('\n').map_or(0, |i| i + 1);
        let column = edited[line_start..offset].chars().count() + 1;
        assert_eq!(
            (e["line"].as_u64(), e["column"].as_u64()),
            (Some(line as u64), Some(column as u64)),
            "{new}: {e:#}"
        );
    }
}

/// A second figure of a fact in the same section, when the first agrees with the facts, is most
/// likely a part (one agency's): a warning, not an error. The same slip in the intro's copy of a
/// section's figure stays an error.
#[test]
fn a_part_beside_the_agreeing_total_is_a_warning_but_a_wrong_copy_in_the_intro_is_an_error() {
    let out = tiercheck().args(["draft", FACTS]).output().unwrap();
    let clean = String::from_utf8(out.stdout).unwrap();
    let total = "Authorities identified 15 trafficking victims in 2021";
    assert!(clean.contains(total), "the draft no longer says `{total}`");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tajikistan.txt");

    let with_part = clean.replacen(
        total,
        "Regional police identified nine trafficking victims in 2021. Authorities identified 15 trafficking victims in 2021",
        1,
    );
    std::fs::write(&path, &with_part).unwrap();
    let report = check(&path);
    assert_eq!(errors(&report), Vec::<Value>::new());
    let warned: Vec<&Value> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "count-mismatch")
        .collect();
    assert_eq!(warned.len(), 1, "{report:#}");
    assert_eq!(warned[0]["severity"], "warning");

    // The draft's intro sums up without figures; a writer's copy of one, with a slip.
    let intro_slip = clean.replacen(
        "These efforts included ",
        "The government investigated 23 trafficking cases. These efforts included ",
        1,
    );
    assert!(
        intro_slip.find("investigated 23").unwrap() < intro_slip.find("\nPROSECUTION").unwrap(),
        "the first copy is the intro's"
    );
    std::fs::write(&path, &intro_slip).unwrap();
    let errs = errors(&check(&path));
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert_eq!(errs[0]["code"], "count-mismatch");
}

/// "an increase compared with 2020" names no figure of 2020: the trend word is checked against
/// the facts' previous value (14 prosecutions in both years).
#[test]
fn a_trend_word_without_a_previous_figure_is_checked_against_the_facts() {
    let out = tiercheck().args(["draft", FACTS]).output().unwrap();
    let clean = String::from_utf8(out.stdout).unwrap();
    let old = "the same number as were prosecuted in 2020";
    assert!(clean.contains(old), "the draft no longer says `{old}`");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tajikistan.txt");
    std::fs::write(
        &path,
        clean.replacen(old, "an increase compared with 2020", 1),
    )
    .unwrap();
    let errs = errors(&check(&path));
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert_eq!(errs[0]["code"], "trend-word-mismatch");
    let message = errs[0]["message"].as_str().unwrap();
    assert!(message.contains("prosecution.prosecutions"), "{message}");
}
