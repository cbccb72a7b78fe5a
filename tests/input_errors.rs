#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Bad input never panics: every fixture under `tests/fixtures/bad-facts/` must make
//! `tiercheck assess` exit 2 with the diagnostic its first line announces:
//! `# expect: CODE [LINE:COL] [help text]`.

use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;

fn tiercheck() -> Command {
    let mut c = Command::cargo_bin("tiercheck").expect("binary builds");
    c.timeout(Duration::from_secs(20)).env("NO_COLOR", "1");
    c
}

struct Expect {
    code: String,
    at: Option<String>,
    help: Option<String>,
}

fn expectation(text: &str) -> Expect {
    let line = text.lines().next().unwrap_or_default();
    let rest = line
        .strip_prefix("# expect: ")
        .expect("first line is `# expect: ...`");
    let mut parts = rest.splitn(3, ' ');
    let code = parts.next().unwrap_or_default().to_string();
    let mut at = parts.next().map(str::to_string);
    let mut help = parts.next().map(str::to_string);
    if at
        .as_deref()
        .is_some_and(|a| !a.contains(':') || a.contains(' '))
    {
        help = Some(
            format!(
                "{} {}",
                at.take().unwrap_or_default(),
                help.unwrap_or_default()
            )
            .trim()
            .to_string(),
        );
    }
    Expect { code, at, help }
}

#[test]
fn every_bad_facts_fixture_is_a_located_diagnostic() {
    let dir = Path::new("tests/fixtures/bad-facts");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    assert!(paths.len() >= 10, "fixtures are present");
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        let exp = expectation(&text);
        let out = tiercheck().arg("assess").arg(&path).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let name = path.display().to_string();
        assert_eq!(out.status.code(), Some(2), "{name}: exit code\n{stderr}");
        assert!(
            out.stdout.is_empty(),
            "{name}: nothing on stdout on failure"
        );
        assert!(!stderr.contains("panicked"), "{name}: panicked\n{stderr}");
        assert!(
            stderr.contains(&exp.code),
            "{name}: expected code `{}`\n{stderr}",
            exp.code
        );
        if let Some(at) = &exp.at {
            let place = format!("{name}:{at}");
            assert!(
                stderr.contains(&place),
                "{name}: expected location `{place}`\n{stderr}"
            );
        }
        if let Some(help) = &exp.help {
            assert!(
                stderr.contains(help.as_str()),
                "{name}: expected help `{help}`\n{stderr}"
            );
        }
    }
}

#[test]
fn missing_file_is_reported_not_panicked() {
    let out = tiercheck()
        .args(["assess", "reports/1999/nowhere.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot read `reports/1999/nowhere.yaml`: no such file"),
        "{stderr}"
    );
}

#[test]
fn binary_and_non_utf8_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("binary.yaml");
    std::fs::write(&bin, b"country: X\n\0\0\0").unwrap();
    let latin = dir.path().join("latin1.yaml");
    std::fs::write(&latin, b"country: Cura\xe7ao\nyear: 2022\n").unwrap();
    for (file, code) in [(&bin, "binary-input"), (&latin, "not-utf8")] {
        let out = tiercheck().arg("assess").arg(file).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains(code));
    }
}

#[test]
fn empty_folder_and_missing_rules_folder_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let out = tiercheck().arg("assess").arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("holds no yaml"));
    let out = tiercheck()
        .args(["rules", "lint", "--rules"])
        .arg(dir.path().join("nope"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not exist"));
}

#[test]
fn empty_file_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.yaml");
    std::fs::write(&empty, "\n  \n").unwrap();
    let out = tiercheck().arg("assess").arg(&empty).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is empty"));
}

#[test]
fn wrong_types_are_named_for_yaml_authors_not_in_rust_terms() {
    let out = tiercheck()
        .args(["assess", "tests/fixtures/bad-facts/wrong-type.yaml"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("expected a whole number"), "{stderr}");
    assert!(!stderr.contains("i64"), "{stderr}");
}
