//! `evaluate(&Rulebook, &Facts) -> Assessment`: pure, no I/O. Indicators score the criteria,
//! signals give each pillar its trend, and the decision stages place the country on a tier.
//! Every result carries the facts and values that produced it.

use std::collections::{HashMap, HashSet};

use indexmap::IndexMap;
use serde_json::{json, Map as JsonMap, Value as Json};

use crate::assessment::*;
use crate::diagnostic::Diagnostic;
use crate::expr::{Bindings, Condition, EvalError, Val, Verdict};
use crate::facts::{FactValue, Facts, Reading};
use crate::rulebook::schema::{Direction, Effect, FactKind, ParamValue};
use crate::rulebook::{Criterion, Rulebook};

/// Assess one country's facts under a rule set.
pub fn evaluate(rules: &Rulebook, facts: &Facts) -> Assessment {
    let mut problems = Vec::new();
    let mut bindings = base_bindings(rules, facts);
    let text_context = text_context(rules, facts);

    let tera_context = tera::Context::from_serialize(&text_context).unwrap_or_default();
    let mut findings = Vec::new();
    let mut standards = Vec::new();
    let mut criteria = Vec::new();
    for (list, out) in [
        (&rules.standards, &mut standards),
        (&rules.criteria, &mut criteria),
    ] {
        for c in list {
            out.push(score_criterion(
                rules,
                c,
                facts.year,
                &bindings,
                &text_context,
                &tera_context,
                &mut findings,
                &mut problems,
            ));
        }
    }

    // Pillar trends.
    let mut pillars = IndexMap::new();
    for p in &rules.pillars {
        let mut score = 0i64;
        let mut hits = Vec::new();
        for s in rules.signals.iter().filter(|s| s.pillar == p.id) {
            // A signal not in force for the report year does not run.
            let Some(v) = s.at(facts.year) else { continue };
            match v.condition.eval(&bindings) {
                Ok(Verdict::True) => {
                    let w = i64::from(s.weight);
                    score += if s.direction == Direction::Up { w } else { -w };
                    hits.push(SignalResult {
                        id: s.id.clone(),
                        version: v.label(),
                        direction: s.direction,
                        weight: s.weight,
                        text: s.text.clone(),
                        citation: v.citation.clone(),
                        evidence: evidence(&v.condition, facts),
                    });
                }
                Ok(Verdict::False | Verdict::Unknown(_)) | Err(EvalError::Undecidable(_)) => {}
                Err(e @ (EvalError::NotBoolean(_) | EvalError::Budget(_))) => {
                    problems.push(format!("signal `{}` {e}", s.id))
                }
            }
        }
        let trend = if score >= rules.trend.increased_at {
            Trend::Increased
        } else if score <= rules.trend.decreased_at {
            Trend::Decreased
        } else {
            Trend::Maintained
        };
        pillars.insert(
            p.id.clone(),
            PillarResult {
                title: p.title.clone(),
                citation: p.citation.clone(),
                trend,
                score,
                signals: hits,
                qualifier: None,
            },
        );
    }

    // Totals over standards and criteria.
    let mut totals = Totals::default();
    for c in standards.iter().chain(&criteria) {
        totals.score += c.score;
        totals.strengths += c.strengths;
        totals.gaps += c.gaps;
        totals.key_gaps += c.key_gaps;
        totals.unknown += c
            .indicators
            .iter()
            .filter(|i| i.outcome == Outcome::Unknown)
            .count() as u32;
    }
    totals.unmet_standards = standards.iter().filter(|s| s.status != Status::Met).count() as u32;

    // The decision.
    let results = |list: &[CriterionResult]| -> Json {
        let mut m = JsonMap::new();
        for c in list {
            m.insert(
                c.id.clone(),
                json!({"status": c.status.as_str(), "score": c.score, "strengths": c.strengths, "gaps": c.gaps, "key_gaps": c.key_gaps}),
            );
        }
        Json::Object(m)
    };
    bindings.set_json("criteria", &results(&criteria));
    bindings.set_json("standards", &results(&standards));
    let mut pm = JsonMap::new();
    for (id, p) in &pillars {
        pm.insert(
            id.clone(),
            json!({"trend": p.trend.as_str(), "score": p.score}),
        );
    }
    bindings.set_json("pillars", &Json::Object(pm));
    bindings.set_json(
        "totals",
        &serde_json::to_value(&totals).unwrap_or(Json::Null),
    );

    // Opener qualifiers: for each pillar, the first whose condition holds.
    for (id, p) in pillars.iter_mut() {
        let mut view = json!({"id": id, "trend": p.trend.as_str(), "score": p.score,
            "strengths": 0, "gaps": 0, "key_gaps": 0, "not_met": 0});
        for c in standards
            .iter()
            .chain(&criteria)
            .filter(|c| &c.pillar == id)
        {
            for (k, n) in [
                ("strengths", c.strengths),
                ("gaps", c.gaps),
                ("key_gaps", c.key_gaps),
                ("not_met", u32::from(c.status == Status::NotMet)),
            ] {
                view[k] = json!(view[k].as_u64().unwrap_or(0) + u64::from(n));
            }
        }
        bindings.set_json("pillar", &view);
        for q in &rules.qualifiers {
            match q.condition.eval(&bindings) {
                Ok(Verdict::True) => {
                    p.qualifier = Some(QualifierResult {
                        id: q.id.clone(),
                        citation: q.citation.clone(),
                        adverb: q.adverb.clone(),
                        adjective: q.adjective.clone(),
                    });
                    break;
                }
                Ok(Verdict::False | Verdict::Unknown(_)) | Err(EvalError::Undecidable(_)) => {}
                Err(e @ (EvalError::NotBoolean(_) | EvalError::Budget(_))) => {
                    problems.push(format!("qualifier `{}` {e}", q.id))
                }
            }
        }
    }

    let mut tier: Option<String> = None;
    let mut flags: Vec<String> = Vec::new();
    let mut trace = Vec::new();
    'stages: for stage in &rules.stages {
        bindings.set_json("tier", &tier.clone().map_or(Json::Null, Json::String));
        let mut step = TraceStep {
            stage: stage.id.clone(),
            citation: stage.citation.clone(),
            rule: None,
            rule_citation: None,
            version: None,
            why: None,
            condition: None,
            tier_before: tier.clone(),
            tier_after: tier.clone(),
            flags: Vec::new(),
            evidence: Evidence::new(),
            undecided: Vec::new(),
        };
        let mut stop = false;
        for rule in &stage.rules {
            // A rule not in force for the report year does not run.
            let Some(v) = rule.at(facts.year) else {
                continue;
            };
            match v.condition.eval(&bindings) {
                Ok(Verdict::True) => {
                    if let Some(t) = &rule.tier {
                        // A placement that changes the tier: the flags of earlier stages
                        // explained a placement that no longer holds.
                        if tier.as_ref() != Some(t) {
                            flags.clear();
                        }
                        tier = Some(t.clone());
                    }
                    for f in &rule.flags {
                        if !flags.contains(f) {
                            flags.push(f.clone());
                        }
                    }
                    step.rule = Some(rule.id.clone());
                    step.rule_citation = Some(v.citation.clone());
                    step.version = v.label();
                    step.why = Some(v.why.clone().unwrap_or_else(|| rule.why.clone()));
                    step.condition = Some(v.condition.source.clone());
                    step.tier_after = tier.clone();
                    step.flags = rule.flags.clone();
                    step.evidence = decision_evidence(
                        &v.condition,
                        facts,
                        &bindings_view(&criteria, &standards, &pillars, &totals, &step.tier_before),
                    );
                    stop = rule.is_final;
                    break;
                }
                Ok(Verdict::False) => {}
                Ok(Verdict::Unknown(missing)) => step.undecided.push(Undecided {
                    rule: rule.id.clone(),
                    reason: missing_reason(&missing),
                    missing,
                }),
                Err(e) => step.undecided.push(Undecided {
                    rule: rule.id.clone(),
                    reason: e.to_string(),
                    missing: Vec::new(),
                }),
            }
        }
        trace.push(step);
        if stop {
            break 'stages;
        }
    }
    let mut tier = tier.unwrap_or_else(|| {
        problems.push(
            "no tier rule applied: the decision stages must always place a country".to_string(),
        );
        String::new()
    });

    // The evidence the verdict needs: when a requirement for the tier reached is not met, the
    // verdict is the rules' tier of missing evidence, with no flag.
    let missing_evidence = missing_evidence(rules, facts, &tier, &standards, &criteria);
    if let (false, Some(t)) = (missing_evidence.is_empty(), &rules.evidence.tier) {
        tier = t.clone();
        flags.clear();
    }

    // Movement against last year.
    let prev = facts.previous_tier();
    let previous_tier = prev.map(|h| h.tier.clone());
    let rank = |id: &str| rules.tier(id).and_then(|t| t.rank);
    let movement = match previous_tier.as_deref() {
        None => Movement::New,
        Some(p) if p == tier => Movement::Remained,
        Some(p) => match (rank(p), rank(&tier)) {
            (Some(a), Some(b)) if b < a => Movement::Upgraded,
            (Some(a), Some(b)) if b > a => Movement::Downgraded,
            _ => Movement::New,
        },
    };
    let history: Vec<(i64, String, bool)> = facts
        .history
        .iter()
        .map(|h| (h.year, h.tier.clone(), h.waiver))
        .collect();
    let consecutive_years = if movement == Movement::Remained {
        crate::expr::streak(&history, facts.year, &tier, i64::MIN).0 + 1
    } else {
        1
    };

    let (recommendations, recommendation_groups) = recommendations(rules, &findings);

    Assessment {
        file: facts.file.name.clone(),
        country: facts.country.clone(),
        year: facts.year,
        period: facts.period,
        tier_label: rules
            .tier(&tier)
            .map(|t| t.label.clone())
            .unwrap_or_default(),
        tier,
        previous_tier_label: previous_tier
            .as_deref()
            .and_then(|p| rules.tier(p))
            .map(|t| t.label.clone()),
        previous_tier,
        movement,
        consecutive_years,
        flags,
        downgrade_waiver: facts.downgrade_waiver,
        pillars,
        standards,
        criteria,
        totals,
        findings,
        recommendations,
        recommendation_groups,
        trace,
        missing_evidence,
        history: facts.history.clone(),
        facts: text_context.get("facts").cloned().unwrap_or(Json::Null),
        problems,
        warnings: {
            let mut w = facts.warnings.clone();
            w.extend(waiver_flag_warnings(rules, facts, &bindings));
            w
        },
    }
}

/// The evidence requirements for `tier` in force for the report year that the facts do not meet.
fn missing_evidence(
    rules: &Rulebook,
    facts: &Facts,
    tier: &str,
    standards: &[CriterionResult],
    criteria: &[CriterionResult],
) -> Vec<MissingEvidence> {
    let mut out: Vec<MissingEvidence> = Vec::new();
    let requirements: Vec<_> = rules
        .evidence
        .requirements
        .iter()
        .filter(|r| r.applies(facts.year, tier))
        .collect();
    // Facts a `known` requirement already asks for are not repeated under a `decided` one.
    let asked: HashSet<&str> = requirements
        .iter()
        .flat_map(|r| r.known.iter())
        .filter(|p| !is_stated(facts, p))
        .map(String::as_str)
        .collect();
    for r in requirements {
        let mut missing: Vec<MissingFact> = r
            .known
            .iter()
            .filter(|path| !is_stated(facts, path))
            .map(|path| missing_fact(rules, path))
            .collect();
        let mut decided = None;
        if let Some((pillar, at_least)) = &r.decided {
            let mut found = 0u32;
            // How many undecided indicators each missing fact would help decide.
            let mut lacking: IndexMap<String, u32> = IndexMap::new();
            for i in standards
                .iter()
                .chain(criteria)
                .filter(|c| &c.pillar == pillar)
                .flat_map(|c| c.indicators.iter())
            {
                if i.outcome == Outcome::Unknown {
                    for m in &i.missing {
                        *lacking.entry(m.clone()).or_default() += 1;
                    }
                } else {
                    found += 1;
                }
            }
            if found < *at_least {
                decided = Some(DecidedShortfall {
                    pillar: pillar.clone(),
                    at_least: *at_least,
                    found,
                });
                let mut lacking: Vec<(String, u32)> = lacking
                    .into_iter()
                    .filter(|(p, _)| !asked.contains(p.as_str()))
                    .collect();
                // Most useful first: this period's facts before the previous period's, then the
                // facts that would decide the most indicators.
                lacking.sort_by(|a, b| {
                    let prev = |p: &str| p.starts_with("previous.");
                    prev(&a.0)
                        .cmp(&prev(&b.0))
                        .then(b.1.cmp(&a.1))
                        .then_with(|| a.0.cmp(&b.0))
                });
                missing.extend(lacking.iter().map(|(p, _)| missing_fact(rules, p)));
            }
        }
        if !missing.is_empty() || decided.is_some() {
            out.push(MissingEvidence {
                requirement: r.id.clone(),
                citation: r.citation.clone(),
                why: r.why.clone(),
                facts: missing,
                decided,
            });
        }
    }
    out
}

/// Whether the facts file states a fact (a value or `not_reported`); `previous.` for the
/// previous period.
fn is_stated(facts: &Facts, path: &str) -> bool {
    let (prev, path) = match path.strip_prefix("previous.") {
        Some(p) => (true, p),
        None => (false, path),
    };
    facts.values.get(path).is_some_and(|f| {
        if prev {
            f.previous.is_some()
        } else {
            f.value.is_some()
        }
    })
}

/// A missing fact with the catalog's description (of the fact a `previous.` or money-field path
/// belongs to).
pub fn missing_fact(rules: &Rulebook, path: &str) -> MissingFact {
    let (prev, bare) = match path.strip_prefix("previous.") {
        Some(p) => (true, p),
        None => (false, path),
    };
    let mut segs: Vec<&str> = bare.split('.').collect();
    let mut description = String::new();
    while !segs.is_empty() {
        if let Some(def) = rules.catalog.get(&segs.join(".")) {
            description = def.description.clone();
            break;
        }
        segs.pop();
    }
    if segs.len() < bare.split('.').count() && !description.is_empty() {
        let field = bare.rsplit('.').next().unwrap_or_default();
        description = format!("{description} ({field})");
    }
    if prev {
        description = format!("{description}, in the previous reporting period");
    }
    MissingFact {
        path: path.to_string(),
        description,
    }
}

/// A history entry whose `waiver:` flag disagrees with what the rules derive from the streak.
fn waiver_flag_warnings(rules: &Rulebook, facts: &Facts, bindings: &Bindings) -> Vec<Diagnostic> {
    let Some(rule) = &rules.waiver_year else {
        return Vec::new();
    };
    let mut out = Vec::new();
    // Only a flag the file writes can disagree; an absent flag is no claim.
    for h in facts.history.iter().filter(|h| h.waiver_span.is_some()) {
        let mut b = bindings.clone();
        b.set_json(
            "entry",
            &json!({"year": h.year, "tier": h.tier, "waiver": h.waiver}),
        );
        let Ok(v) = rule.condition.eval(&b) else {
            continue;
        };
        let derived = match v {
            Verdict::True => true,
            Verdict::False => false,
            Verdict::Unknown(_) => continue,
        };
        if derived == h.waiver {
            continue;
        }
        let message = if h.waiver {
            format!(
                "history marks {} as a waiver year, but the streak does not make it one",
                h.year
            )
        } else {
            format!(
                "history says `waiver: false` for {}, but the streak makes it a waiver year",
                h.year
            )
        };
        out.push(
            Diagnostic::warning("waiver-flag-disagrees", message)
                .at(&facts.file, h.waiver_span.clone().unwrap_or(h.year_span.clone()))
                .with_label(format!("the streak gives `waiver: {derived}`"))
                .with_help(format!(
                    "waiver years follow from the streak ({}); the rules use the streak, not the flag: {}",
                    rule.citation,
                    if h.waiver { "remove `waiver: true`" } else { "write `waiver: true`, or leave the flag out" }
                )),
        );
    }
    out
}

/// Every recommendation the gaps imply, each text once, most important first: key gaps before
/// gaps, then by the rule's priority (1 first), the finding's weight and rule order. Members of a
/// merge group are kept together, in the order of the group's most important one.
fn recommendations(
    rules: &Rulebook,
    findings: &[Finding],
) -> (Vec<Recommendation>, Vec<RecommendationGroup>) {
    let rule_of: HashMap<&str, &crate::rulebook::RecommendationRule> = rules
        .indicators()
        .filter_map(|(_, i)| i.recommendation.as_ref().map(|r| (i.id.as_str(), r)))
        .collect();
    let mut candidates: Vec<(usize, Recommendation)> = findings
        .iter()
        .enumerate()
        .filter(|(_, f)| f.kind != Effect::Strength)
        .filter_map(|(order, f)| {
            let text = f.recommendation.clone()?;
            let rule = rule_of.get(f.id.as_str())?;
            Some((
                order,
                Recommendation {
                    finding: f.id.clone(),
                    text,
                    kind: f.kind,
                    weight: f.weight,
                    priority: rule.priority,
                    group: rule.group.clone(),
                    citation: f.citation.clone(),
                },
            ))
        })
        .collect();
    candidates.sort_by(|(oa, a), (ob, b)| {
        b.kind
            .cmp(&a.kind)
            .then(a.priority.cmp(&b.priority))
            .then(b.weight.cmp(&a.weight))
            .then(oa.cmp(ob))
    });
    let mut seen = HashSet::new();
    let mut groups: IndexMap<String, RecommendationGroup> = IndexMap::new();
    for (_, r) in candidates {
        if !seen.insert(r.text.clone()) {
            continue;
        }
        groups
            .entry(r.group.clone())
            .or_insert_with(|| RecommendationGroup {
                group: r.group.clone(),
                kind: r.kind,
                priority: r.priority,
                recommendations: Vec::new(),
            })
            .recommendations
            .push(r);
    }
    let groups: Vec<RecommendationGroup> = groups
        .into_values()
        .map(|mut g| {
            g.priority = g
                .recommendations
                .iter()
                .map(|r| r.priority)
                .min()
                .unwrap_or(g.priority);
            g
        })
        .collect();
    let flat = groups
        .iter()
        .flat_map(|g| g.recommendations.iter().cloned())
        .collect();
    (flat, groups)
}

#[allow(clippy::too_many_arguments)]
fn score_criterion(
    rules: &Rulebook,
    c: &Criterion,
    year: i64,
    bindings: &Bindings,
    text_context: &Json,
    ctx: &tera::Context,
    findings: &mut Vec<Finding>,
    problems: &mut Vec<String>,
) -> CriterionResult {
    let mut result = CriterionResult {
        id: c.id.clone(),
        citation: c.citation.clone(),
        title: c.title.clone(),
        pillar: c.pillar.clone(),
        status: Status::Unknown,
        score: 0,
        strengths: 0,
        gaps: 0,
        key_gaps: 0,
        indicators: Vec::new(),
    };
    for ind in &c.indicators {
        // An indicator not in force for the report year does not run.
        let Some(v) = ind.at(year) else { continue };
        let (outcome, reason, missing) = match v.condition.eval(bindings) {
            Ok(Verdict::True) => (Outcome::Fired, None, Vec::new()),
            Ok(Verdict::False) => (Outcome::NotFired, None, Vec::new()),
            Ok(Verdict::Unknown(missing)) => {
                (Outcome::Unknown, Some(missing_reason(&missing)), missing)
            }
            Err(e @ (EvalError::NotBoolean(_) | EvalError::Budget(_))) => {
                problems.push(format!("indicator `{}` {e}", ind.id));
                (Outcome::Unknown, Some(e.to_string()), Vec::new())
            }
            Err(e) => (Outcome::Unknown, Some(e.to_string()), Vec::new()),
        };
        let ev = evidence(&v.condition, bindings_facts(text_context));
        if outcome == Outcome::Fired {
            let w = i64::from(ind.weight);
            match ind.effect {
                Effect::Strength => {
                    result.strengths += 1;
                    result.score += w;
                }
                Effect::Gap => {
                    result.gaps += 1;
                    result.score -= w;
                }
                Effect::KeyGap => {
                    result.key_gaps += 1;
                    result.score -= w;
                }
            }
            let text = rules.texts.render(&ind.id, ctx).unwrap_or_else(|e| {
                problems.push(format!("finding of `{}` did not render: {e}", ind.id));
                ind.finding.clone()
            });
            let mut render = |part: &str, source: &str| {
                rules
                    .texts
                    .render(&format!("{}#{part}", ind.id), ctx)
                    .unwrap_or_else(|e| {
                        problems.push(format!("{part} of `{}` did not render: {e}", ind.id));
                        source.to_string()
                    })
            };
            let recommendation = ind
                .recommendation
                .as_ref()
                .map(|r| render("recommendation", &r.text));
            let effort = ind.effort.as_ref().map(|e| render("effort", e));
            let shortfall = ind.shortfall.as_ref().map(|e| render("shortfall", e));
            findings.push(Finding {
                id: ind.id.clone(),
                kind: ind.effect,
                text,
                citation: v.citation.clone(),
                criterion: c.id.clone(),
                pillar: c.pillar.clone(),
                weight: ind.weight,
                effort,
                shortfall,
                recommendation,
                evidence: ev.clone(),
            });
        }
        result.indicators.push(IndicatorResult {
            id: ind.id.clone(),
            effect: ind.effect,
            weight: ind.weight,
            outcome,
            reason,
            missing,
            version: v.label(),
            citation: v.citation.clone(),
            condition: v.condition.source.clone(),
            evidence: ev,
        });
    }
    // Met only on positive evidence: a strength fired and no gap. Nothing fired (undecided, or
    // only "did not fire" results) says nothing either way.
    result.status = if result.strengths + result.gaps + result.key_gaps == 0 {
        Status::Unknown
    } else if result.key_gaps > 0 || (result.gaps > 0 && result.strengths == 0) {
        Status::NotMet
    } else if result.gaps > 0 {
        Status::PartiallyMet
    } else {
        Status::Met
    };
    result
}

/// Values of the facts a condition reads (current and `previous.` ones).
fn evidence<F: FactLookup>(cond: &Condition, facts: F) -> Evidence {
    let mut ev = Evidence::new();
    for r in &cond.references {
        let (prev, segs) = if r.segments[0] == "previous" {
            (true, &r.segments[1..])
        } else {
            (false, &r.segments[..])
        };
        if let Some(v) = facts.lookup(segs, prev) {
            ev.insert(r.dotted(), v);
        }
    }
    ev
}

fn decision_evidence(cond: &Condition, facts: &Facts, view: &Json) -> Evidence {
    let mut ev = evidence(cond, facts);
    for r in &cond.references {
        let mut cur = Some(view);
        for s in &r.segments {
            cur = cur.and_then(|c| c.get(s));
        }
        if let Some(v) = cur {
            ev.entry(r.dotted()).or_insert_with(|| v.clone());
        }
    }
    ev
}

fn bindings_view(
    criteria: &[CriterionResult],
    standards: &[CriterionResult],
    pillars: &IndexMap<String, PillarResult>,
    totals: &Totals,
    tier: &Option<String>,
) -> Json {
    let status = |list: &[CriterionResult]| -> Json {
        Json::Object(
            list.iter()
                .map(|c| (c.id.clone(), json!({"status": c.status.as_str(), "score": c.score, "strengths": c.strengths, "gaps": c.gaps, "key_gaps": c.key_gaps})))
                .collect(),
        )
    };
    json!({
        "criteria": status(criteria),
        "standards": status(standards),
        "pillars": pillars.iter().map(|(k, p)| (k.clone(), json!({"trend": p.trend.as_str(), "score": p.score}))).collect::<JsonMap<_, _>>(),
        "totals": serde_json::to_value(totals).unwrap_or(Json::Null),
        "tier": tier,
    })
}

/// Where evidence values come from.
trait FactLookup {
    fn lookup(&self, segs: &[String], previous: bool) -> Option<Json>;
}

impl FactLookup for &Facts {
    fn lookup(&self, segs: &[String], previous: bool) -> Option<Json> {
        for n in (1..=segs.len()).rev() {
            let path = segs[..n].join(".");
            if let Some(f) = self.values.get(&path) {
                let r = if previous {
                    f.previous.as_ref()
                } else {
                    f.value.as_ref()
                };
                let v = r.map_or(json!("unknown"), reading_json);
                let mut v = v;
                for s in &segs[n..] {
                    v = v.get(s).cloned().unwrap_or(Json::Null);
                }
                return Some(v);
            }
        }
        None
    }
}

struct FactsJson<'a>(&'a Json);

fn bindings_facts(text_context: &Json) -> FactsJson<'_> {
    FactsJson(text_context)
}

impl FactLookup for FactsJson<'_> {
    fn lookup(&self, segs: &[String], previous: bool) -> Option<Json> {
        let mut cur = self.0.get("facts")?;
        for (i, s) in segs.iter().enumerate() {
            cur = cur.get(s)?;
            if cur.get("status").is_some_and(Json::is_string)
                && cur.get("previous_status").is_some()
            {
                let (status, value) = if previous {
                    (cur.get("previous_status"), cur.get("previous"))
                } else {
                    (cur.get("status"), cur.get("value"))
                };
                let mut v = match status.and_then(Json::as_str) {
                    Some("value") => value.cloned().unwrap_or(Json::Null),
                    Some(other) => json!(other),
                    None => Json::Null,
                };
                for s in &segs[i + 1..] {
                    v = v.get(s).cloned().unwrap_or(Json::Null);
                }
                return Some(v);
            }
        }
        None
    }
}

fn reading_json(r: &Reading) -> Json {
    match r {
        Reading::NotReported => json!("not_reported"),
        Reading::Value(v) => value_json(v),
    }
}

fn value_json(v: &FactValue) -> Json {
    serde_json::to_value(v).unwrap_or(Json::Null)
}

fn insert_path(root: &mut JsonMap<String, Json>, path: &str, value: Json) {
    let mut segs = path.split('.').peekable();
    let mut cur = root;
    while let Some(s) = segs.next() {
        if segs.peek().is_none() {
            cur.insert(s.to_string(), value);
            return;
        }
        let entry = cur
            .entry(s.to_string())
            .or_insert_with(|| Json::Object(JsonMap::new()));
        if !entry.is_object() {
            *entry = Json::Object(JsonMap::new());
        }
        let Json::Object(next) = entry else { return };
        cur = next;
    }
}

/// The bindings every condition sees: fact groups, `previous`, `params`, `report`, `history`.
/// Every catalog fact is bound: a value, `not_reported`, or unknown when the file does not state
/// it, each carrying its path so an undecided condition can name the evidence it lacks.
pub(crate) fn base_bindings(rules: &Rulebook, facts: &Facts) -> Bindings {
    let history: Vec<(i64, String, bool)> = facts
        .history
        .iter()
        .map(|h| (h.year, h.tier.clone(), h.waiver))
        .collect();
    let mut b = Bindings::new(history, facts.year);
    let (current, previous) = fact_trees(rules, facts);
    for (g, v) in current {
        b.set(&g, v);
    }
    b.set("previous", Val::map(previous));
    // The params in force for the report year; one with no version for it is left out, so a
    // condition that reads it cannot be evaluated.
    let params: JsonMap<String, Json> = rules
        .params
        .keys()
        .filter_map(|k| {
            let (value, _) = rules.param_at(k, facts.year)?;
            let v = match value {
                ParamValue::Bool(x) => json!(x),
                ParamValue::Int(x) => json!(x),
                ParamValue::Float(x) => json!(x),
                ParamValue::Text(x) => json!(x),
            };
            Some((k.clone(), v))
        })
        .collect();
    b.set_json("params", &Json::Object(params));
    b.set_json(
        "report",
        &json!({
            "country": facts.country,
            "year": facts.year,
            "period": facts.period,
            "downgrade_waiver": facts.downgrade_waiver,
            "special_case": facts.special_case,
        }),
    );
    b.set_json(
        "history",
        &Json::Array(
            facts
                .history
                .iter()
                .map(|h| json!({"year": h.year, "tier": h.tier, "waiver": h.waiver}))
                .collect(),
        ),
    );
    b.set("tier", Val::Null);
    b
}

/// The fact groups of this period and of the previous one (`previous.` paths), as nested maps.
pub(crate) fn fact_trees(
    rules: &Rulebook,
    facts: &Facts,
) -> (IndexMap<String, Val>, IndexMap<String, Val>) {
    let mut current = Tree::default();
    let mut previous = Tree::default();
    for def in &rules.catalog.facts {
        let f = facts.values.get(&def.path);
        let money = def.kind == FactKind::Money;
        current.insert(
            &def.path,
            reading_val(f.and_then(|f| f.value.as_ref()), &def.path, money),
        );
        let prev_path = format!("previous.{}", def.path);
        previous.insert(
            &def.path,
            reading_val(f.and_then(|f| f.previous.as_ref()), &prev_path, money),
        );
    }
    (current.into_vals(), previous.into_vals())
}

/// A fact's reading as a condition sees it.
fn reading_val(r: Option<&Reading>, path: &str, money: bool) -> Val {
    match r {
        None => Val::unknown(path),
        Some(Reading::NotReported) => Val::not_reported(path),
        Some(Reading::Value(v)) => {
            let mut val = Val::from_json(&value_json(v));
            // A money amount without its USD equivalent: the equivalent is unknown.
            if let (true, Val::Map(m)) = (money, &val) {
                if !m.contains_key("usd") {
                    let mut m = (**m).clone();
                    m.insert("usd".into(), Val::unknown(&format!("{path}.usd")));
                    val = Val::map(m);
                }
            }
            val
        }
    }
}

/// Nested maps built from dotted paths.
#[derive(Default)]
struct Tree(IndexMap<String, TreeNode>);

enum TreeNode {
    Leaf(Val),
    Branch(Tree),
}

impl Tree {
    fn insert(&mut self, path: &str, v: Val) {
        match path.split_once('.') {
            None => {
                self.0.insert(path.to_string(), TreeNode::Leaf(v));
            }
            Some((head, rest)) => {
                let node = self
                    .0
                    .entry(head.to_string())
                    .or_insert_with(|| TreeNode::Branch(Tree::default()));
                if let TreeNode::Leaf(_) = node {
                    *node = TreeNode::Branch(Tree::default());
                }
                if let TreeNode::Branch(t) = node {
                    t.insert(rest, v);
                }
            }
        }
    }

    fn into_vals(self) -> IndexMap<String, Val> {
        self.0
            .into_iter()
            .map(|(k, n)| {
                let v = match n {
                    TreeNode::Leaf(v) => v,
                    TreeNode::Branch(t) => Val::map(t.into_vals()),
                };
                (k, v)
            })
            .collect()
    }
}

/// "needs `a` and `b`, which are not known".
pub fn missing_reason(missing: &[String]) -> String {
    let names: Vec<String> = missing.iter().map(|m| format!("`{m}`")).collect();
    match names.as_slice() {
        [] => "is undecided".to_string(),
        [one] => format!("needs {one}, which is not known"),
        [init @ .., last] => format!("needs {} and {last}, which are not known", init.join(", ")),
    }
}

/// The context of finding texts and narrative templates: every catalog fact with its status.
pub fn text_context(rules: &Rulebook, facts: &Facts) -> Json {
    let mut tree = JsonMap::new();
    for def in &rules.catalog.facts {
        let f = facts.values.get(&def.path);
        let status = |r: Option<&Reading>| match r {
            None => "unknown",
            Some(Reading::NotReported) => "not_reported",
            Some(Reading::Value(_)) => "value",
        };
        let val = |r: Option<&Reading>| match r {
            Some(Reading::Value(v)) => value_json(v),
            _ => Json::Null,
        };
        let cur = f.and_then(|f| f.value.as_ref());
        let prev = f.and_then(|f| f.previous.as_ref());
        let view = crate::assessment::FactView {
            status: status(cur),
            value: val(cur),
            previous_status: status(prev),
            previous: val(prev),
            kind: kind_name(def.kind),
            noun: def.noun.clone(),
            note: f.and_then(|f| f.note.clone()),
        };
        insert_path(
            &mut tree,
            &def.path,
            serde_json::to_value(view).unwrap_or(Json::Null),
        );
    }
    json!({
        "facts": tree,
        "country": facts.country,
        "year": facts.year,
        "period": facts.period,
        "previous_period": facts.period - 1,
    })
}

fn kind_name(k: FactKind) -> &'static str {
    match k {
        FactKind::Count => "count",
        FactKind::Money => "money",
        FactKind::Boolean => "boolean",
        FactKind::Enum => "enum",
        FactKind::Year => "year",
        FactKind::Text => "text",
        FactKind::TextList => "text_list",
    }
}

/// The catalog's cross-fact constraints that a facts file breaks: (errors, warnings), each
/// located at every fact (or report field) its condition reads.
pub fn check_constraints(rules: &Rulebook, facts: &Facts) -> (Vec<Diagnostic>, Vec<Diagnostic>) {
    let (mut errors, mut warnings) = (Vec::new(), Vec::new());
    if rules.constraints.is_empty() {
        return (errors, warnings);
    }
    let bindings = base_bindings(rules, facts);
    for c in &rules.constraints {
        if c.condition.eval(&bindings) != Ok(Verdict::True) {
            continue;
        }
        let mut places: Vec<(std::ops::Range<usize>, String)> = Vec::new();
        for r in &c.condition.references {
            if let Some(place) = fact_place(rules, facts, &r.segments) {
                if !places.iter().any(|(s, _)| *s == place.0) {
                    places.push(place);
                }
            }
        }
        let (code, sink) = if c.unusual {
            ("unusual-facts", &mut warnings)
        } else {
            ("impossible-facts", &mut errors)
        };
        let mut d = if c.unusual {
            Diagnostic::warning(code, c.message.clone())
        } else {
            Diagnostic::error(code, c.message.clone())
        };
        let mut places = places.into_iter();
        if let Some((span, label)) = places.next() {
            d = d.at(&facts.file, span).with_label(label);
        }
        for (span, label) in places {
            d = d.with_related(&facts.file, span, label);
        }
        let why = c.why.trim();
        let mut chars = why.chars();
        let why = chars.next().map_or(String::new(), |f| {
            f.to_lowercase().collect::<String>() + chars.as_str()
        });
        d = d.with_help(format!(
            "correct one of the facts: {} (constraint `{}` of the fact catalog)",
            why.trim_end_matches('.'),
            c.id
        ));
        sink.push(d);
    }
    (errors, warnings)
}

/// Where a name a condition reads is written in the facts file, with its value as a label.
fn fact_place(
    rules: &Rulebook,
    facts: &Facts,
    segs: &[String],
) -> Option<(std::ops::Range<usize>, String)> {
    let spans = &facts.spans;
    let value_at = |path: &str| {
        spans
            .get(path)
            .map(|_| spans.value_span(path))
            .filter(|s| !s.is_empty())
    };
    match segs.first().map(String::as_str) {
        Some("report") => {
            let field = segs.get(1)?.as_str();
            let key = if field == "period" && spans.get("period").is_none() {
                "year"
            } else {
                field
            };
            let v = match field {
                "year" => facts.year.to_string(),
                "period" => facts.period.to_string(),
                _ => return None,
            };
            Some((value_at(key)?, format!("`report.{field}` is {v}")))
        }
        Some(root) => {
            let (prev, segs) = if root == "previous" {
                (true, &segs[1..])
            } else {
                (false, segs)
            };
            let n = (1..=segs.len())
                .rev()
                .find(|n| rules.catalog.get(&segs[..*n].join(".")).is_some())?;
            let path = segs[..n].join(".");
            let fact = facts.values.get(&path)?;
            let reading = if prev { &fact.previous } else { &fact.value };
            let shown = reading.as_ref().map(|r| reading_json(r).to_string())?;
            let base = format!("facts.{path}");
            let span = if prev {
                value_at(&format!("{base}.previous"))
            } else {
                value_at(&format!("{base}.value")).or_else(|| value_at(&base))
            }?;
            let name = if prev {
                format!("previous.{path}")
            } else {
                path
            };
            Some((span, format!("`{name}` is {shown}")))
        }
        None => None,
    }
}
