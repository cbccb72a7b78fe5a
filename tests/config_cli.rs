//! Project configuration (`tiercheck.toml`) through the binary: found upward from the current
//! folder, named with `--config`, ignored with `--no-config`, overridden by flags, rejected with a
//! located message when it is wrong; and a checkout whose edited rules are the ones `rules test`,
//! `rules diff` and `check` use.

// Tests may unwrap and panic: a failure is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;
use support::copy_dir;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn tiercheck() -> Command {
    let mut c = Command::cargo_bin("tiercheck").unwrap();
    c.env("NO_COLOR", "1");
    c
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn edit(file: &Path, old: &str, new: &str) {
    let text = std::fs::read_to_string(file).unwrap();
    assert!(text.contains(old), "`{old}` is not in {}", file.display());
    std::fs::write(file, text.replacen(old, new, 1)).unwrap();
}

fn stdout_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `tiercheck rules lint` run in `dir` with `config` as its `tiercheck.toml`: the exit code and
/// standard error.
fn lint_under_config(dir: &std::path::Path, config: &str) -> (Option<i32>, String) {
    std::fs::write(dir.join("tiercheck.toml"), config).unwrap();
    let out = tiercheck()
        .current_dir(dir)
        .args(["rules", "lint"])
        .output()
        .unwrap();
    (out.status.code(), stderr_of(&out))
}

/// A checkout of our own: a copy of the rules, the facts of the rules-diff fixture under
/// `reports/`, a `tiercheck.toml` naming both, and a `drafts/` subfolder to run from.
fn checkout() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("rules"), &tmp.path().join("rules"));
    copy_dir(
        &repo().join("tests/fixtures/rules-diff"),
        &tmp.path().join("reports"),
    );
    std::fs::create_dir_all(tmp.path().join("drafts")).unwrap();
    std::fs::write(
        tmp.path().join("tiercheck.toml"),
        "rules = \"rules\"\nfacts = \"reports\"\n",
    )
    .unwrap();
    tmp
}

/// A [`checkout`] whose configuration selects the style checks only, with one draft.
fn checkout_selecting_style(draft: &str, text: &str) -> tempfile::TempDir {
    let tmp = checkout();
    std::fs::write(
        tmp.path().join("tiercheck.toml"),
        "rules = \"rules\"\n[check]\nselect = [\"style\"]\n",
    )
    .unwrap();
    std::fs::write(tmp.path().join("drafts").join(draft), text).unwrap();
    tmp
}

#[test]
fn the_shipped_config_names_the_rules_that_are_bundled() {
    let out = tiercheck().args(["rules", "lint"]).output().unwrap();
    let stdout = stdout_of(&out);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(
        stdout.starts_with("rules: rules (from `tiercheck.toml`)\n"),
        "{stdout}"
    );
    // The folder the shipped config names holds exactly the rules compiled into the binary.
    let out = tiercheck()
        .args(["rules", "diff", "--base", "rules", "--no-config"])
        .output()
        .unwrap();
    let stdout = stdout_of(&out);
    assert!(
        stdout.starts_with("rules: bundled\nNo changes ("),
        "{stdout}"
    );
}

#[test]
fn an_edited_test_case_in_a_checkout_is_the_one_rules_test_runs() {
    let tmp = checkout();
    edit(
        &tmp.path().join("rules/tests/decision.yaml"),
        "  - name: one key gap keeps a significant-efforts country on tier 2\n    input: {}\n    expect:\n      tier: \"2\"",
        "  - name: one key gap keeps a significant-efforts country on tier 2\n    input: {}\n    expect:\n      tier: \"3\"",
    );
    // Run from a subfolder: the configuration is found upward.
    let out = tiercheck()
        .current_dir(tmp.path().join("drafts"))
        .args(["rules", "test"])
        .output()
        .unwrap();
    let stdout = stdout_of(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{}", stderr_of(&out));
    assert!(
        stdout.starts_with("rules: ../rules (from `../tiercheck.toml`)\n"),
        "{stdout}"
    );
    assert!(stdout.trim_end().ends_with(" passed, 1 failed"), "{stdout}");

    // `--no-config` runs the bundled rules, which pass.
    let out = tiercheck()
        .current_dir(tmp.path().join("drafts"))
        .args(["rules", "test", "--no-config"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout_of(&out));
    assert!(stdout_of(&out).starts_with("rules: bundled\n"));
}

#[test]
fn an_edited_threshold_in_a_checkout_is_what_rules_diff_compares() {
    let tmp = checkout();
    edit(
        &tmp.path().join("rules/ruleset.yaml"),
        "min_max_penalty_years:\n    value: 4",
        "min_max_penalty_years:\n    value: 6",
    );
    // No `--rules`, no facts named: the configured rules against the bundled ones, on the
    // configured facts folder.
    let out = tiercheck()
        .current_dir(tmp.path())
        .args(["rules", "diff", "--no-config", "--base"])
        .arg(repo().join("rules"))
        .arg("reports")
        .output()
        .unwrap();
    assert!(
        stdout_of(&out).contains("No changes"),
        "{}",
        stdout_of(&out)
    );
    let out = tiercheck()
        .current_dir(tmp.path())
        .args(["rules", "diff", "--format", "json", "--base"])
        .arg(repo().join("rules"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["rules"], "rules");
    assert_eq!(v["from"], "config");
    assert_eq!(v["config"], "tiercheck.toml");
    assert_eq!(v["assessed"], 3);
    let files: Vec<&str> = v["changed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["file"].as_str().unwrap())
        .collect();
    assert_eq!(files, ["reports/2022/five-years.yaml"]);
}

#[test]
fn check_reads_the_configured_rules_and_says_so() {
    let tmp = checkout();
    std::fs::write(
        tmp.path().join("drafts/x.txt"),
        "Testland\n\nIn 2021, the government identified 5 victims.\n",
    )
    .unwrap();
    let out = tiercheck()
        .current_dir(tmp.path())
        .args(["check", "drafts/x.txt", "--format", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("{}\n{}", stdout_of(&out), stderr_of(&out)));
    assert_eq!(
        v["rules"],
        serde_json::json!({"rules": "rules", "from": "config", "config": "tiercheck.toml"})
    );
    let out = tiercheck()
        .current_dir(tmp.path())
        .args(["check", "drafts/x.txt", "--rules"])
        .arg(repo().join("rules"))
        .output()
        .unwrap();
    let first = stdout_of(&out)
        .lines()
        .next()
        .unwrap_or_default()
        .to_string();
    assert_eq!(
        first,
        format!(
            "rules: {} (--rules, over `tiercheck.toml`)",
            repo().join("rules").display()
        )
    );
}

#[test]
fn check_takes_select_and_year_from_the_config_and_flags_override_them() {
    let tmp = checkout_selecting_style(
        "x.txt",
        "Testland\n\nIn 2021, the government identified 5 victims.\n",
    );
    let codes = |extra: &[&str]| -> Vec<String> {
        let out = tiercheck()
            .current_dir(tmp.path())
            .args(["check", "drafts/x.txt", "--format", "json"])
            .args(extra)
            .output()
            .unwrap();
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["code"].as_str().unwrap().to_string())
            .collect()
    };
    // Only style findings under the configured selection; every kind with `--no-config`.
    let configured = codes(&[]);
    let all = codes(&["--no-config"]);
    assert!(all.len() > configured.len(), "{all:?} vs {configured:?}");
    assert!(all.iter().any(|c| c == "missing-section"), "{all:?}");
    assert!(!configured.iter().any(|c| c == "missing-section"));
    // A flag replaces the configured list.
    let flagged = codes(&["--select", "missing-section"]);
    assert!(flagged.iter().all(|c| c == "missing-section") && !flagged.is_empty());
}

#[test]
fn a_wrong_config_is_located_in_its_file() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("rules")).unwrap();
    let (code, stderr) = lint_under_config(tmp.path(), "rules = \"rules\"\nrulez = \"x\"\n");
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("unknown field `rulez`"), "{stderr}");
    assert!(stderr.contains("[tiercheck.toml:2:1]"), "{stderr}");

    let (code, stderr) = lint_under_config(tmp.path(), "templates = \"nowhere\"\n");
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("`templates` names the folder `nowhere`, which does not exist"),
        "{stderr}"
    );
    assert!(stderr.contains("[tiercheck.toml:1:13]"), "{stderr}");

    // `--config` naming a missing file cannot run either.
    let out = tiercheck()
        .args(["rules", "lint", "--config", "no-such.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("`no-such.toml` does not exist"));
}

#[test]
fn a_smaller_input_limit_in_the_config_refuses_every_larger_input_naming_the_limit() {
    // The facts file (about 6 KB) and drafts of 6 KB against limits of 1 KB and 4096 bytes:
    // each reader (a draft, standard input, a facts file, extract's narrative) is refused.
    let tmp = tempfile::tempdir().unwrap();
    let draft = tmp.path().join("draft.txt");
    std::fs::write(&draft, "TAJIKISTAN: Tier 2\n\n".repeat(300)).unwrap();
    let facts = repo().join("reports/2022/tajikistan.yaml");
    for (limit, bytes) in [("\"1 KB\"", 1024), ("4096", 4096)] {
        std::fs::write(
            tmp.path().join("tiercheck.toml"),
            format!("input_limit = {limit}\n"),
        )
        .unwrap();
        let runs: [(Vec<&str>, &str); 4] = [
            (vec!["check", "draft.txt"], ""),
            (vec!["check", "-"], "TAJIKISTAN: Tier 2\n\n"),
            (vec!["assess", facts.to_str().unwrap()], ""),
            (vec!["extract", "draft.txt"], ""),
        ];
        for (args, stdin) in runs {
            let out = tiercheck()
                .current_dir(tmp.path())
                .args(&args)
                .write_stdin(stdin.repeat(300))
                .output()
                .unwrap();
            let stderr = stderr_of(&out);
            assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
            // The message as one line, however the terminal width wrapped it.
            let flat = stderr
                .split_whitespace()
                .filter(|w| *w != "│")
                .collect::<Vec<_>>()
                .join(" ");
            assert!(
                flat.contains("input-too-large")
                    && flat.contains(&format!("more than the input limit of {bytes} bytes")),
                "{args:?}: {stderr}"
            );
        }
    }
    // Under the default limit the same inputs are read.
    std::fs::remove_file(tmp.path().join("tiercheck.toml")).unwrap();
    let out = tiercheck()
        .current_dir(tmp.path())
        .args(["check", "draft.txt"])
        .output()
        .unwrap();
    assert_ne!(out.status.code(), Some(2), "{}", stderr_of(&out));
}

#[test]
fn an_input_limit_that_is_not_a_size_is_located_in_the_config() {
    let tmp = tempfile::tempdir().unwrap();
    for (value, col) in [("\"lots\"", 15), ("0", 15), ("\"12 parsecs\"", 15)] {
        let (code, stderr) = lint_under_config(tmp.path(), &format!("input_limit = {value}\n"));
        assert_eq!(code, Some(2), "{stderr}");
        assert!(
            stderr.contains("not a size") && stderr.contains(&format!("[tiercheck.toml:1:{col}]")),
            "{stderr}"
        );
    }
}

#[test]
fn report_reads_the_configured_rules_and_shows_the_findings_check_reports_under_the_config() {
    let tmp = checkout_selecting_style(
        "five-years-2022.txt",
        "Fiveland\n\nIn 2021, the government funded the the shelter and identified 5 victims.\n",
    );
    // Findings as `check` counts them: (errors, warnings).
    let check_counts = |extra: &[&str]| -> (usize, usize) {
        let out = tiercheck()
            .current_dir(tmp.path())
            .args(["check", "drafts", "--facts", "reports", "--format", "json"])
            .args(extra)
            .output()
            .unwrap();
        let v: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|_| panic!("{}\n{}", stdout_of(&out), stderr_of(&out)));
        let count = |s: &str| {
            v["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|d| d["severity"] == s)
                .count()
        };
        (count("error"), count("warning"))
    };
    let report = |extra: &[&str]| -> String {
        let out = tiercheck()
            .current_dir(tmp.path())
            .args(["report", "reports/2022", "--drafts", "drafts", "-o", "site"])
            .args(extra)
            .output()
            .unwrap();
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{}",
            stderr_of(&out)
        );
        stdout_of(&out)
    };
    let line = |(e, w): (usize, usize)| format!("1 drafts ({e} errors, {w} warnings)");

    let configured = report(&[]);
    assert!(
        configured.starts_with("rules: rules (from `tiercheck.toml`)\n"),
        "{configured}"
    );
    let (errors, warnings) = check_counts(&[]);
    assert!(errors + warnings > 0, "the doubled word is a style finding");
    assert!(
        configured.contains(&line((errors, warnings))),
        "{configured}"
    );
    // Without the configuration every kind of check is reported, by both.
    let all = report(&["--no-config"]);
    assert!(all.starts_with("rules: bundled\n"), "{all}");
    assert!(all.contains(&line(check_counts(&["--no-config"]))), "{all}");
    assert_ne!(check_counts(&[]), check_counts(&["--no-config"]));
}
