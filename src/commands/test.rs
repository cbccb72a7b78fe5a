//! `tiercheck rules test`: run the rule test cases of `<rules>/tests/*.yaml` and, with
//! `--coverage`, list every indicator, signal and tier rule no case makes fire.
//!
//! Exit 0 when every case passes (and, with `--coverage`, every rule is covered); 1 when a case
//! fails or a rule is uncovered; 2 when the rules or the cases cannot be read.

use crate::diagnostic::Diagnostic;
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
    let cases = match ruletest::load(&rules, &files, &Roots::for_rules(project.rules_dir())) {
        Ok(c) => c,
        Err(ds) => {
            let n = ds.iter().filter(|d| d.is_error()).count();
            eprint_diagnostics(&ds);
            eprintln!("{n} error(s) in the test cases; no case was run");
            return Exit::Failed;
        }
    };
    let report = ruletest::run(&rules, &cases);
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

#[derive(Debug, clap::Args)]
pub struct RulesTestArgs {
    #[command(flatten)]
    pub rules: crate::cli::RulesArg,
    /// Also list every indicator, signal and tier rule no case makes fire (exit 1 if any)
    #[arg(long)]
    pub coverage: bool,
}
