//! `tiercheck draft`: every facts file in `reports/` drafts without error and matches its
//! snapshot; the drafts carry every figure of their facts, the tier and movement wording of
//! their assessment, and (for Tajikistan 2022) the facts and judgments of the published
//! narrative. Template errors are located diagnostics, and `-o` never leaves a half-written file.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

mod support;

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

/// An amount as the templates write it: "600,000", or with a scale word, "3.4 million".
fn money_text(m: &Value, templates: &Templates) -> String {
    let amount = m["amount"].as_f64().unwrap();
    templates.number_style().digits(amount, false)
}

/// The bundled `templates/house.yaml`.
fn house() -> serde_yaml::Value {
    serde_yaml::from_str(&std::fs::read_to_string("templates/house.yaml").unwrap()).unwrap()
}

/// The bullets of PRIORITIZED RECOMMENDATIONS.
fn bullets(text: &str) -> Vec<&str> {
    text.split("PRIORITIZED RECOMMENDATIONS:\n\n")
        .nth(1)
        .unwrap_or_default()
        .lines()
        .take_while(|l| l.starts_with("  • "))
        .collect()
}

/// The intro: the paragraph after the heading.
fn intro(text: &str) -> &str {
    text.split("\n\n").nth(1).unwrap()
}

#[test]
fn drafts_carry_every_figure_of_their_facts() {
    let templates = Templates::load(None).unwrap();
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
                        "money" => text.contains(&money_text(v, &templates)),
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
        // The efforts sentence sums up the strengths that carry an effort; the shortcomings are
        // the key gaps, or the gaps that carry a shortfall.
        let has_efforts = a
            .findings
            .iter()
            .any(|f| f.kind == Effect::Strength && f.effort.is_some());
        let has_shortfalls = a
            .findings
            .iter()
            .any(|f| f.kind != Effect::Strength && f.shortfall.is_some());
        let has_key_gaps = a.findings.iter().any(|f| f.kind == Effect::KeyGap);
        assert_eq!(
            a.tier == "3" && has_efforts,
            intro.contains(
                "Despite the lack of significant efforts, the government took some steps to address trafficking, including "
            ),
            "{p}: Tier 3 steps sentence"
        );
        if matches!(a.tier.as_str(), "1" | "2" | "2WL") {
            assert_eq!(
                has_efforts,
                intro.contains("These efforts included "),
                "{p}: efforts sentence"
            );
        }
        assert!(
            !text.contains("the following:"),
            "{p}: the intro sums up, it does not list"
        );
        if a.tier == "1" {
            assert_eq!(
                has_shortfalls,
                intro.contains("Although the government meets the minimum standards, it "),
                "{p}"
            );
        }
        if matches!(a.tier.as_str(), "2" | "2WL" | "3") {
            assert_eq!(
                has_key_gaps || has_shortfalls,
                intro.contains(
                    "he government did not meet the minimum standards in several key areas."
                ),
                "{p}"
            );
            // "However" contrasts with the efforts; a Tier 3 intro without any has none.
            assert_eq!(
                (has_key_gaps || has_shortfalls) && (a.tier != "3" || has_efforts),
                intro.contains("However, the government did not meet"),
                "{p}: `However` without efforts before it"
            );
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
        // One bullet per merge group, the first `top` in the assessment's order, each opening
        // with its most important recommendation (acronyms may be shortened).
        let top = house()["recommendations"]["top"].as_u64().unwrap() as usize;
        let bullets = bullets(&text);
        let groups = &a.recommendation_groups;
        if groups.is_empty() {
            assert!(
                !bullets.is_empty(),
                "{p}: the house wording for no recommendation"
            );
        } else {
            assert_eq!(
                bullets.len(),
                groups.len().min(top),
                "{p}: one bullet per group"
            );
        }
        for (g, line) in groups.iter().zip(bullets) {
            let lead = &g.recommendations[0].text;
            let first_words: Vec<&str> = lead.split_whitespace().take(2).collect();
            assert!(
                line.starts_with(&format!("  • {}", first_words.join(" "))),
                "{p}: `{line}` is not `{lead}`"
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

fn assess(path: &str) -> Assessment {
    let rules = tiercheck::load_rules(None).unwrap();
    tiercheck::assess_file(&rules, Path::new(path)).unwrap()
}

fn draft_text(path: &str) -> String {
    let out = draft_cli(&[path]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A recommendation as a bullet carries it: lowercase, without its final period.
fn as_part(text: &str) -> String {
    text.trim().trim_end_matches('.').to_lowercase()
}

#[test]
fn tajikistan_recommendations_are_few_merged_and_open_with_the_key_gaps() {
    let a = assess("reports/2022/tajikistan.yaml");
    let text = draft_text("reports/2022/tajikistan.yaml");
    let bullets = bullets(&text);
    assert!(
        (8..=15).contains(&bullets.len()),
        "published narratives list 8-15 recommendations, the draft lists {}:\n{}",
        bullets.len(),
        bullets.join("\n")
    );
    // Merged: some bullet carries more than one recommendation of its group.
    assert!(
        a.recommendation_groups[..bullets.len()]
            .iter()
            .any(|g| g.recommendations.len() > 1),
        "no group merges anything"
    );
    // Key gaps first: the first bullets are the groups of the key gaps, and every key gap's
    // recommendation is in one of them.
    let key_groups = a
        .recommendation_groups
        .iter()
        .take_while(|g| g.kind == Effect::KeyGap)
        .count();
    assert!(key_groups >= 1);
    assert!(a.recommendation_groups[key_groups..]
        .iter()
        .all(|g| g.kind != Effect::KeyGap));
    for f in a.findings.iter().filter(|f| f.kind == Effect::KeyGap) {
        let rec = as_part(f.recommendation.as_deref().unwrap());
        assert!(
            bullets[..key_groups]
                .iter()
                .any(|b| b.to_lowercase().contains(&rec)),
            "key gap `{}`: `{rec}` is not in the first {key_groups} bullets:\n{}",
            f.id,
            bullets.join("\n")
        );
    }
    // Nothing is lost: the assessment keeps every recommendation, the undrafted ones too.
    let implied: std::collections::BTreeSet<&str> = a
        .findings
        .iter()
        .filter_map(|f| f.recommendation.as_deref())
        .collect();
    let kept: std::collections::BTreeSet<&str> =
        a.recommendations.iter().map(|r| r.text.as_str()).collect();
    assert_eq!(implied, kept);
    assert!(a.recommendations.len() > bullets.len());
    let explain = Command::cargo_bin("tiercheck")
        .unwrap()
        .args(["explain", "reports/2022/tajikistan.yaml"])
        .output()
        .unwrap();
    let explain = String::from_utf8(explain.stdout).unwrap();
    for r in &a.recommendations {
        assert!(
            explain.contains(r.text.trim()),
            "explain lacks `{}`",
            r.text
        );
    }
}

#[test]
fn recommendations_are_ordered_key_gaps_then_priority_with_groups_together() {
    for (path, a, _) in draft_all() {
        let p = path.display();
        let groups = &a.recommendation_groups;
        for pair in groups.windows(2) {
            let (x, y) = (&pair[0], &pair[1]);
            assert!(
                x.kind > y.kind || (x.kind == y.kind && x.priority <= y.priority),
                "{p}: group `{}` ({:?}, {}) before `{}` ({:?}, {})",
                x.group,
                x.kind,
                x.priority,
                y.group,
                y.kind,
                y.priority
            );
        }
        let flat: Vec<&str> = groups
            .iter()
            .flat_map(|g| g.recommendations.iter().map(|r| r.finding.as_str()))
            .collect();
        let listed: Vec<&str> = a
            .recommendations
            .iter()
            .map(|r| r.finding.as_str())
            .collect();
        assert_eq!(
            flat, listed,
            "{p}: `recommendations` lists the groups' members in order"
        );
        for g in groups {
            assert!(g.recommendations.iter().all(|r| r.group == g.group), "{p}");
        }
    }
}

#[test]
fn intros_sum_up_efforts_as_gerunds_and_leave_the_figures_to_the_sections() {
    let text = draft_text("reports/2022/tajikistan.yaml");
    let intro = intro(&text);
    assert!(
        intro.contains(
            "These efforts included increasing investigations of trafficking cases and funding for victim shelter services, and adopting a new national action plan (NAP)."
        ),
        "{intro}"
    );
    assert!(!intro.contains("the following:"), "{intro}");
    // The key gaps as the report states them.
    for gap in [
        "The government did not report convicting any traffickers.",
        "For the fourth consecutive year, the government did not adopt standard operating procedures (SOPs) for victim identification and referral to care.",
    ] {
        assert!(intro.contains(gap), "`{gap}` not in {intro}");
    }
    // The figures of the efforts are in the sections, not in the intro.
    for figure in ["22 trafficking cases", "600,000", "somoni"] {
        assert!(!intro.contains(figure), "`{figure}` in the intro: {intro}");
        assert!(text.contains(figure), "`{figure}` not in the draft");
    }
}

#[test]
fn tier_1_intros_name_shortcomings_as_actions() {
    let text = draft_text("reports/2022/nordhavn.yaml");
    let intro = intro(&text);
    assert!(
        intro.contains(
            "Although the government meets the minimum standards, it decreased funding for victim shelter services, "
        ),
        "{intro}"
    );
    assert!(
        !intro.contains("krone"),
        "figures stay in the sections: {intro}"
    );
}

#[test]
fn large_amounts_small_numbers_and_ranges_are_written_as_the_report_writes_them() {
    let templates = Templates::load(None).unwrap();
    let style = templates.number_style();
    // Millions and billions with one or two decimals; money is rounded, counts are exact.
    assert_eq!(style.digits(3_400_000.0, false), "3.4 million");
    assert_eq!(style.digits(3_650_000.0, false), "3.65 million");
    assert_eq!(style.digits(2_437_500.0, false), "2.44 million");
    assert_eq!(style.digits(3_000_000.0, false), "3 million");
    assert_eq!(style.digits(1_250_000_000.0, false), "1.25 billion");
    assert_eq!(style.digits(412_000.0, false), "412,000");
    assert_eq!(style.digits(1_600_000.0, true), "1.6 million");
    assert_eq!(style.digits(1_234_567.0, true), "1,234,567");
    // Numbers under ten in words, except beside units; a range in words only when both ends are.
    assert_eq!(style.words(4, &[]), "four");
    assert_eq!(style.words(10, &[]), "10");
    assert_eq!(style.words(5, &[5, 8]), "five");
    assert_eq!(style.words(5, &[5, 12]), "5");
    let nordhavn = draft_text("reports/2022/nordhavn.yaml");
    for expected in [
        "3.4 million Nordhavn krone ($412,000)",
        "a decrease from 3.65 million krone ($449,000)",
        "1.2 million krone ($145,000)",
        "penalties of 2 to 15 years' imprisonment",
    ] {
        assert!(nordhavn.contains(expected), "`{expected}` not in the draft");
    }
    assert!(!nordhavn.contains("3,400,000"));
    let tajikistan = draft_text("reports/2022/tajikistan.yaml");
    assert!(tajikistan.contains("penalties of five to eight years' imprisonment"));
    assert!(tajikistan.contains("600,000 Tajikistani somoni ($53,190)"));
}

/// A country with no gap has nothing to recommend: the draft writes the house wording for that
/// case, and `check` accepts the draft against its own facts.
#[test]
fn a_country_with_no_gaps_drafts_the_house_wording_and_checks_clean() {
    let path = "reports/2022/vestrand.yaml";
    let a = assess(path);
    assert_eq!(a.tier, "1");
    assert!(
        a.findings.iter().all(|f| f.kind == Effect::Strength),
        "the synthetic country has gaps: {:?}",
        a.findings
            .iter()
            .filter(|f| f.kind != Effect::Strength)
            .map(|f| &f.id)
            .collect::<Vec<_>>()
    );
    assert!(a.recommendations.is_empty());
    let text = draft_text(path);
    let bullets = bullets(&text);
    assert!(!bullets.is_empty(), "{text}");
    assert!(
        bullets.iter().all(|b| !b.contains("[Writer")),
        "{bullets:?}"
    );
    assert!(!intro(&text).contains("Although"), "no shortcoming to name");
    // The amount the report rounds ("2.44 million") checks against the exact fact.
    assert!(
        text.contains("2.44 million Vestrand krone ($295,000)"),
        "{text}"
    );
    let dir = tempfile::tempdir().unwrap();
    let draft = dir.path().join("vestrand-2022.txt");
    std::fs::write(&draft, &text).unwrap();
    let out = Command::cargo_bin("tiercheck")
        .unwrap()
        .args(["check", draft.to_str().unwrap(), "--facts", path])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // A rounding that does not fit the fact is still an amount mismatch.
    let wrong = text.replace("2.44 million Vestrand", "2.46 million Vestrand");
    std::fs::write(&draft, wrong).unwrap();
    let out = Command::cargo_bin("tiercheck")
        .unwrap()
        .args(["check", draft.to_str().unwrap(), "--facts", path])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("amount-mismatch"));
}

/// A copy of the bundled templates in a temporary folder, with one file replaced.
fn templates_with(name: &str, content: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir("templates").unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            continue; // `report/`: the report's templates, not the narrative's
        }
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
fn template_references_are_located_in_draft_and_in_rules_lint() {
    // (template, content, expected location, expected words): a name no assessment gives (read
    // alone, through a filter, inside an included template), an unknown filter, test, function
    // and template. `draft` and `rules lint` load the templates alike and report each at its
    // place before anything renders.
    let cases = [
        (
            "heading.tera",
            "{{ country }}\n  ({{ tier_name }})\n",
            "heading.tera:2:7]",
            "variable `tier_name` is not defined",
        ),
        (
            "heading.tera",
            "{{ country }} ({{ tier_label }}){% if flags %}\n{{ waiver_year | number_words }}{% endif %}\n",
            "heading.tera:2:4]",
            "variable `waiver_year` is not defined",
        ),
        (
            "profile.tera",
            "{% set p = facts.profile %}{{ p.summary.value }}\n{{ summary }}\n",
            "profile.tera:2:4]",
            "variable `summary` is not defined",
        ),
        (
            "heading.tera",
            "{{ country }}\n({{ tier_label | shout }})\n",
            "heading.tera:2:18]",
            "unknown filter `shout`",
        ),
        (
            "heading.tera",
            "{{ country }}\n{% if tier_label is shouty %}x{% endif %}\n",
            "heading.tera:2:21]",
            "unknown test `shouty`",
        ),
        (
            "heading.tera",
            "{{ country }}\n({{ shout(x=1) }})\n",
            "heading.tera:2:5]",
            "unknown function `shout`",
        ),
        (
            "heading.tera",
            "{{ country }}\n{% include \"nowhere.tera\" %}\n",
            "heading.tera:2:12]",
            "unknown template `nowhere.tera`",
        ),
    ];
    for (name, content, location, words) in cases {
        let project = tempfile::tempdir().unwrap();
        let templates = templates_with(name, content);
        let dir = project.path().join("templates");
        support::copy_dir(templates.path(), &dir);
        std::fs::write(
            project.path().join("tiercheck.toml"),
            "templates = \"templates\"\n",
        )
        .unwrap();
        let facts = Path::new(env!("CARGO_MANIFEST_DIR")).join("reports/2022/tajikistan.yaml");
        for args in [
            vec!["draft", facts.to_str().unwrap()],
            vec!["rules", "lint"],
        ] {
            let out = Command::cargo_bin("tiercheck")
                .unwrap()
                .current_dir(project.path())
                .env("NO_COLOR", "1")
                .args(&args)
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{args:?} {name}: {stderr}");
            assert!(
                stderr.contains(&format!("templates/{location}")) && stderr.contains(words),
                "{args:?}: `{location}` and `{words}` not in:\n{stderr}"
            );
        }
    }
}

#[test]
fn a_component_reading_a_name_it_is_not_given_fails_the_draft_at_its_place() {
    // A component sees only its arguments; what it reads otherwise is undefined when it renders.
    let text = std::fs::read_to_string("templates/components.tera").unwrap();
    let edited = text.replacen("{{ v | number_words }}", "{{ w | number_words }}", 1);
    let (line, col) = text
        .lines()
        .enumerate()
        .find_map(|(i, l)| l.find("{{ v | number_words }}").map(|c| (i + 1, c + 1)))
        .unwrap();
    let dir = templates_with("components.tera", &edited);
    let out = draft_cli(&[
        "reports/2022/tajikistan.yaml",
        "--templates",
        dir.path().to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "components.tera:{line}:{}]",
            col + "{{ w | ".len()
        )) && stderr.contains("found a name that is not defined"),
        "{stderr}"
    );
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
