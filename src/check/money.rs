//! Money: every USD conversion of one currency in a narrative implies one exchange rate, within
//! rounding. With facts: each amount read as a fact against the facts file, within the rounding
//! of the figure as written ("3.4 million" for 3,412,000).

use crate::claims::{MoneyClaim, Period};
use crate::diagnostic::Diagnostic;
use crate::facts::{FactValue, Reading};

use super::numbers::fmt;
use super::Context;

pub const RATE: &str = "exchange-rate-mismatch";
pub const AMOUNT_MISMATCH: &str = "amount-mismatch";

pub fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    // Amounts grouped by currency, in order of the draft.
    let mut groups: Vec<(&str, Vec<&MoneyClaim>)> = Vec::new();
    for m in ctx
        .claims
        .money
        .iter()
        .filter(|m| m.amount > 0.0 && m.usd > 0.0)
    {
        match groups.iter_mut().find(|(k, _)| *k == m.currency_key) {
            Some((_, g)) => g.push(m),
            None => groups.push((&m.currency_key, vec![m])),
        }
    }
    for (_, group) in &groups {
        rates(ctx, group, out);
    }
    against_facts(ctx, out);
}

/// One currency's amounts: each implies a rate; the rate most of them share is the narrative's,
/// and each amount off it is flagged. When no rate has a majority (two amounts that disagree),
/// each is flagged beside the other: either may be the wrong one.
fn rates(ctx: &Context<'_>, group: &[&MoneyClaim], out: &mut Vec<Diagnostic>) {
    if group.len() < 2 {
        return;
    }
    let rules = &ctx.rules.claims;
    let rate = |m: &MoneyClaim| m.usd / m.amount;
    // The rounding of a conversion as written, as a fraction of its rate.
    let slack = |m: &MoneyClaim| {
        0.5 * m.usd_unit.max(rules.money_usd_rounding) / m.usd + 0.5 * m.amount_unit / m.amount
    };
    let agree = |a: &MoneyClaim, b: &MoneyClaim| {
        let (ra, rb) = (rate(a), rate(b));
        (ra - rb).abs() / ra.max(rb) <= rules.money_rate_tolerance + slack(a) + slack(b)
    };
    let support: Vec<usize> = group
        .iter()
        .map(|a| group.iter().filter(|b| agree(a, b)).count())
        .collect();
    let best = support.iter().copied().max().unwrap_or(0);
    let reference = support.iter().position(|&n| n == best).unwrap_or(0);
    let r = group[reference];
    let outliers: Vec<usize> = (0..group.len()).filter(|&i| !agree(group[i], r)).collect();
    if outliers.is_empty() {
        return;
    }
    let majority = outliers.iter().all(|&i| support[i] < best);
    // `m` against the rate of `other`, related to it.
    let flag = |m: &MoneyClaim, other: &MoneyClaim, case: &str, label: &str| {
        let usd = crate::render::thousands(((m.amount * rate(other) / 10.0).round() * 10.0) as i64);
        ctx.diag(
            RATE,
            format!(
                "`{}` implies {} USD per {}, but `{}` implies {}",
                ctx.text(&m.span),
                rate_text(rate(m)),
                m.currency_key,
                ctx.text(&other.span),
                rate_text(rate(other))
            ),
            m.usd_span.clone(),
        )
        .with_related(ctx.file(), other.span.clone(), label)
        .with_help(ctx.help(
            RATE,
            case,
            &[
                ("count", &best.to_string()),
                ("currency", &m.currency_key),
                ("rate", &rate_text(rate(other))),
                ("usd", &usd),
                ("other", ctx.text(&other.span)),
            ],
        ))
    };
    for &i in &outliers {
        let m = group[i];
        if majority {
            out.push(flag(m, r, "majority", "the rate of the other amounts"));
        } else {
            out.push(flag(m, r, "either", "the other conversion"));
            if group.len() == 2 {
                // Either may be wrong: the other one is flagged too, pointing back.
                out.push(flag(r, m, "either", "the other conversion"));
            }
        }
    }
}

fn rate_text(r: f64) -> String {
    format!("{r:.5}")
}

fn against_facts(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let Some(f) = ctx.facts else { return };
    for m in &ctx.claims.money {
        let Some(path) = &m.fact else { continue };
        let Some(fact) = f.facts.get(path) else {
            continue;
        };
        let reading = match m.period {
            Period::Current => &fact.value,
            Period::Previous => &fact.previous,
        };
        let Some(Reading::Value(FactValue::Money(money))) = reading else {
            continue;
        };
        // A figure as written stands for what rounds to it: "3.4 million" for 3,350,000 to
        // 3,450,000, "600,000" for itself.
        let amount_off = (money.amount - m.amount).abs() > (m.amount_unit / 2.0).max(0.5);
        let usd_off = money
            .usd
            .is_some_and(|u| (u - m.usd).abs() > (m.usd_unit / 2.0).max(0.5));
        if amount_off || usd_off {
            let want = match money.usd {
                Some(u) => format!("{} {} (${})", fmt(money.amount), money.currency, fmt(u)),
                None => format!("{} {}", fmt(money.amount), money.currency),
            };
            out.push(
                ctx.diag(
                    AMOUNT_MISMATCH,
                    format!(
                        "the draft gives `{}` for `{path}`, but the facts give `{want}`",
                        ctx.text(&m.span)
                    ),
                    if amount_off {
                        m.span.clone()
                    } else {
                        m.usd_span.clone()
                    },
                )
                .with_related(&f.facts.file, fact.span.clone(), "the fact")
                .with_help(format!(
                    "correct the amount, or `{path}` in `{}`",
                    f.facts.file.name
                )),
            );
        }
    }
}
