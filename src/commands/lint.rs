//! `tiercheck rules lint`: validate a rule set, reporting every problem at once.

use crate::cli::RulesArg;
use crate::{eprint_diagnostics, load_project_rules, Exit};

pub fn run(args: &RulesArg) -> Exit {
    match load_project_rules(args) {
        Ok((project, mut rules)) => {
            // A fact no rule reads may still be read by the narrative templates.
            if let Ok(templates) = crate::draft::Templates::load(project.templates_dir(None)) {
                rules.warnings.retain(|w| {
                    w.code != "unused-fact"
                        || !w
                            .message
                            .split('`')
                            .nth(1)
                            .is_some_and(|path| templates.reads_fact(path))
                });
            }
            if !rules.warnings.is_empty() {
                eprint_diagnostics(&rules.warnings);
            }
            let n = rules.indicators().count();
            let t = rules.tier_rules().count();
            crate::outln!("{}", project.rules_used());
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
