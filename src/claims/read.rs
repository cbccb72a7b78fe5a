//! Reading a narrative into [`Claims`] with the compiled [`ClaimRules`].

use std::collections::HashSet;
use std::ops::Range;

use crate::narrative::{Narrative, INTRO};

use super::rules::ClaimRules;
use super::{
    Claims, Comparison, CountClaim, CounterClaim, Figure, MoneyClaim, MovementClaim, OpenerClaim,
    PartsClaim, Period, StatementClaim, StatusClaim, TierClaim, Trend,
};

/// A figure found by the generic number scan.
#[derive(Debug, Clone)]
struct Scanned {
    value: f64,
    span: Range<usize>,
    digits: bool,
}

/// Read every claim of a narrative.
pub fn read(n: &Narrative, rules: &ClaimRules) -> Claims {
    let text = n.file.text.as_str();
    let mut claims = Claims::default();

    if let Some(h) = &n.heading {
        claims.heading_tier = Some(TierClaim {
            id: rules.tier_id(&h.tier_text).map(str::to_string),
            text: h.tier_text.clone(),
            span: h.tier_span.clone(),
        });
    }

    // Intro: status, movement, waiver.
    let mut waiver = None;
    for s in n.intro_sentences() {
        let st = &text[s.clone()];
        if claims.status.is_none() {
            if let Some((tiers, _)) = rules.status.iter().find(|(_, re)| re.is_match(st)) {
                claims.status = Some(StatusClaim {
                    tiers: tiers.clone(),
                    span: s.clone(),
                });
            }
        }
        if waiver.is_none() {
            if let Some(m) = rules.waiver.find(st) {
                waiver = Some(s.start + m.start()..s.start + m.end());
            }
        }
        if claims.movement.is_none() {
            claims.movement = read_movement(st, s, rules);
        }
        if claims.placements.is_none() {
            claims.placements = rules
                .history
                .placements
                .iter()
                .find(|p| p.re.is_match(st))
                .map(|p| p.tiers.clone());
        }
    }
    if let Some(m) = &mut claims.movement {
        m.waiver = waiver;
    }

    // Pillar openers: the first sentence of each pillar section.
    for sec in &n.sections {
        let Some(shape) = rules.layout.sections.iter().find(|s| s.id == sec.id) else {
            continue;
        };
        let Some(pillar) = &shape.pillar else {
            continue;
        };
        let Some(first) = sec.blocks.first().and_then(|b| b.sentences.first()) else {
            continue;
        };
        if let Some(c) = rules.opener.captures(&text[first.clone()]) {
            let trend = c
                .name("trend")
                .and_then(|t| rules.opener_trends.get(&t.as_str().to_lowercase()))
                .cloned();
            claims.openers.push(OpenerClaim {
                section: sec.id.clone(),
                pillar: pillar.clone(),
                trend,
                qualifier: c
                    .name("qualifier")
                    .map_or(String::new(), |q| q.as_str().trim().to_string()),
                span: first.clone(),
            });
        }
    }

    // Figures: intro and the sections that make claims.
    let claim_sections: HashSet<&str> = rules
        .layout
        .sections
        .iter()
        .filter(|s| s.claims && !s.recommendations)
        .map(|s| s.id.as_str())
        .collect();
    // The movement's tier and year count are not figures to read again.
    let movement_years = claims.movement.as_ref().map(|m| {
        let end = m.years.as_ref().map_or(m.span.end, |(_, r)| r.end);
        m.span.start..end
    });
    let mut previous_sentence: Option<(Range<usize>, Vec<Scanned>, Option<f64>)> = None;
    let mut last_section: Option<&str> = None;
    for (section, s) in n.sentences() {
        if section != last_section {
            previous_sentence = None;
            last_section = section;
        }
        if section.is_some_and(|id| !claim_sections.contains(id)) {
            continue;
        }
        let st = &text[s.clone()];
        let scanned = scan_numbers(st, s.start, rules);
        let candidates = Candidates {
            counts: rules.count_filter.candidates(st),
            statements: rules.statement_filter.candidates(st),
        };
        let place = Place {
            section: section.unwrap_or(INTRO),
            movement_years: movement_years.as_ref(),
            candidates: &candidates,
        };
        let first_count = read_sentence(
            st,
            s,
            rules,
            &scanned,
            &previous_sentence,
            &place,
            &mut claims,
        );
        previous_sentence = Some((s.clone(), scanned, first_count));
        read_statements(st, s, rules, &place, &mut claims);
    }
    claims
}

/// Read the statements of one sentence: patterns in order; a fact is read once per sentence
/// and period (the first pattern that states it wins).
fn read_statements(
    st: &str,
    s: &Range<usize>,
    rules: &ClaimRules,
    place: &Place<'_>,
    claims: &mut Claims,
) {
    let section = place.section;
    let mut read: Vec<(&str, Period)> = Vec::new();
    for (i, p) in rules.statements.iter().enumerate() {
        if !p.sections.is_empty() && !p.sections.iter().any(|id| id == section) {
            continue;
        }
        if !place.candidates.statements.get(i).copied().unwrap_or(true) {
            continue;
        }
        if p.facts
            .iter()
            .all(|f| read.contains(&(f.as_str(), p.period)))
        {
            continue;
        }
        // `is_match` first: it needs no capture slots, and most patterns miss most sentences.
        if !p.re.is_match(st) {
            continue;
        }
        let Some(c) = p.re.captures(st) else { continue };
        let Some(whole) = c.get(0) else { continue };
        let (value, captured, at) = match (&p.value, c.name("value")) {
            (Some(v), _) => (v.clone(), false, whole),
            (None, Some(m)) => {
                let text = m.as_str().split_whitespace().collect::<Vec<_>>().join(" ");
                let v = match rules.number_value(&text) {
                    Some(n) if n.fract() == 0.0 && (0.0..9.0e15).contains(&n) => {
                        serde_json::Value::from(n as u64)
                    }
                    _ => serde_json::Value::String(text),
                };
                (v, true, m)
            }
            (None, None) => continue,
        };
        for f in &p.facts {
            if read.contains(&(f.as_str(), p.period)) {
                continue;
            }
            read.push((f.as_str(), p.period));
            claims.statements.push(StatementClaim {
                fact: f.clone(),
                value: value.clone(),
                captured,
                period: p.period,
                span: s.start + at.start()..s.start + at.end(),
                sentence: s.clone(),
            });
        }
    }
}

fn read_movement(st: &str, s: &Range<usize>, rules: &ClaimRules) -> Option<MovementClaim> {
    rules.movement.iter().find_map(|(kind, re)| {
        let c = re.captures(st)?;
        let whole = c.get(0)?;
        let tier = c.name("tier")?;
        let after = &st[whole.end()..];
        let years = rules.movement_years.captures(after).and_then(|y| {
            let m = y.get(0)?;
            // Only when it follows the tier directly.
            if !after[..m.start()].trim().is_empty() {
                return None;
            }
            let n = y.name("n").and_then(|n| rules.ordinal_value(n.as_str()))?;
            let at = s.start + whole.end();
            Some((n, at + m.start()..at + m.end()))
        });
        Some(MovementClaim {
            movement: *kind,
            tier: TierClaim {
                id: rules.tier_id(tier.as_str()).map(str::to_string),
                text: tier.as_str().to_string(),
                span: s.start + tier.start()..s.start + tier.end(),
            },
            sentence: s.clone(),
            span: s.start + whole.start()..s.start + whole.end(),
            years,
            waiver: None,
        })
    })
}

/// Every figure of a sentence: its value, span, and whether it is written in digits. Years
/// (four digits without a comma, 1900-2099) and shares ("10 percent") are left out.
fn scan_numbers(st: &str, base: usize, rules: &ClaimRules) -> Vec<Scanned> {
    let mut out = Vec::new();
    for m in rules.number.find_iter(st) {
        let t = m.as_str();
        let digits = t.starts_with(|c: char| c.is_ascii_digit());
        if digits && is_year(t) {
            continue;
        }
        // A figure inside a larger token ("130.1", "COVID-19", "15-year-old") is not a count.
        let before = st[..m.start()].chars().next_back();
        let after = st[m.end()..].chars().next();
        if before.is_some_and(|c| c == '-' || c == '.' || c == '/' || c.is_alphanumeric())
            || after.is_some_and(|c| c == '-' || c == '/' || c.is_alphanumeric())
        {
            continue;
        }
        // A reference ("Article 128", "Tier 2"), not a count.
        if let Some(re) = &rules.reference_before {
            let mut from = m.start().saturating_sub(80);
            while !st.is_char_boundary(from) {
                from -= 1;
            }
            if re.is_match(&st[from..m.start()]) {
                continue;
            }
        }
        let rest = st[m.end()..].trim_start().to_lowercase();
        if rules
            .percent_words
            .iter()
            .any(|w| rest.starts_with(w.as_str()))
        {
            continue;
        }
        if let Some(value) = rules.number_value(t) {
            out.push(Scanned {
                value,
                span: base + m.start()..base + m.end(),
                digits,
            });
        }
    }
    out
}

/// The spans (absolute) of the bracketed passages of a text, nesting included.
fn bracketed_spans(text: &str, base: usize) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    for (i, ch) in text.char_indices() {
        match ch {
            '(' => open.push(i),
            ')' => {
                if let Some(start) = open.pop() {
                    if open.is_empty() {
                        out.push(base + start..base + i + 1);
                    }
                }
            }
            _ => {}
        }
    }
    // An unclosed bracket runs to the end.
    if let Some(start) = open.first() {
        out.push(base + start..base + text.len());
    }
    out
}

fn is_year(t: &str) -> bool {
    t.len() == 4 && t.parse::<u32>().is_ok_and(|y| (1900..2100).contains(&y))
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

/// Where a sentence is: its section, and the movement's year count (already read).
struct Place<'a> {
    section: &'a str,
    movement_years: Option<&'a Range<usize>>,
    candidates: &'a Candidates,
}

/// Which count and statement patterns can match one sentence (see [`crate::prefilter`]).
struct Candidates {
    counts: Vec<bool>,
    statements: Vec<bool>,
}

/// Read the figures of one sentence into `claims`. Returns the first current count, for a
/// following "This included ...".
fn read_sentence(
    st: &str,
    s: &Range<usize>,
    rules: &ClaimRules,
    scanned: &[Scanned],
    previous_sentence: &Option<(Range<usize>, Vec<Scanned>, Option<f64>)>,
    place: &Place<'_>,
    claims: &mut Claims,
) -> Option<f64> {
    let base = s.start;
    // The comparison marker: the earliest; on a tie, the first listed.
    let marker = rules
        .comparisons
        .iter()
        .filter_map(|(trend, re)| re.find(st).map(|m| (m.start(), m.end(), *trend)))
        .min_by_key(|(start, _, _)| *start);
    let split = marker.map_or(st.len(), |(start, _, _)| start);
    let prev_from = marker.map_or(st.len(), |(_, end, _)| end);
    // A comparison speaks for its clause: the previous period ends at the next `;`, and the
    // figures it compares are after the last `;` before it ("referred 148 victims; 24 percent
    // in 2022, compared with 23 percent in 2021").
    let clause_start = st[..split].rfind(';').map_or(0, |i| i + 1);
    let prev_to = st[prev_from..]
        .find(';')
        .map_or(st.len(), |i| prev_from + i);
    // "compared with 80 in 2019 and 74 in 2018": after the first period it names, the figures
    // are of earlier periods, neither this one nor the previous one.
    let earlier_from = marker
        .and_then(|_| {
            let m = rules.previous_period.find(&st[prev_from..prev_to])?;
            let figure_before = scanned.iter().any(|f| {
                f.span.start >= base + prev_from && f.span.start < base + prev_from + m.start()
            });
            figure_before.then_some(prev_from + m.end())
        })
        .unwrap_or(prev_to);
    let earlier = |at: usize| at >= earlier_from && at < prev_to;
    let period_of = |at: usize| {
        if at >= prev_from && at < prev_to {
            Period::Previous
        } else {
            Period::Current
        }
    };
    // Spans already read (figures and whole value-only matches), absolute.
    let mut consumed: Vec<Range<usize>> = Vec::new();
    if let Some(r) = place.movement_years {
        consumed.push(r.clone());
    }

    // Money first: its figures are never counts.
    let mut money_here: Vec<MoneyClaim> = Vec::new();
    for c in rules
        .money
        .is_match(st)
        .then(|| rules.money.captures_iter(st))
        .into_iter()
        .flatten()
    {
        let (Some(whole), Some(amount), Some(cur), Some(usd)) = (
            c.get(0),
            c.name("amount"),
            c.name("currency"),
            c.name("usd"),
        ) else {
            continue;
        };
        let scale = |g: &str| {
            c.name(g)
                .and_then(|m| rules.scales.get(&m.as_str().to_lowercase()).copied())
                .unwrap_or(1.0)
        };
        let (Some(a), Some(u)) = (
            rules.number_value(amount.as_str()),
            rules.number_value(usd.as_str()),
        ) else {
            continue;
        };
        let currency = cur
            .as_str()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        // Grouped by the whole name when known, else by its last word ("Velorian dinar" and
        // "dinar" are one currency).
        let lower = currency.to_lowercase();
        let last = lower.rsplit(' ').next().unwrap_or(&lower);
        let key = rules
            .currencies
            .get(&lower)
            .or_else(|| rules.currencies.get(last))
            .or_else(|| claims.currency_codes.get(&lower))
            .cloned()
            .unwrap_or_else(|| last.to_string());
        // "25 million Kazakhstani tenge (KZT) ($77,920)": later "KZT" amounts are that currency.
        if let Some(code) = c.name("code") {
            claims
                .currency_codes
                .entry(code.as_str().to_lowercase())
                .or_insert_with(|| key.clone());
        }
        let period = period_of(whole.start());
        let part = if period == Period::Previous {
            &st[prev_from..prev_to]
        } else if whole.start() >= prev_to {
            &st[prev_to..]
        } else {
            &st[..split]
        };
        let fact = rules
            .money_facts
            .iter()
            .find(|(_, re)| re.is_match(part))
            .map(|(f, _)| f.clone())
            .filter(|_| !earlier(whole.start()));
        consumed.push(base + whole.start()..base + whole.end());
        money_here.push(MoneyClaim {
            fact,
            amount: a * scale("scale"),
            currency,
            currency_key: key,
            usd: u * scale("usd_scale"),
            period,
            span: base + whole.start()..base + whole.end(),
            usd_span: base + usd.start()..base + usd.end(),
            sentence: s.clone(),
        });
    }
    // A previous-period amount is about the same fact as the current one before it.
    let first_fact = money_here
        .iter()
        .find(|m| m.period == Period::Current)
        .and_then(|m| m.fact.clone());
    for m in &mut money_here {
        if m.period == Period::Previous && !earlier(m.span.start - base) {
            m.fact = first_fact.clone().or(m.fact.take());
        }
    }

    // Counts by pattern.
    let mut counts: Vec<CountClaim> = Vec::new();
    for (i, p) in rules.counts.iter().enumerate() {
        if !p.sections.is_empty() && !p.sections.iter().any(|id| id == place.section) {
            continue;
        }
        if !place.candidates.counts.get(i).copied().unwrap_or(true) || !p.re.is_match(st) {
            continue;
        }
        for c in p.re.captures_iter(st) {
            let Some(whole) = c.get(0) else { continue };
            let whole_abs = base + whole.start()..base + whole.end();
            let (value, span, none_reported) = if let Some(nm) = c.name("n") {
                let span = base + nm.start()..base + nm.end();
                let Some(v) = rules.number_value(nm.as_str()) else {
                    continue;
                };
                if nm.as_str().starts_with(|ch: char| ch.is_ascii_digit()) && is_year(nm.as_str()) {
                    continue;
                }
                (v, span, false)
            } else if p.same_as_previous {
                let Some(prev) = counts
                    .iter()
                    .filter(|k| k.span.start < whole_abs.start)
                    .max_by_key(|k| k.span.start)
                else {
                    continue;
                };
                (prev.value, whole_abs.clone(), false)
            } else {
                (p.value.unwrap_or(0.0), whole_abs.clone(), true)
            };
            if consumed.iter().any(|r| overlaps(r, &span))
                || (none_reported && consumed.iter().any(|r| overlaps(r, &whole_abs)))
            {
                continue;
            }
            consumed.push(span.clone());
            if earlier(span.start - base) {
                continue;
            }
            let period = period_of(span.start - base);
            for f in &p.facts {
                counts.push(CountClaim {
                    fact: f.clone(),
                    value,
                    period,
                    span: span.clone(),
                    sentence: s.clone(),
                    none_reported,
                });
            }
            // "initiated 17 investigations (10 in 2017)": the previous figure in brackets.
            let bracketed = rules
                .previous_in_brackets
                .as_ref()
                .filter(|_| period == Period::Current && c.name("n").is_some())
                .and_then(|re| re.captures(&st[whole.end()..]))
                .and_then(|bc| bc.name("n"))
                .and_then(|nm| {
                    let v = rules.number_value(nm.as_str())?;
                    let at = base + whole.end();
                    Some((v, at + nm.start()..at + nm.end()))
                });
            if let Some((v, span)) = bracketed {
                if !consumed.iter().any(|r| overlaps(r, &span)) {
                    consumed.push(span.clone());
                    for f in &p.facts {
                        counts.push(CountClaim {
                            fact: f.clone(),
                            value: v,
                            period: Period::Previous,
                            span: span.clone(),
                            sentence: s.clone(),
                            none_reported: false,
                        });
                    }
                }
            }
        }
    }
    counts.sort_by_key(|k| k.span.start);

    // Previous-period figures no pattern read take the subjects of the current ones, in order.
    if let Some((_, _, trend)) = marker {
        let mut waiting: Vec<String> = counts
            .iter()
            .filter(|k| k.period == Period::Current)
            .filter(|k| k.span.start >= base + clause_start && k.span.start < base + split)
            .map(|k| k.fact.clone())
            .filter(|f| {
                !counts
                    .iter()
                    .any(|k| k.period == Period::Previous && &k.fact == f)
            })
            .collect();
        waiting.dedup();
        let loose: Vec<&Scanned> = scanned
            .iter()
            .filter(|f| f.span.start >= base + prev_from && f.span.start < base + earlier_from)
            .filter(|f| !consumed.iter().any(|r| overlaps(r, &f.span)))
            .collect();
        if trend == Some(Trend::Same) && loose.is_empty() {
            // "the same number as": the previous figure is the current one.
            for k in counts.clone() {
                if k.period == Period::Current && waiting.contains(&k.fact) {
                    counts.push(CountClaim {
                        period: Period::Previous,
                        span: base + split..base + prev_from,
                        ..k
                    });
                }
            }
        } else if loose.is_empty() {
            // "compared with none in 2020", "compared to no prosecutions in 2018": zero.
            let zero = rules.previous_zero.as_ref().and_then(|re| {
                let m = re.find(&st[prev_from..prev_to])?;
                let lead = m.as_str().len() - m.as_str().trim_start().len();
                Some(base + prev_from + m.start() + lead..base + prev_from + m.end())
            });
            if let (Some(span), Some(fact)) = (zero, waiting.first()) {
                consumed.push(span.clone());
                counts.push(CountClaim {
                    fact: fact.clone(),
                    value: 0.0,
                    period: Period::Previous,
                    span,
                    sentence: s.clone(),
                    none_reported: false,
                });
            }
        } else {
            for (fact, fig) in waiting.iter().zip(loose) {
                let none = false;
                consumed.push(fig.span.clone());
                counts.push(CountClaim {
                    fact: fact.clone(),
                    value: fig.value,
                    period: Period::Previous,
                    span: fig.span.clone(),
                    sentence: s.clone(),
                    none_reported: none,
                });
            }
        }
    }

    // Figures of earlier periods are read (and set aside), not left unread.
    for f in scanned {
        if earlier(f.span.start - base) && !consumed.iter().any(|r| overlaps(r, &f.span)) {
            consumed.push(f.span.clone());
        }
    }

    // The comparison itself.
    if let Some((start, end, trend)) = marker {
        let in_clause = |r: &Range<usize>| r.start >= base + clause_start && r.start < base + start;
        let cur_fig = counts
            .iter()
            .find(|k| k.period == Period::Current && in_clause(&k.span))
            .map(|k| {
                (
                    Some(k.fact.clone()),
                    Figure {
                        value: k.value,
                        span: k.span.clone(),
                    },
                )
            })
            .or_else(|| {
                money_here
                    .iter()
                    .find(|m| m.period == Period::Current && in_clause(&m.span))
                    .map(|m| {
                        (
                            None,
                            Figure {
                                value: m.amount,
                                span: m.span.clone(),
                            },
                        )
                    })
            })
            .or_else(|| {
                // The last figure before the marker, outside brackets ("25 victims (eight ...
                // and 17 ...), compared with 33").
                let bracketed = bracketed_spans(&st[..start], base);
                scanned
                    .iter()
                    .rev()
                    .filter(|f| !bracketed.iter().any(|b| overlaps(b, &f.span)))
                    .find(|f| f.span.end <= base + start && f.span.start >= base + clause_start)
                    .map(|f| {
                        (
                            None,
                            Figure {
                                value: f.value,
                                span: f.span.clone(),
                            },
                        )
                    })
            });
        let prev_fig = match &cur_fig {
            Some((Some(fact), _)) => counts
                .iter()
                .find(|k| {
                    k.period == Period::Previous && &k.fact == fact && k.span.start >= base + end
                })
                .map(|k| Figure {
                    value: k.value,
                    span: k.span.clone(),
                }),
            _ => None,
        }
        .or_else(|| {
            // "compared with none in 2020": a previous figure of zero in words.
            let re = rules.previous_zero.as_ref()?;
            let m = re.find(&st[end..prev_to.max(end)])?;
            let lead = m.as_str().len() - m.as_str().trim_start().len();
            Some(Figure {
                value: 0.0,
                span: base + end + m.start() + lead..base + end + m.end(),
            })
        })
        .or_else(|| {
            money_here
                .iter()
                .find(|m| m.period == Period::Previous)
                .filter(|_| cur_fig.as_ref().is_some_and(|(f, _)| f.is_none()))
                .map(|m| Figure {
                    value: m.amount,
                    span: m.span.clone(),
                })
        })
        .or_else(|| {
            scanned
                .iter()
                .find(|f| {
                    f.span.start >= base + end
                        && f.span.start < base + earlier_from
                        && !money_here.iter().any(|m| overlaps(&m.span, &f.span))
                })
                .map(|f| Figure {
                    value: f.value,
                    span: f.span.clone(),
                })
        });
        let previous_part = base + end..base + prev_to.max(end);
        claims.comparisons.push(Comparison {
            sentence: s.clone(),
            marker: base + start..base + end,
            trend,
            current: cur_fig.map(|(_, f)| f),
            previous: prev_fig,
            previous_part: previous_part.clone(),
            names_period: rules.previous_period.is_match(&st[end..prev_to.max(end)]),
        });
    }

    // Counters.
    for c in rules
        .counters
        .is_match(st)
        .then(|| rules.counters.captures_iter(st))
        .into_iter()
        .flatten()
    {
        let (Some(whole), Some(nm)) = (c.get(0), c.name("n")) else {
            continue;
        };
        let span = base + whole.start()..base + whole.end();
        if consumed.iter().any(|r| overlaps(r, &span)) {
            continue;
        }
        if let Some(v) = rules.ordinal_value(nm.as_str()) {
            consumed.push(span.clone());
            let fact = rules
                .counter_facts
                .iter()
                .find(|(_, re)| re.is_match(st))
                .map(|(f, _)| f.clone());
            claims.counters.push(CounterClaim {
                fact,
                n: v,
                span,
                sentence: s.clone(),
            });
        }
    }

    // Parts of a whole.
    for p in &rules.parts {
        if !p.re.is_match(st) {
            continue;
        }
        for c in p.re.captures_iter(st) {
            let Some(parts_m) = c.name("parts") else {
                continue;
            };
            let whole = if p.whole_from_previous {
                previous_sentence
                    .as_ref()
                    .and_then(|(ps, scanned_prev, first)| {
                        let value = first.or_else(|| scanned_prev.first().map(|f| f.value))?;
                        let span = scanned_prev
                            .iter()
                            .find(|f| f.value == value)
                            .map_or(ps.clone(), |f| f.span.clone());
                        Some(Figure { value, span })
                    })
            } else {
                c.name("whole").and_then(|w| {
                    if is_year(w.as_str()) {
                        return None;
                    }
                    Some(Figure {
                        value: rules.number_value(w.as_str())?,
                        span: base + w.start()..base + w.end(),
                    })
                })
            };
            let Some(whole) = whole else { continue };
            // The parts end where one of them is broken down further ("127 victims,
            // including 26 children"); figures in brackets break a part down too.
            let parts_text = parts_m.as_str();
            let stop = rules
                .parts_stop
                .as_ref()
                .and_then(|re| re.find(parts_text))
                .map_or(parts_text.len(), |m| m.start());
            // Nor do figures after a comparison marker belong to them ("94 victims, including
            // 87 ... and seven ..., compared with 108 in 2020").
            let stop = if split > parts_m.start() {
                stop.min(split - parts_m.start())
            } else {
                stop
            };
            let range = base + parts_m.start()..base + parts_m.start() + stop;
            let bracketed = bracketed_spans(parts_text, base + parts_m.start());
            let parts: Vec<Figure> = scanned
                .iter()
                .filter(|f| f.span.start >= range.start && f.span.end <= range.end)
                .filter(|f| !bracketed.iter().any(|b| overlaps(b, &f.span)))
                .filter(|f| !money_here.iter().any(|m| overlaps(&m.span, &f.span)))
                .map(|f| Figure {
                    value: f.value,
                    span: f.span.clone(),
                })
                .collect();
            if !parts.is_empty() {
                for f in &parts {
                    consumed.push(f.span.clone());
                }
                consumed.push(whole.span.clone());
                claims.parts.push(PartsClaim {
                    whole,
                    parts,
                    sentence: s.clone(),
                });
            }
        }
    }

    // Unread: a figure in digits that nothing read.
    for k in &counts {
        consumed.push(k.span.clone());
    }
    if scanned
        .iter()
        .any(|f| f.digits && !consumed.iter().any(|r| overlaps(r, &f.span)))
    {
        claims.unread.push(s.clone());
    }

    let first = counts
        .iter()
        .find(|k| k.period == Period::Current)
        .map(|k| k.value);
    claims.counts.extend(counts);
    claims.money.extend(money_here);
    first
}

#[cfg(test)]
#[allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::claims::rules::tests::rules;
    use crate::source::SourceFile;

    #[test]
    fn statements_read_negations_before_the_plain_wording() {
        let r = rules();
        let text = "Country (Tier 2)\n\nThe Government of Country does not fully meet the minimum standards for the elimination of trafficking but is making significant efforts to do so.\n\nPROTECTION\n\nThe government maintained protection efforts. The government did not keep victims' personal information confidential or provide protection for victim witnesses. Authorities did not report whether they adopted SOPs for victim identification.\n\nPREVENTION\n\nThe government maintained efforts to prevent trafficking. The government made no efforts to reduce the demand for commercial sex acts. In 2021, the government adopted a NAP for 2021-2025.\n";
        let file = SourceFile::new("draft.txt", text);
        let n = crate::narrative::parse(&file, &r.layout);
        let c = read(&n, &r);
        let got: Vec<(String, String)> = c
            .statements
            .iter()
            .map(|s| (s.fact.clone(), s.value.to_string()))
            .collect();
        for (fact, value) in [
            ("protection.victim_confidentiality", "false"),
            ("protection.witness_protection", "false"),
            ("protection.sops_status", "\"not_reported\""),
            ("prevention.demand_reduction", "false"),
            ("prevention.nap_status", "\"adopted\""),
            ("prevention.nap_adopted_year", "2021"),
            ("prevention.nap_period", "\"2021-2025\""),
        ] {
            assert!(
                got.contains(&(fact.to_string(), value.to_string())),
                "{fact} = {value} not in {got:?}"
            );
        }
        assert!(!got
            .iter()
            .any(|(f, v)| f == "prevention.demand_reduction" && v == "true"));
    }
}
