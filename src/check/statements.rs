//! Statements: what the draft says about yes/no, enum and single-figure facts ("the government
//! did not adopt SOPs", "penalties of five to eight years") against the facts file. Read by the
//! `statements` patterns of claims.yaml, the same that `extract` uses.

use serde_json::Value;

use crate::claims::Period;
use crate::diagnostic::Diagnostic;
use crate::facts::{FactValue, Reading};

use super::Context;

pub const STATEMENT_MISMATCH: &str = "statement-mismatch";

pub fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let Some(f) = ctx.facts else { return };
    for s in &ctx.claims.statements {
        let Some(fact) = f.facts.get(&s.fact) else {
            continue;
        };
        let reading = match s.period {
            Period::Current => &fact.value,
            Period::Previous => &fact.previous,
        };
        // Only two definite values can disagree: "did not report whether" against a value, or
        // a statement against a fact the facts leave unreported, is a matter of wording.
        let Some(Reading::Value(v)) = reading else {
            continue;
        };
        let Some(expected) = comparable(v) else {
            continue;
        };
        let agrees = match (&s.value, &expected) {
            (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
            (Value::String(a), _) if a == "not_reported" => true,
            (Value::String(_), Value::Number(_)) | (Value::Number(_), Value::String(_)) => true,
            (Value::String(a), Value::String(b)) if s.captured => a.eq_ignore_ascii_case(b),
            (a, b) => a == b,
        };
        if agrees {
            continue;
        }
        let period = match s.period {
            Period::Current => format!("in {}", f.facts.period),
            Period::Previous => format!("in {}", f.facts.period - 1),
        };
        out.push(
            ctx.diag(
                STATEMENT_MISMATCH,
                format!(
                    "the draft states `{}` = {} {period}, but the facts give {}",
                    s.fact,
                    show(&s.value),
                    show(&expected)
                ),
                s.span.clone(),
            )
            .with_related(&f.facts.file, fact.span.clone(), "the fact")
            .with_help(format!(
                "correct the sentence, or `{}` in `{}`",
                s.fact, f.facts.file.name
            )),
        );
    }
}

/// A fact's value as a statement would read it.
fn comparable(v: &FactValue) -> Option<Value> {
    match v {
        FactValue::Bool(b) => Some(Value::Bool(*b)),
        FactValue::Text(t) => Some(Value::String(t.clone())),
        FactValue::Count(n) => Some(Value::from(*n)),
        FactValue::Year(n) => Some(Value::from(*n)),
        FactValue::Money(_) | FactValue::TextList(_) => None,
    }
}

fn show(v: &Value) -> String {
    match v {
        Value::String(s) => format!("`{s}`"),
        other => format!("`{other}`"),
    }
}
