//! The one output module: every format a batch of findings is printed in. Each renderer reads
//! a [`Report`] and computes nothing; the command picks one and prints what it returns.
//!
//! - [`human`]: the findings drawn with their source (miette), a summary per draft and overall;
//! - [`concise`]: one line per finding, `file:line:column: severity[code] message`;
//! - [`json`]: one document with every finding, the drafts that failed and the files skipped;
//! - [`sarif`]: SARIF 2.1.0 for code-scanning tools;
//! - [`github`]: GitHub Actions workflow commands, shown as annotations on the changed lines;
//! - [`statistics`]: how many findings of each code.
//!
//! Columns count characters in every format; a paragraph document (Word, HTML) gives its
//! paragraph number as the line (`draft.docx:¶42:17` in text).

pub mod concise;
pub mod github;
pub mod human;
pub mod json;
pub mod sarif;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use clap::ValueEnum;

pub use crate::batch::Report;
use crate::diagnostic::{Diagnostic, HumanStyle};

/// `--format` of `check`.
#[derive(Debug, Clone, Copy, Default, ValueEnum, PartialEq, Eq)]
pub enum Format {
    /// Findings drawn with their source, and summaries
    #[default]
    Text,
    /// One line per finding
    Concise,
    /// One JSON document
    Json,
    /// SARIF 2.1.0
    Sarif,
    /// GitHub Actions annotations
    Github,
}

/// What the text formats leave out or add.
#[derive(Debug, Clone, Copy)]
pub struct TextOptions {
    pub style: HumanStyle,
    /// Findings only: no summaries, no skipped files.
    pub quiet: bool,
}

/// `n word` or `n words`.
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The place a diagnostic points at, as text output writes it (`file:line:col`, `file:¶n:col`),
/// or the file name alone.
pub fn place(d: &Diagnostic) -> String {
    match (&d.location, d.line_cols()) {
        (Some(loc), Some((line, column, _, _))) => loc.file.place(line, column),
        _ => d.file_name().to_string(),
    }
}

/// The summary lines shared by the text formats: skipped files, failed drafts and the totals.
fn footer(report: &Report, errors: usize, warnings: usize, out: &mut String) {
    for s in &report.skipped {
        let _ = writeln!(out, "skipped {}: {}", s.file, s.why);
    }
    let failed = &report.not_checked;
    for name in failed {
        let _ = writeln!(
            out,
            "{name}: not checked (see the errors on standard error)"
        );
    }
    let _ = write!(
        out,
        "checked {}: {}, {}",
        plural(report.files.len(), "draft"),
        plural(errors, "error"),
        plural(warnings, "warning")
    );
    if !failed.is_empty() {
        let _ = write!(
            out,
            "; {} could not be checked",
            plural(failed.len(), "draft")
        );
    }
    if !report.skipped.is_empty() {
        let _ = write!(out, "; {} skipped", plural(report.skipped.len(), "file"));
    }
    out.push('\n');
}

/// `--statistics`: one line per code with its count and severity, most frequent first.
pub fn statistics(report: &Report) -> String {
    let mut counts: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    let all = report.all();
    for d in &all {
        *counts
            .entry((d.code.as_str(), d.severity.as_str()))
            .or_default() += 1;
    }
    let mut rows: Vec<_> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let width = rows.iter().map(|((c, _), _)| c.len()).max().unwrap_or(0);
    let mut out = String::new();
    for ((code, severity), n) in rows {
        let _ = writeln!(out, "{n:>5}  {code:<width$}  {severity}");
    }
    out
}
