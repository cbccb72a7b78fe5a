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

/// A report laid out as `check` expects it: `facts/2022/<country>.yaml` copied from the bundled
/// reports, and `drafts/` with each country's draft, generated by `tiercheck draft` from those
/// facts and named `<name>-2022.txt` (`names[i]` for `countries[i]`), so only the draft's heading
/// and the year of its file name can pair it with its facts.
fn report_folders(countries: &[&str], names: &[&str]) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let facts = dir.path().join("facts");
    let drafts = dir.path().join("drafts");
    std::fs::create_dir_all(facts.join("2022")).expect("facts folder");
    std::fs::create_dir_all(&drafts).expect("drafts folder");
    let reports = Path::new(env!("CARGO_MANIFEST_DIR")).join("reports/2022");
    for (country, name) in countries.iter().zip(names) {
        let f = facts.join("2022").join(format!("{country}.yaml"));
        std::fs::copy(reports.join(format!("{country}.yaml")), &f).expect("copy facts");
        tiercheck()
            .arg("draft")
            .arg(&f)
            .arg("-o")
            .arg(drafts.join(format!("{name}-2022.txt")))
            .assert()
            .code(0);
    }
    (dir, facts, drafts)
}

fn check_json(drafts: &Path, facts: &Path, code: i32) -> Vec<serde_json::Value> {
    let out = tiercheck()
        .args(["check", "--format", "json"])
        .arg(drafts)
        .arg("--facts")
        .arg(facts)
        .assert()
        .code(code)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).expect("JSON");
    v["diagnostics"].as_array().expect("diagnostics").clone()
}

fn file_of(d: &serde_json::Value) -> &str {
    d["file"].as_str().expect("file")
}

#[test]
fn a_facts_folder_pairs_each_draft_with_the_facts_of_its_country_and_year() {
    let (_dir, facts, drafts) = report_folders(&["tajikistan", "veloria"], &["first", "second"]);
    // Drafted from their own facts, both check clean: each was paired with its own file (the
    // other country's facts would contradict its tier, movement and figures).
    assert!(check_json(&drafts, &facts, 0).is_empty());
    let wrong = tiercheck()
        .args(["check", "--format", "json"])
        .arg(drafts.join("second-2022.txt"))
        .arg("--facts")
        .arg(facts.join("2022/tajikistan.yaml"))
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    assert!(String::from_utf8_lossy(&wrong).contains("\"severity\": \"error\""));

    // A figure that contradicts its own facts is reported for that draft only, against its file.
    let first = drafts.join("first-2022.txt");
    let text = std::fs::read_to_string(&first).expect("draft");
    assert!(text.contains("investigated 22 trafficking cases"));
    std::fs::write(
        &first,
        text.replacen(
            "investigated 22 trafficking cases",
            "investigated 23 trafficking cases",
            1,
        ),
    )
    .expect("edit draft");
    let ds = check_json(&drafts, &facts, 1);
    assert_eq!(ds.len(), 1, "{ds:#?}");
    let d = &ds[0];
    assert_eq!(d["code"], "count-mismatch");
    assert_eq!(d["severity"], "error");
    assert!(file_of(d).ends_with("first-2022.txt"), "{d}");
    assert!(d["message"].as_str().expect("message").contains("`23`"));
    let help = d["help"].as_str().expect("help");
    let own = Path::new("2022").join("tajikistan.yaml");
    assert!(help.contains(&own.display().to_string()), "{help}");
}

#[test]
fn drafts_sharing_a_facts_file_are_each_checked_against_it() {
    let (_dir, facts, drafts) = report_folders(&["tajikistan"], &["first"]);
    let text = std::fs::read_to_string(drafts.join("first-2022.txt")).expect("draft");
    for (name, figure) in [("second", "23"), ("third", "22"), ("fourth", "24")] {
        std::fs::write(
            drafts.join(format!("{name}-2022.txt")),
            text.replacen(
                "investigated 22 trafficking cases",
                &format!("investigated {figure} trafficking cases"),
                1,
            ),
        )
        .expect("write draft");
    }
    let ds = check_json(&drafts, &facts, 1);
    let found: Vec<(&str, &str)> = ds
        .iter()
        .map(|d| {
            let file = Path::new(file_of(d))
                .file_name()
                .and_then(|n| n.to_str())
                .expect("file name");
            (file, d["code"].as_str().expect("code"))
        })
        .collect();
    assert_eq!(
        found,
        [
            ("fourth-2022.txt", "count-mismatch"),
            ("second-2022.txt", "count-mismatch")
        ],
        "{ds:#?}"
    );
}

#[test]
fn a_draft_without_a_facts_file_in_the_folder_is_named_in_a_warning() {
    let (_dir, facts, drafts) = report_folders(&["veloria"], &["second"]);
    // A country with no facts file in the folder.
    let text = std::fs::read_to_string(drafts.join("second-2022.txt")).expect("draft");
    let orphan = drafts.join("third-2022.txt");
    std::fs::write(&orphan, text.replace("Veloria", "Atlantis")).expect("write draft");

    let ds = check_json(&drafts, &facts, 0);
    assert_eq!(ds.len(), 1, "{ds:#?}");
    let d = &ds[0];
    assert_eq!(d["code"], "no-facts-file");
    assert_eq!(d["severity"], "warning");
    assert!(file_of(d).ends_with("third-2022.txt"), "{d}");
    assert!(d["message"]
        .as_str()
        .expect("message")
        .contains(&format!("no facts file found for `{}`", orphan.display())));

    // The human output names the draft too, and the paired draft is still checked.
    tiercheck()
        .env("NO_COLOR", "1")
        .arg("check")
        .arg(&drafts)
        .arg("--facts")
        .arg(&facts)
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "third-2022.txt: 0 errors, 1 warning",
        ))
        .stdout(predicate::str::contains(
            "second-2022.txt: 0 errors, 0 warnings",
        ))
        .stdout(predicate::str::contains(
            "checked 2 drafts: 0 errors, 1 warning",
        ));
}

/// A draft whose name and text give no report year: `--year` says which year it is, so a
/// comparison with a year other than the previous reporting period is found.
#[test]
fn year_flag_gives_the_report_year_of_a_draft_without_one() {
    let dir = tempfile::tempdir().unwrap();
    let draft = dir.path().join("borduria.txt");
    std::fs::write(
        &draft,
        "PROSECUTION\n\nThe government maintained law enforcement efforts. The government investigated 41 cases, compared with 88 cases in 2018.\n",
    )
    .unwrap();
    let run = |extra: &[&str]| {
        let out = tiercheck()
            .args(["check", "--select", "comparison-year", "--format", "json"])
            .arg(&draft)
            .args(extra)
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["diagnostics"].as_array().unwrap().len()
    };
    assert_eq!(
        run(&[]),
        0,
        "without a year nothing says which period is the previous one"
    );
    assert_eq!(run(&["--year", "2021"]), 1);
    assert_eq!(
        run(&["--year", "2020"]),
        0,
        "2018 is the previous period of the 2020 report"
    );
}
