//! A batch of drafts checked in one run: expand the arguments into drafts (naming the files a
//! folder holds that are not drafts), read each in its format ([`crate::reader`]), pair it with
//! its facts file by country and year, check every draft on every core (rayon), and collect one
//! result per draft (its findings, and its text, facts file and stated placement for callers
//! that show them). A caller that has assessed the facts files already hands them in, and they
//! are not assessed again. One draft or facts file that cannot be read or checked fails that draft
//! only: the others are still checked and reported, and the run ends with exit 2.
//!
//! Pipeline position: command arguments -> here -> `check::check_read_draft` per draft ->
//! [`Report`] -> `output` prints it.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use rayon::prelude::*;

use crate::assessment::Assessment;
use crate::check::suppress::Suppressed;
use crate::check::suppress::{load_sidecar, Sidecar};
use crate::check::{check_read_draft_with_suppressed, CheckRules, Draft, FactContext, Selection};
use crate::claims::Movement;
use crate::diagnostic::{self, Diagnostic};
use crate::evaluate::evaluate;
use crate::facts::Facts;
use crate::reader;
use crate::rulebook::Rulebook;
use crate::source::SourceFile;

/// One draft to check: a file, or text given on standard input under a name.
#[derive(Debug, Clone)]
pub enum Input {
    File(PathBuf),
    Bytes { name: String, bytes: Vec<u8> },
}

impl Input {
    /// The name findings are reported under.
    pub fn name(&self) -> String {
        match self {
            Input::File(p) => p.display().to_string(),
            Input::Bytes { name, .. } => name.clone(),
        }
    }
}

/// A file of a folder that was not checked, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub file: String,
    pub why: String,
}

/// The drafts named by the arguments, and the files of their folders that are not drafts.
#[derive(Debug, Default)]
pub struct Inputs {
    pub drafts: Vec<Input>,
    pub skipped: Vec<Skipped>,
    /// Whether a folder was given (a progress bar is worth drawing).
    pub from_folder: bool,
}

/// Expand arguments into drafts: a file as given (whatever its name), a folder to every file in
/// it (recursively, sorted) that a reader takes; the other files of a folder are listed as
/// skipped with why. Hidden files and folders (`.git`) and sidecar files are not looked at.
pub fn expand(args: &[PathBuf]) -> Result<Inputs, Vec<Diagnostic>> {
    let mut out = Inputs::default();
    let mut problems = Vec::new();
    for p in args {
        if p.is_dir() {
            out.from_folder = true;
            let mut found = Vec::new();
            walk(p, &mut found);
            found.sort();
            let before = out.drafts.len();
            for f in found {
                match reader::skip_reason(&f) {
                    None => out.drafts.push(Input::File(f)),
                    Some(why) => out.skipped.push(Skipped {
                        file: f.display().to_string(),
                        why: why.to_string(),
                    }),
                }
            }
            if out.drafts.len() == before {
                problems.push(
                    Diagnostic::error(
                        "io-error",
                        format!("folder `{}` holds no draft tiercheck reads", p.display()),
                    )
                    .with_help(format!(
                        "drafts are files named {}",
                        reader::EXTENSIONS
                            .iter()
                            .map(|e| format!("`*.{e}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                );
            }
        } else {
            out.drafts.push(Input::File(p.clone()));
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        let hidden = p
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        if hidden {
            continue;
        }
        if p.is_dir() {
            walk(&p, out);
        } else if !p
            .to_str()
            .is_some_and(|s| s.ends_with(crate::check::suppress::SIDECAR_SUFFIX))
        {
            out.push(p);
        }
    }
}

/// What a batch needs besides its drafts.
pub struct Batch<'a> {
    pub rules: &'a CheckRules,
    /// The full rulebook, given when drafts are checked against facts.
    pub rulebook: Option<&'a Rulebook>,
    /// `--facts`: a facts file, or a folder of them.
    pub facts: Option<&'a Path>,
    pub selection: &'a Selection,
    /// `--year`: the report year of drafts that do not give one.
    pub year: Option<i32>,
    /// Called once per draft checked (a progress bar).
    pub tick: Option<&'a (dyn Fn() + Sync)>,
    /// The most bytes a draft, its sidecar or its facts file may hold.
    pub input_limit: u64,
    /// Facts files the caller has loaded and assessed already (`report` assesses every one):
    /// a draft paired with one of them is checked against it, without a second load.
    pub preassessed: Option<&'a Preassessed>,
}

/// The result of checking a set of drafts.
#[derive(Debug, Default)]
pub struct Report {
    /// Each draft checked with its diagnostics, by file name.
    pub files: BTreeMap<String, Vec<Diagnostic>>,
    /// Why drafts (or their facts) could not be checked: the run fails (exit 2).
    pub failed: Vec<Diagnostic>,
    /// The drafts that could not be checked, in order.
    pub not_checked: Vec<String>,
    /// Files of a folder that were not checked, and why.
    pub skipped: Vec<Skipped>,
    /// Each draft's findings that an accepted exception covers, by file name (SARIF reports
    /// them as suppressions).
    pub suppressed: BTreeMap<String, Vec<Suppressed>>,
    /// Each checked draft's text, facts file and stated placement, by file name (`report`
    /// shows them beside the assessment).
    pub drafts: BTreeMap<String, DraftSummary>,
}

/// A checked draft as a caller showing it beside its assessment needs it: the text its
/// diagnostics point into, the facts file it was paired with, and the placement it states.
#[derive(Debug, Clone)]
pub struct DraftSummary {
    /// The draft as written (what every finding points at).
    pub file: Arc<SourceFile>,
    pub facts: Option<PathBuf>,
    /// The stated tier id (the heading's, else the movement sentence's).
    pub tier: Option<String>,
    pub movement: Option<Movement>,
}

impl Report {
    /// Every finding of every checked draft, sorted.
    pub fn all(&self) -> Vec<Diagnostic> {
        let mut all: Vec<Diagnostic> = self.files.values().flatten().cloned().collect();
        diagnostic::sort(&mut all);
        all
    }

    pub fn has_errors(&self) -> bool {
        self.files.values().flatten().any(Diagnostic::is_error)
    }

    pub fn has_warnings(&self) -> bool {
        self.files
            .values()
            .flatten()
            .any(|d| d.severity == diagnostic::Severity::Warning)
    }
}

impl Batch<'_> {
    /// Check every draft. Drafts are independent, so they are checked on every core and merged
    /// in file order. Two passes: the first reads each draft (text, sidecar, narrative, claims)
    /// and pairs it with its facts file; the second loads and assesses each facts file once
    /// however many drafts pair with it, checks the drafts, and drops each facts file's
    /// assessment as soon as its last draft is checked.
    pub fn run(&self, inputs: &[Input]) -> Report {
        // One draft: the patterns it cannot match need not compile in the background.
        let one = inputs.len() == 1;
        let read: Vec<Result<ReadDraft, Failure>> =
            inputs.par_iter().map(|i| self.read(i, one)).collect();
        let assessed = AssessedFacts::for_drafts(&read, self.preassessed);
        let results: Vec<Result<Checked, Failure>> = read
            .into_par_iter()
            .map(|r| {
                let out = r.and_then(|r| self.check(r, &assessed));
                if let Some(tick) = self.tick {
                    tick();
                }
                out
            })
            .collect();
        let mut report = Report::default();
        for r in results {
            match r {
                Ok(Checked {
                    name,
                    diagnostics,
                    suppressed,
                    summary,
                }) => {
                    if !suppressed.is_empty() {
                        report.suppressed.insert(name.clone(), suppressed);
                    }
                    report.drafts.insert(name.clone(), summary);
                    report.files.insert(name, diagnostics);
                }
                Err(f) => {
                    report.not_checked.push(f.name.clone());
                    report.failed.extend(f.located());
                }
            }
        }
        diagnostic::sort(&mut report.failed);
        report
    }

    /// Read one draft and its sidecar, and find its facts file: the first pass of [`Batch::run`].
    /// `only`: it is the only draft of the run.
    fn read(&self, input: &Input, only: bool) -> Result<ReadDraft, Failure> {
        let name = input.name();
        let fail = |ds: Vec<Diagnostic>| Failure {
            name: name.clone(),
            diagnostics: ds,
        };
        let source = reader::read_input(input, &self.rules.claims.layout, self.input_limit)
            .map_err(|d| fail(vec![d]))?;
        if only {
            self.rules.claims.defer_absent(&source.file.text);
        }
        let sidecar = match input {
            Input::File(p) => load_sidecar(p, self.input_limit).map_err(fail)?,
            Input::Bytes { .. } => None,
        };
        let mut draft = Draft::parse(source, self.rules);
        if self.year.is_some() {
            draft.report_year = self.year;
        }
        let file = Arc::clone(&draft.source.original);
        let facts = match self.facts.filter(|_| self.rulebook.is_some()) {
            None => Pairing::None,
            Some(f) if !f.is_dir() => Pairing::Found(f.to_path_buf()),
            Some(f) => match facts_for(&name, &draft, f) {
                Some(fp) => Pairing::Found(fp),
                None if draft.report_year.is_none() => {
                    return Err(fail(vec![Diagnostic::error(
                        UNKNOWN_YEAR,
                        format!("cannot tell which report year `{name}` is for, so no facts file in `{}` can be paired with it", f.display()),
                    )
                    .at(&file, 0..0)
                    .with_help("put the year in the file name (`tajikistan-2022.txt`) or in the title line, or give `--year 2022`; or name the facts file with `--facts FILE`")]));
                }
                None => Pairing::Missing(Box::new(
                    Diagnostic::warning(crate::check::NO_FACTS_FILE, format!("no facts file found for `{name}` in `{}`", f.display()))
                        .at(&file, 0..0)
                        .with_help("name the facts file with `--facts FILE`, or lay facts out as `<folder>/<year>/<country>.yaml`"),
                )),
            },
        };
        Ok(ReadDraft {
            name,
            draft,
            sidecar,
            facts,
        })
    }

    /// Check a draft read by [`Batch::read`] with the assessment of its facts: the second pass.
    fn check(&self, r: ReadDraft, assessed: &AssessedFacts) -> Result<Checked, Failure> {
        let ReadDraft {
            name,
            draft,
            sidecar,
            facts,
        } = r;
        let (rules, selection) = (self.rules, self.selection);
        let summary = DraftSummary {
            file: Arc::clone(&draft.source.original),
            facts: match &facts {
                Pairing::Found(p) => Some(p.clone()),
                _ => None,
            },
            tier: draft.claims.stated_tier().and_then(|t| t.id.clone()),
            movement: draft.claims.movement.as_ref().map(|m| m.movement),
        };
        let (mut ds, suppressed) = match (&facts, self.rulebook) {
            (Pairing::Found(path), Some(rb)) => {
                let entry = assessed.get(path, rb, self.input_limit);
                assessed.done(path);
                let entry = entry.map_err(|ds| Failure {
                    name: name.clone(),
                    diagnostics: ds,
                })?;
                let ctx = FactContext {
                    facts: &entry.facts,
                    assessment: &entry.assessment,
                    rulebook: rb,
                };
                check_read_draft_with_suppressed(
                    &draft,
                    rules,
                    Some(&ctx),
                    selection,
                    sidecar.as_ref(),
                )
            }
            _ => check_read_draft_with_suppressed(&draft, rules, None, selection, sidecar.as_ref()),
        };
        if let Pairing::Missing(d) = facts {
            ds.push(*d);
        }
        Ok(Checked {
            name,
            diagnostics: ds,
            suppressed,
            summary,
        })
    }
}

/// A checked draft: its name, its findings, the findings an accepted exception covers, and
/// what a caller shows beside them.
struct Checked {
    name: String,
    diagnostics: Vec<Diagnostic>,
    suppressed: Vec<Suppressed>,
    summary: DraftSummary,
}

/// A draft whose facts are asked for in a folder, whose report year nothing gives.
pub const UNKNOWN_YEAR: &str = "unknown-report-year";

/// Why one draft could not be checked.
struct Failure {
    name: String,
    diagnostics: Vec<Diagnostic>,
}

impl Failure {
    /// The diagnostics, each tied to a file: one without a place is placed at the draft, so a
    /// report names every draft that failed.
    fn located(self) -> Vec<Diagnostic> {
        let file = SourceFile::new(self.name, String::new());
        self.diagnostics
            .into_iter()
            .map(|d| {
                if d.location.is_some() {
                    d
                } else {
                    d.at(&file, 0..0)
                }
            })
            .collect()
    }
}

/// A draft read and paired, waiting for its facts.
struct ReadDraft {
    name: String,
    draft: Draft,
    sidecar: Option<Sidecar>,
    facts: Pairing,
}

/// The facts file of a draft.
enum Pairing {
    /// No `--facts`: text-only checks.
    None,
    Found(PathBuf),
    /// `--facts` names a folder without this draft's facts file: the warning to report.
    Missing(Box<Diagnostic>),
}

/// A facts file and its assessment.
#[derive(Debug)]
pub struct Assessed {
    pub facts: Facts,
    pub assessment: Assessment,
}

/// Facts files already loaded and assessed, by canonical path ([`Batch::preassessed`]).
pub type Preassessed = HashMap<PathBuf, Arc<Assessed>>;

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
    fn for_drafts(read: &[Result<ReadDraft, Failure>], pre: Option<&Preassessed>) -> AssessedFacts {
        // A file the caller assessed starts filled; looked up by canonical path, since a
        // draft's facts path is found from a folder and the caller's from its own arguments.
        let known = |path: &Path| {
            let pre = pre.filter(|p| !p.is_empty())?;
            let canonical = path.canonicalize().ok()?;
            pre.get(&canonical).map(|a| Ok(Arc::clone(a)))
        };
        let mut slots: HashMap<PathBuf, Slot> = HashMap::new();
        for r in read.iter().flatten() {
            if let Pairing::Found(path) = &r.facts {
                slots
                    .entry(path.clone())
                    .or_insert_with(|| Slot {
                        waiting: AtomicUsize::new(0),
                        value: Mutex::new(known(path)),
                    })
                    .waiting
                    .fetch_add(1, Ordering::Relaxed);
            }
        }
        AssessedFacts { slots }
    }

    /// Load and assess `path` the first time; later calls (from any thread) share the result.
    fn get(&self, path: &Path, rb: &Rulebook, limit: u64) -> AssessedResult {
        let Some(slot) = self.slots.get(path) else {
            return load_assessed(path, rb, limit);
        };
        let mut value = slot.value.lock().unwrap_or_else(PoisonError::into_inner);
        value
            .get_or_insert_with(|| load_assessed(path, rb, limit))
            .clone()
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

fn load_assessed(path: &Path, rb: &Rulebook, limit: u64) -> AssessedResult {
    let facts = Facts::load_within(path, rb, limit)?;
    let assessment = evaluate(rb, &facts);
    Ok(Arc::new(Assessed { facts, assessment }))
}

/// The facts file of a draft in a facts folder, by year and country (`<dir>/<year>/<country>.yaml`,
/// `<dir>/<country>.yaml`), else by the draft's file name.
fn facts_for(draft_name: &str, draft: &Draft, facts: &Path) -> Option<PathBuf> {
    let n = &draft.narrative;
    let stem = Path::new(draft_name)
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
