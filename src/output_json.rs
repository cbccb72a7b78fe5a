//! The JSON documents of the commands whose shape this module owns (`check --format json`), and
//! the JSON Schemas of every command's JSON output (`tiercheck schema output assess|check|extract`),
//! committed under `rules/schema/` and tested against real output.
//!
//! Every documented field is always present, `null` when it has no value; a document is complete
//! even when some inputs could not be read (they are listed, and the run exits 2).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

use crate::config::RulesUsed;
use crate::diagnostic::{Diagnostic, Severity, Summary};

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
}

/// Counts of findings by severity.
#[derive(Debug, Serialize, JsonSchema)]
pub struct CheckSummary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
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
pub fn check(
    files: &BTreeMap<String, Vec<Diagnostic>>,
    failed: &[Diagnostic],
    rules: Option<&RulesUsed>,
) -> Value {
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
        },
        failed: failed.iter().map(JsonDiagnostic::from).collect(),
    };
    serde_json::to_value(&doc).unwrap_or(Value::Null)
}

/// Pretty JSON with a final newline.
pub fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v)
        .map(|s| s + "\n")
        .unwrap_or_default()
}
