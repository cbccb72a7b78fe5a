//! Typed facts of one country and report year, validated against the fact catalog.
//!
//! Each fact is tri-state: a [`Reading::Value`], [`Reading::NotReported`] (the government gave no
//! data), or absent from [`Facts::values`] (unknown). Previous-period values come from the
//! previous year's facts file when it exists, else from the inline `previous:`.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_yaml::Value as Yaml;

use crate::diagnostic::Diagnostic;
use crate::rulebook::schema::FactKind;
use crate::rulebook::{Catalog, Rulebook};
use crate::source::{read_source_limited, SourceFile, MAX_INPUT_BYTES};
use crate::yaml::{self, did_you_mean, SpanIndex};

/// The literal a facts file uses for "the government gave no data".
pub const NOT_REPORTED: &str = "not_reported";

/// The largest count a facts file may give: 2^53 - 1, the largest whole number every JSON
/// reader (JavaScript's included) holds exactly, so a count reads back as written.
pub const MAX_COUNT: u64 = (1 << 53) - 1;

/// A whole number as JSON Schema's `integer` reads it: `27`, and `27.0` (a YAML language server
/// cannot tell them apart); `None` for a fraction, text or anything else.
fn whole(node: &Yaml) -> Option<i128> {
    let Yaml::Number(n) = node else { return None };
    if let Some(u) = n.as_u64() {
        return Some(i128::from(u));
    }
    if let Some(i) = n.as_i64() {
        return Some(i128::from(i));
    }
    // Beyond 2^100 the number is out of every range anyway; the cast is exact below it.
    n.as_f64()
        .filter(|f| f.fract() == 0.0 && f.abs() < 1e30)
        .map(|f| f as i128)
}

/// `year:`, `period:` and history years: whole numbers, `2022.0` included (see [`whole`]);
/// anything else is a located error.
fn whole_year(
    node: &Yaml,
    at: &str,
    file: &Arc<SourceFile>,
    spans: &SpanIndex,
    problems: &mut Vec<Diagnostic>,
) -> Option<i64> {
    let year = whole(node).and_then(|n| i64::try_from(n).ok());
    if year.is_none() {
        problems.push(
            Diagnostic::error(
                "wrong-type",
                format!("expected a whole number in `{at}`, found `{}`", show(node)),
            )
            .at(file, spans.value_span(at))
            .with_help("write a year such as `2022`"),
        );
    }
    year
}

/// A money amount: local amount and currency, with its USD equivalent when known.
/// Written with integral amounts as whole numbers (`253670`, not `253670.0`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Money {
    #[serde(serialize_with = "whole_if_integral")]
    pub amount: f64,
    pub currency: String,
    /// `null` when not known.
    #[serde(default, serialize_with = "whole_if_integral_opt")]
    pub usd: Option<f64>,
}

/// An amount as a whole number when it is one (and JSON readers hold it exactly), else as is.
fn whole_if_integral<S: serde::Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    if v.fract() == 0.0 && v.abs() <= MAX_COUNT as f64 {
        s.serialize_i64(*v as i64)
    } else {
        s.serialize_f64(*v)
    }
}

fn whole_if_integral_opt<S: serde::Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => whole_if_integral(v, s),
        None => s.serialize_none(),
    }
}

/// One typed value of a fact.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum FactValue {
    Count(u64),
    Money(Money),
    Bool(bool),
    /// Enum values and text.
    Text(String),
    Year(i64),
    TextList(Vec<String>),
}

/// A fact's reading for one period.
#[derive(Debug, Clone, PartialEq)]
pub enum Reading {
    Value(FactValue),
    NotReported,
}

impl Serialize for Reading {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Reading::Value(v) => v.serialize(s),
            Reading::NotReported => s.serialize_str(NOT_REPORTED),
        }
    }
}

/// One fact of a facts file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fact {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Reading>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous: Option<Reading>,
    /// Where the previous value came from: the previous year's file or this file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(skip)]
    pub span: Range<usize>,
}

/// A placement of an earlier year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct HistoryEntry {
    pub year: i64,
    pub tier: String,
    pub waiver: bool,
    /// Where the entry's year is written.
    #[serde(skip)]
    #[schemars(skip)]
    pub year_span: Range<usize>,
    /// Where its `waiver:` flag is written, if it is.
    #[serde(skip)]
    #[schemars(skip)]
    pub waiver_span: Option<Range<usize>>,
}

/// The facts of one country and report year.
#[derive(Debug, Clone)]
pub struct Facts {
    pub file: Arc<SourceFile>,
    pub path: PathBuf,
    pub spans: SpanIndex,
    pub country: String,
    pub year: i64,
    pub period: i64,
    /// Most recent first.
    pub history: Vec<HistoryEntry>,
    pub downgrade_waiver: bool,
    pub special_case: bool,
    /// Known facts by catalog path, in catalog order.
    pub values: IndexMap<String, Fact>,
    /// The previous year's facts file used for previous-period values, if any.
    pub previous_file: Option<String>,
    /// Located warnings: unusual facts, gaps in the history.
    pub warnings: Vec<Diagnostic>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FactsFileRaw {
    country: String,
    year: Yaml,
    #[serde(default)]
    period: Option<Yaml>,
    #[serde(default)]
    history: Vec<HistoryRaw>,
    #[serde(default)]
    downgrade_waiver: bool,
    #[serde(default)]
    special_case: bool,
    #[serde(default)]
    facts: Option<Yaml>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HistoryRaw {
    year: Yaml,
    tier: Yaml,
    #[serde(default)]
    waiver: bool,
}

/// Years outside this range are typos, not history.
const YEAR_RANGE: std::ops::RangeInclusive<i64> = 1900..=2200;

impl Facts {
    /// Load and validate a facts file, with previous-period values from the previous year's
    /// file beside it when there is one.
    pub fn load(path: &Path, rules: &Rulebook) -> Result<Facts, Vec<Diagnostic>> {
        Self::load_within(path, rules, MAX_INPUT_BYTES)
    }

    /// [`Facts::load`], each file read within `limit` bytes (the project's input limit).
    pub fn load_within(
        path: &Path,
        rules: &Rulebook,
        limit: u64,
    ) -> Result<Facts, Vec<Diagnostic>> {
        let file = read_source_limited(path, limit).map_err(|d| vec![d])?;
        let mut facts = Self::parse(&file, path, rules)?;
        if let Some(prev_path) = previous_year_path(path, facts.year) {
            if prev_path.is_file() {
                let prev_file = read_source_limited(&prev_path, limit).map_err(|d| vec![d])?;
                let prev = Self::parse(&prev_file, &prev_path, rules)?;
                facts.merge_previous(&prev);
                // Keep catalog order after adding facts known only from last year.
                let index = |p: &str| rules.catalog.facts.iter().position(|f| f.path == p);
                facts.values.sort_by_cached_key(|k, _| index(k));
            }
        }
        Ok(facts)
    }

    /// Validate a facts file already in memory (no previous-year lookup).
    pub fn parse(
        file: &Arc<SourceFile>,
        path: &Path,
        rules: &Rulebook,
    ) -> Result<Facts, Vec<Diagnostic>> {
        let (raw, spans): (FactsFileRaw, SpanIndex) = yaml::load_allowing_controls(file)?;
        let mut problems = Vec::new();
        let Some(year) = whole_year(&raw.year, "year", file, &spans, &mut problems) else {
            return Err(problems);
        };
        let raw_period = match &raw.period {
            Some(p) => whole_year(p, "period", file, &spans, &mut problems),
            None => None,
        };
        let history_years: Vec<Option<i64>> = raw
            .history
            .iter()
            .enumerate()
            .map(|(i, h)| {
                whole_year(
                    &h.year,
                    &format!("history[{i}].year"),
                    file,
                    &spans,
                    &mut problems,
                )
            })
            .collect();
        let catalog = &rules.catalog;

        // The rules' range of report years when they give one, else a plausibility check.
        if let Some(y) = &rules.report_years {
            let last = current_year() + y.ahead;
            if year < y.first || year > last {
                problems.push(
                    Diagnostic::error(
                        "bad-report-year",
                        if year < y.first {
                            format!(
                                "there is no {} report: the first report is {}",
                                year, y.first
                            )
                        } else {
                            format!(
                                "the {} report is too far ahead: reports run to {last}",
                                year
                            )
                        },
                    )
                    .at(file, spans.value_span("year"))
                    .with_help(format!(
                        "report years run from {} to {} years after the current year ({})",
                        y.first, y.ahead, y.citation
                    )),
                );
            }
        } else if !YEAR_RANGE.contains(&year) {
            problems.push(
                Diagnostic::error(
                    "wrong-type",
                    format!("`{}` is not a plausible report year", year),
                )
                .at(file, spans.value_span("year")),
            );
        }
        if let Some(p) = raw_period.filter(|p| !YEAR_RANGE.contains(p)) {
            problems.push(
                Diagnostic::error(
                    "wrong-type",
                    format!("`{p}` is not a plausible reporting period"),
                )
                .at(file, spans.value_span("period"))
                .with_help(format!(
                    "the period is the year the figures are about, from {} to {}",
                    YEAR_RANGE.start(),
                    YEAR_RANGE.end()
                )),
            );
        }
        let period = raw_period.unwrap_or(year - 1);
        let mut history = Vec::new();
        // The first entry of each year, so a repeated year is found without a rescan.
        let mut first_of_year: HashMap<i64, usize> = HashMap::new();
        for (i, h) in raw.history.iter().enumerate() {
            let at = format!("history[{i}]");
            let Some(h_year) = history_years[i] else {
                continue;
            };
            let tier = match &h.tier {
                Yaml::String(s) => s.clone(),
                Yaml::Number(n) => n.to_string(),
                _ => String::new(),
            };
            if rules.tier(&tier).is_none() {
                let ids: Vec<&str> = rules.tiers.iter().map(|t| t.id.as_str()).collect();
                let mut d = Diagnostic::error("unknown-tier", format!("unknown tier `{tier}`"))
                    .at(file, spans.value_span(&format!("{at}.tier")));
                d = d.with_help(match did_you_mean(&tier, ids.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!(
                        "tiers are {}",
                        ids.iter()
                            .map(|i| format!("`{i}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                });
                problems.push(d);
            }
            if h_year >= year || !YEAR_RANGE.contains(&h_year) {
                problems.push(
                    Diagnostic::error(
                        "bad-history",
                        format!(
                            "history year `{}` is not before the report year `{}`",
                            h_year, year
                        ),
                    )
                    .at(file, spans.value_span(&format!("{at}.year"))),
                );
            }
            if let Some(&first) = first_of_year.get(&h_year) {
                problems.push(
                    Diagnostic::error("bad-history", format!("history has year `{h_year}` twice"))
                        .at(file, spans.value_span(&format!("{at}.year")))
                        .with_related(
                            file,
                            spans.value_span(&format!("history[{first}].year")),
                            "first here",
                        ),
                );
            }
            first_of_year.entry(h_year).or_insert(i);
            let waiver_path = format!("{at}.waiver");
            history.push(HistoryEntry {
                year: h_year,
                tier,
                waiver: h.waiver,
                year_span: spans.value_span(&format!("{at}.year")),
                waiver_span: spans
                    .get(&waiver_path)
                    .map(|_| spans.value_span(&waiver_path)),
            });
        }
        history.sort_by_key(|h| std::cmp::Reverse(h.year));
        let warnings = history_gaps(&history, year, file);

        let mut values = IndexMap::new();
        if let Some(tree) = &raw.facts {
            walk(tree, "", catalog, file, &spans, &mut values, &mut problems);
        }
        // Catalog order, whatever the file's order.
        let mut ordered = IndexMap::new();
        for def in &catalog.facts {
            if let Some(f) = values.shift_remove(&def.path) {
                ordered.insert(def.path.clone(), f);
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Facts {
            file: Arc::clone(file),
            path: path.to_path_buf(),
            spans,
            country: raw.country,
            year,
            period,
            history,
            downgrade_waiver: raw.downgrade_waiver,
            special_case: raw.special_case,
            values: ordered,
            previous_file: None,
            warnings,
        })
        .and_then(|mut facts| {
            let (errors, warnings) = crate::evaluate::check_constraints(rules, &facts);
            if !errors.is_empty() {
                return Err(errors);
            }
            facts.warnings.extend(warnings);
            Ok(facts)
        })
    }

    /// Take previous-period values from the previous year's facts (its current values).
    fn merge_previous(&mut self, prev: &Facts) {
        self.previous_file = Some(prev.file.name.clone());
        for (path, pf) in &prev.values {
            let Some(reading) = &pf.value else { continue };
            let entry = self.values.entry(path.clone()).or_insert_with(|| Fact {
                value: None,
                previous: None,
                previous_from: None,
                note: None,
                span: 0..0,
            });
            entry.previous = Some(reading.clone());
            entry.previous_from = Some(prev.file.name.clone());
        }
    }

    /// The tier of the year before the report year, if the history has it.
    pub fn previous_tier(&self) -> Option<&HistoryEntry> {
        self.history.iter().find(|h| h.year == self.year - 1)
    }

    pub fn get(&self, path: &str) -> Option<&Fact> {
        self.values.get(path)
    }
}

/// A year missing between the report year and the oldest history entry: the streaks and the
/// movement cannot see past it.
fn history_gaps(
    history: &[HistoryEntry],
    report_year: i64,
    file: &Arc<SourceFile>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut expected = report_year - 1;
    for h in history {
        if h.year >= expected {
            expected = h.year - 1;
            continue;
        }
        let missing: Vec<String> = ((h.year + 1)..=expected)
            .rev()
            .map(|y| y.to_string())
            .collect();
        out.push(
            Diagnostic::warning(
                "history-gap",
                format!(
                    "the history has no entry for {}",
                    missing.join(", ")
                ),
            )
            .at(file, h.year_span.clone())
            .with_label(format!("the next entry is {}", h.year))
            .with_help("add the missing year's placement: a streak or a movement cannot be counted across a gap"),
        );
        expected = h.year - 1;
    }
    out
}

/// The current calendar year (UTC), from the system clock.
pub fn current_year() -> i64 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    // Civil year from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    yoe + era * 400 + i64::from(month <= 2)
}

/// `reports/2022/x.yaml` -> `reports/2021/x.yaml` when the parent folder is named by the year.
pub fn previous_year_path(path: &Path, year: i64) -> Option<PathBuf> {
    let parent = path.parent()?;
    let dir_name = parent.file_name()?.to_str()?;
    if dir_name != year.to_string() {
        return None;
    }
    Some(
        parent
            .parent()?
            .join((year - 1).to_string())
            .join(path.file_name()?),
    )
}

fn walk(
    node: &Yaml,
    prefix: &str,
    catalog: &Catalog,
    file: &Arc<SourceFile>,
    spans: &SpanIndex,
    out: &mut IndexMap<String, Fact>,
    problems: &mut Vec<Diagnostic>,
) {
    let yaml_path = |p: &str| format!("facts.{p}");
    let Yaml::Mapping(map) = node else {
        let here = if prefix.is_empty() {
            "facts".to_string()
        } else {
            yaml_path(prefix)
        };
        problems.push(
            Diagnostic::error(
                "wrong-type",
                format!("expected a mapping of facts at `{here}`"),
            )
            .at(file, spans.value_span(&here)),
        );
        return;
    };
    for (k, v) in map {
        let Some(key) = k.as_str() else {
            let here = if prefix.is_empty() {
                "facts".to_string()
            } else {
                yaml_path(prefix)
            };
            problems.push(
                Diagnostic::error("wrong-type", "fact names must be text")
                    .at(file, spans.value_span(&here)),
            );
            continue;
        };
        let path = if prefix.is_empty() {
            key.to_string()
        } else {
            format!("{prefix}.{key}")
        };
        if let Some(def) = catalog.get(&path) {
            match read_fact(
                v,
                def.kind,
                def.values.as_deref(),
                &yaml_path(&path),
                file,
                spans,
            ) {
                Ok(mut fact) => {
                    fact.span = spans.key_span(&yaml_path(&path));
                    out.insert(path, fact);
                }
                Err(mut ds) => problems.append(&mut ds),
            }
        } else if catalog.is_group(&path) {
            walk(v, &path, catalog, file, spans, out, problems);
        } else {
            let siblings = catalog.children(prefix);
            let mut d = Diagnostic::error("unknown-fact", format!("unknown fact `{path}`"))
                .at(file, spans.key_span(&yaml_path(&path)))
                .with_label("not in the fact catalog");
            d = d.with_help(match did_you_mean(key, siblings.iter().map(String::as_str)) {
                Some(s) => format!("did you mean `{s}`?"),
                None => "facts are declared in the catalog, rules/facts.yaml; `tiercheck schema facts` lists them".to_string(),
            });
            problems.push(d);
        }
    }
}

fn read_fact(
    node: &Yaml,
    kind: FactKind,
    enum_values: Option<&[String]>,
    at: &str,
    file: &Arc<SourceFile>,
    spans: &SpanIndex,
) -> Result<Fact, Vec<Diagnostic>> {
    let mut problems = Vec::new();
    let mut fact = Fact {
        value: None,
        previous: None,
        previous_from: None,
        note: None,
        span: 0..0,
    };
    // The long form `{value, previous, note}`; money's own `{amount, ...}` is the short form.
    let long_form = matches!(node, Yaml::Mapping(m) if m.contains_key("value") || m.contains_key("previous") || (kind != FactKind::Money && !m.is_empty()));
    if long_form {
        let Yaml::Mapping(m) = node else {
            return Err(problems);
        };
        for (k, v) in m {
            let key = k.as_str().unwrap_or("");
            let sub = format!("{at}.{key}");
            match key {
                "value" => match read_reading(v, kind, enum_values, &sub, file, spans) {
                    Ok(r) => fact.value = Some(r),
                    Err(d) => problems.push(d),
                },
                "previous" => match read_reading(v, kind, enum_values, &sub, file, spans) {
                    Ok(r) => {
                        fact.previous = Some(r);
                        fact.previous_from = Some(file.name.clone());
                    }
                    Err(d) => problems.push(d),
                },
                "note" => match v.as_str() {
                    Some(n) => fact.note = Some(n.to_string()),
                    None => problems.push(
                        Diagnostic::error(
                            "wrong-type",
                            format!("expected text at `{sub}`, found `{}`", show(v)),
                        )
                        .at(file, spans.value_span(&sub))
                        .with_help("a note says where the figure comes from, as text"),
                    ),
                },
                other => {
                    let mut d = Diagnostic::error(
                        "unknown-field",
                        format!("unknown field `{other}` in `{at}`"),
                    )
                    .at(file, spans.key_span(&sub));
                    d = d.with_help(match did_you_mean(other, ["value", "previous", "note"]) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => "a fact is a value, `not_reported`, or `{value, previous, note}`"
                            .to_string(),
                    });
                    problems.push(d);
                }
            }
        }
    } else {
        match read_reading(node, kind, enum_values, at, file, spans) {
            Ok(r) => fact.value = Some(r),
            Err(d) => problems.push(d),
        }
    }
    if problems.is_empty() {
        Ok(fact)
    } else {
        Err(problems)
    }
}

fn read_reading(
    node: &Yaml,
    kind: FactKind,
    enum_values: Option<&[String]>,
    at: &str,
    file: &Arc<SourceFile>,
    spans: &SpanIndex,
) -> Result<Reading, Diagnostic> {
    if node.as_str() == Some(NOT_REPORTED) {
        return Ok(Reading::NotReported);
    }
    let span = spans.value_span(at);
    let shown = show(node);
    let wrong = |expected: &str| {
        Diagnostic::error(
            "wrong-type",
            format!("expected {expected} at `{at}`, found `{shown}`"),
        )
        .at(file, span.clone())
        .with_help(format!(
            "write {expected}, or `{NOT_REPORTED}` when the government gave no data"
        ))
    };
    let value = match kind {
        FactKind::Count => match (whole(node), node) {
            (Some(c), _) if c < 0 => {
                return Err(Diagnostic::error(
                    "negative-count",
                    format!("a count cannot be negative, found `{c}`"),
                )
                .at(file, span.clone()))
            }
            (Some(c), _) => match u64::try_from(c) {
                Ok(c) if c <= MAX_COUNT => FactValue::Count(c),
                _ => {
                    return Err(Diagnostic::error(
                        "number-too-large",
                        format!("count `{shown}` is too large"),
                    )
                    .at(file, span.clone())
                    .with_help(format!(
                        "counts run to {MAX_COUNT} (2^53 - 1), the largest whole number JSON readers hold exactly"
                    )))
                }
            },
            (None, Yaml::Number(n)) if n.as_f64().is_some_and(|f| f < 0.0) => {
                return Err(Diagnostic::error(
                    "negative-count",
                    format!("a count cannot be negative, found `{shown}`"),
                )
                .at(file, span.clone()))
            }
            _ => return Err(wrong("a whole number")),
        },
        FactKind::Year => match whole(node).and_then(|y| i64::try_from(y).ok()) {
            Some(y) if YEAR_RANGE.contains(&y) => FactValue::Year(y),
            _ => return Err(wrong("a year")),
        },
        FactKind::Boolean => match node {
            Yaml::Bool(b) => FactValue::Bool(*b),
            _ => return Err(wrong("`true` or `false`")),
        },
        FactKind::Text => match node {
            Yaml::String(s) => FactValue::Text(s.clone()),
            _ => return Err(wrong("text")),
        },
        FactKind::Enum => {
            let allowed = enum_values.unwrap_or(&[]);
            match node.as_str() {
                Some(s) if allowed.iter().any(|a| a == s) => FactValue::Text(s.to_string()),
                Some(s) => {
                    let mut d = Diagnostic::error(
                        "unknown-value",
                        format!("`{s}` is not a value of `{at}`"),
                    )
                    .at(file, span.clone());
                    d = d.with_help(match did_you_mean(s, allowed.iter().map(String::as_str)) {
                        Some(m) => format!("did you mean `{m}`?"),
                        None => format!(
                            "expected one of {}",
                            allowed
                                .iter()
                                .map(|a| format!("`{a}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    });
                    return Err(d);
                }
                None => return Err(wrong("one of the enum's values")),
            }
        }
        FactKind::TextList => match node {
            Yaml::Sequence(items) if items.iter().all(|i| i.is_string()) => FactValue::TextList(
                items
                    .iter()
                    .filter_map(|i| i.as_str().map(str::to_string))
                    .collect(),
            ),
            _ => return Err(wrong("a list of text")),
        },
        FactKind::Money => {
            let parsed: Result<Money, _> = serde_yaml::from_value(node.clone());
            match parsed {
                Ok(m)
                    if m.amount >= 0.0
                        && m.amount.is_finite()
                        && m.usd.is_none_or(|u| u >= 0.0 && u.is_finite()) =>
                {
                    if let Yaml::Mapping(map) = node {
                        if let Some(k) = map
                            .keys()
                            .filter_map(|k| k.as_str())
                            .find(|k| !["amount", "currency", "usd"].contains(k))
                        {
                            return Err(Diagnostic::error(
                                "unknown-field",
                                format!("unknown field `{k}` in `{at}`"),
                            )
                            .at(file, spans.key_span(&format!("{at}.{k}")))
                            .with_help("money is `{amount, currency, usd}`"));
                        }
                    }
                    FactValue::Money(m)
                }
                Ok(_) => {
                    return Err(Diagnostic::error(
                        "negative-count",
                        format!("money at `{at}` cannot be negative"),
                    )
                    .at(file, span.clone()))
                }
                Err(_) => return Err(wrong("money as `{amount, currency, usd}`")),
            }
        }
    };
    Ok(Reading::Value(value))
}

fn show(node: &Yaml) -> String {
    match node {
        Yaml::Null => "null".into(),
        Yaml::Bool(b) => b.to_string(),
        Yaml::Number(n) => n.to_string(),
        Yaml::String(s) => s.clone(),
        Yaml::Sequence(_) => "a list".into(),
        Yaml::Mapping(_) => "a mapping".into(),
        Yaml::Tagged(t) => format!("{} {}", t.tag, show(&t.value)),
    }
}
