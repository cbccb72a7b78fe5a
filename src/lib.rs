//! # tiercheck
//!
//! Rule-based tier assessment, drafting and pre-publication checking for Trafficking in Persons
//! (TIP) Report country narratives. The engine is generic: all domain knowledge (the TVPA
//! minimum standards, tiers, thresholds, phrases) lives in `rules/` and `templates/`.
//!
//! ```text
//! load (rules/, facts) -> validate -> evaluate -> Assessment -> render (templates/) -> draft text
//!                                                      \-> check (draft text) -> diagnostics
//! narrative text -> extract -> facts
//! ```
//!
//! - [`source`] reads files; [`yaml`] parses YAML with positions; [`diagnostic`] is the one
//!   finding model with its renderers.
//! - [`pattern`] is the rules' regular expression: checked when loaded, compiled when first used;
//!   [`prefilter`] picks which of many patterns can match a sentence.
//! - [`reader`] reads a draft in its format (plain text, Markdown, Word, HTML), one file per
//!   format; [`normalize`] turns a draft as written (Markdown, odd spaces, curly quotes, wrapped lines)
//!   into the text [`narrative`] parses, and maps every finding back to the bytes as written.
//! - [`rulebook`] loads and validates `rules/` (schema in [`rulebook::schema`]), dated rules and
//!   params included; [`expr`] is the only module that knows CEL (the `cel` crate parses, and
//!   `expr` evaluates in three-valued logic, so a fact the file does not state is unknown).
//! - [`facts`] validates a facts file against the catalog (and its constraints); [`evaluate`]
//!   turns facts into an [`assessment::Assessment`], whose tier is undetermined when the facts
//!   lack the evidence the rules ask for.
//! - [`render`] holds the Tera filters; [`draft`] loads `templates/` and renders an assessment
//!   into a narrative; [`commands`] the subcommands, dispatched by [`cli`]: thin, they parse
//!   arguments, call the library and print through [`output`], the one output module.
//! - [`batch`] checks many drafts at once: expands folders, reads, pairs each draft with its
//!   facts by country and year, runs on every core, and keeps one result per draft.
//! - The rule editor's tools: [`ruletest`] runs `rules/tests/*.yaml` with coverage, [`impact`]
//!   compares two assessments for `rules diff`, [`jsonschema`] generates the editors' schemas
//!   (`rules/schema/`), [`watch`] re-runs a command on save and prints what changed.
//! - [`config`] finds and reads `tiercheck.toml`; [`fix`] applies the certain fixes of `check`'s
//!   findings to a draft as written (`--fix`, `--diff`).
//! - Machine-readable output: [`output_json`] owns the JSON documents' shapes and their schemas,
//!   [`sarif`] the SARIF log of `check`.
//! - [`report`] renders a whole year (assessments, draft checks, a rule edit's impact) as a
//!   static site with the templates of `templates/report/`.

pub mod assessment;
pub mod batch;
pub mod bundle;
pub mod check;
pub mod claims;
pub mod cli;
pub mod commands;
pub mod config;
pub mod diagnostic;
pub mod draft;
pub mod evaluate;
pub mod expr;
pub mod extract;
pub mod facts;
pub mod fix;
pub mod impact;
pub mod jsonschema;
pub mod narrative;
pub mod normalize;
pub mod output;
pub mod output_json;
pub mod pattern;
pub mod prefilter;
pub mod reader;
pub mod render;
pub mod report;
pub mod rulebook;
pub mod ruletest;
pub mod sarif;
pub mod source;
pub mod stdout;
pub mod watch;
pub mod yaml;

use std::path::{Path, PathBuf};

use diagnostic::Diagnostic;

/// How a run ended: 0 clean, 1 findings, 2 could not run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Clean,
    Findings,
    Failed,
}

impl Exit {
    pub fn code(self) -> std::process::ExitCode {
        std::process::ExitCode::from(self.number())
    }

    /// The exit status as a number: 0, 1 or 2.
    pub fn number(self) -> u8 {
        match self {
            Exit::Clean => 0,
            Exit::Findings => 1,
            Exit::Failed => 2,
        }
    }

    /// The worse of two outcomes.
    pub fn max(self, other: Exit) -> Exit {
        let rank = |e: Exit| match e {
            Exit::Clean => 0,
            Exit::Findings => 1,
            Exit::Failed => 2,
        };
        if rank(other) > rank(self) {
            other
        } else {
            self
        }
    }
}

/// Load the rules: the bundled ones, or a folder.
pub fn load_rules(dir: Option<&Path>) -> Result<rulebook::Rulebook, Vec<Diagnostic>> {
    rulebook::Rulebook::load(dir)
}

/// The configuration and the rules it (or `--rules`) names: what every command that reads rules
/// starts with.
pub fn load_project_rules(
    args: &cli::RulesArg,
) -> Result<(config::Project, rulebook::Rulebook), Vec<Diagnostic>> {
    let project = args.project()?;
    let rules = load_rules(project.rules_dir())?;
    Ok((project, rules))
}

/// Load and assess one facts file.
pub fn assess_file(
    rules: &rulebook::Rulebook,
    path: &Path,
) -> Result<assessment::Assessment, Vec<Diagnostic>> {
    assess_file_within(rules, path, source::MAX_INPUT_BYTES)
}

/// [`assess_file`], the facts read within `limit` bytes (the project's input limit).
pub fn assess_file_within(
    rules: &rulebook::Rulebook,
    path: &Path,
    limit: u64,
) -> Result<assessment::Assessment, Vec<Diagnostic>> {
    let facts = facts::Facts::load_within(path, rules, limit)?;
    assess_facts(rules, &facts)
}

/// Assess a facts file already loaded (kept by callers that show the facts beside the verdict).
pub fn assess_facts(
    rules: &rulebook::Rulebook,
    facts: &facts::Facts,
) -> Result<assessment::Assessment, Vec<Diagnostic>> {
    let a = evaluate::evaluate(rules, facts);
    if a.tier.is_empty() {
        let file = rules.files.get("decision.yaml").cloned();
        let mut d = Diagnostic::error("no-tier", format!("no tier rule applied to `{}`", facts.path.display()))
            .with_help("the decision stages must place every country; end the placement stage with a rule whose condition is `true`");
        if let Some(f) = file {
            d = d.at(&f, 0..0);
        }
        return Err(vec![d]);
    }
    Ok(a)
}

/// Expand arguments into facts files: files as given, folders to their `.yaml` files (sorted).
pub fn expand_inputs(
    inputs: &[PathBuf],
    extensions: &[&str],
) -> Result<Vec<PathBuf>, Vec<Diagnostic>> {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for p in inputs {
        if p.is_dir() {
            let mut found = Vec::new();
            walk_dir(p, extensions, &mut found);
            found.sort();
            if found.is_empty() {
                problems.push(Diagnostic::error(
                    "io-error",
                    format!(
                        "folder `{}` holds no {} files",
                        p.display(),
                        extensions.join(" or ")
                    ),
                ));
            }
            out.extend(found);
        } else {
            out.push(p.clone());
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

fn walk_dir(dir: &Path, extensions: &[&str], out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk_dir(&p, extensions, out);
        } else if p
            .extension()
            .and_then(|x| x.to_str())
            .is_some_and(|x| extensions.contains(&x))
        {
            out.push(p);
        }
    }
}

/// Write a file atomically: a temporary file beside it, then a rename. On any error the
/// destination is left as it was. A symlink is written through (its target is replaced, the
/// link stays); a destination that is not a regular file (a device, a folder, a pipe) is
/// refused. The temporary file is named `.<name>.<random>.tiercheck.tmp`, so one left by a
/// killed run is plainly ours; those older than an hour are removed by the next write.
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<(), Diagnostic> {
    use std::io::Write;
    let fail = |e: std::io::Error| {
        Diagnostic::error(
            "io-error",
            format!(
                "cannot write `{}`: {}",
                path.display(),
                e.to_string().to_lowercase()
            ),
        )
    };
    let target = follow_symlinks(path).map_err(fail)?;
    let existing = std::fs::metadata(&target).ok();
    if existing.as_ref().is_some_and(|m| !m.is_file()) {
        return Err(Diagnostic::error(
            "io-error",
            format!(
                "cannot write `{}`: it is not a regular file",
                path.display()
            ),
        )
        .with_help("give the path of a file to create or replace"));
    }
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !dir.is_dir() {
        return Err(Diagnostic::error(
            "io-error",
            format!(
                "cannot write `{}`: the folder `{}` does not exist",
                path.display(),
                dir.display()
            ),
        )
        .with_help("create the folder first, or give another path"));
    }
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let prefix = format!(".{name}.");
    remove_stale_temporaries(dir, &prefix);
    // The temporary file's own path means nothing to the user: report the kind of failure.
    let mut tmp = tempfile::Builder::new()
        .prefix(&prefix)
        .suffix(TEMP_SUFFIX)
        .tempfile_in(dir)
        .map_err(|e| fail(std::io::Error::from(e.kind())))?;
    // A temporary file is private (0600); the result should have the permissions a plain write
    // would give: the existing file's, or the usual 0644.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = existing.map_or(0o644, |m| m.permissions().mode());
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))
            .map_err(fail)?;
    }
    tmp.write_all(contents).map_err(fail)?;
    tmp.as_file().sync_all().map_err(fail)?;
    tmp.persist(&target).map_err(|e| fail(e.error))?;
    Ok(())
}

/// How the temporary files of [`write_atomic`] end.
const TEMP_SUFFIX: &str = ".tiercheck.tmp";

/// The file a path names once every symlink is followed (a link to a link, a relative link);
/// the path itself when it is no link or does not exist.
fn follow_symlinks(path: &Path) -> std::io::Result<PathBuf> {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let to = std::fs::read_link(&p)?;
                p = match p.parent() {
                    Some(dir) if to.is_relative() => dir.join(to),
                    _ => to,
                };
            }
            _ => return Ok(p),
        }
    }
    Err(std::io::Error::other("too many levels of symbolic links"))
}

/// Remove temporary files of [`write_atomic`] for the same destination that a killed run left
/// (older than an hour, so never one a running write is filling).
fn remove_stale_temporaries(dir: &Path, prefix: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let hour = std::time::Duration::from_secs(3600);
    for e in entries.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if !(name.starts_with(prefix) && name.ends_with(TEMP_SUFFIX)) {
            continue;
        }
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > hour);
        if old {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Print diagnostics to standard error in the human style.
pub fn eprint_diagnostics(diagnostics: &[Diagnostic]) {
    eprint_diagnostics_styled(diagnostics, diagnostic::HumanStyle::detect());
}

/// Print diagnostics to standard error in the human style, coloured as `style` says.
pub fn eprint_diagnostics_styled(diagnostics: &[Diagnostic], style: diagnostic::HumanStyle) {
    if diagnostics.is_empty() {
        return;
    }
    let mut ds = diagnostics.to_vec();
    diagnostic::sort(&mut ds);
    eprint!("{}", diagnostic::render_human_all(&ds, style));
}
