//! `--format json`: `{"rules": {...}, "diagnostics": [...], "summary": {"errors", "warnings"}, "failed": [...],
//! "not_checked": [...], "skipped": [...]}`, sorted. `failed` holds why each draft that could
//! not be checked failed, `not_checked` names those drafts (the run exits 2), `skipped` the files of a folder that are not drafts, with why.

use serde::Serialize;

use crate::config::RulesUsed;
use crate::diagnostic::{self, Diagnostic, JsonDiagnostic};

use super::Report;

#[derive(Serialize)]
struct JsonReport<'a> {
    /// Which rules the run used (bundled, or a folder, and the configuration file).
    rules: &'a RulesUsed,
    diagnostics: Vec<JsonDiagnostic>,
    summary: JsonSummary,
    failed: Vec<JsonDiagnostic>,
    not_checked: Vec<String>,
    skipped: Vec<JsonSkipped>,
}

#[derive(Serialize)]
struct JsonSummary {
    errors: usize,
    warnings: usize,
    /// Drafts checked.
    checked: usize,
    /// Drafts that could not be checked.
    failed: usize,
}

#[derive(Serialize)]
struct JsonSkipped {
    file: String,
    reason: String,
}

pub fn render(report: &Report, used: &RulesUsed) -> Result<String, Vec<Diagnostic>> {
    let all = report.all();
    let s = diagnostic::Summary::of(&all);
    let r = JsonReport {
        rules: used,
        diagnostics: all.iter().map(JsonDiagnostic::from).collect(),
        summary: JsonSummary {
            errors: s.errors,
            warnings: s.warnings,
            checked: report.files.len(),
            failed: report.not_checked.len(),
        },
        failed: report.failed.iter().map(JsonDiagnostic::from).collect(),
        not_checked: report.not_checked.clone(),
        skipped: report
            .skipped
            .iter()
            .map(|s| JsonSkipped {
                file: s.file.clone(),
                reason: s.why.clone(),
            })
            .collect(),
    };
    serde_json::to_string_pretty(&r)
        .map(|t| t + "\n")
        .map_err(|e| {
            vec![Diagnostic::error(
                "internal-error",
                format!("cannot write JSON: {e}"),
            )]
        })
}
