//! Language rules from `rules/style.yaml`, over a closed set of kinds (as a prose linter does):
//! `existence`, `substitution`, `repetition` and `acronym`. Adding a rule is YAML; adding a kind
//! is one arm here. Each rule's `examples` run as tests.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::Arc;

use indexmap::IndexMap;
use serde::Deserialize;

use crate::claims::PatternCompiler;
use crate::diagnostic::{Diagnostic, Fix, Severity};
use crate::pattern::Pattern;
use crate::source::SourceFile;
use crate::yaml;

use super::docs::{is_kebab, CheckDoc, SeverityYaml};
use super::Context;

pub const STYLE_FILE: &str = "style.yaml";

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct StyleYaml {
    rules: Vec<StyleRuleYaml>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
enum Kind {
    Existence,
    Substitution,
    Repetition,
    Acronym,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct StyleRuleYaml {
    id: String,
    kind: Kind,
    #[serde(default)]
    severity: Option<SeverityYaml>,
    message: String,
    #[serde(default)]
    message_undefined: Option<String>,
    help: String,
    why: String,
    #[serde(default)]
    pattern: Option<String>,
    #[serde(default)]
    unless: Option<String>,
    #[serde(default)]
    swap: IndexMap<String, String>,
    /// Substitution rules: a sentence that matches this is quoting the law or a source (the
    /// name of an offense in a statute), where the word stands as written.
    #[serde(default)]
    unless_sentence: Option<String>,
    #[serde(default)]
    allow: Vec<String>,
    /// Acronym rules: abbreviations the report spells out once for every narrative, so a
    /// narrative may use them without spelling them out (but not before its own definition).
    #[serde(default)]
    known: Vec<String>,
    /// The rule's fix: `safe` when `check --fix` may apply it unasked (the result is certain),
    /// `unsafe` when it needs `--unsafe-fixes`. Substitutions write their `swap` replacement;
    /// existence rules write `replace` (with `$1`, `$2` for the pattern's groups).
    #[serde(default)]
    fix: Option<FixSafety>,
    #[serde(default)]
    replace: Option<String>,
    examples: Examples,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum FixSafety {
    Safe,
    Unsafe,
}

impl FixSafety {
    pub fn as_str(self) -> &'static str {
        match self {
            FixSafety::Safe => "safe",
            FixSafety::Unsafe => "unsafe",
        }
    }
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Examples {
    pub bad: Vec<String>,
    pub good: Vec<String>,
}

#[derive(Debug)]
enum Matcher {
    Existence {
        re: Pattern,
        unless: Option<Pattern>,
        /// The fix's text, with the pattern's groups (`$1`).
        replace: Option<String>,
    },
    Substitution {
        pairs: Vec<(Pattern, String)>,
        unless_sentence: Option<Pattern>,
    },
    Repetition {
        word: Pattern,
        allow: HashSet<String>,
    },
    Acronym {
        token: Pattern,
        allow: HashSet<String>,
        known: HashSet<String>,
        undefined: String,
    },
}

#[derive(Debug)]
pub struct StyleRule {
    pub id: String,
    pub severity: Severity,
    message: String,
    help: String,
    pub why: String,
    pub examples: Examples,
    pub fix: Option<FixSafety>,
    matcher: Matcher,
}

/// One finding of a rule in a text: where, the matched text, and a replacement when one applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub span: Range<usize>,
    pub matched: String,
    pub replacement: Option<String>,
    pub message: Option<String>,
}

#[derive(Debug, Default)]
pub struct StyleRules {
    pub rules: Vec<StyleRule>,
    /// Every pattern of the rules, to compile ahead of use.
    pub patterns: Vec<Pattern>,
}

/// Tool syntax for an acronym and its definition; the acronyms themselves come from the text.
const ACRONYM: &str = r"\b[A-Z][A-Z0-9]*[A-Z](?:s)?\b";

impl StyleRules {
    pub fn load(
        file: &Arc<SourceFile>,
        placeholders: &[(&'static str, String)],
    ) -> Result<StyleRules, Vec<Diagnostic>> {
        Self::load_as(file, placeholders, false)
    }

    /// [`StyleRules::load`], compiling every pattern now: a pattern too large to compile is a
    /// located problem too (`rules lint`).
    pub fn load_compiled(
        file: &Arc<SourceFile>,
        placeholders: &[(&'static str, String)],
    ) -> Result<StyleRules, Vec<Diagnostic>> {
        Self::load_as(file, placeholders, true)
    }

    fn load_as(
        file: &Arc<SourceFile>,
        placeholders: &[(&'static str, String)],
        now: bool,
    ) -> Result<StyleRules, Vec<Diagnostic>> {
        let (y, spans): (StyleYaml, _) = yaml::load(file)?;
        let mut c = PatternCompiler::new(file, &spans, placeholders).compiling_now(now);
        let mut rules = Vec::new();
        let mut ids = HashSet::new();
        for (i, r) in y.rules.into_iter().enumerate() {
            let at = format!("rules[{i}]");
            if !is_kebab(&r.id) || !ids.insert(r.id.clone()) {
                c.error(
                    &format!("{at}.id"),
                    format!("rule id `{}` is not kebab-case or is used twice", r.id),
                    "ids are unique lowercase words joined by `-`",
                );
                continue;
            }
            let matcher = match r.kind {
                Kind::Existence => {
                    let Some(p) = &r.pattern else {
                        c.error(
                            &at,
                            format!("rule `{}` of kind `existence` has no `pattern`", r.id),
                            "add `pattern:`",
                        );
                        continue;
                    };
                    let re = c.compile(&format!("{at}.pattern"), p);
                    let unless = r
                        .unless
                        .as_ref()
                        .and_then(|u| c.compile(&format!("{at}.unless"), u));
                    let Some(re) = re else { continue };
                    Matcher::Existence {
                        re,
                        unless,
                        replace: r.replace.clone(),
                    }
                }
                Kind::Substitution => {
                    if r.swap.is_empty() {
                        c.error(
                            &at,
                            format!("rule `{}` of kind `substitution` has no `swap`", r.id),
                            "add `swap:` with `pattern: replacement` pairs",
                        );
                        continue;
                    }
                    let pairs: Vec<(Pattern, String)> = r
                        .swap
                        .iter()
                        .filter_map(|(p, rep)| {
                            let re =
                                c.compile(&format!("{at}.swap.{p}"), &format!(r"\b(?:{p})\b"))?;
                            Some((re, rep.clone()))
                        })
                        .collect();
                    let unless_sentence = r
                        .unless_sentence
                        .as_ref()
                        .and_then(|u| c.compile(&format!("{at}.unless_sentence"), u));
                    Matcher::Substitution {
                        pairs,
                        unless_sentence,
                    }
                }
                Kind::Repetition => {
                    let Some(word) = c.compile(&at, r"\b\w+\b") else {
                        continue;
                    };
                    Matcher::Repetition {
                        word,
                        allow: r.allow.iter().map(|w| w.to_lowercase()).collect(),
                    }
                }
                Kind::Acronym => {
                    let Some(token) = c.compile(&at, &format!("(?-i){ACRONYM}")) else {
                        continue;
                    };
                    Matcher::Acronym {
                        token,
                        allow: r.allow.iter().cloned().collect(),
                        known: r.known.iter().cloned().collect(),
                        undefined: r
                            .message_undefined
                            .clone()
                            .unwrap_or_else(|| r.message.clone()),
                    }
                }
            };
            let fixable = match &matcher {
                Matcher::Substitution { .. } => true,
                Matcher::Existence { replace, .. } => replace.is_some(),
                _ => false,
            };
            if r.fix.is_some() && !fixable {
                c.error(
                    &format!("{at}.fix"),
                    format!("rule `{}` has a `fix` but nothing to write", r.id),
                    "a fix needs a `substitution` rule, or an `existence` rule with `replace:`",
                );
            }
            rules.push(StyleRule {
                id: r.id,
                fix: r.fix,
                severity: r.severity.map_or(Severity::Warning, Severity::from),
                message: r.message,
                help: r.help,
                why: r.why,
                examples: r.examples,
                matcher,
            });
        }
        if c.problems.is_empty() {
            Ok(StyleRules {
                rules,
                patterns: c.made,
            })
        } else {
            Err(c.problems)
        }
    }

    /// The `--explain` documentation of every language rule.
    pub fn docs(&self) -> impl Iterator<Item = CheckDoc> + '_ {
        self.rules.iter().map(|r| CheckDoc {
            code: r.id.clone(),
            kind: "style".to_string(),
            severity: r.severity,
            title: r.help.clone(),
            why: r.why.clone(),
            example: Some(format!(
                "flagged: {}\nfine:    {}",
                r.examples.bad.join(" | "),
                r.examples.good.join(" | ")
            )),
            facts: false,
            fix: r.fix.map(|f| f.as_str().to_string()),
            help: IndexMap::new(),
        })
    }
}

impl StyleRule {
    /// Every hit in a sequence of sentences (text, absolute start), in order.
    pub fn find(&self, sentences: &[(&str, usize)]) -> Vec<Hit> {
        let mut out = Vec::new();
        match &self.matcher {
            Matcher::Existence {
                re,
                unless,
                replace,
            } => {
                for (s, base) in sentences {
                    for c in re.captures_iter(s) {
                        let Some(m) = c.get(0) else { continue };
                        if unless.as_ref().is_some_and(|u| u.is_match(m.as_str())) {
                            continue;
                        }
                        let replacement = replace.as_ref().map(|r| {
                            let mut out = String::new();
                            c.expand(r, &mut out);
                            out
                        });
                        out.push(hit(
                            base + m.start()..base + m.end(),
                            m.as_str(),
                            replacement,
                        ));
                    }
                }
            }
            Matcher::Substitution {
                pairs,
                unless_sentence,
            } => {
                for (s, base) in sentences {
                    if unless_sentence.as_ref().is_some_and(|u| u.is_match(s)) {
                        continue;
                    }
                    let mut taken: Vec<Range<usize>> = Vec::new();
                    for (re, rep) in pairs {
                        for c in re.captures_iter(s) {
                            let Some(m) = c.get(0) else { continue };
                            if taken.iter().any(|t| t.start < m.end() && m.start() < t.end) {
                                continue;
                            }
                            // Words in quotation marks are someone else's (a statute's, a
                            // source's): they stand as written.
                            let quoted = s[..m.start()].ends_with(['"', '“', '‘', '\''])
                                && s[m.end()..].starts_with(['"', '”', '’', '\'']);
                            if quoted {
                                continue;
                            }
                            taken.push(m.range());
                            let mut replacement = String::new();
                            c.expand(rep, &mut replacement);
                            out.push(hit(
                                base + m.start()..base + m.end(),
                                m.as_str(),
                                Some(replacement),
                            ));
                        }
                    }
                }
                out.sort_by_key(|h| h.span.start);
            }
            Matcher::Repetition { word, allow } => {
                let mut words = Vec::new();
                for (s, base) in sentences {
                    word_spans(word, s, &mut words);
                    for pair in words.windows(2) {
                        let (p, m) = (&pair[0], &pair[1]);
                        let (prev, this) = (&s[p.clone()], &s[m.clone()]);
                        let gap = &s[p.end..m.start];
                        if prev.eq_ignore_ascii_case(this)
                            && !gap.is_empty()
                            && gap.chars().all(|c| c == ' ' || c == '\t' || c == '\n')
                            && !allow.contains(&this.to_lowercase())
                            && !this.chars().all(|c| c.is_ascii_digit())
                        {
                            out.push(hit(base + p.start..base + m.end, this, None));
                        }
                    }
                }
            }
            Matcher::Acronym {
                token,
                allow,
                known,
                undefined,
            } => {
                // Where each acronym is defined: "(SOPs)".
                let mut defined: HashMap<String, usize> = HashMap::new();
                for (s, base) in sentences {
                    for m in token.find_iter(s) {
                        let before = s[..m.start()].ends_with('(');
                        let after = s[m.end()..].starts_with(')');
                        if before && after {
                            defined
                                .entry(stem(m.as_str()).to_string())
                                .or_insert(base + m.start());
                        }
                    }
                }
                let mut reported: HashSet<String> = HashSet::new();
                for (s, base) in sentences {
                    // A line in capitals only is a heading, not a sentence that uses acronyms.
                    if !s.chars().any(char::is_lowercase) {
                        continue;
                    }
                    for m in token.find_iter(s) {
                        let t = m.as_str();
                        let key = stem(t).to_string();
                        if allow.contains(t) || allow.contains(&key) || reported.contains(&key) {
                            continue;
                        }
                        // A hyphenated word part ("COVID-19" is handled by the allow list; "X-ray").
                        if s[m.end()..].starts_with('-') && s[..m.start()].is_empty() {
                            continue;
                        }
                        let at = base + m.start();
                        match defined.get(&key) {
                            Some(d) if at < *d => {
                                reported.insert(key);
                                out.push(hit(at..base + m.end(), t, None));
                            }
                            Some(_) => {
                                reported.insert(key);
                            }
                            None if known.contains(t) || known.contains(&key) => {
                                reported.insert(key);
                            }
                            None => {
                                reported.insert(key);
                                let msg = undefined.replace("{match}", t);
                                out.push(Hit {
                                    span: at..base + m.end(),
                                    matched: t.to_string(),
                                    replacement: None,
                                    message: Some(msg),
                                });
                            }
                        }
                    }
                }
            }
        }
        out
    }

    fn diagnostic(&self, h: &Hit) -> (String, String) {
        let fill = |s: &str| {
            s.replace("{match}", &h.matched)
                .replace("{replacement}", h.replacement.as_deref().unwrap_or(""))
        };
        (
            h.message.clone().unwrap_or_else(|| fill(&self.message)),
            fill(&self.help),
        )
    }
}

/// The spans of the matches of `word` (the repetition rule's `\b\w+\b`, with ASCII word
/// boundaries) in `s`, into `out`. In ASCII text those are exactly the longest runs of ASCII
/// letters, digits and `_`, found here without the regex: matching every word of every sentence
/// was the slowest language rule. Other text goes through the regex.
fn word_spans(word: &Pattern, s: &str, out: &mut Vec<Range<usize>>) {
    out.clear();
    if !s.is_ascii() {
        out.extend(word.find_iter(s).map(|m| m.range()));
        return;
    }
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if is_word(bytes[i]) {
            let start = i;
            while i < bytes.len() && is_word(bytes[i]) {
                i += 1;
            }
            out.push(start..i);
        } else {
            i += 1;
        }
    }
}

/// `replacement`, starting in lowercase when the matched text does (a swap written for the
/// start of a sentence, applied in its middle).
fn same_case(matched: &str, replacement: &str) -> String {
    let lower = matched.chars().next().is_some_and(char::is_lowercase);
    let mut c = replacement.chars();
    match c.next() {
        Some(f) if lower && f.is_uppercase() => f.to_lowercase().chain(c).collect(),
        _ => replacement.to_string(),
    }
}

fn stem(t: &str) -> &str {
    t.strip_suffix('s').filter(|s| s.len() >= 2).unwrap_or(t)
}

fn hit(span: Range<usize>, matched: &str, replacement: Option<String>) -> Hit {
    Hit {
        span,
        matched: matched.to_string(),
        replacement,
        message: None,
    }
}

/// Run every language rule over the sentences of the draft.
pub fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let sentences: Vec<(&str, usize)> = ctx
        .narrative
        .sentences()
        .map(|(_, s)| (ctx.text(s), s.start))
        .collect();
    for rule in &ctx.rules.style.rules {
        for h in rule.find(&sentences) {
            let (message, help) = rule.diagnostic(&h);
            let mut d = Diagnostic::new(rule.id.clone(), rule.severity, message)
                .at(ctx.file(), h.span.clone())
                .with_help(help);
            if let (Some(safety), Some(replacement)) = (rule.fix, &h.replacement) {
                d = d.with_fix(Fix {
                    matched: h.matched.clone(),
                    replacement: same_case(&h.matched, replacement),
                    safe: safety == FixSafety::Safe,
                });
            }
            out.push(d);
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The words found without the regex are the regex's matches, in any text.
        #[test]
        fn word_spans_are_the_regex_matches(s in "[a-zA-Z0-9_ ,.'()\t\n’é-]{0,40}") {
            // As `PatternCompiler::compile` builds the repetition rule's `\b\w+\b`.
            let word = Pattern::new(r"(?-u:\b)\w+(?-u:\b)".to_string(), true).expect("pattern");
            let mut fast = Vec::new();
            word_spans(&word, &s, &mut fast);
            let slow: Vec<Range<usize>> = word.find_iter(&s).map(|m| m.range()).collect();
            prop_assert_eq!(fast, slow);
            // The same text without its non-ASCII characters takes the fast path.
            let ascii: String = s.chars().filter(char::is_ascii).collect();
            let mut fast = Vec::new();
            word_spans(&word, &ascii, &mut fast);
            let slow: Vec<Range<usize>> = word.find_iter(&ascii).map(|m| m.range()).collect();
            prop_assert_eq!(fast, slow);
        }
    }
}
