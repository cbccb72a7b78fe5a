//! `--format concise`: one line per finding, `file:line:column: severity[code] message`, then
//! the summary (not with `--quiet`).

use std::fmt::Write as _;

use crate::diagnostic::Summary;

use super::{footer, place, Report, TextOptions};

pub fn render(report: &Report, opts: TextOptions) -> String {
    let mut out = String::new();
    let all = report.all();
    for d in &all {
        let _ = writeln!(
            out,
            "{}: {}[{}] {}",
            place(d),
            d.severity.as_str(),
            d.code,
            d.message
        );
    }
    if !opts.quiet {
        let s = Summary::of(&all);
        footer(report, s.errors, s.warnings, &mut out);
    }
    out
}
