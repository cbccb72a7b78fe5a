//! Counters: "for the fourth consecutive year". Two counters about one fact must agree; with
//! facts, each counter against the fact it is about.

use std::collections::HashMap;

use crate::claims::CounterClaim;
use crate::diagnostic::Diagnostic;
use crate::facts::Reading;

use super::numbers::{count_of, fmt};
use super::Context;

pub const COUNTER_INCONSISTENT: &str = "counter-inconsistent";
pub const COUNTER_MISMATCH: &str = "counter-mismatch";

pub fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let mut first: HashMap<&str, &CounterClaim> = HashMap::new();
    for c in &ctx.claims.counters {
        let Some(fact) = &c.fact else { continue };
        match first.get(fact.as_str()) {
            Some(f) if f.n != c.n => out.push(
                ctx.diag(
                    COUNTER_INCONSISTENT,
                    format!(
                        "`{}` disagrees with `{}` earlier about the same thing",
                        ctx.text(&c.span),
                        ctx.text(&f.span)
                    ),
                    c.span.clone(),
                )
                .with_related(ctx.file(), f.span.clone(), "first count")
                .with_help(format!("both count `{fact}`; use one number")),
            ),
            Some(_) => {}
            None => {
                first.insert(fact, c);
            }
        }
        let Some(facts) = ctx.facts else { continue };
        let Some(Some(Reading::Value(v))) = facts.facts.get(fact).map(|f| &f.value) else {
            continue;
        };
        let Some(expected) = count_of(v) else {
            continue;
        };
        if (expected - f64::from(c.n)).abs() > f64::EPSILON {
            out.push(
                ctx.diag(
                    COUNTER_MISMATCH,
                    format!(
                        "the draft says `{}` but the facts give {} for `{fact}`",
                        ctx.text(&c.span),
                        fmt(expected)
                    ),
                    c.span.clone(),
                )
                .with_help(format!(
                    "correct the ordinal, or `{fact}` in `{}`",
                    facts.facts.file.name
                )),
            );
        }
    }
}
