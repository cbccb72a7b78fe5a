//! Tera setup: the house-style filters, registered in one place, and the small text templates
//! of rule findings and recommendations. (The narrative templates of `draft` build on the same
//! filters.) Templates format; Rust decides: nothing here scores or chooses a tier.

use std::ops::Range;

use tera::{Context, Kwargs, State, Tera, TeraResult, Value};

/// Compiled finding and recommendation texts, one template per rule text.
#[derive(Debug)]
pub struct TextTemplates {
    tera: Tera,
}

impl Default for TextTemplates {
    fn default() -> Self {
        Self::new()
    }
}

impl TextTemplates {
    pub fn new() -> Self {
        let mut tera = Tera::new();
        register_filters(&mut tera);
        Self { tera }
    }

    /// Compile a text; returns the dotted variables it reads (`facts.prosecution.convictions.value`),
    /// or the error message with its byte span inside the text.
    pub fn add(&mut self, name: &str, text: &str) -> Result<Vec<String>, (String, Option<Range<usize>>)> {
        self.tera
            .add_raw_template(name, text)
            .map_err(|e| describe_error(&e))?;
        Ok(dotted_variables(text))
    }

    /// Render a compiled text with a context.
    pub fn render(&self, name: &str, context: &Context) -> Result<String, String> {
        self.tera
            .render(name, context)
            .map_err(|e| describe_error(&e).0)
    }
}

/// The message and span of a Tera error, without Tera's own ASCII report.
pub fn describe_error(e: &tera::Error) -> (String, Option<Range<usize>>) {
    match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
            (lower_first(r.message()), Some(r.span().range.clone()))
        }
        other => (lower_first(&other.to_string()), None),
    }
}

fn lower_first(s: &str) -> String {
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
        let Some(close) = after.find(['}']) else { break };
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

/// Register every house-style filter. The one place filters are added.
pub fn register_filters(tera: &mut Tera) {
    tera.register_filter("number_words", |v: &Value, _: Kwargs, _: &State| -> TeraResult<String> {
        let n = as_number(v)?;
        Ok(number_words(n))
    });
    tera.register_filter("ordinal", |v: &Value, _: Kwargs, _: &State| -> TeraResult<String> {
        let n = as_number(v)?;
        Ok(ordinal_words(n))
    });
    tera.register_filter("thousands", |v: &Value, _: Kwargs, _: &State| -> TeraResult<String> {
        let n = as_number(v)?;
        Ok(thousands(n))
    });
    tera.register_filter("money", |v: &Value, _: Kwargs, _: &State| -> TeraResult<String> {
        money(v)
    });
    tera.register_filter("serial_join", |v: &Value, kwargs: Kwargs, _: &State| -> TeraResult<String> {
        let conj: String = kwargs.get::<String>("conjunction")?.unwrap_or_else(|| "and".to_string());
        let items: Vec<String> = v
            .as_array()
            .ok_or_else(|| tera::Error::message("`serial_join` takes a list"))?
            .iter()
            .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_string))
            .collect();
        Ok(serial_join(&items, &conj))
    });
}

fn as_number(v: &Value) -> TeraResult<i64> {
    v.as_i64()
        .or_else(|| v.as_f64().map(|f| f.round() as i64))
        .ok_or_else(|| tera::Error::message(format!("expected a number, found `{v}`")))
}

const ONES: [&str; 20] = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
];
const ORDINALS: [&str; 21] = [
    "zeroth", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
    "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
    "seventeenth", "eighteenth", "nineteenth", "twentieth",
];

/// House style: one to nine in words, 10 and above in digits (with thousands separators).
pub fn number_words(n: i64) -> String {
    if (0..10).contains(&n) {
        ONES[n as usize].to_string()
    } else {
        thousands(n)
    }
}

/// Ordinals in words ("fourth"); past twentieth, digits with a suffix ("21st").
pub fn ordinal_words(n: i64) -> String {
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
pub fn thousands(n: i64) -> String {
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

/// `{amount, currency, usd}` -> "600,000 Tajikistani somoni ($53,190)".
fn money(v: &Value) -> TeraResult<String> {
    let map = v
        .as_map()
        .ok_or_else(|| tera::Error::message("`money` takes `{amount, currency, usd}`"))?;
    let get = |k: &str| map.get(&tera::value::Key::Str(k)).cloned();
    let amount = get("amount")
        .and_then(|a| a.as_f64().or_else(|| a.as_i64().map(|i| i as f64)))
        .ok_or_else(|| tera::Error::message("money has no `amount`"))?;
    let currency = get("currency")
        .and_then(|c| c.as_str().map(str::to_string))
        .unwrap_or_default();
    let mut out = format!("{} {currency}", thousands(amount.round() as i64));
    if let Some(usd) = get("usd").and_then(|u| u.as_f64().or_else(|| u.as_i64().map(|i| i as f64))) {
        out.push_str(&format!(" (${})", thousands(usd.round() as i64)));
    }
    Ok(out.trim().to_string())
}

/// ["a", "b", "c"] -> "a, b, and c" (serial comma).
pub fn serial_join(items: &[String], conjunction: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [a, b] => format!("{a} {conjunction} {b}"),
        [rest @ .., last] => format!("{}, {conjunction} {last}", rest.join(", ")),
    }
}

#[cfg(test)]
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
        assert_eq!(serial_join(&["a".into(), "b".into(), "c".into()], "and"), "a, b, and c");
    }

    #[test]
    fn money_filter_renders_usd_in_parentheses() {
        let mut t = TextTemplates::new();
        t.add("m", "{{ m | money }}").unwrap();
        let mut ctx = Context::new();
        ctx.insert("m", &serde_json::json!({"amount": 600000, "currency": "Tajikistani somoni", "usd": 53190}));
        assert_eq!(t.render("m", &ctx).unwrap(), "600,000 Tajikistani somoni ($53,190)");
    }

    #[test]
    fn undefined_variable_is_an_error_not_empty() {
        let mut t = TextTemplates::new();
        t.add("u", "x{{ nope.value }}y").unwrap();
        assert!(t.render("u", &Context::new()).is_err());
    }

    #[test]
    fn variables_are_found() {
        assert_eq!(
            dotted_variables("For the {{ facts.protection.sops_years.value | ordinal }} year {% if facts.a.b %}x{% endif %}"),
            vec!["facts.a.b".to_string(), "facts.protection.sops_years.value".to_string()]
        );
    }
}
