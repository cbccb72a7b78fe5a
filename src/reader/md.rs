//! Markdown read as Markdown (pulldown-cmark): headings are lines of their own (the layout then
//! finds titles and section titles in them), emphasis, links, code and lists are their text,
//! bullets keep their mark; every position maps back to the Markdown source.

use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use crate::diagnostic::Diagnostic;
use crate::normalize::{clean_char, Builder, LineShapes, Normalized, Shape};

use super::Reader;

pub struct Markdown;

impl Reader for Markdown {
    fn read(
        &self,
        name: &str,
        bytes: Vec<u8>,
        shapes: &dyn LineShapes,
        _limit: u64,
    ) -> Result<Normalized, Diagnostic> {
        let file = super::text_file(name, bytes)?;
        let src = file.text.as_str();
        let mut b = Builder::new(src);
        // Inside a heading written verbatim (a suppression comment in heading form): skip.
        let mut verbatim_heading = false;
        for (event, range) in Parser::new(src).into_offset_iter() {
            match event {
                Event::Start(Tag::Heading { .. }) => {
                    let line = src.get(range.clone()).unwrap_or("").trim();
                    if shapes.verbatim(line) {
                        b.copy(trim(src, range));
                        verbatim_heading = true;
                    }
                }
                Event::End(TagEnd::Heading(_)) => {
                    verbatim_heading = false;
                    end_block(&mut b, range.end);
                }
                _ if verbatim_heading => {}
                Event::Start(Tag::Item) => {
                    // The list mark as written (`-`, `*`, `1.`), and one space.
                    let s = src.get(range.clone()).unwrap_or("");
                    let mark = s.find(char::is_whitespace).unwrap_or(s.len());
                    b.copy(range.start..range.start + mark);
                    b.replace(range.start + mark..range.start + mark, " ");
                }
                Event::End(TagEnd::Item | TagEnd::Paragraph | TagEnd::CodeBlock) => {
                    end_block(&mut b, range.end);
                }
                Event::Text(t) | Event::Code(t) => text(&mut b, src, range, &t),
                // A suppression comment is kept as written, on its own; other HTML is markup.
                Event::Html(h) | Event::InlineHtml(h) if shapes.verbatim(h.trim()) => {
                    end_block(&mut b, range.start);
                    b.copy(trim(src, range.clone()));
                    end_block(&mut b, range.end);
                }
                Event::SoftBreak => {
                    // A line break inside a paragraph joins the lines, unless one of them is a
                    // title or a bullet in the house style.
                    let before = line_around(src, range.start, true);
                    let after = line_around(src, range.end, false);
                    let alone = |l: &str| shapes.shape(l.trim()) != Shape::Text;
                    let with = if alone(before) || alone(after) {
                        "\n"
                    } else {
                        " "
                    };
                    b.replace(range, with);
                }
                Event::HardBreak => b.replace(range, " "),
                Event::Rule => end_block(&mut b, range.end),
                _ => {}
            }
        }
        Ok(Normalized::from_builder(&file, b))
    }
}

/// A block ends: a blank line, unless one was just written.
fn end_block(b: &mut Builder<'_>, at: usize) {
    if !b.text().is_empty() && !b.text().ends_with("\n\n") {
        let with = if b.text().ends_with('\n') {
            "\n"
        } else {
            "\n\n"
        };
        b.replace(at..at, with);
    }
}

/// A text event: copied character by character (cleaned) where the source holds it as it is,
/// else written in place of its source (an entity, an escape).
fn text(b: &mut Builder<'_>, src: &str, range: Range<usize>, t: &str) {
    match src.get(range.clone()) {
        Some(s) if s == t => {
            for (i, c) in s.char_indices() {
                let at = range.start + i;
                match clean_char(c) {
                    None => b.copy(at..at + c.len_utf8()),
                    Some(with) => b.replace(at..at + c.len_utf8(), with),
                }
            }
        }
        _ => {
            let cleaned: String = t
                .chars()
                .map(|c| clean_char(c).map_or_else(|| c.to_string(), str::to_string))
                .collect();
            b.replace(range, &cleaned);
        }
    }
}

fn trim(src: &str, r: Range<usize>) -> Range<usize> {
    let s = src.get(r.clone()).unwrap_or("");
    let start = r.start + (s.len() - s.trim_start().len());
    start..start + s.trim().len()
}

/// The source line ending at (`before`) or starting at a position.
fn line_around(src: &str, at: usize, before: bool) -> &str {
    if before {
        let head = src.get(..at).unwrap_or("");
        let head = head.trim_end_matches(['\n', '\r']);
        head.rsplit('\n').next().unwrap_or("")
    } else {
        let tail = src.get(at..).unwrap_or("");
        tail.split('\n').next().unwrap_or("")
    }
}
