//! `tiercheck assess`: the computed tier, movement, standards, criteria, pillar trends,
//! strengths and gaps of each facts file, as a readable table or as JSON.

use std::fmt::Write as _;
use std::path::Path;

use crate::assessment::{Assessment, Outcome};
use crate::cli::{AssessArgs, TextOrJson};
use crate::config::RulesUsed;
use crate::rulebook::schema::Effect;
use crate::{assess_file_within, eprint_diagnostics, expand_inputs, load_project_rules, Exit};

pub fn run(args: &AssessArgs) -> Exit {
    if args.watch {
        return watch(args);
    }
    let (project, rules) = match load_project_rules(&args.rules) {
        Ok(r) => r,
        Err(ds) => {
            eprint_diagnostics(&ds);
            return Exit::Failed;
        }
    };
    let files = match expand_inputs(&args.facts, &["yaml", "yml"]) {
        Ok(f) => f,
        Err(ds) => {
            eprint_diagnostics(&ds);
            return Exit::Failed;
        }
    };
    let mut assessments = Vec::new();
    let mut problems = Vec::new();
    for f in &files {
        match assess_file_within(&rules, f, project.input_limit()) {
            Ok(a) => assessments.push(a),
            Err(mut ds) => problems.append(&mut ds),
        }
    }
    if !problems.is_empty() {
        // Nothing half-printed: either every file assesses, or the errors alone are shown.
        eprint_diagnostics(&problems);
        return Exit::Failed;
    }
    let used = project.rules_used();
    let out = match args.format {
        TextOrJson::Json => match json(&assessments, &used) {
            Ok(s) => s + "\n",
            Err(e) => {
                eprintln!("error: cannot serialize the assessment: {e}");
                return Exit::Failed;
            }
        },
        TextOrJson::Text => format!(
            "{used}\n{}",
            assessments.iter().map(text).collect::<Vec<_>>().join("\n")
        ),
    };
    crate::out!("{out}");
    let warnings: Vec<_> = assessments
        .iter()
        .flat_map(|a| a.warnings.iter().cloned())
        .collect();
    if !warnings.is_empty() {
        eprint_diagnostics(&warnings);
    }
    for a in &assessments {
        for p in &a.problems {
            eprintln!("warning: {}: {p}", a.file);
        }
    }
    // A verdict the evidence cannot carry is a finding: the facts need work before publication.
    if assessments.iter().any(Assessment::is_undetermined) {
        Exit::Findings
    } else {
        Exit::Clean
    }
}

/// `--format json`: one object per facts file, each saying which rules assessed it.
fn json(assessments: &[Assessment], used: &RulesUsed) -> serde_json::Result<String> {
    let all: Vec<WithRules<'_>> = assessments
        .iter()
        .map(|assessment| WithRules {
            assessment,
            rules: used,
        })
        .collect();
    serde_json::to_string_pretty(&all)
}

/// One assessment as JSON, saying which rules assessed it (`explain --format json`).
pub fn json_one(a: &Assessment, used: &RulesUsed) -> serde_json::Result<String> {
    serde_json::to_string_pretty(&WithRules {
        assessment: a,
        rules: used,
    })
}

/// An assessment's JSON object with `rules` added last, written straight out: building a
/// `serde_json::Value` of each assessment first was most of `assess --format json`'s time.
#[derive(serde::Serialize)]
struct WithRules<'a> {
    #[serde(flatten)]
    assessment: &'a Assessment,
    rules: &'a RulesUsed,
}

/// `assess --watch`: re-assess on every save of the facts (their previous-year files too) or
/// of the `--rules` folder, and print what changed in each file's output.
fn watch(args: &AssessArgs) -> Exit {
    let mut inputs = args.facts.clone();
    for f in &args.facts {
        // `reports/2022/x.yaml` reads `reports/2021/x.yaml` for its previous-period values.
        let year = f
            .parent()
            .and_then(|d| d.file_name())
            .and_then(|n| n.to_str())
            .and_then(|n| n.parse::<i64>().ok());
        if let Some(prev) = year.and_then(|y| crate::facts::previous_year_path(f, y)) {
            if prev.parent().is_some_and(|d| d.is_dir()) {
                inputs.push(prev);
            }
        }
    }
    let project = match args.rules.project() {
        Ok(p) => p,
        Err(ds) => {
            eprint_diagnostics(&ds);
            return Exit::Failed;
        }
    };
    inputs.extend(project.rules_dir().map(Path::to_path_buf));
    crate::watch::watch(&inputs, || {
        let rules = crate::load_rules(project.rules_dir())?;
        let files = expand_inputs(&args.facts, &["yaml", "yml"])?;
        let mut out = Vec::new();
        let mut problems = Vec::new();
        for f in &files {
            match assess_file_within(&rules, f, project.input_limit()) {
                Ok(a) => {
                    let block = match args.format {
                        TextOrJson::Json => serde_json::to_string_pretty(&a)
                            .map(|s| s + "\n")
                            .unwrap_or_default(),
                        TextOrJson::Text => text(&a),
                    };
                    out.push((a.file.clone(), block));
                }
                Err(mut ds) => problems.append(&mut ds),
            }
        }
        if problems.is_empty() {
            Ok(out)
        } else {
            Err(problems)
        }
    })
}

/// How many facts the table shows for a minimum of decided indicators.
const DECIDED_SHOWN: usize = 4;

/// The evidence an undetermined verdict lacks, requirement by requirement, fact by fact.
pub fn missing_evidence(a: &Assessment) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "  missing evidence (the verdict needs it)");
    for m in &a.missing_evidence {
        let _ = writeln!(s, "    {}  [{}]", m.requirement, m.citation);
        // A minimum of decided indicators can be reached through many facts: the most useful
        // few are shown (JSON and `explain` list them all).
        let shown = match &m.decided {
            Some(d) => {
                let _ = write!(
                    s,
                    "      {} of at least {} {} indicators decided",
                    d.found, d.at_least, d.pillar
                );
                if m.facts.is_empty() {
                    let _ = writeln!(s);
                } else {
                    let _ = writeln!(s, "; the facts that would decide most:");
                }
                DECIDED_SHOWN
            }
            None => m.facts.len(),
        };
        let width = m
            .facts
            .iter()
            .take(shown)
            .map(|f| f.path.len())
            .max()
            .unwrap_or(0);
        for f in m.facts.iter().take(shown) {
            let _ = writeln!(s, "      {:<width$}  {}", f.path, f.description);
        }
        if m.facts.len() > shown {
            let _ = writeln!(
                s,
                "      ... and {} more (`--format json` or `explain` lists them)",
                m.facts.len() - shown
            );
        }
    }
    s
}

/// The human table of one assessment.
pub fn text(a: &Assessment) -> String {
    let mut s = String::new();
    let prev = match (&a.previous_tier_label, &a.previous_tier) {
        (Some(l), _) => format!("{l} in {}", a.year - 1),
        (None, Some(t)) => format!("`{t}` in {}", a.year - 1),
        (None, None) => "no placement last year".to_string(),
    };
    let _ = writeln!(
        s,
        "{} {} report (period {})  {}",
        a.country, a.year, a.period, a.file
    );
    let _ = writeln!(
        s,
        "  tier        {}  ({}; {})",
        a.tier_label,
        a.movement.as_str(),
        prev
    );
    if a.consecutive_years > 1 {
        let _ = writeln!(
            s,
            "  years       {} consecutive on this tier",
            a.consecutive_years
        );
    }
    if !a.flags.is_empty() {
        let _ = writeln!(s, "  flags       {}", a.flags.join(", "));
    }
    if a.is_undetermined() {
        s.push_str(&missing_evidence(a));
    }
    let _ = writeln!(s, "  pillars");
    for (id, p) in &a.pillars {
        let why: Vec<String> = p
            .signals
            .iter()
            .map(|sig| {
                let sign = if sig.direction == crate::rulebook::schema::Direction::Up {
                    '+'
                } else {
                    '-'
                };
                format!("{sign}{} {}", sig.weight, sig.text)
            })
            .collect();
        let _ = writeln!(
            s,
            "    {:<14}{:<24}{:>+4}  {}",
            id,
            p.opener_words(),
            p.score,
            why.join("; ")
        );
    }
    for (title, list) in [("standards", &a.standards), ("criteria", &a.criteria)] {
        let _ = writeln!(s, "  {title}");
        for c in list {
            let fired = c
                .indicators
                .iter()
                .filter(|i| i.outcome == Outcome::Fired)
                .count();
            let unknown = c
                .indicators
                .iter()
                .filter(|i| i.outcome == Outcome::Unknown)
                .count();
            let extra = if unknown > 0 {
                format!(", {unknown} undecided")
            } else {
                String::new()
            };
            let _ = writeln!(
                s,
                "    {:<34}{:<15}{:>+4}  {} of {} indicators fired{}",
                c.id,
                c.status.as_str(),
                c.score,
                fired,
                c.indicators.len(),
                extra
            );
        }
    }
    let strengths: Vec<_> = a.findings_of(Effect::Strength).collect();
    let _ = writeln!(s, "  strengths ({})", strengths.len());
    for f in strengths {
        let _ = writeln!(s, "    + {}  [{}]", f.text, f.citation);
    }
    let gaps: Vec<_> = a
        .findings
        .iter()
        .filter(|f| f.kind != Effect::Strength)
        .collect();
    let _ = writeln!(s, "  gaps ({}, key gaps marked !)", gaps.len());
    for f in gaps {
        let mark = if f.kind == Effect::KeyGap { '!' } else { '-' };
        let _ = writeln!(s, "    {mark} {}  [{}]", f.text, f.citation);
    }
    s
}
