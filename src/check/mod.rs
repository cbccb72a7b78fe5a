//! `check`: a narrative draft against its own text, the house style and (with facts) the
//! assessment. Each check kind is one file in this folder and reads the parsed [`Narrative`] and
//! its [`Claims`]; every finding is a [`Diagnostic`] whose code and default severity are
//! documented in `rules/checks.yaml` (language rules in `rules/style.yaml`).
//!
//! Pipeline position: `normalize::plain` -> `narrative::parse` -> `claims::read` -> the check
//! kinds here -> suppressions ([`suppress`]) -> back to the file as written
//! ([`Normalized::restore`]) -> the batch (`crate::batch`) -> renderers in `crate::output`.

pub mod counters;
pub mod docs;
pub mod money;
pub mod numbers;
pub mod openers;
pub mod statements;
pub mod structure;
pub mod style;
pub mod suppress;
pub mod tier;

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use crate::assessment::Assessment;
use crate::claims::{self, ClaimRules, Claims, CLAIMS_FILE};
use crate::diagnostic::{Diagnostic, Severity};
use crate::facts::Facts;
use crate::narrative::{self, Narrative};
use crate::normalize::{self, Normalized};
use crate::rulebook::{RuleFiles, Rulebook};
use crate::source::SourceFile;
use crate::yaml;

pub use docs::CheckDocs;
pub use style::StyleRules;

/// Every rule `check` needs, compiled once per run.
#[derive(Debug)]
pub struct CheckRules {
    pub claims: ClaimRules,
    pub style: StyleRules,
    pub docs: CheckDocs,
    /// Tier id -> (label, rank) from ruleset.yaml; empty when it is not available.
    pub tiers: HashMap<String, (String, Option<u32>)>,
}

impl CheckRules {
    /// Load claims.yaml, style.yaml and checks.yaml from a rules set; tier ids and ranks come
    /// from `rulebook` when given, else from ruleset.yaml read on its own.
    pub fn load(
        files: &RuleFiles,
        rulebook: Option<&Rulebook>,
    ) -> Result<CheckRules, Vec<Diagnostic>> {
        Self::load_as(files, rulebook, false)
    }

    /// [`CheckRules::load`], compiling every pattern now, so that a pattern too large to compile
    /// is a located problem rather than one that matches nothing (`rules lint`).
    pub fn load_compiled(
        files: &RuleFiles,
        rulebook: Option<&Rulebook>,
    ) -> Result<CheckRules, Vec<Diagnostic>> {
        Self::load_as(files, rulebook, true)
    }

    fn load_as(
        files: &RuleFiles,
        rulebook: Option<&Rulebook>,
        now: bool,
    ) -> Result<CheckRules, Vec<Diagnostic>> {
        let mut problems = Vec::new();
        let tiers: HashMap<String, (String, Option<u32>)> = match rulebook {
            Some(rb) => tiers_of_rulebook(rb),
            None => files
                .get("ruleset.yaml")
                .map(tiers_of_ruleset)
                .unwrap_or_default(),
        };
        let tier_ids: Vec<String> = {
            let mut ids: Vec<String> = tiers.keys().cloned().collect();
            ids.sort();
            ids
        };
        let need = |name: &str| {
            files.get(name).cloned().ok_or_else(|| {
                Diagnostic::error(
                    "missing-rule-file",
                    format!("the rules folder `{}` has no `{name}`", files.root),
                )
                .with_help(
                    "`check` reads claims.yaml, style.yaml and checks.yaml from the rules folder",
                )
            })
        };
        let (claims_f, style_f, docs_f) = (
            need(CLAIMS_FILE),
            need(style::STYLE_FILE),
            need(docs::DOCS_FILE),
        );
        // The language codes' docs load beside the claims (the largest file).
        let (claims, docs) = std::thread::scope(|scope| {
            let docs = scope.spawn(|| docs_f.map(|f| CheckDocs::load(&f)));
            let claims = claims_f.map(|f| {
                if now {
                    ClaimRules::load_compiled(&f, &tier_ids)
                } else {
                    ClaimRules::load(&f, &tier_ids)
                }
            });
            let docs = docs.join().unwrap_or_else(|_| {
                Ok(Err(vec![Diagnostic::error(
                    "internal-error",
                    "loading the check rules' docs stopped unexpectedly",
                )]))
            });
            (claims, docs)
        });
        let claims = match claims {
            Ok(loaded) => loaded.map_err(|mut d| problems.append(&mut d)).ok(),
            Err(d) => {
                problems.push(d);
                None
            }
        };
        let docs = match docs {
            Ok(loaded) => loaded.map_err(|mut d| problems.append(&mut d)).ok(),
            Err(d) => {
                problems.push(d);
                None
            }
        };
        let style = match (style_f, &claims) {
            (Ok(f), Some(c)) if now => StyleRules::load_compiled(&f, c.placeholders())
                .map_err(|mut d| problems.append(&mut d))
                .ok(),
            (Ok(f), Some(c)) => StyleRules::load(&f, c.placeholders())
                .map_err(|mut d| problems.append(&mut d))
                .ok(),
            (Err(d), _) => {
                problems.push(d);
                None
            }
            _ => None,
        };
        if let (Some(rb), Some(c)) = (rulebook, &claims) {
            problems.extend(rulebook_problems(c, rb));
        }
        match (claims, style, docs) {
            (Some(claims), Some(style), Some(mut docs)) if problems.is_empty() => {
                for d in style.docs() {
                    docs.add(d);
                }
                Ok(CheckRules {
                    claims,
                    style,
                    docs,
                    tiers,
                })
            }
            _ => Err(problems),
        }
    }

    /// The rulebook and the check rules of one rules folder, as `Rulebook::from_files` then
    /// [`CheckRules::load`] with it give them, but loaded side by side: the check rules' regexes
    /// compile while the rulebook loads (the two are most of `check`'s start-up). The check rules
    /// take their tiers from ruleset.yaml read on its own, and are checked against the rulebook
    /// afterwards. A rulebook with problems is reported alone, as before; check rules with
    /// problems, or with tiers other than the rulebook's, are loaded again with the rulebook. So
    /// the result and the diagnostics are those of the sequential load. The patterns start
    /// compiling in the background as soon as they are checked (`check` reads drafts next);
    /// with `only`, the text of the run's one draft, those it cannot match are left out (see
    /// [`CheckRules::compile_in_background`]).
    pub fn load_with_rulebook(
        files: &RuleFiles,
        only: Option<&str>,
    ) -> Result<(Rulebook, CheckRules), Vec<Diagnostic>> {
        let (rulebook, early) = std::thread::scope(|scope| {
            let rulebook = scope.spawn(|| Rulebook::from_files(files.clone()));
            let early = CheckRules::load(files, None);
            if let Ok(rules) = &early {
                rules.compile_in_background(only);
            }
            (rulebook.join(), early)
        });
        let rulebook = rulebook.unwrap_or_else(|_| {
            Err(vec![Diagnostic::error(
                "internal-error",
                "loading the rules stopped unexpectedly",
            )])
        })?;
        match early {
            Ok(rules) if rules.tiers == tiers_of_rulebook(&rulebook) => {
                let problems = rulebook_problems(&rules.claims, &rulebook);
                if problems.is_empty() {
                    Ok((rulebook, rules))
                } else {
                    Err(problems)
                }
            }
            _ => CheckRules::load(files, Some(&rulebook)).map(|rules| (rulebook, rules)),
        }
    }

    /// Start compiling every claim and language pattern on a thread of their own (see
    /// [`crate::pattern::compile_in_background`]): a run that reads drafts uses most of them.
    /// With `only`, the text of the run's one draft, the claim patterns it cannot match are
    /// deferred first ([`ClaimRules::defer_absent`]): each still compiles if it is used.
    pub fn compile_in_background(&self, only: Option<&str>) {
        if let Some(text) = only {
            self.claims.defer_absent(text);
        }
        let all = self.claims.patterns.iter().chain(&self.style.patterns);
        crate::pattern::compile_in_background(all.cloned().collect());
    }

    /// A tier's label ("Tier 2 Watch List") for messages, or its id.
    pub fn tier_label(&self, id: &str) -> String {
        self.tiers
            .get(id)
            .map_or_else(|| id.to_string(), |(l, _)| l.clone())
    }

    pub fn tier_rank(&self, id: &str) -> Option<u32> {
        self.tiers.get(id).and_then(|(_, r)| *r)
    }
}

/// Tier id -> (label, rank) of a loaded rulebook.
fn tiers_of_rulebook(rb: &Rulebook) -> HashMap<String, (String, Option<u32>)> {
    rb.tiers
        .iter()
        .map(|t| (t.id.clone(), (t.label.clone(), t.rank)))
        .collect()
}

/// What the claim patterns get wrong about the rulebook: facts the catalog does not declare,
/// statement values and history years that do not fit it.
fn rulebook_problems(c: &ClaimRules, rb: &Rulebook) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    for (path, span) in &c.fact_paths {
        if rb.catalog.get(path).is_none() {
            let mut d = Diagnostic::error(
                "unknown-fact",
                format!("claim pattern names fact `{path}`, which the catalog does not declare"),
            )
            .at(&c.file, span.clone());
            let names = rb.catalog.facts.iter().map(|f| f.path.as_str());
            if let Some(s) = yaml::did_you_mean(path, names) {
                d = d.with_help(format!("did you mean `{s}`?"));
            }
            problems.push(d);
        }
    }
    problems.extend(c.check_against(rb));
    problems
}

/// Tier ids, labels and ranks from ruleset.yaml, read loosely: the rulebook validates that file.
fn tiers_of_ruleset(f: &Arc<SourceFile>) -> HashMap<String, (String, Option<u32>)> {
    let Ok((v, _)) = yaml::load_value(f) else {
        return HashMap::new();
    };
    let mut out = HashMap::new();
    if let Some(list) = v.get("tiers").and_then(|t| t.as_sequence()) {
        for t in list {
            let id = match t.get("id") {
                Some(serde_yaml::Value::String(s)) => s.clone(),
                Some(serde_yaml::Value::Number(n)) => n.to_string(),
                _ => continue,
            };
            let label = t
                .get("label")
                .and_then(|l| l.as_str())
                .unwrap_or(&id)
                .to_string();
            let rank = t.get("rank").and_then(|r| r.as_u64()).map(|r| r as u32);
            out.insert(id, (label, rank));
        }
    }
    out
}

/// The facts of the draft's country and year, and their assessment.
pub struct FactContext<'a> {
    pub facts: &'a Facts,
    pub assessment: &'a Assessment,
    pub rulebook: &'a Rulebook,
}

/// What every check kind reads.
pub struct Context<'a> {
    pub narrative: &'a Narrative,
    pub claims: &'a Claims,
    pub rules: &'a CheckRules,
    pub facts: Option<&'a FactContext<'a>>,
    /// The report year: the facts', else the draft's (`--year`, title line, file name).
    pub report_year: Option<i32>,
}

impl Context<'_> {
    pub fn file(&self) -> &Arc<SourceFile> {
        &self.narrative.file
    }

    pub fn text(&self, span: &Range<usize>) -> &str {
        self.narrative.text(span)
    }

    /// The help checks.yaml gives `code` for `case` (`""` for its only one), with `{name}`
    /// replaced by the values given.
    pub fn help(&self, code: &str, case: &str, values: &[(&str, &str)]) -> String {
        self.rules.docs.help(code, case, values)
    }

    /// A diagnostic with the code's documented default severity, at a span of the draft.
    pub fn diag(&self, code: &str, message: impl Into<String>, span: Range<usize>) -> Diagnostic {
        Diagnostic::new(code, self.rules.docs.severity(code), message).at(self.file(), span)
    }
}

/// A draft, normalized, parsed and read once. The narrative and its claims are over the
/// normalized text (`source.file`); `source` maps their spans back to the file as written.
pub struct Draft {
    pub narrative: Narrative,
    pub claims: Claims,
    /// The report year the draft gives (title line, else file name), or `--year`.
    pub report_year: Option<i32>,
    pub source: Normalized,
}

impl Draft {
    /// Read a plain-text draft.
    pub fn read(file: &Arc<SourceFile>, rules: &CheckRules) -> Draft {
        Draft::parse(normalize::plain(file, &rules.claims.layout), rules)
    }

    /// Parse a draft a reader normalized (`crate::reader`).
    pub fn parse(source: Normalized, rules: &CheckRules) -> Draft {
        let narrative = narrative::parse(&source.file, &rules.claims.layout);
        let claims = claims::read(&narrative, &rules.claims);
        let report_year = narrative.report_year(std::path::Path::new(&source.original.name));
        Draft {
            narrative,
            claims,
            report_year,
            source,
        }
    }
}

/// Run every check kind on one draft. Text-only checks always run; fact checks when `facts`.
pub fn run_checks(
    draft: &Draft,
    rules: &CheckRules,
    facts: Option<&FactContext<'_>>,
) -> Vec<Diagnostic> {
    let report_year = facts
        .and_then(|f| i32::try_from(f.facts.year).ok())
        .or(draft.report_year);
    let ctx = Context {
        narrative: &draft.narrative,
        claims: &draft.claims,
        rules,
        facts,
        report_year,
    };
    let mut out = Vec::new();
    structure::check(&ctx, &mut out);
    tier::check(&ctx, &mut out);
    numbers::check(&ctx, &mut out);
    statements::check(&ctx, &mut out);
    money::check(&ctx, &mut out);
    openers::check(&ctx, &mut out);
    counters::check(&ctx, &mut out);
    style::check(&ctx, &mut out);
    out
}

/// Which codes a run reports: `--select` (only these) and `--ignore` (not these). A code
/// matches itself, or its kind (`style`, `numbers`, ...).
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub select: Vec<String>,
    pub ignore: Vec<String>,
}

impl Selection {
    pub fn allows(&self, code: &str, docs: &CheckDocs) -> bool {
        let kind = docs.kind(code);
        let hit = |list: &[String]| {
            list.iter()
                .any(|c| c == code || kind.is_some_and(|k| k == c))
        };
        (self.select.is_empty() || hit(&self.select)) && !hit(&self.ignore)
    }

    /// Every code `--select` and `--ignore` (or the configuration's lists) name is a check
    /// code or a kind.
    pub fn validate(&self, rules: &CheckRules) -> Result<(), Vec<Diagnostic>> {
        let unknown: Vec<Diagnostic> = self
            .select
            .iter()
            .chain(&self.ignore)
            .filter(|c| rules.docs.get(c).is_none() && !rules.docs.all().any(|d| d.kind == **c))
            .map(|c| {
                let d = Diagnostic::error(
                    "unknown-code",
                    format!(
                        "`--select`/`--ignore` names `{c}`, which is neither a check code nor a kind"
                    ),
                );
                match yaml::did_you_mean(c, rules.docs.codes()) {
                    Some(s) => d.with_help(format!("did you mean `{s}`?")),
                    None => d.with_help("`tiercheck check --explain CODE` documents a code"),
                }
            })
            .collect();
        if unknown.is_empty() {
            Ok(())
        } else {
            Err(unknown)
        }
    }
}

/// Check one draft: normalize, parse, read, run, filter by selection, apply suppressions, point
/// the findings at the file as written. Returns the diagnostics sorted.
pub fn check_draft(
    file: &Arc<SourceFile>,
    rules: &CheckRules,
    facts: Option<&FactContext<'_>>,
    selection: &Selection,
    sidecar: Option<&suppress::Sidecar>,
) -> Vec<Diagnostic> {
    let draft = Draft::read(file, rules);
    check_read_draft(&draft, rules, facts, selection, sidecar)
}

/// [`check_draft`] of a draft already read (whose narrative also paired it with its facts).
pub fn check_read_draft(
    draft: &Draft,
    rules: &CheckRules,
    facts: Option<&FactContext<'_>>,
    selection: &Selection,
    sidecar: Option<&suppress::Sidecar>,
) -> Vec<Diagnostic> {
    check_read_draft_with_suppressed(draft, rules, facts, selection, sidecar).0
}

/// [`check_read_draft`], also returning the findings an accepted exception suppressed (for
/// outputs that report suppressions), sorted.
pub fn check_read_draft_with_suppressed(
    draft: &Draft,
    rules: &CheckRules,
    facts: Option<&FactContext<'_>>,
    selection: &Selection,
    sidecar: Option<&suppress::Sidecar>,
) -> (Vec<Diagnostic>, Vec<suppress::Suppressed>) {
    let mut ds = run_checks(draft, rules, facts);
    ds.retain(|d| selection.allows(&d.code, &rules.docs));
    let (mut ds, mut suppressed) = suppress::apply(ds, draft, sidecar, rules, selection);
    draft.source.restore(&mut ds);
    for s in &mut suppressed {
        draft
            .source
            .restore(std::slice::from_mut(&mut s.diagnostic));
    }
    crate::diagnostic::sort(&mut ds);
    suppressed.sort_by_cached_key(|s| s.diagnostic.sort_key());
    (ds, suppressed)
}

/// Every code the Rust check kinds can emit (the language rules' codes come from style.yaml).
/// A test keeps rules/checks.yaml documenting exactly these.
pub fn rust_codes() -> Vec<&'static str> {
    vec![
        structure::MISSING_HEADING,
        structure::UNKNOWN_TIER,
        structure::TITLE_COUNTRY_MISMATCH,
        structure::MISSING_SECTION,
        structure::SECTION_ORDER,
        structure::DUPLICATE_SECTION,
        structure::EMPTY_INTRO,
        structure::NO_RECOMMENDATIONS,
        structure::NOT_IMPERATIVE,
        structure::UNKNOWN_VERB,
        structure::DUPLICATE_RECOMMENDATION,
        structure::GAP_WITHOUT_RECOMMENDATION,
        tier::TIER_MISMATCH,
        tier::STATUS_MISMATCH,
        tier::STATUS_MISSING,
        tier::EFFORTS_MISMATCH,
        tier::MOVEMENT_MISSING,
        tier::MOVEMENT_WORDING,
        tier::TIER_NOT_COMPUTED,
        tier::MOVEMENT_HISTORY,
        tier::CONSECUTIVE_YEARS,
        tier::WAIVER_MISMATCH,
        numbers::TREND_WORD,
        numbers::NO_PERIOD,
        numbers::BOUND,
        numbers::PARTS,
        numbers::PARTS_SUM,
        numbers::COMPARISON_YEAR,
        numbers::INTRO_FIGURE,
        numbers::COUNT_MISMATCH,
        numbers::COUNT_NOT_REPORTED,
        statements::STATEMENT_MISMATCH,
        money::RATE,
        money::AMOUNT_MISMATCH,
        openers::OPENER_MISSING,
        openers::OPENER_TREND,
        openers::OPENER_FIGURES,
        counters::COUNTER_INCONSISTENT,
        counters::COUNTER_MISMATCH,
        suppress::UNUSED,
        suppress::NO_REASON,
        NO_FACTS_FILE,
    ]
}

/// A draft for which `--facts` names a folder without its facts file.
pub const NO_FACTS_FILE: &str = "no-facts-file";

/// Severity of a code when no documentation names it (should not happen: a test keeps the
/// documentation complete).
pub const FALLBACK_SEVERITY: Severity = Severity::Error;
