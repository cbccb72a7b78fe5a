//! The impact of a rule edit: the same facts files assessed under two rule sets, compared
//! outcome by outcome (tier, movement, flags, pillar trends, standard and criterion statuses,
//! findings). Used by `tiercheck rules diff` and `tiercheck report`; pure, no I/O.
//!
//! It writes no words of its own: a change holds ids (kinds, statuses, movements, flags, kinds of
//! finding) and the texts of the rules (tier labels, pillar openers, finding texts); the
//! templates of `templates/report/` and `rules diff`'s printer choose how to show them.
//!
//! Only outcomes are compared: a score or a deciding rule that changes without changing an
//! outcome is not reported, so the list names exactly the countries a reviewer must look at.

use serde::Serialize;

use crate::assessment::Assessment;
use crate::diagnostic::Diagnostic;
use crate::rulebook::schema::Effect;

/// One outcome that differs. `id` names the pillar, criterion or finding when there is one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// `tier`, `movement`, `flags`, `pillar`, `standard`, `criterion`, `finding_added`,
    /// `finding_removed`, `finding_text`, `invalid`.
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The outcome under the base rules and under the edited ones: the tier's label, the
    /// movement, the flags (comma-separated), the pillar's trend as its opener words, the
    /// status, the finding's text; for `invalid`, the tier's label on the side that assesses.
    /// `None` where there is none: no flags, a criterion or finding one side lacks, the side an
    /// `invalid` file does not assess under.
    pub before: Option<String>,
    pub after: Option<String>,
    /// A finding's kind (`strength`, `gap`, `key_gap`) before and after.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effect_before: Option<Effect>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effect_after: Option<Effect>,
    /// `invalid`: why the file does not assess under one of the rule sets (its first problem,
    /// with its place).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

impl Change {
    fn new(
        kind: &'static str,
        id: Option<&str>,
        before: Option<String>,
        after: Option<String>,
    ) -> Self {
        Change {
            kind,
            id: id.map(str::to_string),
            before,
            after,
            effect_before: None,
            effect_after: None,
            problem: None,
        }
    }

    /// A finding added, removed or reworded: its text and kind on each side.
    fn finding(
        kind: &'static str,
        id: &str,
        before: Option<(Effect, &str)>,
        after: Option<(Effect, &str)>,
    ) -> Self {
        Change {
            effect_before: before.map(|b| b.0),
            effect_after: after.map(|a| a.0),
            ..Change::new(kind, Some(id), before.map(text), after.map(text))
        }
    }
}

/// The changes of one facts file.
#[derive(Debug, Clone, Serialize)]
pub struct FileImpact {
    pub file: String,
    pub country: String,
    pub year: i64,
    pub changes: Vec<Change>,
}

/// The impact of a rule edit on one facts file, from its assessments under the base rules
/// (`before`) and the edited ones (`after`): `None` when nothing changes, an `invalid` change
/// when it assesses under one rule set only, and the base rules' diagnostics when it assesses
/// under neither.
pub fn file_impact(
    file: &str,
    before: Result<Assessment, Vec<Diagnostic>>,
    after: Result<Assessment, Vec<Diagnostic>>,
) -> Result<Option<FileImpact>, Vec<Diagnostic>> {
    let invalid = |a: &Assessment, problem: &[Diagnostic], base_assesses: bool| {
        let assessed = Some(label(&a.tier, &a.tier_label));
        let (before, after) = if base_assesses {
            (assessed, None)
        } else {
            (None, assessed)
        };
        let change = Change {
            problem: first_problem(problem),
            ..Change::new("invalid", None, before, after)
        };
        (a.country.clone(), a.year, vec![change])
    };
    let (country, year, changes) = match (before, after) {
        (Ok(b), Ok(a)) => (a.country.clone(), a.year, compare(&b, &a)),
        (Err(e), Err(_)) => return Err(e),
        (Err(e), Ok(a)) => invalid(&a, &e, false),
        (Ok(b), Err(e)) => invalid(&b, &e, true),
    };
    Ok((!changes.is_empty()).then(|| FileImpact {
        file: file.to_string(),
        country,
        year,
        changes,
    }))
}

/// The first of a set of diagnostics, with its place, for a one-line summary.
fn first_problem(ds: &[Diagnostic]) -> Option<String> {
    let mut ds = ds.to_vec();
    crate::diagnostic::sort(&mut ds);
    ds.first().map(|d| {
        let at = d
            .line_cols()
            .map(|(l, c, _, _)| format!(" ({}:{l}:{c})", d.file_name()))
            .unwrap_or_default();
        format!("{}{at}", d.message)
    })
}

/// Every outcome of `after` that differs from `before`, in a fixed order: tier, movement, flags,
/// pillars, standards, criteria (rule order), then findings removed, added and reworded.
pub fn compare(before: &Assessment, after: &Assessment) -> Vec<Change> {
    let mut out = Vec::new();
    if before.tier != after.tier {
        out.push(Change::new(
            "tier",
            None,
            Some(label(&before.tier, &before.tier_label)),
            Some(label(&after.tier, &after.tier_label)),
        ));
    }
    if before.movement != after.movement {
        out.push(Change::new(
            "movement",
            None,
            Some(before.movement.as_str().into()),
            Some(after.movement.as_str().into()),
        ));
    }
    let sorted = |v: &[String]| {
        let mut v = v.to_vec();
        v.sort();
        v
    };
    let (fb, fa) = (sorted(&before.flags), sorted(&after.flags));
    if fb != fa {
        let show = |v: &[String]| (!v.is_empty()).then(|| v.join(", "));
        out.push(Change::new("flags", None, show(&fb), show(&fa)));
    }
    for id in union(before.pillars.keys(), after.pillars.keys()) {
        let b = before.pillars.get(&id).map(|p| p.opener_words());
        let a = after.pillars.get(&id).map(|p| p.opener_words());
        if b != a {
            out.push(Change::new("pillar", Some(&id), b, a));
        }
    }
    for (kind, lb, la) in [
        ("standard", &before.standards, &after.standards),
        ("criterion", &before.criteria, &after.criteria),
    ] {
        for id in union(lb.iter().map(|c| &c.id), la.iter().map(|c| &c.id)) {
            let b = lb
                .iter()
                .find(|c| c.id == id)
                .map(|c| c.status.as_str().to_string());
            let a = la
                .iter()
                .find(|c| c.id == id)
                .map(|c| c.status.as_str().to_string());
            if b != a {
                out.push(Change::new(kind, Some(&id), b, a));
            }
        }
    }
    fn find<'a>(a: &'a Assessment, id: &str) -> Option<(Effect, &'a str)> {
        a.findings
            .iter()
            .find(|f| f.id == id)
            .map(|f| (f.kind, f.text.as_str()))
    }
    for f in &before.findings {
        if find(after, &f.id).is_none() {
            let b = Some((f.kind, f.text.as_str()));
            out.push(Change::finding("finding_removed", &f.id, b, None));
        }
    }
    for f in &after.findings {
        let a = Some((f.kind, f.text.as_str()));
        match find(before, &f.id) {
            None => out.push(Change::finding("finding_added", &f.id, None, a)),
            Some(b) if b != (f.kind, f.text.as_str()) => {
                out.push(Change::finding("finding_text", &f.id, Some(b), a))
            }
            Some(_) => {}
        }
    }
    out
}

fn label(id: &str, label: &str) -> String {
    if label.is_empty() {
        format!("`{id}`")
    } else {
        label.to_string()
    }
}

/// A finding's text on one line (rule texts are folded YAML).
fn text((_, text): (Effect, &str)) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Ids of `a` in order, then those only in `b`.
fn union<'x>(
    a: impl Iterator<Item = &'x String>,
    b: impl Iterator<Item = &'x String>,
) -> Vec<String> {
    let mut out: Vec<String> = a.cloned().collect();
    for id in b {
        if !out.contains(id) {
            out.push(id.clone());
        }
    }
    out
}
