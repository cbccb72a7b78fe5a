//! Money: every USD conversion of one currency in a narrative implies one exchange rate, within
//! rounding. With facts: each amount read as a fact against the facts file.

use std::collections::HashMap;

use crate::claims::{MoneyClaim, Period};
use crate::diagnostic::Diagnostic;
use crate::facts::{FactValue, Reading};

use super::numbers::fmt;
use super::Context;

pub const RATE: &str = "exchange-rate-mismatch";
pub const AMOUNT_MISMATCH: &str = "amount-mismatch";

/// The report rounds USD figures to the nearest ten dollars: a difference this small is rounding.
const USD_ROUNDING: f64 = 10.0;

pub fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let tolerance = ctx.rules.claims.money_rate_tolerance;
    let mut first: HashMap<&str, &MoneyClaim> = HashMap::new();
    for m in &ctx.claims.money {
        if m.amount <= 0.0 {
            continue;
        }
        let Some(base) = first.get(m.currency_key.as_str()) else {
            first.insert(&m.currency_key, m);
            continue;
        };
        let rate = base.usd / base.amount;
        let expected = m.amount * rate;
        if (m.usd - expected).abs() > (expected * tolerance).max(USD_ROUNDING) {
            out.push(
                ctx.diag(
                    RATE,
                    format!(
                        "`{}` implies {} USD per {}, but `{}` implies {}",
                        ctx.text(&m.span),
                        rate_text(m.usd / m.amount),
                        m.currency_key,
                        ctx.text(&base.span),
                        rate_text(rate)
                    ),
                    m.usd_span.clone(),
                )
                .with_related(ctx.file(), base.span.clone(), "first conversion")
                .with_help(format!("at the first rate this is about `${}`; one narrative uses one exchange rate per currency", fmt((expected / 10.0).round() * 10.0))),
            );
        }
    }
    against_facts(ctx, out);
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
        let amount_off = (money.amount - m.amount).abs() > 0.5;
        let usd_off = money.usd.is_some_and(|u| (u - m.usd).abs() > 0.5);
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
