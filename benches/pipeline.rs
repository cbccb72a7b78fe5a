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
            let text = format!(
                "country: Country {i}\nyear: 2022\nhistory:\n  - {{ year: 2021, tier: \"{t1}\" }}\n  - {{ year: 2020, tier: \"{t2}\" }}\n\
facts:\n  law:\n    penalty_max_years: {pmax}\n    penalty_min_years: 2\n    criminalizes_sex_trafficking: true\n    criminalizes_labor_trafficking: {labor}\n\
  prosecution:\n    investigations: {{ value: {inv}, previous: {inv_p} }}\n    prosecutions: {{ value: {pro}, previous: {pro_p} }}\n    convictions: {{ value: {con}, previous: {con_p} }}\n\
  protection:\n    victims_identified: {{ value: {vic}, previous: {vic_p} }}\n    victims_referred: {{ value: {refd}, previous: {refd_p} }}\n\
  prevention:\n    hotline: {hot}\n",
                t1 = tiers[i % 4],
                t2 = tiers[(i / 4) % 4],
                pmax = 3 + i % 8,
                labor = i % 5 != 0,
                inv = n(13),
                inv_p = n(11),
                pro = n(7),
                pro_p = n(5),
                con = n(3),
                con_p = n(4),
                vic = n(17),
                vic_p = n(19),
                refd = n(17) / 2,
                refd_p = n(19) / 2,
                hot = i % 3 == 0,
            );
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
        b.iter(|| tiercheck::load_rules(None).map(|r| r.catalog.facts.len()).unwrap_or(0))
    });
    let Ok(rules) = tiercheck::load_rules(None) else {
        eprintln!("the bundled rules do not load; run `tiercheck rules lint`");
        return;
    };
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
