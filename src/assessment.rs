//! The output model: what the evaluator decided and why. It is the only JSON output of `assess`
//! and the only context the narrative templates receive, so `explain`, `draft` and `check` read
//! results here and never recompute them.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::Serialize;

use crate::facts::HistoryEntry;
use crate::rulebook::schema::{Direction, Effect};

/// How this year's tier compares with last year's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Movement {
    Remained,
    Upgraded,
    Downgraded,
    /// No comparable placement last year (none in the history, or an unranked one).
    New,
}

impl Movement {
    pub fn as_str(self) -> &'static str {
        match self {
            Movement::Remained => "remained",
            Movement::Upgraded => "upgraded",
            Movement::Downgraded => "downgraded",
            Movement::New => "new",
        }
    }
}

/// A pillar's direction against the previous reporting period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Trend {
    Increased,
    Maintained,
    Decreased,
}

impl Trend {
    pub fn as_str(self) -> &'static str {
        match self {
            Trend::Increased => "increased",
            Trend::Maintained => "maintained",
            Trend::Decreased => "decreased",
        }
    }
}

/// A criterion's or standard's status, from its indicators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Met,
    PartiallyMet,
    NotMet,
    Unknown,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Met => "met",
            Status::PartiallyMet => "partially_met",
            Status::NotMet => "not_met",
            Status::Unknown => "unknown",
        }
    }
}

/// Whether a condition held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Fired,
    NotFired,
    /// It reads facts that are unknown, or compares a value not reported.
    Unknown,
}

/// The fact values a condition read: `prosecution.convictions` -> `0`.
pub type Evidence = IndexMap<String, serde_json::Value>;

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct IndicatorResult {
    pub id: String,
    pub effect: Effect,
    pub weight: u32,
    pub outcome: Outcome,
    pub reason: Option<String>,
    /// When undecided for want of facts: the fact paths it would need.
    pub missing: Vec<String>,
    /// The report years of the version that applied, for a dated rule (`2004-2018`).
    pub version: Option<String>,
    pub citation: String,
    pub condition: String,
    pub evidence: Evidence,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CriterionResult {
    pub id: String,
    pub citation: String,
    pub title: String,
    pub pillar: String,
    pub status: Status,
    pub score: i64,
    pub strengths: u32,
    pub gaps: u32,
    pub key_gaps: u32,
    pub indicators: Vec<IndicatorResult>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SignalResult {
    pub id: String,
    pub version: Option<String>,
    pub direction: Direction,
    pub weight: u32,
    pub text: String,
    pub citation: String,
    pub evidence: Evidence,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct PillarResult {
    pub title: String,
    pub citation: String,
    pub trend: Trend,
    pub score: i64,
    /// The signals that fired, in rule order.
    pub signals: Vec<SignalResult>,
    /// The opener qualifier that applies (pillars.yaml `qualifiers`), if any.
    pub qualifier: Option<QualifierResult>,
}

impl PillarResult {
    /// The trend as the opener words it: `slightly increased`, `maintained (inadequate)`.
    pub fn opener_words(&self) -> String {
        let q = self.qualifier.as_ref();
        let mut s = q
            .and_then(|q| q.adverb.as_deref())
            .map_or(String::new(), |a| format!("{a} "));
        s.push_str(self.trend.as_str());
        if let Some(adj) = q.and_then(|q| q.adjective.as_deref()) {
            s.push_str(&format!(" ({adj})"));
        }
        s
    }
}

/// The words an opener adds to a pillar's trend, and the rule that chose them.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct QualifierResult {
    pub id: String,
    pub citation: String,
    pub adverb: Option<String>,
    pub adjective: Option<String>,
}

/// A strength or gap, ready for the intro and the recommendations.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Finding {
    pub id: String,
    pub kind: Effect,
    pub text: String,
    pub citation: String,
    pub criterion: String,
    pub pillar: String,
    pub weight: u32,
    /// A strength as the intro sums it up, a gerund phrase ("increasing investigations of
    /// trafficking cases"), when the rule gives one.
    pub effort: Option<String>,
    /// A gap as an action of the government ("decreased funding for victim services"), when the
    /// rule gives one.
    pub shortfall: Option<String>,
    pub recommendation: Option<String>,
    pub evidence: Evidence,
}

/// A recommendation implied by a gap. The assessment lists every one, most important first.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Recommendation {
    pub finding: String,
    pub text: String,
    pub kind: Effect,
    pub weight: u32,
    /// The rule's priority, 1 the most important.
    pub priority: u32,
    /// The merge group (the finding's id when the recommendation stands alone).
    pub group: String,
    pub citation: String,
}

/// The recommendations of one merge group that apply, most important first: one bullet of
/// PRIORITIZED RECOMMENDATIONS. Groups are ordered like their first recommendation.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct RecommendationGroup {
    pub group: String,
    /// The most serious kind among its recommendations (`key_gap` before `gap`).
    pub kind: Effect,
    /// The best priority among its recommendations.
    pub priority: u32,
    pub recommendations: Vec<Recommendation>,
}

#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
pub struct Totals {
    pub score: i64,
    pub strengths: u32,
    pub gaps: u32,
    pub key_gaps: u32,
    pub unmet_standards: u32,
    /// Indicators that could not be decided for want of facts.
    pub unknown: u32,
}

/// One stage of the tier decision.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct TraceStep {
    pub stage: String,
    pub citation: String,
    /// The rule that applied, if any.
    pub rule: Option<String>,
    pub rule_citation: Option<String>,
    /// The report years of the rule's version that applied, for a dated rule (`2019-`).
    pub version: Option<String>,
    pub why: Option<String>,
    pub condition: Option<String>,
    pub tier_before: Option<String>,
    pub tier_after: Option<String>,
    pub flags: Vec<String>,
    pub evidence: Evidence,
    /// Rules of this stage that could not be decided, with the reason.
    pub undecided: Vec<Undecided>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Undecided {
    pub rule: String,
    pub reason: String,
    /// The fact paths it would need, when it was undecided for want of facts.
    pub missing: Vec<String>,
}

/// A fact as templates and JSON see it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct FactView {
    /// `value`, `not_reported` or `unknown`.
    pub status: &'static str,
    pub value: serde_json::Value,
    pub previous_status: &'static str,
    pub previous: serde_json::Value,
    /// The catalog type: `count`, `money`, `boolean`, `enum`, `year`, `text`, `text_list`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub noun: Option<String>,
    pub note: Option<String>,
}

/// The assessment of one facts file under one rule set.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Assessment {
    pub file: String,
    pub country: String,
    pub year: i64,
    pub period: i64,
    pub tier: String,
    pub tier_label: String,
    pub previous_tier: Option<String>,
    pub previous_tier_label: Option<String>,
    pub movement: Movement,
    /// Consecutive years on this tier, this year included.
    pub consecutive_years: i64,
    /// Flags set by the tier rules that applied (e.g. a waiver).
    pub flags: Vec<String>,
    pub downgrade_waiver: bool,
    pub pillars: IndexMap<String, PillarResult>,
    pub standards: Vec<CriterionResult>,
    pub criteria: Vec<CriterionResult>,
    pub totals: Totals,
    pub findings: Vec<Finding>,
    /// Every recommendation the gaps imply, most important first, each group's together.
    pub recommendations: Vec<Recommendation>,
    /// The same recommendations by merge group, most important first: what a draft writes (its
    /// first `house.recommendations.top`).
    pub recommendation_groups: Vec<RecommendationGroup>,
    pub trace: Vec<TraceStep>,
    /// The evidence requirements the facts do not meet; when any, the tier is the rules' tier
    /// of missing evidence (`undetermined`) and no flag is set.
    pub missing_evidence: Vec<MissingEvidence>,
    pub history: Vec<HistoryEntry>,
    /// Every catalog fact, nested by path (`facts.prosecution.convictions`).
    #[schemars(schema_with = "crate::output_json::facts_views")]
    pub facts: serde_json::Value,
    /// Problems met while evaluating (a text that failed to render, a condition that is not
    /// boolean). Empty on a healthy rule set.
    pub problems: Vec<String>,
    /// Located warnings about the facts file (unusual facts, history gaps, waiver flags that
    /// disagree with the streak); printed on standard error, not part of the JSON.
    #[serde(skip)]
    #[schemars(skip)]
    pub warnings: Vec<crate::diagnostic::Diagnostic>,
}

/// A requirement of the evidence a verdict needs that the facts do not meet.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct MissingEvidence {
    pub requirement: String,
    pub citation: String,
    pub why: String,
    /// The facts it needs that the facts file does not state.
    pub facts: Vec<MissingFact>,
    /// For a minimum of decided indicators: the pillar, the minimum and how many were decided.
    pub decided: Option<DecidedShortfall>,
}

/// A fact the evidence lacks.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct MissingFact {
    /// Catalog path; `previous.` for the previous period, a money field after the fact.
    pub path: String,
    /// The catalog's description of the fact.
    pub description: String,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct DecidedShortfall {
    pub pillar: String,
    pub at_least: u32,
    pub found: u32,
}

impl Assessment {
    /// Whether the facts lacked evidence the verdict needs.
    pub fn is_undetermined(&self) -> bool {
        !self.missing_evidence.is_empty()
    }

    pub fn findings_of(&self, kind: Effect) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(move |f| f.kind == kind)
    }
}
