//! `tiercheck report`: a report year as a static site (overview, criteria heatmap, a page per
//! country), written atomically. A progress bar on standard error when it is a terminal. Exit 0
//! written and clean, 1 written with findings (draft errors, verdicts without evidence), 2 not
//! written.

use std::io::IsTerminal;
use std::path::PathBuf;

use indicatif::{ProgressBar, ProgressStyle};

use crate::check::Selection;
use crate::cli::RulesArg;
use crate::report::{self, Options, Progress};
use crate::{eprint_diagnostics, Exit};

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// A folder of facts files (`reports/2022`), one country page each
    #[arg(value_name = "FACTS_DIR")]
    pub facts: PathBuf,
    /// A folder of drafts, each checked and paired with its facts file by country and year
    #[arg(long, value_name = "DIR")]
    pub drafts: Option<PathBuf>,
    /// The rules before an edit: the overview shows which countries the edit changes
    #[arg(long, value_name = "OLD_RULES_DIR")]
    pub base_rules: Option<PathBuf>,
    #[command(flatten)]
    pub rules: RulesArg,
    /// Report templates to use instead of the bundled `templates/report/`
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// The site folder to write (replaced whole; never a folder of other files)
    #[arg(short = 'o', long = "output", value_name = "SITE_DIR")]
    pub output: PathBuf,
}

/// The progress bar: drawn only when standard error is a terminal.
struct Bar(ProgressBar);

impl Progress for Bar {
    fn stage(&self, what: &str, len: usize) {
        self.0.set_message(what.to_string());
        self.0.set_length(len as u64);
        self.0.set_position(0);
    }
    fn step(&self) {
        self.0.inc(1);
    }
}

pub fn run(args: &ReportArgs) -> Exit {
    // The configuration as `check` reads it: the rules, and for the drafts the checks it
    // selects or ignores and the report year, so that the site shows what `check` reports.
    let project = match args.rules.project() {
        Ok(p) => p,
        Err(ds) => {
            eprint_diagnostics(&ds);
            return Exit::Failed;
        }
    };
    let (select, ignore) = project.select_ignore(&[], &[]);
    let opts = Options {
        facts: args.facts.clone(),
        drafts: args.drafts.clone(),
        base_rules: args.base_rules.clone(),
        rules: project.rules_dir().map(PathBuf::from),
        templates: args.templates.clone(),
        selection: Selection { select, ignore },
        year: project.year(None),
        input_limit: project.input_limit(),
    };
    let bar = if std::io::stderr().is_terminal() {
        let b = ProgressBar::new(0);
        if let Ok(style) = ProgressStyle::with_template("{msg:>32} [{bar:30}] {pos}/{len}") {
            b.set_style(style.progress_chars("=> "));
        }
        b
    } else {
        ProgressBar::hidden()
    };
    let built = report::build(&opts, &Bar(bar.clone()));
    bar.finish_and_clear();
    let built = match built {
        Ok(b) => b,
        Err(ds) => {
            eprint_diagnostics(&ds);
            return Exit::Failed;
        }
    };
    if let Err(d) = report::site::write(&args.output, &built.files) {
        eprint_diagnostics(&[d]);
        return Exit::Failed;
    }
    let t = &built.totals;
    let mut line = format!(
        "wrote {}: {} countries",
        args.output.join("index.html").display(),
        t.countries
    );
    if args.drafts.is_some() {
        line.push_str(&format!(
            ", {} drafts ({} errors, {} warnings)",
            t.drafts, t.errors, t.warnings
        ));
    }
    if t.undetermined > 0 {
        line.push_str(&format!(
            ", {} without the evidence for a verdict",
            t.undetermined
        ));
    }
    if args.base_rules.is_some() {
        line.push_str(&format!(", {} changed by the rule edit", t.changed));
    }
    crate::outln!("{}\n{line}", project.rules_used());
    if t.errors > 0 || t.undetermined > 0 {
        Exit::Findings
    } else {
        Exit::Clean
    }
}
