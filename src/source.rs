//! Reading input files into memory, once, with the checks every input needs.
//!
//! Every later stage (YAML loading, templates, narratives) works on a [`SourceFile`]: its display
//! name and its text. A file that cannot be read becomes a located diagnostic here, never a panic.

use std::ops::Range;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use crate::diagnostic::Diagnostic;

/// The input limit: larger inputs are refused rather than read. A whole report in one file is
/// about 5 MB; the bound keeps memory use predictable on hostile input (`/dev/zero`, a pipe that
/// never ends).
pub const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

/// One input file: a name for messages and its whole UTF-8 text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
    /// Byte offsets of the line starts, made at the first question about lines.
    line_starts: OnceLock<Vec<usize>>,
    /// The text with control characters masked, for terminals; `None` when there are none.
    display: OnceLock<Option<String>>,
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
            display: OnceLock::new(),
            paragraphs: false,
        })
    }

    /// The text of a paragraph document, one paragraph per line.
    pub fn paragraphs(name: impl Into<String>, text: impl Into<String>) -> Arc<Self> {
        Arc::new(Self {
            name: name.into(),
            text: text.into(),
            line_starts: OnceLock::new(),
            display: OnceLock::new(),
            paragraphs: true,
        })
    }

    /// A place in this file as messages write it: `name:line:column`, or `name:¶line:column`
    /// in a paragraph document.
    pub fn place(&self, line: usize, column: usize) -> String {
        let mark = if self.paragraphs { "¶" } else { "" };
        format!("{}:{mark}{line}:{column}", self.name)
    }

    /// The text to show on a terminal: every control character other than a line break or a
    /// tab (an escape sequence, a C1 control, a bidirectional override) masked as `?`, one per
    /// byte, so every byte offset still points at the same place. Made once, on first use.
    ///
    /// A lone CR reads as LF there (one byte for one): the renderer ends lines at LF only, and
    /// its line numbers must be those of [`SourceFile::line_col`].
    pub fn display_text(&self) -> &str {
        self.display
            .get_or_init(|| {
                let b = self.text.as_bytes();
                let lone_cr = |i: usize| b[i] == b'\r' && b.get(i + 1) != Some(&b'\n');
                let masked = self.text.chars().any(is_unsafe_control) || (0..b.len()).any(lone_cr);
                masked.then(|| {
                    self.text
                        .char_indices()
                        .map(|(i, c)| {
                            if is_unsafe_control(c) {
                                "?".repeat(c.len_utf8())
                            } else if c == '\r' && lone_cr(i) {
                                "\n".to_string()
                            } else {
                                c.to_string()
                            }
                        })
                        .collect()
                })
            })
            .as_deref()
            .unwrap_or(&self.text)
    }

    /// The 0-based index of the line holding a byte offset, and that line's start offset.
    pub fn line_index(&self, offset: usize) -> (usize, usize) {
        self.line_of(offset)
    }

    /// The start offset of a 0-based line (the text's length past the last line).
    pub fn line_start(&self, index: usize) -> usize {
        self.line_starts()
            .get(index)
            .copied()
            .unwrap_or(self.text.len())
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

/// A character a terminal may act on rather than print: C0 and C1 controls other than a line
/// break or a tab, and the bidirectional overrides and isolates.
pub fn is_unsafe_control(c: char) -> bool {
    (c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// A string for a terminal: every [`is_unsafe_control`] character written as `\u{..}`.
pub fn escape_controls(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(is_unsafe_control) {
        return std::borrow::Cow::Borrowed(s);
    }
    std::borrow::Cow::Owned(
        s.chars()
            .map(|c| {
                if is_unsafe_control(c) {
                    c.escape_unicode().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Read a file for any stage: refuses folders, missing files, devices and sockets, files over
/// [`MAX_INPUT_BYTES`], binary files and files that are not UTF-8, each with a message that says
/// which and what to do.
pub fn read_source(path: &Path) -> Result<Arc<SourceFile>, Diagnostic> {
    read_source_limited(path, MAX_INPUT_BYTES)
}

/// [`read_source`] with another size limit.
pub fn read_source_limited(path: &Path, limit: u64) -> Result<Arc<SourceFile>, Diagnostic> {
    let bytes = read_bytes_limited(path, limit)?;
    source_from_bytes(path.display().to_string(), bytes)
}

/// Read a file's bytes within [`MAX_INPUT_BYTES`]: refuses folders, missing files, devices and
/// sockets and files over the limit, each with a message that says which and what to do.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, Diagnostic> {
    read_bytes_limited(path, MAX_INPUT_BYTES)
}

/// [`read_bytes`] with another size limit. The limit is checked on the file's size before
/// reading, and again while reading (a pipe, or a file that grows), so no more than `limit` bytes
/// are ever held.
pub fn read_bytes_limited(path: &Path, limit: u64) -> Result<Vec<u8>, Diagnostic> {
    let name = path.display().to_string();
    let cannot = |e: &std::io::Error| {
        Diagnostic::error(
            "io-error",
            format!("cannot read `{name}`: {}", io_reason(e)),
        )
        .with_help("check the path; it is taken relative to the current folder")
    };
    let meta = std::fs::metadata(path).map_err(|e| cannot(&e))?;
    if meta.is_dir() {
        return Err(
            Diagnostic::error("io-error", format!("`{name}` is a folder, not a file"))
                .with_help("name a file inside it"),
        );
    }
    if let Some(kind) = special_kind(&meta) {
        return Err(Diagnostic::error(
            "not-a-file",
            format!("`{name}` is {kind}, not a regular file"),
        )
        .with_help("tiercheck reads files; save the input to a file and name that"));
    }
    if meta.len() > limit {
        return Err(too_large(
            &name,
            &format!("is {} bytes,", meta.len()),
            limit,
        ));
    }
    let file = std::fs::File::open(path).map_err(|e| cannot(&e))?;
    let capacity = usize::try_from(meta.len()).unwrap_or(0);
    read_within(file, &name, limit, capacity).map_err(|e| e.unwrap_or_else(|e| cannot(&e)))
}

/// Read a stream to its end, holding no more than `limit` bytes: a stream that goes on is
/// refused (`input-too-large`) once it passes the limit. `Err(Err(_))` when reading fails.
pub fn read_within(
    stream: impl std::io::Read,
    name: &str,
    limit: u64,
    capacity: usize,
) -> Result<Vec<u8>, Result<Diagnostic, std::io::Error>> {
    use std::io::Read;
    let mut bytes = Vec::with_capacity(capacity);
    stream
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(Err)?;
    if bytes.len() as u64 > limit {
        return Err(Ok(too_large(name, "holds", limit).with_help(
            "it goes on past the limit (a pipe, or a file that grew while it was read); save the input to a file, or raise `input_limit` in `tiercheck.toml`",
        )));
    }
    Ok(bytes)
}

fn too_large(name: &str, size: &str, limit: u64) -> Diagnostic {
    Diagnostic::error(
        "input-too-large",
        format!("`{name}` {size} more than the input limit of {limit} bytes"),
    )
    .with_help("no report file comes near the default limit (64 MB); check that this is the file you meant, or raise `input_limit` in `tiercheck.toml`")
}

/// What a file that is neither a folder nor a regular file is, when it is one tiercheck refuses
/// (a device or a socket: reading one may never end). A pipe (`<(...)`) is read, bounded.
fn special_kind(meta: &std::fs::Metadata) -> Option<&'static str> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_char_device() {
            return Some("a character device");
        }
        if t.is_block_device() {
            return Some("a block device");
        }
        if t.is_socket() {
            return Some("a socket");
        }
        if t.is_fifo() {
            return None;
        }
    }
    (!meta.is_file()).then_some("not a regular file")
}

/// The checks of [`read_source`] on bytes already in memory (embedded rules, tests). A NUL byte
/// or invalid UTF-8 is located: line and column, and the place in the text read as far as it
/// can be.
pub fn source_from_bytes(name: String, mut bytes: Vec<u8>) -> Result<Arc<SourceFile>, Diagnostic> {
    if bytes.starts_with("\u{feff}".as_bytes()) {
        bytes.drain(..3);
    }
    if let Some(at) = bytes.iter().position(|&b| b == 0) {
        let file = SourceFile::new(name.clone(), String::from_utf8_lossy(&bytes).into_owned());
        let (line, col) = file.line_col(at);
        return Err(Diagnostic::error(
            "binary-input",
            format!("`{name}` looks like a binary file (a NUL byte at line {line}, column {col})"),
        )
        .with_help("tiercheck reads YAML, and drafts as plain text, Markdown (`.md`), Word (`.docx`) or web pages (`.html`)")
        .at(&file, at..at + 1));
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(SourceFile::new(name, text)),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            // The text up to the bad byte is as written; the bad byte reads as U+FFFD.
            let file = SourceFile::new(
                name.clone(),
                String::from_utf8_lossy(e.as_bytes()).into_owned(),
            );
            let (line, col) = file.line_col(at);
            Err(Diagnostic::error(
                "not-utf8",
                format!("`{name}` is not valid UTF-8 (a bad byte at line {line}, column {col}, offset {at})"),
            )
            .with_help("save the file as UTF-8")
            .at(&file, at..at + '\u{fffd}'.len_utf8()))
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

    #[test]
    fn the_display_text_masks_controls_and_keeps_every_offset() {
        let f = SourceFile::new("t", "a\u{1b}[31mb\u{9b}c\rd\r\ne\u{202e}f\tg");
        let shown = f.display_text();
        assert_eq!(shown.len(), f.text.len());
        assert_eq!(shown, "a?[31mb??c\nd\r\ne???f\tg");
        assert_eq!(escape_controls("x\u{1b}y"), "x\\u{1b}y");
        let clean = SourceFile::new("t", "plain\ntext");
        assert!(std::ptr::eq(clean.display_text(), clean.text.as_str()));
    }

    #[test]
    fn a_bad_byte_and_a_nul_are_located_by_line_and_column() {
        let d = source_from_bytes("f".into(), b"one\rtwo\r\nth\xffree".to_vec()).unwrap_err();
        assert!(d.message.contains("line 3, column 3"), "{}", d.message);
        let d = source_from_bytes("f".into(), b"\xef\xbb\xbfab\ncd\0".to_vec()).unwrap_err();
        assert!(d.message.contains("line 2, column 3"), "{}", d.message);
    }
}
