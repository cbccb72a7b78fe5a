#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Benchmarks over a generated corpus the size of one report (188 countries): loading the rules,
//! assessing every facts file, `check` of every country's narrative, paired with its facts
//! by country and year through the folder path the CLI takes, and text-only, and `report` of the
//! whole year with its drafts (the site built and written). Run with
//! `cargo bench --bench pipeline`. No timing is asserted anywhere in the tests; numbers come from
//! here.
//!
//! With `TIERCHECK_BENCH_CORPUS=DIR` set, the bench writes corpora of 94, 188 and 376 countries to
//! `DIR/<n>/{facts/2022,drafts}` and stops, so `benches/check_wall.sh` can time the CLI over them.

use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, Criterion};
use tiercheck::cli::RulesArg;
use tiercheck::commands::check::{execute, CheckArgs, CheckFormat};

/// Countries in one report.
const COUNTRIES: usize = 188;

/// Corpus sizes written for the CLI wall-time runs: half, one and two reports.
const WALL_SIZES: [usize; 3] = [94, 188, 376];

/// A pronounceable country name, distinct for every `i` below 1024 and free of digits (a digit
/// in a country name would read as a figure in the narrative).
fn country_name(i: usize) -> String {
    const FIRST: [&str; 16] = [
        "Ar", "Bel", "Cor", "Dan", "El", "Fen", "Gal", "Hol", "Is", "Jor", "Kel", "Lun", "Mor",
        "Nal", "Or", "Pel",
    ];
    const SECOND: [&str; 16] = [
        "va", "ro", "di", "ta", "ne", "lo", "sa", "ri", "mo", "ca", "be", "ze", "pa", "gu", "fi",
        "te",
    ];
    const END: [&str; 4] = ["nia", "land", "stan", "ria"];
    format!(
        "{}{}{}",
        FIRST[i % 16],
        SECOND[(i / 16) % 16],
        END[(i / 256) % 4]
    )
}

/// The facts of country `i`: every group a full narrative draws on (law, the three pillars,
/// money, the trafficking profile), varied deterministically so tiers, trends and wording differ.
fn facts_text(i: usize) -> String {
    let name = country_name(i);
    let n = |base: usize| (base * (i % 7 + 1) + i) % 97;
    let b = |k: usize| (i / k) % 2 == 0;
    let tiers = ["1", "2", "2WL", "3"];
    let sops = ["adopted", "drafted", "not_adopted"];
    let nap = ["adopted", "drafted", "expired", "none"];
    let funding = 1000 * (50 + n(29));
    let previous_funding = 1000 * (50 + n(31));
    let lines = [
        format!("country: {name}"),
        "year: 2022".to_string(),
        "period: 2021".to_string(),
        "history:".to_string(),
        format!("  - {{ year: 2021, tier: \"{}\" }}", tiers[i % 4]),
        format!("  - {{ year: 2020, tier: \"{}\" }}", tiers[(i / 4) % 4]),
        format!("  - {{ year: 2019, tier: \"{}\" }}", tiers[(i / 16) % 4]),
        "facts:".to_string(),
        "  law:".to_string(),
        format!("    statute: Law No. {} on combating trafficking in persons", 10 + i % 50),
        "    criminalizes_sex_trafficking: true".to_string(),
        format!("    criminalizes_labor_trafficking: {}", i % 5 != 0),
        "    penalty_min_years: 2".to_string(),
        format!("    penalty_max_years: {}", 3 + i % 8),
        format!("    penalties_commensurate_with_rape: {}", b(2)),
        format!("    definition_broader_than_standard: {}", b(3)),
        "  prosecution:".to_string(),
        format!("    investigations: {{ value: {}, previous: {} }}", n(13), n(11)),
        format!("    suspects_investigated: {{ value: {}, previous: {} }}", n(15), n(12)),
        format!("    prosecutions: {{ value: {}, previous: {} }}", n(7), n(5)),
        format!("    convictions: {{ value: {}, previous: {} }}", n(3), n(4)),
        format!("    specialized_units: {}", b(5)),
        format!("    investigations_deprioritized: {}", !b(6)),
        format!("    law_enforcement_training: {}", b(7)),
        format!("    cooperation_agreements: {}", b(2)),
        "    international_cooperation: not_reported".to_string(),
        format!("    complicity_allegations: {}", !b(3)),
        "    complicity_investigations: 0".to_string(),
        "    complicity_prosecutions: 0".to_string(),
        "    complicity_convictions: 0".to_string(),
        "    government_policy_or_pattern: false".to_string(),
        "  protection:".to_string(),
        format!("    victims_identified: {{ value: {}, previous: {} }}", n(17), n(19)),
        format!(
            "    victims_referred: {{ value: {}, previous: {} }}",
            n(17) / 2,
            n(19) / 2
        ),
        format!("    referral_mechanism: {}", b(4)),
        format!("    sops_status: {}", sops[i % 3]),
        format!("    screening_training: {}", b(5)),
        format!("    proactive_identification: {}", !b(2)),
        "    shelter_funding:".to_string(),
        format!("      value:    {{ amount: {funding}, currency: {name} marks, usd: {} }}", funding / 10),
        format!(
            "      previous: {{ amount: {previous_funding}, currency: {name} marks, usd: {} }}",
            previous_funding / 10
        ),
        format!("    shelter_victims_assisted: {{ value: {}, previous: {} }}", n(5), n(6)),
        format!("    reliance_on_international_funding: {}", b(3)),
        format!("    long_term_support: {}", !b(4)),
        format!("    non_penalization: {}", b(6)),
        format!("    victim_confidentiality: {}", b(2)),
        format!("    witness_protection: {}", !b(5)),
        format!("    services_unconditional: {}", b(7)),
        format!("    foreign_victim_residency: {}", b(3)),
        format!("    ngo_funding: {{ amount: {}, currency: {name} marks, usd: {} }}", funding / 3, funding / 30),
        format!("    citizen_victims_abroad: {}", n(17) / 3),
        format!("    sops_years_not_adopted: {{ value: {}, previous: {} }}", 2 + i % 3, 1 + i % 3),
        format!("    shelter_outside_capital: {}", b(2)),
        format!("    victim_status_barriers: {}", !b(3)),
        format!("    victim_confrontation_required: {}", b(5)),
        format!("    removal_without_screening: {}", !b(4)),
        "    returnee_screening: not_reported".to_string(),
        "  prevention:".to_string(),
        format!("    nap_status: {}", nap[i % 4]),
        format!("    coordinating_body: {}", b(2)),
        format!("    hotline: {}", i % 3 == 0),
        format!("    hotline_call_data: {}", b(2)),
        format!("    child_labor_outreach: {{ value: not_reported, previous: {} }}", b(3)),
        format!("    forced_labor_state_mobilization: {}", i % 11 == 0),
        format!("    labor_inspection_insufficient: {}", b(4)),
        format!("    pre_departure_centers: {}", n(3) % 9),
        format!("    returning_migrant_support: {}", b(5)),
        format!("    migration_data_collection: {}", !b(2)),
        format!("    labor_migration_agreements: {}", b(6)),
        format!("    partner_obstruction: {}", !b(7)),
        format!("    awareness_campaigns: {}", b(4)),
        format!("    forced_labor_harvest: {}", i % 9 == 0),
        format!("    labor_inspectors: {}", 10 + n(23)),
        format!("    recruiter_licensing: {}", b(5)),
        format!("    recruitment_fee_monitoring: {}", !b(6)),
        format!("    diplomat_training: {}", b(3)),
        format!("    peacekeeper_training: {}", !b(2)),
        format!("    demand_reduction: {}", b(7)),
        format!("    civil_society_partnership: {}", b(4)),
        "  general:".to_string(),
        "    covid_impact_considered: true".to_string(),
        "  profile:".to_string(),
        "    flows: [origin, destination]".to_string(),
        "    forms: [labor trafficking, sex trafficking, forced begging]".to_string(),
        "    destinations: [Russia, Turkey, United Arab Emirates]".to_string(),
        "    vulnerable_groups:".to_string(),
        "      - labor migrants and returning migrants".to_string(),
        "      - children in street situations".to_string(),
        "      - refugees and asylum-seekers".to_string(),
        "      - rural women working informally".to_string(),
        "      - families of migrant workers".to_string(),
        "      - LGBTQI+ persons".to_string(),
        "    summary:".to_string(),
        format!("      - Traffickers exploit men from {name} in construction and agriculture abroad."),
        "      - Women and girls are exploited in commercial sex and domestic servitude.".to_string(),
        "      - Adults and children risk forced labor in agriculture and in local public works.".to_string(),
        "      - Recruiters deceive job seekers with false offers of work abroad and confiscate their passports.".to_string(),
        "      - Children from poor rural areas are forced to beg in the capital and in border towns.".to_string(),
    ];
    lines.join("\n") + "\n"
}

/// Write `countries` synthetic facts files to `<dir>/2022/<country>.yaml`.
fn corpus(dir: &Path, countries: usize) -> Vec<PathBuf> {
    let year_dir = dir.join("2022");
    std::fs::create_dir_all(&year_dir).expect("temp dir");
    (0..countries)
        .map(|i| {
            let path = year_dir.join(format!("{}.yaml", country_name(i).to_lowercase()));
            std::fs::write(&path, facts_text(i)).expect("write corpus");
            path
        })
        .collect()
}

/// The slips writers leave, put into some drafts so `check` has findings to report, as a real
/// report's drafts do: a doubled word, a stray preposition, a figure that disagrees with the facts.
fn with_slips(i: usize, text: &str) -> String {
    let mut t = text.to_string();
    if i % 3 == 0 {
        t = t.replacen(" the government ", " the the government ", 1);
    }
    if i % 5 == 0 {
        t = t.replacen(" for victims", " for of victims", 1);
    }
    if i % 7 == 0 {
        t = t.replacen("investigated ", "investigated 1", 1);
    }
    t
}

/// Render the narrative of every facts file with the bundled templates (as `tiercheck draft`
/// does) and write it to `<dir>/<country>-2022.txt`: each draft pairs with its own facts file by
/// the country of its heading and the year of its file name.
fn drafts(dir: &Path, facts: &[PathBuf], rules: &tiercheck::rulebook::Rulebook) -> Vec<PathBuf> {
    std::fs::create_dir_all(dir).expect("drafts dir");
    let templates = tiercheck::draft::Templates::load(None).expect("bundled templates load");
    facts
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let assessment = tiercheck::assess_file(rules, f).unwrap_or_else(|ds| {
                panic!(
                    "{}",
                    tiercheck::diagnostic::render_human_all(
                        &ds,
                        tiercheck::diagnostic::HumanStyle::plain()
                    )
                )
            });
            let text = templates.render(&assessment).expect("the draft renders");
            let stem = f.file_stem().and_then(|s| s.to_str()).expect("file name");
            let path = dir.join(format!("{stem}-2022.txt"));
            std::fs::write(&path, with_slips(i, &text)).expect("write draft");
            path
        })
        .collect()
}

/// Write a corpus of `countries` facts files and their drafts under `dir` (`facts/2022/`,
/// `drafts/`).
fn write_report(dir: &Path, countries: usize, rules: &tiercheck::rulebook::Rulebook) {
    let facts = corpus(&dir.join("facts"), countries);
    drafts(&dir.join("drafts"), &facts, rules);
}

/// `tiercheck check DRAFTS [--facts FACTS] --format json`, as the CLI runs it (rules loaded,
/// drafts paired, checked and rendered).
fn check_args(drafts: &Path, facts: Option<&Path>) -> CheckArgs {
    CheckArgs {
        drafts: vec![drafts.to_path_buf()],
        facts: facts.map(Path::to_path_buf),
        rules: RulesArg::default(),
        format: CheckFormat::Json,
        select: Vec::new(),
        ignore: Vec::new(),
        explain: None,
        watch: false,
        year: None,
        ..CheckArgs::default()
    }
}

fn bench(c: &mut Criterion) {
    let Ok(rules) = tiercheck::load_rules(None) else {
        eprintln!("the bundled rules do not load; run `tiercheck rules lint`");
        return;
    };
    if let Some(out) = std::env::var_os("TIERCHECK_BENCH_CORPUS") {
        for n in WALL_SIZES {
            let dir = Path::new(&out).join(n.to_string());
            if dir.exists() {
                std::fs::remove_dir_all(&dir).expect("clear the old corpus");
            }
            write_report(&dir, n, &rules);
            eprintln!("wrote {n} facts files and drafts to {}", dir.display());
        }
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    write_report(dir.path(), COUNTRIES, &rules);
    let facts_dir = dir.path().join("facts");
    let drafts_dir = dir.path().join("drafts");
    let files =
        tiercheck::expand_inputs(std::slice::from_ref(&facts_dir), &["yaml"]).expect("facts files");

    // The drafts must pair with their facts, or the benchmark would time the unpaired path;
    // `with_slips` puts findings in some of them, and only there.
    let paired = check_args(&drafts_dir, Some(&facts_dir));
    let (text, _) = execute(&paired).unwrap_or_else(|ds| {
        panic!(
            "{}",
            tiercheck::diagnostic::render_human_all(
                &ds,
                tiercheck::diagnostic::HumanStyle::plain()
            )
        )
    });
    assert!(
        !text.contains("no-facts-file"),
        "every draft pairs with its facts"
    );
    let text_only = check_args(&drafts_dir, None);

    c.bench_function("load bundled rules", |b| {
        b.iter(|| {
            tiercheck::load_rules(None)
                .map(|r| r.catalog.facts.len())
                .unwrap_or(0)
        })
    });
    c.bench_function("assess 188 countries", |b| {
        b.iter(|| {
            files
                .iter()
                .filter_map(|f| tiercheck::assess_file(&rules, f).ok())
                .count()
        })
    });
    c.bench_function("check 188 narratives with facts (folder pairing)", |b| {
        b.iter(|| execute(&paired).map(|(t, _)| t.len()).unwrap_or(0))
    });
    c.bench_function("check 188 narratives, text-only", |b| {
        b.iter(|| execute(&text_only).map(|(t, _)| t.len()).unwrap_or(0))
    });
    let report = tiercheck::report::Options {
        facts: facts_dir.join("2022"),
        drafts: Some(drafts_dir.clone()),
        ..Default::default()
    };
    let site = dir.path().join("site");
    c.bench_function(
        "report 188 countries with drafts (site built and written)",
        |b| {
            b.iter(|| {
                let built = tiercheck::report::build(&report, &tiercheck::report::Quiet)
                    .expect("the report builds");
                tiercheck::report::site::write(&site, &built.files).expect("the site is written");
                built.files.len()
            })
        },
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(std::time::Duration::from_secs(1))
        .measurement_time(std::time::Duration::from_secs(5));
    targets = bench
}
criterion_main!(benches);
