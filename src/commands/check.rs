//! `tiercheck check`: check drafts before publication, against their own text, the house style
//! and (with `--facts`) the assessment of their facts. Prints human, JSON or SARIF output; exit 1
//! when any error-severity finding remains, 2 when it could not run.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::ValueEnum;
use serde::Serialize;
use serde_sarif::sarif;

use crate::check::suppress::load_sidecar;
use crate::check::{check_draft, CheckRules, FactContext, Selection};
use crate::cli::RulesArg;
use crate::diagnostic::{self, Diagnostic, HumanStyle, JsonDiagnostic, Severity};
use crate::evaluate::evaluate;
use crate::facts::Facts;
use crate::rulebook::{RuleFiles, Rulebook};
use crate::source::{read_source, SourceFile};
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
}

/// The result of checking a set of drafts.
#[derive(Debug, Default)]
pub struct Report {
    /// Each draft with its diagnostics, by file name.
    pub files: BTreeMap<String, Vec<Diagnostic>>,
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
            Exit::Failed
        }
    }
}

/// Run `check` and return its output and exit status; `Err` when it could not run.
pub fn execute(args: &CheckArgs) -> Result<(String, Exit), Vec<Diagnostic>> {
    let (rulebook, files) = load(args)?;
    let rules = CheckRules::load(&files, rulebook.as_ref())?;
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
    let selection = Selection {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
    };
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
    let report = check_paths(
        &drafts,
        &rules,
        rulebook.as_ref(),
        args.facts.as_deref(),
        &selection,
    )?;
    let text = match args.format {
        CheckFormat::Text => human(&report, HumanStyle::detect()),
        CheckFormat::Json => json(&report)?,
        CheckFormat::Sarif => sarif_log(&report, &rules)?,
    };
    let exit = if report.has_errors() {
        Exit::Findings
    } else {
        Exit::Clean
    };
    Ok((text, exit))
}

/// The rule files, and the full rulebook when facts are to be checked.
fn load(args: &CheckArgs) -> Result<(Option<Rulebook>, RuleFiles), Vec<Diagnostic>> {
    let dir = args.rules.rules.as_deref();
    if args.facts.is_some() {
        let rb = Rulebook::load(dir)?;
        let files = rb.files.clone();
        Ok((Some(rb), files))
    } else {
        let files = match dir {
            Some(d) => RuleFiles::from_dir(d)?,
            None => RuleFiles::bundled()?,
        };
        Ok((None, files))
    }
}

/// Check every draft. Fatal problems (a draft or facts file that cannot be read) stop the run.
pub fn check_paths(
    drafts: &[PathBuf],
    rules: &CheckRules,
    rulebook: Option<&Rulebook>,
    facts: Option<&Path>,
    selection: &Selection,
) -> Result<Report, Vec<Diagnostic>> {
    // Drafts are independent: check them on every core, then merge in file order.
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    let chunk = drafts.len().div_ceil(workers).max(1);
    let results: Vec<DraftResult> = std::thread::scope(|scope| {
        let handles: Vec<_> = drafts
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|path| check_one(path, rules, rulebook, facts, selection))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.join().unwrap_or_else(|_| {
                    vec![Err(vec![Diagnostic::error(
                        "internal-error",
                        "a check worker stopped unexpectedly",
                    )])]
                })
            })
            .collect()
    });
    let mut report = Report::default();
    let mut fatal = Vec::new();
    for r in results {
        match r {
            Ok((name, ds)) => {
                report.files.insert(name, ds);
            }
            Err(mut ds) => fatal.append(&mut ds),
        }
    }
    if fatal.is_empty() {
        Ok(report)
    } else {
        Err(fatal)
    }
}

/// A draft's name and diagnostics, or why it could not be checked.
type DraftResult = Result<(String, Vec<Diagnostic>), Vec<Diagnostic>>;

/// Check one draft (with its facts when given): its name and diagnostics, or why it could not run.
fn check_one(
    path: &Path,
    rules: &CheckRules,
    rulebook: Option<&Rulebook>,
    facts: Option<&Path>,
    selection: &Selection,
) -> DraftResult {
    let file = match read_source(path) {
        Ok(f) => f,
        Err(d) => return Err(vec![d]),
    };
    let sidecar = load_sidecar(path)?;
    let mut extra = Vec::new();
    let facts_loaded = match (facts, rulebook) {
        (Some(f), Some(rb)) => match facts_for(path, &file, f, rules) {
            Some(fp) => match Facts::load(&fp, rb) {
                Ok(fs) => Some(fs),
                Err(ds) => return Err(ds),
            },
            None => {
                extra.push(
                    Diagnostic::warning(crate::check::NO_FACTS_FILE, format!("no facts file found for `{}` in `{}`", file.name, f.display()))
                        .at(&file, 0..0)
                        .with_help("name the facts file with `--facts FILE`, or lay facts out as `<folder>/<year>/<country>.yaml`"),
                );
                None
            }
        },
        _ => None,
    };
    let assessment = facts_loaded
        .as_ref()
        .zip(rulebook)
        .map(|(f, rb)| evaluate(rb, f));
    let ctx = match (&facts_loaded, &assessment, rulebook) {
        (Some(f), Some(a), Some(rb)) => Some(FactContext {
            facts: f,
            assessment: a,
            rulebook: rb,
        }),
        _ => None,
    };
    let mut ds = check_draft(&file, rules, ctx.as_ref(), selection, sidecar.as_ref());
    ds.append(&mut extra);
    Ok((file.name.clone(), ds))
}

/// The facts file of a draft: `--facts FILE` as given; in a folder, by year and country
/// (`<dir>/<year>/<country>.yaml`, `<dir>/<country>.yaml`), else by the draft's file name.
fn facts_for(
    draft: &Path,
    file: &Arc<SourceFile>,
    facts: &Path,
    rules: &CheckRules,
) -> Option<PathBuf> {
    if !facts.is_dir() {
        return Some(facts.to_path_buf());
    }
    let n = crate::narrative::parse(file, &rules.claims.layout);
    let stem = draft
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("")
        .to_lowercase();
    let year = n
        .title
        .as_ref()
        .and_then(|t| t.year)
        .map(|y| y.to_string())
        .or_else(|| {
            stem.split(|c: char| !c.is_ascii_digit())
                .find(|p| p.len() == 4)
                .map(str::to_string)
        });
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
    for name in report.files.keys() {
        let ds: Vec<Diagnostic> = by_file
            .get(name.as_str())
            .map(|v| v.iter().map(|d| (*d).clone()).collect())
            .unwrap_or_default();
        out.push_str(&diagnostic::render_human_all(&ds, style));
        let s = diagnostic::Summary::of(&ds);
        errors += s.errors;
        warnings += s.warnings;
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
            let ds: Vec<Diagnostic> = ds.iter().map(|d| (*d).clone()).collect();
            out.push_str(&diagnostic::render_human_all(&ds, style));
            let s = diagnostic::Summary::of(&ds);
            errors += s.errors;
            warnings += s.warnings;
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

#[derive(Serialize)]
struct JsonReport {
    diagnostics: Vec<JsonDiagnostic>,
    summary: JsonSummary,
}

#[derive(Serialize)]
struct JsonSummary {
    errors: usize,
    warnings: usize,
}

/// `--format json`: `{"diagnostics": [...], "summary": {"errors", "warnings"}}`, sorted.
pub fn json(report: &Report) -> Result<String, Vec<Diagnostic>> {
    let all = report.all();
    let s = diagnostic::Summary::of(&all);
    let r = JsonReport {
        diagnostics: all.iter().map(JsonDiagnostic::from).collect(),
        summary: JsonSummary {
            errors: s.errors,
            warnings: s.warnings,
        },
    };
    serde_json::to_string_pretty(&r)
        .map(|t| t + "\n")
        .map_err(|e| {
            vec![Diagnostic::error(
                "internal-error",
                format!("cannot write JSON: {e}"),
            )]
        })
}

/// `--format sarif`: SARIF 2.1.0 with a rules table of every check code.
pub fn sarif_log(report: &Report, rules: &CheckRules) -> Result<String, Vec<Diagnostic>> {
    let docs: Vec<_> = rules.docs.all().collect();
    let index: BTreeMap<&str, usize> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| (d.code.as_str(), i))
        .collect();
    let level = |s: Severity| match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    };
    let descriptors: Vec<sarif::ReportingDescriptor> = docs
        .iter()
        .map(|d| {
            sarif::ReportingDescriptor::builder()
                .id(d.code.clone())
                .name(d.code.clone())
                .short_description(
                    sarif::MultiformatMessageString::builder()
                        .text(d.title.clone())
                        .build(),
                )
                .full_description(
                    sarif::MultiformatMessageString::builder()
                        .text(d.why.clone())
                        .build(),
                )
                .default_configuration(
                    sarif::ReportingConfiguration::builder()
                        .level(serde_json::Value::String(level(d.severity).to_string()))
                        .build(),
                )
                .build()
        })
        .collect();
    let results: Vec<sarif::Result> = report
        .all()
        .iter()
        .map(|d| {
            let mut r = sarif::Result::builder()
                .rule_id(d.code.clone())
                .message(
                    sarif::Message::builder()
                        .text(match &d.help {
                            Some(h) => format!("{} ({h})", d.message),
                            None => d.message.clone(),
                        })
                        .build(),
                )
                .level(match d.severity {
                    Severity::Error => sarif::ResultLevel::Error,
                    Severity::Warning => sarif::ResultLevel::Warning,
                    Severity::Info => sarif::ResultLevel::Note,
                })
                .build();
            if let Some(i) = index.get(d.code.as_str()) {
                r.rule_index = Some(*i as i64);
            }
            if let Some((line, column, end_line, end_column)) = d.line_cols() {
                let region = sarif::Region::builder()
                    .start_line(line as i64)
                    .start_column(column as i64)
                    .end_line(end_line as i64)
                    .end_column(end_column as i64)
                    .build();
                let physical = sarif::PhysicalLocation::builder()
                    .artifact_location(
                        sarif::ArtifactLocation::builder()
                            .uri(d.file_name().replace('\\', "/"))
                            .build(),
                    )
                    .region(region)
                    .build();
                r.locations = Some(vec![sarif::Location::builder()
                    .physical_location(physical)
                    .build()]);
            }
            r
        })
        .collect();
    let driver = sarif::ToolComponent::builder()
        .name("tiercheck")
        .version(env!("CARGO_PKG_VERSION"))
        .rules(descriptors)
        .build();
    let run = sarif::Run::builder()
        .tool(sarif::Tool::builder().driver(driver).build())
        .results(results)
        .build();
    let log = sarif::Sarif::builder()
        .version(serde_json::Value::String("2.1.0".to_string()))
        .schema(sarif::SCHEMA_URL)
        .runs(vec![run])
        .build();
    serde_json::to_string_pretty(&log)
        .map(|t| t + "\n")
        .map_err(|e| {
            vec![Diagnostic::error(
                "internal-error",
                format!("cannot write SARIF: {e}"),
            )]
        })
}
