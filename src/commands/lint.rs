//! `tiercheck rules lint`: validate a rule set the way every command loads it (the rulebook for
//! `assess` and `draft`, the claim, style and check rules for `check` and `extract`, with every
//! pattern compiled now, and the templates `draft` reads the facts with), reporting every
//! problem at once.

use serde_json::json;

use crate::check::CheckRules;
use crate::cli::{RulesArg, TextOrJson};
use crate::diagnostic::{self, Diagnostic};
use crate::output_json::JsonDiagnostic;
use crate::rulebook::{RuleFiles, Rulebook};
use crate::{eprint_diagnostics, Exit};

#[derive(Debug, clap::Args)]
pub struct LintArgs {
    #[command(flatten)]
    pub rules: RulesArg,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: TextOrJson,
}

/// Every problem of a rule set, and the rulebook when it loads.
pub fn lint(dir: Option<&std::path::Path>) -> Result<Rulebook, Vec<Diagnostic>> {
    let files = match dir {
        Some(d) => RuleFiles::from_dir(d)?,
        None => RuleFiles::bundled()?,
    };
    let mut problems = Vec::new();
    let rulebook = Rulebook::from_files(files.clone())
        .map_err(|mut ds| problems.append(&mut ds))
        .ok();
    // The check rules against the rulebook when it loaded, else on their own: their problems are
    // reported either way.
    if let Err(mut ds) = CheckRules::load_compiled(&files, rulebook.as_ref()) {
        problems.append(&mut ds);
    }
    match rulebook {
        Some(rb) if problems.is_empty() => Ok(rb),
        _ => {
            // A problem found by both loads (a file that does not parse) is reported once.
            let mut seen = std::collections::HashSet::new();
            problems.retain(|d| seen.insert(format!("{d:?}")));
            Err(problems)
        }
    }
}

pub fn run(args: &LintArgs) -> Exit {
    let project = match args.rules.project() {
        Ok(p) => p,
        Err(ds) => return failed(args, None, &ds),
    };
    match lint(project.rules_dir()) {
        Ok(mut rules) => {
            // A fact no rule reads may still be read by the narrative templates.
            match crate::draft::Templates::load(project.templates_dir(None)) {
                Ok(templates) => rules.warnings.retain(|w| {
                    w.code != "unused-fact"
                        || !w
                            .message
                            .split('`')
                            .nth(1)
                            .is_some_and(|path| templates.reads_fact(path))
                }),
                Err(ds) => return failed(args, Some(&project), &ds),
            }
            let counts = json!({
                "facts": rules.catalog.facts.len(),
                "standards": rules.standards.len(),
                "criteria": rules.criteria.len(),
                "indicators": rules.indicators().count(),
                "signals": rules.signals.len(),
                "tier_rules": rules.tier_rules().count(),
                "warnings": rules.warnings.len(),
            });
            if args.format == TextOrJson::Json {
                print_json(&json!({
                    "rules": project.rules_used(),
                    "name": rules.name,
                    "valid": true,
                    "counts": counts,
                    "diagnostics": sorted(&rules.warnings),
                }));
                return Exit::Clean;
            }
            if !rules.warnings.is_empty() {
                eprint_diagnostics(&rules.warnings);
            }
            crate::outln!("{}", project.rules_used());
            crate::outln!(
                "rules `{}` ({}) are valid: {} facts, {} standards, {} criteria, {} indicators, {} signals, {} tier rules, {} warnings",
                rules.name,
                rules.files.root,
                counts["facts"],
                counts["standards"],
                counts["criteria"],
                counts["indicators"],
                counts["signals"],
                counts["tier_rules"],
                counts["warnings"]
            );
            Exit::Clean
        }
        Err(ds) => failed(args, Some(&project), &ds),
    }
}

/// The rules (or the configuration) do not load: every problem, then exit 2.
fn failed(args: &LintArgs, project: Option<&crate::config::Project>, ds: &[Diagnostic]) -> Exit {
    let errors = ds.iter().filter(|d| d.is_error()).count();
    if args.format == TextOrJson::Json {
        print_json(&json!({
            "rules": project.map(crate::config::Project::rules_used),
            "valid": false,
            "errors": errors,
            "diagnostics": sorted(ds),
        }));
        return Exit::Failed;
    }
    eprint_diagnostics(ds);
    let noun = if errors == 1 { "error" } else { "errors" };
    match project {
        Some(_) => eprintln!("{errors} {noun} in the rules"),
        None => eprintln!("{errors} {noun} in the configuration"),
    }
    Exit::Failed
}

fn sorted(ds: &[Diagnostic]) -> Vec<JsonDiagnostic> {
    let mut ds = ds.to_vec();
    diagnostic::sort(&mut ds);
    ds.iter().map(JsonDiagnostic::from).collect()
}

fn print_json(v: &serde_json::Value) {
    match serde_json::to_string_pretty(v) {
        Ok(s) => crate::outln!("{s}"),
        Err(e) => eprintln!("error: cannot write JSON: {e}"),
    }
}
