//! `tiercheck rules lint`: validate a rule set the way every command loads it (the rulebook for
//! `assess` and `draft`, the claim, style and check rules for `check` and `extract`, with every
//! pattern compiled now, and the templates `draft` reads the facts with), reporting every
//! problem at once.

use crate::check::CheckRules;
use crate::cli::RulesArg;
use crate::diagnostic::Diagnostic;
use crate::rulebook::{RuleFiles, Rulebook};
use crate::{eprint_diagnostics, Exit};

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

pub fn run(args: &RulesArg) -> Exit {
    match lint(args.rules.as_deref()) {
        Ok(mut rules) => {
            // A fact no rule reads may still be read by the narrative templates.
            match crate::draft::Templates::load(None) {
                Ok(templates) => rules.warnings.retain(|w| {
                    w.code != "unused-fact"
                        || !w
                            .message
                            .split('`')
                            .nth(1)
                            .is_some_and(|path| templates.reads_fact(path))
                }),
                Err(ds) => {
                    eprint_diagnostics(&ds);
                    eprintln!("the templates do not load");
                    return Exit::Failed;
                }
            }
            if !rules.warnings.is_empty() {
                eprint_diagnostics(&rules.warnings);
            }
            let n = rules.indicators().count();
            let t = rules.tier_rules().count();
            crate::outln!(
                "rules `{}` ({}) are valid: {} facts, {} standards, {} criteria, {} indicators, {} signals, {} tier rules, {} warnings",
                rules.name,
                rules.files.root,
                rules.catalog.facts.len(),
                rules.standards.len(),
                rules.criteria.len(),
                n,
                rules.signals.len(),
                t,
                rules.warnings.len()
            );
            Exit::Clean
        }
        Err(ds) => {
            eprint_diagnostics(&ds);
            let errors = ds.iter().filter(|d| d.is_error()).count();
            let noun = if errors == 1 { "error" } else { "errors" };
            eprintln!("{errors} {noun} in the rules");
            Exit::Failed
        }
    }
}
