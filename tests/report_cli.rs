//! `tiercheck report` from the command line: what it writes, what it refuses, and that a failure
//! leaves the site that was there. (The pages in a browser: `report_browser.rs`.)

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use assert_cmd::Command;

mod support;
use support::copy_dir;

fn tiercheck() -> Command {
    Command::cargo_bin("tiercheck").unwrap()
}

fn report(facts: &str, out: &Path) -> std::process::Output {
    tiercheck()
        .args(["report", facts, "-o"])
        .arg(out)
        .output()
        .unwrap()
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Every file of a site, by relative path, with its bytes.
fn files(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut std::collections::BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).unwrap().display().to_string();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = std::collections::BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

#[test]
fn a_site_has_an_overview_a_heatmap_and_a_page_per_facts_file_and_is_the_same_every_run() {
    let tmp = tempfile::tempdir().unwrap();
    let (one, two) = (tmp.path().join("one"), tmp.path().join("two"));
    let out = report("reports/2022", &one);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "no progress bar when standard error is not a terminal: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let facts_files = std::fs::read_dir("reports/2022")
        .unwrap()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "yaml"))
        .count();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!(
            "rules: rules (from `tiercheck.toml`)\nwrote {}: {facts_files} countries\n",
            one.join("index.html").display()
        )
    );
    let site = files(&one);
    for page in ["index.html", "heatmap.html", "style.css", "report.js"] {
        assert!(site.contains_key(page), "{page}");
    }
    let countries = site.keys().filter(|k| k.starts_with("countries/")).count();
    assert_eq!(countries, facts_files, "a page per facts file");
    // Everything is in the folder: no address outside it.
    for (name, bytes) in &site {
        // The SVG namespace is a name, not an address that is loaded.
        let text = String::from_utf8_lossy(bytes).replace("http://www.w3.org/2000/svg", "");
        assert!(
            !text.contains("http://") && !text.contains("https://") && !text.contains("//cdn"),
            "{name} links outside the site"
        );
    }
    report("reports/2022", &two);
    assert_eq!(site, files(&two), "the same inputs write the same bytes");
}

#[test]
fn a_failed_run_leaves_the_previous_site_as_it_was() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    assert_eq!(report("reports/2022", &site).status.code(), Some(0));
    let before = files(&site);
    let out = report("tests/fixtures/bad-facts", &site);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("tests/fixtures/bad-facts/"), "{stderr}");
    assert_eq!(before, files(&site));
    let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().flatten().collect();
    assert_eq!(left.len(), 1, "no temporary folder is left beside the site");
}

#[test]
fn a_folder_of_other_files_is_not_replaced() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("notes.txt"), "mine").unwrap();
    let out = report("reports/2022", tmp.path());
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("output-exists"), "{stderr}");
    assert_eq!(read(&tmp.path().join("notes.txt")), "mine");
}

#[test]
fn a_broken_report_template_is_reported_at_its_line_and_nothing_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let templates = tmp.path().join("templates");
    copy_dir(Path::new("templates/report"), &templates);
    let heatmap = templates.join("heatmap.html");
    let text = read(&heatmap);
    let broken = text.replacen("<h2>Columns</h2>", "<h2>Columns</h2>{% if %}", 1);
    assert_ne!(text, broken);
    std::fs::write(&heatmap, broken).unwrap();
    let site = tmp.path().join("site");
    let out = tiercheck()
        .args(["report", "reports/2022", "--templates"])
        .arg(&templates)
        .arg("-o")
        .arg(&site)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("bad-template"), "{stderr}");
    assert!(stderr.contains("heatmap.html:"), "{stderr}");
    assert!(!site.exists());
}

#[test]
fn drafts_are_checked_paired_and_a_draft_without_facts_is_listed() {
    let tmp = tempfile::tempdir().unwrap();
    let drafts = tmp.path().join("drafts");
    std::fs::create_dir(&drafts).unwrap();
    for name in ["castamar-2022.txt", "tajikistan-2022.txt"] {
        std::fs::copy(
            Path::new("tests/report/drafts").join(name),
            drafts.join(name),
        )
        .unwrap();
    }
    std::fs::copy(
        "docs/examples/borduria-2021.txt",
        drafts.join("borduria-2021.txt"),
    )
    .unwrap();
    let site = tmp.path().join("site");
    let out = tiercheck()
        .args(["report", "reports/2022", "--drafts"])
        .arg(&drafts)
        .arg("-o")
        .arg(&site)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "the drafts have errors");
    let index = read(&site.join("index.html"));
    let unpaired = &index[index.find("id=\"unpaired\"").expect("unpaired drafts")..];
    assert!(unpaired.contains("borduria-2021.txt"));
    // Castamar's draft states Tier 2; the rules give Tier 2 Watch List.
    let castamar = read(&site.join("countries/castamar-2022.html"));
    assert!(castamar.contains("class=\"diag-ref error\""));
    assert!(castamar.contains("tier-not-computed"));
}

/// A copy of the bundled rules with one edit, as the rules before an edit.
fn base_rules(dir: &Path, old: &str, new: &str) -> std::path::PathBuf {
    let base = dir.join("base-rules");
    copy_dir(Path::new("rules"), &base);
    let ruleset = base.join("ruleset.yaml");
    let text = read(&ruleset);
    assert!(text.contains(old), "`{old}` is in ruleset.yaml");
    std::fs::write(&ruleset, text.replacen(old, new, 1)).unwrap();
    base
}

#[test]
fn a_rule_edit_is_worded_by_the_report_templates() {
    let tmp = tempfile::tempdir().unwrap();
    // The words are the templates': reword the kind of finding in a copy of them.
    let templates = tmp.path().join("templates");
    copy_dir(Path::new("templates/report"), &templates);
    let words = templates.join("_words.html");
    let text = read(&words);
    let reworded = text.replacen("\"key_gap\": \"key gap\"", "\"key_gap\": \"KEY GAP\"", 1);
    assert_ne!(text, reworded);
    std::fs::write(&words, reworded).unwrap();
    let site = tmp.path().join("site");
    let run = |base: &Path| {
        let out = tiercheck()
            .args(["report", "reports/2022", "--base-rules"])
            .arg(base)
            .arg("--templates")
            .arg(&templates)
            .arg("-o")
            .arg(&site)
            .output()
            .unwrap();
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let index = read(&site.join("index.html"));
        let from = index.find("id=\"impact\"").expect("the impact section");
        index[from..from + index[from..].find("</section>").unwrap()].to_string()
    };

    // Under the base rules a maximum of eight years was too low: the key gap goes away.
    let base = base_rules(
        &tmp.path().join("penalty"),
        "min_max_penalty_years:\n    value: 4",
        "min_max_penalty_years:\n    value: 9",
    );
    let impact = run(&base);
    assert!(
        impact.contains("KEY GAP: The law prescribed a maximum penalty of eight years"),
        "{impact}"
    );

    // Under base rules whose first report is after 2022, no file assesses: each says why.
    let base = base_rules(&tmp.path().join("years"), "first: 2001", "first: 2023");
    let impact = run(&base);
    assert!(
        impact.contains("not assessable: there is no 2022 report"),
        "{impact}"
    );
    assert!(impact.contains("assessed: Tier 2"), "{impact}");
}

#[test]
fn a_site_with_drafts_and_a_rule_edit_is_the_same_every_run() {
    let tmp = tempfile::tempdir().unwrap();
    // An edit that changes two kinds of outcome (tier and movement) for one country: the
    // overview counts the countries of each kind.
    let base = base_rules(
        tmp.path(),
        "significant_efforts_min_score:\n    value: -22",
        "significant_efforts_min_score:\n    value: -5",
    );
    let run = |out: &Path| {
        let status = tiercheck()
            .args(["report", "reports/2022", "--drafts", "tests/report/drafts"])
            .arg("--base-rules")
            .arg(&base)
            .arg("-o")
            .arg(out)
            .output()
            .unwrap()
            .status;
        assert_eq!(status.code(), Some(1), "the drafts have errors");
        files(out)
    };
    let first = run(&tmp.path().join("site-1"));
    let index = String::from_utf8_lossy(&first["index.html"]).into_owned();
    assert!(index.contains("1 in movement, 1 in tier"), "{index}");
    for n in 2..=3 {
        assert!(
            first == run(&tmp.path().join(format!("site-{n}"))),
            "run {n} wrote other bytes"
        );
    }
}
