//! Shared by the fixture runners (`check_fixtures.rs`, `check_variants.rs`): check a folder of
//! drafts in one run and compare each draft's diagnostics with its `<name>.expected.yaml`.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tiercheck::cli::RulesArg;
use tiercheck::commands::check::{execute, CheckArgs, CheckFormat};

/// One diagnostic as an expectation file lists it.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
pub struct Expected {
    pub code: String,
    pub severity: String,
    pub line: usize,
    pub column: usize,
}

/// `check --format json` arguments for drafts, text only, ignoring codes or kinds.
pub fn args(drafts: Vec<PathBuf>, ignore: &[&str]) -> CheckArgs {
    CheckArgs {
        drafts,
        facts: None,
        rules: RulesArg::default(),
        format: CheckFormat::Json,
        select: Vec::new(),
        ignore: ignore.iter().map(|s| (*s).to_string()).collect(),
        explain: None,
        watch: false,
        year: None,
        ..CheckArgs::default()
    }
}

/// The JSON diagnostics of one run.
pub fn diagnostics(args: &CheckArgs) -> Vec<serde_json::Value> {
    let (text, _) = match execute(args) {
        Ok(ok) => ok,
        Err(ds) => panic!(
            "check could not run: {:?}",
            ds.iter().map(|d| &d.message).collect::<Vec<_>>()
        ),
    };
    let v: serde_json::Value = serde_json::from_str(&text).expect("check prints JSON");
    v["diagnostics"].as_array().cloned().unwrap_or_default()
}

/// `tiercheck check DRAFT --facts FACTS --format json` through the binary: its exit code and report.
pub fn check_binary(draft: &Path, facts: &str) -> (Option<i32>, serde_json::Value) {
    let out = assert_cmd::Command::cargo_bin("tiercheck")
        .expect("the binary is built")
        .args([
            "check",
            &draft.display().to_string(),
            "--facts",
            facts,
            "--format",
            "json",
        ])
        .output()
        .expect("the binary runs");
    let report = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
        panic!(
            "check printed no JSON: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code(), report)
}

/// The `.txt` drafts of a folder under `tests/`, sorted.
pub fn drafts(folder: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(folder);
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    out.sort();
    out
}

/// Check the drafts in one run (the rules load once) and group the findings by draft.
pub fn by_file(drafts: &[PathBuf], ignore: &[&str]) -> BTreeMap<PathBuf, Vec<Expected>> {
    let mut out: BTreeMap<PathBuf, Vec<Expected>> =
        drafts.iter().map(|p| (p.clone(), Vec::new())).collect();
    for d in diagnostics(&args(drafts.to_vec(), ignore)) {
        let file = PathBuf::from(d["file"].as_str().unwrap_or_default());
        out.entry(file).or_default().push(Expected {
            code: d["code"].as_str().unwrap_or_default().to_string(),
            severity: d["severity"].as_str().unwrap_or_default().to_string(),
            line: d["line"].as_u64().unwrap_or_default() as usize,
            column: d["column"].as_u64().unwrap_or_default() as usize,
        });
    }
    out
}

/// Compare every draft's findings with its `<name>.expected.yaml`; with `TIERCHECK_BLESS` set,
/// write the files that are missing or differ instead. Returns the mismatches.
pub fn compare_with_expectations(found: BTreeMap<PathBuf, Vec<Expected>>) -> Vec<String> {
    let bless = std::env::var_os("TIERCHECK_BLESS").is_some();
    let mut failures = Vec::new();
    for (draft, actual) in found {
        let expected_path = draft.with_extension("expected.yaml");
        let expected: Option<Vec<Expected>> = std::fs::read_to_string(&expected_path)
            .ok()
            .map(|t| serde_yaml::from_str(&t).expect("expectation files are YAML lists"));
        if expected.as_ref() != Some(&actual) {
            if bless {
                let text = serde_yaml::to_string(&actual).expect("serializable");
                std::fs::write(&expected_path, text).expect("writable");
            } else {
                failures.push(format!(
                    "{}:\n  expected {expected:?}\n  found    {actual:?}",
                    draft.display()
                ));
            }
        }
    }
    failures
}

/// Whether a draft's name marks it clean (`clean-*.txt`).
pub fn is_clean(p: &Path) -> bool {
    p.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with("clean"))
}

/// Every documented check code with its default severity: rules/checks.yaml, and the language
/// rules of rules/style.yaml (warnings unless they say otherwise).
pub fn documented_severities() -> BTreeMap<String, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let read = |name: &str| -> serde_yaml::Value {
        let text = std::fs::read_to_string(root.join(name)).expect("bundled rule file");
        serde_yaml::from_str(&text).expect("bundled rule file is YAML")
    };
    let mut out = BTreeMap::new();
    for (file, list, key, default) in [
        ("checks.yaml", "checks", "code", "error"),
        ("style.yaml", "rules", "id", "warning"),
    ] {
        let v = read(file);
        for entry in v[list].as_sequence().into_iter().flatten() {
            let Some(code) = entry[key].as_str() else {
                continue;
            };
            let severity = entry["severity"].as_str().unwrap_or(default);
            out.insert(code.to_string(), severity.to_string());
        }
    }
    out
}

/// Copy a folder and everything in it (a rules folder into a temporary checkout).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}
