//! `tiercheck codes` and `tiercheck facts`: the two lists a writer looks things up in, the check
//! codes of `check` (from `rules/checks.yaml` and `rules/style.yaml`) and the facts catalog
//! (`rules/facts.yaml`), as aligned text or JSON.

use std::fmt::Write as _;

use serde_json::json;

use crate::check::CheckRules;
use crate::cli::{RulesArg, TextOrJson};
use crate::config::RulesUsed;
use crate::diagnostic::Severity;
use crate::rulebook::RuleFiles;
use crate::{eprint_diagnostics, load_project_rules, Exit};

#[derive(Debug, clap::Args)]
pub struct CodesArgs {
    #[command(flatten)]
    pub rules: RulesArg,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: TextOrJson,
}

#[derive(Debug, clap::Args)]
pub struct FactsArgs {
    #[command(flatten)]
    pub rules: RulesArg,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: TextOrJson,
}

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

pub fn run_codes(args: &CodesArgs) -> Exit {
    let loaded = args.rules.project().and_then(|p| {
        let files = match p.rules_dir() {
            Some(d) => RuleFiles::from_dir(d)?,
            None => RuleFiles::bundled()?,
        };
        Ok((p.rules_used(), CheckRules::load(&files, None)?))
    });
    let (used, rules) = match loaded {
        Ok(x) => x,
        Err(ds) => {
            eprint_diagnostics(&ds);
            return Exit::Failed;
        }
    };
    let docs: Vec<_> = rules.docs.all().collect();
    let text = match args.format {
        TextOrJson::Json => to_json(
            &used,
            "codes",
            docs.iter()
                .map(|d| {
                    json!({
                        "code": d.code,
                        "kind": d.kind,
                        "severity": severity(d.severity),
                        "facts": d.facts,
                        "fix": d.fix,
                        "summary": d.title,
                    })
                })
                .collect(),
        ),
        TextOrJson::Text => {
            let width = docs.iter().map(|d| d.code.len()).max().unwrap_or(0);
            let mut s = format!("{used}\n");
            for d in &docs {
                let mut marks = Vec::new();
                if d.facts {
                    marks.push("needs --facts".to_string());
                }
                if let Some(f) = &d.fix {
                    marks.push(format!("{f} fix"));
                }
                let marks = if marks.is_empty() {
                    String::new()
                } else {
                    format!("  [{}]", marks.join(", "))
                };
                let _ = writeln!(
                    s,
                    "{:<width$}  {:<10} {:<7}  {}{marks}",
                    d.code,
                    d.kind,
                    severity(d.severity),
                    d.title
                );
            }
            let _ = writeln!(
                s,
                "{} codes; `tiercheck check --explain CODE` documents one",
                docs.len()
            );
            s
        }
    };
    crate::out!("{text}");
    Exit::Clean
}

pub fn run_facts(args: &FactsArgs) -> Exit {
    let (project, rules) = match load_project_rules(&args.rules) {
        Ok(x) => x,
        Err(ds) => {
            eprint_diagnostics(&ds);
            return Exit::Failed;
        }
    };
    let used = project.rules_used();
    let facts = &rules.catalog.facts;
    let kind = |f: &crate::rulebook::schema::FactDef| {
        serde_json::to_value(f.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    };
    let text = match args.format {
        TextOrJson::Json => to_json(
            &used,
            "facts",
            facts
                .iter()
                .map(|f| {
                    let mut v = json!({
                        "path": f.path,
                        "type": kind(f),
                        "description": f.description,
                    });
                    if let Some(values) = &f.values {
                        v["values"] = json!(values);
                    }
                    v
                })
                .collect(),
        ),
        TextOrJson::Text => {
            let width = facts.iter().map(|f| f.path.len()).max().unwrap_or(0);
            let mut s = format!("{used}\n");
            for f in facts {
                let t = match &f.values {
                    Some(v) => format!("{}: {}", kind(f), v.join("|")),
                    None => kind(f),
                };
                let _ = writeln!(s, "{:<width$}  {t:<8}  {}", f.path, f.description);
            }
            let _ = writeln!(
                s,
                "{} facts; a facts file states any of them (README, \"Writing a facts file\")",
                facts.len()
            );
            s
        }
    };
    crate::out!("{text}");
    Exit::Clean
}

fn to_json(used: &RulesUsed, key: &str, items: Vec<serde_json::Value>) -> String {
    let doc = json!({ "rules": used, key: items });
    serde_json::to_string_pretty(&doc)
        .map_or_else(|e| format!("{{\"error\": \"{e}\"}}\n"), |s| s + "\n")
}
