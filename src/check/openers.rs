//! Pillar openers: each pillar section opens with the government's trend ("The government
//! decreased law enforcement efforts"); the trend does not contradict every comparison of its
//! section; with facts, that trend against the computed pillar trend.

use crate::assessment::Trend;
use crate::diagnostic::Diagnostic;

use super::Context;

pub const OPENER_MISSING: &str = "opener-missing";
pub const OPENER_TREND: &str = "opener-trend-mismatch";
pub const OPENER_FIGURES: &str = "opener-contradicts-figures";

pub fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let layout = &ctx.rules.claims.layout;
    for sec in &ctx.narrative.sections {
        let Some(shape) = layout.sections.iter().find(|s| s.id == sec.id) else {
            continue;
        };
        let Some(pillar) = &shape.pillar else {
            continue;
        };
        let opener = ctx.claims.openers.iter().find(|o| o.section == sec.id);
        let Some(o) = opener else {
            let at = sec
                .blocks
                .first()
                .and_then(|b| b.sentences.first())
                .cloned()
                .unwrap_or_else(|| sec.heading.clone());
            out.push(
                ctx.diag(
                    OPENER_MISSING,
                    format!(
                        "the `{}` section does not open with the government's trend",
                        shape.title
                    ),
                    at,
                )
                .with_help(ctx.help(OPENER_MISSING, "", &[])),
            );
            continue;
        };
        against_figures(ctx, sec, o, out);
        let Some(f) = ctx.facts else { continue };
        let (Some(stated), Some(computed)) = (&o.trend, f.assessment.pillars.get(pillar)) else {
            continue;
        };
        if stated != computed.trend.as_str() {
            let why: Vec<String> = computed.signals.iter().map(|s| s.text.clone()).collect();
            let mut d = ctx
                .diag(
                    OPENER_TREND,
                    format!(
                        "the opener says `{stated}` but the rules find `{}` {} efforts (score {})",
                        computed.trend.as_str(),
                        pillar,
                        computed.score
                    ),
                    o.span.clone(),
                )
                .with_help(format!(
                    "use `{}` in the opener, or check the {pillar} facts",
                    computed.trend.as_str()
                ));
            if !why.is_empty() {
                d = d.with_label(why.join("; "));
            }
            out.push(d);
        }
    }
}

/// The opener's trend against the directions its section states: "increased" when at least two
/// comparisons say "a decrease" and none "an increase" (or the reverse) is worth a second look.
fn against_figures(
    ctx: &Context<'_>,
    sec: &crate::narrative::Section,
    o: &crate::claims::OpenerClaim,
    out: &mut Vec<Diagnostic>,
) {
    let up = Trend::Increased.as_str();
    let down = Trend::Decreased.as_str();
    let Some(stated) = o.trend.as_deref().filter(|t| *t == up || *t == down) else {
        return;
    };
    let end = ctx
        .narrative
        .sections
        .iter()
        .find(|s| s.heading.start > sec.heading.start)
        .map_or(usize::MAX, |s| s.heading.start);
    // The comparisons that say their direction in words ("a decrease from", "up from").
    let (mut ups, mut downs) = (0, 0);
    for c in &ctx.claims.comparisons {
        if c.sentence.start < sec.heading.start || c.sentence.start >= end {
            continue;
        }
        match c.trend {
            Some(crate::claims::Trend::Increase) => ups += 1,
            Some(crate::claims::Trend::Decrease) => downs += 1,
            _ => {}
        }
    }
    let (against, with, direction) = if stated == up {
        (downs, ups, "down")
    } else {
        (ups, downs, "up")
    };
    if against >= 2 && with == 0 {
        out.push(
            ctx.diag(
                OPENER_FIGURES,
                format!(
                    "the opener says `{stated}`, but all {against} comparisons of the section that state a direction went {direction}"
                ),
                o.span.clone(),
            )
            .with_help(ctx.help(OPENER_FIGURES, "", &[("direction", direction)])),
        );
    }
}
