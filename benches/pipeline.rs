#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Benchmarks over a generated corpus of ~200 countries (the size of one report):
//! loading the rules, and assessing every facts file. Run with `cargo bench --bench pipeline`.
//! No timing is asserted anywhere in the tests; numbers come from here.

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion};

/// Countries in one report.
const COUNTRIES: usize = 188;

/// Write a corpus of synthetic facts files, varied deterministically from one seed country.
fn corpus(dir: &std::path::Path) -> Vec<PathBuf> {
    let year_dir = dir.join("2022");
    std::fs::create_dir_all(&year_dir).expect("temp dir");
    let tiers = ["1", "2", "2WL", "3"];
    (0..COUNTRIES)
        .map(|i| {
            let n = |base: usize| (base * (i % 7 + 1) + i) % 97;
            let lines = [
                format!("country: Country {i}"),
                "year: 2022".to_string(),
                "history:".to_string(),
                format!("  - {{ year: 2021, tier: \"{}\" }}", tiers[i % 4]),
                format!("  - {{ year: 2020, tier: \"{}\" }}", tiers[(i / 4) % 4]),
                "facts:".to_string(),
                "  law:".to_string(),
                format!("    penalty_max_years: {}", 3 + i % 8),
                "    penalty_min_years: 2".to_string(),
                "    criminalizes_sex_trafficking: true".to_string(),
                format!("    criminalizes_labor_trafficking: {}", i % 5 != 0),
                "  prosecution:".to_string(),
                format!(
                    "    investigations: {{ value: {}, previous: {} }}",
                    n(13),
                    n(11)
                ),
                format!(
                    "    prosecutions: {{ value: {}, previous: {} }}",
                    n(7),
                    n(5)
                ),
                format!("    convictions: {{ value: {}, previous: {} }}", n(3), n(4)),
                "  protection:".to_string(),
                format!(
                    "    victims_identified: {{ value: {}, previous: {} }}",
                    n(17),
                    n(19)
                ),
                format!(
                    "    victims_referred: {{ value: {}, previous: {} }}",
                    n(17) / 2,
                    n(19) / 2
                ),
                "  prevention:".to_string(),
                format!("    hotline: {}", i % 3 == 0),
            ];
            let text = lines.join("\n") + "\n";
            let path = year_dir.join(format!("country-{i:03}.yaml"));
            std::fs::write(&path, text).expect("write corpus");
            path
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let files = corpus(dir.path());
    c.bench_function("load bundled rules", |b| {
        b.iter(|| {
            tiercheck::load_rules(None)
                .map(|r| r.catalog.facts.len())
                .unwrap_or(0)
        })
    });
    let Ok(rules) = tiercheck::load_rules(None) else {
        eprintln!("the bundled rules do not load; run `tiercheck rules lint`");
        return;
    };
    // The corpus must be valid, or the benchmark would time error paths.
    for f in &files {
        if let Err(ds) = tiercheck::assess_file(&rules, f) {
            eprint!(
                "{}",
                tiercheck::diagnostic::render_human_all(
                    &ds,
                    tiercheck::diagnostic::HumanStyle::plain()
                )
            );
            return;
        }
    }
    c.bench_function("assess 188 countries", |b| {
        b.iter(|| {
            files
                .iter()
                .filter_map(|f| tiercheck::assess_file(&rules, f).ok())
                .count()
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_main!(benches);
