//! The impact of a rule edit: the same facts files assessed under two rule sets, compared
//! outcome by outcome (tier, movement, flags, pillar trends, standard and criterion statuses,
//! findings). Used by `tiercheck rules diff`; pure, no I/O.
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
    pub before: Option<String>,
    pub after: Option<String>,
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
    let (country, year, changes) = match (before, after) {
        (Ok(b), Ok(a)) => (a.country.clone(), a.year, compare(&b, &a)),
        (Err(e), Err(_)) => return Err(e),
        (Err(e), Ok(a)) => (
            a.country.clone(),
            a.year,
            vec![Change::new(
                "invalid",
                None,
                Some(format!("not assessable: {}", first_message(&e))),
                Some(format!("assessed: {}", a.tier_label)),
            )],
        ),
        (Ok(b), Err(e)) => (
            b.country.clone(),
            b.year,
            vec![Change::new(
                "invalid",
                None,
                Some(format!("assessed: {}", b.tier_label)),
                Some(format!("not assessable: {}", first_message(&e))),
            )],
        ),
    };
    Ok((!changes.is_empty()).then(|| FileImpact {
        file: file.to_string(),
        country,
        year,
        changes,
    }))
}

/// The first of a set of diagnostics, with its place, for a one-line summary.
fn first_message(ds: &[Diagnostic]) -> String {
    let mut ds = ds.to_vec();
    crate::diagnostic::sort(&mut ds);
    match ds.first() {
        Some(d) => {
            let at = d
                .line_cols()
                .map(|(l, c, _, _)| format!(" ({}:{l}:{c})", d.file_name()))
                .unwrap_or_default();
            format!("{}{at}", d.message)
        }
        None => "unknown problem".into(),
    }
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
        let show = |v: &[String]| {
            if v.is_empty() {
                "none".to_string()
            } else {
                v.join(", ")
            }
        };
        out.push(Change::new("flags", None, Some(show(&fb)), Some(show(&fa))));
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
    let find = |a: &Assessment, id: &str| {
        a.findings
            .iter()
            .find(|f| f.id == id)
            .map(|f| (f.kind, f.text.clone()))
    };
    for f in &before.findings {
        if find(after, &f.id).is_none() {
            out.push(Change::new(
                "finding_removed",
                Some(&f.id),
                Some(effect(f.kind, &f.text)),
                None,
            ));
        }
    }
    for f in &after.findings {
        match find(before, &f.id) {
            None => out.push(Change::new(
                "finding_added",
                Some(&f.id),
                None,
                Some(effect(f.kind, &f.text)),
            )),
            Some((kind, text)) if kind != f.kind || text != f.text => out.push(Change::new(
                "finding_text",
                Some(&f.id),
                Some(effect(kind, &text)),
                Some(effect(f.kind, &f.text)),
            )),
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

fn effect(kind: Effect, text: &str) -> String {
    let k = match kind {
        Effect::Strength => "strength",
        Effect::Gap => "gap",
        Effect::KeyGap => "key gap",
    };
    format!(
        "{k}: {}",
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    )
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

/// Text of one file's changes, as `rules diff` prints it.
pub fn render_text(impact: &FileImpact) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let _ = writeln!(s, "{} {}  {}", impact.country, impact.year, impact.file);
    for c in &impact.changes {
        let what = match &c.id {
            Some(id) => format!("{} `{id}`", c.kind.replace('_', " ")),
            None => c.kind.to_string(),
        };
        match c.kind {
            "finding_added" => {
                let _ = writeln!(
                    s,
                    "  + finding `{}`  {}",
                    c.id.as_deref().unwrap_or(""),
                    c.after.as_deref().unwrap_or("")
                );
            }
            "finding_removed" => {
                let _ = writeln!(
                    s,
                    "  - finding `{}`  {}",
                    c.id.as_deref().unwrap_or(""),
                    c.before.as_deref().unwrap_or("")
                );
            }
            "finding_text" => {
                let _ = writeln!(s, "  ~ finding `{}`", c.id.as_deref().unwrap_or(""));
                let _ = writeln!(s, "      before: {}", c.before.as_deref().unwrap_or(""));
                let _ = writeln!(s, "      after:  {}", c.after.as_deref().unwrap_or(""));
            }
            _ => {
                let _ = writeln!(
                    s,
                    "  {what}: {} -> {}",
                    c.before.as_deref().unwrap_or("none"),
                    c.after.as_deref().unwrap_or("none")
                );
            }
        }
    }
    s
}
