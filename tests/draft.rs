//! `tiercheck draft`: every facts file in `reports/` drafts without error and matches its
//! snapshot; the drafts carry every figure of their facts, the tier and movement wording of
//! their assessment, and (for Tajikistan 2022) the facts and judgments of the published
//! narrative. Template errors are located diagnostics, and `-o` never leaves a half-written file.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;
use tiercheck::assessment::Assessment;
use tiercheck::draft::Templates;
use tiercheck::rulebook::schema::Effect;

fn facts_files() -> Vec<PathBuf> {
    let files = tiercheck::expand_inputs(&[PathBuf::from("reports")], &["yaml"]).unwrap();
    assert!(!files.is_empty(), "no facts files under reports/");
    files
}

/// `reports/2022/tajikistan.yaml` -> `2022-tajikistan`.
fn snapshot_name(path: &Path) -> String {
    let year = path
        .parent()
        .and_then(Path::file_name)
        .unwrap()
        .to_string_lossy();
    let country = path.file_stem().unwrap().to_string_lossy();
    format!("{year}-{country}")
}

fn draft_all() -> Vec<(PathBuf, Assessment, String)> {
    let rules = tiercheck::load_rules(None).unwrap();
    let templates = Templates::load(None).unwrap();
    facts_files()
        .into_iter()
        .map(|f| {
            let a = tiercheck::assess_file(&rules, &f)
                .unwrap_or_else(|ds| panic!("{}: {:?}", f.display(), ds));
            let text = templates.render(&a).unwrap_or_else(|ds| {
                panic!(
                    "{}: {}",
                    f.display(),
                    ds.iter()
                        .map(|d| d.message.clone())
                        .collect::<Vec<_>>()
                        .join("; ")
                )
            });
            (f, a, text)
        })
        .collect()
}

fn draft_cli(args: &[&str]) -> std::process::Output {
    Command::cargo_bin("tiercheck")
        .unwrap()
        .arg("draft")
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn every_facts_file_drafts_and_matches_its_snapshot() {
    for (path, _, text) in draft_all() {
        insta::assert_snapshot!(format!("draft-{}", snapshot_name(&path)), text);
    }
}

/// The words a figure may be written in: house-style number words, or digits with separators.
fn figure_forms(n: i64) -> Vec<String> {
    vec![
        tiercheck::render::number_words(n),
        tiercheck::render::thousands(n),
    ]
}

fn contains_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + word.len()..].chars().next();
        !before.is_some_and(|c| c.is_alphanumeric() || c == ',')
            && !after.is_some_and(|c| {
                c.is_alphanumeric()
                    || (c == ','
                        && text[i + word.len() + 1..].starts_with(|d: char| d.is_ascii_digit()))
            })
    })
}

fn money_text(m: &Value) -> String {
    let amount = m["amount"].as_f64().unwrap() as i64;
    tiercheck::render::thousands(amount)
}

#[test]
fn drafts_carry_every_figure_of_their_facts() {
    for (path, a, text) in draft_all() {
        let mut missing = Vec::new();
        for (group, facts) in a.facts.as_object().unwrap() {
            for (name, f) in facts.as_object().unwrap() {
                let kind = f["type"].as_str().unwrap_or_default();
                for (status, value) in [("status", "value"), ("previous_status", "previous")] {
                    if f[status] != "value" {
                        continue;
                    }
                    let v = &f[value];
                    let ok = match kind {
                        "money" => text.contains(&money_text(v)),
                        // Consecutive-year counters are written as ordinals ("fourth consecutive
                        // year"); their previous value is implied by it.
                        "count" if f["noun"] == "consecutive years" => {
                            value == "previous"
                                || v.as_i64().unwrap() < 2
                                || text.contains(&tiercheck::render::ordinal_words(
                                    v.as_i64().unwrap(),
                                ))
                        }
                        // Zero is written "did not report any" (or "none", "zero").
                        "count" if v.as_i64() == Some(0) => true,
                        "count" => figure_forms(v.as_i64().unwrap())
                            .iter()
                            .any(|w| contains_word(&text, w)),
                        _ => true,
                    };
                    if !ok {
                        missing.push(format!("{group}.{name}.{value} = {v}"));
                    }
                }
            }
        }
        assert!(
            missing.is_empty(),
            "{}: figures not in the draft: {missing:?}",
            path.display()
        );
    }
}

#[test]
fn drafts_use_the_tier_and_movement_wording_of_their_assessment() {
    // An undetermined verdict has no wording: its draft (`--allow-incomplete`) is notes.
    for (path, a, text) in draft_all()
        .into_iter()
        .filter(|(_, a, _)| !a.is_undetermined())
    {
        let p = path.display();
        let heading = text.lines().next().unwrap();
        assert_eq!(heading, format!("{} ({})", a.country, a.tier_label), "{p}");
        let intro = text.split("\n\n").nth(1).unwrap();
        let status = match a.tier.as_str() {
            "1" => Some("fully meets the minimum standards for the elimination of trafficking"),
            "2" | "2WL" => Some("does not fully meet the minimum standards for the elimination of trafficking but is making significant efforts to do so"),
            "3" => Some("does not fully meet the minimum standards for the elimination of trafficking and is not making significant efforts to do so"),
            _ => None,
        };
        if let Some(s) = status {
            assert!(intro.contains(s), "{p}: status sentence missing: {intro}");
        }
        if a.tier != "special" {
            let moved = match a.movement.as_str() {
                "remained" => format!("remained on {}", a.tier_label),
                "upgraded" => format!("was upgraded to {}", a.tier_label),
                "downgraded" => format!("was downgraded to {}", a.tier_label),
                _ => format!("was placed on {}", a.tier_label),
            };
            assert!(intro.contains(&moved), "{p}: `{moved}` missing: {intro}");
        }
        if a.tier == "2WL" && a.movement.as_str() == "remained" && a.consecutive_years > 1 {
            let years = format!(
                "for the {} consecutive year",
                tiercheck::render::ordinal_words(a.consecutive_years)
            );
            assert!(intro.contains(&years), "{p}: `{years}` missing: {intro}");
        }
        assert_eq!(
            a.flags.iter().any(|f| f == "waiver"),
            intro.contains("was granted a waiver"),
            "{p}: waiver sentence"
        );
        assert_eq!(
            a.flags.iter().any(|f| f == "automatic_downgrade"),
            intro.contains("automatic downgrade provision"),
            "{p}: automatic downgrade note"
        );
        let has_strengths = a.findings.iter().any(|f| f.kind == Effect::Strength);
        assert_eq!(
            a.tier == "3" && has_strengths,
            intro.contains(
                "Despite the lack of significant efforts, the government took some steps"
            ),
            "{p}: Tier 3 steps sentence"
        );
        if a.tier == "1" && a.findings.iter().any(|f| f.kind != Effect::Strength) {
            assert!(
                intro.contains("Although the government meets the minimum standards,"),
                "{p}"
            );
        }
        if matches!(a.tier.as_str(), "2" | "2WL" | "3")
            && a.findings.iter().any(|f| f.kind != Effect::Strength)
        {
            assert!(intro.contains("However, the government did not meet the minimum standards in several key areas."), "{p}");
        }
        for (id, pillar) in &a.pillars {
            let section = id.to_uppercase();
            let body = text
                .split(&format!("\n{section}\n\n"))
                .nth(1)
                .unwrap_or_else(|| panic!("{p}: no {section} section"));
            let opener = body.lines().next().unwrap();
            // "The government decreased ...", or with a qualifier's adverb "slightly increased".
            let words: Vec<&str> = opener.split(' ').take(4).collect();
            let trend = pillar.trend.as_str();
            assert!(
                words[..2] == ["The", "government"]
                    && (words[2] == trend || (words[2].ends_with("ly") && words[3] == trend)),
                "{p}: {section} opener `{opener}`"
            );
        }
        let recommendations = text
            .split("PRIORITIZED RECOMMENDATIONS:\n\n")
            .nth(1)
            .unwrap_or_default();
        // One bullet per recommendation, in the assessment's order (acronyms may be shortened).
        let bullets: Vec<&str> = recommendations
            .lines()
            .take_while(|l| l.starts_with("  • "))
            .collect();
        assert_eq!(
            bullets.len(),
            a.recommendations.len(),
            "{p}: one bullet per recommendation"
        );
        for (r, line) in a.recommendations.iter().zip(bullets) {
            let first_words: Vec<&str> = r.text.split_whitespace().take(2).collect();
            assert!(
                line.starts_with(&format!("  • {}", first_words.join(" "))),
                "{p}: `{line}` is not `{}`",
                r.text
            );
        }
    }
}

#[test]
fn tajikistan_draft_carries_the_facts_and_judgments_of_the_published_narrative() {
    let out = draft_cli(&["reports/2022/tajikistan.yaml"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().next(), Some("Tajikistan (Tier 2)"));
    for expected in [
        "The Government of Tajikistan does not fully meet the minimum standards for the elimination of trafficking but is making significant efforts to do so.",
        "demonstrated overall increasing efforts compared with the previous reporting period",
        "therefore Tajikistan remained on Tier 2.",
        "These efforts included",
        "However, the government did not meet the minimum standards in several key areas.",
        "The government investigated 22 trafficking cases involving 25 suspected traffickers in 2021, an increase compared with 10 cases involving 21 suspected traffickers in 2020.",
        "The government prosecuted 14 trafficking cases in 2021, the same number as were prosecuted in 2020.",
        "The government did not report any convictions in 2021, a significant decrease from 26 convictions in 2020.",
        "600,000 Tajikistani somoni ($53,190)",
        "an increase compared with 253,670 somoni ($22,490) in 2020",
        "187,900 somoni ($16,660)",
        "for the fourth consecutive year, the government did not adopt SOPs",
        "standard operating procedures (SOPs)",
        "Authorities identified 15 trafficking victims in 2021 and referred them all to protection services",
        "Government-funded shelters assisted one trafficking victim in 2021",
        "The government decreased anti-trafficking law enforcement efforts.",
        "The government maintained inadequate protection efforts.",
        "The government slightly increased efforts to prevent trafficking.",
        "TRAFFICKING PROFILE",
    ] {
        assert!(text.contains(expected), "missing `{expected}` in:\n{text}");
    }
    // Acronyms are spelled out once, at first use.
    assert_eq!(text.matches("(SOPs)").count(), 1);
    assert_eq!(text.matches("(NAP)").count(), 1);
    assert!(
        text.find("standard operating procedures (SOPs)") < text.find("Adopt and implement SOPs")
    );
}

/// A copy of the bundled templates in a temporary folder, with one file replaced.
fn templates_with(name: &str, content: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir("templates").unwrap() {
        let p = entry.unwrap().path();
        std::fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
    }
    std::fs::write(dir.path().join(name), content).unwrap();
    dir
}

#[test]
fn template_errors_name_the_template_file_line_and_column() {
    let cases = [
        // (template, content, expected location, expected words)
        (
            "heading.tera",
            "{{ country }} ({{ tier_label )\n",
            "heading.tera:1:",
            "heading.tera",
        ),
        (
            "heading.tera",
            "{{ country }}\n({{ tier_label | shout }})\n",
            "heading.tera:2:18",
            "unknown filter `shout`",
        ),
        (
            "heading.tera",
            "{{ country }}\n  ({{ tier_name }})\n",
            "heading.tera:2:7",
            "`tier_name` is not defined",
        ),
        (
            "intro.tera",
            "{{ facts.prosecution.no_such_fact.value }}\n",
            "intro.tera:1:",
            "not defined",
        ),
    ];
    for (name, content, location, words) in cases {
        let dir = templates_with(name, content);
        let out = draft_cli(&[
            "reports/2022/tajikistan.yaml",
            "--templates",
            dir.path().to_str().unwrap(),
        ]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
        assert!(out.stdout.is_empty(), "{name}: nothing is drafted on error");
        assert!(
            stderr.contains(location),
            "{name}: `{location}` not in:\n{stderr}"
        );
        assert!(
            stderr.to_lowercase().contains(&words.to_lowercase()),
            "{name}: `{words}` not in:\n{stderr}"
        );
    }
}

#[test]
fn unknown_variables_never_render_as_empty() {
    let dir = templates_with("profile.tera", "{{ facts.profile.summary.nothing_here }}\n");
    let out = draft_cli(&[
        "reports/2022/tajikistan.yaml",
        "--templates",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn output_file_is_written_atomically_and_left_alone_on_error() {
    let out_dir = tempfile::tempdir().unwrap();
    let target = out_dir.path().join("tajikistan.txt");
    std::fs::write(&target, "previous draft\n").unwrap();

    let bad = templates_with("intro.tera", "{% if %}\n");
    let out = draft_cli(&[
        "reports/2022/tajikistan.yaml",
        "--templates",
        bad.path().to_str().unwrap(),
        "-o",
        target.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(&target).unwrap(),
        "previous draft\n"
    );
    let leftovers: Vec<_> = std::fs::read_dir(out_dir.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "no temporary file is left behind");

    let out = draft_cli(&[
        "reports/2022/tajikistan.yaml",
        "-o",
        target.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty());
    let written = std::fs::read_to_string(&target).unwrap();
    assert!(written.starts_with("Tajikistan (Tier 2)\n"));
    let stdout = draft_cli(&["reports/2022/tajikistan.yaml"]).stdout;
    assert_eq!(
        written.as_bytes(),
        stdout.as_slice(),
        "-o writes what stdout shows"
    );
}

#[test]
fn missing_facts_file_exits_2() {
    let out = draft_cli(&["reports/2022/no-such-country.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such-country.yaml"));
}

/// The round trip: `check` reads every generated draft against its own facts without an error
/// (nor a warning, but the drafting notes the templates leave where facts are missing).
#[test]
fn generated_drafts_pass_check_against_their_own_facts() {
    let dir = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for (path, _, text) in draft_all() {
        let draft = dir.path().join(format!("{}.txt", snapshot_name(&path)));
        std::fs::write(&draft, &text).unwrap();
        let out = Command::cargo_bin("tiercheck")
            .unwrap()
            .args([
                "check",
                draft.to_str().unwrap(),
                "--facts",
                path.to_str().unwrap(),
                "--format",
                "json",
            ])
            .output()
            .unwrap();
        let report: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
        for d in report["diagnostics"].as_array().into_iter().flatten() {
            // A generated draft is clean: no errors, and no warnings but the notes it leaves
            // for the writer where the facts could not write the text.
            if d["severity"] == "error" || d["code"] != "drafting-note" {
                failures.push(format!(
                    "{}: {} {}",
                    path.display(),
                    d["code"],
                    d["message"]
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn writing_into_a_missing_folder_is_a_clear_error_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("no-such-folder").join("draft.txt");
    let out = draft_cli(&[
        "reports/2022/tajikistan.yaml",
        "-o",
        target.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("does not exist"), "{err}");
    assert!(
        !err.contains("at path"),
        "the temporary file's name leaks: {err}"
    );
    assert!(!dir.path().join("no-such-folder").exists());
}
