//! `tiercheck draft`: the country narrative generated from an assessment with the templates of
//! `templates/` (or `--templates DIR`), to stdout or atomically to a file.

use std::path::PathBuf;

use crate::assessment::Assessment;
use crate::cli::RulesArg;
use crate::diagnostic::Diagnostic;
use crate::draft::Templates;
use crate::{assess_file_within, eprint_diagnostics, load_rules, write_atomic, Exit};

#[derive(Debug, clap::Args)]
pub struct DraftArgs {
    /// A facts file
    #[arg(value_name = "FACTS")]
    pub facts: PathBuf,
    #[command(flatten)]
    pub rules: RulesArg,
    /// Templates folder to use instead of the configured or bundled templates
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Write the draft to this file (atomically; nothing is written on error) instead of stdout
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Draft even when the facts lack evidence the verdict needs: the tier is undetermined and
    /// each gap is a bracketed drafting note, which `check` flags
    #[arg(long)]
    pub allow_incomplete: bool,
}

pub fn run(args: &DraftArgs) -> Exit {
    let (assessment, templates) = match prepare(args) {
        Ok(x) => x,
        Err(ds) => return fail(&ds),
    };
    if assessment.is_undetermined() && !args.allow_incomplete {
        // A finding about the facts, not a failure to run: the list says what to add.
        eprint_diagnostics(&[incomplete(&assessment)]);
        eprint!("{}", crate::commands::assess::missing_evidence(&assessment));
        return Exit::Findings;
    }
    match templates.render(&assessment) {
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

/// The draft text, or every problem met on the way (rules, templates, facts, rendering, and
/// evidence the verdict lacks unless `--allow-incomplete`).
pub fn draft(args: &DraftArgs) -> Result<String, Vec<Diagnostic>> {
    let (assessment, templates) = prepare(args)?;
    if assessment.is_undetermined() && !args.allow_incomplete {
        return Err(vec![incomplete(&assessment)]);
    }
    templates.render(&assessment)
}

/// The rules, the templates and the assessment of the facts file.
fn prepare(args: &DraftArgs) -> Result<(Assessment, Templates), Vec<Diagnostic>> {
    // Rules and templates are both loaded before either is reported, so one run shows all
    // problems of both.
    let project = args.rules.project()?;
    let rules = load_rules(project.rules_dir());
    let templates = Templates::load(project.templates_dir(args.templates.as_deref()));
    let (rules, templates) = match (rules, templates) {
        (Ok(r), Ok(t)) => (r, t),
        (r, t) => {
            let mut ds = r.err().unwrap_or_default();
            ds.extend(t.err().unwrap_or_default());
            return Err(ds);
        }
    };
    let assessment = assess_file_within(&rules, &args.facts, project.input_limit())?;
    if !assessment.warnings.is_empty() {
        eprint_diagnostics(&assessment.warnings);
    }
    Ok((assessment, templates))
}

/// The code of a draft refused for want of evidence (exit 1, a finding about the facts).
pub const INCOMPLETE: &str = "undetermined";

/// Why a draft is refused; the evidence it lacks is listed after it.
fn incomplete(a: &Assessment) -> Diagnostic {
    Diagnostic::error(
        INCOMPLETE,
        format!(
            "`{}` lacks evidence the verdict needs, so the tier is {}: nothing to draft",
            a.file,
            a.tier_label.to_lowercase()
        ),
    )
    .with_help("state the facts below (a value, or `not_reported`); `--allow-incomplete` drafts with notes")
}

fn fail(ds: &[Diagnostic]) -> Exit {
    eprint_diagnostics(ds);
    Exit::Failed
}
