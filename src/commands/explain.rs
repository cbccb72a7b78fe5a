//! `tiercheck explain`: the decision as a trace a reviewer can follow, with the facts that made
//! each rule and indicator fire and the citation of each.

use std::fmt::Write as _;

use crate::assessment::{Assessment, Evidence, Outcome};
use crate::cli::{ExplainArgs, TextOrJson};
use crate::rulebook::schema::{Direction, Effect};
use crate::{assess_file_within, eprint_diagnostics, load_project_rules, Exit};

pub fn run(args: &ExplainArgs) -> Exit {
    let (project, rules) = match load_project_rules(&args.rules) {
        Ok(r) => r,
        Err(ds) => {
            eprint_diagnostics(&ds);
            return Exit::Failed;
        }
    };
    match assess_file_within(&rules, &args.facts, project.input_limit()) {
        Ok(a) => {
            match args.format {
                TextOrJson::Text => crate::out!("{}\n{}", project.rules_used(), explain(&a)),
                TextOrJson::Json => {
                    match crate::commands::assess::json_one(&a, &project.rules_used()) {
                        Ok(s) => crate::outln!("{s}"),
                        Err(e) => {
                            eprintln!("error: cannot serialize the assessment: {e}");
                            return Exit::Failed;
                        }
                    }
                }
            }
            if !a.warnings.is_empty() {
                eprint_diagnostics(&a.warnings);
            }
            if a.is_undetermined() {
                Exit::Findings
            } else {
                Exit::Clean
            }
        }
        Err(ds) => {
            eprint_diagnostics(&ds);
            Exit::Failed
        }
    }
}

fn show(ev: &Evidence) -> String {
    ev.iter()
        .map(|(k, v)| format!("{k} = {v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn kind_words(effect: Effect) -> &'static str {
    match effect {
        Effect::Strength => "strength",
        Effect::Gap => "gap",
        Effect::KeyGap => "key gap",
    }
}

/// The trace of one assessment as text.
pub fn explain(a: &Assessment) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} {}: {} ({})\n",
        a.country,
        a.year,
        a.tier_label,
        a.movement.as_str()
    );
    let _ = writeln!(s, "Decision");
    for (i, step) in a.trace.iter().enumerate() {
        let before = step.tier_before.as_deref().unwrap_or("none");
        match &step.rule {
            Some(rule) => {
                let version = step
                    .version
                    .as_deref()
                    .map_or(String::new(), |v| format!(" (version {v})"));
                let _ = writeln!(
                    s,
                    "  {}. {} [{}]: rule `{}`{version} [{}] -> {}",
                    i + 1,
                    step.stage,
                    step.citation,
                    rule,
                    step.rule_citation.as_deref().unwrap_or(""),
                    step.tier_after.as_deref().unwrap_or("none")
                );
                if let Some(why) = &step.why {
                    let _ = writeln!(s, "       why:  {}", why.trim());
                }
                if let Some(c) = &step.condition {
                    let _ = writeln!(s, "       when: {}", c.trim());
                }
                if !step.evidence.is_empty() {
                    let _ = writeln!(s, "       with: {}", show(&step.evidence));
                }
                if !step.flags.is_empty() {
                    let _ = writeln!(s, "       sets: {}", step.flags.join(", "));
                }
            }
            None => {
                let _ = writeln!(
                    s,
                    "  {}. {} [{}]: no rule applied (tier stays {before})",
                    i + 1,
                    step.stage,
                    step.citation
                );
            }
        }
        for u in &step.undecided {
            let _ = writeln!(s, "       undecided: `{}` {}", u.rule, u.reason);
        }
    }
    if a.is_undetermined() {
        let reached = a
            .trace
            .iter()
            .rev()
            .find_map(|t| t.tier_after.clone())
            .unwrap_or_else(|| "none".into());
        let _ = writeln!(
            s,
            "\nEvidence: the stages reached `{reached}`, but the verdict lacks the evidence it needs, so the tier is {}",
            a.tier_label
        );
        for m in &a.missing_evidence {
            let _ = writeln!(
                s,
                "  requirement `{}` [{}] is not met: {}",
                m.requirement,
                m.citation,
                m.why.trim()
            );
            if let Some(d) = &m.decided {
                let _ = writeln!(
                    s,
                    "    {} of at least {} indicators of `{}` decided",
                    d.found, d.at_least, d.pillar
                );
            }
            for f in &m.facts {
                let _ = writeln!(s, "    missing `{}`: {}", f.path, f.description);
            }
        }
    }
    let _ = writeln!(
        s,
        "\nTotals: score {:+}, {} strengths, {} gaps, {} key gaps, {} standards not met, {} indicators undecided",
        a.totals.score, a.totals.strengths, a.totals.gaps, a.totals.key_gaps, a.totals.unmet_standards, a.totals.unknown
    );
    let _ = writeln!(s, "\nIndicators that fired");
    for c in a.standards.iter().chain(&a.criteria) {
        for i in c.indicators.iter().filter(|i| i.outcome == Outcome::Fired) {
            let kind = kind_words(i.effect);
            let version = i
                .version
                .as_deref()
                .map_or(String::new(), |v| format!(" (version {v})"));
            let _ = writeln!(
                s,
                "  {:<9}{}{version} (weight {}) [{}]",
                kind, i.id, i.weight, i.citation
            );
            if !i.evidence.is_empty() {
                let _ = writeln!(s, "           {}", show(&i.evidence));
            }
        }
    }
    let _ = writeln!(s, "\nPillar trends");
    for (id, p) in &a.pillars {
        let _ = writeln!(
            s,
            "  {id} {} (score {:+}) [{}]",
            p.trend.as_str(),
            p.score,
            p.citation
        );
        for sig in &p.signals {
            let dir = if sig.direction == Direction::Up {
                "up"
            } else {
                "down"
            };
            let _ = writeln!(
                s,
                "    {dir} {} {}: {} [{}]",
                sig.weight, sig.id, sig.text, sig.citation
            );
            if !sig.evidence.is_empty() {
                let _ = writeln!(s, "         {}", show(&sig.evidence));
            }
        }
        if let Some(q) = &p.qualifier {
            let words: Vec<&str> = [q.adverb.as_deref(), q.adjective.as_deref()]
                .into_iter()
                .flatten()
                .collect();
            let _ = writeln!(
                s,
                "    opener adds `{}` ({}) [{}]",
                words.join("`, `"),
                q.id,
                q.citation
            );
        }
    }
    if !a.recommendation_groups.is_empty() {
        let _ = writeln!(
            s,
            "\nRecommendations (most important first; a group is one bullet of the draft)"
        );
        for (i, g) in a.recommendation_groups.iter().enumerate() {
            let _ = writeln!(
                s,
                "  {:>2}. {} ({}, priority {})",
                i + 1,
                g.group,
                kind_words(g.kind),
                g.priority
            );
            for r in &g.recommendations {
                let _ = writeln!(
                    s,
                    "      {} (priority {}) {}",
                    r.finding,
                    r.priority,
                    r.text.trim()
                );
            }
        }
    }
    let undecided: Vec<_> = a
        .standards
        .iter()
        .chain(&a.criteria)
        .flat_map(|c| c.indicators.iter())
        .filter(|i| i.outcome == Outcome::Unknown)
        .collect();
    if !undecided.is_empty() {
        let _ = writeln!(s, "\nUndecided for want of facts");
        for i in undecided {
            let _ = writeln!(s, "  {}: {}", i.id, i.reason.as_deref().unwrap_or(""));
        }
    }
    s
}
