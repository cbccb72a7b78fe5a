//! Narrative drafts: the Tera templates of `templates/` (bundled into the binary, or a folder
//! given with `--templates`) rendered with one [`Assessment`], the only per-country context.
//!
//! ```text
//! Assessment -> render (templates/*.tera, house.yaml) -> draft text
//! ```
//!
//! All templates are parsed when [`Templates::load`] runs, so a syntax error, an unknown filter
//! or an include of a missing template stops the run before anything is drafted. Every template
//! error becomes a [`Diagnostic`] located in the template file. The wording lives in the
//! templates; this module only loads, renders and tidies blank lines.

use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use include_dir::{include_dir, Dir};
use indexmap::IndexMap;
use serde::Deserialize;
use tera::{Context, Tera};

use crate::assessment::Assessment;
use crate::bundle;
use crate::diagnostic::Diagnostic;
use crate::render::{describe_error, register_filters_with, NumberStyle};
use crate::source::SourceFile;

/// The bundled templates, compiled into the binary.
static BUNDLED_TEMPLATES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/templates");

/// The template a draft starts from; it includes the section templates.
pub const ENTRY: &str = "narrative.tera";
/// Template settings that are data rather than wording: acronyms, the comparison threshold.
pub const HOUSE_FILE: &str = "house.yaml";
const TEMPLATE_EXTENSION: &str = "tera";

/// `house.yaml` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct HouseFile {
    /// A fall by at least this fraction of the previous figure is a significant decrease.
    significant_decrease: f64,
    /// Acronyms spelled out at first use, by the `acronyms` filter.
    #[serde(default)]
    acronyms: Vec<AcronymDef>,
    /// How figures are written (`number_words`, `money`).
    numbers: NumberStyle,
    /// How many recommendation bullets a draft writes, and how many recommendations one merges.
    recommendations: RecommendationStyle,
}

/// `house.yaml` `recommendations`.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
struct RecommendationStyle {
    /// The draft writes the first `top` merge groups of the assessment, one bullet each.
    top: usize,
    /// One bullet merges at most this many recommendations of its group, the most important.
    merge_at_most: usize,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
struct AcronymDef {
    short: String,
    long: String,
}

/// The parsed, checked templates of one folder (or the bundled set).
#[derive(Debug)]
pub struct Templates {
    tera: Tera,
    /// Template name (`intro.tera`) -> its source, for locating errors.
    files: IndexMap<String, Arc<SourceFile>>,
    /// Display root (`templates` for the bundled set, the folder given otherwise).
    pub root: String,
    /// How the templates write figures (`house.yaml` `numbers`).
    numbers: NumberStyle,
}

impl Templates {
    /// Load and parse every template: the bundled ones, or those of a folder.
    pub fn load(dir: Option<&Path>) -> Result<Templates, Vec<Diagnostic>> {
        let (root, files) = match dir {
            None => (
                "templates".to_string(),
                bundle::embedded(&BUNDLED_TEMPLATES, "templates", is_template_file)?,
            ),
            Some(d) => (
                d.display().to_string(),
                bundle::on_disk(d, "templates", "--templates", is_template_file)?,
            ),
        };
        let mut problems = Vec::new();
        let house = match files.get(HOUSE_FILE) {
            Some(f) => match load_house(f) {
                Ok(h) => Some(h),
                Err(mut ds) => {
                    problems.append(&mut ds);
                    None
                }
            },
            None => {
                problems.push(
                    Diagnostic::error(
                        "missing-template",
                        format!("the templates folder `{root}` has no `{HOUSE_FILE}`"),
                    )
                    .with_help(
                        "copy `templates/house.yaml` from the tiercheck sources and adjust it",
                    ),
                );
                None
            }
        };
        let templates: IndexMap<String, Arc<SourceFile>> = files
            .into_iter()
            .filter(|(name, _)| name.ends_with(&format!(".{TEMPLATE_EXTENSION}")))
            .collect();
        if !templates.contains_key(ENTRY) {
            problems.push(
                Diagnostic::error("missing-template", format!("the templates folder `{root}` has no `{ENTRY}`"))
                    .with_help("`narrative.tera` is the template a draft starts from; it includes the section templates"),
            );
        }

        let style = house
            .as_ref()
            .map_or_else(NumberStyle::default, |h| h.numbers.clone());
        // Syntax first, one template at a time, so every broken template is reported at once.
        for (name, file) in &templates {
            let mut probe = new_tera(&style);
            if let Err(e) = probe.add_raw_template(name, &file.text) {
                if matches!(e.kind(), tera::ErrorKind::SyntaxError(_)) {
                    problems.extend(template_diagnostics(&e, &templates, "bad-template"));
                }
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }

        // Then together: includes, filters, functions and components must all resolve.
        let mut tera = new_tera(&style);
        if let Err(e) =
            tera.add_raw_templates(templates.iter().map(|(n, f)| (n.as_str(), f.text.as_str())))
        {
            return Err(template_diagnostics(&e, &templates, "bad-template"));
        }
        let undefined = undefined_variables(&tera, &templates);
        if !undefined.is_empty() {
            return Err(undefined);
        }
        if let Some(h) = house {
            tera.global_context().insert(HOUSE_VARIABLE, &h);
        }
        Ok(Templates {
            tera,
            files: templates,
            root,
            numbers: style,
        })
    }

    /// Whether any template reads a fact: its dotted path appears as a whole name in the text
    /// (`facts.law.statute`, or `law.statute`), or through a name set to its group
    /// (`w.labor_inspectors` after `{% set w = facts.prevention %}`).
    pub fn reads_fact(&self, path: &str) -> bool {
        let (group, name) = path.rsplit_once('.').unwrap_or(("", path));
        self.files.values().any(|f| {
            if contains_name(&f.text, path, true) {
                return true;
            }
            // `{% set w = facts.prevention %}` (or `= prevention`): `w.<name>` reads the fact.
            SET_ALIAS.captures_iter(&f.text).any(|c| {
                c.get(2).is_some_and(|g| g.as_str() == group)
                    && c.get(1).is_some_and(|alias| {
                        contains_name(&f.text, &format!("{}.{name}", alias.as_str()), false)
                    })
            })
        })
    }

    /// How these templates write figures (`house.yaml` `numbers`).
    pub fn number_style(&self) -> &NumberStyle {
        &self.numbers
    }

    /// The names of the loaded templates, sorted.
    pub fn names(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.files.keys().map(String::as_str).collect();
        v.sort_unstable();
        v
    }

    /// Render the narrative of one assessment.
    pub fn render(&self, assessment: &Assessment) -> Result<String, Vec<Diagnostic>> {
        let context = Context::from_serialize(assessment).map_err(|e| {
            vec![Diagnostic::error(
                "template-error",
                format!(
                    "cannot hand the assessment to the templates: {}",
                    describe_error(&e).0
                ),
            )]
        })?;
        match self.tera.render(ENTRY, &context) {
            Ok(text) => Ok(tidy(&text)),
            Err(e) => Err(template_diagnostics(&e, &self.files, "template-error")),
        }
    }
}

/// The name under which templates read `house.yaml`.
const HOUSE_VARIABLE: &str = "house";

/// The names the templates read that no assessment gives, nor `house`, nor a `set` or `for` of
/// any template (an included template sees its includer's), each at its first read: an error
/// when the templates load, not on the first draft whose facts reach it.
fn undefined_variables(
    tera: &Tera,
    templates: &IndexMap<String, Arc<SourceFile>>,
) -> Vec<Diagnostic> {
    let mut known: Vec<String> = schemars::schema_for!(Assessment)
        .get("properties")
        .and_then(serde_json::Value::as_object)
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    known.push(HOUSE_VARIABLE.to_string());
    for file in templates.values() {
        for c in LOCAL_NAMES.captures_iter(&file.text) {
            known.extend(c.iter().skip(1).flatten().map(|m| m.as_str().to_string()));
        }
    }
    let is_known = |v: &str| known.iter().any(|k| k == v);
    let mut out = Vec::new();
    for (name, file) in templates {
        for (var, span) in crate::render::undefined_variables(tera, name, &file.text, &is_known) {
            // Without a span, a template this one includes reads it, and reports it itself.
            let Some(span) = span else { continue };
            let help = match crate::yaml::did_you_mean(&var, known.iter().map(String::as_str)) {
                Some(s) => format!("did you mean `{s}`?"),
                None => "templates read the fields of an assessment (`tiercheck assess --format json` shows them) and `house`".to_string(),
            };
            out.push(
                Diagnostic::error("bad-template", format!("variable `{var}` is not defined"))
                    .at(file, span)
                    .with_help(help),
            );
        }
    }
    out
}

fn new_tera(style: &NumberStyle) -> Tera {
    let mut tera = Tera::new();
    // Narratives are plain text: nothing is escaped.
    tera.autoescape_on(Vec::<&str>::new());
    register_filters_with(&mut tera, style);
    tera
}

/// `house.yaml` as the templates see it (`house.<name>`).
#[derive(Debug, Clone, serde::Serialize)]
struct House {
    significant_decrease: f64,
    acronyms: Vec<AcronymDef>,
    numbers: NumberStyle,
    recommendations: RecommendationStyle,
}

fn load_house(file: &Arc<SourceFile>) -> Result<House, Vec<Diagnostic>> {
    let (h, spans) = crate::yaml::load::<HouseFile>(file)?;
    let mut problems = Vec::new();
    if !(h.significant_decrease > 0.0 && h.significant_decrease <= 1.0) {
        problems.push(
            Diagnostic::error(
                "bad-threshold",
                format!(
                    "`significant_decrease` is `{}`; it must be a fraction above 0 and at most 1",
                    h.significant_decrease
                ),
            )
            .at(file, spans.value_span("significant_decrease"))
            .with_help(
                "0.5 calls a fall to half the previous figure or less a significant decrease",
            ),
        );
    }
    let mut seen: IndexMap<&str, usize> = IndexMap::new();
    for (i, a) in h.acronyms.iter().enumerate() {
        let path = format!("acronyms[{i}]");
        if a.short.trim().is_empty() || a.long.trim().is_empty() {
            problems.push(
                Diagnostic::error(
                    "missing-field",
                    "an acronym needs a non-empty `short` and `long`",
                )
                .at(file, spans.value_span(&path)),
            );
        }
        if let Some(first) = seen.insert(a.short.as_str(), i) {
            problems.push(
                Diagnostic::error(
                    "duplicate-id",
                    format!("the acronym `{}` is listed twice", a.short),
                )
                .at(file, spans.value_span(&path))
                .with_related(
                    file,
                    spans.value_span(&format!("acronyms[{first}]")),
                    "first listed here",
                ),
            );
        }
    }
    for (value, path, help) in [
        (
            h.recommendations.top,
            "recommendations.top",
            "12 writes the twelve most important recommendation bullets",
        ),
        (
            h.recommendations.merge_at_most,
            "recommendations.merge_at_most",
            "1 writes each recommendation as its own bullet; 3 merges up to three of a group",
        ),
    ] {
        if value == 0 {
            problems.push(
                Diagnostic::error(
                    "bad-threshold",
                    format!("`{path}` is 0; it must be at least 1"),
                )
                .at(file, spans.value_span(path))
                .with_help(help),
            );
        }
    }
    if !(0..=20).contains(&h.numbers.words_below) {
        problems.push(
            Diagnostic::error(
                "bad-threshold",
                format!(
                    "`numbers.words_below` is `{}`; it must be between 0 and 20",
                    h.numbers.words_below
                ),
            )
            .at(file, spans.value_span("numbers.words_below"))
            .with_help("10 writes one to nine in words and 10 and above in digits"),
        );
    }
    if h.numbers.decimals > 6 {
        problems.push(
            Diagnostic::error(
                "bad-threshold",
                format!(
                    "`numbers.decimals` is `{}`; it must be at most 6",
                    h.numbers.decimals
                ),
            )
            .at(file, spans.value_span("numbers.decimals"))
            .with_help("2 writes 3,650,000 as `3.65 million`"),
        );
    }
    for (i, scale) in h.numbers.scales.iter().enumerate() {
        if scale.at < 1.0 || scale.word.trim().is_empty() {
            problems.push(
                Diagnostic::error(
                    "bad-threshold",
                    "a scale needs `at` of 1 or more and a non-empty `word`",
                )
                .at(file, spans.value_span(&format!("numbers.scales[{i}]")))
                .with_help("e.g. `{ at: 1000000, word: million }`"),
            );
        }
    }
    if problems.is_empty() {
        Ok(House {
            significant_decrease: h.significant_decrease,
            acronyms: h.acronyms,
            numbers: h.numbers,
            recommendations: h.recommendations,
        })
    } else {
        Err(problems)
    }
}

fn is_template_file(rel: &str) -> bool {
    rel.ends_with(&format!(".{TEMPLATE_EXTENSION}")) || rel == HOUSE_FILE
}

/// Located diagnostics for a Tera error, each in its template file.
pub(crate) fn template_diagnostics(
    e: &tera::Error,
    files: &IndexMap<String, Arc<SourceFile>>,
    code: &str,
) -> Vec<Diagnostic> {
    crate::render::template_problems(e, |name| files.get(name).map(|f| f.text.as_str()))
        .into_iter()
        .map(|p| match &p.template {
            Some(name) => located(code, &p.message, files.get(name), p.span, name),
            None => Diagnostic::error(code, p.message),
        })
        .collect()
}

fn located(
    code: &str,
    message: &str,
    file: Option<&Arc<SourceFile>>,
    span: Option<Range<usize>>,
    name: &str,
) -> Diagnostic {
    // Tera lists the variables in scope after the message: advice, not the problem.
    let (message, help) = match message.split_once(". Available variables: ") {
        Some((m, vars)) => (m.to_string(), Some(format!("variables in scope: {vars}"))),
        None => (message.to_string(), None),
    };
    let mut d = Diagnostic::error(code, message);
    if let Some(h) = help {
        d = d.with_help(h);
    }
    match file {
        Some(f) => d.at(f, span.unwrap_or(0..0)),
        None => {
            d.message = format!("{} (in template `{name}`)", d.message);
            d
        }
    }
}

/// Trailing spaces off every line, at most one blank line in a row, one final newline.
fn tidy(text: &str) -> String {
    // A control character from a facts string (a NUL, an escape sequence) has no place in a
    // draft: `check` would refuse the draft, and a terminal would act on it.
    let cleaned: String;
    let text = if text.chars().any(crate::source::is_unsafe_control) {
        cleaned = text
            .chars()
            .filter(|c| !crate::source::is_unsafe_control(*c))
            .collect();
        cleaned.as_str()
    } else {
        text
    };
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        out.push_str(line);
    }
    out.push('\n');
    out
}

/// Names a template gives itself: `{% set NAME = ... %}`, `{% set_global NAME %}`,
/// `{% for NAME in ... %}`, `{% for KEY, VALUE in ... %}`.
static LOCAL_NAMES: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"\{%-?\s*(?:set(?:_global)?\s+(\w+)|for\s+(\w+)(?:\s*,\s*(\w+))?\s+in\b)")
        .unwrap_or_else(|_| unreachable!("a fixed, valid pattern"))
});

/// `{% set NAME = facts.GROUP %}`: a template's short name for a group of facts.
static SET_ALIAS: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"\{%-?\s*set\s+(\w+)\s*=\s*(?:facts\.)?([\w.]+)\s*-?%\}")
        .unwrap_or_else(|_| unreachable!("a fixed, valid pattern"))
});

/// Whether `name` appears in `text` as a whole name; after a `.` (`facts.law.statute`) only
/// when `after_dot`.
fn contains_name(text: &str, name: &str, after_dot: bool) -> bool {
    let word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
    text.match_indices(name).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + name.len()..].chars().next();
        !word(before) && (after_dot || before != Some('.')) && !word(after)
    })
}
