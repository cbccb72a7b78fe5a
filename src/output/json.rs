//! `--format json`: the `check` document of [`crate::output_json::CheckDocument`] (`rules`,
//! `diagnostics`, `summary`, `failed`, `not_checked`, `skipped`), sorted; its schema is
//! `tiercheck schema output check`.

use crate::config::RulesUsed;

use super::Report;

/// The JSON document of a run; `used` is `None` when the run stopped before knowing its rules.
pub fn render(report: &Report, used: Option<&RulesUsed>) -> String {
    crate::output_json::pretty(&crate::output_json::check(report, used))
}
