//! Readers: a draft in the format it was written in (plain text, Markdown, Word, a saved web
//! page) becomes the [`Normalized`] text the narrative parser reads, with a map from every
//! position back to the draft as the writer sees it. One file per format behind [`Reader`];
//! whatever the format, the checks and their findings are the same.
//!
//! Plain text and Markdown keep the file's own lines and columns. Word and HTML have no lines a
//! writer sees: their text is laid out one paragraph per line ([`SourceFile::paragraphs`]), so a
//! finding's line is its paragraph's number (`draft.docx:¶42:17`).
//!
//! Pipeline position: `source` (bytes) -> here -> `narrative::parse` -> checks.

pub mod docx;
pub mod html;
pub mod md;
pub mod txt;

use std::path::Path;
use std::sync::Arc;

use crate::batch::Input;
use crate::diagnostic::Diagnostic;
use crate::normalize::{LineShapes, Normalized};
use crate::source::{read_bytes_limited, source_from_bytes, SourceFile};

/// One draft format.
pub trait Reader: Sync {
    /// Read a draft's bytes, named `name` in messages, into normalized text. `shapes` tells which
    /// lines of plain text are headings, section titles or bullets in the house style; `limit`
    /// bounds what a packed format unpacks to (the input limit).
    fn read(
        &self,
        name: &str,
        bytes: Vec<u8>,
        shapes: &dyn LineShapes,
        limit: u64,
    ) -> Result<Normalized, Diagnostic>;
}

/// File name endings a folder run reads (any letter case), and their readers.
pub const EXTENSIONS: &[&str] = &["txt", "text", "md", "markdown", "docx", "html", "htm"];

/// The reader of a file name: by its ending (any case); plain text for any other name.
pub fn for_name(name: &str) -> &'static dyn Reader {
    let ext = Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "md" | "markdown" => &md::Markdown,
        "docx" => &docx::Docx,
        "html" | "htm" => &html::Html,
        _ => &txt::Text,
    }
}

/// Why a file met in a folder is not read as a draft; `None` when it is.
pub fn skip_reason(path: &Path) -> Option<&'static str> {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if name.starts_with("~$") {
        return Some("a lock file Word keeps while the document is open");
    }
    if EXTENSIONS.contains(&ext.as_str()) {
        return None;
    }
    Some(match ext.as_str() {
        "doc" => "an old Word document (`.doc`): save it as `.docx`",
        "pdf" => "a PDF: tiercheck reads the draft it was made from (`.docx`, `.md`, `.txt`)",
        "rtf" | "odt" => "a word-processor format tiercheck does not read: save it as `.docx`",
        "yaml" | "yml" => "a YAML file, not a draft",
        _ => "not a draft format tiercheck reads (`.txt`, `.text`, `.md`, `.docx`, `.html`)",
    })
}

/// Read one input with the reader of its name, within `limit` bytes (the input limit).
pub fn read_input(
    input: &Input,
    shapes: &dyn LineShapes,
    limit: u64,
) -> Result<Normalized, Diagnostic> {
    match input {
        Input::File(p) => {
            let name = p.display().to_string();
            let bytes = read_bytes_limited(p, limit)?;
            for_name(&name).read(&name, bytes, shapes, limit)
        }
        Input::Bytes { name, bytes } => for_name(name).read(name, bytes.clone(), shapes, limit),
    }
}

/// Text of a text format: UTF-8 checked, byte order mark dropped.
fn text_file(name: &str, bytes: Vec<u8>) -> Result<Arc<SourceFile>, Diagnostic> {
    source_from_bytes(name.to_string(), bytes)
}

/// One paragraph of a document that has no lines of its own (Word, HTML).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Paragraph {
    pub text: String,
    /// A list item: written with the house style's bullet before it.
    pub item: bool,
    /// Footnotes read after it, each its own paragraph for the parser but on its line.
    pub notes: Vec<String>,
}

/// The draft of a paragraph document: each paragraph on its own line (its number is the line
/// number findings give), read as blocks separated by blank lines.
fn paragraphs(name: &str, paras: &[Paragraph], shapes: &dyn LineShapes) -> Normalized {
    let bullet = shapes.bullet();
    let mut text = String::new();
    let mut notes = Vec::new();
    for p in paras {
        if p.item && !p.text.is_empty() {
            if let Some(b) = bullet {
                text.push_str(b);
                text.push(' ');
            }
        }
        text.push_str(&p.text);
        for n in &p.notes {
            text.push(' ');
            notes.push(text.len() - 1);
            text.push_str(n);
        }
        text.push('\n');
    }
    let file = SourceFile::paragraphs(name, text);
    crate::normalize::blocks(&file, &notes)
}
