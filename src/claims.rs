//! Claims a narrative makes, read with the patterns of `rules/claims.yaml`: the stated tier, the
//! status sentence, the movement, pillar openers, counts and their subjects (each mapped to a fact
//! path of the catalog and to the current or previous period), comparisons, money, "for the Nth
//! consecutive year" counters, parts of a whole, and the sentences with figures nothing read.
//!
//! Sits after `narrative.rs` (which gives sentences with spans) and before `check/` and
//! `extract.rs`. [`ClaimRules::load`] compiles every pattern once per run; [`read`] is linear in
//! the draft for a fixed rule set.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::Arc;

use indexmap::IndexMap;
use regex::{Regex, RegexBuilder};
use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostic;
use crate::narrative::{Layout, Narrative, SectionShape, INTRO};
use crate::source::SourceFile;
use crate::yaml::{self, SpanIndex};

/// The claim-pattern file inside a rules folder.
pub const CLAIMS_FILE: &str = "claims.yaml";

// ---------------------------------------------------------------------------------------------
// The YAML, mirrored 1:1.

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClaimsYaml {
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
    #[serde(default)]
    parts: Vec<PartsYaml>,
    #[serde(default)]
    bounds: Vec<BoundYaml>,
    counters: String,
    #[serde(default)]
    counter_facts: Vec<MoneyFactYaml>,
    #[serde(default)]
    percent_words: Vec<String>,
    vocabulary: VocabularyYaml,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TierPhraseYaml {
    phrase: String,
    tier: String,
}

#[derive(Debug, Deserialize)]
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
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RecommendationsYaml {
    bullets: Vec<String>,
    separator: String,
    #[serde(default)]
    openings: Vec<String>,
    not_imperative: String,
    verbs: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StatusYaml {
    tiers: Vec<String>,
    pattern: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MovementYaml {
    movement: Movement,
    pattern: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OpenersYaml {
    pattern: String,
    trends: IndexMap<String, String>,
}

#[derive(Debug, Deserialize)]
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
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MoneyFactYaml {
    fact: String,
    pattern: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ComparisonYaml {
    #[serde(default)]
    trend: Option<Trend>,
    pattern: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PartsYaml {
    pattern: String,
    #[serde(default)]
    whole_from: Option<WholeFrom>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum WholeFrom {
    Previous,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BoundYaml {
    fact: String,
    at_most: String,
}

#[derive(Debug, Deserialize)]
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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CurrencyYaml {
    name: String,
    short: String,
}

// ---------------------------------------------------------------------------------------------
// Compiled rules.

/// How the intro says where the country lands compared with last year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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
    parts: Vec<PartsPattern>,
    pub bounds: Vec<(String, String)>,
    counters: Regex,
    counter_facts: Vec<(String, Regex)>,
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

/// `\b` and `\B` as ASCII word boundaries. A Unicode word boundary stops the fast (lazy DFA)
/// engine on any non-ASCII text (curly quotes, dashes), which made matching several times slower;
/// letters and digits around the patterns' words are ASCII in the house style.
fn ascii_word_boundaries(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('b') => out.push_str(r"(?-u:\b)"),
            Some('B') => out.push_str(r"(?-u:\B)"),
            Some(n) => {
                out.push('\\');
                out.push(n);
            }
            None => out.push('\\'),
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

impl ClaimRules {
    /// Load and compile `claims.yaml`. `tier_ids` are the ids of ruleset.yaml (every tier phrase
    /// must map to one of them); an empty list skips that check.
    pub fn load(
        file: &Arc<SourceFile>,
        tier_ids: &[String],
    ) -> Result<ClaimRules, Vec<Diagnostic>> {
        let (y, spans): (ClaimsYaml, SpanIndex) = yaml::load(file)?;
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
            r"(?:{}|(?-i:[A-Z][\w'-]+)\s+[A-Za-z][\w'-]*)",
            alternation(v.currencies.iter().map(|c| c.name.as_str()))
        );
        let placeholders: Vec<(&'static str, String)> = vec![
            ("number", number.clone()),
            ("ordinal", ordinal),
            ("tier", tier),
            ("month", month),
            ("currency", currency),
        ];
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
        let counts = y
            .counts
            .iter()
            .enumerate()
            .filter_map(|(i, p)| {
                let path = format!("counts[{i}].pattern");
                let re = c.compile(&path, &p.pattern)?;
                let mut facts: Vec<String> = p.fact.iter().cloned().collect();
                facts.extend(p.facts.iter().cloned());
                if facts.is_empty() {
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
            parts,
            bounds: y
                .bounds
                .iter()
                .map(|b| (b.fact.clone(), b.at_most.clone()))
                .collect(),
            counters,
            counter_facts,
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
    /// Sentences with figures that no pattern read.
    pub unread: Vec<Range<usize>>,
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
        let place = Place {
            section: section.unwrap_or(INTRO),
            movement_years: movement_years.as_ref(),
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
    }
    claims
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
    let period_of = |at: usize| {
        if at >= prev_from {
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
    for c in rules.money.captures_iter(st) {
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
            .cloned()
            .unwrap_or_else(|| last.to_string());
        let period = period_of(whole.start());
        let part = if period == Period::Current {
            &st[..split]
        } else {
            &st[prev_from..]
        };
        let fact = rules
            .money_facts
            .iter()
            .find(|(_, re)| re.is_match(part))
            .map(|(f, _)| f.clone());
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
        if m.period == Period::Previous {
            m.fact = first_fact.clone().or(m.fact.take());
        }
    }

    // Counts by pattern.
    let mut counts: Vec<CountClaim> = Vec::new();
    for p in &rules.counts {
        if !p.sections.is_empty() && !p.sections.iter().any(|id| id == place.section) {
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
        }
    }
    counts.sort_by_key(|k| k.span.start);

    // Previous-period figures no pattern read take the subjects of the current ones, in order.
    if let Some((_, _, trend)) = marker {
        let mut waiting: Vec<String> = counts
            .iter()
            .filter(|k| k.period == Period::Current)
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
            .filter(|f| f.span.start >= base + prev_from)
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

    // The comparison itself.
    if let Some((start, end, trend)) = marker {
        let cur_fig = counts
            .iter()
            .find(|k| k.period == Period::Current)
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
                    .find(|m| m.period == Period::Current)
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
                scanned
                    .iter()
                    .rev()
                    .find(|f| f.span.end <= base + start)
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
                        && !money_here.iter().any(|m| overlaps(&m.span, &f.span))
                })
                .map(|f| Figure {
                    value: f.value,
                    span: f.span.clone(),
                })
        });
        let previous_part = base + end..s.end;
        claims.comparisons.push(Comparison {
            sentence: s.clone(),
            marker: base + start..base + end,
            trend,
            current: cur_fig.map(|(_, f)| f),
            previous: prev_fig,
            previous_part: previous_part.clone(),
            names_period: rules.previous_period.is_match(&st[end..]),
        });
    }

    // Counters.
    for c in rules.counters.captures_iter(st) {
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
            let range = base + parts_m.start()..base + parts_m.end();
            let parts: Vec<Figure> = scanned
                .iter()
                .filter(|f| f.span.start >= range.start && f.span.end <= range.end)
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
    fn word_boundaries_become_ascii_and_escapes_survive() {
        assert_eq!(
            ascii_word_boundaries(r"\bon\B\\b\d"),
            r"(?-u:\b)on(?-u:\B)\\b\d"
        );
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

    #[test]
    fn unknown_tier_id_is_reported() {
        let file = SourceFile::new("claims.yaml", include_str!("../rules/claims.yaml"));
        let Err(problems) = ClaimRules::load(&file, &["1".into(), "2".into(), "3".into()]) else {
            panic!("unknown tier ids must be reported");
        };
        assert!(problems.iter().any(|d| d.message.contains("`2WL`")));
    }
}
