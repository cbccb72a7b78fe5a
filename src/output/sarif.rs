//! `--format sarif`: the SARIF 2.1.0 log of a run, built by [`crate::sarif`]: URIs relative to
//! the project root, rules with help from checks.yaml, UTF-16 columns, fingerprints,
//! suppressions, and a notification for every draft that could not be checked, so the log is
//! complete even then.

use std::path::Path;

use crate::check::CheckRules;
use crate::Exit;

use super::Report;

/// The SARIF log of a run; `rules` is `None` when the rules did not load.
pub fn render(report: &Report, rules: Option<&CheckRules>, root: &Path, exit: Exit) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    let log = crate::sarif::log(&crate::sarif::SarifInput {
        files: &report.files,
        suppressed: &report.suppressed,
        failed: &report.failed,
        docs: rules.map(|r| &r.docs),
        base: &cwd.join(root),
        cwd: &cwd,
        exit_code: exit.number(),
    });
    crate::output_json::pretty(&log)
}
