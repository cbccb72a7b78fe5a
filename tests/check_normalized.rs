#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! A draft reads the same whatever it was written in: the draft generated from the Tajikistan
//! facts, with wrong figures and slips injected, is checked as plain text, as Markdown (headings,
//! `-` bullets, emphasised figures, a link) and as a word processor saves it (CRLF, hard-wrapped
//! paragraphs, non-breaking spaces, curly apostrophes, soft hyphens, zero-width spaces). Every
//! variant gives exactly the plain draft's findings, and each finding's line and column point at
//! the same words in the variant as written.

use assert_cmd::Command;
use regex::Regex;
use serde_json::Value;

mod support;

const FACTS: &str = "reports/2022/tajikistan.yaml";

/// (the words of the generated draft, what they become): wrong figures and slips.
const INJECTED: &[(&str, &str)] = &[
    (
        "prosecuted 14 trafficking cases",
        "prosecuted 15 trafficking cases",
    ),
    (
        "identified 15 trafficking victims",
        "identified 16 trafficking victims",
    ),
    ("($53,190)", "($63,190)"),
    (
        "an increase compared with 10 cases",
        "a decrease compared with 10 cases",
    ),
    ("care services for victims", "care services for of victims"),
];

/// Markdown marks over the injected words: emphasis on figures, a link, an emphasised word.
const MARKDOWN: &[(&str, &str)] = &[
    ("prosecuted 15 trafficking", "prosecuted **15** trafficking"),
    (
        "identified 16 trafficking victims",
        "identified *16* [trafficking victims](https://example.org/victims)",
    ),
    ("($63,190)", "(__$63,190__)"),
    (
        "investigated 22 trafficking",
        "investigated _22_ trafficking",
    ),
    ("for of victims", "for of *victims*"),
];

fn tiercheck() -> Command {
    Command::cargo_bin("tiercheck").unwrap()
}

fn generated_draft() -> String {
    let out = tiercheck().args(["draft", FACTS]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    String::from_utf8(out.stdout).unwrap()
}

fn check(path: &std::path::Path) -> Vec<Value> {
    let (code, report) = support::check_binary(path, FACTS);
    assert_eq!(code, Some(1), "the injected draft has findings");
    report["diagnostics"].as_array().unwrap().clone()
}

fn replace_all(text: &str, edits: &[(&str, &str)]) -> String {
    edits.iter().fold(text.to_string(), |t, (old, new)| {
        assert!(t.contains(old), "the draft no longer says `{old}`");
        t.replacen(old, new, 1)
    })
}

/// The country heading and section titles as Markdown headings, bullets as `-`.
fn markdown(text: &str) -> String {
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if let Some(item) = t.strip_prefix("• ") {
            out.push_str(&format!("- {item}\n"));
        } else if i == 0 {
            out.push_str(&format!("# {t}\n"));
        } else if !t.is_empty() && !t.ends_with('.') && t == t.to_uppercase() {
            out.push_str(&format!("## {t}\n"));
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    replace_all(&out, MARKDOWN)
}

/// As a word processor saves it: paragraphs and bullets wrapped at 72 columns, non-breaking
/// spaces after figures, curly apostrophes, a soft hyphen and a zero-width space, CRLF.
fn word_processor(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let mut width = 0;
        for (i, word) in line.split(' ').enumerate() {
            if i > 0 {
                if width + word.len() > 72 {
                    out.push_str("\n    ");
                    width = 4;
                } else {
                    out.push(' ');
                    width += 1;
                }
            }
            out.push_str(word);
            width += word.len();
        }
        out.push('\n');
    }
    let out = Regex::new(r"(\d) ").unwrap().replace_all(&out, "$1\u{a0}");
    let out = replace_all(
        &out.replace('\'', "\u{2019}"),
        &[
            ("investigated", "inves\u{ad}tigated"),
            ("prosecuted", "prose\u{200b}cuted"),
        ],
    );
    out.replace('\n', "\r\n")
}

/// The words a span covers, as a reader sees them: Markdown marks, link targets and invisible
/// characters left out, curly apostrophes straight, any run of white space one space.
fn words(text: &str) -> String {
    let text = Regex::new(r"\]\([^)]*\)").unwrap().replace_all(text, "");
    let kept: String = text
        .chars()
        .filter(|c| !matches!(c, '*' | '_' | '[' | '\u{ad}' | '\u{200b}'))
        .map(|c| if c == '\u{2019}' { '\'' } else { c })
        .collect();
    kept.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Byte offset of a 1-based line and column (in characters); lines end at LF.
fn offset(text: &str, line: u64, column: u64) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line as usize - 1)
        .map(str::len)
        .sum();
    let rest = &text[start..];
    start
        + rest
            .char_indices()
            .nth(column as usize - 1)
            .map_or(rest.len(), |(i, _)| i)
}

/// Each finding: code, severity, message and the words it points at.
fn findings(text: &str, ds: &[Value]) -> Vec<(String, String, String, String)> {
    ds.iter()
        .map(|d| {
            let at =
                |l: &str, c: &str| offset(text, d[l].as_u64().unwrap(), d[c].as_u64().unwrap());
            let (start, end) = (at("line", "column"), at("end_line", "end_column"));
            (
                d["code"].as_str().unwrap().to_string(),
                d["severity"].as_str().unwrap().to_string(),
                d["message"].as_str().unwrap().to_string(),
                words(&text[start..end.max(start)]),
            )
        })
        .collect()
}

#[test]
fn markdown_and_word_processor_drafts_give_the_plain_findings_at_their_own_lines_and_columns() {
    let plain = replace_all(&generated_draft(), INJECTED);
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    };
    let plain_path = write("tajikistan-2022.txt", &plain);
    let plain_ds = check(&plain_path);
    let expected = findings(&plain, &plain_ds);
    for code in [
        "count-mismatch",
        "amount-mismatch",
        "trend-word-mismatch",
        "stray-preposition",
    ] {
        assert!(
            expected.iter().any(|f| f.0 == code),
            "the plain draft should give `{code}`: {expected:#?}"
        );
    }

    let markdown = markdown(&plain);
    let word = word_processor(&plain);
    let lone_cr = markdown.replace('\n', "\r");
    for (name, text) in [
        ("markdown.md", &markdown),
        ("word.txt", &word),
        ("lone-cr.md", &lone_cr),
    ] {
        let ds = check(&write(name, text));
        // Lines are counted as an editor counts them: CRLF and a lone CR end a line too.
        let as_lf = text.replace("\r\n", "\n").replace('\r', "\n");
        assert_eq!(findings(&as_lf, &ds), expected, "{name}");
        let at = |ds: &[Value]| -> Vec<(u64, u64)> {
            ds.iter()
                .map(|d| (d["line"].as_u64().unwrap(), d["column"].as_u64().unwrap()))
                .collect()
        };
        assert_ne!(
            at(&ds),
            at(&plain_ds),
            "{name}: the positions are the variant's own"
        );
    }
}
