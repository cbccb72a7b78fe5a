//! Tier: the heading's tier against the intro's, the status sentence and the overall-efforts
//! sentence right for the tier, the
//! movement wording consistent in itself; with facts, the stated tier, movement, Watch List
//! years and waiver against the assessment.

use crate::assessment::Movement as Computed;
use crate::claims::Movement;
use crate::diagnostic::Diagnostic;

use super::Context;

pub const TIER_MISMATCH: &str = "tier-mismatch";
pub const STATUS_MISMATCH: &str = "status-sentence-mismatch";
pub const STATUS_MISSING: &str = "status-sentence-missing";
pub const EFFORTS_MISMATCH: &str = "efforts-sentence-mismatch";
pub const MOVEMENT_MISSING: &str = "movement-missing";
pub const MOVEMENT_WORDING: &str = "movement-wording";
pub const TIER_NOT_COMPUTED: &str = "tier-not-computed";
pub const MOVEMENT_HISTORY: &str = "movement-history";
pub const CONSECUTIVE_YEARS: &str = "consecutive-years-mismatch";
pub const WAIVER_MISMATCH: &str = "waiver-mismatch";

pub fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let c = ctx.claims;
    let rules = ctx.rules;
    let heading = c.heading_tier.as_ref().filter(|t| t.id.is_some());
    let stated = c.stated_tier();
    let stated_id = stated.and_then(|t| t.id.clone());

    if let (Some(h), Some(m)) = (heading, &c.movement) {
        if m.tier.id.is_some() && m.tier.id != h.id {
            out.push(
                ctx.diag(
                    TIER_MISMATCH,
                    format!(
                        "the intro says `{}` but the heading says `{}`",
                        m.tier.text, h.text
                    ),
                    m.tier.span.clone(),
                )
                .with_related(ctx.file(), h.span.clone(), "heading tier")
                .with_help("the heading and the intro must state the same tier"),
            );
        }
    }

    let intro_first = ctx.narrative.intro_sentences().next().cloned();
    match (&c.status, &stated_id) {
        (Some(s), Some(id)) if !s.tiers.contains(id) => {
            let wanted = labels(rules, &s.tiers);
            out.push(
                ctx.diag(
                    STATUS_MISMATCH,
                    format!(
                        "the status sentence is the wording for {}, but the tier is `{}`",
                        wanted,
                        rules.tier_label(id)
                    ),
                    s.span.clone(),
                )
                .with_help("use the status sentence of the stated tier (see `status` in claims.yaml), or correct the tier"),
            );
        }
        (None, _) => {
            if let Some(first) = &intro_first {
                out.push(
                    ctx.diag(
                        STATUS_MISSING,
                        "the intro has no status sentence",
                        first.clone(),
                    )
                    .with_help(ctx.help(STATUS_MISSING, "", &[])),
                );
            }
        }
        _ => {}
    }

    // "did not demonstrate overall increasing efforts" on a Watch List country only. When the
    // heading and the movement sentence disagree (`tier-mismatch` says so), the sentence must
    // fit neither to be a slip of its own.
    let movement_tier = c.movement.as_ref().and_then(|m| m.tier.id.clone());
    if let (Some(e), Some(id)) = (&c.efforts, &stated_id) {
        let fits = |t: &Option<String>| t.as_ref().is_some_and(|t| e.tiers.contains(t));
        if !fits(&stated_id) && !fits(&movement_tier) {
            let wanted = labels(rules, &e.tiers);
            out.push(
                ctx.diag(
                    EFFORTS_MISMATCH,
                    format!(
                        "`{}` is the wording for {}, but the tier is `{}`",
                        ctx.text(&e.span),
                        wanted,
                        rules.tier_label(id)
                    ),
                    e.span.clone(),
                )
                .with_help(ctx.help(EFFORTS_MISMATCH, "", &[])),
            );
        }
    }

    let Some(m) = &c.movement else {
        if let Some(first) = &intro_first {
            out.push(
                ctx.diag(
                    MOVEMENT_MISSING,
                    "the intro does not say whether the country remained on, or moved to, its tier",
                    first.clone(),
                )
                .with_help(ctx.help(MOVEMENT_MISSING, "", &[])),
            );
        }
        return;
    };

    // The movement wording, in itself.
    if let Some((n, span)) = &m.years {
        if m.movement != Movement::Remained {
            out.push(
                ctx.diag(
                    MOVEMENT_WORDING,
                    format!("`{}` cannot follow `{}`", ctx.text(span), ctx.text(&m.span)),
                    span.clone(),
                )
                .with_help(ctx.help(MOVEMENT_WORDING, "count-after-move", &[])),
            );
        } else if *n < 2 {
            out.push(
                ctx.diag(
                    MOVEMENT_WORDING,
                    format!("`{}` is not a consecutive year", ctx.text(span)),
                    span.clone(),
                )
                .with_help(ctx.help(MOVEMENT_WORDING, "first-year", &[])),
            );
        }
    }
    if let Some(id) = &m.tier.id {
        if let Some(rank) = rules.tier_rank(id) {
            let ranks: Vec<u32> = rules.tiers.values().filter_map(|(_, r)| *r).collect();
            let best = ranks.iter().min().copied();
            let worst = ranks.iter().max().copied();
            let impossible = match m.movement {
                Movement::Upgraded => Some(rank) == worst,
                Movement::Downgraded => Some(rank) == best,
                _ => false,
            };
            if impossible {
                out.push(
                    ctx.diag(
                        MOVEMENT_WORDING,
                        format!(
                            "`{}`: no tier is {} `{}`",
                            ctx.text(&m.span),
                            if m.movement == Movement::Upgraded {
                                "below"
                            } else {
                                "above"
                            },
                            m.tier.text
                        ),
                        m.span.clone(),
                    )
                    .with_help(ctx.help(MOVEMENT_WORDING, "impossible", &[])),
                );
            }
        }
        if let Some(w) = &m.waiver {
            if !rules.claims.waiver_tiers.is_empty() && !rules.claims.waiver_tiers.contains(id) {
                out.push(
                    ctx.diag(
                        MOVEMENT_WORDING,
                        format!("a waiver is stated, but the tier is `{}`", m.tier.text),
                        w.clone(),
                    )
                    .with_help(
                        ctx.help(
                            MOVEMENT_WORDING,
                            "waiver-tier",
                            &[(
                                "tiers",
                                &rules
                                    .claims
                                    .waiver_tiers
                                    .iter()
                                    .map(|t| format!("`{}`", rules.tier_label(t)))
                                    .collect::<Vec<_>>()
                                    .join(" or "),
                            )],
                        ),
                    ),
                );
            }
        }
    }

    with_facts(
        ctx,
        m,
        stated.map(|t| (t.span.clone(), t.text.clone())),
        stated_id.as_deref(),
        out,
    );
}

/// The labels of some tiers, each in backticks, joined by "or" (the tiers a wording is for).
fn labels(rules: &super::CheckRules, tiers: &[String]) -> String {
    tiers
        .iter()
        .map(|t| format!("`{}`", rules.tier_label(t)))
        .collect::<Vec<_>>()
        .join(" or ")
}

fn with_facts(
    ctx: &Context<'_>,
    m: &crate::claims::MovementClaim,
    stated: Option<(std::ops::Range<usize>, String)>,
    stated_id: Option<&str>,
    out: &mut Vec<Diagnostic>,
) {
    let Some(f) = ctx.facts else { return };
    let a = f.assessment;
    let rules = ctx.rules;
    if let (Some((span, text)), Some(id)) = (&stated, stated_id) {
        if id != a.tier {
            let mut d = ctx
                .diag(
                    TIER_NOT_COMPUTED,
                    format!(
                        "the draft states `{text}` but the rules place the country on `{}`",
                        a.tier_label
                    ),
                    span.clone(),
                )
                .with_help(format!(
                    "run `tiercheck explain {}` to see why",
                    f.facts.path.display()
                ));
            if let Some(step) = a.trace.iter().rev().find(|s| s.rule.is_some()) {
                d = d.with_label(format!(
                    "decided by rule `{}`",
                    step.rule.as_deref().unwrap_or("")
                ));
            }
            out.push(d);
            return; // movement and years follow from the tier: one error is enough
        }
    }
    let expected = match a.movement {
        Computed::Remained => Some(Movement::Remained),
        Computed::Upgraded => Some(Movement::Upgraded),
        Computed::Downgraded => Some(Movement::Downgraded),
        Computed::New => None,
    };
    if let Some(e) = expected {
        if e != m.movement {
            let last = match (&a.previous_tier_label, &a.previous_tier) {
                (Some(l), _) => l.clone(),
                (None, Some(t)) => rules.tier_label(t),
                (None, None) => "no tier".to_string(),
            };
            out.push(
                ctx.diag(
                    MOVEMENT_HISTORY,
                    format!(
                        "the draft says `{}` but last year's tier was `{last}`, so the country {} `{}`",
                        ctx.text(&m.span),
                        match e {
                            Movement::Remained => "remained on",
                            Movement::Upgraded => "was upgraded to",
                            Movement::Downgraded => "was downgraded to",
                            Movement::Placed => "was placed on",
                        },
                        a.tier_label
                    ),
                    m.span.clone(),
                )
                .with_help(ctx.help(MOVEMENT_HISTORY, "", &[])),
            );
        }
    }
    if let Some((n, span)) = &m.years {
        if m.movement == Movement::Remained && i64::from(*n) != a.consecutive_years {
            out.push(
                ctx.diag(
                    CONSECUTIVE_YEARS,
                    format!(
                        "the draft says `{}` but the history gives {} consecutive years",
                        ctx.text(span),
                        a.consecutive_years
                    ),
                    span.clone(),
                )
                .with_help(ctx.help(CONSECUTIVE_YEARS, "wrong", &[])),
            );
        }
    } else if m.movement == Movement::Remained
        && a.consecutive_years >= 2
        && rules.claims.waiver_tiers.contains(&a.tier)
    {
        out.push(
            ctx.diag(
                CONSECUTIVE_YEARS,
                format!(
                    "the draft does not say for how many consecutive years; the history gives {}",
                    a.consecutive_years
                ),
                m.span.clone(),
            )
            .with_help(
                ctx.help(
                    CONSECUTIVE_YEARS,
                    "missing",
                    &[(
                        "ordinal",
                        &rules
                            .claims
                            .ordinal_word(u32::try_from(a.consecutive_years).unwrap_or(0)),
                    )],
                ),
            ),
        );
    }
    if let Some(flag) = &rules.claims.waiver_flag {
        let granted = a.flags.iter().any(|f| f == flag);
        match (&m.waiver, granted) {
            (Some(w), false) => out.push(
                ctx.diag(
                    WAIVER_MISMATCH,
                    "the draft states a waiver, but the rules grant none",
                    w.clone(),
                )
                .with_help(ctx.help(WAIVER_MISMATCH, "stated", &[])),
            ),
            (None, true) => out.push(
                ctx.diag(
                    WAIVER_MISMATCH,
                    "the rules grant a waiver, but the draft does not state it",
                    m.sentence.clone(),
                )
                .with_help(ctx.help(WAIVER_MISMATCH, "missing", &[])),
            ),
            _ => {}
        }
    }
}
