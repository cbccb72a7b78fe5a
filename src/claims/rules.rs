//! The YAML of `rules/claims.yaml` and its compilation into [`ClaimRules`]: every pattern is
//! compiled and checked once per run, with located problems.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::Arc;

use indexmap::IndexMap;

use crate::prefilter::Prefilter;
use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostic;
use crate::facts::NOT_REPORTED;
use crate::narrative::{Layout, SectionShape};
use crate::pattern::Pattern;
use crate::rulebook::schema::{FactDef, FactKind, ParamValue};
use crate::rulebook::Rulebook;
use crate::source::SourceFile;
use crate::yaml::{self, SpanIndex};

use super::Period;

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
    /// The intro's sentence on overall efforts against the previous year, and the tiers each
    /// wording belongs to ("demonstrated overall increasing efforts" on Tier 2).
    #[serde(default)]
    efforts: Vec<StatusYaml>,
    movement: Vec<MovementYaml>,
    movement_years: String,
    waiver: String,
    #[serde(default)]
    waiver_tiers: Vec<String>,
    #[serde(default)]
    waiver_flag: Option<String>,
    openers: OpenersYaml,
    counts: Vec<CountYaml>,
    money: Vec<String>,
    money_rate_tolerance: f64,
    /// The unit the report rounds dollar equivalents to (10: "$53,190").
    #[serde(default = "one")]
    money_usd_rounding: f64,
    #[serde(default)]
    money_facts: Vec<MoneyFactYaml>,
    comparisons: Vec<ComparisonYaml>,
    previous_period: String,
    #[serde(default)]
    bounds: Vec<BoundYaml>,
    counters: String,
    #[serde(default)]
    counter_facts: Vec<MoneyFactYaml>,
    /// Parts of a breakdown read as facts ("Of the 134 identified victims, 71 were foreign
    /// nationals"): a part of a figure of `whole` whose words match `pattern` is `fact`.
    #[serde(default)]
    breakdown_facts: Vec<BreakdownFactYaml>,
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
    /// The word classes of the figure grammar (see `claims/figures.rs`).
    #[serde(default)]
    grammar: super::figures::GrammarYaml,
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

fn one() -> f64 {
    1.0
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
struct BreakdownFactYaml {
    whole: String,
    fact: String,
    pattern: String,
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
pub(super) struct CountPattern {
    pub(super) facts: Vec<String>,
    pub(super) re: Pattern,
    pub(super) value: Option<f64>,
    pub(super) same_as_previous: bool,
    /// Section ids the pattern reads (`intro` for the intro); empty for all.
    pub(super) sections: Vec<String>,
}

/// A statement pattern: wording that states a boolean, enum, year or text fact.
#[derive(Debug)]
pub(super) struct StatementPattern {
    pub(super) facts: Vec<String>,
    pub(super) re: Pattern,
    /// The value it reads; `None` reads the `value` group.
    pub(super) value: Option<serde_json::Value>,
    pub(super) period: Period,
    /// Section ids the pattern reads (`intro` for the intro); empty for all.
    pub(super) sections: Vec<String>,
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
    pub(super) re: Pattern,
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
    pub(super) status: Vec<(Vec<String>, Pattern)>,
    pub(super) efforts: Vec<(Vec<String>, Pattern)>,
    pub(super) movement: Vec<(Movement, Pattern)>,
    pub(super) movement_years: Pattern,
    pub(super) waiver: Pattern,
    pub waiver_tiers: Vec<String>,
    pub waiver_flag: Option<String>,
    pub(super) opener: Pattern,
    pub(super) opener_trends: IndexMap<String, String>,
    pub(super) counts: Vec<CountPattern>,
    pub(super) money: Vec<Pattern>,
    pub money_rate_tolerance: f64,
    pub money_usd_rounding: f64,
    pub(super) money_facts: Vec<(String, Pattern)>,
    pub(super) comparisons: Vec<(Option<Trend>, Pattern)>,
    pub(super) previous_period: Pattern,
    pub(super) reference_before: Option<Pattern>,
    pub bounds: Vec<(String, String)>,
    pub(super) counters: Pattern,
    pub(super) counter_facts: Vec<(String, Pattern)>,
    /// (whole fact, part fact, pattern over the part's words).
    pub(super) breakdown_facts: Vec<(String, String, Pattern)>,
    pub(super) statements: Vec<StatementPattern>,
    /// Which count and statement patterns are worth running on a sentence.
    pub(super) count_filter: Prefilter,
    pub(super) statement_filter: Prefilter,
    pub history: HistoryRules,
    pub(super) grammar: super::figures::Grammar,
    pub(super) stemmer: Stemmer,
    pub(super) number: Pattern,
    pub(super) percent_words: Vec<String>,
    numbers: HashMap<String, u64>,
    ordinals: HashMap<String, u32>,
    pub(super) scales: HashMap<String, f64>,
    /// Lowercase currency name -> the currency it belongs to.
    pub(super) currencies: HashMap<String, String>,
    pub months: Vec<String>,
    rec_openings: Vec<Pattern>,
    rec_not_imperative: Pattern,
    rec_verbs: HashSet<String>,
    /// Placeholder values, for other rule files (style.yaml) that use them.
    placeholders: Vec<(&'static str, String)>,
    /// Every fact path a claim may name, for validating against the catalog.
    pub fact_paths: Vec<(String, Range<usize>)>,
    /// Every pattern above, in the order of the file (statements last), to compile ahead of use.
    pub patterns: Vec<Pattern>,
    pub file: Arc<SourceFile>,
}

/// The English stemmer the figure grammar matches counted nouns and verbs with ("victims" and
/// "victim", "investigated" and "investigations").
pub struct Stemmer(rust_stemmers::Stemmer);

impl Stemmer {
    fn english() -> Stemmer {
        Stemmer(rust_stemmers::Stemmer::create(
            rust_stemmers::Algorithm::English,
        ))
    }

    pub fn stem(&self, word: &str) -> String {
        self.0.stem(word).into_owned()
    }
}

impl std::fmt::Debug for Stemmer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Stemmer(English)")
    }
}

/// Compiles patterns of one YAML file, collecting located problems.
pub struct PatternCompiler<'a> {
    file: &'a Arc<SourceFile>,
    spans: &'a SpanIndex,
    placeholders: &'a [(&'static str, String)],
    /// Compile each pattern as it is checked (reporting one too large to compile), rather than
    /// when first used.
    now: bool,
    pub problems: Vec<Diagnostic>,
    /// Every pattern checked, in order (they share their compiled regex with these).
    pub made: Vec<Pattern>,
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
            now: false,
            problems: Vec::new(),
            made: Vec::new(),
        }
    }

    /// Compile every pattern when it is checked (see [`ClaimRules::load_compiled`]).
    pub fn compiling_now(mut self, now: bool) -> Self {
        self.now = now;
        self
    }

    /// Check the pattern at `path` (case-insensitive unless it opts out with `(?-i)`); it
    /// compiles when first used.
    pub fn compile(&mut self, path: &str, pattern: &str) -> Option<Pattern> {
        self.check(path, pattern, Pattern::new)
    }

    /// [`PatternCompiler::compile`] for a pattern run only where a [`Prefilter`] found one of
    /// its prefixes ([`Pattern::new_prefiltered`]).
    pub fn compile_prefiltered(&mut self, path: &str, pattern: &str) -> Option<Pattern> {
        self.check(path, pattern, Pattern::new_prefiltered)
    }

    fn check(
        &mut self,
        path: &str,
        pattern: &str,
        new: fn(String, bool) -> Result<Pattern, String>,
    ) -> Option<Pattern> {
        let mut expanded = pattern.to_string();
        for (name, value) in self.placeholders {
            let key = format!("{{{name}}}");
            if expanded.contains(&key) {
                expanded = expanded.replace(&key, value);
            }
        }
        let expanded = ascii_word_boundaries(&expanded);
        let now = self.now;
        let checked = new(expanded, true).and_then(|re| {
            if now {
                re.compile()?;
            }
            Ok(re)
        });
        match checked {
            Ok(re) => {
                self.made.push(re.clone());
                Some(re)
            }
            Err(detail) => {
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
    /// Compile the `pattern` of every item of the list `name` (`name[i].pattern`), pairing each
    /// compiled pattern with what `keep` takes from its item; items that do not compile are left
    /// out (their problems are recorded).
    pub fn compile_each<T, R>(
        &mut self,
        name: &str,
        items: &[T],
        pattern: impl Fn(&T) -> &str,
        keep: impl Fn(&T) -> R,
    ) -> Vec<(R, Pattern)> {
        items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| {
                let re = self.compile(&format!("{name}[{i}].pattern"), pattern(item))?;
                Some((keep(item), re))
            })
            .collect()
    }

    /// Compile an optional pattern.
    pub fn compile_opt(&mut self, path: &str, pattern: Option<&str>) -> Option<Pattern> {
        pattern.and_then(|p| self.compile(path, p))
    }

    pub fn require_group(&mut self, path: &str, re: &Pattern, group: &str) -> bool {
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

/// What a [`PatternJobs`] thread gives back: the patterns, their prefilter, the problems, every
/// pattern made, and the YAML list it was handed.
type Job<P, Y> = (Vec<P>, Prefilter, Vec<Diagnostic>, Vec<Pattern>, Vec<Y>);

/// Lists of patterns checked on threads of their own while the rest of a file loads.
struct PatternJobs<'a> {
    file: &'a Arc<SourceFile>,
    spans: &'a SpanIndex,
    placeholders: &'a [(&'static str, String)],
    now: bool,
}

/// The patterns a [`PatternJobs`] list holds.
trait Prefiltered {
    fn pattern(&self) -> &Pattern;
}

impl Prefiltered for CountPattern {
    fn pattern(&self) -> &Pattern {
        &self.re
    }
}

impl Prefiltered for StatementPattern {
    fn pattern(&self) -> &Pattern {
        &self.re
    }
}

impl PatternJobs<'_> {
    /// Check `list` with `compile` on a thread of its own, and build its prefilter.
    fn spawn<P, Y>(
        &self,
        list: Vec<Y>,
        compile: fn(&mut PatternCompiler<'_>, &[Y], &SpanIndex) -> Vec<P>,
    ) -> std::thread::JoinHandle<Job<P, Y>>
    where
        P: Prefiltered + Send + 'static,
        Y: Send + 'static,
    {
        let (file, spans) = (Arc::clone(self.file), self.spans.clone());
        let (placeholders, now) = (self.placeholders.to_vec(), self.now);
        std::thread::spawn(move || {
            let mut c = PatternCompiler::new(&file, &spans, &placeholders).compiling_now(now);
            let made = compile(&mut c, &list, &spans);
            let filter = Prefilter::new(made.iter().map(|p| p.pattern().literals()));
            (made, filter, c.problems, c.made, list)
        })
    }

    /// Wait for a job; its problems and patterns join `c`'s.
    fn join<P, Y>(
        &self,
        job: std::thread::JoinHandle<Job<P, Y>>,
        what: &str,
        c: &mut PatternCompiler<'_>,
    ) -> Result<(Vec<P>, Prefilter, Vec<Y>), Vec<Diagnostic>> {
        let (made, filter, problems, patterns, list) = job.join().map_err(|_| {
            vec![Diagnostic::error(
                "internal-error",
                format!("compiling the {what} patterns stopped unexpectedly"),
            )
            .at(self.file, 0..0)]
        })?;
        c.problems.extend(problems);
        c.made.extend(patterns);
        Ok((made, filter, list))
    }
}

/// The count patterns (`counts`), checked.
fn compile_counts(c: &mut PatternCompiler<'_>, list: &[CountYaml]) -> Vec<CountPattern> {
    list.iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let path = format!("counts[{i}].pattern");
            let re = c.compile_prefiltered(&path, &p.pattern)?;
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
        .collect()
}

fn compile_statements(
    c: &mut PatternCompiler<'_>,
    list: &[StatementYaml],
    spans: &SpanIndex,
) -> Vec<StatementPattern> {
    let mut out = Vec::new();
    for (i, st) in list.iter().enumerate() {
        let path = format!("statements[{i}].pattern");
        let Some(re) = c.compile_prefiltered(&path, &st.pattern) else {
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
    /// Defer the count and statement patterns that `text` cannot match anywhere (their
    /// [prefilter](Prefilter) finds none of their prefixes, or misses a literal they require),
    /// so that a compile in the background leaves them out: for a run over one draft.
    pub fn defer_absent(&self, text: &str) {
        let counts = self.counts.iter().map(|p| &p.re);
        let statements = self.statements.iter().map(|p| &p.re);
        let candidates = self
            .count_filter
            .candidates(text)
            .into_iter()
            .chain(self.statement_filter.candidates(text));
        for (re, candidate) in counts.chain(statements).zip(candidates) {
            if !candidate {
                re.defer();
            }
        }
    }

    /// Load and compile `claims.yaml`. `tier_ids` are the ids of ruleset.yaml (every tier phrase
    /// must map to one of them); an empty list skips that check.
    pub fn load(
        file: &Arc<SourceFile>,
        tier_ids: &[String],
    ) -> Result<ClaimRules, Vec<Diagnostic>> {
        Self::load_as(file, tier_ids, false)
    }

    /// [`ClaimRules::load`], compiling every pattern now rather than when first used: a pattern
    /// too large to compile is then a located problem too (a lazy one matches nothing).
    pub fn load_compiled(
        file: &Arc<SourceFile>,
        tier_ids: &[String],
    ) -> Result<ClaimRules, Vec<Diagnostic>> {
        Self::load_as(file, tier_ids, true)
    }

    fn load_as(
        file: &Arc<SourceFile>,
        tier_ids: &[String],
        now: bool,
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
        // A known name may follow up to two words of its own ("new kwacha", "Trinidad and
        // Tobago dollars").
        let known = alternation(v.currencies.iter().map(|c| c.name.as_str()));
        // Any other word or two right before the dollars in brackets is a currency too ("pula",
        // "new kwacha"): the `($...)` after it makes that safe.
        let currency = format!(
            r"(?:(?:[A-Za-z][\w'-]*\s+){{0,3}}?(?:{known})|(?-i:[A-Z][\w'-]+)\s+[A-Za-z][\w'-]*|(?-i:[A-Z]{{3}})|[A-Za-z][\w'-]*(?:\s+[A-Za-z][\w'-]*)?)"
        );
        let placeholders: Vec<(&'static str, String)> = vec![
            ("number", number.clone()),
            ("ordinal", ordinal),
            ("tier", tier),
            ("month", month),
            ("currency", currency),
        ];
        // The statements are most of the patterns, and the counts many of the rest: each are
        // checked on a thread of their own while the rest are checked here.
        let jobs = PatternJobs {
            file,
            spans: &spans,
            placeholders: &placeholders,
            now,
        };
        let statements_job = jobs.spawn(std::mem::take(&mut y.statements), |c, list, spans| {
            compile_statements(c, list, spans)
        });
        let counts_job = jobs.spawn(std::mem::take(&mut y.counts), |c, list, _| {
            compile_counts(c, list)
        });
        let mut c = PatternCompiler::new(file, &spans, &placeholders).compiling_now(now);

        let report_title = c.compile("report_title", &y.report_title);
        let headings: Vec<Pattern> = y
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

        let status = c.compile_each("status", &y.status, |s| &s.pattern, |s| s.tiers.clone());
        let efforts = c.compile_each("efforts", &y.efforts, |s| &s.pattern, |s| s.tiers.clone());
        let movement: Vec<(Movement, Pattern)> = y
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
        let money: Vec<Pattern> = y
            .money
            .iter()
            .enumerate()
            .filter_map(|(i, p)| {
                let path = format!("money[{i}]");
                let re = c.compile(&path, p)?;
                let mut ok = true;
                for g in ["amount", "currency", "usd"] {
                    ok &= c.require_group(&path, &re, g);
                }
                ok.then_some(re)
            })
            .collect();
        let money_facts = c.compile_each(
            "money_facts",
            &y.money_facts,
            |m| &m.pattern,
            |m| m.fact.clone(),
        );
        let comparisons =
            c.compile_each("comparisons", &y.comparisons, |m| &m.pattern, |m| m.trend);
        let previous_period = c.compile("previous_period", &y.previous_period);
        let reference_before = c.compile_opt("reference_before", y.reference_before.as_deref());
        let stemmer = Stemmer::english();
        let grammar =
            super::figures::Grammar::compile(&y.grammar, &mut c, &|w: &str| stemmer.stem(w));
        let counters = c.compile("counters", &y.counters);
        let breakdown_facts = c.compile_each(
            "breakdown_facts",
            &y.breakdown_facts,
            |b| &b.pattern,
            |b| (b.whole.clone(), b.fact.clone()),
        );
        let breakdown_facts = breakdown_facts
            .into_iter()
            .map(|((whole, fact), re)| (whole, fact, re))
            .collect();
        let counter_facts = c.compile_each(
            "counter_facts",
            &y.counter_facts,
            |m| &m.pattern,
            |m| m.fact.clone(),
        );
        let (counts, count_filter, counts_yaml) = jobs.join(counts_job, "count", &mut c)?;
        y.counts = counts_yaml;
        let (statements, statement_filter, statements_yaml) =
            jobs.join(statements_job, "statement", &mut c)?;
        y.statements = statements_yaml;
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
        for (i, b) in y.breakdown_facts.iter().enumerate() {
            let at = spans.value_span(&format!("breakdown_facts[{i}]"));
            fact_paths.push((b.whole.clone(), at.clone()));
            fact_paths.push((b.fact.clone(), at));
        }
        for (i, b) in y.bounds.iter().enumerate() {
            let at = spans.value_span(&format!("bounds[{i}]"));
            fact_paths.push((b.fact.clone(), at.clone()));
            fact_paths.push((b.at_most.clone(), at));
        }

        let problems = c.problems;
        let patterns = c.made;
        let (
            Some(report_title),
            Some(movement_years),
            Some(waiver),
            Some(opener),
            Some(previous_period),
            Some(counters),
            Some(number),
            Some(rec_not_imperative),
        ) = (
            report_title,
            movement_years,
            waiver,
            opener,
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
            efforts,
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
            money_usd_rounding: y.money_usd_rounding,
            money_facts,
            comparisons,
            previous_period,
            reference_before,
            bounds: y
                .bounds
                .iter()
                .map(|b| (b.fact.clone(), b.at_most.clone()))
                .collect(),
            counters,
            counter_facts,
            breakdown_facts,
            statements,
            count_filter,
            statement_filter,
            history,
            grammar,
            stemmer,
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
            patterns,
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
                    rulebook.params.get(name).and_then(|d| d.value.as_ref()),
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

#[cfg(test)]
#[allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]
pub(super) mod tests {
    use super::*;

    pub(in crate::claims) fn rules() -> ClaimRules {
        let text = include_str!("../../rules/claims.yaml");
        let file = SourceFile::new("rules/claims.yaml", text);
        match ClaimRules::load(&file, &[]) {
            Ok(r) => r,
            Err(e) => panic!("{:?}", e.iter().map(|d| &d.message).collect::<Vec<_>>()),
        }
    }

    /// Sentences of our own drafts (tests/check), for texts made of their pieces.
    fn fixture_sentences() -> Vec<String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/check");
        let mut names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "txt"))
            .collect();
        names.sort();
        names
            .iter()
            .flat_map(|p| {
                let text = std::fs::read_to_string(p).unwrap();
                text.split(". ")
                    .map(str::trim)
                    .filter(|s| (20..400).contains(&s.len()))
                    .map(String::from)
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]
        /// Every count and statement pattern of the bundled rules, searched only from the places
        /// the prefilter gives (as `read` searches them), finds exactly the matches and groups it
        /// finds searched anywhere; and where the prefilter rules it out, it matches nothing.
        /// Texts are pieces of our drafts' sentences, joined, cut mid-word and recased.
        #[test]
        fn patterns_searched_from_their_starts_match_as_searched_anywhere(
            picks in proptest::collection::vec((0usize..10_000, 0usize..400, 0usize..400, 0u8..3), 1..4)
        ) {
            use crate::pattern::Hay;
            use crate::prefilter::Begin;
            static RULES: std::sync::OnceLock<(ClaimRules, Vec<String>)> = std::sync::OnceLock::new();
            let (rules, sentences) = RULES.get_or_init(|| (rules(), fixture_sentences()));
            let mut text = String::new();
            for (i, from, len, case) in picks {
                let s = &sentences[i % sentences.len()];
                let mut a = from.min(s.len());
                while !s.is_char_boundary(a) { a -= 1; }
                let mut b = (a + len).min(s.len());
                while !s.is_char_boundary(b) { b += 1; }
                let piece = &s[a..b];
                match case {
                    0 => text.push_str(piece),
                    1 => text.push_str(&piece.to_uppercase()),
                    _ => text.push_str(&piece.to_lowercase()),
                }
                text.push(' ');
            }
            let spans = |cs: Vec<crate::pattern::Captures<'_>>| -> Vec<Vec<Option<(usize, usize)>>> {
                cs.iter()
                    .map(|c| (0..c.len()).map(|g| c.get(g).map(|m| (m.start(), m.end()))).collect())
                    .collect()
            };
            let hay = Hay::new(&text);
            let sets = [
                (rules.count_filter.starts(&text), rules.counts.iter().map(|p| &p.re).collect::<Vec<_>>()),
                (rules.statement_filter.starts(&text), rules.statements.iter().map(|p| &p.re).collect()),
            ];
            for (starts, patterns) in &sets {
                for (i, re) in patterns.iter().enumerate() {
                    let anywhere = spans(re.captures_iter(&text).collect());
                    match starts.of(i) {
                        Begin::Nowhere => proptest::prop_assert!(anywhere.is_empty(), "{re:?} on {text:?}"),
                        begin => {
                            let at = begin.places().flatten();
                            proptest::prop_assert_eq!(&spans(re.captures_iter_in(&hay, at)), &anywhere, "{:?} on {:?}", re, text);
                            proptest::prop_assert_eq!(re.is_match_in(&hay, at), !anywhere.is_empty());
                        }
                    }
                }
            }
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

    /// Every bundled pattern (claims and language rules) finds what the `regex` crate finds,
    /// case-insensitively, with the same groups, on sentences of our drafts in three cases.
    #[test]
    fn every_bundled_pattern_finds_what_the_regex_crate_finds() {
        let rules = rules();
        let style = crate::check::StyleRules::load(
            &SourceFile::new("style.yaml", include_str!("../../rules/style.yaml")),
            rules.placeholders(),
        )
        .unwrap();
        let drafts = [
            include_str!("../../tests/check/clean.txt"),
            include_str!("../../tests/check/clean-watch-list.txt"),
            include_str!("../../tests/check/style-warnings.txt"),
            include_str!("../../tests/check/exchange-rate-mismatch.txt"),
        ];
        let mut texts: Vec<String> = Vec::new();
        for line in drafts.iter().flat_map(|d| d.lines()) {
            texts.push(line.to_string());
            texts.push(line.to_uppercase());
            texts.push(line.to_lowercase());
        }
        texts.push("Tajikistani somoni (USD 1,000) — “Ünïcode” Kelvin \u{212a} ſtate".to_string());
        for p in rules.patterns.iter().chain(&style.patterns) {
            let re = regex::RegexBuilder::new(p.as_str())
                .case_insensitive(true)
                .build()
                .unwrap();
            for t in &texts {
                assert_eq!(
                    crate::pattern::groups!(p, t),
                    crate::pattern::groups!(re, t),
                    "`{}` on `{t}`",
                    p.as_str()
                );
                assert_eq!(p.is_match(t), re.is_match(t));
            }
        }
    }

    #[test]
    fn every_bundled_pattern_compiles() {
        let file = SourceFile::new("claims.yaml", include_str!("../../rules/claims.yaml"));
        let problems = ClaimRules::load_compiled(&file, &[])
            .err()
            .unwrap_or_default();
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn a_pattern_too_large_to_compile_is_reported_when_compiled_now() {
        let text = include_str!("../../rules/claims.yaml").replace(
            "counters: '\\b(?:for|in)",
            "counters: '(?:\\w{1000}){1000}\\b(?:for|in)",
        );
        let file = SourceFile::new("claims.yaml", text);
        assert!(ClaimRules::load(&file, &[]).is_ok(), "the syntax is valid");
        let Err(problems) = ClaimRules::load_compiled(&file, &[]) else {
            panic!("a pattern too large must not compile");
        };
        assert_eq!(problems.len(), 1, "{problems:?}");
        let (line, _, _, _) = problems[0].line_cols().unwrap_or_default();
        assert!(file
            .text
            .lines()
            .nth(line - 1)
            .is_some_and(|l| l.starts_with("counters:")));
    }

    #[test]
    fn a_bad_pattern_is_reported_at_its_place() {
        let text = include_str!("../../rules/claims.yaml")
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
        let text = include_str!("../../rules/claims.yaml").replacen(
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
        let text = include_str!("../../rules/claims.yaml").replacen(
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
    fn unknown_tier_id_is_reported() {
        let file = SourceFile::new("claims.yaml", include_str!("../../rules/claims.yaml"));
        let Err(problems) = ClaimRules::load(&file, &["1".into(), "2".into(), "3".into()]) else {
            panic!("unknown tier ids must be reported");
        };
        assert!(problems.iter().any(|d| d.message.contains("`2WL`")));
    }
}
