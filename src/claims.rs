//! Claims a narrative makes, read with the patterns of `rules/claims.yaml`: the stated tier, the
//! status sentence, the movement, pillar openers, counts and their subjects (each mapped to a fact
//! path of the catalog and to the current or previous period), comparisons, money, "for the Nth
//! consecutive year" counters, parts of a whole, statements of boolean, enum, year and text facts
//! ("the government did not adopt SOPs"), the earlier placements the intro states, and the
//! sentences with figures nothing read.
//!
//! Sits after `narrative.rs` (which gives sentences with spans) and before `check/` and
//! `extract.rs`. [`ClaimRules::load`] compiles every pattern once per run; [`read`] is linear in
//! the draft for a fixed rule set.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::Arc;

use indexmap::IndexMap;
use regex::{Regex, RegexBuilder};

use crate::prefilter::Prefilter;
use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostic;
use crate::facts::NOT_REPORTED;
use crate::narrative::{Layout, Narrative, SectionShape, INTRO};
use crate::rulebook::schema::{FactDef, FactKind, ParamValue};
use crate::rulebook::Rulebook;
use crate::source::SourceFile;
use crate::yaml::{self, SpanIndex};

/// The claim-pattern file inside a rules folder.
pub const CLAIMS_FILE: &str = "claims.yaml";

// ---------------------------------------------------------------------------------------------
// The YAML, mirrored 1:1.

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ClaimsYaml {
    report_title: String,
    headings: Vec<String>,
    tiers: Vec<TierPhraseYaml>,
    sections: Vec<SectionYaml>,
    recommendations: RecommendationsYaml,
    status: Vec<StatusYaml>,
    movement: Vec<MovementYaml>,
    movement_years: String,
    waiver: String,
    #[serde(default)]
    waiver_tiers: Vec<String>,
    #[serde(default)]
    waiver_flag: Option<String>,
    openers: OpenersYaml,
    counts: Vec<CountYaml>,
    money: String,
    money_rate_tolerance: f64,
    #[serde(default)]
    money_facts: Vec<MoneyFactYaml>,
    comparisons: Vec<ComparisonYaml>,
    previous_period: String,
    /// Wording right after a comparison marker that states a previous figure of zero
    /// ("compared with none in 2020", "up from no convictions").
    #[serde(default)]
    previous_zero: Option<String>,
    /// Wording right after a count that gives the previous period's figure in brackets
    /// ("initiated 17 investigations (10 in 2017)"); its `n` group is the previous figure.
    #[serde(default)]
    previous_in_brackets: Option<String>,
    #[serde(default)]
    parts: Vec<PartsYaml>,
    /// Inside the parts of a whole, the wording that opens a breakdown of one part ("127
    /// victims, including 26 children"): the parts end there.
    #[serde(default)]
    parts_stop: Option<String>,
    #[serde(default)]
    bounds: Vec<BoundYaml>,
    counters: String,
    #[serde(default)]
    counter_facts: Vec<MoneyFactYaml>,
    #[serde(default)]
    percent_words: Vec<String>,
    /// Text just before a figure that makes it a reference, not a count ("Article 128",
    /// "Articles 418, 419, and 420", "Tier 2"); matched against the end of the text before it.
    #[serde(default)]
    reference_before: Option<String>,
    #[serde(default)]
    statements: Vec<StatementYaml>,
    #[serde(default)]
    history: Option<HistoryYaml>,
    vocabulary: VocabularyYaml,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct StatementYaml {
    #[serde(default)]
    fact: Option<String>,
    #[serde(default)]
    facts: Vec<String>,
    pattern: String,
    #[serde(default)]
    #[schemars(with = "Option<serde_json::Value>")]
    value: Option<serde_yaml::Value>,
    #[serde(default)]
    sections: Vec<String>,
    #[serde(default)]
    period: Option<PeriodYaml>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
enum PeriodYaml {
    Current,
    Previous,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct HistoryYaml {
    #[serde(default)]
    movement_steps: IndexMap<Movement, i64>,
    #[serde(default)]
    placements: Vec<PlacementsYaml>,
    #[serde(default)]
    special_case_tiers: Vec<String>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct PlacementsYaml {
    pattern: String,
    tiers: Vec<PlacementYaml>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct PlacementYaml {
    tier: String,
    #[schemars(with = "serde_json::Value")]
    years: serde_yaml::Value,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct TierPhraseYaml {
    phrase: String,
    tier: String,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct SectionYaml {
    id: String,
    title: String,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    recommendations: bool,
    #[serde(default)]
    pillar: Option<String>,
    #[serde(default = "yes")]
    claims: bool,
    /// Tier ids whose narratives do not have this section (a special case has no pillars).
    #[serde(default)]
    not_for: Vec<String>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct RecommendationsYaml {
    bullets: Vec<String>,
    separator: String,
    #[serde(default)]
    openings: Vec<String>,
    not_imperative: String,
    verbs: Vec<String>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct StatusYaml {
    tiers: Vec<String>,
    pattern: String,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct MovementYaml {
    movement: Movement,
    pattern: String,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct OpenersYaml {
    pattern: String,
    trends: IndexMap<String, String>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct CountYaml {
    #[serde(default)]
    fact: Option<String>,
    #[serde(default)]
    facts: Vec<String>,
    pattern: String,
    #[serde(default)]
    value: Option<f64>,
    #[serde(default)]
    same_as_previous: bool,
    #[serde(default)]
    sections: Vec<String>,
    /// The figure is no count of any fact (a subset: "Of the 348, the police identified 285"):
    /// it is read so that no later pattern reads it. Names no fact.
    #[serde(default)]
    ignore: bool,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct MoneyFactYaml {
    fact: String,
    pattern: String,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct ComparisonYaml {
    #[serde(default)]
    trend: Option<Trend>,
    pattern: String,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct PartsYaml {
    pattern: String,
    #[serde(default)]
    whole_from: Option<WholeFrom>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
enum WholeFrom {
    Previous,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct BoundYaml {
    fact: String,
    at_most: String,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct VocabularyYaml {
    numbers: IndexMap<String, u64>,
    ordinals: IndexMap<String, u32>,
    #[serde(default)]
    scales: IndexMap<String, f64>,
    months: Vec<String>,
    currencies: Vec<CurrencyYaml>,
    #[serde(default)]
    abbreviations: Vec<String>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct CurrencyYaml {
    name: String,
    short: String,
}

// ---------------------------------------------------------------------------------------------
// Compiled rules.

/// How the intro says where the country lands compared with last year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Movement {
    Remained,
    Upgraded,
    Downgraded,
    Placed,
}

impl Movement {
    pub fn as_str(self) -> &'static str {
        match self {
            Movement::Remained => "remained",
            Movement::Upgraded => "upgraded",
            Movement::Downgraded => "downgraded",
            Movement::Placed => "placed",
        }
    }
}

/// The direction a comparison states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Trend {
    Increase,
    Decrease,
    Same,
}

impl Trend {
    pub fn as_str(self) -> &'static str {
        match self {
            Trend::Increase => "increase",
            Trend::Decrease => "decrease",
            Trend::Same => "same",
        }
    }
}

#[derive(Debug)]
struct CountPattern {
    facts: Vec<String>,
    re: Regex,
    value: Option<f64>,
    same_as_previous: bool,
    /// Section ids the pattern reads (`intro` for the intro); empty for all.
    sections: Vec<String>,
}

#[derive(Debug)]
struct PartsPattern {
    re: Regex,
    whole_from_previous: bool,
}

/// A statement pattern: wording that states a boolean, enum, year or text fact.
#[derive(Debug)]
struct StatementPattern {
    facts: Vec<String>,
    re: Regex,
    /// The value it reads; `None` reads the `value` group.
    value: Option<serde_json::Value>,
    period: Period,
    /// Section ids the pattern reads (`intro` for the intro); empty for all.
    sections: Vec<String>,
    /// The entry in claims.yaml, and its `value` (or `pattern`) there, for diagnostics.
    at: Range<usize>,
    value_at: Range<usize>,
}

/// A number of years in a stated history: a figure, or a `params` name of ruleset.yaml.
#[derive(Debug, Clone, PartialEq)]
pub enum Years {
    Count(u32),
    Param(String),
}

/// Intro wording that states the placements before this year, most recent first.
#[derive(Debug)]
pub struct PlacementsRule {
    re: Regex,
    pub tiers: Vec<(String, Years)>,
    /// Each `years` in claims.yaml, for diagnostics.
    pub years_at: Vec<Range<usize>>,
}

/// How `extract` derives the facts file's history from the intro (claims.yaml `history`).
#[derive(Debug, Default)]
pub struct HistoryRules {
    /// Movement -> step in tier rank from the stated tier to the tier of the year before.
    pub movement_steps: HashMap<Movement, i64>,
    pub placements: Vec<PlacementsRule>,
    /// Stated tiers that mean a special case (the facts file's `special_case`).
    pub special_case_tiers: Vec<String>,
}

/// One compiled claim-pattern set; build once per run with [`ClaimRules::load`].
#[derive(Debug)]
pub struct ClaimRules {
    pub layout: Layout,
    /// (lowercase phrase, tier id), longest phrase first.
    tiers: Vec<(String, String)>,
    status: Vec<(Regex, Vec<String>)>,
    movement: Vec<(Movement, Regex)>,
    movement_years: Regex,
    waiver: Regex,
    pub waiver_tiers: Vec<String>,
    pub waiver_flag: Option<String>,
    opener: Regex,
    opener_trends: IndexMap<String, String>,
    counts: Vec<CountPattern>,
    money: Regex,
    pub money_rate_tolerance: f64,
    money_facts: Vec<(String, Regex)>,
    comparisons: Vec<(Option<Trend>, Regex)>,
    previous_period: Regex,
    previous_zero: Option<Regex>,
    previous_in_brackets: Option<Regex>,
    parts: Vec<PartsPattern>,
    parts_stop: Option<Regex>,
    reference_before: Option<Regex>,
    pub bounds: Vec<(String, String)>,
    counters: Regex,
    counter_facts: Vec<(String, Regex)>,
    statements: Vec<StatementPattern>,
    /// Which count and statement patterns are worth running on a sentence.
    count_filter: Prefilter,
    statement_filter: Prefilter,
    pub history: HistoryRules,
    number: Regex,
    percent_words: Vec<String>,
    numbers: HashMap<String, u64>,
    ordinals: HashMap<String, u32>,
    scales: HashMap<String, f64>,
    /// Lowercase currency name -> the currency it belongs to.
    currencies: HashMap<String, String>,
    pub months: Vec<String>,
    rec_openings: Vec<Regex>,
    rec_not_imperative: Regex,
    rec_verbs: HashSet<String>,
    /// Placeholder values, for other rule files (style.yaml) that use them.
    placeholders: Vec<(&'static str, String)>,
    /// Every fact path a claim may name, for validating against the catalog.
    pub fact_paths: Vec<(String, Range<usize>)>,
    pub file: Arc<SourceFile>,
}

/// Compiles patterns of one YAML file, collecting located problems.
pub struct PatternCompiler<'a> {
    file: &'a Arc<SourceFile>,
    spans: &'a SpanIndex,
    placeholders: &'a [(&'static str, String)],
    pub problems: Vec<Diagnostic>,
}

impl<'a> PatternCompiler<'a> {
    pub fn new(
        file: &'a Arc<SourceFile>,
        spans: &'a SpanIndex,
        placeholders: &'a [(&'static str, String)],
    ) -> Self {
        Self {
            file,
            spans,
            placeholders,
            problems: Vec::new(),
        }
    }

    /// Compile the pattern at `path`, case-insensitive unless it opts out with `(?-i)`.
    pub fn compile(&mut self, path: &str, pattern: &str) -> Option<Regex> {
        let mut expanded = pattern.to_string();
        for (name, value) in self.placeholders {
            let key = format!("{{{name}}}");
            if expanded.contains(&key) {
                expanded = expanded.replace(&key, value);
            }
        }
        let expanded = ascii_word_boundaries(&expanded);
        match RegexBuilder::new(&expanded)
            .case_insensitive(true)
            .size_limit(1 << 24)
            .build()
        {
            Ok(re) => Some(re),
            Err(e) => {
                let detail = match &e {
                    regex::Error::Syntax(s) => s.lines().last().unwrap_or("").trim().to_string(),
                    other => other.to_string(),
                };
                self.problems.push(
                    Diagnostic::error("bad-pattern", format!("invalid pattern: {}", lower(&detail)))
                        .at(self.file, self.spans.value_span(path))
                        .with_help("patterns are Rust regular expressions without look-around; placeholders are {number}, {ordinal}, {tier}, {month} and {currency}"),
                );
                None
            }
        }
    }

    /// Report that the pattern at `path` lacks a named group it needs.
    pub fn require_group(&mut self, path: &str, re: &Regex, group: &str) -> bool {
        if re.capture_names().flatten().any(|n| n == group) {
            return true;
        }
        self.problems.push(
            Diagnostic::error(
                "bad-pattern",
                format!("pattern has no `(?P<{group}>...)` group"),
            )
            .at(self.file, self.spans.value_span(path))
            .with_help(format!("name the part of the match to read `{group}`")),
        );
        false
    }

    pub fn error(&mut self, path: &str, message: String, help: &str) {
        self.problems.push(
            Diagnostic::error("bad-claim-rule", message)
                .at(self.file, self.spans.value_span(path))
                .with_help(help.to_string()),
        );
    }
}

/// `\b`, `\B`, `\w` and `\d` as their ASCII forms. A Unicode word boundary stops the fast
/// (lazy DFA) engine on any non-ASCII text (curly quotes, dashes), and a Unicode `\w` is a class of
/// hundreds of ranges that made each pattern with `(?:[\w-]+ ){0,4}` take a millisecond to
/// compile. The patterns' words are English, ASCII in the house style; `\p{L}` still names any
/// letter where a pattern needs one.
fn ascii_word_boundaries(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars().peekable();
    // Inside a character class (`[...]`), where `\w` must become ranges.
    let mut in_class = false;
    while let Some(c) = chars.next() {
        match c {
            '[' if !in_class => {
                in_class = true;
                out.push(c);
                // A `]` first (or after `^`) is a literal, not the end of the class.
                if chars.peek() == Some(&'^') {
                    out.extend(chars.next());
                }
                if chars.peek() == Some(&']') {
                    out.extend(chars.next());
                }
                continue;
            }
            ']' if in_class => {
                in_class = false;
                out.push(c);
                continue;
            }
            '\\' => {}
            _ => {
                out.push(c);
                continue;
            }
        }
        match (chars.next(), in_class) {
            (Some('b'), false) => out.push_str(r"(?-u:\b)"),
            (Some('B'), false) => out.push_str(r"(?-u:\B)"),
            (Some('w'), false) => out.push_str(r"(?-u:\w)"),
            (Some('d'), false) => out.push_str("[0-9]"),
            (Some('w'), true) => out.push_str("0-9A-Za-z_"),
            (Some('d'), true) => out.push_str("0-9"),
            (Some(n), _) => {
                out.push('\\');
                out.push(n);
            }
            (None, _) => out.push('\\'),
        }
    }
    out
}

fn lower(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

fn alternation<'a>(words: impl IntoIterator<Item = &'a str>) -> String {
    let mut w: Vec<&str> = words.into_iter().collect();
    w.sort_by_key(|s| std::cmp::Reverse(s.len()));
    w.iter()
        .map(|s| regex::escape(s).replace(' ', r"\s+"))
        .collect::<Vec<_>>()
        .join("|")
}

/// Why a statement's value does not fit its fact's type: (message, help), or `None` when it fits.
fn statement_type_problem(
    value: Option<&serde_json::Value>,
    def: &FactDef,
) -> Option<(String, String)> {
    let fact = &def.path;
    let values = def.values.clone().unwrap_or_default();
    let listed = || {
        values
            .iter()
            .map(|v| format!("`{v}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let fits = match (value, def.kind) {
        (None, FactKind::Boolean | FactKind::Money) => false,
        (None, _) => true,
        (Some(serde_json::Value::String(s)), _) if s == NOT_REPORTED => true,
        (Some(serde_json::Value::Bool(_)), k) => k == FactKind::Boolean,
        (Some(serde_json::Value::String(s)), FactKind::Enum) => values.contains(s),
        (Some(serde_json::Value::String(_)), k) => matches!(k, FactKind::Text | FactKind::TextList),
        (Some(serde_json::Value::Number(_)), k) => matches!(k, FactKind::Count | FactKind::Year),
        (Some(_), _) => false,
    };
    if fits {
        return None;
    }
    let kind = format!("{:?}", def.kind).to_lowercase();
    Some(match value {
        None => (
            format!("fact `{fact}` is a {kind}; a statement cannot capture it"),
            "give the value the wording states, e.g. `value: true`".to_string(),
        ),
        Some(v) => (
            format!(
                "`{}` does not fit fact `{fact}`",
                v.to_string().trim_matches('"')
            ),
            match def.kind {
                FactKind::Enum => format!("`{fact}` is one of {}, or `{NOT_REPORTED}`", listed()),
                FactKind::Boolean => format!("`{fact}` is `true`, `false` or `{NOT_REPORTED}`"),
                _ => format!("`{fact}` is a {kind}"),
            },
        ),
    })
}

fn compile_statements(
    c: &mut PatternCompiler<'_>,
    list: &[StatementYaml],
    spans: &SpanIndex,
) -> Vec<StatementPattern> {
    let mut out = Vec::new();
    for (i, st) in list.iter().enumerate() {
        let path = format!("statements[{i}].pattern");
        let Some(re) = c.compile(&path, &st.pattern) else {
            continue;
        };
        let mut facts: Vec<String> = st.fact.iter().cloned().collect();
        facts.extend(st.facts.iter().cloned());
        if facts.is_empty() {
            c.error(
                &format!("statements[{i}]"),
                "a statement names no fact".to_string(),
                "add `fact: group.name` (or `facts: [...]`)",
            );
            continue;
        }
        let value = match &st.value {
            None => {
                if !re.capture_names().flatten().any(|n| n == "value") {
                    c.error(
                        &format!("statements[{i}]"),
                        "a statement reads no value".to_string(),
                        "add `value: true`, `value: false`, an enum value, or a `(?P<value>...)` group",
                    );
                    continue;
                }
                None
            }
            Some(serde_yaml::Value::Bool(b)) => Some(serde_json::Value::Bool(*b)),
            Some(serde_yaml::Value::String(s)) => Some(serde_json::Value::String(s.clone())),
            Some(serde_yaml::Value::Number(n)) => match n.as_u64() {
                Some(u) => Some(serde_json::Value::from(u)),
                None => {
                    c.error(
                        &format!("statements[{i}].value"),
                        format!("`{n}` is not a whole number"),
                        "a statement's figure is a count or a year",
                    );
                    continue;
                }
            },
            Some(_) => {
                c.error(
                    &format!("statements[{i}].value"),
                    "a statement's value is `true`, `false`, a number or a word".to_string(),
                    "write the value the wording states, e.g. `value: false` or `value: adopted`",
                );
                continue;
            }
        };
        let value_at = if st.value.is_some() {
            spans.value_span(&format!("statements[{i}].value"))
        } else {
            spans.value_span(&path)
        };
        out.push(StatementPattern {
            facts,
            re,
            value,
            period: match st.period {
                Some(PeriodYaml::Previous) => Period::Previous,
                _ => Period::Current,
            },
            sections: st.sections.clone(),
            at: spans.value_span(&format!("statements[{i}]")),
            value_at,
        });
    }
    out
}

fn compile_history(
    c: &mut PatternCompiler<'_>,
    y: Option<&HistoryYaml>,
    tier_ids: &[String],
    spans: &SpanIndex,
) -> HistoryRules {
    let Some(y) = y else {
        return HistoryRules::default();
    };
    let check_tier = |c: &mut PatternCompiler<'_>, path: &str, tier: &str| {
        if !tier_ids.is_empty() && !tier_ids.iter().any(|t| t == tier) {
            c.error(
                path,
                format!("unknown tier id `{tier}`"),
                &format!(
                    "tier ids are those of ruleset.yaml: {}",
                    tier_ids
                        .iter()
                        .map(|t| format!("`{t}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
    };
    for (i, t) in y.special_case_tiers.iter().enumerate() {
        check_tier(c, &format!("history.special_case_tiers[{i}]"), t);
    }
    let mut placements = Vec::new();
    for (i, p) in y.placements.iter().enumerate() {
        let Some(re) = c.compile(&format!("history.placements[{i}].pattern"), &p.pattern) else {
            continue;
        };
        let mut tiers = Vec::new();
        let mut years_at = Vec::new();
        for (j, t) in p.tiers.iter().enumerate() {
            let at = format!("history.placements[{i}].tiers[{j}]");
            check_tier(c, &format!("{at}.tier"), &t.tier);
            let years = match &t.years {
                serde_yaml::Value::Number(n) => n
                    .as_u64()
                    .and_then(|n| u32::try_from(n).ok())
                    .map(Years::Count),
                serde_yaml::Value::String(s) => Some(Years::Param(s.clone())),
                _ => None,
            };
            let Some(years) = years else {
                c.error(
                    &format!("{at}.years"),
                    "`years` is a whole number or a `params` name of ruleset.yaml".to_string(),
                    "e.g. `years: 1` or `years: watch_list_years_before_downgrade`",
                );
                continue;
            };
            tiers.push((t.tier.clone(), years));
            years_at.push(spans.value_span(&format!("{at}.years")));
        }
        placements.push(PlacementsRule {
            re,
            tiers,
            years_at,
        });
    }
    HistoryRules {
        movement_steps: y.movement_steps.iter().map(|(m, s)| (*m, *s)).collect(),
        placements,
        special_case_tiers: y.special_case_tiers.clone(),
    }
}

impl ClaimRules {
    /// Load and compile `claims.yaml`. `tier_ids` are the ids of ruleset.yaml (every tier phrase
    /// must map to one of them); an empty list skips that check.
    pub fn load(
        file: &Arc<SourceFile>,
        tier_ids: &[String],
    ) -> Result<ClaimRules, Vec<Diagnostic>> {
        let (mut y, spans): (ClaimsYaml, SpanIndex) = yaml::load(file)?;
        let v = &y.vocabulary;
        let tens: Vec<&str> = v
            .numbers
            .iter()
            .filter(|(_, n)| **n >= 20 && **n % 10 == 0)
            .map(|(w, _)| w.as_str())
            .collect();
        let units: Vec<&str> = v
            .numbers
            .iter()
            .filter(|(_, n)| (1..10).contains(*n))
            .map(|(w, _)| w.as_str())
            .collect();
        let words = alternation(v.numbers.keys().map(String::as_str));
        let scales = alternation(v.scales.keys().map(String::as_str));
        let compound = if tens.is_empty() || units.is_empty() {
            String::new()
        } else {
            format!("(?:{})-(?:{})|", alternation(tens), alternation(units))
        };
        let scale_part = if scales.is_empty() {
            String::new()
        } else {
            format!(r"(?:\s+(?:{scales})\b)?")
        };
        let number = format!(
            r"(?:\b(?:\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|{compound}{words})\b{scale_part})"
        );
        let ordinal = format!(
            r"(?:\b(?:{}|\d+(?:st|nd|rd|th))\b)",
            alternation(v.ordinals.keys().map(String::as_str))
        );
        let tier = format!(
            r"(?:{})",
            alternation(y.tiers.iter().map(|t| t.phrase.as_str()))
        );
        let month = format!(r"(?:{})", alternation(v.months.iter().map(String::as_str)));
        // Any currency: the known names, or a capitalized word (the country's adjective)
        // before one word ("Velorian dinar"). The money pattern's `($...)` makes it safe.
        let currency = format!(
            r"(?:{}|(?-i:[A-Z][\w'-]+)\s+[A-Za-z][\w'-]*|(?-i:[A-Z]{{3}}))",
            alternation(v.currencies.iter().map(|c| c.name.as_str()))
        );
        let placeholders: Vec<(&'static str, String)> = vec![
            ("number", number.clone()),
            ("ordinal", ordinal),
            ("tier", tier),
            ("month", month),
            ("currency", currency),
        ];
        // The statements are most of the patterns: they compile on a thread of their own while
        // the rest compile here.
        let statements_job = {
            let (file, spans, placeholders) = (file.clone(), spans.clone(), placeholders.clone());
            let list = std::mem::take(&mut y.statements);
            std::thread::spawn(move || {
                let mut c = PatternCompiler::new(&file, &spans, &placeholders);
                let statements = compile_statements(&mut c, &list, &spans);
                let filter = Prefilter::new(statements.iter().map(|p| p.re.as_str()));
                (statements, filter, c.problems, list)
            })
        };
        let mut c = PatternCompiler::new(file, &spans, &placeholders);

        let report_title = c.compile("report_title", &y.report_title);
        let headings: Vec<Regex> = y
            .headings
            .iter()
            .enumerate()
            .filter_map(|(i, p)| {
                let path = format!("headings[{i}]");
                let re = c.compile(&path, p)?;
                (c.require_group(&path, &re, "country") & c.require_group(&path, &re, "tier"))
                    .then_some(re)
            })
            .collect();
        let mut tiers: Vec<(String, String)> = Vec::new();
        for (i, t) in y.tiers.iter().enumerate() {
            if !tier_ids.is_empty() && !tier_ids.contains(&t.tier) {
                c.error(
                    &format!("tiers[{i}].tier"),
                    format!("unknown tier id `{}`", t.tier),
                    &format!(
                        "tier ids are those of ruleset.yaml: {}",
                        tier_ids
                            .iter()
                            .map(|t| format!("`{t}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
            }
            tiers.push((t.phrase.to_lowercase(), t.tier.clone()));
        }
        tiers.sort_by_key(|(p, _)| std::cmp::Reverse(p.len()));

        let mut section_ids = HashSet::new();
        let sections: Vec<SectionShape> = y
            .sections
            .iter()
            .enumerate()
            .map(|(i, s)| {
                if !section_ids.insert(s.id.clone()) {
                    c.error(
                        &format!("sections[{i}].id"),
                        format!("section `{}` is listed twice", s.id),
                        "each section id appears once",
                    );
                }
                let mut names = vec![s.title.to_lowercase()];
                names.extend(s.aliases.iter().map(|a| a.to_lowercase()));
                SectionShape {
                    id: s.id.clone(),
                    title: s.title.clone(),
                    names,
                    required: s.required,
                    recommendations: s.recommendations,
                    pillar: s.pillar.clone(),
                    claims: s.claims,
                    not_for: s.not_for.clone(),
                }
            })
            .collect();

        let status = y
            .status
            .iter()
            .enumerate()
            .filter_map(|(i, s)| {
                let re = c.compile(&format!("status[{i}].pattern"), &s.pattern)?;
                Some((re, s.tiers.clone()))
            })
            .collect();
        let movement: Vec<(Movement, Regex)> = y
            .movement
            .iter()
            .enumerate()
            .filter_map(|(i, m)| {
                let path = format!("movement[{i}].pattern");
                let re = c.compile(&path, &m.pattern)?;
                c.require_group(&path, &re, "tier")
                    .then_some((m.movement, re))
            })
            .collect();
        let movement_years = c.compile("movement_years", &y.movement_years);
        let waiver = c.compile("waiver", &y.waiver);
        let opener = c.compile("openers.pattern", &y.openers.pattern);
        let counts: Vec<CountPattern> = y
            .counts
            .iter()
            .enumerate()
            .filter_map(|(i, p)| {
                let path = format!("counts[{i}].pattern");
                let re = c.compile(&path, &p.pattern)?;
                let mut facts: Vec<String> = p.fact.iter().cloned().collect();
                facts.extend(p.facts.iter().cloned());
                if facts.is_empty() != p.ignore {
                    if p.ignore {
                        c.error(
                            &format!("counts[{i}]"),
                            "a count pattern with `ignore: true` names a fact".to_string(),
                            "remove `fact`/`facts`: an ignored figure is read into no fact",
                        );
                        return None;
                    }
                    c.error(
                        &format!("counts[{i}]"),
                        "a count pattern names no fact".to_string(),
                        "add `fact: group.name` (or `facts: [...]`)",
                    );
                    return None;
                }
                let has_n = re.capture_names().flatten().any(|n| n == "n");
                if !has_n && p.value.is_none() && !p.same_as_previous {
                    c.error(
                        &format!("counts[{i}]"),
                        "a count pattern reads no figure".to_string(),
                        "add a `(?P<n>{number})` group, `value:` or `same_as_previous: true`",
                    );
                    return None;
                }
                Some(CountPattern {
                    facts,
                    re,
                    value: p.value,
                    same_as_previous: p.same_as_previous,
                    sections: p.sections.clone(),
                })
            })
            .collect();
        let money = c.compile("money", &y.money);
        if let Some(re) = &money {
            for g in ["amount", "currency", "usd"] {
                c.require_group("money", re, g);
            }
        }
        let money_facts = y
            .money_facts
            .iter()
            .enumerate()
            .filter_map(|(i, m)| {
                let re = c.compile(&format!("money_facts[{i}].pattern"), &m.pattern)?;
                Some((m.fact.clone(), re))
            })
            .collect();
        let comparisons = y
            .comparisons
            .iter()
            .enumerate()
            .filter_map(|(i, m)| {
                let re = c.compile(&format!("comparisons[{i}].pattern"), &m.pattern)?;
                Some((m.trend, re))
            })
            .collect();
        let previous_period = c.compile("previous_period", &y.previous_period);
        let previous_zero = y
            .previous_zero
            .as_ref()
            .and_then(|p| c.compile("previous_zero", p));
        let previous_in_brackets = y
            .previous_in_brackets
            .as_deref()
            .and_then(|p| c.compile("previous_in_brackets", p))
            .filter(|re| c.require_group("previous_in_brackets", re, "n"));
        let parts_stop = y
            .parts_stop
            .as_ref()
            .and_then(|p| c.compile("parts_stop", p));
        let reference_before = y
            .reference_before
            .as_ref()
            .and_then(|p| c.compile("reference_before", p));
        let parts = y
            .parts
            .iter()
            .enumerate()
            .filter_map(|(i, p)| {
                let path = format!("parts[{i}].pattern");
                let re = c.compile(&path, &p.pattern)?;
                let from_previous = p.whole_from == Some(WholeFrom::Previous);
                if !c.require_group(&path, &re, "parts")
                    || (!from_previous && !c.require_group(&path, &re, "whole"))
                {
                    return None;
                }
                Some(PartsPattern {
                    re,
                    whole_from_previous: from_previous,
                })
            })
            .collect();
        let counters = c.compile("counters", &y.counters);
        let counter_facts = y
            .counter_facts
            .iter()
            .enumerate()
            .filter_map(|(i, m)| {
                let re = c.compile(&format!("counter_facts[{i}].pattern"), &m.pattern)?;
                Some((m.fact.clone(), re))
            })
            .collect();
        let count_filter = Prefilter::new(counts.iter().map(|p| p.re.as_str()));
        let (statements, statement_filter, statement_problems, statements_yaml) =
            match statements_job.join() {
                Ok(done) => done,
                Err(_) => {
                    return Err(vec![Diagnostic::error(
                        "internal-error",
                        "compiling the statement patterns stopped unexpectedly",
                    )
                    .at(file, 0..0)])
                }
            };
        y.statements = statements_yaml;
        c.problems.extend(statement_problems);
        let history = compile_history(&mut c, y.history.as_ref(), tier_ids, &spans);
        let number_re = c.compile("vocabulary.numbers", &number);
        let rec_openings = y
            .recommendations
            .openings
            .iter()
            .enumerate()
            .filter_map(|(i, p)| c.compile(&format!("recommendations.openings[{i}]"), p))
            .collect();
        let rec_not_imperative = c.compile(
            "recommendations.not_imperative",
            &y.recommendations.not_imperative,
        );
        let abbreviations = v.abbreviations.iter().cloned().collect();

        let mut fact_paths = Vec::new();
        for (i, p) in y.counts.iter().enumerate() {
            for f in p.fact.iter().chain(p.facts.iter()) {
                fact_paths.push((f.clone(), spans.value_span(&format!("counts[{i}]"))));
            }
        }
        for (i, m) in y.money_facts.iter().enumerate() {
            fact_paths.push((
                m.fact.clone(),
                spans.value_span(&format!("money_facts[{i}].fact")),
            ));
        }
        for (i, m) in y.counter_facts.iter().enumerate() {
            fact_paths.push((
                m.fact.clone(),
                spans.value_span(&format!("counter_facts[{i}].fact")),
            ));
        }
        for (i, st) in y.statements.iter().enumerate() {
            for f in st.fact.iter().chain(st.facts.iter()) {
                fact_paths.push((f.clone(), spans.value_span(&format!("statements[{i}]"))));
            }
        }
        for (i, b) in y.bounds.iter().enumerate() {
            let at = spans.value_span(&format!("bounds[{i}]"));
            fact_paths.push((b.fact.clone(), at.clone()));
            fact_paths.push((b.at_most.clone(), at));
        }

        let problems = c.problems;
        let (
            Some(report_title),
            Some(movement_years),
            Some(waiver),
            Some(opener),
            Some(money),
            Some(previous_period),
            Some(counters),
            Some(number),
            Some(rec_not_imperative),
        ) = (
            report_title,
            movement_years,
            waiver,
            opener,
            money,
            previous_period,
            counters,
            number_re,
            rec_not_imperative,
        )
        else {
            return Err(problems);
        };
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(ClaimRules {
            layout: Layout {
                report_title,
                headings,
                sections,
                bullets: y.recommendations.bullets.clone(),
                separator: y.recommendations.separator.clone(),
                abbreviations,
            },
            tiers,
            status,
            movement,
            movement_years,
            waiver,
            waiver_tiers: y.waiver_tiers.clone(),
            waiver_flag: y.waiver_flag.clone(),
            opener,
            opener_trends: y.openers.trends.clone(),
            counts,
            money,
            money_rate_tolerance: y.money_rate_tolerance,
            money_facts,
            comparisons,
            previous_period,
            previous_zero,
            previous_in_brackets,
            parts,
            parts_stop,
            reference_before,
            bounds: y
                .bounds
                .iter()
                .map(|b| (b.fact.clone(), b.at_most.clone()))
                .collect(),
            counters,
            counter_facts,
            statements,
            count_filter,
            statement_filter,
            history,
            number,
            percent_words: y.percent_words.iter().map(|w| w.to_lowercase()).collect(),
            numbers: v
                .numbers
                .iter()
                .map(|(k, n)| (k.to_lowercase(), *n))
                .collect(),
            ordinals: v
                .ordinals
                .iter()
                .map(|(k, n)| (k.to_lowercase(), *n))
                .collect(),
            scales: v
                .scales
                .iter()
                .map(|(k, n)| (k.to_lowercase(), *n))
                .collect(),
            currencies: v
                .currencies
                .iter()
                .map(|c| (c.name.to_lowercase(), c.short.to_lowercase()))
                .collect(),
            months: v.months.clone(),
            rec_openings,
            rec_not_imperative,
            rec_verbs: y
                .recommendations
                .verbs
                .iter()
                .map(|v| v.to_lowercase())
                .collect(),
            placeholders,
            fact_paths,
            file: Arc::clone(file),
        })
    }

    /// Check the statements' values against the fact catalog (a value must fit its fact's type)
    /// and the history's `years` against ruleset.yaml `params`. Unknown fact paths are reported
    /// with the other claims' paths ([`ClaimRules::fact_paths`]).
    pub fn check_against(&self, rulebook: &Rulebook) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for st in &self.statements {
            for fact in &st.facts {
                let Some(def) = rulebook.catalog.get(fact) else {
                    continue;
                };
                if let Some(problem) = statement_type_problem(st.value.as_ref(), def) {
                    let (message, help) = problem;
                    let at = if st.value.is_some() {
                        st.value_at.clone()
                    } else {
                        st.at.clone()
                    };
                    out.push(
                        Diagnostic::error("wrong-type", message)
                            .at(&self.file, at)
                            .with_help(help),
                    );
                }
            }
        }
        for p in &self.history.placements {
            for ((_, years), at) in p.tiers.iter().zip(&p.years_at) {
                let Years::Param(name) = years else { continue };
                let ok = matches!(
                    rulebook.params.get(name).map(|d| &d.value),
                    Some(ParamValue::Int(n)) if *n >= 0
                );
                if !ok {
                    let mut d = Diagnostic::error(
                        "unknown-param",
                        format!("`{name}` is not a whole-number param of ruleset.yaml"),
                    )
                    .at(&self.file, at.clone());
                    if let Some(s) =
                        yaml::did_you_mean(name, rulebook.params.keys().map(String::as_str))
                    {
                        d = d.with_help(format!("did you mean `{s}`?"));
                    }
                    out.push(d);
                }
            }
        }
        out
    }

    /// The placeholders ({number}, {month}, ...) for other rule files to compile with.
    pub fn placeholders(&self) -> &[(&'static str, String)] {
        &self.placeholders
    }

    /// The tier id of a tier phrase as written ("Tier 2 Watch List" -> "2WL").
    pub fn tier_id(&self, phrase: &str) -> Option<&str> {
        let p = phrase
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        self.tiers
            .iter()
            .find(|(t, _)| *t == p)
            .map(|(_, id)| id.as_str())
    }

    /// Every tier phrase for a tier id, as written in claims.yaml (lowercase).
    pub fn tier_phrases(&self, id: &str) -> Vec<&str> {
        self.tiers
            .iter()
            .filter(|(_, t)| t == id)
            .map(|(p, _)| p.as_str())
            .collect()
    }

    /// The value of a figure as written: "22", "1,600", "one", "twenty-five", "two million".
    pub fn number_value(&self, text: &str) -> Option<f64> {
        let t = text.trim();
        let (head, scale) = match t.rsplit_once(char::is_whitespace) {
            Some((h, s)) if self.scales.contains_key(&s.to_lowercase()) => (
                h.trim(),
                self.scales.get(&s.to_lowercase()).copied().unwrap_or(1.0),
            ),
            _ => (t, 1.0),
        };
        let base = if head.starts_with(|c: char| c.is_ascii_digit()) {
            head.replace(',', "").parse::<f64>().ok()?
        } else {
            let mut sum = 0u64;
            for w in head.to_lowercase().split('-') {
                sum += self.numbers.get(w)?;
            }
            sum as f64
        };
        Some(base * scale)
    }

    /// The ordinal word of `n` in the vocabulary ("fourth"), or `n` with a suffix.
    pub fn ordinal_word(&self, n: u32) -> String {
        let mut words: Vec<&String> = self
            .ordinals
            .iter()
            .filter(|(w, v)| **v == n && w.chars().all(|c| c.is_ascii_alphabetic()))
            .map(|(w, _)| w)
            .collect();
        words.sort();
        match words.first() {
            Some(w) => (*w).clone(),
            None => format!("{n}th"),
        }
    }

    pub fn ordinal_value(&self, text: &str) -> Option<u32> {
        let t = text.trim().to_lowercase();
        if let Some(n) = self.ordinals.get(&t) {
            return Some(*n);
        }
        t.trim_end_matches(|c: char| c.is_ascii_alphabetic())
            .parse()
            .ok()
    }

    /// Is the recommendation's first word an imperative verb? `Err` carries the first word and
    /// whether it is certainly not one (`not_imperative`) or merely not a known verb.
    pub fn imperative(&self, text: &str) -> Result<(), (String, Range<usize>, bool)> {
        let mut at = 0;
        for re in &self.rec_openings {
            if let Some(m) = re.find(&text[at..]) {
                if m.start() == 0 {
                    at += m.end();
                }
            }
        }
        let rest = &text[at..];
        let lead = rest.len() - rest.trim_start().len();
        let word_start = at + lead;
        let word: String = text[word_start..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '-' || *c == '\'')
            .collect();
        let lowered = word.to_lowercase();
        if self.rec_verbs.contains(&lowered) {
            return Ok(());
        }
        let certain = self.rec_not_imperative.is_match(&lowered);
        Err((word.clone(), word_start..word_start + word.len(), certain))
    }
}

// ---------------------------------------------------------------------------------------------
// What a narrative claims.

/// Which reporting period a figure is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    Current,
    Previous,
}

#[derive(Debug, Clone)]
pub struct TierClaim {
    pub id: Option<String>,
    pub text: String,
    pub span: Range<usize>,
}

#[derive(Debug, Clone)]
pub struct StatusClaim {
    pub tiers: Vec<String>,
    pub span: Range<usize>,
}

#[derive(Debug, Clone)]
pub struct MovementClaim {
    pub movement: Movement,
    pub tier: TierClaim,
    /// The sentence.
    pub sentence: Range<usize>,
    /// The movement words ("remained on Tier 2").
    pub span: Range<usize>,
    /// "for the second consecutive year": the number and its span.
    pub years: Option<(u32, Range<usize>)>,
    /// The waiver wording, anywhere in the intro.
    pub waiver: Option<Range<usize>>,
}

#[derive(Debug, Clone)]
pub struct OpenerClaim {
    pub section: String,
    pub pillar: String,
    /// The trend as the rules name it (`increased`, `maintained`, `decreased`), when stated.
    pub trend: Option<String>,
    pub qualifier: String,
    pub span: Range<usize>,
}

#[derive(Debug, Clone)]
pub struct CountClaim {
    pub fact: String,
    pub value: f64,
    pub period: Period,
    pub span: Range<usize>,
    pub sentence: Range<usize>,
    /// Read from "did not report any ...": zero, or no data.
    pub none_reported: bool,
}

#[derive(Debug, Clone)]
pub struct MoneyClaim {
    pub fact: Option<String>,
    pub amount: f64,
    /// The currency as written ("Tajikistani somoni").
    pub currency: String,
    /// The currency it belongs to ("somoni"), for grouping.
    pub currency_key: String,
    pub usd: f64,
    pub period: Period,
    pub span: Range<usize>,
    pub usd_span: Range<usize>,
    pub sentence: Range<usize>,
}

/// A figure in a comparison: its value and where it is.
#[derive(Debug, Clone)]
pub struct Figure {
    pub value: f64,
    pub span: Range<usize>,
}

#[derive(Debug, Clone)]
pub struct Comparison {
    pub sentence: Range<usize>,
    pub marker: Range<usize>,
    pub trend: Option<Trend>,
    /// The figure compared now, and the one it is compared with (`None` for "the same number as").
    pub current: Option<Figure>,
    pub previous: Option<Figure>,
    /// The text after the marker, about the previous period.
    pub previous_part: Range<usize>,
    pub names_period: bool,
}

#[derive(Debug, Clone)]
pub struct CounterClaim {
    /// The fact it is about, when `counter_facts` names one.
    pub fact: Option<String>,
    pub n: u32,
    pub span: Range<usize>,
    pub sentence: Range<usize>,
}

#[derive(Debug, Clone)]
pub struct PartsClaim {
    pub whole: Figure,
    pub parts: Vec<Figure>,
    pub sentence: Range<usize>,
}

/// A statement of a fact's value: "the government did not adopt SOPs".
#[derive(Debug, Clone)]
pub struct StatementClaim {
    pub fact: String,
    /// `true`/`false`, an enum value, `not_reported`, or what a `value` group read: a figure
    /// (a number) or the words as written (a string).
    pub value: serde_json::Value,
    /// Read by a `value` group (to be typed by the fact's catalog type).
    pub captured: bool,
    pub period: Period,
    /// The words that state it (the `value` group when there is one).
    pub span: Range<usize>,
    pub sentence: Range<usize>,
}

/// Everything read from one narrative.
#[derive(Debug, Clone, Default)]
pub struct Claims {
    pub heading_tier: Option<TierClaim>,
    pub status: Option<StatusClaim>,
    pub movement: Option<MovementClaim>,
    pub openers: Vec<OpenerClaim>,
    pub counts: Vec<CountClaim>,
    pub money: Vec<MoneyClaim>,
    pub comparisons: Vec<Comparison>,
    pub counters: Vec<CounterClaim>,
    pub parts: Vec<PartsClaim>,
    pub statements: Vec<StatementClaim>,
    /// The placements the intro states before this year (claims.yaml `history.placements`),
    /// most recent first.
    pub placements: Option<Vec<(String, Years)>>,
    /// Sentences with figures that no pattern read.
    pub unread: Vec<Range<usize>>,
    /// Currency codes a narrative defines ("Kazakhstani tenge (KZT)"): code -> currency key.
    pub currency_codes: HashMap<String, String>,
}

/// A figure found by the generic number scan.
#[derive(Debug, Clone)]
struct Scanned {
    value: f64,
    span: Range<usize>,
    digits: bool,
}

/// Read every claim of a narrative.
pub fn read(n: &Narrative, rules: &ClaimRules) -> Claims {
    let text = n.file.text.as_str();
    let mut claims = Claims::default();

    if let Some(h) = &n.heading {
        claims.heading_tier = Some(TierClaim {
            id: rules.tier_id(&h.tier_text).map(str::to_string),
            text: h.tier_text.clone(),
            span: h.tier_span.clone(),
        });
    }

    // Intro: status, movement, waiver.
    let mut waiver = None;
    for s in n.intro_sentences() {
        let st = &text[s.clone()];
        if claims.status.is_none() {
            if let Some((_, tiers)) = rules.status.iter().find(|(re, _)| re.is_match(st)) {
                claims.status = Some(StatusClaim {
                    tiers: tiers.clone(),
                    span: s.clone(),
                });
            }
        }
        if waiver.is_none() {
            if let Some(m) = rules.waiver.find(st) {
                waiver = Some(s.start + m.start()..s.start + m.end());
            }
        }
        if claims.movement.is_none() {
            claims.movement = read_movement(st, s, rules);
        }
        if claims.placements.is_none() {
            claims.placements = rules
                .history
                .placements
                .iter()
                .find(|p| p.re.is_match(st))
                .map(|p| p.tiers.clone());
        }
    }
    if let Some(m) = &mut claims.movement {
        m.waiver = waiver;
    }

    // Pillar openers: the first sentence of each pillar section.
    for sec in &n.sections {
        let Some(shape) = rules.layout.sections.iter().find(|s| s.id == sec.id) else {
            continue;
        };
        let Some(pillar) = &shape.pillar else {
            continue;
        };
        let Some(first) = sec.blocks.first().and_then(|b| b.sentences.first()) else {
            continue;
        };
        if let Some(c) = rules.opener.captures(&text[first.clone()]) {
            let trend = c
                .name("trend")
                .and_then(|t| rules.opener_trends.get(&t.as_str().to_lowercase()))
                .cloned();
            claims.openers.push(OpenerClaim {
                section: sec.id.clone(),
                pillar: pillar.clone(),
                trend,
                qualifier: c
                    .name("qualifier")
                    .map_or(String::new(), |q| q.as_str().trim().to_string()),
                span: first.clone(),
            });
        }
    }

    // Figures: intro and the sections that make claims.
    let claim_sections: HashSet<&str> = rules
        .layout
        .sections
        .iter()
        .filter(|s| s.claims && !s.recommendations)
        .map(|s| s.id.as_str())
        .collect();
    // The movement's tier and year count are not figures to read again.
    let movement_years = claims.movement.as_ref().map(|m| {
        let end = m.years.as_ref().map_or(m.span.end, |(_, r)| r.end);
        m.span.start..end
    });
    let mut previous_sentence: Option<(Range<usize>, Vec<Scanned>, Option<f64>)> = None;
    let mut last_section: Option<&str> = None;
    for (section, s) in n.sentences() {
        if section != last_section {
            previous_sentence = None;
            last_section = section;
        }
        if section.is_some_and(|id| !claim_sections.contains(id)) {
            continue;
        }
        let st = &text[s.clone()];
        let scanned = scan_numbers(st, s.start, rules);
        let candidates = Candidates {
            counts: rules.count_filter.candidates(st),
            statements: rules.statement_filter.candidates(st),
        };
        let place = Place {
            section: section.unwrap_or(INTRO),
            movement_years: movement_years.as_ref(),
            candidates: &candidates,
        };
        let first_count = read_sentence(
            st,
            s,
            rules,
            &scanned,
            &previous_sentence,
            &place,
            &mut claims,
        );
        previous_sentence = Some((s.clone(), scanned, first_count));
        read_statements(st, s, rules, &place, &mut claims);
    }
    claims
}

/// Read the statements of one sentence: patterns in order; a fact is read once per sentence
/// and period (the first pattern that states it wins).
fn read_statements(
    st: &str,
    s: &Range<usize>,
    rules: &ClaimRules,
    place: &Place<'_>,
    claims: &mut Claims,
) {
    let section = place.section;
    let mut read: Vec<(&str, Period)> = Vec::new();
    for (i, p) in rules.statements.iter().enumerate() {
        if !p.sections.is_empty() && !p.sections.iter().any(|id| id == section) {
            continue;
        }
        if !place.candidates.statements.get(i).copied().unwrap_or(true) {
            continue;
        }
        if p.facts
            .iter()
            .all(|f| read.contains(&(f.as_str(), p.period)))
        {
            continue;
        }
        // `is_match` first: it needs no capture slots, and most patterns miss most sentences.
        if !p.re.is_match(st) {
            continue;
        }
        let Some(c) = p.re.captures(st) else { continue };
        let Some(whole) = c.get(0) else { continue };
        let (value, captured, at) = match (&p.value, c.name("value")) {
            (Some(v), _) => (v.clone(), false, whole),
            (None, Some(m)) => {
                let text = m.as_str().split_whitespace().collect::<Vec<_>>().join(" ");
                let v = match rules.number_value(&text) {
                    Some(n) if n.fract() == 0.0 && (0.0..9.0e15).contains(&n) => {
                        serde_json::Value::from(n as u64)
                    }
                    _ => serde_json::Value::String(text),
                };
                (v, true, m)
            }
            (None, None) => continue,
        };
        for f in &p.facts {
            if read.contains(&(f.as_str(), p.period)) {
                continue;
            }
            read.push((f.as_str(), p.period));
            claims.statements.push(StatementClaim {
                fact: f.clone(),
                value: value.clone(),
                captured,
                period: p.period,
                span: s.start + at.start()..s.start + at.end(),
                sentence: s.clone(),
            });
        }
    }
}

fn read_movement(st: &str, s: &Range<usize>, rules: &ClaimRules) -> Option<MovementClaim> {
    rules.movement.iter().find_map(|(kind, re)| {
        let c = re.captures(st)?;
        let whole = c.get(0)?;
        let tier = c.name("tier")?;
        let after = &st[whole.end()..];
        let years = rules.movement_years.captures(after).and_then(|y| {
            let m = y.get(0)?;
            // Only when it follows the tier directly.
            if !after[..m.start()].trim().is_empty() {
                return None;
            }
            let n = y.name("n").and_then(|n| rules.ordinal_value(n.as_str()))?;
            let at = s.start + whole.end();
            Some((n, at + m.start()..at + m.end()))
        });
        Some(MovementClaim {
            movement: *kind,
            tier: TierClaim {
                id: rules.tier_id(tier.as_str()).map(str::to_string),
                text: tier.as_str().to_string(),
                span: s.start + tier.start()..s.start + tier.end(),
            },
            sentence: s.clone(),
            span: s.start + whole.start()..s.start + whole.end(),
            years,
            waiver: None,
        })
    })
}

/// Every figure of a sentence: its value, span, and whether it is written in digits. Years
/// (four digits without a comma, 1900-2099) and shares ("10 percent") are left out.
fn scan_numbers(st: &str, base: usize, rules: &ClaimRules) -> Vec<Scanned> {
    let mut out = Vec::new();
    for m in rules.number.find_iter(st) {
        let t = m.as_str();
        let digits = t.starts_with(|c: char| c.is_ascii_digit());
        if digits && is_year(t) {
            continue;
        }
        // A figure inside a larger token ("130.1", "COVID-19", "15-year-old") is not a count.
        let before = st[..m.start()].chars().next_back();
        let after = st[m.end()..].chars().next();
        if before.is_some_and(|c| c == '-' || c == '.' || c == '/' || c.is_alphanumeric())
            || after.is_some_and(|c| c == '-' || c == '/' || c.is_alphanumeric())
        {
            continue;
        }
        // A reference ("Article 128", "Tier 2"), not a count.
        if let Some(re) = &rules.reference_before {
            let mut from = m.start().saturating_sub(80);
            while !st.is_char_boundary(from) {
                from -= 1;
            }
            if re.is_match(&st[from..m.start()]) {
                continue;
            }
        }
        let rest = st[m.end()..].trim_start().to_lowercase();
        if rules
            .percent_words
            .iter()
            .any(|w| rest.starts_with(w.as_str()))
        {
            continue;
        }
        if let Some(value) = rules.number_value(t) {
            out.push(Scanned {
                value,
                span: base + m.start()..base + m.end(),
                digits,
            });
        }
    }
    out
}

/// The spans (absolute) of the bracketed passages of a text, nesting included.
fn bracketed_spans(text: &str, base: usize) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    for (i, ch) in text.char_indices() {
        match ch {
            '(' => open.push(i),
            ')' => {
                if let Some(start) = open.pop() {
                    if open.is_empty() {
                        out.push(base + start..base + i + 1);
                    }
                }
            }
            _ => {}
        }
    }
    // An unclosed bracket runs to the end.
    if let Some(start) = open.first() {
        out.push(base + start..base + text.len());
    }
    out
}

fn is_year(t: &str) -> bool {
    t.len() == 4 && t.parse::<u32>().is_ok_and(|y| (1900..2100).contains(&y))
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

/// Where a sentence is: its section, and the movement's year count (already read).
struct Place<'a> {
    section: &'a str,
    movement_years: Option<&'a Range<usize>>,
    candidates: &'a Candidates,
}

/// Which count and statement patterns can match one sentence (see [`crate::prefilter`]).
struct Candidates {
    counts: Vec<bool>,
    statements: Vec<bool>,
}

/// Read the figures of one sentence into `claims`. Returns the first current count, for a
/// following "This included ...".
fn read_sentence(
    st: &str,
    s: &Range<usize>,
    rules: &ClaimRules,
    scanned: &[Scanned],
    previous_sentence: &Option<(Range<usize>, Vec<Scanned>, Option<f64>)>,
    place: &Place<'_>,
    claims: &mut Claims,
) -> Option<f64> {
    let base = s.start;
    // The comparison marker: the earliest; on a tie, the first listed.
    let marker = rules
        .comparisons
        .iter()
        .filter_map(|(trend, re)| re.find(st).map(|m| (m.start(), m.end(), *trend)))
        .min_by_key(|(start, _, _)| *start);
    let split = marker.map_or(st.len(), |(start, _, _)| start);
    let prev_from = marker.map_or(st.len(), |(_, end, _)| end);
    // A comparison speaks for its clause: the previous period ends at the next `;`, and the
    // figures it compares are after the last `;` before it ("referred 148 victims; 24 percent
    // in 2022, compared with 23 percent in 2021").
    let clause_start = st[..split].rfind(';').map_or(0, |i| i + 1);
    let prev_to = st[prev_from..]
        .find(';')
        .map_or(st.len(), |i| prev_from + i);
    // "compared with 80 in 2019 and 74 in 2018": after the first period it names, the figures
    // are of earlier periods, neither this one nor the previous one.
    let earlier_from = marker
        .and_then(|_| {
            let m = rules.previous_period.find(&st[prev_from..prev_to])?;
            let figure_before = scanned.iter().any(|f| {
                f.span.start >= base + prev_from && f.span.start < base + prev_from + m.start()
            });
            figure_before.then_some(prev_from + m.end())
        })
        .unwrap_or(prev_to);
    let earlier = |at: usize| at >= earlier_from && at < prev_to;
    let period_of = |at: usize| {
        if at >= prev_from && at < prev_to {
            Period::Previous
        } else {
            Period::Current
        }
    };
    // Spans already read (figures and whole value-only matches), absolute.
    let mut consumed: Vec<Range<usize>> = Vec::new();
    if let Some(r) = place.movement_years {
        consumed.push(r.clone());
    }

    // Money first: its figures are never counts.
    let mut money_here: Vec<MoneyClaim> = Vec::new();
    for c in rules
        .money
        .is_match(st)
        .then(|| rules.money.captures_iter(st))
        .into_iter()
        .flatten()
    {
        let (Some(whole), Some(amount), Some(cur), Some(usd)) = (
            c.get(0),
            c.name("amount"),
            c.name("currency"),
            c.name("usd"),
        ) else {
            continue;
        };
        let scale = |g: &str| {
            c.name(g)
                .and_then(|m| rules.scales.get(&m.as_str().to_lowercase()).copied())
                .unwrap_or(1.0)
        };
        let (Some(a), Some(u)) = (
            rules.number_value(amount.as_str()),
            rules.number_value(usd.as_str()),
        ) else {
            continue;
        };
        let currency = cur
            .as_str()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        // Grouped by the whole name when known, else by its last word ("Velorian dinar" and
        // "dinar" are one currency).
        let lower = currency.to_lowercase();
        let last = lower.rsplit(' ').next().unwrap_or(&lower);
        let key = rules
            .currencies
            .get(&lower)
            .or_else(|| rules.currencies.get(last))
            .or_else(|| claims.currency_codes.get(&lower))
            .cloned()
            .unwrap_or_else(|| last.to_string());
        // "25 million Kazakhstani tenge (KZT) ($77,920)": later "KZT" amounts are that currency.
        if let Some(code) = c.name("code") {
            claims
                .currency_codes
                .entry(code.as_str().to_lowercase())
                .or_insert_with(|| key.clone());
        }
        let period = period_of(whole.start());
        let part = if period == Period::Previous {
            &st[prev_from..prev_to]
        } else if whole.start() >= prev_to {
            &st[prev_to..]
        } else {
            &st[..split]
        };
        let fact = rules
            .money_facts
            .iter()
            .find(|(_, re)| re.is_match(part))
            .map(|(f, _)| f.clone())
            .filter(|_| !earlier(whole.start()));
        consumed.push(base + whole.start()..base + whole.end());
        money_here.push(MoneyClaim {
            fact,
            amount: a * scale("scale"),
            currency,
            currency_key: key,
            usd: u * scale("usd_scale"),
            period,
            span: base + whole.start()..base + whole.end(),
            usd_span: base + usd.start()..base + usd.end(),
            sentence: s.clone(),
        });
    }
    // A previous-period amount is about the same fact as the current one before it.
    let first_fact = money_here
        .iter()
        .find(|m| m.period == Period::Current)
        .and_then(|m| m.fact.clone());
    for m in &mut money_here {
        if m.period == Period::Previous && !earlier(m.span.start - base) {
            m.fact = first_fact.clone().or(m.fact.take());
        }
    }

    // Counts by pattern.
    let mut counts: Vec<CountClaim> = Vec::new();
    for (i, p) in rules.counts.iter().enumerate() {
        if !p.sections.is_empty() && !p.sections.iter().any(|id| id == place.section) {
            continue;
        }
        if !place.candidates.counts.get(i).copied().unwrap_or(true) || !p.re.is_match(st) {
            continue;
        }
        for c in p.re.captures_iter(st) {
            let Some(whole) = c.get(0) else { continue };
            let whole_abs = base + whole.start()..base + whole.end();
            let (value, span, none_reported) = if let Some(nm) = c.name("n") {
                let span = base + nm.start()..base + nm.end();
                let Some(v) = rules.number_value(nm.as_str()) else {
                    continue;
                };
                if nm.as_str().starts_with(|ch: char| ch.is_ascii_digit()) && is_year(nm.as_str()) {
                    continue;
                }
                (v, span, false)
            } else if p.same_as_previous {
                let Some(prev) = counts
                    .iter()
                    .filter(|k| k.span.start < whole_abs.start)
                    .max_by_key(|k| k.span.start)
                else {
                    continue;
                };
                (prev.value, whole_abs.clone(), false)
            } else {
                (p.value.unwrap_or(0.0), whole_abs.clone(), true)
            };
            if consumed.iter().any(|r| overlaps(r, &span))
                || (none_reported && consumed.iter().any(|r| overlaps(r, &whole_abs)))
            {
                continue;
            }
            consumed.push(span.clone());
            if earlier(span.start - base) {
                continue;
            }
            let period = period_of(span.start - base);
            for f in &p.facts {
                counts.push(CountClaim {
                    fact: f.clone(),
                    value,
                    period,
                    span: span.clone(),
                    sentence: s.clone(),
                    none_reported,
                });
            }
            // "initiated 17 investigations (10 in 2017)": the previous figure in brackets.
            let bracketed = rules
                .previous_in_brackets
                .as_ref()
                .filter(|_| period == Period::Current && c.name("n").is_some())
                .and_then(|re| re.captures(&st[whole.end()..]))
                .and_then(|bc| bc.name("n"))
                .and_then(|nm| {
                    let v = rules.number_value(nm.as_str())?;
                    let at = base + whole.end();
                    Some((v, at + nm.start()..at + nm.end()))
                });
            if let Some((v, span)) = bracketed {
                if !consumed.iter().any(|r| overlaps(r, &span)) {
                    consumed.push(span.clone());
                    for f in &p.facts {
                        counts.push(CountClaim {
                            fact: f.clone(),
                            value: v,
                            period: Period::Previous,
                            span: span.clone(),
                            sentence: s.clone(),
                            none_reported: false,
                        });
                    }
                }
            }
        }
    }
    counts.sort_by_key(|k| k.span.start);

    // Previous-period figures no pattern read take the subjects of the current ones, in order.
    if let Some((_, _, trend)) = marker {
        let mut waiting: Vec<String> = counts
            .iter()
            .filter(|k| k.period == Period::Current)
            .filter(|k| k.span.start >= base + clause_start && k.span.start < base + split)
            .map(|k| k.fact.clone())
            .filter(|f| {
                !counts
                    .iter()
                    .any(|k| k.period == Period::Previous && &k.fact == f)
            })
            .collect();
        waiting.dedup();
        let loose: Vec<&Scanned> = scanned
            .iter()
            .filter(|f| f.span.start >= base + prev_from && f.span.start < base + earlier_from)
            .filter(|f| !consumed.iter().any(|r| overlaps(r, &f.span)))
            .collect();
        if trend == Some(Trend::Same) && loose.is_empty() {
            // "the same number as": the previous figure is the current one.
            for k in counts.clone() {
                if k.period == Period::Current && waiting.contains(&k.fact) {
                    counts.push(CountClaim {
                        period: Period::Previous,
                        span: base + split..base + prev_from,
                        ..k
                    });
                }
            }
        } else if loose.is_empty() {
            // "compared with none in 2020", "compared to no prosecutions in 2018": zero.
            let zero = rules.previous_zero.as_ref().and_then(|re| {
                let m = re.find(&st[prev_from..prev_to])?;
                let lead = m.as_str().len() - m.as_str().trim_start().len();
                Some(base + prev_from + m.start() + lead..base + prev_from + m.end())
            });
            if let (Some(span), Some(fact)) = (zero, waiting.first()) {
                consumed.push(span.clone());
                counts.push(CountClaim {
                    fact: fact.clone(),
                    value: 0.0,
                    period: Period::Previous,
                    span,
                    sentence: s.clone(),
                    none_reported: false,
                });
            }
        } else {
            for (fact, fig) in waiting.iter().zip(loose) {
                let none = false;
                consumed.push(fig.span.clone());
                counts.push(CountClaim {
                    fact: fact.clone(),
                    value: fig.value,
                    period: Period::Previous,
                    span: fig.span.clone(),
                    sentence: s.clone(),
                    none_reported: none,
                });
            }
        }
    }

    // Figures of earlier periods are read (and set aside), not left unread.
    for f in scanned {
        if earlier(f.span.start - base) && !consumed.iter().any(|r| overlaps(r, &f.span)) {
            consumed.push(f.span.clone());
        }
    }

    // The comparison itself.
    if let Some((start, end, trend)) = marker {
        let in_clause = |r: &Range<usize>| r.start >= base + clause_start && r.start < base + start;
        let cur_fig = counts
            .iter()
            .find(|k| k.period == Period::Current && in_clause(&k.span))
            .map(|k| {
                (
                    Some(k.fact.clone()),
                    Figure {
                        value: k.value,
                        span: k.span.clone(),
                    },
                )
            })
            .or_else(|| {
                money_here
                    .iter()
                    .find(|m| m.period == Period::Current && in_clause(&m.span))
                    .map(|m| {
                        (
                            None,
                            Figure {
                                value: m.amount,
                                span: m.span.clone(),
                            },
                        )
                    })
            })
            .or_else(|| {
                // The last figure before the marker, outside brackets ("25 victims (eight ...
                // and 17 ...), compared with 33").
                let bracketed = bracketed_spans(&st[..start], base);
                scanned
                    .iter()
                    .rev()
                    .filter(|f| !bracketed.iter().any(|b| overlaps(b, &f.span)))
                    .find(|f| f.span.end <= base + start && f.span.start >= base + clause_start)
                    .map(|f| {
                        (
                            None,
                            Figure {
                                value: f.value,
                                span: f.span.clone(),
                            },
                        )
                    })
            });
        let prev_fig = match &cur_fig {
            Some((Some(fact), _)) => counts
                .iter()
                .find(|k| {
                    k.period == Period::Previous && &k.fact == fact && k.span.start >= base + end
                })
                .map(|k| Figure {
                    value: k.value,
                    span: k.span.clone(),
                }),
            _ => None,
        }
        .or_else(|| {
            // "compared with none in 2020": a previous figure of zero in words.
            let re = rules.previous_zero.as_ref()?;
            let m = re.find(&st[end..prev_to.max(end)])?;
            let lead = m.as_str().len() - m.as_str().trim_start().len();
            Some(Figure {
                value: 0.0,
                span: base + end + m.start() + lead..base + end + m.end(),
            })
        })
        .or_else(|| {
            money_here
                .iter()
                .find(|m| m.period == Period::Previous)
                .filter(|_| cur_fig.as_ref().is_some_and(|(f, _)| f.is_none()))
                .map(|m| Figure {
                    value: m.amount,
                    span: m.span.clone(),
                })
        })
        .or_else(|| {
            scanned
                .iter()
                .find(|f| {
                    f.span.start >= base + end
                        && f.span.start < base + earlier_from
                        && !money_here.iter().any(|m| overlaps(&m.span, &f.span))
                })
                .map(|f| Figure {
                    value: f.value,
                    span: f.span.clone(),
                })
        });
        let previous_part = base + end..base + prev_to.max(end);
        claims.comparisons.push(Comparison {
            sentence: s.clone(),
            marker: base + start..base + end,
            trend,
            current: cur_fig.map(|(_, f)| f),
            previous: prev_fig,
            previous_part: previous_part.clone(),
            names_period: rules.previous_period.is_match(&st[end..prev_to.max(end)]),
        });
    }

    // Counters.
    for c in rules
        .counters
        .is_match(st)
        .then(|| rules.counters.captures_iter(st))
        .into_iter()
        .flatten()
    {
        let (Some(whole), Some(nm)) = (c.get(0), c.name("n")) else {
            continue;
        };
        let span = base + whole.start()..base + whole.end();
        if consumed.iter().any(|r| overlaps(r, &span)) {
            continue;
        }
        if let Some(v) = rules.ordinal_value(nm.as_str()) {
            consumed.push(span.clone());
            let fact = rules
                .counter_facts
                .iter()
                .find(|(_, re)| re.is_match(st))
                .map(|(f, _)| f.clone());
            claims.counters.push(CounterClaim {
                fact,
                n: v,
                span,
                sentence: s.clone(),
            });
        }
    }

    // Parts of a whole.
    for p in &rules.parts {
        if !p.re.is_match(st) {
            continue;
        }
        for c in p.re.captures_iter(st) {
            let Some(parts_m) = c.name("parts") else {
                continue;
            };
            let whole = if p.whole_from_previous {
                previous_sentence
                    .as_ref()
                    .and_then(|(ps, scanned_prev, first)| {
                        let value = first.or_else(|| scanned_prev.first().map(|f| f.value))?;
                        let span = scanned_prev
                            .iter()
                            .find(|f| f.value == value)
                            .map_or(ps.clone(), |f| f.span.clone());
                        Some(Figure { value, span })
                    })
            } else {
                c.name("whole").and_then(|w| {
                    if is_year(w.as_str()) {
                        return None;
                    }
                    Some(Figure {
                        value: rules.number_value(w.as_str())?,
                        span: base + w.start()..base + w.end(),
                    })
                })
            };
            let Some(whole) = whole else { continue };
            // The parts end where one of them is broken down further ("127 victims,
            // including 26 children"); figures in brackets break a part down too.
            let parts_text = parts_m.as_str();
            let stop = rules
                .parts_stop
                .as_ref()
                .and_then(|re| re.find(parts_text))
                .map_or(parts_text.len(), |m| m.start());
            // Nor do figures after a comparison marker belong to them ("94 victims, including
            // 87 ... and seven ..., compared with 108 in 2020").
            let stop = if split > parts_m.start() {
                stop.min(split - parts_m.start())
            } else {
                stop
            };
            let range = base + parts_m.start()..base + parts_m.start() + stop;
            let bracketed = bracketed_spans(parts_text, base + parts_m.start());
            let parts: Vec<Figure> = scanned
                .iter()
                .filter(|f| f.span.start >= range.start && f.span.end <= range.end)
                .filter(|f| !bracketed.iter().any(|b| overlaps(b, &f.span)))
                .filter(|f| !money_here.iter().any(|m| overlaps(&m.span, &f.span)))
                .map(|f| Figure {
                    value: f.value,
                    span: f.span.clone(),
                })
                .collect();
            if !parts.is_empty() {
                for f in &parts {
                    consumed.push(f.span.clone());
                }
                consumed.push(whole.span.clone());
                claims.parts.push(PartsClaim {
                    whole,
                    parts,
                    sentence: s.clone(),
                });
            }
        }
    }

    // Unread: a figure in digits that nothing read.
    for k in &counts {
        consumed.push(k.span.clone());
    }
    if scanned
        .iter()
        .any(|f| f.digits && !consumed.iter().any(|r| overlaps(r, &f.span)))
    {
        claims.unread.push(s.clone());
    }

    let first = counts
        .iter()
        .find(|k| k.period == Period::Current)
        .map(|k| k.value);
    claims.counts.extend(counts);
    claims.money.extend(money_here);
    first
}

#[cfg(test)]
#[allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn rules() -> ClaimRules {
        let text = include_str!("../rules/claims.yaml");
        let file = SourceFile::new("rules/claims.yaml", text);
        match ClaimRules::load(&file, &[]) {
            Ok(r) => r,
            Err(e) => panic!("{:?}", e.iter().map(|d| &d.message).collect::<Vec<_>>()),
        }
    }

    #[test]
    fn word_classes_become_ascii_and_escapes_survive() {
        for (pattern, ascii) in [
            (r"\bon\B\\b\d", r"(?-u:\b)on(?-u:\B)\\b[0-9]"),
            (r"(?:[\w-]+ ){0,3}\w+", r"(?:[0-9A-Za-z_-]+ ){0,3}(?-u:\w)+"),
            (r"[^\d.]\[\w\]", r"[^0-9.]\[(?-u:\w)\]"),
            (r"[]\w]", r"[]0-9A-Za-z_]"),
        ] {
            assert_eq!(ascii_word_boundaries(pattern), ascii, "{pattern}");
        }
    }

    #[test]
    fn number_words_and_scales_have_values() {
        let r = rules();
        assert_eq!(r.number_value("twenty-five"), Some(25.0));
        assert_eq!(r.number_value("1,600"), Some(1600.0));
        assert_eq!(r.number_value("two million"), Some(2_000_000.0));
        assert_eq!(r.number_value("umpteen"), None);
        assert_eq!(r.ordinal_value("fourth"), Some(4));
        assert_eq!(r.ordinal_value("3rd"), Some(3));
    }

    #[test]
    fn tier_phrases_map_to_ids_in_any_case() {
        let r = rules();
        assert_eq!(r.tier_id("Tier 2 Watch List"), Some("2WL"));
        assert_eq!(r.tier_id("TIER  2"), Some("2"));
        assert_eq!(r.tier_id("Tier 9"), None);
    }

    #[test]
    fn a_bad_pattern_is_reported_at_its_place() {
        let text = include_str!("../rules/claims.yaml")
            .replace("counters: '\\b(?:for|in)", "counters: '(?P<x\\b(?:for|in)");
        let file = SourceFile::new("claims.yaml", text);
        let Err(problems) = ClaimRules::load(&file, &[]) else {
            panic!("a broken pattern must not load");
        };
        assert!(problems.iter().any(|d| d.code == "bad-pattern"));
        let (line, _, _, _) = problems[0].line_cols().unwrap_or_default();
        assert!(file
            .text
            .lines()
            .nth(line - 1)
            .is_some_and(|l| l.starts_with("counters:")));
    }

    fn bundled_rulebook() -> Rulebook {
        let files = crate::rulebook::RuleFiles::bundled().unwrap();
        Rulebook::from_files(files).unwrap()
    }

    #[test]
    fn a_statement_value_that_does_not_fit_its_fact_is_reported_at_its_place() {
        let text = include_str!("../rules/claims.yaml").replacen(
            "    value: drafted\n    sections: [protection]",
            "    value: maybe\n    sections: [protection]",
            1,
        );
        let file = SourceFile::new("claims.yaml", text);
        let rules = ClaimRules::load(&file, &[]).unwrap();
        let problems = rules.check_against(&bundled_rulebook());
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].code, "wrong-type");
        assert!(problems[0].message.contains("`maybe`"));
        let (line, _, _, _) = problems[0].line_cols().unwrap_or_default();
        assert_eq!(file.text.lines().nth(line - 1), Some("    value: maybe"));
    }

    #[test]
    fn the_bundled_statements_fit_the_catalog() {
        let rules = rules();
        let problems = rules.check_against(&bundled_rulebook());
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn a_statement_without_a_value_is_reported() {
        let text = include_str!("../rules/claims.yaml").replacen(
            "    value: drafted\n    sections: [protection]",
            "    sections: [protection]",
            1,
        );
        let file = SourceFile::new("claims.yaml", text);
        let Err(problems) = ClaimRules::load(&file, &[]) else {
            panic!("a statement without a value must not load");
        };
        assert!(problems
            .iter()
            .any(|d| d.message == "a statement reads no value"));
    }

    #[test]
    fn statements_read_negations_before_the_plain_wording() {
        let r = rules();
        let text = "Country (Tier 2)\n\nThe Government of Country does not fully meet the minimum standards for the elimination of trafficking but is making significant efforts to do so.\n\nPROTECTION\n\nThe government maintained protection efforts. The government did not keep victims' personal information confidential or provide protection for victim witnesses. Authorities did not report whether they adopted SOPs for victim identification.\n\nPREVENTION\n\nThe government maintained efforts to prevent trafficking. The government made no efforts to reduce the demand for commercial sex acts. In 2021, the government adopted a NAP for 2021-2025.\n";
        let file = SourceFile::new("draft.txt", text);
        let n = crate::narrative::parse(&file, &r.layout);
        let c = read(&n, &r);
        let got: Vec<(String, String)> = c
            .statements
            .iter()
            .map(|s| (s.fact.clone(), s.value.to_string()))
            .collect();
        for (fact, value) in [
            ("protection.victim_confidentiality", "false"),
            ("protection.witness_protection", "false"),
            ("protection.sops_status", "\"not_reported\""),
            ("prevention.demand_reduction", "false"),
            ("prevention.nap_status", "\"adopted\""),
            ("prevention.nap_adopted_year", "2021"),
            ("prevention.nap_period", "\"2021-2025\""),
        ] {
            assert!(
                got.contains(&(fact.to_string(), value.to_string())),
                "{fact} = {value} not in {got:?}"
            );
        }
        assert!(!got
            .iter()
            .any(|(f, v)| f == "prevention.demand_reduction" && v == "true"));
    }

    #[test]
    fn unknown_tier_id_is_reported() {
        let file = SourceFile::new("claims.yaml", include_str!("../rules/claims.yaml"));
        let Err(problems) = ClaimRules::load(&file, &["1".into(), "2".into(), "3".into()]) else {
            panic!("unknown tier ids must be reported");
        };
        assert!(problems.iter().any(|d| d.message.contains("`2WL`")));
    }
}
