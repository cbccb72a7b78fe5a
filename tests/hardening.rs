#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The reproducers of the hardening probe (issue 13), each ending in a located exit 2 or a
//! normal result, bounded by construction (a size limit, a cap, a budget): devices and endless
//! inputs, writes through symlinks and onto special files, bytes that are not text.

use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;

fn tiercheck() -> Command {
    let mut c = Command::cargo_bin("tiercheck").expect("binary builds");
    // A safety net for a regression, not a timing assertion: every run here ends by a limit.
    c.timeout(Duration::from_secs(120)).env("NO_COLOR", "1");
    c
}

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

// ------------------------------------------------------------------------------ reading inputs

#[cfg(unix)]
#[test]
fn devices_are_refused_before_anything_is_read() {
    if !Path::new("/dev/zero").exists() {
        return;
    }
    for args in [
        vec!["check", "/dev/zero"],
        vec!["assess", "/dev/urandom"],
        vec!["check", "tests/check/clean.txt", "--facts", "/dev/zero"],
        vec!["extract", "/dev/zero"],
    ] {
        let out = tiercheck().args(&args).output().unwrap();
        let err = stderr_of(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("is a character device, not a regular file"),
            "{args:?}: {err}"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_pipe_that_does_not_end_is_read_up_to_the_input_limit_and_refused() {
    // `yes` through a pipe: the reader stops at the limit and says so.
    if !Path::new("/bin/sh").exists() {
        return;
    }
    let exe = assert_cmd::cargo::cargo_bin("tiercheck");
    let out = std::process::Command::new("/bin/sh")
        .arg("-c")
        .arg(format!(
            "yes 'The government investigated cases.' | NO_COLOR=1 '{}' check /dev/stdin",
            exe.display()
        ))
        .output()
        .unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("input-too-large") && err.contains("input limit of 67108864 bytes"),
        "{err}"
    );
}

#[test]
fn invalid_utf8_is_located_by_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let draft = dir.path().join("draft.txt");
    std::fs::write(&draft, b"TAJIKISTAN: Tier 2\n\nThe gov\xe9rnment acted.\n").unwrap();
    let facts = dir.path().join("facts.yaml");
    std::fs::write(&facts, b"country: X\r\ryear: \xff2022\r").unwrap();
    for (cmd, file, at) in [
        ("check", &draft, "line 3, column 8"),
        ("assess", &facts, "line 3, column 7"),
    ] {
        let out = tiercheck().arg(cmd).arg(file).output().unwrap();
        let err = stderr_of(&out);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains("not-utf8") && err.contains(at), "{err}");
    }
}

#[test]
fn a_nul_byte_is_located_by_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let facts = dir.path().join("facts.yaml");
    std::fs::write(&facts, b"country: X\nyear: 20\x0022\n").unwrap();
    let out = tiercheck().arg("assess").arg(&facts).output().unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("binary-input") && err.contains("line 2, column 9"),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------- writing -o

const EXTRACT_INPUT: &str = "tests/check/clean.txt";

#[cfg(unix)]
#[test]
fn output_through_a_symlink_replaces_the_target_and_keeps_the_link() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("facts.yaml");
    std::fs::write(&target, "old").unwrap();
    let link = dir.path().join("link.yaml");
    std::os::unix::fs::symlink("facts.yaml", &link).unwrap();
    let out = tiercheck()
        .args(["extract", EXTRACT_INPUT, "-o"])
        .arg(&link)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    let written = std::fs::read_to_string(&target).unwrap();
    assert!(written.contains("country:"), "{written}");
}

#[cfg(unix)]
#[test]
fn output_onto_a_device_or_a_folder_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("null.yaml");
    std::os::unix::fs::symlink("/dev/null", &link).unwrap();
    for to in [link.as_path(), dir.path()] {
        let out = tiercheck()
            .args(["extract", EXTRACT_INPUT, "-o"])
            .arg(to)
            .output()
            .unwrap();
        let err = stderr_of(&out);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains("it is not a regular file"), "{err}");
    }
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
}

#[test]
fn a_stale_temporary_file_of_a_killed_run_is_removed_by_the_next_write() {
    let dir = tempfile::tempdir().unwrap();
    let stale = dir.path().join(".facts.yaml.abc123.tiercheck.tmp");
    let file = std::fs::File::create(&stale).unwrap();
    file.set_modified(std::time::SystemTime::now() - Duration::from_secs(7200))
        .unwrap();
    let fresh = dir.path().join(".facts.yaml.def456.tiercheck.tmp");
    std::fs::write(&fresh, "").unwrap();
    let out = tiercheck()
        .args(["extract", EXTRACT_INPUT, "-o"])
        .arg(dir.path().join("facts.yaml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(!stale.exists(), "a stale temporary file is ours to remove");
    assert!(fresh.exists(), "a recent one may belong to a running write");
}

// ---------------------------------------------------------------------------- terminal output

#[test]
fn escape_sequences_in_a_draft_never_reach_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let draft = dir.path().join("draft.txt");
    std::fs::write(
        &draft,
        "TAJIKISTAN: Tier 2\n\nThe government \u{1b}]0;owned\u{7}investigated the the \u{1b}[31mcases\u{9b}2J.\n",
    )
    .unwrap();
    let out = tiercheck().arg("check").arg(&draft).output().unwrap();
    let err = stderr_of(&out);
    let printed = format!("{}{err}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(out.status.code(), Some(1), "{printed}");
    assert!(printed.contains("doubled-word"), "{printed}");
    assert!(
        !printed.contains('\u{1b}') && !printed.contains('\u{9b}') && !printed.contains('\u{7}'),
        "{printed:?}"
    );
}

#[test]
fn lone_cr_line_ends_and_yaml_tags_show_the_right_line_in_the_snippet() {
    let dir = tempfile::tempdir().unwrap();
    let facts = dir.path().join("facts.yaml");
    for (text, shown) in [
        (
            "country: X\ryear: 2022\rfacts:\r  law:\r    penalty_max_years: -3\r",
            "5 │     penalty_max_years: -3",
        ),
        (
            "country: !!str X\ryear: !!int 2022\rfacts: !!map\r  law: !!map\r    penalty_max_years: !!int -3\r",
            "5 │     penalty_max_years: !!int -3",
        ),
    ] {
        std::fs::write(&facts, text).unwrap();
        let out = tiercheck().arg("assess").arg(&facts).output().unwrap();
        let err = stderr_of(&out);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(
            err.contains("facts.yaml:5:24]") && err.contains(shown),
            "{err}"
        );
    }
}

// ------------------------------------------------------------------- extract output must load

#[test]
fn extracted_facts_with_controls_and_a_bom_in_comments_load_in_assess() {
    let dir = tempfile::tempdir().unwrap();
    let draft = dir.path().join("tajikistan-2022.txt");
    std::fs::write(
        &draft,
        "\u{feff}TAJIKISTAN: Tier 2\n\nThe \u{1b}[31mministry\u{feff} painted 42 walls\u{85} in 17 towns.\n",
    )
    .unwrap();
    let facts = dir.path().join("out.yaml");
    let out = tiercheck()
        .arg("extract")
        .arg(&draft)
        .arg("-o")
        .arg(&facts)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let text = std::fs::read_to_string(&facts).unwrap();
    // The reader drops the BOM and the NEL; the escape is written out, not copied.
    assert!(
        text.contains("\\u{1b}[31mministry") && !text.contains('\u{1b}'),
        "{text}"
    );
    let out = tiercheck().arg("assess").arg(&facts).output().unwrap();
    assert_ne!(out.status.code(), Some(2), "{}", stderr_of(&out));
}

#[test]
fn extract_without_a_country_or_year_fails_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let draft = dir.path().join("draft.txt");
    std::fs::write(&draft, "The government investigated 5 cases.\n").unwrap();
    let out = tiercheck().arg("extract").arg(&draft).output().unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("extract-incomplete") && err.contains("cannot tell the country and year"),
        "{err}"
    );
}

// ------------------------------------------------------------------------------------ drafts

/// The bundled Tajikistan 2022 facts with one text replaced, in `<tmp>/2022/tajikistan.yaml`.
fn facts_with(old: &str, new: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let year = dir.path().join("2022");
    std::fs::create_dir(&year).unwrap();
    let facts = year.join("tajikistan.yaml");
    let text = std::fs::read_to_string("reports/2022/tajikistan.yaml").unwrap();
    assert!(text.contains(old), "`{old}` is not in the facts");
    std::fs::write(&facts, text.replace(old, new)).unwrap();
    (dir, facts)
}

#[test]
fn control_characters_in_a_facts_string_never_reach_the_draft() {
    let (_dir, facts) = facts_with(
        "statute: Articles 130.1 and 167 of the criminal code",
        "statute: \"Articles 130.1\\0 and 167\\e[31m of the criminal code\"",
    );
    let out = tiercheck().arg("draft").arg(&facts).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let draft = String::from_utf8_lossy(&out.stdout);
    assert!(
        draft.contains("Articles 130.1 and 167[31m of the"),
        "{draft}"
    );
    assert!(!draft.contains('\0') && !draft.contains('\u{1b}'));
}

#[test]
fn the_largest_count_assess_accepts_also_drafts_and_a_larger_one_is_located() {
    // The loader takes counts up to 2^53 - 1 (what every JSON reader holds exactly): the largest
    // drafts; one above it (here above 2^63) is refused by both, at its place, never a crash.
    let (_dir, facts) = facts_with(
        "investigations: { value: 22, previous: 10 }",
        "investigations: { value: 9007199254740991, previous: 10 }",
    );
    let assessed = tiercheck().arg("assess").arg(&facts).output().unwrap();
    assert_ne!(assessed.status.code(), Some(2), "{}", stderr_of(&assessed));
    let out = tiercheck().arg("draft").arg(&facts).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));

    let (_dir, facts) = facts_with(
        "investigations: { value: 22, previous: 10 }",
        "investigations: { value: 10000000000000000000, previous: 10 }",
    );
    for command in ["assess", "draft"] {
        let out = tiercheck().arg(command).arg(&facts).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{command}");
        let err = stderr_of(&out);
        assert!(
            err.contains("too large") && err.contains(":31:"),
            "{command}: {err}"
        );
    }
}

// ------------------------------------------------------------------ linear in every input list
// The probe's inputs at its sizes. Each run is one pass over its lists: these end in a normal
// result or a located exit 2 within an ordinary test run, where a rescan per item took minutes.

/// `check --format json` of a draft: the exit code and the diagnostics.
fn check_json(draft: &Path) -> (Option<i32>, Vec<serde_json::Value>) {
    let out = tiercheck()
        .args(["check", "--format", "json"])
        .arg(draft)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("no JSON: {}", stderr_of(&out)));
    (
        out.status.code(),
        v["diagnostics"].as_array().unwrap().clone(),
    )
}

fn with_code<'a>(ds: &'a [serde_json::Value], code: &str) -> Vec<&'a serde_json::Value> {
    ds.iter().filter(|d| d["code"] == code).collect()
}

#[test]
fn a_sidecar_of_20000_entries_beside_a_small_draft_is_one_pass() {
    let dir = tempfile::tempdir().unwrap();
    let draft = dir.path().join("draft.txt");
    // Lines 3 to 42 each repeat a word: 40 doubled-word findings in 2 KB.
    let mut text = String::from("TAJIKISTAN: Tier 2\n\n");
    for i in 0..40 {
        text.push_str(&format!(
            "Officials counted {i} new cases in the the region.\n"
        ));
    }
    std::fs::write(&draft, &text).unwrap();
    // Two entries cover a finding (one by line, one by text); 19,998 cover nothing: entries
    // for lines past the end, for text the draft lacks, and for a code that does not exist.
    let mut sidecar = String::from("ignore:\n");
    sidecar.push_str("  - { code: doubled-word, line: 3, reason: quoted }\n");
    sidecar.push_str("  - { code: doubled-word, text: counted 7 new, reason: quoted }\n");
    for i in 2..20_000 {
        sidecar.push_str(&match i % 3 {
            0 => format!(
                "  - {{ code: doubled-word, line: {}, reason: stale }}\n",
                100 + i
            ),
            1 => format!("  - {{ code: doubled-word, text: counted {i}x, reason: stale }}\n"),
            _ => format!("  - {{ code: doubled-wurd, line: {i}, reason: stale }}\n"),
        });
    }
    std::fs::write(dir.path().join("draft.txt.tiercheck.yaml"), &sidecar).unwrap();

    let (code, ds) = check_json(&draft);
    assert_eq!(code, Some(1));
    let doubled = with_code(&ds, "doubled-word");
    assert_eq!(doubled.len(), 38, "lines 3 and 10 are accepted");
    assert!(doubled.iter().all(|d| d["line"] != 3 && d["line"] != 10));
    let unused = with_code(&ds, "unused-suppression");
    assert_eq!(unused.len(), 19_998);
    // Each stale entry is located at its own line of the sidecar.
    let last = unused.iter().max_by_key(|d| d["line"].as_u64()).unwrap();
    assert_eq!(last["line"], 20_001);
    assert!(last["file"]
        .as_str()
        .unwrap()
        .ends_with("draft.txt.tiercheck.yaml"));
    let misspelt = unused
        .iter()
        .filter(|d| d["message"].as_str().unwrap().contains("`doubled-wurd`"))
        .collect::<Vec<_>>();
    assert_eq!(misspelt.len(), 6_666);
    assert!(misspelt.iter().all(|d| d["help"]
        .as_str()
        .unwrap()
        .contains("did you mean `doubled-word`?")));
}

#[test]
fn a_history_of_24000_entries_is_one_pass_with_every_repeat_located() {
    let text = std::fs::read_to_string("reports/2022/tajikistan.yaml").unwrap();
    let (head, rest) = text.split_once("history:\n").unwrap();
    // The history ends with its 2018 entry.
    let end = rest.find("2018").unwrap();
    let tail = &rest[end + rest[end..].find('\n').unwrap() + 1..];
    // 24,000 entries (about 650 KB) cycling over the 122 years before the report year: every
    // entry after the first 122 repeats a year.
    let mut facts = format!("{head}history:\n");
    for i in 0..24_000 {
        facts.push_str(&format!(
            "  - {{ year: {}, tier: \"2\" }}\n",
            2021 - i % 122
        ));
    }
    facts.push_str(tail);
    assert!(facts.len() > 600_000);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tajikistan.yaml");
    std::fs::write(&path, &facts).unwrap();

    let out = tiercheck().arg("assess").arg(&path).output().unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(2));
    let repeats = err.lines().filter(|l| *l == "bad-history").count();
    assert_eq!(repeats, 24_000 - 122, "one located error per repeated year");
    let first_line = head.lines().count() + 2;
    let last_line = first_line + 23_999;
    for line in [first_line + 122, last_line] {
        assert!(
            err.contains(&format!("tajikistan.yaml:{line}:13]")),
            "line {line}"
        );
    }
}

#[test]
fn eight_thousand_bullets_in_178_kb_give_8000_located_findings() {
    let dir = tempfile::tempdir().unwrap();
    let draft = dir.path().join("bullets.txt");
    let mut text = String::from("TAJIKISTAN: Tier 2\n\nPROSECUTION\n\n");
    for i in 0..8_000 {
        text.push_str(&format!("- The the {i:04} cases.\n"));
    }
    assert!((170_000..190_000).contains(&text.len()));
    std::fs::write(&draft, &text).unwrap();

    let (code, ds) = check_json(&draft);
    assert_eq!(code, Some(1));
    let doubled = with_code(&ds, "doubled-word");
    assert_eq!(doubled.len(), 8_000);
    for (i, d) in doubled.iter().enumerate() {
        assert_eq!(
            (d["line"].as_u64(), d["column"].as_u64()),
            (Some(5 + i as u64), Some(3))
        );
    }
}
