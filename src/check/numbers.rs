//! Numbers: trend words agree with the figures they compare; a comparison names the previous
//! period; figures that bound each other agree (no more referred than identified); parts never
//! exceed their whole. With facts: every count against the facts, current and previous period.

use std::ops::Range;

use crate::claims::{CountClaim, Period, Trend};
use crate::diagnostic::Diagnostic;
use crate::facts::{FactValue, Reading};

use super::Context;

pub const TREND_WORD: &str = "trend-word-mismatch";
pub const NO_PERIOD: &str = "comparison-without-period";
pub const BOUND: &str = "count-exceeds-bound";
pub const PARTS: &str = "parts-exceed-whole";
pub const COUNT_MISMATCH: &str = "count-mismatch";
pub const COUNT_NOT_REPORTED: &str = "count-not-in-facts";

pub fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let c = ctx.claims;
    for cmp in &c.comparisons {
        let has_previous_figure = cmp.previous.is_some() || cmp.trend == Some(Trend::Same);
        if has_previous_figure && cmp.current.is_some() && !cmp.names_period {
            out.push(
                ctx.diag(
                    NO_PERIOD,
                    format!("the comparison `{}` does not name the period it compares with", ctx.text(&cmp.marker).trim_start_matches([',', ' '])),
                    cmp.marker.start..cmp.sentence.end,
                )
                .with_help("name the previous period, e.g. `in 2020` or `during the previous reporting period`"),
            );
        }
        let (Some(trend), Some(cur), Some(prev)) = (cmp.trend, &cmp.current, &cmp.previous) else {
            continue;
        };
        let agrees = match trend {
            Trend::Increase => cur.value > prev.value,
            Trend::Decrease => cur.value < prev.value,
            Trend::Same => (cur.value - prev.value).abs() < f64::EPSILON,
        };
        if !agrees {
            let word = ctx
                .text(&cmp.marker)
                .trim_start_matches([',', ' '])
                .to_string();
            let (cur_t, prev_t) = (ctx.text(&cur.span), ctx.text(&prev.span));
            let relation = match trend {
                Trend::Increase => "not more than",
                Trend::Decrease => "not less than",
                Trend::Same => "not the same as",
            };
            out.push(
                ctx.diag(TREND_WORD, format!("`{word}` but `{cur_t}` is {relation} `{prev_t}`"), cmp.marker.clone())
                    .with_related(ctx.file(), cur.span.clone(), "this period")
                    .with_related(ctx.file(), prev.span.clone(), "previous period")
                    .with_help(match trend {
                        Trend::Increase | Trend::Decrease => "correct the figures, or the trend word (`an increase`, `a decrease`, `the same number as`)",
                        Trend::Same => "correct the figures, or say `compared with`",
                    }),
            );
        }
    }

    // Bounds: the first claim of the fact against the largest of its bound, per period.
    for (fact, at_most) in &ctx.rules.claims.bounds {
        for period in [Period::Current, Period::Previous] {
            // The bound is the largest figure given for it: a smaller one beside it is a part
            // ("regional police identified nine").
            let largest = c
                .counts
                .iter()
                .filter(|k| &k.fact == at_most && k.period == period)
                .max_by(|x, y| x.value.total_cmp(&y.value));
            let (Some(a), Some(b)) = (first(&c.counts, fact, period), largest) else {
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
        let sum: f64 = p.parts.iter().map(|f| f.value).sum();
        let over = p.parts.iter().find(|f| f.value > p.whole.value);
        if let Some(part) = over {
            out.push(
                ctx.diag(
                    PARTS,
                    format!(
                        "the part `{}` is more than its whole `{}`",
                        ctx.text(&part.span),
                        ctx.text(&p.whole.span)
                    ),
                    part.span.clone(),
                )
                .with_related(ctx.file(), p.whole.span.clone(), "the whole")
                .with_help("a part listed with `including` or `of whom` cannot exceed the total"),
            );
        } else if p.parts.len() > 1 && sum > p.whole.value {
            let span = p.parts[0].span.start..p.parts[p.parts.len() - 1].span.end;
            out.push(
                ctx.diag(
                    PARTS,
                    format!("the parts add up to {} but their whole is `{}`", fmt(sum), ctx.text(&p.whole.span)),
                    span,
                )
                .with_related(ctx.file(), p.whole.span.clone(), "the whole")
                .with_help("the parts listed with `including` or `of whom` cannot add up to more than the total"),
            );
        }
    }

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
