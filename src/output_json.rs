//! The JSON documents of the commands whose shape this module owns (`check --format json`), and
//! the JSON Schemas of every command's JSON output (`tiercheck schema output assess|check|extract`),
//! committed under `rules/schema/` and tested against real output.
//!
//! Every documented field is always present, `null` when it has no value; a document is complete
//! even when some inputs could not be read (they are listed, and the run exits 2).

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::assessment::{Assessment, FactView};
use crate::config::RulesUsed;
use crate::diagnostic::{Diagnostic, Severity, Summary};
use crate::extract::Extracted;
use crate::jsonschema;
use crate::rulebook::Rulebook;

/// `check --format json`.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(
    title = "tiercheck check --format json",
    description = "The findings of `tiercheck check`, sorted by file, position, severity and code, and the inputs it could not check."
)]
pub struct CheckDocument {
    /// The rules used, and the configuration file read (`null` when the run stopped before
    /// knowing them).
    pub rules: Option<RulesUsed>,
    /// Every finding of every checked draft (suppressed findings are not listed).
    pub diagnostics: Vec<JsonDiagnostic>,
    /// Counts of `diagnostics` by severity.
    pub summary: CheckSummary,
    /// Why inputs could not be read or checked; the run exits 2 when this is not empty.
    pub failed: Vec<JsonDiagnostic>,
    /// The drafts that could not be checked, in order.
    pub not_checked: Vec<String>,
    /// Files of a folder that are not drafts tiercheck reads, and why.
    pub skipped: Vec<CheckSkipped>,
}

/// Counts of findings by severity, and of drafts checked and not checked.
#[derive(Debug, Serialize, JsonSchema)]
pub struct CheckSummary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    /// Drafts checked.
    pub checked: usize,
    /// Drafts that could not be checked.
    pub failed: usize,
}

/// A file of a folder run that was not checked.
#[derive(Debug, Serialize, JsonSchema)]
pub struct CheckSkipped {
    pub file: String,
    /// Why it was skipped.
    pub reason: String,
}

/// One finding. Lines are 1-based; columns are 1-based and count Unicode characters (code
/// points); the end is exclusive (the position just after the last character).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct JsonDiagnostic {
    /// The file, as named on the command line (or the sidecar file); `null` when the finding is
    /// not tied to a file.
    pub file: Option<String>,
    /// The check code (stable, kebab-case; `tiercheck check --explain CODE`).
    pub code: String,
    pub severity: JsonSeverity,
    /// The finding, user values in backticks.
    pub message: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub end_line: Option<usize>,
    pub end_column: Option<usize>,
    /// Advice, or `null`.
    pub help: Option<String>,
    /// Other places that explain this one (the fact in the facts file, the first of two
    /// duplicates).
    pub related: Vec<JsonRelated>,
}

#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum JsonSeverity {
    Error,
    Warning,
    Info,
}

/// A related place: file, 1-based line and column (characters), exclusive end, and what it shows.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct JsonRelated {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub message: String,
}

impl From<&Diagnostic> for JsonDiagnostic {
    fn from(d: &Diagnostic) -> Self {
        let lc = d.line_cols();
        JsonDiagnostic {
            file: d.location.as_ref().map(|l| l.file.name.clone()),
            code: d.code.clone(),
            severity: match d.severity {
                Severity::Error => JsonSeverity::Error,
                Severity::Warning => JsonSeverity::Warning,
                Severity::Info => JsonSeverity::Info,
            },
            message: d.message.clone(),
            line: lc.map(|c| c.0),
            column: lc.map(|c| c.1),
            end_line: lc.map(|c| c.2),
            end_column: lc.map(|c| c.3),
            help: d.help.clone(),
            related: d
                .related
                .iter()
                .map(|(l, text)| {
                    let (line, column) = l.file.line_col(l.span.start);
                    let (end_line, end_column) = l.file.line_col(l.span.end);
                    JsonRelated {
                        file: l.file.name.clone(),
                        line,
                        column,
                        end_line,
                        end_column,
                        message: text.clone(),
                    }
                })
                .collect(),
        }
    }
}

/// The `check` document: the findings of every checked draft, and why the others failed.
pub fn check(report: &crate::batch::Report, rules: Option<&RulesUsed>) -> Value {
    let (files, failed) = (&report.files, &report.failed);
    let mut all: Vec<Diagnostic> = files.values().flatten().cloned().collect();
    crate::diagnostic::sort(&mut all);
    let s = Summary::of(&all);
    let doc = CheckDocument {
        rules: rules.cloned(),
        diagnostics: all.iter().map(JsonDiagnostic::from).collect(),
        summary: CheckSummary {
            errors: s.errors,
            warnings: s.warnings,
            infos: s.infos,
            checked: files.len(),
            failed: report.not_checked.len(),
        },
        failed: failed.iter().map(JsonDiagnostic::from).collect(),
        not_checked: report.not_checked.clone(),
        skipped: report
            .skipped
            .iter()
            .map(|s| CheckSkipped {
                file: s.file.clone(),
                reason: s.why.clone(),
            })
            .collect(),
    };
    serde_json::to_value(&doc).unwrap_or(Value::Null)
}

/// One object of `assess --format json`: the assessment and the rules that made it (the command
/// adds `rules`; this type only describes the shape).
#[derive(JsonSchema)]
#[allow(dead_code)]
struct AssessOutput {
    /// The rules used, and the configuration file read.
    rules: RulesUsed,
    #[serde(flatten)]
    assessment: Assessment,
}

/// The JSON outputs with a schema, by the command that prints them.
pub const OUTPUTS: &[&str] = &["assess", "check", "extract"];

/// The JSON Schema of a command's JSON output (see [`OUTPUTS`]); `None` for another name.
///
/// Generated from the types the output is written from; every property of every object is
/// required (a field without a value is `null`, never absent) and no other property is allowed.
pub fn output_schema(rules: &Rulebook, name: &str) -> Option<Value> {
    let generator = || SchemaSettings::draft07().for_serialize().into_generator();
    let (title, description, mut schema) = match name {
        "assess" => (
            "tiercheck assess --format json",
            "One assessment per facts file, in argument order (`tiercheck assess --format json`).",
            generator().into_root_schema_for::<Vec<AssessOutput>>().to_value(),
        ),
        "check" => (
            "tiercheck check --format json",
            "The findings of `tiercheck check --format json`, and the inputs it could not check.",
            generator().into_root_schema_for::<CheckDocument>().to_value(),
        ),
        "extract" => (
            "tiercheck extract --format json",
            "What `tiercheck extract --format json` read from a narrative: a facts file, the stated tier and movement, and the sentences with figures no pattern read.",
            generator().into_root_schema_for::<Extracted>().to_value(),
        ),
        _ => return None,
    };
    if let Some(defs) = schema.get_mut("definitions") {
        strict(defs);
    }
    if let Some(o) = schema.as_object_mut() {
        for (k, v) in o.iter_mut() {
            if k != "definitions" {
                strict(v);
            }
        }
        strict_object(o);
    }
    if name == "extract" {
        // `facts` is a facts file: the facts schema of the catalog, its definitions merged in.
        let mut facts = jsonschema::facts_schema(rules);
        if let Some(o) = facts.as_object_mut() {
            o.remove("$schema");
            if let Some(Value::Object(defs)) = o.remove("definitions") {
                if let Some(root) = schema.get_mut("definitions").and_then(Value::as_object_mut) {
                    root.extend(defs);
                } else if let Some(root) = schema.as_object_mut() {
                    root.insert("definitions".into(), Value::Object(defs));
                }
            }
        }
        if let Some(p) = schema.pointer_mut("/properties/facts") {
            *p = facts;
        }
    }
    if let Some(o) = schema.as_object_mut() {
        let mut head = Map::new();
        head.insert("$schema".into(), json!(DRAFT));
        head.insert("title".into(), json!(title));
        head.insert("description".into(), json!(description));
        for (k, v) in std::mem::take(o) {
            if !head.contains_key(&k) {
                head.insert(k, v);
            }
        }
        *o = head;
    }
    Some(schema)
}

const DRAFT: &str = "http://json-schema.org/draft-07/schema#";

/// Every object schema below `v` (generated from the output types; the facts file `extract`
/// embeds is added after): every property required, no other allowed.
fn strict(v: &mut Value) {
    match v {
        Value::Object(o) => {
            strict_object(o);
            for (_, child) in o.iter_mut() {
                strict(child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(strict),
        _ => {}
    }
}

fn strict_object(o: &mut Map<String, Value>) {
    let Some(Value::Object(props)) = o.get("properties") else {
        return;
    };
    let keys: Vec<Value> = props.keys().map(|k| json!(k)).collect();
    o.insert("required".into(), Value::Array(keys));
    o.insert("additionalProperties".into(), json!(false));
}

/// `facts` of an assessment: groups of facts by the first segment of their path, each fact
/// `{status, value, previous_status, previous, noun, note}`.
pub fn facts_views(g: &mut SchemaGenerator) -> Schema {
    let view = g.subschema_for::<FactView>();
    let mut s = Schema::default();
    s.insert("type".into(), json!("object"));
    s.insert(
        "description".into(),
        json!("Every catalog fact, nested by path: `facts.prosecution.convictions`"),
    );
    s.insert(
        "additionalProperties".into(),
        json!({"type": "object", "additionalProperties": view.to_value()}),
    );
    s
}

/// `facts` of `extract`: replaced by the facts schema in [`output_schema`].
pub fn facts_file_placeholder(_: &mut SchemaGenerator) -> Schema {
    let mut s = Schema::default();
    s.insert("type".into(), json!("object"));
    s
}

/// The output schemas committed under `rules/schema/`, by file name, with their text.
pub fn committed_files(rules: &Rulebook) -> Vec<(String, String)> {
    OUTPUTS
        .iter()
        .filter_map(|name| {
            output_schema(rules, name).map(|s| (format!("output.{name}.schema.json"), pretty(&s)))
        })
        .collect()
}

/// Pretty JSON with a final newline.
pub fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v)
        .map(|s| s + "\n")
        .unwrap_or_default()
}
