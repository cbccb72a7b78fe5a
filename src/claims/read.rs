//! Reading a narrative into [`Claims`] with the compiled [`ClaimRules`].

use std::collections::HashSet;
use std::ops::Range;

use crate::pattern::Hay;
use crate::prefilter::Starts;

use crate::narrative::{Narrative, INTRO};

use super::figures::{self, Kind, Side, Span};
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
    kind: Kind,
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
        if claims.efforts.is_none() {
            if let Some((tiers, m)) = rules
                .efforts
                .iter()
                .find_map(|(tiers, re)| re.find(st).map(|m| (tiers, m)))
            {
                claims.efforts = Some(StatusClaim {
                    tiers: tiers.clone(),
                    span: s.start + m.start()..s.start + m.end(),
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
    let mut previous_first: Option<FirstFigure> = None;
    let mut last_section: Option<&str> = None;
    for (section, s) in n.sentences() {
        if section != last_section {
            previous_first = None;
            last_section = section;
        }
        if section.is_some_and(|id| !claim_sections.contains(id)) {
            continue;
        }
        let st = &text[s.clone()];
        let hay = Hay::new(st);
        let scanned = scan_numbers(&hay, s.start, rules);
        let candidates = Candidates {
            counts: rules.count_filter.starts(st),
            statements: rules.statement_filter.starts(st),
        };
        let place = Place {
            section: section.unwrap_or(INTRO),
            movement_years: movement_years.as_ref(),
            candidates: &candidates,
            hay: &hay,
        };
        let first_count = read_sentence(
            st,
            s,
            rules,
            &scanned,
            previous_first.as_ref(),
            &place,
            &mut claims,
        );
        previous_first = first_count;
        read_statements(s, rules, &place, &mut claims);
    }
    claims
}

/// Read the statements of one sentence: patterns in order; a fact is read once per sentence
/// and period (the first pattern that states it wins).
fn read_statements(s: &Range<usize>, rules: &ClaimRules, place: &Place<'_>, claims: &mut Claims) {
    let section = place.section;
    let mut read: Vec<(&str, Period)> = Vec::new();
    for (i, p) in rules.statements.iter().enumerate() {
        if !p.sections.is_empty() && !p.sections.iter().any(|id| id == section) {
            continue;
        }
        let begin = place.candidates.statements.of(i);
        let Some(starts) = begin.places() else {
            continue;
        };
        if p.facts
            .iter()
            .all(|f| read.contains(&(f.as_str(), p.period)))
        {
            continue;
        }
        // `is_match` first: it needs no capture slots, and most patterns miss most sentences.
        if !p.re.is_match_in(place.hay, starts) {
            continue;
        }
        let Some(c) = p.re.captures_in(place.hay, starts) else {
            continue;
        };
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

/// Every figure of a sentence: its value, span, whether it is written in digits, and what it
/// is: a figure that can count something, a year (four digits without a comma, 1900-2099), or
/// neither (a share, "10 percent"; a reference, "Article 128"). Figures inside a larger token
/// ("130.1", "COVID-19", "15-year-old") are left out.
fn scan_numbers(hay: &Hay<'_>, base: usize, rules: &ClaimRules) -> Vec<Scanned> {
    let st = hay.text();
    let mut out = Vec::new();
    for m in rules.number.find_iter_in(hay) {
        let t = m.as_str();
        let digits = t.starts_with(|c: char| c.is_ascii_digit());
        let before = st[..m.start()].chars().next_back();
        let after = st[m.end()..].chars().next();
        if before.is_some_and(|c| c == '-' || c == '.' || c == '/' || c.is_alphanumeric())
            || after.is_some_and(|c| c == '-' || c == '/' || c.is_alphanumeric())
        {
            continue;
        }
        let Some(value) = rules.number_value(t) else {
            continue;
        };
        let span = base + m.start()..base + m.end();
        if digits && is_year(t) {
            out.push(Scanned {
                value,
                span,
                digits,
                kind: Kind::Year,
            });
            continue;
        }
        let mut kind = Kind::Number;
        // A reference ("Article 128", "Tier 2"), not a count.
        if let Some(re) = &rules.reference_before {
            let mut from = m.start().saturating_sub(80);
            while !st.is_char_boundary(from) {
                from -= 1;
            }
            if re.is_match(&st[from..m.start()]) {
                kind = Kind::Other;
            }
        }
        let rest = st[m.end()..].trim_start().to_lowercase();
        if rules
            .percent_words
            .iter()
            .any(|w| rest.starts_with(w.as_str()))
        {
            kind = Kind::Other;
        }
        out.push(Scanned {
            value,
            span,
            digits,
            kind,
        });
    }
    out
}

/// The rounding unit of a figure as written: 0.01 for "25.13", one for "600,000", a tenth of
/// the scale for a whole number of millions ("2 million" is written for 1.95 to 2.05 million;
/// 2.04 million would be written so).
fn unit(t: &str, scale: f64) -> f64 {
    match t.split_once('.') {
        Some((_, decimals)) => {
            let n = decimals.chars().take_while(char::is_ascii_digit).count();
            10f64.powi(-i32::try_from(n).unwrap_or(0)) * scale
        }
        None if scale > 1.0 => 0.1 * scale,
        None => 1.0,
    }
}

fn is_year(t: &str) -> bool {
    t.len() == 4 && t.parse::<u32>().is_ok_and(|y| (1900..2100).contains(&y))
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

/// Where a sentence is: its section, the movement's year count (already read), and the
/// sentence as the patterns search it.
struct Place<'a> {
    section: &'a str,
    movement_years: Option<&'a Range<usize>>,
    candidates: &'a Candidates<'a>,
    hay: &'a Hay<'a>,
}

/// Where the count and statement patterns can match one sentence (see [`crate::prefilter`]).
struct Candidates<'r> {
    counts: Starts<'r>,
    statements: Starts<'r>,
}

/// The first figure a sentence claims for this period, for a following "This included ...".
#[derive(Debug, Clone)]
pub(super) struct FirstFigure {
    value: f64,
    span: Range<usize>,
    /// The stem of its counted noun.
    noun: Option<String>,
}

/// The comparison markers of a sentence (absolute spans), earliest first; where two overlap,
/// the one that starts first (on a tie, the first listed).
fn markers(hay: &Hay<'_>, base: usize, rules: &ClaimRules) -> Vec<(Range<usize>, Option<Trend>)> {
    let mut all: Vec<(usize, usize, usize, Option<Trend>)> = Vec::new();
    for (i, (trend, re)) in rules.comparisons.iter().enumerate() {
        for m in re.find_iter_in(hay) {
            all.push((m.start(), i, m.end(), *trend));
        }
    }
    all.sort_by_key(|(start, i, _, _)| (*start, *i));
    let mut out: Vec<(Range<usize>, Option<Trend>)> = Vec::new();
    for (start, _, end, trend) in all {
        if out.last().is_some_and(|(r, _)| start < r.end - base) {
            continue;
        }
        out.push((base + start..base + end, trend));
    }
    out
}

/// Read the figures of one sentence into `claims`. Returns the first figure claimed for this
/// period, for a following "This included ...".
fn read_sentence(
    st: &str,
    s: &Range<usize>,
    rules: &ClaimRules,
    scanned: &[Scanned],
    previous_first: Option<&FirstFigure>,
    place: &Place<'_>,
    claims: &mut Claims,
) -> Option<FirstFigure> {
    let base = s.start;
    // Spans already read (figures and whole value-only matches), absolute.
    let mut consumed: Vec<Range<usize>> = Vec::new();
    if let Some(r) = place.movement_years {
        consumed.push(r.clone());
    }

    // Money first: its figures are never counts.
    let mut money_here: Vec<MoneyClaim> = Vec::new();
    for c in rules
        .money
        .iter()
        .filter(|re| re.is_match_in(place.hay, None))
        .flat_map(|re| re.captures_iter_in(place.hay, None))
    {
        let (Some(whole), Some(amount), Some(cur), Some(usd)) = (
            c.get(0),
            c.name("amount"),
            c.name("currency"),
            c.name("usd"),
        ) else {
            continue;
        };
        // "3.5 million ($4.2 million)" is no amount of the currency "million": a symbol
        // pattern reads "€3.5 million".
        if rules
            .scales
            .contains_key(&cur.as_str().trim().to_lowercase())
        {
            continue;
        }
        // Two patterns may read the same amount: the first wins.
        let whole_abs = base + whole.start()..base + whole.end();
        if money_here.iter().any(|m| overlaps(&m.span, &whole_abs)) {
            continue;
        }
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
        money_here.push(MoneyClaim {
            fact: None,
            amount_unit: unit(amount.as_str(), scale("scale")),
            usd_unit: unit(usd.as_str(), scale("usd_scale")),
            amount: a * scale("scale"),
            currency,
            currency_key: key,
            usd: u * scale("usd_scale"),
            period: Period::Current,
            span: base + whole.start()..base + whole.end(),
            usd_span: base + usd.start()..base + usd.end(),
            sentence: s.clone(),
        });
    }

    // The grammar: figures, what they count, comparisons, breakdowns.
    let marks = markers(place.hay, base, rules);
    let period_words: Vec<Range<usize>> = rules
        .previous_period
        .find_iter_in(place.hay)
        .into_iter()
        .filter(|m| !m.as_str().starts_with(|c: char| c.is_ascii_digit()))
        .map(|m| base + m.start()..base + m.end())
        .collect();
    let mut spans: Vec<Span> = money_here
        .iter()
        .map(|m| Span {
            span: m.span.clone(),
            kind: Kind::Money,
            value: m.amount,
        })
        .collect();
    spans.extend(
        scanned
            .iter()
            .filter(|f| !money_here.iter().any(|m| overlaps(&m.span, &f.span)))
            .map(|f| Span {
                span: f.span.clone(),
                kind: f.kind,
                value: f.value,
            }),
    );
    let stem = |w: &str| rules.stemmer.stem(w);
    let figs = figures::read(
        &rules.grammar,
        st,
        base,
        &spans,
        &marks,
        &period_words,
        &stem,
    );
    let side = |at: usize| figs.side_at(at);
    let earlier = |at: usize| side(at) == Some(Side::Earlier);
    let period_of = |at: usize| match side(at) {
        Some(_) => Period::Previous,
        None => Period::Current,
    };
    // The text that says what a figure of this period is about: its clause, up to the
    // comparison marker after it.
    let about = |at: usize| -> &str {
        let clause = figs
            .tokens
            .iter()
            .find(|t| t.span.start >= at)
            .map_or(0, |t| t.clause);
        let from = figs
            .tokens
            .iter()
            .find(|t| t.clause == clause)
            .map_or(base, |t| t.span.start);
        let to = marks
            .iter()
            .map(|(m, _)| m.start)
            .find(|&m| m > at)
            .into_iter()
            .chain(
                figs.tokens
                    .iter()
                    .rev()
                    .find(|t| t.clause == clause)
                    .map(|t| t.span.end),
            )
            .min()
            .unwrap_or(s.end);
        st.get(from - base..to.max(from) - base).unwrap_or("")
    };

    // Money: its period and fact.
    for m in &mut money_here {
        m.period = period_of(m.span.start);
        if m.period == Period::Current {
            m.fact = rules
                .money_facts
                .iter()
                .find(|(_, re)| re.is_match(about(m.span.start)))
                .map(|(f, _)| f.clone());
        }
        consumed.push(m.span.clone());
    }
    // A previous amount is about the same fact as the current amount it is compared with.
    for c in &figs.comparisons {
        for &(cur, prev) in &c.pairs {
            let (cq, pq) = (&figs.quantities[cur], &figs.quantities[prev]);
            if !(cq.money && pq.money) {
                continue;
            }
            let fact = money_here
                .iter()
                .find(|m| m.span == cq.span)
                .and_then(|m| m.fact.clone());
            if let Some(m) = money_here.iter_mut().find(|m| m.span == pq.span) {
                m.fact = fact;
            }
        }
    }

    // Counts by pattern.
    let mut counts: Vec<CountClaim> = Vec::new();
    for (i, p) in rules.counts.iter().enumerate() {
        if !p.sections.is_empty() && !p.sections.iter().any(|id| id == place.section) {
            continue;
        }
        let begin = place.candidates.counts.of(i);
        let Some(starts) = begin.places() else {
            continue;
        };
        if !p.re.is_match_in(place.hay, starts) {
            continue;
        }
        for c in p.re.captures_iter_in(place.hay, starts) {
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
            if earlier(span.start) {
                continue;
            }
            // "the other four victims identified": the rest of a group, not the total.
            if figs
                .quantities
                .iter()
                .any(|q| q.rest && overlaps(&q.span, &span))
            {
                continue;
            }
            let period = period_of(span.start);
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
        }
    }
    counts.sort_by_key(|k| k.span.start);

    // "did not report any convictions ..., a decrease from 26 convictions": no figure before
    // the marker, but one count read in words; it is what is compared.
    let worded: Vec<Option<(Range<usize>, f64, usize)>> = figs
        .comparisons
        .iter()
        .map(|c| {
            if !c.current.is_empty() {
                return None;
            }
            let mut before = counts
                .iter()
                .filter(|k| k.period == Period::Current && k.span.end <= c.marker.start);
            let k = before.next()?;
            if before.any(|o| o.span != k.span) {
                return None;
            }
            match c.previous().map(|g| g.quantities.as_slice()) {
                Some([p]) if !figs.quantities[*p].money => Some((k.span.clone(), k.value, *p)),
                _ => None,
            }
        })
        .collect();
    // Figures of the previous period no pattern read take the subject of the figure they are
    // compared with (paired by counted noun and position).
    for (ci, c) in figs.comparisons.iter().enumerate() {
        let mut pairs: Vec<(Range<usize>, usize)> = c
            .pairs
            .iter()
            .map(|&(cur, prev)| (figs.quantities[cur].span.clone(), prev))
            .collect();
        if let Some((span, _, p)) = &worded[ci] {
            pairs.push((span.clone(), *p));
        }
        for (cur_span, prev) in pairs {
            let pq = &figs.quantities[prev];
            if pq.money {
                continue;
            }
            let facts: Vec<String> = counts
                .iter()
                .filter(|k| k.period == Period::Current && overlaps(&k.span, &cur_span))
                .map(|k| k.fact.clone())
                .collect();
            for fact in facts {
                if counts
                    .iter()
                    .any(|k| k.period == Period::Previous && k.fact == fact && k.sentence == *s)
                {
                    continue;
                }
                if consumed.iter().any(|r| overlaps(r, &pq.span)) && !pq.stated_zero {
                    // A pattern read it as something else.
                    continue;
                }
                counts.push(CountClaim {
                    fact,
                    value: pq.value,
                    period: Period::Previous,
                    span: pq.span.clone(),
                    sentence: s.clone(),
                    none_reported: false,
                });
            }
            consumed.push(pq.span.clone());
        }
        // "the same number as": the previous figure is the current one.
        if c.trend == Some(Trend::Same) && c.previous().is_none_or(|g| g.quantities.is_empty()) {
            let same: Vec<CountClaim> = counts
                .iter()
                .filter(|k| {
                    k.period == Period::Current
                        && c.current
                            .iter()
                            .any(|&q| overlaps(&figs.quantities[q].span, &k.span))
                })
                .cloned()
                .collect();
            for k in same {
                if !counts
                    .iter()
                    .any(|o| o.period == Period::Previous && o.fact == k.fact && o.sentence == *s)
                {
                    counts.push(CountClaim {
                        period: Period::Previous,
                        span: c.marker.clone(),
                        ..k
                    });
                }
            }
        }
    }
    counts.sort_by_key(|k| k.span.start);

    // Figures of earlier periods are read (and set aside), not left unread.
    for f in scanned {
        if earlier(f.span.start) && !consumed.iter().any(|r| overlaps(r, &f.span)) {
            consumed.push(f.span.clone());
        }
    }

    // The comparisons.
    let figure = |q: usize| Figure {
        value: figs.quantities[q].value,
        span: figs.quantities[q].span.clone(),
    };
    for (ci, c) in figs.comparisons.iter().enumerate() {
        let mut pairs: Vec<(Figure, Figure)> = c
            .pairs
            .iter()
            .map(|&(a, b)| (figure(a), figure(b)))
            .collect();
        let mut current = c.current.last().map(|&q| figure(q));
        if let Some((span, value, p)) = &worded[ci] {
            let here = Figure {
                value: *value,
                span: span.clone(),
            };
            current = Some(here.clone());
            pairs.push((here, figure(*p)));
        }
        let qs = &figs.quantities;
        let counts_ref = &counts;
        let current_facts: Vec<String> = c
            .current
            .iter()
            .flat_map(|&q| {
                counts_ref
                    .iter()
                    .filter(move |k| k.period == Period::Current && overlaps(&k.span, &qs[q].span))
                    .map(|k| k.fact.clone())
            })
            .collect();
        let previous = c.previous();
        claims.comparisons.push(Comparison {
            sentence: s.clone(),
            marker: c.marker.clone(),
            trend: c.trend,
            bracketed: c.bracketed,
            pairs,
            current,
            current_facts,
            has_previous_figure: previous.is_some_and(|g| !g.quantities.is_empty()),
            previous_year: previous.and_then(|g| g.year.clone()),
            earlier_years: c
                .groups
                .iter()
                .skip(1)
                .filter_map(|g| g.year.as_ref().map(|(y, _)| *y))
                .collect(),
            current_year: c.current_year,
            year_in_range: c.year_in_range,
            names_period: c
                .groups
                .first()
                .is_some_and(|g| g.year.is_some() || g.period_words),
            previous_part: c.after.clone(),
        });
    }

    // Counters.
    for c in rules
        .counters
        .is_match_in(place.hay, None)
        .then(|| rules.counters.captures_iter_in(place.hay, None))
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
                .find(|(_, re)| re.is_match_in(place.hay, None))
                .map(|(f, _)| f.clone());
            claims.counters.push(CounterClaim {
                fact,
                n: v,
                span,
                sentence: s.clone(),
            });
        }
    }

    // Breakdowns.
    for b in &figs.breakdowns {
        let whole = match b.whole {
            Some(w) => figure(w),
            None => match previous_first {
                // "These victims included ...": the subject names what the figure counted.
                Some(f) if b.subject.is_none() || f.noun.is_none() || b.subject == f.noun => {
                    Figure {
                        value: f.value,
                        span: f.span.clone(),
                    }
                }
                _ => continue,
            },
        };
        let parts: Vec<Figure> = b.parts.iter().map(|&p| figure(p)).collect();
        for f in &parts {
            consumed.push(f.span.clone());
        }
        consumed.push(whole.span.clone());
        // Parts that are facts of their own: "Of the 134 identified victims, 71 were foreign
        // nationals", when 134 is the figure of the whole's fact.
        for (whole_fact, fact, re) in &rules.breakdown_facts {
            let is_whole = claims.counts.iter().chain(&counts).any(|k| {
                &k.fact == whole_fact
                    && k.period == Period::Current
                    && (k.value - whole.value).abs() < f64::EPSILON
            });
            if !is_whole {
                continue;
            }
            for (part, item) in parts.iter().zip(&b.items) {
                let words = st
                    .get(item.start.saturating_sub(base)..item.end.saturating_sub(base))
                    .unwrap_or("");
                if re.is_match(words)
                    && !counts
                        .iter()
                        .any(|k| &k.fact == fact && k.period == Period::Current)
                {
                    counts.push(CountClaim {
                        fact: fact.clone(),
                        value: part.value,
                        period: Period::Current,
                        span: part.span.clone(),
                        sentence: s.clone(),
                        none_reported: false,
                    });
                }
            }
        }
        claims.parts.push(PartsClaim {
            whole,
            parts,
            items: b.items.clone(),
            exhaustive: b.exhaustive,
            remainder: b.remainder,
            sentence: s.clone(),
        });
    }

    // Unread: a figure in digits that nothing read.
    for k in &counts {
        consumed.push(k.span.clone());
    }
    if scanned.iter().any(|f| {
        f.digits && f.kind == Kind::Number && !consumed.iter().any(|r| overlaps(r, &f.span))
    }) {
        claims.unread.push(s.clone());
    }

    let noun_at = |span: &Range<usize>| {
        figs.quantities
            .iter()
            .find(|q| overlaps(&q.span, span))
            .and_then(|q| q.noun.clone())
    };
    let first = counts
        .iter()
        .find(|k| k.period == Period::Current)
        .map(|k| FirstFigure {
            value: k.value,
            span: k.span.clone(),
            noun: noun_at(&k.span),
        })
        .or_else(|| {
            figs.quantities
                .iter()
                .find(|q| !q.stated_zero && !q.money && !q.duration && side(q.span.start).is_none())
                .map(|q| FirstFigure {
                    value: q.value,
                    span: q.span.clone(),
                    noun: q.noun.clone(),
                })
        });
    claims.counts.extend(counts);
    money_here.sort_by_key(|m| m.span.start);
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
