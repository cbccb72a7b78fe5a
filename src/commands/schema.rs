//! `tiercheck schema facts|rules [FILE]`: print a JSON Schema for editors, or write every one
//! into a folder with `--write DIR` (how `rules/schema/` is regenerated).

use crate::diagnostic::Diagnostic;
use crate::jsonschema;
use crate::{eprint_diagnostics, load_project_rules, Exit};

pub fn run(args: &SchemaArgs) -> Exit {
    let rules = match load_project_rules(&args.rules) {
        Ok((_, r)) => r,
        Err(ds) => {
            eprint_diagnostics(&ds);
            eprintln!("the rules do not load; run `tiercheck rules lint` for details");
            return Exit::Failed;
        }
    };
    if let Some(dir) = &args.write {
        if let Err(e) = std::fs::create_dir_all(dir) {
            eprint_diagnostics(&[Diagnostic::error(
                "io-error",
                format!(
                    "cannot create `{}`: {}",
                    dir.display(),
                    e.to_string().to_lowercase()
                ),
            )]);
            return Exit::Failed;
        }
        for (name, text) in jsonschema::committed_files(&rules) {
            let path = dir.join(&name);
            // A plain write: generated files, readable by everyone like the rest of the repository.
            if let Err(e) = std::fs::write(&path, text.as_bytes()) {
                eprint_diagnostics(&[Diagnostic::error(
                    "io-error",
                    format!(
                        "cannot write `{}`: {}",
                        path.display(),
                        e.to_string().to_lowercase()
                    ),
                )]);
                return Exit::Failed;
            }
            crate::outln!("wrote {}", path.display());
        }
        return Exit::Clean;
    }
    let schema = match (args.what, &args.file) {
        (Some(SchemaWhat::Facts), None) => jsonschema::facts_schema(&rules),
        (Some(SchemaWhat::Facts), Some(f)) => {
            eprint_diagnostics(&[Diagnostic::error(
                "bad-argument",
                format!("`schema facts` takes no file name, found `{f}`"),
            )
            .with_help(
                "the facts schema covers every facts file; `schema rules FILE` names a rule file",
            )]);
            return Exit::Failed;
        }
        (Some(SchemaWhat::Rules), None) => jsonschema::rules_schema(&rules),
        (Some(SchemaWhat::Rules), Some(f)) => match jsonschema::rule_file_schema(&rules, f) {
            Some(s) => s,
            None => {
                let names = jsonschema::RULE_FILES
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let mut d =
                    Diagnostic::error("bad-argument", format!("no schema for rule file `{f}`"));
                d = d.with_help(
                    match crate::yaml::did_you_mean(f, jsonschema::RULE_FILES.iter().copied()) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => format!("rule files with a schema: {names}"),
                    },
                );
                eprint_diagnostics(&[d]);
                return Exit::Failed;
            }
        },
        (None, _) => {
            eprint_diagnostics(&[Diagnostic::error(
                "bad-argument",
                "name a schema: `facts` or `rules`",
            )]);
            return Exit::Failed;
        }
    };
    crate::out!("{}", jsonschema::pretty(&schema));
    Exit::Clean
}

#[derive(Debug, Clone, Copy, clap::ValueEnum, PartialEq, Eq)]
pub enum SchemaWhat {
    /// Facts files (`reports/<year>/<country>.yaml`), from the fact catalog
    Facts,
    /// Rule files, from the types the rule loader parses
    Rules,
}

#[derive(Debug, clap::Args)]
pub struct SchemaArgs {
    /// Which schema: `facts` or `rules`
    #[arg(value_enum, required_unless_present = "write")]
    pub what: Option<SchemaWhat>,
    /// With `rules`: one rule file's schema (ruleset, facts, standards, criteria, pillars, decision, tests); without it, all of them in one schema
    #[arg(value_name = "FILE")]
    pub file: Option<String>,
    #[command(flatten)]
    pub rules: crate::cli::RulesArg,
    /// Write every schema into DIR (facts.schema.json, rules.<file>.schema.json, rules.schema.json)
    #[arg(long, value_name = "DIR", conflicts_with_all = ["what", "file"])]
    pub write: Option<std::path::PathBuf>,
}
