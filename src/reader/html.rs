//! A saved web page (`.html`, `.htm`), as the published narratives are: the text of its main
//! content (`<main>`, else `<article>`, else `role="main"`, else `<body>`), without navigation,
//! headers, footers, scripts and styles; each block element (paragraph, heading, list item,
//! table cell) a paragraph of its own, white space collapsed, entities decoded.
//!
//! Read with `scraper` (html5ever, the HTML5 parsing algorithm browsers use): a saved page is
//! rarely well-formed XML (`<br>`, `<meta>`, unclosed `<p>`), so an XML reader does not suffice.
//! A finding's line is the number of the paragraph in this reading.

use scraper::{ElementRef, Html as Page, Node, Selector};

use crate::diagnostic::Diagnostic;
use crate::normalize::{LineShapes, Normalized};

use super::{Paragraph, Reader};

pub struct Html;

impl Reader for Html {
    fn read(
        &self,
        name: &str,
        bytes: Vec<u8>,
        shapes: &dyn LineShapes,
        _limit: u64,
    ) -> Result<Normalized, Diagnostic> {
        let file = super::text_file(name, bytes)?;
        let page = Page::parse_document(&file.text);
        let root = ["main", "article", "[role=main]", "body"]
            .iter()
            .filter_map(|s| Selector::parse(s).ok())
            .find_map(|s| page.select(&s).next())
            .unwrap_or_else(|| page.root_element());
        let mut out = Blocks::default();
        out.walk(root);
        out.flush();
        Ok(super::paragraphs(name, &out.paras, shapes))
    }
}

/// Elements whose text is not the narrative's.
const LEFT_OUT: &[&str] = &[
    "script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form",
    "button", "svg", "iframe", "select", "head", "title",
];

/// Elements that start and end a paragraph.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "blockquote",
    "pre",
    "table",
    "tr",
    "td",
    "th",
    "dl",
    "dt",
    "dd",
    "figure",
    "figcaption",
    "hr",
    "address",
];

#[derive(Default)]
struct Blocks {
    paras: Vec<Paragraph>,
    current: String,
    item: bool,
}

impl Blocks {
    fn flush(&mut self) {
        let text = std::mem::take(&mut self.current);
        let text = text.trim();
        if !text.is_empty() {
            self.paras.push(Paragraph {
                text: text.to_string(),
                item: self.item,
                notes: Vec::new(),
            });
            self.item = false;
        }
    }

    fn walk(&mut self, el: ElementRef<'_>) {
        for child in el.children() {
            match child.value() {
                Node::Text(t) => {
                    // White space collapses to one space, as a browser shows it.
                    for (i, word) in t.split(|c: char| c.is_ascii_whitespace()).enumerate() {
                        if i > 0 && !self.current.ends_with(' ') {
                            self.current.push(' ');
                        }
                        self.current.push_str(word);
                    }
                }
                Node::Element(e) => {
                    let name = e.name();
                    if LEFT_OUT.contains(&name) {
                        continue;
                    }
                    let Some(child_el) = ElementRef::wrap(child) else {
                        continue;
                    };
                    if name == "br" {
                        self.current.push(' ');
                    } else if BLOCKS.contains(&name) {
                        self.flush();
                        if name == "li" {
                            self.item = true;
                        }
                        self.walk(child_el);
                        self.flush();
                    } else {
                        self.walk(child_el);
                    }
                }
                _ => {}
            }
        }
    }
}
