//! The one finding model: every input error, rule problem and narrative finding is a
//! [`Diagnostic`] with a stable code, a severity, a message, an optional help and a location.
//!
//! Renderers (human via miette, JSON, SARIF) only read diagnostics; they compute nothing.
//! Output order is fixed by [`sort`], so the same inputs always print the same bytes.

use std::fmt;
use std::io::IsTerminal;
use std::ops::Range;
use std::sync::Arc;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};
use serde::Serialize;

use crate::source::{escape_controls, SourceFile};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

impl std::str::FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "error" => Ok(Severity::Error),
            "warning" => Ok(Severity::Warning),
            "info" => Ok(Severity::Info),
            other => Err(format!("unknown severity `{other}`")),
        }
    }
}

/// Where a diagnostic points: a file and a byte span in it.
#[derive(Debug, Clone)]
pub struct Location {
    pub file: Arc<SourceFile>,
    pub span: Range<usize>,
}

/// One problem, rule finding or narrative finding.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// Stable kebab-case id of what is detected (public API: never reused).
    pub code: String,
    pub severity: Severity,
    /// Lowercase start, no trailing period, user values in backticks.
    pub message: String,
    pub help: Option<String>,
    pub location: Option<Location>,
    /// Short text under the underlined span.
    pub label: Option<String>,
    /// Further places that explain this one (e.g. the first of two duplicates).
    pub related: Vec<(Location, String)>,
    /// The edit that resolves it, when the rule that found it gives one (`check --fix`).
    pub fix: Option<Fix>,
}

/// An edit of a finding's own span: its text, as the check read it, becomes `replacement`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    /// The text the check matched; the edit applies only where the file still reads so.
    pub matched: String,
    pub replacement: String,
    /// `safe` fixes are applied by `--fix`; the others only with `--unsafe-fixes`.
    pub safe: bool,
}

impl Diagnostic {
    pub fn new(code: impl Into<String>, severity: Severity, message: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            severity,
            message: message.into(),
            help: None,
            location: None,
            label: None,
            related: Vec::new(),
            fix: None,
        }
    }

    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    pub fn error(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Error, message)
    }

    pub fn warning(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Warning, message)
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn at(mut self, file: &Arc<SourceFile>, span: Range<usize>) -> Self {
        let span = file.clamp(span);
        self.location = Some(Location {
            file: Arc::clone(file),
            span,
        });
        self
    }

    pub fn with_related(
        mut self,
        file: &Arc<SourceFile>,
        span: Range<usize>,
        label: impl Into<String>,
    ) -> Self {
        let span = file.clamp(span);
        self.related.push((
            Location {
                file: Arc::clone(file),
                span,
            },
            label.into(),
        ));
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// File name, or empty when the diagnostic is not tied to a file.
    pub fn file_name(&self) -> &str {
        self.location.as_ref().map_or("", |l| l.file.name.as_str())
    }

    /// 1-based (line, column, end_line, end_column); columns count characters.
    pub fn line_cols(&self) -> Option<(usize, usize, usize, usize)> {
        let loc = self.location.as_ref()?;
        let (line, column) = loc.file.line_col(loc.span.start);
        let (end_line, end_column) = loc.file.line_col(loc.span.end);
        Some((line, column, end_line, end_column))
    }

    /// The order of output: file, position, severity, code, message.
    pub fn sort_key(&self) -> (String, usize, usize, Severity, String, String) {
        let (start, end) = self
            .location
            .as_ref()
            .map_or((0, 0), |l| (l.span.start, l.span.end));
        (
            self.file_name().to_string(),
            start,
            end,
            self.severity,
            self.code.clone(),
            self.message.clone(),
        )
    }
}

/// Sort diagnostics by file, position, severity, code and message, and drop exact repeats.
pub fn sort(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by_cached_key(Diagnostic::sort_key);
    diagnostics.dedup_by(|a, b| a.sort_key() == b.sort_key());
}

/// Counts of a set of diagnostics by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Summary {
    pub fn of(diagnostics: &[Diagnostic]) -> Self {
        let mut s = Summary::default();
        for d in diagnostics {
            match d.severity {
                Severity::Error => s.errors += 1,
                Severity::Warning => s.warnings += 1,
                Severity::Info => s.infos += 1,
            }
        }
        s
    }
}

/// A `miette::Diagnostic` view of one of ours, for the graphical renderer.
struct MietteView<'a> {
    diag: &'a Diagnostic,
    source: Option<Windowed<'a>>,
}

/// Longest source line shown whole; a longer one (a narrative paragraph is one line) is shown
/// as a window around the span.
const WINDOW_LINE: usize = 160;
/// Characters kept on each side of the span in a window.
const WINDOW_MARGIN: usize = 60;

/// A file's text for the renderer, showing a window of a long line instead of all of it, with
/// control characters masked ([`SourceFile::display_text`]). Lines are found with the file's line
/// index: a snippet costs the lines it shows, never a scan from the start of the file.
struct Windowed<'a> {
    name: String,
    file: &'a SourceFile,
    text: &'a str,
}

impl Windowed<'_> {
    /// miette's reading of a span with context lines, started at the first line it shows rather
    /// than at the start of the file, with lines counted as from the start.
    fn near<'b>(
        &'b self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<MietteSpanContents<'b>, MietteError> {
        let offset = span.offset().min(self.text.len());
        let (line, _) = self.file.line_index(offset);
        let first = line.saturating_sub(before);
        let from = self.file.line_start(first).min(offset);
        let shifted = SourceSpan::from((span.offset() - from, span.len()));
        let c = self.text[from..].read_span(&shifted, before, after)?;
        Ok(MietteSpanContents::new(
            c.data(),
            (c.span().offset() + from, c.span().len()).into(),
            c.line() + first,
            c.column(),
            c.line_count() + first,
        ))
    }
}

impl SourceCode for Windowed<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        // miette counts the column in bytes; ours count characters, in every output format
        // (through the line index: no rescan from the start of the file).
        let char_column = |offset: usize| {
            let offset = offset.min(self.text.len());
            let (_, line_start) = self.file.line_index(offset);
            self.text
                .get(line_start.min(offset)..offset)
                .map_or(0, |s| s.chars().count())
        };
        let named = |c: MietteSpanContents<'b>| -> Box<dyn SpanContents<'b> + 'b> {
            Box::new(MietteSpanContents::new_named(
                self.name.clone(),
                c.data(),
                *c.span(),
                c.line(),
                char_column(c.span().offset()),
                c.line_count(),
            ))
        };
        if span.offset() > self.text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let plain = self.near(span, before, after)?;
        let (start, end) = (span.offset(), span.offset() + span.len());
        // A span outside the text or inside a character cannot be windowed: as it is.
        if end > self.text.len()
            || !self.text.is_char_boundary(start)
            || !self.text.is_char_boundary(end)
        {
            return Ok(named(plain));
        }
        let (line, line_start) = self.file.line_index(start);
        let (end_line, _) = self.file.line_index(end);
        let line_end = {
            let next = self.file.line_start(end_line + 1);
            let mut e = next.max(end);
            while e > end && matches!(self.text.as_bytes()[e - 1], b'\n' | b'\r') {
                e -= 1;
            }
            e
        };
        // The place line of the header (no context), and short lines: as they are.
        if (before == 0 && after == 0) || line_end - line_start <= WINDOW_LINE {
            return Ok(named(plain));
        }
        // A window from a word boundary before the span to one after it, within its lines.
        let mut from = start.saturating_sub(WINDOW_MARGIN).max(line_start);
        while !self.text.is_char_boundary(from) {
            from -= 1;
        }
        if from > line_start {
            from = self.text[from..start]
                .find(' ')
                .map_or(start, |i| from + i + 1);
        }
        let mut to = (end + WINDOW_MARGIN).min(line_end);
        while !self.text.is_char_boundary(to) {
            to += 1;
        }
        if to < line_end {
            to = self.text[end..to].rfind(' ').map_or(end, |i| end + i);
        }
        let column = self.text[line_start..from].chars().count();
        let lines = end_line - line + 1;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            &self.text.as_bytes()[from..to],
            (from, to - from).into(),
            line,
            column,
            lines,
        )))
    }
}

impl fmt::Debug for MietteView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&escape_controls(&self.diag.message))
    }
}

impl fmt::Display for MietteView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&escape_controls(&self.diag.message))
    }
}

impl std::error::Error for MietteView<'_> {}

impl miette::Diagnostic for MietteView<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.diag.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diag.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diag
            .help
            .as_ref()
            .map(|h| Box::new(escape_controls(h)) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let loc = self.diag.location.as_ref()?;
        let mut labels = vec![LabeledSpan::new_primary_with_span(
            self.diag
                .label
                .as_deref()
                .map(|l| escape_controls(l).into_owned()),
            (loc.span.start, loc.span.end - loc.span.start),
        )];
        for (rel, text) in &self.diag.related {
            if Arc::ptr_eq(&rel.file, &loc.file) || rel.file.name == loc.file.name {
                labels.push(LabeledSpan::new_with_span(
                    Some(escape_controls(text).into_owned()),
                    (rel.span.start, rel.span.end - rel.span.start),
                ));
            }
        }
        Some(Box::new(labels.into_iter()))
    }
}

/// `--color`: when to colour human output.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour a terminal, not a pipe or a file
    #[default]
    Auto,
    Always,
    Never,
}

/// An output stream, whose colour is decided on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// How human output is drawn.
#[derive(Debug, Clone, Copy)]
pub struct HumanStyle {
    pub color: bool,
    pub width: usize,
}

impl HumanStyle {
    /// For standard error: colour only when it is a terminal and `NO_COLOR` is not set.
    pub fn detect() -> Self {
        Self::for_stream(ColorChoice::Auto, Stream::Stderr)
    }

    /// For one stream, as `--color` asks: `auto` colours only a terminal (and not with
    /// `NO_COLOR`), so no escape codes land in a redirected file.
    pub fn for_stream(choice: ColorChoice, stream: Stream) -> Self {
        let color = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                let terminal = match stream {
                    Stream::Stdout => std::io::stdout().is_terminal(),
                    Stream::Stderr => std::io::stderr().is_terminal(),
                };
                terminal && std::env::var_os("NO_COLOR").is_none()
            }
        };
        Self { color, width: 100 }
    }

    pub fn plain() -> Self {
        Self {
            color: false,
            width: 100,
        }
    }
}

/// Render one diagnostic as miette would print it: `file:line:col`, the span underlined, help below.
pub fn render_human(diag: &Diagnostic, style: HumanStyle) -> String {
    let source = diag.location.as_ref().map(|l| Windowed {
        name: escape_controls(&l.file.name).into_owned(),
        file: &l.file,
        text: l.file.display_text(),
    });
    let view = MietteView { diag, source };
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_links(false)
        .with_context_lines(1);
    let mut out = String::new();
    if handler.render_report(&mut out, &view).is_err() {
        out = format!(
            "{}: {}\n",
            diag.severity.as_str(),
            escape_controls(&diag.message)
        );
    }
    // A paragraph document's lines are paragraphs: `name:¶42:17`.
    if let (Some(loc), Some((line, column, _, _))) = (&diag.location, diag.line_cols()) {
        if loc.file.paragraphs {
            let plain = format!("{}:{line}:{column}", loc.file.name);
            out = out.replacen(&plain, &loc.file.place(line, column), 1);
        }
    }
    // Related places in other files are printed as plain notes.
    for (rel, text) in &diag.related {
        let same_file = diag
            .location
            .as_ref()
            .is_some_and(|l| l.file.name == rel.file.name);
        if !same_file {
            let (line, col) = rel.file.line_col(rel.span.start);
            out.push_str(&format!(
                "  note: {} at {}
",
                escape_controls(text),
                escape_controls(&rel.file.place(line, col))
            ));
        }
    }
    out
}

/// Render many diagnostics for a terminal, each followed by a blank line.
pub fn render_human_all(diagnostics: &[Diagnostic], style: HumanStyle) -> String {
    let mut out = String::new();
    for d in diagnostics {
        out.push_str(&render_human(d, style));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_paragraph_line_is_shown_as_a_window_around_the_span() {
        let filler = "The government reported many things in the period. ".repeat(30);
        let text = format!("Heading\n\n{filler}The slip for of here. {filler}\n");
        let at = text.find("for of").unwrap();
        let file = SourceFile::new("draft.txt", text.clone());
        let d = Diagnostic::warning("stray-preposition", "slip").at(&file, at..at + 6);
        let out = render_human(&d, HumanStyle::plain());
        let line_start = text[..at].rfind('\n').unwrap() + 1;
        let col = at - line_start + 1;
        assert!(out.contains(&format!("[draft.txt:3:{col}]")), "{out}");
        let shown = out.lines().find(|l| l.contains("for of")).unwrap();
        assert!(shown.len() < 200, "the whole paragraph is printed: {shown}");
        // The underline sits under the span.
        let mark = out.lines().find(|l| l.contains("──────")).unwrap();
        let chars_before = |l: &str, i: Option<usize>| i.map(|i| l[..i].chars().count());
        assert_eq!(
            chars_before(mark, mark.find('─')),
            chars_before(shown, shown.find("for of")),
            "{out}"
        );
    }
}
