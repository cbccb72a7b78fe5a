#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The figure grammar, case by case: each case of `tests/grammar/*.yaml` is one sentence of a
//! pillar section (in our own words), and what the reader must make of it: the comparisons with
//! their trend, the figure pairs they compare and the year they name, and the breakdowns with
//! their whole, parts and completeness. A case lists what it cares about; `comparisons: []` or
//! `breakdowns: []` says there must be none.

use std::path::Path;

use serde::Deserialize;
use tiercheck::check::{CheckRules, Draft};
use tiercheck::rulebook::RuleFiles;
use tiercheck::source::SourceFile;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    sentence: String,
    #[serde(default)]
    comparisons: Option<Vec<Comparison>>,
    #[serde(default)]
    breakdowns: Option<Vec<Breakdown>>,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Comparison {
    /// increase | decrease | same | none
    trend: String,
    /// [this period, previous period] as written.
    #[serde(default)]
    pairs: Vec<[String; 2]>,
    #[serde(default)]
    year: Option<i32>,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Breakdown {
    whole: String,
    parts: Vec<String>,
    #[serde(default)]
    complete: bool,
}

fn rules() -> CheckRules {
    let files = RuleFiles::bundled().expect("bundled rules");
    CheckRules::load(&files, None).expect("bundled check rules load")
}

#[test]
fn every_grammar_case_reads_as_expected() {
    let rules = rules();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/grammar");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    let mut failures = Vec::new();
    let mut count = 0;
    for file in files {
        let cases: Vec<Case> =
            serde_yaml::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        for case in cases {
            count += 1;
            let text = format!(
                "PROSECUTION\n\nThe government maintained efforts. {}\n",
                case.sentence
            );
            let src = SourceFile::new("case.txt", text);
            let draft = Draft::read(&src, &rules);
            let t = |r: &std::ops::Range<usize>| src.text[r.clone()].to_string();
            let c = &draft.claims;
            let got_cmp: Vec<Comparison> = c
                .comparisons
                .iter()
                .map(|x| Comparison {
                    trend: x
                        .trend
                        .map_or("none".to_string(), |t| t.as_str().to_string()),
                    pairs: x
                        .pairs
                        .iter()
                        .map(|(a, b)| [t(&a.span), t(&b.span)])
                        .collect(),
                    year: x.previous_year.as_ref().map(|(y, _)| *y),
                })
                .collect();
            let got_bd: Vec<Breakdown> = c
                .parts
                .iter()
                .map(|p| Breakdown {
                    whole: t(&p.whole.span),
                    parts: p.parts.iter().map(|f| t(&f.span)).collect(),
                    complete: p.exhaustive,
                })
                .collect();
            if let Some(want) = &case.comparisons {
                if *want != got_cmp {
                    failures.push(format!(
                        "{}: {}\n  comparisons expected {want:?}\n  found {got_cmp:?}",
                        file.display(),
                        case.name
                    ));
                }
            }
            if let Some(want) = &case.breakdowns {
                if *want != got_bd {
                    failures.push(format!(
                        "{}: {}\n  breakdowns expected {want:?}\n  found {got_bd:?}",
                        file.display(),
                        case.name
                    ));
                }
            }
        }
    }
    assert!(count >= 20, "the grammar cases went missing");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
