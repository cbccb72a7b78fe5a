#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `extract` on the clean pillar drafts of `tests/variants/` (wording of published narratives,
//! 2017-2024, paraphrased for an invented country) reads the figures `tests/variants/extract.yaml`
//! expects, each into the right fact and period, and no figure into a fact it lists as absent.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    #[serde(default)]
    facts: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    absent: Vec<String>,
}

fn variants() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/variants")
}

fn extract(draft: &std::path::Path) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_tiercheck"))
        .args([
            "extract".as_ref(),
            draft.as_os_str(),
            "--format".as_ref(),
            "json".as_ref(),
        ])
        .output()
        .expect("tiercheck runs");
    assert!(
        out.status.success(),
        "extract {} failed: {}",
        draft.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

/// A fact of the extracted file by its path (`prosecution.convictions`).
fn fact<'a>(v: &'a serde_json::Value, path: &str) -> Option<&'a serde_json::Value> {
    let (group, name) = path.split_once('.').expect("group.name");
    v["facts"]["facts"].get(group)?.get(name)
}

/// Numbers compare as numbers (`2` and `2.0` are one figure).
fn same(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    match (a, b) {
        (serde_json::Value::Number(x), serde_json::Value::Number(y)) => x.as_f64() == y.as_f64(),
        (serde_json::Value::Object(x), serde_json::Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

#[test]
fn clean_pillar_drafts_extract_to_the_expected_figures() {
    let expected: BTreeMap<String, Expect> = serde_yaml::from_str(
        &std::fs::read_to_string(variants().join("extract.yaml")).expect("extract.yaml"),
    )
    .expect("draft -> { facts, absent }");
    assert!(expected.len() >= 4, "extract.yaml lost its drafts");
    let mut failures = Vec::new();
    for (name, want) in &expected {
        let draft = variants().join(name);
        assert!(
            draft.exists(),
            "extract.yaml names `{name}`, which is not in tests/variants"
        );
        let got = extract(&draft);
        for (path, value) in &want.facts {
            // A plain figure must be read without a previous-period figure: `same` compares the
            // whole reading, so `2` does not match `{ value: 2, previous: 1 }`.
            let want_value = value;
            match fact(&got, path) {
                None => failures.push(format!("{name}: `{path}` was not read (expected {value})")),
                Some(found) if !same(found, want_value) => failures.push(format!(
                    "{name}: `{path}` read as {found}, expected {want_value}"
                )),
                Some(_) => {}
            }
        }
        for path in &want.absent {
            if let Some(found) = fact(&got, path) {
                failures.push(format!("{name}: `{path}` must not be read, found {found}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_clean_pillar_draft_has_extract_expectations() {
    let expected: BTreeMap<String, serde_yaml::Value> = serde_yaml::from_str(
        &std::fs::read_to_string(variants().join("extract.yaml")).expect("extract.yaml"),
    )
    .expect("a map");
    for entry in std::fs::read_dir(variants())
        .expect("tests/variants")
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().to_string();
        if name.starts_with("clean-pillar-") && name.ends_with(".txt") {
            assert!(
                expected.contains_key(&name),
                "tests/variants/extract.yaml has no expectations for `{name}`"
            );
        }
    }
}
