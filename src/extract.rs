//! Claims -> facts: the figures a narrative states, read by the claim patterns, written as a
//! facts file in the catalog's format, so that last year's published narrative can seed this
//! year's facts. Also the stated tier and movement, and the sentences with figures that no
//! pattern read.
//!
//! Sits after `claims::read`; `commands/extract.rs` prints the result.

use indexmap::IndexMap;
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::check::Draft;
use crate::claims::Period;
use crate::rulebook::Catalog;

/// What `extract` reads from one narrative.
#[derive(Debug, Clone, Serialize)]
pub struct Extracted {
    /// A facts file: country, year, period, history, facts.
    pub facts: Value,
    pub stated: Stated,
    pub unread: Vec<Unread>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Stated {
    pub tier: Option<String>,
    pub movement: Option<String>,
}

/// A sentence with a figure that no claim pattern read.
#[derive(Debug, Clone, Serialize)]
pub struct Unread {
    pub line: usize,
    pub text: String,
}

/// Read a parsed draft into facts. `year` overrides the report year of the title line; facts
/// are ordered as in the catalog when one is given.
pub fn extract(draft: &Draft, catalog: Option<&Catalog>, year: Option<i64>) -> Extracted {
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
        put(&k.fact, k.period, number(k.value));
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
    if let (Some(y), Some(m), Some(tier)) = (year, &c.movement, &stated_tier) {
        // "remained on Tier 2 for the third consecutive year": the two years before were Tier 2.
        if m.movement == crate::claims::Movement::Remained {
            let years = m
                .years
                .as_ref()
                .map_or(1, |(n, _)| n.saturating_sub(1).max(1));
            let history: Vec<Value> = (1..=i64::from(years))
                .map(|back| json!({ "year": y - back, "tier": tier }))
                .collect();
            doc.insert("history".into(), Value::Array(history));
        }
    }
    if c.movement.as_ref().is_some_and(|m| m.waiver.is_some()) {
        doc.insert("downgrade_waiver".into(), json!(true));
    }
    doc.insert("facts".into(), Value::Object(tree));

    let unread = c
        .unread
        .iter()
        .map(|s| Unread {
            line: n.file.line_col(s.start).0,
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
