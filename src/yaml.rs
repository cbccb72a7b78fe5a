//! YAML with positions: typed values through serde (`serde_yaml`, the maintained fork), and a
//! [`SpanIndex`] from `saphyr-parser` that maps every node path (`criteria[0].indicators[2].when`)
//! to its byte span, so later stages can point at the exact place of a problem.
//!
//! The positional pass runs first and also guards the serde pass: it reports syntax errors,
//! duplicate keys, excessive nesting and alias bombs, all located, before serde sees the text.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use indexmap::IndexMap;
use saphyr_parser::{Event, Parser, ScalarStyle};
use serde::de::DeserializeOwned;

use crate::diagnostic::Diagnostic;
use crate::source::{is_unsafe_control, SourceFile};

/// Deeper documents are refused: no rule or facts file needs more than a handful of levels.
pub const MAX_DEPTH: usize = 64;
/// More aliases than this are refused (anchors are legal, billion-laughs expansions are not).
pub const MAX_ALIASES: usize = 256;

/// Spans of one node: its key (for mapping values) and its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeSpan {
    pub key: Option<Range<usize>>,
    pub value: Range<usize>,
    /// For scalars: how the value was written (plain, quoted, block).
    pub quoted: Quoting,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quoting {
    /// Plain scalar, or a collection: the text in the file is the value.
    Plain,
    /// Single- or double-quoted on one line: the value starts one byte after the span start.
    Quoted,
    /// Block scalar (`|`, `>`) or an escaped string: offsets inside are not mapped.
    Other,
}

/// Path -> spans for every node of one YAML document.
#[derive(Debug, Clone, Default)]
pub struct SpanIndex {
    nodes: IndexMap<String, NodeSpan>,
    /// Scalars (keys or values) whose text holds a control character: the node's path, the
    /// character, and where it is written (the character itself, or the escape for it).
    controls: Vec<(String, char, Range<usize>)>,
    /// The values of scalars not written as they read, for [`SpanIndex::sub_span`].
    written_apart: std::sync::OnceLock<HashMap<usize, String>>,
}

impl SpanIndex {
    pub fn get(&self, path: &str) -> Option<&NodeSpan> {
        self.nodes.get(path)
    }

    /// The value span of a path, or of its nearest ancestor that has one.
    pub fn value_span(&self, path: &str) -> Range<usize> {
        self.lookup(path).map_or(0..0, |n| n.value.clone())
    }

    /// The key span of a path (the value's span when it has no key), or the nearest ancestor's.
    pub fn key_span(&self, path: &str) -> Range<usize> {
        self.lookup(path)
            .map_or(0..0, |n| n.key.clone().unwrap_or_else(|| n.value.clone()))
    }

    fn lookup(&self, path: &str) -> Option<&NodeSpan> {
        let mut p = path;
        loop {
            if let Some(n) = self.nodes.get(p) {
                return Some(n);
            }
            let cut = p.rfind(['.', '['])?;
            p = &p[..cut];
        }
    }

    /// Byte span inside the file of a sub-range of a scalar's value (e.g. a CEL sub-expression).
    /// A scalar written over several lines, as a block (`>`, `|`) or with escapes is read again
    /// to map its value onto its text; the whole value when that fails.
    pub fn sub_span(&self, path: &str, inner: Range<usize>, file: &SourceFile) -> Range<usize> {
        let Some(node) = self.lookup(path) else {
            return 0..0;
        };
        let written = file.text.get(node.value.clone()).unwrap_or_default();
        if node.quoted == Quoting::Other || written.contains(['\n', '\r']) {
            return self
                .written_apart
                .get_or_init(|| written_apart(file))
                .get(&node.value.start)
                .and_then(|value| align(&file.text, node.value.clone(), value, inner))
                .unwrap_or_else(|| node.value.clone());
        }
        let start = match node.quoted {
            Quoting::Plain => node.value.start,
            Quoting::Quoted | Quoting::Other => node.value.start + 1,
        };
        let s = start + inner.start;
        let e = start + inner.end;
        if e > file.text.len() || s > e {
            return node.value.clone();
        }
        s..e
    }

    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.nodes.keys().map(String::as_str)
    }
}

/// The values of the scalars whose text is not their value as written (over several lines, a
/// block, quoted with escapes), by the byte where each is written. Read on the first
/// [`SpanIndex::sub_span`] into one (an error path), by parsing the file once more.
fn written_apart(file: &SourceFile) -> HashMap<usize, String> {
    let mut out = HashMap::new();
    // Markers count characters; walk a cursor forward to bytes, as the events come in order.
    let mut chars = file
        .text
        .char_indices()
        .map(|(b, _)| b)
        .enumerate()
        .peekable();
    let mut byte_of = |index: usize| {
        while chars.peek().is_some_and(|&(c, _)| c < index) {
            chars.next();
        }
        chars.peek().map_or(file.text.len(), |&(_, b)| b)
    };
    for (event, span) in Parser::new_from_str(&file.text).map_while(Result::ok) {
        if let Event::Scalar(value, style, ..) = event {
            let start = byte_of(span.start.index());
            let end = byte_of(span.end.index());
            let text = file.text.get(start..end).unwrap_or_default();
            if style != ScalarStyle::Plain || text.contains(['\n', '\r']) {
                out.insert(start, value.into_owned());
            }
        }
    }
    out
}

/// The byte span in `text` of `inner`, a range of a scalar's `value`, where the scalar is
/// written at `written`. Every character that is not a space is written as itself, in order;
/// a space of the value (a folded line break) stands for any run of spaces and line breaks;
/// `''` writes `'` and a backslash escape one character. `None` when the text and the value do
/// not agree that way.
fn align(
    text: &str,
    written: Range<usize>,
    value: &str,
    inner: Range<usize>,
) -> Option<Range<usize>> {
    let src = text.get(written.clone())?;
    let mut i = 0;
    let single = src.starts_with('\'');
    // A block scalar's header line, or an opening quote.
    if src.starts_with(['|', '>']) {
        i = src.find('\n')? + 1;
    } else if src.starts_with(['"', '\'']) {
        i = 1;
    }
    let b = src.as_bytes();
    let skip_space = |mut i: usize| {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        i
    };
    let (mut start, mut end) = (None, None);
    for (vi, vc) in value.char_indices() {
        if vc.is_whitespace() {
            if vi == inner.start {
                start = Some(i);
            }
            if vi == inner.end {
                end = Some(i);
            }
            match b.get(i) {
                Some(c) if c.is_ascii_whitespace() => i += 1,
                Some(b'\\') => i += 2,
                _ => return None,
            }
            continue;
        }
        if vi == inner.end {
            end = Some(i);
        }
        i = skip_space(i);
        if vi == inner.start {
            start = Some(i);
        }
        let rest = src.get(i..)?;
        if single && vc == '\'' && rest.starts_with("''") {
            i += 2;
        } else if rest.starts_with(vc) {
            i += vc.len_utf8();
        } else if rest.starts_with('\\') && rest[1..].starts_with(vc) {
            i += 1 + vc.len_utf8();
        } else {
            return None;
        }
    }
    if inner.end >= value.len() {
        end = Some(i);
    }
    if inner.start >= value.len() {
        start = Some(i);
    }
    let (s, e) = (start?, end?);
    (s <= e).then(|| written.start + s..written.start + e)
}

enum Frame {
    Map {
        path: String,
        start: usize,
        key: Option<(String, Range<usize>)>,
        seen: HashMap<String, Range<usize>>,
    },
    Seq {
        path: String,
        start: usize,
        index: usize,
    },
}

fn child_path(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

/// Build the span index; report syntax errors, duplicate keys, depth and alias limits.
pub fn index(file: &Arc<SourceFile>) -> Result<SpanIndex, Vec<Diagnostic>> {
    let mut spans = SpanIndex::default();
    let mut problems = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut aliases = 0usize;
    let mut documents = 0usize;
    // saphyr counts characters; spans are bytes. One table, built once, makes each lookup O(1).
    let ascii = file.text.is_ascii();
    let table: Vec<usize> = if ascii {
        Vec::new()
    } else {
        file.text
            .char_indices()
            .map(|(b, _)| b)
            .chain(std::iter::once(file.text.len()))
            .collect()
    };
    let byte = |m: &saphyr_parser::Marker| {
        if ascii {
            m.index().min(file.text.len())
        } else {
            table.get(m.index()).copied().unwrap_or(file.text.len())
        }
    };

    for item in Parser::new_from_str(&file.text) {
        let (event, span) = match item {
            Ok(ok) => ok,
            Err(e) => {
                let mut at = byte(e.marker());
                // Point at the tab itself, not at the token being scanned when it was met.
                if e.info().contains("tab") {
                    if let Some(i) = file.text[at..].find('\t') {
                        at += i;
                    }
                }
                let mut d = Diagnostic::error("yaml-syntax", format!("invalid YAML: {}", e.info()))
                    .at(file, at..at + 1)
                    .with_label("here");
                if e.info().contains("tab") {
                    d = d.with_help("YAML is indented with spaces, never tabs");
                }
                problems.push(d);
                return Err(problems);
            }
        };
        let start = byte(&span.start);
        let end = byte(&span.end);
        // Where does a new node go? Compute its path and whether it is a mapping key.
        let mut place = |stack: &mut Vec<Frame>, node_span: Range<usize>, scalar: Option<&str>| {
            match stack.last_mut() {
                None => Some((String::new(), None)),
                Some(Frame::Seq { path, index, .. }) => {
                    let p = format!("{path}[{index}]");
                    *index += 1;
                    Some((p, None))
                }
                Some(Frame::Map {
                    path, key, seen, ..
                }) => match key.take() {
                    None => {
                        let k = scalar.unwrap_or("?").to_string();
                        if let Some(first) = seen.get(&k) {
                            problems.push(
                                Diagnostic::error(
                                    "duplicate-key",
                                    format!("duplicate key `{k}`"),
                                )
                                .at(file, node_span.clone())
                                .with_label("repeated here")
                                .with_related(file, first.clone(), "first defined here")
                                .with_help("a key may appear once in a mapping; remove or merge one of them"),
                            );
                        } else {
                            seen.insert(k.clone(), node_span.clone());
                        }
                        *key = Some((k, node_span));
                        None
                    }
                    Some((k, key_span)) => Some((child_path(path, &k), Some(key_span))),
                },
            }
        };
        match event {
            Event::StreamStart | Event::StreamEnd | Event::Nothing | Event::DocumentEnd => {}
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    problems.push(
                        Diagnostic::error(
                            "yaml-multiple-documents",
                            "more than one YAML document in one file",
                        )
                        .at(file, start..end.max(start + 3))
                        .with_help("put one document per file; remove this `---`"),
                    );
                    return Err(problems);
                }
            }
            Event::Alias(_) => {
                aliases += 1;
                if aliases > MAX_ALIASES {
                    problems.push(
                        Diagnostic::error(
                            "yaml-too-many-aliases",
                            format!("more than {MAX_ALIASES} YAML aliases"),
                        )
                        .at(file, start..end.max(start + 1))
                        .with_help(
                            "expand the repeated values by hand; this guards against alias bombs",
                        ),
                    );
                    return Err(problems);
                }
                if let Some((path, key)) = place(&mut stack, start..end, Some("*alias")) {
                    spans.nodes.insert(
                        path,
                        NodeSpan {
                            key,
                            value: start..end,
                            quoted: Quoting::Other,
                        },
                    );
                }
            }
            Event::Scalar(value, style, _, _) => {
                // The parser's span of a quoted scalar can run on into a trailing comment: end
                // it at its closing quote.
                let end = match style {
                    ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
                        closing_quote(&file.text, start).unwrap_or(end)
                    }
                    _ => end,
                };
                let quoted = match style {
                    ScalarStyle::Plain => Quoting::Plain,
                    ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted
                        if !file.text[start..end].contains(['\\', '\n'])
                            && !file.text[start..end].contains("''") =>
                    {
                        Quoting::Quoted
                    }
                    _ => Quoting::Other,
                };
                let control = value.chars().find(|c| is_unsafe_control(*c));
                let key_path = control.and_then(|_| match stack.last() {
                    Some(Frame::Map {
                        path, key: None, ..
                    }) => Some(child_path(path, &value)),
                    _ => None,
                });
                let at = match place(&mut stack, start..end, Some(&value)) {
                    Some((path, key)) => {
                        spans.nodes.insert(
                            path.clone(),
                            NodeSpan {
                                key,
                                value: start..end,
                                quoted,
                            },
                        );
                        path
                    }
                    None => key_path.unwrap_or_default(),
                };
                if let Some(c) = control {
                    let double = matches!(style, ScalarStyle::DoubleQuoted);
                    spans
                        .controls
                        .push((at, c, control_place(&file.text, start..end, double)));
                }
            }
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                if stack.len() >= MAX_DEPTH {
                    problems.push(
                        Diagnostic::error(
                            "yaml-too-deep",
                            format!("YAML nested deeper than {MAX_DEPTH} levels"),
                        )
                        .at(file, start..start + 1),
                    );
                    return Err(problems);
                }
                let (path, key) = place(&mut stack, start..end, None).unwrap_or_default();
                spans.nodes.insert(
                    path.clone(),
                    NodeSpan {
                        key,
                        value: start..end,
                        quoted: Quoting::Plain,
                    },
                );
                stack.push(if matches!(event, Event::MappingStart(..)) {
                    Frame::Map {
                        path,
                        start,
                        key: None,
                        seen: HashMap::new(),
                    }
                } else {
                    Frame::Seq {
                        path,
                        start,
                        index: 0,
                    }
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some(Frame::Map { path, start, .. } | Frame::Seq { path, start, .. }) =
                    stack.pop()
                {
                    if let Some(n) = spans.nodes.get_mut(&path) {
                        n.value = start..end.max(start);
                    }
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(spans)
    } else {
        Err(problems)
    }
}

/// Parse a whole document into `T`, with located diagnostics for every failure. A control
/// character in a string is one: rule files, template settings and sidecars hold text that
/// reaches patterns, messages and drafts (facts values use [`load_allowing_controls`]).
pub fn load<T: DeserializeOwned>(
    file: &Arc<SourceFile>,
) -> Result<(T, SpanIndex), Vec<Diagnostic>> {
    if file.text.trim().is_empty() {
        return Err(vec![empty_file(file)]);
    }
    let (spans, value) = index_and_parse::<T>(file)?;
    if !spans.controls.is_empty() {
        return Err(spans
            .controls
            .iter()
            .map(|(path, c, at)| {
                let place = if path.is_empty() {
                    String::new()
                } else {
                    format!(" in `{path}`")
                };
                Diagnostic::error(
                    "control-character",
                    format!("a control character (`{}`){place}", c.escape_unicode()),
                )
                .at(file, at.clone())
                .with_help("remove it: this file's text reaches patterns, messages and drafts, where a control character has no place")
            })
            .collect());
    }
    deserialized(file, spans, value)
}

/// [`load`] for a file whose strings may hold control characters (facts values: they are
/// data, escaped wherever they are shown and dropped from drafts).
pub fn load_allowing_controls<T: DeserializeOwned>(
    file: &Arc<SourceFile>,
) -> Result<(T, SpanIndex), Vec<Diagnostic>> {
    if file.text.trim().is_empty() {
        return Err(vec![empty_file(file)]);
    }
    let (spans, value) = index_and_parse::<T>(file)?;
    deserialized(file, spans, value)
}

/// The span index and serde's reading of a file. A large file (the claims, the criteria) is
/// indexed on a thread of its own while serde reads it: serde has limits of its own on nesting
/// and aliases, and the index's problems, when there are any, are reported in place of serde's.
/// A small one is read by serde only once the index found no problem.
fn index_and_parse<T: DeserializeOwned>(
    file: &Arc<SourceFile>,
) -> Result<Parsed<T>, Vec<Diagnostic>> {
    if file.text.len() < PARALLEL_BYTES {
        let spans = index(file)?;
        return Ok((spans, serde_yaml::from_str::<T>(&file.text)));
    }
    let (spans, value) = std::thread::scope(|scope| {
        let spans = scope.spawn(|| index(file));
        let value = serde_yaml::from_str::<T>(&file.text);
        let spans = spans.join().unwrap_or_else(|_| {
            Err(vec![Diagnostic::error(
                "internal-error",
                format!("indexing `{}` stopped unexpectedly", file.name),
            )])
        });
        (spans, value)
    });
    Ok((spans?, value))
}

/// A file's span index and serde's reading of it.
type Parsed<T> = (SpanIndex, Result<T, serde_yaml::Error>);

fn deserialized<T>(
    file: &Arc<SourceFile>,
    spans: SpanIndex,
    value: Result<T, serde_yaml::Error>,
) -> Result<(T, SpanIndex), Vec<Diagnostic>> {
    match value {
        Ok(value) => Ok((value, spans)),
        Err(e) => Err(vec![serde_error(file, &spans, &e)]),
    }
}

/// Files at least this large are indexed and deserialized side by side ([`load`]).
const PARALLEL_BYTES: usize = 32 * 1024;

fn empty_file(file: &Arc<SourceFile>) -> Diagnostic {
    Diagnostic::error("empty-file", format!("`{}` is empty", file.name))
        .at(file, 0..0)
        .with_help("see `tiercheck schema` for what the file must contain")
}

/// Where a scalar writes its first control character: the character itself, or in a
/// double-quoted scalar the escape for it (`\0`, `\e`, `\x1b`, `\u202e`); the whole scalar when
/// neither is found.
fn control_place(text: &str, span: Range<usize>, double_quoted: bool) -> Range<usize> {
    let s = text.get(span.clone()).unwrap_or_default();
    let mut chars = s.char_indices().peekable();
    while let Some((i, ch)) = chars.next() {
        let at = span.start + i;
        if is_unsafe_control(ch) {
            return at..at + ch.len_utf8();
        }
        if !(double_quoted && ch == '\\') {
            continue;
        }
        let Some((_, e)) = chars.next() else { break };
        let (digits, fixed) = match e {
            'x' => (2, None),
            'u' => (4, None),
            'U' => (8, None),
            '0' => (0, Some('\0')),
            'a' => (0, Some('\u{7}')),
            'b' => (0, Some('\u{8}')),
            'e' => (0, Some('\u{1b}')),
            'v' => (0, Some('\u{b}')),
            'f' => (0, Some('\u{c}')),
            'N' => (0, Some('\u{85}')),
            _ => (0, None),
        };
        let hex: String = (0..digits)
            .filter_map(|_| chars.next().map(|(_, h)| h))
            .collect();
        let decoded = fixed.or_else(|| u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32));
        if decoded.is_some_and(is_unsafe_control) {
            let end = chars.peek().map_or(s.len(), |&(j, _)| j);
            return at..span.start + end;
        }
    }
    span
}

/// Parse a document into a generic value (for files whose shape the catalog decides).
pub fn load_value(
    file: &Arc<SourceFile>,
) -> Result<(serde_yaml::Value, SpanIndex), Vec<Diagnostic>> {
    load::<serde_yaml::Value>(file)
}

/// Turn a serde error into a located diagnostic with a "did you mean" where one fits.
pub fn serde_error(file: &Arc<SourceFile>, spans: &SpanIndex, e: &serde_yaml::Error) -> Diagnostic {
    let raw = e.to_string();
    // serde_yaml appends " at line N column M"; we show the place ourselves.
    let text = match raw.find(" at line ") {
        Some(i) => raw[..i].to_string(),
        None => raw.clone(),
    };
    let (path, detail) = match text.split_once(": ") {
        Some((p, d)) if !p.contains(' ') && !p.is_empty() => (Some(p.to_string()), d.to_string()),
        _ => (None, text.clone()),
    };
    let span = match e.location() {
        Some(loc) => token_span(&file.text, loc.index()),
        None => path.as_deref().map_or(0..0, |p| spans.key_span(p)),
    };
    let (code, message, help) = describe_serde(&detail);
    let message = match &path {
        Some(p) => format!("{message} in `{p}`"),
        None => message,
    };
    let mut d = Diagnostic::error(code, message).at(file, span);
    if let Some(h) = help {
        d = d.with_help(h);
    }
    d
}

fn token_span(text: &str, at: usize) -> Range<usize> {
    let at = at.min(text.len());
    let rest = &text[at..];
    let len = rest
        .find(['\n', ',', '}', ']', ':', '#'])
        .unwrap_or(rest.len());
    let len = rest[..len].trim_end().len().max(1);
    at..(at + len).min(text.len())
}

/// Classify serde's message: the code, our wording, and a help.
fn describe_serde(detail: &str) -> (&'static str, String, Option<String>) {
    if let Some(rest) = detail.strip_prefix("unknown field ") {
        let found = between_backticks(rest).unwrap_or_default();
        let expected: Vec<String> = rest
            .split_once("expected ")
            .map(|(_, list)| all_between_backticks(list))
            .unwrap_or_default();
        let help = did_you_mean(&found, expected.iter().map(String::as_str))
            .map(|s| format!("did you mean `{s}`?"))
            .or_else(|| {
                (!expected.is_empty()).then(|| {
                    format!(
                        "expected one of {}",
                        expected
                            .iter()
                            .map(|e| format!("`{e}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                })
            });
        return ("unknown-field", format!("unknown field `{found}`"), help);
    }
    if let Some(rest) = detail.strip_prefix("unknown variant ") {
        let found = between_backticks(rest).unwrap_or_default();
        let expected: Vec<String> = rest
            .split_once("expected ")
            .map(|(_, list)| all_between_backticks(list))
            .unwrap_or_default();
        let help = did_you_mean(&found, expected.iter().map(String::as_str))
            .map(|s| format!("did you mean `{s}`?"))
            .or_else(|| {
                Some(format!(
                    "expected one of {}",
                    expected
                        .iter()
                        .map(|e| format!("`{e}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            });
        return ("unknown-value", format!("unknown value `{found}`"), help);
    }
    if let Some(rest) = detail.strip_prefix("missing field ") {
        let name = between_backticks(rest).unwrap_or_default();
        return (
            "missing-field",
            format!("missing field `{name}`"),
            Some(format!("add `{name}:` to this entry")),
        );
    }
    if let Some(rest) = detail.strip_prefix("duplicate field ") {
        let name = between_backticks(rest).unwrap_or_default();
        return ("duplicate-key", format!("duplicate key `{name}`"), None);
    }
    if detail.contains(" as u128") || detail.contains(" as i128") {
        let number = between_backticks(detail).unwrap_or_default();
        return (
            "number-too-large",
            format!("number `{number}` is too large"),
            Some("tiercheck reads whole numbers up to 18446744073709551615".to_string()),
        );
    }
    if detail.starts_with("invalid type") || detail.starts_with("invalid value") {
        return ("wrong-type", plain_types(&lower_first(detail)), None);
    }
    if detail.contains("recursion limit exceeded") {
        return ("yaml-too-deep", "YAML nested too deeply".to_string(), None);
    }
    if detail.contains("repetition limit exceeded") {
        return (
            "yaml-too-many-aliases",
            "YAML aliases expand too far".to_string(),
            Some("expand the repeated values by hand".to_string()),
        );
    }
    ("yaml-invalid", lower_first(detail), None)
}

/// Serde names Rust types in its messages; say what a YAML author writes instead.
fn plain_types(message: &str) -> String {
    let mut out = message.to_string();
    for (rust, plain) in [
        ("expected i64", "expected a whole number"),
        ("expected u64", "expected a whole number zero or more"),
        ("expected u32", "expected a whole number zero or more"),
        ("expected i32", "expected a whole number"),
        ("expected f64", "expected a number"),
        ("expected a boolean", "expected `true` or `false`"),
        ("expected a string", "expected text"),
        ("expected a sequence", "expected a list"),
        ("expected a map", "expected a mapping"),
    ] {
        out = out.replace(rust, plain);
    }
    if let Some(i) = out.find("expected struct ") {
        out.truncate(i);
        out.push_str("expected a mapping");
    }
    if let Some(i) = out.find("expected enum ") {
        out.truncate(i);
        out.push_str("expected one of the allowed values");
    }
    out
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

fn between_backticks(s: &str) -> Option<String> {
    let start = s.find('`')? + 1;
    let len = s[start..].find('`')?;
    Some(s[start..start + len].to_string())
}

fn all_between_backticks(s: &str) -> Vec<String> {
    s.split('`')
        .enumerate()
        .filter(|(i, _)| i % 2 == 1)
        .map(|(_, p)| p.to_string())
        .collect()
}

/// The closest candidate to `found`, when it is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    found: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let mut best: Option<(f64, &str)> = None;
    let found = found.to_lowercase();
    for c in candidates {
        let score = strsim::jaro_winkler(&found, &c.to_lowercase());
        if score > 0.8 && best.is_none_or(|(b, _)| score > b) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c.to_string())
}

/// The end (after the closing quote) of the quoted scalar that opens at `start`.
fn closing_quote(text: &str, start: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let quote = *bytes.get(start)?;
    if quote != b'"' && quote != b'\'' {
        return None;
    }
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 2,
            b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
            b if b == quote => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_scalar_span_ends_at_its_closing_quote() {
        let text = "a: \"x \\\" y\"   # note\nb: 'it''s'  # note\nc:\n  d: \"z\" # note\n";
        let file = SourceFile::new("t.yaml", text);
        let spans = index(&file).unwrap();
        for (path, want) in [("a", "\"x \\\" y\""), ("b", "'it''s'"), ("c.d", "\"z\"")] {
            assert_eq!(&text[spans.value_span(path)], want, "{path}");
        }
    }

    #[test]
    fn a_range_of_a_value_written_apart_maps_onto_its_text() {
        // A folded block, a plain scalar over two lines, a quoted one with `''` and escapes: the
        // range of `target` in each value is the `target` written in the file.
        let text = "a: >-\n  one two\n  three target four\nb: one\n  target\nc: 'it''s target'\nd: \"say \\\"hi\\\" target\\n\"\ne: \"x \\x41 target\"\n";
        let file = SourceFile::new("t.yaml", text);
        let spans = index(&file).unwrap();
        for (path, value) in [
            ("a", "one two three target four"),
            ("b", "one target"),
            ("c", "it's target"),
            ("d", "say \"hi\" target\n"),
        ] {
            let at = value.find("target").unwrap();
            let span = spans.sub_span(path, at..at + 6, &file);
            assert_eq!(&text[span], "target", "{path}");
        }
        // An escape that is not written as itself: the whole value.
        assert_eq!(spans.sub_span("e", 7..13, &file), spans.value_span("e"));
    }

    #[test]
    fn a_control_character_is_located_at_its_escape() {
        for (text, at) in [
            ("a: \"x\\0y\"\n", "\\0"),
            ("a: \"x\\u202Ey\"\n", "\\u202E"),
            ("a:\n  - \"\\x1b\"\n", "\\x1b"),
            ("\"k\\ey\": 1\n", "\\e"),
        ] {
            let file = SourceFile::new("t.yaml", text);
            let ds = load::<serde_yaml::Value>(&file).unwrap_err();
            let start = text.find(at).unwrap();
            assert_eq!(ds.len(), 1, "{text}");
            assert_eq!(ds[0].code, "control-character");
            assert_eq!(
                ds[0].location.as_ref().map(|l| l.span.clone()),
                Some(start..start + at.len()),
                "{text}"
            );
        }
        assert!(
            load_allowing_controls::<serde_yaml::Value>(&SourceFile::new("t.yaml", "a: \"\\0\"\n"))
                .is_ok()
        );
    }
}
