//! The facts JSON Schema (what an editor checks while people type) and the facts loader (what
//! `assess` reads) agree on every facts file of `tests/` and `reports/`: the schema accepts a
//! file exactly when the loader finds nothing wrong with its shape. The loader also checks what
//! no schema can say (listed in [`BEYOND_THE_SCHEMA`]); a file it rejects only for those may pass
//! the schema. `tests/fixtures/schema-agreement/` holds the edge cases, each saying in its first
//! line what both must do.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use serde_json::Value;
use tiercheck::diagnostic::Diagnostic;

/// Loader checks that need the whole file, the other facts or the clock: the catalog's
/// constraints, history years before the report year and not repeated, a report year too far
/// ahead of the current year.
const BEYOND_THE_SCHEMA: &[&str] = &["impossible-facts", "bad-history", "bad-report-year"];

/// Loader codes for a file that is not YAML a schema can read at all.
const NOT_YAML: &[&str] = &[
    "yaml-syntax",
    "yaml-too-deep",
    "yaml-too-many-aliases",
    "duplicate-key",
];

fn facts_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    let mut stack = vec![root.join("tests"), root.join("reports")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "yaml" || x == "yml") {
                let text = std::fs::read_to_string(&p).unwrap_or_default();
                if text.lines().any(|l| {
                    ["country:", "year:", "facts:"]
                        .iter()
                        .any(|k| l.starts_with(k))
                }) {
                    out.push(p);
                }
            }
        }
    }
    out.sort();
    out
}

/// Whether a document holds a custom tag (`!custom 8`): a YAML language server cannot resolve
/// one to give the schema, and the loader refuses it where it expects a value.
fn has_custom_tag(y: &serde_yaml::Value) -> bool {
    use serde_yaml::Value as Y;
    match y {
        Y::Tagged(_) => true,
        Y::Sequence(items) => items.iter().any(has_custom_tag),
        Y::Mapping(m) => m
            .iter()
            .any(|(k, v)| has_custom_tag(k) || has_custom_tag(v)),
        _ => false,
    }
}

/// YAML as a YAML language server gives it to the schema: a number beyond 64 bits is a float.
fn as_json(y: &serde_yaml::Value) -> Value {
    use serde_yaml::Value as Y;
    match y {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(*b),
        Y::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(u), _, _) => u.into(),
            (_, Some(i), _) => i.into(),
            (_, _, Some(f)) => serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number),
            _ => Value::Null,
        },
        Y::String(s) => Value::String(s.clone()),
        Y::Sequence(items) => Value::Array(items.iter().map(as_json).collect()),
        Y::Mapping(m) => Value::Object(
            m.iter()
                .map(|(k, v)| {
                    (
                        k.as_str().map_or_else(|| format!("{k:?}"), str::to_string),
                        as_json(v),
                    )
                })
                .collect(),
        ),
        Y::Tagged(t) => as_json(&t.value),
    }
}

#[test]
fn the_facts_schema_and_the_loader_agree_on_every_facts_file() {
    let rules = tiercheck::load_rules(None).unwrap();
    let schema = tiercheck::jsonschema::facts_schema(&rules);
    let validator = jsonschema::validator_for(&schema).unwrap();
    let first_year = rules.report_years.as_ref().map_or(0, |y| y.first);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));

    let files = facts_files();
    let (mut accepted, mut rejected, mut edge_cases) = (0, 0, 0);
    let mut disagreements = Vec::new();
    for path in &files {
        let name = path.strip_prefix(root).unwrap().display().to_string();
        let file = tiercheck::source::read_source(path).unwrap();
        let loaded = tiercheck::facts::Facts::parse(&file, path, &rules);
        let codes: Vec<String> = match &loaded {
            Ok(_) => Vec::new(),
            Err(ds) => ds.iter().map(|d: &Diagnostic| d.code.clone()).collect(),
        };
        let not_yaml = codes.iter().any(|c| NOT_YAML.contains(&c.as_str()));
        let json: Option<Value> = if not_yaml {
            None
        } else {
            match serde_yaml::from_str::<serde_yaml::Value>(&file.text) {
                Ok(v) if has_custom_tag(&v) => None,
                Ok(v) => Some(as_json(&v)),
                // A whole number beyond 64 bits: the YAML library holds no such number,
                // while an editor reads it as a float, which every `maximum` of the schema rejects.
                Err(_) if codes.iter().any(|c| c == "number-too-large") => None,
                Err(e) => {
                    disagreements.push(format!("{name}: YAML the schema cannot be given: {e}"));
                    None
                }
            }
        };
        if let Some(first) = file.text.lines().next() {
            if let Some(expected) = first.strip_prefix("# both: ") {
                edge_cases += 1;
                if expected.starts_with("accept") != codes.is_empty() {
                    disagreements.push(format!("{name}: says `{first}`, the loader {codes:?}"));
                }
            }
        }
        let Some(json) = json else {
            // Not YAML (or a number no YAML library here holds, or a custom tag no schema
            // resolves): the loader must reject it.
            if codes.is_empty() {
                disagreements.push(format!("{name}: the loader reads a file that is not YAML"));
            }
            rejected += 1;
            continue;
        };
        // The schema bounds the report year from the first report to 2200; the loader's bound
        // ahead of the current year lies within them.
        let year_in_range = json["year"]
            .as_f64()
            .is_some_and(|y| y >= f64::from(first_year as i32) && y <= 2200.0);
        let shape_errors: Vec<&String> = codes
            .iter()
            .filter(|c| {
                !BEYOND_THE_SCHEMA.contains(&c.as_str())
                    || (c.as_str() == "bad-report-year" && !year_in_range)
            })
            .collect();
        let schema_errors: Vec<String> = validator
            .iter_errors(&json)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        let loader_accepts = shape_errors.is_empty();
        let schema_accepts = schema_errors.is_empty();
        if loader_accepts != schema_accepts {
            disagreements.push(format!(
                "{name}: the loader {} ({codes:?}), the schema {} ({})",
                if loader_accepts { "accepts" } else { "rejects" },
                if schema_accepts { "accepts" } else { "rejects" },
                schema_errors.join("; ")
            ));
        }
        if loader_accepts {
            accepted += 1;
        } else {
            rejected += 1;
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} of {} facts files:\n{}",
        disagreements.len(),
        files.len(),
        disagreements.join("\n")
    );
    // The corpus covers both verdicts and the edge cases.
    assert!(
        accepted > 20 && rejected > 15 && edge_cases >= 18,
        "{accepted} accepted, {rejected} rejected, {edge_cases} edge cases"
    );
}
