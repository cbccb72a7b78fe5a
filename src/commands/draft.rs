//! `tiercheck draft`: the country narrative generated from an assessment with the templates of
//! `templates/` (or `--templates DIR`), to stdout or atomically to a file.

use std::path::PathBuf;

use crate::cli::RulesArg;
use crate::diagnostic::Diagnostic;
use crate::draft::Templates;
use crate::{assess_file, eprint_diagnostics, load_rules, write_atomic, Exit};

#[derive(Debug, clap::Args)]
pub struct DraftArgs {
    /// A facts file
    #[arg(value_name = "FACTS")]
    pub facts: PathBuf,
    #[command(flatten)]
    pub rules: RulesArg,
    /// Templates folder to use instead of the bundled templates
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Write the draft to this file (atomically; nothing is written on error) instead of stdout
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

pub fn run(args: &DraftArgs) -> Exit {
    match draft(args) {
        Ok(text) => match &args.output {
            Some(path) => match write_atomic(path, text.as_bytes()) {
                Ok(()) => Exit::Clean,
                Err(d) => fail(&[d]),
            },
            None => {
                crate::out!("{text}");
                Exit::Clean
            }
        },
        Err(ds) => fail(&ds),
    }
}

/// The draft text, or every problem met on the way (rules, templates, facts, rendering).
pub fn draft(args: &DraftArgs) -> Result<String, Vec<Diagnostic>> {
    // Rules and templates are both loaded before either is reported, so one run shows all
    // problems of both.
    let rules = load_rules(args.rules.rules.as_deref());
    let templates = Templates::load(args.templates.as_deref());
    let (rules, templates) = match (rules, templates) {
        (Ok(r), Ok(t)) => (r, t),
        (r, t) => {
            let mut ds = r.err().unwrap_or_default();
            ds.extend(t.err().unwrap_or_default());
            return Err(ds);
        }
    };
    let assessment = assess_file(&rules, &args.facts)?;
    templates.render(&assessment)
}

fn fail(ds: &[Diagnostic]) -> Exit {
    eprint_diagnostics(ds);
    Exit::Failed
}
