//! Numbers: trend words agree with the figures they compare; a comparison names the previous
//! period; figures that bound each other agree (no more referred than identified); parts never
//! exceed their whole. With facts: every count against the facts, current and previous period.

use std::ops::Range;

use crate::claims::{Comparison, CountClaim, Figure, PartsClaim, Period, Trend};
use crate::diagnostic::Diagnostic;
use crate::facts::{FactValue, Reading};

use super::Context;

pub const TREND_WORD: &str = "trend-word-mismatch";
pub const NO_PERIOD: &str = "comparison-without-period";
pub const BOUND: &str = "count-exceeds-bound";
pub const PARTS: &str = "parts-exceed-whole";
pub const PARTS_SUM: &str = "parts-do-not-add-up";
pub const COMPARISON_YEAR: &str = "comparison-year";
pub const INTRO_FIGURE: &str = "intro-figure-mismatch";
pub const COUNT_MISMATCH: &str = "count-mismatch";
pub const COUNT_NOT_REPORTED: &str = "count-not-in-facts";

pub fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let c = ctx.claims;
    let expected_previous = expected_previous_year(ctx);
    for cmp in &c.comparisons {
        let has_previous_figure = cmp.has_previous_figure || cmp.trend == Some(Trend::Same);
        if has_previous_figure
            && cmp.current.is_some()
            && !cmp.names_period
            && !cmp.bracketed
            && complete(ctx.text(&cmp.sentence))
        {
            out.push(
                ctx.diag(
                    NO_PERIOD,
                    format!("the comparison `{}` does not name the period it compares with", ctx.text(&cmp.marker).trim_start_matches([',', ' '])),
                    cmp.marker.start..cmp.sentence.end,
                )
                .with_help("name the previous period, e.g. `in 2020` or `during the previous reporting period`"),
            );
        }
        trend_word(ctx, cmp, out);
        // "a decrease from 156 in 2020 but an increase from 63 in 2019": after a comparison
        // with one year, a later one of the same figure (no figure of its own) in the same
        // sentence with an earlier year is a chain.
        let chained = cmp.current.is_none() && c.comparisons.iter().any(|o| {
            o.sentence == cmp.sentence
                && o.marker.start < cmp.marker.start
                && matches!((&o.previous_year, &cmp.previous_year), (Some((a, _)), Some((b, _))) if b < a)
        });
        if !chained {
            comparison_year(ctx, cmp, expected_previous, out);
        }
    }
    // Bounds: the first claim of the fact against the largest of its bound, per period.
    for (fact, at_most) in &ctx.rules.claims.bounds {
        for period in [Period::Current, Period::Previous] {
            // The bound is the largest figure given for it: a smaller one beside it is a part
            // ("regional police identified nine").
            let Some(a) = first(&c.counts, fact, period) else {
                continue;
            };
            // In the same sentence: figures of different agencies or of potential and
            // confirmed victims stand in different sentences.
            let largest = c
                .counts
                .iter()
                .filter(|k| &k.fact == at_most && k.period == period && k.sentence == a.sentence)
                .max_by(|x, y| x.value.total_cmp(&y.value));
            let Some(b) = largest else {
                continue;
            };
            if a.value > b.value {
                out.push(
                    ctx.diag(
                        BOUND,
                        format!(
                            "`{}` ({}) is more than `{}` ({})",
                            short(fact),
                            fmt(a.value),
                            short(at_most),
                            fmt(b.value)
                        ),
                        a.span.clone(),
                    )
                    .with_related(ctx.file(), b.span.clone(), "the bound")
                    .with_help(format!(
                        "`{fact}` can be at most `{at_most}`; correct one of the figures"
                    )),
                );
            }
        }
    }

    for p in &c.parts {
        parts(ctx, p, out);
    }
    intro_against_sections(ctx, out);

    against_facts(ctx, out);
}

fn against_facts(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let Some(f) = ctx.facts else { return };
    for k in &ctx.claims.counts {
        let Some(fact) = f.facts.get(&k.fact) else {
            // Unknown in the facts file: nothing to compare.
            continue;
        };
        let reading = match k.period {
            Period::Current => &fact.value,
            Period::Previous => &fact.previous,
        };
        let Some(reading) = reading else { continue };
        let period = match k.period {
            Period::Current => format!("in {}", f.facts.period),
            Period::Previous => format!("in {}", f.facts.period - 1),
        };
        match reading {
            Reading::NotReported => {
                if !k.none_reported {
                    out.push(
                        ctx.diag(
                            COUNT_NOT_REPORTED,
                            format!("the draft gives `{}` for `{}` {period}, but the facts say it was not reported", fmt(k.value), k.fact),
                            k.span.clone(),
                        )
                        .with_help(ctx.help(COUNT_NOT_REPORTED, "", &[("fact", &k.fact)])),
                    );
                }
            }
            Reading::Value(v) => {
                let Some(expected) = count_of(v) else {
                    continue;
                };
                if (expected - k.value).abs() > f64::EPSILON {
                    let mut d = mismatch(
                        ctx,
                        k,
                        &period,
                        expected,
                        f.facts.file.name.as_str(),
                        fact.span.clone(),
                        &f.facts.file,
                    );
                    // Another figure of the same fact and period, in the same section, agrees
                    // with the facts: this one is most likely a part (one agency's, one
                    // region's), so a warning to look at, not an error. (The intro repeating a
                    // section's figure is no such case: a slip in either is an error.)
                    let section = ctx.narrative.section_at(k.span.start);
                    let agreeing = ctx.claims.counts.iter().find(|o| {
                        o.fact == k.fact
                            && o.period == k.period
                            && (expected - o.value).abs() <= f64::EPSILON
                            && ctx.narrative.section_at(o.span.start) == section
                    });
                    if let Some(o) = agreeing {
                        d.severity = crate::diagnostic::Severity::Warning;
                        d.message.push_str(&format!(
                            " (`{}` elsewhere in the draft agrees; if this figure is a part, say so)",
                            fmt(o.value)
                        ));
                        d = d.with_related(ctx.file(), o.span.clone(), "the figure that agrees");
                    }
                    out.push(d);
                }
            }
        }
    }
}

fn mismatch(
    ctx: &Context<'_>,
    k: &CountClaim,
    period: &str,
    expected: f64,
    facts_name: &str,
    fact_span: Range<usize>,
    facts_file: &std::sync::Arc<crate::source::SourceFile>,
) -> Diagnostic {
    ctx.diag(
        COUNT_MISMATCH,
        format!(
            "the draft gives `{}` for `{}` {period}, but the facts give `{}`",
            fmt(k.value),
            k.fact,
            fmt(expected)
        ),
        k.span.clone(),
    )
    .with_related(facts_file, fact_span, "the fact")
    .with_help(format!(
        "correct the figure, or `{}` in `{facts_name}`",
        k.fact
    ))
}

/// A count as a number (money and text are compared elsewhere).
pub fn count_of(v: &FactValue) -> Option<f64> {
    match v {
        FactValue::Count(n) => Some(*n as f64),
        FactValue::Year(n) => Some(*n as f64),
        _ => None,
    }
}

fn first<'a>(counts: &'a [CountClaim], fact: &str, period: Period) -> Option<&'a CountClaim> {
    counts.iter().find(|k| k.fact == fact && k.period == period)
}

fn short(path: &str) -> &str {
    path.rsplit('.').next().unwrap_or(path)
}

/// A figure as the messages print it: no decimals when whole.
pub fn fmt(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// A figure as a message quotes it: its words when they are the figure ("`412`"), else its value
/// and the words that state it ("0 (`did not report any convictions`)").
fn figure_text(ctx: &Context<'_>, f: &Figure) -> String {
    let text = ctx.text(&f.span).trim();
    if text.contains(|c: char| c.is_ascii_digit()) || ctx.rules.claims.number_value(text).is_some()
    {
        format!("`{text}`")
    } else {
        format!("{} (`{text}`)", fmt(f.value))
    }
}

fn agrees(trend: Trend, current: f64, previous: f64) -> bool {
    match trend {
        Trend::Increase => current > previous,
        Trend::Decrease => current < previous,
        Trend::Same => (current - previous).abs() < f64::EPSILON,
    }
}

/// The trend word against the figures it compares: every pair the grammar matched must
/// contradict it (one pair agreeing makes the reading ambiguous: say nothing). Without a
/// previous figure in the text ("an increase compared with 2020"), the facts' previous value.
fn trend_word(ctx: &Context<'_>, cmp: &Comparison, out: &mut Vec<Diagnostic>) {
    let Some(trend) = cmp.trend else { return };
    let word = ctx
        .text(&cmp.marker)
        .trim_start_matches([',', ' '])
        .to_string();
    let relation = match trend {
        Trend::Increase => "not more than",
        Trend::Decrease => "not less than",
        Trend::Same => "not the same as",
    };
    let help = match trend {
        Trend::Increase | Trend::Decrease => {
            "correct the figures, or the trend word (`an increase`, `a decrease`, `the same number as`)"
        }
        Trend::Same => "correct the figures, or say `compared with`",
    };
    if !cmp.pairs.is_empty() {
        if cmp
            .pairs
            .iter()
            .any(|(c, p)| agrees(trend, c.value, p.value))
        {
            return;
        }
        let (cur, prev) = &cmp.pairs[0];
        let (cur_t, prev_t) = (figure_text(ctx, cur), figure_text(ctx, prev));
        out.push(
            ctx.diag(
                TREND_WORD,
                format!("`{word}` but {cur_t} is {relation} {prev_t}"),
                cmp.marker.clone(),
            )
            .with_related(ctx.file(), cur.span.clone(), "this period")
            .with_related(ctx.file(), prev.span.clone(), "previous period")
            .with_help(help),
        );
        return;
    }
    // No figure of the previous period in the text: the facts say what it was.
    if cmp.has_previous_figure {
        return;
    }
    let (Some(f), Some(cur)) = (ctx.facts, &cmp.current) else {
        return;
    };
    let Some(fact_path) = cmp.current_facts.first() else {
        return;
    };
    let Some(fact) = f.facts.get(fact_path) else {
        return;
    };
    let Some(Reading::Value(v)) = &fact.previous else {
        return;
    };
    let Some(previous) = count_of(v) else { return };
    if agrees(trend, cur.value, previous) {
        return;
    }
    out.push(
        ctx.diag(
            TREND_WORD,
            format!(
                "`{word}` but `{}` is {relation} `{}`, the facts' `{fact_path}` for {}",
                ctx.text(&cur.span),
                fmt(previous),
                f.facts.period - 1
            ),
            cmp.marker.clone(),
        )
        .with_related(ctx.file(), cur.span.clone(), "this period")
        .with_related(&f.facts.file, fact.span.clone(), "the fact")
        .with_help(help),
    );
}

/// The previous reporting period of the narrative: the year before the report's period (from
/// the facts or the report year), unless the narrative's own comparisons agree on another year
/// (a narrative whose latest data are a year older says so in every comparison); without a
/// report year, the year most comparisons name. A year counts as the narrative's when at least
/// two comparisons name it and no other year is named as often.
fn expected_previous_year(ctx: &Context<'_>) -> Option<i32> {
    let mut counts: Vec<(i32, usize)> = Vec::new();
    for cmp in &ctx.claims.comparisons {
        if cmp.current_year.is_some() || !cmp.earlier_years.is_empty() {
            continue;
        }
        if let Some((y, _)) = &cmp.previous_year {
            match counts.iter_mut().find(|(v, _)| v == y) {
                Some(e) => e.1 += 1,
                None => counts.push((*y, 1)),
            }
        }
    }
    counts.sort_by_key(|(y, n)| (std::cmp::Reverse(*n), *y));
    let mode = match counts.as_slice() {
        [(y, n), rest @ ..] if *n >= 2 && rest.first().is_none_or(|(_, m)| m < n) => Some(*y),
        _ => None,
    };
    match ctx.report_year {
        Some(r) => Some(mode.unwrap_or(r - 2)),
        None => mode,
    }
}

/// A sentence that ends as sentences do (an excerpt cut mid-sentence does not).
fn complete(sentence: &str) -> bool {
    sentence
        .trim_end()
        .ends_with(['.', '!', '?', '"', '”', '\'', '’', ')', ':', ';'])
}

/// A comparison names the previous reporting period, not another year: "compared with 88 cases
/// in 2018" in a 2021 report (whose previous period is 2019). A sentence placed in a year of
/// its own ("In 2019, ... compared with ... in 2018") compares with the year before that one;
/// chains ("in 2019 and 74 in 2018") and ranges ("between 2016 and 2018") are fine.
fn comparison_year(
    ctx: &Context<'_>,
    cmp: &Comparison,
    expected_previous: Option<i32>,
    out: &mut Vec<Diagnostic>,
) {
    let Some((year, span)) = &cmp.previous_year else {
        return;
    };
    // A range lists a series; a chain ("80 in 2019 and 74 in 2018") must start with the
    // previous period.
    if cmp.year_in_range {
        return;
    }
    let expected = match cmp.current_year {
        Some(c) => Some(c - 1),
        None => expected_previous,
    };
    let Some(expected) = expected else { return };
    if *year == expected {
        return;
    }
    let why = match cmp.current_year {
        Some(c) => format!("the sentence is about {c}, so the period before it is {expected}"),
        None => format!("the previous reporting period is {expected}"),
    };
    out.push(
        ctx.diag(
            COMPARISON_YEAR,
            format!("the comparison names `{year}`, but {why}"),
            span.clone(),
        )
        .with_help(ctx.help(
            COMPARISON_YEAR,
            "",
            &[
                ("year", &year.to_string()),
                ("expected", &expected.to_string()),
            ],
        )),
    );
}

/// Parts that break the whole down more than once, one after the other ("of whom 110 were
/// adults, 14 were children, 109 were female, and 15 were male"): consecutive runs that each add
/// up to the whole, the last one perhaps to less (a subgroup: "102 females, 153 males, and 74
/// children").
fn several_breakdowns(p: &PartsClaim) -> bool {
    let whole = p.whole.value;
    let mut run = 0.0;
    let mut complete_runs = 0;
    for f in &p.parts {
        run += f.value;
        if (run - whole).abs() < f64::EPSILON {
            complete_runs += 1;
            run = 0.0;
        } else if run > whole {
            return false;
        }
    }
    complete_runs >= 1 && run <= whole
}

/// Parts against their whole: a part above its whole is an error. Parts that add up to more
/// than their whole, or a complete list ("..., and nine undetermined") that adds up to less,
/// are a warning: published narratives list groups that overlap ("one was an adult" beside
/// "159 were female"), so the sum alone does not prove a slip.
fn parts(ctx: &Context<'_>, p: &PartsClaim, out: &mut Vec<Diagnostic>) {
    let sum: f64 = p.parts.iter().map(|f| f.value).sum();
    let whole = p.whole.value;
    let whole_t = ctx.text(&p.whole.span).to_string();
    if let Some(part) = p.parts.iter().find(|f| f.value > whole) {
        out.push(
            ctx.diag(
                PARTS,
                format!(
                    "the part `{}` is more than its whole `{whole_t}`",
                    ctx.text(&part.span)
                ),
                part.span.clone(),
            )
            .with_related(ctx.file(), p.whole.span.clone(), "the whole")
            .with_help(ctx.help(PARTS, "", &[])),
        );
        return;
    }
    let span = |parts: &[Figure]| parts[0].span.start..parts[parts.len() - 1].span.end;
    let diag = |case: &str, message: String| {
        ctx.diag(PARTS_SUM, message, span(&p.parts))
            .with_related(ctx.file(), p.whole.span.clone(), "the whole")
            .with_help(ctx.help(PARTS_SUM, case, &[("sum", &fmt(sum)), ("whole", &whole_t)]))
    };
    if p.remainder {
        if sum >= whole {
            out.push(diag(
                "remainder",
                format!(
                    "the parts add up to {} and leave nothing for the rest of `{whole_t}`",
                    fmt(sum)
                ),
            ));
        }
    } else if p.parts.len() > 1 && sum > whole && !several_breakdowns(p) {
        out.push(diag(
            if p.exhaustive { "complete" } else { "open" },
            format!(
                "the parts add up to {} but their whole is `{whole_t}`",
                fmt(sum)
            ),
        ));
    } else if p.exhaustive && p.parts.len() > 1 && sum < whole {
        out.push(diag(
            "short",
            format!(
                "the parts of a complete list add up to {}, not `{whole_t}`",
                fmt(sum)
            ),
        ));
    }
}

/// A figure the intro states and a section states again, for the same fact and period, must be
/// the same: the intro's figure against every figure of that fact in the sections.
fn intro_against_sections(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let n = ctx.narrative;
    let in_intro = |k: &CountClaim| n.section_at(k.span.start).is_none();
    // With facts, `count-mismatch` says which of the two is wrong.
    let in_facts = |k: &CountClaim| ctx.facts.is_some_and(|f| f.facts.get(&k.fact).is_some());
    for k in ctx
        .claims
        .counts
        .iter()
        .filter(|k| in_intro(k) && !k.none_reported && !in_facts(k))
    {
        let same: Vec<&CountClaim> = ctx
            .claims
            .counts
            .iter()
            .filter(|o| {
                !in_intro(o) && o.fact == k.fact && o.period == k.period && !o.none_reported
            })
            .collect();
        let Some(first) = same.first() else { continue };
        if same
            .iter()
            .any(|o| (o.value - k.value).abs() < f64::EPSILON)
        {
            continue;
        }
        let section = n.section_at(first.span.start).unwrap_or_default();
        let title = ctx
            .rules
            .claims
            .layout
            .sections
            .iter()
            .find(|s| s.id == section)
            .map_or(section, |s| s.title.as_str());
        out.push(
            ctx.diag(
                INTRO_FIGURE,
                format!(
                    "the intro gives `{}` for `{}`, but the {} section gives `{}`",
                    ctx.text(&k.span),
                    k.fact,
                    title,
                    ctx.text(&first.span)
                ),
                k.span.clone(),
            )
            .with_related(ctx.file(), first.span.clone(), "the section's figure")
            .with_help(ctx.help(INTRO_FIGURE, "", &[("section", title)])),
        );
    }
}
