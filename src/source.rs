//! Reading input files into memory, once, with the checks every input needs.
//!
//! Every later stage (YAML loading, templates, narratives) works on a [`SourceFile`]: its display
//! name and its text. A file that cannot be read becomes a located diagnostic here, never a panic.

use std::ops::Range;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use crate::diagnostic::Diagnostic;

/// Larger inputs are refused rather than read: no real facts file, rule file or narrative comes
/// near this, and a bound keeps memory use predictable on hostile input.
pub const MAX_INPUT_BYTES: u64 = 8 * 1024 * 1024;

/// One input file: a name for messages and its whole UTF-8 text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
    /// Byte offsets of the line starts, made at the first question about lines.
    line_starts: OnceLock<Vec<usize>>,
    /// Each line is a paragraph of a document that has no lines of its own (Word, HTML):
    /// places are written `name:¶line:column`.
    pub paragraphs: bool,
}

impl PartialEq for SourceFile {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.text == other.text
    }
}

impl Eq for SourceFile {}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Arc<Self> {
        Arc::new(Self {
            name: name.into(),
            text: text.into(),
            line_starts: OnceLock::new(),
            paragraphs: false,
        })
    }

    /// The text of a paragraph document, one paragraph per line.
    pub fn paragraphs(name: impl Into<String>, text: impl Into<String>) -> Arc<Self> {
        Arc::new(Self {
            name: name.into(),
            text: text.into(),
            line_starts: OnceLock::new(),
            paragraphs: true,
        })
    }

    /// A place in this file as messages write it: `name:line:column`, or `name:¶line:column`
    /// in a paragraph document.
    pub fn place(&self, line: usize, column: usize) -> String {
        let mark = if self.paragraphs { "¶" } else { "" };
        format!("{}:{mark}{line}:{column}", self.name)
    }

    /// Start offsets of the lines: after each LF, CRLF or lone CR. One pass, once.
    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            let b = self.text.as_bytes();
            std::iter::once(0)
                .chain(b.iter().enumerate().filter_map(|(i, &c)| {
                    (c == b'\n' || (c == b'\r' && b.get(i + 1) != Some(&b'\n'))).then_some(i + 1)
                }))
                .collect()
        })
    }

    /// 0-based line index and the start offset of the line holding a byte offset.
    fn line_of(&self, offset: usize) -> (usize, usize) {
        let starts = self.line_starts();
        let i = starts.partition_point(|&s| s <= offset).saturating_sub(1);
        (i, starts.get(i).copied().unwrap_or(0))
    }

    /// 1-based line and column (in characters) of a byte offset. LF, CRLF and a lone CR end a
    /// line.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let (i, line_start) = self.line_of(offset);
        let col = self.text[line_start..offset].chars().count() + 1;
        (i + 1, col)
    }

    /// The text of the line holding a byte offset, without its line break.
    pub fn line_text(&self, offset: usize) -> &str {
        let (_, start) = self.line_of(offset.min(self.text.len()));
        let rest = &self.text[start..];
        rest.split(['\n', '\r']).next().unwrap_or("")
    }

    /// Byte offset of a 1-based line and 0-based character column.
    pub fn offset_of(&self, line: usize, col_chars: usize) -> usize {
        let starts = self.line_starts();
        let Some(&start) = line.checked_sub(1).and_then(|i| starts.get(i)) else {
            return self.text.len();
        };
        let l = &self.text[start..];
        let l = &l[..l.find(['\n', '\r']).map_or(l.len(), |i| i + 1)];
        let within: usize = l.chars().take(col_chars).map(char::len_utf8).sum();
        start + within
    }

    /// Byte offset of a character index.
    pub fn char_to_byte(&self, char_index: usize) -> usize {
        self.text
            .char_indices()
            .nth(char_index)
            .map_or(self.text.len(), |(b, _)| b)
    }

    /// Clamp a span into the text, on character boundaries.
    pub fn clamp(&self, span: Range<usize>) -> Range<usize> {
        let start = floor_char_boundary(&self.text, span.start.min(self.text.len()));
        let end = floor_char_boundary(&self.text, span.end.min(self.text.len())).max(start);
        start..end
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Read a file for any stage: refuses directories, missing files, huge files, binary files and
/// files that are not UTF-8, each with a message that says which and what to do.
pub fn read_source(path: &Path) -> Result<Arc<SourceFile>, Diagnostic> {
    let bytes = read_bytes(path)?;
    source_from_bytes(path.display().to_string(), bytes)
}

/// Read a file's bytes: refuses directories, missing files and huge files, each with a message
/// that says which and what to do.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, Diagnostic> {
    let name = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| {
        Diagnostic::error(
            "io-error",
            format!("cannot read `{name}`: {}", io_reason(&e)),
        )
        .with_help("check the path; it is taken relative to the current folder")
    })?;
    if meta.is_dir() {
        return Err(
            Diagnostic::error("io-error", format!("`{name}` is a folder, not a file"))
                .with_help("name a file inside it"),
        );
    }
    if meta.len() > MAX_INPUT_BYTES {
        return Err(Diagnostic::error(
            "input-too-large",
            format!(
                "`{name}` is {} bytes, more than the {} bytes tiercheck reads",
                meta.len(),
                MAX_INPUT_BYTES
            ),
        ));
    }
    std::fs::read(path).map_err(|e| {
        Diagnostic::error(
            "io-error",
            format!("cannot read `{name}`: {}", io_reason(&e)),
        )
    })
}

/// The checks of [`read_source`] on bytes already in memory (embedded rules, tests).
pub fn source_from_bytes(name: String, bytes: Vec<u8>) -> Result<Arc<SourceFile>, Diagnostic> {
    if bytes.contains(&0) {
        return Err(Diagnostic::error(
            "binary-input",
            format!("`{name}` looks like a binary file (it contains NUL bytes)"),
        )
        .with_help("tiercheck reads YAML, and drafts as plain text, Markdown (`.md`), Word (`.docx`) or web pages (`.html`)"));
    }
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                text.remove(0);
            }
            Ok(SourceFile::new(name, text))
        }
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let valid = String::from_utf8_lossy(&e.as_bytes()[..at]).into_owned();
            let line = valid.matches('\n').count() + 1;
            Err(Diagnostic::error(
                "not-utf8",
                format!("`{name}` is not valid UTF-8 (first bad byte at offset {at}, line {line})"),
            )
            .with_help("save the file as UTF-8"))
        }
    }
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string().to_lowercase(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn lf_crlf_and_lone_cr_each_end_a_line() {
        let f = SourceFile::new("t", "one\ntwo\r\nthré\rfour");
        let at = f.text.find("four").unwrap();
        assert_eq!(f.line_col(at), (4, 1));
        assert_eq!(f.line_col(f.text.find('é').unwrap() + 2), (3, 5));
        assert_eq!(f.line_text(f.text.find("two").unwrap() + 1), "two");
        assert_eq!(f.offset_of(4, 2), at + 2);
        assert_eq!(f.offset_of(9, 0), f.text.len());
    }
}
