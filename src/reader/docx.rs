//! Word documents (`.docx`): the body text as it reads with tracked changes accepted (insertions
//! kept, deletions dropped), comments left out, each paragraph on a line of its own (heading
//! styles are paragraphs too, so titles and section titles are found by their text), list
//! paragraphs with the house bullet, and each footnote or endnote read after the paragraph that
//! cites it. The container is read with `zip`, the XML with `quick-xml`.
//!
//! A finding's line is its paragraph's number in the document (empty paragraphs count), its
//! column a character in that paragraph; a note's text follows its paragraph's on the same line.

use std::collections::HashMap;
use std::io::Cursor;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader as XmlReader;

use crate::diagnostic::Diagnostic;
use crate::normalize::{LineShapes, Normalized};
use crate::source::read_within;

use super::{Paragraph, Reader};

pub struct Docx;

impl Reader for Docx {
    fn read(
        &self,
        name: &str,
        bytes: Vec<u8>,
        shapes: &dyn LineShapes,
        limit: u64,
    ) -> Result<Normalized, Diagnostic> {
        let bad = |why: String| {
            Diagnostic::error(
                "unreadable-document",
                format!("cannot read `{name}` as a Word document: {why}"),
            )
            .with_help("save it again from Word as a `.docx` document")
        };
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| bad(e.to_string()))?;
        let mut part = |path: &str| -> Result<Option<String>, Diagnostic> {
            let Ok(f) = zip.by_name(path) else {
                return Ok(None);
            };
            // Unpacked, a part is held to the input limit too (a small file can unpack to
            // gigabytes).
            let bytes = read_within(f, &format!("{name}: {path}"), limit, 0)
                .map_err(|e| e.unwrap_or_else(|e| bad(format!("`{path}`: {e}"))))?;
            String::from_utf8(bytes)
                .map(Some)
                .map_err(|e| bad(format!("`{path}` is not UTF-8: {e}")))
        };
        let document = part("word/document.xml")?
            .ok_or_else(|| bad("it has no `word/document.xml`".to_string()))?;
        let mut notes = HashMap::new();
        for (path, kind) in [
            ("word/footnotes.xml", "footnote"),
            ("word/endnotes.xml", "endnote"),
        ] {
            if let Some(xml) = part(path)? {
                for (id, text) in
                    read_notes(&xml, kind).map_err(|e| bad(format!("`{path}`: {e}")))?
                {
                    notes.insert((kind, id), text);
                }
            }
        }
        let paras =
            read_body(&document, &notes).map_err(|e| bad(format!("`word/document.xml`: {e}")))?;
        Ok(super::paragraphs(name, &paras, shapes))
    }
}

/// What a run of text events is inside of.
#[derive(Default)]
struct State {
    /// Depth inside deleted content (`w:del`, `w:moveFrom`): dropped.
    deleted: usize,
    /// Inside a field instruction, a comment or other text that is not the body's: dropped.
    hidden: usize,
    /// Inside `w:t`: its text is the paragraph's.
    in_text: bool,
}

fn attr(e: &BytesStart<'_>, local: &[u8]) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        (a.key.local_name().as_ref() == local)
            .then(|| String::from_utf8_lossy(&a.value).into_owned())
    })
}

/// The paragraphs of an XML part, each as `(paragraph, the notes it cites)`; `on_start` sees
/// every start tag inside a paragraph.
fn paragraphs_of(
    xml: &str,
    mut on_para: impl FnMut(Paragraph),
    notes: Option<&HashMap<(&str, String), String>>,
) -> Result<(), String> {
    let mut r = XmlReader::from_str(xml);
    let mut st = State::default();
    let mut para: Option<Paragraph> = None;
    loop {
        let ev = r.read_event().map_err(|e| e.to_string())?;
        match &ev {
            Event::Start(e) | Event::Empty(e) => {
                let empty = matches!(ev, Event::Empty(_));
                match e.local_name().as_ref() {
                    b"p" if !empty => para = Some(Paragraph::default()),
                    b"p" => on_para(Paragraph::default()),
                    b"del" | b"moveFrom" if !empty => st.deleted += 1,
                    b"instrText" | b"delText" | b"delInstrText" if !empty => st.hidden += 1,
                    b"t" if !empty => st.in_text = true,
                    b"pStyle" => {}
                    b"numPr" => {
                        if let Some(p) = &mut para {
                            p.item = true;
                        }
                    }
                    b"tab" | b"br" | b"cr" if st.deleted == 0 => {
                        if let Some(p) = &mut para {
                            p.text.push(' ');
                        }
                    }
                    b"noBreakHyphen" if st.deleted == 0 => {
                        if let Some(p) = &mut para {
                            p.text.push('-');
                        }
                    }
                    kind @ (b"footnoteReference" | b"endnoteReference") if st.deleted == 0 => {
                        let kind = if kind == b"footnoteReference" {
                            "footnote"
                        } else {
                            "endnote"
                        };
                        if let (Some(p), Some(notes), Some(id)) = (&mut para, notes, attr(e, b"id"))
                        {
                            if let Some(text) = notes.get(&(kind, id)) {
                                p.notes.push(text.clone());
                            }
                        }
                    }
                    _ => {}
                }
            }
            Event::End(e) => match e.local_name().as_ref() {
                b"p" => {
                    if let Some(mut p) = para.take() {
                        p.text = p.text.trim().to_string();
                        on_para(p);
                    }
                }
                b"del" | b"moveFrom" => st.deleted = st.deleted.saturating_sub(1),
                b"instrText" | b"delText" | b"delInstrText" => {
                    st.hidden = st.hidden.saturating_sub(1);
                }
                b"t" => st.in_text = false,
                _ => {}
            },
            Event::Text(t) if st.in_text && st.deleted == 0 && st.hidden == 0 => {
                if let Some(p) = &mut para {
                    p.text.push_str(&t.decode().map_err(|e| e.to_string())?);
                }
            }
            Event::GeneralRef(g) if st.in_text && st.deleted == 0 && st.hidden == 0 => {
                if let Some(p) = &mut para {
                    let name = g.decode().map_err(|e| e.to_string())?;
                    match g.resolve_char_ref().map_err(|e| e.to_string())? {
                        Some(c) => p.text.push(c),
                        None => {
                            if let Some(s) = quick_xml::escape::resolve_predefined_entity(&name) {
                                p.text.push_str(s);
                            }
                        }
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(())
}

/// Whether a paragraph style names a list.
fn list_style(style: &str) -> bool {
    style.starts_with("List")
}

/// The body's paragraphs, with the notes each cites.
fn read_body(xml: &str, notes: &HashMap<(&str, String), String>) -> Result<Vec<Paragraph>, String> {
    // Paragraph styles, to mark list paragraphs whose numbering comes from their style.
    let styles = paragraph_styles(xml)?;
    let mut out = Vec::new();
    paragraphs_of(xml, |p| out.push(p), Some(notes))?;
    for (p, style) in out.iter_mut().zip(styles) {
        if style.as_deref().is_some_and(list_style) {
            p.item = true;
        }
    }
    Ok(out)
}

/// The style of each paragraph of a part, in order.
fn paragraph_styles(xml: &str) -> Result<Vec<Option<String>>, String> {
    let mut r = XmlReader::from_str(xml);
    let mut out = Vec::new();
    loop {
        match r.read_event().map_err(|e| e.to_string())? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == b"p" => out.push(None),
            Event::Empty(e) | Event::Start(e) if e.local_name().as_ref() == b"pStyle" => {
                if let Some(last) = out.last_mut() {
                    *last = attr(&e, b"val");
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// The notes of `footnotes.xml` or `endnotes.xml`: id -> text (its paragraphs joined), without
/// the separators Word keeps there.
fn read_notes(xml: &str, kind: &str) -> Result<Vec<(String, String)>, String> {
    let mut r = XmlReader::from_str(xml);
    let mut out: Vec<(String, String)> = Vec::new();
    let mut spans: Vec<(usize, String)> = Vec::new();
    loop {
        let pos = r.buffer_position() as usize;
        match r.read_event().map_err(|e| e.to_string())? {
            Event::Start(e) if e.local_name().as_ref() == kind.as_bytes() => {
                let separator = attr(&e, b"type").is_some_and(|t| t != "normal");
                if let (Some(id), false) = (attr(&e, b"id"), separator) {
                    spans.push((pos, id));
                }
            }
            Event::End(e) if e.local_name().as_ref() == kind.as_bytes() => {
                let end = r.buffer_position() as usize;
                if let Some((start, id)) = spans.pop() {
                    let mut parts = Vec::new();
                    paragraphs_of(
                        xml.get(start..end).unwrap_or(""),
                        |p| parts.push(p.text),
                        None,
                    )?;
                    let text = parts
                        .into_iter()
                        .filter(|t| !t.is_empty())
                        .collect::<Vec<_>>()
                        .join(" ");
                    out.push((id, text));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}
