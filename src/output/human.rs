//! Human output: each draft's findings drawn with their source, its summary line, then the
//! skipped files, the drafts that could not be checked and the overall summary.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::diagnostic::{self, Diagnostic};

use super::{footer, plural, Report, TextOptions};

pub fn render(report: &Report, opts: TextOptions) -> String {
    let mut out = String::new();
    let (mut errors, mut warnings) = (0, 0);
    let all = report.all();
    let mut by_file: BTreeMap<&str, Vec<&Diagnostic>> = BTreeMap::new();
    for d in &all {
        by_file.entry(d.file_name()).or_default().push(d);
    }
    // Print one file's findings and count them.
    let mut render = |out: &mut String, ds: &[&Diagnostic]| {
        let ds: Vec<Diagnostic> = ds.iter().map(|d| (*d).clone()).collect();
        out.push_str(&diagnostic::render_human_all(&ds, opts.style));
        let s = diagnostic::Summary::of(&ds);
        errors += s.errors;
        warnings += s.warnings;
        s
    };
    for name in report.files.keys() {
        let ds = by_file.get(name.as_str()).map_or(&[][..], Vec::as_slice);
        let s = render(&mut out, ds);
        if !opts.quiet {
            let _ = writeln!(
                out,
                "{name}: {}, {}",
                plural(s.errors, "error"),
                plural(s.warnings, "warning")
            );
        }
    }
    // Findings in other files (a sidecar) are printed after the drafts.
    for (name, ds) in &by_file {
        if !report.files.contains_key(*name) {
            render(&mut out, ds);
        }
    }
    if !opts.quiet {
        footer(report, errors, warnings, &mut out);
    }
    out
}
