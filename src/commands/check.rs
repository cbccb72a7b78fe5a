//! `tiercheck check`: check drafts before publication, against their own text, the house style
//! and (with `--facts`) the assessment of their facts. Prints human, JSON or SARIF output; exit 1
//! when any error-severity finding remains, 2 when it could not run.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use clap::ValueEnum;

use crate::assessment::Assessment;
use crate::check::suppress::{load_sidecar, Sidecar, Suppressed};
use crate::check::{check_read_draft_with_suppressed, CheckRules, Draft, FactContext, Selection};
use crate::cli::RulesArg;
use crate::config::{Project, RulesUsed};
use crate::diagnostic::{self, Diagnostic, HumanStyle};
use crate::evaluate::evaluate;
use crate::facts::Facts;
use crate::rulebook::{RuleFiles, Rulebook};
use crate::source::read_source;
use crate::{eprint_diagnostics, expand_inputs, Exit};

/// Draft file extensions taken from a folder.
pub const DRAFT_EXTENSIONS: &[&str] = &["txt", "md", "markdown"];

#[derive(Debug, Clone, Copy, Default, ValueEnum, PartialEq, Eq)]
pub enum CheckFormat {
    #[default]
    Text,
    Json,
    Sarif,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Drafts (plain text or Markdown), or folders of them
    #[arg(value_name = "DRAFT", required_unless_present = "explain")]
    pub drafts: Vec<PathBuf>,
    /// Facts file, or a folder of them (`reports/`): each draft is paired by country and year
    #[arg(long, value_name = "FACTS")]
    pub facts: Option<PathBuf>,
    #[command(flatten)]
    pub rules: RulesArg,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: CheckFormat,
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

/// The result of checking a set of drafts.
#[derive(Debug, Default)]
pub struct Report {
    /// Each draft with its diagnostics, by file name.
    pub files: BTreeMap<String, Vec<Diagnostic>>,
    /// Each draft's findings that an accepted exception covers, by file name.
    pub suppressed: BTreeMap<String, Vec<Suppressed>>,
    /// Why drafts (or their facts) could not be checked: the run fails (exit 2).
    pub failed: Vec<Diagnostic>,
}

impl Report {
    pub fn all(&self) -> Vec<Diagnostic> {
        let mut all: Vec<Diagnostic> = self.files.values().flatten().cloned().collect();
        diagnostic::sort(&mut all);
        all
    }

    pub fn has_errors(&self) -> bool {
        self.files.values().flatten().any(Diagnostic::is_error)
    }
}

pub fn run(args: &CheckArgs) -> Exit {
    if args.watch {
        let mut inputs = args.drafts.clone();
        inputs.extend(args.facts.iter().cloned());
        inputs.extend(args.rules.rules.iter().cloned());
        inputs.extend(args.rules.config.iter().cloned());
        return crate::watch::watch(&inputs, || {
            execute(args).map(|(text, _)| vec![("check".to_string(), text)])
        });
    }
    match execute(args) {
        Ok((text, exit)) => {
            crate::out!("{text}");
            exit
        }
        Err(ds) => {
            eprint_diagnostics(&ds);
            // Machine-readable output is a complete document even when nothing could be checked.
            let failed = Report {
                failed: ds,
                ..Report::default()
            };
            let project = args.rules.project().ok();
            let used = project.as_ref().map(Project::rules_used);
            let root = project
                .as_ref()
                .map_or_else(|| PathBuf::from("."), project_root);
            match args.format {
                CheckFormat::Text => {}
                CheckFormat::Json => crate::out!("{}", json(&failed, used.as_ref())),
                CheckFormat::Sarif => {
                    crate::out!("{}", sarif_log(&failed, None, &root, Exit::Failed))
                }
            }
            Exit::Failed
        }
    }
}

/// Run `check` and return its output and exit status; `Err` when it could not run.
pub fn execute(args: &CheckArgs) -> Result<(String, Exit), Vec<Diagnostic>> {
    let project = args.rules.project()?;
    let (rulebook, rules) = load(args, &project)?;
    if let Some(code) = &args.explain {
        return match rules.docs.explain(code) {
            Some(text) => Ok((text, Exit::Clean)),
            None => {
                let mut d =
                    Diagnostic::error("unknown-code", format!("no check has the code `{code}`"));
                d = match crate::yaml::did_you_mean(code, rules.docs.codes()) {
                    Some(s) => d.with_help(format!("did you mean `{s}`?")),
                    None => d.with_help(format!(
                        "the codes are: {}",
                        rules.docs.codes().collect::<Vec<_>>().join(", ")
                    )),
                };
                Err(vec![d])
            }
        };
    }
    let (select, ignore) = project.select_ignore(&args.select, &args.ignore);
    let selection = Selection { select, ignore };
    let unknown: Vec<Diagnostic> = selection
        .select
        .iter()
        .chain(&selection.ignore)
        .filter(|c| rules.docs.get(c).is_none() && !rules.docs.all().any(|d| d.kind == **c))
        .map(|c| {
            let d = Diagnostic::error(
                "unknown-code",
                format!(
                    "`--select`/`--ignore` names `{c}`, which is neither a check code nor a kind"
                ),
            );
            match crate::yaml::did_you_mean(c, rules.docs.codes()) {
                Some(s) => d.with_help(format!("did you mean `{s}`?")),
                None => d.with_help("`tiercheck check --explain CODE` documents a code"),
            }
        })
        .collect();
    if !unknown.is_empty() {
        return Err(unknown);
    }
    let drafts = expand_inputs(&args.drafts, DRAFT_EXTENSIONS)?;
    let root = project_root(&project);
    let run = || {
        check_paths_partial(
            &drafts,
            &rules,
            rulebook.as_ref(),
            project.facts(args.facts.as_deref()),
            &selection,
            project.year(args.year),
        )
    };
    let mut report = run();
    if (args.fix.fix || args.fix.diff) && report.failed.is_empty() {
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
            return Ok((diff, exit));
        }
        if edits > 0 {
            report = run();
        }
        let files = fixed.iter().filter(|f| f.edits > 0).count();
        eprintln!("fixed {edits} finding(s) in {files} draft(s)");
    }
    let used = project.rules_used();
    let exit = if !report.failed.is_empty() {
        Exit::Failed
    } else if report.has_errors() {
        Exit::Findings
    } else {
        Exit::Clean
    };
    let text = match args.format {
        CheckFormat::Text if !report.failed.is_empty() => return Err(report.failed),
        CheckFormat::Text => format!("{used}\n{}", human(&report, HumanStyle::detect())),
        CheckFormat::Json => json(&report, Some(&used)),
        CheckFormat::Sarif => sarif_log(&report, Some(&rules), &root, exit),
    };
    // The document holds what could be checked; why the rest could not goes to standard error too.
    if !report.failed.is_empty() {
        eprint_diagnostics(&report.failed);
    }
    Ok((text, exit))
}

/// The check rules, and the full rulebook when facts are to be checked. The patterns start
/// compiling on a spare core as soon as they are checked.
fn load(
    args: &CheckArgs,
    project: &Project,
) -> Result<(Option<Rulebook>, CheckRules), Vec<Diagnostic>> {
    let files = match project.rules_dir() {
        Some(d) => RuleFiles::from_dir(d)?,
        None => RuleFiles::bundled()?,
    };
    if project.facts(args.facts.as_deref()).is_some() {
        let (rb, rules) = CheckRules::load_with_rulebook(&files)?;
        Ok((Some(rb), rules))
    } else {
        let rules = CheckRules::load(&files, None)?;
        rules.compile_in_background();
        Ok((None, rules))
    }
}

/// Check every draft. Fatal problems (a draft or facts file that cannot be read) stop the run.
pub fn check_paths(
    drafts: &[PathBuf],
    rules: &CheckRules,
    rulebook: Option<&Rulebook>,
    facts: Option<&Path>,
    selection: &Selection,
    year: Option<i32>,
) -> Result<Report, Vec<Diagnostic>> {
    let report = check_paths_partial(drafts, rules, rulebook, facts, selection, year);
    if report.failed.is_empty() {
        Ok(report)
    } else {
        Err(report.failed)
    }
}

/// Check every draft that can be read; why the others could not be checked is in
/// [`Report::failed`].
///
/// Drafts are independent, so they are checked on every core, each worker taking the next draft
/// from a shared queue, and merged in file order. It runs in two passes: the first reads each
/// draft (text, sidecar, narrative, claims) and pairs it with its facts file; the second loads
/// and assesses each facts file once however many drafts pair with it, checks the drafts, and
/// drops each facts file's assessment as soon as its last draft is checked.
pub fn check_paths_partial(
    drafts: &[PathBuf],
    rules: &CheckRules,
    rulebook: Option<&Rulebook>,
    facts: Option<&Path>,
    selection: &Selection,
    year: Option<i32>,
) -> Report {
    let read: Vec<Result<ReadDraft, Vec<Diagnostic>>> =
        on_every_core(drafts.iter().collect(), |path| {
            read_draft(path, rules, rulebook.and(facts), year)
        });
    let assessed = AssessedFacts::for_drafts(&read);
    let results: Vec<DraftResult> = on_every_core(read, |r| {
        check_read(r?, rules, rulebook, selection, &assessed)
    });
    let mut report = Report::default();
    for r in results {
        match r {
            Ok((name, ds, suppressed)) => {
                if !suppressed.is_empty() {
                    report.suppressed.insert(name.clone(), suppressed);
                }
                report.files.insert(name, ds);
            }
            Err(mut ds) => report.failed.append(&mut ds),
        }
    }
    report
}

/// `work` applied to every item on every core (at most 8 threads), each thread taking the next
/// item from a shared queue; the results in the items' order.
fn on_every_core<T, R, F>(items: Vec<T>, work: F) -> Vec<Result<R, Vec<Diagnostic>>>
where
    T: Send,
    R: Send,
    F: Fn(T) -> Result<R, Vec<Diagnostic>> + Sync,
{
    let count = items.len();
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8)
        .min(count.max(1));
    let queue = Mutex::new(items.into_iter().enumerate());
    let next = || queue.lock().unwrap_or_else(PoisonError::into_inner).next();
    let mut done: Vec<(usize, Result<R, Vec<Diagnostic>>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut out = Vec::new();
                    while let Some((i, item)) = next() {
                        out.push((i, work(item)));
                    }
                    out
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.join().unwrap_or_else(|_| {
                    vec![(
                        count,
                        Err(vec![Diagnostic::error(
                            "internal-error",
                            "a check worker stopped unexpectedly",
                        )]),
                    )]
                })
            })
            .collect()
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

/// A draft's name, diagnostics and suppressed findings, or why it could not be checked.
type DraftResult = Result<(String, Vec<Diagnostic>, Vec<Suppressed>), Vec<Diagnostic>>;

/// A draft read and paired, waiting for its facts.
struct ReadDraft {
    name: String,
    draft: Draft,
    sidecar: Option<Sidecar>,
    facts: Pairing,
}

/// Check a draft read by [`read_draft`], with the assessment of its facts: the second pass of
/// [`check_paths`].
fn check_read(
    r: ReadDraft,
    rules: &CheckRules,
    rulebook: Option<&Rulebook>,
    selection: &Selection,
    assessed: &AssessedFacts,
) -> DraftResult {
    let ReadDraft {
        name,
        draft,
        sidecar,
        facts,
    } = r;
    let (mut ds, suppressed) = match (&facts, rulebook) {
        (Pairing::Found(path), Some(rb)) => {
            let entry = assessed.get(path, rb);
            assessed.done(path);
            let entry = entry?;
            let ctx = FactContext {
                facts: &entry.facts,
                assessment: &entry.assessment,
                rulebook: rb,
            };
            check_read_draft_with_suppressed(&draft, rules, Some(&ctx), selection, sidecar.as_ref())
        }
        _ => check_read_draft_with_suppressed(&draft, rules, None, selection, sidecar.as_ref()),
    };
    if let Pairing::Missing(d) = facts {
        ds.push(*d);
    }
    Ok((name, ds, suppressed))
}

/// The facts file of a draft.
enum Pairing {
    /// No `--facts`: text-only checks.
    None,
    Found(PathBuf),
    /// `--facts` names a folder without this draft's facts file: the warning to report.
    Missing(Box<Diagnostic>),
}

/// Read one draft and its sidecar and find its facts file (`facts` is given only with a
/// rulebook): the first pass of [`check_paths`].
fn read_draft(
    path: &Path,
    rules: &CheckRules,
    facts: Option<&Path>,
    year: Option<i32>,
) -> Result<ReadDraft, Vec<Diagnostic>> {
    let file = read_source(path).map_err(|d| vec![d])?;
    let sidecar = load_sidecar(path)?;
    let mut draft = Draft::read(&file, rules);
    if year.is_some() {
        draft.report_year = year;
    }
    let facts = match facts {
        None => Pairing::None,
        Some(f) => match facts_for(path, &draft, f) {
            Some(fp) => Pairing::Found(fp),
            None => Pairing::Missing(Box::new(
                Diagnostic::warning(crate::check::NO_FACTS_FILE, format!("no facts file found for `{}` in `{}`", file.name, f.display()))
                    .at(&file, 0..0)
                    .with_help("name the facts file with `--facts FILE`, or lay facts out as `<folder>/<year>/<country>.yaml`"),
            )),
        },
    };
    Ok(ReadDraft {
        name: file.name.clone(),
        draft,
        sidecar,
        facts,
    })
}

/// A facts file and its assessment.
struct Assessed {
    facts: Facts,
    assessment: Assessment,
}

type AssessedResult = Result<Arc<Assessed>, Vec<Diagnostic>>;

/// Each facts file's assessment, computed by the first draft that needs it and shared with the
/// others (a folder of drafts may hold several drafts of one country); dropped by the worker that
/// checks its last draft.
struct AssessedFacts {
    slots: HashMap<PathBuf, Slot>,
}

struct Slot {
    /// Drafts paired with this file and not yet checked.
    waiting: AtomicUsize,
    value: Mutex<Option<AssessedResult>>,
}

impl AssessedFacts {
    fn for_drafts(read: &[Result<ReadDraft, Vec<Diagnostic>>]) -> AssessedFacts {
        let mut slots: HashMap<PathBuf, Slot> = HashMap::new();
        for r in read.iter().flatten() {
            if let Pairing::Found(path) = &r.facts {
                slots
                    .entry(path.clone())
                    .or_insert_with(|| Slot {
                        waiting: AtomicUsize::new(0),
                        value: Mutex::new(None),
                    })
                    .waiting
                    .fetch_add(1, Ordering::Relaxed);
            }
        }
        AssessedFacts { slots }
    }

    /// Load and assess `path` the first time; later calls (from any thread) share the result.
    fn get(&self, path: &Path, rb: &Rulebook) -> AssessedResult {
        let Some(slot) = self.slots.get(path) else {
            return load_assessed(path, rb);
        };
        let mut value = slot.value.lock().unwrap_or_else(PoisonError::into_inner);
        value.get_or_insert_with(|| load_assessed(path, rb)).clone()
    }

    /// One more draft of `path` has its assessment; after the last, only the drafts still being
    /// checked hold it, and the last of them frees it.
    fn done(&self, path: &Path) {
        if let Some(slot) = self.slots.get(path) {
            if slot.waiting.fetch_sub(1, Ordering::AcqRel) == 1 {
                let freed = slot
                    .value
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .take();
                drop(freed);
            }
        }
    }
}

fn load_assessed(path: &Path, rb: &Rulebook) -> AssessedResult {
    let facts = Facts::load(path, rb)?;
    let assessment = evaluate(rb, &facts);
    Ok(Arc::new(Assessed { facts, assessment }))
}

/// The facts file of a draft: `--facts FILE` as given; in a folder, by year and country
/// (`<dir>/<year>/<country>.yaml`, `<dir>/<country>.yaml`), else by the draft's file name.
fn facts_for(draft_path: &Path, draft: &Draft, facts: &Path) -> Option<PathBuf> {
    let n = &draft.narrative;
    if !facts.is_dir() {
        return Some(facts.to_path_buf());
    }
    let stem = draft_path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("")
        .to_lowercase();
    let year = draft.report_year.map(|y| y.to_string());
    let country = n
        .heading
        .as_ref()
        .map(|h| h.country.clone())
        .or_else(|| n.title.as_ref().map(|t| t.country.clone()))
        .unwrap_or_default()
        .to_lowercase();
    let words: Vec<&str> = country
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let mut names: Vec<String> = if words.is_empty() {
        Vec::new()
    } else {
        vec![words.join("-"), words.join("_"), words.join("")]
    };
    let stem_country = stem
        .trim_end_matches(|c: char| c.is_ascii_digit() || c == '-' || c == '_')
        .to_string();
    names.push(stem_country);
    names.push(stem);
    for name in names.iter().filter(|n| !n.is_empty()) {
        for ext in ["yaml", "yml"] {
            let file_name = format!("{name}.{ext}");
            let mut candidates = Vec::new();
            if let Some(y) = &year {
                candidates.push(facts.join(y).join(&file_name));
            }
            candidates.push(facts.join(&file_name));
            if let Some(found) = candidates.into_iter().find(|c| c.is_file()) {
                return Some(found);
            }
        }
    }
    None
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Human output: the diagnostics of each draft, its summary line, then the overall summary.
pub fn human(report: &Report, style: HumanStyle) -> String {
    let mut out = String::new();
    let (mut errors, mut warnings) = (0, 0);
    let all = report.all();
    let mut by_file: BTreeMap<&str, Vec<&Diagnostic>> = BTreeMap::new();
    for d in &all {
        by_file.entry(d.file_name()).or_default().push(d);
    }
    // Print one file's findings and count them.
    let mut render = |out: &mut String, ds: &[&Diagnostic]| {
        let ds: Vec<Diagnostic> = ds.iter().map(|d| (*d).clone()).collect();
        out.push_str(&diagnostic::render_human_all(&ds, style));
        let s = diagnostic::Summary::of(&ds);
        errors += s.errors;
        warnings += s.warnings;
        s
    };
    for name in report.files.keys() {
        let ds = by_file.get(name.as_str()).map_or(&[][..], Vec::as_slice);
        let s = render(&mut out, ds);
        let _ = writeln!(
            out,
            "{name}: {}, {}",
            plural(s.errors, "error"),
            plural(s.warnings, "warning")
        );
    }
    // Findings in other files (a sidecar) are printed after the drafts.
    for (name, ds) in &by_file {
        if !report.files.contains_key(*name) {
            render(&mut out, ds);
        }
    }
    let _ = writeln!(
        out,
        "checked {}: {}, {}",
        plural(report.files.len(), "draft"),
        plural(errors, "error"),
        plural(warnings, "warning")
    );
    out
}

/// `--format json`: the `check` document (`crate::output_json::check`).
pub fn json(report: &Report, used: Option<&RulesUsed>) -> String {
    crate::output_json::pretty(&crate::output_json::check(
        &report.files,
        &report.failed,
        used,
    ))
}

/// `--format sarif`: the SARIF log (`crate::sarif`), URIs relative to the project root.
pub fn sarif_log(report: &Report, rules: Option<&CheckRules>, root: &Path, exit: Exit) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    let log = crate::sarif::log(&crate::sarif::SarifInput {
        files: &report.files,
        suppressed: &report.suppressed,
        failed: &report.failed,
        docs: rules.map(|r| &r.docs),
        base: &cwd.join(root),
        cwd: &cwd,
        exit_code: exit.number(),
    });
    crate::output_json::pretty(&log)
}

/// The project root SARIF URIs are relative to: the configuration's `root`, else the current
/// folder.
fn project_root(project: &Project) -> PathBuf {
    project
        .config
        .as_ref()
        .and_then(|c| c.root.clone())
        .unwrap_or_else(|| PathBuf::from("."))
}
