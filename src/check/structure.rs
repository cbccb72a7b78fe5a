//! Structure: a heading with the tier, the required sections present once and in order, and
//! recommendations that are present, imperative and not repeated. With facts: every key gap of
//! the assessment answered by a recommendation.

use std::collections::HashMap;

use crate::diagnostic::Diagnostic;

use super::Context;

pub const MISSING_HEADING: &str = "missing-heading";
pub const UNKNOWN_TIER: &str = "unknown-tier";
pub const TITLE_COUNTRY_MISMATCH: &str = "title-country-mismatch";
pub const MISSING_SECTION: &str = "missing-section";
pub const SECTION_ORDER: &str = "section-order";
pub const DUPLICATE_SECTION: &str = "duplicate-section";
pub const EMPTY_INTRO: &str = "missing-intro";
pub const NO_RECOMMENDATIONS: &str = "missing-recommendations";
pub const NOT_IMPERATIVE: &str = "recommendation-not-imperative";
pub const UNKNOWN_VERB: &str = "recommendation-unknown-verb";
pub const DUPLICATE_RECOMMENDATION: &str = "duplicate-recommendation";
pub const GAP_WITHOUT_RECOMMENDATION: &str = "gap-without-recommendation";

pub fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let n = ctx.narrative;
    let layout = &ctx.rules.claims.layout;
    let first_line = {
        let t = &n.file.text;
        let s = t.find(|c: char| !c.is_whitespace()).unwrap_or(0);
        let e = t[s..].find('\n').map_or(t.len(), |i| s + i);
        s..e
    };

    match &n.heading {
        None => out.push(
            ctx.diag(
                MISSING_HEADING,
                "the draft has no country heading with a tier",
                first_line.clone(),
            )
            .with_help(ctx.help(MISSING_HEADING, "", &[])),
        ),
        Some(h) => {
            if ctx.rules.claims.tier_id(&h.tier_text).is_none() {
                out.push(
                    ctx.diag(
                        UNKNOWN_TIER,
                        format!("unknown tier `{}` in the heading", h.tier_text),
                        h.tier_span.clone(),
                    )
                    .with_help("claims.yaml `tiers` lists the tier phrases a heading may use"),
                );
            }
            if let Some(t) = &n.title {
                if !same_name(&t.country, &h.country) {
                    out.push(
                        ctx.diag(
                            TITLE_COUNTRY_MISMATCH,
                            format!(
                                "the title names `{}` but the heading names `{}`",
                                t.country, h.country
                            ),
                            h.country_span.clone(),
                        )
                        .with_related(ctx.file(), t.country_span.clone(), "named here")
                        .with_help(
                            "one narrative covers one country; correct the title or the heading",
                        ),
                    );
                }
            }
        }
    }
    if n.intro.is_empty() {
        let at = n.heading.as_ref().map_or(first_line, |h| h.span.clone());
        out.push(
            ctx.diag(
                EMPTY_INTRO,
                "the draft has no intro paragraph before its first section",
                at,
            )
            .with_help(ctx.help(EMPTY_INTRO, "", &[])),
        );
    }

    // Sections: present, once, in order.
    let mut seen: HashMap<&str, &crate::narrative::Section> = HashMap::new();
    let mut last_rank: Option<(usize, &crate::narrative::Section)> = None;
    for sec in &n.sections {
        let rank = layout
            .sections
            .iter()
            .position(|s| s.id == sec.id)
            .unwrap_or(0);
        let title = &layout.sections[rank].title;
        if let Some(first) = seen.get(sec.id.as_str()) {
            out.push(
                ctx.diag(
                    DUPLICATE_SECTION,
                    format!("section `{title}` appears twice"),
                    sec.heading.clone(),
                )
                .with_related(ctx.file(), first.heading.clone(), "first here")
                .with_help("merge the two sections"),
            );
            continue;
        }
        seen.insert(&sec.id, sec);
        if let Some((prev_rank, prev)) = last_rank {
            if rank < prev_rank {
                let prev_title = &layout.sections[prev_rank].title;
                out.push(
                    ctx.diag(
                        SECTION_ORDER,
                        format!("section `{title}` comes after `{prev_title}`"),
                        sec.heading.clone(),
                    )
                    .with_related(
                        ctx.file(),
                        prev.heading.clone(),
                        "this section should follow it",
                    )
                    .with_help(format!("the order is {}", order(ctx))),
                );
            }
        }
        if last_rank.is_none_or(|(r, _)| rank > r) {
            last_rank = Some((rank, sec));
        }
    }
    let end = n.file.text.trim_end().len();
    // The heading's tier, for sections some tiers do not have (a special case has no pillars).
    let tier = n
        .heading
        .as_ref()
        .and_then(|h| ctx.rules.claims.tier_id(&h.tier_text));
    for shape in layout
        .sections
        .iter()
        .filter(|s| s.required && !tier.is_some_and(|t| s.not_for.iter().any(|x| x == t)))
    {
        if !seen.contains_key(shape.id.as_str()) {
            out.push(
                ctx.diag(
                    MISSING_SECTION,
                    format!("the draft has no `{}` section", shape.title),
                    end.saturating_sub(1)..end,
                )
                .with_help(format!(
                    "add a line `{}` and its text; the order is {}",
                    shape.title.to_uppercase(),
                    order(ctx)
                )),
            );
        }
    }

    // Recommendations.
    for shape in layout.sections.iter().filter(|s| s.recommendations) {
        let Some(sec) = n.section(&shape.id) else {
            continue;
        };
        if sec.items.is_empty() {
            out.push(
                ctx.diag(
                    NO_RECOMMENDATIONS,
                    format!("the `{}` section is empty", shape.title),
                    sec.heading.clone(),
                )
                .with_help("list the recommendations, one bullet each, each opening with a verb"),
            );
        }
        let mut normalized: HashMap<String, std::ops::Range<usize>> = HashMap::new();
        for item in &sec.items {
            let text = ctx.text(item);
            if let Err((word, span, certain)) = ctx.rules.claims.imperative(text) {
                let abs = item.start + span.start..item.start + span.end.max(span.start + 1);
                let (code, help) = if certain {
                    (NOT_IMPERATIVE, "open the recommendation with a verb in the imperative, e.g. `Increase`, `Adopt`, `Train`")
                } else {
                    (UNKNOWN_VERB, "if this is an imperative verb, add it to `recommendations.verbs` in claims.yaml")
                };
                let message = if certain {
                    format!("recommendation opens with `{word}`, not with a verb in the imperative")
                } else {
                    format!(
                        "recommendation opens with `{word}`, which is not a known imperative verb"
                    )
                };
                out.push(ctx.diag(code, message, abs).with_help(help));
            }
            let key = normalize(text);
            if key.is_empty() {
                continue;
            }
            if let Some(first) = normalized.get(&key) {
                out.push(
                    ctx.diag(
                        DUPLICATE_RECOMMENDATION,
                        "this recommendation repeats an earlier one",
                        item.clone(),
                    )
                    .with_related(ctx.file(), first.clone(), "first given here")
                    .with_help("remove one of them, or merge them"),
                );
            } else {
                normalized.insert(key, item.clone());
            }
        }
    }

    gaps_answered(ctx, out);
}

/// With facts: each key gap whose rule carries a recommendation should find that
/// recommendation (or one close to it) in the draft.
fn gaps_answered(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let Some(f) = ctx.facts else { return };
    let layout = &ctx.rules.claims.layout;
    let Some(shape) = layout.sections.iter().find(|s| s.recommendations) else {
        return;
    };
    let Some(sec) = ctx.narrative.section(&shape.id) else {
        return;
    };
    let items: Vec<Vec<String>> = sec.items.iter().map(|i| words(ctx.text(i))).collect();
    for finding in f
        .assessment
        .findings_of(crate::rulebook::schema::Effect::KeyGap)
    {
        let Some(rec) = &finding.recommendation else {
            continue;
        };
        let want = words(rec);
        if want.is_empty() {
            continue;
        }
        let best = items
            .iter()
            .map(|have| overlap(&want, have))
            .fold(0.0, f64::max);
        if best < 0.5 {
            out.push(
                ctx.diag(
                    GAP_WITHOUT_RECOMMENDATION,
                    format!(
                        "key gap `{}` has no recommendation in the draft",
                        finding.id
                    ),
                    sec.heading.clone(),
                )
                .with_help(format!("add a recommendation such as `{rec}`")),
            );
        }
    }
}

/// Content words of a text (4 letters or more), lowercase.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 4)
        .map(str::to_lowercase)
        .collect()
}

/// Share of `want`'s words found in `have`.
fn overlap(want: &[String], have: &[String]) -> f64 {
    if want.is_empty() {
        return 0.0;
    }
    let hits = want.iter().filter(|w| have.contains(w)).count();
    hits as f64 / want.len() as f64
}

fn order(ctx: &Context<'_>) -> String {
    ctx.rules
        .claims
        .layout
        .sections
        .iter()
        .map(|s| format!("`{}`", s.title))
        .collect::<Vec<_>>()
        .join(", ")
}

fn same_name(a: &str, b: &str) -> bool {
    normalize(a) == normalize(b)
}

/// Lowercase letters and digits, single spaces.
fn normalize(text: &str) -> String {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}
