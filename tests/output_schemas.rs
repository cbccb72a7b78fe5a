//! The JSON outputs of `assess`, `check` and `extract` against their committed schemas
//! (`rules/schema/output.*.schema.json`, printed by `tiercheck schema output NAME`): real output
//! validates, every documented field is present on every object (`null` when it has no value),
//! money with a whole amount is a whole number, and a run where an input fails is still a
//! complete document.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn run(cwd: &Path, args: &[&str]) -> (Value, i32) {
    let out = Command::cargo_bin("tiercheck")
        .unwrap()
        .current_dir(cwd)
        .args(args)
        .output()
        .unwrap();
    let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "`tiercheck {}` printed no JSON ({e}): {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (v, out.status.code().unwrap_or(-1))
}

fn committed(name: &str) -> Value {
    let path = crate_dir().join(format!("rules/schema/output.{name}.schema.json"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn validate(name: &str, doc: &Value) {
    let validator = jsonschema::validator_for(&committed(name)).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .take(20)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{name} output:\n{}", errors.join("\n"));
}

#[test]
fn schema_output_prints_the_committed_schemas() {
    for name in ["assess", "check", "extract"] {
        let (printed, code) = run(&crate_dir(), &["schema", "output", name]);
        assert_eq!(code, 0);
        assert_eq!(
            printed,
            committed(name),
            "rules/schema/output.{name}.schema.json"
        );
    }
}

/// Every object schema of the outputs (the embedded facts file aside) requires every property
/// it lists and allows no other: so valid output has every documented field on every object.
#[test]
fn every_documented_field_is_required_on_every_object() {
    fn walk(v: &Value, at: &str, objects: &mut usize) {
        let Value::Object(o) = v else {
            if let Value::Array(items) = v {
                for (i, item) in items.iter().enumerate() {
                    walk(item, &format!("{at}/{i}"), objects);
                }
            }
            return;
        };
        if o.get("title").and_then(Value::as_str) == Some("tiercheck facts file") {
            return;
        }
        if let Some(Value::Object(props)) = o.get("properties") {
            *objects += 1;
            let required: Vec<&str> = o["required"]
                .as_array()
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            for k in props.keys() {
                assert!(
                    required.contains(&k.as_str()),
                    "{at}: `{k}` is not required"
                );
            }
            assert_eq!(o["additionalProperties"], false, "{at}");
        }
        for (k, child) in o {
            // The facts file `extract` embeds follows the facts format, where most fields are
            // optional; its definitions come from the catalog, in snake_case (the output types'
            // are CamelCase).
            if at.ends_with("/definitions") && k.starts_with(|c: char| c.is_lowercase()) {
                continue;
            }
            walk(child, &format!("{at}/{k}"), objects);
        }
    }
    for name in ["assess", "check", "extract"] {
        let mut objects = 0;
        walk(&committed(name), name, &mut objects);
        assert!(objects >= 3, "{name}: {objects} object schemas");
    }
}

#[test]
fn assess_output_is_valid_with_whole_money_as_whole_numbers() {
    let (doc, code) = run(&crate_dir(), &["assess", "reports", "--format", "json"]);
    assert!(code == 0 || code == 1);
    validate("assess", &doc);
    let tajikistan = doc
        .as_array()
        .unwrap()
        .iter()
        .find(|a| {
            a["file"]
                .as_str()
                .unwrap()
                .ends_with("2022/tajikistan.yaml")
        })
        .unwrap();
    let funding = &tajikistan["facts"]["protection"]["shelter_funding"];
    assert_eq!(funding["previous"]["amount"], Value::from(253670u64));
    assert!(funding["previous"]["amount"].is_u64(), "{funding}");

    // A file that says almost nothing: unset fields are null, not absent.
    let (doc, code) = run(
        &crate_dir(),
        &[
            "assess",
            "tests/evidence/country-year-only.yaml",
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 1);
    validate("assess", &doc);
    assert!(doc[0]["facts"]["prosecution"]["convictions"]["note"].is_null());
}

#[test]
fn check_output_is_valid_and_complete_when_an_input_fails() {
    let (doc, code) = run(&crate_dir(), &["check", "tests/check", "--format", "json"]);
    assert_eq!(code, 1);
    validate("check", &doc);
    assert!(doc["diagnostics"].as_array().unwrap().len() > 20);

    let (doc, code) = run(
        &crate_dir(),
        &[
            "check",
            "tests/check/tier-mismatch.txt",
            "missing.txt",
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 2);
    validate("check", &doc);
    assert_eq!(doc["failed"][0]["code"], "io-error");
    // A failure without a place of its own is placed at the draft it stopped.
    assert_eq!(doc["failed"][0]["file"], "missing.txt");
    assert_eq!(doc["not_checked"][0], "missing.txt");
    assert_eq!(doc["diagnostics"][0]["code"], "tier-mismatch");
    assert_eq!(
        doc["diagnostics"][0]["related"][0]["message"],
        "heading tier"
    );
}

#[test]
fn extract_output_is_valid() {
    let dir = tempfile::tempdir().unwrap();
    let draft = dir.path().join("tajikistan-2022.txt");
    let out = Command::cargo_bin("tiercheck")
        .unwrap()
        .current_dir(crate_dir())
        .args(["draft", "reports/2022/tajikistan.yaml", "-o"])
        .arg(&draft)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (doc, code) = run(
        &crate_dir(),
        &["extract", draft.to_str().unwrap(), "--format", "json"],
    );
    assert_eq!(code, 0);
    validate("extract", &doc);
    assert!(doc["facts"]["facts"]["prosecution"].is_object());
}
