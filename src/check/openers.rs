//! Pillar openers: each pillar section opens with the government's trend ("The government
//! decreased law enforcement efforts"); with facts, that trend against the computed pillar trend.

use crate::diagnostic::Diagnostic;

use super::Context;

pub const OPENER_MISSING: &str = "opener-missing";
pub const OPENER_TREND: &str = "opener-trend-mismatch";

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
