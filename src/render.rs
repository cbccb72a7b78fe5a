//! Tera setup: the house-style filters, registered in one place, and the small text templates
//! of rule findings and recommendations. (The narrative templates of `draft` build on the same
//! filters.) Templates format; Rust decides: nothing here scores or chooses a tier.

use std::ops::Range;

use tera::{Context, Kwargs, State, Tera, TeraResult, Value};

/// Compiled finding and recommendation texts, one template per rule text.
///
/// Tera checks every template it holds each time one is added, so the texts are each checked
/// alone as they are added ([`TextTemplates::add`], on a scratch instance that holds only that
/// one) and compiled together at the end ([`TextTemplates::finish`]): adding hundreds of texts
/// one by one was most of loading the rules.
#[derive(Debug)]
pub struct TextTemplates {
    tera: Tera,
    scratch: Tera,
    pending: Vec<(String, String)>,
}

impl Default for TextTemplates {
    fn default() -> Self {
        Self::new()
    }
}

/// The one template the scratch instance holds.
const SCRATCH: &str = "(text being checked)";

impl TextTemplates {
    pub fn new() -> Self {
        let mut tera = Tera::new();
        register_filters(&mut tera);
        let mut scratch = Tera::new();
        register_filters(&mut scratch);
        Self {
            tera,
            scratch,
            pending: Vec::new(),
        }
    }

    /// Check a text; returns the dotted variables it reads (`facts.prosecution.convictions.value`),
    /// or the error message with its byte span inside the text. A name the text reads that its
    /// context does not give ([`TEXT_VARIABLES`]) is an error here, not when a rule fires. It is
    /// compiled with the others by [`TextTemplates::finish`].
    pub fn add(
        &mut self,
        name: &str,
        text: &str,
    ) -> Result<Vec<String>, (String, Option<Range<usize>>)> {
        if let Err(e) = self.scratch.add_raw_template(SCRATCH, text) {
            let problems = template_problems(&e, |t| (t == SCRATCH).then_some(text));
            return Err(problems
                .into_iter()
                .next()
                .map_or_else(|| describe_error(&e), |p| (p.message, p.span)));
        }
        let known = |v: &str| TEXT_VARIABLES.contains(&v);
        if let Some((var, span)) = undefined_variables(&self.scratch, SCRATCH, text, &known)
            .into_iter()
            .next()
        {
            let names: Vec<String> = TEXT_VARIABLES.iter().map(|v| format!("`{v}`")).collect();
            return Err((
                format!(
                    "variable `{var}` is not defined (a text reads {})",
                    serial_join(&names, "and")
                ),
                span,
            ));
        }
        self.pending.push((name.to_string(), text.to_string()));
        Ok(dotted_variables(text))
    }

    /// Compile every text added; each was checked alone, so this fails only on what holds
    /// between texts.
    pub fn finish(&mut self) -> Result<(), String> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let pending = std::mem::take(&mut self.pending);
        self.tera
            .add_raw_templates(pending)
            .map_err(|e| describe_error(&e).0)
    }

    /// Render a compiled text with a context.
    pub fn render(&self, name: &str, context: &Context) -> Result<String, String> {
        if !self.pending.is_empty() {
            return Err("the texts were checked but not compiled (`finish`)".to_string());
        }
        self.tera
            .render(name, context)
            .map_err(|e| describe_error(&e).0)
    }
}

/// The names a rule text (finding, recommendation, effort, shortfall) can read: the context
/// [`crate::evaluate::text_context`] gives it.
pub const TEXT_VARIABLES: [&str; 5] = ["facts", "country", "year", "period", "previous_period"];

/// The message and span of a Tera error, without Tera's own ASCII report.
pub fn describe_error(e: &tera::Error) -> (String, Option<Range<usize>>) {
    match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
            (lower_first(r.message()), Some(r.span().range.clone()))
        }
        other => (lower_first(&other.to_string()), None),
    }
}

/// One problem of a Tera error: the template it is in, its message, and its byte span in that
/// template's text when Tera gives a place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateProblem {
    pub template: Option<String>,
    pub message: String,
    pub span: Option<Range<usize>>,
}

/// The problems of a Tera error. Syntax and rendering errors carry their template and span; the
/// checks Tera runs once templates are in (unknown filters, tests, functions, components,
/// includes) arrive as one text report per problem, read here for its `file:line:col` and the
/// `^^^` under the span, which `text_of` (a template's text by name) turns into bytes.
pub fn template_problems<'t>(
    e: &tera::Error,
    text_of: impl Fn(&str) -> Option<&'t str>,
) -> Vec<TemplateProblem> {
    match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
            let (message, span) = describe_error(e);
            vec![TemplateProblem {
                template: Some(r.filename().to_string()),
                message,
                span,
            }]
        }
        tera::ErrorKind::Msg(text) if text.contains("\n --> ") => {
            let problems: Vec<TemplateProblem> = text
                .split("\n\n")
                .filter_map(|block| report_block(block, &text_of))
                .collect();
            if problems.is_empty() {
                vec![unplaced(describe_error(e).0)]
            } else {
                problems
            }
        }
        tera::ErrorKind::TemplateNotFound(name) => vec![unplaced(format!(
            "a template includes `{name}`, which is not in the templates folder"
        ))],
        _ => vec![unplaced(describe_error(e).0)],
    }
}

fn unplaced(message: String) -> TemplateProblem {
    TemplateProblem {
        template: None,
        message,
        span: None,
    }
}

/// One block of Tera's text report: `error: <message>`, ` --> <file>:<line>:<col>`, the source
/// line and a `^^^` marker under the span.
fn report_block<'t>(
    block: &str,
    text_of: &impl Fn(&str) -> Option<&'t str>,
) -> Option<TemplateProblem> {
    let mut lines = block.lines().skip_while(|l| !l.starts_with("error:"));
    let message = lines.next()?.trim_start_matches("error:").trim();
    let location = lines.next()?.trim().strip_prefix("--> ")?;
    let mut parts = location.rsplitn(3, ':');
    let col: usize = parts.next()?.parse().ok()?;
    let line: usize = parts.next()?.parse().ok()?;
    let name = parts.next()?.to_string();
    let carets = block
        .lines()
        .find_map(|l| {
            let t = l.trim_start().trim_start_matches('|').trim_start();
            (t.starts_with('^')).then(|| t.chars().take_while(|c| *c == '^').count())
        })
        .unwrap_or(1);
    let span = text_of(&name).map(|text| {
        let start = offset_of(text, line, col.saturating_sub(1));
        let end = text[start..]
            .char_indices()
            .nth(carets)
            .map_or(text.len(), |(i, _)| start + i);
        start..end
    });
    Some(TemplateProblem {
        template: Some(name),
        message: lower_first(message),
        span,
    })
}

/// Byte offset of a 1-based line and 0-based character column in a template's text.
fn offset_of(text: &str, line: usize, col_chars: usize) -> usize {
    let start = match line.checked_sub(2) {
        None => 0,
        Some(n) => text
            .match_indices('\n')
            .nth(n)
            .map_or(text.len(), |(i, _)| i + 1),
    };
    start
        + text[start..]
            .chars()
            .take_while(|c| *c != '\n')
            .take(col_chars)
            .map(char::len_utf8)
            .sum::<usize>()
}

/// The top-level names a compiled template (and the templates it includes) reads that its
/// context will not give (`known` says which it gives), each with the span of its first read in
/// `text` when it is there (`None`: only an included template reads it). A name read only
/// after `is defined` or through `default` may be absent and is left alone. Tera would report
/// the others only when a render reaches them; this finds them when the templates load.
pub fn undefined_variables(
    tera: &Tera,
    name: &str,
    text: &str,
    known: &dyn Fn(&str) -> bool,
) -> Vec<(String, Option<Range<usize>>)> {
    let Ok(names) = tera.get_template_variables(name) else {
        return Vec::new();
    };
    let mut out: Vec<(String, Option<Range<usize>>)> = names
        .into_iter()
        .filter(|v| !known(v) && !guarded(text, v))
        .map(|v| (v.to_string(), first_read(text, v)))
        .collect();
    out.sort_by(|a, b| {
        (a.1.as_ref().map(|r| r.start), &a.0).cmp(&(b.1.as_ref().map(|r| r.start), &b.0))
    });
    out
}

/// Whether a template reads `name` only where it may be absent: `name is defined`, `name is
/// undefined`, `name | default(...)` (through attributes too: `name.a.b | default`).
fn guarded(text: &str, name: &str) -> bool {
    let pattern = format!(
        r"(?:^|[^\w.]){}(?:\.\w+)*\s*(?:\|\s*default\b|is\s+(?:not\s+)?(?:un)?defined\b)",
        regex::escape(name)
    );
    regex::Regex::new(&pattern).is_ok_and(|r| r.is_match(text))
}

/// The span of the first read of the variable `name` in a template: a whole word inside
/// `{{ }}` or `{% %}`, outside strings, not after a `.`, not a keyword argument (`name=`) and
/// not a call (`name(`).
fn first_read(text: &str, name: &str) -> Option<Range<usize>> {
    let mut from = 0;
    while let Some(open) = text[from..].find('{').map(|i| from + i) {
        let close = match text.as_bytes().get(open + 1) {
            Some(b'{') => "}}",
            Some(b'%') => "%}",
            Some(b'#') => "#}",
            _ => {
                from = open + 1;
                continue;
            }
        };
        let body = open + 2;
        let end = text[body..].find(close).map_or(text.len(), |i| body + i);
        if close != "#}" {
            if let Some(r) = read_in(&text[body..end], name) {
                return Some(body + r.start..body + r.end);
            }
        }
        from = end;
    }
    None
}

fn read_in(tag: &str, name: &str) -> Option<Range<usize>> {
    let b = tag.as_bytes();
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            i += 1;
            continue;
        }
        if matches!(c, b'"' | b'\'' | b'`') {
            quote = Some(c);
            i += 1;
            continue;
        }
        if !(c.is_ascii_alphabetic() || c == b'_') {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
            i += 1;
        }
        let after = tag[i..].trim_start();
        let argument = after.starts_with('=') && !after.starts_with("==");
        if &tag[start..i] == name
            && !tag[..start].ends_with('.')
            && !argument
            && !after.starts_with('(')
        {
            return Some(start..i);
        }
    }
    None
}

pub(crate) fn lower_first(s: &str) -> String {
    let s = s.trim().trim_end_matches('.');
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// Dotted names read in `{{ }}` and `{% %}` blocks (a conservative scan, for lint).
pub fn dotted_variables(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find(['{']) {
        let after = &rest[open + 1..];
        if !(after.starts_with('{') || after.starts_with('%')) {
            rest = after;
            continue;
        }
        let Some(close) = after.find(['}']) else {
            break;
        };
        let inner = &after[1..close];
        let mut word = String::new();
        let mut in_string = None;
        for ch in inner.chars().chain(std::iter::once(' ')) {
            match in_string {
                Some(q) if ch == q => in_string = None,
                Some(_) => {}
                None if ch == '"' || ch == '\'' => in_string = Some(ch),
                None if ch.is_ascii_alphanumeric() || ch == '_' || ch == '.' => word.push(ch),
                None => {
                    if word.contains('.') && word.starts_with(|c: char| c.is_ascii_alphabetic()) {
                        out.push(word.clone());
                    }
                    word.clear();
                }
            }
        }
        rest = &after[close..];
    }
    out.sort();
    out.dedup();
    out
}

/// How figures are written: the `numbers` settings of the templates' `house.yaml`. Rule texts
/// (findings, recommendations) are rendered with the default: numbers below ten in words, no
/// scale words.
#[derive(Debug, Clone, PartialEq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct NumberStyle {
    /// Whole numbers from zero up to this one (not included) are written in words.
    pub words_below: i64,
    /// Scale words for large figures, as `{at, word}`: a figure of at least `at` is written as a
    /// decimal of it ("3.4 million").
    #[serde(default)]
    pub scales: Vec<Scale>,
    /// The most decimals a scaled figure has ("3.65 million"): money is rounded to them; a count
    /// is scaled only when that loses nothing.
    pub decimals: u32,
}

/// One scale word and the figure it stands for: `{at: 1000000, word: million}`.
#[derive(Debug, Clone, PartialEq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Scale {
    pub at: f64,
    pub word: String,
}

impl Default for NumberStyle {
    fn default() -> Self {
        NumberStyle {
            words_below: 10,
            scales: Vec::new(),
            decimals: 2,
        }
    }
}

impl NumberStyle {
    /// A figure in words when it and every figure of `among` (the other ends of a range) are
    /// below `words_below`; otherwise in digits, as [`NumberStyle::digits`] writes them.
    pub fn words(&self, n: i128, among: &[i128]) -> String {
        let small = |x: i128| (0..i128::from(self.words_below)).contains(&x);
        if small(n) && among.iter().all(|&x| small(x)) && (n as usize) < ONES.len() {
            ONES[n as usize].to_string()
        } else {
            self.digits(n as f64, true)
        }
    }

    /// A figure in digits with thousands separators; a large one as a decimal of its scale word
    /// ("3.4 million"), rounded to `decimals`, or, when `exact`, only if that loses nothing.
    pub fn digits(&self, x: f64, exact: bool) -> String {
        let scale = self
            .scales
            .iter()
            .filter(|s| s.at > 0.0 && x.abs() >= s.at)
            .max_by(|a, b| a.at.total_cmp(&b.at));
        if let Some(s) = scale {
            let factor = 10f64.powi(i32::try_from(self.decimals).unwrap_or(2));
            let scaled = (x / s.at * factor).round() / factor;
            if !exact || (scaled * s.at - x).abs() < 0.5 {
                return format!("{} {}", decimal_places(scaled, self.decimals), s.word);
            }
        }
        decimal(x)
    }
}

/// Register every house-style filter with the default [`NumberStyle`]. README.md ("Templates")
/// documents each filter.
pub fn register_filters(tera: &mut Tera) {
    register_filters_with(tera, &NumberStyle::default());
}

/// Register every house-style filter, figures written in `style`. The one place filters are
/// added. Filters format values and never choose words: where wording depends on a value (a
/// comparison, a missing figure) the filter returns a *kind* and a template maps the kind to
/// words.
pub fn register_filters_with(tera: &mut Tera, style: &NumberStyle) {
    let words_style = style.clone();
    tera.register_filter(
        "number_words",
        move |v: &Value, kwargs: Kwargs, _: &State| -> TeraResult<String> {
            let n = as_number(v)?;
            if kwargs.get::<bool>("unit")?.unwrap_or(false) {
                return Ok(words_style.digits(n as f64, true));
            }
            let among = match kwargs.get::<Value>("among")? {
                Some(list) => list
                    .as_array()
                    .ok_or_else(|| {
                        tera::Error::message("`number_words` takes `among` as a list of numbers")
                    })?
                    .iter()
                    .map(as_number)
                    .collect::<TeraResult<Vec<i128>>>()?,
                None => Vec::new(),
            };
            Ok(words_style.words(n, &among))
        },
    );
    tera.register_filter(
        "ordinal",
        |v: &Value, _: Kwargs, _: &State| -> TeraResult<String> {
            let n = as_number(v)?;
            Ok(ordinal_words(n))
        },
    );
    tera.register_filter(
        "thousands",
        |v: &Value, _: Kwargs, _: &State| -> TeraResult<String> {
            let n = as_number(v)?;
            Ok(thousands(n))
        },
    );
    let money_style = style.clone();
    tera.register_filter(
        "money",
        move |v: &Value, kwargs: Kwargs, _: &State| -> TeraResult<String> {
            let short = kwargs.get::<bool>("short")?.unwrap_or(false);
            let usd = kwargs.get::<bool>("usd")?.unwrap_or(true);
            money(v, short, usd, &money_style)
        },
    );
    tera.register_filter(
        "verb_list",
        |v: &Value, kwargs: Kwargs, _: &State| -> TeraResult<String> {
            let items = text_items(v, "verb_list")?;
            Ok(verb_list(&items, &conjunction(&kwargs)?))
        },
    );
    tera.register_filter(
        "serial_join",
        |v: &Value, kwargs: Kwargs, _: &State| -> TeraResult<String> {
            let sep: String = kwargs
                .get::<String>("separator")?
                .unwrap_or_else(|| ",".to_string());
            let items = text_items(v, "serial_join")?;
            Ok(serial_join_with(&items, &sep, &conjunction(&kwargs)?))
        },
    );
    tera.register_filter(
        "change",
        |v: &Value, kwargs: Kwargs, _: &State| -> TeraResult<String> {
            let significant = kwargs.must_get::<f64>("significant")?;
            change_kind(v, significant).map(str::to_string)
        },
    );
    tera.register_filter(
        "reported",
        |v: &Value, _: Kwargs, _: &State| -> TeraResult<String> {
            reported_kind(v).map(str::to_string)
        },
    );
    tera.register_filter(
        "acronyms",
        |v: &str, kwargs: Kwargs, _: &State| -> TeraResult<String> {
            let table = kwargs.must_get::<Value>("table")?;
            let table = acronym_table(&table)?;
            Ok(spell_out_acronyms(v, &table))
        },
    );
    tera.register_filter("paragraph", |v: &str, _: Kwargs, _: &State| -> String {
        paragraph(v)
    });
    tera.register_filter(
        "clause",
        |v: &str, kwargs: Kwargs, _: &State| -> TeraResult<String> {
            let keep: Vec<String> = match kwargs.get::<Value>("keep")? {
                Some(list) => list
                    .as_array()
                    .ok_or_else(|| {
                        tera::Error::message("`clause` takes `keep` as a list of words")
                    })?
                    .iter()
                    .filter_map(|w| w.as_str().map(str::to_string))
                    .collect(),
                None => Vec::new(),
            };
            Ok(clause(v, &keep))
        },
    );
    tera.register_filter("upper_first", |v: &str, _: Kwargs, _: &State| -> String {
        upper_first(v)
    });
    tera.register_filter(
        "heaviest",
        |v: &[Value], kwargs: Kwargs, _: &State| -> TeraResult<Vec<Value>> {
            let n = kwargs.must_get::<usize>("n")?;
            let attribute = kwargs
                .get::<String>("attribute")?
                .unwrap_or_else(|| "weight".to_string());
            heaviest(v, n, &attribute)
        },
    );
}

/// The items of a list filter's input, as text.
fn text_items(v: &Value, filter: &str) -> TeraResult<Vec<String>> {
    Ok(v.as_array()
        .ok_or_else(|| tera::Error::message(format!("`{filter}` takes a list")))?
        .iter()
        .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_string))
        .collect())
}

/// A list filter's `conjunction` (`and` unless the template says otherwise).
fn conjunction(kwargs: &Kwargs) -> TeraResult<String> {
    Ok(kwargs
        .get::<String>("conjunction")?
        .unwrap_or_else(|| "and".to_string()))
}

/// A filter's input as its error message shows it: the value in backticks, or what an undefined
/// one is (Tera hands a filter an undefined name as an empty value).
fn shown(v: &Value) -> String {
    if v.is_undefined() {
        "a name that is not defined (a variable, or an attribute the value does not have)"
            .to_string()
    } else {
        format!("`{v}`")
    }
}

/// A whole number from a template value: any count the facts loader accepts (above 2^63 too), or
/// a float rounded.
fn as_number(v: &Value) -> TeraResult<i128> {
    v.as_i128()
        .or_else(|| v.as_f64().map(|f| f.round() as i128))
        .ok_or_else(|| tera::Error::message(format!("expected a number, found {}", shown(v))))
}

const ONES: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
const ORDINALS: [&str; 21] = [
    "zeroth",
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
    "twentieth",
];

/// A figure as the default [`NumberStyle`] writes it: one to nine in words, 10 and above in
/// digits (with thousands separators).
pub fn number_words(n: impl Into<i128>) -> String {
    let n: i128 = n.into();
    NumberStyle::default().words(n, &[])
}

/// Ordinals in words ("fourth"); past twentieth, digits with a suffix ("21st").
pub fn ordinal_words(n: impl Into<i128>) -> String {
    let n: i128 = n.into();
    if (0..=20).contains(&n) {
        return ORDINALS[n as usize].to_string();
    }
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// 253670 -> "253,670".
pub fn thousands(n: impl Into<i128>) -> String {
    let n: i128 = n.into();
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// `{amount, currency, usd}` -> "600,000 Tajikistani somoni ($53,190)". With `short`, the currency
/// is named by its last word ("253,670 somoni ($22,490)"), as later mentions are; without `usd`,
/// the dollar amount is left out.
fn money(v: &Value, short: bool, with_usd: bool, style: &NumberStyle) -> TeraResult<String> {
    let map = v.as_map().ok_or_else(|| {
        tera::Error::message(format!(
            "`money` takes `{{amount, currency, usd}}`, found {}",
            shown(v)
        ))
    })?;
    let get = |k: &str| map.get(&tera::value::Key::Str(k)).cloned();
    let amount = get("amount")
        .and_then(|a| a.as_f64().or_else(|| a.as_i64().map(|i| i as f64)))
        .ok_or_else(|| tera::Error::message("money has no `amount`"))?;
    let currency = get("currency")
        .and_then(|c| c.as_str().map(str::to_string))
        .unwrap_or_default();
    let currency = if short {
        currency
            .split_whitespace()
            .last()
            .unwrap_or_default()
            .to_string()
    } else {
        currency
    };
    let mut out = format!("{} {currency}", style.digits(amount, false));
    if with_usd {
        if let Some(usd) =
            get("usd").and_then(|u| u.as_f64().or_else(|| u.as_i64().map(|i| i as f64)))
        {
            out.push_str(&format!(" (${})", style.digits(usd, false)));
        }
    }
    Ok(out.trim().to_string())
}

/// A whole number with thousands separators, or a decimal one with its fraction to two places
/// ("1.5").
fn decimal(x: f64) -> String {
    decimal_places(x, 2)
}

/// A number rounded to at most `places` decimals, without trailing zeros, the whole part with
/// thousands separators: `3.40` -> "3.4", `1234.5` -> "1,234.5".
fn decimal_places(x: f64, places: u32) -> String {
    let text = format!("{:.*}", places as usize, x.abs());
    let (whole, frac) = text.split_once('.').unwrap_or((text.as_str(), ""));
    let frac = frac.trim_end_matches('0');
    let whole = thousands(whole.parse::<i64>().unwrap_or(0));
    let sign = if x < 0.0 && (whole != "0" || !frac.is_empty()) {
        "-"
    } else {
        ""
    };
    if frac.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{frac}")
    }
}

/// Verb phrases as one list, each verb written once: the phrases that share their first word
/// are joined under it ("increasing investigations" and "increasing funding" become "increasing
/// investigations and funding"), in the order each verb first appears; the groups are then
/// joined with the serial comma, and two groups with a comma when the first holds a list. A
/// phrase whose object already holds the conjunction ("training law enforcement and judicial
/// officials") keeps its verb and stands alone, so no list nests in another.
pub fn verb_list(items: &[String], conjunction: &str) -> String {
    let inner = format!(" {conjunction} ");
    let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
    for item in items {
        let item = item.trim();
        let (verb, rest) = item.split_once(' ').unwrap_or((item, ""));
        let shares = !rest.contains(&inner);
        match groups
            .iter_mut()
            .find(|(v, rests)| shares && *v == verb && !rests.iter().any(|r| r.contains(&inner)))
        {
            Some((_, rests)) if !rest.is_empty() => rests.push(rest),
            Some(_) => {}
            None => groups.push((verb, vec![rest])),
        }
    }
    let phrases: Vec<String> = groups
        .iter()
        .map(|(verb, rests)| {
            let rests: Vec<String> = rests
                .iter()
                .filter(|r| !r.is_empty())
                .map(|r| (*r).to_string())
                .collect();
            if rests.is_empty() {
                (*verb).to_string()
            } else {
                format!("{verb} {}", clear_join(&rests, conjunction))
            }
        })
        .collect();
    match phrases.as_slice() {
        [a, b] if groups[0].1.len() > 1 => format!("{a}, {conjunction} {b}"),
        _ => clear_join(&phrases, conjunction),
    }
}

/// A serial-comma list; two items with a comma between them when the first holds the
/// conjunction itself ("law enforcement and judicial officials, and diplomats").
fn clear_join(items: &[String], conjunction: &str) -> String {
    match items {
        [a, b] if a.contains(&format!(" {conjunction} ")) => format!("{a}, {conjunction} {b}"),
        _ => serial_join(items, conjunction),
    }
}

/// ["a", "b", "c"] -> "a, b, and c" (serial comma).
pub fn serial_join(items: &[String], conjunction: &str) -> String {
    serial_join_with(items, ",", conjunction)
}

/// A serial-comma list with another separator: `;` for items that hold commas themselves
/// ("a, b; c; and d"). Two items are joined by the conjunction alone.
pub fn serial_join_with(items: &[String], separator: &str, conjunction: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [a, b] => format!("{a} {conjunction} {b}"),
        [rest @ .., last] => format!(
            "{}{separator} {conjunction} {last}",
            rest.join(&format!("{separator} "))
        ),
    }
}

/// A fact view (`{status, value, previous_status, previous}`) or a `{value, previous}` map.
fn field<'a>(v: &'a Value, name: &'a str) -> Option<&'a Value> {
    v.as_map().and_then(|m| m.get(&tera::value::Key::Str(name)))
}

/// The figure of a reading: a count, or the amount of money.
fn figure(v: Option<&Value>) -> Option<f64> {
    let v = v?;
    v.as_f64()
        .or_else(|| v.as_i64().map(|i| i as f64))
        .or_else(|| {
            field(v, "amount").and_then(|a| a.as_f64().or_else(|| a.as_i64().map(|i| i as f64)))
        })
}

fn reading_is_value(v: &Value, status: &str) -> bool {
    match field(v, status).and_then(Value::as_str) {
        Some(s) => s == "value",
        // A plain `{value, previous}` map: any figure counts.
        None => true,
    }
}

/// How the current figure compares with the previous one: `same`, `increase`, `decrease`,
/// `significant_decrease` (a fall by at least `significant`, a fraction of the previous figure),
/// or `none` when either figure is missing or not reported. Templates map the kind to words.
pub fn change_kind(v: &Value, significant: f64) -> TeraResult<&'static str> {
    if field(v, "value").is_none() && field(v, "status").is_none() {
        return Err(tera::Error::message(format!(
            "`change` takes a fact (`facts.<group>.<name>`), found {}",
            shown(v)
        )));
    }
    if !(0.0..=1.0).contains(&significant) {
        return Err(tera::Error::message(format!(
            "`change` takes `significant` as a fraction between 0 and 1, found `{significant}`"
        )));
    }
    let current = if reading_is_value(v, "status") {
        figure(field(v, "value"))
    } else {
        None
    };
    let previous = if reading_is_value(v, "previous_status") {
        figure(field(v, "previous"))
    } else {
        None
    };
    let (Some(c), Some(p)) = (current, previous) else {
        return Ok("none");
    };
    Ok(if c == p {
        "same"
    } else if c > p {
        "increase"
    } else if p > 0.0 && (p - c) / p >= significant {
        "significant_decrease"
    } else {
        "decrease"
    })
}

/// Whether a count was reported: `some` (a figure above zero), `zero`, `not_reported` or
/// `unknown`. House style writes "did not report any" for both `zero` and `not_reported`.
pub fn reported_kind(v: &Value) -> TeraResult<&'static str> {
    let status = field(v, "status").and_then(Value::as_str).ok_or_else(|| {
        tera::Error::message(format!(
            "`reported` takes a fact (`facts.<group>.<name>`), found {}",
            shown(v)
        ))
    })?;
    Ok(match status {
        "value" => match figure(field(v, "value")) {
            Some(0.0) => "zero",
            _ => "some",
        },
        "not_reported" => "not_reported",
        _ => "unknown",
    })
}

/// One acronym and its expansion, from the templates' `house.yaml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acronym {
    pub short: String,
    pub long: String,
}

fn acronym_table(v: &Value) -> TeraResult<Vec<Acronym>> {
    let list = v.as_array().ok_or_else(|| {
        tera::Error::message("`acronyms` takes `table` as a list of `{short, long}`")
    })?;
    list.iter()
        .map(|e| {
            let s = field(e, "short").and_then(Value::as_str);
            let l = field(e, "long").and_then(Value::as_str);
            match (s, l) {
                (Some(s), Some(l)) if !s.is_empty() && !l.is_empty() => Ok(Acronym {
                    short: s.to_string(),
                    long: l.to_string(),
                }),
                _ => Err(tera::Error::message(format!(
                    "an `acronyms` table entry needs `short` and `long`, found `{e}`"
                ))),
            }
        })
        .collect()
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Spell out each acronym of the table at its first use in `text`, and only there: a bare first
/// use becomes "long (SHORT)" (capitalized at the start of a sentence), a first use already
/// written "long (SHORT)" or "... (SHORT)" stays, and a later "long (SHORT)" becomes "SHORT".
pub fn spell_out_acronyms(text: &str, table: &[Acronym]) -> String {
    let mut seen: Vec<bool> = vec![false; table.len()];
    let mut out = String::with_capacity(text.len() + 64);
    let mut i = 0;
    let bytes_len = text.len();
    while i < bytes_len {
        // The acronym that starts here, if any (the longest, so `SOPs` wins over `SOP`).
        let at_boundary = text[..i]
            .chars()
            .next_back()
            .is_none_or(|c| !is_word_char(c));
        let hit = if at_boundary {
            table
                .iter()
                .enumerate()
                .filter(|(_, a)| {
                    text[i..].starts_with(a.short.as_str())
                        && text[i + a.short.len()..]
                            .chars()
                            .next()
                            .is_none_or(|c| !is_word_char(c))
                })
                .max_by_key(|(_, a)| a.short.len())
        } else {
            None
        };
        let Some((k, a)) = hit else {
            let Some(c) = text[i..].chars().next() else {
                break;
            };
            out.push(c);
            i += c.len_utf8();
            continue;
        };
        let in_parens = out.ends_with('(') && text[i + a.short.len()..].starts_with(')');
        if in_parens {
            if seen[k] {
                // A repeated definition: drop "long (" when it is exactly the expansion.
                let before = &out[..out.len() - 1];
                let trimmed = before.trim_end();
                let long_start = trimmed.len().checked_sub(a.long.len());
                match long_start {
                    Some(s)
                        if trimmed.is_char_boundary(s)
                            && trimmed[s..].eq_ignore_ascii_case(&a.long) =>
                    {
                        out.truncate(s);
                        fix_article(&mut out, &a.short, true);
                        out.push_str(&a.short);
                        i += a.short.len() + 1; // the acronym and its `)`
                        continue;
                    }
                    _ => {}
                }
            }
            seen[k] = true;
            out.push_str(&a.short);
            i += a.short.len();
            continue;
        }
        if seen[k] {
            out.push_str(&a.short);
        } else {
            seen[k] = true;
            let sentence_start = out.trim_end().is_empty()
                || out.trim_end().ends_with(['.', '!', '?', '\n', ':'])
                || out.ends_with('\n');
            let long = if sentence_start {
                upper_first(&a.long)
            } else {
                a.long.clone()
            };
            fix_article(&mut out, &long, false);
            out.push_str(&format!("{long} ({})", a.short));
        }
        i += a.short.len();
    }
    out
}

/// When `out` ends with the article "a " or "an ", make it agree with the word that follows:
/// "an" before a vowel letter, or before an acronym read letter by letter whose first letter
/// is named with a vowel sound ("an NRM", "a national referral mechanism").
fn fix_article(out: &mut String, next: &str, letter_by_letter: bool) {
    let Some(first) = next.chars().next() else {
        return;
    };
    let vowel_sound = if letter_by_letter {
        "AEFHILMNORSXaeiou".contains(first)
    } else {
        "AEIOUaeiou".contains(first)
    };
    let body = out.trim_end_matches(' ');
    if body.len() == out.len() {
        return;
    }
    let word_start = body.rfind(|c: char| !is_word_char(c)).map_or(0, |i| i + 1);
    let word = &body[word_start..];
    let wanted = match (word, vowel_sound) {
        ("a", true) => "an",
        ("A", true) => "An",
        ("an", false) => "a",
        ("An", false) => "A",
        _ => return,
    };
    let rest = out[body.len()..].to_string();
    out.truncate(word_start);
    out.push_str(wanted);
    out.push_str(&rest);
}

/// Runs of whitespace (line breaks included) become one space; no space before `,.;:)` or
/// after `(`. Lets a template lay a paragraph out over many lines.
pub fn paragraph(text: &str) -> String {
    let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = String::with_capacity(joined.len());
    let chars: Vec<char> = joined.chars().collect();
    for (idx, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let next = chars.get(idx + 1).copied();
            let prev = out.chars().next_back();
            if matches!(next, Some(',' | '.' | ';' | ':' | ')')) || prev == Some('(') {
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// A sentence as a clause of a longer one: without its final period, and with its first letter
/// lowercased unless the first word is an acronym, holds capitals after its first letter, or is
/// one of `keep` (proper nouns such as the country's name).
pub fn clause(sentence: &str, keep: &[String]) -> String {
    let s = sentence.trim();
    let s = s.strip_suffix('.').unwrap_or(s);
    let first_word: String = s
        .chars()
        .take_while(|c| is_word_char(*c) || *c == '-')
        .collect();
    let rest_has_capitals = first_word.chars().skip(1).any(char::is_uppercase);
    if rest_has_capitals || keep.iter().any(|k| s.starts_with(k.as_str())) {
        return s.to_string();
    }
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// The first letter in upper case, the rest untouched.
pub fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// The `n` items with the largest `attribute`, heaviest first; items of equal weight keep their
/// order.
fn heaviest(items: &[Value], n: usize, attribute: &str) -> TeraResult<Vec<Value>> {
    let mut keyed = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let w = item
            .get_from_path(attribute)
            .and_then(|w| w.as_f64().or_else(|| w.as_i64().map(|x| x as f64)))
            .ok_or_else(|| tera::Error::message(format!("item {i} has no number `{attribute}`")))?;
        keyed.push((w, item));
    }
    keyed.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap_or(std::cmp::Ordering::Equal));
    Ok(keyed.into_iter().take(n).map(|(_, v)| v.clone()).collect())
}

#[cfg(test)]
#[allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn house_style_numbers() {
        assert_eq!(number_words(4), "four");
        assert_eq!(number_words(10), "10");
        assert_eq!(number_words(2000), "2,000");
        assert_eq!(ordinal_words(4), "fourth");
        assert_eq!(ordinal_words(22), "22nd");
        assert_eq!(thousands(253670), "253,670");
        assert_eq!(
            serial_join(&["a".into(), "b".into(), "c".into()], "and"),
            "a, b, and c"
        );
    }

    #[test]
    fn money_filter_renders_usd_in_parentheses() {
        let mut t = TextTemplates::new();
        t.add("m", "{{ facts.m | money }}").unwrap();
        t.finish().unwrap();
        let mut ctx = Context::new();
        ctx.insert(
            "facts",
            &serde_json::json!({"m": {"amount": 600000, "currency": "Tajikistani somoni", "usd": 53190}}),
        );
        assert_eq!(
            t.render("m", &ctx).unwrap(),
            "600,000 Tajikistani somoni ($53,190)"
        );
    }

    #[test]
    fn undefined_variable_is_an_error_not_empty() {
        let mut t = TextTemplates::new();
        // A name no text is given: refused when the text is added, at the name.
        let (message, span) = t.add("u", "x{{ nope.value }}y").unwrap_err();
        assert!(message.contains("`nope` is not defined"), "{message}");
        assert_eq!(span, Some(4..8));
        // A name texts are given, missing from this context: refused when it renders.
        t.add("f", "x{{ facts.nope.value }}y").unwrap();
        t.finish().unwrap();
        assert!(t.render("f", &Context::new()).is_err());
    }

    #[test]
    fn undefined_names_are_found_at_their_first_read_unless_guarded() {
        let mut tera = Tera::new();
        let text = "{# {{ a }} #}{{ x.a }}{{ f(a=1) }}{{ \"a\" }}{% set b = 1 %}{{ b }}\n{{ a }}{% if c is defined %}{{ c }}{% endif %}{{ d | default(value=1) }}";
        tera.register_function("f", |_: Kwargs, _: &State| 1);
        tera.add_raw_template("t", text).unwrap();
        let found = undefined_variables(&tera, "t", text, &|v: &str| v == "x");
        let at = text.find("\n{{ a }}").unwrap() + 4;
        assert_eq!(found, vec![("a".to_string(), Some(at..at + 1))]);
    }

    #[test]
    fn variables_are_found() {
        assert_eq!(
            dotted_variables("For the {{ facts.protection.sops_years.value | ordinal }} year {% if facts.a.b %}x{% endif %}"),
            vec!["facts.a.b".to_string(), "facts.protection.sops_years.value".to_string()]
        );
    }

    fn fact(
        status: &str,
        value: serde_json::Value,
        previous_status: &str,
        previous: serde_json::Value,
    ) -> Value {
        Value::from_serializable(&serde_json::json!({
            "status": status, "value": value, "previous_status": previous_status, "previous": previous,
        }))
    }

    #[test]
    fn change_names_the_kind_and_takes_the_threshold_from_the_caller() {
        use serde_json::json;
        // (status, value, previous status, previous, significance threshold, kind)
        let cases = [
            ("value", json!(14), "value", json!(14), 0.5, "same"),
            ("value", json!(22), "value", json!(10), 0.5, "increase"),
            ("value", json!(15), "value", json!(24), 0.5, "decrease"),
            (
                "value",
                json!(0),
                "value",
                json!(26),
                0.5,
                "significant_decrease",
            ),
            // The same fall is significant or not by the threshold given.
            (
                "value",
                json!(15),
                "value",
                json!(24),
                0.3,
                "significant_decrease",
            ),
            ("not_reported", json!(null), "value", json!(26), 0.5, "none"),
            ("value", json!(3), "unknown", json!(null), 0.5, "none"),
        ];
        for (status, value, prev_status, prev, threshold, kind) in cases {
            let f = fact(status, value.clone(), prev_status, prev.clone());
            assert_eq!(
                change_kind(&f, threshold).unwrap(),
                kind,
                "{value} vs {prev} at {threshold}"
            );
        }
        let money = |a: i64| serde_json::json!({"amount": a, "currency": "Tajikistani somoni", "usd": a / 11});
        assert_eq!(
            change_kind(&fact("value", money(600000), "value", money(253670)), 0.5).unwrap(),
            "increase"
        );
        assert!(change_kind(&Value::from(3), 0.5).is_err());
        assert!(change_kind(
            &fact("value", serde_json::json!(1), "value", serde_json::json!(2)),
            50.0
        )
        .is_err());
    }

    #[test]
    fn reported_tells_zero_from_not_reported() {
        assert_eq!(
            reported_kind(&fact(
                "value",
                serde_json::json!(3),
                "unknown",
                serde_json::json!(null)
            ))
            .unwrap(),
            "some"
        );
        assert_eq!(
            reported_kind(&fact(
                "value",
                serde_json::json!(0),
                "unknown",
                serde_json::json!(null)
            ))
            .unwrap(),
            "zero"
        );
        assert_eq!(
            reported_kind(&fact(
                "not_reported",
                serde_json::json!(null),
                "unknown",
                serde_json::json!(null)
            ))
            .unwrap(),
            "not_reported"
        );
        assert_eq!(
            reported_kind(&fact(
                "unknown",
                serde_json::json!(null),
                "unknown",
                serde_json::json!(null)
            ))
            .unwrap(),
            "unknown"
        );
    }

    fn table() -> Vec<Acronym> {
        vec![
            Acronym {
                short: "SOPs".into(),
                long: "standard operating procedures".into(),
            },
            Acronym {
                short: "SOP".into(),
                long: "standard operating procedure".into(),
            },
            Acronym {
                short: "NRM".into(),
                long: "national referral mechanism".into(),
            },
        ]
    }

    #[test]
    fn acronyms_are_spelled_out_at_first_use_only() {
        assert_eq!(
            spell_out_acronyms("It drafted SOPs. The SOPs were not adopted.", &table()),
            "It drafted standard operating procedures (SOPs). The SOPs were not adopted."
        );
        // A definition already written stays; a repeated one is shortened.
        assert_eq!(
            spell_out_acronyms(
                "No standard operating procedures (SOPs) existed. Adopt standard operating procedures (SOPs).",
                &table()
            ),
            "No standard operating procedures (SOPs) existed. Adopt SOPs."
        );
        // Capitalized at the start of a sentence; whole words only; the article agrees.
        assert_eq!(
            spell_out_acronyms("SOPs were drafted. It ran an NRM. SOPSX stays.", &table()),
            "Standard operating procedures (SOPs) were drafted. It ran a national referral mechanism (NRM). SOPSX stays."
        );
        assert_eq!(
            spell_out_acronyms("It ran a national referral mechanism (NRM). Keep a national referral mechanism (NRM).", &table()),
            "It ran a national referral mechanism (NRM). Keep an NRM."
        );
    }

    #[test]
    fn paragraph_clause_and_serial_lists() {
        assert_eq!(
            paragraph("  The government\n   increased\n efforts .\n"),
            "The government increased efforts."
        );
        assert_eq!(paragraph("( a , b )"), "(a, b)");
        assert_eq!(
            clause("The government trained judges.", &[]),
            "the government trained judges"
        );
        assert_eq!(clause("NGOs ran shelters.", &[]), "NGOs ran shelters");
        assert_eq!(
            clause("Tajikistan adopted a plan.", &["Tajikistan".into()]),
            "Tajikistan adopted a plan"
        );
        assert_eq!(upper_first("for the fourth year"), "For the fourth year");
        let items = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            serial_join_with(&items(&["a, b", "c", "d"]), ";", "and"),
            "a, b; c; and d"
        );
        assert_eq!(serial_join_with(&items(&["a", "b"]), ";", "or"), "a or b");
    }

    #[test]
    fn money_names_the_currency_briefly_when_asked() {
        let m = Value::from_serializable(
            &serde_json::json!({"amount": 253670, "currency": "Tajikistani somoni", "usd": 22490}),
        );
        let style = NumberStyle::default();
        assert_eq!(
            money(&m, true, true, &style).unwrap(),
            "253,670 somoni ($22,490)"
        );
        assert_eq!(
            money(&m, false, false, &style).unwrap(),
            "253,670 Tajikistani somoni"
        );
        let m = Value::from_serializable(
            &serde_json::json!({"amount": 1.5, "currency": "million euros"}),
        );
        assert_eq!(money(&m, false, true, &style).unwrap(), "1.5 million euros");
    }

    #[test]
    fn verb_list_writes_a_shared_verb_once() {
        let items = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            verb_list(
                &items(&[
                    "increasing investigations of trafficking cases",
                    "increasing funding for victim shelter services",
                    "adopting a new NAP",
                ]),
                "and"
            ),
            "increasing investigations of trafficking cases and funding for victim shelter services, and adopting a new NAP"
        );
        assert_eq!(
            verb_list(
                &items(&[
                    "increasing investigations",
                    "increasing prosecutions",
                    "increasing convictions"
                ]),
                "and"
            ),
            "increasing investigations, prosecutions, and convictions"
        );
        assert_eq!(
            verb_list(
                &items(&["identifying more victims", "training officials"]),
                "and"
            ),
            "identifying more victims and training officials"
        );
        assert_eq!(
            verb_list(
                &items(&[
                    "training law enforcement and judicial officials",
                    "training diplomats"
                ]),
                "and"
            ),
            "training law enforcement and judicial officials, and training diplomats"
        );
        assert_eq!(
            verb_list(
                &items(&[
                    "cooperating with foreign governments",
                    "training law enforcement and judicial officials",
                    "training diplomatic personnel"
                ]),
                "and"
            ),
            "cooperating with foreign governments, training law enforcement and judicial officials, and training diplomatic personnel"
        );
        assert_eq!(
            verb_list(&items(&["adopting a NAP"]), "and"),
            "adopting a NAP"
        );
    }

    #[test]
    fn number_words_keeps_digits_beside_units_and_in_mixed_ranges() {
        let mut tera = Tera::new();
        let style = NumberStyle {
            words_below: 10,
            scales: vec![Scale {
                at: 1_000_000.0,
                word: "million".into(),
            }],
            decimals: 2,
        };
        register_filters_with(&mut tera, &style);
        for (template, expected) in [
            ("{{ 5 | number_words }}", "five"),
            ("{{ 5 | number_words(unit=true) }} percent", "5 percent"),
            (
                "{{ 5 | number_words(among=[5, 8]) }} to {{ 8 | number_words(among=[5, 8]) }}",
                "five to eight",
            ),
            (
                "{{ 5 | number_words(among=[5, 12]) }} to {{ 12 | number_words(among=[5, 12]) }}",
                "5 to 12",
            ),
            ("{{ 2000000 | number_words }}", "2 million"),
            ("{{ 2000001 | number_words }}", "2,000,001"),
        ] {
            tera.add_raw_template("t", template).unwrap();
            assert_eq!(
                tera.render("t", &Context::new()).unwrap(),
                expected,
                "{template}"
            );
        }
        let m = Value::from_serializable(
            &serde_json::json!({"amount": 3412000, "currency": "Nordhavn krone", "usd": 1250000}),
        );
        assert_eq!(
            money(&m, false, true, &style).unwrap(),
            "3.41 million Nordhavn krone ($1.25 million)"
        );
    }

    #[test]
    fn heaviest_keeps_rule_order_among_equals() {
        let items: Vec<Value> = [("a", 1), ("b", 2), ("c", 1), ("d", 2)]
            .iter()
            .map(|(id, w)| Value::from_serializable(&serde_json::json!({"id": id, "weight": w})))
            .collect();
        let top = heaviest(&items, 3, "weight").unwrap();
        let ids: Vec<String> = top
            .iter()
            .map(|v| {
                v.get_from_path("id")
                    .and_then(|i| i.as_str())
                    .unwrap_or_default()
                    .to_string()
            })
            .collect();
        assert_eq!(ids, ["b", "d", "a"]);
    }
}
