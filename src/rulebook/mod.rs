//! Validated rules, indexed by id. [`Rulebook::load`] reads the YAML files of `rules/` (bundled
//! into the binary, or a folder given with `--rules`), checks every reference (fact paths,
//! params, tiers, pillars, functions, ids) and compiles every condition and finding text, so the
//! evaluator never sees raw YAML. All problems are collected and reported together.

pub mod schema;

use std::collections::{BTreeSet, HashMap};
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use include_dir::{include_dir, Dir};
use indexmap::IndexMap;

use crate::bundle;
use crate::diagnostic::Diagnostic;
use crate::expr::{known_functions, Condition, Reference};
use crate::render::TextTemplates;
use crate::source::SourceFile;
use crate::yaml::{self, did_you_mean, SpanIndex};
use schema::*;

/// The bundled rules, compiled into the binary.
static BUNDLED_RULES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/rules");

/// Names the engine binds in conditions; a catalog group may not take one of them.
pub const ENGINE_VARIABLES: &[&str] = &[
    "previous",
    "params",
    "report",
    "history",
    "criteria",
    "standards",
    "pillars",
    "totals",
    "tier",
];
const DECISION_ONLY: &[&str] = &["criteria", "standards", "pillars", "totals", "tier"];
const REPORT_FIELDS: &[&str] = &[
    "country",
    "year",
    "period",
    "downgrade_waiver",
    "special_case",
];
const CRITERION_FIELDS: &[&str] = &["status", "score", "strengths", "gaps", "key_gaps"];
const PILLAR_FIELDS: &[&str] = &["trend", "score"];
/// What a qualifier reads of its own pillar (`pillar.trend`, ...).
pub const QUALIFIER_PILLAR_FIELDS: &[&str] = &[
    "id",
    "trend",
    "score",
    "strengths",
    "gaps",
    "key_gaps",
    "not_met",
];
const TOTALS_FIELDS: &[&str] = &[
    "score",
    "strengths",
    "gaps",
    "key_gaps",
    "unmet_standards",
    "unknown",
];
const MONEY_FIELDS: &[&str] = &["amount", "currency", "usd"];

/// The rule files as read, by name relative to the rules folder (`criteria.yaml`).
#[derive(Debug, Clone, Default)]
pub struct RuleFiles {
    /// Display root (`rules` for the bundled set, the folder given otherwise).
    pub root: String,
    pub files: IndexMap<String, Arc<SourceFile>>,
}

impl RuleFiles {
    /// The bundled rules.
    pub fn bundled() -> Result<RuleFiles, Vec<Diagnostic>> {
        Ok(RuleFiles {
            root: "rules".into(),
            files: bundle::embedded(&BUNDLED_RULES, "rules", is_yaml)?,
        })
    }

    /// Every `.yaml` file under a folder (recursively), by relative name.
    pub fn from_dir(dir: &Path) -> Result<RuleFiles, Vec<Diagnostic>> {
        Ok(RuleFiles {
            root: dir.display().to_string(),
            files: bundle::on_disk(dir, "rules", "--rules", is_yaml)?,
        })
    }

    pub fn get(&self, name: &str) -> Option<&Arc<SourceFile>> {
        self.files.get(name)
    }

    fn require(&self, name: &str) -> Result<&Arc<SourceFile>, Diagnostic> {
        self.files.get(name).ok_or_else(|| {
            Diagnostic::error(
                "missing-rule-file",
                format!("the rules folder `{}` has no `{name}`", self.root),
            )
            .with_help("a rules folder holds ruleset.yaml, facts.yaml, standards.yaml, criteria.yaml, pillars.yaml and decision.yaml")
        })
    }
}

fn is_yaml(rel: &str) -> bool {
    rel.ends_with(".yaml") || rel.ends_with(".yml")
}

/// Where a rule was written: file, YAML path and span.
#[derive(Debug, Clone)]
pub struct Origin {
    pub file: Arc<SourceFile>,
    pub path: String,
    pub span: Range<usize>,
}

/// The fact catalog, by path.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    pub facts: Vec<FactDef>,
    index: HashMap<String, usize>,
    groups: BTreeSet<String>,
    pub origins: IndexMap<String, Origin>,
}

impl Catalog {
    pub fn get(&self, path: &str) -> Option<&FactDef> {
        self.index.get(path).map(|&i| &self.facts[i])
    }

    /// A strict prefix of some fact path (`prosecution`, or `law.penalty` for `law.penalty.max`).
    pub fn is_group(&self, prefix: &str) -> bool {
        self.groups.contains(prefix)
    }

    /// The names directly under a prefix ("" for the top level).
    pub fn children(&self, prefix: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for f in &self.facts {
            let rest = if prefix.is_empty() {
                Some(f.path.as_str())
            } else {
                f.path
                    .strip_prefix(prefix)
                    .and_then(|r| r.strip_prefix('.'))
            };
            if let Some(rest) = rest {
                let head = rest.split('.').next().unwrap_or(rest).to_string();
                if !out.contains(&head) {
                    out.push(head);
                }
            }
        }
        out
    }

    pub fn top_groups(&self) -> Vec<String> {
        self.children("")
    }
}

#[derive(Debug, Clone)]
pub struct Tier {
    pub id: String,
    pub label: String,
    pub rank: Option<u32>,
}

/// A rule as in force for a span of report years. A rule without dates has one version that
/// applies to every year.
#[derive(Debug)]
pub struct Version {
    pub from: Option<i64>,
    pub until: Option<i64>,
    pub citation: String,
    pub why: Option<String>,
    pub condition: Condition,
}

impl Version {
    pub fn applies(&self, year: i64) -> bool {
        self.from.is_none_or(|f| year >= f) && self.until.is_none_or(|u| year <= u)
    }

    /// The report years it covers (`2004-2018`, `2019-`, `-2018`); none when undated.
    pub fn label(&self) -> Option<String> {
        years_label(self.from, self.until)
    }
}

/// `2004-2018`, `2019-`, `-2018`, or none for an open range.
pub fn years_label(from: Option<i64>, until: Option<i64>) -> Option<String> {
    match (from, until) {
        (None, None) => None,
        (Some(f), Some(u)) if f == u => Some(f.to_string()),
        (f, u) => Some(format!(
            "{}-{}",
            f.map(|f| f.to_string()).unwrap_or_default(),
            u.map(|u| u.to_string()).unwrap_or_default()
        )),
    }
}

/// The version in force for a report year.
pub fn version_at(versions: &[Version], year: i64) -> Option<&Version> {
    versions.iter().find(|v| v.applies(year))
}

#[derive(Debug)]
pub struct Indicator {
    pub id: String,
    pub versions: Vec<Version>,
    pub effect: Effect,
    pub weight: u32,
    pub finding: String,
    /// A strength's effort as a gerund phrase (compiled as `<id>#effort`).
    pub effort: Option<String>,
    /// A gap as an action of the government (compiled as `<id>#shortfall`).
    pub shortfall: Option<String>,
    pub recommendation: Option<RecommendationRule>,
    pub origin: Origin,
}

/// A gap's recommendation (compiled as `<id>#recommendation`), its priority (1 first) and its
/// merge group (the indicator's id when it stands alone).
#[derive(Debug, Clone)]
pub struct RecommendationRule {
    pub text: String,
    pub priority: u32,
    pub group: String,
}

impl Indicator {
    pub fn at(&self, year: i64) -> Option<&Version> {
        version_at(&self.versions, year)
    }
}

#[derive(Debug)]
pub struct Criterion {
    pub id: String,
    pub citation: String,
    pub title: String,
    pub why: String,
    pub pillar: String,
    pub indicators: Vec<Indicator>,
    pub origin: Origin,
}

#[derive(Debug)]
pub struct Signal {
    pub id: String,
    pub pillar: String,
    pub versions: Vec<Version>,
    pub direction: Direction,
    pub weight: u32,
    pub text: String,
    pub origin: Origin,
}

impl Signal {
    pub fn at(&self, year: i64) -> Option<&Version> {
        version_at(&self.versions, year)
    }
}

/// A compiled opener qualifier (pillars.yaml `qualifiers`).
#[derive(Debug)]
pub struct Qualifier {
    pub id: String,
    pub citation: String,
    pub condition: Condition,
    pub adverb: Option<String>,
    pub adjective: Option<String>,
    pub origin: Origin,
}

#[derive(Debug)]
pub struct TierRule {
    pub id: String,
    pub why: String,
    pub versions: Vec<Version>,
    /// None: the rule sets flags only.
    pub tier: Option<String>,
    pub flags: Vec<String>,
    pub is_final: bool,
    pub origin: Origin,
}

impl TierRule {
    pub fn at(&self, year: i64) -> Option<&Version> {
        version_at(&self.versions, year)
    }
}

/// Evidence a verdict needs (decision.yaml `evidence`).
#[derive(Debug)]
pub struct Requirement {
    pub id: String,
    pub citation: String,
    pub why: String,
    pub tiers: Vec<String>,
    pub from: Option<i64>,
    pub until: Option<i64>,
    /// Fact paths (`previous.` for the previous period) that must be stated.
    pub known: Vec<String>,
    /// (pillar, at least): decided indicators among the pillar's standards and criteria.
    pub decided: Option<(String, u32)>,
    pub origin: Origin,
}

impl Requirement {
    pub fn applies(&self, year: i64, tier: &str) -> bool {
        self.from.is_none_or(|f| year >= f)
            && self.until.is_none_or(|u| year <= u)
            && self.tiers.iter().any(|t| t == tier)
    }
}

/// The sufficiency requirements and the tier they give when unmet.
#[derive(Debug, Default)]
pub struct Evidence {
    pub tier: Option<String>,
    pub requirements: Vec<Requirement>,
}

/// A cross-fact constraint of the catalog (facts.yaml `constraints`).
#[derive(Debug)]
pub struct Constraint {
    pub id: String,
    pub condition: Condition,
    pub message: String,
    pub why: String,
    pub unusual: bool,
    pub origin: Origin,
}

/// A condition over one history entry (decision.yaml `history`).
#[derive(Debug)]
pub struct HistoryRule {
    pub citation: String,
    pub why: String,
    pub condition: Condition,
    pub origin: Origin,
}

#[derive(Debug)]
pub struct Stage {
    pub id: String,
    pub citation: String,
    pub rules: Vec<TierRule>,
}

/// The validated rule set the evaluator runs.
#[derive(Debug)]
pub struct Rulebook {
    pub name: String,
    pub version: String,
    pub tiers: Vec<Tier>,
    pub pillars: Vec<PillarDef>,
    pub trend: TrendDef,
    pub params: IndexMap<String, ParamDef>,
    pub catalog: Catalog,
    pub standards: Vec<Criterion>,
    pub criteria: Vec<Criterion>,
    pub signals: Vec<Signal>,
    pub qualifiers: Vec<Qualifier>,
    pub stages: Vec<Stage>,
    pub evidence: Evidence,
    pub constraints: Vec<Constraint>,
    /// When a history year was a waiver year (checked against the history's flags).
    pub waiver_year: Option<HistoryRule>,
    pub report_years: Option<ReportYearsDef>,
    pub texts: TextTemplates,
    pub files: RuleFiles,
    /// Non-fatal problems found while loading (e.g. facts declared but never used).
    pub warnings: Vec<Diagnostic>,
}

/// What a condition may read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scope {
    Facts,
    Decision,
    /// A pillar qualifier: the decision variables and `pillar`.
    Qualifier,
    /// A history check: `entry`, `params`, `report`, `history`.
    History,
}

struct Loader<'a> {
    problems: Vec<Diagnostic>,
    /// Non-fatal problems (lint warnings).
    warnings: Vec<Diagnostic>,
    ids: HashMap<String, Origin>,
    catalog: Catalog,
    params: IndexMap<String, ParamDef>,
    tiers: Vec<Tier>,
    pillars: Vec<PillarDef>,
    criterion_ids: Vec<String>,
    standard_ids: Vec<String>,
    used_facts: BTreeSet<String>,
    /// Recommendation merge groups named in the rules, with where each member names it.
    groups: IndexMap<String, Vec<Origin>>,
    texts: TextTemplates,
    _files: &'a RuleFiles,
}

impl Rulebook {
    /// Load the bundled rules, or the folder given.
    pub fn load(dir: Option<&Path>) -> Result<Rulebook, Vec<Diagnostic>> {
        let files = match dir {
            Some(d) => RuleFiles::from_dir(d)?,
            None => RuleFiles::bundled()?,
        };
        Self::from_files(files)
    }

    pub fn from_files(files: RuleFiles) -> Result<Rulebook, Vec<Diagnostic>> {
        let mut problems = Vec::new();
        let mut parsed = |name: &str| -> Option<Arc<SourceFile>> {
            match files.require(name) {
                Ok(f) => Some(Arc::clone(f)),
                Err(d) => {
                    problems.push(d);
                    None
                }
            }
        };
        let ruleset_f = parsed("ruleset.yaml");
        let catalog_f = parsed("facts.yaml");
        let standards_f = parsed("standards.yaml");
        let criteria_f = parsed("criteria.yaml");
        let pillars_f = parsed("pillars.yaml");
        let decision_f = parsed("decision.yaml");

        fn typed<T: serde::de::DeserializeOwned>(
            f: &Option<Arc<SourceFile>>,
            problems: &mut Vec<Diagnostic>,
        ) -> Option<(T, SpanIndex, Arc<SourceFile>)> {
            let f = f.as_ref()?;
            match yaml::load::<T>(f) {
                Ok((v, s)) => Some((v, s, Arc::clone(f))),
                Err(mut d) => {
                    problems.append(&mut d);
                    None
                }
            }
        }
        let ruleset = typed::<RulesetFile>(&ruleset_f, &mut problems);
        let catalog = typed::<CatalogFile>(&catalog_f, &mut problems);
        let standards = typed::<CriteriaFile>(&standards_f, &mut problems);
        let criteria = typed::<CriteriaFile>(&criteria_f, &mut problems);
        let pillars = typed::<PillarsFile>(&pillars_f, &mut problems);
        let decision = typed::<DecisionFile>(&decision_f, &mut problems);

        let (Some(ruleset), Some(catalog)) = (ruleset, catalog) else {
            return Err(problems);
        };
        let mut l = Loader {
            problems,
            warnings: Vec::new(),
            ids: HashMap::new(),
            catalog: Catalog::default(),
            params: IndexMap::new(),
            tiers: Vec::new(),
            pillars: Vec::new(),
            criterion_ids: Vec::new(),
            standard_ids: Vec::new(),
            used_facts: BTreeSet::new(),
            groups: IndexMap::new(),
            texts: TextTemplates::new(),
            _files: &files,
        };
        l.ruleset(&ruleset.0, &ruleset.1, &ruleset.2);
        let constraint_defs = catalog.0.constraints.clone();
        l.catalog(catalog.0, &catalog.1, &catalog.2);

        // Criterion ids first, so decision rules can refer to any of them.
        if let Some((s, _, _)) = &standards {
            l.standard_ids = s.standards.iter().map(|c| c.id.clone()).collect();
        }
        if let Some((c, _, _)) = &criteria {
            l.criterion_ids = c.criteria.iter().map(|c| c.id.clone()).collect();
        }
        let standards_v = standards
            .map(|(f, s, src)| l.criteria_list(&f.standards, "standards", &s, &src))
            .unwrap_or_default();
        let criteria_v = criteria
            .map(|(f, s, src)| l.criteria_list(&f.criteria, "criteria", &s, &src))
            .unwrap_or_default();
        let (signals, qualifiers) = pillars
            .map(|(f, s, src)| (l.signals(&f, &s, &src), l.qualifiers(&f, &s, &src)))
            .unwrap_or_default();
        let (stages, evidence, waiver_year) = decision
            .map(|(f, s, src)| {
                (
                    l.stages(&f, &s, &src),
                    l.evidence(&f, &s, &src),
                    l.history_rule(&f, &s, &src),
                )
            })
            .unwrap_or_default();
        let constraints = l.constraints(&constraint_defs, &catalog.1, &catalog.2);

        l.lone_groups();
        if let Err(e) = l.texts.finish() {
            l.problems.push(Diagnostic::error(
                "bad-template",
                format!("the rule texts do not compile together: {e}"),
            ));
        }
        let mut warnings = std::mem::take(&mut l.warnings);
        for def in &l.catalog.facts {
            if !l.used_facts.contains(&def.path) {
                if let Some(o) = l.catalog.origins.get(&def.path) {
                    warnings.push(
                        Diagnostic::warning(
                            "unused-fact",
                            format!("fact `{}` is declared but no rule reads it", def.path),
                        )
                        .at(&o.file, o.span.clone())
                        .with_help(
                            "use it in a condition or finding, or remove it from the catalog",
                        ),
                    );
                }
            }
        }

        if !l.problems.is_empty() {
            return Err(l.problems);
        }
        Ok(Rulebook {
            name: ruleset.0.name.clone(),
            version: ruleset.0.version.clone(),
            tiers: l.tiers,
            pillars: l.pillars,
            trend: ruleset.0.trend.clone(),
            params: l.params,
            catalog: l.catalog,
            standards: standards_v,
            criteria: criteria_v,
            signals,
            qualifiers,
            stages,
            evidence,
            constraints,
            waiver_year,
            report_years: ruleset.0.report_years.clone(),
            texts: l.texts,
            files,
            warnings,
        })
    }

    pub fn tier(&self, id: &str) -> Option<&Tier> {
        self.tiers.iter().find(|t| t.id == id)
    }

    /// Every indicator of standards and criteria, with its criterion.
    pub fn indicators(&self) -> impl Iterator<Item = (&Criterion, &Indicator)> {
        self.standards
            .iter()
            .chain(&self.criteria)
            .flat_map(|c| c.indicators.iter().map(move |i| (c, i)))
    }

    pub fn tier_rules(&self) -> impl Iterator<Item = (&Stage, &TierRule)> {
        self.stages
            .iter()
            .flat_map(|s| s.rules.iter().map(move |r| (s, r)))
    }

    /// A param's value for a report year (its undated value, or the version in force), with the
    /// citation that applies.
    pub fn param_at(&self, name: &str, year: i64) -> Option<(&ParamValue, &str)> {
        let p = self.params.get(name)?;
        if let Some(v) = &p.value {
            return Some((v, p.citation.as_str()));
        }
        p.versions
            .iter()
            .find(|v| v.from.is_none_or(|f| year >= f) && v.until.is_none_or(|u| year <= u))
            .map(|v| (&v.value, v.citation.as_deref().unwrap_or(&p.citation)))
    }
}

/// Lowercase letters, digits and hyphens: the shape of ids and group names.
fn is_kebab(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

impl Loader<'_> {
    fn origin(&self, file: &Arc<SourceFile>, spans: &SpanIndex, path: &str) -> Origin {
        Origin {
            file: Arc::clone(file),
            path: path.to_string(),
            span: spans.value_span(path),
        }
    }

    fn claim_id(&mut self, id: &str, origin: &Origin) {
        if !is_kebab(id) {
            self.problems.push(
                Diagnostic::error("bad-id", format!("id `{id}` is not kebab-case"))
                    .at(&origin.file, origin.span.clone())
                    .with_help("ids are public API: lowercase letters, digits and hyphens, e.g. `no-convictions`"),
            );
        }
        if let Some(first) = self.ids.get(id) {
            self.problems.push(
                Diagnostic::error("duplicate-id", format!("duplicate rule id `{id}`"))
                    .at(&origin.file, origin.span.clone())
                    .with_label("repeated here")
                    .with_related(&first.file, first.span.clone(), "first defined here")
                    .with_help("every standard, criterion, indicator, signal, stage and tier rule needs its own id"),
            );
        } else {
            self.ids.insert(id.to_string(), origin.clone());
        }
    }

    /// An effort belongs to a strength, a shortfall to a gap; a recommendation's priority starts
    /// at 1 and its group is a kebab-case name.
    fn wording_fits_effect(
        &mut self,
        ind: &IndicatorDef,
        file: &Arc<SourceFile>,
        spans: &SpanIndex,
        at: &str,
    ) {
        let strength = ind.effect == Effect::Strength;
        if strength && ind.shortfall.is_some() {
            self.problems.push(
                Diagnostic::error(
                    "misplaced-wording",
                    format!("strength `{}` has a `shortfall`", ind.id),
                )
                .at(file, spans.key_span(&format!("{at}.shortfall")))
                .with_help("a shortfall words a gap as an action of the government; a strength's summary is its `effort`"),
            );
        }
        if !strength && ind.effort.is_some() {
            self.problems.push(
                Diagnostic::error(
                    "misplaced-wording",
                    format!("gap `{}` has an `effort`", ind.id),
                )
                .at(file, spans.key_span(&format!("{at}.effort")))
                .with_help(
                    "an effort words a strength for the intro; a gap's summary is its `shortfall`",
                ),
            );
        }
        let Some(r) = &ind.recommendation else { return };
        let rat = format!("{at}.recommendation");
        if r.priority == 0 {
            self.problems.push(
                Diagnostic::error(
                    "bad-priority",
                    format!("the recommendation of `{}` has priority 0", ind.id),
                )
                .at(file, spans.value_span(&format!("{rat}.priority")))
                .with_help("priorities start at 1, the most important"),
            );
        }
        if let Some(g) = &r.group {
            let origin = self.origin(file, spans, &format!("{rat}.group"));
            if !is_kebab(g) {
                self.problems.push(
                    Diagnostic::error("bad-id", format!("group `{g}` is not kebab-case"))
                        .at(&origin.file, origin.span.clone())
                        .with_help("a merge group is a name: lowercase letters, digits and hyphens, e.g. `victim-care`"),
                );
            }
            self.groups.entry(g.clone()).or_default().push(origin);
        }
    }

    /// A merge group named by one recommendation only merges nothing: likely a misspelt name.
    fn lone_groups(&mut self) {
        let names: Vec<&String> = self.groups.keys().collect();
        for (name, origins) in &self.groups {
            let [only] = origins.as_slice() else { continue };
            let mut d = Diagnostic::warning(
                "lone-recommendation-group",
                format!("recommendation group `{name}` has one member, so it merges nothing"),
            )
            .at(&only.file, only.span.clone());
            let others: Vec<&str> = names
                .iter()
                .filter(|n| **n != name)
                .map(|n| n.as_str())
                .collect();
            d = match did_you_mean(name, others) {
                Some(s) => d.with_help(format!("did you mean `{s}`?")),
                None => d.with_help("name the same group in the recommendations it should merge with, or leave `group` out"),
            };
            self.warnings.push(d);
        }
    }

    fn require_text(
        &mut self,
        value: &str,
        field: &str,
        file: &Arc<SourceFile>,
        spans: &SpanIndex,
        path: &str,
    ) {
        if value.trim().is_empty() {
            self.problems.push(
                Diagnostic::error(
                    "missing-citation",
                    format!("`{field}` is empty in `{path}`"),
                )
                .at(file, spans.value_span(&format!("{path}.{field}")))
                .with_help(if field == "citation" {
                    "every rule cites the TVPA section it encodes, e.g. `TVPA §108(b)(1)`"
                } else {
                    "say in a sentence why the rule exists"
                }),
            );
        }
    }

    fn ruleset(&mut self, r: &RulesetFile, spans: &SpanIndex, file: &Arc<SourceFile>) {
        for (i, t) in r.tiers.iter().enumerate() {
            if self.tiers.iter().any(|o| o.id == t.id) {
                self.problems.push(
                    Diagnostic::error("duplicate-id", format!("duplicate tier id `{}`", t.id))
                        .at(file, spans.value_span(&format!("tiers[{i}].id"))),
                );
            }
            self.tiers.push(Tier {
                id: t.id.clone(),
                label: t.label.clone(),
                rank: t.rank,
            });
        }
        if self.tiers.is_empty() {
            self.problems.push(
                Diagnostic::error("missing-field", "`tiers` is empty")
                    .at(file, spans.key_span("tiers")),
            );
        }
        self.pillars = r.pillars.clone();
        for (name, p) in &r.params {
            let at = format!("params.{name}");
            self.require_text(&p.citation, "citation", file, spans, &at);
            self.require_text(&p.why, "why", file, spans, &at);
            match (&p.value, p.versions.is_empty()) {
                (Some(_), false) | (None, true) => self.problems.push(
                    Diagnostic::error(
                        "bad-param",
                        format!("param `{name}` needs either `value` or dated `versions`"),
                    )
                    .at(file, spans.key_span(&at))
                    .with_help("`value:` for a constant; `versions: [{ from, until, value }]` when it changed with the law"),
                ),
                _ => {}
            }
            let ranges: Vec<(Option<i64>, Option<i64>, String)> = p
                .versions
                .iter()
                .enumerate()
                .map(|(i, v)| (v.from, v.until, format!("{at}.versions[{i}]")))
                .collect();
            self.check_dates(&ranges, file, spans, &format!("param `{name}`"));
        }
        if let Some(y) = &r.report_years {
            self.require_text(&y.citation, "citation", file, spans, "report_years");
            self.require_text(&y.why, "why", file, spans, "report_years");
        }
        self.params = r.params.clone();
        if r.trend.decreased_at >= r.trend.increased_at {
            self.problems.push(
                Diagnostic::error(
                    "bad-threshold",
                    "`trend.decreased_at` must be below `trend.increased_at`",
                )
                .at(file, spans.value_span("trend")),
            );
        }
    }

    /// Dated versions, oldest first: each range well formed, and each one starting the year after
    /// the one before it ends (no overlap, no gap).
    fn check_dates(
        &mut self,
        ranges: &[(Option<i64>, Option<i64>, String)],
        file: &Arc<SourceFile>,
        spans: &SpanIndex,
        what: &str,
    ) {
        let at = |path: &str, key: &str| {
            let p = format!("{path}.{key}");
            if spans.get(&p).is_some() {
                spans.value_span(&p)
            } else {
                spans.key_span(path)
            }
        };
        for (i, (from, until, path)) in ranges.iter().enumerate() {
            if let (Some(f), Some(u)) = (from, until) {
                if f > u {
                    self.problems.push(
                        Diagnostic::error(
                            "bad-dates",
                            format!("{what}: `from: {f}` is after `until: {u}`"),
                        )
                        .at(file, at(path, "from")),
                    );
                }
            }
            if i > 0 && from.is_none() {
                self.problems.push(
                    Diagnostic::error(
                        "overlapping-versions",
                        format!("{what}: a version after the first needs `from`"),
                    )
                    .at(file, spans.key_span(path))
                    .with_help(
                        "versions are oldest first; only the first may be open at its start",
                    ),
                );
            }
            let Some((_, prev_until, prev_path)) = i.checked_sub(1).map(|j| &ranges[j]) else {
                continue;
            };
            let Some(f) = from else { continue };
            match prev_until {
                None => self.problems.push(
                    Diagnostic::error(
                        "overlapping-versions",
                        format!("{what}: the version before `from: {f}` has no `until`, so both apply from {f}"),
                    )
                    .at(file, at(path, "from"))
                    .with_related(file, spans.key_span(prev_path), "this version is open-ended")
                    .with_help(format!("end the earlier version with `until: {}`", f - 1)),
                ),
                Some(u) if *f <= *u => self.problems.push(
                    Diagnostic::error(
                        "overlapping-versions",
                        format!("{what}: versions overlap: `from: {f}` is not after the previous `until: {u}`"),
                    )
                    .at(file, at(path, "from"))
                    .with_related(file, at(prev_path, "until"), "the previous version ends here")
                    .with_help(format!("start this version at {}", u + 1)),
                ),
                Some(u) if *f > *u + 1 => self.problems.push(
                    Diagnostic::error(
                        "version-gap",
                        format!(
                            "{what}: no version applies to {}",
                            if *f == *u + 2 {
                                format!("{}", u + 1)
                            } else {
                                format!("{}-{}", u + 1, f - 1)
                            }
                        ),
                    )
                    .at(file, at(path, "from"))
                    .with_related(file, at(prev_path, "until"), "the previous version ends here")
                    .with_help(format!("start this version at {}, or end the previous one at {}", u + 1, f - 1)),
                ),
                _ => {}
            }
        }
    }

    /// A rule's dated versions: its own `from`/`until` and `when`, or `versions` that override
    /// them. None when a condition does not compile.
    #[allow(clippy::too_many_arguments)]
    fn versions(
        &mut self,
        when: &str,
        citation: &str,
        dates: (Option<i64>, Option<i64>),
        defs: &[RuleVersionDef],
        scope: Scope,
        file: &Arc<SourceFile>,
        spans: &SpanIndex,
        path: &str,
    ) -> Option<Vec<Version>> {
        if defs.is_empty() {
            let condition = self.condition(when, scope, file, spans, path)?;
            let ranges = [(dates.0, dates.1, path.to_string())];
            self.check_dates(&ranges, file, spans, "rule");
            return Some(vec![Version {
                from: dates.0,
                until: dates.1,
                citation: citation.to_string(),
                why: None,
                condition,
            }]);
        }
        if dates.0.is_some() || dates.1.is_some() {
            self.problems.push(
                Diagnostic::error(
                    "bad-dates",
                    "give `from`/`until` on the rule or on its versions, not both",
                )
                .at(file, spans.key_span(&format!("{path}.versions"))),
            );
        }
        let ranges: Vec<(Option<i64>, Option<i64>, String)> = defs
            .iter()
            .enumerate()
            .map(|(i, v)| (v.from, v.until, format!("{path}.versions[{i}]")))
            .collect();
        let id = spans
            .get(&format!("{path}.id"))
            .map(|_| format!("`{}`", &file.text[spans.value_span(&format!("{path}.id"))]))
            .unwrap_or_else(|| "rule".to_string());
        self.check_dates(&ranges, file, spans, &id);
        let mut out = Vec::new();
        let mut ok = true;
        for (i, v) in defs.iter().enumerate() {
            let vpath = format!("{path}.versions[{i}]");
            let cond = match &v.when {
                Some(w) => self.condition(w, scope, file, spans, &vpath),
                None => self.condition(when, scope, file, spans, path),
            };
            if let Some(c) = &v.citation {
                self.require_text(c, "citation", file, spans, &vpath);
            }
            match cond {
                Some(condition) => out.push(Version {
                    from: v.from,
                    until: v.until,
                    citation: v.citation.clone().unwrap_or_else(|| citation.to_string()),
                    why: v.why.clone(),
                    condition,
                }),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    fn catalog(&mut self, c: CatalogFile, spans: &SpanIndex, file: &Arc<SourceFile>) {
        for (i, def) in c.facts.into_iter().enumerate() {
            let at = format!("facts[{i}]");
            let span = spans.value_span(&format!("{at}.path"));
            let valid = !def.path.is_empty()
                && def.path.split('.').count() >= 2
                && def.path.split('.').all(|s| {
                    !s.is_empty()
                        && s.chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                });
            if !valid {
                self.problems.push(
                    Diagnostic::error(
                        "bad-fact-path",
                        format!("fact path `{}` is not `group.name` in snake_case", def.path),
                    )
                    .at(file, span.clone()),
                );
                continue;
            }
            let group = def.path.split('.').next().unwrap_or_default();
            if ENGINE_VARIABLES.contains(&group) {
                self.problems.push(
                    Diagnostic::error(
                        "bad-fact-path",
                        format!("fact group `{group}` is a name the engine binds"),
                    )
                    .at(file, span.clone())
                    .with_help(format!("reserved names: {}", ENGINE_VARIABLES.join(", "))),
                );
                continue;
            }
            if self.catalog.index.contains_key(&def.path) {
                self.problems.push(
                    Diagnostic::error(
                        "duplicate-id",
                        format!("fact `{}` is declared twice", def.path),
                    )
                    .at(file, span.clone())
                    .with_related(
                        file,
                        self.catalog.origins[&def.path].span.clone(),
                        "first declared here",
                    ),
                );
                continue;
            }
            if def.kind == FactKind::Enum && def.values.as_ref().is_none_or(|v| v.is_empty()) {
                self.problems.push(
                    Diagnostic::error(
                        "missing-field",
                        format!("enum fact `{}` needs `values`", def.path),
                    )
                    .at(file, span.clone()),
                );
            }
            let segs: Vec<&str> = def.path.split('.').collect();
            for n in 1..segs.len() {
                self.catalog.groups.insert(segs[..n].join("."));
            }
            self.catalog.origins.insert(
                def.path.clone(),
                Origin {
                    file: Arc::clone(file),
                    path: at,
                    span,
                },
            );
            self.catalog
                .index
                .insert(def.path.clone(), self.catalog.facts.len());
            self.catalog.facts.push(def);
        }
        for f in &self.catalog.facts {
            if self.catalog.groups.contains(&f.path) {
                if let Some(o) = self.catalog.origins.get(&f.path) {
                    self.problems.push(
                        Diagnostic::error(
                            "bad-fact-path",
                            format!("`{}` is both a fact and a group of facts", f.path),
                        )
                        .at(&o.file, o.span.clone()),
                    );
                }
            }
        }
    }

    fn condition(
        &mut self,
        src: &str,
        scope: Scope,
        file: &Arc<SourceFile>,
        spans: &SpanIndex,
        path: &str,
    ) -> Option<Condition> {
        let when_path = format!("{path}.when");
        let cond = match Condition::compile(src) {
            Ok(c) => c,
            Err(errs) => {
                for e in errs {
                    self.problems.push(
                        Diagnostic::error(
                            "bad-expression",
                            format!("invalid condition: {}", e.message),
                        )
                        .at(file, spans.sub_span(&when_path, e.span, file))
                        .with_help(
                            "conditions are CEL expressions, e.g. `prosecution.convictions == 0`",
                        ),
                    );
                }
                return None;
            }
        };
        let mut ok = true;
        for r in &cond.references {
            if let Err(d) = self.check_reference(r, scope) {
                self.problems
                    .push(d.at(file, spans.sub_span(&when_path, r.span.clone(), file)));
                ok = false;
            }
        }
        // Under three-valued evaluation `has(fact)` is never false: a missing fact leaves the
        // condition undecided whatever guards it.
        for r in cond.presence_tests() {
            let root = r.segments[0].as_str();
            if root == "previous" || self.catalog.is_group(root) {
                self.warnings.push(
                    Diagnostic::warning(
                        "unnecessary-presence-test",
                        format!("`has({})` is never false: a fact the facts file does not state leaves the condition undecided", r.dotted()),
                    )
                    .at(file, spans.sub_span(&when_path, r.span.clone(), file))
                    .with_help("remove the guard: a condition decides only on the facts it reads (rules/README.md, \"Evidence\"); test `== null` for a fact that was not reported"),
                );
            }
        }
        let known = known_functions();
        for (name, span) in &cond.calls {
            if !known.contains(name.as_str()) {
                let help = match did_you_mean(name, known.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!(
                        "functions: {}",
                        known.iter().copied().collect::<Vec<_>>().join(", ")
                    ),
                };
                self.problems.push(
                    Diagnostic::error("unknown-function", format!("unknown function `{name}`"))
                        .at(file, spans.sub_span(&when_path, span.clone(), file))
                        .with_help(help),
                );
                ok = false;
            }
        }
        ok.then_some(cond)
    }

    /// Check one name a condition reads; record the facts it uses.
    fn check_reference(&mut self, r: &Reference, scope: Scope) -> Result<(), Diagnostic> {
        let segs = &r.segments;
        let root = segs[0].as_str();
        let field =
            |allowed: &[&str], what: &str, got: Option<&String>| -> Result<(), Diagnostic> {
                match got {
                    None => Ok(()),
                    Some(g) if allowed.contains(&g.as_str()) => Ok(()),
                    Some(g) => Err(unknown(what, g, allowed.iter().copied())),
                }
            };
        if scope == Scope::History {
            return match root {
                "entry" => field(&["year", "tier", "waiver"], "history entry field", segs.get(1)),
                "params" | "report" | "history" => {
                    let mut r = r.clone();
                    r.segments[0] = root.to_string();
                    self.check_reference(&r, Scope::Facts)
                }
                _ => Err(Diagnostic::error(
                    "unknown-variable",
                    format!("`{root}` is not available in a history check"),
                )
                .with_help("a history check reads `entry` (`year`, `tier`, `waiver`), `params`, `report` and `history`")),
            };
        }
        if DECISION_ONLY.contains(&root) && scope == Scope::Facts {
            return Err(Diagnostic::error(
                "unknown-variable",
                format!("`{root}` is only available in decision rules"),
            )
            .with_help(
                "indicators and signals read facts, `previous`, `params`, `report` and `history`",
            ));
        }
        match root {
            "previous" => match segs.get(1) {
                None => Ok(()),
                Some(_) => self.check_fact(&segs[1..]),
            },
            "params" => match segs.get(1) {
                Some(p) if !self.params.contains_key(p) => {
                    Err(unknown("param", p, self.params.keys().map(String::as_str)))
                }
                _ => Ok(()),
            },
            "report" => field(REPORT_FIELDS, "report field", segs.get(1)),
            "history" => Ok(()),
            "tier" => Ok(()),
            "totals" => field(TOTALS_FIELDS, "totals field", segs.get(1)),
            "criteria" | "standards" => {
                let ids = if root == "criteria" {
                    &self.criterion_ids
                } else {
                    &self.standard_ids
                };
                match segs.get(1) {
                    Some(id) if !ids.contains(id) => Err(unknown(
                        root.trim_end_matches('s'),
                        id,
                        ids.iter().map(String::as_str),
                    )),
                    _ => field(CRITERION_FIELDS, "field", segs.get(2)),
                }
            }
            "pillar" if scope == Scope::Qualifier => {
                field(QUALIFIER_PILLAR_FIELDS, "pillar field", segs.get(1))
            }
            "pillars" => match segs.get(1) {
                Some(id) if !self.pillars.iter().any(|p| &p.id == id) => Err(unknown(
                    "pillar",
                    id,
                    self.pillars.iter().map(|p| p.id.as_str()),
                )),
                _ => field(PILLAR_FIELDS, "pillar field", segs.get(2)),
            },
            _ if self.catalog.is_group(root) => self.check_fact(segs),
            _ => {
                let mut roots: Vec<String> = self.catalog.top_groups();
                roots.extend(ENGINE_VARIABLES.iter().map(|s| s.to_string()));
                Err(unknown("variable", root, roots.iter().map(String::as_str)))
            }
        }
    }

    fn check_fact(&mut self, segs: &[String]) -> Result<(), Diagnostic> {
        // Longest prefix that is a fact; the rest may only be money's fields.
        for n in (1..=segs.len()).rev() {
            let path = segs[..n].join(".");
            if let Some(def) = self.catalog.get(&path) {
                let rest = &segs[n..];
                if rest.is_empty()
                    || (def.kind == FactKind::Money
                        && rest.len() == 1
                        && MONEY_FIELDS.contains(&rest[0].as_str()))
                {
                    self.used_facts.insert(path);
                    return Ok(());
                }
                return Err(Diagnostic::error(
                    "unknown-fact",
                    format!("fact `{path}` has no field `{}`", rest.join(".")),
                )
                .with_help(if def.kind == FactKind::Money {
                    "money facts have `amount`, `currency` and `usd`".to_string()
                } else {
                    format!("`{path}` is a {:?} fact; compare it directly", def.kind).to_lowercase()
                }));
            }
        }
        let path = segs.join(".");
        if self.catalog.is_group(&path) {
            return Ok(());
        }
        let all: Vec<&str> = self.catalog.facts.iter().map(|f| f.path.as_str()).collect();
        Err(unknown("fact", &path, all.into_iter()).with_label("not in the fact catalog"))
    }

    fn criteria_list(
        &mut self,
        defs: &[CriterionDef],
        key: &str,
        spans: &SpanIndex,
        file: &Arc<SourceFile>,
    ) -> Vec<Criterion> {
        let mut out = Vec::new();
        for (ci, c) in defs.iter().enumerate() {
            let at = format!("{key}[{ci}]");
            let origin = self.origin(file, spans, &format!("{at}.id"));
            self.claim_id(&c.id, &origin);
            self.require_text(&c.citation, "citation", file, spans, &at);
            self.require_text(&c.why, "why", file, spans, &at);
            self.check_pillar(&c.pillar, file, spans, &format!("{at}.pillar"), true);
            let mut indicators = Vec::new();
            for (ii, ind) in c.indicators.iter().enumerate() {
                let iat = format!("{at}.indicators[{ii}]");
                let origin = self.origin(file, spans, &format!("{iat}.id"));
                self.claim_id(&ind.id, &origin);
                if ind.effect != Effect::Strength
                    && ind
                        .recommendation
                        .as_ref()
                        .is_none_or(|r| r.text.trim().is_empty())
                {
                    self.problems.push(
                        Diagnostic::error("missing-recommendation", format!("gap `{}` has no recommendation", ind.id))
                            .at(file, spans.key_span(&iat))
                            .with_help("every gap implies a recommendation: add `recommendation:` with `text` (an imperative sentence) and `priority`"),
                    );
                }
                self.wording_fits_effect(ind, file, spans, &iat);
                if let Some(cit) = &ind.citation {
                    self.require_text(cit, "citation", file, spans, &iat);
                }
                let finding_ok = self.text(
                    &ind.id,
                    &ind.finding,
                    file,
                    spans,
                    &format!("{iat}.finding"),
                );
                // The optional texts, each compiled as `<id>#<part>`.
                let mut optional_ok = true;
                for (part, text, at) in [
                    (
                        "recommendation",
                        ind.recommendation.as_ref().map(|r| &r.text),
                        "recommendation.text",
                    ),
                    ("effort", ind.effort.as_ref(), "effort"),
                    ("shortfall", ind.shortfall.as_ref(), "shortfall"),
                ] {
                    if let Some(text) = text {
                        optional_ok &= self.text(
                            &format!("{}#{part}", ind.id),
                            text,
                            file,
                            spans,
                            &format!("{iat}.{at}"),
                        );
                    }
                }
                let recommendation = ind.recommendation.as_ref().map(|r| RecommendationRule {
                    text: r.text.clone(),
                    priority: r.priority,
                    group: r.group.clone().unwrap_or_else(|| ind.id.clone()),
                });
                let citation = ind.citation.clone().unwrap_or_else(|| c.citation.clone());
                if let Some(versions) = self.versions(
                    &ind.when,
                    &citation,
                    (ind.from, ind.until),
                    &ind.versions,
                    Scope::Facts,
                    file,
                    spans,
                    &iat,
                ) {
                    if finding_ok && optional_ok {
                        indicators.push(Indicator {
                            id: ind.id.clone(),
                            versions,
                            effect: ind.effect,
                            weight: ind.weight,
                            finding: ind.finding.clone(),
                            effort: ind.effort.clone(),
                            shortfall: ind.shortfall.clone(),
                            recommendation,
                            origin,
                        });
                    }
                }
            }
            out.push(Criterion {
                id: c.id.clone(),
                citation: c.citation.clone(),
                title: c.title.clone(),
                why: c.why.clone(),
                pillar: c.pillar.clone(),
                indicators,
                origin: self.origin(file, spans, &format!("{at}.id")),
            });
        }
        out
    }

    /// Compile a finding or recommendation text; record the facts it reads.
    fn text(
        &mut self,
        name: &str,
        text: &str,
        file: &Arc<SourceFile>,
        spans: &SpanIndex,
        path: &str,
    ) -> bool {
        match self.texts.add(name, text) {
            Ok(vars) => {
                for v in vars {
                    if let Some(fact) = v.strip_prefix("facts.") {
                        let segs: Vec<String> = fact.split('.').map(str::to_string).collect();
                        // `facts.<path>.value|previous|...`: find the fact prefix.
                        let mut found = false;
                        for n in (1..=segs.len()).rev() {
                            let p = segs[..n].join(".");
                            if self.catalog.get(&p).is_some() {
                                self.used_facts.insert(p);
                                found = true;
                                break;
                            }
                        }
                        if !found {
                            self.problems.push(
                                Diagnostic::error(
                                    "unknown-fact",
                                    format!("text reads unknown fact `{fact}`"),
                                )
                                .at(file, spans.value_span(path)),
                            );
                            return false;
                        }
                    }
                }
                true
            }
            Err((message, inner)) => {
                let span = match inner {
                    Some(r) => spans.sub_span(path, r, file),
                    None => spans.value_span(path),
                };
                self.problems.push(
                    Diagnostic::error("bad-template", format!("invalid text template: {message}"))
                        .at(file, span)
                        .with_help("texts are Tera templates: `{{ facts.group.name.value }}` with filters such as `ordinal`"),
                );
                false
            }
        }
    }

    fn check_pillar(
        &mut self,
        pillar: &str,
        file: &Arc<SourceFile>,
        spans: &SpanIndex,
        path: &str,
        allow_groups: bool,
    ) {
        let known = self.pillars.iter().any(|p| p.id == pillar)
            || (allow_groups && self.catalog.is_group(pillar));
        if !known {
            let mut names: Vec<String> = self.pillars.iter().map(|p| p.id.clone()).collect();
            if allow_groups {
                names.extend(self.catalog.top_groups());
            }
            self.problems.push(
                unknown("pillar", pillar, names.iter().map(String::as_str))
                    .at(file, spans.value_span(path)),
            );
        }
    }

    fn signals(
        &mut self,
        f: &PillarsFile,
        spans: &SpanIndex,
        file: &Arc<SourceFile>,
    ) -> Vec<Signal> {
        let mut out = Vec::new();
        for (i, s) in f.signals.iter().enumerate() {
            let at = format!("signals[{i}]");
            let origin = self.origin(file, spans, &format!("{at}.id"));
            self.claim_id(&s.id, &origin);
            self.require_text(&s.citation, "citation", file, spans, &at);
            self.check_pillar(&s.pillar, file, spans, &format!("{at}.pillar"), false);
            if let Some(versions) = self.versions(
                &s.when,
                &s.citation,
                (s.from, s.until),
                &s.versions,
                Scope::Facts,
                file,
                spans,
                &at,
            ) {
                out.push(Signal {
                    id: s.id.clone(),
                    pillar: s.pillar.clone(),
                    versions,
                    direction: s.direction,
                    weight: s.weight,
                    text: s.text.clone(),
                    origin,
                });
            }
        }
        out
    }

    fn qualifiers(
        &mut self,
        f: &PillarsFile,
        spans: &SpanIndex,
        file: &Arc<SourceFile>,
    ) -> Vec<Qualifier> {
        let mut out = Vec::new();
        for (i, q) in f.qualifiers.iter().enumerate() {
            let at = format!("qualifiers[{i}]");
            let origin = self.origin(file, spans, &format!("{at}.id"));
            self.claim_id(&q.id, &origin);
            self.require_text(&q.citation, "citation", file, spans, &at);
            self.require_text(&q.why, "why", file, spans, &at);
            let blank = |w: &Option<String>| w.as_deref().is_none_or(|w| w.trim().is_empty());
            if blank(&q.adverb) && blank(&q.adjective) {
                self.problems.push(
                    Diagnostic::error(
                        "empty-qualifier",
                        format!("qualifier `{}` adds no word", q.id),
                    )
                    .at(file, origin.span.clone())
                    .with_help("give it an `adverb` (\"slightly\"), an `adjective` (\"inadequate\"), or both"),
                );
            }
            if let Some(cond) = self.condition(&q.when, Scope::Qualifier, file, spans, &at) {
                out.push(Qualifier {
                    id: q.id.clone(),
                    citation: q.citation.clone(),
                    condition: cond,
                    adverb: q.adverb.clone(),
                    adjective: q.adjective.clone(),
                    origin,
                });
            }
        }
        out
    }

    fn stages(
        &mut self,
        f: &DecisionFile,
        spans: &SpanIndex,
        file: &Arc<SourceFile>,
    ) -> Vec<Stage> {
        let mut out = Vec::new();
        for (si, st) in f.stages.iter().enumerate() {
            let sat = format!("stages[{si}]");
            let origin = self.origin(file, spans, &format!("{sat}.id"));
            // Stages have their own namespace: a stage may share its name with one of its rules.
            if let Some(first) = f.stages[..si].iter().position(|o| o.id == st.id) {
                self.problems.push(
                    Diagnostic::error("duplicate-id", format!("duplicate stage id `{}`", st.id))
                        .at(file, origin.span.clone())
                        .with_related(
                            file,
                            spans.value_span(&format!("stages[{first}].id")),
                            "first defined here",
                        ),
                );
            }
            self.require_text(&st.citation, "citation", file, spans, &sat);
            let mut rules = Vec::new();
            let mut always: Option<String> = None;
            for (ri, r) in st.rules.iter().enumerate() {
                let at = format!("{sat}.rules[{ri}]");
                let origin = self.origin(file, spans, &format!("{at}.id"));
                self.claim_id(&r.id, &origin);
                self.require_text(&r.citation, "citation", file, spans, &at);
                self.require_text(&r.why, "why", file, spans, &at);
                if let Some(tier) = &r.tier {
                    if !self.tiers.iter().any(|t| &t.id == tier) {
                        self.problems.push(
                            unknown("tier", tier, self.tiers.iter().map(|t| t.id.as_str()))
                                .at(file, spans.value_span(&format!("{at}.tier"))),
                        );
                    }
                } else if r.flags.is_empty() {
                    self.problems.push(
                        Diagnostic::error(
                            "missing-field",
                            format!("tier rule `{}` sets neither a tier nor flags", r.id),
                        )
                        .at(file, origin.span.clone())
                        .with_help("give it `tier:`, or `flags:` for a rule that only flags"),
                    );
                }
                if let Some(first) = &always {
                    self.problems.push(
                        Diagnostic::error(
                            "unreachable-rule",
                            format!("tier rule `{}` can never fire", r.id),
                        )
                        .at(file, origin.span.clone())
                        .with_help(format!(
                            "`{first}` before it in the same stage always applies"
                        )),
                    );
                }
                if r.when.trim() == "true"
                    && r.from.is_none()
                    && r.until.is_none()
                    && r.versions.is_empty()
                {
                    always = Some(r.id.clone());
                }
                if let Some(versions) = self.versions(
                    &r.when,
                    &r.citation,
                    (r.from, r.until),
                    &r.versions,
                    Scope::Decision,
                    file,
                    spans,
                    &at,
                ) {
                    rules.push(TierRule {
                        id: r.id.clone(),
                        why: r.why.clone(),
                        versions,
                        tier: r.tier.clone(),
                        flags: r.flags.clone(),
                        is_final: r.r#final,
                        origin,
                    });
                }
            }
            out.push(Stage {
                id: st.id.clone(),
                citation: st.citation.clone(),
                rules,
            });
        }
        out
    }
}

impl Loader<'_> {
    fn evidence(
        &mut self,
        f: &DecisionFile,
        spans: &SpanIndex,
        file: &Arc<SourceFile>,
    ) -> Evidence {
        let Some(e) = &f.evidence else {
            return Evidence::default();
        };
        match self.tiers.iter().find(|t| t.id == e.tier) {
            None => self.problems.push(
                unknown("tier", &e.tier, self.tiers.iter().map(|t| t.id.as_str()))
                    .at(file, spans.value_span("evidence.tier")),
            ),
            Some(t) if t.rank.is_some() => self.problems.push(
                Diagnostic::error(
                    "bad-tier",
                    format!("the tier of missing evidence, `{}`, has a rank", t.id),
                )
                .at(file, spans.value_span("evidence.tier"))
                .with_help("a verdict without evidence is not a placement: give the tier no `rank` in ruleset.yaml"),
            ),
            Some(_) => {}
        }
        let mut out = Vec::new();
        for (i, r) in e.requirements.iter().enumerate() {
            let at = format!("evidence.requirements[{i}]");
            let origin = self.origin(file, spans, &format!("{at}.id"));
            self.claim_id(&r.id, &origin);
            self.require_text(&r.citation, "citation", file, spans, &at);
            self.require_text(&r.why, "why", file, spans, &at);
            self.check_dates(&[(r.from, r.until, at.clone())], file, spans, "requirement");
            for (j, t) in r.tiers.iter().enumerate() {
                if !self.tiers.iter().any(|x| &x.id == t) {
                    self.problems.push(
                        unknown("tier", t, self.tiers.iter().map(|t| t.id.as_str()))
                            .at(file, spans.value_span(&format!("{at}.tiers[{j}]"))),
                    );
                }
            }
            for (j, k) in r.known.iter().enumerate() {
                let path = k.strip_prefix("previous.").unwrap_or(k);
                if self.catalog.get(path).is_none() {
                    let all: Vec<&str> =
                        self.catalog.facts.iter().map(|f| f.path.as_str()).collect();
                    self.problems.push(
                        unknown("fact", path, all.into_iter())
                            .at(file, spans.value_span(&format!("{at}.known[{j}]"))),
                    );
                } else {
                    self.used_facts.insert(path.to_string());
                }
            }
            if let Some(d) = &r.decided {
                self.check_pillar(
                    &d.pillar,
                    file,
                    spans,
                    &format!("{at}.decided.pillar"),
                    true,
                );
            }
            if r.known.is_empty() && r.decided.is_none() {
                self.problems.push(
                    Diagnostic::error(
                        "missing-field",
                        format!("requirement `{}` asks for nothing", r.id),
                    )
                    .at(file, origin.span.clone())
                    .with_help(
                        "give it `known: [fact paths]`, `decided: {{ pillar, at_least }}`, or both",
                    ),
                );
            }
            out.push(Requirement {
                id: r.id.clone(),
                citation: r.citation.clone(),
                why: r.why.clone(),
                tiers: r.tiers.clone(),
                from: r.from,
                until: r.until,
                known: r.known.clone(),
                decided: r.decided.as_ref().map(|d| (d.pillar.clone(), d.at_least)),
                origin,
            });
        }
        Evidence {
            tier: Some(e.tier.clone()),
            requirements: out,
        }
    }

    fn history_rule(
        &mut self,
        f: &DecisionFile,
        spans: &SpanIndex,
        file: &Arc<SourceFile>,
    ) -> Option<HistoryRule> {
        let r = f.history.as_ref()?.waiver_year.as_ref()?;
        let at = "history.waiver_year";
        self.require_text(&r.citation, "citation", file, spans, at);
        self.require_text(&r.why, "why", file, spans, at);
        let condition = self.condition(&r.when, Scope::History, file, spans, at)?;
        Some(HistoryRule {
            citation: r.citation.clone(),
            why: r.why.clone(),
            condition,
            origin: self.origin(file, spans, &format!("{at}.when")),
        })
    }

    fn constraints(
        &mut self,
        defs: &[ConstraintDef],
        spans: &SpanIndex,
        file: &Arc<SourceFile>,
    ) -> Vec<Constraint> {
        let mut out = Vec::new();
        for (i, c) in defs.iter().enumerate() {
            let at = format!("constraints[{i}]");
            let origin = self.origin(file, spans, &format!("{at}.id"));
            self.claim_id(&c.id, &origin);
            self.require_text(&c.why, "why", file, spans, &at);
            if let Some(condition) = self.condition(&c.when, Scope::Facts, file, spans, &at) {
                out.push(Constraint {
                    id: c.id.clone(),
                    condition,
                    message: c.message.clone(),
                    why: c.why.clone(),
                    unusual: c.unusual,
                    origin,
                });
            }
        }
        out
    }
}

fn unknown<'a>(what: &str, found: &str, candidates: impl Iterator<Item = &'a str>) -> Diagnostic {
    let candidates: Vec<&str> = candidates.collect();
    let code = match what {
        "fact" => "unknown-fact",
        "param" => "unknown-param",
        "tier" => "unknown-tier",
        "pillar" => "unknown-pillar",
        "variable" => "unknown-variable",
        _ => "unknown-reference",
    };
    let help = match did_you_mean(found, candidates.iter().copied()) {
        Some(s) => format!("did you mean `{s}`?"),
        None if candidates.len() <= 12 && !candidates.is_empty() => {
            format!(
                "expected one of {}",
                candidates
                    .iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
        None => format!("no {what} is named `{found}`"),
    };
    Diagnostic::error(code, format!("unknown {what} `{found}`")).with_help(help)
}
