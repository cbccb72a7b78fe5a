#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `check` on wording variants seen in published narratives (2017-2024), paraphrased for an
//! invented country: every `tests/variants/<name>.txt` is checked without the structure checks
//! (most are excerpts) and its diagnostics must equal `<name>.expected.yaml` (code, severity,
//! line, column). `clean-*` drafts are clean published wording and must give no error; the others
//! carry one injected inconsistency and must give at least one finding.
//! `TIERCHECK_BLESS=1 cargo test` writes missing or changed expectation files.

mod support;

use std::path::{Path, PathBuf};

use support::{by_file, compare_with_expectations, is_clean, Expected};

fn variants() -> Vec<PathBuf> {
    support::drafts("variants")
}

#[test]
fn every_variant_gives_exactly_its_expected_diagnostics() {
    let all = by_file(&variants(), &["structure"]);
    assert!(all.len() >= 15, "the variant folder lost its drafts");
    let failures = compare_with_expectations(all);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn clean_variants_give_no_error_and_injected_ones_do_not_pass() {
    // An injected inconsistency gives an error, or a warning where the check cannot be sure
    // (a comparison with another year, parts that add up to more than their whole).
    for (draft, found) in by_file(&variants(), &["structure"]) {
        let errors: Vec<&Expected> = found.iter().filter(|e| e.severity == "error").collect();
        if is_clean(&draft) {
            assert!(
                errors.is_empty(),
                "{}: a clean variant gave errors: {errors:?}",
                draft.display()
            );
        } else {
            assert!(
                !found.is_empty(),
                "{}: the injected inconsistency was missed",
                draft.display()
            );
        }
    }
}

#[test]
fn the_complete_special_case_narrative_is_clean_with_every_check() {
    let draft = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/variants/clean-special-case.txt");
    let found = by_file(std::slice::from_ref(&draft), &[]);
    let ds = found.get(&draft).expect("checked");
    assert!(
        ds.is_empty(),
        "a special case has no tier and no pillars: {ds:?}"
    );
}
