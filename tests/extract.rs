//! `extract` reads back what `draft` writes and what published narratives say: every facts file
//! of reports/ is drafted, the draft extracted into a folder of the same shape
//! (`<year>/<country>.yaml`, so the previous year's file is found as `assess` finds it), and
//! both are assessed to the same tier, movement and pillar trends; the published Tajikistan
//! narrative (when ../shared/domain is present) extracts to its facts file.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Run tiercheck; exit 1 (a finding, e.g. an undetermined verdict) still gives its output.
fn tiercheck(args: &[&std::ffi::OsStr]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_tiercheck"))
        .args(args)
        .current_dir(crate_dir())
        .output()
        .expect("tiercheck runs");
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "tiercheck {:?} failed: {}",
        args,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// Tier, movement and the three pillar trends of one facts file.
fn outcome(facts: &Path) -> Vec<String> {
    let text = tiercheck(&[
        "assess".as_ref(),
        facts.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    let v: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let a = &v[0];
    let s = |x: &serde_json::Value| x.as_str().unwrap_or("-").to_string();
    vec![
        format!("tier {}", s(&a["tier"])),
        format!("movement {}", s(&a["movement"])),
        format!("prosecution {}", s(&a["pillars"]["prosecution"]["trend"])),
        format!("protection {}", s(&a["pillars"]["protection"]["trend"])),
        format!("prevention {}", s(&a["pillars"]["prevention"]["trend"])),
    ]
}

/// Every `reports/<year>/<country>.yaml`, as (year, file name, path relative to the crate).
fn facts_files() -> Vec<(String, String, PathBuf)> {
    let mut out = Vec::new();
    for year in std::fs::read_dir(crate_dir().join("reports"))
        .expect("reports/")
        .flatten()
    {
        let y = year.file_name().to_string_lossy().to_string();
        for f in std::fs::read_dir(year.path())
            .expect("a year folder")
            .flatten()
        {
            let name = f.file_name().to_string_lossy().to_string();
            if name.ends_with(".yaml") {
                out.push((
                    y.clone(),
                    name.clone(),
                    PathBuf::from("reports").join(&y).join(&name),
                ));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn extracted_drafts_assess_to_the_same_tier_and_trends() {
    let exceptions: BTreeMap<String, String> = serde_yaml::from_str(
        &std::fs::read_to_string(crate_dir().join("tests/extract-round-trip.yaml"))
            .expect("tests/extract-round-trip.yaml"),
    )
    .expect("a map of file -> reason");
    let files = facts_files();
    assert!(files.len() >= 10, "reports/ lost its facts files");
    for listed in exceptions.keys() {
        assert!(
            files.iter().any(|(_, _, p)| p == Path::new(listed)),
            "tests/extract-round-trip.yaml lists `{listed}`, which is not in reports/"
        );
    }
    let dir = tempfile::tempdir().expect("temp dir");
    // Extract every draft first, so each extracted file finds its previous year's beside it.
    for (year, name, path) in &files {
        let drafts = dir.path().join("drafts").join(year);
        let facts = dir.path().join(year);
        std::fs::create_dir_all(&drafts).expect("mkdir");
        std::fs::create_dir_all(&facts).expect("mkdir");
        let draft = drafts.join(name.replace(".yaml", ".txt"));
        // A facts file whose verdict lacks evidence drafts with its gaps as notes.
        tiercheck(&[
            "draft".as_ref(),
            "--allow-incomplete".as_ref(),
            path.as_os_str(),
            "-o".as_ref(),
            draft.as_os_str(),
        ]);
        tiercheck(&[
            "extract".as_ref(),
            draft.as_os_str(),
            "--year".as_ref(),
            year.as_ref(),
            "-o".as_ref(),
            facts.join(name).as_os_str(),
        ]);
    }
    let mut failures = Vec::new();
    let mut compared = 0;
    for (year, name, path) in &files {
        if exceptions.contains_key(&path.to_string_lossy().to_string()) {
            continue;
        }
        let want = outcome(path);
        let got = outcome(&dir.path().join(year).join(name));
        if want != got {
            failures.push(format!("{}: {want:?}, extracted {got:?}", path.display()));
        }
        compared += 1;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(compared >= 10, "only {compared} files compared");
}

#[test]
fn published_tajikistan_narrative_extracts_to_its_facts() {
    let narrative = crate_dir().join("../shared/domain/tajikistan-2022.txt");
    if !narrative.is_file() {
        eprintln!("skipped: {} is absent", narrative.display());
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("2022");
    std::fs::create_dir_all(&out).expect("mkdir");
    let extracted = out.join("tajikistan.yaml");
    tiercheck(&[
        "extract".as_ref(),
        narrative.as_os_str(),
        "-o".as_ref(),
        extracted.as_os_str(),
    ]);

    // Every fact read agrees with the facts file, and nothing is read that it does not state.
    let read: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(&extracted).expect("written")).expect("YAML");
    let want: serde_yaml::Value = serde_yaml::from_str(
        &std::fs::read_to_string(crate_dir().join("reports/2022/tajikistan.yaml")).expect("facts"),
    )
    .expect("YAML");
    let mut compared = 0;
    let mut failures = Vec::new();
    for (group, members) in read["facts"].as_mapping().expect("grouped facts") {
        for (name, value) in members.as_mapping().expect("a group is a map") {
            let expected = &want["facts"][group][name];
            let path = format!(
                "{}.{}",
                group.as_str().unwrap_or("?"),
                name.as_str().unwrap_or("?")
            );
            let long = |v: &serde_yaml::Value| {
                v.as_mapping()
                    .is_some_and(|m| m.contains_key("value") || m.contains_key("previous"))
            };
            let pairs: Vec<(&str, &serde_yaml::Value, &serde_yaml::Value)> =
                match (long(value), long(expected)) {
                    (true, true) => ["value", "previous"]
                        .into_iter()
                        .filter(|k| value.get(k).is_some())
                        .map(|k| (k, &value[k], &expected[k]))
                        .collect(),
                    (false, true) => vec![("value", value, &expected["value"])],
                    (true, false) => vec![("value", &value["value"], expected)],
                    (false, false) => vec![("value", value, expected)],
                };
            for (k, got, exp) in pairs {
                if got != exp {
                    failures.push(format!(
                        "`{path}` {k}: read {got:?}, the facts file says {exp:?}"
                    ));
                }
            }
            compared += 1;
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(compared >= 60, "only {compared} facts read");
    assert_eq!(read["history"][0]["tier"].as_str(), Some("2"));

    assert_eq!(
        outcome(&extracted),
        vec![
            "tier 2",
            "movement remained",
            "prosecution decreased",
            "protection maintained",
            "prevention increased"
        ]
    );
}

#[test]
fn the_report_year_comes_from_the_file_name_when_no_title_line_says_it() {
    let draft = tiercheck(&[
        "draft".as_ref(),
        crate_dir().join("reports/2022/veloria.yaml").as_os_str(),
    ]);
    assert!(
        !draft.contains("Trafficking in Persons Report"),
        "a title line"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("veloria-2022.txt");
    std::fs::write(&path, &draft).unwrap();
    let json = tiercheck(&[
        "extract".as_ref(),
        path.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["facts"]["year"], 2022, "{json}");
    assert_eq!(v["facts"]["period"], 2021, "{json}");
}
