//! `check --fix`, `--diff` and `--unsafe-fixes` through the binary: the safe fixes of the rules
//! are applied to the draft as written and the findings that remain are reported; `--diff` writes
//! nothing; drafts that are not plain text are never rewritten.

// Tests may unwrap and panic: a failure is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

const DRAFT: &str = "Testland (Tier 2)\n\nOn February 2022, the government adopted a plan. Officials banned from re- entering the office were reinstated on March 2021.\n";

fn check(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::cargo_bin("tiercheck")
        .unwrap()
        .env("NO_COLOR", "1")
        .current_dir(dir)
        .args(["check", "--no-config", "--select", "style"])
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn draft(name: &str, text: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join(name), text).unwrap();
    tmp
}

fn codes(json: &str) -> Vec<String> {
    let v: Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"));
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn diff_shows_the_safe_fixes_without_writing() {
    let tmp = draft("d.txt", DRAFT);
    let (code, stdout, stderr) = check(tmp.path(), &["d.txt", "--diff"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stdout.starts_with("--- a/d.txt\n+++ b/d.txt\n"), "{stdout}");
    assert!(
        stdout.contains("\n+In February 2022, the government"),
        "{stdout}"
    );
    // Mid-sentence, the replacement keeps the lowercase of the text it replaces.
    assert!(stdout.contains("reinstated in March 2021."), "{stdout}");
    // The hyphen's fix is unsafe: not in the diff.
    assert!(
        stdout.contains(
            "+In February 2022, the government adopted a plan. Officials banned from re- entering"
        ),
        "{stdout}"
    );
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("d.txt")).unwrap(),
        DRAFT
    );
}

#[test]
fn fix_rewrites_the_draft_and_reports_what_remains() {
    let tmp = draft("d.txt", DRAFT);
    let (code, stdout, stderr) = check(tmp.path(), &["d.txt", "--fix", "--format", "json"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("fixed 2 finding(s) in 1 draft(s)"),
        "{stderr}"
    );
    assert_eq!(codes(&stdout), ["broken-hyphen"]);
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("d.txt")).unwrap(),
        DRAFT
            .replace("On February", "In February")
            .replace("on March", "in March")
    );
    // Nothing left to fix: a second run changes nothing.
    let (_, stdout, _) = check(tmp.path(), &["d.txt", "--diff"]);
    assert_eq!(stdout, "");
}

#[test]
fn unsafe_fixes_also_apply_the_fixes_that_need_a_look() {
    let tmp = draft("d.txt", DRAFT);
    let (code, stdout, stderr) = check(
        tmp.path(),
        &["d.txt", "--fix", "--unsafe-fixes", "--format", "json"],
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert!(codes(&stdout).is_empty(), "{stdout}");
    let text = std::fs::read_to_string(tmp.path().join("d.txt")).unwrap();
    assert!(
        text.contains("banned from re-entering the office"),
        "{text}"
    );
}

#[test]
fn fixes_keep_the_file_as_written_around_them() {
    // CRLF line ends stay; a date written with a non-breaking space is read as a finding but the
    // file does not read what was matched there, so no edit is certain.
    let text =
        "Testland (Tier 2)\r\n\r\nOn February 2022, it acted. On\u{a0}March 2021, it did not.\r\n";
    let tmp = draft("d.md", text);
    let (code, _, stderr) = check(tmp.path(), &["d.md", "--fix"]);
    assert!(code == Some(0) || code == Some(1), "{stderr}");
    let fixed = std::fs::read_to_string(tmp.path().join("d.md")).unwrap();
    assert_eq!(
        fixed,
        text.replacen("On February", "In February", 1),
        "{fixed:?}"
    );
}

#[test]
fn word_and_web_drafts_are_never_rewritten() {
    for name in ["d.docx", "d.html"] {
        let tmp = draft(name, DRAFT);
        let (code, _, stderr) = check(tmp.path(), &[name, "--fix"]);
        assert_eq!(code, Some(2), "{stderr}");
        assert!(
            stderr.contains(&format!("`{name}` is not rewritten")),
            "{stderr}"
        );
        assert_eq!(
            std::fs::read_to_string(tmp.path().join(name)).unwrap(),
            DRAFT
        );
    }
}

#[test]
fn codes_say_which_fixes_are_safe() {
    let out = Command::cargo_bin("tiercheck")
        .unwrap()
        .args(["codes", "--format", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let fix = |code: &str| {
        v["codes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["code"] == code)
            .map(|c| c["fix"].clone())
            .unwrap()
    };
    assert_eq!(fix("date-preposition"), "safe");
    assert_eq!(fix("broken-hyphen"), "unsafe");
    assert_eq!(fix("tier-mismatch"), Value::Null);
}
