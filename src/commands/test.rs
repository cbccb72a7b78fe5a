//! `tiercheck rules test`: run the rule test cases of `<rules>/tests/*.yaml` and, with
//! `--coverage`, list every indicator, signal and tier rule no case makes fire.
//!
//! Exit 0 when every case passes (and, with `--coverage`, every rule is covered); 1 when a case
//! fails or a rule is uncovered; 2 when the rules or the cases cannot be read.

use crate::cli::TextOrJson;
use crate::config::Project;
use crate::diagnostic::{Diagnostic, JsonDiagnostic};
use crate::rulebook::Rulebook;
use crate::ruletest::{self, Roots};
use crate::{eprint_diagnostics, load_project_rules, Exit};

pub fn run(args: &RulesTestArgs) -> Exit {
    let (project, rules) = match load_project_rules(&args.rules) {
        Ok(r) => r,
        Err(ds) => {
            eprint_diagnostics(&ds);
            eprintln!("the rules do not load; run `tiercheck rules lint` for details");
            return Exit::Failed;
        }
    };
    let files = ruletest::test_files(&rules);
    if files.is_empty() {
        eprintln!(
            "warning: no test cases: `{}/tests/` holds no `.yaml` files",
            rules.files.root
        );
    }
    let mut cases = match ruletest::load(&rules, &files, &Roots::for_rules(project.rules_dir())) {
        Ok(c) => c,
        Err(ds) => {
            let n = ds.iter().filter(|d| d.is_error()).count();
            eprint_diagnostics(&ds);
            eprintln!("{n} error(s) in the test cases; no case was run");
            return Exit::Failed;
        }
    };
    if let Some(filter) = &args.filter {
        let filter = filter.to_lowercase();
        cases.retain(|c| c.name.to_lowercase().contains(&filter));
        if cases.is_empty() {
            eprint_diagnostics(&[Diagnostic::error(
                "no-cases",
                format!("no test case name contains `{filter}`"),
            )
            .with_help("`--filter` keeps the cases whose name contains the text, in any case")]);
            return Exit::Failed;
        }
    }
    let report = ruletest::run(&rules, &cases);
    if args.format == TextOrJson::Json {
        return json(&project, &rules, &cases, &report, args.coverage);
    }
    crate::outln!("{}", project.rules_used());

    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let mut exit = Exit::Clean;
    let mut current_file = String::new();
    for (case, result) in cases.iter().zip(&report.results) {
        if case.file.name != current_file {
            current_file = case.file.name.clone();
            crate::outln!("{current_file}");
        }
        let mark = if result.passed() { "ok  " } else { "FAIL" };
        crate::outln!("  {mark}  {}", case.name);
        for f in &result.failures {
            diagnostics.push(ruletest::failure_diagnostic(case, f));
        }
        if !result.error.is_empty() {
            exit = exit.max(Exit::Failed);
            diagnostics.extend(result.error.iter().cloned());
        }
    }
    if report.failed() > 0 {
        exit = exit.max(Exit::Findings);
    }
    if !diagnostics.is_empty() {
        // Failures in case order, as they were run; each is located at its expectation.
        eprint!(
            "{}",
            crate::diagnostic::render_human_all(
                &diagnostics,
                crate::diagnostic::HumanStyle::detect()
            )
        );
    }
    if args.coverage {
        let [i, s, t] = report.coverage.counts();
        crate::outln!(
            "coverage: indicators {}/{}, signals {}/{}, tier rules {}/{}",
            i.0,
            i.1,
            s.0,
            s.1,
            t.0,
            t.1
        );
        let uncovered = report.coverage.uncovered(&rules);
        if uncovered.is_empty() {
            crate::outln!("every indicator, signal and tier rule fires in some case");
        } else {
            crate::outln!("not fired by any case:");
            for (kind, id, origin) in &uncovered {
                let (line, col) = origin.file.line_col(origin.span.start);
                crate::outln!("  {kind:<10} {id}  {}:{line}:{col}", origin.file.name);
            }
            exit = exit.max(Exit::Findings);
        }
    }
    crate::outln!("{} passed, {} failed", report.passed(), report.failed());
    exit
}

/// `--format json`: every case with its failures, the totals and (with `--coverage`) what no
/// case makes fire.
fn json(
    project: &Project,
    rules: &Rulebook,
    cases: &[ruletest::Case],
    report: &ruletest::Report,
    coverage: bool,
) -> Exit {
    let mut exit = Exit::Clean;
    let mut out_cases = Vec::new();
    for (case, result) in cases.iter().zip(&report.results) {
        let mut problems: Vec<JsonDiagnostic> = result
            .failures
            .iter()
            .map(|f| JsonDiagnostic::from(&ruletest::failure_diagnostic(case, f)))
            .collect();
        problems.extend(result.error.iter().map(JsonDiagnostic::from));
        if !result.error.is_empty() {
            exit = exit.max(Exit::Failed);
        }
        out_cases.push(serde_json::json!({
            "file": case.file.name,
            "name": case.name,
            "passed": result.passed(),
            "failures": problems,
        }));
    }
    if report.failed() > 0 {
        exit = exit.max(Exit::Findings);
    }
    let mut doc = serde_json::json!({
        "rules": project.rules_used(),
        "cases": out_cases,
        "passed": report.passed(),
        "failed": report.failed(),
    });
    if coverage {
        let uncovered = report.coverage.uncovered(rules);
        if !uncovered.is_empty() {
            exit = exit.max(Exit::Findings);
        }
        let [i, s, t] = report.coverage.counts();
        doc["coverage"] = serde_json::json!({
            "indicators": {"fired": i.0, "total": i.1},
            "signals": {"fired": s.0, "total": s.1},
            "tier_rules": {"fired": t.0, "total": t.1},
            "uncovered": uncovered.iter().map(|(kind, id, origin)| {
                let (line, column) = origin.file.line_col(origin.span.start);
                serde_json::json!({"kind": kind, "id": id, "file": origin.file.name, "line": line, "column": column})
            }).collect::<Vec<_>>(),
        });
    }
    match serde_json::to_string_pretty(&doc) {
        Ok(s) => {
            crate::outln!("{s}");
            exit
        }
        Err(e) => {
            eprintln!("error: cannot write JSON: {e}");
            Exit::Failed
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct RulesTestArgs {
    #[command(flatten)]
    pub rules: crate::cli::RulesArg,
    /// Also list every indicator, signal and tier rule no case makes fire (exit 1 if any)
    #[arg(long, conflicts_with = "filter")]
    pub coverage: bool,
    /// Run only the cases whose name contains this text (any case)
    #[arg(long, value_name = "NAME")]
    pub filter: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: TextOrJson,
}
