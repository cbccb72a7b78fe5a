//! `tiercheck rules diff`: assess facts files under a base rule set and the edited one and list,
//! country by country, every outcome that changes. A review artifact: it exits 0 whether or not
//! something changes, and 2 only when it cannot run (rules that do not load, facts files that
//! load under neither rule set).

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::cli::TextOrJson;
use crate::config::Origin;
use crate::diagnostic::Diagnostic;
use crate::impact::{self, FileImpact};
use crate::rulebook::schema::Effect;
use crate::rulebook::Rulebook;
use crate::{assess_file_within, eprint_diagnostics, expand_inputs, load_project_rules, Exit};

#[derive(Serialize)]
struct DiffReport<'a> {
    base: &'a str,
    rules: &'a str,
    /// Where the edited rules came from: `flag`, `config` or `bundled`.
    from: Origin,
    config: Option<String>,
    assessed: usize,
    changed: Vec<FileImpact>,
}

pub fn run(args: &RulesDiffArgs) -> Exit {
    let base = match Rulebook::load(Some(&args.base)) {
        Ok(r) => r,
        Err(ds) => {
            eprint_diagnostics(&ds);
            eprintln!("the base rules `{}` do not load", args.base.display());
            return Exit::Failed;
        }
    };
    let (project, edited) = match load_project_rules(&args.rules) {
        Ok(r) => r,
        Err(ds) => {
            eprint_diagnostics(&ds);
            eprintln!("the edited rules do not load; run `tiercheck rules lint` for details");
            return Exit::Failed;
        }
    };
    let inputs = if args.reports.is_empty() {
        let default = project
            .facts(None)
            .map_or_else(|| PathBuf::from("reports"), Path::to_path_buf);
        if !default.is_dir() {
            eprint_diagnostics(&[Diagnostic::error(
                "io-error",
                format!(
                    "no facts files: there is no `{}` folder here",
                    default.display()
                ),
            )
            .with_help(
                "name facts files or folders: `tiercheck rules diff --base OLD reports/2022`",
            )]);
            return Exit::Failed;
        }
        vec![default]
    } else {
        args.reports.clone()
    };
    let mut files = match expand_inputs(&inputs, &["yaml", "yml"]) {
        Ok(f) => f,
        Err(ds) => {
            eprint_diagnostics(&ds);
            return Exit::Failed;
        }
    };
    files.sort();
    files.dedup();

    let mut changed = Vec::new();
    let mut problems = Vec::new();
    for f in &files {
        let name = f.display().to_string();
        let limit = project.input_limit();
        match impact::file_impact(
            &name,
            assess_file_within(&base, f, limit),
            assess_file_within(&edited, f, limit),
        ) {
            Ok(Some(i)) => changed.push(i),
            Ok(None) => {}
            Err(mut e) => problems.append(&mut e),
        }
    }
    if !problems.is_empty() {
        eprint_diagnostics(&problems);
        eprintln!("some facts files load under neither rule set; fix them first");
        return Exit::Failed;
    }
    match args.format {
        TextOrJson::Json => {
            let report = DiffReport {
                base: &base.files.root,
                rules: &edited.files.root,
                from: project.rules_used().from,
                config: project.rules_used().config,
                assessed: files.len(),
                changed,
            };
            match serde_json::to_string_pretty(&report) {
                Ok(s) => crate::outln!("{s}"),
                Err(e) => {
                    eprintln!("error: cannot serialize the diff: {e}");
                    return Exit::Failed;
                }
            }
        }
        TextOrJson::Text => {
            crate::outln!("{}", project.rules_used());
            for c in &changed {
                crate::outln!("{}", text(c));
            }
            if changed.is_empty() {
                crate::outln!(
                    "No changes ({} facts files assessed under both rule sets)",
                    files.len()
                );
            } else {
                crate::outln!("{} of {} facts files change", changed.len(), files.len());
            }
        }
    }
    Exit::Clean
}

/// One file's changes as text: the ids and the rules' texts the JSON gives, one change a line.
fn text(impact: &FileImpact) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let _ = writeln!(s, "{} {}  {}", impact.country, impact.year, impact.file);
    // A finding's side: `key_gap: text`.
    let finding = |effect: Option<Effect>, text: &Option<String>| match (effect, text) {
        (Some(e), Some(t)) => format!("{}: {t}", e.as_str()),
        _ => String::new(),
    };
    let or_none = |v: &Option<String>| v.clone().unwrap_or_else(|| "none".into());
    for c in &impact.changes {
        let id = c.id.as_deref().unwrap_or("");
        let (before, after) = (
            finding(c.effect_before, &c.before),
            finding(c.effect_after, &c.after),
        );
        let _ = match c.kind {
            "finding_added" => writeln!(s, "  + finding `{id}`  {after}"),
            "finding_removed" => writeln!(s, "  - finding `{id}`  {before}"),
            "finding_text" => writeln!(
                s,
                "  ~ finding `{id}`\n      before: {before}\n      after:  {after}"
            ),
            "invalid" => {
                // The side without a tier is the one the file does not assess under.
                let side =
                    |v: &Option<String>| v.clone().unwrap_or_else(|| "does not assess".into());
                writeln!(
                    s,
                    "  invalid: {} -> {}\n      {}",
                    side(&c.before),
                    side(&c.after),
                    c.problem.as_deref().unwrap_or_default()
                )
            }
            kind => {
                let what = match &c.id {
                    Some(id) => format!("{} `{id}`", kind.replace('_', " ")),
                    None => kind.to_string(),
                };
                writeln!(
                    s,
                    "  {what}: {} -> {}",
                    or_none(&c.before),
                    or_none(&c.after)
                )
            }
        };
    }
    s
}

#[derive(Debug, clap::Args)]
pub struct RulesDiffArgs {
    /// The rules before the edit (a folder laid out like `rules/`)
    #[arg(long, value_name = "OLD_RULES_DIR")]
    pub base: PathBuf,
    #[command(flatten)]
    pub rules: crate::cli::RulesArg,
    /// Facts files or folders to assess (default: every facts file under `reports/`)
    #[arg(value_name = "REPORTS")]
    pub reports: Vec<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: TextOrJson,
}
