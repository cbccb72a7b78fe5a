//! Normalization: a draft as written (Markdown marks, non-breaking and thin spaces, soft hyphens,
//! zero-width characters, curly quotes, hard-wrapped paragraphs, CRLF) becomes the plain text the
//! narrative parser and the claim patterns read, with an [`OffsetMap`] from every position of that
//! text back to the bytes as written.
//!
//! Pipeline position: `source` (the file as read) -> here -> `narrative::parse` over the normalized
//! file -> claims and checks -> [`Normalized::restore`] moves every finding back to the file as
//! written, so spans, lines and columns are the writer's.
//!
//! A [`Builder`] makes the map from two operations in order: copy a range of the original, or
//! replace a range with other text (or with nothing). A reader of another format (a full Markdown
//! parser, HTML, docx) that writes its text through a Builder gets the same positions. [`plain`]
//! reads plain text with light Markdown; it knows text shapes only, and asks a [`LineShapes`] (the
//! narrative layout) which lines are headings, section titles or bullets in the house style.
//! Everything here is one pass over the text, and mapping a position is a binary search.

use std::ops::Range;
use std::sync::Arc;

use crate::diagnostic::{Diagnostic, Location};
use crate::source::SourceFile;

/// One stretch of the normalized text and the original bytes it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Piece {
    norm: usize,
    orig: usize,
    norm_len: usize,
    orig_len: usize,
    /// Copied byte for byte (a position inside maps to the same position inside); otherwise a
    /// replacement, whose inner positions map to its ends.
    copied: bool,
}

impl Piece {
    fn norm_end(&self) -> usize {
        self.norm + self.norm_len
    }
}

/// Positions of a normalized text -> positions of the original. The pieces cover the normalized
/// text in order; original bytes between two pieces were removed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OffsetMap {
    pieces: Vec<Piece>,
    orig_len: usize,
}

impl OffsetMap {
    /// The original position of a span's start at normalized offset `n`: inside a replacement,
    /// its first byte; past the end, the end of the last piece.
    pub fn start(&self, n: usize) -> usize {
        let i = self.pieces.partition_point(|p| p.norm_end() <= n);
        match self.pieces.get(i) {
            Some(p) if p.copied => p.orig + (n - p.norm),
            Some(p) => p.orig,
            None => self.pieces.last().map_or(0, |p| p.orig + p.orig_len),
        }
    }

    /// The original position of a span's end at normalized offset `n` (> 0): inside a
    /// replacement, its last byte's end.
    pub fn end(&self, n: usize) -> usize {
        if n == 0 {
            return self.start(0);
        }
        let i = self.pieces.partition_point(|p| p.norm_end() < n);
        match self.pieces.get(i) {
            Some(p) if p.copied => p.orig + (n - p.norm).min(p.orig_len),
            Some(p) => p.orig + p.orig_len,
            None => self.pieces.last().map_or(0, |p| p.orig + p.orig_len),
        }
    }

    /// The original span of a normalized span. An empty span stays empty; the end is never before
    /// the start.
    pub fn span(&self, r: Range<usize>) -> Range<usize> {
        let start = self.start(r.start).min(self.orig_len);
        if r.end <= r.start {
            return start..start;
        }
        let end = self.end(r.end).clamp(start, self.orig_len.max(start));
        start..end
    }
}

/// Writes a normalized text and its [`OffsetMap`], one operation at a time, in the order of the
/// original.
#[derive(Debug)]
pub struct Builder<'a> {
    original: &'a str,
    out: String,
    pieces: Vec<Piece>,
}

impl<'a> Builder<'a> {
    pub fn new(original: &'a str) -> Self {
        Builder {
            original,
            out: String::with_capacity(original.len()),
            pieces: Vec::new(),
        }
    }

    /// The normalized text written so far.
    pub fn text(&self) -> &str {
        &self.out
    }

    /// Copy `r` of the original as it is. Ranges off the text or off character boundaries are
    /// ignored (a reader bug must not become a panic).
    pub fn copy(&mut self, r: Range<usize>) {
        let Some(s) = self.original.get(r.clone()) else {
            return;
        };
        if s.is_empty() {
            return;
        }
        let norm = self.out.len();
        self.out.push_str(s);
        if let Some(last) = self.pieces.last_mut() {
            if last.copied && last.orig + last.orig_len == r.start {
                last.norm_len += s.len();
                last.orig_len += s.len();
                return;
            }
        }
        self.pieces.push(Piece {
            norm,
            orig: r.start,
            norm_len: s.len(),
            orig_len: s.len(),
            copied: true,
        });
    }

    /// Write `with` in place of `r` of the original (nothing, to remove it).
    pub fn replace(&mut self, r: Range<usize>, with: &str) {
        if with.is_empty() || self.original.get(r.clone()).is_none() {
            return;
        }
        self.pieces.push(Piece {
            norm: self.out.len(),
            orig: r.start,
            norm_len: with.len(),
            orig_len: r.len(),
            copied: false,
        });
        self.out.push_str(with);
    }

    /// The text and its map; `None` for the map when the text is the original unchanged.
    pub fn finish(self) -> (String, Option<OffsetMap>) {
        let unchanged = self.out == self.original;
        let map = OffsetMap {
            pieces: self.pieces,
            orig_len: self.original.len(),
        };
        (self.out, (!unchanged).then_some(map))
    }
}

/// A draft as written and the normalized text it is read as.
#[derive(Debug, Clone)]
pub struct Normalized {
    /// The file as written: what every finding points at in the end.
    pub original: Arc<SourceFile>,
    /// The normalized text under the original's name: what the parser reads. The same file as
    /// `original` when normalization changed nothing.
    pub file: Arc<SourceFile>,
    /// `None` when nothing changed.
    map: Option<OffsetMap>,
}

impl Normalized {
    /// A text that needs no normalization.
    pub fn unchanged(file: &Arc<SourceFile>) -> Normalized {
        Normalized {
            original: Arc::clone(file),
            file: Arc::clone(file),
            map: None,
        }
    }

    /// What a reader wrote through `builder` for the file `original`.
    pub fn from_builder(original: &Arc<SourceFile>, builder: Builder<'_>) -> Normalized {
        match builder.finish() {
            (_, None) => Normalized::unchanged(original),
            (text, Some(map)) => Normalized {
                original: Arc::clone(original),
                file: SourceFile::new(original.name.clone(), text),
                map: Some(map),
            },
        }
    }

    /// The original span of a span of the normalized text.
    pub fn span(&self, r: Range<usize>) -> Range<usize> {
        match &self.map {
            Some(m) => self.original.clamp(m.span(r)),
            None => r,
        }
    }

    /// 1-based line and column in the file as written of a normalized offset.
    pub fn line_col(&self, n: usize) -> (usize, usize) {
        self.original.line_col(self.span(n..n).start)
    }

    /// The line, as written, holding a normalized offset: its 1-based number and its text.
    pub fn line(&self, n: usize) -> (usize, &str) {
        let at = self.span(n..n).start;
        let (line, _) = self.original.line_col(at);
        (line, self.original.line_text(at))
    }

    /// Point every location in the normalized file (primary and related) at the file as written.
    pub fn restore(&self, diagnostics: &mut [Diagnostic]) {
        if self.map.is_none() {
            return;
        }
        let fix = |loc: &mut Location| {
            if Arc::ptr_eq(&loc.file, &self.file) {
                loc.span = self.span(loc.span.clone());
                loc.file = Arc::clone(&self.original);
            }
        };
        for d in diagnostics {
            if let Some(loc) = &mut d.location {
                fix(loc);
            }
            for (loc, _) in &mut d.related {
                fix(loc);
            }
        }
    }
}

/// How a line stands in the house style, as far as joining lines goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A heading, a title or a section title: never joined with the lines around it.
    Alone,
    /// A bullet item: starts a line of its own; an ordinary line after it continues it.
    Item,
    /// Prose: joined to the prose or item line before it.
    Text,
}

/// What [`plain`] needs to know of the narrative layout.
pub trait LineShapes {
    /// A line to keep exactly as written and on its own (a tool comment such as a suppression).
    fn verbatim(&self, line: &str) -> bool;
    /// The shape of a line, already cleaned of Markdown marks and odd characters, and trimmed.
    fn shape(&self, line: &str) -> Shape;
    /// The bullet a list item is written with, for formats whose lists carry no mark in their
    /// text (Word, HTML).
    fn bullet(&self) -> Option<&str> {
        None
    }
}

/// The shape of a line, as the joining of lines sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Blank,
    Verbatim,
    /// A line the layout has not been asked about yet: it is asked only when the line has a
    /// neighbour it could be joined with (most paragraphs are one line between blank lines).
    Unshaped,
    Shaped(Shape),
}

impl Kind {
    /// Whether the line could be joined with its neighbours, as far as is known without asking.
    fn may_join(self) -> bool {
        matches!(
            self,
            Kind::Unshaped | Kind::Shaped(Shape::Text | Shape::Item)
        )
    }

    /// The kind, asking the layout about an unshaped line (`text` cleaned).
    fn resolve(self, text: &str, shapes: &dyn LineShapes) -> Kind {
        if self != Kind::Unshaped {
            return self;
        }
        let cleaned = text.trim();
        match shapes.shape(cleaned) {
            Shape::Text if is_list_item(cleaned) => Kind::Shaped(Shape::Item),
            shape => Kind::Shaped(shape),
        }
    }
}

/// Read plain text or light Markdown: one pass over the lines.
///
/// - CRLF and a lone CR end a line like LF.
/// - Non-breaking, thin and other Unicode spaces and tabs become a space; soft hyphens and
///   zero-width characters go; curly quotes and apostrophes become `"` and `'`.
/// - Markdown: `#` heading marks, emphasis (`*x*`, `**x**`, `_x_`), links and images
///   (`[text](url)` -> `text`), backslash escapes, `>` quote marks and rules (`---`) are removed.
/// - The lines of one paragraph are joined with a space: a prose line joins the prose or bullet
///   line before it; blank lines, headings, titles, section titles and suppression comments are
///   never joined, and a bullet starts its own line.
pub fn plain(file: &Arc<SourceFile>, shapes: &dyn LineShapes) -> Normalized {
    let text = file.text.as_str();
    let mut b = Builder::new(text);
    let (mut line, mut prev_line) = (LineOut::default(), LineOut::default());
    // The previous line: its kind, the end of its body (where its trailing blanks start) and its
    // line break.
    let mut prev: Option<(Kind, usize, Range<usize>)> = None;
    for (content, brk) in lines(text) {
        let body = trim_blanks(text, content.clone());
        std::mem::swap(&mut line, &mut prev_line);
        line.clear();
        let mut kind = if body.is_empty() {
            Kind::Blank
        } else if shapes.verbatim(&text[body.clone()]) {
            Kind::Verbatim
        } else {
            read_line(text, body.clone(), &mut line)
        };
        match &mut prev {
            Some((pk, body_end, pbrk)) => {
                let mut join = false;
                if pk.may_join() && kind.may_join() {
                    *pk = pk.resolve(&prev_line.text, shapes);
                    kind = kind.resolve(&line.text, shapes);
                    join = matches!(pk, Kind::Shaped(Shape::Text | Shape::Item))
                        && kind == Kind::Shaped(Shape::Text);
                }
                if join {
                    b.replace(*body_end..body.start, " ");
                } else {
                    blanks(text, *body_end..pbrk.start, &mut b);
                    line_break(text, pbrk.clone(), &mut b);
                    blanks(text, content.start..body.start, &mut b);
                }
            }
            None => blanks(text, content.start..body.start, &mut b),
        }
        match kind {
            Kind::Verbatim => b.copy(body.clone()),
            _ => line.emit(&mut b),
        }
        prev = Some((kind, body.end, brk));
    }
    if let Some((_, body_end, brk)) = prev {
        blanks(text, body_end..brk.start, &mut b);
        line_break(text, brk, &mut b);
    }
    Normalized::from_builder(file, b)
}

/// Read a document laid out one paragraph per line (Word, HTML): each line is a block of its
/// own (the line breaks become blank lines), its characters cleaned as in [`plain`], its ends
/// trimmed; no Markdown is read. A byte at one of `splits` (the space before a footnote) also
/// becomes a blank line, so the footnote is a paragraph of its own on its paragraph's line.
pub fn blocks(file: &Arc<SourceFile>, splits: &[usize]) -> Normalized {
    let text = file.text.as_str();
    let mut b = Builder::new(text);
    for (content, brk) in lines(text) {
        let body = trim_blanks(text, content);
        let mut from = body.start;
        for &at in splits.iter().filter(|&&at| body.contains(&at)) {
            blanks(text, from..at, &mut b);
            b.replace(at..at + 1, "\n\n");
            from = at + 1;
        }
        blanks(text, from..body.end, &mut b);
        if !brk.is_empty() {
            b.replace(brk, "\n\n");
        }
    }
    Normalized::from_builder(file, b)
}

/// The lines of a text: (content, line break) ranges; the break is empty on a last line without
/// one. LF, CRLF and a lone CR each end a line.
fn lines(text: &str) -> impl Iterator<Item = (Range<usize>, Range<usize>)> + '_ {
    let bytes = text.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || {
        if at >= bytes.len() {
            return None;
        }
        let start = at;
        let mut i = start;
        while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
            i += 1;
        }
        let brk_end = match (bytes.get(i), bytes.get(i + 1)) {
            (Some(b'\r'), Some(b'\n')) => i + 2,
            (Some(_), _) => i + 1,
            (None, _) => i,
        };
        at = brk_end;
        Some((start..i, i..brk_end))
    })
}

/// Characters that are white space or invisible: trimmed from line ends.
fn is_blank(c: char) -> bool {
    c.is_whitespace() || matches!(clean_char(c), Some(""))
}

fn trim_blanks(text: &str, r: Range<usize>) -> Range<usize> {
    let s = &text[r.clone()];
    let t = s.trim_start_matches(is_blank);
    let start = r.start + (s.len() - t.len());
    let t = t.trim_end_matches(is_blank);
    start..start + t.len()
}

/// What a character becomes: `None` when kept, else its replacement (empty: removed).
pub(crate) fn clean_char(c: char) -> Option<&'static str> {
    match c {
        '\t'
        | '\u{a0}'
        | '\u{1680}'
        | '\u{2000}'..='\u{200a}'
        | '\u{2028}'
        | '\u{2029}'
        | '\u{202f}'
        | '\u{205f}'
        | '\u{3000}' => Some(" "),
        '\u{ad}' | '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}' => Some(""),
        '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}' => Some("'"),
        '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{201f}' => Some("\""),
        _ => None,
    }
}

/// Blanks between lines, kept where lines are not joined (cleaned like any character).
fn blanks(text: &str, r: Range<usize>, b: &mut Builder<'_>) {
    let Some(s) = text.get(r.clone()) else {
        return;
    };
    for (i, c) in s.char_indices() {
        let at = r.start + i;
        match clean_char(c) {
            None => b.copy(at..at + c.len_utf8()),
            Some(with) => b.replace(at..at + c.len_utf8(), with),
        }
    }
}

fn line_break(text: &str, r: Range<usize>, b: &mut Builder<'_>) {
    match text.get(r.clone()) {
        Some("\n") => b.copy(r),
        Some("") | None => {}
        Some(_) => b.replace(r, "\n"),
    }
}

/// One line's operations, and the text they write (which the layout classifies).
#[derive(Debug, Default)]
struct LineOut {
    ops: Vec<(Range<usize>, Option<&'static str>)>,
    text: String,
}

impl LineOut {
    fn clear(&mut self) {
        self.ops.clear();
        self.text.clear();
    }

    fn copy(&mut self, src: &str, r: Range<usize>) {
        let Some(s) = src.get(r.clone()) else {
            return;
        };
        self.text.push_str(s);
        match self.ops.last_mut() {
            Some((last, None)) if last.end == r.start => last.end = r.end,
            _ => self.ops.push((r, None)),
        }
    }

    fn replace(&mut self, r: Range<usize>, with: &'static str) {
        self.text.push_str(with);
        self.ops.push((r, Some(with)));
    }

    fn char(&mut self, src: &str, at: usize, c: char) {
        let r = at..at + c.len_utf8();
        match clean_char(c) {
            None => self.copy(src, r),
            Some(with) => self.replace(r, with),
        }
    }

    fn emit(&self, b: &mut Builder<'_>) {
        for (r, with) in &self.ops {
            match with {
                None => b.copy(r.clone()),
                Some(w) => b.replace(r.clone(), w),
            }
        }
    }
}

/// Clean one non-blank line's body (Markdown block marks, then inline marks and characters)
/// into `out`, and say what kind of line it is, as far as Markdown tells.
fn read_line(text: &str, body: Range<usize>, out: &mut LineOut) -> Kind {
    let s = &text[body.clone()];
    if is_rule(s) {
        out.replace(body, "");
        return Kind::Blank;
    }
    let mut inner = body.clone();
    let mut heading = false;
    if let Some(marks) = atx_marks(s) {
        heading = true;
        let rest = &s[marks..];
        let lead = rest.len() - rest.trim_start().len();
        out.replace(body.start..body.start + marks + lead, "");
        inner.start = body.start + marks + lead;
        // A closing sequence: ` ##` at the end.
        let t = &text[inner.clone()];
        let closing = t.trim_end_matches('#');
        if closing.len() < t.len() && (closing.is_empty() || closing.ends_with([' ', '\t'])) {
            inner.end = inner.start + closing.trim_end().len();
        }
    } else if let Some(rest) = s.strip_prefix('>') {
        let lead = 1 + rest.len() - rest.trim_start().len();
        out.replace(body.start..body.start + lead, "");
        inner.start = body.start + lead;
    }
    inline(text, inner.clone(), out);
    if inner.end < body.end {
        out.replace(inner.end..body.end, "");
    }
    if heading {
        Kind::Shaped(Shape::Alone)
    } else if out.text.trim().is_empty() {
        Kind::Blank
    } else {
        Kind::Unshaped
    }
}

/// `#` to `######` followed by a space or nothing: the marks' length.
fn atx_marks(s: &str) -> Option<usize> {
    let n = s.len() - s.trim_start_matches('#').len();
    let rest = &s[n..];
    ((1..=6).contains(&n) && (rest.is_empty() || rest.starts_with([' ', '\t']))).then_some(n)
}

/// A thematic break or a setext underline: three or more of one of `-`, `*`, `_`, `=` (spaces
/// between allowed) and nothing else.
fn is_rule(s: &str) -> bool {
    let mut marks = s.chars().filter(|c| !matches!(c, ' ' | '\t'));
    let Some(first) = marks.next() else {
        return false;
    };
    matches!(first, '-' | '*' | '_' | '=')
        && marks.clone().all(|c| c == first)
        && marks.count() >= 2
}

/// A Markdown list item: `-`, `*`, `+` or `1.`/`1)` followed by a space.
fn is_list_item(s: &str) -> bool {
    let digits = s.len() - s.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let rest = &s[digits..];
    let rest = match digits {
        0 => rest.strip_prefix(['-', '*', '+']),
        1..=9 => rest.strip_prefix(['.', ')']),
        _ => None,
    };
    rest.is_some_and(|r| r.starts_with([' ', '\t']))
}

/// A token of a line being cleaned: a character kept or replaced, text removed, or a run of
/// emphasis marks whose use is decided once the line is read.
#[derive(Debug)]
enum Tok {
    Char(usize, char),
    /// A character written as is, whatever it is (after a backslash).
    Literal(usize, char),
    Remove(Range<usize>),
    Run {
        at: usize,
        len: usize,
        mark: char,
        open: bool,
        close: bool,
        /// Marks removed at the front (closing an earlier run) and at the back (opening a later one).
        front: usize,
        back: usize,
    },
}

/// Inline Markdown of one line: backslash escapes, links and images, emphasis; every other
/// character through [`clean_char`]. Linear: brackets are matched with a stack, emphasis with one
/// stack per mark.
fn inline(text: &str, r: Range<usize>, out: &mut LineOut) {
    let s = &text[r.clone()];
    // Most lines hold no mark: each character is itself or cleaned, as below, without the
    // tokens; the runs between characters to clean (none in plain ASCII) are copied whole.
    if !s
        .bytes()
        .any(|b| matches!(b, b'*' | b'_' | b'[' | b'\\' | b'\t'))
    {
        let mut from = r.start;
        for (i, c) in s.char_indices().filter(|(_, c)| !c.is_ascii()) {
            if let Some(with) = clean_char(c) {
                let at = r.start + i;
                if from < at {
                    out.copy(text, from..at);
                }
                out.replace(at..at + c.len_utf8(), with);
                from = at + c.len_utf8();
            }
        }
        if from < r.end {
            out.copy(text, from..r.end);
        }
        return;
    }
    let chars: Vec<(usize, char)> = s.char_indices().map(|(i, c)| (r.start + i, c)).collect();
    let n = chars.len();
    let escaped = |i: usize| i > 0 && chars[i - 1].1 == '\\' && chars[i].1.is_ascii_punctuation();
    // Matching brackets and parentheses (by char index), escaped ones left out.
    let mut partner = vec![usize::MAX; n];
    let (mut squares, mut rounds) = (Vec::new(), Vec::new());
    let mut i = 0;
    while i < n {
        if chars[i].1 == '\\' && i + 1 < n && chars[i + 1].1.is_ascii_punctuation() {
            i += 2;
            continue;
        }
        match chars[i].1 {
            '[' => squares.push(i),
            ']' => {
                if let Some(o) = squares.pop() {
                    partner[o] = i;
                    partner[i] = o;
                }
            }
            '(' => rounds.push(i),
            ')' => {
                if let Some(o) = rounds.pop() {
                    partner[o] = i;
                    partner[i] = o;
                }
            }
            _ => {}
        }
        i += 1;
    }
    // `[text](dest)`: the index of `]` and of the closing `)`.
    let link_at = |i: usize| -> Option<(usize, usize)> {
        if chars[i].1 != '[' || escaped(i) {
            return None;
        }
        let close = partner[i];
        if close == usize::MAX || close + 1 >= n || chars[close + 1].1 != '(' {
            return None;
        }
        let end = partner[close + 1];
        (end != usize::MAX).then_some((close, end))
    };

    let mut toks: Vec<Tok> = Vec::with_capacity(n);
    let mut link_ends: Vec<(usize, usize)> = Vec::new();
    let byte_end = |i: usize| chars.get(i).map_or(r.end, |&(b, _)| b);
    let mut i = 0;
    while i < n {
        let (at, c) = chars[i];
        if let Some(&(close, end)) = link_ends.last() {
            if i == close {
                link_ends.pop();
                toks.push(Tok::Remove(at..byte_end(end + 1)));
                i = end + 1;
                continue;
            }
        }
        if c == '\\' && i + 1 < n && chars[i + 1].1.is_ascii_punctuation() {
            toks.push(Tok::Remove(at..at + 1));
            toks.push(Tok::Literal(chars[i + 1].0, chars[i + 1].1));
            i += 2;
            continue;
        }
        let image = c == '!' && i + 1 < n && link_at(i + 1).is_some();
        if let Some((close, end)) = link_at(i).or_else(|| if image { link_at(i + 1) } else { None })
        {
            let open_end = if image { i + 2 } else { i + 1 };
            toks.push(Tok::Remove(at..byte_end(open_end)));
            link_ends.push((close, end));
            i = open_end;
            continue;
        }
        if c == '*' || c == '_' {
            let mut j = i;
            while j < n && chars[j].1 == c {
                j += 1;
            }
            let before = if i == 0 { ' ' } else { chars[i - 1].1 };
            let after = chars.get(j).map_or(' ', |&(_, a)| a);
            let (open, close) = flanking(c, before, after);
            toks.push(Tok::Run {
                at,
                len: j - i,
                mark: c,
                open,
                close,
                front: 0,
                back: 0,
            });
            i = j;
            continue;
        }
        toks.push(Tok::Char(at, c));
        i += 1;
    }

    match_emphasis(&mut toks);

    for t in &toks {
        match *t {
            Tok::Char(at, c) => out.char(text, at, c),
            Tok::Literal(at, c) => out.copy(text, at..at + c.len_utf8()),
            Tok::Remove(ref range) => out.replace(range.clone(), ""),
            Tok::Run {
                at,
                len,
                front,
                back,
                ..
            } => {
                // Marks are ASCII: one byte each.
                if front > 0 {
                    out.replace(at..at + front, "");
                }
                out.copy(text, at + front..at + len - back);
                if back > 0 {
                    out.replace(at + len - back..at + len, "");
                }
            }
        }
    }
}

/// Whether a run of `mark` between `before` and `after` can open and close emphasis (CommonMark's
/// flanking rules; `_` does not work inside a word).
fn flanking(mark: char, before: char, after: char) -> (bool, bool) {
    let punct = |c: char| c.is_ascii_punctuation() || (!c.is_alphanumeric() && !c.is_whitespace());
    let left = !after.is_whitespace() && (!punct(after) || before.is_whitespace() || punct(before));
    let right =
        !before.is_whitespace() && (!punct(before) || after.is_whitespace() || punct(after));
    if mark == '_' {
        (
            left && (!right || punct(before)),
            right && (!left || punct(after)),
        )
    } else {
        (left, right)
    }
}

/// Pair closing runs with the nearest open run of the same mark; the paired marks are removed.
fn match_emphasis(toks: &mut [Tok]) {
    // Open runs: (token index, marks left).
    let mut stacks: [Vec<(usize, usize)>; 2] = [Vec::new(), Vec::new()];
    for k in 0..toks.len() {
        let Tok::Run {
            len,
            mark,
            open,
            close,
            ..
        } = toks[k]
        else {
            continue;
        };
        let stack = &mut stacks[usize::from(mark == '_')];
        let mut left = len;
        if close {
            while left > 0 {
                let Some((o, o_left)) = stack.last_mut() else {
                    break;
                };
                let m = (*o_left).min(left);
                *o_left -= m;
                left -= m;
                let o = *o;
                if let Tok::Run { back, .. } = &mut toks[o] {
                    *back += m;
                }
                if let Tok::Run { front, .. } = &mut toks[k] {
                    *front += m;
                }
                if stack.last().is_some_and(|(_, l)| *l == 0) {
                    stack.pop();
                }
            }
        }
        if open && left > 0 {
            stack.push((k, left));
        }
    }
}

#[cfg(test)]
#[allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    /// Headings are lines that start with `Heading`, bullets `•`; comment lines are verbatim.
    struct Shapes;

    impl LineShapes for Shapes {
        fn verbatim(&self, line: &str) -> bool {
            line.starts_with("<!--") || line.starts_with("# keep")
        }
        fn shape(&self, line: &str) -> Shape {
            if line.starts_with("Heading") {
                Shape::Alone
            } else if line.starts_with("• ") {
                Shape::Item
            } else {
                Shape::Text
            }
        }
    }

    fn norm(text: &str) -> Normalized {
        plain(&SourceFile::new("t.md", text), &Shapes)
    }

    /// (original, normalized, a needle of the normalized text, the original text it maps to).
    const CASES: &[(&str, &str, &str, &str)] = &[
        ("plain text\n", "plain text\n", "text", "text"),
        ("The **15** cases", "The 15 cases", "15", "15"),
        ("The *15* cases", "The 15 cases", "15 cases", "15* cases"),
        ("a __bold__ and _it_ word", "a bold and it word", "it", "it"),
        ("***both*** ends", "both ends", "both", "both"),
        (
            "snake_case_name and 2*3",
            "snake_case_name and 2*3",
            "case",
            "case",
        ),
        (
            "15 [cases](https://x.org/a_(b)) here",
            "15 cases here",
            "cases here",
            "cases](https://x.org/a_(b)) here",
        ),
        ("see ![a map](m.png) now", "see a map now", "a map", "a map"),
        (
            "[Writer: fill in] (soon)",
            "[Writer: fill in] (soon)",
            "[Writer",
            "[Writer",
        ),
        (
            "an \\*escaped\\* star",
            "an *escaped* star",
            "*escaped*",
            "*escaped\\*",
        ),
        (
            "15\u{a0}trafficking cases",
            "15 trafficking cases",
            "15 trafficking",
            "15\u{a0}trafficking",
        ),
        (
            "1\u{202f}600 and 2\u{2009}000\u{2007}",
            "1 600 and 2 000 ",
            "2 000",
            "2\u{2009}000",
        ),
        (
            "traf\u{ad}fick\u{200b}ing",
            "trafficking",
            "trafficking",
            "traf\u{ad}fick\u{200b}ing",
        ),
        (
            "the \u{201c}victim\u{2019}s\u{201d} word",
            "the \"victim's\" word",
            "victim's",
            "victim\u{2019}s",
        ),
        ("one\r\ntwo\r\n\r\nthree", "one two\n\nthree", "two", "two"),
        (
            "one\rtwo\r\rthree\r",
            "one two\n\nthree\n",
            "three",
            "three",
        ),
        (
            "a wrapped  \n   paragraph line\n",
            "a wrapped paragraph line\n",
            "wrapped paragraph",
            "wrapped  \n   paragraph",
        ),
        (
            "Heading one\nThe text\nwraps here\n",
            "Heading one\nThe text wraps here\n",
            "text wraps",
            "text\nwraps",
        ),
        (
            "text before\nHeading two\nafter\n",
            "text before\nHeading two\nafter\n",
            "after",
            "after",
        ),
        (
            "• first item\ncontinued\n• second\n",
            "• first item continued\n• second\n",
            "second",
            "second",
        ),
        (
            "- one\n- two\n1. three\n",
            "- one\n- two\n1. three\n",
            "two",
            "two",
        ),
        (
            "## Prosecution ##\nThe text",
            "Prosecution\nThe text",
            "Prosecution",
            "Prosecution",
        ),
        (
            "# keep: me **as is**\nnext",
            "# keep: me **as is**\nnext",
            "**as",
            "**as",
        ),
        (
            "<!-- a comment -->\nnext line\n",
            "<!-- a comment -->\nnext line\n",
            "next",
            "next",
        ),
        (
            "> quoted line\n---\nafter\n",
            "quoted line\n\nafter\n",
            "after",
            "after",
        ),
        ("\u{feff}\u{a0}\n\nText", " \n\nText", "Text", "Text"),
    ];

    #[test]
    fn each_case_normalizes_and_maps_back_to_its_original_bytes() {
        for (original, normalized, needle, mapped) in CASES {
            let n = norm(original);
            assert_eq!(n.file.text, *normalized, "normalizing {original:?}");
            let at = n
                .file
                .text
                .find(needle)
                .expect("needle in the normalized text");
            let span = n.span(at..at + needle.len());
            assert_eq!(
                &original[span.clone()],
                *mapped,
                "{needle:?} of {original:?} mapped to {span:?}"
            );
        }
    }

    #[test]
    fn unchanged_text_is_the_same_file() {
        let n = norm("Heading\nplain\n\nprose.\n");
        assert!(Arc::ptr_eq(&n.file, &n.original));
        assert_eq!(n.span(3..9), 3..9);
    }

    #[test]
    fn lines_and_columns_are_those_of_the_original() {
        let n = norm("Heading\r\nThe **first**\r\nline has 15\u{a0}cases\r\n");
        let at = n.file.text.find("15").unwrap();
        assert_eq!(n.line_col(at), (3, 10));
        assert_eq!(n.line(at), (3, "line has 15\u{a0}cases"));
    }

    #[test]
    fn restore_moves_primary_and_related_spans_of_the_normalized_file_only() {
        let n = norm("The **15** cases\n");
        let other = SourceFile::new("facts.yaml", "x: 1\n");
        let at = n.file.text.find("15").unwrap();
        let mut ds = vec![Diagnostic::error("c", "m")
            .at(&n.file, at..at + 2)
            .with_related(&n.file, 0..3, "start")
            .with_related(&other, 0..1, "fact")];
        n.restore(&mut ds);
        let loc = ds[0].location.as_ref().unwrap();
        assert!(Arc::ptr_eq(&loc.file, &n.original));
        assert_eq!(&n.original.text[loc.span.clone()], "15");
        assert!(Arc::ptr_eq(&ds[0].related[0].0.file, &n.original));
        assert!(Arc::ptr_eq(&ds[0].related[1].0.file, &other));
    }

    proptest::proptest! {
        #[test]
        fn any_text_normalizes_and_maps_onto_char_boundaries(
            text in "(\\PC|[\\*_\\[\\]\\(\\)!#>\\\\ \u{a0}\u{ad}\u{200b}\u{2019}\r\n•-])*"
        ) {
            let n = norm(&text);
            let t = &n.file.text;
            let mut last = 0;
            for at in (0..=t.len()).filter(|&i| t.is_char_boundary(i)) {
                let (r, head) = (n.span(at..t.len()), n.span(0..at));
                proptest::prop_assert!(r.start <= r.end && r.end <= text.len());
                proptest::prop_assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
                proptest::prop_assert!(head.end <= text.len() && text.is_char_boundary(head.end));
                proptest::prop_assert!(r.start >= last, "positions go forward");
                last = r.start;
            }
        }
    }
}
