//! The SARIF 2.1.0 log of `check --format sarif`, as GitHub code scanning and SARIF viewers read
//! it: URIs relative to `%SRCROOT%` and percent-encoded, a rules table from `checks.yaml` (title,
//! why, help, default level), columns in UTF-16 code units (`columnKind`), fingerprints that stay
//! the same across runs, related locations, suppressions with their reason, and an invocation
//! with the exit code and a notification for every input that could not be read, so the log is
//! complete even when the run fails (exit 2).
//!
//! [`log`] only reads diagnostics; it computes no finding. A test validates its output against
//! the official schema (`tests/schemas/sarif-2.1.0.json`) and GitHub's required properties.

use std::collections::{BTreeMap, HashMap};
use std::path::{Component, Path, PathBuf};

use serde_json::{json, Map, Value};

use crate::check::docs::{CheckDoc, CheckDocs};
use crate::check::suppress::Suppressed;
use crate::diagnostic::{Diagnostic, Location, Severity};

/// The schema URI the log names.
pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The base id all relative URIs are resolved against.
pub const SRCROOT: &str = "%SRCROOT%";

/// The `partialFingerprints` key of a finding's fingerprint; the version changes if the way it is
/// computed ever does.
pub const FINGERPRINT_KEY: &str = "tiercheckFinding/v1";

/// What a SARIF log is made of.
pub struct SarifInput<'a> {
    /// The findings of each checked draft, by the draft's name as given.
    pub files: &'a BTreeMap<String, Vec<Diagnostic>>,
    /// The findings accepted by an exception, by the draft's name as given.
    pub suppressed: &'a BTreeMap<String, Vec<Suppressed>>,
    /// Why inputs could not be read or checked (each becomes a tool execution notification).
    pub failed: &'a [Diagnostic],
    /// The check documentation (the rules table); `None` when the rules did not load.
    pub docs: Option<&'a CheckDocs>,
    /// The project root (`%SRCROOT%`), an absolute folder.
    pub base: &'a Path,
    /// The folder relative file names are relative to (the current folder), absolute.
    pub cwd: &'a Path,
    /// The exit code of the run: 0 clean, 1 findings, 2 could not run.
    pub exit_code: u8,
}

/// The complete SARIF log.
pub fn log(input: &SarifInput<'_>) -> Value {
    let docs: Vec<&CheckDoc> = input.docs.map(|d| d.all().collect()).unwrap_or_default();
    let index: HashMap<&str, usize> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| (d.code.as_str(), i))
        .collect();
    let uris = Uris {
        base: normalize(input.base),
        cwd: input.cwd,
    };

    // Every finding, suppressed or not, in output order, with the draft it belongs to.
    let mut entries: Vec<(&str, &Diagnostic, Option<&Suppressed>)> = Vec::new();
    for (name, ds) in input.files {
        entries.extend(ds.iter().map(|d| (name.as_str(), d, None)));
    }
    for (name, ss) in input.suppressed {
        entries.extend(ss.iter().map(|s| (name.as_str(), &s.diagnostic, Some(s))));
    }
    entries.sort_by_cached_key(|(name, d, s)| (d.sort_key(), s.is_some(), name.to_string()));

    let mut seen: HashMap<String, usize> = HashMap::new();
    let results: Vec<Value> = entries
        .iter()
        .map(|(name, d, s)| {
            let location = match &d.location {
                Some(l) => physical(l, &uris),
                None => json!({
                    "artifactLocation": uris.artifact(name),
                    "region": {"startLine": 1, "startColumn": 1},
                }),
            };
            let mut r = Map::new();
            r.insert("ruleId".into(), json!(d.code));
            if let Some(i) = index.get(d.code.as_str()) {
                r.insert("ruleIndex".into(), json!(i));
            }
            r.insert("level".into(), json!(level(d.severity)));
            r.insert("message".into(), message(d));
            r.insert(
                "partialFingerprints".into(),
                json!({FINGERPRINT_KEY: fingerprint(d, &location, &mut seen)}),
            );
            r.insert("locations".into(), json!([{"physicalLocation": location}]));
            if !d.related.is_empty() {
                let related: Vec<Value> = d
                    .related
                    .iter()
                    .enumerate()
                    .map(|(i, (l, label))| {
                        json!({
                            "id": i + 1,
                            "physicalLocation": physical(l, &uris),
                            "message": {"text": plain(label), "markdown": label},
                        })
                    })
                    .collect();
                r.insert("relatedLocations".into(), json!(related));
            }
            if let Some(s) = s {
                let mut sup = Map::new();
                sup.insert(
                    "kind".into(),
                    json!(if s.in_source { "inSource" } else { "external" }),
                );
                sup.insert("status".into(), json!("accepted"));
                if !s.reason.is_empty() {
                    sup.insert("justification".into(), json!(s.reason));
                }
                r.insert("suppressions".into(), json!([sup]));
            }
            Value::Object(r)
        })
        .collect();

    let notifications: Vec<Value> = input
        .failed
        .iter()
        .map(|d| {
            let mut n = Map::new();
            n.insert("level".into(), json!(level(d.severity)));
            n.insert("message".into(), message(d));
            n.insert("descriptor".into(), json!({"id": d.code}));
            if let Some(l) = &d.location {
                n.insert(
                    "locations".into(),
                    json!([{"physicalLocation": physical(l, &uris)}]),
                );
            }
            Value::Object(n)
        })
        .collect();

    let mut driver = Map::new();
    driver.insert("name".into(), json!(env!("CARGO_PKG_NAME")));
    driver.insert("version".into(), json!(env!("CARGO_PKG_VERSION")));
    driver.insert("semanticVersion".into(), json!(env!("CARGO_PKG_VERSION")));
    if let Some(uri) = information_uri() {
        driver.insert("informationUri".into(), json!(uri));
    }
    driver.insert(
        "rules".into(),
        Value::Array(docs.iter().map(|d| rule(d)).collect()),
    );

    json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": driver},
            "invocations": [{
                "executionSuccessful": input.exit_code != 2,
                "exitCode": input.exit_code,
                "toolExecutionNotifications": notifications,
            }],
            "originalUriBaseIds": {SRCROOT: {"uri": folder_uri(&uris.base)}},
            "columnKind": "utf16CodeUnits",
            "results": results,
        }],
    })
}

/// The tool's home page, from the package metadata, when it has one.
fn information_uri() -> Option<&'static str> {
    [env!("CARGO_PKG_HOMEPAGE"), env!("CARGO_PKG_REPOSITORY")]
        .into_iter()
        .find(|u| !u.is_empty())
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A message in plain text (backticks become quotes) and Markdown (as written).
fn message(d: &Diagnostic) -> Value {
    let markdown = match &d.help {
        Some(h) => format!("{} ({h})", d.message),
        None => d.message.clone(),
    };
    json!({"text": plain(&markdown), "markdown": markdown})
}

/// Text with Markdown code spans shown as quotes: `` `x` `` -> `'x'`.
fn plain(markdown: &str) -> String {
    markdown.replace('`', "'")
}

/// The rules-table entry of a check code.
fn rule(d: &CheckDoc) -> Value {
    let why = d.why.split_whitespace().collect::<Vec<_>>().join(" ");
    // The help in Markdown and, with code spans as quotes and no fences, in plain text.
    let mut markdown = vec![why.clone()];
    let mut text = vec![plain(&why)];
    let cases = d.help.len() > 1 || d.help.keys().any(|k| !k.is_empty());
    let fixes: Vec<String> = d
        .help
        .iter()
        .map(|(case, fix)| {
            if cases {
                format!("- {case}: {fix}")
            } else {
                format!("Fix: {fix}.")
            }
        })
        .collect();
    if !fixes.is_empty() {
        let mut block = fixes.join("\n");
        if cases {
            block = format!("Fix, by case:\n\n{block}");
        }
        text.push(plain(&block));
        markdown.push(block);
    }
    if let Some(example) = &d.example {
        let example = example.trim_end();
        let indented: Vec<String> = example.lines().map(|l| format!("    {l}")).collect();
        text.push(format!("Example:\n\n{}", indented.join("\n")));
        markdown.push(format!("Example:\n\n```text\n{example}\n```"));
    }
    if d.facts {
        text.push("Runs only with '--facts'.".to_string());
        markdown.push("Runs only with `--facts`.".to_string());
    }
    json!({
        "id": d.code,
        "name": d.code,
        "shortDescription": {"text": plain(&d.title)},
        "fullDescription": {"text": plain(&why)},
        "help": {"text": text.join("\n\n"), "markdown": markdown.join("\n\n")},
        "defaultConfiguration": {"level": level(d.severity)},
        "properties": {"tags": [d.kind]},
    })
}

/// A location: the file as a URI and the region in 1-based lines and UTF-16 columns, ends
/// exclusive.
fn physical(l: &Location, uris: &Uris<'_>) -> Value {
    let (line, column) = utf16_line_col(&l.file.text, l.span.start);
    let (end_line, end_column) = utf16_line_col(&l.file.text, l.span.end);
    let snippet = l.file.text.get(l.span.clone()).unwrap_or("");
    let mut region = json!({
        "startLine": line,
        "startColumn": column,
        "endLine": end_line,
        "endColumn": end_column,
    });
    if !snippet.is_empty() {
        region["snippet"] = json!({"text": snippet});
    }
    json!({"artifactLocation": uris.artifact(&l.file.name), "region": region})
}

/// 1-based line and column of a byte offset, the column in UTF-16 code units.
fn utf16_line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.matches('\n').count() + 1;
    (line, before[line_start..].encode_utf16().count() + 1)
}

/// A fingerprint of a finding that does not move with its line: the code, the file, the text
/// it points at, and which occurrence of that triple it is (so two findings of one code on one
/// line differ).
fn fingerprint(d: &Diagnostic, location: &Value, seen: &mut HashMap<String, usize>) -> String {
    let uri = location["artifactLocation"]["uri"].as_str().unwrap_or("");
    let text = d
        .location
        .as_ref()
        .and_then(|l| l.file.text.get(l.span.clone()))
        .unwrap_or("");
    let key = format!("{}\u{0}{uri}\u{0}{text}", d.code);
    let n = seen.entry(key.clone()).or_insert(0);
    *n += 1;
    format!("{:016x}:{}", fnv1a(key.as_bytes()), n)
}

/// FNV-1a, 64 bits: stable across runs, platforms and Rust versions (unlike `DefaultHasher`).
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

struct Uris<'a> {
    base: PathBuf,
    cwd: &'a Path,
}

impl Uris<'_> {
    /// A file name as given -> `{uri, uriBaseId}` under the base, or an absolute `file:` URI.
    fn artifact(&self, name: &str) -> Value {
        let path = Path::new(name);
        let abs = if path.is_absolute() {
            normalize(path)
        } else {
            normalize(&self.cwd.join(path))
        };
        match abs.strip_prefix(&self.base) {
            Ok(rel) => json!({"uri": encode_path(rel), "uriBaseId": SRCROOT}),
            Err(_) => json!({"uri": format!("file://{}", absolute_uri_path(&abs))}),
        }
    }
}

/// The `file:` URI of a folder, ending with `/`.
fn folder_uri(dir: &Path) -> String {
    let mut p = absolute_uri_path(dir);
    if !p.ends_with('/') {
        p.push('/');
    }
    format!("file://{p}")
}

/// The path part of an absolute `file:` URI: `/` first, segments percent-encoded.
fn absolute_uri_path(abs: &Path) -> String {
    let encoded = encode_path(abs);
    if encoded.starts_with('/') {
        encoded
    } else {
        format!("/{encoded}")
    }
}

/// Path segments joined by `/`, each percent-encoded (everything but unreserved characters).
fn encode_path(p: &Path) -> String {
    let mut segments = Vec::new();
    let mut rooted = false;
    for c in p.components() {
        match c {
            Component::RootDir => rooted = true,
            Component::Prefix(pre) => {
                segments.push(percent_encode(&pre.as_os_str().to_string_lossy()))
            }
            Component::CurDir => {}
            Component::ParentDir => segments.push("..".to_string()),
            Component::Normal(s) => segments.push(percent_encode(&s.to_string_lossy())),
        }
    }
    let joined = segments.join("/");
    if rooted {
        format!("/{joined}")
    } else {
        joined
    }
}

fn percent_encode(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `.` and `..` resolved without touching the file system (a file named on the command line may
/// not exist: it is reported, not resolved).
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_utf16_code_units() {
        // An emoji is one character but two UTF-16 code units.
        let text = "x\n\u{1F600}ab";
        let at = text.find('a').unwrap_or(0);
        assert_eq!(utf16_line_col(text, at), (2, 3));
    }

    #[test]
    fn uris_are_relative_to_the_base_and_percent_encoded() {
        let uris = Uris {
            base: PathBuf::from("/proj"),
            cwd: Path::new("/proj/sub"),
        };
        assert_eq!(
            uris.artifact("drafts/a b#1 é.txt"),
            json!({"uri": "sub/drafts/a%20b%231%20%C3%A9.txt", "uriBaseId": SRCROOT})
        );
        assert_eq!(
            uris.artifact("/proj/x.txt"),
            json!({"uri": "x.txt", "uriBaseId": SRCROOT})
        );
        assert_eq!(
            uris.artifact("/elsewhere/x y.txt"),
            json!({"uri": "file:///elsewhere/x%20y.txt"})
        );
        assert_eq!(folder_uri(Path::new("/a b")), "file:///a%20b/");
    }
}
