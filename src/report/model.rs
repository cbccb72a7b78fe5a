//! What the report templates see: the overview, the heatmap and one page per country, built from
//! the assessments, the draft checks and the rule-edit impact. Every value is decided here or
//! upstream (tier, movement, flags, statuses, agreement); the templates choose the words.
//! Tier labels, flag ids and criterion titles come from the rules, never from this file.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::assessment::{Assessment, Outcome, TraceStep};
use crate::diagnostic::{Diagnostic, Severity};
use crate::facts::{Facts, Reading};
use crate::impact::{Change, FileImpact};
use crate::rulebook::Rulebook;

use super::chart::{self, Chart};
use super::marks::{self, Segment};

/// A tier of the rules, as the templates name it.
#[derive(Debug, Clone, Serialize)]
pub struct TierView {
    pub id: String,
    pub label: String,
    pub rank: Option<u32>,
}

/// One country's row of the overview table and the heatmap.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub country: String,
    pub year: i64,
    /// The country page, relative to the site root.
    pub href: String,
    pub file: String,
    pub tier: String,
    pub tier_label: String,
    /// Sort key of the tier: its rank, unranked tiers after the ranked ones.
    pub tier_order: u32,
    pub previous_tier: Option<String>,
    pub previous_tier_label: Option<String>,
    pub previous_tier_order: u32,
    pub movement: &'static str,
    pub flags: Vec<String>,
    pub undetermined: bool,
    pub score: i64,
    pub key_gaps: Vec<KeyGap>,
    /// One status per heatmap column, in column order.
    pub statuses: Vec<&'static str>,
    /// With `--drafts`: the drafts paired with this facts file.
    pub drafts: Vec<DraftRow>,
    pub errors: usize,
    pub warnings: usize,
    /// Whether every draft states the computed tier / movement; `None` without a draft or
    /// when no draft states it.
    pub tier_agrees: Option<bool>,
    pub movement_agrees: Option<bool>,
    /// With `--base-rules`: the outcomes the rule edit changes.
    pub changes: Vec<Change>,
}

#[derive(Debug, Clone, Serialize)]
pub struct KeyGap {
    pub id: String,
    pub text: String,
}

/// A draft as the overview lists it.
#[derive(Debug, Clone, Serialize)]
pub struct DraftRow {
    pub file: String,
    pub errors: usize,
    pub warnings: usize,
    pub stated_tier: Option<String>,
    pub stated_tier_label: Option<String>,
    pub stated_movement: Option<&'static str>,
    pub tier_agrees: Option<bool>,
    pub movement_agrees: Option<bool>,
}

/// A heatmap column: a standard or a criterion of the rules.
#[derive(Debug, Clone, Serialize)]
pub struct Column {
    pub id: String,
    pub title: String,
    pub citation: String,
    /// `standard` or `criterion`.
    pub kind: &'static str,
}

/// The transition matrix: last year's tier (rows) by this year's (columns).
#[derive(Debug, Clone, Serialize)]
pub struct Matrix {
    pub columns: Vec<TierView>,
    pub rows: Vec<MatrixRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MatrixRow {
    /// `None`: no placement last year.
    pub tier: Option<TierView>,
    pub cells: Vec<MatrixCell>,
    pub total: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct MatrixCell {
    pub count: usize,
    /// `upgrade`, `downgrade` or `same` by the tiers' ranks; `unranked` when either has none.
    pub kind: &'static str,
    pub countries: Vec<String>,
}

/// The countries whose placement rests on one flag of the decision rules, with the rule that
/// set it.
#[derive(Debug, Clone, Serialize)]
pub struct FlagGroup {
    pub flag: String,
    pub countries: Vec<FlagCountry>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FlagCountry {
    pub country: String,
    pub href: String,
    pub tier_label: String,
    pub rule: Option<String>,
    pub citation: Option<String>,
}

/// A country whose facts lack the evidence a verdict needs.
#[derive(Debug, Clone, Serialize)]
pub struct UndeterminedCountry {
    pub country: String,
    pub href: String,
    /// The requirements not met, with their citations.
    pub requirements: Vec<(String, String)>,
    pub missing_facts: usize,
}

/// `--base-rules`: what the rule edit changes.
#[derive(Debug, Clone, Serialize)]
pub struct Impact {
    pub base: String,
    pub rules: String,
    pub assessed: usize,
    pub changed: Vec<ImpactRow>,
    /// How many countries each kind of change touches (`tier`, `movement`, `flags`,
    /// `standard`, ...), kinds in name order: a list, since the templates' maps do not keep
    /// an order.
    pub by_kind: Vec<KindCount>,
}

#[derive(Debug, Clone, Serialize)]
pub struct KindCount {
    pub kind: &'static str,
    pub countries: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct ImpactRow {
    pub country: String,
    pub href: Option<String>,
    pub file: String,
    pub changes: Vec<Change>,
}

/// A draft that paired with no facts file of the report.
#[derive(Debug, Clone, Serialize)]
pub struct UnpairedDraft {
    pub file: String,
    pub errors: usize,
    pub warnings: usize,
}

/// The whole-year figures.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Totals {
    pub countries: usize,
    pub drafts: usize,
    pub errors: usize,
    pub warnings: usize,
    pub undetermined: usize,
    pub changed: usize,
}

/// What every page sees.
#[derive(Debug, Clone, Serialize)]
pub struct SiteInfo {
    pub facts: String,
    pub drafts: Option<String>,
    pub rules: String,
    pub rules_name: String,
    pub rules_version: String,
    pub years: Vec<i64>,
    pub tool_version: &'static str,
}

/// The overview and heatmap context.
#[derive(Debug, Clone, Serialize)]
pub struct Overview {
    pub site: SiteInfo,
    pub tiers: Vec<TierView>,
    pub columns: Vec<Column>,
    pub chart: Chart,
    pub matrix: Matrix,
    pub flags: Vec<FlagGroup>,
    pub undetermined: Vec<UndeterminedCountry>,
    pub rows: Vec<Row>,
    pub unpaired_drafts: Vec<UnpairedDraft>,
    pub impact: Option<Impact>,
    pub totals: Totals,
}

/// A country page's context: its row, the assessment's placement, and views of the rest of it
/// the page lays out.
#[derive(Debug, Clone, Serialize)]
pub struct CountryPage<'a> {
    pub site: &'a SiteInfo,
    pub row: &'a Row,
    pub assessment: Placement<'a>,
    /// The trace step whose rule decided the placement, by index into `assessment.trace`.
    pub deciding: Option<usize>,
    pub evidence_of_trace: Vec<String>,
    pub criteria: Vec<CriterionView<'a>>,
    pub pillars: Vec<PillarView<'a>>,
    pub facts: Vec<FactRow>,
    /// Catalog facts the file does not state.
    pub unstated_facts: usize,
    pub facts_file: String,
    pub previous_file: Option<String>,
    pub drafts: &'a [DraftPage],
    pub columns: &'a [Column],
}

/// The placement part of an assessment, as `assess --format json` gives it: the criteria,
/// pillars, findings and facts are in the page's views instead (serializing the whole
/// assessment for every page was a tenth of the rendering).
#[derive(Debug, Clone, Serialize)]
pub struct Placement<'a> {
    pub file: &'a str,
    pub country: &'a str,
    pub year: i64,
    pub period: i64,
    pub tier: &'a str,
    pub tier_label: &'a str,
    pub previous_tier: Option<&'a str>,
    pub previous_tier_label: Option<&'a str>,
    pub movement: crate::assessment::Movement,
    pub consecutive_years: i64,
    pub flags: &'a [String],
    pub downgrade_waiver: bool,
    pub totals: &'a crate::assessment::Totals,
    pub trace: &'a [TraceStep],
    pub missing_evidence: &'a [crate::assessment::MissingEvidence],
    pub history: &'a [crate::facts::HistoryEntry],
}

impl<'a> Placement<'a> {
    pub fn of(a: &'a Assessment) -> Self {
        Placement {
            file: &a.file,
            country: &a.country,
            year: a.year,
            period: a.period,
            tier: &a.tier,
            tier_label: &a.tier_label,
            previous_tier: a.previous_tier.as_deref(),
            previous_tier_label: a.previous_tier_label.as_deref(),
            movement: a.movement,
            consecutive_years: a.consecutive_years,
            flags: &a.flags,
            downgrade_waiver: a.downgrade_waiver,
            totals: &a.totals,
            trace: &a.trace,
            missing_evidence: &a.missing_evidence,
            history: &a.history,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct CriterionView<'a> {
    pub kind: &'static str,
    pub id: &'a str,
    pub title: &'a str,
    pub citation: &'a str,
    pub status: &'static str,
    pub score: i64,
    pub indicators: Vec<IndicatorView<'a>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct IndicatorView<'a> {
    pub id: &'a str,
    pub effect: crate::rulebook::schema::Effect,
    pub weight: u32,
    pub outcome: Outcome,
    pub citation: &'a str,
    pub version: Option<&'a str>,
    /// The finding's text, when it fired.
    pub text: Option<&'a str>,
    pub reason: Option<&'a str>,
    /// `path = value`, the facts the condition read.
    pub evidence: Vec<String>,
    pub missing: &'a [String],
}

#[derive(Debug, Clone, Serialize)]
pub struct PillarView<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub citation: &'a str,
    pub trend: &'static str,
    /// The trend as the opener words it (`slightly increased`).
    pub opener: String,
    pub score: i64,
    pub signals: Vec<SignalView<'a>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SignalView<'a> {
    pub id: &'a str,
    pub direction: crate::rulebook::schema::Direction,
    pub weight: u32,
    pub text: &'a str,
    pub citation: &'a str,
    pub evidence: Vec<String>,
}

/// A fact the facts file states (or the previous year's file gives), with where.
#[derive(Debug, Clone, Serialize)]
pub struct FactRow {
    pub path: String,
    pub description: String,
    /// The catalog type: `count`, `money`, `boolean`, `enum`, `year`, `text`, `text_list`.
    pub kind: serde_json::Value,
    /// `value`, `not_reported` or `unknown`.
    pub status: &'static str,
    pub value: serde_json::Value,
    pub previous_status: &'static str,
    pub previous: serde_json::Value,
    /// Where the value is written: file and 1-based line.
    pub file: Option<String>,
    pub line: Option<usize>,
    pub previous_file: Option<String>,
    pub note: Option<String>,
}

/// A draft on its country's page: the text cut where diagnostics start and end, and the
/// diagnostics numbered as the highlights refer to them.
#[derive(Debug, Clone, Serialize)]
pub struct DraftPage {
    pub row: DraftRow,
    pub segments: Vec<Segment>,
    pub diagnostics: Vec<DiagnosticView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DiagnosticView {
    /// 1-based, as the highlights refer to it.
    pub number: usize,
    pub code: String,
    pub severity: &'static str,
    pub message: String,
    pub help: Option<String>,
    pub label: Option<String>,
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// Whether it points into the draft's text (and so is highlighted).
    pub in_text: bool,
}

// ---------------------------------------------------------------------------------------------
// Building the views.

/// The tiers of the rules, in their order.
pub fn tiers(rules: &Rulebook) -> Vec<TierView> {
    rules
        .tiers
        .iter()
        .map(|t| TierView {
            id: t.id.clone(),
            label: t.label.clone(),
            rank: t.rank,
        })
        .collect()
}

/// The heatmap's columns: the standards, then the criteria, in rule order.
pub fn columns(rules: &Rulebook) -> Vec<Column> {
    let col = |c: &crate::rulebook::Criterion, kind| Column {
        id: c.id.clone(),
        title: c.title.clone(),
        citation: c.citation.clone(),
        kind,
    };
    rules
        .standards
        .iter()
        .map(|c| col(c, "standard"))
        .chain(rules.criteria.iter().map(|c| col(c, "criterion")))
        .collect()
}

/// Sort key of a tier: its rank; unranked and unknown tiers after every ranked one.
pub fn tier_order(tiers: &[TierView], id: Option<&str>) -> u32 {
    let ranked = tiers.iter().filter_map(|t| t.rank).max().unwrap_or(0);
    match id.and_then(|id| tiers.iter().position(|t| t.id == id)) {
        Some(i) => tiers[i].rank.unwrap_or(ranked + 1 + i as u32),
        None => ranked + 1 + tiers.len() as u32,
    }
}

/// The overview row of one assessment (drafts and changes are added by the caller).
pub fn row(a: &Assessment, href: String, tiers: &[TierView], columns: &[Column]) -> Row {
    let status = |id: &str| {
        a.standards
            .iter()
            .chain(&a.criteria)
            .find(|c| c.id == id)
            .map_or("unknown", |c| c.status.as_str())
    };
    Row {
        country: a.country.clone(),
        year: a.year,
        href,
        file: a.file.clone(),
        tier: a.tier.clone(),
        tier_label: a.tier_label.clone(),
        tier_order: tier_order(tiers, Some(&a.tier)),
        previous_tier: a.previous_tier.clone(),
        previous_tier_label: a.previous_tier_label.clone(),
        previous_tier_order: tier_order(tiers, a.previous_tier.as_deref()),
        movement: a.movement.as_str(),
        flags: a.flags.clone(),
        undetermined: a.is_undetermined(),
        score: a.totals.score,
        key_gaps: a
            .findings_of(crate::rulebook::schema::Effect::KeyGap)
            .map(|f| KeyGap {
                id: f.id.clone(),
                text: f.text.clone(),
            })
            .collect(),
        statuses: columns.iter().map(|c| status(&c.id)).collect(),
        drafts: Vec::new(),
        errors: 0,
        warnings: 0,
        tier_agrees: None,
        movement_agrees: None,
        changes: Vec::new(),
    }
}

/// Attach a country's drafts to its row: sums, and agreement across them.
pub fn attach_drafts(row: &mut Row, drafts: Vec<DraftRow>) {
    row.errors = drafts.iter().map(|d| d.errors).sum();
    row.warnings = drafts.iter().map(|d| d.warnings).sum();
    let all = |f: fn(&DraftRow) -> Option<bool>| {
        let stated: Vec<bool> = drafts.iter().filter_map(f).collect();
        (!stated.is_empty()).then(|| stated.iter().all(|x| *x))
    };
    row.tier_agrees = all(|d| d.tier_agrees);
    row.movement_agrees = all(|d| d.movement_agrees);
    row.drafts = drafts;
}

/// The transition matrix of the rows: every tier of the rules as a column, and as a row every
/// tier that placed a country last year, then "no placement" when some country had none.
///
/// An unranked tier (a special case, a verdict without evidence) is shown only when some
/// country holds it in that year.
pub fn matrix(rows: &[Row], tiers: &[TierView]) -> Matrix {
    let now: Vec<TierView> = tiers
        .iter()
        .filter(|t| t.rank.is_some() || rows.iter().any(|r| r.tier == t.id))
        .cloned()
        .collect();
    let mut out_rows = Vec::new();
    let mut previous: Vec<Option<&TierView>> = tiers.iter().map(Some).collect();
    previous.push(None);
    for prev in previous {
        let prev_id = prev.map(|t| t.id.as_str());
        let of_row: Vec<&Row> = rows
            .iter()
            .filter(|r| r.previous_tier.as_deref() == prev_id)
            .collect();
        if of_row.is_empty() && prev.is_none_or(|t| t.rank.is_none()) {
            continue;
        }
        let cells = now
            .iter()
            .map(|now| {
                let countries: Vec<String> = of_row
                    .iter()
                    .filter(|r| r.tier == now.id)
                    .map(|r| r.country.clone())
                    .collect();
                let kind = match (prev.and_then(|p| p.rank), now.rank) {
                    (Some(p), Some(n)) if n < p => "upgrade",
                    (Some(p), Some(n)) if n > p => "downgrade",
                    (Some(_), Some(_)) => "same",
                    _ => "unranked",
                };
                MatrixCell {
                    count: countries.len(),
                    kind,
                    countries,
                }
            })
            .collect();
        out_rows.push(MatrixRow {
            tier: prev.cloned(),
            cells,
            total: of_row.len(),
        });
    }
    Matrix {
        columns: now,
        rows: out_rows,
    }
}

/// The bar chart of tier counts, this year against last year.
pub fn tier_chart(rows: &[Row], tiers: &[TierView]) -> Chart {
    let mut groups: Vec<chart::Group> = tiers
        .iter()
        .map(|t| chart::Group {
            id: Some(t.id.clone()),
            label: Some(t.label.clone()),
            values: [
                rows.iter()
                    .filter(|r| r.previous_tier.as_deref() == Some(&t.id))
                    .count(),
                rows.iter().filter(|r| r.tier == t.id).count(),
            ],
        })
        .collect();
    let none = rows.iter().filter(|r| r.previous_tier.is_none()).count();
    if none > 0 {
        groups.push(chart::Group {
            id: None,
            label: None,
            values: [none, 0],
        });
    }
    // A tier nobody holds in either year is left out, unless every tier is empty.
    if groups.iter().any(|g| g.values != [0, 0]) {
        groups.retain(|g| g.values != [0, 0]);
    }
    chart::bars(groups)
}

/// The countries resting on each flag the decision rules set, flags in order of first use.
pub fn flag_groups(assessments: &[(&Assessment, String)]) -> Vec<FlagGroup> {
    let mut groups: Vec<FlagGroup> = Vec::new();
    for (a, href) in assessments {
        for flag in &a.flags {
            let step = a.trace.iter().rev().find(|s| s.flags.contains(flag));
            let entry = FlagCountry {
                country: a.country.clone(),
                href: href.clone(),
                tier_label: a.tier_label.clone(),
                rule: step.and_then(|s| s.rule.clone()),
                citation: step.and_then(|s| s.rule_citation.clone().or(Some(s.citation.clone()))),
            };
            match groups.iter_mut().find(|g| &g.flag == flag) {
                Some(g) => g.countries.push(entry),
                None => groups.push(FlagGroup {
                    flag: flag.clone(),
                    countries: vec![entry],
                }),
            }
        }
    }
    groups
}

pub fn undetermined(assessments: &[(&Assessment, String)]) -> Vec<UndeterminedCountry> {
    assessments
        .iter()
        .filter(|(a, _)| a.is_undetermined())
        .map(|(a, href)| UndeterminedCountry {
            country: a.country.clone(),
            href: href.clone(),
            requirements: a
                .missing_evidence
                .iter()
                .map(|m| (m.requirement.clone(), m.citation.clone()))
                .collect(),
            missing_facts: a.missing_evidence.iter().map(|m| m.facts.len()).sum(),
        })
        .collect()
}

/// The impact view from the files' impacts, linked to the country pages by file.
pub fn impact(
    base: String,
    rules: String,
    assessed: usize,
    impacts: Vec<FileImpact>,
    href_of: impl Fn(&str) -> Option<String>,
) -> Impact {
    let mut by_kind: BTreeMap<&'static str, usize> = BTreeMap::new();
    for i in &impacts {
        let mut kinds: Vec<&'static str> = i.changes.iter().map(|c| c.kind).collect();
        kinds.dedup();
        for k in kinds {
            *by_kind.entry(k).or_default() += 1;
        }
    }
    Impact {
        base,
        rules,
        assessed,
        changed: impacts
            .into_iter()
            .map(|i| ImpactRow {
                href: href_of(&i.file),
                country: i.country,
                file: i.file,
                changes: i.changes,
            })
            .collect(),
        by_kind: by_kind
            .into_iter()
            .map(|(kind, countries)| KindCount { kind, countries })
            .collect(),
    }
}

/// The trace step that decided the placement: the last stage whose applied rule sets a tier
/// (a rule that only adds flags decides nothing).
pub fn deciding_step(trace: &[TraceStep], rules: &Rulebook) -> Option<usize> {
    let sets_tier = |s: &TraceStep| {
        let rule = s.rule.as_deref()?;
        let stage = rules.stages.iter().find(|st| st.id == s.stage)?;
        stage
            .rules
            .iter()
            .find(|r| r.id == rule)
            .map(|r| r.tier.is_some())
    };
    trace
        .iter()
        .rposition(|s| sets_tier(s).unwrap_or(s.rule.is_some()))
}

fn show_evidence(ev: &crate::assessment::Evidence) -> Vec<String> {
    ev.iter().map(|(k, v)| format!("{k} = {v}")).collect()
}

pub fn criteria<'a>(a: &'a Assessment) -> Vec<CriterionView<'a>> {
    let text = |id: &str| {
        a.findings
            .iter()
            .find(|f| f.id == id)
            .map(|f| f.text.as_str())
    };
    let view = |c: &'a crate::assessment::CriterionResult, kind| CriterionView {
        kind,
        id: &c.id,
        title: &c.title,
        citation: &c.citation,
        status: c.status.as_str(),
        score: c.score,
        indicators: c
            .indicators
            .iter()
            .map(|i| IndicatorView {
                id: &i.id,
                effect: i.effect,
                weight: i.weight,
                outcome: i.outcome,
                citation: &i.citation,
                version: i.version.as_deref(),
                text: (i.outcome == Outcome::Fired).then(|| text(&i.id)).flatten(),
                reason: i.reason.as_deref(),
                evidence: show_evidence(&i.evidence),
                missing: &i.missing,
            })
            .collect(),
    };
    a.standards
        .iter()
        .map(|c| view(c, "standard"))
        .chain(a.criteria.iter().map(|c| view(c, "criterion")))
        .collect()
}

pub fn pillars(a: &Assessment) -> Vec<PillarView<'_>> {
    a.pillars
        .iter()
        .map(|(id, p)| PillarView {
            id,
            title: &p.title,
            citation: &p.citation,
            trend: p.trend.as_str(),
            opener: p.opener_words(),
            score: p.score,
            signals: p
                .signals
                .iter()
                .map(|s| SignalView {
                    id: &s.id,
                    direction: s.direction,
                    weight: s.weight,
                    text: &s.text,
                    citation: &s.citation,
                    evidence: show_evidence(&s.evidence),
                })
                .collect(),
        })
        .collect()
}

fn reading(r: Option<&Reading>) -> (&'static str, serde_json::Value) {
    match r {
        None => ("unknown", serde_json::Value::Null),
        Some(Reading::NotReported) => ("not_reported", serde_json::Value::Null),
        Some(Reading::Value(v)) => ("value", serde_json::to_value(v).unwrap_or_default()),
    }
}

/// The facts the file states (or the previous year's file gives), in catalog order, each with
/// the file and line it is written at; and how many catalog facts it leaves unstated.
pub fn facts(facts: &Facts, rules: &Rulebook) -> (Vec<FactRow>, usize) {
    let rows: Vec<FactRow> = facts
        .values
        .iter()
        .map(|(path, f)| {
            let def = rules.catalog.get(path);
            let (status, value) = reading(f.value.as_ref());
            let (previous_status, previous) = reading(f.previous.as_ref());
            let here = f.value.is_some() || f.previous_from.as_deref() == Some(&facts.file.name);
            let line = here.then(|| facts.file.line_col(f.span.start).0);
            FactRow {
                path: path.clone(),
                description: def.map(|d| d.description.clone()).unwrap_or_default(),
                kind: def
                    .and_then(|d| serde_json::to_value(d.kind).ok())
                    .unwrap_or_default(),
                status,
                value,
                previous_status,
                previous,
                file: here.then(|| facts.file.name.clone()),
                line,
                previous_file: f.previous_from.clone().filter(|p| *p != facts.file.name),
                note: f.note.clone(),
            }
        })
        .collect();
    let unstated = rules.catalog.facts.len().saturating_sub(rows.len());
    (rows, unstated)
}

pub fn evidence_of_trace(a: &Assessment) -> Vec<String> {
    a.trace
        .iter()
        .map(|s| show_evidence(&s.evidence).join(", "))
        .collect()
}

/// A draft's page view: its diagnostics numbered in order, those in its text highlighted.
pub fn draft_page(row: DraftRow, text: &crate::source::SourceFile, ds: &[Diagnostic]) -> DraftPage {
    let diagnostics: Vec<DiagnosticView> = ds
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let lc = d.line_cols();
            DiagnosticView {
                number: i + 1,
                code: d.code.clone(),
                severity: d.severity.as_str(),
                message: d.message.clone(),
                help: d.help.clone(),
                label: d.label.clone(),
                file: d.file_name().to_string(),
                line: lc.map(|l| l.0),
                column: lc.map(|l| l.1),
                in_text: d.file_name() == text.name,
            }
        })
        .collect();
    let spans: Vec<marks::Mark> = ds
        .iter()
        .enumerate()
        .filter(|(_, d)| d.file_name() == text.name)
        .filter_map(|(i, d)| {
            d.location.as_ref().map(|l| marks::Mark {
                number: i + 1,
                span: l.span.clone(),
                error: d.severity == Severity::Error,
                tip: match &d.help {
                    Some(h) => format!("{}: {}\n{h}", d.code, d.message),
                    None => format!("{}: {}", d.code, d.message),
                },
            })
        })
        .collect();
    DraftPage {
        row,
        segments: marks::segments(&text.text, &spans),
        diagnostics,
    }
}
