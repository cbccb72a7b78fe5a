//! `tiercheck check`: check drafts before publication, against their own text, the house style
//! and (with `--facts`) the assessment of their facts. Parses the arguments, runs the batch
//! ([`crate::batch`]) and prints it through [`crate::output`]. Exit 1 when an error-severity
//! finding remains (with `--strict`, any warning too; never with `--exit-zero`), 2 when it could
//! not run or a draft could not be checked.

use std::io::IsTerminal;
use std::path::PathBuf;

use crate::batch::{self, Batch, Input};
use crate::check::{CheckRules, Selection};
use crate::cli::RulesArg;
use crate::config::Project;
use crate::diagnostic::{ColorChoice, Diagnostic, HumanStyle, Stream};
use crate::output::{self, Format, TextOptions};
use crate::rulebook::{RuleFiles, Rulebook};
use crate::{eprint_diagnostics_styled, Exit};

pub use crate::batch::Report;
pub use crate::output::Format as CheckFormat;

#[derive(Debug, Default, clap::Args)]
pub struct CheckArgs {
    /// Drafts (plain text, Markdown, Word `.docx`, saved web pages `.html`), folders of them, or
    /// `-` for standard input
    #[arg(value_name = "DRAFT", required_unless_present = "explain")]
    pub drafts: Vec<PathBuf>,
    /// Facts file, or a folder of them (`reports/`): each draft is paired by country and year
    #[arg(long, value_name = "FACTS")]
    pub facts: Option<PathBuf>,
    #[command(flatten)]
    pub rules: RulesArg,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Report only these codes or kinds (comma-separated, e.g. `tier-mismatch,style`)
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    pub select: Vec<String>,
    /// Do not report these codes or kinds (comma-separated)
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    pub ignore: Vec<String>,
    /// Print the documentation of a check code and exit
    #[arg(long, value_name = "CODE")]
    pub explain: Option<String>,
    /// Re-run on every save of the drafts, the facts or the `--rules` folder, printing only what changed
    #[arg(long, conflicts_with = "explain")]
    pub watch: bool,
    /// The report year of the drafts, when neither a title line nor the file name gives it
    /// (`2022` for the 2022 report, on 2021 data): comparisons are then checked against the
    /// previous reporting period, and drafts paired with facts of that year
    #[arg(long, value_name = "YEAR")]
    pub year: Option<i32>,
    /// Print the findings only: no summaries, no skipped files, no progress bar
    #[arg(long, short)]
    pub quiet: bool,
    /// When to colour the output, decided for standard output and standard error each
    #[arg(long, value_enum, default_value_t, value_name = "WHEN")]
    pub color: ColorChoice,
    /// Warnings fail the run too (exit 1)
    #[arg(long, conflicts_with = "exit_zero")]
    pub strict: bool,
    /// Exit 0 even when there are findings (2 still means a draft could not be checked)
    #[arg(long)]
    pub exit_zero: bool,
    /// Print how many findings of each code instead of the findings
    #[arg(long)]
    pub statistics: bool,
    /// The name of the draft read from standard input (`-`): its format, year and facts come
    /// from it as from a file name
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<String>,
    #[command(flatten)]
    pub fix: FixArgs,
}

/// `--fix`, `--diff`, `--unsafe-fixes`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct FixArgs {
    /// Apply the fixes the rules mark safe (`tiercheck codes` lists them), rewriting the drafts
    /// atomically, then report what remains; `.docx` and `.html` drafts are never rewritten
    #[arg(long, conflicts_with_all = ["explain", "watch"])]
    pub fix: bool,
    /// Print the fixes as a unified diff without writing (exit 1 when there is any)
    #[arg(long, conflicts_with_all = ["explain", "watch"])]
    pub diff: bool,
    /// With `--fix` or `--diff`, also the fixes that need a writer's look (`unsafe`)
    #[arg(long)]
    pub unsafe_fixes: bool,
}

/// What a run prints and how it ends.
#[derive(Debug)]
pub struct Outcome {
    /// For standard output.
    pub stdout: String,
    /// Why drafts could not be checked, for standard error (the document records them too).
    pub failed: Vec<Diagnostic>,
    pub exit: Exit,
}

pub fn run(args: &CheckArgs) -> Exit {
    let stderr = HumanStyle::for_stream(args.color, Stream::Stderr);
    if args.watch {
        let mut inputs = args.drafts.clone();
        inputs.extend(args.facts.iter().cloned());
        inputs.extend(args.rules.rules.iter().cloned());
        inputs.extend(args.rules.config.iter().cloned());
        return crate::watch::watch(&inputs, || {
            check(args).map(|o| vec![("check".to_string(), o.stdout)])
        });
    }
    match check(args) {
        Ok(o) => {
            eprint_diagnostics_styled(&o.failed, stderr);
            crate::out!("{}", o.stdout);
            o.exit
        }
        Err(ds) => {
            eprint_diagnostics_styled(&ds, stderr);
            // Machine-readable output is a complete document even when nothing could be checked.
            let failed = Report {
                failed: ds,
                ..Report::default()
            };
            let project = args.rules.project().ok();
            let used = project.as_ref().map(Project::rules_used);
            match args.format {
                Format::Json => crate::out!("{}", output::json::render(&failed, used.as_ref())),
                Format::Sarif => {
                    let root = project
                        .as_ref()
                        .map_or_else(|| PathBuf::from("."), project_root);
                    crate::out!(
                        "{}",
                        output::sarif::render(&failed, None, &root, Exit::Failed)
                    )
                }
                _ => {}
            }
            Exit::Failed
        }
    }
}

/// The folder SARIF URIs are relative to: the configuration's `root`, else the current folder.
fn project_root(project: &Project) -> PathBuf {
    project
        .config
        .as_ref()
        .and_then(|c| c.root.clone())
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Run `check` and return its output and exit status; `Err` when it could not run.
pub fn execute(args: &CheckArgs) -> Result<(String, Exit), Vec<Diagnostic>> {
    check(args).map(|o| (o.stdout, o.exit))
}

/// Run `check`: what it prints and how it ends; `Err` when it could not run at all.
pub fn check(args: &CheckArgs) -> Result<Outcome, Vec<Diagnostic>> {
    let project = args.rules.project()?;
    let (rulebook, rules) = load(args, &project)?;
    if let Some(code) = &args.explain {
        return explain(code, &rules).map(|text| Outcome {
            stdout: text,
            failed: Vec::new(),
            exit: Exit::Clean,
        });
    }
    if args.statistics && !matches!(args.format, Format::Text | Format::Concise) {
        return Err(vec![Diagnostic::error(
            "bad-arguments",
            "`--statistics` prints text",
        )
        .with_help("use it with `--format text` or `--format concise`")]);
    }
    let (select, ignore) = project.select_ignore(&args.select, &args.ignore);
    let selection = Selection { select, ignore };
    selection.validate(&rules)?;
    let inputs = inputs(args, project.input_limit())?;
    if args.fix.fix || args.fix.diff {
        // A Word document or a web page is never rewritten: refused before anything is read.
        let refused: Vec<Diagnostic> = inputs
            .drafts
            .iter()
            .filter_map(|i| match i {
                Input::File(p) => crate::fix::check_rewritable(p).err(),
                Input::Bytes { .. } => None,
            })
            .collect();
        if !refused.is_empty() {
            return Err(refused);
        }
    }
    let progress = progress_bar(args, &inputs);
    let tick = || {
        if let Some(p) = &progress {
            p.inc(1);
        }
    };
    let batch = Batch {
        rules: &rules,
        rulebook: rulebook.as_ref(),
        facts: project.facts(args.facts.as_deref()),
        selection: &selection,
        year: project.year(args.year),
        tick: Some(&tick),
        input_limit: project.input_limit(),
        preassessed: None,
    };
    let mut report = batch.run(&inputs.drafts);
    if let Some(p) = &progress {
        p.finish_and_clear();
    }
    if args.fix.fix || args.fix.diff {
        let mode = crate::fix::Mode {
            unsafe_fixes: args.fix.unsafe_fixes,
        };
        let (fixed, problems) = crate::fix::fix_drafts(&report.files, mode, !args.fix.diff);
        if !problems.is_empty() {
            return Err(problems);
        }
        let edits: usize = fixed.iter().map(|f| f.edits).sum();
        if args.fix.diff {
            let diff: String = fixed.iter().map(|f| f.diff.as_str()).collect();
            let exit = if edits > 0 {
                Exit::Findings
            } else {
                Exit::Clean
            };
            return Ok(Outcome {
                stdout: diff,
                failed: report.failed,
                exit,
            });
        }
        if edits > 0 {
            report = batch.run(&inputs.drafts);
        }
        let files = fixed.iter().filter(|f| f.edits > 0).count();
        eprintln!("fixed {edits} finding(s) in {files} draft(s)");
    }
    report.skipped = inputs.skipped;
    let exit = if !report.failed.is_empty() {
        Exit::Failed
    } else if args.exit_zero {
        Exit::Clean
    } else if report.has_errors() || (args.strict && report.has_warnings()) {
        Exit::Findings
    } else {
        Exit::Clean
    };
    let text = TextOptions {
        style: HumanStyle::for_stream(args.color, Stream::Stdout),
        quiet: args.quiet,
    };
    let used = project.rules_used();
    let stdout = match args.format {
        _ if args.statistics => output::statistics(&report),
        Format::Text if args.quiet => output::human::render(&report, text),
        Format::Text => format!("{used}\n{}", output::human::render(&report, text)),
        Format::Concise => output::concise::render(&report, text),
        Format::Json => output::json::render(&report, Some(&used)),
        Format::Sarif => {
            output::sarif::render(&report, Some(&rules), &project_root(&project), exit)
        }
        Format::Github => output::github::render(&report),
    };
    Ok(Outcome {
        stdout,
        failed: report.failed,
        exit,
    })
}

/// The drafts of the arguments; `-` is standard input, named by `--stdin-filename`.
fn inputs(args: &CheckArgs, limit: u64) -> Result<batch::Inputs, Vec<Diagnostic>> {
    let dash = std::path::Path::new("-");
    let files: Vec<PathBuf> = args
        .drafts
        .iter()
        .filter(|p| p.as_path() != dash)
        .cloned()
        .collect();
    let mut inputs = batch::expand(&files)?;
    if files.len() < args.drafts.len() {
        let name = args
            .stdin_filename
            .clone()
            .unwrap_or_else(|| "stdin".to_string());
        let bytes = crate::source::read_within(std::io::stdin(), &name, limit, 0).map_err(|e| {
            vec![e.unwrap_or_else(|e| {
                Diagnostic::error("io-error", format!("cannot read standard input: {e}"))
            })]
        })?;
        let at = args
            .drafts
            .iter()
            .position(|p| p.as_path() == dash)
            .unwrap_or(0);
        inputs
            .drafts
            .insert(at.min(inputs.drafts.len()), Input::Bytes { name, bytes });
    }
    Ok(inputs)
}

/// A progress bar on standard error for a folder run, only when it is a terminal.
fn progress_bar(args: &CheckArgs, inputs: &batch::Inputs) -> Option<indicatif::ProgressBar> {
    if !inputs.from_folder || args.quiet || args.watch || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(inputs.drafts.len() as u64);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("checking {pos}/{len} drafts {wide_bar}")
    {
        bar.set_style(style);
    }
    Some(bar)
}

/// `--explain CODE`: the documentation of a code.
fn explain(code: &str, rules: &CheckRules) -> Result<String, Vec<Diagnostic>> {
    match rules.docs.explain(code) {
        Some(text) => Ok(text),
        None => {
            let d = Diagnostic::error("unknown-code", format!("no check has the code `{code}`"));
            let d = match crate::yaml::did_you_mean(code, rules.docs.codes()) {
                Some(s) => d.with_help(format!("did you mean `{s}`?")),
                None => d.with_help(format!(
                    "the codes are: {}",
                    rules.docs.codes().collect::<Vec<_>>().join(", ")
                )),
            };
            Err(vec![d])
        }
    }
}

/// The check rules, and the full rulebook when facts are to be checked. The patterns start
/// compiling on a spare core as soon as they are checked: for a run over one draft, only those
/// its text can match.
fn load(
    args: &CheckArgs,
    project: &Project,
) -> Result<(Option<Rulebook>, CheckRules), Vec<Diagnostic>> {
    let files = match project.rules_dir() {
        Some(d) => RuleFiles::from_dir(d)?,
        None => RuleFiles::bundled()?,
    };
    let only = lone_draft_text(args, project.input_limit());
    if project.facts(args.facts.as_deref()).is_some() {
        let (rb, rules) = CheckRules::load_with_rulebook(&files, only.as_deref())?;
        Ok((Some(rb), rules))
    } else {
        let rules = CheckRules::load(&files, None)?;
        rules.compile_in_background(only.as_deref());
        Ok((None, rules))
    }
}

/// The text of the run's draft when it is one regular UTF-8 file within `limit`, read ahead of
/// the rules so that their compile can leave out what it cannot match. Only a hint: `None`
/// whenever it is anything else or cannot be read (the run reads its input as usual, and
/// reports any problem there), and a pattern left out still compiles if it is used.
fn lone_draft_text(args: &CheckArgs, limit: u64) -> Option<String> {
    let [path] = args.drafts.as_slice() else {
        return None;
    };
    if path.as_os_str() == "-" {
        return None;
    }
    String::from_utf8(crate::source::read_bytes_limited(path, limit).ok()?).ok()
}
