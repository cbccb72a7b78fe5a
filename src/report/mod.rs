//! `report`: a whole report year as a static site. Every facts file of a folder is assessed,
//! the drafts (with `--drafts`) are checked against those assessments by the batch `check` runs
//! ([`crate::batch`]), and
//! (with `--base-rules`) each file is assessed under the base rules too and compared as
//! `rules diff` compares; the results become the views of [`model`], which the templates of
//! `templates/report/` ([`pages`]) turn into an overview, a criteria heatmap and a page per
//! country. [`site`] writes the folder atomically.
//!
//! ```text
//! facts -> assess ---------------------------\
//! drafts -> check (batch) -------------------> model -> pages (templates/report) -> site
//! facts -> assess under the base rules -> impact /
//! ```

pub mod chart;
pub mod marks;
pub mod model;
pub mod pages;
pub mod site;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::assessment::Assessment;
use crate::batch::{self, Assessed, Batch, Preassessed};
use crate::check::{CheckRules, Selection};
use crate::claims::Movement as Stated;
use crate::diagnostic::{Diagnostic, Severity};
use crate::facts::Facts;
use crate::rulebook::{RuleFiles, Rulebook};
use crate::{assess_facts, assess_file_within, expand_inputs, impact};

use model::{CountryPage, DraftRow, Overview, Row, SiteInfo, Totals};
use pages::Pages;
use site::SiteFile;

/// What to report on. `Options::default()` reports on nothing yet, with the default input
/// limit ([`crate::source::MAX_INPUT_BYTES`]), not a limit of zero bytes.
#[derive(Debug, Clone)]
pub struct Options {
    /// A facts file or a folder of them: one country page each.
    pub facts: PathBuf,
    /// A draft or a folder of drafts, paired with the facts by country and year.
    pub drafts: Option<PathBuf>,
    /// The rules before an edit, to show its impact.
    pub base_rules: Option<PathBuf>,
    /// The rules (default: the bundled ones).
    pub rules: Option<PathBuf>,
    /// The report templates (default: the bundled `templates/report/`).
    pub templates: Option<PathBuf>,
    /// The checks reported on drafts (`select`/`ignore` of the configuration, as `check` reads
    /// them).
    pub selection: Selection,
    /// The report year of drafts that do not give one.
    pub year: Option<i32>,
    /// The most bytes a facts file or draft may hold (the project's `input_limit`).
    pub input_limit: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            facts: PathBuf::new(),
            drafts: None,
            base_rules: None,
            rules: None,
            templates: None,
            selection: Selection::default(),
            year: None,
            input_limit: crate::source::MAX_INPUT_BYTES,
        }
    }
}

/// Told how far the build has come; the command shows it as a progress bar.
pub trait Progress: Sync {
    /// A new stage of `len` steps.
    fn stage(&self, what: &str, len: usize);
    /// One step done.
    fn step(&self);
}

/// No progress shown.
pub struct Quiet;

impl Progress for Quiet {
    fn stage(&self, _: &str, _: usize) {}
    fn step(&self) {}
}

/// A site, ready to write.
#[derive(Debug)]
pub struct Built {
    pub files: Vec<SiteFile>,
    pub totals: Totals,
}

/// One facts file, loaded and assessed (shared with the draft checks, which need not load it
/// again).
struct Country {
    assessed: Arc<Assessed>,
    href: String,
}

impl Country {
    fn facts(&self) -> &Facts {
        &self.assessed.facts
    }
    fn assessment(&self) -> &Assessment {
        &self.assessed.assessment
    }
}

/// Build the site: every problem that stops it (rules, templates, facts, drafts that cannot be
/// read) is collected and returned together.
pub fn build(opts: &Options, progress: &dyn Progress) -> Result<Built, Vec<Diagnostic>> {
    let mut problems = Vec::new();
    let pages = Pages::load(opts.templates.as_deref()).map_err(|mut d| problems.append(&mut d));
    let rules = load_rules(opts).map_err(|mut d| problems.append(&mut d));
    let base = opts
        .base_rules
        .as_deref()
        .map(|b| Rulebook::load(Some(b)))
        .transpose()
        .map_err(|mut d| problems.append(&mut d));
    let (Ok(pages), Ok((rules, check_rules)), Ok(base)) = (pages, rules, base) else {
        return Err(problems);
    };
    if let Some(cr) = &check_rules {
        opts.selection.validate(cr)?;
    }
    let paths = expand_inputs(std::slice::from_ref(&opts.facts), &["yaml", "yml"])?;

    progress.stage("assessing", paths.len());
    let loaded: Vec<Result<Country, Vec<Diagnostic>>> = paths
        .par_iter()
        .map(|path| {
            let facts = Facts::load_within(path, &rules, opts.input_limit)?;
            let assessment = assess_facts(&rules, &facts)?;
            progress.step();
            Ok(Country {
                assessed: Arc::new(Assessed { facts, assessment }),
                href: String::new(),
            })
        })
        .collect();
    let mut countries = Vec::new();
    for l in loaded {
        match l {
            Ok(c) => countries.push(c),
            Err(mut ds) => problems.append(&mut ds),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    countries.sort_by(|a, b| {
        let (a, b) = (a.assessment(), b.assessment());
        (&a.country, a.year, &a.file).cmp(&(&b.country, b.year, &b.file))
    });
    name_pages(&mut countries);

    let tiers = model::tiers(&rules);
    let columns = model::columns(&rules);
    let mut rows: Vec<Row> = countries
        .iter()
        .map(|c| model::row(c.assessment(), c.href.clone(), &tiers, &columns))
        .collect();

    // Drafts: checked by the batch `check` runs, then attached to their facts file's country.
    let mut draft_pages: Vec<Vec<model::DraftPage>> =
        countries.iter().map(|_| Vec::new()).collect();
    let mut unpaired = Vec::new();
    let mut totals = Totals {
        countries: countries.len(),
        ..Totals::default()
    };
    if let (Some(dir), Some(cr)) = (&opts.drafts, &check_rules) {
        let inputs = batch::expand(std::slice::from_ref(dir))?;
        progress.stage("checking drafts", inputs.drafts.len());
        let index: HashMap<PathBuf, usize> = countries
            .iter()
            .enumerate()
            .map(|(i, c)| (same_file(&c.facts().path), i))
            .collect();
        let pre: Preassessed = index
            .iter()
            .map(|(path, i)| (path.clone(), Arc::clone(&countries[*i].assessed)))
            .collect();
        let tick = || progress.step();
        let checked = Batch {
            rules: cr,
            rulebook: Some(&rules),
            facts: Some(&opts.facts),
            selection: &opts.selection,
            year: opts.year,
            input_limit: opts.input_limit,
            tick: Some(&tick),
            preassessed: Some(&pre),
        }
        .run(&inputs.drafts);
        drop(pre);
        if !checked.failed.is_empty() {
            return Err(checked.failed);
        }
        let mut rows_drafts: Vec<Vec<DraftRow>> = countries.iter().map(|_| Vec::new()).collect();
        for (name, summary) in &checked.drafts {
            let ds = checked.files.get(name).map_or(&[][..], Vec::as_slice);
            let count = |s: Severity| ds.iter().filter(|d| d.severity == s).count();
            totals.drafts += 1;
            totals.errors += count(Severity::Error);
            totals.warnings += count(Severity::Warning);
            let country = summary
                .facts
                .as_deref()
                .and_then(|p| index.get(&same_file(p)).copied());
            let Some(i) = country else {
                unpaired.push(model::UnpairedDraft {
                    file: name.clone(),
                    errors: count(Severity::Error),
                    warnings: count(Severity::Warning),
                });
                continue;
            };
            let a = countries[i].assessment();
            let row = DraftRow {
                file: name.clone(),
                errors: count(Severity::Error),
                warnings: count(Severity::Warning),
                stated_tier: summary.tier.clone(),
                stated_tier_label: summary.tier.as_deref().map(|t| {
                    rules
                        .tier(t)
                        .map_or_else(|| t.to_string(), |t| t.label.clone())
                }),
                stated_movement: summary.movement.map(Stated::as_str),
                tier_agrees: summary.tier.as_ref().map(|t| *t == a.tier),
                movement_agrees: summary.movement.map(|m| movement_agrees(m, a)),
            };
            draft_pages[i].push(model::draft_page(row.clone(), &summary.file, ds));
            rows_drafts[i].push(row);
        }
        for (row, drafts) in rows.iter_mut().zip(rows_drafts) {
            model::attach_drafts(row, drafts);
        }
    }

    // The rule edit's impact: each file under the base rules against the assessment above.
    let impact = match &base {
        Some(base_rules) => {
            progress.stage("assessing under the base rules", countries.len());
            let compared: Vec<_> = countries
                .par_iter()
                .map(|c| {
                    let before = assess_file_within(base_rules, &c.facts().path, opts.input_limit);
                    let after = Ok(c.assessment().clone());
                    let impact = impact::file_impact(&c.assessment().file, before, after);
                    progress.step();
                    impact
                })
                .collect();
            let mut impacts = Vec::new();
            for (r, row) in compared.into_iter().zip(rows.iter_mut()) {
                match r {
                    Ok(Some(i)) => {
                        row.changes = i.changes.clone();
                        impacts.push(i);
                    }
                    Ok(None) => {}
                    Err(mut ds) => problems.append(&mut ds),
                }
            }
            totals.changed = impacts.len();
            let hrefs: HashMap<&str, &str> = countries
                .iter()
                .map(|c| (c.assessment().file.as_str(), c.href.as_str()))
                .collect();
            Some(model::impact(
                base_rules.files.root.clone(),
                rules.files.root.clone(),
                countries.len(),
                impacts,
                |f| hrefs.get(f).map(|h| (*h).to_string()),
            ))
        }
        None => None,
    };
    if !problems.is_empty() {
        return Err(problems);
    }

    let with_href: Vec<(&Assessment, String)> = countries
        .iter()
        .map(|c| (c.assessment(), c.href.clone()))
        .collect();
    totals.undetermined = countries
        .iter()
        .filter(|c| c.assessment().is_undetermined())
        .count();
    let mut years: Vec<i64> = countries.iter().map(|c| c.assessment().year).collect();
    years.sort_unstable();
    years.dedup();
    let site = SiteInfo {
        facts: opts.facts.display().to_string(),
        drafts: opts.drafts.as_ref().map(|d| d.display().to_string()),
        rules: rules.files.root.clone(),
        rules_name: rules.name.clone(),
        rules_version: rules.version.clone(),
        years,
        tool_version: env!("CARGO_PKG_VERSION"),
    };
    let overview = Overview {
        site,
        chart: model::tier_chart(&rows, &tiers),
        matrix: model::matrix(&rows, &tiers),
        flags: model::flag_groups(&with_href),
        undetermined: model::undetermined(&with_href),
        tiers,
        columns,
        rows,
        unpaired_drafts: unpaired,
        impact,
        totals: totals.clone(),
    };

    progress.stage("writing pages", countries.len() + 2);
    let mut files = pages.assets.clone();
    for name in [pages::OVERVIEW, pages::HEATMAP] {
        files.push(SiteFile {
            path: name.to_string(),
            bytes: pages.render(name, &overview, "")?.into_bytes(),
        });
        progress.step();
    }
    // Each country's facts, assessment and draft pages are dropped as soon as its page is
    // rendered, so the pages reuse their memory.
    let rendered: Vec<Result<SiteFile, Vec<Diagnostic>>> = countries
        .into_par_iter()
        .zip(draft_pages)
        .enumerate()
        .map(|(i, (c, drafts))| {
            let a = c.assessment();
            let (facts, unstated) = model::facts(c.facts(), &rules);
            let page = CountryPage {
                site: &overview.site,
                row: &overview.rows[i],
                assessment: model::Placement::of(a),
                deciding: model::deciding_step(&a.trace, &rules),
                evidence_of_trace: model::evidence_of_trace(a),
                criteria: model::criteria(a),
                pillars: model::pillars(a),
                facts,
                unstated_facts: unstated,
                facts_file: c.facts().file.name.clone(),
                previous_file: c.facts().previous_file.clone(),
                drafts: &drafts,
                columns: &overview.columns,
            };
            let html = pages.render(pages::COUNTRY, &page, "../");
            progress.step();
            html.map(|h| SiteFile {
                path: c.href.clone(),
                bytes: h.into_bytes(),
            })
        })
        .collect();
    for r in rendered {
        match r {
            Ok(f) => files.push(f),
            Err(mut ds) => problems.append(&mut ds),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Built { files, totals })
}

/// The rules, and the check rules when drafts are to be checked (loaded side by side, as
/// `check --facts` loads them).
fn load_rules(opts: &Options) -> Result<(Rulebook, Option<CheckRules>), Vec<Diagnostic>> {
    let files = match opts.rules.as_deref() {
        Some(d) => RuleFiles::from_dir(d)?,
        None => RuleFiles::bundled()?,
    };
    if opts.drafts.is_some() {
        let (rb, cr) = CheckRules::load_with_rulebook(&files, None)?;
        Ok((rb, Some(cr)))
    } else {
        Ok((Rulebook::from_files(files)?, None))
    }
}

/// A path to compare files by: the canonical one when the file exists.
fn same_file(p: &Path) -> PathBuf {
    p.canonicalize().unwrap_or_else(|_| p.to_path_buf())
}

/// Whether a stated movement is the computed one (a country new to the ranked tiers is
/// "placed" on its tier).
fn movement_agrees(stated: Stated, a: &Assessment) -> bool {
    use crate::assessment::Movement as M;
    matches!(
        (stated, a.movement),
        (Stated::Remained, M::Remained)
            | (Stated::Upgraded, M::Upgraded)
            | (Stated::Downgraded, M::Downgraded)
            | (Stated::Placed, M::New)
    )
}

/// Each country's page: `countries/<file name>-<year>.html`, made unique in country order.
fn name_pages(countries: &mut [Country]) {
    let mut used: HashMap<String, usize> = HashMap::new();
    for c in countries.iter_mut() {
        let stem = c
            .facts()
            .path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("country");
        let slug: String = format!("{stem}-{}", c.assessment().year)
            .chars()
            .map(|ch| {
                if ch.is_ascii_alphanumeric() {
                    ch.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect();
        let n = used.entry(slug.clone()).or_default();
        *n += 1;
        c.href = if *n == 1 {
            format!("countries/{slug}.html")
        } else {
            format!("countries/{slug}-{n}.html")
        };
    }
}

#[cfg(test)]
#[allow(clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn default_options_read_files_up_to_the_default_limit() {
        let opts = Options {
            facts: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("reports/2022"),
            ..Options::default()
        };
        assert_eq!(opts.input_limit, crate::source::MAX_INPUT_BYTES);
        match build(&opts, &Quiet) {
            Ok(built) => assert!(!built.files.is_empty()),
            Err(ds) => panic!("{:?}", ds.iter().map(|d| &d.message).collect::<Vec<_>>()),
        }
    }
}
