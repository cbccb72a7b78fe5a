//! The rule files as written: serde structs that mirror the YAML one to one, reject unknown
//! fields and hold no logic. [`super::Rulebook::load`] validates them into the engine's types.
//! The JSON Schema of the rules (`tiercheck schema rules`) is generated from these types.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// `ruleset.yaml`: tiers, pillars, trend thresholds and named parameters.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RulesetFile {
    /// Human name of the rule set.
    pub name: String,
    /// Version of the methodology the rules encode (e.g. the report year).
    pub version: String,
    /// Every tier the decision may produce, best first.
    pub tiers: Vec<TierDef>,
    /// The pillars, in narrative order.
    pub pillars: Vec<PillarDef>,
    /// Pillar score thresholds.
    pub trend: TrendDef,
    /// The report years a facts file may have: the first report, and how far past the current
    /// year a report may be drafted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report_years: Option<ReportYearsDef>,
    /// Named constants, usable in conditions as `params.<name>`.
    #[serde(default)]
    pub params: IndexMap<String, ParamDef>,
}

/// The range of report years: from `first` to `ahead` years after the current year.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportYearsDef {
    /// The first report year (a facts file for an earlier year is an error).
    pub first: i64,
    /// How many years after the current year a report year may be (drafting ahead).
    pub ahead: i64,
    pub citation: String,
    pub why: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TierDef {
    /// Stable id used in facts files, conditions and JSON output (e.g. `2WL`).
    pub id: String,
    /// How the tier is named in text (e.g. `Tier 2 Watch List`).
    pub label: String,
    /// Order for movement: a lower rank is better. A tier without rank (special case) makes
    /// movement to or from it `new`.
    #[serde(default)]
    pub rank: Option<u32>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PillarDef {
    pub id: String,
    pub title: String,
    pub citation: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrendDef {
    /// A pillar score at or above this is `increased`.
    pub increased_at: i64,
    /// A pillar score at or below this is `decreased`.
    pub decreased_at: i64,
}

/// A named constant: one `value` for every report year, or dated `versions`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ParamDef {
    /// The value, for a param that does not depend on the report year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<ParamValue>,
    /// Dated values, oldest first: each applies to the report years from `from` to `until`
    /// (both included, either open); no two may overlap and none may leave a gap between them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<ParamVersionDef>,
    pub citation: String,
    pub why: String,
}

/// One dated value of a param.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ParamVersionDef {
    /// First report year it applies to (open when left out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<i64>,
    /// Last report year it applies to (open when left out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<i64>,
    pub value: ParamValue,
    /// The provision as in force for these years, when it differs from the param's citation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub citation: Option<String>,
}

/// One dated version of a rule: what changes for the report years from `from` to `until`
/// (both included, either open). Fields left out are the rule's own.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleVersionDef {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<i64>,
    /// The provision as in force for these years.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub citation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
    /// The condition for these years.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(untagged)]
pub enum ParamValue {
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
}

/// `facts.yaml`: the fact catalog.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CatalogFile {
    pub facts: Vec<FactDef>,
    /// Facts that cannot (or rarely) hold together, checked when a facts file loads.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub constraints: Vec<ConstraintDef>,
}

/// A cross-fact constraint: `when` describes the impossible (or unusual) combination; a facts
/// file where it holds is an error (a warning when `unusual`), located at every fact it reads.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConstraintDef {
    pub id: String,
    /// CEL over facts, `previous` and `report`; true when the facts disagree.
    pub when: String,
    /// What is wrong, lowercase, no final period.
    pub message: String,
    pub why: String,
    /// Possible but unusual (e.g. across reporting periods): a warning, not an error.
    #[serde(default)]
    pub unusual: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FactDef {
    /// Dotted path; the first segment is the group, a variable in conditions.
    pub path: String,
    #[serde(rename = "type")]
    pub kind: FactKind,
    /// The pillar or group the fact belongs to.
    pub pillar: String,
    pub description: String,
    /// How drafts and claims name the counted thing (counts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub noun: Option<String>,
    /// Allowed values (enums).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FactKind {
    /// A whole number, zero or more.
    Count,
    /// `{amount, currency, usd}`.
    Money,
    Boolean,
    /// One of `values`.
    Enum,
    Year,
    Text,
    TextList,
}

/// `standards.yaml` and `criteria.yaml`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CriteriaFile {
    #[serde(default)]
    pub standards: Vec<CriterionDef>,
    #[serde(default)]
    pub criteria: Vec<CriterionDef>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CriterionDef {
    pub id: String,
    pub citation: String,
    pub title: String,
    pub why: String,
    /// The pillar the criterion's findings belong to (or a group such as `law`).
    pub pillar: String,
    #[serde(default)]
    pub indicators: Vec<IndicatorDef>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IndicatorDef {
    pub id: String,
    /// CEL condition over facts.
    pub when: String,
    pub effect: Effect,
    pub weight: u32,
    /// The finding, in house style; a Tera template with `facts` in context.
    pub finding: String,
    /// A strength's effort as the intro sums it up: a gerund phrase without figures
    /// ("increasing investigations of trafficking cases"), for what increased or was newly done.
    /// A Tera template with `facts` in context. Strengths only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effort: Option<String>,
    /// A gap as an action of the government: a verb phrase in the past tense without its subject
    /// and without figures ("decreased funding for victim services"), for intros that name
    /// shortcomings ("Although the government meets the minimum standards, it ..."). A Tera
    /// template with `facts` in context. Gaps and key gaps only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shortfall: Option<String>,
    /// The recommendation it implies (required for gaps and key gaps).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recommendation: Option<RecommendationDef>,
    /// Overrides the criterion's citation when the indicator encodes a narrower provision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub citation: Option<String>,
    /// First report year the indicator applies to (open when left out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<i64>,
    /// Last report year the indicator applies to (open when left out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<i64>,
    /// Dated versions (instead of `from`/`until`), oldest first, without overlaps or gaps.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<RuleVersionDef>,
}

/// A gap's recommendation: its wording, how important it is, and the group it merges with.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecommendationDef {
    /// An imperative sentence in house style ("Adopt and implement SOPs ..."); a Tera template
    /// with `facts` in context.
    pub text: String,
    /// 1 is the most important. Recommendations are ordered key gaps first, then by priority,
    /// then by the weight of their finding, then in rule order.
    pub priority: u32,
    /// The merge group: the recommendations of one group that apply are written as one bullet,
    /// the most important first ("Adopt and implement SOPs ...; and proactively screen ...").
    /// Without a group a recommendation stands alone. Kebab-case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema, PartialOrd, Ord,
)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    Strength,
    Gap,
    KeyGap,
}

impl Effect {
    /// The id rule files write (`key_gap`).
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Strength => "strength",
            Effect::Gap => "gap",
            Effect::KeyGap => "key_gap",
        }
    }
}

/// `pillars.yaml`: trend signals, and the qualifiers of the pillar openers.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PillarsFile {
    pub signals: Vec<SignalDef>,
    /// Words the opener adds to a pillar's trend ("slightly increased", "maintained inadequate
    /// ... efforts"); for each pillar the first whose `when` holds applies.
    #[serde(default)]
    pub qualifiers: Vec<QualifierDef>,
}

/// One opener qualifier. `when` reads `pillar` (this pillar's `id`, `trend`, `score`,
/// `strengths`, `gaps`, `key_gaps`, `not_met`), the decision variables and `params`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QualifierDef {
    pub id: String,
    pub citation: String,
    pub why: String,
    pub when: String,
    /// A word before the trend verb ("slightly").
    #[serde(default)]
    pub adverb: Option<String>,
    /// A word before the efforts ("inadequate").
    #[serde(default)]
    pub adjective: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SignalDef {
    pub id: String,
    pub pillar: String,
    pub citation: String,
    pub when: String,
    pub direction: Direction,
    pub weight: u32,
    /// Short description for traces ("convictions fell").
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<i64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<RuleVersionDef>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Up,
    Down,
}

/// `decision.yaml`: ordered stages of tier rules, the evidence a verdict needs, and what the
/// history's flags must agree with.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionFile {
    pub stages: Vec<StageDef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<EvidenceDef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history: Option<HistoryDef>,
}

/// The evidence a verdict needs. When a requirement for the tier the stages reached is not met,
/// the tier is `tier` and the assessment lists the missing evidence.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EvidenceDef {
    /// The tier given when evidence is missing (a tier of ruleset.yaml without a rank).
    pub tier: String,
    pub requirements: Vec<RequirementDef>,
}

/// One requirement: facts that must be known, or a minimum of decided indicators.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RequirementDef {
    pub id: String,
    pub citation: String,
    pub why: String,
    /// The tiers whose verdict needs this evidence.
    pub tiers: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<i64>,
    /// Facts that must be stated (a value or `not_reported`); `previous.` paths for the previous
    /// period.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub known: Vec<String>,
    /// A minimum of decided indicators (fired or not) among a pillar's standards and criteria.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided: Option<DecidedDef>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DecidedDef {
    /// A pillar of ruleset.yaml, or a group such as `law`.
    pub pillar: String,
    pub at_least: u32,
}

/// Checks of the facts file's history against the rules.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HistoryDef {
    /// When a history year was a waiver year: a `waiver:` flag that disagrees is a warning.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiver_year: Option<HistoryRuleDef>,
}

/// A condition over one history entry, `entry` (`year`, `tier`, `waiver`), with `params` and
/// `report` and the engine functions.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HistoryRuleDef {
    pub citation: String,
    pub why: String,
    pub when: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StageDef {
    pub id: String,
    pub citation: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
    pub rules: Vec<TierRuleDef>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TierRuleDef {
    pub id: String,
    pub citation: String,
    pub why: String,
    pub when: String,
    /// The tier this rule places the country on; left out, the rule only sets its flags. A rule
    /// that changes the tier drops the flags earlier stages set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<String>,
    /// Named flags the rule sets (e.g. `waiver`), visible to templates and checks.
    #[serde(default)]
    pub flags: Vec<String>,
    /// Stop the decision here: later stages do not run.
    #[serde(default)]
    pub r#final: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<i64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<RuleVersionDef>,
}
