//! Claims -> facts: the figures and statements a narrative makes, read by the claim patterns,
//! written as a facts file in the catalog's format, so that last year's published narrative can
//! seed this year's facts. Also the stated tier and movement, the history they imply (through
//! claims.yaml `history` and the tier ranks of ruleset.yaml), and the sentences with figures that
//! no pattern read.
//!
//! Sits after `claims::read`; `commands/extract.rs` prints the result.

use indexmap::IndexMap;
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::check::Draft;
use crate::claims::{ClaimRules, Period, StatementClaim, Years};
use crate::rulebook::schema::{FactKind, ParamValue};
use crate::rulebook::{Catalog, Rulebook};

/// What `extract` reads from one narrative.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Extracted {
    /// A facts file: country, year, period, history, facts.
    #[schemars(schema_with = "crate::output_json::facts_file_placeholder")]
    pub facts: Value,
    pub stated: Stated,
    pub unread: Vec<Unread>,
}

/// The tier and movement the narrative states, `null` when it states none.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Stated {
    pub tier: Option<String>,
    pub movement: Option<String>,
}

/// A sentence with a figure that no claim pattern read.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Unread {
    pub line: usize,
    pub text: String,
}

/// Read a parsed draft into facts. `year` overrides the report year of the title line. With a
/// rulebook, facts are ordered as in the catalog, statements are typed by it, and the history
/// can name tiers by rank; without one, only what needs no catalog is written.
pub fn extract(
    draft: &Draft,
    rules: &ClaimRules,
    rulebook: Option<&Rulebook>,
    year: Option<i64>,
) -> Extracted {
    let catalog = rulebook.map(|r| &r.catalog);
    let n = &draft.narrative;
    let c = &draft.claims;
    // path -> (current, previous); the first reading of each wins.
    let mut found: IndexMap<String, (Option<Value>, Option<Value>)> = IndexMap::new();
    let mut put = |path: &str, period: Period, v: Value| {
        let e = found.entry(path.to_string()).or_default();
        let slot = match period {
            Period::Current => &mut e.0,
            Period::Previous => &mut e.1,
        };
        if slot.is_none() {
            *slot = Some(v);
        }
    };
    for k in &c.counts {
        // A count is a whole number of things: a reading such as `1e-22` is no count.
        if k.value.fract() == 0.0 && k.value >= 0.0 && k.value.is_finite() {
            put(&k.fact, k.period, number(k.value));
        }
    }
    // Money: a previous amount written with the short currency name takes the current's name.
    for m in &c.money {
        let Some(fact) = &m.fact else { continue };
        let currency = c
            .money
            .iter()
            .filter(|o| o.currency_key == m.currency_key)
            .map(|o| o.currency.as_str())
            .max_by_key(|s| s.len())
            .unwrap_or(&m.currency);
        put(
            fact,
            m.period,
            json!({ "amount": number(m.amount), "currency": currency, "usd": number(m.usd) }),
        );
    }
    for k in &c.counters {
        if let Some(f) = &k.fact {
            put(f, Period::Current, json!(k.n));
        }
    }
    for st in &c.statements {
        if let Some(v) = statement_value(st, catalog) {
            put(&st.fact, st.period, v);
        }
    }

    let mut paths: Vec<String> = found.keys().cloned().collect();
    if let Some(cat) = catalog {
        let rank = |p: &str| {
            cat.facts
                .iter()
                .position(|f| f.path == p)
                .unwrap_or(usize::MAX)
        };
        paths.sort_by_key(|p| rank(p));
    }
    let mut tree = Map::new();
    for p in &paths {
        let Some((cur, prev)) = found.get(p) else {
            continue;
        };
        let value = match (cur, prev) {
            (Some(v), None) => v.clone(),
            (v, Some(p)) => {
                let mut m = Map::new();
                if let Some(v) = v {
                    m.insert("value".into(), v.clone());
                }
                m.insert("previous".into(), p.clone());
                Value::Object(m)
            }
            (None, None) => continue,
        };
        insert_path(&mut tree, p, value);
    }

    let mut doc = Map::new();
    let country = n
        .heading
        .as_ref()
        .map(|h| h.country.clone())
        .or_else(|| n.title.as_ref().map(|t| t.country.clone()));
    if let Some(country) = country {
        doc.insert("country".into(), json!(title_case(&country)));
    }
    let year = year.or_else(|| n.title.as_ref().and_then(|t| t.year).map(i64::from));
    if let Some(y) = year {
        doc.insert("year".into(), json!(y));
        doc.insert("period".into(), json!(y - 1));
    }
    let stated_tier = c
        .heading_tier
        .as_ref()
        .and_then(|t| t.id.clone())
        .or_else(|| c.movement.as_ref().and_then(|m| m.tier.id.clone()));
    if let (Some(y), Some(tier)) = (year, &stated_tier) {
        let history = history(draft, rules, rulebook, tier);
        if !history.is_empty() {
            let entries: Vec<Value> = history
                .iter()
                .enumerate()
                .map(|(back, t)| json!({ "year": y - 1 - back as i64, "tier": t }))
                .collect();
            doc.insert("history".into(), Value::Array(entries));
        }
    }
    if stated_tier
        .as_ref()
        .is_some_and(|t| rules.history.special_case_tiers.contains(t))
    {
        doc.insert("special_case".into(), json!(true));
    }
    if c.movement.as_ref().is_some_and(|m| m.waiver.is_some()) {
        doc.insert("downgrade_waiver".into(), json!(true));
    }
    doc.insert("facts".into(), Value::Object(tree));

    let unread = c
        .unread
        .iter()
        .map(|s| Unread {
            line: draft.source.line_col(s.start).0,
            text: n.text(s).split_whitespace().collect::<Vec<_>>().join(" "),
        })
        .collect();
    Extracted {
        facts: Value::Object(doc),
        stated: Stated {
            tier: stated_tier,
            movement: c.movement.as_ref().map(|m| m.movement.as_str().to_string()),
        },
        unread,
    }
}

/// The tiers of the years before the report year, most recent first: what the intro states
/// (`history.placements`), else the tier the movement implies (`history.movement_steps`), repeated
/// for "for the Nth consecutive year" when the tier stayed the same.
fn history(
    draft: &Draft,
    rules: &ClaimRules,
    rulebook: Option<&Rulebook>,
    stated: &str,
) -> Vec<String> {
    let c = &draft.claims;
    if let Some(placements) = &c.placements {
        let mut out = Vec::new();
        for (tier, years) in placements {
            let n = match years {
                Years::Count(n) => i64::from(*n),
                Years::Param(name) => match rulebook.and_then(|r| r.params.get(name)) {
                    Some(d) => match d.value {
                        Some(ParamValue::Int(n)) => n,
                        _ => return out,
                    },
                    // Without the param the rest of the history is unknown.
                    None => return out,
                },
            };
            out.extend((0..n.clamp(0, 50)).map(|_| tier.clone()));
        }
        return out;
    }
    let Some(m) = &c.movement else {
        return Vec::new();
    };
    let Some(step) = rules.history.movement_steps.get(&m.movement).copied() else {
        return Vec::new();
    };
    if step == 0 {
        // "remained on Tier 2 for the third consecutive year": the two years before were Tier 2.
        let years = m
            .years
            .as_ref()
            .map_or(1, |(n, _)| n.saturating_sub(1).max(1));
        return (0..years).map(|_| stated.to_string()).collect();
    }
    let Some(tiers) = rulebook.map(|r| &r.tiers) else {
        return Vec::new();
    };
    let rank = tiers
        .iter()
        .find(|t| t.id == stated)
        .and_then(|t| t.rank)
        .map(i64::from);
    let Some(rank) = rank else {
        return Vec::new();
    };
    tiers
        .iter()
        .find(|t| t.rank.map(i64::from) == Some(rank + step))
        .map(|t| vec![t.id.clone()])
        .unwrap_or_default()
}

/// A statement's value as the facts file writes it: typed by the fact's catalog type when the
/// wording was captured (a year, a count, text, an enum value as written). `None` when it does
/// not fit.
fn statement_value(st: &StatementClaim, catalog: Option<&Catalog>) -> Option<Value> {
    if !st.captured {
        return Some(st.value.clone());
    }
    let def = catalog?.get(&st.fact)?;
    let text = match &st.value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match def.kind {
        FactKind::Count | FactKind::Year => st.value.as_u64().map(|n| json!(n)),
        FactKind::Text => Some(json!(text)),
        FactKind::TextList => Some(json!([text])),
        FactKind::Enum => {
            let v = text.to_lowercase().replace([' ', '-'], "_");
            def.values
                .as_ref()
                .is_some_and(|vs| vs.contains(&v))
                .then(|| json!(v))
        }
        FactKind::Boolean | FactKind::Money => None,
    }
}

/// Text for a YAML comment line: control characters, line and paragraph separators and byte
/// order marks escaped as `\u{..}`, so the comment neither ends early nor holds a byte the
/// facts loader (or a terminal) refuses.
pub fn comment_safe(s: &str) -> String {
    s.chars()
        .map(|c| {
            if crate::source::is_unsafe_control(c)
                || c.is_control()
                || matches!(c, '\u{feff}' | '\u{2028}' | '\u{2029}')
            {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

fn number(v: f64) -> Value {
    if v.fract() == 0.0 && (0.0..9.0e15).contains(&v) {
        json!(v as u64)
    } else {
        json!(v)
    }
}

fn insert_path(tree: &mut Map<String, Value>, path: &str, value: Value) {
    let mut parts = path.split('.').peekable();
    let mut node = tree;
    while let Some(part) = parts.next() {
        if parts.peek().is_none() {
            node.insert(part.to_string(), value);
            return;
        }
        let entry = node
            .entry(part.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        if !entry.is_object() {
            *entry = Value::Object(Map::new());
        }
        let Value::Object(next) = entry else { return };
        node = next;
    }
}

/// "TAJIKISTAN" -> "Tajikistan"; mixed case is kept as written.
fn title_case(s: &str) -> String {
    if s.chars().any(char::is_lowercase) {
        return s.to_string();
    }
    s.split(' ')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_string() + &c.as_str().to_lowercase(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}
