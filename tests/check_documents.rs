//! Drafts as writers keep them and batches as editors run them, through the binary: Markdown,
//! Word and HTML versions of one of our drafts (built here) give the same findings at the same
//! places as its text; a folder run checks every draft it can and names what it skips; a broken
//! facts file fails only its draft; the conveniences (`--color`, `--strict`, `--exit-zero`,
//! `--quiet`, `--statistics`, `--format concise|github`, stdin).

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn tiercheck() -> Command {
    Command::cargo_bin("tiercheck").expect("the binary builds")
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/check")
        .join(name)
}

/// One of our drafts with findings in three paragraphs: the style-warnings fixture with the
/// prosecution paragraph of the trend-word fixture and the prevention paragraph of the
/// date-and-hyphen fixture (the three share their layout line for line).
fn draft_lines() -> Vec<String> {
    let read = |n: &str| -> Vec<String> {
        std::fs::read_to_string(fixture(n))
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect()
    };
    let mut lines = read("style-warnings.txt");
    lines[16] = read("trend-word-mismatch.txt")[16].clone();
    lines[24] = read("style-date-broken-hyphen.txt")[24].clone();
    lines
}

fn is_section(l: &str) -> bool {
    l == "PROSECUTION" || l == "PROTECTION" || l == "PREVENTION" || l == "TRAFFICKING PROFILE"
}

/// The paragraphs of the draft (its non-blank lines): (kind, text) with kind `title`,
/// `heading`, `section`, `bullet` or `para`.
fn paragraphs() -> Vec<(&'static str, String)> {
    draft_lines()
        .into_iter()
        .filter(|l| !l.is_empty())
        .enumerate()
        .map(|(i, l)| {
            if let Some(rest) = l.strip_prefix("• ") {
                ("bullet", rest.to_string())
            } else if i == 0 {
                ("title", l)
            } else if i == 1 {
                ("heading", l)
            } else if is_section(&l) {
                ("section", l)
            } else {
                ("para", l)
            }
        })
        .collect()
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn markdown() -> String {
    let mut out = String::new();
    for (kind, text) in paragraphs() {
        match kind {
            "title" => out.push_str(&format!("# {text}\n\n")),
            "heading" | "section" => out.push_str(&format!("## {text}\n\n")),
            "bullet" => out.push_str(&format!("- {text}\n")),
            _ => out.push_str(&format!("{text}\n\n")),
        }
    }
    out.replace(
        "- Increase funding for victim shelters.\n",
        "- Increase funding for victim shelters.\n\n",
    )
}

fn html() -> String {
    let mut body = String::new();
    let mut in_list = false;
    for (kind, text) in paragraphs() {
        let t = xml_escape(&text).replace('\'', "&#39;");
        if kind == "bullet" && !in_list {
            body.push_str("<ul>\n");
            in_list = true;
        } else if kind != "bullet" && in_list {
            body.push_str("</ul>\n");
            in_list = false;
        }
        match kind {
            "title" => body.push_str(&format!("<h1>{t}</h1>\n")),
            "heading" | "section" => body.push_str(&format!("<h2>\n  {t}\n</h2>\n")),
            "bullet" => body.push_str(&format!("<li>{t}</li>\n")),
            _ => body.push_str(&format!("<p>{t}</p>\n")),
        }
    }
    format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Report page</title>\
         <script>var x = 'The government the the script';</script></head>\n<body>\n\
         <header><nav><a href=\"/\">Home</a> Reports &amp; data</nav></header>\n\
         <main>\n{body}</main>\n<footer>Contact us</footer>\n</body></html>\n"
    )
}

/// A Word document of the draft: heading styles, list paragraphs, a tracked deletion and a
/// tracked insertion, a comment, and (when given) a footnote on the last paragraph.
fn docx(footnote: Option<&str>) -> Vec<u8> {
    let run = |t: &str| {
        format!(
            "<w:r><w:t xml:space=\"preserve\">{}</w:t></w:r>",
            xml_escape(t)
        )
    };
    let mut body = String::new();
    let paras = paragraphs();
    let last = paras.len() - 1;
    for (i, (kind, text)) in paras.iter().enumerate() {
        let ppr = match *kind {
            "title" => "<w:pPr><w:pStyle w:val=\"Title\"/></w:pPr>".to_string(),
            "heading" => "<w:pPr><w:pStyle w:val=\"Heading1\"/></w:pPr>".to_string(),
            "section" => "<w:pPr><w:pStyle w:val=\"Heading2\"/></w:pPr>".to_string(),
            "bullet" => "<w:pPr><w:pStyle w:val=\"ListParagraph\"/><w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"1\"/></w:numPr></w:pPr>".to_string(),
            _ => String::new(),
        };
        let runs = if *kind == "para" && text.len() > 40 {
            // The first words as a tracked insertion, a tracked deletion after them, a comment.
            let cut = text[..30].rfind(' ').unwrap() + 1;
            format!(
                "<w:ins w:id=\"{i}1\" w:author=\"Editor\"><w:r><w:t xml:space=\"preserve\">{}</w:t></w:r></w:ins>\
                 <w:del w:id=\"{i}2\" w:author=\"Editor\"><w:r><w:delText xml:space=\"preserve\">struck words and more </w:delText></w:r></w:del>\
                 <w:commentRangeStart w:id=\"{i}\"/>{}<w:commentRangeEnd w:id=\"{i}\"/>\
                 <w:r><w:commentReference w:id=\"{i}\"/></w:r>",
                xml_escape(&text[..cut]),
                run(&text[cut..])
            )
        } else {
            run(text)
        };
        let note = match footnote {
            Some(_) if i == last => "<w:r><w:footnoteReference w:id=\"2\"/></w:r>",
            _ => "",
        };
        body.push_str(&format!("<w:p>{ppr}{runs}{note}</w:p>\n"));
    }
    let ns = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"";
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document {ns}><w:body>\n{body}<w:sectPr/></w:body></w:document>"
    );
    let comments = format!(
        "<?xml version=\"1.0\"?><w:comments {ns}><w:comment w:id=\"4\"><w:p><w:r><w:t>Check this the the figure.</w:t></w:r></w:p></w:comment></w:comments>"
    );
    let footnotes = format!(
        "<?xml version=\"1.0\"?><w:footnotes {ns}>\
         <w:footnote w:type=\"separator\" w:id=\"-1\"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>\
         <w:footnote w:id=\"2\"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space=\"preserve\"> {}</w:t></w:r></w:p></w:footnote></w:footnotes>",
        xml_escape(footnote.unwrap_or(""))
    );
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    let mut files = vec![
        ("[Content_Types].xml", "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>".to_string()),
        ("word/document.xml", document),
        ("word/comments.xml", comments),
    ];
    if footnote.is_some() {
        files.push(("word/footnotes.xml", footnotes));
    }
    for (name, text) in files {
        zip.start_file(name, opts).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// `check --format json` of one file: exit code and document.
fn check_json(path: &Path, extra: &[&str]) -> (i32, Value) {
    let out = tiercheck()
        .args(["check", "--format", "json"])
        .arg(path)
        .args(extra)
        .output()
        .unwrap();
    let v = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("no JSON: {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap(), v)
}

/// Each finding as (code, paragraph number, the text it points at): `lines` are the lines of the
/// file as the finding's line numbers count them; `para_of` maps a line to its paragraph.
fn places(
    v: &Value,
    lines: &[String],
    para_of: &dyn Fn(usize) -> usize,
) -> Vec<(String, usize, String)> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let line = d["line"].as_u64().unwrap() as usize;
            let (c, e) = (
                d["column"].as_u64().unwrap() as usize,
                d["end_column"].as_u64().unwrap() as usize,
            );
            let text: String = lines[line - 1]
                .chars()
                .skip(c - 1)
                .take(e.saturating_sub(c))
                .collect();
            (d["code"].as_str().unwrap().to_string(), para_of(line), text)
        })
        .collect()
}

#[test]
fn markdown_word_and_html_versions_of_a_draft_give_its_findings_at_the_same_places() {
    let dir = tempfile::tempdir().unwrap();
    let lines = draft_lines();
    let txt = dir.path().join("freedonia.txt");
    std::fs::write(&txt, lines.join("\n") + "\n").unwrap();
    let (code, v) = check_json(&txt, &[]);
    assert_eq!(code, 1, "{v}");
    // A paragraph of the text is its non-blank line.
    let nonblank_before =
        |text: &[String], line: usize| text[..line].iter().filter(|l| !l.trim().is_empty()).count();
    let expected = places(&v, &lines, &|l| nonblank_before(&lines, l));
    let paragraphs_hit: std::collections::BTreeSet<usize> = expected.iter().map(|e| e.1).collect();
    assert!(
        expected.len() >= 5 && paragraphs_hit.len() >= 3,
        "{expected:#?}"
    );

    let md = dir.path().join("freedonia.md");
    std::fs::write(&md, markdown()).unwrap();
    let md_lines: Vec<String> = markdown().lines().map(str::to_string).collect();
    let (code, v) = check_json(&md, &[]);
    assert_eq!(code, 1);
    assert_eq!(
        places(&v, &md_lines, &|l| nonblank_before(&md_lines, l)),
        expected,
        "markdown"
    );

    // Word and HTML: a finding's line is its paragraph; the paragraph reads as the text's line.
    let para_lines: Vec<String> = paragraphs()
        .into_iter()
        .map(|(k, t)| if k == "bullet" { format!("• {t}") } else { t })
        .collect();
    for (name, bytes) in [
        ("freedonia.docx", docx(None)),
        ("freedonia.html", html().into_bytes()),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let (code, v) = check_json(&path, &[]);
        assert_eq!(code, 1, "{name}: {v}");
        assert_eq!(places(&v, &para_lines, &|l| l), expected, "{name}");
    }

    // Text output names the paragraph.
    let first = &expected[0];
    tiercheck()
        .args(["check", "--color", "never"])
        .arg(dir.path().join("freedonia.docx"))
        .assert()
        .code(1)
        .stdout(predicate::str::contains(format!(
            "freedonia.docx:¶{}:",
            first.1
        )));
}

#[test]
fn a_word_footnote_is_read_after_its_paragraph_and_its_findings_name_that_paragraph() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("freedonia.docx");
    std::fs::write(&path, docx(Some("The ministry published the the figures."))).unwrap();
    let (_, v) = check_json(&path, &["--select", "doubled-word"]);
    let last = paragraphs().len() as u64;
    let in_note: Vec<&Value> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["line"] == last)
        .collect();
    assert_eq!(
        in_note.len(),
        1,
        "the footnote is read, the comment is not: {v}"
    );
    let paragraph_end = paragraphs().last().unwrap().1.chars().count() as u64;
    assert!(
        in_note[0]["column"].as_u64().unwrap() > paragraph_end,
        "{v}"
    );
}

#[test]
fn a_file_that_is_not_a_word_document_is_a_located_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.docx");
    std::fs::write(&path, b"PK\x03\x04 not really a zip").unwrap();
    tiercheck()
        .arg("check")
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read"))
        .stderr(predicate::str::contains("as a Word document"));
}

#[test]
fn a_folder_run_checks_every_draft_it_can_read_and_names_each_file_it_skips() {
    let dir = tempfile::tempdir().unwrap();
    let clean = std::fs::read_to_string(fixture("clean.txt")).unwrap();
    for name in ["a-2023.txt", "b-2023.TXT", "c-2023.text", "d-2023.md"] {
        std::fs::write(dir.path().join(name), &clean).unwrap();
    }
    std::fs::write(dir.path().join("e-2023.docx"), docx(None)).unwrap();
    std::fs::write(dir.path().join("notes.pdf"), b"%PDF-1.4").unwrap();
    std::fs::write(dir.path().join("old.doc"), b"\xd0\xcf\x11\xe0").unwrap();
    let out = tiercheck()
        .args(["check", "--color", "never"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stdout(predicate::str::contains("b-2023.TXT: 0 errors"))
        .stdout(predicate::str::contains("c-2023.text: 0 errors"))
        .stdout(predicate::str::contains("d-2023.md: 0 errors"))
        .stdout(predicate::str::contains("notes.pdf: a PDF"))
        .stdout(predicate::str::contains("old.doc: an old Word document"))
        .stdout(predicate::str::contains("checked 5 drafts"))
        .stdout(predicate::str::contains("2 files skipped"));
    // Not a terminal: no progress bar on standard error.
    assert!(
        out.get_output().stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.get_output().stderr)
    );
    let (_, v) = check_json(dir.path(), &[]);
    let skipped = v["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 2, "{v}");
    assert!(skipped[0]["reason"].as_str().unwrap().contains("PDF"));
}

/// Two drafts drafted from their facts under `facts/2022/`, the second's facts file broken.
#[test]
fn a_broken_facts_file_fails_its_draft_only_and_the_json_records_it() {
    let dir = tempfile::tempdir().unwrap();
    let facts = dir.path().join("facts");
    let drafts = dir.path().join("drafts");
    std::fs::create_dir_all(facts.join("2022")).unwrap();
    std::fs::create_dir_all(&drafts).unwrap();
    let reports = Path::new(env!("CARGO_MANIFEST_DIR")).join("reports/2022");
    for (country, name) in [("tajikistan", "first"), ("veloria", "second")] {
        let f = facts.join("2022").join(format!("{country}.yaml"));
        std::fs::copy(reports.join(format!("{country}.yaml")), &f).unwrap();
        tiercheck()
            .arg("draft")
            .arg(&f)
            .arg("-o")
            .arg(drafts.join(format!("{name}-2022.txt")))
            .assert()
            .code(0);
    }
    let broken = facts.join("2022/veloria.yaml");
    let text = std::fs::read_to_string(&broken).unwrap();
    std::fs::write(&broken, format!("{text}\nnot: [valid\n")).unwrap();

    let out = tiercheck()
        .args(["check", "--format", "json"])
        .arg(&drafts)
        .arg("--facts")
        .arg(&facts)
        .assert()
        .code(2)
        .get_output()
        .clone();
    let v: Value = serde_json::from_slice(&out.stdout).expect("a complete JSON document");
    assert_eq!(v["summary"]["checked"], 1, "{v}");
    assert_eq!(v["summary"]["failed"], 1, "{v}");
    let not_checked = v["not_checked"].as_array().unwrap();
    assert!(
        not_checked[0]
            .as_str()
            .unwrap()
            .ends_with("second-2022.txt"),
        "{v}"
    );
    assert!(
        v["failed"][0]["file"]
            .as_str()
            .unwrap()
            .ends_with("veloria.yaml"),
        "{v}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("veloria.yaml"));

    // SARIF: a complete log whose invocation failed, with a notification.
    let out = tiercheck()
        .args(["check", "--format", "sarif"])
        .arg(&drafts)
        .arg("--facts")
        .arg(&facts)
        .assert()
        .code(2)
        .get_output()
        .clone();
    let v: Value = serde_json::from_slice(&out.stdout).expect("a complete SARIF log");
    let inv = &v["runs"][0]["invocations"][0];
    assert_eq!(inv["executionSuccessful"], false);
    assert!(!inv["toolExecutionNotifications"]
        .as_array()
        .unwrap()
        .is_empty());

    // Text: the other draft is still checked and reported.
    tiercheck()
        .args(["check", "--color", "never"])
        .arg(&drafts)
        .arg("--facts")
        .arg(&facts)
        .assert()
        .code(2)
        .stdout(predicate::str::contains(
            "first-2022.txt: 0 errors, 0 warnings",
        ))
        .stdout(predicate::str::contains("second-2022.txt: not checked"));
}

#[test]
fn a_draft_whose_year_nothing_gives_is_an_error_that_says_how_to_give_it() {
    let dir = tempfile::tempdir().unwrap();
    let facts = dir.path().join("facts");
    std::fs::create_dir_all(facts.join("2022")).unwrap();
    let draft = dir.path().join("borduria.txt");
    std::fs::write(
        &draft,
        "PROSECUTION\n\nThe government maintained law enforcement efforts.\n",
    )
    .unwrap();
    tiercheck()
        .args(["check", "--color", "never"])
        .arg(&draft)
        .arg("--facts")
        .arg(&facts)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown-report-year"))
        .stderr(predicate::str::contains("--year"));
}

#[test]
fn color_is_never_written_into_a_pipe_unless_asked_for() {
    let draft = fixture("trend-word-mismatch.txt");
    let plain = tiercheck().arg("check").arg(&draft).output().unwrap();
    assert!(!plain.stdout.contains(&0x1b), "escape codes in a pipe");
    let always = tiercheck()
        .args(["check", "--color", "always"])
        .arg(&draft)
        .output()
        .unwrap();
    assert!(always.stdout.contains(&0x1b), "--color always colours");
}

#[test]
fn strict_fails_on_warnings_and_exit_zero_never_fails_on_findings() {
    let warnings = fixture("style-warnings.txt");
    let errors = fixture("trend-word-mismatch.txt");
    tiercheck().arg("check").arg(&warnings).assert().code(0);
    tiercheck()
        .args(["check", "--strict"])
        .arg(&warnings)
        .assert()
        .code(1);
    tiercheck()
        .args(["check", "--exit-zero"])
        .arg(&errors)
        .assert()
        .code(0);
    tiercheck()
        .args(["check", "--exit-zero"])
        .arg("no/such/draft.txt")
        .assert()
        .code(2);
}

#[test]
fn concise_prints_one_line_per_finding_and_quiet_leaves_out_the_summaries() {
    let draft = fixture("style-warnings.txt");
    let name = draft.display().to_string();
    let out = tiercheck()
        .args(["check", "--format", "concise", "--quiet"])
        .arg(&draft)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.lines().count(), 3, "{text}");
    assert!(
        text.starts_with(&format!("{name}:5:371: warning[doubled-word] ")),
        "{text}"
    );
    let full = tiercheck()
        .args(["check", "--format", "concise"])
        .arg(&draft)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&full.stdout).contains("checked 1 draft: 0 errors, 3 warnings"));
}

#[test]
fn github_and_statistics_formats() {
    let draft = fixture("style-warnings.txt");
    tiercheck()
        .args(["check", "--format", "github"])
        .arg(&draft)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("::warning file="))
        .stdout(predicate::str::contains(",line=5,col=371,"))
        .stdout(predicate::str::contains("title=doubled-word::"));
    let out = tiercheck()
        .args(["check", "--statistics"])
        .arg(&draft)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.lines().count(), 3, "{text}");
    assert!(
        text.lines().all(|l| l.trim_start().starts_with("1  ")),
        "{text}"
    );
}

#[test]
fn a_draft_on_standard_input_is_read_in_the_format_its_given_name_says() {
    let md = markdown();
    let out = tiercheck()
        .args([
            "check",
            "--format",
            "json",
            "-",
            "--stdin-filename",
            "freedonia-2023.md",
        ])
        .write_stdin(md)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ds = v["diagnostics"].as_array().unwrap();
    assert!(!ds.is_empty());
    assert!(ds.iter().all(|d| d["file"] == "freedonia-2023.md"), "{v}");
}

#[test]
fn columns_count_characters_in_text_concise_and_json_alike() {
    let dir = tempfile::tempdir().unwrap();
    let mut lines = draft_lines();
    // Curly quotes and an accented name before the findings of the intro: bytes and characters
    // differ there.
    lines[4] = format!("“Freedonia’s” Señora Ruiz said so. {}", lines[4]);
    let path = dir.path().join("freedonia.txt");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let (_, v) = check_json(&path, &["--select", "doubled-word"]);
    let d = &v["diagnostics"][0];
    assert_eq!(d["line"], 5, "{v}");
    let place = format!("freedonia.txt:5:{}", d["column"]);
    for format in ["text", "concise"] {
        let out = tiercheck()
            .args([
                "check",
                "--color",
                "never",
                "--select",
                "doubled-word",
                "--format",
                format,
            ])
            .arg(&path)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains(&place), "{format}: {text}");
    }
}

/// Our plain-text fixtures are Markdown too (headings and bullets as lines, suppression comments
/// as HTML comments, sidecars beside them): read by the Markdown parser, each gives the findings
/// it gives as text, at the same lines and columns.
#[test]
fn every_text_fixture_read_as_markdown_gives_the_same_findings() {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut stems = Vec::new();
    for folder in ["check", "variants"] {
        for e in std::fs::read_dir(root.join(folder)).unwrap().flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "txt") {
                let stem = format!("{folder}-{}", p.file_stem().unwrap().to_str().unwrap());
                for ext in ["txt", "md"] {
                    let to = dir.path().join(format!("{stem}.{ext}"));
                    std::fs::copy(&p, &to).unwrap();
                    let sidecar = p.with_extension("txt.tiercheck.yaml");
                    if sidecar.is_file() {
                        std::fs::copy(
                            &sidecar,
                            dir.path().join(format!("{stem}.{ext}.tiercheck.yaml")),
                        )
                        .unwrap();
                    }
                }
                stems.push(stem);
            }
        }
    }
    let (_, v) = check_json(dir.path(), &[]);
    assert_eq!(v["summary"]["checked"], 2 * stems.len(), "{}", v["skipped"]);
    type Places = Vec<(String, u64, u64)>;
    let mut found: std::collections::BTreeMap<(String, String), Places> = Default::default();
    for d in v["diagnostics"].as_array().unwrap() {
        let file = d["file"].as_str().unwrap();
        let (stem, ext) = file.rsplit_once('.').unwrap();
        found
            .entry((stem.to_string(), ext.to_string()))
            .or_default()
            .push((
                d["code"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
            ));
    }
    let mut differ = Vec::new();
    for stem in &stems {
        let path = dir.path().join(stem).display().to_string();
        let get = |ext: &str| {
            found
                .get(&(path.clone(), ext.to_string()))
                .cloned()
                .unwrap_or_default()
        };
        if get("txt") != get("md") {
            differ.push(format!(
                "{stem}:\n  txt {:?}\n  md  {:?}",
                get("txt"),
                get("md")
            ));
        }
    }
    assert!(differ.is_empty(), "{}", differ.join("\n"));
}
